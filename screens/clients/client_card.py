"""The client card: who the client is, how to reach them and their people, what
to keep in mind when talking with them, and what has happened before.

Opening the card is a logged look at the client's data (the reason is the
contact it was opened from, or "search"); the identity code stays masked until
the worker reveals it with a reason, which is logged too.
"""

from __future__ import annotations

from datetime import date

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import (
    channel_name,
    line_short,
    municipality_name,
    offered_text,
    team_label,
)
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import TitleBar, desk_footer
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from ohjaaja.domain.clients import age_on, finnish_date
from ohjaaja.domain.clock import local
from ohjaaja.domain.phones import display_phone
from ohjaaja.i18n import localized, t
from ohjaaja.usecases.clients import ClientCard
from ohjaaja.usecases.desk import Desk

TIMELINE_NOTE = 70  # characters of a contact's note shown on the card


def card_body(card: ClientCard, today: date, hetu: str | None) -> Group:
    """The card as text: a two-column table of facts, then the contact history."""
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="bold", no_wrap=True, width=14)
    facts.add_column(ratio=1)
    code = hetu or card.hetu_masked
    if code:
        shown = Text(code)
        if card.hetu_temporary:
            shown.append(f" ({t('client.temporary')})")
        if hetu is None:
            shown.append(" · ")
            shown.append(t("client.reveal_hint"), style="dim")
        facts.add_row(t("field.hetu"), shown)
    if card.birth_date:
        born = date.fromisoformat(card.birth_date)
        facts.add_row(
            t("field.birth_date"),
            f"{finnish_date(born)} ({age_on(born, today)} {t('unit.years')})",
        )
    facts.add_row(
        t("field.municipality_code"),
        f"{municipality_name(card.municipality_code)} · {t('language.' + card.language)}",
    )
    phones = ", ".join(display_phone(p.e164) for p in card.phones) or "—"
    facts.add_row(t("field.phone"), phones)
    if card.email:
        facts.add_row(t("field.email"), card.email)
    if card.address:
        facts.add_row(t("field.address"), card.address)
    for index, person in enumerate(card.relatives):
        line = f"{person.name} ({t('relation.' + person.relation)})"
        if person.phone:
            line += f" {display_phone(person.phone)}"
        facts.add_row(t("card.relatives") if index == 0 else "", line)
    for item in card.handovers:
        where = team_label(item.team) if item.team else item.text
        facts.add_row(
            t("card.handover"),
            f"{finnish_date(local(item.at).date())} {t('handover.' + item.kind)} {where}",
        )
    for item in card.notifications:
        where = team_label(item.team) if item.team else item.text
        facts.add_row(
            t("card.notification"),
            f"{finnish_date(local(item.at).date())} {t('notification.' + item.kind)} {where}",
        )
    history = Text(f"\n{t('card.history', count=len(card.timeline))}\n", style="bold")
    for entry in card.timeline:
        moment = local(entry.at)
        history.append(f"{finnish_date(moment.date())} {moment:%H.%M} ", style="bold")
        parts = [channel_name(entry.channel), line_short(entry.line_code)]
        parts.append(
            t(f"outcome.{entry.outcome}") if entry.outcome else t(f"status.{entry.status}")
        )
        if entry.worker:
            parts.append(entry.worker)
        history.append(" · ".join(parts) + "\n")
        if entry.offered:
            history.append(
                f"   {offered_text([(localized(o.names), o.unmet_need) for o in entry.offered])}\n"
            )
        note = " ".join(entry.note.split())
        if note:
            if len(note) > TIMELINE_NOTE:
                note = note[: TIMELINE_NOTE - 1] + "…"
            history.append(f"   {note}\n", style="dim")
    if not card.timeline:
        history.append(t("card.no_contacts") + "\n", style="dim")
    return Group(facts, history)


def card_banner(card: ClientCard) -> Text:
    """Flags and alerts: the lines a worker must not miss, above everything else."""
    text = Text()
    for flag in card.flags:
        text.append(f" ⚑ {t(flag)} ", style="bold reverse")
        text.append(" ")
    if card.alerts:
        if text:
            text.append("\n")
        text.append(f" ! {card.alerts}", style="bold")
    return text


