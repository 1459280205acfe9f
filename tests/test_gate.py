"""The slots of costly requests (web/gate.py): with every slot taken, a matrix page, a download or an upload
is refused at once (503, Retry-After), while answers and the chat page go on; a slot is given back after
every request, a failed one too."""

from __future__ import annotations

import pytest

from web import create_app
from web.gate import HEAVY_ENDPOINTS, Gate


@pytest.fixture()
def app(tmp_path):
    return create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "TESTING": True})


def test_with_the_slot_taken_costly_requests_are_refused_and_answers_go_on(app):
    client, gate = app.test_client(), app.extensions["gate"]
    held = gate.enter()  # another worker's download, say
    assert held is not None and held >= 0
    try:
        page = client.get("/units")
        assert page.status_code == 503 and page.headers["Retry-After"] == "2"
        assert "请 2 秒后重试" in page.get_data(as_text=True) and page.headers["Refresh"] == "2"
        api = client.get("/api/units")
        assert api.status_code == 503 and "请 2 秒后重试" in api.get_json()["error"]
        assert "Refresh" not in api.headers  # a program reads Retry-After itself
        assert client.get("/units.xlsx").status_code == 503
        answer = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"})
        assert answer.status_code == 200 and answer.get_json()["found"]
        assert client.get("/").status_code == 200 and client.get("/healthz").status_code == 200
    finally:
        Gate.leave(held)
    assert client.get("/units").status_code == 200


def test_a_slot_is_given_back_after_every_request(app):
    client = app.test_client()
    for path in ("/units", "/units/盟质监局", "/units/no-such-unit", "/plan", "/units.csv", "/api/clauses"):
        client.get(path)
        fd = app.extensions["gate"].enter()  # free again
        assert fd is not None and fd >= 0, path
        Gate.leave(fd)


def test_two_slots_take_two_requests(tmp_path):
    gate = Gate(tmp_path, 2)
    first, second = gate.enter(), gate.enter()
    assert first is not None and second is not None and gate.enter() is None
    Gate.leave(first)
    third = gate.enter()
    assert third is not None
    Gate.leave(second)
    Gate.leave(third)


def test_no_limit_and_bad_settings(tmp_path):
    assert Gate(tmp_path, 0).enter() == -1
    with pytest.raises(ValueError, match="HEAVY_REQUESTS"):
        Gate(tmp_path, -1)


def test_every_costly_endpoint_exists(app):
    assert HEAVY_ENDPOINTS <= {rule.endpoint for rule in app.url_map.iter_rules()}
