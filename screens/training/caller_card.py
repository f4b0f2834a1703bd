"""The caller card (Ctrl+K on a training desk's contact): who calls, what they say
first, the topics the trainee can ask; Enter on a topic asks it, reveals the
caller's answer and records the question (the trainer's debrief has it). Below,
the caller's reactions, for a trainer reading the part aloud."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.plain import OptionList, Static
from ohjaaja.screens.kit.widgets import Said, T, desk_footer
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets.option_list import Option

from ohjaaja.i18n import t
from ohjaaja.training.caller import CallerCard, CallerCards, NotScripted
from ohjaaja.usecases.desk import Desk


class CallerCardScreen(DeskModal[None]):
    BINDINGS = [
        action("ask_topic", "enter", "ask", key_display="⏎"),
        action("close_card", "escape", "close", key_display="Esc"),
    ]

    ONLY_WHEN = {"ask": "may_ask"}

    def __init__(self, desk: Desk, contact_id: str, *, trainer: bool = False) -> None:
        """`trainer`: the trainer's copy, to read the caller's part aloud: every answer
        shown, nothing asked or recorded."""
        super().__init__()
        self.desk = desk
        self.contact_id = contact_id
        self.trainer = trainer
        self.cards = CallerCards(desk)
        self.card: CallerCard | None = None

    @property
    def may_ask(self) -> bool:
        return not self.trainer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield T(
                "title.caller_card_trainer" if self.trainer else "title.caller_card",
                classes="dialog-title",
            )
            yield Static("", id="caller")
            yield Static("", id="opening")
            yield T(
                "caller_card.trainer_hint" if self.trainer else "caller_card.ask_hint",
                classes="hint",
            )
            yield OptionList(id="topics")
            yield Static("", id="reactions")
            yield Said("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self.load()

    def retranslated(self) -> None:
        if self.card is not None:
            self.show(self.card)

    @db_work("caller_card", group="caller-card", exclusive=True)
    def load(self) -> None:
        try:
            card = self.cards.card(self.contact_id, everything=self.trainer)
        except NotScripted:
            self.app.call_from_thread(self._not_scripted)
            return
        self.app.call_from_thread(self.show, card)

    def _not_scripted(self) -> None:
        self.app.notify(t("caller_card.not_scripted"), markup=False)
        self.dismiss(None)

    def show(self, card: CallerCard) -> None:
        self.card = card
        who = t(f"caller.{card.caller_kind}")
        if card.caller_name:
            who += f" · {card.caller_name}"
        self.query_one("#caller", Static).update(f"{t('caller_card.who')}: {who}")
        self.query_one("#opening", Static).update(f"“{card.opening}”")
        topics = self.query_one("#topics", OptionList)
        highlighted = topics.highlighted
        topics.clear_options()
        for topic in card.topics:
            text = Text(f"? {topic}", style="bold" if topic not in card.answers else "")
            answer = card.answers.get(topic)
            if answer is not None:
                text.append(f"\n  → “{answer}”")
            topics.add_option(Option(text, id=topic))
        if card.topics:
            topics.highlighted = highlighted if highlighted is not None else 0
        topics.focus()
        if card.reactions:
            lines = [t("caller_card.reactions")] + [f"  – {r}" for r in card.reactions]
            self.query_one("#reactions", Static).update("\n".join(lines))
        if not card.topics:
            self.query_one("#status", Said).say("caller_card.no_topics")

    def action_ask(self) -> None:
        topics = self.query_one("#topics", OptionList)
        if topics.highlighted is None or self.card is None:
            return
        option = topics.get_option_at_index(topics.highlighted)
        if option.id is not None:
            self._ask(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a topic (the list's own Enter comes first)."""
        event.stop()
        if event.option.id is not None and self.may_ask:
            self._ask(event.option.id)

    @db_work("caller_ask", group="caller-ask")
    def _ask(self, topic: str) -> None:
        card = self.cards.ask(self.contact_id, topic)
        self.app.call_from_thread(self.show, card)

    def action_close(self) -> None:
        self.dismiss(None)
