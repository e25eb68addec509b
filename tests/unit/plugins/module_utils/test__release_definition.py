from __future__ import annotations

import json

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._release_definition import (
    DefinitionError,
    decode_definition,
    encode_definition,
    storable,
)
from ansible_collections.svcwright.services.plugins.module_utils._release_plan import (
    HostState,
    Moment,
    Record,
    ReleaseError,
    Request,
    plan_release,
)

NOW = 1_750_000_000
SHA = "b" * 64
OLD = {"name": "hello", "command": "/opt/hello/current/hello", "args": ["-listen", ":8080"], "env": {}}
NEW = dict(OLD, args=["-listen", ":8080", "-bad-flag"])


def host(active="1.0.0", previous=None, definitions=None, releases=("1.0.0",), **kw) -> HostState:
    record = Record(Moment(active, previous, False), None, list(releases))
    state = HostState(releases=list(releases), active=active, record=record, **kw)
    state.definitions = dict(definitions or {})
    return state


def req(state="active", version="2.0.0", definition=None) -> Request:
    return Request(state, version, "hello", SHA if state in ("present", "active") else None, 5, None, definition)


def test_the_file_round_trips_and_is_ascii():
    d = dict(OLD, description="ünï 日本 🎉", env={"A": "x\ny"})
    text = encode_definition(d)
    assert text.isascii() and text.endswith("\n") and text.count("\n") == 1
    assert decode_definition(text, "f") == d


def test_a_password_is_never_written():
    assert "password" not in storable(dict(OLD, password="secret"))
    assert "secret" not in encode_definition(dict(OLD, password="secret"))


def test_no_file_means_no_definition():
    assert decode_definition(None, "f") is None
    assert decode_definition("", "f") is None


@pytest.mark.parametrize("text", ["{", "[]", '{"definition": {}}', "not json"])
def test_a_file_this_collection_did_not_write_is_refused(text):
    with pytest.raises(DefinitionError, match="not a definition file"):
        decode_definition(text, "/opt/hello/releases/1.0.0/.svcwright-definition.json")


def test_a_changed_definition_is_refused_by_its_checksum():
    data = json.loads(encode_definition(OLD))
    data["definition"]["args"] = ["-evil"]
    with pytest.raises(DefinitionError, match="does not match its checksum"):
        decode_definition(json.dumps(data), "f")


def test_a_shipped_release_carries_the_definition_of_its_deployment():
    plan = plan_release(host(definitions={"1.0.0": OLD}), req(definition=NEW), NOW)
    assert plan.ship == "2.0.0" and plan.activate == "2.0.0"
    assert plan.active_definition == NEW and plan.previous_definition == OLD


def test_the_same_release_and_definition_again_plans_nothing():
    state = host(active="2.0.0", previous="1.0.0", releases=("1.0.0", "2.0.0"),
                 definitions={"1.0.0": OLD, "2.0.0": NEW}, target_files=["hello"], target_sha256=SHA)
    plan = plan_release(state, req(definition=NEW), NOW)
    assert plan.changes == [] and plan.active_definition == NEW and plan.previous_definition == OLD


def test_a_release_never_changes_its_definition():
    state = host(active="2.0.0", previous="1.0.0", releases=("1.0.0", "2.0.0"),
                 definitions={"1.0.0": OLD, "2.0.0": NEW}, target_files=["hello"], target_sha256=SHA)
    with pytest.raises(ReleaseError, match=r"shipped with another service definition \(different: args\).*new "
                                           r"version"):
        plan_release(state, req(definition=OLD), NOW)


def test_a_release_shipped_without_a_definition_records_it_once():
    state = host(active="2.0.0", releases=("2.0.0",), definitions={"2.0.0": None}, target_files=["hello"],
                 target_sha256=SHA)
    plan = plan_release(state, req(definition=NEW), NOW)
    assert [(c.action, c.target) for c in plan.changes] == [("define", "2.0.0")]
    assert plan.active_definition == NEW


def test_a_rollback_brings_back_the_previous_release_with_its_own_definition():
    state = host(active="2.0.0", previous="1.0.0", releases=("1.0.0", "2.0.0"), definitions={"1.0.0": OLD, "2.0.0": NEW})
    plan = plan_release(state, req("rolled_back", None), NOW)
    assert plan.activate == "1.0.0"
    assert plan.active_definition == OLD and plan.previous_definition == NEW


def test_a_rollback_to_a_release_without_a_definition_says_so_by_none():
    state = host(active="2.0.0", previous="1.0.0", releases=("1.0.0", "2.0.0"), definitions={"1.0.0": None, "2.0.0": NEW})
    plan = plan_release(state, req("rolled_back", None), NOW)
    assert plan.activate == "1.0.0" and plan.active_definition is None
