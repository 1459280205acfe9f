"""/dingtalk driven as DingTalk's servers drive it, through `python app.py` on 127.0.0.1: an independent client
signs each callback from DingTalk's published algorithm and sends the published JSON body.

The published algorithm (接收消息, https://help.dingtalk.io/open/development/receive-message): headers
`timestamp` (ms) and `sign` = Base64(HmacSHA256(key = appSecret, message = timestamp + "\\n" + appSecret));
a timestamp more than one hour from now is not DingTalk's. Written here from that text, not imported from
the server's code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import itertools
import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services import AppServer

SECRET = "dingtalk-test-secret_9fQ2sLx0aB7cD1eF3gH5iJ7kL9mN1oP3qR5sT7uV9"
APP_KEY = "dingtestappkey0001"
BASE = "https://qa.example.org"
QUESTION = "简易注销有哪些配合单位？"
COOPERATING = ("盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局")  # the shipped plan's six
HOUR_MS = 3600 * 1000
ids = itertools.count(int(time.time() * 1000))  # message, sender and conversation ids unique to each test


def fresh(prefix: str) -> str:
    """An id DingTalk could have made, not seen before in this run."""
    return f"{prefix}{next(ids)}"


def now_ms() -> int:
    return int(time.time() * 1000)


def sign(timestamp: str, secret: str = SECRET) -> str:
    """DingTalk's `sign` for a timestamp, as its page describes it."""
    string_to_sign = f"{timestamp}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def text_message(content: str, sender: str = "", conversation: str = "", group: bool = False, **extra) -> dict:
    """A text message's body as the receive-message page shows it (group: conversationType "2")."""
    sender = sender or fresh("staff")
    body = {
        "conversationId": conversation or fresh("cid"),
        "atUsers": [{"dingtalkId": "$:LWCP_v1:$robot", "staffId": ""}] if group else [],
        "chatbotCorpId": "dinge8a565xxxx",
        "chatbotUserId": "$:LWCP_v1:$robot",
        "msgId": fresh("msg"),
        "senderNick": "测试员",
        "isAdmin": False,
        "senderStaffId": sender,
        "sessionWebhookExpiredTime": now_ms() + 90 * 60 * 1000,
        "createAt": now_ms(),
        "senderCorpId": "dinge8a565xxxx",
        "conversationType": "2" if group else "1",
        "senderId": f"$:LWCP_v1:${sender}",
        "isInAtList": True,
        "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=test",
        "text": {"content": content},
        "msgtype": "text",
    }
    if group:
        body["conversationTitle"] = "测试群"
    body.update(extra)
    return body


class DingTalk:
    """What DingTalk's servers do: POST a signed JSON body to the robot's 消息接收地址."""

    def __init__(self, port: int):
        self.port = port

    def post(self, body: bytes | dict, headers: dict[str, str] | None = None, method: str = "POST",
             ) -> tuple[int, dict, bytes]:
        """Send one request; (status, headers, body)."""
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if isinstance(body, dict) else body
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, "/dingtalk", body=data if method == "POST" else None,
                         headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def send(self, body: bytes | dict, timestamp: str | None = None, secret: str = SECRET) -> tuple[int, dict, bytes]:
        """A callback signed now (or at timestamp) with the robot's secret."""
        timestamp = timestamp or str(now_ms())
        return self.post(body, {"timestamp": timestamp, "sign": sign(timestamp, secret)})

    def reply(self, body: dict) -> dict:
        """The reply DingTalk would post to the chat, after checking it is one."""
        status, headers, data = self.send(body)
        assert status == 200, data
        assert headers["Content-Type"].startswith("application/json")
        return json.loads(data)


def markdown(reply: dict) -> str:
    """A markdown reply's text (failing on anything else)."""
    assert reply["msgtype"] == "markdown" and reply["markdown"]["title"], reply
    return reply["markdown"]["text"]


