# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a service spec to a systemd unit, as data first and text last.

A unit is a list of sections, each a list of (directive, value) pairs: repeated directives
are repeated pairs. Users' raw directives and overrides merge into that data, never into
text, so a removal (value None) really removes a default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ._spec import ServiceSpec, SpecError

HEADER = "# Managed by svcwright.services: local changes to this file are overwritten.\n"

UNIT_TYPES = ("simple", "exec", "notify")
KILL_MODES = ("control-group", "mixed", "process", "none")

# The default hardening preset. Every entry can be relaxed through overrides; values are
# what systemd 247+ understands. SystemCallErrorNumber=EPERM matters: without it a filtered
# syscall kills the process (Go's runtime probes setrlimit, which @resources filters).
HARDENING_PRESET: Tuple[Tuple[str, str], ...] = (
    ("NoNewPrivileges", "yes"),
    ("ProtectSystem", "strict"),
    ("ProtectHome", "yes"),
    ("PrivateTmp", "yes"),
    ("PrivateDevices", "yes"),
    ("ProtectKernelTunables", "yes"),
    ("ProtectKernelModules", "yes"),
    ("ProtectKernelLogs", "yes"),
    ("ProtectControlGroups", "yes"),
    ("ProtectClock", "yes"),
    ("ProtectHostname", "yes"),
    ("ProtectProc", "invisible"),
    ("ProcSubset", "pid"),
    ("RestrictNamespaces", "yes"),
    ("RestrictRealtime", "yes"),
    ("RestrictSUIDSGID", "yes"),
    ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
    ("LockPersonality", "yes"),
    ("MemoryDenyWriteExecute", "yes"),
    ("RemoveIPC", "yes"),
    ("KeyringMode", "private"),
    ("UMask", "0027"),
    ("SystemCallArchitectures", "native"),
    ("SystemCallFilter", "@system-service"),
    ("SystemCallFilter", "~@privileged @resources"),
    ("SystemCallErrorNumber", "EPERM"),
)

_UNIT_NAME = re.compile(r"^[A-Za-z0-9:_.\\@-]+$")
_USER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$")
_DIRECTIVE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_SECTION = re.compile(r"^[A-Za-z][A-Za-z0-9 -]*$")


@dataclass
class SystemdOptions:
    """What the systemd backend adds to the neutral spec."""

    unit_type: str = "exec"
    documentation: List[str] = field(default_factory=list)
    after: List[str] = field(default_factory=list)
    wants: List[str] = field(default_factory=list)
    requires: List[str] = field(default_factory=list)
    group: Optional[str] = None
    environment_files: List[str] = field(default_factory=list)
    reload_signal: Optional[str] = None
    reload_command: List[str] = field(default_factory=list)
    kill_signal: Optional[str] = None
    kill_mode: Optional[str] = None
    syslog_identifier: Optional[str] = None
    limit_nofile: Optional[str] = None
    capabilities: List[str] = field(default_factory=list)
    hardening: bool = True
    hardening_overrides: Dict[str, Any] = field(default_factory=dict)
    read_write_paths: List[str] = field(default_factory=list)
    state_directory: bool = True
    wanted_by: str = "multi-user.target"
    unit_extra: Dict[str, Dict[str, Any]] = field(default_factory=dict)


Section = List[Tuple[str, str]]
Unit = List[Tuple[str, Section]]


def socket_unit_name(service: str) -> str:
    return unit_name(service)[: -len(".service")] + ".socket"


def unit_name(service: str) -> str:
    """The unit file name for a service name: ``hello`` -> ``hello.service``."""
    name = service if service.endswith(".service") else service + ".service"
    if not _UNIT_NAME.match(name) or len(name) > 255:
        raise SpecError("service %r: not a valid systemd unit name. Use letters, digits and "
                        "':', '_', '.', '-', '@' (at most 255 characters)." % service)
    return name


def _dependency_unit(dep: str) -> str:
    return dep if "." in dep else dep + ".service"


def escape_specifiers(value: str) -> str:
    """systemd expands %-specifiers in almost every setting: a literal % is %%."""
    return value.replace("%", "%%")


def _c_escape(value: str) -> str:
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%02x" % ord(ch))
        elif 0x80 <= ord(ch) <= 0x9F or ord(ch) in (0x2028, 0x2029):
            # C1 controls and Unicode line separators: escaped as code points so that no
            # tool reading the file line by line ever sees a line break inside a value.
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def quote_exec_arg(arg: str) -> str:
    """Quote one argv word for ExecStart= so that systemd hands it to the program unchanged.

    systemd expands specifiers (%), then splits words honouring double quotes with C-style
    backslash escapes, then substitutes $VAR / ${VAR} ($$ is a literal $). Every word is
    therefore double-quoted, with \\ " and control characters C-escaped, % doubled and $
    doubled. An empty string stays an (empty) argument.
    """
    if "\x00" in arg:
        raise SpecError("an argument contains a NUL character, which no program can receive.")
    return '"' + _c_escape(arg).replace("%", "%%").replace("$", "$$") + '"'


