"""Real services for the tests, from Debian's packages, on 127.0.0.1 only and stopped after: redis-server.

On a developer's machine without the package a test needing one is skipped; in CI (CI=true) it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


# Debian's chromium, driven by Playwright; never a browser Playwright downloads.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need(program: str) -> str:
    """The path of a service's program; skip (fail in CI) when it is not installed."""
    found = shutil.which(program) or next((p for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}")
                                            if os.path.exists(p)), None)
    if found is None:
        message = f"{program} is not installed (apt-get install {program}); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def wait_port(port: int, seconds: float = 10.0) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class RedisServer:
    """A redis-server of our own: no persistence, bound to 127.0.0.1, on a free port."""

    def __init__(self, folder: Path):
        self.program, self.folder, self.port = need("redis-server"), folder, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.program, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class AppServer:
    """`python app.py` on a free port of 127.0.0.1, with the environment given (its own state and corpus)."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.env = {**os.environ, **env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.process: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen([os.sys.executable, str(root / "app.py")], cwd=root, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, 60)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


class Nginx:
    """Debian's nginx as a load balancer in front of app servers (round-robin), on 127.0.0.1 only."""

    def __init__(self, folder: Path, upstreams: list[int]):
        self.program, self.folder, self.port = need("nginx"), folder, free_port()
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in upstreams)
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        (folder / "nginx.conf").write_text(f"""
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream qa {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        client_max_body_size 64k;
        location / {{
            proxy_pass http://qa;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;
        }}
        # plan uploads, as docs/deploy.md has them; held in memory (nginx's workers cannot write to a
        # temporary folder the test made)
        location /admin/plans/upload {{
            client_max_body_size 21m;
            client_body_buffer_size 21m;
            proxy_pass http://qa;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""", encoding="utf-8")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        subprocess.run([self.program, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                       check=True, timeout=30)
        wait_port(self.port)
        return self

    def stop(self) -> None:
        subprocess.run([self.program, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-s", "stop"],
                       check=False, timeout=30)
