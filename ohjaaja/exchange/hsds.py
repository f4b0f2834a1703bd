"""Open Referral HSDS 3.0 objects to ohjaaja's catalogue and back.

HSDS text fields are single strings; ohjaaja's are {"fi", "sv", "en"}. The HSDS
field holds the Finnish text (else Swedish, else English); when a text has any
language besides Finnish, every language is also carried as an attribute of the
taxonomy "ohjaaja:translation" (link_type = the field, the term's code and
language = the language, value = the text). What HSDS has no field for (client
groups, channels, holiday rules, sector) travels as attributes of ohjaaja
taxonomies. Ids of derived records (attributes, languages, service areas, cost
options, addresses) are UUID v5 of their owner, so an export is stable and an
import of it matches by id. README's "Catalogue exchange" has the whole table.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from ohjaaja.domain import reference
from ohjaaja.domain.catalogue import (
    SECTORS,
    SERVICE_LANGUAGES,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    Texts,
    phone_number,
    text_in,
)
from ohjaaja.domain.phones import PhoneError
from ohjaaja.domain.schedules import (
    BYDAY,
    HOLIDAY_RULES,
    ExceptionalHours,
    WeeklyHours,
    parse_byday,
    parse_time,
)
from ohjaaja.exchange.fields import (
    Obj,
    RecordError,
    date_at,
    list_at,
    object_at,
    text_at,
    uuid_at,
)
from ohjaaja.sync.rows import AREAS, Invalid

NAMESPACE = uuid.UUID("6f1c2a7e-5b0d-4c47-9a51-0d1f0a9e0c3b")  # ohjaaja's, for derived ids
MUNICIPALITY_URI = "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/"
TRANSLATION = "ohjaaja:translation"
CLIENT_GROUP = "ohjaaja:client_group"
CHANNEL = "ohjaaja:channel"
HOLIDAYS = "ohjaaja:holidays"
EVE_CLOSES = "ohjaaja:eve_closes_at"
SECTOR = "ohjaaja:sector"
AREA_TEXTS = ("name", "extent", "extent_type", "uri")  # a service area's, kept as given
EXTENT_TYPES = ("geojson", "topojson", "kml", "text")  # HSDS's list


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


# -- export ------------------------------------------------------------------
def _attribute(
    owner: str, entity: str, taxonomy: str, code: str, value: str = "", **extra: str
) -> Obj:
    link_type = extra.pop("link_type", taxonomy)
    term_id = derived_id("term", taxonomy, code)
    term: Obj = {"id": term_id, "code": code, "name": code, "description": taxonomy}
    term.update(taxonomy=taxonomy, **extra)
    return {
        "id": derived_id("attribute", owner, taxonomy, link_type, code),
        "link_id": owner,
        "link_type": link_type,
        "link_entity": entity,
        "taxonomy_term_id": term_id,
        "value": value,
        "taxonomy_term": term,
    }


def _put_text(obj: Obj, name: str, texts: Texts, owner: str, entity: str) -> None:
    obj[name] = text_in(texts, "fi")
    if set(texts) - {"fi"}:
        obj.setdefault("attributes", []).extend(
            _attribute(owner, entity, TRANSLATION, lang, value, link_type=name, language=lang)
            for lang, value in sorted(texts.items())
        )


def _phone_object(phone: Phone, owner_key: str, owner_id: str) -> Obj:
    obj: Obj = {"id": phone.id, owner_key: owner_id, "number": phone.number}
    _put_text(obj, "description", phone.description, phone.id, "phone")
    return obj


def organization_object(organization: Organization) -> Obj:
    obj: Obj = {"id": organization.id}
    _put_text(obj, "name", organization.name, organization.id, "organization")
    _put_text(obj, "description", organization.description, organization.id, "organization")
    if organization.website:
        obj["website"] = organization.website
    if organization.email:
        obj["email"] = organization.email
    obj["phones"] = [
        _phone_object(p, "organization_id", organization.id) for p in organization.phones
    ]
    obj.setdefault("attributes", []).append(
        _attribute(organization.id, "organization", SECTOR, organization.sector)
    )
    return obj


def service_object(service: Service, organization: Organization) -> Obj:
    sid = service.id
    obj: Obj = {"id": sid, "organization_id": service.organization_id, "status": service.status}
    for name, texts in (
        ("name", service.name),
        ("description", service.description),
        ("eligibility_description", service.eligibility),
        ("fees_description", service.fees),
        ("application_process", service.application),
    ):
        _put_text(obj, name, texts, sid, "service")
    if service.url:
        obj["url"] = service.url
    if service.email:
        obj["email"] = service.email
    if service.last_verified:
        obj["assured_date"] = service.last_verified.isoformat()
    obj["phones"] = [_phone_object(p, "service_id", sid) for p in service.phones]
    obj["schedules"] = [_schedule_object(rule, sid) for rule in service.schedules] + [
        _exceptional_object(hours, sid) for hours in service.exceptional_hours
    ]
    obj["service_areas"] = [_area_object(code, sid) for code in service.service_areas] + [
        _other_area_object(area, sid) for area in service.other_areas
    ]
    obj["languages"] = [
        {"id": derived_id("language", sid, code), "service_id": sid, "code": code}
        for code in service.languages
    ]
    obj["cost_options"] = [
        {
            "id": derived_id("cost", sid),
            "service_id": sid,
            "option": "free" if service.free else "paid",
            "currency": "EUR",
            **({"amount": 0} if service.free else {}),
        }
    ]
    obj["service_at_locations"] = [_link_object(place, service) for place in service.locations]
    attributes = obj.setdefault("attributes", [])
    attributes += [_attribute(sid, "service", CLIENT_GROUP, code) for code in service.client_groups]
    attributes += [_attribute(sid, "service", CHANNEL, code) for code in service.channels]
    attributes.append(_attribute(sid, "service", HOLIDAYS, service.holidays))
    if service.eve_closes is not None:
        attributes.append(
            _attribute(sid, "service", EVE_CLOSES, "eve", f"{service.eve_closes:%H:%M}")
        )
    obj["organization"] = organization_object(organization)
    return obj


def _schedule_object(rule: WeeklyHours, service_id: str) -> Obj:
    obj: Obj = {
        "id": rule.id,
        "service_id": service_id,
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": rule.byday,
        "opens_at": f"{rule.opens:%H:%M}",
        "closes_at": f"{rule.closes:%H:%M}",
    }
    if rule.description:
        _put_text(obj, "description", rule.description, rule.id, "schedule")
    return obj


def _exceptional_object(hours: ExceptionalHours, service_id: str) -> Obj:
    """A schedule valid only from valid_from to valid_to; closed when it has no hours.
    HSDS's freq knows only WEEKLY and MONTHLY: every day of the period is no freq."""
    obj: Obj = {
        "id": hours.id,
        "service_id": service_id,
        "valid_from": hours.valid_from.isoformat(),
        "valid_to": hours.valid_to.isoformat(),
    }
    if hours.days:
        obj.update(freq="WEEKLY", wkst="MO", byday=",".join(BYDAY[day] for day in hours.days))
    if hours.opens is not None and hours.closes is not None:
        obj.update(opens_at=f"{hours.opens:%H:%M}", closes_at=f"{hours.closes:%H:%M}")
    if hours.description:
        _put_text(obj, "description", hours.description, hours.id, "schedule")
    return obj


