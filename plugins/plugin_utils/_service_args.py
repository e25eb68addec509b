# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service task's options, and the arguments each backend gets from them: used by the
service action, and by the release action to check a release's service without a task of
its own."""
from __future__ import annotations

from typing import Any, Dict

from ansible.errors import AnsibleActionFail

from ansible_collections.svcwright.services.plugins.module_utils._spec import NSSM, SC, SPEC_KEYS, SYSTEMD, spec_argument_spec


def argument_spec() -> Dict[str, Any]:
    spec = spec_argument_spec()
    spec.update(
        windows_manager=dict(type="str", choices=["sc", "nssm"], default="sc"),
        password=dict(type="str", no_log=True),
        restart_triggers=dict(type="list", elements="str", default=[]),
        systemd=dict(type="dict", default={}),
        win_service=dict(type="dict", default={}),
        win_nssm=dict(type="dict", default={}),
    )
    return spec


def with_definition(task_args: Dict[str, Any], host: str) -> Dict[str, Any]:
    """The task's arguments over its ``definition`` (a whole spec as one dictionary, e.g. a
    release's recorded definition): what the task names itself wins."""
    args = dict(task_args)
    definition = args.pop("definition", None)
    if definition is None:
        return args
    if not isinstance(definition, dict):
        raise AnsibleActionFail("host %s: definition must be a dictionary of service options (for example the "
                                "definition a release returns), got %s. Give a dictionary, or the options "
                                "themselves." % (host, type(definition).__name__))
    return dict(definition, **args)


def backend_for(windows: bool, windows_manager: str) -> str:
    """The backend of a host: systemd on Linux, sc or NSSM (per windows_manager) on Windows."""
    if not windows:
        return SYSTEMD
    return NSSM if windows_manager == "nssm" else SC


# Options whose suboptions the argument spec fills with None when not given.
_SUBOPTION_DICTS = ("restart", "logs")


def spec_args(params: Dict[str, Any]) -> Dict[str, Any]:
    """The spec options for the backend task: options not given (None after validation, also
    inside restart and logs) are left out so the backend applies its defaults. User data (env
    values, list items) is passed as it is: a null there is the user's, and is refused."""
    args: Dict[str, Any] = {}
    for key in SPEC_KEYS:
        value = params[key]
        if value is None:
            continue
        if key in _SUBOPTION_DICTS and isinstance(value, dict):
            value = {k: v for k, v in value.items() if v is not None}
        args[key] = value
    return args


def systemd_args(params: Dict[str, Any], host: str) -> Dict[str, Any]:
    """The systemd_unit module's arguments for validated service options."""
    args = spec_args(params)
    if params["restart_triggers"]:
        args["restart_triggers"] = params["restart_triggers"]
    args.update(params["systemd"])
    args["_host"] = host
    return args
