"""The ingest writer: a document, its events, sources and actors stored whole or not at all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime
from sqlalchemy.exc import DBAPIError, NoResultFound

from timeline.records import ActorRef, Document, EventCandidate, PlaceRef
from timeline.resolve import StoredEvent, find_match, needs_two_shared_actors, speaking_persons

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
    note: str | None = None  # a warning for the user: what was given and not applied


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


# -- the statements ingest runs per document, on the DBAPI cursor ------------------------------
#
# Run through Connection.execute, each of these small statements cost more CPU in SQLAlchemy
# (cache key, parameter processing, result metadata) than in SQLite: ~40 µs, four statements a
# document and a neighbour query per candidate (Reuters-21578, docs/benchmarks.md §3). Ingest
# runs them on the DBAPI cursor of the caller's transaction instead. Dates and timestamps go
# through SQLAlchemy's own bind and result processors of the dialect, so the stored text on
# SQLite is what Core writes and reads. The SQL is written with :name parameters (sqlite3's
# named style) and rewritten once to %(name)s for psycopg; an IN list names :ids_0, :ids_1, ...
_INGEST_SQL = {
    "insert_document": "INSERT INTO documents (sha256, uri, title, text, published, published_source, url,"
    " source, boilerplate, char_count, ingested_at) VALUES (:sha256, :uri, :title, :text, :published,"
    " :published_source, :url, :source, :boilerplate, :char_count, :ingested_at)"
    " ON CONFLICT (sha256) DO NOTHING RETURNING id",
    "find_document": "SELECT id, uri, published FROM documents WHERE sha256 = :sha256",
    "find_earlier_text": "SELECT min(id) FROM documents WHERE uri = :uri AND id <> :id",
    "insert_event": "INSERT INTO events (event_type, cameo_code, title, summary, date_start, date_end,"
    " date_precision, date_approximate, date_value, date_reason, status, number, place_id, confidence, curated,"
    " created_at, updated_at) VALUES (:event_type, :cameo_code, :title, :summary, :date_start, :date_end,"
    " :date_precision, :date_approximate, :date_value, :date_reason, :status, :number, :place_id, :confidence,"
    " :curated, :created_at, :updated_at) RETURNING id",
    "insert_sources": "INSERT INTO event_sources (event_id, document_id, sentence, char_start, char_end,"
    " date_text, date_value, reference_date, merge_reason, confidence) VALUES (:event_id, :document_id,"
    " :sentence, :char_start, :char_end, :date_text, :date_value, :reference_date, :merge_reason,"
    " :confidence) ON CONFLICT DO NOTHING",
    "insert_event_actors": "INSERT INTO event_actors (event_id, actor_id, role) VALUES (:event_id, :actor_id,"
    " :role) ON CONFLICT DO NOTHING",
    "insert_actors": "INSERT INTO actors (name, kind, title) VALUES (:name, :kind, :title)"
    " ON CONFLICT (name) DO NOTHING",
    "find_actors": "SELECT name, id FROM actors WHERE name IN :names",
    "insert_aliases": "INSERT INTO actor_aliases (actor_id, alias) VALUES (:actor_id, :alias) ON CONFLICT DO NOTHING",
    # Through SQLAlchemy Core this UPDATE cost ~0.8 ms of CPU a call, ten times SQLite's own work.
    "refine_event_dates": "UPDATE events SET date_start = :date_start, date_end = :date_end,"
    " date_precision = :date_precision, date_approximate = :date_approximate, date_value = :date_value,"
    " date_reason = :date_reason, updated_at = :updated_at WHERE id = :id",
    "place_event": "UPDATE events SET place_id = :place_id, updated_at = :updated_at WHERE id = :id",
    "event_took_place": "UPDATE events SET status = 'past', title = :title, updated_at = :updated_at WHERE id = :id",
    "find_place": "SELECT id FROM places WHERE name = :name AND country_code = :country_code",
    "find_place_without_code": "SELECT id FROM places WHERE name = :name AND country_code IS NULL",
    "insert_place": "INSERT INTO places (name, country, country_code, kind, latitude, longitude, geonameid)"
    " VALUES (:name, :country, :country_code, :kind, :latitude, :longitude, :geonameid) ON CONFLICT DO NOTHING",
}
# PostgreSQL: a document's links in one statement each, so that 0006's statement triggers
# refresh each event once per document; WITH ORDINALITY keeps the rows' order, and so their ids.
_COLUMNS = {
    "insert_sources": (
        ("event_id", "integer"), ("document_id", "integer"), ("sentence", "text"), ("char_start", "integer"),
        ("char_end", "integer"), ("date_text", "text"), ("date_value", "text"), ("reference_date", "date"),
        ("merge_reason", "text"), ("confidence", "double precision"),
    ),
    "insert_event_actors": (("event_id", "integer"), ("actor_id", "integer"), ("role", "text")),
}
_TABLES = {"insert_sources": "event_sources", "insert_event_actors": "event_actors"}
_PG_INGEST_SQL = {
    key: f"INSERT INTO {_TABLES[key]} ({', '.join(name for name, _ in columns)})"
    f" SELECT {', '.join(name for name, _ in columns)} FROM unnest("
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns)
    + f") WITH ORDINALITY AS added ({', '.join(name for name, _ in columns)}, n) ORDER BY n ON CONFLICT DO NOTHING"
    for key, columns in _COLUMNS.items()
}
_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")
# Statements of _INGEST_SQL returning the new row's id. SQLite runs them without RETURNING, which
# it executes as a trigger-like step of its own (a fixed cost per row), and reads the cursor's
# lastrowid: events.id and documents.id are INTEGER PRIMARY KEYs, so the rowid.
_RETURNS_ID = ("insert_document", "insert_event")


# The length of a statement's one IN list, or (name, length) of each of its IN lists.
Listed = int | tuple[tuple[str, int], ...]


class _Cursor:
    """The DBAPI cursor of the caller's transaction and the dialect's value conversions."""

    # (dialect, statement or SQL, IN lists) → SQL, and on SQLite the function putting a dict of
    # parameters in the order of its ? marks (None on PostgreSQL: psycopg takes the dict)
    _texts: dict[tuple[str, str, Listed], tuple[str, Any]] = {}

    _processors: dict[type, tuple[Any, Any, Any]] = {}  # dialect class → date, read_date, timestamp

    def __init__(self, conn: Connection):
        dialect = conn.dialect
        self.dialect = dialect
        self.pyformat = dialect.name == "postgresql"
        self.cursor = conn.connection.cursor()
        self.error = dialect.loaded_dbapi.Error
        processors = self._processors.get(type(dialect))
        if processors is None:
            date_type, timestamp_type = Date().dialect_impl(dialect), DateTime(timezone=True).dialect_impl(dialect)
            processors = self._processors[type(dialect)] = (
                _iso_date_where_equal(_processor(date_type.bind_processor(dialect))),
                _processor(date_type.result_processor(dialect, None)),
                _processor(timestamp_type.bind_processor(dialect)),
            )
        self.date, self.read_date, self.timestamp = processors

    def sql(self, statement: str, listed: Listed = 0) -> tuple[str, Any]:
        """The SQL of `statement` (a key of _INGEST_SQL, or SQL) for this driver, its IN list `listed`
        long (or, for several IN lists, their names and lengths), and its parameters' order (SQLite)."""
        key = (self.dialect.name, statement, listed)
        found = self._texts.get(key)
        if found is None:
            sql = _INGEST_SQL.get(statement, statement)
            if not self.pyformat and statement in _RETURNS_ID:
                sql = sql.removesuffix(" RETURNING id")
            if isinstance(listed, int):
                # The one IN parameter of the statement (" IN :name") becomes a list.
                named = re.search(r" IN :(\w+)", sql)
                listed = ((named.group(1), listed),) if listed and named else ()
            for name, length in listed:
                items = ", ".join(f":{name}_{i}" for i in range(length))
                sql = sql.replace(f" IN :{name}", f" IN ({items})")
            if self.pyformat:
                found = self._texts[key] = (_PARAMETER.sub(r"%(\1)s", sql), None)
            else:
                # Positional: sqlite3 looks a named parameter up in the dict by a new str each time.
                found = self._texts[key] = (_PARAMETER.sub("?", sql), _in_order(_PARAMETER.findall(sql)))
        return found

    def run(self, statement: str, params: dict[str, Any], listed: Listed = 0) -> Any:
        """Execute and return the cursor; a driver error is raised as SQLAlchemy's (IntegrityError, ...)."""
        sql, order = self.sql(statement, listed)
        try:
            self.cursor.execute(sql, params if order is None else order(params))
        except self.error as exc:
            raise DBAPIError.instance(sql, params, exc, self.error, dialect=self.dialect) from exc
        return self.cursor

    def insert(self, statement: str, params: dict[str, Any]) -> int | None:
        """Run an INSERT of _RETURNS_ID; the new row's id, or None when its ON CONFLICT skipped the row."""
        cursor = self.run(statement, params)
        if self.pyformat:
            found = cursor.fetchone()
            return None if found is None else int(found[0])
        return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    def run_many(self, statement: str, rows: list[dict[str, Any]]) -> None:
        if self.pyformat and statement in _PG_INGEST_SQL:
            columns = {name: [row[name] for row in rows] for name, _ in _COLUMNS[statement]}
            self.run(_PG_INGEST_SQL[statement], columns)
            return
        sql, order = self.sql(statement)
        try:
            self.cursor.executemany(sql, rows if order is None else [order(row) for row in rows])
        except self.error as exc:
            raise DBAPIError.instance(sql, rows, exc, self.error, dialect=self.dialect, ismulti=True) from exc


