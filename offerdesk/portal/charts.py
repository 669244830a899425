"""Charts drawn on the server as SVG (ADR 27): bars laid out here, drawn by `portal/charts/bars.svg`, no script
and nothing from outside. A chart is an image with a title; its figures are always in a table beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 480
BAR = 22  # a horizontal bar's height, a column's width
GAP = 10
LABEL = 170  # room for a horizontal bar's label
TOP, BOTTOM = 12, 34  # room above columns, and below them for their labels
COLUMN_HEIGHT = 160


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # the value as the table writes it
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    horizontal: bool
    bars: list[Bar]
    width: int
    height: int
    baseline: float

    @property
    def empty(self) -> bool:
        return not any(b.value for b in self.bars)


def _scale(values: Sequence[Decimal | int], room: float) -> Callable[[Decimal | int], float]:
    top = max((Decimal(v) for v in values), default=Decimal(0))
    if top <= 0:
        return lambda v: 0.0
    return lambda v: float(Decimal(max(v, 0)) / top) * room


def bar_chart(
    key: str,
    title: str,
    data: Sequence[tuple[str, Decimal | int]],
    *,
    horizontal: bool = True,
    write: Callable[[Decimal | int], str] = str,
) -> Chart:
    """Bars for (label, value) pairs: horizontal with their labels at the left, or columns with labels below."""
    values = [v for _, v in data]
    bars = []
    if horizontal:
        room = WIDTH - LABEL - 90
        scale = _scale(values, room)
        for i, (label, value) in enumerate(data):
            y = GAP + i * (BAR + GAP)
            w = scale(value)
            bars.append(
                Bar(
                    label, value, write(value), LABEL, y, w, BAR, LABEL + w + 6, y + BAR * 0.7, LABEL - 8, y + BAR * 0.7
                )
            )
        return Chart(key, title, True, bars, WIDTH, GAP + len(data) * (BAR + GAP), LABEL)
    step = max(BAR + GAP, (WIDTH - GAP) / max(len(data), 1))
    width = min(BAR * 1.6, step - GAP)
    scale = _scale(values, COLUMN_HEIGHT - 14)
    baseline = TOP + COLUMN_HEIGHT
    for i, (label, value) in enumerate(data):
        h = scale(value)
        x = GAP + i * step
        centre = x + width / 2
        bars.append(
            Bar(label, value, write(value), x, baseline - h, width, h, centre, baseline - h - 4, centre, baseline + 16)
        )
    return Chart(key, title, False, bars, WIDTH, int(baseline + BOTTOM), baseline)
