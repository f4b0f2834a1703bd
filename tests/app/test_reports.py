"""The reports mode as an organiser meets it, keyboard only at 80x24: Ctrl+S from the
queue, a report and a period picked, the cursor on a figure shows its definition, x
writes the same report to a file; a bad field is named below it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from ohjaaja.screens.kit.plain import DataTable, OptionList
from ohjaaja.screens.kit.widgets import Said
from ohjaaja.screens.reports.reports import ExportReportScreen, ReportScreen, ReportsScreen
from textual.pilot import Pilot
from textual.widgets import Input

from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.reports.facts import Facts
from ohjaaja.domain.reports.model import Request, Section
from ohjaaja.domain.reports.registry import REPORTS
from ohjaaja.exchange import reports as files
from ohjaaja.usecases.desk import Desk
from tests.app.helpers import app_for, choose, keys, settle


def a_week_of_contacts(desk: Desk, clock: FixedClock) -> None:
    """Contacts on Monday morning and the week before: this week's report has them."""
    now = clock.now()
    for minutes, line in ((50, "ikaihmiset"), (30, "ikaihmiset"), (10, "mipa")):
        desk.contacts.receive(
            "phone", line, "853", "fi", None, received_at=now - timedelta(minutes=minutes)
        )
    desk.contacts.receive(
        "chat", "tyoikaiset", "202", "fi", None, received_at=now - timedelta(days=3)
    )


def said(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Said).render())  # type: ignore[attr-defined]


async def open_reports(pilot: Pilot) -> ReportsScreen:
    await settle(pilot)
    await keys(pilot, "ctrl+s")
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


async def pick(pilot: Pilot, screen: ReportsScreen, name: str) -> None:
    """Down the list of reports to `name`, as a worker would."""
    assert pilot.app.focused is screen.query_one("#report-list", OptionList)
    await keys(pilot, *["down"] * screen.names.index(name))
    assert screen.chosen == name


async def test_a_week_s_report_from_the_queue_its_definition_and_its_file(
    desk: Desk, clock: FixedClock
) -> None:
    a_week_of_contacts(desk, clock)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pick(pilot, screen, "volumes")
        await keys(pilot, "tab")
        assert pilot.app.focused is not None and pilot.app.focused.id == "period"
        await choose(pilot, "#period", "this-week")
        # The chooser's words are days in the fields below: Monday to Sunday.
        assert screen.query_one("#from", Input).value == "2026-11-23"
        assert screen.query_one("#to", Input).value == "2026-11-29"
        await keys(pilot, "f10")
        shown = app.screen
        assert isinstance(shown, ReportScreen)
        assert shown.report.request.period.start.isoformat() == "2026-11-23"
        assert "60 s" in said(shown, "#report-settings")  # the settings beside the figures
        table = shown.query_one("#report-figures", DataTable)
        assert app.focused is table
        # The first line is the first section; down to its first figure.
        await keys(pilot, "down")
        _section, row = shown.lines[table.cursor_row]
        assert row is not None and row.figure == "contacts" and row.value == 3
        wanted = files.definition("contacts")
        assert wanted and said(shown, "#report-definition") == wanted
        await keys(pilot, "x")
        dialog = app.screen
        assert isinstance(dialog, ExportReportScreen)
        await choose(pilot, "#format", "json")
        written = Path(dialog.query_one("#file", Input).value)
        assert written.suffix == ".json" and written.parent.name == "exports"
        await keys(pilot, "f10")
        assert app.screen is shown
        assert str(written) in said(shown, "#status")
    document = json.loads(written.read_text(encoding="utf-8"))
    assert document == files.report_document(shown.report)  # the screen's numbers


async def test_every_figure_is_a_line_the_keys_reach_and_the_heat_map_drawn(
    desk: Desk, clock: FixedClock
) -> None:
    a_week_of_contacts(desk, clock)
    app = app_for(desk, "sv")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pick(pilot, screen, "volumes")
        await keys(pilot, "f10")
        shown = app.screen
        assert isinstance(shown, ReportScreen)
        table = shown.query_one("#report-figures", DataTable)
        figures = sum(len(section.rows) for section in shown.report.sections)
        told: list[int] = []  # each line whose definition and chart were shown
        shown_focused = shown._focused
        shown._focused = lambda index: (told.append(index), shown_focused(index))[1]  # type: ignore[method-assign]
        # Down steps one line at a time (the table holds every figure, each a line),
        # Ctrl+End reaches the last: the heat map's.
        await keys(pilot, *["down"] * 12)
        assert told == list(range(1, 13))
        await keys(pilot, "ctrl+end")
        assert told[-1] == table.row_count - 1 == len(shown.lines) - 1
        assert len([line for line in shown.lines if line[1] is not None]) == figures
        section, _row = shown.lines[table.cursor_row]
        assert section.chart == "heatmap"  # the last section: its chart below the table
        chart = str(shown.query_one("#report-chart").render())
        assert ("Mån" in chart and "░" in chart) or "█" in chart


