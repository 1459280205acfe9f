"""`python app.py check --summary DIR`: the reading of a whole folder at a glance."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qa.reading.duties import DutyParser
from qa.reading.knowledge import load_units
from qa.reading.segment import Segmenter
from qa.reading.sources import SourceText
from qa.reading.summary import summarize
from web.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PLAN = """某市2023年优化营商环境工作方案
一、重点任务
1.推进一网通办。（市行政审批局牵头，市大数据局配合）
2.压缩审批时限。（市住建局负责，市自然资源局参与）
3.优化纳税服务。
"""


def clauses_of(text: str):
    segmenter = Segmenter(DutyParser(load_units(ROOT / "corpus", [])))
    return segmenter.segment(SourceText("x.txt", tuple(text.split("\n")), "utf-8"))


def test_counts_items_annotations_and_what_was_not_read():
    summary = summarize(clauses_of(PLAN))
    assert (summary.files, summary.documents, summary.items) == (1, 1, 3)
    assert summary.items_with_units == 2
    assert (summary.annotations, summary.annotations_read) == (2, 2)
    assert not summary.new_role_words
    text = "\n".join(summary.lines())
    assert "任务条目 3，有责任单位 2" in text and "已读 2（100.0%）" in text


def test_an_unknown_role_word_in_an_unread_annotation_is_listed():
    plan = PLAN.replace("（市住建局负责，市自然资源局参与）", "（市住建局督导，市自然资源局参与）")
    summary = summarize(clauses_of(plan))
    assert summary.annotations_read == 1 and len(summary.unread) == 1
    assert "督导" in summary.new_role_words


def test_the_command_prints_one_block_for_a_folder(tmp_path):
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--summary", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("汇总：1 个文件，1 份文件（文档）")
