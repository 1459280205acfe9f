"""The Word files over HTTP (web/exports.py): /units/<name>.docx from the unit's page, and POST
/api/conversation.docx, which answers the questions again and never takes clause text from the client."""

from __future__ import annotations

import io
from urllib.parse import quote, unquote

import pytest
from docx import Document

from web.word import DOCX_MIMETYPE, TASK_STYLE

QUESTIONS = ["简易注销有哪些配合单位？", "那牵头单位呢？", "盟质监局牵头哪些工作？"]


def read(response) -> Document:
    """The response's .docx, opened by python-docx."""
    assert response.status_code == 200 and response.mimetype == DOCX_MIMETYPE
    return Document(io.BytesIO(response.data))


def styled(document: Document, style: str) -> list[str]:
    """The text of every paragraph of one style, in order."""
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_a_units_word_file_is_linked_from_its_page_and_holds_its_tasks(app, client):
    page = client.get("/units/盟质监局").get_data(as_text=True)
    address = f"/units/{quote('盟质监局')}.docx"
    assert f'href="{address}"' in page and "下载 Word" in page
    response = client.get(address)
    assert "attachment" in response.headers["Content-Disposition"]
    assert unquote(response.headers["Content-Disposition"]).endswith("盟质监局承担的任务.docx")
    document = read(response)
    tasks = app.extensions["qa"].tasks_of("盟质监局")
    assert styled(document, TASK_STYLE) == [f"{c.path} {c.title}" for r in ("lead", "cooperate") for c in tasks[r]]
    texts = [p.text for p in document.paragraphs]
    assert all(c.text in texts for r in ("lead", "cooperate") for c in tasks[r])


def test_an_alias_goes_to_the_units_own_file_and_an_unknown_unit_is_a_404(client):
    moved = client.get("/units/质监局.docx")
    assert moved.status_code == 302 and moved.headers["Location"] == f"/units/{quote('盟质监局')}.docx"
    missing = client.get("/units/盟外星局.docx", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "盟外星局" in missing.get_data(as_text=True)
    assert client.get("/units/盟质监局").status_code == 200  # the page itself is still the page


def test_the_conversation_is_answered_again_for_the_minutes(app, client):
    response = client.post("/api/conversation.docx", json={"questions": QUESTIONS})
    assert unquote(response.headers["Content-Disposition"]).split("''")[1].startswith("问答记录-")
    document = read(response)
    assert styled(document, "Heading 2") == [f"{n}．{q}" for n, q in enumerate(QUESTIONS, 1)]
    qa = app.extensions["qa"]
    asked = [qa.ask(q, "exports-same-session") for q in QUESTIONS]
    cited = [c for a in asked for c in a.citations if c not in a.related]
    assert styled(document, TASK_STYLE) == [f"{c.path} {c.title}" for c in cited]
    texts = [p.text for p in document.paragraphs]
    assert all(c.text in texts for c in cited)
    assert "答：" + asked[1].answer.splitlines()[0] in texts  # the follow-up answered in its conversation


def test_clause_text_from_the_client_is_never_used(client):
    forged = {"questions": ["简易注销有哪些配合单位？"],
              "answers": [{"answer": "伪造的回答", "citations": [{"text": "伪造的条款原文"}]}]}
    document = read(client.post("/api/conversation.docx", json=forged))
    assert not any("伪造" in p.text for p in document.paragraphs)


@pytest.mark.parametrize("body, says", [
    ({"questions": []}, "没有可导出的问题"),
    ({"questions": "简易注销"}, "questions 应是问题（文字）的列表"),
    ({"questions": [1, 2]}, "questions 应是问题（文字）的列表"),
    ({"questions": ["简易注销", "  "]}, "questions 中有空的问题"),
    ({"question": "简易注销"}, "缺少 questions"),
    (["简易注销"], "请求体应是 JSON 对象"),
    ({"questions": ["简易注销"] * 41}, "问题太多（41 个），一次最多导出 40 个"),
    ({"questions": ["注" * 501]}, "第 1 个问题太长（501 个字），最多 500 个字"),
])
def test_bad_input_is_a_400_that_says_why_in_chinese(client, body, says):
    response = client.post("/api/conversation.docx", json=body)
    assert response.status_code == 400 and response.get_json()["error"].startswith(says)


def test_what_is_not_json_or_too_large_is_refused_as_json(client):
    plain = client.post("/api/conversation.docx", data="简易注销", content_type="text/plain")
    assert plain.status_code == 400 and "JSON" in plain.get_json()["error"]
    surrogate = client.post("/api/conversation.docx", data='{"questions": ["\\ud800"]}',
                            content_type="application/json")
    assert surrogate.status_code == 400 and surrogate.get_json()["error"] == "第 1 个问题不是有效的文字"
    huge = client.post("/api/conversation.docx", json={"questions": ["注" * 30000]})
    assert huge.status_code == 413 and huge.is_json and huge.get_json()["error"]
    wrong = client.get("/api/conversation.docx")
    assert wrong.status_code == 405 and wrong.is_json


def test_the_plan_chosen_is_asked_of_and_one_since_removed_is_said(client):
    document = read(client.post("/api/conversation.docx", json={"questions": ["简易注销有哪些配合单位？"],
                                                                 "plan": "锡林郭勒盟"}))
    assert styled(document, TASK_STYLE) == ["二、(一)5 完善市场主体退出机制"]
    gone = read(client.post("/api/conversation.docx", json={"questions": ["简易注销有哪些配合单位？"],
                                                             "plan": "外星方案"}))
    assert "所选的方案“外星方案”已不在载入的方案中，以下按全部方案回答。" in styled(gone, "标题下注")
    assert styled(gone, TASK_STYLE) == ["二、(一)5 完善市场主体退出机制"]
    wrong = client.post("/api/conversation.docx", json={"questions": ["简易注销"], "plan": 3})
    assert wrong.status_code == 400 and wrong.get_json()["error"].startswith("plan 应是")
