"""Attacks and accidents from issue #15, each reproduced: bombs in the corpus, oversized files and responses,
deeply nested JSON, a Host header in redirects, a replayed WeChat URL, a huge PUBLIC_BASE_URL, link loops,
warnings logged once."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from qa.reading.knowledge import load_units
from qa.reading.limits import ReadingLimits
from qa.reading.sources import read_corpus
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "attack-test-token"
# 569 bytes that PyYAML's merge keys would build into gigabytes: nine levels of nine references each.
MERGE_BOMB = "a: &a {x: 1, y: 2}\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} {{" + ", ".join(f"<<: *{chr(97 + n)}" if i == 0 else f"k{i}: *{chr(97 + n)}"
                                               for i in range(9)) + "}\n" for n in range(8)) + "units: *i\n"


def test_a_yaml_merge_key_bomb_is_skipped_at_once(tmp_path):
    (tmp_path / "units.yaml").write_text(MERGE_BOMB, encoding="utf-8")
    warnings: list[str] = []
    started = time.monotonic()
    units = load_units(tmp_path, warnings)
    assert time.monotonic() - started < 1.0
    assert units.canonical_names == set() and "YAML aliases" in warnings[0] and "units.yaml" in warnings[0]


def test_an_oversized_yaml_file_is_skipped(tmp_path):
    (tmp_path / "units.yaml").write_text("units:\n" + "  某局: [甲]\n" * 2000, encoding="utf-8")
    warnings: list[str] = []
    load_units(tmp_path, warnings, ReadingLimits(yaml_bytes=1000))
    assert "larger than 1000 bytes" in warnings[0]


def test_a_docx_bomb_is_skipped_without_unpacking_it(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            chunk = b" " * (1 << 20)
            for _ in range(120):  # 120 MB of spaces, packed to ~120 KB
                part.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    sources, warnings = read_corpus(tmp_path)
    assert time.monotonic() - started < 2.0
    assert sources == [] and "bomb.docx" in warnings[0] and "allowed" in warnings[0]


def test_an_oversized_plan_is_skipped_with_the_limit(tmp_path):
    (tmp_path / "huge.txt").write_bytes("一、任务\n".encode() * 300_000)
    sources, warnings = read_corpus(tmp_path, ReadingLimits(plan_bytes=1024 * 1024))
    assert sources == [] and "huge.txt" in warnings[0] and "1048576" in warnings[0]


def test_a_link_loop_is_skipped_with_a_warning(tmp_path):
    shutil.copy(ROOT / "corpus" / "plan.txt", tmp_path)
    os.symlink(tmp_path / "loop-b.txt", tmp_path / "loop-a.txt")
    os.symlink(tmp_path / "loop-a.txt", tmp_path / "loop-b.txt")
    sources, warnings = read_corpus(tmp_path)
    assert [s.name for s in sources] == ["plan.txt"]
    assert sorted(w.split(":")[0] for w in warnings) == ["skipped loop-a.txt", "skipped loop-b.txt"]


def test_each_corpus_warning_is_logged_once(tmp_path, caplog):
    shutil.copy(ROOT / "corpus" / "plan.txt", tmp_path)
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 garbage")
    with caplog.at_level(logging.WARNING):
        create_app({"CORPUS_DIR": str(tmp_path), "STATE_DB": str(tmp_path / "s.db"), "TESTING": True})
    assert caplog.text.count("broken.docx") == 1


@pytest.fixture()
def client(tmp_path):
    app = create_app({"STATE_DB": str(tmp_path / "s.db"), "WECHAT_TOKEN": TOKEN, "TESTING": True,
                      "MAX_RESPONSE_BYTES": 50_000})
    return app.test_client()


def test_deeply_nested_json_is_a_400(client):
    for body in ("[" * 1000 + "]" * 1000, '{"question": ' + "[" * 5000 + "]" * 5000 + "}"):
        response = client.post("/api/ask", data=body, content_type="application/json")
        assert response.status_code == 400 and "error" in response.get_json()


def test_a_response_over_the_limit_is_refused_not_sent(client):
    response = client.get("/api/clauses")  # every clause of the plan: about 60 KB
    assert response.status_code == 503 and "larger than 50000 bytes" in response.get_json()["error"]
    assert client.get("/api/units").status_code == 200


def test_redirects_never_name_the_clients_host(client):
    for path in ("/units//盟工商局", "/units/工商局"):
        response = client.get(path, headers={"Host": "evil.example.com"})
        assert 300 <= response.status_code < 400
        assert response.headers["Location"].startswith("/units/") and "evil" not in response.headers["Location"]


def test_a_signed_plain_mode_url_cannot_carry_another_body(client):
    from bench.client import wechat_message, wechat_query

    query = wechat_query(TOKEN)
    first = wechat_message("u-replay", "简易注销由哪个单位牵头？", 501)
    assert client.post(f"/wechat?{query}", data=first, content_type="text/xml").status_code == 200
    resend = client.post(f"/wechat?{query}", data=first, content_type="text/xml")  # the platform's own resend
    assert resend.status_code == 200
    forged = wechat_message("u-replay", "盟质监局牵头哪些工作？", 502)
    assert client.post(f"/wechat?{query}", data=forged, content_type="text/xml").status_code == 403


def test_an_overlong_public_base_url_stops_start_up_with_a_clear_message(tmp_path):
    base = "https://qa.example.org/" + "x" * 2000
    with pytest.raises(ValueError, match="at most 200 characters"):
        create_app({"STATE_DB": str(tmp_path / "s.db"), "PUBLIC_BASE_URL": base, "WECHAT_TOKEN": TOKEN})
    env = dict(os.environ, PUBLIC_BASE_URL=base, STATE_DB=str(tmp_path / "s.db"), PORT="1")
    done = subprocess.run([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and "at most 200 characters" in done.stderr and "Traceback" not in done.stderr
