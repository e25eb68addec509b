#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: win_nssm
short_description: Run any program as a Windows service, wrapped by NSSM, exactly as a service spec says
version_added: 0.1.0
description:
  - Makes the platform-neutral service spec true on Windows with NSSM 2.24, the Non-Sucking Service Manager. The
    program runs as NSSM's child, with its arguments, working directory, environment, log files with rotation,
    exit actions, restart delay, throttle and graceful stop.
  - Nothing but C(nssm.exe), C(sc.exe), C(reg.exe), C(certutil.exe) and C(cmd.exe) is needed on the host.
  - Ships C(nssm.exe) from the controller (O(nssm_binary)) when it is missing at O(nssm_path) or its SHA-256 is
    not the expected one, and never otherwise.
  - One round trip reads everything (nssm.exe's hash, the service's registry key with NSSM's parameters and exit
    actions, its state, the password fingerprint, whether the program and the log directories exist); one more
    creates missing log directories and runs every C(nssm install), C(set) and C(reset) that is needed; then the
    service is started, stopped or restarted with C(sc.exe), polling through C(START_PENDING) and
    C(STOP_PENDING) until the deadline, and a last round trip reads the result back. Shipping C(nssm.exe) takes
    three more (directory, copy, move into place), recording a new password fingerprint one more.
  - O(args) are quoted by the module and stored as one C(AppParameters) value, so they reach the program's argv
    verbatim and a re-run compares them exactly. Values NSSM treats as its defaults compare equal to a missing
    value, so a host that matches the spec sees no change.
  - Log files are opened for appending (C(OPEN_ALWAYS)), never truncated by a restart; by default a file is
    rotated while the service runs, once it has grown past 10 MiB, and a restart appends to it.
  - A running service is restarted when a setting that NSSM reads at start changed (everything but the display
    name, description, start mode and dependencies), or when C(nssm.exe) was replaced.
  - A service of the same name that NSSM does not run (its C(ImagePath) is not an C(nssm.exe)) is never changed;
    the task fails and says so.
author:
  - svcwright maintainers (@svcwright)
extends_documentation_fragment:
  - svcwright.services.service_spec
  - svcwright.services.attributes
  - svcwright.services.windows_service
requirements:
  - NSSM 2.24 or later (2.24-101 is the build this module is tested with), 64-bit for 64-bit Windows.
