"""Filters: what each one matches on both backends, its bound parameters, and the window conditions."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import timeline
from conftest import ROOT, pg_database, query_rows
from timeline import store
from timeline.cli import cli
from timeline.errors import ConfigError
from timeline.filters import Filters, make_filters, where_clause
from timeline.records import ActorRef, EventCandidate, PlaceRef
from timeline.sources import make_document

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def synthetic_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('filters') / 'synthetic.db'}"
    generate(url, 3000, seed=11, years=20)
    return url


@pytest.fixture(scope="module")
def synthetic_pg(pg_url: str) -> Iterator[str]:
    """The same synthetic events in a PostgreSQL database of their own."""
    with pg_database(pg_url, "tl_filters") as url:
        generate(url, 3000, seed=11, years=20)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def synthetic_any(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"synthetic_{'sqlite' if request.param == 'sqlite' else 'pg'}"))


def _ids(url: str, condition: str, params: dict) -> list[int]:
    sql = f"SELECT t.event_id FROM v_timeline t WHERE {condition} ORDER BY t.event_id"
    return [row[0] for row in query_rows(url, sql, params)]


def test_the_window_index_condition_finds_exactly_the_overlapping_events(synthetic_any: str) -> None:
    dialect = make_url(synthetic_any).get_backend_name()
    rng = random.Random(5)
    (first,), = query_rows(synthetic_any, "SELECT min(date_start) FROM events")
    start = date.fromisoformat(str(first))
    windows = [(start, start), (start + timedelta(days=7300), None)]
    for _ in range(30):
        low = start + timedelta(days=rng.randrange(0, 7300))
        windows.append((low, low + timedelta(days=rng.choice([0, 6, 30, 90, 365]))))
    for low, high in windows:
        filters = make_filters(date_from=low, date_to=high)
        portable = _ids(synthetic_any, *where_clause(filters))
        indexed = _ids(synthetic_any, *where_clause(filters, dialect=dialect))
        assert indexed == portable, (low, high)
    assert any(_ids(synthetic_any, *where_clause(make_filters(date_from=low, date_to=high))) for low, high in windows)


def test_a_postgresql_period_is_answered_by_the_period_index(synthetic_pg: str) -> None:
    condition, params = where_clause(make_filters(date(2015, 3, 1), date(2015, 3, 31)), dialect="postgresql")
    engine = create_engine(synthetic_pg)
    try:
        with engine.connect() as conn:
            # A 3000-event table is small enough for a sequential scan to win; ask for the index's plan.
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(row[0] for row in conn.execute(
                text(f"EXPLAIN SELECT t.event_id FROM v_timeline t WHERE {condition}"), params))
    finally:
        engine.dispose()
    assert "ix_events_period" in plan, plan


PERIODS = [(None, None), (date(2021, 8, 1), date(2021, 10, 31)), (date(2021, 10, 27), None),
           (None, date(2019, 12, 31)), (date(2017, 6, 1), date(2017, 6, 1))]


def _actor_ids(url: str, actor: str) -> list[int]:
    """The actors --actor names, worked out in Python: an exact name or alias in any case, else a substring."""
    names = query_rows(url, "SELECT id, name FROM actors UNION ALL SELECT actor_id, alias FROM actor_aliases")
    wanted = actor.casefold()
    exact = {actor_id for actor_id, name in names if name.casefold() == wanted}
    return sorted(exact or {actor_id for actor_id, name in names if wanted in name.casefold()})


def _reference(url: str, actor: str, low: date | None, high: date | None) -> tuple[str, dict]:
    condition, params = where_clause(make_filters(date_from=low, date_to=high))
    ids = ", ".join(map(str, _actor_ids(url, actor))) or "NULL"
    events = f"t.event_id IN (SELECT ea.event_id FROM event_actors ea WHERE ea.actor_id IN ({ids}))"
    return f"{events} AND {condition}", params


@pytest.mark.parametrize("actor", ["india", "UNITED", "blinken", "ISIL", "u.s.", "sco", "US", "us", "jaish",
                                   "Russia", "zz-nobody", "_", "%", "u_s"])
def test_actor_filter_matches_a_name_or_alias_exactly_else_as_a_substring_in_any_case(seeded_db: str,
                                                                                      actor: str) -> None:
    dialect = seeded_db.split(":", 1)[0].split("+", 1)[0]
    for low, high in PERIODS:
        expected = _ids(seeded_db, *_reference(seeded_db, actor, low, high))
        for spelling in (None, dialect):
            filters = make_filters(date_from=low, date_to=high, actor=actor)
            assert _ids(seeded_db, *where_clause(filters, dialect=spelling)) == expected, (actor, low, high, spelling)
    if actor not in ("zz-nobody", "_", "%", "u_s"):
        assert _ids(seeded_db, *_reference(seeded_db, actor, None, None)), f"{actor!r} should match some seed event"


def _actor_events(url: str, name: str) -> set[int]:
    return {event_id for (event_id,) in query_rows(url, "SELECT event_id FROM v_event_actors WHERE actor = :name",
                                                    {"name": name})}


def test_an_exact_alias_selects_its_actor_only_and_a_part_of_a_name_still_finds_it(seeded_db: str) -> None:
    engine = timeline.open_db(seeded_db, read_only=True)
    try:
        found = {value: {row["event_id"] for row in timeline.list_events(engine, make_filters(actor=value))}
                 for value in ("US", "u.s.", "United States", "jaish")}
    finally:
        engine.dispose()
    united_states = _actor_events(seeded_db, "United States")
    # "us" is also in "Russia" and "Patrushev": the alias US names the United States alone.
    assert found["US"] == found["u.s."] == found["United States"] == united_states
    assert _actor_events(seeded_db, "Russia") - united_states, "the seeds should have events of Russia alone"
    # No actor is called "jaish": every actor whose name or alias holds it.
    assert found["jaish"] == _actor_events(seeded_db, "S. Jaishankar") | _actor_events(seeded_db, "Jaish-e-Mohammed")
    assert _actor_events(seeded_db, "S. Jaishankar")


def test_actor_and_period_through_event_actor_dates_find_the_same_events(synthetic_sqlite: str) -> None:
    rng = random.Random(9)
    names = [name for (name,) in query_rows(synthetic_sqlite, "SELECT name FROM actors ORDER BY id")]
    (first,), = query_rows(synthetic_sqlite, "SELECT min(date_start) FROM events")
    start = date.fromisoformat(str(first))
    found = 0
    for _ in range(30):
        actor = rng.choice(names)[1:7]
        low = start + timedelta(days=rng.randrange(0, 7300))
        high = low + timedelta(days=rng.choice([0, 6, 30, 90, 365]))
        expected = _ids(synthetic_sqlite, *_reference(synthetic_sqlite, actor, low, high))
        assert _ids(synthetic_sqlite, *where_clause(make_filters(low, high, actor=actor), dialect="sqlite")) == expected
        found += len(expected)
    assert found > 0


def test_filter_values_are_bound_never_interpolated() -> None:
    hostile = "x' OR 1=1 --"
    for dialect in (None, "sqlite", "postgresql"):
        filters = make_filters(date_from=date(2021, 1, 1), actor=hostile, place=hostile, text=hostile, types=["meeting"])
        condition, params = where_clause(filters, dialect=dialect)
        assert hostile not in condition and hostile.lower() not in condition
        assert params["f_actor"] == f"%{hostile.lower()}%"
        assert params["f_type0"] == "meeting"


def test_unknown_types_and_reversed_periods_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown"):
        make_filters(types=["party"])
    with pytest.raises(ConfigError, match="after"):
        make_filters(date_from=date(2021, 2, 1), date_to=date(2021, 1, 1))


def test_describe_names_every_active_filter() -> None:
    text = make_filters(date_from=date(2021, 1, 1), types=["meeting"], actor="India").describe()
    assert text == "from 2021-01-01; type meeting; actor “India”"
    assert make_filters(text="Taliban").describe() == "text “Taliban”"
    assert make_filters(text=" Taliban  Kabul talks ").describe() == "text “Taliban”, “Kabul” and “talks”"
    assert make_filters().describe() == "all events"


def test_text_of_spaces_only_is_no_filter() -> None:
    assert make_filters(text="  \t ") == Filters()


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _candidate(day: int, title: str, summary: str, actors: tuple[ActorRef, ...],
               place: PlaceRef | None = None) -> EventCandidate:
    # A day of its own and actors of its own each, so that no two of them are taken for one event.
    return EventCandidate(event_type="statement", title=title, summary=summary, sentence=summary, char_start=0,
                          char_end=len(summary), date_start=date(2021, 3, day), date_end=date(2021, 3, day),
                          date_precision="day", place=place, actors=actors)


# Words and names that SQLite's lower() does not fold, and text holding LIKE's wildcards and escape.
UNUSUAL = {
    "ocalan": _candidate(1, "Öcalan's lawyers hold talks in Łódź",
                         "Lawyers of Abdullah Öcalan met Polish officials on Monday.",
                         (ActorRef("Abdullah Öcalan", "person", aliases=("Öcalan",)),),
                         PlaceRef("Łódź", "Poland", "PL")),
    "lavrov": _candidate(5, "Лавров makes statement", "Сергей Лавров spoke in Москва.",
                         (ActorRef("Сергей Лавров", "person", aliases=("Лавров",)),), PlaceRef("Москва", "Россия")),
    "snake_case": _candidate(9, "Naming rule", "The snake_case rule stays and the tariff cut is 50% from May.",
                             (ActorRef("Snake_Case Committee", "organisation"),)),
    "snakeXcase": _candidate(13, "Tariff talks", "About the 50 tariff cut in snakeXcase style.",
                             (ActorRef("SnakeXCase Committee", "organisation"),)),
    "backslash": _candidate(17, "Path note", "A share named C:\\temp was opened.",
                            (ActorRef("Path Office", "organisation"),)),
}


@pytest.fixture
def unusual_db(db_url: str) -> dict[str, int]:
    """The UNUSUAL events stored as ingest stores them, on each backend; their ids by key."""
    engine = timeline.open_db(db_url)
    try:
        for number, candidate in enumerate(UNUSUAL.values()):
            document = make_document(f"Report {number}\n\n{candidate.sentence}\n", f"doc{number}.txt",
                                     published=date(2021, 3, 28), published_source="option")
            with engine.begin() as conn:
                store.save_document(conn, document, [candidate], now=NOW)
    finally:
        engine.dispose()
    ids = dict(query_rows(db_url, "SELECT title, event_id FROM v_timeline"))
    assert len(ids) == len(UNUSUAL)
    return {key: ids[candidate.title] for key, candidate in UNUSUAL.items()}


def _listed(url: str, **filters: str) -> list[int]:
    """The ids `timeline events` lists for the filters, through the API on a read-only engine as the CLI opens it."""
    engine = timeline.open_db(url, read_only=True)
    try:
        return sorted(row["event_id"] for row in timeline.list_events(engine, make_filters(**filters)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("field, value, key", [
    ("text", "Öcalan", "ocalan"), ("text", "öcalan", "ocalan"), ("text", "ÖCALAN", "ocalan"),
    ("text", "öCALAn", "ocalan"), ("text", "ŁÓDŹ", "ocalan"), ("text", "лавров", "lavrov"),
    ("text", "СЕРГЕЙ", "lavrov"), ("place", "Łódź", "ocalan"), ("place", "łódź", "ocalan"),
    ("place", "ŁÓDŹ", "ocalan"), ("place", "ÓDŹ", "ocalan"), ("place", "москва", "lavrov"),
    ("place", "РОССИЯ", "lavrov"), ("actor", "öcalan", "ocalan"), ("actor", "ÖCALAN", "ocalan"),
    ("actor", "abdullah ö", "ocalan"), ("actor", "ЛАВРОВ", "lavrov"), ("actor", "сергей", "lavrov"),
    ("text", "O\u0308CALAN", "ocalan"),  # decomposed, as some keyboards type it; stored text is NFC
], ids=lambda value: str(value))
def test_text_place_and_actor_match_non_ascii_letters_in_any_case(unusual_db: dict[str, int], db_url: str,
                                                                   field: str, value: str, key: str) -> None:
    assert _listed(db_url, **{field: value}) == [unusual_db[key]]


def test_events_finds_a_non_ascii_word_in_another_case_from_the_command_line(unusual_db: dict[str, int],
                                                                             db_url: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["events", "--text", "ÖCALAN", "--place", "łódź", "--format", "json", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert [row["event_id"] for row in json.loads(result.output)] == [unusual_db["ocalan"]]


@pytest.mark.parametrize("field, value, keys", [
    ("text", "snake_case", ["snake_case"]), ("text", "50%", ["snake_case"]), ("text", "%", ["snake_case"]),
    ("text", "_", ["snake_case"]), ("text", "C:\\temp", ["backslash"]), ("text", "\\", ["backslash"]),
    ("text", "snakeXcase", ["snakeXcase"]), ("text", "50 tariff", ["snakeXcase", "snake_case"]),
    ("place", "%", []), ("place", "_", []), ("actor", "%", []), ("actor", "_", ["snake_case"]),
    ("actor", "snake_c", ["snake_case"]),
])
def test_like_wildcards_in_a_value_are_taken_literally(unusual_db: dict[str, int], db_url: str, field: str,
                                                       value: str, keys: list[str]) -> None:
    assert _listed(db_url, **{field: value}) == sorted(unusual_db[key] for key in keys)


def test_text_words_may_each_be_in_the_title_or_the_summary(unusual_db: dict[str, int], db_url: str) -> None:
    # "talks" is only in the title, "Polish" and "Monday" only in the summary.
    assert _listed(db_url, text="talks Polish  monday") == [unusual_db["ocalan"]]
    assert _listed(db_url, text="talks Москва") == []


@pytest.mark.parametrize("words", ["Taliban Afghanistan", "taliban   RESOLUTION", "Afghanistan", "India talks",
                                   "Taliban zz-nothing", "the the"])
def test_text_matches_events_holding_every_word(seeded_db: str, words: str) -> None:
    rows = query_rows(seeded_db, "SELECT event_id, title, summary FROM v_timeline")
    expected = sorted(event_id for event_id, title, summary in rows
                      if all(word.casefold() in title.casefold() or word.casefold() in (summary or "").casefold()
                             for word in words.split()))
    assert _listed(seeded_db, text=words) == expected
    if words in ("Taliban Afghanistan", "taliban   RESOLUTION"):
        assert expected, f"{words!r} should match some seed event"