def _in_order(names: list[str]) -> Any:
    """A function of a parameters dict giving the values of `names` as a tuple, in that order."""
    if len(names) == 1:
        (name,) = names
        return lambda params: (params[name],)
    return itemgetter(*names) if names else lambda params: ()


def _processor(convert: Any) -> Any:
    return convert if convert is not None else _unchanged


def _unchanged(value: Any) -> Any:
    return value


# Dates the Date bind processor of `dialect` must write the same (SQLite's default format is
# %04d-%02d-%02d: a datetime's time is dropped).
_DATE_PROBES = (date(1, 2, 3), date(2021, 10, 26), datetime(2021, 10, 26, 13, 5))


def _iso_date_where_equal(convert: Any) -> Any:
    """date.isoformat when `convert` writes the same text (SQLite), else `convert`: SQLAlchemy's
    processor builds a dict and %-formats it, 2.6 % of the writer's time on Reuters-21578."""
    if all(convert(probe) == date.isoformat(probe) for probe in _DATE_PROBES):
        return _iso_date
    return convert


def _iso_date(value: date | None) -> str | None:
    return None if value is None else date.isoformat(value)


def _listed(name: str, values: Sequence[Any]) -> dict[str, Any]:
    return {f"{name}_{i}": value for i, value in enumerate(values)}


