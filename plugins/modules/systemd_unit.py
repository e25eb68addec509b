#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: systemd_unit
short_description: Make a systemd service exactly what a service spec says
version_added: 0.1.0
description:
  - Renders the platform-neutral service spec to a systemd unit, writes it atomically only when
    its content differs, validates it with C(systemd-analyze verify) before it replaces the old
    one, reloads systemd only when needed, enables or disables it, and starts, stops, restarts
    or removes the service, waiting for the result with a deadline.
  - Restarts a running service when its unit, one of its drop-ins, or one of O(restart_triggers)
    (for example the binary) changed after the running process started.
  - A hardening preset (V(NoNewPrivileges), V(ProtectSystem=strict), V(PrivateTmp), V(ProtectHome),
    system call filtering and more) is on by default; relax it option by option with
    O(hardening.overrides).
  - Everything is read and changed in one module run, one round trip per host.
author:
  - svcwright maintainers (@svcwright)
extends_documentation_fragment:
  - svcwright.services.service_spec
  - svcwright.services.attributes
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - The task's arguments are checked on the controller, where YAML's own types are still visible, before the
        module runs on the host.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
requirements:
  - systemd 247 or later on the target (for C(ProtectProc=) and C(ProcSubset=); older versions ignore them with a warning).
notes:
  - O(start_mode=delayed) is the same as V(auto) on systemd.
  - O(start_mode=disabled) disables the unit; it does not mask it, because the unit file itself lives in O(unit_dir).
  - O(restart.max_restarts) restarts within O(restart.window) are allowed; systemd counts the first start too,
    so C(StartLimitBurst=) is O(restart.max_restarts) + 1.
  - Raw values in O(unit_extra), O(drop_ins) and O(hardening.overrides) are written verbatim (booleans become
    V(yes)/V(no)); only the spec's own options are quoted by the module.
