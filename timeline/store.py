"""The only writer: a document, its events, sources and actors stored whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Integer, String, bindparam, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from timeline import models
from timeline.records import ActorRef, Document, EventCandidate, PlaceRef
from timeline.resolve import StoredEvent, find_match

documents = models.Document.__table__
events = models.Event.__table__
event_sources = models.EventSource.__table__
event_actors = models.EventActor.__table__
actors = models.Actor.__table__
actor_aliases = models.ActorAlias.__table__
places = models.Place.__table__

# How far back a stored event may start and still overlap a candidate: a year covers events of
# day to year precision; decade- and century-long events are not merged into (they are rare and
# vague enough that a new event is the safer outcome).
LOOKBACK = timedelta(days=366)
# Serialises writers on PostgreSQL so that two processes reporting the same event concurrently
# merge it instead of both creating it (SQLite's BEGIN IMMEDIATE already serialises writers).
PG_WRITER_LOCK = 0x7131_0E11


@dataclass(frozen=True)
class SaveResult:
    """What save_document did: the document's row, whether it was new, and its events."""

    document_id: int
    stored: bool  # False: the same text was already stored, nothing changed
    events_created: int = 0
    events_merged: int = 0


@dataclass
class IdCache:
    """Actor and place ids known to be committed; a writer's pending ids join after its commit."""

    actors: dict[str, int] = field(default_factory=dict)
    aliases: set[tuple[int, str]] = field(default_factory=set)
    places: dict[tuple[str, str | None], int] = field(default_factory=dict)

    def absorb(self, other: IdCache) -> None:
        """Add ids from a committed transaction."""
        self.actors.update(other.actors)
        self.aliases |= other.aliases
        self.places.update(other.places)


def _dialect(conn: Connection) -> Any:
    return postgresql if conn.dialect.name == "postgresql" else sqlite