def _other_area_object(area: ServiceArea, service_id: str) -> Obj:
    """An area outside the region, written back as it came."""
    obj: Obj = {"id": area.id, "service_id": service_id}
    obj.update(
        (key, value)
        for key in ("name", "extent", "extent_type", "uri")
        if (value := getattr(area, key))
    )
    if area.description:
        _put_text(obj, "description", area.description, area.id, "service_area")
    return obj


def _area_object(code: str, service_id: str) -> Obj:
    municipality = reference.municipalities().get(code)
    return {
        "id": derived_id("area", service_id, code),
        "service_id": service_id,
        "name": municipality.name_fi if municipality else code,
        "extent": code,
        "extent_type": "text",
        "uri": MUNICIPALITY_URI + code,
    }


def _link_object(place: Location, service: Service) -> Obj:
    location: Obj = {
        "id": place.id,
        "location_type": "physical",
        "organization_id": service.organization_id,
    }
    _put_text(location, "name", place.name, place.id, "location")
    if place.municipality_code:
        location["external_identifier"] = place.municipality_code
        location["external_identifier_type"] = "municipality_code"
    location["addresses"] = [
        {
            "id": derived_id("address", place.id),
            "location_id": place.id,
            "address_1": place.address,
            "city": place.city,
            "state_province": "",
            "postal_code": place.postal_code,
            "country": "FI",
            "address_type": "physical",
        }
    ]
    return {
        "id": place.link_id,
        "service_id": service.id,
        "location_id": place.id,
        "location": location,
    }


