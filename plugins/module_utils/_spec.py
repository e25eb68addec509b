# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform-neutral service spec: its argument spec, its validation, and what each
backend supports.

Every entry point (the backend modules, the unified ``service`` module, the ``spec`` check,
the roles) builds its :class:`ServiceSpec` with :func:`build_spec`, the one place where task
arguments become a spec: types, ranges and defaults are written once here, and what a backend
cannot carry is refused here (see :data:`BACKENDS`), so renderers only ever see valid specs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional

from ._values import ValueProblem, check_line, describe_char, scalar_text, seconds, unsafe_char, whole_number

START_MODES = ("auto", "delayed", "manual", "disabled")
STATES = ("started", "stopped", "restarted", "absent")
RESTART_POLICIES = ("always", "on-failure", "never")
LOG_MODES = ("journal", "file")

SYSTEMD = "systemd"
SC = "sc"
NSSM = "nssm"

DEFAULT_RESTART_DELAY = 2.0
DEFAULT_MAX_RESTARTS = 5
DEFAULT_RESTART_WINDOW = 60.0
DEFAULT_STOP_TIMEOUT = 30.0
DEFAULT_WAIT_TIMEOUT = 60.0
# Longer waits than a day are typing mistakes (e.g. milliseconds given as seconds).
MAX_SECONDS = 24 * 3600.0

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# systemd unit names: the name part of <name>.service, or of a template instance.
_SYSTEMD_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*(@[A-Za-z0-9_.:-]+)?$")
_UNIT_SUFFIXES = ("service", "socket", "target", "timer", "mount", "automount", "path", "slice", "scope",
                  "device", "swap")
_SYSTEMD_DEPENDENCY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:@-]*$")
# Windows service names: the SCM allows almost anything but '/' and '\'; these are the ones
# that also mean nothing to cmd.exe, PowerShell, reg.exe and NSSM, and display as they are.
_WINDOWS_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9 _.\-\[\](){}+@#,~]*$")
_WINDOWS_EXPANSION = re.compile(r"%[^%\s=]+%")
_LINUX_ACCOUNT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*\$?$")
_WINDOWS_ACCOUNT_BAD = re.compile(r'["/\[\]:;|=,+*?<>%^&!]')
_SOCKET = re.compile(r"^(\[[0-9A-Fa-f:.]+\]:|[0-9.]+:|[A-Za-z0-9.-]+:)?([0-9]{1,5})$")


class SpecError(ValueError):
    """A spec that cannot be made true: the message says which key and what to do.
    ``key`` names the option (e.g. ``args[1]``, ``env value of PORT``) when one is at fault."""

    def __init__(self, message: str, key: Optional[str] = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Backend:
    """What one backend can carry faithfully; :func:`build_spec` refuses the rest."""

    name: str
    module: str
    windows: bool
    env: bool
    working_dir: bool
    file_logs: bool
    sockets: bool
    password: bool
    # Line breaks and other control characters in args and env values: a systemd unit
    # C-escapes them; a Windows command line (cmd.exe, the registry's one-line values) cannot.
    control_in_values: bool
    why_not: str


BACKENDS: Dict[str, Backend] = {
    SYSTEMD: Backend(SYSTEMD, "svcwright.services.systemd_unit", windows=False, env=True, working_dir=True,
                     file_logs=True, sockets=True, password=False, control_in_values=True,
                     why_not="systemd runs the service as a local account, without a password"),
    SC: Backend(SC, "svcwright.services.win_service", windows=True, env=False, working_dir=False,
                file_logs=False, sockets=False, password=True, control_in_values=False,
                why_not="the Service Control Manager starts the program as it is: only a wrapper (NSSM, "
                        "windows_manager: nssm) gives it environment variables, a working directory or log files"),
    NSSM: Backend(NSSM, "svcwright.services.win_nssm", windows=True, env=True, working_dir=True,
                  file_logs=True, sockets=False, password=True, control_in_values=False,
                  why_not="NSSM has no socket activation"),
}


def spec_argument_spec() -> Dict[str, Any]:
    """Options every backend module accepts, with the same names and defaults.

    Ansible converts the types; :func:`build_spec` then refuses what a type allows but a
    service cannot use (``.inf``, ``.nan``, out-of-range values) with the key and the fix.
    """
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
                delay=dict(type="float", default=DEFAULT_RESTART_DELAY),
                max_restarts=dict(type="int", default=DEFAULT_MAX_RESTARTS),
                window=dict(type="float", default=DEFAULT_RESTART_WINDOW),
            ),
        ),
        stop_timeout=dict(type="float", default=DEFAULT_STOP_TIMEOUT),
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
        wait_timeout=dict(type="float", default=DEFAULT_WAIT_TIMEOUT),
    )


