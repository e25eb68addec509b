# -*- coding: utf-8 -*-
from __future__ import annotations

from typing import Any, Dict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._nssm_render import (
    DEFAULT_NSSM_PATH,
    NSSM_DEFAULTS,
    PARAMETER_ORDER,
    LogRotation,
    NssmOptions,
    effective_parameters,
    format_value,
    image_path_argv,
    install_argv,
    installed_parameters,
    log_directories,
    lossy_parameters,
    nssm_options,
    policy_exit_actions,
    remove_argv,
    render_parameters,
    same_value,
    set_argv,
    text_matches,
)
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import split_args

NAME = "SvcwNssm [abc]"
EXE = "C:\\svcw test\\[hello]\\hello.exe"
NSSM = DEFAULT_NSSM_PATH


def spec_of(**params: Any):
    params.setdefault("name", NAME)
    params.setdefault("command", EXE)
    return build_spec(params, backend="nssm")


def render(opts: Dict[str, Any] = None, **params: Any):
    spec = spec_of(**params)
    return render_parameters(spec, nssm_options(spec.name, opts or {}))


def test_minimal_spec_renders_every_managed_parameter() -> None:
    p = render()
    assert list(p.values) == list(PARAMETER_ORDER)
    v = p.values
    assert (v["Application"], v["AppParameters"], v["AppDirectory"]) == (EXE, "", "C:\\svcw test\\[hello]")
    assert (v["AppStdout"], v["AppStderr"], v["AppEnvironmentExtra"]) == ("", "", [])
    # Append, never truncate, whatever else is set.
    assert v["AppStdoutCreationDisposition"] == v["AppStderrCreationDisposition"] == 4
    # No file logs: no rotation.
    assert [v[k] for k in ("AppRotateFiles", "AppRotateOnline", "AppRotateBytes", "AppRotateBytesHigh",
                           "AppRotateSeconds")] == [0, 0, 0, 0, 0]
    # The spec's defaults: restart.delay 2 s, stop_timeout 30 s, on-failure, auto start, LocalSystem.
    assert v["AppRestartDelay"] == 2000 and v["AppThrottle"] == 1500
    assert [v["AppStopMethodSkip"], v["AppStopMethodConsole"], v["AppStopMethodWindow"],
            v["AppStopMethodThreads"], v["AppKillProcessTree"]] == [0, 30000, 30000, 30000, 1]
    assert (v["DisplayName"], v["Description"], v["Start"], v["ObjectName"], v["DependOnService"]) == (
        NAME, "", "SERVICE_AUTO_START", "LocalSystem", [])
    assert p.app_exit == {"Default": "Restart", "0": "Exit"}


NASTY_ARGS = [
    "-listen", "127.0.0.1:18180",
    "two words", 'say "hi"', "trailing\\", 'end quote\\"', "", "\t", "a\\\\b\\\\", "^&|<>()",
    "%", "100%", "!bang!", "ünïcödé ✓", "C:\\Program Files\\x y\\", "-name=a b",
]


def test_nasty_arguments_are_one_app_parameters_value_that_splits_back() -> None:
    p = render(args=NASTY_ARGS)
    text = str(p.values["AppParameters"])
    assert split_args(text) == NASTY_ARGS
    assert split_args(text, variant="legacy") == NASTY_ARGS
    # One argument of nssm set: NSSM would join several with spaces and lose their quoting.
    argv = set_argv(NSSM, NAME, "AppParameters", p)
    assert argv == [NSSM, "set", NAME, "AppParameters", text]


_CARRIED = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp"), blacklist_characters="%")


@given(st.lists(st.text(alphabet=_CARRIED,
                        max_size=12), max_size=6))
def test_any_arguments_without_line_breaks_round_trip(args) -> None:
    p = render(args=args)
    assert split_args(str(p.values["AppParameters"])) == args


def test_rendering_is_deterministic_so_reruns_compare_equal() -> None:
    params = dict(args=NASTY_ARGS, env={"B": "2", "A": "x y"}, logs={"stdout": "C:\\l\\o.log"})
    assert render(**params) == render(**params)


