# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read System event log entries of the Service Control Manager, so that a failed start can
say why: "The hello service terminated unexpectedly.  It has done this 3 time(s)."

Formats read (all seen in recorded real output):

* ``wevtutil qe System /f:text``: ``Event[0]:`` then indented ``Label: value`` lines
  (Log Name, Source, Date, Event ID, Level, ...) and ``Description:`` followed by the
  message, on the same line or on the next lines at column 0.
* Event Viewer's "Copy details as text": the same labels at column 0, padded.
* ``Get-WinEvent | Format-List`` (LogName, ProviderName, Id, TimeCreated,
  LevelDisplayName, Message): long values continue on indented lines.
* ``Get-WinEvent | Format-Table``: a header, a dashes line, one row per event; the message
  column is last.
* Event XML (``wevtutil qe ... /f:xml`` or ``/f:RenderedXml``, Event Viewer's XML view
  with its ``- `` markers): EventID, Level, TimeCreated, Provider, the ``<Data>`` insertion
  strings and, when rendered, the message.

Times are kept as printed (their format follows the culture of the machine that printed
them); XML gives ISO 8601 UTC. Messages from list formats are joined: an indented
continuation line (Format-List wrapping) is joined with a space, a column-0 line (a line
break in the message) with ``\\n``; an empty line followed by more text (not by the next
label or event) is kept as a paragraph break.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ._win_text import Text, WinOutputParseError, excerpt, to_text

SCM_PROVIDER = "Service Control Manager"

# The Service Control Manager events worth showing when a service fails.
SCM_EVENTS: Dict[int, str] = {
    7000: "the service failed to start",
    7001: "the service depends on a service that failed to start",
    7009: "timeout waiting for the service to connect",
    7011: "timeout waiting for a transaction response from the service",
    7022: "the service hung on starting",
    7023: "the service terminated with an error",
    7024: "the service terminated with a service-specific error",
    7031: "the service terminated unexpectedly; a recovery action follows",
    7032: "the recovery action failed",
    7034: "the service terminated unexpectedly (no recovery action)",
    7036: "the service entered a state (running, stopped)",
    7038: "the service could not log on",
    7040: "the start type was changed",
    7041: "the account lacks the 'Log on as a service' right",
    7043: "the service did not shut down properly after a preshutdown control",
    7045: "a service was installed",
}

_LEVELS = {0: "Information", 1: "Critical", 2: "Error", 3: "Warning", 4: "Information",
           5: "Verbose"}

# Labels of the list formats, normalised (lower case, no spaces), to EventRecord fields.
_LABELS = {
    "logname": "log_name",
    "source": "source",
    "providername": "source",
    "date": "time",
    "timecreated": "time",
    "timecreatedutc": "time",
    "eventid": "event_id",
    "id": "event_id",
    "level": "level",
    "leveldisplayname": "level",
    "computer": "computer",
    "machinename": "computer",
    "description": "message",
    "message": "message",
    "recordid": "record_id",
}
_IGNORED_LABELS = frozenset(("taskcategory", "task", "keywords", "keyword", "opcode", "user",
                             "username", "containerlog", "userid", "processid", "threadid"))


@dataclass
class EventRecord:
    """One event. ``data`` holds the XML insertion strings (param1 is the service's
    display name for most SCM events); ``message`` is None when the format has none."""

    event_id: int
    time: Optional[str] = None
    level: Optional[str] = None
    source: Optional[str] = None
    log_name: Optional[str] = None
    computer: Optional[str] = None
    record_id: Optional[int] = None
    message: Optional[str] = None
    data: Tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        """``<time> <Level> <id>: <message>`` on one line."""
        text = self.message
        if text is None:
            text = ", ".join(self.data) if self.data else SCM_EVENTS.get(self.event_id, "")
        parts = [p for p in (self.time, self.level) if p]
        return "%s%d: %s" % (" ".join(parts) + " " if parts else "", self.event_id,
                             " ".join(text.split()))