SPEC_KEYS = tuple(spec_argument_spec())


@dataclass
class RestartPolicy:
    policy: str = "on-failure"
    delay: float = DEFAULT_RESTART_DELAY
    max_restarts: int = DEFAULT_MAX_RESTARTS
    window: float = DEFAULT_RESTART_WINDOW


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
    stop_timeout: float = DEFAULT_STOP_TIMEOUT
    logs: LogSpec = field(default_factory=LogSpec)
    dependencies: List[str] = field(default_factory=list)
    sockets: List[str] = field(default_factory=list)
    state: str = "started"
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT

    def as_dict(self) -> Dict[str, Any]:
        """The normalized spec as plain data (what a release records, what ``spec`` returns)."""
        return dict(
            name=self.name, command=self.command, args=list(self.args), display_name=self.display_name,
            description=self.description, working_dir=self.working_dir, env=dict(self.env),
            account=self.account, start_mode=self.start_mode,
            restart=dict(policy=self.restart.policy, delay=self.restart.delay,
                         max_restarts=self.restart.max_restarts, window=self.restart.window),
            stop_timeout=self.stop_timeout,
            logs=dict(mode=self.logs.mode, stdout=self.logs.stdout, stderr=self.logs.stderr),
            dependencies=list(self.dependencies), sockets=list(self.sockets), state=self.state,
            wait_timeout=self.wait_timeout,
        )


