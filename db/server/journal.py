"""The server's admin journal: every token and worker-register change, one JSON
line each, appended and synced to disk beside (never inside) the store.

A store restored from a backup has forgotten what was done since; `new-epoch`
replays the journal into it, so a token revoked after the backup stays revoked,
a worker removed stays removed, and a token issued since still works. Keep the
journal out of the store's backups and restores: it is what outlives them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ohjaaja.db.files import make_folder


class Journal:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def append(self, entry: dict[str, Any]) -> None:
        make_folder(self.path.parent)
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every whole entry in order; a torn last line (a crash mid-write) is skipped."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.endswith("\n"):
                    yield json.loads(line)
