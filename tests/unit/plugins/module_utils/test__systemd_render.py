from __future__ import annotations

import re
from typing import List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._spec import SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._systemd_parse import parse_unit_file
from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import (
    SystemdOptions,
    environment_value,
    exec_line,
    merge_directives,
    render_dropin,
    render_unit,
    unit_name,
)

_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b",
              "f": "\f", "v": "\v", "s": " "}


def _specifiers(text: str) -> str:
    """systemd expands %-specifiers first; only %% is expected in rendered values."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "%":
            assert text[i + 1] == "%", "unescaped specifier in %r" % text
            out.append("%")
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def split_exec(line: str) -> List[str]:
    """A model of systemd's ExecStart= parsing (specifiers, then words with quotes and C
    escapes, then $$ -> $): the reference the renderer is tested against. The real systemd
    is exercised by the integration tests."""
    text = _specifiers(line)
    words, i = [], 0
    while i < len(text):
        if text[i] in " \t":
            i += 1
            continue
        word, quote, had_quotes = [], None, False
        while i < len(text):
            ch = text[i]
            if quote is None and ch in " \t":
                break
            if ch == "\\":
                nxt = text[i + 1]
                if nxt == "u":
                    word.append(chr(int(text[i + 2:i + 6], 16)))
                    i += 6
                    continue
                if nxt == "U":
                    word.append(chr(int(text[i + 2:i + 10], 16)))
                    i += 10
                    continue
                if nxt == "x":
                    word.append(chr(int(text[i + 2:i + 4], 16)))
                    i += 4
                    continue
                word.append(_C_ESCAPES[nxt])
                i += 2
                continue
            if ch in "\"'" and (quote is None or quote == ch):
                quote = None if quote else ch
                had_quotes = True
                i += 1
                continue
            word.append(ch)
            i += 1
        assert quote is None
        joined = "".join(word)
        assert "$" not in joined.replace("$$", ""), "unescaped $ in %r" % joined
        words.append(joined.replace("$$", "$"))
        assert words[-1] or had_quotes
    return words


def spec(**kw):
    params = dict(name="hello", command="/opt/hello/current/hello", restart={}, logs={})
    params.update(kw)
    return build_spec(params)


def service_lines(text: str, key: str) -> List[str]:
    return [v for sec, k, v in parse_unit_file(text) if sec == "Service" and k == key]


# Noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF) fail systemd's UTF-8 check: refused, below.
_NONCHARACTERS = "".join(chr(c) for c in range(0xFDD0, 0xFDF0)) + "".join(
    chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
argv_text = st.text(alphabet=st.characters(blacklist_characters="\x00" + _NONCHARACTERS, blacklist_categories=("Cs",)),
                    max_size=40)


@pytest.mark.parametrize("arg", ["\x00", "\ufdd0", "\uffff", "\U0010fffe", "\ud800"])
def test_exec_args_systemd_cannot_read_back_are_refused(arg):
    with pytest.raises(SpecError, match="systemd cannot pass"):
        exec_line(["/bin/x", arg], "hello")


@settings(max_examples=500)
@given(st.lists(argv_text, max_size=8))
def test_exec_args_survive_rendering(args):
    argv = ["/opt/my app/bin/hello"] + args
    assert split_exec(exec_line(argv)) == argv


@settings(max_examples=300)
@given(st.lists(argv_text, max_size=5))
def test_rendered_unit_keeps_exec_args_on_one_line(args):
    text = render_unit(spec(args=args), SystemdOptions())
    (line,) = service_lines(text, "ExecStart")
    assert split_exec(line) == ["/opt/hello/current/hello"] + args


def test_nasty_arguments_are_quoted_exactly():
    argv = ["/opt/a b/hello", "", "a b", 'q"x', "back\\slash\\", "$HOME", "${X}", "100%", ";", "ünï", "tab\there"]
    line = exec_line(argv)
    assert line == ('"/opt/a b/hello" "" "a b" "q\\"x" "back\\\\slash\\\\" "$$HOME" "$${X}" "100%%" ";" "ünï" '
                    '"tab\\there"')
    assert split_exec(line) == argv


_ENV_REFUSED = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n") + "\x7f" + _NONCHARACTERS


@given(st.text(alphabet=st.characters(blacklist_characters=_ENV_REFUSED, blacklist_categories=("Cs",)), max_size=30))
def test_environment_values_survive_rendering(value):
    assigned = environment_value("KEY", value)
    assert split_exec(assigned.replace("$", "$$")) == ["KEY=" + value]


@pytest.mark.parametrize("value", ["a\rb", "\x00", "bell\x07", "del\x7f", "\ufffe", "\ud800"])
def test_environment_values_systemd_would_drop_are_refused(value):
    with pytest.raises(SpecError, match="env value of KEY contains U\\+"):
        environment_value("KEY", value, "hello")


def test_default_unit_is_hardened_and_complete():
    text = render_unit(spec(args=["-listen", ":8080"], account="hello", env={"B": "2", "A": "1"}), SystemdOptions())
    entries = parse_unit_file(text)
    service = dict((k, v) for sec, k, v in entries if sec == "Service")
    assert service["Type"] == "exec"
    assert service["User"] == "hello"
    assert service["Restart"] == "on-failure"
    assert service["RestartSec"] == "2"
    assert service["TimeoutStopSec"] == "30"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ProtectHome"] == "yes"
    assert service["SystemCallErrorNumber"] == "EPERM"
    assert service["StateDirectory"] == "hello"
    assert service["StandardOutput"] == "journal"
    assert service["SyslogIdentifier"] == "hello"
    # Environment lines sorted by key, so equal specs give equal bytes.
    assert service_lines(text, "Environment") == ['"A=1"', '"B=2"']
    assert ("Install", "WantedBy", "multi-user.target") in entries
    assert ("Unit", "StartLimitBurst", "6") in entries
    assert ("Unit", "StartLimitIntervalSec", "60") in entries


def test_rendering_is_deterministic():
    s = spec(env={"Z": "1", "A": "2"}, args=["x"])
    assert render_unit(s, SystemdOptions()) == render_unit(s, SystemdOptions())


def test_hardening_overrides_replace_and_remove():
    opts = SystemdOptions(hardening_overrides={"ProtectHome": "read-only", "MemoryDenyWriteExecute": None,
                                               "PrivateNetwork": True})
    text = render_unit(spec(), opts)
    assert service_lines(text, "ProtectHome") == ["read-only"]
    assert service_lines(text, "MemoryDenyWriteExecute") == []
    assert service_lines(text, "PrivateNetwork") == ["yes"]


def test_hardening_can_be_disabled():
    text = render_unit(spec(), SystemdOptions(hardening=False))
    assert service_lines(text, "ProtectSystem") == []
    assert service_lines(text, "NoNewPrivileges") == []


def test_capabilities_are_ambient_and_bounding():
    text = render_unit(spec(account="hello"), SystemdOptions(capabilities=["CAP_NET_BIND_SERVICE"]))
    assert service_lines(text, "AmbientCapabilities") == ["CAP_NET_BIND_SERVICE"]
    assert service_lines(text, "CapabilityBoundingSet") == ["CAP_NET_BIND_SERVICE"]
    with pytest.raises(SpecError, match="capability"):
        render_unit(spec(), SystemdOptions(capabilities=["net_bind"]))


def test_file_logs_append_and_survive_restarts():
    text = render_unit(spec(logs={"stdout": "/var/log/hello/out.log"}), SystemdOptions())
    assert service_lines(text, "StandardOutput") == ["append:/var/log/hello/out.log"]
    assert service_lines(text, "StandardError") == ["append:/var/log/hello/out.log"]
    text = render_unit(spec(logs={"stdout": "/var/log/h/o.log", "stderr": "/var/log/h/e.log"}), SystemdOptions())
    assert service_lines(text, "StandardError") == ["append:/var/log/h/e.log"]


def test_restart_policy_mapping_and_unlimited():
    text = render_unit(spec(restart={"policy": "never"}), SystemdOptions())
    assert service_lines(text, "Restart") == ["no"]
    assert ("Unit", "StartLimitIntervalSec", "0") in parse_unit_file(text)
    text = render_unit(spec(restart={"policy": "always", "delay": 0.5, "max_restarts": 0}), SystemdOptions())
    assert service_lines(text, "Restart") == ["always"]
    assert service_lines(text, "RestartSec") == ["0.5"]


def test_dependencies_and_units():
    text = render_unit(spec(dependencies=["postgresql", "redis.socket"]),
                       SystemdOptions(requires=["postgresql"], after=["x.mount"]))
    entries = parse_unit_file(text)
    assert ("Unit", "After", "network-online.target postgresql.service redis.socket x.mount") in entries
    assert ("Unit", "Wants", "network-online.target postgresql.service redis.socket") in entries
    assert ("Unit", "Requires", "postgresql.service") in entries


def test_reload_kill_limits_documentation():
    opts = SystemdOptions(reload_signal="hup", kill_signal="INT", kill_mode="mixed", limit_nofile="65536",
                          documentation=["https://example.com/docs"], unit_type="notify",
                          environment_files=["-/etc/default/hello"], read_write_paths=["/srv/my data", "/srv/x"])
    text = render_unit(spec(), opts)
    assert service_lines(text, "ExecReload") == ["/bin/kill -s SIGHUP $MAINPID"]
    assert service_lines(text, "KillSignal") == ["SIGINT"]
    assert service_lines(text, "KillMode") == ["mixed"]
    assert service_lines(text, "LimitNOFILE") == ["65536"]
    assert service_lines(text, "Type") == ["notify"]
    assert service_lines(text, "EnvironmentFile") == ["-/etc/default/hello"]
    assert service_lines(text, "ReadWritePaths") == ['"/srv/my data" /srv/x']
    assert ("Unit", "Documentation", "https://example.com/docs") in parse_unit_file(text)
    text = render_unit(spec(), SystemdOptions(reload_command=["/opt/hello/reload", "a b"]))
    assert service_lines(text, "ExecReload") == ['"/opt/hello/reload" "a b"']


def test_specifiers_in_free_text_are_escaped():
    text = render_unit(spec(description="100% hello", working_dir="/srv/50%"), SystemdOptions())
    entries = parse_unit_file(text)
    assert ("Unit", "Description", "100%% hello") in entries
    assert service_lines(text, "WorkingDirectory") == ["/srv/50%%"]


@pytest.mark.parametrize("kwargs,opts,match", [
    (dict(name="bad name"), SystemdOptions(), "not a valid systemd unit name"),
    (dict(description="ends with \\"), SystemdOptions(), "line continuation"),
    (dict(account="bad user!"), SystemdOptions(), "not a valid user"),
    (dict(), SystemdOptions(reload_signal="HUP", reload_command=["/bin/true"]), "not both"),
    (dict(), SystemdOptions(kill_signal="TERM;x"), "not a signal name"),
    (dict(), SystemdOptions(unit_extra={"Service": {"Bad Key": 1}}), "not a valid directive"),
    (dict(), SystemdOptions(read_write_paths=['/srv/"q"']), "quote or backslash"),
])
def test_bad_input_is_rejected_with_a_clear_error(kwargs, opts, match):
    with pytest.raises(SpecError, match=match):
        render_unit(spec(**kwargs), opts)


def test_merge_directives_lists_and_new_sections():
    unit = [("Service", [("A", "1"), ("B", "2"), ("A", "3")])]
    merged = merge_directives(unit, {"Service": {"A": ["x", "y"], "B": None, "C": False}, "X-Custom": {"K": 5}})
    assert merged == [("Service", [("A", "x"), ("A", "y"), ("C", "no")]), ("X-Custom", [("K", "5")])]


def test_render_dropin():
    text = render_dropin({"Service": {"MemoryMax": "256M", "Environment": ['"A=1"', '"B=2"']}})
    assert parse_unit_file(text) == [("Service", "MemoryMax", "256M"), ("Service", "Environment", '"A=1"'),
                                     ("Service", "Environment", '"B=2"')]


def test_unit_name():
    assert unit_name("hello") == "hello.service"
    assert unit_name("hello.service") == "hello.service"
    assert unit_name("app@1") == "app@1.service"
    assert re.match(r"^\w", unit_name("a:b-c_d.e"))


def test_sockets_render_a_socket_unit_that_the_service_requires():
    from ansible_collections.svcwright.services.plugins.module_utils._systemd_render import render_socket
    s = spec(sockets=["8080", "[::1]:9090", "/run/hello.sock"])
    socket = parse_unit_file(render_socket(s))
    assert [v for sec, k, v in socket if k == "ListenStream"] == ["8080", "[::1]:9090", "/run/hello.sock"]
    assert ("Socket", "Service", "hello.service") in socket
    assert ("Install", "WantedBy", "sockets.target") in socket
    unit = parse_unit_file(render_unit(s, SystemdOptions()))
    assert ("Unit", "Requires", "hello.socket") in unit
    assert ("Unit", "After", "network-online.target hello.socket") in unit
    assert render_socket(spec()) is None


@pytest.mark.parametrize("bad", ["http://x", "80a", "host: 80", "relative.sock"])
def test_bad_socket_addresses_are_refused(bad):
    with pytest.raises(SpecError, match="sockets"):
        spec(sockets=[bad])
