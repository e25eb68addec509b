# -*- coding: utf-8 -*-
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import (
    FailureAction,
    ScFailedError,
    find_sc_failure,
    is_sc_usage,
    parse_sc_qc,
    parse_sc_qdescription,
    parse_sc_qfailure,
    parse_sc_query,
    parse_sc_query_one,
    parse_sc_results,
    start_mode_from,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_text import (
    WinOutputParseError,
)

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def listing(directory: str) -> set:
    return set(os.listdir(str(FIXTURES / directory)))


# ---------------------------------------------------------------------------------------
# sc query / queryex / start / stop

OWN, SHARE, INTERACTIVE_OWN, KERNEL = 0x10, 0x20, 0x110, 0x1
STOPPABLE_ACCEPTS = ("STOPPABLE", "NOT_PAUSABLE", "ACCEPTS_SHUTDOWN")
PENDING_CONTROLS = ("NOT_STOPPABLE", "NOT_PAUSABLE", "IGNORES_SHUTDOWN")

# name, type, state, controls, win32 exit, checkpoint, wait hint (ms), pid, flags
Q = Tuple[str, int, int, Tuple[str, ...], int, int, int, Optional[int], Optional[tuple]]
EXPECTED_QUERY: Dict[str, Q] = {
    "console-wrap-running-pausable.txt": (
        "spoofer-scheduler", OWN, 4, ("STOPPABLE", "PAUSABLE", "IGNORES_SHUTDOWN"), 0, 0, 0,
        None, None),
    "console-wrap-stop-pending.txt": (
        "spoofer-scheduler", OWN, 3, ("STOPPABLE", "PAUSABLE", "IGNORES_SHUTDOWN"), 0, 2, 0,
        None, None),
    "console-wrap-stopped.txt": ("spoofer-scheduler", OWN, 1, (), 0, 0, 0, None, None),
    "evilwinrm-dns-start-pending-pid.txt": ("dns", OWN, 2, PENDING_CONTROLS, 0, 0, 2000, 2780,
                                            ()),
    "evilwinrm-dns-stop-pending-checkpoint.txt": (
        "dns", OWN, 3, ("STOPPABLE", "PAUSABLE", "ACCEPTS_SHUTDOWN"), 0, 1, 30000, None, None),
    "goodbyedpi-start-running-pid-flags.txt": ("GoodbyeDPI", OWN, 4, STOPPABLE_ACCEPTS, 0, 0, 0,
                                               2148, ()),
    "kernel-driver-stopped.txt": ("Capcom", KERNEL, 1, (), 0, 0, 0, None, None),
    "ko-KR-queryex-localized-labels-WHITESPACE-COLLAPSED.txt": (
        "WLS_10.3.6_Admin", OWN, 4, STOPPABLE_ACCEPTS, 0, 0, 0, 2448, ()),
    "mslearn-start-pending-4space-indent-ALTERED.txt": (
        ".NET Joke Service", OWN, 2, PENDING_CONTROLS, 0, 0, 2000, 37636, ()),
    "mslearn-stop-pending-4space-indent-ALTERED.txt": (
        ".NET Joke Service", OWN, 3, STOPPABLE_ACCEPTS, 0, 0, 0, None, None),
    "mslearn-stopped-negative-exit-code-MARKDOWN-ALTERED.txt": (
        "orunbook", OWN, 1, (), 0x80004005, 0, 0, None, None),
    "query-windefend-trailing-spaces.txt": ("windefend", SHARE, 4, STOPPABLE_ACCEPTS, 0, 0, 0,
                                            None, None),
    "queryex-type-service-list-first-record-b.txt": (
        "AppHostSvc", SHARE, 4, ("STOPPABLE", "PAUSABLE", "ACCEPTS_SHUTDOWN"), 0, 0, 0, 1316,
        ()),
    "queryex-type-service-list-first-record.txt": ("Dhcp", SHARE, 4, STOPPABLE_ACCEPTS, 0, 0, 0,
                                                   764, ()),
    "ru-RU-start-running-localized-labels.txt": ("GoodbyeDPI", OWN, 4, STOPPABLE_ACCEPTS, 0, 0,
                                                 0, 13688, ()),
    "start-immediately-running-pid.txt": ("THMService", OWN, 4, STOPPABLE_ACCEPTS, 0, 0, 0,
                                          3884, ()),
    "start-with-args-start-pending-pid.txt": ("userlogger", OWN, 2, PENDING_CONTROLS, 0, 0, 2000,
                                              2052, ()),
    "stop-pending-not-stoppable-checkpoint4.txt": ("userlogger", OWN, 3, PENDING_CONTROLS, 0, 4,
                                                   0, None, None),
    "stopped-exit-1077-trailing-spaces.txt": ("seclogon", SHARE, 1, (), 1077, 0, 0, None, None),
    "trailing-spaces-interactive-start-pending-pid.txt": (
        "AdvancedSystemCareService9", INTERACTIVE_OWN, 2, PENDING_CONTROLS, 0, 0, 2000, 2876,
        ()),
    "trailing-spaces-interactive-stop-pending.txt": (
        "WiseBootAssistant", INTERACTIVE_OWN, 3, STOPPABLE_ACCEPTS, 0, 3, 5000, None, None),
    "trailing-spaces-interactive-stopped.txt": ("WiseBootAssistant", INTERACTIVE_OWN, 1, (), 0,
                                                0, 0, None, None),
    "trailing-spaces-share-process-stop-pending.txt": (
        "SystemExplorerHelpService", SHARE, 3, STOPPABLE_ACCEPTS, 0, 0, 5000, None, None),
    "vulnservice-query-running.txt": ("VulnService", OWN, 4, STOPPABLE_ACCEPTS, 0, 0, 0, None,
                                      None),
    "vulnservice-query-stopped.txt": ("VulnService", OWN, 1, (), 0, 0, 0, None, None),
    "vulnservice-start-start-pending-pid.txt": ("VulnService", OWN, 2, PENDING_CONTROLS, 0, 0,
                                                2000, 4892, ()),
    "vulnservice-stop-stop-pending.txt": ("VulnService", OWN, 3, STOPPABLE_ACCEPTS, 0, 0, 0,
                                          None, None),
    "zh-CN-start-pending-pid-flags.txt": ("PcapDNSProxyService", OWN, 2, PENDING_CONTROLS, 0, 0,
                                          2000, 6308, ()),
}
STATE_NAMES = {1: "STOPPED", 2: "START_PENDING", 3: "STOP_PENDING", 4: "RUNNING"}


def test_every_sc_query_fixture_has_expectations() -> None:
    assert set(EXPECTED_QUERY) == listing("sc-query")


@pytest.mark.parametrize("name", sorted(EXPECTED_QUERY))
def test_sc_query_fixture(name: str) -> None:
    svc, stype, state, controls, exit_code, checkpoint, wait_hint, pid, flags = (
        EXPECTED_QUERY[name])
    records = parse_sc_query(fixture("sc-query/" + name))
    assert len(records) == 1
    r = records[0]
    assert (r.service_name, r.service_type, r.state, r.state_name) == (
        svc, stype, state, STATE_NAMES[state])
    assert r.controls == controls
    assert (r.win32_exit_code, r.service_exit_code, r.checkpoint, r.wait_hint_ms) == (
        exit_code, 0, checkpoint, wait_hint)
    assert (r.pid, r.flags) == (pid, flags)
    assert r.running is (state == 4) and r.stopped is (state == 1)
    assert r.pending is (state in (2, 3))
    assert r.stoppable is (None if not controls else controls[0] == "STOPPABLE")
    assert parse_sc_query_one(fixture("sc-query/" + name), svc.upper()) == r


def test_sc_query_display_name_and_type_text() -> None:
    record = parse_sc_query(fixture("sc-query/queryex-type-service-list-first-record.txt"))[0]
    assert record.display_name == "DHCP Client"
    assert record.type_text == "WIN32_SHARE_PROCESS"
    interactive = parse_sc_query(
        fixture("sc-query/trailing-spaces-interactive-stopped.txt"))[0]
    assert interactive.type_text == "WIN32_OWN_PROCESS (interactive)"


# Wine 8's sc.exe, as documented in the shared Wine notes: CRLF, no leading empty line, no
# controls line.
WINE_RUNNING = (
    "SERVICE_NAME: GoTestSvc\r\n"
    "        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
    "        STATE              : 4  RUNNING\r\n"
    "        WIN32_EXIT_CODE    : 0  (0x0)\r\n"
    "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n"
    "        CHECKPOINT         : 0x0\r\n"
    "        WAIT_HINT          : 0x0\r\n"
)
WINE_NEVER_STARTED = (
    "SERVICE_NAME: Tst Svc\r\n"
    "        TYPE               : 10  WIN32_OWN_PROCESS\r\n"
    "        STATE              : 1  STOPPED\r\n"
    "        WIN32_EXIT_CODE    : 1077  (0x435)\r\n"
    "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n"
    "        CHECKPOINT         : 0x0\r\n"
    "        WAIT_HINT          : 0x0\r\n"
    "\r\n"
)


def test_sc_query_wine8_running() -> None:
    r = parse_sc_query_one(WINE_RUNNING, "GoTestSvc")
    assert (r.service_type, r.state, r.controls, r.stoppable, r.pid, r.flags) == (
        0x10, 4, (), None, None, None)


def test_sc_query_wine8_never_started() -> None:
    r = parse_sc_query_one(WINE_NEVER_STARTED)
    assert (r.service_name, r.state, r.win32_exit_code) == ("Tst Svc", 1, 1077)


def test_sc_query_accepts_bytes_in_any_windows_encoding() -> None:
    text = fixture("sc-query/ru-RU-start-running-localized-labels.txt").decode("utf-8")
    for data in (text.encode("utf-16-le"), b"\xff\xfe" + text.encode("utf-16-le"),
                 text.replace("\n", "\r\r\n").encode("cp866")):
        assert parse_sc_query_one(data).pid == 13688


def test_sc_query_in_transcripts() -> None:
    [running] = parse_sc_query(fixture("sc-actions/goodbyedpi-install-transcript.txt"))
    assert (running.service_name, running.state, running.pid) == ("GoodbyeDPI", 4, 2148)
    [localized] = parse_sc_query(fixture("sc-actions/ru-RU-install-transcript-no-blank-lines.txt"))
    assert (localized.service_name, localized.state, localized.pid) == ("GoodbyeDPI", 4, 13688)
    [pending] = parse_sc_query(fixture("sc-actions/zh-CN-install-transcript.txt"))
    assert (pending.service_name, pending.state, pending.wait_hint_ms) == (
        "PcapDNSProxyService", 2, 2000)


def test_sc_query_enumeration_and_name_selection() -> None:
    both = (fixture("sc-query/queryex-type-service-list-first-record.txt")
            + fixture("sc-query/queryex-type-service-list-first-record-b.txt"))
    records = parse_sc_query(both)
    assert [(r.service_name, r.display_name, r.pid) for r in records] == [
        ("Dhcp", "DHCP Client", 764), ("AppHostSvc", "Application Host Helper Service", 1316)]
    assert parse_sc_query_one(both, "apphostsvc").pid == 1316
    with pytest.raises(WinOutputParseError, match="for service 'nope'"):
        parse_sc_query_one(both, "nope")


def test_sc_query_one_reports_sc_failure() -> None:
    with pytest.raises(ScFailedError) as info:
        parse_sc_query_one(fixture("sc-actions/enumqueryservicesstatus-1060-CRLF-from-VB-comment"
                                   ".txt"))
    assert info.value.failure.code == 1060
    assert "EnumQueryServicesStatus:OpenService failed with error 1060" in str(info.value)


@pytest.mark.parametrize("text", [
    "", "\r\n", "garbage\n",
    # A TYPE line not followed by STATE is not a status block (sc qc has those).
    "\n".join(line for line in WINE_RUNNING.split("\n") if "STATE" not in line),
])
def test_sc_query_one_without_a_block(text: str) -> None:
    with pytest.raises(WinOutputParseError, match="no status block in"):
        parse_sc_query_one(text)


def test_sc_query_bad_numbers_are_reported() -> None:
    bad = WINE_RUNNING.replace("0  (0x0)", "7  (0x8)", 1)
    with pytest.raises(WinOutputParseError, match="WIN32_EXIT_CODE decimal and hex disagree"):
        parse_sc_query(bad)
    bad = WINE_RUNNING.replace("CHECKPOINT         : 0x0", "CHECKPOINT         : zz")
    with pytest.raises(WinOutputParseError, match="CHECKPOINT is not a hex number"):
        parse_sc_query(bad)


def _render_status(name: str, stype: int, state: int, exit_code: int, checkpoint: int,
                   wait_hint: int, pid: Optional[int], indent: str, pad: str, crlf: bool,
                   blank_first: bool) -> str:
    words = {1: "STOPPED", 2: "START_PENDING", 3: "STOP_PENDING", 4: "RUNNING",
             5: "CONTINUE_PENDING", 6: "PAUSE_PENDING", 7: "PAUSED"}
    signed = exit_code - (1 << 32) if exit_code & 0x80000000 else exit_code
    lines = ([""] if blank_first else []) + [
        "SERVICE_NAME: %s%s" % (name, pad),
        "%sTYPE               : %x  WIN32_OWN_PROCESS%s" % (indent, stype, pad),
        "%sSTATE              : %d  %s%s" % (indent, state, words[state], pad),
        "%sWIN32_EXIT_CODE    : %d  (0x%x)%s" % (indent, signed, exit_code, pad),
        "%sSERVICE_EXIT_CODE  : 0  (0x0)" % indent,
        "%sCHECKPOINT         : 0x%x" % (indent, checkpoint),
        "%sWAIT_HINT          : 0x%x%s" % (indent, wait_hint, pad),
    ]
    if pid is not None:
        lines += ["%sPID                : %d" % (indent, pid), "%sFLAGS              :%s"
                  % (indent, pad)]
    return ("\r\n" if crlf else "\n").join(lines) + "\n"


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_.\- ]{0,20}[A-Za-z0-9]", fullmatch=True),
       st.sampled_from([0x10, 0x20, 0x110, 0x50, 0xd0]), st.integers(1, 7),
       st.integers(0, 0xFFFFFFFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF),
       st.none() | st.integers(0, 2 ** 31), st.sampled_from(["        ", "    ", " ", "\t"]),
       st.sampled_from(["", " ", "     "]), st.booleans(), st.booleans())
