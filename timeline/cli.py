"""click commands: argv → Settings → API → output; TimelineError → exit codes (DESIGN: 0, 1, 2)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError

import timeline
from timeline import db
from timeline.config import Settings, load_settings, redact_url
from timeline.errors import InputRejected, TimelineError
from timeline.filters import Filters, make_filters
from timeline.records import EVENT_TYPES

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "csv", "json")


class _Group(click.Group):
    """Turns TimelineError into a message on stderr and the contract's exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputRejected as exc:
            echo_warnings(exc.summary)
            for name, reason in exc.rejected:
                click.echo(f"timeline: rejected {name}: {reason}", err=True)
            if exc.summary is not None:
                click.echo(exc.summary.line())  # type: ignore[attr-defined]
            ctx.exit(exc.exit_code)
        except TimelineError as exc:
            summary = getattr(exc, "summary", None)
            echo_warnings(summary)
            for rejection in getattr(summary, "rejected", ()):
                click.echo(f"timeline: rejected {rejection.name}: {rejection.reason}", err=True)
            click.echo(f"timeline: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OperationalError as exc:
            if not db.is_busy(exc):
                raise
            click.echo(f"timeline: {db.busy_message()}; nothing was changed, try again", err=True)
            ctx.exit(2)


def echo_warnings(summary: object) -> None:
    """Name on stderr each input an ingest stored with a change (invalid bytes replaced, ...)."""
    for name, note in getattr(summary, "warnings", ()):
        click.echo(f"timeline: warning: {name}: {note}", err=True)


def _iso_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from None


def progress_bar(wanted: bool | None, desc: str) -> Any:
    """A tqdm bar of documents on stderr when `wanted` (None: when stderr is a terminal), else None."""
    if not (sys.stderr.isatty() if wanted is None else wanted):
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, desc=desc, dynamic_ncols=True)


def db_option(func: F) -> F:
    """--db and --config, on every command."""
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file (default ./timeline.toml when present).",
    )(func)
    return click.option(
        "--db", "db_value", metavar="PATH|URL", help="Database file or SQLAlchemy URL (default TIMELINE_DB, then timeline.db)."
    )(func)


def filter_options(func: F) -> F:
    """--from, --to, --type, --actor, --place, --text."""
    for option in reversed(
        [
            click.option("--from", "date_from", callback=_iso_date, metavar="DATE", help="Events ending on or after DATE."),
            click.option("--to", "date_to", callback=_iso_date, metavar="DATE", help="Events starting on or before DATE."),
            click.option("--type", "types", multiple=True, type=click.Choice(EVENT_TYPES), help="Event type (repeatable)."),
            click.option("--actor", metavar="NAME",
                         help="Actors whose name or alias is NAME; if none is, those containing it (any case)."),
            click.option("--place", metavar="NAME", help="Place or country containing NAME (any case)."),
            click.option("--text", metavar="WORDS",
                         help="Title or summary containing every word, each in either (any case)."),
        ]
    ):
        func = option(func)
    return func


def _settings(db_value: str | None, config_path: Path | None) -> Settings:
    return load_settings(db=db_value, config=config_path)


def _filters(date_from: date | None, date_to: date | None, types: Sequence[str], actor: str | None,
             place: str | None, text: str | None) -> Filters:
    return make_filters(date_from, date_to, tuple(types), actor, place, text)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # as `timeline export --format csv` writes them
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def format_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """Rows as an aligned text table, CSV, or a JSON array of objects.

    Table and CSV headers show the columns as named; JSON keys are queries.unique_columns (a second
    `title` is `title_2`), so that no column is lost.
    """
    if fmt == "json":
        from timeline.queries import unique_columns

        keys = unique_columns(columns)
        objects = [dict(zip(keys, row, strict=True)) for row in rows]
        return json.dumps(objects, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        from timeline.export import inert_cell

        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        # Article text stays data in spreadsheets too (see export.inert_cell); numbers are numbers
        # there, so -5 is written as it is, as `timeline export --format csv` writes it.
        writer.writerows([[_cell(inert_cell(value)) for value in row] for row in rows])
        return buffer.getvalue()
    cells = [[_cell(value).replace("\n", " ") for value in row] for row in rows]
    cells = [[value if len(value) <= 80 else value[:79] + "…" for value in row] for row in cells]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(columns)]
    lines = ["  ".join(name.ljust(widths[i]) for i, name in enumerate(columns)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def cli() -> None:
    """timeline: articles in, a dated chronology of events out, briefings from SQL."""


@cli.command()
@db_option
def init(db_value: str | None, config_path: Path | None) -> None:
    """Create or upgrade the database (Alembic); running it again changes nothing."""
    settings = _settings(db_value, config_path)
    before, after = timeline.init_db(settings.db_url)
    where = redact_url(settings.db_url)
    if before == after:
        click.echo(f"{where}: up to date at revision {after}")
    elif before is None:
        click.echo(f"{where}: created at revision {after}")
    else:
        click.echo(f"{where}: upgraded from revision {before} to {after}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--published", callback=_iso_date, metavar="DATE", help="Publication date for inputs that have none.")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), help="CSV/JSONL: path, published, title, url, source.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Extraction worker processes.")
