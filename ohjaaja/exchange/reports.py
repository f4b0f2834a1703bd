"""A report (ohjaaja.domain.reports.model) written out: the terminal's table, CSV, JSON
and XLSX, and read back from CSV, JSON and XLSX. Every format has one row per figure,
interval and breakdown, with the same columns, so each gives the screen's numbers.

Columns (CSV and XLSX): section, figure, label, interval, group, value, unit, n,
reference. `group` is the breakdown as `key=value;key=value`; `label` is the figure's
name in the language it was written in (for people: reading ignores it). Numbers are
numbers: a share is a fraction (0.89, unit "share"), seconds are seconds, euros are
euros; the unit is in its own column. CSV cells follow exports.py's inert-cell rule.

JSON (`report_json`, read back by `report_from_json`: the server sends it so):

    {"format": "ohjaaja-report", "version": 1,
     "request": {"name": "contacts",
                 "period": {"start": "2026-11-01", "end": "2026-11-30"},
                 "filters": {"lines": [...], "channels": [...], "municipalities": [...]},
                 "settings": {"service_level_seconds": 30, ...},   # model.Settings
                 "extra": {}},
     "source": "desk",                      # or the server's URL
     "generated_at": "2026-12-01T06:00:00.000000Z",
     "sections": [{"key": "by_channel", "chart": "bars" | "heatmap" | "histogram" | null,
                   "notes": [...],
                   "rows": [{"figure": "contacts", "value": 12, "unit": "count", "n": 12,
                             "interval": "", "group": [["channel", "phone"]],
                             "reference": null}]}]}
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import asdict, fields
from datetime import date
from typing import Any, cast, get_args

from ohjaaja.domain.clock import from_iso, to_iso
from ohjaaja.domain.reports.model import (
    Filters,
    Period,
    Report,
    Request,
    Row,
    Section,
    Settings,
    Unit,
    Value,
)
from ohjaaja.domain.reports.notes import note_text
from ohjaaja.exchange.charts import WIDTH, charted, place, section_chart, text_or
from ohjaaja.exchange.exports import csv_text, read_cell
from ohjaaja.i18n import get_language, t

FORMAT = "ohjaaja-report"
VERSION = 1
COLUMNS = ("section", "figure", "label", "interval", "group", "value", "unit", "n", "reference")
UNITS: tuple[str, ...] = get_args(Unit)
CHARTS = ("bars", "heatmap", "histogram")


class ReportFormatError(ValueError):
    """A file that is not a report this version wrote: names the field and why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


# --- labels and numbers, as a person reads them ---------------------------------------


def figure_label(figure: str) -> str:
    return text_or(f"report.figure.{figure}", figure)


def definition(figure: str) -> str:
    return text_or(f"report.define.{figure}", "")


def section_label(key: str) -> str:
    return text_or(f"report.section.{key}", key)


def _grouped(number: float, decimals: int) -> str:
    """Thousands grouped and the decimal mark as the language writes them: Finnish
    and Swedish a narrow no-break space and a comma (1 234,5), English 1,234.5."""
    text = f"{number:,.{decimals}f}"
    if get_language() == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def format_value(value: Value, unit: str) -> str:
    """A value as the table and the screen show it."""
    if value is None:
        return "–"
    if isinstance(value, str) or unit == "text":
        return str(value)
    space = "" if get_language() == "en" else "\u00a0"
    if unit == "share":
        return f"{_grouped(value * 100, 1)}{space}%"
    if unit == "eur":
        return f"€{_grouped(value, 2)}" if get_language() == "en" else f"{_grouped(value, 2)} €"
    if unit == "seconds":
        return _duration(value)
    if unit == "per_hour":
        return f"{_grouped(value, 1)} /h"
    decimals = 0 if float(value).is_integer() else 1
    return _grouped(value, decimals)


def _duration(seconds: float) -> str:
    if abs(seconds) < 60:
        return f"{_grouped(seconds, 0 if float(seconds).is_integer() else 1)} s"
    whole = round(seconds)
    if abs(whole) < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


# --- the terminal's table -------------------------------------------------------------


