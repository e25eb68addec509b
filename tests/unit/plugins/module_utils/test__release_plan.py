from __future__ import annotations

import datetime
from typing import List, Optional

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._release_plan import (
    EXISTS_WORD,
    INCOMING_MAX_AGE,
    HostState,
    Moment,
    Record,
    ReleaseError,
    Request,
    Summary,
    builtin,
    check_base,
    check_dest_name,
    check_keep,
    check_service,
    check_sha256,
    check_version,
    decode_state_json,
    decode_state_words,
    encode_state_json,
    encode_state_words,
    incoming_name,
    order_releases,
    parse_certutil,
    parse_marker,
    parse_windows_inspect,
    plan_release,
    stale_leftovers,
    windows_apply_argvs,
    windows_created,
    windows_inspect_argvs,
    windows_mkdir_argvs,
    windows_readback,
    windows_ship_dirs,
    windows_unmake_argvs,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import join_args, split_args

NOW = 1_750_000_000
SHA1 = "a" * 64
SHA2 = "b" * 64
BASE = "C:\\svcw rel [x]"


def host(releases=(), active=None, previous=None, rolled_back=False, order=None, before=None, **kw) -> HostState:
    """A host whose state file describes it (``now``), unless told otherwise."""
    now = kw.pop("recorded", Moment(active, previous, rolled_back))
    record = Record(now, before, list(order if order is not None else releases))
    return HostState(releases=list(releases), active=active, record=record, **kw)


def req(state="active", version: Optional[str] = "2.0.0", sha=SHA2, keep=5, service=None) -> Request:
    return Request(state, version, "hello", sha, keep, service)


def actions(plan) -> List[tuple]:
    return [(c.action, c.target) for c in plan.changes]


# -- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("version, expected", [
    ("1.0.0", "1.0.0"), ("20240611T101500Z", "20240611T101500Z"), ("v2.1.0-rc.1+build.7", "v2.1.0-rc.1+build.7"),
    ("A_b", "A_b"), (2, "2"),
])
def test_good_versions(version, expected):
    assert check_version(version) == expected


