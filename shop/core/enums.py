"""Enums whose members carry the words people see for them."""

from __future__ import annotations

import enum

from wtforms import SelectChoice


class LabelledEnum(enum.StrEnum):
    """A StrEnum declared as `NAME = "value", _l("Label")`: the value is what
    the database stores (never change it), `label` what pages say (a lazy
    string, translated when shown)."""

    _label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def choices(cls, blank: str | None = None) -> list[SelectChoice]:
        """The members as choices of a select field, after an empty choice
        saying `blank` when one is given."""
        first = [SelectChoice("", blank)] if blank is not None else []
        return first + [SelectChoice(member.value, member.label) for member in cls]
