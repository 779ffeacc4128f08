"""click group `timeline event` (show, correct, merge, split, delete), registered on timeline.cli.cli."""

from __future__ import annotations

import calendar
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

import timeline
from timeline import store
from timeline.cli import _json_default, _settings, cli, db_option, format_rows
from timeline.errors import ConfigError
from timeline.queries import fetch_dicts
from timeline.records import EVENT_TYPES, PRECISIONS

# timeline.cli imports this module for every command, `timeline ingest` too, so the commands
# import timeline.curation (the ORM models and sqlalchemy.orm, ~60 ms) only when they run.

_ONE_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Constant, parameterised reads of one event: the contract views plus the columns curation adds.
_EVENT_SQL = """SELECT t.*, e.curated, e.status, e.confidence, e.cameo_code, e.date_value, e.date_reason
FROM v_timeline t JOIN events e ON e.id = t.event_id
WHERE t.event_id = :event_id"""
_SOURCES_SQL = """SELECT s.id AS source_id, s.document_id, d.title AS document_title, d.published,
       s.char_start, s.char_end, s.date_text, s.merge_reason, s.sentence
FROM event_sources s JOIN documents d ON d.id = s.document_id
WHERE s.event_id = :event_id
ORDER BY d.published, s.document_id, s.char_start, s.id"""
_ACTORS_SQL = """SELECT actor, actor_kind, role FROM v_event_actors WHERE event_id = :event_id
ORDER BY role, actor, event_id"""


def parse_date_option(value: str) -> tuple[date, date, str]:
    """"2021-10-26", "2021-10", "2021" or "START..END" → (start, end, precision); raises ConfigError."""
    first, sep, second = value.strip().partition("..")
    start, end_of_first, precision = _one_date(first, value)
    if not sep:
        return start, end_of_first, precision
    _, end, second_precision = _one_date(second, value)
    if end < start:
        raise ConfigError(f"--date {value!r}: the end comes before the start")
    # A span of days is day precision ("26-27 October"); of months or years, the coarser unit.
    return start, end, precision if precision == second_precision else "day"


def _one_date(text: str, whole: str) -> tuple[date, date, str]:
    found = _ONE_DATE.match(text.strip())
    if found is None:
        raise ConfigError(f"--date {whole!r}: write YYYY-MM-DD, YYYY-MM or YYYY, or START..END")
    year, month, day = found.group(1), found.group(2), found.group(3)
    try:
        if day is not None:
            exact = date(int(year), int(month), int(day))
            return exact, exact, "day"
        if month is not None:
            last = calendar.monthrange(int(year), int(month))[1]
            return date(int(year), int(month), 1), date(int(year), int(month), last), "month"
        return date(int(year), 1, 1), date(int(year), 12, 31), "year"
    except ValueError as exc:
        raise ConfigError(f"--date {whole!r}: {exc}") from exc


def _now() -> datetime:
    return datetime.now(UTC)


def _write(db_value: str | None, config_path: Path | None, action: Any) -> Any:
    """Run `action(conn)` in one write transaction (the writers' lock held, as ingest does)."""
    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url)
    try:
        with engine.begin() as conn:
            store.lock_writers(conn)
            return action(conn)
    finally:
        engine.dispose()


@cli.group()
def event() -> None:
    """Show, correct, merge, split or delete one event; corrected events are curated (never overwritten)."""


@event.command()
@click.argument("event_id", type=int)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@db_option
def show(event_id: int, fmt: str, db_value: str | None, config_path: Path | None) -> None:
    """An event with its dates, actors, sources and the reason each source was merged."""
    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        rows = fetch_dicts(engine, _EVENT_SQL, {"event_id": event_id})
        if not rows:
            from timeline.curation import UnknownEvent

            raise UnknownEvent(f"no event with id {event_id} (see `timeline events`)")
        actors = fetch_dicts(engine, _ACTORS_SQL, {"event_id": event_id})
        sources = fetch_dicts(engine, _SOURCES_SQL, {"event_id": event_id})
    finally:
        engine.dispose()
    record = dict(rows[0])
    record["curated"] = bool(record["curated"])
    record["date_approximate"] = bool(record["date_approximate"])
    if fmt == "json":
        record["actor_roles"] = actors
        record["sources"] = sources
        click.echo(json.dumps(record, ensure_ascii=False, indent=2, default=_json_default))
        return
    for name, value in record.items():
        click.echo(f"{name}: {'' if value is None else _json_default(value) if not isinstance(value, str) else value}")
    click.echo("\nactors:")
    click.echo(format_rows(["actor", "actor_kind", "role"], [[a["actor"], a["actor_kind"], a["role"]] for a in actors],
                           "table"), nl=False)
    click.echo("\nsources:")
    columns = ["source_id", "document_id", "published", "date_text", "merge_reason", "sentence"]
    click.echo(format_rows(columns, [[s[c] for c in columns] for s in sources], "table"), nl=False)


@event.command()
@click.argument("event_id", type=int)
@click.option("--type", "event_type", type=click.Choice(EVENT_TYPES), help="Event type (its CAMEO code follows).")
@click.option("--title", help="One-line title.")
@click.option("--summary", help="Summary.")
@click.option("--date", "date_text", metavar="D|D..D",
              help="YYYY-MM-DD, YYYY-MM or YYYY, or a span START..END (inclusive); 'none' for undated.")
