# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read what nssm.exe (2.24 and 2.24-101+) prints.

NSSM's own messages are English on every system; the system messages it quotes are the
host's (translated, or Wine's short texts such as ``Service not active.``). Lines end in
``\\r\\r\\n`` when NSSM writes through a pipe, and NSSM may write UTF-16LE on real Windows:
:mod:`._win_text` handles both. Exit codes (measured with NSSM 2.24-101 under Wine 8, and
NSSM's own, so the same on Windows): 0 success (also ``stop`` of a stopped service, which
prints ``NAME: STOP: <message for 1062>`` on stderr), 1 bad parameter or usage, 3 the
service cannot be opened (``Can't open service!``), 5 ``install`` of an existing service,
6 a ``set`` that failed (``Error setting parameter ...``).

* ``nssm status NAME``: one line, ``SERVICE_RUNNING``, ``SERVICE_STOPPED``,
  ``SERVICE_PAUSED`` (NSSM waits out a restart delay paused), ``SERVICE_START_PENDING``...
* ``nssm get NAME PARAM [SUB]``: the value; multi-valued parameters (AppEnvironment,
  AppEnvironmentExtra, DependOnService, DependOnGroup) one item per line; ``AppExit``
  needs a subparameter (an exit code or ``Default``).
* ``nssm dump NAME`` (2.24-101 and later only; 2.24 has no dump): the commands that
  recreate the service, for cmd.exe::

      C:\\nssm\\nssm.exe install "Tst Svc" C:\\windows\\system32\\cmd.exe
      C:\\nssm\\nssm.exe set "Tst Svc" AppParameters ^"/c echo a b x^\\^"y tr^\\^\\^"
      C:\\nssm\\nssm.exe set "Tst Svc" AppExit Default Restart
      C:\\nssm\\nssm.exe set "Tst Svc" AppEnvironmentExtra :A=1
      C:\\nssm\\nssm.exe set "Tst Svc" AppEnvironmentExtra "+B=two words"

  Each argument is quoted by the C runtime rules; one that holds any of ``" & ^ % < > |``
  is always quoted and then every ``"``, ``\\`` and one of those characters carries a
  ``^`` for cmd.exe (``^"a^&b^"``). Environment items carry ``:`` (the first, which
  replaces the list) or ``+`` (appended). Seen under Wine: with an exit-code-specific
  AppExit action set, dump printed ``AppExit Default Restart`` once per AppExit value and
  never the specific one, so read specific exit actions with ``nssm get NAME AppExit N``
  or from the registry (``_reg_output.nssm_parameters_from_reg``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

from ._sc_output import SERVICE_STATES
from ._win_cmdline import CommandLineError, cmd_unescape, split_cmdline
from ._win_errors import win32_code_for_message
from ._win_text import Text, WinOutputParseError, excerpt, to_lines, to_text

NssmValue = Union[str, int, List[str], Dict[str, str]]

# NSSM's status words are the SERVICE_* names of the SCM states.
NSSM_STATES: Dict[str, int] = {"SERVICE_" + name: n for n, name in SERVICE_STATES.items()}

# Parameters whose value is a number.
NSSM_NUMBER_PARAMETERS = frozenset((
    "AppThrottle", "AppRestartDelay", "AppStopMethodSkip", "AppStopMethodConsole",
    "AppStopMethodWindow", "AppStopMethodThreads", "AppKillProcessTree", "AppNoConsole",
    "AppRotateFiles", "AppRotateOnline", "AppRotateSeconds", "AppRotateBytes",
    "AppRotateBytesHigh", "AppRotateDelay", "AppTimestampLog", "AppRedirectHook",
    "AppStdinShareMode", "AppStdinCreationDisposition", "AppStdinFlagsAndAttributes",
    "AppStdoutShareMode", "AppStdoutCreationDisposition", "AppStdoutFlagsAndAttributes",
    "AppStdoutCopyAndTruncate", "AppStderrShareMode", "AppStderrCreationDisposition",
    "AppStderrFlagsAndAttributes", "AppStderrCopyAndTruncate",
))
# Parameters with several values: one per line from `get`, one per argument in `dump`.
NSSM_LIST_PARAMETERS = frozenset(("AppEnvironment", "AppEnvironmentExtra",
                                  "DependOnService", "DependOnGroup"))
_ENVIRONMENT_PARAMETERS = frozenset(("AppEnvironment", "AppEnvironmentExtra"))


class NssmError(WinOutputParseError):
    """NSSM reported a failure; ``messages`` holds what it printed, classified."""

    def __init__(self, message: str, messages: "List[NssmMessage]") -> None:
        super().__init__(message)
        self.messages = messages


@dataclass(frozen=True)
class NssmMessage:
    """One classified NSSM line.

    ``kind`` is one of: installed, removed, set, reset (the value equalled the default),
    control (``NAME: START: <system message>``; ``code`` is the Win32 code of the message
    when it is a known English or Wine text), unexpected_status (``NAME: Unexpected status
    SERVICE_PAUSED in response to START control.``), cant_open_service, error_creating,
    api_error (``OpenService(): <message>``, ``CreateService(): <message>``, with
    ``code``), invalid_parameter, requires_subparameter, error_setting, status
    (``SERVICE_RUNNING``), usage, other.
    """

    kind: str
    text: str
    service: Optional[str] = None
    parameter: Optional[str] = None
    control: Optional[str] = None
    status: Optional[str] = None
    function: Optional[str] = None
    message: Optional[str] = None
    code: Optional[int] = None


_PATTERNS = (
    ("installed", re.compile(r'^Service "(?P<service>.*)" installed successfully!$')),
    ("removed", re.compile(r'^Service "(?P<service>.*)" removed successfully!$')),
    ("set", re.compile(r'^Set parameter "(?P<parameter>[^"]*)" for service '
                       r'"(?P<service>.*)"\.$')),
    ("reset", re.compile(r'^Reset parameter "(?P<parameter>[^"]*)" for service '
                         r'"(?P<service>.*)" to its default\.$')),
    ("cant_open_service", re.compile(r"^Can't open service!$")),
    ("error_creating", re.compile(r"^Error creating service!$")),
    ("invalid_parameter", re.compile(r'^Invalid parameter "(?P<parameter>[^"]*)"')),
    ("requires_subparameter", re.compile(r'^Parameter "(?P<parameter>[^"]*)" requires a '
                                         r'subparameter!$')),
    ("error_setting", re.compile(r'^Error setting parameter "(?P<parameter>[^"]*)" for '
                                 r'service "(?P<service>.*)"!$')),
    ("status", re.compile(r"^\W*(?P<status>SERVICE_[A-Z_]+)$")),
    ("usage", re.compile(r"^(?:NSSM: The non-sucking service manager|Usage: nssm )")),
    ("api_error", re.compile(r"^(?P<function>[A-Za-z]+)\(\): (?P<message>.*)$")),
    ("unexpected_status", re.compile(r"^(?P<service>.+?): Unexpected status "
                                     r"(?P<status>SERVICE_[A-Z_]+) in response to "
                                     r"(?P<control>[A-Z]+) control\.$")),
    ("control", re.compile(r"^(?P<service>.+?): (?:(?P<control>[A-Z]+): )?"
                           r"(?P<message>.+)$")),
)


def classify_nssm_output(output: Text) -> List[NssmMessage]:
    """Classify every non-empty line NSSM printed (stdout and stderr can be passed
    together). After ``Invalid parameter``, the list of valid parameter names that NSSM
    prints is skipped; so is the rest of its usage text."""
    messages: List[NssmMessage] = []
    for line in to_lines(output):
        text = line.strip()
        if not text:
            continue
        if messages and messages[-1].kind in ("invalid_parameter", "usage"):
            continue
        kind, m = "other", None
        for name, pattern in _PATTERNS:
            m = pattern.match(text)
            if m:
                kind = name
                break
        groups = m.groupdict() if m else {}
        message = groups.get("message")
        messages.append(NssmMessage(
            kind=kind,
            text=text,
            service=groups.get("service"),
            parameter=groups.get("parameter"),
            control=groups.get("control"),
            status=groups.get("status"),
            function=groups.get("function"),
            message=message,
            code=win32_code_for_message(message) if message else None,
        ))
    return messages


@dataclass(frozen=True)
class NssmOutcome:
    """What an NSSM command did, from its exit code and output.

    ``result`` is one of: ok, not_found (no such service), exists (install of an existing
    service), not_active (stop of a stopped service: nothing to do), invalid_parameter,
    failed. ``code`` is the Win32 code when a system message named one.
    """

    result: str
    rc: int
    code: Optional[int]
    messages: List[NssmMessage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result in ("ok", "not_active")

    def describe(self) -> str:
        text = "; ".join(m.text for m in self.messages) or "no output"
        return "nssm %s (exit code %d): %s" % (self.result, self.rc, text)


def interpret_nssm(rc: int, stdout: Text = "", stderr: Text = "") -> NssmOutcome:
    """Read an NSSM command's exit code and output (see the module docstring for the codes
    and texts)."""
    messages = classify_nssm_output(to_text(stdout) + "\n" + to_text(stderr))
    kinds = {m.kind for m in messages}
    codes = [m.code for m in messages if m.code is not None]
    code = codes[0] if codes else None
    if "invalid_parameter" in kinds or "requires_subparameter" in kinds:
        result = "invalid_parameter"
    elif "error_setting" in kinds:
        # Checked before "Can't open service!": NSSM prints that too when a service named
        # in DependOnService does not exist, while the service itself does.
        result = "failed"
    elif "cant_open_service" in kinds or code == 1060:
        result = "not_found"
    elif "error_creating" in kinds and (code == 1073 or rc == 5):
        result = "exists"
    elif any(m.kind == "control" and m.code == 1062 for m in messages):
        result = "not_active"
    elif rc == 0:
        result = "ok"
    else:
        result = "failed"
    return NssmOutcome(result, rc, code, messages)


def parse_nssm_status(output: Text) -> str:
    """The ``SERVICE_*`` word ``nssm status NAME`` printed (see :data:`NSSM_STATES` for the
    state numbers). Raises :class:`NssmError` when NSSM printed a failure instead."""
    messages = classify_nssm_output(output)
    for m in messages:
        if m.kind == "status":
            return m.status  # type: ignore[return-value]
    raise NssmError("nssm status: no SERVICE_* state in %s"
                    % excerpt("\n".join(to_lines(output))), messages)


def parse_nssm_get(output: Text, parameter: str) -> NssmValue:
    """The value ``nssm get NAME PARAMETER [SUB]`` printed on stdout.

    Numbers (:data:`NSSM_NUMBER_PARAMETERS`) become int, multi-valued parameters
    (:data:`NSSM_LIST_PARAMETERS`) a list of the non-empty lines, others the text (lines
    joined by ``\\n``; empty when unset). For ``AppExit`` the action is returned; the
    ``Default Restart`` form that ``dump`` uses is accepted too.
    """
    lines = to_lines(output)
    while lines and not lines[-1].strip():
        lines.pop()
    if parameter in NSSM_LIST_PARAMETERS:
        return [line for line in lines if line.strip()]
    text = "\n".join(lines)
    if parameter in NSSM_NUMBER_PARAMETERS:
        if not re.match(r"^\s*\d+\s*$", text):
            raise WinOutputParseError("nssm get %s: not a number: %s"
                                      % (parameter, excerpt(text)))
        return int(text)
    if parameter == "AppExit":
        words = text.split()
        if len(words) not in (1, 2):
            raise WinOutputParseError("nssm get AppExit: expected an action, got %s"
                                      % excerpt(text))
        return words[-1]
    return text


@dataclass
class NssmDump:
    """``nssm dump NAME`` read back: the service name, and every parameter set by the
    dumped commands (``Application`` from the install line). Values are typed as by
    :func:`parse_nssm_get`; ``AppExit`` is a dict (exit code or ``Default`` -> action);
    environment items lose their ``:``/``+`` prefix."""

    service: str
    values: Dict[str, NssmValue]


def parse_nssm_dump(output: Text) -> NssmDump:
    """Read the output of ``nssm dump NAME`` (cmd.exe escaping undone, then each line split
    by the C runtime rules). Raises :class:`WinOutputParseError` for a line that is not an
    ``install`` or ``set`` command of NSSM."""
    service: Optional[str] = None
    values: Dict[str, NssmValue] = {}
    app_exit: Dict[str, str] = {}
    lists: Dict[str, List[str]] = {}
    for line in to_lines(output):
        if not line.strip():
            continue
        try:
            argv = split_cmdline(cmd_unescape(line.strip()))
        except CommandLineError as exc:
            raise WinOutputParseError("nssm dump: cannot read line %r: %s" % (line, exc))
        if len(argv) < 4 or argv[1] not in ("install", "set"):
            raise WinOutputParseError("nssm dump: not an 'nssm install/set' line: %r" % line)
        verb, name, parameter, rest = argv[1], argv[2], argv[3], argv[4:]
        if service is None:
            service = name
        elif name != service:
            raise WinOutputParseError("nssm dump: line for service %r in the dump of %r: %r"
                                      % (name, service, line))
        if verb == "install":
            values["Application"] = parameter
            if rest:
                values["AppParameters"] = " ".join(rest)
        elif parameter == "AppExit":
            if len(rest) != 2:
                raise WinOutputParseError("nssm dump: AppExit needs a code and an action: %r"
                                          % line)
            app_exit[rest[0]] = rest[1]
            values["AppExit"] = app_exit
        elif parameter in NSSM_LIST_PARAMETERS:
            items = lists.setdefault(parameter, [])
            for item in rest:
                if parameter in _ENVIRONMENT_PARAMETERS and item[:1] in (":", "+"):
                    item = item[1:]
                items.append(item)
            values[parameter] = items
        elif parameter in NSSM_NUMBER_PARAMETERS:
            if len(rest) != 1 or not rest[0].isdigit():
                raise WinOutputParseError("nssm dump: %s is not a number: %r"
                                          % (parameter, line))
            values[parameter] = int(rest[0])
        else:
            values[parameter] = " ".join(rest)
    if service is None:
        raise WinOutputParseError("nssm dump: empty output")
    return NssmDump(service, values)
