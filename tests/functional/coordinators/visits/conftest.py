"""Monitoring visits use the coordinators' fixtures (tests/functional/coordinators/
conftest.py): `jambi_uppka` is the coordinator, `group_in_scope` the group
visited, `group_out_of_scope` a group elsewhere; here, shorter names for
them, a ketua, today and a complete visit form."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from shop.core.clock import jakarta_today


@pytest.fixture
def today():
    return jakarta_today()


@pytest.fixture
def coordinator(jambi_uppka):
    return jambi_uppka


@pytest.fixture
def group(group_in_scope):
    return group_in_scope


@pytest.fixture
def elsewhere(group_out_of_scope):
    return group_out_of_scope


@pytest.fixture
def ketua(group, leader_of):
    return leader_of(group)


def jpeg(shade: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (100 + shade, 90), (shade % 256, 100, 60)).save(buf, "JPEG")
    return buf.getvalue()


def visit_form(today, **extra) -> dict:
    """A complete visit of two days ago with two recommendations."""
    return {
        "visited_on": (today - timedelta(days=2)).isoformat(),
        "met": "Bu Sari (ketua), Bu Tini (bendahara)",
        "finding_production": "Produksi 20 kg per minggu.",
        "finding_packaging": "Label belum ada nomor PIRT.",
        "finding_marketing": "",
        "finding_finance": "Buku kas rapi.",
        "finding_equipment": "",
        "recommendations-0-text": "Cetak nomor PIRT di label",
        "recommendations-0-due_on": (today + timedelta(days=12)).isoformat(),
        "recommendations-1-text": "Pisahkan uang usaha dan uang pribadi",
        "recommendations-1-due_on": (today + timedelta(days=30)).isoformat(),
        "recommendations-2-text": "",
        "recommendations-2-due_on": "",
        **extra,
    }
