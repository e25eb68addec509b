#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: release
short_description: Ship a service binary as a release, activate it, roll back, keep N
version_added: 0.1.0
description:
  - Keeps each shipped artifact in C(<base>/releases/<version>/) and runs the active one from a constant path,
    C(<base>/current/<dest_name>), returned as RV(path). Point the service at that path once, and every
    activation or rollback switches what it runs.
  - Skips the transfer when the host already has the release with the same SHA-256. An upload goes to a
    directory C(releases/.incoming-<version>-<time>-<token>) first, is checked against the checksum on the host,
    and only then renamed into place, so an interrupted or corrupted upload never becomes a release.
  - On Linux, C(current) is a symbolic link to C(releases/<version>), switched atomically (a new link renamed
    over the old one), so a program reading C(current/<dest_name>) never finds it missing.
  - On Windows, where the Wine stand-in has no symbolic links or junctions and firewall and AppLocker rules
    key on the program path, C(current) is the active release's own directory. Activation stops O(service)
    when it runs (a running program's files cannot be moved), moves C(current) back to
    C(releases\<active version>) and the new release to C(current). A marker file
    C(current\.svcwright-version) names the active version. Starting the service again is left to
    M(svcwright.services.win_service) or M(svcwright.services.win_nssm); RV(activated) says it is needed.
  - The platform is the connection's shell (a Windows shell means a Windows host); no facts are gathered.
  - Runs as an action plugin on the controller. Linux hosts take one module run, or two when the artifact is
    shipped from the controller (with the upload between them), one when the host downloads it (O(url));
    Windows hosts take one round trip when nothing changes (see the notes for the rest).
author:
  - svcwright maintainers (@svcwright)
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Check mode reads the host and reports the same plan, RV(changes) and RV(transferred) a real run would.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - Shows the active and previous release and the list of releases before and after.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details:
      - O(state=rolled_back) without O(version) rolls back once; run again, it finds the rollback done.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: [posix, windows]
options:
  base:
    description:
      - The install root, e.g. V(/opt/hello) or V(C:\\Program Files\\hello). Created when missing; a refused
        upload removes again what it created.
      - An absolute path without C(.) or C(..) components, line breaks, control or invisible (bidi, zero-width)
        characters.
      - On Windows, it may not contain C(%) or C("), since the commands that move the files run through C(cmd.exe).
    type: str
    required: true
  version:
    description:
      - The release's name, one directory name of letters, digits, C(.), C(_), C(+), C(~) and C(-), e.g. V(1.4.2)
        or V(20240611T101500Z). Not C(..), no path separators, at most 100 characters.
      - Quote it in YAML, it is text. An unquoted V(2024-01-31) is a date and V(1.10) a number, both refused; a whole
        number such as V(2) is taken as its digits.
      - Required with O(state=present), O(state=active) and O(state=absent). With O(state=rolled_back), the
        release to roll back to (a named rollback); without it, the previous release.
      - A release never changes once shipped. Shipping a different artifact under an existing name fails;
        build it under a new name.
    type: str
  src:
    description:
      - The artifact on the controller, a file. Looked up like M(ansible.builtin.copy)'s C(src) (the role's or
        playbook's C(files/) directory for a relative path).
      - Required with O(state=present) and O(state=active), unless O(url) is given. It must exist on the
        controller; its checksum is computed there before anything is sent to the host.
    type: path
  sha256:
    description:
      - The SHA-256 the artifact must have. When given, O(src) is checked against it on the controller before
        anything is sent (a mismatch fails the task and changes nothing), and the upload is checked against it
        on the host (a corrupted upload fails the task and is removed, with the directories made for it). When
        not given, it is computed from O(src) on the controller.
      - Required with O(url), since the host checks what it downloaded against it; a download with another
        checksum never becomes a release.
    type: str
  url:
    description:
      - The artifact at an C(http) or C(https) URL, downloaded by the host itself instead of being sent from the
        controller (for large fleets, or WinRM, where pushing a large file is slow). Needs O(sha256). Not with
        O(src).
      - Nothing is downloaded when the host already has the release. The download goes to the upload directory
        first; a download that fails, is cut short or has another checksum is deleted there, with the directories
        made for it, and the host is as it was.
      - Printable ASCII (percent-encode the rest), at most 2048 characters, without credentials in it (give
        O(url_username) and O(url_password), or a header). Messages show it without its query string.
      - Linux hosts download with the module's own Python. Windows hosts download with C(curl.exe) (shipped with
        Windows 10 1803, Server 2019 and later), or with PowerShell's C(Invoke-WebRequest) where there is none.
        On Windows the request (URL, headers, credentials) goes in a file in the upload directory, deleted right
        after the download, never on a command line, and O(base) must be an ASCII path.
    type: str
  headers:
    description:
      - Headers to send with the download, for example an C(Authorization) header with a bearer token. Names as
        HTTP spells them; values one line of printable ASCII. Their values are secret (never logged nor shown).
    type: dict
  url_username:
    description:
      - The user name for HTTP basic authentication of the download (sent with the first request). No C(:).
    type: str
  url_password:
    description:
      - The password for O(url_username). Never logged nor shown.
    type: str
  validate_certs:
    description:
      - Whether an C(https) download checks the server's certificate. Set to V(false) only for a server you
        trust with a self-signed certificate.
    type: bool
    default: true
  url_timeout:
    description:
      - How long the download may take in all, in seconds (1 to 86400).
    type: int
    default: 300
  dest_name:
    description:
      - The artifact's file name inside the release, one path component of letters, digits, C(.), C(_), C(+), C(~)
        and C(-), e.g. V(hello) or V(hello.exe). Defaults to the file name of O(src), or the last part of the path
        of O(url).
    type: str
  state:
    description:
      - V(present) ships the release when the host does not have it, and activates nothing.
      - V(active) ships it when needed and makes it the active release.
      - V(rolled_back) activates the previous release (the one active before the active one), or O(version)
        when given. Without O(version) it is done once; when the active release came from a rollback, nothing
        changes.
      - V(absent) removes the release O(version). The active and the previous release are refused.
    type: str
    choices: [present, active, rolled_back, absent]
    default: present
  keep:
    description:
      - How many releases to keep, a whole number of at least 1. The oldest beyond this number are removed (oldest by shipping order;
        releases this collection did not ship count as the oldest, by name). The active release, the previous
        one and the O(version) of the task are never removed, so more may stay.
    type: int
    default: 5
  service:
    description:
      - Windows only. The service to stop before an activation moves C(current), when it runs. Without it, the
        move fails while a program runs from C(current).
      - Not needed on Linux, where a running program keeps its file through the switch of the link.
    type: str
  definition:
    description:
      - The service definition this release is deployed with, for example the RV(svcwright.services.service_spec#module:spec)
        result of M(svcwright.services.service_spec), the task arguments of M(svcwright.services.service). It is written into the release as
        C(.svcwright-definition.json) with its SHA-256 when the release is shipped, and returned as RV(definition)
        whenever the release is active, so that a rollback restores the previous release's binary and its
        definition together.
      - A release never changes once shipped, so another definition under the same O(version) is refused (give
        a new version). A release shipped without one records it once. A C(password) key is never written.
    type: dict
  verify:
    description:
      - The verification of the release's service, as the options of M(svcwright.services.verify) (for example
        the RV(svcwright.services.service_spec#module:verify) result of M(svcwright.services.service_spec)).
      - With O(state=active) and O(definition), when the release is already active with this definition, the
        same module run on a Linux host also tells whether its service is serving as defined, returned as
        RV(serving) (the unit is as the definition renders it and nothing about it would change, and the
        service passes this verification at once (running longer than C(stable_for), one probe from the host
        answering)). It only reads, and records a pass for M(svcwright.services.service_info). This lets a run
        with nothing to do skip the service and verify tasks, as the deploy role does.
      - Not checked on Windows hosts, nor for a probe from the controller; RV(serving) then says so.
    type: dict
  _incoming:
    description:
      - Internal, set by the action plugin between its two module runs (the upload directory of this run). Tasks
        cannot set it.
    type: str
  _upload_src:
    description:
      - Internal, set by the action plugin with C(become) (where in Ansible's temporary directory the upload
        went). Tasks cannot set it.
    type: str
  _created:
    description:
      - Internal, set by the action plugin between its two module runs (the directories the first run made for
        the upload, removed again when the upload is refused). Tasks cannot set it.
    type: list
    elements: str
  _host:
    description:
      - Internal, set by the action plugin (the host's inventory name, for messages). Tasks cannot set it.
    type: str
  _serving:
    description:
      - Internal, set by the action plugin from O(verify) (the arguments of the release's service for
        M(svcwright.services.systemd_unit), and the verify options). Tasks cannot set it.
    type: dict
notes:
  - Round trips on Windows, where every step is a batch of commands sent at once. Nothing to change, one.
    Shipping adds three (create the upload directory, upload, checksum), activation one more (move and read
    back), stopping the service two or more (C(sc stop), then C(sc query) until stopped).
  - With O(url) on Windows, shipping takes three round trips (create the upload directory, write the request
    file, then download, delete the request file and hash in one batch), however large the artifact.
  - The checksum on a Windows host comes from C(certutil -hashfile). Where C(certutil) cannot hash (the Wine 8
    stand-in's prints nothing), the file is fetched back and hashed on the controller, which costs a transfer
    of the file.
  - The state file C(<base>/.svcwright-release.json) (Linux) or C(<base>\.svcwright-release.txt) (Windows)
    records the previous release, whether the active one came from a rollback, and the shipping order. The
    active release is what C(current) says, whatever the file records.
  - Leftovers in C(releases/) are deleted by the next run on the host; an upload younger than an hour is left
    alone, since another play may still be writing it. Directories named C(.incoming-*) or C(.removing-*) are
    never releases.
  - With C(become) on Linux, the upload goes to Ansible's temporary directory and the module copies it into the
    upload directory, since the connecting user may not write there.
  - Two tasks releasing to the same C(base) on the same host at once are not coordinated.
seealso:
  - module: svcwright.services.systemd_unit
  - module: svcwright.services.win_service
  - module: svcwright.services.win_nssm
"""

EXAMPLES = r"""
- name: Ship and activate a build
  svcwright.services.release:
    base: /opt/hello
    version: "{{ hello_version }}"
    src: build/hello-{{ hello_version }}
    dest_name: hello
    state: active
    keep: 3
  register: hello_release

- name: Run the service from the constant path; restart it when the link switched
  svcwright.services.systemd_unit:
    name: hello
    command: "{{ hello_release.path }}"
    restart_triggers: ["{{ hello_release.path }}"]

- name: Windows - ship and activate, stopping the service for the directory swap
  svcwright.services.release:
    base: C:\Program Files\hello
    version: "{{ hello_version }}"
    src: build/hello-{{ hello_version }}.exe
    sha256: "{{ hello_sha256 }}"
    dest_name: hello.exe
    service: hello
    state: active

- name: Each host downloads the release itself (no push from the controller)
  svcwright.services.release:
    base: /opt/node_exporter
    version: "1.8.2"
    url: https://artifacts.example.com/node_exporter/1.8.2/node_exporter
    sha256: "{{ node_exporter_sha256 }}"
    headers:
      Authorization: "Bearer {{ artifacts_token }}"
    state: active

- name: Roll back to the previous release
  svcwright.services.release:
    base: /opt/hello
    state: rolled_back

- name: Roll back to a named release
  svcwright.services.release:
    base: /opt/hello
    version: 1.4.0
    state: rolled_back

- name: Remove an old release
  svcwright.services.release:
    base: /opt/hello
    version: 1.3.0
    state: absent
"""

RETURN = r"""
changes:
  description:
    - What was changed (or, in check mode, would be), in order, with the reason. V(ship), V(define) (the
      definition of a release shipped without one), V(stop_service)
      (Windows), V(activate), V(remove), V(prune) and V(cleanup) of a leftover.
  returned: always
  type: list
  elements: str
  sample: ["ship 2.0.0 (not on the host)", "activate 2.0.0 (active is 1.0.0)", "prune 0.9.0 (keep 2)"]
active:
  description: The active release after the run (in check mode, the one it would be); null when none is.
  returned: always
  type: str
  sample: 2.0.0
previous:
  description: The release that was active before the active one; null when there is none.
  returned: always
  type: str
  sample: 1.0.0
releases:
  description: The releases on the host after the run, oldest first (in shipping order).
  returned: always
  type: list
  elements: str
  sample: ["1.0.0", "2.0.0"]
activated:
  description: Whether the active release changed, so the service must be restarted (on Windows, started).
  returned: always
  type: bool
  sample: true
transferred:
  description: Whether the artifact was (in check mode, would be) uploaded, or with O(url) downloaded by the host.
  returned: always
  type: bool
  sample: true
path:
  description:
    - The constant path to point the service at, C(<base>/current/<dest_name>) (C(<base>\current\<dest_name>) on
      Windows). Only C(<base>/current) when the task names no O(dest_name) and no O(src).
  returned: always
  type: str
  sample: /opt/hello/current/hello
sha256:
  description: The artifact's SHA-256 (given or computed on the controller).
  returned: when O(state=present) or O(state=active)
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
definition:
  description:
    - The service definition recorded with the active release (after the run; in check mode, the one that would be
      active); null when that release records none (shipped without O(definition)).
    - Apply it with M(svcwright.services.service) to run the release as it was deployed.
  returned: always
  type: dict
serving:
  description:
    - Whether the active release's service is already serving as defined (see O(verify)); C(passed) is true only
      when nothing would change and the service passed its verification at once. C(reason) says why not.
  returned: when O(verify) is given
  type: dict
  contains:
    passed:
      description: The service is serving as the release defines it.
      type: bool
    reason:
      description: Why not (empty on a pass).
      type: str
    verification:
      description: The verification's result, as M(svcwright.services.verify) returns it, when one ran.
      type: dict
  sample: {passed: true, reason: "", verification: {name: hello, status: {state: running}}}
previous_definition:
  description: The service definition recorded with the previous release; null when unknown or none.
  returned: always
  type: dict
round_trips:
  description: Windows only. How many times the task talked to the host (commands are batched; each batch is one).
  returned: on Windows hosts
  type: int
  sample: 1
"""

import os
import secrets
import shutil
import socket
import tempfile
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple, cast

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url

from ansible_collections.svcwright.services.plugins.module_utils._artifact_url import Fetch, UrlProblem, check_fetch

from ansible_collections.svcwright.services.plugins.module_utils._linux_prerequisites import missing_prerequisites
from ansible_collections.svcwright.services.plugins.module_utils._serving import serving
from ansible_collections.svcwright.services.plugins.module_utils._spec import SPEC_KEYS, SpecError, build_spec
from ansible_collections.svcwright.services.plugins.module_utils._release_definition import (
    DEFINITION_FILE,
    DefinitionError,
    decode_definition,
    encode_definition,
    storable,
)
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import (
    REQUIRED_IF,
    RELEASE_OPTIONS,
    STATE_FILE_LINUX,
    HostState,
    Plan,
    Record,
    ReleaseError,
    Request,
    check_base,
    check_dest_name,
    check_keep,
    check_sha256,
    check_version,
    decode_state_json,
    encode_state_json,
    incoming_created,
    incoming_name,
    is_leftover,
    plan_release,
    removing_name,
)


def argument_spec() -> Dict[str, dict]:
    spec = {k: dict(v) for k, v in RELEASE_OPTIONS.items()}
    # Set by the action plugin: the upload directory of this run (its second module run),
    # and, with become, where in Ansible's temporary directory the upload went.
    spec.update(_incoming=dict(type="str"), _upload_src=dict(type="str"), _created=dict(type="list", elements="str"),
                _host=dict(type="str"))
    # Set by the action plugin from verify: the systemd_unit arguments of the release's service
    # and the verify arguments, checked when the release has nothing to do.
    spec.update(_serving=dict(type="dict"))
    return spec


def fsync_dir(path: str) -> None:
    """Make a rename in ``path`` survive a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ReleaseHost:
    """The release layout under ``base`` on this host: read it, change it."""

    def __init__(self, module: AnsibleModule, base: str, label: str) -> None:
        self.module = module
        self.base = base
        self.label = label
        self.releases_dir = os.path.join(base, "releases")
        self.current = os.path.join(base, "current")
        self.state_file = os.path.join(base, STATE_FILE_LINUX)
        self.warnings: List[str] = []

    def fail(self, what: str, **extra: object) -> None:
        self.module.fail_json(msg="%s: %s" % (self.label, what), **extra)

    # -- reads ----------------------------------------------------------------------------------
    def active(self, releases: List[str]) -> Optional[str]:
        if not os.path.lexists(self.current):
            return None
        if not os.path.islink(self.current):
            raise ReleaseError("%s is not a symbolic link, so it was not made by this module. Move it away (or "
                               "remove it) and run again." % self.current)
        target = os.readlink(self.current).rstrip("/")
        name = None
        for prefix in ("releases/", self.releases_dir + "/"):
            if target.startswith(prefix):
                name = target[len(prefix):]
        try:
            name = check_version(name)
        except ReleaseError:
            raise ReleaseError("%s points to %s, not to a release in %s. Remove the link and run again."
                               % (self.current, target, self.releases_dir))
        if name not in releases:
            self.warnings.append("%s points to release %s, which does not exist: nothing is active" % (self.current, name))
            return None
        return name

    def inspect(self, version: Optional[str], dest_name: Optional[str]) -> HostState:
        entries = sorted(os.listdir(self.releases_dir)) if os.path.isdir(self.releases_dir) else []
        releases = [e for e in entries if not e.startswith(".") and os.path.isdir(os.path.join(self.releases_dir, e))
                    and not os.path.islink(os.path.join(self.releases_dir, e))]
        text = None
        if os.path.exists(self.state_file):
            with open(self.state_file, "r", encoding="utf-8", errors="replace") as f:
                text = f.read()
        record = decode_state_json(text)
        if record is None:
            self.warnings.append("%s is not a state file this module can read; the previous release and the shipping "
                                 "order are unknown until the next change rewrites it" % self.state_file)
            record = Record()
        state = HostState(releases=releases, active=self.active(releases), record=record,
                          leftovers=[e for e in entries if is_leftover(e)])
        for name in releases:
            state.definitions[name] = self.definition(name)
        if version is not None and version in releases and dest_name is not None:
            release = os.path.join(self.releases_dir, version)
            state.target_files = sorted(os.listdir(release))
            path = os.path.join(release, dest_name)
            if os.path.isfile(path):
                state.target_sha256 = self.module.sha256(path)
        return state

    def definition(self, version: str) -> Optional[Dict[str, object]]:
        path = os.path.join(self.releases_dir, version, DEFINITION_FILE)
        try:
            with open(path, "r", encoding="ascii", errors="replace") as f:
                text: Optional[str] = f.read()
        except FileNotFoundError:
            text = None
        try:
            return decode_definition(text, path)
        except DefinitionError as exc:
            raise ReleaseError(str(exc)) from None

    # -- writes ---------------------------------------------------------------------------------
    def write_definition(self, directory: str, definition: Dict[str, object]) -> None:
        """The definition file of a release, written once (atomically) into its directory."""
        fd, tmp = tempfile.mkstemp(prefix=".svcwright-definition-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(encode_definition(definition))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, os.path.join(directory, DEFINITION_FILE))
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def make_incoming(self, version: str) -> Tuple[str, List[str]]:
        """The upload directory of this run, and the directories made for it (outermost first)."""
        created = make_dirs(self.releases_dir)
        name = incoming_name(version, time.time(), secrets.token_hex(4))
        try:
            os.mkdir(os.path.join(self.releases_dir, name), 0o755)
        except OSError:
            self.abandon(None, created)
            raise
        return name, created

    def own_dirs(self, created: Sequence[str]) -> List[str]:
        """Of the directories a first run says it made, those it can have made: base, its
        parents, and releases."""
        allowed = {self.releases_dir, self.base}
        parent = self.base
        while os.path.dirname(parent) != parent:
            parent = os.path.dirname(parent)
            allowed.add(parent)
        return [d for d in created if d in allowed and d != "/"]

    def abandon(self, incoming: Optional[str], created: Sequence[str]) -> None:
        """Remove a refused upload and the directories made for it, innermost first;
        rmdir removes a directory only while it is empty."""
        if incoming is not None:
            shutil.rmtree(os.path.join(self.releases_dir, incoming), ignore_errors=True)
        for directory in reversed(self.own_dirs(created)):
            try:
                os.rmdir(directory)
            except OSError:
                pass

    def fetch(self, fetch: Fetch, incoming: str, dest_name: str, created: Sequence[str]) -> None:
        """Download the artifact into the upload directory (its checksum is checked by ship)."""
        path = os.path.join(self.releases_dir, incoming, dest_name)
        try:
            response = open_url(fetch.url, headers=dict(fetch.headers), validate_certs=fetch.validate_certs,
                                url_username=fetch.username, url_password=fetch.password,
                                force_basic_auth=fetch.username is not None, timeout=fetch.timeout,
                                follow_redirects="safe", http_agent="svcwright.services.release")
            length = response.headers.get("Content-Length")
            got = 0
            with response, open(path, "wb") as f:
                while True:
                    chunk = response.read(1 << 20)
                    if not chunk:
                        break
                    f.write(chunk)
                    got += len(chunk)
            if length is not None and length.isdigit() and got != int(length):
                raise _CutShort("the connection ended after %d of the %s bytes the server announced" % (got, length))
        except Exception as exc:  # urllib, ssl, socket and file errors alike: the download did not happen
            self.abandon(incoming, created)
            self.fail("the download of %s from %s failed: %s. Nothing was shipped or activated, and what was "
                      "downloaded was deleted. Check the URL and that this host can reach it, then run the task again."
                      % (dest_name, fetch.shown, _download_error(exc)), url=fetch.shown)

    def ship(self, version: str, dest_name: str, sha256: str, incoming: str, upload_src: Optional[str],
             created: Sequence[str], definition: Optional[Dict[str, object]], came: str = "upload") -> None:
        directory = os.path.join(self.releases_dir, incoming)
        path = os.path.join(directory, dest_name)
        try:
            if upload_src:
                shutil.copyfile(upload_src, path)
            got = self.module.sha256(path) if os.path.isfile(path) else None
        except OSError as exc:
            self.abandon(incoming, created)
            self.fail("the %s of %s could not be read (%s). Nothing was shipped or activated, and the %s was "
                      "deleted. Run the task again." % (came, dest_name, exc.strerror or exc, came))
        if got is None:
            self.abandon(incoming, created)
            self.fail("the %s of %s did not arrive in %s. Nothing was shipped or activated, and the %s was "
                      "deleted. Run the task again." % (came, dest_name, directory, came))
        if got != sha256:
            self.abandon(incoming, created)
            self.fail("the %sed %s has sha256 %s, but %s was expected: the %s was incomplete or corrupted%s. "
                      "Nothing was shipped or activated, and the %s was deleted. Run the task again."
                      % (came, dest_name, got, sha256, came,
                         ", or the URL serves another file" if came == "download" else "", came),
                      expected_sha256=sha256, uploaded_sha256=got)
        os.chmod(path, 0o755)
        with open(path, "rb") as f:
            os.fsync(f.fileno())
        if definition is not None:
            self.write_definition(directory, definition)
        # A directory rename is atomic: the release appears complete or not at all.
        os.rename(directory, os.path.join(self.releases_dir, version))
        fsync_dir(self.releases_dir)

    def write_state(self, plan: Plan) -> None:
        os.makedirs(self.base, mode=0o755, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".svcwright-release-", dir=self.base)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(encode_state_json(plan))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.state_file)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def activate(self, version: str) -> None:
        # A relative target keeps the tree valid when base is moved or seen through a mount.
        link = self.current + ".new"
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink("releases/" + version, link)
        os.replace(link, self.current)
        fsync_dir(self.base)

    def delete(self, name: str, token: str) -> None:
        path = os.path.join(self.releases_dir, name)
        if not is_leftover(name):
            trash = os.path.join(self.releases_dir, removing_name(name, token))
            os.rename(path, trash)
            path = trash
        shutil.rmtree(path)


class _CutShort(Exception):
    """A download that ended before the length its server announced."""


def _download_error(exc: BaseException) -> str:
    """What went wrong with a download, in one line (HTTP status, or the reason)."""
    if isinstance(exc, _CutShort):
        return str(exc)
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return "the server answered HTTP %d %s" % (code, getattr(exc, "reason", "") or "")
    reason = getattr(exc, "reason", None) or exc
    text = str(reason).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, text[0] if text else "no detail")


def make_dirs(path: str) -> List[str]:
    """``mkdir -p``, returning the directories it made, outermost first."""
    missing = []
    while not os.path.isdir(path) and os.path.dirname(path) != path:
        missing.append(path)
        path = os.path.dirname(path)
    created: List[str] = []
    try:
        for directory in reversed(missing):
            try:
                os.mkdir(directory, 0o755)
            except FileExistsError:
                continue
            created.append(directory)
    except OSError:
        for directory in reversed(created):
            os.rmdir(directory)
        raise
    return created


def definition_prerequisites(module: AnsibleModule, definition: Dict[str, object]) -> List[str]:
    """What the definition's service needs on this host and does not find (the program is
    the release's own artifact, so it is not looked for)."""
    block = definition.get("systemd")
    systemd: Dict[str, Any] = block if isinstance(block, dict) else {}
    try:
        spec = build_spec({k: v for k, v in definition.items() if k in SPEC_KEYS})
    except SpecError as exc:
        return ["the definition is not a valid service spec: %s" % exc]

    def show_units(units: List[str]) -> str:
        return module.run_command(["systemctl", "show", "--property=Id,LoadState", "--"] + units,
                                  environ_update={"SYSTEMD_PAGER": "", "LC_ALL": "C"})[1]

    return missing_prerequisites(spec, bool(systemd.get("create_account")), systemd.get("group"),
                                 list(systemd.get("requires") or []), show_units, check_command=False)


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), required_if=REQUIRED_IF, supports_check_mode=True)
    params = module.params
    label = "host %s: release%s under %s" % (params["_host"] or socket.gethostname(),
                                             " " + params["version"] if params["version"] else "", params["base"])
    incoming = params["_incoming"]
    created = params["_created"] or []
    rel: Optional[ReleaseHost] = None
    try:
        base = check_base(params["base"], windows=False)
        rel = ReleaseHost(module, base, label)
        dest_name = check_dest_name(params["dest_name"], windows=False) if params["dest_name"] else None
        sha256 = check_sha256(params["sha256"]) if params["sha256"] else None
        version = check_version(params["version"]) if params["version"] is not None else None
        definition = storable(params["definition"]) if params["definition"] is not None else None
        fetch: Optional[Fetch] = check_fetch(params) if params["url"] else None
        request = Request(params["state"], version, dest_name, sha256, check_keep(params["keep"]), None, definition)
        if request.state in ("present", "active") and (sha256 is None or dest_name is None):
            raise ReleaseError("sha256 and dest_name are needed to ship (the action plugin passes them)")
        if incoming is not None and (incoming_created(incoming) is None
                                     or not incoming.startswith(".incoming-%s-" % request.version)):
            incoming = None
            raise ReleaseError("internal error: %r is not an upload directory of release %s"
                               % (params["_incoming"], request.version))
        state = rel.inspect(request.version, dest_name)
        plan = plan_release(state, request, time.time(), ours=incoming)
    except (ReleaseError, UrlProblem, OSError) as exc:
        if rel is not None and incoming is not None:
            rel.abandon(incoming, created)
        module.fail_json(msg="%s: %s" % (label, exc))
    # fail_json does not return: from here on the host was read.
    rel = cast(ReleaseHost, rel)

    result: Dict[str, object] = dict(
        changed=bool(plan.changes),
        changes=[c.describe() for c in plan.changes],
        before=plan.before.as_dict(),
        after=plan.after.as_dict(),
        activated=plan.activated,
        transferred=plan.ship is not None,
        definition=plan.active_definition,
        previous_definition=plan.previous_definition,
    )
    if module._diff:
        header = "release under %s" % base
        result["diff"] = dict(before_header=header, after_header=header, before=plan.before.text(),
                              after=plan.after.text())
    if definition is not None and (plan.ship is not None or plan.activate is not None) and incoming is None:
        problems = definition_prerequisites(module, definition)
        if problems and not module.check_mode:
            module.fail_json(msg="%s: the release's service definition cannot run on this host, so nothing was shipped "
                                 "or activated: %s" % (label, " ".join(problems)))
        rel.warnings.extend(problems)
    if rel.warnings:
        result["warnings"] = rel.warnings
    if module.check_mode or not plan.changes:
        if incoming is not None:
            # Another run shipped the same release meanwhile: ours is not needed.
            rel.abandon(incoming, created)
        check = params["_serving"]
        if check and not plan.changes and incoming is None:
            result["serving"] = serving(module, dict(check.get("unit") or {}, _host=params["_host"]),
                                        dict(check.get("verify") or {}))
        module.exit_json(**result)
    if plan.ship is not None and incoming is None:
        try:
            name, made = rel.make_incoming(plan.ship)
        except OSError as exc:
            rel.fail("cannot create the upload directory in %s: %s. Nothing was changed." % (rel.releases_dir, exc))
        if fetch is not None:
            # The host fetches the artifact itself, in this same run.
            rel.fetch(fetch, name, dest_name or "", made)
            incoming, created = name, made
        else:
            # First of two runs: the action uploads into this directory, then runs the module again.
            result.update(upload_dir=os.path.join(rel.releases_dir, name), created_dirs=made)
            module.exit_json(**result)

    token = secrets.token_hex(4)
    done: List[str] = []
    try:
        if plan.ship is not None:
            rel.ship(plan.ship, dest_name or "", sha256 or "", incoming or "", params["_upload_src"], created,
                     definition, "upload" if fetch is None else "download")
            done.append("ship " + plan.ship)
        elif incoming is not None:
            rel.abandon(incoming, created)
        # Recorded before `current` switches; should the switch not happen, the record's
        # `before` part still describes the host.
        rel.write_state(plan)
        for change in plan.changes:
            if change.action == "activate":
                rel.activate(change.target)
            elif change.action == "define" and definition is not None:
                rel.write_definition(os.path.join(rel.releases_dir, change.target), definition)
            elif change.action in ("remove", "prune", "cleanup"):
                rel.delete(change.target, token)
            else:
                continue
            done.append(change.describe())
    except OSError as exc:
        rel.fail("%s (done before the failure: %s)" % (exc, ", ".join(done) or "nothing"), changes=done)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
