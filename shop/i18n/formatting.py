"""Jinja filters for money, dates and phone numbers in the visitor's language."""

from __future__ import annotations

from datetime import date, datetime

import phonenumbers
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup


def rupiah(amount: int | None) -> str:
    """`Rp25.000` in Indonesian, `Rp25,000` in English; whole rupiah only."""
    if amount is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(
        amount, "IDR", format="'Rp'#,##0", currency_digits=False, locale=get_locale()
    )


def total(amount: int, shipping_to_follow: bool = False, html: bool = False) -> str:
    """A total as every page, message and printout writes it: `Rp25.000`, or,
    for courier delivery whose fee is agreed later, the products' total and
    `+ ongkos kirim menyusul`, the same words everywhere. `html` puts the
    amount in `<strong class="nowrap">`."""
    amount_text = rupiah(amount)
    shown = Markup('<strong class="nowrap">%s</strong>') % amount_text if html else amount_text
    if shipping_to_follow:
        shown = _("%(amount)s + shipping to follow", amount=shown)
    return Markup(shown) if html else shown


def number(value) -> str:
    return "" if value is None else format_decimal(value)


def day(value: date | datetime | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM y" if fmt == "long" else "d MMM y")
    return format_date(value, fmt)


def moment(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "d MMM y, HH.mm")


def phone_display(e164: str | None) -> str:
    """+6281234567890 → 0812-3456-7890 for Indonesian numbers, international otherwise."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 62
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def register(app: Flask) -> None:
    app.add_template_filter(rupiah)
    app.add_template_filter(number)
    app.add_template_filter(total)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(phone_display, "phone")