@pytest.mark.parametrize("version, error", [
    ("", "version: is empty"),
    (None, "version: is empty"),
    ("1.0/2", "path separator"),
    ("..\\x", "path separator"),
    ("1..2", "'..'"),
    (".hidden", "not a single plain file name"),
    ("1.0 beta", "not a single plain file name"),
    ("1.0%x", "not a single plain file name"),
    ("1.0.", "ends with '.'"),
    ("con", "reserved device name"),
    ("NUL.1", "reserved device name"),
    ("x" * 101, "at most 100 characters"),
    ("1.0\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("1.0\n", "LINE FEED"),
    (datetime.date(2024, 1, 31), "got the date 2024-01-31 (YAML reads an unquoted 2024-01-31 as a date). "
                                 "Quote it in YAML (e.g. '2024-01-31')"),
    (1.1, "got the number 1.1"),
    (True, "got the boolean True"),
])
def test_bad_versions(version, error):
    with pytest.raises(ReleaseError) as exc:
        check_version(version)
    assert str(exc.value).startswith("version: ")
    assert error in str(exc.value)


@pytest.mark.parametrize("name, windows, error", [
    ("", False, "empty"),
    ("bin/hello", False, "path separator"),
    ("bin\\hello.exe", True, "path separator"),
    ("..", False, "plain file name"),
    (".svcwright-version", False, "plain file name"),
    ("hello%1.exe", True, "plain file name"),
    ("hello world (x64).exe", True, "plain file name"),
    ("hello:1", False, "plain file name"),
    ("hello.", True, "ends with a dot"),
    ("aux.exe", True, "reserved device name"),
    ("hello\u200b", False, "U+200B (ZERO WIDTH SPACE)"),
])
def test_bad_dest_names(name, windows, error):
    with pytest.raises(ReleaseError, match="^dest_name: ") as exc:
        check_dest_name(name, windows)
    assert error in str(exc.value)


def test_dest_names_allowed():
    assert check_dest_name("hello.exe", True) == "hello.exe"
    assert check_dest_name("hello-1.0.0+linux_amd64", False) == "hello-1.0.0+linux_amd64"


def test_sha256_is_normalized_and_checked():
    assert check_sha256("  SHA256:" + "AB" * 32) == "ab" * 32
    assert check_sha256(int("1" * 64)) == "1" * 64
    with pytest.raises(ReleaseError, match="^sha256: 'abc' is not a SHA-256 checksum. Give its 64 hexadecimal"):
        check_sha256("abc")


@pytest.mark.parametrize("keep, error", [
    (0, "between 1 and"), (-1, "between 1 and"), (1.5, "got 1.5"), (float("inf"), "got inf"), (True, "boolean"),
    ("many", "got str 'many'"),
])
def test_keep_is_a_whole_number_of_at_least_one(keep, error):
    with pytest.raises(ReleaseError, match="^keep: must be") as exc:
        check_keep(keep)
    assert error in str(exc.value) and "Keep at least 1 release" in str(exc.value)
    assert check_keep("3") == 3 and check_keep(2.0) == 2


@pytest.mark.parametrize("base, windows, expected", [
    ("/opt/hello/", False, "/opt/hello"),
    ("//opt//svcw test [hello]", False, "/opt/svcw test [hello]"),
    ("C:/Program Files/hello/", True, "C:\\Program Files\\hello"),
    ("c:\\svcw rel [x]\\\\", True, "c:\\svcw rel [x]"),
])
def test_base_is_normalized(base, windows, expected):
    assert check_base(base, windows) == expected


@pytest.mark.parametrize("base, windows, error", [
    ("opt/hello", False, "not an absolute path"),
    ("/", False, "must not be /"),
    ("/opt/../etc", False, "'..'"),
    ("/opt/hel\u202elo", False, "U+202E"),
    ("/opt/hello\n", False, "LINE FEED"),
    ("hello", True, "not an absolute Windows path"),
    ("C:\\", True, "drive root"),
    ("C:\\a%PATH%", True, "cannot be used on Windows"),
    ("C:\\a\\..\\b", True, "'..'"),
    ("C:\\a\tb", True, "TAB"),
    ("C:\\a.\\b", True, "ending with a dot"),
    (datetime.date(2024, 1, 1), False, "got the date"),
])
def test_bad_bases(base, windows, error):
    with pytest.raises(ReleaseError, match="^base: ") as exc:
        check_base(base, windows)
    assert error in str(exc.value)


def test_service_names():
    assert check_service("SvcwRel") == "SvcwRel"
    for bad, error in (("", "not a Windows service name"), ("a%b", "not a Windows service name"),
                       ("a\nb", "LINE FEED"), (False, "boolean")):
        with pytest.raises(ReleaseError, match="^service: ") as exc:
            check_service(bad)
        assert error in str(exc.value)


# -- refused uploads on Windows ------------------------------------------------------------------

def test_windows_ship_dirs_are_every_level_an_upload_may_create():
    assert windows_ship_dirs("C:\\a b\\[c]") == ["C:\\a b", "C:\\a b\\[c]", "C:\\a b\\[c]\\releases"]


def test_windows_upload_removes_only_what_it_created_innermost_first():
    argvs = windows_mkdir_argvs("C:\\a b\\c", ".incoming-1.0.0-1-abcdef01")
    assert argvs[-1] == builtin("mkdir", "C:\\a b\\c\\releases\\.incoming-1.0.0-1-abcdef01")
    assert [a[-4:] for a in argvs[:-1]] == [["exist", d, "echo", EXISTS_WORD] for d in windows_ship_dirs("C:\\a b\\c")]
    # C:\a b existed; c and releases were made; a check that failed counts as existing.
    created = windows_created("C:\\a b\\c", [(0, EXISTS_WORD + "\n"), (0, ""), (0, "")])
    assert created == ["C:\\a b\\c", "C:\\a b\\c\\releases"]
    assert windows_created("C:\\a b\\c", [(0, EXISTS_WORD), (1, ""), (0, "")]) == ["C:\\a b\\c\\releases"]
    unmake = windows_unmake_argvs("C:\\a b\\c", ".incoming-1.0.0-1-abcdef01", created)
    assert unmake == [builtin("rmdir", "/s", "/q", "C:\\a b\\c\\releases\\.incoming-1.0.0-1-abcdef01"),
                      builtin("rmdir", "C:\\a b\\c\\releases"), builtin("rmdir", "C:\\a b\\c")]


# -- shipping and activation ------------------------------------------------------------------

def test_first_ship_present_activates_nothing():
    plan = plan_release(host(), req("present", "1.0.0", SHA1), NOW)
    assert actions(plan) == [("ship", "1.0.0")]
    assert plan.ship == "1.0.0" and plan.activate is None and not plan.activated
    assert plan.after == Summary(None, None, ["1.0.0"])


def test_first_ship_active_ships_then_activates():
    plan = plan_release(host(), req("active", "1.0.0", SHA1), NOW)
    assert actions(plan) == [("ship", "1.0.0"), ("activate", "1.0.0")]
    assert plan.changes[1].describe() == "activate 1.0.0 (nothing is active)"
    assert plan.activated and plan.after == Summary("1.0.0", None, ["1.0.0"])


def test_same_release_again_plans_nothing():
    state = host(["1.0.0"], active="1.0.0", target_files=["hello"], target_sha256=SHA1)
    plan = plan_release(state, req("active", "1.0.0", SHA1), NOW)
    assert plan.changes == [] and plan.before == plan.after


def test_activate_an_existing_release_records_the_previous():
    state = host(["1.0.0", "2.0.0"], active="1.0.0", target_files=["hello"], target_sha256=SHA2)
    plan = plan_release(state, req(), NOW)
    assert [c.describe() for c in plan.changes] == ["activate 2.0.0 (active is 1.0.0)"]
    assert plan.after == Summary("2.0.0", "1.0.0", ["1.0.0", "2.0.0"], False)


def test_a_release_never_changes_once_shipped():
    state = host(["2.0.0"], target_files=["hello"], target_sha256=SHA1)
    with pytest.raises(ReleaseError, match="release 2.0.0 on the host has hello with sha256 a{64}, but this task "
                                           "ships sha256 b{64}.*new version"):
        plan_release(state, req(), NOW)
    with pytest.raises(ReleaseError, match="has no file hello \\(it has: other\\)"):
        plan_release(host(["2.0.0"], target_files=["other"]), req(), NOW)


def test_unreadable_checksum_is_an_error():
    with pytest.raises(ReleaseError, match="could not be read"):
        plan_release(host(["2.0.0"], target_files=["hello"]), req(), NOW)


def test_a_stale_previous_is_ignored():
    # A run cut short between writing the state and switching `current`.
    state = host(["1.0.0", "2.0.0"], active="2.0.0", previous="2.0.0")
    assert plan_release(state, req("rolled_back", "2.0.0", None), NOW).before.previous is None


def test_a_record_of_a_switch_that_did_not_happen_falls_back_to_what_was_before():
    # Rolling back 2 -> 1 wrote its record, then the move failed and 2 was put back.
    state = host(["1.0.0", "2.0.0"], active="2.0.0", recorded=Moment("1.0.0", "2.0.0", True),
                 before=Moment("2.0.0", "1.0.0", False))
    plan = plan_release(state, req("rolled_back", None, None), NOW)
    assert plan.before == Summary("2.0.0", "1.0.0", ["1.0.0", "2.0.0"], False)
    assert [c.describe() for c in plan.changes] == ["activate 1.0.0 (rollback from 2.0.0)"]


def test_a_record_that_matches_nothing_is_ignored():
    state = host(["1.0.0", "2.0.0"], active="2.0.0", recorded=Moment("3.0.0", "1.0.0", True),
                 before=Moment("3.0.0", "1.0.0", False))
    with pytest.raises(ReleaseError, match="no previous release"):
        plan_release(state, req("rolled_back", None, None), NOW)


def test_previous_of_a_first_activation_after_a_lost_current():
    state = host(["1.0.0", "2.0.0"], active=None, previous="1.0.0", target_files=["hello"], target_sha256=SHA2)
    plan = plan_release(state, req(), NOW)
    assert plan.after == Summary("2.0.0", "1.0.0", ["1.0.0", "2.0.0"])


def test_windows_stops_a_running_service_before_activation_only():
    running = host(["1.0.0"], active="1.0.0", service_running=True)
    plan = plan_release(running, req(service="Svc [x]"), NOW)
    assert actions(plan) == [("ship", "2.0.0"), ("stop_service", "Svc [x]"), ("activate", "2.0.0")]
    assert actions(plan_release(host(["1.0.0"], active="1.0.0"), req(service="Svc [x]"), NOW)) == [
        ("ship", "2.0.0"), ("activate", "2.0.0")]
    assert actions(plan_release(running, req("present", service="Svc [x]"), NOW)) == [("ship", "2.0.0")]


# -- rollback ---------------------------------------------------------------------------------

def test_rollback_to_previous_then_nothing():
    state = host(["1.0.0", "2.0.0"], active="2.0.0", previous="1.0.0")
    plan = plan_release(state, req("rolled_back", None, None), NOW)
    assert [c.describe() for c in plan.changes] == ["activate 1.0.0 (rollback from 2.0.0)"]
    assert plan.after == Summary("1.0.0", "2.0.0", ["1.0.0", "2.0.0"], True)
    again = host(["1.0.0", "2.0.0"], active="1.0.0", previous="2.0.0", rolled_back=True)
    assert plan_release(again, req("rolled_back", None, None), NOW).changes == []


def test_rollback_without_previous_names_what_there_is():
    with pytest.raises(ReleaseError, match="no previous release \\(active: 1.0.0, releases: 1.0.0\\)"):
        plan_release(host(["1.0.0"], active="1.0.0"), req("rolled_back", None, None), NOW)


def test_named_rollback():
    state = host(["0.9.0", "1.0.0", "2.0.0"], active="2.0.0", previous="1.0.0")
    plan = plan_release(state, req("rolled_back", "0.9.0", None), NOW)
    assert [c.describe() for c in plan.changes] == ["activate 0.9.0 (named rollback from 2.0.0)"]
    assert plan.after == Summary("0.9.0", "2.0.0", ["0.9.0", "1.0.0", "2.0.0"], True)
    done = host(["0.9.0", "1.0.0", "2.0.0"], active="0.9.0", previous="2.0.0", rolled_back=True)
    assert plan_release(done, req("rolled_back", "0.9.0", None), NOW).changes == []


def test_named_rollback_to_a_missing_release_lists_the_releases():
    with pytest.raises(ReleaseError, match="cannot roll back to 3.0.0: no such release on the host. "
                                           "Releases there: 1.0.0, 2.0.0"):
        plan_release(host(["1.0.0", "2.0.0"], active="2.0.0"), req("rolled_back", "3.0.0", None), NOW)


def test_activating_after_a_rollback_is_a_plain_activation():
    state = host(["1.0.0", "2.0.0"], active="1.0.0", previous="2.0.0", rolled_back=True,
                 target_files=["hello"], target_sha256=SHA2)
    plan = plan_release(state, req(), NOW)
    assert plan.after == Summary("2.0.0", "1.0.0", ["1.0.0", "2.0.0"], False)


# -- removal and keep -------------------------------------------------------------------------

def test_absent_refuses_the_active_and_the_previous():
    state = host(["1.0.0", "2.0.0", "3.0.0"], active="3.0.0", previous="2.0.0")
    with pytest.raises(ReleaseError, match="refusing to remove 3.0.0: it is the active release"):
        plan_release(state, req("absent", "3.0.0", None), NOW)
    with pytest.raises(ReleaseError, match="refusing to remove 2.0.0: it is the previous release"):
        plan_release(state, req("absent", "2.0.0", None), NOW)
    plan = plan_release(state, req("absent", "1.0.0", None), NOW)
    assert [c.describe() for c in plan.changes] == ["remove 1.0.0 (state is absent)"]
    assert plan_release(plan_state_after(plan), req("absent", "1.0.0", None), NOW).changes == []


def plan_state_after(plan) -> HostState:
    after = plan.after
    return host(after.releases, active=after.active, previous=after.previous, rolled_back=after.rolled_back)


def test_keep_prunes_the_oldest_but_never_active_previous_or_the_task_version():
    # Shipping order: 1, 2, 3, 4; 1 is active (rolled back), 2 previous.
    state = host(["1", "2", "3", "4"], active="1", previous="2", rolled_back=True,
                 target_files=["hello"], target_sha256=SHA2)
    plan = plan_release(state, Request("present", "3", "hello", SHA2, 2), NOW)
    assert actions(plan) == [("prune", "4")]
    assert plan.changes[0].describe() == "prune 4 (keep 2)"
    assert plan.after.releases == ["1", "2", "3"]


def test_keep_after_shipping_and_activating():
    state = host(["1.0.0", "2.0.0"], active="2.0.0", previous="1.0.0")
    plan = plan_release(state, req("active", "3.0.0", SHA1, keep=2), NOW)
    assert actions(plan) == [("ship", "3.0.0"), ("activate", "3.0.0"), ("prune", "1.0.0")]
    assert plan.after == Summary("3.0.0", "2.0.0", ["2.0.0", "3.0.0"])
    again = plan_state_after(plan)
    again.target_files, again.target_sha256 = ["hello"], SHA1
    assert plan_release(again, req("active", "3.0.0", SHA1, keep=2), NOW).changes == []


def test_releases_shipped_by_other_means_count_as_oldest():
    assert order_releases(["b", "c", "a", "z"], ["z", "c", "gone", "z"]) == ["a", "b", "z", "c"]
    state = host(["manual", "1.0.0", "2.0.0"], active="2.0.0", previous="1.0.0", order=["1.0.0", "2.0.0"])
    assert actions(plan_release(state, req("absent", "x", None, keep=2), NOW)) == [("prune", "manual")]


def test_keep_must_be_positive():
    with pytest.raises(ReleaseError, match="keep at least 1"):
        plan_release(host(), req(keep=0), NOW)


# -- leftovers --------------------------------------------------------------------------------

def test_leftovers_old_uploads_foreign_names_and_removals_are_cleaned():
    young = incoming_name("2.0.0", NOW - 60, "0123abcd")
    old = incoming_name("2.0.0", NOW - INCOMING_MAX_AGE - 120, "89abcdef")
    ours = incoming_name("2.0.0", NOW - 2 * INCOMING_MAX_AGE, "00000000")
    names = [young, old, ours, ".incoming-by-hand", ".removing-1.0.0-0badf00d"]
    assert stale_leftovers(names, NOW, ours=ours) == [
        (old, "left by an interrupted upload 62 minutes ago"),
        (".incoming-by-hand", "not an upload directory of this collection"),
        (".removing-1.0.0-0badf00d", "left by an interrupted removal"),
    ]


def test_leftovers_are_never_releases_and_are_cleaned_last():
    old = incoming_name("2.0.0", NOW - 7200, "89abcdef")
    state = host(["1.0.0"], active="1.0.0", leftovers=[old])
    plan = plan_release(state, req(), NOW)
    assert actions(plan) == [("ship", "2.0.0"), ("activate", "2.0.0"), ("cleanup", old)]
    assert plan.after.releases == ["1.0.0", "2.0.0"]


def test_same_plan_with_our_upload_directory_present():
    ours = incoming_name("2.0.0", NOW, "00000000")
    first = plan_release(host(["1.0.0"], active="1.0.0"), req(), NOW)
    second = plan_release(host(["1.0.0"], active="1.0.0", leftovers=[ours]), req(), NOW + 5, ours=ours)
    assert [c.describe() for c in first.changes] == [c.describe() for c in second.changes]


# -- state files ------------------------------------------------------------------------------

def _rollback_plan():
    return plan_release(host(["1.0.0", "2.0.0"], active="2.0.0", previous="1.0.0"), req("rolled_back", None, None), NOW)


def test_state_json_round_trip_and_garbage():
    record = decode_state_json(encode_state_json(_rollback_plan()))
    assert record == Record(Moment("1.0.0", "2.0.0", True), Moment("2.0.0", "1.0.0", False), ["1.0.0", "2.0.0"])
    assert decode_state_json(None) == Record()
    assert decode_state_json("{not json") is None
    assert decode_state_json('{"format": 99}') is None
    odd = decode_state_json('{"format": 1, "now": {"previous": "../x"}, "order": ["a", "b/c", 3]}')
    assert odd == Record(Moment(None, None, False), None, ["a"])


def test_state_words_round_trip_and_garbage():
    text = encode_state_words(_rollback_plan())
    assert text == ("svcwright-release 1 active=1.0.0 previous=2.0.0 rolled_back=1 before_active=2.0.0 "
                    "before_previous=1.0.0 before_rolled_back=0 order=1.0.0,2.0.0")
    record = decode_state_words(text + " \r\n")
    assert record == Record(Moment("1.0.0", "2.0.0", True), Moment("2.0.0", "1.0.0", False), ["1.0.0", "2.0.0"])
    assert decode_state_words("svcwright-release 1 order=-") == Record(Moment(), None, [])
    assert decode_state_words("something else") is None


# -- Windows command lines --------------------------------------------------------------------

def test_builtin_words_reach_cmd_as_written():
    argv = builtin("move", "/y", "C:\\a b\\x", "C:\\a(b)&c\\y", redirect_to="C:\\o^ut")
    assert argv[:4] == ["cmd.exe", "/d", "/v:off", "/c"]
    # What the inner cmd.exe reads: quoted words with spaces, carets before operators elsewhere.
    assert join_args(argv[4:]) == '> C:\\o^^ut move /y "C:\\a b\\x" C:\\a^(b^)^&c\\y'
    with pytest.raises(ReleaseError):
        builtin("type", "C:\\50%")


def test_certutil_output():
    real = ("SHA256 hash of C:\\svcw rel [x]\\current\\hello.exe:\r\n" + "AB" * 32 + "\r\n"
            "CertUtil: -hashfile command completed successfully.\r\n")
    assert parse_certutil(real) == "ab" * 32
    spaced = "SHA256 hash of file x:\n" + " ".join(["0f"] * 32) + "\nCertUtil: ...\n"
    assert parse_certutil(spaced) == "0f" * 32
    assert parse_certutil("") is None
    assert parse_certutil("CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)") is None


def test_marker():
    assert parse_marker("version=2.0.0 \r\n") == "2.0.0"
    assert parse_marker("2.0.0") is None
    assert parse_marker(None) is None


def inspect_results(dirs="", current="", marker=None, state=None, target_dir="", target_hash="", current_hash=""):
    def out(text):
        return (0, text) if text else (1, "File Not Found\n")
    return [out(dirs), out(current), (0, marker) if marker else (1, "File not found.\n"),
            (0, state) if state else (1, "File not found.\n"), out(target_dir), (0, target_hash), (0, current_hash)]


def test_windows_inspect_reads_active_from_the_marker_and_releases_from_both_places():
    assert len(windows_inspect_argvs(BASE, "2.0.0", "hello.exe")) == 7
    results = inspect_results(
        dirs="1.0.0\n.incoming-2.0.0-1-0123abcd\n", current=".svcwright-version\nhello.exe\n",
        marker="version=2.0.0\r\n", state="svcwright-release 1 active=2.0.0 previous=1.0.0 rolled_back=0 "
        "order=1.0.0,2.0.0\r\n", current_hash="SHA256 hash of x:\n" + "b" * 64 + "\n")
    found = parse_windows_inspect(BASE, "2.0.0", "hello.exe", results)
    assert found.state.releases == ["1.0.0", "2.0.0"]
    assert found.state.active == "2.0.0" and found.state.record.now == Moment("2.0.0", "1.0.0", False)
    assert found.state.leftovers == [".incoming-2.0.0-1-0123abcd"]
    assert found.state.target_files == ["hello.exe"] and found.state.target_sha256 == "b" * 64
    assert found.target_path == BASE + "\\current\\hello.exe" and found.target_hashed


def test_windows_inspect_of_a_release_without_certutil():
    results = inspect_results(dirs="1.0.0\n", target_dir="hello.exe\n.svcwright-version\n")
    found = parse_windows_inspect(BASE, "1.0.0", "hello.exe", results)
    assert found.state.target_files == ["hello.exe"] and found.state.target_sha256 is None
    assert found.target_path == BASE + "\\releases\\1.0.0\\hello.exe" and not found.target_hashed


def test_windows_inspect_of_an_empty_host_and_a_foreign_current():
    empty = parse_windows_inspect(BASE, "1.0.0", "hello.exe", inspect_results())
    assert empty.state == HostState() and empty.target_path is None
    with pytest.raises(ReleaseError, match="not a release made by this collection"):
        parse_windows_inspect(BASE, "1.0.0", "hello.exe", inspect_results(current="hello.exe\n"))
    with pytest.raises(ReleaseError, match="both active"):
        results = inspect_results(dirs="1.0.0\n", current="x\n", marker="version=1.0.0")
        parse_windows_inspect(BASE, None, None, results[:4])
    garbled = parse_windows_inspect(BASE, None, None, inspect_results(state="junk")[:4])
    assert "not a state file" in garbled.warnings[0]


def _inner(argv: List[str]) -> List[str]:
    """The words the inner cmd.exe sees (carets dropped), as a reader of the test would."""
    assert argv[:4] == ["cmd.exe", "/d", "/v:off", "/c"]
    return [w.replace("^", "") for w in split_args(join_args(argv[4:]))]


def test_windows_apply_ships_records_swaps_and_prunes_in_order():
    state = host(["0.9.0", "1.0.0"], active="1.0.0", previous="0.9.0", leftovers=[".removing-x-00000000"])
    plan = plan_release(state, req("active", "2.0.0", SHA2, keep=2), NOW)
    assert actions(plan) == [("ship", "2.0.0"), ("activate", "2.0.0"), ("prune", "0.9.0"),
                             ("cleanup", ".removing-x-00000000")]
    rel = BASE + "\\releases"
    cur = BASE + "\\current"
    inc = rel + "\\.incoming-2.0.0-1-0123abcd"
    argvs = windows_apply_argvs(BASE, plan, ".incoming-2.0.0-1-0123abcd", "feedf00d")
    assert [_inner(a) for a in argvs] == [
        [">", inc + "\\.svcwright-version", "echo", "version=2.0.0"],
        ["if", "not", "exist", rel + "\\2.0.0", "move", inc, rel + "\\2.0.0"],
        [">", BASE + "\\.svcwright-release.txt.new", "echo", "svcwright-release", "1", "active=2.0.0",
         "previous=1.0.0", "rolled_back=0", "before_active=1.0.0", "before_previous=0.9.0", "before_rolled_back=0",
         "order=1.0.0,2.0.0"],
        ["move", "/y", BASE + "\\.svcwright-release.txt.new", BASE + "\\.svcwright-release.txt"],
        ["if", "not", "exist", rel + "\\1.0.0", "move", cur, rel + "\\1.0.0"],
        ["if", "not", "exist", cur, "move", rel + "\\2.0.0", cur],
        ["if", "not", "exist", rel + "\\.removing-0.9.0-feedf00d", "move", rel + "\\0.9.0",
         rel + "\\.removing-0.9.0-feedf00d"],
        ["rmdir", "/s", "/q", rel + "\\.removing-0.9.0-feedf00d"],
        ["rmdir", "/s", "/q", rel + "\\.removing-x-00000000"],
    ]


def test_windows_first_activation_clears_an_empty_current():
    plan = plan_release(host(), req("active", "1.0.0", SHA1), NOW)
    argvs = [_inner(a) for a in windows_apply_argvs(BASE, plan, ".incoming-1.0.0-1-0123abcd", "feedf00d")]
    assert argvs[-2:] == [["rmdir", BASE + "\\current"],
                          ["if", "not", "exist", BASE + "\\current", "move", BASE + "\\releases\\1.0.0",
                           BASE + "\\current"]]
    with pytest.raises(ReleaseError, match="nothing was uploaded"):
        windows_apply_argvs(BASE, plan, None, "feedf00d")


def test_windows_readback():
    got = windows_readback([(0, "1.0.0\n.removing-0.9.0-feedf00d\n"), (0, "version=2.0.0\r\n")])
    assert got == Summary("2.0.0", None, ["1.0.0", "2.0.0"])
    assert windows_readback([(1, "File Not Found"), (1, "")]) == Summary(None, None, [])
