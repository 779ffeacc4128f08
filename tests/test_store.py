"""The store on both backends: a merge keeps the most precise date of a non-curated event, never a curated one's."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

import timeline
from conftest import query_rows
from timeline import curation, db, models, store
from timeline.records import ActorRef, EventCandidate, PlaceRef
from timeline.resolve import StoredEvent, find_match
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


def curate(url: str, event_id: int) -> None:
    """Correct the event's title by hand: it becomes curated."""
    engine = timeline.open_db(url)
    try:
        with engine.begin() as conn:
            curation.correct_event(conn, event_id, {"title": "Checked"}, now=NOW)
    finally:
        engine.dispose()


def test_a_curated_event_keeps_its_coarser_date(db_url: str) -> None:
    save(db_url, 1, YEAR)
    [(event_id, *_)] = event_dates(db_url)
    curate(db_url, event_id)
    before = event_dates(db_url)
    result = save(db_url, 2, DAY)
    assert result.events_merged == 1
    assert event_dates(db_url) == before


WASHINGTON = PlaceRef("Washington", "United States", "US", "city")
UNITED_STATES = PlaceRef("United States", "United States", "US", "country")


def event_places(url: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in query_rows(url, "SELECT event_id, place FROM v_timeline ORDER BY event_id")]


def test_a_merge_places_an_event_that_had_no_place(db_url: str) -> None:
    # "talks here on October 26 and 27", then "held in Washington during October 26-27".
    save(db_url, 1, DAY)
    result = save(db_url, 2, replace(DAY, place=WASHINGTON))
    assert result.events_merged == 1 and result.events_created == 0
    [(event_id, place)] = event_places(db_url)
    assert place == "Washington"
    [(reason,)] = query_rows(db_url, "SELECT merge_reason FROM event_sources WHERE merge_reason IS NOT NULL")
    assert reason.endswith("; event placed in Washington")


def test_a_merge_never_replaces_a_place(db_url: str) -> None:
    save(db_url, 1, replace(DAY, place=WASHINGTON))
    result = save(db_url, 2, replace(DAY, place=UNITED_STATES))  # compatible: the city is in that country
    assert result.events_merged == 1
    assert [place for _id, place in event_places(db_url)] == ["Washington"]


def test_a_curated_event_without_a_place_stays_without_one(db_url: str) -> None:
    save(db_url, 1, DAY)
    [(event_id, _place)] = event_places(db_url)
    curate(db_url, event_id)
    result = save(db_url, 2, replace(DAY, place=WASHINGTON))
    assert result.events_merged == 1
    assert event_places(db_url) == [(event_id, None)]


RESOLUTION = replace(BASE, event_type="resolution", title="UN Security Council adopts Resolution 2396",
                     actors=(ActorRef("UN Security Council", "organisation"),), number="2396")
RESOLUTION_2017 = replace(RESOLUTION, date_start=date(2017, 1, 1), date_end=date(2017, 12, 31),
                          date_precision="year", date_text="(2017)")


@pytest.mark.parametrize("first, second", [(RESOLUTION_2017, RESOLUTION), (RESOLUTION, RESOLUTION_2017)],
                         ids=["dated-then-undated", "undated-then-dated"])
def test_one_numbered_resolution_is_one_event_with_or_without_its_year(
    db_url: str, first: EventCandidate, second: EventCandidate
) -> None:
    save(db_url, 1, first)
    result = save(db_url, 2, second)
    assert result.events_merged == 1 and result.events_created == 0
    [(_id, start, end, precision, _approximate, _reason)] = event_dates(db_url)
    assert (start, end, precision) == ("2017-01-01", "2017-12-31", "year")  # the year, whichever came first
    assert query_rows(db_url, "SELECT number, source_count FROM events") == [("2396", 2)]
    assert assert_actor_dates_in_step(db_url) == 1


def test_two_numbered_resolutions_of_one_day_stay_two(db_url: str) -> None:
    day = replace(RESOLUTION, date_start=date(2021, 8, 30), date_end=date(2021, 8, 30), date_precision="day")
    save(db_url, 1, replace(day, number="2593"))
    result = save(db_url, 2, replace(day, number="2594", title="UN Security Council adopts Resolution 2594"))
    assert result.events_created == 1
    assert sorted(number for (number,) in query_rows(db_url, "SELECT number FROM events")) == ["2593", "2594"]


def said(person: str) -> EventCandidate:
    actors = (ActorRef(person, "person", role="speaker"), ActorRef("India", "country", role="speaker"),
              ActorRef("United States", "country", role="speaker"))
    return replace(BASE, event_type="statement", title=f"{person} makes statement", actors=actors,
                   date_start=date(2022, 8, 5), date_end=date(2022, 8, 5), date_precision="day")


def test_statements_of_two_speaking_persons_stay_two_as_the_database_knows_its_speakers(db_url: str) -> None:
    save(db_url, 1, said("S. Jaishankar"))
    assert save(db_url, 2, said("Ned Price")).events_created == 1  # the stored event's speaker is read back
    assert save(db_url, 3, said("S. Jaishankar")).events_merged == 1
    assert query_rows(db_url, "SELECT title, source_count FROM events ORDER BY id") == [
        ("S. Jaishankar makes statement", 2), ("Ned Price makes statement", 1)]


# -- event_actor_dates: the triggers of migration 0003 keep it equal to what events and links say ----

STORED_ACTOR_DATES = "SELECT actor_id, date_start, date_end, event_id FROM event_actor_dates"
DERIVED_ACTOR_DATES = (
    "SELECT DISTINCT ea.actor_id, e.date_start, e.date_end, e.id FROM event_actors ea"
    " JOIN events e ON e.id = ea.event_id WHERE e.date_start IS NOT NULL"
)


def assert_actor_dates_in_step(url: str) -> int:
    """Fail unless event_actor_dates equals its derivation from events and event_actors; its row count."""
    stored = sorted(tuple(str(v) for v in row) for row in query_rows(url, STORED_ACTOR_DATES))
    derived = sorted(tuple(str(v) for v in row) for row in query_rows(url, DERIVED_ACTOR_DATES))
    assert stored == derived
    return len(stored)