def test_sc_query_numbers_survive_layout_variations(name, stype, state, exit_code, checkpoint,
                                                    wait_hint, pid, indent, pad, crlf,
                                                    blank_first) -> None:
    text = _render_status(name, stype, state, exit_code, checkpoint, wait_hint, pid, indent,
                          pad, crlf, blank_first)
    r = parse_sc_query_one(text)
    assert (r.service_name, r.service_type, r.state, r.win32_exit_code, r.checkpoint,
            r.wait_hint_ms, r.pid) == (name, stype, state, exit_code, checkpoint, wait_hint, pid)


# ---------------------------------------------------------------------------------------
# sc qc

EXPECTED_QC: Dict[str, Dict[str, Any]] = {
    "delayed-auto-start-quoted-path.txt": dict(
        service_name="sense", service_type=OWN, start_type=2, delayed_auto_start=True,
        start_mode="delayed",
        binary_path_name='"C:\\Program Files\\Windows Defender Advanced Threat Protection\\'
                         'MsSense.exe"',
        display_name="Windows Defender Advanced Threat Protection Service", dependencies=[],
        service_start_name="LocalSystem"),
    "delayed-share-process-trailing-spaces.txt": dict(
        service_name="usosvc", service_type=SHARE, start_type=2, delayed_auto_start=True,
        start_mode="delayed", binary_path_name="C:\\Windows\\system32\\svchost.exe -k netsvcs -p",
        display_name="Update Orchestrator Service", dependencies=["rpcss"],
        service_start_name="LocalSystem"),
    "gsuite-password-sync-networkservice.txt": dict(
        service_name="G Suite Password Sync", service_type=OWN, start_type=2,
        delayed_auto_start=False, start_mode="auto",
        binary_path_name='"C:\\Program Files\\Google\\G Suite Password Sync\\'
                         'password_sync_service.exe"',
        display_name="G Suite Password Sync", dependencies=[],
        service_start_name="NT AUTHORITY\\NetworkService"),
    "localservice-binary-with-args.txt": dict(
        service_name="MySQL_5623", start_type=2, start_mode="auto",
        binary_path_name="C:\\mysql\\mysql-5.6.23-winx64\\bin\\mysqld.exe "
                         "--defaults-file=c:/mysql/data/my.ini MySQL_5623",
        display_name="MySQL_5623", dependencies=[],
        service_start_name="NT AUTHORITY\\LocalService"),
    "multiline-dependencies-localservice-trailing-spaces.txt": dict(
        service_name="ApacheHTTPServer", service_type=OWN,
        binary_path_name='"C:\\Xampp\\apache\\bin\\httpd.exe" -k runservice',
        display_name="Apache HTTP Server", dependencies=["Tcpip", "Afd"],
        service_start_name="NT AUTHORITY\\Local Service"),
    "multiline-dependencies-tcpip-rpcss.txt": dict(
        service_name="VeyonService",
        binary_path_name="C:\\Users\\Ela Arwel\\Veyon\\veyon-service.exe",
        display_name="Veyon Service", dependencies=["Tcpip", "RpcSs"],
        service_start_name="LocalSystem"),
    "multiline-dependencies-trailing-spaces-b.txt": dict(
        service_name="Apache2.4", binary_path_name='"C:\\xampp\\apache\\bin\\httpd.exe" -k '
                                                   'runservice',
        display_name="Apache2.4", dependencies=["Tcpip", "Afd"],
        service_start_name="LocalSystem"),
    # Tolerance: empty line after every line and a path hard-wrapped by the exporter (the
    # space it lost cannot be recovered).
    "notion-export-double-spaced-wrapped-ALTERED.txt": dict(
        service_name="spoofer-scheduler", start_type=2, dependencies=["tcpip"],
        display_name="Spoofer Scheduler", service_start_name="LocalSystem",
        binary_path_name="C:\\Program Files(x86)\\Spoofer\\spoofer-scheduler.exe"),
    "service-name-with-space-unquoted-path.txt": dict(
        service_name="IVPN Client",
        binary_path_name="C:\\Program Files\\IVPN Client\\IVPN Service.exe",
        display_name="IVPN Client", dependencies=[], service_start_name="LocalSystem"),
    "vulnservice-demand-localsystem.txt": dict(
        service_name="VulnService", start_type=3, start_type_name="DEMAND_START",
        start_mode="manual", error_control=1, error_control_name="NORMAL", tag=0,
        load_order_group="",
        binary_path_name="C:\\Users\\user\\Desktop\\VulnService\\VulnService\\bin\\Debug\\"
                         "VulnService.exe",
        display_name="VulnService", dependencies=[], service_start_name="LocalSystem"),
}


