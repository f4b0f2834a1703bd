"""Statutory notifications: what each form must capture, where it goes, and its clocks.

- child_welfare (Child Welfare Act 417/2007 s. 25): made without delay, never
  anonymously; to the child's home municipality, after hours to the social
  emergency. Urgency is assessed at once; whether an investigation starts is
  decided within 7 working days.
- social_care_need (Social Welfare Act s. 35): a person's need for social care.
- elderly_services (Elderly Services Act 980/2012 s. 25): an older person may
  need services (neglect of food or hygiene, abuse, unable to cope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ohjaaja.domain.clients import age_on, parse_date
from ohjaaja.domain.clock import local
from ohjaaja.domain.workdays import add_working_days

KINDS = ("child_welfare", "social_care_need", "elderly_services")
# The team of the municipality that receives each kind (ohjaaja.domain.teams).
TEAM_KIND = {
    "child_welfare": "child_welfare",
    "social_care_need": "adult_social_work",
    "elderly_services": "assessment",
}
# The form's fields per kind, and which of them must be filled.
FIELDS = {
    "child_welfare": ("subject", "birth_date", "guardians", "concern", "danger_now"),
    "social_care_need": ("subject", "birth_date", "concern", "consent"),
    "elderly_services": ("subject", "birth_date", "observed", "concern"),
}
REQUIRED = {
    "child_welfare": ("subject", "concern"),
    "social_care_need": ("subject", "concern", "consent"),
    "elderly_services": ("subject", "observed", "concern"),
}
OBSERVED = ("food", "hygiene", "abuse", "cannot_cope", "memory", "housing")
CONSENT = ("yes", "no", "unknown")
INVESTIGATION_DAYS = 7


ADULT_AGE = 18
ELDERLY_AGE = 65


def kind_for(birth: date | None, today: date, line_code: str | None = None) -> str:
    """The kind a notification most likely is: on the families' line child welfare
    (the caller is often a parent or grandparent); else by the client's age, a
    child's child welfare, an older person's elderly services, anyone else's a need
    for social care. Unknown age: child welfare (made without delay)."""
    if birth is None or line_code == "lapsiperheet":
        return "child_welfare"
    age = age_on(birth, today)
    if age < ADULT_AGE:
        return "child_welfare"
    return "elderly_services" if age >= ELDERLY_AGE else "social_care_need"


@dataclass(frozen=True)
class Clock:
    """A statutory time limit: what must happen, by when."""

    key: str  # message key of what must happen
    due: date | datetime


def check(kind: str, fields: dict[str, object], on: date | None = None) -> list[tuple[str, str]]:
    """(field, message key) for each missing or unusable field. `on`, the day it is
    made: a child-welfare notification's birth date must be of someone under 18 then."""
    if kind not in KINDS:
        return [("kind", "notification.error.kind")]
    errors = [
        (name, "error.required")
        for name in REQUIRED[kind]
        if not fields.get(name) or (isinstance(fields[name], str) and not str(fields[name]).strip())
    ]
    if kind == "social_care_need" and fields.get("consent") not in (None, "", *CONSENT):
        errors.append(("consent", "notification.error.consent"))
    birth = fields.get("birth_date")
    if isinstance(birth, str) and birth.strip():
        try:
            born = parse_date(birth.strip())
        except ValueError:
            errors.append(("birth_date", "error.date"))
        else:
            if kind == "child_welfare" and on is not None and age_on(born, on) >= ADULT_AGE:
                errors.append(("birth_date", "notification.error.not_a_child"))
    observed = fields.get("observed") or []
    if isinstance(observed, list) and any(item not in OBSERVED for item in observed):
        errors.append(("observed", "notification.error.observed"))
    return errors


def clocks(kind: str, received: datetime, fields: dict[str, object]) -> list[Clock]:
    """The statutory clocks of a notification received at `received`."""
    if kind == "child_welfare":
        return [
            Clock("notification.clock.urgency_now", received),
            Clock(
                "notification.clock.investigation",
                add_working_days(local(received).date(), INVESTIGATION_DAYS),
            ),
        ]
    return [Clock("notification.clock.look_into", received)]


def urgency(kind: str, fields: dict[str, object]) -> str:
    """The urgency of the handover a notification makes (ohjaaja.domain.handovers.URGENCIES)."""
    if kind == "child_welfare" or fields.get("danger_now"):
        return "immediate"
    return "same_day"
