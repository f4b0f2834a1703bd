"""Every synced table's columns as the protocol carries them, and the check of a row.

One definition serves three places: the desk checks a mutation before it goes
into its outbox, the server checks it before it stores anything, and a desk
checks a pulled row before it writes it. A row that passes `normalise` has every
column the desk's table needs, each of the type the desk stores, within its
length, so a row the server accepted is a row every desk can store.

Columns the desk keeps for itself (a contact's claim state, a client's folded
search name) are not here and never travel.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ohjaaja.domain import teams
from ohjaaja.sync import protocol as p

Row = dict[str, Any]


class Invalid(ValueError):
    """A value a desk could not store; `field` names where, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        if not (field.isascii() and field.isprintable()):  # a hostile key, written safely
            field = field.encode("unicode_escape", "backslashreplace").decode("ascii")
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class TooLong(Invalid):
    """A text longer than its column takes; the numbers, for a message in any language."""

    def __init__(self, field: str, limit: int, given: int) -> None:
        super().__init__(field, f"at most {limit:,} characters ({given:,} given)")
        self.limit = limit
        self.given = given


# -- kinds of value ------------------------------------------------------------

# [0-9], not \d: \d matches every script's digits ('٥' among them).
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"[0-9]{2}:[0-9]{2}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}")
JSON_DEPTH = 6
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
INT64 = 2**63 - 1


def text(value: Any, field: str, limit: int) -> str:
    """A string a database and a terminal can hold: no NUL, no lone surrogate."""
    if not isinstance(value, str):
        raise Invalid(field, f"must be text, not {type(value).__name__}")
    if _BAD_CHARS.search(value):
        raise Invalid(field, "contains a NUL or an unpaired surrogate")
    if len(value) > limit:
        raise TooLong(field, limit, len(value))
    return value