def test_every_sc_qc_fixture_has_expectations() -> None:
    assert set(EXPECTED_QC) == listing("sc-qc")


@pytest.mark.parametrize("name", sorted(EXPECTED_QC))
def test_sc_qc_fixture(name: str) -> None:
    config = parse_sc_qc(fixture("sc-qc/" + name))
    for attr, value in EXPECTED_QC[name].items():
        assert getattr(config, attr) == value, attr
    assert (config.error_control, config.tag, config.load_order_group) == (1, 0, "")


def test_sc_qc_reports_failures() -> None:
    with pytest.raises(ScFailedError) as info:
        parse_sc_qc(fixture("sc-actions/openservice-5-access-denied-qc.txt"))
    assert (info.value.failure.function, info.value.failure.code) == ("OpenService", 5)
    with pytest.raises(WinOutputParseError, match="lacks"):
        parse_sc_qc("[SC] QueryServiceConfig SUCCESS\n\nSERVICE_NAME: x\n"
                    "        TYPE               : 10  WIN32_OWN_PROCESS\n")
    with pytest.raises(WinOutputParseError, match="no SERVICE_NAME"):
        parse_sc_qc("")


def test_sc_qc_translated_labels_read_by_position() -> None:
    english = fixture("sc-qc/multiline-dependencies-tcpip-rpcss.txt").decode()
    labels = ["TYPE", "START_TYPE", "ERROR_CONTROL", "BINARY_PATH_NAME", "LOAD_ORDER_GROUP",
              "TAG", "DISPLAY_NAME", "DEPENDENCIES", "SERVICE_START_NAME", "SERVICE_NAME"]
    translated = english
    for i, label in enumerate(labels):
        translated = translated.replace(label + " ", "Поле_%d " % i).replace(
            label + ":", "Поле_%d:" % i)
    assert "DEPENDENCIES" not in translated
    assert parse_sc_qc(translated) == parse_sc_qc(english)


