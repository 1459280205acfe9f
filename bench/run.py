"""Every figure of the assistant in one command: start-up, in-process latency, HTTP under wrk, at 1/10/100 plans,
repeated and new questions beside the naive peer and the ceiling, and the whole compilation.

    python bench/run.py                                   # the full run (about 12 minutes), writes bench/RESULTS.md
    python bench/run.py --only http --duration 5 --plans 1   # a shorter run while developing (writes nothing)
    python bench/run.py --only new --duration 10          # new questions against the peer alone
    python bench/run.py --only compilation                # the whole compilation alone

Two kinds of load: repeated questions (222 real ones in rotation: after the first wave every answer is cached)
and new questions (50,000 distinct phrasings made from the plans, bench/phrasings.py: every answer computed).

Servers are started as users start them (`python app.py`, waitress; `gunicorn -w 2 'app:create_app()'`) on
127.0.0.1, each with a state database of its own; wrk (apt-get install -y wrk when missing) loads them.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import compilation, machine  # noqa: E402
from bench.bench_engine import measure, questions, twelve_plans, twelve_questions  # noqa: E402
from bench.phrasings import of_folder  # noqa: E402
from bench.client import ask, get_json, wechat_problem, wechat_query  # noqa: E402
from bench.load import Load, ensure_wrk, run_wrk  # noqa: E402
from bench.report import (  # noqa: E402
    NGINX_ONE,
    NGINX_TWO,
    TWELVE,
    MODES,
    HttpRow,
    Results,
    acceptance,
    compilation_tables,
    engine_table,
    http_table,
    markdown,
    ratios_table,
    rounds_table,
    startup_table,
)
from bench.scale_corpus import make_corpus  # noqa: E402
from bench.server import PEER, Server, serving  # noqa: E402
from tests.services import Nginx, RedisServer  # noqa: E402 — the tests' real services, reused

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
WECHAT_TOKEN = "bench-token"  # the servers' token for the run; the load's URLs are signed with it
SERVERS = {"waitress": "waitress (python app.py)", "gunicorn": "gunicorn -w 2",
           "gunicorn, log off": "gunicorn -w 2, question log off", "peer": "naive peer, gunicorn -w 2",
           "ceiling": "ceiling: fixed JSON, gunicorn -w 2"}
HEAD_TO_HEAD_ROUNDS = 3  # runs of each contender, taken in turn
MISSING = (pytest.skip.Exception, pytest.fail.Exception)  # how tests.services says a service is not installed
SESSIONS_PER_THREAD = 64


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; the defaults are the full run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=["engine", "startup", "http", "new", "repeated", "reading", "compilation"],
        help="one part: in-process latency, start-up and memory, HTTP under load (with start-up), the new or the "
        "repeated questions against the peer and the ceiling alone, the reading, the whole compilation",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each wrk run (default 20)")
    parser.add_argument(
        "--connections", type=int, default=32, help="wrk's concurrent connections (default 32)"
    )
    parser.add_argument(
        "--plans", type=int, nargs="+", default=[1, 10, 100], help="corpus sizes (default 1 10 100)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="in-process rounds over the questions (default 5)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the results (default bench/RESULTS.md for a full run; "
        "a shortened run writes nothing unless given)",
    )
    args = parser.parse_args(argv)
    if min(args.plans) < 1 or args.duration < 1 or args.connections < 1 or args.rounds < 1:
        parser.error("--plans, --duration, --connections and --rounds must be positive")
    return args


def is_full(args: argparse.Namespace) -> bool:
    """Whether the run is the default, complete one (the only kind that refreshes RESULTS.md by itself)."""
    return (
        args.only is None
        and args.duration == 20
        and args.connections == 32
        and args.rounds == 5
        and sorted(args.plans) == [1, 10, 100]
    )


def say(text: str) -> None:
    """Progress on the terminal, as it happens."""
    print(text, flush=True)


def run_engine(results: Results, asked: list[str], args: argparse.Namespace) -> None:
    """In-process latency at each corpus size, by bench_engine.measure."""
    for plans in args.plans:
        row = measure(plans, asked, args.rounds)
        results.engine.append(row)
        say(
            f"in-process, {plans} plan(s): p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms "
            f"({row['clauses']} clauses, built in {row['build_s']:.2f} s)"
        )
    # the twelve distinct plans loaded together (the issue on several plans), asked their own sets too
    asked_twelve = twelve_questions()
    with tempfile.TemporaryDirectory() as tmp:
        row = measure(0, asked_twelve, args.rounds, twelve_plans(Path(tmp)))
    row.update(corpus=TWELVE, questions=f"{len(asked_twelve)}: those and the twelve's own sets")
    results.engine.append(row)
    say(f"in-process, the twelve plans: p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms")


def warm_up(server: Server, asked: list[str]) -> None:
    """Ask every question once, as a first wave of staff would (fills the answer caches, loads lazy parts)."""
    for i, question in enumerate(asked):
        status, body = ask(server.base, question, f"warm-{i % 16}")
        if status != 200:
            raise RuntimeError(f"{server.kind}: /api/ask answered {status} to {question!r}: {body}")


def load_server(
    server: Server, plans: int, asked: list[str], args: argparse.Namespace, results: Results
) -> None:
    """wrk against /api/ask (and /wechat on the shipped corpus), after a short warm-up load."""
    endpoints = ["/api/ask", "/wechat"] if plans == 1 and server.kind != "peer" else ["/api/ask"]
    warm = max(2.0, min(5.0, args.duration / 4))  # lets gunicorn's second worker finish building its index
    for endpoint in endpoints:
        mode = endpoint.strip("/").split("/")[-1]
        if mode == "wechat":
            problem = wechat_problem(server.base, WECHAT_TOKEN, asked[0])
            if problem:
                results.notes.append(f"{SERVERS[server.kind]}: /wechat skipped: {problem}")
                say(f"  /wechat skipped: {problem}")
                continue

        def sign() -> str:  # signed right before each run: the server refuses timestamps over 300 s old
            return f"{endpoint}?{wechat_query(WECHAT_TOKEN)}"

        signer = sign if mode == "wechat" else None
        run_wrk(server.base, endpoint, mode, asked, warm, args.connections, sessions=SESSIONS_PER_THREAD,
                sign=signer)
        load = run_wrk(server.base, endpoint, mode, asked, args.duration, args.connections,
                       sessions=SESSIONS_PER_THREAD, sign=signer)
        row = HttpRow(SERVERS[server.kind], plans, endpoint, load, server.first_answer_s, server.rss_mib())
        results.http.append(row)
        say(
            f"  {endpoint}: {load.rps:.0f} req/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, "
            f"{load.requests} requests, {load.non_2xx} non-2xx, {sum(load.socket_errors.values())} socket errors"
        )


def start_up(results: Results, asked: list[str], plans: int, snapshot: str, server: Server) -> None:
    """Record a server's start-up (first answer, index build, memory after a first wave of questions)."""
    health = get_json(f"{server.base}/healthz")
    say(f"  first answer {server.first_answer_s:.2f} s after the process started ({health.get('clauses')} clauses, "
        f"{snapshot})")
    warm_up(server, asked)
    results.startup.append(
        {
            "plans": plans,
            "clauses": health.get("clauses"),
            "snapshot": snapshot,
            "first_answer_s": server.first_answer_s,
            "build_s": health.get("build_seconds"),
            "rss_mib": sum(server.rss_mib().values()),
        }
    )


