# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet status of one service: what was read from a host, turned into one result.

Nothing here reads a host. The Linux module and the Windows action read the release layout
(``current``, the state file, the active release's definition), the service manager's state,
what the manager runs (unit file and drop-ins, or the sc/NSSM configuration) and the record of
the last verification; the functions here parse that and assemble the result. Drift is what
the backend's own planner would still change to make the service match the active release's
definition, reported by property: ``Service.ExecStart`` (a unit directive), ``drop-in
memory.conf``, ``binPath`` (sc), ``AppParameters`` (NSSM).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._release_definition import DEFINITION_FILE, DefinitionError, decode_definition
from ._release_plan import (
    Record,
    ReleaseError,
    _known_moment,
    check_version,
    decode_state_json,
    definition_read_argv,
    parse_windows_inspect,
    win_path,
    windows_inspect_argvs,
)
from ._systemd_parse import parse_unit_file
from ._systemd_plan import Change, Desired, Observed, plan_changes
from ._verify import Sample

SERVICE_INFO_OPTIONS: Dict[str, Dict[str, Any]] = dict(
    name=dict(type="str", required=True),
    base=dict(type="str"),
)
DEFAULT_UNIT_DIR = "/etc/systemd/system"
# The planner's changes that are configuration; the others (start, stop, restart) follow the
# definition's state and are reported as the state itself.
SYSTEMD_CONFIG_ACTIONS = ("write_unit", "write_dropin", "remove_dropin", "write_socket", "remove_socket",
                          "daemon_reload", "enable", "disable", "reenable", "enable_socket", "disable_socket")
# A drop-in directory holds a few files; more is not this collection's and is not read.
DROPIN_LIMIT = 64


@dataclass
class ReleaseView:
    """The release layout as read: the active and previous release, all releases."""

    active: Optional[str] = None
    previous: Optional[str] = None
    rolled_back: bool = False
    releases: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)


def _view(record: Record, active: Optional[str], releases: Sequence[str], warnings: List[str]) -> ReleaseView:
    moment = _known_moment(record, active)
    previous = moment.previous if moment.previous in releases else None
    return ReleaseView(active, previous, moment.rolled_back, sorted(releases), warnings)


def linux_releases(base: str, link: Optional[str], entries: Sequence[str], state_text: Optional[str]) -> ReleaseView:
    """From ``readlink <base>/current`` (None: no link), the directories of ``releases`` and
    the state file's text (None: no file)."""
    warnings: List[str] = []
    releases = [e for e in entries if not e.startswith(".")]
    active = None
    if link is not None:
        target = link.rstrip("/")
        for prefix in ("releases/", base.rstrip("/") + "/releases/"):
            if target.startswith(prefix):
                try:
                    active = check_version(target[len(prefix):])
                except ReleaseError:
                    active = None
        if active is None or active not in releases:
            warnings.append("%s/current points to %s, which is not a release in %s/releases: nothing is active"
                            % (base, link, base))
            active = None
    record = decode_state_json(state_text)
    if record is None:
        warnings.append("%s/.svcwright-release.json is not a state file this collection can read: the previous "
                        "release is unknown" % base)
        record = Record()
    return _view(record, active, releases, warnings)


# -- Windows: one round trip ------------------------------------------------------------------

def windows_release_argvs(base: str) -> List[List[str]]:
    """The release layout and the active release's definition (in ``current``)."""
    return windows_inspect_argvs(base, None, None) + [definition_read_argv(win_path(base, "current"))]


WINDOWS_RELEASE_READS = 5


def windows_releases(base: str, results: Sequence[Tuple[int, str]]) -> Tuple[ReleaseView, Optional[str]]:
    """The view and the definition file's text (None: none) from :func:`windows_release_argvs`."""
    try:
        inspect = parse_windows_inspect(base, None, None, results[:4])
    except ReleaseError as exc:
        return ReleaseView(warnings=[str(exc)]), None
    state = inspect.state
    rc, output = results[4]
    text = output if rc == 0 and state.active is not None else None
    return _view(state.record, state.active, state.releases, inspect.warnings), text


def definition_from(text: Optional[str], where: str) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """The recorded definition and, when the file is not one this collection wrote, why."""
    try:
        return decode_definition(text, where), None
    except DefinitionError as exc:
        return None, str(exc)


def definition_path_linux(base: str, active: str) -> str:
    return "%s/releases/%s/%s" % (base.rstrip("/"), active, DEFINITION_FILE)


def manager_of(definition: Optional[Dict[str, Any]], windows: bool) -> str:
    """The service manager the definition is deployed with: systemd, sc or nssm."""
    if not windows:
        return "systemd"
    return "nssm" if (definition or {}).get("windows_manager") == "nssm" else "sc"


def unit_dir_of(definition: Optional[Dict[str, Any]]) -> str:
    """Where the definition's unit lives (its systemd.unit_dir, or systemd's own default)."""
    systemd = (definition or {}).get("systemd")
    unit_dir = systemd.get("unit_dir") if isinstance(systemd, dict) else None
    if isinstance(unit_dir, str) and unit_dir.startswith("/") and ".." not in unit_dir.split("/"):
        return unit_dir.rstrip("/") or "/"
    return DEFAULT_UNIT_DIR