def test_start_mode_from() -> None:
    pairs = ((2, False), (2, True), (3, True), (4, False), (0, False), (1, False), (9, False))
    assert [start_mode_from(t, d) for t, d in pairs] == [
        "auto", "delayed", "manual", "disabled", "boot", "system", "9"]


# ---------------------------------------------------------------------------------------
# sc qfailure

R = FailureAction
EXPECTED_QFAILURE: Dict[str, Tuple[str, int, Optional[str], List[FailureAction]]] = {
    # Tolerance (claimed, partial): German labels in the delay text; no message/command lines.
    "de-DE-CLAIMED-partial-localized-labels.txt": (
        "sshd", 86400, None, [R("restart", 5000), R("restart", 20000)]),
    "defaults-with-bufsize-arg.txt": ("sephexec", 0, "", []),
    "mslearn-qfailure-defaults-no-actions.txt": (".NET Joke Service", 0, "", []),
    "mslearn-qfailure-restart-restart-run.txt": (
        ".NET Joke Service", 0, "", [R("restart", 60000), R("restart", 60000), R("run", 1000)]),
    "restart-0ms-restart-3000ms-reset10.txt": (
        "TestWindowsService", 10, "", [R("restart", 0), R("restart", 3000)]),
    "restart-x3-reset43200-IN-PS-COMMENT-indent4.txt": (
        "svservice", 43200, "", [R("restart", 30000), R("restart", 30000), R("restart", 60000)]),
}


