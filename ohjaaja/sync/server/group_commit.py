"""Group commit: new rows from many requests at once written in one transaction.

Intake (`POST /v1/contacts`) makes each row itself, so nothing in one request can
refuse another's. Twenty phone systems posting at once used to be twenty
transactions queued on the store's one writer lock; now the first request to find
no transaction under way writes every row waiting at that moment (one executemany,
one commit), and the requests that arrive meanwhile are the next group. A group
that fails is written again one row a transaction, so one request's failure is its
own (each request stores its row or nothing).

A request may come with a kept token (a Voucher): its row is written only if the
token still holds in the transaction that writes it (Writer.token_holds), so a
revoked token stores nothing even though its request never asked the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

from ohjaaja.db.server.store import Store, TokenRevoked, Voucher, Writer


@dataclass
class _Waiting:
    table: str
    id: str
    data: dict[str, Any]
    voucher: Voucher | None = None
    revision: int | None = None  # the token revision at which the voucher held
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._turn = threading.Condition()
        self._queue: list[_Waiting] = []
        self._writing = False

    def insert(
        self, table: str, row_id: str, data: dict[str, Any], voucher: Voucher | None = None
    ) -> int | None:
        """Write a new row (its id made by the caller, so not there yet); returns once
        it is committed, raises what its transaction raised (TokenRevoked: the
        voucher no longer holds, and nothing was written). Returns the token revision
        at which the voucher held (None without one)."""
        mine = _Waiting(table, row_id, data, voucher)
        with self._turn:
            self._queue.append(mine)
            self._turn.notify_all()  # (lets a test see the queue grow)
            while not mine.done and self._writing:
                self._turn.wait()
            if mine.done:
                if mine.error is not None:
                    raise mine.error
                return mine.revision
            self._writing = True
            group, self._queue = self._queue, []
        try:
            self._write(group)
        finally:
            with self._turn:
                self._writing = False
                self._turn.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.revision

    def _write(self, group: list[_Waiting]) -> None:
        try:
            self.store.transaction(partial(_put, group=group))
        except Exception as exc:
            if len(group) == 1:
                group[0].error = exc
            else:
                for one in group:
                    try:
                        self.store.transaction(partial(_put, group=[one]))
                    except Exception as alone:
                        one.error = alone
        except BaseException as exc:  # never answer a row as written that was not
            for one in group:
                one.error = one.error or exc
            raise
        finally:
            for one in group:
                one.done = True


def _put(writer: Writer, group: list[_Waiting]) -> None:
    for one in group:
        one.error = None  # (a failed group's rows are written again one by one)
        if one.voucher is not None:
            try:
                one.revision = writer.token_holds(one.voucher)
            except TokenRevoked as revoked:
                one.error = revoked  # its row is not written; the others' are
                continue
        writer.put(one.table, one.id, one.data, new=True)
