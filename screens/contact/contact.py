"""Handling one contact: who calls, which client, reasons, a note, the outcome.

Everything typed is saved as a draft while it is typed (in a thread worker, so
typing never waits for the disk); closing the contact stores the outcome.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from ohjaaja.screens.contact.offer_context import OfferContext
from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import (
    channel_name,
    line_name,
    line_short,
    municipality_name,
    offered_text,
)
from ohjaaja.screens.kit.plain import OptionList, Static
from ohjaaja.screens.kit.widgets import SearchBox, T, TickList, TitleBar, desk_footer
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select, SelectionList, TextArea
from textual.widgets.option_list import Option

from ohjaaja.domain.clients import age_on
from ohjaaja.domain.clock import local
from ohjaaja.domain.phones import display_phone
from ohjaaja.domain.queue import CALLER_KINDS, OUTCOMES, format_duration, wait_seconds
from ohjaaja.domain.reference import reasons
from ohjaaja.i18n import get_language, localized, t
from ohjaaja.usecases.catalogue import OfferView
from ohjaaja.usecases.clients import ClientMatch
from ohjaaja.usecases.contacts import ContactForm, ContactView
from ohjaaja.usecases.desk import Desk


def client_label(match: ClientMatch, today: date) -> str:
    parts = [match.name]
    if match.birth_date:
        born = date.fromisoformat(match.birth_date)
        parts.append(f"{born:%d.%m.%Y} ({age_on(born, today)} {t('unit.years')})")
    parts.append(municipality_name(match.municipality_code))
    if match.via == "relative" and match.relative_name:
        parts.append(t("client.via_relative", name=match.relative_name))
    return " · ".join(parts)


class ContactScreen(DeskScreen):
    BINDINGS = [
        action("close_contact", "f10", "close_contact", priority=True),
        action("find_client", "f3", "find_client", priority=True),
        # Not in the footer, which at 80 columns has room for the rest (F1 lists them;
        # F3's search shows F4 for a new client).
        action("to_note", "f12", "to_note", priority=True, show=False),
        action("new_client", "f4", "new_client", priority=True, show=False),
        action("client_card", "f6", "client_card", priority=True, show=False),
        action("release", "f9", "release", priority=True, show=False),
        action("callback", "f8", "callback", priority=True),
        action("handover", "ctrl+t", "handover", priority=True),
        action("notification", "ctrl+n", "notification", priority=True),
        action("back", "escape", "back", key_display="Esc"),
        # A training desk's scripted caller: who calls, and what the trainee may ask
        # (in F1 and the palette: the footer at 80 columns is full).
        action("caller_card", "ctrl+k", "caller_card", priority=True, show=False),
    ]
    ONLY_WHEN = {"caller_card": "desk.training"}

    def action_caller_card(self) -> None:
        from ohjaaja.screens.training.caller_card import CallerCardScreen

        self.app.push_screen(CallerCardScreen(self.desk, self.contact.id))

    # The first field a worker types in: what the caller says of who they are (with
    # the client known, _restore moves on to the note). Never the caller kind, a list
    # that a space opens and letters choose in.
    AUTO_FOCUS = "#search"

    def __init__(self, desk: Desk, contact: ContactView, typed: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.contact = contact
        self.typed = typed  # typed ahead, as the contact was taken
        self.form = ContactForm(caller_kind=contact.caller_kind, client_id=contact.client_id)
        self.client: ClientMatch | None = None
        self.matches: list[ClientMatch] = []
        self._restoring = True

    # -- layout -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar("title.contact", self.desk.worker_name, id="title")
        yield Static("", id="contact-info")
        yield Static("", id="others-notes")
        yield Static("", id="offered")
        with Horizontal(classes="field"):
            yield T("field.caller_kind", classes="label")
            yield Select(self._caller_options(), id="caller_kind", compact=True, prompt="—")
        with Horizontal(classes="field"):
            yield T("field.client", classes="label")
            yield Static(t("client.none"), id="client")
        with Horizontal(classes="field"):
            yield T("field.search", classes="label")
            yield SearchBox("results", placeholder=t("client.search_hint"), id="search")
        yield OptionList(id="results")
        with Horizontal(classes="field tall"):
            yield T("field.reasons", classes="label")
            yield TickList(*self._reason_options(), id="reasons")
        with Horizontal(classes="field note"):
            yield T("field.note", classes="label")
            yield TextArea(id="note", compact=True, soft_wrap=True, tab_behavior="focus")
        with Horizontal(classes="field"):
            yield T("field.outcome", classes="label")
            yield Select(self._outcome_options(), id="outcome", compact=True, prompt="—")
        yield Static("", id="errors")
        yield desk_footer()

    def _caller_options(self) -> list[tuple[str, str]]:
        return [(t(f"caller.{kind}"), kind) for kind in CALLER_KINDS]

    def _outcome_options(self) -> list[tuple[str, str]]:
        return [(t(f"outcome.{code}"), code) for code in OUTCOMES]

    def _reason_options(self) -> list[tuple[str, str, bool]]:
        chosen = set(self.form.reasons)
        line_reasons = reasons().get(self.contact.line_code, {})
        return [(localized(names), code, code in chosen) for code, names in line_reasons.items()]

    def mounted(self) -> None:
        self.show_info()
        if self.typed:
            if self.contact.client_id:
                self.query_one("#note", TextArea).insert(self.typed)
                self.query_one("#note", TextArea).focus()
            else:
                self.query_one("#search", Input).insert_text_at_cursor(self.typed)
        self.load_state()

    def clock_ticked(self, now: datetime) -> None:
        """Every second: the handling time and the title's clock (one line each)."""
        self.show_info()

    def retranslated(self) -> None:
        self.query_one("#search", Input).placeholder = t("client.search_hint")
        self._restoring = True
        caller = self.query_one("#caller_kind", Select)
        caller.set_options(self._caller_options())
        outcome = self.query_one("#outcome", Select)
        outcome.set_options(self._outcome_options())
        self._fill_reasons()
        self._show_form()
        self._show_client()
        self._show_matches()
        self.show_info()
        self._load_offers()
        self.call_after_refresh(self._done_restoring)

    def show_info(self) -> None:
        now = self.desk.clock.now()
        c = self.contact
        self.query_one("#title", TitleBar).show(now, line_name(c.line_code))
        parts = [channel_name(c.channel), municipality_name(c.municipality_code), c.language]
        if c.caller_phone:
            parts.append(display_phone(c.caller_phone))
        if c.claim_state in ("pending", "lost") and getattr(self.app, "sync_status", None):
            parts.append(t(f"contact.claim_{c.claim_state}"))
        if c.original_line_code:
            parts.append(t("contact.routed_from", line=line_short(c.original_line_code)))
        if c.taken_at is not None:
            if c.via_queue:
                waited = wait_seconds(c.received_at, c.taken_at)
                parts.append(f"{t('contact.waited')} {format_duration(waited)}")
            handling = wait_seconds(c.taken_at, now)
            parts.append(f"{t('contact.handling')} {format_duration(handling)}")
        self.query_one("#contact-info", Static).update(" " + " · ".join(parts))

    # -- restoring the draft and identifying by phone -------------------------
    @db_work("contact_load", group="contact-load", exclusive=True)
    def load_state(self) -> None:
        notes = self.desk.contacts.others_notes(self.contact.id)
        self.app.call_from_thread(self._show_others, notes)
        offers = self.desk.catalogue.offers(self.contact.id, get_language())
        self.app.call_from_thread(self._show_offers, offers)
        draft = self.desk.contacts.load_draft(self.contact.id)
        client = None
        matches: list[ClientMatch] = []
        form = self.form
        note = self.contact.note
        if draft is not None:
            note, form = draft
        if form.client_id:
            client = self.desk.clients.client(form.client_id, f"contact:{self.contact.id}")
        elif self.contact.caller_phone:
            matches = self.desk.clients.find_clients(self.contact.caller_phone)
            direct = [m for m in matches if m.via == "client"]
            if len(matches) == 1 and direct:
                client = direct[0]
                self.desk.contacts.attach_client(self.contact.id, client.id)
                form.client_id = client.id
                form.caller_kind = form.caller_kind or "client"
            elif matches and all(m.via == "relative" for m in matches):
                form.caller_kind = form.caller_kind or "relative"
        self.app.call_from_thread(self._restore, note, form, client, matches)

    def show_sync_state(self) -> None:
        """After a sync round: the contact's claim state and others' notes, as now."""
        self._refresh_contact()

    def desk_changed(self) -> None:
        self._refresh_contact()

    @db_work("contact_load", group="contact-refresh", exclusive=True)
    def _refresh_contact(self) -> None:
        contact = self.desk.contacts.contact(self.contact.id)
        notes = self.desk.contacts.others_notes(self.contact.id)
        self.app.call_from_thread(self._apply_contact, contact)
        self.app.call_from_thread(self._show_others, notes)

    def _offers_changed(self, _result: object = None) -> None:
        self._load_offers()

    @db_work("offer", group="contact-offers", exclusive=True)
    def _load_offers(self) -> None:
        """The services offered on this contact (F7), and needs nothing met."""
        offers = self.desk.catalogue.offers(self.contact.id, get_language())
        self.app.call_from_thread(self._show_offers, offers)

    def _show_offers(self, offers: list[OfferView]) -> None:
        line = self.query_one("#offered", Static)
        line.display = bool(offers)
        line.update(" " + offered_text([(o.name, o.unmet_need) for o in offers]))

    def _apply_contact(self, contact: ContactView) -> None:
        if self not in self.app.screen_stack:  # closed or put back meanwhile
            return
        self.contact = contact
        self.show_info()

    def _show_others(self, notes: list[tuple[str, str]]) -> None:
        """One line: the newest note another worker kept here, and how many more."""
        if self not in self.app.screen_stack:
            return
        line = self.query_one("#others-notes", Static)
        line.display = bool(notes)
        if notes:
            who, text = notes[0]
            more = f" (+{len(notes) - 1})" if len(notes) > 1 else ""
            line.update(f" ✎ {who}: {' '.join(text.split())}{more}")

    def _restore(
        self, note: str, form: ContactForm, client: ClientMatch | None, matches: list[ClientMatch]
    ) -> None:
        self._restoring = True
        self.form = form
        self.client = client
        if not self.query_one("#search", Input).value:  # else the search typed found them
            self.matches = matches
        # The screen draws before its draft has loaded (at once in a browser desk), and
        # a worker may type into the note meanwhile: those keys are kept after the
        # loaded note, not wiped by it, and saved. Nor is the focus taken from where
        # the worker moved it: only from where the screen opened it (nothing, or the
        # first field).
        area = self.query_one("#note", TextArea)
        typed = area.text
        joined = "\n".join(part for part in (note, typed) if part)
        area.load_text(joined)
        if typed:
            area.move_cursor(area.document.end)
        self._fill_reasons()
        self._show_form()
        self._show_client()
        self._show_matches()
        search = self.query_one("#search", Input)
        if self.focused is None or (self.focused is search and not search.value and client):
            self.query_one("#note" if client else "#search").focus()
        # Change events from filling the widgets arrive after this; let them pass.
        self.call_after_refresh(self._done_restoring)
        if typed:
            self.save_draft()

    def _fill_reasons(self) -> None:
        reasons_list = self.query_one("#reasons", SelectionList)
        reasons_list.clear_options()
        reasons_list.add_options(self._reason_options())
        if reasons_list.option_count:
            reasons_list.highlighted = 0  # space ticks a reason as soon as the list has focus

    def _done_restoring(self) -> None:
        self._restoring = False

    def _show_form(self) -> None:
        caller = self.query_one("#caller_kind", Select)
        caller.value = self.form.caller_kind or Select.NULL
        outcome = self.query_one("#outcome", Select)
        outcome.value = self.form.outcome or Select.NULL

    def _show_client(self) -> None:
        widget = self.query_one("#client", Static)
        if self.client is None:
            widget.update(t("client.none"))
        else:
            widget.update(client_label(self.client, local(self.desk.clock.now()).date()))

    def _show_matches(self) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        today = local(self.desk.clock.now()).date()
        results.add_options(Option(client_label(m, today), id=m.id) for m in self.matches)
        if self.matches:
            results.highlighted = 0

    # -- form changes: each one saves the draft -------------------------------
    @on(Select.Changed, "#caller_kind")
    def _caller_changed(self, event: Select.Changed) -> None:
        if not self._restoring:
            self.form.caller_kind = None if event.value is Select.NULL else str(event.value)
            self.save_draft()

    @on(Select.Changed, "#outcome")
    def _outcome_changed(self, event: Select.Changed) -> None:
        if not self._restoring:
            self.form.outcome = None if event.value is Select.NULL else str(event.value)
            self.save_draft()

    @on(SelectionList.SelectedChanged, "#reasons")
    def _reasons_changed(self, event: SelectionList.SelectedChanged) -> None:
        if not self._restoring:
            self.form.reasons = list(event.selection_list.selected)
            self.save_draft()

    @on(TextArea.Changed, "#note")
    def _note_changed(self) -> None:
        if not self._restoring:
            self.save_draft()

    def save_draft(self) -> None:
        # The revision is when the change was made, not a count of this screen's
        # saves: the desk remembers the last one per contact across screens (Esc, o).
        revision = time.monotonic_ns()
        note = self.query_one("#note", TextArea).text
        form = ContactForm(
            caller_kind=self.form.caller_kind,
            client_id=self.form.client_id,
            reasons=list(self.form.reasons),
            outcome=self.form.outcome,
        )
        self._write_draft(note, form, revision)

    @db_work("draft", group="draft")
    def _write_draft(self, note: str, form: ContactForm, revision: int) -> None:
        self.desk.contacts.save_draft(self.contact.id, note, form, revision)

    # -- finding the client -------------------------------------------------
    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self.matches:
            self.query_one("#results", OptionList).focus()

    @db_work("client_search", group="client-search", exclusive=True)
    def search(self, text: str) -> None:
        matches = self.desk.clients.find_clients(text) if len(text.strip()) >= 2 else []
        self.app.call_from_thread(self._show_search, matches, text)

    def _show_search(self, matches: list[ClientMatch], text: str) -> None:
        self.matches = matches
        self._show_matches()
        self.query_one("#search", SearchBox).showing(text)

    @on(OptionList.OptionSelected, "#results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = next((m for m in self.matches if m.id == event.option.id), None)
        if chosen is not None:
            self.choose_client(chosen)

    def choose_client(self, match: ClientMatch) -> None:
        self.client = match
        self.form.client_id = match.id
        if self.form.caller_kind is None:
            self.form.caller_kind = "relative" if match.via == "relative" else "client"
            self._restoring = True
            self._show_form()
            self.call_after_refresh(self._done_restoring)
        self._show_client()
        self._attach_worker(match.id)
        self.save_draft()
        self.query_one("#note", TextArea).focus()

    @db_work("attach_client", group="attach")
    def _attach_worker(self, client_id: str) -> None:
        self.desk.contacts.attach_client(self.contact.id, client_id)

    # -- actions ------------------------------------------------------------
    # Widget.focus() moves the focus only once the keys already queued are handled,
    # and they would land in the field being left: keys arrive together from a fast
    # typist, and from a browser desk over a slow link. set_focus moves it now.
    def action_find_client(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_to_note(self) -> None:
        """F12: to the note, wherever the focus was (a list left open is closed)."""
        self.set_focus(self.query_one("#note", TextArea))

    def action_client_search(self) -> None:
        """F5 here searches for this contact: a client picked (Ctrl+O) is attached."""
        from ohjaaja.screens.clients.client_search import ClientSearchScreen

        search = ClientSearchScreen(self.desk, f"contact:{self.contact.id}", pickable=True)
        self.app.push_screen(search, self._client_chosen)

    def action_catalogue(self) -> None:
        """F7: services for this contact's client, in their municipality and language."""
        from ohjaaja.screens.catalogue.catalogue import CatalogueScreen

        c, client = self.contact, self.client
        who = client.name if client else display_phone(c.caller_phone) if c.caller_phone else ""
        context = OfferContext(
            contact_id=c.id,
            who=who or t("catalogue.no_client"),
            municipality_code=(client.municipality_code if client else None) or c.municipality_code,
            language=client.language if client else c.language,
        )
        self.app.push_screen(CatalogueScreen(self.desk, context), self._offers_changed)

    def action_client_card(self) -> None:
        """The card of the client attached, or of the highlighted search result."""
        from ohjaaja.screens.clients.client_card import ClientCardScreen

        client_id = self.form.client_id
        results = self.query_one("#results", OptionList)
        if results.has_focus and results.highlighted is not None:
            client_id = results.get_option_at_index(results.highlighted).id
        if client_id:
            card = ClientCardScreen(
                self.desk, client_id, f"contact:{self.contact.id}", pickable=True
            )
            self.app.push_screen(card, self._client_chosen)

    def action_new_client(self) -> None:
        from ohjaaja.screens.clients.client_form import ClientFormScreen

        prefill = {
            "phone": display_phone(self.contact.caller_phone) if self.contact.caller_phone else "",
            "municipality_code": self.contact.municipality_code or "",
            "language": self.contact.language,
        }
        self.app.push_screen(ClientFormScreen(self.desk, prefill), self._client_chosen)

    def _client_chosen(self, client_id: str | None) -> None:
        if client_id:
            self._load_created(client_id)

    @db_work("attach_client", group="attach")
    def _load_created(self, client_id: str) -> None:
        match = self.desk.clients.client(client_id, f"contact:{self.contact.id}")
        self.app.call_from_thread(self.choose_client, match)

    def action_close_contact(self) -> None:
        note = self.query_one("#note", TextArea).text
        self._close(note, ContactForm(**vars(self.form)))

    @db_work("close_contact", group="close", exclusive=True)
    def _close(self, note: str, form: ContactForm) -> None:
        errors = self.desk.contacts.close_contact(self.contact.id, note, form)
        self.app.call_from_thread(self._after_close, errors)

    def _after_close(self, errors: list) -> None:
        if errors:
            text = "; ".join(f"{t('field.' + e.field)}: {t(e.key)}" for e in errors)
            self.query_one("#errors", Static).update(f" ⚠ {text}")
            first = {"caller_kind": "#caller_kind", "outcome": "#outcome"}.get(errors[0].field)
            if first:
                self.query_one(first).focus()
            return
        self.notify(t("contact.closed"))
        self.dismiss(None)

    def action_callback(self) -> None:
        from ohjaaja.screens.queue.callback import CallbackScreen

        def scheduled(at: object) -> None:
            if at is not None:
                self.dismiss(None)  # back to the queue; the contact returns at its time

        self.app.push_screen(CallbackScreen(self.desk, self.contact), scheduled)

    def _about(self) -> tuple[str | None, str, str | None]:
        """The client's id, name (or the caller's number) and municipality."""
        c, client = self.contact, self.client
        if client is not None:
            return client.id, client.name, client.municipality_code or c.municipality_code
        return None, display_phone(c.caller_phone) if c.caller_phone else "", c.municipality_code

    def action_handover(self) -> None:
        from ohjaaja.screens.handovers.handover_form import HandoverFormScreen

        client_id, name, municipality = self._about()
        form = HandoverFormScreen(self.desk, self.contact.id, client_id, name or None, municipality)
        self.app.push_screen(form, self._handed_over)

    def _handed_over(self, made: str | None) -> None:
        if made:
            self.notify(t("handover.sent_notice"))

    def action_notification(self) -> None:
        from ohjaaja.screens.handovers.notification_form import NotificationFormScreen

        client_id, name, municipality = self._about()
        form = NotificationFormScreen(
            self.desk,
            self.contact.id,
            client_id,
            name if client_id else "",
            municipality,
            birth_date=self.client.birth_date if self.client else None,
            line_code=self.contact.line_code,
        )
        self.app.push_screen(form, self._notified)

    def _notified(self, made: str | None) -> None:
        if made:
            self.notify(t("notification.sent"))

    def action_release(self) -> None:
        self._release()

    @db_work("release", group="close", exclusive=True)
    def _release(self) -> None:
        self.desk.contacts.release(self.contact.id)
        self.app.call_from_thread(self.dismiss, None)

    def action_back(self) -> None:
        self.dismiss(None)
