"""The JSON API: /api/ask's contract and its errors, clauses, units, health,
and /openapi.json against the app."""

from __future__ import annotations

import re

import orjson
import pytest

from web.api import FastAsk

SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]
CITATION_FIELDS = {"id", "doc", "path", "title", "text", "lead", "cooperate", "url"}


def ask(client, question, session_id=None, **kwargs):
    """POST /api/ask and return the response."""
    body = {"question": question}
    if session_id is not None:
        body["session_id"] = session_id
    return client.post("/api/ask", json=body, **kwargs)


def check(value, schema: dict, spec: dict, where: str = "$") -> None:
    """Assert that `value` fits the JSON schema (the subset /openapi.json uses), naming where it does not."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return check(value, spec["components"]["schemas"][name], spec, where)
    kinds = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "array": list,
        "object": dict,
        "null": type(None),
    }
    types = schema.get("type")
    if types:
        types = [types] if isinstance(types, str) else types
        assert any(
            isinstance(value, kinds[t]) and not (isinstance(value, bool) and t in ("integer", "number"))
            for t in types
        ), f"{where}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict) and "properties" in schema:
        missing = set(schema.get("required", [])) - set(value)
        assert not missing, f"{where}: missing {missing}"
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(schema["properties"])
            assert not extra, f"{where}: not in the schema: {extra}"
        for key, item in value.items():
            check(item, schema["properties"][key], spec, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(item, schema["items"], spec, f"{where}[{i}]")


@pytest.fixture(scope="module")
def spec(app):
    """The app's OpenAPI document."""
    return app.test_client().get("/openapi.json").get_json()


def response_schema(spec: dict, path: str, method: str, status: int) -> dict:
    """The JSON schema the document gives for one response."""
    return spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


# -- /api/ask ------------------------------------------------------------------------------------


def test_ask_answers_with_units_and_the_clause(client, spec):
    response = ask(client, "简易注销有哪些配合单位？")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    check(body, response_schema(spec, "/api/ask", "post", 200), spec)
    assert body["found"] is True and body["intent"] == "cooperate" and body["units"] == SIX
    first = body["citations"][0]
    assert CITATION_FIELDS <= set(first) and first["path"] == "二、(一)5" and "简易注销" in first["text"]
    assert first["url"] == f"/clause/{first['id']}" and client.get(first["url"]).status_code == 200
    assert {"unit": "盟工商局", "role": "lead"} in body["roles"]
    assert [r["unit"] for r in body["roles"] if r["role"] == "cooperate"] == SIX
    assert "简易注销" in body["highlight"]


def test_follow_up_in_the_same_session_keeps_the_topic(client):
    assert ask(client, "简易注销有哪些配合单位？", "api-follow-up").get_json()["units"] == SIX
    follow_up = ask(client, "那牵头单位呢？", "api-follow-up").get_json()
    assert follow_up["units"] == ["盟工商局"] and follow_up["citations"][0]["path"] == "二、(一)5"
    elsewhere = ask(client, "那牵头单位呢？", "api-other-session").get_json()  # no topic to continue
    assert elsewhere["found"] is False and elsewhere["units"] == [] and elsewhere["citations"] == []


def test_set_yes_no_and_comparison_answers_keep_the_contract(client, spec):
    schema = response_schema(spec, "/api/ask", "post", 200)
    both = ask(client, "盟工商局和盟质监局都参与的任务有哪些").get_json()
    check(both, schema, spec)
    assert both["intent"] == "set" and both["found"] is True and len(both["citations"]) == 4
    assert both["subject"] == {"units": ["盟工商局", "盟质监局"], "role": "any"}
    assert both["answer"].startswith("盟工商局、盟质监局都参与的任务共4项")
    verdict = ask(client, "简易注销是盟质监局牵头的吗").get_json()
    check(verdict, schema, spec)
    assert verdict["intent"] == "yes_no" and verdict["answer"].startswith("不是。")
    assert verdict["units"] == ["盟工商局"] and verdict["citations"][0]["path"] == "二、(一)5"
    more = ask(client, "盟工商局和盟质监局谁牵头的多").get_json()
    assert more["intent"] == "compare" and more["answer"].startswith("盟工商局牵头的多")
    intents = spec["components"]["schemas"]["Answer"]["properties"]["intent"]["examples"]
    assert {"set", "yes_no", "compare"} <= set(intents)


