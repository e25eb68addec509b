from __future__ import annotations

import datetime

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._spec import (
    BACKENDS,
    SpecError,
    build_spec,
    check_password,
)


def params(**kw):
    p = dict(name="hello", command="/opt/hello/hello", restart={}, logs={})
    p.update(kw)
    return p


def win(**kw):
    p = params(name="SvcwTest [abc]", command=r"C:\svcw test\[hello]\hello.exe")
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


def test_templated_integers_become_their_digits_in_args():
    s = build_spec(params(args=["-port", 8080], env={"PORT": "8080"}))
    assert s.args == ["-port", "8080"] and s.env == {"PORT": "8080"}


def test_an_environment_value_is_never_a_number():
    with pytest.raises(SpecError, match=r"env value of UMASK must be a string, got the number 493 .*Quote it"):
        build_spec(params(env={"UMASK": 0o755}))


def test_numbers_given_as_text_are_read():
    s = build_spec(params(stop_timeout="12", restart={"delay": "1.5", "max_restarts": "3"}))
    assert s.stop_timeout == 12.0 and s.restart.delay == 1.5 and s.restart.max_restarts == 3


def test_name_with_service_suffix_is_the_same_service():
    assert build_spec(params(name="hello.service")).name == "hello"


def test_linux_args_keep_every_character_but_nul():
    odd = ["a\nb", "tab\there", "\u202e", "%%", "$HOME", "\u2028", ""]
    assert build_spec(params(args=odd)).args == odd


@pytest.mark.parametrize("kw,match", [
    (dict(name=""), "name is empty"),
    (dict(name="a/b"), "not a valid systemd unit name"),
    (dict(name="a;b"), "not a valid systemd unit name"),
    (dict(name="-x"), "not a valid systemd unit name"),
    (dict(name="a..b"), "not a valid systemd unit name"),
    (dict(name="x" * 300), "not a valid systemd unit name"),
    (dict(name="web.socket"), r"ends in .socket"),
    (dict(name="web.target"), r"ends in .target"),
    (dict(name="he\u202ello"), r"U\+202E"),
    (dict(name="he\u200bllo"), r"U\+200B"),
    (dict(name="he\nllo"), r"U\+000A"),
    (dict(command=None), "command is required"),
    (dict(command="hello"), "must be an absolute path"),
    (dict(command="/opt/../bin/sh"), r"'\.\.' step"),
    (dict(command="/opt/x\ny"), "U\\+000A"),
    (dict(args=["-port", 80.5]), r"args\[1\] must be a string, got the number 80.5. Quote it"),
    (dict(args=[True]), r"args\[0\] must be a string, got the boolean True"),
    (dict(args=[datetime.date(2024, 1, 31)]), r"args\[0\] must be a string, got the date 2024-01-31"),
    (dict(args=[{"a": 1}]), r"args\[0\] must be a string"),
    (dict(args="-x"), "args must be a list"),
    (dict(args=["a\x00b"]), "NUL"),
    (dict(env={"PORT": 1.5}), "ambiguous env values must be wrapped in quotes"),
    (dict(env={"ON": True}), "ambiguous env values"),
    (dict(env={"X": None}), "got nothing"),
    (dict(env={"1X": "a"}), "not a valid variable name"),
    (dict(env={"A=B": "a"}), "not a valid variable name"),
    (dict(env=["A"]), "env must be a dictionary"),
    (dict(working_dir="rel/dir"), "absolute path"),
    (dict(logs={"mode": "file"}), "logs.stdout is required"),
    (dict(logs={"mode": "journal", "stdout": "/x"}), "logs.mode is journal"),
    (dict(logs={"stdout": "log/out"}), "logs.stdout must be an absolute path"),
    (dict(start_mode="disabled"), "disabled but state is started"),
    (dict(stop_timeout=0), r"stop_timeout must be > 0 seconds"),
    (dict(stop_timeout=float("inf")), "finite"),
    (dict(wait_timeout=float("nan")), "finite"),
    (dict(wait_timeout="abc"), "number of seconds"),
    (dict(wait_timeout=True), "number of seconds"),
    (dict(wait_timeout=10 ** 9), "at most"),
    (dict(restart={"delay": -1}), r"restart.delay must be >= 0"),
    (dict(restart={"max_restarts": 1.5}), r"restart.max_restarts must be a whole number"),
    (dict(restart={"policy": "sometimes"}), r"restart.policy is 'sometimes'"),
    (dict(description="two\nlines"), r"description contains U\+000A"),
    (dict(description="two\rlines"), r"U\+000D"),
    (dict(description="sep\u2028x"), r"U\+2028"),
    (dict(display_name="x\x85y"), r"U\+0085"),
    (dict(account="root;x"), "not a valid user name"),
    (dict(account="a b"), "not a valid user name"),
    (dict(dependencies=["db service"]), r"dependencies\[0\] 'db service' is not a systemd unit name"),
    (dict(dependencies=["../x"]), r"dependencies\[0\]"),
    (dict(dependencies=["hello"]), "names the service itself"),
    (dict(sockets=["99999"]), r"sockets\[0\]"),
    (dict(sockets=["8080\nListenStream=1"]), r"U\+000A"),
    (dict(sockets=["/run/a b.sock"]), "white space"),
])
def test_bad_specs_name_the_key_and_the_fix(kw, match):
    with pytest.raises(SpecError, match=match) as err:
        build_spec(params(**kw))
    assert "service " in str(err.value)
    assert "Traceback" not in str(err.value)


