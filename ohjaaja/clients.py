"""Client records: validating what a worker types before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ohjaaja.i18n import LANGUAGES

CLIENT_FIELDS = (
    "last_name",
    "first_names",
    "hetu",
    "birth_date",
    "phone",
    "municipality_code",
    "language",
)
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class ClientInput:
    last_name: str
    first_names: str
    hetu: str | None
    hetu_temporary: bool
    birth_date: date | None
    phone: str | None  # E.164
    municipality_code: str | None
    language: str


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
    from ohjaaja.identity import IdentityCodeError, parse_identity_code
    from ohjaaja.phones import PhoneError, normalise_phone

    values = {name: (fields.get(name) or "").strip() for name in CLIENT_FIELDS}
    errors: list[FieldError] = []
    for name in ("last_name", "first_names"):
        if not values[name]:
            errors.append(FieldError(name, "error.required", "required"))

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

    phone = None
    if values["phone"]:
        try:
            phone = normalise_phone(values["phone"])
        except PhoneError as exc:
            errors.append(FieldError("phone", exc.key, str(exc)))

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
            phone=phone,
            municipality_code=municipality,
            language=language,
        ),
        [],
    )


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
