"""The reading over the whole compilation (../shared/corpus/compilation): how long it takes and what
`python app.py check --summary` says of it, beside what it said before issue #20 (bench/reading_before.txt)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COMPILATION = ROOT.parent / "shared" / "corpus" / "compilation"
BEFORE = Path(__file__).resolve().parent / "reading_before.txt"


def reading_section(folder: Path = COMPILATION) -> list[str]:
    """Markdown lines: the time to read the folder (no plan cache) and its summary now and before."""
    if not folder.is_dir():
        return [f"{folder} is absent: not measured."]
    from qa.reading.corpus import load_corpus
    from qa.reading.summary import summarize

    started = time.perf_counter()
    corpus = load_corpus(folder, ROOT / "corpus")
    seconds = time.perf_counter() - started
    now = summarize(corpus.clauses).lines(shown=5)
    before = BEFORE.read_text(encoding="utf-8").splitlines()[1:] if BEFORE.is_file() else []
    return [
        f"{len(corpus.clauses)} clauses read from the 21 files in {seconds:.1f} s (one process, no plan cache).",
        "",
        "Now:",
        "",
        "```",
        *now,
        "```",
        "",
        "Before issue #20 (at cf484ad):",
        "",
        "```",
        *before,
        "```",
    ]


if __name__ == "__main__":
    print("\n".join(reading_section()))
