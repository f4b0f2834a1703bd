"""Client search, the card, the access log."""
