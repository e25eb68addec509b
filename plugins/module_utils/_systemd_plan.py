# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan: what must change on a host so that a unit matches its spec.

The plan is a list of changes in execution order. Check mode reports it; a real run
executes it; an empty plan is changed=false. Nothing here does I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
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


class Kind(str, Enum):
    """Every kind of change a plan can hold; the executor (``_systemd_unit.UnitHost.apply``)
    has one step for each. The values are the words the results show."""

    CREATE_ACCOUNT = "create_account"
    CREATE_DIRECTORY = "create_directory"
    WRITE_UNIT = "write_unit"
    REMOVE_UNIT = "remove_unit"
    WRITE_DROPIN = "write_dropin"
    REMOVE_DROPIN = "remove_dropin"
    WRITE_SOCKET = "write_socket"
    REMOVE_SOCKET = "remove_socket"
    DAEMON_RELOAD = "daemon_reload"
    ENABLE = "enable"
    DISABLE = "disable"
    REENABLE = "reenable"
    ENABLE_SOCKET = "enable_socket"
    DISABLE_SOCKET = "disable_socket"
    START_SOCKET = "start_socket"
    STOP_SOCKET = "stop_socket"
    RESTART_SOCKET = "restart_socket"
    RESET_FAILED = "reset_failed"
    START = "start"
    RESTART = "restart"
    STOP = "stop"

    def __str__(self) -> str:
        return self.value


# Changes to files on disk, and the runtime changes a diff shows as such.
FILE_KINDS = frozenset({Kind.WRITE_UNIT, Kind.WRITE_DROPIN, Kind.REMOVE_DROPIN, Kind.WRITE_SOCKET})
RUNTIME_KINDS = frozenset({Kind.START, Kind.RESTART, Kind.STOP, Kind.ENABLE, Kind.DISABLE, Kind.REENABLE,
                           Kind.ENABLE_SOCKET, Kind.DISABLE_SOCKET, Kind.START_SOCKET, Kind.STOP_SOCKET,
                           Kind.RESTART_SOCKET, Kind.WRITE_SOCKET, Kind.REMOVE_SOCKET})


@dataclass
class Change:
    """One step of a plan. ``action`` is one of the planner's kinds (for systemd a ``Kind``;
    the other backends' planners share this class with their own words)."""

    action: str
    target: str = ""
    reason: str = ""

    def describe(self) -> str:
        text = str(self.action) + (" " + self.target if self.target else "")
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
            changes.append(Change(Kind.STOP, unit, "state is absent"))
        if socket_running:
            changes.append(Change(Kind.STOP_SOCKET, socket, "state is absent"))
        if status.enabled:
            changes.append(Change(Kind.DISABLE, unit, "state is absent"))
        if socket_enabled:
            changes.append(Change(Kind.DISABLE_SOCKET, socket, "state is absent"))
        removed = False
        if observed.socket_text is not None:
            changes.append(Change(Kind.REMOVE_SOCKET, socket, "state is absent"))
            removed = True
        for name in sorted(observed.dropins):
            if name in desired.dropins:
                changes.append(Change(Kind.REMOVE_DROPIN, name, "state is absent"))
                removed = True
        if observed.unit_text is not None:
            changes.append(Change(Kind.REMOVE_UNIT, unit, "state is absent"))
            removed = True
        if removed:
            changes.append(Change(Kind.DAEMON_RELOAD, "", "unit files removed"))
        if status.active_state == "failed" and not status.running:
            changes.append(Change(Kind.RESET_FAILED, unit, "forget the failed state"))
        return changes

    if desired.create_account and not observed.account_exists:
        changes.append(Change(Kind.CREATE_ACCOUNT, "", "account does not exist"))
    for directory in observed.missing_directories:
        changes.append(Change(Kind.CREATE_DIRECTORY, directory, "log directory missing"))

    files_changed = False
    socket_changed = observed.socket_text != desired.socket_text
    if socket_changed and desired.socket_text is None:
        if socket_running:
            changes.append(Change(Kind.STOP_SOCKET, socket, "sockets removed from the spec"))
        if socket_enabled:
            changes.append(Change(Kind.DISABLE_SOCKET, socket, "sockets removed from the spec"))
        changes.append(Change(Kind.REMOVE_SOCKET, socket, "sockets removed from the spec"))
    elif socket_changed:
        changes.append(Change(Kind.WRITE_SOCKET, socket, "socket unit does not exist" if observed.socket_text is None
                              else "socket unit content differs"))
    if observed.unit_text != desired.unit_text:
        reason = "unit does not exist" if observed.unit_text is None else "unit content differs"
        changes.append(Change(Kind.WRITE_UNIT, unit, reason))
        files_changed = True
    for name in sorted(desired.dropins):
        text = desired.dropins[name]
        if text is None:
            if name in observed.dropins:
                changes.append(Change(Kind.REMOVE_DROPIN, name, "drop-in set to null"))
                files_changed = True
        elif observed.dropins.get(name) != text:
            changes.append(Change(Kind.WRITE_DROPIN, name, "drop-in content differs"))
            files_changed = True
    files_changed = files_changed or socket_changed
    if files_changed or status.need_daemon_reload or (sock is not None and sock.need_daemon_reload):
        reason = "unit files changed" if files_changed else "systemd has not loaded the file on disk"
        changes.append(Change(Kind.DAEMON_RELOAD, "", reason))

    install_changed = _install_section(observed.unit_text) != _install_section(desired.unit_text)
    if desired.enable is True:
        if not status.enabled:
            changes.append(Change(Kind.ENABLE, unit, "start_mode wants it enabled"))
        elif install_changed:
            changes.append(Change(Kind.REENABLE, unit, "[Install] section changed"))
    elif desired.enable is False and status.enabled:
        changes.append(Change(Kind.DISABLE, unit, "start_mode wants it disabled"))
    if desired.socket_text is not None:
        if desired.enable is True and not socket_enabled:
            changes.append(Change(Kind.ENABLE_SOCKET, socket, "start_mode wants it enabled"))
        elif desired.enable is False and socket_enabled:
            changes.append(Change(Kind.DISABLE_SOCKET, socket, "start_mode wants it disabled"))

    wants_socket = desired.socket_text is not None and desired.state in ("started", "restarted")
    if wants_socket and socket_changed and socket_running:
        # New listen addresses need the socket unit restarted, which needs the service down.
        if status.running:
            changes.append(Change(Kind.STOP, unit, "socket unit changed"))
        changes.append(Change(Kind.RESTART_SOCKET, socket, "socket unit changed"))
        changes.append(Change(Kind.START, unit, "socket unit changed"))
        return changes
    if wants_socket and not socket_running:
        changes.append(Change(Kind.START_SOCKET, socket, "socket is %s" % (sock.active_state if sock else "not loaded")))

    if desired.state == "restarted":
        changes.append(Change(Kind.RESTART, unit, "state is restarted"))
    elif desired.state == "started":
        if not status.running:
            changes.append(Change(Kind.START, unit, "service is %s" % (status.active_state or "not loaded")))
        elif files_changed:
            changes.append(Change(Kind.RESTART, unit, "unit changed"))
        elif observed.changed_triggers:
            changes.append(Change(Kind.RESTART, unit, "changed since start: " + ", ".join(observed.changed_triggers)))
    elif desired.state == "stopped":
        if status.running:
            changes.append(Change(Kind.STOP, unit, "state is stopped"))
        if socket_running and desired.socket_text is not None:
            # A listening socket would start the service again on the next connection.
            changes.append(Change(Kind.STOP_SOCKET, socket, "state is stopped"))
    return changes
