# -*- coding: utf-8 -*-
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._eventlog_output import (
    SCM_EVENTS,
    EventRecord,
    format_events,
    parse_event_log,
    scm_events_for_service,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_text import (
    WinOutputParseError,
)

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"
SCM = "Service Control Manager"


def fixture(name: str) -> bytes:
    return (FIXTURES / "eventlog" / name).read_bytes()


# event id, time, level, source, message (None: the format has none)
E = Tuple[int, Optional[str], Optional[str], Optional[str], Optional[str]]
EXPECTED: Dict[str, List[E]] = {
    "eventviewer-copy-as-text-7000-7009.txt": [
        (7000, "11/14/2015 4:14:41 PM", "Error", SCM,
         "The SCP DSx Service service failed to start due to the following error:\n"
         "The service did not respond to the start or control request in a timely fashion."),
        (7009, "11/14/2015 4:14:41 PM", "Error", SCM,
         "A timeout was reached (30000 milliseconds) while waiting for the SCP DSx Service "
         "service to connect."),
    ],
    "eventviewer-friendly-xml-7024.txt": [
        (7024, "2013-06-13T00:26:20.184797500Z", "Error", SCM, None),
    ],
    # Tolerance: hand-indented continuation lines.
    "get-winevent-format-list-7043-7031-INDENTED-ALTERED.txt": [
        (7043, "11/15/2024 11:58:39 AM", None, SCM,
         "The Windows Defender Advanced Threat Protection Service service did not shut down "
         "properly after receiving a preshutdown control."),
        (7031, "11/15/2024 11:43:58 AM", None, SCM,
         "The Microsoft Intune Management Extension service terminated unexpectedly.  It has "
         "done this 1 time(s). The following corrective action will be taken in 60000 "
         "milliseconds: Restart the service."),
    ],
    "get-winevent-table-7036-en-GB-dates.txt": [
        (7036, "15/05/2024 5:39:55 AM", None, None,
         "The Volume Shadow Copy service entered the running state."),
        (7036, "15/05/2024 5:38:29 AM", None, None,
         "The Volume Shadow Copy service entered the stopped state."),
        (7036, "15/05/2024 5:35:29 AM", None, None,
         "The Volume Shadow Copy service entered the running state."),
    ],
    # Tolerance: Markdown quote prefixes, dates redacted.
    "mslearn-eventviewer-text-7036-7036-7023-MARKDOWN-QUOTED.txt": [
        (7036, None, "Information", SCM,
         "The Orchestrator Runbook Service service entered the running state."),
        (7036, None, "Information", SCM,
         "The Orchestrator Runbook Service service entered the stopped state."),
        (7023, None, "Error", SCM,
         "The Orchestrator Runbook Service service terminated with the following error:\n"
         "%%-2147467259"),
    ],
    "wevtutil-text-format-NON-SCM-no-date-line.txt": [
        (16384, None, "Information", "Microsoft-Windows-Security-SPP",
         "Successfully scheduled Software Protection service for re-start at "
         "2022-09-12T00:51:13Z. Reason: RulesEngine."),
        (16394, None, "Information", "Microsoft-Windows-Security-SPP",
         "Offline downlevel migration succeeded."),
        (9027, None, "Information", "Desktop Window Manager",
         "The Desktop Window Manager has registered the session port."),
    ],
    "wevtutil-text-format-NON-SCM-two-events.txt": [
        (4096, "2024-04-12T08:31:27.000", "Information", "example.log4jna_sample",
         "08:31:27.013 [main] WARN  example.App - message: the quick brown fox jumps over the "
         "dazy log"),
        (4096, "2024-04-12T08:31:27.000", "Information", "example.log4jna_sample",
         "08:31:26.748 [main] ERROR example.App - message: the quick brown fox jumps over the "
         "dazy log"),
    ],
}


def test_every_eventlog_fixture_has_expectations() -> None:
    assert set(EXPECTED) == set(os.listdir(str(FIXTURES / "eventlog")))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_eventlog_fixture(name: str) -> None:
    events = parse_event_log(fixture(name))
    assert [(e.event_id, e.time, e.level, e.source, e.message) for e in events] == (
        EXPECTED[name])


def test_event_xml_details() -> None:
    [event] = parse_event_log(fixture("eventviewer-friendly-xml-7024.txt"))
    assert (event.log_name, event.computer, event.record_id, event.data) == (
        "System", "MT-DEVTEST.mikanetwork.com", 3654, ("scm-server", "%%0"))
    assert event.summary() == ("2013-06-13T00:26:20.184797500Z Error 7024: scm-server, %%0")


def test_event_list_details() -> None:
    events = parse_event_log(fixture("eventviewer-copy-as-text-7000-7009.txt"))
    assert {(e.log_name, e.computer) for e in events} == {("System", "PC")}
    wevtutil = parse_event_log(fixture("wevtutil-text-format-NON-SCM-two-events.txt"))
    assert {(e.log_name, e.computer) for e in wevtutil} == {("log4jna_sample", "sergueik42")}


# The layout of `wevtutil qe System /f:RenderedXml` (Microsoft's event schema with its
# RenderingInfo element); no recorded sample of it exists here.
RENDERED_XML = (
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
    '<Provider Name="Service Control Manager" Guid="{555908d1-a6d7-4695-8e1e-26931d2012f4}" '
    'EventSourceName="Service Control Manager"/><EventID Qualifiers="49152">7031</EventID>'
    "<Level>2</Level><TimeCreated SystemTime='2025-01-02T03:04:05.6789012Z'/>"
    "<EventRecordID>42</EventRecordID><Channel>System</Channel><Computer>web1</Computer>"
    "</System><EventData><Data Name='param1'>Hello Service</Data><Data Name='param2'>3</Data>"
    "</EventData><RenderingInfo Culture='en-US'><Message>The Hello Service service terminated "
    "unexpectedly.  It has done this 3 time(s).</Message><Level>Error</Level></RenderingInfo>"
    "</Event>\r\n"
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
    '<Provider Name="Service Control Manager"/><EventID>7036</EventID><Level>4</Level>'
    "<TimeCreated SystemTime='2025-01-02T03:04:06Z'/></System><EventData>"
    "<Data Name='param1'>Hello Service</Data><Data Name='param2'>stopped</Data></EventData>"
    "</Event>\r\n"
)


def test_event_rendered_xml_documented_layout() -> None:
    events = parse_event_log(RENDERED_XML.encode("utf-16-le"))
    assert [(e.event_id, e.level, e.time, e.message, e.data) for e in events] == [
        (7031, "Error", "2025-01-02T03:04:05.6789012Z",
         "The Hello Service service terminated unexpectedly.  It has done this 3 time(s).",
         ("Hello Service", "3")),
        (7036, "Information", "2025-01-02T03:04:06Z", None, ("Hello Service", "stopped")),
    ]


FORMAT_LIST = (
    "\r\n\r\n"
    "LogName          : System\r\n"
    "ProviderName     : Service Control Manager\r\n"
    "Id               : 7034\r\n"
    "LevelDisplayName : Error\r\n"
    "TimeCreated      : 1/2/2025 3:04:05 AM\r\n"
    "Message          : The hello service terminated unexpectedly.  It has done this 1\r\n"
    "                   time(s).\r\n"
    "\r\n"
    "LogName          : System\r\n"
    "ProviderName     : Service Control Manager\r\n"
    "Id               : 7045\r\n"
    "LevelDisplayName : Information\r\n"
    "TimeCreated      : 1/2/2025 3:00:00 AM\r\n"
    "Message          : A service was installed in the system.\r\n"
    "                   \r\n"
    "                   Service Name:  hello\r\n"
    "\r\n\r\n"
)


def test_format_list_with_levels_and_wrapping() -> None:
    events = parse_event_log(FORMAT_LIST)
    assert [(e.event_id, e.level, e.message) for e in events] == [
        (7034, "Error", "The hello service terminated unexpectedly.  It has done this 1 "
                        "time(s)."),
        (7045, "Information", "A service was installed in the system.\n\nService Name:  hello"),
    ]


def test_format_table_wrapped_rows() -> None:
    table = ("\nTimeCreated            Id LevelDisplayName Message\n"
             "-----------            -- ---------------- -------\n"
             "1/2/2025 3:04:05 AM  7000 Error            The hello service failed to start\n"
             "                                           due to the following error:\n")
    [event] = parse_event_log(table)
    assert (event.event_id, event.time, event.level, event.message) == (
        7000, "1/2/2025 3:04:05 AM", "Error",
        "The hello service failed to start due to the following error:")


@pytest.mark.parametrize("text,error", [
    ("Log Name: System\nSource: x\n", "without an Event ID"),
    ("Event ID: seven\n", "not a number"),
    ("What is this?\n", "unexpected line"),
    ("Foo Bar\n--- ---\n1 2\n", "unknown column"),
    ("TimeCreated Message\n----------- -------\nx y\n", "no Id column"),
    ("TimeCreated Id Message\n----------- -- -------\nnot a row\n", "unexpected row"),
    ("<Event><System></System></Event>", "without a numeric EventID"),
    ("<Event><System>", "event XML"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><Event/>', "document type"),
])
def test_event_log_errors(text: str, error: str) -> None:
    with pytest.raises(WinOutputParseError, match=error):
        parse_event_log(text)


def test_scm_events_for_service_and_format() -> None:
    events = (parse_event_log(fixture("eventviewer-copy-as-text-7000-7009.txt"))
              + parse_event_log(fixture("get-winevent-table-7036-en-GB-dates.txt"))
              + parse_event_log(fixture("wevtutil-text-format-NON-SCM-no-date-line.txt"))
              + parse_event_log(fixture("eventviewer-friendly-xml-7024.txt")))
    dsx = scm_events_for_service(events, ["ScpDsxSvc", "SCP DSx Service"])
    assert [e.event_id for e in dsx] == [7000, 7009]
    vss = scm_events_for_service(events, ["VSS", "Volume Shadow Copy"], limit=2)
    assert [e.time for e in vss] == ["15/05/2024 5:38:29 AM", "15/05/2024 5:35:29 AM"]
    # Not from the Service Control Manager, though it mentions "Software Protection".
    assert scm_events_for_service(events, ["Software Protection"]) == []
    assert [e.event_id for e in scm_events_for_service(events, ["scm-server"])] == [7024]
    assert format_events(dsx) == (
        "11/14/2015 4:14:41 PM Error 7000: The SCP DSx Service service failed to start due to "
        "the following error: The service did not respond to the start or control request in "
        "a timely fashion.\n"
        "11/14/2015 4:14:41 PM Error 7009: A timeout was reached (30000 milliseconds) while "
        "waiting for the SCP DSx Service service to connect.")


def test_summary_falls_back_to_the_event_meaning() -> None:
    assert EventRecord(7041).summary() == "7041: " + SCM_EVENTS[7041]
