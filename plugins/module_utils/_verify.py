# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prove a service healthy: the decisions, shared by the Linux module and the action plugin.

A verification is a sequence of *samples* (what the service manager says: a state, the main
PID, a restart counter) and *probe results* (HTTP, TCP or a command). :class:`Verification`
reads them one at a time, in the order they were taken, and says after each one whether the
service passed, failed (and why), or what to take next and when. It never reads a clock or
sleeps: every sample and probe carries its own time, so the logic is the same on the host
(the Linux module) and on the controller (Windows, and probes from the controller), and it
is tested without waiting.

The rules, in order:

1. Reach *running* within ``running_timeout``. A service that is stopped, failed, not
   installed, or whose process exited and waits to be restarted, fails at once: nothing
   will make it healthy by waiting.
2. Stay running for ``stable_for`` seconds with the same main PID and no new restarts, so a
   crash loop that a restart policy hides (``Restart=always``, NSSM, recovery actions)
   fails here instead of passing on a lucky probe.
3. Probe until one attempt passes or the ``deadline`` passes. After every attempt one more
   sample is taken: a pass needs the process that answered to still be the one that was
   stable, and a crash while probing is reported as the crash it is.

The probes themselves (``http_get``, ``tcp_connect``, ``run_argv``) are at the end: three
standard-library calls, used by the module on the host and by the action on the controller.
"""
from __future__ import annotations

import functools
import http.client
import json
import re
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._runtime_state import ABSENT, FAILED, PAUSED, RESTARTING, RUNNING, STOPPED, sc_state, systemd_state
from ._sc_output import ScServiceStatus
from ._values import ValueProblem, check_line, scalar_text, seconds, whole_number
from ._release_plan import ReleaseError, check_base
from ._systemd_parse import SHOW_PROPERTIES, UnitStatus
from ._win_errors import describe_win32_error

# How often the service manager is asked while nothing else is due.
POLL_INTERVAL = 0.5
# How much of an HTTP body or command output is read, and how much is shown.
READ_LIMIT = 65536
SHOWN_LIMIT = 500

PROBE_TYPES = ("http", "tcp", "command", "none")
PROBE_FROM = ("host", "controller")


class VerifyError(ValueError):
    """Options that cannot be verified as given; the message names the option and the fix."""


def argument_spec() -> Dict[str, Any]:
    """The options of svcwright.services.verify, for the module and the action alike."""
    return dict(
        name=dict(type="str", required=True),
        deadline=dict(type="float", default=60.0),
        running_timeout=dict(type="float"),
        stable_for=dict(type="float", default=3.0),
        probe=dict(
            type="dict",
            options=dict(
                type=dict(type="str", choices=list(PROBE_TYPES), required=True),
                url=dict(type="str"),
                expect_status=dict(type="list", elements="int", default=[200]),
                body_regex=dict(type="str"),
                host=dict(type="str", default="127.0.0.1"),
                port=dict(type="int"),
                command=dict(type="list", elements="str"),
                timeout=dict(type="float", default=5.0),
                interval=dict(type="float", default=1.0),
                **{"from": dict(type="str", choices=list(PROBE_FROM))}
            ),
        ),
        logs=dict(type="list", elements="str", default=[]),
        log_lines=dict(type="int", default=30),
        base=dict(type="str"),
    )


# ---------------------------------------------------------------------------------------
# Options

@dataclass(frozen=True)
class ProbeSpec:
    """A validated probe. ``where`` is None until the caller decides (it depends on the host)."""

    type: str = "none"
    url: str = ""
    expect_status: Tuple[int, ...] = (200,)
    body_regex: Optional[str] = None
    host: str = "127.0.0.1"
    port: int = 0
    command: Tuple[str, ...] = ()
    timeout: float = 5.0
    interval: float = 1.0
    where: Optional[str] = None

    @property
    def enabled(self) -> bool:
        return self.type != "none"

    def describe(self) -> str:
        """The target, as the user wrote it, for messages."""
        if self.type == "http":
            return "GET %s" % self.url
        if self.type == "tcp":
            return "TCP connect to %s:%d" % (self.host, self.port)
        if self.type == "command":
            return "command %s" % " ".join(shlex.quote(a) for a in self.command)
        return "no probe"


@dataclass(frozen=True)
class VerifyOptions:
    name: str
    deadline: float = 60.0
    running_timeout: float = 60.0
    stable_for: float = 3.0
    probe: ProbeSpec = field(default_factory=ProbeSpec)
    logs: Tuple[str, ...] = ()
    log_lines: int = 30
    # The release base, where the result is recorded (None: the fixed per-service place).
    base: Optional[str] = None


# The longest verification and the longest single probe attempt that make sense in one task.
MAX_DEADLINE = 24 * 3600.0
MAX_ATTEMPT = 3600.0


def _fail(key: str, problem: str, fix: str) -> VerifyError:
    return VerifyError("%s: %s.%s" % (key, problem, " " + fix if fix else ""))


def _checked(key: str, rule: Callable[[Any], Any], value: Any) -> Any:
    try:
        return rule(value)
    except ValueProblem as exc:
        raise _fail(key, exc.problem, exc.fix) from None


def _argv(value: Any) -> List[str]:
    """A probe command: a list of words, each a string (a templated integer as its digits)."""
    if not isinstance(value, (list, tuple)):
        raise ValueProblem("must be a list, one item per argument, got %s" % (
            "the text %r" % value if isinstance(value, str) else type(value).__name__),
            "Write it as a list, e.g. [/usr/local/bin/check, --quick]: no shell splits it.")
    words = []
    for i, word in enumerate(value):
        try:
            text = scalar_text(word)
            if "\0" in text:
                raise ValueProblem("contains U+0000 (NUL)", "Remove it: no program can receive it.")
        except ValueProblem as exc:
            raise ValueProblem("item %d %s" % (i + 1, exc.problem), exc.fix) from None
        words.append(text)
    return words


def _statuses(value: Any) -> List[int]:
    items = value if isinstance(value, (list, tuple)) else [value]
    try:
        return [whole_number(s, 100, 599) for s in items]
    except ValueProblem as exc:
        raise ValueProblem(exc.problem + " (an HTTP status code)", "Use codes from 100 to 599, e.g. [200, 204].") from None


# The value rules of the options, by dotted name: plain_options applies them to the task's
# arguments before the argument spec sees them, and options_from_params again to what the
# module receives.
OPTION_RULES: Dict[str, Callable[[Any], Any]] = {
    "deadline": lambda v: seconds(v, 0.0, False, MAX_DEADLINE),
    "running_timeout": lambda v: seconds(v, 0.0, False, MAX_DEADLINE),
    "stable_for": lambda v: seconds(v, 0.0, True, MAX_DEADLINE),
    "probe.timeout": lambda v: seconds(v, 0.0, False, MAX_ATTEMPT),
    "probe.interval": lambda v: seconds(v, 0.0, False, MAX_ATTEMPT),
    "probe.port": lambda v: whole_number(v, 1, 65535),
    "probe.expect_status": _statuses,
    "probe.command": _argv,
    "log_lines": lambda v: whole_number(v, 1, 1000),
}


def _text(key: str, value: Any, what: str) -> str:
    """One visible line of text, not empty."""
    text = _checked(key, lambda v: check_line(scalar_text(v)), value)
    if not text.strip():
        raise _fail(key, "is empty", "Give %s." % what)
    return text


def options_from_params(params: Dict[str, Any], windows: bool = False) -> VerifyOptions:
    """Every value by its rule, then what the argument spec cannot check: relations between
    options, the URL, the regex."""
    name = _text("name", params.get("name"), "the service's name")
    deadline = _checked("deadline", OPTION_RULES["deadline"], params.get("deadline"))
    running_timeout = params.get("running_timeout")
    running_timeout = deadline if running_timeout is None else _checked(
        "running_timeout", OPTION_RULES["running_timeout"], running_timeout)
    if running_timeout > deadline:
        raise _fail("running_timeout", "must be at most deadline (%g), got %g" % (deadline, running_timeout),
                    "Raise deadline, or lower running_timeout.")
    stable_for = _checked("stable_for", OPTION_RULES["stable_for"], params.get("stable_for"))
    if stable_for >= deadline:
        raise _fail("stable_for", "must be less than deadline (%g), got %g" % (deadline, stable_for),
                    "The service must have time to stay up (and be probed) within the deadline: raise deadline, or "
                    "lower stable_for.")
    log_lines = _checked("log_lines", OPTION_RULES["log_lines"], params.get("log_lines"))
    logs = params.get("logs") or []
    if isinstance(logs, str):
        logs = [logs]
    return VerifyOptions(
        name=name,
        deadline=deadline,
        running_timeout=running_timeout,
        stable_for=stable_for,
        probe=probe_from_params(params.get("probe"), windows),
        logs=tuple(_log_path(i, p, windows) for i, p in enumerate(logs)),
        log_lines=log_lines,
        base=_base(params.get("base"), windows),
    )


def _log_path(index: int, value: Any, windows: bool) -> str:
    """A log file whose tail goes into a failure's evidence: an absolute path of the host."""
    key = "logs[%d]" % index
    path = _text(key, value, "the absolute path of a log file")
    absolute = re.match(r"^([A-Za-z]:[\\/]|\\\\)", path) if windows else path.startswith("/")
    if not absolute or ".." in re.split(r"[\\/]", path):
        raise _fail(key, "must be an absolute path without '..', got %r" % path,
                    "Give the full path, e.g. %s." % ("C:\\ProgramData\\hello\\out.log" if windows
                                                      else "/var/log/hello/out.log"))
    return path


