# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify: prove a service healthy, on the host's platform as the connection's shell tells it.

Linux: the module does everything on the host in one run. When the probe runs from the
controller, the module proves the service running and stable first, then this plugin probes
and, after every attempt, asks ``systemctl show`` again through the connection (raw, no
module), so that a pass still means the same process.

Windows: this plugin polls the SCM through the task's connection (sc.exe queryex and query in
one round trip; for an NSSM service also ``nssm processes``, whose child is the process that
must stay the same). Probes from the host run in the same round trip as the poll after them.
"""
from __future__ import annotations

import base64
import os
import shlex
import shutil
import tempfile
import time
from dataclasses import replace
from typing import Any, Dict, List, Optional, Sequence

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.utils.display import Display

from ansible_collections.svcwright.services.plugins.module_utils._reg_output import (
    ServiceRegistryConfig,
    parse_service_key,
)
from ansible_collections.svcwright.services.plugins.module_utils._option_values import OptionProblem, plain_options
from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import (
    parse_systemctl_show,
    unit_status,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import unit_name
from ansible_collections.svcwright.services.plugins.module_utils._verify import (
    READ_LIMIT,
    UNREADABLE,
    OPTION_RULES,
    Evidence,
    ProbeResult,
    ProbeSpec,
    Sample,
    Verification,
    VerifyError,
    VerifyOptions,
    argument_spec,
    command_result,
    encode_record,
    drive,
    failure_message,
    http_result,
    linux_evidence_script,
    linux_record_command,
    local_probe,
    nssm_app_pid,
    options_from_params,
    parse_linux_evidence,
    record_path,
    sample_from_sc,
    sample_from_unit,
    systemctl_show_command,
    tcp_result,
    verify_record,
)
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import MARKER, builtin, parse_marker, win_path
from ansible_collections.svcwright.services.plugins.module_utils._values import ValueProblem, check_line
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import ps_single_quote, split_image_path
from ansible_collections.svcwright.services.plugins.module_utils._win_registry import SERVICES_KEY
from ansible_collections.svcwright.services.plugins.module_utils._win_text import WinOutputParseError
from ansible_collections.svcwright.services.plugins.plugin_utils._action_base import RefusingAction
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._platform import is_windows
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult, WinRunner
from ansible_collections.svcwright.services.plugins.plugin_utils._win_service_ops import (
    ServiceOpError,
    event_log_tail,
    query_argvs,
    status_from,
)

PS_MARK = "SVCWRIGHT-VERIFY"

# PowerShell 5.1 scripts, run as powershell.exe -EncodedCommand (no quoting to get wrong).
# Every answer is one marker line with base64 UTF-8 text, so console code pages and
# PowerShell's own noise cannot garble it; a host without PowerShell prints no marker.
_PS_HELPERS = """$ProgressPreference = 'SilentlyContinue'
function svcwB64([string]$s) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($s)) }
function svcwWhy($err) { $e = $err.Exception; while ($e.InnerException) { $e = $e.InnerException }; svcwB64 $e.Message }
"""
_PS_CHECK = "'%(mark)s powershell ' + $PSVersionTable.PSVersion.Major\n"
_PS_HTTP = """try {
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor 3072
$req = [Net.WebRequest]::Create(%(url)s)
$req.Timeout = %(ms)d; $req.ReadWriteTimeout = %(ms)d; $req.Proxy = $null
try { $resp = $req.GetResponse() } catch {
$e = $_.Exception
while ($e -ne $null -and -not ($e -is [Net.WebException])) { $e = $e.InnerException }
if ($e -eq $null -or $e.Response -eq $null) { throw }
$resp = $e.Response }
$code = [int]$resp.StatusCode
$body = (New-Object IO.StreamReader($resp.GetResponseStream())).ReadToEnd()
$resp.Close()
if ($body.Length -gt %(limit)d) { $body = $body.Substring(0, %(limit)d) }
'%(mark)s http ' + $code + ' ' + (svcwB64 $body)
} catch { '%(mark)s error ' + (svcwWhy $_) }
"""
_PS_TCP = """try {
$client = New-Object Net.Sockets.TcpClient
$ar = $client.BeginConnect(%(host)s, %(port)d, $null, $null)
if (-not $ar.AsyncWaitHandle.WaitOne(%(ms)d)) { $client.Close(); throw 'timed out' }
$client.EndConnect($ar); $client.Close()
'%(mark)s tcp'
} catch { '%(mark)s error ' + (svcwWhy $_) }
"""
_PS_TAIL = """$i = 0
foreach ($p in @(%(paths)s)) {
try { $t = @(Get-Content -LiteralPath $p -Tail %(lines)d -Encoding UTF8 -ErrorAction Stop) -join "`n"
'%(mark)s tail ' + $i + ' ' + (svcwB64 $t) } catch { '%(mark)s tailerror ' + $i + ' ' + (svcwWhy $_) }
$i++ }
"""


def powershell_argv(script: str) -> List[str]:
    encoded = base64.b64encode((_PS_HELPERS + script).encode("utf-16-le")).decode("ascii")
    return ["powershell.exe", "-NoProfile", "-NonInteractive", "-EncodedCommand", encoded]


def marker_lines(res: CommandResult) -> List[List[str]]:
    """The words of every marker line the scripts above printed."""
    return [line.strip().split()[1:] for line in res.output.splitlines() if line.strip().startswith(PS_MARK + " ")]


def b64text(word: str) -> str:
    return base64.b64decode(word).decode("utf-8", "replace") if word else ""


display = Display()


class ActionModule(RefusingAction):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(argument_spec())
    _supports_check_mode = True

    def _run(self, result: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        windows = is_windows(self)
        # Every value is checked here, before any waiting or command on the host.
        try:
            args = plain_options(argument_spec(), self._task.args, OPTION_RULES)
        except OptionProblem as exc:
            raise AnsibleActionFail("%s%s" % (self._label(self._task.args.get("name")), exc))
        params = validate_args(self, argument_spec(), args)
        try:
            opts = options_from_params(params, windows)
        except VerifyError as exc:
            raise AnsibleActionFail("%s%s" % (self._label(params.get("name")), exc))
        self._t0 = time.monotonic()
        if windows:
            result.update(self._windows(opts, task_vars))
        else:
            result.update(self._linux(params, opts, task_vars))
        return result

    def _label(self, name: Any) -> str:
        """``host H: service 'N': invalid options: `` (the name when it is one line of text)."""
        shown = ""
        if isinstance(name, (str, int)) and not isinstance(name, bool):
            try:
                shown = " %r" % check_line(str(name))
            except ValueProblem:
                pass
        return "host %s: service%s: invalid options: " % (self._svcw_host, shown)

    def _clock(self) -> float:
        return time.monotonic() - self._t0

    def _finish(self, v: Verification, name: str, evidence: Optional[Evidence], extra: Dict[str, Any]
                ) -> Dict[str, Any]:
        result: Dict[str, Any] = dict(changed=False, name=name)
        result.update(v.result())
        result.update(extra)
        result["elapsed"] = round(self._clock(), 2)
        if evidence is not None:
            result.update(failed=True, msg=failure_message(self._svcw_host, name, v, evidence),
                          failure=dict(kind=v.decision.kind, reason=v.decision.reason), log_tails=evidence.log_tails)
        return result

    # -- Linux --------------------------------------------------------------------------------
    def _linux(self, params: Dict[str, Any], opts: VerifyOptions, task_vars: Dict[str, Any]) -> Dict[str, Any]:
        from_controller = opts.probe.enabled and opts.probe.where == "controller"
        args = dict(params, _host=self._svcw_host)
        if from_controller:
            args["probe"] = None
            # The module proves it stable; the result is the one after the probes here.
            args["_record"] = False
        elif opts.probe.enabled:
            args["probe"] = dict(params["probe"], **{"from": "host"})
        res = self._execute_module(module_name="svcwright.services.verify", module_args=args, task_vars=task_vars)
        if res.get("failed") or not from_controller or "status" not in res:
            return res
        try:
            unit = unit_name(opts.name)
        except SpecError as exc:
            raise AnsibleActionFail("host %s: %s" % (self._svcw_host, exc))
        round_trips = [1]

        def take_sample() -> Sample:
            t = self._clock()
            command = "LC_ALL=C SYSTEMD_PAGER= " + " ".join(shlex.quote(a) for a in systemctl_show_command(unit))
            out = self._raw(command, opts.name, round_trips)
            return sample_from_unit(t, unit_status(parse_systemctl_show(out)))

        def take_probe() -> ProbeResult:
            t = self._clock()
            return local_probe(probe, t, v.attempt_timeout(t), self._clock)

        # The module proved it running and stable; carry on from its last sample.
        probe = replace(opts.probe, where="controller")
        v = Verification(replace(opts, stable_for=0.0, probe=probe), probing=True)
        v.add_sample(Sample(t=self._clock(), **res["status"]))
        drive(v, take_sample, take_probe, time.sleep)
        extra = dict(started_at=res.get("started_at"), transitions=res.get("transitions", []) + v.transitions[1:])
        evidence = None
        if v.decision.verdict == "fail":
            script = linux_evidence_script(unit, int(res.get("started_at") or 0), opts.log_lines, opts.logs)
            command = "/bin/sh -c " + shlex.quote(script)
            evidence = parse_linux_evidence(self._raw(command, opts.name, round_trips, check=False), opts.logs)
            extra["journal"] = evidence.journal
        self._record_linux(opts, v, round_trips)
        extra["round_trips"] = round_trips[0]
        return self._finish(v, opts.name, evidence, extra)

    def _record_linux(self, opts: VerifyOptions, v: Verification, round_trips: List[int]) -> None:
        """The record the module would have written, in one shell command (atomic rename)."""
        if self._task.check_mode:
            return
        path = record_path(opts.name, opts.base, windows=False)
        command = linux_record_command(path, self._record_data(opts, v, None), opts.base)
        round_trips[0] += 1
        res = self._low_level_execute_command(command, sudoable=True)
        if res.get("rc") != 0:
            display.warning("host %s: service %r: the result could not be recorded in %s: %s"
                            % (self._svcw_host, opts.name, path, (res.get("stderr") or res.get("stdout") or "").strip()))

    def _record_data(self, opts: VerifyOptions, v: Verification, version: Optional[str]) -> Dict[str, Any]:
        passed = v.decision.verdict == "pass"
        return verify_record(opts.name, time.time(), passed, "" if passed else v.decision.reason,
                             v.last.pid if v.last else None, version)

    def _raw(self, command: str, name: str, round_trips: List[int], check: bool = True) -> str:
        round_trips[0] += 1
        res = self._low_level_execute_command(command, sudoable=True)
        if check and res.get("rc") != 0:
            raise AnsibleActionFail("host %s: service %r: cannot read its state: %s (rc %s): %s"
                                    % (self._svcw_host, name, command, res.get("rc"),
                                       (res.get("stderr") or res.get("stdout") or "").strip()))
        return res.get("stdout") or ""

    # -- Windows ------------------------------------------------------------------------------
    def _windows(self, opts: VerifyOptions, task_vars: Dict[str, Any]) -> Dict[str, Any]:
        runner = WinRunner(self, task_vars)
        name = opts.name
        probe = opts.probe
        # Only an http/tcp probe from the host needs PowerShell; a cmd shell may have none.
        may_probe_on_host = probe.type in ("http", "tcp") and probe.where != "controller"
        check_ps = may_probe_on_host and runner.shell_family == "cmd"
        first = [["reg.exe", "query", SERVICES_KEY + "\\" + name, "/s"]] + query_argvs(name)
        if check_ps:
            first.append(powershell_argv(_PS_CHECK % dict(mark=PS_MARK)))
        recording = self._record_argvs(opts)
        t = self._clock()
        results = runner.run(first + recording)
        recorded = results[len(first):]
        results = results[:len(first)]
        status = self._status(runner, name, results[1:3])
        reg = self._registry(results[0]) if status is not None else None
        has_ps = runner.shell_family == "powershell" or (check_ps and any(
            w[:1] == ["powershell"] for w in marker_lines(results[3])))
        where = self._where(probe, has_ps, name)
        probe = replace(probe, where=where)
        target = _WinTarget(self, runner, name, reg, probe)
        v = Verification(replace(opts, probe=probe), probing=probe.enabled)
        if not target.nssm:
            # For NSSM, the first read lacks the application's PID: poll again with it.
            v.add_sample(sample_from_sc(t, status))
        target.verification = v
        drive(v, target.take_sample, target.take_probe, time.sleep)
        evidence = None
        extra: Dict[str, Any] = {}
        if v.decision.verdict == "fail":
            evidence = target.evidence(opts.logs or target.default_logs(), opts.log_lines)
            extra["events"] = evidence.events
        if recording:
            self._record_windows(runner, opts, v, parse_marker(recorded[-1].output if recorded[-1].rc == 0 else None)
                                 if opts.base else None)
        extra["round_trips"] = runner.round_trips
        return self._finish(v, name, evidence, extra)

    def _record_argvs(self, opts: VerifyOptions) -> List[List[str]]:
        """Read with the first poll: the record's directory made (outside check mode only, when
        the result will be written) and the active release's version."""
        if self._task.check_mode:
            return []
        directory = record_path(opts.name, opts.base, windows=True).rsplit("\\", 1)[0]
        argvs = [builtin("if", "not", "exist", directory, "mkdir", directory)]
        if opts.base:
            argvs.append(builtin("type", win_path(opts.base, "current", MARKER)))
        return argvs

    def _record_windows(self, runner: WinRunner, opts: VerifyOptions, v: Verification, version: Optional[str]) -> None:
        path = record_path(opts.name, opts.base, windows=True)
        fd, local = tempfile.mkstemp(prefix="svcwright-verify-")
        try:
            with os.fdopen(fd, "w", encoding="ascii", newline="\r\n") as f:
                f.write(encode_record(self._record_data(opts, v, version)))
            runner.put_file(local, path)
        except (AnsibleError, OSError) as exc:
            display.warning("host %s: service %r: the result could not be recorded in %s: %s"
                            % (self._svcw_host, opts.name, path, exc))
        finally:
            os.unlink(local)

    def _status(self, runner: WinRunner, name: str, results: Sequence[CommandResult]) -> Any:
        try:
            return status_from(name, results)
        except ServiceOpError as exc:
            raise AnsibleActionFail("host %s: %s" % (runner.host, exc))

    @staticmethod
    def _registry(res: CommandResult) -> Optional[ServiceRegistryConfig]:
        if res.rc != 0:
            return None
        try:
            return parse_service_key(res.output)
        except WinOutputParseError:
            # Only NSSM detection and the display name come from here: without them the
            # service is verified as a plain SCM service.
            return None

    def _where(self, probe: ProbeSpec, has_ps: bool, name: str) -> Optional[str]:
        if not probe.enabled:
            return None
        if probe.type == "command":
            return probe.where or "host"
        if probe.where == "host" and not has_ps:
            raise AnsibleActionFail(
                "host %s: service %r: probe.from=host needs PowerShell on the host for an %s probe, and this host has "
                "none (powershell.exe gave no answer). Probe from the controller (probe.from: controller), or use "
                "a command probe." % (self._svcw_host, name, probe.type))
        return probe.where or ("host" if has_ps else "controller")


