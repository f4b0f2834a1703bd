"""Sync between desks and the shared server: the protocol both sides speak, the
rows and mutations it carries, and the desk's client of it."""
