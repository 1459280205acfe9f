"""Fuzzing the question analyzer and the segmenter: any text, no exception, every line kept verbatim."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import fuzz_settings
from qa.reading.segment import PAGE_MARKER
from qa.reading.sources import SourceText
from qa.records import Intent

ROOT = Path(__file__).resolve().parent.parent
FUZZ = fuzz_settings(150)

# What staff and plans write, in both widths, with the markers the code looks for.
WORDS = [
    "简易注销",
    "有哪些配合单位",
    "谁牵头",
    "由哪个单位负责",
    "那配合单位呢？",
    "那广告监管呢？",
    "盟工商局",
    "工商局",
    "市场监管局",
    "牵头哪些工作",
    "联系人是谁",
    "什么时候完成",
    "多少件",
    "全称",
    "文号",
    "邮箱",
    "它",
    "这个单位",
    "（责任单位：盟工商局、盟质监局）",
    "(牵头单位:盟发改委;配合单位:盟财政局)",
    "(责任单位:",
    "（盟发改委牵头，盟财政局配合）",
    "完成时限：2018年底",
    "盟农牧局(牵头)、",
    "按职责分工负责",
    "一、",
    "二.",
    "（一）",
    "(二)",
    "1.",
    "2、",
    "（1）",
    "(3)",
    "①",
    "⑳",
    "第一章",
    "第二部分",
    "第 3 页",
    "- 12 -",
    "Page 4",
    "2018年3月1日",
    "２０１８年３月１日",
    "ＡＢＣ",
    "abc",
    "１２３",
    "。",
    "？",
    "?",
    "、",
    "，",
    ",",
    "“",
    "”",
    "《",
    "》",
    "〈",
    "〉",
    "(",
    ")",
    "（",
    "）",
    "[",
    "】",
    "\u3000",
    " ",
    "\t",
    "\x00",
    "\x1b[31m",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\u200b",
    "\ufeff",
    "\u202e",
    "]]>",
    "<xml>",
    '{"a": 1}',
    "%s",
    "\\",
    "𠀀",
    "🙂",
    "ﷺ",
    "\U0010ffff",
    "Ⅲ",
    "㈠",
    "⑴",
    "⒈",
]
fragment = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
)
# Questions come from JSON, which can carry lone surrogates ("\ud800"); plan files are decoded, so they cannot.
question = st.lists(st.one_of(fragment, st.characters(categories=["Cs"])), max_size=25).map("".join)
# A line of a plan file: anything but the line breaks that cut a file into lines.
line = st.lists(fragment, max_size=12).map("".join).map(lambda s: s.replace("\n", "").replace("\r", ""))


def check_verbatim(source: SourceText, clauses) -> None:
    """Each kept line is in some clause's line span, and stands verbatim in the text of the clauses whose
    spans hold it. Clauses share a line only where one ends and the next begins: the parts of an item
    split at a duty block in mid-line ("…标准。（X牵头）推进…"), or an item's heading and its first part."""
    owners: dict[int, list] = {}
    for clause in clauses:
        first, last = clause.lines
        assert 1 <= first <= last <= len(source.lines), f"span {clause.lines} outside the file"
        for number in range(first, last + 1):
            owners.setdefault(number, []).append(clause)
    for number, sharing in owners.items():
        for a, b in zip(sharing, sharing[1:]):
            assert number in (a.lines[1], b.lines[0]), f"line {number} is inside two clauses"
    for number, text in enumerate(source.lines, start=1):
        if not text.strip() or PAGE_MARKER.match(text):
            continue
        assert number in owners, f"line {number} {text!r} is in no clause"
        joined = "".join("".join(c.text.split()) for c in owners[number])
        assert "".join(text.split()) in joined, f"line {number} {text!r} changed in its clauses"


@FUZZ
@given(question)
def test_analyzer_reads_anything(assistant, text):
    query = assistant.analyzer.analyze(text)
    assert query.intent in set(Intent)
    assert all(isinstance(t, str) and t for t in query.terms)
    follow = assistant.analyzer.analyze(text, query.to_context())
    assert follow.intent in set(Intent)


@FUZZ
@given(st.lists(question, min_size=1, max_size=3), st.sampled_from(["", "fuzz-a", "fuzz-b"]))
def test_assistant_answers_anything(assistant, questions, session):
    for text in questions:  # in a session, later questions are follow-ups of the earlier ones
        answer = assistant.ask(text, session or None)
        assert isinstance(answer.answer, str) and answer.answer
        assert answer.found or not answer.citations  # a refusal cites nothing