options:
  type:
    description:
      - The unit's C(Type=). V(exec) reports a failure to execute the binary as a failed start.
    type: str
    choices: [simple, exec, notify]
    default: exec
  documentation:
    description: URLs for the unit's C(Documentation=).
    type: list
    elements: str
    default: []
  after:
    description: Units this one is ordered after, in addition to O(dependencies) and C(network-online.target).
    type: list
    elements: str
    default: []
  wants:
    description: Units this one wants, in addition to O(dependencies) and C(network-online.target).
    type: list
    elements: str
    default: []
  requires:
    description: Units this one requires (C(Requires=)).
    type: list
    elements: str
    default: []
  group:
    description: Group the service runs as.
    type: str
  create_account:
    description:
      - Create O(account) as a system user with no home directory and no login shell when it does not exist,
        with a group of the same name (or O(group), created when missing).
    type: bool
    default: false
  environment_files:
    description:
      - Files of C(KEY=VALUE) lines for C(EnvironmentFile=). A leading V(-) makes a file optional.
    type: list
    elements: str
    default: []
  reload_signal:
    description: Signal sent to the main process by C(systemctl reload), e.g. V(HUP).
    type: str
  reload_command:
    description: Command run by C(systemctl reload), as an argv list (quoted by the module).
    type: list
    elements: str
    default: []
  kill_signal:
    description: Signal that asks the program to stop (C(KillSignal=)); systemd's default is V(SIGTERM).
    type: str
  kill_mode:
    description: Which processes are signalled on stop (C(KillMode=)).
    type: str
    choices: [control-group, mixed, process, none]
  syslog_identifier:
    description: Identifier of the service's lines in the journal. Defaults to O(name).
    type: str
  limit_nofile:
    description: Open file limit (C(LimitNOFILE=)), a number or V(infinity).
    type: str
  capabilities:
    description:
      - Capabilities the service keeps and receives, e.g. V(CAP_NET_BIND_SERVICE) to bind ports below 1024
        as a non-root account (C(AmbientCapabilities=) and C(CapabilityBoundingSet=)).
    type: list
    elements: str
    default: []
  hardening:
    description: The sandboxing preset.
    type: dict
    default: {}
    suboptions:
      enabled:
        description: Apply the preset.
        type: bool
        default: true
      overrides:
        description:
          - 'Directives that replace or extend the preset, for example V(ProtectHome) set to V(read-only).'
          - A value of V(null) removes the directive from the unit.
        type: dict
        default: {}
  read_write_paths:
    description: Paths the service may write despite C(ProtectSystem=strict).
    type: list
    elements: str
    default: []
  state_directory:
    description: Give the service C(/var/lib/<name>) as a writable C(StateDirectory=).
    type: bool
    default: true
  wanted_by:
    description: Target that pulls the service in at boot when it is enabled.
    type: str
    default: multi-user.target
  unit_extra:
    description:
      - Raw directives for what the spec does not name, as a dictionary of sections, each a dictionary of directives.
      - A list value writes one line per item; V(null) removes a directive the module would write.
    type: dict
    default: {}
  drop_ins:
    description:
      - Drop-in files in C(<unit_dir>/<name>.service.d/), as a dictionary of file names, each a dictionary of
        sections like O(unit_extra). V(.conf) is appended to names without it.
      - A name is one plain file name (letters, digits, C(_), C(.), C(@), C(-); no C(/), no C(..)).
      - A value of V(null) removes that drop-in. Drop-ins not named here are left alone.
    type: dict
    default: {}
  restart_triggers:
    description:
      - Files (for example the binary) whose change since the running process started means the service
        must restart. Symbolic links on the path count too, so switching a C(current) link triggers a restart.
      - Absolute paths, taken literally.
    type: list
    elements: str
    default: []
  _host:
    description:
      - Internal, set by the action plugin (the host's inventory name, for messages). Tasks cannot set it.
    type: str
  unit_dir:
    description:
      - Directory of the unit file, an absolute path (no C(..) step); taken literally (no C(~) or C($VAR)
        expansion).
    type: str
    default: /etc/systemd/system
"""

EXAMPLES = r"""
- name: Run hello as a hardened service with its own system user
  svcwright.services.systemd_unit:
    name: hello
    description: Hello service
    command: /opt/hello/current/hello
    args: ["-listen", ":8080", "-shutdown-timeout", "10s"]
    account: hello
    create_account: true
    env:
      GOMAXPROCS: "2"
    restart:
      policy: always
      delay: 1
    restart_triggers:
      - /opt/hello/current/hello

- name: Log to files that survive restarts, and relax one hardening option
  svcwright.services.systemd_unit:
    name: reporter
    command: /usr/local/bin/reporter
    logs:
      stdout: /var/log/reporter/out.log
      stderr: /var/log/reporter/err.log
    hardening:
      overrides:
        ProtectHome: read-only
        MemoryDenyWriteExecute: null

- name: Add a raw directive and a drop-in
  svcwright.services.systemd_unit:
    name: hello
    command: /opt/hello/current/hello
    unit_extra:
      Service:
        LimitNPROC: 64
    drop_ins:
      memory:
        Service:
          MemoryMax: 256M

- name: Stop and unregister
  svcwright.services.systemd_unit:
    name: hello
    state: absent
"""

RETURN = r"""
unit:
  description: Name of the unit.
  returned: always
  type: str
  sample: hello.service
unit_path:
  description: Path of the unit file.
  returned: always
  type: str
  sample: /etc/systemd/system/hello.service
changes:
  description: What was changed (or, in check mode, would be), in order, with the reason.
  returned: always
  type: list
  elements: str
  sample: ["write_unit hello.service (unit content differs)", "daemon_reload (unit files changed)", "restart hello.service (unit changed)"]
restarted:
  description: Whether the service was (or would be) started or restarted by this run.
  returned: always
  type: bool
  sample: true
status:
  description: Runtime state of the unit after the run (before it, in check mode).
  returned: always
  type: dict
  contains:
    LoadState:
      description: Whether systemd loaded the unit (V(loaded), V(not-found)).
      type: str
      sample: loaded
    ActiveState:
      description: V(active), V(inactive), V(failed), V(activating) or V(deactivating).
      type: str
      sample: active
    SubState:
      description: The finer state, e.g. V(running), V(dead), V(auto-restart).
      type: str
      sample: running
    UnitFileState:
      description: V(enabled), V(disabled) and so on.
      type: str
      sample: enabled
    MainPID:
      description: PID of the main process, 0 when none.
      type: int
      sample: 4242
    NRestarts:
      description: Automatic restarts since the unit was last started by hand.
      type: int
      sample: 0
    ExecMainStatus:
      description: Exit status (or signal number) of the last main process.
      type: int
      sample: 0
    ExecMainCode:
      description: How the last main process ended (1 exited, 2 killed, 3 dumped core).
      type: int
      sample: 0
    Result:
      description: Result of the last run, e.g. V(success), V(exit-code), V(signal).
      type: str
      sample: success
content:
  description: The unit file text the module wants (absent when O(state=absent)).
  returned: success and state is not absent
  type: str
"""

import os
import re
import grp
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.svcwright.services.plugins.module_utils._linux_prerequisites import (
    account_exists,
    missing_prerequisites,
)
from ansible_collections.svcwright.services.plugins.module_utils._values import ValueProblem, check_line
from ansible_collections.svcwright.services.plugins.module_utils._spec import (
    SpecError,
    ServiceSpec,
    build_spec,
    spec_argument_spec,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import (
    SystemdOptions,
    merge_directives,
    log_directories,
    render_dropin,
    render_socket,
    render_unit,
    socket_unit_name,
    unit_name,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import (
    SHOW_PROPERTIES,
    UnitStatus,
    parse_systemctl_show,
    unit_status,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import (
    Change,
    Desired,
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

    def apply(self, change: Change, group: Optional[str]) -> None:
        spec = self.spec
        action = change.action
        if action == "create_account":
            self.create_account(group)
        elif action == "create_directory":
            os.makedirs(change.target, mode=0o750, exist_ok=True)
        elif action == "write_unit":
            self.write_atomic(self.unit_path, self.desired_unit)
        elif action == "write_dropin":
            self.write_atomic(os.path.join(self.dropin_dir, change.target), self.desired_dropins[change.target] or "")
        elif action == "remove_dropin":
            os.unlink(os.path.join(self.dropin_dir, change.target))
            if os.path.isdir(self.dropin_dir) and not os.listdir(self.dropin_dir):
                os.rmdir(self.dropin_dir)
        elif action == "remove_unit":
            os.unlink(self.unit_path)
        elif action == "write_socket":
            self.write_atomic(self.socket_path, self.desired_socket)
        elif action == "remove_socket":
            os.unlink(self.socket_path)
        elif action in ("enable_socket", "disable_socket", "start_socket", "stop_socket", "restart_socket"):
            verb = action.split("_")[0]
            self.run(self.timed(spec.wait_timeout, ["systemctl", verb, self.socket_unit]),
                     "cannot %s the socket unit %s" % (verb, self.socket_unit))
        elif action == "daemon_reload":
            self.run(["systemctl", "daemon-reload"], "daemon-reload failed")
        elif action in ("enable", "disable", "reenable"):
            self.run(["systemctl", action, self.unit], "cannot %s the unit" % action)
        elif action == "reset_failed":
            self.run(["systemctl", "reset-failed", self.unit], "cannot reset the failed state", check=False)
        elif action in ("start", "restart"):
            # A unit that hit its start limit refuses to start until its failed state is reset.
            self.run(["systemctl", "reset-failed", self.unit], "reset-failed", check=False)
            deadline = spec.wait_timeout + (spec.stop_timeout if action == "restart" else 0)
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
        elif action == "stop":
            deadline = spec.stop_timeout + spec.wait_timeout
            rc, out, err = self.run(self.timed(deadline, ["systemctl", "stop", self.unit]), "", check=False)
            if rc != 0:
                self.fail("stop failed" if rc != 124 else "did not stop within %s seconds" % int(deadline),
                          ["systemctl", "stop", self.unit], rc, out, err)
        else:
            raise AssertionError("unknown change %s" % action)


def runtime_summary(status: UnitStatus, changes: List[Change], state: str) -> Tuple[str, str]:
    before = "active: %s (%s)\nenabled: %s\n" % (status.active_state or "unknown", status.sub_state or "-",
                                                 status.unit_file_state or "-")
    after_active = {"started": "active (running)", "restarted": "active (running)", "stopped": "inactive (dead)",
                    "absent": "removed"}[state]
    after = "active: %s\nenabled: %s\n" % (after_active, status.unit_file_state or "-")
    for change in changes:
        if change.action in ("enable", "disable", "reenable"):
            after = "active: %s\nenabled: %sd\n" % (after_active, change.action.replace("reenable", "enable"))
    for change in changes:
        if change.action in ("start", "restart", "stop") or change.action.endswith("_socket"):
            after += "%s: %s\n" % (change.action.replace("_", " "), change.reason)
    return before, after


class _Module(AnsibleModule):
    """Argument errors found while the module starts say where and what to do, like every other error."""

    started = False

    def fail_json(self, msg: str, **kwargs: Any) -> None:  # type: ignore[override]
        if not self.started:
            name = (self.params or {}).get("name")
            service = "service %r: " % name if isinstance(name, str) else ""
            host = (self.params or {}).get("_host") or socket.gethostname()
            msg = ("host %s: %sinvalid arguments: %s. Give each option as its documentation says (ansible-doc "
                   "svcwright.services.systemd_unit)." % (host, service, msg))
        super().fail_json(msg=msg, **kwargs)


def main() -> None:
    module = _Module(argument_spec=argument_spec(), supports_check_mode=True)
    module.started = True
    params = module.params
    try:
        spec = build_spec(params)
        unit = unit_name(spec.name)
        wanted = check_module_options(spec, params)
    except SpecError as exc:
        module.fail_json(msg="host %s: %s" % (params["_host"] or socket.gethostname(), exc))
    unit_dir, triggers, opts = wanted.unit_dir, wanted.triggers, wanted.options
    desired_unit, desired_socket, desired_dropins = wanted.unit, wanted.socket, wanted.dropins

    host = UnitHost(module, spec, unit, unit_dir, desired_unit, desired_dropins, desired_socket)
    if spec.state != "absent":
        host.check_prerequisites(params["create_account"], opts.group, opts.requires)
    status = host.status()
    if spec.state == "absent":
        # Remove every drop-in the task names, whatever its value.
        desired_dropins = {n: None for n in desired_dropins}
    observed = Observed(
        unit_text=host.read(host.unit_path),
        status=status,
        dropins={n: t for n, t in ((n, host.read(os.path.join(host.dropin_dir, n))) for n in desired_dropins) if t is not None},
        account_exists=host.account_exists(),
        missing_directories=[d for d in log_directories(spec) if not os.path.isdir(d)] if spec.state != "absent" else [],
        changed_triggers=host.changed_triggers(triggers, status) if spec.state == "started" else [],
        socket_text=host.read(host.socket_path),
    )
    if observed.socket_text is not None or desired_socket is not None:
        observed.socket_status = host.status(host.socket_unit)
    enable = {"auto": True, "delayed": True, "manual": False, "disabled": False}[spec.start_mode]
    desired = Desired(unit_text=desired_unit, state=spec.state, enable=enable, dropins=desired_dropins,
                      create_account=params["create_account"], directories=log_directories(spec),
                      socket_text=desired_socket)
    changes = plan_changes(unit, desired, observed)

    if desired_unit is not None and any(c.action in ("write_unit", "write_dropin", "remove_dropin", "write_socket")
                                        for c in changes):
        final_dropins: Dict[str, Optional[str]] = dict(observed.dropins)
        final_dropins.update(desired_dropins)
        host.verify(desired_unit, final_dropins, desired_socket)

    result: Dict[str, object] = dict(
        changed=bool(changes),
        unit=unit,
        unit_path=host.unit_path,
        changes=[c.describe() for c in changes],
        restarted=any(c.action in ("start", "restart") for c in changes),
    )
    if desired_unit is not None:
        result["content"] = desired_unit
    if module._diff:
        diffs = []
        if observed.unit_text != desired_unit:
            diffs.append(dict(before_header=host.unit_path, after_header=host.unit_path,
                              before=observed.unit_text or "", after=desired_unit or ""))
        if observed.socket_text != desired_socket:
            diffs.append(dict(before_header=host.socket_path, after_header=host.socket_path,
                              before=observed.socket_text or "", after=desired_socket or ""))
        for name, text in sorted(desired_dropins.items()):
            if observed.dropins.get(name) != text and (text is not None or name in observed.dropins):
                path = os.path.join(host.dropin_dir, name)
                diffs.append(dict(before_header=path, after_header=path,
                                  before=observed.dropins.get(name, ""), after=text or ""))
        if any(c.action in ("start", "restart", "stop", "enable", "disable", "reenable") or c.action.endswith("_socket")
               for c in changes):
            before, after = runtime_summary(status, changes, spec.state)
            diffs.append(dict(before_header=unit + " (runtime)", after_header=unit + " (runtime)",
                              before=before, after=after))
        result["diff"] = diffs

    if module.check_mode or not changes:
        result["status"] = status.as_dict()
        module.exit_json(**result)

    for change in changes:
        host.apply(change, params["group"])
    result["status"] = host.status().as_dict()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
