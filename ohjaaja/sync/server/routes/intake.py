"""New contacts from integrations (a phone system, an e-form): into the queue, routed
to the social emergency after hours."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from ohjaaja.db.ids import new_id
from ohjaaja.db.server.store import Writer
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.domain.queue import default_priority, route_line
from ohjaaja.domain.reference import lines, municipalities
from ohjaaja.sync.rows import normalise
from ohjaaja.sync.server.auth import Intake, StoreDep
from ohjaaja.sync.server.models import ContactIn, ContactOut

router = APIRouter()


@router.post("/v1/contacts", status_code=201, response_model=ContactOut)
def intake(body: ContactIn, who: Intake, store: StoreDep, request: Request) -> ContactOut:
    if body.municipality_code not in municipalities():
        raise HTTPException(422, "municipality_code: not a municipality of the region")
    phone = None
    if body.phone:
        from ohjaaja.domain.phones import PhoneError, normalise_phone

        try:
            phone = normalise_phone(body.phone)
        except PhoneError as exc:
            raise HTTPException(422, f"phone: {exc}") from exc
    clock: Clock = request.app.state.clock
    now = clock.now()
    routed = route_line(body.line, now, {code: line.hours for code, line in lines().items()})
    row = normalise("contact", {
        "id": new_id(), "channel": body.channel, "line_code": routed,
        "original_line_code": body.line if routed != body.line else None,
        "municipality_code": body.municipality_code, "language": body.language,
        "caller_phone": phone, "priority": default_priority(body.channel, routed),
        "received_at": to_iso(now), "created_at": to_iso(now), "updated_at": to_iso(now),
    }, "contact")  # fmt: skip

    def write(writer: Writer) -> None:
        writer.put("contact", row["id"], row)

    store.transaction(write)
    return ContactOut(
        id=row["id"], channel=body.channel, line=routed, original_line=row["original_line_code"],
        municipality_code=body.municipality_code, language=body.language, phone=phone,
        priority=row["priority"], received_at=row["received_at"],
    )  # fmt: skip
