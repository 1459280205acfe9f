"""The pages in a real browser: Debian's chromium driven by Playwright, against the app served by waitress.

Every request that leaves 127.0.0.1 is blocked and recorded, and each test fails if one was made, if a
dialog opened, or if the console reported an error (a Content-Security-Policy violation shows up there).
Screenshots go to tests/screenshots/; UPDATE_SCREENSHOT=1 also refreshes docs/screenshot.png.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parent / "screenshots"
README_SHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
QUESTION = "简易注销有哪些配合单位？"
SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]

# On a developer's machine without chromium these are skipped and say so; in CI (CI=true) they must run,
# so a missing browser fails them instead of passing unnoticed.
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs Debian's chromium: apt-get install chromium fonts-wqy-microhei",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app, as `python app.py` serves it (waitress, no testing flags), on a free local port."""
    from waitress.server import create_server

    from web import create_app

    app = create_app({"STATE_DB": str(tmp_path_factory.mktemp("browser") / "state.sqlite3")})
    assert not app.debug and not app.testing
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()


@pytest.fixture(scope="module")
def browser():
    """Headless chromium; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: requests off this machine, dialogs, console errors."""

    def __init__(self):
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        """Let requests to 127.0.0.1 through; abort and record every other one."""
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def dialog(self, dialog) -> None:
        """Record and dismiss an alert/confirm/prompt."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def console(self, message) -> None:
        """Record console errors."""
        if message.type == "error":
            self.errors.append(message.text)


def open_page(browser, server, viewport: dict):
    """A fresh context (own sessionStorage) and page at `viewport`, watched."""
    watch = Watch()
    context = browser.new_context(
        base_url=server,
        viewport=viewport,
        locale="zh-CN",
        accept_downloads=True,
        device_scale_factor=1,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    context.route("**/*", watch.route)
    page = context.new_page()
    page.on("dialog", watch.dialog)
    page.on("console", watch.console)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.set_default_timeout(10_000)
    return context, page, watch


@pytest.fixture()
def desktop(browser, server):
    """A desktop-sized page; afterwards, nothing left the machine and nothing went wrong."""
    context, page, watch = open_page(browser, server, DESKTOP)
    yield page
    context.close()
    assert watch.outside == [] and watch.dialogs == [] and watch.errors == []


@pytest.fixture()
def phone(browser, server):
    """A phone-sized page (390×844, touch), watched like the desktop one."""
    context, page, watch = open_page(browser, server, PHONE)
    yield page
    context.close()
    assert watch.outside == [] and watch.dialogs == [] and watch.errors == []


def shoot(page, name: str) -> Path:
    """Save a screenshot under tests/screenshots/."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def expect(locator):
    """Playwright's assertions, which wait for the page to catch up."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def ask(page, question: str):
    """Type a question, press Enter, and return the answer's list item once it is shown."""
    answers = page.locator(".msg-bot:not(.is-waiting)")
    before = answers.count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    answers.nth(before).wait_for()
    return answers.nth(before)


