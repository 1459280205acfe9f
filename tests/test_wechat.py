"""/wechat and /wecom driven as the platforms' servers drive them:
requests signed and encrypted with wechatpy."""

from __future__ import annotations

import io
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import xmltodict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto as OfficialAccountCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.utils import WeChatSigner

import web.wechat.views
from web import create_app
from test_wechat_crypto import MESSAGE, SAMPLE_CORP_ID, SAMPLE_KEY, SAMPLE_TOKEN, VERIFY
from web.wechat.views import PLATFORMS, build_channel
from web.wechat.reply import READ_MORE, PhoneReply, fit, utf8_size

TOKEN = "wxToken2018"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx1234567890abcdef"
ACCOUNT = "gh_0123456789ab"
BASE = "https://qa.example.org"
COOPERATING = ("盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局")
MODES = ("plain", "compatible", "safe")
ids = itertools.count(int(time.time() * 1000))  # MsgIds and users unique across tests sharing one store


def settings_for(state_db, **extra) -> dict:
    """create_app settings with both endpoints on (WeCom with the official sample's settings)."""
    config = {
        "STATE_DB": str(state_db),
        "TESTING": True,
        "PUBLIC_BASE_URL": BASE,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_APP_ID": APP_ID,
        "WECOM_TOKEN": SAMPLE_TOKEN,
        "WECOM_AES_KEY": SAMPLE_KEY,
        "WECOM_CORP_ID": SAMPLE_CORP_ID,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="module")
def state_db(tmp_path_factory):
    """One state database for the module's apps, as worker processes share one."""
    return tmp_path_factory.mktemp("wechat") / "state.sqlite3"


@pytest.fixture(scope="module")
def wx_app(state_db):
    """The app with both endpoints on."""
    return create_app(settings_for(state_db))


@pytest.fixture(scope="module")
def other_worker(state_db):
    """A second app over the same STATE_DB: what another worker process of the same server holds."""
    return create_app(settings_for(state_db))


@pytest.fixture()
def asks(monkeypatch, wx_app, other_worker):
    """Every question the assistants of both workers are asked, as (question, session) pairs."""
    seen: list[tuple[str, str]] = []
    for app in (wx_app, other_worker):
        assistant = app.extensions["qa"]
        original = assistant.ask

        def counted(question, session_id=None, plan=None, original=original):
            seen.append((question, session_id))
            return original(question, session_id, plan=plan)

        monkeypatch.setattr(assistant, "ask", counted)
    return seen


def user() -> str:
    """A fresh OpenID / UserID."""
    return f"oUser{next(ids)}"


def message_xml(fields: dict) -> str:
    """A callback body as the platforms write it: integers bare, strings in CDATA."""
    return (
        "<xml>"
        + "".join(
            f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>"
            for k, v in fields.items()
        )
        + "</xml>"
    )


def text_message(sender: str, content: str, to: str = ACCOUNT, **extra) -> dict:
    """The fields of a text message."""
    return {
        "ToUserName": to,
        "FromUserName": sender,
        "CreateTime": int(time.time()),
        "MsgType": "text",
        "Content": content,
        "MsgId": next(ids),
        **extra,
    }


def plain_signature(token: str, *parts: str) -> str:
    """The signature WeChat puts in `signature`, computed by wechatpy."""
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    return signer.signature