def run_servers(results: Results, asked: list[str], fresh: list[str], args: argparse.Namespace,
                workdir: Path) -> None:
    """For each corpus size: `python app.py` started without an index snapshot (start-up, memory, load) and
    again from the snapshot it left (start-up); then gunicorn under load (at 1 plan: beside the naive peer,
    and behind nginx)."""
    if args.only != "startup":
        ensure_wrk()
    for plans in args.plans:
        corpus = make_corpus(workdir / f"corpus-{plans}", plans) if plans > 1 else None
        snapshot = str(workdir / f"index-snapshot-{plans}.json")  # none yet: the first start writes it
        env = {"WECHAT_TOKEN": WECHAT_TOKEN, "INDEX_SNAPSHOT": snapshot}
        for label in ("no snapshot", "from snapshot"):
            say(f"{SERVERS['waitress']}, {plans} plan(s), {label}: starting")
            with serving("waitress", workdir, corpus, env=env) as server:
                start_up(results, asked, plans, label, server)
                if label == "no snapshot" and args.only != "startup":
                    load_server(server, plans, asked, args, results)
        if args.only == "startup":
            continue
        if plans == 1:
            head_to_head(results, asked, fresh, args, workdir, env)
            behind_nginx(results, asked, args, workdir, env)
            continue
        say(f"{SERVERS['gunicorn']}, {plans} plan(s): starting")
        with serving("gunicorn", workdir, corpus, env=env) as server:
            load_server(server, plans, asked, args, results)


