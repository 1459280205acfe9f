"""The question log: what it keeps of each question and channel, feedback, pruning, a failing database, and
that writing it never slows an answer. SQLite always; PostgreSQL too where its server is installed."""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete, event, insert, select

from qa import Answer, Clause, Intent
from web import create_app
from web.log_schema import questions as question_table
from web.question_log import (
    CHANNELS,
    INSERT_ROWS,
    QuestionLog,
    _local_day_of_quarter,
    _Row,
    digest,
    local_day,
    record_answer,
    utcnow,
)

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"s" * 32
CLAUSE = Clause(
    "028a20-31",
    "方案",
    "plan.txt",
    "二、(一)5",
    "完善市场主体退出机制",
    "全面实施企业简易注销登记",
    "paragraph",
    lead=("盟工商局",),
    cooperate=("盟环保局",),
)
FOUND = Answer("配合单位：盟环保局。", True, Intent.COOPERATE, units=("盟环保局",), citations=(CLAUSE,))
REFUSED = Answer("方案中没有找到与这个问题相关的内容。", False, Intent.CONTENT)


@pytest.fixture()
def qlog(tmp_path):
    """A log on a SQLite file of its own."""
    question_log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", SECRET)
    yield question_log
    question_log.close()


# -- construction -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"url": "log.sqlite3"}, "log.sqlite3"),
        ({"url": ""}, "''"),
        ({"days": 0}, "0"),
        ({"days": "180"}, "'180'"),
        ({"queue_size": 0}, "0"),
        ({"secret": b"short"}, "5"),
        ({"url": "nosuchdb://x/y"}, "nosuchdb"),
    ],
)
def test_bad_settings_are_refused_naming_the_value(tmp_path, kwargs, named):
    settings = {"url": f"sqlite:///{tmp_path / 'log.sqlite3'}", "secret": SECRET, **kwargs}
    with pytest.raises(ValueError, match=named.replace("(", r"\(")):
        QuestionLog(**settings)


def test_a_bad_log_url_stops_the_app_at_start_naming_it(tmp_path):
    with pytest.raises(ValueError, match="LOG_URL"):
        create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "LOG_URL": "not a url"})


# -- what a row holds -------------------------------------------------------------------------------
def test_a_question_is_logged_with_its_fields(qlog):
    answer_id = qlog.record("简易注销有哪些配合单位？", FOUND, "api", 2.5)
    assert qlog.flush()
    row = qlog.row(answer_id)
    assert row["question"] == "简易注销有哪些配合单位？" and row["channel"] == "api"
    assert row["intent"] == "cooperate" and row["found"] is True
    assert row["top_clause"] == "028a20-31" and row["top_title"] == "二、(一)5 完善市场主体退出机制"
    assert row["latency_ms"] == 2.5 and row["vote"] is None and row["user_hash"] == ""
    assert abs((row["asked_at"] - utcnow()).total_seconds()) < 60 and row["day"] == local_day(row["asked_at"])


def test_answer_ids_are_signed_so_any_worker_tells_a_real_one(qlog, tmp_path):
    answer_id = qlog.record("q", FOUND, "web", 1)
    assert qlog.valid_answer_id(answer_id) and len(answer_id) == 40
    forged = answer_id[:24] + ("0" if answer_id[24] != "0" else "1") + answer_id[25:]
    assert not qlog.valid_answer_id(forged) and not qlog.valid_answer_id("x" * 40)
    assert not qlog.valid_answer_id("x" * 32) and not qlog.valid_answer_id(answer_id[:-1])
    earlier = "0123456789abcdef"  # an id of before: 16 random characters and their signature
    assert qlog.valid_answer_id(earlier + qlog._sign(earlier))
    assert not qlog.valid_answer_id(None) and not qlog.valid_answer_id(answer_id + "0")
    other = QuestionLog(f"sqlite:///{tmp_path / 'other.sqlite3'}", b"t" * 32)
    assert not other.valid_answer_id(answer_id)  # another installation's secret
    other.close()


