# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read what sc.exe prints: status blocks, configuration, recovery actions, results.

Formats, as recorded from real Windows machines and from Wine 8's sc.exe:

* ``sc query`` / ``sc queryex`` and the status block that ``sc start`` / ``sc stop`` print::

      SERVICE_NAME: GoodbyeDPI
              TYPE               : 10  WIN32_OWN_PROCESS
              STATE              : 4  RUNNING
                                      (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)
              WIN32_EXIT_CODE    : 0  (0x0)
              SERVICE_EXIT_CODE  : 0  (0x0)
              CHECKPOINT         : 0x0
              WAIT_HINT          : 0x0
              PID                : 2148
              FLAGS              :

  Windows prints an empty line first; Wine prints none and no controls line. The labels are
  translated on some systems (ru-RU translates all of them, ko-KR some) while the numbers
  and the English state/type/control words stay, so fields are read by label when the label
  is English and by POSITION otherwise, and always from the numbers. TYPE is printed in hex
  without ``0x`` (``10`` is SERVICE_WIN32_OWN_PROCESS 0x10, ``110`` adds
  SERVICE_INTERACTIVE_PROCESS); STATE in decimal; WIN32_EXIT_CODE as signed decimal plus hex
  (``-2147467259 (0x80004005)``). ``sc query`` without a name lists records with a
  DISPLAY_NAME line, separated by empty lines.
* ``sc qc``: ``[SC] QueryServiceConfig SUCCESS``, then SERVICE_NAME and TYPE, START_TYPE
  (``2   AUTO_START  (DELAYED)``), ERROR_CONTROL, BINARY_PATH_NAME, LOAD_ORDER_GROUP, TAG,
  DISPLAY_NAME, DEPENDENCIES (one per line, the next ones as ``<spaces>: name``),
  SERVICE_START_NAME.
* ``sc qfailure``: RESET_PERIOD (in seconds), REBOOT_MESSAGE, COMMAND_LINE and, only when
  actions are set, FAILURE_ACTIONS with one ``RESTART -- Delay = 60000 milliseconds.`` per
  line (``RUN PROCESS``, ``REBOOT``; the delay word is translated on some systems).
* ``sc qdescription``: ``[SC] QueryServiceConfig2 SUCCESS``, SERVICE_NAME, then
  ``DESCRIPTION:`` and the text (no real sample of it was found; the layout is the one
  Microsoft documents).
* Results: ``[SC] <Function> SUCCESS`` and ``[SC] <Function> FAILED <code>:``, an empty
  line, the system message, an empty line. The result word is translated on some systems
  (FEHLER, ERROR, 失败, ``OpenService: ошибка: 1060:``), the function can carry a prefix
  (``StartService: OpenService``, ``EnumQueryServicesStatus:OpenService``) or a note
  (``ChangeServiceConfig2 (delayed autostart flag)``), and the empty lines may be missing.
  An error without system text is ``[SC] StartService FAILED with error 4294967201.``.

Wine's sc.exe prints no ``[SC]`` lines at all and exits 1 on any failure; real sc.exe exits
with the Win32 error code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from ._win_text import Text, WinOutputParseError, excerpt, to_lines

SERVICE_STATES: Dict[int, str] = {
    1: "STOPPED",
    2: "START_PENDING",
    3: "STOP_PENDING",
    4: "RUNNING",
    5: "CONTINUE_PENDING",
    6: "PAUSE_PENDING",
    7: "PAUSED",
}
START_TYPES: Dict[int, str] = {
    0: "BOOT_START",
    1: "SYSTEM_START",
    2: "AUTO_START",
    3: "DEMAND_START",
    4: "DISABLED",
}
# The spec's start_mode for a START_TYPE (boot/system starts are for drivers only).
_START_MODES: Dict[int, str] = {2: "auto", 3: "manual", 4: "disabled", 0: "boot", 1: "system"}


def start_mode_from(start_type: int, delayed: bool) -> str:
    """The spec's start mode for a START_TYPE and the delayed-autostart flag: auto,
    delayed, manual, disabled (boot and system for drivers)."""
    if start_type == 2 and delayed:
        return "delayed"
    return _START_MODES.get(start_type, str(start_type))


