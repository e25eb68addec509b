#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: service
short_description: Make a service what one spec says, on Linux and Windows hosts alike
version_added: 0.1.0
description:
  - Takes the platform-neutral service spec once and makes it true on every host of the play, with the backend
    chosen per host from its connection (no facts gathering needed).
  - Linux hosts get a systemd unit (M(svcwright.services.systemd_unit)); Windows hosts a native service through
    sc.exe (M(svcwright.services.win_service)) or an NSSM-wrapped one (M(svcwright.services.win_nssm)),
    per O(windows_manager).
  - Backend-specific options go in O(systemd), O(win_service) or O(win_nssm); each is used only on hosts of that
    backend, so one task serves a mixed fleet.
  - Returns the backend's own result plus a normalized RV(service) block that is the same on every platform.
author:
  - svcwright maintainers (@svcwright)
extends_documentation_fragment:
  - svcwright.services.service_spec
  - svcwright.services.unified
  - svcwright.services.attributes
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: [posix, windows]
options:
  definition:
    description:
      - The whole spec as one dictionary, for example the RV(svcwright.services.release#module:definition) a release
        returns (the definition it was deployed with) or the RV(svcwright.services.service_spec#module:spec) of
        M(svcwright.services.service_spec). Options given in the task itself win over it (e.g. O(state), O(password)).
      - With it, O(name) may come from the definition.
    type: dict
"""

EXAMPLES = r"""
- name: Run hello on every host of a mixed fleet
  svcwright.services.service:
    name: hello
    command: "{{ '/opt/hello/current/hello' if ansible_shell_type | default('sh') not in ['cmd', 'powershell']
                 else 'C:\\Program Files\\hello\\current\\hello.exe' }}"
    args: ["-listen", ":8080"]
    account: "{{ 'hello' if ansible_shell_type | default('sh') not in ['cmd', 'powershell'] else 'NT AUTHORITY\\LocalService' }}"
    restart:
      policy: always
      delay: 1
    windows_manager: nssm
    systemd:
      create_account: true
    win_nssm:
      nssm_binary: files/nssm.exe
"""

RETURN = r"""
backend:
  description: The backend that ran on this host.
  returned: always
  type: str
  sample: systemd_unit
service:
  description: The service's runtime state after the run, the same shape on every platform.
  returned: always
  type: dict
  contains:
    state:
      description: V(running), V(stopped), V(failed), V(starting), V(restarting), V(stopping) or V(absent).
      type: str
      sample: running
    pid:
      description: Main process ID, null when none (or unknown).
      type: int
      sample: 4242
    restarts:
      description: Automatic restarts counted by the service manager (systemd only; null on Windows).
      type: int
      sample: 0
    exit_code:
      description: Exit status of the last run (systemd) or WIN32_EXIT_CODE (Windows).
      type: int
      sample: 0
changes:
  description: What was changed (or, in check mode, would be), in order, with the reason.
  returned: always
  type: list
  elements: str
status:
  description: The backend's own status block, see the backend module.
  returned: always
  type: dict
"""
