"""The contact figures on hand-made contact histories with known answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from ohjaaja.domain.reports.all import UnknownReport, compute
from ohjaaja.domain.reports.common import intervals, percentile
from ohjaaja.domain.reports.facts import CallbackFact, ContactFact, Facts
from ohjaaja.domain.reports.model import HELSINKI, Filters, Period, Request, Row, Settings
from ohjaaja.domain.reports.notes import note_text
from ohjaaja.i18n import set_language

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    """A Helsinki wall-clock moment in 2026, as the aware UTC instant stored."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=HELSINKI).astimezone(UTC)


def contact(
    id: str,
    received: datetime,
    *,
    answer: float | None = None,
    handled: float | None = None,
    outcome: str | None = None,
    line: str = "ikaihmiset",
    answered_line: str | None = None,
    channel: str = "phone",
    municipality: str | None = "853",
    language: str = "fi",
    abandon: float | None = None,
    reopened: bool = False,
    via_queue: bool = True,
    callbacks: tuple[CallbackFact, ...] = (),
) -> ContactFact:
    """A contact answered `answer` s after arrival, closed `handled` s later with
    `outcome`; or abandoned `abandon` s after arrival."""
    taken = None if answer is None else received + timedelta(seconds=answer)
    closed = None if taken is None or handled is None else taken + timedelta(seconds=handled)
    status = "closed" if closed else "taken" if taken else "waiting"
    if abandon is not None:
        status = "abandoned"
    return ContactFact(
        id=id,
        channel=channel,
        line=line,
        answered_line=answered_line or line,
        municipality=municipality,
        language=language,
        received_at=received,
        status=status,
        via_queue=via_queue,
        taken_at=taken,
        last_taken_at=taken,
        closed_at=closed,
        abandoned_at=None if abandon is None else received + timedelta(seconds=abandon),
        outcome=outcome if closed else None,
        reopened=reopened,
        callbacks=callbacks,
    )


def run(
    name: str,
    *contacts: ContactFact,
    period: Period = NOVEMBER,
    filters: Filters | None = None,
    settings: Settings | None = None,
) -> dict[str, tuple[Row, ...]]:
    request = Request(name, period, filters or Filters(), settings or Settings())
    sections = compute(Facts(contacts=contacts), request)
    return {s.key: s.rows for s in sections}


def approx(value: float) -> object:
    """Figures are rounded to four decimals (every rendering shows the same)."""
    return pytest.approx(value, abs=5e-5)


def one(rows: tuple[Row, ...], figure: str, interval: str = "", **group: str) -> Row:
    found = [
        r for r in rows if r.figure == figure and r.interval == interval and dict(r.group) == group
    ]
    assert len(found) == 1, (figure, interval, group, found)
    return found[0]


# -- volumes --------------------------------------------------------------------------
def test_a_contact_over_midnight_counts_on_its_finnish_day_hour_and_weekday() -> None:
    # 23:59:30 on Monday 23 November in Helsinki is 21:59:30 UTC; answered after midnight.
    late = contact("late", at(23, 23, 59, 30), answer=50, handled=300, outcome="resolved")
    rows = run("volumes", late)
    assert one(rows["contacts"], "contacts", "2026-11-23").value == 1
    assert one(rows["contacts"], "contacts", "2026-11-24").value == 0
    assert one(rows["by_hour"], "contacts", "23").value == 1
    assert one(rows["by_hour"], "contacts", "21").value == 0
    assert one(rows["by_weekday"], "contacts", "mon").value == 1
    assert one(rows["heatmap"], "contacts", "23", weekday="mon").value == 1
    assert sum(int(r.value or 0) for r in rows["heatmap"]) == 1
    charts = {
        s.key: s.chart for s in compute(Facts(contacts=(late,)), Request("volumes", NOVEMBER))
    }
    assert (charts["heatmap"], charts["by_hour"]) == ("heatmap", "bars")
    assert len(rows["heatmap"]) == 7 * 24


def test_a_contact_received_after_the_period_in_utc_but_inside_in_finnish_time() -> None:
    # 30 November 23:30 Helsinki is 21:30 UTC; 1 December 00:30 Helsinki is 30 Nov 22:30 UTC.
    inside = contact("inside", at(30, 23, 30))
    outside = contact("outside", at(1, 0, 30, month=12))
    assert one(run("volumes", inside, outside)["contacts"], "contacts").value == 1


