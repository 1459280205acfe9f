"""qa.records: the records, and replace() copying them."""

import dataclasses

import pytest

from qa.records import Answer, Intent, Question, replace


def test_replace_gives_what_dataclasses_replace_gives():
    question = Question(text="简易注销谁牵头", intent=Intent.LEAD, terms=("简易注销",), plans=("plan",))
    for changes in ({"plans": ("a", "b")}, {"anchor": ("c1",), "prefer": "a"}, {}):
        mine, theirs = replace(question, **changes), dataclasses.replace(question, **changes)
        assert mine == theirs and hash(mine) == hash(theirs)
        assert mine is not question and type(mine) is Question
    assert question.plans == ("plan",)  # the original is left as it was


def test_replace_refuses_a_field_the_record_has_not():
    answer = Answer(answer="x", found=True, intent=Intent.LEAD, citations=())
    with pytest.raises(TypeError, match="plan_id"):
        replace(answer, plan_id="a")


def test_a_replaced_record_stays_frozen():
    question = replace(Question(text="q", intent=Intent.WHO), role="lead")
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.role = "cooperate"
