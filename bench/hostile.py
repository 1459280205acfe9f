"""Another client's answers while the app is attacked (#23, items 2 and 5): its /api/ask latency and errors
under gunicorn (the project's gunicorn.conf.py, 2 workers), first alone, then while

- an admin uploads upload bombs again and again (a 1 MB PDF holding a 1 GB flate stream, a .docx whose XML is
  95 MB of digits: tests/bombs.py), and
- clients without a login ask for the matrix of a large corpus (/units page after page, /units.csv,
  /units.xlsx, /plan), four at a time, and
- two clients without a login flood the question log with distinct 500-character questions.

    python bench/hostile.py                                   # the whole compilation as the corpus
    python bench/hostile.py --seconds 30 --corpus corpus      # another corpus folder

Prints one line per phase: the client's requests, p50/p95/p99/max in ms, its 5xx and other failures; the
attackers' requests by status; each worker's peak RSS. Target: p99 < 100 ms and no 5xx for the client.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.phrasings import of_folder  # noqa: E402
from bench.server import rss_mib, serving  # noqa: E402
from bombs import docx_of_digits, pdf_flate_bomb  # noqa: E402

COMPILATION = ROOT.parent / "shared" / "corpus" / "compilation"
PASSWORD = "hostile-bench-password-1"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Client:
    """One keep-alive HTTP connection with a cookie jar (what a browser tab is)."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port, self.timeout, self.cookies = port, timeout, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, headers, body); a failed connection is reopened once and the request sent again."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return response.status, response.headers, data


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with `fields` and one file."""
    boundary = "----hostile" + str(time.time_ns())
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def uploader(port: int, stop: threading.Event, statuses: Counter) -> None:
    """The admin uploading bombs in turn until stopped."""
    admin = Client(port, timeout=120)
    _, _, page = admin.request("GET", "/admin/login")
    token = TOKEN.search(page.decode()).group(1)
    form = urlencode({"csrf_token": token, "password": PASSWORD}).encode()
    status, _, _ = admin.request("POST", "/admin/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"admin login failed: {status}")
    bombs = [("bomb.pdf", pdf_flate_bomb(1024)), ("digits.docx", docx_of_digits(95))]
    for n in itertools.count():
        if stop.is_set():
            return
        _, _, page = admin.request("GET", "/admin/plans")
        token = TOKEN.search(page.decode()).group(1)
        filename, data = bombs[n % len(bombs)]
        body, kind = multipart({"csrf_token": token}, "plan", f"{n}-{filename}", data)
        status, _, _ = admin.request("POST", "/admin/plans/upload", body, {"Content-Type": kind})
        statuses[f"upload {filename} {status}"] += 1


def matrix_reader(port: int, stop: threading.Event, statuses: Counter, pages: list[str]) -> None:
    """A client without a login asking for the matrix's pages and downloads in turn until stopped."""
    client = Client(port)
    for path in itertools.cycle(pages):
        if stop.is_set():
            return
        status, _, _ = client.request("GET", path)
        statuses[f"{path.split('?')[0]} {status}"] += 1


def flooder(port: int, stop: threading.Event, statuses: Counter) -> None:
    """A client flooding the log: distinct 500-character questions, as fast as they are answered."""
    client = Client(port)
    for n in itertools.count():
        if stop.is_set():
            return
        question = (f"{n:08d}" + "营商环境简易注销登记谁牵头" * 40)[:500]
        body = json.dumps({"question": question}, ensure_ascii=False).encode()
        status, _, _ = client.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
        statuses[f"flood /api/ask {status}"] += 1


def asker(port: int, stop: threading.Event, questions: list[str], out: dict) -> None:
    """Another client asking questions one after another: each answer's latency and status."""
    client = Client(port, timeout=30)
    latencies, statuses, failures = [], Counter(), 0
    for n, question in enumerate(itertools.cycle(questions)):
        if stop.is_set():
            break
        body = json.dumps({"question": question, "session_id": f"victim-{n % 8}"}, ensure_ascii=False).encode()
        started = time.perf_counter()
        try:
            status, _, _ = client.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
        except (OSError, http.client.HTTPException):
            failures += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] += 1
        time.sleep(0.01)  # a person, or a page, asks a hundred times a second at most
    out.update(latencies=latencies, statuses=statuses, failures=failures)


def summary(label: str, result: dict) -> str:
    """One line of figures for a phase."""
    ms = sorted(result["latencies"])
    if not ms:
        return f"{label}: no answers"
    q = statistics.quantiles(ms, n=100, method="inclusive")
    errors = sum(v for k, v in result["statuses"].items() if k >= 500)
    return (f"{label:<26s} {len(ms):>6d} answers  p50 {q[49]:6.1f}  p95 {q[94]:6.1f}  p99 {q[98]:6.1f}  "
            f"max {ms[-1]:7.1f} ms   5xx {errors}  other {dict(result['statuses'])}  failed {result['failures']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=COMPILATION, help="the corpus folder (the compilation)")
    parser.add_argument("--seconds", type=float, default=30.0, help="each phase's length")
    args = parser.parse_args(argv)
    from web.admin.auth import set_password

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        for name in ("units.yaml", "terms.yaml"):
            if not (corpus / name).exists() and (ROOT / "corpus" / name).exists():
                shutil.copy(ROOT / "corpus" / name, corpus / name)
        set_password(work / "instance", PASSWORD)
        questions = of_folder(corpus, 5000)
        env = {"INSTANCE_DIR": str(work / "instance"), "LOG_QUESTIONS": "true"}
        with serving("gunicorn", work, corpus, env=env, timeout=300, probe=questions[0]) as server:
            pages = ["/units", "/units?page=2", "/units?view=unit&page=3", "/units.csv", "/units.xlsx", "/plan",
                     "/plan?page=2"]
            quiet: dict = {}
            stop = threading.Event()
            thread = threading.Thread(target=asker, args=(server.port, stop, questions, quiet))
            thread.start()
            time.sleep(args.seconds)
            stop.set()
            thread.join()
            print(summary("alone", quiet))

            attacked: dict = {}
            statuses: Counter = Counter()
            stop = threading.Event()
            peaks: dict[int, float] = {}
            threads = [threading.Thread(target=uploader, args=(server.port, stop, statuses), daemon=True),
                       *(threading.Thread(target=matrix_reader, args=(server.port, stop, statuses, pages[n:] +
                                                                      pages[:n]), daemon=True) for n in range(4)),
                       *(threading.Thread(target=flooder, args=(server.port, stop, statuses), daemon=True)
                         for _ in range(2))]
            victim = threading.Thread(target=asker, args=(server.port, stop, questions[2500:], attacked))
            for t in [*threads, victim]:
                t.start()
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline:
                for pid in server.workers():
                    peaks[pid] = max(peaks.get(pid, 0.0), rss_mib(pid))
                time.sleep(0.2)
            stop.set()
            victim.join()
            for t in threads:
                t.join(120)
            print(summary("bombs + matrix + log flood", attacked))
            print("attackers' requests:", dict(sorted(statuses.items())))
            print("workers' peak RSS (MiB):", {pid: round(v) for pid, v in peaks.items()})
            ms = sorted(attacked.get("latencies", [0]))
            errors = sum(v for k, v in attacked.get("statuses", {}).items() if k >= 500)
            p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else float("inf")
            ok = p99 < 100 and errors == 0 and attacked.get("failures", 1) == 0
            print(f"target p99 < 100 ms and no 5xx: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