def lock_writers(conn: Connection) -> None:
    """Take the writers' lock for this transaction (PostgreSQL; SQLite holds it since BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITER_LOCK})")


# Tables the neighbour and id look-ups of ingest read, and that ingest grows. PostgreSQL plans
# those queries from statistics that autovacuum refreshes at most once a minute per database,
# while one ingest grows these tables from empty many times over: with `actors` believed to hold
# 119 rows while it held 1,603, the planner scanned whole tables (Reuters-21578, issue 6). A
# table is analysed again once the rows changed since its last ANALYZE reach ANALYZE_GROWTH times
# the rows it had then (and ANALYZE_MIN_ROWS): a doubling, so a run analyses each table about
# log2(final rows / ANALYZE_MIN_ROWS) times, and each ANALYZE reads a bounded sample (300 ×
# default_statistics_target rows) even of a big table. documents and event_sources are only
# written by ingest (and looked up by unique key), so autovacuum's pace is enough for them.
GROWN_TABLES = ("events", "event_actors", "event_actor_dates", "actors", "places")
ANALYZE_GROWTH = 1.0
ANALYZE_MIN_ROWS = 500
_GROWN_SINCE_ANALYZE = (
    "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid"
    " WHERE s.schemaname = current_schema() AND s.relname = ANY (%(tables)s)"
    " AND s.n_mod_since_analyze >= GREATEST(%(min_rows)s, %(growth)s * GREATEST(c.reltuples, 0))"
    " ORDER BY s.relname"
)


def analyze_grown_tables(conn: Connection) -> list[str]:
    """ANALYZE the tables ingest grows that changed a lot since their last ANALYZE; their names.

    PostgreSQL only (SQLite returns [] and does nothing). Run it in a transaction of its own,
    after a batch has committed: its ShareUpdateExclusiveLock then waits for nobody's documents,
    and a failure here cannot take a document with it. The row counts come from the statistics
    collector, which lags a committed transaction by up to a second; a table missed now is
    caught after a later batch.
    """
    if conn.dialect.name != "postgresql":
        return []
    params = {"tables": list(GROWN_TABLES), "min_rows": ANALYZE_MIN_ROWS, "growth": ANALYZE_GROWTH}
    grown = [name for (name,) in conn.exec_driver_sql(_GROWN_SINCE_ANALYZE, params)]
    if grown:
        conn.exec_driver_sql(f"ANALYZE {', '.join(grown)}")  # names from GROWN_TABLES only
    return grown


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
    caller absorbs into `known` only after its transaction commits. A failing statement raises
    SQLAlchemy's DBAPIError subclass for it (IntegrityError, OperationalError, ...).
    """
    known = known if known is not None else IdCache()
    pending = pending if pending is not None else IdCache()
    cur = _Cursor(conn)
    stamp = cur.timestamp(now)
    row = {
        "sha256": document.sha256,
        "uri": document.uri,
        "title": document.title,
        "text": document.text,
        "published": cur.date(document.published),
        "published_source": document.published_source,
        "url": document.url,
        "source": document.source,
        "boilerplate": json.dumps([list(span) for span in document.boilerplate]),
        "char_count": len(document.text),
        "ingested_at": stamp,
    }
    # NOTE: the document row goes first: ON CONFLICT makes concurrent ingests of the same text
    # resolve to one row, and the one that finds it stored writes nothing else.
    document_id = cur.insert("insert_document", row)
    if document_id is None:
        existing_id, uri, published = cur.run("find_document", {"sha256": document.sha256}).fetchone()
        note = _unapplied_date(document, existing_id, uri, cur.read_date(published))
        return SaveResult(document_id=existing_id, stored=False, note=note)
    earlier = cur.run("find_earlier_text", {"uri": document.uri, "id": document_id}).fetchone()[0]
    note = None if earlier is None else (
        f"an earlier text of this input is stored as document {earlier}; both are kept, and an event"
        f" reported in both counts them as two sources (`timeline document delete {earlier}` removes the earlier)")
    created, merged = _save_events(cur, document_id, candidates, now, known, pending)
    return SaveResult(document_id=document_id, stored=True, events_created=created, events_merged=merged, note=note)


