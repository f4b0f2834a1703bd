"""The rules, as pure functions and dataclasses."""