notes:
  - O(restart.policy) becomes NSSM's exit actions (C(AppExit)). V(always) restarts the program whenever it exits,
    V(on-failure) whenever it exits with a code other than 0 (a clean exit stops the service), V(never) stops the
    service when the program exits. O(exit_actions) adds or overrides actions per exit code.
  - NSSM never gives up restarting. O(restart.max_restarts) and O(restart.window) are not used; instead NSSM
    throttles a program that exits sooner than O(throttle) after its start, delaying each restart a little more.
  - O(restart.delay) is NSSM's C(AppRestartDelay), the pause before every restart.
  - O(stop_timeout) is the time the program gets to exit after each stop method that reaches it (NSSM's
    C(AppStopMethodConsole), C(AppStopMethodWindow) and C(AppStopMethodThreads)), first a Ctrl+C, which a console
    program sees as an interrupt (SIGINT in Go), then C(WM_CLOSE) to its windows, then C(WM_QUIT) to its threads,
    then it is terminated. Methods the program never receives cost no time.
  - With O(logs.mode=journal) (the default without O(logs.stdout)) NSSM does not redirect the program's output and
    it is lost; Windows has no journal. Give O(logs.stdout) to keep it. NSSM never deletes rotated files.
  - NSSM stores O(args) and O(env) values as C(REG_EXPAND_SZ) and expands C(%NAME%) in them when it starts the
    program, with the service's environment (O(env) included); Windows has no escape for this. The module warns
    when an argument or value holds such a reference.
  - O(start_mode=delayed) sets C(SERVICE_DELAYED_AUTO_START).
  - NSSM grants a user account the right to log on as a service when it sets it.
  - NSSM takes a password only on its command line (C(nssm set NAME ObjectName ACCOUNT PASSWORD)). The module never
    logs, returns or shows it, but with C(-vvv) a connection plugin may print the command lines it runs.
  - NSSM settings the module does not name (C(AppPriority), C(AppAffinity), C(AppEnvironment), C(AppNoConsole),
    C(AppStdin), ...) are left as they are.
  - To check C(nssm.exe) the module asks the host for its SHA-256 with C(certutil -hashfile). Where certutil gives
    no hash (Wine's certutil is a stub that prints nothing), the module fetches the file and hashes it on the
    controller instead, so it never assumes a match it has not computed.
  - O(state=absent) stops the service, removes it with C(nssm remove NAME confirm) (using the C(nssm.exe) the
    service runs) and removes the password fingerprint. It never installs C(nssm.exe).
seealso:
  - module: svcwright.services.win_service
  - name: NSSM usage
    description: NSSM's documentation of its parameters.
    link: https://nssm.cc/usage
options:
  args:
    description:
      - Arguments passed to the program, one list item per argument. The module quotes them into one
        C(AppParameters) value that the program's C runtime splits back into exactly these items (spaces, quotes,
        backslashes and unicode included); never quote them yourself.
      - NSSM expands C(%NAME%) in that value when it starts the program (see the notes), so an item holding a
        defined variable's C(%NAME%) reaches the program expanded; the module warns about it.
      - Items must be strings; quote numbers in YAML. Line breaks cannot be stored and are refused.
  command:
    description:
      - Absolute path of the program NSSM runs (C(Application)), e.g. V(C:\\Program Files\\hello\\hello.exe). Never
        quote it yourself.
  working_dir:
    description:
      - Working directory of the program (C(AppDirectory)). Defaults to the directory of O(command).
  nssm_binary:
    description:
      - Path on the controller of the C(nssm.exe) to ship when the host lacks it or has another one.
      - Required unless O(nssm_sha256) is given and the host already has that file, or O(state=absent).
    type: path
  nssm_sha256:
    description:
      - Expected SHA-256 (hex) of C(nssm.exe) on the host. Defaults to the SHA-256 of O(nssm_binary).
      - When both are given, O(nssm_binary) must have this hash, or the task fails before it changes anything.
    type: str
  nssm_path:
    description:
      - Where C(nssm.exe) lives on the host. The directory is created when missing.
      - A service that runs another C(nssm.exe) is switched to this one.
    type: str
    default: C:\Program Files\svcwright\nssm.exe
  log_rotation:
    description:
      - Rotation of the log files (NSSM's C(AppRotate*)). Only with O(logs.stdout).
      - Without it, a file is rotated while the service runs once it has grown past 10 MiB, and a restart appends
        to it (O(log_rotation.online=true), O(log_rotation.bytes=10485760), O(log_rotation.files=false),
        O(log_rotation.seconds=0)).
      - A rotated file is renamed beside the original with its last write time (C(out-20260102T030405.678.log));
        NSSM never deletes rotated files.
      - When O(logs.stderr) is the same file as O(logs.stdout) (the default), NSSM writes both through one handle
        and rotates them as one file.
    type: dict
    suboptions:
      online:
        description:
          - Rotate a file while the service runs, once it has grown past O(log_rotation.bytes). Default V(true).
        type: bool
      bytes:
        description:
          - The size in bytes past which O(log_rotation.online) rotates. Default V(10485760) (10 MiB).
        type: int
      files:
        description:
          - Also rotate the files every time the service starts. Default V(false).
          - NSSM 2.24-101 ignores O(log_rotation.bytes) at start (it passes its arguments out of order), so with
            this on every start rotates, unless the file was written within the last O(log_rotation.seconds).
        type: bool
      seconds:
        description:
          - With O(log_rotation.files), rotate at start only files last written more than this many seconds ago.
            V(0), the default, rotates at every start.
        type: int
  exit_actions:
    description:
      - What NSSM does when the program exits with a given code, on top of those derived from O(restart.policy).
        Keys are exit codes or V(default) (any other code); values are V(Restart), V(Ignore) (leave the service
        running without the program), V(Exit) (stop the service) or V(Suicide) (stop the service without
        reporting success, so Windows takes its recovery actions).
      - 'For example C({default: Restart, "3": Exit}).'
    type: dict
  throttle:
    description:
      - Seconds the program must have run for its exit not to count as a quick failure (C(AppThrottle)); NSSM delays
        restarts of a program that keeps exiting sooner.
    type: float
    default: 1.5
  stop_methods:
    description:
      - How NSSM may stop the program, tried in the order V(console) (Ctrl+C), V(window) (C(WM_CLOSE)),
        V(threads) (C(WM_QUIT)), V(terminate) (C(TerminateProcess)). Methods left out are skipped
        (C(AppStopMethodSkip)).
    type: list
    elements: str
    choices: [console, window, threads, terminate]
    default: [console, window, threads, terminate]
  kill_process_tree:
    description:
      - Whether stopping the service also ends the program's child processes (C(AppKillProcessTree)).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Run hello under NSSM with log files and its own restart rules
  svcwright.services.win_nssm:
    name: hello
    display_name: Hello
    description: Hello test service
    command: C:\Program Files\hello\hello.exe
    args: ["-listen", "127.0.0.1:8080", "-shutdown-timeout", "10s"]
    env:
      GOMAXPROCS: "2"
    logs:
      stdout: C:\ProgramData\hello\logs\hello.log
    restart:
      policy: on-failure
      delay: 5
    stop_timeout: 15
    nssm_binary: files/nssm-2.24-101/win64/nssm.exe

- name: Rotate at 50 MB, stop the service on exit code 3, restart on anything else
  svcwright.services.win_nssm:
    name: reporter
    command: D:\apps\reporter\reporter.exe
    logs:
      stdout: D:\logs\reporter\out.log
      stderr: D:\logs\reporter\err.log
    log_rotation:
      bytes: 52428800
    restart:
      policy: always
    exit_actions:
      "3": Exit
    nssm_binary: files/nssm-2.24-101/win64/nssm.exe

- name: Run as a user account; the password is applied when it changes
  svcwright.services.win_nssm:
    name: reporter
    command: D:\apps\reporter\reporter.exe
    account: CORP\svc-reporter
    password: "{{ vault_reporter_password }}"
    nssm_sha256: eee9c44c29c2be011f1f1e43bb8c3fca888cb81053022ec5a0060035de16d848

- name: Stop and unregister
  svcwright.services.win_nssm:
    name: hello
    state: absent
"""

RETURN = r"""
name:
  description: Name of the service.
  returned: always
  type: str
  sample: hello
nssm_path:
  description: Where C(nssm.exe) is on the host.
  returned: always
  type: str
  sample: C:\Program Files\svcwright\nssm.exe
nssm_checked_by:
  description:
    - How the SHA-256 of C(nssm.exe) on the host was obtained before the run.
    - V(certutil) on the host, V(fetch) (copied to the controller and hashed there, where certutil gives no hash),
      V(missing) when the file was not there, V(none) with O(state=absent).
  returned: always
  type: str
  sample: certutil
changes:
  description: What was changed (or, in check mode, would be), in order, with the reason.
  returned: always
  type: list
  elements: str
  sample:
    - install hello (service does not exist)
    - set AppParameters ("" -> "-listen 127.0.0.1:8080")
    - set AppStdout ("" -> "C:\\ProgramData\\hello\\logs\\hello.log")
    - start hello (service was just installed)
parameters:
  description:
    - The service's NSSM parameters as read from the host after the run (before it, in check mode), with NSSM's
      defaults filled in for values it does not store; empty when the service does not exist.
    - Numbers are NSSM's (milliseconds, bytes); C(AppExit) maps C(Default) and exit codes to actions.
  returned: always
  type: dict
  sample:
    Application: C:\Program Files\hello\hello.exe
    AppParameters: -listen 127.0.0.1:8080
    AppDirectory: C:\Program Files\hello
    AppEnvironmentExtra: [GOMAXPROCS=2]
    AppStdout: C:\ProgramData\hello\logs\hello.log
    AppStderr: C:\ProgramData\hello\logs\hello.log
    AppStdoutCreationDisposition: 4
    AppStderrCreationDisposition: 4
    AppRotateFiles: 0
    AppRotateOnline: 1
    AppRotateBytes: 10485760
    AppRotateBytesHigh: 0
    AppRotateSeconds: 0
    AppExit: {Default: Restart, "0": Exit}
    AppRestartDelay: 5000
    AppThrottle: 1500
    AppStopMethodSkip: 0
    AppStopMethodConsole: 15000
    AppStopMethodWindow: 15000
    AppStopMethodThreads: 15000
    AppKillProcessTree: 1
    DisplayName: Hello
    Description: Hello test service
    Start: SERVICE_AUTO_START
    ObjectName: LocalSystem
    DependOnService: []
status:
  description: Runtime state of the service after the run (before it, in check mode).
  returned: always
  type: dict
  contains:
    state:
      description: V(running), V(stopped), V(start_pending), V(stop_pending), V(paused) (NSSM waiting to restart the
        program) ... or V(absent).
      type: str
      sample: running
    pid:
      description: Process id of NSSM, where the host reports it (C(sc queryex)); null otherwise.
      type: int
      sample: 4242
    win32_exit_code:
      description: The service's Win32 exit code.
      type: int
      sample: 0
    service_exit_code:
      description: The service-specific exit code.
      type: int
      sample: 0
round_trips:
  description: How many times the task talked to the host (commands are batched; each batch is one, and so is each
    file transfer).
  returned: always
  type: int
  sample: 2
"""
