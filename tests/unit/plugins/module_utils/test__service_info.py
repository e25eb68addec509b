# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json

from ansible_collections.svcwright.services.plugins.module_utils._release_definition import encode_definition
from ansible_collections.svcwright.services.plugins.module_utils._service_info import (
    assemble,
    definition_from,
    linux_releases,
    manager_of,
    status_row,
    systemd_drift,
    unit_differences,
    unit_dir_of,
    windows_drift,
    windows_release_argvs,
    windows_releases,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import unit_status
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import Change, Observed

STATE = json.dumps(dict(format=1, now=dict(active="2.0.0", previous="1.0.0", rolled_back=False),
                        before=dict(active="1.0.0", previous=None, rolled_back=False), order=["1.0.0", "2.0.0"]))

UNIT = """[Unit]
Description=hello

[Service]
ExecStart=/opt/hello/current/hello -listen 127.0.0.1:8080
Restart=always

[Install]
WantedBy=multi-user.target
"""


def status(**over):
    props = {"LoadState": "loaded", "ActiveState": "active", "SubState": "running", "UnitFileState": "enabled",
             "NeedDaemonReload": "no", "MainPID": "42", "NRestarts": "0"}
    props.update(over)
    return unit_status(props)


def test_linux_releases_active_from_the_link_previous_from_the_record():
    view = linux_releases("/opt/hello", "releases/2.0.0", ["1.0.0", "2.0.0"], STATE)
    assert (view.active, view.previous, view.releases, view.warnings) == ("2.0.0", "1.0.0", ["1.0.0", "2.0.0"], [])


def test_linux_releases_when_the_switch_did_not_happen_the_record_before_holds():
    view = linux_releases("/opt/hello", "/opt/hello/releases/1.0.0", ["1.0.0", "2.0.0"], STATE)
    assert (view.active, view.previous) == ("1.0.0", None)


def test_linux_releases_a_link_elsewhere_is_no_active_release_and_says_so():
    view = linux_releases("/opt/hello", "/tmp/x", ["1.0.0"], None)
    assert view.active is None and "points to /tmp/x" in view.warnings[0]


def test_linux_releases_an_unreadable_state_file_leaves_previous_unknown():
    view = linux_releases("/opt/hello", "releases/1.0.0", ["1.0.0"], "{not json")
    assert view.active == "1.0.0" and view.previous is None and "not a state file" in view.warnings[0]


def test_linux_releases_a_previous_release_that_was_removed_is_not_reported():
    view = linux_releases("/opt/hello", "releases/2.0.0", ["2.0.0"], STATE)
    assert view.previous is None


def test_windows_releases_from_one_round_trip():
    argvs = windows_release_argvs("C:\\svc\\hello")
    assert len(argvs) == 5 and argvs[-1][-1] == "C:\\svc\\hello\\current\\.svcwright-definition.json"
    definition = encode_definition(dict(name="hello", command="C:\\svc\\hello\\current\\hello.exe"))
    results = [(0, "1.0.0\r\n"), (0, ".svcwright-version\r\nhello.exe\r\n"), (0, "version=2.0.0 \r\n"),
               (0, "format=1 now.active=2.0.0 now.previous=1.0.0 now.rolled_back=0\r\n"), (0, definition)]
    view, text = windows_releases("C:\\svc\\hello", results)
    assert view.active == "2.0.0" and "2.0.0" in view.releases and "1.0.0" in view.releases
    assert definition_from(text, "x") == (dict(name="hello", command="C:\\svc\\hello\\current\\hello.exe"), None)


def test_windows_releases_nothing_deployed():
    results = [(1, "File Not Found\r\n"), (1, "File Not Found\r\n"), (1, "cannot find the file\r\n"),
               (1, "cannot find the file\r\n"), (1, "cannot find the file\r\n")]
    view, text = windows_releases("C:\\svc\\hello", results)
    assert (view.active, view.previous, view.releases, text) == (None, None, [], None)


def test_a_changed_definition_file_is_refused_with_why():
    text = encode_definition(dict(name="hello", args=["a"])).replace('"a"', '"b"')
    definition, problem = definition_from(text, "/opt/hello/releases/1/.svcwright-definition.json")
    assert definition is None and "does not match its checksum" in problem


def test_manager_and_unit_dir_come_from_the_definition():
    assert manager_of({"windows_manager": "nssm"}, True) == "nssm"
    assert manager_of({"windows_manager": "nssm"}, False) == "systemd"
    assert manager_of(None, True) == "sc"
    assert unit_dir_of({"systemd": {"unit_dir": "/run/systemd/system/"}}) == "/run/systemd/system"
    assert unit_dir_of({"systemd": {"unit_dir": "../x"}}) == "/etc/systemd/system"
    assert unit_dir_of(None) == "/etc/systemd/system"


def test_unit_differences_name_the_directives():
    edited = UNIT.replace("127.0.0.1:8080", "127.0.0.1:9090").replace("Restart=always\n", "")
    assert unit_differences(UNIT, edited) == ["Service.ExecStart", "Service.Restart"]
    # Layout alone (comments, spacing, continuation lines) is no directive difference.
    assert unit_differences(UNIT, "# mine\n" + UNIT.replace("Restart=always", "Restart = always")) == ["unit file"]


def test_systemd_no_drift_when_the_host_runs_the_definition():
    observed = Observed(unit_text=UNIT, status=status())
    assert systemd_drift("hello.service", UNIT, {}, None, True, observed) == ([], [])


def test_systemd_drift_an_edited_unit_is_reported_by_directive_not_as_a_pending_reload():
    edited = UNIT.replace("8080", "9090")
    drift, changes = systemd_drift("hello.service", UNIT, {}, None, True,
                                   Observed(unit_text=edited, status=status(NeedDaemonReload="yes")))
    assert drift == ["Service.ExecStart"]
    assert changes[0].startswith("write_unit hello.service")


def test_systemd_drift_a_loaded_unit_older_than_the_file():
    drift, _ch = systemd_drift("hello.service", UNIT, {}, None, True,
                               Observed(unit_text=UNIT, status=status(NeedDaemonReload="yes")))
    assert drift == ["unit not loaded (daemon-reload pending)"]


def test_systemd_drift_missing_unit_dropins_and_enablement():
    drift, _ch = systemd_drift("hello.service", UNIT, {"memory.conf": "[Service]\nMemoryMax=1G\n", "old.conf": None},
                               None, True, Observed(unit_text=None, status=status(UnitFileState="disabled"),
                                                    dropins={"old.conf": "[Service]\n"}))
    assert drift == ["unit file", "drop-in memory.conf", "drop-in old.conf", "enabled"]


def test_systemd_drift_ignores_the_running_state():
    drift, _ch = systemd_drift("hello.service", UNIT, {}, None, True,
                               Observed(unit_text=UNIT, status=status(ActiveState="failed", SubState="failed")))
    assert drift == []


def test_windows_drift_by_property():
    changes = [Change("config", "binPath=", "command line differs"), Change("config", "start=", "x"),
               Change("failure", "hello", "y"), Change("failureflag", "hello", "z"), Change("set", "AppParameters", "a")]
    drift, said = windows_drift(changes)
    assert drift == ["binPath", "start", "recovery", "AppParameters"]
    assert said[0] == "config binPath= (command line differs)"
    assert windows_drift([Change("create", "hello", "the service does not exist")])[0] == ["service missing"]


def test_assemble_and_row():
    view = linux_releases("/opt/hello", "releases/2.0.0", ["1.0.0", "2.0.0"], STATE)
    info = assemble("hello", "linux", "/opt/hello", view, {"name": "hello"}, "systemd",
                    dict(state="running", detail="active (running)", pid=42, restarts=0), ["Service.ExecStart"],
                    ["write_unit"], dict(time="2026-01-01T00:00:00Z", passed=False, reason="x", pid=42, version="2.0.0"),
                    ["careful"])
    assert info["changed"] is False and info["drifted"] is True and info["warnings"] == ["careful"]
    assert status_row("web1", info) == dict(host="web1", platform="linux", service="hello", active="2.0.0",
                                            previous="1.0.0", state="running", pid="42", restarts="0", drift="yes",
                                            verify="failed 2026-01-01T00:00:00Z")


def test_row_of_an_unknown_drift_and_no_verification():
    status = dict(state="absent", detail="not installed", pid=None, restarts=None)
    info = assemble("hello", "windows", None, None, None, "sc", status, None, None, None, [])
    row = status_row("win1", info)
    assert (row["active"], row["pid"], row["restarts"], row["drift"], row["verify"]) == ("-", "-", "-", "unknown", "-")
    assert "warnings" not in info and info["drifted"] is None
