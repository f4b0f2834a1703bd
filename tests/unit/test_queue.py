import itertools
import random
from datetime import UTC, datetime, timedelta

from ohjaaja.domain.hours import OpeningHours
from ohjaaja.domain.queue import (
    QueueEntry,
    day_figures,
    default_priority,
    format_duration,
    order_key,
    ordered,
    route_line,
)
from ohjaaja.domain.reference import lines

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def entry(id: str, priority: int, minutes_ago: int) -> QueueEntry:
    return QueueEntry(
        id, "phone", "ikaihmiset", "853", "fi", T0 - timedelta(minutes=minutes_ago), priority
    )


def test_priority_first_then_longest_waiting() -> None:
    entries = [entry("a", 3, 10), entry("b", 1, 1), entry("c", 3, 20), entry("d", 2, 0)]
    assert [e.id for e in ordered(entries)] == ["b", "d", "c", "a"]


def test_exact_ties_are_stable_by_id() -> None:
    entries = [entry("z", 3, 5), entry("a", 3, 5)]
    assert [e.id for e in ordered(entries)] == ["a", "z"]
    assert order_key(entries[1]) < order_key(entries[0])


def test_default_priorities() -> None:
    assert default_priority("phone", "sosiaalipaivystys") == 1
    assert default_priority("walk_in", "ikaihmiset") < default_priority("phone", "ikaihmiset")
    assert default_priority("phone", "ikaihmiset") < default_priority("email", "ikaihmiset")


def test_after_hours_written_channels_are_not_urgent() -> None:
    """On the emergency line a person on the line or at the desk is urgent; an email,
    an e-form or a callback keeps its daytime place below them (issue 15, item 20)."""
    emergency = "sosiaalipaivystys"
    for live in ("phone", "chat", "walk_in"):
        assert default_priority(live, emergency) == 1
    for written in ("email", "eform", "callback"):
        assert default_priority(written, emergency) == default_priority(written, "ikaihmiset")
        assert default_priority(written, emergency) > default_priority("phone", emergency)


def test_after_hours_contacts_go_to_the_emergency_line() -> None:
    hours = {code: line.hours for code, line in lines().items()}
    monday_10 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 10:00 in Helsinki
    monday_13 = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 13:00: working-age line closed
    christmas = datetime(2026, 12, 25, 8, 0, tzinfo=UTC)
    assert route_line("tyoikaiset", monday_10, hours) == "tyoikaiset"
    assert route_line("tyoikaiset", monday_13, hours) == "sosiaalipaivystys"
    assert route_line("ikaihmiset", monday_13, hours) == "ikaihmiset"
    assert route_line("ikaihmiset", christmas, hours) == "sosiaalipaivystys"


def test_route_line_with_custom_hours() -> None:
    hours = {
        "x": OpeningHours.from_spec({"mon-fri": "08:00-09:00"}),
        "sosiaalipaivystys": OpeningHours(always_open=True),
    }
    assert route_line("x", T0, hours) == "sosiaalipaivystys"  # 10:00 local


def test_day_figures() -> None:
    now = T0
    figures = day_figures(
        now,
        waiting_since=[now - timedelta(seconds=30), now - timedelta(seconds=300)],
        answered=[
            (now - timedelta(seconds=100), now - timedelta(seconds=90)),
            (now - timedelta(seconds=200), now - timedelta(seconds=100)),
        ],
        outcomes=["resolved", "resolved", "assessment", "resolved"],
    )
    assert figures.waiting == 2
    assert figures.longest_wait == 300
    assert figures.answered == 2
    assert figures.average_speed_of_answer == 55
    assert figures.service_level == 0.5
    assert figures.first_contact_resolution == 0.75


def test_day_figures_on_an_empty_day() -> None:
    figures = day_figures(T0, [], [], [])
    assert figures.waiting == 0
    assert figures.longest_wait is None
    assert figures.average_speed_of_answer is None
    assert figures.first_contact_resolution is None


def test_a_clock_behind_the_arrival_never_gives_negative_waits() -> None:
    figures = day_figures(T0, [T0 + timedelta(seconds=5)], [(T0, T0 - timedelta(seconds=1))], [])
    assert figures.longest_wait == 0
    assert figures.average_speed_of_answer == 0


def test_format_duration() -> None:
    assert format_duration(None) == "—"
    assert format_duration(0) == "0:00"
    assert format_duration(59.6) == "1:00"
    assert format_duration(3725) == "1:02:05"


def test_ordering_is_a_total_order_on_random_queues() -> None:
    rng = random.Random(3)
    entries = [entry(f"{i:03d}", rng.randint(1, 5), rng.randint(0, 60)) for i in range(200)]
    result = ordered(entries)
    for first, second in itertools.pairwise(result):
        assert (first.priority, first.received_at) <= (second.priority, second.received_at)


def test_the_figures_are_of_the_shift_so_far() -> None:
    from ohjaaja.domain.clock import local
    from ohjaaja.domain.queue import shift_start

    def start(hour: int, minute: int = 0) -> str:
        now = datetime(2026, 11, 23, hour, minute, tzinfo=UTC) - timedelta(hours=2)  # Helsinki
        return local(shift_start(now)).strftime("%d. %H.%M")

    assert start(10) == "23. 08.00"
    assert start(19, 59) == "23. 08.00"
    assert start(20) == "23. 20.00"
    assert start(0, 30) == "22. 20.00"  # past midnight, still the night's
    assert start(7, 59) == "22. 20.00"


def test_the_longest_wait_moves_with_the_clock() -> None:
    figures = day_figures(T0, [T0 - timedelta(seconds=40)], [], [])
    assert figures.longest_wait_at(T0 + timedelta(seconds=25)) == 65


def test_every_line_s_number_is_a_valid_e164_number() -> None:
    """The lines' numbers are read as written (no phonenumbers at start-up): each must
    be what phonenumbers makes of it, and one written otherwise fails here."""
    from ohjaaja.domain.phones import normalise_phone

    for line in lines().values():
        assert line.phone == normalise_phone(line.phone), line.code
        assert line.phone.startswith("+358"), line.code
