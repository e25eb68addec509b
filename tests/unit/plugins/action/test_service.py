# -*- coding: utf-8 -*-
"""The unified service action's pure parts: one backend per host, a definition under the task's own options."""
from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.svcwright.services.plugins.action.service import _systemd_state, _windows_state
from ansible_collections.svcwright.services.plugins.plugin_utils._service_args import (
    backend_for,
    spec_args,
    with_definition,
)


def test_the_backend_follows_the_platform_and_the_windows_manager():
    assert backend_for(False, "nssm") == "systemd"
    assert backend_for(True, "sc") == "sc" and backend_for(True, "nssm") == "nssm"


def test_the_task_options_win_over_the_definition():
    definition = {"name": "hello", "args": ["-a"], "state": "started"}
    assert with_definition({"definition": definition, "state": "restarted"}, "web1") == {
        "name": "hello", "args": ["-a"], "state": "restarted"}
    assert with_definition({"name": "x"}, "web1") == {"name": "x"}


def test_a_definition_that_is_not_a_dictionary_is_refused():
    with pytest.raises(AnsibleActionFail, match="host web1: definition must be a dictionary"):
        with_definition({"definition": ["name", "hello"]}, "web1")


def test_options_not_given_are_left_to_the_backend_but_user_nulls_are_kept():
    params = {k: None for k in ("name", "command", "args", "display_name", "description", "working_dir", "env",
                                "account", "start_mode", "restart", "stop_timeout", "logs", "dependencies",
                                "sockets", "state", "wait_timeout")}
    params.update(name="hello", env={"A": None}, restart={"policy": "always", "delay": None})
    assert spec_args(params) == {"name": "hello", "env": {"A": None}, "restart": {"policy": "always"}}


@pytest.mark.parametrize("status,state", [
    ({"LoadState": "loaded", "ActiveState": "reloading", "SubState": "reload"}, "running"),
    ({"LoadState": "loaded", "ActiveState": "failed", "SubState": "failed"}, "failed"),
    ({"LoadState": "loaded", "ActiveState": "activating", "SubState": "auto-restart"}, "restarting"),
    ({"LoadState": "not-found", "ActiveState": "inactive", "SubState": "dead"}, "absent"),
])
def test_the_systemd_state_is_normalized(status, state):
    assert _systemd_state(dict(status, MainPID=0, NRestarts=2, ExecMainStatus=0)) == {
        "state": state, "pid": None, "restarts": 2, "exit_code": 0}


@pytest.mark.parametrize("word,wrapped,state", [
    ("running", False, "running"),
    ("start_pending", False, "starting"),
    ("stop_pending", True, "stopping"),
    ("paused", False, "paused"),
    ("paused", True, "restarting"),
    ("absent", False, "absent"),
])
def test_the_windows_state_is_normalized(word, wrapped, state):
    normalized = _windows_state({"state": word, "pid": 42, "win32_exit_code": 0}, wrapped)
    assert normalized == {"state": state, "pid": 42, "restarts": None, "exit_code": 0}
