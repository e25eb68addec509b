from __future__ import annotations

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError, build_spec


def params(**kw):
    p = dict(name="hello", command="/opt/hello/hello", restart={}, logs={})
    p.update(kw)
    return p


def test_defaults():
    s = build_spec(params())
    assert s.state == "started" and s.start_mode == "auto"
    assert s.restart.policy == "on-failure" and s.restart.delay == 2.0 and s.restart.max_restarts == 5
    assert s.logs.mode == "journal"
    assert s.stop_timeout == 30.0


def test_file_logs_inferred_from_paths():
    s = build_spec(params(logs={"stdout": "/var/log/h/out.log"}))
    assert s.logs.mode == "file"


@pytest.mark.parametrize("kw,match", [
    (dict(name=""), "name is empty"),
    (dict(name="a/b"), "contains '/'"),
    (dict(command=None), "command is required"),
    (dict(command="hello"), "must be an absolute path"),
    (dict(args=["-port", 8080]), r"args\[1\] must be a string, got int 8080. Quote it"),
    (dict(args=["a\x00b"]), "NUL"),
    (dict(env={"PORT": 8080}), "Ambiguous env values must be wrapped in quotes"),
    (dict(env={"1X": "a"}), "not a valid variable name"),
    (dict(working_dir="rel/dir"), "absolute path"),
    (dict(logs={"mode": "file"}), "logs.stdout is required"),
    (dict(logs={"mode": "journal", "stdout": "/x"}), "logs.mode is journal"),
    (dict(start_mode="disabled"), "disabled but state is started"),
    (dict(stop_timeout=0), "greater than 0"),
    (dict(restart={"delay": -1}), "negative"),
    (dict(description="two\nlines"), "control character"),
])
def test_bad_specs_name_the_key_and_the_fix(kw, match):
    with pytest.raises(SpecError, match=match) as err:
        build_spec(params(**kw))
    assert "hello" in str(err.value) or "name" in str(err.value)


def test_absent_needs_no_command():
    s = build_spec(params(command=None, state="absent"))
    assert s.command is None


def test_windows_paths():
    s = build_spec(params(command=r"C:\Program Files\hello [x]\hello.exe"), windows=True)
    assert s.command.endswith("hello.exe")
    with pytest.raises(SpecError, match="absolute path"):
        build_spec(params(command="/opt/hello"), windows=True)