def test_every_sc_qfailure_fixture_has_expectations() -> None:
    assert set(EXPECTED_QFAILURE) == listing("sc-qfailure")


@pytest.mark.parametrize("name", sorted(EXPECTED_QFAILURE))
def test_sc_qfailure_fixture(name: str) -> None:
    service, reset, text, actions = EXPECTED_QFAILURE[name]
    config = parse_sc_qfailure(fixture("sc-qfailure/" + name))
    assert (config.service_name, config.reset_period_s, config.reboot_message,
            config.command_line, config.actions) == (service, reset, text, text, actions)
    assert [tuple(a) for a in config.actions] == [(a.action, a.delay_ms) for a in actions]


def test_sc_qfailure_all_action_words_and_command() -> None:
    text = (
        "[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: hello\n"
        "        RESET_PERIOD (in seconds)    : INFINITE\n"
        "        REBOOT_MESSAGE               : Rebooting: hello failed\n"
        "        COMMAND_LINE                 : C:\\tools\\notify.exe --to=ops -- x\n"
        "        FAILURE_ACTIONS              : RESTART -- Delay = 1 milliseconds.\n"
        "                                       RUN PROCESS -- Delay = 2 milliseconds.\n"
        "                                       REBOOT -- Delay = 3 milliseconds.\n"
        "                                       NONE -- Delay = 0 milliseconds.\n"
        "\n"
    )
    config = parse_sc_qfailure(text)
    assert config.reset_period_s == 0xFFFFFFFF
    assert config.reboot_message == "Rebooting: hello failed"
    assert config.command_line == "C:\\tools\\notify.exe --to=ops -- x"
    assert config.actions == [R("restart", 1), R("run", 2), R("reboot", 3), R("none", 0)]


