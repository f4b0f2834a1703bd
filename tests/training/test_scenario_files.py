"""Scenario files (ohjaaja/training/files.py): every field's error in YAML and in JSON,
named by line and field; the bundled scenarios; `ohjaaja train check` and `list`."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ohjaaja.demo.catalogue import demo_service_keys
from ohjaaja.domain.clock import HELSINKI
from ohjaaja.shell.cli import main
from ohjaaja.training.files import (
    ScenarioError,
    arrival_line,
    bundled_names,
    bundled_scenario,
    duration,
    find_scenario,
    load_scenario,
    parse_scenario,
    schema,
    seeded_clients,
)

BASE: dict[str, Any] = {
    "title": "Testivuoro",
    "language": "fi",
    "start": "2026-03-12T08:00",
    "weekday": "thu",
    "duration": "2h",
    "speed": 2,
    "seed": 3,
    "goals": ["Tunnista asiakas"],
    "world": {"clients": 20, "catalogue": "demo"},
    "targets": {
        "answer_seconds": 9,
        "service_level": 0.8,
        "service_level_seconds": 60,
        "abandonment": 0.05,
        "first_contact": 0.89,
        "assessment": 0.11,
    },
    "streams": [
        {
            "name": "linja",
            "base_per_hour": 5,
            "per_hour": {"8": 10},
            "channels": {"phone": 1},
            "lines": {"ikaihmiset": 1},
            "municipalities": {"853": 1},
            "languages": {"fi": 1},
            "patience": {"mean": "3min", "call_again": 0.3, "again_after": "10min"},
        }
    ],
    "scripts": [
        {
            "id": "aino",
            "at": "5min",
            "channel": "phone",
            "line": "ikaihmiset",
            "municipality": "853",
            "language": "fi",
            "patience": "2min",
            "caller": {
                "kind": "relative",
                "name": "Leena",
                "phone": "+358401234567",
                "person": {
                    "first_names": "Aino",
                    "last_name": "Virtanen",
                    "birth_date": "1937-03-14",
                    "hetu": "140337-246X",
                    "municipality": "853",
                    "language": "fi",
                    "phone": "+358401234568",
                },
            },
            "opening": "Hei",
            "facts": [{"topic": "Yksin?", "answer": "Kyllä"}],
            "reactions": ["Huolestunut"],
            "expect": [
                {"kind": "answer", "within": "1min"},
                {"kind": "identify", "points": 2},
                {"kind": "reasons", "reasons": ["muisti"]},
                {"kind": "offer", "services": ["muistineuvola"]},
                {"kind": "offer", "client_group": "ikaihmiset", "service_channel": "home"},
                {
                    "kind": "notification",
                    "notification": "elderly_services",
                    "required": ["subject", "observed", "concern"],
                    "critical": True,
                },
                {"kind": "handover", "team": "assessment", "urgency": "same_day"},
                {"kind": "outcome", "outcome": "assessment"},
            ],
        }
    ],
}
DELETE = object()
S = ("scripts", 0)
E = (*S, "expect")
P = (*S, "caller", "person")

# (where, the value put there or DELETE, the field named, the message key)
CASES: list[tuple[tuple[Any, ...], Any, str, str]] = [
    (("title",), DELETE, "title", "training.file.required"),
    (("title",), "", "title", "training.file.empty"),
    (("title",), 5, "title", "training.file.type_quote"),
    (("language",), "de", "language", "training.file.choice"),
    (("start",), "30.4.2026 8:00", "start", "training.file.form"),
    (("start",), "2026-02-30T08:00", "start", "training.file.date"),
    (("start",), DELETE, "start", "training.file.required"),
    (("start",), "2026-03-29T03:30", "start", "training.file.no_such_time"),
    (("weekday",), "fri", "weekday", "training.file.weekday"),
    (("weekday",), "friday", "weekday", "training.file.choice"),
    (("duration",), "2 hours", "duration", "training.file.form"),
    (("speed",), 100, "speed", "training.file.speed"),
    (("speed",), 0.5, "speed", "training.file.speed"),
    (("speed",), "fast", "speed", "training.file.type"),
    (("seed",), -1, "seed", "training.file.minimum"),
    (("goals",), "one", "goals", "training.file.type"),
    (("goals", 0), "", "goals[0]", "training.file.empty"),
    (("surprise",), 1, "surprise", "training.file.unknown_field"),
    (("world", "clients"), -1, "world.clients", "training.file.minimum"),
    (("world", "catalogue"), "other", "world.catalogue", "training.file.no_catalogue"),
    (("world", "size"), 1, "world.size", "training.file.unknown_field"),
    (("targets", "service_level"), 1.5, "targets.service_level", "training.file.maximum"),
    (("targets", "answer_seconds"), 0, "targets.answer_seconds", "training.file.minimum"),
    (("streams", 0, "name"), DELETE, "streams[0].name", "training.file.required"),
    (("streams", 0, "base_per_hour"), -1, "streams[0].base_per_hour", "training.file.minimum"),
    (("streams", 0, "per_hour"), {"25": 1}, "streams[0].per_hour.25", "training.file.hour_keys"),
    (("streams", 0, "per_hour", "8"), -2, "streams[0].per_hour.8", "training.file.minimum"),
    (("streams", 0, "channels"), {"fax": 1}, "streams[0].channels.fax",
     "training.file.unknown_code"),
    (("streams", 0, "channels", "phone"), 0, "streams[0].channels", "training.file.no_weight"),
    (("streams", 0, "lines"), {"x": 1}, "streams[0].lines.x", "training.file.unknown_code"),
    (("streams", 0, "municipalities"), {"999": 1}, "streams[0].municipalities.999",
     "training.file.unknown_code"),
    (("streams", 0, "languages"), {"de": 1}, "streams[0].languages.de",
     "training.file.unknown_code"),
    (("streams", 0, "patience", "mean"), "3", "streams[0].patience.mean", "training.file.form"),
    (("streams", 0, "patience", "call_again"), 2, "streams[0].patience.call_again",
     "training.file.maximum"),
    (("streams", 0, "patience", "again_after"), "later", "streams[0].patience.again_after",
     "training.file.form"),
    ((*S, "id"), "Aino B", "scripts[0].id", "training.file.form"),
    ((*S, "at"), "3h", "scripts[0].at", "training.file.after_end"),
    ((*S, "at"), DELETE, "scripts[0].at", "training.file.required"),
    ((*S, "channel"), "fax", "scripts[0].channel", "training.file.unknown_code"),
    ((*S, "line"), "x", "scripts[0].line", "training.file.unknown_code"),
    ((*S, "municipality"), "999", "scripts[0].municipality", "training.file.unknown_code"),
    ((*S, "municipality"), 853, "scripts[0].municipality", "training.file.type_quote"),
    ((*S, "language"), "de", "scripts[0].language", "training.file.choice"),
    ((*S, "patience"), "soon", "scripts[0].patience", "training.file.form"),
    ((*S, "opening"), DELETE, "scripts[0].opening", "training.file.required"),
    ((*S, "facts", 0, "answer"), DELETE, "scripts[0].facts[0].answer", "training.file.required"),
    ((*S, "reactions", 0), "", "scripts[0].reactions[0]", "training.file.empty"),
    ((*S, "caller"), DELETE, "scripts[0].caller", "training.file.required"),
    ((*S, "caller", "kind"), "stranger", "scripts[0].caller.kind", "training.file.choice"),
    ((*S, "caller", "client_hetu"), "010101-123N", "scripts[0].caller.client_hetu",
     "training.file.no_person"),
    ((*S, "caller", "client_hetu"), "010101-123A", "scripts[0].caller.client_hetu",
     "error.hetu.check"),
    ((*P, "hetu"), "140337-246Y", "scripts[0].caller.person.hetu", "error.hetu.check"),
    ((*P, "hetu"), "14037-246X", "scripts[0].caller.person.hetu", "error.hetu.length"),
    ((*P, "birth_date"), "1937-03-15", "scripts[0].caller.person.birth_date",
     "training.file.birth_mismatch"),
    ((*P, "birth_date"), "1937-02-30", "scripts[0].caller.person.birth_date", "training.file.date"),
    ((*P, "municipality"), "999", "scripts[0].caller.person.municipality",
     "training.file.unknown_code"),
    ((*P, "last_name"), DELETE, "scripts[0].caller.person.last_name", "training.file.required"),
    ((*P, "language"), "de", "scripts[0].caller.person.language", "training.file.choice"),
    ((*P, "phone"), "12", "scripts[0].caller.person.phone", "error.phone.invalid"),
    ((*S, "caller", "phone"), "soita", "scripts[0].caller.phone", "error.phone.parse"),
    ((*E, 0, "kind"), "guess", "scripts[0].expect[0].kind", "training.file.choice"),
    ((*E, 0, "points"), -1, "scripts[0].expect[0].points", "training.file.minimum"),
    ((*E, 0, "critical"), "yes", "scripts[0].expect[0].critical", "training.file.type"),
    ((*E, 0, "within"), "1 min", "scripts[0].expect[0].within", "training.file.form"),
    ((*E, 0, "outcome"), "resolved", "scripts[0].expect[0].outcome", "training.file.not_for_kind"),
    ((*S, "caller", "person"), DELETE, "scripts[0].expect[1]", "training.file.no_client"),
    ((*E, 2, "reasons"), DELETE, "scripts[0].expect[2].reasons", "training.file.required"),
    ((*E, 2, "reasons"), [], "scripts[0].expect[2].reasons", "training.file.empty"),
    ((*E, 2, "reasons"), ["kriisi"], "scripts[0].expect[2].reasons[0]",
     "training.file.unknown_code"),
    ((*E, 3, "services"), ["nope"], "scripts[0].expect[3].services[0]",
     "training.file.unknown_code"),
    ((*E, 3, "services"), DELETE, "scripts[0].expect[3]", "training.file.offer_needs"),
    ((*E, 4, "client_group"), "x", "scripts[0].expect[4].client_group",
     "training.file.unknown_code"),
    ((*E, 4, "service_channel"), "fax", "scripts[0].expect[4].service_channel",
     "training.file.unknown_code"),
    ((*E, 5, "notification"), "x", "scripts[0].expect[5].notification",
     "training.file.unknown_code"),
    ((*E, 5, "notification"), DELETE, "scripts[0].expect[5].notification",
     "training.file.required"),
    ((*E, 5, "required"), ["guardians"], "scripts[0].expect[5].required[0]",
     "training.file.unknown_code"),
    ((*E, 6, "team"), "police", "scripts[0].expect[6].team", "training.file.unknown_code"),
    ((*E, 6, "team"), DELETE, "scripts[0].expect[6].team", "training.file.required"),
    ((*E, 6, "urgency"), "asap", "scripts[0].expect[6].urgency", "training.file.unknown_code"),
    ((*E, 7, "outcome"), "done", "scripts[0].expect[7].outcome", "training.file.unknown_code"),
    ((*E, 7, "outcome"), DELETE, "scripts[0].expect[7].outcome", "training.file.required"),
]  # fmt: skip


def mutated(where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node = data
    for step in where[:-1]:
        node = node[step]
    if value is DELETE:
        del node[where[-1]]
    else:
        node[where[-1]] = value
    return data


def dump(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=1, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def problems(text: str, fmt: str) -> list[Any]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, fmt, "test", "test." + fmt)
    return caught.value.problems


def test_the_base_is_valid_in_both_formats() -> None:
    for fmt in ("yaml", "json"):
        scenario = parse_scenario(dump(BASE, fmt), fmt, "base")
        assert scenario.name == "base" and scenario.speed == 2
        assert scenario.start.isoformat() == "2026-03-12T08:00:00+02:00"
        assert scenario.duration == timedelta(hours=2)
        script = scenario.scripts[0]
        assert script.caller.person is not None and script.caller.person.hetu == "140337-246X"
        assert script.patience == timedelta(minutes=2)
        assert scenario.streams[0].per_hour == {8: 10.0}
        assert scenario.streams[0].patience.again_after == timedelta(minutes=10)
        offer = script.expect[3]
        assert offer.services == demo_service_keys()["muistineuvola"]
        assert script.expect[5].critical and script.expect[5].notification == "elderly_services"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize(("where", "value", "field", "key"), CASES,
                         ids=[f"{c[2]}-{c[3].rsplit('.', 1)[1]}" for c in CASES])  # fmt: skip
def test_each_fields_error_names_its_line_and_field(
    fmt: str, where: tuple[Any, ...], value: Any, field: str, key: str
) -> None:
    data = mutated(where, value)
    text = dump(data, fmt)
    found = problems(text, fmt)
    assert [(p.field, p.key) for p in found] == [(field, key)], [p.text() for p in found]
    problem = found[0]
    assert problem.file == f"test.{fmt}" and problem.line is not None
    line = text.splitlines()[problem.line - 1]
    named = str(where[-1])
    if value is not DELETE and field.endswith(named):
        assert named in line, (line, problem.text())  # the line of the field itself
    text_en = problem.text("en")
    assert text_en.startswith(f"test.{fmt}:{problem.line}: {field}: ")
    assert problem.reason("fi") != problem.reason("en")


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    data = mutated(("weekday",), "mon")
    data["scripts"][0]["line"] = "x"
    data["scripts"][0]["expect"][6]["team"] = "police"
    found = problems(dump(data, "yaml"), "yaml")
    assert [p.field for p in found] == ["weekday", "scripts[0].line", "scripts[0].expect[6].team"]
    assert [p.line for p in found] == sorted(p.line for p in found)


YAML_TEXT = """\
title: Rivit
language: fi
start: "2026-03-12T08:00"
duration: 1h
scripts:
  - id: a
    at: 5min
    channel: phone
    line: ikaihmiset
    caller: {kind: anonymous}
    opening: Hei
    expect:
      - kind: outcome
        outcome: maybe
