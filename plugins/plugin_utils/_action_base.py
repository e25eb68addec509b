# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The opening every action of the collection shares: the host's inventory name for
messages, and a refusal returned as a failed result with its message."""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._secrets import mask, shown_argv


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

    def _refusal(self, what: str) -> AnsibleActionFail:
        """A refusal that names the host by its inventory name."""
        return AnsibleActionFail("host %s: %s" % (self._svcw_host, what))

    def _service_refusal(self, service: str, what: str) -> AnsibleActionFail:
        """A refusal that names the host by its inventory name, and the service."""
        return self._refusal("service %r: %s" % (service, what))


class PasswordAction(RefusingAction):
    """An action whose task arguments, validated by ``ARGUMENT_SPEC``, may carry a
    ``password``: it never appears in the result or in a failure's message, whatever raised
    it (a connection error may quote the command line that carried it). Subclasses set
    ``ARGUMENT_SPEC`` and implement ``_run_task(params, task_vars)``, returning what goes
    into the result."""

    ARGUMENT_SPEC: Dict[str, Any] = {}
    _supports_check_mode = True
    _secret: Optional[str] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._VALID_ARGS = frozenset(cls.ARGUMENT_SPEC)

    def _run_task(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        raise NotImplementedError

    def _run(self, result: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        # A copy: the validator writes into the spec it is given.
        params = validate_args(self, copy.deepcopy(self.ARGUMENT_SPEC), self._task.args)
        self._secret = params.get("password")
        try:
            result.update(self._run_task(params, task_vars))
        except AnsibleError as exc:
            raise AnsibleActionFail(self._mask(str(exc))) from None
        return self._mask(result)

    def _mask(self, value: Any) -> Any:
        return mask(value, self._secret)

    def _shown(self, argv: List[str]) -> str:
        """A command line for messages, its password argument masked."""
        return shown_argv(argv, self._secret)
