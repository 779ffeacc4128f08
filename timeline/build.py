"""Stale reports of a build file: query, render, replace files atomically under a lock, record a manifest."""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, Engine, func, literal_column, select

from timeline import models
from timeline.config import redact_url, require_folder
from timeline.errors import ConfigError, TimelineError
from timeline.filters import Filters, make_filters
from timeline.report import (
    FORMATS,
    database_label,
    find_report,
    parse_params,
    render,
    resolve_date,
    write_atomically,
)
from timeline.templating import report_roots

MANIFEST = ".timeline-build.json"
LOCK = ".timeline-build.lock"
PERIOD_FORMS = "last N days|weeks|months|years, today, yesterday, this month, last month, this year or last year"
_LAST_N = re.compile(r"^last\s+(\d+)\s+(day|week|month|year)s?$")


class BuildBusy(TimelineError):
    """Another `timeline build` holds the lock on the output folder."""

    exit_code = 2


class BuildFailed(TimelineError):
    """Some outputs failed; every other output was built or is fresh (exit 2: a build file or report is wrong)."""

    exit_code = 2

    def __init__(self, build_file: Path, failed: list[Built], results: list[Built]):
        self.failed = failed  # each with its reason in .error
        self.results = results  # every output in build-file order, the failed ones included
        names = ", ".join(item.name for item in failed)
        super().__init__(f"build file {build_file}: {len(failed)} of {len(results)} output(s) failed ({names}); "
                         f"the others were built or are fresh")


@dataclass(frozen=True)
class Output:
    """One entry of a build file: a report, its filters and parameters, the files it makes."""

    name: str
    report: str
    formats: tuple[str, ...]
    path: str  # relative to the output folder, without the format's extension
    filters: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildFile:
    """A parsed build file."""

    path: Path
    out_dir: Path
    reports_dirs: tuple[Path, ...]
    outputs: tuple[Output, ...]


@dataclass(frozen=True)
class Built:
    """What happened to one output: "built", "fresh" (skipped) or "failed" (with why), and its files."""

    name: str
    status: str
    files: tuple[Path, ...]
    error: str = ""


def resolve_period(text: str, now: datetime) -> tuple[date, date]:
    """"last 7 days", "last month", "this month", "this year", "last year", "today", "yesterday" → (from, to).

    Resolved against `now` (the build time); raises ValueError for anything else.
    """
    phrase = " ".join(text.strip().lower().split())
    today = now.date()
    match = _LAST_N.match(phrase)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        return resolve_date(f"{count} {unit}s ago", now) + timedelta(days=1), today
    month_start = today.replace(day=1)
    if phrase == "today":
        return today, today
    if phrase == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if phrase == "this month":
        return month_start, today
    if phrase == "last month":
        end = month_start - timedelta(days=1)
        return end.replace(day=1), end
    if phrase == "this year":
        return date(today.year, 1, 1), today
    if phrase == "last year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(f"not a period; give {PERIOD_FORMS}")


def safe_output_path(out_dir: Path, relative: str, where: str) -> Path:
    """`relative` inside `out_dir`; raises ConfigError for absolute paths, `..` or a symlink leading out."""
    pure = PurePosixPath(relative.replace("\\", "/"))
    if not relative.strip() or pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", relative):
        raise ConfigError(f"{where}: output path {relative!r} must stay inside the output folder (no '..', not absolute)")
    target = out_dir.joinpath(*pure.parts)
    root = out_dir.resolve()
    if not target.resolve().is_relative_to(root):
        raise ConfigError(f"{where}: output path {relative!r} leads outside the output folder {out_dir}")
    return target