class ClientCardScreen(DeskScreen[str | None]):
    """Dismissed with the client's id when picked for a contact (Ctrl+O), else None."""

    BINDINGS = [
        # r is said beside the masked code; n and k are in F1: the footer fits 80 columns.
        action("reveal", "r", "reveal", show=False),
        action("edit_client", "e", "edit"),
        action("add_relative", "f4", "add_relative"),
        action("access_log", "k", "access_log", show=False),  # F1 lists it: 80 columns
        action("handover", "ctrl+t", "handover"),
        action("notification", "ctrl+n", "notification"),
        action("pick_client", "ctrl+o", "pick", priority=True),
        # Esc is back on every screen; F1 lists it. The footer has room for the rest.
        action("go_back", "escape", "back", key_display="Esc", show=False),
    ]
    ONLY_WHEN = {"pick": "pickable"}

    def __init__(self, desk: Desk, client_id: str, reason: str, pickable: bool = False) -> None:
        super().__init__()
        self.desk = desk
        self.client_id = client_id
        self.reason = reason
        self.pickable = pickable
        self.card: ClientCard | None = None
        self.hetu: str | None = None  # the revealed code, for as long as the card is open

    def compose(self) -> ComposeResult:
        yield TitleBar("title.client_card", self.desk.worker_name, id="title")
        yield Static("", id="banner")
        with VerticalScroll(id="card-scroll"):
            yield Static("", id="card")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#card-scroll").focus()
        self.load()

    def retranslated(self) -> None:
        self.show()

    def desk_changed(self) -> None:
        """Written meanwhile (an edit here, a colleague's work): shown again, read
        only, as no new look on the access log."""
        self.load(look=False)

    @db_work("client_card", group="card", exclusive=True)
    def load(self, look: bool = True) -> None:
        card = self.desk.clients.client_card(self.client_id, self.reason, look)
        self.app.call_from_thread(self._loaded, card)

    def _loaded(self, card: ClientCard) -> None:
        self.card = card
        self.show()

    def show(self) -> None:
        if self.card is None:
            return
        now = self.desk.clock.now()
        self.query_one("#title", TitleBar).show(now, self.card.name)
        banner = card_banner(self.card)
        widget = self.query_one("#banner", Static)
        widget.update(banner)
        widget.display = bool(banner)
        self.query_one("#card", Static).update(card_body(self.card, local(now).date(), self.hetu))

    # -- actions ------------------------------------------------------------
    def action_reveal(self) -> None:
        from ohjaaja.screens.clients.reveal import RevealScreen

        if self.card is None or not self.card.hetu_masked or self.hetu:
            return
        self.app.push_screen(RevealScreen(), self._reveal_with)

    def _reveal_with(self, reason: str | None) -> None:
        if reason:
            self._reveal(reason)

    @db_work("reveal", group="card")
    def _reveal(self, reason: str) -> None:
        code = self.desk.clients.reveal_hetu(self.client_id, reason)
        self.app.call_from_thread(self._revealed, code)

    def _revealed(self, code: str | None) -> None:
        self.hetu = code
        self.show()

    def action_edit(self) -> None:
        from ohjaaja.screens.clients.client_form import ClientFormScreen

        if self.card is None:
            return
        form = ClientFormScreen(
            self.desk, self.card.form_values(), self.client_id, self.card.hetu_masked
        )
        self.app.push_screen(form, self._edited)

    def _edited(self, client_id: str | None) -> None:
        if client_id and client_id != self.client_id:  # the worker chose an existing twin
            self.client_id = client_id
        if client_id:
            self.notify(t("client.saved"))
            self.load()

    def action_add_relative(self) -> None:
        from ohjaaja.screens.clients.relative_form import RelativeFormScreen

        self.app.push_screen(RelativeFormScreen(self.desk, self.client_id), self._relative_added)

    def _relative_added(self, saved: bool | None) -> None:
        if saved:
            self.load()

    def action_access_log(self) -> None:
        from ohjaaja.screens.clients.access_log import AccessLogScreen

        if self.card is not None:
            self.app.push_screen(AccessLogScreen(self.desk, self.client_id, self.card.name))

    def action_handover(self) -> None:
        from ohjaaja.screens.handovers.handover_form import HandoverFormScreen

        if self.card is not None:
            form = HandoverFormScreen(
                self.desk, None, self.client_id, self.card.name, self.card.municipality_code
            )
            self.app.push_screen(form, self._made)

    def action_notification(self) -> None:
        from ohjaaja.screens.handovers.notification_form import NotificationFormScreen

        if self.card is not None:
            form = NotificationFormScreen(
                self.desk,
                None,
                self.client_id,
                self.card.name,
                self.card.municipality_code,
                birth_date=self.card.birth_date,
            )
            self.app.push_screen(form, self._made)

    def _made(self, made: str | None) -> None:
        if made:
            self.load()

    def action_pick(self) -> None:
        self.dismiss(self.client_id)

    def action_back(self) -> None:
        self.dismiss(None)
