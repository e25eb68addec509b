# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Releases: what a host has, what a task wants, and the ordered steps in between.

Layout on every host::

    <base>/releases/<version>/<dest_name>     each shipped artifact, never changed once there
    <base>/releases/.incoming-<version>-<unix time>-<token>/
                                              an upload in progress: never a release
    <base>/current                            the active release, at a constant path

On Linux ``current`` is a symbolic link to ``releases/<version>``; on Windows (no symbolic
links or junctions under Wine, and firewall/AppLocker rules key on the program path) it is
the active release's directory itself, moved there from ``releases`` and named by the
marker file ``current\\.svcwright-version``. A small state file beside them records what the
links and directories cannot: the previous release, whether the active one came from a
rollback, and the order in which releases were shipped.

:func:`plan_release` turns the host's state and the task's request into a :class:`Plan`:
the changes in execution order (check mode reports them, a real run executes them) and the
state before and after (diff mode shows both). The Windows command lines and the parsers of
their output are here too, so that everything but the I/O is tested without a host.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._artifact_url import URL_OPTIONS
from ._systemd_plan import Change
from ._release_definition import DEFINITION_FILE, differences
from ._values import ValueProblem, check_line, path_component, scalar_text, whole_number
from ._win_cmdline import quote_arg

STATES = ("present", "active", "rolled_back", "absent")
MARKER = ".svcwright-version"
STATE_FILE_LINUX = ".svcwright-release.json"
STATE_FILE_WINDOWS = ".svcwright-release.txt"
INCOMING_PREFIX = ".incoming-"
# A release is renamed to this prefix before it is deleted, so that a deletion cut short never
# leaves a half-deleted directory that still looks like a release.
REMOVING_PREFIX = ".removing-"
# An upload younger than this may still be running (another play on the same host); older
# ones were interrupted. Uploads take seconds to minutes, so an hour leaves a wide margin.
INCOMING_MAX_AGE = 3600
# The state file keeps the shipping order of at most this many releases (the rest are pruned
# long before; an unbounded list would outgrow the 8191-character cmd.exe line on Windows).
ORDER_LIMIT = 50
STATE_FORMAT = 1

_SHA256 = re.compile(r"[0-9a-fA-F]{64}\Z")
_INCOMING = re.compile(r"\.incoming-(.+)-(\d{1,12})-([0-9a-f]{8})\Z")


# The task's options, shared by the action plugin (which validates them) and the module
# (which runs the Linux side and adds its internal options).
RELEASE_OPTIONS: Dict[str, Dict[str, object]] = dict(
    base=dict(type="str", required=True),
    version=dict(type="str"),
    src=dict(type="path"),
    sha256=dict(type="str"),
    dest_name=dict(type="str"),
    state=dict(type="str", choices=list(STATES), default="present"),
    keep=dict(type="int", default=5),
    service=dict(type="str"),
    definition=dict(type="dict"),
    verify=dict(type="dict"),
    **URL_OPTIONS,
)
REQUIRED_IF = [
    ["state", "present", ["version"]],
    ["state", "active", ["version"]],
    ["state", "absent", ["version"]],
]


class ReleaseError(Exception):
    """The request cannot be met on this host; the message says why and what to do."""


# -- validation -------------------------------------------------------------------------------

def _keyed(key: str, exc: ValueProblem) -> ReleaseError:
    return ReleaseError("%s: %s. %s" % (key, exc.problem, exc.fix))


def check_version(version: object, what: str = "version") -> str:
    """A release name: one directory name, the same on every platform (and a word on a
    cmd.exe line, so the narrow set of :func:`path_component`)."""
    if version is None or version == "":
        raise ReleaseError("%s: is empty. Give the release a name, e.g. 1.4.2 or 20240611T101500Z." % what)
    try:
        text = scalar_text(version)
    except ValueProblem as exc:
        raise _keyed(what, exc) from None
    if "/" in text or "\\" in text:
        raise ReleaseError("%s: %r contains a path separator. Use one directory name as the release name, e.g. "
                           "1.4.2." % (what, text))
    if ".." in text:
        raise ReleaseError("%s: %r contains '..'. Use another release name, e.g. 1.4.2." % (what, text))
    try:
        path_component(text)
    except ValueProblem as exc:
        raise _keyed(what, exc) from None
    if text.endswith("."):
        raise ReleaseError("%s: %r ends with '.', which Windows drops from directory names. Use another release "
                           "name." % (what, text))
    return text


