"""Nothing suitable exists: the need is recorded with the contact, in the worker's
words (the organiser reads these to see which services are missing)."""

from __future__ import annotations

from ohjaaja.screens.contact.offer_context import OfferContext
from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.widgets import Said, T, desk_footer
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from ohjaaja.domain.limits import SHORT_TEXT_MAX
from ohjaaja.i18n import t
from ohjaaja.usecases.desk import Desk


class UnmetNeedScreen(DeskModal[bool]):
    """Dismissed with True once the need is stored, False when cancelled."""

    BINDINGS = [action("cancel", "escape", "cancel", key_display="Esc")]

    def __init__(self, desk: Desk, context: OfferContext) -> None:
        super().__init__()
        self.desk = desk
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T("title.unmet_need", classes="dialog-title")
            yield T("unmet_need.what")
            yield Input(
                id="need", placeholder=t("unmet_need.placeholder"), compact=True,
                max_length=SHORT_TEXT_MAX,
            )  # fmt: skip
            yield Said("", id="form-status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#need", Input).focus()

    def retranslated(self) -> None:
        self.query_one("#need", Input).placeholder = t("unmet_need.placeholder")

    @on(Input.Submitted, "#need")
    def _submitted(self, event: Input.Submitted) -> None:
        need = event.value.strip()
        if not need:
            self.query_one("#form-status", Said).warn("unmet_need.required")
            return
        self._save(need)

    @db_work("unmet_need", group="unmet-need")
    def _save(self, need: str) -> None:
        self.desk.catalogue.record_unmet_need(self.context.contact_id, need, self.context.language)
        self.app.call_from_thread(self.dismiss, True)

    def action_cancel(self) -> None:
        self.dismiss(False)
