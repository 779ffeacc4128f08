"""PostgreSQL as a first-class backend: concurrent ingest processes, the same views as SQLite, real DATEs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

import timeline
from conftest import ingest_seeds, pg_database
from timeline import db, pipeline, store
from timeline.cli import cli

# The date columns of the tables and views (DESIGN, Database: DATE in PostgreSQL).
DATE_COLUMNS = [
    ("documents", "published"),
    ("events", "date_start"),
    ("events", "date_end"),
    ("event_sources", "reference_date"),
    ("event_actor_dates", "date_start"),
    ("event_actor_dates", "date_end"),
    ("v_timeline", "date_start"),
    ("v_timeline", "date_end"),
    ("v_timeline", "first_published"),
    ("v_event_sources", "published"),
]


def _fetch(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _plain(value: Any) -> Any:
    """One cell as both backends agree on it: ISO text for dates, 0/1 for booleans."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _plain_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_plain(value) for value in row) for row in rows]


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _stories(path: Path, copy: str, count: int) -> None:
    """`count` different events (one a day), each told in this copy's own words: a different document."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            day, month = 1 + i % 28, MONTHS[(i // 28) % 12]
            body = (f"{copy} report {i}. Foreign ministers of India and France met in Paris on {day} {month} 2021 "
                    f"to discuss counterterrorism cooperation, the ministry said.")
            out.write(json.dumps({"text": body, "published": "2021-12-31", "title": f"{copy} {i}"}) + "\n")


# Every v_timeline column except those that name which copy was stored first.
_SAME_EVENTS = """SELECT date_start, date_end, date_precision, date_approximate, event_type, title, summary,
    place, country, actors, source_count, first_published FROM v_timeline"""


def test_concurrent_ingest_processes_lose_nothing_and_duplicate_nothing(empty_pg_url: str, tmp_path: Path) -> None:
    # Three processes write copies of the same stories at the same time: without the writers'
    # lock each would find no stored event and create its own (checked by disabling the lock).
    timeline.init_db(empty_pg_url)
    copies = {"a": [], "b": ["--jobs", "2"], "c": []}
    for copy in copies:
        _stories(tmp_path / f"{copy}.jsonl", copy, 150)
    shared = tmp_path / "a.jsonl"  # also ingested by a fourth process: the same documents twice at once
    env = {**os.environ, "TIMELINE_DB": empty_pg_url}
    commands = [[str(tmp_path / f"{copy}.jsonl"), *jobs] for copy, jobs in copies.items()] + [[str(shared)]]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "timeline", "ingest", *command, "--no-progress"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for command in commands
    ]
    outputs = [proc.communicate(timeout=600) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    stored = sum(int(out.split()[0]) for out, _ in outputs)
    unchanged = sum(int(out.split()[2]) for out, _ in outputs)
    assert (stored, unchanged) == (450, 150)
    assert _fetch(empty_pg_url, "SELECT count(*), count(DISTINCT sha256) FROM documents") == [(450, 450)]

    # The same documents ingested by one process give the same events (source_count included).
    one = f"sqlite:///{tmp_path / 'one.db'}"
    timeline.init_db(one)
    engine = timeline.open_db(one)
    try:
        timeline.ingest(engine, [tmp_path / f"{copy}.jsonl" for copy in copies])
    finally:
        engine.dispose()
    expected = sorted(_plain_rows(_fetch(one, _SAME_EVENTS)), key=repr)
    assert len(expected) >= 150, "each story is an event"
    assert max(row[10] for row in expected) == 3, "the three copies of a story are one event"
    assert sorted(_plain_rows(_fetch(empty_pg_url, _SAME_EVENTS)), key=repr) == expected
    assert _fetch(empty_pg_url, "SELECT count(*) FROM actors") == _fetch(one, "SELECT count(*) FROM actors")


@pytest.fixture(scope="module")
def seeds_on_both(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[tuple[str, str]]:
    """The seeds ingested through the API on a SQLite file and on a PostgreSQL database."""
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('both') / 'seeds.db'}"
    timeline.init_db(sqlite_url)
    ingest_seeds(sqlite_url)
    with pg_database(pg_url, "tl_both") as pg:
        timeline.init_db(pg)
        ingest_seeds(pg)
        yield sqlite_url, pg


@pytest.mark.parametrize(
    "view, order",
    [
        ("v_timeline", "event_id"),
        ("v_event_actors", "event_id, actor, role"),
        ("v_event_sources", "event_id, document_id, char_start"),
    ],
)
def test_seed_views_are_identical_on_sqlite_and_postgresql(seeds_on_both: tuple[str, str], view: str, order: str) -> None:
    sqlite_url, pg = seeds_on_both
    on_sqlite = _plain_rows(_fetch(sqlite_url, f"SELECT * FROM {view} ORDER BY {order}"))
    on_pg = _plain_rows(_fetch(pg, f"SELECT * FROM {view} ORDER BY {order}"))
    assert on_sqlite, f"{view} has rows for the seeds"
    assert on_pg == on_sqlite


def test_timeline_sql_reads_postgresql_like_sqlite(seeds_on_both: tuple[str, str]) -> None:
    query = ("SELECT event_id, date_start, event_type, actors, source_count FROM v_timeline"
             " WHERE date_start >= '2021-01-01' ORDER BY date_start, event_id")
    outputs = []
    for url in seeds_on_both:
        result = CliRunner().invoke(cli, ["sql", query, "--db", url, "--format", "json"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[1]) if outputs[1].lstrip().startswith("[") else outputs[1].strip()
    refused = CliRunner().invoke(cli, ["sql", "DELETE FROM documents", "--db", seeds_on_both[1]])
    assert refused.exit_code != 0
    assert _fetch(seeds_on_both[1], "SELECT count(*) FROM documents") == [(5,)]


def test_date_columns_are_real_dates_on_postgresql(seeds_on_both: tuple[str, str]) -> None:
    _, pg = seeds_on_both
    types = dict(
        ((table, column), data_type)
        for table, column, data_type in _fetch(
            pg,
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema()",
        )
    )
    assert {key: types.get(key) for key in DATE_COLUMNS} == {key: "date" for key in DATE_COLUMNS}
    # Date arithmetic works on them as dates, not text.
    assert _fetch(pg, "SELECT count(*) FROM v_timeline WHERE date_end - date_start < 0") == [(0,)]


def test_read_only_engines_run_without_jit_and_writers_keep_the_server_setting(pg_url: str) -> None:
    def jit(read_only: bool) -> str:
        engine = db.open_engine(pg_url, read_only=read_only)
        try:
            with engine.connect() as conn:
                # Twice: the setting must outlive the first transaction on a pooled connection.
                conn.execute(text("SHOW jit")).scalar_one()
                conn.commit()
                return str(conn.execute(text("SHOW jit")).scalar_one())
        finally:
            engine.dispose()

    assert jit(read_only=True) == "off"
    server = _fetch(pg_url, "SELECT reset_val FROM pg_settings WHERE name = 'jit'")[0][0]
    assert jit(read_only=False) == server


def _analyze_counts(url: str) -> dict[str, int]:
    rows = _fetch(url, "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE schemaname = current_schema()")
    return dict(rows)  # type: ignore[arg-type]


def _without_autovacuum(url: str) -> None:
    # Only the writer's own ANALYZE may refresh statistics here, whenever autovacuum wakes up.
    engine = db.open_engine(url)
    try:
        with engine.begin() as conn:
            for table in store.GROWN_TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    finally:
        engine.dispose()


def test_analyze_grown_tables_refreshes_tables_that_grew_and_only_those(empty_pg_url: str) -> None:
    timeline.init_db(empty_pg_url)
    _without_autovacuum(empty_pg_url)
    engine = db.open_engine(empty_pg_url)

    def add_places_then_analyze(first: int, count: int) -> list[str]:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO places (name, kind) SELECT 'place ' || n, 'city'"
                f" FROM generate_series({first}, {first + count - 1}) AS n"
            )
            conn.exec_driver_sql("SELECT pg_stat_force_next_flush()")  # reported when the transaction ends
        with engine.begin() as conn:
            return store.analyze_grown_tables(conn)

    try:
        below = store.ANALYZE_MIN_ROWS - 1
        assert add_places_then_analyze(0, below) == []  # a few rows: not worth an ANALYZE
        assert add_places_then_analyze(below, 1) == ["places"]
        grown = int(store.ANALYZE_GROWTH * store.ANALYZE_MIN_ROWS)
        assert add_places_then_analyze(store.ANALYZE_MIN_ROWS, grown - 1) == []  # not yet doubled
        assert add_places_then_analyze(store.ANALYZE_MIN_ROWS + grown - 1, 1) == ["places"]
    finally:
        engine.dispose()
    assert _analyze_counts(empty_pg_url)["places"] == 2
    assert _fetch(empty_pg_url, "SELECT reltuples FROM pg_class WHERE relname = 'places'"
                  " AND relnamespace = current_schema()::regnamespace") == [(store.ANALYZE_MIN_ROWS + grown,)]


def test_ingest_analyzes_growing_tables_between_batches_and_keeps_every_document(
    empty_pg_url: str, tmp_path: Path
) -> None:
    timeline.init_db(empty_pg_url)
    _without_autovacuum(empty_pg_url)
    count = 2 * store.ANALYZE_MIN_ROWS
    with (tmp_path / "a.jsonl").open("w", encoding="utf-8") as out:
        for i in range(count):  # a different event each, a year and more apart: no neighbours to compare
            when = date(2021, 5, 3) - timedelta(days=367 * i)
            body = (f"Report {i}. Foreign ministers of India and France met in Paris on"
                    f" {when.day} {MONTHS[when.month - 1]} {when.year}.")
            out.write(json.dumps({"text": body, "published": "2021-12-31", "title": f"report {i}"}) + "\n")
    engine = db.open_engine(empty_pg_url)
    try:
        summary = pipeline.ingest(engine, [tmp_path / "a.jsonl"])
    finally:
        engine.dispose()
    assert (summary.stored, summary.events_created, summary.rejected) == (count, count, [])
    counts = _analyze_counts(empty_pg_url)
    # Statistics reach the collector up to a second after a commit, so a last doubling may be missed.
    assert counts["events"] >= 1 and counts["event_actors"] >= 1 and counts["event_actor_dates"] >= 1
    assert counts["documents"] == counts["event_sources"] == 0  # left to autovacuum
    assert _fetch(empty_pg_url, "SELECT count(*) FROM documents") == [(count,)]


def test_analyze_grown_tables_does_nothing_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'timeline.db'}"
    timeline.init_db(url)
    engine = db.open_engine(url)
    try:
        with engine.begin() as conn:
            assert store.analyze_grown_tables(conn) == []
    finally:
        engine.dispose()


def test_a_role_without_the_privileges_gets_the_reason_not_a_traceback(pg_url: str) -> None:
    # PostgreSQL only: SQLite has no roles (a read-only file is an OperationalError, reported as such).
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    role = f"tl_role_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        with pg_database(pg_url, "tl_roles") as empty, pg_database(pg_url, "tl_roles") as migrated:
            timeline.init_db(migrated)
            as_role = {name: make_url(url).set(username=role, password=None).render_as_string(hide_password=False)
                       for name, url in (("empty", empty), ("migrated", migrated))}
            runner = CliRunner()
            init = runner.invoke(cli, ["init", "--db", as_role["empty"]])
            assert init.exit_code == 2, init.output
            assert init.output.startswith(f"timeline: database {as_role['empty']}: cannot migrate: "
                                          "permission denied for schema public\n")
            assert "needs a role that may create tables there" in init.output
            events = runner.invoke(cli, ["events", "--db", as_role["migrated"]])
            assert events.exit_code == 2, events.output
            assert events.output == (f"timeline: database {as_role['migrated']}: "
                                     "permission denied for table alembic_version\n")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
