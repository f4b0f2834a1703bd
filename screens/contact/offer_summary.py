"""What was offered in this contact, and the summary for the client in their
language: to read aloud, copy (c) or save to a file (x) to send."""

from __future__ import annotations

from ohjaaja.screens.contact.offer_context import OfferContext
from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.exports import save_export
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import Said, TitleBar, desk_footer
from textual.app import ComposeResult
from textual.widgets import TextArea

from ohjaaja.i18n import LANGUAGES, t
from ohjaaja.usecases.catalogue import OfferView
from ohjaaja.usecases.desk import Desk


class OfferSummaryScreen(DeskScreen[None]):
    BINDINGS = [
        action("summary_language", "l", "next_language"),
        action("copy_summary", "c", "copy"),
        action("save_summary", "x", "save"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, context: OfferContext) -> None:
        super().__init__()
        self.desk = desk
        self.context = context
        self.language = context.language if context.language in LANGUAGES else "fi"
        self.text = ""

    def compose(self) -> ComposeResult:
        yield TitleBar("title.summary", self.desk.worker_name, id="title")
        yield Static("", id="offers")
        yield TextArea("", id="summary", read_only=True, soft_wrap=True)
        yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self._title()
        self.query_one("#summary", TextArea).focus()
        self.load()

    def _title(self) -> None:
        extra = f"{self.context.who} · {t('language.' + self.language)}"
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), extra)

    def retranslated(self) -> None:
        self._title()
        self.load()

    @db_work("summary", group="summary", exclusive=True)
    def load(self) -> None:
        offers = self.desk.catalogue.offers(self.context.contact_id, self.language)
        text = self.desk.catalogue.offer_summary(self.context.contact_id, self.language)
        self.app.call_from_thread(self._show, offers, text)

    def _show(self, offers: list[OfferView], text: str) -> None:
        self.text = text
        services = [o.name for o in offers if not o.unmet_need]
        needs = [o.name for o in offers if o.unmet_need]
        line = t("summary.offered", count=len(services))
        if needs:
            line += " · " + t("summary.unmet", needs="; ".join(needs))
        self.query_one("#offers", Static).update(line)
        self.query_one("#summary", TextArea).load_text(text)

    def action_next_language(self) -> None:
        self.language = LANGUAGES[(LANGUAGES.index(self.language) + 1) % len(LANGUAGES)]
        self._title()
        self.load()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.query_one("#status", Said).say("summary.copied")

    def action_save(self) -> None:
        self._save()

    @db_work("summary_save", group="summary-save")
    def _save(self) -> None:
        key, params = save_export(
            self.app,
            self.desk,
            f"summary-{self.context.contact_id}",
            "txt",
            self.text + "\n",
            "summary.saved",
        )
        self.app.call_from_thread(self.query_one("#status", Said).say, key, **params)

    def action_back(self) -> None:
        self.dismiss(None)
