# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows command lines: build them from argv, split them back, and wrap them for a shell.

A Windows program receives ONE string, its command line, and splits it itself: programs
built with the Microsoft C runtime and ``CommandLineToArgvW`` use the rules implemented by
:func:`split_cmdline`. Everything the collection runs on a Windows host (sc.exe, nssm.exe,
reg.exe, the service binary itself through its ImagePath) gets its command line from
:func:`join_argv`, so arguments are quoted in exactly one place and never by the user.

Splitting rules (:func:`split_cmdline`), as documented for the Microsoft C startup code
("Parsing C command-line arguments") and ``CommandLineToArgvW``:

* The program name (argv[0]) is special: if it starts with ``"`` it runs to the next ``"``
  (no escapes, the quotes are dropped, and whatever follows the closing quote starts the
  next argument); otherwise it runs to the first space or tab. Backslashes are literal.
* The other arguments are separated by spaces and tabs outside quotes. ``2n`` backslashes
  followed by ``"`` give ``n`` backslashes and the quote toggles quoted mode; ``2n+1``
  backslashes followed by ``"`` give ``n`` backslashes and a literal ``"``; backslashes not
  followed by ``"`` are literal. A command line that ends inside quotes ends the argument.
* ``""`` met INSIDE a quoted part: the runtimes disagree, so both variants are implemented.
  ``variant="2008"`` (the default: the C runtimes since 2008 and the UCRT, the rule the
  current documentation states, and what NSSM 2.24-101's runtime did with such command
  lines under Wine 8) gives a literal ``"`` and stays in quoted mode; ``variant="legacy"``
  (the runtimes before 2008, which some parsers still follow) gives a literal ``"`` and
  leaves quoted mode. :func:`join_argv` never writes ``""`` inside quotes (every literal
  quote is written ``\\"``), so both variants read what it writes identically.

The wrappers for the connection's shell (:func:`for_cmd`, :func:`for_powershell`) and the
service ImagePath helpers (:func:`build_image_path`, :func:`split_image_path`) build on the
same two functions. Everything here is pure string work: nothing runs on any host.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

# Characters after which CommandLineToArgvW ends an unquoted argument.
_WHITESPACE = " \t"


def _needs_quotes(text: str) -> bool:
    """Quote not only at the separators (space, tab) but at any whitespace: other parsers,
    cmd.exe and tools that trim values treat newlines, CR and other spaces specially."""
    return any(c.isspace() for c in text)


class CommandLineError(ValueError):
    """An argument or command line that cannot be represented or wrapped safely."""


def _check_no_nul(value: str, what: str) -> None:
    if "\0" in value:
        raise CommandLineError("%s contains a NUL character, which a Windows command line "
                               "cannot carry: %r" % (what, value))


# Controls (C0, C1, DEL), format characters (bidi controls, zero-width characters, BOM),
# line and paragraph separators, and surrogates: cmd.exe ends or rewrites a command at some
# of them, and all of them change how a command reads without being seen.
_UNSHELLABLE = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))


def shell_unsafe_char(text: str) -> Optional[str]:
    """The first character of ``text`` that no shell line built here may carry, or None. A
    tab is carried: cmd passes it on as it is, and quote_arg quotes it like a space."""
    for c in text:
        if c != "\t" and unicodedata.category(c) in _UNSHELLABLE:
            return c
    return None


def _describe(c: str) -> str:
    name = unicodedata.name(c, "") or {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB"}.get(c, "control")
    return "U+%04X (%s)" % (ord(c), name)


def _check_shellable(text: str, what: str) -> None:
    """Refuse what cmd.exe cannot take literally. The text itself is not quoted in the error:
    a command line may hold a password."""
    bad = shell_unsafe_char(text)
    if bad is not None:
        kind = "a line break" if bad in "\r\n\x0b\x0c\x1a\x85\u2028\u2029" else "a control or invisible character"
        raise CommandLineError("%s contains %s, %s, at position %d: a Windows shell line cannot carry it "
                               "literally (cmd.exe ends or changes the command there). Remove it from the "
                               "value." % (what, kind, _describe(bad), text.index(bad)))


def quote_arg(arg: str) -> str:
    """Quote one argument (not the program name) so that :func:`split_cmdline` and the
    Microsoft C runtime read it back unchanged.

    Arguments without whitespace or quotes are returned as they are; others are wrapped in
    double quotes, with every literal ``"`` written as ``\\"`` and the backslashes that
    precede a quote (or the closing quote) doubled. The empty string becomes ``""``.
    """
    _check_no_nul(arg, "argument")
    if arg and '"' not in arg and not _needs_quotes(arg):
        return arg
    out = ['"']
    backslashes = 0
    for c in arg:
        if c == "\\":
            backslashes += 1
            continue
        if c == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + c)
        backslashes = 0
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out)


