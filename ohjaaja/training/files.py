"""Scenario files: YAML or JSON read into the model (scenario.py), or every problem.

Two passes, each naming the file, the line and the field of every problem: the
JSON Schema kept beside this module (scenario.schema.json, Draft 2020-12) checks
the shape; then what a schema cannot know is checked against the domain: the
codes of lines, reasons, municipalities, channels, services, notifications, teams,
urgencies and outcomes, identity codes, unique script ids, times inside the shift
and the trainer's speed limits. A Problem is a message key with its parameters, so
the command line says it in the trainer's language (ohjaaja.i18n).

Lines: YAML's composer keeps each node's mark; a JSON text is composed the same
way for its line map (JSON is YAML here) after json.loads has read its values.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ohjaaja.demo.synthetic import SyntheticClient, generate_clients
from ohjaaja.domain import handovers, notifications, queue, reference, teams
from ohjaaja.domain.catalogue import SERVICE_CHANNELS
from ohjaaja.domain.clock import HELSINKI
from ohjaaja.domain.hours import DAY_NAMES, OpeningHours
from ohjaaja.domain.identity import IdentityCodeError, parse_identity_code
from ohjaaja.domain.limits import SCENARIO_MAX, TRAINING_SPEED_MAX, TRAINING_SPEED_MIN
from ohjaaja.domain.phones import PhoneError, normalise_phone
from ohjaaja.domain.queue import route_line
from ohjaaja.i18n import t_in
from ohjaaja.training import catalogues
from ohjaaja.training.scenario import (
    Caller,
    Expect,
    Fact,
    Patience,
    Person,
    Scenario,
    ScriptedContact,
    Stream,
    Targets,
    World,
)

SCHEMA_PATH = Path(__file__).with_name("scenario.schema.json")
BUNDLED = reference.FIXTURES / "scenarios"
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
LANGUAGES = ("fi", "sv", "en")
# The fields each kind of expected action reads (besides points, critical, within).
EXPECT_FIELDS = {
    "answer": (),
    "identify": (),
    "reasons": ("reasons",),
    "offer": ("services", "client_group", "service_channel"),
    "notification": ("notification", "required"),
    "handover": ("team", "urgency"),
    "outcome": ("outcome",),
}
_COMMON_EXPECT = ("kind", "points", "critical", "within")
_DURATION = re.compile(r"^(?=\d)(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)min)?(?:(\d+(?:\.\d+)?)s)?$")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where, which field, and why (a message key)."""

    file: str
    line: int | None
    path: Path_
    key: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def field(self) -> str:
        """'scripts[2].caller.kind': the field as a trainer finds it in the file."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def reason(self, language: str = "en") -> str:
        params = dict(self.params)
        if "what" in params:  # the kind of code, said in the language too
            params["what"] = t_in(language, f"training.what.{params['what']}")
        for name in ("actual_day", "given_day"):  # a weekday's code, said in words
            if name in params:
                params[name] = t_in(language, f"weekday.{params[name]}")
        return t_in(language, self.key, **params)

    def text(self, language: str = "en") -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.path else ""
        return f"{where}:{field} {self.reason(language)}"


class ScenarioError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems


# -- reading the text -------------------------------------------------------------


SHIFT_MAX = timedelta(hours=24)
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
NODES_MAX = 20_000  # values in a file, aliases counted at each use
DEPTH_MAX = 20  # the deepest field of the schema is 6 levels down


class _TooBig(Exception):
    pass


def _no_constant(name: str) -> Any:
    """JSON's NaN and Infinity (which json.loads takes by default) are no numbers
    of a shift: a rate or a weight of NaN would pass every minimum and maximum."""
    raise json.JSONDecodeError(f"{name} is not a number", name, 0)


def _depth(data: Any, level: int = 0) -> int:
    if level > DEPTH_MAX:
        return level
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    return max((_depth(item, level + 1) for item in items), default=level)


class _Lines:
    """Path -> line (1-based); a path not in the file answers its nearest parent's."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

    def of(self, path: Path_) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.lines = _Lines()
        self._constructor = yaml.constructor.SafeConstructor()
        self.nodes = 0

    def problem(self, path: Path_, key: str, **params: object) -> None:
        line = self.lines.of(path)
        texts = tuple((k, str(v)) for k, v in params.items())
        problem = Problem(self.name, line, path, key, texts)
        if problem not in self.problems:  # jsonschema names each missing field apart
            self.problems.append(problem)

    def walk(self, node: yaml.Node, path: Path_, keep_values: bool) -> Any:
        """The node as plain data (YAML) and its lines. Mapping keys are kept as
        written (text), so hours and municipality codes read the same from YAML and
        JSON; dates and times stay text, checked by the schema and below."""
        self.nodes += 1  # aliases repeat nodes: a small file may stand for billions
        if self.nodes > NODES_MAX or len(path) > DEPTH_MAX:
            raise _TooBig
        self.lines.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _PLAIN_COLLECTIONS and not isinstance(node, yaml.ScalarNode):
            self.problem(path, "training.file.tag", tag=node.tag)
            return None
        if isinstance(node, yaml.MappingNode):
            found: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                child = (*path, key)
                if key in found:
                    self.lines.lines[child] = key_node.start_mark.line + 1
                    self.problem(child, "training.file.twice")
                self.lines.lines[child] = key_node.start_mark.line + 1
                found[key] = self.walk(value_node, child, keep_values)
            return found
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i), keep_values) for i, item in enumerate(node.value)]
        if not keep_values:
            return None
        if node.tag.endswith(":timestamp"):
            return node.value
        try:
            value = self._constructor.construct_object(node)
        except yaml.constructor.ConstructorError:  # a tag of no plain value (!!python/...)
            self.problem(path, "training.file.tag", tag=node.tag)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, "training.file.not_finite")
        return value

    def read(self, text: str, fmt: str) -> Any:
        try:
            return self._read(text, fmt)
        except (_TooBig, RecursionError):
            self.problems = [Problem(self.name, None, (), "training.file.too_big",
                                     (("limit", str(NODES_MAX)),))]  # fmt: skip
            return None

    def _read(self, text: str, fmt: str) -> Any:
        if len(text) > SCENARIO_MAX:
            self.problem((), "training.file.too_long", limit=SCENARIO_MAX)
            return None
        if fmt == "json":
            try:
                data = json.loads(text, parse_constant=_no_constant)
            except json.JSONDecodeError as exc:
                self.problems.append(
                    Problem(self.name, exc.lineno, (), "training.file.syntax",
                            (("format", "JSON"), ("detail", exc.msg)))
                )  # fmt: skip
                return None
            try:  # only for the lines: a JSON text is a YAML text
                node = yaml.compose(text, Loader=yaml.SafeLoader)
                if node is not None:
                    self.walk(node, (), keep_values=False)
            except yaml.YAMLError:
                pass  # rare JSON that YAML 1.1 reads otherwise: problems without lines
            if len(self.lines.lines) == 0 and _depth(data) > DEPTH_MAX:
                raise _TooBig
            return data
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.problems.append(
                Problem(self.name, mark.line + 1 if mark else None, (), "training.file.syntax",
                        (("format", "YAML"), ("detail", str(exc.problem or exc.context))))
            )  # fmt: skip
            return None
        except yaml.YAMLError as exc:
            self.problem((), "training.file.syntax", format="YAML", detail=exc)
            return None
        return None if node is None else self.walk(node, (), keep_values=True)


