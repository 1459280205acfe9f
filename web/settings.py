"""Settings: defaults, then config.yaml, then environment variables, then the dict given to create_app."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import yaml

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    "CORPUS_DIR": "corpus",
    "HOST": "127.0.0.1",
    "PORT": 8000,
    "THREADS": 8,
    "STATE_DB": "instance/state.sqlite3",
    "STATE_URL": "",  # redis://host:6379/0 for several servers; empty: the SQLite file STATE_DB
    "INDEX_SNAPSHOT": "instance/index-snapshot.json",  # the index's tokens kept between start-ups; "" for none
    "SESSION_TTL": 1800,
    "MAX_SESSIONS": 20000,
    "ANSWER_BODIES": 4096,  # answers whose JSON is kept ready to send, per process
    "MAX_QUESTION_LENGTH": 500,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_RESPONSE_BYTES": 32 * 1024 * 1024,  # any one response; a bigger one is refused (503), not sent
    "MAX_PLAN_BYTES": 20 * 1024 * 1024,  # one plan file in the corpus folder
    "MAX_YAML_BYTES": 1024 * 1024,  # units.yaml, terms.yaml, a corrections file
    "CONVERT_SECONDS": 120,  # LibreOffice converting one .doc/.wps plan, then it is stopped
    "OCR_SECONDS": 600,  # OCR reading the scanned pages of one PDF, then it is stopped
    "REQUEST_TIMEOUT": 10,  # seconds `python app.py` gives a client to send a whole request
    "CONNECTION_LIMIT": 1000,  # connections `python app.py` holds open at once
    # costly requests (matrix pages, downloads, uploads, index rebuilds) at once per server, the rest refused
    # with 503 at once, so that answers always find a free worker (web/gate.py); 0: no limit
    "HEAVY_REQUESTS": 1,
    "PUBLIC_BASE_URL": "",
    # The admin area and the question log (#13)
    "INSTANCE_DIR": "",  # secret key, admin password hash, log; empty: the folder of STATE_DB (instance/)
    "SECRET_KEY": "",  # signs admin sessions; empty: a random key made once and kept in INSTANCE_DIR
    "LOG_URL": "",  # postgresql+psycopg://user@host/db for several servers; empty: SQLite in INSTANCE_DIR
    "LOG_QUESTIONS": True,  # false: questions are answered and not logged
    "LOG_DAYS": 180,  # questions older than this are pruned from the log
    "LOG_QUEUE": 10000,  # log rows waiting for the writer at most; more are dropped, never waited for
    "LOG_MAX_ROWS": 1_000_000,  # rows the question log keeps at most; the oldest go first
    "LOG_MAX_BYTES": 1 << 30,  # about this many bytes at most (1 GiB), rows and texts; the oldest rows go first
    "MAX_UPLOAD_BYTES": 20 * 1024 * 1024,  # one uploaded plan
    "BACKUPS_KEPT": 10,  # backups kept per file in INSTANCE_DIR/backups (plans replaced or removed, edits)
    "LOGIN_ATTEMPTS": 9,  # login attempts per address per minute; the next one is refused (429)
    "ADMIN_SESSION_MINUTES": 480,  # an admin login lasts this long
    "PROXY_HOPS": 1,  # proxies in front that set X-Forwarded-*; 0 when clients connect to the app directly
    "TRUSTED_PROXIES": "127.0.0.1, ::1",  # the proxies whose X-Forwarded-* is believed (addresses, networks)
    "WECHAT_TOKEN": "",
    "WECHAT_AES_KEY": "",
    "WECHAT_APP_ID": "",
    "WECOM_TOKEN": "",
    "WECOM_AES_KEY": "",
    "WECOM_CORP_ID": "",
    "DINGTALK_APP_KEY": "",  # the robot's AppKey (Client ID); names its message records
    "DINGTALK_APP_SECRET": "",  # the robot's AppSecret (Client Secret), which signs its callbacks; empty: /dingtalk off
}


def _coerce(name: str, value: object) -> object:
    """A setting's value in the type of its default ('8000' → 8000); ValueError names a bad one."""
    default = DEFAULTS.get(name)
    if value is None or default is None or isinstance(default, str):
        return "" if value is None else value
    if isinstance(default, bool):
        return str(value).lower() in ("1", "true", "yes", "on")
    try:
        return type(default)(value)
    except (TypeError, ValueError):
        raise ValueError(f"setting {name} must be a {type(default).__name__}, got {value!r}") from None


def load_settings(
    overrides: Mapping | None = None,
    config_file: str | os.PathLike | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict:
    """Every setting, from the four sources in order; relative paths resolved against the project."""
    settings = dict(DEFAULTS)
    path = Path(config_file) if config_file else ROOT / "config.yaml"
    if path.is_file():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path} must hold a mapping of settings")
        settings.update({str(k): v for k, v in data.items()})
    environ = os.environ if environ is None else environ
    settings.update({k: environ[k] for k in DEFAULTS if k in environ})
    settings.update(overrides or {})
    for name in list(settings):
        if name in DEFAULTS:
            settings[name] = _coerce(name, settings[name])
    for name in ("CORPUS_DIR", "STATE_DB", "INSTANCE_DIR", "INDEX_SNAPSHOT"):
        value = str(settings[name])
        if value == ":memory:" or not value and name in ("INSTANCE_DIR", "INDEX_SNAPSHOT"):  # empty: see above
            continue
        if not Path(value).is_absolute():
            settings[name] = str((path.parent if path.is_file() else ROOT) / value)
    return settings


def instance_dir(settings: Mapping) -> Path:
    """The folder of what this installation keeps to itself: INSTANCE_DIR, else STATE_DB's folder."""
    if settings.get("INSTANCE_DIR"):
        return Path(str(settings["INSTANCE_DIR"]))
    state = str(settings.get("STATE_DB") or "")
    return Path(state).parent if state and state != ":memory:" else ROOT / "instance"