class WeChatServer:
    """The WeChat side of /wechat in one mode; signs and encrypts with wechatpy,
    never with the server's code."""

    def __init__(self, client, mode: str = "safe", app_id: str = APP_ID):
        self.client, self.mode = client, mode
        self.crypto = OfficialAccountCrypto(TOKEN, AES_KEY, app_id)

    def verify_url(self, echostr: str, timestamp: int | None = None, signature: str | None = None):
        ts, nonce = str(timestamp or int(time.time())), "5481029"
        return self.client.get(
            "/wechat",
            query_string={
                "signature": signature or plain_signature(TOKEN, ts, nonce),
                "timestamp": ts,
                "nonce": nonce,
                "echostr": echostr,
            },
        )

    def post(
        self,
        body: str,
        timestamp: int | None = None,
        signature: str | None = None,
        to: str = ACCOUNT,
        sender: str = "oSender",
        plain_fields: str | None = None,
    ):
        """POST an inner XML body as WeChat does in this mode (encrypted in compatible and safe modes)."""
        ts, nonce = str(timestamp or int(time.time())), str(next(ids))
        query = {
            "signature": plain_signature(TOKEN, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "openid": sender,
        }
        if self.mode != "plain":
            sealed = xmltodict.parse(self.crypto.encrypt_message(body, nonce, ts))["xml"]
            query.update(encrypt_type="aes", msg_signature=signature or sealed["MsgSignature"])
            encrypt = f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt>"
            if self.mode == "compatible":  # the plain fields and the ciphertext side by side
                body = (plain_fields or body)[: -len("</xml>")] + encrypt + "</xml>"
            else:
                body = f"<xml><ToUserName><![CDATA[{to}]]></ToUserName>{encrypt}</xml>"
        elif signature:
            query["signature"] = signature
        return self.client.post(
            "/wechat", query_string=query, data=body.encode("utf-8"), content_type="text/xml"
        )

    def send(self, fields: dict, **kwargs):
        return self.post(message_xml(fields), sender=fields["FromUserName"], **kwargs)

    def reply(self, response) -> dict:
        """The reply's fields, decrypted (and its signature checked) by wechatpy in the encrypted modes."""
        assert response.status_code == 200, response.data[:300]
        outer = xmltodict.parse(response.data)["xml"]
        if self.mode == "plain":
            return outer
        assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
        inner = self.crypto.decrypt_message(
            response.data, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
        )
        return xmltodict.parse(inner)["xml"]

    def ask(self, sender: str, question: str) -> str:
        """The Content of the reply to a text message."""
        reply = self.reply(self.send(text_message(sender, question)))
        assert (
            reply["ToUserName"] == sender and reply["FromUserName"] == ACCOUNT and reply["MsgType"] == "text"
        )
        return reply["Content"]


class WeComServer:
    """The WeCom side of /wecom; encrypts with wechatpy's WeCom crypto."""

    def __init__(self, client, corp_id: str = SAMPLE_CORP_ID):
        self.client = client
        self.crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_KEY, corp_id)

    def seal(self, text: str, ts: str, nonce: str) -> dict:
        """Encrypt and MsgSignature of a text, as WeCom computes them."""
        return xmltodict.parse(self.crypto.encrypt_message(text, nonce, ts))["xml"]

    def verify_url(self, echostr: str, timestamp: int | None = None):
        ts, nonce = str(timestamp or int(time.time())), "263014780"
        sealed = self.seal(echostr, ts, nonce)
        return self.client.get(
            "/wecom",
            query_string={
                "msg_signature": sealed["MsgSignature"],
                "timestamp": ts,
                "nonce": nonce,
                "echostr": sealed["Encrypt"],
            },
        )

    def send(self, fields: dict, timestamp: int | None = None, signature: str | None = None):
        """POST a message as WeCom does: encrypted, with ToUserName and AgentID beside the ciphertext."""
        ts, nonce = str(timestamp or int(time.time())), str(next(ids))
        sealed = self.seal(message_xml(fields), ts, nonce)
        body = (
            f"<xml><ToUserName><![CDATA[{SAMPLE_CORP_ID}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
            f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        )
        return self.client.post(
            "/wecom",
            data=body,
            content_type="text/xml",
            query_string={
                "msg_signature": signature or sealed["MsgSignature"],
                "timestamp": ts,
                "nonce": nonce,
            },
        )

    def reply(self, response) -> dict:
        """The reply's fields, its signature checked and decrypted by wechatpy."""
        assert response.status_code == 200, response.data[:300]
        outer = xmltodict.parse(response.data)["xml"]
        inner = self.crypto.decrypt_message(
            response.data, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
        )
        return xmltodict.parse(inner)["xml"]


@pytest.fixture(params=MODES)
def wechat(request, wx_app) -> WeChatServer:
    """WeChat in each of the three modes."""
    return WeChatServer(wx_app.test_client(), request.param)


@pytest.fixture()
def safe(wx_app) -> WeChatServer:
    """WeChat in safe mode."""
    return WeChatServer(wx_app.test_client(), "safe")


@pytest.fixture()
def wecom(wx_app) -> WeComServer:
    """WeCom with the official sample's Token, EncodingAESKey and CorpID."""
    return WeComServer(wx_app.test_client())


# -- the Official Account ------------------------------------------------------------------------------------


def test_url_verification_echoes_echostr(safe):
    response = safe.verify_url("7413298734529")
    assert response.status_code == 200 and response.data == b"7413298734529"


def test_url_verification_with_a_forged_signature_is_forbidden(safe):
    assert safe.verify_url("1", signature=plain_signature("not-the-token", "1", "2")).status_code == 403
    assert safe.client.get("/wechat", query_string={"echostr": "1"}).status_code == 403


def test_question_answered_in_every_mode(wechat):
    sender = user()
    reply = wechat.reply(wechat.send(text_message(sender, "简易注销有哪些配合单位？")))
    assert reply["ToUserName"] == sender and reply["FromUserName"] == ACCOUNT
    assert reply["MsgType"] == "text" and abs(int(reply["CreateTime"]) - time.time()) < 60
    content = reply["Content"]
    first = content.splitlines()[0]  # the asked role first, every cooperating unit in it
    assert first.startswith("配合单位：") and all(unit in first for unit in COOPERATING)
    assert "牵头单位：盟工商局" in content
    assert "二、(一)5“完善市场主体退出机制”" in content and "原文：“5.完善市场主体退出机制。" in content
    assert "全面实施企业简易注销登记" in content
    assert f"{BASE}/clause/" in content


def test_roles_are_said_in_words_even_when_one_has_no_unit(safe):
    content = safe.ask(user(), "特种设备安全监管谁负责")
    assert content.splitlines()[:2] == ["牵头单位：盟质监局", "配合单位：未列明"]


def test_yes_no_reply_opens_with_the_verdict_then_the_roles(safe):
    lines = safe.ask(user(), "简易注销是盟质监局牵头的吗").splitlines()
    assert lines[0].startswith("不是。盟质监局没有参与这项工作")
    assert lines[1] == "牵头单位：盟工商局" and lines[2].startswith("配合单位：盟环保局")


