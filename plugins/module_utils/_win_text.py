# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text from Windows hosts: decode the bytes a program wrote, and split them into lines.

What arrives from a Windows host is not always UTF-8: console programs write the OEM code
page (cp437, cp866, cp936, ...) or, like NSSM on real Windows, UTF-16LE; line ends are
``\\r\\n``, and ``\\r\\r\\n`` when a program writes ``\\r\\n`` through a text-mode stream
(NSSM through a pipe). Every parser for sc.exe, reg.exe, NSSM and event log text accepts
``str`` or ``bytes`` and goes through :func:`to_lines`.
"""
from __future__ import annotations

import codecs
import re
from typing import List, Optional, Union

Text = Union[str, bytes]


class WinOutputParseError(ValueError):
    """Output of a Windows tool that could not be read; the message names the tool, what
    was expected, and quotes the offending text."""


def decode_output(data: bytes, codepage: Optional[int] = None) -> str:
    """Decode what a Windows program wrote.

    * A UTF-16LE byte order mark, or any NUL byte (which no 8-bit console text contains,
      and UTF-16LE text has as soon as it holds one ASCII character: a digit, a space, a
      line end): UTF-16LE, with the mark dropped and an odd trailing byte ignored.
    * A UTF-8 byte order mark, or bytes that are valid UTF-8: UTF-8.
    * Otherwise the given Windows ``codepage`` (the console code page a cmd batch reported,
      see :func:`parse_active_codepage`, or the OEM code page reported by the PowerShell
      runner), or, without one, UTF-8 with U+FFFD for the undecodable bytes: the parsers
      read numbers and English keywords, which survive that.

    UTF-8 is tried before the code page because some programs write it whatever the
    console says, and 8-bit console text that happens to be valid UTF-8 is rare: it takes
    the exact byte pairs of a UTF-8 sequence (``Ã¼``, not ``ü``).

    Line ends are left alone: see :func:`normalize_newlines`.
    """
    if data.startswith(codecs.BOM_UTF16_LE):
        return data[2:].decode("utf-16-le", "replace")
    if b"\0" in data:
        even = data[: len(data) - len(data) % 2]
        return even.decode("utf-16-le", "replace")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codepage is not None:
        try:
            return data.decode("cp%d" % codepage, "replace")
        except LookupError:
            pass
    return data.decode("utf-8", "replace")


def parse_active_codepage(text: str) -> Optional[int]:
    """The code page in ``chcp``'s answer, None when it names none.

    The sentence is translated (``Active code page: 850``, ``Aktive Codepage: 850.``,
    ``Текущая кодовая страница: 866``, ``現在のコード ページ: 932``), the number is not:
    it is the last number in the text.
    """
    numbers = re.findall(r"\d+", text)
    if not numbers:
        return None
    value = int(numbers[-1])
    return value if 0 < value < 65536 else None


def normalize_newlines(text: str) -> str:
    """Drop every ``\\r``: turns ``\\r\\n`` and ``\\r\\r\\n`` into ``\\n``. (No Windows tool
    read here uses a lone ``\\r`` as a line break.)"""
    return text.replace("\r", "")


def to_text(output: Text, codepage: Optional[int] = None) -> str:
    """``str`` or ``bytes`` to text with ``\\n`` line ends."""
    if isinstance(output, bytes):
        output = decode_output(output, codepage)
    return normalize_newlines(output)


def to_lines(output: Text, codepage: Optional[int] = None) -> List[str]:
    """The lines of a program's output, without line ends (trailing spaces are kept: some
    parsers need to know where a value ends)."""
    return to_text(output, codepage).split("\n")


def excerpt(text: str, limit: int = 300) -> str:
    """The start of ``text`` for an error message."""
    text = text.strip("\n")
    return repr(text if len(text) <= limit else text[:limit] + "...")