def check_dest_name(name: object, windows: bool, what: str = "dest_name") -> str:
    """The artifact's file name inside a release: one path component."""
    if name is None or name == "":
        raise ReleaseError("%s: is empty. Give the file name the artifact has inside the release, e.g. hello%s."
                           % (what, ".exe" if windows else ""))
    try:
        text = check_line(scalar_text(name))
        if "/" in text or "\\" in text:
            raise ValueProblem("%r contains a path separator" % text,
                               "Give a plain file name, without a directory, e.g. hello%s." % (".exe" if windows else ""))
        path_component(text)
    except ValueProblem as exc:
        raise _keyed(what, exc) from None
    if text.startswith(".svcwright") or text.startswith(INCOMING_PREFIX):
        raise ReleaseError("%s: %r is a name the release layout uses itself. Rename the file." % (what, text))
    if windows and text.endswith("."):
        raise ReleaseError("%s: %r ends with a dot, which Windows drops. Rename the file." % (what, text))
    return text


def check_sha256(value: object) -> str:
    try:
        text = scalar_text(value).strip()
    except ValueProblem as exc:
        raise _keyed("sha256", exc) from None
    if text.lower().startswith("sha256:"):
        text = text[len("sha256:"):]
    if not _SHA256.match(text):
        raise ReleaseError("sha256: %r is not a SHA-256 checksum. Give its 64 hexadecimal digits (sha256sum FILE "
                           "prints them)." % text)
    return text.lower()


def check_keep(value: object) -> int:
    try:
        return whole_number(value, minimum=1)
    except ValueProblem as exc:
        raise ReleaseError("keep: %s. Keep at least 1 release, e.g. keep: 5." % exc.problem) from None


def check_service(value: object) -> str:
    """The Windows service stopped for an activation: a name for sc.exe."""
    try:
        text = check_line(scalar_text(value))
    except ValueProblem as exc:
        raise _keyed("service", exc) from None
    if not text.strip() or '"' in text or "%" in text or "/" in text or "\\" in text:
        raise ReleaseError("service: %r is not a Windows service name. Give the service's name (not its display "
                           "name), e.g. hello." % text)
    return text


def check_base(base: object, windows: bool) -> str:
    """The install root, normalized: no trailing separator; on Windows backslashes."""
    if base is None or base == "":
        raise ReleaseError("base: is empty. Give the install root, e.g. %s."
                           % ("C:\\Program Files\\hello" if windows else "/opt/hello"))
    try:
        text = check_line(scalar_text(base))
    except ValueProblem as exc:
        raise _keyed("base", exc) from None
    if windows:
        path = text.replace("/", "\\")
        if not re.match(r"[A-Za-z]:\\", path):
            raise ReleaseError("base: %r is not an absolute Windows path. Give it with a drive, e.g. "
                               "C:\\Program Files\\hello." % text)
        path = path[:3] + "\\".join(p for p in path[3:].split("\\") if p)
        parts = path[3:].split("\\")
        if not parts[0]:
            raise ReleaseError("base: %r is a drive root. Give a directory of its own, e.g. C:\\Program Files\\hello."
                               % text)
        if any(p in (".", "..") for p in parts):
            raise ReleaseError("base: %r contains '.' or '..'. Give the path without them." % text)
        if re.search(r'["%<>|?*:]', path[2:]):
            # '%' is legal in a directory name, but cmd.exe would expand it in the commands
            # that move and hash the files.
            raise ReleaseError("base: %r contains a character that cannot be used on Windows here (one of "
                               "\" %% < > | ? * :). Choose another directory." % text)
        if any(p[-1] in ". " for p in parts):
            raise ReleaseError("base: %r has a directory name ending with a dot or a space, which Windows drops. "
                               "Give the path without them." % text)
        return path
    if not text.startswith("/"):
        raise ReleaseError("base: %r is not an absolute path. Give it from the root, e.g. /opt/hello." % text)
    parts = [p for p in text.split("/") if p]
    if not parts:
        raise ReleaseError("base: must not be /. Give a directory of its own, e.g. /opt/hello.")
    if any(p in (".", "..") for p in parts):
        raise ReleaseError("base: %r contains '.' or '..'. Give the path without them." % text)
    return "/" + "/".join(parts)


