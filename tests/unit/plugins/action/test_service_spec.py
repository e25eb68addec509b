# -*- coding: utf-8 -*-
"""The service_spec action: the whole spec checked for the host's backend on the controller,
with no host contact (the fake connection has nothing to run commands with)."""
from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any, Dict

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.plugins.shell.sh import ShellModule as ShShell
from ansible.template import Templar

from ansible_collections.svcwright.services.plugins.action.service_spec import ActionModule


def run(args: Dict[str, Any], windows: bool = False) -> Dict[str, Any]:
    task_vars: Dict[str, Any] = dict(inventory_hostname="web1")
    loader = DataLoader()
    task = SimpleNamespace(args=args, async_val=0, check_mode=False, diff=False,
                           action="svcwright.services.service_spec")
    connection = SimpleNamespace(_shell=CmdShell() if windows else ShShell())
    action = ActionModule(task=task, connection=connection, play_context=SimpleNamespace(), loader=loader,
                          templar=Templar(loader=loader, variables=task_vars), shared_loader_obj=None)
    return action.run(task_vars=task_vars)


def test_linux_defaults_come_from_the_platform():
    r = run(dict(name="hello", args=["-port", 8080], default_account=True,
                 verify={"deadline": 30, "stable_for": 2}))
    assert r["platform"] == "linux" and r["backend"] == "systemd_unit" and not r["changed"]
    assert r["base"] == "/opt/hello" and r["binary"] == "hello" and r["command"] == "/opt/hello/current/hello"
    spec = r["spec"]
    assert spec["args"] == ["-port", 8080] and r["normalized"]["args"] == ["-port", "8080"]
    assert spec["account"] == "hello" and spec["systemd"] == {"create_account": True}
    assert spec["restart_triggers"] == ["/opt/hello/current/hello"]
    assert r["verify"] == {"deadline": 30, "stable_for": 2, "name": "hello"}


def test_windows_defaults_come_from_the_platform():
    r = run(dict(name="hello", default_account=True, windows_manager="nssm"), windows=True)
    assert r["platform"] == "windows" and r["backend"] == "win_nssm"
    assert r["base"] == "C:\\Program Files\\hello" and r["binary"] == "hello.exe"
    assert r["command"] == "C:\\Program Files\\hello\\current\\hello.exe"
    assert r["spec"]["account"] == "LocalService" and "restart_triggers" not in r["spec"]


@pytest.mark.parametrize("args,windows,match", [
    (dict(name="a;b"), False, "not a valid systemd unit name"),
    (dict(name="%OS%"), True, "not a name every Windows tool reads"),
    (dict(name="hello", sockets=["8080"]), True, "sockets is not supported by svcwright.services.win_service"),
    (dict(name="hello", env={"PORT": True}), False, "ambiguous env values"),
    (dict(name="hello", systemd={"wanted_by": "multi-user.target\nExecStartPre=/bin/sh"}), False, "wanted_by"),
    (dict(name="hello", systemd={"unit_dir": "relative"}), False, "unit_dir must be an absolute path"),
    (dict(name="hello", systemd={"drop_ins": {"../x": {"Service": {"A": "b"}}}}), False, "not a plain file name"),
    (dict(name="hello", systemd={"unit_extra": {"Service": {"X": "a\rb"}}}), False, "Service"),
    (dict(name="hello", win_nssm={"throttle": "x"}, windows_manager="nssm"), True, "throttle"),
    (dict(name="hello", win_service={"failure_actions": [{"type": "explode"}]}), True, "failure_actions"),
    (dict(name="hello", password="secret"), False, "password is for Windows accounts"),
    (dict(name="hello", base="relative"), False, "must be an absolute path"),
    (dict(name="hello", base="/opt/../etc"), False, r"'\.\.' step"),
    (dict(name="hello", binary="../hello"), False, "not a single plain file name"),
    (dict(name="hello", verify={"deadline": 5, "stable_for": 10}), False, "stable_for"),
    (dict(name="hello", verify={"deadline": float("inf")}), False, "deadline"),
    (dict(name="hello", args=[datetime.date(2024, 1, 31)]), False, "args.0. is the date 2024-01-31"),
    (dict(name="hello", args="-port 8080"), False, "args: must be a list, got str '-port 8080'. Write it as a YAML list"),
    (dict(name=False), False, "name: must be a string, got the boolean False"),
    (dict(name="hello", stop_timeout=True), False, "stop_timeout: must be a number, got bool True"),
    (dict(name="hello", description=1.10), False, "description: must be a string, got the number 1.1"),
    (dict(name="hello", systemd={"capabilities": ["CAP_BOGUS"]}), False, "not a Linux capability"),
    (dict(name="hello", systemd={"kill_signal": "SIGTERM\nExecStartPre=/bin/sh"}), False,
     "kill_signal .* is not a signal name. Use one like SIGTERM"),
])
def test_bad_requests_fail_on_the_controller_with_host_key_and_fix(args, windows, match):
    with pytest.raises(AnsibleActionFail, match=match) as err:
        run(args, windows=windows)
    assert "web1" in str(err.value)
    assert "Traceback" not in str(err.value)


ROLE_VARIABLES = {"name": "deploy_name", "args": "deploy_args", "env": "deploy_env", "version": "deploy_version",
                  "stop_timeout": "deploy_stop_timeout",
                  "verify": "deploy_verify", "base": "deploy_base", "*": "deploy_service_extra"}


@pytest.mark.parametrize("args,windows,source", [
    (dict(name="a;b"), False, "deploy_name"),
    (dict(name="SvcwH&echo pwned"), True, "deploy_name"),
    (dict(name="hello", args=["-x", 1.5]), False, "deploy_args"),
    (dict(name="hello", env={"A": None}), False, "deploy_env"),
    (dict(name="hello", version="..\\x"), True, "deploy_version"),
    (dict(name="hello", version=""), False, "deploy_version"),
    (dict(name="hello", verify={"deadline": 5, "stable_for": 30}), False, "deploy_verify"),
    (dict(name="hello", base="opt/x"), False, "deploy_base"),
    (dict(name="hello", systemd={"wanted_by": "a\nb"}), False, "deploy_service_extra"),
    (dict(name="hello", stop_timeout=float("nan")), False, "deploy_stop_timeout"),
    (dict(name="hello", args="-port 8080"), False, "deploy_args"),
])
def test_a_role_learns_which_of_its_variables_is_at_fault(args, windows, source):
    with pytest.raises(AnsibleActionFail, match=r"\(set from %s\)" % source) as err:
        run(dict(args, variables=ROLE_VARIABLES), windows=windows)
    assert "service " in str(err.value) and "web1" in str(err.value)


def test_the_version_comes_back_as_text():
    assert run(dict(name="hello", version=2))["version"] == "2"
