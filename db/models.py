"""The desk's schema as SQLModel classes: the whole schema in one readable place.

The numbered SQL migrations are the source of truth for the desk's database (the
full-text index and the triggers live only there). tests/unit/test_schema.py
checks that these classes describe the migrated schema: each column's type
affinity, NOT NULL and default, primary keys, references, unique constraints,
indexes, AUTOINCREMENT and WITHOUT ROWID. A flag (bool) is 0 or 1 in an INTEGER
column. The desk does not import this module (SQLModel costs half a second of
start-up); see ARCHITECTURE.md.
"""

from __future__ import annotations

from sqlalchemy import Index
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
    __table_args__ = (
        Index("client_name", "last_name", "first_names"),
        Index("client_birth_name", "birth_date", "search_name"),
        Index("client_search_name", "search_name"),
        Index("client_municipality_name", "municipality_code", "search_name"),
    )
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


class ClientNameKey(SQLModel, table=True):
    """Two-word name search keys ('given last', 'last given'), kept by triggers."""

    __tablename__ = "client_name_key"
    __table_args__ = {"sqlite_with_rowid": False}
    key: str = Field(primary_key=True)
    search_name: str = Field(primary_key=True)
    client_id: str = Field(primary_key=True)


class ClientPhone(Synced, table=True):
    __tablename__ = "client_phone"
    __table_args__ = (
        Index("client_phone_e164", "e164"),
        Index("client_phone_client", "client_id"),
    )
    id: str = Field(primary_key=True)
    client_id: str = Field(foreign_key="client.id")
    e164: str
    kind: str = "mobile"


class Relative(Synced, table=True):
    __table_args__ = (
        Index("relative_phone", "phone_e164"),
        Index("relative_client", "client_id"),
    )
    id: str = Field(primary_key=True)
    client_id: str = Field(foreign_key="client.id")
    name: str
    relation: str
    phone_e164: str | None = None


class Contact(Synced, table=True):
    __table_args__ = (
        Index("contact_queue", "status", "priority", "received_at"),
        Index("contact_received", "received_at"),
        Index("contact_client_received", "client_id", "received_at"),
        Index("contact_callback", "status", "callback_at"),
    )
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
    __table_args__ = (Index("contact_event_contact", "contact_id"),)
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
    source_modified_at: str | None = None


class Service(Synced, table=True):
    __table_args__ = (Index("service_organization", "organization_id"),)
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
    other_areas: str = "[]"
    source_modified_at: str | None = None
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
    __table_args__ = (Index("service_at_location_service", "service_id"),)
    id: str = Field(primary_key=True)
    service_id: str = Field(foreign_key="service.id")
    location_id: str = Field(foreign_key="location.id")
    position: int = 0


class CataloguePhone(Synced, table=True):
    __tablename__ = "catalogue_phone"
    __table_args__ = (
        Index("catalogue_phone_service", "service_id"),
        Index("catalogue_phone_organization", "organization_id"),
    )
    id: str = Field(primary_key=True)
    service_id: str | None = Field(default=None, foreign_key="service.id")
    organization_id: str | None = Field(default=None, foreign_key="organization.id")
    location_id: str | None = Field(default=None, foreign_key="location.id")
    number: str
    description: str = "{}"
    position: int = 0


class Schedule(Synced, table=True):
    __table_args__ = (Index("schedule_service", "service_id"),)
    id: str = Field(primary_key=True)
    service_id: str | None = Field(default=None, foreign_key="service.id")
    service_at_location_id: str | None = Field(default=None, foreign_key="service_at_location.id")
    freq: str | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    description: str = "{}"
    position: int = 0
    valid_from: str | None = None
    valid_to: str | None = None


class Offer(SQLModel, table=True):
    __table_args__ = (Index("offer_contact", "contact_id"),)
    id: str = Field(primary_key=True)
    contact_id: str = Field(foreign_key="contact.id")
    service_id: str | None = Field(default=None, foreign_key="service.id")
    unmet_need: str | None = None
    created_at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    language: str | None = None


class Handover(Synced, table=True):
    __table_args__ = (
        Index("handover_client", "client_id"),
        Index("handover_to_worker", "to_worker_id", "state"),
        Index("handover_to_team", "to_team", "state"),
        Index("handover_from_worker", "from_worker_id", "state"),
    )
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
    __table_args__ = (Index("handover_event_handover", "handover_id", "at"),)
    id: str = Field(primary_key=True)
    handover_id: str = Field(foreign_key="handover.id")
    kind: str
    at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    reason: str | None = None


class Notification(Synced, table=True):
    __table_args__ = (Index("notification_client", "client_id", "created_at"),)
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
    __table_args__ = (Index("shift_handover_open", "acknowledged_at", "created_at"),)
    id: str = Field(primary_key=True)
    from_worker_id: str = Field(foreign_key="worker.id")
    note: str
    items: str = "[]"
    acknowledged_by: str | None = Field(default=None, foreign_key="worker.id")
    acknowledged_at: str | None = None


class Audit(SQLModel, table=True):
    __table_args__ = (Index("audit_client", "client_id", "at"),)
    id: str = Field(primary_key=True)
    at: str
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    client_id: str | None = Field(default=None, foreign_key="client.id")
    action: str
    reason: str | None = None
    detail: str = "{}"


class Outbox(SQLModel, table=True):
    __table_args__ = {"sqlite_autoincrement": True}  # seq is never reused
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
    __table_args__ = {"sqlite_with_rowid": False}
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


class TrainingShift(Synced, table=True):
    __tablename__ = "training_shift"
    id: str = Field(primary_key=True)
    scenario: str
    source: str
    format: str
    seed: int
    clock: str
    started_at: str
    ended_at: str | None = None
    is_training: bool = True


class TrainingContact(SQLModel, table=True):
    __tablename__ = "training_contact"
    __table_args__ = (Index("training_contact_shift", "shift_id", "script_id"),)
    contact_id: str = Field(primary_key=True, foreign_key="contact.id")
    shift_id: str = Field(foreign_key="training_shift.id")
    script_id: str | None = None
    stream: str | None = None
    patience_s: float | None = None
    attempt: int = 1


class TrainingEvent(SQLModel, table=True):
    __tablename__ = "training_event"
    __table_args__ = (Index("training_event_shift", "shift_id", "at"),)
    id: str = Field(primary_key=True)
    shift_id: str = Field(foreign_key="training_shift.id")
    at: str
    kind: str
    contact_id: str | None = None
    worker_id: str | None = None
    data: str = "{}"
