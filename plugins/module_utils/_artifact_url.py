# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Artifacts the host fetches itself from a URL: the request checked, and how each host fetches.

The release checks the request on the controller before anything reaches the host (the URL,
the headers, the credentials), and the host downloads into the release's upload directory,
where the SHA-256 decides whether it becomes a release (see ``_release_plan``):

* Linux hosts download with the module's own Python (``modules/release.py``).
* Windows hosts download with ``curl.exe``, which Windows ships in System32 since Windows 10
  1803 and Server 2019, or else with PowerShell's ``Invoke-WebRequest``. Neither gets the
  request on its command line, where other users of the host could read it in the process
  list: a request file (a curl config, or a PowerShell script) is written into the upload
  directory, run, and deleted in the same batch, before the checksum is read.

Everything here is pure: the checks, the request files, the command lines and the reading
of curl's answer, tested without a host.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import unquote, urlsplit

# Options of the release task that describe a host-side download (besides `sha256`).
URL_OPTIONS: Dict[str, Dict[str, object]] = dict(
    url=dict(type="str"),
    headers=dict(type="dict", no_log=True),
    url_username=dict(type="str"),
    url_password=dict(type="str", no_log=True),
    validate_certs=dict(type="bool", default=True),
    url_timeout=dict(type="int", default=300),
)
# The request file in the upload directory, deleted before the release is renamed into place.
CURL_REQUEST = ".svcwright-fetch.curl"
POWERSHELL_REQUEST = ".svcwright-fetch.ps1"
MAX_URL = 2048
MAX_HEADERS = 32
MAX_REDIRECTS = 10
# RFC 9110 token characters: what a header name may hold.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
# Headers the download sets itself, or that would change what is fetched and how it is read.
_RESERVED_HEADERS = frozenset(("host", "content-length", "transfer-encoding", "connection", "range",
                               "accept-encoding", "te", "upgrade", "expect"))


class UrlProblem(ValueError):
    """A download request that cannot be used; the message says what and what to do."""


@dataclass(frozen=True)
class Fetch:
    """A checked download request. ``headers`` and ``password`` are secrets: never shown."""

    url: str
    headers: Tuple[Tuple[str, str], ...] = ()
    username: Optional[str] = None
    password: Optional[str] = None
    validate_certs: bool = True
    timeout: int = 300

    @property
    def shown(self) -> str:
        """The URL as messages show it: without its query and fragment (a signed URL keeps
        its signature there)."""
        return shown_url(self.url)

    def basic_auth(self) -> Optional[str]:
        """The ``Authorization`` value for the credentials, or None."""
        if self.username is None:
            return None
        pair = "%s:%s" % (self.username, self.password or "")
        return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def shown_url(url: str) -> str:
    parts = urlsplit(url)
    return "%s://%s%s%s" % (parts.scheme, parts.netloc, parts.path, "?..." if parts.query else "")


def _visible_ascii(value: str, what: str, fix: str, spaces: bool = False) -> None:
    """Printable ASCII only (and spaces where ``spaces``); the value itself is never shown."""
    for i, ch in enumerate(value):
        if not (" " < ch < "\x7f" or (spaces and ch == " ")):
            raise UrlProblem("%s: has %s at position %d, which a download request cannot carry. %s"
                             % (what, "U+%04X" % ord(ch), i, fix))


def check_url(url: Any) -> str:
    """An absolute http or https URL in printable ASCII, with a host, no credentials in it."""
    if not isinstance(url, str) or not url:
        raise UrlProblem("url: must be an http or https URL, e.g. https://downloads.example.com/hello-1.4.2.")
    if len(url) > MAX_URL:
        raise UrlProblem("url: is %d characters long; at most %d are accepted. Give a shorter URL." % (len(url), MAX_URL))
    _visible_ascii(url, "url", "Percent-encode it (a space is %20), or give the URL without it.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlProblem("url: the scheme %r is not http or https. Give an http:// or https:// URL."
                         % (parts.scheme or url.split(":", 1)[0]))
    if not parts.hostname:
        raise UrlProblem("url: %s names no host. Give an absolute URL, e.g. https://downloads.example.com/hello."
                         % shown_url(url))
    if "@" in parts.netloc:
        raise UrlProblem("url: has credentials in it (user@host), which would show in logs and on the host. Give them "
                         "as url_username and url_password, or as a header.")
    try:
        _port = parts.port  # noqa: F841 (reading it checks it)
    except ValueError:
        raise UrlProblem("url: %s has a port that is not a number from 0 to 65535." % shown_url(url)) from None
    return url


