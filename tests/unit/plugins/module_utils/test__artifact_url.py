# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host-side download request: checks, request files, command lines.

curl.exe and PowerShell cannot run here. Their request files are checked as text; the curl
config is also read by this machine's own curl (the config format is curl's, the same on
every platform) against an HTTP server on loopback, so quoting is proven by curl's parser.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._artifact_url import (
    CURL_REQUEST,
    POWERSHELL_REQUEST,
    Fetch,
    UrlProblem,
    check_fetch,
    check_headers,
    check_url,
    check_windows_base,
    curl_argv,
    curl_request,
    has_curl,
    name_from_url,
    powershell_argv,
    powershell_request,
    request_headers,
    shown_url,
    windows_fetch,
)

# What `curl.exe --version` prints on Windows 10 1803 (the first curl.exe in System32) and on
# Windows 11 23H2, as Microsoft and curl's own Windows notes show it.
CURL_VERSION_WIN10_1803 = (
    "curl 7.55.1 (Windows) libcurl/7.55.1 WinSSL\r\n"
    "Release-Date: [unreleased]\r\n"
    "Protocols: dict file ftp ftps http https imap imaps pop3 pop3s smtp smtps telnet tftp\r\n"
    "Features: AsynchDNS IPv6 Largefile SSPI Kerberos SPNEGO NTLM SSL\r\n")
CURL_VERSION_WIN11 = (
    "curl 8.4.0 (Windows) libcurl/8.4.0 Schannel WinIDN\r\n"
    "Release-Date: 2023-10-11\r\n"
    "Protocols: dict file ftp ftps http https imap imaps ldap ldaps mqtt pop3 pop3s smtp smtps telnet tftp\r\n"
    "Features: AsynchDNS HSTS HTTPS-proxy IDN IPv6 Kerberos Largefile NTLM SPNEGO SSL SSPI threadsafe Unicode "
    "UnixSockets\r\n")
# cmd.exe, when there is no curl.exe (Windows Server 2016), with exit code 9009.
CMD_NOT_FOUND = "'curl.exe' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"


@pytest.mark.parametrize("url", [
    "https://downloads.example.com/hello-1.4.2",
    "http://10.77.0.1:8080/files/hello?token=abc%20def&x=1",
    "HTTPS://EXAMPLE.COM/a%0Ab",  # an encoded line feed is data of the path, decoded by the server only
    "http://[::1]:9000/x",
])
def test_urls_accepted(url):
    assert check_url(url) == url


@pytest.mark.parametrize("url, problem", [
    ("https://example.com/a\nExecStartPre=/bin/sh", "has U+000A"),
    ("https://example.com/a\rb", "has U+000D"),
    ("https://example.com/hello\u202e-1", "has U+202E"),
    ("https://example.com/h\u00e9llo", "has U+00E9"),
    ("https://example.com/a b", "has U+0020"),
    ("https://example.com/\x00", "has U+0000"),
    ("file:///etc/passwd", "is not http or https"),
    ("ftp://example.com/x", "is not http or https"),
    ("javascript:alert(1)", "is not http or https"),
    ("//example.com/x", "is not http or https"),
    ("http:///x", "names no host"),
    ("https://user:pw@example.com/x", "has credentials in it"),
    ("https://example.com:99999/x", "has a port that is not a number"),
    ("https://example.com:8o/x", "has a port that is not a number"),
    ("https://example.com/" + "a" * 2100, "at most 2048"),
    ("", "must be an http or https URL"),
    (None, "must be an http or https URL"),
    (8080, "must be an http or https URL"),
])
def test_urls_refused(url, problem):
    with pytest.raises(UrlProblem) as exc:
        check_url(url)
    assert problem in str(exc.value)
    assert str(exc.value).startswith("url: ")


def test_shown_url_hides_the_query():
    assert shown_url("https://s3.example.com/b/hello?X-Amz-Signature=abc#f") == "https://s3.example.com/b/hello?..."
    assert shown_url("http://h:81/x") == "http://h:81/x"


@pytest.mark.parametrize("url, name", [
    ("https://example.com/dl/hello-1.4.2", "hello-1.4.2"),
    ("https://example.com/dl/hello.exe?x=1", "hello.exe"),
    ("https://example.com/dl/", ""),
    ("https://example.com/dl/%2E%2E", ".."),
    ("https://example.com", ""),
])
def test_name_from_url(url, name):
    assert name_from_url(url) == name


def test_headers_checked():
    assert check_headers({"Authorization": "Bearer x.y-z", "X-Count": 3}) == (
        ("Authorization", "Bearer x.y-z"), ("X-Count", "3"))
    assert check_headers(None) == ()


