# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan: what must change so that a Windows service matches its spec.

What the host has is read in one round trip (``_sc_render.read_argvs``) and turned into an
``Observed`` here: from ``sc qc``/``qfailure``/``qdescription`` where the host's sc.exe has
them (real Windows), else from the service's registry key (Wine 8's sc.exe has none of them
and no ``config`` either). The plan is a list of changes in execution order: check mode
reports it, a real run executes it, an empty plan is changed=false. Nothing here does I/O.

Changes, with the target that each names:

* ``create``/``delete``/``start``/``stop``/``restart`` the service;
* ``config`` one sc.exe option (``binPath=``, ``start=``, ``depend=``, ``obj=``,
  ``DisplayName=``, ``password=``): all of a plan's config changes are ONE ``sc config``;
* ``description``, ``failure`` (recovery actions), ``failureflag`` (non-crash failures);
* ``delete_fingerprint``: the password fingerprint of a removed service.

A host whose sc.exe has no ``config`` (Wine) gets its configuration changes by deleting and
creating the service again (``delete`` with that reason, then ``create``). Recovery settings
that the host cannot read back (no ``qfailure`` and nothing in the registry: Wine) are left
alone with a warning, so that a run never claims what it cannot verify.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from ._sc_output import (
    FailureAction,
    ScFailedError,
    ScServiceStatus,
    is_sc_usage,
    parse_sc_qc,
    parse_sc_qdescription,
    parse_sc_qfailure,
)
from ._sc_render import (
    Recovery,
    ScConfig,
    config_argv,
    create_argv,
    describe_actions,
    description_argv,
    failure_argv,
    failureflag_argv,
)
from ._spec import SpecError
from ._systemd_plan import Change
from ._win_account import (
    check_password,
    fingerprint_delete_argv,
    fingerprint_set_argv,
    needs_password,
    parse_fingerprint,
    password_matches,
    same_account,
)
from ._win_cmdline import is_unquoted_path_with_spaces, same_image_path
from ._win_registry import ObserveError, parse_service_registry, service_key
from ._win_service_state import is_up, needs_stop
from ._win_text import WinOutputParseError

# Options that a running service only picks up when it starts again.
RESTART_OPTIONS = ("binPath=", "obj=", "password=")


@dataclass
class Observed:
    """The service as the host reports it. ``exists`` False leaves the rest unset.

    ``recovery`` is None when the host cannot report recovery settings. ``lacks`` names the
    sc.exe commands this host does not have (from the reads: Wine has no queryex, qc,
    qfailure, qdescription, and, with qc, no config). ``source`` says where the
    configuration came from: ``sc`` (sc qc) or ``registry``.
    """

    name: str
    exists: bool
    status: Optional[ScServiceStatus] = None
    image_path: str = ""
    display_name: str = ""
    description: str = ""
    start_mode: str = ""
    account: str = ""
    dependencies: Tuple[str, ...] = ()
    recovery: Optional[Recovery] = None
    fingerprint: Optional[str] = None
    lacks: Tuple[str, ...] = ()
    source: str = "sc"

    @property
    def can_config(self) -> bool:
        return "qc" not in self.lacks


@dataclass
class Plan:
    changes: List[Change] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @property
    def config_options(self) -> List[str]:
        return [c.target for c in self.changes if c.action == "config"]

    def has(self, action: str) -> bool:
        return any(c.action == action for c in self.changes)


# ---------------------------------------------------------------------------------------
# Reading

def lacks_command(rc: int, output: str) -> bool:
    """Whether sc.exe does not know the command: real sc.exe prints its usage for an
    unknown command, Wine's prints nothing and exits 1. (A real failure prints ``[SC]``.)"""
    return rc != 0 and (not output.strip() or is_sc_usage(output))


def _sc_read(what: str, parse, rc: int, output: str):
    try:
        return parse(output)
    except ScFailedError as exc:
        raise ObserveError("sc %s failed: %s" % (what, exc.failure.describe()))
    except WinOutputParseError as exc:
        raise ObserveError("cannot read the output of sc %s (rc %s): %s" % (what, rc, exc))


