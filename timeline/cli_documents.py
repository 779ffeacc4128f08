"""click group `timeline document` (list, show, reextract, delete), registered on timeline.cli.cli."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import click

import timeline
from timeline.cli import FORMATS, _iso_date, _json_default, _settings, cli, db_option, format_rows, progress_bar
from timeline.errors import ConfigError
from timeline.queries import fetch_dicts

# timeline.cli imports this module for every command: timeline.documents (models, extraction) is
# imported inside the commands that need it.

_LIST_COLUMNS = ["document_id", "published", "published_source", "title", "uri", "char_count", "events"]
_DOCUMENT_SQL = """SELECT id AS document_id, uri, title, published, published_source, url, source, char_count,
       sha256, ingested_at
FROM documents WHERE id = :document_id"""
_EVENTS_SQL = """SELECT DISTINCT e.id AS event_id, e.event_type, e.date_start, e.date_end, e.curated, e.title
FROM event_sources s JOIN events e ON e.id = s.event_id
WHERE s.document_id = :document_id
ORDER BY e.date_start, e.id"""


@cli.group()
def document() -> None:
    """List, show, extract again or delete stored documents (curated events are kept as corrected)."""


@document.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@db_option
def list_documents(fmt: str, db_value: str | None, config_path: Path | None) -> None:
    """Every stored document: id, date and where it came from, title, input, events it supports."""
    from timeline.documents import document_rows

    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        with engine.connect() as conn:
            rows = document_rows(conn)
    finally:
        engine.dispose()
    click.echo(format_rows(_LIST_COLUMNS, [[row[c] for c in _LIST_COLUMNS] for row in rows], fmt), nl=False)


@document.command()
@click.argument("document_id", type=int)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--text/--no-text", "with_text", default=False, help="Also print the stored text.")
@db_option
def show(document_id: int, fmt: str, with_text: bool, db_value: str | None, config_path: Path | None) -> None:
    """A document's metadata and the events it supports."""
    from timeline.documents import UnknownDocument

    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        rows = fetch_dicts(engine, _DOCUMENT_SQL, {"document_id": document_id})
        if not rows:
            raise UnknownDocument(f"no document with id {document_id} (see `timeline document list`)")
        found = fetch_dicts(engine, _EVENTS_SQL, {"document_id": document_id})
        text = fetch_dicts(engine, "SELECT text FROM documents WHERE id = :id", {"id": document_id})[0]["text"]
    finally:
        engine.dispose()
    record = dict(rows[0])
    for event in found:
        event["curated"] = bool(event["curated"])
    if fmt == "json":
        record["events"] = found
        if with_text:
            record["text"] = text
        click.echo(json.dumps(record, ensure_ascii=False, indent=2, default=_json_default))
        return
    for name, value in record.items():
        click.echo(f"{name}: {'' if value is None else value if isinstance(value, str) else _json_default(value)}")
    columns = ["event_id", "event_type", "date_start", "date_end", "curated", "title"]
    click.echo("\nevents:")
    click.echo(format_rows(columns, [[e[c] for c in columns] for e in found], "table"), nl=False)
    if with_text:
        click.echo(f"\ntext:\n{text}")


@document.command()
@click.argument("document_ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every stored document (after a lexicon or version change).")
@click.option("--published", callback=_iso_date, metavar="DATE",
              help="First re-date the documents: their relative dates resolve against DATE.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@db_option
def reextract(document_ids: tuple[int, ...], every: bool, published: date | None, progress: bool | None,
              db_value: str | None, config_path: Path | None) -> None:
    """Extract the events of stored documents again, with this version and the settings' lexicon.

    The events built from them that nobody corrected are taken down and built again, with the
    sentences of other documents that had been merged into them. Curated events stay as they are.
    One transaction: on any error nothing changes. Event ids of rebuilt events change.
    """
    from timeline.documents import extract_again
    from timeline.pipeline import FUTURE_SLACK

    if every == bool(document_ids):
        raise ConfigError("give document ids or --all (one of them; see `timeline document list`)")
    if published is not None and every:
        raise ConfigError("--published re-dates the documents named by id, not --all")
    today = datetime.now(UTC)
    if published is not None and published > today.date() + FUTURE_SLACK:
        raise ConfigError(f"--published {published.isoformat()}: the date is in the future")
    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url)
    bar = progress_bar(progress, "reextract")
    try:
        summary = extract_again(engine, None if every else list(document_ids), now=today, published=published,
                                lexicon_dirs=settings.lexicon_dirs,
                                progress=(lambda _id: bar.update(1)) if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
        engine.dispose()
    _echo_summary(summary, "extracted again")


@document.command()
@click.argument("document_ids", type=int, nargs=-1, required=True)
@db_option
def delete(document_ids: tuple[int, ...], db_value: str | None, config_path: Path | None) -> None:
    """Delete documents with their sources; the events they built are rebuilt from the other documents'
    sentences, or go. Curated events stay, even with no source left."""
    from timeline.documents import delete_documents

    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url)
    try:
        summary = delete_documents(engine, list(document_ids), now=datetime.now(UTC), lexicon_dirs=settings.lexicon_dirs)
    finally:
        engine.dispose()
    _echo_summary(summary, "deleted")


def _echo_summary(summary: object, verb: str) -> None:
    from timeline.documents import RedoSummary

    assert isinstance(summary, RedoSummary)
    if summary.sources_lost:
        click.echo(f"timeline: warning: {summary.sources_lost} sentence(s) of other documents are no longer found"
                   " as events by this version; they left the rebuilt events", err=True)
    if summary.curated_emptied:
        ids = _ids(summary.curated_emptied)
        click.echo(f"timeline: warning: curated event(s) {ids} kept with no source left"
                   " (`timeline event delete ID` removes one)", err=True)
    elif summary.curated_kept:
        ids = _ids(summary.curated_kept)
        click.echo(f"timeline: curated event(s) {ids} kept as corrected", err=True)
    click.echo(summary.line(verb))


def _ids(ids: list[int], shown: int = 10) -> str:
    return ", ".join(map(str, ids[:shown])) + (f", ... ({len(ids)} in all)" if len(ids) > shown else "")
