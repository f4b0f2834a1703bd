"""`ohjaaja report NAME [...]` and `ohjaaja report --list`: the organiser's figures
(issue 17) from the shell, as a table with charts, CSV, JSON or XLSX.

Where a report comes from is one seam, `obtain`: the desk's own database, or a
`Remote` (a callable from Request to Report, or None after saying why not) when
--server is given. The server's side (`_remote`) fetches the server's report
(ohjaaja.sync.reports.fetch_report: computed on the server's store, an organiser's
token) and reads it with exchange.reports.report_from_json.

Options of one report only (`report costs --total ...`) come in as ReportOptions,
listed in EXTRA_OPTIONS: each adds its options to the parser and turns what was given
into the request's `extra`. Given for another report, they are refused.

Every message goes through ohjaaja.i18n in the worker's language (--language, else
the one F2 last chose for the worker, else Finnish); an error names its option and
exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ohjaaja.domain.reports.model import Filters, Report, Request, Settings
from ohjaaja.domain.reports.periods import PeriodError, choose_period, helsinki_today
from ohjaaja.i18n import LANGUAGES, set_language, t

FORMATS = ("table", "csv", "json", "xlsx")
Remote = Callable[[Request], Report | None]


class OptionError(Exception):
    """A value the report cannot be asked with: the option and why (translated)."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason


@dataclass(frozen=True)
class ReportOptions:
    """Options of one report: `add` puts them on the parser (each with its dest and
    default None), `extra` turns them into Request.extra (raising OptionError)."""

    report: str
    add: Callable[[argparse._ArgumentGroup], None]
    extra: Callable[[argparse.Namespace], Mapping[str, str]]
    dests: tuple[str, ...]


EXTRA_OPTIONS: list[ReportOptions] = []


def add_report_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    mode: argparse.ArgumentParser,
) -> None:
    report = sub.add_parser(
        "report", parents=[common, mode],
        help="the organiser's figures: contacts, times, cases, costs (--list: which)",
        description="A report on this desk's database (or the server's, with --server).",
    )  # fmt: skip
    report.add_argument("name", nargs="?", help="the report (see --list)")
    report.add_argument("--list", action="store_true", help="the reports and what each gives")
    when = report.add_argument_group("period (Finnish local days)")
    when.add_argument(
        "--period",
        help="today (default), yesterday, this-week, last-week, this-month, last-month, "
        "a year (2026) or a month (2026-11)",
    )
    when.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    when.add_argument(
        "--to", dest="end", metavar="DATE", help="last day, included (default: today)"
    )
    which = report.add_argument_group("which contacts (repeat, or comma separated)")
    for option, dest in (("--line", "report_lines"), ("--channel", "report_channels"),
                         ("--municipality", "report_municipalities")):  # fmt: skip
        # dests of their own: the desk's --lines, given before `report`, is refused
        which.add_argument(option, dest=dest, action="append", default=[], metavar="CODE")
    how = report.add_argument_group("settings shown with the figures")
    how.add_argument(
        "--service-level-seconds", type=str, default=None, metavar="N",
        help=f"answered within N seconds (default {Settings().service_level_seconds})",
    )  # fmt: skip
    how.add_argument(
        "--no-abandoned-in-service-level", action="store_true",
        help="leave abandoned contacts out of the service level",
    )  # fmt: skip
    out = report.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="table")
    out.add_argument("--output", type=Path, help="a file (readable by its owner only); "
                     "XLSX needs one")  # fmt: skip
    out.add_argument(  # not the desk's --language: given before `report`, that is refused
        "--language", dest="report_language", choices=LANGUAGES, default=None,
        help="labels and messages (default: the worker's, else fi)",
    )  # fmt: skip
    region = report.add_argument_group("the region's figures from the server")
    region.add_argument("--server", dest="report_server", metavar="URL",
                        help="compute on the server's store (an organiser's token)")  # fmt: skip
    region.add_argument("--token-file", dest="report_token_file", type=Path, metavar="FILE")
    for options in EXTRA_OPTIONS:
        options.add(report.add_argument_group(f"report {options.report}"))