def observe(name: str, status: Optional[ScServiceStatus], reads: Mapping[str, Tuple[int, str]]) -> Observed:
    """Build Observed from the status (None: the service does not exist) and the other
    reads of ``_sc_render.READS``, each an ``(rc, output)`` pair."""
    lacks = tuple(k for k in ("queryex", "qc", "qfailure", "qdescription") if lacks_command(*reads[k]))
    fingerprint = parse_fingerprint(*reads["fingerprint"])
    if status is None:
        return Observed(name, False, lacks=lacks, fingerprint=fingerprint)
    reg = parse_service_registry(*reads["registry"], name)
    if reg is None:
        raise ObserveError("sc query reports the service but its registry key %s cannot be read" % service_key(name))
    obs = Observed(name, True, status=status, lacks=lacks, fingerprint=fingerprint)

    if "qc" in lacks:
        obs.source = "registry"
        obs.image_path = reg.image_path or ""
        obs.display_name = reg.display_name or name
        obs.start_mode = reg.start_mode or ""
        obs.account = reg.object_name or "LocalSystem"
        obs.dependencies = tuple(reg.depend_on_service) + tuple("+" + g for g in reg.depend_on_group)
    else:
        qc = _sc_read("qc", parse_sc_qc, *reads["qc"])
        obs.image_path = qc.binary_path_name
        obs.display_name = qc.display_name or name
        obs.start_mode = qc.start_mode
        obs.account = qc.service_start_name
        obs.dependencies = tuple(qc.dependencies)

    if "qdescription" in lacks:
        obs.description = reg.description or ""
    else:
        obs.description = _sc_read("qdescription", parse_sc_qdescription, *reads["qdescription"])

    # The FailureActions value is the SCM's own storage of the actions, exact to the byte;
    # sc qfailure prints them for people (whether it prints a NONE action is not on record).
    non_crash = reg.failure_actions_on_non_crash_failures
    qf = None if "qfailure" in lacks else _sc_read("qfailure", parse_sc_qfailure, *reads["qfailure"])
    command = (qf.command_line if qf is not None else reg.failure_command) or ""
    if reg.failure_actions is not None:
        fa = reg.failure_actions
        obs.recovery = Recovery(fa.reset_period_s, tuple(fa.actions), command, non_crash)
    elif qf is not None:
        obs.recovery = Recovery(qf.reset_period_s or 0, tuple(qf.actions), command, non_crash)
    return obs


# ---------------------------------------------------------------------------------------
# Planning

def _deps_key(deps: Sequence[str]) -> List[str]:
    return sorted(d.lower() for d in deps)


def _recovery_changes(desired: ScConfig, observed: Optional[Recovery], host_reads_it: bool,
                      new: bool) -> Tuple[List[Change], List[str]]:
    want = desired.recovery
    name = desired.name
    if observed is None and not (new and host_reads_it):
        if not want.actions and want.command is None:
            return [], []
        return [], ["service %r: recovery settings (%s) were not applied: this host cannot report them back "
                    "(its sc.exe has no qfailure and the registry holds no FailureActions value), so a change "
                    "could not be verified." % (name, describe_actions(want.actions))]
    have = observed or Recovery(0, (), "", False)
    changes: List[Change] = []
    reasons = []
    if tuple(have.actions) != tuple(want.actions):
        reasons.append("actions are %s, want %s" % (describe_actions(have.actions), describe_actions(want.actions)))
    elif want.actions and have.reset_period_s != want.reset_period_s:
        reasons.append("reset period is %d s, want %d s" % (have.reset_period_s, want.reset_period_s))
    if want.command is not None and (have.command or "") != want.command:
        reasons.append("failure command differs")
    if reasons:
        changes.append(Change("failure", name, "; ".join(reasons)))
    if want.actions and have.non_crash_failures != want.non_crash_failures:
        changes.append(Change("failureflag", name, "actions on non-crash failures: %s, want %s"
                              % ("on" if have.non_crash_failures else "off",
                                 "on" if want.non_crash_failures else "off")))
    return changes, []


def _config_reasons(desired: ScConfig, observed: Observed, password: Optional[str],
                    update_password: str) -> Dict[str, str]:
    """The sc config options whose value differs, each with why (in CONFIG_OPTIONS order)."""
    out: Dict[str, str] = {}
    if is_unquoted_path_with_spaces(observed.image_path):
        out["binPath="] = "the program path is unquoted and contains spaces"
    elif not same_image_path(observed.image_path, desired.image_path):
        out["binPath="] = "command line differs"
    if observed.start_mode != desired.start_mode:
        out["start="] = "start mode is %s, want %s" % (observed.start_mode or "unknown", desired.start_mode)
    if _deps_key(observed.dependencies) != _deps_key(desired.dependencies):
        out["depend="] = "dependencies are [%s], want [%s]" % (
            ", ".join(observed.dependencies), ", ".join(desired.dependencies))
    account_changes = not same_account(observed.account, desired.account)
    if account_changes:
        out["obj="] = "account is %s, want %s" % (observed.account, desired.account)
    if observed.display_name != desired.display_name:
        out["DisplayName="] = "display name differs"
    if password is not None:
        if account_changes:
            out["password="] = "the new account logs on with a password"
        elif update_password == "always":
            out["password="] = "update_password is always"
        elif update_password == "on_change":
            if observed.fingerprint is None:
                out["password="] = "no fingerprint of the current password is on record"
            elif not password_matches(password, observed.fingerprint):
                out["password="] = "the password differs from the one last set"
    return out


