"""Handovers, notifications, shift handovers."""
