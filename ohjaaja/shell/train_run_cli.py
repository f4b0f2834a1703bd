"""`ohjaaja train run SCENARIO`: a shift played headless by simulated trainees, its
figures beside Erlang C and Erlang A, and the trainees the scenario's targets need
(ohjaaja.training.headless). Text in the trainer's language, or JSON."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from datetime import timedelta
from typing import Any

from ohjaaja.i18n import DEFAULT_LANGUAGE, LANGUAGES, t, t_in
from ohjaaja.training.erlang import QueueFigures
from ohjaaja.training.headless import DISTRIBUTIONS, POLICIES, Handling, HeadlessResult, play

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|min|m|h)?\s*$")
_SECONDS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, None: 60}


def duration(text: str) -> timedelta:
    """'6min', '90s', '1.5h'; a bare number is minutes."""
    match = _DURATION.match(text)
    if match is None or float(match[1]) <= 0:
        raise argparse.ArgumentTypeError(t("cli.type.duration", text=text))
    return timedelta(seconds=float(match[1]) * _SECONDS[match[2]])


def _trainees(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise argparse.ArgumentTypeError(t("cli.type.trainees", text=text))
    return int(text)


def add_run_parser(train_subparsers: Any) -> argparse.ArgumentParser:
    run = train_subparsers.add_parser(
        "run", help="play a shift with simulated trainees; Erlang C and A beside it"
    )
    run.add_argument("scenario", help="a bundled scenario's name or a scenario file")
    run.add_argument("--seed", type=int, help="default: the scenario's")
    run.add_argument("--trainees", type=_trainees, default=3)
    run.add_argument(
        "--policy", choices=POLICIES, default="oldest", help="oldest first, or the queue's order"
    )
    run.add_argument(
        "--handling", type=duration, default=timedelta(minutes=6), help="mean, e.g. 6min or 360s"
    )
    run.add_argument("--distribution", choices=DISTRIBUTIONS, default="lognormal")
    run.add_argument("--json", action="store_true", help="the figures as JSON")
    run.add_argument(  # SUPPRESS: given before `train`, the top level's fills it in
        "--language", choices=LANGUAGES, default=argparse.SUPPRESS, help="default: the scenario's"
    )
    run.set_defaults(train_handler=run_headless)
    return run


def run_headless(args: argparse.Namespace) -> int:
    from ohjaaja.training.files import ScenarioError, find_scenario

    try:
        scenario = find_scenario(args.scenario)[0]
    except ScenarioError as exc:
        for problem in exc.problems:
            language = getattr(args, "language", None) or DEFAULT_LANGUAGE
            print(f"ohjaaja: {problem.text(language)}", file=sys.stderr)
        return 2
    result = play(
        scenario, args.seed, args.trainees, args.policy, Handling(args.handling, args.distribution)
    )
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    language = getattr(args, "language", None) or scenario.language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    print(report(result, scenario.targets, language))
    return 0


def report(r: HeadlessResult, targets: Any, lang: str) -> str:
    """The figures in at most 80 columns: played, Erlang C, Erlang A, then hour by hour."""

    def tr(key: str, **params: object) -> str:
        return t_in(lang, f"train.run.{key}", **params)

    def secs(value: float | None) -> str:
        return "–" if value is None or not math.isfinite(value) else f"{value:.1f} s"

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.1f} %"

    a: QueueFigures | None = r.erlang_a
    c = r.erlang_c
    sl = int(r.service_level_seconds)
    lines = [
        tr("header", scenario=r.scenario, seed=r.seed, count=r.trainees),
        tr(
            "setup",
            policy=tr(f"policy_{r.policy}"),
            distribution=tr(r.distribution),
            minutes=f"{r.handling / 60:g}",
        ),
        tr("load", rate=f"{r.per_hour_rate:.1f}", patience=secs(r.patience)),
        "",
        f"{'':22}{tr('played'):>12}{'Erlang C':>12}{'Erlang A':>12}",
        f"{tr('contacts'):22}{r.contacts:>12}",
        f"{tr('answered'):22}{r.answered:>12}",
        f"{tr('abandoned'):22}{pct(r.abandonment):>12}{pct(0.0):>12}"
        f"{pct(a.abandonment if a else None):>12}",
        f"{tr('asa'):22}{secs(r.asa):>12}{secs(c.asa):>12}{secs(a.asa if a else None):>12}",
        f"{tr('service_level', seconds=sl):22}{pct(r.service_level):>12}"
        f"{pct(c.service_level):>12}{pct(a.service_level if a else None):>12}",
        f"{tr('max_queue'):22}{r.max_queue:>12}",
        f"{tr('left_waiting'):22}{r.left_waiting:>12}",
        "",
        tr(
            "targets",
            asa=f"{targets.answer_seconds:g}",
            share=f"{100 * targets.service_level:g}",
            seconds=sl,
            abandoned=f"{100 * targets.abandonment:g}",
        ),
        tr("needed", c=_n(r.needed_c), a=_n(r.needed_a), peak=_n(r.needed_peak)),
        "",
        f"{tr('hour'):6}{tr('expected'):>9}{tr('contacts'):>10}{tr('answered'):>10}"
        f"{tr('abandoned'):>10}{'ASA':>9}{'SL':>8}{tr('queue'):>8}{tr('need'):>8}",
    ]
    for h in r.hours:
        lines.append(
            f"{h.hour:6}{h.expected:>9.1f}{h.contacts:>10}{h.answered:>10}{h.abandoned:>10}"
            f"{secs(h.asa):>9}{pct(h.service_level):>8}{h.max_queue:>8}{_n(h.needed):>8}"
        )
    return "\n".join(lines)


def _n(value: int | None) -> str:
    return "–" if value is None else str(value)
