# -*- coding: utf-8 -*-
from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.svcwright.services.plugins.module_utils._sc_output import (
    parse_sc_results,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_errors import (
    WIN32_ERRORS,
    describe_win32_error,
    win32_code_for_message,
)

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"

# The codes service management meets; each must be in the table.
SERVICE_CODES = (2, 3, 5, 87, 1051, 1052, 1053, 1056, 1057, 1058, 1060, 1061, 1062, 1069,
                 1072, 1073, 1077, 1078, 1079, 1275, 1290)


@pytest.mark.parametrize("code", SERVICE_CODES)
def test_table_covers_service_codes(code: int) -> None:
    err = WIN32_ERRORS[code]
    assert err.code == code and err.name.startswith("ERROR_")
    assert err.message and err.hint
    expected = "%d %s: %s %s" % (code, err.name, err.message, err.hint)
    assert describe_win32_error(code) == expected


def test_describe_known_codes() -> None:
    assert describe_win32_error(1060).startswith(
        "1060 ERROR_SERVICE_DOES_NOT_EXIST: The specified service does not exist as an "
        "installed service.")
    assert "Log on as a service" in describe_win32_error(1069)
    assert describe_win32_error(1290).startswith("1290 ERROR_INCOMPATIBLE_SERVICE_SID_TYPE")


def test_describe_unknown_and_negative_codes() -> None:
    assert describe_win32_error(-2147467259) == (
        "0x80004005: an HRESULT or NTSTATUS value, not a Win32 error code")
    assert describe_win32_error(4294967201).startswith("0xFFFFFFA1")
    assert describe_win32_error(9999) == (
        "9999 (0x270F): Win32 error not in the service error table")
    assert describe_win32_error(1060 - (1 << 32)) == describe_win32_error(1060)


def test_every_english_sc_failure_message_maps_to_its_code() -> None:
    seen = set()
    for path in sorted((FIXTURES / "sc-actions").iterdir()):
        for result in parse_sc_results(path.read_bytes()):
            if result.success or result.message is None or not result.message.isascii():
                continue
            if result.word != "FAILED":
                continue  # translated output: the message is not English
            assert win32_code_for_message(result.message) == result.code, path.name
            seen.add(result.code)
    assert seen == {5, 1053, 1060, 1062, 1072, 1073}


@pytest.mark.parametrize("message,code", [
    # Wine 8's texts (NSSM quotes them after "OpenService(): " and "NAME: STOP: ").
    ("Service does not exist.", 1060),
    ("Service not active.", 1062),
    ("Service exists.", 1073),
    ("Service dependency deleted.", 1075),
    ("Service request timeout.", 1053),
    ("Access denied.", 5),
    # Windows', with whitespace and case variations.
    ("the operation completed   successfully", 0),
    ("  The service has not been started.  ", 1062),
    ("Der angegebene Dienst ist kein installierter Dienst.", None),
])
def test_win32_code_for_message(message: str, code: object) -> None:
    assert win32_code_for_message(message) == code
