"""Load with wrk (Debian's package, installed when missing): requests/s, p50/p99,
errors and non-2xx answers."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "load.lua"
# Each run's WeChat MsgIds start here: a later run (after a warm-up) sends no resends of earlier messages.
_RUNS = itertools.count(1)


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    bytes: int  # read from the sockets, headers included
    non_2xx: int  # wrk's "Non-2xx or 3xx responses"; the endpoints never redirect
    socket_errors: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def kib_per_answer(self) -> float:
        return self.bytes / self.requests / 1024 if self.requests else 0.0

    @property
    def errors(self) -> int:
        """Socket errors (connect, read, write, timeout) and non-2xx answers together."""
        return self.non_2xx + sum(self.socket_errors.values())


def ensure_wrk() -> str:
    """The wrk executable; `apt-get install -y wrk` first when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:  # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(install, check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is still missing after apt-get install")
    return found


def questions_file(folder: Path, mode: str, questions: list[str]) -> Path:
    """The questions as load.lua reads them: JSON strings for "ask", raw text (CDATA-safe) for "wechat"."""
    if mode == "ask":
        lines = [json.dumps(q, ensure_ascii=True) for q in questions]
    else:
        lines = [q for q in questions if "]]>" not in q and "\n" not in q]
    path = folder / f"questions-{mode}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_wrk(
    base: str,
    path: str,
    mode: str,
    questions: list[str],
    duration: float,
    connections: int = 32,
    threads: int = 2,
    sessions: int = 64,
    sign: Callable[[], str] | None = None,
    start: int = 0,
) -> Load:
    """Load `base + path` for `duration` seconds from `connections` connections; RuntimeError if wrk fails.

    With `sign`, every request goes to a URL of its own that `sign()` makes (a signed /wechat?… URL). The
    threads ask from evenly spaced places in `questions`, from `start` on (see load.lua).
    """
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        data = questions_file(Path(tmp), mode, questions)
        target = path
        if sign is not None:  # a signed URL for each request wrk may send: each is good for one body
            urls = Path(tmp) / "paths.txt"
            urls.write_text("\n".join(sign() for _ in range(int(max(1, duration) * 4000 * threads))) + "\n")
            target = "@" + str(urls)
        cmd = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(SCRIPT),
            base + path.split("?")[0],
            "--",
            mode,
            str(data),
            target,
            str(sessions),
            str(next(_RUNS) * 10**11),
            str(threads),
            str(start),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    figures = json.loads(line.removeprefix("WRKJSON "))
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        bytes=figures["bytes"],
        non_2xx=figures["status"],
        socket_errors={k: figures[k] for k in ("connect", "read", "write", "timeout")},
    )
