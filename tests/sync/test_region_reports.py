"""The region's figures from the server (issue 17, item 2): an organiser's report is
computed on the server's store, SQLite or PostgreSQL, and gives exactly the numbers a
desk holding the same rows gives; only organiser and admin tokens get it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ohjaaja.domain.clock import FixedClock
from ohjaaja.domain.reports.all import ORDER
from ohjaaja.domain.reports.model import Filters, Period, Report, Request, Settings
from ohjaaja.exchange.reports import report_document, report_from_json
from ohjaaja.sync.reports import fetch_report
from ohjaaja.usecases.contacts import ContactForm
from ohjaaja.usecases.handovers import HandoverForm
from ohjaaja.usecases.reports import run_report
from tests.sync.conftest import AT, Server, Site

NOVEMBER = Period(datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
WORK = [  # (day, local hour, channel, line, municipality, seconds to answer, outcome)
    (2, 9, "phone", "ikaihmiset", "853", 12, "resolved"),
    (2, 9, "phone", "ikaihmiset", "202", 45, "assessment"),
    (3, 11, "chat", "lapsiperheet", "853", 200, "resolved"),
    (9, 14, "email", "tyoikaiset", "529", 3600, "no_action"),
    (16, 10, "phone", "mipa", "853", 5, "handover"),
    (16, 20, "phone", "lapsiperheet", "202", 30, "resolved"),  # after hours: the emergency
    (23, 8, "callback", "ikaihmiset", "853", 90, "resolved"),
]


def organiser(server: Server) -> str:
    admin = server.admin()
    secret = admin.create_token("organiser-1", "organiser", AT)
    admin.close()
    return secret


def work(site: Site, clock: FixedClock, rows: list[tuple]) -> None:
    """Contacts received, taken after a while and closed, each at its own time."""
    for day, hour, channel, line, municipality, wait, outcome in rows:
        clock.set(datetime(2026, 11, day, hour - 2, 0, tzinfo=UTC))  # Helsinki is UTC+2
        contact_id = site.desk.contacts.receive(channel, line, municipality)
        clock.advance(seconds=wait)
        assert site.desk.contacts.take(contact_id) is not None
        clock.advance(seconds=300 + wait)
        form = ContactForm("client", None, [], outcome)
        assert site.desk.contacts.close_contact(contact_id, "hoidettu", form) == []
    site.desk.contacts.receive("phone", "ikaihmiset", "853")  # still waiting


def same(report: Report) -> dict:
    """What both must agree on: everything but where and when it was computed."""
    document = report_document(report)
    del document["source"], document["generated_at"]
    for section in document["sections"]:  # the server reads at its own time
        section["notes"] = [n for n in section["notes"] if not n.startswith("as_of=")]
    return document


@pytest.mark.parametrize(
    "request_",
    [
        Request("overview", NOVEMBER),
        Request("answers", NOVEMBER, Filters(lines=("ikaihmiset", "lapsiperheet"))),
        Request("volumes", NOVEMBER, Filters(municipalities=("853",), channels=("phone",))),
        Request("handling", Period(NOVEMBER.start, NOVEMBER.start + timedelta(days=7)),
                settings=Settings(service_level_seconds=20, frequent_contacts=1)),
        Request("costs", NOVEMBER, extra={"total": "120000.50", "population_share": "70"}),
    ],
    ids=["overview", "answers-by-line", "volumes-of-turku-phone", "handling-a-week", "costs"],
)  # fmt: skip
def test_the_server_gives_the_numbers_of_a_desk_holding_the_same_rows(
    server: Server, tmp_path: Path, request_: Request
) -> None:
    clock = FixedClock(datetime(2026, 11, 1, 8, tzinfo=UTC))
    a, b = Site(server, tmp_path, "a", clock), Site(server, tmp_path, "b", clock)
    work(a, clock, WORK[:4])
    work(b, clock, WORK[4:])
    fresh = Site(server, tmp_path, "fresh", clock)  # holds only what it pulled
    for site in (a, b, a, b, fresh):
        site.sync.sync_once()
    from_server = report_from_json(fetch_report(server.url, organiser(server), request_))
    clock.set(datetime(2026, 12, 1, 8, tzinfo=UTC))  # November has passed, as for the server
    holding = [run_report(site.desk.ctx, request_) for site in (a, b, fresh)]
    assert from_server.source == server.url
    assert max(row.n for section in from_server.sections for row in section.rows) > 1
    # The desks that made contacts hold their own events too; with no release or
    # callback among them, every desk and the server agree.
    for desk_report in holding:
        assert same(desk_report) == same(from_server)
    for site in (a, b, fresh):
        site.close()


def returns(site: Site, clock: FixedClock) -> None:
    """Contacts whose answer the row alone does not tell (their events do): released
    and taken again, called back (one call missed), over midnight, routed after hours,
    abandoned; with an unmet need and a handover."""
    contacts, handovers = site.desk.contacts, site.desk.handovers
    clock.set(datetime(2026, 11, 4, 7, 0, tzinfo=UTC))  # 9:00 in Helsinki
    released = contacts.receive("phone", "ikaihmiset", "853")
    clock.advance(seconds=15)
    assert contacts.take(released) is not None
    clock.advance(seconds=60)
    contacts.release(released)  # reopened: back in the queue
    clock.advance(seconds=200)
    assert contacts.take(released) is not None
    clock.advance(seconds=400)
    assert contacts.close_contact(released, "", ContactForm("client", None, [], "resolved")) == []
    clock.set(datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    called = contacts.receive("callback", "tyoikaiset", "202")
    clock.advance(seconds=30)
    assert contacts.take(called) is not None
    clock.advance(seconds=60)
    handovers.schedule_callback(called, datetime(2026, 11, 5, 11, tzinfo=UTC), missed=True)
    clock.set(datetime(2026, 11, 5, 11, 5, tzinfo=UTC))
    assert contacts.take(called) is not None
    clock.advance(seconds=300)
    site.desk.catalogue.record_unmet_need(called, "Kuljetus iltaisin kauppaan", "fi")
    made, errors = handovers.create_handover(
        HandoverForm(contact_id=called, to_team="assessment:853", note="Arvio")
    )
    assert errors == [] and made is not None
    assert contacts.close_contact(called, "", ContactForm("client", None, [], "handover")) == []
    clock.set(datetime(2026, 11, 6, 21, 58, tzinfo=UTC))  # 23:58 in Helsinki: after hours
    midnight = contacts.receive("phone", "lapsiperheet", "529")
    clock.advance(seconds=420)  # answered on the 7th
    assert contacts.take(midnight) is not None
    clock.advance(seconds=600)
    assert contacts.close_contact(midnight, "", ContactForm("client", None, [], "resolved")) == []
    clock.set(datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
    gone = contacts.receive("phone", "mipa", "853")
    clock.advance(seconds=95)
    assert contacts.abandon(gone)


@pytest.mark.parametrize("name", ORDER)
def test_the_server_gives_a_desks_numbers_for_released_called_back_and_abandoned_contacts(
    server: Server, tmp_path: Path, name: str
) -> None:
    """The events that tell a contact's answer (taken, released, a callback scheduled
    and missed, abandoned) reach the store, so the region's figures are a desk's."""
    clock = FixedClock(datetime(2026, 11, 1, 8, tzinfo=UTC))
    a = Site(server, tmp_path, "a", clock, roles=("guidance", "admin"))
    work(a, clock, WORK)
    returns(a, clock)
    fresh = Site(server, tmp_path, "fresh", clock)
    for site in (a, fresh, a):
        site.sync.sync_once()
    assert a.desk.pending_changes() == 0
    extra = {"total": "120000.50"} if name == "costs" else {}
    request = Request(name, NOVEMBER, settings=Settings(frequent_contacts=1), extra=extra)
    from_server = report_from_json(fetch_report(server.url, organiser(server), request))
    clock.set(datetime(2026, 12, 1, 8, tzinfo=UTC))
    for site in (a, fresh):
        assert same(run_report(site.desk.ctx, request)) == same(from_server), site.worker
    a.close()
    fresh.close()


def test_only_an_organiser_or_admin_reads_reports_and_an_organiser_pulls_nothing(
    server: Server,
) -> None:
    secret = organiser(server)
    query = {"from": "2026-11-01", "to": "2026-11-30"}
    for role in ("desk", "worker", "integration"):
        token = server.token(role, f"{role}-1", ("anna",) if role == "desk" else ())
        answer = server.client(token).get("/v1/reports/overview", params=query)
        assert answer.status_code == 403, role
        assert "organiser or admin" in answer.json()["detail"]
    for token in (secret, server.token("admin", "admin-1")):
        assert server.client(token).get("/v1/reports/overview", params=query).status_code == 200
    http = server.client(secret)
    assert http.get("/v1/changes").status_code == 403  # no client rows
    assert http.get("/v1/events").status_code == 403
    assert server.client(None).get("/v1/reports/overview", params=query).status_code == 401


@pytest.mark.parametrize(
    ("path", "query", "status", "says"),
    [
        ("nonsense", {"from": "2026-11-01", "to": "2026-11-30"}, 404, "unknown name 'nonsense'"),
        ("overview", {"from": "2026-11-31", "to": "2026-12-01"}, 422, "from: '2026-11-31'"),
        ("overview", {"to": "2026-12-01"}, 422, "from: required"),
        ("overview", {"from": "2026-11-02", "to": "2026-11-01"}, 422, "ends (2026-11-01)"),
        ("overview", {"from": "2024-01-01", "to": "2026-01-31"}, 422, "at most 732 days"),
        ("overview", {"from": "2026-11-01", "to": "2026-11-30", "lines": "mipa"}, 422,
         "lines: unknown parameter"),
        ("overview", {"from": "2026-11-01", "to": "2026-11-30", "line": "kaikki"}, 422,
         "line: 'kaikki' is not one of"),
        ("overview", {"from": "2026-11-01", "to": "2026-11-30", "municipality": "999"}, 422,
         "municipality: '999'"),
        ("overview", {"from": "2026-11-01", "to": "2026-11-30", "may_see_clients": "true"}, 422,
         "may_see_clients: unknown parameter"),
        ("overview", {"from": "2026-11-01", "to": "2026-11-30", "service_level_seconds": "x"},
         422, "service_level_seconds: 'x' is not a whole number"),
        ("costs", {"from": "2026-11-01", "to": "2026-11-30", "option": "contacts_file=/etc/passwd"},
         422, "contacts_file: a file is read at the desk"),
    ],
)  # fmt: skip
def test_a_bad_request_is_refused_with_its_reason(
    server: Server, path: str, query: dict, status: int, says: str
) -> None:
    answer = server.client(organiser(server)).get(f"/v1/reports/{path}", params=query)
    assert answer.status_code == status
    assert says in answer.json()["detail"]


def test_the_organiser_never_sees_who_calls_often(server: Server, tmp_path: Path) -> None:
    """may_see_clients is the server's to decide: false for every token, whatever asked."""
    answer = server.client(organiser(server)).get(
        "/v1/reports/overview", params={"from": "2026-11-01", "to": "2026-11-30"}
    )
    assert answer.json()["request"]["settings"]["may_see_clients"] is False


