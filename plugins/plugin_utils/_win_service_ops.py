# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start, stop, query and delete a Windows service through sc.exe, waiting with a deadline.

Shared by win_service and win_nssm (an NSSM service is an SCM service: sc.exe drives it, and
``nssm start`` is not used because it reports a still-starting service as a failure). A
start or stop waits through START_PENDING / STOP_PENDING instead of failing; a failure
carries what the SCM said (the Win32 error and its meaning) and, where the host keeps one,
the last Service Control Manager entries of the System event log.
"""
from __future__ import annotations

import time
from typing import List, Optional, Sequence, Tuple

from ansible_collections.svcwright.services.plugins.module_utils._eventlog_output import (
    format_events,
    parse_event_log,
    scm_events_for_service,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_output import (
    ScFailedError,
    ScServiceStatus,
    find_sc_failure,
    parse_sc_query_one,
)
from ansible_collections.svcwright.services.plugins.module_utils._nssm_plan import file_exists_argv, parse_file_exists
from ansible_collections.svcwright.services.plugins.module_utils._spec import ServiceSpec
from ansible_collections.svcwright.services.plugins.module_utils._win_account import local_user, parse_net_user_missing
from ansible_collections.svcwright.services.plugins.module_utils._win_errors import describe_win32_error
from ansible_collections.svcwright.services.plugins.module_utils._win_text import WinOutputParseError
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult, WinRunner

POLL_INTERVAL = 0.5
ERROR_SERVICE_DOES_NOT_EXIST = 1060
ERROR_SERVICE_ALREADY_RUNNING = 1056
ERROR_SERVICE_NOT_ACTIVE = 1062
ERROR_SERVICE_MARKED_FOR_DELETE = 1072
EVENT_QUERY = "*[System[Provider[@Name='Service Control Manager']]]"


class ServiceOpError(Exception):
    """A runtime operation failed; the message is complete and meant for the user."""


def query_argvs(name: str) -> List[List[str]]:
    """The reads for a service's runtime state: queryex (PID, real Windows) and query
    (Wine's sc.exe has no queryex); run them in one batch and give both to status_from."""
    return [["sc.exe", "queryex", name], ["sc.exe", "query", name]]


def status_from(name: str, results: Sequence[CommandResult]) -> Optional[ScServiceStatus]:
    """The status from the results of query_argvs; None when the service does not exist."""
    not_found = False
    for res in results:
        try:
            return parse_sc_query_one(res.output, name)
        except ScFailedError as exc:
            if exc.failure is not None and exc.failure.code == ERROR_SERVICE_DOES_NOT_EXIST:
                not_found = True
        except WinOutputParseError:
            # Wine prints nothing (rc 1) for a missing service, and usage for queryex.
            if res.rc != 0 and not res.output.strip():
                not_found = True
    if not_found:
        return None
    raise ServiceOpError("cannot read the state of service %r: sc.exe said %r" % (name, results[-1].output[-500:]))


# The key of the account's read among the prerequisites (no service name has a space at its ends).
ACCOUNT_CHECK = " account "


def prerequisite_argvs(spec: ServiceSpec, command: bool = True) -> List[Tuple[str, List[str]]]:
    """Reads of what a service needs before it can work: its program (``command``) and each
    service it depends on (load-order groups, +Name, are not services). None when it is
    being removed."""
    if spec.state == "absent":
        return []
    checks: List[Tuple[str, List[str]]] = [("command", file_exists_argv(spec.command or ""))] if command else []
    user = local_user(spec.account)
    if user is not None:
        checks.append((ACCOUNT_CHECK, ["net.exe", "user", user]))
    checks += [(dep, ["sc.exe", "query", dep]) for dep in spec.dependencies if not dep.startswith("+")]
    return checks


def missing_prerequisites(spec: ServiceSpec, checks: Sequence[Tuple[str, List[str]]],
                          results: Sequence[CommandResult]) -> List[str]:
    """What the reads of :func:`prerequisite_argvs` found missing, each with what to do."""
    problems = []
    for (key, _argv), res in zip(checks, results):
        if key == "command":
            if not parse_file_exists(res.rc, res.output):
                problems.append("command %s does not exist on the host. Ship the program before this task."
                                % spec.command)
            continue
        if key == ACCOUNT_CHECK:
            if parse_net_user_missing(res.rc, res.output):
                problems.append("account %s does not exist on this host. Create it first, or use another account "
                                "(e.g. LocalService)." % spec.account)
            continue
        try:
            missing = status_from(key, [res]) is None
        except ServiceOpError:
            missing = False
        if missing:
            problems.append("dependency %s is not a service on this host. Install it first, or remove it from "
                            "dependencies." % key)
    return problems


def query_status(runner: WinRunner, name: str) -> Optional[ScServiceStatus]:
    return status_from(name, runner.run(query_argvs(name)))


def event_log_tail(runner: WinRunner, names: Sequence[str], limit: int = 8) -> str:
    """The last SCM events of the System log about the service, or why there are none."""
    res = runner.run_one(["wevtutil.exe", "qe", "System", "/q:" + EVENT_QUERY, "/c:50", "/rd:true", "/f:text"])
    if res.rc != 0:
        return "(the System event log cannot be read on this host: wevtutil rc %s)" % res.rc
    try:
        events = scm_events_for_service(list(reversed(parse_event_log(res.output))), names, limit)
    except (ValueError, WinOutputParseError):
        return "(the System event log could not be parsed)"
    return format_events(events) if events else "(no Service Control Manager events about it)"


def _fail(runner: WinRunner, name: str, what: str, res: Optional[CommandResult] = None,
          status: Optional[ScServiceStatus] = None, display_name: Optional[str] = None, hint: str = "") -> ServiceOpError:
    lines = ["host %s: service %r: %s" % (runner.host, name, what)]
    if res is not None:
        lines.append("command: %s (rc %s)" % (" ".join(res.argv), res.rc))
        failure = find_sc_failure(res.output)
        if failure is not None and failure.code is not None:
            lines.append("the SCM said: error %d: %s" % (failure.code, describe_win32_error(failure.code)))
        elif res.output.strip():
            lines.append("output: %s" % res.output.strip()[-1000:])
    if status is not None:
        lines.append("state %s, WIN32_EXIT_CODE %s, SERVICE_EXIT_CODE %s"
                     % (status.state_name, status.win32_exit_code, status.service_exit_code))
        if status.win32_exit_code not in (None, 0, 1077):
            lines.append("exit code meaning: %s" % describe_win32_error(status.win32_exit_code))
    lines.append("last Service Control Manager events:\n" + event_log_tail(runner, [name, display_name or ""]))
    if hint:
        lines.append(hint)
    return ServiceOpError("\n".join(lines))


def _wait(runner: WinRunner, name: str, want: int, deadline_s: float) -> Optional[ScServiceStatus]:
    """Poll until the state is ``want`` or no longer pending, or the deadline passes."""
    end = time.monotonic() + deadline_s
    while True:
        status = query_status(runner, name)
        if status is None or status.state == want or not status.pending or time.monotonic() >= end:
            return status
        time.sleep(POLL_INTERVAL)


def start_service(runner: WinRunner, name: str, deadline_s: float,
                  display_name: Optional[str] = None) -> ScServiceStatus:
    res = runner.run_one(["sc.exe", "start", name])
    failure = find_sc_failure(res.output)
    if res.rc != 0 and not (failure is not None and failure.code == ERROR_SERVICE_ALREADY_RUNNING):
        raise _fail(runner, name, "the service did not start", res, query_status(runner, name), display_name,
                    hint="Check the binary path and account, then see the events above.")
    status = _wait(runner, name, 4, deadline_s)
    if status is None:
        raise _fail(runner, name, "the service disappeared while starting", res, display_name=display_name)
    if status.state != 4:
        what = ("still %s after %s seconds" % (status.state_name, int(deadline_s)) if status.pending
                else "the service stopped right after it started")
        raise _fail(runner, name, what, res, status, display_name,
                    hint="Raise wait_timeout if the service is slow to start." if status.pending else "")
    return status


def stop_service(runner: WinRunner, name: str, deadline_s: float,
                 display_name: Optional[str] = None) -> Optional[ScServiceStatus]:
    res = runner.run_one(["sc.exe", "stop", name])
    failure = find_sc_failure(res.output)
    if res.rc != 0 and not (failure is not None and failure.code in (ERROR_SERVICE_NOT_ACTIVE, ERROR_SERVICE_DOES_NOT_EXIST)):
        raise _fail(runner, name, "the service did not stop", res, display_name=display_name)
    status = _wait(runner, name, 1, deadline_s)
    if status is not None and status.state != 1:
        raise _fail(runner, name, "still %s after %s seconds" % (status.state_name, int(deadline_s)), res, status,
                    display_name, hint="Raise stop_timeout, or check why the service ignores Stop.")
    return status


def restart_service(runner: WinRunner, name: str, deadline_s: float,
                    display_name: Optional[str] = None) -> ScServiceStatus:
    stop_service(runner, name, deadline_s, display_name)
    return start_service(runner, name, deadline_s, display_name)


def delete_service(runner: WinRunner, name: str, deadline_s: float, display_name: Optional[str] = None) -> None:
    status = query_status(runner, name)
    if status is None:
        return
    if not status.stopped:
        stop_service(runner, name, deadline_s, display_name)
    res = runner.run_one(["sc.exe", "delete", name])
    failure = find_sc_failure(res.output)
    if res.rc != 0 and not (failure is not None and failure.code in (ERROR_SERVICE_DOES_NOT_EXIST, ERROR_SERVICE_MARKED_FOR_DELETE)):
        raise _fail(runner, name, "the service could not be deleted", res, display_name=display_name)
    end = time.monotonic() + deadline_s
    while query_status(runner, name) is not None:
        if time.monotonic() >= end:
            raise _fail(runner, name, "still registered %s seconds after sc delete (a process may hold a handle "
                        "to it)" % int(deadline_s), res, display_name=display_name)
        time.sleep(POLL_INTERVAL)