def test_file_logs_env_and_everything_else() -> None:
    p = render(
        {"log_rotation": {"bytes": 5000000000, "seconds": 3600}, "throttle": 3.0,
         "stop_methods": ["console", "terminate"], "kill_process_tree": False,
         "exit_actions": {"3": "exit", -1073741510: "Ignore"}},
        args=["-listen", "127.0.0.1:18180"], working_dir="D:\\work dir",
        env={"SVCW_A": "1", "SVCW_B": "two words", "SVCW_C": 'q"x'},
        logs={"stdout": "C:\\logs\\out.log", "stderr": "C:\\logs\\err.log"},
        restart={"policy": "always", "delay": 0.5}, stop_timeout=5, start_mode="delayed",
        display_name="Hello [x]", description='A "quoted" description', account="LocalService",
        dependencies=["RpcSs", "Tcpip"])
    v = p.values
    assert v["AppDirectory"] == "D:\\work dir"
    assert v["AppEnvironmentExtra"] == ["SVCW_A=1", "SVCW_B=two words", 'SVCW_C=q"x']
    assert (v["AppStdout"], v["AppStderr"]) == ("C:\\logs\\out.log", "C:\\logs\\err.log")
    # 5e9 bytes does not fit a DWORD: NSSM would clamp AppRotateBytes, so it is split.
    assert (v["AppRotateBytes"], v["AppRotateBytesHigh"]) == (5000000000 & 0xFFFFFFFF, 1)
    assert (v["AppRotateFiles"], v["AppRotateOnline"], v["AppRotateSeconds"]) == (0, 1, 3600)
    assert (v["AppRestartDelay"], v["AppThrottle"]) == (500, 3000)
    assert v["AppStopMethodSkip"] == 2 | 4  # window and threads skipped
    assert v["AppStopMethodConsole"] == 5000 and v["AppKillProcessTree"] == 0
    assert (v["Start"], v["ObjectName"], v["DependOnService"]) == (
        "SERVICE_DELAYED_AUTO_START", "NT AUTHORITY\\LocalService", ["RpcSs", "Tcpip"])
    assert p.app_exit == {"Default": "Restart", "3": "Exit", "3221225786": "Ignore"}


def test_stdout_file_takes_stderr_too_and_rotation_defaults() -> None:
    v = render(logs={"stdout": "C:\\logs\\out.log"}).values
    assert v["AppStderr"] == "C:\\logs\\out.log"
    # Rotate while running past 10 MiB, never at start: a restart appends.
    assert (v["AppRotateFiles"], v["AppRotateOnline"], v["AppRotateBytes"], v["AppRotateSeconds"]) == (
        0, 1, 10 * 1024 * 1024, 0)


@pytest.mark.parametrize("policy,exits", [
    ("always", {"Default": "Restart"}),
    ("on-failure", {"Default": "Restart", "0": "Exit"}),
    ("never", {"Default": "Exit"}),
])
def test_restart_policy_becomes_app_exit(policy: str, exits: Dict[str, str]) -> None:
    assert policy_exit_actions(policy) == exits
    assert render(restart={"policy": policy}).app_exit == exits


def test_exit_actions_override_the_policy_and_redundant_codes_vanish() -> None:
    p = render({"exit_actions": {"default": "Exit", "0": "exit", "2": "Restart"}}, restart={"policy": "on-failure"})
    assert p.app_exit == {"Default": "Exit", "2": "Restart"}
    assert p.exit_action("7") == "Exit" and p.exit_action("2") == "Restart"


@pytest.mark.parametrize("opts,match", [
    ({"exit_actions": {"x": "Exit"}}, "neither an exit code nor 'default'"),
    ({"exit_actions": {True: "Exit"}}, "neither an exit code"),
    ({"exit_actions": {"4294967296": "Exit"}}, "not a 32-bit exit code"),
    ({"exit_actions": {"3": "Stop"}}, "Use one of Restart, Ignore, Exit, Suicide"),
    ({"exit_actions": {"3": "Exit", 3: "Restart"}}, "twice with different actions"),
    ({"stop_methods": []}, "NSSM could never stop the program"),
    ({"stop_methods": ["kill"]}, "stop_methods item 'kill' is unknown"),
    ({"throttle": -1}, "throttle is -1"),
    ({"throttle": 5e6}, "more than NSSM can store"),
    ({"log_rotation": {"online": True, "bytes": 0}}, "log_rotation.online needs log_rotation.bytes > 0"),
    ({"log_rotation": {"bytes": -1}}, "log_rotation.bytes is -1"),
    ({"nssm_path": "nssm.exe"}, "nssm_path must be an absolute Windows path"),
    ({"nssm_path": 'C:\\a"b\\nssm.exe'}, "without quotes"),
])
def test_bad_nssm_options_fail_with_the_key(opts: Dict[str, Any], match: str) -> None:
    with pytest.raises(SpecError, match=match) as err:
        spec = spec_of(logs={"stdout": "C:\\l\\o.log"})
        render_parameters(spec, nssm_options(spec.name, opts))
    assert "service 'SvcwNssm [abc]'" in str(err.value)


