"""Stored documents after ingest, both backends: list, show, extract again (re-dated, new lexicon), delete."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import timeline

from conftest import HUDDLE, query_rows, write_user_lexicon
from test_curate import JWG, ingest_text, one, sources_of
from test_store import assert_actor_dates_in_step, assert_summaries_in_step
from timeline.build import data_fingerprint
from timeline.cli import cli

MEETING = "India and France held talks in Paris on Tuesday, officials said.\n"
REPORT = "Talks in Paris\n\nIndia and France held counterterrorism talks in Paris on Tuesday, the ministry said.\n"


def invoke(runner: CliRunner, url: str, *args: str) -> Any:
    return runner.invoke(cli, [*args, "--db", url])


def ingest(url: str, folder: Path, name: str, body: str, published: date) -> int:
    """Ingest one text; its document id."""
    return ingest_text(url, folder, body, published, name=name)


def timeline_rows(url: str) -> list[tuple[Any, ...]]:
    """v_timeline without its ids (rebuilt events get new ids on PostgreSQL), as text, sorted."""
    rows = query_rows(url, "SELECT * FROM v_timeline")  # event_id is the view's first column
    return sorted((tuple("" if v is None else str(v) for v in row[1:]) for row in rows))


def ingest_curated(url: str, runner: CliRunner, folder: Path, body: str) -> tuple[int, int]:
    """Ingest a text of one event and correct that event's title by hand; (document id, event id)."""
    document_id = ingest(url, folder, "only.txt", body, date(2021, 8, 16))
    event_id = one(url, "SELECT id FROM events")
    assert invoke(runner, url, "event", "correct", str(event_id), "--title", "Fall of Kabul").exit_code == 0
    return document_id, event_id


def fingerprint(url: str) -> str:
    """What `timeline build` compares to decide whether the data changed."""
    engine = timeline.open_db(url)
    try:
        return data_fingerprint(engine)
    finally:
        engine.dispose()


def events_of(url: str) -> list[tuple[str, str, int]]:
    """(type, start, source_count) of every event, sorted."""
    rows = query_rows(url, "SELECT event_type, date_start, source_count FROM events")
    return sorted((t, str(d), n) for t, d, n in rows)


def test_extracting_every_document_again_rebuilds_the_same_timeline(seeded_db: str, runner: CliRunner) -> None:
    before = timeline_rows(seeded_db)
    result = invoke(runner, seeded_db, "document", "reextract", "--all")
    assert result.exit_code == 0, result.output
    assert "5 document(s) extracted again" in result.output
    assert timeline_rows(seeded_db) == before
    assert assert_actor_dates_in_step(seeded_db) > 0
    assert assert_summaries_in_step(seeded_db) > 0


