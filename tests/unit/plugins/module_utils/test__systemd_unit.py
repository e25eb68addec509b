# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from typing import Any, List

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.svcwright.services.plugins.module_utils._spec import build_spec
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import Change, Kind
from ansible_collections.svcwright.services.plugins.module_utils._systemd_unit import (
    UnitHost,
    argument_spec,
    check_module_options,
)


class FakeModule:
    """Records the commands the executor runs; every command succeeds."""

    def __init__(self) -> None:
        self.params = {"_host": "web1"}
        self.commands: List[List[str]] = []
        self.check_mode = False

    def run_command(self, cmd: List[str], **_kw: Any) -> Any:
        self.commands.append(list(cmd))
        if cmd[:2] == ["systemctl", "show"]:
            return 0, "Id=demo.service\nLoadState=loaded\nActiveState=active\nSubState=running\n", ""
        return 0, "", ""

    def get_bin_path(self, name: str) -> None:
        return None

    def fail_json(self, **kw: Any) -> None:
        raise AssertionError(kw)


def host(tmp_path: Any) -> tuple:
    params = ArgumentSpecValidator(argument_spec()).validate(
        {"name": "demo", "command": "/opt/demo/current/demo", "unit_dir": str(tmp_path)}).validated_parameters
    spec = build_spec(params)
    wanted = check_module_options(spec, params)
    module = FakeModule()
    return UnitHost(module, spec, "demo.service", str(tmp_path), wanted.unit, wanted.dropins, wanted.socket), module  # type: ignore[arg-type]


def test_every_kind_has_one_step() -> None:
    assert set(UnitHost._steps) == set(Kind)


def test_an_unknown_word_is_refused_not_ignored(tmp_path: Any) -> None:
    unit_host, module = host(tmp_path)
    with pytest.raises(ValueError):
        unit_host.apply(Change("rewrite_unit"), None)
    assert module.commands == []


def test_steps_run_the_commands_of_their_kind(tmp_path: Any) -> None:
    unit_host, module = host(tmp_path)
    unit_host.apply(Change(Kind.WRITE_UNIT, "demo.service"), None)
    assert (tmp_path / "demo.service").read_text() == unit_host.desired_unit
    unit_host.apply(Change(Kind.DAEMON_RELOAD), None)
    unit_host.apply(Change(Kind.REENABLE, "demo.service"), None)
    unit_host.apply(Change(Kind.START_SOCKET, "demo.socket"), None)
    unit_host.apply(Change(Kind.RESTART, "demo.service"), None)
    assert module.commands == [
        ["systemctl", "daemon-reload"],
        ["systemctl", "reenable", "demo.service"],
        ["systemctl", "start", "demo.socket"],
        ["systemctl", "reset-failed", "demo.service"],
        ["systemctl", "restart", "demo.service"],
        ["systemctl", "show", "demo.service", module.commands[-1][3]],
    ]
