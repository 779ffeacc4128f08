"""Exports: stable CSV/JSON columns, TimelineJS's documented shape, iCalendar that parses back."""

from __future__ import annotations

import csv
import io
import json
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
