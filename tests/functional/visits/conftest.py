"""A group in a Jambi UPPKA coordinator's scope, a ketua of it, and visits."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from shop.core.clock import jakarta_today
from shop.groups.models import Programme
from tests.factories import CoordinatorFactory, GroupFactory, MembershipFactory


@pytest.fixture
def today():
    return jakarta_today()


@pytest.fixture
def coordinator(app_ctx):
    return CoordinatorFactory(programmes=[Programme.UPPKA], regions=["15"])


@pytest.fixture
def group(app_ctx):
    return GroupFactory(
        name="Kelompok UPPKA Sejahtera",
        programme=Programme.UPPKA,
        province_code="15",
        regency_code="15.71",
        district_code=None,
    )


@pytest.fixture
def elsewhere(app_ctx):
    """A JPS TKM group in Jawa Barat: outside `coordinator`'s scope."""
    return GroupFactory(
        programme=Programme.JPS_TKM, province_code="32", regency_code="32.73", district_code=None
    )


@pytest.fixture
def ketua(group):
    return MembershipFactory(group=group).user


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
