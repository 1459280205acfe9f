"""Shared fixtures: the app on the shipped plan, its client, and a corpus with both plans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SANYA = DATA / "sanya-2023-business-environment-plan.txt"


@pytest.fixture(scope="session")
def segmenter():
    """The reading's segmenter with the shipped units (the reading tests of every format share it)."""
    from qa.reading.duties import DutyParser
    from qa.reading.knowledge import load_units
    from qa.reading.segment import Segmenter

    return Segmenter(DutyParser(load_units(ROOT / "corpus", [])))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on the shipped corpus, with its own state database."""
    from web import create_app

    state = tmp_path_factory.mktemp("state") / "state.sqlite3"
    return create_app({"STATE_DB": str(state), "TESTING": True})


@pytest.fixture()
def client(app):
    """A test client of the shipped app."""
    return app.test_client()


@pytest.fixture(scope="session")
def both_plans(tmp_path_factory) -> Path:
    """A corpus folder holding the shipped plan and the Sanya plan, with the shipped YAML."""
    folder = tmp_path_factory.mktemp("both")
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    shutil.copy(SANYA, folder / SANYA.name)
    return folder


@pytest.fixture(scope="session")
def assistant():
    """The library-level assistant on the shipped corpus (no web)."""
    from qa import Assistant, StateStore

    return Assistant.from_folder(ROOT / "corpus", store=StateStore(":memory:"))


@pytest.fixture(scope="session")
def both_assistant(both_plans):
    """The assistant over both plans."""
    from qa import Assistant, StateStore

    return Assistant.from_folder(both_plans, store=StateStore(":memory:"))


@pytest.fixture()
def runner():
    """A click runner for the command line, in-process."""
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture()
def redis_server(tmp_path):
    """A real redis-server on 127.0.0.1, stopped after the test."""
    from services import RedisServer

    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless chromium (Debian's, at services.CHROMIUM); never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    from services import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
