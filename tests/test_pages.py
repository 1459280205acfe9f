"""The pages through Flask's test client: chat, plan, clause, matrix, unit pages, CSV, escaping,
404s, headers."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from web.matrix import CSV_COLUMNS, excel_safe
from web.pages import highlight

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/plan", "/clause/028a20-31", "/units", "/units/盟质监局", "/clause/nope"]
SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]
HOSTILE_PLAN = """测试实施方案
一、重点任务
(一)公式测试
=HYPERLINK("http://example.invalid","点击")报送数据。
(责任单位:盟工商局牵头,盟财政局配合。)
(二)脚本测试
<script>alert(1)</script>加强监管。
(责任单位:盟质监局)
"""


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of <script> and <style> elements."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.inline: list[str] = []
        self._open = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data):
        if self._open in ("script", "style") and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._open = ""

    def tags_with(self, tag: str, attribute: str) -> list[dict]:
        """Attributes of each `tag` that has `attribute`."""
        return [have for name, have in self.tags if name == tag and attribute in have]

    def find(self, tag: str, **attrs) -> list[dict]:
        """Attributes of each `tag` whose attributes include `attrs` (class_ for class, matched as a word)."""
        found = []
        for name, have in self.tags:
            if name != tag:
                continue
            wanted = dict(attrs)
            if "class_" in wanted and wanted.pop("class_") not in (have.get("class") or "").split():
                continue
            if all(have.get(k) == v for k, v in wanted.items()):
                found.append(have)
        return found


def page(client, url: str, status: int = 200) -> str:
    """The HTML of a page, checking its status."""
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def section(html: str, clause_id: str) -> str:
    """The HTML of one clause's <section> on the plan page."""
    start = html.index(f'id="c-{clause_id}"')
    return html[start : html.index("</section>", start)]