@pytest.mark.parametrize("params,match", [
    (dict(args=["a\nb"]), r"args\[0\] contains U\+000A"),
    (dict(args=["ok", "a\rb"]), r"args\[1\] contains U\+000D"),
    (dict(env={"A": "x\ny"}), r"env value of A contains U\+000A"),
    (dict(dependencies=[" "]), r"dependencies\[0\] ' ' is not a Windows service name"),
    (dict(restart={"delay": 5e6}), "restart.delay must be at most 86400 seconds"),
    (dict(args=["%TEMP%\\x"]), r"args\[0\] holds %TEMP%, which Windows expands"),
    (dict(env={"A": "%ProgramData%\\a"}), "env value of A holds %ProgramData%"),
])
def test_what_nssm_cannot_store_fails_with_the_key(params: Dict[str, Any], match: str) -> None:
    with pytest.raises(SpecError, match=match):
        render(**params)


def test_log_rotation_without_file_logs_fails() -> None:
    with pytest.raises(SpecError, match="log_rotation is set but the service logs to no file"):
        render({"log_rotation": {"bytes": 1}})


def test_command_is_required_and_cannot_hold_a_quote() -> None:
    spec = build_spec(dict(name=NAME, state="absent"), backend="nssm")
    with pytest.raises(SpecError, match="command is required"):
        render_parameters(spec, NssmOptions())
    with pytest.raises(SpecError, match="contains a double quote"):
        render(command='C:\\a"b\\x.exe')


def test_single_percent_signs_are_kept() -> None:
    spec = spec_of(args=["100%", "50% and 60%"], env={"B": "5%"})
    assert spec.args == ["100%", "50% and 60%"] and spec.env == {"B": "5%"}


def test_set_argv_resets_defaults_and_passes_lists_and_exit_codes() -> None:
    p = render(env={"A": "1", "B": "two words"}, restart={"policy": "always"},
               logs={"stdout": "C:\\l\\o.log"})
    assert set_argv(NSSM, NAME, "AppEnvironmentExtra", p) == [
        NSSM, "set", NAME, "AppEnvironmentExtra", "A=1", "B=two words"]
    assert set_argv(NSSM, NAME, "AppThrottle", p) == [NSSM, "reset", NAME, "AppThrottle"]
    assert set_argv(NSSM, NAME, "AppRotateBytes", p) == [NSSM, "set", NAME, "AppRotateBytes", "10485760"]
    assert set_argv(NSSM, NAME, "Description", p) == [NSSM, "reset", NAME, "Description"]
    assert set_argv(NSSM, NAME, "DependOnService", p) == [NSSM, "reset", NAME, "DependOnService"]
    # `nssm reset NAME Start` fails (no meaningful default): Start is always set.
    assert set_argv(NSSM, NAME, "Start", p) == [NSSM, "set", NAME, "Start", "SERVICE_AUTO_START"]
    assert set_argv(NSSM, NAME, "AppExit Default", p) == [NSSM, "set", NAME, "AppExit", "Default", "Restart"]
    assert set_argv(NSSM, NAME, "AppExit 0", p) == [NSSM, "reset", NAME, "AppExit", "0"]
    assert set_argv(NSSM, NAME, "ObjectName", p) == [NSSM, "set", NAME, "ObjectName", "LocalSystem"]
    user = render(account="svcwuser")
    assert set_argv(NSSM, NAME, "ObjectName", user, "pa ss") == [
        NSSM, "set", NAME, "ObjectName", ".\\svcwuser", "pa ss"]
    with pytest.raises(ValueError, match="image_path_argv"):
        set_argv(NSSM, NAME, "ImagePath", p)


def test_install_remove_and_image_path_argvs() -> None:
    assert install_argv(NSSM, NAME, EXE) == [NSSM, "install", NAME, EXE]
    assert remove_argv(NSSM, NAME) == [NSSM, "remove", NAME, "confirm"]
    assert image_path_argv(NSSM, NAME, '"%s"' % NSSM) == [NSSM, "set", NAME, "ImagePath", '"%s"' % NSSM]


