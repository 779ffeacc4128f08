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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete, select, update

from timeline import models, store
from timeline.errors import ConfigError
from timeline.extract import extract
from timeline.records import Document, EventCandidate

documents = cast(Table, models.Document.__table__)
events = cast(Table, models.Event.__table__)
event_sources = cast(Table, models.EventSource.__table__)

# (document id, char_start, char_end) of a source; with the event's type where it matters.
_Span = tuple[int, int]


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
    lexicon = tuple(Path(d).resolve() for d in lexicon_dirs)
    with engine.begin() as conn:
        store.lock_writers(conn)
        targets = _require_documents(conn, document_ids)
        if published is not None:
            conn.execute(
                update(documents).where(documents.c.id.in_(bindparam("ids", expanding=True)))
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
    lexicon = tuple(Path(d).resolve() for d in lexicon_dirs)
    with engine.begin() as conn:
        store.lock_writers(conn)
        targets = _require_documents(conn, document_ids)
        return _rebuild(conn, targets, every=False, drop=True, now=now, lexicon=lexicon, progress=None)


def _require_documents(conn: Connection, document_ids: Sequence[int] | None) -> list[int]:
    if document_ids is None:
        return [row.id for row in conn.execute(select(documents.c.id).order_by(documents.c.id))]
    wanted = sorted(set(document_ids))
    found = {row.id for row in conn.execute(
        select(documents.c.id).where(documents.c.id.in_(bindparam("ids", expanding=True))), {"ids": wanted})}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise UnknownDocument(f"no document with id {', '.join(missing)} (see `timeline document list`)")
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
    # The targets' sources: (document, event, span, event type, curated), read once.
    query = (
        select(event_sources.c.document_id, event_sources.c.event_id, event_sources.c.char_start,
               event_sources.c.char_end, events.c.event_type, events.c.curated)
        .join(events, events.c.id == event_sources.c.event_id)
    )
    if not every:
        query = query.where(event_sources.c.document_id.in_(bindparam("ids", expanding=True)))
    rows = conn.execute(query, {} if every else {"ids": targets}).all()
    taken_down = sorted({r.event_id for r in rows if not r.curated})
    # Per document and sentence: the types of the curated events holding it, and of the others.
    curated: dict[int, dict[_Span, tuple[list[str], list[str]]]] = defaultdict(dict)
    for r in rows:
        if r.curated:
            curated[r.document_id].setdefault((r.char_start, r.char_end), ([], []))[0].append(r.event_type)
    for r in rows:
        if not r.curated and (r.char_start, r.char_end) in curated.get(r.document_id, {}):
            curated[r.document_id][(r.char_start, r.char_end)][1].append(r.event_type)
    summary.curated_kept = sorted({r.event_id for r in rows if r.curated})
    # Other documents' sentences in the events taken down: they are extracted again with them.
    shared: dict[int, set[tuple[int, int, str]]] = defaultdict(set)
    if taken_down and not every:
        for s in conn.execute(
            select(event_sources.c.document_id, event_sources.c.char_start, event_sources.c.char_end,
                   events.c.event_type)
            .join(events, events.c.id == event_sources.c.event_id)
            .where(event_sources.c.event_id.in_(bindparam("events", expanding=True)),
                   event_sources.c.document_id.not_in(bindparam("ids", expanding=True))),
            {"events": taken_down, "ids": targets},
        ):
            shared[s.document_id].add((s.char_start, s.char_end, s.event_type))
    if drop:
        summary.curated_emptied = _emptied(conn, summary.curated_kept, target_set)
    if every:
        summary.events_removed = conn.execute(delete(events).where(events.c.curated.is_(False))).rowcount
    elif taken_down:
        summary.events_removed = conn.execute(
            delete(events).where(events.c.id.in_(bindparam("ids", expanding=True))), {"ids": taken_down}).rowcount
    if drop:
        conn.execute(delete(documents).where(documents.c.id.in_(bindparam("ids", expanding=True))), {"ids": targets})
    known, pending = store.IdCache(), store.IdCache()
    # NOTE: in id order, the order they were ingested in: merges then go as they went at ingest.
    redo = [] if drop else targets
    for document_id in sorted(set(redo) | set(shared)):
        document = _load(conn, document_id)
        candidates = extract(document, lexicon)
        if document_id in target_set:
            candidates = _without_curated(candidates, curated.get(document_id, {}))
        else:
            wanted = shared[document_id]
            found = [c for c in candidates if (c.char_start, c.char_end, c.event_type) in wanted]
            summary.sources_lost += len(wanted) - len(found)
            candidates = _renumbered(candidates, found)
            summary.others += 1
        created, merged = store.save_events(conn, document_id, candidates, now=now, known=known, pending=pending)
        summary.events_created += created
        summary.events_merged += merged
        if progress is not None:
            progress(document_id)
    return summary


def _emptied(conn: Connection, curated_ids: list[int], targets: set[int]) -> list[int]:
    """The curated events all of whose sources are in `targets` (deleting them leaves these with none)."""
    if not curated_ids:
        return []
    holders: dict[int, set[int]] = defaultdict(set)
    for r in conn.execute(
        select(event_sources.c.event_id, event_sources.c.document_id)
        .where(event_sources.c.event_id.in_(bindparam("ids", expanding=True))), {"ids": curated_ids}
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


def _without_curated(
    candidates: list[EventCandidate], curated: dict[_Span, tuple[list[str], list[str]]]
) -> list[EventCandidate]:
    """The candidates but those whose sentence a curated event already holds.

    `curated` maps a sentence to the types of the curated events holding it and of the other
    events that did. At a sentence, the candidates of the other events' types are left to be
    built again; of the rest, a curated event takes the one of its type, and one a person
    re-typed (or merged an event of another type into) takes one of any type, in order.
    """
    if not curated:
        return candidates
    held: set[int] = set()  # id() of the candidates a curated event holds
    for span, (curated_types, other_types) in curated.items():
        here = [c for c in candidates if (c.char_start, c.char_end) == span]
        rebuilt = Counter(other_types)
        free = []
        for c in here:
            if rebuilt[c.event_type] > 0:
                rebuilt[c.event_type] -= 1
            else:
                free.append(c)
        remaining = Counter(curated_types)
        for c in free:
            if remaining[c.event_type] > 0:
                remaining[c.event_type] -= 1
                held.add(id(c))
        retyped = [c for c in free if id(c) not in held]
        held.update(id(c) for c in retyped[:sum(remaining.values())])
    return _renumbered(candidates, [c for c in candidates if id(c) not in held])


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
    from sqlalchemy import func

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
