"""one cheaper insert trigger on event_actors on SQLite

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

On SQLite each row inserted into event_actors fired two triggers: 0005's storing the event's
actor_names and 0003's adding the actor's event_actor_dates row. They are now one trigger,
tr_event_actors_add_names_and_dates, running 0005's statement unchanged and then 0003's in a
cheaper form, in the order SQLite fired them (the newest trigger first; the two write different
tables, and the UPDATE of events.actor_names fires no trigger of its own):

    0003  INSERT ... SELECT ... WHERE NOT EXISTS (the same row in event_actor_dates)
    0008  INSERT ... SELECT ... ON CONFLICT DO NOTHING

Both add the row exactly when that key is missing (it is the primary key). 0003's form read the
table it inserts into, so SQLite first copied the selected row into a temporary b-tree for every
link inserted: opening one costs ~14,000 instructions (Reuters-21578, docs/benchmarks.md stop 15).
A DO NOTHING without a conflict target ignores the conflict whatever the outer statement's
conflict policy (INSERT OR ABORT/REPLACE ... INTO event_actors included), which is why 0003
avoided a conflict clause of the OR kind. The stored rows are the same, so nothing is
backfilled. Deletes and updates keep their triggers (0003's, and 0007's). PostgreSQL is
unchanged: one trigger function per table there already (0003, 0006).
NOTE: a later migration that rebuilds event_actors with batch mode must create this trigger again
(create_triggers below) instead of 0003's and 0005's insert triggers.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from alembic import context, op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MERGED = "tr_event_actors_add_names_and_dates"


def _migration(number: str) -> ModuleType:
    """An earlier migration's module, as Alembic loaded it."""
    return context.script.get_revision(number).module


def _replaced() -> list[str]:
    """The insert triggers on event_actors that MERGED replaces, in the order they fired: 0005's, 0003's."""
    summary, dates = _migration("0005"), _migration("0003")
    return [statement for statement in summary._SQLITE_TRIGGERS + dates._SQLITE_TRIGGERS
            if statement.startswith("CREATE TRIGGER tr_event_actors_add_")]


# 0003's _SQLITE_ADD_PAIR without reading event_actor_dates (see the docstring).
_ADD_PAIR = """INSERT INTO event_actor_dates (actor_id, date_start, date_end, event_id)
    SELECT NEW.actor_id, e.date_start, e.date_end, e.id FROM events e
    WHERE e.id = NEW.event_id AND e.date_start IS NOT NULL
    ON CONFLICT DO NOTHING;"""


def _body(statement: str) -> str:
    """The statements between BEGIN and END of a CREATE TRIGGER."""
    return statement.split("\nBEGIN\n", 1)[1].rsplit("\nEND", 1)[0]


def create_triggers() -> None:
    """This migration's SQLite trigger (nothing on PostgreSQL), replacing 0003's and 0005's insert triggers."""
    if op.get_bind().dialect.name != "sqlite":
        return
    names, _ = replaced = _replaced()
    for statement in replaced:
        op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
    op.execute(f"CREATE TRIGGER {MERGED} AFTER INSERT ON event_actors\nBEGIN\n{_body(names)}\n    {_ADD_PAIR}\nEND")


def upgrade() -> None:
    create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {MERGED}")
    for statement in reversed(_replaced()):  # the older first, so that they fire in the same order again
        op.execute(statement)
