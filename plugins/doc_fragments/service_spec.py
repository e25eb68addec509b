# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment(object):
    # The platform-neutral service spec: every backend documents these the same way.
    DOCUMENTATION = r"""
options:
  name:
    description:
      - Name of the service.
    type: str
    required: true
  display_name:
    description:
      - Human-readable name. On systemd it is the unit's C(Description=) when O(description) is not set.
    type: str
  description:
    description:
      - What the service does.
    type: str
  command:
    description:
      - Absolute path of the program to run.
      - Required unless O(state=absent).
    type: str
  args:
    description:
      - Arguments passed to the program, one list item per argument.
      - Each item reaches the program's argv exactly as written (spaces, quotes, backslashes,
        V($), V(%) and unicode included); quoting is done by the module, never by you.
      - Items must be strings; quote numbers in YAML.
    type: list
    elements: raw
    default: []
  working_dir:
    description:
      - Absolute path of the working directory of the program.
    type: str
  env:
    description:
      - Environment variables for the program. Values must be strings.
    type: dict
    default: {}
  account:
    description:
      - Account the service runs as. On Linux a user name.
    type: str
  start_mode:
    description:
      - Whether the service starts at boot.
      - V(auto) and V(delayed) start it at boot, V(manual) only on request, V(disabled) never.
    type: str
    choices: [auto, delayed, manual, disabled]
    default: auto
  restart:
    description:
      - What to do when the program exits.
    type: dict
    default: {}
    suboptions:
      policy:
        description:
          - V(always) restarts on any exit, V(on-failure) on a non-zero exit or a crash, V(never) not at all.
        type: str
        choices: [always, on-failure, never]
        default: on-failure
      delay:
        description: Seconds to wait before a restart.
        type: float
        default: 2.0
      max_restarts:
        description:
          - Give up after this many restarts within O(restart.window) seconds. V(0) means no limit.
        type: int
        default: 5
      window:
        description: Seconds over which O(restart.max_restarts) is counted.
        type: float
        default: 60.0
  stop_timeout:
    description:
      - Seconds a graceful stop may take before the program is killed.
    type: float
    default: 30.0
  logs:
    description:
      - Where the program's stdout and stderr go.
    type: dict
    default: {}
    suboptions:
      mode:
        description:
          - V(journal) sends output to the system's log (the default on Linux), V(file) appends it to files
            that survive restarts.
          - Defaults to V(file) when O(logs.stdout) is given, else V(journal).
        type: str
        choices: [journal, file]
      stdout:
        description: Absolute path of the file that receives stdout (and stderr unless O(logs.stderr) is set).
        type: str
      stderr:
        description: Absolute path of the file that receives stderr.
        type: str
  dependencies:
    description:
      - Services that must be started before this one.
    type: list
    elements: str
    default: []
  sockets:
    description:
      - Addresses the service listens on (V(8080), V(127.0.0.1:8080), V([::]:8080) or an absolute Unix socket path).
      - On systemd the sockets are opened by systemd (socket activation) and passed to the program, so they stay
        open while the program restarts or is upgraded and no connection is refused. The program must accept
        listening sockets passed by systemd (C(LISTEN_FDS)); C(examples/hello) does.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(started) and V(stopped) are idempotent; V(restarted) always restarts; V(absent) stops and unregisters.
    type: str
    choices: [started, stopped, restarted, absent]
    default: started
  wait_timeout:
    description:
      - Seconds to wait for a start or stop to finish before failing.
    type: float
    default: 60.0
"""
