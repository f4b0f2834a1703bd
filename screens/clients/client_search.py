"""Client search: results as one types, a page at a time, best matches first.

One text box takes a phone number written any way, an identity code or its
birth-date part, a birth date, a name in either order, or a municipality; the
municipality list narrows any of these. Results never show identity codes.
"""

from __future__ import annotations

from datetime import date

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import municipality_name, municipality_options
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import SearchBox, T, TitleBar, choice, desk_footer
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from ohjaaja.domain.clients import age_on, finnish_date
from ohjaaja.domain.clock import local
from ohjaaja.i18n import t
from ohjaaja.usecases.clients import ClientMatch, SearchPage
from ohjaaja.usecases.desk import Desk

PAGE_ROWS = 18  # what the table shows at 80x24 under the title, search line and header


def result_row(match: ClientMatch, today: date) -> tuple[str, ...]:
    born, age = "", ""
    if match.birth_date:
        birth = date.fromisoformat(match.birth_date)
        born, age = finnish_date(birth), str(age_on(birth, today))
    found = ""
    if match.via == "relative" and match.relative_name:
        relation = t(f"relation.{match.relation}") if match.relation else ""
        found = t("search.via_relative", name=match.relative_name, relation=relation)
    return (
        match.name,
        born,
        age,
        municipality_name(match.municipality_code),
        match.language,
        found,
    )


class ClientSearchScreen(DeskScreen[str | None]):
    """Enter opens the card. Opened from a contact (pickable), Ctrl+O picks the
    highlighted client, and so does Ctrl+O on the card; dismissed with the id."""

    BINDINGS = [
        action("pick_client", "ctrl+o", "pick", priority=True),
        action("next_page", "pagedown", "next_page", priority=True, key_display="PgDn"),
        action("previous_page", "pageup", "previous_page", priority=True, key_display="PgUp"),
        action("new_client", "f4", "new_client", priority=True),
        action("go_back", "escape", "back", key_display="Esc"),
    ]
    ONLY_WHEN = {"pick": "pickable"}

    def __init__(self, desk: Desk, reason: str = "search", pickable: bool = False) -> None:
        super().__init__()
        self.desk = desk
        self.reason = reason
        self.pickable = pickable
        self.results = SearchPage([], 0, False)

    def compose(self) -> ComposeResult:
        yield TitleBar("title.client_search", self.desk.worker_name, id="title")
        with Horizontal(classes="field"):
            yield T("field.search", classes="label")
            yield SearchBox("found", placeholder=t("search.hint"), id="query")
            yield choice(municipality_options, "municipality")
        yield DataTable(id="found", cursor_type="row", zebra_stripes=False)
        yield Static("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now())
        self._columns()
        self.query_one("#query", Input).focus()

    def action_client_search(self) -> None:
        """F5 in the search: back to the search box (no second search on top)."""
        self.query_one("#query", Input).focus()

    def retranslated(self) -> None:
        self.query_one("#query", Input).placeholder = t("search.hint")
        self._columns()
        self._show(self.results)

    def _columns(self) -> None:
        table = self.query_one("#found", DataTable)
        table.clear(columns=True)
        # With cell padding 78 columns; a long name, municipality or relative folds.
        widths = (22, 10, 5, 12, 5, 12)
        lines = (2, 1, 1, 2, 1, 2)
        keys = ("name", "born", "age", "municipality", "language", "found")
        for key, width, most in zip(keys, widths, lines, strict=True):
            table.add_column(t(f"search.col.{key}"), width=width, lines=most)

    # -- searching ------------------------------------------------------------
    @on(Input.Changed, "#query")
    @on(Select.Changed, "#municipality")
    def _criteria_changed(self) -> None:
        self.search(0)

    @on(Input.Submitted, "#query")
    def _to_results(self) -> None:
        if self.results.matches:
            self.query_one("#found", DataTable).focus()

    def criteria(self) -> tuple[str, str | None]:
        text = self.query_one("#query", Input).value
        selected = self.query_one("#municipality", Select).value
        return text, None if selected is Select.NULL else str(selected)

    def search(self, offset: int) -> None:
        text, municipality = self.criteria()
        self._search(text, municipality, offset)

    @db_work("client_search", group="client-search", exclusive=True)
    def _search(self, text: str, municipality: str | None, offset: int) -> None:
        if len(text.strip()) < 2 and not municipality:
            page = SearchPage([], 0, False)
        else:
            page = self.desk.clients.search_clients(text, municipality, offset, PAGE_ROWS)
        self.app.call_from_thread(self._show, page, text)

    def _show(self, page: SearchPage, text: str | None = None) -> None:
        self.results = page
        if text is not None:
            self.query_one("#query", SearchBox).showing(text)
        table = self.query_one("#found", DataTable)
        table.clear()
        today = local(self.desk.clock.now()).date()
        for match in page.matches:
            table.add_row(*result_row(match, today), key=match.id)
        status = self.query_one("#status", Static)
        text, municipality = self.criteria()
        if not page.matches:
            searched = len(text.strip()) >= 2 or municipality
            status.update(t("search.none") if searched else t("search.start"))
            return
        first, last = page.offset + 1, page.offset + len(page.matches)
        key = "search.page_more" if page.has_more else "search.page"
        status.update(t(key, first=first, last=last))

    def highlighted(self) -> ClientMatch | None:
        table = self.query_one("#found", DataTable)
        if not self.results.matches or table.cursor_row < 0:
            return None
        return self.results.matches[min(table.cursor_row, len(self.results.matches) - 1)]

    # -- actions ------------------------------------------------------------
    def action_next_page(self) -> None:
        if self.results.has_more:
            self.search(self.results.offset + PAGE_ROWS)

    def action_previous_page(self) -> None:
        if self.results.offset > 0:
            self.search(max(0, self.results.offset - PAGE_ROWS))

    def action_open_card(self) -> None:
        match = self.highlighted()
        if match is None:
            return
        from ohjaaja.screens.clients.client_card import ClientCardScreen

        card = ClientCardScreen(self.desk, match.id, self.reason, pickable=self.pickable)
        self.app.push_screen(card, self._card_closed)

    @on(DataTable.RowSelected, "#found")
    def _row_selected(self) -> None:
        self.action_open_card()

    def _card_closed(self, picked: str | None) -> None:
        if picked:
            self.dismiss(picked)

    def action_pick(self) -> None:
        match = self.highlighted()
        if match is not None:
            self.dismiss(match.id)

    def action_new_client(self) -> None:
        from ohjaaja.screens.clients.client_form import ClientFormScreen

        prefill = {"municipality_code": self.criteria()[1] or ""}
        self.app.push_screen(ClientFormScreen(self.desk, prefill), self._created)

    def _created(self, client_id: str | None) -> None:
        if client_id:
            from ohjaaja.screens.clients.client_card import ClientCardScreen

            card = ClientCardScreen(self.desk, client_id, self.reason, pickable=self.pickable)
            self.app.push_screen(card, self._card_closed)

    def action_back(self) -> None:
        self.dismiss(None)
