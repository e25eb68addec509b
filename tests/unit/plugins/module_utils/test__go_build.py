# -*- coding: utf-8 -*-
from __future__ import annotations

import dataclasses
from typing import Dict, List, Tuple

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._go_build import (
    GO_ENV_VARS,
    GoBuild,
    GoBuildError,
    artifact_name,
    build_argv,
    build_env,
    cache_key,
    default_name,
    goos_for_shell,
    is_excluded,
    module_path,
    parse_go_env,
    relative_inside,
    source_digest,
)

BUILD = GoBuild(name="hello", version="1.2.3", goos="linux", goarch="amd64")
SOURCES = source_digest([("go.mod", "file", "aa"), ("main.go", "file", "bb")])
GO_ENV: Dict[str, str] = {"GOVERSION": "go1.26.8", "GOFLAGS": "", "GOAMD64": "v1"}
KEY = cache_key(BUILD, SOURCES, GO_ENV)


def test_key_is_stable_and_hex() -> None:
    assert cache_key(GoBuild(name="hello", version="1.2.3", goos="linux", goarch="amd64"), SOURCES, dict(GO_ENV)) == KEY
    assert len(KEY) == 64 and int(KEY, 16) >= 0


@pytest.mark.parametrize("change", [
    dict(version="1.2.4"),
    dict(goos="windows"),
    dict(goarch="arm64"),
    dict(package="./cmd/hello"),
    dict(version_var="main.Version"),
    dict(ldflags="-s -w"),
    dict(tags=("netgo",)),
    dict(env={"GOAMD64": "v3"}),
])
def test_key_changes_with_every_build_choice(change: Dict[str, object]) -> None:
    assert cache_key(dataclasses.replace(BUILD, **change), SOURCES, GO_ENV) != KEY


def test_key_ignores_the_binary_name() -> None:
    # The name only names the file; the binary's bytes do not depend on it.
    assert cache_key(dataclasses.replace(BUILD, name="other"), SOURCES, GO_ENV) == KEY


def test_key_changes_with_sources_and_toolchain() -> None:
    assert cache_key(BUILD, source_digest([("go.mod", "file", "aa"), ("main.go", "file", "bc")]), GO_ENV) != KEY
    assert cache_key(BUILD, SOURCES, dict(GO_ENV, GOVERSION="go1.26.9")) != KEY
    assert cache_key(BUILD, SOURCES, dict(GO_ENV, GOFLAGS="-mod=vendor")) != KEY


def test_key_ignores_go_env_outside_the_build_settings() -> None:
    assert cache_key(BUILD, SOURCES, dict(GO_ENV, GOPATH="/elsewhere", GOCACHE="/tmp/x")) == KEY


def test_source_digest_ignores_discovery_order() -> None:
    entries: List[Tuple[str, str, str]] = [("b.go", "file", "1"), ("a/x.go", "file", "2"), ("a.go", "file", "3")]
    assert source_digest(entries) == source_digest(list(reversed(entries)))


def test_source_digest_fields_cannot_run_into_each_other() -> None:
    assert source_digest([("ab", "file", "c")]) != source_digest([("a", "bfile", "c")])
    assert source_digest([("a", "file", "b"), ("c", "file", "d")]) != source_digest([("a", "file", "bc"), ("", "file", "d")])


def test_source_digest_sees_renames_and_links() -> None:
    base = source_digest([("a.go", "file", "1")])
    assert source_digest([("b.go", "file", "1")]) != base
    assert source_digest([("a.go", "link", "1")]) != base


@pytest.mark.parametrize("relpath, excluded, expected", [
    (".git", [], True),
    (".git/objects/ab", [], True),
    ("sub/.hg/store", [], True),
    ("vendor/x/.svn", [], True),
    ("gitignored.go", [], False),
    (".github/workflows/ci.yml", [], False),
    ("bin", ["bin"], True),
    ("bin/hello", ["bin"], True),
    ("binary.go", ["bin"], False),
    ("out/cache/x", ["out/cache"], True),
    ("out/other", ["out/cache"], False),
])
def test_is_excluded(relpath: str, excluded: List[str], expected: bool) -> None:
    assert is_excluded(relpath, excluded) is expected


def test_artifact_name() -> None:
    assert artifact_name(BUILD, KEY) == "hello-1.2.3-linux-amd64-%s" % KEY[:12]
    windows = dataclasses.replace(BUILD, goos="windows")
    assert artifact_name(windows, KEY) == "hello-1.2.3-windows-amd64-%s.exe" % KEY[:12]


def test_goos_for_shell() -> None:
    assert goos_for_shell(True) == "windows"
    assert goos_for_shell(False) == "linux"


