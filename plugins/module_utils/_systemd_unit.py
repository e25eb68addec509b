# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A systemd unit on its host: the systemd_unit module's options, what they ask for
(``check_module_options``, no I/O, also used on the controller), what the host has
(``observe``), and the executor that carries out a plan (``UnitHost.apply``).

The plan itself, pure, is ``_systemd_plan.plan_changes``.
"""
from __future__ import annotations

import os
import re
import grp
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible.module_utils.basic import AnsibleModule

from ._linux_prerequisites import (
    account_exists,
    missing_prerequisites,
)
from ._values import ValueProblem, check_line
from ._spec import (
    SpecError,
    ServiceSpec,
    build_spec,
    spec_argument_spec,
)
from ._systemd_render import (
    SystemdOptions,
    merge_directives,
    log_directories,
    render_dropin,
    render_socket,
    render_unit,
    socket_unit_name,
    unit_name,
)
from ._systemd_parse import (
    SHOW_PROPERTIES,
    UnitStatus,
    parse_systemctl_show,
    unit_status,
)
from ._systemd_plan import (
    FILE_KINDS,
    RUNTIME_KINDS,
    Change,
    Desired,
    Kind,
    Observed,
    plan_changes,
)

JOURNAL_LINES = 25


def argument_spec() -> Dict[str, dict]:
    spec = spec_argument_spec()
    spec.update(
        type=dict(type="str", choices=["simple", "exec", "notify"], default="exec"),
        documentation=dict(type="list", elements="str", default=[]),
        after=dict(type="list", elements="str", default=[]),
        wants=dict(type="list", elements="str", default=[]),
        requires=dict(type="list", elements="str", default=[]),
        group=dict(type="str"),
        create_account=dict(type="bool", default=False),
        environment_files=dict(type="list", elements="str", default=[]),
        reload_signal=dict(type="str"),
        reload_command=dict(type="list", elements="str", default=[]),
        kill_signal=dict(type="str"),
        kill_mode=dict(type="str", choices=["control-group", "mixed", "process", "none"]),
        syslog_identifier=dict(type="str"),
        limit_nofile=dict(type="str"),
        capabilities=dict(type="list", elements="str", default=[]),
        hardening=dict(
            type="dict",
            default={},
            options=dict(
                enabled=dict(type="bool", default=True),
                overrides=dict(type="dict", default={}),
            ),
        ),
        read_write_paths=dict(type="list", elements="str", default=[]),
        state_directory=dict(type="bool", default=True),
        wanted_by=dict(type="str", default="multi-user.target"),
        unit_extra=dict(type="dict", default={}),
        drop_ins=dict(type="dict", default={}),
        restart_triggers=dict(type="list", elements="str", default=[]),
        unit_dir=dict(type="str", default="/etc/systemd/system"),
        _host=dict(type="str"),
    )
    return spec


def systemd_options(params: dict) -> SystemdOptions:
    hardening = params.get("hardening") or {}
    return SystemdOptions(
        unit_type=params["type"],
        documentation=params["documentation"],
        after=params["after"],
        wants=params["wants"],
        requires=params["requires"],
        group=params["group"],
        environment_files=params["environment_files"],
        reload_signal=params["reload_signal"],
        reload_command=params["reload_command"],
        kill_signal=params["kill_signal"],
        kill_mode=params["kill_mode"],
        syslog_identifier=params["syslog_identifier"],
        limit_nofile=params["limit_nofile"],
        capabilities=params["capabilities"],
        hardening=hardening.get("enabled", True) is not False,
        hardening_overrides=hardening.get("overrides") or {},
        read_write_paths=params["read_write_paths"],
        state_directory=params["state_directory"],
        wanted_by=params["wanted_by"],
        unit_extra=params["unit_extra"] or {},
    )


_DROPIN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")


def dropin_file_name(service: str, name: Any) -> str:
    """The file name of a drop-in: one plain path component, ending in .conf."""
    if not isinstance(name, str) or not _DROPIN_NAME.match(name) or ".." in name or len(name) > 200:
        raise SpecError("service %r: drop_ins name %r is not a plain file name. Use letters, digits and '_', '.', "
                        "'@', '-' (no '/', no '..'), e.g. memory." % (service, name))
    return name if name.endswith(".conf") else name + ".conf"


def absolute_path(service: str, key: str, value: str) -> str:
    """A path option of this module: absolute, one line, no '..' step, taken literally."""
    try:
        check_line(value)
    except ValueProblem as exc:
        raise SpecError("service %r: %s %s. %s" % (service, key, exc.problem, exc.fix)) from None
    if not value.startswith("/") or ".." in value.split("/"):
        raise SpecError("service %r: %s must be an absolute path without '..', got %r. Give the full path, e.g. "
                        "/etc/systemd/system." % (service, key, value))
    return value


@dataclass
class Wanted:
    """Everything this module's options ask for, checked and rendered, before any I/O."""

    unit_dir: str
    triggers: List[str]
    options: SystemdOptions
    unit: Optional[str]
    socket: Optional[str]
    dropins: Dict[str, Optional[str]]


