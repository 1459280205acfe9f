"""Start the app as users do (`python app.py`, gunicorn), time it to its first answer,
read its memory, stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.client import ask

ROOT = Path(__file__).resolve().parent.parent
PROBE = "简易注销有哪些配合单位？"
# The simplest jieba + rank-bm25 + Flask build, the yardstick measured beside the project in the same run.
PEER = ROOT.parent / "shared" / "bench" / "naive_peer"
# A bare WSGI app returning a fixed answer (bench/ceiling.py): the most any app serves here.
CEILING = Path(__file__).resolve().parent


@dataclass
class Server:
    """A running server: its process (the gunicorn master for gunicorn), address and start-up time."""

    kind: str
    command: list[str]
    process: subprocess.Popen
    port: int
    log: Path
    first_answer_s: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The server's process and its children (gunicorn's workers)."""
        pids = [self.process.pid]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(p) for p in children]
        return pids

    def rss_mib(self) -> dict[int, float]:
        """Resident memory of each process in MiB (VmRSS)."""
        return {pid: rss_mib(pid) for pid in self.pids()}

    def workers(self) -> list[int]:
        """gunicorn's worker processes (the master's children); [] for a server of one process."""
        return self.pids()[1:]

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's output, to say why it failed."""
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        return ""


def rss_mib(pid: int) -> float:
    """A process's resident set size in MiB (0 when it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def memory_mib(pid: int) -> dict[str, float]:
    """A process's memory in MiB: rss (resident), uss (unique: its private pages, what it alone costs; the
    pages it shares with gunicorn's master and the other workers after the fork are not in it), pss (its
    share of the shared pages added) and hwm (the most it was ever resident); {} when it is gone."""
    found: dict[str, float] = {}
    with contextlib.suppress(OSError, ValueError, IndexError):
        rollup = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            rollup[name.strip()] = int(rest.split()[0]) / 1024
        found = {"rss": rollup["Rss"], "pss": rollup["Pss"],
                 "uss": rollup["Private_Clean"] + rollup["Private_Dirty"]}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                found["hwm"] = int(line.split()[1]) / 1024
    return found


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on the loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(kind: str, port: int, corpus: Path | None, workers: int = 2) -> list[str]:
    """The command line users run: `python app.py --port P [--corpus DIR]` or gunicorn with its workers
    (gunicorn reads the project's gunicorn.conf.py from the folder it starts in, as it does for users)."""
    if kind == "waitress":
        return [sys.executable, "app.py", "--port", str(port), *(["--corpus", str(corpus)] if corpus else [])]
    if kind == "gunicorn":  # the corpus comes from CORPUS_DIR (see env below): gunicorn passes no flags on
        return [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                "app:create_app()"]
    if kind == "peer":  # run in PEER's folder: its wsgi.py imports its own app.py
        return [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"]
    if kind == "profiled":  # bench/profile_load.py: the project's settings and a cProfile in each worker
        return [sys.executable, "-m", "gunicorn", "-c", "bench/profile_conf.py", "-w", str(workers), "-b",
                f"127.0.0.1:{port}", "app:create_app()"]
    if kind == "ceiling":  # run in bench/: no gunicorn.conf.py there, gunicorn's plain sync worker
        return [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "ceiling:app"]
    raise ValueError(f"unknown server kind {kind!r}")


@contextlib.contextmanager
def serving(
    kind: str,
    workdir: Path,
    corpus: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120.0,
    workers: int = 2,
    probe: str = PROBE,
) -> Iterator[Server]:
    """Start a server with its own state database in `workdir`, wait for its first answer (to `probe`), stop it
    after."""
    port = free_port()
    cmd = command(kind, port, corpus, workers)
    environ = {**os.environ, "STATE_DB": str(workdir / f"state-{kind}-{port}.sqlite3"), **(env or {})}
    environ.pop("CORPUS_DIR", None)  # without a corpus: the one config.yaml names, as users start it
    # Python as deployed keeps its bytecode cache (__pycache__), which some shells turn off: a start-up that
    # compiled every module of the project from source each time would not be the one users see.
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if corpus is not None:
        environ["CORPUS_DIR"] = str(corpus)
    log = workdir / f"{kind}-{port}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        # a session of its own: stopping the group stops gunicorn's workers too
        process = subprocess.Popen(
            cmd,
            cwd={"peer": PEER, "ceiling": CEILING}.get(kind, ROOT),
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(kind, cmd, process, port, log)
    try:
        server.first_answer_s = _first_answer(server, started, timeout, probe)
        yield server
    finally:
        stop(server)


def _first_answer(server: Server, started: float, timeout: float, probe: str = PROBE) -> float:
    """Seconds from the process start to its first 200 from /api/ask that finds an answer to `probe`;
    RuntimeError if it dies or never answers."""
    while time.perf_counter() - started < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited with {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(OSError):
            status, body = ask(server.base, probe, timeout=timeout)
            if status == 200 and body.get("found"):
                return time.perf_counter() - started
            if status != 200:
                raise RuntimeError(f"{server.kind}: /api/ask answered {status}: {body}")
        time.sleep(0.02)
    raise RuntimeError(f"{server.kind} gave no answer within {timeout:.0f} s:\n{server.log_tail()}")


def stop(server: Server) -> None:
    """SIGTERM the server's process group, SIGKILL it after 10 s."""
    if server.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(5)
