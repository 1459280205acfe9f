"""The admin area in a real browser (Debian's chromium, driven by Playwright), the app served by waitress:
log in, see a question, add a synonym, upload a plan, fix a unit, ask again, log out — nothing loaded from
outside the machine, no console error (a CSP violation shows up there), no dialog."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest

from services import CHROMIUM
from test_browser import DESKTOP, ask, expect, open_page, shoot
from web import create_app
from web.admin.auth import set_password

ROOT = Path(__file__).resolve().parent.parent
DOCX = Path(__file__).resolve().parent / "data" / "plans" / "city-digital-plan.docx"
PASSWORD = "admin-password-for-the-browser"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not __import__("os").environ.get("CI"),
    reason="needs Debian's chromium: apt-get install chromium fonts-wqy-microhei",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app over a corpus of its own, served by waitress on a free local port: (base URL, app)."""
    from waitress.server import create_server

    folder = tmp_path_factory.mktemp("admin-browser")
    (folder / "corpus").mkdir()
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / "corpus" / name)
    set_password(folder / "instance", PASSWORD)
    app = create_app(
        {
            "CORPUS_DIR": str(folder / "corpus"),
            "STATE_DB": str(folder / "state.sqlite3"),
            "INSTANCE_DIR": str(folder / "instance"),
        }
    )
    assert not app.debug and not app.testing
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}", app, folder
    wsgi.close()
    app.extensions["log"].close()


@pytest.fixture()
def page(browser, site):
    """A desktop page; afterwards, nothing left the machine and nothing went wrong."""
    context, page, watch = open_page(browser, site[0], DESKTOP)
    yield page
    context.close()
    assert watch.outside == [] and watch.dialogs == [] and watch.errors == []


def plan_pdf(folder: Path) -> Path:
    """A PDF plan made from the .docx test plan's lines (its duty table as a ruled table)."""
    from pdf_maker import write_pdf

    from qa.reading.sources import read_source

    return write_pdf(
        list(read_source(DOCX).lines), folder / "数字政府建设方案.pdf", column_widths=[30, 230, 110, 110]
    )


def test_log_in_see_a_question_add_a_synonym_upload_a_plan_fix_a_unit_ask_again_log_out(page, site):
    base, app, folder = site
    # staff ask on the chat page; the plans do not know their word
    page.goto("/")
    refused = ask(page, "升降机谁牵头？")
    assert "没有找到" in refused.inner_text() and refused.locator(".role-lead .chip").count() == 0

    # log in: a wrong password first
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/admin/login\?next="))
    page.locator("#password").fill("not the password")
    page.locator("#login").click()
    expect(page.locator("p.error")).to_have_text("密码不对。")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login").click()
    page.wait_for_url(f"{base}/admin/")
    assert page.locator("svg.chart").count() == 2
    shoot(page, "admin-overview")

    # see the question: in the recent list (from the chat page: channel 网页) and among the unanswered
    app.extensions["log"].flush()
    page.get_by_role("link", name="没有答案", exact=True).click()
    row = page.locator("#log-table tbody tr", has_text="升降机谁牵头？")
    expect(row).to_have_count(1)
    assert "网页" in row.inner_text() and "没有" in row.inner_text()
    shoot(page, "admin-unanswered")

    # add a synonym from the gap, and see the new answer at once
    row.get_by_role("link", name="补充").click()
    page.wait_for_url(re.compile(r"/admin/fix\?q="))
    expect(page.locator("#fix-answer")).to_contain_text("方案中没有找到")
    page.locator("#synonym-form input[name=word]").fill("升降机")
    page.locator("#synonym-form input[name=plan_words]").fill("特种设备")
    page.locator("#synonym-form button").click()
    expect(page.locator(".flashes")).to_contain_text("已添加同义词：升降机 → 特种设备")
    expect(page.locator("#fix-answer")).to_contain_text("牵头单位：盟质监局")
    shoot(page, "admin-fix")

    # upload a plan (a PDF), see its check report
    page.get_by_role("link", name="方案管理", exact=True).click()
    page.locator("#upload-form input[type=file]").set_input_files(str(plan_pdf(folder)))
    page.locator("#upload").click()
    page.wait_for_url(re.compile(r"/admin/plans/[^/?]+\.pdf\?v="))
    expect(page.locator(".flashes")).to_contain_text("已上传《青岚市2024年数字政府建设实施方案》")
    expect(page.locator("#check-report")).to_contain_text("条款")
    shoot(page, "admin-plan")

    # fix a unit of one of its clauses
    clause = app.extensions["qa"].ask("5G基站建设谁牵头").citations[0]
    assert clause.lead == ("市工业和信息化局",)
    page.locator(f"#c-{clause.id}").get_by_role("link", name="修改单位").click()
    page.wait_for_url(f"**/admin/clause/{clause.id}")
    page.locator("#lead").fill("市数据局\n市工业和信息化局")  # one unit per line
    page.locator("#save-units").click()
    expect(page.locator(".flashes")).to_contain_text("已修改")
    expect(page.locator("#clause-lead")).to_have_text("市数据局、市工业和信息化局")

    # ask again, on the chat page: the synonym and the unit both show
    page.goto("/")
    page.get_by_role("button", name="新对话").click()
    lift = ask(page, "升降机谁牵头？")
    assert lift.locator(".role-lead .chip").all_inner_texts() == ["盟质监局"]
    five_g = ask(page, "5G基站建设谁牵头")
    assert five_g.locator(".role-lead .chip").all_inner_texts() == ["市数据局", "市工业和信息化局"]

    # log out: the admin area asks for the password again
    page.goto("/admin/")
    page.locator("#logout").click()
    page.wait_for_url("**/admin/login")
    expect(page.locator(".flashes")).to_contain_text("已退出")
    page.goto("/admin/plans")
    page.wait_for_url(re.compile(r"/admin/login\?next="))
