import phonenumbers
from stdnum.fi import hetu

from ohjaaja.demo.simulator import ArrivalSimulator, rate_per_hour
from ohjaaja.demo.synthetic import generate_clients
from ohjaaja.domain.identity import CENTURY_SIGNS, parse_identity_code
from ohjaaja.domain.reference import municipalities
from tests.conftest import MONDAY_MORNING


def test_synthetic_register_is_valid_and_covers_every_century_sign() -> None:
    people = list(generate_clients(12_000, seed=5))
    codes = [p.hetu for p in people]
    assert len(set(codes)) == len(codes)
    assert {code[6] for code in codes} == set(CENTURY_SIGNS)
    assert any(p.temporary for p in people)
    for person in people[:3000]:
        assert hetu.is_valid(person.hetu, allow_temporary=True)
        assert parse_identity_code(person.hetu).birth_date == person.birth_date
        for number in person.phones + tuple(r.phone for r in person.relatives):
            assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number
    assert {p.municipality_code for p in people} <= set(municipalities())
    assert {p.language for p in people} == {"fi", "sv", "en"}
    assert any(p.relatives for p in people)


def test_generation_is_deterministic() -> None:
    assert list(generate_clients(50, seed=9)) == list(generate_clients(50, seed=9))


def test_arrivals_are_busier_in_the_morning() -> None:
    morning = MONDAY_MORNING.replace(hour=7)  # 09:00 local
    evening = MONDAY_MORNING.replace(hour=18)  # 20:00 local
    assert rate_per_hour(morning) > 5 * rate_per_hour(evening)
    simulator = ArrivalSimulator(seed=1)
    arrivals = simulator.between(MONDAY_MORNING.replace(hour=5), MONDAY_MORNING.replace(hour=13))
    assert {a.channel for a in arrivals} == {
        "phone",
        "callback",
        "chat",
        "email",
        "eform",
        "walk_in",
    }
    assert {a.line for a in arrivals} == {
        "lapsiperheet", "tyoikaiset", "ikaihmiset", "mipa", "sosiaalipaivystys",
    }  # fmt: skip
    times = [a.received_at for a in arrivals]
    assert times == sorted(times)
