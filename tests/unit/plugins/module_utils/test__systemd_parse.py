from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import (
    parse_systemctl_show,
    parse_unit_file,
    unit_status,
)

# Recorded from systemd 252 (Debian 12) on the project's test hosts.
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "systemd"


def status_of(name):
    return unit_status(parse_systemctl_show((FIXTURES / name).read_text()))


def test_running_enabled_service():
    s = status_of("show-running-ssh.txt")
    assert s.exists and s.running and s.enabled
    assert s.main_pid == 33 and s.n_restarts == 0 and s.result == "success"
    assert s.fragment_path == "/lib/systemd/system/ssh.service"
    assert s.main_start_monotonic_us == 913322043
    assert not s.need_daemon_reload
    assert s.as_dict()["SubState"] == "running"


def test_static_unit_is_not_enabled():
    s = status_of("show-running-journald-dropins.txt")
    assert s.running and not s.enabled and s.unit_file_state == "static"


def test_not_found():
    s = status_of("show-not-found.txt")
    assert not s.exists and not s.running and not s.enabled
    assert s.main_pid == 0 and s.fragment_path == "" and s.drop_in_paths == []


def test_failed_with_exit_code():
    s = status_of("show-failed-exit-code.txt")
    assert s.active_state == "failed" and not s.running
    assert s.result == "exit-code" and s.exec_main_code == 1 and s.exec_main_status == 3


def test_crash_loop_waiting_to_restart_counts_as_running():
    s = status_of("show-auto-restart.txt")
    assert s.active_state == "activating" and s.sub_state == "auto-restart" and s.running
    assert s.main_pid == 0


def test_restarted_after_kill():
    s = status_of("show-restarted-after-kill.txt")
    assert s.n_restarts == 1 and s.main_pid == 5739 and s.active_state == "active"


def test_only_the_first_of_several_units_is_read():
    props = parse_systemctl_show((FIXTURES / "show-two-units.txt").read_text())
    assert props == {"Id": "ssh.service", "ActiveState": "active"}


def test_values_may_contain_equals_and_bad_lines_raise():
    assert parse_systemctl_show("Environment=A=1 B=2\n") == {"Environment": "A=1 B=2"}
    with pytest.raises(ValueError, match="unexpected line"):
        parse_systemctl_show("garbage\n")


def test_unset_counters_read_as_zero():
    s = unit_status({"NRestarts": "[not set]", "MainPID": ""})
    assert s.n_restarts == 0 and s.main_pid == 0


def test_parse_unit_file_comments_continuations_and_order():
    text = ("# comment\n; also comment\n[Unit]\nDescription = a b \n\n[Service]\nExecStart=/bin/x \\\n"
            "  --flag\nEnvironment=A=1\nEnvironment=B=2\n")
    assert parse_unit_file(text) == [
        ("Unit", "Description", "a b"),
        ("Service", "ExecStart", "/bin/x  --flag"),
        ("Service", "Environment", "A=1"),
        ("Service", "Environment", "B=2"),
    ]
    with pytest.raises(ValueError):
        parse_unit_file("Description=outside a section\n")
