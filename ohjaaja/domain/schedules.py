"""A service's opening hours: HSDS weekly schedules (RRULE BYDAY with opens_at and
closes_at) plus what the service does on Finnish public holidays and their eves.

Hours may run past midnight (20:00-08:00): they belong to the day they start, so
a Friday-night shift is still open early on Saturday, and a holiday decides by the
day the shift begins. 00:00-00:00 is the whole day.
"""

from __future__ import annotations

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