def save_events(
    conn: Connection,
    document_id: int,
    candidates: Sequence[EventCandidate],
    *,
    now: datetime,
    known: IdCache | None = None,
    pending: IdCache | None = None,
) -> tuple[int, int]:
    """Store the candidates of stored document `document_id` as save_document does; (created, merged).

    For extracting a stored document again (timeline.documents): the caller has removed the events
    it replaces. Raises as save_document does.
    """
    cur = _Cursor(conn)
    return _save_events(cur, document_id, candidates, now,
                        known if known is not None else IdCache(), pending if pending is not None else IdCache())


def _save_events(
    cur: _Cursor, document_id: int, candidates: Sequence[EventCandidate], now: datetime, known: IdCache,
    pending: IdCache,
) -> tuple[int, int]:
    if not candidates:
        return 0, 0
    stamp = cur.timestamp(now)
    actor_ids = _actor_ids(cur, [ref for c in candidates for ref in c.actors], known, pending)
    created = merged = 0
    local: dict[int, StoredEvent] = {}  # events this document created, for merges within it
    source_rows: list[dict[str, Any]] = []
    actor_rows: dict[tuple[int, int, str], dict[str, Any]] = {}
    assigned: list[int] = []  # each candidate's event, in order
    groups = _same_event_groups(candidates)
    met: dict[int, StoredEvent] = {}  # every event this document's candidates were offered or made

    def amend(event_id: int, change: Callable[[StoredEvent], StoredEvent]) -> None:
        # What this document changed in an event, for the candidates after it: in the row they were
        # offered, and in the event as made here when it was.
        met[event_id] = change(met[event_id])
        if event_id in local:
            local[event_id] = change(local[event_id])

    for index, candidate in enumerate(candidates):
        neighbours = _stored_neighbours(cur, candidate, [actor_ids[a.name] for a in candidate.actors])
        seen = {event.event_id for event in neighbours}
        options = neighbours + [
            e for e in local.values() if e.event_type == candidate.event_type and e.event_id not in seen
        ]
        match = find_match(candidate, options)
        met.update((e.event_id, e) for e in options)
        named_before = next((assigned[other] for other in groups.get(index, ()) if other < index), None)
        if named_before is not None and (match is None or match[0] != named_before):
            # The extractor found this to be an event the document named before ("the attack"
            # after "the attack took place on Tuesday"): its event, whatever find_match thinks.
            match = (named_before, f"same type {candidate.event_type}, the same event named again in this document")
        if match is None:
            event_id = _insert_event(cur, candidate, _place_id(cur, candidate.place, known, pending), stamp)
            local[event_id] = met[event_id] = _as_stored(event_id, candidate)
            reason = None
            created += 1
        else:
            event_id, reason = match
            matched = met[event_id]
            refined = _refine_dates(cur, matched, candidate, document_id, now)
            if refined is not None:
                reason = f"{reason}; {refined}"
                amend(event_id, lambda e: _with_dates(e, candidate))
            placed = _place_unplaced(cur, matched, candidate, known, pending, now)
            if placed is not None:
                reason = f"{reason}; {placed}"
                amend(event_id, lambda e: _with_place(e, candidate))
            held = _took_place(cur, matched, candidate, now)
            if held is not None:
                reason = f"{reason}; {held}"
                amend(event_id, lambda e: e._replace(status="past"))
            merged += 1
        assigned.append(event_id)
        source_rows.append(_source_row(cur, event_id, document_id, candidate, reason))
        for ref in candidate.actors:
            key = (event_id, actor_ids[ref.name], ref.role)
            actor_rows[key] = {"event_id": key[0], "actor_id": key[1], "role": key[2]}
    cur.run_many("insert_sources", source_rows)
    if actor_rows:
        cur.run_many("insert_event_actors", list(actor_rows.values()))
    return created, merged


def _unapplied_date(document: Document, document_id: int, uri: str, published: date | None) -> str | None:
    """The warning when a manifest dates a document already stored with another date, else None.

    The stored document is unchanged (same text): its date, and the events resolved against it,
    stay as they are; `timeline document reextract ID --published D` re-dates it (timeline.documents).
    """
    if document.published_source != "manifest" or document.published == published:
        return None
    assert document.published is not None
    was = published.isoformat() if published else "no publication date"
    wanted = document.published.isoformat()
    return (f"already stored as document {document_id} ({uri}) with {was}; the text is unchanged, so the"
            f" manifest's {wanted} is not applied (`timeline document reextract {document_id} --published {wanted}`"
            " applies it)")


