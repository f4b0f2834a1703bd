"""The catalogue a scenario's world names (`world.catalogue`): the demo's, or a
catalogue fixture, an HSDS 3.0 file in fixtures/catalogues/ named by its stem,
read as `ohjaaja catalogue import` reads one.

Every desk of a shift loads the same records under the same ids (the demo's are
derived from its keys, a fixture's are the file's own), so an offer made on one
desk names the same service on every other and on the store.
"""

from __future__ import annotations

import sqlite3
from functools import cache

import yaml

from ohjaaja.db.engine import transaction
from ohjaaja.demo.catalogue import demo_catalogue, demo_service_keys
from ohjaaja.domain import reference
from ohjaaja.domain.catalogue import Organization, Service
from ohjaaja.exchange.hsds_files import read_catalogue
from ohjaaja.usecases.catalogue import write_catalogue

DEMO = "demo"
FOLDER = reference.FIXTURES / "catalogues"


class CatalogueFixtureError(ValueError):
    """A fixture that cannot be read: the file, the record and field, and why."""


def names() -> tuple[str, ...]:
    """What `world.catalogue` may say: the demo's, then each fixture's name."""
    return (DEMO, *sorted(p.stem for p in FOLDER.glob("*.json")))


@cache
def records(name: str) -> tuple[tuple[Organization, ...], tuple[Service, ...]]:
    """The organisations and services of a catalogue by name; KeyError if there is no
    such catalogue, CatalogueFixtureError if its file is broken."""
    if name == DEMO:
        return demo_catalogue()
    if name not in names():
        raise KeyError(name)
    path = FOLDER / f"{name}.json"
    try:
        reading = read_catalogue(path, "fi")
    except ValueError as exc:  # HsdsFileError, RecordError: both say where and why
        raise CatalogueFixtureError(f"{path}: {exc}") from exc
    return tuple(reading.organizations.values()), tuple(reading.services.values())


def service_keys(name: str) -> dict[str, tuple[str, ...]]:
    """How a scenario names the services of its catalogue in `offer` expectations ->
    the ids each stands for: the demo's keys (demo_service_keys), a fixture's
    service ids."""
    if name == DEMO:
        return demo_service_keys()
    return {service.id: (service.id,) for service in records(name)[1]}


def held(conn: sqlite3.Connection) -> bool:
    """Whether the file has a catalogue already (loaded here, or pulled from the store)."""
    return conn.execute("SELECT 1 FROM service LIMIT 1").fetchone() is not None


def named_in(source: str) -> str:
    """The catalogue a shift's scenario text names (`world.catalogue`; JSON is YAML),
    read without checking the rest: a trainee's desk has the shift's text (the
    store's training_shift row) but no scenario file. The demo's when it names none
    or the text cannot be read (the trainer's desk checked it when the shift began)."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError:
        return DEMO
    world = data.get("world") if isinstance(data, dict) else None
    name = world.get("catalogue") if isinstance(world, dict) else None
    return name if isinstance(name, str) else DEMO


def load(conn: sqlite3.Connection, name: str, now: str, by: str | None = None) -> bool:
    """The named catalogue into a training file that has none; put to the store as
    `by` if given, else kept on this desk. True if loaded now."""
    if held(conn):
        return False
    organizations, services = records(name)
    with transaction(conn):
        write_catalogue(conn, organizations, services, now, by=by)
    return True