def exec_line(argv: Sequence[str]) -> str:
    return " ".join(quote_exec_arg(a) for a in argv)


def environment_value(key: str, value: str) -> str:
    """One Environment= assignment: quoted and C-escaped; no $ expansion happens there."""
    return '"' + escape_specifiers(_c_escape("%s=%s" % (key, value))) + '"'


def _plain_value(name: str, key: str, value: str) -> str:
    """A free-text value (Description=, paths): specifiers escaped, one line, no continuation."""
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise SpecError("service %r: %s contains a control character; it must fit on one line." % (name, key))
    if value.endswith("\\"):
        raise SpecError("service %r: %s ends with a backslash, which systemd reads as a line "
                        "continuation. Remove the trailing backslash." % (name, key))
    return escape_specifiers(value)


def _path_list_entry(name: str, key: str, path: str) -> str:
    if '"' in path or "\\" in path:
        raise SpecError("service %r: %s path %r contains a quote or backslash, which systemd "
                        "cannot express in a path list." % (name, key, path))
    value = escape_specifiers(path)
    return '"%s"' % value if re.search(r"\s", value) else value


def directive_value(value: Any) -> str:
    """A raw (user-given) directive value: booleans become yes/no, numbers their text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _seconds(value: float) -> str:
    return directive_value(float(value))


def _check_directive(section: str, key: str) -> None:
    if not _SECTION.match(section):
        raise SpecError("unit section %r is not a valid section name." % section)
    if not _DIRECTIVE.match(key):
        raise SpecError("unit directive %r in [%s] is not a valid directive name (letters and "
                        "digits only, e.g. LimitNPROC)." % (key, section))


def merge_directives(unit: Unit, extra: Mapping[str, Mapping[str, Any]]) -> Unit:
    """Merge raw directives into a unit: a value replaces every line of that directive, a
    list gives one line per item, None removes the directive. Unknown sections are appended.
    """
    merged: Unit = [(sec, list(lines)) for sec, lines in unit]
    for section, directives in extra.items():
        target = next((lines for sec, lines in merged if sec == section), None)
        if target is None:
            target = []
            merged.append((section, target))
        for key, value in directives.items():
            _check_directive(section, key)
            positions = [i for i, (k, _v) in enumerate(target) if k == key]
            insert_at = positions[0] if positions else len(target)
            target[:] = [(k, v) for k, v in target if k != key]
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            for offset, item in enumerate(values):
                line = directive_value(item)
                if "\n" in line:
                    raise SpecError("unit directive %s in [%s] has a value with a newline." % (key, section))
                target.insert(insert_at + offset, (key, line))
    return [(sec, lines) for sec, lines in merged if lines]


def render_text(unit: Unit) -> str:
    chunks = [HEADER]
    for section, lines in unit:
        chunks.append("\n[%s]\n" % section)
        chunks.extend("%s=%s\n" % (k, v) for k, v in lines)
    return "".join(chunks)


def _hardening_lines(spec: ServiceSpec, opts: SystemdOptions) -> Section:
    if not opts.hardening:
        lines: Section = []
    else:
        lines = list(HARDENING_PRESET)
        caps = " ".join(opts.capabilities)
        lines.insert(1, ("CapabilityBoundingSet", caps))
    rw = []
    for path in opts.read_write_paths:
        rw.append(_path_list_entry(spec.name, "read_write_paths", path))
    if rw:
        lines.append(("ReadWritePaths", " ".join(rw)))
    return lines


def log_directories(spec: ServiceSpec) -> List[str]:
    """Directories that must exist before systemd can open the service's log files."""
    dirs = []
    for path in (spec.logs.stdout, spec.logs.stderr):
        if spec.logs.mode == "file" and path:
            parent = path.rsplit("/", 1)[0] or "/"
            if parent not in dirs:
                dirs.append(parent)
    return dirs


