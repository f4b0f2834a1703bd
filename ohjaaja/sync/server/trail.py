"""A client's region-wide access log, for an information request under the Client
Data Act (703/2023 s. 11): every look a desk recorded, every change, every
disclosure of the client's data to a desk, and every reading of this log.

Written as CSV (cells made inert) or as a FHIR R4 Bundle of AuditEvents after the
IHE Basic Audit Log Patterns (BALP): a look is a PatientRead (or PatientQuery for
a search), a change PatientCreate/PatientUpdate, a pull or an answer that carried
the client's rows a PrivacyDisclosure at the source, a reading of the log a
PatientRead of the log itself.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from ohjaaja.exchange.exports import csv_text

Row = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    at: str
    event: str  # look, change, disclosure, identity_check, access_log
    action: str  # what the desk recorded, the mutation, 'pull', 'answer', 'read'
    desk: str  # the token's name ('' for a look: the audit row names its worker)
    workers: tuple[str, ...]
    role: str
    reason: str
    detail: Row


def entries(looks: list[Row], trail: list[Row], names: dict[str, str]) -> list[Entry]:
    """The looks (synced audit rows) and the trail, in time order."""
    found = [
        Entry(
            str(look.get("at") or ""), "look", str(look.get("action") or ""), "",
            (names.get(str(look.get("worker_id")), str(look.get("worker_id") or "")),),
            "", str(look.get("reason") or ""), _object(look.get("detail")),
        )
        for look in looks
    ]  # fmt: skip
    for item in trail:
        detail = _object(item.get("detail"))
        found.append(
            Entry(
                str(item["at"]), str(item["event"]), str(item["action"]),
                str(item.get("desk") or ""), tuple(json.loads(item.get("workers") or "[]")),
                str(item.get("role") or ""), str(detail.pop("reason", "") or ""), detail,
            )
        )  # fmt: skip
    return sorted(found, key=lambda e: e.at)


def _object(value: Any) -> Row:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"text": value}
    return dict(value) if isinstance(value, dict) else {}


def as_csv(client_id: str, found: list[Entry]) -> str:
    header = ["at", "client", "event", "action", "desk", "workers", "role", "reason", "detail"]
    return csv_text(
        [header]
        + [
            [e.at, client_id, e.event, e.action, e.desk, ", ".join(e.workers), e.role, e.reason,
             json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else ""]
            for e in found
        ]
    )  # fmt: skip


_BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit."
_REST = {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest",
         "display": "RESTful Operation"}  # fmt: skip
_EXPORT = {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110106",
           "display": "Export"}  # fmt: skip
_DISCLOSE = {"system": "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle",
             "code": "disclose", "display": "Disclose Record Lifecycle Event"}  # fmt: skip
_INTERACTION = "http://hl7.org/fhir/restful-interaction"
_HUMAN = {"system": "http://terminology.hl7.org/CodeSystem/extra-security-role-type",
          "code": "humanuser", "display": "human user"}  # fmt: skip


def _pattern(entry: Entry) -> tuple[str, str, dict[str, Any], list[dict[str, Any]]]:
    """(BALP profile, FHIR action code, type, subtypes) of an entry."""
    if entry.event == "disclosure":
        read = {"system": _INTERACTION, "code": "read"}
        return "PrivacyDisclosure.Source", "R", _EXPORT, [_DISCLOSE, read]
    if entry.event == "change":
        made = entry.action.endswith((".create", ".receive", ".log")) and (
            entry.detail.get("version") == 1
        )
        code = "create" if made else "update"
        return ("PatientCreate" if made else "PatientUpdate"), code[0].upper(), _REST, [
            {"system": _INTERACTION, "code": code}
        ]  # fmt: skip
    if entry.event == "identity_check" or (
        entry.event == "look" and entry.action in ("search", "query")
    ):
        return "PatientQuery", "E", _REST, [{"system": _INTERACTION, "code": "search"}]
    return "PatientRead", "R", _REST, [{"system": _INTERACTION, "code": "read"}]


def as_fhir(client_id: str, found: list[Entry], server: str = "ohjaaja-server") -> Row:
    """A FHIR R4 Bundle (type collection) of AuditEvents, one per entry."""
    patient = {"reference": f"Patient/{client_id}"}
    events: list[Row] = []
    for entry in found:
        profile, action, kind, subtypes = _pattern(entry)
        agents: list[Row] = [
            {"type": {"coding": [_HUMAN]}, "who": {"display": worker}, "requestor": True}
            for worker in entry.workers
            if worker
        ]
        if entry.desk:
            role = "110152" if entry.event == "disclosure" else "110150"  # destination / app
            agents.append({
                "type": {"coding": [{"system": "http://dicom.nema.org/resources/ontology/DCM",
                                     "code": role}]},
                "who": {"identifier": {"value": entry.desk}},
                "requestor": not entry.workers,
            })  # fmt: skip
        if not agents:
            agents.append({"who": {"display": "unknown"}, "requestor": True})
        entity: list[Row] = [{
            "what": patient,
            "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                     "code": "1", "display": "Person"},
            "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1",
                     "display": "Patient"},
        }]  # fmt: skip
        if entry.detail:
            entity.append({"what": {"display": entry.action}, "detail": [
                {"type": "ohjaaja", "valueString": json.dumps(entry.detail, sort_keys=True)}
            ]})  # fmt: skip
        event: Row = {
            "resourceType": "AuditEvent",
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{client_id}/{entry.at}/{len(events)}")),
            "meta": {"profile": [_BALP + profile]},
            "type": kind,
            "subtype": subtypes,
            "action": action,
            "recorded": entry.at,
            "outcome": "0",
            "agent": agents,
            "source": {"observer": {"display": server}},
            "entity": entity,
        }
        if entry.reason:
            event["purposeOfEvent"] = [{"text": entry.reason}]
        events.append(event)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": event} for event in events],
    }
