# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""service_spec: check a whole service spec for a host's backend on the controller, and
return it normalized, before anything is shipped or changed.

It runs the same checks the backend runs (the spec, the backend's own options, the verify
settings) without contacting the host, so a role can refuse bad input before its first
change. The host's platform comes from its connection (plugin_utils/_platform).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.svcwright.services.plugins.plugin_utils._service_args import (
    argument_spec as service_argument_spec,
    backend_for,
    spec_args,
)
from ansible_collections.svcwright.services.plugins.action.win_nssm import argument_spec as nssm_argument_spec
from ansible_collections.svcwright.services.plugins.action.win_service import argument_spec as sc_argument_spec
from ansible_collections.svcwright.services.plugins.module_utils._nssm_render import nssm_options, render_parameters
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import ReleaseError, check_version
from ansible_collections.svcwright.services.plugins.module_utils._sc_render import WinOptions, desired_config
from ansible_collections.svcwright.services.plugins.module_utils._spec import (
    BACKENDS,
    NSSM,
    SC,
    SYSTEMD,
    SpecError,
    ServiceSpec,
    build_spec,
    check_name,
    check_password,
)
from ansible_collections.svcwright.services.plugins.module_utils._values import ValueProblem, path_component
from ansible_collections.svcwright.services.plugins.module_utils._verify import (
    VerifyError,
    argument_spec as verify_argument_spec,
    options_from_params,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_unit import (
    argument_spec as systemd_argument_spec,
    check_module_options,
)
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import ArgumentProblem, validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._platform import host_platform, WINDOWS


def argument_spec() -> Dict[str, Any]:
    spec = service_argument_spec()
    spec["command"] = dict(type="str")
    spec.update(
        base=dict(type="str"),
        binary=dict(type="str"),
        version=dict(type="raw"),
        variables=dict(type="dict", default={}),
        default_account=dict(type="bool", default=False),
        verify=dict(type="dict"),
    )
    return spec


def _origin(variables: Dict[str, Any], key: Optional[str]) -> str:
    """Where a caller (a role) took the option from, e.g. " (from deploy_args)"."""
    if not key:
        source = variables.get("*")
        return " (set from %s)" % source if source else ""
    top = key.split("[", 1)[0].split(".", 1)[0].split(" ", 1)[0]
    if key.startswith("env "):
        top = "env"
    source = variables.get(top) or variables.get("*")
    return " (set from %s)" % source if source else ""


def default_base(windows: bool, name: str) -> str:
    return "C:\\Program Files\\%s" % name if windows else "/opt/%s" % name


def current_path(windows: bool, base: str, binary: str) -> str:
    """Where the active release's binary is: one constant path per service."""
    sep = "\\" if windows else "/"
    return base.rstrip("\\/") + sep + "current" + sep + binary


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        host = self._svcw_host = task_vars.get("inventory_hostname", "?")
        try:
            params = validate_args(self, argument_spec(), self._task.args)
        except ArgumentProblem as exc:
            variables = self._task.args.get("variables")
            origin = _origin(variables if isinstance(variables, dict) else {}, exc.key)
            raise AnsibleActionFail(exc.message + origin) from None
        platform = host_platform(self)
        windows = platform == WINDOWS
        backend = backend_for(windows, params["windows_manager"])
        name = params["name"]
        try:
            checked = self._check(params, windows, backend)
        except SpecError as exc:
            raise AnsibleActionFail("host %s: %s%s Nothing was changed." % (
                host, exc, _origin(params["variables"], exc.key)))
        except VerifyError as exc:
            raise AnsibleActionFail("host %s: service %r: verify: %s%s Nothing was changed." % (
                host, name, exc, _origin(params["variables"], "verify")))
        except ReleaseError as exc:
            raise AnsibleActionFail("host %s: service %r: release %s%s Nothing was changed." % (
                host, name, exc, _origin(params["variables"], "version")))
        result.update(checked, changed=False, platform=platform, backend=BACKENDS[backend].module.rsplit(".", 1)[-1])
        result["name"] = name
        return result

    def _check(self, params: Dict[str, Any], windows: bool, backend: str) -> Dict[str, Any]:
        name = check_name(params["name"], BACKENDS[backend])
        binary = params["binary"] or name
        try:
            path_component(binary)
        except ValueProblem as exc:
            default = "" if params["binary"] else " (it defaults to the service name: give binary)"
            raise SpecError("service %r: binary %s. %s%s" % (name, exc.problem, exc.fix, default),
                            key="binary" if params["binary"] else "name") from None
        if windows and not binary.lower().endswith(".exe"):
            binary += ".exe"
        service = spec_args(params)
        base = params["base"] or default_base(windows, name)
        if params["base"] is not None:
            try:
                build_spec(dict(name=name, command=base, state="absent"), backend)
            except SpecError as exc:
                raise SpecError(str(exc).replace(": command ", ": base ", 1), key="base") from None
        if params["command"] is None:
            service["command"] = current_path(windows, base, binary)
        if params["account"] is None and params["default_account"]:
            service["account"] = "LocalService" if windows else name
        spec = build_spec(service, backend)
        check_password(name, params["password"], backend)
        extra: Dict[str, Any] = {}
        if backend == SYSTEMD:
            block = dict(params["systemd"])
            if params["account"] is None and params["default_account"]:
                block.setdefault("create_account", True)
            self._check_backend(spec, backend, dict(service, **block))
            extra["systemd"] = block
            extra["restart_triggers"] = list(params["restart_triggers"]) or [spec.command]
        else:
            block_key = "win_nssm" if backend == NSSM else "win_service"
            self._check_backend(spec, backend, dict(service, **params[block_key]))
            extra[block_key] = params[block_key]
        service.update(extra)
        service["windows_manager"] = params["windows_manager"]
        out: Dict[str, Any] = dict(spec=service, base=base, binary=binary, command=spec.command,
                                   normalized=spec.as_dict())
        if params["version"] is not None:
            out["version"] = check_version(params["version"])
        if params["verify"] is not None:
            verify = dict(params["verify"], name=name)
            options_from_params(validate_args(self, verify_argument_spec(), verify))
            out["verify"] = verify
        return out

    def _check_backend(self, spec: ServiceSpec, backend: str, args: Dict[str, Any]) -> None:
        """The backend's own options, checked as the backend would check them."""
        if backend == SYSTEMD:
            check_module_options(spec, validate_args(self, systemd_argument_spec(), args))
        elif backend == SC:
            desired_config(spec, WinOptions.from_params(validate_args(self, sc_argument_spec(), args)))
        else:
            params = validate_args(self, nssm_argument_spec(), args)
            render_parameters(spec, nssm_options(spec.name, params))