def test_event_actor_dates_equals_its_derivation_after_ingesting_the_seeds(seeded_db: str) -> None:
    assert assert_actor_dates_in_step(seeded_db) > 0


def test_a_refined_date_moves_the_events_actor_rows(db_url: str) -> None:
    save(db_url, 1, YEAR)
    save(db_url, 2, DAY)  # merges and refines 2017 → 21 December 2017
    rows = query_rows(db_url, "SELECT DISTINCT date_start, date_end FROM event_actor_dates")
    assert [(str(start), str(end)) for start, end in rows] == [("2017-12-21", "2017-12-21")]
    assert assert_actor_dates_in_step(db_url) == len(ACTORS)


def test_undated_events_have_no_rows_and_gain_them_when_dated(db_url: str) -> None:
    save(db_url, 1, replace(BASE, date_start=None, date_end=None, date_precision=None))
    assert assert_actor_dates_in_step(db_url) == 0
    [(event_id,)] = query_rows(db_url, "SELECT id FROM events")
    engine = timeline.open_db(db_url)
    try:
        with engine.begin() as conn:
            curation.correct_event(conn, event_id, {"date_start": date(2021, 3, 4)}, now=NOW)
    finally:
        engine.dispose()
    assert assert_actor_dates_in_step(db_url) == len(ACTORS)


def test_sql_users_changing_dates_and_links_by_hand_keep_the_table_in_step(seeded_db: str) -> None:
    # What a person might run in sqlite3 or psql: the triggers, not timeline's code, follow it.
    engine = db.open_engine(seeded_db)
    try:
        with engine.begin() as conn:
            event_id, actor_id = conn.execute(
                text("SELECT event_id, actor_id FROM event_actors ORDER BY event_id, actor_id")
            ).first()
            other_actor = conn.execute(
                text("SELECT min(id) FROM actors WHERE id NOT IN (SELECT actor_id FROM event_actors"
                     " WHERE event_id = :e)"), {"e": event_id}
            ).scalar_one()
            conn.execute(text("UPDATE events SET date_start = :d, date_end = :d WHERE id = :e"),
                         {"d": date(2020, 2, 2), "e": event_id})
            conn.execute(text("UPDATE event_actors SET actor_id = :a WHERE event_id = :e AND actor_id = :old"),
                         {"a": other_actor, "e": event_id, "old": actor_id})
            conn.execute(text("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, 'subject')"),
                         {"e": event_id, "a": actor_id})
            conn.execute(text("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, 'target')"),
                         {"e": event_id, "a": actor_id})
            conn.execute(text("DELETE FROM event_actors WHERE event_id = :e AND actor_id = :a AND role = 'subject'"),
                         {"e": event_id, "a": actor_id})
    finally:
        engine.dispose()
    assert assert_actor_dates_in_step(seeded_db) > 0
    # The actor still linked under one role keeps its row; deleting the actor takes its rows away.
    assert query_rows(seeded_db, "SELECT count(*) FROM event_actor_dates WHERE event_id = :e AND actor_id = :a",
                      {"e": event_id, "a": actor_id}) == [(1,)]
    engine = db.open_engine(seeded_db)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM actors WHERE id = :a"), {"a": actor_id})
    finally:
        engine.dispose()
    assert assert_actor_dates_in_step(seeded_db) > 0


# -- events' stored summary: the triggers of migration 0005 keep it equal to 0001's v_timeline ------

STORED_SUMMARIES = "SELECT id, actor_names, source_count, first_published, first_source FROM events"
# The definitions of v_timeline's actors, source_count, first_published and first_source in 0001.
DERIVED_ACTORS = {
    "sqlite": "(SELECT group_concat(name, '; ') FROM (SELECT DISTINCT a.name AS name FROM event_actors ea"
              " JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id ORDER BY a.name))",
    "postgresql": "(SELECT string_agg(DISTINCT a.name, '; ' ORDER BY a.name) FROM event_actors ea"
                  " JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id)",
}
DERIVED_SUMMARIES = (
    "SELECT e.id, {actors},"
    " (SELECT COUNT(DISTINCT es.document_id) FROM event_sources es WHERE es.event_id = e.id),"
    " (SELECT MIN(d.published) FROM event_sources es JOIN documents d ON d.id = es.document_id"
    "  WHERE es.event_id = e.id),"
    " (SELECT COALESCE(d.title, d.uri) FROM event_sources es JOIN documents d ON d.id = es.document_id"
    "  WHERE es.event_id = e.id"
    "  ORDER BY CASE WHEN d.published IS NULL THEN 1 ELSE 0 END, d.published, d.id LIMIT 1)"
    " FROM events e"
)


def assert_summaries_in_step(url: str) -> int:
    """Fail unless every event's stored summary equals its derivation from the base tables; the events with sources."""
    derived_sql = DERIVED_SUMMARIES.format(actors=DERIVED_ACTORS["sqlite" if url.startswith("sqlite") else "postgresql"])
    stored = sorted(query_rows(url, STORED_SUMMARIES))
    derived = sorted(query_rows(url, derived_sql))
    assert stored == derived
    return sum(1 for row in stored if row[2] > 0)


def test_event_summaries_equal_their_derivation_after_ingesting_the_seeds(seeded_db: str) -> None:
    assert assert_summaries_in_step(seeded_db) > 0
    assert query_rows(seeded_db, "SELECT count(*) FROM events WHERE actor_names IS NOT NULL")[0][0] > 0


def test_a_refining_merge_counts_both_sources_and_keeps_the_first(db_url: str) -> None:
    save(db_url, 1, YEAR)
    save(db_url, 2, DAY)  # merges: a second source of the same event
    assert assert_summaries_in_step(db_url) == 1
    assert query_rows(db_url, "SELECT actors, source_count, first_source FROM v_timeline") == [
        ("India; United States", 2, "doc1.txt")  # same day: the lower document id
    ]


