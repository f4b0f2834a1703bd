"""Files the desk writes for people to open elsewhere."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from db.files import write_file


def export_path(database: str | Path, name: str, suffix: str, at: datetime) -> Path:
    folder = Path(database).resolve().parent / "exports"
    return folder / f"{name}-{at:%Y%m%d-%H%M%S}.{suffix}"


def write_private(path: Path, text: str) -> Path:
    write_file(path, text.encode("utf-8"))
    return path