def report_table(report: Report, width: int = WIDTH, charts: bool = True) -> str:
    """The report as text: a heading (name, period, source), then each section: its
    notes (the settings its figures depend on), one line per row (label, value, n,
    the pilot's reference), its chart, and the definition of each figure in it."""
    request = report.request
    lines = [
        t("report.heading", name=request.name, period=request.period.label, source=report.source),
    ]
    filters = _filters_text(request.filters)
    if filters:
        lines.append(filters)
    for section in report.sections:
        lines += ["", section_label(section.key), "─" * min(width, len(section_label(section.key)))]
        lines += [f"  {_note(note)}" for note in section.notes]
        rows = section.rows
        if charts and section.chart == "heatmap" and charted(section):
            # a grid of 168 cells reads better than 168 lines: the cells' numbers are
            # in the exports; the table keeps the section's other rows
            cells = {id(row) for row in charted(section)}
            rows = tuple(row for row in rows if id(row) not in cells)
            lines.append(f"  {t('report.cells_in_exports')}")
        if rows or not charts or section.chart != "heatmap":
            lines += _rows_text(rows, width)
        if charts:
            chart = section_chart(section, width - 2)
            if chart:
                lines.append("")
                lines += [f"  {line}".rstrip() for line in chart]
        defined = dict.fromkeys(row.figure for row in section.rows)
        for figure in defined:
            text = definition(figure)
            if text:
                lines += textwrap.wrap(
                    f"{figure_label(figure)}: {text}",
                    width - 2,
                    initial_indent="  ",
                    subsequent_indent="    ",
                )
    return "\n".join(lines) + "\n"


def _note(note: str) -> str:
    """A section's note (name=value) in the reader's language; one with no message
    as it is."""
    name, _, _value = note.partition("=")
    return note_text(note) if text_or(f"report.note.{name}", "") else note


def _filters_text(filters: Filters) -> str:
    parts = []
    for key, codes in (
        ("line", filters.lines),
        ("channel", filters.channels),
        ("municipality", filters.municipalities),
    ):
        if codes:
            parts.append(f"{t(f'report.filter.{key}')}: {', '.join(codes)}")
    return "; ".join(parts)


def _rows_text(rows: tuple[Row, ...], width: int) -> list[str]:
    if not rows:
        return [f"  {t('report.no_rows')}"]
    labels = []
    for row in rows:
        where = place(row)
        labels.append(f"{figure_label(row.figure)} {where}" if where else figure_label(row.figure))
    values = [format_value(row.value, row.unit) for row in rows]
    counts = [format_value(row.n, "count") for row in rows]
    references = [
        ""
        if row.reference is None
        else f"{t('report.reference')} {format_value(row.reference, row.unit)}"
        for row in rows
    ]
    value_width = max(len(v) for v in values)
    count_width = max(len(c) for c in counts)
    reference_width = max(len(r) for r in references)
    label_width = max(width - 2 - value_width - count_width - reference_width - 8, 12)
    lines = []
    for label, value, count, reference in zip(labels, values, counts, references, strict=True):
        if len(label) > label_width:  # the whole label on a line of its own, numbers below
            lines += textwrap.wrap(label, width - 2, initial_indent="  ", subsequent_indent="  ")
            label = ""
        line = f"  {label:<{label_width}}  {value:>{value_width}}  n {count:>{count_width}}"
        lines.append(f"{line}  {reference}".rstrip())
    return lines


# --- rows: what CSV and XLSX hold -----------------------------------------------------


def _group_text(group: tuple[tuple[str, str], ...]) -> str:
    return ";".join(f"{key}={value}" for key, value in group)


def _group_from(text: str, where: str) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    pairs = []
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise ReportFormatError(where, f"{part!r} is not key=value")
        pairs.append((key, value))
    return tuple(pairs)


def report_rows(report: Report) -> Iterator[list[object]]:
    """COLUMNS, then one list per row: the same for CSV and XLSX."""
    yield list(COLUMNS)
    for section in report.sections:
        for row in section.rows:
            yield [section.key, row.figure, figure_label(row.figure), row.interval,
                   _group_text(row.group), row.value, row.unit, row.n,
                   row.reference]  # fmt: skip


def _unit(text: object, where: str) -> Unit:
    if text not in UNITS:
        raise ReportFormatError(where, f"unit {text!r} is not one of {', '.join(UNITS)}")
    return cast(Unit, text)


def _number_text(text: str, unit: str, where: str) -> Value:
    """A CSV cell back to its value: text for unit text, else an int or a float."""
    if text == "":
        return None
    if unit == "text":
        return text
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise ReportFormatError(where, f"{text!r} is not a number") from None