def no_sideways_scroll(page) -> bool:
    """True when the page fits the viewport's width (wide content scrolls inside its own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_ask_shows_units_and_clause_then_the_citation_opens_highlighted(desktop):
    desktop.goto("/")
    answer = ask(desktop, QUESTION)
    cooperating = answer.locator(".role-cooperate .chip")
    assert cooperating.all_inner_texts() == SIX
    assert answer.locator(".role-cooperate").get_attribute("class").endswith("is-answer")
    assert answer.locator(".role-lead .chip").all_inner_texts() == ["盟工商局"]
    first = answer.locator(".cite").first
    assert first.locator(".cite-path").inner_text() == "二、(一)5"
    assert "简易注销" in first.locator("mark").all_inner_texts()
    assert "配合单位：盟环保局" in answer.locator(".answer-text").inner_text()
    shoot(desktop, "chat-desktop")
    if os.environ.get("UPDATE_SCREENSHOT"):  # the README's picture: the page from the top, header included
        desktop.evaluate("window.scrollTo(0, 0)")
        desktop.screenshot(path=str(README_SHOT))

    first.locator(".cite-head").click()
    desktop.wait_for_url("**/clause/028a20-31?*")
    clause = desktop.locator("#c-028a20-31")
    assert "is-focus" in clause.get_attribute("class")
    assert clause.locator("mark").first.inner_text() in ("简易注销", "简易", "注销")
    box, height = clause.bounding_box(), desktop.viewport_size["height"]
    assert 0 <= box["y"] and box["y"] + box["height"] <= height  # scrolled into view
    assert clause.locator(".clause-units .chip-cooperate").all_inner_texts() == SIX
    shoot(desktop, "clause-desktop")

    desktop.go_back()  # the conversation survives the visit to the clause
    desktop.locator(".msg-bot .role-cooperate").first.wait_for()
    assert desktop.locator(".msg-user").all_inner_texts() == [QUESTION]


def test_follow_up_keeps_the_topic_and_new_conversation_forgets_it(desktop):
    desktop.goto("/")
    ask(desktop, QUESTION)
    follow_up = ask(desktop, "那牵头单位呢？")
    assert follow_up.locator(".chip.is-answer").all_inner_texts() == ["盟工商局"]
    assert "牵头单位：盟工商局" in follow_up.locator(".answer-text").inner_text()
    assert follow_up.locator(".cite-path").first.inner_text() == "二、(一)5"

    desktop.reload()
    assert desktop.locator(".msg-user").all_inner_texts() == [QUESTION, "那牵头单位呢？"]
    assert desktop.locator("#intro").is_hidden()
    desktop.get_by_role("button", name="新对话").click()
    assert desktop.locator(".msg").count() == 0 and desktop.locator("#intro").is_visible()
    lost = ask(desktop, "那牵头单位呢？")  # a fresh session has no topic to continue
    assert lost.locator(".chip").count() == 0 and lost.locator(".nothing").is_visible()


def test_script_question_is_shown_as_text_and_nothing_runs(desktop):
    desktop.goto("/")
    attack = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    answer = ask(desktop, attack)
    assert desktop.locator(".msg-user .bubble").inner_text() == attack
    assert desktop.locator("#log script, #log img").count() == 0
    assert answer.locator(".nothing").inner_text() == "方案中没有相关内容"
    assert "可以这样问" in answer.locator(".answer-text").inner_text()
    assert answer.locator(".cite").count() == 0
    # the desktop fixture asserts that no dialog opened


def test_shift_enter_breaks_the_line_and_examples_ask(desktop):
    desktop.goto("/")
    box = desktop.locator("#question")
    box.fill("第一行")
    box.press("Shift+Enter")
    box.type("第二行")
    assert box.input_value() == "第一行\n第二行" and desktop.locator(".msg").count() == 0
    box.fill("")
    desktop.locator(".example").nth(1).click()
    answer = desktop.locator(".msg-bot:not(.is-waiting)").first
    answer.wait_for()
    assert answer.locator(".cite").count() >= 3 and answer.locator(".more").is_visible()


def test_copy_button_copies_the_answer(desktop):
    desktop.context.grant_permissions(["clipboard-read", "clipboard-write"])
    desktop.goto("/")
    answer = ask(desktop, QUESTION)
    answer.get_by_role("button", name="复制回答").click()
    expect(answer.get_by_role("button", name="已复制")).to_be_visible()  # set once the async write is done
    assert desktop.evaluate("navigator.clipboard.readText()").startswith("配合单位：盟环保局")


def test_matrix_filters_by_unit_and_downloads_those_rows(desktop, server):
    desktop.goto("/units")
    rows = desktop.locator("tr.task")
    total = rows.count()
    desktop.locator("#filter-unit").select_option("盟质监局")
    shown = desktop.locator("tr.task:visible")
    assert 0 < shown.count() < total
    for row in shown.all():
        assert row.locator("td.mark-lead:visible, td.mark-cooperate:visible").count() == 1
    assert desktop.locator("thead th.unit-col:visible").all_inner_texts() == ["盟质监局"]
    assert "unit=" in desktop.url
    shoot(desktop, "units-desktop")

    with desktop.expect_download() as info:
        desktop.locator("#csv-link").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(table) == shown.count()
    assert all("盟质监局" in row["牵头单位"] + row["配合单位"] for row in table)
    assert unquote(info.value.suggested_filename) in ("责任分工-盟质监局.csv", "responsibilities.csv")

    desktop.locator("#filter-unit").select_option("")
    desktop.locator("#filter-text").fill("特种设备")
    same = desktop.request.get(
        desktop.locator("#csv-link").get_attribute("href")
    ).text()  # the server's filter
    assert 0 < desktop.locator("tr.task:visible").count() == len(list(csv.DictReader(io.StringIO(same[1:]))))
    desktop.locator("#filter-text").fill("质监")  # part of a unit's name narrows the columns too
    assert desktop.locator("thead th.unit-col:visible").all_inner_texts() == ["盟质监局"]


def test_unit_page_lists_tasks_by_role(desktop):
    desktop.goto("/units")
    desktop.locator("thead th.unit-col a", has_text="盟质监局").click()
    desktop.wait_for_url("**/units/*")
    assert desktop.locator("h1").inner_text() == "盟质监局"
    lead = desktop.locator("#lead .task-card")
    assert lead.count() == 7
    assert "加强特种设备安全监管" in lead.all_inner_texts()[1]


def test_phone_layout_fits_the_screen(phone):
    phone.goto("/")
    answer = ask(phone, QUESTION)
    assert answer.locator(".role-cooperate .chip").count() == 6
    assert no_sideways_scroll(phone)
    send, box = phone.locator("#send").bounding_box(), phone.locator("#question").bounding_box()
    assert box["x"] + box["width"] <= send["x"] and send["x"] + send["width"] <= PHONE["width"]
    shoot(phone, "chat-phone")

    answer.locator(".cite-head").first.click()
    phone.wait_for_url("**/clause/*")
    assert no_sideways_scroll(phone)
    assert phone.locator("#toc").get_attribute("open") is None  # contents folded away on a phone
    assert phone.locator(".is-focus").is_visible()
    shoot(phone, "clause-phone")

    phone.goto("/units?unit=盟质监局")
    assert no_sideways_scroll(phone)
    assert phone.locator("#filter-unit").input_value() == "盟质监局"
    shoot(phone, "units-phone")
