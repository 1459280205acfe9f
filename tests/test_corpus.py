"""A corpus folder read whole: a plan whose name leaves no room for its corrections file still loads."""

from __future__ import annotations

from pathlib import Path

from qa.reading.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_a_plan_named_near_the_file_systems_limit_loads(tmp_path):
    stem = "\U00020000" * 60  # 240 bytes: the plan's name fits, "<plan>.corrections.yaml" would not
    (tmp_path / f"{stem}.txt").write_text((ROOT / "corpus" / "plan.txt").read_text(encoding="utf-8"), encoding="utf-8")
    corpus = load_corpus(tmp_path, ROOT / "corpus")
    assert any(c.lead for c in corpus.clauses) and corpus.clauses[0].source == f"{stem}.txt"
