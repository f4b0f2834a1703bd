"""Where an export goes: a file in exports/ beside the desk's database, or, on a desk
in a browser (`ohjaaja serve`), a download in the worker's own browser. A browser
desk's export is not written on the shared host: it is the worker's, to their machine."""

from __future__ import annotations

import io
from pathlib import Path

from textual.app import App

from ohjaaja.domain.clock import local
from ohjaaja.exchange import exports
from ohjaaja.usecases.desk import Desk

MIME_TYPES = {"csv": "text/csv", "txt": "text/plain"}


def export_path(desk: Desk, name: str, suffix: str) -> Path:
    """exports/ beside the desk's database (ohjaaja.exchange.exports), named at the local time."""
    return exports.export_path(desk.database, name, suffix, local(desk.clock.now()))


def save_export(
    app: App[object], desk: Desk, name: str, suffix: str, text: str, saved: str
) -> tuple[str, dict[str, str]]:
    """Save or hand over an export (from a db_work thread); what to tell the worker,
    as a message key and its parameters (told again in another language after F2):
    `saved` (with the file's path) or export.downloaded (with its name)."""
    path = export_path(desk, name, suffix)
    if app.is_web:
        app.call_from_thread(
            app.deliver_text,
            io.StringIO(text),
            save_filename=path.name,
            open_method="download",
            mime_type=MIME_TYPES.get(suffix, "application/octet-stream"),
            encoding="utf-8",
        )
        return "export.downloaded", {"name": path.name}
    exports.write_private(path, text)
    return saved, {"path": str(path)}
