from __future__ import annotations

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError
from ansible_collections.svcwright.services.plugins.module_utils._win_account import (
    check_password,
    fingerprint_read_argv,
    parse_fingerprint,
    local_user,
    parse_net_user_missing,
    account_kind,
    fingerprint_key,
    needs_password,
    normalize_account,
    password_matches,
    same_account,
    stored_fingerprint,
)


@pytest.mark.parametrize("name,canonical,kind", [
    (None, "LocalSystem", "system"),
    ("localsystem", "LocalSystem", "system"),
    ("NT AUTHORITY\\SYSTEM", "LocalSystem", "system"),
    ("LocalService", "NT AUTHORITY\\LocalService", "local_service"),
    ("NT AUTHORITY\\Local Service", "NT AUTHORITY\\LocalService", "local_service"),
    ("nt authority\\networkservice", "NT AUTHORITY\\NetworkService", "network_service"),
    ("nt service\\Hello [x]", "NT SERVICE\\Hello [x]", "virtual"),
    ("CORP\\svc-hello$", "CORP\\svc-hello$", "gmsa"),
    ("svcuser", ".\\svcuser", "user"),
    ("CORP\\svcuser", "CORP\\svcuser", "user"),
    ("svcuser@corp.example", "svcuser@corp.example", "user"),
])
def test_accounts(name, canonical, kind):
    assert normalize_account(name) == canonical
    assert account_kind(name) == kind
    assert needs_password(name) == (kind == "user")


def test_same_account_ignores_case_and_dot_prefix():
    assert same_account("svcuser", ".\\SVCUSER")
    assert same_account("LocalService", "NT AUTHORITY\\LocalService")
    assert not same_account("svcuser", "other")


def test_fingerprint_detects_a_change_and_never_holds_the_password():
    stored = stored_fingerprint("s3cret!")
    assert "s3cret" not in stored
    assert password_matches("s3cret!", stored)
    assert not password_matches("s3cret?", stored)
    assert not password_matches("s3cret!", None)
    assert not password_matches("s3cret!", "garbage")
    assert stored_fingerprint("x") != stored_fingerprint("x")  # salted
    assert fingerprint_key("Svc [a]") == "HKLM\\SOFTWARE\\svcwright\\services\\Svc [a]"


@pytest.mark.parametrize("account,user", [
    ("svc", "svc"), (".\\svc", "svc"), ("CORP\\svc", None), ("svc@corp.example", None), ("LocalService", None),
    ("NT SERVICE\\hello", None), ("CORP\\gmsa$", None), (None, None),
])
def test_only_local_user_accounts_are_looked_up(account, user):
    assert local_user(account) == user


def test_net_user_proves_a_missing_account_only_by_its_message_number():
    real = "The user name could not be found.\r\n\r\nMore help is available by typing NET HELPMSG 2221.\r\n"
    assert parse_net_user_missing(2, real)
    assert not parse_net_user_missing(0, "User name                    svc\r\nFull Name\r\n")
    # Wine's net.exe has no `user` command: it prints its syntax, which proves nothing.
    assert not parse_net_user_missing(0, "The syntax of this command is:\n\nNET command [arguments]\n")


def test_one_account_and_password_rule():
    """The rule both Windows backends apply before anything is written."""
    with pytest.raises(SpecError, match="password is set but account NT SERVICE.x is a virtual account"):
        check_password("x", "NT SERVICE\\x", "pw", False, "on_change")
    with pytest.raises(SpecError, match=r"account .\\svc is a user account and needs its password"):
        check_password("x", ".\\svc", None, True, "on_change")
    with pytest.raises(SpecError, match="needs its password"):
        check_password("x", ".\\svc", None, False, "always")
    # The account stays and its password is not to be set again: nothing to refuse.
    check_password("x", ".\\svc", None, False, "on_change")
    check_password("x", "LocalSystem", None, True, "always")


def test_fingerprint_read_and_parse():
    assert fingerprint_read_argv("a b") == ["reg.exe", "query", "HKLM\\SOFTWARE\\svcwright\\services\\a b", "/v",
                                            "PasswordFingerprint"]
    out = ("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\svcwright\\services\\a b\r\n"
           "    PasswordFingerprint    REG_SZ    00ff:abcd\r\n\r\n")
    assert parse_fingerprint(0, out) == "00ff:abcd"
    assert parse_fingerprint(1, "ERROR: The system was unable to find the specified registry key or value.\r\n") is None
    assert parse_fingerprint(0, out.replace("00ff:abcd", "")) is None