def test_answer_ids_grow_with_time_and_never_repeat(qlog):
    ids = [qlog.new_answer_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert [i[:12] for i in ids] == sorted(i[:12] for i in ids)  # the log's index is written at its end


def test_forked_workers_never_hand_out_the_same_ids(qlog):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a preloaded gunicorn worker: the parent's generator state, reseeded at the fork
        os.write(write, ",".join(qlog.new_answer_id()[12:24] for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    mine = {qlog.new_answer_id()[12:24] for _ in range(50)}
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        theirs = set(pipe.read().split(","))
    assert len(theirs) == 50 and not mine & theirs


def test_unknown_channel_is_a_bug_not_a_row(qlog):
    with pytest.raises(ValueError, match="'sms'"):
        qlog.record("q", FOUND, "sms", 1)


def test_odd_text_is_stored_and_never_stops_the_writer(qlog):
    first = qlog.record("\udfff简易注销\x00谁牵头", FOUND, "api", 1)
    second = qlog.record("=cmd|' /C calc'!A0", REFUSED, "api", 1)
    assert qlog.flush()
    assert qlog.row(first)["question"] == "?简易注销谁牵头"
    assert qlog.row(second)["found"] is False
    assert qlog.health()["status"] == "ok"


def test_wechat_user_ids_are_kept_hashed(qlog):
    one = qlog.record("q1", FOUND, "wechat", 1, user="oUser-openid-1")
    two = qlog.record("q2", FOUND, "wechat", 1, user="oUser-openid-1")
    three = qlog.record("q3", FOUND, "wecom", 1, user="oUser-openid-1")
    assert qlog.flush()
    hashes = [qlog.row(a)["user_hash"] for a in (one, two, three)]
    assert hashes[0] == hashes[1] != hashes[2]  # the same user on one platform: one hash
    assert all(len(h) == 24 and "oUser" not in h for h in hashes)


# -- feedback ---------------------------------------------------------------------------------------
def test_feedback_attaches_to_its_answer_and_the_last_vote_counts(qlog):
    answer_id = qlog.record("q", FOUND, "web", 1)
    other = qlog.record("q", FOUND, "web", 1)
    assert qlog.feedback(answer_id, "down", "漏了一个单位")
    assert qlog.feedback(answer_id, "up", "")
    assert not qlog.feedback("0" * 32, "up")
    assert qlog.flush()
    row = qlog.row(answer_id)
    assert row["vote"] == "up" and row["comment"] is None and row["voted_at"] is not None
    assert qlog.row(other)["vote"] is None
    with pytest.raises(ValueError, match="'meh'"):
        qlog.feedback(answer_id, "meh")


def test_a_vote_that_arrives_before_its_row_waits_for_it(tmp_path):
    """Another worker's row may reach the database after the vote: the vote waits for it."""
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    first, second = QuestionLog(url, SECRET), QuestionLog(url, SECRET)
    answer_id = first.new_answer_id()
    assert second.feedback(answer_id, "down", "不对")
    assert second.flush(0.5) is False  # held: no row yet
    first._put(_Row(answer_id, utcnow(), "web", "", "q", FOUND, 1.0))  # as record() would, with that id
    assert first.flush() and second.flush(5)
    assert first.row(answer_id)["vote"] == "down"
    first.close()
    second.close()


# -- reading ----------------------------------------------------------------------------------------
def test_views_unanswered_disliked_most_asked_and_per_day(qlog):
    for _ in range(3):
        qlog.record("简易注销有哪些配合单位？", FOUND, "web", 1)
    refused = qlog.record("明天天气怎么样？", REFUSED, "wechat", 1, user="u")
    disliked = qlog.record("特种设备谁牵头？", FOUND, "api", 1)
    qlog.feedback(disliked, "down", "应是盟质监局")
    assert qlog.flush()
    assert [r["answer_id"] for r in qlog.questions("unanswered")] == [refused]
    assert [r["answer_id"] for r in qlog.questions("disliked")] == [disliked]
    assert [r["question"] for r in qlog.questions("recent", channel="wechat")] == ["明天天气怎么样？"]
    top = qlog.most_asked()
    assert (top[0]["question"], top[0]["asked"], top[0]["unanswered"]) == ("简易注销有哪些配合单位？", 3, 0)
    assert {(r["channel"], r["asked"]) for r in qlog.per_day()} == {("web", 3), ("wechat", 1), ("api", 1)}
    totals = qlog.totals()
    assert (totals["asked"], totals["unanswered"], totals["down"], totals["up"]) == (5, 1, 1, 0)
    with pytest.raises(ValueError, match="'all'"):
        qlog.questions("all")


# -- pruning ----------------------------------------------------------------------------------------
def test_pruning_removes_rows_older_than_log_days(tmp_path):
    now = [utcnow() - timedelta(days=200)]
    question_log = QuestionLog(
        f"sqlite:///{tmp_path / 'log.sqlite3'}", SECRET, days=180, clock=lambda: now[0]
    )
    old = question_log.record("很久以前的问题", FOUND, "web", 1)
    now[0] = utcnow() - timedelta(days=10)
    recent = question_log.record("最近的问题", FOUND, "web", 1)
    assert question_log.flush()
    now[0] = utcnow()
    assert question_log.prune() == 1
    assert question_log.row(old) is None and question_log.row(recent) is not None
    assert question_log.prune(utcnow() + timedelta(days=175)) == 1  # ten days old, 185 days on
    question_log.close()


def test_the_writer_prunes_when_it_starts(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    then = utcnow() - timedelta(days=31)
    early = QuestionLog(url, SECRET, days=30, clock=lambda: then)
    old = early.record("旧问题", FOUND, "web", 1)
    assert early.flush()
    early.close()
    later = QuestionLog(url, SECRET, days=30)
    later.start()
    deadline = time.monotonic() + 5
    while later.row(old) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert later.row(old) is None
    later.close()


# -- a failing database -----------------------------------------------------------------------------
def test_a_failing_log_never_breaks_an_answer_and_recovers(tmp_path):
    """The log's file cannot be opened (a folder stands in its place): answers go on; /healthz says so; once
    the file can be made, the held rows are written."""
    blocked = tmp_path / "log.sqlite3"
    blocked.mkdir()
    app = create_app(
        {"STATE_DB": str(tmp_path / "state.sqlite3"), "LOG_URL": f"sqlite:///{blocked}", "TESTING": True}
    )
    client = app.test_client()
    started = time.perf_counter()
    response = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"})
    assert response.status_code == 200 and response.get_json()["found"] and response.get_json()["answer_id"]
    assert time.perf_counter() - started < 2
    question_log = app.extensions["log"]
    question_log.flush(1.5)
    health = client.get("/healthz").get_json()
    assert health["log"]["status"] == "degraded" and "OperationalError" in health["log"]["problem"]
    assert health["status"] == "ok"  # answers are not affected: the log changes no status
    feedback = client.post(
        "/api/feedback", json={"answer_id": response.get_json()["answer_id"], "vote": "up"}
    )
    assert feedback.status_code == 200
    blocked.rmdir()
    assert question_log.flush(10)
    assert question_log.row(response.get_json()["answer_id"])["vote"] == "up"
    assert client.get("/healthz").get_json()["log"]["status"] == "ok"
    question_log.close()


def test_a_full_queue_drops_rows_instead_of_waiting(tmp_path):
    blocked = tmp_path / "log.sqlite3"
    blocked.mkdir()  # the writer holds its first row, retrying, so the queue fills
    question_log = QuestionLog(f"sqlite:///{blocked}", SECRET, queue_size=5)
    started = time.perf_counter()
    ids = [question_log.record(f"q{n}", FOUND, "api", 1) for n in range(50)]
    assert time.perf_counter() - started < 0.5 and len(set(ids)) == 50
    assert 40 <= question_log.dropped <= 45 and question_log.health()["dropped"] == question_log.dropped
    blocked.rmdir()
    assert question_log.flush(10)
    assert 5 <= question_log.totals()["asked"] <= 10
    question_log.close()


def test_log_off_answers_with_ids_and_writes_nothing(tmp_path):
    app = create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "LOG_QUESTIONS": False, "TESTING": True})
    client = app.test_client()
    body = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()
    assert len(body["answer_id"]) == 40
    assert (
        client.post("/api/feedback", json={"answer_id": body["answer_id"], "vote": "up"}).status_code == 200
    )
    assert client.get("/healthz").get_json()["log"]["status"] == "off"
    assert app.extensions["log"]._thread is None


# -- each channel through the app -------------------------------------------------------------------
@pytest.fixture()
def channel_app(tmp_path):
    """The app with both phone endpoints on (the settings of tests/test_wechat.py)."""
    from test_wechat import settings_for

    app = create_app(settings_for(tmp_path / "state.sqlite3"))
    yield app
    app.extensions["log"].close()


def test_a_question_from_each_channel_is_logged(channel_app):
    from test_wechat import WeChatServer, WeComServer, text_message, user

    client = channel_app.test_client()
    asked = {}
    asked["api"] = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()[
        "answer_id"
    ]
    asked["web"] = client.post(
        "/api/ask",
        json={"question": "盟质监局牵头哪些工作？", "session_id": "page-1"},
        headers={"Sec-Fetch-Site": "same-origin"},
    ).get_json()["answer_id"]
    wechat_user, wecom_user = user(), user()
    official = WeChatServer(client, "safe")
    assert "盟质监局" in official.ask(wechat_user, "特种设备谁牵头？")
    official.ask(wechat_user, "那配合单位呢？")  # another message of the same user
    wecom = WeComServer(client)
    assert (
        "盟环保局" in wecom.reply(wecom.send(text_message(wecom_user, "简易注销有哪些配合单位？")))["Content"]
    )
    question_log = channel_app.extensions["log"]
    assert question_log.flush()
    rows = question_log.questions("recent")
    by_channel = {r["channel"]: r for r in rows}
    assert set(by_channel) == {"api", "web", "wechat", "wecom"}
    assert (
        by_channel["api"]["answer_id"] == asked["api"]
        and by_channel["api"]["question"] == "简易注销有哪些配合单位？"
    )
    assert by_channel["web"]["answer_id"] == asked["web"] and by_channel["web"]["intent"] == "unit_tasks"
    wechat = [r for r in rows if r["channel"] == "wechat"]
    assert [r["question"] for r in wechat] == ["那配合单位呢？", "特种设备谁牵头？"]
    assert wechat[0]["user_hash"] == wechat[1]["user_hash"] != by_channel["wecom"]["user_hash"]
    assert wechat_user not in repr(rows) and wecom_user not in repr(rows)
    for row in rows:  # every field filled
        assert (
            row["found"]
            and row["top_clause"]
            and row["top_title"]
            and row["latency_ms"] > 0
            and row["intent"]
        )


def test_a_wecom_question_is_logged_once_however_often_it_is_resent(channel_app):
    from test_wechat import WeComServer, text_message, user

    client = channel_app.test_client()
    wecom, sender = WeComServer(client), user()
    message = text_message(sender, "简易注销有哪些配合单位？")
    for _ in range(3):  # the platform resends when the reply is slow; it is answered (and logged) once
        assert wecom.send(message).status_code == 200
    question_log = channel_app.extensions["log"]
    assert question_log.flush()
    rows = [r for r in question_log.questions("recent") if r["channel"] == "wecom"]
    assert len(rows) == 1 and rows[0]["found"] and sender not in repr(rows) and rows[0]["user_hash"]


# -- speed ------------------------------------------------------------------------------------------
def question_texts(limit: int = 300) -> list[str]:
    """Distinct questions from the project's question sets."""
    found: list[str] = []
    for path in sorted((ROOT / "tests" / "questions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = (
            data if isinstance(data, list) else data.get("questions", []) if isinstance(data, dict) else []
        )
        for item in items:
            text = item.get("q") or item.get("question") if isinstance(item, dict) else None
            if isinstance(text, str) and text.strip() and text not in found:
                found.append(text)
    return found[:limit]


def ask_ms(client, question: str, session: str) -> float:
    """Milliseconds of one /api/ask through the test client."""
    started = time.perf_counter()
    response = client.post("/api/ask", json={"question": question, "session_id": session})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200
    return elapsed


def test_answers_are_as_fast_with_the_log_on_as_off(tmp_path, capsys):
    """Each question asked of both apps back to back, in turns, so that the machine's moods hit both alike."""
    questions = question_texts()
    assert len(questions) >= 200
    on = create_app(
        {"STATE_DB": str(tmp_path / "on.sqlite3"), "INSTANCE_DIR": str(tmp_path / "on"), "TESTING": True}
    )
    off = create_app(
        {
            "STATE_DB": str(tmp_path / "off.sqlite3"),
            "INSTANCE_DIR": str(tmp_path / "off"),
            "LOG_QUESTIONS": False,
            "TESTING": True,
        }
    )
    clients = {"on": on.test_client(), "off": off.test_client()}
    for question in questions:  # warm: every answer computed once, caches filled
        for client in clients.values():
            ask_ms(client, question, "warm")
    figures: dict[str, list[float]] = {"on": [], "off": []}
    for turn in range(3):
        for n, question in enumerate(questions):
            for name in ("on", "off") if (n + turn) % 2 else ("off", "on"):
                figures[name].append(ask_ms(clients[name], question, f"t{turn}"))
    on.extensions["log"].flush()
    logged = on.extensions["log"].totals(1)["asked"]
    p50 = {k: statistics.median(v) for k, v in figures.items()}
    p99 = {k: statistics.quantiles(v, n=100)[98] for k, v in figures.items()}
    mean = {k: statistics.fmean(v) for k, v in figures.items()}
    with capsys.disabled():
        print(
            f"\n/api/ask in-process, {len(questions)} questions × 3, warm: "
            f"log off p50 {p50['off']:.3f} ms, p99 {p99['off']:.3f} ms, mean {mean['off']:.3f} ms; "
            f"log on p50 {p50['on']:.3f} ms, p99 {p99['on']:.3f} ms, mean {mean['on']:.3f} ms; "
            f"on/off p50 {p50['on'] / p50['off']:.3f}, mean {mean['on'] / mean['off']:.3f}; "
            f"{logged} rows logged"
        )
    assert logged == len(questions) * 4
    assert p50["on"] <= p50["off"] * 1.10 + 0.05  # within 10 % (and 50 µs of timer noise)
    on.extensions["log"].close()


# -- PostgreSQL -------------------------------------------------------------------------------------
class Postgres:
    """A PostgreSQL server of our own in a temporary folder, on 127.0.0.1 and a free port (user postgres)."""

    def __init__(self, folder: Path):
        from services import free_port

        self.bin = Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
            or "/usr/lib/postgresql/15/bin"
        )
        self.folder, self.port = folder, free_port()
        self.data = folder / "data"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # the server refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)

    def init(self) -> "Postgres":
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        return self

    def start(self) -> "Postgres":
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log.txt"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        return self

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture()
def postgres(tmp_path_factory):
    """A real PostgreSQL server (Debian's postgresql package); skipped where it is not installed."""
    bindir = (
        subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        if shutil.which("pg_config")
        else ""
    )
    missing = ""
    if not (bindir and Path(bindir, "initdb").exists()) and not shutil.which("initdb"):
        missing = "PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it"
    elif os.geteuid() == 0 and not shutil.which("runuser"):
        missing = "running as root without runuser: PostgreSQL cannot be started"
    if missing:
        if os.environ.get("CI"):  # a developer's machine may lack it; CI never skips it
            pytest.fail(missing)
        pytest.skip(missing)
    folder = Path("/tmp") / f"qa-pg-{os.getpid()}-{time.time_ns()}"  # short: the socket path is bounded
    server = Postgres(folder).init().start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_the_log_on_postgresql_through_the_same_code(postgres, tmp_path):
    now = [utcnow() - timedelta(days=200)]
    question_log = QuestionLog(postgres.url, SECRET, days=180, clock=lambda: now[0])
    assert question_log.backend == "postgresql"
    old = question_log.record("很久以前的问题", REFUSED, "wecom", 1, user="u1")
    now[0] = utcnow()
    answer_id = question_log.record("简易注销有哪些配合单位？", FOUND, "api", 2.25)
    question_log.feedback(answer_id, "down", "少了盟住建局")
    assert question_log.flush()
    row = question_log.row(answer_id)
    assert (row["found"], row["vote"], row["comment"], row["latency_ms"]) == (
        True,
        "down",
        "少了盟住建局",
        2.25,
    )
    assert [r["answer_id"] for r in question_log.questions("disliked")] == [answer_id]
    assert question_log.questions("unanswered", days=365)[0]["answer_id"] == old
    assert question_log.most_asked()[0]["asked"] == 1 and question_log.per_day()[0]["asked"] == 1
    assert question_log.prune() == 1 and question_log.row(old) is None
    question_log.close()

    app = create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "LOG_URL": postgres.url, "TESTING": True})
    client = app.test_client()
    body = client.post("/api/ask", json={"question": "特种设备谁牵头？"}).get_json()
    assert client.post("/api/feedback", json={"answer_id": body["answer_id"], "vote": "up"}).get_json() == {
        "ok": True
    }
    assert app.extensions["log"].flush()
    assert app.extensions["log"].row(body["answer_id"])["vote"] == "up"

    postgres.stop()  # the database goes away mid-run: answers go on, the log says so, then catches up
    during = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"})
    assert during.status_code == 200 and during.get_json()["found"]
    app.extensions["log"].flush(2)
    assert client.get("/healthz").get_json()["log"]["status"] == "degraded"
    postgres.start()
    assert app.extensions["log"].flush(15)
    assert app.extensions["log"].row(during.get_json()["answer_id"]) is not None
    assert client.get("/healthz").get_json()["log"]["status"] == "ok"
    app.extensions["log"].close()


