"""A report written out: every format reads back to the same numbers, the table shows
them as a person reads them, and the charts fit 80 columns without colour."""

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from ohjaaja.domain.reports.model import (
    Filters,
    Period,
    Report,
    Request,
    Row,
    Section,
    Settings,
)
from ohjaaja.exchange.charts import WEEKDAYS, columns, hbars, heatmap, section_chart
from ohjaaja.exchange.reports import (
    ReportFormatError,
    figure_label,
    format_value,
    report_csv,
    report_document,
    report_from_json,
    report_json,
    report_table,
    report_xlsx,
    section_label,
    sections_from_csv,
    sections_from_xlsx,
)
from ohjaaja.i18n import messages, set_language, t

HOURS = [Row("contacts", 40 + hour * 7 % 23, "count", 40, f"{hour:02d}") for hour in range(24)]
HEAT = [
    Row("contacts", (day * 24 + hour) % 9, "count", 9, f"{hour:02d}", (("weekday", name),))
    for day, name in enumerate(WEEKDAYS)
    for hour in range(24)
]
REPORT = Report(
    request=Request(
        "sample",
        Period(date(2026, 11, 1), date(2026, 11, 30)),
        Filters(lines=("ikaihmiset",), municipalities=("853", "202")),
        Settings(service_level_seconds=20, abandoned_in_service_level=False),
        {"total": "1000.50"},
    ),
    source="desk",
    generated_at=datetime(2026, 12, 1, 6, 0, 0, 123456, tzinfo=UTC),
    sections=(
        Section(
            "answers",
            (
                Row("contacts", 12345, "count", 12345),
                Row("asa", 9.375, "seconds", 1581, reference=9),
                Row("first_contact", 0.8912, "share", 1581, reference=0.89),
                Row("cost", 1234567.89, "eur", 0, group=(("municipality", "853"),)),
                Row("handling_p90", 754.0, "seconds", 311, "2026-11-03", (("line", "mipa"),)),
                Row("workers", 3.5, "workers", 20, "08"),
                Row("need", '=HYPERLINK("x")', "text", 1, group=(("group", "-older"),)),
                Row("need", "-2 days", "text", 1),
                Row("asa", None, "seconds", 0, "2026-11-04"),
            ),
            notes=("service level: within 20 s, abandoned left out",),
        ),
        Section("by_hour", tuple(HOURS), chart="bars"),
        Section("heatmap", tuple(HEAT), chart="heatmap"),
        Section("empty", ()),
    ),
)


def rows_only(report: Report) -> tuple[Section, ...]:
    """What CSV and XLSX hold: sections' rows (not their charts or notes); a section
    without rows has no row to be read back from."""
    return tuple(Section(s.key, s.rows) for s in report.sections if s.rows)


def test_csv_reads_back_the_same_numbers() -> None:
    assert sections_from_csv(report_csv(REPORT)) == rows_only(REPORT)


def test_csv_cells_are_inert_and_numbers_are_numbers() -> None:
    text = report_csv(REPORT)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["value"] == "12345" and rows[1]["value"] == "9.375"
    assert rows[6]["value"] == '\'=HYPERLINK("x")'  # a spreadsheet would run it
    assert rows[6]["group"] == "group=-older"  # not starting with a formula character
    assert rows[7]["value"] == "'-2 days"
    assert rows[1]["reference"] == "9" and rows[0]["reference"] == ""


def test_json_reads_back_the_whole_report() -> None:
    assert report_from_json(report_json(REPORT)) == REPORT
    document = json.loads(report_json(REPORT))
    assert document["request"]["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert document["sections"][0]["rows"][3]["group"] == [["municipality", "853"]]
    assert document["generated_at"] == "2026-12-01T06:00:00.123456Z"


def test_xlsx_reads_back_the_same_numbers_as_numbers() -> None:
    data = report_xlsx(REPORT)
    assert sections_from_xlsx(data) == rows_only(REPORT)
    sheet = load_workbook(io.BytesIO(data))["report"]
    header = [cell.value for cell in sheet[1]]
    share = sheet[4]  # the first-contact resolution
    assert share[header.index("value")].value == 0.8912
    assert share[header.index("value")].number_format == "0.0%"
    assert share[header.index("unit")].value == "share"
    assert isinstance(sheet[2][header.index("n")].value, int)
    formula = sheet[8][header.index("value")]  # text, never a formula a spreadsheet runs
    assert formula.data_type == "s" and formula.value == '=HYPERLINK("x")'


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(format="other"), "report.format"),
        (lambda d: d["request"]["period"].update(end="2026-10-01"), "request.period"),
        (
            lambda d: d["request"]["settings"].update(service_level_seconds="20"),
            "request.settings.service_level_seconds",
        ),
        (lambda d: d["request"]["settings"].update(colour=True), "request.settings.colour"),
        (lambda d: d["sections"][0]["rows"][1].update(unit="minutes"), "sections[0].rows[1].unit"),
        (lambda d: d["sections"][0]["rows"][1].pop("n"), "sections[0].rows[1].n"),
        (lambda d: d["sections"][0]["rows"][1].update(n=True), "sections[0].rows[1].n"),
        (lambda d: d["sections"][0]["rows"][3].update(group=[["a"]]), "sections[0].rows[3].group"),
        (lambda d: d["sections"][1].update(chart="pie"), "sections[1].chart"),
        (lambda d: d.update(generated_at="yesterday"), "report.generated_at"),
    ],
)
def test_a_broken_json_names_the_field(change, field: str) -> None:
    document = report_document(REPORT)
    change(document)
    with pytest.raises(ReportFormatError) as caught:
        report_from_json(json.dumps(document))
    assert caught.value.where == field


