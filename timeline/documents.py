"""Stored documents changed after ingest: extracted again (new lexicon, new version, new date) or deleted.

A document's events are what extraction made of it when it was ingested. Extracting it again, or
deleting it, takes down the events built from it that nobody corrected, and builds them again:
from the document itself (unless deleted), and from the sentences of other documents that had
been merged into those events. Curated events are never touched (DESIGN: what a person corrected
is never overwritten); their sources stay where they are. Everything happens in one transaction,
under the writers' lock: the database holds the old events or the new ones, never a mix.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    JSON, ARRAY, ColumnElement, Connection, Engine, Integer, Table, any_, bindparam, delete, func, literal_column, select,
    update,
)

from timeline import models, store
from timeline.errors import ConfigError
from timeline.extract import extract
from timeline.lexicon import folders
from timeline.records import Document, EventCandidate

documents = cast(Table, models.Document.__table__)
events = cast(Table, models.Event.__table__)
event_sources = cast(Table, models.EventSource.__table__)

# (char_start, char_end) of a source's sentence.
_Span = tuple[int, int]


@dataclass(frozen=True)
class _Held:
    """An event holding a sentence of a document extracted again: its type, the source's date text,
    whether it is taken down and rebuilt, and whether a person curated it."""

    event_type: str
    date_text: str | None
    rebuilt: bool
    curated: bool


class UnknownDocument(ConfigError):
    """No document has an id a document command was given (exit 2)."""


@dataclass
class RedoSummary:
    """What extracting again (or deleting) did."""

    documents: int = 0  # documents extracted again, or deleted
    others: int = 0  # other documents whose sentences in the events taken down were extracted again
    events_removed: int = 0  # events taken down (built by extraction, never corrected)
    events_created: int = 0
    events_merged: int = 0
    sources_lost: int = 0  # sentences of other documents that the current extraction no longer finds
    curated_kept: list[int] = field(default_factory=list)  # curated events holding a source of the documents
    curated_emptied: list[int] = field(default_factory=list)  # ... left with no source (deleting only)

    def line(self, verb: str) -> str:
        """The one-line summary the CLI prints."""
        others = f" (and {self.others} other document(s) sharing their events)" if self.others else ""
        return (f"{self.documents} document(s) {verb}{others}; events: {self.events_removed} taken down, "
                f"{self.events_created} new, {self.events_merged} merged")


def extract_again(
    engine: Engine,
    document_ids: Sequence[int] | None,
    *,
    now: datetime,
    published: date | None = None,
    lexicon_dirs: Sequence[Path] = (),
    progress: Callable[[int], None] | None = None,
) -> RedoSummary:
    """Extract the events of stored documents again (None: every document), in one transaction.

    `published` first re-dates the documents (their relative dates resolve against it). Raises
    UnknownDocument naming ids that do not exist; on any failure nothing changes.
    """
    lexicon = folders(lexicon_dirs)
    with engine.begin() as conn:
        store.lock_writers(conn)
        targets = _require_documents(conn, document_ids)
        if published is not None:
            conn.execute(
                update(documents).where(_among(conn, documents.c.id, "ids"))
                .values(published=published, published_source="option"),
                {"ids": targets},
            )
        return _rebuild(conn, targets, every=document_ids is None, drop=False, now=now, lexicon=lexicon,
                        progress=progress)


def delete_documents(
    engine: Engine, document_ids: Sequence[int], *, now: datetime, lexicon_dirs: Sequence[Path] = ()
) -> RedoSummary:
    """Delete stored documents with their sources, in one transaction; the events they built are rebuilt
    from the other documents' sentences, or go. Raises UnknownDocument naming ids that do not exist."""
    if not document_ids:
        raise ConfigError("name at least one document id (see `timeline document list`)")
    lexicon = folders(lexicon_dirs)
    with engine.begin() as conn:
        store.lock_writers(conn)
        targets = _require_documents(conn, document_ids)
        return _rebuild(conn, targets, every=False, drop=True, now=now, lexicon=lexicon, progress=None)


