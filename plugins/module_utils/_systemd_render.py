# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a service spec to a systemd unit, as data first and text last.

A unit is a list of sections, each a list of (directive, value) pairs: repeated directives
are repeated pairs. Users' raw directives and overrides merge into that data, never into
text, so a removal (value None) really removes a default.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ._spec import ServiceSpec, SpecError
from ._values import describe_char, unsafe_char

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

# A backslash only as systemd's own \xNN escape (unit names are read with escapes kept).
# capabilities(7), Linux 6.x.
CAPABILITIES = frozenset("CAP_" + c for c in (
    "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE "
    "NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT "
    "SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP "
    "MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE").split())

_UNIT_NAME = re.compile(r"^(?:[A-Za-z0-9:_.@-]|\\x[0-9a-f]{2})+$")
# The service's own name is also a StateDirectory= word and a SyslogIdentifier=: no
# backslash (systemd would read it as an escape there), no leading '.' or '-'.
_SERVICE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9:_.@-]*$")
_UNIT_SUFFIXES = ("service", "socket", "target", "timer", "mount", "automount", "path", "slice", "scope",
                  "device", "swap")
_USER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$")
_DIRECTIVE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_SECTION = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_RLIMIT_PART = r"(?:[0-9]+|infinity)"
_LIMIT_NOFILE = re.compile(r"^%s(?::%s)?$" % (_RLIMIT_PART, _RLIMIT_PART))
# The first word of an Exec line may start with these; a program path must not.
_EXEC_PREFIXES = "@-:+!|"
_DOC_SCHEMES = ("http://", "https://", "file:", "info:", "man:")


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
    if not isinstance(service, str) or not _SERVICE_NAME.match(name) or len(name) > 255:
        raise SpecError("service %r: not a valid systemd unit name. Use letters, digits and "
                        "':', '_', '.', '-', '@', starting with a letter, digit or '_' (at most "
                        "255 characters)." % (service,))
    return name


def _valid_unit(name: str, key: str, unit: Any) -> str:
    """A unit name that systemd reads as one word naming one unit, e.g. ``network.target``."""
    text = unit if isinstance(unit, str) else ""
    prefix, dot, suffix = text.rpartition(".")
    if not (_UNIT_NAME.match(text) and dot and prefix and suffix in _UNIT_SUFFIXES and len(text) <= 255
            and not text.startswith("-")):
        raise SpecError("service %r: %s %r is not a systemd unit name. Give one unit per entry, e.g. "
                        "network-online.target or db.service (letters, digits, ':', '_', '.', '-', '@', "
                        "'\\'; a known type suffix; no spaces)." % (name, key, unit))
    return text


def _dependency_unit(name: str, key: str, dep: Any) -> str:
    if isinstance(dep, str) and "." not in dep:
        dep = dep + ".service"
    return _valid_unit(name, key, dep)


def escape_specifiers(value: str) -> str:
    """systemd expands %-specifiers in almost every setting: a literal % is %%."""
    return value.replace("%", "%%")


# Categories written as escapes inside quoted words: controls, format characters (bidi
# controls, zero-width characters) and line/paragraph separators. Escaped, they are both
# faithful (systemd decodes them) and visible to whoever reads the file.
_ESCAPED_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp"))


