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
import socket
from typing import Any, Dict

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError
from ansible_collections.svcwright.services.plugins.module_utils._systemd_unit import argument_spec, plan_unit


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
        plan = plan_unit(module, params)
    except SpecError as exc:
        module.fail_json(msg="host %s: %s" % (params["_host"] or socket.gethostname(), exc))
    changes = plan.changes
    result: Dict[str, object] = dict(
        changed=bool(changes),
        unit=plan.unit,
        unit_path=plan.host.unit_path,
        changes=[c.describe() for c in changes],
        restarted=any(c.action in ("start", "restart") for c in changes),
    )
    if plan.wanted.unit is not None:
        result["content"] = plan.wanted.unit
    if module._diff:
        result["diff"] = plan.diffs()
    if module.check_mode or not changes:
        result["status"] = plan.status.as_dict()
        module.exit_json(**result)
    result["status"] = plan.execute().as_dict()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
