"""SQLite connection settings, concurrent writers, cascades, and database URLs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import ingest_seeds
from timeline import db
from timeline.config import load_settings, redact_url, to_db_url
from timeline.errors import ConfigError


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = db.open_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
            # A writer keeps the indexes it updates in memory (ingest read pages back 14x as often).
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -db.CACHE_KIB
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == db.WAL_CHECKPOINT_PAGES
    finally:
        engine.dispose()


def test_read_only_sqlite_connections_refuse_writes_and_map_the_file(sqlite_url: str) -> None:
    ingest_seeds(sqlite_url)
    engine = db.open_engine(sqlite_url, read_only=True)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA query_only").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == db.READ_MMAP_BYTES
            count = conn.exec_driver_sql("SELECT COUNT(*) FROM v_timeline").scalar()
            assert count > 0
            with pytest.raises(Exception, match="readonly|read-only|query_only"):
                conn.exec_driver_sql("DELETE FROM events")
    finally:
        engine.dispose()


def _jsonl(path: Path, prefix: str, count: int, shared: int) -> None:
    lines = []
    for i in range(count):
        body = f"Shared report {i}: ministers met in Geneva on 3 March 2021." if i < shared else (
            f"Report {prefix}-{i}: the council met on {1 + i % 28} March 2021 to discuss item {i}."
        )
        lines.append(json.dumps({"text": body, "published": "2021-03-30", "title": f"{prefix} {i}"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_two_ingest_processes_on_one_sqlite_file_lose_and_duplicate_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _jsonl(first, "a", 150, shared=40)
    _jsonl(second, "b", 150, shared=40)
    env = {**os.environ, "TIMELINE_DB": sqlite_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "timeline", "ingest", str(path), "--no-progress"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for path in (first, second)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
    engine = db.open_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*), count(DISTINCT sha256) FROM documents")).one()
            integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    finally:
        engine.dispose()
    # 40 texts are in both files: stored once.
    assert tuple(total) == (260, 260)
    assert integrity == "ok"


def test_deleting_a_document_removes_its_sources(seeded_db: str) -> None:
    engine = db.open_engine(seeded_db)
    try:
        with engine.begin() as conn:
            document_id = conn.execute(text("SELECT min(document_id) FROM event_sources")).scalar()
            if document_id is None:
                pytest.skip("the seeds produced no events to cascade from")
            conn.execute(text("DELETE FROM documents WHERE id = :id"), {"id": document_id})
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT count(*) FROM event_sources WHERE document_id = :id"), {"id": document_id}
            ).scalar()
    finally:
        engine.dispose()
    assert left == 0


def test_a_path_becomes_an_absolute_sqlite_url(tmp_path: Path) -> None:
    assert to_db_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert to_db_url("postgresql+psycopg://u:p@h/d") == "postgresql+psycopg://u:p@h/d"


def test_redacted_urls_hide_the_password() -> None:
    assert redact_url("postgresql+psycopg://u:secret@h/d") == "postgresql+psycopg://u:***@h/d"


def test_settings_file_then_environment_then_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings_file = tmp_path / "timeline.toml"
    settings_file.write_text('[timeline]\ndb = "from-file.db"\nmax_bytes = 1000\n', encoding="utf-8")
    monkeypatch.delenv("TIMELINE_DB", raising=False)
    assert load_settings(config=settings_file).db_url.endswith("from-file.db")
    assert load_settings(config=settings_file).max_bytes == 1000
    monkeypatch.setenv("TIMELINE_DB", str(tmp_path / "from-env.db"))
    assert load_settings(config=settings_file).db_url.endswith("from-env.db")
    assert load_settings(db=str(tmp_path / "flag.db"), config=settings_file).db_url.endswith("flag.db")


def test_a_bad_settings_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "timeline.toml"
    bad.write_text("[timeline]\nmax_bytes = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_bytes"):
        load_settings(config=bad)
    bad.write_text("[timeline]\ncolour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(config=bad)


@pytest.mark.parametrize("key, attr", [("reports", "reports_dirs"), ("lexicon", "lexicon_dirs")])
def test_a_missing_reports_or_lexicon_folder_in_the_settings_is_a_config_error(
    tmp_path: Path, key: str, attr: str
) -> None:
    # Relative to the settings file, as db is; without the check the shipped reports (or lexicon)
    # were used instead.
    (tmp_path / "conf").mkdir()
    settings_file = tmp_path / "conf" / "timeline.toml"
    settings_file.write_text(f'{key} = ["my-{key}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config=settings_file)
    assert str(caught.value) == (f"settings file {settings_file}: {key}: folder 'my-{key}' "
                                 f"({tmp_path / 'conf' / f'my-{key}'}) not found")
    (tmp_path / "conf" / f"my-{key}").mkdir()
    assert getattr(load_settings(config=settings_file), attr) == (tmp_path / "conf" / f"my-{key}",)


def test_a_missing_driver_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no driver"):
        db.open_engine("mysql+nosuchdriver://u@h/d")


@pytest.mark.parametrize("url, advice", [
    ("postgresql+nosuchdriver://u@h/d", "timeline[postgres] installs psycopg: write the URL as postgresql+psycopg://"),
    ("postgres://u@h/d", "timeline[postgres] installs psycopg: write the URL as postgresql+psycopg://"),
    ("mysql+nosuchdriver://u@h/d", "timeline runs on SQLite (a file path, or sqlite:///PATH) and on PostgreSQL"),
], ids=["other postgresql driver", "postgres alias", "other database"])
def test_a_url_timeline_cannot_open_says_which_url_it_can(url: str, advice: str) -> None:
    # "install timeline[postgres]" would not help any of these.
    with pytest.raises(ConfigError) as caught:
        db.open_engine(url)
    assert str(caught.value).startswith(f"database {url}: no driver (")
    assert advice in str(caught.value)
    assert "install timeline[postgres]" not in str(caught.value)