def _base(value: Any, windows: bool) -> Optional[str]:
    """The release base the result is recorded in (None: the fixed per-service place)."""
    if value is None or value == "":
        return None
    try:
        return check_base(value, windows)
    except ReleaseError as exc:
        raise VerifyError(str(exc)) from None


# The option that names the target of each probe type; the others must not be given.
_MAIN_KEY = {"http": "url", "tcp": "port", "command": "command"}


def check_url(url: Any) -> str:
    """An http(s) URL with a host, one line, no spaces: what a probe can request as written."""
    text = _text("probe.url", url, "the full URL, e.g. http://127.0.0.1:8080/health")
    if re.search(r"\s", text):
        raise _fail("probe.url", "%r contains a space" % text, "Write it as %20 (or + in a query).")
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _fail("probe.url", "%r is not a valid URL (%s)" % (text, exc),
                    "Give the full URL, e.g. http://127.0.0.1:8080/health.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _fail("probe.url", "%r is not an http:// or https:// URL" % text,
                    "Give the full URL, e.g. http://127.0.0.1:8080/health.")
    if not parts.hostname:
        raise _fail("probe.url", "%r has no host" % text, "Give the full URL, e.g. http://127.0.0.1:8080/health.")
    if port == 0:
        raise _fail("probe.url", "%r has port 0" % text, "Give the port the service listens on (1 to 65535).")
    return text


