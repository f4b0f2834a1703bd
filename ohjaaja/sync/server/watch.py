"""One watcher per server process: it wakes every live event stream when the
store's head moves or a token changes.

On PostgreSQL every writing transaction sends a notification at commit
(`Store.CHANNEL`, db.server.store) and the watcher LISTENs on one connection of
its own: a commit in any server process on the same database wakes the
followers of all of them at once, at one read of the counters per wake (not per
desk). A poll every FALLBACK_SECONDS covers a listening connection that broke.
On SQLite (one file, no notifications between processes) the watcher polls the
counters every POLL_SECONDS; a push in this process wakes it at once (`poke`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os

import psycopg

from ohjaaja.db.server.store import Store


class HeadWatch:
    # OHJAAJA_WATCH_POLL sets both (a test polls once an hour: notifications alone wake).
    POLL_SECONDS = float(os.environ.get("OHJAAJA_WATCH_POLL", "0.1"))
    FALLBACK_SECONDS = float(os.environ.get("OHJAAJA_WATCH_POLL", "5"))

    def __init__(self, store: Store) -> None:
        self.store = store
        self.head, self.tokens = store.heads()
        self.changed = asyncio.Condition()
        self._tasks: list[asyncio.Task[None]] = []
        self._woken: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.listening = False  # a LISTEN connection is up (PostgreSQL)

    async def start(self) -> None:
        """Watch from now on; the counters read afresh first (they were read when the
        app was made, and nothing watched them since: a first stream would begin
        from that old head)."""
        if self._tasks:
            return
        self.head, self.tokens = await asyncio.to_thread(self.store.heads)
        if self._tasks:  # another stream started it meanwhile
            return
        self._loop = asyncio.get_running_loop()
        self._woken = asyncio.Event()
        self._tasks.append(self._loop.create_task(self._run()))
        if self.store.listen_url is not None:
            self._tasks.append(self._loop.create_task(self._listen(self.store.listen_url)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def poke(self) -> None:
        """A write in this process committed (callable from any thread)."""
        loop, woken = self._loop, self._woken
        if loop is not None and woken is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody to wake
                loop.call_soon_threadsafe(woken.set)

    async def _listen(self, url: str) -> None:
        """Turn the store's notifications into wakes; reconnect after a failure (the
        poll at FALLBACK_SECONDS carries on meanwhile)."""
        assert self._woken is not None
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {Store.CHANNEL}")
                    self.listening = True
                    self._woken.set()  # anything committed before LISTEN is read now
                    async for _note in conn.notifies():
                        self._woken.set()
            except (psycopg.Error, OSError):
                pass
            finally:
                self.listening = False
            await asyncio.sleep(1.0)

    async def _run(self) -> None:
        """Read the counters when woken (many notifications in a burst: one read) or at
        the poll interval, and wake the streams if they moved."""
        assert self._woken is not None
        while True:
            interval = self.FALLBACK_SECONDS if self.listening else self.POLL_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), interval)
            self._woken.clear()
            with contextlib.suppress(Exception):  # a failed read is tried again next wake
                head, tokens = await asyncio.to_thread(self.store.heads)
                if (head, tokens) != (self.head, self.tokens):
                    self.head, self.tokens = head, tokens
                    async with self.changed:
                        self.changed.notify_all()

    async def wait(self, seen: tuple[int, int], timeout: float) -> tuple[int, int]:
        """(head, token revision) once either differs from `seen`, or after timeout."""
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: (self.head, self.tokens) != seen), timeout
                )
        return self.head, self.tokens