def head_to_head(results: Results, asked: list[str], fresh: list[str], args: argparse.Namespace, workdir: Path,
                 env: dict[str, str], modes: tuple[str, ...] = ("repeated", "new")) -> None:
    """gunicorn -w 2 with the question log on, with it off, the naive peer and the ceiling (a bare WSGI app
    returning a fixed answer), all running at once and loaded in turn, round after round, with repeated
    questions (`asked`) and with new ones (`fresh`): the machine's drift (other tenants, heat) falls on all
    alike. Each one's median run is what the acceptance compares. The ceiling answers every question the same,
    so it is loaded once a round, beside the repeated questions."""
    contenders = [("peer", "peer", {}), ("ceiling", "ceiling", {}), ("gunicorn", "gunicorn", {}),
                  ("gunicorn", "gunicorn, log off", {"LOG_QUESTIONS": "false"})]
    if "repeated" not in modes:
        contenders = [c for c in contenders if c[0] != "ceiling"]
    if not PEER.is_dir():
        results.notes.append(f"the naive peer is not in {PEER}: measured without it")
        contenders = [c for c in contenders if c[0] != "peer"]
    duration = max(2.0, args.duration / 2)
    lists = {"repeated": asked, "new": fresh}
    cursor: dict[tuple[str, str], int] = {}  # where each server's next run starts in each list

    def load(name: str, server: Server, mode: str, seconds: float) -> Load:
        start = cursor.get((name, mode), 0)
        done = run_wrk(server.base, "/api/ask", "ask", lists[mode], seconds, args.connections,
                       sessions=SESSIONS_PER_THREAD, start=start)
        cursor[name, mode] = start + done.requests // 2 + 1  # on through the list: no question asked again
        return done

    with contextlib.ExitStack() as stack:
        servers = []
        for kind, name, extra in contenders:
            say(f"{SERVERS[name]}, 1 plan: starting")
            server = stack.enter_context(serving(kind, workdir, None, env={**env, **extra}))
            if kind == "gunicorn":
                warm_up(server, asked)
            for mode in modes if kind != "ceiling" else ("repeated",):
                load(name, server, mode, max(2.0, min(5.0, duration / 2)))
            servers.append((kind, name, server))
        for round_ in range(1, HEAD_TO_HEAD_ROUNDS + 1):
            for mode in modes:
                for kind, name, server in servers:
                    if kind == "ceiling" and mode != "repeated":
                        continue
                    done = load(name, server, mode, duration)
                    results.rounds.setdefault(round_label(name, mode), []).append(done)
                    say(f"  round {round_}, {round_label(name, mode)}: {done.rps:.0f} req/s, "
                        f"p50 {done.p50_ms:.1f} ms, p99 {done.p99_ms:.1f} ms, {done.errors} errors")
        for mode in modes:
            for kind, name, server in servers:
                if kind == "ceiling" and mode != "repeated":
                    continue
                results.http.append(HttpRow(SERVERS[name], 1, "/api/ask", median_run(
                    results.rounds[round_label(name, mode)]), server.first_answer_s, server.rss_mib(),
                    mode=mode if kind != "ceiling" else "any"))


