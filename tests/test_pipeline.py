"""The ingest pipeline through the API: whole-or-absent documents and failures isolated."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

import timeline
from conftest import TODAY, query_count, query_rows
from timeline import db, pipeline
from timeline.errors import InputRejected


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


def _ingest_rejecting(db_url: str, paths: list[Path]) -> InputRejected:
    """Ingest `paths`, which must reject something; the InputRejected raised."""
    engine = timeline.open_db(db_url)
    try:
        with pytest.raises(InputRejected) as caught:
            timeline.ingest(engine, paths, published=None, today=TODAY)
    finally:
        engine.dispose()
    return caught.value


def test_a_failure_inside_extraction_rejects_only_that_document(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _articles(tmp_path, 4)
    real_extract = pipeline.extract

    def failing_extract(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        if document.uri.endswith("a002.txt"):
            raise RuntimeError("injected failure")
        return real_extract(document, lexicon_dirs)

    monkeypatch.setattr(pipeline, "extract", failing_extract)
    caught = _ingest_rejecting(db_url, paths)
    assert [(Path(name).name, reason) for name, reason in caught.rejected] == [
        ("a002.txt", "extraction failed: RuntimeError: injected failure")
    ]
    assert query_count(db_url, "SELECT count(*) FROM documents") == 3


def test_a_document_that_cannot_be_stored_whole_is_absent(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _articles(tmp_path, 3)
    real_extract = pipeline.extract

    def broken_candidates(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        candidates = real_extract(document, lexicon_dirs)
        if document.uri.endswith("a001.txt"):
            # A candidate the CHECK constraints refuse: the document's row must roll back too.
            base = candidates[0] if candidates else None
            assert base is not None, "the test article yields an event"
            return [*candidates, replace(base, event_type="party")]
        return candidates

    monkeypatch.setattr(pipeline, "extract", broken_candidates)
    caught = _ingest_rejecting(db_url, paths)
    (name, reason), = caught.rejected
    assert name.endswith("a001.txt") and reason.startswith("not stored: IntegrityError")
    assert query_count(db_url, "SELECT count(*) FROM documents") == 2
    assert query_count(db_url, "SELECT count(*) FROM documents WHERE uri LIKE '%a001.txt'") == 0


def test_a_value_the_driver_cannot_send_rejects_only_that_document(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lone surrogate fails in the driver (UnicodeEncodeError, not an SQLAlchemy error): the
    # batch is written again one document at a time, and only that document is named.
    paths = _articles(tmp_path, 3)
    real_extract = pipeline.extract

    def unsendable(document, lexicon_dirs=()):  # type: ignore[no-untyped-def]
        candidates = real_extract(document, lexicon_dirs)
        if document.uri.endswith("a001.txt"):
            return [replace(candidates[0], title="Talks \udce9")]
        return candidates

    monkeypatch.setattr(pipeline, "extract", unsendable)
    caught = _ingest_rejecting(db_url, paths)
    (name, reason), = caught.rejected
    assert name.endswith("a001.txt") and reason.startswith("not stored: UnicodeEncodeError"), reason
    assert query_count(db_url, "SELECT count(*) FROM documents") == 2
    assert query_count(db_url, "SELECT count(*) FROM documents WHERE uri LIKE '%a001.txt'") == 0


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


def test_kirbys_briefing_in_seed_003_is_one_statement(seeded_db: str) -> None:
    # Nine sentences of Kirby speaking on 10 Aug 2021; the article's lead ("US on Tuesday stated ...")
    # comes first and shares two actors with some of them: they still go to the statement Kirby makes.
    engine = db.open_engine(seeded_db)
    try:
        with engine.connect() as conn:
            events = conn.execute(text(
                "SELECT t.event_id, (SELECT count(*) FROM v_event_sources s WHERE s.event_id = t.event_id)"
                " FROM v_timeline t JOIN v_event_actors a ON a.event_id = t.event_id"
                " WHERE t.event_type = 'statement' AND a.actor = 'John Kirby' AND a.role = 'speaker'"
                " AND t.date_start = :day"
            ), {"day": date(2021, 8, 10)}).all()
    finally:
        engine.dispose()
    assert len(events) == 1 and events[0][1] == 9, events


def test_an_event_named_again_in_a_document_is_one_event_even_without_actors_or_place(
    db_url: str, tmp_path: Path
) -> None:
    # "the attack" in the second paragraph is the attack of the first (extract: same_as); with no
    # actor and no place on either side, find_match alone would make it a second event.
    article = tmp_path / "besham.txt"
    article.write_text(
        "Attack near Besham\n\nThe attack took place on Tuesday near the town, police said.\n\n"
        "Spokesman Lin Jian said in Beijing that China had asked Pakistan to investigate the attack.\n",
        encoding="utf-8",
    )
    engine = timeline.open_db(db_url)
    try:
        timeline.ingest(engine, [article], published=date(2024, 3, 27), today=TODAY)
    finally:
        engine.dispose()
    rows = query_rows(db_url, "SELECT e.event_type, count(*) FROM events e JOIN event_sources s ON s.event_id = e.id"
                              " WHERE e.event_type = 'attack' GROUP BY e.id, e.event_type")
    assert rows == [("attack", 2)]
    (reason,) = query_rows(db_url, "SELECT merge_reason FROM event_sources WHERE merge_reason IS NOT NULL")[0]
    assert reason.startswith("same type attack, the same event named again in this document")