class _WinTarget:
    """Reads one Windows service and probes it, for :func:`drive`."""

    def __init__(self, action: ActionModule, runner: WinRunner, name: str, reg: Optional[ServiceRegistryConfig],
                 probe: ProbeSpec) -> None:
        self.action = action
        self.runner = runner
        self.name = name
        self.probe = probe
        self.reg = reg
        self.application: Optional[str] = None
        self.nssm_exe: Optional[str] = None
        if reg is not None and isinstance(reg.nssm.get("Application"), str) and reg.image_path:
            self.application = str(reg.nssm["Application"])
            self.nssm_exe = split_image_path(reg.image_path).exe
        self.verification: Optional[Verification] = None
        self.pending: Optional[Sample] = None  # the poll that ran in the same batch as a probe

    @property
    def nssm(self) -> bool:
        return self.nssm_exe is not None

    def sample_argvs(self) -> List[List[str]]:
        argvs = query_argvs(self.name)
        if self.nssm_exe:
            argvs.append([self.nssm_exe, "processes", self.name])
        return argvs

    def sample_from(self, t: float, results: Sequence[CommandResult]) -> Sample:
        status = self.action._status(self.runner, self.name, results[:2])
        app_pid = nssm_app_pid(results[2].output, self.application) if self.nssm else None
        return sample_from_sc(t, status, self.nssm, app_pid)

    def take_sample(self) -> Sample:
        if self.pending is not None:
            sample, self.pending = self.pending, None
            return sample
        t = self.action._clock()
        return self.sample_from(t, self.runner.run(self.sample_argvs()))

    def take_probe(self) -> ProbeResult:
        t = self.action._clock()
        v = self.verification
        timeout = v.attempt_timeout(t) if v is not None else self.probe.timeout
        if self.probe.where == "controller":
            return local_probe(self.probe, t, timeout, self.action._clock)
        if self.probe.type == "command":
            argvs = [list(self.probe.command)]
        else:
            argvs = [powershell_argv(self._probe_script(timeout))]
        results = self.runner.run(argvs + self.sample_argvs())
        duration = self.action._clock() - t
        self.pending = self.sample_from(t + duration, results[1:])
        if self.probe.type == "command":
            return command_result(t, duration, self.probe, results[0].rc, results[0].output)
        return self._probe_answer(t, duration, results[0])

    def _probe_script(self, timeout: float) -> str:
        values = dict(mark=PS_MARK, ms=max(1, int(timeout * 1000)), limit=READ_LIMIT)
        if self.probe.type == "http":
            return _PS_HTTP % dict(values, url=ps_single_quote(self.probe.url))
        return _PS_TCP % dict(values, host=ps_single_quote(self.probe.host), port=self.probe.port)

    def _probe_answer(self, t: float, duration: float, res: CommandResult) -> ProbeResult:
        for words in marker_lines(res):
            if words[:1] == ["http"] and len(words) >= 2 and words[1].isdigit():
                return http_result(t, duration, self.probe, int(words[1]), b64text(words[2] if len(words) > 2 else ""))
            if words[:1] == ["tcp"]:
                return tcp_result(t, duration, "")
            if words[:1] == ["error"]:
                error = b64text(words[1] if len(words) > 1 else "") or "failed"
                return (http_result(t, duration, self.probe, None, "", error) if self.probe.type == "http"
                        else tcp_result(t, duration, error))
        error = "powershell.exe gave no answer (rc %s): %s" % (res.rc, res.output.strip()[-300:] or "no output")
        return tcp_result(t, duration, error)

    # -- evidence ---------------------------------------------------------------------------
    def default_logs(self) -> List[str]:
        if self.reg is None or not self.nssm:
            return []
        paths = [self.reg.nssm.get(k) for k in ("AppStdout", "AppStderr")]
        return list(dict.fromkeys(p for p in paths if isinstance(p, str) and p))

    def evidence(self, paths: Sequence[str], lines: int) -> Evidence:
        evidence = Evidence()
        display = self.reg.display_name if self.reg is not None else None
        try:
            events = event_log_tail(self.runner, [self.name, display or ""])
        except AnsibleError as exc:
            events = "(the System event log could not be read: %s)" % exc
        if events.startswith("("):
            evidence.notes.append("Service Control Manager events: " + events)
        else:
            evidence.events = events.splitlines()
        if paths:
            evidence.log_tails = self._tails(list(paths), lines)
        return evidence

    def _tails(self, paths: List[str], lines: int) -> Dict[str, List[str]]:
        script = _PS_TAIL % dict(mark=PS_MARK, lines=lines, paths=",".join(ps_single_quote(p) for p in paths))
        try:
            res = self.runner.run_one(powershell_argv(script))
        except AnsibleError:
            res = CommandResult([], -1, "", "")
        tails: Dict[str, List[str]] = {}
        for words in marker_lines(res):
            if len(words) >= 2 and words[0] in ("tail", "tailerror") and words[1].isdigit() and int(words[1]) < len(paths):
                text = b64text(words[2] if len(words) > 2 else "")
                tails[paths[int(words[1])]] = (text.splitlines() if words[0] == "tail"
                                               else ["%s (%s)" % (UNREADABLE, text.strip())])
        missing = [p for p in paths if p not in tails]
        if missing:
            # No PowerShell (Wine): fetch the files whole through the connection instead.
            tails.update(self._fetched_tails(missing, lines))
        return {p: tails[p] for p in paths}

    def _fetched_tails(self, paths: List[str], lines: int) -> Dict[str, List[str]]:
        tails: Dict[str, List[str]] = {}
        tmp = tempfile.mkdtemp(prefix="svcwright-verify-")
        try:
            for i, path in enumerate(paths):
                local = os.path.join(tmp, str(i))
                try:
                    self.runner.fetch_file(path, local)
                    tails[path] = _last_lines(local, lines)
                except (AnsibleError, OSError) as exc:
                    tails[path] = ["%s (%s)" % (UNREADABLE, str(exc).strip().splitlines()[0] if str(exc).strip()
                                                else type(exc).__name__)]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return tails


def _last_lines(path: str, lines: int) -> List[str]:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - READ_LIMIT * 4))
        data = f.read()
    text = data.decode("utf-16-le", "replace") if data[:2] == b"\xff\xfe" else data.decode("utf-8", "replace")
    return [line for line in text.replace("\r", "").split("\n") if line.strip()][-lines:]
