from __future__ import annotations

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._win_account import (
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
