# -*- coding: utf-8 -*-
"""The runtime state of a Windows service, the same for the sc and the NSSM backend."""
from __future__ import annotations

from typing import Optional

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import ScServiceStatus, parse_sc_query_one
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import Change
from ansible_collections.svcwright.services.plugins.module_utils._win_service_state import (
    is_up,
    needs_stop,
    runtime_after,
    runtime_before,
    runtime_state,
    runtime_state_of,
    status_dict,
)

NAME = "Svcw [abc]"
# sc queryex on real Windows.
QUERYEX = ("SERVICE_NAME: Svcw [abc]\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
           "        STATE              : 4  RUNNING\r\n"
           "                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\r\n"
           "        WIN32_EXIT_CODE    : 0  (0x0)\r\n        SERVICE_EXIT_CODE  : 0  (0x0)\r\n"
           "        CHECKPOINT         : 0x0\r\n        WAIT_HINT          : 0x0\r\n"
           "        PID                : 4242\r\n        FLAGS              :\r\n")
STATE_LINES = {1: "1  STOPPED", 2: "2  START_PENDING", 3: "3  STOP_PENDING", 4: "4  RUNNING",
               5: "5  CONTINUE_PENDING", 6: "6  PAUSE_PENDING", 7: "7  PAUSED"}


def status(number: Optional[int]) -> Optional[ScServiceStatus]:
    if number is None:
        return None
    return parse_sc_query_one(QUERYEX.replace("4  RUNNING", STATE_LINES[number]), NAME)


@pytest.mark.parametrize("number,up,up_wrapped,stop", [
    (None, False, False, False),
    (1, False, False, False),
    (2, False, False, True),
    (3, False, False, True),
    (4, True, True, True),
    (5, False, False, True),
    (6, False, True, True),
    (7, False, True, True),
])
def test_the_running_rule(number: Optional[int], up: bool, up_wrapped: bool, stop: bool) -> None:
    """Only RUNNING is up, and a service NSSM holds paused to restart its program; a stop
    has work for every state but STOPPED."""
    assert is_up(status(number)) is up
    assert is_up(status(number), wrapped=True) is up_wrapped
    assert needs_stop(status(number)) is stop


def test_the_status_block_keeps_the_scm_words_and_normalizes_to_one_vocabulary() -> None:
    block = status_dict(status(2))
    assert block == dict(state="start_pending", pid=4242, win32_exit_code=0, service_exit_code=0)
    assert runtime_state(status(2)) == runtime_state_of(block["state"]) == "starting"
    assert runtime_state(status(7), wrapped=True) == runtime_state_of("paused", wrapped=True) == "restarting"
    assert status_dict(None)["state"] == "absent" and runtime_state(None) == runtime_state_of(None) == "absent"


def test_runtime_diff_texts() -> None:
    stop = [Change("config", "obj=", "account differs"), Change("stop", NAME, "state is stopped")]
    assert runtime_before(status(4)) == "state: running\n"
    assert runtime_after(status(4), stop, "stopped") == "state: stopped\nstop: state is stopped\n"
    assert runtime_after(status(7), [], "stopped") == "state: paused\n"
    assert runtime_after(None, [], "absent") == "state: absent\n"
    removal = [Change("stop", NAME, "state is absent"), Change("remove", NAME, "state is absent")]
    assert runtime_after(status(4), removal, "absent") == (
        "state: absent\nstop: state is absent\nremove: state is absent\n")
    recreate = [Change("delete", NAME, "recreate"), Change("create", NAME, "again"), Change("start", NAME, "new")]
    assert runtime_after(None, recreate, "started") == "state: running\ndelete: recreate\nstart: new\n"