def name_from_url(url: str) -> str:
    """The file name an URL's path ends with (what dest_name defaults to)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def check_headers(headers: Any) -> Tuple[Tuple[str, str], ...]:
    """Header names as tokens, values as one line of visible ASCII."""
    if headers is None:
        return ()
    if not isinstance(headers, Mapping):
        raise UrlProblem("headers: must be a dictionary of header names and values, e.g. {Authorization: 'Bearer ...'}.")
    if len(headers) > MAX_HEADERS:
        raise UrlProblem("headers: %d headers given; at most %d are accepted." % (len(headers), MAX_HEADERS))
    out: List[Tuple[str, str]] = []
    seen = set()
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise UrlProblem("headers: %r is not a header name (letters, digits and !#$%%&'*+.^_`|~-). Give the "
                             "header's name as HTTP spells it, e.g. Authorization." % (name,))
        if name.lower() in _RESERVED_HEADERS:
            raise UrlProblem("headers: %s is set by the download itself. Leave it out." % name)
        if name.lower() in seen:
            raise UrlProblem("headers: %s is given twice (header names ignore case). Give it once." % name)
        seen.add(name.lower())
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise UrlProblem("headers.%s: must be text (its value is not shown, it may be a secret). Quote it in "
                             "YAML." % name)
        text = str(value)
        # The value is not shown: it may be a token.
        _visible_ascii(text, "headers.%s" % name, "Give the value as one line of printable ASCII.", spaces=True)
        if text != text.strip():
            raise UrlProblem("headers.%s: starts or ends with a space, which HTTP drops. Remove it." % name)
        out.append((name, text))
    return tuple(out)


def check_username(username: Any) -> Optional[str]:
    if username is None:
        return None
    if not isinstance(username, str) or not username:
        raise UrlProblem("url_username: must be a non-empty string.")
    _visible_ascii(username, "url_username", "Give the user name in printable ASCII.")
    if ":" in username:
        raise UrlProblem("url_username: contains ':', which basic authentication uses to end the user name. Give the "
                         "credentials as an Authorization header instead.")
    return username


def check_fetch(params: Mapping[str, Any]) -> Fetch:
    """The download request from the task's options (UrlProblem when it cannot be used)."""
    url = check_url(params.get("url"))
    username = check_username(params.get("url_username"))
    password = params.get("url_password")
    if password is not None:
        if username is None:
            raise UrlProblem("url_password: is given without url_username. Give both, or neither.")
        if not isinstance(password, str):
            raise UrlProblem("url_password: must be a string. Quote it in YAML.")
        # Its value is never shown.
        _visible_ascii(password, "url_password", "Give it in printable ASCII.", spaces=True)
    headers = check_headers(params.get("headers"))
    if username is not None and any(name.lower() == "authorization" for name, _v in headers):
        raise UrlProblem("headers: Authorization is given together with url_username. Give one of them.")
    timeout = params.get("url_timeout", 300)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 86400:
        raise UrlProblem("url_timeout: must be a whole number of seconds from 1 to 86400, not %r." % (timeout,))
    validate = params.get("validate_certs", True)
    if not isinstance(validate, bool):
        raise UrlProblem("validate_certs: must be true or false.")
    return Fetch(url=url, headers=headers, username=username, password=password, validate_certs=validate,
                 timeout=timeout)


def request_headers(fetch: Fetch) -> List[Tuple[str, str]]:
    """Every header the download sends of its own: the task's, and the credentials' one."""
    auth = fetch.basic_auth()
    return list(fetch.headers) + ([("Authorization", auth)] if auth else [])


# -- Windows: curl.exe ---------------------------------------------------------------------------

def curl_probe_argv() -> List[str]:
    return ["curl.exe", "--version"]


