"""A service's opening hours: HSDS weekly schedules (RRULE BYDAY with opens_at and
closes_at) plus what the service does on Finnish public holidays and their eves.

Hours may run past midnight (20:00-08:00): they belong to the day they start, so
a Friday-night shift is still open early on Saturday, and a holiday decides by the
day the shift begins. 00:00-00:00 is the whole day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ohjaaja.domain.clock import local
from ohjaaja.domain.hours import DAY_NAMES, is_holiday, is_holiday_eve
from ohjaaja.domain.reasons import Unusable, reason

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The admin form's day names, written in the worker's language and read in any of
# fi, sv, en, short or whole ("ma", "mån", "mon", "maanantai", "måndag", "monday").
DAY_WORDS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": DAY_NAMES,
}
_DAY_READINGS = (
    *DAY_WORDS.values(),
    ("maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai"),
    ("må", "ti", "on", "to", "fr", "lö", "sö"),
    ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
)
_DAY_INDEX = {word: day for words in _DAY_READINGS for day, word in enumerate(words)}
# closed: shut on public holidays; sunday: Sunday's hours; open: holidays change nothing.
HOLIDAY_RULES = ("closed", "sunday", "open")


@dataclass(frozen=True)
class WeeklyHours:
    """One HSDS schedule row: these weekdays, from opens to closes."""

    id: str
    days: tuple[int, ...]  # 0 = Monday
    opens: time
    closes: time  # at or before opens: the hours end on the next day
    description: dict[str, str] = field(default_factory=dict)

    @property
    def byday(self) -> str:
        return ",".join(BYDAY[day] for day in self.days)

    def span(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.opens)
        end_day = day + timedelta(days=1) if self.closes <= self.opens else day
        return start, datetime.combine(end_day, self.closes)


def parse_byday(text: str) -> tuple[int, ...]:
    """'MO,TU,FR' -> (0, 1, 4); ValueError naming the part it cannot read."""
    days = []
    for part in text.replace(" ", "").upper().split(","):
        if part not in BYDAY:
            raise ValueError(f"not a weekday: {part!r} (use MO,TU,WE,TH,FR,SA,SU)")
        days.append(BYDAY.index(part))
    return tuple(sorted(set(days)))


def parse_time(text: str) -> time:
    """'8:00', '08:00', '08:00:00' or '24:00' (the end of the day, stored as 00:00);
    anything else is Unusable."""
    cleaned = text.strip()
    hours, _, rest = cleaned.partition(":")
    minutes, _, seconds = rest.partition(":")
    parts = (hours, minutes, seconds or "00")
    if not (hours.isdigit() and len(hours) <= 2) or not all(
        p.isdigit() and len(p) == 2 for p in parts[1:]
    ):
        raise _not_a_time(text)
    hour, minute, second = (int(p) for p in parts)
    if (hour, minute, second) == (24, 0, 0):
        return time(0, 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _not_a_time(text)
    return time(hour, minute, second)


def _not_a_time(text: str) -> Unusable:
    cleaned = text.strip()
    return Unusable(reason("error.time", f"not a time: {text!r} (use HH:MM)", time=repr(cleaned)))


def form_time(text: str) -> time:
    """A time as a worker writes it on the form: parse_time's, or '8' and '8.30'."""
    cleaned = text.strip().replace(".", ":")
    return parse_time(cleaned if ":" in cleaned or not cleaned else f"{cleaned}:00")


@dataclass(frozen=True)
class ExceptionalHours:
    """Hours that replace the weekly ones from valid_from to valid_to (both days
    included): closed (opens is None) or open from opens to closes (past midnight
    when closes is at or before opens), on the given weekdays of the period or every
    day of it. PTV's exceptional service hours; HSDS schedules with valid_from/to."""

    id: str
    valid_from: date
    valid_to: date
    opens: time | None = None
    closes: time | None = None
    days: tuple[int, ...] = ()  # 0 = Monday; () = every day of the period
    description: dict[str, str] = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return self.opens is None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to and (
            not self.days or day.weekday() in self.days
        )

    def span(self, day: date) -> tuple[datetime, datetime] | None:
        if self.opens is None or self.closes is None:
            return None
        start = datetime.combine(day, self.opens)
        end_day = day + timedelta(days=1) if self.closes <= self.opens else day
        return start, datetime.combine(end_day, self.closes)


