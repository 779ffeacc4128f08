"""The ingest pipeline, per document: read → extract → resolve against stored events → store."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from queue import SimpleQueue
from threading import Thread
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from timeline import db, sources, store
from timeline.config import DEFAULT_MAX_BYTES
from timeline.errors import DatabaseBusy, InputRejected
from timeline.extract import extract
from timeline.lexicon import folders
from timeline.records import Document, EventCandidate, Rejection
from timeline.sources import iter_documents

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext

# A publication date this far past the clock is a mistake, not a time zone (DESIGN: nothing made up).
FUTURE_SLACK = timedelta(days=1)
# Documents per write transaction. A transaction holds the writers' lock (BEGIN IMMEDIATE on
# SQLite, an advisory lock on PostgreSQL), so several ingest processes still take turns every
# few tens of milliseconds; on PostgreSQL a commit per document made ingest 3x slower (docs/benchmarks.md).
BATCH_SQLITE = 128
BATCH_POSTGRESQL = 32
# Parallel ingest: units of work per chunk sent to a worker, the raw bytes that close a chunk
# early, and chunks in flight per worker. In flight is what bounds memory: at most
# jobs × CHUNKS_PER_WORKER × CHUNK_UNITS documents are read ahead of the writer. Fewer, larger
# chunks cost the writer's process less: 0.028 ms/article of sending and receiving at 128 units,
# 0.040 at 32 (Reuters, docs/benchmarks.md §3).
CHUNK_UNITS = 128
CHUNK_BYTES = 1 << 20
CHUNKS_PER_WORKER = 3
# A short article that exercises every extraction stage, to load lexicon, gazetteer and matchers
# (and dateparser, which timex loads for rare phrases such as "the week after next": ~0.1-0.8 s
# that forked workers would otherwise each pay again).
_WARM_UP = Document(
    text=(
        "Foreign ministers of India and France met in Paris on Tuesday, the ministry said on 3 March 2021. "
        "They will meet again the week after next."
    ),
    uri="<warm-up>",
    sha256="0" * 64,
    published=date(2021, 3, 4),
)


@dataclass
class IngestSummary:
    """Counts of one ingest run, and the inputs it rejected with their reasons."""

    stored: int = 0
    unchanged: int = 0
    events_created: int = 0
    events_merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # (input, note) for inputs stored with a change reading had to make (Document.notes).
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed at the end of `timeline ingest`."""
        return (
            f"{self.stored} stored, {self.unchanged} unchanged, {len(self.rejected)} rejected; "
            f"events: {self.events_created} new, {self.events_merged} merged"
        )


SKIPPED_SHOWN = 3  # file names a skipped-files warning lists before "..."


def _skipped_notes(skipped: list[tuple[Path, Path]]) -> list[tuple[str, str]]:
    """One warning per folder given that held files of unknown type, which a folder walk passes by."""
    by_folder: dict[Path, list[Path]] = {}
    for folder, file in skipped:
        by_folder.setdefault(folder, []).append(file)
    notes = []
    for folder, files in by_folder.items():
        shown = ", ".join(str(file.relative_to(folder)) for file in files[:SKIPPED_SHOWN])
        more = ", ..." if len(files) > SKIPPED_SHOWN else ""
        plural = "s" if len(files) != 1 else ""
        notes.append((str(folder), f"skipped {len(files)} file{plural} that {'are' if plural else 'is'} not"
                      f" {sources.KNOWN_SUFFIXES_TEXT} ({shown}{more})"))
    return notes


def _unlisted_note(manifest: Path, unlisted: list[Path]) -> tuple[str, str]:
    """The warning for input files the manifest has no row for: their dates come from elsewhere."""
    names = ", ".join(sources.path_name(path) for path in unlisted[:3]) + (", ..." if len(unlisted) > 3 else "")
    plural = len(unlisted) > 1
    return (str(manifest), f"no row for {len(unlisted)} input file{'s' if plural else ''} ({names});"
            f" {'they are' if plural else 'it is'} dated from {'their' if plural else 'its'} own metadata, a dateline"
            " or --published (a manifest's paths are relative to its folder)")


@dataclass(frozen=True)
class _Extracted:
    document: Document
    candidates: tuple[EventCandidate, ...] = ()
    error: str | None = None


