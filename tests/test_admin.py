"""The admin area: the login and what guards it, the log pages and their exports, from a gap to a fix, plans
uploaded, corrected and removed, the index rebuilt in every worker without a restart (gunicorn -w 2 too)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from web import create_app
from web.admin.auth import PASSWORD_FILE, set_password

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SANYA = DATA / "sanya-2023-business-environment-plan.txt"
DOCX = DATA / "plans" / "city-digital-plan.docx"
PASSWORD = "correct horse 电池 staple"
SANYA_QUESTION = "惠企政策兑现由谁牵头"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_corpus(folder: Path) -> Path:
    """A corpus folder with the shipped plan and the shipped YAML files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    return folder


def settings(folder: Path, **extra) -> dict:
    """create_app settings keeping everything inside `folder`."""
    return {
        "CORPUS_DIR": str(folder / "corpus"),
        "STATE_DB": str(folder / "state.sqlite3"),
        "INSTANCE_DIR": str(folder / "instance"),
        "TESTING": True,
        **extra,
    }


@pytest.fixture()
def site(tmp_path):
    """An app over a corpus of its own, with the admin password set."""
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    app.extensions["reloader"].interval = 0.05
    yield app
    app.extensions["log"].close()


def token(client, path: str = "/admin/login") -> str:
    """The CSRF token in a page's forms."""
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client, password: str = PASSWORD, address: str = "10.0.0.1"):
    """Log in through the form, as a browser does."""
    return client.post(
        "/admin/login",
        data={"csrf_token": token(client), "password": password},
        headers={"X-Forwarded-For": address},
    )


@pytest.fixture()
def admin(site):
    """A client logged in to the admin area."""
    client = site.test_client()
    assert login(client).status_code == 302
    return client


def post(client, path: str, data: dict, page: str = "/admin/fix", **kwargs):
    """A form POST with the CSRF token of `page`."""
    return client.post(path, data={"csrf_token": token(client, page), **data}, **kwargs)


def flashes(response_or_client, path: str | None = None) -> str:
    """The text of a page (the redirect target when given a client and a path)."""
    if path is not None:
        return response_or_client.get(path).get_data(as_text=True)
    return response_or_client.get_data(as_text=True)


def ask(app, question: str) -> dict:
    """/api/ask's answer."""
    return app.test_client().post("/api/ask", json={"question": question}).get_json()


# -- no admin page or admin API without a login -----------------------------------------------------
def admin_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every admin route, with made-up values for its parameters."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint in ("admin.login", "admin.static"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "plan.txt", rule.rule)
        routes += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_no_admin_page_or_api_without_login(site):
    client = site.test_client()
    routes = admin_routes(site)
    assert len(routes) >= 15 and ("GET", "/admin/api/questions") in routes
    for method, path in routes:
        response = client.open(path, method=method, data={"word": "x"})
        if path.startswith("/admin/api/"):
            assert response.status_code == 401 and response.get_json()["error"], (method, path)
        else:
            assert response.status_code == 302, (method, path, response.status_code)
            assert response.headers["Location"].startswith("/admin/login"), (method, path)
    assert not (
        site.config["CORPUS_DIR"]
        and Path(site.config["CORPUS_DIR"], "terms.yaml").read_text(encoding="utf-8")
        != (ROOT / "corpus" / "terms.yaml").read_text(encoding="utf-8")
    )


def test_a_forged_or_stale_session_is_not_a_login(site, tmp_path):
    client = site.test_client()
    with client.session_transaction() as session:
        session["admin"] = "0" * 16  # not the current password's mark
    assert client.get("/admin/").status_code == 302
    assert login(client).status_code == 302 and client.get("/admin/").status_code == 200
    set_password(tmp_path / "instance", "another password")  # a new password logs every session out
    assert client.get("/admin/").status_code == 302


# -- the login --------------------------------------------------------------------------------------
def test_a_wrong_password_fails_and_the_tenth_attempt_in_a_minute_is_refused(site, caplog):
    client = site.test_client()
    for attempt in range(1, 10):
        response = login(client, "wrong password", "10.1.1.1")
        assert response.status_code == 200 and "密码不对" in response.get_data(as_text=True), attempt
    assert client.get("/admin/").status_code == 302
    tenth = login(client, PASSWORD, "10.1.1.1")  # even the right password: the address is resting
    assert tenth.status_code == 429 and "一分钟" in tenth.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert login(client, PASSWORD, "10.1.1.2").status_code == 302  # another address is not limited
    assert sum("admin login failed from 10.1.1.1" in r.getMessage() for r in caplog.records) == 9
    assert any("too many attempts from 10.1.1.1" in r.getMessage() for r in caplog.records)


def test_the_login_limit_is_shared_by_the_workers(site, tmp_path):
    other = create_app(settings(tmp_path))  # another worker process over the same state database
    clients = [site.test_client(), other.test_client()]
    for attempt in range(9):
        assert "密码不对" in login(clients[attempt % 2], "wrong", "10.2.2.2").get_data(as_text=True)
    assert login(clients[1], PASSWORD, "10.2.2.2").status_code == 429
    assert login(clients[0], PASSWORD, "10.2.2.2").status_code == 429
    other.extensions["log"].close()


def test_the_window_passes(site, monkeypatch):
    limiter = site.extensions["login_limiter"]
    limiter.window = 4.0
    client = site.test_client()
    started = time.monotonic()
    for _ in range(9):
        login(client, "wrong", "10.3.3.3")
    assert login(client, PASSWORD, "10.3.3.3").status_code == 429
    time.sleep(max(0.0, started + 4.1 - time.monotonic()))
    assert login(client, PASSWORD, "10.3.3.3").status_code == 302


def test_without_a_password_set_no_one_logs_in(tmp_path):
    make_corpus(tmp_path / "corpus")
    app = create_app(settings(tmp_path))
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    assert "python app.py set-password" in page
    for password in ("", "anything"):
        assert login(client, password).status_code == 200 and client.get("/admin/").status_code == 302
    app.extensions["log"].close()


def test_after_login_the_page_asked_for_opens_and_never_another_site(site):
    client = site.test_client()
    response = client.get("/admin/questions?view=unanswered")
    assert response.headers["Location"] == "/admin/login?next=/admin/questions?view%3Dunanswered"
    back = client.post(
        "/admin/login?next=/admin/questions?view%3Dunanswered",
        data={"csrf_token": token(client), "password": PASSWORD},
    )
    assert back.headers["Location"] == "/admin/questions?view=unanswered"
    for evil in ("https://evil.example/", "//evil.example/admin", "/\\evil.example"):
        client = site.test_client()
        response = client.post(
            f"/admin/login?next={evil}", data={"csrf_token": token(client), "password": PASSWORD}
        )
        assert response.headers["Location"] == "/admin/"


def test_logout_ends_the_session(admin):
    assert admin.get("/admin/").status_code == 200
    response = post(admin, "/admin/logout", {}, page="/admin/")
    assert response.status_code == 302
    assert admin.get("/admin/").status_code == 302
    assert admin.get("/admin/api/status").status_code == 401