def _creation(desired: ScConfig, state: str, observed: Observed, reason: str, started: str) -> Plan:
    plan = Plan([Change("create", desired.name, reason)])
    if desired.description:
        plan.changes.append(Change("description", desired.name, "set the description"))
    changes, warnings = _recovery_changes(desired, None, "qfailure" not in observed.lacks, True)
    plan.changes += changes
    plan.warnings += warnings
    if state in ("started", "restarted"):
        plan.changes.append(Change("start", desired.name, started))
    return plan


def plan_changes(desired: Optional[ScConfig], state: str, observed: Observed,
                 password: Optional[str] = None, update_password: str = "on_change") -> Plan:
    """The ordered changes that make ``observed`` match ``desired`` in ``state``.

    ``desired`` is None only for state absent. Raises SpecError for an account without the
    password it needs, or a password for an account that has none.
    """
    name = observed.name
    status = observed.status
    warnings: List[str] = []
    if observed.exists and is_unquoted_path_with_spaces(observed.image_path):
        warnings.append("service %r has an unquoted program path with spaces (%s): Windows may start another "
                        "program (e.g. C:\\Program.exe) in its place.%s"
                        % (name, observed.image_path, "" if state == "absent" else " This run quotes it."))

    if state == "absent":
        plan = Plan(warnings=warnings)
        if observed.exists:
            if needs_stop(status):
                plan.changes.append(Change("stop", name, "state is absent"))
            plan.changes.append(Change("delete", name, "state is absent"))
        if observed.fingerprint is not None:
            plan.changes.append(Change("delete_fingerprint", name, "the service is removed"))
        return plan
    if desired is None:
        raise ValueError("a desired configuration is required unless state is absent")

    check_password(name, desired.account, password,
                   not observed.exists or not same_account(observed.account, desired.account), update_password)
    if not observed.exists:
        plan = _creation(desired, state, observed, "the service does not exist", "the service was created")
        plan.warnings = warnings + plan.warnings
        return plan

    reasons = _config_reasons(desired, observed, password, update_password)
    if reasons and not observed.can_config:
        if password is None and needs_password(desired.account):
            raise SpecError("service %r: this host's sc.exe has no config command, so the service is recreated "
                            "to change it, which needs the password of account %s. Give password."
                            % (name, desired.account))
        plan = Plan(warnings=warnings)
        if needs_stop(status):
            plan.changes.append(Change("stop", name, "it is recreated"))
        plan.changes.append(Change("delete", name, "recreate: this host's sc.exe has no config command, and %s"
                                   % "; ".join("%s %s" % (o, r) for o, r in reasons.items())))
        again = _creation(desired, state, observed, "recreate with the new configuration",
                          "the service was recreated")
        plan.changes += again.changes
        plan.warnings += again.warnings
        return plan

    plan = Plan([Change("config", option, reason) for option, reason in reasons.items()], warnings)
    if observed.description != desired.description:
        plan.changes.append(Change("description", name, "description differs"))
    changes, more = _recovery_changes(desired, observed.recovery, "qfailure" not in observed.lacks, False)
    plan.changes += changes
    plan.warnings += more

    running = is_up(status)
    restart_for = [reasons[o] for o in RESTART_OPTIONS if o in reasons]
    if state == "started":
        if not running:
            plan.changes.append(Change("start", name, "the service is %s" % _state_word(status)))
        elif restart_for:
            plan.changes.append(Change("restart", name, "; ".join(restart_for)))
    elif state == "restarted":
        if running:
            plan.changes.append(Change("restart", name, "state is restarted"))
        else:
            plan.changes.append(Change("start", name, "state is restarted and the service is %s" % _state_word(status)))
    elif state == "stopped" and needs_stop(status):
        plan.changes.append(Change("stop", name, "state is stopped"))
    return plan


def differences(desired: ScConfig, observed: Observed) -> List[Change]:
    """The configuration changes still needed (passwords aside): after a write, what the
    host did not apply."""
    if not observed.exists:
        return [Change("create", desired.name, "the service does not exist")]
    changes = [Change("config", o, r) for o, r in _config_reasons(desired, observed, None, "on_create").items()]
    if observed.description != desired.description:
        changes.append(Change("description", desired.name, "description differs"))
    changes += _recovery_changes(desired, observed.recovery, "qfailure" not in observed.lacks, False)[0]
    return changes


