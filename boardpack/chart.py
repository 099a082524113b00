"""One metric's SPC chart as inline SVG, drawn here rather than by a plotting library.

An SPC chart is a few lines and dots: the monthly values joined up, the mean, the control limits,
the target, and each point coloured by its variation in the Making Data Count colours (blue for
improvement, orange for concern, purple for special cause on a neutral metric, grey otherwise).
Drawing it directly keeps the pack free of a plotting stack and byte-stable: every coordinate is
written with fixed decimals, and nothing carries a date or a random id.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape

from boardpack.content import Metric
from boardpack.words import axis_words, short_month_words

WIDTH, HEIGHT = 460.0, 180.0
LEFT, RIGHT, TOP, BOTTOM = 50.0, 22.0, 10.0, 24.0

COLOURS = {
    "improvement": "#289de0",
    "concern": "#f5a623",
    "special_cause": "#5b2c83",
    "common_cause": "#8a8d8f",
    "value_line": "#6c7378",
    "mean": "#212b32",
    "limit": "#6c7378",
    "target": "#d5281b",
    "grid": "#e8edee",
    "text": "#4c6272",
}


def _nice_step(span: float, ticks: int = 4) -> float:
    """A tick step of 1, 2, 2.5 or 5 times a power of ten, giving about `ticks` ticks."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
        f' stroke="{colour}" stroke-width="1.2"{dashes}/>'
    )


def spc_chart(metric: Metric) -> str:
    """The metric's SPC chart up to the pack's month, as an `<svg>` element."""
    points = [p for p in metric.points if p.value is not None]
    if not points:
        return (
            f'<svg class="chart" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="img">'
            f'<text x="{WIDTH / 2:.1f}" y="{HEIGHT / 2:.1f}" text-anchor="middle"'
            f' fill="{COLOURS["text"]}" font-size="12">No values yet</text></svg>'
        )
    target = metric.target if metric.polarity != "neutral" else None
    values = [p.value for p in points if p.value is not None]
    levels = [*values, *(v for v in (metric.mean, metric.ucl, metric.lcl, target) if v is not None)]
    low, high = min(levels), max(levels)
    if high - low < 1e-12:
        low, high = low - max(abs(low) * 0.1, 1e-3), high + max(abs(high) * 0.1, 1e-3)
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step

    first = _month_index(metric.points[0].period_end)
    months = max(_month_index(metric.month_end) - first, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: dt.date) -> float:
        return LEFT + (_month_index(day) - first) / months * plot_w

    def y_of(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" role="img"'
        f' aria-label="{escape(metric.title)}: SPC chart">'
    ]
    ticks = round((high - low) / step)
    for number in range(ticks + 1):
        value = low + number * step
        y = y_of(value)
        parts.append(_line(LEFT, y, WIDTH - RIGHT, y, COLOURS["grid"]))
        parts.append(
            f'<text x="{LEFT - 6:.1f}" y="{y + 3.5:.1f}" text-anchor="end" font-size="10"'
            f' fill="{COLOURS["text"]}">{escape(axis_words(value, metric.unit, step))}</text>'
        )
    every = max(1, math.ceil((months + 1) / 8))
    last = _month_index(metric.month_end)
    for index in range(first, last + 1):
        if (last - index) % every == 0:
            year, month = divmod(index, 12)
            label = short_month_words(dt.date(year, month + 1, 1))
            x = LEFT + (index - first) / months * plot_w
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8:.1f}" text-anchor="middle" font-size="10"'
                f' fill="{COLOURS["text"]}">{label}</text>'
            )
    for level, colour, dash in (
        (metric.ucl, COLOURS["limit"], "5 3"),
        (metric.lcl, COLOURS["limit"], "5 3"),
        (metric.mean, COLOURS["mean"], ""),
        (target, COLOURS["target"], "2 3"),
    ):
        if level is not None and low <= level <= high:
            parts.append(_line(LEFT, y_of(level), WIDTH - RIGHT, y_of(level), colour, dash))
    segment: list[str] = []
    previous = None
    for point in metric.points:
        joined = previous is not None and _month_index(point.period_end) - previous == 1
        if point.value is None or not joined:
            if len(segment) > 1:
                parts.append(_polyline(segment))
            segment = []
        if point.value is not None:
            segment.append(f"{x_of(point.period_end):.1f},{y_of(point.value):.1f}")
            previous = _month_index(point.period_end)
        else:
            previous = None
    if len(segment) > 1:
        parts.append(_polyline(segment))
    for point, value in zip(points, values, strict=True):
        special = point.special_cause and point.variation in COLOURS
        colour = COLOURS[point.variation or ""] if special else COLOURS["common_cause"]
        parts.append(
            f'<circle cx="{x_of(point.period_end):.1f}" cy="{y_of(value):.1f}" r="3.2"'
            f' fill="{colour}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _polyline(coordinates: list[str]) -> str:
    return (
        f'<polyline points="{" ".join(coordinates)}" fill="none"'
        f' stroke="{COLOURS["value_line"]}" stroke-width="1.4"/>'
    )
