"""Parallel ingest (--jobs): same documents and rejections as one process, order kept, failures isolated."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import timeline
from conftest import SEEDS, TODAY
from timeline import db, pipeline, sources, store
from timeline.errors import InputRejected
from timeline.records import Rejection
from timeline.sources import iter_documents

needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="workers inherit the patched extract only when forked")


def _mixed_inputs(root: Path) -> tuple[list[Path], Path]:
    """A folder of every input kind and failure sources knows, and a manifest with bad rows."""
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Talks\n\nIndia and France met in Paris on Tuesday.\n", encoding="utf-8")
    (folder / "b.md").write_text("# Heading\n\nThe Taliban took over Kabul on 15 August 2021.\n", encoding="utf-8")
    (folder / "c.html").write_text(
        "<html><head><title>Visit</title></head><body><article><p>The minister visited Delhi on "
        "3 March 2021 for talks on counterterrorism.</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "legacy.txt").write_bytes("Café talks in Genève on Monday.".encode("cp1252"))
    (folder / "skipped.pdf").write_bytes(b"%PDF")
    (folder / "sub" / "late.txt").write_text("Dated 1 May 2021: a statement.\n", encoding="utf-8")
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"text": "First line with a BOM, on Monday.", "published": "2021-05-03"}).encode(),
        b"",
        b"{not json",
        json.dumps({"title": "no text"}).encode(),
        json.dumps({"text": "x" * 400, "published": "2021-05-03"}).encode(),  # over max_bytes below
        json.dumps({"text": "Bad date.", "published": "yesterday"}).encode(),
        json.dumps({"text": "The last line, dated by its manifest row."}).encode(),
    ]
    (folder / "d.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    manifest = root / "manifest.csv"
    manifest.write_text(
        "path,published,title,url,source\n"
        "in/a.txt,2021-10-29,,,\n"
        "in/sub/late.txt,not-a-date,,,\n"
        "in/missing.txt,2021-01-01,,,\n"
        "elsewhere.txt,2021-13-01,,,\n",
        encoding="utf-8",
    )
    return [folder, root / "nowhere.txt", folder / "skipped.pdf"], manifest


def _through_units(paths: list[Path], manifest: Path, max_bytes: int) -> list[object]:
    items: list[object] = []
    for unit in sources.iter_units(paths, published=None, manifest=manifest, max_bytes=max_bytes):
        items.extend([unit] if isinstance(unit, Rejection) else sources.read_unit(unit))
    return items


def test_worker_units_give_exactly_what_iter_documents_gives(tmp_path: Path) -> None:
    paths, manifest = _mixed_inputs(tmp_path)
    expected = list(iter_documents(paths, manifest=manifest, max_bytes=300))
    assert any(isinstance(item, Rejection) for item in expected) and len(expected) > 10
    assert _through_units(paths, manifest, max_bytes=300) == expected


def test_jsonl_units_are_read_lazily(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"text": f"Line {i}."}) + "\n" for i in range(1000)), encoding="utf-8")
    units = sources.iter_units([source], published=None, manifest=None, max_bytes=10_000)
    first = list(itertools.islice(units, 3))
    assert [unit.number for unit in first] == [1, 2, 3]  # type: ignore[union-attr]


def _rows(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            documents = conn.execute(text("SELECT id, sha256, uri, published FROM documents ORDER BY id")).all()
            events = conn.execute(text("SELECT * FROM v_timeline ORDER BY event_id")).all()
    finally:
        engine.dispose()
    return [tuple(r) for r in documents], [tuple(r) for r in events]


def _ingest(url: str, paths: list[Path], jobs: int, **options: object) -> pipeline.IngestSummary:
    engine = timeline.open_db(url)
    try:
        return pipeline.ingest(engine, paths, today=TODAY, jobs=jobs, **options)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def _many_articles(folder: Path) -> list[Path]:
    """The seeds as files, and as a JSONL of 150 variants: enough for several chunks and batches."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    jsonl = folder / "variants.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for i in range(150):
            out.write(json.dumps({"text": f"Item {i}. " + seeds[i % len(seeds)], "published": "2021-10-29"}) + "\n")
    return [*sorted(SEEDS.glob("*.txt")), jsonl]


def test_jobs_two_stores_the_same_database_as_one_process(db_url: str, tmp_path: Path) -> None:
    paths = _many_articles(tmp_path)
    one = f"sqlite:///{tmp_path / 'one.db'}"
    timeline.init_db(one)
    manifest = SEEDS / "manifest.csv"
    single = _ingest(one, paths, 1, manifest=manifest, batch_size=7)
    parallel = _ingest(db_url, paths, 2, manifest=manifest)
    assert parallel.line() == single.line()
    assert _normalised(_rows(db_url)) == _normalised(_rows(one))


