# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules for single values a user types: text, names, paths, numbers of seconds.

Every option of every module goes through one of these before anything renders or runs it,
so the rule for "what may a name, a path, a timeout look like" is written once. Each check
raises :class:`ValueProblem` with what is wrong and what to do; callers add the host, the
service and the key.
"""
from __future__ import annotations

import datetime
import math
import re
import unicodedata
from typing import Any, Optional

# Characters that change how text is read or shown without being visible: bidi controls
# and zero-width characters (all of Unicode category Cf), besides controls and line breaks.
_INVISIBLE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


class ValueProblem(ValueError):
    """A value that cannot be used: ``problem`` (what is wrong) and ``fix`` (what to do)."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__("%s. %s" % (problem, fix))
        self.problem = problem
        self.fix = fix


def describe_char(ch: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: how an error names a character."""
    name = unicodedata.name(ch, "")
    if not name:
        name = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB", "\x00": "NUL"}.get(ch, "control character")
    return "U+%04X (%s)" % (ord(ch), name)


def unsafe_char(value: str, allow: str = "") -> Optional[str]:
    """The first character of ``value`` that no single-line setting can carry faithfully:
    C0/C1 controls, DEL, line and paragraph separators, bidi controls, zero-width and other
    format characters, surrogates, private-use and unassigned code points. ``allow`` lists
    characters the caller can carry (e.g. a tab in a C-escaped word)."""
    for ch in value:
        if ch in allow:
            continue
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            return ch
    return None


def check_line(value: str, allow: str = "") -> str:
    """Text that must stay one visible line (names, paths, descriptions, directive values)."""
    bad = unsafe_char(value, allow)
    if bad is not None:
        raise ValueProblem("contains %s" % describe_char(bad),
                           "Remove it: this value is written into one line of the service definition, where "
                           "line breaks, control characters and invisible (bidi, zero-width) characters are "
                           "refused.")
    return value


def scalar_text(value: Any, what: str = "value") -> str:
    """The text of a templated scalar the way a user means it: strings as they are, integers
    as their digits (``{{ port }}`` with an integer port gives ``8080``). Floats, booleans,
    dates and anything else are ambiguous as text and refused with the fix."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ValueProblem("must be a string, got the boolean %s" % value,
                           "Quote it in YAML (e.g. '%s' or 'yes') so the program receives exactly the text you "
                           "mean." % str(value).lower())
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueProblem("must be a string, got the number %r" % value,
                           "Quote it in YAML (e.g. '%s'): a float's text is ambiguous (1.10 reads as 1.1)." % value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        raise ValueProblem("must be a string, got the date %s (YAML reads an unquoted 2024-01-31 as a date)"
                           % value.isoformat(), "Quote it in YAML (e.g. '%s')." % value.isoformat())
    raise ValueProblem("must be a string, got %s" % _type_name(value),
                       "Give plain text (quote it in YAML).")


def finite_number(value: Any, unit: str = "", example: str = "a number, e.g. 5") -> float:
    """A finite number (not a boolean, not ``.inf``/``.nan``), or its digits as text;
    ``unit`` (e.g. " of seconds") and ``example`` go into the messages."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueProblem("must be a number%s, got %s" % (unit, _type_name(value)), "Give %s." % example)
    try:
        number = float(value)
    except ValueError:
        raise ValueProblem("must be a number%s, got %r" % (unit, value), "Give %s." % example) from None
    if not math.isfinite(number):
        raise ValueProblem("must be a finite number%s, got %r" % (unit, value),
                           "Give %s (YAML reads .inf and .nan as special numbers)." % example)
    return number


def seconds(value: Any, minimum: float = 0.0, allow_minimum: bool = True,
            maximum: float = 366 * 24 * 3600.0) -> float:
    """A duration in seconds: a finite number (not a boolean, not ``.inf``/``.nan``) in range."""
    number = finite_number(value, " of seconds", "seconds, e.g. 30")
    if number < minimum or (number == minimum and not allow_minimum):
        relation = ">=" if allow_minimum else ">"
        raise ValueProblem("must be %s %s seconds, got %s" % (relation, _num(minimum), _num(number)),
                           "Give a larger value.")
    if number > maximum:
        raise ValueProblem("must be at most %s seconds, got %s" % (_num(maximum), _num(number)),
                           "Give a smaller value.")
    return number


def whole_number(value: Any, minimum: int = 0, maximum: int = 2 ** 31 - 1) -> int:
    """A count: an integer (or its digits as text) in range; no booleans, no fractions."""
    if isinstance(value, bool):
        raise ValueProblem("must be a whole number, got the boolean %s" % value, "Give a number, e.g. 5.")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueProblem("must be a whole number, got %r" % value, "Give a number, e.g. 5.")
        value = int(value)
    if isinstance(value, str) and re.match(r"^[+-]?[0-9]+$", value.strip()):
        value = int(value)
    if not isinstance(value, int):
        raise ValueProblem("must be a whole number, got %s" % _type_name(value), "Give a number, e.g. 5.")
    if not minimum <= value <= maximum:
        raise ValueProblem("must be between %d and %d, got %d" % (minimum, maximum, value), "Give a value in range.")
    return value


_PATH_COMPONENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+~-]*$")


def path_component(value: str, what: str = "name") -> str:
    """A file or directory name built from input: one path component, no traversal, nothing
    hidden, portable to Windows (no reserved characters) and at most 100 characters."""
    check_line(value)
    if value in (".", "..") or not _PATH_COMPONENT.match(value) or len(value) > 100 or ".." in value:
        raise ValueProblem("%r is not a single plain file name" % value,
                           "Use letters, digits and '_', '.', '+', '~', '-' (starting with a letter, digit or '_', "
                           "no '..', at most 100 characters), e.g. 1.4.2.")
    if re.match(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", value, re.IGNORECASE):
        raise ValueProblem("%r is a reserved device name on Windows" % value, "Choose another name.")
    return value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a dictionary"
    if isinstance(value, list):
        return "a list"
    return "%s %r" % (type(value).__name__, value)