def quote_program(program: str) -> str:
    """Write the program name (argv[0]) of a command line.

    The program name has no escapes, so it may not contain ``"``; it is wrapped in quotes
    when it contains whitespace (or is a path that cmd.exe or the SCM could split).
    """
    _check_no_nul(program, "program name")
    if not program:
        raise CommandLineError("the program name is empty")
    if '"' in program:
        raise CommandLineError("the program name %r contains a double quote: Windows cannot "
                               "quote it (argv[0] has no escapes)" % program)
    if _needs_quotes(program):
        return '"%s"' % program
    return program


def join_args(args: Sequence[str]) -> str:
    """The arguments part of a command line (what follows the program name), e.g. for
    ``ProcessStartInfo.Arguments`` or NSSM's ``AppParameters``."""
    return " ".join(quote_arg(a) for a in args)


def join_argv(argv: Sequence[str]) -> str:
    """Build a Windows command line from ``argv`` (program name first).

    ``split_cmdline(join_argv(argv)) == list(argv)`` for every program name without ``"``
    and every argument without NUL, under both splitting variants.
    """
    if not argv:
        raise CommandLineError("cannot build a command line from an empty argv")
    head = quote_program(argv[0])
    if len(argv) == 1:
        return head
    return head + " " + join_args(argv[1:])


def _split_program(cmdline: str) -> Tuple[str, int]:
    """argv[0] by the program-name rule, and the index where the arguments start."""
    if cmdline.startswith('"'):
        end = cmdline.find('"', 1)
        if end < 0:
            return cmdline[1:], len(cmdline)
        return cmdline[1:end], end + 1
    i = 0
    while i < len(cmdline) and cmdline[i] not in _WHITESPACE:
        i += 1
    return cmdline[:i], i