def lock_writers(conn: Connection) -> None:
    """Take the writers' lock for this transaction (PostgreSQL; SQLite holds it since BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITER_LOCK})")


def save_document(
    conn: Connection,
    document: Document,
    candidates: Sequence[EventCandidate],
    *,
    now: datetime,
    known: IdCache | None = None,
    pending: IdCache | None = None,
) -> SaveResult:
    """Store `document` and its candidates inside the caller's transaction.

    A document already stored (same SHA-256) changes nothing and returns stored=False. `known`
    holds committed actor/place ids to skip look-ups; ids created here go to `pending`, which the
    caller absorbs into `known` only after its transaction commits.
    """
    known = known if known is not None else IdCache()
    pending = pending if pending is not None else IdCache()
    row = {
        "sha256": document.sha256,
        "uri": document.uri,
        "title": document.title,
        "text": document.text,
        "published": document.published,
        "published_source": document.published_source,
        "url": document.url,
        "source": document.source,
        "boilerplate": json.dumps([list(span) for span in document.boilerplate]),
        "char_count": len(document.text),
        "ingested_at": now,
    }
    # NOTE: the document row goes first: ON CONFLICT makes concurrent ingests of the same text
    # resolve to one row, and the one that finds it stored writes nothing else.
    stmt = (
        _dialect(conn).insert(documents).on_conflict_do_nothing(index_elements=["sha256"]).returning(documents.c.id)
    )
    document_id = conn.execute(stmt, row).scalar()
    if document_id is None:
        existing = conn.execute(select(documents.c.id).where(documents.c.sha256 == document.sha256)).scalar_one()
        return SaveResult(document_id=existing, stored=False)
    if not candidates:
        return SaveResult(document_id=document_id, stored=True)

    actor_ids = _actor_ids(conn, [ref for c in candidates for ref in c.actors], known, pending)
    created = merged = 0
    local: list[StoredEvent] = []  # events this document created, for merges within it
    source_rows: list[dict[str, Any]] = []
    actor_rows: dict[tuple[int, int, str], dict[str, Any]] = {}
    for candidate in candidates:
        neighbours = _stored_neighbours(conn, candidate, [actor_ids[a.name] for a in candidate.actors])
        seen = {event.event_id for event in neighbours}
        match = find_match(
            candidate,
            neighbours + [e for e in local if e.event_type == candidate.event_type and e.event_id not in seen],
        )
        if match is None:
            event_id = _insert_event(conn, candidate, _place_id(conn, candidate.place, known, pending), now)
            local.append(_as_stored(event_id, candidate))
            reason = None
            created += 1
        else:
            event_id, reason = match
            merged += 1
        source_rows.append(_source_row(event_id, document_id, candidate, reason))
        for ref in candidate.actors:
            key = (event_id, actor_ids[ref.name], ref.role)
            actor_rows[key] = {"event_id": key[0], "actor_id": key[1], "role": key[2]}
    conn.execute(_dialect(conn).insert(event_sources).on_conflict_do_nothing(), source_rows)
    if actor_rows:
        conn.execute(_dialect(conn).insert(event_actors).on_conflict_do_nothing(), list(actor_rows.values()))
    return SaveResult(document_id=document_id, stored=True, events_created=created, events_merged=merged)


def _as_stored(event_id: int, candidate: EventCandidate) -> StoredEvent:
    place = candidate.place
    return StoredEvent(
        event_id=event_id,
        event_type=candidate.event_type,
        date_start=candidate.date_start,
        date_end=candidate.date_end,
        place=place.name if place else None,
        country_code=place.country_code if place else None,
        actors=frozenset(actor.name for actor in candidate.actors),
        curated=False,
    )


_NEIGHBOUR_SELECT = """SELECT e.id, e.event_type, e.date_start, e.date_end, e.curated, p.name, p.country_code
FROM events e LEFT JOIN places p ON p.id = e.place_id
WHERE e.event_type = :event_type AND """
# Built once: statement objects compiled from text are cached by SQLAlchemy, and ingest runs
# these per candidate.
_DATED_NEIGHBOURS = (
    text(
        _NEIGHBOUR_SELECT
        + "e.date_start >= :lookback AND e.date_start <= :date_end AND e.date_end >= :date_start"
        " ORDER BY e.id LIMIT 500"
    )
    .bindparams(bindparam("lookback", type_=Date), bindparam("date_start", type_=Date), bindparam("date_end", type_=Date))
    .columns(id=Integer, event_type=String, date_start=Date, date_end=Date, curated=Boolean, name=String, country_code=String)
)
_UNDATED_NEIGHBOURS = (
    text(
        _NEIGHBOUR_SELECT
        + "e.date_start IS NULL AND e.id IN (SELECT event_id FROM event_actors WHERE actor_id IN :actor_ids)"
        " ORDER BY e.id LIMIT 500"
    )
    .bindparams(bindparam("actor_ids", expanding=True))
    .columns(id=Integer, event_type=String, date_start=Date, date_end=Date, curated=Boolean, name=String, country_code=String)
)
_NEIGHBOUR_ACTORS = text(
    "SELECT ea.event_id, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _stored_neighbours(conn: Connection, candidate: EventCandidate, candidate_actor_ids: list[int]) -> list[StoredEvent]:
    """Stored events the candidate could be: same type, overlapping dates (undated: a shared actor)."""
    if candidate.date_start is None or candidate.date_end is None:
        if not candidate_actor_ids:
            return []  # an undated candidate merges only through shared actors (resolve.find_match)
        rows = conn.execute(
            _UNDATED_NEIGHBOURS, {"event_type": candidate.event_type, "actor_ids": candidate_actor_ids}
        ).all()
    else:
        params = {
            "event_type": candidate.event_type,
            "lookback": candidate.date_start - LOOKBACK,
            "date_start": candidate.date_start,
            "date_end": candidate.date_end,
        }
        rows = conn.execute(_DATED_NEIGHBOURS, params).all()
    if not rows:
        return []
    names: dict[int, set[str]] = {row.id: set() for row in rows}
    for event_id, name in conn.execute(_NEIGHBOUR_ACTORS, {"ids": list(names)}):
        names[event_id].add(name)
    return [
        StoredEvent(
            event_id=row.id,
            event_type=row.event_type,
            date_start=row.date_start,
            date_end=row.date_end,
            place=row.name,
            country_code=row.country_code,
            actors=frozenset(names[row.id]),
            curated=bool(row.curated),
        )
        for row in rows
    ]


def _insert_event(conn: Connection, candidate: EventCandidate, place_id: int | None, now: datetime) -> int:
    values = {
        "event_type": candidate.event_type,
        "cameo_code": candidate.cameo_code,
        "title": candidate.title,
        "summary": candidate.summary,
        "date_start": candidate.date_start,
        "date_end": candidate.date_end,
        "date_precision": candidate.date_precision,
        "date_approximate": candidate.date_approximate,
        "date_value": candidate.date_value,
        "date_reason": candidate.date_reason,
        "status": candidate.status,
        "place_id": place_id,
        "confidence": candidate.confidence,
        "curated": False,
        "created_at": now,
        "updated_at": now,
    }
    return int(conn.execute(events.insert().returning(events.c.id), values).scalar_one())


def _source_row(event_id: int, document_id: int, candidate: EventCandidate, reason: str | None) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "document_id": document_id,
        "sentence": candidate.sentence,
        "char_start": candidate.char_start,
        "char_end": candidate.char_end,
        "date_text": candidate.date_text,
        "date_value": candidate.date_value,
        "reference_date": candidate.reference_date,
        "merge_reason": reason,
        "confidence": candidate.confidence,
    }


def _place_id(conn: Connection, place: PlaceRef | None, known: IdCache, pending: IdCache) -> int | None:
    if place is None:
        return None
    key = (place.name, place.country_code)
    cached = known.places.get(key) or pending.places.get(key)
    if cached is not None:
        return cached
    code_matches = (
        places.c.country_code.is_(None) if place.country_code is None else places.c.country_code == place.country_code
    )
    query = select(places.c.id).where(places.c.name == place.name, code_matches)
    found = conn.execute(query).scalar()
    if found is None:
        values = {
            "name": place.name,
            "country": place.country,
            "country_code": place.country_code,
            "kind": place.kind,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "geonameid": place.geonameid,
        }
        conn.execute(_dialect(conn).insert(places).on_conflict_do_nothing(), values)
        found = conn.execute(query).scalar_one()
    pending.places[key] = int(found)
    return int(found)


def _actor_ids(conn: Connection, refs: Iterable[ActorRef], known: IdCache, pending: IdCache) -> dict[str, int]:
    """Canonical name → id for every actor named, creating new ones (in name order) with their aliases."""
    by_name: dict[str, ActorRef] = {}
    aliases: dict[str, set[str]] = {}
    for ref in refs:
        by_name.setdefault(ref.name, ref)
        aliases.setdefault(ref.name, set()).update(a for a in ref.aliases if a and a != ref.name)
    ids = {name: known.actors[name] for name in by_name if name in known.actors}
    missing = sorted(name for name in by_name if name not in ids)
    if missing:
        # NOTE: sorted inserts: concurrent writers take row locks in one order (no deadlock).
        rows = [{"name": n, "kind": by_name[n].kind, "title": by_name[n].title} for n in missing]
        conn.execute(_dialect(conn).insert(actors).on_conflict_do_nothing(index_elements=["name"]), rows)
        found = conn.execute(
            select(actors.c.name, actors.c.id).where(actors.c.name.in_(bindparam("names", expanding=True))),
            {"names": missing},
        )
        for name, actor_id in found:
            ids[name] = actor_id
            pending.actors[name] = actor_id
    alias_rows = [
        {"actor_id": ids[name], "alias": alias}
        for name in sorted(aliases)
        for alias in sorted(aliases[name])
        if (ids[name], alias) not in known.aliases
    ]
    if alias_rows:
        conn.execute(_dialect(conn).insert(actor_aliases).on_conflict_do_nothing(), alias_rows)
        pending.aliases.update((row["actor_id"], row["alias"]) for row in alias_rows)
    return ids


def set_curated_fields(conn: Connection, event_id: int, fields: dict[str, object], *, now: datetime) -> bool:
    """Correct an event by hand: update `fields` and mark it curated; False when no such event."""
    allowed = {"event_type", "title", "summary", "date_start", "date_end", "date_precision", "date_approximate"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot correct {', '.join(sorted(unknown))}")
    result = conn.execute(
        update(events).where(events.c.id == event_id).values(**fields, curated=True, updated_at=now)
    )
    return result.rowcount > 0


def delete_event(conn: Connection, event_id: int) -> bool:
    """Delete an event with its sources and actor links; False when no such event."""
    return conn.execute(delete(events).where(events.c.id == event_id)).rowcount > 0