# -- import ------------------------------------------------------------------


# The HSDS fields ohjaaja reads, per kind of object; anything else is counted.
KNOWN = {
    "service": {
        "id", "organization_id", "organization", "name", "description", "status", "url",
        "email", "eligibility_description", "fees_description", "application_process",
        "assured_date", "phones", "schedules", "service_areas", "service_at_locations",
        "languages", "attributes", "cost_options",
    },
    "organization": {
        "id", "name", "description", "email", "website", "phones", "attributes", "services",
    },
    "phone": {"id", "number", "description", "attributes", "service_id", "organization_id"},
    "schedule": {
        "id", "service_id", "freq", "wkst", "byday", "opens_at", "closes_at", "description",
        "attributes", "valid_from", "valid_to",
    },
    "service_area": {
        "id", "service_id", "name", "extent", "extent_type", "uri", "description", "attributes",
    },
    "language": {"id", "service_id", "code", "name"},
    "cost_option": {"id", "service_id", "option", "amount", "currency", "amount_description"},
    "service_at_location": {"id", "service_id", "location_id", "location"},
    "location": {
        "id", "location_type", "organization_id", "name", "addresses", "external_identifier",
        "external_identifier_type", "attributes",
    },
    "address": {
        "id", "location_id", "address_1", "city", "postal_code", "country", "address_type",
        "state_province",
    },
    "attribute": {
        "id", "link_id", "link_type", "link_entity", "value", "taxonomy_term_id", "taxonomy_term",
    },
}  # fmt: skip


