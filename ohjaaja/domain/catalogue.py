"""The service-offering catalogue (palvelutarjotin): organisations, services and
what a worker needs of them, with the checks every way in (the admin form, an HSDS
import, a sync) shares.

Texts are {"fi": .., "sv": .., "en": ..}; ohjaaja/hsds.py maps them to HSDS 3.0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Any

from ohjaaja.domain import reference
from ohjaaja.domain.phones import PhoneError, normalise_phone
from ohjaaja.domain.reasons import Reason, Unusable, reason
from ohjaaja.domain.schedules import (
    HOLIDAY_RULES,
    ExceptionalHours,
    ServiceHours,
    WeeklyHours,
    exceptions_text,
    form_time,
    hours_text,
    parse_exceptions_text,
    parse_hours_text,
)
from ohjaaja.domain.web_addresses import email_address, web_address

Texts = dict[str, str]
Problem = tuple[str, Reason]  # a field and why it cannot be used
TEXT_LANGUAGES = ("fi", "sv", "en")
SECTORS = ("public", "private", "third")
SERVICE_CHANNELS = ("phone", "visit", "web", "chat", "home")
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
SERVICE_LANGUAGES = ("fi", "sv", "en", "se", "ru", "et", "ar", "so", "uk")  # se: Northern Sami
STALE_AFTER = timedelta(days=365)  # "not verified for 12 months"


def text_in(texts: Texts, language: str) -> str:
    """The text in a language, else Finnish, else Swedish, else English."""
    for candidate in (language, "fi", "sv", "en"):
        if texts.get(candidate):
            return texts[candidate]
    return ""


def clean_texts(texts: Texts) -> Texts:
    return {lang: value.strip() for lang, value in texts.items() if value and value.strip()}


@dataclass(frozen=True)
class Phone:
    id: str
    number: str  # E.164
    description: Texts = field(default_factory=dict)


@dataclass(frozen=True)
class Location:
    id: str
    link_id: str  # the HSDS service_at_location joining it to the service
    name: Texts = field(default_factory=dict)
    address: str = ""
    postal_code: str = ""
    city: str = ""
    municipality_code: str | None = None


@dataclass(frozen=True)
class ServiceArea:
    """An area outside the region (a neighbouring region's municipality, a whole
    country) as a catalogue gave it: kept and exported back unchanged, never placed
    under a municipality of ours."""

    id: str
    name: str = ""
    extent: str = ""  # HSDS: GeoJSON or KML text
    extent_type: str = ""  # geojson, topojson, kml, text
    uri: str = ""  # a code list's URI for the area (PTV, Statistics Finland)
    description: Texts = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServiceArea:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Organization:
    id: str
    name: Texts
    description: Texts = field(default_factory=dict)
    sector: str = "public"
    website: str | None = None
    email: str | None = None
    phones: tuple[Phone, ...] = ()
    source_modified: str | None = None  # the source's own stamp (PTV's modified)


@dataclass(frozen=True)
class Service:
    id: str
    organization_id: str
    name: Texts
    description: Texts = field(default_factory=dict)
    eligibility: Texts = field(default_factory=dict)
    fees: Texts = field(default_factory=dict)
    application: Texts = field(default_factory=dict)
    status: str = "active"
    client_groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("fi",)
    # Municipality codes of the region; () with no other_areas = the whole region
    # (or the whole country: a nationwide service covers the region too).
    service_areas: tuple[str, ...] = ()
    other_areas: tuple[ServiceArea, ...] = ()  # outside the region: kept, not placed
    channels: tuple[str, ...] = ()
    free: bool = True
    url: str | None = None
    email: str | None = None
    last_verified: date | None = None
    holidays: str = "closed"
    eve_closes: time | None = None
    phones: tuple[Phone, ...] = ()
    schedules: tuple[WeeklyHours, ...] = ()
    exceptional_hours: tuple[ExceptionalHours, ...] = ()
    locations: tuple[Location, ...] = ()
    source_modified: str | None = None  # the source's own stamp (PTV's modified)

    @property
    def hours(self) -> ServiceHours:
        return ServiceHours(self.schedules, self.holidays, self.eve_closes, self.exceptional_hours)

    def stale(self, today: date) -> bool:
        return self.last_verified is None or today - self.last_verified > STALE_AFTER

    def available_in(self, municipality_code: str | None) -> bool:
        """Whether a client of the municipality may use it: a service only of areas
        outside the region is not offered under a municipality of ours."""
        if self.service_areas:
            return municipality_code in self.service_areas
        return not self.other_areas


@dataclass(frozen=True)
class CatalogueError:
    """One bad field: where (a record, a file and line), which field, why."""

    where: str
    field: str
    reason: Reason

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.reason}" if self.where else self.line()

    def line(self) -> str:
        return f"{self.field}: {self.reason}"


NAME_REQUIRED = reason("error.name_required", "required in at least one of fi, sv, en")


def check_service(service: Service, known_organizations: set[str]) -> list[Problem]:
    """(field, reason) for each thing wrong with a service."""
    errors: list[Problem] = []
    if not service.name:
        errors.append(("name", NAME_REQUIRED))
    errors += _unknown_languages("name", service.name)
    if service.organization_id not in known_organizations:
        english = f"no such organisation: {service.organization_id}"
        key = "error.no_organization" if service.organization_id else "error.organization_missing"
        errors.append(("organization_id", reason(key, english, id=service.organization_id)))
    if service.status not in STATUSES:
        errors.append(("status", _one_of(STATUSES)))
    lines = reference.lines()
    errors += [
        ("client_groups", _unknown("error.unknown_client_group", "client group", code, lines))
        for code in service.client_groups
        if code not in lines
    ]
    municipalities = reference.municipalities()
    errors += [
        ("service_areas", _unknown_municipality(code))
        for code in service.service_areas
        if code not in municipalities
    ]
    errors += [
        ("channels", _unknown("error.unknown_channel", "channel", code, SERVICE_CHANNELS))
        for code in service.channels
        if code not in SERVICE_CHANNELS
    ]
    errors += [
        ("languages", _unknown("error.unknown_language", "language", code, SERVICE_LANGUAGES))
        for code in service.languages
        if code not in SERVICE_LANGUAGES
    ]
    if service.holidays not in HOLIDAY_RULES:
        errors.append(("holidays", _one_of(HOLIDAY_RULES)))
    errors += _address_problems(service.url, service.email)
    for location in service.locations:
        if location.municipality_code and location.municipality_code not in municipalities:
            errors.append(("location", _unknown_municipality(location.municipality_code)))
    return errors


def check_organization(organization: Organization) -> list[Problem]:
    errors: list[Problem] = []
    if not organization.name:
        errors.append(("name", NAME_REQUIRED))
    errors += _unknown_languages("name", organization.name)
    if organization.sector not in SECTORS:
        errors.append(("sector", _one_of(SECTORS)))
    errors += _address_problems(organization.website, organization.email)
    return errors


def _address_problems(website: str | None, email: str | None) -> list[Problem]:
    """A web and an e-mail address by the rules of domain/web_addresses.py."""
    problems: list[Problem] = []
    for name, value, read in (("website", website, web_address), ("email", email, email_address)):
        if value:
            try:
                read(value)
            except Unusable as exc:
                problems.append((name, exc.why))
    return problems


def _address(values: dict[str, Any], name: str, errors: list[Problem]) -> str | None:
    """A form's web or e-mail address as it is kept, None when blank."""
    written = str(values.get(name, "")).strip()
    if not written:
        return None
    try:
        return web_address(written) if name == "website" else email_address(written)
    except Unusable as exc:
        errors.append((name, exc.why))
        return None


