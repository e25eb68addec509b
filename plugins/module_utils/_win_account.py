# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows service accounts: canonical names, kinds, and password change detection.

Windows never reveals a service's password, so a change cannot be read back. Instead the
modules keep a salted PBKDF2 fingerprint of the password they last set, in
``HKLM\\SOFTWARE\\svcwright\\services\\<name>`` value ``PasswordFingerprint``; a different
fingerprint means the password changed. The password itself is never stored or returned.
"""
from __future__ import annotations

import binascii
import hashlib
import os
import re
from typing import Any, Dict, List, Optional, Tuple

from ._reg_output import RegKeyNotFoundError, parse_reg_query
from ._spec import SpecError
from ._win_registry import ObserveError
from ._win_text import WinOutputParseError

FINGERPRINT_KEY = "HKLM\\SOFTWARE\\svcwright\\services"
FINGERPRINT_VALUE = "PasswordFingerprint"
_ITERATIONS = 200000
UPDATE_PASSWORD = ("on_change", "always", "on_create")

# The options of both Windows backends for an account's password.
PASSWORD_OPTIONS: Dict[str, Any] = dict(
    password=dict(type="str", no_log=True),
    update_password=dict(type="str", choices=list(UPDATE_PASSWORD), default="on_change"),
)

_BUILTIN = {
    "localsystem": ("LocalSystem", "system"),
    ".\\localsystem": ("LocalSystem", "system"),
    "nt authority\\system": ("LocalSystem", "system"),
    "system": ("LocalSystem", "system"),
    "localservice": ("NT AUTHORITY\\LocalService", "local_service"),
    "nt authority\\localservice": ("NT AUTHORITY\\LocalService", "local_service"),
    "nt authority\\local service": ("NT AUTHORITY\\LocalService", "local_service"),
    "networkservice": ("NT AUTHORITY\\NetworkService", "network_service"),
    "nt authority\\networkservice": ("NT AUTHORITY\\NetworkService", "network_service"),
    "nt authority\\network service": ("NT AUTHORITY\\NetworkService", "network_service"),
}


def _classify(name: str) -> Tuple[str, str]:
    text = name.strip()
    builtin = _BUILTIN.get(text.lower())
    if builtin:
        return builtin
    if re.match(r"(?i)^nt service\\.+", text):
        return "NT SERVICE\\" + text.split("\\", 1)[1], "virtual"
    if text.endswith("$"):
        return text, "gmsa"
    if "\\" not in text and "@" not in text:
        return ".\\" + text, "user"
    return text, "user"


def normalize_account(name: Optional[str]) -> str:
    """The canonical spelling of an account (LocalSystem when none is given)."""
    return _classify(name)[0] if name else "LocalSystem"


def account_kind(name: Optional[str]) -> str:
    """system, local_service, network_service, virtual (NT SERVICE\\x), gmsa (ends in $) or user."""
    return _classify(name)[1] if name else "system"


def same_account(a: Optional[str], b: Optional[str]) -> bool:
    """Account names compare case-insensitively, and '.\\user' is 'user'."""
    return normalize_account(a).lower() == normalize_account(b).lower()


def needs_password(name: Optional[str]) -> bool:
    """Only plain user accounts log on with a password; built-in, virtual and gMSA never do."""
    return account_kind(name) == "user"


def new_salt() -> str:
    return binascii.hexlify(os.urandom(16)).decode("ascii")


def password_fingerprint(password: str, salt: str) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), _ITERATIONS)
    return binascii.hexlify(digest).decode("ascii")


def stored_fingerprint(password: str, salt: Optional[str] = None) -> str:
    """The registry value for a password: ``<salt>:<fingerprint>``."""
    salt = salt or new_salt()
    return "%s:%s" % (salt, password_fingerprint(password, salt))


def password_matches(password: str, stored: Optional[str]) -> bool:
    """Whether ``stored`` (a registry value, or None when there is none) is this password's."""
    if not stored or ":" not in stored:
        return False
    salt, fingerprint = stored.split(":", 1)
    return password_fingerprint(password, salt) == fingerprint


def fingerprint_key(service: str) -> str:
    return FINGERPRINT_KEY + "\\" + service


def fingerprint_read_argv(service: str) -> List[str]:
    return ["reg.exe", "query", fingerprint_key(service), "/v", FINGERPRINT_VALUE]


def fingerprint_set_argv(service: str, value: str) -> List[str]:
    return ["reg.exe", "add", fingerprint_key(service), "/v", FINGERPRINT_VALUE, "/t", "REG_SZ", "/d", value, "/f"]


def fingerprint_delete_argv(service: str) -> List[str]:
    return ["reg.exe", "delete", fingerprint_key(service), "/f"]


def parse_fingerprint(rc: int, output: str) -> Optional[str]:
    """The stored ``<salt>:<fingerprint>`` from :func:`fingerprint_read_argv`; None when
    there is none (reg.exe fails, saying so, when the key or the value is missing)."""
    try:
        keys = parse_reg_query(output)
    except RegKeyNotFoundError:
        return None
    except WinOutputParseError as exc:
        if rc != 0:
            return None
        raise ObserveError("cannot read the password fingerprint: %s" % exc)
    for key in keys:
        value = key.data(FINGERPRINT_VALUE)
        if isinstance(value, str) and value:
            return value
    return None


def refuse_needless_password(service: str, account: str, password: Optional[str]) -> None:
    """Refuse a password for an account that logs on without one: known from the task alone,
    so checked before the host is read. Raises SpecError."""
    if password is not None and not needs_password(account):
        raise SpecError("service %r: password is set but account %s is a %s account, which logs on without "
                        "one. Nothing was changed. Remove password (or give a user account)."
                        % (service, account, account_kind(account).replace("_", " ")), key="password")


def check_password(service: str, account: str, password: Optional[str], account_is_set: bool,
                   update_password: str) -> None:
    """The account/password rule: :func:`refuse_needless_password`, and refuse a user account
    without the password it needs when the run sets the account (a new service, another
    account) or update_password is always. Raises SpecError."""
    refuse_needless_password(service, account, password)
    if password is None and needs_password(account) and (account_is_set or update_password == "always"):
        raise SpecError("service %r: account %s is a user account and needs its password, and none is given. "
                        "Nothing was changed. Give password (it is never logged), or use a virtual account "
                        "(NT SERVICE\\%s), a gMSA (DOMAIN\\name$) or LocalService."
                        % (service, account, service), key="password")


def local_user(name: Optional[str]) -> Optional[str]:
    """The user name of a local account (``.\\svc``, ``svc``, ``HOSTNAME\\svc`` is not known
    here, so only those two forms), which ``net user`` can look up; None for every other kind."""
    if not name or account_kind(name) != "user":
        return None
    canonical = normalize_account(name)
    return canonical[2:] if canonical.startswith(".\\") else None


def parse_net_user_missing(rc: int, output: str) -> bool:
    """Whether ``net user NAME`` said the account does not exist: exit code 2 with message
    2221 (NERR_UserNotFound), which every language version names by its number ("NET
    HELPMSG 2221"). Anything else (the account exists, or a host whose net.exe has no
    ``user`` command, as Wine's) is not proof that it is missing."""
    return rc == 2 and "2221" in output
