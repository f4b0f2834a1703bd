"""What the catalogue knows of the contact it was opened from.

Its own small module: the contact screen makes one, the catalogue carries it,
and the offer screens (the service card, an unmet need, the summary) read it,
without any of them importing another for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfferContext:
    """The contact services are offered in, and the client it is about."""

    contact_id: str
    who: str  # the client's name, or the caller's number
    municipality_code: str | None
    language: str