def _one_of(choices: Sequence[str]) -> Reason:
    """A choice left blank or unknown: the worker picks from a list."""
    listed = ", ".join(choices)
    return reason("error.choose", f"must be one of {listed}", choices=listed)


def _unknown(key: str, what: str, code: str, known: Sequence[str] | dict[str, Any]) -> Reason:
    listed = ", ".join(known)
    english = f"unknown {what} {code!r} (use {listed})"
    return reason(key, english, code=repr(code), known=listed)


def _unknown_municipality(code: str) -> Reason:
    english = f"unknown municipality code {code!r}"
    return reason("error.unknown_municipality_code", english, code=repr(code))


def _unknown_languages(name: str, texts: Texts) -> list[Problem]:
    return [
        (name, _unknown("error.unknown_text_language", "text language", lang, TEXT_LANGUAGES))
        for lang in texts
        if lang not in TEXT_LANGUAGES
    ]


def phone_number(text: str) -> str:
    """A catalogue phone number to E.164; service numbers such as 116 117 stay as written."""
    try:
        return normalise_phone(text)
    except PhoneError:
        digits = text.replace(" ", "")
        if digits.isdigit() and digits.startswith("1") and 3 <= len(digits) <= 6:
            return digits  # a short national service number (112, 116 117)
        raise


def with_verified(service: Service, day: date) -> Service:
    return replace(service, last_verified=day)