def probe_from_params(probe: Optional[Dict[str, Any]], windows: bool = False) -> ProbeSpec:
    if not probe or probe.get("type") in (None, "none"):
        return ProbeSpec()
    kind = probe["type"]
    expect = tuple(_checked("probe.expect_status", _statuses, probe.get("expect_status") or [200]))
    regex = probe.get("body_regex")
    if regex is not None:
        regex = _checked("probe.body_regex", scalar_text, regex)
        try:
            re.compile(regex)
        except re.error as exc:
            raise _fail("probe.body_regex", "%r is not a valid regular expression (%s)" % (regex, exc),
                        "Use Python re syntax; it is searched anywhere in the body or output.")
    timeout = _checked("probe.timeout", OPTION_RULES["probe.timeout"], probe.get("timeout"))
    interval = _checked("probe.interval", OPTION_RULES["probe.interval"], probe.get("interval"))
    url = probe.get("url") or ""
    port = probe.get("port") or 0
    command = tuple(_checked("probe.command", _argv, probe.get("command") or []))
    host = probe.get("host")
    if kind == "http":
        if not url:
            raise _fail("probe.url", "is required for an http probe",
                        "Give the full URL, e.g. http://127.0.0.1:8080/health.")
        url = check_url(url)
    elif kind == "tcp":
        if not port:
            raise _fail("probe.port", "is required for a tcp probe (1 to 65535)", "Give the port the service listens on.")
        port = _checked("probe.port", OPTION_RULES["probe.port"], port)
        host = _text("probe.host", host, "a host name or address, e.g. 127.0.0.1")
        if re.search(r"\s", host):
            raise _fail("probe.host", "%r contains a space" % host, "Give a host name or address, e.g. 127.0.0.1.")
    elif kind == "command":
        if not command or not command[0]:
            raise _fail("probe.command", "is required for a command probe", "Give the argv as a list, e.g. "
                        "[/usr/local/bin/check, --quick]; it passes when it exits 0.")
        if windows:
            # On Windows the command runs through the connection's shell, as one command line.
            for i, word in enumerate(command):
                _checked("probe.command", functools.partial(_item, i), word)
    ignored = [k for k, v in (("url", url), ("port", port), ("command", command)) if v and k != _MAIN_KEY[kind]]
    if ignored:
        raise _fail("probe.%s" % ignored[0], "does not apply to a %s probe" % kind,
                    "Remove it, or set probe.type to the probe you mean.")
    return ProbeSpec(type=kind, url=url, expect_status=expect, body_regex=regex, host=host or "",
                     port=port, command=command, timeout=timeout, interval=interval, where=probe.get("from"))


def _item(i: int, word: str) -> str:
    try:
        return check_line(word)
    except ValueProblem as exc:
        raise ValueProblem("item %d %s" % (i + 1, exc.problem), exc.fix) from None


# ---------------------------------------------------------------------------------------
# Samples and probe results


@dataclass(frozen=True)
class Sample:
    """What the service manager said at time ``t`` (seconds since the verification began).

    ``detail`` is the manager's own words for the state (``active (running)``, ``RUNNING``).
    ``pid`` is the main process (under NSSM: the application, not NSSM), None when the host
    does not say (Wine's sc.exe has no queryex). ``restarts`` is the manager's count of
    automatic restarts (systemd's NRestarts), None where there is none (Windows).
    ``up_for`` is how long the main process had been running when the sample was taken, when
    the manager says (systemd); a process already up that long needs no further wait.
    """

    t: float
    state: str
    detail: str
    pid: Optional[int] = None
    restarts: Optional[int] = None
    up_for: Optional[float] = None

    def as_dict(self) -> Dict[str, Any]:
        return dict(state=self.state, detail=self.detail, pid=self.pid, restarts=self.restarts)

    def describe(self) -> str:
        text = self.detail
        if self.pid:
            text += ", main PID %d" % self.pid
        if self.restarts is not None:
            text += ", %d restart%s counted by the service manager" % (self.restarts, _s(self.restarts))
        return text


def _s(n: int) -> str:
    return "" if n == 1 else "s"


