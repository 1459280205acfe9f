"""The JSON API: /api/ask's contract and its errors, clauses, units, health,
and /openapi.json against the app."""

from __future__ import annotations

import re

import pytest

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
