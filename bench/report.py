"""The bench's figures as Markdown tables, the acceptance lines, and bench/RESULTS.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.load import Load

# The acceptance of issues #13 and #14, checked on the figures of a run.
PEER_FACTOR = 1.2  # faster than the simplest build (the naive peer), with every feature on
MIN_RPS, MAX_P99_MS = 1500, 20.0
LOG_TOLERANCE = 0.10  # answers as fast with the question log on as off, within 10%
MAX_P50_100_PLANS_MS, MAX_P99_100_PLANS_MS = 5.0, 3.0
MAX_STARTUP_100_PLANS_S, MAX_SNAPSHOT_STARTUP_100_PLANS_S = 10.0, 2.0
# two servers behind nginx against one: 1.6x when each has cores of its own; on a machine of fewer cores
# than two servers need, the same throughput (within the run-to-run noise) with nothing lost
NGINX_ONE, NGINX_TWO = "nginx, 1 server x 2 workers", "nginx, 2 servers x 1 worker"
OWN_CORES_FACTOR, SHARED_CORES_FACTOR, OWN_CORES = 1.6, 0.9, 4


@dataclass
class HttpRow:
    """One wrk run against one server."""

    server: str
    plans: int
    endpoint: str
    load: Load
    up_s: float
    rss_mib: dict[int, float]


@dataclass
class Results:
    """Everything a run measured, and what it left out and why."""

    facts: dict[str, str]
    settings: dict[str, object]
    engine: list[dict] = field(default_factory=list)
    startup: list[dict] = field(default_factory=list)
    http: list[HttpRow] = field(default_factory=list)
    rounds: dict[str, list[Load]] = field(default_factory=dict)  # contenders loaded in turn, each run
    reading: list[str] = field(default_factory=list)  # the reading over the compilation (bench/reading.py)
    notes: list[str] = field(default_factory=list)


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table, numbers right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.rjust(w) for v, w in zip(values, widths)) + " |"

    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|", *(line(r) for r in cells)]
    )


def _memory(rss: dict[int, float]) -> str:
    """RSS of one process, or of gunicorn's master + workers."""
    return " + ".join(f"{v:.0f}" for v in rss.values())


def engine_table(rows: list[dict]) -> str:
    """In-process latency at each corpus size (bench/bench_engine.py's measure)."""
    return table(
        [
            "plans",
            "clauses",
            "segment s",
            "segment + index s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "warm p50 ms",
            "answers",
        ],
        [
            [
                r["plans"],
                r["clauses"],
                f"{r['segment_s']:.2f}",
                f"{r['build_s']:.2f}",
                f"{r['p50_ms']:.2f}",
                f"{r['p99_ms']:.2f}",
                f"{r['max_ms']:.2f}",
                f"{r['warm_p50_ms']:.3f}" if "warm_p50_ms" in r else "—",
                r["n"],
            ]
            for r in rows
        ],
    )


def startup_table(rows: list[dict]) -> str:
    """`python app.py` from process start to its first answer, the index build it reports, its memory."""
    return table(
        ["plans", "clauses", "index snapshot", "start → first answer s", "index build s (server)",
         "RSS MiB after warm-up"],
        [
            [
                r["plans"],
                r["clauses"],
                r.get("snapshot", ""),
                f"{r['first_answer_s']:.2f}",
                f"{r['build_s']:.2f}" if r.get("build_s") is not None else "n/a",
                f"{r['rss_mib']:.0f}",
            ]
            for r in rows
        ],
    )


def http_table(rows: list[HttpRow]) -> str:
    """One line per wrk run."""

    def errors(load: Load) -> str:
        return " ".join(f"{k} {v}" for k, v in load.socket_errors.items() if v) or "0"

    return table(
        [
            "server",
            "plans",
            "endpoint",
            "req/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "requests",
            "KiB/answer",
            "non-2xx",
            "socket errors",
            "up s",
            "RSS MiB after load",
        ],
        [
            [
                r.server,
                r.plans,
                r.endpoint,
                f"{r.load.rps:.0f}",
                f"{r.load.p50_ms:.1f}",
                f"{r.load.p90_ms:.1f}",
                f"{r.load.p99_ms:.1f}",
                f"{r.load.max_ms:.1f}",
                r.load.requests,
                f"{r.load.kib_per_answer:.1f}",
                r.load.non_2xx,
                errors(r.load),
                f"{r.up_s:.1f}",
                _memory(r.rss_mib),
            ]
            for r in rows
        ],
    )