def test_sc_qfailure_errors() -> None:
    with pytest.raises(WinOutputParseError, match="unknown failure action 'EXPLODE'"):
        parse_sc_qfailure("SERVICE_NAME: x\n        FAILURE_ACTIONS              : "
                          "EXPLODE -- Delay = 1 milliseconds.\n")
    with pytest.raises(ScFailedError):
        parse_sc_qfailure(fixture("sc-actions/openservice-1060-repeated-en.txt"))


# ---------------------------------------------------------------------------------------
# sc qdescription: no real sample was found; these follow the documented layout.

def test_sc_qdescription_documented_layout_no_real_sample() -> None:
    text = ("[SC] QueryServiceConfig2 SUCCESS\r\n\r\nSERVICE_NAME: hello\r\n"
            "DESCRIPTION:  Says hello: over HTTP.\r\n\r\n")
    assert parse_sc_qdescription(text) == "Says hello: over HTTP."


def test_sc_qdescription_documented_layout_multiline_and_empty() -> None:
    text = ("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: hello\n"
            "DESCRIPTION:  First line.\nSecond line.\n\n")
    assert parse_sc_qdescription(text) == "First line.\nSecond line."
    assert parse_sc_qdescription("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: hello\n"
                                 "DESCRIPTION:\n") == ""
    with pytest.raises(WinOutputParseError, match="no DESCRIPTION"):
        parse_sc_qdescription("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: hello\n")
    with pytest.raises(ScFailedError):
        parse_sc_qdescription(fixture("sc-actions/startservice-openservice-1060.txt"))


