# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_nssm: the service spec made true on Windows by wrapping the program with NSSM.

Runs on the controller and reaches the host through the task's own connection. One round
trip reads everything; nssm.exe is shipped only when missing or different (to a temporary
name, then moved into place); one round trip runs every nssm install/set/reset; start, stop
and restart go through sc.exe with polling (``nssm start`` reports a service that is still
starting as a failure); a last round trip reads the result back.
"""
from __future__ import annotations

import ntpath
import os
import re
import secrets
import tempfile
from typing import Any, Dict, List, Optional, Tuple

from ansible.errors import AnsibleActionFail, AnsibleError

from ansible_collections.svcwright.services.plugins.module_utils._nssm_output import interpret_nssm
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import builtin, parse_certutil
from ansible_collections.svcwright.services.plugins.module_utils._nssm_plan import (
    file_exists_argv,
    Desired,
    Observed,
    ObserveError,
    PlanError,
    observed_parameters,
    parse_directory_exists,
    parse_file_exists,
    plan_changes,
    read_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._nssm_render import (
    DEFAULT_NSSM_PATH,
    STOP_METHOD_BITS,
    NssmParameters,
    image_path_argv,
    install_argv,
    log_directories,
    lossy_parameters,
    nssm_options,
    remove_argv,
    render_parameters,
    same_value,
    set_argv,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_output import ScServiceStatus
from ansible_collections.svcwright.services.plugins.module_utils._spec import (
    ServiceSpec,
    SpecError,
    build_spec,
    spec_argument_spec,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_plan import Change
from ansible_collections.svcwright.services.plugins.module_utils._win_account import (
    PASSWORD_OPTIONS,
    fingerprint_delete_argv,
    fingerprint_set_argv,
    needs_password,
    parse_fingerprint,
    refuse_needless_password,
    stored_fingerprint,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import (
    build_image_path,
    split_image_path,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_registry import (
    parse_service_registry,
    service_registry_argv,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_service_state import (
    RUNTIME_ACTIONS,
    runtime_after,
    runtime_before,
    status_dict,
)
from ansible_collections.svcwright.services.plugins.plugin_utils._action_base import PasswordAction
from ansible_collections.svcwright.services.plugins.plugin_utils._go_build_cache import file_sha256
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult, WinRunner
from ansible_collections.svcwright.services.plugins.plugin_utils._win_service_ops import (
    missing_prerequisites,
    prerequisite_argvs,
    ServiceOpError,
    query_argvs,
    restart_service,
    start_service,
    status_from,
    stop_service,
)

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
CONFIG_ACTIONS = ("create_directory", "install", "set", "reset", "set_fingerprint", "delete_fingerprint")


def argument_spec() -> Dict[str, Any]:
    spec = spec_argument_spec()
    spec.update(
        nssm_binary=dict(type="path"),
        nssm_sha256=dict(type="str"),
        nssm_path=dict(type="str", default=DEFAULT_NSSM_PATH),
        **PASSWORD_OPTIONS,
        log_rotation=dict(
            type="dict",
            options=dict(
                files=dict(type="bool"),
                online=dict(type="bool"),
                bytes=dict(type="int"),
                seconds=dict(type="int"),
            ),
        ),
        exit_actions=dict(type="dict"),
        throttle=dict(type="float", default=1.5),
        stop_methods=dict(type="list", elements="str", choices=list(STOP_METHOD_BITS),
                          default=list(STOP_METHOD_BITS)),
        kill_process_tree=dict(type="bool", default=True),
    )
    return spec


def stop_deadline(spec: ServiceSpec, stop_methods: List[str]) -> float:
    """NSSM waits stop_timeout after each graceful method that reaches the program."""
    graceful = len([m for m in stop_methods if m != "terminate"])
    return spec.stop_timeout * graceful + spec.wait_timeout


class ActionModule(PasswordAction):
    TRANSFERS_FILES = True
    ARGUMENT_SPEC = argument_spec()

    # -- inputs -----------------------------------------------------------------------------
    def _nssm_source(self, params: Dict[str, Any], name: str) -> Tuple[Optional[str], str]:
        """The controller's nssm.exe (None when not given) and the SHA-256 the host must have."""
        pin = (params.get("nssm_sha256") or "").strip().lower()
        if pin and not _HEX64.match(pin):
            raise self._service_refusal(name, "nssm_sha256 %r is not a SHA-256 (64 hex digits)."
                                        % params["nssm_sha256"])
        local = params.get("nssm_binary")
        if local:
            try:
                local = self._find_needle("files", local)
            except AnsibleError:
                raise self._service_refusal(name, "nssm_binary %s does not exist on the controller. Give the path of "
                                                  "nssm.exe (e.g. from the nssm-2.24 zip, win64\\nssm.exe)." % local)
            actual = file_sha256(local)
            if pin and actual != pin:
                raise self._service_refusal(name, "nssm_binary %s has SHA-256 %s, but nssm_sha256 pins %s. Nothing was "
                                                  "changed. Use the pinned file, or update the pin." % (local, actual, pin))
            return local, actual
        if not pin:
            raise self._service_refusal(name, "give nssm_binary (the nssm.exe to ship), or nssm_sha256 to use the nssm.exe "
                                              "already at nssm_path.")
        return None, pin

    # -- the run ----------------------------------------------------------------------------
    def _run_task(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        name = params["name"]
        self._secret = self._secret or None
        try:
            spec = build_spec(params, backend="nssm")
            opts = nssm_options(name, params)
            desired_params = render_parameters(spec, opts) if spec.state != "absent" else None
            if desired_params is not None:
                refuse_needless_password(name, str(desired_params.values["ObjectName"]), self._secret)
        except SpecError as exc:
            raise self._refusal(str(exc))
        warnings: List[str] = []

        local_nssm, want_sha = (None, "") if spec.state == "absent" else self._nssm_source(params, name)
        self._nssm_path = opts.nssm_path
        runner = WinRunner(self, task_vars)
        observed, checked_by = self._observe(runner, spec, opts.nssm_path)
        problems = list(self._missing)
        if observed.command_present is False and spec.state in ("started", "restarted"):
            problems.insert(0, "command %s does not exist on the host; the service could not start. Ship the "
                               "program before this task." % spec.command)
        if problems and not self._task.check_mode:
            raise self._service_refusal(name, " ".join(problems) + " Nothing was changed.")
        warnings += ["service %r: %s" % (name, p) for p in problems]

        desired = Desired(name=name, state=spec.state, parameters=desired_params, nssm_path=opts.nssm_path,
                          nssm_sha256=want_sha, password=self._secret, update_password=params["update_password"])
        try:
            changes = plan_changes(desired, observed)
        except SpecError as exc:
            raise self._refusal(str(exc))
        except (PlanError, ObserveError) as exc:
            raise self._service_refusal(name, str(exc))
        install = next((c for c in changes if c.action == "install_nssm"), None)
        if install is not None and local_nssm is None:
            raise self._service_refusal(name, "nssm.exe at %s must be (re)installed (%s), but nssm_binary is not given. Nothing "
                                              "was changed." % (opts.nssm_path, install.reason))

        before = observed_parameters(observed.config) if observed.config is not None and observed.exists else None
        if before is not None and desired_params is not None:
            lossy = lossy_parameters(desired_params, before)
            if lossy:
                warnings.append("service %r: the host printed %s with characters its code page lacks (as '?', "
                                "look-alikes or undecodable bytes); those characters could not be compared."
                                % (name, ", ".join(lossy)))
        result: Dict[str, Any] = dict(
            changed=bool(changes),
            name=name,
            nssm_path=opts.nssm_path,
            nssm_checked_by=checked_by,
            changes=[c.describe() for c in changes],
        )
        if self._task.diff and changes:
            result["diff"] = self._diff(name, before, desired_params, observed.status, changes, spec.state)
        if self._task.check_mode or not changes:
            result.update(parameters=before.as_dict() if before else {}, status=status_dict(observed.status),
                          round_trips=runner.round_trips, warnings=warnings)
            return result

        for change in changes:
            if change.action == "install_nssm":
                self._install_nssm(runner, name, local_nssm or "", opts.nssm_path)
        self._configure(runner, spec, desired_params, observed, changes)
        self._runtime(runner, spec, opts.stop_methods, observed, changes)

        after_config, after_status = self._read_back(runner, spec)
        after = observed_parameters(after_config) if after_config is not None and after_status is not None else None
        if after is not None and desired_params is not None:
            warnings += self._not_kept(name, desired_params, after)
        result.update(parameters=after.as_dict() if after else {}, status=status_dict(after_status),
                      round_trips=runner.round_trips, warnings=warnings)
        return result

    def _observe(self, runner: WinRunner, spec: ServiceSpec, nssm_path: str) -> Tuple[Observed, str]:
        name = spec.name
        present = spec.state != "absent"
        directories = log_directories(spec) if present else []
        reads = read_argvs(name, nssm_path if present else None, spec.command if present else None, directories)
        # The program's own read is among the reads; the dependencies are read in the same round trip.
        checks = prerequisite_argvs(spec, command=False)
        argvs = list(reads.values()) + query_argvs(name) + [argv for _key, argv in checks]
        results = runner.run(argvs)
        by_key: Dict[str, CommandResult] = dict(zip(reads, results))
        self._missing = missing_prerequisites(spec, checks, results[len(argvs) - len(checks):])
        try:
            status = status_from(name, results[len(reads):len(argvs) - len(checks)])
            config = parse_service_registry(by_key["registry"].rc, by_key["registry"].output, name)
        except (ServiceOpError, ObserveError) as exc:
            raise self._service_refusal(name, "%s\nFix the service on the host, or remove it, and run again." % exc)
        if status is not None and config is None:
            raise self._service_refusal(name, "the service exists but its registry key could not be read: %s"
                                        % by_key["registry"].output.strip()[-500:])
        nssm_present, nssm_sha, checked_by = False, None, "none"
        if present:
            nssm_present = parse_file_exists(by_key["nssm_exists"].rc, by_key["nssm_exists"].output)
            nssm_sha = parse_certutil(by_key["nssm_hash"].output)
            checked_by = "certutil" if nssm_sha else "missing"
        if nssm_present and nssm_sha is None:
            # The host gave no hash (Wine's certutil is a stub): compute it here from the bytes.
            nssm_sha = self._fetch_sha256(runner, name, nssm_path)
            checked_by = "fetch"
        command = by_key.get("command_exists")
        observed = Observed(
            name=name,
            config=config,
            status=status,
            fingerprint=parse_fingerprint(by_key["fingerprint"].rc, by_key["fingerprint"].output),
            nssm_present=nssm_present,
            nssm_sha256=nssm_sha,
            command_present=parse_file_exists(command.rc, command.output) if command is not None else None,
            missing_directories=[d for d in directories if not parse_directory_exists(
                d, by_key["directory " + d].rc, by_key["directory " + d].output)],
        )
        return observed, checked_by

    def _fetch_sha256(self, runner: WinRunner, name: str, remote: str) -> str:
        fd, local = tempfile.mkstemp(prefix="svcwright-nssm-")
        os.close(fd)
        try:
            runner.fetch_file(remote, local)
            return file_sha256(local)
        except AnsibleError as exc:
            raise self._service_refusal(name, "cannot read %s to check its SHA-256 (certutil gave none): %s"
                                        % (remote, exc))
        finally:
            os.unlink(local)

    def _diff(self, name: str, before: Optional[NssmParameters], after: Optional[NssmParameters],
              status: Optional[ScServiceStatus], changes: List[Change], state: str) -> List[Dict[str, str]]:
        header = "%s (NSSM parameters)" % name
        after_text = after.text() if after is not None else ""
        if any(c.action == "set_fingerprint" for c in changes):
            after_text += "password: set by this run\n"
        before_text = before.text() if before is not None else ""
        diffs = []
        if before_text != after_text:
            diffs.append(dict(before_header=header, after_header=header, before=before_text, after=after_text))
        if any(c.action == "install_nssm" for c in changes):
            nssm = next(c for c in changes if c.action == "install_nssm")
            diffs.append(dict(before_header=nssm.target, after_header=nssm.target,
                              before="nssm.exe: %s\n" % nssm.reason, after="nssm.exe: the expected one\n"))
        if any(c.action in RUNTIME_ACTIONS for c in changes):
            runtime = "%s (runtime)" % name
            diffs.append(dict(before_header=runtime, after_header=runtime,
                              before=runtime_before(status), after=runtime_after(status, changes, state)))
        return diffs

    # -- writes -----------------------------------------------------------------------------
    def _check(self, name: str, nssm: str, results: List[CommandResult], what: str) -> None:
        """NSSM's outcome from its exit code and words (a reset says so, a stop of a stopped
        service is fine); other programs' from their exit code."""
        for i, res in enumerate(results):
            ok = interpret_nssm(res.rc, res.output).ok if res.argv[0] == nssm else res.rc == 0
            if ok:
                continue
            status = res.rc & 0xFFFFFFFF
            output = res.output.strip()
            if status >= 0xC0000000:
                # An NTSTATUS exit code: the program crashed; what it said first says why.
                crash = "the program crashed with exception 0x%08X%s. " % (
                    status, " (access violation)" if status == 0xC0000005 else "")
                output = output[:600]
            else:
                crash = ""
                output = output[-1500:]
            raise self._service_refusal(name, "%s failed after %d of %d commands: %s\ncommand: %s (rc %s)\noutput: %s\n"
                                              "Fix the cause and run again: the next run plans what is still missing."
                                        % (what, i, len(results), crash, self._shown(res.argv), res.rc, output or "(none)"))

    def _install_nssm(self, runner: WinRunner, name: str, local: str, remote: str) -> None:
        """Ship nssm.exe without ever leaving the path empty or half written: put it beside the
        target under a temporary name, move the old file aside (Windows refuses to overwrite a
        running program's image but lets it be renamed), move the new one in, delete the old one
        when no service still runs it."""
        directory = ntpath.dirname(remote)
        token = secrets.token_hex(4)
        temp = "%s.svcw-new-%s" % (remote, token)
        old = "%s.svcw-old-%s" % (remote, token)
        runner.run_one(builtin("mkdir", directory))
        try:
            runner.put_file(local, temp)
        except AnsibleError as exc:
            raise self._service_refusal(name, "cannot copy nssm.exe to %s: %s" % (temp, exc))
        exists, move_aside, move_in, _cleanup = runner.run([
            file_exists_argv(remote),
            builtin("move", "/y", remote, old),
            builtin("move", "/y", temp, remote),
            builtin("del", "/q", "%s.svcw-old-*" % remote),
        ])
        if parse_file_exists(exists.rc, exists.output) and move_aside.rc != 0:
            raise self._service_refusal(name, "cannot move the old nssm.exe aside: %s (rc %s): %s"
                                        % (self._shown(move_aside.argv), move_aside.rc, move_aside.output.strip()))
        if move_in.rc != 0:
            raise self._service_refusal(name, "cannot move the new nssm.exe into place: %s (rc %s): %s"
                                        % (self._shown(move_in.argv), move_in.rc, move_in.output.strip()))

    def _configure(self, runner: WinRunner, spec: ServiceSpec, params: Optional[NssmParameters],
                   observed: Observed, changes: List[Change]) -> None:
        name = spec.name
        config = [c for c in changes if c.action in CONFIG_ACTIONS]
        if not config:
            return
        nssm = self._nssm_for(spec, observed)
        argvs: List[List[str]] = []
        for change in config:
            if change.action == "create_directory":
                argvs.append(builtin("mkdir", change.target))
            elif change.action == "install":
                argvs.append(install_argv(nssm, name, spec.command or ""))
            elif change.target == "ImagePath":
                argvs.append(image_path_argv(nssm, name, build_image_path(nssm)))
            elif change.action in ("set", "reset") and params is not None:
                password = self._secret if change.target == "ObjectName" and needs_password(
                    str(params.values["ObjectName"])) else None
                argvs.append(set_argv(nssm, name, change.target, params, password))
            elif change.action == "delete_fingerprint":
                argvs.append(fingerprint_delete_argv(name))
        if argvs:
            self._check(name, nssm, runner.run(argvs), "the configuration")
        if any(c.action == "set_fingerprint" for c in config):
            # Only once NSSM has taken the password: a batch runs on after a failed command,
            # and a fingerprint of a password that was never set would hide it from the next run.
            self._check(name, nssm, [runner.run_one(fingerprint_set_argv(name, stored_fingerprint(self._secret or "")))],
                        "recording the password fingerprint")

    def _nssm_for(self, spec: ServiceSpec, observed: Observed) -> str:
        """nssm_path, except for removal: the nssm.exe the service runs, which is sure to be there."""
        if spec.state == "absent" and observed.config is not None and observed.config.image_path:
            return split_image_path(observed.config.image_path).exe
        return self._nssm_path

    def _runtime(self, runner: WinRunner, spec: ServiceSpec, stop_methods: Tuple[str, ...], observed: Observed,
                 changes: List[Change]) -> None:
        name = spec.name
        display = spec.display_name or name
        stop_s = stop_deadline(spec, list(stop_methods))
        try:
            for change in changes:
                if change.action == "start":
                    start_service(runner, name, spec.wait_timeout, display)
                elif change.action == "stop":
                    stop_service(runner, name, stop_s, display)
                elif change.action == "restart":
                    restart_service(runner, name, max(stop_s, spec.wait_timeout), display)
                elif change.action == "remove":
                    self._remove(runner, spec, observed)
        except ServiceOpError as exc:
            raise AnsibleActionFail(str(exc))

    def _remove(self, runner: WinRunner, spec: ServiceSpec, observed: Observed) -> None:
        name = spec.name
        nssm = self._nssm_for(spec, observed)
        results = runner.run([remove_argv(nssm, name)] + query_argvs(name))
        self._check(name, nssm, results[:1], "nssm remove")
        if status_from(name, results[1:]) is not None:
            # Removed but still open somewhere (sc delete semantics): it goes when the last handle closes.
            raise self._service_refusal(name, "nssm removed the service, but the SCM still lists it (a program holds a "
                                              "handle to it, e.g. services.msc). It disappears when that program closes it.")

    def _read_back(self, runner: WinRunner, spec: ServiceSpec) -> Tuple[Any, Optional[ScServiceStatus]]:
        results = runner.run([service_registry_argv(spec.name)] + query_argvs(spec.name))
        try:
            status = status_from(spec.name, results[1:])
            config = parse_service_registry(results[0].rc, results[0].output, spec.name)
        except (ServiceOpError, ObserveError) as exc:
            raise self._service_refusal(spec.name, "the changes were made, but reading them back failed: %s" % exc)
        return config, status

    @staticmethod
    def _not_kept(name: str, desired: NssmParameters, after: NssmParameters) -> List[str]:
        """Values the host accepted but does not report back (Wine drops the delayed start)."""
        warnings = []
        for key, want in desired.values.items():
            have = after.values.get(key)
            if not same_value(key, want, have):
                warnings.append("service %r: %s was set to %r, but the host reports %r; the next run will set it "
                                "again." % (name, key, want, have))
        if desired.app_exit != after.app_exit:
            warnings.append("service %r: AppExit was set to %r, but the host reports %r."
                            % (name, desired.app_exit, after.app_exit))
        return warnings