def test_set_reply_states_the_set_and_lists_each_task(safe):
    lines = safe.ask(user(), "工商局跟质监局共同牵头的工作").splitlines()
    assert lines[0] == "盟工商局、盟质监局都牵头的任务共2项："
    assert [line for line in lines if line.startswith("· ")] == [
        "· 二、(二)2“打击制售假冒伪劣商品违法行为”", "· 二、(三)3“加强重点人群消费维权”"
    ]


def test_links_point_at_existing_clause_pages(safe, wx_app):
    content = safe.ask(user(), "简易注销有哪些配合单位？")
    links = [line.split(BASE, 1)[1] for line in content.splitlines() if BASE in line]
    assert links
    client = wx_app.test_client()
    for path in links:
        assert client.get(path).status_code == 200


def test_compatible_mode_trusts_only_the_ciphertext(wx_app):
    server = WeChatServer(wx_app.test_client(), "compatible")
    sender = user()
    real = text_message(sender, "简易注销有哪些配合单位？")
    forged = message_xml(dict(real, Content="盟工商局牵头哪些工作？"))  # the unsigned plain copy, altered
    content = server.reply(server.post(message_xml(real), sender=sender, plain_fields=forged))["Content"]
    assert content.startswith("配合单位：") and "任务共" not in content


def test_plain_post_with_a_forged_signature_is_forbidden(wx_app, asks):
    server = WeChatServer(wx_app.test_client(), "plain")
    forged = plain_signature("guessed-token", "1", "2")
    assert server.send(text_message(user(), "简易注销有哪些配合单位？"), signature=forged).status_code == 403
    assert asks == []


def test_encrypted_post_with_a_forged_msg_signature_is_forbidden(wx_app, asks):
    for mode in ("compatible", "safe"):
        server = WeChatServer(wx_app.test_client(), mode)
        response = server.send(text_message(user(), "简易注销有哪些配合单位？"), signature="0" * 40)
        assert response.status_code == 403
    assert asks == []


def test_message_sealed_for_another_app_id_is_forbidden(wx_app, asks):
    server = WeChatServer(wx_app.test_client(), "safe", app_id="wxsomeotherapp0001")
    assert server.send(text_message(user(), "简易注销有哪些配合单位？")).status_code == 403
    assert asks == []


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_stale_or_future_timestamps_are_refused(wechat, asks, offset):
    when = int(time.time()) + offset
    assert wechat.verify_url("1", timestamp=when).status_code == 403
    assert wechat.send(text_message(user(), "简易注销有哪些配合单位？"), timestamp=when).status_code == 403
    assert asks == []


def test_timestamp_within_the_window_is_accepted(safe):
    assert safe.verify_url("ok", timestamp=int(time.time()) - 200).data == b"ok"


def test_malformed_timestamp_is_refused(safe):
    for ts in ("", "abc", "１７００００００００", "-1700000000", "1" * 40):
        nonce = "1"
        response = safe.client.get(
            "/wechat",
            query_string={
                "signature": plain_signature(TOKEN, ts, nonce),
                "timestamp": ts,
                "nonce": nonce,
                "echostr": "x",
            },
        )
        assert response.status_code == 403, ts


# -- resends and conversations -------------------------------------------------------------------------------


def test_resent_message_is_answered_once_with_the_same_reply(wechat, asks):
    fields = text_message(user(), "简易注销有哪些配合单位？")
    replies = [wechat.reply(wechat.send(fields)) for _ in range(4)]  # the message and WeChat's three resends
    assert len(asks) == 1
    assert all(reply == replies[0] for reply in replies)


def test_resend_to_another_worker_gets_the_stored_reply(wx_app, other_worker, asks):
    fields = text_message(user(), "简易注销有哪些配合单位？")
    first = WeChatServer(wx_app.test_client(), "safe")
    again = WeChatServer(other_worker.test_client(), "safe")
    assert first.reply(first.send(fields)) == again.reply(again.send(fields))
    assert len(asks) == 1


def test_resend_while_another_worker_is_still_answering_waits_for_it(wx_app, other_worker, asks, monkeypatch):
    assistant = wx_app.extensions["qa"]
    counted = assistant.ask
    started = threading.Event()

    def slow(question, session_id=None):
        started.set()
        time.sleep(0.8)  # slow enough that WeChat's resend arrives mid-answer
        return counted(question, session_id)

    monkeypatch.setattr(assistant, "ask", slow)
    fields = text_message(user(), "简易注销有哪些配合单位？")
    first = WeChatServer(wx_app.test_client(), "safe")
    again = WeChatServer(other_worker.test_client(), "safe")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(first.send, fields)
        assert started.wait(10)
        resent = again.send(fields)
        original = pending.result(timeout=10)
    assert len(asks) == 1
    assert first.reply(original) == again.reply(resent)
    assert "盟环保局" in again.reply(resent)["Content"]


def test_a_new_message_from_the_same_user_is_answered_again(safe, asks):
    sender = user()
    safe.ask(sender, "简易注销有哪些配合单位？")
    safe.ask(sender, "简易注销有哪些配合单位？")  # same words, new MsgId: a new question
    assert len(asks) == 2


