#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: service_info
short_description: Report a service's releases, state, drift and last verification, on Linux and Windows hosts
version_added: 0.2.0
description:
  - Reads, and never changes, what a host runs of one service - the active and previous release under O(base), the
    service definition the active release was deployed with, whether the service manager still runs that definition
    (drift), the manager's state, main PID and restart count, and the result of the last
    M(svcwright.services.verify) run.
  - Drift is what the backend would still change to make the service match the active release's definition, listed
    by property, found by the backend's own planner - on Linux the unit rendered by M(svcwright.services.systemd_unit)
    compared directive by directive with the unit file on disk (and the drop-ins the definition names), on Windows the
    configuration M(svcwright.services.win_service) or M(svcwright.services.win_nssm) would write compared with what
    C(sc.exe) and the registry report. An empty list is no drift; null means the definition is unknown (no O(base),
    no active release, or a release shipped without a definition).
  - Linux hosts (systemd) are read by one module run on the host. Windows hosts are read from the controller
    through the task's connection (C(winrm), C(psrp), or C(ssh) with the C(cmd) or C(powershell) shell) in one round
    trip, with C(cmd.exe) built-ins, C(sc.exe) and C(reg.exe); no Python is needed on Windows.
  - The platform is taken from the connection's shell; facts are not gathered.
author:
  - svcwright maintainers (@svcwright)
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - The action plugin reads Windows hosts and computes the drift on the controller.
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - The module only reads, so it reports the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details:
      - Nothing changes, so there is no diff.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details:
      - It never changes anything.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: [posix, windows]
requirements:
  - Linux hosts - systemd and Python 3.8 or later.
  - Windows hosts - C(sc.exe) and C(reg.exe).
notes:
  - The last verification is read from C(<base>/.svcwright-verify.json) (written by M(svcwright.services.verify) given
    O(base)) and from the per-service record (C(/var/lib/svcwright/verify/<name>.json), or
    C(C:\\ProgramData\\svcwright\\verify\\<name>.json) on Windows); the more recent of the two is reported.
  - Windows - C(pid) is the process the Service Control Manager started (for an NSSM service, C(nssm.exe)); hosts whose
    C(sc.exe) has no C(queryex) (Wine) report none. Windows has no restart counter, so C(restarts) is null there.
seealso:
  - module: svcwright.services.release
  - module: svcwright.services.service
  - module: svcwright.services.verify
