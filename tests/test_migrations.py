"""Migrations on both backends: empty → head, no drift from the models, down and up, contract views."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import timeline
from conftest import query_rows
from timeline import db, models
from timeline.errors import ConfigError, SchemaOutOfDate
from timeline.records import ACTOR_KINDS, ACTOR_ROLES, EVENT_TYPES, PRECISIONS, PUBLISHED_SOURCES

CONTRACT_VIEWS = {
    "v_timeline": [
        "event_id", "date_start", "date_end", "date_precision", "date_approximate", "event_type", "title",
        "summary", "place", "country", "actors", "source_count", "first_published", "first_source",
    ],
    "v_event_actors": ["event_id", "actor", "actor_kind", "role"],
    "v_event_sources": [
        "event_id", "document_id", "document_title", "source_uri", "published", "sentence", "char_start",
        "char_end", "date_text",
    ],
}
TABLES = {"documents", "events", "event_sources", "actors", "actor_aliases", "event_actors", "places"}


def _view_columns(url: str, view: str) -> list[str]:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(f"SELECT * FROM {view} WHERE 1 = 0")).keys())
    finally:
        engine.dispose()


def test_empty_database_migrates_to_head_with_every_table(empty_db_url: str) -> None:
    before, after = timeline.init_db(empty_db_url)
    assert before is None
    assert after == db.head_revision()
    engine = db.open_engine(empty_db_url)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert TABLES <= names


@pytest.mark.parametrize("view", sorted(CONTRACT_VIEWS))
def test_view_columns_equal_the_contract(db_url: str, view: str) -> None:
    assert _view_columns(db_url, view) == CONTRACT_VIEWS[view]


def test_autogenerate_finds_no_difference_from_the_models(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "target_metadata": models.Base.metadata,
                    # Views and the expression indexes are made by hand in migrations (0002, 0004).
                    "include_object": lambda obj, name, type_, reflected, compare_to: not (
                        (type_ == "table" and name.startswith("v_"))
                        or (type_ == "index" and name in {"ix_events_span_date_start", "ix_events_period",
                                                          "ix_events_placed_type_date_end"})
                    ),
                },
            )
            diff = compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        db.downgrade(engine, "base")
        assert db.current_revision(engine) is None
        remaining = set(inspect(engine).get_table_names()) & TABLES
        assert remaining == set()
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()
    assert _view_columns(db_url, "v_timeline") == CONTRACT_VIEWS["v_timeline"]


def test_init_twice_is_a_no_op(db_url: str) -> None:
    before, after = timeline.init_db(db_url)
    assert before == after == db.head_revision()


def test_database_without_schema_asks_for_init(empty_db_url: str) -> None:
    with pytest.raises(SchemaOutOfDate, match="run `timeline init`"):
        timeline.open_db(empty_db_url)


def test_database_behind_the_code_asks_for_init(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        db.downgrade(engine, "base")
    finally:
        engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="run `timeline init`"):
        timeline.open_db(db_url)


def _mark_newer(url: str) -> None:
    """Set the database's revision to one this code does not have, as a newer timeline would."""
    engine = db.open_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    finally:
        engine.dispose()


def test_database_from_a_newer_timeline_is_not_used(db_url: str) -> None:
    _mark_newer(db_url)
    with pytest.raises(SchemaOutOfDate, match="newer than this timeline"):
        timeline.open_db(db_url)


def test_init_on_a_database_from_a_newer_timeline_says_so_and_changes_nothing(db_url: str) -> None:
    # Alembic cannot find the revision to upgrade from; that was a traceback.
    from click.testing import CliRunner

    from timeline.cli import cli

    _mark_newer(db_url)
    result = CliRunner().invoke(cli, ["init", "--db", db_url])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "is at revision ffffffffffff, newer than this timeline" in result.output
    assert "upgrade timeline" in result.output
    with pytest.raises(SchemaOutOfDate, match="newer than this timeline"):
        timeline.init_db(db_url)
    assert query_rows(db_url, "SELECT version_num FROM alembic_version") == [("ffffffffffff",)]