# -- uploads in progress ---------------------------------------------------------------------

def incoming_name(version: str, now: float, token: str) -> str:
    """The directory an upload goes to. The creation time is in the name, written and later
    compared by the same clock (the host's on Linux, the controller's on Windows), so its age
    is known without reading file times."""
    return "%s%s-%d-%s" % (INCOMING_PREFIX, version, int(now), token)


def incoming_created(name: str) -> Optional[int]:
    match = _INCOMING.match(name)
    return int(match.group(2)) if match else None


def removing_name(version: str, token: str) -> str:
    return "%s%s-%s" % (REMOVING_PREFIX, version, token)


def is_leftover(name: str) -> bool:
    """An entry of releases/ that is never a release: an upload or a removal in progress."""
    return name.startswith(INCOMING_PREFIX) or name.startswith(REMOVING_PREFIX)


def stale_leftovers(names: Sequence[str], now: float, ours: Optional[str] = None) -> List[Tuple[str, str]]:
    """The leftovers to delete, with why: every removal (one that is still running elsewhere
    deletes the same files), uploads older than INCOMING_MAX_AGE, and upload directories not
    named the way this collection names them (nothing writes into those)."""
    stale = []
    for name in sorted(names):
        if name == ours:
            continue
        created = incoming_created(name)
        if name.startswith(REMOVING_PREFIX):
            stale.append((name, "left by an interrupted removal"))
        elif created is None:
            stale.append((name, "not an upload directory of this collection"))
        elif abs(now - created) > INCOMING_MAX_AGE:
            stale.append((name, "left by an interrupted upload %d minutes ago" % int((now - created) // 60)))
    return stale


# -- the plan ---------------------------------------------------------------------------------

@dataclass
class Moment:
    """The active and previous release at one time, and whether a rollback made it so."""

    active: Optional[str] = None
    previous: Optional[str] = None
    rolled_back: bool = False


@dataclass
class Record:
    """The state file. It is written just before `current` switches, so it describes the
    switch (``now``) and what was true before it (``before``): when the switch did not happen
    (a run cut short, a failed move put back), ``before`` is still true."""

    now: Moment = field(default_factory=Moment)
    before: Optional[Moment] = None
    # Releases in shipping order, oldest first.
    order: List[str] = field(default_factory=list)


@dataclass
class HostState:
    """What the host has. ``releases`` includes the active one (on Windows it lives in
    ``current``); ``record`` is the state file, which the plan checks against them."""

    releases: List[str] = field(default_factory=list)
    active: Optional[str] = None
    record: Record = field(default_factory=Record)
    # Files in the requested version's release (None: no such release) and the checksum of
    # the requested dest_name in it (None: missing or not readable).
    target_files: Optional[List[str]] = None
    target_sha256: Optional[str] = None
    leftovers: List[str] = field(default_factory=list)
    service_running: bool = False
    # The recorded service definition of each release that was read (None: the release has
    # none, shipped before definitions were recorded, or by other means).
    definitions: Dict[str, Optional[Dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Request:
    state: str
    version: Optional[str]
    dest_name: Optional[str]
    sha256: Optional[str]
    keep: int = 5
    service: Optional[str] = None
    # The service definition this release is deployed with (storable: no secrets).
    definition: Optional[Dict[str, Any]] = None


@dataclass
class Summary:
    active: Optional[str]
    previous: Optional[str]
    releases: List[str]
    rolled_back: bool = False

    def as_dict(self) -> Dict[str, object]:
        return dict(active=self.active, previous=self.previous, releases=list(self.releases),
                    rolled_back=self.rolled_back)

    def text(self) -> str:
        """The diff mode view."""
        return "active: %s\nprevious: %s\nreleases: %s\n" % (
            self.active or "-", self.previous or "-", ", ".join(self.releases) or "-")


@dataclass
class Plan:
    changes: List[Change]
    before: Summary
    after: Summary
    # The version shipped by this plan and the one activated (None: none).
    ship: Optional[str] = None
    activate: Optional[str] = None
    # The release whose missing definition this plan records (None: none).
    define: Optional[str] = None
    # The definitions of the active and the previous release after the plan (None: unknown).
    active_definition: Optional[Dict[str, Any]] = None
    previous_definition: Optional[Dict[str, Any]] = None

    @property
    def activated(self) -> bool:
        return self.before.active != self.after.active


def order_releases(releases: Sequence[str], order: Sequence[str]) -> List[str]:
    """Oldest first: releases the state file does not know (shipped by other means) first,
    by name, then the known ones in shipping order."""
    present = set(releases)
    known = [v for v in dict.fromkeys(order) if v in present]
    return sorted(present - set(known)) + known


def plan_release(host: HostState, req: Request, now: float, ours: Optional[str] = None) -> Plan:
    """The changes that make the host what ``req`` asks, in execution order.

    ``now`` is the clock the incoming directories' names were written by; ``ours`` is the
    upload directory of this very run, never cleaned up by it.
    """
    if req.state not in STATES:
        raise ReleaseError("state %r is not one of %s" % (req.state, ", ".join(STATES)))
    if req.keep < 1:
        raise ReleaseError("keep is %d: keep at least 1 release" % req.keep)
    releases = order_releases(host.releases, host.record.order)
    active = host.active if host.active in releases else None
    known = _known_moment(host.record, active)
    previous = known.previous if known.previous in releases and known.previous != active else None
    rolled_back = known.rolled_back and active is not None
    before = Summary(active, previous, list(releases), rolled_back)
    plan = Plan([], before, before)
    version = req.version
    target = None
    why = ""

    if req.state in ("present", "active"):
        version = check_version(version)
        if version in releases:
            _check_same_artifact(host, req, version)
            if _check_same_definition(host, req, version):
                plan.changes.append(Change("define", version, "the release records no service definition yet"))
                plan.define = version
        else:
            plan.changes.append(Change("ship", version, "not on the host"))
            plan.ship = version
            releases.append(version)
        if req.state == "active" and active != version:
            target = version
            why = "active is %s" % active if active else "nothing is active"
    elif req.state == "rolled_back":
        if version is not None:
            version = check_version(version)
            if version != active:
                if version not in releases:
                    raise ReleaseError("cannot roll back to %s: no such release on the host. Releases there: %s. "
                                       "Give one of them as version." % (version, ", ".join(releases) or "none"))
                target = version
                why = "named rollback from %s" % (active or "nothing active")
        elif not rolled_back:
            if previous is None:
                raise ReleaseError("cannot roll back: the host records no previous release (active: %s, releases: %s). "
                                   "Name the release to roll back to with version."
                                   % (active or "none", ", ".join(releases) or "none"))
            target = previous
            why = "rollback from %s" % active
    else:
        version = check_version(version)
        if version in releases:
            if version == active:
                raise ReleaseError("refusing to remove %s: it is the active release. Activate another one first." % version)
            if version == previous:
                raise ReleaseError("refusing to remove %s: it is the previous release, kept for rollback. "
                                   "Activate another release first (the active one becomes the previous)." % version)
            plan.changes.append(Change("remove", version, "state is absent"))
            releases.remove(version)

    if target is not None:
        if host.service_running and req.service:
            plan.changes.append(Change("stop_service", req.service, "it runs from current, whose files move"))
        plan.changes.append(Change("activate", target, why))
        plan.activate = target
        previous = active if active is not None else (previous if previous != target else None)
        active = target
        rolled_back = req.state == "rolled_back"

    protected = {active, previous, version}
    excess = len(releases) - req.keep
    for old in list(releases):
        if excess <= 0:
            break
        if old in protected:
            continue
        plan.changes.append(Change("prune", old, "keep %d" % req.keep))
        releases.remove(old)
        excess -= 1

    for name, reason in stale_leftovers(host.leftovers, now, ours):
        plan.changes.append(Change("cleanup", name, reason))

    plan.after = Summary(active, previous, releases, rolled_back)
    plan.active_definition = _definition_of(host, req, active)
    plan.previous_definition = _definition_of(host, req, previous)
    return plan


def _definition_of(host: HostState, req: Request, version: Optional[str]) -> Optional[Dict[str, Any]]:
    if version is None:
        return None
    if req.definition is not None and version == req.version and req.state in ("present", "active"):
        return req.definition
    return host.definitions.get(version)


def _check_same_definition(host: HostState, req: Request, version: str) -> bool:
    """A release never changes once shipped: refuse another definition under its name. True
    when the release has none recorded yet, so this run records it."""
    if req.definition is None:
        return False
    stored = host.definitions.get(version)
    if stored is None:
        return True
    if stored != req.definition:
        raise ReleaseError("release %s on the host was shipped with another service definition (different: %s). "
                           "A release never changes once shipped: give this deployment a new version (the same "
                           "artifact under a new name is fine)." % (version, differences(stored, req.definition)))
    return False


def _known_moment(record: Record, active: Optional[str]) -> Moment:
    """What the record says about the host as it is: its switch, or what was before it when
    the switch did not happen; nothing when neither matches (changed by hand)."""
    for moment in (record.now, record.before):
        if moment is not None and moment.active == active:
            return moment
    return Moment(active)


def _check_same_artifact(host: HostState, req: Request, version: str) -> None:
    """A release never changes once shipped: refuse a different artifact under its name."""
    files = host.target_files or []
    if req.dest_name not in files:
        raise ReleaseError("release %s on the host has no file %s (it has: %s). A release never changes once "
                           "shipped: give this artifact a new version, or remove %s (state=absent) first."
                           % (version, req.dest_name, ", ".join(sorted(files)) or "nothing", version))
    if host.target_sha256 is None:
        raise ReleaseError("the checksum of %s in release %s could not be read on the host" % (req.dest_name, version))
    if host.target_sha256 != req.sha256:
        raise ReleaseError("release %s on the host has %s with sha256 %s, but this task ships sha256 %s. A release "
                           "never changes once shipped: give this build a new version, or remove %s (state=absent) "
                           "first." % (version, req.dest_name, host.target_sha256, req.sha256, version))


# -- the state file ---------------------------------------------------------------------------

def _recorded_versions(values: Sequence[object]) -> List[str]:
    found = []
    for value in values:
        try:
            found.append(check_version(value if isinstance(value, str) else None))
        except ReleaseError:
            continue
    return found


def _moment_dict(moment: Moment) -> Dict[str, object]:
    return dict(active=moment.active, previous=moment.previous, rolled_back=moment.rolled_back)


def _moment_from(data: object) -> Optional[Moment]:
    if not isinstance(data, dict):
        return None
    active = _recorded_versions([data.get("active")])
    previous = _recorded_versions([data.get("previous")])
    return Moment(active[0] if active else None, previous[0] if previous else None, data.get("rolled_back") is True)


def encode_state_json(plan: Plan) -> str:
    """The Linux state file for after ``plan``. The plan keeps ``after.releases`` in shipping
    order, so that is the order recorded."""
    after, before = plan.after, plan.before
    return json.dumps(dict(
        format=STATE_FORMAT,
        now=_moment_dict(Moment(after.active, after.previous, after.rolled_back)),
        before=_moment_dict(Moment(before.active, before.previous, before.rolled_back)),
        order=after.releases[-ORDER_LIMIT:]), indent=2) + "\n"


def decode_state_json(text: Optional[str]) -> Optional[Record]:
    """None when the text is not a state file this collection can read."""
    if text is None:
        return Record()
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return None
    order = data.get("order")
    return Record(_moment_from(data.get("now")) or Moment(), _moment_from(data.get("before")),
                  _recorded_versions(order if isinstance(order, list) else []))


def _moment_words(prefix: str, moment: Moment) -> str:
    return "%sactive=%s %sprevious=%s %srolled_back=%d" % (
        prefix, moment.active or "-", prefix, moment.previous or "-", prefix, int(moment.rolled_back))


def encode_state_words(plan: Plan) -> str:
    """The Windows state file: one line of words, because it is written by cmd.exe's echo,
    which cannot write quotes without also writing their escapes."""
    after, before = plan.after, plan.before
    return "svcwright-release %d %s %s order=%s" % (
        STATE_FORMAT, _moment_words("", Moment(after.active, after.previous, after.rolled_back)),
        _moment_words("before_", Moment(before.active, before.previous, before.rolled_back)),
        ",".join(after.releases[-ORDER_LIMIT:]) or "-")


def decode_state_words(text: Optional[str]) -> Optional[Record]:
    if text is None:
        return Record()
    words = text.split()
    if words[:2] != ["svcwright-release", str(STATE_FORMAT)]:
        return None
    values = dict(w.split("=", 1) for w in words[2:] if "=" in w)

    def moment(prefix: str) -> Optional[Moment]:
        if prefix + "active" not in values:
            return None
        return _moment_from(dict(active=values.get(prefix + "active"), previous=values.get(prefix + "previous"),
                                 rolled_back=values.get(prefix + "rolled_back") == "1"))

    return Record(moment("") or Moment(), moment("before_"), _recorded_versions(values.get("order", "").split(",")))


# -- Windows: command lines and their output --------------------------------------------------

CMD_BUILTIN = ["cmd.exe", "/d", "/v:off", "/c"]
_CMD_OPERATORS = "^&|<>()"


def win_path(base: str, *parts: str) -> str:
    return "\\".join((base,) + parts)


def _builtin_word(word: str) -> str:
    """A word for the cmd.exe that runs a built-in (``cmd.exe /d /v:off /c WORDS``).

    The runner joins the argv with CommandLineToArgvW quoting, which that cmd.exe reads as
    its own command line: a word with whitespace arrives in quotes, where nothing but '%'
    is special to cmd (refused in every path here); a word without arrives bare, so cmd's
    operators in it get a caret.
    """
    if '"' in word or "%" in word:
        raise ReleaseError("internal error: %r cannot be passed to cmd.exe" % word)
    if quote_arg(word) != word:
        return word
    return "".join("^" + c if c in _CMD_OPERATORS else c for c in word)


def builtin(*words: str, redirect_to: Optional[str] = None) -> List[str]:
    """argv running a cmd.exe built-in through a cmd.exe of its own: the same argv works
    whatever the connection's shell (cmd runs it, PowerShell starts it as a program), and
    its exit code and output come back through the runner as any program's. ``redirect_to``
    sends the output to that file, written at the front of the line, where a digit at the
    end of the echoed text cannot be taken for a handle number."""
    argv = CMD_BUILTIN + ([">", _builtin_word(redirect_to)] if redirect_to is not None else [])
    return argv + [_builtin_word(w) for w in words]


def definition_read_argv(release_dir: str) -> List[str]:
    """The Windows read of a release directory's definition file (ASCII, so no code page
    matters); it fails when the release has none."""
    return builtin("type", win_path(release_dir, DEFINITION_FILE))


def certutil(path: str) -> List[str]:
    return ["certutil.exe", "-hashfile", path, "SHA256"]


def parse_certutil(output: str) -> Optional[str]:
    """The SHA-256 from ``certutil -hashfile FILE SHA256``: the line of 64 hexadecimal digits
    (older Windows versions put a space between the bytes). None when there is none: the
    file is missing, or certutil cannot hash (Wine 8's certutil prints nothing at all)."""
    for line in output.splitlines():
        digits = line.strip().replace(" ", "")
        if _SHA256.match(digits):
            return digits.lower()
    return None


def _lines(rc: int, output: str) -> List[str]:
    """The names a successful ``dir /b`` printed (it fails with 'File Not Found' when a
    directory is missing or empty: both mean no entries)."""
    if rc != 0:
        return []
    return [line.strip() for line in output.splitlines() if line.strip()]


def _text(rc: int, output: str) -> Optional[str]:
    return output if rc == 0 else None


def marker_text(version: str) -> str:
    # "version=" in front: a bare "echo on" or "echo off" would switch echo instead of printing.
    return "version=" + version


def parse_marker(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    word = text.strip()
    if not word.startswith("version="):
        return None
    try:
        return check_version(word[len("version="):])
    except ReleaseError:
        return None


def windows_inspect_argvs(base: str, version: Optional[str], dest_name: Optional[str]) -> List[List[str]]:
    """Everything the plan needs from a Windows host, for one round trip; read the results
    with :func:`parse_windows_inspect`."""
    releases = win_path(base, "releases")
    current = win_path(base, "current")
    argvs = [
        builtin("dir", "/b", "/ad", releases),
        builtin("dir", "/b", "/a", current),
        builtin("type", win_path(current, MARKER)),
        builtin("type", win_path(base, STATE_FILE_WINDOWS)),
    ]
    if version is not None and dest_name is not None:
        argvs += [
            builtin("dir", "/b", "/a", win_path(releases, version)),
            certutil(win_path(releases, version, dest_name)),
            certutil(win_path(current, dest_name)),
        ]
    return argvs


@dataclass
class WindowsInspect:
    state: HostState
    warnings: List[str]
    # Where the requested artifact is on the host (None: nowhere) and whether certutil hashed
    # it; when it could not, the caller hashes the file some other way.
    target_path: Optional[str] = None
    target_hashed: bool = False


def parse_windows_inspect(base: str, version: Optional[str], dest_name: Optional[str],
                          results: Sequence[Tuple[int, str]]) -> WindowsInspect:
    """The host's state from the results of :func:`windows_inspect_argvs`, in order."""
    dirs = _lines(*results[0])
    current_files = _lines(*results[1])
    warnings: List[str] = []
    active = parse_marker(_text(*results[2]))
    if current_files and active is None:
        raise ReleaseError("%s exists but is not a release made by this collection (no valid %s in it). Move it "
                           "away, or remove it, and run again." % (win_path(base, "current"), MARKER))
    record = decode_state_words(_text(*results[3]))
    if record is None:
        warnings.append("%s is not a state file this collection can read; the previous release and the shipping "
                        "order are unknown until the next change rewrites it" % win_path(base, STATE_FILE_WINDOWS))
        record = Record()
    releases = [d for d in dirs if not d.startswith(".")]
    if active is not None and active in releases:
        raise ReleaseError("release %s is both active (in %s) and in %s: one of the two was copied by hand. "
                           "Remove one of them, and run again."
                           % (active, win_path(base, "current"), win_path(base, "releases", active)))
    state = HostState(
        releases=releases + ([active] if active is not None else []),
        active=active, record=record,
        leftovers=[d for d in dirs if is_leftover(d)])
    inspect = WindowsInspect(state, warnings)
    if version is None or dest_name is None or len(results) < 7:
        return inspect
    if version == active:
        files, digest, path = current_files, parse_certutil(results[6][1]), win_path(base, "current", dest_name)
    elif version in releases:
        files, digest = _lines(*results[4]), parse_certutil(results[5][1])
        path = win_path(base, "releases", version, dest_name)
    else:
        return inspect
    state.target_files = [f for f in files if f != MARKER]
    state.target_sha256 = digest
    if dest_name in state.target_files:
        inspect.target_path = path
        inspect.target_hashed = digest is not None
    return inspect


def windows_apply_argvs(base: str, plan: Plan, incoming: Optional[str], token: str) -> List[List[str]]:
    """The commands that carry out a plan on Windows, for one round trip, after the shipped
    artifact (if any) was uploaded into ``releases\\<incoming>`` and its checksum verified,
    and after the service was stopped. Follow them with :func:`windows_readback_argvs`:
    built-ins do not report every failure in their exit code (Wine's ``move`` of a missing
    directory returns 0), so the result is read back instead.

    Every directory move is guarded by ``if not exist DEST``: ``move`` puts a directory
    INTO an existing one of the destination's name, which would bury a release.
    """
    releases = win_path(base, "releases")
    current = win_path(base, "current")
    state_new = win_path(base, STATE_FILE_WINDOWS + ".new")
    argvs: List[List[str]] = []
    for change in plan.changes:
        if change.action == "ship":
            if incoming is None:
                raise ReleaseError("internal error: nothing was uploaded for release %s" % change.target)
            src = win_path(releases, incoming)
            argvs.append(builtin("echo", marker_text(change.target), redirect_to=win_path(src, MARKER)))
            argvs.append(_move_dir(src, win_path(releases, change.target)))
    # The state is recorded before `current` changes; should the switch not happen, the
    # record's `before` part still describes the host.
    argvs.append(builtin("echo", *encode_state_words(plan).split(), redirect_to=state_new))
    argvs.append(builtin("move", "/y", state_new, win_path(base, STATE_FILE_WINDOWS)))
    for change in plan.changes:
        if change.action == "activate":
            old = plan.before.active
            if old is not None:
                argvs.append(_move_dir(current, win_path(releases, old)))
            else:
                # An empty `current` left by hand; rmdir without /s removes nothing else.
                argvs.append(builtin("rmdir", current))
            argvs.append(_move_dir(win_path(releases, change.target), current))
        elif change.action in ("remove", "prune"):
            trash = win_path(releases, removing_name(change.target, token))
            argvs.append(_move_dir(win_path(releases, change.target), trash))
            argvs.append(builtin("rmdir", "/s", "/q", trash))
        elif change.action == "cleanup":
            argvs.append(builtin("rmdir", "/s", "/q", win_path(releases, change.target)))
    return argvs


def _move_dir(src: str, dest: str) -> List[str]:
    return builtin("if", "not", "exist", dest, "move", src, dest)


def windows_readback_argvs(base: str) -> List[List[str]]:
    return [builtin("dir", "/b", "/ad", win_path(base, "releases")),
            builtin("type", win_path(base, "current", MARKER))]


def windows_readback(results: Sequence[Tuple[int, str]]) -> Summary:
    """Active release and releases (unordered) from the results of windows_readback_argvs."""
    active = parse_marker(_text(*results[1]))
    releases = [d for d in _lines(*results[0]) if not d.startswith(".")]
    return Summary(active, None, sorted(set(releases + ([active] if active else []))))


def windows_restore_argvs(base: str, old: str) -> List[List[str]]:
    """Put the old active release back into ``current`` after a swap that moved it out but
    could not move the new one in."""
    return [_move_dir(win_path(base, "releases", old), win_path(base, "current"))]


# An upload creates what is missing of base\releases (cmd's mkdir makes every missing parent);
# a refused upload removes what it created, so a refusal leaves the host as it was.
EXISTS_WORD = "svcwright-exists"


def windows_ship_dirs(base: str) -> List[str]:
    """The directories an upload into ``base\\releases`` needs, outermost first: base's
    parents below the drive root, base, and releases."""
    parts = base[3:].split("\\")
    return [base[:3] + "\\".join(parts[:i]) for i in range(1, len(parts) + 1)] + [win_path(base, "releases")]


def windows_mkdir_argvs(base: str, incoming: str) -> List[List[str]]:
    """Which of :func:`windows_ship_dirs` exist, then the upload directory made; read the
    results but the last with :func:`windows_created`."""
    return ([builtin("if", "exist", d, "echo", EXISTS_WORD) for d in windows_ship_dirs(base)]
            + [builtin("mkdir", win_path(base, "releases", incoming))])


def windows_created(base: str, results: Sequence[Tuple[int, str]]) -> List[str]:
    """The directories the upload's mkdir made, outermost first. A check that did not answer
    counts as existing: removing an empty directory that was there would change the host."""
    return [d for d, (rc, output) in zip(windows_ship_dirs(base), results) if rc == 0 and EXISTS_WORD not in output]


def windows_unmake_argvs(base: str, incoming: str, created: Sequence[str]) -> List[List[str]]:
    """Remove a refused upload and the directories made for it, innermost first. ``rmdir``
    without /s removes only an empty directory: one something else wrote into meanwhile stays."""
    return ([builtin("rmdir", "/s", "/q", win_path(base, "releases", incoming))]
            + [builtin("rmdir", d) for d in reversed(created)])
