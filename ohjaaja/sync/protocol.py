"""The sync protocol's fixed points, shared by the desk and the server.

Everything both sides must agree on lives here: the schema version, mutation
names, roles, channels and lines, and the limits on sizes. A desk and a server
built from the same commit can never disagree about them.
"""

from __future__ import annotations

from ohjaaja.domain.handovers import ACTIONS, URGENCIES
from ohjaaja.domain.limits import (
    NAME_MAX,
    NOTE_MAX,
    SCENARIO_MAX,
    SHORT_TEXT_MAX,
    TEXT_MAX,
    TRAINING_SPEED_MAX,
    TRAINING_SPEED_MIN,
)
from ohjaaja.domain.notifications import KINDS as NOTIFICATION_KINDS
from ohjaaja.domain.queue import CALLER_KINDS, CHANNELS, CONTACT_STATUSES, LINES, OUTCOMES

# 2: the server decides (a worker register, acting workers, incarnations,
# signed rows). A desk speaking 1 is told to upgrade.
SCHEMA_VERSION = 2

# Roles a token has (what kind of client it is) and roles a worker has (what the
# person may do). A desk token acts for the workers listed on it; an organiser's
# reads the region's reports and nothing of client rows (issue 17).
TOKEN_ROLES = ("desk", "worker", "integration", "organiser", "admin")
WORKER_ROLES = ("guidance", "emergency", "trainer", "admin")

MUTATIONS = (
    "worker.create",
    "contact.receive",
    "contact.log",
    "contact.claim",
    "contact.release",
    "contact.identify",
    "contact.close",
    "contact.callback",
    "contact.note",
    "contact.abandon",
    "client.create",
    "client.update",
    "relative.put",
    "audit.append",
    "catalogue.put",
    "offer.create",
    "handover.create",
    "handover.move",
    "notification.create",
    "shift.create",
    "shift.acknowledge",
    "training.shift",
    "training.event",
)
# What a trainee's desk may add to a shift's timeline (the trainer's own events stay
# on the desk that plays the shift).
TRAINEE_EVENTS = ("fact_asked",)

# Sizes. A text limit is the same in the form, the desk and the server (the
# domain's, ohjaaja.domain.limits). A mutation is measured as compact UTF-8 JSON
# of its arguments; a desk fills a batch up to PUSH_BATCH_BYTES and never sends
# one mutation over the limit.
MUTATION_MAX_BYTES = 1024 * 1024
PUSH_BATCH_BYTES = 1024 * 1024
PUSH_BATCH_COUNT = 500
BODY_MAX_BYTES = 4 * 1024 * 1024

__all__ = [
    "ACTIONS",
    "CALLER_KINDS",
    "CHANNELS",
    "CONTACT_STATUSES",
    "LINES",
    "NAME_MAX",
    "NOTE_MAX",
    "NOTIFICATION_KINDS",
    "OUTCOMES",
    "SCENARIO_MAX",
    "SHORT_TEXT_MAX",
    "TEXT_MAX",
    "TRAINEE_EVENTS",
    "TRAINING_SPEED_MAX",
    "TRAINING_SPEED_MIN",
    "URGENCIES",
]