def load_build_file(path: Path, out_dir: Path | None = None) -> BuildFile:
    """Parse a build file; relative folders are relative to it. Raises ConfigError naming the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"build file {path}: not found (give --config FILE)") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"build file {path}: {exc}") from exc
    base = path.parent
    unknown = sorted(set(data) - {"output_dir", "reports", "output"})
    if unknown:
        raise ConfigError(f"build file {path}: unknown key(s) {', '.join(unknown)}")
    target = out_dir if out_dir is not None else base / str(data.get("output_dir", "out"))
    reports = data.get("reports", [])
    reports = [reports] if isinstance(reports, str) else reports
    if not isinstance(reports, list):
        raise ConfigError(f"build file {path}: reports must be a folder or a list of folders")
    entries = data.get("output", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"build file {path}: no [[output]] entries")
    outputs: list[Output] = []
    names: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"build file {path}: [[output]] #{index}"
        if not isinstance(entry, dict) or "report" not in entry:
            raise ConfigError(f"{where}: needs report = \"NAME\"")
        extra = sorted(set(entry) - {"report", "name", "formats", "path", "filters", "params"})
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(extra)}")
        name = str(entry.get("name", entry["report"]))
        if name in names:
            raise ConfigError(f"{where}: name {name!r} is used twice; give each output its own name")
        names.add(name)
        formats = entry.get("formats", list(FORMATS))
        formats = [formats] if isinstance(formats, str) else formats
        bad = sorted(set(formats) - set(FORMATS))
        if bad or not formats:
            raise ConfigError(f"{where}: formats {bad or formats} not among {', '.join(FORMATS)}")
        relative = str(entry.get("path", name))
        head, _, last = relative.replace("\\", "/").rpartition("/")
        if last.strip() in ("", ".", ".."):
            # "sub/" would write out/sub/.html and out/sub/.md: hidden files no reader looks for.
            example = f"{head}/{name}" if head else name
            raise ConfigError(f"{where}: output {name!r}: path {relative!r} ends in a folder, not a file name; "
                              f"give the file name without extension, e.g. path = {example!r}")
        safe_output_path(target, relative, where)
        outputs.append(Output(name, str(entry["report"]), tuple(formats), relative,
                              dict(entry.get("filters", {})), dict(entry.get("params", {}))))
    folders = tuple(base / str(item) for item in reports)
    for item, folder in zip(reports, folders, strict=True):
        require_folder(folder, f"build file {path}: reports (relative to the build file)", str(item))
    return BuildFile(path, target, folders, tuple(outputs))


def resolve_filters(raw: Mapping[str, Any], now: datetime, where: str) -> Filters:
    """Filters from a build entry: period / from / to (dates or relative), type, actor, place, text."""
    known = {"period", "from", "to", "type", "actor", "place", "text"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown filter(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    if "period" in raw and ("from" in raw or "to" in raw):
        given = ", ".join(f"{key} = {raw[key]!r}" for key in ("period", "from", "to") if key in raw)
        raise ConfigError(f"{where}: filters: {given}: give either period or from/to, not both")
    date_from = date_to = None
    for key in ("period", "from", "to"):
        if key not in raw:
            continue
        try:
            if key == "period":
                date_from, date_to = resolve_period(str(raw[key]), now)
            elif key == "from":
                date_from = _as_date(raw[key], now)
            else:
                date_to = _as_date(raw[key], now)
        except ValueError as exc:
            raise ConfigError(f"{where}: filters: {key} = {raw[key]!r} is invalid: {exc}") from exc
    types = raw.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    try:
        return make_filters(date_from, date_to, types, raw.get("actor"), raw.get("place"), raw.get("text"))
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _as_date(value: Any, now: datetime) -> date:
    if isinstance(value, date):
        return value
    return resolve_date(str(value), now)


def data_fingerprint(engine: Engine) -> str:
    """A hash of row counts and newest ids/timestamps of every table reports read.

    Any ingest, curation or deletion changes it; it costs one indexed aggregate per table.
    """
    parts: list[Any] = []
    with engine.connect() as conn:
        for model in (models.Document, models.Event, models.EventSource, models.Actor, models.ActorAlias, models.Place):
            table = model.__table__
            columns = [func.count(), func.max(table.c.id)]
            if "updated_at" in table.c:
                columns.append(func.max(table.c.updated_at))
            if "ingested_at" in table.c:
                columns.append(func.max(table.c.ingested_at))
            parts.append([str(value) for value in conn.execute(select(*columns)).one()])
            if "published" in table.c:
                # NOTE: a statement of its own: alone it reads the covering index ix_documents_published;
                # beside the others SQLite reads every row, texts and all (30 ms instead of 5 on Reuters).
                parts.append(str(conn.execute(select(_published_checksum(conn, table))).scalar_one()))
        links = models.EventActor.__table__
        parts.append([str(value) for value in conn.execute(
            select(func.count(), func.max(links.c.event_id), func.sum(links.c.actor_id))).one()])
    return _digest(parts)


def _published_checksum(conn: Connection, table: Any) -> Any:
    """The documents' dates weighted by id, summed: `timeline document reextract ID --published D`
    re-dates a document without adding a row or a timestamp, and when every event it supports is
    curated no event is rebuilt either, yet its reports' `published` and `first_published` change."""
    if conn.dialect.name == "sqlite":
        return func.total(table.c.id * func.julianday(table.c.published))
    return func.sum(table.c.id * literal_column("(published - DATE '2000-01-01')"))


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version() -> str:
    try:
        return metadata.version("timeline")
    except metadata.PackageNotFoundError:
        return "unknown"