def render_unit(spec: ServiceSpec, opts: SystemdOptions) -> str:
    """The unit file text for a spec: deterministic, so equal specs give equal bytes."""
    name = spec.name
    unit_name(name)
    if opts.unit_type not in UNIT_TYPES:
        raise SpecError("service %r: type must be one of %s." % (name, ", ".join(UNIT_TYPES)))
    if opts.kill_mode is not None and opts.kill_mode not in KILL_MODES:
        raise SpecError("service %r: kill_mode must be one of %s." % (name, ", ".join(KILL_MODES)))
    if opts.reload_signal and opts.reload_command:
        raise SpecError("service %r: give reload_signal or reload_command, not both." % name)
    for key, user in (("account", spec.account), ("group", opts.group)):
        if user is not None and not _USER_NAME.match(user):
            raise SpecError("service %r: %s %r is not a valid user or group name." % (name, key, user))

    unit_sec: Section = [("Description", _plain_value(name, "description", spec.description or spec.display_name or name))]
    for url in opts.documentation:
        unit_sec.append(("Documentation", _plain_value(name, "documentation", url)))
    # With sockets, the socket unit holds the listening sockets and the service receives them.
    sockets = [socket_unit_name(name)] if spec.sockets else []
    after = ["network-online.target"] + sockets + [_dependency_unit(d) for d in spec.dependencies + opts.after]
    wants = ["network-online.target"] + [_dependency_unit(d) for d in spec.dependencies + opts.wants]
    unit_sec.append(("After", " ".join(_dedupe(after))))
    unit_sec.append(("Wants", " ".join(_dedupe(wants))))
    requires = sockets + [_dependency_unit(d) for d in opts.requires]
    if requires:
        unit_sec.append(("Requires", " ".join(_dedupe(requires))))
    if spec.restart.policy != "never" and spec.restart.max_restarts > 0:
        unit_sec.append(("StartLimitIntervalSec", _seconds(spec.restart.window)))
        unit_sec.append(("StartLimitBurst", str(spec.restart.max_restarts + 1)))
    else:
        unit_sec.append(("StartLimitIntervalSec", "0"))

    svc: Section = [("Type", opts.unit_type)]
    if spec.account:
        svc.append(("User", spec.account))
    if opts.group:
        svc.append(("Group", opts.group))
    if spec.working_dir:
        svc.append(("WorkingDirectory", _plain_value(name, "working_dir", spec.working_dir)))
    for key in sorted(spec.env):
        svc.append(("Environment", environment_value(key, spec.env[key])))
    for path in opts.environment_files:
        svc.append(("EnvironmentFile", _plain_value(name, "environment_files", path)))
    if not spec.command:
        raise SpecError("service %r: command is required to render a unit." % name)
    svc.append(("ExecStart", exec_line([spec.command] + spec.args)))
    if opts.reload_signal:
        svc.append(("ExecReload", "/bin/kill -s %s $MAINPID" % _signal(name, opts.reload_signal)))
    elif opts.reload_command:
        svc.append(("ExecReload", exec_line(opts.reload_command)))
    svc.append(("Restart", {"always": "always", "on-failure": "on-failure", "never": "no"}[spec.restart.policy]))
    svc.append(("RestartSec", _seconds(spec.restart.delay)))
    svc.append(("TimeoutStopSec", _seconds(spec.stop_timeout)))
    if opts.kill_signal:
        svc.append(("KillSignal", _signal(name, opts.kill_signal)))
    if opts.kill_mode:
        svc.append(("KillMode", opts.kill_mode))
    if spec.logs.mode == "file" and spec.logs.stdout:
        svc.append(("StandardOutput", "append:" + _plain_value(name, "logs.stdout", spec.logs.stdout)))
        svc.append(("StandardError", "append:" + _plain_value(name, "logs.stderr", spec.logs.stderr or spec.logs.stdout)))
    else:
        svc.append(("StandardOutput", "journal"))
        svc.append(("StandardError", "journal"))
    svc.append(("SyslogIdentifier", _plain_value(name, "syslog_identifier", opts.syslog_identifier or name)))
    if opts.limit_nofile is not None:
        svc.append(("LimitNOFILE", str(opts.limit_nofile)))
    if opts.capabilities:
        for cap in opts.capabilities:
            if not re.match(r"^CAP_[A-Z_]+$", cap):
                raise SpecError("service %r: capability %r is not a capability name like "
                                "CAP_NET_BIND_SERVICE." % (name, cap))
        svc.append(("AmbientCapabilities", " ".join(opts.capabilities)))
    if opts.state_directory:
        svc.append(("StateDirectory", name))
    hardening = _hardening_lines(spec, opts)
    svc.extend(hardening)

    unit: Unit = [("Unit", unit_sec), ("Service", svc)]
    if opts.wanted_by:
        unit.append(("Install", [("WantedBy", opts.wanted_by)]))
    if opts.hardening_overrides:
        unit = merge_directives(unit, {"Service": opts.hardening_overrides})
    if opts.unit_extra:
        unit = merge_directives(unit, opts.unit_extra)
    return render_text(unit)


def render_socket(spec: ServiceSpec) -> Optional[str]:
    """The .socket unit for a spec with sockets, else None. The sockets stay open while the
    service restarts: connections wait in the kernel's backlog instead of being refused."""
    if not spec.sockets:
        return None
    lines: Section = [("ListenStream", _plain_value(spec.name, "sockets", s)) for s in spec.sockets]
    lines.append(("Service", unit_name(spec.name)))
    unit: Unit = [
        ("Unit", [("Description", _plain_value(spec.name, "description",
                                               "%s (listening sockets)" % (spec.description or spec.display_name or spec.name)))]),
        ("Socket", lines),
        ("Install", [("WantedBy", "sockets.target")]),
    ]
    return render_text(unit)


def render_dropin(sections: Mapping[str, Mapping[str, Any]]) -> str:
    """A drop-in file from structured data (same value rules as unit_extra)."""
    return render_text(merge_directives([], sections))


def _signal(name: str, sig: str) -> str:
    value = sig.upper()
    if not value.startswith("SIG"):
        value = "SIG" + value
    if not re.match(r"^SIG[A-Z0-9+]+$", value):
        raise SpecError("service %r: %r is not a signal name like SIGTERM or HUP." % (name, sig))
    return value


def _dedupe(items: Any) -> List[str]:
    out: List[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
