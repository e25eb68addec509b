from __future__ import annotations

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._win_account import (
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
