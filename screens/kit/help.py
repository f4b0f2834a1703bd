"""F1: every key of the screen beneath, what it does, and how to remap it."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskModal
from ohjaaja.screens.kit.bindings import action, help_text
from ohjaaja.screens.kit.plain import Static
from ohjaaja.screens.kit.widgets import T, desk_footer
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen

from ohjaaja.i18n import t


class HelpScreen(DeskModal[None]):
    BINDINGS = [
        action("close_help", "escape", "close", key_display="Esc"),
        action("close_help_f1", "f1", "close", show=False),
    ]

    def __init__(self, beneath: Screen) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield T("title.help", classes="dialog-title")
            yield Static(self._keys(), id="help-keys")
            yield T("help.keys_changed", classes="hint")
            yield T("help.keymap_hint", classes="hint")
        yield desk_footer()

    def retranslated(self) -> None:
        self.query_one("#help-keys", Static).update(self._keys())

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(key, title, help text, binding id) for each action of the screen beneath."""
        rows = []
        seen: set[str] = set()
        for active in self.beneath.active_bindings.values():
            binding = active.binding
            if binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            shown = binding.key_display or self.app.get_key_display(binding)
            rows.append((shown, t(f"action.{binding.id}"), help_text(binding), binding.id))
        return rows

    def _keys(self) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for key, title, explanation, binding_id in self.rows():
            text = Text(title, style="bold")
            text.append(f"  {explanation}")
            text.append(f" ({binding_id})", style="dim")
            table.add_row(key, text)
        return table

    def action_close(self) -> None:
        self.dismiss(None)
