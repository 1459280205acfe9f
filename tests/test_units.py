"""Unit names: aliases, prefixes, groups, lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.reading.units import UnitDirectory, clean_unit, is_group, unit_prefix

ROOT = Path(__file__).resolve().parent.parent

UNITS = UnitDirectory(
    {"盟工商局": ["锡林郭勒盟工商行政管理局", "工商局"], "盟食药局": ["盟食药"]},
    {"盟": ["锡林郭勒盟", "锡盟"]},
)


def test_alias_resolves_to_the_canonical_name():
    assert UNITS.canonical("锡林郭勒盟工商行政管理局") == "盟工商局"
    assert UNITS.canonical("盟食药") == "盟食药局"
    assert UNITS.canonical("锡盟工商局") == "盟工商局"
    assert UNITS.canonical("市财政局") == "市财政局"


def test_an_alias_of_a_prefixs_place_stands_for_it_only_in_a_plan_of_that_place():
    """发改委 → 盟发改委 is the 锡盟 plan's; 瑞昌's 发改委 or a national plan's is its own (places: the plan's)."""
    assert UNITS.canonical("工商局") == "盟工商局"  # a question, no plan read
    assert UNITS.canonical("工商局", ("锡林郭勒", "锡林郭勒盟")) == "盟工商局"
    assert UNITS.canonical("工商局", ("瑞昌", "瑞昌市")) == "工商局"
    assert UNITS.canonical("工商局", ()) == "工商局"  # a plan of no place
    assert UNITS.canonical("盟食药", ("瑞昌", "瑞昌市")) == "盟食药局"  # written with the prefix: its own
    assert UNITS.read_list("市监局、发改委", ("瑞昌", "瑞昌市"))[0] == ["市监局", "发改委"]  # 市 of 市场, no prefix
    assert unit_prefix("市监局") == ""


def test_the_offices_own_bodies_zones_and_a_lists_generic_tail_take_no_prefix():
    plain = UnitDirectory()
    assert plain.read_list("省知识产权局、机关纪委")[0] == ["省知识产权局", "机关纪委"]  # not 省机关纪委
    assert plain.read_list("机关纪委、督审处、机关党委等处室")[0] == ["机关纪委", "督审处", "机关党委"]  # 等处室: no unit
    assert plain.read_list("市人社局、各县市区人民政府、功能区管委会")[0] == ["市人社局", "各县市区人民政府", "功能区管委会"]
    assert plain.read_list("市财政局、机关事务管理局")[0] == ["市财政局", "市机关事务管理局"]  # a department
    assert plain.read_list("市直相关单位及娄星区")[0] == ["市直相关单位", "娄星区"]  # a place alone after 及
    assert plain.read_list("市公安局、各县〈市、区〉人民政府")[0] == ["市公安局", "各县〈市、区〉人民政府"]  # 〈〉 hold 、


def test_clean_unit_folds_width_and_spaces():
    assert clean_unit(" 市工商联（总商会）、") == "市工商联(总商会)"
    assert clean_unit("市12345 热线办公室") == "市12345热线办公室"


def test_prefix_and_groups():
    assert unit_prefix("盟发改委") == "盟" and unit_prefix("市场监督管理局") == ""
    assert unit_prefix("市市场监督管理局") == "市"
    assert is_group("具有行政审批权限的各有关部门") and is_group("盟协同监管成员单位")
    assert is_group("相关行业主管部门") and not is_group("盟发改委")


def test_split_carries_prefix_but_not_into_groups():
    assert UNITS.split_units("盟编办、发改委、具有行政审批权限的各有关部门") == [
        "盟编办",
        "盟发改委",
        "具有行政审批权限的各有关部门",
    ]
    assert UNITS.split_units("市交通局、市水务局等相关行业主管部门") == [
        "市交通局",
        "市水务局",
        "相关行业主管部门",
    ]


def test_split_never_breaks_on_he():
    assert UNITS.split_units("市住房和城乡建设局、市自然资源和规划局") == [
        "市住房和城乡建设局",
        "市自然资源和规划局",
    ]


@pytest.mark.parametrize("bad", [{"": []}, {"盟工商局": [1.5]}])
def test_directory_rejects_bad_entries(bad):
    with pytest.raises(ValueError):
        UnitDirectory(bad)


PLAIN = UnitDirectory()


def test_brackets_are_kept_as_written():
    assert (
        clean_unit("各市〔州〕") == "各市〔州〕"
        and clean_unit("省商务厅【省政府口岸办】") == "省商务厅【省政府口岸办】"
    )
    assert clean_unit("各县（市、区）") == "各县(市、区)"
    assert PLAIN.split_units("各市〔州〕、县〔市、区、特区〕人民政府") == [
        "各市〔州〕",
        "县〔市、区、特区〕人民政府",
    ]
    assert PLAIN.split_units("市工信局（市中小企业服务中心）、各县（市、区）") == [
        "市工信局(市中小企业服务中心)",
        "各县(市、区)",
    ]


def test_no_split_inside_quotes():
    name = "省市场监管领域部门联合“双随机、一公开”监管工作联席会议成员单位"
    assert PLAIN.split_units(name) == [name]


@pytest.mark.parametrize(
    "text, names",
    [
        ("省工业和信息化厅及省直有关单位", ["省工业和信息化厅", "省直有关单位"]),
        ("各县（区）人民政府和广元经济技术开发区", ["各县(区)人民政府", "广元经济技术开发区"]),
        ("市级相关部门及各区县", ["市级相关部门", "各区县"]),
        ("市级相关部门和单位", ["市级相关部门和单位"]),
        (
            "市住房和城乡建设局、市场监督管理局、工业和信息化局",
            ["市住房和城乡建设局", "市市场监督管理局", "市工业和信息化局"],
        ),
        ("市政务服务和资源交易中心", ["市政务服务和资源交易中心"]),
        ("市发改委以及市财政局", ["市发改委", "市财政局"]),
        ("市财政局及其所属单位", ["市财政局及其所属单位"]),
    ],
)
def test_joiners_split_only_between_units(text, names):
    assert PLAIN.split_units(text) == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("市交通局、市水务局等市级有关部门", ["市交通局", "市水务局", "市级有关部门"]),
        ("市贸促会等市级相关部门和单位及各区县", ["市贸促会", "市级相关部门和单位", "各区县"]),
        ("市政府督查室等", ["市政府督查室"]),
        ("山西证监局等相关部门", ["山西证监局", "相关部门"]),
    ],
)
def test_etc(text, names):
    assert PLAIN.split_units(text) == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("区建管委、政务办", ["区建管委", "区政务办"]),
        ("市科技局、市场监管局", ["市科技局", "市市场监管局"]),
        ("市地方金融监管局、政务服务数据管理局", ["市地方金融监管局", "市政务服务数据管理局"]),
        ("区水务局、电力公司、公用事业公司", ["区水务局", "电力公司", "公用事业公司"]),
        ("区商务委、新城公司、青浦海关", ["区商务委", "新城公司", "青浦海关"]),
        (
            "市地方金融监管局、广东银保监局、铜川银保监分局",
            ["市地方金融监管局", "广东银保监局", "铜川银保监分局"],
        ),
        ("省发展改革委、国家税务总局贵州省税务局", ["省发展改革委", "国家税务总局贵州省税务局"]),
        ("市住建局、审批处、造价站、法规科", ["市住建局", "审批处", "造价站", "法规科"]),
        ("市自然资源和规划局、育才生态区管理委员会", ["市自然资源和规划局", "育才生态区管理委员会"]),
        ("市自然资源和规划局、崖州湾科技城管理局", ["市自然资源和规划局", "崖州湾科技城管理局"]),
        # a unit with a name of its own ends the run: what follows it is as written
        ("市商务局、三亚海关、中央商务区管理局", ["市商务局", "三亚海关", "中央商务区管理局"]),
    ],
)
def test_prefix_carried_to_bare_departments_only(text, names):
    assert PLAIN.split_units(text) == names


def test_bare_places_share_the_next_units_ending():
    assert PLAIN.split_units("天河、黄埔、南沙区政府") == ["天河区政府", "黄埔区政府", "南沙区政府"]
    # the list's 等 before the shared ending is no part of the last place
    assert PLAIN.split_units("广州、深圳、东莞等市人民政府") == ["广州市人民政府", "深圳市人民政府", "东莞市人民政府"]
    assert PLAIN.split_units("大众燃气、城投水务") == ["大众燃气", "城投水务"]


def test_pdf_spaces_are_dropped():
    assert PLAIN.split_units("各区人民政府，12345 热线各成员单位") == ["各区人民政府", "12345热线各成员单位"]


def test_read_list_hands_on_the_prefix():
    assert PLAIN.read_list("市发改委、财政局") == (["市发改委", "市财政局"], "市")
    assert PLAIN.read_list("科技局", prefix="区") == (["区科技局"], "区")
    # a unit with a name of its own takes no prefix and leaves the list's to the next bare department
    assert PLAIN.read_list("市发改委、青浦海关") == (["市发改委", "青浦海关"], "市")
    assert PLAIN.read_list("市审改办、人行莆田市中支、住建局等单位") == (["市审改办", "人行莆田市中支", "市住建局"], "市")
    assert PLAIN.read_list("各市、县级政府", prefix="省")[0] == ["各市", "县级政府"]



def test_a_short_name_the_plan_defines_names_the_unit_it_gives_duties():
    """"支持南方数据交易所（以下简称南数所）": 南数所 names the unit the plan gives duties by its full name."""
    from dataclasses import replace

    from qa.reading.knowledge import Lexicon
    from qa.reading.names import short_names, unit_surfaces
    from qa.records import Clause

    text = "（九）大力支持南方数据交易所（以下简称南数所）建设。"
    clause = Clause(id="c9", doc="d", source="s", path="(九)", title="支持", text=text, kind="paragraph")
    surfaces = unit_surfaces(["南方数据交易所", "市数据局"], UnitDirectory(), Lexicon(), short_names([clause]))
    assert surfaces["南数所"] == ["南方数据交易所"]
    # a short name the plan gives duties by stands for itself, its full name for it
    defined = short_names([replace(clause, text="市政务服务和数据管理局（以下简称市数据局）")])
    surfaces = unit_surfaces(["市数据局"], UnitDirectory(), Lexicon(), defined)
    assert surfaces["市政务服务和数据管理局"] == ["市数据局"] and "南数所" not in surfaces


def test_a_word_written_in_other_forms_gives_a_unit_those_forms_too():
    units = UnitDirectory(name_words={"中国人民银行": ["人民银行", "人行"], "国家税务总局": [""]})
    assert units.word_forms("中国人民银行广州分行") == ["人民银行广州分行", "人行广州分行"]
    assert units.word_forms("人行莆田市中支") == ["中国人民银行莆田市中支", "人民银行莆田市中支"]
    assert units.word_forms("国家税务总局广东省税务局") == ["广东省税务局"]
    assert units.word_forms("市税务局") == []
    # the word alone, in every form, names a unit written with it (人行 of 人民银行泰安市中心支行)
    assert units.bare_words("人民银行泰安市中心支行") == ["中国人民银行", "人民银行", "人行"]
    assert units.bare_words("市税务局") == []


def test_the_shipped_words_let_staff_ask_by_the_short_forms(tmp_path):
    from qa import Assistant, StateStore

    (tmp_path / "plan.txt").write_text(
        "某某市稳经济若干措施\n一、金融支持\n1.加大普惠小微贷款投放力度。（牵头单位：中国人民银行沈阳分行）\n"
        "2.落实留抵退税。（牵头单位：国家税务总局辽宁省税务局）\n",
        encoding="utf-8",
    )
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    asked = (("人行沈阳分行涉及哪些工作", "中国人民银行沈阳分行"), ("辽宁省税务局牵头哪些工作", "国家税务总局辽宁省税务局"))
    for question, unit in asked:
        answer = assistant.ask(question, "s")
        assert answer.found and unit in answer.answer and len(answer.citations) == 1, (question, answer.answer)


def test_districts_named_whole_before_a_zones_body_keep_their_names():
    units = UnitDirectory()
    assert units.read_list("浦东新区、松江区、青浦区、临港新片区管委会", ("上海",))[0] == [
        "浦东新区", "松江区", "青浦区", "临港新片区管委会",
    ]
    assert units.read_list("南沙、天河区政府")[0] == ["南沙区政府", "天河区政府"]  # bare places share the ending