_EXEC_CODES = {1: "exited with status %d", 2: "killed by signal %d", 3: "dumped core (signal %d)"}


def sample_from_unit(t: float, status: UnitStatus, now_monotonic: Optional[float] = None) -> Sample:
    """A sample from ``systemctl show``. With ``now_monotonic`` (the host's CLOCK_MONOTONIC
    in seconds, the clock of ExecMainStartTimestampMonotonic) the sample says how long the
    main process has been up."""
    active, sub = status.active_state, status.sub_state
    detail = "%s (%s)" % (active, sub) if sub else active
    if not status.exists:
        return Sample(t, ABSENT, "not installed (LoadState %s)" % (status.load_state or "empty"))
    state = systemd_state(status.load_state, active, sub)
    if state == FAILED:
        # A verification decides on whether anything starts the service again: nothing
        # starts a failed unit, as nothing starts a stopped one (the detail says which).
        state = STOPPED
    if state in (RESTARTING, STOPPED) and status.exec_main_code in _EXEC_CODES:
        detail += ", its last process %s" % (_EXEC_CODES[status.exec_main_code] % status.exec_main_status)
        if status.result and status.result != "success":
            detail += " (result %s)" % status.result
    up_for = None
    if state == RUNNING and now_monotonic is not None and status.main_start_monotonic_us > 0:
        up_for = max(0.0, now_monotonic - status.main_start_monotonic_us / 1e6)
    return Sample(t, state, detail, status.main_pid or None, status.n_restarts, up_for)


def sample_from_sc(t: float, status: Optional[ScServiceStatus], wrapped: bool = False,
                   app_pid: Optional[int] = None) -> Sample:
    """A sample from ``sc queryex``/``sc query`` (None: the service does not exist).

    ``wrapped``: the service is NSSM, so the SCM's PID is NSSM's own and says nothing about the
    application; ``app_pid`` (from ``nssm processes``) is the process that must stay the same.
    NSSM keeps the service RUNNING (or PAUSED, while it throttles) when the application
    exits, and restarts it: a missing application process means just that.
    """
    if status is None:
        return Sample(t, ABSENT, "not installed")
    detail = status.state_name
    state = sc_state(status.state)
    # 1077 (never started since boot) is what Wine reports for a program that exited at once: no news.
    if state == STOPPED and status.win32_exit_code not in (None, 0, 1077):
        detail += " (WIN32_EXIT_CODE %s" % describe_win32_error(status.win32_exit_code)
        if status.win32_exit_code == 1066 and status.service_exit_code is not None:
            detail += "; SERVICE_EXIT_CODE %d" % status.service_exit_code
        detail += ")"
    if not wrapped:
        return Sample(t, state, detail, status.pid or None)
    if state == PAUSED:
        return Sample(t, RESTARTING, detail + " (NSSM waits to restart the application)")
    if state == RUNNING and not app_pid:
        return Sample(t, RESTARTING, detail + ", but NSSM has no application process (it exited)")
    return Sample(t, state, detail, app_pid)


_NSSM_PROCESS = re.compile(r"^\s*(\d+) (\s*)(\S.*?)\s*$")


def nssm_app_pid(output: str, application: Optional[str]) -> Optional[int]:
    """The application's PID from ``nssm processes NAME``: NSSM's own line first, then its
    process tree, one more space of indent per level (``     612  C:\\app\\hello.exe``).
    The application is NSSM's child whose image is ``application``; failing that, its first
    child that is not a console host."""
    children: List[Tuple[int, str]] = []
    for line in output.splitlines():
        m = _NSSM_PROCESS.match(line)
        if m and len(m.group(2)) == 1:
            children.append((int(m.group(1)), m.group(3)))
    wanted = (application or "").strip().strip('"').lower().replace("/", "\\")
    for pid, image in children:
        if wanted and image.lower().replace("/", "\\") == wanted:
            return pid
    for pid, image in children:
        if not image.lower().endswith("\\conhost.exe"):
            return pid
    return None


@dataclass(frozen=True)
class ProbeResult:
    """One probe attempt, begun at ``t`` and taking ``duration`` seconds. ``status`` is the
    HTTP status or the command's exit code; ``body`` the start of the body or output;
    ``error`` why no answer came (refused, timed out); ``reason`` why it did not pass."""

    t: float
    duration: float
    ok: bool
    status: Optional[int] = None
    body: str = ""
    error: str = ""
    reason: str = ""

    def describe(self) -> str:
        if self.error:
            return self.error
        text = "status %s" % self.status
        if self.body.strip():
            text += ", body %s" % shown(self.body)
        return text


def shown(text: str, limit: int = SHOWN_LIMIT) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[:limit] + "...")


