"""Asking why before the identity code is shown; the answer goes to the access log."""

from __future__ import annotations

from ohjaaja.screens.kit.reason import ReasonScreen


class RevealScreen(ReasonScreen):
    def __init__(self) -> None:
        super().__init__("title.reveal", "reveal.why", "reveal.placeholder")