def test_times_are_stored_in_utc_and_days_are_local(qlog):
    moment = datetime(2026, 1, 1, 20, 30)
    assert local_day(moment) == moment.replace(tzinfo=__import__("datetime").UTC).astimezone().strftime(
        "%Y-%m-%d"
    )


# -- writing a batch: one multi-row INSERT per INSERT_ROWS rows -------------------------------------
def batch_rows(qlog: QuestionLog, count: int) -> list[_Row]:
    """`count` queued rows as record() makes them, each different in every column it sets."""
    start = utcnow().replace(microsecond=0) - timedelta(hours=count)
    rows = []
    for n in range(count):
        channel = CHANNELS[n % len(CHANNELS)]
        rows.append(_Row(
            answer_id=qlog.new_answer_id(),
            at=start + timedelta(minutes=37 * n, microseconds=n * 1001),
            channel=channel,
            user=f"openid-{n}" if channel in ("wechat", "wecom") else "",
            question=f"第{n}问：100%的企业简易注销'谁'牵头？" + ("\x00\udfff" if n % 7 == 0 else ""),
            answer=FOUND if n % 3 else REFUSED,
            latency_ms=n + 0.123456,
        ))
    return rows


def stored(qlog: QuestionLog) -> list[dict]:
    """Every row of the log in the order written, with its texts, without the row id."""
    with qlog.engine.connect() as conn:
        rows = conn.execute(qlog._with_texts().order_by(question_table.c.id))
        return [{k: v for k, v in row._mapping.items() if k != "id"} for row in rows]