def test_a_unit_the_plans_lack_is_not_found_and_never_another(client):
    body = ask(client, "水务局牵头哪些工作").get_json()
    assert body["found"] is False and body["citations"] == [] and body["subject"]["units"] == []
    assert body["answer"].startswith("方案中没有名为水务局的单位") and "盟商务局" not in body["answer"]
    assert body["suggestions"] == ["盟水利局承担哪些任务？"]
    renamed = ask(client, "税务局牵头哪些工作").get_json()  # a reform's new name: its predecessors, never 盟商务局
    assert "盟国税局（现税务局）" in renamed["answer"] and "盟商务局" not in renamed["answer"]


def test_a_who_answer_says_the_roles_in_words(client):
    body = ask(client, "特种设备安全监管谁负责").get_json()
    assert body["answer"].startswith("牵头单位：盟质监局；配合单位：未列明。")


def test_question_outside_the_plans_is_not_found(client, spec):
    body = ask(client, "<script>alert(1)</script>").get_json()
    check(body, response_schema(spec, "/api/ask", "post", 200), spec)
    assert body["found"] is False and body["citations"] == [] and body["answer"]


def test_unit_tasks_cite_every_clause_of_that_role(client, assistant):
    body = ask(client, "盟质监局牵头哪些工作？").get_json()
    assert [c["id"] for c in body["citations"]] == [c.id for c in assistant.clauses if "盟质监局" in c.lead]


@pytest.mark.parametrize(
    "payload, reason",
    [
        ({}, "missing field: question"),
        ({"question": ""}, "question is empty"),
        ({"question": "   \n "}, "question is empty"),
        ({"question": 123}, "question must be a string"),
        ({"question": ["简易注销"]}, "question must be a string"),
        ({"question": None}, "missing field: question"),
        ({"question": "问" * 501}, "question is too long"),
        ({"question": "简易注销", "session_id": "s" * 201}, "session_id must be"),
        ({"question": "简易注销", "session_id": {"a": 1}}, "session_id must be"),
        (["简易注销"], "must be a JSON object"),
        ("简易注销", "must be a JSON object"),
    ],
)
def test_bad_questions_are_refused_with_a_reason(client, spec, payload, reason):
    response = client.post("/api/ask", json=payload)
    assert response.status_code == 400
    check(response.get_json(), response_schema(spec, "/api/ask", "post", 400), spec)
    assert reason in response.get_json()["error"]


def test_question_at_the_length_limit_is_answered(client):
    assert ask(client, "简易注销" + "问" * 496).status_code == 200


@pytest.mark.parametrize(
    "data, content_type, reason",
    [
        ('{"question": "简易注销"', "application/json", "not valid JSON"),
        ("", "application/json", "not valid JSON"),
        ('{"question": "简易注销"}', "text/plain", "Content-Type: application/json"),
        ("question=简易注销", "application/x-www-form-urlencoded", "Content-Type: application/json"),
    ],
)
def test_broken_json_or_wrong_content_type_is_refused(client, data, content_type, reason):
    response = client.post("/api/ask", data=data.encode("utf-8"), content_type=content_type)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert reason in response.get_json()["error"]


def test_oversized_body_and_wrong_method_get_json_errors(client, spec):
    huge = client.post(
        "/api/ask", data=b'{"question": "' + b"a" * 70_000 + b'"}', content_type="application/json"
    )
    assert huge.status_code == 413
    check(huge.get_json(), response_schema(spec, "/api/ask", "post", 413), spec)
    wrong = client.get("/api/ask")
    assert wrong.status_code == 405 and set(wrong.get_json()) == {"error"}


# -- clauses, units, health ----------------------------------------------------------------------


def test_clauses_are_every_clause_in_order(client, spec, assistant):
    body = client.get("/api/clauses").get_json()
    check(body, response_schema(spec, "/api/clauses", "get", 200), spec)
    assert [c["id"] for c in body] == [c.id for c in assistant.clauses]


def test_units_count_the_tasks_of_each_unit(client, spec, assistant):
    body = client.get("/api/units").get_json()
    check(body, response_schema(spec, "/api/units", "get", 200), spec)
    assert [row["unit"] for row in body] == list(assistant.duty_units)
    row = next(r for r in body if r["unit"] == "盟质监局")
    assert (row["lead"], row["cooperate"]) == (7, 2)