def http_result(t: float, duration: float, probe: ProbeSpec, status: Optional[int], body: str,
                error: str = "") -> ProbeResult:
    body = body[:READ_LIMIT]
    if status is None:
        return ProbeResult(t, duration, False, None, "", error or "no answer", error or "no answer")
    if status not in probe.expect_status:
        expected = ", ".join(str(s) for s in probe.expect_status)
        return ProbeResult(t, duration, False, status, body, "",
                           "status %d, expected %s" % (status, expected))
    if probe.body_regex is not None and not re.search(probe.body_regex, body):
        return ProbeResult(t, duration, False, status, body, "", "the body does not match %r" % probe.body_regex)
    return ProbeResult(t, duration, True, status, body)


def tcp_result(t: float, duration: float, error: str) -> ProbeResult:
    return ProbeResult(t, duration, not error, None, "", error, error)


def command_result(t: float, duration: float, probe: ProbeSpec, rc: Optional[int], output: str,
                   error: str = "") -> ProbeResult:
    output = output[:READ_LIMIT]
    if rc is None:
        return ProbeResult(t, duration, False, None, output, error or "did not run", error or "did not run")
    if rc != 0:
        return ProbeResult(t, duration, False, rc, output, "", "exit code %d" % rc)
    if probe.body_regex is not None and not re.search(probe.body_regex, output):
        return ProbeResult(t, duration, False, rc, output, "", "the output does not match %r" % probe.body_regex)
    return ProbeResult(t, duration, True, rc, output)


# ---------------------------------------------------------------------------------------
# The decisions

@dataclass(frozen=True)
class Decision:
    """``verdict``: wait, pass or fail. While waiting, take ``next`` (sample or probe) after
    ``delay`` seconds. A failure has a ``kind`` (absent, stopped, restarting, restarted,
    pid_changed, left_running, never_running, too_late, probe_failed) and a ``reason``."""

    verdict: str
    next: str = ""
    delay: float = 0.0
    kind: str = ""
    reason: str = ""


HINTS = {
    "absent": "Check the name, or create the service first (svcwright.services.systemd_unit, win_service or "
              "win_nssm).",
    "stopped": "Nothing will start it again by itself: see below why it stopped.",
    "restarting": "Its process exited: see below why.",
    "restarted": "It crashed and the restart policy started it again (a crash loop hidden by the restart "
                 "policy): see below why.",
    "pid_changed": "Its main process was replaced: it crashed and was restarted, see below why.",
    "left_running": "See below why.",
    "never_running": "If it is only slow to start, raise running_timeout (and deadline); else see below why.",
    "too_late": "Raise deadline, or see below why it was slow to start.",
    "probe_failed": "The service runs but does not answer as expected: check the probe (address, port, "
                    "expect_status, body_regex) and the lines below.",
}


