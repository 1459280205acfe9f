"""In-process figures: dictionary load, index build, answer latency p50/p99, at 1, 10 and 100 plans.

python bench/bench_engine.py            # prints a table; --plans 1 10 100 to choose the sizes
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale_corpus import make_corpus  # noqa: E402
from qa import Assistant, StateStore  # noqa: E402
from qa import load_corpus  # noqa: E402
from qa.measure import percentile  # noqa: E402
from qa.index.tokenize import base_dictionary  # noqa: E402
from web import ready  # noqa: E402
from web.server import freeze_heap  # noqa: E402


# the plans loaded together in the issue on several plans (tests/test_plans.py asks its question sets of them)
TWELVE_PLANS = (
    ROOT / "corpus" / "plan.txt",
    ROOT / "tests" / "data" / "sanya-2023-business-environment-plan.txt",
    *sorted((ROOT / "tests" / "data" / "real").glob("*.txt")),
)


def questions(extra: list[Path] = ()) -> list[str]:
    """The dev questions when ../shared is there, and the project's own sets (and `extra` sets)."""
    sets = [
        ROOT.parent / "shared" / "eval" / "dev.yaml",
        ROOT / "tests" / "questions" / "xilingol.yaml",
        ROOT / "tests" / "questions" / "sanya.yaml",
        *extra,
    ]
    out = []
    for path in sets:
        if path.is_file():
            for item in yaml.safe_load(path.read_text(encoding="utf-8")):
                out += [t["q"] for t in item.get("dialogue", [item])]
    return out


def twelve_plans(folder: Path) -> Path:
    """The twelve plans of the issue on several plans in `folder`: the shipped one, Sanya's and the ten real ones
    (tests/data/real), each a file."""
    for path in TWELVE_PLANS:
        shutil.copy(path, folder / path.name)
    return folder


def twelve_questions() -> list[str]:
    """The questions asked of the twelve plans: the dev set and the project's sets, and the twelve's own sets
    (named, shared, follow-ups…) and those of each real plan."""
    sets = [p for p in sorted((ROOT / "tests" / "questions" / "plans").glob("*.yaml")) if p.stem != "names"]
    return questions([*sets, *sorted((ROOT / "tests" / "questions" / "real").glob("*.yaml"))])


def measure(plans: int, asked: list[str], rounds: int, corpus_dir: Path | None = None) -> dict:
    """Build an assistant over `plans` plans (or the plans of `corpus_dir`) and time every question `rounds`
    times."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = corpus_dir or (make_corpus(Path(tmp) / "corpus", plans) if plans > 1 else ROOT / "corpus")
        started = time.perf_counter()
        corpus = load_corpus(folder, ROOT / "corpus")
        segmented = time.perf_counter() - started
        assistant = Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"))
        built = time.perf_counter() - started
        ready(assistant)  # what every server makes before its first request (web.ready), outside the build time
    freeze_heap()  # as the servers do before serving (web/server.py): the index out of the collector's scans
    latencies, warm = [], []
    for n in range(rounds):
        # Cold: the caches of understood questions and answers emptied, so every answer is computed.
        assistant.answer.cache_clear()
        assistant.analyzer._read.cache_clear()
        assistant.analyzer.needs_context.cache_clear()
        assistant.suggest.cache_clear()  # the next questions under each answer, made afresh too
        assistant.catalogue.scope_of.cache_clear()  # the plans each question names, read afresh
        assistant.several.cache_clear()  # and each plan's answer to a topic several plans hold
        for i, question in enumerate(asked):
            t = time.perf_counter()
            assistant.ask(question, f"bench-{n}-{i % 7}")
            latencies.append((time.perf_counter() - t) * 1000)
    for i, question in enumerate(asked):  # warm: the same questions asked again
        t = time.perf_counter()
        assistant.ask(question, f"warm-{i % 7}")
        warm.append((time.perf_counter() - t) * 1000)
    gc.unfreeze()  # this corpus size's index goes back to the collector, to be freed before the next
    return {
        "plans": plans or len({(c.source, c.doc) for c in corpus.clauses}),
        "clauses": len(corpus.clauses),
        "segment_s": segmented,
        "build_s": built,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "warm_p50_ms": statistics.median(warm),
        "n": len(latencies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="measure the plans of this folder instead of copies")
    parser.add_argument("--questions", type=Path, nargs="*", default=[], help="more question sets (YAML)")
    args = parser.parse_args()
    started = time.perf_counter()
    base_dictionary()
    print(f"jieba dictionary load: {time.perf_counter() - started:.2f} s (once per process)")
    asked = questions(args.questions)
    print(f"{len(asked)} questions x {args.rounds} rounds per corpus size")
    print("latency: every answer computed (caches emptied each round); 'warm p50' when asked again")
    print(
        f"{'plans':>5} {'clauses':>8} {'segment s':>10} {'build s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
        f" {'warm p50':>9}"
    )
    for plans in [0] if args.corpus else args.plans:
        r = measure(plans, asked, args.rounds, args.corpus)
        print(
            f"{r['plans']:>5} {r['clauses']:>8} {r['segment_s']:>10.2f} {r['build_s']:>8.2f} "
            f"{r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} {r['max_ms']:>7.2f} {r['warm_p50_ms']:>9.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