def _phones_from_form(
    text: str,
    old_phones: Sequence[Phone],
    new_id: Callable[[], str],
    errors: list[Problem],
) -> list[Phone]:
    """'02 123 4567, 116 123' as Phones; the n-th keeps the n-th old one's id and
    description, so an edit does not make new rows; each unreadable one is an error."""
    phones = []
    written = [part for part in text.replace(";", ",").split(",") if part.strip()]
    for number, part in enumerate(written):
        try:
            e164 = phone_number(part)
        except PhoneError as exc:
            number_text = repr(part.strip())
            why = reason(exc.key, str(exc))
            english = f"{number_text}: {exc}"
            errors.append(("phones", reason("error.in_list", english, part=number_text, why=why)))
            continue
        kept = old_phones[number] if number < len(old_phones) else None
        phones.append(Phone(kept.id if kept else new_id(), e164, kept.description if kept else {}))
    return phones


def service_from_form(
    values: dict[str, Any],
    existing: Service | None,
    new_id: Callable[[], str],
    language: str = "en",
    today: date | None = None,
) -> tuple[Service | None, list[Problem]]:
    """The admin form's values (texts, lists, flags) as a Service, or (field, reason)
    for each field that cannot be read; check_service does the rest. `today` places
    an exception's date written without a year; what the form does not show (areas
    outside the region, an exception's description) stays as it was."""
    errors: list[Problem] = []
    old = existing
    exceptions = _exceptions_from_form(values, old, new_id, today or date.today(), errors)
    try:
        rules = parse_hours_text(values["hours"], [r.id for r in old.schedules] if old else [])
        rules = tuple(replace(r, id=r.id or new_id()) for r in rules)
    except Unusable as exc:
        errors.append(("hours", exc.why))
        rules = ()
    eve = None
    if values["eve_closes"].strip():
        try:
            eve = form_time(values["eve_closes"])
        except Unusable as exc:
            errors.append(("eve_closes", exc.why))
    phones = _phones_from_form(values["phones"], old.phones if old else (), new_id, errors)
    areas = tuple(_municipality_codes(values["areas"], errors))
    languages = tuple(
        code.strip().lower() for code in values["languages"].split(",") if code.strip()
    )
    url = _address(values, "website", errors)
    email = _address(values, "email", errors)
    if errors:
        return None, errors
    base = old or Service(id=new_id(), organization_id=values["organization_id"], name={})
    if "website" not in values:  # a form without the fields keeps what was there
        url, email = base.url, base.email

    def texts(name: str, kept: Texts) -> Texts:
        """fi, sv, en from the form; a language the form did not send stays as it was."""
        return clean_texts(
            {lang: values.get(f"{name}_{lang}", kept.get(lang, "")) for lang in TEXT_LANGUAGES}
        )

    return replace(
        base,
        organization_id=values["organization_id"],
        name=texts("name", base.name),
        description=texts("description", base.description),
        eligibility=texts("eligibility", base.eligibility),
        application=texts("application", base.application),
        fees=texts("fees", base.fees),
        url=url,
        email=email,
        locations=_locations_from_form(values, base.locations, new_id),
        status=values["status"],
        client_groups=tuple(values["client_groups"]),
        channels=tuple(values["channels"]),
        languages=languages or ("fi",),
        service_areas=areas,
        free=bool(values["free"]),
        holidays=values["holidays"],
        eve_closes=eve,
        phones=tuple(phones),
        schedules=rules,
        exceptional_hours=base.exceptional_hours if exceptions is None else exceptions,
    ), []


def _exceptions_from_form(
    values: dict[str, Any],
    old: Service | None,
    new_id: Callable[[], str],
    today: date,
    errors: list[Problem],
) -> tuple[ExceptionalHours, ...] | None:
    """The form's exceptional hours; one for a period the service had keeps its id and
    description (PTV's 'Juhannus'), a new period is a new row. None: not on the form."""
    if "exceptions" not in values:
        return None
    try:
        written = parse_exceptions_text(values["exceptions"], today)
    except Unusable as exc:
        errors.append(("exceptions", exc.why))
        return None
    unused = list(old.exceptional_hours if old else ())
    kept = []
    for hours in written:
        same = next(
            (o for o in unused if (o.valid_from, o.valid_to) == (hours.valid_from, hours.valid_to)),
            None,
        )
        if same is not None:
            unused.remove(same)
        kept.append(
            replace(hours, id=same.id, description=same.description)
            if same is not None
            else replace(hours, id=new_id())
        )
    return tuple(kept)


ADDRESS_FIELDS = ("address", "postal_code", "city")
FORM_TEXTS = ("name", "description", "eligibility", "application", "fees")


def place_fields(index: int) -> tuple[str, str, str]:
    """The form's fields of a service's place: address, postal_code, city for the
    first, address_2, ... for the second on."""
    suffix = "" if index == 0 else f"_{index + 1}"
    return tuple(f"{name}{suffix}" for name in ADDRESS_FIELDS)  # type: ignore[return-value]


