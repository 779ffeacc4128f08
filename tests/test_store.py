"""The store on both backends: a merge keeps the most precise date of a non-curated event, never a curated one's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

import timeline
from timeline import store
from timeline.records import ActorRef, EventCandidate
from timeline.sources import make_document

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ACTORS = (ActorRef("India", "country"), ActorRef("United States", "country"))
BASE = EventCandidate(
    event_type="meeting",
    title="India and United States hold talks",
    summary="India and the United States held talks.",
    sentence="India and the United States held talks.",
    char_start=0,
    char_end=40,
    cameo_code="04",
    actors=ACTORS,
)


def dated(start: date, end: date, precision: str, *, approximate: bool = False, text_seen: str = "") -> EventCandidate:
    return replace(BASE, date_start=start, date_end=end, date_precision=precision, date_approximate=approximate,
                   date_text=text_seen or None, date_value=None)


def save(url: str, number: int, candidate: EventCandidate) -> store.SaveResult:
    document = make_document(f"Report {number}\n\n{candidate.sentence}\n", f"doc{number}.txt",
                             published=date(2022, 1, 1), published_source="option")
    engine = timeline.open_db(url)
    try:
        with engine.begin() as conn:
            return store.save_document(conn, document, [candidate], now=NOW)
    finally:
        engine.dispose()


def event_dates(url: str) -> list[tuple[Any, ...]]:
    engine = timeline.open_db(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT id, date_start, date_end, date_precision, date_approximate, date_reason FROM events")
            ).all()
    finally:
        engine.dispose()
    return [(i, str(s), str(e), p, bool(a), r) for i, s, e, p, a, r in found]


YEAR = dated(date(2017, 1, 1), date(2017, 12, 31), "year", text_seen="(2017)")
DAY = dated(date(2017, 12, 21), date(2017, 12, 21), "day", text_seen="on 21 December 2017")
APPROX_DAY = dated(date(2017, 12, 21), date(2017, 12, 21), "day", approximate=True, text_seen="a few days ago")
APPROX_WEEK = dated(date(2017, 12, 18), date(2017, 12, 24), "week", approximate=True, text_seen="last week")


@pytest.mark.parametrize(
    "first, second, expected",
    [
        (YEAR, DAY, ("2017-12-21", "2017-12-21", "day", False)),
        (APPROX_DAY, DAY, ("2017-12-21", "2017-12-21", "day", False)),
        (APPROX_WEEK, DAY, ("2017-12-21", "2017-12-21", "day", False)),
        (DAY, YEAR, ("2017-12-21", "2017-12-21", "day", False)),
        (DAY, APPROX_DAY, ("2017-12-21", "2017-12-21", "day", False)),
        (YEAR, APPROX_WEEK, ("2017-01-01", "2017-12-31", "year", False)),
    ],
    ids=["year-then-day", "approximate-then-exact", "approximate-week-then-day", "day-then-year",
         "exact-then-approximate", "exact-year-not-replaced-by-approximate-week"],
)
def test_a_merge_keeps_the_most_precise_date(
    db_url: str, first: EventCandidate, second: EventCandidate, expected: tuple[str, str, str, bool]
) -> None:
    save(db_url, 1, first)
    result = save(db_url, 2, second)
    assert result.events_merged == 1 and result.events_created == 0
    [(_id, start, end, precision, approximate, _reason)] = event_dates(db_url)
    assert (start, end, precision, approximate) == expected


def test_a_refined_date_is_noted_on_the_event_and_the_source(db_url: str) -> None:
    save(db_url, 1, YEAR)
    save(db_url, 2, DAY)
    [(event_id, *_rest, reason)] = event_dates(db_url)
    assert reason is not None and "was 2017-01-01..2017-12-31 year" in reason
    engine = timeline.open_db(db_url)
    try:
        with engine.connect() as conn:
            merge_reason = conn.execute(
                text("SELECT merge_reason FROM event_sources WHERE event_id = :id AND merge_reason IS NOT NULL"),
                {"id": event_id},
            ).scalar_one()
    finally:
        engine.dispose()
    assert "event date refined to 2017-12-21 day ('on 21 December 2017') from 2017-01-01..2017-12-31 year" in merge_reason


def test_a_curated_event_keeps_its_coarser_date(db_url: str) -> None:
    save(db_url, 1, YEAR)
    [(event_id, *_)] = event_dates(db_url)
    engine = timeline.open_db(db_url)
    try:
        with engine.begin() as conn:
            store.correct_event(conn, event_id, {"title": "Checked"}, now=NOW)
    finally:
        engine.dispose()
    before = event_dates(db_url)
    result = save(db_url, 2, DAY)
    assert result.events_merged == 1
    assert event_dates(db_url) == before