def test_the_autumn_dst_night_has_two_three_o_clocks_and_its_day_25_hours() -> None:
    # Sunday 25 October 2026: 04:00 EEST goes back to 03:00 EET.
    day = Period(date(2026, 10, 25), date(2026, 10, 25))
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 03:30 EEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 03:30 EET
    last = datetime(2026, 10, 25, 21, 30, tzinfo=UTC)  # 23:30 EET, still the 25th
    before = datetime(2026, 10, 24, 20, 59, tzinfo=UTC)  # 23:59 EEST on the 24th
    moments = (first, second, last, before)
    rows = run("volumes", *(contact(str(i), m) for i, m in enumerate(moments)), period=day)
    assert one(rows["contacts"], "contacts").value == 3
    assert one(rows["by_hour"], "contacts", "03").value == 2
    assert one(rows["by_hour"], "contacts", "23").value == 1
    assert one(rows["by_weekday"], "contacts", "sun").value == 3


def test_the_spring_dst_day_counts_by_local_day() -> None:
    # Sunday 29 March 2026: 03:00 EET jumps to 04:00 EEST; the day has 23 hours.
    day = Period(date(2026, 3, 29), date(2026, 3, 29))
    early = datetime(2026, 3, 28, 22, 10, tzinfo=UTC)  # 00:10 EET on the 29th
    late = datetime(2026, 3, 29, 20, 50, tzinfo=UTC)  # 23:50 EEST on the 29th
    after = datetime(2026, 3, 29, 21, 10, tzinfo=UTC)  # 00:10 EEST on the 30th
    rows = run("volumes", contact("a", early), contact("b", late), contact("c", after), period=day)
    assert one(rows["contacts"], "contacts").value == 2
    assert one(rows["by_hour"], "contacts", "00").value == 1
    assert one(rows["by_hour"], "contacts", "23").value == 1


def test_an_after_hours_contact_counts_in_its_original_line() -> None:
    routed = contact("routed", at(23, 20), line="ikaihmiset", answered_line="sosiaalipaivystys",
                     answer=12, handled=200, outcome="resolved")  # fmt: skip
    own = contact("own", at(23, 21), line="sosiaalipaivystys", answer=5)
    rows = run("volumes", routed, own)
    assert one(rows["by_line"], "contacts", line="ikaihmiset").value == 1
    assert one(rows["by_line"], "contacts", line="sosiaalipaivystys").value == 1
    elderly = run("volumes", routed, own, filters=Filters(lines=("ikaihmiset",)))
    assert one(elderly["contacts"], "contacts").value == 1
    emergency = run("answers", routed, own, filters=Filters(lines=("sosiaalipaivystys",)))
    assert one(emergency["answer_speed"], "asa").value == 5.0


def test_contacts_by_channel_municipality_and_language_with_the_filters() -> None:
    contacts = (
        contact("a", at(2, 9), channel="phone", municipality="853", language="fi"),
        contact("b", at(2, 10), channel="chat", municipality="853", language="sv"),
        contact("c", at(3, 10), channel="email", municipality="202", language="sv"),
        contact("d", at(3, 11), channel="phone", municipality=None, language="en"),
    )
    rows = run("volumes", *contacts)
    assert one(rows["by_channel"], "contacts", channel="phone").value == 2
    assert one(rows["by_channel"], "contacts", channel="walk_in").value == 0  # shown, empty
    assert one(rows["by_municipality"], "contacts", municipality="853").value == 2
    assert one(rows["by_municipality"], "contacts", municipality="-").value == 1
    assert one(rows["by_language"], "contacts", language="sv").value == 2
    chosen = run(
        "volumes", *contacts, filters=Filters(channels=("phone",), municipalities=("853",))
    )
    assert one(chosen["contacts"], "contacts").value == 1
    assert all(r.n == r.value for r in rows["by_channel"])  # a count rests on itself


