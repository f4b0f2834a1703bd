"""Client records: validating what a worker types before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ohjaaja.domain.limits import NAME_MAX, SHORT_TEXT_MAX
from ohjaaja.i18n import LANGUAGES

CLIENT_FIELDS = (
    "last_name",
    "first_names",
    "hetu",
    "birth_date",
    "phone",
    "email",
    "address",
    "municipality_code",
    "language",
    "alerts",
)
# A register's file holds what a worker types, but not the alerts (a desk's own notes).
REGISTER_FIELDS = tuple(name for name in CLIENT_FIELDS if name != "alerts")
RELATIONS = ("child", "spouse", "parent", "sibling", "other")  # a relative to the client
# The phone field holds one number or several: "040 548 5906, 02 262 6000".
_PHONE_SEPARATORS = re.compile(r"[,;]")
FREQUENT_CONTACTS = 10  # a year: the seeds' trigger for spotting a joint client
MISSED_CALLBACKS = 2  # in 30 days: "repeated"
RECENT_NOTIFICATION_DAYS = 30
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class ClientInput:
    last_name: str
    first_names: str
    hetu: str | None
    hetu_temporary: bool
    birth_date: date | None
    phones: tuple[str, ...]  # E.164, in the order given
    email: str | None
    address: str | None
    municipality_code: str | None
    language: str
    alerts: str

    def columns(self) -> dict[str, Any]:
        """The client table's columns for this input."""
        return {
            "hetu": self.hetu,
            "hetu_temporary": int(self.hetu_temporary),
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "last_name": self.last_name,
            "first_names": self.first_names,
            "email": self.email,
            "address": self.address,
            "language": self.language,
            "municipality_code": self.municipality_code,
            "alerts": self.alerts,
        }


@dataclass(frozen=True)
class FieldError:
    field: str
    key: str  # an i18n key naming the reason
    message: str  # the same reason in English, for logs and the CLI


def parse_date(text: str) -> date:
    """ISO (1952-10-13) or Finnish (13.10.1952) dates."""
    match = _FINNISH_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def validate_client(
    fields: dict[str, str], known_municipalities: set[str]
) -> tuple[ClientInput | None, list[FieldError]]:
    """Check a client form; return the clean input or every field's error."""
    # stdnum and phonenumbers load on the first form, not at the desk's start-up.
    from ohjaaja.domain.identity import IdentityCodeError, parse_identity_code
    from ohjaaja.domain.phones import PhoneError, normalise_phone

    values = {name: (fields.get(name) or "").strip() for name in CLIENT_FIELDS}
    errors: list[FieldError] = []
    for name in ("last_name", "first_names"):
        if not values[name]:
            errors.append(FieldError(name, "error.required", "required"))
    # The protocol's limits (ohjaaja.sync.rows), so the server never refuses a saved client.
    for name, limit, key in (
        ("last_name", NAME_MAX, "error.name_too_long"),
        ("first_names", NAME_MAX, "error.name_too_long"),
        ("address", 500, "error.address_too_long"),
        ("alerts", SHORT_TEXT_MAX, "error.short_too_long"),
    ):
        if len(values[name]) > limit:
            errors.append(FieldError(name, key, f"at most {limit} characters"))

    identity = None
    if values["hetu"]:
        try:
            identity = parse_identity_code(values["hetu"])
        except IdentityCodeError as exc:
            errors.append(FieldError("hetu", exc.key, str(exc)))

    birth = None
    if values["birth_date"]:
        try:
            birth = parse_date(values["birth_date"])
        except ValueError:
            errors.append(FieldError("birth_date", "error.date", "not a date (13.10.1952)"))
    if identity and birth and identity.birth_date != birth:
        errors.append(
            FieldError("birth_date", "error.date_mismatch", "does not match the identity code")
        )
    if not values["hetu"] and not values["birth_date"]:
        errors.append(
            FieldError("hetu", "error.hetu_or_birth", "give an identity code or a birth date")
        )

    phones: list[str] = []
    for number in filter(None, (n.strip() for n in _PHONE_SEPARATORS.split(values["phone"]))):
        try:
            phones.append(normalise_phone(number))
        except PhoneError as exc:
            errors.append(FieldError("phone", exc.key, f"{number}: {exc}"))
            break

    email = values["email"] or None
    if email:
        from email_validator import EmailNotValidError, validate_email

        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            errors.append(FieldError("email", "error.email", str(exc)))

    municipality = values["municipality_code"] or None
    if municipality and municipality not in known_municipalities:
        errors.append(
            FieldError("municipality_code", "error.municipality", "not a known municipality")
        )
    language = values["language"] or "fi"
    if language not in LANGUAGES:
        errors.append(FieldError("language", "error.language", "use fi, sv or en"))

    if errors:
        return None, errors
    return (
        ClientInput(
            last_name=values["last_name"],
            first_names=values["first_names"],
            hetu=identity.code if identity else None,
            hetu_temporary=bool(identity and identity.temporary),
            birth_date=identity.birth_date if identity else birth,
            phones=tuple(dict.fromkeys(phones)),
            email=email,
            address=values["address"] or None,
            municipality_code=municipality,
            language=language,
            alerts=values["alerts"],
        ),
        [],
    )


def reason_text(reason: str | None) -> str:
    """A logged reason as the access log shows it: the desk's own codes in words."""
    from ohjaaja.i18n import t

    if not reason:
        return ""
    if reason == "search":
        return t("reason.search")
    if reason.startswith("contact:"):
        return t("reason.contact", id=reason.removeprefix("contact:")[-8:])
    if reason.startswith("handover:"):
        return t("reason.handover", id=reason.removeprefix("handover:")[-8:])
    if reason.startswith("import:"):
        return t("reason.import", file=reason.removeprefix("import:"))
    return reason


def finnish_date(day: date) -> str:
    """13.10.1952, as dates are written in Finland (and on the desk in every language)."""
    return f"{day.day}.{day.month}.{day.year}"


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def client_flags(
    contacts: Sequence[datetime],
    missed_callbacks: Sequence[datetime],
    notifications: Sequence[datetime],
    now: datetime,
) -> list[str]:
    """Flags the card shows, computed from the client's history (keys flag.*)."""
    flags = []
    if sum(1 for at in contacts if now - at <= timedelta(days=365)) >= FREQUENT_CONTACTS:
        flags.append("flag.frequent_contact")
    if sum(1 for at in missed_callbacks if now - at <= timedelta(days=30)) >= MISSED_CALLBACKS:
        flags.append("flag.missed_callbacks")
    recent = timedelta(days=RECENT_NOTIFICATION_DAYS)
    if any(now - at <= recent for at in notifications):
        flags.append("flag.recent_notification")
    return flags
