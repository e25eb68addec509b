# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import os
import subprocess

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._verify import (
    VerifyError,
    decode_record,
    encode_record,
    latest_record,
    linux_record_command,
    options_from_params,
    record_file_name,
    record_path,
    record_paths,
    verify_record,
)


def test_record_paths_base_first_then_the_fixed_place():
    assert record_path("hello", "/opt/hello/", False) == "/opt/hello/.svcwright-verify.json"
    assert record_path("hello", None, False) == "/var/lib/svcwright/verify/hello.json"
    assert record_path("hello", "C:\\svc\\hello", True) == "C:\\svc\\hello\\.svcwright-verify.json"
    assert record_path("hello", None, True) == "C:\\ProgramData\\svcwright\\verify\\hello.json"
    assert record_paths("hello", "/opt/hello", False) == [
        "/opt/hello/.svcwright-verify.json", "/var/lib/svcwright/verify/hello.json"]
    assert record_paths("hello", None, True) == ["C:\\ProgramData\\svcwright\\verify\\hello.json"]


@pytest.mark.parametrize("name,expected", [
    ("hello", "hello.json"),
    ("TestService [*abc]", "TestService~0020~005b~002aabc~005d.json"),
    ("a/b", "a~002fb.json"),
    ("%OS%", "~0025OS~0025.json"),
    ("..", "~...json"),
    ("a~b", "a~007eb.json"),
])
def test_record_file_names_are_one_safe_component_and_never_shared(name, expected):
    assert record_file_name(name) == expected
    assert "/" not in expected and "\\" not in expected and "%" not in expected


def test_record_round_trip_one_line_of_ascii():
    record = verify_record("hellö", 1767225600.7, False, "restarted 1 time\ndetails", 42, "1.0.0")
    text = encode_record(record)
    assert text.isascii() and text.count("\n") == 1
    assert decode_record(text) == dict(time="2026-01-01T00:00:00Z", passed=False, reason="restarted 1 time", pid=42,
                                       version="1.0.0")


def test_a_pass_has_no_reason_and_a_bad_pid_is_none():
    record = verify_record("hello", 0, True, "ignored", 0, None)
    assert (record["reason"], record["pid"], record["version"]) == ("", None, None)


@pytest.mark.parametrize("text", [None, "", "{", "[]", '{"format":2,"passed":true,"time":"2026-01-01T00:00:00Z"}',
                                  '{"format":1,"passed":"yes","time":"2026-01-01T00:00:00Z"}',
                                  '{"format":1,"passed":true,"time":"yesterday"}'])
def test_anything_not_written_here_is_no_record(text):
    assert decode_record(text) is None


def test_latest_record_wins():
    old = encode_record(verify_record("hello", 100, False, "x", 1, None))
    new = encode_record(verify_record("hello", 200, True, "", 2, None))
    assert latest_record([new, None, old])["pid"] == 2
    assert latest_record([old, "junk"])["pid"] == 1
    assert latest_record([None]) is None


def test_base_option_is_checked_like_a_release_base():
    params = dict(name="hello", deadline=60.0, stable_for=3.0, log_lines=30)
    assert options_from_params(dict(params, base="/opt/hello/")).base == "/opt/hello"
    assert options_from_params(dict(params, base="C:/svc/hello"), windows=True).base == "C:\\svc\\hello"
    with pytest.raises(VerifyError, match="not an absolute path"):
        options_from_params(dict(params, base="opt/hello"))


@pytest.mark.parametrize("target,version", [("releases/1.2.3", "1.2.3"), ("releases/bad name", None), (None, None)])
def test_linux_record_command_writes_the_record_with_the_active_version(tmp_path, target, version):
    base = tmp_path / "base"
    (base / "releases").mkdir(parents=True)
    if target:
        os.symlink(target, str(base / "current"))
    path = str(base / ".svcwright-verify.json")
    record = verify_record("hello", 0, False, 'it said "version":null', 7, None)
    subprocess.run(["/bin/sh", "-c", linux_record_command(path, record, str(base))], check=True)
    got = decode_record(open(path).read())
    assert got == dict(time="1970-01-01T00:00:00Z", passed=False, reason='it said "version":null', pid=7,
                       version=version)
    assert not os.path.exists(path + ".new")


def test_linux_record_command_without_base_makes_the_directory(tmp_path):
    path = str(tmp_path / "verify" / "hello.json")
    subprocess.run(["/bin/sh", "-c", linux_record_command(path, verify_record("hello", 0, True, "", 7, None), None)],
                   check=True)
    assert decode_record(open(path).read())["passed"] is True
