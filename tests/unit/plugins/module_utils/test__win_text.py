# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.svcwright.services.plugins.module_utils._win_text import (
    decode_output,
    excerpt,
    normalize_newlines,
    parse_active_codepage,
    to_lines,
    to_text,
)

RU = "Имя_службы: GoodbyeDPI\r\n"


@pytest.mark.parametrize("data,text", [
    (RU.encode("utf-16-le"), RU),                                    # NSSM on real Windows
    (b"\xff\xfe" + RU.encode("utf-16-le"), RU),                      # with a byte order mark
    (RU.encode("utf-16-le") + b"\x0a", RU),                          # odd trailing byte
    (b"\xef\xbb\xbf" + RU.encode("utf-8"), RU),                      # UTF-8 with BOM
    (RU.encode("utf-8"), RU),
    (b"", ""),
])
def test_decode_output(data: bytes, text: str) -> None:
    assert decode_output(data) == text


def test_decode_output_code_pages() -> None:
    oem = RU.encode("cp866")
    assert decode_output(oem, codepage=866) == RU
    # Without the code page the bytes are not lost silently: they show as U+FFFD.
    undecoded = decode_output(oem)
    assert "\ufffd" in undecoded and undecoded.endswith(": GoodbyeDPI\r\n")
    assert decode_output(oem, codepage=99999).endswith(": GoodbyeDPI\r\n")  # unknown code page
    gbk = "失败".encode("gbk")
    assert decode_output(gbk, codepage=936) == "失败"


def test_newlines() -> None:
    assert normalize_newlines("a\r\r\nb\r\nc\n") == "a\nb\nc\n"
    assert to_lines(b"x\r\r\ny  \r\n") == ["x", "y  ", ""]
    assert to_text("a\r\nb".encode("utf-16-le")) == "a\nb"


def test_excerpt() -> None:
    assert excerpt("\nabc\n") == "'abc'"
    assert excerpt("x" * 400, limit=5) == "'xxxxx...'"


@given(st.text(st.characters(blacklist_characters="\0\r", blacklist_categories=("Cs",))))
def test_utf16_and_utf8_decode_the_same(text: str) -> None:
    # Program output ends in a line end, which gives UTF-16 text its NUL bytes.
    crlf = text.replace("\n", "\r\n") + "\r\n"
    assert to_text(crlf.encode("utf-16-le")) == text + "\n"
    assert to_text(crlf.encode("utf-8")) == text + "\n"


@pytest.mark.parametrize("answer,codepage", [
    ("Active code page: 65001\r\n", 65001),
    ("Aktive Codepage: 850.\r\n", 850),
    ("Текущая кодовая страница: 866\r\n", 866),
    ("現在のコード ページ: 932\r\n", 932),
    ("活动代码页: 936\r\n", 936),
    ("Page de codes active\u00a0: 850\r\n", 850),
    ("Invalid code page\r\n", None),
    ("", None),
    ("Active code page: 0\r\n", None),
])
def test_parse_active_codepage(answer: str, codepage: object) -> None:
    assert parse_active_codepage(answer) == codepage


@given(st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",))))
def test_utf8_wins_over_a_reported_code_page(text: str) -> None:
    # A host that took ``chcp 65001`` reports it; one that did not reports its OEM page, and
    # programs that write UTF-8 anyway must still read right.
    for codepage in (65001, 437, 850, 866, 936, 1252):
        assert decode_output(text.encode("utf-8"), codepage) == text