def written_as_expected(qlog: QuestionLog, row: _Row, got: dict) -> None:
    """Assert each column of a written row against the queued row it came from."""
    answer = row.answer
    top = answer.citations[0] if answer.citations else None
    assert got["answer_id"] == row.answer_id and got["channel"] == row.channel
    assert isinstance(got["asked_at"], datetime) and got["asked_at"] == row.at
    assert got["day"] == local_day(row.at)
    assert got["user_hash"] == qlog.user_hash(row.channel, row.user)
    assert got["question"] == row.question.replace("\x00", "").replace("\udfff", "?")
    assert got["intent"] == str(answer.intent) and got["found"] is answer.found
    assert got["top_clause"] == (top.id if top else "")
    assert got["top_title"] == (f"{top.path} {top.title}" if top else "")
    assert got["answer"] == answer.answer and got["latency_ms"] == round(row.latency_ms, 3)
    assert (got["vote"], got["comment"], got["voted_at"]) == (None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def batch_log(request, tmp_path):
    """A log on SQLite, then on PostgreSQL (where its server is installed); the writer never started."""
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").url
    question_log = QuestionLog(url, SECRET)
    yield question_log
    question_log.close()


def test_a_batch_of_several_chunks_is_written_whole_with_every_column(batch_log):
    rows = batch_rows(batch_log, 2 * INSERT_ROWS + 20)
    assert batch_log._write(rows)
    got = stored(batch_log)
    assert len(got) == len(rows)
    for row, written in zip(rows, got):  # in the order queued
        written_as_expected(batch_log, row, written)
    assert batch_log.health()["status"] == "ok"


def test_a_batch_is_written_as_sqlalchemys_insert_would_write_it(batch_log):
    rows = batch_rows(batch_log, 2 * INSERT_ROWS + 20)
    assert batch_log._write(rows)
    multi_row = stored(batch_log)
    with batch_log.engine.begin() as conn:
        conn.execute(delete(question_table))
        ids = batch_log._upsert_texts(conn, {digest(t): (t, utcnow()) for row in rows
                                             for t in batch_log._texts_of(row)})
        conn.execute(insert(question_table), [batch_log._values(row, ids) for row in rows])
    assert stored(batch_log) == multi_row


@pytest.mark.parametrize("count, statements", [(1, [1]), (INSERT_ROWS, [INSERT_ROWS]),
                                               (INSERT_ROWS + 1, [INSERT_ROWS, 1]),
                                               (2 * INSERT_ROWS + 20, [INSERT_ROWS, INSERT_ROWS, 20])])
def test_rows_go_in_inserts_of_at_most_insert_rows(qlog, count: int, statements: list[int]):
    inserts: list[int] = []

    @event.listens_for(qlog.engine, "before_cursor_execute")
    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(f"INSERT INTO {question_table.name}"):
            inserts.append(len(parameters) // 12)  # twelve columns a row

    rows = batch_rows(qlog, count)
    assert qlog._write(rows)
    assert inserts == statements and len(stored(qlog)) == count


def test_rows_through_the_writer_thread_are_all_written(qlog):
    ids = [qlog.record(f"问题{n}", FOUND if n % 2 else REFUSED, "api", n) for n in range(3 * INSERT_ROWS)]
    assert qlog.flush()
    got = {row["answer_id"]: row for row in stored(qlog)}
    assert set(got) == set(ids)
    assert [got[i]["found"] for i in ids] == [bool(n % 2) for n in range(len(ids))]


def test_a_vote_in_the_same_batch_as_its_row_is_attached(qlog):
    rows = batch_rows(qlog, INSERT_ROWS + 5)
    target = rows[-1].answer_id
    assert qlog.feedback(target, "down", "漏了")  # queued before its row: attached once the row is written
    for row in rows:
        qlog._put(row)
    assert qlog.flush()
    assert qlog.row(target)["vote"] == "down" and qlog.row(target)["comment"] == "漏了"


# -- answer ids -------------------------------------------------------------------------------------
def test_new_answer_ids_are_40_hex_characters_and_valid(qlog):
    ids = {qlog.new_answer_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 40 and set(i) <= set("0123456789abcdef") and qlog.valid_answer_id(i) for i in ids)


def test_an_id_with_any_character_changed_is_refused(qlog):
    answer_id = qlog.new_answer_id()
    for n in range(32):  # the random part and the signature alike
        changed = answer_id[:n] + ("0" if answer_id[n] != "0" else "1") + answer_id[n + 1:]
        assert not qlog.valid_answer_id(changed), n


def test_an_id_from_a_log_with_another_secret_is_refused(qlog, tmp_path):
    other = QuestionLog(f"sqlite:///{tmp_path / 'other.sqlite3'}", b"t" * 32)
    assert not qlog.valid_answer_id(other.new_answer_id())
    assert not other.valid_answer_id(qlog.new_answer_id())
    other.close()


def test_an_id_from_another_worker_with_the_same_secret_is_valid(qlog, tmp_path):
    worker = QuestionLog(f"sqlite:///{tmp_path / 'worker.sqlite3'}", SECRET)
    assert qlog.valid_answer_id(worker.new_answer_id()) and worker.valid_answer_id(qlog.new_answer_id())
    worker.close()


def test_a_long_secret_signs_ids_too(tmp_path):
    """BLAKE2b takes keys of 64 bytes at most: a longer secret still works (and is not cut to 64 bytes)."""
    long_secret, same_start = b"k" * 100, b"k" * 64 + b"x" * 36
    first = QuestionLog(f"sqlite:///{tmp_path / 'a.sqlite3'}", long_secret)
    second = QuestionLog(f"sqlite:///{tmp_path / 'b.sqlite3'}", same_start)
    answer_id = first.new_answer_id()
    assert first.valid_answer_id(answer_id) and not second.valid_answer_id(answer_id)
    first.close()
    second.close()


# -- a forked worker (gunicorn --preload) -----------------------------------------------------------
FORK_OK, FORK_FAILED = 17, 18  # the child's exit codes (not 0/1: a crash cannot pass for either)


def wait_for_child(pid: int, seconds: float = 30.0) -> int:
    """The exit code of a forked child; it is killed (and the test fails) if it hangs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail(f"the forked child did not finish within {seconds} s")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_forked_child_writes_with_its_own_writer_and_the_parent_goes_on(qlog):
    before = qlog.record("父进程的问题", FOUND, "api", 1)
    assert qlog.flush()  # the parent's writer runs, holds its connections, and is idle (not inside SQLite)
    parent_thread = qlog._thread
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return into pytest
        code = FORK_FAILED
        try:
            child_id = qlog.record("子进程的问题", REFUSED, "wechat", 2, user="u")
            if qlog.flush(10) and qlog.row(child_id) is not None and qlog.row(before) is not None:
                code = FORK_OK if qlog._thread is not parent_thread else FORK_FAILED
        finally:
            os._exit(code)
    assert wait_for_child(pid) == FORK_OK
    assert len(stored(qlog)) == 2 and {r["question"] for r in stored(qlog)} == {"父进程的问题", "子进程的问题"}
    after = qlog.record("之后的问题", FOUND, "web", 3)
    assert qlog.flush() and qlog.row(after) is not None and qlog._thread is parent_thread
    assert qlog.health()["status"] == "ok"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_lock_the_parent_held_at_the_fork_does_not_hang_the_child(qlog):
    """Another thread of the parent may be starting the writer as the process forks: the child starts afresh."""
    qlog.record("父进程的问题", FOUND, "api", 1)
    assert qlog.flush()  # the parent's writer is idle (not inside SQLite) when the process forks
    with qlog._start_lock:  # held by the parent at the moment of the fork
        pid = os.fork()
        if pid == 0:
            code = FORK_FAILED
            try:
                child_id = qlog.record("子进程的问题", FOUND, "api", 1)
                code = FORK_OK if qlog.flush(10) and qlog.row(child_id) is not None else FORK_FAILED
            finally:
                os._exit(code)
    assert wait_for_child(pid, 20) == FORK_OK
    assert [r["question"] for r in stored(qlog)] == ["父进程的问题", "子进程的问题"]


# -- record_answer never raises -----------------------------------------------------------------------
def test_record_answer_without_a_log_gives_an_id():
    answer_id = record_answer(None, "q", FOUND, "api", 1.0)
    assert len(answer_id) == 32 and int(answer_id, 16) >= 0
    assert record_answer(None, "q", FOUND, "api", 1.0) != answer_id


def test_record_answer_gives_the_logs_id(qlog):
    answer_id = record_answer(qlog, "简易注销有哪些配合单位？", FOUND, "web", 1.5)
    assert qlog.valid_answer_id(answer_id) and qlog.flush() and qlog.row(answer_id)["channel"] == "web"


def test_record_answer_with_a_failing_log_gives_an_id_and_logs_why(qlog, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the log broke")

    monkeypatch.setattr(qlog, "record", broken)
    with caplog.at_level(logging.ERROR, logger="web.question_log"):
        answer_id = record_answer(qlog, "q", FOUND, "wechat", 1.0)
    assert len(answer_id) == 32 and int(answer_id, 16) >= 0
    failures = [r for r in caplog.records if r.exc_info and "the log broke" in str(r.exc_info[1])]
    assert failures and "wechat" in failures[0].getMessage()


def test_record_answer_for_an_unknown_channel_gives_an_id_and_logs_why(qlog, caplog):
    with caplog.at_level(logging.ERROR, logger="web.question_log"):
        answer_id = record_answer(qlog, "q", FOUND, "sms", 1.0)
    assert len(answer_id) == 32
    assert any(r.exc_info and "'sms'" in str(r.exc_info[1]) for r in caplog.records)


# -- local days, one time-zone look-up per quarter hour ---------------------------------------------
@pytest.fixture()
def zone(monkeypatch):
    """Set the process's time zone (TZ) for a test, and the cached local days with it."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()
        _local_day_of_quarter.cache_clear()

    yield use
    monkeypatch.undo()
    time.tzset()
    _local_day_of_quarter.cache_clear()


@pytest.mark.parametrize("name", ["UTC", "Asia/Shanghai", "Asia/Kathmandu", "America/St_Johns",
                                  "Australia/Lord_Howe", "Pacific/Chatham"])
def test_local_day_is_the_local_date_at_every_minute(zone, name: str):
    zone(name)
    start = datetime(2026, 4, 4, 0, 0)  # Lord Howe and Chatham leave summer time on 5 April 2026
    for minute in range(3 * 24 * 60):
        moment = start + timedelta(minutes=minute, seconds=minute % 60, microseconds=minute)
        assert local_day(moment) == moment.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d"), moment


# -- the log's bounds: rows and bytes, oldest first; each text once (#23, 1) -------------------------
def flood(qlog: QuestionLog, count: int, distinct: bool, length: int = 500) -> list[str]:
    """`count` questions of `length` characters (each its own, or all one), written; their answer ids."""
    ids = []
    for n in range(count):
        question = (f"{n if distinct else 0}号问题：简易注销" * length)[:length]
        ids.append(qlog.record(question, REFUSED, "api", 1))
    assert qlog.flush(60)
    return ids


def counts(qlog: QuestionLog) -> tuple[int, int]:
    """(rows, texts) in the log's tables."""
    from sqlalchemy import func

    from web.log_schema import texts

    with qlog.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(question_table)).scalar(),
                conn.execute(select(func.count()).select_from(texts)).scalar())


