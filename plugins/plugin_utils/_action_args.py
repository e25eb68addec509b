# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate an action plugin's task arguments the way AnsibleModule validates a module's."""
from __future__ import annotations

import copy
import datetime
import json
from typing import Any, Dict, Optional

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.svcwright.services.plugins.module_utils._option_values import OptionProblem, plain_options


class ArgumentProblem(AnsibleActionFail):
    """A task argument refused for its type; ``key`` names it (dotted for suboptions)."""

    def __init__(self, message: str, key: Optional[str] = None) -> None:
        super().__init__(message)
        self.key = key


def plain_args(action: Any, argument_spec: Dict[str, Any], task_args: Dict[str, Any]) -> Dict[str, Any]:
    """The task's arguments as plain JSON types, each checked by its option's type (for an
    action that hands them on to a module, which applies its defaults itself)."""
    prefix = _prefix(action, task_args)
    unplain = _first_unplain(task_args, "")
    if unplain is not None:
        raise ArgumentProblem(prefix + unplain, unplain.split(" ", 1)[0])
    try:
        # Each value by its option's type first: the validator would turn 1.10 into "1.1", True into
        # 1.0 seconds and split a string given for a list on commas.
        return plain_options(argument_spec, json.loads(json.dumps(task_args)))
    except OptionProblem as exc:
        raise ArgumentProblem(prefix + str(exc), exc.key) from None


def _prefix(action: Any, task_args: Dict[str, Any]) -> str:
    host = getattr(action, "_svcw_host", "")
    name = task_args.get("name") if isinstance(task_args, dict) else None
    return "%s%sinvalid arguments for %s: " % ("host %s: " % host if host else "",
                                               "service %r: " % name if isinstance(name, str) else "",
                                               action._task.action)


def validate_args(action: Any, argument_spec: Dict[str, Any], task_args: Dict[str, Any],
                  **validator_kwargs: Any) -> Dict[str, Any]:
    """Defaults, types, choices and suboptions applied; AnsibleActionFail on bad input.

    Options marked no_log never appear in an error message: the validator's messages name
    keys, not values. The caller must keep such values out of its results.
    """
    # Plain JSON types, as a module would receive them: ansible-core hands an action plugin
    # its own tagged subclasses of int, str ..., whose type names would show in messages.
    plain = plain_args(action, argument_spec, task_args)
    prefix = _prefix(action, task_args)
    # The validator writes into the spec it is given (aliases, defaults of suboptions): it gets a copy,
    # so that a shared spec (RELEASE_OPTIONS, ...) stays as declared.
    result = ArgumentSpecValidator(copy.deepcopy(argument_spec), **validator_kwargs).validate(plain)
    if result.error_messages:
        raise AnsibleActionFail(prefix + "; ".join(result.error_messages)
                                + ". Give each option as its documentation says (ansible-doc %s)." % action._task.action)
    return result.validated_parameters


def _first_unplain(value: Any, path: str) -> Optional[str]:
    """What YAML or a template can produce that a module could not receive faithfully: the
    problem, with where it is (e.g. ``version``, ``env.RELEASED``, ``args[2]``)."""
    where = path or "the arguments"
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return "%s has the key %r, which is not text. Quote it in YAML." % (where, key)
            found = _first_unplain(item, "%s.%s" % (path, key) if path else key)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _first_unplain(item, "%s[%d]" % (path, i))
            if found:
                return found
        return None
    if value is None or isinstance(value, (str, bool, int, float)):
        return None
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return ("%s is the date %s: YAML reads an unquoted 2024-01-31 as a date, not as text. Quote it (e.g. "
                "'%s')." % (where, value.isoformat(), value.isoformat()))
    return "%s is of type %s, which a module cannot receive. Give text, a number, a list or a dictionary." % (
        where, type(value).__name__)
