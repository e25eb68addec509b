# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a service spec to NSSM's parameters, and to the nssm.exe commands that set them.

NSSM keeps a service's settings as values of ``HKLM\\SYSTEM\\CurrentControlSet\\Services\\
<name>\\Parameters`` (exit actions in its ``AppExit`` subkey), next to the SCM's own values
(DisplayName, Start, ObjectName, DependOnService), and ``nssm set``/``nssm get`` name both
kinds the same way. The desired configuration is :class:`NssmParameters`: each managed
parameter with its value as NSSM stores and prints it (numbers as int, lists as lists,
``Start`` as ``SERVICE_*``). Parameters this module does not name (AppPriority,
AppAffinity, AppEnvironment, AppNoConsole, ...) are never touched.

``nssm set`` of a value equal to NSSM's default removes the value ("Reset parameter ... to
its default"), so a missing value means the default: :data:`NSSM_DEFAULTS` lists them as
NSSM 2.24 applies them, and :func:`effective_parameters` fills them in before comparing.
Measured with NSSM 2.24-101 under Wine 8: a non-zero default resets (AppThrottle 1500,
AppStopMethod* 1500, AppKillProcessTree 1, AppStd*CreationDisposition 4, AppExit Default
Restart, ObjectName LocalSystem, empty Description); a zero is stored as 0; ``reset`` of
AppParameters/AppDirectory stores an empty string; ``reset Start`` fails (exit code 6: no
meaningful default), so Start is always set; AppRotateBytes above 2^32-1 is clamped to
0xFFFFFFFF, so larger sizes are split into AppRotateBytes and AppRotateBytesHigh.

