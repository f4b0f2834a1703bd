"""`ohjaaja report costs`'s own options: --total EUR, --population-share PERCENT,
--population-year YEAR, --population FILE, --contacts FILE (ohjaaja/shell/report_cli.py
takes the rest: the period, --line, --format, --output).

They become the request's `extra` (total, population_share, population_year and the
files' paths, which the desk's loader reads: ohjaaja/usecases/report_costs.py). Each
is checked here, files included, before the desk's database is opened, so a typo in
line 300 of a file is told at once, by file, line and field.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ohjaaja.shell.report_cli import EXTRA_OPTIONS, OptionError, ReportOptions

DESTS = ("total", "population_share", "population_year", "population_file", "contacts_file")


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--total", dest="total", metavar="EUR",
                       help="the cost to share, in euros (284602 or '284 602,00')")  # fmt: skip
    group.add_argument(
        "--population-share", dest="population_share", metavar="PERCENT",
        help="shared by population aged 75+ (default 70); the rest by performed contacts",
    )  # fmt: skip
    group.add_argument("--population-year", dest="population_year", metavar="YEAR",
                       help="the population's year (default 2019: the desk's)")  # fmt: skip
    group.add_argument(
        "--population", dest="population_file", type=Path, metavar="FILE",
        help="CSV: code,population_75plus_YEAR[,in_agreement] (the fixture's form too)",
    )  # fmt: skip
    group.add_argument(
        "--contacts", dest="contacts_file", type=Path, metavar="FILE",
        help="CSV: municipality_code,contacts, for a period before the system",
    )  # fmt: skip


def extra(args: argparse.Namespace) -> dict[str, str]:
    """Request.extra for `report costs`; OptionError names the option (and a file's
    line and field)."""
    from ohjaaja.domain.reports.costs import (
        DEFAULT_POPULATION_SHARE,
        DESK_POPULATION_YEAR,
        CostError,
        CostOptions,
    )

    given = {
        "total": args.total or "",
        "population_share": args.population_share or str(DEFAULT_POPULATION_SHARE),
        "population_year": args.population_year or str(DESK_POPULATION_YEAR),
    }
    try:
        if not args.total:
            raise CostError("total", "report.costs.error.total_missing")
        options = CostOptions.from_extra(given)
        found = dict(given)
        for field, path in (("population", args.population_file),
                            ("contacts", args.contacts_file)):  # fmt: skip
            if path is not None and getattr(args, "report_server", None):
                # the server computes on its own store and reads no file of ours
                raise CostError(field, "report.costs.error.file_with_server")
            if path is not None:
                _check_file(field, path, options.population_year)
                found[f"{field}_file"] = str(path.resolve())
    except CostError as exc:
        raise OptionError(exc.where, exc.reason) from exc
    return found


def _check_file(field: str, path: Path, year: int) -> None:
    from ohjaaja.domain.reference import municipalities
    from ohjaaja.exchange.cost_inputs import CostInputError, read_contacts, read_population

    region = municipalities()
    try:
        if field == "population":
            read_population(path, year, {c: (m.name_fi, m.name_sv) for c, m in region.items()})
        else:
            read_contacts(path, {c: m.name_fi for c, m in region.items()})
    except CostInputError as exc:
        raise OptionError(f"--{field}", str(exc)) from exc


EXTRA_OPTIONS.append(ReportOptions("costs", add_arguments, extra, DESTS))