def test_several_inits_at_once_on_a_new_database_all_succeed_and_one_creates_it(empty_db_url: str) -> None:
    # Two cron jobs on a new server: on PostgreSQL all but one failed on a duplicate key.
    import subprocess
    import sys

    command = [sys.executable, "-m", "timeline", "init", "--db", empty_db_url]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    assert [code for code, _, _ in results] == [0, 0, 0, 0], results
    said = sorted(out.split(": ", 1)[1].strip() for _, out, _ in results)
    head = db.HEAD_REVISION
    assert said == [f"created at revision {head}"] + [f"up to date at revision {head}"] * 3
    assert query_rows(empty_db_url, "SELECT version_num FROM alembic_version") == [(head,)]


def test_check_constraints_reject_reversed_dates_and_unknown_vocabularies(db_url: str) -> None:
    from datetime import UTC, date, datetime

    from sqlalchemy.exc import IntegrityError

    engine = db.open_engine(db_url)
    now = datetime(2021, 10, 29, tzinfo=UTC)
    base = {
        "event_type": "meeting", "title": "t", "summary": "s", "date_approximate": False, "status": "past",
        "confidence": 0.5, "curated": False, "created_at": now, "updated_at": now,
    }
    bad_rows = [
        {**base, "date_start": date(2021, 10, 27), "date_end": date(2021, 10, 26), "date_precision": "day"},
        {**base, "event_type": "party"},
        {**base, "date_start": date(2021, 10, 27), "date_end": date(2021, 10, 27), "date_precision": "fortnight"},
        {**base, "date_start": date(2021, 10, 27), "date_end": None},
    ]
    try:
        for row in bad_rows:
            with pytest.raises(IntegrityError):
                with engine.begin() as conn:
                    conn.execute(models.Event.__table__.insert().values(row))
    finally:
        engine.dispose()


def test_upgrading_a_filled_database_backfills_event_actor_dates(seeded_db: str) -> None:
    from test_store import assert_actor_dates_in_step

    engine = db.open_engine(seeded_db)
    try:
        db.downgrade(engine, "0002")
        assert "event_actor_dates" not in inspect(engine).get_table_names()
        db.upgrade(engine)
    finally:
        engine.dispose()
    assert assert_actor_dates_in_step(seeded_db) > 0


# Made by hand in migrations (0002 and 0010 indexes, 0003, 0005, 0007 and 0008 triggers): a later migration that
# rebuilt events on SQLite (batch mode) would silently drop them.
HAND_MADE = {
    "sqlite": (
        "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')",
        {"ix_events_span_date_start", "ix_events_placed_type_date_end", "tr_event_actors_add_names_and_dates", "tr_event_actors_drop_dates",
         "tr_event_actors_move_dates", "tr_events_redate_actors", "tr_event_actors_drop_names", "tr_event_actors_move_names", "tr_actors_rename_events",
         "tr_event_sources_add_summary", "tr_event_sources_drop_summary", "tr_event_sources_move_summary",
         "tr_documents_resummarise_events"},
    ),
    "postgresql": (
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal UNION SELECT indexname FROM pg_indexes",
        {"ix_events_period", "tr_event_actors_keep_dates", "tr_events_redate_actors",
         "tr_event_actors_store_names", "tr_actors_rename_events", "tr_event_sources_store_summary",
         "tr_documents_resummarise_events"},
    ),
}