# SC_ACTION_TYPE values and the words sc.exe's ``actions=`` uses for them.
FAILURE_ACTION_TYPES: Dict[int, str] = {0: "none", 1: "restart", 2: "reboot", 3: "run"}
_QFAILURE_ACTION_WORDS: Dict[str, str] = {
    "NONE": "none",
    "RESTART": "restart",
    "REBOOT": "reboot",
    "RUN PROCESS": "run",
    "RUN_COMMAND": "run",
}


class ScFailedError(WinOutputParseError):
    """sc.exe printed a ``[SC] ... FAILED`` line instead of the expected output; the
    failure is in ``failure``."""

    def __init__(self, message: str, failure: "ScResult") -> None:
        super().__init__(message)
        self.failure = failure


class FailureAction(NamedTuple):
    """One recovery action, a ``(action, delay_ms)`` pair: ``action`` is one of none,
    restart, reboot, run (sc.exe's words), ``delay_ms`` the delay before it."""

    action: str
    delay_ms: int


@dataclass
class ScServiceStatus:
    """One service status block (``sc query``/``queryex``/``start``/``stop``).

    ``win32_exit_code`` and ``service_exit_code`` are unsigned 32-bit values (a printed
    ``-2147467259`` is 0x80004005). ``controls`` holds the words of the ``(STOPPABLE, ...)``
    line (empty when it is absent: stopped services, Wine). ``pid`` and ``flags`` are None
    unless the block came from ``queryex``/``start``. Fields that a damaged block lacks are
    None; the name, TYPE and STATE are always there.
    """

    service_name: str
    service_type: int
    type_text: str
    state: int
    state_name: str
    display_name: Optional[str] = None
    controls: Tuple[str, ...] = ()
    win32_exit_code: Optional[int] = None
    service_exit_code: Optional[int] = None
    checkpoint: Optional[int] = None
    wait_hint_ms: Optional[int] = None
    pid: Optional[int] = None
    flags: Optional[Tuple[str, ...]] = None

    @property
    def running(self) -> bool:
        return self.state == 4

    @property
    def stopped(self) -> bool:
        return self.state == 1

    @property
    def pending(self) -> bool:
        """START/STOP/CONTINUE/PAUSE_PENDING: poll again before deciding."""
        return self.state in (2, 3, 5, 6)

    @property
    def stoppable(self) -> Optional[bool]:
        """Whether the service accepts Stop now; None when sc printed no controls line."""
        if not self.controls:
            return None
        return "STOPPABLE" in self.controls


@dataclass
class ScServiceConfig:
    """``sc qc``. ``binary_path_name`` is raw (quotes kept): split it with
    ``_win_cmdline.split_image_path``. ``dependencies`` lists services, and groups with
    the ``+`` prefix sc.exe uses for them."""

    service_name: str
    service_type: int
    type_text: str
    start_type: int
    start_type_name: str
    delayed_auto_start: bool
    error_control: int
    error_control_name: str
    binary_path_name: str
    load_order_group: str
    tag: int
    display_name: str
    dependencies: List[str]
    service_start_name: str

    @property
    def start_mode(self) -> str:
        """The spec's start mode: auto, delayed, manual, disabled (boot/system for drivers)."""
        return start_mode_from(self.start_type, self.delayed_auto_start)


@dataclass
class ScFailureConfig:
    """``sc qfailure``: the reset period in seconds (0xFFFFFFFF is INFINITE), the reboot
    message and the command run by a ``run`` action (empty when unset), the actions."""

    service_name: str
    reset_period_s: Optional[int]
    reboot_message: Optional[str]
    command_line: Optional[str]
    actions: List[FailureAction] = field(default_factory=list)


