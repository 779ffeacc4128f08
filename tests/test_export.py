"""Exports: stable CSV/JSON columns, TimelineJS's documented shape, iCalendar that parses back."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

import timeline
from timeline.export import COLUMNS, export, fetch_timeline
from timeline.filters import make_filters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_report import HOSTILE_TITLE, insert_hostile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def export_db(db_url: str) -> str:
    generate(db_url, 30, seed=5, years=3)
    insert_hostile(db_url)
    return db_url


def _export(url: str, fmt: str, **filters: object) -> str:
    engine = timeline.open_db(url, read_only=True)
    try:
        return export(engine, fmt, make_filters(**filters), now=NOW)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def _rows(url: str) -> list[dict]:
    engine = timeline.open_db(url, read_only=True)
    try:
        return fetch_timeline(engine)
    finally:
        engine.dispose()


def test_csv_has_the_view_columns_in_order(export_db: str) -> None:
    text = _export(export_db, "csv")
    reader = list(csv.reader(io.StringIO(text)))
    assert tuple(reader[0]) == COLUMNS
    assert len(reader) - 1 == len(_rows(export_db))
    hostile = next(row for row in reader if row[0] == "9001")
    assert hostile[6] == HOSTILE_TITLE and hostile[4] == "false" and hostile[1] == "2021-10-26"


def test_json_objects_have_stable_keys(export_db: str) -> None:
    data = json.loads(_export(export_db, "json", types=["attack"]))
    assert data and all(tuple(item) == COLUMNS for item in data)
    assert {item["event_type"] for item in data} == {"attack"}
    assert any(item["event_id"] == 9001 and item["date_end"] == "2021-10-27" for item in data)


def test_timelinejs_follows_its_documented_format(export_db: str) -> None:
    data = json.loads(_export(export_db, "timelinejs"))
    rows = _rows(export_db)
    assert set(data) == {"title", "events"}
    assert len(data["events"]) == sum(1 for row in rows if row["date_start"] is not None)
    by_id = {row["event_id"]: row for row in rows}
    for slide in data["events"]:
        row = by_id[int(slide["unique_id"].removeprefix("event-"))]
        precision = row["date_precision"]
        start = slide["start_date"]
        assert start["year"] == row["date_start"].year
        assert ("day" in start) == (precision in ("day", "week"))
        assert ("month" in start) == (precision in ("day", "week", "month", "quarter", "season"))
        assert slide["group"] == row["event_type"] and slide["autolink"] is False
        assert {"headline", "text"} <= set(slide["text"])
    hostile = next(s for s in data["events"] if s["unique_id"] == "event-9001")
    assert hostile["start_date"] == {"year": 2021, "month": 10, "day": 26}
    assert hostile["end_date"] == {"year": 2021, "month": 10, "day": 27}
    assert "<script>" not in json.dumps(data) and "&lt;script&gt;" in hostile["text"]["headline"]
    assert "<img" not in hostile["text"]["text"]


def test_ics_parses_back_as_all_day_events(export_db: str) -> None:
    text = _export(export_db, "ics")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    rows = [row for row in _rows(export_db) if row["date_start"] is not None]
    assert len(events) == len(rows)
    by_uid = {str(event["UID"]): event for event in events}
    for row in rows:
        event = by_uid[f"event-{row['event_id']}@timeline"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and start == row["date_start"]
        assert end == row["date_end"] + timedelta(days=1)
        assert str(event["SUMMARY"]) == row["title"]
    hostile = by_uid["event-9001@timeline"]
    assert str(hostile["SUMMARY"]) == HOSTILE_TITLE
    assert str(hostile["LOCATION"]) == "<b>Kabul</b>, Afghanistan"
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]


def test_cli_export_writes_each_format(export_db: str, runner: CliRunner, tmp_path: Path) -> None:
    from timeline.cli import cli

    for fmt in ("csv", "json", "timelinejs", "ics"):
        target = tmp_path / f"events.{fmt}"
        result = runner.invoke(cli, ["export", "--format", fmt, "--db", export_db, "--type", "attack", "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
    result = runner.invoke(cli, ["export", "--format", "xml", "--db", export_db])
    assert result.exit_code == 2


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(text: str) -> None:
    from timeline.export import to_csv

    row = {column: None for column in COLUMNS} | {"event_id": 1, "title": text, "summary": "plain"}
    parsed = list(csv.reader(io.StringIO(to_csv([row]))))
    assert parsed[1][COLUMNS.index("title")] == "'" + text
    assert parsed[1][COLUMNS.index("summary")] == "plain"
    assert parsed[1][COLUMNS.index("event_id")] == "1"


# The reviewer's case: a century before the year 1000, and an event corrected to the year 9999.
KABUL = "In the 7th century, Arab armies attacked Kabul.\n"


@pytest.fixture
def far_years_db(db_url: str, tmp_path: Path) -> tuple[str, int, int]:
    """A database with the 7th-century attack (0600-01-01..0699-12-31) and an event corrected to 9999."""
    from timeline import curation

    (tmp_path / "kabul.txt").write_text(KABUL, encoding="utf-8")
    (tmp_path / "later.txt").write_text("On 26 October 2021 the Taliban met Russian envoys in Moscow.\n",
                                        encoding="utf-8")
    engine = timeline.open_db(db_url)
    try:
        timeline.ingest(engine, [tmp_path / "kabul.txt", tmp_path / "later.txt"], published=date(2023, 1, 1),
                        today=date(2026, 11, 22))
        rows = fetch_timeline(engine)
        century = next(row["event_id"] for row in rows if row["date_precision"] == "century")
        other = next(row["event_id"] for row in rows if row["event_id"] != century)
        with engine.begin() as conn:
            curation.correct_event(conn, other, {"date_start": date(9999, 1, 1), "date_end": date(9999, 12, 31),
                                                 "date_precision": "year"}, now=NOW)
    finally:
        engine.dispose()
    return db_url, century, other


def test_ics_writes_early_and_late_years_as_rfc_5545_dates(far_years_db: tuple[str, int, int]) -> None:
    url, century, late = far_years_db
    text = _export(url, "ics")
    assert "DTSTART;VALUE=DATE:06000101\r\n" in text and "DTEND;VALUE=DATE:07000101\r\n" in text
    # 9999-12-31 has no day after it: the span is given as a duration of its days instead of DTEND.
    assert "DTSTART;VALUE=DATE:99990101\r\nDURATION:P365D\r\n" in text
    assert all(len(value) == 8 for value in re.findall(r"VALUE=DATE:(\d+)", text))
    by_uid = {str(event["UID"]): event for event in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    early = by_uid[f"event-{century}@timeline"]
    assert (early.decoded("DTSTART"), early.decoded("DTEND")) == (date(600, 1, 1), date(700, 1, 1))
    last = by_uid[f"event-{late}@timeline"]
    assert last.decoded("DTSTART") == date(9999, 1, 1) and "DTEND" not in last
    assert last.decoded("DTSTART") + (last.decoded("DURATION") - timedelta(days=1)) == date(9999, 12, 31)


def test_other_exports_keep_early_and_late_years(far_years_db: tuple[str, int, int]) -> None:
    url, century, late = far_years_db
    slides = {s["unique_id"]: s for s in json.loads(_export(url, "timelinejs"))["events"]}
    # TimelineJS takes plain year numbers (it sets two- and three-digit years with setFullYear).
    assert slides[f"event-{century}"]["start_date"] == {"year": 600}
    assert slides[f"event-{century}"]["end_date"] == {"year": 699}
    assert slides[f"event-{century}"]["display_date"] == "7th century"
    assert slides[f"event-{late}"]["start_date"] == {"year": 9999}
    assert slides[f"event-{late}"]["display_date"] == "9999"
    by_id = {item["event_id"]: item for item in json.loads(_export(url, "json"))}
    assert (by_id[century]["date_start"], by_id[century]["date_end"]) == ("0600-01-01", "0699-12-31")
    assert (by_id[late]["date_start"], by_id[late]["date_end"]) == ("9999-01-01", "9999-12-31")
    cells = {row[0]: row for row in csv.reader(io.StringIO(_export(url, "csv")))}
    assert cells[str(century)][1:3] == ["0600-01-01", "0699-12-31"]
    assert cells[str(late)][1:3] == ["9999-01-01", "9999-12-31"]


def test_an_approximate_date_in_december_9999_exports_in_every_format(far_years_db: tuple[str, int, int]) -> None:
    from timeline import curation

    url, _, late = far_years_db
    engine = timeline.open_db(url)
    try:
        with engine.begin() as conn:
            curation.correct_event(conn, late, {"date_start": date(9999, 12, 1), "date_end": date(9999, 12, 31),
                                                "date_precision": "month", "date_approximate": True}, now=NOW)
    finally:
        engine.dispose()
    slides = {s["unique_id"]: s for s in json.loads(_export(url, "timelinejs"))["events"]}
    assert slides[f"event-{late}"]["display_date"] == "c. Dec 9999"
    text = _export(url, "ics")
    assert "DTSTART;VALUE=DATE:99991201\r\nDURATION:P31D\r\n" in text
    assert "When: c. Dec 9999" in text.replace("\r\n ", "")  # unfolded
    assert all(_export(url, fmt) for fmt in ("csv", "json"))