def used_bytes(path: Path) -> int:
    """The bytes of a SQLite file's pages in use (its free pages aside), after a checkpoint."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, free, size = (conn.execute(f"PRAGMA {name}").fetchone()[0]
                             for name in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


@pytest.mark.parametrize("kwargs, named", [({"max_rows": 0}, "LOG_MAX_ROWS"), ({"max_rows": "9"}, "LOG_MAX_ROWS"),
                                           ({"max_bytes": 65536}, "LOG_MAX_BYTES")])
def test_bad_bounds_are_refused_naming_the_setting(tmp_path, kwargs, named):
    with pytest.raises(ValueError, match=named):
        QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", SECRET, **kwargs)


def test_a_flood_of_distinct_long_questions_stays_within_the_byte_bound(tmp_path):
    path = tmp_path / "log.sqlite3"
    bound = 2 * 1024 * 1024
    question_log = QuestionLog(f"sqlite:///{path}", SECRET, max_bytes=bound)
    ids = flood(question_log, 8000, distinct=True)  # ~12 MB of questions unbounded
    question_log.trim()
    health = question_log.health()
    assert health["max_bytes"] == bound and health["bytes"] <= bound and health["status"] == "ok"
    assert used_bytes(path) <= bound and path.stat().st_size <= 2 * bound  # the file: the bound, and its peak
    rows, texts = counts(question_log)
    assert 500 <= rows < 8000 and texts <= rows + 2  # each row's question, and the one answer
    assert question_log.row(ids[-1]) is not None and question_log.row(ids[0]) is None  # the oldest went
    with question_log.engine.connect() as conn:
        there = set(conn.execute(select(question_table.c.answer_id)).scalars())
    assert there == set(ids[-rows:])  # the oldest gone, the newest all kept
    question_log.close()


def test_a_flood_of_one_question_keeps_its_text_once_and_costs_little(tmp_path):
    path = tmp_path / "log.sqlite3"
    question_log = QuestionLog(f"sqlite:///{path}", SECRET)
    flood(question_log, 5000, distinct=False)
    assert counts(question_log) == (5000, 2)  # the question's text and the answer's, once each
    assert used_bytes(path) < 5000 * 400  # a row each (~250 bytes), where each text would cost 1,500 more
    top = question_log.most_asked()
    assert len(top) == 1 and top[0]["asked"] == 5000 and len(top[0]["question"]) == 500
    question_log.close()


def test_the_row_bound_drops_the_oldest_rows_and_their_texts(tmp_path):
    question_log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", SECRET, max_rows=1000)
    ids = flood(question_log, 3000, distinct=True, length=20)
    question_log.trim()
    rows, texts = counts(question_log)
    assert rows <= 1000 and texts <= rows + 1
    assert question_log.health()["rows"] <= 1000 and question_log.health()["max_rows"] == 1000
    with question_log.engine.connect() as conn:
        assert set(conn.execute(select(question_table.c.answer_id)).scalars()) == set(ids[-rows:])
    question_log.close()


def test_a_text_still_named_by_a_kept_row_is_never_dropped(tmp_path):
    question_log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", SECRET, max_rows=100)
    first = question_log.record("简易注销有哪些配合单位？", FOUND, "web", 1)
    flood(question_log, 300, distinct=True, length=20)
    again = question_log.record("简易注销有哪些配合单位？", FOUND, "web", 1)  # the same text, named again
    assert question_log.flush()
    question_log.trim()
    assert question_log.row(first) is None
    assert question_log.row(again)["question"] == "简易注销有哪些配合单位？"
    assert question_log.row(again)["top_title"] == "二、(一)5 完善市场主体退出机制"
    question_log.close()


def test_the_writer_keeps_the_bounds_as_it_writes(tmp_path):
    """No one calls trim(): the writer looks at the bounds itself as rows come."""
    question_log = QuestionLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", SECRET, max_rows=500,
                               max_bytes=1024 * 1024)
    for _ in range(6):
        flood(question_log, 500, distinct=True, length=500)
        assert counts(question_log)[0] <= 1000  # at most one look's worth over the bound, ever
    deadline = time.monotonic() + 10
    while (counts(question_log)[0] > 500 or question_log.measure()["bytes"] > 1024 * 1024) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counts(question_log)[0] <= 500 and question_log.measure()["bytes"] <= 1024 * 1024
    question_log.close()


def test_the_bounds_are_settings_and_shown_on_healthz(tmp_path):
    app = create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "LOG_MAX_ROWS": "5000",
                      "LOG_MAX_BYTES": str(8 * 1024 * 1024), "TESTING": True})
    log_health = app.test_client().get("/healthz").get_json()["log"]
    assert (log_health["max_rows"], log_health["max_bytes"]) == (5000, 8 * 1024 * 1024)
    assert {"rows", "bytes", "stalled_seconds"} <= set(log_health)
    app.extensions["log"].close()


def legacy_log(qlog: QuestionLog) -> list[str]:
    """A log of before (qa_questions, every text in every row) with three rows, one voted on; their ids."""
    from web.log_schema import legacy_questions

    legacy_questions.create(qlog.engine)
    ids = [qlog.new_answer_id() for _ in range(3)]
    now = utcnow().replace(microsecond=0)
    with qlog.engine.begin() as conn:
        conn.execute(insert(legacy_questions), [
            {"answer_id": ids[n], "asked_at": now - timedelta(hours=3 - n), "day": local_day(now),
             "channel": "web", "user_hash": "", "question": question, "intent": "cooperate", "found": n != 1,
             "top_clause": "028a20-31" if n != 1 else "",
             "top_title": "二、(一)5 完善市场主体退出机制" if n != 1 else "",
             "answer": "配合单位：盟环保局。", "latency_ms": 1.5, "vote": "down" if n == 2 else None,
             "comment": "漏了" if n == 2 else None, "voted_at": now if n == 2 else None}
            for n, question in enumerate(("简易注销有哪些配合单位？", "明天天气怎么样？", "简易注销有哪些配合单位？"))
        ])
    return ids


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_log_of_before_is_read_into_the_new_tables_once(request, tmp_path, backend):
    from sqlalchemy import inspect

    url = (f"sqlite:///{tmp_path / 'log.sqlite3'}" if backend == "sqlite"
           else request.getfixturevalue("postgres").url)
    before = QuestionLog(url, SECRET)
    ids = legacy_log(before)
    before.close()
    question_log = QuestionLog(url, SECRET)
    question_log.start()
    deadline = time.monotonic() + 15
    while question_log.row(ids[0]) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert question_log.flush()
    assert [r["answer_id"] for r in question_log.questions(days=1)] == ids[::-1]
    voted = question_log.row(ids[2])
    assert (voted["question"], voted["vote"], voted["comment"], voted["top_title"]) == (
        "简易注销有哪些配合单位？", "down", "漏了", "二、(一)5 完善市场主体退出机制")
    assert question_log.row(ids[1])["found"] is False and question_log.row(ids[1])["top_title"] == ""
    assert question_log.most_asked(days=1)[0]["asked"] == 2
    assert counts(question_log)[1] == 5  # two questions, a title, an answer, a comment: each once
    assert not inspect(question_log.engine).has_table("qa_questions")
    question_log.close()


# -- /healthz tells a hung database from a healthy one (#23, 10) --------------------------------------
def cluster_pids(postgres) -> list[int]:
    """The PostgreSQL server's processes: its postmaster and the children it started."""
    leader = int((postgres.data / "postmaster.pid").read_text().split()[0])
    children = Path(f"/proc/{leader}/task/{leader}/children").read_text().split()
    return [leader, *map(int, children)]