"""


def test_yaml_and_json_lines_are_the_files_own() -> None:
    (problem,) = problems(YAML_TEXT, "yaml")
    assert (problem.line, problem.field) == (14, "scripts[0].expect[0].outcome")
    data = yaml.safe_load(YAML_TEXT)
    text = json.dumps(data, indent=2)
    (problem,) = problems(text, "json")
    outcome_line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"maybe"' in ln)
    assert problem.line == outcome_line > 14


def test_syntax_errors_name_their_line() -> None:
    (problem,) = problems("title: a\nlanguage: [fi\nstart: x\n", "yaml")
    assert problem.key == "training.file.syntax" and problem.line == 3
    (problem,) = problems('{\n "title": "a",\n "language": fi\n}', "json")
    assert problem.key == "training.file.syntax" and problem.line == 3
    assert problem.text().startswith("test.json:3: not valid JSON")


def test_a_field_given_twice_in_yaml_is_refused() -> None:
    found = problems(YAML_TEXT.replace("duration: 1h\n", "duration: 1h\nduration: 2h\n"), "yaml")
    assert [(p.field, p.key, p.line) for p in found] == [("duration", "training.file.twice", 5)]


def test_yaml_hours_may_be_numbers_but_codes_must_be_quoted() -> None:
    text = dump(BASE, "yaml").replace("'8': 10", "8: 10")
    assert "8: 10" in text
    assert parse_scenario(text, "yaml", "x").streams[0].per_hour == {8: 10.0}


def test_script_ids_are_unique() -> None:
    data = copy.deepcopy(BASE)
    data["scripts"].append(copy.deepcopy(data["scripts"][0]))
    found = problems(dump(data, "yaml"), "yaml")
    assert [(p.field, p.key) for p in found] == [("scripts[1].id", "training.file.duplicate_id")]


def test_a_client_of_the_seeded_register_may_be_named_by_code() -> None:
    data = copy.deepcopy(BASE)
    person = data["scripts"][0]["caller"].pop("person")
    scenario = parse_scenario(dump(BASE, "yaml"), "yaml", "x")
    hetu = seeded_clients(scenario)[5].hetu
    data["scripts"][0]["caller"]["client_hetu"] = hetu
    assert parse_scenario(dump(data, "json"), "json", "x").scripts[0].caller.client_hetu == hetu
    # ... or an inline person of another script
    data["scripts"].append(copy.deepcopy(data["scripts"][0]) | {"id": "b"})
    data["scripts"][1]["caller"]["person"] = person
    data["scripts"][0]["caller"]["client_hetu"] = person["hetu"]
    parse_scenario(dump(data, "yaml"), "yaml", "x")


def test_a_too_long_file_is_refused_before_reading() -> None:
    (problem,) = problems("#" * 300_000, "yaml")
    assert problem.key == "training.file.too_long"


def test_durations() -> None:
    assert duration("8h") == timedelta(hours=8)
    assert duration("90min") == timedelta(minutes=90)
    assert duration("1h30min") == timedelta(minutes=90)
    assert duration("45s") == timedelta(seconds=45)
    assert duration("1.5h") == timedelta(minutes=90)
    with pytest.raises(ValueError):
        duration("h")


def test_the_schema_is_draft_2020_12_and_names_every_model_field() -> None:
    from dataclasses import fields

    from ohjaaja.training import scenario as model

    loaded = schema()
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(loaded)  # the schema itself is valid
    defs = loaded["$defs"]
    pairs = [
        (model.Scenario, loaded), (model.World, loaded["properties"]["world"]),
        (model.Targets, loaded["properties"]["targets"]), (model.Stream, defs["stream"]),
        (model.ScriptedContact, defs["script"]), (model.Caller, defs["caller"]),
        (model.Person, defs["person"]), (model.Fact, defs["fact"]), (model.Expect, defs["expect"]),
        (model.Patience, defs["stream"]["properties"]["patience"]),
    ]  # fmt: skip
    for cls, node in pairs:
        # `name` is the file's stem and `catalogue_file` the file world.catalogue
        # names: neither is a field of the file
        own = {"name", "catalogue_file"}
        assert {f.name for f in fields(cls)} - own <= set(node["properties"]), cls
        if cls is model.Stream:
            assert "name" in node["properties"]


# -- the bundled scenarios -----------------------------------------------------------


def test_every_bundled_scenario_parses() -> None:
    names = bundled_names()
    assert len(names) >= 4
    for name in names:
        scenario = bundled_scenario(name)
        assert scenario.name == name and scenario.goals and scenario.streams
        assert scenario.scripts
        for script in scenario.scripts:
            assert script.opening and script.expect, (name, script.id)
        assert any(s.facts for s in scenario.scripts)
        assert any(s.reactions for s in scenario.scripts)
        assert all(e.points > 0 for s in scenario.scripts for e in s.expect)
        assert any(e.critical for s in scenario.scripts for e in s.expect), name


def _notifications(name: str) -> set[str]:
    return {
        e.notification for s in bundled_scenario(name).scripts for e in s.expect if e.notification
    }


def test_the_morning_on_the_older_peoples_line_has_relatives_calling() -> None:
    scenario = bundled_scenario("aamu-ikaihmiset")
    assert scenario.start.astimezone(HELSINKI).hour == 8
    assert {s.line for s in scenario.scripts} == {"ikaihmiset"}
    assert sum(s.caller.kind == "relative" for s in scenario.scripts) >= 2
    # The pilot's figures are the targets.
    assert (scenario.targets.answer_seconds, scenario.targets.first_contact) == (9, 0.89)


def test_the_night_of_the_emergency_has_both_notifications() -> None:
    scenario = bundled_scenario("yo-sosiaalipaivystys")
    assert scenario.start.astimezone(HELSINKI).hour >= 20
    assert {"child_welfare", "elderly_services"} <= _notifications(scenario.name)
    critical = {e.notification for s in scenario.scripts for e in s.expect if e.critical}
    assert {"child_welfare", "elderly_services"} <= critical


def test_the_holiday_eve_routes_to_the_emergency_after_early_closing() -> None:
    from ohjaaja.domain.hours import is_holiday, is_holiday_eve

    scenario = bundled_scenario("vappuaatto")
    day = scenario.start.astimezone(HELSINKI).date()
    assert is_holiday_eve(day) and is_holiday(day + timedelta(days=1))
    landed = {s.id: (s.line, arrival_line(scenario, s)) for s in scenario.scripts}
    assert ("ikaihmiset", "ikaihmiset") in landed.values()  # before 13:00
    assert ("ikaihmiset", "sosiaalipaivystys") in landed.values()  # after
    assert ("lapsiperheet", "sosiaalipaivystys") in landed.values()


def test_the_swedish_caller_and_the_frequent_contacter() -> None:
    scenario = bundled_scenario("ruotsi-ja-toistuva")
    assert any(s.language == "sv" for s in scenario.scripts)
    swedish = demo_service_keys()["aldre_sv"]
    assert any(e.services == swedish for s in scenario.scripts for e in s.expect)

    def client(s: Any) -> str | None:
        return s.caller.client_hetu or (s.caller.person.hetu if s.caller.person else None)

    codes = [client(s) for s in scenario.scripts]
    frequent = max(set(codes), key=codes.count)
    assert frequent and codes.count(frequent) >= 3
    assert "social_care_need" in _notifications(scenario.name)


def test_bundled_files_are_found_by_name_and_by_path(tmp_path: Path) -> None:
    scenario, text, fmt = find_scenario("vappuaatto")
    assert fmt == "yaml" and "title: Vappuaatto" in text  # the file's own text
    copy_path = tmp_path / "oma.json"
    copy_path.write_text(json.dumps(yaml.safe_load(text)), encoding="utf-8")
    again, _, fmt = load_scenario(copy_path)
    assert fmt == "json" and again.name == "oma"
    assert again.scripts == scenario.scripts and again.start == scenario.start
    with pytest.raises(ScenarioError) as caught:
        find_scenario("no-such-scenario")
    assert "vappuaatto" in caught.value.problems[0].text()
    with pytest.raises(ScenarioError):
        find_scenario(str(tmp_path / "missing.yaml"))
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ScenarioError):
        find_scenario(str(tmp_path / "notes.txt"))


# -- the command line ---------------------------------------------------------------


def test_train_list_names_every_bundled_scenario(capsys) -> None:
    assert main(["train", "list"]) == 0
    out = capsys.readouterr().out
    for name in bundled_names():
        assert name in out
    assert "to 30.04.2026 11:00" in out


def test_train_check_prints_the_summary(capsys) -> None:
    assert main(["train", "check", "yo-sosiaalipaivystys", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "starts Fri 13.03.2026 22:00 +8h00, speed 4x, seed 13" in out
    assert "4 scripted contacts" in out and "lapsi-yksin" in out


def test_train_check_names_file_line_and_field(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(YAML_TEXT, encoding="utf-8")
    assert main(["train", "check", str(bad), "--language", "en"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:14: scripts[0].expect[0].outcome: unknown outcome: maybe")
    assert err[-1] == "1 problem; the scenario cannot be used"
    assert main(["--language", "sv", "train", "check", str(bad)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "1 problem; scenariot kan inte användas"
    assert main(["train", "check", str(bad)]) == 1
    assert "tuntematon lopputulos: maybe" in capsys.readouterr().err


def test_a_scenario_start_is_finnish_local_time_in_summer_too() -> None:
    scenario = bundled_scenario("vappuaatto")
    assert scenario.start.utcoffset() == timedelta(hours=3)
    assert scenario.start.date() == date(2026, 4, 30)


# -- careless and hostile files --------------------------------------------------------

BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "fmt", "key"),
    [
        (BOMB, "yaml", "training.file.too_big"),  # a billion laughs
        ("a: &a [*a]\n", "yaml", "training.file.too_big"),  # an alias inside itself
        ("[" * 5000 + "]" * 5000, "json", "training.file.too_big"),
        ("[" * 5000 + "]" * 5000, "yaml", "training.file.too_big"),
        ('{"title": "t", "speed": NaN}', "json", "training.file.syntax"),
        ('{"title": "t", "speed": Infinity}', "json", "training.file.syntax"),
        ("title: t\nspeed: .nan\n", "yaml", "training.file.not_finite"),
        ("title: !!python/object/apply:os.system [x]\n", "yaml", "training.file.tag"),
        ("title: t\n---\ntitle: u\n", "yaml", "training.file.syntax"),
        ("", "yaml", "training.file.type"),
        ("[]", "json", "training.file.type"),
    ],
    ids=["bomb", "recursive", "deep-json", "deep-yaml", "nan", "infinity", "yaml-nan", "tag",
         "two-documents", "empty", "a-list"],
)  # fmt: skip
def test_hostile_files_are_refused_with_a_reason(text: str, fmt: str, key: str) -> None:
    found = problems(text, fmt)
    assert key in {p.key for p in found}
    assert len(found) == len(set(found))  # each once


@pytest.mark.parametrize("length", ["25h", "0h", "99999h"])
def test_a_shift_lasts_up_to_a_day(length: str) -> None:
    data = mutated(("duration",), length)
    del data["scripts"]
    found = problems(dump(data, "yaml"), "yaml")
    assert [p.field for p in found] == ["duration"]


# The night's catalogue fixture: its services by their HSDS ids.
NIGHT_CATALOGUE = "yo-paivystys"
LAHISUHDE = "2f19eb2b-947c-5e23-86b7-82cd215be95e"


def on_night_catalogue(services: list[str]) -> dict[str, Any]:
    data = mutated(("world", "catalogue"), NIGHT_CATALOGUE)
    data["scripts"][0]["expect"][3]["services"] = services
    return data


def test_a_named_catalogue_fixture_is_a_world_and_its_services_are_named_by_id() -> None:
    from ohjaaja.training import catalogues

    assert NIGHT_CATALOGUE in catalogues.names()
    scenario = parse_scenario(dump(on_night_catalogue([LAHISUHDE]), "yaml"), "yaml", "night")
    assert scenario.world.catalogue == NIGHT_CATALOGUE
    assert scenario.scripts[0].expect[3].services == (LAHISUHDE,)
    _organizations, services = catalogues.records(NIGHT_CATALOGUE)
    assert len(services) == 8 and LAHISUHDE in {s.id for s in services}
    assert not {s.id for s in services} & {s.id for s in catalogues.records("demo")[1]}


def test_a_demo_key_is_not_a_service_of_a_named_catalogue() -> None:
    text = dump(on_night_catalogue(["muistineuvola"]), "yaml")
    (problem,) = problems(text, "yaml")
    assert (problem.field, problem.key) == ("scripts[0].expect[3].services[0]",
                                            "training.file.unknown_code")  # fmt: skip
    assert "muistineuvola" in problem.text() and LAHISUHDE in problem.text()  # the choices


def test_an_unknown_catalogue_names_the_ones_there_are() -> None:
    text = dump(mutated(("world", "catalogue"), "koko-maa"), "yaml")
    (problem,) = problems(text, "yaml")
    assert problem.field == "world.catalogue" and problem.line is not None
    assert "koko-maa" in text.splitlines()[problem.line - 1]
    assert problem.text("en").endswith(
        "no catalogue koko-maa: neither a fixture (demo, yo-paivystys) nor a file or "
        "datapackage folder at that path from the scenario's folder"
    ), problem.text("en")
    assert "palvelutarjotinta koko-maa ei ole" in problem.text("fi")
    assert "ingen katalog koko-maa" in problem.text("sv")


def _night_services(count: int) -> dict[str, Any]:
    """A page of the night fixture's first services: a catalogue of the trainer's own."""
    from ohjaaja.training import catalogues

    document = json.loads((catalogues.FOLDER / f"{NIGHT_CATALOGUE}.json").read_text("utf-8"))
    first = [s for s in document["contents"] if s["id"] == LAHISUHDE]
    return {"contents": first + [s for s in document["contents"] if s["id"] != LAHISUHDE][
        : count - 1]}  # fmt: skip


def _scenario_beside(tmp_path: Path, catalogue: str, services: list[str]) -> Path:
    data = mutated(("world", "catalogue"), catalogue)
    data["scripts"][0]["expect"][3]["services"] = services
    (tmp_path / "vuorot").mkdir(exist_ok=True)
    path = tmp_path / "vuorot" / "oma.yaml"
    path.write_text(dump(data, "yaml"), encoding="utf-8")
    return path


def test_a_catalogue_file_is_named_by_its_path_from_the_scenarios_folder(tmp_path: Path) -> None:
    from ohjaaja.training import catalogues

    (tmp_path / "tarjottimet").mkdir()
    own = tmp_path / "tarjottimet" / "yo.json"
    own.write_text(json.dumps(_night_services(3)), encoding="utf-8")
    path = _scenario_beside(tmp_path, "../tarjottimet/yo.json", [LAHISUHDE])
    scenario, _text, _fmt = load_scenario(path)
    assert scenario.catalogue_file == catalogues.of(scenario) == str(own.resolve())
    assert scenario.scripts[0].expect[3].services == (LAHISUHDE,)
    assert len(catalogues.records(scenario.catalogue_file)[1]) == 3
    # A service the file does not hold is named with the ones it does.
    path = _scenario_beside(tmp_path, "../tarjottimet/yo.json", ["muistineuvola"])
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert problem.field == "scripts[0].expect[3].services[0]" and LAHISUHDE in problem.text()
    assert problem.text().startswith(f"{path}:")


def test_a_datapackage_folder_is_a_catalogue_beside_the_scenario_or_as_a_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ohjaaja.exchange.hsds_files import write_package
    from ohjaaja.training import catalogues

    night = _night_services(2)["contents"]
    write_package(tmp_path / "vuorot" / "paketti", night, [s["organization"] for s in night])
    scenario, _text, _fmt = load_scenario(_scenario_beside(tmp_path, "paketti", [LAHISUHDE]))
    held = {s.id for s in catalogues.records(scenario.catalogue_file)[1]}
    assert held == {s["id"] for s in night} and LAHISUHDE in held
    # The same folder among the fixtures is named by its name alone.
    monkeypatch.setattr(catalogues, "FOLDER", tmp_path / "vuorot")
    assert catalogues.names() == ("demo", "paketti")
    assert catalogues.resolve("paketti", None) == "paketti"
    assert {s.id for s in catalogues.records("paketti")[1]} == held


def test_a_missing_or_empty_catalogue_file_is_said_with_the_scenarios_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "vuorot").mkdir()
    (tmp_path / "vuorot" / "tyhja.json").write_text('{"contents": []}', encoding="utf-8")
    for name, key, said in (
        ("puuttuu.json", "training.file.no_catalogue", "no catalogue puuttuu.json"),
        ("tyhja.json", "training.file.catalogue_broken", "tyhja.json: no services"),
    ):
        path = _scenario_beside(tmp_path, name, [LAHISUHDE])
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        (problem,) = caught.value.problems
        assert (problem.field, problem.key) == ("world.catalogue", key)
        assert problem.line is not None and name in path.read_text().splitlines()[problem.line - 1]
        assert said in problem.text(), problem.text()


def test_a_shifts_text_naming_the_trainers_file_is_read_without_it(tmp_path: Path) -> None:
    """A trainee's desk re-reads the shift's text (the caller card, the debrief) but
    has no trainer's files: the services are taken as the trainer's desk checked them."""
    text = dump(on_night_catalogue([LAHISUHDE]) | {"world": {"clients": 20,
                "catalogue": "../tarjottimet/yo.json"}}, "yaml")  # fmt: skip
    with pytest.raises(ScenarioError):
        parse_scenario(text, "yaml", "oma", folder=tmp_path)
    from ohjaaja.training import catalogues

    scenario = parse_scenario(text, "yaml", "oma", shift_text=True)
    assert scenario.catalogue_file == "" and catalogues.of(scenario) is None
    assert scenario.scripts[0].expect[3].services == (LAHISUHDE,)


def test_a_broken_catalogue_fixture_names_its_file_record_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ohjaaja.training import catalogues

    source = catalogues.FOLDER / f"{NIGHT_CATALOGUE}.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    del document["contents"][1]["name"]
    document["contents"][1]["attributes"] = []
    (tmp_path / "rikki.json").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(catalogues, "FOLDER", tmp_path)
    catalogues.records.cache_clear()
    try:
        (problem,) = problems(dump(mutated(("world", "catalogue"), "rikki"), "json"), "json")
    finally:
        catalogues.records.cache_clear()
    assert (problem.field, problem.key) == ("world.catalogue", "training.file.catalogue_broken")
    assert f"{tmp_path / 'rikki.json'}: rikki.json: record 2: name: required" in problem.text()


def test_a_weekday_that_is_not_the_starts_names_both_in_words() -> None:
    (problem,) = problems(dump(mutated(("weekday",), "fri"), "yaml"), "yaml")
    assert problem.reason("en") == (
        "12.03.2026 is a Thursday, not a Friday: correct start or weekday"
    )
    assert problem.reason("fi").startswith("12.03.2026 on torstai, ei perjantai")
    assert problem.reason("sv").startswith("12.03.2026 är en torsdag, inte en fredag")
