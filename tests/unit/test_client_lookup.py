"""Client search at the desk: every way of writing a query, ranking, paging."""

from __future__ import annotations

from datetime import date

import pytest

from ohjaaja.domain.identity import make_identity_code
from ohjaaja.domain.reference import municipality_names
from ohjaaja.domain.search import lookups
from ohjaaja.usecases.desk import Desk
from tests.conftest import AINO


def make(desk: Desk, **fields: str) -> str:
    saved = desk.clients.create_client({**AINO, **fields}, allow_duplicate=True)
    assert saved.client_id, saved.errors
    return saved.client_id


@pytest.fixture
def aino(desk: Desk) -> str:
    return make(desk)


@pytest.mark.parametrize(
    "written", ["040 548 5906", "0405485906", "+358 40 548 5906", "040-548 5906", "+358405485906"]
)
def test_a_phone_number_written_any_way(desk: Desk, aino: str, written: str) -> None:
    (match,) = desk.clients.find_clients(written)
    assert (match.id, match.via) == (aino, "client")


def test_part_of_a_number_finds_as_one_types(desk: Desk, aino: str) -> None:
    assert [m.id for m in desk.clients.find_clients("040 548")] == [aino]
    assert desk.clients.find_clients("040 549") == []
    for typed in ("040", "0405", "04054", "040 54", "+358 40 5"):  # Aino's is 040 548 5906
        assert [m.id for m in desk.clients.find_clients(typed)] == [aino], typed
    assert desk.clients.find_clients("0401") == []


def test_a_relatives_number_finds_the_relative_and_whom_they_are_related_to(
    desk: Desk, aino: str
) -> None:
    assert desk.clients.save_relative(aino, "Mäkinen Pekka", "child", "050 123 4567") == []
    (match,) = desk.clients.find_clients("050 123 4567")
    assert (match.id, match.via, match.relative_name, match.relation) == (
        aino,
        "relative",
        "Mäkinen Pekka",
        "child",
    )


def test_identity_code_whole_or_its_birth_date_part(desk: Desk, aino: str) -> None:
    other = make(desk, last_name="Koski", hetu=make_identity_code(date(1952, 10, 13), 2))
    assert [m.id for m in desk.clients.find_clients("131052-308t")] == [aino]
    assert {m.id for m in desk.clients.find_clients("131052")} == {aino, other}
    assert [m.id for m in desk.clients.find_clients("13.10.1952")] == sorted(
        [aino, other], key=lambda i: desk.clients.client(i, "test").name
    )


def test_ambiguous_digits_are_both_an_identity_code_and_a_phone(desk: Desk, aino: str) -> None:
    found = [item.kind for item in lookups("040548", municipality_names())]
    assert found == ["hetu", "phone_prefix"]
    assert [m.via for m in desk.clients.find_clients("040548")] == ["client"]


def test_names_either_order_prefixes_folded_exact_first(desk: Desk) -> None:
    exact = make(desk)
    longer = make(desk, last_name="Mäkinenkö", first_names="Åsa", hetu="010150-123A")
    hyphen = make(
        desk,
        last_name="Mäkinen-Virta",
        first_names="Aino",
        hetu=make_identity_code(date(1960, 1, 1), 123),
    )
    assert [m.id for m in desk.clients.find_clients("Makinen")] == [exact, hyphen, longer]
    assert [m.id for m in desk.clients.find_clients("MAKINEN asa")] == [longer]
    assert [m.id for m in desk.clients.find_clients("asa makinen")] == [longer]
    assert [m.id for m in desk.clients.find_clients("aino mäkinen")] == [exact, hyphen]
    assert [m.id for m in desk.clients.find_clients("mäki mar")] == [exact]  # a later first name
    assert desk.clients.find_clients("Aino") == []  # one word is a last name
    assert desk.clients.find_clients("mäkinen 100%") == []  # wildcards are letters here


def test_a_municipality_by_name_or_as_a_filter(desk: Desk) -> None:
    turku = make(desk, last_name="Salo", hetu="010150-123A", municipality_code="853")
    in_salo = make(
        desk,
        last_name="Aalto",
        hetu=make_identity_code(date(1960, 1, 1), 123),
        municipality_code="734",
    )
    # "Salo" is a surname first, then the town.
    assert [m.id for m in desk.clients.find_clients("Salo")] == [turku, in_salo]
    assert [m.via for m in desk.clients.find_clients("Salo")] == ["name", "municipality"]
    assert [m.id for m in desk.clients.search_clients("Salo", municipality="734").matches] == [
        in_salo
    ]
    assert [m.id for m in desk.clients.search_clients("", municipality="734").matches] == [in_salo]


def test_pages_cover_every_match_once_in_rank_order(desk: Desk) -> None:
    ids = [
        make(desk, first_names=f"Aino {i:02d}", hetu="", birth_date="1.1.1950") for i in range(25)
    ]
    seen = []
    page = desk.clients.search_clients("mäkinen", offset=0, limit=10)
    while True:
        seen += [m.id for m in page.matches]
        if not page.has_more:
            break
        page = desk.clients.search_clients("mäkinen", offset=page.offset + 10, limit=10)
    assert seen == ids  # first names in order, each once
    assert desk.clients.search_clients("mäkinen", offset=20, limit=10).has_more is False


def test_results_show_no_identity_code(desk: Desk, aino: str) -> None:
    (match,) = desk.clients.find_clients("Mäkinen")
    assert not hasattr(match, "hetu")
    assert match.birth_date == "1952-10-13" and match.municipality_code == "853"


def test_one_word_whole_and_one_begun_on_any_given_name(desk: Desk) -> None:
    anna = make(desk, last_name="Virtanen", first_names="Anna Juhani Maria", hetu="010150-123A")
    assert [m.id for m in desk.clients.find_clients("Virtanen Juh")] == [anna]
    assert [m.id for m in desk.clients.find_clients("juhani virt")] == [anna]
    assert [m.id for m in desk.clients.find_clients("maria virtanen")] == [anna]
    assert [m.id for m in desk.clients.find_clients("virt mar")] == [anna]  # both begun
    assert [m.id for m in desk.clients.find_clients("mar virt")] == [anna]


def test_a_renamed_client_is_found_by_the_new_name_only(desk: Desk) -> None:
    anna = make(desk, last_name="Virtanen", first_names="Anna Juhani", hetu="010150-123A")
    saved = desk.clients.update_client(
        anna, {**AINO, "last_name": "Lehtonen", "first_names": "Anna Juhani", "hetu": ""}
    )
    assert saved.client_id == anna, saved.errors
    assert desk.clients.find_clients("juhani virtanen") == []
    assert [m.id for m in desk.clients.find_clients("juhani lehtonen")] == [anna]