@dataclass(frozen=True)
class ScResult:
    """One ``[SC] ...`` result line. ``function`` is what sc.exe names (``OpenService``,
    ``StartService: OpenService``, ``ChangeServiceConfig2 (delayed autostart flag)``);
    ``code`` the Win32 error (unsigned), None on success; ``message`` the system text that
    follows a failure (None when there is none); ``word`` the possibly translated result
    word as printed."""

    function: str
    success: bool
    code: Optional[int]
    message: Optional[str]
    word: str

    def describe(self) -> str:
        if self.success:
            return "%s succeeded" % self.function
        text = "%s failed with error %s" % (self.function, self.code)
        return text + (": " + self.message if self.message else "")


# ---------------------------------------------------------------------------------------
# Lines

_FIELD = re.compile(r"^(?P<indent>[ \t]*)(?P<label>[^:]*?)[ \t]*:[ \t]?(?P<value>.*)$")
_CONTROLS = re.compile(r"^\s*\((?P<words>[^)]*)\)\s*$")
_SC_LINE = re.compile(r"^\s*\[SC\]")


@dataclass
class _Line:
    """A ``LABEL : value`` line: ``key`` is the label's first word upper-cased when it is
    one of ``known`` labels, else None (a translated label)."""

    index: int
    label: str
    key: Optional[str]
    value: str
    indent: int


def _field(index: int, line: str, known: Sequence[str]) -> Optional[_Line]:
    if _SC_LINE.match(line):
        return None
    m = _FIELD.match(line)
    if not m:
        bare = line.strip().upper()
        if bare in known:
            # A label printed without its colon and empty value (seen in copies of FLAGS).
            return _Line(index, bare, bare, "", len(line) - len(line.lstrip()))
        return None
    label = m.group("label")
    word = re.search(r"\w+", label)
    key = word.group(0).upper() if word else None
    if key not in known:
        key = None
    return _Line(index, label.strip(), key, m.group("value").rstrip(),
                 len(m.group("indent")))


def _hexint(text: str, what: str, line: str) -> int:
    m = re.match(r"^(?:0x)?([0-9a-fA-F]+)\b", text.strip())
    if not m:
        raise WinOutputParseError("sc output: %s is not a hex number in line %r" % (what, line))
    return int(m.group(1), 16)


def _decint(text: str, what: str, line: str) -> int:
    m = re.match(r"^(-?\d+)\b", text.strip())
    if not m:
        raise WinOutputParseError("sc output: %s is not a number in line %r" % (what, line))
    return int(m.group(1))


def _exit_code(text: str, what: str, line: str) -> int:
    """``1077  (0x435)`` / ``-2147467259 (0x80004005)``: an unsigned 32-bit value."""
    m = re.match(r"^(-?\d+)(?:\s*\(0x([0-9a-fA-F]+)\))?", text.strip())
    if not m:
        raise WinOutputParseError("sc output: %s is not a number in line %r" % (what, line))
    value = int(m.group(1)) & 0xFFFFFFFF
    if m.group(2) is not None and int(m.group(2), 16) != value:
        raise WinOutputParseError("sc output: %s decimal and hex disagree in line %r"
                                  % (what, line))
    return value


def _number_and_word(text: str, what: str, line: str, hexadecimal: bool = False
                     ) -> Tuple[int, str]:
    digits = "[0-9a-fA-F]" if hexadecimal else "[0-9]"
    m = re.match(r"^(%s+)\s+(\S.*)$" % digits, text.strip())
    if not m:
        raise WinOutputParseError("sc output: %s is not '<number> <NAME>' in line %r"
                                  % (what, line))
    number = int(m.group(1), 16 if hexadecimal else 10)
    return number, " ".join(m.group(2).split())


# ---------------------------------------------------------------------------------------
# sc query / queryex / start / stop

_QUERY_FIELDS = ("TYPE", "STATE", "WIN32_EXIT_CODE", "SERVICE_EXIT_CODE", "CHECKPOINT",
                 "WAIT_HINT", "PID", "FLAGS")
_QUERY_KNOWN = _QUERY_FIELDS + ("SERVICE_NAME", "DISPLAY_NAME")
_TYPE_VALUE = re.compile(r"^[0-9a-fA-F]+\s+[A-Z][A-Z0-9_]*")
_STATE_VALUE = re.compile(r"^\d+\s+[A-Z][A-Z0-9_]*")