def _same_event_groups(candidates: Sequence[EventCandidate]) -> dict[int, list[int]]:
    """Candidate index → the indexes of the candidates naming the same event (EventCandidate.same_as)."""
    groups: dict[int, list[int]] = {}
    for index, candidate in enumerate(candidates):
        anchor = candidate.same_as
        if anchor is None or not 0 <= anchor < len(candidates) or anchor == index:
            continue
        group = sorted({index, anchor, *groups.get(index, ()), *groups.get(anchor, ())})
        for member in group:
            groups[member] = group
    return groups


def _is_more_precise(candidate: EventCandidate, start: date, end: date, approximate: bool) -> bool:
    """True when the candidate's date lies inside the event's and says more: narrower, or exact for approximate."""
    if candidate.date_start is None or candidate.date_end is None:
        return False
    if not (start <= candidate.date_start and candidate.date_end <= end):
        return False
    if (candidate.date_start, candidate.date_end) == (start, end):
        return approximate and not candidate.date_approximate
    # An approximate day ("a few days after") does not replace an exact, coarser date ("in 2022").
    return approximate or not candidate.date_approximate


def _refine_dates(
    cur: _Cursor, row: StoredEvent, candidate: EventCandidate, document_id: int, now: datetime
) -> str | None:
    """Give a non-curated event the candidate's date when it is more precise; the note, or None.

    "Resolution 2593 (2021)" then "adopted in August": the event becomes August 2021. A curated
    event is never touched (DESIGN: re-ingest never overwrites what a person corrected).
    """
    if candidate.date_start is None or candidate.date_end is None:
        return None  # an undated candidate has nothing more precise to give
    event_id = row.event_id
    if row.curated:
        return None
    if row.date_start is None or row.date_end is None:
        # Only a numbered resolution merges undated with dated (resolve._same_numbered): any date says more.
        was = "undated"
    elif _is_more_precise(candidate, row.date_start, row.date_end, bool(row.date_approximate)):
        was = _span_text(row.date_start, row.date_end, row.date_precision, bool(row.date_approximate))
    else:
        return None
    now_is = _span_text(candidate.date_start, candidate.date_end, candidate.date_precision, candidate.date_approximate)
    seen = f" ({candidate.date_text!r})" if candidate.date_text else ""
    note = f"event date refined to {now_is}{seen} from {was}"
    cur.run("refine_event_dates", {
        "id": event_id,
        "date_start": cur.date(candidate.date_start),
        "date_end": cur.date(candidate.date_end),
        "date_precision": candidate.date_precision,
        "date_approximate": candidate.date_approximate,
        "date_value": candidate.date_value,
        "date_reason": f"more precise date from document {document_id}{seen}, was {was}"
        + (f"; {candidate.date_reason}" if candidate.date_reason else ""),
        "updated_at": cur.timestamp(now),
    })
    return note


def _place_unplaced(
    cur: _Cursor, row: StoredEvent, candidate: EventCandidate, known: IdCache, pending: IdCache, now: datetime
) -> str | None:
    """Give a non-curated event with no place the candidate's place; the note, or None.

    "talks here on October 26 and 27" then "held in Washington during October 26-27": the talks
    took place in Washington. find_match has already found the places compatible; a place the
    event has is never replaced, and a curated event is never touched.
    """
    if candidate.place is None or row.place is not None or row.curated:
        return None
    place_id = _place_id(cur, candidate.place, known, pending)
    cur.run("place_event", {"id": row.event_id, "place_id": place_id, "updated_at": cur.timestamp(now)})
    return f"event placed in {candidate.place.name}"


def _took_place(cur: _Cursor, row: StoredEvent, candidate: EventCandidate, now: datetime) -> str | None:
    """A planned, non-curated event that a report says took place becomes past, with that report's
    title ("... hold talks (planned)" loses its mark); the note, or None."""
    if row.status != "planned" or candidate.status != "past" or row.curated:
        return None
    cur.run("event_took_place", {"id": row.event_id, "title": candidate.title, "updated_at": cur.timestamp(now)})
    return "the planned event took place"


def _with_place(event: StoredEvent, candidate: EventCandidate) -> StoredEvent:
    place = candidate.place
    assert place is not None
    return event._replace(place=place.name, country_code=place.country_code)


def _span_text(start: date, end: date, precision: str | None, approximate: bool) -> str:
    span = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
    return f"{span} {precision or 'unknown'}{' approximate' if approximate else ''}"


def _with_dates(event: StoredEvent, candidate: EventCandidate) -> StoredEvent:
    return event._replace(
        date_start=candidate.date_start,
        date_end=candidate.date_end,
        date_precision=candidate.date_precision,
        date_approximate=candidate.date_approximate,
    )


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
        speakers=speaking_persons(candidate),
        curated=False,
        date_precision=candidate.date_precision,
        date_approximate=candidate.date_approximate,
        number=candidate.number,
        status=candidate.status,
    )


