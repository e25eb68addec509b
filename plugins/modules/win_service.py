#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: win_service
short_description: Make a Windows service exactly what a service spec says, through the Service Control Manager
version_added: 0.1.0
description:
  - Registers, changes, starts, stops, restarts or removes a native Windows service with C(sc.exe), from the
    platform-neutral service spec. Nothing but C(sc.exe) and C(reg.exe) is needed on the host.
  - One round trip reads the service, one writes every change and reads it back, then starts or stops it, polling
    C(sc query) through C(START_PENDING) and C(STOP_PENDING) until the deadline.
  - The program path is always quoted in the service's command line (C(binPath=)), and O(args) are quoted
    item by item; an existing service whose program path is unquoted and contains spaces gets a warning and
    is rewritten quoted.
  - Only what differs is written (C(sc config) with only the options that changed), so a host that matches
    the spec sees no change. A running service is restarted when its command line, account or password
    changed, because the SCM applies those only at the next start.
  - A failed start says what the SCM said (the Win32 error and its meaning) and shows the last Service Control
    Manager events of the System event log where the host can give them.
author:
  - svcwright maintainers (@svcwright)
extends_documentation_fragment:
  - svcwright.services.service_spec
  - svcwright.services.attributes
  - svcwright.services.windows_service
notes:
  - O(env), O(working_dir) and O(logs) with V(file) cannot be set for a native service (the SCM starts a service
    in C(C:\Windows\System32) with the system environment, and its output goes nowhere); the task fails and says
    so. Use M(svcwright.services.win_nssm) for them. O(sockets) is refused too, as Windows has no socket activation;
    the program binds its own address.
  - O(stop_timeout) is how long a stop may take before the task fails. The SCM never kills a service that is
    stopping; M(svcwright.services.win_nssm) can.
  - O(restart) becomes the service's recovery actions. O(restart.max_restarts) restart actions, each after
    O(restart.delay), then no action; the failure count is reset after O(restart.window) seconds without a
    failure. V(0) restarts are one restart action, which Windows repeats for every failure. O(restart.policy=never)
    sets no actions. Windows counts as a failure a crash (the process ends without reporting that it stopped) and,
    with O(failure_actions_on_non_crash_failures), a stop with a non-zero exit code; it never restarts a service
    that stopped cleanly, so V(always) and V(on-failure) act the same.
  - O(display_name) defaults to O(name) and O(description) to none; both are set as given.
  - O(dependencies) are service names, or group names with a V(+) prefix; their order does not matter.
  - When the host's C(sc.exe) cannot report recovery settings (no C(sc qfailure), and no C(FailureActions) in the
    registry), they are left alone with a warning, since a change could not be verified. When it has no
    C(sc config) (as the Wine stand-in used by this collection's tests), a configuration change deletes and
    creates the service again. Real Windows has both.
  - Settings the host accepts but does not keep are reported as warnings after the write (and planned again by
    the next run).
  - See C(docs/windows-verification.md) for which features were exercised against a Wine stand-in and which only
    against output recorded from real Windows.
seealso:
  - module: svcwright.services.win_nssm
options:
  command:
    description:
      - Absolute path of the program, e.g. V(C:\\Program Files\\hello\\hello.exe). Never quote it yourself.
  failure_actions:
    description:
      - Recovery actions for the 1st, 2nd, ... failure, instead of those derived from O(restart). Windows repeats
        the last one for every later failure; end with V(none) to stop acting.
      - An empty list means no actions.
    type: list
    elements: dict
    suboptions:
      type:
        description: What to do.
        type: str
        required: true
        choices: [restart, run_command, reboot, none]
      delay:
        description: Seconds to wait before doing it.
        type: float
        default: 0.0
  failure_command:
    description:
      - Command line run by a V(run_command) failure action (the exact text, as Windows runs it).
    type: str
  failure_reset_period:
    description:
      - Seconds without failures after which the failure count is reset. Defaults to O(restart.window).
    type: float
  failure_actions_on_non_crash_failures:
    description:
      - Also take the failure actions when the service stops with a non-zero exit code, not only after a crash.
      - Defaults to V(true) unless O(restart.policy=never).
    type: bool
"""

EXAMPLES = r"""
- name: Run hello as a native service under a least-privilege account
  svcwright.services.win_service:
    name: hello
    display_name: Hello
    description: Hello test service
    command: C:\Program Files\hello\hello.exe
    args: ["-listen", ":8080", "-name", "hello"]
    account: NT AUTHORITY\LocalService
    start_mode: delayed
    restart:
      policy: on-failure
      delay: 5
      max_restarts: 3
      window: 3600

- name: Run as a user account; the password is applied when it changes
  svcwright.services.win_service:
    name: reporter
    command: D:\apps\reporter\reporter.exe
    account: CORP\svc-reporter
    password: "{{ vault_reporter_password }}"
    dependencies: [Tcpip, Dnscache]

- name: Explicit recovery actions
  svcwright.services.win_service:
    name: hello
    command: C:\Program Files\hello\hello.exe
    failure_actions:
      - type: restart
        delay: 10
      - type: run_command
      - type: none
    failure_command: C:\tools\notify.exe --service hello
    failure_reset_period: 86400

- name: Stop and unregister
  svcwright.services.win_service:
    name: hello
    state: absent
"""

RETURN = r"""
name:
  description: Name of the service.
  returned: always
  type: str
  sample: hello
changes:
  description: What was changed (or, in check mode, would be), in order, with the reason.
  returned: always
  type: list
  elements: str
  sample: ["config binPath= (command line differs)", "description hello (description differs)", "restart hello (command line differs)"]
status:
  description: Runtime state of the service after the run (before it, in check mode).
  returned: always
  type: dict
  contains:
    state:
      description: V(running), V(stopped), V(start_pending), V(stop_pending), ... or V(absent).
      type: str
      sample: running
    pid:
      description: Process id, where the host reports it (C(sc queryex)); null otherwise.
      type: int
      sample: 4242
    win32_exit_code:
      description: The service's Win32 exit code (1077 for a service never started; 1066 when C(service_exit_code) holds the program's own code).
      type: int
      sample: 0
    service_exit_code:
      description: The service-specific exit code.
      type: int
      sample: 0
config:
  description:
    - The service's configuration as the host reports it after the run (before it, in check mode); empty when the
      service does not exist.
    - V(failure_actions) is null when the host cannot report recovery settings.
  returned: always
  type: dict
  sample:
    binary_path: '"C:\Program Files\hello\hello.exe" -listen :8080'
    display_name: Hello
    description: Hello test service
    start_mode: auto
    account: NT AUTHORITY\LocalService
    dependencies: []
    failure_actions: [{type: restart, delay_ms: 2000}, {type: none, delay_ms: 0}]
    failure_reset_period: 60
    failure_command: ""
    failure_actions_on_non_crash_failures: true
round_trips:
  description: How many times the task talked to the host (commands are batched; each batch is one).
  returned: always
  type: int
  sample: 2
"""