def _query_header(lines: List[str], fields: List[Optional[_Line]], at: int, floor: int
                  ) -> Tuple[str, Optional[str]]:
    """Name and display name from the lines just above the TYPE line at ``at``."""
    prev = fields[at - 1] if at - 1 >= floor else None
    if prev is None:
        raise WinOutputParseError("sc query output: no SERVICE_NAME line above %r"
                                  % lines[at])
    if prev.key == "DISPLAY_NAME":
        name_line = fields[at - 2] if at - 2 >= floor else None
        if name_line is None:
            raise WinOutputParseError("sc query output: no SERVICE_NAME line above %r"
                                      % lines[at - 1])
        return name_line.value.strip(), prev.value.strip()
    return prev.value.strip(), None


def parse_sc_query(output: Text) -> List[ScServiceStatus]:
    """Every status block in the output of ``sc query``, ``sc queryex``, ``sc start`` or
    ``sc stop`` (also found inside longer transcripts), in order. An output without any
    block gives ``[]``: see :func:`parse_sc_query_one` for the single-service case."""
    lines = to_lines(output)
    fields = [_field(i, line, _QUERY_KNOWN) for i, line in enumerate(lines)]
    records: List[ScServiceStatus] = []
    floor = 0
    i = 0
    while i < len(lines):
        f = fields[i]
        if not (f is not None and _TYPE_VALUE.match(f.value.strip())
                and (f.key == "TYPE" or f.key is None)):
            i += 1
            continue
        nxt = fields[i + 1] if i + 1 < len(lines) else None
        if nxt is None or not (nxt.key == "STATE" or nxt.key is None
                               and _STATE_VALUE.match(nxt.value.strip())):
            i += 1  # a TYPE line of something else (sc qc): not a status block
            continue
        name, display = _query_header(lines, fields, i, floor)
        record, i = _query_block(lines, fields, i, name, display)
        records.append(record)
        floor = i
    return records


def _query_block(lines: List[str], fields: List[Optional[_Line]], start: int, name: str,
                 display: Optional[str]) -> Tuple[ScServiceStatus, int]:
    values: Dict[str, Tuple[str, str]] = {}
    controls: Tuple[str, ...] = ()
    expected = list(_QUERY_FIELDS)
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            break
        c = _CONTROLS.match(line)
        if c and "STATE" in values and "WIN32_EXIT_CODE" not in values:
            controls = tuple(w for w in re.split(r"[,\s]+", c.group("words")) if w)
            i += 1
            continue
        f = fields[i]
        if f is None or f.key in ("SERVICE_NAME", "DISPLAY_NAME") or not expected:
            break
        key = f.key if f.key is not None else expected[0]
        if key not in expected:
            break  # a label repeated: the next block starts here
        del expected[:expected.index(key) + 1]
        values[key] = (f.value, line)
        i += 1

    def get(key: str, conv, what: str) -> Optional[int]:
        if key not in values:
            return None
        value, line = values[key]
        return conv(value, what, line)

    type_value, type_line = values["TYPE"]
    service_type, type_text = _number_and_word(type_value, "TYPE", type_line, True)
    state_value, state_line = values["STATE"]
    state, state_name = _number_and_word(state_value, "STATE", state_line)
    flags = None
    if "FLAGS" in values:
        flags = tuple(w for w in re.split(r"[,\s]+", values["FLAGS"][0]) if w)
    record = ScServiceStatus(
        service_name=name,
        display_name=display,
        service_type=service_type,
        type_text=type_text,
        state=state,
        state_name=state_name.split()[0],
        controls=controls,
        win32_exit_code=get("WIN32_EXIT_CODE", _exit_code, "WIN32_EXIT_CODE"),
        service_exit_code=get("SERVICE_EXIT_CODE", _exit_code, "SERVICE_EXIT_CODE"),
        checkpoint=get("CHECKPOINT", _hexint, "CHECKPOINT"),
        wait_hint_ms=get("WAIT_HINT", _hexint, "WAIT_HINT"),
        pid=get("PID", _decint, "PID"),
        flags=flags,
    )
    return record, i


