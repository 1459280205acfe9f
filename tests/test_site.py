"""What every site has (web/site.py): Chinese error pages in the site's layout for people (JSON for the API and
for clients that ask for JSON), /favicon.ico, and the API's documentation page."""

from __future__ import annotations

import re

import pytest


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    """An app with a page that fails, as a bug would, and one that reads what is posted to it."""
    from web import create_app

    app = create_app({"STATE_DB": str(tmp_path_factory.mktemp("site") / "state.sqlite3")})

    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    @app.post("/reads")
    def reads():
        from flask import request

        return str(len(request.get_data()))  # past MAX_CONTENT_LENGTH, reading it raises the 413

    return app.test_client()


def page(response) -> str:
    """The HTML of a response, which must be the site's own layout."""
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and 'class="site-header"' in html and "css/app.css" in html
    return html


def test_an_unknown_address_gets_a_chinese_page_and_the_api_json(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = page(response)
    assert "<h1>没有找到</h1>" in html and "错误代码：404" in html and "Not Found" not in html
    assert client.get("/api/no-such").get_json()["error"]  # the API stays JSON
    assert client.get("/no-such-page", headers={"Accept": "application/json"}).is_json


def test_a_wrong_method_a_body_too_large_and_a_failure_get_chinese_pages(client, failing):
    wrong = client.post("/plan", headers={"Accept": "text/html"})
    assert wrong.status_code == 405 and "不能这样访问" in page(wrong) and "GET" in wrong.headers["Allow"]
    large = failing.post("/reads", data="x" * 70_000, headers={"Accept": "text/html"})
    assert large.status_code == 413 and "内容太大" in page(large) and "65536" in large.get_data(as_text=True)
    failed = failing.get("/fails", headers={"Accept": "text/html"})
    assert failed.status_code == 500 and "出错了" in page(failed) and "a bug" not in failed.get_data(as_text=True)
    assert failing.get("/fails", headers={"Accept": "application/json"}).get_json()["error"]


def test_a_views_own_reason_is_kept(client):
    response = client.get("/clause/no-such-clause", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "方案中没有编号为 no-such-clause 的条款。" in page(response)


def test_the_icon_is_served_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").get_data(as_text=True)


def test_the_docs_page_loads_its_own_script_and_nothing_inline(client):
    html = page(client.get("/docs"))
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/site.js">',
                                                  '<script type="module" src="/static/js/docs.js">']
    assert "style=" not in html and 'data-spec-url="/openapi.json"' in html and 'data-ask-url="/api/ask"' in html
    assert client.get("/static/js/docs.js").status_code == 200
    assert 'href="/docs"' in client.get("/").get_data(as_text=True)  # found from the chat page
