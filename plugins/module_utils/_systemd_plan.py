# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan: what must change on a host so that a unit matches its spec.

The plan is a list of changes in execution order. Check mode reports it; a real run
executes it; an empty plan is changed=false. Nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ._systemd_parse import UnitStatus, parse_unit_file


@dataclass
class Desired:
    unit_text: Optional[str]
    state: str
    enable: Optional[bool]
    dropins: Dict[str, Optional[str]] = field(default_factory=dict)
    create_account: bool = False
    directories: List[str] = field(default_factory=list)
    socket_text: Optional[str] = None


@dataclass
class Observed:
    unit_text: Optional[str]
    status: UnitStatus
    dropins: Dict[str, str] = field(default_factory=dict)
    account_exists: bool = True
    missing_directories: List[str] = field(default_factory=list)
    changed_triggers: List[str] = field(default_factory=list)
    socket_text: Optional[str] = None
    socket_status: Optional[UnitStatus] = None


@dataclass
class Change:
    action: str
    target: str = ""
    reason: str = ""

    def describe(self) -> str:
        text = self.action + (" " + self.target if self.target else "")
        return text + (" (" + self.reason + ")" if self.reason else "")


def _install_section(text: Optional[str]) -> List[tuple]:
    if text is None:
        return []
    return [(k, v) for sec, k, v in parse_unit_file(text) if sec == "Install"]


def _socket_unit(unit: str) -> str:
    return unit[: -len(".service")] + ".socket"


def plan_changes(unit: str, desired: Desired, observed: Observed) -> List[Change]:
    status = observed.status
    sock = observed.socket_status
    socket = _socket_unit(unit)
    socket_running = sock is not None and sock.running
    socket_enabled = sock is not None and sock.enabled
    changes: List[Change] = []

    if desired.state == "absent":
        if status.running:
            changes.append(Change("stop", unit, "state is absent"))
        if socket_running:
            changes.append(Change("stop_socket", socket, "state is absent"))
        if status.enabled:
            changes.append(Change("disable", unit, "state is absent"))
        if socket_enabled:
            changes.append(Change("disable_socket", socket, "state is absent"))
        removed = False
        if observed.socket_text is not None:
            changes.append(Change("remove_socket", socket, "state is absent"))
            removed = True
        for name in sorted(observed.dropins):
            if name in desired.dropins:
                changes.append(Change("remove_dropin", name, "state is absent"))
                removed = True
        if observed.unit_text is not None:
            changes.append(Change("remove_unit", unit, "state is absent"))
            removed = True
        if removed:
            changes.append(Change("daemon_reload", "", "unit files removed"))
        if status.active_state == "failed" and not status.running:
            changes.append(Change("reset_failed", unit, "forget the failed state"))
        return changes

    if desired.create_account and not observed.account_exists:
        changes.append(Change("create_account", "", "account does not exist"))
    for directory in observed.missing_directories:
        changes.append(Change("create_directory", directory, "log directory missing"))

    files_changed = False
    socket_changed = observed.socket_text != desired.socket_text
    if socket_changed and desired.socket_text is None:
        if socket_running:
            changes.append(Change("stop_socket", socket, "sockets removed from the spec"))
        if socket_enabled:
            changes.append(Change("disable_socket", socket, "sockets removed from the spec"))
        changes.append(Change("remove_socket", socket, "sockets removed from the spec"))
    elif socket_changed:
        changes.append(Change("write_socket", socket, "socket unit does not exist" if observed.socket_text is None
                              else "socket unit content differs"))
    if observed.unit_text != desired.unit_text:
        reason = "unit does not exist" if observed.unit_text is None else "unit content differs"
        changes.append(Change("write_unit", unit, reason))
        files_changed = True
    for name in sorted(desired.dropins):
        text = desired.dropins[name]
        if text is None:
            if name in observed.dropins:
                changes.append(Change("remove_dropin", name, "drop-in set to null"))
                files_changed = True
        elif observed.dropins.get(name) != text:
            changes.append(Change("write_dropin", name, "drop-in content differs"))
            files_changed = True
    files_changed = files_changed or socket_changed
    if files_changed or status.need_daemon_reload or (sock is not None and sock.need_daemon_reload):
        reason = "unit files changed" if files_changed else "systemd has not loaded the file on disk"
        changes.append(Change("daemon_reload", "", reason))

    install_changed = _install_section(observed.unit_text) != _install_section(desired.unit_text)
    if desired.enable is True:
        if not status.enabled:
            changes.append(Change("enable", unit, "start_mode wants it enabled"))
        elif install_changed:
            changes.append(Change("reenable", unit, "[Install] section changed"))
    elif desired.enable is False and status.enabled:
        changes.append(Change("disable", unit, "start_mode wants it disabled"))
    if desired.socket_text is not None:
        if desired.enable is True and not socket_enabled:
            changes.append(Change("enable_socket", socket, "start_mode wants it enabled"))
        elif desired.enable is False and socket_enabled:
            changes.append(Change("disable_socket", socket, "start_mode wants it disabled"))

    wants_socket = desired.socket_text is not None and desired.state in ("started", "restarted")
    if wants_socket and socket_changed and socket_running:
        # New listen addresses need the socket unit restarted, which needs the service down.
        if status.running:
            changes.append(Change("stop", unit, "socket unit changed"))
        changes.append(Change("restart_socket", socket, "socket unit changed"))
        changes.append(Change("start", unit, "socket unit changed"))
        return changes
    if wants_socket and not socket_running:
        changes.append(Change("start_socket", socket, "socket is %s" % (sock.active_state if sock else "not loaded")))

    if desired.state == "restarted":
        changes.append(Change("restart", unit, "state is restarted"))
    elif desired.state == "started":
        if not status.running:
            changes.append(Change("start", unit, "service is %s" % (status.active_state or "not loaded")))
        elif files_changed:
            changes.append(Change("restart", unit, "unit changed"))
        elif observed.changed_triggers:
            changes.append(Change("restart", unit, "changed since start: " + ", ".join(observed.changed_triggers)))
    elif desired.state == "stopped":
        if status.running:
            changes.append(Change("stop", unit, "state is stopped"))
        if socket_running and desired.socket_text is not None:
            # A listening socket would start the service again on the next connection.
            changes.append(Change("stop_socket", socket, "state is stopped"))
    return changes