_NEIGHBOUR_SELECT = """SELECT e.id, e.event_type, e.date_start, e.date_end, e.curated, e.date_precision,
    e.date_approximate, p.name, p.country_code, e.number, e.status
"""
_NEIGHBOUR_FROM = "FROM events e LEFT JOIN places p ON p.id = e.place_id WHERE e.event_type = :event_type AND "
_DATED = "e.date_start >= :lookback AND e.date_start <= :date_end AND e.date_end >= :date_start"
# Dated events sharing an actor: one range of event_actor_dates per actor (migration 0003), so the
# cost follows the actor's events near the candidate's dates, not every event of the type in the
# year before. HAVING keeps the events resolve.find_match can accept: sharing min(2, candidate's
# actors) actors, or all of their own (it asks for min(2, either side's count) shared).
_NEAR_RANGE = (
    "{x}.actor_id IN :actor_ids AND {x}.date_start >= :lookback AND {x}.date_start <= :date_end"
    " AND {x}.date_end >= :date_start"
)
_NEAR_IDS = (
    "SELECT x.event_id{counts} FROM event_actor_dates x WHERE " + _NEAR_RANGE.format(x="x")
    + " GROUP BY x.event_id HAVING {dropped}(COUNT(*) >= :min_shared"
    " OR COUNT(*) = (SELECT COUNT(DISTINCT ea.actor_id) FROM event_actors ea WHERE ea.event_id = x.event_id))"
)
# NOTE: CROSS JOIN keeps `near` the outer loop on SQLite.
_SQLITE_NEAR_BY_ACTOR = (
    _NEIGHBOUR_SELECT.rstrip() + "{columns} FROM (" + _NEAR_IDS + ") near CROSS JOIN events e"
    " LEFT JOIN places p ON p.id = e.place_id WHERE e.id = near.event_id AND e.event_type = :event_type"
)
_NEAR_BY_ACTOR = {
    "sqlite": _SQLITE_NEAR_BY_ACTOR.format(columns="", counts="", dropped=""),
    # PostgreSQL plans a join freely and, while ingest grows the tables faster than statistics
    # follow, hashed a scan of events; ARRAY(...) is computed first and looked up by primary key.
    "postgresql": _NEIGHBOUR_SELECT + _NEIGHBOUR_FROM + f"e.id = ANY (ARRAY({_NEAR_IDS.format(counts='', dropped='')}))",
}
_SHARES_AN_ACTOR = "EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = e.id AND ea.actor_id IN :actor_ids)"
# The same condition for SQLite: the actors' event ids are listed first and looked up in the
# (event_type, date_start) index, instead of testing every undated event of the type (0.37 ms a
# query, growing with the database, at the end of Reuters-21578).
_SHARES_AN_ACTOR_LISTED = "e.id IN (SELECT ea.event_id FROM event_actors ea WHERE ea.actor_id IN :actor_ids)"
_NO_ACTORS = "NOT EXISTS (SELECT 1 FROM event_actors x WHERE x.event_id = e.id)"
_PLACED = _NEIGHBOUR_SELECT + _NEIGHBOUR_FROM + f"{_DATED} AND e.place_id IS NOT NULL"
# SQLite: the placed events are looked up in migration 0010's partial index on (event_type, date_end),
# where the range ends at the events ending before the candidate starts; named, because without
# statistics SQLite prefers the two-sided date_start range of (event_type, date_start).
_PLACED_INDEX = "ix_events_placed_type_date_end"
_SQLITE_PLACED = _PLACED.replace("FROM events e ", f"FROM events e INDEXED BY {_PLACED_INDEX} ", 1)
NEIGHBOUR_LIMIT = 500
_TAIL = f" ORDER BY 1 LIMIT {NEIGHBOUR_LIMIT}"  # column 1 is e.id, in both parts of a UNION ALL
# A statement is the same one only when two parties made it together or the same person made it
# (resolve._same_event). On Reuters-21578 ("X said" everywhere) 209,000 of the 229,000 neighbour
# rows were such statements sharing one actor, which find_match turned down: on SQLite they are
# dropped before they reach Python, with the shared actors counted in `near`. NOTE: outside the
# LIMIT, so that find_match still chooses among the same events. Keyed by "the candidate names a
# person"; the rows have two more columns (shared, persons) after those of _NEIGHBOUR_SELECT.
# The groups it drops (one shared actor, no person) are left out of `near` already, before HAVING's
# subquery counts their event's actors (it was 45 % of these queries' time), whenever that cannot
# change which events the LIMIT keeps: when the candidate's actors have at most NEIGHBOUR_LIMIT
# rows in the range, there are no more groups than that, the LIMIT keeps every group HAVING
# accepts, and the rows the outer WHERE keeps are the same. NOTE: `persons` is repeated in HAVING
# as its aggregate; the range count is uncorrelated, so SQLite computes it once a query.
_PERSONS = {False: "0", True: "SUM(x.actor_id IN :person_ids)"}