def _keyed(service: str, key: str, render: Any, *args: Any) -> Any:
    """``render(*args)``, with a refusal that does not name the service and option yet named."""
    try:
        return render(*args)
    except SpecError as exc:
        if str(exc).startswith("service "):
            raise
        raise SpecError("service %r: %s: %s" % (service, key, exc), key=key) from None


def check_module_options(spec: ServiceSpec, params: Dict[str, Any]) -> Wanted:
    """The module's own options on top of the spec: SpecError for any of them that cannot
    be written faithfully (also used on the controller, by service_spec)."""
    unit_dir = absolute_path(spec.name, "unit_dir", params["unit_dir"])
    triggers = [absolute_path(spec.name, "restart_triggers[%d]" % i, t)
                for i, t in enumerate(params["restart_triggers"])]
    opts = systemd_options(params)
    if spec.account is None and params["create_account"]:
        raise SpecError("service %r: create_account is set but account is not. Name the account." % spec.name)
    dropins: Dict[str, Optional[str]] = {}
    for n, body in (params["drop_ins"] or {}).items():
        if body is not None and not isinstance(body, dict):
            raise SpecError("service %r: drop_ins %s must be a dictionary of sections (e.g. {Service: "
                            "{MemoryMax: 256M}}) or null to remove it." % (spec.name, n))
        file_name = dropin_file_name(spec.name, n)
        dropins[file_name] = _keyed(spec.name, "drop_ins %s" % n, render_dropin, body) if body is not None else None
    # Raw directives are checked on their own first, so that an error names the option it came from.
    _keyed(spec.name, "unit_extra", merge_directives, [], opts.unit_extra)
    _keyed(spec.name, "hardening.overrides", merge_directives, [], {"Service": opts.hardening_overrides})
    present = spec.state != "absent"
    return Wanted(unit_dir=unit_dir, triggers=triggers, options=opts,
                  unit=render_unit(spec, opts) if present else None,
                  socket=render_socket(spec) if present else None, dropins=dropins)