# ---------------------------------------------------------------------------------------
# [SC] results

MISSING = "The specified service does not exist as an installed service."
MARKED = "The specified service has been marked for deletion."
TIMEOUT = "The service did not respond to the start or control request in a timely fashion."
NOT_STARTED = "The service has not been started."
ZH_MISSING = "指定的服务未安装。"
RU_MISSING = "Указанная служба не установлена."
ZH_MARKED = "指定的服务已标记为删除。"

# function, success, code, message
Res = Tuple[str, bool, Optional[int], Optional[str]]
F_MISSING = ("OpenService", False, 1060, MISSING)
EXPECTED_ACTIONS: Dict[str, Tuple[List[Res], bool, int]] = {
    "config-delayed-autostart-flag-1072.txt": (
        [("ChangeServiceConfig2 (delayed autostart flag)", False, 1072, MARKED)], False, 0),
    "config-success.txt": ([("ChangeServiceConfig", True, None, None)], False, 0),
    "config-usage-invalid-option.txt": ([], True, 0),
    "create-openscmanager-5-access-denied.txt": (
        [("OpenSCManager", False, 5, "Access is denied.")], False, 0),
    "create-usage-invalid-option-older.txt": ([], True, 0),
    "create-usage-invalid-option.txt": ([], True, 0),
    "createservice-1072.txt": ([("CreateService", False, 1072, MARKED)], False, 0),
    "createservice-1073.txt": (
        [("CreateService", False, 1073, "The specified service already exists.")], False, 0),
    "de-DE-enumqueryservicesstatus-1060-no-blank-line.txt": (
        [("EnumQueryServicesStatus:OpenService", False, 1060,
          "Der angegebene Dienst ist kein installierter Dienst.")], False, 0),
    "enumqueryservicesstatus-1060-CRLF-from-VB-comment.txt": (
        [("EnumQueryServicesStatus:OpenService", False, 1060, MISSING)], False, 0),
    "es-ES-enumqueryservicesstatus-1060-msi-log.txt": (
        [("EnumQueryServicesStatus:OpenService", False, 1060,
          "El servicio especificado no existe como servicio instalado.")], False, 0),
    "failure-success-b.txt": ([("ChangeServiceConfig2", True, None, None)], False, 0),
    "goodbyedpi-install-transcript.txt": (
        [F_MISSING, F_MISSING, ("CreateService", True, None, None),
         ("ChangeServiceConfig2", True, None, None)], False, 1),
    "kernel-driver-delete-then-1060.txt": (
        [("DeleteService", True, None, None), F_MISSING, F_MISSING], False, 0),
    # Tolerance: GBK text read as UTF-8; the code survives, the words do not.
    "mojibake-gbk-read-as-utf8-openscmanager.txt": (
        [("OpenSCManager", False, 1072, "\ufffd\u073e\ufffd\ufffd\ufffd\ufffd\u02a1\ufffd")],
        False, 0),
    "mslearn-create-success.txt": ([("CreateService", True, None, None)], False, 0),
    "mslearn-delete-success.txt": ([("DeleteService", True, None, None)], False, 0),
    "mslearn-failure-success.txt": ([("ChangeServiceConfig2", True, None, None)], False, 0),
    "openservice-1060-repeated-en.txt": ([F_MISSING] * 6, False, 0),
    "openservice-5-access-denied-qc.txt": (
        [("OpenService", False, 5, "Access is denied.")], False, 0),
    "ru-RU-install-transcript-no-blank-lines.txt": (
        [("OpenService", False, 1060, RU_MISSING), ("OpenService", False, 1060, RU_MISSING),
         ("CreateService", True, None, None), ("ChangeServiceConfig2", True, None, None)],
        False, 1),
    "startservice-1053-b.txt": ([("StartService", False, 1053, TIMEOUT)], False, 0),
    "startservice-1053-server2019.txt": ([("StartService", False, 1053, TIMEOUT)], False, 0),
    "startservice-1053.txt": ([("StartService", False, 1053, TIMEOUT)], False, 0),
    "startservice-openservice-1060-powershell-cmd-c.txt": (
        [("StartService: OpenService", False, 1060, MISSING)], False, 0),
    "startservice-openservice-1060.txt": (
        [("StartService: OpenService", False, 1060, MISSING)], False, 0),
    "stop-1062-cmd-reverse-shell.txt": (
        [("ControlService", False, 1062, NOT_STARTED)], False, 0),
    "stop1062-delete-start-unknown-error.txt": (
        [("ControlService", False, 1062, NOT_STARTED), ("DeleteService", True, None, None),
         ("StartService", False, 4294967201, None)], False, 0),
    "vulnservice-create-success.txt": ([("CreateService", True, None, None)], False, 0),
    "zh-CN-install-transcript.txt": (
        [("OpenService", False, 1060, ZH_MISSING), ("OpenService", False, 1060, ZH_MISSING),
         ("CreateService", True, None, None), ("ChangeServiceConfig2", True, None, None),
         ("ChangeServiceConfig2", True, None, None)], False, 1),
    "zh-CN-openservice-1060.txt": ([("OpenService", False, 1060, ZH_MISSING)], False, 0),
    # Tolerance: empty lines lost and other tools' lines interleaved.
    "zh-CN-reinstall-transcript-no-blank-lines.txt": (
        [("ControlService", False, 1062, "服务尚未启动。"), ("DeleteService", True, None, None),
         ("CreateService", False, 1072, ZH_MARKED), ("ChangeServiceConfig2", False, 1072, ZH_MARKED),
         ("ChangeServiceConfig2", False, 1072, ZH_MARKED),
         ("StartService", False, 1058,
          "无法启动服务，原因可能是已被禁用或与其相关联的设备没有启动。")], False, 0),
    "zh-CN-startservice-1056.txt": (
        [("StartService", False, 1056, "服务的实例已在运行中。")], False, 0),
}


