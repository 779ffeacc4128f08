"""store each event's actors and source summary on events, kept by triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

v_timeline's four derived columns (actors, source_count, first_published, first_source) were
correlated subqueries evaluated per row: at 1M events they were most of a one-month briefing on
SQLite and ~40 µs a row of an actor+period query on PostgreSQL. They are now stored on events as
actor_names, source_count, first_published and first_source, and v_timeline reads them; its
columns (names and order) are unchanged (DESIGN.md, Views).

As with event_actor_dates (0003), triggers keep them, not store.py: ingest, merges, the curation
commands and a user's own SQL all go through them. They follow event_actors (insert, delete,
update), actors.name, event_sources (insert, delete, update) and documents.title/uri/published;
deleting an actor, event or document cascades through event_actors/event_sources and so through
the same triggers. Each stored column always equals the 0001 definition:

    actor_names      canonical names of the event's actors, DISTINCT, joined with '; ' by name
    source_count     COUNT(DISTINCT document_id) of its event_sources (0 without sources)
    first_published  MIN(documents.published) over its sources
    first_source     COALESCE(title, uri) of its earliest-published source document

The columns are added with plain ALTER TABLE ADD COLUMN: on SQLite `batch_alter_table` would
rebuild events and drop the 0002 expression index and the 0003 triggers.
NOTE: these columns belong to the triggers; nothing else writes them. A later `batch_alter_table`
on event_actors, actors, event_sources or documents rebuilds that table on SQLite and drops its
triggers: such a migration must create them again (create_triggers below), as for 0002 and 0003.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The derivations of 0001's v_timeline, for the event whose id is `{event}`.
_ACTOR_NAMES = {
    "sqlite": """(SELECT group_concat(name, '; ') FROM (
        SELECT DISTINCT a.name AS name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id
        WHERE ea.event_id = {event} ORDER BY a.name))""",
    "postgresql": """(SELECT string_agg(DISTINCT a.name, '; ' ORDER BY a.name)
        FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = {event})""",
}
_SOURCE_SUMMARY = """source_count = (SELECT COUNT(DISTINCT es.document_id) FROM event_sources es
        WHERE es.event_id = {event}),
    first_published = (SELECT MIN(d.published) FROM event_sources es JOIN documents d ON d.id = es.document_id
        WHERE es.event_id = {event}),
    first_source = (SELECT COALESCE(d.title, d.uri) FROM event_sources es JOIN documents d ON d.id = es.document_id
        WHERE es.event_id = {event}
        ORDER BY CASE WHEN d.published IS NULL THEN 1 ELSE 0 END, d.published, d.id LIMIT 1)"""


def _set_actor_names(dialect: str, where: str) -> str:
    return f"UPDATE events SET actor_names = {_ACTOR_NAMES[dialect].format(event='events.id')} WHERE {where}"


def _set_source_summary(where: str) -> str:
    return f"UPDATE events SET {_SOURCE_SUMMARY.format(event='events.id')} WHERE {where}"


def _backfill(dialect: str) -> str:
    return (f"UPDATE events SET actor_names = {_ACTOR_NAMES[dialect].format(event='events.id')},\n    "
            f"{_SOURCE_SUMMARY.format(event='events.id')}")


# SQLite: row triggers, each one UPDATE of the events concerned (by primary key or the
# event_actors/event_sources indexes on actor_id and document_id).
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER tr_event_actors_add_names AFTER INSERT ON event_actors
BEGIN
    {_set_actor_names("sqlite", "id = NEW.event_id")};
END""",
    f"""CREATE TRIGGER tr_event_actors_drop_names AFTER DELETE ON event_actors
BEGIN
    {_set_actor_names("sqlite", "id = OLD.event_id")};
END""",
    f"""CREATE TRIGGER tr_event_actors_move_names AFTER UPDATE OF event_id, actor_id ON event_actors
BEGIN
    {_set_actor_names("sqlite", "id IN (OLD.event_id, NEW.event_id)")};
END""",
    f"""CREATE TRIGGER tr_actors_rename_events AFTER UPDATE OF name ON actors
WHEN OLD.name IS NOT NEW.name
BEGIN
    {_set_actor_names("sqlite", "id IN (SELECT ea.event_id FROM event_actors ea WHERE ea.actor_id = NEW.id)")};
END""",
    f"""CREATE TRIGGER tr_event_sources_add_summary AFTER INSERT ON event_sources
BEGIN
    {_set_source_summary("id = NEW.event_id")};
END""",
    f"""CREATE TRIGGER tr_event_sources_drop_summary AFTER DELETE ON event_sources
BEGIN
    {_set_source_summary("id = OLD.event_id")};
END""",
    f"""CREATE TRIGGER tr_event_sources_move_summary AFTER UPDATE OF event_id, document_id ON event_sources
BEGIN
    {_set_source_summary("id IN (OLD.event_id, NEW.event_id)")};
END""",
    f"""CREATE TRIGGER tr_documents_resummarise_events AFTER UPDATE OF title, uri, published ON documents
WHEN OLD.title IS NOT NEW.title OR OLD.uri IS NOT NEW.uri OR OLD.published IS NOT NEW.published
BEGIN
    {_set_source_summary("id IN (SELECT es.event_id FROM event_sources es WHERE es.document_id = NEW.id)")};
END""",
]
_SQLITE_TRIGGER_NAMES = [statement.split()[2] for statement in _SQLITE_TRIGGERS]

