"""`ohjaaja catalogue import PATH` and `ohjaaja catalogue export DIR` (HSDS 3.0), and
`ohjaaja catalogue import-ptv PATH` (the national Service Catalogue, PTV)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ohjaaja.exchange.hsds import Reading, RecordError, organization_object, service_object
from ohjaaja.exchange.hsds_files import HsdsFileError, read_catalogue, write_json, write_package
from ohjaaja.exchange.ptv import PtvReading, keep_channels
from ohjaaja.exchange.ptv_files import read_ptv
from ohjaaja.shell.opening import existing, open_desk
from ohjaaja.shell.settings import default_worker
from ohjaaja.usecases.desk import Desk


def run_catalogue(args: argparse.Namespace, database: Path) -> int:
    reading: Reading | PtvReading | None = None
    if args.catalogue_command in ("import", "import-ptv"):
        try:  # read and check before the database is opened: a bad file changes nothing
            if args.catalogue_command == "import-ptv":
                reading = read_ptv(args.path)
            else:
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
        if isinstance(reading, PtvReading):
            return import_ptv(desk, reading)
        if reading is not None:
            return import_reading(desk, reading)
        return export(desk, args.directory, args.format)
    finally:
        desk.close()


def import_reading(desk: Desk, reading: Reading) -> int:
    report, errors = desk.catalogue.save_catalogue(
        list(reading.organizations.values()), list(reading.services.values())
    )
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


def import_ptv(desk: Desk, reading: PtvReading) -> int:
    """Write what was read, remove what PTV deleted or archived; a record the
    desk refuses is named with its file and place in it, and nothing is written."""
    for sid in sorted(reading.unjoined):
        stored = desk.catalogue.service(sid)
        if stored is not None:
            reading.services[sid] = keep_channels(reading.services[sid], stored[0])
    report, errors = desk.catalogue.save_catalogue(
        list(reading.organizations.values()),
        list(reading.services.values()),
        sorted(reading.removed),
    )
    for error in errors:
        record = error.where.rpartition(" ")[2]
        print(f"{reading.where.get(record, error.where)}: {error.line()}", file=sys.stderr)
    if report is None:
        print(f"{len(errors)} error(s); nothing was imported", file=sys.stderr)
        return 1
    if reading.ignored:
        listed = ", ".join(f"{name} ×{n}" for name, n in reading.ignored.most_common())
        print(f"left out (not modelled): {listed}", file=sys.stderr)
    personal = ", ".join(f"{kind} ×{n}" for kind, n in sorted(reading.personal.items()))
    print(
        f"organizations {report.organizations} changed; services: new {report.created}, "
        f"updated {report.updated}, unchanged {report.unchanged}, removed {report.removed}; "
        f"a named person's contact details not imported: {sum(reading.personal.values())}"
        + (f" ({personal})" if personal else "")
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