def _sections_from(
    rows: list[dict[str, Any]], where: str, numbers_as_text: bool
) -> tuple[Section, ...]:
    """Rows (COLUMNS -> cell) back into sections, in the order they came."""
    sections: dict[str, list[Row]] = {}
    for index, cells in enumerate(rows, start=2):
        at = f"{where} row {index}"
        missing = [column for column in COLUMNS if column not in cells]
        if missing:
            raise ReportFormatError(at, f"no column {', '.join(missing)}")
        unit = _unit(cells["unit"], f"{at} unit")
        value, reference, n = cells["value"], cells["reference"], cells["n"]
        if numbers_as_text:
            value = _number_text(value, unit, f"{at} value")
            reference = _number_text(reference, unit, f"{at} reference")
            n = _number_text(n, "count", f"{at} n")
        if not isinstance(n, int):
            raise ReportFormatError(f"{at} n", f"{n!r} is not a whole number")
        sections.setdefault(str(cells["section"]), []).append(
            Row(
                figure=str(cells["figure"]),
                value=_value(value, f"{at} value"),
                unit=unit,
                n=n,
                interval=str(cells["interval"] or ""),
                group=_group_from(str(cells["group"] or ""), f"{at} group"),
                reference=_value(reference, f"{at} reference"),
            )
        )
    return tuple(Section(key, tuple(found)) for key, found in sections.items())


def _value(value: object, where: str) -> Value:
    if value is None or (isinstance(value, int | float | str) and not isinstance(value, bool)):
        return value
    raise ReportFormatError(where, f"{value!r} is not a number or a text")


def report_csv(report: Report) -> str:
    return csv_text(report_rows(report))


def sections_from_csv(text: str) -> tuple[Section, ...]:
    """The sections of a CSV report_csv wrote (their rows; notes and charts are not
    in CSV)."""
    reader = csv.DictReader(io.StringIO(text))
    rows = [{key: read_cell(cell or "") for key, cell in row.items()} for row in reader]
    return _sections_from(rows, "CSV", numbers_as_text=True)


# --- JSON -----------------------------------------------------------------------------


def report_document(report: Report) -> dict[str, Any]:
    request = report.request
    return {
        "format": FORMAT,
        "version": VERSION,
        "request": {
            "name": request.name,
            "period": {
                "start": request.period.start.isoformat(),
                "end": request.period.end.isoformat(),
            },
            "filters": {
                "lines": list(request.filters.lines),
                "channels": list(request.filters.channels),
                "municipalities": list(request.filters.municipalities),
            },
            "settings": asdict(request.settings),
            "extra": dict(request.extra),
        },
        "source": report.source,
        "generated_at": to_iso(report.generated_at),
        "sections": [
            {
                "key": section.key,
                "chart": section.chart,
                "notes": list(section.notes),
                "rows": [
                    {
                        "figure": row.figure,
                        "value": row.value,
                        "unit": row.unit,
                        "n": row.n,
                        "interval": row.interval,
                        "group": [list(pair) for pair in row.group],
                        "reference": row.reference,
                    }
                    for row in section.rows
                ],
            }
            for section in report.sections
        ],
    }


def report_json(report: Report) -> str:
    return json.dumps(report_document(report), ensure_ascii=False, indent=1) + "\n"


