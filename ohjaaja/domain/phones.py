"""Phone numbers: stored as E.164, shown in Finnish national format (phonenumbers)."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

REGION = "FI"


class PhoneError(ValueError):
    """A phone number that cannot be used; `key` names the reason for translation."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def normalise_phone(text: str) -> str:
    """Parse a number written any way (040 548 5906, +358 40 ...) to E.164."""
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException as exc:
        raise PhoneError("error.phone.parse", "not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("error.phone.invalid", "not a valid number for its country")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """National format for Finnish numbers, international for others."""
    try:
        number = phonenumbers.parse(e164, REGION)
    except NumberParseException:
        return e164
    if number.country_code == 358:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def phone_kind(e164: str) -> str:
    """'mobile', 'landline' or 'other'."""
    kind = phonenumbers.number_type(phonenumbers.parse(e164, REGION))
    if kind == PhoneNumberType.MOBILE:
        return "mobile"
    if kind == PhoneNumberType.FIXED_LINE:
        return "landline"
    return "other"
