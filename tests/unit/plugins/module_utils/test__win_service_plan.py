# -*- coding: utf-8 -*-
"""The win_service plan on what real Windows printed (the recorded fixtures) and on what
Wine 8 prints (recorded from the test host, inline below)."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import (
    FailureAction,
    ScServiceStatus,
    parse_sc_query_one,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_render import WinOptions, desired_config
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._win_account import stored_fingerprint
from ansible_collections.svcwright.services.plugins.module_utils._win_service_plan import (
    ObserveError,
    Observed,
    differences,
    expected_as_dict,
    lacks_command,
    observe,
    observed_as_dict,
    plan_changes,
    properties_text,
    write_argvs,
)

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


# Recorded from Wine 8.0's sc.exe and reg.exe on the test host (tests/harness/wine-host),
# after `sc create "SvcwTest [abc]" binPath= ... DisplayName= "Svcw Test"` and `sc description`.
WINE_QUERY_RUNNING = (
    "SERVICE_NAME: SvcwTest [abc]\r\n"
    "        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
    "        STATE              : 4  RUNNING\r\n"
    "        WIN32_EXIT_CODE    : 0  (0x0)\r\n"
    "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n"
    "        CHECKPOINT         : 0x0\r\n"
    "        WAIT_HINT          : 0x0\r\n")
WINE_QUERY_NEVER_STARTED = WINE_QUERY_RUNNING.replace("4  RUNNING", "1  STOPPED").replace(
    "WIN32_EXIT_CODE    : 0  (0x0)", "WIN32_EXIT_CODE    : 1077  (0x435)")
WINE_KEY = (
    "\r\n"
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SvcwTest [abc]\r\n"
    "    Description    REG_SZ    hello there\r\n"
    "    DisplayName    REG_SZ    Svcw Test\r\n"
    "    ErrorControl    REG_DWORD    0x1\r\n"
    "    ImagePath    REG_SZ    \"C:\\svcw test\\[hello]\\hello.exe\" -service -name \"SvcwTest [abc]\" "
    "-listen 127.0.0.1:18080\r\n"
    "    ObjectName    REG_SZ    LocalSystem\r\n"
    "    PreshutdownTimeout    REG_DWORD    0x2bf20\r\n"
    "    Start    REG_DWORD    0x3\r\n"
    "    Type    REG_DWORD    0x10\r\n"
    "\r\n")
WINE_NO_KEY = "reg: Unable to find the specified registry key\r\n"
WINDOWS_NO_KEY = "ERROR: The system was unable to find the specified registry key or value.\r\n"
WINE_LACKS = (1, "")  # Wine's sc.exe for queryex, qc, qfailure, qdescription: rc 1, silence

NAME = "SvcwTest [abc]"
EXE = "C:\\svcw test\\[hello]\\hello.exe"
WINE_ARGS = ["-service", "-name", NAME, "-listen", "127.0.0.1:18080"]


def status(text: str) -> ScServiceStatus:
    return parse_sc_query_one(text)


def wine_reads(registry: str = WINE_KEY, fingerprint: str = WINE_NO_KEY) -> Dict[str, Tuple[int, str]]:
    return dict(queryex=WINE_LACKS, query=(0, WINE_QUERY_RUNNING), qc=WINE_LACKS, qfailure=WINE_LACKS,
                qdescription=WINE_LACKS, registry=(0, registry), fingerprint=(1, fingerprint))


def desired(name=NAME, opts: Optional[WinOptions] = None, **kw):
    params = dict(name=name, command=EXE, args=WINE_ARGS, restart={}, logs={})
    params.update(kw)
    return desired_config(build_spec(params, backend="sc"), opts or WinOptions())


def actions(plan):
    return [(c.action, c.target) for c in plan.changes]


# ---------------------------------------------------------------------------------------
# Reading what Wine prints


def test_wine_service_is_read_from_the_registry():
    obs = observe(NAME, status(WINE_QUERY_RUNNING), wine_reads())
    assert obs.exists and obs.source == "registry" and not obs.can_config
    assert obs.lacks == ("queryex", "qc", "qfailure", "qdescription")
    assert obs.image_path == '"C:\\svcw test\\[hello]\\hello.exe" -service -name "SvcwTest [abc]" -listen 127.0.0.1:18080'
    assert (obs.display_name, obs.description, obs.start_mode, obs.account) == (
        "Svcw Test", "hello there", "manual", "LocalSystem")
    assert obs.recovery is None and obs.fingerprint is None


def test_wine_missing_service():
    obs = observe(NAME, None, wine_reads(registry=WINE_NO_KEY))
    assert not obs.exists and obs.lacks == ("queryex", "qc", "qfailure", "qdescription")


def test_wine_service_without_display_name_shows_its_name():
    key = WINE_KEY.replace("    DisplayName    REG_SZ    Svcw Test\r\n", "")
    assert observe(NAME, status(WINE_QUERY_RUNNING), wine_reads(key)).display_name == NAME


def test_usage_text_means_the_command_is_missing():
    assert lacks_command(1639, fixture("sc-actions/create-usage-invalid-option.txt"))
    assert lacks_command(1, "")
    assert not lacks_command(5, fixture("sc-actions/openservice-5-access-denied-qc.txt"))
    assert not lacks_command(0, "")


def test_a_failing_qc_is_an_error_not_a_fallback():
    reads = real_reads()
    reads["qc"] = (5, fixture("sc-actions/openservice-5-access-denied-qc.txt"))
    with pytest.raises(ObserveError, match="sc qc failed: .*5"):
        observe("VulnService", status(fixture("sc-query/vulnservice-query-running.txt")), reads)


def test_a_service_without_registry_key_is_an_error():
    with pytest.raises(ObserveError, match="registry key .* cannot be read"):
        observe(NAME, status(WINE_QUERY_RUNNING), wine_reads(registry=WINE_NO_KEY))


# ---------------------------------------------------------------------------------------
# Reading what real Windows prints (recorded samples)

VULN_KEY = (
    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VulnService\r\n"
    "    Type    REG_DWORD    0x10\r\n"
    "    Start    REG_DWORD    0x3\r\n"
    "    ErrorControl    REG_DWORD    0x1\r\n"
    "    ImagePath    REG_EXPAND_SZ    C:\\Users\\user\\Desktop\\VulnService\\VulnService\\bin\\Debug\\VulnService.exe\r\n"
    "    DisplayName    REG_SZ    VulnService\r\n"
    "    ObjectName    REG_SZ    LocalSystem\r\n\r\n")
VULN_EXE = "C:\\Users\\user\\Desktop\\VulnService\\VulnService\\bin\\Debug\\VulnService.exe"
# `sc qdescription` as Microsoft documents it (no real sample was found).
VULN_DESCRIPTION = "[SC] QueryServiceConfig2 SUCCESS\r\n\r\nSERVICE_NAME: VulnService\r\nDESCRIPTION:  Demo\r\n"


def real_reads(qc: str = "sc-qc/vulnservice-demand-localsystem.txt",
               qfailure: str = "sc-qfailure/mslearn-qfailure-defaults-no-actions.txt",
               registry: str = VULN_KEY, fingerprint: str = WINDOWS_NO_KEY) -> Dict[str, Tuple[int, str]]:
    return dict(queryex=(0, fixture("sc-query/vulnservice-query-running.txt")),
                query=(0, fixture("sc-query/vulnservice-query-running.txt")),
                qc=(0, fixture(qc)), qfailure=(0, fixture(qfailure)), qdescription=(0, VULN_DESCRIPTION),
                registry=(0, registry), fingerprint=(1, fingerprint))


def vuln_observed(**kw) -> Observed:
    return observe("VulnService", status(fixture("sc-query/vulnservice-query-running.txt")), real_reads(**kw))


def vuln_desired(opts: Optional[WinOptions] = None, **kw):
    params = dict(name="VulnService", command=VULN_EXE, args=[], start_mode="manual", description="Demo",
                  restart={"policy": "never"}, logs={})
    params.update(kw)
    return desired_config(build_spec(params, backend="sc"), opts or WinOptions())


def test_real_windows_service_is_read_from_sc():
    obs = vuln_observed()
    assert obs.source == "sc" and obs.can_config and obs.lacks == ()
    assert (obs.image_path, obs.display_name, obs.start_mode, obs.account, obs.description) == (
        VULN_EXE, "VulnService", "manual", "LocalSystem", "Demo")
    assert obs.recovery is not None and obs.recovery.actions == ()


def test_a_host_that_matches_the_spec_plans_nothing():
    """Idempotence: the unquoted path without spaces is the same program; case is ignored."""
    assert vuln_desired().image_path == '"%s"' % VULN_EXE
    plan = plan_changes(vuln_desired(command=VULN_EXE.upper()), "started", vuln_observed())
    assert plan.changes == [] and plan.warnings == []
    assert differences(vuln_desired(), vuln_observed()) == []


def test_only_what_differs_is_configured_and_the_command_line_restarts():
    want = vuln_desired(args=["-v"], display_name="Vuln", start_mode="auto", dependencies=["Tcpip"])
    plan = plan_changes(want, "started", vuln_observed())
    assert actions(plan) == [("config", "binPath="), ("config", "start="), ("config", "depend="),
                             ("config", "DisplayName="), ("restart", "VulnService")]
    assert plan.changes[-1].reason == "command line differs"
    assert write_argvs(plan, want, "VulnService") == [[
        "sc.exe", "config", "VulnService", "binPath=", '"%s" -v' % VULN_EXE, "start=", "auto",
        "depend=", "Tcpip", "DisplayName=", "Vuln"]]


def test_display_name_or_description_alone_does_not_restart():
    plan = plan_changes(vuln_desired(description="Other", display_name="V"), "started", vuln_observed())
    assert actions(plan) == [("config", "DisplayName="), ("description", "VulnService")]


def test_unquoted_path_with_spaces_is_warned_about_and_quoted():
    key = "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\IVPN Client\r\n    Start    REG_DWORD    0x2\r\n"
    reads = real_reads(qc="sc-qc/service-name-with-space-unquoted-path.txt", registry=key)
    reads["qdescription"] = (0, VULN_DESCRIPTION.replace("VulnService", "IVPN Client"))
    obs = observe("IVPN Client", status(fixture("sc-query/vulnservice-query-running.txt")), reads)
    want = desired_config(build_spec(dict(name="IVPN Client", command="C:\\Program Files\\IVPN Client\\IVPN Service.exe",
                                          description="Demo", restart={"policy": "never"}, logs={}), backend="sc"),
                          WinOptions())
    plan = plan_changes(want, "started", obs)
    assert actions(plan) == [("config", "binPath="), ("restart", "IVPN Client")]
    assert plan.changes[0].reason == "the program path is unquoted and contains spaces"
    assert "unquoted program path with spaces" in plan.warnings[0] and "This run quotes it" in plan.warnings[0]


def test_dependencies_compare_without_order_or_case():
    key = VULN_KEY.replace("VulnService", "Apache2.4")
    reads = real_reads(qc="sc-qc/multiline-dependencies-trailing-spaces-b.txt", registry=key)
    reads["qdescription"] = (0, VULN_DESCRIPTION.replace("VulnService", "Apache2.4"))
    obs = observe("Apache2.4", status(fixture("sc-query/vulnservice-query-running.txt")), reads)
    assert obs.dependencies == ("Tcpip", "Afd")
    want = desired_config(build_spec(dict(name="Apache2.4", command="C:\\XAMPP\\apache\\bin\\httpd.exe",
                                          args=["-k", "runservice"], dependencies=["afd", "TCPIP"],
                                          description="Demo", restart={"policy": "never"}, logs={}),
                                     backend="sc"), WinOptions())
    assert plan_changes(want, "started", obs).changes == []
    want_less = dataclasses.replace(want, dependencies=())
    plan = plan_changes(want_less, "started", obs)
    assert actions(plan) == [("config", "depend=")]
    assert write_argvs(plan, want_less, "Apache2.4") == [["sc.exe", "config", "Apache2.4", "depend=", "/"]]


def test_delayed_start_is_read_from_qc():
    key = VULN_KEY.replace("VulnService", "sense")
    reads = real_reads(qc="sc-qc/delayed-auto-start-quoted-path.txt", registry=key)
    reads["qdescription"] = (0, VULN_DESCRIPTION.replace("VulnService", "sense"))
    obs = observe("sense", status(fixture("sc-query/vulnservice-query-running.txt")), reads)
    assert obs.start_mode == "delayed"
    params = dict(name="sense", command="C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe",
                  display_name="Windows Defender Advanced Threat Protection Service", description="Demo",
                  restart={"policy": "never"}, logs={})
    delayed = desired_config(build_spec(dict(params, start_mode="delayed"), backend="sc"), WinOptions())
    assert plan_changes(delayed, "started", obs).changes == []
    auto = desired_config(build_spec(params, backend="sc"), WinOptions())
    plan = plan_changes(auto, "started", obs)
    assert [c.describe() for c in plan.changes] == ["config start= (start mode is delayed, want auto)"]


# ---------------------------------------------------------------------------------------
# Recovery


def test_recovery_matching_qfailure_plans_nothing():
    opts = WinOptions(failure_actions=[{"type": "restart", "delay": 0}, {"type": "restart", "delay": 3}],
                      failure_reset_period=10, failure_actions_on_non_crash_failures=False)
    obs = vuln_observed(qfailure="sc-qfailure/restart-0ms-restart-3000ms-reset10.txt")
    assert obs.recovery.actions == (FailureAction("restart", 0), FailureAction("restart", 3000))
    assert plan_changes(vuln_desired(opts), "started", obs).changes == []


def test_recovery_differences_write_failure_and_failureflag():
    obs = vuln_observed(qfailure="sc-qfailure/restart-0ms-restart-3000ms-reset10.txt")
    want = vuln_desired(restart={"policy": "on-failure", "delay": 1, "max_restarts": 2, "window": 10})
    plan = plan_changes(want, "started", obs)
    assert [c.describe() for c in plan.changes] == [
        "failure VulnService (actions are restart after 0 ms, restart after 3000 ms, "
        "want 2 x restart after 1000 ms, none)",
        "failureflag VulnService (actions on non-crash failures: off, want on)"]
    assert write_argvs(plan, want, "VulnService") == [
        ["sc.exe", "failure", "VulnService", "reset=", "10", "actions=", "restart/1000/restart/1000//0"],
        ["sc.exe", "failureflag", "VulnService", "1"]]


def test_only_the_reset_period_differs():
    opts = WinOptions(failure_actions=[{"type": "restart", "delay": 0}, {"type": "restart", "delay": 3}],
                      failure_reset_period=20, failure_actions_on_non_crash_failures=False)
    obs = vuln_observed(qfailure="sc-qfailure/restart-0ms-restart-3000ms-reset10.txt")
    plan = plan_changes(vuln_desired(opts), "started", obs)
    assert [c.reason for c in plan.changes] == ["reset period is 10 s, want 20 s"]


def test_run_command_actions_compare_the_command():
    obs = vuln_observed(qfailure="sc-qfailure/mslearn-qfailure-restart-restart-run.txt")
    opts = WinOptions(failure_actions=[{"type": "restart", "delay": 60}, {"type": "restart", "delay": 60},
                                       {"type": "run_command", "delay": 1}],
                      failure_command="C:\\notify.exe", failure_reset_period=0,
                      failure_actions_on_non_crash_failures=False)
    plan = plan_changes(vuln_desired(opts), "started", obs)
    assert [c.reason for c in plan.changes] == ["failure command differs"]


def test_no_actions_wanted_clears_them_whatever_the_reset_period():
    obs = vuln_observed(qfailure="sc-qfailure/restart-x3-reset43200-IN-PS-COMMENT-indent4.txt")
    want = vuln_desired()
    plan = plan_changes(want, "started", obs)
    assert actions(plan) == [("failure", "VulnService")]
    assert write_argvs(plan, want, "VulnService") == [
        ["sc.exe", "failure", "VulnService", "reset=", "60", "actions=", ""]]
    assert plan_changes(want, "started", vuln_observed()).changes == []


def test_non_crash_flag_is_read_from_the_registry():
    key = VULN_KEY.replace("    ObjectName", "    FailureActionsOnNonCrashFailures    REG_DWORD    0x1\r\n    ObjectName")
    obs = vuln_observed(qfailure="sc-qfailure/restart-0ms-restart-3000ms-reset10.txt", registry=key)
    assert obs.recovery.non_crash_failures is True
    opts = WinOptions(failure_actions=[{"type": "restart", "delay": 0}, {"type": "restart", "delay": 3}],
                      failure_reset_period=10)
    # The flag's default follows restart.policy: on for on-failure, as on the host.
    assert plan_changes(vuln_desired(opts, restart={"policy": "on-failure"}), "started", obs).changes == []


def test_registry_failure_actions_win_over_qfailure_text():
    """The SCM's stored value (DeviceInstall's: restart 60 s, restart 120 s, none; reset 3600 s)
    is read exactly, whether or not sc qfailure prints the NONE action."""
    fa = next(line for line in fixture("reg-query/service-key-many-values-TRUNCATED.txt").splitlines()
              if line.strip().startswith("FailureActions "))
    key = VULN_KEY.replace("    ObjectName", fa + "\r\n    ObjectName")
    obs = vuln_observed(qfailure="sc-qfailure/restart-0ms-restart-3000ms-reset10.txt", registry=key)
    assert obs.recovery.actions == (FailureAction("restart", 60000), FailureAction("restart", 120000),
                                    FailureAction("none", 0))
    assert obs.recovery.reset_period_s == 3600
    want = vuln_desired(restart={"policy": "on-failure", "delay": 60, "max_restarts": 1, "window": 3600})
    assert [c.reason for c in plan_changes(want, "started", obs).changes][0] == (
        "actions are restart after 60000 ms, restart after 120000 ms, none, want restart after 60000 ms, none")


def test_recovery_from_the_registry_when_the_host_has_no_qfailure():
    """The FailureActions value of a real service (hns) decoded, on a host without qfailure."""
    text = fixture("reg-query/service-key-dependonservice-3-items-failureactions.txt")
    reads = dict(queryex=WINE_LACKS, query=(0, ""), qc=WINE_LACKS, qfailure=WINE_LACKS, qdescription=WINE_LACKS,
                 registry=(0, text), fingerprint=(1, WINE_NO_KEY))
    obs = observe("hns", status(WINE_QUERY_RUNNING), reads)
    assert obs.recovery.actions == (FailureAction("restart", 120000), FailureAction("restart", 240000),
                                    FailureAction("none", 0))
    assert obs.recovery.reset_period_s == 86400
    assert obs.dependencies == ("RpcSs", "nsi", "vfpext")
    assert obs.start_mode == "manual"


def test_recovery_the_host_cannot_report_is_left_alone_with_a_warning():
    obs = observe(NAME, status(WINE_QUERY_RUNNING), wine_reads())
    want = desired(description="hello there", display_name="Svcw Test", start_mode="manual")
    plan = plan_changes(want, "started", obs)
    assert plan.changes == []
    assert len(plan.warnings) == 1
    assert "recovery settings (5 x restart after 2000 ms, none) were not applied" in plan.warnings[0]
    never = desired(description="hello there", display_name="Svcw Test", start_mode="manual",
                    restart={"policy": "never"})
    assert plan_changes(never, "started", obs).warnings == []
    assert expected_as_dict(want, obs, plan)["failure_actions"] is None


# ---------------------------------------------------------------------------------------
# Creating, and Wine's missing sc config


def test_first_run_creates_describes_sets_recovery_and_starts():
    obs = observe("VulnService", None, dict(real_reads(), registry=(1, WINDOWS_NO_KEY)))
    assert not obs.exists and obs.can_config
    want = vuln_desired(restart={"policy": "on-failure"})
    plan = plan_changes(want, "started", obs)
    assert actions(plan) == [("create", "VulnService"), ("description", "VulnService"),
                             ("failure", "VulnService"), ("failureflag", "VulnService"), ("start", "VulnService")]
    argvs = write_argvs(plan, want, "VulnService")
    assert [a[1] for a in argvs] == ["create", "description", "failure", "failureflag"]
    assert argvs[0] == ["sc.exe", "create", "VulnService", "binPath=", '"%s"' % VULN_EXE, "type=", "own",
                        "start=", "demand", "DisplayName=", "VulnService", "obj=", "LocalSystem"]


def test_first_run_on_wine_does_not_touch_recovery():
    obs = observe(NAME, None, wine_reads(registry=WINE_NO_KEY))
    plan = plan_changes(desired(), "stopped", obs)
    assert actions(plan) == [("create", NAME)]
    assert "were not applied" in plan.warnings[0]


def test_wine_changes_recreate_the_service():
    obs = observe(NAME, status(WINE_QUERY_RUNNING), wine_reads())
    want = desired(args=WINE_ARGS + ["-shutdown-timeout", "3s"], display_name="Two", description="hello there",
                   restart={"policy": "never"})
    plan = plan_changes(want, "started", obs)
    assert [c.describe() for c in plan.changes] == [
        "stop SvcwTest [abc] (it is recreated)",
        "delete SvcwTest [abc] (recreate: this host's sc.exe has no config command, and binPath= command line "
        "differs; start= start mode is manual, want auto; DisplayName= display name differs)",
        "create SvcwTest [abc] (recreate with the new configuration)",
        "description SvcwTest [abc] (set the description)",
        "start SvcwTest [abc] (the service was recreated)"]
    # The description alone needs no recreation: sc description works on Wine.
    same = desired(display_name="Svcw Test", description="new", start_mode="manual", restart={"policy": "never"})
    assert actions(plan_changes(same, "started", obs)) == [("description", NAME)]


def test_stopped_wine_service_recreated_stays_stopped():
    obs = observe(NAME, status(WINE_QUERY_NEVER_STARTED), wine_reads())
    plan = plan_changes(desired(display_name="Two", restart={"policy": "never"}, state="stopped"), "stopped", obs)
    assert actions(plan) == [("delete", NAME), ("create", NAME)]


# ---------------------------------------------------------------------------------------
# Runtime state


@pytest.mark.parametrize("state,query,expected", [
    ("started", WINE_QUERY_RUNNING, []),
    ("started", WINE_QUERY_NEVER_STARTED, [("start", "the service is stopped")]),
    ("stopped", WINE_QUERY_RUNNING, [("stop", "state is stopped")]),
    ("stopped", WINE_QUERY_NEVER_STARTED, []),
    ("restarted", WINE_QUERY_RUNNING, [("restart", "state is restarted")]),
    ("restarted", WINE_QUERY_NEVER_STARTED, [("start", "state is restarted and the service is stopped")]),
    ("started", WINE_QUERY_RUNNING.replace("4  RUNNING", "2  START_PENDING"),
     [("start", "the service is start_pending")]),
    ("stopped", WINE_QUERY_RUNNING.replace("4  RUNNING", "3  STOP_PENDING"), [("stop", "state is stopped")]),
])
def test_runtime_changes(state, query, expected):
    obs = observe(NAME, status(query), wine_reads())
    want = desired(display_name="Svcw Test", description="hello there", start_mode="manual",
                   restart={"policy": "never"}, state="stopped" if state == "stopped" else "started")
    assert [(c.action, c.reason) for c in plan_changes(want, state, obs).changes] == expected


def test_absent_stops_deletes_and_forgets_the_fingerprint():
    reads = wine_reads(fingerprint="\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\svcwright\\services\\SvcwTest [abc]\r\n"
                                   "    PasswordFingerprint    REG_SZ    ab:cd\r\n")
    reads["fingerprint"] = (0, reads["fingerprint"][1])
    obs = observe(NAME, status(WINE_QUERY_RUNNING), reads)
    assert obs.fingerprint == "ab:cd"
    plan = plan_changes(None, "absent", obs)
    assert actions(plan) == [("stop", NAME), ("delete", NAME), ("delete_fingerprint", NAME)]
    assert write_argvs(plan, None, NAME) == [["reg.exe", "delete", "HKLM\\SOFTWARE\\svcwright\\services\\" + NAME, "/f"]]


def test_absent_when_gone_plans_nothing():
    assert plan_changes(None, "absent", observe(NAME, None, wine_reads(registry=WINE_NO_KEY))).changes == []


# ---------------------------------------------------------------------------------------
# Accounts and passwords


def user_observed(fingerprint: Optional[str] = None) -> Observed:
    key = VULN_KEY.replace("ObjectName    REG_SZ    LocalSystem", "ObjectName    REG_SZ    .\\enox")
    reads = real_reads(registry=key)
    qc = reads["qc"][1].replace("SERVICE_START_NAME : LocalSystem", "SERVICE_START_NAME : .\\enox")
    reads["qc"] = (0, qc)
    if fingerprint is not None:
        reads["fingerprint"] = (0, "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\svcwright\\services\\VulnService\r\n"
                                   "    PasswordFingerprint    REG_SZ    %s\r\n" % fingerprint)
    return observe("VulnService", status(fixture("sc-query/vulnservice-query-running.txt")), reads)


def test_the_registry_sample_of_a_user_account_reads_as_that_user():
    keys = fixture("reg-query/single-value-objectname.txt")
    assert "ObjectName    REG_SZ    .\\enox" in keys
    assert user_observed().account == ".\\enox"


def test_same_password_is_not_written_again():
    obs = user_observed(stored_fingerprint("s3cret"))
    assert plan_changes(vuln_desired(account="enox"), "started", obs, "s3cret").changes == []


def test_changed_password_is_written_with_its_fingerprint_and_restarts():
    obs = user_observed(stored_fingerprint("old"))
    want = vuln_desired(account="enox")
    plan = plan_changes(want, "started", obs, "s3cret")
    assert [c.describe() for c in plan.changes] == [
        "config password= (the password differs from the one last set)",
        "restart VulnService (the password differs from the one last set)"]
    argvs = write_argvs(plan, want, "VulnService", "s3cret", "salt:fp")
    assert argvs == [["sc.exe", "config", "VulnService", "obj=", ".\\enox", "password=", "s3cret"],
                     ["reg.exe", "add", "HKLM\\SOFTWARE\\svcwright\\services\\VulnService", "/v",
                      "PasswordFingerprint", "/t", "REG_SZ", "/d", "salt:fp", "/f"]]
    assert all("s3cret" not in c.describe() for c in plan.changes)


def test_password_without_a_fingerprint_is_written_once():
    plan = plan_changes(vuln_desired(account="enox"), "started", user_observed(), "s3cret")
    assert plan.changes[0].reason == "no fingerprint of the current password is on record"


@pytest.mark.parametrize("mode,expected", [("always", ["config", "restart"]), ("on_create", [])])
def test_update_password_modes(mode, expected):
    obs = user_observed(stored_fingerprint("old"))
    plan = plan_changes(vuln_desired(account="enox"), "started", obs, "s3cret", mode)
    assert [c.action for c in plan.changes] == expected


def test_new_account_carries_its_password():
    want = vuln_desired(account="CORP\\svc")
    plan = plan_changes(want, "started", vuln_observed(), "pw")
    assert actions(plan) == [("config", "obj="), ("config", "password="), ("restart", "VulnService")]
    assert write_argvs(plan, want, "VulnService", "pw", "s:f")[0] == [
        "sc.exe", "config", "VulnService", "obj=", "CORP\\svc", "password=", "pw"]


def test_gmsa_and_virtual_accounts_need_no_password():
    for account in ("CORP\\web$", "NT SERVICE\\VulnService", "NetworkService"):
        plan = plan_changes(vuln_desired(account=account), "started", vuln_observed())
        assert actions(plan) == [("config", "obj="), ("restart", "VulnService")]
        assert write_argvs(plan, vuln_desired(account=account), "VulnService")[0][-2:] == ["obj=", plan_account(account)]


def plan_account(account: str) -> str:
    return desired_config(build_spec(dict(name="x", command=VULN_EXE, account=account, restart={}, logs={}),
                                     backend="sc"), WinOptions()).account


@pytest.mark.parametrize("account,password,obs,match", [
    ("LocalSystem", "pw", "vuln", "password is set but account LocalSystem is a system account"),
    ("CORP\\web$", "pw", "vuln", "is a gmsa account"),
    ("CORP\\svc", None, "vuln", "account CORP\\\\svc is a user account and needs its password, and none is given"),
    ("CORP\\svc", None, "none", "needs its password"),
])
def test_account_and_password_mismatches_are_refused(account, password, obs, match):
    observed = vuln_observed() if obs == "vuln" else observe("VulnService", None, dict(real_reads(), registry=(1, WINDOWS_NO_KEY)))
    with pytest.raises(SpecError, match=match):
        plan_changes(vuln_desired(account=account), "started", observed, password)


def test_existing_user_account_keeps_its_password_when_none_is_given():
    assert plan_changes(vuln_desired(account="enox"), "started", user_observed()).changes == []


def test_recreating_on_wine_needs_the_password():
    key = WINE_KEY.replace("ObjectName    REG_SZ    LocalSystem", "ObjectName    REG_SZ    .\\svc")
    obs = observe(NAME, status(WINE_QUERY_RUNNING), wine_reads(registry=key))
    with pytest.raises(SpecError, match="recreated .* needs the password"):
        plan_changes(desired(account="svc"), "started", obs)


# ---------------------------------------------------------------------------------------
# Diff text


def test_diff_text_is_one_readable_line_per_property():
    obs = vuln_observed(qfailure="sc-qfailure/restart-0ms-restart-3000ms-reset10.txt")
    text = properties_text(observed_as_dict(obs))
    assert text.splitlines() == [
        "binary_path: " + VULN_EXE,
        "display_name: VulnService",
        "description: Demo",
        "start_mode: manual",
        "account: LocalSystem",
        "dependencies: (none)",
        "failure_actions: restart after 0 ms, restart after 3000 ms",
        "failure_reset_period: 10",
        "failure_command: ",
        "failure_actions_on_non_crash_failures: False",
    ]
    assert properties_text(observed_as_dict(observe(NAME, None, wine_reads(registry=WINE_NO_KEY)))) == ""
