"""The ingest pipeline, per document: read → extract → resolve against stored events → store."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from timeline import store
from timeline.config import DEFAULT_MAX_BYTES
from timeline.errors import InputRejected
from timeline.extract import extract
from timeline.records import Document, EventCandidate, Rejection
from timeline.sources import iter_documents

# A publication date this far past the clock is a mistake, not a time zone (DESIGN: nothing made up).
FUTURE_SLACK = timedelta(days=1)
# Documents per write transaction on SQLite (PostgreSQL writers commit each document).
BATCH_SQLITE = 64


@dataclass
class IngestSummary:
    """Counts of one ingest run, and the inputs it rejected with their reasons."""

    stored: int = 0
    unchanged: int = 0
    events_created: int = 0
    events_merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed at the end of `timeline ingest`."""
        return (
            f"{self.stored} stored, {self.unchanged} unchanged, {len(self.rejected)} rejected; "
            f"events: {self.events_created} new, {self.events_merged} merged"
        )


@dataclass(frozen=True)
class _Extracted:
    document: Document
    candidates: tuple[EventCandidate, ...] = ()
    error: str | None = None


def extract_safely(document: Document) -> _Extracted:
    """Run extraction on one document; a failure rejects that document only (reason kept)."""
    try:
        return _Extracted(document, tuple(extract(document)))
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        return _Extracted(document, error=f"extraction failed: {type(exc).__name__}: {exc}")


def _extracted(
    items: Iterable[Document | Rejection], jobs: int
) -> Iterator[_Extracted | Rejection]:
    if jobs <= 1:
        for item in items:
            yield item if isinstance(item, Rejection) else extract_safely(item)
        return
    # One writer (this process), N extractors: documents keep their input order.
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pending: list[Document | Rejection] = []
        for item in items:
            pending.append(item)
            if len(pending) >= 256:
                yield from _extract_chunk(pool, pending)
                pending = []
        yield from _extract_chunk(pool, pending)


def _extract_chunk(pool, items: list[Document | Rejection]) -> Iterator[_Extracted | Rejection]:  # type: ignore[no-untyped-def]
    documents = [item for item in items if isinstance(item, Document)]
    results = iter(pool.map(extract_safely, documents, chunksize=16))
    for item in items:
        yield item if isinstance(item, Rejection) else next(results)


def ingest(
    engine: Engine,
    paths: Sequence[Path],
    *,
    published: date | None = None,
    manifest: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    batch_size: int | None = None,
) -> IngestSummary:
    """Store every readable input; raises InputRejected (with the summary) if any were rejected.

    `today` bounds publication dates (a date in the future is rejected); the caller passes it
    so that this module never reads the clock on its own. Documents are written in batches,
    one transaction per batch and a savepoint per document, so each is whole or absent.
    """
    summary = IngestSummary()
    limit = (today or datetime.now(UTC).date()) + FUTURE_SLACK
    writer = _Writer(engine, summary, batch_size or (BATCH_SQLITE if engine.dialect.name == "sqlite" else 1))
    items = iter_documents(list(paths), published=published, manifest=manifest, max_bytes=max_bytes)
    for item in _extracted(items, jobs):
        if isinstance(item, Rejection):
            summary.rejected.append(item)
        elif item.error is not None:
            summary.rejected.append(Rejection(item.document.uri, item.error))
        elif item.document.published is not None and item.document.published > limit:
            reason = f"publication date {item.document.published.isoformat()} is in the future"
            summary.rejected.append(Rejection(item.document.uri, reason))
        else:
            writer.add(item)
        if progress is not None:
            progress(item.name if isinstance(item, Rejection) else item.document.uri)
    writer.flush()
    if summary.rejected:
        raise InputRejected([(r.name, r.reason) for r in summary.rejected], summary=summary)
    return summary


class _Writer:
    """Writes extracted documents in batches: one transaction a batch, one savepoint a document."""

    def __init__(self, engine: Engine, summary: IngestSummary, batch_size: int):
        self.engine = engine
        self.summary = summary
        self.batch_size = batch_size
        self.batch: list[_Extracted] = []
        self.known = store.IdCache()

    def add(self, item: _Extracted) -> None:
        self.batch.append(item)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        pending = store.IdCache()
        results: list[store.SaveResult] = []
        rejected: list[Rejection] = []
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                store.lock_writers(conn)
                for item in batch:
                    attempt = store.IdCache()
                    try:
                        # NOTE: a savepoint per document: a failure rolls back that document only.
                        with conn.begin_nested():
                            result = store.save_document(
                                conn, item.document, item.candidates, now=now, known=self.known, pending=attempt
                            )
                    except SQLAlchemyError as exc:
                        rejected.append(Rejection(item.document.uri, f"not stored: {type(exc).__name__}: {_first_line(exc)}"))
                        continue
                    pending.absorb(attempt)
                    results.append(result)
        except SQLAlchemyError as exc:
            # The batch's commit failed: none of it is stored; each document is named.
            reason = f"not stored: {type(exc).__name__}: {_first_line(exc)}"
            self.summary.rejected.extend(Rejection(item.document.uri, reason) for item in batch)
            return
        self.known.absorb(pending)
        self.summary.rejected.extend(rejected)
        for result in results:
            if result.stored:
                self.summary.stored += 1
                self.summary.events_created += result.events_created
                self.summary.events_merged += result.events_merged
            else:
                self.summary.unchanged += 1


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return (str(orig) if orig is not None else str(exc)).strip().splitlines()[0]
