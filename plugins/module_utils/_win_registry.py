# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Windows service's registry key: where it is, the read of it, and what that read says.

Both backends read the key whole (``reg query KEY /s``): the SCM's own values and, for an
NSSM service, NSSM's ``Parameters`` subkey. Nothing here does I/O.
"""
from __future__ import annotations

from typing import List, Optional

from ._reg_output import RegKeyNotFoundError, ServiceRegistryConfig, parse_reg_query, service_config_from_reg
from ._win_text import WinOutputParseError, excerpt

SERVICES_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services"


class ObserveError(Exception):
    """What a Windows host printed about a service could not be read; the message quotes it."""


def service_key(name: str) -> str:
    return SERVICES_KEY + "\\" + name


def service_registry_argv(name: str) -> List[str]:
    return ["reg.exe", "query", service_key(name), "/s"]


def parse_service_registry(rc: int, output: str, name: str) -> Optional[ServiceRegistryConfig]:
    """The service's key from :func:`service_registry_argv`; None when it does not exist. A
    read that failed without saying the key is missing is an error, not an absence."""
    try:
        keys = parse_reg_query(output)
    except RegKeyNotFoundError:
        return None
    except WinOutputParseError as exc:
        raise ObserveError("cannot read the registry key of service %r: %s" % (name, exc))
    if not keys:
        if rc != 0:
            raise ObserveError("reg query of service %r failed (rc %d): %s" % (name, rc, excerpt(output)))
        return None
    try:
        return service_config_from_reg(keys, name)
    except WinOutputParseError as exc:
        raise ObserveError("cannot read the registry key of service %r: %s" % (name, exc))
