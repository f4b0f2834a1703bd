"""Every municipality of the region with its Finnish and Swedish name, as the desk
shows them. The Finnish names and the Swedish ones Statistics Finland gives are the
reference data (fixtures/varsinais-suomi-municipalities.csv, copied unchanged from the
project's shared data); where its Swedish column repeats the Finnish name although a
Swedish name is in use, fixtures/municipality-names-sv.csv gives it, with its source.
A municipality is shown in Finnish in Swedish only when it has no Swedish name."""

from __future__ import annotations

import csv

from ohjaaja.domain.reference import FIXTURES, municipalities, municipality_names

# code: (Finnish, Swedish); checked name by name against the reference data.
REGION = {
    "019": ("Aura", "Aura"),
    "202": ("Kaarina", "S:t Karins"),
    "322": ("Kemiönsaari", "Kimitoön"),
    "284": ("Koski Tl", "Koski Åbo l"),
    "304": ("Kustavi", "Gustavs"),
    "400": ("Laitila", "Letala"),
    "423": ("Lieto", "Lundo"),
    "430": ("Loimaa", "Loimaa"),
    "480": ("Marttila", "S:t Mårtens"),
    "481": ("Masku", "Masku"),
    "503": ("Mynämäki", "Virmo"),
    "529": ("Naantali", "Nådendal"),
    "538": ("Nousiainen", "Nousis"),
    "561": ("Oripää", "Oripää"),
    "577": ("Paimio", "Pemar"),
    "445": ("Parainen", "Pargas"),
    "631": ("Pyhäranta", "Pyhäranta"),
    "636": ("Pöytyä", "Pöytis"),
    "680": ("Raisio", "Reso"),
    "704": ("Rusko", "Rusko"),
    "734": ("Salo", "Salo"),
    "738": ("Sauvo", "Sagu"),
    "761": ("Somero", "Somero"),
    "833": ("Taivassalo", "Tövsala"),
    "853": ("Turku", "Åbo"),
    "895": ("Uusikaupunki", "Nystad"),
    "918": ("Vehmaa", "Vemo"),
}


def test_every_municipality_of_the_region_has_its_finnish_and_swedish_name() -> None:
    shown = {code: (m.name("fi"), m.name("sv")) for code, m in municipalities().items()}
    assert shown == REGION


def test_a_swedish_name_repeating_the_finnish_one_is_only_where_there_is_none() -> None:
    same = sorted(fi for fi, sv in REGION.values() if fi == sv)
    assert same == ["Aura", "Loimaa", "Masku", "Oripää", "Pyhäranta", "Rusko", "Salo", "Somero"]
    assert {code for code, m in municipalities().items() if not m.own_swedish_name} == {
        code for code, (fi, sv) in REGION.items() if fi == sv
    }


def test_the_swedish_names_added_are_where_the_reference_repeats_the_finnish_one() -> None:
    """The overlay never overrides a Swedish name the reference data gives, and says
    where each name comes from."""
    with (FIXTURES / "varsinais-suomi-municipalities.csv").open(encoding="utf-8") as handle:
        reference = {row["code"]: row for row in csv.DictReader(handle)}
    with (FIXTURES / "municipality-names-sv.csv").open(encoding="utf-8") as handle:
        added = list(csv.DictReader(handle))
    assert added, "no Swedish names added"
    for row in added:
        assert reference[row["code"]]["name_sv"] == reference[row["code"]]["name_fi"], row
        assert row["source"].startswith("http"), row


def test_a_municipality_is_found_by_either_name() -> None:
    names = municipality_names()
    assert names["virmo"] == names["mynamaki"] == "503"
    assert names["s:t martens"] == "480"
