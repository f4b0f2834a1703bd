"""The national Service Catalogue (Suomi.fi Palvelutietovaranto, PTV) open API v11
JSON to ohjaaja's catalogue: services, service channels and organisations.

PTV keeps a service's ways in (phone lines, places to visit, web pages) as service
channels of their own, linked to services; ohjaaja keeps them on the service, so the
channels are read first and joined to the services that link them (`finish`). Ids
are PTV's own UUIDs; rows PTV has no id for (a channel's phones, hours) get UUID v5
ids of their owner, so importing the same data again writes nothing. Contact
details of a named person are not imported: they are counted. README's "PTV import"
has the whole table. Field names and shapes: PTV open API v11 (swagger at
api.palvelutietovaranto.suomi.fi/swagger; the models V11VmOpenApiService,
V11VmOpenApiServiceLocationChannel, V11VmOpenApiPhoneChannel, V10VmOpenApiOrganization,
V11VmOpenApiServiceHour, V8VmOpenApiDailyOpeningTime, V4VmOpenApiPhoneWithType).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace
from datetime import time
from functools import cache
from typing import Any

from ohjaaja.domain import reference
from ohjaaja.domain.catalogue import (
    SERVICE_LANGUAGES,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    Texts,
    phone_number,
)
from ohjaaja.domain.phones import PhoneError
from ohjaaja.domain.schedules import ExceptionalHours, WeeklyHours, parse_time
from ohjaaja.exchange.fields import (
    Obj,
    RecordError,
    date_at,
    list_at,
    object_at,
    stamp_at,
    text_at,
    uuid_at,
)
from ohjaaja.exchange.hsds import derived_id

LANGUAGES = ("fi", "sv", "en")
# Where PTV's area codes live (the JHS code lists at uri.suomi.fi).
AREA_URIS = {
    "Municipality": "http://uri.suomi.fi/codelist/jhs/kunta_1_20240101/code/",
    "Region": "http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/",
    "BusinessSubRegion": "http://uri.suomi.fi/codelist/jhs/seutukunta_1_20240101/code/",
}
NATIONWIDE = ("Nationwide", "NationwideExceptAlandIslands")
REMOVED = ("Deleted", "Archived")  # publishingStatus of what is no longer offered
SECTOR_OF = {  # organizationType -> the desk's sector
    "State": "public",
    "Municipality": "public",
    "RegionalOrganization": "public",
    "Region": "public",
    "SotePublic": "public",
    "Company": "private",
    "SotePrivate": "private",
    "Organization": "third",  # associations and foundations (järjestöt)
}
CHANNEL_KIND = {"Phone": "phone", "ServiceLocation": "visit", "WebPage": "web", "EChannel": "web"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# PTV target groups (Finto's ptvl target groups) by their Finnish name -> client groups.
TARGET_GROUPS = {
    "ikääntyneet": "ikaihmiset",
    "ikäihmiset": "ikaihmiset",
    "lapsiperheet": "lapsiperheet",
    "lapset ja lapsiperheet": "lapsiperheet",
    "työikäiset": "tyoikaiset",
    "mielenterveys- ja päihdeasiakkaat": "mipa",
}
CHARGE = {
    "Chargeable": {"fi": "maksullinen", "sv": "avgiftsbelagd", "en": "charged"},
    "FreeOfCharge": {"fi": "maksuton", "sv": "avgiftsfri", "en": "free of charge"},
}


@dataclass(frozen=True)
class Channel:
    """What one PTV service channel adds to each service linking it."""

    id: str
    kind: str | None  # phone, visit, web; None: a kind the desk does not offer
    modified: str | None
    services: tuple[str, ...]  # the services it names as linked
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    url: str | None = None
    locations: tuple[Location, ...] = ()
    schedules: tuple[WeeklyHours, ...] = ()
    exceptional: tuple[ExceptionalHours, ...] = ()


@dataclass
class PtvReading:
    """What one import has read: records, what PTV removed, and what was left out."""

    # dicts, or for a large import SpillMaps (exchange/spill.py: kept on disk)
    organizations: MutableMapping[str, Organization] = field(default_factory=dict)
    services: MutableMapping[str, Service] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)  # services PTV deleted or archived
    channels: MutableMapping[str, Channel] = field(default_factory=dict)
    removed_channels: MutableMapping[str, Channel] = field(default_factory=dict)  # deleted
    links: MutableMapping[str, list[tuple[str, Obj, str]]] = field(default_factory=dict)
    # service id -> the channels (ids) naming it as linked, as they are read
    linked: MutableMapping[str, list[str]] = field(default_factory=dict)
    # Services linking channels of which none is in this import (a fetch of changed
    # services only): they keep the channels' parts the catalogue has (keep_channels).
    unjoined: set[str] = field(default_factory=set)
    personal: Counter[str] = field(default_factory=Counter)  # named persons' details
    ignored: Counter[str] = field(default_factory=Counter)
    where: MutableMapping[str, str] = field(default_factory=dict)  # record id -> file, path

    def read(self, obj: Any, where: str = "") -> None:
        """One PTV object: a service, a service channel or an organisation."""
        if not isinstance(obj, dict):
            raise RecordError("(record)", "must be a JSON object")
        if isinstance(obj.get("id"), str):
            self.where[obj["id"].strip().lower()] = where
        if "serviceChannelType" in obj:
            self._channel(obj)
        elif "organizationType" in obj or "organizationNames" in obj:
            self._organization(obj)
        elif "serviceNames" in obj:
            self._service(obj)
        else:
            raise RecordError(
                "(record)",
                "not a PTV service, service channel or organisation (no serviceNames, "
                "serviceChannelType or organizationNames)",
            )

    # -- organisations -----------------------------------------------------------
    def _organization(self, obj: Obj) -> None:
        oid = uuid_at(obj, "id", "")
        if text_at(obj, "publishingStatus", "") in REMOVED:
            self.ignored["organization (deleted or archived)"] += 1
            return
        kind = text_at(obj, "organizationType", "") or ""
        if kind not in SECTOR_OF:
            raise RecordError("organizationType", f"unknown {kind!r} (use {', '.join(SECTOR_OF)})")
        emails = [e for e in self._emails(obj, "emails", "") if e]
        self.organizations[oid] = Organization(
            id=oid,
            name=_typed(obj, "organizationNames", "Name", ""),
            description=_description(obj, "organizationDescriptions", ""),
            sector=SECTOR_OF[kind],
            website=next(iter(_web_pages(obj, "webPages", "")), None),
            email=emails[0] if emails else None,
            phones=self._phones(obj, "phoneNumbers", oid, ""),
            source_modified=stamp_at(obj, "modified", ""),
        )

    # -- channels -------------------------------------------------------------
    def _channel(self, obj: Obj) -> None:
        cid = uuid_at(obj, "id", "")
        services = []
        for i, link in enumerate(list_at(obj, "services", "")):
            inner = object_at(link, f"services[{i}]").get("service")
            services.append(
                uuid_at(object_at(inner, f"services[{i}].service"), "id", f"services[{i}].")
            )
        for sid in services:
            self.linked[sid] = list(dict.fromkeys([*self.linked.get(sid, []), cid]))
        if text_at(obj, "publishingStatus", "") in REMOVED:
            # Its stamp still counts: the services it leaves have changed since.
            self.removed_channels[cid] = Channel(
                cid, None, stamp_at(obj, "modified", ""), tuple(services)
            )
            return
        kind = text_at(obj, "serviceChannelType", "") or ""
        if kind not in CHANNEL_KIND:
            self.ignored[f"serviceChannelType={kind}"] += 1
        name = _typed(obj, "serviceChannelNames", "Name", "")
        schedules, exceptional = _hours(list_at(obj, "serviceHours", ""), cid, name, "serviceHours")
        emails = [e for e in self._emails(obj, "supportEmails", "") if e]
        urls = _web_pages(obj, "webPages", "") + [
            u for u in _language_values(obj, "urls", "").values() if u
        ]
        self.channels[cid] = Channel(
            id=cid,
            kind=CHANNEL_KIND.get(kind),
            modified=stamp_at(obj, "modified", ""),
            services=tuple(services),
            phones=self._phones(obj, "phoneNumbers", cid, ""),
            email=emails[0] if emails else None,
            url=urls[0] if urls else None,
            locations=_locations(obj, cid, name),
            schedules=schedules,
            exceptional=exceptional,
        )

    def _emails(self, obj: Obj, name: str, where: str) -> list[str | None]:
        """The addresses, a named person's left out (counted)."""
        found: list[str | None] = []
        for i, item in enumerate(list_at(obj, name, where)):
            value = text_at(object_at(item, f"{where}{name}[{i}]"), "value", f"{where}{name}[{i}].")
            if value and _personal_email(value):
                self.personal["e-mail"] += 1
                continue
            found.append(value)
        return found

    def _phones(self, obj: Obj, name: str, owner: str, where: str) -> tuple[Phone, ...]:
        """Phone numbers in E.164, one per number with each language's information
        and charge; SMS and fax numbers and a named person's numbers are left out."""
        by_number: dict[str, dict[str, list[str]]] = {}
        for i, item in enumerate(list_at(obj, name, where)):
            at = f"{where}{name}[{i}]"
            item = object_at(item, at)
            if (text_at(item, "type", at + ".") or "Phone") != "Phone":
                self.ignored[f"phone type {item['type']}"] += 1
                continue
            info = text_at(item, "additionalInformation", at + ".") or ""
            if _personal_name(info):
                self.personal["phone"] += 1
                continue
            number = _phone(item, at)
            language = text_at(item, "language", at + ".") or "fi"
            notes = [info] if info else []
            charge = text_at(item, "chargeDescription", at + ".")
            charge_type = text_at(item, "serviceChargeType", at + ".")
            if charge:
                notes.append(charge)
            elif charge_type in CHARGE:
                notes.append(CHARGE[charge_type].get(language, CHARGE[charge_type]["en"]))
            texts = by_number.setdefault(number, {})
            if language in LANGUAGES and notes and language not in texts:
                texts[language] = notes
        return tuple(
            Phone(
                derived_id("ptv-phone", owner, number),
                number,
                {lang: ", ".join(notes) for lang, notes in texts.items()},
            )
            for number, texts in by_number.items()
        )

    # -- services -------------------------------------------------------------
    def _service(self, obj: Obj) -> None:
        sid = uuid_at(obj, "id", "")
        if text_at(obj, "publishingStatus", "") in REMOVED:
            self.removed.add(sid)
            return
        name = _typed(obj, "serviceNames", "Name", "")
        if not name:
            raise RecordError("serviceNames", "required: a Name in fi, sv or en")
        organization = _main_organization(obj)
        links = []
        for i, link in enumerate(list_at(obj, "serviceChannels", "")):
            at = f"serviceChannels[{i}]"
            link = object_at(link, at)
            cid = uuid_at(
                object_at(link.get("serviceChannel"), f"{at}.serviceChannel"), "id", at + "."
            )
            links.append((cid, link, at))
        self.links[sid] = links
        charge = text_at(obj, "serviceChargeType", "")
        if charge not in (None, "Chargeable", "FreeOfCharge"):
            raise RecordError("serviceChargeType", f"{charge!r}: use Chargeable or FreeOfCharge")
        fees = _typed(obj, "serviceDescriptions", "ChargeTypeAdditionalInfo", "")
        areas, others = self._areas(obj, sid)
        self.services[sid] = Service(
            id=sid,
            organization_id=organization,
            name=name,
            description=_description(obj, "serviceDescriptions", ""),
            eligibility=_language_values(obj, "requirements", ""),
            fees=fees,
            application=_typed(obj, "serviceDescriptions", "UserInstruction", ""),
            client_groups=self._client_groups(obj),
            languages=self._languages(obj),
            service_areas=areas,
            other_areas=others,
            free=charge == "FreeOfCharge" if charge else not fees,
            source_modified=stamp_at(obj, "modified", ""),
        )

    def _areas(self, obj: Obj, sid: str) -> tuple[tuple[str, ...], tuple[ServiceArea, ...]]:
        """Nationwide: everywhere (no areas). Limited: the region's municipalities by
        code; any other area kept as PTV gave it, with its code list URI."""
        area_type = text_at(obj, "areaType", "") or "Nationwide"
        if area_type in NATIONWIDE:
            return (), ()
        if area_type != "LimitedType":
            raise RecordError("areaType", f"{area_type!r}: use Nationwide, LimitedType, ...")
        ours = reference.municipalities()
        codes: list[str] = []
        others: list[ServiceArea] = []
        for i, area in enumerate(list_at(obj, "areas", "")):
            at = f"areas[{i}]"
            area = object_at(area, at)
            kind = text_at(area, "type", at + ".") or "Municipality"
            code = text_at(area, "code", at + ".")
            if not code:
                raise RecordError(f"{at}.code", "required")
            if kind == "Municipality":
                inside = [code] if code in ours else []
            else:  # a region or district: the municipalities of ours it lists
                inside = [
                    c
                    for j, m in enumerate(list_at(area, "municipalities", at + "."))
                    if (c := text_at(object_at(m, f"{at}.municipalities[{j}]"), "code", "")) in ours
                ]
            if inside:
                codes += [c for c in inside if c not in codes]
                continue
            names = _language_values(area, "name", at + ".")
            others.append(
                ServiceArea(
                    id=derived_id("ptv-area", sid, kind, code),
                    name=names.get("fi") or next(iter(names.values()), code),
                    extent=f"{kind} {code}",
                    extent_type="text",
                    uri=AREA_URIS[kind] + code if kind in AREA_URIS else "",
                    description={k: v for k, v in names.items() if k in LANGUAGES},
                )
            )
        return tuple(codes), tuple(others)

    def _languages(self, obj: Obj) -> tuple[str, ...]:
        codes = []
        for i, code in enumerate(list_at(obj, "languages", "")):
            if not isinstance(code, str):
                raise RecordError(f"languages[{i}]", "must be a language code")
            if code.lower() in SERVICE_LANGUAGES:
                codes.append(code.lower())
            else:
                self.ignored[f"language {code}"] += 1
        return tuple(codes) or ("fi",)

    def _client_groups(self, obj: Obj) -> tuple[str, ...]:
        groups: list[str] = []
        for i, item in enumerate(list_at(obj, "targetGroups", "")):
            names = _language_values(object_at(item, f"targetGroups[{i}]"), "name", "")
            group = TARGET_GROUPS.get((names.get("fi") or "").casefold())
            if group is None:
                self.ignored["target group without a client group"] += 1
            elif group not in groups:
                groups.append(group)
        return tuple(groups)

    # -- joining ----------------------------------------------------------------
    def finish(self) -> None:
        """Join each service to its channels: their phones, e-mail, web page, places
        and hours, plus the hours of the link itself. A channel PTV removed, or one
        not in this import, adds nothing; the service's stamp is its latest change."""
        for sid in self.services:  # (a SpillMap's keys, read in chunks as values change)
            try:
                self._join(sid)
            except RecordError as exc:
                raise RecordError(f"{self.where.get(sid, sid)}: {exc.field}", exc.reason) from exc

    def _join(self, sid: str) -> None:
        service = self.services[sid]
        links = self.links.get(sid, [])
        linking = self.linked.get(sid, [])
        channels = [
            (self.channels[cid], link, at) for cid, link, at in links if cid in self.channels
        ]
        named = {cid for cid, _, _ in links}
        channels += [
            (self.channels[c], {}, "") for c in linking if c not in named and c in self.channels
        ]
        gone = [self.removed_channels[cid] for cid in named if cid in self.removed_channels]
        gone += [self.removed_channels[c] for c in linking if c in self.removed_channels]
        if named and not channels and not gone:
            self.unjoined.add(sid)
        phones: dict[str, Phone] = {}
        schedules: list[WeeklyHours] = []
        exceptional: list[ExceptionalHours] = []
        for channel, link, at in channels:
            for phone in channel.phones:
                phones.setdefault(phone.number, phone)
            extra = _hours(
                list_at(link, "serviceHours", f"{at}."), derived_id(sid, channel.id), {},
                f"{at}.serviceHours",
            )  # fmt: skip
            schedules += [*channel.schedules, *extra[0]]
            exceptional += [*channel.exceptional, *extra[1]]
        every = (service.source_modified, *(c.modified for c, _, _ in channels))
        stamps = [s for s in (*every, *(c.modified for c in gone)) if s]
        # A channel may serve several services: each service's rows get ids of its own.
        self.services[sid] = replace(
            service,
            channels=tuple(dict.fromkeys(c.kind for c, _, _ in channels if c.kind)),
            phones=tuple(replace(p, id=derived_id(sid, p.id)) for p in phones.values()),
            email=next((c.email for c, _, _ in channels if c.email), None),
            url=next((c.url for c, _, _ in channels if c.url), None),
            locations=tuple(
                replace(place, link_id=derived_id("ptv-link", sid, place.id))
                for c, _, _ in channels
                for place in c.locations
            ),
            schedules=tuple(replace(r, id=derived_id(sid, r.id)) for r in schedules),
            exceptional_hours=tuple(replace(e, id=derived_id(sid, e.id)) for e in exceptional),
            # Always open is open on public holidays too; other hours close on them
            # (the desk's rule) unless PTV gives the day's exception.
            holidays="open" if any(_always(r) for r in schedules) else "closed",
            source_modified=max(stamps) if stamps else None,
        )