def test_upgrading_a_filled_database_backfills_the_event_summaries_and_keeps_v_timeline(seeded_db: str) -> None:
    from test_store import assert_summaries_in_step

    timeline_rows = "SELECT * FROM v_timeline ORDER BY event_id"
    at_head = query_rows(seeded_db, timeline_rows)
    engine = db.open_engine(seeded_db)
    try:
        db.downgrade(engine, "0004")
        assert "actor_names" not in {c["name"] for c in inspect(engine).get_columns("events")}
    finally:
        engine.dispose()
    # 0001's v_timeline computes what 0005 stores: the same rows.
    assert query_rows(seeded_db, timeline_rows) == at_head
    # Written at 0004, with no triggers to follow them: the backfill must find them.
    engine = db.open_engine(seeded_db)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE actors SET name = 'Zz renamed at 0004' WHERE id = (SELECT min(actor_id)"
                              " FROM event_actors)"))
            conn.execute(text("DELETE FROM event_sources WHERE id = (SELECT min(id) FROM event_sources)"))
    finally:
        engine.dispose()
    at_0004 = query_rows(seeded_db, timeline_rows)
    assert at_0004 != at_head
    engine = db.open_engine(seeded_db)
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()
    assert assert_summaries_in_step(seeded_db) > 0
    assert query_rows(seeded_db, timeline_rows) == at_0004
    sql, expected = HAND_MADE["sqlite" if seeded_db.startswith("sqlite") else "postgresql"]
    assert expected <= {name for (name,) in query_rows(seeded_db, sql)}


def test_0011_numbers_the_stored_resolutions_from_their_titles(seeded_db: str) -> None:
    numbers = "SELECT id, number FROM events WHERE event_type = 'resolution' ORDER BY id"
    at_head = query_rows(seeded_db, numbers)
    assert {number for _id, number in at_head} >= {"2593", "2396"}  # ingest writes them
    engine = db.open_engine(seeded_db)
    try:
        db.downgrade(engine, "0010")
        assert "number" not in {c["name"] for c in inspect(engine).get_columns("events")}
        db.upgrade(engine)
    finally:
        engine.dispose()
    assert query_rows(seeded_db, numbers) == at_head  # the backfill reads "... Resolution 2593" in the titles
    sql, expected = HAND_MADE["sqlite" if seeded_db.startswith("sqlite") else "postgresql"]
    assert expected <= {name for (name,) in query_rows(seeded_db, sql)}  # ADD COLUMN rebuilt nothing


def test_head_revision_constant_is_the_newest_migration() -> None:
    # check_schema compares with the constant so that opening a database needs no Alembic import.
    assert db.HEAD_REVISION == db.head_revision()


