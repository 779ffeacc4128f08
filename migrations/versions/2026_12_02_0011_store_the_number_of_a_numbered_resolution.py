"""store the number of a numbered resolution

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

events.number holds a resolution's number ("2593" for "Resolution 2593"), NULL for every other
event. A numbered resolution is one event however many articles cite it and whatever date each
gives (or none: "resolution 2396" without its year); two resolutions with different numbers are
never one, even when the same body adopts both on the same day (resolve.find_match). The writer
looks stored resolutions up by (event_type, number).

Existing resolutions get their number from their title, which ingest wrote as "... Resolution
NNNN ..." (a title a person corrected may not say it: that event stays without one).
On SQLite the column is added with ALTER TABLE ADD COLUMN, which keeps the table, its triggers
and 0010's partial index as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TITLE_NUMBER = re.compile(r"\bResolution (\d{3,4})\b")


def upgrade() -> None:
    op.add_column("events", sa.Column("number", sa.String(length=32), nullable=True))
    op.create_index("ix_events_event_type_number", "events", ["event_type", "number"], unique=False)
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, title FROM events WHERE event_type = 'resolution'")).all()
    numbered = [{"id": event_id, "number": found.group(1)}
                for event_id, title in rows if (found := _TITLE_NUMBER.search(title or ""))]
    if numbered:
        bind.execute(sa.text("UPDATE events SET number = :number WHERE id = :id"), numbered)


def downgrade() -> None:
    op.drop_index("ix_events_event_type_number", table_name="events")
    op.drop_column("events", "number")
