"""Migrations on both backends: empty → head, no drift from the models, down and up, contract views."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import timeline
from timeline import db, models
from timeline.errors import SchemaOutOfDate

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
                        or (type_ == "index" and name in {"ix_events_span_date_start", "ix_events_period"})
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


def test_database_from_a_newer_timeline_is_not_used(db_url: str) -> None:
    engine = db.open_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    finally:
        engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="newer than this timeline"):
        timeline.open_db(db_url)


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