def keep_channels(service: Service, stored: Service) -> Service:
    """The service as read, with the parts its channels gave the stored copy: for a
    service imported without any of its channels (PTV's service changed, they not)."""
    return replace(
        service,
        channels=stored.channels,
        phones=stored.phones,
        email=stored.email,
        url=stored.url,
        locations=stored.locations,
        schedules=stored.schedules,
        exceptional_hours=stored.exceptional_hours,
        holidays=stored.holidays,
    )


def _always(rule: WeeklyHours) -> bool:
    return len(rule.days) == 7 and rule.opens == rule.closes == time(0)


# -- service hours ----------------------------------------------------------------
def _hours(
    items: list[Any], owner: str, name: Texts, where: str
) -> tuple[tuple[WeeklyHours, ...], tuple[ExceptionalHours, ...]]:
    """PTV service hours without flattening: weekday hours and over-midnight hours
    as weekly rules; exceptional hours, and weekday hours valid only for a period
    (summer hours), as exceptions for their dates; always open as 00:00-00:00."""
    weekly: list[WeeklyHours] = []
    exceptions: list[ExceptionalHours] = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        item = object_at(item, at)
        kind = text_at(item, "serviceHourType", at + ".")
        info = _language_values(item, "additionalInformation", at + ".") or name
        rid = derived_id("ptv-hours", owner, str(i))
        valid_from = date_at(item, "validFrom", at + ".")
        valid_to = date_at(item, "validTo", at + ".")
        openings = [
            object_at(o, f"{at}.openingHour[{j}]")
            for j, o in enumerate(list_at(item, "openingHour", at + "."))
        ]
        always = item.get("isAlwaysOpen") is True
        if kind == "Exceptional" or (kind == "DaysOfTheWeek" and valid_to is not None):
            if valid_from is None:
                raise RecordError(f"{at}.validFrom", "required for exceptional hours")
            until = valid_to or valid_from
            if until < valid_from:
                raise RecordError(f"{at}.validTo", "before validFrom")
            if item.get("isClosed") is True:
                exceptions.append(ExceptionalHours(rid, valid_from, until, description=info))
                continue
            spans = [((), time(0), time(0))] if always else _same_days(openings, at)
            if not spans:
                raise RecordError(f"{at}.openingHour", "required unless isClosed or isAlwaysOpen")
            exceptions += [
                ExceptionalHours(
                    derived_id(rid, str(j)),
                    valid_from,
                    until,
                    opens,
                    closes,
                    () if len(days) == 7 else days,
                    info,
                )
                for j, (days, opens, closes) in enumerate(spans)
            ]
        elif kind in ("DaysOfTheWeek", "OverMidnight"):
            if always:
                weekly.append(WeeklyHours(rid, tuple(range(7)), time(0), time(0), info))
                continue
            weekly += [
                WeeklyHours(derived_id(rid, str(j)), days, opens, closes, info)
                for j, (days, opens, closes) in enumerate(_same_days(openings, at))
            ]
            for j, opening in enumerate(openings):
                if _over_midnight(opening):
                    at_j = f"{at}.openingHour[{j}]"
                    weekly += _weekly(opening, derived_id(rid, f"night{j}"), info, at_j)
        else:
            raise RecordError(
                f"{at}.serviceHourType", f"{kind!r}: use DaysOfTheWeek, OverMidnight or Exceptional"
            )
    return tuple(weekly), tuple(exceptions)


