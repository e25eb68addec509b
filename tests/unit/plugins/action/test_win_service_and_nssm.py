# -*- coding: utf-8 -*-
"""The win_service action's opening (plugin_utils/_action_base.PasswordAction): refusals are
failed results that name the host by its inventory name, before any command on the host,
and the password never reaches a result or a message."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, Type

import pytest

from ansible.errors import AnsibleConnectionFailure
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.template import Templar

from ansible_collections.svcwright.services.plugins.action.win_nssm import ActionModule as NssmAction
from ansible_collections.svcwright.services.plugins.action.win_service import ActionModule as ScAction

PASSWORD = "Hunter2-secret"
BACKENDS = [(ScAction, "svcwright.services.win_service"), (NssmAction, "svcwright.services.win_nssm")]


class NoHost:
    """A connection that must not be used."""

    def __init__(self) -> None:
        self._shell = CmdShell()
        # win_nssm transfers files: a known remote temporary directory keeps ActionBase from making one.
        self._shell.tmpdir = "C:\\Windows\\Temp\\ansible-tmp"
        self.become = None

    def exec_command(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("a command was sent to the host")


class BrokenHost(NoHost):
    """A connection that fails and quotes the password in its error, as a transport that
    echoes the command line it could not send would."""

    def exec_command(self, *_: Any, **__: Any) -> Any:
        raise AnsibleConnectionFailure("transport closed while sending: sc.exe config x password= %s" % PASSWORD)


def run(cls: Type[Any], action_name: str, args: Dict[str, Any], connection: Any = None) -> Dict[str, Any]:
    task_vars: Dict[str, Any] = dict(inventory_hostname="win1")
    loader = DataLoader()
    task = SimpleNamespace(args=args, async_val=0, check_mode=False, diff=False, action=action_name)
    action = cls(task=task, connection=connection or NoHost(), play_context=SimpleNamespace(remote_addr="10.0.0.9", remote_user=None),
                 loader=loader, templar=Templar(loader=loader, variables=task_vars), shared_loader_obj=None)
    return action.run(task_vars=task_vars)


def refused(result: Dict[str, Any]) -> str:
    assert result["failed"] is True and result["changed"] is False, result
    assert "exception" not in result, result
    assert PASSWORD not in repr(result)
    return str(result["msg"])


@pytest.mark.parametrize("cls, action_name", BACKENDS, ids=["sc", "nssm"])
def test_an_argument_of_the_wrong_type_is_refused_with_host_service_and_action(cls: Type[Any], action_name: str) -> None:
    msg = refused(run(cls, action_name, dict(name="hello", command="C:\\hello.exe", stop_timeout="soon")))
    assert msg.startswith("host win1: service 'hello': invalid arguments for %s: " % action_name), msg
    assert "stop_timeout" in msg


def test_nssm_refuses_a_password_for_an_account_without_one_before_any_command() -> None:
    args = dict(name="hello", command="C:\\hello.exe", account="NT AUTHORITY\\LocalService", password=PASSWORD,
                nssm_sha256="a" * 64)
    msg = refused(run(NssmAction, "svcwright.services.win_nssm", args))
    assert msg.startswith("host win1: service 'hello': password is set but account"), msg


def test_a_spec_the_sc_backend_cannot_represent_names_the_host() -> None:
    msg = refused(run(ScAction, "svcwright.services.win_service",
                      dict(name="hello", command="C:\\hello.exe", env=dict(A="1"))))
    assert msg.startswith("host win1: "), msg
    assert "env" in msg


@pytest.mark.parametrize("cls, action_name", BACKENDS, ids=["sc", "nssm"])
def test_a_connection_failure_is_a_failed_result_without_the_password(cls: Type[Any], action_name: str) -> None:
    args = dict(name="hello", command="C:\\hello.exe", account=".\\svc-hello", password=PASSWORD,
                nssm_sha256="a" * 64)
    if cls is ScAction:
        args.pop("nssm_sha256")
    msg = refused(run(cls, action_name, args, BrokenHost()))
    assert "transport closed while sending: sc.exe config x password= ********" in msg, msg


def test_nssm_refuses_a_pin_that_is_not_a_sha256_before_any_command() -> None:
    msg = refused(run(NssmAction, "svcwright.services.win_nssm",
                      dict(name="hello", command="C:\\hello.exe", nssm_sha256="abc")))
    assert msg == "host win1: service 'hello': nssm_sha256 'abc' is not a SHA-256 (64 hex digits)."


def test_nssm_needs_a_binary_or_a_pin() -> None:
    msg = refused(run(NssmAction, "svcwright.services.win_nssm", dict(name="hello", command="C:\\hello.exe")))
    assert msg.startswith("host win1: service 'hello': give nssm_binary"), msg
