"""The application factory: settings, a damaged corpus, errors that are never a bare 500."""

from __future__ import annotations

import shutil
from pathlib import Path

from web import create_app

ROOT = Path(__file__).resolve().parent.parent


def test_config_dict_overrides(tmp_path):
    app = create_app(
        {"CORPUS_DIR": str(tmp_path), "STATE_DB": str(tmp_path / "s.db"), "MAX_QUESTION_LENGTH": 20}
    )
    assert app.config["MAX_QUESTION_LENGTH"] == 20 and not app.debug
    response = app.test_client().post("/api/ask", json={"question": "简" * 21})
    assert response.status_code == 400 and "too long" in response.get_json()["error"]


def test_damaged_corpus_starts_and_says_what_was_skipped(tmp_path):
    shutil.copy(ROOT / "corpus" / "plan.txt", tmp_path / "plan.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "units.yaml").write_text("units: [unclosed\n", encoding="utf-8")
    (tmp_path / "terms.yaml").write_text("- just a list\n", encoding="utf-8")
    app = create_app({"CORPUS_DIR": str(tmp_path), "STATE_DB": str(tmp_path / "s.db")})
    client = app.test_client()
    warnings = client.get("/healthz").get_json()["warnings"]
    for name in ("empty.txt", "image.txt", "broken.docx", "units.yaml", "terms.yaml"):
        assert any(name in w for w in warnings), name
    answer = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()
    assert answer["found"] and len(answer["units"]) == 6


def test_missing_corpus_folder_starts_and_refuses(tmp_path):
    app = create_app({"CORPUS_DIR": str(tmp_path / "nowhere"), "STATE_DB": str(tmp_path / "s.db")})
    client = app.test_client()
    assert any("does not exist" in w for w in client.get("/healthz").get_json()["warnings"])
    assert client.post("/api/ask", json={"question": "简易注销"}).get_json()["found"] is False


def test_errors_are_json_with_a_reason(client):
    assert client.get("/api/nothing").get_json()["error"]
    response = client.get("/api/ask")
    assert response.status_code == 405 and response.get_json()["error"]
    response = client.post("/api/ask", data=b"x" * (70 * 1024), content_type="application/json")
    assert response.status_code == 413 and response.get_json()["error"]


def test_security_headers(client):
    response = client.get("/healthz")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
