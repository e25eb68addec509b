# -*- coding: utf-8 -*-
"""The go_build action: the platform from the host's shell and variables, and whole runs
against a fake go (tests/unit/fixtures/go_build/fake-go.sh)."""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Optional

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.plugins.shell.powershell import ShellModule as PowerShell
from ansible.plugins.shell.sh import ShellModule as ShShell
from ansible.template import Templar, trust_as_template

from ansible_collections.svcwright.services.plugins.action.go_build import ActionModule

FAKE_GO = str(Path(__file__).resolve().parents[2] / "fixtures" / "go_build" / "fake-go.sh")


@pytest.fixture
def src(tmp_path: Path) -> Path:
    root = tmp_path / "project" / "hello"
    root.mkdir(parents=True)
    (root / "go.mod").write_text("module svcwright.example/hello\n\ngo 1.22\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")
    return root


@pytest.fixture
def fake_go_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "builds.log"
    monkeypatch.setenv("FAKE_GO_LOG", str(log))
    return log


def run(args: Dict[str, Any], shell: Any = None, host_vars: Optional[Dict[str, Any]] = None,
        check_mode: bool = False, basedir: str = "/") -> Dict[str, Any]:
    """One task run for one host, as the task executor would start it."""
    task_vars: Dict[str, Any] = dict(inventory_hostname="web1", **(host_vars or {}))
    loader = DataLoader()
    loader.set_basedir(basedir)
    task = SimpleNamespace(args=args, async_val=0, check_mode=check_mode, action="svcwright.services.go_build")
    connection = SimpleNamespace(_shell=shell or ShShell())
    action = ActionModule(task=task, connection=connection, play_context=SimpleNamespace(), loader=loader,
                          templar=Templar(loader=loader, variables=task_vars), shared_loader_obj=None)
    return action.run(task_vars=task_vars)


def base_args(src: Path, **changes: Any) -> Dict[str, Any]:
    args: Dict[str, Any] = dict(src=str(src), version="1.0.0", go=FAKE_GO, output_dir=str(src.parent / "cache"))
    args.update(changes)
    return args


# -- the platform ----------------------------------------------------------------------------

@pytest.mark.parametrize("shell, goos", [(ShShell(), "linux"), (CmdShell(), "windows"), (PowerShell(), "windows")])
def test_goos_follows_the_hosts_shell(src: Path, fake_go_log: Path, shell: Any, goos: str) -> None:
    result = run(base_args(src), shell=shell, check_mode=True)
    assert (result["goos"], result["goarch"]) == (goos, "amd64")
    assert result["path"].endswith(".exe") is (goos == "windows")


def test_host_variables_name_the_platform(src: Path, fake_go_log: Path) -> None:
    host_vars = dict(svcw_goos="freebsd", svcw_goarch=trust_as_template("{{ arm }}"), arm="arm64")
    result = run(base_args(src), shell=CmdShell(), host_vars=host_vars, check_mode=True)
    assert (result["goos"], result["goarch"]) == ("freebsd", "arm64")


def test_options_override_host_variables(src: Path, fake_go_log: Path) -> None:
    result = run(base_args(src, goos="linux", goarch="riscv64"), shell=CmdShell(),
                 host_vars=dict(svcw_goos="windows", svcw_goarch="arm64"), check_mode=True)
    assert (result["goos"], result["goarch"]) == ("linux", "riscv64")


def test_a_host_variable_must_be_a_string(src: Path, fake_go_log: Path) -> None:
    with pytest.raises(AnsibleActionFail, match="host web1: go_build: host variable svcw_goarch must be a non-empty"):
        run(base_args(src), host_vars=dict(svcw_goarch=64), check_mode=True)


# -- whole runs ------------------------------------------------------------------------------

def test_check_mode_then_build_then_cache(src: Path, fake_go_log: Path) -> None:
    checked = run(base_args(src), check_mode=True)
    assert (checked["changed"], checked["built"], checked["cached"], checked["sha256"]) == (True, False, False, None)
    assert not os.path.exists(checked["path"]) and not fake_go_log.exists()

    built = run(base_args(src))
    assert (built["changed"], built["built"], built["cached"]) == (True, True, False)
    assert built["path"] == checked["path"] and built["key"] == checked["key"]
    assert os.path.basename(built["path"]) == "hello-1.0.0-linux-amd64-%s" % built["key"][:12]
    assert len(built["sha256"]) == 64 and built["version"] == "1.0.0"

    again = run(base_args(src))
    assert (again["changed"], again["built"], again["cached"]) == (False, False, True)
    assert (again["path"], again["sha256"], again["build_seconds"]) == (built["path"], built["sha256"], 0.0)
    assert run(base_args(src), check_mode=True)["changed"] is False
    assert len(fake_go_log.read_text().splitlines()) == 1


