# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The spec's start modes as Windows writes them: the word sc.exe's ``start=`` takes, and the
SCM's start type name that NSSM sets and prints. Reading them back is
:func:`._sc_output.start_mode_from`. Nothing here does I/O."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict


@dataclass(frozen=True)
class WinStartMode:
    sc_word: str
    start_type: str


WIN_START_MODES: Dict[str, WinStartMode] = {
    "auto": WinStartMode("auto", "SERVICE_AUTO_START"),
    "delayed": WinStartMode("delayed-auto", "SERVICE_DELAYED_AUTO_START"),
    "manual": WinStartMode("demand", "SERVICE_DEMAND_START"),
    "disabled": WinStartMode("disabled", "SERVICE_DISABLED"),
}