Nothing here does I/O.
"""
from __future__ import annotations

import ntpath
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ._spec import ServiceSpec, SpecError
from ._win_account import normalize_account, same_account
from ._win_cmdline import join_args, shell_unsafe_char
from ._win_start_mode import WIN_START_MODES

NssmValue = Union[str, int, List[str]]

DEFAULT_NSSM_PATH = "C:\\Program Files\\svcwright\\nssm.exe"

EXIT_ACTIONS = ("Restart", "Ignore", "Exit", "Suicide")
# AppStopMethodSkip is a mask of the methods NSSM must NOT use.
STOP_METHOD_BITS: Dict[str, int] = {"console": 1, "window": 2, "threads": 4, "terminate": 8}
# OPEN_ALWAYS: NSSM opens the file and appends; CREATE_ALWAYS (2) would truncate on every start.
OPEN_ALWAYS = 4
DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024
DWORD_MAX = 0xFFFFFFFF

# What a missing value means, as NSSM 2.24 applies it. AppDirectory's default (the
# application's directory) depends on Application: see effective_parameters.
NSSM_DEFAULTS: Dict[str, NssmValue] = {
    "AppParameters": "",
    "AppEnvironmentExtra": [],
    "AppStdout": "",
    "AppStderr": "",
    "AppStdoutCreationDisposition": OPEN_ALWAYS,
    "AppStderrCreationDisposition": OPEN_ALWAYS,
    "AppRotateFiles": 0,
    "AppRotateOnline": 0,
    "AppRotateBytes": 0,
    "AppRotateBytesHigh": 0,
    "AppRotateSeconds": 0,
    "AppRestartDelay": 0,
    "AppThrottle": 1500,
    "AppStopMethodSkip": 0,
    "AppStopMethodConsole": 1500,
    "AppStopMethodWindow": 1500,
    "AppStopMethodThreads": 1500,
    "AppKillProcessTree": 1,
    "Description": "",
    "ObjectName": "LocalSystem",
    "DependOnService": [],
}
DEFAULT_EXIT_ACTION = "Restart"

# The managed parameters, in the order they are set and shown.
PARAMETER_ORDER: Tuple[str, ...] = (
    "Application", "AppParameters", "AppDirectory", "AppEnvironmentExtra",
    "AppStdout", "AppStderr", "AppStdoutCreationDisposition", "AppStderrCreationDisposition",
    "AppRotateFiles", "AppRotateOnline", "AppRotateBytes", "AppRotateBytesHigh", "AppRotateSeconds",
    "AppRestartDelay", "AppThrottle",
    "AppStopMethodSkip", "AppStopMethodConsole", "AppStopMethodWindow", "AppStopMethodThreads",
    "AppKillProcessTree",
    "DisplayName", "Description", "Start", "ObjectName", "DependOnService",
)
# Paths (and account, service names) compare case-insensitively, as Windows does.
_CASELESS = frozenset(("Application", "AppDirectory", "AppStdout", "AppStderr"))
# Parameters held by the SCM, not by NSSM: a running service does not need a restart for them.
SCM_ONLY = frozenset(("DisplayName", "Description", "Start", "DependOnService"))
# `nssm reset Start` fails; DisplayName and Application have no default.
_NEVER_RESET = frozenset(("Start", "DisplayName", "Application", "AppDirectory"))

_LINE_BREAK = re.compile(r"[\r\n]")
# %NAME% that ExpandEnvironmentStrings would replace when NAME is defined.
_EXPANDABLE = re.compile(r"%[^%\s=]+%")


@dataclass(frozen=True)
class LogRotation:
    """NSSM's rotation. ``online`` (AppRotateOnline 1) rotates a file while the service runs,
    once it has grown past ``bytes``; a restart appends. ``files`` (AppRotateFiles 1) also
    rotates at every service start, skipping files written less than ``seconds`` ago.

    NSSM 2.24-101 ignores the size at start: its start-time rotation is called with the size
    and delay arguments out of order (measured under Wine 8: a 10-byte file was rotated with
    AppRotateBytes 10 MiB, while AppRotateSeconds was respected). Hence ``files`` is off by
    default, so that restarts append."""

    files: bool = False
    online: bool = True
    bytes: int = DEFAULT_ROTATE_BYTES
    seconds: int = 0


@dataclass
class NssmOptions:
    """The win_nssm options that are not part of the neutral spec, validated."""

    nssm_path: str = DEFAULT_NSSM_PATH
    rotation: Optional[LogRotation] = None
    exit_actions: Dict[str, str] = field(default_factory=dict)
    throttle_ms: int = 1500
    stop_methods: Tuple[str, ...] = ("console", "window", "threads", "terminate")
    kill_process_tree: bool = True


@dataclass
class NssmParameters:
    """A service's configuration in NSSM's terms: ``values`` by parameter name (see the
    module docstring), ``app_exit`` by exit code (decimal) or ``Default`` -> action."""

    values: Dict[str, NssmValue]
    app_exit: Dict[str, str]

    def exit_action(self, code: str) -> str:
        return self.app_exit.get(code, self.app_exit.get("Default", DEFAULT_EXIT_ACTION))

    def as_dict(self) -> Dict[str, Any]:
        """For a module's return value: the parameters in order, AppExit as a dict."""
        out: Dict[str, Any] = {}
        for name in PARAMETER_ORDER:
            if name in self.values:
                out[name] = self.values[name]
            if name == "AppRotateSeconds":
                out["AppExit"] = dict(sorted(self.app_exit.items(), key=_exit_key))
        for name, value in self.values.items():
            out.setdefault(name, value)
        return out

    def text(self) -> str:
        """``key: value`` lines for a diff (lists one line per item)."""
        lines: List[str] = []
        for name, value in self.as_dict().items():
            if name == "AppExit":
                for code, action in value.items():
                    lines.append("AppExit %s: %s" % (code, action))
            elif isinstance(value, list):
                lines.extend("%s: %s" % (name, item) for item in value)
                if not value:
                    lines.append("%s: (none)" % name)
            else:
                lines.append("%s: %s" % (name, value))
        return "\n".join(lines) + "\n"


def _exit_key(item: Tuple[str, str]) -> Tuple[int, int]:
    code = item[0]
    return (0, 0) if code == "Default" else (1, int(code))


def _fail(name: str, key: str, problem: str, fix: str) -> SpecError:
    return SpecError("service %r: %s %s. %s" % (name, key, problem, fix))


def _is_windows_absolute(path: str) -> bool:
    return bool(re.match(r"^[A-Za-z]:[\\/]", path)) or path.startswith("\\\\")


