# -*- coding: utf-8 -*-
"""The release action on a fake connection: bad input is refused before the first command
on the host, and a refused upload leaves the host as it was. On Linux the real module runs
in-process against a directory of this machine; on Windows a small stand-in answers the
cmd.exe built-ins the action sends."""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Set

import pytest

from ansible.errors import AnsibleError
from ansible.module_utils.testing import patch_module_args
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.plugins.shell.sh import ShellModule as ShShell
from ansible.template import Templar

from ansible_collections.svcwright.services.plugins.action import release as release_action
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import EXISTS_WORD
from ansible_collections.svcwright.services.plugins.modules import release as release_module
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult


class NoHost:
    """A connection that must not be used: every refusal happens before the host is asked."""

    def __init__(self, shell: Any) -> None:
        self._shell = shell
        self.become = None

    def exec_command(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("a command was sent to the host")

    def put_file(self, *_: Any) -> None:
        raise AssertionError("a file was sent to the host")


def make_action(args: Dict[str, Any], connection: Any, check_mode: bool = False) -> Any:
    task_vars: Dict[str, Any] = dict(inventory_hostname="web1")
    loader = DataLoader()
    loader.set_basedir("/")
    task = SimpleNamespace(args=args, async_val=0, check_mode=check_mode, diff=False, get_search_path=lambda: [],
                           action="svcwright.services.release")
    action = release_action.ActionModule(task=task, connection=connection, play_context=SimpleNamespace(),
                                         loader=loader, templar=Templar(loader=loader, variables=task_vars),
                                         shared_loader_obj=None)
    action._svcw_task_vars = task_vars
    return action


def run(action: Any) -> Dict[str, Any]:
    return action.run(task_vars=action._svcw_task_vars)


def refused(action: Any) -> str:
    """The message of a task that failed as a result (no raised error, no exception field)."""
    result = run(action)
    assert result.get("failed") is True and result.get("changed") is False, result
    assert "exception" not in result
    return str(result["msg"])


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    path = tmp_path / "build" / "hello"
    path.parent.mkdir()
    path.write_bytes(b"hello 1.0.0\n")
    return path


def tree(root: Path) -> List[str]:
    """Everything under root, as relative paths: what 'the host is unchanged' compares."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) + ("/" if p.is_dir() else "") for p in root.rglob("*"))


# -- refused before the first command ----------------------------------------------------------

BAD_INPUT = [
    (dict(version=datetime.date(2024, 1, 31)), "version: must be a string, got the date 2024-01-31",
     "Quote it in YAML (e.g. '2024-01-31')"),
    (dict(version=1.10), "version: must be a string, got the number 1.1", "Quote it in YAML"),
    (dict(version="1.0\u202e"), "version: contains U+202E (RIGHT-TO-LEFT OVERRIDE)", "Remove it"),
    (dict(version="../1.0.0"), "version: '../1.0.0' contains a path separator", "one directory name"),
    (dict(base="opt/hello"), "base: 'opt/hello' is not an absolute path", "e.g. /opt/hello"),
    (dict(base="/opt/../etc"), "base: '/opt/../etc' contains '.' or '..'", "without them"),
    (dict(base="/opt/hel\u200blo"), "base: contains U+200B (ZERO WIDTH SPACE)", "Remove it"),
    (dict(dest_name="bin/hello"), "dest_name: 'bin/hello' contains a path separator", "plain file name"),
    (dict(dest_name="he llo"), "dest_name: 'he llo' is not a single plain file name", "Use letters"),
    (dict(keep=0), "keep: must be between 1 and", "Keep at least 1 release"),
    (dict(keep=float("inf")), "keep: must be a whole number, got inf", "Give a number"),
    (dict(sha256="abc"), "sha256: 'abc' is not a SHA-256 checksum", "64 hexadecimal digits"),
    (dict(sha256="0" * 64), "sha256: the task declares " + "0" * 64, "Nothing was sent to the host"),
    (dict(src="/does/not/exist/hello"), "src: /does/not/exist/hello is not on the controller",
     "Give the path of the built artifact"),
    (dict(verify=dict(name="web\nExecStartPre=/bin/sh")), "verify: name: contains U+000A (LINE FEED)", "Remove it"),
    (dict(verify=dict(name="web", stable_for="soon")), "verify: stable_for: must be a number of seconds, got 'soon'",
     "Give seconds"),
    (dict(verify=dict(name="web", deadline=5, stable_for=10)), "verify: stable_for: must be less than deadline (5)",
     "raise deadline"),
]


# Windows spells the bases differently; every other case is the same on both.
WINDOWS_BASES = {
    "opt/hello": ("opt\\hello", "base: 'opt\\\\hello' is not an absolute Windows path"),
    "/opt/../etc": ("C:\\opt\\..\\etc", "base: 'C:\\\\opt\\\\..\\\\etc' contains '.' or '..'"),
    "/opt/hel\u200blo": ("C:\\opt\\hel\u200blo", "base: contains U+200B (ZERO WIDTH SPACE)"),
}


@pytest.mark.parametrize("shell", [ShShell(), CmdShell()], ids=["linux", "windows"])
@pytest.mark.parametrize("change, problem, fix", BAD_INPUT, ids=[b[1][:40] for b in BAD_INPUT])
def test_bad_input_is_refused_before_the_host_is_asked(
        artifact: Path, shell: Any, change: Dict[str, Any], problem: str, fix: str) -> None:
    windows = isinstance(shell, CmdShell)
    args: Dict[str, Any] = dict(base="C:\\svcw\\hello" if windows else "/opt/hello", version="1.0.0",
                                src=str(artifact), state="active")
    if windows and "base" in change:
        base, problem = WINDOWS_BASES[change["base"]]
        change = dict(base=base)
        fix = fix.replace("/opt/hello", "C:\\Program Files\\hello")
    args.update(change)
    msg = refused(make_action(args, NoHost(shell)))
    assert msg.startswith("host web1: release"), msg
    assert problem in msg and fix in msg, msg
    for leak in ("Traceback", "Exception", "Error(", "<class"):
        assert leak not in msg


def test_errors_name_the_release_and_base_once_they_are_valid(artifact: Path) -> None:
    msg = refused(make_action(dict(base="/opt/hello/", version="1.0.0", src=str(artifact), keep=0), NoHost(ShShell())))
    assert msg.startswith("host web1: release 1.0.0 under /opt/hello: keep: ")


# -- Linux: the real module, in-process -----------------------------------------------------------

class LocalHost:
    """A connection to this machine: the module runs in-process, uploads are copies, and
    ``corrupt`` makes the upload arrive different (or ``fail`` not at all)."""

    def __init__(self) -> None:
        self._shell = ShShell()
        self.become = None
        self.corrupt = False
        self.fail = False
        self.module_runs: List[Dict[str, Any]] = []

    def execute_module(self, module_args: Dict[str, Any]) -> Dict[str, Any]:
        self.module_runs.append(dict(module_args))
        out = io.StringIO()
        with patch_module_args(module_args), redirect_stdout(out):
            with pytest.raises(SystemExit):
                release_module.main()
        return json.loads(out.getvalue())

    def transfer(self, local: str, remote: str) -> None:
        if self.fail:
            with open(remote, "wb") as f:
                f.write(b"hel")
            raise AnsibleError("connection lost after 3 bytes")
        shutil.copyfile(local, remote)
        if self.corrupt:
            with open(remote, "ab") as f:
                f.write(b"garbage")


def linux_action(args: Dict[str, Any], host: LocalHost) -> Any:
    action = make_action(args, host)
    action._execute_module = lambda module_name, module_args, task_vars: host.execute_module(module_args)
    action._transfer_file = host.transfer
    return action


def test_linux_ship_and_activate_then_nothing_to_do(tmp_path: Path, artifact: Path) -> None:
    host = LocalHost()
    base = tmp_path / "srv" / "hello"
    args = dict(base=str(base), version="1.0.0", src=str(artifact), state="active")
    result = run(linux_action(args, host))
    assert result["changed"] and result["active"] == "1.0.0" and result["transferred"]
    assert os.readlink(base / "current") == "releases/1.0.0"
    assert (base / "current" / "hello").read_bytes() == artifact.read_bytes()
    assert [r["_host"] for r in host.module_runs] == ["web1", "web1"]
    again = run(linux_action(args, host))
    assert not again["changed"]


@pytest.mark.parametrize("how", ["corrupt", "fail"])
def test_linux_refused_upload_leaves_a_new_base_as_it_was(tmp_path: Path, artifact: Path, how: str) -> None:
    host = LocalHost()
    setattr(host, how, True)
    base = tmp_path / "srv" / "deep" / "hello"
    args = dict(base=str(base), version="1.0.0", src=str(artifact), sha256=hashlib.sha256(artifact.read_bytes())
                .hexdigest(), state="active")
    if how == "fail":
        msg = refused(linux_action(args, host))
        assert "connection lost after 3 bytes" in msg
        assert "was deleted: nothing was shipped or activated" in msg
    else:
        result = run(linux_action(args, host))
        assert result["failed"]
        msg = result["msg"]
        assert "the upload was incomplete or corrupted" in msg and "the upload was deleted" in msg
    assert msg.startswith("host web1: release 1.0.0 under %s: " % base)
    # The first run made srv/deep/hello/releases for the upload; all of it is gone again.
    assert host.module_runs[0].get("_created") is None and len(host.module_runs[1]["_created"]) == 4
    assert not (tmp_path / "srv").exists()


def test_linux_corrupted_upload_is_reported_by_the_module_and_removed(tmp_path: Path, artifact: Path) -> None:
    host = LocalHost()
    base = tmp_path / "hello"
    run(linux_action(dict(base=str(base), version="1.0.0", src=str(artifact), state="active"), host))
    host.corrupt = True
    before = tree(base)
    artifact.write_bytes(b"hello 2.0.0\n")
    result = run(linux_action(dict(base=str(base), version="2.0.0", src=str(artifact), state="active"), host))
    assert result["failed"]
    assert result["msg"].startswith("host web1: release 2.0.0 under %s: the uploaded hello has sha256 " % base)
    assert "Nothing was shipped or activated, and the upload was deleted" in result["msg"]
    assert tree(base) == before
    assert os.readlink(base / "current") == "releases/1.0.0"


# -- Windows: a stand-in for the cmd.exe built-ins ----------------------------------------------

class WinHost:
    """The directories of a Windows host, and the built-ins the release action sends."""

    def __init__(self, dirs: Set[str], corrupt: bool = False) -> None:
        self.dirs = {d.lower() for d in dirs}
        self.files: Dict[str, bytes] = {}
        self.corrupt = corrupt
        self.commands: List[List[str]] = []

    def answer(self, argv: List[str]) -> CommandResult:
        self.commands.append(argv)
        words = argv[4:] if argv[:1] == ["cmd.exe"] else argv
        words = [w.replace("^", "") for w in words]
        low = [w.lower() for w in words]
        if low[:2] == ["if", "exist"]:
            return CommandResult(argv, 0, EXISTS_WORD + "\n" if low[2] in self.dirs else "", "")
        if low[0] == "mkdir":
            path = low[1]
            parts = path.split("\\")
            for i in range(2, len(parts) + 1):
                self.dirs.add("\\".join(parts[:i]))
            return CommandResult(argv, 0, "", "")
        if low[0] == "rmdir":
            path = low[-1]
            inside = [d for d in self.dirs | set(self.files) if d.startswith(path + "\\")]
            if inside and "/s" not in low:
                return CommandResult(argv, 145, "The directory is not empty.", "")
            for d in inside + [path]:
                self.dirs.discard(d)
                self.files.pop(d, None)
            return CommandResult(argv, 0, "", "")
        if low[0] == "certutil.exe":
            data = self.files.get(low[2])
            if data is None:
                return CommandResult(argv, 2, "", "")
            return CommandResult(argv, 0, "SHA256 hash of %s:\n%s\nCertUtil: -hashfile command completed "
                                          "successfully.\n" % (words[2], hashlib.sha256(data).hexdigest()), "")
        if low[:1] in (["dir"], ["type"]):
            return CommandResult(argv, 1, "File Not Found", "")
        # The apply batch (markers, moves, the state file): not carried out here.
        return CommandResult(argv, 0, "", "")

    def put(self, local: str, remote: str) -> None:
        data = Path(local).read_bytes()
        self.files[remote.lower()] = data + (b"garbage" if self.corrupt else b"")


class FakeRunner:
    host_for_test: WinHost

    def __init__(self, action: Any, task_vars: Dict[str, Any]) -> None:
        self.host = task_vars["inventory_hostname"]
        self.shell_family = "cmd"
        self.round_trips = 0

    def run(self, argvs: List[List[str]]) -> List[CommandResult]:
        self.round_trips += 1
        return [self.host_for_test.answer(list(a)) for a in argvs]

    def run_one(self, argv: List[str]) -> CommandResult:
        return self.run([argv])[0]

    def put_file(self, local: str, remote: str) -> None:
        self.round_trips += 1
        self.host_for_test.put(local, remote)

    def fetch_file(self, remote: str, local: str) -> None:
        raise AnsibleError("no such file")


@pytest.mark.parametrize("existing", [set(), {"c:\\svcw"}, {"c:\\svcw", "c:\\svcw\\hello"}])
def test_windows_corrupted_upload_removes_what_it_created(artifact: Path, monkeypatch: pytest.MonkeyPatch,
                                                          existing: Set[str]) -> None:
    host = WinHost(existing, corrupt=True)
    FakeRunner.host_for_test = host
    monkeypatch.setattr(release_action, "WinRunner", FakeRunner)
    msg = refused(make_action(dict(base="C:\\svcw\\hello", version="1.0.0", src=str(artifact), state="active"),
                              NoHost(CmdShell())))
    assert msg.startswith("host web1: release 1.0.0 under C:\\svcw\\hello: the uploaded ")
    assert "the upload was deleted" in msg
    assert host.dirs == existing and host.files == {}
    assert any(c[4:5] == ["mkdir"] for c in host.commands)


def test_windows_upload_that_passes_keeps_its_directories(artifact: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host = WinHost(set())
    FakeRunner.host_for_test = host
    monkeypatch.setattr(release_action, "WinRunner", FakeRunner)
    # The stand-in does not carry out the swap, so the readback reports a failed activation;
    # what counts here is that the verified upload was not removed.
    assert "did not arrive" in refused(make_action(
        dict(base="C:\\svcw\\hello", version="1.0.0", src=str(artifact), state="present"), NoHost(CmdShell())))
    assert "c:\\svcw\\hello\\releases" in host.dirs
    assert not any(c[4:5] == ["rmdir"] for c in host.commands)