def test_intervals_are_hours_of_a_day_days_of_a_month_months_of_a_year() -> None:
    assert len(intervals(Period(date(2026, 11, 23), date(2026, 11, 23)))) == 24
    assert intervals(NOVEMBER)[0] == "2026-11-01" and len(intervals(NOVEMBER)) == 30
    year = intervals(Period(date(2026, 1, 1), date(2026, 12, 31)))
    assert year == tuple(f"2026-{m:02d}" for m in range(1, 13))
    rows = run(
        "volumes", contact("a", at(5, 9)), period=Period(date(2026, 1, 1), date(2026, 12, 31))
    )
    assert one(rows["contacts"], "contacts", "2026-11").value == 1


# -- answers ------------------------------------------------------------------------
def test_average_speed_of_answer_and_its_distribution() -> None:
    contacts = (
        contact("a", at(2, 9), answer=5),
        contact("b", at(2, 9, 5), answer=15),
        contact("c", at(2, 9, 10), answer=25, channel="chat"),
        contact("d", at(2, 9, 20), answer=400),
        contact("e", at(2, 9, 30), answer=3600, channel="email"),  # written: not in the headline
        contact("f", at(2, 9, 40), answer=1, via_queue=False),  # logged at the desk: not at all
        contact("g", at(2, 9, 50), abandon=20),
    )
    rows = run("answers", *contacts)
    speed = rows["answer_speed"]
    assert one(speed, "asa").value == approx((5 + 15 + 25 + 400) / 4)
    assert one(speed, "asa").n == 4
    assert one(speed, "answered").value == 4  # the live ones through the queue
    assert one(speed, "asa", channel="email").value == 3600.0
    assert one(speed, "asa", channel="phone").value == approx((5 + 15 + 400) / 3)
    assert one(speed, "asa", "2026-11-02").n == 4
    assert one(speed, "asa", "2026-11-03").value is None  # nothing answered: no figure
    sections = compute(Facts(contacts=contacts), Request("answers", NOVEMBER))
    assert {s.key: s.chart for s in sections}["answer_distribution"] == "histogram"
    histogram = {r.interval: r.value for r in rows["answer_distribution"]}
    assert histogram == {"0-10": 1, "10-20": 1, "20-30": 1, "30-60": 0, "60-120": 0,
                         "120-300": 0, "300-": 1}  # fmt: skip


def test_service_level_with_and_without_the_abandoned() -> None:
    contacts = (
        contact("a", at(2, 9), answer=10),
        contact("b", at(2, 9, 1), answer=60),  # within 60 s (the default): the limit counts
        contact("c", at(2, 9, 2), answer=61),
        contact("d", at(2, 9, 3), abandon=90),
        contact("e", at(2, 9, 4), abandon=3),  # short: left out with short_abandon_seconds=5
    )
    counted = run("answers", *contacts)["service_level"]
    assert one(counted, "service_level").value == approx(2 / 5)
    assert one(counted, "service_level").n == 5
    short = Settings(short_abandon_seconds=5)
    assert (
        one(run("answers", *contacts, settings=short)["service_level"], "service_level").value
        == 0.5
    )
    without = Settings(abandoned_in_service_level=False, service_level_seconds=10)
    level = one(run("answers", *contacts, settings=without)["service_level"], "service_level")
    assert (level.value, level.n) == (approx(1 / 3), 3)


def test_the_settings_are_shown_with_the_figures_they_change() -> None:
    settings = Settings(service_level_seconds=20, abandoned_in_service_level=False)
    sections = compute(Facts(), Request("answers", NOVEMBER, settings=settings))
    notes = {s.key: s.notes for s in sections}
    assert "service_level_seconds=20" in notes["service_level"]
    assert "abandoned_in_service_level=no" in notes["service_level"]
    set_language("en")
    assert note_text("service_level_seconds=20") == "Service level within 20 s"


def test_a_yes_or_no_setting_reads_in_the_readers_language() -> None:
    set_language("fi")
    assert note_text("abandoned_in_service_level=yes").endswith(": kyllä")
    assert note_text("may_see_clients=no").endswith(": ei")
    set_language("sv")
    assert note_text("abandoned_in_service_level=no").endswith(": nej")
    set_language("en")
    assert note_text("abandoned_in_service_level=yes").endswith(": yes")


