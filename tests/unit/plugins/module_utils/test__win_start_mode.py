# -*- coding: utf-8 -*-
"""One table of start modes for both Windows backends: every spec start mode has its sc.exe
word and its SCM start type, and what is written reads back as the same mode."""
from __future__ import annotations

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import START_TYPES, start_mode_from
from ansible_collections.svcwright.services.plugins.module_utils._spec import spec_argument_spec
from ansible_collections.svcwright.services.plugins.module_utils._win_start_mode import WIN_START_MODES


def test_every_spec_start_mode_is_known_to_windows() -> None:
    assert sorted(WIN_START_MODES) == sorted(spec_argument_spec()["start_mode"]["choices"])


def test_what_nssm_writes_reads_back_as_the_same_mode() -> None:
    by_name = {"SERVICE_" + name: number for number, name in START_TYPES.items()}
    for mode, windows in WIN_START_MODES.items():
        delayed = windows.start_type == "SERVICE_DELAYED_AUTO_START"
        start_type = by_name["SERVICE_AUTO_START"] if delayed else by_name[windows.start_type]
        assert start_mode_from(start_type, delayed) == mode


def test_sc_words_are_those_sc_exe_takes() -> None:
    assert {mode: w.sc_word for mode, w in WIN_START_MODES.items()} == {
        "auto": "auto", "delayed": "delayed-auto", "manual": "demand", "disabled": "disabled"}