def _field(mapping: object, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(mapping, Mapping):
        raise ReportFormatError(where, "is not an object")
    if key not in mapping:
        raise ReportFormatError(f"{where}.{key}", "is missing")
    value = mapping[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        raise ReportFormatError(f"{where}.{key}", f"{value!r} is not of the right kind")
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _texts(mapping: object, key: str, where: str) -> tuple[str, ...]:
    values = _field(mapping, key, list, where)
    if not all(isinstance(value, str) for value in values):
        raise ReportFormatError(f"{where}.{key}", "holds something other than texts")
    return tuple(values)


def _day(mapping: object, key: str, where: str) -> date:
    text = _field(mapping, key, str, where)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportFormatError(f"{where}.{key}", f"{text!r} is not a day") from None


def report_from_json(source: str | bytes | Mapping[str, Any]) -> Report:
    """A Report from report_json's text (or its parsed document); ReportFormatError
    names the first field that is wrong."""
    if isinstance(source, str | bytes):
        try:
            document = json.loads(source)
        except ValueError as exc:
            raise ReportFormatError("JSON", str(exc)) from None
    else:
        document = source
    if _field(document, "format", str, "report") != FORMAT:
        raise ReportFormatError("report.format", f"is not {FORMAT!r}")
    if _field(document, "version", int, "report") != VERSION:
        raise ReportFormatError("report.version", f"this ohjaaja reads version {VERSION}")
    request = _field(document, "request", dict, "report")
    period = _field(request, "period", dict, "request")
    filters = _field(request, "filters", dict, "request")
    settings = _field(request, "settings", dict, "request")
    known = {f.name: f for f in fields(Settings)}
    for key, value in settings.items():
        if key not in known:
            raise ReportFormatError(f"request.settings.{key}", "is not a setting")
        kind = type(getattr(Settings(), key))
        if type(value) is not kind:
            raise ReportFormatError(
                f"request.settings.{key}", f"{value!r} is not a {kind.__name__}"
            )
    extra = _field(request, "extra", dict, "request")
    if not all(isinstance(v, str) for v in extra.values()):
        raise ReportFormatError("request.extra", "holds something other than texts")
    try:
        span = Period(
            _day(period, "start", "request.period"), _day(period, "end", "request.period")
        )
    except ReportFormatError:
        raise
    except ValueError as exc:
        raise ReportFormatError("request.period", str(exc)) from None
    generated = _field(document, "generated_at", str, "report")
    try:
        generated_at = from_iso(generated)
    except ValueError:
        raise ReportFormatError("report.generated_at", f"{generated!r} is not a time") from None
    sections = []
    for index, section in enumerate(_field(document, "sections", list, "report")):
        where = f"sections[{index}]"
        chart = section.get("chart") if isinstance(section, dict) else None
        if chart is not None and chart not in CHARTS:
            raise ReportFormatError(
                f"{where}.chart", f"{chart!r} is not one of {', '.join(CHARTS)}"
            )
        rows = []
        for number, row in enumerate(_field(section, "rows", list, where)):
            at = f"{where}.rows[{number}]"
            group = _field(row, "group", list, at)
            if not all(
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
                for pair in group
            ):
                raise ReportFormatError(f"{at}.group", "is not a list of [key, value] pairs")
            rows.append(
                Row(
                    figure=_field(row, "figure", str, at),
                    value=_value(_field(row, "value", object, at), f"{at}.value"),
                    unit=_unit(_field(row, "unit", str, at), f"{at}.unit"),
                    n=_field(row, "n", int, at),
                    interval=_field(row, "interval", str, at),
                    group=tuple((key, value) for key, value in group),
                    reference=_value(_field(row, "reference", object, at), f"{at}.reference"),
                )
            )
        sections.append(
            Section(
                key=_field(section, "key", str, where),
                rows=tuple(rows),
                chart=chart,
                notes=_texts(section, "notes", where),
            )
        )
    return Report(
        request=Request(
            name=_field(request, "name", str, "request"),
            period=span,
            filters=Filters(
                lines=_texts(filters, "lines", "request.filters"),
                channels=_texts(filters, "channels", "request.filters"),
                municipalities=_texts(filters, "municipalities", "request.filters"),
            ),
            settings=Settings(**settings),
            extra=dict(extra),
        ),
        source=_field(document, "source", str, "report"),
        generated_at=generated_at,
        sections=tuple(sections),
    )


# --- XLSX -----------------------------------------------------------------------------

NUMBER_FORMATS = {"share": "0.0%", "eur": "#,##0.00", "seconds": "0.0"}


def report_xlsx(report: Report) -> bytes:
    """One sheet, `report`, of report_rows (numbers as numbers, shares formatted as
    percentages, the unit in its column), and a sheet `about` with the request."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = "report"
    for index, row in enumerate(report_rows(report)):
        sheet.append(["" if cell is None and index == 0 else cell for cell in row])
        for cell in sheet[index + 1]:  # openpyxl takes text starting with = for a formula
            if cell.data_type == "f":
                cell.data_type = "s"
        unit = row[6]
        for column in (6, 9):  # value, reference: shown in their unit, kept as numbers
            cell = sheet.cell(row=index + 1, column=column)
            if index and isinstance(cell.value, int | float) and unit in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[str(unit)]
    sheet.freeze_panes = "A2"
    about = book.create_sheet("about")
    request = report.request
    for key, value in (
        ("name", request.name),
        ("period", request.period.label),
        ("source", report.source),
        ("generated_at", to_iso(report.generated_at)),
        ("filters", _filters_text(request.filters)),
        *((f"settings.{k}", str(v)) for k, v in asdict(request.settings).items()),
    ):
        about.append([key, value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sections_from_xlsx(data: bytes) -> tuple[Section, ...]:
    """The sections of an XLSX report_xlsx wrote."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    if "report" not in book.sheetnames:
        raise ReportFormatError("XLSX", "no sheet 'report'")
    found = list(book["report"].iter_rows(values_only=True))
    if not found or tuple(found[0]) != COLUMNS:
        raise ReportFormatError("XLSX sheet report", f"the first row is not {', '.join(COLUMNS)}")
    rows = [dict(zip(COLUMNS, row, strict=False)) for row in found[1:]]
    return _sections_from(rows, "XLSX", numbers_as_text=False)