async def test_a_day_that_is_not_one_is_named_below_its_field(desk: Desk) -> None:
    app = app_for(desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        field = screen.query_one("#to", Input)
        field.focus()
        field.value = "2026-13-01"
        await keys(pilot, "f10")
        assert isinstance(app.screen, ReportsScreen)
        assert "2026-13-01" in said(screen, "#error-to")
        assert app.focused is field
        assert said(screen, "#error-from") == ""


@pytest.fixture
def costs_refusing_the_share() -> Iterator[None]:
    """A cost report that refuses its population share as the real one does (its
    error names the field and the message): the form shows it under that field."""

    class Refused(ValueError):
        field, key, params = "population_share", "report.error.seconds", {"value": "170"}

    def compute(_facts: Facts, request: Request) -> tuple[Section, ...]:
        assert request.extra["total"] == "284 602,00"
        raise Refused("population_share")

    before = REPORTS.get("costs")
    REPORTS["costs"] = compute
    yield
    if before is None:
        del REPORTS["costs"]
    else:
        REPORTS["costs"] = before


async def test_the_costs_ask_for_a_total_and_name_the_field_refused(
    desk: Desk, costs_refusing_the_share: None
) -> None:
    app = app_for(desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pick(pilot, screen, "costs")
        total = screen.query_one("#total", Input)
        assert total.display and total.region.height  # shown for the costs only
        await keys(pilot, "f10")
        assert "required" in said(screen, "#error-total").lower()
        assert app.focused is total
        await pilot.press(*"284 602,00")
        screen.query_one("#population_share", Input).value = "170"
        await keys(pilot, "f10")
        assert isinstance(app.screen, ReportsScreen)
        assert "170" in said(screen, "#error-population_share")
        assert said(screen, "#error-total") == ""
        assert app.focused is screen.query_one("#population_share", Input)


async def test_ctrl_s_within_the_mode_goes_back_to_its_list(desk: Desk) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await keys(pilot, "f10")
        assert isinstance(app.screen, ReportScreen)
        await keys(pilot, "x")
        await keys(pilot, "ctrl+s")
        assert app.screen is screen
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "QueueScreen"


async def test_help_and_the_palette_find_the_reports_in_every_language(desk: Desk) -> None:
    """F1 lists Ctrl+S; the palette finds the mode by its word in fi, sv or en and
    opens it."""
    from ohjaaja.screens.kit.help import HelpScreen
    from textual.command import CommandList

    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.rows() and {row[3]: row for row in app.screen.rows()}["reports"][:2] == (
            "^s",
            "Raportit",
        )
        await keys(pilot, "escape")
        for word in ("raportit", "rapporter", "reports", "statistik"):
            await keys(pilot, "ctrl+p", *word)
            await pilot.pause(0.3)  # the palette gathers its hits in batches
            found = app.screen.query_one(CommandList)
            prompts = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
            assert any("Raportit" in p for p in prompts), (word, prompts)
            if word != "statistik":
                await keys(pilot, "escape")
        await keys(pilot, "enter")
        assert isinstance(app.screen, ReportsScreen)


async def test_the_cost_shares_from_the_form_sum_to_the_total(desk: Desk) -> None:
    """The costs' form typed as an organiser would: the shares the report shows are
    the real report's (h17c), in euros, summing to the total typed."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from ohjaaja.usecases.contacts import ContactForm

    for day, place in ((2, "853"), (3, "853"), (4, "734")):
        made = desk.contacts.receive(
            "phone", "ikaihmiset", place, received_at=datetime(2026, 11, day, 8, tzinfo=UTC)
        )
        desk.contacts.take(made)
        form = ContactForm("client", None, ["kotihoito"], "resolved")
        assert desk.contacts.close_contact(made, "Neuvottu.", form) == []
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_reports(pilot)
        await pick(pilot, screen, "costs")
        await keys(pilot, "f10")  # no total yet: the focus goes to it
        await keys(pilot, *"10 000,00", "f10")
        shown = app.screen
        assert isinstance(shown, ReportScreen)
        rows = shown.report.sections[0].rows
        paid = [
            Decimal(f"{row.value:.2f}")
            for row in rows
            if row.figure == "cost_share"
            and dict(row.group).get("municipality")
            and isinstance(row.value, float)
        ]
        assert sum(paid) == Decimal("10000.00") and len(paid) == 26
        table = shown.query_one("#report-figures", DataTable)
        cells = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert any(cell.endswith("€") for cell in cells)