def test_every_sc_actions_fixture_has_expectations() -> None:
    assert set(EXPECTED_ACTIONS) == listing("sc-actions")


@pytest.mark.parametrize("name", sorted(EXPECTED_ACTIONS))
def test_sc_actions_fixture(name: str) -> None:
    results, usage, blocks = EXPECTED_ACTIONS[name]
    data = fixture("sc-actions/" + name)
    parsed = parse_sc_results(data)
    assert [(r.function, r.success, r.code, r.message) for r in parsed] == results
    assert is_sc_usage(data) is usage
    assert len(parse_sc_query(data)) == blocks
    failures = [r for r in parsed if not r.success]
    assert find_sc_failure(data) == (failures[0] if failures else None)


def test_sc_result_words_and_description() -> None:
    [failed] = parse_sc_results(fixture("sc-actions/zh-CN-startservice-1056.txt"))
    assert failed.word == "失败"
    assert failed.describe() == "StartService failed with error 1056: 服务的实例已在运行中。"
    [ok] = parse_sc_results(fixture("sc-actions/config-success.txt"))
    assert (ok.word, ok.describe()) == ("SUCCESS", "ChangeServiceConfig succeeded")
    ru = parse_sc_results(fixture("sc-actions/ru-RU-install-transcript-no-blank-lines.txt"))
    assert [r.word for r in ru] == ["ошибка", "ошибка", "успех", "успех"]


def test_sc_results_wine_prints_none() -> None:
    # Wine's sc.exe prints nothing on failure (exit code 1) and no [SC] line on success.
    assert parse_sc_results("") == [] and find_sc_failure(WINE_RUNNING) is None


def test_sc_results_unreadable_line() -> None:
    with pytest.raises(WinOutputParseError, match="unreadable result line"):
        parse_sc_results("[SC]\n")
