# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""go_build: what one build is, its cache key, its artifact's name and its go command line.

A build is fully described by a :class:`GoBuild` (the task's choices and the target
platform), the digest of the module's files (:func:`source_digest`) and the toolchain's own
settings (``go env``, see :data:`GO_ENV_VARS`). :func:`cache_key` hashes exactly those, so
two hosts of one platform ask for the same key and share one artifact, and an artifact is
reused only while nothing that went into it changed. Everything here is pure: the directory
walk, ``go env`` and the build itself run in ``plugin_utils/_go_build_cache.py``.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

# Bump when the meaning of the key changes, so artifacts cached under an old definition are
# not mistaken for current ones.
KEY_FORMAT = 1

# Flags every build gets. -trimpath keeps controller paths out of the binary, so the same
# source builds the same binary anywhere; -buildvcs=false keeps the checkout's revision and
# dirty flag out of it too, because they are not part of the key (VCS dirs are not hashed).
FIXED_FLAGS: Tuple[str, ...] = ("-trimpath", "-buildvcs=false")

# Environment every build gets. CGO off: a pure Go binary cross-compiles without a C
# toolchain for the target. GOWORK off: a go.work in a parent of src would change the build
# with files outside src, which the key does not cover.
FIXED_ENV: Dict[str, str] = {"CGO_ENABLED": "0", "GOWORK": "off"}

# Toolchain settings that change the binary and can come from `go env -w` (the go env
# file) as well as from the environment, so they are read from `go env`, not os.environ:
# the toolchain version (a go.mod toolchain line may switch it) and the per-architecture
# feature levels.
GO_ENV_VARS: Tuple[str, ...] = (
    "GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM", "GOARM64", "GO386",
    "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM",
)

# Version-control metadata: never read by go build (with -buildvcs=false), and it changes
# on every commit or fetch without changing the source.
VCS_DIRS = frozenset((".git", ".hg", ".svn", ".bzr"))

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Versions end up in a file name and in a -ldflags word: no separators, spaces or quotes.
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~-]*$")
# An import path, a dot, an identifier: github.com/acme/tool/internal/build.Version.
_VERSION_VAR_RE = re.compile(r"^[A-Za-z0-9_./~-]*[A-Za-z0-9_~-]\.[A-Za-z_][A-Za-z0-9_]*$")
_PLATFORM_RE = re.compile(r"^[a-z0-9]+$")
_MAJOR_VERSION_RE = re.compile(r"^v([2-9]|[1-9][0-9]+)$")


class GoBuildError(ValueError):
    """A build request that cannot be turned into a safe file name or command line."""


@dataclass(frozen=True)
class GoBuild:
    """One build: the module's package for one platform, with one version injected."""

    name: str
    version: str
    goos: str
    goarch: str
    package: str = "."
    version_var: str = "main.version"
    ldflags: str = ""
    tags: Tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """GoBuildError naming the offending option when a value cannot be used as is."""
        if not _NAME_RE.match(self.name):
            raise GoBuildError("name %r is not a plain file name: use letters, digits, '.', '_' and '-', "
                               "starting with a letter or digit" % self.name)
        if not _VERSION_RE.match(self.version):
            raise GoBuildError("version %r cannot be part of a file name and an -ldflags word: use letters, "
                               "digits and '.', '_', '+', '~', '-', starting with a letter or digit"
                               % self.version)
        if not _VERSION_VAR_RE.match(self.version_var):
            raise GoBuildError("version_var %r is not an import path and a variable name, like main.version "
                               "or example.com/tool/internal/build.Version" % self.version_var)
        for option, value in (("goos", self.goos), ("goarch", self.goarch)):
            if not _PLATFORM_RE.match(value):
                raise GoBuildError("%s %r is not a Go platform name (lower-case letters and digits, "
                                   "as listed by 'go tool dist list')" % (option, value))
        for tag in self.tags:
            if not tag or "," in tag or any(c.isspace() for c in tag):
                raise GoBuildError("tags item %r is not a single build tag (no commas, no spaces)" % tag)
        for key, value in self.env.items():
            if not isinstance(value, str):
                raise GoBuildError("env values must be strings; wrap numbers and booleans in quotes. Key: %s"
                                   % key)

    @property
    def ldflags_value(self) -> str:
        """The single -ldflags argument: the caller's flags, then the version."""
        inject = "-X %s=%s" % (self.version_var, self.version)
        return "%s %s" % (self.ldflags.strip(), inject) if self.ldflags.strip() else inject


def goos_for_shell(is_windows_shell: bool) -> str:
    """The target's GOOS when nothing names it: Ansible reaches Windows hosts through a
    Windows shell (cmd, powershell) and everything else through a POSIX one."""
    return "windows" if is_windows_shell else "linux"


