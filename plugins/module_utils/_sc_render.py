# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the service spec for the Service Control Manager: a desired configuration, and
the sc.exe / reg.exe argv lists that read a service or write that configuration.

sc.exe takes ``option= value`` as TWO arguments (``"start=" "auto"``: the option name ends
in ``=`` and a space must follow it). Every list here is an argv; the command line is built
from it by ``_win_cmdline.join_argv`` in one place, so values with spaces, quotes or an empty
value (written ``""``) reach sc.exe exactly. Nothing here runs anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._sc_output import FailureAction
from ._values import ValueProblem, seconds
from ._spec import MAX_SECONDS, ServiceSpec, SpecError
from ._win_account import PASSWORD_OPTIONS, UPDATE_PASSWORD, fingerprint_read_argv, normalize_account
from ._win_cmdline import CommandLineError, build_image_path, shell_unsafe_char
from ._win_registry import service_registry_argv
from ._win_start_mode import WIN_START_MODES

SC = "sc.exe"
REG = "reg.exe"
# Bytes sc.exe may use for qc/qfailure/qdescription: its default is too small for a long
# description or dependency list, and it then fails with error 122 instead of printing.
QUERY_BUFSIZE = "8192"

# The failure_actions option's words -> sc.exe's words (FailureAction.action).
FAILURE_ACTION_WORDS: Dict[str, str] = {
    "restart": "restart",
    "run_command": "run",
    "reboot": "reboot",
    "none": "none",
}
# The options of win_service beyond the neutral spec.
WINDOWS_OPTIONS: Dict[str, Any] = dict(
    PASSWORD_OPTIONS,
    failure_actions=dict(
        type="list",
        elements="dict",
        options=dict(
            type=dict(type="str", required=True, choices=list(FAILURE_ACTION_WORDS)),
            delay=dict(type="float", default=0.0),
        ),
    ),
    failure_command=dict(type="str"),
    failure_reset_period=dict(type="float"),
    failure_actions_on_non_crash_failures=dict(type="bool"),
)


@dataclass(frozen=True)
class Recovery:
    """What the SCM does when the service fails (``sc failure`` and ``sc failureflag``).

    ``actions`` are applied to the 1st, 2nd, ... failure; the SCM repeats the last one for
    every later failure, so a trailing ``none`` ends the restarts. ``command`` is None when
    the task leaves the failure command alone. ``non_crash_failures`` also applies the
    actions when the service stops itself with a non-zero exit code (not only on a crash,
    i.e. a process that ends without reporting SERVICE_STOPPED).
    """

    reset_period_s: int
    actions: Tuple[FailureAction, ...]
    command: Optional[str]
    non_crash_failures: bool


@dataclass(frozen=True)
class ScConfig:
    """The service as the SCM should hold it: one value per property sc.exe writes."""

    name: str
    image_path: str
    display_name: str
    description: str
    start_mode: str
    account: str
    dependencies: Tuple[str, ...]
    recovery: Recovery


@dataclass
class WinOptions:
    """win_service's own options (see WINDOWS_OPTIONS)."""

    password: Optional[str] = None
    update_password: str = "on_change"
    failure_actions: Optional[List[Dict[str, Any]]] = None
    failure_command: Optional[str] = None
    failure_reset_period: Optional[float] = None
    failure_actions_on_non_crash_failures: Optional[bool] = None

    @classmethod
    def from_params(cls, params: Dict[str, Any]) -> "WinOptions":
        return cls(
            password=params.get("password"),
            update_password=params.get("update_password") or "on_change",
            failure_actions=params.get("failure_actions"),
            failure_command=params.get("failure_command"),
            failure_reset_period=params.get("failure_reset_period"),
            failure_actions_on_non_crash_failures=params.get("failure_actions_on_non_crash_failures"),
        )


def _fail(name: str, key: str, problem: str, fix: str) -> SpecError:
    return SpecError("service %r: %s %s. %s" % (name, key, problem, fix))


def _seconds(name: str, key: str, value: Any) -> float:
    """A delay or period of the recovery settings: finite seconds the SCM can store."""
    try:
        return seconds(value, 0.0, maximum=MAX_SECONDS)
    except ValueProblem as exc:
        raise _fail(name, key, exc.problem, exc.fix) from None


def _check_text(name: str, key: str, value: Optional[str], secret: bool = False) -> None:
    """Every value reaches sc.exe or reg.exe on a cmd.exe or PowerShell line, and comes back
    through their line-by-line output: it must be one line without invisible characters."""
    if value is None:
        return
    if not isinstance(value, str):
        raise _fail(name, key, "is %s, not text" % type(value).__name__, "Give a string.")
    bad = shell_unsafe_char(value)
    if bad is not None:
        # A password is never shown, not even in an error.
        shown = "" if secret else "%r " % (value,)
        raise _fail(name, key, "%scontains U+%04X, a line break, control or invisible (bidi, zero-width) "
                    "character" % (shown, ord(bad)), "Remove it: Windows command lines cannot carry it literally.")


