# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read ``reg query`` output, and a service's registry key as service configuration.

The registry is the one source that real Windows and Wine both show in full (Wine's sc.exe
has no ``qc`` or ``qfailure``). Format of ``reg query KEY [/s]``, the same on both::

    <empty line>
    HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\hns
        DependOnService    REG_MULTI_SZ    RpcSs\\0nsi\\0vfpext
        FailureActions    REG_BINARY    805101000000000000000000030000001400000001000000...
        Start    REG_DWORD    0x3
    <empty line>
    HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\hns\\Parameters

Each key line is followed by its values (4 spaces, name, 4 spaces, type, 4 spaces, data);
without ``/s`` the subkeys follow as bare key lines, with ``/s`` every subkey is printed
with its values. REG_DWORD/REG_QWORD data is hex with ``0x``, REG_MULTI_SZ items are joined
by the two characters ``\\0``, REG_BINARY is plain hex. ``/f`` searches end with
``End of search: N match(es) found.``. A missing key prints ``ERROR: The system was unable
to find the specified registry key or value.`` (Windows, on stderr, exit 1) or
``reg: Unable to find the specified registry key`` (Wine, exit 1).

Writes never go through the registry: on real Windows the SCM owns these values and must be
changed with sc.exe or the service API. This module only reads.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

from ._sc_output import FAILURE_ACTION_TYPES, FailureAction, start_mode_from
from ._win_text import Text, WinOutputParseError, excerpt, to_lines

RegData = Union[str, int, bytes, List[str]]

_KEY_LINE = re.compile(r"^(HKEY_[A-Z_]+|HK(?:LM|CU|CR|U|CC))(\\.*)?$")
_VALUE_LINE = re.compile(r"^ {4}(?P<name>.*?) {4}(?P<type>REG_[A-Z0-9_]+)(?: {4}(?P<data>.*))?$")
_END_OF_SEARCH = re.compile(r"^End of search: \d+ match")
_NOT_FOUND = (
    "ERROR: The system was unable to find the specified registry key or value.",
    "reg: Unable to find the specified registry key",
)
_STRING_TYPES = ("REG_SZ", "REG_EXPAND_SZ", "REG_LINK")
_NUMBER_TYPES = ("REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_DWORD_LITTLE_ENDIAN", "REG_QWORD",
                 "REG_QWORD_LITTLE_ENDIAN")
_BINARY_TYPES = ("REG_BINARY", "REG_NONE", "REG_RESOURCE_LIST",
                 "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST")


class RegKeyNotFoundError(WinOutputParseError):
    """reg.exe said the key (or value) does not exist."""


@dataclass
class RegValue:
    """One value: ``data`` decoded by type (str; int for DWORD/QWORD; list of str for
    REG_MULTI_SZ; bytes for REG_BINARY/REG_NONE), ``text`` as reg.exe printed it."""

    name: str
    type: str
    data: RegData
    text: str


@dataclass
class RegKey:
    """A key as printed, with its values in the printed order. Value names are
    case-insensitive in the registry, and so is :meth:`get`."""

    path: str
    values: List[RegValue] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rsplit("\\", 1)[-1]

    def get(self, name: str) -> Optional[RegValue]:
        for value in self.values:
            if value.name.lower() == name.lower():
                return value
        return None

    def data(self, name: str, default: Optional[RegData] = None) -> Optional[RegData]:
        value = self.get(name)
        return default if value is None else value.data


def decode_reg_data(reg_type: str, text: str) -> RegData:
    """Decode the data column of one ``reg query`` value line.

    REG_MULTI_SZ is split at every ``\\0``: reg.exe prints an item that itself contains
    a backslash followed by ``0`` the same way, so such items cannot be told apart.
    """
    if reg_type in _STRING_TYPES:
        return text
    if reg_type in _NUMBER_TYPES:
        m = re.match(r"^\s*0x([0-9a-fA-F]+)\s*$", text)
        if not m:
            raise WinOutputParseError("reg query: %s data is not 0x-hex: %r" % (reg_type, text))
        return int(m.group(1), 16)
    if reg_type == "REG_MULTI_SZ":
        return [] if text == "" else text.split("\\0")
    if reg_type in _BINARY_TYPES:
        hexdigits = text.strip()
        if len(hexdigits) % 2 or not re.match(r"^[0-9a-fA-F]*$", hexdigits):
            raise WinOutputParseError("reg query: %s data is not hex bytes: %r"
                                      % (reg_type, text))
        return bytes.fromhex(hexdigits)
    return text