def run_report_command(args: argparse.Namespace, database: Path) -> int:
    _choose_language(args)
    if args.list:
        return _print_list()
    try:
        request = build_request(args, _today())
    except (OptionError, PeriodError) as exc:
        option = exc.option if isinstance(exc, OptionError) else f"--{exc.option}"
        print(f"ohjaaja report: {option}: {exc.reason}", file=sys.stderr)
        return 2
    if args.format == "xlsx" and args.output is None:
        print(f"ohjaaja report: --output: {t('report.error.xlsx_needs_output')}", file=sys.stderr)
        return 2
    try:
        remote = _remote(args)
    except OptionError as exc:
        print(f"ohjaaja report: {exc.option}: {exc.reason}", file=sys.stderr)
        return 2
    from ohjaaja.domain.reports.costs import CostError

    try:
        report = obtain(request, database, args.training, remote)
    except CostError as exc:  # what the figures cannot be computed from (report costs)
        print(f"ohjaaja report: {exc.where}: {exc.reason}", file=sys.stderr)
        return 2
    if report is None:
        return 2
    return write(report, args.format, args.output)


def _choose_language(args: argparse.Namespace) -> None:
    from ohjaaja.shell.settings import default_worker, preferences_path, remembered_language

    language = args.report_language or remembered_language(preferences_path(), default_worker())
    set_language(language or "fi")


def _today() -> date:
    from ohjaaja.domain.clock import SystemClock

    return helsinki_today(SystemClock().now())


def _reports() -> Mapping[str, object]:
    """The registry, with every family of reports imported (each registers its own)."""
    import ohjaaja.domain.reports.all  # noqa: F401
    from ohjaaja.domain.reports.registry import REPORTS

    return REPORTS


def _print_list() -> int:
    """Each report's name and what it gives, wrapped at 80 columns."""
    import textwrap

    from ohjaaja.exchange.charts import text_or

    names = sorted(_reports())
    width = max((len(name) for name in names), default=0)
    for name in names:
        about = text_or(f"report.about.{name}", "")
        lines = textwrap.wrap(about, 78 - width) or [""]
        print(f"{name:<{width}}  {lines[0]}".rstrip())
        for line in lines[1:]:
            print(" " * (width + 2) + line)
    return 0


def _known(option: str, given: list[str], valid: Mapping[str, str]) -> tuple[str, ...]:
    """Codes given (repeated or comma separated), each checked against `valid` (code ->
    name); an unknown one is an OptionError listing the valid ones."""
    codes = tuple(
        dict.fromkeys(code.strip() for text in given for code in text.split(",") if code.strip())
    )
    unknown = [code for code in codes if code not in valid]
    if unknown:
        listed = ", ".join(f"{code} ({name})" if name else code for code, name in valid.items())
        raise OptionError(option, t("report.error.unknown", value=", ".join(unknown), valid=listed))
    return codes


def _valid_codes() -> dict[str, dict[str, str]]:
    from ohjaaja.domain.queue import CHANNELS, LINES
    from ohjaaja.domain.reference import municipalities

    places = municipalities()
    return {
        "--line": {code: t(f"line.{code}") for code in LINES},
        "--channel": {code: t(f"channel.{code}") for code in CHANNELS},
        "--municipality": {code: m.name_fi for code, m in sorted(places.items())},
    }


