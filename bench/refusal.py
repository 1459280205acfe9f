"""Where to refuse: the best clause's coverage for answerable and out-of-scope questions, by threshold.

python bench/refusal.py     # over tests/questions/*.yaml with both plans in the corpus
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import Assistant, StateStore  # noqa: E402


def first_turns(path: Path):
    """The questions of a set that stand on their own (first turns of dialogues included)."""
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        yield item["dialogue"][0] if "dialogue" in item else item


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("plan.txt", "units.yaml", "terms.yaml"):
            shutil.copy(ROOT / "corpus" / name, folder / name)
        for extra in (ROOT / "tests" / "data").glob("*.txt"):
            shutil.copy(extra, folder / extra.name)
        assistant = Assistant.from_folder(folder, store=StateStore(":memory:"))
    answerable, outside = [], []
    for path in sorted((ROOT / "tests" / "questions").glob("*.yaml")):
        for item in first_turns(path):
            query = assistant.analyzer.analyze(item["q"])
            if query.intent == "unit_tasks" or not query.terms:
                continue  # answered from the duty table, not by retrieval
            hits = assistant.retriever.bm25.top(query.terms, k=20)
            best = max((assistant.retriever.coverage(query, i) for i, _ in hits), default=0.0)
            (outside if item["type"] == "oos" else answerable).append(best)
    print(f"{len(answerable)} answerable and {len(outside)} out-of-scope questions (retrieval only)")
    print("coverage  answerable  out-of-scope")
    for low in [x / 10 for x in range(11)]:
        a = sum(1 for c in answerable if low <= c < low + 0.1 or (low == 1.0 and c == 1.0))
        o = sum(1 for c in outside if low <= c < low + 0.1 or (low == 1.0 and c == 1.0))
        print(f"  {low:.1f}     {'#' * a:<40} {'x' * o}")
    print("threshold  wrongly refused  wrongly answered")
    for threshold in (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        print(
            f"  {threshold:.2f}     {sum(c < threshold for c in answerable):>6}          "
            f"{sum(c >= threshold for c in outside):>6}"
        )
    print(f"shipped min_coverage: {assistant.retriever.settings.min_coverage}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