# -- the schema -------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())


_TYPES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}


def _schema_problems(reader: _Reader, data: Any) -> None:
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        path: Path_ = tuple(error.path)
        check, want, schema_node = error.validator, error.validator_value, error.schema
        if check == "required":
            for name in want:
                if isinstance(error.instance, dict) and name not in error.instance:
                    reader.problem((*path, name), "training.file.required")
        elif check == "additionalProperties":
            known = schema_node.get("properties", {})
            for name in error.instance:
                if name not in known:
                    reader.problem((*path, name), "training.file.unknown_field")
        elif check == "type":
            quote = isinstance(error.instance, int | float) and want == "string"
            key = "training.file.type_quote" if quote else "training.file.type"
            reader.problem(path, key, expected=_TYPES.get(str(want), str(want)))
        elif check in ("enum", "const"):
            choices = want if check == "enum" else [want]
            reader.problem(path, "training.file.choice", choices=", ".join(map(str, choices)))
        elif check == "pattern" and "propertyNames" in error.relative_schema_path:
            reader.problem((*path, str(error.instance)), "training.file.hour_keys")
        elif check == "pattern":
            form = schema_node.get("description", want)
            reader.problem(path, "training.file.form", form=form)
        elif check == "format":
            reader.problem(path, "training.file.date")
        elif check in ("minimum", "exclusiveMinimum"):
            reader.problem(path, "training.file.minimum", limit=want)
        elif check == "maximum":
            reader.problem(path, "training.file.maximum", limit=want)
        elif check in ("minLength", "minItems"):
            reader.problem(path, "training.file.empty")
        elif check == "anyOf" and isinstance(error.instance, dict):
            reader.problem(path, "training.file.offer_needs")
        else:  # pragma: no cover - every keyword the schema uses is named above
            reader.problem(path, "training.file.schema", detail=error.message)


