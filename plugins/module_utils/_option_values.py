# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Task arguments as the user meant them, before the argument spec converts them.

The argument spec's own conversion reads too much into a value: a ``str`` option turns the
float ``1.10`` into ``"1.1"`` and a YAML date into nothing at all (it cannot be serialized),
and a ``list`` option splits a string on commas. Here each value of a task goes through the
rules of :mod:`._values` for its option's type first, so a value that is ambiguous is
refused with its key and the fix, and the validator only ever sees plain types.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional

from ._values import ValueProblem, finite_number, scalar_text, whole_number

Rule = Callable[[Any], Any]


class OptionProblem(ValueError):
    """A task argument that cannot be used: ``key`` (dotted for suboptions), what is wrong, the fix."""

    def __init__(self, key: str, problem: str, fix: str) -> None:
        super().__init__("%s: %s. %s" % (key, problem, fix))
        self.key = key
        self.problem = problem
        self.fix = fix


def plain_options(spec: Mapping[str, Dict[str, Any]], args: Mapping[str, Any],
                  rules: Optional[Mapping[str, Rule]] = None, prefix: str = "") -> Dict[str, Any]:
    """``args`` with every value checked and made a plain JSON type, by the option's ``rules``
    entry (keyed by dotted name) or else by its type in ``spec``. Options the spec does not
    know are kept for the validator to report, made plain."""
    rules = rules or {}
    out: Dict[str, Any] = {}
    for key, value in args.items():
        name = prefix + str(key)
        option = spec.get(key)
        try:
            if value is None:
                out[key] = None
            elif name in rules:
                out[key] = rules[name](value)
            elif option is None:
                out[key] = _plain(value)
            elif option.get("type") == "dict" and isinstance(value, Mapping):
                # Suboptions by their own types; a free-form dictionary item by item, so an error names its key.
                out[key] = plain_options(option.get("options") or {}, value, rules, name + ".")
            else:
                out[key] = by_type(option.get("type", "str"), option.get("elements"), value)
        except ValueProblem as exc:
            raise OptionProblem(name, exc.problem, exc.fix) from None
    return out


def by_type(kind: str, elements: Optional[str], value: Any) -> Any:
    """One value by the argument spec's type names."""
    if kind in ("str", "path"):
        return str(scalar_text(value))
    if kind == "int":
        return whole_number(value, minimum=-(2 ** 63), maximum=2 ** 63 - 1)
    if kind == "float":
        return finite_number(value)
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            # Ansible would split a string on commas: "-port 8080" or "a,b" is not what anyone means.
            raise ValueProblem("must be a list, got %s" % _kind(value),
                               "Write it as a YAML list, one item per entry (e.g. [-port, '8080']).")
        items = value
        if elements is None:
            return [_plain(v) for v in items]
        return [by_type(elements, None, v) for v in items]
    return _plain(value)


def _plain(value: Any) -> Any:
    """A value of an option without a rule (``raw``, ``bool``, unknown): JSON types as they
    are, anything else (a date) refused the way text is."""
    if value is None:
        return None
    for plain in (bool, int, str):
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, float):
        return finite_number(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return scalar_text(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, Mapping):
        return "a dictionary"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "%s %r" % (type(value).__name__, value)
