"""The corpus reloader (web/admin/reload.py): rebuilds run in the background, never inside a request, and only
a stamp in the state store starts one; the page after a change still shows it (#23, 11)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from test_admin import PASSWORD, login, make_corpus, post, settings

from web import create_app
from web.admin.auth import set_password


@pytest.fixture()
def site(tmp_path):
    """An app over a corpus of its own, with the admin password set (as tests/test_admin.py has it)."""
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    yield app
    app.extensions["log"].close()


@pytest.fixture()
def admin(site):
    """A client logged in to the admin area."""
    client = site.test_client()
    assert login(client).status_code == 302
    return client


def watch_builds(app) -> list[str]:
    """The names of the threads that run each build of this app's reloader (the real build, watched)."""
    reloader, threads = app.extensions["reloader"], []
    build = reloader.build

    def watched():
        threads.append(threading.current_thread().name)
        return build()

    reloader.build = watched
    return threads


def test_a_made_up_version_in_the_url_starts_no_rebuild(site, admin):
    reloader, serving = site.extensions["reloader"], site.extensions["qa"]
    builds = watch_builds(site)
    started = time.perf_counter()
    for _ in range(5):  # no stamp in the store yet: only the URL says there is a new version
        assert admin.get(f"/admin/?v={uuid.uuid4().hex}").status_code == 200
    elapsed = time.perf_counter() - started
    time.sleep(0.2)  # a background build, had one started, would show by now
    assert builds == [] and reloader.rebuilds == 0 and site.extensions["qa"] is serving
    assert elapsed < 2.0, f"five pages took {elapsed:.2f} s"


def test_a_made_up_version_beside_a_stamp_already_served_starts_no_rebuild(site, admin):
    post(admin, "/admin/fix/synonym", {"q": "升降机谁牵头？", "word": "升降机", "plan_words": "特种设备"})
    reloader = site.extensions["reloader"]
    assert reloader.rebuilds == 1 and reloader.seen
    builds = watch_builds(site)
    assert admin.get(f"/admin/?v={uuid.uuid4().hex}").status_code == 200
    time.sleep(0.2)
    assert builds == [] and reloader.rebuilds == 1


def test_the_page_after_a_change_elsewhere_waits_for_a_background_rebuild(site, admin, tmp_path):
    other = create_app(settings(tmp_path))  # another worker; its own check is an hour away
    other.extensions["reloader"].interval = 3600.0
    builds = watch_builds(other)
    response = post(admin, "/admin/fix/synonym", {"q": "升降机谁牵头？", "word": "升降机", "plan_words": "特种设备"})
    elsewhere = other.test_client()
    with elsewhere.session_transaction() as session, admin.session_transaction() as mine:
        session.update(mine)  # the same browser: its cookie works on any worker
    page = elsewhere.get(response.headers["Location"]).get_data(as_text=True)
    assert "牵头单位：盟质监局" in page
    assert builds == ["corpus-reload"]  # built once, by the background thread, not the request's
    assert other.extensions["reloader"].seen == site.extensions["reloader"].seen
    other.extensions["log"].close()


def test_a_rebuild_longer_than_the_wait_leaves_the_page_to_the_old_index(tmp_path):
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    reloader, release = app.extensions["reloader"], threading.Event()
    build = reloader.build

    def slow():
        release.wait(10)
        return build()

    reloader.build = slow
    app.extensions["state"].put("corpus:version", {"id": "v2"}, ttl=60)
    started = time.perf_counter()
    reloader.catch_up("v2", wait=0.3)
    assert 0.25 < time.perf_counter() - started < 2.0 and reloader.building and reloader.seen != "v2"
    release.set()
    deadline = time.monotonic() + 20
    while reloader.seen != "v2" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reloader.seen == "v2" and not reloader.building and reloader.rebuilds == 1
    app.extensions["log"].close()


def test_a_worker_no_request_reaches_catches_up_by_its_watcher(site, admin, tmp_path):
    """A second worker that served once and then sees no request still rebuilds for a change made elsewhere."""
    other = create_app(settings(tmp_path))
    reloader = other.extensions["reloader"]
    reloader.interval = 0.05
    assert other.test_client().get("/healthz").status_code == 200  # its one request: the watcher starts
    post(admin, "/admin/fix/synonym", {"q": "升降机谁牵头？", "word": "升降机", "plan_words": "特种设备"})
    stamp = site.extensions["reloader"].seen
    deadline = time.monotonic() + 20
    while reloader.seen != stamp and time.monotonic() < deadline:  # no request to `other` meanwhile
        time.sleep(0.05)
    assert reloader.seen == stamp and reloader.rebuilds == 1
    reloader.stop_watching()
    other.extensions["log"].close()


def test_a_forked_worker_watches_before_its_first_request(site, admin, tmp_path):
    """After a fork (gunicorn's workers), the child's watcher runs without any request reaching it."""
    import os

    reloader = site.extensions["reloader"]
    reloader.interval = 0.05
    serving = site.extensions["qa"]
    reloader.build = lambda: serving  # the child's rebuild is not what is tested; a light one forks safely
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: wait for a stamp made by the parent, then report what it serves
        try:
            os.close(write)
            os.read(read, 1)
            deadline = time.monotonic() + 20
            while not reloader.seen and time.monotonic() < deadline:
                time.sleep(0.05)
            os._exit(0 if reloader.seen == "from-parent" else 1)
        finally:
            os._exit(2)
    os.close(read)
    site.extensions["state"].put("corpus:version", {"id": "from-parent"}, ttl=60)
    os.write(write, b"x")
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    reloader.stop_watching()