def _state_word(status: Optional[ScServiceStatus]) -> str:
    return status.state_name.lower() if status is not None else "unknown"


# ---------------------------------------------------------------------------------------
# Writes

WRITE_ACTIONS = ("create", "config", "description", "failure", "failureflag", "delete_fingerprint")


def writes_password(plan: Plan, desired: Optional[ScConfig], password: Optional[str]) -> bool:
    if desired is None or password is None:
        return False
    return "password=" in plan.config_options or (plan.has("create") and needs_password(desired.account))


def write_argvs(plan: Plan, desired: Optional[ScConfig], name: str, password: Optional[str] = None,
                fingerprint: Optional[str] = None) -> List[List[str]]:
    """The sc.exe/reg.exe argvs of the plan's writes, in order, for ONE round trip.

    ``fingerprint`` (``<salt>:<hash>`` of ``password``) is recorded whenever the password is
    written, so that a later run can tell whether it changed.
    """
    argvs: List[List[str]] = []
    with_password = writes_password(plan, desired, password)
    for change in plan.changes:
        if change.action == "delete_fingerprint":
            argvs.append(fingerprint_delete_argv(name))
            continue
        if change.action not in WRITE_ACTIONS:
            continue
        if desired is None:
            raise ValueError("%s needs a desired configuration" % change.action)
        if change.action == "create":
            argvs.append(create_argv(desired, password if with_password else None))
        elif change.action == "config":
            if change.target == plan.config_options[0]:
                argvs.append(config_argv(desired, plan.config_options, password if with_password else None))
        elif change.action == "description":
            argvs.append(description_argv(name, desired.description))
        elif change.action == "failure":
            argvs.append(failure_argv(name, desired.recovery))
        elif change.action == "failureflag":
            argvs.append(failureflag_argv(name, desired.recovery.non_crash_failures))
    if with_password:
        if fingerprint is None:
            raise ValueError("a password is written without its fingerprint")
        argvs.append(fingerprint_set_argv(name, fingerprint))
    return argvs


# ---------------------------------------------------------------------------------------
# Text for diffs and results

def config_as_dict(cfg: ScConfig) -> Dict[str, object]:
    return _props(cfg.image_path, cfg.display_name, cfg.description, cfg.start_mode, cfg.account,
                  cfg.dependencies, cfg.recovery)


def expected_as_dict(desired: ScConfig, observed: Observed, plan: Plan) -> Dict[str, object]:
    """What the service will hold after the plan ran: the desired configuration, with the
    recovery settings as they are when the plan leaves them alone."""
    props = config_as_dict(desired)
    if plan.has("failure") or plan.has("failureflag"):
        return props
    kept: Optional[Dict[str, object]] = None
    if observed.recovery is not None and not plan.has("create"):
        kept = {k: v for k, v in observed_as_dict(observed).items() if k.startswith("failure")}
    elif "qfailure" in observed.lacks:
        kept = {"failure_actions": None}
    if kept is not None:
        for key in [k for k in props if k.startswith("failure")]:
            del props[key]
        props.update(kept)
    return props


def observed_as_dict(obs: Observed) -> Dict[str, object]:
    if not obs.exists:
        return {}
    return _props(obs.image_path, obs.display_name, obs.description, obs.start_mode, obs.account,
                  obs.dependencies, obs.recovery)


def _props(image_path: str, display_name: str, description: str, start_mode: str, account: str,
           dependencies: Sequence[str], recovery: Optional[Recovery]) -> Dict[str, object]:
    out: Dict[str, object] = dict(
        binary_path=image_path,
        display_name=display_name,
        description=description,
        start_mode=start_mode,
        account=account,
        dependencies=list(dependencies),
    )
    if recovery is None:
        out["failure_actions"] = None
    else:
        out["failure_actions"] = [dict(type=a.action, delay_ms=a.delay_ms) for a in recovery.actions]
        out["failure_reset_period"] = recovery.reset_period_s
        out["failure_command"] = recovery.command
        out["failure_actions_on_non_crash_failures"] = recovery.non_crash_failures
    return out


def properties_text(props: Mapping[str, object]) -> str:
    """``key: value`` lines, one per property, for a diff a person can read."""
    if not props:
        return ""
    lines = []
    for key, value in props.items():
        if key == "failure_actions":
            text = "(not readable on this host)" if value is None else describe_actions(
                [FailureAction(a["type"], a["delay_ms"]) for a in value])  # type: ignore[union-attr, index, attr-defined]
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value) if value else "(none)"
        elif value is None:
            text = "(unchanged)"
        else:
            text = str(value)
        lines.append("%s: %s" % (key, text))
    return "\n".join(lines) + "\n"
