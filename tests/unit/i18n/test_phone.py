import pytest

from shop.i18n.phone import normalise


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "+6281234567890",
        "62 812 3456 7890",
        "(0812) 3456 7890",
    ],
)
def test_indonesian_mobile_spellings_normalise_to_e164(raw):
    assert normalise(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["08123", "081234567", "abc", "", "+62", "0" * 40, "'; drop"])
def test_invalid_numbers_are_refused(raw):
    assert normalise(raw) is None


def test_landline_is_a_phone_but_not_a_whatsapp_number():
    assert normalise("(0741) 123456") == "+62741123456"
    assert normalise("(0741) 123456", mobile_only=True) is None


def test_foreign_numbers_with_plus_stay_valid():
    assert normalise("+60 12-345 6789") == "+60123456789"
