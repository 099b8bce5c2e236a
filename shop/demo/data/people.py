"""The demo people, made up, with phone numbers in order and one shared password."""

from __future__ import annotations

from shop.demo.data.base import DemoPerson

DEMO_PASSWORD = "etalase-demo"

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("sri", "Sri Wahyuni", "+6281200000001"),
    DemoPerson("rahma", "Rahmawati", "+6281200000002"),
    DemoPerson("endang", "Endang Sulistyowati", "+6281200000003"),
    DemoPerson("dewi", "Dewi Kartika Sari", "+6281200000004"),
    DemoPerson("masliana", "Masliana", "+6281200000005"),
    DemoPerson("baiq", "Baiq Nurul Hidayah", "+6281200000006"),
    DemoPerson("andi", "Andi Nurhayati", "+6281200000007"),
    DemoPerson("aisyah", "Nur Aisyah", "+6281200000008"),
    DemoPerson("joko", "Joko Susilo", "+6281200000009"),
    # Coordinators (see coordinators.py)
    DemoPerson("yuliana", "Yuliana Siregar", "+6281200000010"),
    DemoPerson("wayan", "I Wayan Sudarma", "+6281200000011"),
    DemoPerson("hendra", "Hendra Gunawan", "+6281200000012"),
)


def person(key: str) -> DemoPerson:
    return next(p for p in PEOPLE if p.key == key)