def identifier(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise Invalid(field, "an id is 1-64 letters, digits or _ . : - (a UUID)")
    return value


def integer(value: Any, field: str, low: int = -INT64, high: int = INT64) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(field, f"must be a whole number, not {type(value).__name__}")
    if not low <= value <= high:
        raise Invalid(field, f"must be between {low} and {high}")
    return value


@dataclass(frozen=True)
class Kind:
    """How a column's value is checked; `check` returns the value to store."""

    check: Callable[[Any, str], Any]


def _text_kind(limit: int) -> Kind:
    return Kind(lambda v, f: text(v, f, limit))


def _choice(values: Iterable[str]) -> Kind:
    allowed = tuple(values)

    def check(value: Any, field: str) -> str:
        if value not in allowed:
            raise Invalid(field, f"one of {', '.join(allowed)}")
        return str(value)

    return Kind(check)


def _time(value: Any, field: str) -> str:
    """UTC ISO 8601 with a Z, as the desk writes and sorts times."""
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise Invalid(field, "a UTC time like 2026-11-23T08:00:00.000000Z")
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid(field, "not a real time") from exc
    return value


def _stamp(value: Any, field: str) -> str:
    """A source's own time (PTV's modified): any ISO 8601 date and time, stored in UTC
    with a Z so that copies compare as times."""
    from ohjaaja.domain.clock import stamp_from_iso

    value = text(value, field, 64)
    try:
        return stamp_from_iso(value)
    except ValueError as exc:
        raise Invalid(field, "an ISO 8601 time like 2026-11-23T08:00:00Z") from exc


def _date(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise Invalid(field, "a date like 2026-11-23")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(field, "not a real date") from exc
    return value


def _clock(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _CLOCK.fullmatch(value) or value > "24:00":
        raise Invalid(field, "a time of day like 08:00")
    return value


def _flag(value: Any, field: str) -> int:
    if value in (0, 1) and not isinstance(value, float):
        return int(value)
    raise Invalid(field, "0 or 1")


def parse_json(value: str, field: str) -> Any:
    """JSON as every desk's SQLite reads it: no NaN or Infinity, and every string
    (keys too) one a database and a terminal can hold."""

    def refuse(constant: str) -> Any:
        raise Invalid(field, f"{constant} is not JSON a desk can store")

    try:
        parsed = json.loads(value, parse_constant=refuse)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(field, f"not JSON: {exc.args[0] if exc.args else exc}") from None
    _walk(parsed, field, 0)
    return parsed


def check_values(value: Any, field: str) -> None:
    """Every string and number inside a mutation's arguments, before anything reads
    them: a NUL, an unpaired surrogate or a NaN is refused wherever it hides."""
    # Arguments nest two levels deeper than a JSON column. Every push checks every
    # value: a first pass names nothing (a tenth of the rules' time went on building
    # field names); only a refusal walks again to say where.
    if not _clean(value, -2):
        _walk(value, field, -2)


def _clean(value: Any, depth: int) -> bool:
    """What _walk lets through, without naming anything."""
    if depth > JSON_DEPTH:
        return False
    if isinstance(value, str):
        return _BAD_CHARS.search(value) is None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 200 or _BAD_CHARS.search(key):
                return False
            if not _clean(item, depth + 1):
                return False
        return True
    if isinstance(value, list):
        return all(_clean(item, depth + 1) for item in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def training_flag(value: Any, field: str) -> str | None:
    """Where a truthy `is_training` sits inside a mutation's arguments (in any object
    or list, at any depth), or None. Checked as a whole rather than per row, so no
    mutation, column or nesting added later can carry training data past it. Run
    after check_values, which bounds the depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "is_training" and item:
                return f"{field}.{key}"
            if isinstance(item, dict | list):
                found = training_flag(item, f"{field}.{key}")
                if found:
                    return found
    elif isinstance(value, list):
        for n, item in enumerate(value):
            if isinstance(item, dict | list):
                found = training_flag(item, f"{field}[{n}]")
                if found:
                    return found
    return None


def _walk(value: Any, field: str, depth: int) -> None:
    if depth > JSON_DEPTH:
        raise Invalid(field, f"nested deeper than {JSON_DEPTH}")
    if isinstance(value, str):
        text(value, field, len(value))
    elif isinstance(value, float) and not math.isfinite(value):
        raise Invalid(field, "a number a desk can store")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _walk(item, f"{field}[{n}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            text(key, f"{field} (a key)", 200)
            _walk(item, f"{field}.{key}", depth + 1)


def _json_text(limit: int, check: Callable[[Any, str], None]) -> Kind:
    """A JSON text column: the string as the desk writes it, which must parse to
    what `check` accepts."""

    def checked(value: Any, field: str) -> str:
        if value in ("[]", "{}"):  # most of them: checked without parsing
            check([] if value == "[]" else {}, field)
            return str(value)
        value = text(value, field, limit)
        check(parse_json(value, field), field)
        return value

    return Kind(checked)


def _codes(value: Any, field: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= 64 for v in value):
        raise Invalid(field, "a JSON list of codes")


def _texts(value: Any, field: str) -> None:
    if not isinstance(value, dict) or not all(
        _LANGUAGE_KEY.fullmatch(k) and isinstance(v, str) for k, v in value.items()
    ):
        raise Invalid(field, 'texts by language, like {"fi": "...", "sv": "..."}')


_AREA_KEYS = frozenset({"id", "name", "extent", "extent_type", "uri", "description"})


def _areas(value: Any, field: str) -> None:
    """A service's areas outside the region (ohjaaja.domain.catalogue.ServiceArea)."""
    if not isinstance(value, list):
        raise Invalid(field, "a JSON list of areas")
    for i, area in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(area, dict) or not set(area) <= _AREA_KEYS or "id" not in area:
            raise Invalid(where, "an object of id, name, extent, extent_type, uri, description")
        identifier(area["id"], f"{where}.id")
        for key in ("name", "extent", "extent_type", "uri"):
            if key in area and not isinstance(area[key], str):
                raise Invalid(f"{where}.{key}", "must be text")
        if "description" in area:
            _texts(area["description"], f"{where}.description")


def _object(value: Any, field: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(field, "a JSON object")


def _clock_state(value: Any, field: str) -> None:
    """A training shift's clock (ohjaaja.training.clock.ClockState.to_json)."""
    if not isinstance(value, dict) or set(value) != {"sim_at", "real_at", "speed", "paused"}:
        raise Invalid(field, "an object of sim_at, real_at, speed and paused")
    try:
        at = datetime.fromisoformat(str(value["sim_at"]))
    except ValueError as exc:
        raise Invalid(f"{field}.sim_at", "not a time") from exc
    if at.tzinfo is None:
        raise Invalid(f"{field}.sim_at", "needs a time zone")
    for key in ("real_at", "speed"):
        if isinstance(value[key], bool) or not isinstance(value[key], int | float):
            raise Invalid(f"{field}.{key}", "must be a number")
    if not 0 <= value["real_at"] < 1e11:
        raise Invalid(f"{field}.real_at", "not a time in seconds")
    if not p.TRAINING_SPEED_MIN <= value["speed"] <= p.TRAINING_SPEED_MAX:
        limits = f"{p.TRAINING_SPEED_MIN:g}..{p.TRAINING_SPEED_MAX:g}"
        raise Invalid(f"{field}.speed", f"must be in {limits}")
    if not isinstance(value["paused"], bool):
        raise Invalid(f"{field}.paused", "must be true or false")


_MATTER_KEYS = frozenset({"kind", "id", "line", "at", "state", "note"})


def _matters(value: Any, field: str) -> None:
    """A shift handover's open matters: a contact, a handover or a callback each,
    with a few known fields (the shift screen reads every one of them)."""
    if not isinstance(value, list):
        raise Invalid(field, "a list of open matters")
    for n, item in enumerate(value):
        where = f"{field}[{n}]"
        if not isinstance(item, dict) or not set(item) <= _MATTER_KEYS:
            raise Invalid(where, "an open matter: kind, id, line, at, state, note")
        if item.get("kind") not in ("contact", "handover", "callback"):
            raise Invalid(f"{where}.kind", "contact, handover or callback")
        for key in ("id", "note"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise Invalid(f"{where}.{key}", "text")
        if item.get("line") is not None and item["line"] not in p.LINES:
            raise Invalid(f"{where}.line", "a line")
        if item.get("at") is not None:
            _time(item["at"], f"{where}.at")
        if item.get("state") is not None and item["state"] not in (
            "sent",
            "accepted",
            "returned",
            "completed",
        ):
            raise Invalid(f"{where}.state", "a handover's state")


def _hetu(value: Any, field: str) -> str:
    from ohjaaja.domain.identity import IdentityCodeError, parse_identity_code

    value = text(value, field, 11)
    try:
        parsed = parse_identity_code(value)
    except IdentityCodeError as exc:
        raise Invalid(field, str(exc)) from exc
    if parsed.code != value:
        raise Invalid(field, f"written as {parsed.code}")
    return value


def _phone(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _E164.fullmatch(value):
        raise Invalid(field, "an E.164 number like +358405485906")
    return value


def _email(value: Any, field: str) -> str:
    value = text(value, field, 254)
    if "@" not in value or any(c.isspace() for c in value):
        raise Invalid(field, "not an email address")
    return value


def _team(value: Any, field: str) -> str:
    value = text(value, field, 64)
    if not teams.is_valid(value):
        raise Invalid(field, f"not a team {value!r}")
    return value


ID = Kind(identifier)
TIME = Kind(_time)
STAMP = Kind(_stamp)
DATE = Kind(_date)
CLOCK = Kind(_clock)
FLAG = Kind(_flag)
VERSION = Kind(lambda v, f: integer(v, f, 1))
POSITION = Kind(lambda v, f: integer(v, f, 0, 100_000))
PRIORITY = Kind(lambda v, f: integer(v, f, 1, 9))
HETU = Kind(_hetu)
PHONE = Kind(_phone)
EMAIL = Kind(_email)
TEAM = Kind(_team)
NAME = _text_kind(p.NAME_MAX)
SHORT = _text_kind(p.SHORT_TEXT_MAX)
LONG = _text_kind(p.TEXT_MAX)
NOTE = _text_kind(p.NOTE_MAX)
CODE = _text_kind(64)
URL = _text_kind(2_000)
LANGUAGE = _choice(("fi", "sv", "en"))
LIST = _json_text(p.SHORT_TEXT_MAX, _codes)
TEXTS = _json_text(p.TEXT_MAX * 3, _texts)  # {"fi": ..., "sv": ..., "en": ...}
OBJECT = _json_text(p.TEXT_MAX, _object)
AREAS = _json_text(p.TEXT_MAX * 10, _areas)  # an area's extent (GeoJSON) may be long


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False  # present and not null in every row
    default: Any = None  # what an absent column becomes (the desk table's default)
    ref: str | None = None  # the table whose id this is (the server checks it exists)


def _col(name: str, kind: Kind, *, req: bool = False, default: Any = None, ref: str = "") -> Column:
    return Column(name, kind, req, default, ref or None)


def _row_life() -> tuple[Column, ...]:
    """version, tombstone and times: every mutable row has them."""
    return (
        _col("version", VERSION, req=True, default=1),
        _col("deleted", FLAG, req=True, default=0),
        _col("created_at", TIME, req=True),
        _col("updated_at", TIME, req=True),
    )


TABLES: dict[str, tuple[Column, ...]] = {
    "worker": (
        _col("id", ID, req=True),
        _col("name", NAME, req=True),
        _col("roles", LIST, req=True, default='["guidance"]'),
        _col("lines", LIST, req=True, default="[]"),
        _col("teams", LIST, req=True, default="[]"),
        _col("language", LANGUAGE, req=True, default="fi"),
        *_row_life(),
    ),
    "client": (
        _col("id", ID, req=True),
        _col("hetu", HETU),
        _col("hetu_temporary", FLAG, req=True, default=0),
        _col("birth_date", DATE),
        _col("last_name", NAME, req=True),
        _col("first_names", NAME, req=True),
        _col("language", LANGUAGE, req=True, default="fi"),
        _col("municipality_code", CODE, ref="municipality"),
        _col("email", EMAIL),
        _col("address", _text_kind(500)),
        _col("alerts", SHORT, req=True, default=""),
        _col("is_training", FLAG, req=True, default=0),
        *_row_life(),
    ),
    "client_phone": (
        _col("id", ID, req=True),
        _col("client_id", ID, req=True, ref="client"),
        _col("e164", PHONE, req=True),
        _col("kind", _choice(("mobile", "landline", "other")), req=True, default="mobile"),
        *_row_life(),
    ),
    "relative": (
        _col("id", ID, req=True),
        _col("client_id", ID, req=True, ref="client"),
        _col("name", NAME, req=True),
        _col("relation", _choice(("child", "spouse", "parent", "sibling", "other")), req=True),
        _col("phone_e164", PHONE),
        *_row_life(),
    ),
    "contact": (
        _col("id", ID, req=True),
        _col("channel", _choice(p.CHANNELS), req=True),
        _col("line_code", _choice(p.LINES), req=True),
        _col("original_line_code", _choice(p.LINES)),
        _col("municipality_code", CODE, ref="municipality"),
        _col("language", LANGUAGE, req=True, default="fi"),
        _col("caller_phone", PHONE),
        _col("caller_kind", _choice(p.CALLER_KINDS)),
        _col("caller_name", NAME),
        _col("client_id", ID, ref="client"),
        _col("priority", PRIORITY, req=True, default=3),
        _col("status", _choice(p.CONTACT_STATUSES), req=True, default="waiting"),
        _col("via_queue", FLAG, req=True, default=1),
        _col("received_at", TIME, req=True),
        _col("taken_at", TIME),
        _col("closed_at", TIME),
        _col("taken_by", ID, ref="worker"),
        _col("reasons", LIST, req=True, default="[]"),
        _col("note", NOTE, req=True, default=""),
        _col("outcome", _choice(p.OUTCOMES)),
        _col("callback_at", TIME),
        _col("is_training", FLAG, req=True, default=0),
        *_row_life(),
    ),
    "contact_event": (
        _col("id", ID, req=True),
        _col("contact_id", ID, req=True, ref="contact"),
        _col("kind", CODE, req=True),
        _col("at", TIME, req=True),
        _col("worker_id", ID, ref="worker"),
        _col("data", _json_text(p.NOTE_MAX + 1_000, _object), req=True, default="{}"),
    ),
    "audit": (
        _col("id", ID, req=True),
        _col("at", TIME, req=True),
        _col("worker_id", ID, ref="worker"),
        _col("client_id", ID, ref="client"),
        _col("action", CODE, req=True),
        _col("reason", SHORT),
        _col("detail", OBJECT, req=True, default="{}"),
    ),
    "organization": (
        _col("id", ID, req=True),
        _col("name", TEXTS, req=True),
        _col("description", TEXTS, req=True, default="{}"),
        _col("sector", _choice(("public", "private", "third")), req=True, default="public"),
        _col("website", URL),
        _col("email", EMAIL),
        _col("source_modified_at", STAMP),
        *_row_life(),
    ),
    "service": (
        _col("id", ID, req=True),
        _col("organization_id", ID, req=True, ref="organization"),
        _col("name", TEXTS, req=True),
        _col("description", TEXTS, req=True, default="{}"),
        _col("eligibility_description", TEXTS, req=True, default="{}"),
        _col("fees_description", TEXTS, req=True, default="{}"),
        _col("application_process", TEXTS, req=True, default="{}"),
        _col("status", CODE, req=True, default="active"),
        _col("client_groups", LIST, req=True, default="[]"),
        _col("languages", LIST, req=True, default='["fi"]'),
        _col("service_areas", LIST, req=True, default="[]"),
        _col("other_areas", AREAS, req=True, default="[]"),
        _col("source_modified_at", STAMP),
        _col("channels", LIST, req=True, default="[]"),
        _col("free", FLAG, req=True, default=1),
        _col("url", URL),
        _col("email", EMAIL),
        _col("last_verified_at", DATE),
        _col("holidays", _choice(("closed", "sunday", "open")), req=True, default="closed"),
        _col("eve_closes_at", CLOCK),
        *_row_life(),
    ),
    "location": (
        _col("id", ID, req=True),
        _col("organization_id", ID, ref="organization"),
        _col("name", TEXTS, req=True, default="{}"),
        _col("address", _text_kind(500)),
        _col("postal_code", CODE),
        _col("city", NAME),
        _col("municipality_code", CODE, ref="municipality"),
        *_row_life(),
    ),
    "service_at_location": (
        _col("id", ID, req=True),
        _col("service_id", ID, req=True, ref="service"),
        _col("location_id", ID, req=True, ref="location"),
        _col("position", POSITION, req=True, default=0),
        *_row_life(),
    ),
    "catalogue_phone": (
        _col("id", ID, req=True),
        _col("service_id", ID, ref="service"),
        _col("organization_id", ID, ref="organization"),
        _col("location_id", ID, ref="location"),
        _col("number", _text_kind(64), req=True),
        _col("description", TEXTS, req=True, default="{}"),
        _col("position", POSITION, req=True, default=0),
        *_row_life(),
    ),
    "schedule": (
        _col("id", ID, req=True),
        _col("service_id", ID, ref="service"),
        _col("service_at_location_id", ID, ref="service_at_location"),
        _col("freq", CODE),
        _col("byday", CODE),
        _col("opens_at", CLOCK),
        _col("closes_at", CLOCK),
        _col("description", TEXTS, req=True, default="{}"),
        _col("position", POSITION, req=True, default=0),
        _col("valid_from", DATE),
        _col("valid_to", DATE),
        *_row_life(),
    ),
    "offer": (
        _col("id", ID, req=True),
        _col("contact_id", ID, req=True, ref="contact"),
        _col("service_id", ID, ref="service"),
        _col("unmet_need", SHORT),
        _col("language", LANGUAGE),
        _col("created_at", TIME, req=True),
        _col("worker_id", ID, ref="worker"),
    ),
    "notification": (
        _col("id", ID, req=True),
        _col("kind", _choice(p.NOTIFICATION_KINDS), req=True),
        _col("client_id", ID, ref="client"),
        _col("contact_id", ID, ref="contact"),
        _col("municipality_code", CODE, ref="municipality"),
        _col("routed_to", TEAM, req=True),
        _col("fields", _json_text(p.NOTE_MAX, _object), req=True, default="{}"),
        _col("notifier_worker_id", ID, ref="worker"),
        _col("received_at", TIME),
        _col("is_training", FLAG, req=True, default=0),
        *_row_life(),
    ),
    "handover": (
        _col("id", ID, req=True),
        _col("contact_id", ID, ref="contact"),
        _col("client_id", ID, ref="client"),
        _col("from_worker_id", ID, ref="worker"),
        _col("to_worker_id", ID, ref="worker"),
        _col("to_team", TEAM),
        _col("situation", LONG, req=True, default=""),
        _col("background", LONG, req=True, default=""),
        _col("assessment", LONG, req=True, default=""),
        _col("recommendation", LONG, req=True, default=""),
        _col("note", NOTE, req=True),
        _col("urgency", _choice(p.URGENCIES), req=True, default="normal"),
        _col("due_at", TIME),
        _col("warm", FLAG, req=True, default=0),
        _col("state", _choice(("sent", "accepted", "returned", "completed")), req=True),
        _col("accepted_by", ID, ref="worker"),
        _col("notification_id", ID, ref="notification"),
        _col("is_training", FLAG, req=True, default=0),
        *_row_life(),
    ),
    "handover_event": (
        _col("id", ID, req=True),
        _col("handover_id", ID, req=True, ref="handover"),
        _col("kind", _choice(("sent", *p.ACTIONS)), req=True),
        _col("at", TIME, req=True),
        _col("worker_id", ID, ref="worker"),
        _col("reason", SHORT),
    ),
    "shift_handover": (
        _col("id", ID, req=True),
        _col("from_worker_id", ID, req=True, ref="worker"),
        _col("note", NOTE, req=True),
        _col("items", _json_text(p.NOTE_MAX, _matters), req=True, default="[]"),
        _col("acknowledged_by", ID, ref="worker"),
        _col("acknowledged_at", TIME),
        *_row_life(),
    ),
    # Only in a training store: is_training must be 1 (ohjaaja.sync.mutations.training).
    "training_shift": (
        _col("id", ID, req=True),
        _col("scenario", NAME, req=True),
        _col("source", _text_kind(p.SCENARIO_MAX), req=True),
        _col("format", _choice(("yaml", "json")), req=True),
        _col("seed", Kind(lambda v, f: integer(v, f, 0, 2**63 - 1)), req=True),
        _col("clock", _json_text(1_000, _clock_state), req=True),
        _col("started_at", TIME, req=True),
        _col("ended_at", TIME),
        _col("is_training", FLAG, req=True, default=1),
        *_row_life(),
    ),
    "training_event": (
        _col("id", ID, req=True),
        _col("shift_id", ID, req=True, ref="training_shift"),
        _col("at", TIME, req=True),
        _col("kind", _choice(p.TRAINEE_EVENTS), req=True),
        _col("contact_id", ID),  # no reference: the timeline is no client data
        _col("worker_id", ID, ref="worker"),
        _col("data", _json_text(p.SHORT_TEXT_MAX, _object), req=True, default="{}"),
    ),
}
COLUMNS: dict[str, dict[str, Column]] = {
    table: {c.name: c for c in columns} for table, columns in TABLES.items()
}
# Rows that are written once and never changed: a second write of an id is refused.
APPEND_ONLY = frozenset({"audit", "offer", "contact_event", "handover_event", "training_event"})
# What a mutable row is made with and keeps: a create sent again (its answer lost)
# finds the row changed since (claimed, moved, edited) and is still the same create.
CREATED_WITH: dict[str, tuple[str, ...]] = {
    "contact": ("channel", "line_code", "received_at", "created_at"),
    "client": ("created_at",),
    "client_phone": ("client_id", "e164", "created_at"),
    "handover": ("from_worker_id", "created_at"),
    "notification": ("kind", "notifier_worker_id", "created_at"),
    "shift_handover": ("from_worker_id", "created_at"),
}
SERVER_MANAGED = frozenset({"version"})


def normalise(table: str, data: Any, field: str, allowed: Iterable[str] | None = None) -> Row:
    """The whole row as every desk stores it, or Invalid naming the first bad field.

    `allowed`: the columns this mutation lets a desk set (the rest take their
    defaults); None allows every column. Unknown keys are refused, so nothing a
    desk invents is ever served to the others.
    """
    if not isinstance(data, Mapping):
        raise Invalid(field, "must be an object")
    columns = COLUMNS[table]
    permitted = columns.keys() if allowed is None else set(allowed) | SERVER_MANAGED
    for key in data:
        if key not in columns:
            raise Invalid(f"{field}.{key}" if isinstance(key, str) else field, "unknown field")
        if key not in permitted:
            raise Invalid(f"{field}.{key}", "may not be set here")
    row: Row = {}
    for name, column in columns.items():
        value = data.get(name, column.default)
        if value is None:
            if column.required:
                raise Invalid(f"{field}.{name}", "required")
            row[name] = None
        else:
            row[name] = column.kind.check(value, field + "." + name)
    return row


def partial(table: str, data: Mapping[str, Any], field: str) -> Row:
    """Some columns of a row (the fields a change sets), each checked as in `normalise`."""
    columns = COLUMNS[table]
    row: Row = {}
    for name, value in data.items():
        column = columns.get(name)
        if column is None:
            raise Invalid(f"{field}.{name}", "unknown field")
        if value is None:
            if column.required:
                raise Invalid(f"{field}.{name}", "required")
            row[name] = None
        else:
            row[name] = column.kind.check(value, f"{field}.{name}")
    return row


def references(table: str, row: Mapping[str, Any]) -> Iterable[tuple[str, str, str]]:
    """(column, referenced table, id) for each reference the row makes."""
    for column in TABLES[table]:
        if column.ref and row.get(column.name) is not None:
            yield column.name, column.ref, row[column.name]


def check_text(value: Any, field: str, limit: int) -> str:
    """A free text argument of a mutation (a return's reason, a note)."""
    return text(value, field, limit)


def desk_row(table: str, stored: Mapping[str, Any] | sqlite3.Row) -> Row:
    """The protocol's view of a row the desk holds: exactly the synced columns, so a
    desk can give back, byte for byte, a row the server once signed."""
    return {name: stored[name] for name in COLUMNS[table]}