def _normalised(rows: tuple[list[tuple[object, ...]], list[tuple[object, ...]]]) -> object:
    # PostgreSQL gives date objects and booleans where SQLite gives ISO text and 0/1.
    def cell(value: object) -> object:
        if hasattr(value, "isoformat"):
            return value.isoformat()  # type: ignore[union-attr]
        if isinstance(value, bool):
            return int(value)
        return value

    return [[tuple(cell(v) for v in row) for row in table] for table in rows]


@needs_fork
def test_with_jobs_an_extraction_failure_rejects_only_that_document(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _many_articles(tmp_path)
    real_extract = pipeline.extract

    def failing_extract(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        if document.uri.endswith("#77"):
            raise RuntimeError("injected failure")
        return real_extract(document, lexicon_dirs)

    monkeypatch.setattr(pipeline, "extract", failing_extract)
    with pytest.raises(InputRejected) as caught:
        _ingest(sqlite_url, paths, 2)
    assert [(Path(name).name, reason) for name, reason in caught.value.rejected] == [
        ("variants.jsonl#77", "extraction failed: RuntimeError: injected failure")
    ]
    assert caught.value.summary.stored == 5 + 149


@needs_fork
def test_a_worker_that_dies_costs_only_its_own_document(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _many_articles(tmp_path)
    real_extract = pipeline.extract

    def dying_extract(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        if document.uri.endswith("#40"):
            os._exit(9)  # as if killed: no exception, no result
        return real_extract(document, lexicon_dirs)

    monkeypatch.setattr(pipeline, "extract", dying_extract)
    with pytest.raises(InputRejected) as caught:
        _ingest(sqlite_url, paths, 2)
    assert [(Path(name).name, reason) for name, reason in caught.value.rejected] == [
        ("variants.jsonl:40", "extraction failed: the worker process died on this input")
    ]
    assert caught.value.summary.stored == 5 + 149


def test_rejections_keep_their_place_among_the_results(sqlite_url: str, tmp_path: Path) -> None:
    paths, manifest = _mixed_inputs(tmp_path)
    engine = timeline.open_db(sqlite_url)
    seen: list[str] = []
    try:
        with pytest.raises(InputRejected) as caught:
            pipeline.ingest(engine, paths, manifest=manifest, jobs=2, today=TODAY, max_bytes=300, progress=seen.append)
    finally:
        engine.dispose()
    expected = [
        item.name if isinstance(item, Rejection) else item.uri
        for item in iter_documents(paths, manifest=manifest, max_bytes=300)
    ]
    assert seen == expected
    assert [name for name, _ in caught.value.rejected] == [
        item.name for item in iter_documents(paths, manifest=manifest, max_bytes=300) if isinstance(item, Rejection)
    ]


def test_reading_ahead_is_bounded(sqlite_url: str, tmp_path: Path) -> None:
    pulled = 0

    def counted(units: Iterator[object]) -> Iterator[object]:
        nonlocal pulled
        for unit in units:
            pulled += 1
            yield unit

    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"text": f"Line {i}."}) + "\n" for i in range(5000)), encoding="utf-8")
    engine = timeline.open_db(sqlite_url)
    try:
        with pipeline._Extractors(2, engine) as extractors:
            units = counted(sources.iter_units([source], published=None, manifest=None, max_bytes=10_000))
            results = extractors.run(units)  # type: ignore[arg-type]
            next(results)
            ahead = 2 * pipeline.CHUNKS_PER_WORKER * pipeline.CHUNK_UNITS
            assert pulled <= ahead + pipeline.CHUNK_UNITS
            assert sum(1 for _ in results) == 4999
    finally:
        engine.dispose()


