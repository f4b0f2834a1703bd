"""Changes sent in the event stream itself.

A desk that opens `/v1/events?cursor=N` is sent, as soon as the head moves, each
page it would have pulled from its cursor (`event: changes`), and asks for
nothing. Pulling, every change cost every following desk a request, a token
check and a head read: about 2.7 ms of a server's wall time per desk, so 200
desks waited up to 0.8 s for a change.

Streams at the same cursor with the same reach are sent the same page: it is
read, scoped and written out as JSON once (`FanOut.page`). Each stream then only
puts its own disclosure on the client trail, as a pull does (which token received
which client's rows), before it sends: the disclosures of every stream waiting at
that moment are written in one transaction (`FanOut.record`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from ohjaaja.db.server.store import Row, Store, TokenInfo
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.sync.server.models import Change, ChangesOut
from ohjaaja.sync.server.scoping import disclosures, reach_of, served, worker_names

STREAM_PAGE = 1000  # the desk's own pull page
_INTERNAL = ("subject", "blind_refs")  # the store's, not the desk's


@dataclass(frozen=True)
class ServedPage:
    """A page as a reach is sent it, and what its disclosures need."""

    answer: ChangesOut
    rows: list[Row]  # served rows, with their subjects
    names: dict[str, str] | None  # worker id -> name; None: no client data to disclose


def read_page(store: Store, who: TokenInfo, cursor: int, limit: int) -> ServedPage:
    """Rows in the token's reach changed after the cursor (the next cursor passes
    rows out of reach too). Blocking: the store's reads."""
    reach = reach_of(who)
    rows, exits, next_cursor, head = store.changes(cursor, limit, reach.munis, reach.lines)
    page = served(reach, rows, exits)
    names = worker_names(store) if any(row.get("subject") for row in page) else None
    answer = ChangesOut(
        epoch=store.epoch, head=head, next_cursor=max(next_cursor, cursor),
        changes=[Change(**{k: v for k, v in r.items() if k not in _INTERNAL}) for r in page],
        reach=reach.describe(),
    )  # fmt: skip
    return ServedPage(answer, page, names)


@dataclass(frozen=True)
class Sent:
    """One stream's page: its event text, where it leaves the stream, and the
    page it came from (for the disclosures)."""

    text: str
    next_cursor: int
    head: int
    page: ServedPage


class FanOut:
    """One per server process, on its event loop."""

    KEPT = 64  # pages of the current head kept for streams still to ask

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._pages: dict[tuple[Any, ...], asyncio.Future[Sent]] = {}
        self._head = -1
        self._waiting: list[tuple[list[Row], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def page(self, who: TokenInfo, cursor: int, head: int) -> Sent:
        """The page from `cursor` for this token's reach, read once for every stream
        that asks while the head is `head` (a newer head drops the older pages)."""
        if head > self._head:
            self._head, self._pages = head, {}
        key = (head, cursor, who.munis, who.lines, who.identity_codes)
        found = self._pages.get(key)
        if found is None:
            # A task of its own: a stream that goes away does not take the read with it
            # from the others waiting on it.
            found = asyncio.ensure_future(asyncio.to_thread(self._read, who, cursor))
            if head == self._head:  # a stream late for its head reads for itself
                self._pages[key] = found
                found.add_done_callback(lambda done: self._forget_failed(key, done))
                self._bound()
        return await asyncio.shield(found)

    def _bound(self) -> None:
        """Keep at most KEPT pages of one head: streams catching up from old cursors
        while the head stands still would otherwise hold the store in memory."""
        while len(self._pages) > self.KEPT:
            oldest = next(iter(self._pages))
            del self._pages[oldest]  # its askers hold it; later ones read again

    def _forget_failed(self, key: tuple[Any, ...], done: asyncio.Future[Sent]) -> None:
        failed = done.cancelled() or done.exception() is not None
        if failed and self._pages.get(key) is done:
            del self._pages[key]  # the next asker reads again

    def _read(self, who: TokenInfo, cursor: int) -> Sent:
        page = read_page(self.store, who, cursor, STREAM_PAGE)
        answer = page.answer.model_dump(mode="json", exclude_defaults=True)
        # ASCII: a JSON line of the event stream holds no raw newline, and an unpaired
        # surrogate in a row cannot break the feed.
        data = json.dumps({"cursor": cursor, **answer}, separators=(",", ":"))
        text = f"event: changes\ndata: {data}\n\n"
        return Sent(text, page.answer.next_cursor, page.answer.head, page)

    async def disclose(self, who: TokenInfo, sent: Sent) -> None:
        """Put this token's receipt of the page's client rows on their trails; returns
        once committed (a page is never sent before its disclosure is kept)."""
        if sent.page.names is None:
            return
        now = to_iso(self.clock.now())
        entries = disclosures(who, sent.page.names, sent.page.rows, now)
        if not entries:
            return
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((entries, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await asyncio.shield(done)

    async def _write(self) -> None:
        """Every disclosure waiting, in one transaction; those that came meanwhile next."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await asyncio.to_thread(self.store.record, [e for es, _ in batch for e in es])
            except Exception as exc:
                outcome: BaseException | None = exc
            else:
                outcome = None
            for _entries, done in batch:
                if done.done():
                    continue
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)