def test_abandonment_counts_callers_who_hung_up_unanswered_and_their_wait() -> None:
    contacts = (
        contact("a", at(2, 9), answer=10),
        contact("b", at(2, 9, 1), abandon=30),
        contact("c", at(2, 9, 2), abandon=90),
        contact("d", at(2, 9, 3)),  # still waiting: not ended, not counted
        contact("e", at(2, 9, 4), abandon=2),
    )
    rows = run("answers", *contacts, settings=Settings(short_abandon_seconds=5))["abandonment"]
    assert (one(rows, "abandoned").value, one(rows, "abandoned").n) == (2, 3)
    assert one(rows, "abandonment_rate").value == approx(2 / 3)
    assert (one(rows, "time_to_abandon").value, one(rows, "time_to_abandon").n) == (60.0, 2)
    assert one(rows, "abandonment_rate", line="ikaihmiset").n == 3
    everything = run("answers", *contacts)["abandonment"]
    assert one(everything, "abandoned").value == 3


# -- outcomes -------------------------------------------------------------------------
def test_first_contact_resolution_leaves_out_the_reopened() -> None:
    contacts = (
        contact("a", at(2, 9), answer=5, handled=60, outcome="resolved"),
        contact("b", at(2, 10), answer=5, handled=60, outcome="resolved", reopened=True),
        contact("c", at(2, 11), answer=5, handled=60, outcome="assessment"),
        contact("d", at(2, 12), answer=5, handled=60, outcome="resolved", line="mipa"),
        contact("e", at(2, 13), answer=5),  # taken, not closed: no outcome yet
    )
    rows = run("outcomes", *contacts)
    resolution = rows["resolution"]
    assert (one(resolution, "fcr").value, one(resolution, "fcr").n) == (0.5, 4)
    elderly = one(resolution, "fcr", line="ikaihmiset")
    assert (elderly.value, elderly.n, elderly.reference) == (approx(0.3333), 3, 0.89)
    assert one(resolution, "fcr", line="mipa").reference is None
    assert (one(resolution, "reopened").value, one(resolution, "reopened").n) == (1, 5)
    assessment = one(rows["assessment"], "assessment_share", line="ikaihmiset")
    assert (assessment.value, assessment.reference) == (approx(0.3333), 0.11)
    outcomes = rows["outcomes"]
    assert one(outcomes, "outcome", outcome="resolved").value == 3
    assert one(outcomes, "outcome_share", outcome="resolved").value == 0.75
    assert one(outcomes, "outcome", outcome="notification").value == 0


def test_closed_contacts_by_their_reasons_most_frequent_first() -> None:
    def with_reasons(id: str, line: str, *codes: str) -> ContactFact:
        closed = contact(id, at(2, 9), answer=5, handled=60, outcome="resolved", line=line)
        return replace(closed, reasons=codes)

    contacts = (
        with_reasons("a", "ikaihmiset", "kotihoito", "muisti"),
        with_reasons("b", "ikaihmiset", "kotihoito"),
        with_reasons("c", "tyoikaiset", "toimeentulo"),
        replace(contact("d", at(2, 9), answer=5), reasons=("muisti",)),  # not closed
    )
    rows = run("outcomes", *contacts)["reasons"]
    assert [(dict(r.group)["reason"], r.value) for r in rows] == [
        ("kotihoito", 2),
        ("muisti", 1),
        ("toimeentulo", 1),
    ]
    assert dict(rows[2].group)["line"] == "tyoikaiset"


# -- handling -----------------------------------------------------------------------
def test_handling_time_median_and_90th_percentile() -> None:
    times = [60, 120, 180, 240, 300, 360, 420, 480, 540, 600]
    contacts = [contact(str(i), at(2, 9, i), answer=5, handled=s, outcome="resolved")
                for i, s in enumerate(times)]  # fmt: skip
    contacts.append(contact("open", at(2, 10), answer=5))  # not closed: no handling time
    rows = run("handling", *contacts)["handling_time"]
    assert (one(rows, "handling_median").value, one(rows, "handling_median").n) == (330.0, 10)
    assert one(rows, "handling_p90").value == 540.0
    assert percentile([7.0], 90) == 7.0 and percentile([], 90) is None


