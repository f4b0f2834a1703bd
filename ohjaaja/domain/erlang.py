"""Erlang B, Erlang C and Erlang A: the steady-state figures of a queue answered by
`n` workers: beside a headless training shift's played figures
(ohjaaja.training.erlang), and the staffing report's workers needed
(ohjaaja.domain.reports). Pure numbers in, numbers out.

Written here because no maintained library fits (PyPI, looked at in December 2026):
pyworkforce (MIT, maintained) has Erlang C only and brings numpy, pandas, joblib and
OR-Tools to a thin terminal; erlangccmath (Erlang X, with abandonment) computes on
its vendor's web service, which an offline desk cannot call; erlanglib and
call-center-tools have Erlang B and C only. None has Erlang A.

Numerically: Erlang B by its recursion (no factorials, no overflow), Erlang C from
Erlang B; Erlang A (M/M/n+M, exponential patience) from its birth-death chain,
each state's probability relative to the last (positive terms only), cut where
they fall below 1e-14. The waiting-time figures of Erlang A follow a tagged caller
through the queue: with j callers ahead, each step forward comes at rate
n*mu + j*theta and the caller gives up at rate theta, so the share answered within
t is the absorption of a small chain by uniformization (again positive terms only;
the closed forms with incomplete gamma functions cancel badly for long queues).

Units: arrival rate per hour, handling and patience in seconds; `patience=None` is
an infinitely patient caller (Erlang C).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_TINY = 1e-14
MAX_WORKERS = 1000  # workers_needed gives up beyond this (a scenario's typo)


@dataclass(frozen=True)
class QueueFigures:
    model: str  # "erlang_c" or "erlang_a"
    workers: int
    load: float  # offered erlangs (rate x handling)
    p_wait: float  # share of callers who wait at all
    asa: float  # seconds: average wait of the answered (inf when unstable)
    service_level: float  # share of all callers answered within `within` seconds
    within: float
    abandonment: float  # share of callers who give up (0 in Erlang C)
    occupancy: float  # share of the workers' time on contacts

    @property
    def stable(self) -> bool:
        return math.isfinite(self.asa)


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of `servers` lines offered `load` erlangs."""
    _check(servers, load)
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that a caller waits (1.0 when the load is servers or more)."""
    _check(servers, load)
    if servers == 0 or load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def erlang_c_figures(
    per_hour: float, handling_s: float, workers: int, within: float
) -> QueueFigures:
    _, load = _rates(per_hour, handling_s)
    c = erlang_c(workers, load)
    if load >= workers:
        return QueueFigures("erlang_c", workers, load, 1.0, math.inf, 0.0, within, 0.0, 1.0)
    rate_out = (workers - load) / handling_s  # the exponential wait's rate once queued
    asa = c / rate_out
    sl = 1.0 - c * math.exp(-rate_out * within)
    occupancy = load / workers if workers else 0.0
    return QueueFigures("erlang_c", workers, load, c, asa, sl, within, 0.0, occupancy)


def erlang_a_figures(
    per_hour: float, handling_s: float, patience_s: float, workers: int, within: float
) -> QueueFigures:
    """M/M/n+M: callers give up after an exponential patience of mean `patience_s`."""
    lam, load = _rates(per_hour, handling_s)
    if patience_s <= 0:
        raise ValueError("patience must be positive")
    _check(workers, load)
    mu, theta, n = 1.0 / handling_s, 1.0 / patience_s, workers
    if lam == 0:
        return QueueFigures("erlang_a", n, 0.0, 0.0, 0.0, 1.0, within, 0.0, 0.0)
    # pi[k] relative to pi[0] = 1, rescaled as it grows so nothing overflows.
    probs = [1.0]
    k = 0
    while True:
        k += 1
        death = k * mu if k <= n else n * mu + (k - n) * theta
        nxt = probs[-1] * lam / death
        probs.append(nxt)
        if nxt > 1e200:
            probs = [p / nxt for p in probs]
        if k > n and nxt < _TINY * max(probs) and death > lam:
            break
    total = math.fsum(probs)
    pi = [p / total for p in probs]
    queued = pi[n:]  # states where an arrival finds j = k - n callers ahead
    p_wait = math.fsum(queued)
    mean_queue = math.fsum(j * p for j, p in enumerate(queued))
    abandonment = theta * mean_queue / lam  # abandonment rate over arrival rate
    # Answered share and their mean wait, caller by caller (see the module's notes).
    answered_queued = 0.0
    wait_answered = 0.0
    survive = 1.0  # P(served | j ahead) = prod (n mu + i theta) / (n mu + (i+1) theta)
    inv_sum = 0.0  # sum 1 / (n mu + (i+1) theta): E[wait | served, j ahead]
    for j, p in enumerate(queued):
        r = n * mu + j * theta
        survive *= r / (r + theta)
        inv_sum += 1.0 / (r + theta)
        answered_queued += p * survive
        wait_answered += p * survive * inv_sum
    answered = (1.0 - p_wait) + answered_queued
    asa = wait_answered / answered if answered > 0 else math.inf
    sl = (1.0 - p_wait) + _answered_within(queued, n * mu, theta, within)
    busy = math.fsum(min(k, n) * p for k, p in enumerate(pi))
    occupancy = busy / n if n else 0.0
    return QueueFigures("erlang_a", n, load, p_wait, asa, sl, within, abandonment, occupancy)


def _answered_within(queued: list[float], served_rate: float, theta: float, t: float) -> float:
    """P(found j ahead, then answered within t) summed over j, by uniformization of
    the tagged caller's chain: position j moves to j-1 at n*mu + j*theta (j = 0: to
    a worker), and to 'gave up' at theta."""
    size = len(queued)
    if size == 0 or t <= 0:
        return 0.0
    rates = [served_rate + j * theta for j in range(size)]
    big = rates[-1] + theta
    stay = [1.0 - (r + theta) / big for r in rates]
    move = [r / big for r in rates]
    x = big * t
    p = list(queued)
    served = 0.0  # absorbed into "answered" after m jumps
    total = 0.0
    m = 0
    # The Poisson weights' tail beyond mean + 10 sd (+ 20) is far below 1e-12.
    last = int(x + 10.0 * math.sqrt(x) + 20)
    while m <= last:
        weight = math.exp(-x + m * math.log(x) - math.lgamma(m + 1)) if x > 0 else float(m == 0)
        total += weight * served
        served += p[0] * move[0]
        p = [
            p[j] * stay[j] + (p[j + 1] * move[j + 1] if j + 1 < size else 0.0) for j in range(size)
        ]
        m += 1
    return total


def workers_needed(
    per_hour: float,
    handling_s: float,
    patience_s: float | None,
    *,
    service_level: float,
    within: float,
    answer_seconds: float = math.inf,
    abandonment: float = 1.0,
) -> int:
    """The fewest workers answering `service_level` of callers within `within` seconds,
    with an average speed of answer of at most `answer_seconds` and (with patience) at
    most an `abandonment` share giving up; Erlang A with patience, else Erlang C."""
    _, load = _rates(per_hour, handling_s)
    if per_hour == 0:
        return 0
    start = max(1, math.floor(load) if patience_s is None else 1)
    for workers in range(start, MAX_WORKERS + 1):
        f = figures(per_hour, handling_s, patience_s, workers, within)
        if (
            f.stable
            and f.asa <= answer_seconds
            and f.service_level >= service_level
            and f.abandonment <= abandonment
        ):
            return workers
    raise ValueError(f"more than {MAX_WORKERS} workers needed for {per_hour:g} contacts an hour")


def figures(
    per_hour: float, handling_s: float, patience_s: float | None, workers: int, within: float
) -> QueueFigures:
    if patience_s is None:
        return erlang_c_figures(per_hour, handling_s, workers, within)
    return erlang_a_figures(per_hour, handling_s, patience_s, workers, within)


def _rates(per_hour: float, handling_s: float) -> tuple[float, float]:
    if per_hour < 0 or not math.isfinite(per_hour):
        raise ValueError("the arrival rate must be zero or more")
    if handling_s <= 0 or not math.isfinite(handling_s):
        raise ValueError("the handling time must be positive")
    lam = per_hour / 3600.0
    return lam, lam * handling_s


def _check(servers: int, load: float) -> None:
    if servers < 0:
        raise ValueError("the number of workers must be zero or more")
    if load < 0 or not math.isfinite(load):
        raise ValueError("the load must be zero or more")
