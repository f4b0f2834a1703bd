"""Reading the fields of a foreign catalogue's JSON records (HSDS, PTV): each reader
names the path and field it could not use, so an import says where a record is
broken."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from ohjaaja.domain.clock import stamp_from_iso

Obj = dict[str, Any]


class RecordError(ValueError):
    """A record that cannot be used: the field (a path such as phones[0].number) and why."""

    def __init__(self, field_path: str, reason: str) -> None:
        super().__init__(f"{field_path}: {reason}")
        self.field = field_path
        self.reason = reason


def object_at(value: Any, where: str) -> Obj:
    if not isinstance(value, dict):
        raise RecordError(where.rstrip("."), "must be an object")
    return value


def list_at(obj: Obj, name: str, where: str) -> list[Any]:
    value = obj.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{where}{name}", "must be a list")
    return value


def text_at(obj: Obj, name: str, where: str) -> str | None:
    value = obj.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{where}{name}", "must be a string")
    return value.strip() or None


def stamp_at(obj: Obj, name: str, where: str) -> str | None:
    """An ISO 8601 time (PTV's `modified`) as the desk stores times, so that a newer
    copy is told by time, not by how its text sorts."""
    value = text_at(obj, name, where)
    if value is None:
        return None
    try:
        return stamp_from_iso(value)
    except ValueError:
        raise RecordError(f"{where}{name}", f"{value!r} is not an ISO 8601 time") from None


def uuid_at(obj: Obj, name: str, where: str) -> str:
    value = text_at(obj, name, where)
    if value is None:
        raise RecordError(f"{where}{name}", "required")
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise RecordError(f"{where}{name}", f"not a UUID: {value!r}") from exc


def date_at(obj: Obj, name: str, where: str) -> date | None:
    """A date, or a date-time read as the date it names (PTV's '2026-12-24T00:00:00')."""
    value = text_at(obj, name, where)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise RecordError(f"{where}{name}", f"not a date (YYYY-MM-DD): {value!r}") from exc
