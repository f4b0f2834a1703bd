"""Primary keys: UUID v7, made on the desk, ordered by creation time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator


def new_id() -> str:
    from uuid6 import uuid7  # imported on first write, not at start-up

    return str(uuid7())


def sequential_ids(unix_ms: int) -> Iterator[str]:
    """UUID v7s with one timestamp and a counter in the random bits (RFC 9562's
    monotonic-counter method): for bulk loads, where ascending keys keep the
    primary-key B-tree appending instead of splitting pages at random."""
    base = (unix_ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | 0b10 << 62
    counter = 0
    while True:
        low = counter & ((1 << 62) - 1)
        high = (counter >> 62) & 0xFFF
        yield str(uuid.UUID(int=base | high << 64 | low))
        counter += 1


# Workers are named (a login); every desk and the server derive the same id from
# the name, so a desk that has never reached the server already uses the id the
# server's register knows.
_WORKER_NAMESPACE = uuid.UUID("6f1a3c52-0b7e-5d43-9a21-6f68616a6161")


def worker_id(name: str) -> str:
    return str(uuid.uuid5(_WORKER_NAMESPACE, name))