def test_sql_users_changing_sources_documents_and_actors_by_hand_keep_the_summaries_in_step(seeded_db: str) -> None:
    # What a person might run in sqlite3 or psql: each statement on its own, checked after each.
    engine = db.open_engine(seeded_db)
    try:
        with engine.connect() as conn:
            event_id, document_id = conn.execute(
                text("SELECT event_id, document_id FROM event_sources ORDER BY event_id, id")
            ).first()
            actor_id = conn.execute(text("SELECT min(actor_id) FROM event_actors")).scalar_one()
            other_document = conn.execute(
                text("SELECT min(id) FROM documents WHERE id NOT IN (SELECT document_id FROM event_sources"
                     " WHERE event_id = :e)"), {"e": event_id}
            ).scalar_one()
    finally:
        engine.dispose()
    ids = {"e": event_id, "d": document_id, "a": actor_id, "o": other_document}
    statements = [
        "INSERT INTO event_sources (event_id, document_id, sentence, char_start, char_end, confidence)"
        " VALUES (:e, :o, 'A sentence.', 0, 11, 0.5)",
        "UPDATE documents SET published = '1999-01-01' WHERE id = :o",
        "UPDATE documents SET title = 'Retitled' WHERE id = :o",
        "UPDATE documents SET title = NULL, uri = 'file:///by-hand.txt' WHERE id = :o",
        "UPDATE event_sources SET document_id = :d WHERE event_id = :e AND document_id = :o",
        "UPDATE event_sources SET event_id = (SELECT max(id) FROM events) WHERE event_id = :e AND char_start = 0"
        " AND char_end = 11",
        "DELETE FROM event_sources WHERE event_id = (SELECT max(id) FROM events) AND char_end = 11",
        "UPDATE actors SET name = 'Aaa renamed by hand' WHERE id = :a",
        "INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, 'subject')",
        "UPDATE event_actors SET event_id = (SELECT max(id) FROM events) WHERE event_id = :e AND actor_id = :a"
        " AND role = 'subject'",
        "DELETE FROM event_actors WHERE actor_id = :a AND event_id = (SELECT max(id) FROM events)",
        "DELETE FROM documents WHERE id = :d",
        "DELETE FROM actors WHERE id = :a",
    ]
    engine = db.open_engine(seeded_db)
    try:
        for statement in statements:
            with engine.begin() as conn:
                conn.execute(text(statement), {k: v for k, v in ids.items() if f":{k}" in statement})
            assert assert_summaries_in_step(seeded_db) > 0, statement
    finally:
        engine.dispose()


def test_a_match_is_found_behind_hundreds_of_events_sharing_one_actor(db_url: str) -> None:
    # 600 meetings of India with someone else on the same day come first (lower ids); find_match
    # rejects each (one shared actor of two), so they must not crowd the real match out of the
    # neighbour query's limit of 500 rows.
    day = dict(date_start=date(2021, 10, 26), date_end=date(2021, 10, 26), date_precision="day", date_value=None)
    engine = timeline.open_db(db_url)
    try:
        with engine.begin() as conn:
            for number in range(600):
                other = (ActorRef("India", "country"), ActorRef(f"Partner {number}", "organisation"))
                document = make_document(f"Report {number}\n\nIndia met partner {number}.\n", f"p{number}.txt",
                                         published=date(2021, 10, 27), published_source="option")
                store.save_document(conn, document, [replace(BASE, actors=other, **day)], now=NOW)
    finally:
        engine.dispose()
    first = save(db_url, 1001, replace(BASE, **day))
    again = save(db_url, 1002, replace(BASE, sentence="India and the US held talks again.", **day))
    assert (first.events_created, again.events_merged, again.events_created) == (1, 1, 0)
    assert assert_actor_dates_in_step(db_url) == 2 * 600 + 2


def test_a_statement_merges_only_into_one_by_two_of_its_parties_or_the_same_person(db_url: str) -> None:
    # The neighbour query of a statement drops those sharing one actor that is not one of its persons
    # (SQLite, in SQL); what merges must be what resolve.find_match alone would merge.
    day = dict(event_type="statement", date_start=date(2021, 10, 26), date_end=date(2021, 10, 26),
               date_precision="day", date_value=None)
    us, india = ActorRef("United States", "country"), ActorRef("India", "country")
    kirby = ActorRef("John Kirby", "person")
    for number, actors in enumerate([(us,), (kirby, us), (india, us)], start=1):
        stored = save(db_url, number, replace(BASE, actors=actors, sentence=f"Statement {number}.", **day))
        assert stored.events_created == 1
    said = [((us,), None), ((kirby, us), 2), ((kirby,), 2), ((india, us), 3), ((india, kirby), None)]
    for number, (actors, event_id) in enumerate(said, start=10):
        result = save(db_url, number, replace(BASE, actors=actors, sentence=f"Said again {number}.", **day))
        assert result.events_merged == (event_id is not None), actors
        if event_id is not None:
            assert query_rows(db_url, "SELECT event_id FROM event_sources WHERE document_id = :d",
                              {"d": result.document_id}) == [(event_id,)]


def test_ingest_writes_the_values_sqlalchemy_core_writes(db_url: str) -> None:
    # save_document runs its statements on the DBAPI cursor; dates, timestamps and flags must be
    # stored exactly as Core stores them (ISO text on SQLite, DATE/timestamptz on PostgreSQL).
    candidate = replace(DAY, reference_date=date(2022, 1, 1), place=None)
    save(db_url, 1, candidate)
    engine = timeline.open_db(db_url)
    try:
        with engine.begin() as conn:
            core = conn.execute(
                models.Event.__table__.insert().returning(models.Event.__table__.c.id),
                {"event_type": "meeting", "title": "t", "summary": "s", "date_start": date(2017, 12, 21),
                 "date_end": date(2017, 12, 21), "date_approximate": False, "curated": False,
                 "created_at": NOW, "updated_at": NOW},
            ).scalar_one()
        as_text = "CAST({} AS TEXT)"
        columns = ", ".join(as_text.format(c) for c in ("date_start", "date_end", "created_at", "updated_at"))
        written, by_core = query_rows(db_url, f"SELECT {columns}, curated, date_approximate FROM events ORDER BY id")
        assert written == by_core
        with engine.connect() as conn:
            document = conn.execute(models.Document.__table__.select()).one()
            source = conn.execute(models.EventSource.__table__.select()).one()
    finally:
        engine.dispose()
    assert core == 2
    assert (document.published, document.ingested_at.replace(tzinfo=UTC)) == (date(2022, 1, 1), NOW)
    assert source.reference_date == date(2022, 1, 1)
    assert query_rows(db_url, f"SELECT {as_text.format('published')} FROM documents") == [("2022-01-01",)]


