"""Search text normalising, stemming and query building: pure functions, no database."""

from __future__ import annotations

import re

import pytest

from shop.catalogue import search
from shop.catalogue.search import (
    MAX_QUERY_TERMS,
    MAX_WORD_LENGTH,
    SPELLING_VARIANTS,
    document_lexemes,
    normalise,
    stems,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Keripik Pisang", "keripik pisang"),
        ("Kripik Pisang", "keripik pisang"),
        ("Krupuk,LELE", "kerupuk lele"),
        ("Sambel Bawang", "sambal bawang"),
        ("buatan ibu-ibu", "buatan ibu ibu"),
        ("oleh2 khas Jambi", "oleh oleh khas jambi"),
        ("Kué Kering Lebaran", "kue kering lebaran"),
        ("kuker nastar", "kue kering nastar"),
        ("Tempeh & sirop coklat", "tempe sirup cokelat"),
        ("renginang / ranginang", "rengginang rengginang"),
        ("emping mlinjo", "emping melinjo"),
        ("Café Ｋopi", "cafe kopi"),
        ("abon_lele", "abon lele"),
        ("100gr 1e5abc", "100 gr 1 e 5 abc"),
        ("dan yang di dengan untuk", "dan yang di dengan untuk"),
        ("kue 年糕 🍪", "kue"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_normalise_only_emits_plain_words():
    text = normalise('Ñoño "OR" NEAR( -x:y* ) DROP TABLE product; -- 🍪 \u0301 \x00 | ||')
    assert re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", text)
    assert "|" not in text


def test_normalise_drops_overlong_words():
    assert normalise("abon " + "x" * (MAX_WORD_LENGTH + 1)) == "abon"
    assert normalise("y" * MAX_WORD_LENGTH) == "y" * MAX_WORD_LENGTH


def test_normalise_is_idempotent():
    text = "Kripik, krupuk & sambel; kuker dll; oleh2 TEMPEH 250gr"
    assert normalise(normalise(text)) == normalise(text)


def test_spelling_variants_lead_to_words_that_are_not_variants():
    for replacement in SPELLING_VARIANTS.values():
        for word in replacement.split():
            assert word not in SPELLING_VARIANTS
            assert re.fullmatch(r"[a-z]+", word)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("makanan", ["makan"]),
        ("minuman jahe", ["minum", "jahe"]),
        ("Tas Rajutan", ["tas", "rajut"]),
        ("Kripik", ["ripik"]),
        ("keripik", ["ripik"]),
        ("pengemasan", ["emas"]),
        ("kemasan 250gr", ["masan", "250", "gr"]),
    ],
)
def test_stems(raw, expected):
    assert stems(raw) == expected


def test_document_lexemes_holds_stems_then_words_per_part():
    lexemes = document_lexemes("keripik pisang | kelompok lele | renyah")
    assert lexemes == {
        "name": ["ripik", "pisang", "keripik", "pisang"],
        "meta": ["lompok", "lele", "kelompok", "lele"],
        "body": ["renyah", "renyah"],
    }
    assert document_lexemes("") == {"name": [], "meta": [], "body": []}


def test_query_terms_offer_stem_and_word():
    assert search._query_terms("Kripik LELE makanan makanan") == [
        ("ripik", "keripik"),
        ("lele",),
        ("makan", "makanan"),
    ]


def test_query_terms_are_capped():
    terms = search._query_terms(" ".join(f"kata{chr(97 + i)}" for i in range(20)))
    assert len(terms) == MAX_QUERY_TERMS
    assert search._query_terms("x" * 5000) == []
    assert search._query_terms("   ") == []
    assert search._query_terms(None) == []


def test_query_strings_quote_every_term():
    terms = search._query_terms("kripik lele")
    assert search._fts5_query(terms) == '("ripik"* OR "keripik"*) AND ("lele"*)'
    assert search._tsquery(terms) == "('ripik':* | 'keripik':*) & ('lele':*)"


@pytest.mark.parametrize(
    "hostile",
    ['"', "-", ":", "*", "OR", "NEAR(", "abon' OR 1=1 --", "🍪🍪", "a" * 5000, "\x00"],
)
def test_hostile_queries_become_plain_terms(hostile):
    for alternatives in search._query_terms(hostile):
        for alternative in alternatives:
            assert re.fullmatch(r"[a-z0-9]{1,40}", alternative)
