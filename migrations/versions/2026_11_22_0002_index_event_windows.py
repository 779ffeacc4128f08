"""index event windows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

SQLite: an index on (event length in days, date_start), so that the events overlapping a
period are found by one bounded index range per distinct length (timeline/filters.py) instead
of walking the date_start index back to the first event. The length is an expression, which
SQLite's reflection skips, so the models do not declare it and autogenerate does not see it.

NOTE: a later `batch_alter_table` on events rebuilds the table on SQLite and would drop this
index (batch mode does not reflect expression indexes): such a migration must create it again.
PostgreSQL keeps the portable window condition and gets nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# NOTE: the expression must match filters.py's spelling exactly, or SQLite will not use the index.
SQLITE_WINDOW_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_events_span_date_start"
    " ON events (julianday(date_end) - julianday(date_start), date_start)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_WINDOW_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_events_span_date_start")
