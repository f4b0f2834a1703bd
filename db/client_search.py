"""Client search as ranked index ranges, paged.

A query becomes a list of ranges in rank order (exact last name before a
last-name prefix, an exact phone number before a partial one). Each range is
one SQL statement that walks an index in order, so a page costs about as many
row reads as it shows, however large the register is; deeper pages read the
ranges ahead of them again, which is fine at the depths a person pages to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ohjaaja.db.clients import CLIENT_SUMMARY

HIGH = "\uffff"  # sorts after every character a name or code holds


@dataclass(frozen=True)
class Range:
    """One ranked slice: FROM/WHERE text (client as c) and its parameters."""

    via: str  # client, relative, hetu, name, birth, municipality
    source: str  # "client c" or a join that yields c
    where: str
    order: str
    params: dict[str, Any]
    extra: str = "NULL AS relative_name, NULL AS relation"


def _like(word: str) -> str:
    """A LIKE pattern for ' word...' inside search_name, with wildcards escaped."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


def name_ranges(words: Sequence[str]) -> list[Range]:
    """Folded words: one is a last name (exact first, then prefix); two are a
    last name and a given name in either order: exact pairs first, then one word
    whole and the other begun on any given name (client_name_key), then two begun
    words."""
    order = "c.search_name"
    if len(words) == 1:
        (w,) = words
        exact = {"lo": w + " ", "hi": w + "!"}
        return [
            Range("name", "client c", "c.search_name >= :lo AND c.search_name < :hi", order, exact),
            Range(
                "name",
                "client c",
                "c.search_name >= :w AND c.search_name < :w_end "
                "AND NOT (c.search_name >= :lo AND c.search_name < :hi)",
                order,
                {"w": w, "w_end": w + HIGH, **exact},
            ),
        ]
    a, b = words[0], words[1]
    ranges = []
    for last, first in ((a, b), (b, a)):
        ranges.append(
            Range("name", "client c", "c.search_name >= :lo AND c.search_name < :hi", order,
                  {"lo": f"{last} {first}", "hi": f"{last} {first}{HIGH}"})
        )  # fmt: skip
    for whole, begun in ((a, b), (b, a)):
        ranges.append(
            Range("name", "client_name_key k JOIN client c ON c.id = k.client_id",
                  "k.key >= :lo AND k.key < :hi", "k.key, k.search_name",
                  {"lo": f"{whole} {begun}", "hi": f"{whole} {begun}{HIGH}"})
        )  # fmt: skip
    # Two begun words ("virt mat") have no key: the last resort walks the names whose
    # last name goes on past the first word (a whole last name's clients were found
    # above) until the page is full. Only a begun pair that matches few reads far.
    for last, first in ((a, b), (b, a)):
        ranges.append(
            Range(
                "name",
                "client c",
                "c.search_name > :w AND c.search_name < :w_end "
                "AND c.search_name LIKE :first ESCAPE '\\'",
                order,
                {"w": last + "!", "w_end": last + HIGH, "first": _like(first)},
            )
        )
    return ranges


def phone_ranges(e164: str) -> list[Range]:
    """Clients with numbers that start with these digits, then clients whose
    relative's number does. A whole number sorts first in its own range, so an
    exact match leads without a query of its own."""
    params: dict[str, Any] = {"n": e164, "n_end": e164 + HIGH}
    return [
        Range(
            "client",
            "client_phone p JOIN client c ON c.id = p.client_id",
            "p.e164 >= :n AND p.e164 < :n_end AND p.deleted = 0",
            "p.e164, c.search_name",
            params,
        ),
        Range(
            "relative",
            "relative r JOIN client c ON c.id = r.client_id",
            "r.phone_e164 >= :n AND r.phone_e164 < :n_end AND r.deleted = 0",
            "r.phone_e164, c.search_name",
            params,
            "r.name AS relative_name, r.relation AS relation",
        ),
    ]


def hetu_range(prefix: str) -> Range:
    # hetu is UNIQUE, so its index serves the prefix as a range in code order.
    return Range(
        "hetu",
        "client c",
        "c.hetu >= :h AND c.hetu < :h_end",
        "c.hetu",
        {"h": prefix, "h_end": prefix + HIGH},
    )


def birth_range(iso_date: str) -> Range:
    return Range("birth", "client c", "c.birth_date = :born", "c.search_name", {"born": iso_date})


def municipality_range(code: str) -> Range:
    return Range(
        "municipality", "client c", "c.municipality_code = :m", "c.search_name", {"m": code}
    )


def page(
    conn: sqlite3.Connection,
    ranges: Sequence[Range],
    municipality: str | None,
    offset: int,
    limit: int,
) -> tuple[list[sqlite3.Row], bool]:
    """Rows offset..offset+limit of the ranges in rank order (each client once),
    and whether more follow."""
    wanted = offset + limit + 1
    rows: list[sqlite3.Row] = []
    seen: set[str] = set()
    for item in ranges:
        where = f"({item.where}) AND c.deleted = 0"
        params = dict(item.params)
        if municipality:
            where += " AND c.municipality_code = :filter_m"
            params["filter_m"] = municipality
        params["take"] = wanted  # not less: a client already listed is skipped
        sql = (
            f"SELECT {CLIENT_SUMMARY}, '{item.via}' AS via, {item.extra} "
            f"FROM {item.source} WHERE {where} ORDER BY {item.order} LIMIT :take"
        )
        for row in conn.execute(sql, params):
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            rows.append(row)
        if len(rows) >= wanted:
            break
    return rows[offset : offset + limit], len(rows) > offset + limit
