"""The reports mode (issue 17): the organiser's figures at 80x24, keyboard only.

ReportsScreen asks what to show: a report from the list (its definition beside it),
a period (the command line's words: today, this week, this month, last month, a year,
any range of days), filters (line, channel, municipality), the settings that change
figures (service level seconds, abandoned contacts counted or not) and, for the cost
shares, the total and the shares. F10 (or Enter on the list) computes it in a worker;
a bad field is named below it.

ReportScreen shows it: every figure a row of a table (label, interval or breakdown,
value, n, the pilot's figure), the settings it was computed with above, the focused
figure's definition below, and the chart of its section when it has one (bars, a
histogram, a heat map: plain text, no colour). x writes the same report to a file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ohjaaja.screens.kit.base import DeskModal, DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import channel_name, line_name, municipality_name
from ohjaaja.screens.kit.plain import DataTable, OptionList, Static
from ohjaaja.screens.kit.widgets import (
    FORM_KEYS,
    Choice,
    Said,
    T,
    Tick,
    TitleBar,
    choice,
    coded,
    desk_footer,
    field_row,
    show_field_errors,
)
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select
from textual.widgets.option_list import Option

from ohjaaja.domain.clock import local
from ohjaaja.domain.queue import CHANNELS, LINES
from ohjaaja.domain.reasons import Reason, reason
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Filters, Period, Report, Request, Row, Section, Settings
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.exchange import exports
from ohjaaja.exchange import reports as files
from ohjaaja.exchange.charts import place, section_chart
from ohjaaja.i18n import t
from ohjaaja.usecases.desk import Desk

PERIODS = ("today", "this-week", "this-month", "last-month", "year", "range")
FORMATS = ("csv", "xlsx", "json")
COST_REPORT = "costs"  # asks for the total and the shares (request.extra)
FIELDS = ("from", "to", "service_level", "total", "population_share", "population_year")


def report_names(desk: Desk) -> list[str]:
    """In a worker: every report the desk computes, in the order the registry has
    them (desk.reports imports every family, each registering its own)."""
    assert desk.reports is not None
    return list(REPORTS)


def about(name: str, today: date) -> str:
    """What a report is: its definition where it has one, and the sections it shows
    (computed on no facts: pure and quick, so every family's reports say it)."""
    text = t(f"report.about.{name}")
    parts = [] if text == f"report.about.{name}" else [text]
    try:
        sections = REPORTS[name](Facts(), Request(name, Period(today, today)))
    except (KeyError, ValueError):  # one that needs its own options (the costs' total)
        sections = ()
    if sections:
        labels = ", ".join(dict.fromkeys(files.section_label(s.key) for s in sections))
        parts.append(t("report.contains", sections=labels))
    return "\n".join(parts)


def definition(section: Section, row: Row | None) -> str:
    """The figure's definition; else its section's."""
    return (row is not None and files.definition(row.figure)) or files.definition(section.key)


def period_of(word: str, today: date) -> Period | None:
    """The period a chooser's word means today; None for a range (read from the fields)."""
    from ohjaaja.domain.reports.periods import parse_period

    if word == "range":
        return None
    return parse_period(str(today.year) if word == "year" else word, today)


def settings_text(request: Request) -> str:
    """What the figures were computed with, beside them: the settings and the filters."""
    settings, filters = request.settings, request.filters
    parts = [
        t("report.setting.service_level", seconds=settings.service_level_seconds),
        t(
            "report.setting.abandoned_in"
            if settings.abandoned_in_service_level
            else "report.setting.abandoned_out"
        ),
    ]
    parts += [line_name(code) for code in filters.lines]
    parts += [channel_name(code) for code in filters.channels]
    parts += [municipality_name(code) for code in filters.municipalities]
    return " · ".join(parts)


def export_path(desk: Desk, name: str, suffix: str) -> Path:
    return exports.export_path(desk.database, f"report-{name}", suffix, local(desk.clock.now()))


class ReportsScreen(DeskScreen[None]):
    """What to show: the report, the period, the filters and the settings."""

    # Eleven rows: every report in sight at 24 lines, so the list needs no scrollbar
    # (without colour only its thumb's ends were drawn, two stray "▁▁").
    DEFAULT_CSS = """
    ReportsScreen #report-pick { height: 11; }
    ReportsScreen #report-list { width: 24; height: 11; border: none; padding: 0; }
    ReportsScreen #report-about { width: 1fr; height: 11; padding: 0 1; }
    ReportsScreen #report-form { height: 1fr; }
    ReportsScreen .costs { display: none; }
    ReportsScreen.-costs .costs { display: block; }
    """
    BINDINGS = [
        action("show_report", "f10", "show", priority=True),
        action("go_back", "escape", "back", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.names: list[str] = []
        self._chosen_days = ("", "")  # the days the period chooser wrote in the fields

    def compose(self) -> ComposeResult:
        yield TitleBar("title.reports", self.desk.worker_name, id="title")
        with Horizontal(id="report-pick"):
            yield OptionList(id="report-list")
            yield Said("", id="report-about")
        with VerticalScroll(id="report-form", can_focus=False):
            yield field_row("report.field.period", choice(coded("report.period", PERIODS),
                                                          "period", "this-month"))  # fmt: skip
            yield field_row("report.field.from", Input(id="from", compact=True), "error-from")
            yield field_row("report.field.to", Input(id="to", compact=True), "error-to")
            yield field_row("report.field.line", self._all(coded("line", LINES), "line"))
            yield field_row(
                "report.field.channel", self._all(coded("channel", CHANNELS), "channel")
            )
            yield field_row("report.field.municipality", self._all(_municipalities, "municipality"))
            level = Input(str(Settings().service_level_seconds), id="service_level", compact=True)
            yield field_row("report.field.service_level", level, "error-service_level")
            yield field_row(
                "report.field.abandoned",
                Tick("report.abandoned_counted", Settings().abandoned_in_service_level,
                     id="abandoned"),
            )  # fmt: skip
            with Vertical(classes="costs"):
                yield field_row("report.field.total", Input(id="total", compact=True),
                                "error-total")  # fmt: skip
                yield field_row("report.field.population_share",
                                Input("70", id="population_share", compact=True),
                                "error-population_share")  # fmt: skip
                yield field_row("report.field.population_year",
                                Input("2019", id="population_year", compact=True),
                                "error-population_year")  # fmt: skip
            yield Said("", id="form-status")
        yield desk_footer()

    @staticmethod
    def _all(options: object, widget_id: str) -> Choice:
        return Choice(options, widget_id, allow_blank=True, prompt_key="report.all")  # type: ignore[arg-type]

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self._fill_period("this-month")
        self.query_one("#report-list", OptionList).focus()
        self.load()

    @db_work("reports", group="reports-list", exclusive=True)
    def load(self) -> None:
        names = report_names(self.desk)
        self.app.call_from_thread(self._show_names, names)

    def _show_names(self, names: list[str]) -> None:
        self.names = names
        self._write_names()

    def _write_names(self) -> None:
        listed = self.query_one("#report-list", OptionList)
        at = listed.highlighted or 0
        listed.clear_options()
        listed.add_options([Option(name, id=name) for name in self.names])
        if self.names:
            listed.highlighted = min(at, len(self.names) - 1)

    def retranslated(self) -> None:
        self._write_names()

    @property
    def chosen(self) -> str | None:
        listed = self.query_one("#report-list", OptionList)
        if listed.highlighted is None or not self.names:
            return None
        return self.names[listed.highlighted]

    @on(OptionList.OptionHighlighted, "#report-list")
    def _highlighted(self) -> None:
        name = self.chosen
        said = self.query_one("#report-about", Said)
        said.show(
            None if name is None else lambda: about(name, local(self.desk.clock.now()).date())
        )
        self.set_class(name == COST_REPORT, "-costs")

    @on(OptionList.OptionSelected, "#report-list")
    def _selected(self) -> None:
        self.action_show()

    @on(Select.Changed, "#period")
    def _period_chosen(self, event: Select.Changed) -> None:
        if event.value != "range":
            self._fill_period(str(event.value))

    def _fill_period(self, word: str) -> None:
        period = period_of(word, local(self.desk.clock.now()).date())
        if period is None:
            return
        self._chosen_days = (period.start.isoformat(), period.end.isoformat())
        self.query_one("#from", Input).value = self._chosen_days[0]
        self.query_one("#to", Input).value = self._chosen_days[1]

    @on(Input.Changed, "#from, #to")
    def _typed_days(self) -> None:
        """Days other than the chooser's: the period is the range they say."""
        days = self.query_one("#from", Input).value, self.query_one("#to", Input).value
        period = self.query_one("#period", Select)
        if days != self._chosen_days and period.value != "range":
            with self.prevent(Select.Changed):
                period.value = "range"

    def request(self) -> Request | None:
        """The request the form says; None (each bad field told) when it cannot be made."""
        from ohjaaja.domain.reports.periods import PeriodError, period_between

        name = self.chosen
        if name is None:
            return None
        errors: dict[str, str | Reason] = {}
        worded: dict[str, str] = {}  # reasons the period's parser gives in words
        days = self.query_one("#from", Input).value, self.query_one("#to", Input).value
        period = None
        try:
            period = period_between(days[0], days[1], local(self.desk.clock.now()).date())
        except PeriodError as error:
            errors[error.option] = "error.date"
            worded[error.option] = error.reason
        level = self.query_one("#service_level", Input).value.strip()
        if not level.isdigit() or not 1 <= int(level) <= 3600:
            errors["service_level"] = reason("report.error.seconds", level, value=level)
        extra = {}
        if name == COST_REPORT:
            extra = {key: self.query_one(f"#{key}", Input).value.strip()
                     for key in ("total", "population_share", "population_year")}  # fmt: skip
            if not extra["total"]:
                errors["total"] = "error.required"
        if errors or period is None:
            self._told(errors, worded)
            return None
        show_field_errors(self, FIELDS, {})  # the errors told before: gone
        self.query_one("#form-status", Said).clear()
        return Request(
            name,
            period,
            Filters(*(self._picked(kind) for kind in ("line", "channel", "municipality"))),
            Settings(
                service_level_seconds=int(level),
                abandoned_in_service_level=self.query_one("#abandoned", Tick).value,
                may_see_clients=self.desk.is_admin,
            ),
            extra,
        )

    def _picked(self, widget_id: str) -> tuple[str, ...]:
        value = self.query_one(f"#{widget_id}", Select).value
        return () if value is Select.NULL or not value else (str(value),)

    def _told(self, errors: dict[str, str | Reason], worded: dict[str, str]) -> None:
        """Each field's error below it, the focus on the first; a reason already in
        words (the period's) shown as it is."""
        show_field_errors(self, FIELDS, errors)
        for name, why in worded.items():
            self.query_one(f"#error-{name}", Said).update(f"⚠ {why}")

    def action_show(self) -> None:
        request = self.request()
        if request is not None:
            self.query_one("#form-status", Said).say("report.computing")
            self._compute(request)

    @db_work("report", group="report-run", exclusive=True)
    def _compute(self, request: Request) -> None:
        try:
            report = self.desk.reports.run(request)
        except ValueError as error:  # a report's refusal that names what it refused
            field = getattr(error, "field", None) or getattr(error, "option", None)
            if field is None:
                raise
            self.app.call_from_thread(self._refused, str(field), error)
            return
        self.app.call_from_thread(self._computed, report)

    def _refused(self, field: str, error: ValueError) -> None:
        """Below its field; one the form has no field for (the costs' contacts: none in
        the period) on the status line, naming it."""
        key = getattr(error, "key", None)
        params = getattr(error, "params", {})
        words = getattr(error, "reason", None) or str(error)

        def write() -> str:
            return f"⚠ {t(key, **params) if key is not None else words}"

        status = self.query_one("#form-status", Said)
        if field not in FIELDS:
            status.show(lambda: f"{field}: {write()}")
            return
        self.query_one(f"#error-{field}", Said).show(write)
        status.say("form.fix_fields", count=1)
        self.query_one(f"#{field}").focus()

    def _computed(self, report: Report) -> None:
        self.query_one("#form-status", Said).clear()
        self.app.push_screen(ReportScreen(self.desk, report))

    def action_back(self) -> None:
        self.dismiss(None)


def _municipalities() -> list[tuple[str, str]]:
    from ohjaaja.screens.kit.labels import municipality_options

    return municipality_options()


class ReportScreen(DeskScreen[None]):
    """One computed report: every figure a row; its definition and its chart below."""

    DEFAULT_CSS = """
    ReportScreen #report-settings { height: 1; }
    ReportScreen #report-figures { height: 1fr; min-height: 5; }
    ReportScreen #report-definition { height: 3; background: $boost; }
    ReportScreen #report-chart-box { height: auto; max-height: 10; }
    ReportScreen #report-chart { text-wrap: nowrap; }
    ReportScreen #status { height: auto; }
    """
    BINDINGS = [
        action("export_report", "x", "export"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, report: Report) -> None:
        super().__init__()
        self.desk = desk
        self.report = report
        # The table's rows: (section, row), row None for the section's own line.
        self.lines: list[tuple[Section, Row | None]] = []
        self.saved_to: Path | None = None
        self._charted: Section | None = None  # the section whose chart is shown

    def compose(self) -> ComposeResult:
        yield TitleBar("title.reports", self.desk.worker_name, id="title")
        yield Said("", id="report-settings")
        yield DataTable(id="report-figures", cursor_type="row", zebra_stripes=False)
        yield Said("", id="report-definition")
        with VerticalScroll(id="report-chart-box"):  # Tab to it: up and down scroll a long chart
            yield Static("", id="report-chart")
        yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self._fill()
        self.query_one("#report-figures", DataTable).focus()

    def retranslated(self) -> None:
        self._fill()

    def _fill(self) -> None:
        report = self.report
        title = f"{report.request.name} · {report.request.period.label}"
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), title)
        self.query_one("#report-settings", Said).show(lambda: settings_text(report.request))
        table = self.query_one("#report-figures", DataTable)
        at = table.cursor_row
        table.clear(columns=True)
        for key, width in (("figure", 26), ("where", 14), ("value", 12), ("n", 6), ("pilot", 8)):
            table.add_column(t(f"report.col.{key}"), width=width)
        self.lines = []
        self._charted = None  # drawn again: its words (weekdays) in the new language
        for section in report.sections:
            heading = Text(files.section_label(section.key), style="bold")
            table.add_row(heading, "", "", "", "")
            self.lines.append((section, None))
            for row in section.rows:
                table.add_row(
                    files.figure_label(row.figure), place(row),
                    files.format_value(row.value, row.unit), str(row.n),
                    "" if row.reference is None else files.format_value(row.reference, row.unit),
                )  # fmt: skip
                self.lines.append((section, row))
        if not self.lines:
            table.add_row(t("report.no_rows"), "", "", "", "")
        table.move_cursor(row=min(at, max(0, table.row_count - 1)))
        self._focused(table.cursor_row)
        self._show_saved()

    @on(DataTable.RowHighlighted, "#report-figures")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._focused(event.cursor_row)

    def _focused(self, index: int) -> None:
        """The definition of the figure under the cursor, and its section's chart."""
        if not 0 <= index < len(self.lines):
            self.query_one("#report-definition", Said).clear()
            self.query_one("#report-chart", Static).update("")
            self.query_one("#report-chart-box").display = False
            self._charted = None
            return
        section, row = self.lines[index]
        self.query_one("#report-definition", Said).show(lambda: definition(section, row))
        if section is self._charted:  # a heat map is 168 rows: drawn once, not per row
            return
        self._charted = section
        chart = section_chart(section, width=76)  # beside the box's scroll bar
        self.query_one("#report-chart", Static).update("\n".join(chart))
        self.query_one("#report-chart-box").display = bool(chart)

    def action_export(self) -> None:
        self.app.push_screen(ExportReportScreen(self.desk, self.report), self._exported)

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            self.saved_to = path
            self._show_saved()

    def _show_saved(self) -> None:
        saved = self.saved_to
        status = self.query_one("#status", Said)
        status.show(None if saved is None else lambda: t("report.written", file=str(saved)))

    def action_back(self) -> None:
        self.dismiss(None)


def write_report(report: Report, fmt: str, path: Path) -> None:
    """The report as the command line writes it (ohjaaja.exchange.reports), owner-only."""
    if fmt == "xlsx":
        exports.write_private(path, files.report_xlsx(report))
    else:
        exports.write_private(path, files.report_json(report) if fmt == "json" else
                              files.report_csv(report))  # fmt: skip


class ExportReportScreen(DeskModal[Path | None]):
    """The report to a file: CSV, XLSX or JSON, beside the database or where asked."""

    BINDINGS = [
        action("save", "f10", "save", priority=True),
        action("cancel", "escape", "cancel", key_display="Esc"),
        *FORM_KEYS,
    ]

    def __init__(self, desk: Desk, report: Report) -> None:
        super().__init__()
        self.desk = desk
        self.report = report
        self._suggested = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.export_report", classes="dialog-title")
            yield field_row("report.field.format", choice(coded("report.format", FORMATS),
                                                          "format", "csv"))  # fmt: skip
            yield field_row("report.field.file", Input(id="file", compact=True), "error-file")
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self._suggest("csv")
        self.query_one("#format", Select).focus()

    @on(Select.Changed, "#format")
    def _format_chosen(self, event: Select.Changed) -> None:
        self._suggest(str(event.value))

    def _suggest(self, suffix: str) -> None:
        """The file beside the database, unless the worker wrote one of their own."""
        field = self.query_one("#file", Input)
        if field.value in ("", self._suggested):
            self._suggested = str(export_path(self.desk, self.report.request.name, suffix))
            field.value = self._suggested

    def action_save(self) -> None:
        text = self.query_one("#file", Input).value.strip()
        if not text:
            show_field_errors(self, ("file",), {"file": "error.required"})
            return
        self._write(str(self.query_one("#format", Select).value), Path(text).expanduser())

    @db_work("report_export", group="report-export")
    def _write(self, fmt: str, path: Path) -> None:
        try:
            write_report(self.report, fmt, path)
        except OSError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self.dismiss, path)

    def _failed(self, why: str) -> None:
        self.query_one("#error-file", Said).show(lambda: f"⚠ {why}")
        self.query_one("#file", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