def test_ldflags_value_puts_the_version_last() -> None:
    assert BUILD.ldflags_value == "-X main.version=1.2.3"
    assert dataclasses.replace(BUILD, ldflags=" -s -w ").ldflags_value == "-s -w -X main.version=1.2.3"


def test_build_argv() -> None:
    build = dataclasses.replace(BUILD, ldflags="-s -w", tags=("netgo", "osusergo"), package="./cmd/hello")
    assert build_argv("/usr/bin/go", build, "/out/h") == [
        "/usr/bin/go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -X main.version=1.2.3",
        "-tags", "netgo,osusergo", "-o", "/out/h", "./cmd/hello"]
    assert "-tags" not in build_argv("go", BUILD, "/out/h")


def test_build_env_order() -> None:
    env = build_env({"PATH": "/bin", "GOOS": "plan9", "CGO_ENABLED": "1"}, BUILD)
    assert env == {"PATH": "/bin", "GOOS": "linux", "GOARCH": "amd64", "CGO_ENABLED": "0", "GOWORK": "off"}
    # The task's env is applied last, so it may deliberately override a fixed setting.
    assert build_env({}, dataclasses.replace(BUILD, env={"GOWORK": "/src/go.work"}))["GOWORK"] == "/src/go.work"


@pytest.mark.parametrize("change, message", [
    (dict(name="my app"), "name 'my app' is not a plain file name"),
    (dict(name="../x"), "name '../x'"),
    (dict(version="1.0 beta"), "version '1.0 beta' cannot be part of a file name"),
    (dict(version="v1'"), "version"),
    (dict(version=""), "version ''"),
    (dict(version_var="version"), "version_var 'version' is not an import path"),
    (dict(version_var="main.version=x"), "version_var"),
    (dict(goos="Linux"), "goos 'Linux' is not a Go platform name"),
    (dict(goarch="arm 64"), "goarch"),
    (dict(tags=("a,b",)), "tags item 'a,b' is not a single build tag"),
    (dict(env={"GOMAXPROCS": 2}), "wrap numbers and booleans in quotes. Key: GOMAXPROCS"),
])
def test_check_names_the_offending_option(change: Dict[str, object], message: str) -> None:
    with pytest.raises(GoBuildError) as info:
        dataclasses.replace(BUILD, **change).check()
    assert message in str(info.value)


@pytest.mark.parametrize("version_var", ["main.version", "example.com/tool/internal/build.Version",
                                         "github.com/a-b/c_d/v2/pkg.X"])
def test_check_accepts_real_version_vars(version_var: str) -> None:
    dataclasses.replace(BUILD, version_var=version_var, version="v2.0.0-rc.1+meta").check()


def test_module_path() -> None:
    assert module_path("// comment\nmodule svcwright.example/hello // the demo\n\ngo 1.22\n") == "svcwright.example/hello"
    assert module_path('module "example.com/quoted"\n') == "example.com/quoted"
    with pytest.raises(GoBuildError, match="no module line"):
        module_path("go 1.22\n")


@pytest.mark.parametrize("module, package, name", [
    ("svcwright.example/hello", ".", "hello"),
    ("example.com/tool", "./cmd/server", "server"),
    ("example.com/tool/v2", ".", "tool"),
    ("example.com/tool/v2", "./cmd/v2ctl", "v2ctl"),
    ("example.com/tool", "example.com/tool/cmd/agent", "agent"),
    ("hello", "./", "hello"),
    ("v2", ".", "v2"),
])
def test_default_name(module: str, package: str, name: str) -> None:
    assert default_name(module, package) == name


def test_default_name_refuses_what_is_not_one_package() -> None:
    with pytest.raises(GoBuildError, match="is a pattern"):
        default_name("example.com/tool", "./cmd/...")
    with pytest.raises(GoBuildError, match="set name"):
        default_name("tool", "./..")


def test_parse_go_env() -> None:
    assert parse_go_env('{"GOVERSION": "go1.26.8"}') == {"GOVERSION": "go1.26.8"}
    with pytest.raises(GoBuildError, match="not JSON"):
        parse_go_env("go: unknown flag -json")
    with pytest.raises(GoBuildError, match="object of strings"):
        parse_go_env('["GOVERSION"]')


def test_go_env_vars_name_the_toolchain() -> None:
    assert "GOVERSION" in GO_ENV_VARS and "GOFLAGS" in GO_ENV_VARS


@pytest.mark.parametrize("path, root, expected", [
    ("/src", "/src", "."),
    ("/src/bin", "/src", "bin"),
    ("/src/a/b", "/src/", "a/b"),
    ("/srcx/bin", "/src", None),
    ("/cache", "/src", None),
])
def test_relative_inside(path: str, root: str, expected: object) -> None:
    assert relative_inside(path, root) == expected
