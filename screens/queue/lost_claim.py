"""A contact this desk took while offline, which the server gave to another worker (or
whose caller had hung up before the claim reached it).

Shown until the worker has seen it: who has the contact now, and what they wrote,
kept as their note on it (the worker who holds the contact reads it too). Esc:
seen. Not Enter: the notice opens over the contact's note as the worker types it, and
a line's Enter would close it unread and send the words after it to the queue's keys.
"""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import Said, T, contact_summary, desk_footer
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll

from ohjaaja.i18n import t
from ohjaaja.usecases.contacts import LostClaim
from ohjaaja.usecases.desk import Desk


class LostClaimScreen(DeskModal[None]):
    BINDINGS = [action("seen", "escape", "seen", priority=True, key_display="Esc")]

    def __init__(self, desk: Desk, lost: LostClaim) -> None:
        super().__init__()
        self.desk = desk
        self.lost = lost

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            hung_up = self.lost.contact.status == "abandoned"
            yield T("lost.title_hung_up" if hung_up else "lost.title", classes="dialog-title")
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
        self.query_one("#which", Said).show(lambda: contact_summary(self.lost.contact))
        holder = self.query_one("#holder", Said)
        if self.lost.contact.status == "abandoned":
            holder.say("lost.hung_up")
        elif self.lost.holder_name:
            holder.say("lost.holder", name=self.lost.holder_name)
        else:
            holder.show(lambda: t("lost.holder", name=t("lost.someone")))

    def action_seen(self) -> None:
        self._acknowledge()

    @db_work("lost_claim", group="lost-claim", exclusive=True)
    def _acknowledge(self) -> None:
        self.desk.contacts.acknowledge_lost(self.lost.contact.id)
        self.app.call_from_thread(self.dismiss, None)
