"""index event periods on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

PostgreSQL: a GiST index over each event's inclusive period, daterange(date_start, date_end,
'[]'), so that "the events overlapping a period" (`&&`, timeline/filters.py) is one index search
whose cost follows the events in the period. With only the (date_start, date_end) b-tree the
planner can bound date_start <= --to alone, and for a recent window it scans most of the table
(issue 5: a one-month briefing at 1M events read every event). SQLite has its own answer to the
same question in 0002.

The index is on an expression, so the models do not declare it; migrations/env.py keeps
autogenerate from reporting it. NOTE: the expression must match filters.py's spelling exactly,
or PostgreSQL will not use the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_PERIOD_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_events_period ON events"
    " USING gist (daterange(date_start, date_end, '[]')) WHERE date_start IS NOT NULL"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_PERIOD_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_events_period")
