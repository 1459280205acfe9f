"""The command line, run as users run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_ask_in_the_terminal():
    result = run("ask", "简易注销有哪些配合单位？")
    assert result.returncode == 0
    assert "盟环保局" in result.stdout and "二、(一)5" in result.stdout


def test_clauses_as_json(both_plans):
    result = run("clauses", "--json", "--corpus", str(both_plans))
    clauses = json.loads(result.stdout)
    assert {"id", "doc", "path", "title", "text", "lead", "cooperate", "deadline"} <= set(clauses[0])
    assert len({c["doc"] for c in clauses}) == 2
    easy = [c for c in clauses if "全面实施企业简易注销登记" in c["text"]][0]
    assert easy["path"] == "二、(一)5" and easy["lead"] == ["盟工商局"]


def test_clauses_as_a_tree():
    result = run("clauses")
    assert result.returncode == 0 and "牵头: 盟工商局" in result.stdout and "二、(一)5" in result.stdout


def test_eval_prints_rates_and_latency():
    result = run("eval", "tests/questions/xilingol.yaml")
    assert "latency per question" in result.stdout and "passed" in result.stdout


def test_corrupt_file_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "plan.txt").write_text(
        (ROOT / "corpus" / "plan.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    result = run("ask", "简易注销有哪些配合单位？", "--corpus", str(tmp_path))
    assert result.returncode == 0 and "broken.docx" in result.stderr and "盟环保局" in result.stdout


def test_ask_through_the_runner(runner):
    from web.cli import cli

    result = runner.invoke(cli, ["ask", "简易注销有哪些配合单位？", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["intent"] == "cooperate" and "盟环保局" in body["units"]


def test_unanswerable_question_exits_1(runner):
    from web.cli import cli

    result = runner.invoke(cli, ["ask", "今天天气怎么样？"])
    assert result.exit_code == 1 and "没有找到" in result.output


def test_eval_min_fails_below_the_floor(runner, tmp_path):
    from web.cli import cli

    questions = tmp_path / "set.yaml"
    questions.write_text("- {q: 今天天气怎么样？, type: lead, key: 不存在的条款}\n", encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(questions), "--min", "0.5"])
    assert result.exit_code == 1 and "passed 0/1" in result.output


def test_unknown_command_is_a_usage_error():
    result = run("no-such-command")
    assert result.returncode == 2 and "No such command" in result.stderr


def test_default_command_is_serve_and_its_help_names_the_flags():
    result = run("--help")
    assert result.returncode == 0 and "serve" in result.stdout and "ask" in result.stdout
    result = run("serve", "--help")
    assert "--port" in result.stdout and "--corpus" in result.stdout


def test_help_lists_each_commands_whole_description():
    result = run("--help")
    commands = result.stdout.split("Commands:")[1]
    assert result.returncode == 0 and "..." not in commands
    said = " ".join(commands.split())  # wrapped to the terminal's width, never cut
    assert "Answer a question in the terminal (exit 1 when the plans hold no answer, 2 for an unknown --plan)." in said
    assert "Set the admin password (/admin): a salted hash is kept in the instance folder, never the password." \
        in said


def serve_until(env: dict, marker: str) -> str:
    """Start `python app.py` with `env`, return what it printed up to the line holding `marker`, stop it."""
    import os
    import signal
    import threading

    from services import free_port

    process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(free_port())], cwd=ROOT,
                               env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    printed = []
    stop = threading.Timer(60, process.send_signal, [signal.SIGINT])  # the marker never printed: end it anyway
    stop.start()
    try:
        for line in process.stdout:
            printed.append(line)
            if marker in line:
                break
    finally:
        stop.cancel()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return "".join(printed)


def test_start_up_names_the_admin_pages_and_how_to_set_their_password(tmp_path):
    env = {"INSTANCE_DIR": str(tmp_path), "STATE_DB": str(tmp_path / "state.sqlite3"), "INDEX_SNAPSHOT": "",
           "LOG_URL": ""}
    printed = serve_until(env, "管理后台")
    assert "Serving on http://127.0.0.1:" in printed
    line = printed.splitlines()[-1]
    assert line.startswith("管理后台：http://127.0.0.1:") and "/admin/" in line
    assert "尚未设置管理密码" in line and "python app.py set-password" in line
    subprocess.run([sys.executable, str(ROOT / "app.py"), "set-password", "--stdin"], cwd=ROOT, input="一个足够长的密码\n",
                   text=True, check=True, capture_output=True, env={**__import__("os").environ, **env})
    line = serve_until(env, "管理后台").splitlines()[-1]
    assert line.startswith("管理后台：") and "尚未设置" not in line


def test_check_of_a_folder_without_plans_says_so_in_chinese(tmp_path):
    result = run("check", "--corpus", str(tmp_path))
    assert result.returncode == 1
    last = result.stdout.strip().splitlines()
    assert last[-2].startswith("没有读到方案：") and last[-1] == "0 份方案，0 个问题"


def test_ask_of_one_plan_with_plan(runner, both_plans):
    """--plan asks one plan of several; an unknown plan is a clear error with exit 2."""
    from web.cli import cli

    both = json.loads(runner.invoke(cli, ["ask", "公平竞争审查谁牵头？", "--json", "--corpus", str(both_plans)]).output)
    assert len(both["plans"]) == 2
    result = runner.invoke(cli, ["ask", "公平竞争审查谁牵头？", "--json", "--plan", "锡盟", "--corpus", str(both_plans)])
    assert result.exit_code == 0, result.output
    one = json.loads(result.output)
    assert len(one["plans"]) == 1 and one["units"] == ["盟发改委"]
    unknown = runner.invoke(cli, ["ask", "公平竞争审查谁牵头？", "--plan", "天津", "--corpus", str(both_plans)])
    assert unknown.exit_code == 2 and "天津" in unknown.output
