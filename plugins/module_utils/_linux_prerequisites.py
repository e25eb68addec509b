# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a systemd service needs on its host before anything is written: the program, the
account and group, the working directory, the units it depends on.

Runs on the host (systemd_unit before it writes a unit; release before it ships a release
whose definition could not run there). The reads are the standard library's; only the
dependencies need ``systemctl show``, passed in as a callable.
"""
from __future__ import annotations

import grp
import os
import pwd
import re
from typing import Callable, List, Optional, Sequence

from ._spec import ServiceSpec

_BROKEN_LOAD_STATES = ("not-found", "bad-setting", "error")


def _exists(lookup: Callable[[str], object], name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def account_exists(name: Optional[str]) -> bool:
    return not name or _exists(pwd.getpwnam, name)


def dependency_units(spec: ServiceSpec, requires: Sequence[str]) -> List[str]:
    return [d if "." in d else d + ".service" for d in list(spec.dependencies) + list(requires)]


def missing_units(units: Sequence[str], show_output: str) -> List[str]:
    """The units ``systemctl show --property=Id,LoadState -- UNIT...`` says do not exist."""
    states = re.findall(r"^LoadState=(.*)$", show_output, re.MULTILINE)
    return [u for u, state in zip(units, states) if state.strip() in _BROKEN_LOAD_STATES]


def missing_prerequisites(spec: ServiceSpec, create_account: bool, group: Optional[str], requires: Sequence[str],
                          show_units: Callable[[List[str]], str], check_command: bool = True) -> List[str]:
    """Each missing prerequisite, with what to do; empty when the service can work."""
    problems = []
    command = spec.command or ""
    if check_command and not os.path.isfile(command):
        problems.append("command %s does not exist. Ship the program before this task, or fix command." % command)
    elif check_command and not os.access(command, os.X_OK):
        problems.append("command %s is not executable. Make it executable (mode 0755)." % command)
    if spec.account and not create_account and not account_exists(spec.account):
        problems.append("account %s does not exist. Create it, or set create_account: true." % spec.account)
    if group and not create_account and not _exists(grp.getgrnam, group):
        problems.append("group %s does not exist. Create it, or set create_account: true (which creates it)." % group)
    if spec.working_dir and not os.path.isdir(spec.working_dir):
        problems.append("working_dir %s is not a directory. Create it first, or fix working_dir." % spec.working_dir)
    units = dependency_units(spec, requires)
    if units:
        missing = missing_units(units, show_units(units))
        if missing:
            problems.append("dependencies %s do not exist on this host. Install them first, or remove them from "
                            "dependencies." % ", ".join(missing))
    return problems
