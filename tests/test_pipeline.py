"""The ingest pipeline through the API: whole-or-absent documents, failures isolated, crash recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

import timeline
from conftest import SEEDS, TODAY
from timeline import db, pipeline
from timeline.errors import InputRejected


def _count(url: str, sql: str) -> int:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def _articles(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        path = folder / f"a{i:03d}.txt"
        path.write_text(
            f"Talks {i}\n\nForeign ministers of India and France met in Paris on {1 + i % 27} March 2021 "
            f"to discuss counterterrorism cooperation, the ministry said on Tuesday.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_a_failure_inside_extraction_rejects_only_that_document(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _articles(tmp_path, 4)
    real_extract = pipeline.extract

    def failing_extract(document):  # type: ignore[no-untyped-def]
        if document.uri.endswith("a002.txt"):
            raise RuntimeError("injected failure")
        return real_extract(document)

    monkeypatch.setattr(pipeline, "extract", failing_extract)
    engine = timeline.open_db(db_url)
    try:
        with pytest.raises(InputRejected) as caught:
            timeline.ingest(engine, paths, published=None, today=TODAY)
    finally:
        engine.dispose()
    assert [(Path(name).name, reason) for name, reason in caught.value.rejected] == [
        ("a002.txt", "extraction failed: RuntimeError: injected failure")
    ]
    assert _count(db_url, "SELECT count(*) FROM documents") == 3


def test_a_document_that_cannot_be_stored_whole_is_absent(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _articles(tmp_path, 3)
    real_extract = pipeline.extract

    def broken_candidates(document):  # type: ignore[no-untyped-def]
        candidates = real_extract(document)
        if document.uri.endswith("a001.txt"):
            # A candidate the CHECK constraints refuse: the document's row must roll back too.
            base = candidates[0] if candidates else None
            assert base is not None, "the test article yields an event"
            return [*candidates, replace(base, event_type="party")]
        return candidates

    monkeypatch.setattr(pipeline, "extract", broken_candidates)
    engine = timeline.open_db(db_url)
    try:
        with pytest.raises(InputRejected) as caught:
            timeline.ingest(engine, paths, published=None, today=TODAY)
    finally:
        engine.dispose()
    (name, reason), = caught.value.rejected
    assert name.endswith("a001.txt") and reason.startswith("not stored: IntegrityError")
    assert _count(db_url, "SELECT count(*) FROM documents") == 2
    assert _count(db_url, "SELECT count(*) FROM documents WHERE uri LIKE '%a001.txt'") == 0


def test_seed_events_point_at_their_own_sentences(seeded_db: str) -> None:
    engine = db.open_engine(seeded_db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT d.text, s.sentence, s.char_start, s.char_end FROM event_sources s"
                     " JOIN documents d ON d.id = s.document_id")
            ).all()
    finally:
        engine.dispose()
    assert rows, "the seeds yield events"
    for doc_text, sentence, start, end in rows:
        assert " ".join(doc_text[start:end].split()) == " ".join(sentence.split())


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_whole_documents_and_a_rerun_completes(sqlite_url: str, tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with source.open("w", encoding="utf-8") as out:
        for i in range(1500):
            body = f"Item {i}. " + seeds[i % len(seeds)]
            out.write(json.dumps({"text": body, "published": "2021-10-29", "title": f"item {i}"}) + "\n")
    env = {**os.environ, "TIMELINE_DB": sqlite_url}
    command = [sys.executable, "-m", "timeline", "ingest", str(source), "--no-progress"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if _count(sqlite_url, "SELECT count(*) FROM documents") >= 100:
            break
    assert proc.poll() is None, "ingest finished before it could be killed; make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    engine = db.open_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            stored = conn.execute(text("SELECT id, text, title, published FROM documents")).all()
            sources_per_document = dict(
                conn.execute(text("SELECT document_id, count(*) FROM event_sources GROUP BY document_id")).all()
            )
    finally:
        engine.dispose()
    assert 0 < len(stored) < 1500
    before = {int(str(title).split()[1]): sources_per_document.get(document_id, 0)
              for document_id, _text, title, _published in stored}
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert _count(sqlite_url, "SELECT count(*) FROM documents") == 1500
    assert _count(sqlite_url, "SELECT count(DISTINCT sha256) FROM documents") == 1500
    engine = db.open_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            after = {
                int(str(title).split()[1]): count
                for title, count in conn.execute(text(
                    "SELECT d.title, count(s.id) FROM documents d"
                    " LEFT JOIN event_sources s ON s.document_id = d.id GROUP BY d.id, d.title"
                ))
            }
    finally:
        engine.dispose()
    # Whole or absent: a document stored before the kill has as many sources as every other copy
    # of the same article stored after it (the first copy of each article may differ: it creates
    # the events the later copies merge into).
    for index, count in before.items():
        if index >= len(seeds):
            assert count == after[index + len(seeds)], f"item {index} has {count} sources"