options:
  name:
    description:
      - The service name (without C(.service) on Linux).
    type: str
    required: true
  base:
    description:
      - The release base the service is deployed under (the O(svcwright.services.release#module:base) of its releases),
        e.g. C(/opt/hello) or C(C:\\svcwright\\hello).
      - Without it, releases, definition and drift are not reported (null), only the state and the last verification.
    type: str
  _host:
    description:
      - Internal, set by the action plugin (the host's inventory name, for messages). Tasks cannot set it.
    type: str
"""

EXAMPLES = r"""
- name: Read the status of hello
  svcwright.services.service_info:
    name: hello
    base: /opt/hello
  register: hello_info

- name: Fail when the host no longer runs what the active release defines
  ansible.builtin.assert:
    that: not hello_info.drifted
    fail_msg: "{{ inventory_hostname }} drifted: {{ hello_info.drift | join(', ') }}"
"""

RETURN = r"""
changed:
  description: Always V(false); the module changes nothing.
  returned: always
  type: bool
  sample: false
name:
  description: The service name.
  returned: always
  type: str
  sample: hello
platform:
  description: V(linux) or V(windows), as the connection tells it.
  returned: always
  type: str
  sample: linux
base:
  description: The release base, normalized; null without O(base).
  returned: always
  type: str
  sample: /opt/hello
active:
  description: The active release; null when none is active or without O(base).
  returned: always
  type: str
  sample: 1.1.0
previous:
  description: The previous release (the one a rollback returns to); null when there is none or it is unknown.
  returned: always
  type: str
  sample: 1.0.0
rolled_back:
  description: Whether the active release was activated by a rollback.
  returned: always
  type: bool
  sample: false
releases:
  description: Every release on the host, sorted by name.
  returned: always
  type: list
  elements: str
  sample: ["1.0.0", "1.1.0"]
definition:
  description:
    - The service definition the active release was deployed with (the task arguments of
      M(svcwright.services.service), without any password); null when unknown.
  returned: always
  type: dict
  sample: {"name": "hello", "command": "/opt/hello/current/hello", "args": ["-listen", "127.0.0.1:8080"]}
manager:
  description: The service manager of the definition, V(systemd), V(sc) or V(nssm).
  returned: always
  type: str
  sample: systemd
status:
  description: What the service manager says now.
  returned: always
  type: dict
  contains:
    state:
      description: V(running), V(starting), V(stopping), V(paused), V(restarting), V(stopped) or V(absent).
      type: str
      sample: running
    detail:
      description: The manager's own words, e.g. V(active (running)) or V(RUNNING).
      type: str
      sample: active (running)
    pid:
      description: The main process; null when there is none or the host does not say.
      type: int
      sample: 4242
    restarts:
      description: The systemd restart counter (C(NRestarts)); null on Windows.
      type: int
      sample: 0
drift:
  description:
    - The properties in which what the manager runs differs from the active release's definition, e.g.
      V(Service.ExecStart), V(drop-in memory.conf), V(enabled) on Linux, V(binPath), V(start), V(AppParameters) on
      Windows. Empty when it matches; null when the definition is unknown.
  returned: always
  type: list
  elements: str
  sample: ["Service.ExecStart"]
drifted:
  description: Whether RV(drift) is not empty; null when unknown.
  returned: always
  type: bool
  sample: true
drift_changes:
  description: The changes the backend would make to end the drift, in its words; null when unknown.
  returned: always
  type: list
  elements: str
  sample: ["write_unit hello.service (unit content differs)"]
last_verify:
  description: The last result of M(svcwright.services.verify) recorded on the host; null when there is none.
  returned: always
  type: dict
  contains:
    time:
      description: When it finished (UTC, ISO 8601).
      type: str
      sample: "2026-01-01T12:00:00Z"
    passed:
      description: Whether the service passed.
      type: bool
      sample: true
    reason:
      description: Why it failed, one line; empty when it passed.
      type: str
      sample: ""
    pid:
      description: The main process it verified.
      type: int
      sample: 4242
    version:
      description: The active release then, when known.
      type: str
      sample: 1.1.0
row:
  description: The host's row of a fleet table (see C(playbooks/status.yml)), every value a short string.
  returned: always
  type: dict
  sample: {"host": "web1", "platform": "linux", "service": "hello", "active": "1.1.0", "previous": "1.0.0",
           "state": "running", "pid": "4242", "restarts": "0", "drift": "no", "verify": "passed 2026-01-01T12:00:00Z"}
round_trips:
  description: How many times the action talked to the host (a module run counts as one).
  returned: always
  type: int
  sample: 1
"""

import os
import socket
from typing import Any, Dict, List, Optional

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.svcwright.services.plugins.module_utils._release_plan import (
    ReleaseError,
    STATE_FILE_LINUX,
    check_base,
)
from ansible_collections.svcwright.services.plugins.module_utils._service_info import (
    DROPIN_LIMIT,
    SERVICE_INFO_OPTIONS,
    ReleaseView,
    definition_from,
    definition_path_linux,
    linux_releases,
    status_of,
    unit_dir_of,
)
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import (
    SHOW_PROPERTIES,
    parse_systemctl_show,
    unit_status,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import socket_unit_name, unit_name
from ansible_collections.svcwright.services.plugins.module_utils._verify import latest_record, record_paths, sample_from_unit

ENVIRON = {"LC_ALL": "C", "SYSTEMD_PAGER": "", "SYSTEMD_COLORS": "0"}


def read_text(path: str) -> Optional[str]:
    """A file's text, None when it is missing or cannot be read (as on a host of other rights)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return None


def read_releases(base: str) -> ReleaseView:
    releases_dir = os.path.join(base, "releases")
    entries = sorted(os.listdir(releases_dir)) if os.path.isdir(releases_dir) else []
    dirs = [e for e in entries if os.path.isdir(os.path.join(releases_dir, e))
            and not os.path.islink(os.path.join(releases_dir, e))]
    current = os.path.join(base, "current")
    link = os.readlink(current) if os.path.islink(current) else None
    view = linux_releases(base, link, dirs, read_text(os.path.join(base, STATE_FILE_LINUX)))
    if os.path.lexists(current) and link is None:
        view.warnings.append("%s is not a symbolic link, so it was not made by this collection: nothing is active"
                             % current)
    return view


def read_dropins(directory: str) -> Dict[str, str]:
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".conf"))[:DROPIN_LIMIT]
    except OSError:
        return {}
    texts = {n: read_text(os.path.join(directory, n)) for n in names}
    return {n: t for n, t in texts.items() if t is not None}


def main() -> None:
    # The action plugin passes the host's inventory name, for messages.
    module = AnsibleModule(argument_spec=dict(SERVICE_INFO_OPTIONS, _host=dict(type="str")), supports_check_mode=True)
    params = module.params
    host = params["_host"] or socket.gethostname()
    name = params["name"]
    try:
        unit = unit_name(name)
        base = check_base(params["base"], windows=False) if params["base"] else None
    except (SpecError, ReleaseError) as exc:
        module.fail_json(msg="host %s: service %r: invalid options: %s" % (host, name, exc))

    warnings: List[str] = []
    view = None
    definition = None
    if base is not None:
        try:
            view = read_releases(base)
        except OSError as exc:
            module.fail_json(msg="host %s: service %r: cannot read the releases under %s: %s. Run as a user who may "
                                 "read them (become)." % (host, name, base, exc))
            raise  # not reached (fail_json exits); it tells the type checker that view is set below
        if view.active is not None:
            path = definition_path_linux(base, view.active)
            definition, problem = definition_from(read_text(path), path)
            if problem:
                warnings.append(problem)

    def show(unit_file: str) -> str:
        cmd = ["systemctl", "show", unit_file, "--property=" + ",".join(SHOW_PROPERTIES)]
        rc, out, err = module.run_command(cmd, environ_update=ENVIRON)
        if rc != 0:
            output = (err or out).strip()
            module.fail_json(msg="host %s: service %r: cannot read its state: %s (rc %d): %s\nIs systemd running on "
                                 "this host (systemctl is-system-running)?" % (host, name, " ".join(cmd), rc, output))
        return out

    unit_show = show(unit)
    status = unit_status(parse_systemctl_show(unit_show))
    sample = sample_from_unit(0.0, status) if status.exists else None
    unit_dir = unit_dir_of(definition)
    unit_path = os.path.join(unit_dir, unit)
    socket_path = os.path.join(unit_dir, socket_unit_name(name))
    socket_text = read_text(socket_path)
    observed: Dict[str, Any] = dict(
        unit_path=unit_path,
        unit_text=read_text(unit_path),
        dropins=read_dropins(unit_path + ".d"),
        socket_text=socket_text,
        show=unit_show,
        socket_show=show(socket_unit_name(name)) if socket_text is not None else None,
    )
    last_verify = latest_record([read_text(p) for p in record_paths(name, base, windows=False)])
    module.exit_json(
        changed=False, name=name, base=base, view=view.__dict__ if view is not None else None,
        definition=definition, status=status_of(sample), last_verify=last_verify, problems=warnings,
        observed=observed)


if __name__ == "__main__":
    main()
