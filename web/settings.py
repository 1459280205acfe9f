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
    "SESSION_TTL": 1800,
    "MAX_SESSIONS": 20000,
    "MAX_QUESTION_LENGTH": 500,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "PUBLIC_BASE_URL": "",
    "WECHAT_TOKEN": "",
    "WECHAT_AES_KEY": "",
    "WECHAT_APP_ID": "",
    "WECOM_TOKEN": "",
    "WECOM_AES_KEY": "",
    "WECOM_CORP_ID": "",
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
    for name in ("CORPUS_DIR", "STATE_DB"):
        value = str(settings[name])
        if value != ":memory:" and not Path(value).is_absolute():
            settings[name] = str((path.parent if path.is_file() else ROOT) / value)
    return settings
