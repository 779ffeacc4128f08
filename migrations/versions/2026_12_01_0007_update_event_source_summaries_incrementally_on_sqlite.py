"""update event source summaries incrementally on SQLite

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

0005's SQLite row trigger on event_sources recomputed the event's whole source summary for every
row inserted: COUNT(DISTINCT), MIN and an ordered LIMIT 1 over the event's sources. Replaying the
writes of the first fifth of Reuters-21578 ingest, the summary and actor-date triggers took 0.93 G
of 3.16 G instructions; with this migration 0.72 G. The insert trigger now changes only what the
new row changes, and the other link triggers skip rows that change nothing:

    event_sources INSERT  nothing when the event already had a source from that document;
                          else source_count + 1, first_published = the smaller of the two, and
                          first_source = the new document's when it sorts first (published, NULLs
                          last; on a tie of published dates, the lower document id); a document
                          that does not exist (foreign keys off in a user's sqlite3) only counts
    deletes               nothing while another link of the same document (actor) to the event
                          remains; else the full derivation, as in 0005
    updates of the links  nothing unless event_id or document_id (actor_id) changed; else the full
                          derivation for both events, as in 0005

event_actors INSERT keeps 0005's trigger: appending a name that sorts last, with the full
derivation otherwise, saved 0.3 % of those instructions (each trigger's fixed cost dominates).
The stored values are 0005's definitions (its docstring), so nothing is backfilled. Updates of
documents and actors.name keep 0005's triggers too. PostgreSQL is unchanged: 0006 refreshes each
event once per inserting statement there.
NOTE: the incremental steps rely on the stored columns being right before the row arrives, which
the triggers themselves maintain; a later migration that rebuilds a table with batch mode must
create these triggers again (create_triggers below), not 0005's.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The new source's document, looked up by primary key; NULL when it has no publication date.
_PUBLISHED = "(SELECT d.published FROM documents d WHERE d.id = NEW.document_id)"


def _migration(number: str) -> ModuleType:
    """An earlier migration module, whose trigger definitions this one reuses and restores."""
    path = next(Path(__file__).parent.glob(f"*_{number}_*.py"))
    spec = importlib.util.spec_from_file_location(f"timeline_migration_{number}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sqlite_triggers(summary: ModuleType) -> list[str]:
    """0005's SQLite triggers on event_sources and event_actors, made incremental or skipped when idle."""
    names = summary._set_actor_names  # 0005's derivations, for the fallbacks
    sources = summary._set_source_summary
    return [
        f"""CREATE TRIGGER tr_event_sources_add_summary AFTER INSERT ON event_sources
WHEN NOT EXISTS (SELECT 1 FROM event_sources es WHERE es.event_id = NEW.event_id
                 AND es.document_id = NEW.document_id AND es.id <> NEW.id)
BEGIN
    UPDATE events SET
        source_count = source_count + 1,
        first_published = CASE WHEN first_published IS NULL OR {_PUBLISHED} < first_published
                               THEN {_PUBLISHED} ELSE first_published END,
        first_source = CASE
            WHEN NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = NEW.document_id) THEN first_source
            WHEN {_PUBLISHED} IS NOT NULL AND (first_published IS NULL OR {_PUBLISHED} < first_published)
            THEN (SELECT COALESCE(d.title, d.uri) FROM documents d WHERE d.id = NEW.document_id)
            WHEN {_PUBLISHED} IS first_published AND NOT EXISTS (
                SELECT 1 FROM event_sources es JOIN documents o ON o.id = es.document_id
                WHERE es.event_id = NEW.event_id AND o.id < NEW.document_id AND o.published IS {_PUBLISHED})
            THEN (SELECT COALESCE(d.title, d.uri) FROM documents d WHERE d.id = NEW.document_id)
            ELSE first_source END
    WHERE id = NEW.event_id;
END""",
        f"""CREATE TRIGGER tr_event_sources_drop_summary AFTER DELETE ON event_sources
WHEN NOT EXISTS (SELECT 1 FROM event_sources es WHERE es.event_id = OLD.event_id
                 AND es.document_id = OLD.document_id)
BEGIN
    {sources("id = OLD.event_id")};
END""",
        f"""CREATE TRIGGER tr_event_sources_move_summary AFTER UPDATE OF event_id, document_id ON event_sources
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.document_id IS NOT NEW.document_id
BEGIN
    {sources("id IN (OLD.event_id, NEW.event_id)")};
END""",
        f"""CREATE TRIGGER tr_event_actors_drop_names AFTER DELETE ON event_actors
WHEN NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = OLD.event_id AND ea.actor_id = OLD.actor_id)
BEGIN
    {names("sqlite", "id = OLD.event_id")};
END""",
        f"""CREATE TRIGGER tr_event_actors_move_names AFTER UPDATE OF event_id, actor_id ON event_actors
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.actor_id IS NOT NEW.actor_id
BEGIN
    {names("sqlite", "id IN (OLD.event_id, NEW.event_id)")};
END""",
    ]


def _replace(triggers: list[str]) -> None:
    for statement in triggers:
        op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
        op.execute(statement)


def create_triggers() -> None:
    """This migration's SQLite triggers (nothing on PostgreSQL), replacing 0005's of the same names."""
    if op.get_bind().dialect.name == "sqlite":
        _replace(_sqlite_triggers(_migration("0005")))


def upgrade() -> None:
    create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    summary = _migration("0005")
    replaced = {statement.split()[2] for statement in _sqlite_triggers(summary)}
    _replace([statement for statement in summary._SQLITE_TRIGGERS if statement.split()[2] in replaced])
