# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan: what must change so that an NSSM service matches its spec.

Everything is read in one round trip (:func:`read_argvs`, plus the sc.exe status reads):
whether nssm.exe is where it should be and its SHA-256 (certutil), the service's registry
key with ``/s`` (the SCM's values, NSSM's ``Parameters`` subkey and its ``AppExit`` subkey:
``nssm dump`` under NSSM 2.24-101 misreports per-exit-code actions, the registry does not),
the password fingerprint, and whether the program exists. The plan is a list of changes in
execution order: check mode reports it, a real run executes it, an empty plan is
changed=false. Nothing here does I/O.

Changes, with the target each names:

* ``install_nssm`` (nssm.exe at the target path), ``create_directory`` (a missing log
  directory: NSSM cannot open a log file there, and the program would not start),
  ``install``/``remove`` the service;
* ``set``/``reset`` one parameter (``AppExit <code>`` for an exit action, ``ImagePath``
  for the NSSM binary the service runs);
* ``set_fingerprint``/``delete_fingerprint``: the password fingerprint;
* ``start``/``stop``/``restart``.
"""
from __future__ import annotations

import ntpath
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from ._release_plan import builtin, certutil
from ._nssm_render import (
    NssmParameters,
    PARAMETER_ORDER,
    SCM_ONLY,
    effective_parameters,
    format_value,
    installed_parameters,
    is_default,
    same_value,
)
from ._reg_output import ServiceRegistryConfig
from ._sc_output import ScServiceStatus
from ._systemd_plan import Change
from ._win_account import FINGERPRINT_VALUE, check_password, fingerprint_read_argv, needs_password, password_matches
from ._win_cmdline import split_image_path
from ._win_registry import ObserveError, service_key, service_registry_argv
# service_info still imports it from here; it is defined once, in _win_registry.
from ._win_registry import parse_service_registry  # noqa: F401  pylint: disable=unused-import
from ._win_service_state import is_up, needs_stop
from ._win_start_mode import WIN_START_MODES
from ._win_text import to_lines


class PlanError(Exception):
    """The host is in a state this module must not change; the message says what to do."""


@dataclass
class Observed:
    """The host as read. ``config`` and ``status`` are None when the service does not exist.
    ``nssm_sha256`` is None when nssm.exe is there but the host could not hash it."""

    name: str
    config: Optional[ServiceRegistryConfig]
    status: Optional[ScServiceStatus]
    fingerprint: Optional[str] = None
    nssm_present: bool = False
    nssm_sha256: Optional[str] = None
    command_present: Optional[bool] = None
    missing_directories: List[str] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return self.status is not None


@dataclass
class Desired:
    name: str
    state: str
    parameters: Optional[NssmParameters]
    nssm_path: str
    nssm_sha256: str = ""
    password: Optional[str] = None
    update_password: str = "on_change"


# ---------------------------------------------------------------------------------------
# Reads

def read_argvs(name: str, nssm_path: Optional[str], command: Optional[str],
               directories: Sequence[str] = ()) -> Dict[str, List[str]]:
    """The reads besides the sc.exe status, by purpose, in the order they run (nssm.exe's
    only when ``nssm_path`` is given, the program's only when ``command`` is, one per
    directory that must exist: ``directory <path>``)."""
    argvs: Dict[str, List[str]] = {}
    if nssm_path:
        # dir /a-d: rc 0 only for an existing file; certutil alone cannot tell a missing
        # file from a host whose certutil does not hash (Wine's is a stub: no output, rc 0).
        argvs["nssm_exists"] = file_exists_argv(nssm_path)
        argvs["nssm_hash"] = certutil(nssm_path)
    argvs["registry"] = service_registry_argv(name)
    argvs["fingerprint"] = fingerprint_read_argv(name)
    if command:
        argvs["command_exists"] = file_exists_argv(command)
    for directory in directories:
        # The parent's subdirectories: `dir` of an empty directory itself fails like a
        # missing one, so existence is read from the listing one level up.
        argvs["directory " + directory] = builtin("dir", "/b", "/ad", ntpath.dirname(directory))
    return argvs


def parse_directory_exists(directory: str, rc: int, output: str) -> bool:
    name = ntpath.basename(directory).lower()
    return rc == 0 and any(line.strip().lower() == name for line in to_lines(output))


def file_exists_argv(path: str) -> List[str]:
    """A read that lists ``path`` when it is a file (see :func:`parse_file_exists`)."""
    return builtin("dir", "/b", "/a-d", path)


def parse_file_exists(rc: int, output: str) -> bool:
    return rc == 0 and bool(output.strip())


def observed_parameters(config: ServiceRegistryConfig) -> NssmParameters:
    """The service's NSSM configuration with NSSM's defaults filled in."""
    values: Dict[str, object] = dict(config.nssm)
    values["DisplayName"] = config.display_name
    values["Description"] = config.description
    mode = config.start_mode
    known = WIN_START_MODES.get(mode or "")
    values["Start"] = known.start_type if known is not None else "Start %s" % config.start
    values["ObjectName"] = config.object_name
    values["DependOnService"] = config.depend_on_service
    return effective_parameters(values, config.nssm_app_exit)


# ---------------------------------------------------------------------------------------
# Plan

def check_nssm_service(name: str, config: Optional[ServiceRegistryConfig], nssm_path: str) -> None:
    """Refuse a service that NSSM does not run: changing it would break another tool's setup."""
    image = (config.image_path if config is not None else None) or ""
    exe = ""
    if image.strip():
        try:
            exe = split_image_path(image).exe
        except ValueError:
            exe = ""
    base = exe.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    if base == "nssm.exe" or (exe and exe.lower() == nssm_path.lower()):
        return
    raise PlanError(
        "service %r exists but is not an NSSM service (its ImagePath is %s). Nothing was changed. "
        "Manage it with svcwright.services.win_service, or remove it first, or choose another name."
        % (name, image or "missing"))


