"""The bodies the server reads and writes (its OpenAPI document is made from these)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ohjaaja.sync import protocol
from ohjaaja.sync.rows import Invalid, identifier, text

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
DESK_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$"


def _clean(value: str) -> str:
    """No NUL and no unpaired surrogate: neither a database nor JSON takes them."""
    try:
        return text(value, "value", 10_000)
    except Invalid as exc:
        raise ValueError(exc.message) from None


def _an_id(value: str) -> str:
    try:
        return identifier(value, "value")
    except Invalid as exc:
        raise ValueError(exc.message) from None


SafeText = Annotated[str, AfterValidator(_clean)]
SafeId = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_an_id)]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal[protocol.CHANNELS]  # type: ignore[valid-type]
    line: Literal[protocol.LINES]  # type: ignore[valid-type]
    municipality_code: str = Field(pattern=r"^[0-9]{3}$")
    phone: Annotated[SafeText, Field(max_length=40)] | None = None
    language: Literal["fi", "sv", "en"] = "fi"


class ContactOut(BaseModel):
    id: str
    channel: str
    line: str
    original_line: str | None
    municipality_code: str
    language: str
    phone: str | None
    priority: int
    received_at: str


class AbandonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: str | None = Field(
        default=None,
        description="when the caller hung up (UTC ISO 8601, as received_at); default: now",
    )


class AbandonOut(BaseModel):
    id: str
    status: Literal["abandoned"]
    abandoned_at: str | None = Field(description="the moment recorded (the first report's)")
    already: bool = Field(description="reported before: nothing new was recorded")


class Replay(BaseModel):
    """A mutation a desk sends again after the server was restored, with the answer it
    once got: logged as then, not applied again (its rows come back signed)."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["applied", "rejected"]
    result: dict[str, Any]


class MutationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1, le=2**63 - 1, description="gapless per desk incarnation")
    mutation_id: SafeId
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+\.[a-z_]+$")
    worker_id: SafeId | None = Field(default=None, description="the acting worker")
    args: dict[str, Any]
    replay: Replay | None = None
    oversize: int | None = Field(
        default=None, ge=0, le=2**63 - 1,
        description="the desk holds arguments of this many bytes, over the limit, and did "
        "not send them; refused as too large",
    )  # fmt: skip


class PushIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    desk_id: str = Field(pattern=DESK_PATTERN)
    incarnation: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_.:-]*$")
    schema_version: int = Field(ge=0, le=2**31)
    training: bool = Field(default=False, description="pushed by a training desk")
    mutations: list[MutationIn] = Field(max_length=1000)

    @model_validator(mode="after")
    def _distinct(self) -> PushIn:
        ids = [m.mutation_id for m in self.mutations]
        seqs = [m.seq for m in self.mutations]
        if len(set(ids)) != len(ids):
            raise ValueError("mutations: a mutation_id is repeated in this batch")
        if len(set(seqs)) != len(seqs):
            raise ValueError("mutations: a seq is repeated in this batch")
        return self


class MutationResult(BaseModel):
    seq: int
    mutation_id: str
    status: Literal["applied", "rejected"]
    result: dict[str, Any]


class PushOut(BaseModel):
    epoch: str
    results: list[MutationResult]
    last_seq: int
    gap_at: int | None = None


class Change(BaseModel):
    seq: int
    table: str
    id: str
    version: int = 0
    data: dict[str, Any] | None = None
    sig: str = ""
    removed: bool = Field(
        default=False, description="the row left this desk's scope: remove it (no data)"
    )


class ChangesOut(BaseModel):
    epoch: str
    head: int
    changes: list[Change]
    next_cursor: int
    reach: str = Field(
        default="", description="what this token is sent: when it changes, a desk pulls anew"
    )


class Health(BaseModel):
    epoch: str
    head: int
    epoch_head: int = Field(description="the head when this epoch began (after a restore)")
    schema_version: int = protocol.SCHEMA_VERSION
    training: bool = Field(
        default=False, description="a training store: a desk of the other mode never syncs here"
    )


class WhoAmI(BaseModel):
    name: str
    role: str
    workers: list[str]


class SignedRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str = Field(max_length=64)
    id: SafeId
    version: int = Field(ge=1, le=2**63 - 1)
    data: dict[str, Any]
    seq: int = Field(ge=1, le=2**63 - 1, description="the sequence number it was pulled at")
    sig: str = Field(pattern=r"^[0-9a-f]{32}$")


class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[SignedRow] = Field(max_length=1000)


class RestoreOut(BaseModel):
    restored: int
    refused: list[tuple[str, str]] = Field(
        description="(table, id) of rows not taken: not this store's, or changed here since"
    )
