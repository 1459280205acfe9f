"""The responsibility matrix's rows and column names: every task once, parts of one item grouped under it,
units by short names that stay distinct."""

from __future__ import annotations

from web.matrix import short_name, short_names, task_groups, tasks

MARKET_ENTRY = ("028a20-17", "028a20-19")  # 二、(一)1 改革市场准入制度: two paragraphs, each with its units


# -- rows: every task once, parts of one item named apart --------------------------------------------


def test_every_task_is_one_row_and_no_two_rows_read_the_same(assistant):
    rows = tasks(assistant.task_clauses)
    assert [t.clause.id for t in rows] == [c.id for c in assistant.task_clauses]
    labels = [t.label for t in rows]
    assert len(set(labels)) == len(labels)
    first, second = (next(t for t in rows if t.clause.id == i) for i in MARKET_ENTRY)
    assert first.label == "二、(一)1 改革市场准入制度（之一：深入推行行政审批制度改革）"
    assert second.label == "二、(一)1 改革市场准入制度（之二：进一步开放企业名称管理）"
    assert next(t for t in rows if t.clause.id == "028a20-31").label == "二、(一)5 完善市场主体退出机制"
    assert len(tasks(list(assistant.task_clauses) * 2)) == len(rows)  # a clause listed twice is one row


def test_parts_of_one_item_are_grouped_under_it(assistant):
    groups = task_groups(tasks(assistant.task_clauses))
    entry = next(g for g in groups if g[0].clause.id == MARKET_ENTRY[0])
    assert [t.clause.id for t in entry] == list(MARKET_ENTRY) and [t.part for t in entry] == [1, 2]
    assert sum(len(g) for g in groups) == len(assistant.task_clauses)
    assert all(len(g) == 1 for g in groups if not g[0].part)


def test_short_names_drop_the_prefix_but_keep_quote_marks_and_stay_distinct():
    assert short_name("盟工商局") == "工商局"
    assert short_name("盟“双打”工作领导小组成员单位") == "“双打”工作领导小组"
    assert short_name("盟直各行政执法部门") == "盟直各行政执法部门"
    assert short_name("市委网信办") == "市委网信办" and short_name("各旗县市(区)政府") == "各旗县市(区)政府"
    assert short_names(["旗财政局", "市财政局", "盟工商局"]) == {
        "旗财政局": "旗财政局",
        "市财政局": "市财政局",
        "盟工商局": "工商局",
    }
