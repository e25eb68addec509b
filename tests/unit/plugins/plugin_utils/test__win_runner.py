from __future__ import annotations

import re

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.plugins.shell.powershell import ShellModule as PowerShell
from ansible.plugins.shell.sh import ShellModule as ShShell

from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CMD_LINE_LIMIT, WinRunner


class FakeConnection:
    def __init__(self, shell, reply):
        self._shell = shell
        self.reply = reply
        self.commands = []

    def exec_command(self, cmd, in_data=None, sudoable=True):
        self.commands.append(cmd)
        return self.reply(cmd)


class FakeAction:
    def __init__(self, connection):
        self._connection = connection
        self._play_context = None


def runner(shell, reply):
    conn = FakeConnection(shell, reply)
    return WinRunner(FakeAction(conn), {"inventory_hostname": "win1"}), conn


def cmd_reply(outputs):
    """Answer a cmd batch as cmd.exe would: each program's bytes, then the echoed marker."""
    def reply(cmd):
        nonce = re.search(r"call echo SVCW(\w+) 0", cmd).group(1)
        out = b""
        for i, (rc, data) in enumerate(outputs):
            out += data + ("SVCW%s %d %d \r\n" % (nonce, i, rc)).encode()
        return 0, out, b""
    return reply


def test_cmd_batch_is_one_round_trip_with_per_command_exit_codes_and_encodings():
    utf16 = "Set parameter \"AppStdout\" for service \"Svc [a]\".\r\n".encode("utf-16-le")
    r, conn = runner(CmdShell(), cmd_reply([(0, b"SERVICE_NAME: x\r\n"), (1060, b""), (0, utf16)]))
    results = r.run([["sc.exe", "query", "x"], ["sc.exe", "query", "Svc [a]"], ["nssm.exe", "set", "Svc [a]", "AppStdout", "C:\\l o g\\out.log"]])
    assert r.round_trips == 1 and len(conn.commands) == 1
    assert [res.rc for res in results] == [0, 1060, 0]
    assert results[0].stdout == "SERVICE_NAME: x\n"
    assert results[2].stdout == 'Set parameter "AppStdout" for service "Svc [a]".\n'
    # Quoted by CommandLineToArgvW rules, escaped for cmd, stderr merged, exit code read late.
    assert conn.commands[0].startswith('sc.exe query x 2>&1 & call echo SVCW')
    assert '^"Svc [a]^" 2>&1' in conn.commands[0]
    assert "%^errorlevel%" in conn.commands[0]


def test_cmd_escaping_keeps_operators_literal():
    r, conn = runner(CmdShell(), cmd_reply([(0, b"")]))
    r.run([["prog.exe", "a & b", "%PATH%", "x|y"]])
    line = conn.commands[0].split(" 2>&1")[0]
    assert "^&" in line and "^%PATH^%" in line and "x^|y" in line


def test_long_batches_are_split_below_cmds_limit():
    big = "x" * 3000
    replies = []

    def reply(cmd):
        replies.append(cmd)
        n = cmd.count("call echo SVCW")
        return cmd_reply([(0, b"ok\r\n")] * n)(cmd)
    r, conn = runner(CmdShell(), reply)
    results = r.run([["prog.exe", big]] * 5)
    assert len(results) == 5 and all(res.stdout == "ok\n" for res in results)
    assert r.round_trips > 1
    assert all(len(c) < 8191 for c in conn.commands)
    assert CMD_LINE_LIMIT < 8191


def test_missing_markers_are_an_error_naming_the_host():
    r, _conn = runner(CmdShell(), lambda cmd: (1, b"The system cannot find the path specified.", b""))
    with pytest.raises(AnsibleError, match="host win1: the batch of 1 commands did not report back"):
        r.run([["sc.exe", "query", "x"]])


def test_powershell_batch_reads_one_result_line_per_program():
    import base64
    import json

    def reply(cmd):
        line = "svcwright-exec-result " + json.dumps({
            "started": True, "rc": 3, "timed_out": False, "oem_codepage": 437,
            "stdout": base64.b64encode(b"out\r\n").decode(), "stderr": base64.b64encode(b"err").decode()})
        return 0, (line + "\r\n" + line + "\r\n").encode(), b""
    r, conn = runner(PowerShell(), reply)
    results = r.run([["sc.exe", "query", "a"], ["nssm.exe", "status", "b"]])
    assert [(res.rc, res.stdout, res.stderr) for res in results] == [(3, "out\n", "err"), (3, "out\n", "err")]
    assert conn.commands[0].startswith("PowerShell") and "-EncodedCommand" in conn.commands[0]


def test_a_posix_shell_is_refused():
    with pytest.raises(AnsibleError, match="not a Windows shell"):
        runner(ShShell(), lambda cmd: (0, b"", b""))