class UnitHost:
    """Everything the module reads from and does to the host, in one place."""

    def __init__(self, module: AnsibleModule, spec: ServiceSpec, unit: str, unit_dir: str,
                 desired_unit: Optional[str], desired_dropins: Dict[str, Optional[str]],
                 desired_socket: Optional[str]) -> None:
        self.module = module
        self.desired_unit = desired_unit or ""
        self.desired_dropins = desired_dropins
        self.desired_socket = desired_socket or ""
        self.socket_unit = socket_unit_name(spec.name)
        self.socket_path = os.path.join(unit_dir, self.socket_unit)
        self.spec = spec
        self.unit = unit
        self.unit_path = os.path.join(unit_dir, unit)
        self.dropin_dir = self.unit_path + ".d"
        self.host = module.params.get("_host") or socket.gethostname()
        self.started = time.time()

    # -- errors -------------------------------------------------------------------------
    def fail(self, what: str, cmd: Optional[List[str]] = None, rc: Optional[int] = None,
             out: str = "", err: str = "", hint: str = "") -> None:
        journal = self.journal_tail()
        logs = self.log_file_tails()
        msg = "host %s: unit %s: %s" % (self.host, self.unit, what)
        if cmd:
            msg += "\ncommand: %s (rc %s)" % (" ".join(cmd), rc)
        output = (err or out).strip()
        if output:
            msg += "\noutput: %s" % output
        if journal:
            msg += "\nlast journal lines:\n" + "\n".join(journal)
        for path, lines in logs.items():
            msg += "\nlast lines of %s:\n%s" % (path, "\n".join(lines))
        if hint:
            msg += "\n" + hint
        self.module.fail_json(msg=msg, unit=self.unit, unit_path=self.unit_path, cmd=cmd, rc=rc,
                              stdout=out, stderr=err, journal=journal, log_tails=logs)

    def run(self, cmd: List[str], what: str, check: bool = True, hint: str = "") -> Tuple[int, str, str]:
        rc, out, err = self.module.run_command(cmd, environ_update={"SYSTEMD_PAGER": "", "LC_ALL": "C"})
        if check and rc != 0:
            self.fail(what, cmd, rc, out, err, hint)
        return rc, out, err

    def journal_tail(self) -> List[str]:
        journalctl = self.module.get_bin_path("journalctl")
        if not journalctl:
            return []
        # What this run caused first; older lines only when this run left none.
        base = [journalctl, "-u", self.unit, "-n", str(JOURNAL_LINES), "--no-pager", "-o", "short-iso", "-q"]
        for extra in (["--since", "@%d" % int(self.started)], []):
            rc, out, _err = self.module.run_command(base + extra)
            lines = [line for line in out.splitlines() if line.strip()] if rc == 0 else []
            if lines:
                return lines
        return []

    def log_file_tails(self) -> Dict[str, List[str]]:
        tails: Dict[str, List[str]] = {}
        if self.spec.logs.mode != "file":
            return tails
        for path in dict.fromkeys(p for p in (self.spec.logs.stdout, self.spec.logs.stderr) if p):
            try:
                with open(path, "rb") as f:
                    f.seek(0, os.SEEK_END)
                    f.seek(max(0, f.tell() - 8192))
                    lines = f.read().decode("utf-8", "replace").splitlines()
            except OSError:
                continue
            tails[path] = lines[-JOURNAL_LINES:]
        return tails

    # -- reads --------------------------------------------------------------------------
    def read(self, path: str) -> Optional[str]:
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            return None

    def status(self, unit: Optional[str] = None) -> UnitStatus:
        cmd = ["systemctl", "show", unit or self.unit, "--property=" + ",".join(SHOW_PROPERTIES)]
        _rc, out, _err = self.run(cmd, "cannot read the unit's state",
                                  hint="Is systemd running on this host (systemctl is-system-running)?")
        return unit_status(parse_systemctl_show(out))

    def account_exists(self) -> bool:
        return account_exists(self.spec.account)

    def check_prerequisites(self, create_account: bool, group: Optional[str], requires: List[str]) -> None:
        """What must exist before the unit can work, checked before anything is written. Check
        mode predicts the failure as a warning, since an earlier task of the same run (shipping
        the program, creating the account) may not have happened for real."""
        problems = missing_prerequisites(self.spec, create_account, group, requires, self.show_units)
        if not problems:
            return
        if self.module.check_mode:
            for problem in problems:
                self.module.warn("host %s: unit %s: %s" % (self.host, self.unit, problem))
            return
        msg = "host %s: unit %s: nothing was changed: %s" % (self.host, self.unit, " ".join(problems))
        self.module.fail_json(msg=msg, unit=self.unit, unit_path=self.unit_path)

    def show_units(self, units: List[str]) -> str:
        return self.run(["systemctl", "show", "--property=Id,LoadState", "--"] + units,
                        "cannot read the state of the dependencies")[1]

    def changed_triggers(self, triggers: List[str], status: UnitStatus) -> List[str]:
        if not status.running or status.main_start_monotonic_us <= 0:
            return []
        # Both clocks are the kernel's: the process start in CLOCK_MONOTONIC, converted to
        # wall time, compared with the files' ctime (which copies and renames always bump).
        started = time.time() - (time.monotonic() - status.main_start_monotonic_us / 1e6)
        changed = []
        for path in triggers:
            newest = self.newest_ctime(path)
            if newest is None:
                self.fail("restart trigger %s does not exist" % path,
                          hint="Fix restart_triggers, or ship the file before this task.")
            elif newest > started:
                changed.append(path)
        return changed

    @staticmethod
    def newest_ctime(path: str) -> Optional[float]:
        """ctime of the file and of every symbolic link on its path (a switched link counts)."""
        try:
            newest = os.stat(path).st_ctime
        except FileNotFoundError:
            return None
        parts = path.split("/")
        for i in range(2, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if os.path.islink(prefix):
                newest = max(newest, os.lstat(prefix).st_ctime)
        return newest

    # -- validation ---------------------------------------------------------------------
    def verify(self, unit_text: str, dropins: Dict[str, Optional[str]], socket_text: Optional[str]) -> None:
        """Load the candidate unit with systemd-analyze verify before it replaces anything."""
        analyze = self.module.get_bin_path("systemd-analyze")
        if not analyze:
            self.module.warn("systemd-analyze not found: the unit was not validated before being written")
            return
        tmp = tempfile.mkdtemp(prefix="svcwright-verify-")
        try:
            path = os.path.join(tmp, self.unit)
            with open(path, "w", encoding="utf-8") as f:
                f.write(unit_text)
            paths = [path]
            if socket_text is not None:
                paths.append(os.path.join(tmp, self.socket_unit))
                with open(paths[-1], "w", encoding="utf-8") as f:
                    f.write(socket_text)
            wanted = {n: t for n, t in dropins.items() if t is not None}
            if wanted:
                os.mkdir(path + ".d")
                for name, text in wanted.items():
                    with open(os.path.join(path + ".d", name), "w", encoding="utf-8") as f:
                        f.write(text)
            # The trailing ':' keeps systemd's own search path after the candidate's directory.
            rc, out, err = self.module.run_command(
                [analyze, "verify"] + paths, environ_update={"SYSTEMD_UNIT_PATH": tmp + ":", "LC_ALL": "C"})
            ours = [line.replace(tmp + "/", "") for line in (out + err).splitlines() if tmp in line]
            predicted = 0
            if self.module.check_mode and not os.path.exists(self.spec.command or ""):
                # Predicted, already warned about: the program is shipped by an earlier task of a real run.
                missing = "Command %s is not executable" % self.spec.command
                predicted = sum(missing in line for line in (out + err).splitlines())
                ours = [line for line in ours if missing not in line]
            if ours or (rc != 0 and not predicted):
                problems = "\n".join(ours) or (err or out).strip()
                self.module.fail_json(
                    msg="host %s: unit %s: the new unit is invalid, nothing was changed.\n"
                        "systemd-analyze verify said:\n%s\nFix the spec (or unit_extra/drop_ins) and run again."
                        % (self.host, self.unit, problems),
                    unit=self.unit, unit_path=self.unit_path, rc=rc, stdout=out, stderr=err, content=unit_text)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # -- writes -------------------------------------------------------------------------
    def write_atomic(self, path: str, text: str) -> None:
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".svcwright-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def create_account(self, group: Optional[str]) -> None:
        account = self.spec.account or ""
        shell = "/usr/sbin/nologin" if os.path.exists("/usr/sbin/nologin") else "/bin/false"
        cmd = ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", shell]
        if group:
            try:
                grp.getgrnam(group)
            except KeyError:
                self.run(["groupadd", "--system", group], "cannot create group %s" % group)
            cmd += ["--gid", group]
        else:
            cmd += ["--user-group"]
        self.run(cmd + [account], "cannot create account %s" % account)

    def timed(self, deadline: float, cmd: List[str]) -> List[str]:
        """systemctl blocks until its job is done; `timeout` bounds that wait."""
        timeout = self.module.get_bin_path("timeout")
        return [timeout, "--kill-after=5", "%.1f" % deadline] + cmd if timeout else cmd

    # -- the executor: one step per kind of change -------------------------------------
    def apply(self, change: Change, group: Optional[str]) -> None:
        # Kind() refuses a word no step exists for, rather than doing nothing on the host.
        self._steps[Kind(change.action)](self, change, group)

    def _create_account(self, change: Change, group: Optional[str]) -> None:
        self.create_account(group)

    def _create_directory(self, change: Change, group: Optional[str]) -> None:
        os.makedirs(change.target, mode=0o750, exist_ok=True)

    def _write_unit(self, change: Change, group: Optional[str]) -> None:
        self.write_atomic(self.unit_path, self.desired_unit)

    def _remove_unit(self, change: Change, group: Optional[str]) -> None:
        os.unlink(self.unit_path)

    def _write_dropin(self, change: Change, group: Optional[str]) -> None:
        self.write_atomic(os.path.join(self.dropin_dir, change.target), self.desired_dropins[change.target] or "")

    def _remove_dropin(self, change: Change, group: Optional[str]) -> None:
        os.unlink(os.path.join(self.dropin_dir, change.target))
        if os.path.isdir(self.dropin_dir) and not os.listdir(self.dropin_dir):
            os.rmdir(self.dropin_dir)

    def _write_socket(self, change: Change, group: Optional[str]) -> None:
        self.write_atomic(self.socket_path, self.desired_socket)

    def _remove_socket(self, change: Change, group: Optional[str]) -> None:
        os.unlink(self.socket_path)

    def _socket_job(self, change: Change, group: Optional[str]) -> None:
        verb = str(change.action).split("_", 1)[0]
        self.run(self.timed(self.spec.wait_timeout, ["systemctl", verb, self.socket_unit]),
                 "cannot %s the socket unit %s" % (verb, self.socket_unit))

    def _daemon_reload(self, change: Change, group: Optional[str]) -> None:
        self.run(["systemctl", "daemon-reload"], "daemon-reload failed")

    def _enablement(self, change: Change, group: Optional[str]) -> None:
        verb = str(change.action)
        self.run(["systemctl", verb, self.unit], "cannot %s the unit" % verb)

    def _reset_failed(self, change: Change, group: Optional[str]) -> None:
        self.run(["systemctl", "reset-failed", self.unit], "cannot reset the failed state", check=False)

    def _start(self, change: Change, group: Optional[str]) -> None:
        action = str(change.action)
        # A unit that hit its start limit refuses to start until its failed state is reset.
        self.run(["systemctl", "reset-failed", self.unit], "reset-failed", check=False)
        deadline = self.spec.wait_timeout + (self.spec.stop_timeout if change.action is Kind.RESTART else 0)
        rc, out, err = self.run(self.timed(deadline, ["systemctl", action, self.unit]), "", check=False)
        if rc == 124:
            self.fail("did not become active within %s seconds" % int(deadline), ["systemctl", action, self.unit],
                      rc, out, err, hint="Raise wait_timeout if the service is slow to start, or see the journal above.")
        elif rc != 0:
            self.fail("%s failed" % action, ["systemctl", action, self.unit], rc, out, err)
        # systemctl returns once the process runs; one that dies at once shows here.
        after = self.status()
        if after.active_state == "failed" or after.sub_state == "auto-restart":
            self.fail("exited right after %s (%s, status %s)" % (action, after.result, after.exec_main_status),
                      ["systemctl", action, self.unit], rc, out, err)

    def _stop(self, change: Change, group: Optional[str]) -> None:
        deadline = self.spec.stop_timeout + self.spec.wait_timeout
        rc, out, err = self.run(self.timed(deadline, ["systemctl", "stop", self.unit]), "", check=False)
        if rc != 0:
            self.fail("stop failed" if rc != 124 else "did not stop within %s seconds" % int(deadline),
                      ["systemctl", "stop", self.unit], rc, out, err)

    _steps: Dict[Kind, Callable[["UnitHost", Change, Optional[str]], None]] = {
        Kind.CREATE_ACCOUNT: _create_account,
        Kind.CREATE_DIRECTORY: _create_directory,
        Kind.WRITE_UNIT: _write_unit,
        Kind.REMOVE_UNIT: _remove_unit,
        Kind.WRITE_DROPIN: _write_dropin,
        Kind.REMOVE_DROPIN: _remove_dropin,
        Kind.WRITE_SOCKET: _write_socket,
        Kind.REMOVE_SOCKET: _remove_socket,
        Kind.ENABLE_SOCKET: _socket_job,
        Kind.DISABLE_SOCKET: _socket_job,
        Kind.START_SOCKET: _socket_job,
        Kind.STOP_SOCKET: _socket_job,
        Kind.RESTART_SOCKET: _socket_job,
        Kind.DAEMON_RELOAD: _daemon_reload,
        Kind.ENABLE: _enablement,
        Kind.DISABLE: _enablement,
        Kind.REENABLE: _enablement,
        Kind.RESET_FAILED: _reset_failed,
        Kind.START: _start,
        Kind.RESTART: _start,
        Kind.STOP: _stop,
    }


def runtime_summary(status: UnitStatus, changes: List[Change], state: str) -> Tuple[str, str]:
    before = "active: %s (%s)\nenabled: %s\n" % (status.active_state or "unknown", status.sub_state or "-",
                                                 status.unit_file_state or "-")
    after_active = {"started": "active (running)", "restarted": "active (running)", "stopped": "inactive (dead)",
                    "absent": "removed"}[state]
    after = "active: %s\nenabled: %s\n" % (after_active, status.unit_file_state or "-")
    for change in changes:
        if change.action in (Kind.ENABLE, Kind.DISABLE, Kind.REENABLE):
            after = "active: %s\nenabled: %sd\n" % (after_active, str(change.action).replace("reenable", "enable"))
    for change in changes:
        if change.action in (Kind.START, Kind.RESTART, Kind.STOP) or str(change.action).endswith("_socket"):
            after += "%s: %s\n" % (change.action.replace("_", " "), change.reason)
    return before, after


def desired_dropins(spec: ServiceSpec, wanted: Wanted) -> Dict[str, Optional[str]]:
    if spec.state == "absent":
        # Remove every drop-in the task names, whatever its value.
        return {n: None for n in wanted.dropins}
    return dict(wanted.dropins)


@dataclass
class UnitPlan:
    """What a systemd_unit task would do on this host, from what the host has now."""

    spec: ServiceSpec
    unit: str
    wanted: Wanted
    host: UnitHost
    observed: Observed
    status: UnitStatus
    changes: List[Change]

    @property
    def desired_dropins(self) -> Dict[str, Optional[str]]:
        return desired_dropins(self.spec, self.wanted)

    def diffs(self) -> List[Dict[str, str]]:
        """One diff per file that would change, and one for the runtime state."""
        observed, host, wanted = self.observed, self.host, self.wanted
        diffs = []
        if observed.unit_text != wanted.unit:
            diffs.append(dict(before_header=host.unit_path, after_header=host.unit_path,
                              before=observed.unit_text or "", after=wanted.unit or ""))
        if observed.socket_text != wanted.socket:
            diffs.append(dict(before_header=host.socket_path, after_header=host.socket_path,
                              before=observed.socket_text or "", after=wanted.socket or ""))
        for name, text in sorted(self.desired_dropins.items()):
            if observed.dropins.get(name) != text and (text is not None or name in observed.dropins):
                path = os.path.join(host.dropin_dir, name)
                diffs.append(dict(before_header=path, after_header=path,
                                  before=observed.dropins.get(name, ""), after=text or ""))
        if any(c.action in RUNTIME_KINDS or str(c.action).endswith("_socket") for c in self.changes):
            before, after = runtime_summary(self.status, self.changes, self.spec.state)
            diffs.append(dict(before_header=self.unit + " (runtime)", after_header=self.unit + " (runtime)",
                              before=before, after=after))
        return diffs

    def execute(self) -> UnitStatus:
        for change in self.changes:
            self.host.apply(change, self.wanted.options.group)
        return self.host.status()


def plan_unit(module: AnsibleModule, params: Dict[str, Any]) -> UnitPlan:
    """Read the host and plan: every check that can refuse the task runs here, before any
    change (SpecError for the options; ``module.fail_json`` for what the host lacks)."""
    spec = build_spec(params)
    unit = unit_name(spec.name)
    wanted = check_module_options(spec, params)
    host = UnitHost(module, spec, unit, wanted.unit_dir, wanted.unit, wanted.dropins, wanted.socket)
    if spec.state != "absent":
        host.check_prerequisites(params["create_account"], wanted.options.group, wanted.options.requires)
    status = host.status()
    dropins = desired_dropins(spec, wanted)
    observed = Observed(
        unit_text=host.read(host.unit_path),
        status=status,
        dropins={n: t for n, t in ((n, host.read(os.path.join(host.dropin_dir, n))) for n in dropins) if t is not None},
        account_exists=host.account_exists(),
        missing_directories=[d for d in log_directories(spec) if not os.path.isdir(d)] if spec.state != "absent" else [],
        changed_triggers=host.changed_triggers(wanted.triggers, status) if spec.state == "started" else [],
        socket_text=host.read(host.socket_path),
    )
    if observed.socket_text is not None or wanted.socket is not None:
        observed.socket_status = host.status(host.socket_unit)
    enable = {"auto": True, "delayed": True, "manual": False, "disabled": False}[spec.start_mode]
    desired = Desired(unit_text=wanted.unit, state=spec.state, enable=enable, dropins=dropins,
                      create_account=params["create_account"], directories=log_directories(spec),
                      socket_text=wanted.socket)
    changes = plan_changes(unit, desired, observed)
    if wanted.unit is not None and any(c.action in FILE_KINDS for c in changes):
        final_dropins: Dict[str, Optional[str]] = dict(observed.dropins)
        final_dropins.update(dropins)
        host.verify(wanted.unit, final_dropins, wanted.socket)
    return UnitPlan(spec, unit, wanted, host, observed, status, changes)
