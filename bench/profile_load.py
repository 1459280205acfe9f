"""Where a request's time goes under load: cProfile in a gunicorn worker, the whole request (gunicorn's parsing,
the WSGI path, the engine, the context write, the log, the JSON), and each thread's CPU time.

    python bench/profile_load.py                     # new questions, 15 s, the shipped plan
    python bench/profile_load.py --mode repeated --sort tottime --top 40
    python bench/profile_load.py --corpus ../shared/corpus/compilation

One worker (`gunicorn -w 1`, the project's gunicorn.conf.py and these hooks: bench/profile_conf.py) is loaded
by wrk; its profile is written when it exits and printed, with the CPU milliseconds each request cost the worker
process (all its threads) and each thread's share. The profile slows what it measures (about 2×); the shares
are what it is for.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_engine import questions  # noqa: E402
from bench.load import run_wrk  # noqa: E402
from bench.phrasings import of_folder  # noqa: E402
from bench.server import serving, stop  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) of each thread of a process, by thread name and id."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            name = (task / "comm").read_text().strip()
            found[f"{name}[{task.name}]"] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a whole process: its threads, those that have ended included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main(argv: list[str] | None = None) -> int:
    """Load one profiled worker and print where its time went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["new", "repeated"], default="new")
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--corpus", type=Path, help="a corpus folder (default: the shipped one)")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative | tottime")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--no-profile", action="store_true", help="CPU per request only, without cProfile")
    parser.add_argument("--env", nargs="*", default=[], help="NAME=VALUE settings for the server")
    args = parser.parse_args(argv)
    asked = of_folder(args.corpus) if args.mode == "new" else questions()
    with tempfile.TemporaryDirectory(prefix="qa-profile-") as tmp:
        out = Path(tmp)
        env = {"BENCH_PROFILE_DIR": "" if args.no_profile else str(out),
               "INDEX_SNAPSHOT": str(out / "snapshot.json"), **dict(e.split("=", 1) for e in args.env)}
        with serving("profiled", out, args.corpus, env=env, workers=1, timeout=300,
                     probe=asked[0] if args.corpus else "简易注销有哪些配合单位？") as server:
            worker = server.workers()[0]
            run_wrk(server.base, "/api/ask", "ask", asked, 3, args.connections, start=len(asked) // 2)
            before, began = thread_cpu(worker), process_cpu(worker)
            load = run_wrk(server.base, "/api/ask", "ask", asked, args.duration, args.connections)
            after, total = thread_cpu(worker), process_cpu(worker) - began
            stop(server)
        spent = {name: after[name] - before.get(name, 0.0) for name in after}
        print(f"{load.requests} requests in {load.seconds:.1f} s ({load.rps:.0f} req/s, p50 {load.p50_ms:.1f} ms, "
              f"p99 {load.p99_ms:.1f} ms, {load.errors} errors); the worker's CPU: "
              f"{total * 1000 / max(1, load.requests):.3f} ms a request")
        for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
            if seconds:
                print(f"  {name}: {seconds * 1000 / max(1, load.requests):.3f} ms a request")
        profiles = sorted(out.glob("worker-*.prof"))
        if profiles:
            stats = pstats.Stats(*map(str, profiles))
            stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
        elif not args.no_profile:
            print("no profile was written (the worker did not exit cleanly)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
