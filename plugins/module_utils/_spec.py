# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform-neutral service spec: its argument spec and its validation.

Every entry point (the backend modules, the unified ``service`` module, the roles) speaks
this spec. Backends translate it; nothing here knows about systemd or the SCM.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

START_MODES = ("auto", "delayed", "manual", "disabled")
STATES = ("started", "stopped", "restarted", "absent")
RESTART_POLICIES = ("always", "on-failure", "never")
LOG_MODES = ("journal", "file")

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SpecError(ValueError):
    """A spec that cannot be made true: the message says which key and what to do."""


def spec_argument_spec() -> Dict[str, Any]:
    """Options every backend module accepts, with the same names and defaults."""
    return dict(
        name=dict(type="str", required=True),
        display_name=dict(type="str"),
        description=dict(type="str"),
        command=dict(type="str"),
        args=dict(type="list", elements="raw", default=[]),
        working_dir=dict(type="str"),
        env=dict(type="dict", default={}),
        account=dict(type="str"),
        start_mode=dict(type="str", choices=list(START_MODES), default="auto"),
        restart=dict(
            type="dict",
            default={},
            options=dict(
                policy=dict(type="str", choices=list(RESTART_POLICIES), default="on-failure"),
                delay=dict(type="float", default=2.0),
                max_restarts=dict(type="int", default=5),
                window=dict(type="float", default=60.0),
            ),
        ),
        stop_timeout=dict(type="float", default=30.0),
        logs=dict(
            type="dict",
            default={},
            options=dict(
                mode=dict(type="str", choices=list(LOG_MODES)),
                stdout=dict(type="str"),
                stderr=dict(type="str"),
            ),
        ),
        dependencies=dict(type="list", elements="str", default=[]),
        sockets=dict(type="list", elements="str", default=[]),
        state=dict(type="str", choices=list(STATES), default="started"),
        wait_timeout=dict(type="float", default=60.0),
    )


@dataclass
class RestartPolicy:
    policy: str = "on-failure"
    delay: float = 2.0
    max_restarts: int = 5
    window: float = 60.0


@dataclass
class LogSpec:
    mode: str = "journal"
    stdout: Optional[str] = None
    stderr: Optional[str] = None


@dataclass
class ServiceSpec:
    name: str
    command: Optional[str] = None
    args: List[str] = field(default_factory=list)
    display_name: Optional[str] = None
    description: Optional[str] = None
    working_dir: Optional[str] = None
    env: Dict[str, str] = field(default_factory=dict)
    account: Optional[str] = None
    start_mode: str = "auto"
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    stop_timeout: float = 30.0
    logs: LogSpec = field(default_factory=LogSpec)
    dependencies: List[str] = field(default_factory=list)
    sockets: List[str] = field(default_factory=list)
    state: str = "started"
    wait_timeout: float = 60.0


def _fail(name: str, key: str, problem: str, fix: str) -> SpecError:
    return SpecError("service %r: %s %s. %s" % (name, key, problem, fix))


def _check_text(name: str, key: str, value: Optional[str]) -> None:
    if value is not None and _CONTROL.search(value):
        raise _fail(name, key, "contains a control character (newline, tab, NUL ...)",
                    "Remove it: this value is written into one line of the service definition.")


def _check_absolute(name: str, key: str, value: Optional[str], windows: bool) -> None:
    if value is None:
        return
    _check_text(name, key, value)
    if windows:
        ok = bool(re.match(r"^[A-Za-z]:[\\/]", value)) or value.startswith("\\\\")
        example = r"C:\Program Files\hello\hello.exe"
    else:
        ok = value.startswith("/")
        example = "/opt/hello/current/hello"
    if not ok:
        raise _fail(name, key, "must be an absolute path, got %r" % value,
                    "Give the full path, e.g. %s." % example)


def _as_strings(name: str, key: str, values: List[Any]) -> List[str]:
    out = []
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise _fail(name, "%s[%d]" % (key, i),
                        "must be a string, got %s %r" % (type(v).__name__, v),
                        "Quote it in YAML (e.g. '%s') so the program receives exactly the text you mean." % (v,))
        if "\x00" in v:
            raise _fail(name, "%s[%d]" % (key, i), "contains a NUL character",
                        "Program arguments cannot carry NUL; remove it.")
        out.append(v)
    return out