def extract_safely(document: Document, lexicon_dirs: tuple[Path, ...] = ()) -> _Extracted:
    """Run extraction on one document (with the users' lexicon folders); a failure rejects that
    document only (reason kept)."""
    try:
        return _Extracted(document, tuple(extract(document, lexicon_dirs)))
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        return _Extracted(document, error=f"extraction failed: {type(exc).__name__}: {exc}")


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
    lexicon_dirs: Sequence[Path] = (),
) -> IngestSummary:
    """Store every readable input; raises InputRejected (with the summary) if any were rejected.

    `today` bounds publication dates (a date in the future is rejected); the caller passes it
    so that this module never reads the clock on its own. Documents are written in batches,
    one transaction per batch, each document whole or absent. With `jobs` > 1, worker processes
    decode and extract while this process reads ahead and writes, in input order. `lexicon_dirs`
    are the users' lexicon folders (settings key `lexicon`), read after the shipped lexicon.
    """
    lexicon = folders(lexicon_dirs)
    summary = IngestSummary()
    limit = (today or datetime.now(UTC).date()) + FUTURE_SLACK
    default_batch = BATCH_SQLITE if engine.dialect.name == "sqlite" else BATCH_POSTGRESQL
    writer = _Writer(engine, summary, batch_size or default_batch)
    skipped: list[tuple[Path, Path]] = []
    unlisted: list[Path] = []
    if jobs <= 1:
        results: Iterable[_Extracted | Rejection] = (
            item if isinstance(item, Rejection) else extract_safely(item, lexicon)
            for item in iter_documents(list(paths), published=published, manifest=manifest, max_bytes=max_bytes,
                                       skipped=skipped, unlisted=unlisted)
        )
        _consume(results, writer, summary, limit, progress)
    else:
        units = sources.iter_units(list(paths), published=published, manifest=manifest, max_bytes=max_bytes,
                                   skipped=skipped, unlisted=unlisted)
        with _Extractors(jobs, engine, lexicon) as extractors:
            _consume(extractors.run(units), writer, summary, limit, progress)
    summary.warnings.extend(_skipped_notes(skipped))
    if manifest is not None and unlisted:
        summary.warnings.append(_unlisted_note(manifest, unlisted))
    if summary.rejected:
        raise InputRejected([(r.name, r.reason) for r in summary.rejected], summary=summary)
    return summary


def _consume(
    results: Iterable[_Extracted | Rejection],
    writer: _Writer,
    summary: IngestSummary,
    limit: date,
    progress: Callable[[str], None] | None,
) -> None:
    for item in results:
        if isinstance(item, Rejection):
            summary.rejected.append(item)
        elif item.error is not None:
            summary.rejected.append(Rejection(item.document.uri, item.error))
        elif item.document.published is not None and item.document.published > limit:
            reason = f"publication date {item.document.published.isoformat()} is in the future"
            summary.rejected.append(Rejection(item.document.uri, reason))
        else:
            writer.add(item)
            summary.warnings.extend((item.document.uri, note) for note in item.document.notes)
        if progress is not None:
            progress(item.name if isinstance(item, Rejection) else item.document.uri)
    writer.flush()


# -- parallel extraction ----------------------------------------------------------------------
#
# The reading that is cheap and must stay in order (sources.iter_units: walking folders, the
# manifest, splitting a JSONL file into lines) happens here; everything CPU-heavy and pure
# (sources.read_unit: decoding, normalising, boilerplate, hashing; then extraction) happens in
# the workers, which send back the Document and its candidates. sources.iter_documents is the
# same two steps in one process.
#
# Each worker has a pipe of its own each way, and this process has two mover threads per worker:
# one pickles chunks and writes them to the worker's pipe, the other reads and unpickles its
# results. The writer's thread only hands chunks over and takes results in, so it never waits on
# a pipe while a worker is busy (the OS read and write release the GIL). There is no queue shared
# by the workers and no manager thread: with concurrent.futures' process pool, its call and
# result queues, their locks and its management thread cost the writer's process more CPU than
# the pickling itself, and the writer's process is what limits --jobs (docs/benchmarks.md, stop 16 section).


_Unit = sources.FileUnit | sources.LineUnit
_Result = _Extracted | Rejection
_DIED = "extraction failed: the worker process died on this input"
# Seconds a worker gets to exit after it was asked to stop, before it is killed.
STOP_SECONDS = 5.0


def _unit_size(unit: _Unit) -> int:
    """Bytes a unit adds to a chunk: a line's length; a whole file is unknown until read (up to
    max_bytes), so at most 8 files go to a chunk."""
    if isinstance(unit, sources.LineUnit):
        return len(unit.raw or b"")
    return CHUNK_BYTES // 8


