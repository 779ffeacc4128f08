"""Alembic environment: migrates the connection handed in by timeline, or the URL in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from timeline import config as timeline_config
from timeline import models

target_metadata = models.Base.metadata
VIEW_NAMES = {"v_timeline", "v_event_actors", "v_event_sources"}
# Indexes on expressions, made by hand in migrations (0002 on SQLite, 0004 on PostgreSQL), and
# SQLite's partial index of placed events (0010): the models do not declare them, so autogenerate
# must not take them for indexes to drop.
EXPRESSION_INDEXES = {"ix_events_span_date_start", "ix_events_period", "ix_events_placed_type_date_end"}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # Views are created by hand in migrations; autogenerate must not take them for tables.
    if type_ == "table" and name in VIEW_NAMES:
        return False
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or timeline_config.load_settings().db_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, render_as_batch=True, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        run_migrations(conn)
    engine.dispose()


main()