def test_absent_needs_no_command():
    s = build_spec(params(command=None, state="absent"))
    assert s.command is None


def test_windows_paths():
    s = build_spec(params(command=r"C:\Program Files\hello [x]\hello.exe"), backend="sc")
    assert s.command.endswith("hello.exe")
    with pytest.raises(SpecError, match="absolute path"):
        build_spec(params(command="/opt/hello"), backend="sc")


def test_windows_names_like_the_windows_collections_test_with():
    assert build_spec(win(), backend="nssm").name == "SvcwTest [abc]"
    assert build_spec(win(dependencies=["+NetworkProvider", "Tcpip"]), backend="sc").dependencies[0] == "+NetworkProvider"


@pytest.mark.parametrize("name", ["%OS%", "a!x!", "a^b", "a&b", "a|b", "a<b", "a>b", 'a"b', "a\u202eb", "a\u200bb",
                                  "a\\b", "a/b", " lead", "trail ", "dot.", "x" * 257])
def test_windows_names_that_a_windows_tool_would_read_otherwise_are_refused(name):
    with pytest.raises(SpecError, match="service "):
        build_spec(win(name=name), backend="sc")


@pytest.mark.parametrize("kw,match", [
    (dict(args=["a\nb"]), r"args\[0\] contains U\+000A"),
    (dict(args=["a\rb"]), r"U\+000D"),
    (dict(args=["\u202e"]), r"U\+202E"),
    (dict(args=["%PATH%"]), "expands as an environment variable"),
    (dict(command=r"C:\%OS%\x.exe"), "expands"),
    (dict(command=r'C:\a"b\x.exe'), "double quote"),
    (dict(command=r"C:\a\..\x.exe"), r"'\.\.' step"),
    (dict(description="%USERNAME%"), "expands"),
    (dict(account='NT SERVICE\\a"b'), "not a Windows account name"),
    (dict(account="a\\b\\c"), "not a Windows account name"),
])
def test_windows_values_a_command_line_cannot_carry_are_refused(kw, match):
    with pytest.raises(SpecError, match=match):
        build_spec(win(**kw), backend="nssm")


def test_windows_keeps_single_percent_and_tab_and_non_ascii():
    s = build_spec(win(args=["100%", "a\tb", "ünï 日本 🎉"]), backend="sc")
    assert s.args == ["100%", "a\tb", "ünï 日本 🎉"]


@pytest.mark.parametrize("backend,kw,key", [
    ("sc", dict(env={"A": "1"}), "env"),
    ("sc", dict(working_dir="C:\\x"), "working_dir"),
    ("sc", dict(logs={"stdout": "C:\\x\\out.log"}), "logs"),
    ("sc", dict(sockets=["8080"]), "sockets"),
    ("nssm", dict(sockets=["8080"]), "sockets"),
])
def test_what_a_backend_would_ignore_is_refused_with_the_way_out(backend, kw, key):
    with pytest.raises(SpecError, match=r"%s is not supported by %s" % (key, BACKENDS[backend].module)):
        build_spec(win(**kw), backend=backend)


def test_password_only_where_the_backend_has_accounts_with_passwords():
    check_password("x", "secret", "sc")
    check_password("x", None, "systemd")
    with pytest.raises(SpecError, match="password is for Windows accounts"):
        check_password("x", "secret", "systemd")


def test_as_dict_is_plain_data_that_builds_the_same_spec():
    s = build_spec(params(args=["-a", 1], env={"X": "y"}, dependencies=["db"], restart={"policy": "always"}))
    again = build_spec(s.as_dict())
    assert again == s
