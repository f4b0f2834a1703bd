"""One watcher per server process: it reads the store's counters every
POLL_SECONDS and wakes every live stream when the head moves or a token changes.
Reading the counter rows sees commits from every server process on the same
store, SQLite or PostgreSQL, at one cheap query per process (not per desk)."""

from __future__ import annotations

import asyncio
import contextlib

from ohjaaja.db.server.store import Store


class HeadWatch:
    POLL_SECONDS = 0.1

    def __init__(self, store: Store) -> None:
        self.store = store
        self.head, self.tokens = store.heads()
        self.changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # a failed read is tried again next tick
                head, tokens = await asyncio.to_thread(self.store.heads)
                if (head, tokens) != (self.head, self.tokens):
                    self.head, self.tokens = head, tokens
                    async with self.changed:
                        self.changed.notify_all()
            await asyncio.sleep(self.POLL_SECONDS)

    async def wait(self, seen: tuple[int, int], timeout: float) -> tuple[int, int]:
        """(head, token revision) once either differs from `seen`, or after timeout."""
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: (self.head, self.tokens) != seen), timeout
                )
        return self.head, self.tokens
