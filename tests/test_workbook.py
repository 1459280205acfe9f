"""The responsibility matrix as an Excel workbook (/units.xlsx), read back with openpyxl: a sheet per plan and
one by unit, the marks, the layout (frozen heads, wrapped text, widths, A4 landscape print setup), cells that
are text and never formulas."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from web.matrix import short_names
from web.workbook import XLSX_MIMETYPE, sheet_title

ROOT = Path(__file__).resolve().parent.parent


def workbook(response) -> openpyxl.Workbook:
    """The workbook of an .xlsx response, after checking its type and file name."""
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith('attachment; filename="responsibilities.xlsx"')
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def matrix_rows(sheet) -> list[list]:
    """The task rows of a plan's sheet (below its three heading rows), as values."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]


def test_sheet_titles_are_ones_excel_accepts():
    taken: set[str] = set()
    long = "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案[附件]/第二版：修订稿"
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not re.search(r"[\[\]:*?/\\]", first + second)


# -- /units.xlsx -------------------------------------------------------------------------------------


def test_xlsx_has_a_matrix_sheet_per_plan_and_a_sheet_by_unit(client, assistant):
    book = workbook(client.get("/units.xlsx"))
    assert book.sheetnames == ["锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案", "按单位"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案"
    heads = [cell.value for cell in sheet[3]]
    assert heads[:3] == ["条款", "任务", "完成时限"]
    names = short_names(assistant.duty_units)
    assert heads[3:] == [names[u] for u in assistant.duty_units]
    assert "“双打”工作领导小组" in heads  # quote marks kept
    rows = matrix_rows(sheet)
    assert len(rows) == len(assistant.task_clauses)
    for row, clause in zip(rows, assistant.task_clauses):
        assert row[0] == clause.path
        marks = dict(zip(assistant.duty_units, row[3:]))
        assert {u for u, m in marks.items() if m == "●"} == set(clause.lead)
        assert {u for u, m in marks.items() if m == "○"} == set(clause.cooperate)
    titles = [row[1] for row in rows]
    assert len(set(titles)) == len(titles) and "改革市场准入制度（之二：进一步开放企业名称管理）" in titles


def test_xlsx_layout_freezes_wraps_sizes_and_prints_a4_landscape(client):
    book = workbook(client.get("/units.xlsx"))
    for sheet, frozen, repeated in ((book.worksheets[0], "D4", "$3:$3"), (book["按单位"], "C2", "$1:$1")):
        assert sheet.freeze_panes == frozen  # the head row (and the task columns) stay in view
        assert sheet.print_title_rows == repeated  # and are printed on every page
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1
        assert sheet.auto_filter.ref
    matrix = book.worksheets[0]
    assert matrix["B4"].alignment.wrap_text and matrix["B3"].font.bold
    assert matrix.column_dimensions["B"].width >= 30 and matrix.column_dimensions["D"].width <= 8
    assert matrix.row_dimensions[3].height >= 30  # the unit names wrap in the head row


def test_xlsx_sheet_by_unit_lists_every_units_tasks_by_role(client, assistant):
    sheet = workbook(client.get("/units.xlsx"))["按单位"]
    assert [cell.value for cell in sheet[1]] == ["单位", "角色", "文件", "条款", "任务", "完成时限", "编号"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == sum(lead + cooperate for _, lead, cooperate in assistant.unit_counts())
    quality = [(r[1], r[6]) for r in rows if r[0] == "盟质监局"]
    duties = assistant.tasks_of("盟质监局")
    assert quality == [("牵头", c.id) for c in duties["lead"]] + [("配合", c.id) for c in duties["cooperate"]]
    assert sheet["E2"].alignment.wrap_text


def test_xlsx_follows_the_same_filters_as_the_page_and_the_csv(client):
    book = workbook(client.get("/units.xlsx?unit=质监局"))  # an alias names the unit too
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[3]] == ["条款", "任务", "完成时限", "质监局"]
    assert len(matrix_rows(sheet)) == 9 and all(row[3] in ("●", "○") for row in matrix_rows(sheet))
    assert {cell.value for cell in book["按单位"]["A"][1:]} == {"盟质监局"}
    response = client.get("/units.xlsx?unit=盟质监局")
    assert "%E7%9B%9F%E8%B4%A8%E7%9B%91%E5%B1%80.xlsx" in response.headers["Content-Disposition"]
    typed = workbook(client.get("/units.xlsx?q=特种设备"))
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/units.csv?q=特种设备").get_data(as_text=True)[1:])))
    assert len(matrix_rows(typed.worksheets[0])) == len(csv_rows) > 0
    empty = workbook(client.get("/units.xlsx?q=没有这样的内容"))
    assert matrix_rows(empty.worksheets[0]) == [] and empty.sheetnames[-1] == "按单位"
    assert client.get("/units.xlsx?unit=盟外星局").status_code == 404


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """A client of the app over a plan whose text opens with a spreadsheet formula."""
    from web import create_app

    folder = tmp_path_factory.mktemp("formula")
    (folder / "plan.txt").write_text(
        "测试实施方案\n一、重点任务\n(一)公式测试\n=HYPERLINK(\"http://example.invalid\",\"点击\")报送数据。\n"
        "(责任单位:盟工商局牵头,盟财政局配合。)\n",
        encoding="utf-8",
    )
    for name in ("units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    return create_app({"CORPUS_DIR": str(folder), "STATE_DB": ":memory:", "TESTING": True}).test_client()


def test_xlsx_cells_are_text_never_formulas(hostile_client):
    book = workbook(hostile_client.get("/units.xlsx"))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)


def test_several_plans_get_a_sheet_each(both_client):
    book = workbook(both_client.get("/units.xlsx"))
    assert book.sheetnames == [
        "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案",
        "三亚市创建一流营商环境2023年实施方案",
        "按单位",
    ]
    sanya = book.worksheets[1]
    assert len(matrix_rows(sanya)) > 0 and all(row[3:] and any(row[3:]) for row in matrix_rows(sanya))


@pytest.fixture(scope="module")
def both_client(both_plans, tmp_path_factory):
    """A client of the app over the shipped plan and the Sanya plan."""
    from web import create_app

    state = tmp_path_factory.mktemp("xlsx-both") / "state.sqlite3"
    return create_app({"CORPUS_DIR": str(both_plans), "STATE_DB": str(state), "TESTING": True}).test_client()


def test_units_page_offers_the_excel_download_with_its_filter(client):
    html = client.get("/units?unit=盟质监局&q=特种设备").get_data(as_text=True)
    link = re.search(r'<a class="button" id="xlsx-link" href="([^"]+)" download>', html)
    assert link and unquote(link.group(1)).replace("&amp;", "&") == "/units.xlsx?unit=盟质监局&q=特种设备"