def _over_midnight(opening: Obj) -> bool:
    return opening.get("dayTo") not in (None, "", opening.get("dayFrom"))


def _same_days(openings: list[Obj], at: str) -> list[tuple[tuple[int, ...], time, time]]:
    """Openings within one day (Monday 08:00-16:00, Tuesday 08:00-16:00, ...), the
    days of the same hours together (Monday to Friday 08:00-16:00); an opening with
    no day is every day."""
    spans: dict[tuple[time, time], list[int]] = {}
    for j, opening in enumerate(openings):
        if _over_midnight(opening):
            continue
        day = _any_weekday(opening, "dayFrom", f"{at}.openingHour[{j}]")
        days = spans.setdefault(_span(opening, f"{at}.openingHour[{j}]"), [])
        days += range(7) if day is None else [day]
    return [(tuple(sorted(set(days))), opens, closes) for (opens, closes), days in spans.items()]


def _weekly(opening: Obj, rid: str, info: Texts, at: str) -> list[WeeklyHours]:
    """One opening, from dayFrom's time to dayTo's (the same day when none). Past one
    midnight it is one rule (closes <= opens); past several (Friday 16:00 to Monday
    08:00) the days between are whole days."""
    first = _weekday(opening, "dayFrom", at)
    last = _any_weekday(opening, "dayTo", at)
    opens, closes = _span(opening, at)
    nights = 0 if last is None else (last - first) % 7
    if nights == 0 and last is not None and closes <= opens and closes != time(0):
        nights = 7  # Monday 20:00 to Monday 08:00 is the week round
    if nights <= 1:
        return [WeeklyHours(rid, (first,), opens, closes, info)]
    whole = tuple((first + n) % 7 for n in range(1, nights))
    return [
        WeeklyHours(rid, (first,), opens, time(0), info),
        WeeklyHours(derived_id(rid, "whole"), tuple(sorted(whole)), time(0), time(0), info),
        WeeklyHours(derived_id(rid, "last"), ((first + nights) % 7,), time(0), closes, info),
    ]


