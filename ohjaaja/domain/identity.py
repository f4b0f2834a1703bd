"""Finnish personal identity codes (henkilötunnus), validated by python-stdnum.

The century sign is part of the identity: 131052-308T and 131052Y308T are two
different people, so codes are stored exactly as given (upper-cased) and never
rewritten to another sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, ValidationError
from stdnum.fi import hetu as _hetu

CENTURY_SIGNS = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}
CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


class IdentityCodeError(ValueError):
    """An identity code that is not valid; `key` names the reason for translation."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class IdentityCode:
    code: str
    birth_date: date
    temporary: bool
    sex: str  # "male" or "female", from the individual number's parity


def parse_identity_code(text: str) -> IdentityCode:
    """Validate an identity code and read what it says; raise IdentityCodeError."""
    code = _hetu.compact(text)
    if len(code) != 11:
        raise IdentityCodeError(
            "error.hetu.length", "an identity code has 11 characters, like 131052-308T"
        )
    if code[6] not in CENTURY_SIGNS:
        raise IdentityCodeError("error.hetu.sign", f"'{code[6]}' is not a century sign")
    try:
        _hetu.validate(code, allow_temporary=True)
    except InvalidChecksum as exc:
        raise IdentityCodeError("error.hetu.check", "the check character does not match") from exc
    except InvalidComponent as exc:
        raise IdentityCodeError(
            "error.hetu.impossible", "the birth date or individual number is impossible"
        ) from exc
    except InvalidFormat as exc:
        raise IdentityCodeError("error.hetu.format", "the format is not DDMMYYCZZZQ") from exc
    except ValidationError as exc:  # pragma: no cover - stdnum's other errors
        raise IdentityCodeError("error.hetu.format", str(exc)) from exc
    individual = int(code[7:10])
    year = CENTURY_SIGNS[code[6]] + int(code[4:6])
    return IdentityCode(
        code=code,
        birth_date=date(year, int(code[2:4]), int(code[0:2])),
        temporary=individual >= 900,
        sex="male" if individual % 2 else "female",
    )


def make_identity_code(birth: date, individual: int, sign: str | None = None) -> str:
    """Build a valid code (for synthetic data); the sign defaults to the newest form."""
    century = birth.year - birth.year % 100
    if sign is None:
        sign = {1800: "+", 1900: "-", 2000: "A"}[century]
    if CENTURY_SIGNS.get(sign) != century:
        raise ValueError(f"sign {sign!r} does not belong to {birth.year}")
    body = f"{birth:%d%m}{birth.year % 100:02d}"
    number = f"{individual:03d}"
    check = CHECK_CHARS[int(body + number) % 31]
    return f"{body}{sign}{number}{check}"


def mask_identity_code(code: str) -> str:
    """'131052-308T' -> '131052-****': the birth date and century stay readable."""
    return code[:7] + "*" * (len(code) - 7)
