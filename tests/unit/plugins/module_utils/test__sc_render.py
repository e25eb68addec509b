# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import FailureAction
from ansible_collections.svcwright.services.plugins.module_utils._sc_render import (
    READS,
    Recovery,
    WinOptions,
    config_argv,
    create_argv,
    describe_actions,
    desired_config,
    failure_actions_value,
    failure_argv,
    failureflag_argv,
    read_argvs,
    recovery_from,
)
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._win_account import fingerprint_delete_argv, fingerprint_set_argv
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import (
    join_argv,
    split_cmdline,
    split_image_path,
)

EXE = "C:\\svcw test\\[hello]\\hello.exe"
NAME = "SvcwTest [abc]"


def spec(**kw):
    params = dict(name=NAME, command=EXE, args=["-service", "-name", NAME], restart={}, logs={})
    params.update(kw)
    return build_spec(params, backend="sc")


def config(opts=None, **kw):
    return desired_config(spec(**kw), opts or WinOptions())


# ---------------------------------------------------------------------------------------
# desired_config


def test_defaults_are_the_scm_defaults_made_explicit():
    cfg = config()
    assert cfg.image_path == '"C:\\svcw test\\[hello]\\hello.exe" -service -name "SvcwTest [abc]"'
    assert cfg.display_name == NAME
    assert cfg.description == ""
    assert cfg.start_mode == "auto"
    assert cfg.account == "LocalSystem"
    assert cfg.dependencies == ()


def test_program_path_is_quoted_even_without_spaces():
    assert config(command="C:\\hello\\hello.exe", args=[]).image_path == '"C:\\hello\\hello.exe"'


def test_args_reach_the_program_verbatim():
    args = ['a b', 'q"uote', 'trail\\', '', '100%', '%PATH', 'ünï']
    cfg = config(args=args)
    parsed = split_image_path(cfg.image_path)
    assert parsed.quoted and parsed.exe == EXE and parsed.args == args


@pytest.mark.parametrize("account,canonical", [
    (None, "LocalSystem"),
    ("localservice", "NT AUTHORITY\\LocalService"),
    ("NT SERVICE\\SvcwTest", "NT SERVICE\\SvcwTest"),
    ("svc-user", ".\\svc-user"),
    ("CORP\\gmsa$", "CORP\\gmsa$"),
])
def test_account_is_written_in_its_canonical_form(account, canonical):
    assert config(account=account).account == canonical


@pytest.mark.parametrize("kw,match", [
    (dict(env={"A": "b"}), "env is not supported by svcwright.services.win_service: the Service Control Manager.*"
                           "windows_manager: nssm"),
    (dict(working_dir="C:\\work"), "working_dir is not supported .*windows_manager: nssm"),
    (dict(logs={"stdout": "C:\\logs\\out.log"}), "logs is not supported .*windows_manager: nssm"),
    (dict(sockets=["8080"]), "sockets is not supported .* bind its address itself"),
    (dict(dependencies=["a/b"]), r"dependencies\[0\] 'a/b' is not a Windows service name"),
    (dict(dependencies=[" Tcpip"]), r"dependencies\[0\]"),
    (dict(command="C:\\a\"b.exe"), "contains a double quote"),
])
def test_what_the_scm_cannot_do_is_refused_with_the_way_out(kw, match):
    with pytest.raises(SpecError, match=match):
        config(**kw)


def test_windows_paths_are_required():
    with pytest.raises(SpecError, match="must be an absolute path"):
        spec(command="hello.exe")


def test_bad_update_password_is_refused():
    with pytest.raises(SpecError, match="update_password is 'sometimes'"):
        config(WinOptions(update_password="sometimes"))


# ---------------------------------------------------------------------------------------
# restart policy -> recovery


def test_default_restart_policy_is_five_restarts_then_nothing():
    rec = config().recovery
    assert rec.actions == (FailureAction("restart", 2000),) * 5 + (FailureAction("none", 0),)
    assert rec.reset_period_s == 60
    assert rec.non_crash_failures is True
    assert rec.command is None


def test_unlimited_restarts_are_one_action_the_scm_repeats():
    rec = config(restart={"policy": "always", "delay": 0.5, "max_restarts": 0, "window": 3600}).recovery
    assert rec.actions == (FailureAction("restart", 500),)
    assert rec.reset_period_s == 3600


def test_never_is_no_actions_and_no_non_crash_flag():
    rec = config(restart={"policy": "never"}).recovery
    assert rec.actions == () and rec.non_crash_failures is False


def test_explicit_failure_actions_override_the_policy():
    opts = WinOptions(failure_actions=[{"type": "restart", "delay": 10}, {"type": "run_command", "delay": 1.5},
                                       {"type": "reboot"}, {"type": "none"}],
                      failure_command="C:\\tools\\notify.exe --service x", failure_reset_period=86400,
                      failure_actions_on_non_crash_failures=False)
    rec = recovery_from(spec(restart={"policy": "never"}), opts)
    assert rec == Recovery(86400, (FailureAction("restart", 10000), FailureAction("run", 1500),
                                   FailureAction("reboot", 0), FailureAction("none", 0)),
                           "C:\\tools\\notify.exe --service x", False)


