# -*- coding: utf-8 -*-
"""Properties of the Windows command lines: whatever an argv holds, it is either refused or
reaches the program as exactly that argv through cmd.exe, with no variable expanded and no
operator run. cmd.exe is a model written for these tests (command-line mode, delayed
expansion off as cmd_command_line asks): the percent phase, then carets, quotes and
operators; the program then splits its command line by CommandLineToArgvW rules."""
from __future__ import annotations

from typing import Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._nssm_render import (
    NssmOptions,
    PARAMETER_ORDER,
    render_parameters,
    set_argv,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_render import (
    CONFIG_OPTIONS,
    WinOptions,
    config_argv,
    create_argv,
    desired_config,
    description_argv,
    read_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._spec import LogSpec, ServiceSpec, SpecError
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import (
    CommandLineError,
    cmd_command_line,
    cmd_escape,
    for_cmd,
    join_argv,
    split_cmdline,
)

ENV = {"OS": "Windows_NT", "PATH": "C:\\Windows", "USERNAME": "admin", "COMSPEC": "C:\\cmd.exe",
       "TEMP": "C:\\Temp", "A": "a", "X": "x", "PROGRAMDATA": "C:\\ProgramData", "": "empty"}


class Executed(AssertionError):
    """cmd.exe would run an operator or change the text."""


def percent_phase(text: str, env: Dict[str, str]) -> str:
    """cmd's command-line-mode percent expansion: %NAME% and %NAME:...% are replaced when
    NAME is defined (case-insensitively); otherwise the text stays and the scan resumes AT
    the closing %, which may open the next reference (``%a %b%`` with b defined gives
    ``%a `` + b's value)."""
    lowered = {k.lower(): v for k, v in env.items()}
    out: List[str] = []
    i = 0
    while i < len(text):
        if text[i] != "%":
            out.append(text[i])
            i += 1
            continue
        end = text.find("%", i + 1)
        if end < 0:
            out.append(text[i:])
            break
        name = text[i + 1:end].split(":", 1)[0]
        if name and name.lower() in lowered:
            out.append("<%s>" % lowered[name.lower()])
            i = end + 1
            continue
        out.append(text[i:end])
        i = end
    return "".join(out)


def caret_phase(text: str) -> str:
    """Carets, quotes and operators: outside quotes ^x is x and & | < > ( ) run or group
    commands; a quote toggles quoted mode, where everything is literal."""
    out: List[str] = []
    quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\n":
            raise Executed("the command ends at the line feed in %r" % text)
        if c == "\r":
            i += 1
            continue
        if quoted:
            quoted = c != '"'
            out.append(c)
        elif c == "^":
            if i + 1 == len(text):
                raise Executed("a trailing ^ in %r" % text)
            i += 1
            out.append(text[i])
        elif c in "&|<>()":
            raise Executed("operator %r outside quotes in %r" % (c, text))
        else:
            quoted = c == '"'
            out.append(c)
        i += 1
    return "".join(out)


def cmd_slash_s_c(after_c: str, env: Dict[str, str]) -> str:
    """The command line of the program that ``cmd /s /c AFTER_C`` starts."""
    assert after_c.startswith('"') and after_c.endswith('"')
    return caret_phase(percent_phase(after_c[1:-1], env))


def test_the_model_expands_and_runs_what_cmd_would() -> None:
    assert percent_phase("%OS% %nope% %path:x=y% %a %x%", ENV) == "<Windows_NT> %nope% <C:\\Windows> %a <x>"
    for text in ("a & b", "a | b", "a > b", "a ^", "(a)", "a\nb", '"a\nb"'):
        with pytest.raises(Executed):
            caret_phase(text)
    assert caret_phase('a "&|" ^&') == 'a "&|" &'


_PIECES = list(' \t"\\abc%!^&|<>():=;,\'@/\u00e9\u4e2d\u2019')
_PIECES += ["%OS%", "%PATH:~0,1%", "!OS!", "%%", "^%OS^%", '\\"']
_ALPHABET = st.sampled_from(_PIECES)
ARG = st.lists(_ALPHABET, max_size=8).map("".join) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
PROGRAM = st.sampled_from(["sc.exe", "C:\\Program Files\\svcwright\\nssm.exe", "reg.exe", "C:\\a,b\\x.exe",
                           "C:\\a&b\\x.exe", "C:\\(x)\\y.exe", "x;y.exe", "@x.exe", "C:/a/b.exe"]) | st.text(
    st.characters(blacklist_characters='"', blacklist_categories=("Cs",)), min_size=1, max_size=8)


def reaches_the_program(argv: List[str]) -> None:
    """Either refused, or through cmd.exe the program gets exactly ``argv``."""
    try:
        cmdline = join_argv(argv)
        after_c = for_cmd(cmdline)
    except CommandLineError:
        return
    env = dict(ENV)
    for arg in argv:
        for piece in arg.replace(":", "%").split("%"):
            if piece and not piece.endswith("^"):
                env[piece] = "x"
    assert split_cmdline(cmd_slash_s_c(after_c, env)) == argv
    assert cmd_command_line(cmdline).endswith(after_c)


@settings(max_examples=400, deadline=None)
@given(PROGRAM, st.lists(ARG, max_size=5))
def test_any_argv_reaches_the_program_exactly_through_cmd(program: str, args: List[str]) -> None:
    reaches_the_program([program] + args)


@pytest.mark.parametrize("argv", [
    ["sc.exe", "create", "%OS%", "binPath=", '"C:\\x.exe" %PATH%'],
    ["sc.exe", "description", "%OS%", "50% off %USERNAME:~0,2% !OS! ^%OS^%"],
    ["reg.exe", "query", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\%OS%"],
    ["C:\\a&calc.exe\\nssm.exe", "set", "x", "AppParameters", "a & b"],
])
def test_percent_names_and_operators_reach_the_program_literally(argv: List[str]) -> None:
    after_c = for_cmd(join_argv(argv))
    assert split_cmdline(cmd_slash_s_c(after_c, ENV)) == argv
    assert "Windows_NT" not in cmd_slash_s_c(after_c, ENV)


@pytest.mark.parametrize("bad", ["\n", "\r", "\x1a", "\x0b", "\x85", "\u2028", "\u2029", "\u202e", "\u2066",
                                 "\u061c", "\u200e", "\u200b", "\u200d", "\u2060", "\ufeff", "\x7f", "\x9b"])
def test_line_breaks_controls_and_invisible_characters_are_refused(bad: str) -> None:
    with pytest.raises(CommandLineError, match="U\\+%04X" % ord(bad)):
        cmd_escape(join_argv(["sc.exe", "description", "x", "secret" + bad]))


def test_a_refused_command_line_is_not_echoed_in_the_error() -> None:
    with pytest.raises(CommandLineError) as info:
        cmd_escape(join_argv(["sc.exe", "config", "x", "password=", "hunter2\n"]))
    assert "hunter2" not in str(info.value)


# ---------------------------------------------------------------------------------------
# Everything the Windows renderers hand to the runner.

NAME = st.sampled_from(["SvcwTest [abc]", "%OS%", "a&b", "x^y", "!OS!", "a:b"]) | st.text(max_size=8)
TEXT = st.text(max_size=10) | st.lists(_ALPHABET, max_size=6).map("".join)


@settings(max_examples=150, deadline=None)
@given(NAME, st.lists(TEXT, max_size=3), TEXT, TEXT, st.none() | TEXT)
def test_every_sc_argv_is_refused_or_reaches_sc_exactly(name: str, args: List[str], display: str,
                                                        description: str, password: str) -> None:
    spec = ServiceSpec(name=name, command="C:\\Program Files\\svc\\svc.exe", args=args, display_name=display,
                       description=description, restart=ServiceSpec("x").restart)
    try:
        cfg = desired_config(spec, WinOptions(password=password))
        argvs = [create_argv(cfg, password), config_argv(cfg, CONFIG_OPTIONS, password or "pw"),
                 description_argv(cfg.name, cfg.description)] + read_argvs(cfg.name)
    except SpecError:
        return
    for argv in argvs:
        after_c = for_cmd(join_argv(argv))
        assert split_cmdline(cmd_slash_s_c(after_c, ENV)) == argv


@settings(max_examples=150, deadline=None)
@given(NAME, st.lists(TEXT, max_size=3), st.dictionaries(st.from_regex(r"\A[A-Z]{1,3}\Z"), TEXT, max_size=2), TEXT)
def test_every_nssm_argv_is_refused_or_reaches_nssm_exactly(name: str, args: List[str], env: Dict[str, str],
                                                            description: str) -> None:
    spec = ServiceSpec(name=name, command="C:\\svc\\svc.exe", args=args, env=env, description=description,
                       logs=LogSpec())
    try:
        params = render_parameters(spec, NssmOptions())
    except SpecError:
        return
    for parameter in PARAMETER_ORDER:
        argv = set_argv("C:\\Program Files\\svcwright\\nssm.exe", name, parameter, params)
        after_c = for_cmd(join_argv(argv))
        assert split_cmdline(cmd_slash_s_c(after_c, ENV)) == argv