class Verification:
    """Feed samples and probe results in the order they were taken; each call returns what
    to do next. ``stable_for`` and the timeouts count from the samples' own times."""

    def __init__(self, opts: VerifyOptions, probing: bool, poll: float = POLL_INTERVAL) -> None:
        self.opts = opts
        self.probing = probing
        self.poll = poll
        self.first: Optional[Sample] = None
        self.anchor: Optional[Sample] = None  # the first running sample: what must stay the same
        self.last: Optional[Sample] = None
        self.transitions: List[str] = []
        self.attempts = 0
        self.first_probe: Optional[ProbeResult] = None
        self.last_probe: Optional[ProbeResult] = None
        self.decision = Decision("wait", "sample")

    # -- input ------------------------------------------------------------------------------
    def add_sample(self, s: Sample) -> Decision:
        if self.first is None:
            self.first = s
        if self.last is None or (s.state, s.detail, s.pid) != (self.last.state, self.last.detail, self.last.pid):
            self.transitions.append("%.1f s: %s" % (s.t, s.describe()))
        self.last = s
        self.decision = self._judge(s)
        return self.decision

    def add_probe(self, p: ProbeResult) -> Decision:
        self.attempts += 1
        if self.first_probe is None:
            self.first_probe = p
        self.last_probe = p
        # Whatever the answer, ask the manager again: a pass needs the same process still up,
        # and a failed attempt may be a crash, which the next sample names better.
        self.decision = Decision("wait", "sample", 0.0)
        return self.decision

    # -- the rules --------------------------------------------------------------------------
    def _judge(self, s: Sample) -> Decision:
        opts, anchor = self.opts, self.anchor
        first = self.first or s
        if s.state == ABSENT:
            return self._fail("absent", "is not installed on this host")
        if s.restarts is not None and first.restarts is not None and s.restarts > first.restarts:
            n = s.restarts - first.restarts
            return self._fail("restarted", "restarted %d time%s during the verification (in %.1f s; the service "
                              "manager's count went from %d to %d), now %s"
                              % (n, _s(n), s.t, first.restarts, s.restarts, s.detail))
        if anchor is not None and anchor.pid and s.pid and s.pid != anchor.pid:
            return self._fail("pid_changed", "was replaced: its main PID changed from %d to %d %.1f s after it "
                              "was running, now %s" % (anchor.pid, s.pid, s.t - anchor.t, s.detail))
        if s.state == STOPPED:
            if anchor is not None:
                return self._fail("stopped", "stopped %.1f s after it was running: %s" % (s.t - anchor.t, s.detail))
            return self._fail("stopped", "is not running: %s" % s.detail)
        if s.state == RESTARTING:
            when = "" if anchor is None else " %.1f s after it was running" % (s.t - anchor.t)
            return self._fail("restarting", "is not running: its process exited%s and the service manager will "
                              "restart it: %s" % (when, s.detail))
        if anchor is None:
            if s.state != RUNNING:
                if s.t >= opts.running_timeout:
                    return self._fail("never_running", "did not reach running within %gs (running_timeout): %s"
                                      % (opts.running_timeout, s.detail))
                return Decision("wait", "sample", min(self.poll, opts.running_timeout - s.t))
            self.anchor = anchor = s
            if s.t + opts.stable_for - (s.up_for or 0.0) > opts.deadline:
                return self._fail("too_late", "reached running only after %.1f s, too late to stay up for %gs "
                                  "(stable_for) within the deadline of %gs" % (s.t, opts.stable_for, opts.deadline))
        elif s.state != RUNNING:
            return self._fail("left_running", "left running %.1f s after it got there: %s" % (s.t - anchor.t, s.detail))
        # Time the same process was already up before the first running sample counts too: a
        # service that has run unchanged for minutes has nothing left to prove.
        up = s.t - anchor.t + (anchor.up_for or 0.0)
        if up < opts.stable_for:
            return Decision("wait", "sample", min(self.poll, opts.stable_for - up))
        if not self.probing or (self.last_probe is not None and self.last_probe.ok):
            return Decision("pass")
        if s.t >= opts.deadline:
            return self._fail("probe_failed", self._probe_failure())
        # The last attempt comes at the deadline itself, even if sooner than interval after the one before.
        next_at = s.t if self.last_probe is None else min(self.last_probe.t + opts.probe.interval, opts.deadline)
        return Decision("wait", "probe", max(0.0, next_at - s.t))

    def _fail(self, kind: str, reason: str) -> Decision:
        return Decision("fail", kind=kind, reason=reason)

    def _probe_failure(self) -> str:
        probe, last = self.opts.probe, self.last_probe
        if last is None:
            return "was never probed: no time was left before the deadline of %gs" % self.opts.deadline
        return ("failed its probe: %s did not pass within the deadline of %gs (%d attempt%s over %.1f s); the last one: %s"
                % (probe.describe(), self.opts.deadline, self.attempts, _s(self.attempts), self.probe_elapsed(),
                   last.reason if last.reason and last.reason != last.error else last.describe())
                + ("" if last.error or not last.body.strip() else ", body %s" % shown(last.body)))

    # -- output -----------------------------------------------------------------------------
    def attempt_timeout(self, now: float) -> float:
        """The time an attempt begun at ``now`` may take: the probe's timeout, never past the
        deadline (but long enough to connect at all)."""
        return max(0.5, min(self.opts.probe.timeout, self.opts.deadline - now))

    def probe_elapsed(self) -> float:
        if self.first_probe is None or self.last_probe is None:
            return 0.0
        return self.last_probe.t + self.last_probe.duration - self.first_probe.t

    def result(self) -> Dict[str, Any]:
        """The task's return values (without the evidence of a failure)."""
        probe = self.opts.probe
        last = self.last_probe
        return dict(
            status=self.last.as_dict() if self.last else {},
            probe=dict(
                type=probe.type,
                target=probe.describe() if probe.enabled else "",
                **{"from": probe.where if probe.enabled else None},
                attempts=self.attempts,
                passed=bool(last and last.ok),
                last_status=last.status if last else None,
                last_body=last.body[:SHOWN_LIMIT] if last else "",
                last_error=last.error if last else "",
                elapsed=round(self.probe_elapsed(), 2),
            ),
            transitions=list(self.transitions),
        )


def drive(v: Verification, take_sample: Callable[[], Sample], take_probe: Callable[[], ProbeResult],
          sleep: Callable[[float], None]) -> Decision:
    """Take samples and probes as ``v`` asks until it passes or fails."""
    decision = v.decision
    while decision.verdict == "wait":
        if decision.delay > 0:
            sleep(decision.delay)
        decision = v.add_probe(take_probe()) if decision.next == "probe" else v.add_sample(take_sample())
    return decision


# ---------------------------------------------------------------------------------------
# The error message

@dataclass
class Evidence:
    """What the host says about a failure: journal lines (Linux), log file tails, SCM events
    (Windows), and notes on what could not be read."""

    journal: List[str] = field(default_factory=list)
    journal_scope: str = ""
    log_tails: Dict[str, List[str]] = field(default_factory=dict)
    events: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def failure_message(host: str, name: str, v: Verification, evidence: Evidence) -> str:
    d = v.decision
    lines = ["host %s: service %r %s" % (host, name, d.reason)]
    if v.last is not None and d.kind in ("probe_failed", "too_late"):
        # The other reasons already end with the state.
        lines.append("last state (%.1f s): %s" % (v.last.t, v.last.describe()))
    if v.attempts and d.kind != "probe_failed" and v.last_probe is not None:
        lines.append("probe: %d attempt%s, the last one: %s"
                     % (v.attempts, _s(v.attempts), v.last_probe.reason or "passed"))
    if evidence.journal:
        lines.append("last journal lines%s:" % (" (%s)" % evidence.journal_scope if evidence.journal_scope else ""))
        lines.extend("  " + line for line in evidence.journal)
    for path, tail in evidence.log_tails.items():
        lines.append("last lines of %s:" % path)
        lines.extend("  " + line for line in tail)
    if evidence.events:
        lines.append("last Service Control Manager events:")
        lines.extend("  " + line for line in evidence.events)
    lines.extend(evidence.notes)
    if d.kind in HINTS:
        lines.append(HINTS[d.kind])
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Linux: what to run on the host (by the module, or raw from the action)

