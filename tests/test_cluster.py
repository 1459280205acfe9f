"""Two app servers behind nginx (round-robin), sharing their state in a real Redis: a conversation and
WeChat's once-only replies carry over from one server to the other; stopping Redis loses no answer."""

from __future__ import annotations

import json
import urllib.request

import pytest

from bench.client import wechat_message, wechat_query
from services import AppServer, Nginx, RedisServer

TOKEN = "cluster-test-token"
SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]


def post(url: str, body: bytes, content_type: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.headers.get("X-Upstream", ""), response.read()


def ask(base: str, question: str, session: str) -> tuple[str, dict]:
    body = json.dumps({"question": question, "session_id": session}).encode("utf-8")
    status, upstream, data = post(f"{base}/api/ask", body, "application/json")
    assert status == 200
    return upstream, json.loads(data)


@pytest.fixture()
def cluster(tmp_path):
    redis = RedisServer(tmp_path).start()
    apps = [AppServer({"STATE_URL": redis.url, "STATE_DB": str(tmp_path / f"unused-{n}.db"),
                       "WECHAT_TOKEN": TOKEN}).start() for n in range(2)]
    nginx = Nginx(tmp_path / "nginx", [a.port for a in apps]).start()
    yield nginx, apps, redis
    nginx.stop()
    for app in apps:
        app.stop()
    redis.stop()


def test_a_follow_up_answered_by_the_other_server_keeps_its_topic(cluster):
    nginx, apps, _ = cluster
    crossed = 0
    for n in range(10):
        first, answer = ask(nginx.base, "简易注销由哪个单位牵头？", f"c{n}")
        second, follow = ask(nginx.base, "那配合单位呢？", f"c{n}")
        assert answer["units"] == ["盟工商局"] and follow["units"] == SIX
        crossed += first != second
    assert crossed >= 5  # round-robin: the follow-ups did go to the other server


def test_a_wechat_message_retried_against_the_other_server_is_answered_once(cluster):
    nginx, apps, _ = cluster
    query = wechat_query(TOKEN)
    body = wechat_message("cluster-user", "简易注销由哪个单位牵头？", 777)
    replies = [post(f"{nginx.base}/wechat?{query}", body, "text/xml") for _ in range(4)]
    assert {upstream for _, upstream, _ in replies} == {f"127.0.0.1:{a.port}" for a in apps}
    assert len({reply for _, _, reply in replies}) == 1 and "盟工商局" in replies[0][2].decode("utf-8")


def test_stopping_redis_loses_no_answer_and_both_servers_recover(cluster):
    nginx, apps, redis = cluster
    redis.stop()
    for n in range(6):
        _, answer = ask(nginx.base, "简易注销由哪个单位牵头？", f"down-{n}")
        assert answer["units"] == ["盟工商局"]
    states = {json.loads(urllib.request.urlopen(f"http://127.0.0.1:{a.port}/healthz").read())["state"]["status"]
              for a in apps}
    assert states == {"degraded"}
    redis.start()
    import time

    time.sleep(1.5)
    states = {json.loads(urllib.request.urlopen(f"http://127.0.0.1:{a.port}/healthz").read())["state"]["status"]
              for a in apps}
    assert states == {"ok"}
    first, _ = ask(nginx.base, "简易注销由哪个单位牵头？", "back")
    second, follow = ask(nginx.base, "那配合单位呢？", "back")
    assert follow["units"] == SIX


def test_a_plan_uploaded_through_one_server_is_answered_by_the_other(tmp_path):
    import requests
    from test_admin import PASSWORD, SANYA, SANYA_QUESTION, TOKEN, make_corpus, wait_for

    from web.admin.auth import set_password

    # what several servers share: the corpus folder (a network share), the instance folder (secret key,
    # password hash, log), the state in Redis
    corpus, instance = make_corpus(tmp_path / "corpus"), tmp_path / "instance"
    set_password(instance, PASSWORD)
    redis = RedisServer(tmp_path).start()
    shared = {"STATE_URL": redis.url, "CORPUS_DIR": str(corpus), "INSTANCE_DIR": str(instance),
              "SECRET_KEY": "cluster-test-secret-key-of-enough-length", "INDEX_SNAPSHOT": ""}
    apps = [AppServer({**shared, "STATE_DB": str(tmp_path / f"unused-{n}.db")}).start() for n in range(2)]
    nginx = Nginx(tmp_path / "nginx", [a.port for a in apps]).start()
    try:
        def found_by() -> set[str]:
            """The servers that answered the Sanya question, over fresh connections."""
            seen = set()
            for _ in range(6):
                response = requests.post(f"{nginx.base}/api/ask", json={"question": SANYA_QUESTION}, timeout=10,
                                         headers={"Connection": "close"})
                if response.json()["found"]:
                    seen.add(response.headers["X-Upstream"])
            return seen

        assert found_by() == set()
        admin = requests.Session()
        page = admin.get(f"{nginx.base}/admin/login").text
        login = admin.post(f"{nginx.base}/admin/login", allow_redirects=False,
                           data={"csrf_token": TOKEN.search(page).group(1), "password": PASSWORD})
        assert login.status_code == 302
        plans = admin.get(f"{nginx.base}/admin/plans").text
        upload = admin.post(f"{nginx.base}/admin/plans/upload", allow_redirects=False,
                            data={"csrf_token": TOKEN.search(plans).group(1)},
                            files={"plan": ("sanya.txt", SANYA.read_bytes(), "text/plain")})
        assert upload.status_code == 302, upload.text[:500]
        both = {f"127.0.0.1:{a.port}" for a in apps}
        assert wait_for(lambda: found_by() == both, 30)  # the other server rebuilt on the stamp in Redis
    finally:
        nginx.stop()
        for app in apps:
            app.stop()
        redis.stop()
