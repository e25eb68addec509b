# -*- coding: utf-8 -*-
"""The source hash on real trees, and build_once against a fake go that counts its builds."""
from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any, Dict, List

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._go_build import GoBuild, cache_key
from ansible_collections.svcwright.services.plugins.plugin_utils._go_build_cache import (
    GoBuildFailed,
    Outcome,
    build_once,
    go_env,
    hash_sources,
)

FAKE_GO = str(Path(__file__).resolve().parents[2] / "fixtures" / "go_build" / "fake-go.sh")
BUILD = GoBuild(name="hello", version="1.0.0", goos="linux", goarch="amd64")
HOSTS = 5


@pytest.fixture
def src(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    (root / "static").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/hello\n\ngo 1.22\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")
    (root / "static" / "index.html").write_text("<p>hi</p>\n")
    return root


@pytest.fixture
def fake_env(tmp_path: Path) -> Dict[str, str]:
    return {"PATH": os.environ["PATH"], "FAKE_GO_LOG": str(tmp_path / "builds.log")}


def builds(env: Dict[str, str]) -> List[str]:
    log = Path(env["FAKE_GO_LOG"])
    return log.read_text().splitlines() if log.exists() else []


# -- the source hash ------------------------------------------------------------------------

def test_hash_is_stable(src: Path) -> None:
    assert hash_sources(str(src)) == hash_sources(str(src))


@pytest.mark.parametrize("edit", [
    lambda root: (root / "main.go").write_text("package main\n\nfunc main() { println() }\n"),
    lambda root: (root / "static" / "index.html").write_text("<p>hello</p>\n"),
    lambda root: (root / "static" / "new.css").write_text(""),
    lambda root: (root / "main.go").rename(root / "app.go"),
    lambda root: (root / "static" / "index.html").unlink(),
    lambda root: (root / "link.go").symlink_to("main.go"),
    lambda root: (root / "assets").symlink_to("static"),
])
def test_hash_changes_on_any_source_change(src: Path, edit) -> None:
    before = hash_sources(str(src))
    edit(src)
    assert hash_sources(str(src)) != before


def test_hash_follows_a_file_symlink_to_its_content(src: Path, tmp_path: Path) -> None:
    outside = tmp_path / "shared.go"
    outside.write_text("package main\n")
    (src / "shared.go").symlink_to(outside)
    before = hash_sources(str(src))
    outside.write_text("package main\n\nvar x = 1\n")
    assert hash_sources(str(src)) != before


def test_hash_ignores_vcs_dirs_and_the_output_dir(src: Path) -> None:
    before = hash_sources(str(src), ["bin"])
    (src / ".git" / "objects").mkdir(parents=True)
    (src / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (src / "static" / ".hg").mkdir()
    (src / "static" / ".hg" / "dirstate").write_text("x")
    (src / "bin" / ".locks").mkdir(parents=True)
    (src / "bin" / "hello-1.0.0-linux-amd64-0123456789ab").write_text("binary")
    assert hash_sources(str(src), ["bin"]) == before
    # The same directory name elsewhere in the tree is source.
    (src / "static" / "bin").mkdir()
    (src / "static" / "bin" / "x").write_text("x")
    assert hash_sources(str(src), ["bin"]) != before


def test_go_env_reads_the_toolchain(src: Path, fake_env: Dict[str, str]) -> None:
    assert go_env(FAKE_GO, str(src), BUILD, dict(fake_env, FAKE_GO_VERSION="go1.30"))["GOVERSION"] == "go1.30"


def test_go_env_failure_names_the_command(src: Path, fake_env: Dict[str, str]) -> None:
    with pytest.raises(GoBuildFailed, match="cannot run /nonexistent/go"):
        go_env("/nonexistent/go", str(src), BUILD, fake_env)


# -- build_once -----------------------------------------------------------------------------

def test_builds_then_reuses(src: Path, tmp_path: Path, fake_env: Dict[str, str]) -> None:
    out = str(tmp_path / "out")
    first = build_once(FAKE_GO, str(src), BUILD, "k" * 64, out, fake_env)
    assert first.built and not first.cached and first.sha256 and first.build_seconds >= 0
    assert Path(first.path).read_text() == "binary for linux/amd64\n"
    assert os.access(first.path, os.X_OK)
    second = build_once(FAKE_GO, str(src), BUILD, "k" * 64, out, fake_env)
    assert second == Outcome(first.path, built=False, cached=True, sha256=first.sha256, build_seconds=0.0)
    assert len(builds(fake_env)) == 1
    # Only the artifact and the lock are left: the private build directory is gone.
    assert sorted(os.listdir(out)) == [".locks", os.path.basename(first.path)]


def test_build_command_line(src: Path, tmp_path: Path, fake_env: Dict[str, str]) -> None:
    build_once(FAKE_GO, str(src), BUILD, "k" * 64, str(tmp_path / "out"), fake_env)
    [line] = builds(fake_env)
    assert line.startswith("linux/amd64 build -trimpath -buildvcs=false -ldflags -X main.version=1.0.0 -o ")
    assert line.endswith(" .")


def test_check_mode_builds_nothing(src: Path, tmp_path: Path, fake_env: Dict[str, str]) -> None:
    out = tmp_path / "out"
    outcome = build_once(FAKE_GO, str(src), BUILD, "k" * 64, str(out), fake_env, check_mode=True)
    assert outcome == Outcome(str(out / ("hello-1.0.0-linux-amd64-" + "k" * 12)), built=False, cached=False,
                              sha256=None, build_seconds=0.0)
    assert not out.exists() and builds(fake_env) == []


def test_failed_build_leaves_nothing_and_reports_go_output(src: Path, tmp_path: Path,
                                                           fake_env: Dict[str, str]) -> None:
    out = tmp_path / "out"
    with pytest.raises(GoBuildFailed) as info:
        build_once(FAKE_GO, str(src), BUILD, "k" * 64, str(out), dict(fake_env, FAKE_GO_FAIL="1"))
    assert info.value.rc == 1
    assert "syntax error" in info.value.stderr
    assert info.value.argv[:2] == [FAKE_GO, "build"]
    assert os.listdir(out) == [".locks"]
    # The lock was released: the next attempt builds.
    assert build_once(FAKE_GO, str(src), BUILD, "k" * 64, str(out), fake_env).built


def _host_process(src: str, out: str, env: Dict[str, str], barrier: Any, results: Any) -> None:
    barrier.wait()
    outcome = build_once(FAKE_GO, src, BUILD, "k" * 64, out, env)
    results.put((outcome.built, outcome.cached, outcome.path))


def test_concurrent_threads_build_once(src: Path, tmp_path: Path, fake_env: Dict[str, str]) -> None:
    env = dict(fake_env, FAKE_GO_SLEEP="0.5")
    barrier = threading.Barrier(HOSTS)
    outcomes: List[Outcome] = []

    def host() -> None:
        barrier.wait()
        outcomes.append(build_once(FAKE_GO, str(src), BUILD, "k" * 64, str(tmp_path / "out"), env))

    threads = [threading.Thread(target=host) for number in range(HOSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds(env)) == 1
    assert sorted(o.built for o in outcomes) == [False] * (HOSTS - 1) + [True]
    assert len({(o.path, o.sha256) for o in outcomes}) == 1


def test_concurrent_processes_build_once(src: Path, tmp_path: Path, fake_env: Dict[str, str]) -> None:
    # Ansible runs each host in a forked worker process: the lock must hold across processes.
    env = dict(fake_env, FAKE_GO_SLEEP="0.5")
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(HOSTS)
    results = context.Queue()
    workers = [context.Process(target=_host_process, args=(str(src), str(tmp_path / "out"), env, barrier, results))
               for number in range(HOSTS)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=30) for worker in workers]
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0] * HOSTS
    assert len(builds(env)) == 1
    assert sorted(o[:2] for o in outcomes) == [(False, True)] * (HOSTS - 1) + [(True, False)]
    assert len({o[2] for o in outcomes}) == 1


def test_platforms_build_separately(src: Path, tmp_path: Path, fake_env: Dict[str, str]) -> None:
    out = str(tmp_path / "out")
    go_settings = {"GOVERSION": "go1.99.0"}
    for goos, goarch in (("linux", "amd64"), ("linux", "arm64"), ("windows", "amd64"), ("linux", "amd64")):
        build = GoBuild(name="hello", version="1.0.0", goos=goos, goarch=goarch)
        build_once(FAKE_GO, str(src), build, cache_key(build, hash_sources(str(src)), go_settings), out, fake_env)
    assert [line.split()[0] for line in builds(fake_env)] == ["linux/amd64", "linux/arm64", "windows/amd64"]
    assert len([n for n in os.listdir(out) if n.endswith(".exe")]) == 1