def parse_sc_query_one(output: Text, name: Optional[str] = None) -> ScServiceStatus:
    """The one status block of a ``sc query NAME`` (or start/stop) output.

    With ``name``, the block of that service (compared case-insensitively: sc echoes the
    name as typed). Raises :class:`ScFailedError` when sc printed a failure instead (e.g.
    1060, the service does not exist), :class:`WinOutputParseError` when there is no block.
    """
    records = parse_sc_query(output)
    if name is not None:
        records = [r for r in records if r.service_name.lower() == name.lower()]
    if records:
        return records[-1]
    failure = find_sc_failure(output)
    if failure is not None:
        raise ScFailedError("sc reported a failure instead of a service status: %s"
                            % failure.describe(), failure)
    what = "status block" + (" for service %r" % name if name is not None else "")
    raise WinOutputParseError("sc query output: no %s in %s"
                              % (what, excerpt("\n".join(to_lines(output)))))


# ---------------------------------------------------------------------------------------
# sc qc

_QC_FIELDS = ("TYPE", "START_TYPE", "ERROR_CONTROL", "BINARY_PATH_NAME", "LOAD_ORDER_GROUP",
              "TAG", "DISPLAY_NAME", "DEPENDENCIES", "SERVICE_START_NAME")


def _record(output: Text, known: Tuple[str, ...], what: str) -> Tuple[List[str], List[Optional[_Line]], int]:
    """The lines of ``what``'s output, each read as a field of ``known`` (or None), and
    the index of its SERVICE_NAME line."""
    lines = to_lines(output)
    fields = [_field(i, line, known + ("SERVICE_NAME",)) for i, line in enumerate(lines)]
    return lines, fields, _record_start(lines, fields, what)


def _record_start(lines: List[str], fields: List[Optional[_Line]], what: str) -> int:
    """Index of the SERVICE_NAME line (English or translated: the first field line that
    is not an ``[SC]`` line)."""
    for i, f in enumerate(fields):
        if f is not None and f.key == "SERVICE_NAME":
            return i
    for i, f in enumerate(fields):
        if f is not None and f.label:
            return i
    failure = find_sc_failure("\n".join(lines))
    if failure is not None:
        raise ScFailedError("sc reported a failure instead of %s: %s"
                            % (what, failure.describe()), failure)
    raise WinOutputParseError("sc output: no SERVICE_NAME line in %s output: %s"
                              % (what, excerpt("\n".join(lines))))


def parse_sc_qc(output: Text) -> ScServiceConfig:
    """The configuration printed by ``sc qc NAME``. Raises :class:`ScFailedError` for a
    ``[SC] ... FAILED`` output, :class:`WinOutputParseError` for anything else unreadable."""
    lines, fields, start = _record(output, _QC_FIELDS, "sc qc")
    name = fields[start].value.strip()  # type: ignore[union-attr]
    values: Dict[str, str] = {}
    dependencies: List[str] = []
    expected = list(_QC_FIELDS)
    last: Optional[str] = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            continue  # empty lines inside a record only come from damaged copies
        f = fields[i]
        if f is not None and not f.label and last == "DEPENDENCIES":
            if f.value.strip():
                dependencies.append(f.value.strip())
            continue
        if f is None or (f.key is None and not f.label):
            if last is None:
                raise WinOutputParseError("sc qc output: unexpected line %r" % line)
            # A value wrapped by the console: the rest of the previous field's value.
            if last == "DEPENDENCIES" and dependencies:
                dependencies[-1] += line.strip()
            else:
                values[last] += line.strip()
            continue
        if not expected:
            break
        key = f.key if f.key is not None else expected[0]
        if key not in expected:
            raise WinOutputParseError("sc qc output: field %s out of order in line %r"
                                      % (key, line))
        del expected[:expected.index(key) + 1]
        values[key] = f.value.strip()
        if key == "DEPENDENCIES" and values[key]:
            dependencies.append(values[key])
        last = key
    missing = [k for k in _QC_FIELDS if k not in values]
    if missing:
        raise WinOutputParseError("sc qc output for %r lacks %s: %s"
                                  % (name, ", ".join(missing), excerpt("\n".join(lines))))
    service_type, type_text = _number_and_word(values["TYPE"], "TYPE", values["TYPE"], True)
    start_value = values["START_TYPE"]
    m = re.match(r"^(\d+)\s+(\S+)\s*(?:\((\S+)\))?", start_value)
    if not m:
        raise WinOutputParseError("sc qc output: START_TYPE is not '<number> <NAME>': %r"
                                  % start_value)
    error_control, error_name = _number_and_word(values["ERROR_CONTROL"], "ERROR_CONTROL",
                                                 values["ERROR_CONTROL"])
    return ScServiceConfig(
        service_name=name,
        service_type=service_type,
        type_text=type_text,
        start_type=int(m.group(1)),
        start_type_name=m.group(2),
        delayed_auto_start=m.group(3) is not None,
        error_control=error_control,
        error_control_name=error_name,
        binary_path_name=values["BINARY_PATH_NAME"],
        load_order_group=values["LOAD_ORDER_GROUP"],
        tag=_decint(values["TAG"], "TAG", values["TAG"]),
        display_name=values["DISPLAY_NAME"],
        dependencies=dependencies,
        service_start_name=values["SERVICE_START_NAME"],
    )


