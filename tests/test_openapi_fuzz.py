"""The JSON API fuzzed from its own /openapi.json (schemathesis): no 500, every error says why."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import fuzz_settings

FUZZ = fuzz_settings(100)
# Checks that known bugs fail; add one here (with a test of its own) only while its bug is being fixed.
KNOWN_BUGS: list = []


def error_has_a_reason(ctx, response, case) -> None:
    """Every refusal under /api/ is JSON with a non-empty "error" string (elsewhere: when it is JSON)."""
    if response.status_code < 400:
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        if not case.operation.path.startswith("/api/"):
            return  # /healthz and /openapi.json refuse a wrong method with Flask's HTML page
        raise AssertionError(
            f"{response.status_code} without a JSON body: {response.content[:200]!r}"
        ) from None
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"].strip(), (
        f"{response.status_code} without an error reason: {body!r}"
    )


@pytest.fixture(scope="module")
def api_schema(app):
    """The app's own OpenAPI document, its operations called in-process (WSGI)."""
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_api_follows_its_openapi_document(case):
    # the default checks: no 5xx, documented status codes, content types and response schemas,
    # refusing what the document does not allow and accepting what it does
    case.call_and_validate(additional_checks=[error_has_a_reason], excluded_checks=KNOWN_BUGS)


# -- what the document's schemas cannot express: raw bodies ---------------------------------------

# JSON texts no schema-driven generator writes: lone surrogates, controls, deep nesting, huge numbers.
ODD_VALUES = [
    '"\\u0000"',
    '"a\\u202eb"',
    "1e999",
    "-0",
    "[" * 500 + "]" * 500,
    '{"question": "x"}',
    "null",
    "true",
    '"' + "长" * 600 + '"',
    '"  \\t\\n "',
    '"简易注销谁牵头？"',
]
# Lone surrogates only as questions while a session_id holding one fails (test_session_id_with_a_lone_surrogate…).
QUESTIONS = ['"\\ud800"', '"\\udfff简易注销"', *ODD_VALUES]
raw_body = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda q, s: ('{"question": %s, "session_id": %s}' % (q, s)).encode(),
        st.sampled_from(QUESTIONS),
        st.sampled_from(ODD_VALUES),
    ),
    st.builds(lambda q: ('{"question": %s}' % q).encode(), st.sampled_from(QUESTIONS)),
)


@FUZZ
@given(
    body=raw_body,
    content_type=st.sampled_from(
        [
            "application/json",
            "application/json; charset=gbk",
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
        ]
    ),
)
def test_ask_never_fails_on_a_raw_body(client, body, content_type):
    response = client.post("/api/ask", data=body, content_type=content_type or None)
    assert response.status_code in (200, 400, 413, 415), response.status_code
    if response.status_code != 200:
        assert response.is_json and response.get_json()["error"].strip()


# -- bugs this fuzzing found, each in its smallest form ------------------------------------------


def test_session_id_with_a_lone_surrogate_is_not_a_500(client):
    response = client.post(
        "/api/ask",
        data='{"question": "简易注销谁牵头？", "session_id": "\\udfff"}',
        content_type="application/json",
    )
    assert response.status_code in (200, 400) and response.is_json


def test_405_says_which_methods_are_allowed(client):
    response = client.open("/api/ask", method="TRACE")
    assert response.status_code == 405 and "POST" in response.headers.get("Allow", "")


def test_boolean_session_id_is_refused(client):
    response = client.post("/api/ask", json={"question": "简易注销谁牵头？", "session_id": True})
    assert response.status_code == 400 and "session_id" in response.get_json()["error"]


def test_blank_question_is_refused_by_the_document_too(client):
    question = client.get("/openapi.json").get_json()["components"]["schemas"]["AskRequest"]["properties"][
        "question"
    ]
    assert client.post("/api/ask", json={"question": "\f"}).status_code == 400
    assert not jsonschema_rs.validator_for(question).is_valid("\f")
