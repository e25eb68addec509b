from __future__ import annotations

from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import unit_status
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import (
    Desired,
    Observed,
    plan_changes,
)

UNIT = "hello.service"
TEXT = "[Unit]\nDescription=hello\n\n[Service]\nExecStart=\"/opt/hello\"\n\n[Install]\nWantedBy=multi-user.target\n"
NOT_FOUND = unit_status({"LoadState": "not-found", "ActiveState": "inactive", "SubState": "dead", "UnitFileState": ""})
RUNNING = unit_status({"LoadState": "loaded", "ActiveState": "active", "SubState": "running",
                       "UnitFileState": "enabled", "MainPID": "42", "NeedDaemonReload": "no"})
STOPPED = unit_status({"LoadState": "loaded", "ActiveState": "inactive", "SubState": "dead",
                       "UnitFileState": "disabled", "MainPID": "0"})
FAILED = unit_status({"LoadState": "loaded", "ActiveState": "failed", "SubState": "failed",
                      "UnitFileState": "enabled", "MainPID": "0", "Result": "exit-code"})


def actions(changes):
    return [(c.action, c.target) for c in changes]


def test_first_run_creates_everything_in_order():
    desired = Desired(unit_text=TEXT, state="started", enable=True, create_account=True,
                      dropins={"mem.conf": "[Service]\nMemoryMax=1G\n"})
    observed = Observed(unit_text=None, status=NOT_FOUND, account_exists=False, missing_directories=["/var/log/hello"])
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("create_account", ""), ("create_directory", "/var/log/hello"), ("write_unit", UNIT),
        ("write_dropin", "mem.conf"), ("daemon_reload", ""), ("enable", UNIT), ("start", UNIT)]


def test_matching_host_plans_nothing():
    desired = Desired(unit_text=TEXT, state="started", enable=True, dropins={"mem.conf": "x"})
    observed = Observed(unit_text=TEXT, status=RUNNING, dropins={"mem.conf": "x"})
    assert plan_changes(UNIT, desired, observed) == []


def test_changed_unit_restarts_a_running_service():
    desired = Desired(unit_text=TEXT + "# new\n", state="started", enable=True)
    changes = plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=RUNNING))
    assert actions(changes) == [("write_unit", UNIT), ("daemon_reload", ""), ("restart", UNIT)]
    assert changes[-1].reason == "unit changed"


def test_changed_unit_of_a_stopped_service_is_not_started():
    desired = Desired(unit_text=TEXT + "# new\n", state="stopped", enable=False)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=STOPPED))) == [
        ("write_unit", UNIT), ("daemon_reload", "")]


def test_changed_trigger_restarts_with_reason():
    desired = Desired(unit_text=TEXT, state="started", enable=True)
    changes = plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=RUNNING, changed_triggers=["/opt/hello"]))
    assert actions(changes) == [("restart", UNIT)]
    assert "/opt/hello" in changes[0].describe()


def test_failed_service_is_started_again():
    desired = Desired(unit_text=TEXT, state="started", enable=True)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=FAILED))) == [("start", UNIT)]


def test_stale_daemon_state_is_reloaded():
    status = unit_status({"LoadState": "loaded", "ActiveState": "active", "SubState": "running",
                          "UnitFileState": "enabled", "NeedDaemonReload": "yes"})
    desired = Desired(unit_text=TEXT, state="started", enable=True)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=status))) == [("daemon_reload", "")]


def test_install_section_change_reenables():
    new = TEXT.replace("multi-user.target", "graphical.target")
    desired = Desired(unit_text=new, state="started", enable=True)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=RUNNING))) == [
        ("write_unit", UNIT), ("daemon_reload", ""), ("reenable", UNIT), ("restart", UNIT)]


def test_manual_start_mode_disables():
    desired = Desired(unit_text=TEXT, state="started", enable=False)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=RUNNING))) == [("disable", UNIT)]


def test_restarted_always_restarts():
    desired = Desired(unit_text=TEXT, state="restarted", enable=True)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=RUNNING))) == [("restart", UNIT)]


def test_stopped():
    desired = Desired(unit_text=TEXT, state="stopped", enable=True)
    assert actions(plan_changes(UNIT, desired, Observed(unit_text=TEXT, status=RUNNING))) == [("stop", UNIT)]