@dataclass(frozen=True)
class ServiceHours:
    rules: tuple[WeeklyHours, ...] = ()
    holidays: str = "closed"
    eve_closes: time | None = None  # closes early on the eve of a weekday holiday
    exceptions: tuple[ExceptionalHours, ...] = ()  # they win over rules and holidays

    def exceptional(self, day: date) -> tuple[ExceptionalHours, ...]:
        """The exceptions that decide a day; () when the weekly hours do."""
        return tuple(e for e in self.exceptions if e.covers(day))

    def spans_starting(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open spans that begin on a calendar day: an exception's for the day if
        one covers it (closed: none), else the weekly ones, holidays and eves applied."""
        exceptional = self.exceptional(day)
        if exceptional:
            return sorted(span for e in exceptional if (span := e.span(day)) is not None)
        weekday = day.weekday()
        if is_holiday(day):
            if self.holidays == "closed":
                return []
            if self.holidays == "sunday":
                weekday = 6
        eve_end = (
            datetime.combine(day, self.eve_closes)
            if self.eve_closes is not None and is_holiday_eve(day)
            else None
        )
        spans = []
        for rule in self.rules:
            if weekday not in rule.days:
                continue
            start, end = rule.span(day)
            if eve_end is not None:
                end = min(end, eve_end)
            if end > start:
                spans.append((start, end))
        return sorted(spans)

    def is_open(self, at: datetime) -> bool:
        """Whether the service is open at an instant (read in Finnish local time)."""
        moment = local(at).replace(tzinfo=None)
        today = moment.date()
        return any(
            start <= moment < end
            for day in (today - timedelta(days=1), today)
            for start, end in self.spans_starting(day)
        )

    def describe(self, day: date) -> str:
        """'08:00-16:00, 17:00-19:00' for the spans starting that day; '' if closed."""
        return ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in self.spans_starting(day))

    @property
    def known(self) -> bool:
        # Exceptions alone say nothing of the days they do not cover.
        return bool(self.rules)


def parse_hours_text(text: str, ids: list[str]) -> tuple[WeeklyHours, ...]:
    """The admin form's hours, 'mon-fri 08:00-16:00; sat 10:00-14:00', as rules;
    ids are reused in order so an unchanged rule keeps its id. Unusable says
    which part is wrong."""
    rules = []
    dashed = text.replace("\u2013", "-").replace("\u2014", "-")  # en and em dashes
    for number, part in enumerate(p.strip() for p in dashed.split(";") if p.strip()):
        days_text, _, span = part.partition(" ")
        opens, _, closes = span.strip().partition("-")
        try:
            days = _day_range(days_text.strip().lower())
            rule_id = ids[number] if number < len(ids) else ""
            rules.append(WeeklyHours(rule_id, days, form_time(opens), form_time(closes)))
        except Unusable as exc:
            english = f"{part!r}: {exc}; write e.g. mon-fri 08:00-16:00"
            raise Unusable(reason("error.hours", english, part=repr(part), why=exc.why)) from exc
    return tuple(rules)


def _day_range(text: str) -> tuple[int, ...]:
    days: set[int] = set()
    for piece in text.split(","):
        first, _, last = (word.strip().rstrip(".") for word in piece.partition("-"))
        if first not in _DAY_INDEX or (last and last not in _DAY_INDEX):
            raise Unusable(reason("error.day", f"not a day: {piece!r}", day=repr(piece)))
        start = _DAY_INDEX[first]
        end = _DAY_INDEX[last] if last else start
        days.update(range(start, end + 1))
    return tuple(sorted(days))


def hours_text(rules: tuple[WeeklyHours, ...], language: str = "en") -> str:
    """Rules in the admin form's notation, day names in a language (the inverse of
    parse_hours_text)."""
    names = DAY_WORDS.get(language, DAY_NAMES)
    parts = []
    for rule in rules:
        runs = ",".join(
            names[a] + (f"-{names[b]}" if b > a else "") for a, b in day_runs(rule.days)
        )
        closes = "24:00" if rule.closes == rule.opens else f"{rule.closes:%H:%M}"
        parts.append(f"{runs} {rule.opens:%H:%M}-{closes}")
    return "; ".join(parts)


def day_runs(days: tuple[int, ...]) -> list[tuple[int, int]]:
    """(0, 1, 2, 4) -> [(0, 2), (4, 4)]: consecutive weekdays as ranges."""
    runs: list[tuple[int, int]] = []
    for day in days:
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


# The form's word for a closed period, written in the worker's language and read in any.
CLOSED_WORDS = {"fi": "suljettu", "sv": "stängt", "en": "closed"}
_CLOSED_READINGS = {*CLOSED_WORDS.values(), "kiinni", "stängd"}
_DAY_MONTH = r"\d{1,2}\.\d{1,2}\.(?:\d{4})?"
_PERIOD = re.compile(rf"({_DAY_MONTH})(?:\s*-\s*({_DAY_MONTH}))?(?=\s|$)")


def parse_exceptions_text(text: str, today: date) -> tuple[ExceptionalHours, ...]:
    """The admin form's exceptional hours, '24.12.-26.12. suljettu; 1.7.-31.7. 9-12'
    (a date or period, then closed or the hours, optionally on some weekdays: '1.7.-
    31.7. ma-pe 9-12'). A date without a year is in the year that does not put the
    period behind today. The ids are left empty for the caller. Unusable names the
    part and why."""
    exceptions = []
    dashed = text.replace("\u2013", "-").replace("\u2014", "-")
    for part in (p.strip() for p in dashed.split(";") if p.strip()):
        try:
            exceptions.append(_exception(part, today))
        except Unusable as exc:
            english = f"{part!r}: {exc}; write e.g. 24.12.-26.12. closed; 1.7.-31.7. 9-12"
            raise Unusable(
                reason("error.exception", english, part=repr(part), why=exc.why)
            ) from exc
    return tuple(exceptions)


def _exception(part: str, today: date) -> ExceptionalHours:
    found = _PERIOD.match(part)
    if found is None:
        first = part.split()[0]
        english = f"{first!r} is not a date or period (24.12. or 24.12.-26.12.)"
        raise Unusable(reason("error.exception_period", english, text=repr(first)))
    valid_from, valid_to = _period(found.group(1), found.group(2), today)
    rest = part[found.end() :].strip()
    if not rest:
        english = "say closed or the hours (9-12)"
        raise Unusable(reason("error.exception_what", english))
    if rest.lower() in _CLOSED_READINGS:
        return ExceptionalHours("", valid_from, valid_to)
    days_text, _, span = rest.rpartition(" ")
    if not any(c.isdigit() for c in span):  # 'auki', 'open': a word, not hours
        english = f"{span!r} is neither closed nor the hours (9-12)"
        raise Unusable(reason("error.exception_neither", english, text=repr(span)))
    days = _day_range(days_text.strip().lower()) if days_text.strip() else ()
    opens, _, closes = span.partition("-")
    return ExceptionalHours("", valid_from, valid_to, form_time(opens), form_time(closes), days)


def _period(first: str, last: str | None, today: date) -> tuple[date, date]:
    """'24.12.', '24.12.-26.12.', '28.12.-2.1.2027': the first and the last day."""
    (day, month, year), end = _day_month(first), _day_month(last or first)
    if year is not None and end[2] is not None:
        begins, ends = _date(first, day, month, year), _date(last or first, *end[:2], end[2])
        if ends < begins:
            raise Unusable(reason("error.exception_backwards", "ends before it begins"))
        return begins, ends
    if end[2] is not None:  # '28.12.-2.1.2027': the year of the end, the year before if need be
        ends = _date(last or first, end[0], end[1], end[2])
        begins = _date(first, day, month, ends.year)
        return (begins if begins <= ends else _date(first, day, month, ends.year - 1)), ends
    start_year = year if year is not None else today.year
    for shift in (0, 1):
        begins = _date(first, day, month, start_year + shift)
        ends = _date(last or first, end[0], end[1], begins.year)
        if ends < begins:
            ends = _date(last or first, end[0], end[1], begins.year + 1)
        if year is not None or ends >= today:
            break
    return begins, ends


def _day_month(text: str) -> tuple[int, int, int | None]:
    day, month, year = text.split(".")
    return int(day), int(month), int(year) if year else None


def _date(text: str, day: int, month: int, year: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        english = f"{text!r} is not a date (24.12. or 24.12.2026)"
        raise Unusable(reason("error.exception_date", english, date=repr(text))) from None


def exceptions_text(exceptions: tuple[ExceptionalHours, ...], language: str = "en") -> str:
    """Exceptions in the admin form's notation, in a language, each date with its year
    so that reading it again any day gives the same (the inverse of
    parse_exceptions_text)."""
    names = DAY_WORDS.get(language, DAY_NAMES)
    parts = []
    for hours in exceptions:
        begins, ends = hours.valid_from, hours.valid_to
        if begins == ends:
            period = f"{ends.day}.{ends.month}.{ends.year}"
        elif begins.year == ends.year:
            period = f"{begins.day}.{begins.month}.-{ends.day}.{ends.month}.{ends.year}"
        else:
            period = (
                f"{begins.day}.{begins.month}.{begins.year}-{ends.day}.{ends.month}.{ends.year}"
            )
        if hours.opens is None or hours.closes is None:
            parts.append(f"{period} {CLOSED_WORDS.get(language, 'closed')}")
            continue
        runs = ",".join(
            names[a] + (f"-{names[b]}" if b > a else "") for a, b in day_runs(hours.days)
        )
        closes = "24:00" if hours.closes == hours.opens else f"{hours.closes:%H:%M}"
        parts.append(" ".join(p for p in (period, runs, f"{hours.opens:%H:%M}-{closes}") if p))
    return "; ".join(parts)
