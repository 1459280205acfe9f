"""gunicorn's settings for bench/profile_load.py: the project's gunicorn.conf.py, and a cProfile of each worker's
main thread from its fork to its exit, written to $BENCH_PROFILE_DIR/worker-<pid>.prof (no profile when the
variable is empty). Bench-only: deployments never read this file."""

import os
from pathlib import Path

_PROJECT = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_PROJECT.read_text(encoding="utf-8"), str(_PROJECT), "exec"))  # noqa: S102 — the project's own settings

_OUT = os.environ.get("BENCH_PROFILE_DIR", "")


def post_fork(server, worker):
    """In the new worker: start profiling its main thread."""
    if _OUT:
        import cProfile
        import time

        # the thread's CPU time, not the wall clock: on a machine shared with other work, a thread waiting for a
        # core would charge its wait to whatever function it was in
        worker.bench_profile = cProfile.Profile(time.thread_time)
        worker.bench_profile.enable()


def worker_exit(server, worker):
    """In the worker, as it exits: write its profile."""
    profile = getattr(worker, "bench_profile", None)
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.path.join(_OUT, f"worker-{os.getpid()}.prof"))