def test_values_as_finnish_and_english_write_them() -> None:
    assert format_value(12345, "count") == "12\u202f345"
    assert format_value(0.8912, "share") == "89,1\u00a0%"
    assert format_value(9.375, "seconds") == "9,4 s"
    assert format_value(754.0, "seconds") == "12 min 34 s"
    assert format_value(7300, "seconds") == "2 h 01 min"
    assert format_value(1234567.891, "eur") == "1\u202f234\u202f567,89 €"
    assert format_value(None, "share") == "–"
    set_language("en")
    assert format_value(12345, "count") == "12,345"
    assert format_value(0.8912, "share") == "89.1%"
    assert format_value(1234567.891, "eur") == "€1,234,567.89"


def test_the_table_shows_label_value_n_reference_and_definition(monkeypatch) -> None:
    table = messages()
    monkeypatch.setitem(table, "report.figure.asa", {"fi": "Keskimääräinen vastausaika"})
    monkeypatch.setitem(table, "report.define.asa", {"fi": "Jonoon tulosta vastaamiseen."})
    monkeypatch.setitem(table, "report.section.answers", {"fi": "Vastaaminen"})
    monkeypatch.setitem(table, "report.figure.handling_p90", {"fi": "Käsittelyaika, 90 % ehtii"})
    text = report_table(REPORT)
    lines = text.splitlines()
    assert lines[0] == "Raportti sample, 2026-11-01..2026-11-30 (lähde: desk)"
    assert "Vastaaminen" in lines
    asa = next(line for line in lines if line.startswith("  Keskimääräinen vastausaika "))
    assert re.sub(" +", " ", asa).endswith("9,4 s n 1\u202f581 pilotti 9 s")
    assert "  Keskimääräinen vastausaika: Jonoon tulosta vastaamiseen." in lines
    assert "  service level: within 20 s, abandoned left out" in lines
    # a label too long to stand beside its numbers has a line of its own, never cut
    long = figure_label("handling_p90") + " 2026-11-03 · " + t("line.mipa")
    assert f"  {long}" in lines
    below = lines[lines.index(f"  {long}") + 1]
    assert below.startswith("       ") and " ".join(below.split()) == "12 min 34 s n 311"
    assert "Linjat: ikaihmiset; Kunnat: 853, 202" in lines
    assert re.sub(" +", " ", next(x for x in lines if "Turku" in x)).endswith(
        "1\u202f234\u202f567,89 € n 0"
    )
    set_language("sv")
    assert any(line.startswith("  cost Åbo ") for line in report_table(REPORT).splitlines())
    set_language("fi")
    assert "ei lukuja tältä jaksolta" in text  # the empty section says so
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    # the heat map's 168 cells are its grid, not 168 lines (their numbers: the exports)
    heat = lines[lines.index(section_label("heatmap")) :]
    assert heat[2] == "  Kunkin solun luku: --format csv, json tai xlsx"
    assert not any(line.startswith(f"  {figure_label('contacts')} ") for line in heat)
    assert sum(line.startswith("  ma ") for line in heat) == 1
    plain = report_table(REPORT, charts=False).splitlines()
    assert sum(line.startswith(f"  {figure_label('contacts')} ") for line in plain) == 1 + 24 + 168


def test_charts_fit_80_columns_and_use_no_colour() -> None:
    for section in REPORT.sections[1:3]:
        chart = section_chart(section)
        assert chart, section.key
        assert all(len(line) <= 80 for line in chart)
        assert not any("\x1b" in line for line in chart)
    bars = section_chart(REPORT.sections[1])
    assert bars[-1].split() == [f"{hour:02d}" for hour in range(24)]
    assert bars[0].startswith("62 │")  # the tallest, at the top of the scale
    long = hbars(["Mielenterveys- ja päihdetyö " * 2, "x"], [10, 5])
    assert all(len(line) <= 80 for line in long)


def test_columns_scale_and_fall_back_to_bars_when_they_do_not_fit() -> None:
    chart = columns(["a", "b"], [8, 4], height=2)
    assert chart[0] == "8 │█"
    assert chart[1] == "  │█ █"
    assert (
        columns([f"label{i}" for i in range(30)], list(range(30)))[0]
        .lstrip()
        .startswith("label0 │")
    )


def test_the_heatmap_shades_by_weekday_and_hour_with_a_legend() -> None:
    chart = section_chart(REPORT.sections[2])
    assert chart[0].split()[:3] == ["00", "01", "02"]
    monday = chart[1]
    assert monday.startswith("ma ·· ░░ ░░ ▒▒ ▒▒ ▓▓ ▓▓ ██ ██ ··")  # 0..8, then 0 again
    assert chart[-1].strip() == "· 0  ░ 1–2  ▒ 3–4  ▓ 5–6  █ 7–8"
    grid = heatmap(["a"], ["00", "01"], [[0, 0]])
    assert grid[1] == "a ·· ··" and grid[-1].strip() == "· 0"


def test_a_report_with_a_section_changed_is_not_equal() -> None:
    # the round trips above would pass on a comparison that ignores the rows
    changed = replace(REPORT, sections=(replace(REPORT.sections[0], rows=()),))
    assert report_from_json(report_json(changed)) != REPORT