@needs_fork
def test_forked_workers_share_what_the_writer_loaded_and_collection_resumes_after(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _many_articles(tmp_path)
    pids = tmp_path / "pids"
    pids.mkdir()
    real_extract = pipeline.extract

    def tracing_extract(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        (pids / str(os.getpid())).touch()
        return real_extract(document, lexicon_dirs)

    def extracted_in() -> set[int]:
        return {int(p.name) for p in pids.iterdir()}

    monkeypatch.setattr(pipeline, "extract", tracing_extract)
    frozen = []
    real_freeze = pipeline.gc.freeze

    def freeze() -> None:
        frozen.append(extracted_in())  # who had extracted when the workers were about to fork
        real_freeze()

    monkeypatch.setattr(pipeline.gc, "freeze", freeze)
    _ingest(sqlite_url, paths, 2)
    # The writer warmed up (lexicon, gazetteer, dateparser) before forking; the workers did the rest.
    assert frozen == [{os.getpid()}]
    assert len(extracted_in() - {os.getpid()}) == 2
    assert pipeline.gc.get_freeze_count() == 0


# -- failures of the machinery itself: real processes, real signals ---------------------------


def _slow_lines(folder: Path, count: int) -> Path:
    """A JSONL of `count` short articles, one line each."""
    source = folder / "slow.jsonl"
    source.write_text(
        "".join(json.dumps({"text": f"Item {i}. India and France met in Paris on Tuesday."}) + "\n" for i in range(count)),
        encoding="utf-8",
    )
    return source


def _slow_extraction(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Workers (forked, so they inherit this) take `seconds` per document: work is still in flight."""
    real_extract = pipeline.extract

    def slow_extract(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return real_extract(document, lexicon_dirs)

    monkeypatch.setattr(pipeline, "extract", slow_extract)
    monkeypatch.setattr(pipeline, "CHUNK_UNITS", 8)


def _is_gone(pid: int) -> bool:
    """True when the process has exited and been reaped (a zombie still has its /proc entry)."""
    return not Path(f"/proc/{pid}").exists()


def _mover_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in ("timeline-send", "timeline-receive")]


@needs_fork
def test_a_worker_killed_by_a_signal_mid_run_loses_nothing(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_extraction(monkeypatch, 0.01)
    source = _slow_lines(tmp_path, 200)
    engine = timeline.open_db(sqlite_url)
    try:
        with pipeline._Extractors(2, engine) as extractors:
            results = extractors.run(sources.iter_units([source], published=None, manifest=None, max_bytes=10_000))
            first = [next(results)]
            victim = extractors.workers[0].process.pid
            assert victim is not None and extractors.workers[0].pending  # it has chunks not yet answered
            os.kill(victim, signal.SIGKILL)
            items = first + list(results)
            # The dead worker's chunks were retried one unit at a time in a worker of their own,
            # and a fresh worker took its place.
            assert extractors.spare is not None
            assert victim not in [worker.process.pid for worker in extractors.workers]
            workers = [w.process.pid for w in [*extractors.workers, extractors.spare]]
        assert not any(isinstance(item, Rejection) for item in items)
        assert [item.document.uri for item in items] == [  # type: ignore[union-attr]
            f"{source}#{i}" for i in range(1, 201)
        ]
        assert all(pid is not None and _is_gone(pid) for pid in [victim, *workers])
        assert _mover_threads() == []
    finally:
        engine.dispose()


@needs_fork
def test_closing_the_results_early_kills_and_joins_every_worker(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_extraction(monkeypatch, 0.05)
    source = _slow_lines(tmp_path, 400)
    engine = timeline.open_db(sqlite_url)
    try:
        with pipeline._Extractors(2, engine) as extractors:
            results = extractors.run(sources.iter_units([source], published=None, manifest=None, max_bytes=10_000))
            next(results)
            pids = [worker.process.pid for worker in extractors.workers]
            results.close()
            started = time.monotonic()
        # Killed, not left to finish the ~3 s of work they were given.
        assert time.monotonic() - started < pipeline.STOP_SECONDS
        assert all(pid is not None and _is_gone(pid) for pid in pids)
        assert _mover_threads() == []
    finally:
        engine.dispose()


@needs_fork
@pytest.mark.parametrize("error", [RuntimeError("writer broke"), KeyboardInterrupt()], ids=["exception", "ctrl-c"])
def test_when_the_writer_raises_every_worker_is_killed_and_joined(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    _slow_extraction(monkeypatch, 0.002)
    source = _slow_lines(tmp_path, 400)
    workers: list[int] = []
    real_save = store.save_document
    saved = 0

    def failing_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal saved
        saved += 1
        if saved == 20:
            workers.extend(child.pid for child in multiprocessing.active_children() if child.pid is not None)
            raise error
        return real_save(*args, **kwargs)

    monkeypatch.setattr(store, "save_document", failing_save)
    with pytest.raises(type(error)):
        _ingest(sqlite_url, [source], 2, batch_size=10)
    assert len(workers) == 2
    assert all(_is_gone(pid) for pid in workers)
    assert _mover_threads() == []
    # The ten documents of the first batch were committed; the second batch rolled back whole.
    documents, _ = _rows(sqlite_url)
    assert len(documents) == 10
