"""index placed events by type and end on SQLite

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

SQLite: a partial index on events (event_type, date_end) of the events with a place, for the
writer's neighbour queries of a dated candidate with a place (store._PLACED: same type, a place,
date_start in [start - LOOKBACK, end], date_end >= start). On (event_type, date_start) that query
walked every event of the type that started in the year before the candidate; ingest stores
reports roughly in publication order, so the stored events that end on or after the candidate's
start are few, and on date_end the range stops there. The query names the index (INDEXED BY):
without statistics SQLite prefers the two-sided date_start range. Reuters-21578: these queries
0.48-0.50 s -> 0.30-0.32 s of CPU, each insert into events ~0.3 µs more (docs/benchmarks.md).

Made by hand like 0002's index, so the models do not declare it and migrations/env.py keeps
autogenerate from reporting it. PostgreSQL plans the same query from its statistics and gets
nothing here.
NOTE: a later `batch_alter_table` on events rebuilds the table on SQLite and would drop this
index (batch mode does not reflect partial indexes): such a migration must create it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# NOTE: timeline/store.py names this index in its SQLite neighbour query (_PLACED_INDEX).
SQLITE_PLACED_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_events_placed_type_date_end"
    " ON events (event_type, date_end) WHERE place_id IS NOT NULL"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_PLACED_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_events_placed_type_date_end")