@click.option("--max-bytes", type=click.IntRange(1), help="Largest input file accepted (default 10 MiB).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@db_option
def ingest(paths: tuple[Path, ...], published: date | None, manifest: Path | None, jobs: int,
           max_bytes: int | None, progress: bool | None, db_value: str | None, config_path: Path | None) -> None:
    """Read articles (files, folders, JSONL), extract their events and store them."""
    settings = _settings(db_value, config_path)
    engine = timeline.open_db(settings.db_url)
    bar = progress_bar(progress, "ingest")
    try:
        summary = timeline.ingest(
            engine,
            list(paths),
            published=published,
            manifest=manifest,
            max_bytes=max_bytes or settings.max_bytes,
            jobs=jobs,
            today=datetime.now(UTC).date(),
            progress=(lambda _name: bar.update(1)) if bar is not None else None,
            lexicon_dirs=settings.lexicon_dirs,
        )
    finally:
        if bar is not None:
            bar.close()
        engine.dispose()
    echo_warnings(summary)
    click.echo(summary.line())


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reference", callback=_iso_date, metavar="DATE",
              help="Resolve relative dates against DATE (default: the file's own publication date).")
def dates(file: Path, reference: date | None) -> None:
    """Time mentions in FILE as JSON lines (offsets into the decoded text).

    For a JSONL file each line is a document: its mentions carry "document" (FILE#LINE) and
    offsets into that line's text. A line that cannot be read is named on stderr (exit 1); the
    mentions of the other lines are still printed.
    """
    from timeline.extract.timex import find_time_mentions
    from timeline.records import Rejection
    from timeline.sources import JSONL_SUFFIXES, iter_documents

    rejected: list[tuple[str, str]] = []
    several = file.suffix.lower() in JSONL_SUFFIXES
    for document in iter_documents([file]):
        if isinstance(document, Rejection):
            rejected.append((document.name, document.reason))
            continue
        ref = reference or document.published
        for mention in find_time_mentions(document.text, ref):
            record = {
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
                "value": mention.value,
                "date_start": mention.date_start.isoformat() if mention.date_start else None,
                "date_end": mention.date_end.isoformat() if mention.date_end else None,
                "precision": mention.precision,
                "type": mention.type,
                "approximate": mention.approximate,
            }
            if several:
                record["document"] = document.uri
            click.echo(json.dumps(record, ensure_ascii=False))
    if rejected:
        raise InputRejected(rejected)


@cli.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@db_option
def events(date_from: date | None, date_to: date | None, types: tuple[str, ...], actor: str | None,
           place: str | None, text: str | None, fmt: str, db_value: str | None, config_path: Path | None) -> None:
    """List events (v_timeline) in chronological order, undated last."""
    settings = _settings(db_value, config_path)
    filters = _filters(date_from, date_to, types, actor, place, text)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        rows = timeline.list_events(engine, filters)
    finally:
        engine.dispose()
    columns = ["event_id", "date_start", "date_end", "date_precision", "date_approximate", "event_type", "title",
               "place", "actors", "source_count"]
    if fmt == "table":
        click.echo(format_rows(columns, [[row[c] for c in columns] for row in rows], fmt), nl=False)
    else:
        from timeline.export import COLUMNS  # v_timeline's, as DESIGN.md lists them: also with no rows

        click.echo(format_rows(list(COLUMNS), [[row[c] for c in COLUMNS] for row in rows], fmt), nl=False)


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@db_option
def sql(query: str, fmt: str, db_value: str | None, config_path: Path | None) -> None:
    """Run one read-only SQL statement (SELECT/WITH/EXPLAIN) against the database."""
    from timeline.queries import guard_engine, run_sql

    settings = _settings(db_value, config_path)
    engine = db.open_engine(settings.db_url, read_only=True)
    guard_engine(engine)
    try:
        columns, rows = run_sql(engine, query)
    finally:
        engine.dispose()
    click.echo(format_rows(columns, rows, fmt), nl=False)


@cli.command()
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"), show_default=True)
@db_option
def quickstart(seeds_dir: Path, out_dir: Path, db_value: str | None, config_path: Path | None) -> None:
    """Seeds → database → briefings: init, ingest the seeds with their manifest, build the reports."""
    from timeline import sources
    from timeline.errors import ConfigError
    from timeline.report import write_default_briefings

    settings = _settings(db_value, config_path)
    if not seeds_dir.is_dir():
        raise ConfigError(f"seeds folder {seeds_dir}: not found (give --seeds DIR)")
    manifest = next((p for p in (seeds_dir / "manifest.csv", seeds_dir / "manifest.jsonl") if p.is_file()), None)
    inputs = [p for p in sorted(seeds_dir.iterdir()) if p.suffix in sources.KNOWN_SUFFIXES
              and p.name.lower() != "readme.md" and (manifest is None or p != manifest)]
    if not inputs:
        raise ConfigError(f"seeds folder {seeds_dir}: no articles in it ({sources.KNOWN_SUFFIXES_TEXT})")
    timeline.init_db(settings.db_url)
    engine = timeline.open_db(settings.db_url)
    try:
        summary = timeline.ingest(engine, inputs, manifest=manifest, today=datetime.now(UTC).date(),
                                  lexicon_dirs=settings.lexicon_dirs)
        echo_warnings(summary)
        click.echo(f"{redact_url(settings.db_url)}: {summary.line()}")
        built = write_default_briefings(engine, settings, out_dir)
    finally:
        engine.dispose()
    for path in built:
        click.echo(f"wrote {path}")


# NOTE: imported last: these modules add their commands to `cli` defined above.
import timeline.cli_curate  # noqa: E402,F401  (event show, correct, merge, split, delete)
import timeline.cli_documents  # noqa: E402,F401  (document list, show, reextract, delete)
import timeline.cli_reports  # noqa: E402,F401  (report, reports, build, export, datasette-metadata)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `timeline` console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="timeline")
