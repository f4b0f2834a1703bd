"""The desk's schema as SQLModel classes: the whole schema in one readable place.

The numbered SQL migrations are the source of truth for the desk's database;
tests/unit/test_schema.py checks that these classes and the migrated schema
name the same tables and columns. Imported only where typed rows are wanted:
SQLModel costs half a second of start-up that the desk does not pay.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Synced(SQLModel):
    """Columns every mutable, synced row carries."""

    version: int = 1
    deleted: bool = False
    created_at: str
    updated_at: str


class Municipality(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name_fi: str
    name_sv: str
    population: int
    population_75plus: int
    in_agreement: bool = True


class Line(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name_fi: str
    name_sv: str
    name_en: str
    phone: str
    hours: str


class Worker(Synced, table=True):
    id: str = Field(primary_key=True)
    name: str = Field(unique=True)
    roles: str = '["guidance"]'
    lines: str = "[]"
    language: str = "fi"
    teams: str = "[]"


class Client(Synced, table=True):
    id: str = Field(primary_key=True)
    hetu: str | None = Field(default=None, unique=True)
    hetu_temporary: bool = False
    birth_date: str | None = None
    last_name: str
    first_names: str
    language: str = "fi"
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code")
    email: str | None = None
    address: str | None = None
    alerts: str = ""
    is_training: bool = False
    search_name: str = ""  # folded last and first names, kept by a trigger


class ClientPhone(Synced, table=True):
    __tablename__ = "client_phone"
    id: str = Field(primary_key=True)
    client_id: str = Field(foreign_key="client.id")
    e164: str
    kind: str = "mobile"


class Relative(Synced, table=True):
    id: str = Field(primary_key=True)
    client_id: str = Field(foreign_key="client.id")
    name: str
    relation: str
    phone_e164: str | None = None


class Contact(Synced, table=True):
    id: str = Field(primary_key=True)
    channel: str
    line_code: str = Field(foreign_key="line.code")
    original_line_code: str | None = Field(default=None, foreign_key="line.code")
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code")
    language: str = "fi"
    caller_phone: str | None = None
    caller_kind: str | None = None
    caller_name: str | None = None
    client_id: str | None = Field(default=None, foreign_key="client.id")
    priority: int = 3
    status: str = "waiting"
    via_queue: bool = True
    received_at: str
    taken_at: str | None = None
    closed_at: str | None = None
    taken_by: str | None = Field(default=None, foreign_key="worker.id")
    claim_state: str | None = None
    reasons: str = "[]"
    note: str = ""
    outcome: str | None = None
    callback_at: str | None = None
    is_training: bool = False


class ContactEvent(SQLModel, table=True):
    __tablename__ = "contact_event"
    id: str = Field(primary_key=True)
    contact_id: str = Field(foreign_key="contact.id")
    kind: str
    at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    data: str = "{}"


class Draft(SQLModel, table=True):
    contact_id: str = Field(primary_key=True, foreign_key="contact.id")
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    text: str
    form: str = "{}"
    updated_at: str


class FormDraft(SQLModel, table=True):
    __tablename__ = "form_draft"
    key: str = Field(primary_key=True)  # worker:form:what it is about
    worker_id: str | None = None
    fields: str  # JSON: widget id -> value
    updated_at: str


class Organization(Synced, table=True):
    id: str = Field(primary_key=True)
    name: str
    description: str = "{}"
    sector: str = "public"
    website: str | None = None
    email: str | None = None


class Service(Synced, table=True):
    id: str = Field(primary_key=True)
    organization_id: str = Field(foreign_key="organization.id")
    name: str
    description: str = "{}"
    eligibility_description: str = "{}"
    fees_description: str = "{}"
    application_process: str = "{}"
    status: str = "active"
    client_groups: str = "[]"
    languages: str = '["fi"]'
    service_areas: str = "[]"
    free: bool = True
    last_verified_at: str | None = None
    channels: str = "[]"
    url: str | None = None
    email: str | None = None
    holidays: str = "closed"
    eve_closes_at: str | None = None


class Location(Synced, table=True):
    id: str = Field(primary_key=True)
    organization_id: str | None = Field(default=None, foreign_key="organization.id")
    name: str = "{}"
    address: str | None = None
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code")
    postal_code: str | None = None
    city: str | None = None


class ServiceAtLocation(Synced, table=True):
    __tablename__ = "service_at_location"
    id: str = Field(primary_key=True)
    service_id: str = Field(foreign_key="service.id")
    location_id: str = Field(foreign_key="location.id")
    position: int = 0


class CataloguePhone(Synced, table=True):
    __tablename__ = "catalogue_phone"
    id: str = Field(primary_key=True)
    service_id: str | None = Field(default=None, foreign_key="service.id")
    organization_id: str | None = Field(default=None, foreign_key="organization.id")
    location_id: str | None = Field(default=None, foreign_key="location.id")
    number: str
    description: str = "{}"
    position: int = 0


class Schedule(Synced, table=True):
    id: str = Field(primary_key=True)
    service_id: str | None = Field(default=None, foreign_key="service.id")
    service_at_location_id: str | None = Field(default=None, foreign_key="service_at_location.id")
    freq: str | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    description: str = "{}"
    position: int = 0


class Offer(SQLModel, table=True):
    id: str = Field(primary_key=True)
    contact_id: str = Field(foreign_key="contact.id")
    service_id: str | None = Field(default=None, foreign_key="service.id")
    unmet_need: str | None = None
    created_at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    language: str | None = None


class Handover(Synced, table=True):
    id: str = Field(primary_key=True)
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    client_id: str | None = Field(default=None, foreign_key="client.id")
    from_worker_id: str | None = Field(default=None, foreign_key="worker.id")
    to_worker_id: str | None = Field(default=None, foreign_key="worker.id")
    to_team: str | None = None
    situation: str = ""
    background: str = ""
    assessment: str = ""
    recommendation: str = ""
    note: str
    urgency: str = "normal"
    due_at: str | None = None
    warm: bool = False
    state: str = "sent"
    is_training: bool = False
    accepted_by: str | None = Field(default=None, foreign_key="worker.id")
    notification_id: str | None = Field(default=None, foreign_key="notification.id")


class HandoverEvent(SQLModel, table=True):
    __tablename__ = "handover_event"
    id: str = Field(primary_key=True)
    handover_id: str = Field(foreign_key="handover.id")
    kind: str
    at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    reason: str | None = None


class Notification(Synced, table=True):
    id: str = Field(primary_key=True)
    kind: str
    client_id: str | None = Field(default=None, foreign_key="client.id")
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    municipality_code: str | None = Field(default=None, foreign_key="municipality.code")
    routed_to: str | None = None
    fields: str = "{}"
    notifier_worker_id: str | None = Field(default=None, foreign_key="worker.id")
    is_training: bool = False
    received_at: str | None = None


class ShiftHandover(Synced, table=True):
    __tablename__ = "shift_handover"
    id: str = Field(primary_key=True)
    from_worker_id: str = Field(foreign_key="worker.id")
    note: str
    items: str = "[]"
    acknowledged_by: str | None = Field(default=None, foreign_key="worker.id")
    acknowledged_at: str | None = None


class Audit(SQLModel, table=True):
    id: str = Field(primary_key=True)
    at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    client_id: str | None = Field(default=None, foreign_key="client.id")
    action: str
    reason: str | None = None
    detail: str = "{}"


class Outbox(SQLModel, table=True):
    seq: int | None = Field(default=None, primary_key=True)
    mutation_id: str = Field(unique=True)
    name: str
    args: str
    created_at: str
    acked_at: str | None = None
    status: str | None = None
    result: str | None = None
    worker_id: str | None = None


class SyncRow(SQLModel, table=True):
    __tablename__ = "sync_row"
    tbl: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int
    sig: str
    data: str | None = None


class SyncQuarantine(SQLModel, table=True):
    __tablename__ = "sync_quarantine"
    tbl: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int
    reason: str
    change: str
    first_at: str
    last_at: str
    attempts: int = 1


class ClientMerge(SQLModel, table=True):
    __tablename__ = "client_merge"
    from_id: str = Field(primary_key=True)
    to_id: str
    at: str
    done: bool = False


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str