def test_one_unit_by_name_or_alias(client, spec):
    body = client.get("/api/units/质监局").get_json()
    check(body, response_schema(spec, "/api/units/{name}", "get", 200), spec)
    assert body["unit"] == "盟质监局" and len(body["lead"]) == 7 and len(body["cooperate"]) == 2
    assert "加强特种设备安全监管" in [c["title"] for c in body["lead"]]
    missing = client.get("/api/units/盟外星局")
    assert missing.status_code == 404
    check(missing.get_json(), response_schema(spec, "/api/units/{name}", "get", 404), spec)


def test_healthz_says_what_is_loaded(client, spec, assistant):
    body = client.get("/healthz").get_json()
    check(body, response_schema(spec, "/healthz", "get", 200), spec)
    assert body["status"] == "ok" and body["clauses"] == len(assistant.clauses)
    assert body["documents"] == ["锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案"]


# -- /openapi.json -------------------------------------------------------------------------------


def test_openapi_paths_match_the_apps_routes(app, spec):
    assert spec["openapi"].startswith("3.")
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert documented == routes


def test_openapi_refs_resolve_and_errors_share_one_schema(spec):
    text = repr(spec)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["Error"] == {
        "type": "object",
        "properties": {"error": {"type": "string"}},
        "required": ["error"],
        "additionalProperties": False,
    }
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response_schema(spec, path, method, int(status)) == {
                        "$ref": "#/components/schemas/Error"
                    }
    question = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["maxLength"] == 500 and question["minLength"] == 1


def test_checker_rejects_what_the_schema_does_not_allow(spec):
    """The schema checks above are only worth something if the checker fails on a mismatch."""
    with pytest.raises(AssertionError, match="missing"):
        check({}, {"$ref": "#/components/schemas/Error"}, spec)
    with pytest.raises(AssertionError, match="not in the schema"):
        check({"error": "x", "extra": 1}, {"$ref": "#/components/schemas/Error"}, spec)
    with pytest.raises(AssertionError, match="is not"):
        check({"unit": "x", "lead": True, "cooperate": 0}, {"$ref": "#/components/schemas/UnitSummary"}, spec)


# -- /api/ask's fast path (web.api.FastAsk) --------------------------------------------------------
ANSWER_FIELDS = {"answer", "found", "intent", "units", "citations", "roles", "highlight", "subject",
                 "understood_as", "suggestions", "plans"}
SECURITY = {"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"}
FLASK_JSON = "application/vnd.api+json"  # JSON to Flask (request.is_json), not to the fast path