def read_csv(response) -> list[dict]:
    """The rows of a CSV response, after checking it is what Excel needs: a BOM and CRLF line ends."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= 1 and b"\n" not in data.replace(b"\r\n", b"").split(b'"')[0]
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    return list(reader)


@pytest.fixture(scope="module")
def both_client(both_plans, tmp_path_factory):
    """A client of the app over the shipped plan and the Sanya plan."""
    from web import create_app

    state = tmp_path_factory.mktemp("both-state") / "state.sqlite3"
    return create_app({"CORPUS_DIR": str(both_plans), "STATE_DB": str(state), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """A client of the app over a plan whose text holds markup and a spreadsheet formula."""
    from web import create_app

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "plan.txt").write_text(HOSTILE_PLAN, encoding="utf-8")
    for name in ("units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    return create_app({"CORPUS_DIR": str(folder), "STATE_DB": ":memory:", "TESTING": True}).test_client()


# -- every page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_only_the_apps_own_files_with_no_inline_code(client, url):
    html = page(client, url, 404 if url.endswith("nope") else 200)
    tags = Tags(html)
    assert tags.inline == []  # the CSP forbids inline scripts and <style>; they would silently not run
    assert all("style" not in attrs and not any(k.startswith("on") for k in attrs) for _, attrs in tags.tags)
    for _, attrs in tags.tags:
        for key in ("src", "href", "action"):
            link = attrs.get(key) or ""
            assert not re.match(r"^(https?:)?//", link), f"{url} links outside the app: {link}"
    assets = [a["src"] for a in tags.find("script")] + [a["href"] for a in tags.find("link")]
    assert any(a.endswith("app.css") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize("url", PAGES + ["/static/css/app.css", "/units.csv", "/api/clauses"])
def test_every_response_has_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_reach_nothing_outside_the_app():
    static = ROOT / "web" / "static"
    for path in static.rglob("*"):
        if path.suffix in (".css", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://|@import|url\(\s*['\"]?//", text), path
            assert not re.search(r"\.(inner|outer)HTML\s*\+?=|insertAdjacentHTML|document\.write", text), path


def test_app_is_not_in_debug_mode(app):
    from web.settings import load_settings

    assert app.debug is False and "DEBUG" not in load_settings()


# -- chat ----------------------------------------------------------------------------------------


def test_chat_page_has_examples_composer_and_api_address(client):
    tags = Tags(page(client, "/"))
    examples = [a["data-question"] for a in tags.find("button", class_="example")]
    assert "简易注销有哪些配合单位？" in examples and len(examples) >= 3
    chat = tags.find("main", id="main")[0]
    assert chat["data-ask-url"] == "/api/ask" and chat["data-units-url"] == "/units"
    assert chat["data-feedback-url"] == "/api/feedback"
    assert tags.find("textarea", id="question")[0]["maxlength"] == "500"
    assert "data-slash" in tags.find("textarea", id="question")[0]  # "/" focuses it
    assert tags.find("button", id="new-chat") and tags.find("button", id="history-toggle")
    assert tags.find("script", src="/static/js/chat.js", type="module")


def test_chat_page_knows_the_sections_a_units_tasks_are_grouped_under(client):
    chat = Tags(page(client, "/")).find("main", id="main")[0]
    sections = json.loads(chat["data-sections"])["plan.txt"]
    assert sections["二、"] == "二、 重点任务"
    assert sections["二、(二)"] == "二、(二) 营造公平有序的市场竞争环境"
    assert "二、(二)2" not in sections  # items are not sections


@pytest.mark.parametrize("url", ["/", "/plan", "/units", "/units/盟质监局", "/clause/nope"])
def test_every_page_has_the_theme_and_type_toggles_and_a_skip_link(client, url):
    tags = Tags(page(client, url, 404 if url.endswith("nope") else 200))
    assert tags.find("script", src="/static/js/site.js")  # in <head>, so the theme applies before drawing
    for toggle in ("toggle-large", "toggle-dark"):
        assert tags.find("button", id=toggle)[0]["aria-pressed"] == "false"
    assert tags.find("a", class_="skip-link")[0]["href"] == "#main" and tags.find("main", id="main")


# -- plan and clause -----------------------------------------------------------------------------


def test_plan_anchors_every_clause_with_its_units_beside_it(client, assistant):
    html = page(client, "/plan")
    anchors = re.findall(r'id="c-([^"]+)"', html)
    assert anchors == [c.id for c in assistant.clauses]
    box = section(html, "028a20-31")
    assert re.findall(r'chip chip-cooperate"[^>]*>([^<]+)<', box) == SIX
    assert re.findall(r'chip chip-lead"[^>]*>([^<]+)<', box) == ["盟工商局"]
    assert "is-focus" not in html


def test_plan_contents_nest_headings_by_level(client):
    html = page(client, "/plan")
    start = html.index('class="toc-tree"')
    toc = html[start : html.index("</nav>", start)]
    # 二、重点任务 holds (一)…, which holds 1.改革市场准入制度: three levels of <ol>
    assert re.search(
        r'二、重点任务</a><ol>\s*<li><a href="#c-028a20-15">\(一\)营造宽松便捷的市场准入环境</a>'
        r'<ol>\s*<li><a href="#c-028a20-16">1\.改革市场准入制度</a>',
        toc,
    )


def test_clause_opens_the_plan_with_that_clause_highlighted(client):
    html = page(client, "/clause/028a20-31?hl=简易注销&hl=注销")
    tags = Tags(html)
    assert tags.find("main", id="main")[0]["data-focus"] == "c-028a20-31"
    focused = tags.find("section", class_="is-focus")
    assert len(focused) == 1 and focused[0]["id"] == "c-028a20-31" and focused[0]["aria-current"] == "true"
    assert section(html, "028a20-31").count("<mark>简易注销</mark>") == 2
    assert "<mark>" not in html.replace(
        section(html, "028a20-31"), ""
    )  # terms are marked in the cited clause only
    current = [a["href"] for a in tags.find("a") if a.get("aria-current") == "location"]
    assert current == ["#c-028a20-14", "#c-028a20-15", "#c-028a20-30"]  # 二、 › (一) › 5. in the contents
    assert page(client, "/plan?focus=028a20-31").count('aria-current="true"') == 1


def test_plan_has_a_search_box_and_a_way_back_to_the_chat(client):
    tags = Tags(page(client, "/plan"))
    assert tags.find("a", class_="back")[0]["href"] == "/"
    box = tags.find("input", id="find-text")[0]
    assert "data-slash" in box and tags.find("label", **{"for": "find-text"})
    assert tags.find("button", id="find-prev")[0]["aria-label"] == "上一处"
    assert tags.find("button", id="find-next")[0]["aria-label"] == "下一处"
    assert tags.find("a", id="to-top") and tags.find("aside", class_="toc-panel")
    assert tags.find("script", src="/static/js/plan.js", type="module")


def test_plan_folds_a_long_list_of_units(client):
    box = section(page(client, "/plan"), "028a20-35")  # 二、(一)6: 22 cooperating units
    assert '<details class="many-units">' in box and "22 个单位" in box
    assert "many-units" not in section(page(client, "/plan"), "028a20-31")  # six are shown as they are


@pytest.mark.parametrize("url", ["/clause/nope", "/clause/028a20-9999", "/plan?focus=nope"])
def test_unknown_clause_is_a_404_page(client, url):
    html = page(client, url, 404)
    assert "没有找到" in html and "没有编号为" in html and 'href="/plan"' in html


def test_several_plans_are_grouped_by_document(both_client):
    html = page(both_client, "/plan")
    titles = re.findall(
        r'<article class="document" id="doc-\d+">\s*<header class="doc-header">\s*<h1>([^<]+)</h1>', html
    )
    assert titles == [
        "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案",
        "三亚市创建一流营商环境2023年实施方案",
    ]
    sanya = both_client.get("/api/clauses").get_json()[-1]
    assert (
        Tags(page(both_client, sanya["url"])).find("section", class_="is-focus")[0]["id"]
        == f"c-{sanya['id']}"
    )
    matrix = page(both_client, "/units")
    assert len(re.findall(r'<tr class="doc-row">', matrix)) == 2


# -- matrix, unit pages, CSV ---------------------------------------------------------------------


def test_matrix_has_every_unit_and_every_task_marked_by_role(client, assistant):
    tags = Tags(page(client, "/units"))
    assert [a["data-unit"] for a in tags.find("th", class_="unit-col")] == list(assistant.duty_units)
    rows = tags.find("tr", class_="task")
    tasks = assistant.task_clauses
    assert len(rows) == len(tasks)
    for row, clause in zip(rows, tasks):
        assert row["data-units"].split("|") == list(clause.lead + clause.cooperate)
        assert clause.text.lower() in row["data-search"]
    lead = {a["data-unit"] for a in tags.find("td", class_="mark-lead")}
    cooperate = {a["data-unit"] for a in tags.find("td", class_="mark-cooperate")}
    assert "盟质监局" in lead and "盟质监局" in cooperate and "盟环保局" in cooperate
    marks = len(tags.find("td", class_="mark-lead")) + len(tags.find("td", class_="mark-cooperate"))
    assert marks == sum(len(c.lead) + len(c.cooperate) for c in tasks)
    assert tags.find("a", id="csv-link")[0]["href"] == "/units.csv"
    assert tags.find("script", src="/static/js/units.js")


def test_matrix_names_an_item_once_above_its_parts(client):
    html = page(client, "/units")
    table = html[html.index('id="view-task"') : html.index('id="view-unit"')]
    text = re.sub(r"<[^>]*>", "", table)
    assert text.count("改革市场准入制度") == 1 + 2  # the item's row, and each part's name for screen readers
    assert text.count("二、(一)1 改革市场准入制度 （分 2 部分") == 1
    tags = Tags(html)
    items = tags.find("tr", class_="item-row")
    assert [a["data-item"] for a in items] == ["028a20-17", "028a20-58", "028a20-116"]
    parts = [a["data-id"] for a in tags.find("tr", class_="task") if a["data-item"] == "028a20-17"]
    assert parts == ["028a20-17", "028a20-19"]
    assert ">之一：深入推行行政审批制度改革<" in html and ">之二：进一步开放企业名称管理<" in html


def test_matrix_heads_are_short_names_with_the_full_name_on_hover(client):
    html = page(client, "/units")
    head = re.search(r'<th scope="col" class="unit-col" data-unit="盟“双打”工作领导小组成员单位">(.*?)</th>', html)
    assert head, "the unit's quote marks are kept"
    assert 'title="盟“双打”工作领导小组成员单位"' in head.group(1)
    assert '<span aria-hidden="true">“双打”工作领导小组</span>' in head.group(1)
    assert '<span class="visually-hidden">盟“双打”工作领导小组成员单位</span>' in head.group(1)
    # each mark names its unit and role for screen readers (and for the list shown on a phone)
    assert '<span class="cell-unit">盟工商局<span class="visually-hidden"> 牵头</span></span>' in html


def test_matrix_by_unit_lists_every_units_tasks(client, assistant):
    tags = Tags(page(client, "/units?view=unit"))
    assert "hidden" not in tags.find("div", id="view-unit")[0]
    assert "hidden" in tags.find("div", id="view-task")[0]
    assert "checked" in tags.find("input", value="unit")[0]
    blocks = [a["data-unit"] for a in tags.find("section", class_="unit-block")]
    assert blocks == list(assistant.duty_units)
    assert len(tags.find("li", **{"data-search": None})) == 0
    listed = [a["data-id"] for a in tags.tags_with("li", "data-id")]
    assert len(listed) == sum(lead + cooperate for _, lead, cooperate in assistant.unit_counts())
    assert "hidden" in Tags(page(client, "/units")).find("div", id="view-unit")[0]


def test_unit_page_groups_its_tasks_by_section_with_counts(client):
    html = page(client, "/units/盟质监局")
    assert "牵头 7 项 · 配合 2 项" in re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    lead = html[html.index('id="lead"') : html.index('id="cooperate"')]
    sections = re.findall(r'<h3 class="section-title">([^<]+)<span class="count">(\d+) 项</span>', lead)
    assert sections == [("二、(二) 营造公平有序的市场竞争环境 ", "6"), ("二、(三) 营造安全放心的市场消费环境 ", "1")]
    assert 'href="/units.xlsx?unit=%E7%9B%9F%E8%B4%A8%E7%9B%91%E5%B1%80"' in html


def test_matrix_keeps_the_filter_from_the_address(client):
    tags = Tags(page(client, "/units?unit=盟质监局&q=特种设备"))
    assert "selected" in tags.find("option", value="盟质监局")[0]
    assert tags.find("input", id="filter-text")[0]["value"] == "特种设备"
    assert unquote(tags.find("a", id="csv-link")[0]["href"]) == "/units.csv?unit=盟质监局&q=特种设备"


def test_print_stylesheet_hides_the_controls():
    css = (ROOT / "web" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert ".filters" in printed and ".composer" in printed and "landscape" in css


def test_unit_page_lists_its_tasks_by_role(client, assistant):
    tags = Tags(page(client, "/units/盟质监局"))
    lead = [c for c in assistant.clauses if "盟质监局" in c.lead]
    cooperate = [c for c in assistant.clauses if "盟质监局" in c.cooperate]
    assert (len(lead), len(cooperate)) == (7, 2)
    links = [a["href"] for a in tags.find("a", class_="task-head")]
    assert links == [f"/clause/{c.id}" for c in lead + cooperate]


def test_unit_alias_redirects_to_the_units_page(client):
    response = client.get("/units/质监局")
    assert response.status_code == 302 and unquote(response.headers["Location"]) == "/units/盟质监局"


def test_unknown_unit_is_a_404_page(client):
    assert "没有给“盟外星局”分配任务" in page(client, "/units/盟外星局", 404)


def test_csv_has_every_task_for_excel(client, assistant):
    response = client.get("/units.csv")
    rows = read_csv(response)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''%E8%B4%A3%E4%BB%BB%E5%88%86%E5%B7%A5.csv" in response.headers["Content-Disposition"]
    )
    tasks = assistant.task_clauses
    assert [r["编号"] for r in rows] == [c.id for c in tasks]
    exit_row = next(r for r in rows if r["编号"] == "028a20-31")
    assert exit_row["条款"] == "二、(一)5" and exit_row["标题"] == "完善市场主体退出机制"
    assert exit_row["牵头单位"] == "盟工商局" and exit_row["配合单位"] == "、".join(SIX)
    assert exit_row["原文"] == assistant.clause("028a20-31").text


def test_csv_follows_the_matrix_filter(client):
    rows = read_csv(client.get("/units.csv?unit=质监局"))  # an alias names the unit too
    assert len(rows) == 9 and all("盟质监局" in r["牵头单位"] + r["配合单位"] for r in rows)
    assert [r["标题"] for r in read_csv(client.get("/units.csv?unit=盟质监局&q=特种设备安全监管"))] == [
        "加强特种设备安全监管"
    ]
    assert read_csv(client.get("/units.csv?q=没有这样的内容")) == []
    assert client.get("/units.csv?unit=盟外星局").status_code == 404


def test_csv_cells_never_start_a_formula(hostile_client):
    rows = read_csv(hostile_client.get("/units.csv"))
    formula = next(r for r in rows if r["标题"] == "公式测试")
    # the item's title opens the cell now; a formula opening a cell is quoted (excel_safe, below)
    assert "=HYPERLINK(" in formula["原文"] and not formula["原文"].startswith(("=", "+", "-", "@", "\t"))
    assert [excel_safe(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "盟工商局")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "盟工商局",
    ]


# -- escaping ------------------------------------------------------------------------------------


def test_plan_text_with_markup_is_shown_as_text(hostile_client):
    for url in ("/plan", "/units", "/units/盟质监局", "/clause/028a20-7?hl=<script>"):
        html = page(hostile_client, url)
        assert "<script>alert(1)</script>" not in html
        assert Tags(html).inline == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;加强监管" in page(hostile_client, "/plan")
    assert "<mark>&lt;script&gt;</mark>alert(1)" in page(hostile_client, "/clause/028a20-7?hl=<script>")


def test_user_text_in_addresses_is_escaped(client):
    attack = "<script>alert(1)</script>"
    for url, status in (
        (f"/units?q={attack}&unit={attack}", 200),
        (f"/units/{attack}", 404),
        (f"/clause/{attack}", 404),
        (f"/units.csv?unit={attack}", 404),
    ):
        response = client.get(url)
        assert response.status_code == status and attack not in response.get_data(as_text=True), url
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page(client, f"/units?q={attack}")


def test_highlight_escapes_text_and_marks_longest_terms_first():
    marked = highlight("a<b>简易注销与注销", ["注销", "简易注销", "<b>", ""])
    assert str(marked) == "a<mark>&lt;b&gt;</mark><mark>简易注销</mark>与<mark>注销</mark>"
    assert str(highlight("<i>", [])) == "&lt;i&gt;"


# -- several plans at once (issue 21) ---------------------------------------------------------------
def test_the_plan_page_shows_one_plan_by_its_id_or_name(both_plans, tmp_path):
    from web import create_app

    client = create_app({"CORPUS_DIR": str(both_plans), "STATE_DB": str(tmp_path / "s.sqlite3"),
                         "TESTING": True}).test_client()
    every = client.get("/plan").get_data(as_text=True)
    assert "三亚市创建一流营商环境" in every and "锡林郭勒盟贯彻落实" in every
    for key in ("锡盟", "plan", "锡林郭勒盟"):
        one = client.get("/plan", query_string={"plan": key}).get_data(as_text=True)
        assert "锡林郭勒盟贯彻落实" in one and "三亚市创建一流营商环境" not in one, key
    missing = client.get("/plan", query_string={"plan": "天津"})
    assert missing.status_code == 404 and "没有名为“天津”的方案" in missing.get_data(as_text=True)


# -- the pages at a compilation's size (issue 26) -----------------------------------------------------------
def test_a_corpus_too_large_for_one_page_comes_a_plan_a_page(both_plans, tmp_path, monkeypatch):
    import web.pages
    from web import create_app

    client = create_app({"CORPUS_DIR": str(both_plans), "STATE_DB": str(tmp_path / "s.sqlite3"),
                         "TESTING": True}).test_client()
    whole = page(client, "/plan")
    monkeypatch.setattr(web.pages, "PLAN_PAGE_BYTES", 20_000)  # both plans' text is more than this
    first = page(client, "/plan")
    titles = re.findall(r'<article class="document" id="doc-\d+">\s*<header class="doc-header">\s*<h1>([^<]+)</h1>',
                        first)
    assert titles == ["锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案"]
    assert len(first.encode()) < len(whole.encode()) / 2
    listed = re.search(r'<ol class="toc-plans">(.*?)</ol>', first, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', listed)
    assert [(title, bool(current)) for _, current, title in links] == [
        ("锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案", True), ("三亚市创建一流营商环境2023年实施方案", False)]
    # the other plan by its link, and by a citation's link to one of its clauses
    other = page(client, links[1][0].replace("&amp;", "&"))
    assert "三亚市创建一流营商环境2023年实施方案</h1>" in other and "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案</h1>" not in other
    sanya = client.get("/api/clauses").get_json()[-1]
    cited = page(client, sanya["url"])
    assert Tags(cited).find("section", class_="is-focus")[0]["id"] == f"c-{sanya['id']}"
    assert "三亚市创建一流营商环境2023年实施方案</h1>" in cited and "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案</h1>" not in cited


def test_what_the_first_requests_would_make_is_made_before_serving(tmp_path):
    # gunicorn builds the app before its workers fork: what is made then is shared, and no first request waits
    from web import create_app
    from web.matrix import _MATRICES

    app = create_app({"STATE_DB": str(tmp_path / "s.sqlite3"), "TESTING": True})
    qa = app.extensions["qa"]
    assert qa in _MATRICES and "_tasks_by_unit" in qa.__dict__ and "examples" in qa.__dict__


def test_a_unit_page_groups_tasks_by_plan_and_narrows_to_one(tmp_path):
    """A unit with tasks in two plans: each section headed by its plan, and ?plan= shows that plan alone."""
    from web import create_app

    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(ROOT / "corpus" / "plan.txt", folder / "plan.txt")
    (folder / "test.txt").write_text(HOSTILE_PLAN, encoding="utf-8")
    client = create_app({"CORPUS_DIR": str(folder), "STATE_DB": ":memory:", "TESTING": True}).test_client()
    page = client.get("/units/盟质监局").get_data(as_text=True)
    sections = re.findall(r'<h3 class="section-title">(.*?) <span', page)
    titled = {s.split("》")[0] + "》" for s in sections}
    assert "《测试实施方案》" in titled and len(titled) == 2, sections
    keys = dict((title, key) for key, title in re.findall(r'href="/units/[^"?]+\?plan=([^"&]+)">《(.*?)》', page))
    assert set(keys) == {t.strip("《》") for t in titled}
    alone = client.get(f"/units/盟质监局?plan={keys['测试实施方案']}").get_data(as_text=True)
    assert "脚本测试" in alone and "计量" not in alone
    assert not re.findall(r'<h3 class="section-title">《', alone)  # one plan: no plan in the headings
    assert client.get("/units/盟质监局?plan=no-such-plan").status_code == 404
