"""`ohjaaja catalogue import PATH` and `ohjaaja catalogue export DIR` (HSDS 3.0)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ohjaaja.exchange.hsds import Reading, RecordError, organization_object, service_object
from ohjaaja.exchange.hsds_files import HsdsFileError, read_catalogue, write_json, write_package
from ohjaaja.shell.opening import existing, open_desk
from ohjaaja.shell.settings import default_worker
from ohjaaja.sync.rows import Invalid
from ohjaaja.usecases.desk import Desk


def run_catalogue(args: argparse.Namespace, database: Path) -> int:
    reading = None
    if args.catalogue_command == "import":
        try:  # read and check before the database is opened: a bad file changes nothing
            reading = read_catalogue(args.path, args.text_language)
        except HsdsFileError as exc:
            print(f"ohjaaja: {exc}; nothing was imported", file=sys.stderr)
            return 2
        except RecordError as exc:
            print(f"{exc}", file=sys.stderr)
            print("nothing was imported", file=sys.stderr)
            return 1
    elif not existing(database):  # an export reads; an import may make the file
        return 2
    desk = open_desk(database, args.worker or default_worker(), ("admin",), args.training)
    if desk is None:
        return 2
    try:
        if reading is not None:
            return import_reading(desk, reading)
        return export(desk, args.directory, args.format)
    finally:
        desk.close()


def import_reading(desk: Desk, reading: Reading) -> int:
    try:
        report, errors = desk.catalogue.save_catalogue(
            list(reading.organizations.values()), list(reading.services.values())
        )
    except Invalid as exc:  # a value the desk cannot store (too long): the write is undone
        print(f"{exc}\nnothing was imported", file=sys.stderr)
        return 1
    for error in errors:
        print(error, file=sys.stderr)
    if report is None:
        print(f"{len(errors)} error(s); nothing was imported", file=sys.stderr)
        return 1
    if reading.ignored:
        total = sum(reading.ignored.values())
        listed = ", ".join(f"{name} ×{n}" for name, n in reading.ignored.most_common())
        print(f"ignored {total} field(s) ohjaaja does not model: {listed}", file=sys.stderr)
    print(
        f"organizations {report.organizations} changed; services: new {report.created}, "
        f"updated {report.updated}, unchanged {report.unchanged}"
    )
    return 0


def export(desk: Desk, directory: Path, form: str) -> int:
    organizations = {o.id: o for o in desk.catalogue.organizations()}
    services = [
        service_object(service, organizations[service.organization_id])
        for service in desk.catalogue.all_services()
    ]
    orgs = [organization_object(o) for o in organizations.values()]
    writer = write_package if form == "csv" else write_json
    for path in writer(directory, services, orgs):
        print(path)
    print(f"exported {len(services)} services, {len(orgs)} organizations")
    return 0