EVIDENCE_MARK = "@@svcwright-verify@@"
UNREADABLE = "(cannot be read: missing, or no permission)"


def systemctl_show_command(unit: str) -> List[str]:
    return ["systemctl", "show", unit, "--property=" + ",".join(SHOW_PROPERTIES)]


def linux_evidence_script(unit: str, since: int, lines: int, paths: Sequence[str]) -> str:
    """A POSIX sh script that prints the unit's journal lines since ``since`` (Unix time),
    or its last lines when there are none since, then the last lines of each file in
    ``paths``, each part after a marker line. Read it back with :func:`parse_linux_evidence`."""
    q = shlex.quote
    journal = "journalctl -u %s -n %d --no-pager -o short-iso -q" % (q(unit), lines)
    parts = [
        "export LC_ALL=C SYSTEMD_PAGER= SYSTEMD_COLORS=0",
        "if command -v journalctl >/dev/null 2>&1; then",
        "  out=$(%s --since @%d 2>/dev/null)" % (journal, since),
        "  if [ -n \"$out\" ]; then echo %s; else echo %s; out=$(%s 2>/dev/null); fi"
        % (q(EVIDENCE_MARK + " journal since"), q(EVIDENCE_MARK + " journal last"), journal),
        "  printf '%s\\n' \"$out\"",
        "fi",
    ]
    for i, path in enumerate(paths):
        parts.append("echo %s" % q("%s file %d" % (EVIDENCE_MARK, i)))
        parts.append("if [ -r %s ]; then tail -n %d -- %s; else echo %s; fi"
                     % (q(path), lines, q(path), q(EVIDENCE_MARK + " unreadable")))
    return "\n".join(parts) + "\n"


def parse_linux_evidence(output: str, paths: Sequence[str]) -> Evidence:
    evidence = Evidence()
    current: Optional[List[str]] = None
    for line in output.splitlines():
        if line.startswith(EVIDENCE_MARK + " "):
            word = line[len(EVIDENCE_MARK) + 1:].split()
            if word[:1] == ["journal"]:
                evidence.journal_scope = ("since just before the verification began" if word[1:] == ["since"]
                                          else "none since just before the verification began; the last ones")
                current = evidence.journal
            elif word[:1] == ["file"] and len(word) == 2 and word[1].isdigit() and int(word[1]) < len(paths):
                current = evidence.log_tails.setdefault(paths[int(word[1])], [])
            elif word == ["unreadable"] and current is not None:
                current.append(UNREADABLE)
            continue
        if current is not None and line.strip():
            current.append(line)
    return evidence


# ---------------------------------------------------------------------------------------
# The probes: standard library only, run on the host (module) or the controller (action)

