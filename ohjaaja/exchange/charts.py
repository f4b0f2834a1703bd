"""Charts drawn as lines of plain text, without colour: the CLI prints them and the
reports screen shows them (each line in a plain-text widget). Shapes and shades carry
everything, so they read the same on a monochrome terminal, under NO_COLOR and in a
log file.

A small renderer of our own rather than a plotting library: plotext (6.x) draws its
heat maps in colour and the others (asciichartpy) draw only line charts; what a
report needs is three shapes at 80 columns.

- columns: one column per label (contacts by hour), eighth blocks for resolution;
- hbars: one line per label (the answer-time distribution), the count at the end;
- heatmap: a grid (weekday x hour) of shade characters, with the legend of what
  each shade stands for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

from ohjaaja.domain.reference import Municipality, municipalities
from ohjaaja.domain.reports.model import Row, Section
from ohjaaja.i18n import get_language, t

WIDTH = 80
EIGHTHS = " ▁▂▃▄▅▆▇█"  # vertical: 0..8 eighths of a cell
PARTS = " ▏▎▍▌▋▊▉█"  # horizontal
SHADES = "·░▒▓█"  # the heat map: nothing, then four steps
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = tuple(f"{hour:02d}" for hour in range(24))


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _count(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def columns(
    labels: Sequence[str], values: Sequence[float], height: int = 8, width: int = WIDTH
) -> list[str]:
    """A column per label, the tallest `height` lines high, the scale on the left and
    each label under its column. More labels than fit: hbars instead."""
    top = max((_number(v) for v in values), default=0.0)
    scale = len(_count(top))
    room = width - scale - 2
    cell = min(max(len(label) for label in labels) + 1, room // len(labels)) if labels else 0
    if not labels or cell < 2 or any(len(label) >= cell for label in labels):
        return hbars(labels, values, width)
    bar = cell - 1
    lines = []
    for level in range(height, 0, -1):
        marks = ""
        for value in values:
            eighths = round(_number(value) / top * height * 8) if top else 0
            filled = min(max(eighths - (level - 1) * 8, 0), 8)
            marks += (EIGHTHS[filled] * bar).ljust(cell)
        axis = _count(top) if level == height else ("0" if level == 1 and not top else "")
        lines.append(f"{axis:>{scale}} │{marks}".rstrip())
    lines.append(" " * scale + " └" + "─" * (cell * len(labels)))
    lines.append(" " * (scale + 2) + "".join(label.ljust(cell) for label in labels).rstrip())
    return lines


def hbars(labels: Sequence[str], values: Sequence[float], width: int = WIDTH) -> list[str]:
    """One line per label: the label, a bar in eighths, the value."""
    top = max((_number(v) for v in values), default=0.0)
    name = max((len(label) for label in labels), default=0)
    number = max((len(_count(_number(v))) for v in values), default=1)
    room = max(width - name - number - 4, 1)
    lines = []
    for label, value in zip(labels, values, strict=True):
        eighths = round(_number(value) / top * room * 8) if top else 0
        bar = "█" * (eighths // 8) + (PARTS[eighths % 8] if eighths % 8 else "")
        lines.append(f"{label:>{name}} │{bar.ljust(room)} {_count(_number(value)):>{number}}")
    return lines


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    cells: Sequence[Sequence[float]],
    row_names: Sequence[str] | None = None,
    width: int = WIDTH,
) -> list[str]:
    """rows x cols of shades; the legend gives each shade's range. Column labels are
    shown every few columns so that they fit (hours: 00 03 06 ...)."""
    names = list(row_names or rows)
    name = max((len(n) for n in names), default=0)
    cell = 3 if name + 1 + 3 * len(cols) <= width else 2
    if name + 1 + cell * len(cols) > width:
        cell = 1
    top = max((_number(v) for row in cells for v in row), default=0.0)
    bounds = _bounds(top, len(SHADES) - 1, all(float(v).is_integer() for r in cells for v in r))

    def shade(value: float) -> str:
        if value <= 0:
            return SHADES[0]
        # of shades with the same bound (few contacts), the darkest: the top is always █
        bound = next(b for b in bounds if value <= b)
        return SHADES[len(bounds) - bounds[::-1].index(bound)]

    lines = []
    every = max(1, -(-3 // cell))  # a label (2 characters and a gap) every this many
    header = ""
    for index, label in enumerate(cols):
        header += (label if index % every == 0 else "").ljust(cell)
    lines.append(" " * (name + 1) + header.rstrip())
    for row_name, row in zip(names, cells, strict=True):
        if cell > 2:  # a gap between cells, so that columns line up under their labels
            marks = "".join(shade(_number(v)) * (cell - 1) + " " for v in row)
        else:
            marks = "".join(shade(_number(v)) * cell for v in row)
        lines.append(f"{row_name:>{name}} {marks}".rstrip())
    legend = [f"{SHADES[0]} 0"]
    low = 0.0
    for step, bound in enumerate(bounds, 1):
        if bounds[step : step + 1] == [bound] or bound <= low:
            continue  # the darker shade with this bound stands for it
        first = _count(low + 1) if float(bound).is_integer() else f">{_count(low)}"
        shown = first if first == _count(bound) else f"{first}–{_count(bound)}"
        legend.append(f"{SHADES[step]} {shown}")
        low = bound
    lines.append("")
    lines.append(" " * (name + 1) + "  ".join(legend))
    return lines


def _bounds(top: float, steps: int, whole: bool) -> list[float]:
    """The upper bound of each shade: even steps up to the top, whole numbers for
    counts (a shade covers 1-3, the next 4-6, ...)."""
    if whole:
        return [float(math.ceil(top * step / steps)) for step in range(1, steps + 1)]
    return [round(top * step / steps, 1) for step in range(1, steps)] + [top]


def text_or(key: str, fallback: str) -> str:
    """The message, or `fallback` when there is none (t gives back the key)."""
    text = t(key)
    return fallback if text == key else text


def place(row: Row, separator: str = " · ") -> str:
    """A row's interval and breakdown as a person reads them: a weekday, a line, a
    channel by their names (messages day.*, line.*, channel.*, report.<key>.<code>),
    a municipality by its name in the reader's language, anything else as it is."""
    parts = [text_or(f"day.{row.interval}", row.interval)] if row.interval else []
    for key, value in row.group:
        shown = value
        if key == "municipality":
            shown = _municipality_names().get(value, value)
        for candidate in (f"{key}.{value}", f"report.{key}.{value}", f"day.{value}"):
            shown = text_or(candidate, shown)
        parts.append(shown)
    return separator.join(parts)