def test_an_undated_report_merges_with_the_stored_undated_event_of_its_actors(db_url: str) -> None:
    # The undated neighbour query: same type, undated, sharing an actor (SQLite lists the actors'
    # events first); an undated event of other actors or another type is not a neighbour.
    undated = dict(date_start=None, date_end=None, date_precision=None, date_value=None)
    others = (ActorRef("Japan", "country"), ActorRef("Canada", "country"))
    assert save(db_url, 1, replace(BASE, actors=others, **undated)).events_created == 1
    assert save(db_url, 2, replace(BASE, event_type="agreement", **undated)).events_created == 1
    assert save(db_url, 3, replace(BASE, **undated)).events_created == 1
    again = save(db_url, 4, replace(BASE, sentence="India and the US held talks again.", **undated))
    assert (again.events_created, again.events_merged) == (0, 1)
    assert query_rows(db_url, "SELECT event_id, COUNT(*) FROM event_sources GROUP BY event_id ORDER BY event_id") == [
        (1, 1), (2, 1), (3, 2)
    ]


def test_one_statement_inserting_links_of_several_events_keeps_their_summaries_in_step(seeded_db: str) -> None:
    # PostgreSQL refreshes the events an INSERT touched once per statement (migration 0006);
    # the writer inserts a document's links that way, and so may a person in psql.
    statements = [
        "INSERT INTO event_sources (event_id, document_id, sentence, char_start, char_end, confidence)"
        " SELECT e.id, d.id, 'A sentence.', 1000 + d.id, 1011 + d.id, 0.5"
        " FROM events e CROSS JOIN documents d WHERE e.id % 3 = 0 AND d.id % 2 = 1",
        "INSERT INTO event_actors (event_id, actor_id, role)"
        " SELECT e.id, a.id, 'subject' FROM events e CROSS JOIN actors a WHERE e.id % 2 = 0 AND a.id % 5 = 0"
        " ON CONFLICT DO NOTHING",
    ]
    engine = db.open_engine(seeded_db)
    try:
        for statement in statements:
            with engine.begin() as conn:
                assert conn.execute(text(statement)).rowcount > 1
            assert assert_summaries_in_step(seeded_db) > 0, statement
    finally:
        engine.dispose()
    assert_actor_dates_in_step(seeded_db)


def test_postgresql_summarises_inserted_links_by_statement_and_the_rest_by_row(seeded_db: str) -> None:
    if seeded_db.startswith("sqlite"):
        pytest.skip("SQLite has row triggers only (migration 0005)")
    found = query_rows(
        seeded_db,
        "SELECT tgname, tgtype & 1 = 1 FROM pg_trigger WHERE NOT tgisinternal"
        " AND tgrelid IN ('event_actors'::regclass, 'event_sources'::regclass) ORDER BY tgname",
    )
    assert found == [
        ("tr_event_actors_add_names", False),  # FOR EACH STATEMENT
        ("tr_event_actors_keep_dates", True),
        ("tr_event_actors_store_names", True),  # deletes and updates, by row
        ("tr_event_sources_add_summary", False),
        ("tr_event_sources_store_summary", True),
    ]


# -- migration 0007: SQLite's summary triggers change only what a row changes -------------------------

DOCUMENT_DATES = [date(2021, 3, 1), date(2021, 3, 1), None, date(2021, 2, 1), None, date(2021, 3, 1), date(2021, 4, 1)]


def _summary_fixture(conn: Any) -> tuple[list[int], list[int], list[int]]:
    """Documents (some sharing a date, some undated), three empty events and four actors; their ids."""
    documents = [
        conn.execute(
            models.Document.__table__.insert().returning(models.Document.__table__.c.id),
            {"sha256": f"{number:064d}", "uri": f"doc{number}.txt", "title": None if number % 3 == 0 else f"Doc {number}",
             "text": f"Document {number}.", "published": published, "char_count": 12, "ingested_at": NOW},
        ).scalar_one()
        for number, published in enumerate(DOCUMENT_DATES)
    ]
    event_ids = [
        conn.execute(
            models.Event.__table__.insert().returning(models.Event.__table__.c.id),
            {"event_type": "meeting", "title": f"Event {number}", "summary": "A meeting.", "status": "past",
             "confidence": 0.5, "curated": False, "date_approximate": False, "created_at": NOW, "updated_at": NOW},
        ).scalar_one()
        for number in range(3)
    ]
    actor_ids = [
        conn.execute(
            models.Actor.__table__.insert().returning(models.Actor.__table__.c.id), {"name": name, "kind": "country"}
        ).scalar_one()
        for name in ("Mali", "Chad", "Niger", "Benin")
    ]
    return documents, event_ids, actor_ids


def _link_source(document_id: int, event_id: int, offset: int) -> tuple[str, dict[str, Any]]:
    return ("INSERT INTO event_sources (event_id, document_id, sentence, char_start, char_end, confidence)"
            " VALUES (:e, :d, 'A sentence.', :o, :o + 5, 0.5)", {"e": event_id, "d": document_id, "o": offset})


def run_each_and_check(url: str, statements: list[tuple[str, dict[str, Any]]]) -> None:
    engine = db.open_engine(url)
    try:
        for statement, params in statements:
            with engine.begin() as conn:
                conn.execute(text(statement), params)
            assert_summaries_in_step(url)
            assert_actor_dates_in_step(url)
    finally:
        engine.dispose()


def summary_fixture_ids(url: str) -> tuple[list[int], list[int], list[int]]:
    engine = db.open_engine(url)
    try:
        with engine.begin() as conn:
            return _summary_fixture(conn)
    finally:
        engine.dispose()