@pytest.fixture()
def through_flask(app, monkeypatch) -> list[str]:
    """The paths of the requests that reached Flask past the fast path (a spy on the app it wraps)."""
    fast = app.wsgi_app
    assert isinstance(fast, FastAsk)  # installed outermost by create_app
    inner, seen = fast.wsgi_app, []

    def spy(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(fast, "wsgi_app", spy)
    return seen


def post_raw(client, data: bytes | str, content_type: str = "application/json", **kwargs):
    """POST /api/ask with this body as it is."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    return client.post("/api/ask", data=data, content_type=content_type, **kwargs)


def without_request_fields(body: dict) -> dict:
    """An answer body without what differs between two requests (elapsed_ms, answer_id)."""
    return {k: v for k, v in body.items() if k not in ("elapsed_ms", "answer_id")}


def test_a_question_in_json_is_answered_by_the_fast_path_with_every_field(app, client, through_flask):
    response = ask(client, "简易注销有哪些配合单位？")
    assert response.status_code == 200 and through_flask == []
    body = response.get_json()
    assert set(body) == ANSWER_FIELDS | {"elapsed_ms", "answer_id"}
    assert body["found"] is True and body["units"] == SIX and body["elapsed_ms"] >= 0
    assert CITATION_FIELDS <= set(body["citations"][0])
    assert app.extensions["log"].valid_answer_id(body["answer_id"])


def test_the_fast_path_sends_the_headers_every_response_carries(client, through_flask):
    response = ask(client, "简易注销有哪些配合单位？")
    assert through_flask == []
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_fast_path_and_flask_send_the_same_headers(client, through_flask):
    fast = ask(client, "简易注销有哪些配合单位？")
    slow = post_raw(client, '{"question": "简易注销有哪些配合单位？"}', FLASK_JSON)
    assert through_flask == ["/api/ask"]
    assert {h: fast.headers[h] for h in SECURITY} == {h: slow.headers[h] for h in SECURITY}
    assert fast.mimetype == slow.mimetype == "application/json"


def test_a_charset_in_the_content_type_still_takes_the_fast_path(client, through_flask):
    response = post_raw(client, '{"question": "简易注销有哪些配合单位？"}', "Application/JSON; charset=utf-8")
    assert response.status_code == 200 and response.get_json()["units"] == SIX and through_flask == []


@pytest.mark.parametrize("question", ["简易注销有哪些配合单位？", "盟质监局牵头哪些工作？", "特种设备谁牵头？",
                                      "明天天气怎么样？", "证照分里谁牵头"])
def test_the_fast_path_answers_as_the_flask_view_does(client, through_flask, question: str):
    payload = orjson.dumps({"question": question})
    fast = post_raw(client, payload)
    assert through_flask == []
    slow = post_raw(client, payload, FLASK_JSON)
    assert through_flask == ["/api/ask"]  # answered by the view this time
    assert fast.status_code == slow.status_code == 200
    assert without_request_fields(fast.get_json()) == without_request_fields(slow.get_json())
    assert set(fast.get_json()) == set(slow.get_json())


@pytest.mark.parametrize(
    "data, status, error",
    [
        ('{"question": ""}', 400, "question is empty"),
        ('{"question": "  "}', 400, "question is empty"),
        ('{"question": "' + "问" * 501 + '"}', 400, "question is too long (501 characters; at most 500)"),
        ('{"question": "简易注销"', 400, "the body is not valid JSON"),
        ("", 400, "the body is not valid JSON"),
        ('["简易注销"]', 400, 'the body must be a JSON object such as {"question": "…"}'),
        ('{"question": 1}', 400, "question must be a string"),
        ('{"question": "简易注销", "session_id": 4242}', 400,
         "session_id must be a string of at most 200 characters"),
        ('{"question": "简易注销", "session_id": "\\udfff"}', 400, "session_id is not valid Unicode text"),
        ('{"question": "' + "a" * 70_000 + '"}', 413, None),
    ],
)
def test_a_bad_request_falls_through_to_flask_and_its_reason(client, through_flask, data: str, status: int,
                                                             error: str | None):
    response = post_raw(client, data)
    assert response.status_code == status and response.mimetype == "application/json"
    assert through_flask == ["/api/ask"]
    body = response.get_json()
    assert set(body) == {"error"} and (error is None or body["error"] == error)


def test_a_lone_surrogate_the_fast_reader_refuses_is_read_by_flask(client, through_flask):
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads('{"session_id": "\\udfff"}')  # why it falls through: orjson refuses it
    response = post_raw(client, '{"question": "简易注销有哪些配合单位？", "session_id": "\\udfff"}')
    assert response.get_json() == {"error": "session_id is not valid Unicode text"}


def test_other_methods_and_paths_go_to_flask(client, through_flask):
    wrong = client.get("/api/ask")
    assert wrong.status_code == 405 and set(wrong.get_json()) == {"error"} and "POST" in wrong.headers["Allow"]
    assert client.get("/healthz").status_code == 200
    assert through_flask == ["/api/ask", "/healthz"]


@pytest.mark.parametrize("content_type", ["application/json", FLASK_JSON])
def test_an_error_while_answering_is_a_plain_500(app, client, through_flask, monkeypatch, caplog,
                                                 content_type: str):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(app.extensions["qa"], "ask", broken)
    response = post_raw(client, '{"question": "简易注销有哪些配合单位？"}', content_type)
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert response.get_json() == {"error": "internal error; the request was not processed"}
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret detail" not in text
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert through_flask == ([] if content_type == "application/json" else ["/api/ask"])
    logged = [r for r in caplog.records if r.exc_info and "secret detail" in str(r.exc_info[1])]
    assert logged and "/api/ask" in logged[0].getMessage()


@pytest.mark.parametrize("content_type", ["application/json", FLASK_JSON])
def test_an_answer_over_max_response_bytes_is_refused_with_503(app, client, monkeypatch, content_type: str):
    monkeypatch.setattr(app.wsgi_app, "response_limit", 100)
    monkeypatch.setitem(app.config, "MAX_RESPONSE_BYTES", 100)
    response = post_raw(client, '{"question": "简易注销有哪些配合单位？"}', content_type)
    assert response.status_code == 503
    assert response.get_json() == {"error": "the response would be larger than 100 bytes; narrow the request"}


def test_the_fast_path_checks_for_a_reload_first(app, client, through_flask, monkeypatch):
    checks = []
    monkeypatch.setattr(app.extensions["reloader"], "check", lambda: checks.append(1))
    assert ask(client, "简易注销有哪些配合单位？").status_code == 200
    assert checks == [1] and through_flask == []


def test_a_follow_up_in_a_session_through_the_fast_path(client, through_flask):
    first = ask(client, "简易注销由哪个单位牵头？", "fast-follow-up").get_json()
    follow_up = ask(client, "那配合单位呢？", "fast-follow-up").get_json()
    assert through_flask == []
    assert first["units"] == ["盟工商局"] and follow_up["intent"] == "cooperate" and follow_up["units"] == SIX
    assert follow_up["citations"][0]["id"] == first["citations"][0]["id"]
    assert ask(client, "那配合单位呢？", "fast-other-session").get_json()["found"] is False


def test_api_and_wechat_sessions_of_the_same_name_are_apart(app, client):
    ask(client, "简易注销由哪个单位牵头？", "shared-name")
    assert app.extensions["qa"].ask("那配合单位呢？", "shared-name").found is False  # not "api:shared-name"


def test_the_fast_path_makes_links_under_the_script_name(client, through_flask):
    # environ_overrides: the test client sets SCRIPT_NAME itself, over what environ_base gives
    response = ask(client, "简易注销有哪些配合单位？", environ_overrides={"SCRIPT_NAME": "/qa"})
    citations = response.get_json()["citations"]
    assert through_flask == [] and citations
    assert all(c["url"] == f"/qa/clause/{c['id']}" for c in citations)
    plain = ask(client, "简易注销有哪些配合单位？").get_json()["citations"]
    assert all(c["url"] == f"/clause/{c['id']}" for c in plain)  # the same answer, kept apart per root


def test_a_non_ascii_script_name_gives_the_same_links_as_flask(client, through_flask):
    """WSGI passes SCRIPT_NAME as latin-1 text of its UTF-8 bytes: both paths decode it alike."""
    wsgi_root = "/问答".encode().decode("latin-1")  # how a WSGI server passes it (PEP 3333)
    payload = '{"question": "简易注销有哪些配合单位？"}'
    fast = post_raw(client, payload, environ_overrides={"SCRIPT_NAME": wsgi_root}).get_json()
    slow = post_raw(client, payload, FLASK_JSON, environ_overrides={"SCRIPT_NAME": wsgi_root}).get_json()
    assert through_flask == ["/api/ask"]
    assert fast["citations"][0]["url"] == slow["citations"][0]["url"]
    assert fast["citations"][0]["url"].startswith("/问答/clause/")


# -- a body over MAX_CONTENT_LENGTH, chunked or not, through the real servers (#23, 14) ----------------
def send_raw(port: int, request: bytes) -> tuple[int, dict]:
    """(status, JSON body) of one raw HTTP/1.1 request on a connection of its own."""
    import json
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=20) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def http_post(path: str, body: bytes, chunked: bool) -> bytes:
    """A POST of a JSON body, sent chunked (8 KB chunks) or with its Content-Length."""
    head = f"POST {path} HTTP/1.1\r\nHost: qa\r\nContent-Type: application/json\r\nConnection: close\r\n"
    if not chunked:
        return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 8192]), body[i:i + 8192])
                      for i in range(0, len(body), 8192))
    return f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + chunks + b"0\r\n\r\n"


def body_of(size: int) -> bytes:
    """A JSON question body of exactly `size` bytes."""
    frame = b'{"question": "%s"}'
    return frame % (b"a" * (size - len(frame) + 2))


@pytest.fixture(scope="module", params=["waitress", "gunicorn"])
def real_server(request, tmp_path_factory):
    """`python app.py` (waitress, web/server.py) and gunicorn as deployed (gunicorn.conf.py)."""
    from bench.server import serving

    with serving(request.param, tmp_path_factory.mktemp(request.param), workers=1,
                 env={"INSTANCE_DIR": str(tmp_path_factory.mktemp("instance"))}) as server:
        yield server


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", ["/api/ask", "/api/feedback"])
def test_any_body_over_the_limit_is_a_413_through_the_real_server(real_server, path, chunked):
    limit = 64 * 1024
    for size in (limit + 1, 3 * limit):
        status, body = send_raw(real_server.port, http_post(path, body_of(size), chunked))
        assert status == 413 and body["error"], (size, body)
    status, body = send_raw(real_server.port, http_post(path, body_of(limit), chunked))  # at the limit: read
    assert status == 400 and ("too long" if path == "/api/ask" else "answer_id") in body["error"], body
    question = '{"question": "简易注销谁牵头"}'.encode()
    status, body = send_raw(real_server.port, http_post("/api/ask", question, chunked))
    assert status == 200 and body["found"]


# -- several plans at once (issue 21) ---------------------------------------------------------------
@pytest.fixture(scope="module")
def both_client(both_plans, tmp_path_factory):
    """A client of the app over the shipped plan and the Sanya plan."""
    from web import create_app

    state = tmp_path_factory.mktemp("both-state") / "state.sqlite3"
    return create_app({"CORPUS_DIR": str(both_plans), "STATE_DB": str(state), "TESTING": True}).test_client()


def test_a_topic_both_plans_hold_is_answered_by_each_with_its_own_units(both_client):
    body = both_client.post("/api/ask", json={"question": "公平竞争审查谁牵头？"}).get_json()
    ids = [p["id"] for p in body["plans"]]
    assert ids == ["plan", "sanya-2023-business-environment-plan"], body["plans"]  # the better match first
    assert [c["plan"] for c in body["citations"][:2]] == ids
    first, second = body["citations"][:2]
    assert body["units"] == first["lead"] and set(body["units"]).isdisjoint(second["lead"])
    assert "2个方案" in body["answer"] and "【三亚市】" in body["answer"] and "【锡林郭勒盟】" in body["answer"]
    assert all({"id", "title", "short"} <= set(p) for p in body["plans"])


def test_a_plan_chosen_or_named_answers_from_it_alone(both_client):
    for payload in ({"question": "公平竞争审查谁牵头？", "plan": "锡盟"},
                    {"question": "公平竞争审查谁牵头？", "plan": "plan"},
                    {"question": "锡林郭勒盟的公平竞争审查谁牵头？"},
                    {"question": "公平竞争审查谁牵头？", "plan": "三亚", "session_id": "x"} | {"question": "锡盟方案里公平竞争审查谁牵头？"}):
        body = both_client.post("/api/ask", json=payload).get_json()
        assert body["found"] and {c["plan"] for c in body["citations"]} == {"plan"}, (payload, body["plans"])
        assert [p["id"] for p in body["plans"]] == ["plan"]
    body = both_client.post("/api/ask", json={"question": "公平竞争审查谁牵头？", "plan": "全部"}).get_json()
    assert len(body["plans"]) == 2


def test_a_follow_up_keeps_the_plan_its_question_named(both_client):
    first = both_client.post("/api/ask", json={"question": "三亚的公平竞争审查谁牵头？", "session_id": "plans-1"})
    assert {c["plan"] for c in first.get_json()["citations"]} == {"sanya-2023-business-environment-plan"}
    then = both_client.post("/api/ask", json={"question": "那配合单位呢？", "session_id": "plans-1"}).get_json()
    assert then["found"] and {c["plan"] for c in then["citations"]} == {"sanya-2023-business-environment-plan"}


@pytest.mark.parametrize("plan, status", [("天津", 404), (5, 400), (["plan"], 400), ("x" * 201, 400)])
def test_a_plan_no_loaded_plan_answers_to_is_not_found_and_a_bad_one_a_400(both_client, plan, status):
    response = both_client.post("/api/ask", json={"question": "公平竞争审查谁牵头？", "plan": plan})
    assert response.status_code == status and response.get_json()["error"]
    if plan == "天津":
        assert "没有名为“天津”的方案" in response.get_json()["error"]