def test_callbacks_made_missed_and_on_time() -> None:
    due = at(3, 10)
    callbacks = (
        CallbackFact(due, at(2, 9), called_at=due + timedelta(minutes=10), missed=True),
        CallbackFact(at(3, 14), at(3, 10), called_at=at(3, 16)),  # two hours late
        CallbackFact(at(4, 9), at(3, 16)),  # not made yet
    )
    rows = run("handling", contact("a", at(2, 9), answer=5, callbacks=callbacks))["callbacks"]
    values = {r.figure: (r.value, r.n) for r in rows}
    assert values["callbacks_scheduled"] == (3, 3)
    assert values["callbacks_made"] == (2, 2)
    assert values["callbacks_missed"] == (1, 1)
    assert values["callbacks_on_time"] == (1, 1)
    assert values["callbacks_on_time_share"] == (0.5, 2)
    late = run("handling", contact("a", at(2, 9), answer=5, callbacks=callbacks),
               settings=Settings(callback_on_time_minutes=180))["callbacks"]  # fmt: skip
    assert one(late, "callbacks_on_time").value == 2


# -- overview -----------------------------------------------------------------------
def test_the_overview_puts_the_pilots_figures_beside_ours() -> None:
    calls = [contact(str(i), at(1 + i % 30, 9), answer=8, handled=100, outcome="resolved")
             for i in range(60)]  # fmt: skip
    other = contact("x", at(2, 9), line="mipa", answer=20, handled=50, outcome="assessment")
    rows = run("overview", *calls, other)["overview"]
    assert one(rows, "contacts").value == 61
    phone = one(rows, "asa", channel="phone")
    assert (phone.value, phone.reference) == (approx((60 * 8 + 20) / 61), 9)
    fcr = one(rows, "fcr", line="ikaihmiset")
    assert (fcr.value, fcr.n, fcr.reference) == (1.0, 60, 0.89)
    assert one(rows, "assessment_share", line="ikaihmiset").reference == 0.11
    assert one(rows, "assessment_share").value == approx(1 / 61)
    month = one(rows, "calls_per_month", line="ikaihmiset", channel="phone")
    assert (month.value, month.n, month.reference) == (
        approx(60 / 30 * 365.25 / 12),
        60,
        2000,
    )


def test_calls_a_month_count_only_the_days_of_the_period_so_far() -> None:
    """Asked on 10 November for November: ten days have passed, not thirty; the
    future days do not dilute the month's pace."""
    calls = [contact(str(i), at(1 + i % 10, 9), answer=8) for i in range(20)]
    request = Request("overview", NOVEMBER)
    sections = compute(Facts(contacts=tuple(calls), as_of=at(10, 12)), request)
    rows = {s.key: s.rows for s in sections}["overview"]
    month = one(rows, "calls_per_month", line="ikaihmiset", channel="phone")
    assert month.value == approx(20 / 10 * 365.25 / 12)
    ended = compute(Facts(contacts=tuple(calls), as_of=at(3, 12, month=12)), request)
    overview = {s.key: s.rows for s in ended}["overview"]
    whole = one(overview, "calls_per_month", line="ikaihmiset", channel="phone")
    assert whole.value == approx(20 / 30 * 365.25 / 12)  # a past month: all its days


def test_every_figure_and_section_has_its_words_in_three_languages() -> None:
    from ohjaaja.i18n import messages

    contacts = (contact("a", at(2, 9), answer=5, handled=60, outcome="resolved"),)
    texts = messages()
    for name in ("overview", "volumes", "answers", "outcomes", "handling"):
        for section in compute(Facts(contacts=contacts), Request(name, NOVEMBER)):
            keys = [f"report.section.{section.key}", f"report.define.{section.key}"]
            keys += [
                f"report.{kind}.{r.figure}" for r in section.rows for kind in ("figure", "define")
            ]
            keys += [f"report.note.{note.partition('=')[0]}" for note in section.notes]
            for key in keys:
                assert set(texts.get(key, {})) == {"fi", "sv", "en"}, key


def test_an_unknown_report_is_refused_by_name() -> None:
    with pytest.raises(UnknownReport, match=r"'nonesuch'.*overview"):
        compute(Facts(), Request("nonesuch", NOVEMBER))


def test_a_training_contact_is_a_contact_like_any_on_a_training_desk() -> None:
    # The store decides what it holds (a training desk holds only training contacts).
    trained = replace(contact("t", at(2, 9)), is_training=True)
    assert one(run("volumes", trained)["contacts"], "contacts").value == 1