@contextmanager
def build_lock(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold an exclusive lock on the output folder, waiting up to `wait` seconds; raises BuildBusy."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildBusy(f"another `timeline build` is writing to {out_dir} (lock {path}); "
                                    f"nothing was built; try again later or pass --wait SECONDS") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of the last builds in `out_dir` ({} when there is none or it is unreadable)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def build(engine: Engine, build_file: BuildFile, *, now: datetime | None = None, force: bool = False,
          db_url: str | None = None, wait: float = 300.0, user_dirs: tuple[Path, ...] = (),
          on_output: Callable[[Built], None] | None = None) -> list[Built]:
    """Build every output of `build_file` whose inputs changed (all with force); returns what happened.

    Inputs are the data fingerprint, the report's files, the templates it loaded, the resolved
    filters and parameters and timeline's version. Each output is passed to `on_output` as soon as
    it is done. An output whose report, filters or parameters are wrong, or whose report fails,
    writes nothing and is not recorded, so the next build tries it again; the outputs after it are
    still built, and then BuildFailed names the failed ones. Raises ConfigError (a report folder that
    is not a directory: nothing is built), BuildBusy or BuildFailed.
    """
    moment = now or datetime.now(UTC)
    out_dir = build_file.out_dir
    dirs = (*build_file.reports_dirs, *user_dirs)
    report_roots(dirs)  # a missing report folder fails the whole build, before anything is written
    results: list[Built] = []
    with build_lock(out_dir, wait):
        manifest = read_manifest(out_dir)
        entries: dict[str, Any] = dict(manifest.get("outputs", {}))
        data_hash = data_fingerprint(engine)
        for output in build_file.outputs:
            where = f"build file {build_file.path}: output {output.name!r}"
            try:
                result = _build_output(engine, build_file, output, entries, data_hash=data_hash, dirs=dirs,
                                       moment=moment, force=force, db_url=db_url)
            except TimelineError as exc:
                reason = str(exc)
                result = Built(output.name, "failed", (), reason if reason.startswith(where) else f"{where}: {reason}")
            results.append(result)
            if on_output is not None:
                on_output(result)
    failed = [item for item in results if item.status == "failed"]
    if failed:
        raise BuildFailed(build_file.path, failed, results)
    return results


def _build_output(engine: Engine, build_file: BuildFile, output: Output, entries: dict[str, Any], *,
                  data_hash: str, dirs: tuple[Path, ...], moment: datetime, force: bool, db_url: str | None) -> Built:
    """Build one output if stale, recording it in `entries` and the manifest; raises TimelineError."""
    out_dir = build_file.out_dir
    where = f"build file {build_file.path}: output {output.name!r}"
    definition = find_report(output.report, dirs)
    filters = resolve_filters(output.filters, moment, where)
    inputs = {
        "data": data_hash,
        "report": {name: _file_hash(path) for name, path in definition.files().items()},
        "filters": _digest(filters.__dict__),
        "params": _digest(output.params),
        "resolved": [filters.date_from, filters.date_to],
        "formats": list(output.formats),
        "version": _version(),
    }
    if definition.params:
        # Relative dates in parameters ("7 days ago") depend on the build time too.
        inputs["params"] = _digest(parse_params(definition, output.params, moment,
                                                given_as="params.{name} = {value}"))
    files = [safe_output_path(out_dir, f"{output.path}.{fmt}", where) for fmt in output.formats]
    previous = entries.get(output.name, {})
    templates = {name: _file_hash(Path(path)) for name, path in previous.get("templates", {}).items()
                 if Path(path).is_file()}
    fresh = (
        not force
        and previous.get("inputs") == _digest(inputs)
        and templates == previous.get("template_hashes")
        and all(path.is_file() for path in files)
    )
    if fresh:
        return Built(output.name, "fresh", tuple(files))
    rendered = render(engine, definition, formats=output.formats, filters=filters, params=output.params,
                      now=moment, database=database_label(db_url or str(engine.url)))
    for fmt, path in zip(output.formats, files, strict=True):
        write_atomically(path, rendered.outputs[fmt])
    used = {name: str(path) for name, path in sorted(rendered.templates_used.items())}
    entries[output.name] = {
        "report": output.report,
        "report_folders": [str(folder) for folder in definition.folders],
        "files": {str(path.relative_to(out_dir)): _file_hash(path) for path in files},
        "filters": filters.describe(),
        "params": {key: str(value) for key, value in output.params.items()},
        "rows": rendered.row_counts,
        "inputs": _digest(inputs),
        "input_parts": {key: value for key, value in inputs.items() if key != "report"},
        "templates": used,
        "template_hashes": {name: _file_hash(Path(path)) for name, path in used.items()},
        "built_at": moment.isoformat(),
    }
    # NOTE: the manifest is written after each output's files, so a crash never records
    # a build whose files were not replaced.
    manifest = {"database": redact_url(db_url or str(engine.url)), "build_file": str(build_file.path),
                "updated_at": moment.isoformat(), "outputs": entries}
    write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    return Built(output.name, "built", tuple(files))