def test_a_hung_postgresql_shows_as_a_stalled_log_and_recovers(postgres, tmp_path):
    import signal

    app = create_app({"STATE_DB": str(tmp_path / "state.sqlite3"), "LOG_URL": postgres.url, "TESTING": True})
    question_log, client = app.extensions["log"], app.test_client()
    question_log.stall_seconds = 1.0
    asked = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()["answer_id"]
    assert question_log.flush() and client.get("/healthz").get_json()["log"]["status"] == "ok"
    stopped = cluster_pids(postgres)
    for pid in stopped:  # the server hangs: it takes connections and queries and never answers
        os.kill(pid, signal.SIGSTOP)
    try:
        answers = [client.post("/api/ask", json={"question": "特种设备谁牵头？"}) for _ in range(30)]
        assert all(a.status_code == 200 for a in answers)  # answers go on
        time.sleep(1.5)
        started = time.monotonic()
        health = client.get("/healthz").get_json()["log"]
        assert time.monotonic() - started < 2.5  # /healthz itself never waits on the hung server
        assert health["status"] == "degraded" and health["stalled_seconds"] >= 1.0
        assert "not answered" in health["problem"] and health["queued"] >= 29
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    assert question_log.flush(30)
    health = client.get("/healthz").get_json()["log"]
    assert health["status"] == "ok" and health["stalled_seconds"] == 0 and health["queued"] == 0
    assert question_log.row(answers[-1].get_json()["answer_id"]) is not None and question_log.row(asked)
    question_log.close()


