# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment(object):
    # What the Windows backends (win_service, win_nssm) share: how they reach the host, the account's
    # password and how its change is told, and how Windows compares names.
    DOCUMENTATION = r"""
options:
  password:
    description:
      - Password of O(account) when it is a user account (V(.\\user), V(DOMAIN\\user) or V(user@domain)). Never
        logged, returned, or shown in a diff or an error.
      - Refused for built-in, virtual and gMSA accounts, which have none.
    type: str
  update_password:
    description:
      - When to set O(password) on an existing service whose account does not change.
      - V(on_change) sets it when it differs from the one this module last set (from the fingerprint; once when
        there is no fingerprint yet). V(always) sets it on every run (always changed). V(on_create) only when the
        service is created or its account changes.
    type: str
    choices: [on_change, always, on_create]
    default: on_change
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: windows
notes:
  - Runs as an action plugin on the controller, through the task's own connection (C(winrm), C(psrp), or C(ssh) to
    Windows OpenSSH with the C(cmd) or C(powershell) shell). The host needs no PowerShell modules and no Python.
  - Without O(account) the service runs as V(LocalSystem), the SCM's default. For least privilege use
    V(NT AUTHORITY\\LocalService), a virtual account V(NT SERVICE\\<name>) or a gMSA V(DOMAIN\\name$).
  - Windows never reveals a service's password. To tell whether it changed, the module keeps a salted PBKDF2
    fingerprint of the password it last set (never the password) in C(HKLM\\SOFTWARE\\svcwright\\services\\<name>),
    value C(PasswordFingerprint), and removes it with the service.
  - Paths and account names compare case-insensitively, as Windows treats them.
seealso:
  - module: svcwright.services.systemd_unit
"""