def round_label(name: str, mode: str) -> str:
    """A contender's line in the table of rounds: its server and its questions."""
    return SERVERS[name] if name == "ceiling" else f"{SERVERS[name]}, {MODES[mode]}"


def behind_nginx(results: Results, asked: list[str], args: argparse.Namespace, workdir: Path,
                 env: dict[str, str]) -> None:
    """nginx in front of one server (gunicorn -w 2), then of two (gunicorn -w 1 each: the same two cores),
    the conversation state shared in Redis: the same load through nginx, in turn, round after round."""
    try:
        redis = RedisServer(workdir).start()
    except MISSING as exc:  # tests.services skips (a pytest outcome) when redis-server is missing
        results.notes.append(f"behind nginx: not measured ({exc})")
        return
    shared = {**env, "STATE_URL": redis.url}
    duration = max(2.0, args.duration / 2)
    try:
        with contextlib.ExitStack() as stack:
            one = stack.enter_context(serving("gunicorn", workdir, None, env=shared))
            pair = [stack.enter_context(serving("gunicorn", workdir, None, env=shared, workers=1))
                    for _ in range(2)]
            fronts = {}
            for name, upstreams in ((NGINX_ONE, [one]), (NGINX_TWO, pair)):
                folder = workdir / f"nginx-{len(upstreams)}"
                folder.mkdir()
                nginx = Nginx(folder, [s.port for s in upstreams]).start()
                stack.callback(nginx.stop)
                for server in upstreams:
                    warm_up(server, asked)
                run_wrk(nginx.base, "/api/ask", "ask", asked, 3, args.connections, sessions=SESSIONS_PER_THREAD)
                fronts[name] = (nginx, upstreams)
            for round_ in range(1, HEAD_TO_HEAD_ROUNDS + 1):
                for name, (nginx, _) in fronts.items():
                    load = run_wrk(nginx.base, "/api/ask", "ask", asked, duration, args.connections,
                                   sessions=SESSIONS_PER_THREAD)
                    results.rounds.setdefault(name, []).append(load)
                    say(f"  round {round_}, {name}: {load.rps:.0f} req/s, p99 {load.p99_ms:.1f} ms, "
                        f"{load.errors} errors")
            for name, (_, upstreams) in fronts.items():
                rss = {pid: mib for s in upstreams for pid, mib in s.rss_mib().items()}
                results.http.append(HttpRow(name, 1, "/api/ask", median_run(results.rounds[name]),
                                            max(s.first_answer_s for s in upstreams), rss))
            sessions = redis_sessions(redis.url)
            results.settings["redis_sessions"] = sessions
            say(f"  conversations kept in the shared Redis: {sessions}")
    except MISSING as exc:
        results.notes.append(f"behind nginx: not measured ({exc})")
    finally:
        redis.stop()


