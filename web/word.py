"""Word files for meetings and minutes (python-docx): a unit's tasks, and a conversation's questions and answers
with the clauses they rest on. Laid out as an office expects them: A4 with the margins of GB/T 9704, a title in
黑体, the body in 仿宋 (named as East Asian fonts, so that Word and WPS use them where the machine has them),
the date and the plans under the title, and the page number in the footer."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from qa import Answer, Assistant, Clause

__all__ = ["DOCX_MIMETYPE", "TASK_STYLE", "minutes_docx", "unit_docx"]
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "黑体", "Times New Roman"
TASK_STYLE = "任务"  # the paragraph that names a task (or a cited clause): what a reader of the file looks for
ROLE_NAMES = {"lead": "牵头", "cooperate": "配合"}
# Characters XML 1.0 cannot hold (controls, lone surrogates): a question may carry them, a .docx may not.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Where the reply text stops saying the answer and starts quoting (the clauses follow it, in full).
QUOTING = ("出处：", "原文：", "相关条款：", "· ", "【")


def xml_safe(text: str) -> str:
    """`text` without the characters a Word file cannot hold."""
    return NOT_XML.sub("", text)


def chinese_date(day: datetime.date) -> str:
    """2024年5月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _fonts(element, east_asian: str, size: float, bold: bool = False) -> None:
    """Give a style's or a run's font: `east_asian` for Chinese (w:eastAsia), Times New Roman for the rest."""
    font = element.font
    font.name, font.size, font.bold = LATIN_FONT, Pt(size), bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = element.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the names below
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _spacing(style, before: float = 0, after: float = 0, line: float = 28, indent: bool = False) -> None:
    """Fixed line spacing (28 pt, as official documents are set), space around, a first-line indent of two
    characters."""
    layout = style.paragraph_format
    layout.space_before, layout.space_after = Pt(before), Pt(after)
    layout.line_spacing_rule, layout.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    if indent:
        layout.first_line_indent = Pt(32)  # two characters of 16 pt


def _page_number(section) -> None:
    """The page number, centred in the footer, as a PAGE field: — 1 —."""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    # a field as Word writes it: begin, the instruction, separate, the number shown until it is updated, end
    for kind, text in (("begin", ""), ("", " PAGE "), ("separate", ""), ("", "1"), ("end", "")):
        run = footer.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.add_text(text)
    footer.add_run(" —")
    for piece in footer.runs:
        _fonts(piece, "宋体", 14)


def new_document(title: str, lines: Sequence[str]) -> Document:
    """An empty A4 document in the office layout, opening with `title` and the lines under it (date, plans)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)
    styles = document.styles
    _fonts(styles["Normal"], BODY_FONT, 16)
    _spacing(styles["Normal"], indent=True)
    for name, font, size, bold, before in (
        ("Heading 1", HEADING_FONT, 16, False, 12),
        ("Heading 2", HEADING_FONT, 16, False, 8),
        ("Heading 3", BODY_FONT, 16, True, 6),
    ):
        _fonts(styles[name], font, size, bold)
        _spacing(styles[name], before=before)
        styles[name].font.italic = False
    task = styles.add_style(TASK_STYLE, 1)  # 1: a paragraph style
    task.base_style = styles["Normal"]
    _fonts(task, BODY_FONT, 16, bold=True)
    _spacing(task, before=6)
    task.paragraph_format.keep_with_next = True
    head = styles.add_style("文件标题", 1)
    _fonts(head, HEADING_FONT, 22)
    _spacing(head, after=12, line=36)
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = styles.add_style("标题下注", 1)
    _fonts(note, BODY_FONT, 14)
    _spacing(note, line=24)
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(section)
    document.core_properties.title = xml_safe(title)
    document.core_properties.author = "方案问答助手"
    document.add_paragraph(xml_safe(title), style="文件标题")
    for line in lines:
        document.add_paragraph(xml_safe(line), style="标题下注")
    document.add_paragraph("")
    return document


def saved(document: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def roles_line(clause: Clause) -> str:
    """The clause's units by role, in words: 牵头单位：…；配合单位：…."""
    parts = [f"{ROLE_NAMES[role]}单位：{'、'.join(getattr(clause, role))}" for role in ("lead", "cooperate")
             if getattr(clause, role)]
    return "；".join(parts)


