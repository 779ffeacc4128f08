"""Report folder + filters + parameters → rows → HTML or Markdown text."""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from timeline.config import Settings, redact_url
from timeline.db import spell_caseless
from timeline.errors import ReportError
from timeline.filters import Filters, where_clause
from timeline.queries import unique_columns
from timeline.records import REPORT_FORMATS
from timeline.templating import report_environment, report_roots

FORMATS = REPORT_FORMATS
PARAM_TYPES = ("string", "int", "float", "bool", "date")
# Context names and template helpers a query or parameter may not shadow.
RESERVED = {"report", "params", "filters", "filters_text", "generated", "database", "period", "colours",
            "group_by_month", "chronology", "titled_sections", "split_dated", "count_by_type", "key_developments",
            "strip_layout", "describe_date", "md_link", "raw_markdown"}
WHERE_MARK = "{where}"
# `{query.column}` in a query: the values of `column` in the rows of an earlier query (VALUES_MARK).
VALUES_MARK = re.compile(r"\{([A-Za-z_]\w*)\.([A-Za-z_]\w*)\}")
# `{caseless COLUMN = :param}`: the column's text is the parameter's in any case, in any alphabet.
CASELESS_MARK = re.compile(r"\{caseless[ \t]+([A-Za-z_][\w.]*)[ \t]*=[ \t]*:([A-Za-z_]\w*)[ \t]*\}")
DATE_FORMS = "a date YYYY-MM-DD, today, yesterday or N days|weeks|months|years ago"
_RELATIVE = re.compile(r"^(\d+)\s+(day|week|month|year)s?\s+ago$")


