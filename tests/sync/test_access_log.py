"""`ohjaaja server access-log CLIENT_ID`: the region-wide record of one client, as
CSV and as FHIR AuditEvents (IHE BALP), each reading of it recorded too. On
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import stat
import subprocess
import sys
from pathlib import Path

from ohjaaja.domain.clock import FixedClock
from ohjaaja.sync.scope import Reach
from tests.sync.conftest import Server, Site
from tests.sync.test_scope import TURKU, region


def access_log(server: Server, client_id: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ohjaaja.shell.cli", "server", "access-log", client_id,
         *server.store_args, *extra],
        capture_output=True, text=True,
    )  # fmt: skip


def test_the_access_log_holds_looks_changes_disclosures_and_its_own_readings(
    server: Server, tmp_path: Path, clock: FixedClock
) -> None:
    regional, aino, kalle, *_ = region(server, tmp_path, clock)
    local = Site(server, tmp_path, "turku", clock, reach=Reach(frozenset({TURKU})))
    local.sync.sync_once()
    reason = '=HYPERLINK("http://x","y")'  # typed by a careless or hostile reader
    first = access_log(server, aino, "--by", "@Auditor", "--reason", reason)
    assert first.returncode == 0, first.stderr
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    events = {row["event"] for row in rows}
    assert {"look", "change", "disclosure", "access_log"} <= events
    assert {row["desk"] for row in rows if row["event"] == "disclosure"} == {"regional", "turku"}
    reading = next(row for row in rows if row["event"] == "access_log")
    assert reading["workers"] == "'@Auditor" and reading["reason"] == "'" + reason  # inert
    for row in rows:
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row.values() if cell)

    output = tmp_path / "out" / "aino.json"
    second = access_log(server, aino, "--by", "Auditor", "--reason", "tietopyyntö",
                        "--format", "fhir", "--output", str(output))  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    bundle = json.loads(output.read_text())
    assert bundle["resourceType"] == "Bundle"
    events = [entry["resource"] for entry in bundle["entry"]]
    assert {e["resourceType"] for e in events} == {"AuditEvent"}
    profiles = {e["meta"]["profile"][0].rsplit(".", 1)[-1] for e in events}
    assert {"PatientRead", "PatientCreate", "Source"} <= profiles  # PrivacyDisclosure.Source
    readings = [e for e in events if e.get("purposeOfEvent") == [{"text": reason}]]
    assert len(readings) == 1  # the first reading is on record in the second
    assert all(e["entity"][0]["what"] == {"reference": f"Patient/{aino}"} for e in events)
    disclosed = [e for e in events if e["type"]["code"] == "110106"]
    assert {a["who"].get("identifier", {}).get("value") for e in disclosed for a in e["agent"]} \
        >= {"turku"}  # fmt: skip

    kalles = access_log(server, kalle, "--by", "Auditor", "--reason", "x")
    assert "turku" not in kalles.stdout  # never sent there, so never disclosed there
    unknown = access_log(server, "no-such-client", "--by", "Auditor", "--reason", "x")
    assert unknown.returncode == 1 and "no client no-such-client" in unknown.stderr
    regional.close()
    local.close()