def add_clause(document: Document, clause: Clause, with_doc: bool = False) -> None:
    """A task or cited clause: its name (path and title), its text, its units by role, its deadline."""
    name = f"{clause.path or '来函'} {clause.title}".strip()
    document.add_paragraph(xml_safe(f"《{clause.doc}》{name}" if with_doc else name), style=TASK_STYLE)
    document.add_paragraph(xml_safe(clause.text))
    if roles_line(clause):
        document.add_paragraph(xml_safe(roles_line(clause)))
    if clause.deadline:
        document.add_paragraph(xml_safe(f"完成时限：{clause.deadline}"))


NUMBERS = "一二三四五六七八九十"


def unit_docx(assistant: Assistant, unit: str, today: datetime.date | None = None) -> bytes:
    """A unit's tasks as a Word file: by plan, then role (牵头 before 配合), then section, each task with its
    clause text, units and deadline."""
    from .pages import by_section  # the sections as the unit's page groups them

    tasks = assistant.tasks_of(unit)
    # each plan file apart (two files may share a title), in corpus order
    plans = dict.fromkeys((c.source, c.doc) for role in ("lead", "cooperate") for c in tasks[role])
    lines = [f"（牵头 {len(tasks['lead'])} 项，配合 {len(tasks['cooperate'])} 项）"]
    lines += list(dict.fromkeys(f"方案：《{doc}》" for _, doc in plans))
    lines.append(f"导出日期：{chinese_date(today or datetime.date.today())}")
    document = new_document(f"{unit}承担的任务", lines)
    for source, doc in plans:
        if len(plans) > 1:
            document.add_heading(xml_safe(f"《{doc}》"), level=1)
        number = 0
        for role in ("lead", "cooperate"):
            mine = [c for c in tasks[role] if c.source == source]
            if not mine:
                continue
            document.add_heading(f"{NUMBERS[number]}、{ROLE_NAMES[role]}的任务（{len(mine)} 项）", level=2)
            number += 1
            for section, clauses in by_section(assistant, mine):
                document.add_heading(xml_safe(section), level=3)
                for clause in clauses:
                    add_clause(document, clause)
    if not plans:
        document.add_paragraph("方案中没有给这个单位分配任务。")
    return saved(document)


def reply_lines(answer: Answer) -> list[str]:
    """What an answer says, before it quotes its clauses (which the minutes give in full after it)."""
    lines = []
    for line in answer.answer.splitlines():
        if line.startswith(QUOTING):
            break
        if line.strip():
            lines.append(line.strip().rstrip("：:") if answer.citations else line.strip())
    return lines or [answer.answer.strip()]


def minutes_docx(exchanges: Sequence[tuple[str, Answer]], plans: Iterable[str],
                 today: datetime.date | None = None, notes: Sequence[str] = ()) -> bytes:
    """A conversation's questions and answers as a Word file for the minutes: each question, the answer, and
    the clauses it rests on (in full), then the related ones by name; `notes` go under the title."""
    cited = list(dict.fromkeys(c.doc for _, answer in exchanges for c in answer.citations)) or list(plans)
    lines = [f"方案：《{plan}》" for plan in cited]
    lines.append(f"导出日期：{chinese_date(today or datetime.date.today())}，共 {len(exchanges)} 问")
    lines += notes
    document = new_document("问答记录", lines)
    several = len(cited) > 1
    for number, (question, answer) in enumerate(exchanges, 1):
        document.add_heading(xml_safe(f"{number}．{question}"), level=2)
        for n, line in enumerate(reply_lines(answer)):
            document.add_paragraph(xml_safe(f"答：{line}" if n == 0 else line))
        related = {c.id for c in answer.related}
        main = [c for c in answer.citations if c.id not in related]
        if main:
            document.add_heading("依据条款", level=3)
            for clause in main:
                add_clause(document, clause, with_doc=several)
        others = [c for c in answer.citations if c.id in related]
        if others:
            document.add_heading("相关条款", level=3)
            for clause in others:
                document.add_paragraph(xml_safe(f"{clause.path} {clause.title}".strip()))
    return saved(document)
