"""Settings: defaults, then config.yaml, then environment, then the dict given to create_app."""

from __future__ import annotations

import pytest

from web.settings import load_settings


def test_precedence(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("PORT: 9000\nHOST: 0.0.0.0\nTHREADS: 4\n", encoding="utf-8")
    settings = load_settings({"THREADS": "2"}, config, {"PORT": "9100"})
    assert (settings["HOST"], settings["PORT"], settings["THREADS"]) == ("0.0.0.0", 9100, 2)


def test_relative_paths_are_from_the_config_folder(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("CORPUS_DIR: plans\n", encoding="utf-8")
    assert load_settings({}, config, {})["CORPUS_DIR"] == str(tmp_path / "plans")


def test_bad_values_are_named(tmp_path):
    with pytest.raises(ValueError, match="PORT"):
        load_settings({"PORT": "eighty"}, tmp_path / "none.yaml", {})
    config = tmp_path / "config.yaml"
    config.write_text("PORT: [1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_settings({}, config, {})


def test_shipped_config_matches_defaults():
    settings = load_settings({}, None, {})
    assert (
        settings["PORT"] == 8000
        and settings["HOST"] == "127.0.0.1"
        and settings["CORPUS_DIR"].endswith("corpus")
    )
