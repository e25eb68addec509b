# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_service: the service spec made true through the Service Control Manager (sc.exe).

Runs on the controller and reaches the host through the task's own connection: one round
trip reads everything, one writes the whole configuration (and reads it back), then the
runtime operations (start, stop, delete) poll sc query with their deadlines.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ansible.errors import AnsibleActionFail

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import ScServiceStatus
from ansible_collections.svcwright.services.plugins.module_utils._sc_render import (
    READS,
    WINDOWS_OPTIONS,
    ScConfig,
    WinOptions,
    desired_config,
    read_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError, build_spec, spec_argument_spec
from ansible_collections.svcwright.services.plugins.module_utils._win_account import stored_fingerprint
from ansible_collections.svcwright.services.plugins.module_utils._win_errors import describe_win32_error
from ansible_collections.svcwright.services.plugins.module_utils._win_service_plan import (
    WRITE_ACTIONS,
    ObserveError,
    Observed,
    Plan,
    differences,
    expected_as_dict,
    observe,
    observed_as_dict,
    plan_changes,
    properties_text,
    write_argvs,
    writes_password,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_service_state import (
    RUNTIME_ACTIONS,
    runtime_after,
    runtime_before,
    status_dict,
)
from ansible_collections.svcwright.services.plugins.plugin_utils._action_base import PasswordAction
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult, WinRunner
from ansible_collections.svcwright.services.plugins.plugin_utils._win_service_ops import (
    ServiceOpError,
    delete_service,
    missing_prerequisites,
    prerequisite_argvs,
    start_service,
    status_from,
    stop_service,
)


def argument_spec() -> Dict[str, Any]:
    spec = spec_argument_spec()
    spec.update(WINDOWS_OPTIONS)
    return spec


class ActionModule(PasswordAction):
    TRANSFERS_FILES = False
    ARGUMENT_SPEC = argument_spec()

    def _read(self, runner: WinRunner, name: str, results: List[CommandResult]) -> Observed:
        try:
            status = status_from(name, results[:2])
            reads = {key: (res.rc, res.output) for key, res in zip(READS, results)}
            return observe(name, status, reads)
        except (ServiceOpError, ObserveError) as exc:
            raise self._service_refusal(name, "%s\nFix the service on the host, or remove it, and run again." % exc)

    def _run_task(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        try:
            spec = build_spec(params, backend="sc")
            opts = WinOptions.from_params(params)
            desired = desired_config(spec, opts) if spec.state != "absent" else None
        except SpecError as exc:
            raise self._refusal(str(exc))
        name = spec.name
        runner = WinRunner(self, task_vars)
        # What must exist before the service can work is read in the same round trip.
        checks = prerequisite_argvs(spec)
        results = runner.run(read_argvs(name) + [argv for _key, argv in checks])
        observed = self._read(runner, name, results[:len(results) - len(checks)])
        self._check_prerequisites(spec, checks, results[len(results) - len(checks):])
        try:
            plan = plan_changes(desired, spec.state, observed, self._secret, opts.update_password)
        except SpecError as exc:
            raise self._refusal(str(exc))

        result: Dict[str, Any] = dict(
            changed=bool(plan.changes),
            name=name,
            changes=[c.describe() for c in plan.changes],
        )
        self._warnings: List[str] = getattr(self, "_early_warnings", []) + list(plan.warnings)
        if self._task.diff:
            result["diff"] = self._diff(desired, observed, plan, spec.state)

        self._status: Optional[ScServiceStatus] = observed.status
        self._config: Dict[str, Any] = observed_as_dict(observed)
        if plan.changes and not self._task.check_mode:
            try:
                self._apply(runner, plan, desired, observed, spec)
            except (ServiceOpError, AnsibleActionFail) as exc:
                # Status and config say what the host is left with, as far as this run got.
                result.update(failed=True, msg=str(exc))
        result.update(status=status_dict(self._status), config=self._config, round_trips=runner.round_trips)
        if self._warnings:
            result["warnings"] = self._warnings
        return result

    def _check_prerequisites(self, spec: Any, checks: List[Tuple[str, List[str]]],
                             results: List[CommandResult]) -> None:
        """Check mode predicts the failure as a warning: the program may be shipped by an
        earlier task of the same run."""
        problems = missing_prerequisites(spec, checks, results)
        if not problems:
            return
        if self._task.check_mode:
            self._early_warnings = ["service %r: %s" % (spec.name, p) for p in problems]
            return
        raise self._service_refusal(spec.name, "nothing was changed: " + " ".join(problems))

    def _diff(self, desired: Optional[ScConfig], observed: Observed, plan: Plan, state: str) -> List[Dict[str, str]]:
        header = "service %s" % observed.name
        before = properties_text(observed_as_dict(observed))
        after = properties_text(expected_as_dict(desired, observed, plan)) if desired is not None else ""
        diffs = [dict(before_header=header, after_header=header, before=before, after=after)]
        if any(c.action in RUNTIME_ACTIONS for c in plan.changes):
            diffs.append(dict(before_header=header + " (runtime)", after_header=header + " (runtime)",
                              before=runtime_before(observed.status),
                              after=runtime_after(observed.status, plan.changes, state)))
        return diffs

    def _apply(self, runner: WinRunner, plan: Plan, desired: Optional[ScConfig], observed: Observed,
               spec: Any) -> None:
        """Execute the plan in its order; self._status and self._config follow the host."""
        name = observed.name
        display = (desired.display_name if desired is not None else observed.display_name) or name
        written = False
        for change in plan.changes:
            action = change.action
            if action in WRITE_ACTIONS:
                if not written:
                    written = True
                    self._write(runner, plan, desired, observed)
            elif action == "stop":
                self._status = stop_service(runner, name, spec.stop_timeout, display)
            elif action == "delete":
                delete_service(runner, name, spec.stop_timeout + spec.wait_timeout, display)
                self._status, self._config = None, {}
            elif action == "start":
                self._status = start_service(runner, name, spec.wait_timeout, display)
            elif action == "restart":
                self._status = stop_service(runner, name, spec.stop_timeout, display)
                self._status = start_service(runner, name, spec.wait_timeout, display)
            else:
                raise self._service_refusal(name, "internal error: unknown change %s" % action)

    def _write(self, runner: WinRunner, plan: Plan, desired: Optional[ScConfig], observed: Observed) -> None:
        """All configuration writes and a read-back, in one round trip."""
        name = observed.name
        fingerprint = None
        if writes_password(plan, desired, self._secret):
            fingerprint = stored_fingerprint(self._secret or "")
        argvs = write_argvs(plan, desired, name, self._secret, fingerprint)
        results = runner.run(argvs + (read_argvs(name) if desired is not None else []))
        if desired is not None:
            after = self._read(runner, name, results[len(argvs):])
            self._status, self._config = after.status, observed_as_dict(after)
        failed = [r for r in results[:len(argvs)] if r.rc != 0]
        if failed:
            lines = []
            for res in failed:
                lines.append("command: %s\nrc %s%s%s" % (
                    self._shown(res.argv), res.rc,
                    " (%s)" % describe_win32_error(res.rc) if res.rc not in (0, 1) else "",
                    "\noutput: %s" % res.output.strip() if res.output.strip() else ""))
            raise self._service_refusal(name, "writing the configuration failed (%d of %d commands):\n%s"
                                        % (len(failed), len(argvs), "\n".join(lines)))
        if desired is not None:
            # What the host still does not have after the writes: it ignored them (Wine drops
            # delayed-auto, for one); the next run will plan them again.
            self._warnings += ["service %r: the host did not apply %s; the next run will try again"
                               % (name, c.describe()) for c in differences(desired, after)]