def rounds_table(rounds: dict[str, list[Load]]) -> str:
    """Each contender's runs, taken in turn with the others: req/s and p99 of each, and the median run."""
    count = max((len(loads) for loads in rounds.values()), default=0)
    return table(
        ["server", *(f"run {n + 1} req/s · p99 ms" for n in range(count)), "median req/s"],
        [
            [name, *(f"{load.rps:.0f} · {load.p99_ms:.1f}" for load in loads),
             f"{sorted(load.rps for load in loads)[(len(loads) - 1) // 2]:.0f}"]
            for name, loads in rounds.items()
        ],
    )


def _verdict(ok: bool | None) -> str:
    return "SKIP" if ok is None else "PASS" if ok else "FAIL"


def _row(results: Results, server: str, plans: int = 1) -> HttpRow | None:
    """The /api/ask row of a server (its median run where it was loaded in rounds)."""
    return next((r for r in results.http if r.server == server and r.plans == plans
                 and r.endpoint == "/api/ask"), None)


def acceptance(results: Results) -> list[str]:
    """The issues' acceptance as PASS / FAIL / SKIP (not measured in this run) lines."""
    main = _row(results, "gunicorn -w 2")
    quiet = _row(results, "gunicorn -w 2, question log off")
    peer = _row(results, "naive peer, gunicorn -w 2")
    one, two = _row(results, NGINX_ONE), _row(results, NGINX_TWO)
    engine = next((r for r in results.engine if r["plans"] == 100), None)
    cold = next((r for r in results.startup if r["plans"] == 100 and r.get("snapshot") == "no snapshot"), None)
    warm = next((r for r in results.startup if r["plans"] == 100 and r.get("snapshot") == "from snapshot"), None)
    cores = int(results.facts.get("cores") or 0)
    nginx_factor = OWN_CORES_FACTOR if cores >= OWN_CORES else SHARED_CORES_FACTOR

    def measured(text: Callable[[], str], *rows: object) -> str:
        return f" (measured {text()})" if all(r is not None for r in rows) else ""

    def ratio(a: HttpRow | None, b: HttpRow | None) -> float:
        return a.load.rps / max(1.0, b.load.rps) if a and b else 0.0

    lines = [
        (main and main.load.rps >= MIN_RPS,
         f"gunicorn -w 2, wrk -c32, /api/ask: >= {MIN_RPS} req/s" + measured(lambda: f"{main.load.rps:.0f}", main)),
        (main and main.load.p99_ms < MAX_P99_MS,
         f"gunicorn -w 2, wrk -c32, /api/ask: p99 < {MAX_P99_MS:.0f} ms"
         + measured(lambda: f"{main.load.p99_ms:.1f} ms", main)),
        (main and main.load.errors == 0,
         "gunicorn -w 2, wrk -c32, /api/ask: zero socket errors and non-2xx answers"
         + measured(lambda: f"{main.load.errors}", main)),
        (None if not (main and peer) else ratio(main, peer) >= PEER_FACTOR,
         f"gunicorn -w 2, /api/ask: >= {PEER_FACTOR}x the naive peer's req/s, loaded in turn in the same run"
         + measured(lambda: f"{main.load.rps:.0f} vs {peer.load.rps:.0f}: {ratio(main, peer):.2f}x",
                    main, peer)),
        (None if not (main and quiet) else ratio(main, quiet) >= 1 - LOG_TOLERANCE
         and main.load.p50_ms <= quiet.load.p50_ms * (1 + LOG_TOLERANCE),
         f"question log on vs off: req/s and p50 within {LOG_TOLERANCE:.0%}"
         + measured(lambda: f"{main.load.rps:.0f} vs {quiet.load.rps:.0f} req/s: "
                    f"{ratio(main, quiet):.2f}x; p50 {main.load.p50_ms:.1f} vs "
                    f"{quiet.load.p50_ms:.1f} ms", main, quiet)),
        (None if not (one and two) else ratio(two, one) >= nginx_factor and one.load.errors == two.load.errors == 0
         and bool(results.settings.get("redis_sessions")),
         f"two servers behind nginx: >= {nginx_factor}x one server's req/s "
         f"({'each with cores of its own' if cores >= OWN_CORES else f'{cores} cores shared by both'}), "
         "zero errors, conversations shared in Redis"
         + measured(lambda: f"{two.load.rps:.0f} vs {one.load.rps:.0f}: {ratio(two, one):.2f}x, "
                    f"{(one.load.errors + two.load.errors) if one and two else 0} errors, "
                    f"{results.settings.get('redis_sessions')} conversations in Redis", one, two)),
        (engine and engine["p50_ms"] < MAX_P50_100_PLANS_MS,
         f"100 plans: in-process p50 < {MAX_P50_100_PLANS_MS:.0f} ms"
         + measured(lambda: f"{engine['p50_ms']:.2f} ms, every answer computed", engine)),
        (engine and engine["p99_ms"] < MAX_P99_100_PLANS_MS,
         f"100 plans: in-process p99 < {MAX_P99_100_PLANS_MS:.0f} ms"
         + measured(lambda: f"{engine['p99_ms']:.2f} ms, every answer computed", engine)),
        (cold and cold["first_answer_s"] < MAX_STARTUP_100_PLANS_S,
         f"100 plans, no index snapshot: start-up (python app.py to first answer) < {MAX_STARTUP_100_PLANS_S:.0f} s"
         + measured(lambda: f"{cold['first_answer_s']:.2f} s", cold)),
        (warm and warm["first_answer_s"] < MAX_SNAPSHOT_STARTUP_100_PLANS_S,
         f"100 plans, from the index snapshot: start-up < {MAX_SNAPSHOT_STARTUP_100_PLANS_S:.0f} s"
         + measured(lambda: f"{warm['first_answer_s']:.2f} s", warm)),
    ]
    return [f"{_verdict(None if ok is None else bool(ok))}  {text}" for ok, text in lines]


