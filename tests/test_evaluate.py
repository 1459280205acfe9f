"""The project's own question sets, scored in-process with a floor per set and per type."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qa.evaluate import evaluate

QUESTIONS = Path(__file__).resolve().parent / "questions"


def load(name):
    return yaml.safe_load((QUESTIONS / name).read_text(encoding="utf-8"))


def assert_floor(report, overall, per_type):
    lines = "\n".join(report.lines(verbose=True))
    assert report.rate >= overall, lines
    for kind, oks in report.by_type.items():
        assert sum(oks) / len(oks) >= per_type, f"{kind}\n{lines}"


def test_xilingol_questions_on_the_shipped_plan(assistant):
    assert_floor(evaluate(assistant, load("xilingol.yaml")), 0.95, 0.8)


def test_xilingol_questions_with_both_plans(both_assistant):
    assert_floor(evaluate(both_assistant, load("xilingol.yaml")), 0.95, 0.8)


def test_sanya_questions_with_both_plans(both_assistant):
    assert_floor(evaluate(both_assistant, load("sanya.yaml")), 0.9, 0.66)


PLANS = Path(__file__).resolve().parent / "data" / "plans"


@pytest.mark.parametrize(
    "plan", sorted(p for p in PLANS.iterdir() if not p.name.endswith(".yaml")), ids=lambda p: p.stem
)
def test_questions_about_plans_of_other_layouts(tmp_path, plan):
    """Each plan alone in its folder, with no YAML of its own: the shipped knowledge serves."""
    import shutil

    from qa import Assistant, StateStore

    shutil.copy(plan, tmp_path / plan.name)
    assistant = Assistant.from_folder(
        tmp_path, store=StateStore(":memory:"), knowledge=Path(__file__).resolve().parent.parent / "corpus"
    )
    assert_floor(evaluate(assistant, load(f"{plan.stem}.yaml")), 0.95, 0.8)


def test_latency_is_recorded(assistant):
    report = evaluate(assistant, load("xilingol.yaml"))
    assert len(report.latencies) == sum(len(v) for v in report.by_type.values())
    assert "p50" in report.lines()[-2]


@pytest.mark.parametrize(
    "item, answer_found, ok",
    [({"q": "x", "type": "oos"}, False, True), ({"q": "x", "type": "oos"}, True, False)],
)
def test_oos_check(item, answer_found, ok):
    from qa.evaluate import check
    from qa.records import Answer

    assert (check(item, Answer("", answer_found, "content")) == []) == ok
