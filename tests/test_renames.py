"""Agency renames (corpus/renames.yaml, qa/reading/renames.py): loading with clear warnings, both directions of a
rename, the note in the answer, and never a unit that is not a predecessor or successor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import Assistant, StateStore
from qa.reading.renames import RenameTable, load_renames, parse_renames

ROOT = Path(__file__).resolve().parent.parent
SANYA = Path(__file__).resolve().parent / "data" / "sanya-2023-business-environment-plan.txt"


def test_the_shipped_file_loads_without_a_warning():
    warnings: list[str] = []
    entries = load_renames(ROOT / "corpus", warnings)
    assert warnings == []
    news = {name for e in entries for name in e.new}
    assert {"市场监督管理局", "税务局", "生态环境局", "卫健委", "自然资源局", "应急管理局", "司法局", "文旅局", "农牧局"} <= news
    assert {"国家金融监督管理总局", "乡村振兴局"} <= news  # 2021 and 2023


@pytest.mark.parametrize(
    "entry, why",
    [
        ("not a mapping", "不是 new/old 的映射"),
        ({"old": ["工商局"]}, "缺少 new"),
        ({"new": ["税务局"], "old": []}, "缺少 old"),
        ({"new": ["税务局"], "old": ["国税局", "a: b"]}, "不能使用的字符"),
        ({"new": ["税务局"], "old": ["税务局"]}, "既是新名称又是旧名称"),
        ({"new": ["税务局"], "old": ["国税局"], "year": "去年"}, "year 应是"),
        ({"new": ["局"], "old": ["国税局"]}, "长度应为2到30个字"),
    ],
)
def test_a_wrong_entry_is_skipped_with_a_warning_saying_why(entry, why):
    warnings: list[str] = []
    entries = parse_renames({"renames": [{"new": ["生态环境局"], "old": ["环保局"]}, entry]}, warnings)
    assert [e.new for e in entries] == [("生态环境局",)]  # the good entry is kept
    assert len(warnings) == 1 and "第2项" in warnings[0] and why in warnings[0], warnings


def test_a_broken_or_oversized_file_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "renames.yaml").write_text("renames: [new: [税务局\n", encoding="utf-8")
    warnings: list[str] = []
    assert load_renames(tmp_path, warnings) == () and "not valid YAML" in warnings[0]
    (tmp_path / "renames.yaml").write_text("renames: {税务局: 国税局}\n", encoding="utf-8")
    warnings = []
    assert load_renames(tmp_path, warnings) == () and "应是一个列表" in warnings[0]


def test_a_chain_of_reforms_is_followed_nearest_first():
    table = RenameTable(
        parse_renames(
            {"renames": [{"new": ["乡村振兴局"], "old": ["扶贫办"]}, {"new": ["农牧局"], "old": ["乡村振兴局"]}]}, []
        )
    )
    levels = table.levels(table.agency["扶贫办"], later=True)
    assert [{n for a in level for n in table.names[a]} for level in levels] == [{"乡村振兴局"}, {"农牧局"}]


@pytest.fixture(scope="module")
def shipped():
    return Assistant.from_folder(ROOT / "corpus", store=StateStore(":memory:"))


def test_a_new_name_finds_the_old_plans_units_and_says_so(shipped):
    answer = shipped.ask("税务局配合哪些工作")
    assert answer.found and set(answer.subject_units) == {"盟国税局", "盟地税局"}
    assert answer.answer.startswith("盟国税局（现税务局）、盟地税局（现税务局）配合的任务共3项")
    answer = shipped.ask("市场监管局牵头哪些工作")
    assert set(answer.subject_units) == {"盟工商局", "盟质监局", "盟食药局"}
    assert "盟工商局（现市场监管局）" in answer.answer.split("\n")[0]


def test_a_rename_never_reaches_another_unit(shipped):
    """税务局 is not 商务局; 生态环境局 is 环保局 alone; a new name with no predecessor in the plan is unknown."""
    assert "盟商务局" not in shipped.ask("税务局参与了哪些工作").subject_units
    assert shipped.ask("生态环境局配合哪些工作").subject_units == ("盟环保局",)
    unknown = shipped.ask("应急管理局牵头哪些工作")
    assert not unknown.found and "应急管理局" in unknown.answer and not unknown.citations
    # a real agency that sounds like a renamed one is never read as it (水务局 is not 税务局)
    water = shipped.ask("水务局配合哪些任务")
    assert not water.found and not water.subject_units and "水务局" in water.answer


def test_an_old_name_finds_a_newer_plans_unit_and_says_so(tmp_path):
    """The Sanya plan (2023) names 市市场监督管理局 and 市生态环境局: asked by 工商局 and 环保局, they answer."""
    shutil.copy(SANYA, tmp_path / SANYA.name)
    shutil.copy(ROOT / "corpus" / "renames.yaml", tmp_path / "renames.yaml")
    sanya = Assistant.from_folder(tmp_path, store=StateStore(":memory:"))
    answer = sanya.ask("工商局牵头哪些工作")
    assert answer.found and answer.subject_units == ("市市场监督管理局",)
    assert answer.answer.startswith("市市场监督管理局（原工商局）")
    assert sanya.ask("环保局配合哪些工作").subject_units == ("市生态环境局",)


def test_without_renames_yaml_a_new_name_is_unknown(tmp_path):
    """The renames come from the file: a corpus without one (and no shipped fallback) reads 税务局 as unknown."""
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, tmp_path / name)
    plain = Assistant.from_folder(tmp_path, store=StateStore(":memory:"))
    answer = plain.ask("生态环境局配合哪些工作")
    assert not answer.found and "生态环境局" in answer.answer