@dataclass(frozen=True)
class Param:
    """One parameter a report takes, from its report.toml."""

    name: str
    type: str = "string"
    default: Any = None
    required: bool = False
    help: str = ""
    choices: tuple[Any, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Attach:
    """Nest the rows of one query into the rows of another by a shared key."""

    query: str
    to: str
    key: str
    name: str


@dataclass(frozen=True)
class ReportDef:
    """A report folder (and the folders of the same name it falls back to), parsed."""

    name: str
    folders: tuple[Path, ...]
    roots: tuple[Path, ...]
    title: str
    description: str
    params: dict[str, Param]
    queries: dict[str, str]
    attach: tuple[Attach, ...] = ()
    templates: dict[str, str] = field(default_factory=dict)

    def find_file(self, filename: str) -> Path:
        """The first folder's copy of `filename`; raises ReportError when none has it."""
        if "/" in filename or "\\" in filename or filename in ("", ".", ".."):
            raise ReportError(f"report '{self.name}': report.toml: {filename!r} must be a file in the report folder")
        for folder in self.folders:
            candidate = folder / filename
            if candidate.is_file():
                return candidate
        raise ReportError(f"report '{self.name}': {filename}: not found in {', '.join(map(str, self.folders))}")

    def files(self) -> dict[str, Path]:
        """Every file of the report by its name, first folder winning (for hashing)."""
        found: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    found.setdefault(path.relative_to(folder).as_posix(), path)
        return dict(sorted(found.items()))

    def template_name(self, fmt: str) -> str:
        return self.templates.get(fmt, f"{self.name}.{fmt}.j2")


@dataclass(frozen=True)
class Rendered:
    """The text of each format asked for, and the template files that made it."""

    outputs: dict[str, str]
    templates_used: dict[str, Path]
    row_counts: dict[str, int]


def list_reports(roots: Sequence[Path]) -> list[str]:
    """Names of the report folders under `roots` (those with a report.toml); [] when none."""
    names: set[str] = set()
    for root in roots:
        if root.is_dir():
            names.update(path.parent.name for path in root.glob("*/report.toml"))
    return sorted(names)


def find_report(name: str, user_dirs: Sequence[Path] = ()) -> ReportDef:
    """The report `name` from the user's folders first, then the defaults; raises ReportError."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or ".." in name:
        raise ReportError(f"report '{name}': not a report name (letters, digits, '_', '-', '.')")
    roots = tuple(report_roots(user_dirs))
    folders = tuple(root / name for root in roots if (root / name).is_dir())
    if not folders:
        known = ", ".join(list_reports(roots)) or "none"
        raise ReportError(f"report '{name}': no such report in {', '.join(map(str, roots))} (known: {known})")
    definition_path = next((folder / "report.toml" for folder in folders if (folder / "report.toml").is_file()), None)
    if definition_path is None:
        raise ReportError(f"report '{name}': report.toml: not found in {', '.join(map(str, folders))}")
    return _parse_definition(name, folders, roots, definition_path)


def _line_of(source: str, pattern: str) -> int:
    for number, line in enumerate(source.splitlines(), start=1):
        if re.search(pattern, line):
            return number
    return 0


def _parse_definition(name: str, folders: tuple[Path, ...], roots: tuple[Path, ...], path: Path) -> ReportDef:
    source = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"report '{name}': report.toml: {exc}") from exc

    def fail(message: str, pattern: str = "") -> ReportError:
        line = _line_of(source, pattern) if pattern else 0
        where = f"report.toml: line {line}" if line else "report.toml"
        return ReportError(f"report '{name}': {where}: {message}")

    params: dict[str, Param] = {}
    for key, spec in (data.get("params") or {}).items():
        if not isinstance(spec, dict):
            raise fail(f"params.{key} must be a table", rf"^\s*\[?params\.{re.escape(key)}\b")
        kind = spec.get("type", "string")
        if kind not in PARAM_TYPES:
            raise fail(f"params.{key}: type {kind!r} is not one of {', '.join(PARAM_TYPES)}",
                       rf"params\.{re.escape(key)}\]")
        if key in RESERVED or key.startswith("f_") or not key.isidentifier():
            raise fail(f"params.{key}: name is reserved or not an identifier", rf"params\.{re.escape(key)}\]")
        params[key] = Param(key, kind, spec.get("default"), bool(spec.get("required", False)), str(spec.get("help", "")),
                            tuple(spec.get("choices", ())), _line_of(source, rf"params\.{re.escape(key)}\]"))
    queries = data.get("queries") or {"events": "query.sql"}
    if not isinstance(queries, dict) or not all(isinstance(v, str) for v in queries.values()):
        raise fail("[queries] maps a name to a .sql file", r"^\s*\[queries\]")
    for query_name in queries:
        if query_name in RESERVED or query_name in params or not query_name.isidentifier():
            raise fail(f"queries.{query_name}: name clashes with a parameter or a reserved name", r"^\s*\[queries\]")
    attach = []
    for item in data.get("attach") or []:
        try:
            attach.append(Attach(item["query"], item["to"], item["key"], item["as"]))
        except (KeyError, TypeError) as exc:
            raise fail("each [[attach]] needs query, to, key and as", r"^\s*\[\[attach\]\]") from exc
        if item["query"] not in queries or item["to"] not in queries:
            raise fail(f"[[attach]] names an unknown query ({item['query']} → {item['to']})", r"^\s*\[\[attach\]\]")
    return ReportDef(
        name=name,
        folders=folders,
        roots=roots,
        title=str(data.get("title", name)),
        description=str(data.get("description", "")),
        params=params,
        queries=dict(queries),
        attach=tuple(attach),
        templates=dict(data.get("templates") or {}),
    )


def resolve_date(value: str, now: datetime) -> date:
    """An ISO date, "today", "yesterday" or "N days|weeks|months|years ago", against `now`.

    Raises ValueError for anything else.
    """
    text = value.strip().lower()
    today = now.date()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    match = _RELATIVE.match(text)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        if unit == "day":
            return today - timedelta(days=count)
        if unit == "week":
            return today - timedelta(weeks=count)
        months = count * (12 if unit == "year" else 1)
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        month += 1
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        return date(year, month, min(today.day, last))
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        # "2021-13-45" is meant as a date, so say what is wrong with it; for "last week" Python's
        # reason ("Invalid isoformat string") says nothing the accepted forms do not.
        detail = f" ({exc})" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) else ""
        raise ValueError(f"not a date{detail}; give {DATE_FORMS}") from exc


def parse_params(definition: ReportDef, raw: Mapping[str, Any], now: datetime, *,
                 given_as: str = "--param {name}={value}") -> dict[str, Any]:
    """Typed parameter values: given ones converted, the rest from defaults; raises ReportError.

    `given_as` spells a given value in messages (str.format with `name` and `value`): the command
    line's `--param since='x'`, a build file's `params.since = 'x'`.
    """
    unknown = sorted(set(raw) - set(definition.params))
    if unknown:
        known = ", ".join(definition.params) or "none"
        raise ReportError(f"report '{definition.name}': report.toml: no parameter {', '.join(map(repr, unknown))} "
                          f"(parameters: {known})")
    values: dict[str, Any] = {}
    for name, spec in definition.params.items():
        given = name in raw
        value = raw[name] if given else spec.default
        where = f"report '{definition.name}': report.toml: line {spec.line}" if spec.line else \
            f"report '{definition.name}': report.toml"
        if value is None:
            if spec.required:
                raise ReportError(f"{where}: parameter {name!r} is required ({given_as.format(name=name, value='…')})")
            values[name] = None
            continue
        try:
            values[name] = _convert(spec.type, value, now)
        except (TypeError, ValueError) as exc:
            origin = given_as.format(name=name, value=repr(value)) if given else f"default {value!r}"
            raise ReportError(f"{where}: parameter {name!r} ({spec.type}): {origin} is invalid: {exc}") from exc
        if spec.choices and values[name] not in spec.choices:
            raise ReportError(f"{where}: parameter {name!r}: {value!r} is not one of "
                              f"{', '.join(map(str, spec.choices))}")
    return values


def _convert(kind: str, value: Any, now: datetime) -> Any:
    if kind == "string":
        return str(value)
    # Python's reasons ("invalid literal for int() with base 10") leave out what to write instead.
    if kind == "int":
        try:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        except ValueError:
            raise ValueError("not a whole number; give one such as 5") from None
    if kind == "float":
        try:
            return float(value)
        except ValueError:
            raise ValueError("not a number; give one such as 2.5") from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError("not true or false; give true, false, yes, no, on, off, 1 or 0")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return resolve_date(str(value), now)


def _sql_error_line(sql: str, message: str) -> int:
    """Best-effort line of `sql` an error message points at (0 when unknown)."""
    match = re.search(r"LINE (\d+):", message)
    if match:
        return int(match.group(1))
    match = re.search(r'near "([^"]+)"', message) or re.search(r"no such (?:column|table|function): ([\w.]+)", message) \
        or re.search(r'(?:column|relation|function) "?([\w.]+)"? does not exist', message)
    if match:
        token = match.group(1).split(".")[-1]
        return _line_of(sql, rf"(?i)(?<![\w]){re.escape(token)}(?![\w])")
    return 0


def prepare_sql(source: str, condition: str) -> str:
    """`source` with {where} filled by `condition`; comments go first so that a {where} in one stays put.

    Line numbers are kept, so that database errors can name the line of the .sql file.
    """
    return _drop_comments(source).replace(WHERE_MARK, condition)


def fill_caseless(sql: str, values: Mapping[str, Any], dialect: str | None) -> tuple[str, dict[str, Any]]:
    """`sql` with each `{caseless column = :param}` spelt for `dialect`, and the parameters that binds.

    A text value is compared as the filters compare it (db.spell_caseless: on SQLite through
    db.CASEFOLD_FUNCTION when it is not ASCII), bound as `f_caseless_<param>`. Without a text value,
    or without a dialect (SQL for tools that run it on their own, such as Datasette, which lack
    timeline's function), the mark is `lower(column) = lower(:param)`: ASCII letters fold on SQLite,
    every letter on PostgreSQL. Line numbers are kept.
    """
    extra: dict[str, Any] = {}

    def spell(match: re.Match[str]) -> str:
        column, param = match.group(1), match.group(2)
        value = values.get(param)
        if dialect is None or not isinstance(value, str):
            return f"lower({column}) = lower(:{param})"
        # NFC, as stored text is (README, Inputs), and as the filters take their values.
        caseless = spell_caseless(unicodedata.normalize("NFC", value), dialect)
        name = f"f_caseless_{param}"
        extra[name] = caseless.value
        return f"{caseless.stored(column)} = {caseless.bound(name)}"

    return CASELESS_MARK.sub(spell, sql), extra


@dataclass(frozen=True)
class ValuesRef:
    """A `{query.column}` in a query's SQL: the bound parameter that carries the values."""

    query: str
    column: str
    param: str
    line: int


def find_values_refs(definition: ReportDef, name: str, filename: str, source: str) -> list[ValuesRef]:
    """The `{query.column}` marks of query `name`, each naming a query listed before it; raises ReportError.

    A mark naming no query of the report is left as it is (it may be text in a literal).
    """
    order = list(definition.queries)
    refs: dict[str, ValuesRef] = {}
    code = _drop_comments(source)  # keeps the lines where they are
    for match in VALUES_MARK.finditer(code):
        query, column = match.group(1), match.group(2)
        if query not in definition.queries:
            continue
        line = code.count("\n", 0, match.start()) + 1
        if order.index(query) >= order.index(name):
            raise ReportError(f"report '{definition.name}': {filename}: line {line}: {{{query}.{column}}} needs "
                              f"query {query!r} listed before {name!r} in [queries]")
        param = f"f_values_{query}_{column}"
        refs.setdefault(match.group(0), ValuesRef(query, column, param, line))
    return list(refs.values())


def fill_values(sql: str, refs: Sequence[ValuesRef], expansion: Mapping[str, str]) -> str:
    """`sql` with each `{query.column}` of `refs` replaced by expansion[param]."""
    for ref in refs:
        sql = sql.replace(f"{{{ref.query}.{ref.column}}}", expansion[ref.param])
    return sql


def inline_queries(definition: ReportDef, condition: str) -> dict[str, str]:
    """Each query's SQL with {where} filled and each `{query.column}` written as a subquery of that query.

    For tools that run the SQL on their own (Datasette's canned queries), without the rows of earlier
    queries; raises ReportError as find_values_refs does.
    """
    inlined: dict[str, str] = {}
    for name, filename in definition.queries.items():
        source = definition.find_file(filename).read_text(encoding="utf-8")
        refs = find_values_refs(definition, name, filename, source)
        inlined[name] = fill_values(fill_caseless(prepare_sql(source, condition), {}, None)[0], refs, {
            ref.param: f"(SELECT v_{ref.query}.{ref.column} FROM ({inlined[ref.query]}) v_{ref.query})" for ref in refs})
    return inlined


def values_expansion(dialect: str, param: str, db_type: str | None = None) -> str:
    """The subquery a `{query.column}` becomes: one row per value of the parameter `param`.

    SQLite reads a JSON array (json_each); PostgreSQL unnests an array of the column's type,
    which names the type even when the array is empty.
    """
    if dialect == "postgresql":
        return f"(SELECT unnest(CAST(:{param} AS {db_type or 'text'}[])))"
    return f"(SELECT value FROM json_each(:{param}))"


def _values_of(dialect: str, raw: Sequence[Sequence[Any]], index: int) -> Any:
    """The distinct values of column `index`, in first-seen order, bound as the dialect's expansion reads them."""
    values = list(dict.fromkeys(map(itemgetter(index), raw)))
    if dialect == "postgresql":
        return values
    try:
        return json.dumps(values)  # ids and text: JSON as they are
    except TypeError:  # dates (SQLite's own rows hold them as ISO text already)
        return json.dumps([value.isoformat(sep=" ") if isinstance(value, datetime) else
                           value.isoformat() if isinstance(value, date) else value for value in values])


def _db_type(description: Any, index: int) -> str | None:
    """PostgreSQL's name of the type of result column `index` (psycopg's type_display), None when unknown."""
    try:
        name = description[index].type_display
    except (AttributeError, IndexError, TypeError):
        return None
    # Only a type name, never text of the data: letters, digits, spaces, _ ( ) , and [].
    return name if isinstance(name, str) and re.fullmatch(r"[\w ,()\[\]]+", name) else None


def bind_values(engine: Engine, values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values as the backend compares them (ISO text for dates on SQLite)."""
    return {key: _bind_value(engine, value) for key, value in values.items()}


def _drop_comments(sql: str) -> str:
    """`sql` without its -- and /* */ comments; newlines and quoted text are kept."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * sql.count("\n", i, end))
            i = end
        elif sql[i] in "'\"":
            end = sql.find(sql[i], i + 1)
            end = n if end < 0 else end + 1
            out.append(sql[i:end])
            i = end
        else:
            out.append(sql[i])
            i += 1
    return "".join(out)


def _bind_value(engine: Engine, value: Any) -> Any:
    # SQLite stores dates as ISO text (DESIGN, Database); bind them as such.
    if engine.dialect.name == "sqlite" and isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d")


def _make_rows(columns: Sequence[str], tuples: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as dicts, dates as date, timestamps as datetime, flags as bool, whatever the backend returned.

    SQLite returns dates as ISO text; the columns to convert are picked by name once per query,
    and converted a column at a time (each distinct value once), so that a row costs one dict.
    Repeated column names are made unique as `timeline sql --format json` does (queries.unique_columns).
    """
    names = unique_columns(columns)
    if not tuples:
        return []
    converters = [_convert_days if name.startswith("date_") or name.endswith(("published", "_date"))
                  else _convert_times if name.endswith("_at") else None for name in names]
    if "date_approximate" in names:
        converters[names.index("date_approximate")] = _convert_flags
    if not any(converters):
        return [dict(zip(names, raw)) for raw in tuples]
    values: list[Sequence[Any]] = list(zip(*tuples))
    for i, convert in enumerate(converters):
        if convert is not None:
            values[i] = convert(values[i])
    return [dict(zip(names, row)) for row in zip(*values)]


def _convert_days(values: Sequence[Any]) -> Sequence[Any]:
    try:
        distinct = set(values)
    except TypeError:  # a value that cannot be hashed is not ISO text: leave the column as it is
        return values
    converted = {value: date.fromisoformat(value) for value in distinct
                 if type(value) is str and len(value) == 10 and _ISO_DAY.fullmatch(value)}
    if not converted:
        return values
    return [converted.get(value, value) for value in values] if len(converted) < len(distinct) \
        else list(map(converted.__getitem__, values))


def _convert_times(values: Sequence[Any]) -> Sequence[Any]:
    return [datetime.fromisoformat(value) if type(value) is str and _ISO_TIME.match(value) else value
            for value in values]


def _convert_flags(values: Sequence[Any]) -> Sequence[Any]:
    return [value if value is None else bool(value) for value in values]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while rows are made and rendered.

    A year of a large database makes hundreds of thousands of row dicts and lists that all live
    until the report is written; the collector walks them again and again and frees nothing
    (about a third of the query time at 49k events). Reference counting frees as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_queries(engine: Engine, definition: ReportDef, filters: Filters, params: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every query of the report with the filters and parameters bound; raises ReportError naming the file."""
    with _collector_paused():
        return _run_queries(engine, definition, filters, params)


def _run_queries(engine: Engine, definition: ReportDef, filters: Filters, params: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    dialect = engine.dialect.name
    condition, filter_params = where_clause(filters, "t", dialect)
    bound = {**filter_params, **params}
    prepared: list[tuple[str, str, str, list[ValuesRef]]] = []
    for name, filename in definition.queries.items():
        source = definition.find_file(filename).read_text(encoding="utf-8")
        refs = find_values_refs(definition, name, filename, source)
        sql, caseless = fill_caseless(prepare_sql(source, condition), bound, dialect)
        bound.update(caseless)
        check = fill_values(sql, refs, {ref.param: values_expansion("sqlite", ref.param) for ref in refs})
        missing = sorted(set(text(check).compile().params) - set(bound) - {ref.param for ref in refs})
        if missing:
            line = _line_of(source, rf":{re.escape(missing[0])}\b")
            raise ReportError(f"report '{definition.name}': {filename}: line {line}: no parameter "
                              f"{', '.join(map(repr, missing))} (parameters: {', '.join(definition.params) or 'none'})")
        prepared.append((name, filename, sql, refs))
    results: dict[str, list[dict[str, Any]]] = {}
    referenced = {ref.query for _, _, _, refs in prepared for ref in refs}
    # The DBAPI rows and result columns of the queries that {query.column} marks of later ones name.
    fetched: dict[str, tuple[list[str], Sequence[Sequence[Any]], Any]] = {}
    # NOTE: one transaction for all the queries, so that events and their sources come from the
    # same snapshot even while an ingest is writing.
    with engine.connect() as conn, conn.begin():
        if dialect == "postgresql":
            # JIT compiling costs more than it saves on these queries (760 → 350 ms, 1M events, a month).
            conn.exec_driver_sql("SET LOCAL jit = off")
        for name, filename, sql, refs in prepared:
            extra: dict[str, Any] = {}
            expansion: dict[str, str] = {}
            for ref in refs:
                columns, raw, description = fetched[ref.query]
                if ref.column not in columns:
                    raise ReportError(f"report '{definition.name}': {filename}: line {ref.line}: query {ref.query!r} "
                                      f"({definition.queries[ref.query]}) has no column {ref.column!r}")
                index = columns.index(ref.column)
                extra[ref.param] = _values_of(dialect, raw, index)
                expansion[ref.param] = values_expansion(dialect, ref.param, _db_type(description, index))
            statement = text(fill_values(sql, refs, expansion))
            values = {key: extra[key] if key in extra else _bind_value(engine, bound[key])
                      for key in statement.compile().params}
            try:
                result = conn.execute(statement, values)
                # The DBAPI's tuples as they are: text() columns have no result processing to apply,
                # and SQLAlchemy's per-row wrapping costs as much as the query on a large window.
                columns = list(result.keys())
                cursor = result.cursor
                raw = cursor.fetchall() if cursor is not None else []
                if name in referenced:
                    fetched[name] = (columns, raw, cursor.description if cursor is not None else None)
                result.close()
                results[name] = _make_rows(columns, raw)
            except DBAPIError as exc:
                message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
                line = _sql_error_line(sql, str(exc.orig) if exc.orig is not None else message)
                where = f"{filename}: line {line}" if line else filename
                raise ReportError(f"report '{definition.name}': {where}: {message}") from exc
            except SQLAlchemyError as exc:
                raise ReportError(f"report '{definition.name}': {filename}: {exc}") from exc
    for link in definition.attach:
        key, name = link.key, link.name
        for query in (link.query, link.to):
            if results[query] and key not in results[query][0]:  # every row of a query has the same columns
                raise ReportError(f"report '{definition.name}': {definition.queries[query]}: "
                                  f"no column {key!r} to attach by")
        by_key: dict[Any, list[dict[str, Any]]] = {}
        for row in results[link.query]:
            found = by_key.get(row[key])
            if found is None:
                by_key[row[key]] = [row]
            else:
                found.append(row)
        for row in results[link.to]:
            row[name] = by_key.get(row[key], [])
    return results


def database_label(url: str) -> str:
    """How the footer names the database: the SQLite file's name, or the URL without its password."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        return Path(path.split("?", 1)[0]).name or "SQLite database"
    return redact_url(url)


def render(engine: Engine, definition: ReportDef, *, formats: Sequence[str] = FORMATS,
           filters: Filters | None = None, params: Mapping[str, Any] | None = None,
           now: datetime | None = None, database: str | None = None) -> Rendered:
    """Run the report's queries once and render each format; raises ReportError and writes nothing."""
    with _collector_paused():
        return _render(engine, definition, formats, filters, params, now, database)


def _render(engine: Engine, definition: ReportDef, formats: Sequence[str], filters: Filters | None,
            params: Mapping[str, Any] | None, now: datetime | None, database: str | None) -> Rendered:
    filters = filters or Filters()
    moment = now or datetime.now(UTC)
    values = parse_params(definition, params or {}, moment)
    for fmt in formats:
        if fmt not in FORMATS:
            raise ReportError(f"report '{definition.name}': format {fmt!r} is not one of {', '.join(FORMATS)}")
    results = run_queries(engine, definition, filters, values)
    context: dict[str, Any] = {
        "report": {"name": definition.name, "title": definition.title, "description": definition.description},
        "params": values,
        "filters": filters,
        "filters_text": filters.describe(),
        "period": {"from": filters.date_from, "to": filters.date_to},
        "generated": moment,
        "database": database if database is not None else database_label(str(engine.url)),
        **results,
    }
    search_path = [*definition.folders, *definition.roots]
    outputs: dict[str, str] = {}
    used: dict[str, Path] = {}
    for fmt in formats:
        env = report_environment(search_path, fmt == "md")
        name = definition.template_name(fmt)
        try:
            outputs[fmt] = env.get_template(name).render(context)
        except TemplateNotFound as exc:
            raise ReportError(f"report '{definition.name}': template {exc.name}: not found "
                              f"in {', '.join(map(str, definition.folders))}") from exc
        except TemplateSyntaxError as exc:
            raise ReportError(f"report '{definition.name}': {exc.name or name}: line {exc.lineno}: {exc.message}") from exc
        except (TemplateError, TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as exc:
            file, line = _template_position(exc, search_path, name)
            raise ReportError(f"report '{definition.name}': {file}: line {line}: {exc}") from exc
        used.update(env.loader.used)  # type: ignore[union-attr]
    return Rendered(outputs, used, {name: len(rows) for name, rows in results.items()})


def _template_position(exc: BaseException, search_path: Sequence[Path], fallback: str) -> tuple[str, int]:
    """(template name, line) of the innermost template frame of a rendering error."""
    roots = [str(path.resolve()) for path in search_path]
    found = (fallback, 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or any(filename.startswith(root) for root in roots):
            found = (Path(filename).name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_report(engine: Engine, name: str, fmt: str = "html", *, filters: Filters | None = None,
                  params: Mapping[str, Any] | None = None, user_dirs: Sequence[Path] = (),
                  now: datetime | None = None, database: str | None = None) -> str:
    """The report `name` as one HTML or Markdown string; raises ReportError (nothing is written)."""
    definition = find_report(name, user_dirs)
    return render(engine, definition, formats=[fmt], filters=filters, params=params, now=now,
                  database=database).outputs[fmt]


def write_atomically(path: Path, content: str) -> None:
    """Replace `path` whole or not at all: a temp file in the same folder, fsync, os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_default_briefings(engine: Engine, settings: Settings, out_dir: Path,
                            now: datetime | None = None) -> list[Path]:
    """Build out/briefing.html and out/briefing.md from the default briefing over all events.

    Both are rendered before either is written; returns the paths written. Raises ReportError.
    """
    definition = find_report("briefing", settings.reports_dirs)
    rendered = render(engine, definition, formats=FORMATS, now=now, database=database_label(settings.db_url))
    written = []
    for fmt in FORMATS:
        path = Path(out_dir) / f"briefing.{fmt}"
        write_atomically(path, rendered.outputs[fmt])
        written.append(path)
    return written