def check_values(spec: ServiceSpec, opts: "WinOptions") -> None:
    """Refuse, with the key, any text the SCM commands could not carry faithfully."""
    if not isinstance(spec.name, str) or not spec.name or spec.name != spec.name.strip() \
            or any(c in spec.name for c in "/\\"):
        raise _fail(str(spec.name), "name", "is not a Windows service name",
                    "Give a name without '/', '\\' and without surrounding spaces.")
    _check_text(spec.name, "name", spec.name)
    for key in ("command", "display_name", "description", "account"):
        _check_text(spec.name, key, getattr(spec, key))
    for i, arg in enumerate(spec.args):
        _check_text(spec.name, "args[%d]" % i, arg)
    for i, dep in enumerate(spec.dependencies):
        _check_text(spec.name, "dependencies[%d]" % i, dep)
    _check_text(spec.name, "failure_command", opts.failure_command)
    _check_text(spec.name, "password", opts.password, secret=True)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def check_supported(spec: ServiceSpec) -> None:
    """Refuse what the SCM cannot do for a plain service program: env, a working directory
    and log files are the program's surroundings, which only a wrapper (NSSM) provides;
    sockets opened for the program exist on systemd only."""
    nssm = "Use svcwright.services.win_nssm (NSSM runs the program with it), or remove the option."
    if spec.env:
        raise _fail(spec.name, "env", "is not supported by the Service Control Manager", nssm)
    if spec.working_dir:
        raise _fail(spec.name, "working_dir", "is not supported by the Service Control Manager "
                    "(services start in C:\\Windows\\System32)", nssm)
    if spec.logs.mode == "file":
        raise _fail(spec.name, "logs", "cannot be redirected to files by the Service Control Manager "
                    "(a service's stdout and stderr go nowhere)", nssm)
    if spec.sockets:
        raise _fail(spec.name, "sockets", "cannot be opened for the program on Windows (there is no socket "
                    "activation)", "Let the program bind its address itself (e.g. args: [-listen, ':8080']).")


def recovery_from(spec: ServiceSpec, opts: WinOptions) -> Recovery:
    """The recovery settings for the spec's restart policy, or for explicit failure_actions.

    ``restart.max_restarts`` restarts, each after ``restart.delay``, then no action; the
    failure count is reset after ``restart.window`` seconds without failures. A
    ``max_restarts`` of 0 (no limit) is one restart action, which the SCM repeats forever.
    """
    name = spec.name
    if opts.failure_actions is not None:
        actions = []
        for i, item in enumerate(opts.failure_actions):
            word = FAILURE_ACTION_WORDS.get(str(item.get("type")))
            if word is None:
                raise _fail(name, "failure_actions[%d].type" % i, "is %r" % (item.get("type"),),
                            "Use one of %s." % ", ".join(FAILURE_ACTION_WORDS))
            delay = _seconds(name, "failure_actions[%d].delay" % i, item.get("delay") or 0.0)
            actions.append(FailureAction(word, _ms(delay)))
    elif spec.restart.policy == "never":
        actions = []
    else:
        restart = FailureAction("restart", _ms(spec.restart.delay))
        if spec.restart.max_restarts == 0:
            actions = [restart]
        else:
            actions = [restart] * spec.restart.max_restarts + [FailureAction("none", 0)]

    runs = any(a.action == "run" for a in actions)
    if runs and not opts.failure_command:
        raise _fail(name, "failure_actions", "has a run_command action but failure_command is not set",
                    "Give failure_command, the command line to run.")
    if opts.failure_command is not None:
        if not runs:
            raise _fail(name, "failure_command", "is set but no failure action runs it",
                        "Add {type: run_command} to failure_actions, or remove failure_command.")
        if any(c in opts.failure_command for c in "\r\n\0"):
            raise _fail(name, "failure_command", "contains a line break or NUL", "Give one command line.")

    period = (_seconds(name, "failure_reset_period", opts.failure_reset_period)
              if opts.failure_reset_period is not None else spec.restart.window)
    non_crash = opts.failure_actions_on_non_crash_failures
    if non_crash is None:
        # A service that stops itself with an error has failed in the spec's sense too
        # (on systemd, Restart=on-failure restarts it), so both policies include it.
        non_crash = spec.restart.policy != "never"
    return Recovery(int(round(period)), tuple(actions), opts.failure_command, bool(non_crash))


def desired_config(spec: ServiceSpec, opts: WinOptions) -> ScConfig:
    """The ScConfig that makes ``spec`` true; SpecError for what the SCM cannot do."""
    check_supported(spec)
    check_values(spec, opts)
    if opts.update_password not in UPDATE_PASSWORD:
        raise _fail(spec.name, "update_password", "is %r" % (opts.update_password,),
                    "Use one of %s." % ", ".join(UPDATE_PASSWORD))
    if spec.command is None:
        raise _fail(spec.name, "command", "is required unless state is absent",
                    "Give the absolute path of the service program.")
    try:
        image_path = build_image_path(spec.command, spec.args)
    except CommandLineError as exc:
        raise _fail(spec.name, "command", "cannot be written as a service command line (%s)" % exc,
                    "Remove the double quote from the path.")
    deps = []
    for i, dep in enumerate(spec.dependencies):
        if not dep or "/" in dep or dep.strip() != dep:
            raise _fail(spec.name, "dependencies[%d]" % i, "is %r" % (dep,),
                        "Give a service name (or +group) without '/' and without surrounding spaces.")
        deps.append(dep)
    return ScConfig(
        name=spec.name,
        image_path=image_path,
        display_name=spec.display_name or spec.name,
        description=spec.description or "",
        start_mode=spec.start_mode,
        account=normalize_account(spec.account),
        dependencies=tuple(deps),
        recovery=recovery_from(spec, opts),
    )