def test_a_training_store_has_no_reports(training_server: Server) -> None:
    admin = training_server.admin()
    secret = admin.create_token("organiser-1", "organiser", AT)
    admin.close()
    answer = training_server.client(secret).get(
        "/v1/reports/overview", params={"from": "2026-11-01", "to": "2026-11-30"}
    )
    assert answer.status_code == 409
    assert "training store has no reports" in answer.json()["detail"]


def test_the_report_command_shows_the_servers_figures(server: Server, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 1, 8, tzinfo=UTC))
    a = Site(server, tmp_path, "a", clock)
    work(a, clock, WORK)
    a.sync.sync_once()
    token_file = tmp_path / "organiser.token"
    token_file.write_text(organiser(server))
    token_file.chmod(0o600)
    command = [sys.executable, "-m", "ohjaaja.shell.cli", "report", "volumes", "--period",
               "2026-11", "--format", "csv", "--language", "en"]  # fmt: skip
    remote = subprocess.run(
        [*command, "--server", server.url, "--token-file", str(token_file)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    local = subprocess.run(
        [*command, "--database", str(a.path)], capture_output=True, text=True, check=True
    ).stdout
    assert remote == local and "contacts" in remote
    refused = subprocess.run(
        [*command, "--server", server.url, "--token-file", str(token_file), "--line", "mipa"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 0  # a filter is fine
    desk_file = tmp_path / "desk.token"
    desk_file.write_text(a.token)
    desk_file.chmod(0o600)
    denied = subprocess.run(
        [*command, "--server", server.url, "--token-file", str(desk_file)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert denied.returncode == 2
    assert "the server refused (403)" in denied.stderr
    a.close()


def test_an_organiser_of_some_municipalities_gets_only_their_figures(
    server: Server, tmp_path: Path
) -> None:
    """A municipality's organiser (a token with a reach) gets the figures of its own
    municipalities and lines: a filter of none is narrowed to them, a filter outside
    them is refused (403, naming it)."""
    clock = FixedClock(datetime(2026, 11, 1, 8, tzinfo=UTC))
    site = Site(server, tmp_path, "a", clock)
    work(site, clock, WORK)
    site.sync.sync_once()
    admin = server.admin()
    turku = admin.create_token("organiser-turku", "organiser", AT, munis="853")
    admin.close()
    mine = report_from_json(fetch_report(server.url, turku, Request("volumes", NOVEMBER)))
    theirs = Request("volumes", NOVEMBER, Filters(municipalities=("853",)))
    regional = report_from_json(fetch_report(server.url, organiser(server), theirs))
    assert same(mine) == same(regional)
    query = {"from": "2026-11-01", "to": "2026-11-30", "municipality": "202"}
    answer = server.client(turku).get("/v1/reports/volumes", params=query)
    assert answer.status_code == 403
    assert "202" in answer.json()["detail"]
    site.close()