def _work(chunk: list[_Unit], lexicon_dirs: tuple[Path, ...]) -> list[_Result]:
    """In a worker: read and extract a chunk of units; results in input order."""
    results: list[_Result] = []
    for unit in chunk:
        try:
            for item in sources.read_unit(unit):
                results.append(item if isinstance(item, Rejection) else extract_safely(item, lexicon_dirs))
        except Exception as exc:  # noqa: BLE001 - a reader bug rejects this input, not the run
            results.append(Rejection(unit.name, f"not read: {type(exc).__name__}: {exc}"))
    return results


def _warm_up(lexicon_dirs: tuple[Path, ...]) -> None:
    # Lexicon, gazetteer and matchers load on first use (~1 s): pay it once per process.
    extract_safely(_WARM_UP, lexicon_dirs)


def _serve(chunks: Connection, results: Connection, warm_up: bool, inherited: list[Connection],
           lexicon_dirs: tuple[Path, ...]) -> None:
    """A worker process: extract each chunk that arrives and send back (number, results), until
    an empty message or the end of the pipe."""
    # Ctrl-C reaches the whole process group; the writer's process stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker holds copies of the earlier workers' pipe ends: closed, so that the
    # writer's process alone decides when those pipes end.
    for conn in inherited:
        conn.close()
    if warm_up:
        _warm_up(lexicon_dirs)
    try:
        while message := chunks.recv_bytes():
            number, chunk = pickle.loads(message)
            results.send_bytes(pickle.dumps((number, _work(chunk, lexicon_dirs)), pickle.HIGHEST_PROTOCOL))
    except (EOFError, BrokenPipeError):
        return  # the writer's process has gone


def _chunks(units: Iterator[_Unit | Rejection]) -> Iterator[list[_Unit] | Rejection]:
    """Units grouped into chunks; a Rejection found while reading passes through between them."""
    chunk: list[_Unit] = []
    size = 0
    for unit in units:
        if isinstance(unit, Rejection):
            if chunk:
                yield chunk
                chunk, size = [], 0
            yield unit
            continue
        chunk.append(unit)
        size += _unit_size(unit)
        if len(chunk) >= CHUNK_UNITS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


@dataclass(eq=False)
class _Slot:
    """A place in the output order: a rejection met while reading, or a chunk given to a worker."""

    chunk: list[_Unit] | Rejection
    results: list[_Result] | None = None
    lost: bool = False  # its worker died before sending the results


# What a worker's receiving thread reports: (number, results), or None once the worker is gone.
_Message = tuple[int, list[_Result]] | None


