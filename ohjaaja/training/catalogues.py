"""The catalogue a scenario's world names (`world.catalogue`): the demo's; a
catalogue fixture, an HSDS 3.0 JSON file or datapackage folder in
fixtures/catalogues/ named by its stem; or a file or datapackage folder by its
path, relative to the scenario file. Fixtures and files are read as `ohjaaja
catalogue import` reads one.

Every desk of a shift loads the same records under the same ids (the demo's are
derived from its keys, a fixture's or a file's are its own), so an offer made on
one desk names the same service on every other and on the store. A trainee's desk
has the shift's text but not the trainer's files: it loads a demo or fixture
catalogue itself and gets a file's from the store, where the trainer's desk put it.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

import yaml

from ohjaaja.db.engine import transaction
from ohjaaja.demo.catalogue import demo_catalogue, demo_service_keys
from ohjaaja.domain import reference
from ohjaaja.domain.catalogue import Organization, Service
from ohjaaja.exchange.hsds_files import read_catalogue
from ohjaaja.training.scenario import Scenario
from ohjaaja.usecases.catalogue import write_catalogue

DEMO = "demo"
FOLDER = reference.FIXTURES / "catalogues"


class CatalogueFixtureError(ValueError):
    """A fixture that cannot be read: the file, the record and field, and why."""


def _fixtures() -> dict[str, Path]:
    """Each fixture's name -> its JSON file or datapackage folder."""
    found = {p.stem: p for p in FOLDER.glob("*.json")}
    found.update({p.name: p for p in FOLDER.iterdir() if (p / "datapackage.json").is_file()})
    return found


def names() -> tuple[str, ...]:
    """The catalogues `world.catalogue` may name without a path: the demo's, then
    each fixture's name."""
    return (DEMO, *sorted(_fixtures()))


def resolve(name: str, folder: Path | None) -> str:
    """Where a scenario's `world.catalogue` is: DEMO, a fixture's name, or the
    absolute path of a file or datapackage folder beside the scenario (`folder`, the
    scenario file's; None: a shift's text, no files to look in). KeyError if none;
    a fixture's name wins over a file of the same name (write `./name` for that)."""
    if name in names():
        return name
    if folder is not None:
        path = (folder / name).resolve()
        if path.is_file() or path.is_dir():
            return str(path)
    raise KeyError(name)


@cache
def records(where: str) -> tuple[tuple[Organization, ...], tuple[Service, ...]]:
    """The organisations and services of a catalogue, as resolve() says where it is;
    KeyError if there is no such catalogue, CatalogueFixtureError if its file is
    broken or holds no service."""
    if where == DEMO:
        return demo_catalogue()
    path = _fixtures().get(where) or Path(where)
    if not path.is_absolute() or not path.exists():
        raise KeyError(where)
    try:
        reading = read_catalogue(path, "fi")
    except ValueError as exc:  # HsdsFileError, RecordError: both say where and why
        raise CatalogueFixtureError(f"{path}: {exc}") from exc
    if not reading.services:
        raise CatalogueFixtureError(f"{path}: no services")
    return tuple(reading.organizations.values()), tuple(reading.services.values())


def service_keys(where: str) -> dict[str, tuple[str, ...]]:
    """How a scenario names the services of its catalogue in `offer` expectations ->
    the ids each stands for: the demo's keys (demo_service_keys), a fixture's or a
    file's service ids."""
    if where == DEMO:
        return demo_service_keys()
    return {service.id: (service.id,) for service in records(where)[1]}


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


def of(scenario: Scenario) -> str | None:
    """Where a scenario's catalogue is (as resolve() says it), or None when it is a
    file this desk has not got (a shift's text naming the trainer's file)."""
    if scenario.catalogue_file:
        return scenario.catalogue_file
    return scenario.world.catalogue if scenario.world.catalogue in names() else None


def load(conn: sqlite3.Connection, where: str, now: str, by: str | None = None) -> bool:
    """The catalogue (as resolve() says where it is) into a training file that has
    none; put to the store as `by` if given, else kept on this desk. True if loaded
    now."""
    if held(conn):
        return False
    organizations, services = records(where)
    with transaction(conn):
        write_catalogue(conn, organizations, services, now, by=by)
    return True