def test_dropin_removal():
    desired = Desired(unit_text=TEXT, state="started", enable=True, dropins={"old.conf": None, "gone.conf": None})
    observed = Observed(unit_text=TEXT, status=RUNNING, dropins={"old.conf": "x"})
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("remove_dropin", "old.conf"), ("daemon_reload", ""), ("restart", UNIT)]


def test_absent_stops_disables_and_removes():
    desired = Desired(unit_text=None, state="absent", enable=None, dropins={"mem.conf": None})
    observed = Observed(unit_text=TEXT, status=RUNNING, dropins={"mem.conf": "x"})
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("stop", UNIT), ("disable", UNIT), ("remove_dropin", "mem.conf"), ("remove_unit", UNIT), ("daemon_reload", "")]


def test_absent_when_already_gone_is_a_no_op():
    desired = Desired(unit_text=None, state="absent", enable=None)
    assert plan_changes(UNIT, desired, Observed(unit_text=None, status=NOT_FOUND)) == []


SOCKET = "[Socket]\nListenStream=8080\n\n[Install]\nWantedBy=sockets.target\n"
LISTENING = unit_status({"LoadState": "loaded", "ActiveState": "active", "SubState": "listening",
                         "UnitFileState": "enabled"})


def test_sockets_are_written_enabled_and_started_before_the_service():
    desired = Desired(unit_text=TEXT, state="started", enable=True, socket_text=SOCKET)
    observed = Observed(unit_text=None, status=NOT_FOUND, socket_status=NOT_FOUND)
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("write_socket", "hello.socket"), ("write_unit", UNIT), ("daemon_reload", ""), ("enable", UNIT),
        ("enable_socket", "hello.socket"), ("start_socket", "hello.socket"), ("start", UNIT)]


def test_a_binary_upgrade_restarts_only_the_service_so_the_socket_stays_open():
    desired = Desired(unit_text=TEXT, state="started", enable=True, socket_text=SOCKET)
    observed = Observed(unit_text=TEXT, status=RUNNING, socket_text=SOCKET, socket_status=LISTENING,
                        changed_triggers=["/opt/hello/current/hello"])
    assert actions(plan_changes(UNIT, desired, observed)) == [("restart", UNIT)]


def test_new_listen_addresses_restart_the_socket_with_the_service_down():
    desired = Desired(unit_text=TEXT, state="started", enable=True, socket_text=SOCKET.replace("8080", "9090"))
    observed = Observed(unit_text=TEXT, status=RUNNING, socket_text=SOCKET, socket_status=LISTENING)
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("write_socket", "hello.socket"), ("daemon_reload", ""), ("stop", UNIT),
        ("restart_socket", "hello.socket"), ("start", UNIT)]


def test_stopped_also_stops_the_socket_so_no_connection_starts_it_again():
    desired = Desired(unit_text=TEXT, state="stopped", enable=True, socket_text=SOCKET)
    observed = Observed(unit_text=TEXT, status=RUNNING, socket_text=SOCKET, socket_status=LISTENING)
    assert actions(plan_changes(UNIT, desired, observed)) == [("stop", UNIT), ("stop_socket", "hello.socket")]


def test_absent_removes_the_socket_too():
    desired = Desired(unit_text=None, state="absent", enable=None)
    observed = Observed(unit_text=TEXT, status=RUNNING, socket_text=SOCKET, socket_status=LISTENING)
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("stop", UNIT), ("stop_socket", "hello.socket"), ("disable", UNIT), ("disable_socket", "hello.socket"),
        ("remove_socket", "hello.socket"), ("remove_unit", UNIT), ("daemon_reload", "")]


def test_sockets_removed_from_the_spec():
    desired = Desired(unit_text=TEXT, state="started", enable=True)
    observed = Observed(unit_text=TEXT, status=RUNNING, socket_text=SOCKET, socket_status=LISTENING)
    assert actions(plan_changes(UNIT, desired, observed)) == [
        ("stop_socket", "hello.socket"), ("disable_socket", "hello.socket"), ("remove_socket", "hello.socket"),
        ("daemon_reload", ""), ("restart", UNIT)]
