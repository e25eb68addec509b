# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate an action plugin's task arguments the way AnsibleModule validates a module's."""
from __future__ import annotations

import json
from typing import Any, Dict

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator


def validate_args(action: Any, argument_spec: Dict[str, Any], task_args: Dict[str, Any],
                  **validator_kwargs: Any) -> Dict[str, Any]:
    """Defaults, types, choices and suboptions applied; AnsibleActionFail on bad input.

    Options marked no_log never appear in an error message: the validator's messages name
    keys, not values. The caller must keep such values out of its results.
    """
    # Plain JSON types, as a module would receive them: ansible-core hands an action plugin
    # its own tagged subclasses of int, str ..., whose type names would show in messages.
    result = ArgumentSpecValidator(argument_spec, **validator_kwargs).validate(json.loads(json.dumps(task_args)))
    if result.error_messages:
        host = getattr(action, "_svcw_host", "")
        raise AnsibleActionFail("%sinvalid arguments for %s: %s" % (
            "host %s: " % host if host else "", action._task.action, "; ".join(result.error_messages)))
    return result.validated_parameters