def test_two_users_follow_ups_never_mix(safe, asks):
    alice, bob, carol = user(), user(), user()
    assert "牵头单位：盟工商局" in safe.ask(alice, "简易注销由哪个单位牵头？")
    assert "牵头单位：盟食药局" in safe.ask(bob, "食品安全由哪个单位牵头？")
    alice_follow = safe.ask(alice, "那配合单位呢？")
    bob_follow = safe.ask(bob, "那配合单位呢？")
    assert all(unit in alice_follow for unit in COOPERATING) and "完善市场主体退出机制" in alice_follow
    assert "盟食药安委成员单位" in bob_follow and "加强食品安全全过程监管" in bob_follow
    assert not any(unit in bob_follow for unit in COOPERATING)
    assert "请说明是哪项工作" in safe.ask(carol, "那配合单位呢？")  # a new user inherits nobody's topic
    assert {session for _, session in asks} == {f"wechat:{alice}", f"wechat:{bob}", f"wechat:{carol}"}


# -- events and other message types --------------------------------------------------------------------------


def event(sender: str, name: str, to: str = ACCOUNT) -> dict:
    """The fields of an event push."""
    return {
        "ToUserName": to,
        "FromUserName": sender,
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": name,
    }


def test_subscribe_gets_a_welcome_with_example_questions(wechat):
    content = wechat.reply(wechat.send(event(user(), "subscribe")))["Content"]
    assert "欢迎" in content and "简易注销有哪些配合单位？" in content


def test_unsubscribe_gets_an_empty_reply(wechat, asks):
    response = wechat.send(event(user(), "unsubscribe"))
    assert response.status_code == 200 and response.data == b"success"
    assert asks == []


@pytest.mark.parametrize(
    "kind, extra",
    [
        ("image", {"PicUrl": "http://mmbiz.example/pic", "MediaId": "media1"}),
        ("voice", {"MediaId": "media2", "Format": "amr"}),
        ("location", {"Location_X": "43.9", "Location_Y": "116.0", "Scale": 15, "Label": "锡林浩特"}),
    ],
)
def test_other_message_types_get_help(wechat, asks, kind, extra):
    fields = {
        "ToUserName": ACCOUNT,
        "FromUserName": user(),
        "CreateTime": int(time.time()),
        "MsgType": kind,
        **extra,
        "MsgId": next(ids),
    }
    content = wechat.reply(wechat.send(fields))["Content"]
    assert "文字问题" in content and asks == []


def test_blank_and_overlong_questions_are_told_what_to_do(safe, asks):
    assert "文字问题" in safe.ask(user(), "   ")
    assert "问题太长" in safe.ask(user(), "简易注销" * 200)
    assert asks == []


def test_assistant_failure_is_a_reply_not_a_500(safe, wx_app, monkeypatch):
    def broken(question, session_id=None):
        raise RuntimeError("index is being rebuilt")

    monkeypatch.setattr(wx_app.extensions["qa"], "ask", broken)
    assert "稍后再试" in safe.ask(user(), "简易注销有哪些配合单位？")


# -- the 2048-byte limit -------------------------------------------------------------------------------------


def test_long_answer_fits_2048_bytes_cut_between_clauses(wechat, wx_app):
    question = "盟工商局牵头哪些工作？"
    full = wx_app.extensions["qa"].ask(question)
    content = wechat.ask(user(), question)
    assert utf8_size(content) <= 2048
    lines = content.splitlines()
    assert lines[0] == full.answer.splitlines()[0]  # "盟工商局牵头的任务共29项："
    assert lines[-1].startswith("……另有") and lines[-1].endswith(f"完整内容请在网页查看：{BASE}/")
    items = lines[1:-1]
    shown = [
        (items[i], items[i + 1]) for i in range(0, len(items), 2)
    ]  # each clause whole: its line and link
    expected = [(f"· {c.path}“{c.title}”", f"{BASE}/clause/{c.id}") for c in full.citations]
    assert shown == expected[: len(shown)]
    omitted = int(lines[-1].removeprefix("……另有").split("条")[0])
    assert len(shown) + omitted == len(full.citations)


def test_without_a_public_address_the_cut_says_where_to_read_more(wx_app):
    answer = wx_app.extensions["qa"].ask("盟工商局牵头哪些工作？")
    text = PhoneReply(lambda clause: "", limit=600).text(answer)
    assert utf8_size(text) <= 600 and text.endswith(READ_MORE) and "http" not in text
    assert all(line.startswith("· ") for line in text.splitlines()[1:-1])


def test_a_single_overlong_line_is_cut_on_a_character_boundary():
    text = fit(["简" * 1000], 2048, READ_MORE)
    assert utf8_size(text) <= 2048 and text.endswith("……" + READ_MORE)
    assert set(text.split("\n")[0]) == {"简"}  # whole characters only (3 bytes each)
    for limit in range(100, 110):  # every remainder of a cut inside a 3-byte character
        assert utf8_size(fit(["简" * 100, "b"], limit, READ_MORE)) <= limit