def parameter_changes(desired: NssmParameters, before: NssmParameters) -> List[Change]:
    """``set``/``reset`` for every managed parameter whose value differs, in order."""
    changes: List[Change] = []
    for name in PARAMETER_ORDER:
        if name == "AppThrottle":
            changes.extend(_exit_changes(desired, before))
        if name not in desired.values:
            continue
        want, have = desired.values[name], before.values.get(name)
        if have is not None and same_value(name, want, have):
            continue
        action = "reset" if is_default(name, want) else "set"
        shown = format_value(have if have is not None else "")
        changes.append(Change(action, name, "%s -> %s" % (shown, format_value(want))))
    return changes


def _exit_changes(desired: NssmParameters, before: NssmParameters) -> List[Change]:
    changes = []
    codes = sorted(set(desired.app_exit) | set(before.app_exit), key=lambda c: (c != "Default", int(c) if c.isdigit() else 0))
    for code in codes:
        want = desired.app_exit.get(code)
        have = before.app_exit.get(code)
        if want == have:
            continue
        target = "AppExit %s" % code
        if want is None:
            changes.append(Change("reset", target, "%s -> the default action %s" % (have, desired.exit_action(code))))
        else:
            changes.append(Change("set", target, "%s -> %s" % (have or "(default %s)" % before.exit_action(code), want)))
    return changes


def _password_changes(desired: Desired, observed: Observed, changes: List[Change], created: bool) -> List[Change]:
    """The ObjectName change a password needs, and the fingerprint bookkeeping."""
    params = desired.parameters
    account = str(params.values["ObjectName"]) if params is not None else "LocalSystem"
    account_change = next((c for c in changes if c.action in ("set", "reset") and c.target == "ObjectName"), None)
    check_password(desired.name, account, desired.password, created or account_change is not None,
                   desired.update_password)
    extra: List[Change] = []
    if not needs_password(account):
        if observed.fingerprint:
            extra.append(Change("delete_fingerprint", FINGERPRINT_VALUE, "account %s has no password" % account))
        return extra
    if desired.password is None:
        return extra
    reason = ""
    if account_change is None and not created:
        if desired.update_password == "always":
            reason = "update_password is always"
        elif desired.update_password == "on_change" and not password_matches(desired.password, observed.fingerprint):
            reason = ("password changed" if observed.fingerprint
                      else "no fingerprint of the password set last: set it once and record one")
        if reason:
            extra.append(Change("set", "ObjectName", reason))
    if account_change is not None or created or reason:
        extra.append(Change("set_fingerprint", FINGERPRINT_VALUE, "remember the password just set"))
    return extra


def plan_changes(desired: Desired, observed: Observed) -> List[Change]:
    name = desired.name
    status = observed.status
    changes: List[Change] = []

    if desired.state == "absent":
        if observed.exists:
            check_nssm_service(name, observed.config, desired.nssm_path)
            if needs_stop(status):
                changes.append(Change("stop", name, "state is absent"))
            changes.append(Change("remove", name, "state is absent"))
        if observed.fingerprint:
            changes.append(Change("delete_fingerprint", FINGERPRINT_VALUE, "state is absent"))
        return changes

    params = desired.parameters
    if params is None:
        raise ValueError("desired.parameters is required unless state is absent")
    if not observed.nssm_present:
        changes.append(Change("install_nssm", desired.nssm_path, "nssm.exe is missing"))
    elif observed.nssm_sha256 != desired.nssm_sha256:
        changes.append(Change("install_nssm", desired.nssm_path, "its SHA-256 is %s, not %s"
                              % (observed.nssm_sha256 or "unknown", desired.nssm_sha256)))

    for directory in observed.missing_directories:
        changes.append(Change("create_directory", directory, "log directory is missing"))
    created = not observed.exists
    if created:
        changes.append(Change("install", name, "service does not exist"))
        before = installed_parameters(name, str(params.values["Application"]))
    else:
        if observed.config is None:
            raise ObserveError("service %r exists but its registry key %s could not be read"
                               % (name, service_key(name)))
        check_nssm_service(name, observed.config, desired.nssm_path)
        before = observed_parameters(observed.config)
        image = split_image_path(observed.config.image_path or "")
        if image.exe.lower() != desired.nssm_path.lower() or image.args_text:
            changes.append(Change("set", "ImagePath", "runs %s, not nssm_path" % observed.config.image_path))
        elif image.unquoted_with_spaces:
            changes.append(Change("set", "ImagePath", "%s is unquoted: the SCM could start another program"
                                  % observed.config.image_path))

    config_changes = parameter_changes(params, before)
    config_changes += _password_changes(desired, observed, config_changes, created)
    changes += config_changes

    restart_for = [c.target for c in changes
                   if (c.action in ("set", "reset") and c.target not in SCM_ONLY) or c.action == "install_nssm"]
    up = is_up(status, wrapped=True)
    if desired.state == "started":
        if created:
            changes.append(Change("start", name, "service was just installed"))
        elif not up:
            changes.append(Change("start", name, "service is %s" % (status.state_name if status else "stopped")))
        elif restart_for:
            changes.append(Change("restart", name, "changed: " + ", ".join(dict.fromkeys(restart_for))))
    elif desired.state == "restarted":
        changes.append(Change("restart" if up else "start", name, "state is restarted"))
    elif desired.state == "stopped" and needs_stop(status):
        changes.append(Change("stop", name, "state is stopped"))
    return changes
