"""click commands report, build, export and datasette-metadata, registered on timeline.cli.cli."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

import timeline
from timeline.cli import _filters, _settings, cli, db_option, filter_options
from timeline.errors import ConfigError
from timeline.records import REPORT_FORMATS

# NOTE: timeline.report (Jinja) is imported by the commands that use it, not here: this module is
# imported whenever the CLI starts, and most commands (ingest, sql, dates) render nothing.

DEFAULT_BUILD_FILE = Path("timeline-build.toml")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--param {item!r}: write NAME=VALUE")
        params[name.strip()] = value
    return params


def _reports_dirs(option: tuple[Path, ...], settings_dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    # --reports folders come before the settings' folders; both before the defaults.
    return (*option, *settings_dirs)


def _emit(content: str, output: Path | None) -> None:
    if output is None:
        click.echo(content, nl=False)
        return
    from timeline.report import write_atomically

    write_atomically(output, content)
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("name")
@filter_options
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Report parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="html or md (default: from -o's suffix, .md → md; else html).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default stdout).")
@click.option("--reports", "reports", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of your own reports; searched before the defaults (repeatable).")
@db_option
def report(name: str, date_from: date | None, date_to: date | None, types: tuple[str, ...], actor: str | None,
           place: str | None, text: str | None, params: tuple[str, ...], fmt: str | None, output: Path | None,
           reports: tuple[Path, ...], db_value: str | None, config_path: Path | None) -> None:
    """Render report NAME (briefing, actor, whats_new, or your own) as HTML or Markdown."""
    from timeline.report import database_label, render_report

    if fmt is None:
        fmt = "md" if output is not None and output.suffix.lower() in (".md", ".markdown") else "html"

    settings = _settings(db_value, config_path)
    filters = _filters(date_from, date_to, types, actor, place, text)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        content = render_report(engine, name, fmt, filters=filters, params=_parse_params(params),
                                user_dirs=_reports_dirs(reports, settings.reports_dirs), now=datetime.now(UTC),
                                database=database_label(settings.db_url))
    finally:
        engine.dispose()
    _emit(content, output)


@cli.command("reports")
@click.option("--reports", "reports", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
def reports_command(reports: tuple[Path, ...], db_value: str | None, config_path: Path | None) -> None:
    """List the reports (yours first, then the defaults) with their parameters."""
    from timeline.report import find_report, list_reports
    from timeline.templating import report_roots

    settings = _settings(db_value, config_path)
    dirs = _reports_dirs(reports, settings.reports_dirs)
    for name in list_reports(report_roots(dirs)):
        definition = find_report(name, dirs)
        click.echo(f"{name}: {definition.title} ({definition.folders[0]})")
        for param in definition.params.values():
            default = "required" if param.required and param.default is None else f"default {param.default!r}"
            click.echo(f"    --param {param.name}=<{param.type}>  {default}{'  ' + param.help if param.help else ''}")


@cli.command()
@click.option("--config", "build_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_BUILD_FILE,
              show_default=True, help="Build file (TOML) listing the outputs.")
@click.option("--force", is_flag=True, help="Rebuild every output, stale or not.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: the build file's output_dir).")
@click.option("--wait", type=click.FloatRange(0), default=300, show_default=True,
              help="Seconds to wait for another build holding the lock.")
@click.option("--db", "db_value", metavar="PATH|URL", help="Database file or SQLAlchemy URL.")
@click.option("--settings", "settings_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file (default ./timeline.toml when present).")
def build(build_path: Path, force: bool, out_dir: Path | None, wait: float, db_value: str | None,
          settings_path: Path | None) -> None:
    """Build every output of the build file whose inputs changed (data, query, templates, parameters)."""
    from timeline.build import Built, load_build_file
    from timeline.build import build as run_build

    def echo(item: Built) -> None:
        # Each output as it is done, so a cron log shows what was written before any failure.
        if item.status == "failed":
            click.echo(f"timeline: {item.error}", err=True)
        else:
            click.echo(f"{item.status:5} {item.name}: {', '.join(str(path) for path in item.files)}")

    settings = _settings(db_value, settings_path)
    build_file = load_build_file(build_path, out_dir)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        run_build(engine, build_file, force=force, db_url=settings.db_url, wait=wait,
                  user_dirs=settings.reports_dirs, on_output=echo)
    finally:
        engine.dispose()


@cli.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "timelinejs", "ics"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default stdout).")
@db_option
def export(date_from: date | None, date_to: date | None, types: tuple[str, ...], actor: str | None,
           place: str | None, text: str | None, fmt: str, output: Path | None, db_value: str | None,
           config_path: Path | None) -> None:
    """Export events (v_timeline) as CSV, JSON, TimelineJS JSON or iCalendar."""
    from timeline.export import export as run_export

    settings = _settings(db_value, config_path)
    filters = _filters(date_from, date_to, types, actor, place, text)
    engine = timeline.open_db(settings.db_url, read_only=True)
    try:
        content = run_export(engine, fmt, filters, now=datetime.now(UTC))
    finally:
        engine.dispose()
    _emit(content, output)


# Datasette passes every named parameter as text ('' when left blank).
_DATASETTE_WHERE = (
    "(:from = '' OR t.date_end >= :from) AND (:to = '' OR t.date_start <= :to)"
    " AND (:type = '' OR t.event_type = :type)"
    " AND (:actor = '' OR t.event_id IN (SELECT ea.event_id FROM event_actors ea JOIN actors a ON a.id = ea.actor_id"
    " WHERE lower(a.name) LIKE '%' || lower(:actor) || '%'))"
    " AND (:place = '' OR lower(t.place) LIKE '%' || lower(:place) || '%'"
    " OR lower(t.country) LIKE '%' || lower(:place) || '%')"
    " AND (:text = '' OR lower(t.title) LIKE '%' || lower(:text) || '%' OR lower(t.summary) LIKE '%' || lower(:text) || '%')"
)


def datasette_metadata(database: str, user_dirs: tuple[Path, ...]) -> dict[str, Any]:
    """Datasette metadata turning each report's queries into canned queries with their parameters."""
    from timeline.report import find_report, inline_queries, list_reports
    from timeline.templating import report_roots

    queries: dict[str, Any] = {}
    for name in list_reports(report_roots(user_dirs)):
        definition = find_report(name, user_dirs)
        for query_name, sql in inline_queries(definition, _DATASETTE_WHERE).items():
            sql = "\n".join(line for line in sql.splitlines() if line.strip())
            key = name if query_name == "events" else f"{name}_{query_name}"
            params = sorted(set(re.findall(r"(?<![:\w]):(\w+)", sql)))
            queries[key] = {
                "title": definition.title if query_name == "events" else f"{definition.title}: {query_name}",
                "description": definition.description,
                "sql": sql,
                "params": params,
            }
    return {"title": "timeline", "databases": {database: {"queries": queries}}}


@cli.command("datasette-metadata")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default stdout).")
@click.option("--reports", "reports", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
def datasette_metadata_command(output: Path | None, reports: tuple[Path, ...], db_value: str | None,
                               config_path: Path | None) -> None:
    """Datasette metadata (JSON) with the reports' queries as canned queries: datasette DB -m FILE."""
    settings = _settings(db_value, config_path)
    url = settings.db_url
    name = Path(url.split("///", 1)[-1]).stem if url.startswith("sqlite") else "timeline"
    data = datasette_metadata(name, _reports_dirs(reports, settings.reports_dirs))
    _emit(json.dumps(data, indent=2) + "\n", output)
