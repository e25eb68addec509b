# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read what systemd reports: ``systemctl show`` properties and unit files."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

# The properties the module asks for; one `systemctl show` call reads them all.
SHOW_PROPERTIES = (
    "Id",
    "LoadState",
    "ActiveState",
    "SubState",
    "UnitFileState",
    "FragmentPath",
    "DropInPaths",
    "NeedDaemonReload",
    "MainPID",
    "NRestarts",
    "ExecMainStatus",
    "ExecMainCode",
    "ExecMainStartTimestampMonotonic",
    "Result",
)


def parse_systemctl_show(text: str) -> Dict[str, str]:
    """``KEY=VALUE`` lines into a dict. Values may contain '='; blank lines separate units
    when several are shown, and only the first unit is read."""
    props: Dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if props:
                break
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError("unexpected line in systemctl show output: %r" % line)
        props[key] = value
    return props


@dataclass
class UnitStatus:
    """The part of a unit's runtime state that the module reports and decides on."""

    load_state: str
    active_state: str
    sub_state: str
    unit_file_state: str
    need_daemon_reload: bool
    main_pid: int
    n_restarts: int
    exec_main_status: int
    exec_main_code: int
    main_start_monotonic_us: int
    result: str
    fragment_path: str
    drop_in_paths: List[str]

    @property
    def exists(self) -> bool:
        return self.load_state not in ("not-found", "")

    @property
    def running(self) -> bool:
        return self.active_state in ("active", "reloading", "activating")

    @property
    def enabled(self) -> bool:
        return self.unit_file_state in ("enabled", "enabled-runtime", "alias")

    def as_dict(self) -> Dict[str, object]:
        return {
            "LoadState": self.load_state,
            "ActiveState": self.active_state,
            "SubState": self.sub_state,
            "UnitFileState": self.unit_file_state,
            "MainPID": self.main_pid,
            "NRestarts": self.n_restarts,
            "ExecMainStatus": self.exec_main_status,
            "ExecMainCode": self.exec_main_code,
            "Result": self.result,
        }


def _int(props: Dict[str, str], key: str) -> int:
    value = props.get(key, "")
    try:
        return int(value)
    except ValueError:
        # "[not set]" and empty values mean the counter does not exist yet.
        return 0


def unit_status(props: Dict[str, str]) -> UnitStatus:
    return UnitStatus(
        load_state=props.get("LoadState", ""),
        active_state=props.get("ActiveState", ""),
        sub_state=props.get("SubState", ""),
        unit_file_state=props.get("UnitFileState", ""),
        need_daemon_reload=props.get("NeedDaemonReload", "no") == "yes",
        main_pid=_int(props, "MainPID"),
        n_restarts=_int(props, "NRestarts"),
        exec_main_status=_int(props, "ExecMainStatus"),
        exec_main_code=_int(props, "ExecMainCode"),
        main_start_monotonic_us=_int(props, "ExecMainStartTimestampMonotonic"),
        result=props.get("Result", ""),
        fragment_path=props.get("FragmentPath", ""),
        drop_in_paths=props.get("DropInPaths", "").split(),
    )


def parse_unit_file(text: str) -> List[Tuple[str, str, str]]:
    """A unit file as (section, directive, value) triples in file order.

    Follows systemd's syntax: '#' and ';' start comment lines, a trailing backslash joins the
    next line (with a space), and whitespace around '=' is dropped.
    """
    entries: List[Tuple[str, str, str]] = []
    section: Optional[str] = None
    pending = ""
    # systemd splits on LF only; str.splitlines() would also split on U+0085 and friends.
    for raw in text.split("\n"):
        line = pending + raw.strip() if pending else raw.strip()
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, sep, value = line.partition("=")
        if not sep or section is None:
            raise ValueError("not a unit file line: %r" % raw)
        entries.append((section, key.strip(), value.strip()))
    return entries