# -- drift ------------------------------------------------------------------------------------

def unit_differences(wanted: str, observed: str) -> List[str]:
    """The ``Section.Directive`` names whose values differ between two unit files (a line
    that cannot be read counts as the whole file differing)."""
    try:
        want, have = _directives(wanted), _directives(observed)
    except ValueError:
        return ["unit file"]
    keys = sorted(set(want) | set(have))
    return [k for k in keys if want.get(k) != have.get(k)] or ["unit file"]


def _directives(text: str) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for section, key, value in parse_unit_file(text):
        found.setdefault("%s.%s" % (section, key), []).append(value)
    return found


def systemd_drift(unit: str, wanted_unit: str, wanted_dropins: Dict[str, Optional[str]],
                  wanted_socket: Optional[str], enable: Optional[bool], observed: Observed) -> Tuple[List[str], List[str]]:
    """Drift of a systemd service (the properties, and the planner's changes in words)."""
    desired = Desired(unit_text=wanted_unit, state="stopped", enable=enable, dropins=wanted_dropins,
                      socket_text=wanted_socket)
    changes = [c for c in plan_changes(unit, desired, observed) if c.action in SYSTEMD_CONFIG_ACTIONS]
    files_differ = any(c.action != "daemon_reload" and c.action.startswith(("write", "remove")) for c in changes)
    drift: List[str] = []
    for change in changes:
        if change.action == "write_unit":
            drift += ["unit file"] if observed.unit_text is None else unit_differences(wanted_unit, observed.unit_text)
        elif change.action in ("write_dropin", "remove_dropin"):
            drift.append("drop-in %s" % change.target)
        elif change.action in ("write_socket", "remove_socket"):
            drift.append("socket unit")
        elif change.action == "daemon_reload":
            if not files_differ:
                drift.append("unit not loaded (daemon-reload pending)")
        elif change.action in ("enable", "disable", "reenable"):
            drift.append("enabled")
        else:
            drift.append("socket enabled")
    return _unique(drift), [c.describe() for c in changes]


def windows_drift(changes: Sequence[Change]) -> Tuple[List[str], List[str]]:
    """Drift from the sc or NSSM planner's configuration changes."""
    drift = []
    for change in changes:
        if change.action == "config":
            drift.append(change.target.rstrip("="))
        elif change.action in ("set", "reset"):
            drift.append(change.target)
        elif change.action in ("failure", "failureflag"):
            drift.append("recovery")
        elif change.action == "create":
            drift.append("service missing")
        else:
            drift.append(change.action)
    return _unique(drift), [c.describe() for c in changes]


def _unique(items: Sequence[str]) -> List[str]:
    return list(dict.fromkeys(items))


# -- the result -------------------------------------------------------------------------------

def status_of(sample: Optional[Sample]) -> Dict[str, Any]:
    if sample is None:
        return dict(state="absent", detail="not installed", pid=None, restarts=None)
    return sample.as_dict()


def assemble(name: str, platform: str, base: Optional[str], view: Optional[ReleaseView],
             definition: Optional[Dict[str, Any]], manager: str, status: Dict[str, Any],
             drift: Optional[List[str]], drift_changes: Optional[List[str]],
             last_verify: Optional[Dict[str, Any]], warnings: Sequence[str]) -> Dict[str, Any]:
    """The task's result (see the module's RETURN)."""
    view = view or ReleaseView()
    result: Dict[str, Any] = dict(
        changed=False,
        name=name,
        platform=platform,
        base=base,
        active=view.active,
        previous=view.previous,
        rolled_back=view.rolled_back,
        releases=list(view.releases),
        definition=definition,
        manager=manager,
        status=status,
        drift=drift,
        drifted=None if drift is None else bool(drift),
        drift_changes=drift_changes,
        last_verify=last_verify,
    )
    all_warnings = list(view.warnings) + list(warnings)
    if all_warnings:
        result["warnings"] = all_warnings
    return result


def status_row(host: str, info: Dict[str, Any]) -> Dict[str, str]:
    """One host's row of the fleet table, every cell a short word."""
    verify = info.get("last_verify") or {}
    drifted = info.get("drifted")
    status = info.get("status") or {}
    return dict(
        host=host,
        platform=str(info.get("platform") or "-"),
        service=str(info.get("name") or "-"),
        active=str(info.get("active") or "-"),
        previous=str(info.get("previous") or "-"),
        state=str(status.get("state") or "-"),
        pid=str(status.get("pid") or "-"),
        restarts="-" if status.get("restarts") is None else str(status.get("restarts")),
        drift="unknown" if drifted is None else ("yes" if drifted else "no"),
        verify=("-" if not verify else "%s %s" % ("passed" if verify.get("passed") else "failed", verify.get("time"))),
    )
