"""Curation on the seeded database, both backends: correct, merge, split, delete; curated events survive re-ingest."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

import timeline
from conftest import TODAY, ingest_seeds, query_rows
from timeline import curation, db
from timeline.cli import cli
from timeline.cli_curate import parse_date_option
from timeline.errors import ConfigError

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# The 26-27 October 2021 joint working group, reported by seeds 001 and 002.
JWG = "SELECT event_id FROM v_timeline WHERE event_type = 'meeting' AND date_start = '2021-10-26'"
# A further report of that meeting, published after the seeds.
LATER_REPORT = (
    "India, US review counterterrorism cooperation\n\n"
    "Officials of India and the United States held counterterrorism talks in Washington on October 26 and 27, "
    "the State Department said in a note published on Monday.\n"
)


def one(url: str, sql: str, params: dict[str, Any] | None = None) -> Any:
    found = query_rows(url, sql, params)
    assert len(found) == 1, found
    return found[0][0]


def event_row(url: str, event_id: int) -> dict[str, Any]:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT e.event_type, e.cameo_code, e.title, e.summary, e.date_start, e.date_end, e.date_precision,"
                    " e.date_approximate, e.date_reason, e.place_id, e.curated FROM events e WHERE e.id = :id"
                ),
                {"id": event_id},
            ).mappings().one()
            return {key: (str(value) if isinstance(value, date) else value) for key, value in row.items()}
    finally:
        engine.dispose()


def write(url: str, action: Any) -> Any:
    engine = timeline.open_db(url)
    try:
        with engine.begin() as conn:
            return action(conn)
    finally:
        engine.dispose()


def ingest_text(url: str, folder: Path, body: str, published: date, name: str = "later.txt") -> int:
    """Ingest `body` as the file `name` in `folder`; its document id."""
    path = folder / name
    path.write_text(body, encoding="utf-8")
    engine = timeline.open_db(url)
    try:
        timeline.ingest(engine, [path], published=published, today=TODAY)
    finally:
        engine.dispose()
    return int(one(url, "SELECT id FROM documents WHERE uri LIKE :u", {"u": f"%{name}"}))


def sources_of(url: str, event_id: int) -> list[tuple[Any, ...]]:
    return query_rows(
        url,
        "SELECT document_id, char_start, merge_reason FROM event_sources WHERE event_id = :id ORDER BY id",
        {"id": event_id},
    )


# -- correct -------------------------------------------------------------------------------------


def test_correcting_an_event_marks_it_curated_and_sql_users_see_it(seeded_db: str, runner: CliRunner) -> None:
    event_id = one(seeded_db, JWG)
    result = runner.invoke(cli, ["event", "correct", str(event_id), "--title", "18th India-US CT JWG",
                                 "--type", "agreement", "--place", "Washington", "--db", seeded_db])
    assert result.exit_code == 0, result.output
    assert f"event {event_id}: corrected" in result.output
    row = event_row(seeded_db, event_id)
    assert row["title"] == "18th India-US CT JWG"
    assert row["curated"] is True or row["curated"] == 1
    assert (row["event_type"], row["cameo_code"]) == ("agreement", "05")  # the type's CAMEO root follows
    assert one(seeded_db, "SELECT place FROM v_timeline WHERE event_id = :id", {"id": event_id}) == "Washington"
    curated = runner.invoke(cli, ["sql", "SELECT id FROM events WHERE curated ORDER BY id", "--format", "csv",
                                  "--db", seeded_db])
    assert curated.exit_code == 0, curated.output
    assert curated.output.split() == ["id", str(event_id)]


def test_a_corrected_place_comes_from_the_gazetteer_and_the_message_names_what_was_given(
    seeded_db: str, runner: CliRunner
) -> None:
    event_id = one(seeded_db, JWG)
    result = runner.invoke(cli, ["event", "correct", str(event_id), "--place", "kabul", "--db", seeded_db])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"event {event_id}: corrected place; curated"
    assert one(seeded_db, "SELECT place || '/' || country FROM v_timeline WHERE event_id = :id",
               {"id": event_id}) == "Kabul/Afghanistan"  # not a new place 'kabul' with no country
    unknown = runner.invoke(cli, ["event", "correct", str(event_id), "--place", "Camp Nowhere", "--db", seeded_db])
    assert unknown.exit_code == 0, unknown.output
    assert one(seeded_db, "SELECT place FROM v_timeline WHERE event_id = :id", {"id": event_id}) == "Camp Nowhere"
    precision = runner.invoke(cli, ["event", "correct", str(event_id), "--precision", "day", "--db", seeded_db])
    assert precision.output.strip() == f"event {event_id}: corrected precision; curated"
    # --date alone sets the precision it implies, but the message names what was given.
    dated = runner.invoke(cli, ["event", "correct", str(event_id), "--date", "2021-10", "--db", seeded_db])
    assert dated.output.strip() == f"event {event_id}: corrected date; curated"


@pytest.mark.parametrize("again", ["Östra Camp", "östra camp", "ÖSTRA CAMP", "O\u0308stra Camp"])
def test_a_corrected_place_not_in_the_gazetteer_is_found_again_in_any_case_in_any_alphabet(
    seeded_db: str, runner: CliRunner, again: str
) -> None:
    # SQLite's lower() folds ASCII letters only; the same stored place on both backends.
    first, second = [row[0] for row in query_rows(seeded_db, "SELECT event_id FROM v_timeline ORDER BY event_id")][:2]
    made = runner.invoke(cli, ["event", "correct", str(first), "--place", "Östra Camp", "--db", seeded_db])
    assert made.exit_code == 0, made.output
    found = runner.invoke(cli, ["event", "correct", str(second), "--place", again, "--db", seeded_db])
    assert found.exit_code == 0, found.output
    assert event_row(seeded_db, second)["place_id"] == event_row(seeded_db, first)["place_id"]
    assert query_rows(seeded_db, "SELECT name FROM places WHERE name LIKE '%stra Camp'") == [("Östra Camp",)]


def test_correcting_the_date_sets_span_precision_and_reason(seeded_db: str, runner: CliRunner) -> None:
    event_id = one(seeded_db, JWG)
    result = runner.invoke(cli, ["event", "correct", str(event_id), "--date", "2021-10", "--approximate",
                                 "--db", seeded_db])
    assert result.exit_code == 0, result.output
    row = event_row(seeded_db, event_id)
    assert (row["date_start"], row["date_end"], row["date_precision"]) == ("2021-10-01", "2021-10-31", "month")
    assert bool(row["date_approximate"]) and row["date_reason"] == curation.HAND_REASON
    result = runner.invoke(cli, ["event", "correct", str(event_id), "--date", "none", "--db", seeded_db])
    assert result.exit_code == 0, result.output
    row = event_row(seeded_db, event_id)
    assert (row["date_start"], row["date_end"], row["date_precision"]) == (None, None, None)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-10-26", (date(2021, 10, 26), date(2021, 10, 26), "day")),
        ("2021-10-26..2021-10-27", (date(2021, 10, 26), date(2021, 10, 27), "day")),
        ("2021-02", (date(2021, 2, 1), date(2021, 2, 28), "month")),
        ("2017", (date(2017, 1, 1), date(2017, 12, 31), "year")),
        ("2021-08..2021-09", (date(2021, 8, 1), date(2021, 9, 30), "month")),
    ],
    ids=["day", "day-span", "month", "year", "month-span"],
)
def test_date_option_forms(value: str, expected: tuple[date, date, str]) -> None:
    assert parse_date_option(value) == expected


@pytest.mark.parametrize("value", ["26 October", "2021-10-27..2021-10-26", "2021-13"], ids=["words", "reversed", "month-13"])
def test_a_bad_date_option_is_a_usage_error(value: str) -> None:
    with pytest.raises(ConfigError):
        parse_date_option(value)


def test_correct_validates_vocabularies_and_changes_nothing_on_error(seeded_db: str) -> None:
    event_id = one(seeded_db, JWG)
    before = event_row(seeded_db, event_id)
    for fields in ({"type": "party"}, {"date_precision": "fortnight"}, {"title": "  "}, {"colour": "red"},
                   {"date_start": date(2021, 10, 27), "date_end": date(2021, 10, 26)}):
        with pytest.raises(ConfigError, match=f"event {event_id}"):
            write(seeded_db, lambda conn, f=fields: curation.correct_event(conn, event_id, f, now=NOW))
    assert event_row(seeded_db, event_id) == before


# Event JWG is 2021-10-26..2021-10-27, precision day. Each correction contradicts itself.
@pytest.mark.parametrize(
    "args, message",
    [
        (["--precision", "month"], "precision month does not fit the date 2021-10-26..2021-10-27: month needs whole months"),
        (["--precision", "week"], "precision week does not fit the date 2021-10-26..2021-10-27: week needs whole weeks, Monday"),
        (["--date", "2021-10", "--precision", "day"], "precision day is finer than --date '2021-10' (2021-10-01..2021-10-31"),
        (["--date", "2021", "--precision", "quarter"], "write the date in months: 2021-01..2021-12"),
        (["--date", "2021-10-01..2021-10-31", "--precision", "week"], "2021-10-01..2021-10-31: week needs"),
        (["--date", "2021-10..2021-12", "--precision", "season"], "2021-10-01..2021-12-31: season needs whole seasons"),
        (["--date", "2021-01..2021-02", "--precision", "quarter"], "2021-01-01..2021-02-28: quarter needs"),
        (["--date", "2021", "--precision", "decade"], "2021-01-01..2021-12-31: decade needs whole decades"),
        (["--date", "0601..0700", "--precision", "century"], "0601-01-01..0700-12-31: century needs"),
        (["--date", "none", "--precision", "year"], "precision year needs a date"),
    ],
    ids=["month-on-days", "week-on-days", "day-on-month", "quarter-on-year", "week-not-monday", "season-on-quarter",
         "quarter-of-two-months", "decade-on-year", "century-from-1", "precision-undated"],
)
def test_a_precision_the_dates_do_not_fit_is_refused_and_nothing_changes(
    seeded_db: str, runner: CliRunner, args: list[str], message: str
) -> None:
    event_id = one(seeded_db, JWG)
    before = event_row(seeded_db, event_id)
    result = runner.invoke(cli, ["event", "correct", str(event_id), *args, "--title", "Talks", "--db", seeded_db])
    assert result.exit_code == 2, result.output
    assert f"timeline: event {event_id}: " in result.output and message in result.output, result.output
    assert "corrected" not in result.output
    assert event_row(seeded_db, event_id) == before


@pytest.mark.parametrize(
    "args, stored",
    [
        (["--precision", "day"], ("2021-10-26", "2021-10-27", "day")),
        (["--date", "2021-10-01..2021-10-31", "--precision", "day"], ("2021-10-01", "2021-10-31", "day")),
        (["--date", "2021-10-25..2021-11-07", "--precision", "week"], ("2021-10-25", "2021-11-07", "week")),
        (["--date", "2021-10", "--precision", "month"], ("2021-10-01", "2021-10-31", "month")),
        (["--date", "2021-10..2021-12", "--precision", "quarter"], ("2021-10-01", "2021-12-31", "quarter")),
        (["--date", "2021-12..2022-02", "--precision", "season"], ("2021-12-01", "2022-02-28", "season")),
        (["--date", "2021-10", "--precision", "year"], None),
        (["--date", "2020..2029", "--precision", "decade"], ("2020-01-01", "2029-12-31", "decade")),
        (["--date", "0600..0699", "--precision", "century"], ("0600-01-01", "0699-12-31", "century")),
        (["--date", "9999-12"], ("9999-12-01", "9999-12-31", "month")),
    ],
    ids=["day", "days-of-a-month", "two-weeks", "month", "quarter", "winter", "year-on-month", "decade", "century",
         "last-month"],
)
def test_a_precision_that_fits_the_dates_is_stored(
    seeded_db: str, runner: CliRunner, args: list[str], stored: tuple[str, str, str] | None
) -> None:
    event_id = one(seeded_db, JWG)
    result = runner.invoke(cli, ["event", "correct", str(event_id), *args, "--db", seeded_db])
    if stored is None:  # a month is no whole year: coarser than the date, but not made of its units
        assert result.exit_code == 2 and "year needs whole years" in result.output, result.output
        return
    assert result.exit_code == 0, result.output
    row = event_row(seeded_db, event_id)
    # Dates before the year 1000 come back as 4-digit ISO text on both backends.
    assert (row["date_start"].zfill(10), row["date_end"].zfill(10), row["date_precision"]) == stored
    named = "date, precision" if "--precision" in args and "--date" in args else args[0].removeprefix("--")
    assert result.output == f"event {event_id}: corrected {named}; curated\n"


def test_a_precision_for_an_undated_event_needs_a_date_and_stores_nothing(seeded_db: str, runner: CliRunner) -> None:
    event_id = one(seeded_db, "SELECT min(id) FROM events WHERE date_start IS NULL")
    before = event_row(seeded_db, event_id)
    result = runner.invoke(cli, ["event", "correct", str(event_id), "--precision", "year", "--db", seeded_db])
    assert result.exit_code == 2, result.output
    assert result.output == (f"timeline: event {event_id}: precision year needs a date, and the event would be "
                             "undated: give the date with it (--date)\n")
    assert event_row(seeded_db, event_id) == before and not before["curated"]
    with pytest.raises(ConfigError, match=f"event {event_id}: precision year needs a date"):
        write(seeded_db, lambda conn: curation.correct_event(conn, event_id, {"date_precision": "year"}, now=NOW))
    dated = runner.invoke(cli, ["event", "correct", str(event_id), "--date", "2021", "--precision", "year",
                                "--db", seeded_db])
    assert dated.exit_code == 0, dated.output
    assert event_row(seeded_db, event_id)["date_precision"] == "year"


@pytest.mark.parametrize(
    "start, end, precision, fits",
    [
        (date(2021, 10, 26), date(2021, 10, 27), "day", True),
        (date(2021, 10, 25), date(2021, 10, 31), "week", True),
        (date(2021, 10, 26), date(2021, 11, 1), "week", False),
        (date(2024, 2, 1), date(2024, 2, 29), "month", True),
        (date(2024, 2, 1), date(2024, 2, 28), "month", False),
        (date(2021, 4, 1), date(2021, 9, 30), "quarter", True),
        (date(2021, 12, 1), date(2022, 2, 28), "season", True),
        (date(2021, 1, 1), date(2021, 3, 31), "season", False),
        (date(2017, 1, 1), date(2018, 12, 31), "year", True),
        (date(1, 1, 1), date(9, 12, 31), "decade", True),
        (date(1990, 1, 1), date(1999, 12, 31), "decade", True),
        (date(1991, 1, 1), date(2000, 12, 31), "decade", False),
        (date(1, 1, 1), date(99, 12, 31), "century", True),
        (date(9900, 1, 1), date(9999, 12, 31), "century", True),
        (date(601, 1, 1), date(700, 12, 31), "century", False),
    ],
    ids=["days", "week", "week-from-tuesday", "leap-february", "february-less-a-day", "two-quarters", "winter",
         "spring-from-january", "two-years", "first-decade", "nineties", "decade-from-1", "first-century",
         "last-century", "century-from-1"],
)
def test_precision_fits_whole_units_as_the_extractor_spans_them(start: date, end: date, precision: str,
                                                                 fits: bool) -> None:
    assert curation.precision_fits(start, end, precision) is fits


def test_unknown_event_ids_are_usage_errors_naming_the_id(seeded_db: str, runner: CliRunner) -> None:
    for args in (["show", "9999"], ["correct", "9999", "--title", "x"], ["merge", "9999", "1"],
                 ["split", "9999", "--document", "1"], ["delete", "9999"]):
        result = runner.invoke(cli, ["event", *args, "--db", seeded_db])
        assert result.exit_code == 2, (args, result.output)
        assert "9999" in result.output, args
    with pytest.raises(curation.UnknownEvent, match="9999"):
        write(seeded_db, lambda conn: curation.delete_event(conn, 9999))
    nothing = runner.invoke(cli, ["event", "correct", "1", "--db", seeded_db])
    assert nothing.exit_code == 2 and "nothing to correct" in nothing.output


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "call, curated_after",
    [
        ("correct_event(conn, {jwg}, {{'title': 'Checked'}}, now=NOW)", 1),
        ("set_curated_fields(conn, {jwg}, {{'title': 'Checked'}}, now=NOW)", 1),
        ("merge_events(conn, {jwg}, [{other}], now=NOW)", 1),
        ("split_event(conn, {jwg}, None, NOW, source_ids=[{first_source}])", 1),
        ("delete_event(conn, {jwg})", 0),
    ],
    ids=["correct", "set-curated-fields", "merge", "split", "delete"],
)
def test_each_curation_function_works_in_a_new_process_that_imported_nothing_else(
    seeded_db: str, call: str, curated_after: int
) -> None:
    # In a new process: within this one, another test has long since loaded the models. When store
    # bound its tables on first use, a function that forgot to bind them failed only there.
    jwg = one(seeded_db, JWG)
    other = one(seeded_db, "SELECT event_id FROM v_timeline WHERE event_type = 'meeting' AND date_start = '2022-08-04'")
    first_source = one(seeded_db, "SELECT min(id) FROM event_sources WHERE event_id = :id", {"id": jwg})
    probe = (
        "from datetime import UTC, datetime\n"
        "from timeline import curation, db\n"
        "NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)\n"
        f"engine = db.open_engine({seeded_db!r})\n"
        "with engine.begin() as conn:\n"
        f"    curation.{call.format(jwg=jwg, other=other, first_source=first_source)}\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert one(seeded_db, "SELECT count(*) FROM events WHERE id = :id AND curated", {"id": jwg}) == curated_after


# -- curated events survive re-ingest ------------------------------------------------------------


def test_reingesting_never_overwrites_a_curated_event_and_new_sources_still_attach(
    seeded_db: str, tmp_path: Path
) -> None:
    event_id = one(seeded_db, JWG)
    # A coarser date than the articles give: a later, exact report must not "refine" it.
    fields = {"title": "JWG (corrected)", "summary": "Checked by hand.", "date_start": date(2021, 10, 1),
              "date_end": date(2021, 10, 31), "date_precision": "month"}
    write(seeded_db, lambda conn: curation.correct_event(conn, event_id, fields, now=NOW))
    corrected = event_row(seeded_db, event_id)
    sources_before = sources_of(seeded_db, event_id)
    events_before = one(seeded_db, "SELECT count(*) FROM events")

    ingest_seeds(seeded_db)  # the same texts: nothing changes
    assert event_row(seeded_db, event_id) == corrected
    assert sources_of(seeded_db, event_id) == sources_before
    assert one(seeded_db, "SELECT count(*) FROM events") == events_before

    ingest_text(seeded_db, tmp_path, LATER_REPORT, date(2021, 11, 1))
    assert event_row(seeded_db, event_id) == corrected
    added = sources_of(seeded_db, event_id)[len(sources_before):]
    assert added, "the new report of the curated meeting did not attach to it"
    assert all("curated event kept as corrected" in reason for _doc, _start, reason in added)


def test_an_uncurated_event_takes_the_more_precise_date_of_a_later_report(seeded_db: str) -> None:
    # Resolution 2593: "(2021)" in seed 001, "adopted in August" in 002 → August 2021 (issue 4, done when).
    found = query_rows(seeded_db, "SELECT date_start, date_end, date_precision FROM v_timeline "
                            "WHERE event_type = 'resolution' AND title LIKE '%2593%'")
    assert [(str(a), str(b), p) for a, b, p in found] == [("2021-08-01", "2021-08-31", "month")]
    reasons = query_rows(seeded_db, "SELECT s.merge_reason FROM event_sources s JOIN v_timeline t ON t.event_id = s.event_id"
                              " WHERE t.title LIKE '%2593%' AND s.merge_reason LIKE '%refined%'")
    assert reasons and "from 2021-01-01..2021-12-31 year" in reasons[0][0]


# -- merge, split, delete ------------------------------------------------------------------------


def test_merge_moves_sources_and_actors_records_the_reason_and_deletes_the_others(
    seeded_db: str, runner: CliRunner
) -> None:
    # The seeds mention the 26/11 Mumbai attack twice, undated, with no actors: two events.
    attacks = [row[0] for row in query_rows(seeded_db, "SELECT event_id FROM v_timeline WHERE event_type = 'attack' "
                                                 "AND place = 'Mumbai' ORDER BY event_id")]
    assert len(attacks) >= 2
    keep, others = attacks[0], attacks[1:]
    moving = sum(len(sources_of(seeded_db, other)) for other in others)
    kept_before = len(sources_of(seeded_db, keep))
    actors_expected = {row for event in attacks for row in query_rows(
        seeded_db, "SELECT actor, role FROM v_event_actors WHERE event_id = :id", {"id": event})}

    result = runner.invoke(cli, ["event", "merge", str(keep), *map(str, others), "--reason", "the 26/11 attack",
                                 "--db", seeded_db])
    assert result.exit_code == 0, result.output
    assert f"event {keep}: merged" in result.output
    for other in others:
        assert query_rows(seeded_db, "SELECT id FROM events WHERE id = :id", {"id": other}) == []
    assert len(sources_of(seeded_db, keep)) == kept_before + moving
    # SQL users see why: SELECT merge_reason FROM event_sources.
    reasons = sorted(row[0] for row in query_rows(seeded_db, "SELECT merge_reason FROM event_sources WHERE event_id = :id "
                                                       "AND merge_reason IS NOT NULL", {"id": keep}))
    assert len(reasons) == moving
    assert all(r.startswith("merged by hand from event ") and ": the 26/11 attack" in r for r in reasons)
    assert set(query_rows(seeded_db, "SELECT actor, role FROM v_event_actors WHERE event_id = :id", {"id": keep})) == actors_expected
    assert event_row(seeded_db, keep)["curated"] in (True, 1)
    documents = {doc for doc, _start, _reason in sources_of(seeded_db, keep)}
    assert one(seeded_db, "SELECT source_count FROM v_timeline WHERE event_id = :id", {"id": keep}) == len(documents)


def test_merging_events_with_actors_unites_their_actor_links(seeded_db: str) -> None:
    keep = one(seeded_db, JWG)
    other = one(seeded_db, "SELECT event_id FROM v_timeline WHERE event_type = 'meeting' AND date_start = '2022-08-04'")
    expected = {row for event in (keep, other) for row in query_rows(
        seeded_db, "SELECT actor, role FROM v_event_actors WHERE event_id = :id", {"id": event})}
    moved = write(seeded_db, lambda conn: curation.merge_events(conn, keep, [other], now=NOW, reason="test"))
    assert moved >= 1
    assert set(query_rows(seeded_db, "SELECT actor, role FROM v_event_actors WHERE event_id = :id", {"id": keep})) == expected


def test_merge_refuses_itself_and_names_missing_ids(seeded_db: str) -> None:
    keep = one(seeded_db, JWG)
    with pytest.raises(ConfigError, match="into itself"):
        write(seeded_db, lambda conn: curation.merge_events(conn, keep, [keep], now=NOW))
    with pytest.raises(curation.UnknownEvent, match="8888, 9999"):
        write(seeded_db, lambda conn: curation.merge_events(conn, keep, [8888, 9999], now=NOW))


def test_split_moves_one_documents_sources_to_a_copy_and_curates_both(seeded_db: str, runner: CliRunner) -> None:
    event_id = one(seeded_db, JWG)
    documents = sorted({doc for doc, _start, _reason in sources_of(seeded_db, event_id)})
    assert len(documents) == 2, "seeds 001 and 002 both report the meeting"
    second = documents[1]
    before = sources_of(seeded_db, event_id)
    result = runner.invoke(cli, ["event", "split", str(event_id), "--document", str(second), "--db", seeded_db])
    assert result.exit_code == 0, result.output
    new_id = one(seeded_db, "SELECT max(id) FROM events")
    assert f"split into {event_id} and {new_id}" in result.output
    assert {doc for doc, _s, _r in sources_of(seeded_db, event_id)} == {documents[0]}
    moved = sources_of(seeded_db, new_id)
    assert {doc for doc, _s, _r in moved} == {second}
    assert len(moved) + len(sources_of(seeded_db, event_id)) == len(before)
    assert all(reason == f"split by hand from event {event_id}" for _d, _s, reason in moved)
    old, new = event_row(seeded_db, event_id), event_row(seeded_db, new_id)
    assert old["curated"] in (True, 1) and new["curated"] in (True, 1)
    assert {k: v for k, v in new.items() if k != "curated"} == {k: v for k, v in old.items() if k != "curated"}
    # Splitting off everything, or a document the event does not cite, is refused.
    again = runner.invoke(cli, ["event", "split", str(new_id), "--document", str(second), "--db", seeded_db])
    assert again.exit_code == 2 and "every source" in again.output
    other = runner.invoke(cli, ["event", "split", str(event_id), "--document", str(second), "--db", seeded_db])
    assert other.exit_code == 2 and f"no source from document {second}" in other.output


def test_delete_removes_the_event_its_sources_and_links_but_not_the_documents(
    seeded_db: str, runner: CliRunner
) -> None:
    event_id = one(seeded_db, JWG)
    documents = one(seeded_db, "SELECT count(*) FROM documents")
    result = runner.invoke(cli, ["event", "delete", str(event_id), "--db", seeded_db])
    assert result.exit_code == 0, result.output
    assert query_rows(seeded_db, "SELECT event_id FROM v_timeline WHERE event_id = :id", {"id": event_id}) == []
    assert sources_of(seeded_db, event_id) == []
    assert query_rows(seeded_db, "SELECT actor FROM v_event_actors WHERE event_id = :id", {"id": event_id}) == []
    assert one(seeded_db, "SELECT count(*) FROM documents") == documents
    again = runner.invoke(cli, ["event", "delete", str(event_id), "--db", seeded_db])
    assert again.exit_code == 2 and str(event_id) in again.output


def test_delete_takes_several_ids_and_deletes_none_when_one_is_unknown(seeded_db: str, runner: CliRunner) -> None:
    ids = [row[0] for row in query_rows(seeded_db, "SELECT id FROM events ORDER BY id LIMIT 2")]
    count = one(seeded_db, "SELECT count(*) FROM events")
    refused = runner.invoke(cli, ["event", "delete", str(ids[0]), "999999", "--db", seeded_db])
    assert refused.exit_code == 2 and "999999" in refused.output
    assert one(seeded_db, "SELECT count(*) FROM events") == count
    result = runner.invoke(cli, ["event", "delete", *map(str, ids), str(ids[0]), "--db", seeded_db])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"event {i}: deleted" for i in ids]
    assert one(seeded_db, "SELECT count(*) FROM events") == count - 2


def test_show_prints_the_event_with_its_sources_and_merge_reasons(seeded_db: str, runner: CliRunner) -> None:
    import json

    event_id = one(seeded_db, JWG)
    result = runner.invoke(cli, ["event", "show", str(event_id), "--format", "json", "--db", seeded_db])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["event_id"] == event_id and shown["curated"] is False
    # source_count counts documents (DESIGN: v_timeline); the sources are their sentences.
    assert len({source["document_id"] for source in shown["sources"]}) == shown["source_count"] == 2
    assert any(source["merge_reason"] for source in shown["sources"])
    text_output = runner.invoke(cli, ["event", "show", str(event_id), "--db", seeded_db])
    assert text_output.exit_code == 0 and "merge_reason" in text_output.output


def test_split_by_source_ids_through_the_library(seeded_db: str) -> None:
    event_id = one(seeded_db, JWG)
    first_source = query_rows(seeded_db, "SELECT id FROM event_sources WHERE event_id = :id ORDER BY id", {"id": event_id})[0][0]
    new_id = write(seeded_db, lambda conn: curation.split_event(conn, event_id, None, NOW, source_ids=[first_source]))
    assert query_rows(seeded_db, "SELECT id FROM event_sources WHERE event_id = :id", {"id": new_id}) == [(first_source,)]
    with pytest.raises(ConfigError, match="are not its sources"):
        write(seeded_db, lambda conn: curation.split_event(conn, event_id, None, NOW, source_ids=[first_source]))


def test_every_curation_command_keeps_event_actor_dates_and_summaries_in_step(
    seeded_db: str, runner: CliRunner
) -> None:
    from test_store import assert_actor_dates_in_step, assert_summaries_in_step

    def run(*args: str) -> None:
        result = runner.invoke(cli, ["event", *args, "--db", seeded_db])
        assert result.exit_code == 0, (args, result.output)
        assert assert_actor_dates_in_step(seeded_db) > 0, args
        assert assert_summaries_in_step(seeded_db) > 0, args

    def dates_of(event_id: int) -> set[tuple[str, str]]:
        rows = query_rows(seeded_db, "SELECT date_start, date_end FROM event_actor_dates WHERE event_id = :id",
                          {"id": event_id})
        return {(str(start), str(end)) for start, end in rows}

    jwg = one(seeded_db, JWG)
    other = one(seeded_db, "SELECT event_id FROM v_timeline WHERE event_type = 'meeting' AND date_start = '2022-08-04'")
    run("correct", str(jwg), "--date", "2021-10")
    assert dates_of(jwg) == {("2021-10-01", "2021-10-31")}
    run("correct", str(jwg), "--date", "none")
    assert dates_of(jwg) == set()
    run("correct", str(jwg), "--date", "2021-10-26..2021-10-27")
    assert dates_of(jwg) == {("2021-10-26", "2021-10-27")}
    run("merge", str(jwg), str(other))  # the other's actors join, at the kept event's dates
    assert dates_of(jwg) == {("2021-10-26", "2021-10-27")} and dates_of(other) == set()
    document = max(doc for doc, _start, _reason in sources_of(seeded_db, jwg))
    run("split", str(jwg), "--document", str(document))
    new_id = one(seeded_db, "SELECT max(id) FROM events")
    assert dates_of(new_id) == {("2021-10-26", "2021-10-27")}
    assert query_rows(seeded_db, "SELECT source_count FROM events WHERE id IN (:a, :b) ORDER BY id",
                      {"a": jwg, "b": new_id}) == [(len({d for d, _s, _r in sources_of(seeded_db, jwg)}),), (1,)]
    run("delete", str(new_id))
    assert dates_of(new_id) == set()
