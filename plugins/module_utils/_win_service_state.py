# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runtime state of a Windows service, the same for the sc and the NSSM backend: the
SCM's state numbers, the rule that says whether a service runs, the status block both
modules return, and the runtime part of their diffs."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from ._runtime_state import ABSENT, RESTARTING, RUNNING, sc_state
from ._sc_output import SERVICE_STATES, ScServiceStatus
from ._systemd_plan import Change

# SERVICE_STATUS.dwCurrentState of a stopped service.
STOPPED = 1

# The runtime operations of a plan, as both backends name them (sc deletes, NSSM removes).
RUNTIME_ACTIONS = ("start", "stop", "restart", "delete", "remove")
# The state a run leads to, per requested state, in the words of the status block.
STATE_AFTER = {"started": "running", "restarted": "running", "stopped": "stopped", "absent": "absent"}
_NUMBER_OF = {name.lower(): number for number, name in SERVICE_STATES.items()}


def runtime_state(status: Optional[ScServiceStatus], wrapped: bool = False) -> str:
    """The platform-neutral state (``_runtime_state``) of a status; None: not installed.
    ``wrapped``: NSSM runs the service."""
    return ABSENT if status is None else sc_state(status.state, wrapped)


def runtime_state_of(word: Optional[str], wrapped: bool = False) -> str:
    """The platform-neutral state from a status block's ``state`` (see :func:`status_dict`)."""
    word = (word or "absent").lower()
    if word == "absent":
        return ABSENT
    number = _NUMBER_OF.get(word)
    return sc_state(number, wrapped) if number is not None else word


def is_up(status: Optional[ScServiceStatus], wrapped: bool = False) -> bool:
    """The running rule: a service runs when it is RUNNING, or when NSSM holds it paused to
    restart its program by itself. A service that is still starting is not up yet (a start
    waits for it), one that is stopping is on its way down."""
    return runtime_state(status, wrapped) in (RUNNING, RESTARTING)


def needs_stop(status: Optional[ScServiceStatus]) -> bool:
    """Whether a stop has anything to do: every state but STOPPED, STOP_PENDING included
    (the stop then waits for it to end)."""
    return status is not None and status.state != STOPPED


def status_dict(status: Optional[ScServiceStatus]) -> Dict[str, Any]:
    """The ``status`` block of win_service and win_nssm: the SCM's own words."""
    if status is None:
        return dict(state="absent", pid=None, win32_exit_code=None, service_exit_code=None)
    return dict(state=status.state_name.lower(), pid=status.pid, win32_exit_code=status.win32_exit_code,
                service_exit_code=status.service_exit_code)


def runtime_before(status: Optional[ScServiceStatus]) -> str:
    """The runtime diff's before text."""
    return "state: %s\n" % status_dict(status)["state"]


def runtime_after(status: Optional[ScServiceStatus], changes: Sequence[Change], state: str) -> str:
    """The runtime diff's after text: the state the run leads to, and each operation with its
    reason (the words are those of the status block's ``state``)."""
    after = STATE_AFTER[state]
    if state == "stopped" and status is not None and not any(c.action == "stop" for c in changes):
        after = status.state_name.lower()
    text = "state: %s\n" % after
    for change in changes:
        if change.action in RUNTIME_ACTIONS:
            text += "%s: %s\n" % (change.action, change.reason)
    return text
