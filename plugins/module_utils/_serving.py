# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is a service already serving as a release defines it? Asked on a Linux host by the
release module when the release is already active with its definition, so that a run with
nothing to do costs one module run: the unit is as the definition renders it, nothing about
it would change, and the service passes its verification without any wait.

It only reads. Anything short of a pass (a unit to write, a start to make, a process up for
less than stable_for, a probe that does not answer at once, an option it cannot check) is
"not serving" with the reason, and the deploy goes on with its service and verify tasks,
which do the work and report any failure in full.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ._linux_verify import LinuxVerifier
from ._spec import SpecError
from ._systemd_render import unit_name
from ._systemd_unit import argument_spec as unit_argument_spec
from ._systemd_unit import plan_unit
from ._verify import VerifyError, options_from_params
from ._verify import argument_spec as verify_argument_spec


class NotServing(Exception):
    pass


class ReadOnly:
    """The module, as the unit planner sees it during the check: check mode (nothing is
    changed, nothing is validated), and a refusal or warning ends the check instead of
    the task."""

    check_mode = True

    def __init__(self, module: Any) -> None:
        self._module = module
        self.params = module.params

    def run_command(self, *args: Any, **kwargs: Any) -> Any:
        return self._module.run_command(*args, **kwargs)

    def get_bin_path(self, *args: Any, **kwargs: Any) -> Any:
        return self._module.get_bin_path(*args, **kwargs)

    def warn(self, msg: str) -> None:
        raise NotServing(msg)

    def fail_json(self, msg: str = "", **_kwargs: Any) -> None:
        raise NotServing(msg)


def _validated(spec: Dict[str, Any], args: Dict[str, Any], what: str) -> Dict[str, Any]:
    result = ArgumentSpecValidator(spec).validate(args)
    if result.error_messages:
        raise NotServing("the %s options do not validate: %s" % (what, "; ".join(result.error_messages)))
    return result.validated_parameters


def serving(module: Any, unit_args: Dict[str, Any], verify_args: Dict[str, Any]) -> Dict[str, Any]:
    """``passed``, the ``reason`` when not, and the verification's result when it ran."""
    verifier: Optional[LinuxVerifier] = None
    try:
        plan = plan_unit(ReadOnly(module), _validated(unit_argument_spec(), unit_args, "service"))
        if plan.spec.state != "started":
            raise NotServing("the definition's state is %s" % plan.spec.state)
        if plan.changes:
            raise NotServing("the service would change: " + ", ".join(c.describe() for c in plan.changes))
        opts = options_from_params(_validated(verify_argument_spec(), verify_args, "verify"))
        if opts.probe.enabled and opts.probe.where == "controller":
            raise NotServing("its probe runs from the controller")

        def on_error(what: str) -> None:
            raise NotServing(what)

        verifier = LinuxVerifier(module, opts, unit_name(opts.name), on_error)
        if not verifier.at_once():
            raise NotServing(verifier.verification.decision.reason or "it has more to prove than one look shows "
                             "(stable_for, or a probe that did not pass at once)")
        verifier.record(True, "")
    except (NotServing, SpecError, VerifyError) as exc:
        return dict(passed=False, reason=str(exc), verification=verifier.result() if verifier else None)
    return dict(passed=True, reason="", verification=verifier.result())