# -- CSRF -------------------------------------------------------------------------------------------
def test_a_post_without_a_csrf_token_is_refused(site, admin):
    terms = Path(site.config["CORPUS_DIR"]) / "terms.yaml"
    before = terms.read_text(encoding="utf-8")
    for path, data in [
        ("/admin/fix/synonym", {"word": "升降机", "plan_words": "特种设备"}),
        ("/admin/fix/alias", {"unit": "盟工商局", "alias": "红盾所"}),
        ("/admin/logout", {}),
        ("/admin/plans/plan.txt/remove", {}),
    ]:
        response = admin.post(path, data=data)
        assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True), path
        wrong = admin.post(path, data={**data, "csrf_token": "forged"})
        assert wrong.status_code == 400, path
    assert terms.read_text(encoding="utf-8") == before
    assert admin.get("/admin/").status_code == 200  # still logged in: the logout was refused too
    anonymous = site.test_client()
    assert anonymous.post("/admin/login", data={"password": PASSWORD}).status_code == 400


def test_a_token_of_another_session_is_refused(site, admin):
    stranger = site.test_client()
    foreign = token(stranger)
    response = admin.post(
        "/admin/fix/synonym", data={"csrf_token": foreign, "word": "升降机", "plan_words": "特种设备"}
    )
    assert response.status_code == 400


# -- cookies, caching, the secret key, the password -------------------------------------------------
def cookie_of(response) -> str:
    """The Set-Cookie header of the session cookie."""
    found = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")]
    assert found, response.headers
    return found[-1]


def test_cookies_carry_httponly_samesite_lax_and_secure_behind_https(site):
    client = site.test_client()
    plain = cookie_of(login(client))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    client = site.test_client()
    tok = TOKEN.search(
        client.get(
            "/admin/login", headers={"X-Forwarded-Proto": "https"}, base_url="https://localhost"
        ).get_data(as_text=True)
    ).group(1)
    secure = cookie_of(
        client.post(
            "/admin/login",
            data={"csrf_token": tok, "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https", "Referer": "https://localhost/admin/login"},
            base_url="http://localhost",
        )
    )
    assert "Secure" in secure and "HttpOnly" in secure and "SameSite=Lax" in secure


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path):
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path, PROXY_HOPS=0))
    client = app.test_client()
    for n in range(9):  # a client cannot spread its attempts over made-up addresses
        assert "密码不对" in login(client, "wrong", f"10.9.9.{n}").get_data(as_text=True)
    assert login(client, PASSWORD, "10.9.9.99").status_code == 429
    app.extensions["log"].close()
    with pytest.raises(ValueError, match="-1"):
        create_app(settings(tmp_path, PROXY_HOPS=-1))


