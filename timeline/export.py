"""csv, json, timelinejs and ics exports of v_timeline rows with the filters."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from markupsafe import escape
from sqlalchemy import Engine

from timeline.errors import ConfigError
from timeline.filters import Filters, where_clause
from timeline.queries import fetch_dicts
from timeline.report import bind_values, prepare_sql
from timeline.templating import as_date, describe_date

EXPORT_FORMATS = ("csv", "json", "timelinejs", "ics")
# The stable column order of csv and json exports: v_timeline's, as DESIGN.md lists them.
COLUMNS = ("event_id", "date_start", "date_end", "date_precision", "date_approximate", "event_type", "title",
           "summary", "place", "country", "actors", "source_count", "first_published", "first_source")
PRODID = "-//timeline//timeline export//EN"


def fetch_timeline(engine: Engine, filters: Filters | None = None) -> list[dict[str, Any]]:
    """v_timeline rows matching `filters`, chronological, undated last; [] when none."""
    condition, params = where_clause(filters or Filters(), "t", engine.dialect.name)
    source = resources.files("timeline").joinpath("sql/events.sql").read_text(encoding="utf-8")
    rows = fetch_dicts(engine, prepare_sql(source, condition), bind_values(engine, params))
    for row in rows:
        for key in ("date_start", "date_end", "first_published"):
            row[key] = as_date(row[key])
        row["date_approximate"] = bool(row["date_approximate"])
    return rows


def _dated(rows: Sequence[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], date, date, str]]:
    """(row, start, end, precision) for the dated rows; undated events have no place on a calendar."""
    for row in rows:
        start = as_date(row["date_start"])
        if start is not None:
            yield row, start, as_date(row["date_end"]) or start, row.get("date_precision") or "day"


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# Spreadsheets run a cell that starts with one of these as a formula ("=HYPERLINK(…)"): article
# text must stay data, so such a text cell gets a leading apostrophe, which they show as text.
# README (Commands) and docs/reports.md (Exports) say so; JSON keeps the exact text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: Any) -> Any:
    """A text value made safe to open in a spreadsheet; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """RFC 4180 CSV with a header row of COLUMNS; booleans as true/false, None as empty.

    Text that a spreadsheet would run as a formula is prefixed with an apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = row.get(column)
            if isinstance(value, bool):
                cells.append("true" if value else "false")
            elif value is None:
                cells.append("")
            else:
                cells.append(inert_cell(_plain(value)))
        writer.writerow(cells)
    return buffer.getvalue()


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    """A JSON array of objects with the keys of COLUMNS, dates as ISO text."""
    objects = [{column: _plain(row.get(column)) for column in COLUMNS} for row in rows]
    return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"


def _timelinejs_date(day: date, precision: str) -> dict[str, Any]:
    """A TimelineJS date object carrying only the parts the precision knows."""
    value: dict[str, Any] = {"year": day.year}
    if precision in ("day", "week", "month", "quarter", "season"):
        value["month"] = day.month
    if precision in ("day", "week"):
        value["day"] = day.day
    return value


def to_timelinejs(rows: Sequence[dict[str, Any]], title: str = "timeline") -> str:
    """TimelineJS3 JSON: one slide per dated event, grouped by type; text is HTML-escaped.

    TimelineJS renders headline and text as HTML, so article text is escaped and autolink is off.
    Undated events have no place on a timeline and are left out.
    """
    events = []
    for row, start, end, precision in _dated(rows):
        details = [f"<p>{escape(row['summary'])}</p>"] if row.get("summary") else []
        facts = "; ".join(str(escape(part)) for part in (row.get("place"), row.get("actors")) if part)
        if facts:
            details.append(f"<p>{facts}</p>")
        slide: dict[str, Any] = {
            "start_date": _timelinejs_date(start, precision),
            "text": {"headline": str(escape(row["title"])), "text": "".join(details)},
            "group": row["event_type"],
            "display_date": describe_date(start, end, precision, row.get("date_approximate")),
            "unique_id": f"event-{row['event_id']}",
            "autolink": False,
        }
        if end != start and precision not in ("decade", "century"):
            slide["end_date"] = _timelinejs_date(end, precision)
        elif precision in ("decade", "century"):
            slide["end_date"] = {"year": end.year}
        events.append(slide)
    document = {"title": {"text": {"headline": str(escape(title)), "text": f"<p>{len(events)} events</p>"}},
                "events": events}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _ics_text(value: Any) -> str:
    """TEXT value escaping of RFC 5545 §3.3.11."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _ics_date(day: date) -> str:
    """An RFC 5545 DATE, YYYYMMDD: always 8 digits (strftime('%Y') writes the year 600 as "600")."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _ics_end(start: date, end: date) -> str:
    """The exclusive end of an all-day event: DTEND the day after `end`, else a DURATION in days.

    An event ending on 9999-12-31 has no day after it that a DATE can write. RFC 5545 §3.6.1 lets
    a VEVENT give DURATION instead of DTEND, and for a DATE start a duration in days keeps every
    day of the span: clamping DTEND to 9999-12-31 would drop the last one. DTEND stays the rule
    otherwise, because it is what calendar programs write and read most widely.
    """
    if end < date.max:
        return f"DTEND;VALUE=DATE:{_ics_date(end + timedelta(days=1))}"
    return f"DURATION:P{(end - start).days + 1}D"


def to_ics(rows: Sequence[dict[str, Any]], now: datetime, calendar_name: str = "timeline") -> str:
    """An iCalendar (RFC 5545) calendar of all-day events; undated events are left out.

    DTEND is the day after the inclusive date_end, as all-day events require (DURATION for an
    end of 9999-12-31, see _ics_end). Years before 1000 are zero-padded. `now` is DTSTAMP.
    """
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_ics_text(calendar_name)}"]
    for row, start, end, precision in _dated(rows):
        description = [row.get("summary") or ""]
        description.append(f"When: {describe_date(start, end, precision, row.get('date_approximate'))}")
        if row.get("actors"):
            description.append(f"Actors: {row['actors']}")
        if row.get("source_count"):
            description.append(f"Sources: {row['source_count']}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{row['event_id']}@timeline",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_ics_date(start)}",
            _ics_end(start, end),
            f"SUMMARY:{_ics_text(row['title'])}",
            f"DESCRIPTION:{_ics_text(chr(10).join(part for part in description if part))}",
            f"CATEGORIES:{_ics_text(row['event_type'])}",
            "TRANSP:TRANSPARENT",
        ]
        if row.get("place"):
            where = row["place"] if not row.get("country") or row["country"] == row["place"] \
                else f"{row['place']}, {row['country']}"
            lines.append(f"LOCATION:{_ics_text(where)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def export(engine: Engine, fmt: str, filters: Filters | None = None, *, now: datetime | None = None) -> str:
    """The filtered v_timeline rows in `fmt` (csv, json, timelinejs, ics); raises ConfigError for a bad format."""
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"--format {fmt}: unknown; choose from {', '.join(EXPORT_FORMATS)}")
    rows = fetch_timeline(engine, filters)
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "json":
        return to_json(rows)
    if fmt == "timelinejs":
        return to_timelinejs(rows, title=(filters or Filters()).describe())
    return to_ics(rows, now or datetime.now(UTC))