def test_extracting_again_with_a_new_lexicon_finds_the_new_words(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(db_url, tmp_path, "a.txt", HUDDLE, date(2021, 9, 9))
    assert events_of(db_url) == []
    settings = write_user_lexicon(tmp_path)
    result = runner.invoke(cli, ["document", "reextract", "--all", "--db", db_url, "--config", str(settings)])
    assert result.exit_code == 0, result.output
    assert query_rows(db_url, "SELECT event_type, date_start, actors FROM v_timeline") in (
        [("meeting", date(2021, 9, 6), "Pakistan; Taliban")], [("meeting", "2021-09-06", "Pakistan; Taliban")])


def test_redating_a_document_moves_its_relative_dates_and_leaves_the_other_reports_event(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    first = ingest(db_url, tmp_path, "first.txt", MEETING, date(2021, 10, 29))
    ingest(db_url, tmp_path, "second.txt", REPORT, date(2021, 10, 29))
    # Both report the talks of Tuesday 26 October: one event, two sources.
    assert [e for e in events_of(db_url) if e[0] == "meeting"] == [("meeting", "2021-10-26", 2)]
    # The first was in fact published two weeks later: its Tuesday is 9 November.
    result = invoke(runner, db_url, "document", "reextract", str(first), "--published", "2021-11-12")
    assert result.exit_code == 0, result.output
    assert "1 document(s) extracted again (and 1 other document(s) sharing their events)" in result.output
    assert [e for e in events_of(db_url) if e[0] == "meeting"] == [
        ("meeting", "2021-10-26", 1), ("meeting", "2021-11-09", 1)]
    assert query_rows(db_url, "SELECT published, published_source FROM documents WHERE id = :id", {"id": first}) in (
        [(date(2021, 11, 12), "option")], [("2021-11-12", "option")])
    assert assert_actor_dates_in_step(db_url) > 0
    assert assert_summaries_in_step(db_url) > 0


def test_a_curated_event_keeps_its_correction_and_sentences_and_is_not_made_twice(
    seeded_db: str, runner: CliRunner
) -> None:
    jwg = one(seeded_db, JWG)
    held = sources_of(seeded_db, jwg)
    result = invoke(runner, seeded_db, "event", "correct", str(jwg), "--title", "JWG on counterterrorism",
                    "--type", "agreement")
    assert result.exit_code == 0, result.output
    count = one(seeded_db, "SELECT count(*) FROM events")
    result = invoke(runner, seeded_db, "document", "reextract", "--all")
    assert result.exit_code == 0, result.output
    assert f"curated event(s) {jwg} kept as corrected" in result.output
    assert one(seeded_db, "SELECT title FROM events WHERE id = :id", {"id": jwg}) == "JWG on counterterrorism"
    assert sources_of(seeded_db, jwg) == held
    # Its sentences made no second meeting (the person re-typed it): as many events as before.
    assert one(seeded_db, "SELECT count(*) FROM events") == count
    assert one(seeded_db, "SELECT count(*) FROM events WHERE event_type = 'meeting' AND date_start = '2021-10-26'") == 0


def test_deleting_a_document_keeps_the_events_other_documents_report(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    first = ingest(db_url, tmp_path, "first.txt", MEETING, date(2021, 10, 29))
    ingest(db_url, tmp_path, "second.txt", REPORT, date(2021, 10, 29))
    only = ingest(db_url, tmp_path, "only.txt", "The Taliban took over Kabul on 15 August 2021.\n",
                  date(2021, 8, 16))
    result = invoke(runner, db_url, "document", "delete", str(first), str(only))
    assert result.exit_code == 0, result.output
    assert "2 document(s) deleted" in result.output
    assert events_of(db_url) == [("meeting", "2021-10-26", 1)]
    assert [doc for doc, _start, _why in sources_of(db_url, one(db_url, "SELECT id FROM events"))] == [first + 1]
    assert one(db_url, "SELECT count(*) FROM documents") == 1
    assert assert_summaries_in_step(db_url) > 0


def test_deleting_the_only_document_of_a_curated_event_keeps_it_and_says_so(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    only, event_id = ingest_curated(db_url, runner, tmp_path, "The Taliban took over Kabul on 15 August 2021.\n")
    result = invoke(runner, db_url, "document", "delete", str(only))
    assert result.exit_code == 0, result.output
    assert f"curated event(s) {event_id} kept with no source left" in result.output
    assert query_rows(db_url, "SELECT title, source_count FROM events") == [("Fall of Kabul", 0)]


def test_a_failure_while_extracting_again_changes_nothing(db_url: str, runner: CliRunner, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, "first.txt", MEETING, date(2021, 10, 29))
    before = timeline_rows(db_url)
    settings = write_user_lexicon(tmp_path, actors="[[actor]\nname = ")  # broken: fails inside extraction
    result = runner.invoke(cli, ["document", "reextract", "--all", "--db", db_url, "--config", str(settings)])
    assert result.exit_code == 2 and "actors.toml" in result.output, result.output
    assert timeline_rows(db_url) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["reextract"], "give document ids or --all"),
        (["reextract", "1", "--all"], "give document ids or --all"),
        (["reextract", "99", "7"], "no document with id 7, 99"),
        (["reextract", "--all", "--published", "2021-01-01"], "not --all"),
        (["reextract", "1", "--published", "2999-01-01"], "--published 2999-01-01: the date is in the future"),
        (["delete", "42"], "no document with id 42"),
        (["show", "42"], "no document with id 42"),
    ],
    ids=["nothing", "both", "unknown", "redate-all", "future", "delete-unknown", "show-unknown"],
)
def test_bad_document_commands_are_usage_errors_that_change_nothing(
    seeded_db: str, runner: CliRunner, args: list[str], message: str
) -> None:
    before = timeline_rows(seeded_db)
    result = invoke(runner, seeded_db, "document", *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert timeline_rows(seeded_db) == before


def test_list_and_show_name_each_document_and_its_events(seeded_db: str, runner: CliRunner) -> None:
    listed = invoke(runner, seeded_db, "document", "list", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == "document_id,published,published_source,title,uri,char_count,events" and len(lines) == 6
    assert lines[2].startswith("2,2021-10-29,manifest,") and lines[2].endswith(",8")
    shown = invoke(runner, seeded_db, "document", "show", "2", "--format", "json", "--text")
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert record["published"] == "2021-10-29" and record["text"].startswith("The United States and India")
    assert {e["event_type"] for e in record["events"]} >= {"meeting", "resolution", "statement"}
    assert len(record["events"]) == 8


def test_events_split_and_merged_by_hand_survive_extracting_again_and_nothing_is_made_twice(
    seeded_db: str, runner: CliRunner
) -> None:
    jwg = one(seeded_db, JWG)
    assert invoke(runner, seeded_db, "event", "split", str(jwg), "--document", "3").exit_code == 0
    twin = one(seeded_db, "SELECT max(id) FROM events")
    lead = one(seeded_db, "SELECT id FROM events WHERE event_type = 'statement' AND title LIKE 'United States and India%'")
    talks = one(seeded_db, "SELECT id FROM events WHERE event_type = 'agreement' AND date_start IS NULL")
    assert invoke(runner, seeded_db, "event", "merge", str(lead), str(talks)).exit_code == 0
    held = {event_id: sources_of(seeded_db, event_id) for event_id in (jwg, twin, lead)}
    count = one(seeded_db, "SELECT count(*) FROM events")
    result = invoke(runner, seeded_db, "document", "reextract", "--all")
    assert result.exit_code == 0, result.output
    assert {event_id: sources_of(seeded_db, event_id) for event_id in (jwg, twin, lead)} == held
    assert one(seeded_db, "SELECT count(*) FROM events") == count
    assert assert_summaries_in_step(seeded_db) > 0


TWO_ATTACKS = "India condemned the 2019 Pulwama attack and the 2008 Mumbai attacks, the ministry said.\n"
MUMBAI = "Pakistan was blamed for the 2008 Mumbai attacks by India.\n"
ATTACK_SOURCES = """SELECT e.event_type, e.title, e.curated, s.document_id, s.char_start FROM event_sources s
JOIN events e ON e.id = s.event_id WHERE e.title LIKE 'Attack%' ORDER BY e.title, s.document_id"""


@pytest.mark.parametrize("retyped", [False, True], ids=["uncurated", "curated-retyped"])
def test_another_event_of_a_shared_sentence_is_not_made_again(
    db_url: str, runner: CliRunner, tmp_path: Path, retyped: bool
) -> None:
    # One sentence of the first document reports two attacks; only Mumbai's is shared with the second.
    ingest(db_url, tmp_path, "two.txt", TWO_ATTACKS, date(2021, 10, 29))
    mumbai = ingest(db_url, tmp_path, "mumbai.txt", MUMBAI, date(2021, 10, 29))
    pulwama = one(db_url, "SELECT id FROM events WHERE title = 'Attack in Pulwama'")
    if retyped:
        assert invoke(runner, db_url, "event", "correct", str(pulwama), "--type", "other").exit_code == 0
    before = [row[:1] + row[2:] for row in query_rows(db_url, ATTACK_SOURCES)]
    result = invoke(runner, db_url, "document", "reextract", str(mumbai))
    assert result.exit_code == 0, result.output
    assert "sentence(s) of other documents are no longer found" not in result.output
    # Pulwama's attack stays one event (the curated one when a person re-typed it), with its one source.
    assert [row[:1] + row[2:] for row in query_rows(db_url, ATTACK_SOURCES)] == before
    assert assert_summaries_in_step(db_url) > 0
    assert assert_actor_dates_in_step(db_url) >= 0


def test_a_curated_event_of_a_sentence_keeps_its_own_candidate_not_the_first_of_its_type(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    two = ingest(db_url, tmp_path, "two.txt", TWO_ATTACKS, date(2021, 10, 29))
    ingest(db_url, tmp_path, "mumbai.txt", MUMBAI, date(2021, 10, 29))
    pulwama = one(db_url, "SELECT id FROM events WHERE title = 'Attack in Pulwama'")
    assert invoke(runner, db_url, "event", "correct", str(pulwama), "--date", "2019-02-14").exit_code == 0
    before = [row[:1] + row[2:] for row in query_rows(db_url, ATTACK_SOURCES)]
    result = invoke(runner, db_url, "document", "reextract", str(two))
    assert result.exit_code == 0, result.output
    # The 2008 attack is built again from both documents; the 2019 one stays the curated event alone.
    assert [row[:1] + row[2:] for row in query_rows(db_url, ATTACK_SOURCES)] == before
    assert query_rows(db_url, "SELECT date_start FROM events WHERE title = 'Attack in Pulwama'") in (
        [(date(2019, 2, 14),)], [("2019-02-14",)])
    assert assert_summaries_in_step(db_url) > 0


def test_redating_a_document_whose_events_are_all_curated_makes_builds_stale(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    only, _event_id = ingest_curated(db_url, runner, tmp_path, "The Taliban took over Kabul on Sunday.\n")
    before = fingerprint(db_url)
    result = invoke(runner, db_url, "document", "reextract", str(only), "--published", "2021-08-20")
    assert result.exit_code == 0, result.output
    # No event is rebuilt, but the event's first_published (and its source's published) moved.
    assert query_rows(db_url, "SELECT title, CAST(first_published AS TEXT) FROM v_timeline") == [
        ("Fall of Kabul", "2021-08-20")]
    assert fingerprint(db_url) != before
    assert assert_summaries_in_step(db_url) > 0


def test_more_ids_than_a_statement_takes_parameters_are_named_not_a_traceback(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    # psycopg sends at most 65,535 parameters a statement: `delete $(seq 2 70000)` must not be a traceback.
    ingest(db_url, tmp_path, "first.txt", MEETING, date(2021, 10, 29))
    result = invoke(runner, db_url, "document", "delete", *map(str, range(2, 70_001)))
    assert result.exit_code == 2, result.output[-500:]
    assert "no document with id 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... (69999 in all)" in result.output
    result = invoke(runner, db_url, "document", "reextract", *(["1"] * 70_000))
    assert result.exit_code == 0 and "1 document(s) extracted again" in result.output, result.output[-500:]