def _is_nonchar(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _unencodable(value: str) -> Optional[str]:
    """The first character systemd cannot read back from any escape: NUL, a surrogate
    (no UTF-8 exists for it) or a noncharacter (systemd's UTF-8 check refuses it)."""
    for ch in value:
        if ch == "\0" or unicodedata.category(ch) == "Cs" or _is_nonchar(ord(ch)):
            return ch
    return None


def _c_escape(value: str) -> str:
    out = []
    for ch in value:
        code = ord(ch)
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
        elif unicodedata.category(ch) in _ESCAPED_CATEGORIES:
            if code < 0x80:
                out.append("\\x%02x" % code)
            elif code <= 0xFFFF:
                out.append("\\u%04x" % code)
            else:
                out.append("\\U%08x" % code)
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
    if not isinstance(arg, str):
        raise SpecError("an argument is %s %r, not a string: quote it in YAML." % (type(arg).__name__, arg))
    bad = _unencodable(arg)
    if bad is not None:
        raise SpecError("an argument contains %s, which systemd cannot pass to a program. Remove it."
                        % describe_char(bad))
    return '"' + _c_escape(arg).replace("%", "%%").replace("$", "$$") + '"'


def exec_line(argv: Sequence[str], name: str = "?", key: str = "command") -> str:
    """An Exec line for ``argv``; the program must not start with a prefix character (systemd
    reads ``-``, ``@``, ``:``, ``+``, ``!``, ``|`` there as flags, even inside quotes)."""
    if not argv or not isinstance(argv[0], str) or not argv[0] or argv[0][0] in _EXEC_PREFIXES:
        raise SpecError("service %r: %s %r is not a program path. Give the absolute path of the program, "
                        "e.g. /opt/hello/current/hello." % (name, key, argv[0] if argv else None))
    try:
        return " ".join(quote_exec_arg(a) for a in argv)
    except SpecError as exc:
        raise SpecError("service %r: %s: %s" % (name, key, exc))


def environment_value(key: str, value: str, name: str = "?") -> str:
    """One Environment= assignment: quoted and C-escaped; no $ expansion happens there.

    systemd before 250 drops an assignment whose value holds a control character other than
    tab and newline, so those are refused rather than silently lost on such hosts."""
    if not isinstance(key, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
        raise SpecError("service %r: env key %r is not a valid variable name. Use letters, digits and '_', "
                        "not starting with a digit." % (name, key))
    if not isinstance(value, str):
        raise SpecError("service %r: env value of %s is %s %r, not a string. Quote it in YAML."
                        % (name, key, type(value).__name__, value))
    bad = _unencodable(value) or next(
        (ch for ch in value if (ord(ch) < 0x20 and ch not in "\t\n") or ord(ch) == 0x7F), None)
    if bad is not None:
        raise SpecError("service %r: env value of %s contains %s, which systemd cannot keep in an "
                        "environment variable. Remove it." % (name, key, describe_char(bad)))
    return '"' + escape_specifiers(_c_escape("%s=%s" % (key, value))) + '"'


def _raw_line(where: str, value: str) -> str:
    """A value written as it is after ``Key=``: it must read back as exactly itself, on one line."""
    bad = unsafe_char(value)
    if bad is not None:
        raise SpecError("%s contains %s. Remove it: the value is written into one line of the unit, where "
                        "line breaks, control characters and invisible (bidi, zero-width) characters are "
                        "refused." % (where, describe_char(bad)))
    if value.endswith("\\"):
        raise SpecError("%s ends with a backslash, which systemd reads as a line continuation. Remove the "
                        "trailing backslash." % where)
    if value != value.strip(" \t"):
        raise SpecError("%s starts or ends with whitespace, which systemd strips. Remove it." % where)
    return value


def _plain_value(name: str, key: str, value: str) -> str:
    """A free-text value (Description=, paths): specifiers escaped, one line, no continuation."""
    if not isinstance(value, str):
        raise SpecError("service %r: %s is %s %r, not a string." % (name, key, type(value).__name__, value))
    return escape_specifiers(_raw_line("service %r: %s" % (name, key), value))


def _word_value(name: str, key: str, value: Any) -> str:
    """One word of a space-separated list systemd unquotes (Documentation=)."""
    text = _plain_value(name, key, value)
    if re.search(r"[\s\"'\\]", text):
        raise SpecError("service %r: %s %r contains whitespace, a quote or a backslash, which would split or "
                        "change it. Give one URL per entry (spaces written %%20)." % (name, key, value))
    return text


def _path_list_entry(name: str, key: str, path: Any) -> str:
    text = _plain_value(name, key, path)
    if '"' in path or "\\" in path:
        raise SpecError("service %r: %s path %r contains a quote or backslash, which systemd "
                        "cannot express in a path list." % (name, key, path))
    if not path.startswith("/"):
        raise SpecError("service %r: %s path %r is not absolute. Give the full path, e.g. /srv/hello."
                        % (name, key, path))
    # Double quotes keep spaces and single quotes (which systemd would also unquote) literal.
    return '"%s"' % text if re.search(r"[\s']", text) else text


def directive_value(value: Any, where: str = "a directive") -> str:
    """A raw (user-given) directive value: booleans become yes/no, numbers their text, text
    stays as it is (specifiers included, since raw directives may use them); anything else
    (a mapping, a nested list, None inside a list) is refused."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SpecError("%s is %r, which is not a number systemd reads. Give a finite number." % (where, value))
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _raw_line(where, value)
    raise SpecError("%s is %s %r: give a string, a number or a boolean (or a list of them for a directive "
                    "repeated on several lines, or null to remove it)." % (where, type(value).__name__, value))


def _seconds(value: float) -> str:
    return directive_value(float(value))


def _check_directive(section: Any, key: Any) -> None:
    if not isinstance(section, str) or not _SECTION.match(section):
        raise SpecError("unit section %r is not a valid section name. Use letters, digits and '-', e.g. "
                        "Service or X-Custom." % (section,))
    if not isinstance(key, str) or not _DIRECTIVE.match(key):
        raise SpecError("unit directive %r in [%s] is not a valid directive name. Use letters and digits only, "
                        "e.g. LimitNPROC." % (key, section))


def merge_directives(unit: Unit, extra: Mapping[str, Mapping[str, Any]]) -> Unit:
    """Merge raw directives into a unit: a value replaces every line of that directive, a
    list gives one line per item, None removes the directive. Unknown sections are appended.
    """
    merged: Unit = [(sec, list(lines)) for sec, lines in unit]
    if not isinstance(extra, Mapping):
        raise SpecError("unit directives must be a mapping of section names to directives, got %s %r. Write "
                        "them as {Service: {LimitNPROC: 64}}." % (type(extra).__name__, extra))
    for section, directives in extra.items():
        if not isinstance(directives, Mapping):
            _check_directive(section, "X")
            kind = type(directives).__name__
            raise SpecError("unit section [%s] must be a mapping of directive names to values, got %s %r. Write "
                            "it as {%s: {Directive: value}}." % (section, kind, directives, section))
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
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            for offset, item in enumerate(values):
                where = "unit directive %s in [%s]" % (key, section)
                if len(values) > 1 or isinstance(value, (list, tuple)):
                    where += " item %d" % offset
                target.insert(insert_at + offset, (key, directive_value(item, where)))
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
        if user is not None and not (isinstance(user, str) and _USER_NAME.match(user)):
            raise SpecError("service %r: %s %r is not a valid user or group name. Use letters, digits, '_', '.' "
                            "and '-', starting with a letter or '_'." % (name, key, user))

    unit_sec: Section = [("Description", _plain_value(name, "description", spec.description or spec.display_name or name))]
    for url in opts.documentation:
        doc = _word_value(name, "documentation", url)
        if not doc.startswith(_DOC_SCHEMES):
            raise SpecError("service %r: documentation %r is not a URL systemd accepts. Use http://, "
                            "https://, file:, info: or man: URLs." % (name, url))
        unit_sec.append(("Documentation", doc))
    # With sockets, the socket unit holds the listening sockets and the service receives them.
    sockets = [socket_unit_name(name)] if spec.sockets else []
    deps = [_dependency_unit(name, "dependencies[%d]" % i, d) for i, d in enumerate(spec.dependencies)]
    after = ["network-online.target"] + sockets + deps + [
        _dependency_unit(name, "after[%d]" % i, d) for i, d in enumerate(opts.after)]
    wants = ["network-online.target"] + deps + [
        _dependency_unit(name, "wants[%d]" % i, d) for i, d in enumerate(opts.wants)]
    unit_sec.append(("After", " ".join(_dedupe(after))))
    unit_sec.append(("Wants", " ".join(_dedupe(wants))))
    requires = sockets + [_dependency_unit(name, "requires[%d]" % i, d) for i, d in enumerate(opts.requires)]
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
        svc.append(("Environment", environment_value(key, spec.env[key], name)))
    for path in opts.environment_files:
        env_file = _plain_value(name, "environment_files", path)
        if not env_file.lstrip("-").startswith("/"):
            raise SpecError("service %r: environment_files entry %r is not an absolute path (optionally "
                            "prefixed with '-'). Give e.g. /etc/default/hello." % (name, path))
        svc.append(("EnvironmentFile", env_file))
    if not spec.command:
        raise SpecError("service %r: command is required to render a unit." % name)
    svc.append(("ExecStart", exec_line([spec.command] + list(spec.args), name, "command")))
    if opts.reload_signal:
        svc.append(("ExecReload", "/bin/kill -s %s $MAINPID" % _signal(name, "reload_signal", opts.reload_signal)))
    elif opts.reload_command:
        svc.append(("ExecReload", exec_line(list(opts.reload_command), name, "reload_command")))
    svc.append(("Restart", {"always": "always", "on-failure": "on-failure", "never": "no"}[spec.restart.policy]))
    svc.append(("RestartSec", _seconds(spec.restart.delay)))
    svc.append(("TimeoutStopSec", _seconds(spec.stop_timeout)))
    if opts.kill_signal:
        svc.append(("KillSignal", _signal(name, "kill_signal", opts.kill_signal)))
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
        svc.append(("LimitNOFILE", _limit_nofile(name, opts.limit_nofile)))
    if opts.capabilities:
        for cap in opts.capabilities:
            if cap not in CAPABILITIES:
                raise SpecError("service %r: capabilities item %r is not a Linux capability. Use a name like "
                                "CAP_NET_BIND_SERVICE (see capabilities(7))." % (name, cap), key="capabilities")
        svc.append(("AmbientCapabilities", " ".join(opts.capabilities)))
    if opts.state_directory:
        svc.append(("StateDirectory", name))
    hardening = _hardening_lines(spec, opts)
    svc.extend(hardening)

    unit: Unit = [("Unit", unit_sec), ("Service", svc)]
    if opts.wanted_by:
        unit.append(("Install", [("WantedBy", _wanted_by(name, opts.wanted_by))]))
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
    lines: Section = [("ListenStream", _plain_value(spec.name, "sockets[%d]" % i, s))
                      for i, s in enumerate(spec.sockets)]
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


def _limit_nofile(name: str, value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _LIMIT_NOFILE.match(text):
        raise SpecError("service %r: limit_nofile is %r, not a limit. Give a number (65536), infinity, or "
                        "soft:hard (1024:524288)." % (name, value))
    return text


def _wanted_by(name: str, value: Any) -> str:
    """WantedBy=: one or more unit names, separated by single spaces."""
    if not isinstance(value, str):
        raise SpecError("service %r: wanted_by is %s %r, not a unit name." % (name, type(value).__name__, value))
    _raw_line("service %r: wanted_by" % name, value)
    return " ".join(_valid_unit(name, "wanted_by entry", unit) for unit in value.split(" "))


# The signals systemd names (signal(7)); realtime signals as SIGRTMIN+n.
_SIGNALS = frozenset((
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
    "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
    "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
    "SIGSYS", "SIGRTMIN", "SIGRTMAX",
))


def _signal(name: str, key: str, sig: Any) -> str:
    value = sig.upper() if isinstance(sig, str) else ""
    if value and not value.startswith("SIG"):
        value = "SIG" + value
    if value not in _SIGNALS and not re.match(r"^SIGRTMIN\+([1-9]|[12][0-9]|30)$", value):
        raise SpecError("service %r: %s %r is not a signal name. Use one like SIGTERM, SIGINT or HUP."
                        % (name, key, sig), key=key)
    return value


def _dedupe(items: Any) -> List[str]:
    out: List[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
