"""timeline: an event timeline database with SQL reporting — the public API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from timeline import db
from timeline.errors import ConfigError, InputRejected, ReadOnlyQuery, ReportError, SchemaOutOfDate, TimelineError
from timeline.filters import Filters, make_filters
from timeline.records import Document, EventCandidate, TimeMention

__all__ = [
    "ConfigError",
    "Document",
    "EventCandidate",
    "Filters",
    "InputRejected",
    "ReadOnlyQuery",
    "ReportError",
    "SchemaOutOfDate",
    "TimeMention",
    "TimelineError",
    "init_db",
    "ingest",
    "list_events",
    "make_filters",
    "open_db",
]


def open_db(url: str, *, read_only: bool = False) -> Engine:
    """An engine on a database whose schema is current; raises SchemaOutOfDate ("run `timeline init`")."""
    engine = db.open_engine(url, read_only=read_only, create=False)
    try:
        db.check_schema(engine)
    except TimelineError:
        engine.dispose()
        raise
    return engine


def init_db(url: str) -> tuple[str | None, str | None]:
    """Create or upgrade the database; returns (revision before, revision after)."""
    engine = db.open_engine(url)
    try:
        return db.upgrade(engine)
    finally:
        engine.dispose()


def ingest(
    engine: Engine,
    paths: Sequence[Path],
    *,
    published: date | None = None,
    manifest: Path | None = None,
    max_bytes: int | None = None,
    jobs: int = 1,
    today: date | None = None,
    progress: Any = None,
    lexicon_dirs: Sequence[Path] = (),
) -> Any:
    """Read, extract and store `paths`; returns an IngestSummary, raises InputRejected after storing the good ones.

    `lexicon_dirs`: the users' lexicon folders (actors, triggers, places), read after the shipped ones.
    """
    from timeline import pipeline
    from timeline.config import DEFAULT_MAX_BYTES

    return pipeline.ingest(
        engine,
        paths,
        published=published,
        manifest=manifest,
        max_bytes=max_bytes or DEFAULT_MAX_BYTES,
        jobs=jobs,
        today=today,
        progress=progress,
        lexicon_dirs=lexicon_dirs,
    )


def list_events(engine: Engine, filters: Filters | None = None) -> list[dict[str, Any]]:
    """v_timeline rows matching `filters`, chronological, undated last, with typed values; [] when none."""
    from timeline.export import fetch_timeline

    return fetch_timeline(engine, filters)
