# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep a password out of everything an action returns or raises."""
from __future__ import annotations

from typing import Any, List, Optional

from ansible_collections.svcwright.services.plugins.module_utils._win_cmdline import cmd_escape, quote_arg

MASK = "********"


def mask(value: Any, secret: Optional[str]) -> Any:
    """``value`` (text, or dicts and lists of it) with every form of ``secret`` replaced: as
    given, as quoted on a command line, and as that is escaped for cmd.exe."""
    if not secret:
        return value
    if isinstance(value, str):
        quoted = quote_arg(secret)
        for form in sorted({secret, quoted, cmd_escape("x " + quoted)[2:]}, key=len, reverse=True):
            value = value.replace(form, MASK)
        return value
    if isinstance(value, dict):
        return {key: mask(item, secret) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item, secret) for item in value]
    return value


def shown_argv(argv: List[str], secret: Optional[str]) -> str:
    """A command line for messages, with the secret argument masked."""
    return " ".join(quote_arg(MASK) if secret and a == secret else quote_arg(a) for a in argv)