# ---------------------------------------------------------------------------------------
# sc qfailure

_QFAILURE_FIELDS = ("RESET_PERIOD", "REBOOT_MESSAGE", "COMMAND_LINE", "FAILURE_ACTIONS")
_ACTION_LINE = re.compile(r"^\s*(?P<action>[A-Za-z][A-Za-z_ ]*?)\s+--\s+[^=]*=\s*(?P<delay>\d+)")


def _failure_action(text: str) -> FailureAction:
    m = _ACTION_LINE.match(text)
    if not m:
        raise WinOutputParseError("sc qfailure output: not a failure action: %r" % text)
    word = " ".join(m.group("action").upper().split())
    action = _QFAILURE_ACTION_WORDS.get(word)
    if action is None:
        raise WinOutputParseError("sc qfailure output: unknown failure action %r in %r"
                                  % (word, text))
    return FailureAction(action, int(m.group("delay")))


def parse_sc_qfailure(output: Text) -> ScFailureConfig:
    """The recovery settings printed by ``sc qfailure NAME``. Lines that a copy lost
    (REBOOT_MESSAGE, COMMAND_LINE) are None; no FAILURE_ACTIONS line means no actions."""
    lines, fields, start = _record(output, _QFAILURE_FIELDS, "sc qfailure")
    name = fields[start].value.strip()  # type: ignore[union-attr]
    values: Dict[str, str] = {}
    actions: List[FailureAction] = []
    expected = list(_QFAILURE_FIELDS)
    in_actions = False
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            if in_actions:
                break
            continue
        f = fields[i]
        if in_actions and (f is None or _ACTION_LINE.match(line)):
            actions.append(_failure_action(line))
            continue
        if f is None:
            raise WinOutputParseError("sc qfailure output: unexpected line %r" % line)
        if f.key is None and _ACTION_LINE.match(f.value):
            key = "FAILURE_ACTIONS"  # a translated label: the actions have their own shape
        else:
            key = f.key if f.key is not None else (expected[0] if expected else "")
        if key not in expected:
            raise WinOutputParseError("sc qfailure output: unexpected field in line %r" % line)
        del expected[:expected.index(key) + 1]
        values[key] = f.value.strip()
        if key == "FAILURE_ACTIONS":
            in_actions = True
            if values[key]:
                actions.append(_failure_action(values[key]))
    reset = values.get("RESET_PERIOD")
    reset_s: Optional[int] = None
    if reset is not None:
        if reset.upper() == "INFINITE":
            reset_s = 0xFFFFFFFF
        else:
            reset_s = _decint(reset, "RESET_PERIOD", reset)
    return ScFailureConfig(
        service_name=name,
        reset_period_s=reset_s,
        reboot_message=values.get("REBOOT_MESSAGE"),
        command_line=values.get("COMMAND_LINE"),
        actions=actions,
    )


