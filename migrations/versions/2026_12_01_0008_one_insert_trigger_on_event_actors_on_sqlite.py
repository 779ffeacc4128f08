"""one insert trigger on event_actors on SQLite

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

On SQLite each row inserted into event_actors fired two triggers: 0003's adding the actor's
event_actor_dates row and 0005's storing the event's actor_names. Most of a small trigger's cost
is the fixed cost of firing it (docs/benchmarks.md), so both statements now run in one trigger,
tr_event_actors_add_names_and_dates, in the order SQLite fired them (the newest trigger first:
0005's, then 0003's; the two write different tables, and the UPDATE of events.actor_names fires no
trigger of its own). The statements are those of
0003 and 0005 unchanged, so the stored rows are the same and nothing is backfilled. Deletes and
updates keep their triggers (0003's, and 0007's). PostgreSQL is unchanged: one trigger function
per table there already (0003, 0006).
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


def _body(statement: str) -> str:
    """The statements between BEGIN and END of a CREATE TRIGGER."""
    return statement.split("\nBEGIN\n", 1)[1].rsplit("\nEND", 1)[0]


def create_triggers() -> None:
    """This migration's SQLite trigger (nothing on PostgreSQL), replacing 0003's and 0005's insert triggers."""
    if op.get_bind().dialect.name != "sqlite":
        return
    replaced = _replaced()
    for statement in replaced:
        op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
    bodies = "\n".join(_body(statement) for statement in replaced)
    op.execute(f"CREATE TRIGGER {MERGED} AFTER INSERT ON event_actors\nBEGIN\n{bodies}\nEND")


def upgrade() -> None:
    create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {MERGED}")
    for statement in reversed(_replaced()):  # the older first, so that they fire in the same order again
        op.execute(statement)