def _span(opening: Obj, at: str) -> tuple[time, time]:
    found = []
    for key in ("from", "to"):
        value = text_at(opening, key, at + ".")
        if not value:
            raise RecordError(f"{at}.{key}", "required (HH:MM)")
        try:
            found.append(_clock(value))
        except ValueError as exc:
            raise RecordError(f"{at}.{key}", f"not a time (HH:MM): {value!r}") from exc
    return found[0], found[1]


@cache
def _clock(value: str) -> time:
    """A fetch repeats a few dozen times thousands of times: each is read once."""
    return parse_time(value)


def _weekday(opening: Obj, key: str, at: str) -> int:
    """'Monday' -> 0; required."""
    value = text_at(opening, key, at + ".")
    if value not in WEEKDAYS:
        raise RecordError(f"{at}.{key}", f"{value!r}: use {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(value)


def _any_weekday(opening: Obj, key: str, at: str) -> int | None:
    """A weekday, or None when not given."""
    return None if text_at(opening, key, at + ".") is None else _weekday(opening, key, at)


# -- places ---------------------------------------------------------------------
def _locations(obj: Obj, cid: str, name: Texts) -> tuple[Location, ...]:
    """A service location channel's visiting addresses (type Location) as places."""
    places: list[Location] = []
    for i, address in enumerate(list_at(obj, "addresses", "")):
        at = f"addresses[{i}]"
        address = object_at(address, at)
        if text_at(address, "type", at + ".") not in (None, "Location", "Visiting"):
            continue  # a postal address is not where a client goes
        street = address.get("streetAddress")
        if not isinstance(street, dict):
            continue  # abroad or other: no street to go to
        inner = f"{at}.streetAddress."
        municipality = street.get("municipality")
        code = (
            text_at(municipality, "code", inner + "municipality.")
            if isinstance(municipality, dict)
            else None
        )
        streets = _language_values(street, "street", inner)
        offices = _language_values(street, "postOffice", inner)
        number = text_at(street, "streetNumber", inner) or ""
        places.append(
            Location(
                id=cid if not places else derived_id("ptv-place", cid, str(i)),
                link_id="",  # set when joined to a service
                name=name,
                address=" ".join(
                    p for p in (streets.get("fi") or next(iter(streets.values()), ""), number) if p
                ),
                postal_code=text_at(street, "postalCode", inner) or "",
                city=(offices.get("fi") or next(iter(offices.values()), "")).title(),  # TURKU
                municipality_code=code if code in reference.municipalities() else None,
            )
        )
    return tuple(places)


# -- small readers ------------------------------------------------------------------


def _language_values(obj: Obj, name: str, where: str) -> Texts:
    """[{"value", "language"}, ...] as {"fi": ..., "sv": ...} (fi, sv, en only)."""
    found: Texts = {}
    for i, item in enumerate(list_at(obj, name, where)):
        at = f"{where}{name}[{i}]"
        item = object_at(item, at)
        value, language = text_at(item, "value", at + "."), text_at(item, "language", at + ".")
        if value and language in LANGUAGES and language not in found:
            found[language] = value
    return found


def _typed(obj: Obj, name: str, kind: str, where: str) -> Texts:
    """The texts of one type ({"type": "Summary", "language", "value"}) by language."""
    items = [
        item
        for i, item in enumerate(list_at(obj, name, where))
        if object_at(item, f"{where}{name}[{i}]").get("type") == kind
    ]
    return _language_values({name: items}, name, where)


def _description(obj: Obj, name: str, where: str) -> Texts:
    """The Summary and the Description, one paragraph each, by language."""
    summary, whole = _typed(obj, name, "Summary", where), _typed(obj, name, "Description", where)
    return {
        lang: "\n\n".join(t for t in (summary.get(lang), whole.get(lang)) if t)
        for lang in LANGUAGES
        if lang in summary or lang in whole
    }


def _web_pages(obj: Obj, name: str, where: str) -> list[str]:
    pages = []
    for i, item in enumerate(list_at(obj, name, where)):
        url = text_at(object_at(item, f"{where}{name}[{i}]"), "url", f"{where}{name}[{i}].")
        if url:
            pages.append(url)
    return pages


def _main_organization(obj: Obj) -> str:
    main = obj.get("mainOrganization")
    if isinstance(main, dict) and main.get("id"):
        return uuid_at(main, "id", "mainOrganization.")
    for i, item in enumerate(list_at(obj, "organizations", "")):
        item = object_at(item, f"organizations[{i}]")
        if item.get("roleType") == "Responsible" and isinstance(item.get("organization"), dict):
            return uuid_at(item["organization"], "id", f"organizations[{i}].organization.")
    raise RecordError(
        "mainOrganization", "required: ohjaaja files each service under its organisation"
    )


def _phone(item: Obj, at: str) -> str:
    """prefixNumber and number to E.164; a Finnish service number as written."""
    number = text_at(item, "number", at + ".")
    if not number:
        raise RecordError(f"{at}.number", "required")
    prefix = text_at(item, "prefixNumber", at + ".")
    written = (
        number
        if item.get("isFinnishServiceNumber") or not prefix
        else f"{prefix} {number.lstrip('0')}"
    )
    try:
        return phone_number(written)
    except PhoneError as exc:
        raise RecordError(f"{at}.number", f"{written!r}: {exc}") from exc


@cache
def _first_names() -> frozenset[str]:
    names = json.loads((reference.FIXTURES / "names.json").read_text(encoding="utf-8"))
    return frozenset(
        name.casefold()
        for language in ("fi", "sv")
        for gender in ("female", "male")
        for name in names[language].get(gender, [])
    )


def _personal_email(address: str) -> bool:
    """firstname.lastname@...: a named person's address, not the service's."""
    local = address.partition("@")[0].casefold()
    first, dot, last = local.partition(".")
    return bool(dot) and first in _first_names() and bool(re.fullmatch(r"[a-zåäöé-]+", last))


def _personal_name(text: str) -> bool:
    """'Matti Virtanen' or 'Anna Lindström, ...': a phone that is a named person's."""
    words = re.split(r"[\s,]+", text.strip())
    return len(words) >= 2 and words[0].casefold() in _first_names() and words[1][:1].isupper()


def objects_in(document: Any) -> list[Any]:
    """The records of a PTV JSON document: one object, a page
    ({"pageNumber", "pageCount", "itemList": [...]}) or an array."""
    if isinstance(document, dict) and "itemList" in document:
        items = document["itemList"]
        if items is None:
            return []
        if not isinstance(items, list):
            raise RecordError("itemList", "must be a list")
        return items
    if isinstance(document, list):
        return document
    return [document]
