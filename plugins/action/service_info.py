# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""service_info: a service's releases, state, drift and last verification, read-only.

Linux: the module of the same name reads everything in one run on the host; the drift is
computed here, where systemd_unit's own option checks and renderer are importable, by
rendering the active release's definition and planning against what the module read.

Windows: one round trip of cmd.exe built-ins (release layout, definition, verification
records), sc.exe and reg.exe (the reads of win_service, which also hold what win_nssm plans
from); the sc or NSSM planner then compares the definition with them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ansible.errors import AnsibleActionFail

from ansible_collections.svcwright.services.plugins.plugin_utils._service_args import (
    argument_spec as service_argument_spec,
    spec_args,
)
from ansible_collections.svcwright.services.plugins.action.win_nssm import argument_spec as nssm_argument_spec
from ansible_collections.svcwright.services.plugins.action.win_service import argument_spec as sc_argument_spec
from ansible_collections.svcwright.services.plugins.module_utils._nssm_plan import (
    ObserveError as NssmObserveError,
    observed_parameters,
    parameter_changes,
    parse_service_registry,
)
from ansible_collections.svcwright.services.plugins.module_utils._nssm_render import nssm_options, render_parameters
from ansible_collections.svcwright.services.plugins.module_utils._release_definition import DEFINITION_FILE
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import (
    ReleaseError,
    builtin,
    check_base,
    win_path,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_render import (
    READS,
    WinOptions,
    desired_config,
    read_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._service_info import (
    SERVICE_INFO_OPTIONS,
    WINDOWS_RELEASE_READS,
    ReleaseView,
    assemble,
    definition_from,
    manager_of,
    status_of,
    status_row,
    systemd_drift,
    windows_drift,
    windows_release_argvs,
    windows_releases,
)
from ansible_collections.svcwright.services.plugins.module_utils._spec import NSSM, SC, SYSTEMD, SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import (
    parse_systemctl_show,
    unit_status,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import Observed
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import unit_name
from ansible_collections.svcwright.services.plugins.module_utils._verify import latest_record, record_paths, sample_from_sc
from ansible_collections.svcwright.services.plugins.module_utils._win_service_plan import (
    ObserveError as ScObserveError,
    differences,
    observe,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_unit import (
    argument_spec as systemd_argument_spec,
    check_module_options,
)
from ansible_collections.svcwright.services.plugins.plugin_utils._action_base import RefusingAction
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._platform import is_windows
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import WinRunner
from ansible_collections.svcwright.services.plugins.plugin_utils._win_service_ops import ServiceOpError, status_from

MODULE = "svcwright.services.service_info"
ENABLED_BY = {"auto": True, "delayed": True, "manual": False, "disabled": False}


class ActionModule(RefusingAction):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(SERVICE_INFO_OPTIONS)
    _supports_check_mode = True
    _supports_async = False

    def _run(self, result: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        params = validate_args(self, SERVICE_INFO_OPTIONS, self._task.args)
        info = self._windows(params, task_vars) if is_windows(self) else self._linux(params, task_vars)
        result.update(info)
        if not result.get("failed"):
            result["row"] = status_row(self._svcw_host, result)
        return result

    def _fail(self, name: str, what: str) -> AnsibleActionFail:
        return AnsibleActionFail("host %s: service %r: %s" % (self._svcw_host, name, what))

    # -- the definition, as its backend takes it ------------------------------------------------
    def _backend_params(self, definition: Dict[str, Any], backend: str) -> Dict[str, Any]:
        """The definition as the backend module's validated parameters, the way the service
        action passes it on."""
        params = validate_args(self, service_argument_spec(), definition)
        args = spec_args(params)
        if backend == SYSTEMD:
            if params["restart_triggers"]:
                args["restart_triggers"] = params["restart_triggers"]
            args.update(params["systemd"])
            return validate_args(self, systemd_argument_spec(), args)
        args.pop("sockets", None)
        args.update(params["win_nssm" if backend == NSSM else "win_service"])
        return validate_args(self, nssm_argument_spec() if backend == NSSM else sc_argument_spec(), args)

    def _checkable(self, name: str, view: Optional[ReleaseView], definition: Optional[Dict[str, Any]],
                   warnings: List[str]) -> bool:
        if definition is None:
            if view is not None and view.active is not None:
                warnings.append("release %s has no recorded service definition (shipped without one): drift is "
                                "unknown" % view.active)
            return False
        if definition.get("name") != name:
            warnings.append("the active release %s defines service %r, not %r: drift is unknown. Give the name the "
                            "release was deployed with." % (view.active if view else "?", definition.get("name"), name))
            return False
        return True

    # -- Linux ------------------------------------------------------------------------------------
    def _linux(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        name = params["name"]
        res = self._execute_module(module_name=MODULE, module_args=dict(params, _host=self._svcw_host),
                                   task_vars=task_vars)
        if res.get("failed") or "observed" not in res:
            return res
        observed = res.pop("observed")
        view = ReleaseView(**res["view"]) if res.get("view") else None
        definition = res.get("definition")
        warnings = list(res.get("problems") or [])
        drift = changes = None
        if self._checkable(name, view, definition, warnings):
            try:
                drift, changes = self._systemd_drift(name, definition or {}, observed)
            except (SpecError, AnsibleActionFail) as exc:
                release = view.active if view else "?"
                warnings.append("the definition of release %s cannot be checked: %s" % (release, _message(exc)))
        info = assemble(name, "linux", res.get("base"), view, definition, "systemd", res["status"], drift, changes,
                        res.get("last_verify"), warnings)
        info["round_trips"] = 1
        return info

    def _systemd_drift(self, name: str, definition: Dict[str, Any],
                       observed: Dict[str, Any]) -> Tuple[List[str], List[str]]:
        params = self._backend_params(definition, SYSTEMD)
        spec = build_spec(params)
        wanted = check_module_options(spec, params)
        if wanted.unit is None:
            raise SpecError("its state is absent")
        status = unit_status(parse_systemctl_show(observed["show"]))
        socket_show = observed.get("socket_show")
        dropins = observed.get("dropins") or {}
        host = Observed(
            unit_text=observed.get("unit_text"),
            status=status,
            dropins={n: dropins[n] for n in wanted.dropins if n in dropins},
            socket_text=observed.get("socket_text"),
            socket_status=unit_status(parse_systemctl_show(socket_show)) if socket_show else None,
        )
        return systemd_drift(unit_name(name), wanted.unit, wanted.dropins, wanted.socket,
                             ENABLED_BY[spec.start_mode], host)

    # -- Windows ----------------------------------------------------------------------------------
    def _windows(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        name = params["name"]
        try:
            base = check_base(params["base"], windows=True) if params["base"] else None
        except ReleaseError as exc:
            raise self._fail(name, "invalid options: %s" % exc)
        if not name.strip() or any(c in name for c in '"%\\/\r\n'):
            raise self._fail(name, "invalid options: name is not a Windows service name. Give the service's name "
                                   "(not its display name), e.g. hello.")
        runner = WinRunner(self, task_vars)
        release_argvs = windows_release_argvs(base) if base else []
        records = [builtin("type", path) for path in record_paths(name, base, windows=True)]
        results = runner.run(release_argvs + read_argvs(name) + records)
        pairs = [(r.rc, r.output) for r in results]
        warnings: List[str] = []
        view = definition = None
        if base:
            view, text = windows_releases(base, pairs[:WINDOWS_RELEASE_READS])
            definition, problem = definition_from(text, win_path(base, "current", DEFINITION_FILE))
            if problem:
                warnings.append(problem)
        sc_results = results[len(release_argvs):len(release_argvs) + len(READS)]
        reads = {key: (r.rc, r.output) for key, r in zip(READS, sc_results)}
        try:
            status = status_from(name, sc_results[:2])
        except ServiceOpError as exc:
            raise self._fail(name, str(exc))
        config = None
        if status is not None:
            try:
                config = parse_service_registry(*reads["registry"], name)
            except NssmObserveError as exc:
                warnings.append(str(exc))
        manager = manager_of(definition, True) if definition is not None else (
            "nssm" if config is not None and config.nssm.get("Application") else "sc")
        drift = changes = None
        if self._checkable(name, view, definition, warnings):
            try:
                drift, changes = self._windows_drift(name, definition or {}, manager, status, reads, config)
            except (SpecError, AnsibleActionFail, ScObserveError, NssmObserveError) as exc:
                release = view.active if view else "?"
                warnings.append("the definition of release %s cannot be checked: %s" % (release, _message(exc)))
        last_verify = latest_record([r.output if r.rc == 0 else None for r in results[len(results) - len(records):]])
        info = assemble(name, "windows", base, view, definition, manager, status_of(sample_from_sc(0.0, status)),
                        drift, changes, last_verify, warnings)
        info["round_trips"] = runner.round_trips
        return info

    def _windows_drift(self, name: str, definition: Dict[str, Any], manager: str, status: Any,
                       reads: Dict[str, Tuple[int, str]], config: Any) -> Tuple[List[str], List[str]]:
        if manager == "nssm":
            params = self._backend_params(definition, NSSM)
            spec = build_spec(params, backend=NSSM)
            wanted = render_parameters(spec, nssm_options(name, params))
            if status is None or config is None:
                return ["service missing"], ["install %s (the service does not exist)" % name]
            return windows_drift(parameter_changes(wanted, observed_parameters(config)))
        params = self._backend_params(definition, SC)
        spec = build_spec(params, backend=SC)
        desired = desired_config(spec, WinOptions.from_params(params))
        return windows_drift(differences(desired, observe(name, status, reads)))


def _message(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc)