def build_request(args: argparse.Namespace, today: date) -> Request:
    """The Request the options ask for; OptionError or PeriodError names the option."""
    REPORTS = _reports()

    if not args.name:
        raise OptionError("NAME", t("report.error.no_name", valid=", ".join(sorted(REPORTS))))
    if args.name not in REPORTS:
        raise OptionError(
            "NAME",
            t("report.error.unknown", value=args.name, valid=", ".join(sorted(REPORTS))),
        )
    period = choose_period(args.period, args.start, args.end, today)
    valid = _valid_codes()
    filters = Filters(
        lines=_known("--line", args.report_lines, valid["--line"]),
        channels=_known("--channel", args.report_channels, valid["--channel"]),
        municipalities=_known(
            "--municipality", args.report_municipalities, valid["--municipality"]
        ),
    )
    settings = Settings(abandoned_in_service_level=not args.no_abandoned_in_service_level)
    if args.service_level_seconds is not None:
        text = args.service_level_seconds.strip()
        if not text.isdigit() or not 1 <= int(text) <= 3600:
            raise OptionError(
                "--service-level-seconds",
                t("report.error.seconds", value=args.service_level_seconds),
            )
        settings = Settings(
            service_level_seconds=int(text),
            abandoned_in_service_level=settings.abandoned_in_service_level,
        )
    extra: dict[str, str] = {}
    for options in EXTRA_OPTIONS:
        given = [dest for dest in options.dests if getattr(args, dest, None) not in (None, False)]
        if options.report == args.name:
            extra.update(options.extra(args))
        elif given:
            flag = "--" + given[0].replace("_", "-")
            raise OptionError(flag, t("report.error.other_report", report=options.report))
    return Request(args.name, period, filters, settings, extra)


def obtain(
    request: Request, database: Path, training: bool, remote: Remote | None
) -> Report | None:
    """The report from the server (remote) or from this desk's database; None after
    saying on standard error why not (no database, a file that will not open)."""
    if remote is not None:
        return remote(request)
    from ohjaaja.shell.opening import existing, open_desk
    from ohjaaja.shell.settings import default_worker

    if not existing(database):
        return None
    desk = open_desk(database, default_worker(), training=training)
    if desk is None:
        return None
    try:
        return desk.reports.run(request)
    finally:
        desk.close()


def _remote(args: argparse.Namespace) -> Remote | None:
    """The server's report for --server URL --token-file FILE; None for the desk's own."""
    if args.report_server is None and args.report_token_file is None:
        return None
    if args.report_server is None:
        raise OptionError("--token-file", t("report.error.token_without_server"))
    if args.report_token_file is None:
        raise OptionError("--server", t("report.error.server_needs_token"))
    from ohjaaja.shell.settings import TokenError, read_token_file

    try:
        token = read_token_file(args.report_token_file)
    except TokenError as exc:
        raise OptionError("--token-file", str(exc)) from None
    url = str(args.report_server)

    def fetch(request: Request) -> Report | None:
        import httpx

        from ohjaaja.exchange.reports import ReportFormatError, report_from_json
        from ohjaaja.sync.reports import RemoteReportError, fetch_report

        try:
            return report_from_json(fetch_report(url, token, request))
        except RemoteReportError as exc:
            why = t("report.error.server_refused", status=exc.status, reason=exc.reason)
        except httpx.HTTPError as exc:
            why = t(
                "report.error.server_unreachable", url=url, reason=str(exc) or type(exc).__name__
            )
        except (ReportFormatError, ValueError) as exc:
            why = t("report.error.server_answer", reason=str(exc))
        print(f"ohjaaja report: --server: {why}", file=sys.stderr)
        return None

    return fetch


def write(report: Report, form: str, output: Path | None) -> int:
    from ohjaaja.exchange import reports as exports

    if form == "xlsx":
        assert output is not None
        from ohjaaja.db.files import write_file

        write_file(output, exports.report_xlsx(report))
    else:
        text = {
            "table": exports.report_table,
            "csv": exports.report_csv,
            "json": exports.report_json,
        }[form](report)
        if output is None:
            sys.stdout.write(text)
            return 0
        from ohjaaja.exchange.exports import write_private

        write_private(output, text)
    print(t("report.written", file=str(output)), file=sys.stderr)
    return 0
