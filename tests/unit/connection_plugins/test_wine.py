# -*- coding: utf-8 -*-
"""The test-only wine connection starts a command again only when Wine could not create its
process (nothing ran); any command that ran is never repeated."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from ansible.errors import AnsibleConnectionFailure

_PATH = Path(__file__).resolve().parents[2] / "connection_plugins" / "wine.py"
_SPEC = importlib.util.spec_from_file_location("svcw_test_wine_connection", _PATH)
wine = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(wine)  # type: ignore[union-attr]


def connection(outcomes):
    calls = []

    def run_once(cmdline, in_data):
        calls.append(cmdline)
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    conn = SimpleNamespace(_run_once=run_once, _play_context=SimpleNamespace(remote_addr="win1"))
    return conn, calls


def test_a_process_wine_could_not_create_is_started_again(monkeypatch):
    monkeypatch.setattr(wine.time, "sleep", lambda s: None)
    conn, calls = connection([wine._NotLaunched("CreateProcessW failed (Win32 error 1359)"), (0, b"hi", b"")])
    assert wine.Connection._run_exact(conn, "cmd", None) == (0, b"hi", b"")
    assert len(calls) == 2


def test_it_gives_up_after_three_attempts(monkeypatch):
    monkeypatch.setattr(wine.time, "sleep", lambda s: None)
    conn, calls = connection([wine._NotLaunched("1359")] * 3)
    with pytest.raises(AnsibleConnectionFailure, match="launcher failed 3 times"):
        wine.Connection._run_exact(conn, "cmd", None)
    assert len(calls) == 3


def test_a_command_that_ran_and_failed_is_not_repeated():
    conn, calls = connection([(1, b"", b"error")])
    assert wine.Connection._run_exact(conn, "cmd", None) == (1, b"", b"error")
    assert len(calls) == 1
