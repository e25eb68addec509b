# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""release: ship an artifact as a release, activate it, roll back, keep N.

Runs on the controller. The checksum of the artifact is computed here (once per host and
task, from the controller's file: nothing is downloaded or unpacked in a place that hosts
share). The host is chosen by the connection's shell:

* Linux: the module of the same name reads and changes the host. One module run when
  nothing is shipped; otherwise a first run plans and makes the upload directory, the file
  is uploaded into it, and a second run checks the checksum and carries the plan out.
* Windows: batches of cmd.exe built-ins and certutil through WinRunner (see the module's
  notes for the round trips), and sc.exe to stop the service before `current` moves.
"""
from __future__ import annotations

import os
import secrets
import tempfile
import time
from typing import Any, Dict, List, Optional, Tuple

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.utils.display import Display

from ansible_collections.svcwright.services.plugins.module_utils._spec import NSSM, SC, SPEC_KEYS, ServiceSpec, SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._release_definition import (
    DEFINITION_FILE,
    DefinitionError,
    decode_definition,
    encode_definition,
    storable,
)
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import (
    HostState,
    definition_read_argv,
    CMD_BUILTIN,
    REQUIRED_IF,
    RELEASE_OPTIONS,
    Plan,
    ReleaseError,
    Request,
    Summary,
    EXISTS_WORD,
    builtin,
    certutil,
    check_base,
    check_dest_name,
    check_keep,
    check_service,
    check_sha256,
    check_version,
    incoming_name,
    parse_certutil,
    parse_windows_inspect,
    plan_release,
    win_path,
    windows_apply_argvs,
    windows_created,
    windows_inspect_argvs,
    windows_mkdir_argvs,
    windows_readback,
    windows_readback_argvs,
    windows_restore_argvs,
    windows_unmake_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._artifact_url import (
    URL_OPTIONS,
    Fetch,
    UrlProblem,
    check_fetch,
    check_windows_base,
    curl_probe_argv,
    has_curl,
    name_from_url,
    windows_fetch,
)
from ansible_collections.svcwright.services.plugins.module_utils._option_values import OptionProblem, plain_options
from ansible_collections.svcwright.services.plugins.module_utils._values import ValueProblem
from ansible_collections.svcwright.services.plugins.plugin_utils._action_base import RefusingAction
from ansible_collections.svcwright.services.plugins.plugin_utils._go_build_cache import file_sha256
from ansible_collections.svcwright.services.plugins.plugin_utils._platform import is_windows
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._service_args import argument_spec as service_argument_spec
from ansible_collections.svcwright.services.plugins.plugin_utils._service_args import systemd_args
from ansible_collections.svcwright.services.plugins.module_utils._verify import (
    OPTION_RULES as VERIFY_RULES,
    VerifyError,
    options_from_params as verify_options,
)
from ansible_collections.svcwright.services.plugins.module_utils._verify import argument_spec as verify_argument_spec
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult, WinRunner
from ansible_collections.svcwright.services.plugins.plugin_utils._win_service_ops import (
    ServiceOpError,
    missing_prerequisites,
    prerequisite_argvs,
    query_argvs,
    status_from,
    stop_service,
)

display = Display()

MODULE = "svcwright.services.release"
# How long a Windows service may take to stop before the activation gives up.
STOP_DEADLINE_S = 120.0


def sha256_of(path: str) -> str:
    try:
        return file_sha256(path)
    except OSError as exc:
        raise ReleaseError("src: cannot read %s on the controller: %s. Make it readable by the user running "
                           "Ansible." % (path, exc.strerror or exc))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _shown(argv: List[str]) -> str:
    """A command as a reader knows it: a built-in without the cmd.exe that runs it."""
    return " ".join(argv[len(CMD_BUILTIN):] if argv[:len(CMD_BUILTIN)] == CMD_BUILTIN else argv)


def _failed_output(results: List[CommandResult]) -> str:
    lines = ["%s (rc %s): %s" % (_shown(r.argv), r.rc, r.output.strip()[-500:] or "no output")
             for r in results if r.rc != 0 or r.output.strip()]
    return "\n".join(lines) or "(every command reported success)"


class ActionModule(RefusingAction):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(RELEASE_OPTIONS)
    _supports_check_mode = True
    _supports_async = False

    def _run(self, result: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        self._task_vars = task_vars
        windows = is_windows(self)
        self._windows = windows
        raw = self._task.args
        # Everything knowable is checked here, before the first command on the host.
        try:
            args = plain_options(RELEASE_OPTIONS, raw)
        except OptionProblem as exc:
            raise AnsibleActionFail(self._label(raw.get("base"), raw.get("version")) + str(exc))
        params = validate_args(self, RELEASE_OPTIONS, args,
                               required_if=REQUIRED_IF + [["state", "present", ["src", "url"], True],
                                                          ["state", "active", ["src", "url"], True]],
                               mutually_exclusive=[["src", "url"]],
                               required_by=dict(url=["sha256"], headers=["url"], url_username=["url"],
                                                url_password=["url_username"]))
        self._params = params
        label = self._label(params["base"], params["version"])
        try:
            self._base = check_base(params["base"], windows)
            version = check_version(params["version"]) if params["version"] is not None else None
            src = params["src"]
            self._fetch: Optional[Fetch] = None
            if params["url"] is not None:
                self._fetch = check_fetch(params)
                if windows:
                    check_windows_base(self._base)
            if params["dest_name"] is not None:
                self._dest_name: Optional[str] = check_dest_name(params["dest_name"], windows)
            elif src:
                self._dest_name = check_dest_name(os.path.basename(src), windows,
                                                  "dest_name (the file name of src, as none is given)")
            elif self._fetch is not None:
                self._dest_name = check_dest_name(name_from_url(self._fetch.url), windows,
                                                  "dest_name (the file name the URL's path ends with, as none is "
                                                  "given)")
            else:
                self._dest_name = None
            keep = check_keep(params["keep"])
            service = check_service(params["service"]) if windows and params["service"] is not None else None
            declared = check_sha256(params["sha256"]) if params["sha256"] is not None else None
            self._local: Optional[str] = None
            sha256 = None
            if params["state"] in ("present", "active") and self._fetch is not None:
                # What the host downloads is checked against the declared checksum there.
                sha256 = declared
            elif params["state"] in ("present", "active"):
                local = self._local_src()
                sha256 = sha256_of(local)
                if declared is not None and declared != sha256:
                    raise ReleaseError(
                        "sha256: the task declares %s, but src %s has sha256 %s. Give the checksum of this file, or "
                        "the file of this checksum. Nothing was sent to the host." % (declared, local, sha256))
            definition = storable(params["definition"]) if params["definition"] is not None else None
            if params["verify"] is not None:
                params["verify"] = self._checked_verify(params["verify"])
            self._request = Request(params["state"], version, self._dest_name, sha256, keep, service, definition)
            result.update(self._run_windows() if windows else self._run_linux())
            if windows and params["verify"] is not None:
                result["serving"] = dict(passed=False, reason="not checked on Windows hosts: the service and verify "
                                                              "tasks check it", verification=None)
        except (ReleaseError, UrlProblem) as exc:
            raise AnsibleActionFail(label + str(exc))
        if sha256 is not None:
            result["sha256"] = sha256
        sep = "\\" if windows else "/"
        result["path"] = sep.join([self._base, "current"] + ([self._dest_name] if self._dest_name else []))
        return result

    def _label(self, base: Any, version: Any) -> str:
        """``host H: release V under B: `` with what of V and B is valid."""
        service = self._task.args.get("service")
        text = "host %s: %srelease" % (self._svcw_host, "service %r: " % service if isinstance(service, str) else "")
        checks = ((check_version, version, " %s"), (lambda v: check_base(v, self._windows), base, " under %s"))
        for check, value, fmt in checks:
            if value is None:
                continue
            try:
                text += fmt % check(value)
            except (ReleaseError, ValueProblem, TypeError):
                continue
        return text + ": "

    def _local_src(self) -> str:
        """The artifact on the controller, looked up like copy's src; found once per task."""
        if self._local is None:
            src = self._params["src"]
            try:
                local = self._find_needle("files", src)
            except AnsibleError as exc:
                raise ReleaseError("src: %s is not on the controller (%s). Give the path of the built artifact."
                                   % (src, _first_line(exc)))
            if not os.path.isfile(local):
                raise ReleaseError("src: %s is not a file on the controller. Give the path of the built artifact."
                                   % local)
            self._local = local
        return self._local

    @staticmethod
    def _returns(before: Summary, after: Summary, changes: List[str], transferred: bool) -> Dict[str, Any]:
        return dict(changed=bool(changes), changes=changes, active=after.active, previous=after.previous,
                    releases=list(after.releases), activated=before.active != after.active, transferred=transferred)

    def _diff(self, before: Summary, after: Summary) -> Dict[str, str]:
        header = "release under %s" % self._base
        return dict(before_header=header, after_header=header, before=before.text(), after=after.text())

    # -- Linux --------------------------------------------------------------------------------------
    def _module(self, **extra: Any) -> Dict[str, Any]:
        req = self._request
        args: Dict[str, Any] = dict(base=self._base, version=req.version, dest_name=self._dest_name, sha256=req.sha256,
                                    state=req.state, keep=req.keep, _host=self._svcw_host)
        if req.definition is not None:
            args["definition"] = req.definition
        if self._fetch is not None:
            args.update({k: self._params[k] for k in URL_OPTIONS if self._params[k] is not None})
        args.update(extra)
        res = self._execute_module(module_name=MODULE, module_args=args, task_vars=self._task_vars)
        if res.get("failed"):
            raise _ModuleFailed(res)
        return res

    def _checked_verify(self, value: Any) -> Dict[str, Any]:
        """The verify settings, checked as the verify task checks them: a bad value is refused
        here, before anything reaches the host, not taken for a service that is not serving."""
        if not isinstance(value, dict):
            raise ReleaseError("verify must be a dictionary of verify options, got %s. Give the options of "
                               "svcwright.services.verify, for example {name: web, probe: {type: http, url: ...}}."
                               % type(value).__name__)
        try:
            args = plain_options(verify_argument_spec(), value, VERIFY_RULES)
        except OptionProblem as exc:
            raise ReleaseError("verify: %s" % exc)
        checked = validate_args(self, verify_argument_spec(), args)
        try:
            verify_options(checked, self._windows)
        except VerifyError as exc:
            raise ReleaseError("verify: %s" % exc)
        return {k: v for k, v in args.items() if v is not None}

    def _serving_args(self) -> Dict[str, Any]:
        """With verify and a definition: what the module needs to tell, in its first run,
        whether an active release's service is already serving (see _serving.py)."""
        req, check = self._request, self._params["verify"]
        if check is None or req.definition is None or req.state != "active":
            return {}
        try:
            params = validate_args(self, service_argument_spec(), dict(req.definition))
        except AnsibleActionFail:
            # The service task reports it, with its own words.
            return {}
        return dict(_serving=dict(unit=systemd_args(params, self._svcw_host), verify=dict(check)))

    def _run_linux(self) -> Dict[str, Any]:
        try:
            first = self._module(**self._serving_args())
            final = first
            upload_dir = first.get("upload_dir")
            if upload_dir:
                final = self._upload_and_finish(upload_dir, list(first.get("created_dirs") or []))
        except _ModuleFailed as exc:
            return exc.result
        before, after = Summary(**first["before"]), Summary(**final["after"])
        out = self._returns(before, after, final["changes"], bool(first["transferred"]))
        out.update(definition=final.get("definition"), previous_definition=final.get("previous_definition"))
        if self._params["verify"] is not None:
            out["serving"] = first.get("serving") or dict(passed=False, reason=self._not_checked(first), verification=None)
        if self._task.diff:
            out["diff"] = self._diff(before, after)
        if first.get("warnings") or final.get("warnings"):
            out["warnings"] = list(dict.fromkeys((first.get("warnings") or []) + (final.get("warnings") or [])))
        return out

    def _not_checked(self, first: Dict[str, Any]) -> str:
        if self._request.state != "active" or self._request.definition is None:
            return "not checked: it needs state=active and a definition"
        return "not checked: the release had changes to make" if first.get("changes") else (
            "not checked: the definition's service options do not validate")

    def _upload_and_finish(self, upload_dir: str, created: List[str]) -> Dict[str, Any]:
        local = self._local_src()
        incoming = upload_dir.rstrip("/").rsplit("/", 1)[-1]
        finish = dict(_incoming=incoming, _created=created)
        if getattr(self._connection, "become", None) is None:
            self._put(local, upload_dir + "/" + (self._dest_name or ""), upload_dir, finish)
            return self._module(**finish)
        # The connecting user may not write where the become user made the upload directory:
        # go through Ansible's temporary directory, which the module copies from.
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
        remote = self._connection._shell.join_path(tmpdir, "release-artifact")
        finish["_upload_src"] = remote
        try:
            self._put(local, remote, upload_dir, finish)
            return self._module(**finish)
        finally:
            self._remove_tmp_path(tmpdir)

    def _put(self, local: str, remote: str, upload_dir: str, finish: Dict[str, Any]) -> None:
        try:
            self._transfer_file(local, remote)
        except AnsibleError as exc:
            # The module's second run finds the upload missing or incomplete and removes it,
            # with the directories made for it.
            try:
                self._module(**finish)
                cleaned = "The upload directory %s was not used: the host is as it was." % upload_dir
            except _ModuleFailed as failed:
                msg = str(failed.result.get("msg", ""))
                cleaned = ("The upload directory %s was deleted: nothing was shipped or activated." % upload_dir
                           if "upload was deleted" in msg else
                           "Removing the upload directory %s failed too (%s); a later run deletes it once it is an "
                           "hour old." % (upload_dir, msg.strip() or "no message"))
            except AnsibleError as again:
                cleaned = ("The host could not be reached to delete the upload directory %s (%s); a later run "
                           "deletes it once it is an hour old." % (upload_dir, _first_line(again)))
            raise ReleaseError("the upload of %s to %s failed: %s. %s"
                               % (local, remote, _first_line(exc), cleaned))

    # -- Windows ------------------------------------------------------------------------------------
    def _run_windows(self) -> Dict[str, Any]:
        req = self._request
        base = self._base
        runner = WinRunner(self, self._task_vars)
        argvs = windows_inspect_argvs(base, req.version, self._dest_name)
        if req.service:
            argvs += query_argvs(req.service)
        # What the definition's service needs on the host, read in the same round trip.
        self._prereq_spec, prereqs = self._definition_prerequisites()
        argvs += [argv for _key, argv in prereqs]
        # The definitions of the active release and of the requested one, in the same round trip.
        def_reads: List[Tuple[Optional[str], List[str]]] = [(None, definition_read_argv(win_path(base, "current")))]
        if req.version is not None:
            def_reads.append((req.version, definition_read_argv(win_path(base, "releases", req.version))))
        argvs += [argv for _v, argv in def_reads]
        # Whether the host has curl.exe to fetch with, asked in the same round trip.
        probe = self._fetch is not None and req.state in ("present", "active")
        self._curl = False
        if probe:
            argvs.append(curl_probe_argv())
        results = runner.run(argvs)
        if probe:
            last = results.pop()
            argvs.pop()
            self._curl = has_curl(last.rc, last.output)
        self._def_reads = def_reads
        count = len(argvs) - len(def_reads) - len(prereqs) - (2 if req.service else 0)
        prereq_results = results[count + (2 if req.service else 0):len(argvs) - len(def_reads)]
        inspect = parse_windows_inspect(base, req.version, self._dest_name, [(r.rc, r.output) for r in results[:count]])
        state = inspect.state
        if req.service:
            try:
                status = status_from(req.service, results[count:count + 2])
            except ServiceOpError as exc:
                raise ReleaseError(str(exc))
            state.service_running = status is not None and not status.stopped
        if inspect.target_path is not None and not inspect.target_hashed:
            state.target_sha256 = self._hash_by_fetching(runner, inspect.target_path)
        self._read_definitions(runner, state, results[len(argvs) - len(def_reads):])
        now = time.time()
        plan = plan_release(state, req, now)
        problems = (missing_prerequisites(self._prereq_spec, prereqs, prereq_results)
                    if self._prereq_spec is not None and (plan.ship or plan.activate) else [])
        if problems and not self._task.check_mode:
            raise ReleaseError("the release's service definition cannot run on this host, so nothing was shipped or "
                               "activated: %s" % " ".join(problems))
        changes = [c.describe() for c in plan.changes]
        out = self._returns(plan.before, plan.after, changes, plan.ship is not None)
        out.update(definition=plan.active_definition, previous_definition=plan.previous_definition)
        if self._task.diff:
            out["diff"] = self._diff(plan.before, plan.after)
        if inspect.warnings or problems:
            out["warnings"] = inspect.warnings + problems
        if plan.changes and not self._task.check_mode:
            self._apply_windows(runner, plan, now)
        out["round_trips"] = runner.round_trips
        return out

    def _definition_prerequisites(self) -> Tuple[Optional[ServiceSpec], List[Tuple[str, List[str]]]]:
        """The definition's spec for its Windows backend, and the reads of what it needs (the
        program is this release's own artifact, so it is not read)."""
        definition = self._request.definition
        if definition is None or self._request.state not in ("present", "active"):
            return None, []
        backend = NSSM if definition.get("windows_manager") == "nssm" else SC
        try:
            spec = build_spec({k: v for k, v in definition.items() if k in SPEC_KEYS}, backend)
        except SpecError as exc:
            raise ReleaseError("definition: not a valid service spec for this host: %s" % exc) from None
        return spec, prerequisite_argvs(spec, command=False)

    def _read_definitions(self, runner: WinRunner, state: HostState, results: List[CommandResult]) -> None:
        """The recorded definitions: the active release's (in current), the requested one's,
        and for a rollback to the previous release, the previous one's (one more read)."""
        for (version, _argv), res in zip(self._def_reads, results):
            where = version or state.active
            if where is not None and (version is None or version != state.active):
                state.definitions[where] = self._decode(res, where)
        req = self._request
        if req.state == "rolled_back" and req.version is None:
            previous = state.record.now.previous if state.record.now.active == state.active else None
            if previous is None and state.record.before is not None and state.record.before.active == state.active:
                previous = state.record.before.previous
            if previous is not None and previous in state.releases and previous not in state.definitions:
                res = runner.run_one(definition_read_argv(win_path(self._base, "releases", previous)))
                state.definitions[previous] = self._decode(res, previous)

    def _decode(self, res: CommandResult, version: str) -> Optional[Dict[str, Any]]:
        try:
            return decode_definition(res.output if res.rc == 0 else None, "the definition of release %s" % version)
        except DefinitionError as exc:
            raise ReleaseError(str(exc)) from None

    def _put_definition(self, runner: WinRunner, directory: str) -> None:
        """The definition file of a release, uploaded into its directory."""
        fd, local = tempfile.mkstemp(prefix="svcwright-definition-")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(encode_definition(self._request.definition or {}))
            runner.put_file(local, win_path(directory, DEFINITION_FILE))
        finally:
            os.unlink(local)

    def _hash_by_fetching(self, runner: WinRunner, remote: str) -> str:
        """The checksum of a file on a host whose certutil cannot hash: fetched and hashed here."""
        display.vvv("certutil gave no SHA-256 for %s: fetching the file to hash it on the controller" % remote,
                    host=self._svcw_host)
        fd, local = tempfile.mkstemp(prefix="svcwright-release-")
        os.close(fd)
        try:
            runner.fetch_file(remote, local)
            return sha256_of(local)
        except AnsibleError as exc:
            raise ReleaseError("cannot read the checksum of %s: certutil printed none, and fetching the file failed: %s"
                               % (remote, exc))
        finally:
            os.unlink(local)

    def _fail_windows(self, what: str, results: List[CommandResult]) -> ReleaseError:
        return ReleaseError("%s\ncommands and their output:\n%s" % (what, _failed_output(results)))

    def _apply_windows(self, runner: WinRunner, plan: Plan, now: float) -> None:
        req = self._request
        base = self._base
        releases = win_path(base, "releases")
        incoming = None
        created: List[str] = []
        if plan.ship is not None:
            incoming = incoming_name(plan.ship, now, secrets.token_hex(4))
            created = self._ship_windows(runner, incoming)
        stopped = any(c.action == "stop_service" for c in plan.changes)
        if stopped:
            try:
                stop_service(runner, req.service or "", STOP_DEADLINE_S)
            except ServiceOpError as exc:
                if incoming is not None:
                    runner.run(windows_unmake_argvs(base, incoming, created))
                raise ReleaseError("%s\nNothing was shipped or activated." % exc)
        if plan.define is not None and req.definition is not None:
            where = "current" if plan.define == plan.before.active else None
            try:
                self._put_definition(runner, win_path(base, where) if where else win_path(releases, plan.define))
            except AnsibleError as exc:
                raise ReleaseError("cannot record the service definition of release %s: %s"
                                   % (plan.define, _first_line(exc)))
        argvs = windows_apply_argvs(base, plan, incoming, secrets.token_hex(4))
        results = runner.run(argvs + windows_readback_argvs(base))
        got = windows_readback([(r.rc, r.output) for r in results[-2:]])
        if plan.ship is not None and plan.ship not in got.releases:
            raise self._fail_windows("release %s did not arrive in %s." % (plan.ship, releases), results)
        if got.active != plan.after.active:
            hint = ("A program may still run from %s: give the service's name in service, so that it is stopped "
                    "first." % win_path(base, "current")) if not req.service else ""
            if stopped:
                hint += "\nThe service %s was stopped for the swap and is left stopped." % req.service
            if got.active is None and plan.before.active is not None:
                restored = windows_readback([(r.rc, r.output) for r in runner.run(
                    windows_restore_argvs(base, plan.before.active) + windows_readback_argvs(base))[-2:]])
                hint += "\n%s was moved back into current: %s is active." % (plan.before.active, restored.active or "nothing")
            raise self._fail_windows("activating %s failed: %s is active.%s" % (
                plan.after.active, got.active or "nothing", "\n" + hint.strip() if hint.strip() else ""), results)
        left = sorted(set(got.releases) - set(plan.after.releases))
        if left:
            self._warn("could not remove %s from %s (a file in use?); the next run tries again:\n%s"
                       % (", ".join(left), releases, _failed_output(results)))

    def _ship_windows(self, runner: WinRunner, incoming: str) -> List[str]:
        """Upload into a directory of its own and check the checksum there; return the
        directories made for it. A refused upload is removed with them."""
        req = self._request
        base = self._base
        directory = win_path(base, "releases", incoming)
        remote = win_path(directory, self._dest_name or "")
        res = runner.run(windows_mkdir_argvs(base, incoming))
        created = windows_created(base, [(r.rc, r.output) for r in res[:-1]])
        if res[-1].rc != 0:
            runner.run(windows_unmake_argvs(base, incoming, created))
            raise self._fail_windows("cannot create the upload directory %s. Nothing was shipped or activated."
                                     % directory, res[-1:])
        if self._fetch is not None:
            got = self._fetch_windows(runner, directory, remote, incoming, created)
        else:
            try:
                runner.put_file(self._local_src(), remote)
                got = parse_certutil(runner.run_one(certutil(remote)).output) or self._hash_by_fetching(runner, remote)
            except (AnsibleError, ReleaseError) as exc:
                self._unmake_windows(runner, incoming, created)
                raise ReleaseError("the upload of %s to %s failed: %s. Nothing was shipped or activated, and the "
                                   "upload was deleted." % (self._local_src(), remote, _first_line(exc)))
        if got != req.sha256:
            self._unmake_windows(runner, incoming, created)
            came = ("downloaded %s has sha256 %s, but %s was expected: the download was incomplete, or the URL serves "
                    "another file" if self._fetch is not None else
                    "uploaded %s has sha256 %s, but %s was expected: the upload was corrupted on the way")
            raise ReleaseError(("the " + came + ". Nothing was shipped or activated, and the %s was deleted. Run the "
                                "task again.") % (remote, got, req.sha256,
                                                  "download" if self._fetch is not None else "upload"))
        if req.definition is not None:
            try:
                self._put_definition(runner, directory)
            except AnsibleError as exc:
                self._unmake_windows(runner, incoming, created)
                raise ReleaseError("the upload of the service definition to %s failed: %s. Nothing was shipped or "
                                   "activated, and the upload was deleted." % (directory, _first_line(exc)))
        return created

    def _fetch_windows(self, runner: WinRunner, directory: str, remote: str, incoming: str,
                       created: List[str]) -> Optional[str]:
        """The host downloads the artifact into the upload directory: the request file goes there
        (secrets stay off the command line), then one batch runs the download, deletes the
        request file and hashes what came. The SHA-256 of the download, or None."""
        fetch = self._fetch
        if fetch is None:
            raise ReleaseError("internal error: no download request")
        request, text, argv = windows_fetch(fetch, directory, self._dest_name or "", self._curl)
        tool = "curl.exe" if self._curl else "PowerShell (the host has no curl.exe)"
        fd, local = tempfile.mkstemp(prefix="svcwright-fetch-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            runner.put_file(local, request)
            fetched, deleted, arrived, hashed = runner.run([argv, builtin("del", "/f", "/q", request),
                                                            builtin("if", "exist", remote, "echo", EXISTS_WORD),
                                                            certutil(remote)])
        except AnsibleError as exc:
            self._unmake_windows(runner, incoming, created)
            raise ReleaseError("the download of %s from %s with %s could not be run: %s. Nothing was shipped or "
                               "activated, and the upload directory was deleted." % (
                                   self._dest_name, fetch.shown, tool, _first_line(exc)))
        finally:
            os.unlink(local)
        if fetched.rc != 0 or deleted.rc != 0 or EXISTS_WORD not in arrived.output:
            self._unmake_windows(runner, incoming, created)
            if fetched.rc != 0:
                what = "rc %s: %s" % (fetched.rc, fetched.output.strip()[-500:] or "no output")
            elif deleted.rc != 0:
                what = "the request file %s could not be deleted: %s" % (request, deleted.output.strip() or "no output")
            else:
                what = "it reported success, but no file arrived at %s (output: %s)" % (
                    remote, fetched.output.strip()[-500:] or "none")
            raise ReleaseError("the download of %s from %s with %s failed: %s\nNothing was shipped or "
                               "activated, and what was downloaded was deleted. Check the URL and that this host can "
                               "reach it, then run the task again." % (self._dest_name, fetch.shown, tool, what))
        try:
            return parse_certutil(hashed.output) or self._hash_by_fetching(runner, remote)
        except ReleaseError:
            self._unmake_windows(runner, incoming, created)
            raise

    def _unmake_windows(self, runner: WinRunner, incoming: str, created: List[str]) -> None:
        try:
            runner.run(windows_unmake_argvs(self._base, incoming, created))
        except AnsibleError as exc:
            self._warn("could not delete the refused upload %s (%s); a later run deletes it once it is an hour old"
                       % (win_path(self._base, "releases", incoming), _first_line(exc)))

    def _warn(self, text: str) -> None:
        display.warning("host %s: release under %s: %s" % (self._svcw_host, self._base, text))


class _ModuleFailed(Exception):
    """A module run failed; its result (with the module's own message) is the task's."""

    def __init__(self, result: Dict[str, Any]) -> None:
        super().__init__(result.get("msg", ""))
        self.result = result
