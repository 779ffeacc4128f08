"""Shared fixtures: migrated databases on both backends, the seeded database, a CLI runner."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import timeline
from timeline import db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
PG_ENV = "TIMELINE_TEST_PG_URL"
# The day the tests pretend it is, for checks against "the future" (never the real clock).
TODAY = date(2026, 11, 22)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def _pg_base_url() -> str:
    """The PostgreSQL server URL; under CI a missing server fails, elsewhere the test is skipped."""
    url = os.environ.get(PG_ENV)
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        if in_ci:
            pytest.fail(f"{PG_ENV} is not set; under CI=true PostgreSQL is required")
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server is reported the same way
        if in_ci:
            pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable under CI=true: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {PG_ENV} unreachable: {exc}")
    return url


@pytest.fixture(scope="session")
def pg_url() -> str:
    return _pg_base_url()


def _with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.set(query=query).render_as_string(hide_password=False)


@pytest.fixture
def empty_pg_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (not migrated), dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(pg_url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each backend (nothing migrated yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'timeline.db'}"
    return request.getfixturevalue("empty_pg_url")


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A database on each backend migrated to head by Alembic (never create_all)."""
    timeline.init_db(empty_db_url)
    return empty_db_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file migrated to head, for tests about SQLite itself."""
    url = f"sqlite:///{tmp_path / 'timeline.db'}"
    timeline.init_db(url)
    return url


def query_rows(url: str, sql: str, params: dict | None = None) -> list[tuple]:
    """Rows of one SQL statement on a fresh engine (tests look at the database as users do)."""
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params or {})]
    finally:
        engine.dispose()


def query_count(url: str, sql: str) -> int:
    """The single integer an SQL statement returns."""
    ((value,),) = query_rows(url, sql)
    return int(value)


def write_user_lexicon(folder: Path, actors: str | None = None) -> Path:
    """A settings file in `folder` naming a lexicon folder of its own: "Islamic Emirate" is the Taliban and
    "huddled" a meeting (or `actors` as actors.toml); the settings file's path."""
    words = folder / "words"
    words.mkdir()
    (words / "actors.toml").write_text(
        actors if actors is not None
        else '[[actor]]\nname = "Taliban"\nkind = "armed_group"\naliases = ["Islamic Emirate"]\n', encoding="utf-8")
    (words / "triggers.toml").write_text('[types.meeting]\ntriggers = ["huddled"]\n', encoding="utf-8")
    settings = folder / "timeline.toml"
    settings.write_text('lexicon = ["words"]\n', encoding="utf-8")
    return settings


HUDDLE = "The Islamic Emirate huddled with Pakistan on Monday.\n"  # a meeting only with write_user_lexicon's words


def ingest_seeds(url: str) -> None:
    engine = timeline.open_db(url)
    try:
        paths = sorted(p for p in SEEDS.glob("*.txt"))
        timeline.ingest(engine, paths, manifest=SEEDS / "manifest.csv", today=TODAY)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    url = f"sqlite:///{path}"
    timeline.init_db(url)
    ingest_seeds(url)
    # Fold the WAL into the main file so that a plain file copy is complete.
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@contextmanager
def pg_database(pg_url: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """A new database on the test server (a file copy of `template` when given), dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _seeded_pg_template(pg_url: str) -> Iterator[str]:
    with pg_database(pg_url, "tl_seeded") as url:
        timeline.init_db(url)
        ingest_seeds(url)
        yield str(make_url(url).database)


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The seeds ingested once per session through the API, copied for each test (both backends)."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_seeded_sqlite_template")
        target = tmp_path / "seeded.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    pg_url = request.getfixturevalue("pg_url")
    template = request.getfixturevalue("_seeded_pg_template")
    with pg_database(pg_url, "tl", template) as url:
        yield url


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
