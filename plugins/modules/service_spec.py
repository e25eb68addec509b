#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: service_spec
short_description: Check a service spec for each host's platform before anything changes, and return it normalized
version_added: 0.2.0
description:
  - Runs every check M(svcwright.services.service) and the chosen backend run (the spec, the backend's own
    options in O(systemd), O(win_service) or O(win_nssm), the settings of M(svcwright.services.verify)), on the
    controller, without contacting the host. A spec that would fail on the host fails here, with the host, the
    service, the key and the fix; nothing on the host has changed then.
  - The host's platform and backend are decided from its connection (a Windows shell means a Windows host), the
    same way every module of the collection decides it.
  - Returns the spec ready for M(svcwright.services.service) (RV(spec)) and for M(svcwright.services.verify)
    (RV(verify)), and where the binary of the active release lives (RV(command)). Roles pass neutral settings
    and never decide the platform themselves.
author:
  - svcwright maintainers (@svcwright)
extends_documentation_fragment:
  - svcwright.services.service_spec
  - svcwright.services.unified
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - It never changes anything, in check mode or not.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: [posix, windows]
options:
  command:
    description:
      - Absolute path of the program to run.
      - Default the binary of the active release, C(<base>/current/<binary>) (see O(base) and O(binary)).
    type: str
  base:
    description:
      - The service's release directory (see M(svcwright.services.release)).
      - Default C(/opt/<name>) on Linux hosts, C(C:\\Program Files\\<name>) on Windows hosts.
    type: str
  binary:
    description:
      - File name of the program inside a release, without directories. C(.exe) is added on Windows hosts when
        missing. Default O(name).
    type: str
  default_account:
    description:
      - When O(account) is not given, run the service with least privilege instead of as the system account,
        that is a dedicated system account named after the service on Linux (created by the run), C(LocalService) on
        Windows.
    type: bool
    default: false
  verify:
    description:
      - Options of M(svcwright.services.verify) (without O(name)) to check as well; returned as RV(verify).
    type: dict
  version:
    description:
      - A release version to check as M(svcwright.services.release) would (one directory name); returned as
        RV(version).
    type: raw
  variables:
    description:
      - "Where the caller took each option from, for error messages, for example V({name: deploy_name, args:
        deploy_args}). The key V(*) names the source of every option not listed."
      - "A refusal then says, for example, C(args[1] must be a string ... (set from deploy_args))."
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Refuse a bad spec on every host before anything is shipped
  svcwright.services.service_spec:
    name: hello
    args: ["-listen", ":{{ port }}"]
    default_account: true
    verify:
      deadline: 60
      stable_for: 3
      probe: {type: http, url: "http://127.0.0.1:{{ port }}/health"}
  register: hello_spec

- name: Ship the release (to hello_spec.base, as hello_spec.binary), then run it
  svcwright.services.service: "{{ hello_spec.spec }}"
"""

RETURN = r"""
platform:
  description: The host's platform, from its connection.
  returned: always
  type: str
  sample: linux
backend:
  description: The backend module that will run the service on this host.
  returned: always
  type: str
  sample: systemd_unit
spec:
  description:
    - The task arguments for M(svcwright.services.service), defaults filled in. A C(password) is checked but never
      returned; pass it to M(svcwright.services.service) again.
  returned: always
  type: dict
normalized:
  description: The normalized platform-neutral spec (every option, its checked value).
  returned: always
  type: dict
base:
  description: The release directory.
  returned: always
  type: str
  sample: /opt/hello
binary:
  description: The program's file name inside a release.
  returned: always
  type: str
  sample: hello.exe
command:
  description: The program's path the service runs.
  returned: always
  type: str
  sample: /opt/hello/current/hello
verify:
  description: The task arguments for M(svcwright.services.verify).
  returned: when O(verify) is given
  type: dict
version:
  description: The checked release version, as text.
  returned: when O(version) is given
  type: str
  sample: 1.4.2
"""