# PostgreSQL: the same rules as row triggers; two PL/pgSQL functions do the updates for an array of
# event ids. NOTE: `enable_seqscan = off` inside them: PL/pgSQL caches a generic plan per session,
# and one made while ingest grows the tables faster than their statistics (a fresh database)
# scans events and event_sources on every later call (Reuters-21578 ingest: 58 s before 0005,
# 141 s so; 73 s with the setting, 76 s planning every call instead).
# A link (event_actors or event_sources row) added, removed or moved: its old and new events.
_PG_FOLLOW_LINKS = """CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {store}(CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.event_id]
        WHEN 'DELETE' THEN ARRAY[OLD.event_id] ELSE ARRAY[OLD.event_id, NEW.event_id] END);
    RETURN NULL;
END $$"""
_PG_FUNCTIONS = [
    f"""CREATE FUNCTION events_store_actor_names(ids integer[]) RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off AS $$
BEGIN
    {_set_actor_names("postgresql", "events.id = ANY(ids)")};
END $$""",
    f"""CREATE FUNCTION events_store_source_summary(ids integer[]) RETURNS void LANGUAGE plpgsql
SET enable_seqscan = off AS $$
BEGIN
    {_set_source_summary("events.id = ANY(ids)")};
END $$""",
    _PG_FOLLOW_LINKS.format(name="event_summary_follow_actor_links", store="events_store_actor_names"),
    """CREATE FUNCTION event_summary_follow_actor_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM events_store_actor_names(ARRAY(SELECT ea.event_id FROM event_actors ea WHERE ea.actor_id = NEW.id));
    RETURN NULL;
END $$""",
    _PG_FOLLOW_LINKS.format(name="event_summary_follow_source_links", store="events_store_source_summary"),
    """CREATE FUNCTION event_summary_follow_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM events_store_source_summary(ARRAY(SELECT es.event_id FROM event_sources es
                                              WHERE es.document_id = NEW.id));
    RETURN NULL;
END $$""",
]
_PG_TRIGGERS = [
    """CREATE TRIGGER tr_event_actors_store_names
AFTER INSERT OR DELETE OR UPDATE OF event_id, actor_id ON event_actors
FOR EACH ROW EXECUTE FUNCTION event_summary_follow_actor_links()""",
    """CREATE TRIGGER tr_actors_rename_events AFTER UPDATE OF name ON actors
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION event_summary_follow_actor_name()""",
    """CREATE TRIGGER tr_event_sources_store_summary
AFTER INSERT OR DELETE OR UPDATE OF event_id, document_id ON event_sources
FOR EACH ROW EXECUTE FUNCTION event_summary_follow_source_links()""",
    """CREATE TRIGGER tr_documents_resummarise_events AFTER UPDATE OF title, uri, published ON documents
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.uri IS DISTINCT FROM NEW.uri
                   OR OLD.published IS DISTINCT FROM NEW.published)
EXECUTE FUNCTION event_summary_follow_document()""",
]
_PG_TRIGGER_TABLES = {
    "tr_event_actors_store_names": "event_actors",
    "tr_actors_rename_events": "actors",
    "tr_event_sources_store_summary": "event_sources",
    "tr_documents_resummarise_events": "documents",
}
_PG_FUNCTION_NAMES = [
    "event_summary_follow_actor_links()", "event_summary_follow_actor_name()",
    "event_summary_follow_source_links()", "event_summary_follow_document()",
    "events_store_actor_names(integer[])", "events_store_source_summary(integer[])",
]

V_TIMELINE = """CREATE VIEW v_timeline AS
SELECT
    e.id AS event_id,
    e.date_start,
    e.date_end,
    e.date_precision,
    e.date_approximate,
    e.event_type,
    e.title,
    e.summary,
    p.name AS place,
    p.country AS country,
    e.actor_names AS actors,
    e.source_count,
    e.first_published,
    e.first_source
FROM events e
LEFT JOIN places p ON p.id = e.place_id"""


def _contract_views_of_0001() -> ModuleType:
    """The 0001 migration module, whose view definitions the downgrade restores."""
    path = next(Path(__file__).parent.glob("*_0001_*.py"))
    spec = importlib.util.spec_from_file_location("timeline_migration_0001", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_FUNCTIONS + _PG_TRIGGERS:
            op.execute(statement)
        return
    for statement in _SQLITE_TRIGGERS:
        op.execute(statement)


def drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in _PG_TRIGGER_TABLES.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in _PG_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
        return
    for name in _SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    old = _contract_views_of_0001()
    old.drop_views()
    # NOTE: plain ADD COLUMN, never batch mode (see the module docstring).
    op.add_column('events', sa.Column('actor_names', sa.Text(), nullable=True))
    op.add_column('events', sa.Column('source_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('events', sa.Column('first_published', sa.Date(), nullable=True))
    op.add_column('events', sa.Column('first_source', sa.Text(), nullable=True))
    # NOTE: triggers before the backfill, in the same transaction: no write falls between them.
    create_triggers()
    op.execute(_backfill(dialect))
    op.execute(V_TIMELINE)
    op.execute(old.V_EVENT_ACTORS)
    op.execute(old.V_EVENT_SOURCES)


def downgrade() -> None:
    old = _contract_views_of_0001()
    old.drop_views()
    drop_triggers()
    for column in ('first_source', 'first_published', 'source_count', 'actor_names'):
        op.drop_column('events', column)
    old.create_views()
