"""New contacts from integrations (a phone system, an e-form): into the queue, routed
to the social emergency after hours; and callers who hung up before anyone answered."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, HTTPException, Request

from ohjaaja.db.ids import new_id
from ohjaaja.db.server.store import TokenRevoked, Writer
from ohjaaja.domain.clock import Clock, to_iso
from ohjaaja.domain.queue import abandoned_event_id, default_priority, route_line
from ohjaaja.domain.reference import lines, municipalities
from ohjaaja.sync.mutations import Actor, Rejection
from ohjaaja.sync.mutations.contacts import apply_abandon
from ohjaaja.sync.rows import TIME, Invalid, identifier, normalise
from ohjaaja.sync.scope import own_scope
from ohjaaja.sync.server.auth import UNKNOWN_TOKEN, Intake, IntakeVoucher, StoreDep, TokenCache
from ohjaaja.sync.server.models import AbandonIn, AbandonOut, ContactIn, ContactOut
from ohjaaja.sync.server.push import OutOfReach, RulesStore
from ohjaaja.sync.server.scoping import reach_of

router = APIRouter()


@router.post("/v1/contacts", status_code=201, response_model=ContactOut)
def intake(body: ContactIn, voucher: IntakeVoucher, request: Request) -> ContactOut:
    who = voucher.info
    if body.municipality_code not in municipalities():
        raise HTTPException(422, "municipality_code: not a municipality of the region")
    # A scoped integration (one municipality's phone system) adds callers of its own reach
    # only, as a desk's token writes only rows it may see.
    asked = own_scope(
        "contact", {"municipality_code": body.municipality_code, "line_code": body.line}
    )
    if not reach_of(who).sees(asked):
        raise HTTPException(403, "municipality_code, line: outside this token's reach")
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

    tokens: TokenCache = request.app.state.tokens
    try:  # with others' at once, and only if the token still holds
        revision = request.app.state.intake.insert("contact", row["id"], row, voucher)
    except TokenRevoked:
        tokens.forget(voucher.secret_hash)
        raise HTTPException(401, UNKNOWN_TOKEN) from None
    if revision != voucher.revision:  # it held at a later revision: no need to look again
        tokens.keep(replace(voucher, revision=revision))
    return ContactOut(
        id=row["id"], channel=body.channel, line=routed, original_line=row["original_line_code"],
        municipality_code=body.municipality_code, language=body.language, phone=phone,
        priority=row["priority"], received_at=row["received_at"],
    )  # fmt: skip


_ANSWERED = "the contact was answered ({status}): only a waiting contact is abandoned"


@router.post("/v1/contacts/{contact_id}/abandon", response_model=AbandonOut)
def abandon(
    contact_id: str, who: Intake, store: StoreDep, request: Request, body: AbandonIn | None = None
) -> AbandonOut:
    """The caller hung up before anyone answered. The rules are the desks'
    (contact.abandon): a contact someone has taken or closed was answered (409); one
    outside the token's reach is not there for it (404); reported again, nothing new."""
    now = to_iso(request.app.state.clock.now())
    try:
        identifier(contact_id, "id")
        at = TIME.check(body.at, "at") if body is not None and body.at is not None else now
    except Invalid as exc:
        raise HTTPException(422, f"{exc.field}: {exc.message}") from exc
    if at > now:
        raise HTTPException(422, "at: in the future")
    integration = Actor("", who.name, frozenset({"integration"}), ())

    def write(writer: Writer) -> tuple[bool, str | None]:
        rules = RulesStore(writer, who)
        try:
            row = rules.get("contact", contact_id)
        except OutOfReach:
            row = None
        if row is None:
            raise HTTPException(404, "id: no such contact (in this token's reach)")
        if row["status"] == "waiting" and at < row["received_at"]:
            raise HTTPException(422, f"at: before the contact was received ({row['received_at']})")
        outcome = apply_abandon({"id": contact_id, "at": at}, rules, integration)
        if isinstance(outcome, Rejection):
            answered = outcome.reason in ("taken", "closed")
            why = _ANSWERED.format(status=outcome.reason) if answered else outcome.reason
            raise HTTPException(outcome.code, why)
        for change in outcome:
            writer.put(change.table, change.id, change.data, change.new)
        event = writer.get("contact_event", abandoned_event_id(contact_id))
        return not outcome, None if event is None else str(event["at"])

    already, abandoned_at = store.transaction(write)
    return AbandonOut(id=contact_id, status="abandoned", abandoned_at=abandoned_at, already=already)
