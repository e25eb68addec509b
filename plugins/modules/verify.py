#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: verify
short_description: Prove that a service is running, stays up and answers, on Linux and Windows hosts
version_added: 0.1.0
description:
  - Waits for a service to be running, then requires it to stay up for O(stable_for) seconds with the
    same main process and no restarts, then probes it (HTTP, TCP or a command) until an attempt passes, all
    within O(deadline). It changes nothing on the host but the record of its result (see O(base)), which
    M(svcwright.services.service_info) reports.
  - The stability check catches what a single health check misses - a crash loop hidden by a restart policy
    (C(Restart=always), NSSM, Windows recovery actions) - and a service that is still starting
    (C(activating), C(START_PENDING)) is waited for rather than failed.
  - 'On failure the error says what failed: never running (with the state it was in), stopped, restarted or
    replaced while it had to stay up, or a probe that kept failing (with the last HTTP status and body, or the
    error). It carries the evidence: on Linux the unit''s journal lines since just before the verification began (the last
    ones before when there are none), on Windows the last Service Control Manager events, and on both the
    last lines of the O(logs) files. The same evidence is returned as RV(journal), RV(log_tails) and RV(events).'
  - Linux hosts (systemd) are verified by one module run on the host, one round trip, polling C(systemctl show)
    for C(ActiveState), C(SubState), C(MainPID) and C(NRestarts). Windows hosts are verified from the controller
    through the task's connection (C(winrm), C(psrp), or C(ssh) with the C(cmd) or C(powershell) shell), one
    round trip per poll, with C(sc.exe queryex) and C(sc.exe query); no Python is needed on Windows.
  - The platform is taken from the connection's shell; facts are not gathered.
author:
  - svcwright maintainers (@svcwright)
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - The action plugin runs the Windows verification and the probes from the controller.
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - It verifies the same way in check mode, and records nothing then.
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
      - It changes nothing of the service and reports no change. Outside check mode it records its result in a
        small file on the host (see O(base)), which M(svcwright.services.service_info) reads.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: [posix, windows]