@FUZZ
@given(st.lists(line, max_size=40))
def test_segmenter_keeps_every_line(segmenter, lines):
    source = SourceText("fuzz.txt", tuple(lines), "utf-8")
    check_verbatim(source, segmenter.segment(source))


MARKERS = ["一、", "二.", "（一）", "(二)", "1.", "2、", "（1）", "(3)", "①", "第一章", "第二部分"]
DUTIES = [
    "（责任单位：盟工商局）",
    "(牵头单位:盟发改委;配合单位:盟财政局)",
    "（盟发改委牵头，盟财政局配合）",
    "(责任单位:盟工商局、盟质监局;完成时限:2018年底)",
    "责任单位：盟工商局",
]
prose = st.lists(
    st.sampled_from(["加强市场监管", "推进改革", "完善制度", "简易注销", "，", "。", "；", "、", "（", "）"]),
    min_size=1,
    max_size=8,
).map("".join)
# The kinds of line a plan has, each as likely as the others, so that rare sequences come up.
plan_line = st.one_of(
    st.builds(lambda m, t: m + t, st.sampled_from(MARKERS), prose),  # a heading
    prose,  # prose, maybe wrapped mid-sentence
    st.builds(lambda t, d: t + d, prose, st.sampled_from(DUTIES)),  # prose closed by its duty block
    st.sampled_from(DUTIES),  # a duty line of its own
    st.sampled_from(["", "   ", "- 3 -", "第 2 页"]),  # blank lines and page markers
    st.builds(
        lambda a, b: f"{a}\t{b}", prose, st.sampled_from(["盟工商局", "牵头单位", "2018年底"])
    ),  # table rows
    st.builds("序号\t任务\t牵头单位\t配合单位".format),  # a duty table's header
)


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:libcst"
)  # Hypothesis prints a failure's lambdas with it
@FUZZ
@given(st.lists(plan_line, max_size=40))
def test_segmenter_keeps_every_line_of_plan_like_text(segmenter, lines):
    # Plan-shaped lines reach the heading, duty, table and wrapping paths that random text rarely does.
    source = SourceText("plan.txt", ("XX盟关于推进改革的实施方案", "", *lines), "utf-8")
    check_verbatim(source, segmenter.segment(source))


def noise(rng: random.Random, size: int) -> str:
    """`size` characters of fragments and random code points (no surrogates, no line breaks)."""
    out, length = [], 0
    while length < size:
        piece = (
            rng.choice(WORDS)
            if rng.random() < 0.6
            else chr(rng.choice([rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x110000)]))
        )
        out.append(piece)
        length += len(piece)
    return "".join(out).replace("\n", "").replace("\r", "")[:size]


@pytest.mark.parametrize(
    "shape",
    [
        "one huge line",
        "many lines",
        "wrapped, never ending",
    ],
)
def test_segmenter_on_huge_input(segmenter, shape):
    rng = random.Random(6)
    if shape == "one huge line":
        lines = (noise(rng, 200_000),)
    elif shape == "many lines":
        lines = tuple(noise(rng, rng.randrange(0, 80)) for _ in range(5000))
    else:  # a PDF-like wrap: a heading, then 1000 lines that never finish the sentence
        lines = ("一、总体要求", *("推进市场监管改革完善制度建设加强事中事后监管" for _ in range(1000)))
    source = SourceText("huge.txt", lines, "utf-8")
    clauses, seconds = timed(lambda: segmenter.segment(source))
    assert seconds < 10.0, f"{seconds:.1f} s for {len(lines)} lines"  # no blow-up (speed: bench/)
    check_verbatim(source, clauses)


def test_duty_line_after_a_paragraph_with_its_own_duty(segmenter):
    lines = (
        "XX盟关于推进改革的实施方案",
        "一、主要任务",
        "推进改革，完善制度。(牵头单位:盟发改委;配合单位:盟财政局)",
        "(责任单位:盟工商局)",
    )
    source = SourceText("plan.txt", lines, "utf-8")
    check_verbatim(source, segmenter.segment(source))


def test_analyzer_and_assistant_on_a_huge_question(assistant):
    text = noise(random.Random(7), 1_000_000)
    _, seconds = timed(lambda: (assistant.analyzer.analyze(text), assistant.ask(text, "huge")))
    assert seconds < 5


def timed(call):
    """(result, seconds) of one call."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started