class _Worker:
    """One worker process, its two pipes, and the two mover threads of the writer's process."""

    def __init__(self, context: ForkContext | SpawnContext, done: SimpleQueue[tuple[_Worker, _Message]],
                 inherited: list[Connection], warm_up: bool, lexicon_dirs: tuple[Path, ...]):
        chunks_in, self.chunks = context.Pipe(duplex=False)
        self.results, results_out = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(chunks_in, results_out, warm_up, inherited, lexicon_dirs),
                                       name="timeline-extract", daemon=True)
        self.process.start()
        # NOTE: this process's copies of the worker's ends close at once: the result pipe ends
        # (and _receive learns that the worker died) only when no process but the worker holds them.
        chunks_in.close()
        results_out.close()
        self.done = done
        self.outbox: SimpleQueue[tuple[int, list[_Unit]] | None] = SimpleQueue()
        self.pending: dict[int, _Slot] = {}  # chunks sent and not answered, by number
        self.threads = [Thread(target=self._send, name="timeline-send", daemon=True),
                        Thread(target=self._receive, name="timeline-receive", daemon=True)]
        for thread in self.threads:
            thread.start()

    def submit(self, number: int, chunk: list[_Unit], slot: _Slot) -> None:
        self.pending[number] = slot
        self.outbox.put((number, chunk))

    def _send(self) -> None:
        try:
            while (item := self.outbox.get()) is not None:
                self.chunks.send_bytes(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
            self.chunks.send_bytes(b"")  # stop
        except OSError:
            return  # the worker is gone: _receive reports it

    def _receive(self) -> None:
        try:
            while True:
                self.done.put((self, pickle.loads(self.results.recv_bytes())))
        except (EOFError, OSError):
            pass
        finally:
            self.done.put((self, None))

    def stop(self, kill: bool) -> None:
        """Ask the worker to exit once its pipe is drained, or kill it now."""
        if kill and self.process.is_alive():
            self.process.kill()
        self.outbox.put(None)

    def join(self) -> None:
        """Wait for the worker (killed after STOP_SECONDS) and both threads; close the pipes."""
        self.process.join(STOP_SECONDS)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        for thread in self.threads:
            thread.join()
        self.chunks.close()
        self.results.close()
        self.process.close()


class _Extractors:
    """Worker processes for reading and extraction; results come back in input order.

    On Linux the workers are forked from this process after it has closed its database
    connections (a forked SQLite or PostgreSQL connection must never be shared), elsewhere
    spawned. Each worker gets chunks on a pipe of its own, the next chunk going to the worker
    with the fewest in flight. A worker that dies (killed, out of memory) costs only the units it
    was given: they are retried one at a time in a fresh worker of their own, and the one that
    kills that worker too is rejected; a new worker takes the dead one's place. Leaving the
    `with` block early (the writer raised, the consumer stopped, Ctrl-C) kills the workers; either
    way they are all joined, and their threads with them, before it ends.
    """

    def __init__(self, jobs: int, engine: Engine, lexicon_dirs: tuple[Path, ...] = ()):
        self.jobs = jobs
        self.engine = engine
        self.lexicon_dirs = lexicon_dirs
        self.fork = sys.platform == "linux" and engine.url.database not in (None, "", ":memory:")
        self.context = multiprocessing.get_context("fork") if self.fork else multiprocessing.get_context("spawn")
        self.done: SimpleQueue[tuple[_Worker, _Message]] = SimpleQueue()
        self.workers: list[_Worker] = []
        self.spare: _Worker | None = None  # retries a dead worker's units one at a time
        self.numbers = itertools.count()
        self.finished = False

    def __enter__(self) -> _Extractors:
        if self.fork:
            # NOTE: close pooled connections before forking; the writer reopens them afterwards.
            self.engine.dispose()
            # Lexicon, gazetteer, matchers and dateparser load once, here, and the forked workers
            # share them: loading them in each worker cost the same wall time (the writer has
            # nothing to write until the first chunk is extracted) and jobs × ~0.5 s of CPU.
            # Frozen, they are never traversed by a worker's garbage collector, so their pages
            # stay shared.
            _warm_up(self.lexicon_dirs)
            gc.freeze()
        try:
            for _ in range(self.jobs):
                self.workers.append(self._start())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        everyone = self.workers + ([self.spare] if self.spare is not None else [])
        self.workers, self.spare = [], None
        for worker in everyone:
            worker.stop(kill=not self.finished)
        for worker in everyone:
            worker.join()
        if self.fork:
            gc.unfreeze()  # a library caller's process collects as before

    def _start(self) -> _Worker:
        if not self.fork:
            return _Worker(self.context, self.done, [], warm_up=True, lexicon_dirs=self.lexicon_dirs)
        # Forked workers inherit what _warm_up loaded here; spawned ones load it themselves.
        self.engine.dispose()  # the writer may have reopened connections since the first fork
        everyone = self.workers + ([self.spare] if self.spare is not None else [])
        return _Worker(self.context, self.done, [c for w in everyone for c in (w.chunks, w.results)],
                       warm_up=False, lexicon_dirs=self.lexicon_dirs)

    def run(self, units: Iterator[_Unit | Rejection]) -> Iterator[_Result]:
        """Results of every unit, in order, with at most jobs × CHUNKS_PER_WORKER chunks in flight."""
        window: deque[_Slot] = deque()
        in_flight = 0
        for chunk in _chunks(units):
            window.append(_Slot(chunk))
            if isinstance(chunk, Rejection):
                continue
            self._submit(window[-1], min(self.workers, key=lambda worker: len(worker.pending)))
            in_flight += 1
            while in_flight >= self.jobs * CHUNKS_PER_WORKER:
                in_flight -= yield from self._take(window)
        while window:
            yield from self._take(window)
        self.finished = True

    def _submit(self, slot: _Slot, worker: _Worker) -> None:
        assert not isinstance(slot.chunk, Rejection)
        worker.submit(next(self.numbers), slot.chunk, slot)

    def _take(self, window: deque[_Slot]) -> Generator[_Result, None, int]:
        """Yield the oldest slot's results; returns how many chunks left the window (0 or 1)."""
        slot = window.popleft()
        if isinstance(slot.chunk, Rejection):
            yield slot.chunk
            return 0
        self._wait(slot)
        if slot.results is not None:
            yield from slot.results
        else:
            for unit in slot.chunk:
                yield from self._alone(unit)
        return 1

    def _wait(self, slot: _Slot) -> None:
        """Take in what the workers report until `slot` has its results or is lost."""
        while slot.results is None and not slot.lost:
            worker, message = self.done.get()
            if message is None:
                self._replace(worker)
            else:
                number, results = message
                worker.pending.pop(number).results = results

    def _replace(self, dead: _Worker) -> None:
        """A worker has gone: its chunks are lost, and a fresh worker takes its place."""
        for slot in dead.pending.values():
            slot.lost = True
        dead.pending.clear()
        dead.stop(kill=True)
        dead.join()
        if dead is self.spare:
            self.spare = None  # the next unit to retry gets a fresh one
        else:
            self.workers[self.workers.index(dead)] = self._start()

    def _alone(self, unit: _Unit) -> Iterator[_Result]:
        """A lost unit's results from a worker given nothing else, so a death is this unit's."""
        if self.spare is None:
            self.spare = self._start()
        slot = _Slot([unit])
        self._submit(slot, self.spare)
        self._wait(slot)
        if slot.results is None:
            yield Rejection(unit.name, _DIED)
        else:
            yield from slot.results


# -- writing ----------------------------------------------------------------------------------


class _Writer:
    """Writes extracted documents in batches, one transaction a batch, each document whole or absent.

    A batch is written without savepoints; if any statement of it fails, the transaction rolls
    back and its documents are written again one transaction each, so that only the failing
    document is rejected (savepoints cost a round trip and ~10 % of writing time per document,
    for a failure that almost never happens).
    """

    def __init__(self, engine: Engine, summary: IngestSummary, batch_size: int):
        self.engine = engine
        self.summary = summary
        self.batch_size = batch_size
        self.batch: list[_Extracted] = []
        self.known = store.IdCache()
        self.analyzes = engine.dialect.name == "postgresql"  # SQLite: join order fixed in the SQL (CROSS JOIN)
        self.analyzed: list[str] = []  # tables analysed by this writer, in order, for the record

    def add(self, item: _Extracted) -> None:
        self.batch.append(item)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        # A value the driver cannot send (text it cannot encode) fails in the driver, not as an
        # SQLAlchemyError: it too is one document's fault and must not cost the batch. Any other
        # exception is a bug, and stops the ingest (the batch rolls back whole).
        try:
            results = self._write(batch)
        except _DOCUMENT_ERRORS as exc:
            self._stop_if_busy(exc, batch)
            if len(batch) == 1:
                self.summary.rejected.append(Rejection(batch[0].document.uri, _not_stored(exc)))
                return
            for item in batch:
                try:
                    self._count([item], self._write([item]))
                except _DOCUMENT_ERRORS as one:
                    self._stop_if_busy(one, batch[batch.index(item):])
                    self.summary.rejected.append(Rejection(item.document.uri, _not_stored(one)))
            return
        self._count(batch, results)
        if self.analyzes:
            self._analyze()

    def _stop_if_busy(self, exc: Exception, unwritten: list[_Extracted]) -> None:
        """Stop the ingest when another writer kept the lock: no document is at fault, and trying each
        one alone would wait out the busy timeout once per document."""
        if db.is_busy(exc):
            raise DatabaseBusy(
                f"{db.busy_message()}; the ingest stopped: {self.summary.stored} document(s) stored before,"
                f" {len(unwritten)} not stored (ingesting the same inputs again stores the rest)",
                summary=self.summary) from exc

    def _analyze(self) -> None:
        """Refresh the planner's statistics of tables that grew, after the batch committed.

        NOTE: after the commit and in a transaction of its own, never inside a batch's: the
        batch's documents are whole or absent whatever happens here.
        """
        with self.engine.begin() as conn:
            self.analyzed += store.analyze_grown_tables(conn)

    def _write(self, batch: list[_Extracted]) -> list[store.SaveResult]:
        """Store `batch` in one transaction; raises the failing statement's error (SQLAlchemyError, or the
        driver's own for a value it cannot send) with nothing of it stored."""
        pending = store.IdCache()
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            store.lock_writers(conn)
            results = [
                store.save_document(conn, item.document, item.candidates, now=now, known=self.known, pending=pending)
                for item in batch
            ]
        # NOTE: ids join the cache only once their transaction has committed.
        self.known.absorb(pending)
        return results

    def _count(self, batch: list[_Extracted], results: list[store.SaveResult]) -> None:
        for item, result in zip(batch, results, strict=True):
            if result.note is not None:
                self.summary.warnings.append((item.document.uri, result.note))
            if result.stored:
                self.summary.stored += 1
                self.summary.events_created += result.events_created
                self.summary.events_merged += result.events_merged
            else:
                self.summary.unchanged += 1


_DOCUMENT_ERRORS = (SQLAlchemyError, UnicodeError)


def _not_stored(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    first = (str(orig) if orig is not None else str(exc)).strip().splitlines()[0]
    return f"not stored: {type(exc).__name__}: {first}"
