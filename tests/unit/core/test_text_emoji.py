"""Cleaning typed text keeps emoji whole (👩‍🍳 stays one picture) and still
drops what hides or reorders text: bidi overrides, zero-width spaces, a joiner
between letters, runs of variation selectors, stray tags."""

from __future__ import annotations

import pytest

from shop.core.text import clean_line, clean_multiline

TAGS_SCOTLAND = "".join(chr(0xE0000 + ord(c)) for c in "gbsct") + "\U000e007f"

WHOLE = [
    pytest.param("👩\u200d🍳", id="woman cook (ZWJ)"),
    pytest.param("👨\u200d👩\u200d👧", id="family (two ZWJ)"),
    pytest.param("👩🏽\u200d🍳", id="skin tone then ZWJ"),
    pytest.param("❤\ufe0f", id="red heart (VS16)"),
    pytest.param("❤\ufe0f\u200d🔥", id="heart on fire (VS16 then ZWJ)"),
    pytest.param("🏳\ufe0f\u200d🌈", id="rainbow flag"),
    pytest.param("🏃\u200d♀\ufe0f", id="woman running (ZWJ to a sign)"),
    pytest.param("🇮🇩", id="flag of Indonesia (regional indicators)"),
    pytest.param("🏴" + TAGS_SCOTLAND, id="flag of Scotland (tags)"),
    pytest.param("1\ufe0f\u20e3", id="keycap one"),
]


@pytest.mark.parametrize("emoji", WHOLE)
def test_emoji_sequences_stay_whole(emoji):
    typed = f"Kue kering {emoji} enak"
    assert clean_line(typed, 200) == typed
    assert clean_multiline(f"Baris 1 {emoji}\nBaris 2", 200) == f"Baris 1 {emoji}\nBaris 2"


def test_an_emoji_sequence_in_a_name_is_one_character_cluster_longer_than_its_parts():
    # What was broken: the joiner was dropped, leaving 👩🍳 (two pictures).
    assert clean_line("Dapur 👩\u200d🍳 Bu Sri", 60) != "Dapur 👩🍳 Bu Sri"
    assert "\u200d" in clean_line("Dapur 👩\u200d🍳 Bu Sri", 60)


HOSTILE = [
    pytest.param("invoice\u202egpj.exe", "invoicegpj.exe", id="right-to-left override"),
    pytest.param("a\u2066b\u2069c\u200fd\u200ee", "abcde", id="isolates and marks"),
    pytest.param("Abon\u200b Lele\ufeff", "Abon Lele", id="zero-width space and BOM"),
    pytest.param("ha\u00adlal", "halal", id="soft hyphen"),
    pytest.param("a\u200db", "ab", id="joiner between letters"),
    pytest.param("👩\u200d", "👩", id="joiner at the end"),
    pytest.param("\u200d🍳", "🍳", id="joiner at the start"),
    pytest.param("👩\u200d\u200d🍳", "👩\u200d🍳", id="doubled joiner keeps one"),
    pytest.param("a" + "\ufe0f" * 20, "a\ufe0f", id="run of variation selectors"),
    pytest.param("x" + "\U000e0101" * 30 + "y", "x\U000e0101y", id="hidden data in selectors"),
    pytest.param("🏴\U000e0067x", "🏴x", id="tags not ending a flag"),
    pytest.param("tag\U000e0041\U000e0042", "tag", id="tags without a flag"),
    pytest.param("nul\x00bell\x07", "nulbell", id="control characters"),
]


@pytest.mark.parametrize(("typed", "kept"), HOSTILE)
def test_hostile_and_invisible_characters_are_removed(typed, kept):
    assert clean_line(typed, 200) == kept


def test_multiline_keeps_newlines_and_tabs_but_not_line_overrides():
    typed = "Bahan:\r\n\t- lele\u202e\r- bawang\u2028"
    assert clean_multiline(typed, 200) == "Bahan:\n\t- lele\n- bawang"
