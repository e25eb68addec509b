# -*- coding: utf-8 -*-
"""Properties of the systemd renderer, checked against a strict model of how systemd reads
unit files: whatever a spec holds, rendering either refuses it (SpecError) or produces text
that systemd reads back as exactly the intended sections, directives and values."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._spec import (
    LogSpec,
    ServiceSpec,
    SpecError,
)
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import (
    HARDENING_PRESET,
    SystemdOptions,
    render_dropin,
    render_socket,
    render_unit,
)

# ---------------------------------------------------------------------------------------
# A model of systemd's unit file reader (conf-parser, extract_first_word, cunescape,
# specifier expansion, Exec= command lines), written for these tests.

WHITESPACE = " \t\n\r"


class Unreadable(AssertionError):
    """Text that systemd would read differently from what the renderer meant."""


def read_lines(text: str) -> List[str]:
    """systemd ends a line at LF, CR, CRLF and NUL."""
    return re.split(r"\r\n|\r|\n|\x00", text)


def parse_unit(text: str) -> List[Tuple[str, str, str]]:
    """(section, key, raw value) in file order; continuation lines joined the way systemd
    joins them (the trailing backslash becomes a space), comments and blank lines skipped."""
    entries: List[Tuple[str, str, str]] = []
    section: Optional[str] = None
    continuation: Optional[str] = None
    for raw in read_lines(text):
        line = raw.strip(WHITESPACE)
        if continuation is not None and line[:1] in ("#", ";"):
            continue
        if continuation is not None:
            line = continuation + line
            continuation = None
        if line.endswith("\\"):
            continuation = line[:-1] + " "
            continue
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise Unreadable("bad section line %r" % line)
            section = line[1:-1]
            continue
        if "=" not in line:
            raise Unreadable("line without '=': %r" % line)
        if section is None:
            raise Unreadable("assignment outside a section: %r" % line)
        key, value = line.split("=", 1)
        entries.append((section, key.strip(WHITESPACE), value.strip(WHITESPACE)))
    if continuation is not None:
        entries.append(("?", "?", continuation))
    return entries


def unescape_specifiers(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "%":
            if value[i + 1:i + 2] != "%":
                raise Unreadable("specifier %r would be expanded in %r" % (value[i:i + 2], value))
            out.append("%")
            i += 2
            continue
        out.append(value[i])
        i += 1
    return "".join(out)


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                   "\\": "\\", '"': '"', "'": "'", "s": " "}


def _cunescape_one(text: str, i: int) -> Tuple[str, int]:
    """The character of the C escape starting after the backslash at text[i-1]."""
    c = text[i:i + 1]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 1
    for letter, digits in (("x", 2), ("u", 4), ("U", 8)):
        if c == letter:
            hexa = text[i + 1:i + 1 + digits]
            if len(hexa) != digits or not re.match(r"^[0-9a-fA-F]+$", hexa):
                raise Unreadable("bad \\%s escape in %r" % (letter, text))
            code = int(hexa, 16)
            if code == 0 or (letter == "x" and code >= 0x80):
                raise Unreadable("escape of NUL or of a raw byte in %r" % text)
            return chr(code), i + 1 + digits
    if re.match(r"^[0-7]{3}$", text[i:i + 3]):
        code = int(text[i:i + 3], 8)
        if code == 0 or code >= 0x80:
            raise Unreadable("octal escape of NUL or of a raw byte in %r" % text)
        return chr(code), i + 3
    raise Unreadable("unknown escape \\%s in %r" % (c, text))


def split_words(value: str) -> List[str]:
    """extract_first_word with EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE, repeated."""
    words: List[str] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i] in WHITESPACE:
            i += 1
        if i >= n:
            return words
        word: List[str] = []
        quote: Optional[str] = None
        while i < n:
            c = value[i]
            if c == "\\":
                ch, i = _cunescape_one(value, i + 1)
                word.append(ch)
                continue
            if quote:
                if c == quote:
                    quote = None
                else:
                    word.append(c)
            elif c in "\"'":
                quote = c
            elif c in WHITESPACE:
                break
            else:
                word.append(c)
            i += 1
        if quote:
            raise Unreadable("unclosed quote in %r" % value)
        words.append("".join(word))


def read_exec(value: str) -> List[str]:
    """An Exec line as the argv systemd starts: one command (an unquoted ';' would start
    another), no prefix flags, no $VAR substitution left ($$ is a literal $)."""
    text = unescape_specifiers(value)
    for match in re.finditer(r"(?:^|[ \t]);(?=$|[ \t])", text):
        if not _inside_quotes(text, match.end() - 1):
            raise Unreadable("unquoted ';' separates commands in %r" % value)
    argv = split_words(text)
    if not argv:
        raise Unreadable("empty command line")
    if argv[0][:1] in "@-:+!|":
        raise Unreadable("the program %r starts with a prefix flag" % argv[0])
    out = []
    for word in argv:
        if re.search(r"(?<!\$)\$(?:\$\$)*[A-Za-z_{]", word.replace("$$", "\0")):
            raise Unreadable("environment substitution in %r" % word)
        out.append(word.replace("$$", "$"))
    return out


def _inside_quotes(text: str, pos: int) -> bool:
    quote = None
    i = 0
    while i < pos:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if quote and c == quote:
            quote = None
        elif not quote and c in "\"'":
            quote = c
        i += 1
    return quote is not None


def read_environment(value: str) -> Dict[str, str]:
    out = {}
    for word in split_words(unescape_specifiers(value)):
        key, sep, val = word.partition("=")
        if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
            raise Unreadable("invalid assignment %r" % word)
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", val):
            raise Unreadable("systemd before 250 drops %r" % word)
        out[key] = val
    return out


def read_path_list(value: str) -> List[str]:
    """ReadWritePaths=: words unquoted (no C escapes), then specifiers."""
    words = []
    for word in split_words(value):
        words.append(unescape_specifiers(word))
    return words


# ---------------------------------------------------------------------------------------
# Strategies: nasty text (what breaks unit files) mixed with arbitrary unicode.

_NASTY = st.sampled_from(list("\n\r\\\"' %$;[]=#\t\x00\x0b\x1b\x7f\x85\x9f\u2028\u2029\u202e\u2066"
                              "\u200b\u200d\u2060\ufeff\u00e9\u4e2d\ud7ff/aZ9-_.:@"))
TEXT = st.text(_NASTY, max_size=10) | st.text(st.characters(), max_size=8)
SAFE_WORD = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}\Z")
VALUE_TEXT = TEXT | SAFE_WORD
EXTRA_KEYS = st.sampled_from(["LimitNPROC", "Nice", "Environment", "ExecStartPre", "Restart", "X"])
EXTRA_SECTIONS = st.sampled_from(["Service", "Unit", "Install", "X-Extra", "Bad Section", "Unit]"])
EXTRA_VALUE = (VALUE_TEXT | st.integers(-5, 10 ** 6) | st.booleans() | st.none()
               | st.floats(allow_nan=True, allow_infinity=True)
               | st.lists(VALUE_TEXT, max_size=3)
               | st.dictionaries(SAFE_WORD, SAFE_WORD, max_size=1)
               | st.lists(st.lists(SAFE_WORD, max_size=1), min_size=1, max_size=1))
ENV_KEY = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,6}\Z") | TEXT


# Text a one-line setting can hold (what the renderer must accept and keep exactly), with
# the characters that are special to systemd ('%', '$', quotes, backslashes) included.
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")) | st.sampled_from(
    list("%$\"'\\ ;=[]#")), max_size=10).map(lambda t: t.strip(" \t").rstrip("\\").strip(" \t"))
# Text a C-escaped word can hold: everything but NUL, surrogates and noncharacters.
WORD = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff") | _NASTY,
               max_size=10).map(lambda t: t.replace("\x00", ""))
ENV_VALUE = WORD.map(lambda t: re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", t))


@st.composite
def specs(draw: Any) -> Tuple[ServiceSpec, SystemdOptions]:
    def pick(good: Any, bad: Any = TEXT) -> Any:
        # Mostly values the renderer must take; now and then one it must refuse.
        return draw(good if draw(st.integers(0, 19)) else bad)

    spec = ServiceSpec(
        name=pick(st.sampled_from(["hello", "my-svc_1", "a@b"])),
        command=pick(st.sampled_from(["/opt/hello/current/hello", "/opt/a b/x"]) | LINE.map(lambda t: "/opt/" + t)),
        args=pick(st.lists(WORD, max_size=5), st.lists(VALUE_TEXT, max_size=5)),
        description=pick(st.none() | LINE),
        working_dir=pick(st.none() | LINE.map(lambda t: "/srv/" + t)),
        env=pick(st.dictionaries(st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,6}\Z"), ENV_VALUE, max_size=3),
                 st.dictionaries(ENV_KEY, VALUE_TEXT, max_size=3)),
        dependencies=pick(st.lists(SAFE_WORD, max_size=2), st.lists(TEXT, max_size=2)),
        logs=pick(st.sampled_from([LogSpec()]) | LINE.map(lambda t: LogSpec("file", "/var/log/" + t)),
                  TEXT.map(lambda t: LogSpec("file", "/var/log/" + t))),
    )
    opts = SystemdOptions(
        documentation=pick(st.lists(st.sampled_from(["https://example.com/d", "man:hello(8)"]), max_size=2),
                           st.lists(VALUE_TEXT, max_size=2)),
        wanted_by=pick(st.sampled_from(["multi-user.target", "a.target b.target", ""])),
        limit_nofile=pick(st.none() | st.sampled_from(["65536", "infinity", "1024:4096"]) | st.integers(0, 10 ** 6),
                          VALUE_TEXT),
        syslog_identifier=pick(st.none() | LINE),
        environment_files=pick(st.lists(st.sampled_from(["-/etc/default/x"]) | LINE.map(lambda t: "/etc/" + t),
                                        max_size=2), st.lists(TEXT, max_size=2)),
        read_write_paths=pick(st.lists(LINE.map(lambda t: "/srv/" + t), max_size=2),
                              st.lists(TEXT.map(lambda t: "/srv/" + t), max_size=2)),
        hardening_overrides=pick(st.dictionaries(st.sampled_from(["ProtectHome", "PrivateTmp", "UMask"]),
                                                 st.none() | LINE | st.booleans(), max_size=2),
                                 st.dictionaries(st.sampled_from(["ProtectHome", "UMask"]), EXTRA_VALUE, max_size=2)),
        unit_extra=pick(st.dictionaries(st.sampled_from(["Service", "Unit", "X-Extra"]),
                                        st.dictionaries(EXTRA_KEYS, st.none() | LINE | st.integers() | st.lists(LINE, max_size=2),
                                                        max_size=2), max_size=2),
                        st.dictionaries(EXTRA_SECTIONS, st.dictionaries(EXTRA_KEYS, EXTRA_VALUE, max_size=2),
                                        max_size=2)),
    )
    return spec, opts


# Directives the renderer itself writes; anything else must come from unit_extra.
RENDERED_KEYS = {k for k, _v in HARDENING_PRESET} | {
    "Description", "Documentation", "After", "Wants", "Requires", "StartLimitIntervalSec", "StartLimitBurst",
    "Type", "User", "Group", "WorkingDirectory", "Environment", "EnvironmentFile", "ExecStart", "ExecReload",
    "Restart", "RestartSec", "TimeoutStopSec", "KillSignal", "KillMode", "StandardOutput", "StandardError",
    "SyslogIdentifier", "LimitNOFILE", "AmbientCapabilities", "StateDirectory", "CapabilityBoundingSet",
    "ReadWritePaths", "WantedBy"}


def _expected_raw(value: Any) -> List[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("yes" if item else "no")
        elif isinstance(item, float) and item.is_integer():
            out.append(str(int(item)))
        elif isinstance(item, float):
            out.append(repr(item))
        else:
            out.append(str(item))
    return out


def check_unit(spec: ServiceSpec, opts: SystemdOptions, text: str) -> None:
    entries = parse_unit(text)
    overrides: Dict[Tuple[str, str], Any] = {("Service", k): v for k, v in opts.hardening_overrides.items()}
    for section, directives in opts.unit_extra.items():
        for key, value in directives.items():
            overrides[(section, key)] = value
    sections = [s for s, _k, _v in entries]
    allowed_sections = {"Unit", "Service", "Install"} | set(opts.unit_extra)
    assert set(sections) <= allowed_sections, sections
    for section, key, _value in entries:
        assert key in RENDERED_KEYS or (section, key) in overrides, (section, key)

    def values(section: str, key: str) -> List[str]:
        return [v for s, k, v in entries if s == section and k == key]

    for (section, key), value in overrides.items():
        if value is None:
            assert values(section, key) == []
        else:
            assert values(section, key) == _expected_raw(value)

    if ("Service", "ExecStart") not in overrides:
        (exec_start,) = values("Service", "ExecStart")
        assert read_exec(exec_start) == [spec.command] + spec.args
    if ("Service", "Environment") not in overrides:
        env: Dict[str, str] = {}
        for line in values("Service", "Environment"):
            env.update(read_environment(line))
        assert env == spec.env
        assert len(values("Service", "Environment")) == len(spec.env)
    if ("Unit", "Description") not in overrides:
        (description,) = values("Unit", "Description")
        assert unescape_specifiers(description) == (spec.description or spec.display_name or spec.name)
    if spec.working_dir and ("Service", "WorkingDirectory") not in overrides:
        assert [unescape_specifiers(v) for v in values("Service", "WorkingDirectory")] == [spec.working_dir]
    if opts.syslog_identifier and ("Service", "SyslogIdentifier") not in overrides:
        assert [unescape_specifiers(v) for v in values("Service", "SyslogIdentifier")] == [opts.syslog_identifier]
    if ("Service", "EnvironmentFile") not in overrides:
        assert [unescape_specifiers(v) for v in values("Service", "EnvironmentFile")] == opts.environment_files
    if opts.limit_nofile is not None and ("Service", "LimitNOFILE") not in overrides:
        assert values("Service", "LimitNOFILE") == [str(opts.limit_nofile)]
    if opts.read_write_paths and ("Service", "ReadWritePaths") not in overrides:
        (rw,) = values("Service", "ReadWritePaths")
        assert read_path_list(rw) == opts.read_write_paths
    if ("Unit", "Documentation") not in overrides:
        docs = [unescape_specifiers(w) for v in values("Unit", "Documentation") for w in split_words(v)]
        assert docs == opts.documentation
    if opts.wanted_by and ("Install", "WantedBy") not in overrides:
        (wanted,) = values("Install", "WantedBy")
        assert wanted.split(" ") == opts.wanted_by.split(" ")
        assert not re.search(r"[%\"'\s]", wanted.replace(" ", ""))
    for key in ("After", "Wants"):
        if ("Unit", key) not in overrides:
            (line,) = values("Unit", key)
            words = line.split(" ")
            assert not re.search(r"[%\"'\s]", line.replace(" ", ""))
            for dep in spec.dependencies:
                assert (dep if "." in dep else dep + ".service") in words


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_a_rendered_unit_reads_back_as_exactly_the_spec(case: Tuple[ServiceSpec, SystemdOptions]) -> None:
    spec, opts = case
    try:
        text = render_unit(spec, opts)
    except SpecError:
        event("refused")
        return
    event("rendered")
    check_unit(spec, opts, text)


def _no_injected_lines(text: str, allowed_sections: List[str]) -> None:
    for raw in read_lines(text):
        line = raw.strip(WHITESPACE)
        assert not line.startswith("ExecStartPre"), line
        if line.startswith("["):
            assert line[1:-1] in allowed_sections, line


INJECTIONS = st.sampled_from([
    "x\nExecStartPre=/bin/sh -c id", "x\rExecStartPre=/bin/sh", "x\r\nExecStartPre=/bin/sh", "x\\\nExecStartPre=a",
    "x\x00ExecStartPre=/bin/sh", "x\n[Service]\nExecStartPre=/bin/sh", "\n[Evil]", "x\\", "x\u2028ExecStartPre=a",
    "x\x85ExecStartPre=a", "x\x0bExecStartPre=a", "x\x0cExecStartPre=a",
]) | st.text(st.sampled_from(list("\n\r\\[]=ExecStartPre\x00 \t\x85\u2028")), max_size=30)


@settings(max_examples=200, deadline=None)
@given(INJECTIONS, st.sampled_from(["wanted_by", "limit_nofile", "unit_extra", "override", "description", "arg",
                                    "env", "syslog_identifier", "documentation", "environment_files",
                                    "read_write_paths", "dependency", "working_dir"]))
def test_no_value_adds_an_exec_start_pre_or_a_section(value: str, where: str) -> None:
    spec = ServiceSpec(name="hello", command="/opt/hello/current/hello")
    opts = SystemdOptions()
    if where == "wanted_by":
        opts.wanted_by = value
    elif where == "limit_nofile":
        opts.limit_nofile = value
    elif where == "unit_extra":
        opts.unit_extra = {"Service": {"LimitNPROC": value}, "X-Extra": {"Nice": [value, "1"]}}
    elif where == "override":
        opts.hardening_overrides = {"ProtectHome": value}
    elif where == "description":
        spec.description = value
    elif where == "arg":
        spec.args = [value]
    elif where == "env":
        spec.env = {"A": value}
    elif where == "syslog_identifier":
        opts.syslog_identifier = value
    elif where == "documentation":
        opts.documentation = [value]
    elif where == "environment_files":
        opts.environment_files = ["/etc/" + value]
    elif where == "read_write_paths":
        opts.read_write_paths = ["/srv/" + value]
    elif where == "dependency":
        spec.dependencies = [value]
    else:
        spec.working_dir = "/srv/" + value
    try:
        text = render_unit(spec, opts)
    except SpecError as exc:
        assert "hello" in str(exc) or "unit directive" in str(exc)
        return
    _no_injected_lines(text, ["Unit", "Service", "Install", "X-Extra"])
    check_unit(spec, opts, text)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(EXTRA_SECTIONS, st.dictionaries(EXTRA_KEYS, EXTRA_VALUE, max_size=3), max_size=3))
def test_a_drop_in_reads_back_as_exactly_its_data(sections: Dict[str, Dict[str, Any]]) -> None:
    try:
        text = render_dropin(sections)
    except SpecError:
        return
    entries = parse_unit(text)
    expected = [(s, k, v) for s, d in sections.items() for k, val in d.items() if val is not None
                for v in _expected_raw(val)]
    assert sorted(entries) == sorted(expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT | st.sampled_from(["8080", "/run/x.sock"]), min_size=1, max_size=3), st.none() | VALUE_TEXT)
def test_a_socket_unit_reads_back_as_exactly_its_sockets(sockets: List[str], description: Optional[str]) -> None:
    spec = ServiceSpec(name="hello", command="/opt/h", sockets=sockets, description=description)
    try:
        text = render_socket(spec)
    except SpecError:
        return
    assert text is not None
    entries = parse_unit(text)
    assert [unescape_specifiers(v) for s, k, v in entries if k == "ListenStream"] == sockets
    assert {s for s, _k, _v in entries} == {"Unit", "Socket", "Install"}
    assert [k for _s, k, _v in entries] == ["Description"] + ["ListenStream"] * len(sockets) + ["Service", "WantedBy"]


# ---------------------------------------------------------------------------------------
# The model itself must catch what it is there to catch.

@pytest.mark.parametrize("text", [
    "[Service]\nExecStart=\"/bin/x\" ; \"/bin/y\"\n",
    "[Service]\nExecStart=\"/bin/x\" \"$HOME\"\n",
    "[Service]\nExecStart=\"-/bin/x\"\n",
    "[Service]\nExecStart=\"/bin/x\" \"100%d\"\n",
])
def test_the_model_refuses_what_systemd_would_change(text: str) -> None:
    (_s, _k, value), = parse_unit(text)
    with pytest.raises(Unreadable):
        read_exec(value)


def test_the_model_joins_continuations_and_splits_at_cr() -> None:
    assert parse_unit("[A]\nK=a\\\n b\rL=c\n") == [("A", "K", "a b"), ("A", "L", "c")]
    assert read_exec('"/x" "a\\x41\\u00e9\\U0001f600" "$$X" "100%%" ";"') == ["/x", "aA\u00e9\U0001f600", "$X", "100%", ";"]
    assert read_environment('"A=1 2" "B=\\"q\\""') == {"A": "1 2", "B": '"q"'}