def _among(conn: Connection, column: Any, name: str) -> ColumnElement[bool]:
    """`column` is one of the ids bound as the list `name`, sent as one parameter: psycopg takes at
    most 65,535 (`timeline document delete $(seq 100 70000)`), SQLite 250,000."""
    if conn.dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam(name, type_=ARRAY(Integer))))
    listed: Any = select(literal_column("value")).select_from(func.json_each(bindparam(name, type_=JSON)))
    return cast(ColumnElement[bool], column.in_(listed.scalar_subquery()))


def _require_documents(conn: Connection, document_ids: Sequence[int] | None) -> list[int]:
    if document_ids is None:
        return [row.id for row in conn.execute(select(documents.c.id).order_by(documents.c.id))]
    wanted = sorted(set(document_ids))
    found = {row.id for row in conn.execute(
        select(documents.c.id).where(_among(conn, documents.c.id, "ids")), {"ids": wanted})}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        # A list from `seq` can name thousands: the first ten, and how many in all.
        named = ", ".join(missing[:10]) + (f", ... ({len(missing)} in all)" if len(missing) > 10 else "")
        raise UnknownDocument(f"no document with id {named} (see `timeline document list`)")
    return wanted


def _rebuild(
    conn: Connection,
    targets: list[int],
    *,
    every: bool,
    drop: bool,
    now: datetime,
    lexicon: tuple[Path, ...],
    progress: Callable[[int], None] | None,
) -> RedoSummary:
    summary = RedoSummary(documents=len(targets))
    target_set = set(targets)
    rows = _sources_of(conn, None if every else targets)
    taken_down = sorted({r.event_id for r in rows if not r.curated})
    down = set(taken_down)
    summary.curated_kept = sorted({r.event_id for r in rows if r.curated})
    # Per document and sentence: what each event holding it was (see _Held).
    held: dict[int, dict[_Span, list[_Held]]] = defaultdict(lambda: defaultdict(list))

    def hold(r: Any) -> None:
        held[r.document_id][(r.char_start, r.char_end)].append(
            _Held(r.event_type, r.date_text, rebuilt=r.event_id in down, curated=bool(r.curated)))

    for r in rows:
        hold(r)
    # Other documents' sentences in the events taken down: they are extracted again with them.
    # Every event holding such a sentence is read: another candidate of the sentence may stay
    # where it is ("the 2019 Pulwama attack and the 2008 Mumbai attacks", one of them shared).
    shared: set[int] = set()
    if taken_down and not every:
        spans = {
            (s.document_id, s.char_start, s.char_end)
            for s in conn.execute(
                select(event_sources.c.document_id, event_sources.c.char_start, event_sources.c.char_end)
                .where(_among(conn, event_sources.c.event_id, "events"),
                       ~_among(conn, event_sources.c.document_id, "ids")),
                {"events": taken_down, "ids": targets},
            )
        }
        shared = {document_id for document_id, _, _ in spans}
        for r in _sources_of(conn, sorted(shared)):
            if (r.document_id, r.char_start, r.char_end) in spans:
                hold(r)
    if drop:
        summary.curated_emptied = _emptied(conn, summary.curated_kept, target_set)
    if every:
        summary.events_removed = conn.execute(delete(events).where(events.c.curated.is_(False))).rowcount
    elif taken_down:
        summary.events_removed = conn.execute(
            delete(events).where(_among(conn, events.c.id, "ids")), {"ids": taken_down}).rowcount
    if drop:
        conn.execute(delete(documents).where(_among(conn, documents.c.id, "ids")), {"ids": targets})
    known, pending = store.IdCache(), store.IdCache()
    # NOTE: in id order, the order they were ingested in: merges then go as they went at ingest.
    redo = [] if drop else targets
    for document_id in sorted(set(redo) | shared):
        document = _load(conn, document_id)
        whole = document_id in target_set
        candidates, lost = _to_rebuild(extract(document, lexicon), held.get(document_id, {}), whole=whole)
        if not whole:
            summary.sources_lost += lost
            summary.others += 1
        created, merged = store.save_events(conn, document_id, candidates, now=now, known=known, pending=pending)
        summary.events_created += created
        summary.events_merged += merged
        if progress is not None:
            progress(document_id)
    return summary