@pytest.mark.parametrize("headers, problem", [
    ({"X-Evil\r\nInjected": "1"}, "is not a header name"),
    ({"X Space": "1"}, "is not a header name"),
    ({"": "1"}, "is not a header name"),
    ({"X-Token": "a\r\nHost: evil"}, "headers.X-Token: has U+000D"),
    ({"X-Token": "a\u200bb"}, "headers.X-Token: has U+200B"),
    ({"X-Token": " padded"}, "starts or ends with a space"),
    ({"X-Token": True}, "must be text"),
    ({"X-Token": ["a"]}, "must be text"),
    ({"Host": "elsewhere"}, "is set by the download itself"),
    ({"range": "bytes=0-1"}, "is set by the download itself"),
    ({"X-A": "1", "x-a": "2"}, "is given twice"),
    ({"X-%d" % i: "v" for i in range(40)}, "at most 32"),
    (["Authorization: x"], "must be a dictionary"),
])
def test_headers_refused(headers, problem):
    with pytest.raises(UrlProblem) as exc:
        check_headers(headers)
    assert problem in str(exc.value)


def test_secrets_are_never_in_a_message():
    with pytest.raises(UrlProblem) as exc:
        check_headers({"Authorization": "Bearer s3cr3t\n"})
    assert "s3cr3t" not in str(exc.value)
    with pytest.raises(UrlProblem) as exc:
        check_fetch(dict(url="https://example.com/x", url_username="u", url_password="s3cr3t\n"))
    assert "s3cr3t" not in str(exc.value)


@pytest.mark.parametrize("params, problem", [
    (dict(url_password="pw"), "without url_username"),
    (dict(url_username="a:b", url_password="pw"), "contains ':'"),
    (dict(url_username=""), "non-empty string"),
    (dict(url_username="u", headers={"authorization": "x"}), "Give one of them"),
    (dict(url_timeout=0), "from 1 to 86400"),
    (dict(url_timeout=True), "from 1 to 86400"),
    (dict(url_timeout=86401), "from 1 to 86400"),
    (dict(validate_certs="no"), "true or false"),
])
def test_fetch_refused(params, problem):
    with pytest.raises(UrlProblem) as exc:
        check_fetch(dict(dict(url="https://example.com/x"), **params))
    assert problem in str(exc.value)


def test_basic_auth_header():
    fetch = check_fetch(dict(url="https://example.com/x", url_username="user", url_password="p:w d"))
    assert request_headers(fetch) == [("Authorization", "Basic dXNlcjpwOncgZA==")]
    assert check_fetch(dict(url="https://example.com/x")).basic_auth() is None


def test_curl_request_text():
    fetch = Fetch(url="https://example.com/a?b=%20&c=\"", headers=(("X-Q", 'say "hi" \\ there'),),
                  username="u", password="p", validate_certs=False, timeout=30)
    assert curl_request(fetch, "C:\\Program Files\\hello\\releases\\.incoming-1-2-abcdef12\\hello.exe") == (
        'url = "https://example.com/a?b=%20&c=\\""\n'
        'output = "C:\\\\Program Files\\\\hello\\\\releases\\\\.incoming-1-2-abcdef12\\\\hello.exe"\n'
        "fail\n"
        "location\n"
        "max-redirs = 10\n"
        'proto = "=http,https"\n'
        'proto-redir = "=http,https"\n'
        "silent\n"
        "show-error\n"
        "max-time = 30\n"
        "connect-timeout = 30\n"
        "insecure\n"
        'header = "X-Q: say \\"hi\\" \\\\ there"\n'
        'header = "Authorization: Basic dTpw"\n')


def test_curl_command_line_holds_no_request():
    assert curl_argv("C:\\b\\releases\\.incoming-x\\" + CURL_REQUEST) == [
        "curl.exe", "--disable", "--config", "C:\\b\\releases\\.incoming-x\\.svcwright-fetch.curl"]


def test_windows_fetch_paths_and_tool():
    fetch = Fetch(url="https://example.com/x", headers=(("Authorization", "Bearer t0k"),))
    request, text, argv = windows_fetch(fetch, "C:\\svc\\releases\\.incoming-1-2-abcdef12", "x.exe", curl=True)
    assert request == "C:\\svc\\releases\\.incoming-1-2-abcdef12\\" + CURL_REQUEST
    assert argv[-1] == request and "t0k" not in " ".join(argv)
    assert 'output = "C:\\\\svc\\\\releases\\\\.incoming-1-2-abcdef12\\\\x.exe"' in text
    request, text, argv = windows_fetch(fetch, "C:\\svc\\releases\\.incoming-1-2-abcdef12", "x.exe", curl=False)
    assert request.endswith("\\" + POWERSHELL_REQUEST)
    assert argv == powershell_argv(request) and argv[0] == "powershell.exe" and "t0k" not in " ".join(argv)
    assert "t0k" in text


