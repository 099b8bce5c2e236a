"""Bar charts as geometry: the numbers are turned into SVG coordinates here and
`_macros/charts.html` only draws them.

Column charts (a bar per item, stacked parts) serve the group's sales page and
the monitoring page by month; row charts (a horizontal bar per programme,
region or group, with room for long names) serve monitoring. Both sit under a
scale of round steps. What a bar stands for (sales, paid or not) is the
caller's: a `ChartItem` is a label, a title and its parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_compact_decimal
from flask_babel import get_locale


@dataclass(frozen=True)
class Segment:
    css_class: str
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    width: float
    segments: tuple[Segment, ...]
    # The bar's own accessible name (an SVG <title>): its label and numbers.
    title: str = ""


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """Everything `_macros/charts.html` draws, in SVG user units."""

    width: int
    height: int
    left: int
    right: int
    label_y: float
    bars: list[Bar]
    ticks: list[Tick]


@dataclass(frozen=True)
class ChartItem:
    """One bar to draw: a short axis label, the bar's title (its full name and
    numbers, read by screen readers and shown on hover) and the stacked parts
    as (css class, value), drawn in order from the axis outwards."""

    label: str
    title: str
    parts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(value for _, value in self.parts)


def nice_step(largest: int, steps: int = 4) -> int:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) so that `steps` steps reach `largest`."""
    if largest <= 0:
        return 1
    raw = largest / steps
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return max(1, int(factor * magnitude))
    return 10 * magnitude


def tick_label(value: int, money: bool) -> str:
    compact = format_compact_decimal(value, locale=get_locale())
    return "Rp" + compact if money else compact


def _scale(items: Sequence[ChartItem], steps: int = 4) -> tuple[int, int]:
    """The step and the top of the axis: a whole number of round steps."""
    largest = max((item.total for item in items), default=0)
    step = nice_step(largest, steps)
    return step, step * -(-largest // step)


def column_chart(
    items: Sequence[ChartItem], *, money: bool = True, width: int = 360, height: int = 200
) -> BarChart:
    """A vertical bar per item under a scale of round steps."""
    left, right, top, bottom = 64, width - 4, 8, height - 22
    step, top_value = _scale(items)
    scale = (bottom - top) / top_value if top_value else 0.0
    slot = (right - left) / max(1, len(items))
    bars = []
    for i, item in enumerate(items):
        segments, base = [], float(bottom)
        for css_class, amount in item.parts:
            if amount > 0:
                size = amount * scale
                base -= size
                segments.append(Segment(css_class, round(base, 2), round(size, 2)))
        bars.append(
            Bar(
                label=item.label,
                x=round(left + i * slot + slot * 0.15, 2),
                width=round(slot * 0.7, 2),
                segments=tuple(segments),
                title=item.title,
            )
        )
    ticks = [
        Tick(round(bottom - value * scale, 2), tick_label(value, money))
        for value in range(0, top_value + 1, step)
    ]
    return BarChart(width, height, left, right, height - 6, bars, ticks)


@dataclass(frozen=True)
class RowSegment:
    css_class: str
    x: float
    width: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    title: str
    y: float
    height: float
    text_y: float
    segments: tuple[RowSegment, ...]


@dataclass(frozen=True)
class RowTick:
    x: float
    label: str


@dataclass(frozen=True)
class RowChart:
    """A horizontal bar per item: names at the left, the scale at the bottom."""

    width: int
    height: int
    left: int
    top: int
    bottom: int
    label_x: int
    tick_y: float
    rows: list[ChartRow]
    ticks: list[RowTick]


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def row_chart(
    items: Sequence[ChartItem],
    *,
    money: bool = True,
    width: int = 360,
    label_width: int = 150,
    row_height: int = 20,
) -> RowChart:
    """Bars from left to right under a scale of round steps; labels are cut
    to fit (the bar's title keeps the whole name)."""
    left, right, top = label_width, width - 24, 4
    bottom = top + row_height * max(1, len(items))
    # Tick labels like "Rp750 rb" need about 70 units each, or they overlap.
    step, top_value = _scale(items, steps=max(1, min(4, (right - left) // 70)))
    scale = (right - left) / top_value if top_value else 0.0
    rows = []
    for i, item in enumerate(items):
        y = top + i * row_height
        segments, start = [], float(left)
        for css_class, amount in item.parts:
            if amount > 0:
                size = amount * scale
                segments.append(RowSegment(css_class, round(start, 2), round(size, 2)))
                start += size
        rows.append(
            ChartRow(
                label=_short(item.label, label_width // 7),
                title=item.title,
                y=y + 3,
                height=row_height - 6,
                text_y=y + row_height / 2 + 4,
                segments=tuple(segments),
            )
        )
    ticks = [
        RowTick(round(left + value * scale, 2), tick_label(value, money))
        for value in range(0, top_value + 1, step)
    ]
    return RowChart(width, bottom + 20, left, top, bottom, left - 4, bottom + 14, rows, ticks)
