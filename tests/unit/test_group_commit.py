"""Intake's group commit: rows that arrive while a transaction is under way are
written together in the next one; a group that fails is written one by one, so
only the failing request fails."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from ohjaaja.db.server.store import TokenInfo, TokenRevoked, Voucher

from ohjaaja.sync.server.group_commit import GroupCommit


class FakeWriter:
    revoked = "revoked-hash"

    def __init__(self) -> None:
        self.rows: list[str] = []

    def token_holds(self, voucher: Voucher) -> int:
        if voucher.secret_hash == self.revoked:
            raise TokenRevoked(voucher.info.name)
        return 7

    def put(self, table: str, row_id: str, data: dict[str, Any], new: bool = False) -> int:
        if data.get("bad"):
            raise ValueError(f"{row_id} is bad")
        self.rows.append(row_id)
        return 0


class FakeStore:
    def __init__(self) -> None:
        self.committed: list[list[str]] = []
        self.first_begun, self.release = threading.Event(), threading.Event()

    def transaction(self, work: Any) -> Any:
        writer = FakeWriter()
        result = work(writer)
        if not self.committed and not self.first_begun.is_set():
            self.first_begun.set()
            assert self.release.wait(timeout=30)
        self.committed.append(writer.rows)
        return result


def test_rows_arriving_during_a_commit_are_written_together() -> None:
    store = FakeStore()
    group = GroupCommit(store)  # type: ignore[arg-type]
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(group.insert, "contact", "a", {})
        assert store.first_begun.wait(timeout=30)
        rest = [pool.submit(group.insert, "contact", name, {}) for name in "bcdef"]
        with group._turn:
            assert group._turn.wait_for(lambda: len(group._queue) == 5, timeout=30)
        store.release.set()
        for future in (first, *rest):
            future.result(timeout=30)
    assert store.committed[0] == ["a"]
    assert sorted(store.committed[1]) == list("bcdef")  # one transaction for the five
    assert len(store.committed) == 2


def test_a_bad_row_fails_its_own_request_only() -> None:
    store = FakeStore()
    group = GroupCommit(store)  # type: ignore[arg-type]
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(group.insert, "contact", "a", {})
        assert store.first_begun.wait(timeout=30)
        good = [pool.submit(group.insert, "contact", name, {}) for name in "bc"]
        bad = pool.submit(group.insert, "contact", "x", {"bad": True})
        with group._turn:
            assert group._turn.wait_for(lambda: len(group._queue) == 3, timeout=30)
        store.release.set()
        for future in (first, *good):
            future.result(timeout=30)
        with pytest.raises(ValueError, match="x is bad"):
            bad.result(timeout=30)
    written = [row for rows in store.committed for row in rows]
    assert sorted(written) == ["a", "b", "c"]


def test_a_revoked_token_writes_nothing_and_fails_only_its_own_request() -> None:
    store = FakeStore()
    group = GroupCommit(store)  # type: ignore[arg-type]
    info = TokenInfo("pbx", "integration", frozenset())
    live, revoked = Voucher("live-hash", info, 6), Voucher(FakeWriter.revoked, info, 6)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(group.insert, "contact", "a", {})
        assert store.first_begun.wait(timeout=30)
        good = pool.submit(group.insert, "contact", "b", {}, live)
        bad = pool.submit(group.insert, "contact", "x", {}, revoked)
        with group._turn:
            assert group._turn.wait_for(lambda: len(group._queue) == 2, timeout=30)
        store.release.set()
        assert first.result(timeout=30) is None
        assert good.result(timeout=30) == 7  # the revision at which it held
        with pytest.raises(TokenRevoked):
            bad.result(timeout=30)
    assert store.committed == [["a"], ["b"]]  # one transaction for both, x not in it