def logged(instance: Path, question: str, wait: float = 3.0) -> list[tuple[str, str]]:
    """The question log's (channel, user_hash) rows for a question, once the writer has had time to write."""
    deadline = time.monotonic() + wait
    while True:
        rows: list[tuple[str, str]] = []
        try:  # read-only: the server makes the file and its tables with its first row
            db = sqlite3.connect(f"file:{instance / 'log.sqlite3'}?mode=ro", uri=True)
            try:
                rows = db.execute("SELECT l.channel, l.user_hash FROM qa_log l JOIN qa_texts t "
                                  "ON t.id = l.question_text WHERE t.text = ?", (question,)).fetchall()
            finally:
                db.close()
        except sqlite3.OperationalError:  # no file or no table yet
            pass
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python app.py` with the robot on, its own state and instance folder."""
    folder = tmp_path_factory.mktemp("dingtalk")
    app = AppServer({
        "STATE_DB": str(folder / "state.sqlite3"),
        "INSTANCE_DIR": str(folder / "instance"),
        "DINGTALK_APP_SECRET": SECRET,
        "DINGTALK_APP_KEY": APP_KEY,
        "PUBLIC_BASE_URL": BASE,
    }).start()
    yield app, folder / "instance"
    app.stop()


@pytest.fixture()
def dingtalk(server) -> DingTalk:
    return DingTalk(server[0].port)


# -- a signed message is answered -------------------------------------------------------------------------


def test_a_signed_text_message_gets_the_units_by_role_within_a_second(dingtalk, server):
    body = text_message(QUESTION)
    started = time.perf_counter()
    status, headers, data = dingtalk.send(body)
    elapsed = time.perf_counter() - started
    assert status == 200 and elapsed < 1.0
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    reply = json.loads(data)
    text = markdown(reply)
    assert f"配合单位：{'、'.join(COOPERATING)}" in text  # the six, in the plan's order, the role in words
    assert "牵头单位：盟工商局" in text
    assert "二、(一)5“完善市场主体退出机制”" in text  # the clause's path and title
    assert f"]({BASE}/clause/" in text  # a markdown link to the clause page
    assert "全面实施企业简易注销登记" in text  # its words quoted
    assert len(text.encode("utf-8")) <= 4096 and len(data) < 15000  # DingTalk takes 15,000 bytes at most
    assert logged(server[1], QUESTION)[0][0] == "dingtalk"


def test_without_a_public_address_the_clause_is_named_not_linked(assistant):
    from web.dingtalk.reply import MarkdownReply

    reply = json.loads(MarkdownReply(lambda clause: "").message(assistant.ask(QUESTION)))
    text = markdown(reply)
    assert "二、(一)5“完善市场主体退出机制”" in text and "](" not in text


def test_a_long_answer_is_cut_between_clauses_within_the_limit(assistant):
    from web.dingtalk.reply import MarkdownReply

    answer = assistant.ask("盟工商局牵头哪些工作？")
    full = markdown(json.loads(MarkdownReply(lambda c: f"{BASE}/clause/{c.id}").message(answer)))
    short = markdown(json.loads(MarkdownReply(lambda c: f"{BASE}/clause/{c.id}", limit=600).message(answer)))
    assert len(full.encode("utf-8")) > 600 >= len(short.encode("utf-8"))
    assert short.startswith(full.split("\n")[0]) and "条未列出" in short
    assert all(line.endswith(")") for line in short.splitlines() if line.startswith("- "))  # whole items only


def test_markup_in_plan_text_is_shown_as_written():
    from web.dingtalk.reply import plain

    assert plain("**加粗** [链接](http://x) `代码` <b>") == "＊＊加粗＊＊ ［链接］(http://x) ｀代码｀ ＜b＞"
    assert plain("- 不是列表\n1. 也不是") == "－ 不是列表  \n1． 也不是"


# -- signatures --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["wrong secret", "another timestamp's sign", "stale", "future", "missing",
                                  "not a number", "tampered"])
def test_forged_and_stale_signatures_are_refused_with_403(dingtalk, server, case):
    question = f"伪造签名的问题{next(ids)}：简易注销有哪些配合单位？"
    body = text_message(question)
    ts = str(now_ms())
    headers = {
        "wrong secret": {"timestamp": ts, "sign": sign(ts, "another-robot's-secret")},
        "another timestamp's sign": {"timestamp": ts, "sign": sign(str(int(ts) - 1))},
        "stale": {"timestamp": str(int(ts) - HOUR_MS - 60_000), "sign": sign(str(int(ts) - HOUR_MS - 60_000))},
        "future": {"timestamp": str(int(ts) + HOUR_MS + 60_000), "sign": sign(str(int(ts) + HOUR_MS + 60_000))},
        "missing": {},
        "not a number": {"timestamp": "12e3", "sign": sign("12e3")},
        # the last data character changed (it was "A" once in 16 runs, and the "tampered" sign was the real one)
        "tampered": {"timestamp": ts, "sign": sign(ts)[:-2] + ("E" if sign(ts)[-2] == "A" else "A") + "="},
    }[case]
    status, _, data = dingtalk.post(body, headers)
    assert status == 403
    error = json.loads(data)["error"]
    expected = {"stale": "过期", "future": "过期", "missing": "缺少", "not a number": "时间戳"}.get(case, "签名不正确")
    assert expected in error
    assert logged(server[1], question, wait=0.5) == []  # never reached the assistant


def test_a_signature_within_the_hour_is_taken(dingtalk):
    old = str(now_ms() - HOUR_MS + 60_000)  # 59 minutes ago: within DingTalk's window
    status, _, data = dingtalk.send(text_message(QUESTION), timestamp=old)
    assert status == 200 and "盟工商局" in markdown(json.loads(data))


def test_a_replayed_signature_is_refused_and_the_same_request_again_gets_the_same_reply(dingtalk, server):
    ts = str(now_ms())
    headers = {"timestamp": ts, "sign": sign(ts)}
    first = json.dumps(text_message(QUESTION), ensure_ascii=False).encode("utf-8")
    status, _, reply = dingtalk.post(first, headers)
    assert status == 200
    question = f"重放的问题{next(ids)}：特种设备谁牵头？"
    status, _, data = dingtalk.post(text_message(question), headers)  # the captured signature, another message
    assert status == 403 and "重放" in json.loads(data)["error"]
    assert logged(server[1], question, wait=0.5) == []
    again = dingtalk.post(first, headers)  # DingTalk's own retry: the very same request
    assert again[0] == 200 and again[2] == reply


# -- once-only replies -------------------------------------------------------------------------------------


def test_a_retried_message_gets_the_same_single_reply(dingtalk, server):
    question = f"{QUESTION}（{next(ids)}）"
    body = text_message(question)
    first = dingtalk.send(body)
    assert first[0] == 200 and "盟环保局" in markdown(json.loads(first[2]))
    with ThreadPoolExecutor(4) as pool:  # retries, each freshly signed, some at the same moment
        retries = list(pool.map(lambda _: dingtalk.send(body), range(4)))
    assert {r[0] for r in retries} == {200} and {r[2] for r in retries} == {first[2]}
    # the same msgId with other words: the stored reply, not a new answer
    changed = dict(body, text={"content": "特种设备谁牵头？"})
    assert dingtalk.send(changed)[2] == first[2]
    time.sleep(0.3)
    assert len(logged(server[1], question)) == 1  # answered and logged once
    # the same msgId in another conversation is another message
    other = dingtalk.reply(dict(body, conversationId=fresh("cid")))
    assert "盟环保局" in markdown(other)


# -- groups and conversations ------------------------------------------------------------------------------


def test_group_at_mentions_are_taken_out_of_the_question(dingtalk, server):
    marker = next(ids)
    question = f"简易注销有哪些配合单位{marker}？"
    reply = dingtalk.reply(text_message(f"@方案助手\u2005{question} @张三 ", group=True))
    assert "盟环保局" in markdown(reply)
    assert [c for c, _ in logged(server[1], question)] == ["dingtalk"]  # logged as asked, without the mentions
    # in a one-to-one chat nobody is mentioned: the text is the question as written
    alone = dingtalk.reply(text_message(f"  {QUESTION}  "))
    assert "盟环保局" in markdown(alone)
    # a message that is only mentions asks nothing: a help text
    empty = dingtalk.reply(text_message("@方案助手 ", group=True))
    assert empty["msgtype"] == "text" and "例如" in empty["text"]["content"]


def test_a_follow_up_continues_each_senders_own_conversation(dingtalk):
    group, asker, neighbour = fresh("cid"), fresh("staff"), fresh("staff")
    first = dingtalk.reply(text_message(f"@方案助手 {QUESTION}", asker, group, group=True))
    assert "配合单位：盟环保局" in markdown(first)
    follow = markdown(dingtalk.reply(text_message("@方案助手 那牵头单位呢？", asker, group, group=True)))
    assert follow.startswith("牵头单位：盟工商局") and "完善市场主体退出机制" in follow
    # another member of the same group starts from nothing
    theirs = markdown(dingtalk.reply(text_message("@方案助手 那牵头单位呢？", neighbour, group, group=True)))
    assert "盟工商局" not in theirs and "完善市场主体退出机制" not in theirs
    # the same sender in another group, or alone with the robot, has another conversation
    elsewhere = markdown(dingtalk.reply(text_message("@方案助手 那牵头单位呢？", asker, fresh("cid"), group=True)))
    alone = markdown(dingtalk.reply(text_message("那牵头单位呢？", asker)))
    assert "盟工商局" not in elsewhere and "盟工商局" not in alone
    # without senderStaffId (outside the organisation), senderId carries the conversation
    outsider = fresh("$:LWCP_v1:$")
    dingtalk.reply(text_message(QUESTION, senderStaffId="", senderId=outsider))
    follow = markdown(dingtalk.reply(text_message("那牵头单位呢？", senderStaffId="", senderId=outsider)))
    assert follow.startswith("牵头单位：盟工商局")


def test_a_message_chooses_the_senders_plan_and_全部方案_switches_back(both_plans, tmp_path):
    """As on WeChat, with two plans loaded: "切换到…方案" sets the plan of that sender's questions, "全部方案"
    clears it."""
    app = AppServer({
        "CORPUS_DIR": str(both_plans),
        "STATE_DB": str(tmp_path / "state.sqlite3"),
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DINGTALK_APP_SECRET": SECRET,
        "DINGTALK_APP_KEY": APP_KEY,
    }).start()
    try:
        check_plan_choice(DingTalk(app.port))
    finally:
        app.stop()


def check_plan_choice(dingtalk: DingTalk) -> None:
    """The plan choice by message, through a robot over the shipped plan and Sanya's."""
    asker, other = fresh("staff"), fresh("staff")
    question = "公平竞争审查谁牵头？"
    both = markdown(dingtalk.reply(text_message(question, asker)))
    assert both.startswith("2个方案都涉及这个问题：锡林郭勒盟、三亚市。")  # the better match first
    xilingol, sanya = both.split("【锡林郭勒盟】")[1].split("【三亚市】")
    assert "牵头单位：市市场监督管理局" in sanya and "盟发改委" not in sanya
    assert "牵头单位：盟发改委" in xilingol and "市市场监督管理局" not in xilingol
    chosen = dingtalk.reply(text_message("切换到锡盟方案", asker))
    assert chosen["msgtype"] == "text" and "已切换到《锡林郭勒盟" in chosen["text"]["content"]
    mine = markdown(dingtalk.reply(text_message(question, asker)))
    assert "个方案都涉及" not in mine and "盟发改委" in mine and "三亚" not in mine
    assert "2个方案都涉及" in markdown(dingtalk.reply(text_message(question, other)))  # another keeps every plan
    missing = dingtalk.reply(text_message("切换到天津方案", other))
    assert "没有找到“天津”的方案" in missing["text"]["content"]
    back = dingtalk.reply(text_message("全部方案", asker))
    assert "已切换到全部方案" in back["text"]["content"]
    assert "2个方案都涉及" in markdown(dingtalk.reply(text_message(question, asker)))


# -- other messages and bad input --------------------------------------------------------------------------


def test_other_kinds_of_message_and_long_questions_get_a_short_text(dingtalk):
    picture = dingtalk.reply(dict(text_message(""), msgtype="picture", content={"downloadCode": "x"}))
    assert picture["msgtype"] == "text" and "文字问题" in picture["text"]["content"]
    long = dingtalk.reply(text_message("简易注销" * 200))
    assert long["msgtype"] == "text" and "问题太长（800字）" in long["text"]["content"]


def signed_raw(dingtalk: DingTalk, data: bytes) -> tuple[int, dict]:
    status, _, body = dingtalk.send(data)
    return status, json.loads(body)


@pytest.mark.parametrize("data, words", [
    (b"{not json", "JSON"),
    (b"\xff\xfe", "JSON"),
    (b"[1, 2]", "JSON对象"),
    (b"[" * 10_000 + b"]" * 10_000, "嵌套"),
], ids=["broken", "not UTF-8", "an array", "nested 10,000 deep"])
def test_a_body_that_is_not_a_json_object_is_a_400(dingtalk, data, words):
    status, body = signed_raw(dingtalk, data)
    assert status == 400 and words in body["error"]


@pytest.mark.parametrize("change, words", [
    ({"msgId": None}, "msgId"),
    ({"msgId": 12}, "msgId"),
    ({"msgtype": None}, "msgtype"),
    ({"conversationId": ""}, "conversationId"),
    ({"conversationType": "3"}, "conversationType"),
    ({"conversationType": True}, "conversationType"),
    ({"senderStaffId": None, "senderId": None}, "senderStaffId"),
    ({"senderStaffId": ["u1"]}, "senderStaffId"),
    ({"text": "简易注销"}, "text.content"),
    ({"text": {"content": None}}, "text.content"),
    ({"msgId": "m" * 300}, "过长"),
])
def test_a_message_missing_a_field_is_a_400(dingtalk, change, words):
    body = text_message(QUESTION)
    for name, value in change.items():
        if value is None:
            body.pop(name)
        else:
            body[name] = value
    status, data = signed_raw(dingtalk, json.dumps(body).encode("utf-8"))
    assert status == 400 and words in data["error"]


def test_a_body_over_the_limit_is_a_413_and_other_methods_a_405(dingtalk):
    big = json.dumps(text_message("简" * 30_000), ensure_ascii=False).encode("utf-8")  # 90 KB
    status, data = signed_raw(dingtalk, big)
    assert status == 413 and "请求体" in data["error"]
    status, headers, body = dingtalk.post(b"", method="GET")
    assert status == 405 and "POST" in headers.get("Allow", "") and json.loads(body)["error"]


def test_the_robot_is_off_until_its_secret_is_set(app, client):
    assert client.post("/dingtalk", json=text_message(QUESTION)).status_code == 404
    assert client.get("/dingtalk").status_code == 404
    assert "DingTalk robot endpoint /dingtalk: off (DINGTALK_APP_SECRET is empty)" in app.extensions["startup_notes"]


def test_a_failure_while_answering_is_said_plainly_never_a_500(tmp_path, monkeypatch):
    import web.dingtalk.reply
    from web import create_app

    app = create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "INSTANCE_DIR": str(tmp_path / "instance"),
                      "TESTING": True, "DINGTALK_APP_SECRET": SECRET, "LOG_QUESTIONS": False})

    def broken(self, answer):
        raise RuntimeError("a bug in the formatter")

    monkeypatch.setattr(web.dingtalk.reply.MarkdownReply, "message", broken)
    ts = str(now_ms())
    response = app.test_client().post("/dingtalk", json=text_message(QUESTION),
                                      headers={"timestamp": ts, "sign": sign(ts)})
    assert response.status_code == 200
    assert response.get_json() == {"msgtype": "text", "text": {"content": "暂时无法回答这个问题，请稍后再试。"}}


def test_with_the_state_store_down_messages_are_refused_not_answered_twice(tmp_path, redis_server):
    app = AppServer({
        "STATE_URL": redis_server.url,
        "STATE_DB": str(tmp_path / "unused.sqlite3"),
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "DINGTALK_APP_SECRET": SECRET,
    }).start()
    try:
        dingtalk = DingTalk(app.port)
        body = text_message(QUESTION)
        assert "盟环保局" in markdown(dingtalk.reply(body))
        redis_server.stop()
        for message in (body, text_message("特种设备谁牵头？")):  # a retry, a new message: neither can be told
            status, headers, data = dingtalk.send(message)
            assert status == 503 and json.loads(data)["error"] and headers["Retry-After"]
        redis_server.start()
        time.sleep(1.1)  # the store is tried again once a second
        assert "盟质监局" in markdown(dingtalk.reply(text_message("特种设备谁牵头？")))
    finally:
        app.stop()