def test_effective_parameters_fill_in_nssm_defaults() -> None:
    p = effective_parameters({"Application": EXE, "AppDirectory": "", "AppExitIgnored": 1}, {"3": "exit"})
    for name, default in NSSM_DEFAULTS.items():
        assert p.values[name] == default
    assert p.values["AppDirectory"] == "C:\\svcw test\\[hello]"
    assert p.app_exit == {"Default": "Restart", "3": "Exit"}
    assert "AppExitIgnored" not in p.values


def test_installed_parameters_are_what_nssm_install_leaves() -> None:
    p = installed_parameters(NAME, EXE)
    assert (p.values["AppDirectory"], p.values["AppParameters"], p.values["DisplayName"],
            p.values["Start"], p.values["ObjectName"]) == (
        "C:\\svcw test\\[hello]", "", NAME, "SERVICE_AUTO_START", "LocalSystem")
    assert p.app_exit == {"Default": "Restart"}


@pytest.mark.parametrize("parameter,desired,shown,same", [
    ("Application", "C:\\A\\b.exe", "c:\\a\\B.EXE", True),
    ("AppParameters", "-x A", "-x a", False),
    ("ObjectName", "svcwuser", ".\\SVCWUSER", True),
    ("ObjectName", "NT AUTHORITY\\LocalService", "LocalService", True),
    ("DependOnService", ["RpcSs", "Tcpip"], ["tcpip", "rpcss"], True),
    ("AppEnvironmentExtra", ["A=1", "B=2"], ["B=2", "A=1"], False),
    # A value holding the two characters \0 comes back split by reg.exe.
    ("AppEnvironmentExtra", ["P=C:\\0data"], ["P=C:", "data"], True),
    ("AppThrottle", 1500, 1500, True),
    ("AppThrottle", 1500, None, False),
    ("AppParameters", '"\u00fcn\u00ef \u2713"', '"\ufffdn\ufffd \ufffd"', True),
    ("AppParameters", '"\u00fcn\u00ef \u2713"', '"\u00fcn\u00ef ?"', True),
    ("AppParameters", '"\u00fcn\u00ef \u2713"', '"un"', False),
])
def test_same_value(parameter: str, desired: Any, shown: Any, same: bool) -> None:
    assert same_value(parameter, desired, shown) is same


def test_text_that_the_host_could_not_print_is_reported_as_lossy() -> None:
    assert text_matches("caf\u00e9", "caf\ufffd") and not text_matches("caf\u00e9", "caf\ufffd", lossy=False)
    assert not text_matches("cafe", "caf?")
    desired = render(args=["\u00fcn\u00ef"], description="d\u00e9j\u00e0")
    shown = render(args=["\u00fcn\u00ef"], description="d\u00e9j\u00e0")
    shown.values["AppParameters"] = "\ufffdn\ufffd"
    assert lossy_parameters(desired, shown) == ["AppParameters"]


def test_text_for_diffs_and_reasons() -> None:
    p = render(env={"A": "1"}, restart={"policy": "on-failure"})
    text = p.text()
    assert "Application: %s\n" % EXE in text
    assert "AppEnvironmentExtra: A=1\n" in text
    assert "DependOnService: (none)\n" in text
    assert "AppExit Default: Restart\nAppExit 0: Exit\n" in text
    assert format_value("C:\\a b") == '"C:\\a b"' and format_value(["a", "b"]) == '["a", "b"]'
    assert format_value(3) == "3"
    assert list(p.as_dict())[:14][-1] == "AppExit"


def test_rotation_defaults_and_rotation_off() -> None:
    assert LogRotation() == LogRotation(files=False, online=True, bytes=10485760, seconds=0)
    v = render({"log_rotation": {"online": False, "bytes": 0}}, logs={"stdout": "C:\\l\\o.log"}).values
    assert (v["AppRotateFiles"], v["AppRotateOnline"], v["AppRotateBytes"]) == (0, 0, 0)
    v = render({"log_rotation": {"files": True, "seconds": 86400}}, logs={"stdout": "C:\\l\\o.log"}).values
    assert (v["AppRotateFiles"], v["AppRotateOnline"], v["AppRotateSeconds"]) == (1, 1, 86400)


def test_log_directories_once_each_and_never_a_drive_root() -> None:
    spec = spec_of(logs={"stdout": "C:\\Logs\\a\\out.log", "stderr": "c:\\logs\\A\\err.log"})
    assert log_directories(spec) == ["C:\\Logs\\a"]
    assert log_directories(spec_of(logs={"stdout": "C:\\out.log"})) == []
    assert log_directories(spec_of()) == []
