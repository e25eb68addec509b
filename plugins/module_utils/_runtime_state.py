# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runtime state of a service in one vocabulary for every platform.

systemd and the Service Control Manager each have words of their own (``active
(auto-restart)``, ``START_PENDING``); the unified ``service`` result and ``verify`` speak
these instead, so that a playbook tests one word whatever the host. The backends' own
status blocks keep the manager's words.
"""
from __future__ import annotations

from typing import Dict

RUNNING = "running"
STARTING = "starting"
STOPPING = "stopping"
RESTARTING = "restarting"  # the process exited; the manager will start it again by itself
STOPPED = "stopped"  # not running, and nothing will start it by itself
FAILED = "failed"  # stopped, and the manager recorded the last run as a failure (systemd)
ABSENT = "absent"
# A Windows service that accepted Pause: its process is there but does not serve, and nothing
# resumes it by itself, so it is neither running nor stopped. Only the SCM has it: systemd
# has no pause. (NSSM pauses its service while it waits to restart the program: that is
# restarting, see sc_state.)
PAUSED = "paused"

STATES = (RUNNING, STARTING, STOPPING, RESTARTING, STOPPED, FAILED, ABSENT, PAUSED)


def systemd_state(load_state: str, active_state: str, sub_state: str) -> str:
    """The state of a unit from ``systemctl show``'s LoadState, ActiveState and SubState."""
    if load_state in ("not-found", ""):
        return ABSENT
    # reloading: the main process stays and rereads its configuration; it keeps serving.
    if active_state in ("active", "reloading"):
        return RUNNING
    if active_state == "activating":
        # auto-restart: the process ended and systemd waits RestartSec= to start it again.
        return RESTARTING if sub_state.startswith("auto-restart") else STARTING
    if active_state == "deactivating":
        return STOPPING
    if active_state == "failed":
        return FAILED
    return STOPPED


# SERVICE_STATUS.dwCurrentState. CONTINUE_PENDING is on its way back to running; a state
# the SCM may add later is taken as a transition away from running, so nothing waits on it.
_SC_STATES: Dict[int, str] = {1: STOPPED, 2: STARTING, 3: STOPPING, 4: RUNNING, 5: STARTING, 6: PAUSED, 7: PAUSED}


def sc_state(state: int, wrapped: bool = False) -> str:
    """The state of a Windows service from its SCM state number. ``wrapped``: NSSM runs it,
    and NSSM pauses the service while it waits to restart the program (restart delay,
    throttle), then resumes it by itself."""
    word = _SC_STATES.get(state, STOPPING)
    if wrapped and word == PAUSED:
        return RESTARTING
    return word
