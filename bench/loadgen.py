"""A small closed-loop HTTP load generator: standard library only, bounded, self-stopping.

``run_load()`` opens ``concurrency`` keep-alive connections (one thread each) to one server
and has them send ``GET`` requests back to back until ``requests`` have been sent or the time
limit has passed, whichever comes first. Each request's latency is measured from sending to
the end of the body. Any status outside 2xx, and any connection failure, counts as an error.
A target may rotate through several header sets (e.g. one session cookie per member): the
n-th request of a run, whichever connection sends it, uses the n-th set, round-robin.

Python threads share one interpreter lock, so the generator can keep only a few thousand
requests per second going; that is plenty for Django pages, and it is why the benchmarks
report a page's rate *relative* to a trivial view measured the same way.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

PERCENTILES = (50, 90, 95, 99)


@dataclass(frozen=True)
class Target:
    """One thing to measure: a path requested with fixed headers (Host, Cookie...).

    ``rotating_headers``, when given, are added to ``headers`` in turn, one set per request
    (round-robin over the whole run, not per connection): e.g. the session cookies of many
    members, so that every request is for the next member.
    """

    name: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    rotating_headers: Sequence[Mapping[str, str]] = ()

    def headers_for(self, number: int) -> dict[str, str]:
        """The headers of the ``number``-th request of a run (counting from 0)."""
        if not self.rotating_headers:
            return dict(self.headers)
        return {**self.headers, **self.rotating_headers[number % len(self.rotating_headers)]}


@dataclass
class LoadResult:
    """What one ``run_load()`` measured for one target."""

    target: Target
    planned: int
    concurrency: int
    elapsed_s: float
    latencies_ms: list[float]  # successful (2xx) requests only, sorted ascending
    errors: Counter[str]  # e.g. {"HTTP 500": 3, "ConnectionResetError": 1}
    hit_time_limit: bool

    @property
    def ok(self) -> int:
        """Requests answered with a 2xx status."""
        return len(self.latencies_ms)

    @property
    def error_count(self) -> int:
        """Requests answered outside 2xx or lost to a connection failure."""
        return sum(self.errors.values())

    @property
    def requests_per_second(self) -> float:
        """Successful requests per second of wall-clock time (0.0 when none)."""
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile_ms(self, pct: float) -> float | None:
        """The nearest-rank percentile of successful latencies in ms; None without any."""
        if not self.latencies_ms:
            return None
        rank = max(1, math.ceil(pct / 100 * len(self.latencies_ms)))
        return self.latencies_ms[rank - 1]

    @property
    def max_ms(self) -> float | None:
        """The slowest successful request in ms; None without any."""
        return self.latencies_ms[-1] if self.latencies_ms else None

    def summary(self) -> dict[str, object]:
        """The figures as plain JSON-ready values (latencies rounded to 0.01 ms)."""

        def ms(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "name": self.target.name,
            "path": self.target.path,
            "description": self.target.description,
            "planned_requests": self.planned,
            "ok_requests": self.ok,
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
            "concurrency": self.concurrency,
            "elapsed_s": round(self.elapsed_s, 3),
            "hit_time_limit": self.hit_time_limit,
            "requests_per_second": round(self.requests_per_second, 1),
            "latency_ms": {
                **{f"p{pct}": ms(self.percentile_ms(pct)) for pct in PERCENTILES},
                "max": ms(self.max_ms),
            },
        }


def merge(results: list[LoadResult]) -> LoadResult:
    """Several runs of one target as one: counts, times and latencies added up.

    The merged rate is all successful requests over the summed elapsed times, so rounds that
    are interleaved with other targets' count as if they had run back to back.
    """
    if not results:
        raise ValueError("nothing to merge")
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result.errors)
    return LoadResult(
        target=results[0].target,
        planned=sum(r.planned for r in results),
        concurrency=max(r.concurrency for r in results),
        elapsed_s=sum(r.elapsed_s for r in results),
        latencies_ms=sorted(ms for r in results for ms in r.latencies_ms),
        errors=errors,
        hit_time_limit=any(r.hit_time_limit for r in results),
    )


@dataclass(frozen=True)
class RoundsPlan:
    """How ``run_rounds()`` spreads the requests: per target ``warmup`` unmeasured requests,
    then ``requests`` measured ones split into ``rounds`` interleaved rounds; each round of a
    target stops after its share of ``duration_limit_s``."""

    requests: int
    concurrency: int
    rounds: int
    warmup: int
    duration_limit_s: float


def run_rounds(
    host: str,
    port: int,
    targets: list[Target],
    plan: RoundsPlan,
    say: Callable[[str], None] = lambda message: None,
) -> list[LoadResult]:
    """Warm every target up, then measure them in interleaved rounds; one result per target.

    A round measures every target once, in order, so a slowdown of the machine in the middle
    of the run weighs on all targets alike instead of on whichever was being measured. A
    target's rotating headers carry on from round to round (and from the warm-up), so the
    rounds do not all start with the same member.
    """
    sent = dict.fromkeys((target.name for target in targets), 0)

    def load(target: Target, requests: int, time_limit_s: float) -> LoadResult:
        result = run_load(
            host,
            port,
            target,
            requests=requests,
            concurrency=plan.concurrency,
            time_limit_s=time_limit_s,
            first_number=sent[target.name],
        )
        sent[target.name] += requests
        return result

    if plan.warmup:
        say(f"warming up: {plan.warmup} requests per target")
        for target in targets:
            warm = load(target, plan.warmup, plan.duration_limit_s)
            if warm.error_count:
                say(f"warm-up of {target.name}: {warm.error_count} errors {dict(warm.errors)}")
    rounds = min(plan.rounds, plan.requests)
    done: dict[str, list[LoadResult]] = {target.name: [] for target in targets}
    for number in range(rounds):
        share = plan.requests // rounds + (1 if number < plan.requests % rounds else 0)
        say(f"round {number + 1}/{rounds}: {share} requests per target")
        for target in targets:
            done[target.name].append(load(target, share, plan.duration_limit_s / rounds))
    return [merge(done[target.name]) for target in targets]


class _Budget:
    """The shared request budget: ``take()`` numbers the next request while requests and time
    remain (0, 1, 2...), and is None after."""

    def __init__(
        self, requests: int, deadline: float, stop: threading.Event, first_number: int = 0
    ) -> None:
        self._requests = requests
        self._first_number = first_number
        self._taken = 0
        self._deadline = deadline
        self._stop = stop
        self._lock = threading.Lock()
        self.hit_time_limit = False

    def take(self) -> int | None:
        with self._lock:
            if self._taken >= self._requests or self._stop.is_set():
                return None
            if time.monotonic() >= self._deadline:
                self.hit_time_limit = True
                return None
            self._taken += 1
            return self._first_number + self._taken - 1


def run_load(
    host: str,
    port: int,
    target: Target,
    requests: int,
    concurrency: int,
    time_limit_s: float,
    socket_timeout_s: float = 10.0,
    first_number: int = 0,
) -> LoadResult:
    """Send up to ``requests`` GETs for ``target`` over ``concurrency`` connections.

    Stops by itself: no request starts after ``time_limit_s`` seconds, and none waits longer
    than ``socket_timeout_s``, so the call returns within about their sum. Only ``host:port``
    is ever contacted. An interrupt (Ctrl-C) stops the workers before it propagates.
    Requests are numbered from ``first_number`` (for ``Target.rotating_headers``), so that
    successive runs of one target can carry on the rotation where the last one stopped.
    """
    if requests < 1 or concurrency < 1:
        raise ValueError("requests and concurrency must be at least 1")
    stop = threading.Event()
    started = time.monotonic()
    budget = _Budget(requests, started + time_limit_s, stop, first_number)
    workers = [
        _Worker(host, port, target, budget, socket_timeout_s)
        for _ in range(min(concurrency, requests))
    ]
    threads = [
        threading.Thread(target=worker.run, name=f"load-{target.name}-{i}", daemon=True)
        for i, worker in enumerate(workers)
    ]
    try:
        for thread in threads:
            thread.start()
        hard_deadline = started + time_limit_s + socket_timeout_s + 5
        for thread in threads:
            while thread.is_alive() and time.monotonic() < hard_deadline:
                thread.join(timeout=0.2)  # short waits keep Ctrl-C responsive
    finally:
        stop.set()
    elapsed = time.monotonic() - started

    latencies: list[float] = []
    errors: Counter[str] = Counter()
    for worker in workers:
        latencies.extend(worker.latencies_ms)
        errors.update(worker.errors)
    stragglers = sum(thread.is_alive() for thread in threads)
    if stragglers:
        errors["worker did not finish"] += stragglers
    latencies.sort()
    return LoadResult(
        target=target,
        planned=requests,
        concurrency=len(workers),
        elapsed_s=elapsed,
        latencies_ms=latencies,
        errors=errors,
        hit_time_limit=budget.hit_time_limit,
    )


class _Worker:
    """One connection sending requests back to back; keeps its own tallies (no locking)."""

    def __init__(
        self, host: str, port: int, target: Target, budget: _Budget, timeout: float
    ) -> None:
        self.host = host
        self.port = port
        self.target = target
        self.budget = budget
        self.timeout = timeout
        self.latencies_ms: list[float] = []
        self.errors: Counter[str] = Counter()

    def run(self) -> None:
        # http.client reopens the connection by itself when the server closed it after a
        # response ("Connection: close", as gunicorn's sync workers do).
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            while (number := self.budget.take()) is not None:
                headers = self.target.headers_for(number)
                began = time.perf_counter()
                try:
                    conn.request("GET", self.target.path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    self.errors[type(exc).__name__] += 1
                    conn.close()  # start afresh on the next request
                    continue
                latency_ms = (time.perf_counter() - began) * 1000
                if 200 <= response.status < 300:
                    self.latencies_ms.append(latency_ms)
                else:
                    self.errors[f"HTTP {response.status}"] += 1
        finally:
            conn.close()