def http_get(url: str, timeout: float) -> Tuple[Optional[int], str, str]:
    """(status, body, error) of a GET; a 4xx/5xx answer is an answer, not an error. Proxies
    from the environment are not used: a health check must reach the service itself."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"User-Agent": "svcwright-verify"})
    try:
        with opener.open(request, timeout=timeout) as resp:
            return resp.getcode(), _read_body(resp), ""
    except urllib.error.HTTPError as exc:
        return exc.code, _read_body(exc), ""
    except urllib.error.URLError as exc:
        return None, "", _describe_error(exc.reason)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, "", _describe_error(exc)


def _read_body(resp: Any) -> str:
    try:
        return resp.read(READ_LIMIT).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return "(the body could not be read: %s)" % _describe_error(exc)


def _describe_error(exc: Any) -> str:
    if isinstance(exc, socket.timeout):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def tcp_connect(host: str, port: int, timeout: float) -> str:
    """'' when a TCP connection to host:port opens within ``timeout``, else why not."""
    try:
        conn = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        return _describe_error(exc)
    conn.close()
    return ""


def run_argv(argv: Sequence[str], timeout: float) -> Tuple[Optional[int], str, str]:
    """(exit code, stdout and stderr, error) of a program run with no shell; a program that
    outlives ``timeout`` is killed and has no exit code."""
    try:
        proc = subprocess.run(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        out = exc.output or b""
        return None, out[:READ_LIMIT].decode("utf-8", "replace"), "timed out after %gs" % timeout
    except OSError as exc:
        return None, "", "cannot run %s: %s" % (argv[0], _describe_error(exc))
    return proc.returncode, proc.stdout[:READ_LIMIT].decode("utf-8", "replace"), ""


def local_probe(probe: ProbeSpec, t: float, timeout: float, clock: Callable[[], float]) -> ProbeResult:
    """One attempt of ``probe`` from where this code runs; ``clock`` measures its duration."""
    start = clock()
    if probe.type == "http":
        status, body, error = http_get(probe.url, timeout)
        return http_result(t, clock() - start, probe, status, body, error)
    if probe.type == "tcp":
        return tcp_result(t, clock() - start, tcp_connect(probe.host, probe.port, timeout))
    rc, output, error = run_argv(probe.command, timeout)
    return command_result(t, clock() - start, probe, rc, output, error)


# ---------------------------------------------------------------------------------------
# The record of the last verification, which service_info reports

VERIFY_RECORD_FILE = ".svcwright-verify.json"
VERIFY_DIR_LINUX = "/var/lib/svcwright/verify"
VERIFY_DIR_WINDOWS = "C:\\ProgramData\\svcwright\\verify"
RECORD_FORMAT = 1
_FILE_WORD = re.compile(r"[A-Za-z0-9._-]")


def record_file_name(name: str) -> str:
    """The per-service file name: a service name may hold characters no file name can
    (``/``, ``*``, ``:``), or that cmd.exe would expand (``%``); each is written as ``~`` and
    its code point, so two names never share a file."""
    word = "".join(c if _FILE_WORD.match(c) and c != "~" else "~%04x" % ord(c) for c in name)
    return ("~" + word if word.startswith(".") else word) + ".json"


def record_path(name: str, base: Optional[str], windows: bool) -> str:
    """Where a verification of ``name`` is recorded: in the release base when it is known,
    else in the fixed per-service place."""
    if base:
        return (base.rstrip("\\") + "\\" if windows else base.rstrip("/") + "/") + VERIFY_RECORD_FILE
    if windows:
        return VERIFY_DIR_WINDOWS + "\\" + record_file_name(name)
    return VERIFY_DIR_LINUX + "/" + record_file_name(name)


def record_paths(name: str, base: Optional[str], windows: bool) -> List[str]:
    """Every place a verification of ``name`` may be recorded, the release base first."""
    return ([record_path(name, base, windows)] if base else []) + [record_path(name, None, windows)]


def utc_iso(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))


def verify_record(name: str, when: float, passed: bool, reason: str, pid: Optional[int],
                  version: Optional[str]) -> Dict[str, Any]:
    """The record of one verification: the reason is one line (the first of the message)."""
    lines = (reason or "").strip().splitlines()
    return dict(format=RECORD_FORMAT, name=name, time=utc_iso(when), passed=bool(passed),
                reason="" if passed else (lines[0][:SHOWN_LIMIT] if lines else "failed"),
                pid=pid if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 else None,
                version=version or None)


def encode_record(record: Dict[str, Any]) -> str:
    # ASCII only: the file reads back the same through any code page (`type` on Windows).
    return json.dumps(record, sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"


def decode_record(text: Optional[str]) -> Optional[Dict[str, Any]]:
    """A record this collection wrote, None for anything else (no file, another format)."""
    if text is None or not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or not isinstance(data.get("passed"), bool):
        return None
    when = data.get("time")
    if not isinstance(when, str) or not re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z", when):
        return None
    pid = data.get("pid")
    version = data.get("version")
    reason = data.get("reason")
    return dict(time=when, passed=data["passed"], reason=reason if isinstance(reason, str) else "",
                pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
                version=version if isinstance(version, str) else None)


def latest_record(texts: Sequence[Optional[str]]) -> Optional[Dict[str, Any]]:
    """The most recent of the records read (ISO UTC times sort as text)."""
    records = [r for r in (decode_record(t) for t in texts) if r is not None]
    return max(records, key=lambda r: r["time"]) if records else None


def linux_record_command(path: str, record: Dict[str, Any], base: Optional[str]) -> str:
    """A POSIX sh command that writes ``record`` to ``path`` (atomically, by rename), with the
    version read from ``<base>/current`` on the host when a base is given."""
    directory = path.rsplit("/", 1)[0] or "/"
    tmp = path + ".new"
    text = shlex.quote(encode_record(dict(record, version=None)).rstrip("\n"))
    write = "printf '%%s\\n' %s > %s" % (text, shlex.quote(tmp))
    if base:
        # The version is a release name (letters, digits, '.', '_', '-'), so it goes into the
        # JSON text unescaped; anything else leaves it null.
        link = shlex.quote(base.rstrip("/") + "/current")
        write = ("v=$(basename \"$(readlink %s)\" 2>/dev/null); case $v in ''|*[!A-Za-z0-9._-]*) v=null ;; "
                 "*) v=\\\"$v\\\" ;; esac; printf '%%s\\n' %s | sed \"s/\\\"version\\\":null/\\\"version\\\":$v/\" > %s"
                 % (link, text, shlex.quote(tmp)))
    return "mkdir -p %s && { %s; } && mv -f %s %s" % (
        shlex.quote(directory), write, shlex.quote(tmp), shlex.quote(path))