requirements:
  - Linux hosts - systemd and Python 3.8 or later.
  - Windows hosts - C(sc.exe) and C(reg.exe). PowerShell (C(powershell.exe)) for probes from the host and for the
    last lines of log files; without it (the Wine stand-in used by this collection's tests) probes run from the
    controller and log files are fetched whole through the connection.
notes:
  - Linux - a main PID of 0 (for example C(Type=oneshot)) is not compared, and C(NRestarts) counts the restarts
    systemd made since the unit was last started by hand; restarts made before the verification began are
    reported in RV(status.restarts) but only new ones fail it.
  - Windows - for a service run by NSSM (found by its C(Parameters\\Application) registry value), the process that must
    stay the same is the application, read from C(nssm processes); a service whose application is between
    restarts fails. For other services it is the SCM's PID from C(sc queryex). Hosts whose C(sc.exe) has no
    C(queryex) (Wine) give no PID, so only the state and the probe count there, and Wine keeps reporting a crashed
    service as C(RUNNING) - use a probe.
  - Windows - when O(logs) is not given and the service is run by NSSM, its C(AppStdout) and C(AppStderr) files are
    shown on failure.
  - Windows - an O(probe.type=command) probe from the host has no per-attempt timeout on C(cmd) hosts; make the
    command bound its own run time.
seealso:
  - module: svcwright.services.systemd_unit
  - module: svcwright.services.win_service
  - module: svcwright.services.win_nssm
options:
  name:
    description:
      - Name of the service (on Linux the systemd unit, V(.service) is added when missing; on Windows the service
        name, not the display name).
    type: str
    required: true
  deadline:
    description:
      - Seconds the whole verification may take - reaching running, staying up, and probing. A finite number
        more than 0 and at most 86400 (a day).
    type: float
    default: 60.0
  running_timeout:
    description:
      - Seconds the service may take to reach running (C(active), C(RUNNING)). Defaults to O(deadline); at most
        O(deadline).
    type: float
  stable_for:
    description:
      - Seconds the service must stay running, with the same main PID and no new restarts, before it is probed.
      - V(0) probes as soon as it runs. Must be less than O(deadline).
      - Every value is checked before anything is waited for or run on the host.
    type: float
    default: 3.0
  probe:
    description:
      - The health check that must pass after O(stable_for). Without it, running and stable is enough.
    type: dict
    suboptions:
      type:
        description:
          - V(http) passes when a GET of O(probe.url) answers with a status in O(probe.expect_status) (and a body
            that matches O(probe.body_regex)); redirects are followed, proxies are not used.
          - V(tcp) passes when a connection to O(probe.host):O(probe.port) opens.
          - V(command) passes when O(probe.command) exits 0 (and its output matches O(probe.body_regex)).
          - V(none) does not probe.
        type: str
        required: true
        choices: [http, tcp, command, none]
      url:
        description:
          - The URL for V(http), for example V(http://127.0.0.1:8080/health). An C(http) or C(https) URL with a
            host, without spaces (write C(%20)), line breaks, control or invisible characters.
        type: str
      expect_status:
        description: The HTTP statuses that pass, one or a list.
        type: list
        elements: int
        default: [200]
      body_regex:
        description:
          - A regular expression (Python syntax) searched in the body (V(http)) or the output (V(command)).
        type: str
      host:
        description: The host to connect to for V(tcp).
        type: str
        default: 127.0.0.1
      port:
        description: The TCP port for V(tcp), 1 to 65535.
        type: int
      command:
        description:
          - The program and its arguments for V(command), one list item per argument; no shell is involved on
            Linux or on the controller. On Windows hosts it runs through the connection's shell, so no item
            may hold a line break or control character there.
          - Each item is text; a templated whole number is taken as its digits, a float or boolean is refused.
        type: list
        elements: str
      from:
        description:
          - Where the probe runs. V(host) is the verified host itself (so V(127.0.0.1) is the service's own
            address). V(controller) is the Ansible controller.
          - Defaults to V(host), except on a Windows host without PowerShell for V(http) and V(tcp) probes (it has
            no HTTP client), where it defaults to V(controller); explicitly asking for V(host) there fails.
          - On Windows, V(http) and V(tcp) probes from the host run in C(powershell.exe); V(command) runs the
            program through the connection.
        type: str
        choices: [host, controller]
      timeout:
        description: Seconds one attempt may take (never past O(deadline)), more than 0 and at most 3600.
        type: float
        default: 5.0
      interval:
        description: Seconds from the start of one attempt to the start of the next, more than 0 and at most 3600.
        type: float
        default: 1.0
  logs:
    description:
      - Log files of the service (absolute paths on the host) whose last lines are shown when the verification
        fails, for example files given to O(svcwright.services.systemd_unit#module:logs) or NSSM's
        C(AppStdout).
    type: list
    elements: str
    default: []
  log_lines:
    description: How many lines of the journal and of each log file are shown (1 to 1000).
    type: int
    default: 30
  base:
    description:
      - The release base of the service (the O(svcwright.services.release#module:base) of its releases). The result is
        recorded in C(<base>/.svcwright-verify.json), with the active release's version.
      - Without it, the result is recorded in C(/var/lib/svcwright/verify/<name>.json) (Linux) or
        C(C:\\ProgramData\\svcwright\\verify\\<name>.json) (Windows), without a version.
      - M(svcwright.services.service_info) reports the record. Check mode records nothing.
    type: str
  _host:
    description:
      - Internal, set by the action plugin (the host's inventory name, for messages). Tasks cannot set it.
    type: str
  _record:
    description:
      - Internal, set by the action plugin (whether the module records the result). Tasks cannot set it.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Prove hello healthy on a Linux host (probe from the host itself)
  svcwright.services.verify:
    name: hello
    stable_for: 5
    probe:
      type: http
      url: http://127.0.0.1:8080/health
      body_regex: '"status":"ok"'

- name: The same from the controller, through the host's address
  svcwright.services.verify:
    name: hello
    probe:
      type: http
      url: "http://{{ ansible_host }}:8080/health"
      from: controller

- name: A Windows service under NSSM; show its log file on failure
  svcwright.services.verify:
    name: hello
    deadline: 90
    probe:
      type: tcp
      port: 8080
    logs:
      - C:\ProgramData\hello\logs\hello.log

- name: A custom check whose output must say ready
  svcwright.services.verify:
    name: reporter
    probe:
      type: command
      command: ["/usr/local/bin/reporter", "--check"]
      body_regex: "ready"

- name: Roll back when the new release does not prove healthy
  block:
    - name: Verify
      svcwright.services.verify:
        name: hello
        probe: {type: http, url: "http://127.0.0.1:8080/health"}
  rescue:
    - name: Show why
      ansible.builtin.debug:
        msg: "{{ ansible_failed_result.failure.kind }}: {{ ansible_failed_result.journal | default([]) | join('\n') }}"
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
status:
  description: What the service manager said last.
  returned: always
  type: dict
  contains:
    state:
      description: V(running), V(starting), V(stopping), V(paused), V(restarting) (the process exited and will be
        restarted), V(stopped) or V(absent).
      type: str
      sample: running
    detail:
      description: The service manager's own words, e.g. V(active (running)) or V(RUNNING).
      type: str
      sample: active (running)
    pid:
      description:
        - The main process (for NSSM services the application, not NSSM); null when the host does not report it.
      type: int
      sample: 4242
    restarts:
      description: The systemd restart counter (C(NRestarts)); null on Windows.
      type: int
      sample: 0
probe:
  description: How probing went.
  returned: always
  type: dict
  contains:
    type:
      description: The probe type (V(none) when there was no probe).
      type: str
      sample: http
    target:
      description: What was probed.
      type: str
      sample: GET http://127.0.0.1:8080/health
    from:
      description: Where the probe ran, V(host) or V(controller); null without a probe.
      type: str
      sample: host
    attempts:
      description: Number of attempts made.
      type: int
      sample: 1
    passed:
      description: Whether the last attempt passed.
      type: bool
      sample: true
    last_status:
      description: HTTP status (or the command's exit code) of the last attempt; null when there was no answer.
      type: int
      sample: 200
    last_body:
      description: The start of the last body or command output (500 characters at most).
      type: str
      sample: '{"status":"ok","version":"1.0.0","pid":4242}'
    last_error:
      description: Why the last attempt got no answer (e.g. V(Connection refused), V(timed out)); empty otherwise.
      type: str
      sample: ""
    elapsed:
      description: Seconds from the start of the first attempt to the end of the last.
      type: float
      sample: 0.01
elapsed:
  description: Seconds the verification took.
  returned: always
  type: float
  sample: 3.05
transitions:
  description: Every change of state or main PID seen, with the time since the verification began.
  returned: always
  type: list
  elements: str
  sample: ["0.0 s: activating (start)", "0.4 s: active (running), main PID 4242, 0 restarts counted by the service manager"]
round_trips:
  description: How many times the action talked to the host (a module run counts as one).
  returned: always
  type: int
  sample: 1
started_at:
  description: The host's clock (Unix time) when the verification began; journal lines from then on are shown.
  returned: Linux hosts
  type: int
  sample: 1767225600
failure:
  description: What failed, for rescue blocks to act on.
  returned: failure
  type: dict
  contains:
    kind:
      description:
        - One of V(absent), V(stopped), V(restarting), V(restarted), V(pid_changed), V(left_running),
          V(never_running), V(too_late), V(probe_failed).
      type: str
      sample: restarted
    reason:
      description: The reason in words, as in the message.
      type: str
      sample: restarted 1 time during the verification (in 2.6 s; the service manager's count went from 0 to 1)
journal:
  description: The unit's journal lines since just before the verification began (10 s), or the last ones when there are none.
  returned: failure on Linux hosts
  type: list
  elements: str
log_tails:
  description: The last O(log_lines) lines of each log file, by path.
  returned: failure
  type: dict
  sample: {"/var/log/hello/out.log": ["hello 1.0.0 listening on [::]:8080 pid 4242 via -listen"]}
events:
  description: The last Service Control Manager events of the System event log about the service.
  returned: failure on Windows hosts
  type: list
  elements: str
"""

import socket

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.svcwright.services.plugins.module_utils._linux_verify import ENVIRON, LinuxVerifier
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import unit_name
from ansible_collections.svcwright.services.plugins.module_utils._verify import (
    VerifyError,
    argument_spec,
    failure_message,
    linux_evidence_script,
    options_from_params,
    parse_linux_evidence,
)

JOURNAL_LOOKBACK = 10


def main() -> None:
    # The action plugin passes the host's inventory name, for messages, and whether the module
    # records the result (not when the action probes from the controller after it).
    module = AnsibleModule(argument_spec=dict(argument_spec(), _host=dict(type="str"), _record=dict(type="bool", default=True)),
                           supports_check_mode=True)
    host = module.params["_host"] or socket.gethostname()
    try:
        opts = options_from_params(module.params)
        unit = unit_name(opts.name)
    except (VerifyError, SpecError) as exc:
        module.fail_json(msg="host %s: service %r: invalid options: %s" % (host, module.params["name"], exc))

    def on_error(what: str) -> None:
        module.fail_json(msg="host %s: service %r: %s" % (host, opts.name, what), changed=False, name=opts.name)

    verifier = LinuxVerifier(module, opts, unit, on_error)
    verdict = verifier.run()
    verification = verifier.verification
    result = dict(changed=False, round_trips=1, **verifier.result())
    result["probe"]["from"] = "host" if opts.probe.enabled else None
    record = module.params["_record"]
    if verdict == "pass":
        result["elapsed"] = round(verifier.clock(), 2)
        if record:
            verifier.record(True, "")
        module.exit_json(**result)

    # A process that died in the second before the verification began (right after the start
    # that preceded it) is the usual culprit: its last words must be in the evidence.
    script = linux_evidence_script(unit, int(verifier.started_at) - JOURNAL_LOOKBACK, opts.log_lines, opts.logs)
    _rc, out, _err = module.run_command(["/bin/sh", "-c", script], environ_update=ENVIRON)
    evidence = parse_linux_evidence(out, opts.logs)
    decision = verification.decision
    result.update(elapsed=round(verifier.clock(), 2), journal=evidence.journal, log_tails=evidence.log_tails,
                  failure=dict(kind=decision.kind, reason=decision.reason))
    if record:
        verifier.record(False, decision.reason)
    module.fail_json(msg=failure_message(host, opts.name, verification, evidence), **result)


if __name__ == "__main__":
    main()