class _Checker:
    """Turns one value after another into its checked form, naming the service and key."""

    def __init__(self, name: str, backend: Backend) -> None:
        self.name = name
        self.backend = backend

    def fail(self, key: str, problem: str, fix: str) -> SpecError:
        return SpecError("service %r: %s %s. %s" % (self.name, key, problem, fix), key=key)

    def guard(self, key: str, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except ValueProblem as exc:
            raise self.fail(key, exc.problem, exc.fix) from None

    def line(self, key: str, value: Any) -> Optional[str]:
        """Optional one-line text."""
        if value is None:
            return None
        text = self.guard(key, lambda: scalar_text(value))
        self.guard(key, lambda: check_line(text))
        return text

    def path(self, key: str, value: Any) -> Optional[str]:
        """An absolute path on the host's platform, one line, no '..' step."""
        text = self.line(key, value)
        if text is None:
            return None
        if self.backend.windows:
            ok = bool(re.match(r"^[A-Za-z]:\\", text.replace("/", "\\"))) or text.startswith("\\\\")
            example = r"C:\Program Files\hello\hello.exe"
            steps = re.split(r"[\\/]", text)
        else:
            ok = text.startswith("/")
            example = "/opt/hello/current/hello"
            steps = text.split("/")
        if not ok:
            raise self.fail(key, "must be an absolute path, got %r" % text, "Give the full path, e.g. %s." % example)
        if ".." in steps:
            raise self.fail(key, "%r has a '..' step" % text, "Give the path without '..'.")
        if self.backend.windows:
            self.windows_text(key, text)
            if '"' in text:
                raise self.fail(key, "%r contains a double quote" % text,
                                "Remove it: Windows paths cannot contain '\"' (the collection quotes paths itself).")
            if "%" in text:
                raise self.fail(key, "%r contains '%%', which cmd.exe and the Service Control Manager would try to "
                                     "expand" % text, "Give the path without '%'.")
        return text

    def windows_text(self, key: str, text: str) -> None:
        """Text that reaches a Windows command line or a REG_EXPAND_SZ value."""
        found = _WINDOWS_EXPANSION.search(text)
        if found:
            raise self.fail(key, "holds %s, which Windows expands as an environment variable when it starts the "
                                 "service (there is no escape for it)" % found.group(0),
                            "Remove the pair of '%' signs (a single '%' is fine), or pass the value another way.")

    def value(self, key: str, value: Any) -> str:
        """A program argument or environment value: any text the backend carries faithfully."""
        text = self.guard(key, lambda: scalar_text(value))
        if "\x00" in text:
            raise self.fail(key, "contains a NUL character", "No program can receive it; remove it.")
        if not self.backend.control_in_values:
            bad = unsafe_char(text, allow="\t")
            if bad is not None:
                raise self.fail(key, "contains %s, which a Windows command line cannot carry" % describe_char(bad),
                                "Remove it, or pass the text another way (a file the program reads).")
            self.windows_text(key, text)
        return text

    def seconds(self, key: str, value: Any, default: float, positive: bool = False) -> float:
        if value is None:
            return default
        return self.guard(key, lambda: seconds(value, 0.0, allow_minimum=not positive, maximum=MAX_SECONDS))

    def count(self, key: str, value: Any, default: int, maximum: int = 10000) -> int:
        if value is None:
            return default
        return self.guard(key, lambda: whole_number(value, 0, maximum))

    def items(self, key: str, value: Any) -> List[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "must be a list", "Write it as a YAML list, e.g. [a, b].")
        return value


def check_name(name: Any, backend: Backend) -> str:
    """The service name: one that every tool of the backend reads as exactly this name."""
    if not isinstance(name, str) or not name.strip():
        raise SpecError("service name is empty. Give the service a name, e.g. name: hello.", key="name")
    bad = unsafe_char(name)
    if bad is not None:
        raise SpecError("service %r: name contains %s. Use letters, digits, '-', '_' and '.': a name must read "
                        "and display as exactly what it is." % (name, describe_char(bad)), key="name")
    if backend.windows:
        if len(name) > 256 or not _WINDOWS_NAME.match(name) or name != name.strip() or name.endswith("."):
            raise SpecError("service %r: name is not a name every Windows tool reads as it is. Use letters, digits, "
                            "spaces and _ . - [ ] ( ) { } + @ # , ~ (no %% ! ^ & | < > quotes or slashes, starting "
                            "with a letter, digit or '_', at most 256 characters)." % name, key="name")
        return name
    base = name[: -len(".service")] if name.endswith(".service") else name
    suffix = base.rsplit(".", 1)[-1] if "." in base else ""
    if suffix in _UNIT_SUFFIXES:
        raise SpecError("service %r: name ends in .%s, which would make the unit %s.service. Give the service's "
                        "own name (e.g. %s)." % (name, suffix, base, base.rsplit(".", 1)[0] or "hello"), key="name")
    if not _SYSTEMD_NAME.match(base) or ".." in base or len(base) > 255 - len(".service"):
        raise SpecError("service %r: name is not a valid systemd unit name. Use letters, digits and ':', '_', '.', "
                        "'-' (starting with a letter, digit or '_', no '..', at most 247 characters)." % name,
                        key="name")
    return base


def _check_account(c: _Checker, value: Any) -> Optional[str]:
    account = c.line("account", value)
    if account is None:
        return None
    if c.backend.windows:
        if not account.strip() or _WINDOWS_ACCOUNT_BAD.search(account) or account.count("\\") > 1 \
                or account != account.strip():
            raise c.fail("account", "%r is not a Windows account name" % account,
                         "Use LocalSystem, LocalService, NetworkService, NT SERVICE\\<name>, DOMAIN\\user, "
                         ".\\user or user@domain.")
    elif not _LINUX_ACCOUNT.match(account) or len(account) > 32:
        raise c.fail("account", "%r is not a valid user name" % account,
                     "Use letters, digits, '_', '.' and '-', starting with a letter or '_' (at most 32 characters).")
    return account


def _check_dependency(c: _Checker, key: str, value: Any) -> str:
    dep = c.line(key, value) or ""
    if c.backend.windows:
        # A leading '+' names a load-order group, as sc.exe's depend= writes it.
        service = dep[1:] if dep.startswith("+") else dep
        if not _WINDOWS_NAME.match(service) or len(service) > 256 or dep != dep.strip():
            raise c.fail(key, "%r is not a Windows service name" % dep,
                         "Use one service's name per item (or a load-order group as +Group); '/' separates names "
                         "in sc.exe's own syntax.")
    elif not _SYSTEMD_DEPENDENCY.match(dep) or ".." in dep or len(dep) > 255:
        raise c.fail(key, "%r is not a systemd unit name" % dep,
                     "Use one unit name per item, e.g. postgresql or network-online.target.")
    return dep


def _check_socket(c: _Checker, key: str, value: Any) -> str:
    sock = c.line(key, value) or ""
    if sock.startswith("/"):
        c.path(key, sock)
        if re.search(r"\s", sock):
            raise c.fail(key, "%r contains white space" % sock, "Use a socket path without spaces.")
        return sock
    match = _SOCKET.match(sock)
    if not match or not 1 <= int(match.group(2)) <= 65535:
        raise c.fail(key, "is %r, not a port (1-65535), address:port or absolute socket path" % sock,
                     "Write e.g. '8080', '127.0.0.1:8080', '[::]:8080' or '/run/hello.sock'.")
    return sock


def build_spec(params: Mapping[str, Any], backend: str = SYSTEMD) -> ServiceSpec:
    """Validate task arguments into a ServiceSpec for ``backend`` (``systemd``, ``sc`` or
    ``nssm``), raising SpecError with the key and the fix on anything that cannot be made
    true faithfully. Nothing after this validates the spec again."""
    be = BACKENDS[backend]
    name = check_name(params.get("name"), be)
    c = _Checker(name, be)

    state = params.get("state") or "started"
    command = c.path("command", params.get("command"))
    if command is None and state != "absent":
        raise c.fail("command", "is required unless state is absent", "Give the absolute path of the service binary.")
    working_dir = c.path("working_dir", params.get("working_dir"))
    display_name = c.line("display_name", params.get("display_name"))
    description = c.line("description", params.get("description"))
    if be.windows:
        for key, text in (("display_name", display_name), ("description", description)):
            if text is not None:
                c.windows_text(key, text)
    account = _check_account(c, params.get("account"))

    args = [c.value("args[%d]" % i, v) for i, v in enumerate(c.items("args", params.get("args")))]

    env_params = params.get("env") or {}
    if not isinstance(env_params, Mapping):
        raise c.fail("env", "must be a dictionary", "Write it as NAME: value pairs.")
    env: Dict[str, str] = {}
    for key, value in env_params.items():
        if not isinstance(key, str) or not _ENV_NAME.match(key):
            raise c.fail("env key %r" % (key,), "is not a valid variable name",
                         "Use letters, digits and '_' and do not start with a digit.")
        # Unlike an argument, an environment value is never a number: YAML reads UMASK: 0755 as 493.
        if not isinstance(value, str):
            raise c.fail("env value of %s" % key, "must be a string, got %s" % _type_of(value),
                         "Quote it in YAML (e.g. %s: '%s'): ambiguous env values must be wrapped in quotes."
                         % (key, "" if value is None else str(value).lower() if isinstance(value, bool) else value))
        env[key] = c.value("env value of %s" % key, value)

    restart_params = params.get("restart") or {}
    if not isinstance(restart_params, Mapping):
        raise c.fail("restart", "must be a dictionary", "Write e.g. restart: {policy: always, delay: 1}.")
    restart = RestartPolicy(
        policy=restart_params.get("policy") or "on-failure",
        delay=c.seconds("restart.delay", restart_params.get("delay"), DEFAULT_RESTART_DELAY),
        max_restarts=c.count("restart.max_restarts", restart_params.get("max_restarts"), DEFAULT_MAX_RESTARTS),
        window=c.seconds("restart.window", restart_params.get("window"), DEFAULT_RESTART_WINDOW),
    )
    if restart.policy not in RESTART_POLICIES:
        raise c.fail("restart.policy", "is %r" % restart.policy, "Use one of %s." % ", ".join(RESTART_POLICIES))

    log_params = params.get("logs") or {}
    stdout = c.path("logs.stdout", log_params.get("stdout"))
    stderr = c.path("logs.stderr", log_params.get("stderr"))
    logs = LogSpec(mode=log_params.get("mode") or ("file" if stdout or stderr else "journal"),
                   stdout=stdout, stderr=stderr)
    if logs.mode == "file" and not logs.stdout:
        raise c.fail("logs.stdout", "is required when logs.mode is file", "Give the absolute path of the log file.")
    if logs.mode == "journal" and (logs.stdout or logs.stderr):
        raise c.fail("logs.stdout/logs.stderr", "are set but logs.mode is journal",
                     "Set logs.mode: file, or remove the paths.")

    stop_timeout = c.seconds("stop_timeout", params.get("stop_timeout"), DEFAULT_STOP_TIMEOUT, positive=True)
    wait_timeout = c.seconds("wait_timeout", params.get("wait_timeout"), DEFAULT_WAIT_TIMEOUT, positive=True)

    start_mode = params.get("start_mode") or "auto"
    if start_mode == "disabled" and state in ("started", "restarted"):
        raise c.fail("start_mode", "is disabled but state is %s" % state,
                     "A disabled service cannot run: use start_mode manual, or state stopped.")

    deps = [_check_dependency(c, "dependencies[%d]" % i, d)
            for i, d in enumerate(c.items("dependencies", params.get("dependencies")))]
    if name in deps:
        raise c.fail("dependencies", "names the service itself", "Remove it from its own dependencies.")
    sockets = [_check_socket(c, "sockets[%d]" % i, s) for i, s in enumerate(c.items("sockets", params.get("sockets")))]

    spec = ServiceSpec(
        name=name, command=command, args=args, display_name=display_name, description=description,
        working_dir=working_dir, env=env, account=account, start_mode=start_mode, restart=restart,
        stop_timeout=stop_timeout, logs=logs, dependencies=deps, sockets=sockets, state=state,
        wait_timeout=wait_timeout,
    )
    check_supported(spec, be)
    return spec


def check_supported(spec: ServiceSpec, backend: Backend) -> None:
    """Refuse every option the backend would otherwise ignore, with what to use instead."""
    unsupported = [
        ("env", bool(spec.env) and not backend.env),
        ("working_dir", spec.working_dir is not None and not backend.working_dir),
        ("logs", spec.logs.mode == "file" and not backend.file_logs),
        ("sockets", bool(spec.sockets) and not backend.sockets),
    ]
    for key, refused in unsupported:
        if refused:
            fix = ("Let the program bind its address itself (e.g. args: [-listen, ':8080']), or set sockets only "
                   "for the Linux hosts (group_vars)." if key == "sockets" else
                   "Use windows_manager: nssm, or remove %s." % key)
            raise SpecError("service %r: %s is not supported by %s: %s. %s"
                            % (spec.name, key, backend.module, backend.why_not, fix), key=key)


def check_password(name: str, password: Optional[str], backend: str) -> None:
    if password is not None and not BACKENDS[backend].password:
        raise SpecError("service %r: password is for Windows accounts; %s. Remove password for Linux hosts."
                        % (name, BACKENDS[backend].why_not), key="password")


def _type_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "the boolean %s" % value
    if isinstance(value, int):
        return "the number %d (a YAML 0755 is 493, and a templated number loses its text)" % value
    return "%s %r" % (type(value).__name__, value)
