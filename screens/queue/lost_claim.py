"""A contact this desk took while offline, which the server gave to another worker.

Shown until the worker has seen it: who has the contact now, and what they wrote,
kept as their note on it (the worker who holds the contact reads it too). Enter
or Esc: seen.
"""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.labels import channel_name, line_name, municipality_name
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import Said, T, desk_footer, when
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll

from ohjaaja.domain.phones import display_phone
from ohjaaja.i18n import t
from ohjaaja.usecases.contacts import LostClaim
from ohjaaja.usecases.desk import Desk


class LostClaimScreen(DeskModal[None]):
    BINDINGS = [action("seen", "enter,escape", "seen", priority=True, key_display="⏎/Esc")]

    def __init__(self, desk: Desk, lost: LostClaim) -> None:
        super().__init__()
        self.desk = desk
        self.lost = lost

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("lost.title", classes="dialog-title")
            yield Said(id="which")
            yield Said(id="holder")
            with VerticalScroll(id="kept"):
                if self.lost.kept:
                    yield T("lost.kept")
                    for text in self.lost.kept:
                        yield Static(text, classes="kept")
                else:
                    yield T("lost.nothing_kept")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#which", Said).show(self._which)
        holder = self.query_one("#holder", Said)
        if self.lost.holder_name:
            holder.say("lost.holder", name=self.lost.holder_name)
        else:
            holder.show(lambda: t("lost.holder", name=t("lost.someone")))

    def _which(self) -> str:
        c = self.lost.contact
        which = [line_name(c.line_code), channel_name(c.channel),
                 municipality_name(c.municipality_code), when(c.received_at)]  # fmt: skip
        if c.caller_phone:
            which.append(display_phone(c.caller_phone))
        return " · ".join(which)

    def action_seen(self) -> None:
        self._acknowledge()

    @db_work("lost_claim", group="lost-claim", exclusive=True)
    def _acknowledge(self) -> None:
        self.desk.contacts.acknowledge_lost(self.lost.contact.id)
        self.app.call_from_thread(self.dismiss, None)