def split_args(text: str, variant: str = "2008") -> List[str]:
    """Split the arguments part of a command line (no program-name rule): see the module
    docstring for the rules and the two ``variant`` values."""
    if variant not in ("2008", "legacy"):
        raise ValueError("variant must be '2008' or 'legacy', not %r" % (variant,))
    args: List[str] = []
    cur: List[str] = []
    in_arg = False
    in_quotes = False
    backslashes = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            backslashes += 1
            in_arg = True
            i += 1
            continue
        if c == '"':
            cur.append("\\" * (backslashes // 2))
            in_arg = True
            if backslashes % 2:
                cur.append('"')
            elif in_quotes and i + 1 < n and text[i + 1] == '"':
                cur.append('"')
                i += 1
                if variant == "legacy":
                    in_quotes = False
            else:
                in_quotes = not in_quotes
            backslashes = 0
            i += 1
            continue
        if backslashes:
            cur.append("\\" * backslashes)
            backslashes = 0
        if c in _WHITESPACE and not in_quotes:
            if in_arg:
                args.append("".join(cur))
                cur = []
                in_arg = False
        else:
            cur.append(c)
            in_arg = True
        i += 1
    if backslashes:
        cur.append("\\" * backslashes)
    if in_arg:
        args.append("".join(cur))
    return args


def split_cmdline(cmdline: str, variant: str = "2008") -> List[str]:
    """Split a full command line into argv exactly as ``CommandLineToArgvW`` does.

    A command line that starts with whitespace has an empty program name; an empty command
    line gives ``[]`` (``CommandLineToArgvW`` would return the caller's own path there).
    """
    if not cmdline:
        return []
    program, rest = _split_program(cmdline)
    return [program] + split_args(cmdline[rest:], variant)


# ---------------------------------------------------------------------------------------
# cmd.exe

# Characters cmd.exe treats as operators (or as its escape) when it is not inside quotes.
_CMD_SPECIAL = "&|<>()^"
# Additionally escaped outside quotes so that no %...% or %...:...% can name a variable.
_CMD_PERCENT = "%:"
# A program name made only of these is one token to cmd as it stands; any other (a ',', ';',
# '=', '/', '@', an operator, a space) ends or changes cmd's command token, so it is quoted.
_CMD_BARE_PROGRAM = re.compile(r"^[A-Za-z0-9_.\\:-]+$")


def cmd_escape(cmdline: str) -> str:
    """Escape a command line for cmd.exe's command-line parser (see :func:`for_cmd`).

    The program name is put in real quotes unless it is a plain path (letters, digits and
    ``_ . \\ : -``), so that cmd takes it as one token and finds the program: nothing in a
    quoted path except ``%`` (refused) is special to cmd. In the arguments every ``"`` is
    written ``^"``, so that cmd never enters its quoted mode there, and ``^`` is put before
    each of ``& | < > ( ) ^ " % :``. Control, line-separator, bidi and zero-width characters
    are refused (see :func:`shell_unsafe_char`): no escape makes them literal for cmd.
    """
    _check_no_nul(cmdline, "the command line")
    _check_shellable(cmdline, "the command line")
    if not cmdline or cmdline[0] in _WHITESPACE:
        raise CommandLineError("the command line has no program name: %r" % cmdline[:80])
    program, rest = _split_program(cmdline)
    if "%" in program:
        raise CommandLineError("the program name %r contains '%%', which cmd.exe would try "
                               "to expand" % program)
    out: List[str] = []
    if cmdline.startswith('"'):
        if cmdline.find('"', 1) < 0:
            raise CommandLineError("the program name's quote is not closed: %r" % program)
        if rest < len(cmdline) and cmdline[rest] not in _WHITESPACE:
            # cmd would read "a b"c as one word; CommandLineToArgvW as "a b" then c.
            raise CommandLineError("the program name %r is followed by text without a space" % program)
        out.append(cmdline[:rest])
    elif _CMD_BARE_PROGRAM.match(program):
        out.append(program)
    else:
        out.append('"%s"' % program)
    for c in cmdline[rest:]:
        if c in _CMD_SPECIAL or c == '"' or c in _CMD_PERCENT:
            out.append("^" + c)
        else:
            out.append(c)
    return "".join(out)


def cmd_unescape(text: str) -> str:
    """What cmd.exe's caret and quote handling leaves of one command's text: outside
    quotes ``^x`` becomes ``x``; every ``"`` not escaped by a caret toggles quoted mode, in
    which carets are literal. This models that one pass only (no ``%``/``!`` expansion) and
    refuses text that would run an operator: an unescaped ``& | < >`` outside quotes or a
    trailing ``^`` (parentheses are literal outside a block, as in ``p(q)``). It reads what
    NSSM's ``dump`` prints (the cmd.exe commands that recreate a service) and inverts
    :func:`cmd_escape`."""
    out: List[str] = []
    in_quotes = False
    i = 0
    while i < len(text):
        c = text[i]
        if in_quotes:
            if c == '"':
                in_quotes = False
            out.append(c)
        elif c == "^":
            if i + 1 >= len(text):
                raise CommandLineError("a trailing ^ in %r" % text)
            i += 1
            out.append(text[i])
        elif c in "&|<>":
            raise CommandLineError("unescaped %r outside quotes: cmd.exe would treat it as "
                                   "an operator in %r" % (c, text))
        else:
            if c == '"':
                in_quotes = True
            out.append(c)
        i += 1
    return "".join(out)


def for_cmd(cmdline: str) -> str:
    """The text to put after ``cmd.exe /c`` (or ``/s /c``) so that cmd.exe starts the program
    with exactly ``cmdline`` as its command line.

    Returns ``"`` + :func:`cmd_escape` + ``"``. cmd.exe strips that outer pair itself: with
    ``/s`` always; without ``/s`` unless the whole text is exactly two quotes around the
    path of an existing program with whitespace in it, which a wrapped command line is not
    (a quoted program path adds two more quotes; arguments are not part of a path).

    Guaranteed, for a ``cmdline`` from :func:`join_argv` or any command line without line
    breaks and without ``%`` in the program name, when cmd.exe parses it on its command line
    (not in a batch file) with delayed expansion OFF (the default; :func:`cmd_command_line`
    passes ``/v:off`` to be sure):

    * no ``& | < > ( )`` acts as an operator, no ``^`` is lost, and no quote changes how cmd
      splits the line: every special character outside the program name carries a ``^``;
    * no ``%NAME%`` or ``%NAME:...%`` is expanded: in the escaped text every ``%`` and every
      ``:`` is preceded by ``^``, so each name cmd could look up ends with ``^`` (before cmd
      drops the carets) and names no variable, unless the environment has a variable whose
      name ends with ``^``;
    * ``!`` is not touched: it is literal with delayed expansion off, and no escaping could
      make it literal both with and without delayed expansion.
    """
    return '"' + cmd_escape(cmdline) + '"'


def cmd_command_line(cmdline: str) -> str:
    """A full command line that runs ``cmdline`` through cmd.exe: AutoRun commands off
    (``/d``), delayed expansion off (``/v:off``), the outer quotes stripped (``/s``)."""
    return "cmd.exe /d /v:off /s /c " + for_cmd(cmdline)


# ---------------------------------------------------------------------------------------
# PowerShell

# PowerShell accepts these as single quotes too; inside a '...' literal each must be doubled.
_PS_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
POWERSHELL_RESULT_MARKER = "svcwright-exec-result"


def ps_single_quote(value: str) -> str:
    """A PowerShell single-quoted string literal for ``value`` (no expansion happens in it)."""
    _check_no_nul(value, "PowerShell string")
    return "'" + "".join(c + c if c in _PS_SINGLE_QUOTES else c for c in value) + "'"


def for_powershell(exe: str, args_cmdline: str, timeout_s: Optional[float] = None,
                   working_dir: Optional[str] = None) -> str:
    """A PowerShell (5.1 and 7) script that runs ``exe`` with exactly ``args_cmdline`` after
    the program name, and prints one line that :func:`parse_powershell_result` reads.

    PowerShell 5.1 re-quotes the arguments of native commands (and loses embedded quotes),
    so the program is started through ``System.Diagnostics.ProcessStartInfo`` with
    ``Arguments`` set verbatim from a single-quoted literal; .NET builds the command line
    ``"exe" args_cmdline`` from it. Standard input is closed at once; stdout and stderr are
    read as raw bytes (concurrently, so neither pipe can fill up and block the program) and
    returned base64-encoded together with the exit code, so that nothing is re-encoded on
    the host: the caller decodes the bytes (see ``_win_text.decode_output``) using the OEM
    code page that the script also reports. With ``timeout_s`` the program is killed after
    that many seconds and ``timed_out`` is true.
    """
    quote_program(exe)
    _check_no_nul(args_cmdline, "arguments")
    # A single-quoted literal could hold these, but the program's reply and the values the
    # host stores could not be read back as they were meant: refused as on cmd.exe.
    _check_shellable(exe, "the program name")
    _check_shellable(args_cmdline, "the arguments")
    if working_dir is not None:
        _check_shellable(working_dir, "the working directory")
    wait = "$svcwProc.WaitForExit()"
    if timeout_s is not None:
        if timeout_s <= 0:
            raise CommandLineError("timeout_s must be positive, not %r" % (timeout_s,))
        wait = "$svcwProc.WaitForExit(%d)" % int(timeout_s * 1000)
    lines = [
        "$ErrorActionPreference = 'Stop'",
        "$svcwPsi = New-Object -TypeName System.Diagnostics.ProcessStartInfo",
        "$svcwPsi.FileName = " + ps_single_quote(exe),
        "$svcwPsi.Arguments = " + ps_single_quote(args_cmdline),
    ]
    if working_dir is not None:
        lines.append("$svcwPsi.WorkingDirectory = " + ps_single_quote(working_dir))
    lines += [
        "$svcwPsi.UseShellExecute = $false",
        "$svcwPsi.CreateNoWindow = $true",
        "$svcwPsi.RedirectStandardInput = $true",
        "$svcwPsi.RedirectStandardOutput = $true",
        "$svcwPsi.RedirectStandardError = $true",
        "$svcwOem = 437",
        "try {",
        "    $svcwOem = [int](Get-ItemProperty -LiteralPath "
        "'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage' -Name OEMCP).OEMCP",
        "} catch { }",
        "try {",
        "    $svcwProc = [System.Diagnostics.Process]::Start($svcwPsi)",
        "} catch {",
        "    $svcwMsg = [Convert]::ToBase64String("
        "[System.Text.Encoding]::UTF8.GetBytes($_.Exception.Message))",
        "    Write-Output ('%s {\"started\":false,\"error\":\"' + $svcwMsg + '\"}')"
        % POWERSHELL_RESULT_MARKER,
        "    return",
        "}",
        "$svcwProc.StandardInput.Close()",
        "$svcwOut = New-Object -TypeName System.IO.MemoryStream",
        "$svcwErr = New-Object -TypeName System.IO.MemoryStream",
        "$svcwOutTask = $svcwProc.StandardOutput.BaseStream.CopyToAsync($svcwOut)",
        "$svcwErrTask = $svcwProc.StandardError.BaseStream.CopyToAsync($svcwErr)",
        "$svcwTimedOut = 'false'",
        "if (-not (%s)) {" % wait,
        "    $svcwTimedOut = 'true'",
        "    try { $svcwProc.Kill() } catch { }",
        "    $svcwProc.WaitForExit()",
        "}",
        "$svcwOutTask.Wait()",
        "$svcwErrTask.Wait()",
        "Write-Output ('%s {\"started\":true,\"rc\":' + $svcwProc.ExitCode"
        " + ',\"timed_out\":' + $svcwTimedOut + ',\"oem_codepage\":' + $svcwOem"
        " + ',\"stdout\":\"' + [Convert]::ToBase64String($svcwOut.ToArray())"
        " + '\",\"stderr\":\"' + [Convert]::ToBase64String($svcwErr.ToArray()) + '\"}')"
        % POWERSHELL_RESULT_MARKER,
    ]
    return "\n".join(lines) + "\n"


def powershell_for_argv(argv: Sequence[str], timeout_s: Optional[float] = None,
                        working_dir: Optional[str] = None) -> str:
    """:func:`for_powershell` for an argv (program name first)."""
    if not argv:
        raise CommandLineError("cannot run an empty argv")
    return for_powershell(argv[0], join_args(argv[1:]), timeout_s, working_dir)


@dataclass(frozen=True)
class PowerShellResult:
    """What the script from :func:`for_powershell` reported.

    ``started`` is false when the program could not be started at all (``error`` says why,
    and ``rc`` is None). ``rc`` is the exit code as .NET reports it (a signed 32-bit value;
    NTSTATUS crash codes are negative). stdout and stderr are the raw bytes.
    """

    started: bool
    rc: Optional[int]
    stdout: bytes
    stderr: bytes
    timed_out: bool
    oem_codepage: Optional[int]
    error: Optional[str]


def parse_powershell_result(output: str) -> PowerShellResult:
    """Read the result line printed by the :func:`for_powershell` script from the text the
    connection returned (other lines, e.g. CLIXML progress records, are ignored; the last
    result line wins)."""
    found = None
    for line in output.splitlines():
        line = line.strip()
        if line.startswith(POWERSHELL_RESULT_MARKER + " "):
            found = line[len(POWERSHELL_RESULT_MARKER) + 1:]
    if found is None:
        raise ValueError("no %r line in the PowerShell output: %r"
                         % (POWERSHELL_RESULT_MARKER, output[:500]))
    try:
        data = json.loads(found)
        if not data["started"]:
            error = base64.b64decode(data["error"], validate=True).decode("utf-8", "replace")
            return PowerShellResult(False, None, b"", b"", False, None, error)
        return PowerShellResult(
            started=True,
            rc=int(data["rc"]),
            stdout=base64.b64decode(data["stdout"], validate=True),
            stderr=base64.b64decode(data["stderr"], validate=True),
            timed_out=bool(data["timed_out"]),
            oem_codepage=int(data["oem_codepage"]),
            error=None,
        )
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ValueError("malformed %r line (%s): %r" % (POWERSHELL_RESULT_MARKER, exc, found))


# ---------------------------------------------------------------------------------------
# Service ImagePath (sc.exe binPath=)

# Extensions that end the program path of an unquoted ImagePath (services and drivers).
_IMAGE_EXTENSIONS = re.compile(r"\.(exe|sys|com)$", re.IGNORECASE)


def build_image_path(exe: str, args: Sequence[str] = ()) -> str:
    """The ImagePath (the value of ``sc.exe ... binPath=``) that runs ``exe`` with ``args``.

    The program path is ALWAYS quoted: an unquoted path with spaces is ambiguous to the SCM
    (``C:\\Program Files\\My App\\app.exe`` is tried as ``C:\\Program.exe`` first: the
    "unquoted service path" weakness), and quoting a path without spaces costs nothing.
    Arguments are quoted by :func:`quote_arg`. The whole value is ONE argument of sc.exe;
    pass it through :func:`join_argv` like any other argument.
    """
    if not exe:
        raise CommandLineError("the service program path is empty")
    _check_no_nul(exe, "program path")
    if '"' in exe:
        raise CommandLineError("the service program path %r contains a double quote" % exe)
    head = '"%s"' % exe
    return head + ("" if not args else " " + join_args(args))


@dataclass(frozen=True)
class ImagePath:
    """An ImagePath split into the program and its arguments.

    ``args_text`` is the raw text after the program (leading whitespace removed), ``args``
    its split by the C runtime rules. ``quoted`` says whether the program path was quoted.
    ``unquoted_with_spaces`` flags the "unquoted service path" weakness: an unquoted program
    path containing whitespace, which the SCM resolves by trying each prefix that ends at a
    space (``C:\\Program.exe`` first). ``guessed`` is true when the path was unquoted and no
    prefix ending in .exe/.sys/.com was found, so the first word was taken as the program.
    """

    exe: str
    args: List[str]
    args_text: str
    quoted: bool
    unquoted_with_spaces: bool
    guessed: bool


def split_image_path(image_path: str) -> ImagePath:
    """Split an ImagePath (``sc qc`` BINARY_PATH_NAME, registry ``ImagePath``) into program
    and arguments.

    Quoted: the program is what the quotes enclose. Unquoted: the SCM (CreateProcess) tries
    each prefix ending before a space in turn; without the host's file system the program is
    taken to end at the first such prefix that ends in ``.exe``, ``.sys`` or ``.com`` (the
    whole string if that is the only one), else at the first space (``guessed``).
    """
    text = image_path.strip(_WHITESPACE)
    if not text:
        raise ValueError("empty ImagePath")
    if text.startswith('"'):
        end = text.find('"', 1)
        if end < 0:
            raise ValueError("ImagePath has an unclosed quote: %r" % image_path)
        rest = text[end + 1:].lstrip(_WHITESPACE)
        return ImagePath(text[1:end], split_args(rest), rest, True, False, False)
    cut = None
    for m in re.finditer(r"[ \t]+|$", text):
        if _IMAGE_EXTENSIONS.search(text[:m.start()]):
            cut = m.start()
            break
    guessed = cut is None
    if cut is None:
        blank = re.search(r"[ \t]", text)
        cut = blank.start() if blank else len(text)
    exe = text[:cut]
    rest = text[cut:].lstrip(_WHITESPACE)
    spaces = any(c in _WHITESPACE for c in exe)
    return ImagePath(exe, split_args(rest), rest, False, spaces, guessed)


def is_unquoted_path_with_spaces(image_path: str) -> bool:
    """True when the ImagePath's program path is unquoted and contains whitespace: callers
    warn, since the SCM may start another program (e.g. ``C:\\Program.exe``) instead."""
    return split_image_path(image_path).unquoted_with_spaces


def same_image_path(a: str, b: str) -> bool:
    """Whether two ImagePaths start the same program with the same arguments: the program
    path compared case-insensitively (Windows paths are), the arguments exactly."""
    pa, pb = split_image_path(a), split_image_path(b)
    return pa.exe.lower() == pb.exe.lower() and pa.args == pb.args