# -- hostile input -------------------------------------------------------------------------------------------

XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh_0123456789ab</ToUserName><FromUserName>oAttacker</FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]><xml><ToUserName>gh_0123456789ab</ToUserName><FromUserName>oAttacker</FromUserName>"
    "<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>2</MsgId></xml>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://attacker.example/evil.dtd"><xml><a>1</a></xml>'
)
HOSTILE = {
    "xxe": XXE,
    "billion laughs": LAUGHS,
    "external dtd": EXTERNAL_DTD,
    "undeclared entity": "<xml><ToUserName>a</ToUserName><Content>&xxe;</Content></xml>",
    "malformed": "<xml><ToUserName>a</xml>",
    "not xml": "hello",
    "empty": "",
    "wrong root": "<message><ToUserName>a</ToUserName></message>",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_xml_is_refused_without_expanding_anything(wechat, asks, name):
    started = time.perf_counter()
    response = wechat.post(
        HOSTILE[name]
    )  # in the encrypted modes, correctly sealed: the XML inside is the attack
    assert response.status_code == 400
    assert time.perf_counter() - started < 1.0
    assert b"root:" not in response.data and b"lollol" not in response.data
    assert asks == []


def test_hostile_xml_around_the_ciphertext_is_refused(safe, asks):
    response = safe.client.post(
        "/wechat",
        data=LAUGHS,
        content_type="text/xml",
        query_string={
            "timestamp": str(int(time.time())),
            "nonce": "1",
            "encrypt_type": "aes",
            "msg_signature": "0" * 40,
        },
    )
    assert response.status_code == 400 and asks == []


def test_oversized_body_is_refused(safe):
    ts, nonce = str(int(time.time())), "1"
    query = {"signature": plain_signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    body = message_xml(text_message(user(), "简" * 6000))  # ~18 KB
    assert safe.client.post("/wechat", query_string=query, data=body.encode()).status_code == 413
    # a chunked body, as a server that streams it passes it on: no Content-Length to check up front
    streamed = safe.client.post(
        "/wechat",
        query_string=query,
        input_stream=io.BytesIO(body.encode()),
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert streamed.status_code == 413


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.text(max_size=120).map(lambda t: message_xml(text_message("oFuzz", t)).encode()),
    )
)
def test_nothing_answers_500(wx_app, body):
    client = wx_app.test_client()
    ts, nonce = str(int(time.time())), "1"
    query = {"signature": plain_signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
    for path in ("/wechat", "/wecom"):
        assert client.post(path, query_string=query, data=body).status_code in (200, 400, 403)


# -- WeCom ---------------------------------------------------------------------------------------------------


def test_wecom_official_verify_url_sample(wx_app, monkeypatch):
    monkeypatch.setattr(web.wechat.views, "clock", lambda: int(VERIFY["timestamp"]) + 5)
    response = wx_app.test_client().get("/wecom", query_string=VERIFY)
    assert response.status_code == 200 and response.data == b"1616140317555161061"


def test_wecom_official_message_sample_gets_an_encrypted_reply(wx_app, wecom, monkeypatch):
    monkeypatch.setattr(web.wechat.views, "clock", lambda: int(MESSAGE["timestamp"]) + 5)
    body = (
        f"<xml><ToUserName><![CDATA[{SAMPLE_CORP_ID}]]></ToUserName><Encrypt><![CDATA[{MESSAGE['Encrypt']}]]>"
        "</Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
    )
    response = wecom.client.post(
        "/wecom",
        data=body,
        content_type="text/xml",
        query_string={k: MESSAGE[k] for k in ("msg_signature", "timestamp", "nonce")},
    )
    reply = wecom.reply(response)
    assert reply["ToUserName"] == "mycreate" and reply["FromUserName"] == SAMPLE_CORP_ID
    assert reply["MsgType"] == "text" and reply["Content"]


def test_wecom_official_sample_is_refused_as_a_replay_today(wx_app):
    assert wx_app.test_client().get("/wecom", query_string=VERIFY).status_code == 403


def test_wecom_verify_url(wecom):
    response = wecom.verify_url("9093870521377390081")
    assert response.status_code == 200 and response.data == b"9093870521377390081"


def test_wecom_question_and_follow_up(wecom, asks):
    member = user()
    first = wecom.reply(
        wecom.send(text_message(member, "简易注销由哪个单位牵头？", to=SAMPLE_CORP_ID, AgentID=1000002))
    )
    assert first["ToUserName"] == member and first["FromUserName"] == SAMPLE_CORP_ID
    assert "牵头单位：盟工商局" in first["Content"]
    follow = wecom.reply(
        wecom.send(text_message(member, "那配合单位呢？", to=SAMPLE_CORP_ID, AgentID=1000002))
    )
    assert all(unit in follow["Content"] for unit in COOPERATING)
    assert asks[-1] == ("那配合单位呢？", f"wecom:{member}")


def test_wecom_and_wechat_users_never_share_a_conversation(safe, wecom):
    same_id = user()
    safe.ask(same_id, "简易注销由哪个单位牵头？")
    reply = wecom.reply(
        wecom.send(text_message(same_id, "那配合单位呢？", to=SAMPLE_CORP_ID, AgentID=1000002))
    )
    assert "请说明是哪项工作" in reply["Content"]


def test_wecom_resend_answered_once(wecom, asks):
    fields = text_message(user(), "简易注销有哪些配合单位？", to=SAMPLE_CORP_ID, AgentID=1000002)
    assert wecom.reply(wecom.send(fields)) == wecom.reply(wecom.send(fields))
    assert len(asks) == 1


def test_wecom_refuses_forgery_replay_and_other_corps(wx_app, wecom, asks):
    fields = text_message(user(), "简易注销有哪些配合单位？", to=SAMPLE_CORP_ID, AgentID=1000002)
    assert wecom.send(fields, signature="f" * 40).status_code == 403
    assert wecom.send(fields, timestamp=int(time.time()) - 3600).status_code == 403
    assert WeComServer(wx_app.test_client(), corp_id="wwanothercorp").send(fields).status_code == 403
    assert wecom.verify_url("1", timestamp=int(time.time()) + 3600).status_code == 403
    plain = wecom.client.post(
        "/wecom",
        data=message_xml(fields),
        query_string={"msg_signature": "0" * 40, "timestamp": str(int(time.time())), "nonce": "1"},
    )
    assert plain.status_code == 400  # WeCom messages are always encrypted
    assert asks == []


def test_wecom_events(wecom):
    welcome = wecom.reply(wecom.send(event(user(), "subscribe", to=SAMPLE_CORP_ID)))
    assert "欢迎" in welcome["Content"]
    for name in ("unsubscribe", "enter_agent", "LOCATION"):
        response = wecom.send(event(user(), name, to=SAMPLE_CORP_ID))
        assert response.status_code == 200 and response.data == b""


# -- configuration -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """The app with no token configured."""
    state = tmp_path_factory.mktemp("bare") / "state.sqlite3"
    return create_app(
        {
            "STATE_DB": str(state),
            "WECHAT_TOKEN": "",
            "WECOM_TOKEN": "",
            "WECHAT_AES_KEY": "",
            "WECOM_AES_KEY": "",
        }
    )


def test_without_a_token_the_endpoints_are_off(bare_app):
    client = bare_app.test_client()
    ts, nonce = str(int(time.time())), "1"
    query = {"signature": plain_signature("", ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "x"}
    for path in ("/wechat", "/wecom"):
        assert client.get(path, query_string=query).status_code == 404
        assert client.post(path, query_string=query, data="<xml/>").status_code == 404
    notes = bare_app.extensions["startup_notes"]
    assert "WeChat Official Account endpoint /wechat: off (WECHAT_TOKEN is empty)" in notes
    assert "WeCom endpoint /wecom: off (WECOM_TOKEN is empty)" in notes


def test_startup_notes_say_which_endpoints_are_on(wx_app):
    notes = wx_app.extensions["startup_notes"]
    assert any(
        n.startswith("WeChat Official Account endpoint /wechat: on, plain, compatible and safe")
        for n in notes
    )
    assert any(n.startswith("WeCom endpoint /wecom: on, encrypted") for n in notes)
    assert not any(AES_KEY in n or SAMPLE_KEY in n or TOKEN in n for n in notes)  # no secrets in logs


def test_serve_prints_the_startup_notes(tmp_path, monkeypatch, capsys):
    import web.server
    from web.cli import main

    for name in ("WECHAT_TOKEN", "WECHAT_AES_KEY", "WECOM_TOKEN", "WECOM_AES_KEY"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("STATE_DB", str(tmp_path / "state.sqlite3"))
    monkeypatch.setattr(web.server, "serve", lambda *args, **kwargs: None)
    assert main(["serve"]) == 0
    out = capsys.readouterr().out
    assert "/wechat: off (WECHAT_TOKEN is empty)" in out and "/wecom: off (WECOM_TOKEN is empty)" in out


def test_settings_come_from_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    app = create_app(
        {"STATE_DB": str(tmp_path / "state.sqlite3"), "WECHAT_AES_KEY": "", "PUBLIC_BASE_URL": ""}
    )
    server = WeChatServer(app.test_client(), "plain")
    assert server.verify_url("env").data == b"env"
    content = server.ask(user(), "简易注销有哪些配合单位？")
    assert "http" not in content and "盟环保局" in content  # no PUBLIC_BASE_URL: no links
    assert (
        "WeChat/WeCom replies carry no links to clauses: PUBLIC_BASE_URL is empty"
        in app.extensions["startup_notes"]
    )
    # plain mode only: an encrypted message cannot be read and says so
    assert WeChatServer(app.test_client(), "safe").send(text_message(user(), "你好")).status_code == 400


@pytest.mark.parametrize(
    "bad, setting",
    [
        ({"WECHAT_AES_KEY": "too-short"}, "WECHAT_AES_KEY"),
        ({"WECHAT_AES_KEY": AES_KEY[:-1] + "!"}, "WECHAT_AES_KEY"),
        ({"WECOM_AES_KEY": SAMPLE_KEY + "x"}, "WECOM_AES_KEY"),
        ({"WECHAT_APP_ID": ""}, "WECHAT_APP_ID"),
        ({"WECOM_AES_KEY": ""}, "WECOM_AES_KEY"),
        ({"WECOM_CORP_ID": ""}, "WECOM_CORP_ID"),
        (
            {"WECHAT_TOKEN": "", "WECHAT_AES_KEY": "x" * 42},
            "WECHAT_AES_KEY",
        ),  # checked even while the endpoint is off
    ],
)
def test_bad_settings_fail_with_the_setting_named(bad, setting):
    config = dict(settings_for(":memory:"), **bad)
    with pytest.raises(ValueError, match=setting):
        for platform in PLATFORMS:
            build_channel(platform, config)


def test_bad_settings_stop_create_app(tmp_path):
    with pytest.raises(ValueError, match="WECHAT_AES_KEY"):
        create_app(settings_for(tmp_path / "state.sqlite3", WECHAT_AES_KEY="0123456789"))
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        create_app(settings_for(tmp_path / "state.sqlite3", PUBLIC_BASE_URL="qa.example.org"))


# -- the pieces ----------------------------------------------------------------------------------------------


def test_xml_refuses_a_doctype_before_declaring_any_entity():
    from web.wechat.message import BadXML, parse

    for payload in (XXE, LAUGHS, EXTERNAL_DTD):
        with pytest.raises(BadXML, match="DTDForbidden"):
            parse(payload)


def test_reply_xml_survives_cdata_terminators_and_control_characters():
    from web.wechat.message import render

    text = "a]]>b\x00\x08c&<d>“中文”\U0001f600"
    parsed = xmltodict.parse(render({"Content": text, "CreateTime": 1700000000}))["xml"]
    assert parsed["Content"] == "a]]>bc&<d>“中文”\U0001f600" and parsed["CreateTime"] == "1700000000"


def test_reply_once_checks_its_parameters():
    from qa import StateStore
    from web.wechat.once import ReplyOnce

    store = StateStore(":memory:")
    for kwargs, name in (
        ({"wait_seconds": -1}, "wait_seconds"),
        ({"poll_seconds": 0}, "poll_seconds"),
        ({"keep_seconds": 0}, "keep_seconds"),
        ({"pending_seconds": 1}, "pending_seconds"),
    ):
        with pytest.raises(ValueError, match=name):
            ReplyOnce(store, **kwargs)


def test_reply_once_lets_a_resend_retry_after_a_failure(tmp_path):
    from qa import StateStore
    from web.wechat.once import ReplyOnce

    once = ReplyOnce(StateStore(tmp_path / "state.sqlite3"), wait_seconds=0.2)
    key = once.key("wechat", ACCOUNT, "1")

    def fail():
        raise RuntimeError("down")

    with pytest.raises(RuntimeError):
        once.reply(key, fail)
    assert once.reply(key, lambda: "answer") == "answer"
    assert once.reply(key, fail) == "answer"  # stored: not computed again


def test_reply_once_gives_up_waiting_on_a_stuck_answer(tmp_path):
    from qa import StateStore
    from web.wechat.once import ReplyOnce

    store = StateStore(tmp_path / "state.sqlite3")
    once = ReplyOnce(store, wait_seconds=0.2)
    key = once.key("wechat", ACCOUNT, "2")
    store.claim(key, {"state": "pending"}, ttl=10)  # another worker took it and never finished
    started = time.perf_counter()
    assert once.reply(key, lambda: pytest.fail("computed twice")) is None
    assert 0.2 <= time.perf_counter() - started < 2


# -- a signed plain-mode URL: one body per signature, and none while the store cannot say (#23, 15) ----------
def replay(client, query: str, fields: dict):
    """POST a plain-mode body on a signed URL captured before (the query string as it was)."""
    return client.post(f"/wechat?{query}", data=message_xml(fields).encode("utf-8"), content_type="text/xml")


def signed_query() -> str:
    """A fresh plain-mode query string as WeChat signs it."""
    ts, nonce = str(int(time.time())), str(next(ids))
    return urlencode({"signature": plain_signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce})


def test_a_signed_url_replayed_with_another_body_is_forbidden(wx_app, asks):
    client, sender = wx_app.test_client(), user()
    query, first = signed_query(), text_message(sender, "简易注销有哪些配合单位？")
    assert replay(client, query, first).status_code == 200
    assert replay(client, query, first).status_code == 200  # WeChat's own resend: the same body
    forged = text_message(sender, "特种设备谁牵头？", MsgId=next(ids))
    assert replay(client, query, forged).status_code == 403
    assert [q for q, _ in asks] == ["简易注销有哪些配合单位？"]


def test_with_redis_down_every_message_is_refused_never_a_replay_let_through(redis_server, tmp_path):
    app = create_app(settings_for(tmp_path / "unused.db", STATE_URL=redis_server.url,
                                  INSTANCE_DIR=str(tmp_path / "instance")))
    client, sender = app.test_client(), user()
    query, first = signed_query(), text_message(sender, "简易注销有哪些配合单位？")
    assert replay(client, query, first).status_code == 200
    redis_server.stop()
    forged = text_message(sender, "特种设备谁牵头？", MsgId=next(ids))
    refused = replay(client, query, forged)
    assert refused.status_code == 503 and refused.get_json()["error"] and refused.headers["Retry-After"]
    fresh = text_message(user(), "特种设备谁牵头？")  # nothing can be answered once while the store is down
    assert replay(client, signed_query(), fresh).status_code == 503
    assert WeChatServer(client, "safe").send(fresh).status_code == 503
    wecom = WeComServer(client)
    assert wecom.send(text_message(user(), "特种设备谁牵头？", to=SAMPLE_CORP_ID)).status_code == 503
    assert WeChatServer(client, "safe").verify_url("echo").status_code == 200  # no store needed to verify
    assert client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).status_code == 200
    redis_server.start()
    time.sleep(1.1)  # the store is tried again once a second
    assert "盟质监局" in WeChatServer(client, "plain").reply(replay(client, signed_query(), fresh))["Content"]
    app.extensions["log"].close()


# -- several plans at once (issue 21) ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def both_wechat(both_plans, tmp_path_factory) -> WeChatServer:
    """/wechat (safe mode) of the app over the shipped plan and the Sanya plan."""
    app = create_app(settings_for(tmp_path_factory.mktemp("wechat-both") / "state.sqlite3",
                                  CORPUS_DIR=str(both_plans)))
    return WeChatServer(app.test_client(), "safe")


def test_a_topic_both_plans_hold_names_each_plan_with_its_own_units_within_the_limit(both_wechat):
    content = both_wechat.ask(user(), "公平竞争审查谁牵头？")
    assert content.splitlines()[0] == "2个方案都涉及这个问题：锡林郭勒盟、三亚市。"  # the better match first
    xilingol, sanya = content.split("【锡林郭勒盟】")[1].split("【三亚市】")
    assert "牵头单位：市市场监督管理局" in sanya and "盟发改委" not in sanya
    assert "牵头单位：盟发改委" in xilingol and "市市场监督管理局" not in xilingol
    assert f"{BASE}/clause/" in sanya and f"{BASE}/clause/" in xilingol
    assert len(content.encode("utf-8")) <= 2048


def test_a_message_switches_the_users_plan_and_全部方案_switches_back(both_wechat):
    alice, bob = user(), user()
    assert "已切换到《锡林郭勒盟" in both_wechat.ask(alice, "切换到锡盟方案")
    mine = both_wechat.ask(alice, "公平竞争审查谁牵头？")
    assert "个方案都涉及" not in mine and "牵头单位：盟发改委" in mine and "三亚" not in mine
    assert "2个方案都涉及" in both_wechat.ask(bob, "公平竞争审查谁牵头？")  # another user keeps every plan
    assert "已切换到全部方案" in both_wechat.ask(alice, "全部方案")
    assert "2个方案都涉及" in both_wechat.ask(alice, "公平竞争审查谁牵头？")
    assert "没有找到“天津”的方案" in both_wechat.ask(alice, "切换到天津方案")


def test_a_reply_of_many_plans_names_every_plan_and_links_to_the_rest():
    from qa import Answer, Clause, Intent
    from web.wechat.reply import PhoneReply

    plans = [f"plan{n}" for n in range(12)]
    clauses = tuple(
        Clause(id=f"c{n}", doc=f"某某市第{n}个优化营商环境实施方案" * 2, source=f"{n}.txt", path="二、(一)1",
               title="推进政府采购电子化建设" * 2, text="推进政府采购。", kind="paragraph",
               lead=(f"{n}号市财政局",), cooperate=tuple(f"{n}号协作单位{k}" for k in range(8)))
        for n in range(12)
    )
    answer = Answer("…", True, Intent.LEAD, units=clauses[0].lead, citations=clauses, plans=tuple(plans))
    reply = PhoneReply(lambda c: f"{BASE}/clause/{c.id}", more="完整内容请在网页查看：https://qa.example.org/",
                       shorts=lambda p: f"第{p[4:]}市").text(answer)
    assert len(reply.encode("utf-8")) <= 2048
    assert all(f"第{n}市" in reply.splitlines()[0] for n in range(12))  # every plan named in the first line
    assert "完整内容请在网页查看：https://qa.example.org/" in reply.splitlines()[-1]


def test_a_units_tasks_in_several_plans_are_headed_by_each_plan_on_the_phone():
    from qa.records import Answer, Clause, Intent

    tasks = [Clause(f"c{n}", doc, "x.txt", f"一、{n}", title, "…", "paragraph", lead=("市税务局",))
             for n, (doc, title) in enumerate([("甲市要点", "优化外资外贸服务"), ("乙市方案", "优化留抵退税"),
                                               ("乙市方案", "免征车辆购置税")])]
    answer = Answer("3个方案都涉及这个问题，分别是：甲市、乙市。", True, Intent.UNIT_TASKS, citations=tuple(tasks),
                    plans=("jia", "yi"), subject_units=("市税务局",), subject_role="lead")
    text = PhoneReply(lambda clause: "", shorts={"jia": "甲市", "yi": "乙市"}.get).text(answer)
    assert text.splitlines()[1:] == ["【甲市】", "· 一、0“优化外资外贸服务”", "【乙市】", "· 一、1“优化留抵退税”",
                                     "· 一、2“免征车辆购置税”"]