def _sources_of(conn: Connection, document_ids: list[int] | None) -> list[Any]:
    """The sources of the documents (None: of all) with their event's type and curated flag."""
    query = (
        select(event_sources.c.document_id, event_sources.c.event_id, event_sources.c.char_start,
               event_sources.c.char_end, event_sources.c.date_text, events.c.event_type, events.c.curated)
        .join(events, events.c.id == event_sources.c.event_id)
    )
    if document_ids is None:
        return list(conn.execute(query).all())
    return list(conn.execute(query.where(_among(conn, event_sources.c.document_id, "ids")), {"ids": document_ids}))


def _emptied(conn: Connection, curated_ids: list[int], targets: set[int]) -> list[int]:
    """The curated events all of whose sources are in `targets` (deleting them leaves these with none)."""
    if not curated_ids:
        return []
    holders: dict[int, set[int]] = defaultdict(set)
    for r in conn.execute(
        select(event_sources.c.event_id, event_sources.c.document_id)
        .where(_among(conn, event_sources.c.event_id, "ids")), {"ids": curated_ids}
    ):
        holders[r.event_id].add(r.document_id)
    return sorted(event_id for event_id, docs in holders.items() if docs <= targets)


def _load(conn: Connection, document_id: int) -> Document:
    """A stored document as ingest read it: text, date and boilerplate spans."""
    row = conn.execute(select(documents).where(documents.c.id == document_id)).one()
    return Document(
        text=row.text, uri=row.uri, sha256=row.sha256, title=row.title, published=row.published,
        published_source=row.published_source, url=row.url, source=row.source,
        boilerplate=tuple((int(a), int(b)) for a, b in json.loads(row.boilerplate or "[]")),
    )


def _to_rebuild(
    candidates: list[EventCandidate], held: dict[_Span, list[_Held]], *, whole: bool
) -> tuple[list[EventCandidate], int]:
    """The candidates to store again, and the number of rebuilt sources no candidate was found for.

    `held` maps a sentence to the events holding it. Each of those is given one candidate of the
    sentence: first of its type and date text (two attacks in one sentence, told apart by their
    dates), then of its type, then, for a curated event (a person may have re-typed it, or merged
    an event of another type into it), of any type. The candidates given to events taken down are
    stored again; those given to events that stay are not (their event holds them already); the
    rest are stored again when the `whole` document is extracted again, else left out.
    """
    given: dict[int, bool] = {}  # id() of a candidate → whether its event is rebuilt
    lost = 0
    for span, holders in held.items():
        here = [c for c in candidates if (c.char_start, c.char_end) == span]
        open_holders = list(holders)
        for fits in (
            lambda c, h: c.event_type == h.event_type and c.date_text == h.date_text,
            lambda c, h: c.event_type == h.event_type,
            lambda c, h: h.curated,
        ):
            for holder in list(open_holders):
                found = next((c for c in here if id(c) not in given and fits(c, holder)), None)
                if found is not None:
                    given[id(found)] = holder.rebuilt
                    open_holders.remove(holder)
        lost += sum(1 for holder in open_holders if holder.rebuilt)
    kept = [c for c in candidates if given.get(id(c), whole)]
    return _renumbered(candidates, kept), lost


def _renumbered(candidates: list[EventCandidate], kept: Iterable[EventCandidate]) -> list[EventCandidate]:
    """`kept` (a sub-list of `candidates`, in order) with same_as pointing into it; a pointer to a
    candidate left out is dropped."""
    kept = list(kept)
    position = {id(c): i for i, c in enumerate(kept)}
    out = []
    for c in kept:
        anchor = candidates[c.same_as] if c.same_as is not None and 0 <= c.same_as < len(candidates) else None
        same_as = position.get(id(anchor)) if anchor is not None else None
        out.append(c if same_as == c.same_as else replace(c, same_as=same_as))
    return out


def document_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every stored document with the number of events it supports, by id; [] when none."""
    counted = (
        select(event_sources.c.document_id, func.count(func.distinct(event_sources.c.event_id)).label("events"))
        .group_by(event_sources.c.document_id).subquery()
    )
    query = (
        select(documents.c.id.label("document_id"), documents.c.published, documents.c.published_source,
               documents.c.title, documents.c.uri, documents.c.char_count,
               func.coalesce(counted.c.events, 0).label("events"))
        .outerjoin(counted, counted.c.document_id == documents.c.id)
        .order_by(documents.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
