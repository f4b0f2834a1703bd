"""A client's access log: who viewed or changed what, when and why; exported to
a CSV file for the client's information request (the export is logged too)."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.exports import save_export
from ohjaaja.screens.kit.plain import DataTable, Static
from ohjaaja.screens.kit.widgets import TitleBar, desk_footer
from textual.app import ComposeResult

from ohjaaja.domain.clients import reason_text
from ohjaaja.domain.clock import local
from ohjaaja.i18n import t
from ohjaaja.usecases.clients import AccessEntry
from ohjaaja.usecases.desk import Desk


class AccessLogScreen(DeskScreen[None]):
    BINDINGS = [
        action("export_log", "x", "export"),
        action("go_back", "escape", "back", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, client_id: str, name: str) -> None:
        super().__init__()
        self.desk = desk
        self.client_id = client_id
        self.client_name = name
        # The last export (where it went, as a message), told below the count.
        self.saved: tuple[str, dict[str, str]] | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar("title.access_log", self.desk.worker_name, id="title")
        yield DataTable(id="log", cursor_type="row", zebra_stripes=False)
        yield Static("", id="status")
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), self.client_name)
        self.query_one("#log", DataTable).focus()
        self.load()

    def retranslated(self) -> None:
        self.load()

    @db_work("access_log", group="access-log", exclusive=True)
    def load(self) -> None:
        entries = self.desk.clients.access_log(self.client_id)
        self.app.call_from_thread(self._show, entries)

    def _show(self, entries: list[AccessEntry]) -> None:
        table = self.query_one("#log", DataTable)
        table.clear(columns=True)
        # With cell padding 78 columns: the worker's name folds onto two lines,
        # what was done and why onto four; the export (x) has each whole.
        for key, width, lines in (
            ("log.at", 10, 2),
            ("log.worker", 14, 2),
            ("log.action", 22, 4),
            ("log.reason", 24, 4),
        ):
            table.add_column(t(key), width=width, lines=lines)
        for entry in reversed(entries):  # newest first
            moment = local(entry.at)
            what = t(f"audit.{entry.action}")
            fields = entry.detail.get("fields")
            if fields:
                what += ": " + ", ".join(t(f"field.{name}") for name in fields)
            table.add_row(
                f"{moment:%d.%m.%Y %H.%M}", entry.worker or "—", what, reason_text(entry.reason)
            )
        status = t("log.count", count=len(entries))
        if self.saved is not None:
            key, params = self.saved
            status += "\n" + t(key, **params)
        self.query_one("#status", Static).update(status)

    def action_export(self) -> None:
        self._export()

    @db_work("access_log_export", group="access-log", exclusive=True)
    def _export(self) -> None:
        text = self.desk.clients.export_access_log(self.client_id, t("log.export_reason"))
        saved = save_export(
            self.app, self.desk, f"access-log-{self.client_id}", "csv", text, "log.exported"
        )
        self.app.call_from_thread(self._exported, saved)

    def _exported(self, saved: tuple[str, dict[str, str]]) -> None:
        self.saved = saved
        self.load()  # the export is logged too; the count and where it went

    def action_back(self) -> None:
        self.dismiss(None)