def test_sources_linked_in_any_order_keep_the_count_the_first_date_and_the_first_source(db_url: str) -> None:
    # Ties on published (documents 0, 1 and 5) go to the lower id even when it is linked last;
    # undated documents (2, 4) come after every dated one; a document linked twice counts once.
    documents, (event, other, _), _ = summary_fixture_ids(db_url)
    order = [5, 4, 2, 1, 5, 0, 6, 3, 0]
    statements = [_link_source(documents[i], event, 10 * n) for n, i in enumerate(order)]
    statements += [_link_source(documents[i], other, 10 * n) for n, i in enumerate([2, 4, 2, 6])]
    run_each_and_check(db_url, statements)
    assert query_rows(db_url, "SELECT source_count, first_published, first_source FROM events WHERE id = :e",
                      {"e": event}) == [(7, query_rows(db_url, "SELECT published FROM documents WHERE id = :d",
                                                         {"d": documents[3]})[0][0], "doc3.txt")]
    assert query_rows(db_url, "SELECT source_count, first_published, first_source FROM events WHERE id = :e",
                      {"e": other}) == [(3, query_rows(db_url, "SELECT published FROM documents WHERE id = :d",
                                                         {"d": documents[6]})[0][0], "doc6.txt")]


def test_deleting_and_moving_sources_and_redating_documents_keep_the_summary(db_url: str) -> None:
    documents, (event, other, third), _ = summary_fixture_ids(db_url)
    d = documents
    statements = [_link_source(d[i], event, 10 * n) for n, i in enumerate([0, 1, 1, 3, 2])]
    statements += [_link_source(d[i], other, 10 * n) for n, i in enumerate([5, 4])]
    statements += [
        # One of two links of document 1 goes: still a source; then the other: no longer one.
        ("DELETE FROM event_sources WHERE event_id = :e AND document_id = :d AND char_start = 10", {"e": event, "d": d[1]}),
        ("DELETE FROM event_sources WHERE event_id = :e AND document_id = :d", {"e": event, "d": d[1]}),
        # The earliest document goes, then comes back undated, then dated later, then retitled.
        ("DELETE FROM event_sources WHERE event_id = :e AND document_id = :d", {"e": event, "d": d[3]}),
        _link_source(d[3], event, 500),
        ("UPDATE documents SET published = NULL WHERE id = :d", {"d": d[3]}),
        ("UPDATE documents SET published = '2021-05-01' WHERE id = :d" if db_url.startswith("sqlite")
         else "UPDATE documents SET published = DATE '2021-05-01' WHERE id = :d", {"d": d[3]}),
        ("UPDATE documents SET title = 'Retitled', uri = 'other.txt' WHERE id = :d", {"d": d[0]}),
        ("UPDATE documents SET title = NULL WHERE id = :d", {"d": d[0]}),
        # Moves between events, to another document, and an update that changes no link.
        ("UPDATE event_sources SET event_id = :o WHERE event_id = :e AND document_id = :d", {"o": other, "e": event, "d": d[2]}),
        ("UPDATE event_sources SET document_id = :n WHERE event_id = :o AND document_id = :d", {"o": other, "n": d[6], "d": d[5]}),
        ("UPDATE event_sources SET event_id = event_id, document_id = document_id", {}),
        ("UPDATE event_sources SET event_id = :t WHERE event_id = :o", {"t": third, "o": other}),
        ("DELETE FROM documents WHERE id = :d", {"d": d[0]}),
        ("DELETE FROM events WHERE id = :t", {"t": third}),
    ]
    run_each_and_check(db_url, statements)


def test_actors_linked_in_any_order_and_under_two_roles_keep_the_sorted_names(db_url: str) -> None:
    _, (event, other, _), (mali, chad, niger, benin) = summary_fixture_ids(db_url)

    def link(event_id: int, actor_id: int, role: str = "participant") -> tuple[str, dict[str, Any]]:
        return ("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, :r)",
                {"e": event_id, "a": actor_id, "r": role})

    statements = [
        link(event, chad), link(event, niger), link(event, benin),  # appended, then sorted again
        link(event, chad, "target"), link(event, mali),
        ("DELETE FROM event_actors WHERE event_id = :e AND actor_id = :a AND role = 'target'", {"e": event, "a": chad}),
        ("DELETE FROM event_actors WHERE event_id = :e AND actor_id = :a", {"e": event, "a": niger}),
        link(other, niger, "subject"), link(other, benin),
        ("UPDATE event_actors SET role = 'agent' WHERE event_id = :e AND actor_id = :a", {"e": other, "a": benin}),
        ("UPDATE event_actors SET actor_id = :m WHERE event_id = :e AND actor_id = :a", {"m": mali, "e": other, "a": niger}),
        ("UPDATE event_actors SET event_id = :o WHERE event_id = :e AND actor_id = :a", {"o": other, "e": event, "a": chad}),
        ("UPDATE actors SET name = 'Zambia' WHERE id = :a", {"a": benin}),
        ("DELETE FROM actors WHERE id = :a", {"a": mali}),
    ]
    run_each_and_check(db_url, statements)
    assert query_rows(db_url, "SELECT actor_names FROM events WHERE id IN (:e, :o) ORDER BY id",
                      {"e": event, "o": other}) == [("Zambia",), ("Chad; Zambia",)]


def test_merging_events_by_hand_keeps_the_summaries(db_url: str) -> None:
    documents, (keep, other, third), (mali, chad, niger, benin) = summary_fixture_ids(db_url)
    statements = [_link_source(documents[i], keep, 10 * n) for n, i in enumerate([6, 2])]
    statements += [_link_source(documents[i], other, 10 * n) for n, i in enumerate([1, 2, 4])]
    statements += [_link_source(documents[i], third, 10 * n) for n, i in enumerate([0, 3])]
    statements += [("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, 'participant')",
                    {"e": e, "a": a}) for e, a in [(keep, niger), (other, chad), (other, niger), (third, benin)]]
    run_each_and_check(db_url, statements)
    engine = db.open_engine(db_url)
    try:
        with engine.begin() as conn:
            curation.merge_events(conn, keep, [other, third], now=NOW)
    finally:
        engine.dispose()
    assert_summaries_in_step(db_url)
    assert_actor_dates_in_step(db_url)
    assert query_rows(db_url, "SELECT actor_names, source_count, first_source FROM events") == [
        ("Benin; Chad; Niger", 6, "doc3.txt")  # the earliest published
    ]


