from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.shell.cmd import ShellModule as CmdShell
from ansible.plugins.shell.powershell import ShellModule as PowerShell
from ansible.plugins.shell.sh import ShellModule as ShShell

from ansible_collections.svcwright.services.plugins.module_utils._reg_output import parse_service_key
from ansible_collections.svcwright.services.plugins.module_utils._sc_output import find_sc_failure
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CMD_LINE_LIMIT, WinRunner, cmd_length

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"


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


def chcp_answer(codepage):
    """What chcp.com prints, in the code page it reports (ASCII in all of them)."""
    return ("Active code page: %d\r\n" % codepage).encode("ascii")


def oemcp_answer(codepage):
    return ("\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n"
            "    OEMCP    REG_SZ    %d\r\n\r\n" % codepage).encode("ascii")


UTF8_CONSOLE = chcp_answer(65001)
OEM_437 = oemcp_answer(437)


def cmd_reply(outputs, chcp=UTF8_CONSOLE, oemcp=OEM_437):
    """Answer a cmd batch as cmd.exe would: the prelude's chcp answer, OEM code page and
    markers, then each program's bytes and its echoed marker."""
    def reply(cmd):
        assert cmd.startswith("chcp 65001 >nul 2>&1 & chcp 2>&1 & echo SVCW")
        nonce = re.search(r"call echo SVCW(\w+) 0", cmd).group(1)
        out = chcp + ("SVCW%s oemcp \r\n" % nonce).encode() + oemcp + ("SVCW%s codepage \r\n" % nonce).encode()
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
    assert re.match(r"chcp 65001 >nul 2>&1 & chcp 2>&1 & echo SVCW\w+ oemcp & reg.exe query "
                    r"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage /v OEMCP 2>&1 & "
                    r"echo SVCW\w+ codepage & sc.exe query x 2>&1 & call echo SVCW", conn.commands[0])
    assert '^"Svc [a]^" 2>&1' in conn.commands[0]
    assert "%^errorlevel%" in conn.commands[0]


def test_cmd_escaping_keeps_operators_literal():
    r, conn = runner(CmdShell(), cmd_reply([(0, b"")]))
    r.run([["prog.exe", "a & b", "%PATH%", "x|y"]])
    line = conn.commands[0].split(" codepage & ")[1].split(" 2>&1")[0]
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


def fixture(name):
    """A recorded real-Windows output, with the CRLF line ends the program wrote."""
    return (FIXTURES / name).read_text(encoding="utf-8").replace("\n", "\r\n")


NON_ASCII = "ünï ñé 日本語 \u0436 🙂"


def test_a_host_that_took_the_utf8_switch_gives_every_character_back():
    reg = ("\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\svcw\r\n"
           "    ImagePath    REG_EXPAND_SZ    \"C:\\svcw tëst\\[日本]\\hello.exe\" -name \"%s\"\r\n"
           "    Description    REG_SZ    %s\r\n"
           "    DisplayName    REG_SZ    %s\r\n\r\n" % (NON_ASCII, NON_ASCII, NON_ASCII))
    nssm = ('Set parameter "AppParameters" for service "svcw".\r\r\n').encode("utf-16-le")
    r, _conn = runner(CmdShell(), cmd_reply([(0, reg.encode("utf-8")), (0, nssm), (0, "ü dir\r\n".encode("utf-8"))]))
    results = r.run([["reg.exe", "query", "HKLM\\x"], ["nssm.exe", "set", "svcw", "AppParameters", NON_ASCII],
                     ["cmd.exe", "/d", "/c", "dir", "/b"]])
    config = parse_service_key(results[0].stdout)
    assert config.description == NON_ASCII and config.display_name == NON_ASCII
    assert config.image_path == '"C:\\svcw tëst\\[日本]\\hello.exe" -name "%s"' % NON_ASCII
    assert results[1].stdout == 'Set parameter "AppParameters" for service "svcw".\n'
    assert results[2].stdout == "ü dir\n"


