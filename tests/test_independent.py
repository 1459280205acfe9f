"""Independent question sets about the shipped plan (tests/questions/independent/): each written by a helper that
read the plan, the contract and the gold table but never the code, in wordings nobody here had tuned for, with
all gold written before the first run. They record first contact and hold the ground since gained.

- first.yaml (45 questions): first run 40/45; 42/45 after the writer corrected two of its own labels; 44/45 after
  two general fixes (哪几家 asks which units; the role asked is the asking pieces'). Left: 网上卖东西 (网上 for
  网络, a synonym that sent other answers astray).
- second.yaml (45 entries, 59 turns): first run 48/59 (tuned 34/41, held out 14/18); 56/59 (tuned 40/41, held
  out 16/18) after general fixes: a unit's stem alone as a follow-up (质监呢), 哪几条, 口管, 里头, 前头单位,
  人、财、物等 said 人财物, how many units asked (一共有多少家). Left: 还有呢 after a task read as the next related
  task (the writer wanted more of the same task; the set's own note calls its gold arguable) and the follow-up
  that comes after it, and 那商标保户呢 after 广告业发展 (the previous topic's words favour 商标品牌).

`python app.py eval tests/questions/independent/<set>.yaml -v` prints every failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qa.evaluate import evaluate

INDEPENDENT = Path(__file__).resolve().parent / "questions" / "independent"
# set → (floor of all turns, floor of the held-out turns), as achieved: they only go up
FLOORS = {"first": (44 / 45, 14 / 15), "second": (56 / 59, 16 / 18)}


def test_every_independent_set_has_its_floor():
    assert {p.stem for p in INDEPENDENT.glob("*.yaml")} == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_independent_set_scores_at_least_its_floor(assistant, name):
    items = yaml.safe_load((INDEPENDENT / f"{name}.yaml").read_text(encoding="utf-8"))
    report = evaluate(assistant, items, name)
    lines = "\n".join(report.lines(verbose=True))
    held = report.by_part["held_out"]
    assert report.rate >= FLOORS[name][0] - 1e-9 and sum(held) / len(held) >= FLOORS[name][1] - 1e-9, lines