def markdown(results: Results) -> str:
    """bench/RESULTS.md: the machine, the settings, every table, the acceptance, the notes."""
    facts, settings = results.facts, results.settings
    parts = [
        "# Benchmark results",
        "",
        f"Written by `{settings['command']}` on {facts['date']}. Re-run it to refresh this file.",
        "",
        "## Machine",
        "",
        table(
            ["CPU", "cores", "memory", "OS", "Python", "load average at start", "at end"],
            [
                [
                    facts["cpu"],
                    facts["cores"],
                    facts["memory"],
                    facts["os"],
                    facts["python"],
                    facts["load"],
                    settings.get("load_end", ""),
                ]
            ],
        ),
        "",
    ]
    if results.startup:
        parts += [
            "## Start-up: `python app.py` (waitress) from process start to its first answer",
            "",
            startup_table(results.startup),
            "",
        ]
    if results.engine:
        parts += [
            f"## In-process answer latency ({settings['questions']} questions × {settings['rounds']} rounds, "
            "caches emptied each round; 'warm' = asked again)",
            "",
            engine_table(results.engine),
            "",
        ]
    if results.http:
        parts += [
            f"## HTTP under load: wrk -t2 -c{settings['connections']} -d{settings['duration']}s --latency",
            "",
            "Servers loaded in rounds (below) show their median run here.",
            "",
            http_table(results.http),
            "",
        ]
    if results.rounds:
        parts += [
            "## Loaded in turn, round after round (each run half the duration above)",
            "",
            rounds_table(results.rounds),
            "",
        ]
    if results.reading:
        parts += ["## Reading the whole compilation (`python app.py check --summary`)", "", *results.reading, ""]
    parts += ["## Acceptance", "", "```", *acceptance(results), "```", ""]
    if results.notes:
        parts += ["## Notes", "", *(f"- {n}" for n in results.notes), ""]
    return "\n".join(parts)
