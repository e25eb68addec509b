from __future__ import annotations

import datetime
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import parse_sc_query_one
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import (
    parse_systemctl_show,
    unit_status,
)
from ansible_collections.svcwright.services.plugins.module_utils._option_values import OptionProblem, plain_options
from ansible_collections.svcwright.services.plugins.module_utils._runtime_state import (
    ABSENT,
    RESTARTING,
    RUNNING,
    STARTING,
    STOPPED,
)
from ansible_collections.svcwright.services.plugins.module_utils._verify import (
    MAX_ATTEMPT,
    MAX_DEADLINE,
    OPTION_RULES,
    UNREADABLE,
    Evidence,
    ProbeResult,
    ProbeSpec,
    Sample,
    Verification,
    VerifyError,
    VerifyOptions,
    argument_spec,
    command_result,
    drive,
    failure_message,
    http_get,
    http_result,
    linux_evidence_script,
    local_probe,
    nssm_app_pid,
    options_from_params,
    parse_linux_evidence,
    run_argv,
    sample_from_sc,
    sample_from_unit,
    tcp_connect,
    tcp_result,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "systemd"
HTTP = ProbeSpec(type="http", url="http://127.0.0.1:8080/health", interval=1.0, timeout=5.0)


def params(**kw):
    base = dict(name="hello", deadline=60.0, running_timeout=None, stable_for=3.0, probe=None, logs=[],
                log_lines=30)
    base.update(kw)
    return base


def probe_params(**kw):
    base = {"type": "http", "url": "http://127.0.0.1:8080/health", "expect_status": [200], "body_regex": None,
            "host": "127.0.0.1", "port": None, "command": None, "timeout": 5.0, "interval": 1.0, "from": None}
    base.update(kw)
    return base


def opts(deadline=10.0, running_timeout=None, stable_for=3.0, probe=None):
    return VerifyOptions(name="hello", deadline=deadline, running_timeout=running_timeout or deadline,
                         stable_for=stable_for, probe=probe or ProbeSpec())


def up(t, pid=100, restarts=0):
    return Sample(t, RUNNING, "active (running)", pid, restarts)


def ok(t):
    return ProbeResult(t, 0.01, True, 200, '{"status":"ok"}')


def sick(t):
    return http_result(t, 0.01, HTTP, 503, '{"status":"unhealthy"}')


# ---------------------------------------------------------------------------------------
# Options

def test_defaults_running_timeout_is_the_deadline_and_no_probe():
    o = options_from_params(params(deadline=30.0))
    assert o.running_timeout == 30.0 and o.stable_for == 3.0 and not o.probe.enabled
    assert o.probe.describe() == "no probe"


def test_probe_options_are_kept():
    o = options_from_params(params(probe=probe_params(expect_status=[200, 204], body_regex="ok", **{"from": "host"})))
    assert o.probe.expect_status == (200, 204) and o.probe.body_regex == "ok" and o.probe.where == "host"
    assert o.probe.describe() == "GET http://127.0.0.1:8080/health"
    tcp = options_from_params(params(probe=probe_params(type="tcp", url=None, port=8080))).probe
    assert tcp.describe() == "TCP connect to 127.0.0.1:8080"
    cmd = options_from_params(params(probe=probe_params(type="command", url=None, command=["/bin/check", "a b"])))
    assert cmd.probe.describe() == "command /bin/check 'a b'"


@pytest.mark.parametrize("kw, message", [
    (dict(deadline=0.0), "deadline: must be > 0 seconds, got 0. Give a larger value."),
    (dict(deadline=float("inf")), "deadline: must be a finite number of seconds, got inf. Give seconds, e.g. 30 (YAML "
                                  "reads .inf and .nan as special numbers)."),
    (dict(deadline=float("nan")), "deadline: must be a finite number of seconds, got nan"),
    (dict(deadline=True), "deadline: must be a number of seconds, got bool True"),
    (dict(deadline=MAX_DEADLINE + 1), "deadline: must be at most 86400 seconds"),
    (dict(stable_for=-1), "stable_for: must be >= 0 seconds, got -1"),
    (dict(stable_for=float("inf")), "stable_for: must be a finite number of seconds, got inf"),
    (dict(running_timeout=float("-inf")), "running_timeout: must be a finite number of seconds"),
    (dict(deadline=5.0, running_timeout=6.0), "running_timeout: must be at most deadline (5), got 6. Raise deadline"),
    (dict(deadline=5.0, stable_for=5.0), "stable_for: must be less than deadline (5), got 5. The service must have "
                                         "time to stay up"),
    (dict(deadline=5.0, stable_for=30.0), "stable_for: must be less than deadline (5), got 30."),
    (dict(log_lines=0), "log_lines: must be between 1 and 1000, got 0"),
    (dict(name=""), "name: is empty. Give the service's name."),
    (dict(name="hel\nlo"), "name: contains U+000A (LINE FEED)"),
    (dict(name=datetime.date(2024, 1, 31)), "name: must be a string, got the date 2024-01-31"),
    (dict(logs=["/var/log/a\u202e.log"]), "logs[0]: contains U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    (dict(probe=probe_params(url=None)), "probe.url: is required for an http probe"),
    (dict(probe=probe_params(url="127.0.0.1:8080/health")), "probe.url: '127.0.0.1:8080/health' is not an http://"),
    (dict(probe=probe_params(url="ftp://127.0.0.1/x")), "probe.url: 'ftp://127.0.0.1/x' is not an http://"),
    (dict(probe=probe_params(url="http:///health")), "probe.url: 'http:///health' has no host"),
    (dict(probe=probe_params(url="http://127.0.0.1:99999/")),
     "probe.url: 'http://127.0.0.1:99999/' is not a valid URL"),
    (dict(probe=probe_params(url="http://127.0.0.1/a b")),
     "probe.url: 'http://127.0.0.1/a b' contains a space. Write it as %20"),
    (dict(probe=probe_params(url="http://127.0.0.1/\u200bhealth")), "probe.url: contains U+200B (ZERO WIDTH SPACE)"),
    (dict(probe=probe_params(url="http://127.0.0.1/\r\nX: y")), "probe.url: contains U+000D (CARRIAGE RETURN)"),
    (dict(probe=probe_params(type="tcp", url=None)), "probe.port: is required for a tcp probe"),
    (dict(probe=probe_params(type="tcp", url=None, port=70000)), "probe.port: must be between 1 and 65535, got 70000"),
    (dict(probe=probe_params(type="tcp", url=None, port=-1)), "probe.port: must be between 1 and 65535, got -1"),
    (dict(probe=probe_params(type="tcp", url=None, port=80, host="a b")), "probe.host: 'a b' contains a space"),
    (dict(probe=probe_params(type="command", url=None)), "probe.command: is required for a command probe"),
    (dict(probe=probe_params(type="command", url=None, command="/bin/check --quick")),
     "probe.command: must be a list, one item per argument, got the text '/bin/check --quick'"),
    (dict(probe=probe_params(type="command", url=None, command=["/bin/check", 1.5])),
     "probe.command: item 2 must be a string, got the number 1.5"),
    (dict(probe=probe_params(type="command", url=None, command=["/bin/check", "a\0"])),
     "probe.command: item 2 contains U+0000 (NUL)"),
    (dict(probe=probe_params(type="tcp", port=80)), "probe.url: does not apply to a tcp probe"),
    (dict(probe=probe_params(expect_status=[20])), "probe.expect_status: must be between 100 and 599, got 20"),
    (dict(probe=probe_params(body_regex="(")), "probe.body_regex: '(' is not a valid regular expression"),
    (dict(probe=probe_params(interval=0)), "probe.interval: must be > 0 seconds, got 0"),
    (dict(probe=probe_params(timeout=float("inf"))), "probe.timeout: must be a finite number of seconds, got inf"),
    (dict(probe=probe_params(timeout=MAX_ATTEMPT * 2)), "probe.timeout: must be at most 3600 seconds"),
])
def test_bad_options_name_the_option(kw, message):
    with pytest.raises(VerifyError) as exc:
        options_from_params(params(**kw))
    assert message in str(exc.value)
    assert "Traceback" not in str(exc.value) and "Error" not in str(exc.value)


def test_command_words_may_be_templated_integers_and_on_windows_are_one_line_each():
    probe = probe_params(type="command", url=None, command=["/bin/check", "--port", 8080])
    assert options_from_params(params(probe=probe)).probe.command == ("/bin/check", "--port", "8080")
    multi = probe_params(type="command", url=None, command=["sh", "-c", "a\nb"])
    assert options_from_params(params(probe=multi)).probe.command[2] == "a\nb"
    with pytest.raises(VerifyError, match="probe.command: item 3 contains U\\+000A \\(LINE FEED\\)"):
        options_from_params(params(probe=multi), windows=True)


def test_task_values_are_checked_before_the_argument_spec_converts_them():
    spec = argument_spec()
    raw = dict(name="hello", deadline=30, probe=dict(type="tcp", port="8080", timeout=2, expect_status=204))
    plain = plain_options(spec, raw, OPTION_RULES)
    expected = dict(name="hello", deadline=30.0, probe=dict(type="tcp", port=8080, timeout=2.0, expect_status=[204]))
    assert plain == expected
    for bad, message in ((dict(deadline=float("inf")), "deadline: must be a finite number of seconds"),
                         (dict(probe=dict(type="http", url=datetime.date(2024, 1, 1))), "probe.url: must be a string"),
                         (dict(probe=dict(type="tcp", port=0)), "probe.port: must be between 1 and 65535"),
                         (dict(unknown=datetime.date(2024, 1, 1)), "unknown: must be a string, got the date")):
        with pytest.raises(OptionProblem) as exc:
            plain_options(spec, dict(raw, **bad), OPTION_RULES)
        assert str(exc.value).startswith(message)


# ---------------------------------------------------------------------------------------
# Samples from what the service managers print

def unit_sample(name, t=0.0):
    return sample_from_unit(t, unit_status(parse_systemctl_show((FIXTURES / name).read_text())))


def test_systemd_states_recorded_from_systemd_252():
    running = unit_sample("show-running-ssh.txt")
    assert (running.state, running.detail, running.pid, running.restarts) == (RUNNING, "active (running)", 33, 0)
    assert unit_sample("show-restarted-after-kill.txt").restarts == 1
    restarting = unit_sample("show-auto-restart.txt")
    assert restarting.state == RESTARTING and restarting.pid is None
    assert restarting.detail == ("activating (auto-restart), its last process exited with status 1 "
                                 "(result exit-code)")
    failed = unit_sample("show-failed-exit-code.txt")
    assert failed.state == STOPPED and "exited with status 3 (result exit-code)" in failed.detail
    assert unit_sample("show-not-found.txt").state == ABSENT


def test_systemd_activating_is_starting_and_a_signal_is_named():
    s = unit_status({"LoadState": "loaded", "ActiveState": "activating", "SubState": "start-pre"})
    assert sample_from_unit(1.0, s).state == STARTING
    killed = unit_status({"LoadState": "loaded", "ActiveState": "failed", "SubState": "failed", "ExecMainCode": "2",
                          "ExecMainStatus": "9", "Result": "signal"})
    assert sample_from_unit(1.0, killed).detail == "failed (failed), its last process killed by signal 9 (result signal)"


SC_RUNNING_QUERYEX = """
SERVICE_NAME: hello
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 4  RUNNING
                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)
        WIN32_EXIT_CODE    : 0  (0x0)
        SERVICE_EXIT_CODE  : 0  (0x0)
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
        PID                : 2148
        FLAGS              :
"""
# Wine 8's sc.exe after `sc start` of a program that exited at once (hello -fail-now).
WINE_STOPPED = """SERVICE_NAME: SvcwVerify [f]
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : 1  STOPPED
        WIN32_EXIT_CODE    : 1077  (0x435)
        SERVICE_EXIT_CODE  : 0  (0x0)
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
"""
WINE_RUNNING = WINE_STOPPED.replace("1  STOPPED", "4  RUNNING").replace("1077  (0x435)", "0  (0x0)")
# nssm processes, recorded from NSSM 2.24-101 under Wine 8: NSSM, the application, its console host.
NSSM_PROCESSES = ("     576 C:\\nssm.exe\r\n     612  C:\\svcw test\\[hello]\\hello.exe\r\n"
                  "     620   C:\\windows\\system32\\conhost.exe\r\n")


def test_sc_samples():
    s = sample_from_sc(1.0, parse_sc_query_one(SC_RUNNING_QUERYEX))
    assert (s.state, s.pid, s.restarts) == (RUNNING, 2148, None)
    wine = sample_from_sc(1.0, parse_sc_query_one(WINE_RUNNING))
    assert wine.state == RUNNING and wine.pid is None
    stopped = sample_from_sc(1.0, parse_sc_query_one(WINE_STOPPED))
    assert stopped.state == STOPPED and stopped.detail == "STOPPED"
    assert sample_from_sc(1.0, None).state == ABSENT


def test_sc_service_specific_exit_code_is_shown():
    text = WINE_STOPPED.replace("1077  (0x435)", "1066  (0x42a)").replace("SERVICE_EXIT_CODE  : 0  (0x0)", "SERVICE_EXIT_CODE  : 3  (0x3)")
    assert sample_from_sc(0.0, parse_sc_query_one(text)).detail.startswith("STOPPED (WIN32_EXIT_CODE 1066 ")
    assert sample_from_sc(0.0, parse_sc_query_one(text)).detail.endswith("; SERVICE_EXIT_CODE 3)")


def test_nssm_application_pid_and_restarts():
    assert nssm_app_pid(NSSM_PROCESSES, "C:\\svcw test\\[hello]\\hello.exe") == 612
    assert nssm_app_pid(NSSM_PROCESSES, None) == 612
    # On Windows NSSM's own console host can be its child too: the application is the one named.
    own_console = "  1 C:\\nssm.exe\n  2  C:\\Windows\\System32\\conhost.exe\n  3  C:\\app\\a.exe\n"
    assert nssm_app_pid(own_console, "c:/app/A.exe") == 3
    assert nssm_app_pid(own_console, None) == 3
    assert nssm_app_pid("     576 C:\\nssm.exe\r\n", "C:\\app\\a.exe") is None
    running = parse_sc_query_one(WINE_RUNNING)
    assert sample_from_sc(1.0, running, wrapped=True, app_pid=612).pid == 612
    between = sample_from_sc(1.0, running, wrapped=True, app_pid=None)
    assert between.state == RESTARTING and "NSSM has no application process" in between.detail
    paused = parse_sc_query_one(WINE_RUNNING.replace("4  RUNNING", "7  PAUSED"))
    assert sample_from_sc(1.0, paused, wrapped=True, app_pid=612).state == RESTARTING


# ---------------------------------------------------------------------------------------
# The decisions

def feed(v, events):
    """Feed samples and probe results; return the last decision."""
    decision = None
    for event in events:
        decision = v.add_sample(event) if isinstance(event, Sample) else v.add_probe(event)
    return decision


def test_healthy_service_passes_after_stable_for_and_one_probe():
    v = Verification(opts(probe=HTTP), probing=True)
    d = v.add_sample(up(0.0))
    assert (d.verdict, d.next, d.delay) == ("wait", "sample", 0.5)
    d = feed(v, [up(0.5), up(1.0), up(1.5), up(2.0), up(2.5)])
    assert (d.next, d.delay) == ("sample", 0.5)
    d = v.add_sample(up(3.0))
    assert (d.verdict, d.next, d.delay) == ("wait", "probe", 0.0)
    d = v.add_probe(ok(3.0))
    assert (d.verdict, d.next) == ("wait", "sample")
    assert v.add_sample(up(3.05)).verdict == "pass"
    result = v.result()
    assert result["status"] == dict(state=RUNNING, detail="active (running)", pid=100, restarts=0)
    assert result["probe"]["attempts"] == 1 and result["probe"]["passed"] and result["probe"]["last_status"] == 200
    assert result["transitions"] == ["0.0 s: active (running), main PID 100, 0 restarts counted by the service manager"]


def test_without_a_probe_running_and_stable_is_enough():
    v = Verification(opts(stable_for=1.0), probing=False)
    assert feed(v, [up(0.0), up(0.5), up(1.0)]).verdict == "pass"
    v = Verification(opts(stable_for=0.0), probing=False)
    assert v.add_sample(up(0.0)).verdict == "pass"


def test_slow_start_within_the_deadline_passes():
    v = Verification(opts(deadline=20.0, stable_for=1.0), probing=False)
    starting = [Sample(t / 2, STARTING, "activating (start-pre)") for t in range(0, 12)]
    d = feed(v, starting)
    assert d.verdict == "wait" and d.next == "sample"
    assert feed(v, [up(6.0), up(6.5), up(7.0)]).verdict == "pass"
    assert v.transitions[0].startswith("0.0 s: activating (start-pre)")
    assert v.transitions[1].startswith("6.0 s: active (running)")


def test_never_running_fails_at_running_timeout_with_the_state():
    v = Verification(opts(deadline=10.0, running_timeout=2.0), probing=False)
    d = feed(v, [Sample(0.0, STARTING, "START_PENDING"), Sample(1.5, STARTING, "START_PENDING")])
    assert d.delay == 0.5  # never sleeps past the timeout
    d = v.add_sample(Sample(2.0, STARTING, "START_PENDING"))
    assert (d.verdict, d.kind) == ("fail", "never_running")
    assert d.reason == "did not reach running within 2s (running_timeout): START_PENDING"


def test_crash_loop_hidden_by_restart_always_fails_on_the_new_restart():
    v = Verification(opts(stable_for=3.0, probe=HTTP), probing=True)
    d = feed(v, [up(0.0, pid=100), up(0.5, pid=100), up(1.0, pid=100), up(2.5, pid=180, restarts=1)])
    assert (d.verdict, d.kind) == ("fail", "restarted")
    assert d.reason.startswith("restarted 1 time during the verification (in 2.5 s; the service manager's count "
                               "went from 0 to 1), now active (running)")
    assert v.attempts == 0


def test_restarts_before_the_verification_do_not_count():
    v = Verification(opts(stable_for=1.0), probing=False)
    assert feed(v, [up(0.0, restarts=4), up(0.5, restarts=4), up(1.0, restarts=4)]).verdict == "pass"


def test_pid_change_fails_even_without_a_restart_counter():
    v = Verification(opts(), probing=False)
    d = feed(v, [Sample(0.0, RUNNING, "RUNNING", 2148), Sample(1.2, RUNNING, "RUNNING", 3020)])
    assert (d.verdict, d.kind) == ("fail", "pid_changed")
    assert d.reason == ("was replaced: its main PID changed from 2148 to 3020 1.2 s after it was running, "
                        "now RUNNING")


def test_unknown_pids_are_not_compared():
    v = Verification(opts(stable_for=1.0), probing=False)
    assert feed(v, [Sample(0.0, RUNNING, "RUNNING"), Sample(1.0, RUNNING, "RUNNING")]).verdict == "pass"


def test_stopped_and_exited_fail_at_once():
    exited = Sample(0.0, STOPPED, "failed (failed), its last process exited with status 7")
    d = Verification(opts(), probing=True).add_sample(exited)
    assert (d.verdict, d.kind) == ("fail", "stopped")
    assert d.reason == "is not running: failed (failed), its last process exited with status 7"
    d = Verification(opts(), probing=True).add_sample(Sample(0.0, RESTARTING, "activating (auto-restart)"))
    assert (d.verdict, d.kind) == ("fail", "restarting")
    assert d.reason == ("is not running: its process exited and the service manager will restart it: "
                        "activating (auto-restart)")
    v = Verification(opts(), probing=False)
    d = feed(v, [up(0.0), Sample(2.5, RESTARTING, "RUNNING, but NSSM has no application process (it exited)")])
    assert d.reason.startswith("is not running: its process exited 2.5 s after it was running and the service")
    v = Verification(opts(), probing=False)
    d = feed(v, [up(0.0), Sample(1.0, STOPPED, "STOPPED")])
    assert d.reason == "stopped 1.0 s after it was running: STOPPED"
    assert Verification(opts(), probing=False).add_sample(Sample(0.0, ABSENT, "not installed")).kind == "absent"


def test_leaving_running_for_another_state_fails():
    v = Verification(opts(), probing=False)
    d = feed(v, [up(0.0), Sample(0.5, STARTING, "START_PENDING", 100)])
    assert (d.kind, d.reason) == ("left_running", "left running 0.5 s after it got there: START_PENDING")


def test_running_too_late_to_be_stable_fails_at_once():
    v = Verification(opts(deadline=10.0, stable_for=3.0), probing=False)
    feed(v, [Sample(t, STARTING, "activating (start)") for t in (0.0, 4.0, 7.5)])
    d = v.add_sample(up(7.6))
    assert d.kind == "too_late"
    assert d.reason == ("reached running only after 7.6 s, too late to stay up for 3s (stable_for) within the "
                        "deadline of 10s")


def test_probe_never_healthy_fails_at_the_deadline_with_the_last_status_and_body():
    v = Verification(opts(deadline=6.0, stable_for=1.0, probe=HTTP), probing=True)
    d = feed(v, [up(0.0), up(0.5), up(1.0)])
    t = 1.0
    attempts = []
    while d.verdict == "wait":
        t += d.delay
        if d.next == "probe":
            attempts.append(t)
            d = v.add_probe(sick(t))
        else:
            t += 0.02
            d = v.add_sample(up(t))
    assert attempts == pytest.approx([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # start to start; the last at the deadline
    assert (d.verdict, d.kind) == ("fail", "probe_failed")
    assert d.reason.startswith("failed its probe: GET http://127.0.0.1:8080/health did not pass within the "
                               "deadline of 6s (6 attempts over 5.0 s); the last one: status 503, expected 200, body "
                               "'{\"status\":\"unhealthy\"}'")
    assert v.result()["probe"]["last_status"] == 503


def test_probe_that_passes_after_failing():
    v = Verification(opts(stable_for=0.0, probe=HTTP), probing=True)
    d = feed(v, [up(0.0), sick(0.0), up(0.1)])
    assert (d.next, d.delay) == ("probe", pytest.approx(0.9))
    assert feed(v, [ok(1.0), up(1.1)]).verdict == "pass"
    assert v.attempts == 2


def test_a_crash_while_probing_is_reported_as_the_crash():
    v = Verification(opts(stable_for=0.0, probe=HTTP), probing=True)
    refused = http_result(0.0, 0.01, HTTP, None, "", "Connection refused")
    d = feed(v, [up(0.0), refused, up(0.1, pid=230, restarts=1)])
    assert d.kind == "restarted"
    # and a pass is only a pass when the process that answered is still the one that was stable
    v = Verification(opts(stable_for=0.0, probe=HTTP), probing=True)
    assert feed(v, [up(0.0), ok(0.0), Sample(0.1, RUNNING, "RUNNING", 230)]).kind == "pid_changed"


def test_no_time_left_to_probe():
    v = Verification(opts(deadline=2.0, stable_for=1.0, probe=HTTP), probing=True)
    d = feed(v, [up(0.0), up(2.5)])
    assert d.kind == "probe_failed" and d.reason.startswith("was never probed")


def test_attempt_timeout_never_runs_past_the_deadline():
    v = Verification(opts(deadline=10.0, probe=HTTP), probing=True)
    assert v.attempt_timeout(1.0) == 5.0
    assert v.attempt_timeout(8.0) == 2.0
    assert v.attempt_timeout(10.0) == 0.5


def test_drive_takes_what_the_verification_asks_for():
    clock = [0.0]
    pids = iter([100, 100, 100, 100, 100])
    log = []

    def sample():
        log.append(("sample", clock[0]))
        return up(clock[0], pid=next(pids))

    def probe():
        log.append(("probe", clock[0]))
        return ok(clock[0])

    def sleep(s):
        clock[0] += s

    v = Verification(opts(stable_for=1.0, probe=HTTP), probing=True)
    assert drive(v, sample, probe, sleep).verdict == "pass"
    assert log == [("sample", 0.0), ("sample", 0.5), ("sample", 1.0), ("probe", 1.0), ("sample", 1.0)]


# ---------------------------------------------------------------------------------------
# Probe results

def test_http_status_list_and_body_regex():
    spec = ProbeSpec(type="http", url="http://x/", expect_status=(200, 204), body_regex=r'"status":"ok"')
    assert http_result(0, 0, spec, 204, '{"status":"ok"}').ok
    bad = http_result(0, 0, spec, 503, '{"status":"unhealthy"}')
    assert not bad.ok and bad.reason == "status 503, expected 200, 204"
    mismatch = http_result(0, 0, spec, 200, '{"status":"starting"}')
    assert not mismatch.ok and mismatch.reason == "the body does not match '\"status\":\"ok\"'"
    refused = http_result(0, 0, spec, None, "", "Connection refused")
    assert not refused.ok and refused.describe() == "Connection refused" and refused.status is None


def test_command_and_tcp_results():
    spec = ProbeSpec(type="command", command=("check",), body_regex="^ready")
    assert command_result(0, 0, spec, 0, "ready\n").ok
    assert command_result(0, 0, spec, 1, "ready\n").reason == "exit code 1"
    assert command_result(0, 0, spec, 0, "not yet").reason == "the output does not match '^ready'"
    assert command_result(0, 0, spec, None, "", "timed out after 5s").reason == "timed out after 5s"
    assert tcp_result(0, 0, "").ok
    assert tcp_result(0, 0, "Connection refused").reason == "Connection refused"


# ---------------------------------------------------------------------------------------
# The message

def test_failure_message_has_reason_state_evidence_and_hint():
    v = Verification(opts(deadline=2.0, stable_for=0.0, probe=HTTP), probing=True)
    feed(v, [up(0.0), sick(0.0), up(0.1), sick(1.0), up(1.1), sick(2.0), up(2.1)])
    evidence = Evidence(journal=["Jan 01 hello[100]: listening"], journal_scope="since the verification began",
                        log_tails={"C:\\logs\\out.log": ["line 1"]}, events=["7031: crashed"],
                        notes=["(a note)"])
    msg = failure_message("web1", "hello", v, evidence)
    lines = msg.splitlines()
    assert lines[0].startswith("host web1: service 'hello' failed its probe: GET http://127.0.0.1:8080/health")
    assert lines[1] == "last state (2.1 s): active (running), main PID 100, 0 restarts counted by the service manager"
    assert lines[2:] == [
        "last journal lines (since the verification began):", "  Jan 01 hello[100]: listening",
        "last lines of C:\\logs\\out.log:", "  line 1",
        "last Service Control Manager events:", "  7031: crashed",
        "(a note)",
        "The service runs but does not answer as expected: check the probe (address, port, expect_status, "
        "body_regex) and the lines below.",
    ]


def test_failure_message_of_a_crash_mentions_the_probe_attempts_made():
    v = Verification(opts(stable_for=0.0, probe=HTTP), probing=True)
    feed(v, [up(0.0), sick(0.0), up(0.1, pid=7, restarts=1)])
    msg = failure_message("web1", "hello", v, Evidence())
    assert msg.splitlines()[1] == "probe: 1 attempt, the last one: status 503, expected 200"
    assert "restart policy" in msg.splitlines()[-1]


# ---------------------------------------------------------------------------------------
# Linux evidence script: run for real with sh (journalctl may be missing here: then no journal)

def test_evidence_script_tails_files_with_awkward_names(tmp_path):
    log = tmp_path / "it's a [log] $HOME.txt"
    log.write_text("".join("line %d\n" % i for i in range(50)))
    missing = str(tmp_path / "missing.log")
    script = linux_evidence_script("hello.service", 0, 3, [str(log), missing])
    out = subprocess.run(["/bin/sh", "-c", script], stdout=subprocess.PIPE, check=True,
                         env=dict(os.environ, PATH="/usr/bin:/bin")).stdout.decode()
    evidence = parse_linux_evidence(out, [str(log), missing])
    assert evidence.log_tails == {str(log): ["line 47", "line 48", "line 49"], missing: [UNREADABLE]}


def test_evidence_parse_journal_scopes():
    mark = "@@svcwright-verify@@"
    out = "%s journal since\na\nb\n%s file 0\nx\n" % (mark, mark)
    e = parse_linux_evidence(out, ["/l"])
    assert e.journal == ["a", "b"] and e.journal_scope == "since just before the verification began"
    assert e.log_tails == {"/l": ["x"]}
    e = parse_linux_evidence("%s journal last\nold\n" % mark, [])
    assert e.journal == ["old"] and e.journal_scope.startswith("none since just before the verification began")


# ---------------------------------------------------------------------------------------
# The probes, against a real local server

class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 503 if self.path == "/sick" else 200
        body = b'{"status":"%s"}' % (b"unhealthy" if code == 503 else b"ok")
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_get_answers_and_errors(server, monkeypatch):
    # A proxy in the environment must not be used for a health check.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert http_get("http://127.0.0.1:%d/health" % server, 5) == (200, '{"status":"ok"}', "")
    assert http_get("http://127.0.0.1:%d/sick" % server, 5) == (503, '{"status":"unhealthy"}', "")
    status, body, error = http_get("http://127.0.0.1:%d/" % free_port(), 5)
    assert status is None and body == "" and "refused" in error.lower()


def test_tcp_connect(server):
    assert tcp_connect("127.0.0.1", server, 5) == ""
    assert "refused" in tcp_connect("127.0.0.1", free_port(), 5).lower()


def test_run_argv():
    assert run_argv([sys.executable, "-c", "print('ready')"], 10) == (0, "ready\n", "")
    rc, _out, error = run_argv([sys.executable, "-c", "import time; time.sleep(5)"], 0.3)
    assert rc is None and error == "timed out after 0.3s"
    rc, _out, error = run_argv(["/nonexistent/check"], 1)
    assert rc is None and error.startswith("cannot run /nonexistent/check: ")


def test_local_probe(server):
    spec = ProbeSpec(type="http", url="http://127.0.0.1:%d/sick" % server, expect_status=(503,))
    times = iter([10.0, 10.25])
    result = local_probe(spec, 3.0, 5.0, lambda: next(times))
    assert result.ok and result.t == 3.0 and result.duration == 0.25
    tcp = ProbeSpec(type="tcp", host="127.0.0.1", port=server)
    assert local_probe(tcp, 0.0, 5.0, lambda: 0.0).ok
    cmd = ProbeSpec(type="command", command=(sys.executable, "-c", "raise SystemExit(3)"))
    assert local_probe(cmd, 0.0, 5.0, lambda: 0.0).reason == "exit code 3"


def test_a_process_already_up_for_stable_for_needs_no_wait():
    v = Verification(opts(probe=HTTP), probing=True)
    settled = Sample(0.0, RUNNING, "active (running)", 100, 0, up_for=120.0)
    d = v.add_sample(settled)
    assert (d.verdict, d.next) == ("wait", "probe")
    v.add_probe(ok(0.1))
    assert v.add_sample(Sample(0.2, RUNNING, "active (running)", 100, 0, up_for=120.2)).verdict == "pass"


def test_a_process_up_for_a_second_still_waits_the_rest():
    v = Verification(opts(probe=HTTP), probing=True)
    d = v.add_sample(Sample(0.0, RUNNING, "active (running)", 100, 0, up_for=1.0))
    assert (d.verdict, d.next, d.delay) == ("wait", "sample", 0.5)
    d = feed(v, [Sample(t, RUNNING, "active (running)", 100, 0, up_for=1.0 + t) for t in (0.5, 1.0, 1.5)])
    assert (d.verdict, d.next) == ("wait", "sample")
    assert v.add_sample(Sample(2.0, RUNNING, "active (running)", 100, 0, up_for=3.0)).next == "probe"


def test_up_for_comes_from_the_main_process_start():
    s = unit_status(parse_systemctl_show((FIXTURES / "show-running-ssh.txt").read_text()))
    assert sample_from_unit(1.0, s, now_monotonic=s.main_start_monotonic_us / 1e6 + 42.5).up_for == 42.5
    assert sample_from_unit(1.0, s).up_for is None
