"""The bench's figures as Markdown tables, the acceptance lines, and bench/RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.load import Load

# The acceptance of issue 6, checked on the figures of a run.
PEER_FACTOR = 1.2  # issue #14: faster than the simplest build, with every feature on
MIN_RPS, MAX_P99_MS = 1500, 50.0
MAX_P50_100_PLANS_MS, MAX_STARTUP_100_PLANS_S = 5.0, 10.0


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
        ["plans", "clauses", "start → first answer s", "index build s (server)", "RSS MiB after warm-up"],
        [
            [
                r["plans"],
                r["clauses"],
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


def _verdict(ok: bool | None) -> str:
    return "SKIP" if ok is None else "PASS" if ok else "FAIL"


def acceptance(results: Results) -> list[str]:
    """The issue's acceptance as PASS / FAIL / SKIP (not measured in this run) lines."""
    main = next(
        (
            r
            for r in results.http
            if r.server.startswith("gunicorn") and r.plans == 1 and r.endpoint == "/api/ask"
        ),
        None,
    )
    peer = next((r for r in results.http if r.server.startswith("naive peer") and r.endpoint == "/api/ask"), None)
    engine = next((r for r in results.engine if r["plans"] == 100), None)
    startup = next((r for r in results.startup if r["plans"] == 100), None)
    lines = [
        (
            main and main.load.rps >= MIN_RPS,
            f"gunicorn -w 2, wrk -c32, /api/ask: >= {MIN_RPS} req/s"
            + (f" (measured {main.load.rps:.0f})" if main else ""),
        ),
        (
            main and main.load.p99_ms < MAX_P99_MS,
            f"gunicorn -w 2, wrk -c32, /api/ask: p99 < {MAX_P99_MS:.0f} ms"
            + (f" (measured {main.load.p99_ms:.1f} ms)" if main else ""),
        ),
        (
            main and main.load.errors == 0,
            "gunicorn -w 2, wrk -c32, /api/ask: zero socket errors and non-2xx answers"
            + (f" (measured {main.load.errors})" if main else ""),
        ),
        (
            None if not (main and peer) else main.load.rps >= PEER_FACTOR * peer.load.rps,
            f"gunicorn -w 2, /api/ask: >= {PEER_FACTOR}x the naive peer's req/s in the same run"
            + (f" (measured {main.load.rps:.0f} vs {peer.load.rps:.0f}: "
               f"{main.load.rps / max(1.0, peer.load.rps):.2f}x)" if main and peer else ""),
        ),
        (
            engine and engine["p50_ms"] < MAX_P50_100_PLANS_MS,
            f"100 plans: in-process p50 < {MAX_P50_100_PLANS_MS:.0f} ms"
            + (f" (measured {engine['p50_ms']:.2f} ms, every answer computed)" if engine else ""),
        ),
        (
            startup and startup["first_answer_s"] < MAX_STARTUP_100_PLANS_S,
            f"100 plans: start-up (python app.py to first answer) < {MAX_STARTUP_100_PLANS_S:.0f} s"
            + (f" (measured {startup['first_answer_s']:.2f} s)" if startup else ""),
        ),
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
            http_table(results.http),
            "",
        ]
    parts += ["## Acceptance", "", "```", *acceptance(results), "```", ""]
    if results.notes:
        parts += ["## Notes", "", *(f"- {n}" for n in results.notes), ""]
    return "\n".join(parts)
