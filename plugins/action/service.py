# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unified service action: one spec, the right backend per host.

The backend is chosen from the connection's shell (a Windows shell means a Windows host),
so no facts need to be gathered: systemd_unit runs as a module on Linux hosts, win_service
or win_nssm (per ``windows_manager``) run as actions on Windows hosts. The result carries
the backend's own fields plus one normalized ``service`` block, the same on every platform.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.svcwright.services.plugins.module_utils._runtime_state import systemd_state
from ansible_collections.svcwright.services.plugins.module_utils._spec import (
    BACKENDS,
    NSSM,
    SYSTEMD,
    SpecError,
    build_spec,
    check_password,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_service_state import runtime_state_of
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._platform import is_windows
from ansible_collections.svcwright.services.plugins.plugin_utils._service_args import (
    argument_spec,
    backend_for,
    spec_args,
    systemd_args,
    with_definition,
)


def _windows_state(status: Dict[str, Any], wrapped: bool) -> Dict[str, Any]:
    return {
        "state": runtime_state_of(status.get("state"), wrapped),
        "pid": status.get("pid"),
        "restarts": None,
        "exit_code": status.get("win32_exit_code"),
    }


def _systemd_state(status: Dict[str, Any]) -> Dict[str, Any]:
    state = systemd_state(status.get("LoadState", ""), status.get("ActiveState", ""), status.get("SubState", ""))
    return {"state": state, "pid": status.get("MainPID") or None, "restarts": status.get("NRestarts"),
            "exit_code": status.get("ExecMainStatus")}


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_diff = True

    def run(self, tmp: Any = None, task_vars: Any = None) -> Dict[str, Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        host = task_vars.get("inventory_hostname", "?")
        self._svcw_host = host
        params = validate_args(self, argument_spec(), with_definition(self._task.args, host))
        backend = backend_for(is_windows(self), params["windows_manager"])
        try:
            # The whole spec is checked here, for this host's backend, before any host command.
            build_spec(params, backend)
            check_password(params["name"], params["password"], backend)
        except SpecError as exc:
            raise AnsibleActionFail("host %s: %s" % (host, exc))
        normalized: Optional[Dict[str, Any]] = None
        if backend == SYSTEMD:
            args = systemd_args(params, host)
            backend_result = self._execute_module(module_name=BACKENDS[backend].module, module_args=args,
                                                  task_vars=task_vars)
            if "status" in backend_result:
                normalized = _systemd_state(backend_result["status"])
        else:
            args = spec_args(params)
            args.pop("sockets")
            if params["password"] is not None:
                args["password"] = params["password"]
            args.update(params["win_nssm" if backend == NSSM else "win_service"])
            backend_result = self._run_action(BACKENDS[backend].module, args, task_vars)
            if "status" in backend_result:
                normalized = _windows_state(backend_result["status"], wrapped=backend == NSSM)

        result.update(backend_result)
        result["backend"] = BACKENDS[backend].module.rsplit(".", 1)[-1]
        if normalized is not None:
            result["service"] = normalized
        return result

    def _run_action(self, backend: str, args: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        new_task = self._task.copy()
        new_task.args.clear()
        new_task.args.update(args)
        action = self._shared_loader_obj.action_loader.get(
            backend, task=new_task, connection=self._connection,
            play_context=self._play_context, loader=self._loader, templar=self._templar,
            shared_loader_obj=self._shared_loader_obj)
        return action.run(task_vars=task_vars)