# -- building the model, checking against the domain ----------------------------


def duration(text: str) -> timedelta:
    """'8h', '90min', '1h30min', '45s' (the schema has checked the form)."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r}")
    hours, minutes, seconds = (float(part or 0) for part in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def seeded_clients(scenario: Scenario) -> list[SyntheticClient]:
    """The scenario's synthetic register: the demo's generator with the scenario's
    seed, `world.clients` people (the engine puts these into the training register)."""
    return list(generate_clients(scenario.world.clients, seed=scenario.seed))


@cache
def _hours() -> dict[str, OpeningHours]:
    return {code: line.hours for code, line in reference.lines().items()}


def arrival_line(scenario: Scenario, script: ScriptedContact) -> str:
    """The line a scripted contact lands on: its own, or the social emergency when
    its own is closed then (ohjaaja.domain.queue.route_line, as in production)."""
    return route_line(script.line, scenario.start + script.at, _hours())


class _Builder:
    def __init__(self, reader: _Reader, data: dict[str, Any], folder: Path | None) -> None:
        self.r = reader
        self.data = data
        self.folder = folder  # the scenario file's, where a catalogue's path starts
        self.services: Mapping[str, tuple[str, ...]] | None = None  # set by build
        self.as_written = False  # services named as written (see _catalogue)

    def _code(self, path: Path_, value: str | None, known: Mapping[str, Any] | tuple[str, ...],
              what: str) -> None:  # fmt: skip
        if value is not None and value not in known:
            shown = ", ".join(list(known)[:12]) + (", ..." if len(known) > 12 else "")
            self.r.problem(path, "training.file.unknown_code", what=what, value=value,
                           choices=shown)  # fmt: skip

    def _catalogue(self, name: str) -> str:
        """Where the scenario's catalogue is (catalogues.resolve) and, in
        self.services, how the scenario may name its services; None there (and the
        problem said) if there is no such catalogue or its file is broken. A shift's
        text (no folder) that names the trainer's file is taken as written: it was
        checked when the shift began."""
        path = ("world", "catalogue")
        try:
            where = catalogues.resolve(name, self.folder)
        except KeyError:
            if self.folder is None:
                self.as_written = True
                return ""
            self.r.problem(path, "training.file.no_catalogue", value=name,
                           choices=", ".join(catalogues.names()))  # fmt: skip
            return ""
        try:
            self.services = catalogues.service_keys(where)
        except catalogues.CatalogueFixtureError as exc:
            self.r.problem(path, "training.file.catalogue_broken", detail=str(exc))
        return where

    def build(self, name: str) -> Scenario:
        d = self.data
        start = self._start()
        length = duration(d["duration"])
        if not timedelta(0) < length <= SHIFT_MAX:
            self.r.problem(("duration",), "training.file.long_shift", limit="24h")
        speed = float(d.get("speed", 1.0))
        if not TRAINING_SPEED_MIN <= speed <= TRAINING_SPEED_MAX:
            self.r.problem(("speed",), "training.file.speed",
                           low=int(TRAINING_SPEED_MIN), high=int(TRAINING_SPEED_MAX))  # fmt: skip
        world = World(**d.get("world", {}))
        where = self._catalogue(world.catalogue)
        streams = tuple(self._stream(i, s) for i, s in enumerate(d.get("streams", [])))
        scripts = tuple(
            self._script(i, s, d["language"], start, length)
            for i, s in enumerate(d.get("scripts", []))
        )
        seen: dict[str, int] = {}
        for i, script in enumerate(scripts):
            if script.id in seen:
                self.r.problem(("scripts", i, "id"), "training.file.duplicate_id",
                               id=script.id, first=seen[script.id])  # fmt: skip
            seen.setdefault(script.id, i)
        return Scenario(
            title=d["title"],
            language=d["language"],
            start=start or datetime(2026, 1, 1, tzinfo=HELSINKI),
            duration=length,
            goals=tuple(d.get("goals", ())),
            speed=speed,
            seed=d.get("seed", 1),
            world=world,
            targets=Targets(**d.get("targets", {})),
            streams=streams,
            scripts=scripts,
            name=name,
            catalogue_file="" if where in catalogues.names() else where,
        )

    def _start(self) -> datetime | None:
        try:
            start = datetime.fromisoformat(self.data["start"]).replace(tzinfo=HELSINKI)
        except ValueError:
            self.r.problem(("start",), "training.file.date")
            return None
        if start.astimezone(UTC).astimezone(HELSINKI).replace(tzinfo=None) != start.replace(
            tzinfo=None
        ):  # 03:30 on the night the clocks go forward does not exist in Finland
            self.r.problem(("start",), "training.file.no_such_time")
            return None
        given = self.data.get("weekday")
        actual = DAY_NAMES[start.weekday()]
        if given is not None and given != actual:
            self.r.problem(("weekday",), "training.file.weekday", date=f"{start:%d.%m.%Y}",
                           actual_day=actual, given_day=given)  # fmt: skip
        return start

    def _weights(self, path: Path_, weights: dict[str, float], known: Any, what: str) -> None:
        for key in weights:
            self._code((*path, key), key, known, what)
        if weights and sum(weights.values()) <= 0:
            self.r.problem(path, "training.file.no_weight")

    def _stream(self, i: int, s: dict[str, Any]) -> Stream:
        path: Path_ = ("streams", i)
        defaults = Stream(name="", base_per_hour=0)
        channels = s.get("channels", defaults.channels)
        lines = s.get("lines", defaults.lines)
        municipalities = s.get("municipalities", {})
        languages = s.get("languages", defaults.languages)
        self._weights((*path, "channels"), channels, queue.CHANNELS, "channel")
        self._weights((*path, "lines"), lines, reference.lines(), "line")
        self._weights((*path, "municipalities"), municipalities, reference.municipalities(),
                      "municipality")  # fmt: skip
        self._weights((*path, "languages"), languages, LANGUAGES, "language")
        p = s.get("patience", {})
        base = Patience()
        patience = Patience(
            mean=duration(p["mean"]) if "mean" in p else base.mean,
            call_again=float(p.get("call_again", base.call_again)),
            again_after=duration(p["again_after"]) if "again_after" in p else base.again_after,
        )
        return Stream(
            name=s["name"],
            base_per_hour=float(s["base_per_hour"]),
            per_hour={int(h): float(rate) for h, rate in s.get("per_hour", {}).items()},
            channels=dict(channels),
            lines=dict(lines),
            municipalities=dict(municipalities),
            languages=dict(languages),
            patience=patience,
        )

    def _script(
        self, i: int, s: dict[str, Any], language: str, start: datetime | None, length: timedelta
    ) -> ScriptedContact:
        path: Path_ = ("scripts", i)
        at = duration(s["at"])
        if at >= length:
            self.r.problem((*path, "at"), "training.file.after_end", duration=self.data["duration"])
        self._code((*path, "channel"), s["channel"], queue.CHANNELS, "channel")
        self._code((*path, "line"), s["line"], reference.lines(), "line")
        self._code((*path, "municipality"), s.get("municipality"), reference.municipalities(),
                   "municipality")  # fmt: skip
        caller = self._caller((*path, "caller"), s["caller"])
        # A line closed at the time (production hours, holidays and their eves) sends
        # the contact to the social emergency: its reasons may be either line's.
        lines = [s["line"]]
        if start is not None and s["line"] in reference.lines():
            lines.append(route_line(s["line"], start + at, _hours()))
        expects = tuple(
            self._expect((*path, "expect", j), e, lines, caller)
            for j, e in enumerate(s.get("expect", []))
        )
        return ScriptedContact(
            id=s["id"],
            at=at,
            channel=s["channel"],
            line=s["line"],
            municipality=s.get("municipality"),
            language=s.get("language", language),
            caller=caller,
            opening=s["opening"],
            facts=tuple(Fact(**f) for f in s.get("facts", [])),
            reactions=tuple(s.get("reactions", ())),
            patience=duration(s["patience"]) if "patience" in s else None,
            expect=expects,
        )

    def _hetu(self, path: Path_, text: str) -> date | None:
        try:
            return parse_identity_code(text).birth_date
        except IdentityCodeError as exc:
            self.r.problem(path, exc.key)
            return None

    def _phone(self, path: Path_, text: str | None) -> str | None:
        """E.164, as the desk keeps numbers (the caller's number finds the client)."""
        if text is None:
            return None
        try:
            return normalise_phone(text)
        except PhoneError as exc:
            self.r.problem(path, exc.key)
            return None

    def _caller(self, path: Path_, c: dict[str, Any]) -> Caller:
        person = None
        if "person" in c:
            p = c["person"]
            where: Path_ = (*path, "person")
            self._code((*where, "municipality"), p.get("municipality"),
                       reference.municipalities(), "municipality")  # fmt: skip
            if "hetu" in p:
                born = self._hetu((*where, "hetu"), p["hetu"])
                if born and "birth_date" in p and str(born) != p["birth_date"]:
                    self.r.problem((*where, "birth_date"), "training.file.birth_mismatch",
                                   date=born.isoformat())  # fmt: skip
            person = Person(**{**p, "phone": self._phone((*where, "phone"), p.get("phone"))})
        if "client_hetu" in c:
            self._hetu((*path, "client_hetu"), c["client_hetu"])
        return Caller(
            kind=c["kind"],
            name=c.get("name"),
            phone=self._phone((*path, "phone"), c.get("phone")),
            client_hetu=c.get("client_hetu"),
            person=person,
        )

    def _expect(self, path: Path_, e: dict[str, Any], lines: list[str], caller: Caller) -> Expect:
        kind = e["kind"]
        for name in e:
            if name not in _COMMON_EXPECT and name not in EXPECT_FIELDS[kind]:
                self.r.problem((*path, name), "training.file.not_for_kind", kind=kind)
        if kind == "identify" and caller.client_hetu is None and caller.person is None:
            self.r.problem(path, "training.file.no_client")
        lines = [line for line in lines if line in reference.reasons()]
        for j, code in enumerate(e.get("reasons", ()) if lines else ()):
            known = {k: 1 for line in lines for k in reference.reasons()[line]}
            self._code((*path, "reasons", j), code, known, "reason")
        services: list[str] = []
        keys = self.services  # None: the catalogue's own problem is said already
        for j, key in enumerate(e.get("services", ())):
            if self.as_written:
                services.append(key)
            elif keys is not None:
                self._code((*path, "services", j), key, keys, "service")
                services.extend(keys.get(key, ()))
        self._code((*path, "client_group"), e.get("client_group"), reference.lines(), "line")
        self._code((*path, "service_channel"), e.get("service_channel"), SERVICE_CHANNELS,
                   "service_channel")  # fmt: skip
        kind_of = e.get("notification")
        self._code((*path, "notification"), kind_of, notifications.KINDS, "notification")
        fields = notifications.FIELDS.get(kind_of or "", ())
        for j, name in enumerate(e.get("required", ()) if fields else ()):
            self._code((*path, "required", j), name, fields, "notification_field")
        self._code((*path, "team"), e.get("team"), teams.kinds(), "team")
        self._code((*path, "urgency"), e.get("urgency"), handovers.URGENCIES, "urgency")
        self._code((*path, "outcome"), e.get("outcome"), queue.OUTCOMES, "outcome")
        return Expect(
            kind=kind,
            points=e.get("points", 1),
            critical=e.get("critical", False),
            within=duration(e["within"]) if "within" in e else None,
            reasons=tuple(e.get("reasons", ())),
            services=tuple(dict.fromkeys(services)),
            client_group=e.get("client_group"),
            service_channel=e.get("service_channel"),
            notification=kind_of,
            required=tuple(e.get("required", ())),
            team=e.get("team"),
            urgency=e.get("urgency"),
            outcome=e.get("outcome"),
        )


def _clients_known(reader: _Reader, scenario: Scenario) -> None:
    """A scripted client named by identity code is an inline person or one of the
    seeded register (generated only when some code is not inline)."""
    inline = {
        s.caller.person.hetu for s in scenario.scripts if s.caller.person and s.caller.person.hetu
    }
    wanted = [(i, s.caller.client_hetu) for i, s in enumerate(scenario.scripts)
              if s.caller.client_hetu and s.caller.client_hetu not in inline]  # fmt: skip
    if not wanted:
        return
    register = {c.hetu for c in seeded_clients(scenario)}
    for i, hetu in wanted:
        if hetu not in register:
            reader.problem(("scripts", i, "caller", "client_hetu"), "training.file.no_person",
                           clients=scenario.world.clients)  # fmt: skip


# -- the entry points ---------------------------------------------------------------


def parse_scenario(
    text: str,
    fmt: str,
    name: str,
    source: str | None = None,
    folder: Path = Path(),
    shift_text: bool = False,
) -> Scenario:
    """The scenario of a text ("yaml" or "json"); `name` is how the trainer calls it,
    `source` how problems name the file (the name when not given), `folder` where
    the file is (a catalogue's path starts there). `shift_text`: the copy a shift
    keeps, checked when it began; a catalogue file it names is the trainer's, so
    its services are taken as written."""
    if fmt not in ("yaml", "json"):
        raise ValueError(f"unknown scenario format {fmt!r}")
    reader = _Reader(source or name)
    data = reader.read(text, fmt)
    if reader.problems:
        raise ScenarioError(reader.problems)
    _schema_problems(reader, data)
    if reader.problems:
        raise ScenarioError(sorted(reader.problems, key=lambda p: p.line or 0))
    scenario = _Builder(reader, data, None if shift_text else folder).build(name)
    if not reader.problems:
        _clients_known(reader, scenario)
    if reader.problems:
        raise ScenarioError(sorted(reader.problems, key=lambda p: p.line or 0))
    return scenario


def scenario_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ScenarioError([Problem(str(path), None, (), "training.file.suffix")])
    return fmt


def load_scenario(path: Path) -> tuple[Scenario, str, str]:
    """(scenario, its text, its format) of a file: the text travels with a shift."""
    fmt = scenario_format(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), None, (), "training.file.unreadable",
                          (("detail", getattr(exc, "strerror", None) or str(exc)),))  # fmt: skip
        raise ScenarioError([problem]) from exc
    return parse_scenario(text, fmt, path.stem, str(path), path.parent), text, fmt


def _bundled_files() -> Iterator[Path]:
    for path in sorted(BUNDLED.iterdir()):
        if path.suffix.lower() in FORMATS:
            yield path


def bundled_names() -> list[str]:
    """The scenarios that come with ohjaaja, by name (the file's stem)."""
    return [path.stem for path in _bundled_files()]


def bundled_scenario(name: str) -> Scenario:
    return find_scenario(name)[0]


def find_scenario(name_or_path: str) -> tuple[Scenario, str, str]:
    """A file by its path, or a bundled scenario by its name."""
    path = Path(name_or_path)
    if path.suffix.lower() in FORMATS or path.exists():
        if not path.exists():
            raise ScenarioError([Problem(str(path), None, (), "training.file.missing")])
        return load_scenario(path)
    for bundled in _bundled_files():
        if bundled.stem == name_or_path:
            return load_scenario(bundled)
    raise ScenarioError(
        [Problem(name_or_path, None, (), "training.file.no_such",
                 (("names", ", ".join(bundled_names())),))]
    )  # fmt: skip