def parse_event_log(output: Text) -> List[EventRecord]:
    """Events in any of the formats listed in the module docstring, in printed order."""
    text = to_text(output)
    if re.search(r"<Event[\s>/]", text) or "<!DOCTYPE" in text:
        return _parse_xml(text)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i > 0 and re.match(r"^\s*-{2,}(\s+-{2,})*\s*$", line) and lines[i - 1].strip():
            return _parse_table(lines, i)
    return _parse_list(lines)


# ---------------------------------------------------------------------------------------
# List formats (wevtutil text, Event Viewer text, Format-List)

_LIST_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:>[ \t]*)?(?P<label>[A-Za-z][A-Za-z ]*?)"
                        r"[ \t]*:[ \t]?(?P<value>.*)$")
_WEVTUTIL_HEADER = re.compile(r"^Event\[\d+\]:\s*$")


def _label_key(label: str) -> Optional[str]:
    norm = label.replace(" ", "").lower()
    if norm in _LABELS:
        return _LABELS[norm]
    if norm in _IGNORED_LABELS:
        return ""
    return None


def _ends_message(lines: List[str], i: int) -> bool:
    """Whether the empty line at ``i`` ends a message: it does unless more message text
    follows (a message with an empty line in it) before the next label or record."""
    for line in lines[i + 1:]:
        if not line.strip():
            continue
        if _WEVTUTIL_HEADER.match(line.rstrip()):
            return True
        m = _LIST_LINE.match(line.rstrip())
        return bool(m and _label_key(m.group("label")) is not None)
    return True


def _parse_list(lines: List[str]) -> List[EventRecord]:
    records: List[Dict[str, str]] = []
    current: Dict[str, str] = {}
    in_message = False
    paragraph = False
    message_indent = 0
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        if _WEVTUTIL_HEADER.match(line):
            if current:
                records.append(current)
            current, in_message = {}, False
            continue
        m = _LIST_LINE.match(line)
        key = _label_key(m.group("label")) if m else None
        if m is not None and key is not None and not (in_message and key == ""):
            if key and key in current:
                records.append(current)
                current = {}
            in_message = key == "message"
            paragraph = False
            if key:
                current[key] = m.group("value").strip()
            message_indent = len(m.group("indent"))
            continue
        if in_message:
            if not line.strip():
                if _ends_message(lines, i):
                    in_message = False
                elif current.get("message"):
                    paragraph = True
                continue
            body = re.sub(r"^[ \t]*>[ \t]?", "", line) if line.lstrip().startswith(">") \
                else line
            indent = len(body) - len(body.lstrip())
            sep = "\n\n" if paragraph else " " if indent > message_indent else "\n"
            current["message"] = (current["message"] + sep if current.get("message")
                                  else "") + body.strip()
            paragraph = False
            continue
        if line.strip():
            raise WinOutputParseError("event log text: unexpected line %r" % line)
    if current:
        records.append(current)
    return [_record(r) for r in records]


def _record(values: Dict[str, str]) -> EventRecord:
    if "event_id" not in values:
        raise WinOutputParseError("event log text: an event without an Event ID: %r" % values)
    event_id = values["event_id"]
    if not event_id.isdigit():
        raise WinOutputParseError("event log text: Event ID is not a number: %r" % event_id)
    record_id = values.get("record_id")
    return EventRecord(
        event_id=int(event_id),
        time=values.get("time") or None,
        level=values.get("level") or None,
        source=values.get("source") or None,
        log_name=values.get("log_name") or None,
        computer=values.get("computer") or None,
        record_id=int(record_id) if record_id and record_id.isdigit() else None,
        message=values.get("message"),
    )


# ---------------------------------------------------------------------------------------
# Format-Table

_NUMERIC_COLUMNS = frozenset(("event_id", "record_id"))