def test_rows_dropped_on_a_full_queue_show_until_a_minute_has_passed(tmp_path, monkeypatch):
    blocked = tmp_path / "log.sqlite3"
    blocked.mkdir()
    question_log = QuestionLog(f"sqlite:///{blocked}", SECRET, queue_size=5)
    for n in range(20):
        question_log.record(f"q{n}", FOUND, "api", 1)
    blocked.rmdir()
    assert question_log.flush(10)
    health = question_log.health()
    assert health["status"] == "degraded" and "dropped" in health["problem"] and health["dropped"] >= 10
    monkeypatch.setattr("web.question_log.DROPPED_RECENTLY_SECONDS", 0.0)  # a minute later
    assert question_log.health()["status"] == "ok"
    question_log.close()


def test_a_writer_inside_a_slow_write_is_stalled_only_past_the_limit(qlog):
    qlog.stall_seconds = 0.5
    qlog._call_started = time.monotonic() - 0.2
    assert qlog.health()["status"] == "ok" and 0.1 < qlog.health()["stalled_seconds"] < 0.5
    qlog._call_started = time.monotonic() - 0.6
    health = qlog.health()
    assert health["status"] == "degraded" and health["stalled_seconds"] >= 0.5
    qlog._call_started = 0.0


def test_a_flood_through_the_real_server_leaves_the_log_bounded_and_answers_fast(tmp_path):
    """The attack as it was made: distinct 500-character questions as fast as four clients can send them to
    `python app.py`, while another client asks: its answers stay fast, nothing fails, the log stays small."""
    import threading
    import urllib.request

    from services import AppServer

    instance = tmp_path / "instance"
    server = AppServer({"STATE_DB": str(tmp_path / "state.sqlite3"), "INSTANCE_DIR": str(instance),
                        "LOG_MAX_ROWS": "3000", "LOG_MAX_BYTES": str(1024 * 1024)}).start()
    base, stop, statuses = f"http://127.0.0.1:{server.port}", threading.Event(), []

    def post(question: str) -> tuple[int, float]:
        body = json.dumps({"question": question}).encode()
        request = urllib.request.Request(f"{base}/api/ask", body, {"Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, time.perf_counter() - started
        except urllib.error.HTTPError as exc:
            return exc.code, time.perf_counter() - started

    def attacker(n: int) -> None:
        for m in itertools.count():
            if stop.is_set():
                return
            statuses.append(post((f"第{n}-{m}个问题：简易注销由哪个单位牵头" * 40)[:500])[0])

    try:
        attackers = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(4)]
        for thread in attackers:
            thread.start()
        probes = []
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            probes.append(post("简易注销由哪个单位牵头？"))
            time.sleep(0.05)
        stop.set()
        for thread in attackers:
            thread.join(30)
        time.sleep(1.5)  # the writer's last batch and its look at the bounds
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
            health = json.loads(response.read())["log"]
    finally:
        server.stop()
    p99 = statistics.quantiles([seconds for _, seconds in probes], n=100)[98] * 1000
    print(f"\nflood: {len(statuses)} questions of 500 characters in 8 s; probe p99 {p99:.1f} ms; log {health}")
    assert len(statuses) > 300 and set(statuses) == {200} and {status for status, _ in probes} == {200}
    assert health["max_bytes"] == 1024 * 1024 and health["bytes"] <= 1024 * 1024 and health["rows"] < 1000
    assert used_bytes(instance / "log.sqlite3") <= 1024 * 1024
    assert (instance / "log.sqlite3").stat().st_size <= 1.5 * 1024 * 1024  # unbounded: ~2 KB a question
