"""X-Forwarded-For and -Proto believed only from TRUSTED_PROXIES (web/proxies.py): a client straight to the
app cannot pass for many addresses to the login limit, nor claim HTTPS (#23, 3)."""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest
from test_admin import PASSWORD, TOKEN, login, make_corpus, settings

from web import create_app
from web.admin.auth import set_password
from web.proxies import TrustedProxies


@pytest.fixture()
def folder(tmp_path) -> Path:
    """A corpus and an instance folder with the admin password set."""
    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    return tmp_path


def client_at(app, peer: str):
    """A test client whose connection comes from `peer` (REMOTE_ADDR)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    return client


def attempts(app, peer: str, count: int = 10) -> list[int]:
    """Statuses of `count` wrong logins from the connection address `peer`, each claiming another address."""
    client = client_at(app, peer)
    return [login(client, "wrong", f"10.9.{n}.{n}").status_code for n in range(count)]


def test_a_client_straight_to_the_app_cannot_rotate_its_address(folder):
    app = create_app(settings(folder))
    assert attempts(app, "192.0.2.7") == [200] * 9 + [429]  # the tenth in a minute, whatever it claims
    assert attempts(app, "127.0.0.1") == [200] * 10  # nginx on this host: the address it forwards counts
    app.extensions["log"].close()


def test_a_trusted_network_and_mapped_addresses(folder):
    app = create_app(settings(folder, TRUSTED_PROXIES="10.0.0.0/24 ::1"))
    assert attempts(app, "10.0.0.9") == [200] * 10
    assert attempts(app, "127.0.0.1")[-1] == 429  # no longer trusted: not in the list
    app.extensions["log"].close()
    fixed = TrustedProxies(lambda environ, start: [], ["127.0.0.1"], 1)
    assert fixed.trusts("::ffff:127.0.0.1") and fixed.trusts("127.0.0.1") and not fixed.trusts("127.0.0.2")
    assert not fixed.trusts("not an address") and fixed.trusts("")  # "": a Unix socket


def test_a_client_straight_to_the_app_cannot_claim_https(folder):
    app = create_app(settings(folder))
    for peer, secure in (("192.0.2.7", False), ("127.0.0.1", True)):
        client = client_at(app, peer)
        page = client.get("/admin/login", headers={"X-Forwarded-Proto": "https"})
        cookie = page.headers.get("Set-Cookie", "")
        assert ("Secure" in cookie) is secure, (peer, cookie)
    app.extensions["log"].close()


@pytest.mark.parametrize("value, named", [("127.0.0.1, nginx.local", "nginx.local"),
                                          ("10.0.0.0/33", "10.0.0.0/33")])
def test_a_bad_entry_stops_the_start_naming_it(folder, value, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        create_app(settings(folder, TRUSTED_PROXIES=value))


# -- real gunicorn, as deployed, reached from another address of this host --------------------------
def login_from(port: int, source: str, claimed: str) -> int:
    """One wrong login to gunicorn over a connection from `source`, with X-Forwarded-For: `claimed`."""
    def request(method: str, path: str, body: str = "", headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
        conn.request(method, path, body=body, headers={"X-Forwarded-For": claimed, **(headers or {})})
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        conn.close()
        return response, data

    page, html = request("GET", "/admin/login")
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    form = f"csrf_token={TOKEN.search(html).group(1)}&password=wrong"
    response, _ = request("POST", "/admin/login", form, {"Cookie": cookie,
                                                          "Content-Type": "application/x-www-form-urlencoded"})
    return response.status


def test_spoofed_addresses_straight_to_gunicorn_are_one_client(folder):
    from bench.server import serving

    env = {"INSTANCE_DIR": str(folder / "instance"), "CORPUS_DIR": str(folder / "corpus")}
    with serving("gunicorn", folder, env=env) as server:
        # 127.0.0.2: another address of this host, as a client on the network would be (not a proxy)
        statuses = [login_from(server.port, "127.0.0.2", f"10.8.{n}.{n}") for n in range(12)]
        assert statuses[:9] == [200] * 9 and set(statuses[9:]) == {429}, statuses
        # 127.0.0.1 is nginx's place: the address it forwards is the client's
        assert [login_from(server.port, "127.0.0.1", f"10.7.{n}.{n}") for n in range(12)] == [200] * 12