@pytest.mark.parametrize("base", ["C:\\Program Files\\h\u00e9llo", "C:\\svc\u202e", "C:\\a\nb"])
def test_windows_fetch_needs_an_ascii_base(base):
    with pytest.raises(UrlProblem) as exc:
        check_windows_base(base)
    assert "base" in str(exc.value) and "src" in str(exc.value)
    check_windows_base("C:\\Program Files\\hello")


def test_powershell_request_text():
    fetch = Fetch(url="https://example.com/it's", headers=(("X-Q", "a'b"),), timeout=42, validate_certs=False)
    text = powershell_request(fetch, "C:\\svc\\releases\\.incoming-1-2-abcdef12\\x.exe")
    assert text.startswith("\ufeff$ErrorActionPreference = 'Stop'\r\n")
    assert text.endswith("exit 0\r\n")
    lines = text.lstrip("\ufeff").split("\r\n")
    assert "$svcwHeaders['X-Q'] = 'a''b'" in lines
    assert ("$svcwArgs = @{ Uri = 'https://example.com/it''s'; OutFile = "
            "'C:\\svc\\releases\\.incoming-1-2-abcdef12\\x.exe'; UseBasicParsing = $true; TimeoutSec = 42; "
            "MaximumRedirection = 10; Headers = $svcwHeaders }") in lines
    assert "if ($PSVersionTable.PSVersion.Major -ge 6) { $svcwArgs.SkipCertificateCheck = $true }" in lines
    assert ("try { Invoke-WebRequest @svcwArgs } catch { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }"
            in lines)
    assert "SkipCertificateCheck" not in powershell_request(Fetch(url="https://e.com/x"), "C:\\x")


@pytest.mark.parametrize("rc, output, found", [
    (0, CURL_VERSION_WIN10_1803, True),
    (0, CURL_VERSION_WIN11, True),
    (9009, CMD_NOT_FOUND, False),
    (1, "", False),
    (0, "", False),
    (0, "Powershell is not implemented\r\n", False),
])
def test_has_curl(rc, output, found):
    assert has_curl(rc, output) is found


# -- the curl config, read by a real curl -------------------------------------------------------

class _Echo(BaseHTTPRequestHandler):
    """Answers /redirect with a 302 to /file, /file with the request's headers as JSON."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/file?from=redirect")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not self.path.startswith("/file"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps(dict(path=self.path, headers=dict(self.headers.items()))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()


def _curl(config_text, tmp_path):
    assert shutil.which("curl"), "curl is installed by scripts/bootstrap.sh"
    config = tmp_path / CURL_REQUEST
    config.write_text(config_text, encoding="ascii")
    return subprocess.run(["curl", "--disable", "--config", str(config)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_real_curl_reads_the_config(echo_server, tmp_path):
    out = tmp_path / "dir with 'quotes' and \"double\" and %PATH%" / "hello"
    out.parent.mkdir()
    headers = (("X-Q", 'say "hi" \\ there %PATH% \'x\''), ("Authorization", "Bearer a.b-c"))
    fetch = Fetch(url=echo_server + "/redirect?a=%20b&c=\"d\"", headers=headers, timeout=20)
    done = _curl(curl_request(fetch, str(out)), tmp_path)
    assert done.returncode == 0, done.stderr
    got = json.loads(out.read_text())
    assert got["path"] == "/file?from=redirect"
    assert got["headers"]["X-Q"] == 'say "hi" \\ there %PATH% \'x\''
    assert got["headers"]["Authorization"] == "Bearer a.b-c"
    assert done.stdout == ""


def test_real_curl_fails_on_an_error_status(echo_server, tmp_path):
    out = tmp_path / "hello"
    done = _curl(curl_request(Fetch(url=echo_server + "/missing", timeout=20), str(out)), tmp_path)
    assert done.returncode == 22
    assert "404" in done.stderr


def test_real_curl_sends_basic_auth(echo_server, tmp_path):
    out = tmp_path / "hello"
    fetch = check_fetch(dict(url=echo_server + "/file", url_username="user", url_password="p:w d", url_timeout=20))
    done = _curl(curl_request(fetch, str(out)), tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["headers"]["Authorization"] == "Basic dXNlcjpwOncgZA=="


def test_real_curl_refuses_a_redirect_to_another_protocol(tmp_path):
    class ToFile(_Echo):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), ToFile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = tmp_path / "hello"
        fetch = Fetch(url="http://127.0.0.1:%d/x" % server.server_address[1], timeout=20)
        done = _curl(curl_request(fetch, str(out)), tmp_path)
        assert done.returncode != 0
        assert not out.exists() or "root:" not in out.read_text()
    finally:
        server.shutdown()
    assert os.path.exists("/etc/passwd")
