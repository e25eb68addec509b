# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which platform a task's host is: decided once, here, from the task's connection.

A Windows host is one whose connection speaks a Windows shell (cmd or PowerShell: WinRM,
PSRP, or SSH to Windows OpenSSH with ``ansible_shell_type``). Nothing else in the collection
looks at connection or shell names, and no role or playbook decides the platform in YAML.
"""
from __future__ import annotations

from typing import Any

WINDOWS = "windows"
LINUX = "linux"


def host_platform(action: Any) -> str:
    """``windows`` or ``linux`` for the host of an action plugin's task."""
    shell = getattr(action._connection, "_shell", None)
    return WINDOWS if getattr(shell, "_IS_WINDOWS", False) else LINUX


def is_windows(action: Any) -> bool:
    return host_platform(action) == WINDOWS
