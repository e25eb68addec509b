# -*- coding: utf-8 -*-
"""The unified service action's pure parts: one backend per host, a definition under the task's own options."""
from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.svcwright.services.plugins.action.service import backend_for, spec_args, with_definition


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
