"""Twelve documents drawn at random from ../shared/corpus/compilation (tests/data/first_contact/sample.py says
how), with gold written from the raw text before the parser was run on them: the tuning half and the held-out
half, each province file loaded whole (as an office would upload its compilation).

The floors are the scores now and only ever go up; `python tests/test_first_contact.py -v` prints the figures
per document and every wrong task, and `--base DIR` scores another checkout of the project (the first contact).
"""
from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "first_contact"
COMPILATION = ROOT.parent / "shared" / "corpus" / "compilation"
# half → share of its gold tasks with exactly the right units, as measured at the end of issue #20 (first contact:
# tuning 89/113 = 78.8%, held-out 100/130 = 76.9%; the acceptance: tuning 100%, held-out ≥ 90%)
FLOORS = {"tuning": 1.0, "held-out": 0.96}
HEADER = re.compile(r"compilation/(\w+\.txt)")
HALF = re.compile(r"^#\s*half:\s*(tuning|held-out)", re.MULTILINE)


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*_gold.yaml"))


def gold_of(path: Path) -> tuple[str, str, dict]:
    """(province file, half, gold table) of one gold file."""
    text = path.read_text(encoding="utf-8")
    return HEADER.search(text).group(1), HALF.search(text).group(1), yaml.safe_load(text)


@cache
def clauses_of(name: str):
    """The clauses of one province file, loaded alone with the shipped knowledge."""
    import shutil
    import tempfile

    from qa.reading.corpus import load_corpus

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(COMPILATION / name, Path(tmp) / name)
        return load_corpus(tmp, ROOT / "corpus").clauses


def scores() -> dict[str, tuple[int, int, list]]:
    """half → (exact, total, [(document, report)])."""
    from qa.evaluate import score_gold

    out: dict[str, tuple[int, int, list]] = {}
    for path in gold_files():
        name, half, gold = gold_of(path)
        report = score_gold(clauses_of(name), gold)
        exact, total, reports = out.get(half, (0, 0, []))
        out[half] = (exact + len(report.exact), total + len(report.exact) + len(report.wrong),
                     reports + [(path.stem, report)])
    return out


needs_compilation = pytest.mark.skipif(not COMPILATION.is_dir(), reason="../shared/corpus/compilation is absent")


def test_the_sample_is_twelve_documents_of_at_least_180_tasks():
    halves = [gold_of(p)[1] for p in gold_files()]
    assert halves.count("tuning") == 6 and halves.count("held-out") == 6
    assert sum(len(gold_of(p)[2]) for p in gold_files()) >= 180


@needs_compilation
@pytest.mark.parametrize("half", sorted(FLOORS))
def test_half_meets_its_floor(half):
    exact, total, reports = scores()[half]
    detail = "\n".join(f"{doc}: " + "; ".join(f"{i} {why}" for i, why in r.wrong) for doc, r in reports if r.wrong)
    assert exact / total >= FLOORS[half], detail


if __name__ == "__main__":
    if "--base" in sys.argv:  # score another checkout (the parser as it was at first contact)
        sys.path.insert(0, sys.argv[sys.argv.index("--base") + 1])
    else:
        sys.path.insert(0, str(ROOT))
    for half, (exact, total, reports) in sorted(scores().items(), key=lambda kv: kv[0] != "tuning"):
        print(f"{half:9s} {exact}/{total} = {exact / total:.1%}")
        for doc, report in reports:
            n = len(report.exact) + len(report.wrong)
            print(f"    {doc:24s} {len(report.exact):3d}/{n:<3d}")
            if "-v" in sys.argv:
                for gold_id, why in report.wrong:
                    print(f"        {gold_id}: {why}")