@pytest.mark.parametrize("opts,match", [
    (WinOptions(failure_actions=[{"type": "run_command"}]), "run_command action but failure_command is not set"),
    (WinOptions(failure_command="x.exe"), "failure_command is set but no failure action runs it"),
    (WinOptions(failure_actions=[{"type": "restart", "delay": -1}]), r"failure_actions\[0\].delay must be >= 0 seconds"),
    (WinOptions(failure_actions=[{"type": "explode"}]), r"failure_actions\[0\].type is 'explode'"),
    (WinOptions(failure_reset_period=-5), "failure_reset_period must be >= 0 seconds"),
    (WinOptions(failure_actions=[{"type": "run_command"}], failure_command="a\nb"), "line break"),
])
def test_bad_recovery_options_are_refused(opts, match):
    with pytest.raises(SpecError, match=match):
        recovery_from(spec(), opts)


# ---------------------------------------------------------------------------------------
# argv lists


def test_create_writes_every_property_as_option_value_pairs():
    cfg = config(display_name="Svcw Test", start_mode="delayed", account="svc", dependencies=["Tcpip", "+Grp"])
    argv = create_argv(cfg, password="p w")
    assert argv == ["sc.exe", "create", NAME, "binPath=", cfg.image_path, "type=", "own",
                    "start=", "delayed-auto", "DisplayName=", "Svcw Test", "obj=", ".\\svc",
                    "password=", "p w", "depend=", "Tcpip/+Grp"]


def test_create_command_line_keeps_the_quoted_path_inside_one_argument():
    argv = create_argv(config())
    line = join_argv(argv)
    assert line.startswith('sc.exe create "SvcwTest [abc]" binPath= "\\"C:\\svcw test\\[hello]\\hello.exe\\" ')
    assert split_cmdline(line) == argv
    assert "depend=" not in argv and "password=" not in argv


@pytest.mark.parametrize("mode,word", [("auto", "auto"), ("delayed", "delayed-auto"), ("manual", "demand"),
                                       ("disabled", "disabled")])
def test_start_mode_words(mode, word):
    argv = create_argv(config(start_mode=mode, state="stopped"))
    assert argv[argv.index("start=") + 1] == word


def test_config_writes_only_the_given_options_in_sc_order():
    cfg = config(display_name="New", dependencies=[])
    assert config_argv(cfg, ["DisplayName=", "depend="]) == [
        "sc.exe", "config", NAME, "depend=", "/", "DisplayName=", "New"]


def test_config_password_travels_with_the_account():
    cfg = config(account=".\\svc")
    assert config_argv(cfg, ["password="], password="s3cret") == [
        "sc.exe", "config", NAME, "obj=", ".\\svc", "password=", "s3cret"]
    with pytest.raises(ValueError):
        config_argv(cfg, ["password="])
    with pytest.raises(ValueError, match="unknown"):
        config_argv(cfg, ["type="])


def test_failure_argv_and_the_empty_action_word():
    rec = config(restart={"delay": 1, "max_restarts": 2, "window": 30}).recovery
    argv = failure_argv(NAME, rec)
    assert argv == ["sc.exe", "failure", NAME, "reset=", "30", "actions=", "restart/1000/restart/1000//0"]
    assert "command=" not in argv


def test_failure_argv_clears_actions_with_an_empty_value():
    argv = failure_argv(NAME, config(restart={"policy": "never"}).recovery)
    assert argv[-2:] == ["actions=", ""]
    assert join_argv(argv).endswith('actions= ""')


def test_failure_argv_with_command():
    rec = Recovery(0, (FailureAction("run", 0),), "C:\\a b\\n.exe -x", True)
    assert failure_argv("s", rec)[-2:] == ["command=", "C:\\a b\\n.exe -x"]
    assert failure_actions_value(rec.actions) == "run/0"


def test_failureflag_and_fingerprint_argvs():
    assert failureflag_argv(NAME, True) == ["sc.exe", "failureflag", NAME, "1"]
    assert failureflag_argv(NAME, False)[-1] == "0"
    assert fingerprint_set_argv(NAME, "salt:fp") == [
        "reg.exe", "add", "HKLM\\SOFTWARE\\svcwright\\services\\" + NAME, "/v", "PasswordFingerprint",
        "/t", "REG_SZ", "/d", "salt:fp", "/f"]
    assert fingerprint_delete_argv(NAME) == ["reg.exe", "delete", "HKLM\\SOFTWARE\\svcwright\\services\\" + NAME, "/f"]


def test_reads_come_in_the_documented_order():
    argvs = read_argvs(NAME)
    assert len(argvs) == len(READS)
    assert [a[1] for a in argvs] == ["queryex", "query", "qc", "qfailure", "qdescription", "query", "query"]
    assert argvs[5] == ["reg.exe", "query", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\" + NAME, "/s"]


def test_describe_actions_counts_runs():
    assert describe_actions(()) == "none"
    assert describe_actions((FailureAction("restart", 2000),) * 3 + (FailureAction("none", 0),)) == \
        "3 x restart after 2000 ms, none"