def parse_reg_query(output: Text) -> List[RegKey]:
    """Every key in a ``reg query`` output (with or without ``/s``), in printed order;
    subkeys listed without ``/s`` are keys without values.

    Raises :class:`RegKeyNotFoundError` for reg.exe's "unable to find" message and
    :class:`WinOutputParseError` for a line that is neither a key, a value, nor the
    ``/f`` footer. A non-empty line right after a value continues that value's data
    (a REG_SZ holding a line break prints that way).
    """
    lines = to_lines(output)
    keys: List[RegKey] = []
    last: Optional[RegValue] = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            last = None
            continue
        if stripped in _NOT_FOUND or stripped.startswith(_NOT_FOUND[1]):
            raise RegKeyNotFoundError("reg query: %s" % stripped)
        if _KEY_LINE.match(line.rstrip()):
            keys.append(RegKey(line.rstrip()))
            last = None
            continue
        m = _VALUE_LINE.match(line)
        if m and keys:
            reg_type = m.group("type")
            text = m.group("data") or ""
            last = RegValue(m.group("name"), reg_type, decode_reg_data(reg_type, text), text)
            keys[-1].values.append(last)
            continue
        if _END_OF_SEARCH.match(stripped):
            continue
        if last is not None and isinstance(last.data, str):
            last.text += "\n" + line
            last.data = last.text
            continue
        raise WinOutputParseError("reg query: unexpected line %r in %s"
                                  % (line, excerpt("\n".join(lines))))
    return keys


# ---------------------------------------------------------------------------------------
# FailureActions

@dataclass
class FailureActionsValue:
    """The FailureActions REG_BINARY value: SERVICE_FAILURE_ACTIONS as the SCM stores it.

    ``reset_period_s`` is 0xFFFFFFFF for INFINITE. The reboot message and the command line
    are not in this value (the SCM stores them as the RebootMessage and FailureCommand
    values); ``has_reboot_msg``/``has_command`` tell whether the stored pointers were set.
    """

    reset_period_s: int
    actions: List[FailureAction]
    has_reboot_msg: bool
    has_command: bool


def decode_failure_actions(data: bytes) -> FailureActionsValue:
    """Decode a FailureActions value.

    Layout (little-endian, 32-bit fields whatever the Windows bitness): dwResetPeriod,
    lpRebootMsg, lpCommand, cActions, lpsaActions (the offset of the actions from the
    start of the value, 20 when there are actions), then cActions SC_ACTION pairs
    (Type: 0 none, 1 restart, 2 reboot, 3 run command; Delay in milliseconds).
    """
    if len(data) < 20:
        raise WinOutputParseError("FailureActions value is %d bytes; at least 20 expected: %s"
                                  % (len(data), data.hex()))
    reset, reboot_msg, command, count, offset = struct.unpack_from("<5I", data, 0)
    start = offset or 20
    if start < 20 or start + 8 * count > len(data):
        raise WinOutputParseError(
            "FailureActions value holds %d bytes, too few for %d actions at offset %d: %s"
            % (len(data), count, start, data.hex()))
    actions = []
    for i in range(count):
        action_type, delay = struct.unpack_from("<2I", data, start + 8 * i)
        actions.append(FailureAction(FAILURE_ACTION_TYPES.get(action_type, str(action_type)),
                                     delay))
    return FailureActionsValue(reset, actions, reboot_msg != 0, command != 0)


# ---------------------------------------------------------------------------------------
# A service key

@dataclass
class ServiceRegistryConfig:
    """A service's configuration as its registry key holds it (``reg query
    HKLM\\SYSTEM\\CurrentControlSet\\Services\\NAME /s``). Values that are not set are None
    (or empty). ``nssm`` holds NSSM's ``Parameters`` subkey values decoded, when the key
    has one, and ``nssm_app_exit`` its ``Parameters\\AppExit`` subkey (exit code or
    ``Default`` -> action), as ``nssm dump`` prints them."""

    name: str
    path: str
    image_path: Optional[str]
    start: Optional[int]
    service_type: Optional[int]
    error_control: Optional[int]
    display_name: Optional[str]
    description: Optional[str]
    object_name: Optional[str]
    group: Optional[str]
    depend_on_service: List[str]
    depend_on_group: List[str]
    delayed_autostart: bool
    failure_actions: Optional[FailureActionsValue]
    failure_actions_on_non_crash_failures: bool
    failure_command: Optional[str]
    required_privileges: List[str]
    service_sid_type: Optional[int]
    preshutdown_timeout_ms: Optional[int]
    subkeys: List[str]
    nssm: Dict[str, RegData]
    nssm_app_exit: Dict[str, str]

    @property
    def start_mode(self) -> Optional[str]:
        """The spec's start mode (auto, delayed, manual, disabled), None without Start."""
        if self.start is None:
            return None
        return start_mode_from(self.start, self.delayed_autostart)