def test_links_to_missing_rows_with_foreign_keys_off_keep_the_summaries(sqlite_url: str) -> None:
    # sqlite3's own shell leaves foreign keys off: a link may name a document or actor that does not exist.
    documents, (event, _, _), (mali, *_) = summary_fixture_ids(sqlite_url)
    shell = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    try:
        for statement, params in [
            _link_source(documents[2], event, 0), _link_source(99_999, event, 10), _link_source(documents[4], event, 20),
            ("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, 99999, 'subject')", {"e": event}),
            ("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, 'subject')", {"e": event, "a": mali}),
            ("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, 99998, 'subject')", {"e": event}),
        ]:
            with shell:
                shell.execute(statement, params)
            assert_summaries_in_step(sqlite_url)
    finally:
        shell.close()
    assert query_rows(sqlite_url, "SELECT actor_names, source_count, first_source FROM events WHERE id = :e",
                      {"e": event}) == [("Mali", 3, "Doc 2")]


def test_random_link_changes_keep_the_summaries(db_url: str) -> None:
    # Many small statements in a fixed pseudo-random order, each checked against the derivation.
    documents, event_ids, actor_ids = summary_fixture_ids(db_url)
    rng = random.Random(7)
    statements: list[tuple[str, dict[str, Any]]] = []
    for step in range(120):
        kind = rng.choice(["source", "source", "source", "actor", "actor", "drop source", "drop actor", "redate"])
        event_id, document_id, actor_id = rng.choice(event_ids), rng.choice(documents), rng.choice(actor_ids)
        if kind == "source":
            statements.append(_link_source(document_id, event_id, rng.randrange(4) * 10))
        elif kind == "actor":
            statements.append(("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, :r)"
                               " ON CONFLICT DO NOTHING", {"e": event_id, "a": actor_id,
                                                           "r": rng.choice(["participant", "target"])}))
        elif kind == "drop source":
            statements.append(("DELETE FROM event_sources WHERE event_id = :e AND document_id = :d AND char_start = :o",
                               {"e": event_id, "d": document_id, "o": rng.randrange(4) * 10}))
        elif kind == "drop actor":
            statements.append(("DELETE FROM event_actors WHERE event_id = :e AND actor_id = :a AND role = 'target'",
                               {"e": event_id, "a": actor_id}))
        else:
            published = rng.choice([None, "2021-03-01", "2021-01-01"])
            statements.append(("UPDATE documents SET published = CAST(:p AS DATE) WHERE id = :d"
                               if not db_url.startswith("sqlite") else
                               "UPDATE documents SET published = :p WHERE id = :d", {"p": published, "d": document_id}))
    statements = [(s.replace("VALUES (:e, :d, 'A sentence.', :o, :o + 5, 0.5)",
                             "VALUES (:e, :d, 'A sentence.', :o, :o + 5, 0.5) ON CONFLICT DO NOTHING"), p)
                  for s, p in statements]
    run_each_and_check(db_url, statements)
    assert query_rows(db_url, "SELECT count(*) FROM events WHERE source_count > 1")[0][0] > 0


def random_actor_link_changes(
    rng: random.Random, event_ids: list[int], actor_ids: list[int], steps: int, sqlite: bool
) -> list[tuple[str, dict[str, Any]]]:
    """Statements linking, unlinking and moving actors of events that are dated, redated and undated
    meanwhile: the event_actors insert triggers (0003 and 0005, one trigger since 0008 on SQLite)
    keep both event_actor_dates and actor_names. Some inserts add several rows at once, repeating a
    link or linking one pair under two roles."""
    spans = [(None, None), ("2021-03-01", "2021-03-01"), ("2021-01-01", "2021-12-31"), ("2021-03-01", "2021-03-31")]
    cast = "CAST(:{} AS DATE)" if not sqlite else ":{}"
    statements: list[tuple[str, dict[str, Any]]] = []
    for _ in range(steps):
        kind = rng.choice(["link", "link", "links", "links", "unlink", "move", "redate"])
        event_id, actor_id = rng.choice(event_ids), rng.choice(actor_ids)
        if kind == "link":
            statements.append(("INSERT INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, :r)"
                               " ON CONFLICT DO NOTHING",
                               {"e": event_id, "a": actor_id, "r": rng.choice(["participant", "target"])}))
        elif kind == "links":
            rows = [(rng.choice(event_ids), rng.choice(actor_ids), rng.choice(["participant", "target"]))
                    for _ in range(rng.randrange(2, 5))]
            values = ", ".join(f"(:e{n}, :a{n}, :r{n})" for n in range(len(rows)))
            params = {f"{key}{n}": value for n, row in enumerate(rows) for key, value in zip("ear", row, strict=True)}
            statements.append((f"INSERT INTO event_actors (event_id, actor_id, role) VALUES {values}"
                                " ON CONFLICT DO NOTHING", params))
        elif kind == "unlink":
            statements.append(("DELETE FROM event_actors WHERE event_id = :e AND actor_id = :a AND role = :r",
                               {"e": event_id, "a": actor_id, "r": rng.choice(["participant", "target"])}))
        elif kind == "move":
            statements.append(("UPDATE event_actors SET event_id = :o WHERE event_id = :e AND actor_id = :a"
                               " AND NOT EXISTS (SELECT 1 FROM event_actors x WHERE x.event_id = :o"
                               " AND x.actor_id = :a)", {"o": rng.choice(event_ids), "e": event_id, "a": actor_id}))
        else:
            start, end = rng.choice(spans)
            statements.append((f"UPDATE events SET date_start = {cast.format('s')}, date_end = {cast.format('n')}"
                               " WHERE id = :e", {"s": start, "n": end, "e": event_id}))
    return statements


