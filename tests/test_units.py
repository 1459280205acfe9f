"""Unit names: aliases, prefixes, groups, lists."""

from __future__ import annotations

import pytest

from qa.reading.units import UnitDirectory, clean_unit, is_group, unit_prefix

UNITS = UnitDirectory(
    {"盟工商局": ["锡林郭勒盟工商行政管理局", "工商局"], "盟食药局": ["盟食药"]},
    {"盟": ["锡林郭勒盟", "锡盟"]},
)


def test_alias_resolves_to_the_canonical_name():
    assert UNITS.canonical("锡林郭勒盟工商行政管理局") == "盟工商局"
    assert UNITS.canonical("盟食药") == "盟食药局"
    assert UNITS.canonical("锡盟工商局") == "盟工商局"
    assert UNITS.canonical("市财政局") == "市财政局"


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