@pytest.mark.parametrize("name,codepage,chcp_text", [
    # zh-CN Windows: chcp.com answers in its own language, in the OEM code page.
    ("reg-query/service-key-delayedautostart-wow64-zh-CN-values.txt", 936, "活动代码页: 936"),
    ("sc-actions/zh-CN-openservice-1060.txt", 936, "活动代码页: 936"),
    ("sc-actions/ru-RU-install-transcript-no-blank-lines.txt", 866, "Текущая кодовая страница: 866"),
])
def test_a_host_that_refused_the_switch_is_read_in_the_code_page_it_reports(name, codepage, chcp_text):
    recorded = fixture(name)
    oem = "cp%d" % codepage
    r, _conn = runner(CmdShell(), cmd_reply([(0, recorded.encode(oem))], chcp=(chcp_text + "\r\n").encode(oem)))
    result = r.run_one(["reg.exe", "query", "x"])
    assert result.stdout == recorded.replace("\r", "")
    if name.startswith("reg-query/"):
        assert parse_service_key(result.stdout).display_name == "Google 更新服务 (gupdate)"
    else:
        assert find_sc_failure(result.stdout).code == 1060


def test_a_session_without_a_console_is_read_in_the_oem_code_page():
    # Wine 8 under the test connection: chcp answers 0, and reg.exe writes the OEM code page.
    recorded = "    Description    REG_SZ    ünï ëé ñ\r\n"
    r, _conn = runner(CmdShell(), cmd_reply([(0, recorded.encode("cp437")), (0, NON_ASCII.encode("utf-8"))],
                                            chcp=chcp_answer(0), oemcp=oemcp_answer(437)))
    assert [res.stdout for res in r.run([["reg.exe"], ["hello.exe"]])] == [recorded.replace("\r", ""), NON_ASCII]


def test_a_host_whose_chcp_names_no_code_page_still_reads_utf8_and_utf16():
    r, _conn = runner(CmdShell(), cmd_reply([(0, NON_ASCII.encode("utf-8")), (0, NON_ASCII.encode("utf-16-le"))],
                                            chcp=b"Invalid code page\r\n", oemcp=b"ERROR: denied\r\n"))
    assert [res.stdout for res in r.run([["a.exe"], ["b.exe"]])] == [NON_ASCII, NON_ASCII]


def test_the_command_line_carries_non_ascii_text_unchanged():
    r, conn = runner(CmdShell(), cmd_reply([(0, b"")]))
    r.run([["sc.exe", "description", "svcw", NON_ASCII]])
    assert '^"%s^" 2>&1' % NON_ASCII in conn.commands[0]
    # The connection sends the line as UTF-8, which Windows OpenSSH turns into UTF-16.
    assert to_text(conn.commands[0].encode("utf-8")) == conn.commands[0]


def test_batches_are_measured_in_utf16_units_as_cmd_counts():
    assert cmd_length("a🙂b") == 4 and cmd_length("日本") == 2
    emoji = "🙂" * 1500  # 1500 characters, 3000 UTF-16 code units
    replies = []

    def reply(cmd):
        replies.append(cmd)
        return cmd_reply([(0, b"ok\r\n")] * cmd.count("call echo SVCW"))(cmd)
    r, conn = runner(CmdShell(), reply)
    results = r.run([["prog.exe", emoji]] * 5)
    assert len(results) == 5 and all(res.stdout == "ok\n" for res in results)
    assert all(cmd_length(c) < CMD_LINE_LIMIT for c in conn.commands)
    assert len(conn.commands) == 3


def test_a_missing_code_page_marker_is_an_error():
    def reply(cmd):
        nonce = re.search(r"call echo SVCW(\w+) 0", cmd).group(1)
        return 0, ("SVCW%s oemcp\r\nSVCW%s 0 0\r\n" % (nonce, nonce)).encode(), b""
    r, _conn = runner(CmdShell(), reply)
    with pytest.raises(AnsibleError, match="did not report back"):
        r.run([["sc.exe", "query", "x"]])