def test_random_actor_links_of_dated_and_undated_events_keep_the_names_and_actor_dates(db_url: str) -> None:
    _, event_ids, actor_ids = summary_fixture_ids(db_url)
    statements = random_actor_link_changes(random.Random(11), event_ids, actor_ids, 150, db_url.startswith("sqlite"))
    run_each_and_check(db_url, statements)
    assert query_rows(db_url, "SELECT count(*) FROM event_actor_dates")[0][0] > 0
    assert query_rows(db_url, "SELECT count(*) FROM events WHERE actor_names LIKE '%;%'")[0][0] > 0


def test_an_actor_linked_again_under_any_conflict_policy_keeps_one_actor_date_row(sqlite_url: str) -> None:
    # 0008's trigger adds the event_actor_dates row with ON CONFLICT DO NOTHING: the outer
    # statement's OR clause (which overrides a trigger's own OR clause) must not turn the second
    # link of a pair into an error or a lost row.
    _, (event, _, _), (mali, *_) = summary_fixture_ids(sqlite_url)
    link = "INSERT {} INTO event_actors (event_id, actor_id, role) VALUES (:e, :a, :r)"
    statements = [("UPDATE events SET date_start = '2021-03-01', date_end = '2021-03-31' WHERE id = :e", {"e": event})]
    statements += [(link.format(policy), {"e": event, "a": mali, "r": role}) for policy, role in [
        ("", "participant"), ("OR ABORT", "target"), ("OR FAIL", "agent"), ("OR ROLLBACK", "speaker"),
        ("OR REPLACE", "subject"), ("OR IGNORE", "adopter"), ("OR REPLACE", "subject")]]
    run_each_and_check(sqlite_url, statements)
    assert query_rows(sqlite_url, "SELECT actor_id, event_id FROM event_actor_dates") == [(mali, event)]
    assert query_rows(sqlite_url, "SELECT count(*) FROM event_actors")[0][0] == 6


def _every_stored_event(url: str) -> list[StoredEvent]:
    rows = query_rows(url, "SELECT e.id, e.event_type, e.date_start, e.date_end, e.curated, e.date_precision,"
                           " e.date_approximate, p.name, p.country_code FROM events e"
                           " LEFT JOIN places p ON p.id = e.place_id ORDER BY e.id")
    names = query_rows(url, "SELECT ea.event_id, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id")
    as_date = (lambda value: value if value is None or isinstance(value, date) else date.fromisoformat(value))
    return [
        StoredEvent(event_id=i, event_type=t, date_start=as_date(s), date_end=as_date(e), place=place,
                    country_code=code, actors=frozenset(n for event_id, n in names if event_id == i),
                    curated=bool(curated), date_precision=precision, date_approximate=bool(approximate))
        for i, t, s, e, curated, precision, approximate, place, code in rows
    ]


def test_a_candidate_naming_one_actor_where_two_are_needed_skips_the_neighbour_query(db_url: str) -> None:
    # Undated, 31 days or longer, or a statement by no person: find_match needs two shared actors
    # of any event with actors, so the writer asks for no neighbours; nothing stored could match.
    india, us, kirby = ActorRef("India", "country"), ActorRef("United States", "country"), ActorRef("John Kirby", "person")
    undated = dict(date_start=None, date_end=None, date_precision=None, date_value=None)
    day = dict(date_start=date(2021, 10, 26), date_end=date(2021, 10, 26), date_precision="day", date_value=None)
    month = dict(date_start=date(2021, 10, 1), date_end=date(2021, 10, 31), date_precision="month", date_value=None)
    stored = [
        replace(BASE, actors=(india,), **undated), replace(BASE, actors=(india, us), **undated),
        replace(BASE, actors=(india,), **month), replace(BASE, actors=(india, us), **day),
        replace(BASE, event_type="statement", actors=(india,), **day),
        replace(BASE, event_type="statement", actors=(india, kirby), **day),
    ]
    for number, candidate in enumerate(stored, start=1):
        save(db_url, number, replace(candidate, sentence=f"Stored {number}."))
    skipped = [
        replace(BASE, actors=(india,), **undated),
        replace(BASE, actors=(india, india), **dict(month, date_end=date(2021, 12, 31), date_precision="quarter")),
        replace(BASE, actors=(india,), **dict(day, date_end=date(2021, 11, 26))),  # 31 days
        replace(BASE, event_type="statement", actors=(india,), **day),
    ]
    kept = [
        replace(BASE, actors=(india, us), **undated),
        replace(BASE, actors=(india,), **dict(day, date_end=date(2021, 11, 25))),  # 30 days
        replace(BASE, event_type="statement", actors=(kirby,), **day),
        replace(BASE, event_type="statement", actors=(india, us), **day),
    ]
    everything = _every_stored_event(db_url)
    for candidate in skipped:
        ids = [len(candidate.actors)] * len(candidate.actors)
        assert store._needs_a_second_actor(candidate, ids), candidate
        assert find_match(candidate, everything) is None, candidate
    for candidate in kept:
        ids = list(range(len(candidate.actors)))
        assert not store._needs_a_second_actor(candidate, ids), candidate
    for number, candidate in enumerate(skipped, start=100):
        assert save(db_url, number, replace(candidate, sentence=f"Again {number}.")).events_created == 1
    assert [save(db_url, number, replace(candidate, sentence=f"Again {number}.")).events_merged
            for number, candidate in enumerate(kept, start=200)] == [1, 1, 1, 0]


