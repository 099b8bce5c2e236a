"""The benchmark generator's short codes: one per id, never a collision, in
the app's own alphabet and lengths (bench/generate.py's bench_code)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from shop.core.short_codes import ALPHABET, GROUP_CODE_LENGTH, PRODUCT_CODE_LENGTH, normalise

GENERATE = Path(__file__).resolve().parents[3] / "bench" / "generate.py"


@pytest.fixture(scope="module")
def bench_code():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.bench_code


def test_every_length_two_code_once(bench_code):
    codes = [bench_code(n, 2) for n in range(len(ALPHABET) ** 2)]
    assert sorted(codes) == sorted(a + b for a in ALPHABET for b in ALPHABET)


def test_a_million_products_and_50000_groups_never_collide(bench_code):
    products = {bench_code(n, PRODUCT_CODE_LENGTH) for n in range(1, 1_000_001)}
    groups = {bench_code(n, GROUP_CODE_LENGTH) for n in range(1, 50_001)}
    assert len(products) == 1_000_000
    assert len(groups) == 50_000
    for code in list(products)[:1000] + list(groups)[:1000]:
        assert normalise(code) == code  # the app's alphabet and lengths


def test_no_code_beyond_the_codes_of_a_length(bench_code):
    with pytest.raises(ValueError):
        bench_code(len(ALPHABET) ** GROUP_CODE_LENGTH, GROUP_CODE_LENGTH)