def redis_sessions(url: str) -> int:
    """How many conversations the shared Redis holds (what the servers behind nginx share)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        return sum(1 for _ in client.scan_iter(match="*session:*", count=1000))
    finally:
        client.close()


def median_run(loads: list[Load]) -> Load:
    """The run with the median throughput (the lower middle one of an even number)."""
    return sorted(loads, key=lambda load: load.rps)[(len(loads) - 1) // 2]


def main(argv: list[str] | None = None) -> int:
    """Measure, print, write the results; exit 1 when an acceptance line fails."""
    args = parse_args(argv)
    started = time.monotonic()
    results = Results(
        machine.facts(),
        {
            "command": shlex.join(["python", "bench/run.py", *(argv or sys.argv[1:])]),
            "duration": round(args.duration),
            "connections": args.connections,
            "rounds": args.rounds,
        },
    )
    asked = questions()
    results.settings["questions"] = len(asked)
    fresh = of_folder() if args.only in (None, "http", "new") else []
    results.settings["new_questions"] = len(fresh)
    if fresh:
        say(f"{len(fresh)} distinct new phrasings made from the shipped plan (bench/phrasings.py)")
    facts = results.facts
    say(
        f"{facts['cpu']}, {facts['cores']} cores, {facts['memory']}, {facts['python']}; load average {facts['load']}"
    )
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        if args.only in (None, "engine"):
            run_engine(results, asked, args)
        if args.only in (None, "startup", "http"):
            run_servers(results, asked, fresh, args, Path(tmp))
        if args.only in ("new", "repeated"):
            ensure_wrk()
            env = {"WECHAT_TOKEN": WECHAT_TOKEN, "INDEX_SNAPSHOT": str(Path(tmp) / "index-snapshot-1.json")}
            head_to_head(results, asked, fresh, args, Path(tmp), env, modes=(args.only,))
        if args.only in (None, "compilation"):
            results.compilation = compilation.measure(Path(tmp) / "compilation", say)
        if args.only in (None, "reading"):
            from reading import reading_section

            results.reading = reading_section()
            say("\n".join(results.reading))
    results.settings["load_end"] = "%.2f %.2f %.2f" % machine.load_average()
    results.notes += [
        f"Repeated questions: the load rotates over {len(asked)} real questions (the dev set and tests/questions) "
        f"from {2 * SESSIONS_PER_THREAD} distinct session ids; /wechat messages each have their own MsgId (no "
        "resends).",
        f"New questions: {len(fresh) or 'the'} distinct phrasings made from the shipped plan's task titles and units "
        "(bench/phrasings.py: question forms × topics and units × openings and endings), each server going on "
        "through the list from run to run: none is asked twice within 4,096 others, so no cache holds it; the "
        "naive peer caches nothing, so both kinds cost it the same.",
        "The whole compilation in-process: the assistant built and made ready as the servers make it (web.ready), "
        f"{compilation.WARM_QUESTIONS} other new questions asked untimed (what a server keeps of its answers: the "
        f"checked next questions), then {compilation.IN_PROCESS_QUESTIONS} new ones timed, each asked once.",
        "The ceiling is a bare WSGI app (bench/ceiling.py) that reads the request and returns a fixed answer of "
        "3 KiB, served by gunicorn -w 2's plain sync worker: the most any app serves with this server and load.",
        "After the warm-up every worker's answer caches hold those questions; what an answer costs when it is "
        "computed is the in-process p50/p99 (caches emptied each round).",
        "wrk runs on the same 2 cores as the server, so it takes part of the CPU the server could use.",
        "Servers run with Python's bytecode cache on, as deployed (PYTHONDONTWRITEBYTECODE is unset for them): "
        "the first start of a size compiles the project's modules, the start from the snapshot reads them.",
        "A corpus of N plans holds copies of the two real plans under distinct names, so a unit's tasks are "
        "cited N/2 times: the answers (KiB/answer) grow with N more than those of N distinct plans would.",
        f"Load average {facts['load']} before the run (other work on the machine makes figures noisy; the "
        f"{results.settings['load_end']} at the end includes the bench's own load).",
    ]
    say("")
    for title, rows, render in (
        ("Start-up (python app.py)", results.startup, startup_table),
        ("In-process answer latency", results.engine, engine_table),
        ("HTTP under load", results.http, http_table),
        ("Loaded in turn", results.rounds, rounds_table),
        ("The whole compilation", results.compilation, compilation_tables),
    ):
        if rows:
            say(f"{title}\n{render(rows)}\n")
    if results.rounds:
        say(f"New and repeated questions, as ratios\n{ratios_table(results)}\n")
    verdicts = acceptance(results)
    say("\n".join(verdicts))
    out = args.out or (RESULTS if is_full(args) else None)
    if out is not None:
        out.write_text(markdown(results), encoding="utf-8")
        say(f"\nwritten: {out}")
    else:
        say("\n(a shortened run: bench/RESULTS.md left as it is; --out FILE writes these figures)")
    say(f"took {time.monotonic() - started:.0f} s")
    return 1 if any(v.startswith("FAIL") for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