def _str(key: RegKey, name: str) -> Optional[str]:
    value = key.data(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise WinOutputParseError("reg query: %s\\%s is not a string value" % (key.path, name))
    return value


def _int(key: RegKey, name: str) -> Optional[int]:
    value = key.data(name)
    if value is None:
        return None
    if not isinstance(value, int):
        raise WinOutputParseError("reg query: %s\\%s is not a DWORD value" % (key.path, name))
    return value


def _list(key: RegKey, name: str) -> List[str]:
    value = key.data(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list):
        raise WinOutputParseError("reg query: %s\\%s is not a REG_MULTI_SZ value"
                                  % (key.path, name))
    return [v for v in value if v]


@dataclass
class NssmRegistryParameters:
    """NSSM's settings as its ``Parameters`` subkey stores them: ``values`` by value name
    (Application, AppParameters, AppDirectory, AppStdout, AppEnvironmentExtra, ...),
    ``app_exit`` from ``Parameters\\AppExit`` (exit code, or ``Default``, -> action)."""

    values: Dict[str, RegData]
    app_exit: Dict[str, str]


def nssm_parameters_from_reg(keys: List[RegKey]) -> NssmRegistryParameters:
    """NSSM's settings from parsed keys that include a ``...\\Parameters`` key (a query of
    the service key with ``/s``, or of the Parameters key itself); empty when absent."""
    params = next((k for k in keys if k.name.lower() == "parameters"), None)
    if params is None:
        return NssmRegistryParameters({}, {})
    exits_path = params.path.lower() + "\\appexit"
    app_exit: Dict[str, str] = {}
    for key in keys:
        if key.path.lower() != exits_path:
            continue
        for v in key.values:
            # "(Default)" is reg.exe's name for the unnamed value (translated on some
            # systems); NSSM keeps the default action there.
            app_exit["Default" if v.name.startswith("(") else v.name] = str(v.data)
    return NssmRegistryParameters({v.name: v.data for v in params.values}, app_exit)


def service_config_from_reg(keys: List[RegKey], name: Optional[str] = None
                            ) -> ServiceRegistryConfig:
    """Read a service's configuration from parsed ``reg query`` keys: the key of service
    ``name`` (the first key when None) and its subkeys."""
    if not keys:
        raise WinOutputParseError("reg query: no key in the output")
    main = keys[0]
    if name is not None:
        found = [k for k in keys if k.name.lower() == name.lower()]
        if not found:
            raise WinOutputParseError("reg query: no key for service %r among %s"
                                      % (name, [k.path for k in keys]))
        main = found[0]
    prefix = main.path.lower() + "\\"
    children = [k for k in keys if k.path.lower().startswith(prefix)]
    raw_failure = main.data("FailureActions")
    failure = None
    if raw_failure is not None:
        if not isinstance(raw_failure, bytes):
            raise WinOutputParseError("reg query: %s\\FailureActions is not REG_BINARY"
                                      % main.path)
        failure = decode_failure_actions(raw_failure)
    nssm = nssm_parameters_from_reg(children)
    return ServiceRegistryConfig(
        name=main.name,
        path=main.path,
        image_path=_str(main, "ImagePath"),
        start=_int(main, "Start"),
        service_type=_int(main, "Type"),
        error_control=_int(main, "ErrorControl"),
        display_name=_str(main, "DisplayName"),
        description=_str(main, "Description"),
        object_name=_str(main, "ObjectName"),
        group=_str(main, "Group"),
        depend_on_service=_list(main, "DependOnService"),
        depend_on_group=_list(main, "DependOnGroup"),
        delayed_autostart=_int(main, "DelayedAutostart") == 1,
        failure_actions=failure,
        failure_actions_on_non_crash_failures=_int(main, "FailureActionsOnNonCrashFailures") == 1,
        failure_command=_str(main, "FailureCommand"),
        required_privileges=_list(main, "RequiredPrivileges"),
        service_sid_type=_int(main, "ServiceSidType"),
        preshutdown_timeout_ms=_int(main, "PreshutdownTimeout"),
        subkeys=[k.path[len(prefix):] for k in children if "\\" not in k.path[len(prefix):]],
        nssm=nssm.values,
        nssm_app_exit=nssm.app_exit,
    )


def parse_service_key(output: Text, name: Optional[str] = None) -> ServiceRegistryConfig:
    """:func:`parse_reg_query` then :func:`service_config_from_reg`."""
    return service_config_from_reg(parse_reg_query(output), name)


def parse_oemcp(output: Text) -> Optional[int]:
    """The OEM code page from ``reg query HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage
    /v OEMCP`` (a REG_SZ such as ``437``), None when the output holds no such number."""
    try:
        keys = parse_reg_query(output)
    except WinOutputParseError:
        return None
    for key in keys:
        value = key.data("OEMCP")
        if isinstance(value, str) and value.strip().isdigit() and 0 < int(value) < 65536:
            return int(value)
    return None