def place_values(locations: Sequence[Location]) -> dict[str, str]:
    """Every place on the form, and one more left empty to add a place."""
    values: dict[str, str] = {}
    for index in range(len(locations) + 1):
        place = locations[index] if index < len(locations) else Location("", "")
        for name, value in zip(
            place_fields(index), (place.address, place.postal_code, place.city), strict=True
        ):
            values[name] = value
    return values


def _locations_from_form(
    values: dict[str, Any], old: tuple[Location, ...], new_id: Callable[[], str]
) -> tuple[Location, ...]:
    """Each place the form sent, edited in its order; emptied, a place goes; written
    where there was none, a place is made. Places the form did not send stay."""
    places = reference.municipalities()
    by_name = {m.name_fi.casefold(): code for code, m in places.items()}
    by_name |= {m.name_sv.casefold(): code for code, m in places.items()}
    kept: list[Location] = []
    index = 0
    while any(name in values for name in place_fields(index)):
        address, postal_code, city = (str(values.get(n, "")).strip() for n in place_fields(index))
        if address or postal_code or city:
            place = old[index] if index < len(old) else Location(new_id(), new_id())
            code = by_name.get(city.casefold(), place.municipality_code)
            kept.append(
                replace(
                    place,
                    address=address,
                    postal_code=postal_code,
                    city=city,
                    municipality_code=code,
                )
            )
        index += 1
    return (*kept, *old[index:])


def _municipality_codes(text: str, errors: list[Problem]) -> list[str]:
    """'853, Kaarina, Pargas' -> codes; blank is the whole region."""
    places = reference.municipalities()
    by_name = {m.name_fi.casefold(): code for code, m in places.items()}
    by_name |= {m.name_sv.casefold(): code for code, m in places.items()}
    codes = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        code = part if part in places else by_name.get(part.casefold())
        if code is None:
            english = f"not a municipality of the region: {part!r}"
            errors.append(("areas", reason("error.not_in_region", english, place=repr(part))))
        else:
            codes.append(code)
    return codes


def service_form_values(service: Service, language: str = "en") -> dict[str, Any]:
    """A service as the admin form shows it, the days named in the worker's language
    (the inverse of service_from_form)."""
    from ohjaaja.domain.phones import display_phone

    return {
        "organization_id": service.organization_id,
        "website": service.url or "",
        "email": service.email or "",
        **{
            f"{name}_{lang}": getattr(service, name).get(lang, "")
            for name in FORM_TEXTS
            for lang in TEXT_LANGUAGES
        },
        **place_values(service.locations),
        "status": service.status,
        "client_groups": list(service.client_groups),
        "channels": list(service.channels),
        "languages": ", ".join(service.languages),
        "areas": ", ".join(service.service_areas),
        "free": service.free,
        "holidays": service.holidays,
        "eve_closes": f"{service.eve_closes:%H:%M}" if service.eve_closes else "",
        "phones": ", ".join(display_phone(p.number) for p in service.phones),
        "hours": hours_text(service.schedules, language),
        "exceptions": exceptions_text(service.exceptional_hours, language),
        # Shown, not edited: the form keeps them as the catalogue gave them.
        "other_areas": ", ".join(area.name or area.uri or area.id for area in service.other_areas),
    }


def organization_from_form(
    values: dict[str, str], existing: Organization | None, new_id: Callable[[], str]
) -> tuple[Organization | None, list[Problem]]:
    errors: list[Problem] = []
    old_phones = existing.phones if existing else ()
    phones = _phones_from_form(values["phones"], old_phones, new_id, errors)
    website = _address(values, "website", errors)
    email = _address(values, "email", errors)
    if errors:
        return None, errors
    base = existing or Organization(id=new_id(), name={})
    return replace(
        base,
        name=clean_texts({lang: values[f"name_{lang}"] for lang in TEXT_LANGUAGES}),
        description=clean_texts(
            {
                lang: values.get(f"description_{lang}", base.description.get(lang, ""))
                for lang in TEXT_LANGUAGES
            }
        ),
        sector=values["sector"],
        website=website,
        email=email,
        phones=tuple(phones),
    ), []


def organization_form_values(organization: Organization) -> dict[str, str]:
    from ohjaaja.domain.phones import display_phone

    return {
        **{f"name_{lang}": organization.name.get(lang, "") for lang in TEXT_LANGUAGES},
        **{
            f"description_{lang}": organization.description.get(lang, "") for lang in TEXT_LANGUAGES
        },
        "sector": organization.sector,
        "website": organization.website or "",
        "email": organization.email or "",
        "phones": ", ".join(display_phone(p.number) for p in organization.phones),
    }
