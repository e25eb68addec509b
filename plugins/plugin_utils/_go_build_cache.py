# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""go_build on the controller: hash the module, ask go for its settings, build at most once.

Ansible runs a task for each host in its own worker process, at the same time, so hosts of
one platform ask for the same artifact together. :func:`build_once` lets exactly one of them
build: an exclusive lock per cache key (flock, released by the kernel if the worker dies),
the cache checked again once the lock is held, and the binary built in a private directory
and renamed into place, so nobody ever sees a half-written artifact.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.svcwright.services.plugins.module_utils._go_build import (
    GoBuild,
    artifact_name,
    build_argv,
    build_env,
    go_env_argv,
    is_excluded,
    parse_go_env,
    source_digest,
)

LOCK_DIR = ".locks"
TMP_PREFIX = ".building-"
# Enough of go's compiler output to show every error of a typical failed build.
OUTPUT_TAIL = 8000


class GoBuildFailed(Exception):
    """go itself failed: the command, its exit code and what it printed."""

    def __init__(self, message: str, argv: Sequence[str], rc: Optional[int] = None, stdout: str = "",
                 stderr: str = "") -> None:
        super().__init__(message)
        self.argv = list(argv)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr


@dataclass(frozen=True)
class Outcome:
    path: str
    built: bool
    cached: bool
    sha256: Optional[str]
    build_seconds: float


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_entries(src: str, excluded: Sequence[str] = ()) -> List[Tuple[str, str, str]]:
    """(relative path, kind, digest) of every file under src, for :func:`source_digest`.

    Every file counts, not only *.go: go:embed may read any of them, and hashing one file too
    many only costs a rebuild, while one too few reuses a stale binary. A symlink to a
    directory counts by its target text (go does not walk into it); a symlink to a file by
    the content go reads through it.
    """
    entries: List[Tuple[str, str, str]] = []

    def walk(directory: str, rel: str) -> None:
        with os.scandir(directory) as listing:
            children = sorted(listing, key=lambda e: e.name)
        for child in children:
            child_rel = child.name if not rel else rel + "/" + child.name
            if is_excluded(child_rel, excluded):
                continue
            if child.is_symlink():
                target = os.readlink(child.path)
                if os.path.isfile(child.path):
                    entries.append((child_rel, "file", file_sha256(child.path)))
                else:
                    entries.append((child_rel, "link", target))
            elif child.is_dir(follow_symlinks=False):
                walk(child.path, child_rel)
            elif child.is_file(follow_symlinks=False):
                entries.append((child_rel, "file", file_sha256(child.path)))

    walk(src, "")
    return entries


def hash_sources(src: str, excluded: Sequence[str] = ()) -> str:
    return source_digest(source_entries(src, excluded))


def _run(argv: Sequence[str], cwd: str, env: Mapping[str, str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    except OSError as exc:
        raise GoBuildFailed("cannot run %s: %s" % (argv[0], exc), argv)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def go_env(go: str, src: str, build: GoBuild, base_env: Mapping[str, str]) -> Dict[str, str]:
    """The toolchain settings of this build, read in src with the build's environment (so a
    go.mod toolchain line and the target's architecture are taken into account)."""
    argv = go_env_argv(go)
    proc = _run(argv, src, build_env(base_env, build))
    if proc.returncode != 0:
        raise GoBuildFailed("go env failed with exit code %d in %s" % (proc.returncode, src), argv, proc.returncode,
                            _text(proc.stdout), _text(proc.stderr)[-OUTPUT_TAIL:])
    return parse_go_env(_text(proc.stdout))


@contextlib.contextmanager
def key_lock(output_dir: str, key: str) -> Iterator[None]:
    """Hold the exclusive lock of one cache key. Lock files are never removed: removing one
    while another worker waits on it would let a third worker lock a new file and build too."""
    lock_dir = os.path.join(output_dir, LOCK_DIR)
    os.makedirs(lock_dir, exist_ok=True)
    fd = os.open(os.path.join(lock_dir, key + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def build_once(go: str, src: str, build: GoBuild, key: str, output_dir: str, base_env: Mapping[str, str],
               check_mode: bool = False) -> Outcome:
    """The artifact of this key: from the cache, or built now by exactly one caller.

    In check mode nothing is built or locked: the outcome says whether a build would happen
    (built and cached both false, no sha256).
    """
    path = os.path.join(output_dir, artifact_name(build, key))
    if os.path.isfile(path):
        return Outcome(path, built=False, cached=True, sha256=file_sha256(path), build_seconds=0.0)
    if check_mode:
        return Outcome(path, built=False, cached=False, sha256=None, build_seconds=0.0)
    os.makedirs(output_dir, exist_ok=True)
    with key_lock(output_dir, key):
        # Another host's worker may have built it while this one waited for the lock.
        if os.path.isfile(path):
            return Outcome(path, built=False, cached=True, sha256=file_sha256(path), build_seconds=0.0)
        # go build refuses to overwrite a file that is not an executable (an empty temp file
        # is not), so it writes into a private directory on the same file system instead.
        workdir = tempfile.mkdtemp(prefix=TMP_PREFIX + key[:12] + "-", dir=output_dir)
        try:
            output = os.path.join(workdir, os.path.basename(path))
            argv = build_argv(go, build, output)
            started = time.monotonic()
            proc = _run(argv, src, build_env(base_env, build))
            seconds = time.monotonic() - started
            if proc.returncode != 0 or not os.path.isfile(output):
                raise GoBuildFailed("go build for %s/%s failed with exit code %d in %s"
                                    % (build.goos, build.goarch, proc.returncode, src), argv, proc.returncode,
                                    _text(proc.stdout)[-OUTPUT_TAIL:], _text(proc.stderr)[-OUTPUT_TAIL:])
            sha256 = file_sha256(output)
            os.replace(output, path)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return Outcome(path, built=True, cached=False, sha256=sha256, build_seconds=round(seconds, 3))
