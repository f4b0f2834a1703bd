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

from collections.abc import Sequence

from ohjaaja.domain.reports.model import Section
from ohjaaja.i18n import t

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
    steps = len(SHADES) - 1

    def shade(value: float) -> str:
        if value <= 0 or not top:
            return SHADES[0]
        return SHADES[min(steps, int((value / top) * steps - 1e-9) + 1)]

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
    for step in range(1, steps + 1):
        low, high = top * (step - 1) / steps, top * step / steps
        legend.append(f"{SHADES[step]} {_count(round(low, 1))}–{_count(round(high, 1))}")
    lines.append("")
    lines.append(" " * (name + 1) + "  ".join(legend))
    return lines


def _label(interval: str, group: tuple[tuple[str, str], ...]) -> str:
    parts = [interval] if interval else []
    parts += [value for _key, value in group]
    return " ".join(parts)


def section_chart(section: Section, width: int = WIDTH) -> list[str]:
    """The chart a section asks for, from its broken-down rows of its first such
    figure (a total for the period is left out): bars and
    histogram by each row's interval (and breakdown), heatmap by weekday and hour,
    read from the interval and the breakdown wherever they are ("mon 08", or interval
    "08" with ("weekday", "mon"))."""
    broken_down = [row for row in section.rows if row.interval or row.group]
    figure = broken_down[0].figure if broken_down else None
    rows = [
        row for row in broken_down if row.figure == figure and isinstance(row.value, int | float)
    ]
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
    labels = [_label(row.interval, row.group) for row in rows]
    values = [_number(row.value) for row in rows]
    if section.chart == "bars":
        return columns(labels, values, width=width)
    return hbars(labels, values, width)