def has_curl(rc: int, output: str) -> bool:
    """Whether ``curl.exe --version`` answered as curl does (``curl 7.55.1 (Windows) ...``)."""
    return rc == 0 and output.lstrip().startswith("curl ")


def _curl_quoted(value: str) -> str:
    """A curl config value in double quotes; curl reads backslash escapes there."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


def curl_request(fetch: Fetch, output: str) -> str:
    """The curl config (``curl.exe --config FILE``) that writes the artifact to ``output``
    (an absolute path). Failures (HTTP status 400 and above, a timeout,
    a cut connection) end curl with a non-zero exit code."""
    lines = [
        "url = %s" % _curl_quoted(fetch.url),
        "output = %s" % _curl_quoted(output),
        "fail",
        "location",
        "max-redirs = %d" % MAX_REDIRECTS,
        'proto = "=http,https"',
        'proto-redir = "=http,https"',
        "silent",
        "show-error",
        "max-time = %d" % fetch.timeout,
        "connect-timeout = %d" % min(fetch.timeout, 60),
    ]
    if not fetch.validate_certs:
        lines.append("insecure")
    lines += ["header = %s" % _curl_quoted("%s: %s" % (name, value)) for name, value in request_headers(fetch)]
    return "\n".join(lines) + "\n"


def curl_argv(request: str) -> List[str]:
    # --disable first: no .curlrc of the account is read.
    return ["curl.exe", "--disable", "--config", request]


# -- Windows: PowerShell ----------------------------------------------------------------------

def _ps_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def powershell_request(fetch: Fetch, output: str) -> str:
    """A PowerShell 5.1 / 7 script that downloads into ``output`` (an absolute path) with
    ``Invoke-WebRequest``, and exits non-zero with
    the reason on standard error when the download fails."""
    lines = [
        "$ErrorActionPreference = 'Stop'",
        "$ProgressPreference = 'SilentlyContinue'",
        "try { [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor "
        "[Net.SecurityProtocolType]::Tls12 } catch { }",
        "$svcwHeaders = @{}",
    ]
    lines += ["$svcwHeaders[%s] = %s" % (_ps_quote(name), _ps_quote(value)) for name, value in request_headers(fetch)]
    lines += [
        "$svcwArgs = @{ Uri = %s; OutFile = %s; UseBasicParsing = $true; TimeoutSec = %d; "
        "MaximumRedirection = %d; Headers = $svcwHeaders }"
        % (_ps_quote(fetch.url), _ps_quote(output), fetch.timeout, MAX_REDIRECTS),
    ]
    if not fetch.validate_certs:
        lines += [
            "if ($PSVersionTable.PSVersion.Major -ge 6) { $svcwArgs.SkipCertificateCheck = $true }",
            "else { [Net.ServicePointManager]::ServerCertificateValidationCallback = { $true } }",
        ]
    lines += [
        "try { Invoke-WebRequest @svcwArgs } catch { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }",
        "exit 0",
    ]
    # A BOM makes Windows PowerShell 5.1 read the file as UTF-8 (it would take the ANSI code page).
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def powershell_argv(request: str) -> List[str]:
    return ["powershell.exe", "-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
            "-File", request]


def windows_fetch(fetch: Fetch, directory: str, output_name: str, curl: bool) -> Tuple[str, str, List[str]]:
    """What a Windows host runs to download into ``directory`` (the upload directory, an
    ASCII path: curl.exe reads its command line and config in the ANSI code page): the
    request file's path, its text, and the command line."""
    check_windows_base(directory)
    output = directory + "\\" + output_name
    if curl:
        request = directory + "\\" + CURL_REQUEST
        return request, curl_request(fetch, output), curl_argv(request)
    request = directory + "\\" + POWERSHELL_REQUEST
    return request, powershell_request(fetch, output), powershell_argv(request)


def check_windows_base(base: str) -> None:
    """Fetching on Windows needs an ASCII base path (checked before the first command)."""
    _visible_ascii(base, "base", "On Windows, fetching from a URL needs a base path in ASCII "
                   "(curl.exe reads paths in the ANSI code page). Give another base, or ship from the controller (src).",
                   spaces=True)
