"""SQLAlchemy 2.0 typed models of the tables in DESIGN.md; the schema itself is made by migrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from timeline.records import ACTOR_KINDS, ACTOR_ROLES, EVENT_STATUSES, EVENT_TYPES, PRECISIONS, PUBLISHED_SOURCES

# Stable constraint names, so that migrations (and SQLite batch mode) can address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# NOTE: on SQLite, migration 0009 stores the checks of documents, events, event_actors and actors
# as the same words in OR chains (cheaper per inserted row); the schema comes from the migrations
# and autogenerate does not compare CHECK text, so the models keep the IN form PostgreSQL has.
def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(
            f"published_source IS NULL OR {_in('published_source', PUBLISHED_SOURCES)}",
            name="published_source",
        ),
        Index("ix_documents_published", "published"),
        Index("ix_documents_ingested_at", "ingested_at"),
        Index("ix_documents_uri", "uri"),  # an earlier text of the same input (0012)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    uri: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    published_source: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    # JSON list of [start, end] character spans of scraped boilerplate lines.
    boilerplate: Mapped[str] = mapped_column(Text, default="[]")
    char_count: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Place(Base):
    __tablename__ = "places"
    __table_args__ = (
        UniqueConstraint("name", "country_code"),
        CheckConstraint("kind IN ('city', 'country', 'region')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(200))
    country_code: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16), default="city")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geonameid: Mapped[int | None] = mapped_column(Integer)


class Actor(Base):
    __tablename__ = "actors"
    __table_args__ = (CheckConstraint(_in("kind", ACTOR_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(200))


class ActorAlias(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (
        UniqueConstraint("actor_id", "alias"),
        Index("ix_actor_aliases_alias", "alias"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(300))


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in("event_type", EVENT_TYPES), name="event_type"),
        CheckConstraint(f"date_precision IS NULL OR {_in('date_precision', PRECISIONS)}", name="date_precision"),
        CheckConstraint(_in("status", EVENT_STATUSES), name="status"),
        CheckConstraint(
            "(date_start IS NULL AND date_end IS NULL)"
            " OR (date_start IS NOT NULL AND date_end IS NOT NULL AND date_start <= date_end)",
            name="date_span",
        ),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        Index("ix_events_date_start_date_end", "date_start", "date_end"),
        Index("ix_events_event_type_date_start", "event_type", "date_start"),
        Index("ix_events_place_id", "place_id"),
        Index("ix_events_event_type_number", "event_type", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(16))
    cameo_code: Mapped[str | None] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    date_start: Mapped[date | None] = mapped_column(Date)
    date_end: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    date_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    date_value: Mapped[str | None] = mapped_column(String(40))
    date_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="past")
    # A resolution's number ("2593"), NULL otherwise: one numbered resolution is one event (0011).
    number: Mapped[str | None] = mapped_column(String(32))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # v_timeline's derived columns, stored and kept by the triggers of migration 0005: never
    # written by timeline's code or by hand.
    actor_names: Mapped[str | None] = mapped_column(Text)
    source_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    first_published: Mapped[date | None] = mapped_column(Date)
    first_source: Mapped[str | None] = mapped_column(Text)


class EventSource(Base):
    __tablename__ = "event_sources"
    __table_args__ = (
        UniqueConstraint("event_id", "document_id", "char_start", "char_end"),
        CheckConstraint("char_start >= 0 AND char_start <= char_end", name="offsets"),
        Index("ix_event_sources_document_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    sentence: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    date_text: Mapped[str | None] = mapped_column(Text)
    date_value: Mapped[str | None] = mapped_column(String(40))
    reference_date: Mapped[date | None] = mapped_column(Date)
    # Why this source joined an existing event (NULL for the source that created it).
    merge_reason: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)


class EventActor(Base):
    __tablename__ = "event_actors"
    __table_args__ = (
        CheckConstraint(_in("role", ACTOR_ROLES), name="role"),
        Index("ix_event_actors_actor_id_event_id", "actor_id", "event_id"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class EventActorDate(Base):
    """One row per (actor, dated event) with the event's dates: an actor's events in a period are one index range.

    Kept by triggers on events and event_actors (migration 0003), never written by timeline's code;
    it always equals `SELECT DISTINCT ea.actor_id, e.date_start, e.date_end, e.id FROM event_actors
    ea JOIN events e ON e.id = ea.event_id WHERE e.date_start IS NOT NULL`. Undated events are absent.
    The key leads on date_end: see the migration for why.
    """

    __tablename__ = "event_actor_dates"
    __table_args__ = (
        PrimaryKeyConstraint("actor_id", "date_end", "date_start", "event_id"),
        Index("ix_event_actor_dates_event_id", "event_id"),
        {"sqlite_with_rowid": False},
    )

    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    date_start: Mapped[date] = mapped_column(Date)
    date_end: Mapped[date] = mapped_column(Date)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
