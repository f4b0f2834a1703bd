"""The cost shares' input files (`ohjaaja report costs --contacts FILE --population FILE`).

Both are CSV with a header row, comma or semicolon delimited, UTF-8 with or without a
byte-order mark; a blank line is no row. Any error names the file, the line and the
field, and why, and nothing is computed from a file with an error in it.

- contacts: `municipality_code,contacts`: performed contacts of a period before the
  system, one row per municipality (every municipality in the agreement needs one,
  0 if none; the report says which are missing).
- population: the municipalities' population aged 75+ of a year, in the shipped
  fixture's form (fixtures/varsinais-suomi-municipalities.csv: code, name_fi, name_sv,
  population_75plus_2019, in_guidance_agreement_2021) or a plain one (municipality_code,
  population_75plus[, in_agreement]). The population column is `population_75plus_<year>`
  for the year asked, else `population_75plus`. Who is in the agreement: `in_agreement`,
  else the one `in_guidance_agreement_<year>` column; with neither, every row is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ohjaaja.domain.reports.costs import CostError
from ohjaaja.domain.reports.facts import MunicipalityFact

YES = {"yes", "y", "1", "true", "kyllä", "k", "ja"}
NO = {"no", "n", "0", "false", "ei", "e", "nej"}


class CostInputError(CostError):
    """A file the cost shares cannot read: file, line and field, and why."""

    def __init__(self, path: Path, line: int, field: str, key: str, **params: object) -> None:
        super().__init__(field, key, **params)
        self.path, self.line = path, line  # line 0: the file as a whole
        self.where = f"{path}:{line}: {field}" if line else f"{path}: {field}"
        self.args = (f"{self.where}: {self.reason}",)


@dataclass(frozen=True)
class _Table:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # line number, column -> value


def _read(path: Path, wanted: set[str]) -> _Table:
    """The header (lower case, stripped) and rows of a CSV, each row as long as the header."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CostInputError(path, 0, "file", "report.costs.file.unreadable",
                             reason=exc.strerror or str(exc)) from exc  # fmt: skip
    except UnicodeDecodeError as exc:
        raise CostInputError(path, 1, "file", "report.costs.file.not_utf8") from exc
    first = text.split("\n", 1)[0]
    delimiter = max(
        ",;", key=lambda d: sum(bool(wanted & {c.strip().lower()}) for c in first.split(d))
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if not any(header):
            raise CostInputError(path, 1, "header", "report.costs.file.no_header")
        doubled = sorted({name for name in header if header.count(name) > 1})
        if doubled:
            raise CostInputError(path, 1, doubled[0], "report.costs.file.column_twice")
        rows = []
        for fields in reader:
            if not fields or all(not field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                raise CostInputError(path, reader.line_num, "row", "report.costs.file.fields",
                                     count=len(fields), header=len(header))  # fmt: skip
            values = {name: value.strip() for name, value in zip(header, fields, strict=True)}
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise CostInputError(path, reader.line_num, "row", "report.costs.file.csv",
                             reason=str(exc)) from exc  # fmt: skip
    return _Table(path, header, rows)


def _column(table: _Table, *names: str) -> str:
    for name in names:
        if name in table.header:
            return name
    raise CostInputError(table.path, 1, names[0], "report.costs.file.missing_column")


def _codes(
    table: _Table, column: str, known: Mapping[str, object]
) -> Iterator[tuple[int, str, dict[str, str]]]:
    """Each row's municipality code, checked: known, and once in the file."""
    seen: dict[str, int] = {}
    for line, values in table.rows:
        code = values[column]
        if code not in known:
            raise CostInputError(table.path, line, column, "report.costs.file.unknown_code",
                                 value=code)  # fmt: skip
        if code in seen:
            raise CostInputError(table.path, line, column, "report.costs.file.code_twice",
                                 value=code, first=seen[code])  # fmt: skip
        seen[code] = line
        yield line, code, values


def _count(table: _Table, line: int, column: str, text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text):
        raise CostInputError(table.path, line, column, "report.costs.file.count", value=text)
    return int(text)


def read_contacts(path: Path, known: Mapping[str, str]) -> dict[str, int]:
    """municipality code -> performed contacts; `known`: code -> name of the region's."""
    table = _read(path, {"municipality_code", "contacts"})
    code_column = _column(table, "municipality_code")
    count_column = _column(table, "contacts")
    return {
        code: _count(table, line, count_column, values[count_column])
        for line, code, values in _codes(table, code_column, known)
    }


def read_population(
    path: Path, year: int, known: Mapping[str, tuple[str, str]]
) -> tuple[MunicipalityFact, ...]:
    """The municipalities of the file with their population 75+ of `year`; `known`:
    code -> (Finnish name, Swedish name), for a file that gives no names."""
    table = _read(path, {"code", "municipality_code", f"population_75plus_{year}",
                         "population_75plus"})  # fmt: skip
    code_column = _column(table, "municipality_code", "code")
    people_column = _column(table, f"population_75plus_{year}", "population_75plus")
    agreements = [name for name in table.header if name.startswith("in_guidance_agreement_")]
    if "in_agreement" in table.header:
        agreement: str | None = "in_agreement"
    elif len(agreements) > 1:
        raise CostInputError(path, 1, agreements[1], "report.costs.file.agreements",
                             columns=", ".join(agreements))  # fmt: skip
    else:
        agreement = agreements[0] if agreements else None
    found = []
    for line, code, values in _codes(table, code_column, known):
        member = True
        if agreement is not None:
            answer = values[agreement].lower()
            if answer not in YES | NO:
                raise CostInputError(path, line, agreement, "report.costs.file.yes_no",
                                     value=values[agreement])  # fmt: skip
            member = answer in YES
        name_fi, name_sv = known[code]
        found.append(
            MunicipalityFact(
                code=code,
                name_fi=values.get("name_fi") or name_fi,
                name_sv=values.get("name_sv") or name_sv,
                population_75plus=_count(table, line, people_column, values[people_column]),
                population_year=year,
                in_agreement=member,
            )
        )
    if not found:
        raise CostInputError(path, 2, code_column, "report.costs.file.no_rows")
    return tuple(found)
