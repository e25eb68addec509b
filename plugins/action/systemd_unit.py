# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd_unit on the controller: the task's arguments are checked here, where YAML's own
types are still visible (a date, a float given as text, a string given for a list), then the
module makes the unit true on the host in one run."""
from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.plugins.action import ActionBase

from ansible_collections.svcwright.services.plugins.module_utils._systemd_unit import argument_spec
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import plain_args

MODULE = "svcwright.services.systemd_unit"


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_diff = True

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        self._svcw_host = task_vars.get("inventory_hostname", "")
        args = plain_args(self, argument_spec(), self._task.args)
        args["_host"] = self._svcw_host
        result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars))
        return result