def test_a_source_edit_builds_again(src: Path, fake_go_log: Path) -> None:
    first = run(base_args(src))
    (src / "main.go").write_text("package main\n\nfunc main() { println(1) }\n")
    second = run(base_args(src))
    assert second["built"] and second["key"] != first["key"] and second["path"] != first["path"]


def test_output_dir_inside_src_is_not_source(src: Path, fake_go_log: Path) -> None:
    args = base_args(src, output_dir=str(src / "bin"))
    first = run(args)
    assert first["built"] and first["path"].startswith(str(src / "bin") + "/")
    assert run(args)["cached"]


def test_relative_src_is_relative_to_the_playbook(src: Path, fake_go_log: Path) -> None:
    result = run(dict(base_args(src), src="hello"), basedir=str(src.parent), check_mode=True)
    assert result["changed"] and os.path.basename(result["path"]).startswith("hello-1.0.0-linux-amd64-")


def test_name_and_version_var(src: Path, fake_go_log: Path) -> None:
    result = run(base_args(src, name="greeter", version_var="svcwright.example/hello/build.Version", ldflags=""))
    assert os.path.basename(result["path"]).startswith("greeter-1.0.0-")
    assert "-ldflags -X svcwright.example/hello/build.Version=1.0.0 -o" in fake_go_log.read_text()


def test_default_output_dir_is_the_users_cache(src: Path, fake_go_log: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    args = base_args(src)
    del args["output_dir"]
    result = run(args, check_mode=True)
    assert os.path.dirname(result["path"]) == str(tmp_path / "xdg" / "svcwright" / "go-build")


def test_failed_build_reports_the_compiler(src: Path, fake_go_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_GO_FAIL", "1")
    result = run(base_args(src))
    assert result["failed"] and not result["changed"]
    assert result["rc"] == 1 and "syntax error" in result["stderr"]
    assert result["cmd"][:2] == [FAKE_GO, "build"]
    assert result["msg"].startswith("host web1: go_build: go build for linux/amd64 failed with exit code 1 in %s: "
                                    "%s build -trimpath -buildvcs=false -ldflags '-s -w -X main.version=1.0.0' -o "
                                    % (src, FAKE_GO))
    assert result["msg"].endswith("./main.go:3:1: syntax error: unexpected }")


@pytest.mark.parametrize("change, message", [
    (dict(version="1.0 beta"), "host web1: go_build: version '1.0 beta' cannot be part of a file name"),
    (dict(go="no-such-go-command"), "go command 'no-such-go-command' not found in PATH"),
    (dict(env={"GOMAXPROCS": 2}), "env values must be strings; wrap numbers and booleans in quotes. Key: GOMAXPROCS"),
    (dict(package="./..."), "package './...' is a pattern"),
])
def test_bad_input_names_the_option(src: Path, fake_go_log: Path, change: Dict[str, Any], message: str) -> None:
    with pytest.raises(AnsibleActionFail) as info:
        run(dict(base_args(src), **change))
    assert message in str(info.value)


def test_src_must_be_a_module(src: Path, fake_go_log: Path) -> None:
    with pytest.raises(AnsibleActionFail, match="is not a Go module's directory"):
        run(base_args(src.parent))


def test_output_dir_cannot_be_src(src: Path, fake_go_log: Path) -> None:
    with pytest.raises(AnsibleActionFail, match="output_dir must not be src itself"):
        run(base_args(src, output_dir=str(src)))


def test_unknown_and_missing_options_are_refused(src: Path) -> None:
    with pytest.raises(AnsibleActionFail, match="Invalid options for svcwright.services.go_build: goamd64"):
        run(base_args(src, goamd64="v3"))
    with pytest.raises(AnsibleActionFail, match="missing required arguments: version"):
        run(dict(src=str(src)))


def test_an_unusable_output_dir_names_the_path(src: Path, fake_go_log: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(AnsibleActionFail, match="host web1: go_build: .*Not a directory: '%s" % (tmp_path / "a-file")):
        run(base_args(src, output_dir=str(tmp_path / "a-file" / "cache")))