def _parse_table(lines: List[str], dashes_at: int) -> List[EventRecord]:
    header = lines[dashes_at - 1].split()
    keys: List[str] = []
    for name in header:
        key = _label_key(name)
        if key is None:
            raise WinOutputParseError("event log table: unknown column %r in %r"
                                      % (name, lines[dashes_at - 1]))
        keys.append(key or "_ignored%d" % len(keys))
    if "event_id" not in keys:
        raise WinOutputParseError("event log table: no Id column in %r" % lines[dashes_at - 1])
    parts = []
    for i, key in enumerate(keys):
        if i == len(keys) - 1:
            pattern = ".*?"
        elif key in _NUMERIC_COLUMNS:
            pattern = r"\d+"
        else:
            pattern = ".+?"
        parts.append("(?P<%s>%s)" % (key, pattern))
    row = re.compile(r"^\s*" + r"\s+".join(parts) + r"\s*$")
    records: List[Dict[str, str]] = []
    for line in lines[dashes_at + 1:]:
        if not line.strip():
            continue
        m = row.match(line)
        if m:
            records.append({k: v.strip() for k, v in m.groupdict().items()
                            if not k.startswith("_ignored")})
        elif records and keys[-1] in records[-1]:
            # Format-Table -Wrap continues the last column on the next lines.
            records[-1][keys[-1]] += " " + line.strip()
        else:
            raise WinOutputParseError("event log table: unexpected row %r" % line)
    return [_record(r) for r in records]


# ---------------------------------------------------------------------------------------
# XML

_NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


def _parse_xml(text: str) -> List[EventRecord]:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise WinOutputParseError("event XML: document type declarations are not accepted")
    # Event Viewer's XML view marks foldable elements with "- ".
    cleaned = re.sub(r"(?m)^[ \t]*- (?=<)", "", text)
    cleaned = re.sub(r"<\?xml[^>]*\?>", "", cleaned)
    try:
        root = ET.fromstring("<svcwright-events>" + cleaned + "</svcwright-events>")
    except ET.ParseError as exc:
        raise WinOutputParseError("event XML: %s in %s" % (exc, excerpt(text)))
    records = []
    for event in root.iter(_NS + "Event"):
        records.append(_xml_record(event))
    for event in root.iter("Event"):
        records.append(_xml_record(event, ns=""))
    return records


def _xml_record(event: ET.Element, ns: str = _NS) -> EventRecord:
    def find(path: str) -> Optional[ET.Element]:
        return event.find(path.replace("{ns}", ns))

    def text_of(path: str) -> Optional[str]:
        el = find(path)
        return el.text.strip() if el is not None and el.text else None

    event_id = text_of("{ns}System/{ns}EventID")
    if event_id is None or not event_id.isdigit():
        raise WinOutputParseError("event XML: an Event without a numeric EventID")
    provider = find("{ns}System/{ns}Provider")
    created = find("{ns}System/{ns}TimeCreated")
    level = text_of("{ns}RenderingInfo/{ns}Level")
    if level is None:
        number = text_of("{ns}System/{ns}Level")
        level = _LEVELS.get(int(number), number) if number and number.isdigit() else number
    record_id = text_of("{ns}System/{ns}EventRecordID")
    data = tuple((el.text or "") for el in event.iter(ns + "Data"))
    return EventRecord(
        event_id=int(event_id),
        time=created.get("SystemTime") if created is not None else None,
        level=level,
        source=provider.get("Name") if provider is not None else None,
        log_name=text_of("{ns}System/{ns}Channel"),
        computer=text_of("{ns}System/{ns}Computer"),
        record_id=int(record_id) if record_id and record_id.isdigit() else None,
        message=text_of("{ns}RenderingInfo/{ns}Message"),
        data=data,
    )


# ---------------------------------------------------------------------------------------
# Selecting and showing

def scm_events_for_service(events: Sequence[EventRecord], names: Sequence[str],
                           limit: Optional[int] = None) -> List[EventRecord]:
    """The Service Control Manager events that name one of ``names`` (the service name or
    its display name: SCM messages use the display name) in their message or insertion
    strings, the last ``limit`` of them, in the given order."""
    wanted = [n.lower() for n in names if n]
    found = []
    for event in events:
        if event.source is not None and event.source != SCM_PROVIDER:
            continue
        haystack = [event.message or ""] + list(event.data)
        if any(name in text.lower() for text in haystack for name in wanted):
            found.append(event)
    return found[-limit:] if limit else found


def format_events(events: Sequence[EventRecord]) -> str:
    """Events for an error message, one :meth:`EventRecord.summary` per line."""
    return "\n".join(event.summary() for event in events)
