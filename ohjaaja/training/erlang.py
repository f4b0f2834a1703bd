"""The queue formulas for training: ohjaaja.domain.erlang's, and the workers a
scenario's targets need. The formulas live in the domain, where the staffing
report uses them too; this module keeps the names training has always imported."""

from __future__ import annotations

from ohjaaja.domain import erlang as _erlang
from ohjaaja.domain.erlang import (
    MAX_WORKERS,
    QueueFigures,
    erlang_a_figures,
    erlang_b,
    erlang_c,
    erlang_c_figures,
    figures,
)
from ohjaaja.training.scenario import Targets

__all__ = [
    "MAX_WORKERS",
    "QueueFigures",
    "erlang_a_figures",
    "erlang_b",
    "erlang_c",
    "erlang_c_figures",
    "figures",
    "workers_needed",
]


def workers_needed(
    per_hour: float, handling_s: float, patience_s: float | None, target: Targets
) -> int:
    """The fewest workers meeting the targets' average speed of answer, service level
    and (with patience) abandonment share."""
    return _erlang.workers_needed(
        per_hour,
        handling_s,
        patience_s,
        service_level=target.service_level,
        within=target.service_level_seconds,
        answer_seconds=target.answer_seconds,
        abandonment=target.abandonment,
    )
