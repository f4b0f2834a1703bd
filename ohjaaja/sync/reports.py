"""The region's reports over the wire (issue 17): a report's request as the query of
`GET /v1/reports/{name}`, read back by the server, and the desk's side of asking.

Both ways live here, so the desk's `ohjaaja report NAME --server URL` and the server
agree on every parameter: `from` and `to` (days, both included, Finnish local time),
`line`, `channel` and `municipality` (repeated: each one more allowed), each setting
of ohjaaja.domain.reports.model.Settings by its field name (but `may_see_clients`,
which the server decides from the token's role), and `option` (`key=value`, repeated:
a report's own options; never a file to read, `*_file`: the server reads no file a
caller names). Anything else is refused, naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from datetime import date
from typing import Any

import httpx

from ohjaaja.domain.queue import CHANNELS, LINES
from ohjaaja.domain.reference import municipalities
from ohjaaja.domain.reports.model import Filters, Period, Request, Settings

MAX_DAYS = 2 * 366  # the longest period a server computes: two years (a leap day each)
DECIDED_BY_ROLE = ("may_see_clients",)
_SETTINGS = {f.name: f for f in fields(Settings) if f.name not in DECIDED_BY_ROLE}
_FILTERS = {"line": "lines", "channel": "channels", "municipality": "municipalities"}
_PLAIN = ("from", "to", "option", *_FILTERS, *_SETTINGS)


class BadQuery(ValueError):
    """A parameter the server cannot take: which, and why."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


def query_of(request: Request) -> list[tuple[str, str]]:
    """The query parameters that ask a server for `request` (settings left at their
    defaults are not sent)."""
    query = [("from", request.period.start.isoformat()), ("to", request.period.end.isoformat())]
    for parameter, attribute in _FILTERS.items():
        query += [(parameter, code) for code in getattr(request.filters, attribute)]
    default = Settings()
    for name in _SETTINGS:
        value = getattr(request.settings, name)
        if value != getattr(default, name):
            query.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
    query += [("option", f"{key}={value}") for key, value in sorted(request.extra.items())]
    return query


def request_of(name: str, query: Iterable[tuple[str, str]], may_see_clients: bool) -> Request:
    """The request a query asks for, or BadQuery naming the first bad parameter."""
    given: dict[str, list[str]] = {}
    for key, value in query:
        if key not in _PLAIN:
            raise BadQuery(key, f"unknown parameter; known: {', '.join(_PLAIN)}")
        given.setdefault(key, []).append(value)
    for key, values in given.items():
        if len(values) > 1 and key not in (*_FILTERS, "option"):
            raise BadQuery(key, "given more than once")
    period = _period(given)
    chosen = {attribute: _codes(parameter, given.get(parameter, []))
              for parameter, attribute in _FILTERS.items()}  # fmt: skip
    settings = replace(
        Settings(),
        may_see_clients=may_see_clients,
        **{key: _setting(key, values[0]) for key, values in given.items() if key in _SETTINGS},
    )
    extra: dict[str, str] = {}
    for option in given.get("option", []):
        key, equals, value = option.partition("=")
        if not equals or not key.strip():
            raise BadQuery("option", f"{option!r}: not key=value")
        if key.strip().endswith("_file"):  # the desk's own files (costs' inputs)
            raise BadQuery("option", f"{key.strip()}: a file is read at the desk, not here")
        extra[key.strip()] = value.strip()
    return Request(name, period, Filters(**chosen), settings, extra)


def _day(given: Mapping[str, list[str]], key: str) -> date:
    if key not in given:
        raise BadQuery(key, "required: a day as YYYY-MM-DD")
    try:
        return date.fromisoformat(given[key][0])
    except ValueError:
        raise BadQuery(key, f"{given[key][0]!r} is not a day as YYYY-MM-DD") from None


def _period(given: Mapping[str, list[str]]) -> Period:
    start, end = _day(given, "from"), _day(given, "to")
    if end < start:
        raise BadQuery("to", f"the period ends ({end}) before it starts ({start})")
    if (end - start).days + 1 > MAX_DAYS:
        raise BadQuery("to", f"a period is at most {MAX_DAYS} days (two years)")
    return Period(start, end)


def _codes(parameter: str, values: list[str]) -> tuple[str, ...]:
    known: Iterable[str] = {
        "line": LINES, "channel": CHANNELS, "municipality": municipalities(),
    }[parameter]  # fmt: skip
    for value in values:
        if value not in known:
            raise BadQuery(parameter, f"{value!r} is not one of {', '.join(sorted(known))}")
    return tuple(dict.fromkeys(values))


def _setting(key: str, text: str) -> Any:
    kind = type(getattr(Settings(), key))
    if kind is bool:
        if text.lower() not in ("true", "false"):
            raise BadQuery(key, f"{text!r}: true or false")
        return text.lower() == "true"
    try:
        value = int(text)
    except ValueError:
        raise BadQuery(key, f"{text!r} is not a whole number") from None
    if not 0 <= value <= 100_000:
        raise BadQuery(key, f"{value} is out of range (0 to 100000)")
    return value


class RemoteReportError(RuntimeError):
    """The server would not give the report: its status and its reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


def fetch_report(url: str, token: str, request: Request, timeout: float = 120.0) -> Any:
    """The report's JSON as the server computed it on its store (never client rows:
    the figures only). RemoteReportError with the server's reason if refused;
    httpx.HTTPError if the server cannot be reached."""
    headers = {"Authorization": f"Bearer {token}"}
    query = httpx.QueryParams(tuple(query_of(request)))
    with httpx.Client(base_url=url, timeout=timeout, headers=headers) as http:
        response = http.get(f"/v1/reports/{request.name}", params=query)
    if response.status_code != 200:
        raise RemoteReportError(response.status_code, _reason(response))
    return response.json()


def _reason(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:500]
    if isinstance(detail, list):  # FastAPI's 422: the fields and why
        return "; ".join(str(item.get("msg", item)) for item in detail)
    return str(detail)
