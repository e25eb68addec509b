# -*- coding: utf-8 -*-
"""One runtime-state vocabulary: systemd's and the SCM's words mapped the same way everywhere."""
from __future__ import annotations

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._runtime_state import (
    ABSENT,
    FAILED,
    PAUSED,
    RESTARTING,
    RUNNING,
    STARTING,
    STATES,
    STOPPED,
    STOPPING,
    sc_state,
    systemd_state,
)


@pytest.mark.parametrize("load,active,sub,state", [
    ("not-found", "inactive", "dead", ABSENT),
    ("", "", "", ABSENT),
    ("loaded", "active", "running", RUNNING),
    ("loaded", "reloading", "reload", RUNNING),
    ("loaded", "activating", "start-pre", STARTING),
    ("loaded", "activating", "auto-restart", RESTARTING),
    ("loaded", "deactivating", "stop-sigterm", STOPPING),
    ("loaded", "failed", "failed", FAILED),
    ("loaded", "inactive", "dead", STOPPED),
])
def test_systemd_states(load: str, active: str, sub: str, state: str) -> None:
    assert systemd_state(load, active, sub) == state


@pytest.mark.parametrize("number,state,wrapped_state", [
    (1, STOPPED, STOPPED),
    (2, STARTING, STARTING),
    (3, STOPPING, STOPPING),
    (4, RUNNING, RUNNING),
    (5, STARTING, STARTING),
    (6, PAUSED, RESTARTING),
    (7, PAUSED, RESTARTING),
    (99, STOPPING, STOPPING),
])
def test_scm_states_and_nssm_pausing_to_restart(number: int, state: str, wrapped_state: str) -> None:
    assert sc_state(number) == state
    assert sc_state(number, wrapped=True) == wrapped_state


def test_every_mapped_word_is_in_the_vocabulary() -> None:
    words = {sc_state(n, w) for n in range(0, 9) for w in (False, True)}
    words |= {systemd_state("loaded", a, s) for a in ("active", "reloading", "activating", "deactivating", "failed",
                                                      "inactive") for s in ("", "auto-restart")}
    assert words <= set(STATES)