def _number(name: str, key: str, value: Any, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(name, key, "must be a number, got %r" % (value,), "Give a number.")
    if not minimum <= value <= maximum:
        raise _fail(name, key, "is %r, outside %s to %s" % (value, minimum, maximum),
                    "Give a value in that range.")
    return float(value)


def _millis(name: str, key: str, seconds: float) -> int:
    """Seconds from the spec to NSSM's milliseconds (a DWORD)."""
    ms = int(round(seconds * 1000))
    if ms > DWORD_MAX:
        raise _fail(name, key, "is %r seconds, more than NSSM can store (%d ms)" % (seconds, DWORD_MAX),
                    "Give a smaller value.")
    return ms


def exit_code_key(name: str, code: Any) -> str:
    """An exit_actions key as NSSM names it: ``Default`` or the unsigned decimal exit code
    (negative codes, such as NTSTATUS values read as signed, are taken modulo 2^32)."""
    text = str(code).strip()
    if text.lower() == "default":
        return "Default"
    if isinstance(code, bool) or not re.match(r"^-?\d+$", text):
        raise _fail(name, "exit_actions key %r" % (code,), "is neither an exit code nor 'default'",
                    "Use an integer exit code (e.g. 3) or 'default'.")
    number = int(text)
    if not -(1 << 31) <= number <= DWORD_MAX:
        raise _fail(name, "exit_actions key %r" % (code,), "is not a 32-bit exit code",
                    "Use a value from -2147483648 to 4294967295.")
    return str(number & DWORD_MAX)


def nssm_options(name: str, params: Mapping[str, Any]) -> NssmOptions:
    """Validate win_nssm's own options (already type-checked by the argument spec)."""
    path = params.get("nssm_path") or DEFAULT_NSSM_PATH
    if not isinstance(path, str) or shell_unsafe_char(path) is not None or "%" in path or '"' in path \
            or not _is_windows_absolute(path):
        raise _fail(name, "nssm_path", "must be an absolute Windows path without quotes, '%%' or control "
                    "characters, got %r" % (path,),
                    "Give e.g. %s." % DEFAULT_NSSM_PATH)

    rotation = None
    raw_rotation = params.get("log_rotation")
    if raw_rotation is not None:
        defaults = LogRotation()
        size = raw_rotation.get("bytes")
        age = raw_rotation.get("seconds")
        rotation = LogRotation(
            files=defaults.files if raw_rotation.get("files") is None else bool(raw_rotation["files"]),
            online=defaults.online if raw_rotation.get("online") is None else bool(raw_rotation["online"]),
            bytes=defaults.bytes if size is None else int(_number(name, "log_rotation.bytes", size, 0, (1 << 64) - 1)),
            seconds=defaults.seconds if age is None else int(_number(name, "log_rotation.seconds", age, 0, DWORD_MAX)),
        )
        if rotation.online and not rotation.bytes:
            raise _fail(name, "log_rotation.online", "needs log_rotation.bytes > 0",
                        "NSSM rotates a running service's file when it grows past that size; give one, or set "
                        "online: false.")

    exit_actions: Dict[str, str] = {}
    for code, action in (params.get("exit_actions") or {}).items():
        key = exit_code_key(name, code)
        canonical = next((a for a in EXIT_ACTIONS if str(action).lower() == a.lower()), None)
        if canonical is None:
            raise _fail(name, "exit_actions[%s]" % (code,), "is %r" % (action,),
                        "Use one of %s." % ", ".join(EXIT_ACTIONS))
        if key in exit_actions and exit_actions[key] != canonical:
            raise _fail(name, "exit_actions", "names exit code %s twice with different actions" % key,
                        "Keep one entry per exit code.")
        exit_actions[key] = canonical

    throttle = params.get("throttle")
    throttle_ms = 1500 if throttle is None else _millis(name, "throttle", _number(name, "throttle", throttle, 0, DWORD_MAX))

    methods = params.get("stop_methods")
    if methods is None:
        methods = list(STOP_METHOD_BITS)
    for method in methods:
        if method not in STOP_METHOD_BITS:
            raise _fail(name, "stop_methods item %r" % (method,), "is unknown",
                        "Use console, window, threads and/or terminate.")
    if not methods:
        raise _fail(name, "stop_methods", "is empty", "NSSM could never stop the program: name at least one method.")

    kill_tree = params.get("kill_process_tree")
    return NssmOptions(
        nssm_path=path,
        rotation=rotation,
        exit_actions=exit_actions,
        throttle_ms=throttle_ms,
        stop_methods=tuple(m for m in STOP_METHOD_BITS if m in methods),
        kill_process_tree=True if kill_tree is None else bool(kill_tree),
    )


def check_spec_for_nssm(spec: ServiceSpec) -> None:
    """What NSSM cannot carry: line breaks in the values it stores (each reaches a Windows
    command line through cmd.exe or PowerShell, and reg.exe prints a stored line break as a
    new line that cannot be told from the next value)."""
    for i, arg in enumerate(spec.args):
        if _LINE_BREAK.search(arg):
            raise _fail(spec.name, "args[%d]" % i, "contains a line break",
                        "NSSM stores the arguments as one line; pass the text another way (a file, an env value "
                        "without line breaks).")
    for key, value in spec.env.items():
        if _LINE_BREAK.search(value):
            raise _fail(spec.name, "env value of %s" % key, "contains a line break",
                        "NSSM stores each variable as one KEY=VALUE line; remove it.")
    for what, path in (("command", spec.command), ("working_dir", spec.working_dir)):
        if path is not None and '"' in path:
            raise _fail(spec.name, what, "contains a double quote", "Windows paths cannot contain '\"'.")
    for i, dep in enumerate(spec.dependencies):
        if not dep.strip():
            raise _fail(spec.name, "dependencies[%d]" % i, "is empty", "Name a service.")
    # Everything NSSM stores goes through a cmd.exe or PowerShell line and back through
    # reg.exe's line-by-line output: no controls or invisible (bidi, zero-width) characters.
    texts: List[Tuple[str, Optional[str]]] = [
        ("name", spec.name), ("command", spec.command), ("working_dir", spec.working_dir),
        ("display_name", spec.display_name), ("description", spec.description), ("account", spec.account),
        ("logs.stdout", spec.logs.stdout), ("logs.stderr", spec.logs.stderr)]
    texts += [("args[%d]" % i, a) for i, a in enumerate(spec.args)]
    texts += [("env key %r" % (k,), k) for k in spec.env]
    texts += [("env value of %s" % k, v) for k, v in spec.env.items()]
    texts += [("dependencies[%d]" % i, d) for i, d in enumerate(spec.dependencies)]
    for what, text in texts:
        if text is None:
            continue
        bad = shell_unsafe_char(text) if isinstance(text, str) else "?"
        if bad is not None:
            raise _fail(spec.name, what, "contains U+%04X, a control or invisible (bidi, zero-width) character"
                        % ord(bad) if bad != "?" else "is not text",
                        "Remove it: NSSM stores it in the registry through a Windows command line.")
    if not spec.name or spec.name != spec.name.strip() or any(c in spec.name for c in "/\\"):
        raise _fail(spec.name, "name", "is not a Windows service name",
                    "Give a name without '/', '\\' and without surrounding spaces.")


def expansion_warnings(spec: ServiceSpec) -> List[str]:
    """NSSM stores AppParameters and environment values as REG_EXPAND_SZ and expands
    ``%NAME%`` when it starts the program, with the service's environment (O(env) included);
    Windows has no escape for it. Say so whenever a value holds such a reference."""
    warnings = []
    for i, arg in enumerate(spec.args):
        found = _EXPANDABLE.findall(arg)
        if found:
            warnings.append("service %r: args[%d] holds %s: NSSM expands environment variables in the "
                            "arguments when it starts the program, so the program receives the variable's "
                            "value wherever it is defined." % (spec.name, i, ", ".join(found)))
    for key, value in spec.env.items():
        found = _EXPANDABLE.findall(value)
        if found:
            warnings.append("service %r: env value of %s holds %s: NSSM expands it when it starts the "
                            "program." % (spec.name, key, ", ".join(found)))
    return warnings


def log_directories(spec: ServiceSpec) -> List[str]:
    """The directories of the log files, each once (compared case-insensitively)."""
    found: Dict[str, str] = {}
    if spec.logs.mode == "file":
        for path in (spec.logs.stdout, spec.logs.stderr):
            if path:
                directory = ntpath.dirname(path)
                if ntpath.dirname(directory) != directory:  # not a drive root
                    found.setdefault(directory.lower(), directory)
    return list(found.values())


def app_directory(spec: ServiceSpec) -> str:
    return spec.working_dir or ntpath.dirname(spec.command or "")


def render_parameters(spec: ServiceSpec, opts: NssmOptions) -> NssmParameters:
    """The NSSM configuration that makes ``spec`` true (``spec.command`` must be set)."""
    if not spec.command:
        raise _fail(spec.name, "command", "is required unless state is absent",
                    "Give the absolute path of the program.")
    check_spec_for_nssm(spec)
    name = spec.name
    values: Dict[str, NssmValue] = {
        "Application": spec.command,
        # One argument holding the whole, quoted text: `nssm set NAME AppParameters a b`
        # would join several arguments with spaces and lose their quoting.
        "AppParameters": join_args(spec.args),
        "AppDirectory": app_directory(spec),
        "AppEnvironmentExtra": ["%s=%s" % (k, v) for k, v in spec.env.items()],
    }
    rotation = LogRotation(files=False, online=False, bytes=0, seconds=0)
    if spec.logs.mode == "file":
        stdout = spec.logs.stdout or ""
        values["AppStdout"] = stdout
        values["AppStderr"] = spec.logs.stderr or stdout
        rotation = opts.rotation or LogRotation()
    else:
        values["AppStdout"] = ""
        values["AppStderr"] = ""
        if opts.rotation is not None:
            raise _fail(name, "log_rotation", "is set but the service logs to no file",
                        "Set logs.stdout (and logs.stderr), or remove log_rotation.")
    values["AppStdoutCreationDisposition"] = OPEN_ALWAYS
    values["AppStderrCreationDisposition"] = OPEN_ALWAYS
    values["AppRotateFiles"] = int(rotation.files)
    values["AppRotateOnline"] = int(rotation.online)
    values["AppRotateBytes"] = rotation.bytes & DWORD_MAX
    values["AppRotateBytesHigh"] = rotation.bytes >> 32
    values["AppRotateSeconds"] = rotation.seconds

    values["AppRestartDelay"] = _millis(name, "restart.delay", spec.restart.delay)
    values["AppThrottle"] = opts.throttle_ms
    skip = 0
    for method, bit in STOP_METHOD_BITS.items():
        if method not in opts.stop_methods:
            skip |= bit
    values["AppStopMethodSkip"] = skip
    # Each stop method that reaches the program gets the whole graceful window.
    stop_ms = _millis(name, "stop_timeout", spec.stop_timeout)
    values["AppStopMethodConsole"] = stop_ms
    values["AppStopMethodWindow"] = stop_ms
    values["AppStopMethodThreads"] = stop_ms
    values["AppKillProcessTree"] = int(opts.kill_process_tree)

    values["DisplayName"] = spec.display_name or name
    values["Description"] = spec.description or ""
    values["Start"] = WIN_START_MODES[spec.start_mode].start_type
    values["ObjectName"] = normalize_account(spec.account)
    values["DependOnService"] = list(spec.dependencies)

    app_exit = policy_exit_actions(spec.restart.policy)
    app_exit.update(opts.exit_actions)
    default = app_exit["Default"]
    # An exit code with the default's action says nothing: NSSM would apply it anyway.
    app_exit = {code: action for code, action in app_exit.items() if code == "Default" or action != default}
    return NssmParameters(values, app_exit)


def policy_exit_actions(policy: str) -> Dict[str, str]:
    """restart.policy as AppExit: always restarts on any exit, on-failure on any exit but 0,
    never on none (the service stops with the program)."""
    if policy == "always":
        return {"Default": "Restart"}
    if policy == "on-failure":
        return {"Default": "Restart", "0": "Exit"}
    return {"Default": "Exit"}


def effective_parameters(values: Mapping[str, Any], app_exit: Mapping[str, str]) -> NssmParameters:
    """Fill NSSM's defaults in for missing managed values (``values`` as stored: the
    Parameters subkey's values plus the SCM's DisplayName, Description, Start, ObjectName,
    DependOnService). An empty AppDirectory is the application's directory, as NSSM uses
    it; AppExit's default action is Restart."""
    out: Dict[str, NssmValue] = {}
    for name in PARAMETER_ORDER:
        value = values.get(name)
        if value is None or (name == "AppDirectory" and value == ""):
            if name in NSSM_DEFAULTS:
                value = NSSM_DEFAULTS[name]
            elif name == "AppDirectory":
                value = ntpath.dirname(str(values.get("Application") or ""))
            else:
                value = ""
        out[name] = list(value) if isinstance(value, list) else value
    exits = {"Default": DEFAULT_EXIT_ACTION}
    for code, action in app_exit.items():
        canonical = next((a for a in EXIT_ACTIONS if a.lower() == str(action).lower()), str(action))
        exits["Default" if code.lower() == "default" else code] = canonical
    return NssmParameters(out, exits)


def installed_parameters(name: str, command: str) -> NssmParameters:
    """What ``nssm install NAME COMMAND`` leaves (measured with NSSM 2.24-101): the
    application, its directory, empty arguments, display name = service name, automatic
    start as LocalSystem, everything else at its default."""
    return effective_parameters({
        "Application": command,
        "AppDirectory": ntpath.dirname(command),
        "AppParameters": "",
        "DisplayName": name,
        "Start": WIN_START_MODES["auto"].start_type,
        "ObjectName": "LocalSystem",
    }, {"Default": "Restart"})


def text_matches(desired: str, shown: str, lossy: bool = True) -> bool:
    """Whether ``shown`` (a value as the host printed it) can be ``desired``. Text is
    compared exactly, except, with ``lossy``, characters outside ASCII: reg.exe and NSSM
    print through the console or ANSI code page, which turns what it lacks into ``?``, a
    look-alike (best fit) or bytes that do not decode, so each may stand for any text."""
    if desired == shown:
        return True
    if not lossy or all(ord(c) < 128 for c in desired):
        return False
    pattern = "".join(re.escape(c) if ord(c) < 128 else ".+?" for c in desired)
    return re.fullmatch(pattern, shown, re.DOTALL) is not None


def same_value(parameter: str, desired: Any, shown: Any, lossy: bool = True) -> bool:
    """Whether the host's value of ``parameter`` means ``desired`` to NSSM and the SCM."""
    if shown is None:
        return False
    if parameter in _CASELESS:
        return text_matches(str(desired).lower(), str(shown).lower(), lossy)
    if parameter == "ObjectName":
        return same_account(str(desired), str(shown)) or text_matches(str(desired), str(shown), lossy)
    if parameter == "DependOnService":
        return text_matches("\\0".join(sorted(str(x).lower() for x in desired)),
                            "\\0".join(sorted(str(x).lower() for x in shown)), lossy)
    if isinstance(desired, list) and isinstance(shown, list):
        # reg.exe prints a REG_MULTI_SZ joined by the two characters \0, so an item that
        # holds them splits when read back; the printed text is what can be compared.
        return text_matches("\\0".join(desired), "\\0".join(shown), lossy)
    if isinstance(desired, str) and isinstance(shown, str):
        return text_matches(desired, shown, lossy)
    return bool(desired == shown)


def lossy_parameters(desired: NssmParameters, shown: NssmParameters) -> List[str]:
    """Parameters that match only because the host could not print some of their characters."""
    return [name for name, value in desired.values.items()
            if same_value(name, value, shown.values.get(name))
            and not same_value(name, value, shown.values.get(name), lossy=False)]


def is_default(parameter: str, value: Any) -> bool:
    return parameter in NSSM_DEFAULTS and parameter not in _NEVER_RESET \
        and same_value(parameter, value, NSSM_DEFAULTS[parameter])


def format_value(value: Any) -> str:
    """A value for a change's reason: text in double quotes, as it is (so spaces and
    emptiness show, and a Windows path keeps its single backslashes)."""
    if isinstance(value, list):
        return "[" + ", ".join('"%s"' % v for v in value) + "]"
    if isinstance(value, str):
        return '"%s"' % value
    return str(value)


# ---------------------------------------------------------------------------------------
# nssm.exe commands

def install_argv(nssm: str, name: str, command: str) -> List[str]:
    """Registers the service with its application only: arguments go through
    ``set AppParameters`` (``install`` would re-join them without their quoting)."""
    return [nssm, "install", name, command]


def set_argv(nssm: str, name: str, parameter: str, params: NssmParameters,
             password: Optional[str] = None) -> List[str]:
    """``nssm set`` (or ``reset``, for a default) of one managed parameter to its value in
    ``params``. ``parameter`` may be ``AppExit <code>``. ObjectName takes the password as
    its last argument when one is given: NSSM reads it nowhere else."""
    if parameter.startswith("AppExit "):
        code = parameter.split(" ", 1)[1]
        if code != "Default" and code not in params.app_exit:
            return [nssm, "reset", name, "AppExit", code]
        return [nssm, "set", name, "AppExit", code, params.exit_action(code)]
    if parameter == "ImagePath":
        raise ValueError("ImagePath is set with image_path_argv")
    value = params.values[parameter]
    if parameter == "ObjectName":
        return [nssm, "set", name, "ObjectName", str(value)] + ([password] if password is not None else [])
    if is_default(parameter, value):
        return [nssm, "reset", name, parameter]
    if isinstance(value, list):
        return [nssm, "set", name, parameter] + [str(v) for v in value]
    return [nssm, "set", name, parameter, str(value)]


def image_path_argv(nssm: str, name: str, image_path: str) -> List[str]:
    """NSSM writes ImagePath as given: pass it quoted (see ``build_image_path``), or the
    SCM would try ``C:\\Program.exe`` first for a path with spaces."""
    return [nssm, "set", name, "ImagePath", image_path]


def remove_argv(nssm: str, name: str) -> List[str]:
    """Without ``confirm`` NSSM asks in a dialog box, which fails on a headless session."""
    return [nssm, "remove", name, "confirm"]
