"""The service-offering catalogue: search as one types, narrow with filters, open a
service, and (from a contact) offer it, record an unmet need, read the summary.

Opened from a contact, the filters start at the client's municipality and the
names rank in the client's language first.
"""

from __future__ import annotations

from ohjaaja.screens.contact.offer_context import OfferContext
from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action, group
from ohjaaja.screens.kit.labels import line_short, municipality_options
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import (
    Choice,
    Options,
    SearchBox,
    T,
    Tick,
    TitleBar,
    coded,
    desk_footer,
)
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Select

from ohjaaja.domain.catalogue import SECTORS, SERVICE_CHANNELS, SERVICE_LANGUAGES
from ohjaaja.domain.clock import local
from ohjaaja.domain.reference import lines
from ohjaaja.i18n import t
from ohjaaja.usecases.catalogue import RESULTS, Filters, ServiceHit, ServicePage, unverified
from ohjaaja.usecases.desk import Desk


def _select(options: Options, widget_id: str, any_key: str, value: str | None = None) -> Choice:
    """A filter: blank means any (its prompt, catalogue.<any_key>, names the filter, or
    says "all areas" for the municipality: a service of areas outside the region too)."""
    return Choice(options, widget_id, value, allow_blank=True, prompt_key=f"catalogue.{any_key}")


def hit_row(hit: ServiceHit) -> tuple[str, ...]:
    opened = {True: t("catalogue.open"), False: t("catalogue.closed"), None: "?"}[hit.open_now]
    name = f"! {hit.name}" if hit.stale else hit.name
    return (
        name,
        hit.organization,
        opened,
        t("catalogue.free_short") if hit.free else t("catalogue.paid_short"),
        ",".join(hit.languages[:2]),
    )


