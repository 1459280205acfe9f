"""Corrections beside a plan win everywhere: the answer, the matrix, the CSV, the API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import Assistant, StateStore
from qa.reading.corrections import apply_corrections, corrections_path, load_corrections
from qa.reading.units import UnitDirectory

ROOT = Path(__file__).resolve().parent.parent
FIX = """clauses:
  - key: 全面实施企业简易注销登记
    lead: [盟市场监督管理局]
    cooperate: [盟税务局]
    deadline: 2025年底前
  - id: no-such-id
    lead: [盟财政局]
  - {lead: [盟财政局]}
"""


@pytest.fixture()
def corrected(tmp_path):
    shutil.copy(ROOT / "corpus" / "plan.txt", tmp_path)
    (tmp_path / "plan.corrections.yaml").write_text(FIX, encoding="utf-8")
    return tmp_path


def test_the_path_stands_beside_the_plan(tmp_path):
    assert corrections_path(tmp_path / "plan.txt") == tmp_path / "plan.corrections.yaml"
    assert corrections_path(tmp_path / "a.b.docx").name == "a.b.corrections.yaml"


def test_a_correction_wins_in_answers(corrected):
    assistant = Assistant.from_folder(corrected, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    answer = assistant.ask("简易注销由哪个单位牵头？")
    assert answer.units == ("盟市场监督管理局",)
    assert assistant.ask("简易注销有哪些配合单位？").units == ("盟税务局",)
    fixed = next(c for c in assistant.clauses if "全面实施企业简易注销登记" in c.text)
    assert fixed.deadline == "2025年底前" and fixed in assistant.tasks_of("盟市场监督管理局")["lead"]


def test_malformed_and_stale_corrections_are_warned_about(corrected):
    assistant = Assistant.from_folder(corrected, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    warnings = "\n".join(assistant.warnings)
    assert "no-such-id" in warnings and "names no clause" in warnings


def test_a_correction_wins_in_the_matrix_csv_and_api(corrected, tmp_path):
    from web import create_app

    app = create_app({"CORPUS_DIR": str(corrected), "STATE_DB": str(tmp_path / "s.db"), "TESTING": True})
    client = app.test_client()
    assert "盟税务局" in client.get("/units.csv?q=简易注销").get_data(as_text=True)
    assert client.get("/api/units/盟市场监督管理局").get_json()["lead"]


def test_a_key_in_several_clauses_is_not_applied(tmp_path):
    from qa.records import Clause

    clauses = [Clause(str(i), "d", "s.txt", "", "", "同一句话", "paragraph") for i in range(2)]
    path = tmp_path / "s.corrections.yaml"
    path.write_text("clauses:\n  - {key: 同一句话, lead: [某局]}\n", encoding="utf-8")
    fixed, unmatched = apply_corrections(clauses, load_corrections(path, UnitDirectory(), []), "s.txt")
    assert fixed == clauses and "2 clauses" in unmatched[0]


def test_a_broken_corrections_file_is_skipped(tmp_path):
    path = tmp_path / "s.corrections.yaml"
    path.write_text("clauses: {oops", encoding="utf-8")
    warnings: list[str] = []
    assert load_corrections(path, UnitDirectory(), warnings) == [] and "s.corrections.yaml" in warnings[0]
