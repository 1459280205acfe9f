"""The whole compilation (../shared/corpus/compilation, 21 files read as their ~200 documents) as one corpus:
start-up with no snapshot and from it, each gunicorn worker's memory after preload and fork, the answer
latency in-process on new questions, and the pages and downloads at that size.

    python bench/run.py --only compilation       # this part alone (about 2 minutes)
"""

from __future__ import annotations

import gc
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from bench.client import ask, get_json
from bench.phrasings import phrasings
from bench.server import ROOT, Server, memory_mib, serving

COMPILATION = ROOT.parent / "shared" / "corpus" / "compilation"
IN_PROCESS_QUESTIONS = 3000  # new questions timed in-process (each asked once: nothing is cached)
# other new questions asked first, untimed, as a server has answered some before: what it keeps of every answer
# (the checked next questions, a few thousand candidates made from the plans' titles and units) is then there
WARM_QUESTIONS = 500
HTTP_WARM_QUESTIONS = 400  # new questions asked over HTTP before the workers' memory is read
PAGE_TRIES = 3  # each page fetched this many times: the first may find a worker that has not made it yet
START_TIMEOUT = 300.0


def in_process(folder: Path, count: int = IN_PROCESS_QUESTIONS) -> dict:
    """Build the assistant over the folder in this process and time `count` new questions, each once."""
    from qa import Assistant, StateStore, load_corpus
    from qa.measure import percentile
    from web import ready
    from web.server import freeze_heap

    started = time.perf_counter()
    corpus = load_corpus(folder, ROOT / "corpus")
    assistant = ready(Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:")))
    built = time.perf_counter() - started
    freeze_heap()  # as the servers do before serving (and what they make before it: web.ready)
    asked = phrasings(corpus.clauses, count)
    timed = set(asked)
    others = [q for q in phrasings(corpus.clauses, 2 * WARM_QUESTIONS, seed=99) if q not in timed][:WARM_QUESTIONS]
    for i, question in enumerate(others):  # none of the timed ones: those are asked once, below
        assistant.ask(question, f"warm-{i % 64}")
    latencies, found = [], 0
    for i, question in enumerate(asked):
        t = time.perf_counter()
        answer = assistant.ask(question, f"bench-{i % 64}")
        latencies.append((time.perf_counter() - t) * 1000)
        found += answer.found
    counts = {u: len(t["lead"]) + len(t["cooperate"]) for u, t in assistant._tasks_by_unit.items()}
    busiest = max(counts, key=counts.get)
    probe = next(q for q in asked if assistant.ask(q).found)
    result = {
        "documents": len({(c.source, c.doc) for c in corpus.clauses}),
        "clauses": len(corpus.clauses),
        "tasks": len(assistant.task_clauses),
        "units": len(assistant.duty_units),
        "build_s": built,
        "questions": len(asked),
        "found": found,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "busiest": busiest,
        "busiest_tasks": counts[busiest],
        "probe": probe,
        "asked": phrasings(corpus.clauses, HTTP_WARM_QUESTIONS, seed=7),
    }
    gc.unfreeze()
    del assistant, corpus
    gc.collect()
    return result


def fetch(url: str, timeout: float = 60.0) -> tuple[int, int, float]:
    """GET a page whole: (status, bytes, seconds)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        size, status = len(exc.read()), exc.code
    return status, size, time.perf_counter() - started


def workers_memory(server: Server) -> list[dict[str, float]]:
    """Each gunicorn worker's memory (rss, uss, pss, hwm in MiB)."""
    return [memory_mib(pid) for pid in server.workers()]


def measure(workdir: Path, say: Callable[[str], None] = print, folder: Path = COMPILATION) -> dict:
    """The compilation's figures (see the module's docstring); {"absent": …} when the folder is missing."""
    if not folder.is_dir():
        return {"absent": str(folder)}
    workdir.mkdir(parents=True, exist_ok=True)
    say(f"the compilation ({folder}): in-process build and {IN_PROCESS_QUESTIONS} new questions")
    found = in_process(folder)
    say(f"  {found['documents']} documents, {found['clauses']} clauses, {found['tasks']} tasks, "
        f"{found['units']} units; p50 {found['p50_ms']:.2f} ms, p99 {found['p99_ms']:.2f} ms")
    snapshot = workdir / "compilation-snapshot.json"
    env = {"INDEX_SNAPSHOT": str(snapshot)}
    starts = {}
    for label in ("no snapshot", "from snapshot"):
        say(f"  gunicorn -w 2 over the compilation, {label}: starting")
        with serving("gunicorn", workdir, folder, env=env, timeout=START_TIMEOUT, probe=found["probe"]) as server:
            health = get_json(f"{server.base}/healthz")
            starts[label] = {"first_answer_s": server.first_answer_s, "build_s": health.get("build_seconds"),
                             "documents": len(health.get("documents") or ())}
            say(f"    first answer after {server.first_answer_s:.2f} s")
            if label == "no snapshot":
                continue
            found["memory_started"] = workers_memory(server)
            for i, question in enumerate(found["asked"]):
                ask(server.base, question, f"compilation-{i % 16}", timeout=30)
            found["memory_answered"] = workers_memory(server)
            say("    workers after preload, fork and %d new questions: %s" % (
                len(found["asked"]),
                ", ".join(f"RSS {m['rss']:.0f} / USS {m['uss']:.0f} MiB" for m in found["memory_answered"])))
            pages = {}
            for name, path in (
                ("/units", "/units"),
                (f"/units/{found['busiest']}", f"/units/{quote(found['busiest'])}"),
                ("/plan", "/plan"),
                ("/units.csv", "/units.csv"),
                ("/units.xlsx", "/units.xlsx"),
            ):
                tries = [fetch(server.base + path) for _ in range(PAGE_TRIES)]
                pages[name] = {"status": [t[0] for t in tries], "bytes": max(t[1] for t in tries),
                               "seconds": [t[2] for t in tries]}
                say(f"    {name}: {tries[0][0]}, {pages[name]['bytes'] / 1e6:.2f} MB, "
                    + " / ".join(f"{t[2] * 1000:.0f}" for t in tries) + " ms")
            found["pages"] = pages
            found["memory_pages"] = workers_memory(server)
    found["starts"] = starts
    del found["asked"]
    return found
