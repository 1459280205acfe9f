"""The Word files (web/word.py), read back with python-docx: the office layout (A4, margins, 仿宋/黑体 as East
Asian fonts, title, date, plans, a PAGE field in the footer) and exactly the tasks or answers they were made
from, with their clauses."""

from __future__ import annotations

import datetime
import io
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from qa.transcript import replay
from web.word import TASK_STYLE, minutes_docx, unit_docx, xml_safe

DAY = datetime.date(2024, 5, 1)
ROOT = Path(__file__).resolve().parent.parent


def read(data: bytes) -> Document:
    """A .docx file's bytes opened as python-docx reads them."""
    assert data[:2] == b"PK"
    return Document(io.BytesIO(data))


def styled(document: Document, style: str) -> list[str]:
    """The text of every paragraph of one style, in order."""
    return [p.text for p in document.paragraphs if p.style.name == style]


def after(document: Document, text: str, style: str = TASK_STYLE) -> list[str]:
    """The paragraphs after the one of `style` that reads `text`, up to the next paragraph of another style."""
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.style.name == style and p.text == text)
    found = []
    for p in paragraphs[at + 1:]:
        if p.style.name != "Normal":
            break
        found.append(p.text)
    return found


def east_asian(style) -> str:
    """The East Asian font a style names (w:eastAsia)."""
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_layout_is_an_offices(assistant):
    document = read(unit_docx(assistant, "盟质监局", DAY))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4
    margins = [round(m.cm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                        section.right_margin)]
    assert margins == [3.7, 3.5, 2.8, 2.6]  # GB/T 9704
    styles = document.styles
    assert east_asian(styles["Normal"]) == "仿宋" and styles["Normal"].font.size.pt == 16  # 三号
    assert east_asian(styles["Heading 2"]) == "黑体" and east_asian(styles["文件标题"]) == "黑体"
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", TASK_STYLE):
        fonts = styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None, name
    assert styled(document, "文件标题") == ["盟质监局承担的任务"]
    assert styled(document, "标题下注") == [
        "（牵头 7 项，配合 2 项）",
        "方案：《锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案》",
        "导出日期：2024年5月1日",
    ]
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:fldCharType="begin"' in footer and "> PAGE <" in footer and 'w:fldCharType="end"' in footer
    assert document.core_properties.title == "盟质监局承担的任务"


def test_a_units_file_holds_exactly_its_tasks_by_role_and_section_with_their_clauses(assistant):
    document = read(unit_docx(assistant, "盟质监局", DAY))
    tasks = assistant.tasks_of("盟质监局")
    assert styled(document, "Heading 2") == ["一、牵头的任务（7 项）", "二、配合的任务（2 项）"]
    assert styled(document, "Heading 3") == [
        "二、(二) 营造公平有序的市场竞争环境", "二、(三) 营造安全放心的市场消费环境",  # the tasks it leads
        "二、(一) 营造宽松便捷的市场准入环境", "二、(二) 营造公平有序的市场竞争环境",  # those it cooperates in
    ]
    named = styled(document, TASK_STYLE)
    assert named == [f"{c.path} {c.title}" for role in ("lead", "cooperate") for c in tasks[role]]
    for clause in tasks["lead"] + tasks["cooperate"]:
        lines = after(document, f"{clause.path} {clause.title}")
        assert lines[0] == clause.text  # the clause, whole
        assert lines[1].startswith("牵头单位：" + "、".join(clause.lead))
        assert ("完成时限：" + clause.deadline in lines) == bool(clause.deadline)


def test_a_unit_of_two_plans_is_listed_plan_by_plan(tmp_path):
    from qa import Assistant, StateStore

    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, tmp_path / name)
    shutil.copy(ROOT / "corpus" / "plan.txt", tmp_path / "plan-copy.txt")  # a second file of the same title
    two = Assistant.from_folder(tmp_path, store=StateStore(":memory:"))
    document = read(unit_docx(two, "盟质监局", DAY))
    tasks = two.tasks_of("盟质监局")
    title = "《锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案》"
    assert styled(document, "Heading 1") == [title, title]
    assert styled(document, "Heading 2") == ["一、牵头的任务（7 项）", "二、配合的任务（2 项）"] * 2
    assert len(styled(document, TASK_STYLE)) == len(tasks["lead"]) + len(tasks["cooperate"]) == 18


def test_the_minutes_hold_exactly_the_conversations_answers_with_their_clauses(assistant):
    questions = ["简易注销有哪些配合单位？", "那牵头单位呢？", "盟质监局牵头哪些工作？", "今天天气怎么样？"]
    exchanges = replay(assistant, questions)
    document = read(minutes_docx(exchanges, assistant.documents, DAY))
    assert styled(document, "文件标题") == ["问答记录"]
    assert styled(document, "标题下注")[-1] == "导出日期：2024年5月1日，共 4 问"
    assert styled(document, "Heading 2") == [f"{n}．{q}" for n, q in enumerate(questions, 1)]
    first = after(document, "1．简易注销有哪些配合单位？", "Heading 2")
    assert first == ["答：配合单位：盟环保局、盟住建局、盟商务局、盟经信委、盟国税局、盟地税局；牵头单位：盟工商局。"]
    follow = after(document, "2．那牵头单位呢？", "Heading 2")
    assert follow[0].startswith("答：牵头单位：盟工商局")  # the follow-up continued the topic
    assert after(document, "3．盟质监局牵头哪些工作？", "Heading 2") == ["答：盟质监局牵头的任务共7项"]
    refusal = after(document, "4．今天天气怎么样？", "Heading 2")
    assert refusal[0].startswith("答：方案中没有找到与这个问题相关的内容")
    cited = [c for _, answer in exchanges for c in answer.citations if c not in answer.related]
    assert styled(document, TASK_STYLE) == [f"{c.path} {c.title}" for c in cited]
    for clause in cited:
        assert after(document, f"{clause.path} {clause.title}")[0] == clause.text
    related = [c for _, answer in exchanges for c in answer.related]
    assert related and all(f"{c.path} {c.title}" in [p.text for p in document.paragraphs] for c in related)


@pytest.mark.parametrize("text", ["a\x00b\x1fc", "\ud800x", "\ufffe"])
def test_text_a_word_file_cannot_hold_is_left_out(assistant, text):
    assert "\x00" not in xml_safe(text) and "\ud800" not in xml_safe(text)
    document = read(minutes_docx(replay(assistant, [text]), assistant.documents, DAY))
    assert len(styled(document, "Heading 2")) == 1


def test_minutes_over_two_plans_name_each_clauses_plan(both_assistant):
    exchanges = replay(both_assistant, ["简易注销有哪些配合单位？", "三亚的公平竞争审查由谁牵头"])
    document = read(minutes_docx(exchanges, both_assistant.documents, DAY))
    plans = [line for line in styled(document, "标题下注") if line.startswith("方案：")]
    assert len(plans) == 2  # the plans the answers cite
    named = styled(document, TASK_STYLE)
    assert named[0].startswith("《锡林郭勒盟") and named[-1].startswith("《三亚市")