def test_current_revision_reads_the_version_table_as_alembic_does(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        with engine.connect() as conn:
            assert db.current_revision(engine) == MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_two_schema_revisions_at_once_are_an_error_naming_them(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0003')"))
        with pytest.raises(ConfigError, match=rf"several schema revisions at once \(0003, {db.HEAD_REVISION}\)"):
            db.current_revision(engine)
    finally:
        engine.dispose()


def test_downgrading_0007_restores_0005s_triggers_and_both_keep_the_summaries(seeded_db: str) -> None:
    from test_store import assert_summaries_in_step

    incremental = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%source_count + 1%'"
    link = ("INSERT INTO event_sources (event_id, document_id, sentence, char_start, char_end, confidence)"
            " SELECT e.id, d.id, 'A sentence.', 900 + e.id, 905 + e.id, 0.5 FROM events e CROSS JOIN documents d"
            " WHERE e.id % 4 = {0} AND d.id % 3 = {0}")
    engine = db.open_engine(seeded_db)
    try:
        db.downgrade(engine, "0006")
        if seeded_db.startswith("sqlite"):
            assert query_rows(seeded_db, incremental) == [(0,)]
        with engine.begin() as conn:
            conn.execute(text(link.format(1)))
        assert assert_summaries_in_step(seeded_db) > 0
        db.upgrade(engine)
        if seeded_db.startswith("sqlite"):
            assert query_rows(seeded_db, incremental) == [(1,)]
        with engine.begin() as conn:
            conn.execute(text(link.format(2)))
            conn.execute(text("DELETE FROM event_sources WHERE char_start = 901"))
    finally:
        engine.dispose()
    assert assert_summaries_in_step(seeded_db) > 0
    sql, expected = HAND_MADE["sqlite" if seeded_db.startswith("sqlite") else "postgresql"]
    assert expected <= {name for (name,) in query_rows(seeded_db, sql)}


def test_0008_merges_the_event_actors_insert_triggers_and_downgrading_restores_both(db_url: str) -> None:
    import random

    from test_store import random_actor_link_changes, run_each_and_check, summary_fixture_ids

    insert_triggers = ("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'event_actors'"
                       " AND sql LIKE '%AFTER INSERT%' ORDER BY name")
    sqlite = db_url.startswith("sqlite")
    _, event_ids, actor_ids = summary_fixture_ids(db_url)
    rng = random.Random(5)
    engine = db.open_engine(db_url)
    try:
        db.downgrade(engine, "0007")
        if sqlite:
            assert query_rows(db_url, insert_triggers) == [("tr_event_actors_add_dates",), ("tr_event_actors_add_names",)]
        run_each_and_check(db_url, random_actor_link_changes(rng, event_ids, actor_ids, 60, sqlite))
        db.upgrade(engine)
        if sqlite:
            assert query_rows(db_url, insert_triggers) == [("tr_event_actors_add_names_and_dates",)]
        run_each_and_check(db_url, random_actor_link_changes(rng, event_ids, actor_ids, 60, sqlite))
    finally:
        engine.dispose()
    assert query_rows(db_url, "SELECT count(*) FROM event_actor_dates")[0][0] > 0


# The vocabulary CHECKs that 0009 writes as OR chains on SQLite, with a row admitted by everything else
# (:value in the vocabulary column, :key unique), on both backends.
VOCABULARY_ROWS = {
    ("documents", "published_source", (*PUBLISHED_SOURCES, None)): (
        "INSERT INTO documents (sha256, uri, text, published_source, boilerplate, char_count, ingested_at)"
        " VALUES (:key, 'test.txt', 'A test.', :value, '[]', 7, CURRENT_TIMESTAMP)"),
    ("events", "event_type", EVENT_TYPES): (
        "INSERT INTO events (event_type, title, summary, date_approximate, status, confidence, curated, created_at,"
        " updated_at) VALUES (:value, :key, 's', FALSE, 'past', 0.5, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
    ("events", "date_precision", (*PRECISIONS, None)): (
        "INSERT INTO events (event_type, title, summary, date_precision, date_approximate, status, confidence,"
        " curated, created_at, updated_at) VALUES ('other', :key, 's', :value, FALSE, 'past', 0.5, FALSE,"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
    ("event_actors", "role", ACTOR_ROLES): (
        "INSERT INTO event_actors (event_id, actor_id, role) VALUES"
        " ((SELECT min(id) FROM events), (SELECT id FROM actors WHERE name = 'Actor of the vocabulary test'), :value)"),
    ("actors", "kind", ACTOR_KINDS): "INSERT INTO actors (name, kind) VALUES (:key, :value)",
}


def assert_vocabularies_admit_every_word_and_nothing_else(url: str) -> None:
    """Insert a row for each word (and NULL where allowed) and one with 'bogus', all rolled back."""
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            conn.execute(text("INSERT INTO actors (name, kind) VALUES ('Actor of the vocabulary test', 'person')"))
            for (table, column, words), insert in VOCABULARY_ROWS.items():
                for number, word in enumerate(words):
                    conn.execute(text(insert), {"key": f"{column} {number}", "value": word})
                with pytest.raises(IntegrityError, match=f"ck_{table}_{column}"), conn.begin_nested():
                    conn.execute(text(insert), {"key": f"{column} bogus", "value": "bogus"})
            transaction.rollback()
    finally:
        engine.dispose()


def test_vocabulary_checks_admit_every_word_and_reject_others(db_url: str) -> None:
    assert_vocabularies_admit_every_word_and_nothing_else(db_url)


def _sqlite_schema(url: str) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """Every object's (type, SQL) by name, and each table's triggers in the order they were made."""
    rows = query_rows(url, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")
    objects = {name: (type_, sql) for type_, name, _, sql in rows}
    triggers: dict[str, list[str]] = {}
    for type_, name, table, _ in rows:
        if type_ == "trigger":
            triggers.setdefault(table, []).append(name)
    return objects, triggers


def _sqlite_rows(url: str) -> dict[str, list[tuple]]:
    """Every table's rows with their rowids (WITHOUT ROWID tables by key)."""
    tables = query_rows(url, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {name: query_rows(url, f"SELECT * FROM {name} ORDER BY 1, 2, 3, 4" if "WITHOUT ROWID" in sql
                             else f"SELECT rowid, * FROM {name} ORDER BY rowid")
            for name, sql in tables if name != db.VERSION_TABLE}


def test_0009_writes_the_vocabulary_checks_as_or_chains_on_sqlite_keeping_rows_indexes_triggers_and_views(
    seeded_db: str, tmp_path: Path
) -> None:
    from test_store import (
        assert_actor_dates_in_step,
        random_actor_link_changes,
        run_each_and_check,
        summary_fixture_ids,
    )

    sqlite = seeded_db.startswith("sqlite")
    events_sql = "SELECT sql FROM sqlite_master WHERE name = 'events'"
    timeline_rows = "SELECT * FROM v_timeline ORDER BY event_id"
    if sqlite:
        fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
        engine = db.open_engine(fresh)
        try:
            db.upgrade(engine, "0008")
        finally:
            engine.dispose()
        engine = db.open_engine(seeded_db)
        try:
            with engine.begin() as conn:  # a gap in the rowids, which the rebuilt event_actors must keep
                conn.execute(text("DELETE FROM event_actors WHERE rowid = (SELECT min(rowid) FROM event_actors)"))
        finally:
            engine.dispose()
        fresh_0008 = _sqlite_schema(fresh)
        engine = db.open_engine(seeded_db)
        try:  # the rows as 0009 and 0010 left them: 0011 adds events.number
            db.downgrade(engine, "0010")
            rows_0010 = _sqlite_rows(seeded_db)
            db.upgrade(engine)
        finally:
            engine.dispose()
        at_head = _sqlite_schema(seeded_db), _sqlite_rows(seeded_db)
        assert at_head[0][1] == fresh_0008[1]  # each table's triggers fire in 0008's order
    views = query_rows(seeded_db, timeline_rows)
    engine = db.open_engine(seeded_db)
    try:
        db.downgrade(engine, "0008")
        if sqlite:
            assert "(event_type IN ('meeting', 'statement'," in query_rows(seeded_db, events_sql)[0][0]
            # The objects, SQL and trigger order of a new database at 0008, but for the rebuilt tables'
            # names, which SQLite's rename quotes in their CREATE TABLE.
            objects, triggers = _sqlite_schema(seeded_db)
            unquoted = {name: (type_, sql and sql.replace(f'CREATE TABLE "{name}"', f"CREATE TABLE {name}"))
                        for name, (type_, sql) in objects.items()}
            assert (unquoted, triggers) == fresh_0008
            assert _sqlite_rows(seeded_db) == rows_0010
        assert query_rows(seeded_db, timeline_rows) == views
        assert_vocabularies_admit_every_word_and_nothing_else(seeded_db)
        db.upgrade(engine)
        if sqlite:
            assert "(event_type = 'meeting' OR event_type = 'statement' OR" in query_rows(seeded_db, events_sql)[0][0]
            # The schema of a new database at head (the seeded one was made by `timeline init`), rows and all.
            assert (_sqlite_schema(seeded_db), _sqlite_rows(seeded_db)) == at_head
            assert query_rows(seeded_db, "PRAGMA integrity_check") == [("ok",)]
            assert query_rows(seeded_db, "PRAGMA foreign_key_check") == []
            with engine.connect() as conn:  # the migrating connection is pooled again, with foreign keys on
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert query_rows(seeded_db, timeline_rows) == views
    assert_vocabularies_admit_every_word_and_nothing_else(seeded_db)
    # The triggers made again keep the stored copies.
    _, event_ids, actor_ids = summary_fixture_ids(seeded_db)
    run_each_and_check(seeded_db, random_actor_link_changes(random.Random(9), event_ids, actor_ids, 30, sqlite))
    assert assert_actor_dates_in_step(seeded_db) > 0