@cache
def _places() -> dict[str, Municipality]:
    return municipalities()


def _municipality_names() -> dict[str, str]:
    swedish = get_language() == "sv"
    return {code: m.name_sv if swedish else m.name_fi for code, m in _places().items()}


def charted(section: Section) -> list[Row]:
    """The rows a section's chart draws: the broken-down rows (an interval or a
    breakdown) of its first such figure, with numbers; none without a chart."""
    broken_down = [row for row in section.rows if row.interval or row.group]
    figure = broken_down[0].figure if broken_down else None
    if section.chart is None:
        return []
    return [r for r in broken_down if r.figure == figure and isinstance(r.value, int | float)]


def section_chart(section: Section, width: int = WIDTH) -> list[str]:
    """The chart a section asks for, from its broken-down rows of its first such
    figure (a total for the period is left out): bars and
    histogram by each row's interval (and breakdown), heatmap by weekday and hour,
    read from the interval and the breakdown wherever they are ("mon 08", or interval
    "08" with ("weekday", "mon"))."""
    rows = charted(section)
    if section.chart is None or not rows:
        return []
    if section.chart == "heatmap":
        grid = {day: [0.0] * len(HOURS) for day in WEEKDAYS}
        for row in rows:
            tokens = row.interval.replace("T", " ").split() + [v for _k, v in row.group]
            day = next((x for x in tokens if x in WEEKDAYS), None)
            hour = next((x for x in tokens if x in HOURS), None)
            if day is not None and hour is not None:
                grid[day][HOURS.index(hour)] += _number(row.value)
        names = [t(f"day.{day}") for day in WEEKDAYS]
        return heatmap(WEEKDAYS, HOURS, [grid[day] for day in WEEKDAYS], names, width)
    labels = [place(row, " ") for row in rows]
    values = [_number(row.value) for row in rows]
    if section.chart == "bars":
        return columns(labels, values, width=width)
    return hbars(labels, values, width)