# ---------------------------------------------------------------------------------------
# argv lists

# The reads of one service, in the order of one round trip. Each is tried on every host:
# Wine's sc.exe lacks queryex/qc/qfailure/qdescription, and the registry then tells.
READS = ("queryex", "query", "qc", "qfailure", "qdescription", "registry", "fingerprint")


def read_argvs(name: str) -> List[List[str]]:
    """Everything win_service reads about a service, in the order of READS."""
    return [
        [SC, "queryex", name],
        [SC, "query", name],
        [SC, "qc", name, QUERY_BUFSIZE],
        [SC, "qfailure", name, QUERY_BUFSIZE],
        [SC, "qdescription", name, QUERY_BUFSIZE],
        service_registry_argv(name),
        fingerprint_read_argv(name),
    ]


def depend_value(dependencies: Sequence[str]) -> str:
    # sc.exe splits depend= at '/'; a lone '/' is its way of writing "no dependencies".
    return "/".join(dependencies) if dependencies else "/"


def create_argv(cfg: ScConfig, password: Optional[str] = None) -> List[str]:
    """``sc create`` with every property CreateService takes. binPath= is always quoted."""
    _check_text(cfg.name, "password", password, secret=True)
    argv = [SC, "create", cfg.name, "binPath=", cfg.image_path, "type=", "own",
            "start=", WIN_START_MODES[cfg.start_mode].sc_word, "DisplayName=", cfg.display_name,
            "obj=", cfg.account]
    if password is not None:
        argv += ["password=", password]
    if cfg.dependencies:
        argv += ["depend=", depend_value(cfg.dependencies)]
    return argv


# sc config options in the order sc.exe documents them, with the ScConfig value of each.
CONFIG_OPTIONS = ("binPath=", "start=", "depend=", "obj=", "DisplayName=", "password=")


def config_argv(cfg: ScConfig, options: Sequence[str], password: Optional[str] = None) -> List[str]:
    """``sc config`` with only ``options`` (names from CONFIG_OPTIONS). A password is always
    written together with obj=, as ChangeServiceConfig takes them as one account."""
    wanted = set(options)
    unknown = wanted - set(CONFIG_OPTIONS)
    if unknown:
        raise ValueError("unknown sc config options: %s" % ", ".join(sorted(unknown)))
    _check_text(cfg.name, "password", password, secret=True)
    if "password=" in wanted:
        if password is None:
            raise ValueError("password= without a password")
        wanted.add("obj=")
    values = {
        "binPath=": cfg.image_path,
        "start=": WIN_START_MODES[cfg.start_mode].sc_word,
        "depend=": depend_value(cfg.dependencies),
        "obj=": cfg.account,
        "DisplayName=": cfg.display_name,
        "password=": password,
    }
    argv = [SC, "config", cfg.name]
    for option in CONFIG_OPTIONS:
        if option in wanted:
            value = values[option]
            argv += [option, value if value is not None else ""]
    return argv


def description_argv(name: str, description: str) -> List[str]:
    return [SC, "description", name, description]


def failure_actions_value(actions: Sequence[FailureAction]) -> str:
    """sc.exe's ``actions=`` value: ``restart/2000/restart/2000//0``; an empty action word
    is no action (typed ``""`` at a prompt), and ``""`` (no actions at all) clears them."""
    parts = []
    for action in actions:
        parts += ["" if action.action == "none" else action.action, str(action.delay_ms)]
    return "/".join(parts)


def failure_argv(name: str, recovery: Recovery) -> List[str]:
    argv = [SC, "failure", name, "reset=", str(recovery.reset_period_s),
            "actions=", failure_actions_value(recovery.actions)]
    if recovery.command is not None:
        argv += ["command=", recovery.command]
    return argv


def failureflag_argv(name: str, on: bool) -> List[str]:
    return [SC, "failureflag", name, "1" if on else "0"]


# ---------------------------------------------------------------------------------------
# Text for diffs and results

def describe_actions(actions: Sequence[FailureAction]) -> str:
    """``5 x restart after 2000 ms, none``: runs of equal actions counted, ``none`` for no
    actions at all."""
    if not actions:
        return "none"
    runs: List[List[Any]] = []
    for action in actions:
        if runs and runs[-1][0] == action:
            runs[-1][1] += 1
        else:
            runs.append([action, 1])
    parts = []
    for action, count in runs:
        text = action.action if action.action == "none" and not action.delay_ms else (
            "%s after %d ms" % (action.action, action.delay_ms))
        parts.append(text if count == 1 else "%d x %s" % (count, text))
    return ", ".join(parts)
