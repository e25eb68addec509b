# -*- coding: utf-8 -*-
"""The verify action on a connection that must not be used: bad input is refused with the
host, the service and the key, before any waiting or command on the host."""
from __future__ import annotations

import datetime
import time
from types import SimpleNamespace
from typing import Any, Dict

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.plugins.shell.sh import ShellModule as ShShell
from ansible.template import Templar

from ansible_collections.svcwright.services.plugins.action.verify import ActionModule


class NoHost:
    def __init__(self, shell: Any) -> None:
        self._shell = shell
        self.become = None

    def exec_command(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("a command was sent to the host")


def run(args: Dict[str, Any], shell: Any) -> Dict[str, Any]:
    task_vars: Dict[str, Any] = dict(inventory_hostname="web1")
    loader = DataLoader()
    task = SimpleNamespace(args=args, async_val=0, check_mode=False, diff=False, action="svcwright.services.verify")
    action = ActionModule(task=task, connection=NoHost(shell), play_context=SimpleNamespace(), loader=loader,
                          templar=Templar(loader=loader, variables=task_vars), shared_loader_obj=None)
    action._execute_module = lambda **_: pytest.fail("the module was run")
    return action.run(task_vars=task_vars)


BAD = [
    (dict(deadline=float("inf")), "deadline: must be a finite number of seconds, got inf", "Give seconds"),
    (dict(stable_for=float("nan")), "stable_for: must be a finite number of seconds, got nan", "Give seconds"),
    (dict(deadline=10, stable_for=30), "stable_for: must be less than deadline (10), got 30", "raise deadline"),
    (dict(deadline="soon"), "deadline: must be a number of seconds, got 'soon'", "Give seconds, e.g. 30"),
    (dict(probe=dict(type="http", url="http://127.0.0.1:8080/\u202ehealth")), "probe.url: contains U+202E",
     "Remove it"),
    (dict(probe=dict(type="http", url="file:///etc/passwd")), "probe.url: 'file:///etc/passwd' is not an http://",
     "Give the full URL"),
    (dict(probe=dict(type="http", url=datetime.date(2024, 1, 31))), "probe.url: must be a string, got the date",
     "Quote it in YAML"),
    (dict(probe=dict(type="tcp", port=0)), "probe.port: must be between 1 and 65535, got 0", "Give a value in range"),
    (dict(probe=dict(type="tcp", port=65536)), "probe.port: must be between 1 and 65535, got 65536",
     "Give a value in range"),
    (dict(probe=dict(type="tcp", port=80, timeout=float("inf"))), "probe.timeout: must be a finite number",
     "Give seconds"),
    (dict(probe=dict(type="command", command=["/bin/check", True])),
     "probe.command: item 2 must be a string, got the boolean True", "Quote it in YAML"),
    (dict(probe=dict(type="command", command="/bin/check --quick")), "probe.command: must be a list",
     "Write it as a list"),
    (dict(log_lines=0), "log_lines: must be between 1 and 1000, got 0", "Give a value in range"),
]


@pytest.mark.parametrize("shell", [ShShell(), CmdShell()], ids=["linux", "windows"])
@pytest.mark.parametrize("change, problem, fix", BAD, ids=[b[1][:40] for b in BAD])
def test_bad_input_is_refused_at_once(shell: Any, change: Dict[str, Any], problem: str, fix: str) -> None:
    args: Dict[str, Any] = dict(name="hello")
    args.update(change)
    started = time.monotonic()
    result = run(args, shell)
    assert result["failed"] is True and "exception" not in result
    msg = result["msg"]
    assert msg.startswith("host web1: service 'hello': invalid options: "), msg
    assert problem in msg and fix in msg, msg
    assert "Traceback" not in msg and "Exception" not in msg and "<class" not in msg
    assert time.monotonic() - started < 1


def test_a_name_that_is_not_one_line_is_not_shown_raw() -> None:
    assert run(dict(name="hel\nlo"), ShShell())["msg"].startswith("host web1: service: invalid options: name: contains U+000A (LINE FEED)")