def build_spec(params: Dict[str, Any], windows: bool = False) -> ServiceSpec:
    """Validate module parameters into a ServiceSpec, raising SpecError on bad input.

    ``windows`` selects the path rules (drive-letter paths instead of POSIX ones).
    """
    name = params.get("name") or ""
    if not name.strip():
        raise SpecError("service name is empty. Give the service a name, e.g. name: hello.")
    if _CONTROL.search(name) or "/" in name or "\\" in name:
        raise SpecError("service %r: name contains '/', '\\' or a control character. "
                        "Use letters, digits, '-', '_' and '.'." % name)

    state = params.get("state") or "started"
    command = params.get("command")
    if command is None and state != "absent":
        raise _fail(name, "command", "is required unless state is absent",
                    "Give the absolute path of the service binary.")
    _check_absolute(name, "command", command, windows)
    _check_absolute(name, "working_dir", params.get("working_dir"), windows)
    for key in ("display_name", "description", "account"):
        _check_text(name, key, params.get(key))

    env: Dict[str, str] = {}
    for key, value in (params.get("env") or {}).items():
        if not _ENV_NAME.match(str(key)):
            raise _fail(name, "env key %r" % (key,), "is not a valid variable name",
                        "Use letters, digits and '_' and do not start with a digit.")
        if not isinstance(value, str):
            raise _fail(name, "env value of %s" % key,
                        "must be a string, got %s %r" % (type(value).__name__, value),
                        "Ambiguous env values must be wrapped in quotes (e.g. %s: '%s')." % (key, value))
        if "\x00" in value:
            raise _fail(name, "env value of %s" % key, "contains a NUL character", "Remove it.")
        env[key] = value

    restart_params = params.get("restart") or {}
    restart = RestartPolicy(
        policy=restart_params.get("policy") or "on-failure",
        delay=float(restart_params.get("delay", 2.0) if restart_params.get("delay") is not None else 2.0),
        max_restarts=int(restart_params.get("max_restarts") if restart_params.get("max_restarts") is not None else 5),
        window=float(restart_params.get("window") if restart_params.get("window") is not None else 60.0),
    )
    if restart.delay < 0 or restart.window < 0 or restart.max_restarts < 0:
        raise _fail(name, "restart", "has a negative delay, window or max_restarts", "Use values >= 0.")

    log_params = params.get("logs") or {}
    logs = LogSpec(
        mode=log_params.get("mode") or ("file" if log_params.get("stdout") or log_params.get("stderr") else "journal"),
        stdout=log_params.get("stdout"),
        stderr=log_params.get("stderr"),
    )
    if logs.mode == "file":
        if not logs.stdout:
            raise _fail(name, "logs.stdout", "is required when logs.mode is file",
                        "Give the absolute path of the log file.")
        _check_absolute(name, "logs.stdout", logs.stdout, windows)
        _check_absolute(name, "logs.stderr", logs.stderr, windows)
    elif logs.stdout or logs.stderr:
        raise _fail(name, "logs.stdout/logs.stderr", "are set but logs.mode is journal",
                    "Set logs.mode: file, or remove the paths.")

    stop_timeout = float(params.get("stop_timeout") if params.get("stop_timeout") is not None else 30.0)
    wait_timeout = float(params.get("wait_timeout") if params.get("wait_timeout") is not None else 60.0)
    if stop_timeout <= 0 or wait_timeout <= 0:
        raise _fail(name, "stop_timeout/wait_timeout", "must be greater than 0", "Give seconds, e.g. 30.")

    start_mode = params.get("start_mode") or "auto"
    if start_mode == "disabled" and state in ("started", "restarted"):
        raise _fail(name, "start_mode", "is disabled but state is %s" % state,
                    "A disabled service cannot run: use start_mode manual, or state stopped.")

    deps = list(params.get("dependencies") or [])
    for i, d in enumerate(deps):
        _check_text(name, "dependencies[%d]" % i, d)

    sockets = list(params.get("sockets") or [])
    for i, sock in enumerate(sockets):
        if not re.match(r"^(\[[0-9A-Fa-f:.]+\]:|[0-9.]+:|[A-Za-z0-9.-]+:)?[0-9]{1,5}$", sock) and not sock.startswith("/"):
            raise _fail(name, "sockets[%d]" % i, "is %r, not a port, address:port or absolute socket path" % sock,
                        "Write e.g. '8080', '127.0.0.1:8080', '[::]:8080' or '/run/hello.sock'.")

    return ServiceSpec(
        name=name,
        command=command,
        args=_as_strings(name, "args", list(params.get("args") or [])),
        display_name=params.get("display_name"),
        description=params.get("description"),
        working_dir=params.get("working_dir"),
        env=env,
        account=params.get("account"),
        start_mode=start_mode,
        restart=restart,
        stop_timeout=stop_timeout,
        logs=logs,
        dependencies=deps,
        sockets=sockets,
        state=state,
        wait_timeout=wait_timeout,
    )