@dataclass
class Reading:
    """What one import has read so far: records, and the fields it ignored."""

    default_language: str = "fi"
    # dicts, or for a large import SpillMaps (exchange/spill.py: kept on disk)
    organizations: MutableMapping[str, Organization] = field(default_factory=dict)
    services: MutableMapping[str, Service] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)
    phone_owners: MutableMapping[str, str] = field(default_factory=dict)  # phone id -> its owner

    def read(self, obj: Any) -> None:
        """One HSDS service or organization object (with its nested records)."""
        if not isinstance(obj, dict):
            raise RecordError("(record)", "must be a JSON object")
        if "status" in obj:
            self._service(obj, organization_id=None)
        else:
            self._organization(obj)

    def _count(self, kind: str, obj: Obj, where: str) -> None:
        for key, value in obj.items():
            if key not in KNOWN[kind] and value not in (None, "", [], {}):
                self.ignored[f"{kind}.{key}"] += 1

    def _organization(self, obj: Obj, where: str = "") -> Organization:
        self._count("organization", obj, where)
        oid = uuid_at(obj, "id", where)
        attrs = _attributes(obj, where, self)
        name = self._texts(obj, "name", attrs, where)
        if not name:
            raise RecordError(f"{where}name", "required")
        sectors = [a["code"] for a in attrs if a["taxonomy"] == SECTOR]
        sector = sectors[0] if sectors else "public"
        if sector not in SECTORS:
            raise RecordError(f"{where}attributes", f"sector must be one of {', '.join(SECTORS)}")
        organization = Organization(
            id=oid,
            name=name,
            description=self._texts(obj, "description", attrs, where),
            sector=sector,
            website=text_at(obj, "website", where),
            email=text_at(obj, "email", where),
            phones=tuple(
                self._phone(p, oid, f"{where}phones[{i}].")
                for i, p in enumerate(list_at(obj, "phones", where))
            ),
        )
        self.organizations[oid] = organization
        for i, nested in enumerate(list_at(obj, "services", where)):
            if not isinstance(nested, dict):
                raise RecordError(f"{where}services[{i}]", "must be an object")
            self._service(nested, organization_id=oid, where=f"{where}services[{i}].")
        return organization

    def _service(self, obj: Obj, organization_id: str | None, where: str = "") -> None:
        self._count("service", obj, where)
        sid = uuid_at(obj, "id", where)
        nested_org = obj.get("organization")
        if isinstance(nested_org, dict) and nested_org.get("id"):
            organization_id = self._organization(nested_org, f"{where}organization.").id
        organization_id = text_at(obj, "organization_id", where) or organization_id
        if not organization_id:
            raise RecordError(
                f"{where}organization_id",
                "required: ohjaaja files each service under its organisation",
            )
        attrs = _attributes(obj, where, self)
        name = self._texts(obj, "name", attrs, where)
        if not name:
            raise RecordError(f"{where}name", "required")
        status = text_at(obj, "status", where) or ""
        holidays = [a["code"] for a in attrs if a["taxonomy"] == HOLIDAYS] or ["closed"]
        if holidays[0] not in HOLIDAY_RULES:
            raise RecordError(
                f"{where}attributes", f"holidays must be one of {', '.join(HOLIDAY_RULES)}"
            )
        eve = [a["value"] for a in attrs if a["taxonomy"] == EVE_CLOSES]
        service_areas, other_areas = self._areas(obj, where)
        hours = [
            self._schedule(s, f"{where}schedules[{i}].")
            for i, s in enumerate(list_at(obj, "schedules", where))
        ]
        self.services[sid] = Service(
            id=sid,
            organization_id=organization_id,
            name=name,
            description=self._texts(obj, "description", attrs, where),
            eligibility=self._texts(obj, "eligibility_description", attrs, where),
            fees=self._texts(obj, "fees_description", attrs, where),
            application=self._texts(obj, "application_process", attrs, where),
            status=status,
            client_groups=tuple(a["code"] for a in attrs if a["taxonomy"] == CLIENT_GROUP),
            channels=tuple(a["code"] for a in attrs if a["taxonomy"] == CHANNEL),
            languages=self._languages(obj, where),
            service_areas=service_areas,
            other_areas=other_areas,
            free=self._free(obj, where),
            url=text_at(obj, "url", where),
            email=text_at(obj, "email", where),
            last_verified=date_at(obj, "assured_date", where),
            holidays=holidays[0],
            eve_closes=_time(eve[0], f"{where}attributes ({EVE_CLOSES})") if eve else None,
            phones=tuple(
                self._phone(p, sid, f"{where}phones[{i}].")
                for i, p in enumerate(list_at(obj, "phones", where))
            ),
            schedules=tuple(h for h in hours if isinstance(h, WeeklyHours)),
            exceptional_hours=tuple(h for h in hours if isinstance(h, ExceptionalHours)),
            locations=tuple(
                self._location(link, organization_id, f"{where}service_at_locations[{i}].")
                for i, link in enumerate(list_at(obj, "service_at_locations", where))
            ),
        )

    def _texts(self, obj: Obj, name: str, attrs: list[Obj], where: str) -> Texts:
        translated = {
            a["code"]: a["value"]
            for a in attrs
            if a["taxonomy"] == TRANSLATION and a["link_type"] == name and a["value"]
        }
        if translated:
            return translated
        value = text_at(obj, name, where)
        return {self.default_language: value} if value else {}

    def _phone(self, obj: Any, owner: str, where: str) -> Phone:
        """One HSDS phone row may serve an organisation and its service at once (the
        specification's example does); ohjaaja's phone has one owner, so the second
        owner's copy gets an id derived from the pair."""
        obj = object_at(obj, where)
        self._count("phone", obj, where)
        raw = text_at(obj, "number", where)
        if not raw:
            raise RecordError(f"{where}number", "required")
        try:
            number = phone_number(raw)
        except PhoneError as exc:
            raise RecordError(f"{where}number", f"{raw!r}: {exc}") from exc
        attrs = _attributes(obj, where, self)
        pid = uuid_at(obj, "id", where)
        if self.phone_owners.setdefault(pid, owner) != owner:
            pid = derived_id("phone", owner, pid)
        return Phone(pid, number, self._texts(obj, "description", attrs, where))

    def _schedule(self, obj: Any, where: str) -> WeeklyHours | ExceptionalHours | None:
        """Weekly hours, or exceptional hours when the schedule has valid_from/valid_to."""
        obj = object_at(obj, where)
        self._count("schedule", obj, where)
        exceptional = any(obj.get(key) not in (None, "") for key in ("valid_from", "valid_to"))
        freq = (text_at(obj, "freq", where) or ("DAILY" if exceptional else "WEEKLY")).upper()
        if freq not in ("WEEKLY", "DAILY"):  # monthly rules do not say if it is open now
            self.ignored[f"schedule.freq={freq}"] += 1
            return None
        byday = text_at(obj, "byday", where)
        try:
            days = parse_byday(byday) if byday else ()
        except ValueError as exc:
            raise RecordError(f"{where}byday", str(exc)) from exc
        opens, closes = (text_at(obj, key, where) for key in ("opens_at", "closes_at"))
        attrs = _attributes(obj, where, self)
        if exceptional:
            return self._exceptional(obj, days, opens, closes, attrs, where)
        if not opens or not closes:
            raise RecordError(f"{where}{'opens_at' if not opens else 'closes_at'}", "required")
        return WeeklyHours(
            id=uuid_at(obj, "id", where),
            days=days or tuple(range(7)),
            opens=_time(opens, f"{where}opens_at"),
            closes=_time(closes, f"{where}closes_at"),
            description=self._texts(obj, "description", attrs, where),
        )

    def _exceptional(
        self,
        obj: Obj,
        days: tuple[int, ...],
        opens: str | None,
        closes: str | None,
        attrs: list[Obj],
        where: str,
    ) -> ExceptionalHours:
        """Hours of a period (a closed holiday, a summer week): no opens_at is closed."""
        valid_from, valid_to = (date_at(obj, key, where) for key in ("valid_from", "valid_to"))
        if valid_from is None or valid_to is None:
            missing = "valid_from" if valid_from is None else "valid_to"
            raise RecordError(f"{where}{missing}", "required: exceptional hours are for dates")
        if valid_to < valid_from:
            raise RecordError(f"{where}valid_to", f"before valid_from ({valid_from})")
        if bool(opens) != bool(closes):
            missing = "opens_at" if not opens else "closes_at"
            raise RecordError(f"{where}{missing}", "required with the other (or neither: closed)")
        return ExceptionalHours(
            id=uuid_at(obj, "id", where),
            valid_from=valid_from,
            valid_to=valid_to,
            opens=_time(opens, f"{where}opens_at") if opens else None,
            closes=_time(closes, f"{where}closes_at") if closes else None,
            days=days,
            description=self._texts(obj, "description", attrs, where),
        )

    def _languages(self, obj: Obj, where: str) -> tuple[str, ...]:
        """The languages the desk knows; others (Urdu in the specification's example)
        are counted, as the desk has no filter for them. No list at all: Finnish."""
        codes = []
        items = list_at(obj, "languages", where)
        for i, item in enumerate(items):
            item = object_at(item, f"{where}languages[{i}]")
            self._count("language", item, where)
            code = (text_at(item, "code", f"{where}languages[{i}].") or "").lower()
            if not code:
                raise RecordError(f"{where}languages[{i}].code", "required")
            if code in SERVICE_LANGUAGES:
                codes.append(code)
            else:
                self.ignored[f"language {code}"] += 1
        return tuple(codes) if "languages" in obj else ("fi",)

    def _areas(self, obj: Obj, where: str) -> tuple[tuple[str, ...], tuple[ServiceArea, ...]]:
        """Municipality codes of the region, and the areas outside it kept as given."""
        municipalities = reference.municipalities()
        by_name = {m.name_fi.casefold(): code for code, m in municipalities.items()}
        by_name.update({m.name_sv.casefold(): code for code, m in municipalities.items()})
        codes: list[str] = []
        others: list[ServiceArea] = []
        for i, item in enumerate(list_at(obj, "service_areas", where)):
            at = f"{where}service_areas[{i}]"
            item = object_at(item, at)
            self._count("service_area", item, where)
            texts = {key: text_at(item, key, f"{at}.") or "" for key in AREA_TEXTS}
            candidates = [
                texts["extent"],
                texts["uri"].rstrip("/").rsplit("/", 1)[-1],
                by_name.get(texts["name"].casefold(), ""),
            ]
            code = next((c for c in candidates if c in municipalities), None)
            if code is not None:
                codes.append(code)
                continue
            if not texts["name"] and not texts["extent"]:
                raise RecordError(at, "neither a municipality of the region nor a named area")
            if texts["extent_type"] and texts["extent_type"] not in EXTENT_TYPES:
                raise RecordError(f"{at}.extent_type", f"one of {', '.join(EXTENT_TYPES)}")
            attrs = _attributes(item, f"{at}.", self)
            others.append(
                ServiceArea(
                    id=uuid_at(item, "id", f"{at}."),
                    description=self._texts(item, "description", attrs, f"{at}."),
                    **texts,
                )
            )
        if others:  # the desk's own check of the column, so a huge extent is named here
            kept = json.dumps([a.to_json() for a in others], ensure_ascii=False, sort_keys=True)
            try:
                AREAS.check(kept, f"{where}service_areas")
            except Invalid as exc:
                raise RecordError(exc.field, f"areas outside the region: {exc.message}") from exc
        return tuple(codes), tuple(others)

    def _free(self, obj: Obj, where: str) -> bool:
        options = [
            object_at(o, f"{where}cost_options") for o in list_at(obj, "cost_options", where)
        ]
        for option in options:
            self._count("cost_option", option, where)
        amounts = [a for o in options if isinstance(a := o.get("amount"), int | float)]
        labels = {str(o.get("option") or "").casefold() for o in options}
        if any(amount > 0 for amount in amounts) or "paid" in labels:
            return False
        if options:
            return True
        return not obj.get("fees_description")

    def _location(self, link: Any, organization_id: str, where: str) -> Location:
        link = object_at(link, where)
        self._count("service_at_location", link, where)
        place = link.get("location")
        if not isinstance(place, dict):
            raise RecordError(f"{where}location", "required: the location object")
        inner = f"{where}location."
        self._count("location", place, inner)
        addresses = [object_at(a, f"{inner}addresses") for a in list_at(place, "addresses", inner)]
        for address in addresses:
            self._count("address", address, inner)
        first = addresses[0] if addresses else {}
        code = None  # an external identifier is a municipality code only when typed so
        if text_at(place, "external_identifier_type", inner) == "municipality_code":
            code = text_at(place, "external_identifier", inner)
        if code and code not in reference.municipalities():
            raise RecordError(f"{inner}external_identifier", f"unknown municipality code {code!r}")
        attrs = _attributes(place, inner, self)
        return Location(
            id=uuid_at(place, "id", inner),
            link_id=uuid_at(link, "id", where),
            name=self._texts(place, "name", attrs, inner),
            address=str(first.get("address_1") or ""),
            postal_code=str(first.get("postal_code") or ""),
            city=str(first.get("city") or ""),
            municipality_code=code,
        )