# ---------------------------------------------------------------------------------------
# sc qdescription

def parse_sc_qdescription(output: Text) -> str:
    """The description printed by ``sc qdescription NAME`` (empty string when unset).

    Layout as documented (no recorded real sample exists): ``[SC] QueryServiceConfig2
    SUCCESS``, an empty line, ``SERVICE_NAME: name``, then ``DESCRIPTION:`` followed by the
    text; a description with line breaks continues on the following lines.
    """
    lines, fields, start = _record(output, ("DESCRIPTION",), "sc qdescription")
    for i in range(start + 1, len(lines)):
        f = fields[i]
        if f is None:
            if lines[i].strip():
                raise WinOutputParseError("sc qdescription output: unexpected line %r"
                                          % lines[i])
            continue
        text = [f.value.strip()] + [line.rstrip() for line in lines[i + 1:]]
        while text and not text[-1]:
            text.pop()
        return "\n".join(text)
    raise WinOutputParseError("sc qdescription output: no DESCRIPTION line: %s"
                              % excerpt("\n".join(lines)))


# ---------------------------------------------------------------------------------------
# [SC] result lines

_SC_FAILED = re.compile(r"^\s*\[SC\]\s+(?P<function>.+?):?\s+(?P<word>\S+?):?\s+"
                        r"(?P<code>-?\d+):\s*$")
_SC_FAILED_NO_TEXT = re.compile(r"^\s*\[SC\]\s+(?P<function>.+?)\s+(?P<word>\S+)\s+with\s+"
                                r"error\s+(?P<code>-?\d+)\.?\s*$")
_SC_SUCCESS = re.compile(r"^\s*\[SC\]\s+(?P<function>.+?):?\s+(?P<word>\S+)\s*$")


def parse_sc_results(output: Text) -> List[ScResult]:
    """Every ``[SC] ...`` result line in order, failures with their code and message.

    The message is the text after the failure line: the lines up to the next empty line
    when sc printed its usual empty line first, else (a copy that lost the empty lines)
    the one line that follows.
    """
    lines = to_lines(output)
    results: List[ScResult] = []
    for i, line in enumerate(lines):
        if not _SC_LINE.match(line):
            continue
        m = _SC_FAILED.match(line) or _SC_FAILED_NO_TEXT.match(line)
        if m:
            message = _failure_message(lines, i + 1)
            results.append(ScResult(m.group("function").strip(), False,
                                    int(m.group("code")) & 0xFFFFFFFF, message,
                                    m.group("word")))
            continue
        m = _SC_SUCCESS.match(line)
        if not m:
            raise WinOutputParseError("sc output: unreadable result line %r" % line)
        results.append(ScResult(m.group("function").strip(), True, None, None,
                                m.group("word")))
    return results


def _failure_message(lines: List[str], i: int) -> Optional[str]:
    if i < len(lines) and not lines[i].strip():
        i += 1
        text: List[str] = []
        while i < len(lines) and lines[i].strip() and not _SC_LINE.match(lines[i]):
            text.append(lines[i].strip())
            i += 1
        return " ".join(text) or None
    if i < len(lines) and lines[i].strip() and not _SC_LINE.match(lines[i]):
        return lines[i].strip()
    return None


def find_sc_failure(output: Text) -> Optional[ScResult]:
    """The first ``[SC] ... FAILED`` result, or None. (``sc config ... start= delayed-auto``
    prints a SUCCESS for ChangeServiceConfig and can then fail the delayed flag.)"""
    for result in parse_sc_results(output):
        if not result.success:
            return result
    return None


def is_sc_usage(output: Text) -> bool:
    """Whether sc.exe printed its usage text: it does so, with exit code 1639
    (ERROR_INVALID_COMMAND_LINE), for an option it does not know."""
    lines = [line.strip() for line in to_lines(output)]
    return "USAGE:" in lines and any(line.startswith("sc <server>") for line in lines)
