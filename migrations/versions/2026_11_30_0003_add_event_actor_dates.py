"""add event_actor_dates kept by triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

event_actor_dates holds one row per (actor, dated event) with the event's dates, keyed
(actor_id, date_end, date_start, event_id): "the events of actor A overlapping a period" is one
index range per actor instead of every event of A looked up in events (filters.py, and the
writer's neighbour query in store.py).

The key leads on date_end, not date_start: an overlap test bounds the range on one of them only
(date_end >= from, or date_start <= to), and the other is checked inside the index. Bounded on
date_end, the range runs from the period to the newest event; on date_start, from the oldest
event to the period. News is ingested and read mostly about recent periods, so date_end scans
little: the writer's neighbour query on Reuters-21578 (ingested in date order) and briefings of the
last weeks. For periods uniformly spread over the data both orders scan half an actor's rows.

The dates are a copy, so they must follow every change to events.date_start/date_end and to
event_actors. Triggers keep them, not store.py: ingest, date refinement on merge, the curation
commands and a user's own UPDATE in sqlite3/psql all go through them, and no code path can forget.
The table always equals

    SELECT DISTINCT ea.actor_id, e.date_start, e.date_end, e.id
    FROM event_actors ea JOIN events e ON e.id = ea.event_id WHERE e.date_start IS NOT NULL

NOTE: a later `batch_alter_table` on events or event_actors rebuilds that table on SQLite and
drops its triggers (batch mode does not copy them): such a migration must create them again
(create_triggers below), as it must the expression index of 0002.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """INSERT INTO event_actor_dates (actor_id, date_start, date_end, event_id)
SELECT DISTINCT ea.actor_id, e.date_start, e.date_end, e.id
FROM event_actors ea JOIN events e ON e.id = ea.event_id
WHERE e.date_start IS NOT NULL"""

# SQLite: row triggers. The existence tests name the whole key, so each is one index probe.
# NOTE: no conflict clause in the bodies: an outer statement's conflict policy would override it.
_SQLITE_ADD_PAIR = """INSERT INTO event_actor_dates (actor_id, date_start, date_end, event_id)
    SELECT NEW.actor_id, e.date_start, e.date_end, e.id FROM events e
    WHERE e.id = NEW.event_id AND e.date_start IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM event_actor_dates x WHERE x.actor_id = NEW.actor_id
                      AND x.date_start = e.date_start AND x.date_end = e.date_end AND x.event_id = e.id);"""
# A pair linked under two roles keeps its row until the last link goes.
_SQLITE_DROP_PAIR = """DELETE FROM event_actor_dates WHERE event_id = OLD.event_id AND actor_id = OLD.actor_id
      AND NOT EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = OLD.event_id AND ea.actor_id = OLD.actor_id);"""
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER tr_event_actors_add_dates AFTER INSERT ON event_actors\nBEGIN\n    {_SQLITE_ADD_PAIR}\nEND",
    f"CREATE TRIGGER tr_event_actors_drop_dates AFTER DELETE ON event_actors\nBEGIN\n    {_SQLITE_DROP_PAIR}\nEND",
    f"CREATE TRIGGER tr_event_actors_move_dates AFTER UPDATE OF event_id, actor_id ON event_actors\nBEGIN\n"
    f"    {_SQLITE_DROP_PAIR}\n    {_SQLITE_ADD_PAIR}\nEND",
    """CREATE TRIGGER tr_events_redate_actors AFTER UPDATE OF date_start, date_end ON events
WHEN OLD.date_start IS NOT NEW.date_start OR OLD.date_end IS NOT NEW.date_end
BEGIN
    DELETE FROM event_actor_dates WHERE event_id = NEW.id;
    INSERT INTO event_actor_dates (actor_id, date_start, date_end, event_id)
    SELECT DISTINCT ea.actor_id, NEW.date_start, NEW.date_end, NEW.id FROM event_actors ea
    WHERE ea.event_id = NEW.id AND NEW.date_start IS NOT NULL;
END""",
]

# PostgreSQL: the same rules as row triggers calling PL/pgSQL functions.
_PG_TRIGGERS = [
    """CREATE FUNCTION event_actor_dates_follow_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM event_actor_dates x WHERE x.event_id = OLD.event_id AND x.actor_id = OLD.actor_id
          AND NOT EXISTS (SELECT 1 FROM event_actors ea
                          WHERE ea.event_id = OLD.event_id AND ea.actor_id = OLD.actor_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO event_actor_dates (actor_id, date_start, date_end, event_id)
        SELECT NEW.actor_id, e.date_start, e.date_end, e.id FROM events e
        WHERE e.id = NEW.event_id AND e.date_start IS NOT NULL
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER tr_event_actors_keep_dates
AFTER INSERT OR DELETE OR UPDATE OF event_id, actor_id ON event_actors
FOR EACH ROW EXECUTE FUNCTION event_actor_dates_follow_links()""",
    """CREATE FUNCTION event_actor_dates_follow_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM event_actor_dates WHERE event_id = NEW.id;
    IF NEW.date_start IS NOT NULL THEN
        INSERT INTO event_actor_dates (actor_id, date_start, date_end, event_id)
        SELECT DISTINCT ea.actor_id, NEW.date_start, NEW.date_end, NEW.id FROM event_actors ea
        WHERE ea.event_id = NEW.id;
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER tr_events_redate_actors AFTER UPDATE OF date_start, date_end ON events
FOR EACH ROW WHEN (OLD.date_start IS DISTINCT FROM NEW.date_start OR OLD.date_end IS DISTINCT FROM NEW.date_end)
EXECUTE FUNCTION event_actor_dates_follow_event()""",
]


def create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _PG_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tr_event_actors_keep_dates ON event_actors")
        op.execute("DROP TRIGGER IF EXISTS tr_events_redate_actors ON events")
        op.execute("DROP FUNCTION IF EXISTS event_actor_dates_follow_links()")
        op.execute("DROP FUNCTION IF EXISTS event_actor_dates_follow_event()")
        return
    for name in ("tr_event_actors_add_dates", "tr_event_actors_drop_dates", "tr_event_actors_move_dates",
                 "tr_events_redate_actors"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table('event_actor_dates',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('date_end', sa.Date(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_event_actor_dates_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_actor_dates_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', 'date_end', 'date_start', 'event_id', name=op.f('pk_event_actor_dates')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('event_actor_dates', schema=None) as batch_op:
        batch_op.create_index('ix_event_actor_dates_event_id', ['event_id'], unique=False)

    # NOTE: triggers before the backfill, in the same transaction: no write falls between them.
    create_triggers()
    op.execute(BACKFILL)


def downgrade() -> None:
    drop_triggers()
    with op.batch_alter_table('event_actor_dates', schema=None) as batch_op:
        batch_op.drop_index('ix_event_actor_dates_event_id')

    op.drop_table('event_actor_dates')
