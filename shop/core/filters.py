"""GET filter forms: the query string read through WTForms, never a 500.

A filter form reads `request.args` (or any mapping of lists, such as a job's
saved query string). A value that cannot be used (superscript digits, a
number of forty digits, an unknown category, 2026-13-45) is left out: its
field falls back to its default, the page is shown without that filter, and
`read()` says so once in a flash message naming the filters left out. Free
text is stripped, cut to its length and loses NUL characters (PostgreSQL
refuses them). A repeated parameter counts once: the first value, as
`request.args.get` reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum

from flask import flash, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import Field

from shop.core.clock import parse_day
from shop.i18n.forms import BaseForm


def _first(valuelist: list[str]) -> str:
    return valuelist[0] if valuelist else ""


class _Filter(Field):
    """`message`: what the page says when this filter is left out (by default
    WTForms' own message for the kind of field)."""

    def __init__(self, label=None, message: str | None = None, **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def refuse(self, default: str):
        raise ValueError(self.message or self.gettext(default))


class TextFilter(_Filter):
    """Free text (a search): stripped, NUL removed, cut at `max_length`;
    with `fold_spaces` every run of white space becomes one space."""

    def __init__(self, label=None, max_length: int = 100, fold_spaces: bool = False, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(label, **kwargs)
        self.max_length = max_length
        self.fold_spaces = fold_spaces

    def process_formdata(self, valuelist):
        text = _first(valuelist).replace("\x00", "")
        text = " ".join(text.split()) if self.fold_spaces else text.strip()
        self.data = text[: self.max_length]


class NumberFilter(_Filter):
    """A whole number of ASCII digits (at most `max_digits`), or None when
    empty. `separators` are dropped first (a price typed as 25.000)."""

    def __init__(self, label=None, max_digits: int = 12, separators: str = "", **kwargs):
        super().__init__(label, **kwargs)
        self.max_digits = max_digits
        self.separators = separators

    def process_formdata(self, valuelist):
        self.data = self.object_data
        text = _first(valuelist).strip()
        for separator in self.separators:
            text = text.replace(separator, "")
        if not text:
            return
        # str.isdigit() alone lets superscripts through, which int() refuses.
        if not (text.isascii() and text.isdigit() and len(text) <= self.max_digits):
            self.refuse("Not a valid integer value.")
        self.data = int(text)


class ChoiceFilter(_Filter):
    """One of `choices` as written in the query string, or None when empty.
    `choices` is an Enum class (the data is then the member), strings, or a
    function returning strings (called when the form reads the query)."""

    def __init__(
        self,
        label=None,
        choices: type[Enum] | Iterable[str] | Callable[[], Iterable[str]] = (),
        **kwargs,
    ):
        super().__init__(label, **kwargs)
        self.enum = choices if isinstance(choices, type) and issubclass(choices, Enum) else None
        self.choices = choices

    def _allowed(self, text: str) -> bool:
        if self.enum is not None:
            return text in self.enum._value2member_map_
        choices = self.choices() if callable(self.choices) else self.choices
        return text in choices

    def process_formdata(self, valuelist):
        self.data = self.object_data
        text = _first(valuelist)
        if not text:
            return
        if not self._allowed(text):
            self.refuse("Not a valid choice.")
        self.data = self.enum(text) if self.enum else text


class DayFilter(_Filter):
    """A day written YYYY-MM-DD, from 2000 to 2099 (`parse_day`), or None."""

    def process_formdata(self, valuelist):
        self.data = self.object_data
        text = _first(valuelist).strip()
        if text:
            self.data = parse_day(text)
            if self.data is None:
                self.refuse("Not a valid date value.")


class FlagFilter(Field):
    """A check box: on when its value is `on` ("1" by default)."""

    def __init__(self, label=None, on: str = "1", **kwargs):
        kwargs.setdefault("default", False)
        super().__init__(label, **kwargs)
        self.on = on

    def process_formdata(self, valuelist):
        self.data = _first(valuelist) == self.on


class FilterForm(BaseForm):
    """The filters of a GET page. Fields that cannot be read fall back to their
    default and are listed in `ignored`; `read()` flashes them, `messages()`
    says why for a page that shows its own notes."""

    class Meta:
        csrf = False

    def __init__(self, args: Mapping | None = None, **kwargs):
        if args is None:
            args = request.args
        elif not isinstance(args, MultiDict):
            args = MultiDict(args)
        super().__init__(formdata=args, **kwargs)
        self.validate()
        self.ignored = [field for field in self if field.errors]
        for field in self.ignored:
            field.data = field.object_data

    def messages(self) -> list[str]:
        """Why each filter was left out, one line each."""
        return [str(field.errors[0]) for field in self.ignored]

    @classmethod
    def read(cls, **kwargs):
        """The form over this request's query string, telling the visitor
        which filters were left out."""
        form = cls(**kwargs)
        form.flash_ignored()
        return form

    def flash_ignored(self) -> None:
        if self.ignored:
            flash(
                _(
                    "Some filters could not be read and were left out: %(filters)s.",
                    filters=", ".join(str(field.label.text) for field in self.ignored),
                ),
                "info",
            )