def test_the_statement_query_drops_one_actor_rows_early_only_where_the_limit_cannot_tell(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's statement query leaves out the groups sharing one actor and no person before HAVING
    # counts their event's actors, unless the range holds more rows than the LIMIT: the events
    # returned must be those of the plain form (LIMIT, then the filter). With the limit at 4,
    # random statements by a few parties fall on both sides of it.
    rng = random.Random(5)
    parties = [ActorRef(f"Party {n}", "organisation") for n in range(6)] + [
        ActorRef(f"Speaker {n}", "person") for n in range(3)]
    days = [date(2021, 10, day) for day in (1, 2, 3, 20)]
    engine = timeline.open_db(sqlite_url)
    try:
        with engine.begin() as conn:
            for number in range(80):
                actors = tuple(rng.sample(parties, rng.randrange(1, 4)))
                day = rng.choice(days)
                document = make_document(f"Report {number}\n\nParties said {number}.\n", f"s{number}.txt",
                                         published=date(2021, 10, 27), published_source="option")
                candidate = replace(BASE, event_type="statement", actors=actors, date_start=day, date_end=day,
                                    date_precision="day", date_value=None, sentence=f"Said {number}.")
                store.save_document(conn, document, [candidate], now=NOW)
        candidates = []
        for _ in range(60):
            day = rng.choice(days)
            candidates.append(replace(BASE, event_type="statement", actors=tuple(rng.sample(parties, rng.randrange(2, 4))),
                                      date_start=day, date_end=day, date_precision="day", date_value=None))
        found: dict[bool, list[list[int]]] = {}
        for drop_early in (True, False):
            queries = {named: store._statement_near_by_actor(named, drop_early=drop_early).replace(
                str(store.NEIGHBOUR_LIMIT), "4") for named in (False, True)}
            monkeypatch.setattr(store, "_SQLITE_STATEMENT_NEAR_BY_ACTOR", queries)
            with engine.connect() as conn:
                cur = store._Cursor(conn)
                actor_ids = dict(conn.execute(text("SELECT name, id FROM actors")).all())
                found[drop_early] = [
                    [event.event_id for event in store._stored_neighbours(cur, c, [actor_ids[a.name] for a in c.actors])]
                    for c in candidates]
    finally:
        engine.dispose()
    assert found[True] == found[False]
    returned = [len(ids) for ids in found[True]]
    assert max(returned) >= 3 and returned.count(0) < len(returned)


def test_the_placed_neighbour_query_reads_0010s_index_and_finds_what_the_plain_query_finds(sqlite_url: str) -> None:
    # SQLite looks placed events up by (event_type, date_end) in the partial index it names; the
    # events found must be those of the portable query (PostgreSQL's), for windows on every side.
    rng = random.Random(3)
    kabul, delhi = PlaceRef("Kabul", "Afghanistan", "AF"), PlaceRef("Delhi", "India", "IN")
    engine = timeline.open_db(sqlite_url)
    try:
        with engine.begin() as conn:
            for number in range(120):
                start = date(2021, rng.randrange(1, 13), rng.randrange(1, 29))
                end = date(start.year, start.month, min(28, start.day + rng.choice([0, 0, 3, 20])))
                candidate = replace(BASE, event_type=rng.choice(["meeting", "attack"]), actors=(),
                                    place=rng.choice([kabul, delhi, None]), date_start=start, date_end=end,
                                    date_precision="day", date_value=None, sentence=f"Event {number}.")
                document = make_document(f"Report {number}\n\n{candidate.sentence}\n", f"e{number}.txt",
                                         published=date(2022, 1, 1), published_source="option")
                store.save_document(conn, document, [candidate], now=NOW)
        placed_queries = (store._SQLITE_PLACED, store._PLACED)
        assert "INDEXED BY ix_events_placed_type_date_end" in placed_queries[0]
        with engine.connect() as conn:
            cur = store._Cursor(conn)
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + cur.sql(placed_queries[0])[0],
                                        ("meeting", "2021-01-01", "2021-12-31", "2021-06-01")).all()
            assert any("ix_events_placed_type_date_end" in row[-1] for row in plan)
            returned = []
            for _ in range(40):
                start = date(2021, rng.randrange(1, 13), rng.randrange(1, 29))
                params = {"event_type": rng.choice(["meeting", "attack"]), "lookback": cur.date(start - store.LOOKBACK),
                          "date_start": cur.date(start), "date_end": cur.date(start + timedelta(days=rng.choice([0, 2, 30])))}
                found = [cur.run(query + store._TAIL, params).fetchall() for query in placed_queries]
                assert found[0] == found[1]
                returned.append(len(found[0]))
    finally:
        engine.dispose()
    assert max(returned) >= 3 and returned.count(0) >= 1


def test_a_planned_event_that_a_later_report_says_took_place_becomes_past(db_url: str) -> None:
    # "India and the US will hold talks next week", then "India and the US held talks on Tuesday".
    week = dict(date_start=date(2021, 10, 25), date_end=date(2021, 10, 31), date_precision="week", date_value=None)
    planned = replace(BASE, title="India and United States hold talks (planned)", status="planned", **week)
    save(db_url, 1, replace(planned, sentence="They will hold talks next week."))
    held = replace(BASE, sentence="They held talks on Tuesday.", date_start=date(2021, 10, 26),
                   date_end=date(2021, 10, 26), date_precision="day", date_value=None)
    result = save(db_url, 2, held)
    assert result.events_merged == 1
    assert query_rows(db_url, "SELECT status, title FROM events") == [("past", "India and United States hold talks")]
    # The day of the report replaces the week of the plan (a more precise date).
    assert query_rows(db_url, "SELECT t.title, t.date_precision, t.date_start = t.date_end FROM v_timeline t") == [
        ("India and United States hold talks", "day", True)]
    (reason,) = query_rows(db_url, "SELECT merge_reason FROM event_sources WHERE merge_reason IS NOT NULL")[0]
    assert reason.endswith("; the planned event took place")
    # Another plan of the same talks, reported after they took place, changes nothing.
    save(db_url, 3, replace(planned, sentence="They were to hold talks that week."))
    assert query_rows(db_url, "SELECT status, title FROM events") == [("past", "India and United States hold talks")]


def test_a_curated_planned_event_stays_as_corrected(db_url: str) -> None:
    week = dict(date_start=date(2021, 10, 25), date_end=date(2021, 10, 31), date_precision="week", date_value=None)
    save(db_url, 1, replace(BASE, title="Talks (planned)", status="planned", sentence="Talks next week.", **week))
    engine = timeline.open_db(db_url)
    try:
        with engine.begin() as conn:
            curation.correct_event(conn, 1, {"title": "Talks planned by the ministries"}, now=NOW)
    finally:
        engine.dispose()
    save(db_url, 2, replace(BASE, sentence="They held talks on Tuesday.", date_start=date(2021, 10, 26),
                            date_end=date(2021, 10, 26), date_precision="day", date_value=None))
    assert query_rows(db_url, "SELECT status, title, curated FROM events") == [
        ("planned", "Talks planned by the ministries", True)]