def _statement_near_by_actor(named: bool, *, drop_early: bool = True) -> str:
    """The SQLite statement query; `named`: the candidate names a person. Without `drop_early`,
    the plain form the early drop must agree with (tests)."""
    dropped = (f"NOT (COUNT(*) < 2 AND {_PERSONS[named]} = 0 AND (SELECT COUNT(*) FROM event_actor_dates y"
               f" WHERE {_NEAR_RANGE.format(x='y')}) <= {NEIGHBOUR_LIMIT}) AND ")
    near = _SQLITE_NEAR_BY_ACTOR.format(
        columns=", near.shared AS shared, near.persons AS persons",
        counts=f", COUNT(*) AS shared, {_PERSONS[named]} AS persons",
        dropped=dropped if drop_early else "",
    )
    return f"SELECT * FROM ({near}{_TAIL}) WHERE shared >= 2 OR persons > 0"


_SQLITE_STATEMENT_NEAR_BY_ACTOR = {named: _statement_near_by_actor(named) for named in (False, True)}


def _neighbour_queries(near_by_actor: str, shares_an_actor: str, placed: str) -> dict[tuple[bool, bool, bool], str]:
    """(dated, candidate names actors, candidate has a place) → SQL; the two parts of a UNION ALL
    are disjoint (events with actors, events without)."""
    undated = _NEIGHBOUR_SELECT + _NEIGHBOUR_FROM + f"e.date_start IS NULL AND {shares_an_actor}"
    return {
        (True, True, True): f"{near_by_actor} UNION ALL {placed} AND {_NO_ACTORS}{_TAIL}",
        (True, True, False): near_by_actor + _TAIL,
        (True, False, True): placed + _TAIL,
        (False, True, True): undated + _TAIL,
        (False, True, False): undated + _TAIL,
    }


# They fetch only the events resolve.find_match can accept: sharing actors with the candidate, or
# (when one side names nobody) both placed.
_NEIGHBOURS = {
    "sqlite": _neighbour_queries(_NEAR_BY_ACTOR["sqlite"], _SHARES_AN_ACTOR_LISTED, _SQLITE_PLACED),
    "postgresql": _neighbour_queries(_NEAR_BY_ACTOR["postgresql"], _SHARES_AN_ACTOR, _PLACED),
}
_NEIGHBOUR_ACTORS = (
    "SELECT ea.event_id, a.name, ea.role = 'speaker' AND a.kind = 'person' FROM event_actors ea"
    " JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id IN :ids"
)


def _needs_a_second_actor(candidate: EventCandidate, candidate_actor_ids: list[int]) -> bool:
    """True when the candidate names one actor and resolve.find_match asks two shared ones of any
    event with actors (resolve.needs_two_shared_actors).

    Without a place, the neighbour queries return only events sharing an actor, which find_match
    then turns down one by one; on Reuters-21578 that was 6,100 of 19,900 statement queries, 260 of
    2,030 other dated ones and 1,160 of 1,840 undated ones.
    """
    return len(set(candidate_actor_ids)) == 1 and needs_two_shared_actors(candidate)


# A numbered resolution is looked up by its number whatever its dates and actors (resolve._same_numbered).
_NUMBERED = _NEIGHBOUR_SELECT + _NEIGHBOUR_FROM + "e.number = :number" + _TAIL


def _stored_neighbours(cur: _Cursor, candidate: EventCandidate, candidate_actor_ids: list[int]) -> list[StoredEvent]:
    """Stored events the candidate could be: same type, overlapping dates, and a shared actor or place;
    for a numbered resolution, also every stored resolution with its number."""
    found = _neighbours_by_dates(cur, candidate, candidate_actor_ids)
    if candidate.number is None:
        return found
    rows = cur.run(_NUMBERED, {"event_type": candidate.event_type, "number": candidate.number}).fetchall()
    seen = {event.event_id for event in found}
    return found + _as_neighbours(cur, [row for row in rows if row[0] not in seen])


def _neighbours_by_dates(cur: _Cursor, candidate: EventCandidate, candidate_actor_ids: list[int]) -> list[StoredEvent]:
    dated = candidate.date_start is not None and candidate.date_end is not None
    if candidate.place is None and _needs_a_second_actor(candidate, candidate_actor_ids):
        return []
    queries = _NEIGHBOURS["postgresql" if cur.pyformat else "sqlite"]
    query = queries.get((dated, bool(candidate_actor_ids), candidate.place is not None))
    if query is None:
        return []  # nothing find_match could accept (no actors and no place, or undated without actors)
    params: dict[str, Any] = {"event_type": candidate.event_type}
    listed: Listed = len(candidate_actor_ids)
    if candidate_actor_ids:
        params.update(_listed("actor_ids", candidate_actor_ids))
        if dated:
            params["min_shared"] = min(2, len(set(candidate_actor_ids)))
    if dated:
        assert candidate.date_start is not None
        params.update(
            lookback=cur.date(candidate.date_start - LOOKBACK),
            date_start=cur.date(candidate.date_start),
            date_end=cur.date(candidate.date_end),
        )
        if candidate.event_type == "statement" and candidate.place is None and candidate_actor_ids and cur.dialect.name == "sqlite":
            persons = [actor_id for actor_id, ref in zip(candidate_actor_ids, candidate.actors) if ref.kind == "person"]
            query = _SQLITE_STATEMENT_NEAR_BY_ACTOR[bool(persons)]
            if persons:
                params.update(_listed("person_ids", persons))
                listed = (("actor_ids", len(candidate_actor_ids)), ("person_ids", len(persons)))
    return _as_neighbours(cur, cur.run(query, params, listed).fetchall())