def module_path(go_mod: str) -> str:
    """The module path declared by a go.mod file's text (its `module` line)."""
    for line in go_mod.splitlines():
        words = line.split("//", 1)[0].split()
        if len(words) == 2 and words[0] == "module":
            return words[1].strip('"`')
    raise GoBuildError("go.mod has no module line")


def default_name(module: str, package: str) -> str:
    """The name go build gives the binary: the last element of the package's import path,
    skipping a major version suffix (example.com/tool/v2 builds "tool")."""
    if "..." in package:
        raise GoBuildError("package %r is a pattern; go_build builds one main package" % package)
    if package == "." or package.startswith("./"):
        import_path = posixpath.normpath(posixpath.join(module, package))
    else:
        import_path = package
    parts = [p for p in import_path.split("/") if p not in ("", ".")]
    if len(parts) > 1 and _MAJOR_VERSION_RE.match(parts[-1]):
        parts.pop()
    if not parts or parts[-1] == "..":
        raise GoBuildError("cannot derive a binary name from module %r and package %r; set name" % (module, package))
    return parts[-1]


def is_excluded(relpath: str, excluded: Iterable[str] = ()) -> bool:
    """Whether a path relative to src (POSIX separators) is left out of the source digest."""
    parts = relpath.split("/")
    if any(part in VCS_DIRS for part in parts):
        return True
    return any(relpath == e or relpath.startswith(e + "/") for e in excluded)


def source_digest(entries: Iterable[Tuple[str, str, str]]) -> str:
    """sha256 over (relative path, kind, content digest) entries, in path order.

    Order of discovery must not matter (directory listings are unordered), so the entries
    are sorted here. Each field is length-prefixed so no two trees share an encoding.
    """
    digest = hashlib.sha256()
    for relpath, kind, value in sorted(entries):
        for part in (relpath, kind, value):
            data = part.encode("utf-8", "surrogateescape")
            digest.update(b"%d:" % len(data))
            digest.update(data)
    return digest.hexdigest()


def cache_key(build: GoBuild, sources: str, go_env: Mapping[str, str]) -> str:
    """sha256 (hex) of everything that decides the binary's bytes, and nothing else: the
    binary's file name is not in it, so a renamed binary keeps its key."""
    material = {
        "format": KEY_FORMAT,
        "sources": sources,
        "package": build.package,
        "goos": build.goos,
        "goarch": build.goarch,
        "version": build.version,
        "ldflags": build.ldflags_value,
        "tags": list(build.tags),
        "flags": list(FIXED_FLAGS),
        "env": dict(sorted({**FIXED_ENV, **dict(build.env)}.items())),
        "go_env": {k: go_env.get(k, "") for k in GO_ENV_VARS},
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def artifact_name(build: GoBuild, key: str) -> str:
    """<name>-<version>-<goos>-<goarch>-<key12>[.exe]: readable, and unique per key."""
    suffix = ".exe" if build.goos == "windows" else ""
    return "%s-%s-%s-%s-%s%s" % (build.name, build.version, build.goos, build.goarch, key[:12], suffix)


def build_env(base: Mapping[str, str], build: GoBuild) -> Dict[str, str]:
    """The controller's environment, then the platform and fixed settings, then the task's
    env (last, so a task can deliberately override even CGO_ENABLED; it is in the key)."""
    env = dict(base)
    env.update(GOOS=build.goos, GOARCH=build.goarch)
    env.update(FIXED_ENV)
    env.update(build.env)
    return env


def go_env_argv(go: str) -> List[str]:
    return [go, "env", "-json"] + list(GO_ENV_VARS)


def build_argv(go: str, build: GoBuild, output: str) -> List[str]:
    argv = [go, "build"] + list(FIXED_FLAGS) + ["-ldflags", build.ldflags_value]
    if build.tags:
        argv += ["-tags", ",".join(build.tags)]
    return argv + ["-o", output, build.package]


def parse_go_env(stdout: str) -> Dict[str, str]:
    """`go env -json` output as a dict of strings; GoBuildError when it is not that."""
    try:
        data = json.loads(stdout)
    except ValueError as exc:
        raise GoBuildError("go env -json printed something that is not JSON (%s): %r" % (exc, stdout[:200]))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise GoBuildError("go env -json printed something that is not a JSON object of strings: %r"
                           % stdout[:200])
    return data


def relative_inside(path: str, root: str) -> Optional[str]:
    """path relative to root (both absolute, normalised, POSIX) when it lies inside root."""
    if path == root:
        return "."
    prefix = root.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else None
