"""A training scenario: the model every part of training reads.

Files (files.py) are parsed into these frozen dataclasses once, checked field by
field; the engine, the scoring and the screens never see the raw file. Times in
a scenario are offsets from its simulated start, so one scenario can be played on
any date its `start` names and replayed identically from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# What a trainee can be expected to do on a scripted contact (scoring.py).
EXPECT_KINDS = (
    "answer",  # taken within `within` of arriving
    "identify",  # the contact attached to the scripted client
    "reasons",  # these reason codes among the contact's
    "offer",  # services offered: by id, or any of a client group and kind
    "notification",  # a statutory notification of this kind, its required content
    "handover",  # a handover to this team, at this urgency
    "outcome",  # the contact closed with this outcome
)
CALLER_KINDS = ("client", "relative", "professional", "anonymous")


@dataclass(frozen=True)
class Person:
    """Someone defined in the scenario itself, put into the training register."""

    first_names: str
    last_name: str
    birth_date: str | None = None  # ISO date
    hetu: str | None = None  # a valid (synthetic) personal identity code
    municipality: str | None = None  # code, e.g. "853"
    language: str = "fi"
    phone: str | None = None  # E.164 or Finnish national form


@dataclass(frozen=True)
class Caller:
    kind: str  # CALLER_KINDS
    name: str | None = None  # how they introduce themselves (relative, professional)
    phone: str | None = None
    # The client the contact is about: a person of the seeded register by identity
    # code, or one defined inline (added to the register when the shift starts).
    client_hetu: str | None = None
    person: Person | None = None


@dataclass(frozen=True)
class Fact:
    """Hidden until the trainee asks: `topic` is what is asked ("living alone?"),
    `answer` what the caller then says."""

    topic: str
    answer: str


@dataclass(frozen=True)
class Expect:
    kind: str  # EXPECT_KINDS
    points: int = 1
    critical: bool = False  # a miss is listed first (a missed statutory notification)
    within: timedelta | None = None  # from the contact's arrival
    # Only the fields of the kind are set:
    reasons: tuple[str, ...] = ()
    services: tuple[str, ...] = ()  # service ids; any one of them counts
    client_group: str | None = None  # or: any service of this group (line code) ...
    service_channel: str | None = None  # ... and, if given, this channel (kind)
    notification: str | None = None  # ohjaaja.domain.notifications.KINDS
    required: tuple[str, ...] = ()  # notification fields that must be filled
    team: str | None = None  # handover team kind (ohjaaja.domain.teams)
    urgency: str | None = None  # ohjaaja.domain.handovers.URGENCIES
    outcome: str | None = None  # ohjaaja.domain.queue.OUTCOMES


@dataclass(frozen=True)
class ScriptedContact:
    id: str  # unique in the scenario; the contact's id derives from it (engine.py)
    at: timedelta  # after the start
    channel: str
    line: str
    municipality: str | None
    language: str
    caller: Caller
    opening: str  # what the caller says first
    facts: tuple[Fact, ...] = ()
    reactions: tuple[str, ...] = ()  # how the caller reacts (read by the trainer)
    patience: timedelta | None = None  # unanswered this long: abandoned (phone, chat)
    expect: tuple[Expect, ...] = ()


@dataclass(frozen=True)
class Patience:
    """How long a caller of a stream waits: exponential with this mean; after
    abandoning, calls again with probability `call_again` after about `again_after`."""

    mean: timedelta = timedelta(minutes=3)
    call_again: float = 0.3
    again_after: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Stream:
    """Background contacts: a Poisson process whose rate per hour follows the local
    hour (`per_hour`: hour -> rate; hours not named have `base_per_hour`)."""

    name: str
    base_per_hour: float
    per_hour: dict[int, float] = field(default_factory=dict)
    channels: dict[str, float] = field(default_factory=lambda: {"phone": 1.0})
    lines: dict[str, float] = field(default_factory=lambda: {"ikaihmiset": 1.0})
    municipalities: dict[str, float] = field(default_factory=dict)  # {}: by population
    languages: dict[str, float] = field(default_factory=lambda: {"fi": 1.0})
    patience: Patience = Patience()


@dataclass(frozen=True)
class Targets:
    """What the shift is scored against; the pilot's figures by default (the
    sources: phone answered in 9 s on average, 89 % helped at the first contact,
    11 % referred to a service-need assessment)."""

    answer_seconds: float = 9.0
    service_level: float = 0.8  # share answered within service_level_seconds
    service_level_seconds: float = 60.0
    abandonment: float = 0.05  # at most this share abandoned
    first_contact: float = 0.89
    assessment: float = 0.11


@dataclass(frozen=True)
class World:
    clients: int = 300  # synthetic register size (the demo's generator, seeded)
    catalogue: str = "demo"  # as written: demo, a fixture's name, or a path (catalogues)


@dataclass(frozen=True)
class Scenario:
    title: str
    language: str  # the trainees' interface language and the callers' default
    start: datetime  # aware; written in a file as Finnish local time
    duration: timedelta
    goals: tuple[str, ...] = ()
    speed: float = 1.0  # default; the trainer changes it (1..60)
    seed: int = 1
    world: World = World()
    targets: Targets = Targets()
    streams: tuple[Stream, ...] = ()
    scripts: tuple[ScriptedContact, ...] = ()
    name: str = ""  # the file's stem: how the trainer names it
    # The absolute path of the file or folder world.catalogue names, when it names
    # one (not the demo or a fixture): found beside the scenario file (files.py).
    catalogue_file: str = ""

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    def script(self, script_id: str) -> ScriptedContact | None:
        return next((s for s in self.scripts if s.id == script_id), None)