def _as_neighbours(cur: _Cursor, rows: Sequence[Any]) -> list[StoredEvent]:
    """StoredEvents of neighbour rows (the columns of _NEIGHBOUR_SELECT first), with their actors."""
    if not rows:
        return []
    names: dict[int, set[str]] = {row[0]: set() for row in rows}
    speakers: dict[int, set[str]] = {}
    for event_id, name, speaks in cur.run(_NEIGHBOUR_ACTORS, _listed("ids", list(names)), len(names)).fetchall():
        names[event_id].add(name)
        if speaks:
            speakers.setdefault(event_id, set()).add(name)
    read_date = cur.read_date
    # NOTE: the columns of _NEIGHBOUR_SELECT, in order (a statement's rows have two more).
    return [
        StoredEvent(
            event_id=event_id,
            event_type=event_type,
            date_start=read_date(date_start),
            date_end=read_date(date_end),
            place=place,
            country_code=country_code,
            actors=frozenset(names[event_id]),
            speakers=frozenset(speakers.get(event_id, ())),
            curated=bool(curated),
            date_precision=date_precision,
            date_approximate=bool(date_approximate),
            number=number,
            status=status,
        )
        for event_id, event_type, date_start, date_end, curated, date_precision, date_approximate, place, country_code,
        number, status, *_ in rows
    ]


def _insert_event(cur: _Cursor, candidate: EventCandidate, place_id: int | None, stamp: Any) -> int:
    values = {
        "event_type": candidate.event_type,
        "cameo_code": candidate.cameo_code,
        "title": candidate.title,
        "summary": candidate.summary,
        "date_start": cur.date(candidate.date_start),
        "date_end": cur.date(candidate.date_end),
        "date_precision": candidate.date_precision,
        "date_approximate": candidate.date_approximate,
        "date_value": candidate.date_value,
        "date_reason": candidate.date_reason,
        "status": candidate.status,
        "number": candidate.number,
        "place_id": place_id,
        "confidence": candidate.confidence,
        "curated": False,
        "created_at": stamp,
        "updated_at": stamp,
    }
    event_id = cur.insert("insert_event", values)
    assert event_id is not None  # no ON CONFLICT clause: a failure raises
    return event_id


def _source_row(
    cur: _Cursor, event_id: int, document_id: int, candidate: EventCandidate, reason: str | None
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "document_id": document_id,
        "sentence": candidate.sentence,
        "char_start": candidate.char_start,
        "char_end": candidate.char_end,
        "date_text": candidate.date_text,
        "date_value": candidate.date_value,
        "reference_date": cur.date(candidate.reference_date),
        "merge_reason": reason,
        "confidence": candidate.confidence,
    }


def _place_id(cur: _Cursor, place: PlaceRef | None, known: IdCache, pending: IdCache) -> int | None:
    if place is None:
        return None
    key = (place.name, place.country_code)
    cached = known.places.get(key) or pending.places.get(key)
    if cached is not None:
        return cached
    if place.country_code is None:
        query, params = "find_place_without_code", {"name": place.name}
    else:
        query, params = "find_place", {"name": place.name, "country_code": place.country_code}
    found = cur.run(query, params).fetchone()
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
        cur.run("insert_place", values)
        found = cur.run(query, params).fetchone()
        if found is None:
            raise NoResultFound(f"place {place.name!r} was neither found nor stored")
    pending.places[key] = int(found[0])
    return int(found[0])


def _actor_ids(cur: _Cursor, refs: Iterable[ActorRef], known: IdCache, pending: IdCache) -> dict[str, int]:
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
        cur.run_many("insert_actors", rows)
        for name, actor_id in cur.run("find_actors", _listed("names", missing), len(missing)).fetchall():
            ids[name] = actor_id
            pending.actors[name] = actor_id
    alias_rows: list[dict[str, Any]] = [
        {"actor_id": ids[name], "alias": alias}
        for name in sorted(aliases)
        for alias in sorted(aliases[name])
        if (ids[name], alias) not in known.aliases
    ]
    if alias_rows:
        cur.run_many("insert_aliases", alias_rows)
        pending.aliases.update((row["actor_id"], row["alias"]) for row in alias_rows)
    return ids