def _time(value: str, where: str) -> time:
    """'08:00', '08:00:00', '08:00+02:00' or '08:00Z': read as Finnish local time."""
    text = value.strip().removesuffix("Z")
    for sign in "+-":
        if sign in text[3:]:
            text = text[: 3 + text[3:].index(sign)]
    try:
        return parse_time(text)
    except ValueError as exc:
        raise RecordError(where, f"not a time (HH:MM): {value!r}") from exc


def _attributes(obj: Obj, where: str, reading: Reading) -> list[Obj]:
    """The attributes of ohjaaja's taxonomies, flattened: taxonomy, code, link_type, value."""
    found = []
    for i, attribute in enumerate(list_at(obj, "attributes", where)):
        attribute = object_at(attribute, f"{where}attributes[{i}]")
        reading._count("attribute", attribute, where)
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict) or not str(term.get("taxonomy", "")).startswith("ohjaaja:"):
            reading.ignored["attribute (other taxonomy)"] += 1
            continue
        found.append(
            {
                "taxonomy": term["taxonomy"],
                "code": str(term.get("code") or ""),
                "link_type": attribute.get("link_type"),
                "value": str(attribute.get("value") or ""),
            }
        )
    return found


def objects_in(document: Any) -> list[Any]:
    """The records of a JSON document: one object, a page ({"contents": [...]}) or an array."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return list(document["contents"])
    if isinstance(document, list):
        return document
    return [document]
