"""`python app.py check`: a plan seeded with every kind of defect is flagged; the shipped plan is clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.reading.check import looks_like_unit, near_misses, same_sound
from web.cli import cli

SEEDED = Path(__file__).resolve().parent / "data" / "check"


@pytest.fixture()
def seeded(tmp_path):
    shutil.copy(SEEDED / "seeded-defects.txt", tmp_path)
    return tmp_path


def test_shipped_plan_passes_clean(runner):
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "0 个问题" in result.output and "有责任单位的任务 47" in result.output


def test_every_seeded_defect_is_flagged(runner, seeded):
    result = runner.invoke(cli, ["check", "--corpus", str(seeded)])
    assert result.exit_code == 1
    out = result.output
    assert "一、(一)3“推广电子营业执照在各领域的应用" in out and "没有责任单位" in out  # a task with no units
    assert "“加强部门协作做好维权援助工作”不像单位名称，未作为单位读入" in out  # prose in a block, left out
    assert "“县市场监管”只出现一次，与“县市场监管局”只差一个字" in out  # an ending dropped
    assert "“县市场监官局”只出现一次，与“县市场监管局”只差一个字" in out  # a same-sound slip
    assert "二、保障措施" not in out  # a section that assigns nothing is no defect


def test_stale_corrections_are_flagged_and_good_ones_applied(runner, seeded):
    shutil.copy(SEEDED / "seeded-defects.corrections.yaml", seeded)
    out = runner.invoke(cli, ["check", "--corpus", str(seeded)]).output
    assert "correction “推行“跨省通办”” matches no clause" in out
    assert "一、(一)3" not in out  # its correction gave it a lead


def test_real_plans_report_their_convention(runner):
    out = runner.invoke(cli, ["check", "--corpus", str(SEEDED.parent / "real")]).output
    assert out.count("约定：") == 10 and "10 份方案" in out


@pytest.mark.parametrize("name, ok", [("盟工商局", True), ("各县（市、区）人民政府", True), ("盟“双打”工作领导小组成员单位", True),
                                      ("县市场监管", False), ("推进项目建设。", False), ("责任单位：县财政局", False)])
def test_what_looks_like_a_unit(name, ok):
    assert looks_like_unit(name) is ok


def test_departments_one_character_apart_are_no_slip():
    from collections import Counter

    assert near_misses(Counter({"盟民政局": 1, "盟财政局": 3})) == []
    assert near_misses(Counter({"盟食药": 1, "盟食药局": 3})) == [("盟食药", "盟食药局")]
    assert same_sound("管", "官") and not same_sound("民", "财")


def test_review_flags_each_task_that_looks_wrong():
    from qa.reading.check import review_tasks
    from qa.reading.duties import DutyParser
    from qa.reading.segment import Segmenter
    from qa.reading.sources import SourceText
    from qa.reading.units import UnitDirectory

    text = (
        "某市方案\n一、任务\n1.推进一网通办。（市行政审批局牵头，市大数据局配合）\n"
        "2.压缩审批时限。（市住建局、市大数据局）\n3.优化纳税服务。\n"
    )
    clauses = Segmenter(DutyParser(UnitDirectory())).segment(SourceText("x.txt", tuple(text.split("\n")), "utf-8"))
    flags = {r.clause.title: r.flags for r in review_tasks(clauses)}
    assert flags["推进一网通办"] == ("“市行政审批局”只在此处出现",)
    assert flags["压缩审批时限"] == ("角色为推断：标注未写牵头或配合，所列单位均按牵头", "“市住建局”只在此处出现")
    assert flags["优化纳税服务"] == ("没有责任单位",)
