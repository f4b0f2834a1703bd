"""Catalogue edits, imports and offers reach the other desks, tombstones too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ohjaaja.demo.catalogue import demo_catalogue
from ohjaaja.domain.clock import FixedClock
from tests.sync.conftest import Server, Site


def test_catalogue_changes_and_offers_sync(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    admin = Site(server, tmp_path, "admin", clock, roles=("guidance", "admin"))
    worker = Site(server, tmp_path, "worker", clock)
    organizations, services = demo_catalogue()
    chosen = [s for s in services if s.name["fi"].startswith("Kotihoito")][:3]
    used = {s.organization_id for s in chosen}
    report, errors = admin.desk.catalogue.save_catalogue(
        [o for o in organizations if o.id in used], chosen
    )
    assert errors == [] and report is not None and report.created == 3
    assert admin.sync.sync_once().rejected == 0
    worker.sync.sync_once()
    # The other desk searches them (its full-text index filled by its own triggers).
    found = worker.desk.catalogue.search_services("kotihoito")
    assert sorted(hit.id for hit in found) == sorted(s.id for s in chosen)

    # An edit that drops the service's hours arrives with the hours as tombstones.
    edited = replace(chosen[0], name={"fi": "Kotihoito ja kotisairaanhoito"}, schedules=())
    assert admin.desk.catalogue.save_service(edited) == []
    admin.sync.sync_once()
    worker.sync.sync_once()
    service, _ = worker.desk.catalogue.service(chosen[0].id)  # type: ignore[misc]
    assert service.name == {"fi": "Kotihoito ja kotisairaanhoito"}
    assert service.schedules == () and not service.hours.known
    assert [h.name for h in worker.desk.catalogue.search_services("kotisairaan")] == [
        "Kotihoito ja kotisairaanhoito"
    ]

    # The worker offers one and records an unmet need; the admin's desk sees both.
    contact = worker.desk.contacts.log_contact("phone", "ikaihmiset", "853")
    worker.desk.catalogue.offer_service(contact, chosen[1].id, "fi")
    worker.desk.catalogue.record_unmet_need(contact, "Saattaja lääkäriin", "fi")
    assert worker.sync.sync_once().rejected == 0
    admin.sync.sync_once()
    assert [(o.service_id, o.unmet_need) for o in admin.desk.catalogue.offers(contact)] == [
        (chosen[1].id, False),
        (None, True),
    ]
    # A desk without the admin role cannot change the catalogue at all.
    assert [e.field for e in worker.desk.catalogue.save_service(chosen[2])] == ["role"]
    admin.close()
    worker.close()


def test_a_ptv_import_and_its_removals_sync(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    """What PTV gives (exceptional hours, areas elsewhere, stamps) travels to the other
    desks, and a service PTV deleted goes from them too."""
    from ohjaaja.exchange.ptv_files import read_ptv

    fetch = Path(__file__).resolve().parents[1] / "ptv" / "fetch"
    admin = Site(server, tmp_path, "admin", clock, roles=("guidance", "admin"))
    worker = Site(server, tmp_path, "worker", clock)
    reading = read_ptv(fetch)
    report, errors = admin.desk.catalogue.save_catalogue(
        list(reading.organizations.values()), list(reading.services.values())
    )
    assert errors == [] and report is not None and report.created == 4
    assert admin.sync.sync_once().rejected == 0
    worker.sync.sync_once()
    advice = next(iter(reading.services.values()))
    arrived, _ = worker.desk.catalogue.service(advice.id)  # type: ignore[misc]
    assert arrived == advice
    report, errors = admin.desk.catalogue.save_catalogue([], [], [advice.id])
    assert errors == [] and report is not None and report.removed == 1
    assert admin.sync.sync_once().rejected == 0
    worker.sync.sync_once()
    assert worker.desk.catalogue.service(advice.id) is None
    assert advice.id not in {h.id for h in worker.desk.catalogue.search_services("neuvonta")}
    admin.close()
    worker.close()