class CatalogueScreen(DeskScreen[None]):
    BINDINGS = [
        # Not F10, F8, F6: on the contact beneath they close it, call back, show the card.
        action("offer", "ctrl+o", "offer", priority=True),
        action("unmet_need", "ctrl+g", "unmet_need", priority=True),
        action("summary", "ctrl+r", "summary", priority=True),
        action("new_service", "f4", "new_service", priority=True),
        action("unverified", "ctrl+l", "unverified", priority=True),
        # Shown and taken only when the matches fill more than one page; otherwise
        # PgDn and PgUp are the table's own.
        # One footer entry: at 80 columns two would push Esc and F1 off the line.
        group(
            action("next_page", "pagedown", "next_page", priority=True, key_display="PgDn"),
            "group.pages",
        ),
        group(
            action("previous_page", "pageup", "previous_page", priority=True, key_display="PgUp"),
            "group.pages",
        ),
        action("go_back", "escape", "back", key_display="Esc"),
    ]
    ONLY_WHEN = {
        "offer": "offering",
        "unmet_need": "offering",
        "summary": "offering",
        "new_service": "desk.is_admin",
        "unverified": "curating",
        "next_page": "paged",
        "previous_page": "paged",
    }

    def __init__(self, desk: Desk, context: OfferContext | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.context = context
        self.hits: list[ServiceHit] = []
        self.page = ServicePage([], 0, 0)
        self.offered = 0
        self._told = ""
        self.unverified_only = False  # admins: services not verified for 12 months

    @property
    def offering(self) -> bool:
        """Opened from a contact: services are offered to its client."""
        return self.context is not None

    @property
    def paged(self) -> bool:
        """More services match than one page holds."""
        return self.page.total > len(self.page.hits)

    @property
    def curating(self) -> bool:
        """An admin, not mid-call: the unverified list keeps the contact's footer short."""
        return self.desk.is_admin and self.context is None

    @property
    def language(self) -> str:
        from ohjaaja.i18n import get_language

        return self.context.language if self.context else get_language()

    def compose(self) -> ComposeResult:
        yield TitleBar("title.catalogue", self.desk.worker_name, id="title")
        with Horizontal(classes="field"):
            yield T("field.search", classes="label")
            yield SearchBox("services", placeholder=t("catalogue.hint"), id="query")
        with Horizontal(classes="field", id="filters1"):
            municipality = self.context.municipality_code if self.context else None
            yield _select(municipality_options, "municipality", "any_municipality", municipality)
            yield _select(self._group_options, "group", "any_group")
            yield _select(coded("sector", SECTORS), "sector", "any_sector")
            yield Tick("catalogue.open_now", id="open_now")
        with Horizontal(classes="field", id="filters2"):
            languages = coded("service_language", SERVICE_LANGUAGES)
            yield _select(languages, "service_language", "any_language")
            yield _select(coded("service_channel", SERVICE_CHANNELS), "channel", "any_channel")
            yield _select(self._cost_options, "cost", "any_cost")
        yield DataTable(id="services", cursor_type="row", zebra_stripes=False)
        yield Static("", id="status")
        yield desk_footer()

    # Options: the first entry of each list is the filter's name, meaning "any".
    def _group_options(self) -> list[tuple[str, str]]:
        return [(line_short(code), code) for code in lines()]

    def _cost_options(self) -> list[tuple[str, str]]:
        return [(t("catalogue.free"), "free"), (t("catalogue.paid"), "paid")]

    def action_catalogue(self) -> None:
        """F7 in the catalogue: back to the search box (no second catalogue on top)."""
        self.query_one("#query", Input).focus()

    def mounted(self) -> None:
        self._title()
        self._columns()
        self.query_one("#query", Input).focus()
        self.search()
        self.count_offered()

    def desk_changed(self) -> None:
        self.count_offered()

    @db_work("offers", group="catalogue-offered", exclusive=True)
    def count_offered(self) -> None:
        """The services offered on this contact so far, from any visit here."""
        if self.context is None:
            return
        offers = self.desk.catalogue.offers(self.context.contact_id)
        offered = sum(1 for offer in offers if not offer.unmet_need)
        self.app.call_from_thread(self._show_offered, offered)

    def _show_offered(self, offered: int) -> None:
        self.offered = offered
        self._status(self._told)

    def _title(self) -> None:
        extra = None
        if self.context is not None:
            extra = f"{self.context.who} · {self.context.language}"
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), extra)

    def retranslated(self) -> None:
        self.query_one("#query", Input).placeholder = t("catalogue.hint")
        self._title()
        self._columns()
        self._show(self.page)

    def _columns(self) -> None:
        table = self.query_one("#services", DataTable)
        table.clear(columns=True)
        # With padding and the scrollbar 77 columns; the name and the organiser fold.
        widths = (31, 16, 6, 6, 6)  # "avgift", "Kielet" whole
        lines = (2, 2, 1, 1, 1)
        keys = ("name", "provider", "open", "cost", "languages")
        for key, width, most in zip(keys, widths, lines, strict=True):
            table.add_column(t(f"catalogue.col.{key}"), width=width, lines=most)

    # -- searching ------------------------------------------------------------
    @on(Input.Changed, "#query")
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _criteria_changed(self) -> None:
        self.search()

    @on(Input.Submitted, "#query")
    def _to_results(self) -> None:
        if self.hits:
            self.query_one("#services", DataTable).focus()

    def filters(self) -> Filters:
        def value(widget_id: str) -> str | None:
            selected = self.query_one(f"#{widget_id}", Select).value
            return None if selected is Select.NULL else str(selected)

        cost = value("cost")
        chosen = Filters(
            municipality_code=value("municipality"),
            client_group=value("group"),
            sector=value("sector"),
            language=value("service_language"),
            channel=value("channel"),
            free=None if cost is None else cost == "free",
        )
        today = local(self.desk.clock.now()).date()
        return unverified(chosen, today) if self.unverified_only else chosen

    def search(self, offset: int = 0, at_end: bool = False, again: bool = False) -> None:
        """From the first page when the criteria change; at_end puts the cursor on the
        page's last row (PgUp from the top of a page); `again`, the same search once
        more (back from a service), keeps the cursor on its service."""
        text = self.query_one("#query", Input).value
        open_now = self.query_one("#open_now", Checkbox).value
        self._search(text, self.filters(), open_now, offset, at_end, again)

    @db_work("service_search", group="catalogue-search", exclusive=True)
    def _search(
        self, text: str, filters: Filters, open_now: bool, offset: int, at_end: bool, again: bool
    ) -> None:
        page = self.desk.catalogue.search_page(text, filters, self.language, open_now, offset)
        self.app.call_from_thread(self._show, page, at_end, text, again)

    def _show(
        self, page: ServicePage, at_end: bool = False, text: str | None = None, again: bool = False
    ) -> None:
        self.page, self.hits = page, page.hits
        if text is not None:
            self.query_one("#query", SearchBox).showing(text)
        table = self.query_one("#services", DataTable)
        if not again:
            table.clear()  # another search: the cursor starts at its first hit
        table.refill((hit.id, hit_row(hit)) for hit in page.hits)
        if at_end and page.hits:
            table.move_cursor(row=len(page.hits) - 1)
        self.refresh_bindings()
        self._status()

    def _status(self, extra: str = "") -> None:
        self._told = extra  # kept when the count of offers is redrawn
        page = self.page
        if not self.hits:
            parts = [t("catalogue.none")]
        elif self.paged:
            first, last = page.offset + 1, page.offset + len(page.hits)
            parts = [t("catalogue.page", first=first, last=last, total=page.total)]
        else:
            parts = [t("catalogue.count", count=len(self.hits))]
        if self.context is not None:
            parts.append(t("catalogue.offered", count=self.offered))
        if self.unverified_only:
            parts.append(t("catalogue.unverified_only"))
        if extra:
            parts.append(extra)
        self.query_one("#status", Static).update(" · ".join(parts))

    def highlighted(self) -> ServiceHit | None:
        return self._hit(self.query_one("#services", DataTable).cursor_key)

    def _hit(self, key: str | None) -> ServiceHit | None:
        return next((hit for hit in self.hits if hit.id == key), None)

    # -- actions ------------------------------------------------------------
    @on(DataTable.RowSelected, "#services")
    def _open_detail(self) -> None:
        hit = self.highlighted()
        if hit is None:
            return
        from ohjaaja.screens.catalogue.service_detail import ServiceDetailScreen

        self.app.push_screen(ServiceDetailScreen(self.desk, hit.id, self.context), self._back)

    def _back(self, _offered: bool | None) -> None:
        self.search(self.page.offset, again=True)

    def action_offer(self) -> None:
        hit = self._hit(self.chosen_row(self.query_one("#services", DataTable)))
        if hit is None or self.context is None:
            return
        self._offer(hit)

    @db_work("offer", group="offer")
    def _offer(self, hit: ServiceHit) -> None:
        assert self.context is not None
        new = self.desk.catalogue.offer_service(
            self.context.contact_id, hit.id, self.context.language
        )
        self.app.call_from_thread(self._offered, hit, new)

    def _offered(self, hit: ServiceHit, new: bool) -> None:
        # The count comes from the offers written (desk_changed), never kept here.
        self._status(
            t("catalogue.offered_one" if new else "catalogue.offered_already", name=hit.name)
        )

    def action_unmet_need(self) -> None:
        if self.context is None:
            return
        from ohjaaja.screens.contact.unmet_need import UnmetNeedScreen

        self.app.push_screen(UnmetNeedScreen(self.desk, self.context), self._need_recorded)

    def _need_recorded(self, recorded: bool | None) -> None:
        if recorded:
            self._status(t("catalogue.need_recorded"))

    def action_summary(self) -> None:
        if self.context is None:
            return
        from ohjaaja.screens.contact.offer_summary import OfferSummaryScreen

        self.app.push_screen(OfferSummaryScreen(self.desk, self.context))

    def action_next_page(self) -> None:
        """In the list, PgDn moves a screenful; from its last row (or from the search
        line), it goes on to the next page."""
        table = self.query_one("#services", DataTable)
        if self.focused is table and table.cursor_row < len(self.hits) - 1:
            table.action_page_down()
        elif self.page.has_more:
            self.search(self.page.offset + RESULTS)

    def action_previous_page(self) -> None:
        table = self.query_one("#services", DataTable)
        if self.focused is table and table.cursor_row > 0:
            table.action_page_up()
        elif self.page.offset > 0:
            self.search(max(0, self.page.offset - RESULTS), at_end=self.focused is table)

    def action_unverified(self) -> None:
        self.unverified_only = not self.unverified_only
        self.search()

    def action_new_service(self) -> None:
        if not self.desk.is_admin:
            return
        from ohjaaja.screens.catalogue.service_form import ServiceFormScreen

        self.app.push_screen(ServiceFormScreen(self.desk, None), lambda _: self.search())

    def action_back(self) -> None:
        self.dismiss(None)
