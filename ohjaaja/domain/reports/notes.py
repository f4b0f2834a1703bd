"""A section's notes are the settings its figures depend on, as name=value (so exports
keep them plain); a screen or a table shows them in the reader's language."""

from __future__ import annotations

from ohjaaja.i18n import t


def note_text(note: str) -> str:
    """A note ("service_level_seconds=30") in the reader's language
    (report.note.<name>, with {value})."""
    name, _, value = note.partition("=")
    if value in ("yes", "no"):  # a setting that is on or off, kept plain in exports
        value = t(f"report.value.{value}")
    return t(f"report.note.{name}", value=value)
