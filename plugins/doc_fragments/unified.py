# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment(object):
    # The options of one spec for every platform, on top of the service spec: the Windows
    # manager, the Windows password and each backend's own block.
    DOCUMENTATION = r"""
options:
  windows_manager:
    description:
      - How Windows hosts run the service. V(sc) registers the program itself with the Service Control Manager
        (it must implement the Windows service protocol); V(nssm) wraps any console program with NSSM.
    type: str
    choices: [sc, nssm]
    default: sc
  password:
    description:
      - Password of O(account) on Windows hosts (user accounts only). Never logged.
      - Refused for Linux hosts.
    type: str
  restart_triggers:
    description:
      - Linux hosts; files whose change since the service started means it must restart. See
        M(svcwright.services.systemd_unit).
    type: list
    elements: str
    default: []
  systemd:
    description: Options of M(svcwright.services.systemd_unit) for Linux hosts, e.g. V(hardening) or V(create_account).
    type: dict
    default: {}
  win_service:
    description: Options of M(svcwright.services.win_service) for Windows hosts when O(windows_manager=sc).
    type: dict
    default: {}
  win_nssm:
    description: Options of M(svcwright.services.win_nssm) for Windows hosts when O(windows_manager=nssm).
    type: dict
    default: {}
"""
