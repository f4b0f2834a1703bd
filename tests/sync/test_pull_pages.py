"""Many desks woken by one change ask for the same page: the store reads it once per
head, and a new write is in the next page asked for."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ohjaaja.db.server.store import Store, Writer
from sqlalchemy import event

from tests.sync.conftest import AT


def contact(n: int) -> dict[str, Any]:
    return {"id": f"c{n}", "channel": "phone", "line_code": "ikaihmiset",
            "municipality_code": "853", "language": "fi", "priority": 3, "status": "waiting",
            "received_at": AT, "created_at": AT, "updated_at": AT}  # fmt: skip


def test_the_same_page_is_read_once_per_head(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'server.sqlite'}")
    reads: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM row_state" in statement:
            reads.append(statement)

    def write(n: int) -> None:
        def work(writer: Writer) -> None:
            writer.put("contact", f"c{n}", contact(n), new=True)

        store.transaction(work)

    write(1)
    reads.clear()
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: store.changes(0, 100), range(40)))
    assert len(reads) == 1, "forty desks asking for one page read it more than once"
    assert all(page == pages[0] for page in pages)
    assert [row["id"] for row in pages[0][0]] == ["c1"]
    write(2)
    assert [row["id"] for row in store.changes(0, 100)[0]] == ["c1", "c2"]
    assert [row["id"] for row in store.changes(pages[0][2], 100)[0]] == ["c2"]
    assert len(reads) == 3
