"""Each plan's clauses kept between start-ups (qa/reading/plan_cache.py), as load_corpus uses them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import load_corpus
from qa.reading import corpus as corpus_module
from qa.reading.plan_cache import PlanCache, clause_from

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus"


@pytest.fixture()
def plans(tmp_path: Path) -> Path:
    """A corpus folder holding the shipped plan and the shipped YAML."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(SHIPPED / name, folder / name)
    return folder


def segmented(monkeypatch) -> list[str]:
    """The names of the plans load_corpus reads and segments from now on (cache misses)."""
    read: list[str] = []
    original = corpus_module.read_source

    def spy(path, limits):
        read.append(path.name)
        return original(path, limits)

    monkeypatch.setattr(corpus_module, "read_source", spy)
    return read


def test_a_second_load_reads_no_plan_and_gives_the_same_clauses(plans, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load_corpus(plans, cache=cache)
    read = segmented(monkeypatch)
    again = load_corpus(plans, cache=cache)
    assert read == []
    assert again.clauses == first.clauses and len(first.clauses) > 50
    assert again.clauses == load_corpus(plans).clauses  # the same as without any cache


def test_a_changed_plan_is_read_again(plans, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load_corpus(plans, cache=cache)
    text = (plans / "plan.txt").read_text(encoding="utf-8")
    (plans / "plan.txt").write_text(text.replace("简易注销", "简易撤销", 1), encoding="utf-8")
    read = segmented(monkeypatch)
    changed = load_corpus(plans, cache=cache)
    assert read == ["plan.txt"]
    assert any("简易撤销" in c.text for c in changed.clauses)
    assert len(list(cache.glob("*.json"))) == 1  # the old entry went


def test_changed_knowledge_reads_every_plan_again(plans, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load_corpus(plans, cache=cache)
    with (plans / "units.yaml").open("a", encoding="utf-8") as units:
        units.write("\n# a comment changes the file, and so the key\n")
    read = segmented(monkeypatch)
    load_corpus(plans, cache=cache)
    assert read == ["plan.txt"]


def test_a_damaged_entry_is_read_again_with_a_warning(plans, tmp_path, monkeypatch, caplog):
    cache = tmp_path / "cache"
    first = load_corpus(plans, cache=cache)
    (entry,) = cache.glob("*.json")
    entry.write_text('{"clauses": [{"id": 1}]', encoding="utf-8")
    read = segmented(monkeypatch)
    again = load_corpus(plans, cache=cache)
    assert read == ["plan.txt"] and again.clauses == first.clauses
    assert "unreadable" in caplog.text


def test_corrections_apply_after_the_cache(plans, tmp_path):
    cache = tmp_path / "cache"
    clause = next(c for c in load_corpus(plans, cache=cache).clauses if c.lead and c.cooperate)
    (plans / "plan.corrections.yaml").write_text(
        f"clauses:\n  - id: {clause.id}\n    lead: [盟财政局]\n    cooperate: []\n", encoding="utf-8"
    )
    fixed = next(c for c in load_corpus(plans, cache=cache).clauses if c.id == clause.id)
    assert fixed.lead == ("盟财政局",) and fixed.cooperate == ()


def test_an_unwritable_cache_costs_only_speed(plans, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    with pytest.raises(ValueError, match="must be a folder"):
        PlanCache(blocker, [], None)
    nested = blocker / "inside"  # cannot be made: its parent is a file
    assert load_corpus(plans, cache=nested).clauses == load_corpus(plans).clauses


def test_clause_from_refuses_what_is_not_a_clause():
    with pytest.raises(TypeError):
        clause_from(["not", "a", "clause"])
    with pytest.raises(TypeError):
        clause_from({"id": "x"})
