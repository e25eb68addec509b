# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run Windows programs through the task's own connection, several per round trip.

Action plugins give argv lists; this module quotes them by CommandLineToArgvW rules and
wraps them for the connection's shell:

* PowerShell (winrm, psrp, ssh with a PowerShell default shell): each program is started
  through ProcessStartInfo with its exact command line (PowerShell 5.1 would re-quote native
  arguments), and reports rc, stdout and stderr as base64 on one marker line.
* cmd (ssh with the default cmd shell, and the test-only wine connection): the command
  lines are escaped for cmd.exe and chained with ``&``; after each one ``call echo`` prints
  a marker with its exit code. stderr is merged into stdout (``2>&1``) so output keeps its
  order.

Console programs (reg.exe, sc.exe, cmd's own ``dir`` and ``echo``) write redirected output
in the console's output code page, by default the OEM one (437, 850, 866, 936, ...), which
cannot hold most of what a service's description, path or arguments may contain: a
character outside it comes back as ``?`` or a look-alike, and the service would differ on
every run. So a cmd batch first switches its console to UTF-8 (``chcp 65001``; the console
is the session's own and goes with it) and then asks ``chcp`` which code page is active, in
case the switch was refused: that code page decodes what is not UTF-8. Output is split on
the raw bytes, then each program's output is decoded on its own: NSSM on Windows writes
UTF-16LE whatever the code page, in the same stream.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible.errors import AnsibleConnectionFailure, AnsibleError

from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import (
    POWERSHELL_RESULT_MARKER,
    cmd_escape,
    join_argv,
    parse_powershell_result,
    powershell_for_argv,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_text import (
    decode_output,
    normalize_newlines,
    parse_active_codepage,
)
from ansible_collections.svcwright.services.plugins.module_utils._reg_output import parse_oemcp

# cmd.exe refuses command lines longer than 8191 UTF-16 code units; batches stay below that.
CMD_LINE_LIMIT = 7500
UTF8_CODEPAGE = 65001
OEMCP_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage"
# The first thing of every cmd batch (%s is the batch's nonce): switch to UTF-8, say which
# code page is active, then the OEM code page, which console programs fall back to when
# the session has no console at all (chcp then answers 0).
CODEPAGE_PRELUDE = ("chcp %d >nul 2>&1 & chcp 2>&1 & echo SVCW%%s oemcp & reg.exe query %s /v OEMCP 2>&1 & "
                    "echo SVCW%%s codepage" % (UTF8_CODEPAGE, OEMCP_KEY))


@dataclass(frozen=True)
class CommandResult:
    argv: List[str]
    rc: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout and stderr together (with the cmd shell they are already one stream)."""
        return self.stdout + (("\n" if self.stdout and not self.stdout.endswith("\n") else "") + self.stderr
                              if self.stderr else "")


class WinRunner:
    """Runs argv lists on the task's Windows host; one ``run`` call is one round trip."""

    def __init__(self, action: Any, task_vars: Dict[str, Any]) -> None:
        self._connection = action._connection
        self.host: str = task_vars.get("inventory_hostname") or getattr(
            action._play_context, "remote_addr", "") or "?"
        shell = self._connection._shell
        family = getattr(shell, "SHELL_FAMILY", "")
        if not getattr(shell, "_IS_WINDOWS", False) or family not in ("cmd", "powershell"):
            raise AnsibleError(
                "host %s: the connection's shell is %r, not a Windows shell. Windows modules need "
                "ansible_shell_type cmd or powershell (winrm, psrp, or ssh to Windows OpenSSH)."
                % (self.host, family or type(shell).__name__))
        self.shell_family: str = family
        self.round_trips = 0

    # -- public ---------------------------------------------------------------------------
    def run(self, argvs: Sequence[Sequence[str]]) -> List[CommandResult]:
        """Run every argv, in order, and return their results in the same order."""
        lists: List[List[str]] = [list(a) for a in argvs]
        if not lists:
            return []
        if self.shell_family == "powershell":
            return self._run_powershell(lists)
        results: List[CommandResult] = []
        for batch in self._cmd_batches(lists):
            results.extend(self._run_cmd(batch))
        return results

    def run_one(self, argv: Sequence[str]) -> CommandResult:
        return self.run([argv])[0]

    def put_file(self, local: str, remote: str) -> None:
        self.round_trips += 1
        self._connection.put_file(local, remote)

    def fetch_file(self, remote: str, local: str) -> None:
        self.round_trips += 1
        self._connection.fetch_file(remote, local)

    # -- cmd ------------------------------------------------------------------------------
    def _cmd_batches(self, argvs: List[List[str]]) -> List[List[List[str]]]:
        prelude = cmd_length(CODEPAGE_PRELUDE % ("0" * 12, "0" * 12)) + 3
        batches: List[List[List[str]]] = [[]]
        size = prelude
        for argv in argvs:
            length = cmd_length(cmd_escape(join_argv(argv))) + 60
            if batches[-1] and size + length > CMD_LINE_LIMIT:
                batches.append([])
                size = prelude
            batches[-1].append(argv)
            size += length
        return batches

    def _run_cmd(self, argvs: List[List[str]]) -> List[CommandResult]:
        nonce = secrets.token_hex(6)
        parts = []
        for i, argv in enumerate(argvs):
            # `call` expands the line once more: %^errorlevel% survives the first expansion
            # (no variable has that name), loses its caret, and is read after the command ran.
            parts.append("%s 2>&1 & call echo SVCW%s %d %%^errorlevel%%" % (cmd_escape(join_argv(argv)), nonce, i))
        rc, out, err = self._exec(" & ".join([CODEPAGE_PRELUDE % (nonce, nonce)] + parts))
        split = self._split_cmd_output(out, nonce, len(argvs))
        if split is None:
            raise AnsibleError(
                "host %s: the batch of %d commands did not report back (rc %s); output: %r; errors: %r"
                % (self.host, len(argvs), rc, out[-2000:], err[-2000:]))
        codepage, chunks = split
        results = []
        for argv, (code, data) in zip(argvs, chunks):
            results.append(CommandResult(argv, code, normalize_newlines(decode_output(data, codepage)), ""))
        return results

    @staticmethod
    def _split_cmd_output(out: bytes, nonce: str, count: int) -> Optional[Tuple[Optional[int], List[Tuple[int, bytes]]]]:
        """The active code page reported by the prelude and each program's (rc, bytes);
        None when a marker is missing or out of order."""
        oem = re.search(rb"SVCW" + nonce.encode() + rb" oemcp[ \t]*\r?\n?", out)
        found = re.search(rb"SVCW" + nonce.encode() + rb" codepage[ \t]*\r?\n?", out)
        if oem is None or found is None or found.start() < oem.end():
            return None
        codepage = parse_active_codepage(decode_output(out[:oem.start()]))
        if codepage is None:
            codepage = parse_oemcp(decode_output(out[oem.end():found.start()]))
        marker = re.compile(rb"SVCW" + nonce.encode() + rb" (\d+) (-?\d+)[ \t]*\r?\n?")
        chunks: List[Tuple[int, bytes]] = []
        pos = found.end()
        for match in marker.finditer(out, pos):
            if int(match.group(1)) != len(chunks):
                return None
            chunks.append((int(match.group(2)), out[pos:match.start()]))
            pos = match.end()
        return (codepage, chunks) if len(chunks) == count else None

    # -- PowerShell -----------------------------------------------------------------------
    def _run_powershell(self, argvs: List[List[str]]) -> List[CommandResult]:
        # Each program in a script block of its own: its early `return` ends only that block.
        script = "".join("& {\n%s}\n" % powershell_for_argv(argv) for argv in argvs)
        shell = self._connection._shell
        rc, out, err = self._exec(shell._encode_script(script, as_list=False, strict_mode=False, preserve_rc=False))
        lines = [line for line in decode_output(out).splitlines() if line.strip().startswith(POWERSHELL_RESULT_MARKER + " ")]
        if len(lines) != len(argvs):
            raise AnsibleError("host %s: expected %d results from PowerShell, got %d (rc %s); output: %r; errors: %r"
                               % (self.host, len(argvs), len(lines), rc, out[-2000:], err[-2000:]))
        results = []
        for argv, line in zip(argvs, lines):
            res = parse_powershell_result(line)
            if not res.started:
                results.append(CommandResult(argv, -1, "", "could not start %s: %s" % (argv[0], res.error)))
                continue
            results.append(CommandResult(
                argv, res.rc if res.rc is not None else -1,
                normalize_newlines(decode_output(res.stdout, res.oem_codepage)),
                normalize_newlines(decode_output(res.stderr, res.oem_codepage))))
        return results

    # -- transport ------------------------------------------------------------------------
    def _exec(self, command: str) -> tuple:
        self.round_trips += 1
        try:
            rc, out, err = self._connection.exec_command(command, sudoable=False)
        except AnsibleConnectionFailure:
            raise
        return rc, _as_bytes(out), _as_bytes(err)


def cmd_length(text: str) -> int:
    """The length of ``text`` as cmd.exe counts it: UTF-16 code units, so a character
    beyond U+FFFF (an emoji, say) counts twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _as_bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8", "surrogateescape")
    return b"".join(data.readlines())