def test_admin_pages_are_never_cached(admin):
    for path in (
        "/admin/",
        "/admin/questions",
        "/admin/plans",
        "/admin/fix",
        "/admin/api/status",
        "/admin/questions.csv",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_the_secret_key_is_made_once_and_kept_private(site, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.is_file() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert site.config["SECRET_KEY"] == key_file.read_text().strip() and len(site.config["SECRET_KEY"]) == 64
    again = create_app(settings(tmp_path))
    assert again.config["SECRET_KEY"] == site.config["SECRET_KEY"]
    again.extensions["log"].close()


def test_set_password_stores_a_salted_hash_never_the_password(tmp_path, runner, monkeypatch):
    from web.cli import cli

    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    result = runner.invoke(cli, ["set-password"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    stored = (tmp_path / "instance" / PASSWORD_FILE).read_text()
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert oct((tmp_path / "instance" / PASSWORD_FILE).stat().st_mode & 0o777) == "0o600"
    first_hash = stored
    assert runner.invoke(cli, ["set-password", "--stdin"], input=f"{PASSWORD}\n").exit_code == 0
    assert (tmp_path / "instance" / PASSWORD_FILE).read_text() != first_hash  # a new salt each time
    short = runner.invoke(cli, ["set-password", "--stdin"], input="short\n")
    assert short.exit_code != 0 and "8" in short.output
    # nowhere in the instance folder, the project's settings, or the log is the password in clear
    make_corpus(tmp_path / "corpus")
    app = create_app(settings(tmp_path))
    client = app.test_client()
    assert login(client).status_code == 302
    app.extensions["log"].close()
    secret = PASSWORD.encode()
    for path in [*(tmp_path / "instance").rglob("*"), ROOT / "config.yaml"]:
        if path.is_file():
            assert secret not in path.read_bytes(), path


# -- the log pages ----------------------------------------------------------------------------------
def test_the_log_lists_show_questions_and_feedback(site, admin):
    api = site.test_client()
    found = api.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()
    refused = api.post("/api/ask", json={"question": "明天食堂吃什么？"}).get_json()
    disliked = api.post("/api/ask", json={"question": "特种设备谁牵头？"}).get_json()
    api.post(
        "/api/feedback", json={"answer_id": disliked["answer_id"], "vote": "down", "comment": "<b>不对</b>"}
    )
    api.post("/api/ask", json={"question": '=HYPERLINK("http://x")'})
    assert not refused["found"]
    site.extensions["log"].flush()
    recent = admin.get("/admin/questions").get_data(as_text=True)
    assert "简易注销有哪些配合单位？" in recent and "明天食堂吃什么？" in recent
    assert "&lt;b&gt;不对&lt;/b&gt;" in recent and "<b>不对</b>" not in recent  # shown as text
    unanswered = admin.get("/admin/questions?view=unanswered").get_data(as_text=True)
    assert "明天食堂吃什么？" in unanswered and "简易注销有哪些配合单位？" not in unanswered
    assert "/admin/fix?q=" in unanswered
    disliked_page = admin.get("/admin/questions?view=disliked").get_data(as_text=True)
    assert "特种设备谁牵头？" in disliked_page and "简易注销" not in disliked_page
    top = admin.get("/admin/questions?view=top").get_data(as_text=True)
    assert "特种设备谁牵头？" in top
    assert admin.get("/admin/questions?view=nothing").status_code == 404
    data = admin.get("/admin/api/questions?view=unanswered").get_json()
    assert [q["question"] for q in data["questions"]] == [
        '=HYPERLINK("http://x")',
        "明天食堂吃什么？",
    ] or "明天食堂吃什么？" in [q["question"] for q in data["questions"]]
    assert found["answer_id"] in {
        q["answer_id"] for q in admin.get("/admin/api/questions").get_json()["questions"]
    }


def test_the_csv_export_holds_what_is_shown(site, admin):
    api = site.test_client()
    for question in ("简易注销有哪些配合单位？", "明天食堂吃什么？", "=cmd|' /C calc'!A0"):
        api.post("/api/ask", json={"question": question})
    api.post("/api/ask", json={"question": "特种设备谁牵头？"}, headers={"Sec-Fetch-Site": "same-origin"})
    site.extensions["log"].flush()
    for view in ("recent", "unanswered", "top"):
        for channel in ("", "api", "web"):
            query = f"view={view}&days=7" + (f"&channel={channel}" if channel else "")
            shown = admin.get(f"/admin/api/questions?{query}").get_json()["questions"]
            response = admin.get(f"/admin/questions.csv?{query}")
            assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())
            assert "attachment" in response.headers["Content-Disposition"]
            rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
            assert [r["问题"] for r in rows] == [
                ("'" + q["question"]) if q["question"].startswith("=") else q["question"] for q in shown
            ], query
    web_rows = list(
        csv.DictReader(io.StringIO(admin.get("/admin/questions.csv?channel=web").data.decode("utf-8-sig")))
    )
    assert [(r["问题"], r["渠道"], r["找到答案"]) for r in web_rows] == [("特种设备谁牵头？", "网页", "是")]


def test_the_overview_draws_its_charts_on_the_server_with_no_inline_code(site, admin):
    api = site.test_client()
    api.post("/api/ask", json={"question": "简易注销有哪些配合单位？"})
    api.post("/api/ask", json={"question": "特种设备谁牵头？"}, headers={"Sec-Fetch-Site": "same-origin"})
    site.extensions["log"].flush()
    response = admin.get("/admin/?days=7")
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 2 and "<rect" in page and "每日提问数" in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    stats = admin.get("/admin/api/stats?days=7").get_json()
    assert stats["totals"]["asked"] == 2 and {r["channel"] for r in stats["per_day"]} == {"api", "web"}
    for path in (
        "/admin/",
        "/admin/questions",
        "/admin/fix?q=x",
        "/admin/plans",
        "/admin/plans/plan.txt",
        "/admin/clause/028a20-31",
        "/admin/login",
    ):
        html = admin.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path  # no inline script
        assert not re.search(r"\sstyle=", html) and "<style" not in html, path  # no inline style
        assert not re.search(r"(src|href)=\"(https?:)?//", html), path  # nothing from another server


def test_the_admin_json_follows_the_openapi_document(site, admin):
    from test_api import check

    spec = site.test_client().get("/openapi.json").get_json()
    site.test_client().post("/api/ask", json={"question": "明天食堂吃什么？"})
    site.extensions["log"].flush()
    for path, query in (
        ("/admin/api/questions", "view=recent"),
        ("/admin/api/questions", "view=top"),
        ("/admin/api/stats", "days=7"),
        ("/admin/api/status", ""),
    ):
        body = admin.get(f"{path}?{query}").get_json()
        check(
            body,
            spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            spec,
        )
    bad = admin.get("/admin/api/questions?view=everything")
    assert bad.status_code == 400 and "view" in bad.get_json()["error"]


# -- from a gap to a fix ----------------------------------------------------------------------------
def test_a_synonym_added_in_the_page_changes_the_next_answer(site, admin, tmp_path):
    question = "升降机谁牵头？"
    assert not ask(site, question)["found"]
    page = admin.get(f"/admin/fix?q={question}").get_data(as_text=True)
    assert "方案中没有找到" in page
    response = post(admin, "/admin/fix/synonym", {"q": question, "word": "升降机", "plan_words": "特种设备"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/fix?q=")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "已添加同义词：升降机 → 特种设备" in page and "牵头单位：盟质监局" in page
    answer = ask(site, question)
    assert answer["found"] and answer["units"] == ["盟质监局"]
    terms = yaml.safe_load((tmp_path / "corpus" / "terms.yaml").read_text(encoding="utf-8"))
    assert terms["synonyms"]["升降机"] == ["特种设备"] and terms["synonyms"]["注销"] == ["简易注销"]
    assert "# Words staff use" in (tmp_path / "corpus" / "terms.yaml").read_text(
        encoding="utf-8"
    )  # comments kept
    assert list((tmp_path / "instance" / "backups").glob("terms.yaml.*"))


def test_a_correction_and_a_unit_alias_change_the_next_answer(site, admin, tmp_path):
    assert not ask(site, "红盾日谁牵头？")["found"] and not ask(site, "红盾所牵头哪些工作？")["found"]
    post(admin, "/admin/fix/correction", {"q": "红盾日谁牵头？", "typed": "红盾日", "meant": "3·15"})
    post(admin, "/admin/fix/alias", {"q": "红盾所牵头哪些工作？", "unit": "工商局", "alias": "红盾所"})
    assert ask(site, "红盾日谁牵头？")["units"] == ["盟工商局"]
    assert ask(site, "红盾所牵头哪些工作？")["found"]
    units = yaml.safe_load((tmp_path / "corpus" / "units.yaml").read_text(encoding="utf-8"))
    assert units["units"]["盟工商局"][-1] == "红盾所"  # the alias went to the canonical unit


@pytest.mark.parametrize(
    "path, data, said",
    [
        ("/admin/fix/synonym", {"word": "升降#机", "plan_words": "特种设备"}, "不能使用的字符"),
        ("/admin/fix/synonym", {"word": "升降机", "plan_words": "、、"}, "至少填写一个"),
        ("/admin/fix/synonym", {"word": "升" * 21, "plan_words": "特种设备"}, "问题里的词"),
        ("/admin/fix/correction", {"typed": "牵头", "meant": "牵头"}, "相同"),
        ("/admin/fix/alias", {"unit": "盟质监局", "alias": "工商局"}, "已经是“盟工商局”的名称"),
        ("/admin/fix/alias", {"unit": "盟质监局", "alias": "a\nb: [x]"}, "不能使用的字符"),
    ],
)
def test_a_bad_edit_is_refused_with_a_reason_and_changes_nothing(site, admin, tmp_path, path, data, said):
    files = {name: (tmp_path / "corpus" / name).read_bytes() for name in ("terms.yaml", "units.yaml")}
    response = post(admin, path, {"q": "升降机谁牵头？", **data})
    assert response.status_code == 302
    assert said in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert {name: (tmp_path / "corpus" / name).read_bytes() for name in files} == files
    assert not (tmp_path / "instance" / "backups").exists()


def test_a_corpus_without_its_own_terms_keeps_the_shipped_ones_when_one_is_added(tmp_path):
    (tmp_path / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / "plan.txt", tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    client = app.test_client()
    login(client)
    post(client, "/admin/fix/synonym", {"word": "升降机", "plan_words": "特种设备"})
    terms = yaml.safe_load((tmp_path / "corpus" / "terms.yaml").read_text(encoding="utf-8"))
    assert terms["synonyms"]["升降机"] == ["特种设备"] and "注销" in terms["synonyms"]
    assert ask(app, "注销有哪些配合单位？")["found"]
    app.extensions["log"].close()


# -- plans ------------------------------------------------------------------------------------------
def upload(client, name: str, data: bytes, replace: bool = False):
    """Upload a file through the plans page's form."""
    form = {"csrf_token": token(client, "/admin/plans"), "plan": (io.BytesIO(data), name)}
    if replace:
        form["replace"] = "y"
    return client.post("/admin/plans/upload", data=form, content_type="multipart/form-data")


def test_an_uploaded_plan_is_answered_without_a_restart_with_its_check_report(site, admin, tmp_path):
    assert not ask(site, SANYA_QUESTION)["found"]
    response = upload(admin, "../../三亚 营商环境<2023>.txt", SANYA.read_bytes())
    assert response.status_code == 302
    stored = "三亚_营商环境_2023.txt"
    assert unquote(response.headers["Location"]).startswith(f"/admin/plans/{stored}?v=")
    assert (tmp_path / "corpus" / stored).read_bytes() == SANYA.read_bytes()
    assert not list((tmp_path / "instance" / "uploads").glob("*/*"))  # nothing left in staging
    report = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "检查结果" in report
        and "条款" in report
        and "已上传《三亚市创建一流营商环境2023年实施方案》" in report
    )
    answer = ask(site, SANYA_QUESTION)
    assert answer["found"] and answer["units"] == ["市惠企政策服务工作领导小组办公室"]
    assert ask(site, "简易注销有哪些配合单位？")["found"]  # the old plan still answers
    plans = admin.get("/admin/plans").get_data(as_text=True)
    assert stored in plans and "plan.txt" in plans


def test_the_upload_report_names_the_topics_the_new_plan_shares_with_loaded_plans(site, admin):
    response = upload(admin, "sanya.txt", SANYA.read_bytes())
    report = admin.get(response.headers["Location"]).get_data(as_text=True)
    said = re.search(r"与《锡林郭勒盟贯彻落实〈“十三五”市场监管规划〉实施方案》都涉及：([^；。<]+)", report)
    assert said and "公平竞争审查" in said.group(1).split("、"), report[:2000]
    assert "这些问题今后会分别给出各方案的回答" in report
    answer = ask(site, "公平竞争审查谁牵头？")  # and so they do
    assert len({c["plan"] for c in answer["citations"]}) == 2 and len(answer["plans"]) == 2


def test_a_docx_upload_is_read_and_checked(site, admin):
    response = upload(admin, "数字政府.docx", DOCX.read_bytes())
    assert response.status_code == 302
    assert ask(site, "5G基站建设谁牵头")["units"] == ["市工业和信息化局"]


@pytest.mark.parametrize(
    "name, data, said",
    [
        ("plan.exe", b"MZ\x90\x00", "只能上传"),
        ("noextension", "文本".encode(), "只能上传"),
        ("fake.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "内容却是PDF"),
        ("fake.pdf", "这是一个文本文件。".encode(), "内容却是文本"),
        ("fake.docx", b"PK\x03\x04" + b"\x00" * 40, "损坏"),
        ("broken.pdf", b"%PDF-1.7\nthis is no pdf at all\n%%EOF", "上传失败"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是文本"),
        ("empty.txt", b"   \n", "空的"),
        ("plan.txt", "一、总体要求\n".encode(), "已有同名方案"),
    ],
)
def test_a_bad_upload_is_refused_and_the_plans_keep_answering(site, admin, tmp_path, name, data, said):
    before = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    response = upload(admin, name, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "上传失败" in page and said in page, page[page.find("上传失败") - 10 :][:300]
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == before
    assert ask(site, "简易注销有哪些配合单位？")["found"]


def test_a_docx_that_is_a_zip_of_something_else_is_refused(site, admin):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    response = upload(admin, "archive.docx", buffer.getvalue())
    assert response.status_code == 400 and "word/document.xml" in response.get_data(as_text=True)


def test_an_upload_over_the_size_limit_is_refused(tmp_path):
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path, MAX_UPLOAD_BYTES=100 * 1024))
    client = app.test_client()
    login(client)
    response = upload(client, "big.txt", ("一、总体要求\n" + "内容" * 100_000).encode())
    assert response.status_code == 413 and "文件超过 100 KB 的上限" in response.get_data(as_text=True)
    assert not (tmp_path / "corpus" / "big.txt").exists()
    small = upload(client, "sanya.txt", SANYA.read_bytes()[: 90 * 1024])  # under the limit (the app's
    assert small.status_code == 302  # MAX_CONTENT_LENGTH of 64 KB does not apply to uploads)
    app.extensions["log"].close()


def test_replacing_a_plan_needs_the_box_ticked_and_keeps_a_backup(site, admin, tmp_path):
    original = (tmp_path / "corpus" / "plan.txt").read_bytes()
    assert upload(admin, "plan.txt", SANYA.read_bytes()).status_code == 400
    assert upload(admin, "plan.txt", SANYA.read_bytes(), replace=True).status_code == 302
    assert ask(site, SANYA_QUESTION)["found"] and not ask(site, "简易注销有哪些配合单位？")["found"]
    backups = list((tmp_path / "instance" / "backups").glob("plan.txt.*"))
    assert len(backups) == 1 and backups[0].read_bytes() == original


def test_removing_a_plan_takes_it_out_of_the_answers_and_keeps_it(site, admin, tmp_path):
    upload(admin, "sanya.txt", SANYA.read_bytes())
    assert ask(site, SANYA_QUESTION)["found"]
    response = post(admin, "/admin/plans/sanya.txt/remove", {}, page="/admin/plans")
    assert response.status_code == 302
    assert not ask(site, SANYA_QUESTION)["found"] and not (tmp_path / "corpus" / "sanya.txt").exists()
    assert list((tmp_path / "instance" / "backups").glob("removed-*-sanya.txt"))
    last = post(admin, "/admin/plans/plan.txt/remove", {}, page="/admin/plans")  # the only plan left
    assert "唯一的方案" in admin.get(last.headers["Location"]).get_data(as_text=True)
    assert (tmp_path / "corpus" / "plan.txt").exists()
    assert post(admin, "/admin/plans/..%2Fstate.sqlite3/remove", {}, page="/admin/plans").status_code in (
        302,
        404,
    )
    assert (tmp_path / "state.sqlite3").exists()


def test_fixing_a_clauses_units_writes_the_corrections_file(site, admin, tmp_path):
    clause_id = "028a20-31"
    form = admin.get(f"/admin/clause/{clause_id}").get_data(as_text=True)
    assert "盟工商局" in form and "盟环保局\n盟住建局" in form  # one unit per line
    response = post(
        admin,
        f"/admin/clause/{clause_id}",
        {"lead": "工商局", "cooperate": "盟环保局\r\n盟住建局\r\n"},
        page=f"/admin/clause/{clause_id}",
    )
    assert response.status_code == 302
    assert "已修改" in admin.get(response.headers["Location"]).get_data(as_text=True)
    fixes = yaml.safe_load((tmp_path / "corpus" / "plan.corrections.yaml").read_text(encoding="utf-8"))
    assert fixes["clauses"] == [
        {"id": clause_id, "lead": ["盟工商局"], "cooperate": ["盟环保局", "盟住建局"]}
    ]
    answer = ask(site, "简易注销有哪些配合单位？")
    assert answer["units"] == ["盟环保局", "盟住建局"]
    bad = post(
        admin,
        f"/admin/clause/{clause_id}",
        {"lead": "盟工商局。推进", "cooperate": ""},
        page=f"/admin/clause/{clause_id}",
    )
    assert "不能使用的字符" in admin.get(bad.headers["Location"]).get_data(as_text=True)
    assert admin.get("/admin/clause/no-such-clause").status_code == 404


# -- every worker follows -----------------------------------------------------------------------------
def wait_for(condition, seconds: float = 15.0) -> bool:
    """Poll until `condition()` holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_another_worker_rebuilds_in_the_background_after_a_change(site, admin, tmp_path):
    other = create_app(settings(tmp_path))  # a second worker process: same corpus, same state database
    other.extensions["reloader"].interval = 0.05
    other_client = other.test_client()
    old = other.extensions["qa"]
    upload(admin, "sanya.txt", SANYA.read_bytes())

    def answered() -> bool:
        other_client.get("/healthz")  # requests drive the check
        return other_client.post("/api/ask", json={"question": SANYA_QUESTION}).get_json()["found"]

    assert wait_for(answered)
    assert other.extensions["qa"] is not old and other.extensions["reloader"].problem == ""
    other.extensions["log"].close()


def test_a_rebuild_that_fails_leaves_the_old_index_serving_and_says_why(site, admin, monkeypatch):
    reloader = site.extensions["reloader"]
    old = site.extensions["qa"]

    def broken():
        raise RuntimeError("词表读不出来")

    monkeypatch.setattr(reloader, "build", broken)
    response = post(admin, "/admin/fix/synonym", {"word": "升降机", "plan_words": "特种设备"})
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "重建索引失败，仍使用原索引" in page and "词表读不出来" in page
    assert site.extensions["qa"] is old and ask(site, "简易注销有哪些配合单位？")["found"]
    assert "词表读不出来" in admin.get("/admin/api/status").get_json()["problem"]


def test_a_plan_that_stops_loading_leaves_the_old_index_serving(site, admin, tmp_path):
    upload(admin, "sanya.txt", SANYA.read_bytes())
    (tmp_path / "corpus" / "sanya.txt").write_bytes(b"\x00\x01\x02" * 100)  # damaged behind our back
    reloader = site.extensions["reloader"]
    assert reloader.changed() is False
    assert "sanya.txt" in reloader.problem
    assert ask(site, SANYA_QUESTION)["found"]


# -- gunicorn -w 2, real processes ------------------------------------------------------------------
class Gunicorn:
    """`gunicorn -w 2 'app:create_app()'` on 127.0.0.1 and a free port, with its own folders."""

    def __init__(self, folder: Path):
        from services import free_port

        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        env = {
            **os.environ,
            "CORPUS_DIR": str(self.folder / "corpus"),
            "STATE_DB": str(self.folder / "state.sqlite3"),
            "INSTANCE_DIR": str(self.folder / "instance"),
            "PYTHONPATH": str(ROOT),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "gunicorn.log", "wb"),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.pids() and len(self.pids()) == 2 and self.up():
                return self
            time.sleep(0.2)
        raise RuntimeError((self.folder / "gunicorn.log").read_text()[-2000:])

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def up(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)


@pytest.fixture()
def gunicorn(tmp_path):
    if (
        not shutil.which("gunicorn")
        and subprocess.run([sys.executable, "-m", "gunicorn", "--version"], capture_output=True).returncode
    ):
        pytest.skip("gunicorn is not installed (requirements-dev.txt)")
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    server = Gunicorn(tmp_path).start()
    yield server
    server.stop()


def test_under_gunicorn_both_workers_follow_uploads_and_synonyms_without_a_restart(gunicorn):
    import requests

    def answers(question: str, tries: int = 16) -> list[dict]:
        """The answers of fresh connections (each may reach either worker)."""
        return [
            requests.post(
                f"{gunicorn.url}/api/ask",
                json={"question": question},
                timeout=10,
                headers={"Connection": "close"},
            ).json()
            for _ in range(tries)
        ]

    def workers_serving(session, check) -> set[int]:
        """The worker pids whose index passes `check`, seen over fresh connections, six at a time (one at a
        time, the worker that wakes first may take every one of them on a busy machine)."""
        from concurrent.futures import ThreadPoolExecutor

        cookies = session.cookies.get_dict()

        def look(_):
            return requests.get(
                f"{gunicorn.url}/admin/api/status", cookies=cookies, headers={"Connection": "close"}, timeout=10
            ).json()

        with ThreadPoolExecutor(6) as pool:
            return {status["pid"] for status in pool.map(look, range(24)) if check(status)}

    admin = requests.Session()
    page = admin.get(f"{gunicorn.url}/admin/login").text
    response = admin.post(
        f"{gunicorn.url}/admin/login",
        data={"csrf_token": TOKEN.search(page).group(1), "password": PASSWORD},
        allow_redirects=False,
    )
    assert response.status_code == 302
    pids = set(gunicorn.pids())
    assert not any(a["found"] for a in answers(SANYA_QUESTION, 4))

    # an uploaded plan is answered by both workers, without a restart
    plans = admin.get(f"{gunicorn.url}/admin/plans").text
    response = admin.post(
        f"{gunicorn.url}/admin/plans/upload",
        allow_redirects=False,
        data={"csrf_token": TOKEN.search(plans).group(1)},
        files={"plan": ("sanya.txt", SANYA.read_bytes(), "text/plain")},
    )
    assert response.status_code == 302, response.text[:500]
    assert wait_for(lambda: workers_serving(admin, lambda s: len(s["documents"]) == 2) == pids, 20)
    assert all(
        a["found"] and a["units"] == ["市惠企政策服务工作领导小组办公室"] for a in answers(SANYA_QUESTION)
    )
    assert set(gunicorn.pids()) == pids  # no worker was restarted

    # a broken upload leaves the old plans answering
    plans = admin.get(f"{gunicorn.url}/admin/plans").text
    broken = admin.post(
        f"{gunicorn.url}/admin/plans/upload",
        data={"csrf_token": TOKEN.search(plans).group(1)},
        files={"plan": ("broken.pdf", b"%PDF-1.7\nnot really\n%%EOF", "application/pdf")},
    )
    assert broken.status_code == 400 and "上传失败" in broken.text
    time.sleep(1.5)
    assert all(a["found"] for a in answers(SANYA_QUESTION, 8))
    assert all(a["found"] for a in answers("简易注销有哪些配合单位？", 8))

    # a synonym added in the page changes the next answer, in both workers
    assert not any(a["found"] for a in answers("升降机谁牵头？", 4))
    fix = admin.get(f"{gunicorn.url}/admin/fix?q=升降机谁牵头？").text
    added = admin.post(
        f"{gunicorn.url}/admin/fix/synonym",
        allow_redirects=False,
        data={
            "csrf_token": TOKEN.search(fix).group(1),
            "q": "升降机谁牵头？",
            "word": "升降机",
            "plan_words": "特种设备",
        },
    )
    assert added.status_code == 302
    assert "牵头单位：盟质监局" in admin.get(f"{gunicorn.url}{added.headers['Location']}").text
    # the new version, from the redirect (a status page might reach a worker still on the old one)
    version = re.search(r"[?&]v=(\w+)", added.headers["Location"]).group(1)
    assert wait_for(lambda: workers_serving(admin, lambda s: s["version"] == version) == pids, 20)
    assert all(a["units"] == ["盟质监局"] for a in answers("升降机谁牵头？"))
    assert set(gunicorn.pids()) == pids


def test_the_page_after_a_change_shows_it_whichever_worker_serves_it(site, admin, tmp_path):
    """The redirect after a change carries the new version: a worker that has not rebuilt yet catches up."""
    other = create_app(settings(tmp_path))  # another worker; its background check is a second away
    other.extensions["reloader"].interval = 3600.0
    response = post(admin, "/admin/fix/synonym", {"q": "升降机谁牵头？", "word": "升降机", "plan_words": "特种设备"})
    assert "v=" in response.headers["Location"]
    elsewhere = other.test_client()
    with elsewhere.session_transaction() as session:  # the same browser: its cookie works on any worker
        with admin.session_transaction() as mine:
            session.update(mine)
    page = elsewhere.get(response.headers["Location"]).get_data(as_text=True)
    assert "牵头单位：盟质监局" in page
    assert other.extensions["reloader"].seen == site.extensions["reloader"].seen
    other.extensions["log"].close()


def test_the_login_limit_holds_per_worker_while_the_state_store_is_down(monkeypatch):
    from qa import StateStore
    from web.admin.auth import LoginLimiter

    store = StateStore(":memory:")
    monkeypatch.setattr(store, "incr", lambda key, ttl: 0)  # what a store that is down answers
    limiter = LoginLimiter(store, attempts=3)
    assert [limiter.allow("10.4.4.4") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.4.4.5")
    with pytest.raises(ValueError, match="0"):
        LoginLimiter(store, attempts=0)


# -- hardening, round 2 (#23) -----------------------------------------------------------------------
GUIZHOU = DATA / "real" / "guizhou-yingshang-renwu-2023.txt"
COUNTY = "县〔市、区、特区〕人民政府"


def test_a_session_cookie_copied_before_logout_is_dead_after_it(site, tmp_path):
    client, other = site.test_client(), site.test_client()
    assert login(client).status_code == 302 and login(other, address="10.0.0.2").status_code == 302
    kept = client.get_cookie("session").value
    assert post(client, "/admin/logout", {}, page="/admin/").status_code == 302
    terms = (tmp_path / "corpus" / "terms.yaml").read_bytes()
    worker = create_app(settings(tmp_path))  # another worker process: it must know of the logout too
    for app in (site, worker):
        thief = app.test_client()
        thief.set_cookie("session", kept)
        assert thief.get("/admin/").status_code == 302
        assert thief.get("/admin/api/status").status_code == 401
        refused = thief.post(  # a change with the copied cookie and its own CSRF token: to the login
            "/admin/fix/synonym", data={"csrf_token": token(thief), "word": "升降机", "plan_words": "特种设备"}
        )
        assert refused.status_code == 302 and refused.headers["Location"] == "/admin/login"
    assert (tmp_path / "corpus" / "terms.yaml").read_bytes() == terms
    assert other.get("/admin/").status_code == 200  # another browser's login is not ended by this logout
    worker.extensions["log"].close()


def test_under_gunicorn_a_cookie_is_dead_after_logout_in_every_worker(gunicorn):
    import requests

    admin = requests.Session()
    page = admin.get(f"{gunicorn.url}/admin/login").text
    assert admin.post(
        f"{gunicorn.url}/admin/login",
        data={"csrf_token": TOKEN.search(page).group(1), "password": PASSWORD},
        allow_redirects=False,
    ).status_code == 302
    kept = admin.cookies.get("session")

    def status():
        """/admin/api/status with the copied cookie, over a fresh connection (either worker may answer)."""
        return requests.get(f"{gunicorn.url}/admin/api/status", cookies={"session": kept},
                            headers={"Connection": "close"}, timeout=10)

    pids: set[int] = set()
    for _ in range(60):  # before the logout, the copy works on both workers
        response = status()
        assert response.status_code == 200
        pids.add(response.json()["pid"])
        if pids == set(gunicorn.pids()):
            break
    assert pids == set(gunicorn.pids())
    logout_page = admin.get(f"{gunicorn.url}/admin/").text
    admin.post(f"{gunicorn.url}/admin/logout", data={"csrf_token": TOKEN.search(logout_page).group(1)})
    after = [status().status_code for _ in range(24)]
    assert after == [401] * 24


def test_expired_login_attempts_are_pruned(site):
    limiter, store = site.extensions["login_limiter"], site.extensions["state"]
    limiter.window = 0.2
    client = site.test_client()
    csrf = token(client)
    for n in range(300):  # a flood from distinct addresses (an empty password: no hash is computed)
        client.post("/admin/login", data={"csrf_token": csrf, "password": ""},
                    headers={"X-Forwarded-For": f"10.7.{n // 256}.{n % 256}"})
    time.sleep(0.3)
    for n in range(200):
        client.post("/admin/login", data={"csrf_token": csrf, "password": ""},
                    headers={"X-Forwarded-For": f"10.8.{n // 256}.{n % 256}"})
    assert store.count("login") <= 200


@pytest.mark.parametrize("target", ["/admin/\r\nSet-Cookie: x=1", "/admin/\nLocation: //evil.example", "/admin/\x00", "/admin/\x7f"])
def test_a_next_with_control_characters_goes_to_the_overview(site, target):
    client = site.test_client()
    response = client.post("/admin/login", query_string={"next": target},
                           data={"csrf_token": token(client), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert "x=1" not in " ".join(response.headers.getlist("Set-Cookie"))


def plans_in(folder: Path) -> list[str]:
    """The plan files of a corpus folder."""
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))


def test_a_very_long_name_is_stored_bounded_and_can_be_replaced_and_removed(site, admin, tmp_path):
    corpus, backups = tmp_path / "corpus", tmp_path / "instance" / "backups"
    name = "\U00020000" * 76 + ".txt"  # 𠀀: four bytes each, 308 bytes: more than a file name may hold
    response = upload(admin, name, SANYA.read_bytes())
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    (stored,) = [n for n in plans_in(corpus) if n != "plan.txt"]
    assert stored.startswith("\U00020000" * 10) and stored.endswith(".txt") and len(stored.encode()) <= 150
    assert ask(site, SANYA_QUESTION)["found"]
    assert upload(admin, name, SANYA.read_bytes() + "\n".encode(), replace=True).status_code == 302
    assert len(list(backups.iterdir())) == 1
    clause = next(c for c in site.extensions["qa"].clauses if c.source == stored and c.units)
    fixed = post(admin, f"/admin/clause/{clause.id}", {"lead": "市发展改革委", "cooperate": ""},
                 page=f"/admin/clause/{clause.id}")
    assert fixed.status_code == 302
    removed = post(admin, f"/admin/plans/{stored}/remove", {}, page="/admin/plans")
    assert removed.status_code == 302 and plans_in(corpus) == ["plan.txt"] and not ask(site, SANYA_QUESTION)["found"]
    kept = sorted(p.name for p in backups.iterdir())  # the plan as replaced, and as removed with its corrections
    assert len(kept) == 3 and sum(n.startswith("removed-") for n in kept) == 2
    assert all(len(n.encode()) <= 255 for n in kept)


def test_a_plan_placed_by_hand_with_a_name_near_the_limit_can_be_removed(site, admin, tmp_path):
    name = "\U00020000" * 58 + ".txt"  # 236 bytes: a name the system holds, but "removed-<time>-" + it is too long
    shutil.copy(SANYA, tmp_path / "corpus" / name)
    site.extensions["reloader"].changed()
    assert ask(site, SANYA_QUESTION)["found"]
    removed = post(admin, f"/admin/plans/{name}/remove", {}, page="/admin/plans")
    assert removed.status_code == 302 and plans_in(tmp_path / "corpus") == ["plan.txt"]
    (kept,) = (tmp_path / "instance" / "backups").iterdir()
    assert kept.read_bytes() == SANYA.read_bytes() and len(kept.name.encode()) <= 255


@pytest.mark.parametrize(
    "text",
    ["关于进一步优化营商环境的实施方案\n", "关于进一步优化营商环境的实施方案\n为深入贯彻落实党中央决策部署，结合本地实际，制定本方案。\n"],
)
def test_a_file_with_only_a_title_is_refused_with_the_reason(site, admin, tmp_path, text):
    response = upload(admin, "title-only.txt", text.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "只读出了标题" in page, page[page.find("上传失败") :][:200]
    assert plans_in(tmp_path / "corpus") == ["plan.txt"]
    assert not list((tmp_path / "instance" / "uploads").iterdir())


def test_names_made_only_of_reserved_words_or_punctuation_are_unique(site, admin, tmp_path):
    from web.admin.uploads import safe_plan_name

    made = [safe_plan_name(n) for n in ("con.txt", "！！！.txt", "《》.txt", "NUL.pdf", "lpt1.docx") * 20]
    assert len(set(made)) == len(made) and all(m.startswith("plan-") for m in made)
    first = upload(admin, "con.txt", SANYA.read_bytes())
    second = upload(admin, "！！！.txt", GUIZHOU.read_bytes(), replace=True)  # the box ticked, as for a new version
    assert first.status_code == second.status_code == 302
    assert len(plans_in(tmp_path / "corpus")) == 3 and not (tmp_path / "instance" / "backups").exists()
    assert ask(site, SANYA_QUESTION)["found"]


def test_staging_left_by_a_killed_upload_is_cleaned_at_start_up_and_at_the_next_upload(tmp_path):
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    uploads = tmp_path / "instance" / "uploads"

    def left_behind(name: str, age: float) -> Path:
        """A staging folder as a killed upload leaves it, `age` seconds old."""
        folder = uploads / name
        folder.mkdir(parents=True)
        (folder / "plan.txt").write_bytes(SANYA.read_bytes())
        for path in (folder / "plan.txt", folder):
            os.utime(path, (time.time() - age, time.time() - age))
        return folder

    stale = left_behind("upload-killed1", 7200)
    app = create_app(settings(tmp_path))
    assert not stale.exists()
    client = app.test_client()
    login(client)
    stale, fresh = left_behind("upload-killed2", 7200), left_behind("upload-busy", 5)  # another worker's, now
    assert upload(client, "sanya.txt", SANYA.read_bytes()).status_code == 302
    assert not stale.exists() and fresh.exists()
    assert upload(client, "broken.pdf", b"%PDF-1.7\nthis is no pdf at all\n%%EOF").status_code == 400
    assert sorted(p.name for p in uploads.iterdir()) == ["upload-busy"]  # a failed upload's staging goes at once
    app.extensions["log"].close()


def test_backups_are_pruned_to_the_newest_kept_per_file(tmp_path):
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path, BACKUPS_KEPT=3))
    client = app.test_client()
    login(client)
    versions = [SANYA.read_bytes() + f"\n{n}\n".encode() for n in range(6)]
    for version in versions:
        assert upload(client, "plan.txt", version, replace=True).status_code == 302
    for n in range(5):
        post(client, "/admin/fix/synonym", {"word": f"升降机{n}", "plan_words": "特种设备"})
    backups = tmp_path / "instance" / "backups"
    plan_backups = sorted(backups.glob("plan.txt.*"))
    assert [p.read_bytes() for p in plan_backups] == versions[2:5]  # the newest three replaced versions
    assert len(list(backups.glob("terms.yaml.*"))) == 3
    assert "升降机3" in sorted(backups.glob("terms.yaml.*"))[-1].read_text(encoding="utf-8")
    app.extensions["log"].close()
    with pytest.raises(ValueError, match="BACKUPS_KEPT"):
        create_app(settings(tmp_path, BACKUPS_KEPT=0))


def test_lock_files_stay_out_of_the_corpus_folder(site, admin, tmp_path):
    post(admin, "/admin/fix/synonym", {"word": "升降机", "plan_words": "特种设备"})
    post(admin, "/admin/fix/alias", {"unit": "盟工商局", "alias": "红盾所"})
    post(admin, "/admin/clause/028a20-31", {"lead": "盟工商局", "cooperate": "盟环保局\n盟住建局"},
         page="/admin/clause/028a20-31")
    assert (tmp_path / "corpus" / "plan.corrections.yaml").is_file()
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == [
        "plan.corrections.yaml", "plan.txt", "terms.yaml", "units.yaml"
    ]
    assert len(list((tmp_path / "instance" / "locks").iterdir())) == 3
    for old in (".terms.yaml.lock", ".plan.corrections.yaml.lock"):  # left in the corpus by earlier versions
        (tmp_path / "corpus" / old).touch()
    create_app(settings(tmp_path)).extensions["log"].close()
    assert not [p.name for p in (tmp_path / "corpus").iterdir() if p.name.startswith(".")]


TEXTAREA = re.compile(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', re.S)
INPUT = re.compile(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"')


def form_fields(page: str) -> dict[str, str]:
    """The values a browser sends for a page's text fields as they stand (a textarea's first newline dropped)."""
    import html

    fields = {name: html.unescape(value) for name, value in INPUT.findall(page)}
    for name, value in TEXTAREA.findall(page):
        value = html.unescape(value)
        fields[name] = value[2:] if value.startswith("\r\n") else value[1:] if value.startswith("\n") else value
    return fields


def test_changing_only_the_deadline_keeps_a_unit_list_with_brackets_as_it_was(site, admin, tmp_path):
    assert upload(admin, "guizhou.txt", GUIZHOU.read_bytes()).status_code == 302
    qa = site.extensions["qa"]
    clause = next(c for c in qa.clauses if c.source == "guizhou.txt" and COUNTY in c.cooperate)
    assert len(clause.cooperate) == 10 and "各市〔州〕" in clause.cooperate
    path = f"/admin/clause/{clause.id}"
    fields = form_fields(admin.get(path).get_data(as_text=True))
    response = admin.post(path, data={**fields, "deadline": "2023年12月底前"})  # the deadline alone changed
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    after = site.extensions["qa"].clause(clause.id)
    assert after.cooperate == clause.cooperate and after.lead == clause.lead and after.deadline == "2023年12月底前"
    assert fields["cooperate"].splitlines() == list(clause.cooperate)  # the form: one unit per line
    fixes = tmp_path / "corpus" / "guizhou.corrections.yaml"
    (entry,) = yaml.safe_load(fixes.read_text(encoding="utf-8"))["clauses"]
    assert entry["cooperate"] == list(clause.cooperate)
    (served,) = [c for c in site.test_client().get("/api/clauses").get_json() if c["id"] == clause.id]
    assert served["cooperate"] == list(clause.cooperate)  # 10 units in the answers, not 12
    text = site.test_client().get("/units.csv").get_data(as_text=True).lstrip("\ufeff")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["编号"] == clause.id]
    assert row["配合单位"] == "、".join(clause.cooperate) and row["完成时限"] == "2023年12月底前"
    saved = fixes.read_bytes()
    fields = form_fields(admin.get(path).get_data(as_text=True))  # saved again, unchanged: the same units
    assert admin.post(path, data=fields).status_code == 302
    assert yaml.safe_load(fixes.read_bytes()) == yaml.safe_load(saved)


def test_a_line_holding_several_units_is_refused_with_the_reason(site, admin, tmp_path):
    response = post(admin, "/admin/clause/028a20-31", {"lead": "盟工商局", "cooperate": "盟环保局、盟住建局"},
                    page="/admin/clause/028a20-31")
    assert "每行" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert not (tmp_path / "corpus" / "plan.corrections.yaml").exists()


# Run inside `unshare -rm` over a tmpfs of 4 MB mounted on argv[1]: the app's corpus and instance folders on
# it, logged in, the disk then filled; what an upload and a synonym get, as JSON on stdout.
FULL_DISK = r"""
import json, os, shutil, sys
from pathlib import Path
sys.path.insert(0, os.getcwd())
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
from test_admin import PASSWORD, SANYA, login, make_corpus, post, settings, token, upload
from web import create_app
from web.admin.auth import set_password

disk = Path(sys.argv[1])
make_corpus(disk / "corpus")
set_password(disk / "instance", PASSWORD)
app = create_app(settings(disk, INDEX_SNAPSHOT=""))
client = app.test_client()
assert login(client).status_code == 302
token(client, "/admin/plans"), token(client, "/admin/fix")  # the pages read once before the disk is full
with open(disk / "filler", "wb", buffering=0) as filler:  # fill the disk to the last byte
    for size in (65536, 1):
        try:
            while True:
                filler.write(b"\0" * size)
        except OSError:
            pass
terms = (disk / "corpus" / "terms.yaml").read_bytes()
result = {}
response = upload(client, "sanya.txt", SANYA.read_bytes())
result["upload"] = [response.status_code, response.get_data(as_text=True)]
response = post(client, "/admin/fix/synonym", {"word": "升降机", "plan_words": "特种设备"})
result["synonym"] = [response.status_code, response.get_data(as_text=True)]
result["terms_kept"] = (disk / "corpus" / "terms.yaml").read_bytes() == terms
result["corpus"] = sorted(p.name for p in (disk / "corpus").iterdir())
result["uploads"] = sorted(p.name for p in (disk / "instance" / "uploads").iterdir()) if (disk / "instance" / "uploads").exists() else []
backups = disk / "instance" / "backups"
result["backups"] = sorted(p.name for p in backups.iterdir()) if backups.exists() else []
os.unlink(disk / "filler")  # space again: the same upload goes through
response = upload(client, "sanya.txt", SANYA.read_bytes())
result["after"] = response.status_code
app.extensions["log"].close()
print("RESULT" + json.dumps(result, ensure_ascii=False))
"""


def test_on_a_full_disk_an_upload_and_a_synonym_are_refused_with_507_and_leave_nothing(tmp_path):
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if not shutil.which("unshare") or probe.returncode:
        message = f"needs unshare -rm (user and mount namespaces) for a real full disk: {probe.stderr[:200]!r}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=4m tmpfs "$0" && exec "$1" -c "$2" "$0"',
         str(disk), sys.executable, FULL_DISK],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT")), None)
    assert line, done.stdout[-2000:] + done.stderr[-3000:]
    result = __import__("json").loads(line[len("RESULT"):])
    status, page = result["upload"]
    assert status == 507 and "磁盘已满" in page, page[:500]
    status, page = result["synonym"]
    assert status == 507 and "磁盘已满" in page, page[:500]
    assert result["terms_kept"]
    assert result["corpus"] == ["plan.txt", "terms.yaml", "units.yaml"]  # no half-written file, no temporary
    assert result["uploads"] == [] and result["backups"] == []
    assert result["after"] == 302


# -- the plan's review page (issue #20): every task, its roles in words, what looks wrong -------------------
def test_the_plans_page_lists_every_task_with_its_roles_and_flags_what_looks_wrong(tmp_path):
    plan = (
        "某市2023年优化营商环境工作方案\n一、重点任务\n"
        "1.推进一网通办。（市行政审批局牵头，市大数据局配合）\n"
        "2.压缩审批时限。（责任单位：市住建局、市自然资源局）\n"
        "3.优化纳税服务。\n"
        "4.推进信用修复。（市发改委牵头，市某某某某某某中心配合）\n"
    )
    make_corpus(tmp_path / "corpus")
    (tmp_path / "corpus" / "review.txt").write_text(plan, encoding="utf-8")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    admin = app.test_client()
    assert login(admin).status_code == 302
    page = admin.get("/admin/plans/review.txt").get_data(as_text=True)
    rows = {}
    for row in re.findall(r'<tr id="c-[^"]+"[^>]*>.*?</tr>', page, re.S):
        key = re.search(r"推进一网通办|压缩审批时限|优化纳税服务|推进信用修复", row)
        if key:
            rows[key.group(0)] = row
    assert set(rows) == {"推进一网通办", "压缩审批时限", "优化纳税服务", "推进信用修复"}
    assert "牵头：市行政审批局" in rows["推进一网通办"] and "配合：市大数据局" in rows["推进一网通办"]
    assert "角色为推断" in rows["压缩审批时限"] and "牵头：市住建局、市自然资源局" in rows["压缩审批时限"]
    assert "没有责任单位" in rows["优化纳税服务"]
    assert "“市某某某某某某中心”只在此处出现" in rows["推进信用修复"]
    assert "角色为推断" not in rows["推进一网通办"] and "没有责任单位" not in rows["推进一网通办"]
    flagged = admin.get("/admin/plans/review.txt?flagged=1").get_data(as_text=True)
    assert "优化纳税服务" in flagged and "修改单位" in flagged and "只看有疑问的" not in flagged
    app.extensions["log"].close()


# -- agency renames (issue #22): edited in the admin, checked before they are saved ---------------------------
def test_renames_are_edited_in_the_admin_checked_and_answered_with(site, admin, tmp_path):
    page = admin.get("/admin/renames").get_data(as_text=True)
    assert "机构更名" in page and "市场监督管理局" in page and 'id="renames-form"' in page
    assert ask(site, "营商环境局牵头哪些工作？")["found"] is False  # no plan unit of that name
    bad = post(admin, "/admin/renames", {"text": "renames:\n  - new: [公安局]\n    old: [商：务局]\n"},
               page="/admin/renames")
    assert bad.status_code == 302 and "没有保存" in flashes(admin, "/admin/renames")
    assert not (tmp_path / "corpus" / "renames.yaml").exists() or "商：务局" not in (
        tmp_path / "corpus" / "renames.yaml").read_text(encoding="utf-8")
    shipped = (ROOT / "corpus" / "renames.yaml").read_text(encoding="utf-8")
    text = shipped + "  - new: [营商环境局]\n    old: [工商局]\n    year: 2030\n"
    saved = post(admin, "/admin/renames", {"text": text}, page="/admin/renames")
    assert saved.status_code == 302
    assert "已保存机构更名表" in flashes(admin, "/admin/renames")
    written = (tmp_path / "corpus" / "renames.yaml").read_text(encoding="utf-8")
    assert written.endswith("year: 2030\n")
    answer = ask(site, "营商环境局牵头哪些工作？")
    assert answer["found"] and "盟工商局（现营商环境局）" in answer["answer"]
