# -*- coding: utf-8 -*-
from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Dict, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import (
    POWERSHELL_RESULT_MARKER,
    CommandLineError,
    build_image_path,
    cmd_command_line,
    cmd_escape,
    cmd_unescape,
    for_cmd,
    for_powershell,
    is_unquoted_path_with_spaces,
    join_args,
    join_argv,
    parse_powershell_result,
    powershell_for_argv,
    ps_single_quote,
    quote_arg,
    quote_program,
    same_image_path,
    shell_unsafe_char,
    split_args,
    split_cmdline,
    split_image_path,
)
from ansible_collections.svcwright.services.plugins.module_utils._reg_output import (
    parse_service_key,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_output import parse_sc_qc

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"

# Text that can appear in arguments: the characters that matter to the parsers, plus some
# unicode; never NUL.
_ALPHABET = st.sampled_from(list(' \t"\\abc%!^&|<>():=;,\'\u00e9\u4e2d\u2019\n'))
ARG = st.text(_ALPHABET, max_size=12) | st.text(
    st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=8)
PROGRAM = st.text(
    st.characters(blacklist_characters='\0"', blacklist_categories=("Cs",)), min_size=1,
    max_size=12) | st.sampled_from(["C:\\Program Files\\My App\\app.exe", "sc.exe",
                                    "C:\\dir with space\\", "a\\"])


# ---------------------------------------------------------------------------------------
# quoting and splitting


@pytest.mark.parametrize("arg,quoted", [
    ("", '""'),
    ("plain", "plain"),
    ("a b", '"a b"'),
    ("tab\there", '"tab\there"'),
    ('say "hi"', '"say \\"hi\\""'),
    ('a"b', '"a\\"b"'),
    ("C:\\dir\\", "C:\\dir\\"),
    ("C:\\dir with space\\", '"C:\\dir with space\\\\"'),
    ('\\"', '"\\\\\\""'),
    ("a\\\\b", "a\\\\b"),
    ("line\nbreak", '"line\nbreak"'),
])
def test_quote_arg(arg: str, quoted: str) -> None:
    assert quote_arg(arg) == quoted
    assert split_args(quoted) == [arg]


# The examples of Microsoft's "Parsing C command-line arguments" (arguments after argv[0]).
@pytest.mark.parametrize("text,argv_2008,argv_legacy", [
    ('"a b c" d e', ["a b c", "d", "e"], None),
    ('"ab\\"c" "\\\\" d', ['ab"c', "\\", "d"], None),
    ('a\\\\\\b d"e f"g h', ["a\\\\\\b", "de fg", "h"], None),
    ('a\\\\\\"b c d', ['a\\"b', "c", "d"], None),
    ('a\\\\\\\\"b c" d e', ["a\\\\b c", "d", "e"], None),
    ('a"b"" c d', ['ab" c d'], ['ab"', "c", "d"]),
    ('"a""b c"', ['a"b c'], ['a"b', "c"]),
    ('""', [""], None),
    ('"" x ""', ["", "x", ""], None),
    ('   spaced\t\targs  ', ["spaced", "args"], None),
    ('"unterminated arg', ["unterminated arg"], None),
    ('trailing\\', ["trailing\\"], None),
])
def test_split_args_documented_examples(text: str, argv_2008: List[str],
                                        argv_legacy: List[str]) -> None:
    assert split_args(text) == argv_2008
    assert split_args(text, variant="legacy") == (argv_legacy or argv_2008)


@pytest.mark.parametrize("cmdline,argv", [
    ('"C:\\Program Files\\x.exe" a "b c"', ["C:\\Program Files\\x.exe", "a", "b c"]),
    ("C:\\dir\\\"x y", ['C:\\dir\\"x', "y"]),          # no escapes in the program name
    ('"C:\\dir\\" y', ["C:\\dir\\", "y"]),               # a trailing backslash stays
    ('"a b"c d', ["a b", "c", "d"]),                     # the closing quote ends argv[0]
    (" leading", ["", "leading"]),
    ('"unclosed program', ["unclosed program"]),
    ("prog", ["prog"]),
    ("", []),
])
def test_split_cmdline_program_name_rule(cmdline: str, argv: List[str]) -> None:
    assert split_cmdline(cmdline) == argv


# Recorded under Wine 8: NSSM 2.24-101 run from a batch file with these exact arguments
# (`nssm set NAME AppEnvironmentExtra <text>`), then `nssm get` listed the argv items its C
# runtime had made of them, one per line.
@pytest.mark.parametrize("text,items", [
    ('"K=a""b c=1"', ['K=a"b c=1']),
    ('K=a"b"" c=d e=f', ['K=ab" c=d e=f']),
    ('"K=x\\"y" "L=\\\\" M=z\\\\\\\\"w', ['K=x"y', "L=\\", "M=z\\\\w"]),
    ('"K=tr\\\\\\\\" L=1', ["K=tr\\\\", "L=1"]),
])
def test_split_args_matches_a_real_runtime(text: str, items: List[str]) -> None:
    assert split_args(text) == items


def test_split_rejects_unknown_variant() -> None:
    with pytest.raises(ValueError, match="variant"):
        split_args("a", variant="1999")


@pytest.mark.parametrize("argv,error", [
    ([], "empty argv"),
    ([""], "program name is empty"),
    (['C:\\a"b.exe'], "contains a double quote"),
    (["x.exe", "a\0b"], "NUL"),
])
def test_join_argv_errors(argv: List[str], error: str) -> None:
    with pytest.raises(CommandLineError, match=error):
        join_argv(argv)


def test_join_argv_examples() -> None:
    assert join_argv(["sc.exe", "create", "My Svc", "binPath=",
                      '"C:\\Program Files\\My Svc\\svc.exe" --port 8080']) == (
        'sc.exe create "My Svc" binPath= '
        '"\\"C:\\Program Files\\My Svc\\svc.exe\\" --port 8080"')
    assert join_argv(["C:\\Program Files\\x.exe"]) == '"C:\\Program Files\\x.exe"'
    assert quote_program("C:\\dir\\x.exe") == "C:\\dir\\x.exe"


@settings(max_examples=400)
@given(PROGRAM, st.lists(ARG, max_size=6))
def test_join_split_round_trip_both_variants(program: str, args: List[str]) -> None:
    cmdline = join_argv([program] + args)
    assert split_cmdline(cmdline) == [program] + args
    assert split_cmdline(cmdline, variant="legacy") == [program] + args
    # join_argv never writes "" inside a quoted part: the two variants cannot disagree.
    assert split_args(join_args(args)) == args


# ---------------------------------------------------------------------------------------
# cmd.exe
#
# A MODEL of how cmd.exe reads a command line after /c, for testing only: it is written
# from the documented and widely described behaviour (the /c quote rule, percent expansion
# of the command-line context, caret and quote handling), not taken from cmd.exe itself.


def _model_percent_expansion(text: str, env: Dict[str, str]) -> str:
    """cmd's first pass on the command line: %NAME% and %NAME:...% are replaced when NAME
    is defined (case-insensitively), anything else is left as it is."""
    lowered = {k.lower(): v for k, v in env.items()}
    out, i = [], 0
    while i < len(text):
        if text[i] == "%":
            end = text.find("%", i + 1)
            if end > i + 1:
                name = text[i + 1:end].split(":", 1)[0]
                if name.lower() in lowered:
                    out.append("{%s}" % lowered[name.lower()])
                    i = end + 1
                    continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _model_cmd_c(after_c: str, env: Dict[str, str]) -> str:
    """What program command line cmd /s /c <after_c> starts, in the model."""
    assert after_c.startswith('"') and after_c.endswith('"'), "the /s quotes are missing"
    inner = after_c[1:-1]
    return cmd_unescape(_model_percent_expansion(inner, env))


def test_model_expands_and_rejects_what_cmd_would() -> None:
    env = {"PATH": "C:\\Windows"}
    assert _model_cmd_c('"echo %PATH% %path:x=y% %NOPE%"', env) == (
        "echo {C:\\Windows} {C:\\Windows} %NOPE%")
    with pytest.raises(CommandLineError):
        _model_cmd_c('"a & b"', env)


@pytest.mark.parametrize("cmdline,escaped", [
    ("sc.exe query x", "sc.exe query x"),
    ('"C:\\Program Files\\a.exe" "a b"', '"C:\\Program Files\\a.exe" ^"a b^"'),
    ("x.exe a&b|c<d>e (f) ^g", "x.exe a^&b^|c^<d^>e ^(f^) ^^g"),
    ("x.exe %PATH% C:\\", "x.exe ^%PATH^% C^:\\"),
    ("x.exe !bang!", "x.exe !bang!"),
    ("a(b).exe x", '"a(b).exe" x'),
    ("C:\\a,b\\x.exe y", '"C:\\a,b\\x.exe" y'),
])
def test_cmd_escape_examples(cmdline: str, escaped: str) -> None:
    assert cmd_escape(cmdline) == escaped
    assert split_cmdline(cmd_unescape(escaped)) == split_cmdline(cmdline)
    assert for_cmd(cmdline) == '"%s"' % escaped


@pytest.mark.parametrize("cmdline,error", [
    ("x.exe a\nb", "line break"),
    ("x.exe a\rb", "line break"),
    ("x.exe a\x1ab", "line break"),
    ("x.exe a\u2028b", "line break"),
    ("x.exe a\u202eb", "invisible character, U\\+202E"),
    ("x.exe a\u200bb", "invisible character, U\\+200B"),
    ("x.exe a\x07b", "control or invisible"),
    ('"a b"c d', "followed by text without a space"),
    (" x.exe", "no program name"),
    ("", "no program name"),
    ('"C:\\100%\\x.exe" a', "contains '%'"),
    ('"unclosed', "not closed"),
])
def test_cmd_escape_refuses(cmdline: str, error: str) -> None:
    with pytest.raises(CommandLineError, match=error):
        cmd_escape(cmdline)


def test_cmd_command_line_switches() -> None:
    assert cmd_command_line("sc.exe query x") == 'cmd.exe /d /v:off /s /c "sc.exe query x"'


def _shellable(text: str) -> bool:
    return shell_unsafe_char(text) is None


@settings(max_examples=400)
@given(PROGRAM.filter(lambda p: "%" not in p and _shellable(p)),
       st.lists(ARG.filter(_shellable), max_size=6))
def test_for_cmd_round_trip_through_the_model(program: str, args: List[str]) -> None:
    cmdline = join_argv([program] + args)
    # Define every name the arguments could spell between two percent signs, except the
    # names ending in "^" that the guarantee excludes.
    env = {"PATH": "p", "A": "a"}
    for a in args:
        for piece in re.split(r"[%:]", a):
            if piece and not piece.endswith("^"):
                env[piece] = "x"
    assert split_cmdline(_model_cmd_c(for_cmd(cmdline), env)) == [program] + args
    escaped = cmd_escape(cmdline)
    if any(c in " \t" for c in program):
        # The program path must be in cmd's quoted mode so that cmd sees one token.
        assert escaped.startswith('"' + program + '"')


# ---------------------------------------------------------------------------------------
# PowerShell


def _model_ps_single_quoted(literal: str) -> str:
    """Read one PowerShell single-quoted literal (any of the four single-quote characters;
    two in a row are one literal quote); it must span the whole text."""
    quotes = "'\u2018\u2019\u201a\u201b"
    assert literal[0] in quotes
    out, i = [], 1
    while i < len(literal):
        c = literal[i]
        if c in quotes:
            if i + 1 < len(literal) and literal[i + 1] in quotes:
                out.append(literal[i + 1])
                i += 2
                continue
            assert i == len(literal) - 1, "the literal ends before the text does"
            return "".join(out)
        out.append(c)
        i += 1
    raise AssertionError("unterminated literal")


@given(st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",))))
def test_ps_single_quote_round_trip(value: str) -> None:
    assert _model_ps_single_quoted(ps_single_quote(value)) == value


def test_for_powershell_structure() -> None:
    args = join_args(["query", "My Svc", "it's", 'say "hi"', "\u2019"])
    script = for_powershell("C:\\Windows\\System32\\sc.exe", args, timeout_s=30,
                            working_dir="C:\\work dir")
    lines = script.splitlines()
    settings_ = {m.group(1): m.group(2) for m in
                 (re.match(r"^\$svcwPsi\.(\w+) = (.*)$", line) for line in lines) if m}
    assert _model_ps_single_quoted(settings_["FileName"]) == "C:\\Windows\\System32\\sc.exe"
    assert _model_ps_single_quoted(settings_["Arguments"]) == args
    assert _model_ps_single_quoted(settings_["WorkingDirectory"]) == "C:\\work dir"
    assert settings_["UseShellExecute"] == "$false"
    for stream in ("Input", "Output", "Error"):
        assert settings_["RedirectStandard" + stream] == "$true"
    # Both pipes are drained concurrently before waiting, then the exit code is read.
    order = [next(i for i, line in enumerate(lines) if needle in line) for needle in (
        "::Start($svcwPsi)", "StandardInput.Close()", "StandardOutput.BaseStream.CopyToAsync",
        "StandardError.BaseStream.CopyToAsync", "WaitForExit(30000)", "$svcwOutTask.Wait()",
        "$svcwProc.ExitCode")]
    assert order == sorted(order)
    assert script.count("{") == script.count("}")
    # The user's text appears only inside the single-quoted literals.
    assert "My Svc" not in script.replace(settings_["Arguments"], "")
    assert powershell_for_argv(["C:\\Windows\\System32\\sc.exe", "query", "My Svc", "it's",
                                'say "hi"', "\u2019"], 30, "C:\\work dir") == script


def test_for_powershell_without_timeout_waits_forever() -> None:
    script = for_powershell("sc.exe", "query")
    assert "$svcwProc.WaitForExit()" in script and "WaitForExit(" not in script.replace(
        "WaitForExit()", "")


@pytest.mark.parametrize("kwargs,error", [
    (dict(exe='a"b.exe', args_cmdline=""), "double quote"),
    (dict(exe="a.exe", args_cmdline="x\0"), "NUL"),
    (dict(exe="a.exe", args_cmdline="", timeout_s=0), "positive"),
])
def test_for_powershell_refuses(kwargs: dict, error: str) -> None:
    with pytest.raises(CommandLineError, match=error):
        for_powershell(**kwargs)


def _result_line(**fields: object) -> str:
    return "%s %s" % (POWERSHELL_RESULT_MARKER, json.dumps(fields, separators=(",", ":")))


def test_parse_powershell_result() -> None:
    out = "\u4e2d".encode("utf-16-le")
    output = "\r\n".join([
        "#< CLIXML",
        _result_line(started=True, rc=1060, timed_out=False, oem_codepage=866,
                     stdout=base64.b64encode(out).decode(), stderr=""),
        "",
    ])
    result = parse_powershell_result(output)
    assert (result.started, result.rc, result.stdout, result.stderr, result.timed_out,
            result.oem_codepage, result.error) == (True, 1060, out, b"", False, 866, None)
    crashed = parse_powershell_result(_result_line(
        started=True, rc=-1073741819, timed_out=True, oem_codepage=437, stdout="",
        stderr=base64.b64encode(b"boom").decode()))
    assert crashed.rc == -1073741819 and crashed.timed_out and crashed.stderr == b"boom"


def test_parse_powershell_result_not_started() -> None:
    error = base64.b64encode("The system cannot find the file specified".encode()).decode()
    result = parse_powershell_result(_result_line(started=False, error=error))
    assert not result.started and result.rc is None
    assert result.error == "The system cannot find the file specified"


@pytest.mark.parametrize("output", [
    "nothing here",
    POWERSHELL_RESULT_MARKER + " {not json",
    POWERSHELL_RESULT_MARKER + ' {"started":true}',
    POWERSHELL_RESULT_MARKER + ' {"started":true,"rc":0,"timed_out":false,"oem_codepage":437,'
                               '"stdout":"!!!","stderr":""}',
])
def test_parse_powershell_result_errors(output: str) -> None:
    with pytest.raises(ValueError, match=POWERSHELL_RESULT_MARKER):
        parse_powershell_result(output)


# ---------------------------------------------------------------------------------------
# ImagePath


@pytest.mark.parametrize("exe,args,image_path", [
    ("C:\\Program Files\\My Svc\\svc.exe", ["--port", "8080"],
     '"C:\\Program Files\\My Svc\\svc.exe" --port 8080'),
    ("C:\\svc\\svc.exe", [], '"C:\\svc\\svc.exe"'),
    ("C:\\svc\\svc.exe", ["--name", "a b", ""], '"C:\\svc\\svc.exe" --name "a b" ""'),
    ("%SystemRoot%\\x.exe", ["-k", 'say "x"'], '"%SystemRoot%\\x.exe" -k "say \\"x\\""'),
])
def test_build_image_path(exe: str, args: List[str], image_path: str) -> None:
    assert build_image_path(exe, args) == image_path
    split = split_image_path(image_path)
    assert (split.exe, split.args, split.quoted, split.unquoted_with_spaces) == (
        exe, args, True, False)


@pytest.mark.parametrize("exe,error", [("", "empty"), ('a"b', "double quote"),
                                       ("a\0", "NUL")])
def test_build_image_path_refuses(exe: str, error: str) -> None:
    with pytest.raises(CommandLineError, match=error):
        build_image_path(exe)


@given(PROGRAM, st.lists(ARG, max_size=5))
def test_image_path_round_trip(exe: str, args: List[str]) -> None:
    split = split_image_path(build_image_path(exe, args))
    assert (split.exe, split.args, split.quoted) == (exe, args, True)


# Program paths of real services, as sc qc and reg query showed them (fixture, exe, args,
# unquoted path with spaces).
_QC_PATHS = [
    ("sc-qc/delayed-auto-start-quoted-path.txt",
     "C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe", [], False),
    ("sc-qc/delayed-share-process-trailing-spaces.txt", "C:\\Windows\\system32\\svchost.exe",
     ["-k", "netsvcs", "-p"], False),
    ("sc-qc/localservice-binary-with-args.txt",
     "C:\\mysql\\mysql-5.6.23-winx64\\bin\\mysqld.exe",
     ["--defaults-file=c:/mysql/data/my.ini", "MySQL_5623"], False),
    ("sc-qc/multiline-dependencies-localservice-trailing-spaces.txt",
     "C:\\Xampp\\apache\\bin\\httpd.exe", ["-k", "runservice"], False),
    ("sc-qc/multiline-dependencies-tcpip-rpcss.txt",
     "C:\\Users\\Ela Arwel\\Veyon\\veyon-service.exe", [], True),
    ("sc-qc/service-name-with-space-unquoted-path.txt",
     "C:\\Program Files\\IVPN Client\\IVPN Service.exe", [], True),
    ("sc-qc/vulnservice-demand-localsystem.txt",
     "C:\\Users\\user\\Desktop\\VulnService\\VulnService\\bin\\Debug\\VulnService.exe", [],
     False),
]
_REG_PATHS = [
    ("reg-query/search-f-imagepath.txt", "C:\\Program Files\\nssm-2.24\\win64\\nssm.exe", [],
     True),
    ("reg-query/service-key-creation-order-evilwinrm-no-leading-blank.txt",
     "C:\\ProgramData\\unifi-video\\avService.exe", ["//RS//UniFiVideoService"], False),
    ("reg-query/service-key-delayedautostart-wow64-zh-CN-values.txt",
     "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", ["/svc"], False),
    ("reg-query/service-key-dependonservice-3-items-failureactions.txt",
     "%systemroot%\\system32\\svchost.exe", ["-k", "NetSvcs", "-p"], False),
]


@pytest.mark.parametrize("name,exe,args,unquoted_spaces", _QC_PATHS)
def test_split_image_path_of_sc_qc_fixtures(name: str, exe: str, args: List[str],
                                            unquoted_spaces: bool) -> None:
    image_path = parse_sc_qc((FIXTURES / name).read_bytes()).binary_path_name
    split = split_image_path(image_path)
    assert (split.exe, split.args, split.unquoted_with_spaces) == (exe, args, unquoted_spaces)
    assert is_unquoted_path_with_spaces(image_path) is unquoted_spaces
    assert not split.guessed


@pytest.mark.parametrize("name,exe,args,unquoted_spaces", _REG_PATHS)
def test_split_image_path_of_reg_fixtures(name: str, exe: str, args: List[str],
                                          unquoted_spaces: bool) -> None:
    image_path = parse_service_key((FIXTURES / name).read_bytes()).image_path
    assert image_path is not None
    split = split_image_path(image_path)
    assert (split.exe, split.args, split.unquoted_with_spaces) == (exe, args, unquoted_spaces)


def test_split_image_path_heuristics() -> None:
    guessed = split_image_path("C:\\My Tools\\run --flag")
    assert (guessed.exe, guessed.args, guessed.guessed) == ("C:\\My", ["Tools\\run", "--flag"],
                                                            True)
    driver = split_image_path("\\SystemRoot\\System32\\drivers\\x.sys")
    assert driver.exe == "\\SystemRoot\\System32\\drivers\\x.sys" and not driver.guessed
    glued = split_image_path('"C:\\a b\\x.exe"--flag')
    assert (glued.exe, glued.args, glued.args_text) == ("C:\\a b\\x.exe", ["--flag"], "--flag")
    with pytest.raises(ValueError, match="unclosed quote"):
        split_image_path('"C:\\a b\\x.exe --flag')
    with pytest.raises(ValueError, match="empty"):
        split_image_path("  ")


def test_same_image_path() -> None:
    assert same_image_path('"C:\\SVC\\App.exe" --a "b c"', "c:\\svc\\app.exe --a \"b c\"")
    assert not same_image_path('"C:\\svc\\app.exe" --a', '"C:\\svc\\app.exe" --A')
    assert not same_image_path('"C:\\svc\\app.exe"', '"C:\\svc\\other.exe"')