@click.option("--precision", type=click.Choice(PRECISIONS), help="Date precision (default: from --date).")
@click.option("--approximate/--exact", default=None, help="Mark the date approximate or exact.")
@click.option("--place", help="Place name (a stored place when one has it); 'none' to clear.")
@db_option
def correct(event_id: int, event_type: str | None, title: str | None, summary: str | None, date_text: str | None,
            precision: str | None, approximate: bool | None, place: str | None, db_value: str | None,
            config_path: Path | None) -> None:
    """Correct an event's fields by hand; it becomes curated and re-ingest never overwrites it."""
    fields: dict[str, Any] = {}
    # What the user gave, for the message: the other date fields written with them follow from those.
    given = [name for name, value in (("type", event_type), ("title", title), ("summary", summary),
                                      ("date", date_text), ("precision", precision),
                                      ("approximate", approximate), ("place", place)) if value is not None]
    if event_type is not None:
        fields["event_type"] = event_type
    if title is not None:
        fields["title"] = title
    if summary is not None:
        fields["summary"] = summary
    if date_text is not None:
        if date_text.strip().lower() == "none":
            fields.update(date_start=None, date_end=None)
        else:
            start, end, implied = parse_date_option(date_text)
            # PRECISIONS runs from the finest unit to the coarsest.
            if precision is not None and PRECISIONS.index(precision) < PRECISIONS.index(implied):
                # "--date 2021-10 --precision day" says both "some day in October" and "known to the day".
                unit, width = ("days", 10) if precision in ("day", "week") else ("months", 7)
                raise ConfigError(f"event {event_id}: precision {precision} is finer than --date {date_text!r} "
                                  f"({start.isoformat()}..{end.isoformat()}, to the {implied}); for {precision}, "
                                  f"write the date in {unit}: {start.isoformat()[:width]}..{end.isoformat()[:width]}")
            fields.update(date_start=start, date_end=end, date_precision=precision or implied)
    if precision is not None:
        fields["date_precision"] = precision
    if approximate is not None:
        fields["date_approximate"] = approximate
    if place is not None:
        fields["place"] = None if place.strip().lower() == "none" else _gazetteer_place(place, db_value, config_path)
    if not fields:
        raise ConfigError(f"event {event_id}: nothing to correct (give --type, --title, --date, ...)")
    from timeline import curation

    # NOTE: printed only after the transaction commits: a correction refused changes nothing and says so.
    _write(db_value, config_path, lambda conn: curation.correct_event(conn, event_id, fields, now=_now()))
    click.echo(f"event {event_id}: corrected {', '.join(sorted(given))}; curated")


def _gazetteer_place(name: str, db_value: str | None, config_path: Path | None) -> Any:
    """The gazetteer's place for `name` (with its country and coordinates), else the name as given."""
    from timeline.extract.entities import get_finder
    from timeline.lexicon import folders

    settings = _settings(db_value, config_path)
    found = get_finder(folders(settings.lexicon_dirs)).place_named(name)
    return found if found is not None else name


@event.command()
@click.argument("keep_id", type=int)
@click.argument("other_ids", type=int, nargs=-1, required=True)
@click.option("--reason", help="Why they are one event (kept on each moved source's merge_reason).")
@db_option
def merge(keep_id: int, other_ids: tuple[int, ...], reason: str | None, db_value: str | None,
          config_path: Path | None) -> None:
    """Merge OTHER events into KEEP: their sources and actors move to KEEP, they are deleted."""
    from timeline import curation

    moved = _write(
        db_value, config_path, lambda conn: curation.merge_events(conn, keep_id, other_ids, now=_now(), reason=reason)
    )
    names = ", ".join(str(i) for i in dict.fromkeys(other_ids))
    click.echo(f"event {keep_id}: merged {names} ({moved} source{'s' if moved != 1 else ''} moved); curated")


@event.command()
@click.argument("event_id", type=int)
@click.option("--document", "document_id", type=int, help="Move this document's sources to a new event.")
@click.option("--source", "source_ids", type=int, multiple=True, help="Move this source (event_sources.id); repeatable.")
@db_option
def split(event_id: int, document_id: int | None, source_ids: tuple[int, ...], db_value: str | None,
          config_path: Path | None) -> None:
    """Split sources off an event into a new one with a copy of its fields; both become curated."""
    from timeline import curation

    new_id = _write(
        db_value,
        config_path,
        lambda conn: curation.split_event(conn, event_id, now=_now(), document_id=document_id, source_ids=source_ids),
    )
    click.echo(f"event {event_id}: split into {event_id} and {new_id}; both curated")


@event.command()
@click.argument("event_ids", type=int, nargs=-1, required=True)
@db_option
def delete(event_ids: tuple[int, ...], db_value: str | None, config_path: Path | None) -> None:
    """Delete events with their sources and actor links (their documents stay); all or, when one id is
    unknown, none."""
    from timeline import curation

    unique = list(dict.fromkeys(event_ids))
    _write(db_value, config_path, lambda conn: [curation.delete_event(conn, event_id) for event_id in unique])
    for event_id in unique:
        click.echo(f"event {event_id}: deleted")
