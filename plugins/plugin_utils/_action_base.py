# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The opening every action of the collection shares: the host's inventory name for
messages, and a refusal returned as a failed result with its message."""
from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


class RefusingAction(ActionBase):
    """Subclasses implement ``_run(result, task_vars)``; an AnsibleActionFail it raises
    becomes a failed result with its message, so nothing of Python's (no "exception" field,
    no traceback) reaches the user."""

    _svcw_host = ""

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        self._svcw_host = task_vars.get("inventory_hostname", "")
        try:
            return self._run(result, task_vars)
        except AnsibleActionFail as exc:
            result.update(failed=True, changed=False, msg=exc.message)
            return result

    def _run(self, result: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        raise NotImplementedError
