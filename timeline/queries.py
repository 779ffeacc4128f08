"""Read-only SQL → column names and rows; user SQL is checked, then run where it cannot write."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from timeline.db import open_failure
from timeline.errors import ReadOnlyQuery, TimelineError

_FIRST_WORDS = {"select", "with", "values", "explain", "table", "show"}
# SQL statements (SQLite's and PostgreSQL's) that are not reads: refused as such. Any other first
# word is not a statement at all ("SELEC 1"): the message says what timeline sql runs instead.
_OTHER_STATEMENTS = frozenset(
    "insert update delete replace upsert merge drop create alter truncate attach detach vacuum reindex analyze "
    "begin commit end rollback savepoint release grant revoke copy do call set reset lock comment cluster "
    "refresh listen notify unlisten discard load prepare execute deallocate checkpoint import security "
    "declare fetch move close abort start reassign".split()
)
# Server-side functions that read or write files, or act on other sessions, even inside a
# READ ONLY transaction (PostgreSQL superusers can call them).
_PG_DENIED = re.compile(
    r"\b(pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|lo_import|lo_export|lo_from_bytea|"
    r"lo_put|dblink\w*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|set_config|"
    r"pg_rotate_logfile|pg_promote|pg_switch_wal|pg_create_\w+|pg_drop_\w+|copy)\s*\(",
    re.IGNORECASE,
)
# PRAGMAs that only describe the schema, whatever their argument (a table or index name).
_INTROSPECTION_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "database_list", "collation_list", "function_list", "pragma_list", "table_list", "compile_options",
}
# PRAGMAs that read a setting without an argument and change it with one: allowed bare only.
_SETTING_PRAGMAS = {
    "user_version", "schema_version", "page_count", "page_size", "freelist_count", "journal_mode",
    "foreign_keys", "encoding",
}


def strip_sql(sql: str) -> str:
    """`sql` with comments removed and string/identifier contents blanked, for keyword checks."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif ch in "'\"`":
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(ch + ch)
            i = j + 1
        elif ch == "$":
            match = re.match(r"\$([A-Za-z_]\w*)?\$", sql[i:])
            if match:
                tag = match.group(0)
                j = sql.find(tag, i + len(tag))
                i = n if j < 0 else j + len(tag)
                out.append("''")
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def check_read_only(sql: str) -> None:
    """Raise ReadOnlyQuery unless `sql` is one statement that only reads."""
    bare = strip_sql(sql).strip().rstrip(";").strip()
    if not bare:
        raise ReadOnlyQuery("timeline sql: empty query")
    if ";" in bare:
        raise ReadOnlyQuery("timeline sql: one statement at a time (found ';' between statements)")
    word = bare.split(None, 1)[0]
    first = word.lower()
    if first not in _FIRST_WORDS and first != "pragma":
        if first in _OTHER_STATEMENTS:
            raise ReadOnlyQuery(f"timeline sql is read-only: {first.upper()} statements are refused")
        raise ReadOnlyQuery(f"timeline sql: {word!r} does not begin an SQL statement it runs"
                            " (SELECT, WITH, VALUES, EXPLAIN or a read-only PRAGMA)")
    if _PG_DENIED.search(bare):
        name = _PG_DENIED.search(bare).group(1)  # type: ignore[union-attr]
        raise ReadOnlyQuery(f"timeline sql is read-only: {name}() is refused")
    if re.search(r"\b(insert|update|delete|merge|into|copy)\b", bare, re.IGNORECASE) and first in {"with", "explain"}:
        # A data-modifying CTE (WITH … INSERT) or EXPLAIN ANALYZE of a write.
        raise ReadOnlyQuery("timeline sql is read-only: statements that write are refused")


def _sqlite_authorizer(action: int, arg1: Any, arg2: Any, _db: Any, _trigger: Any) -> int:
    allowed = {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        sqlite3.SQLITE_RECURSIVE,
        sqlite3.SQLITE_TRANSACTION,  # BEGIN and COMMIT of the read transaction itself
    }
    if action in allowed:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = str(arg1).lower()
        if name in _INTROSPECTION_PRAGMAS or (name in _SETTING_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def guard_engine(engine: Engine) -> None:
    """Make every SQLite connection of `engine` refuse anything but reads (authorizer)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _authorize(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_authorizer(_sqlite_authorizer)


def run_sql(
    engine: Engine, sql: str, params: Mapping[str, Any] | None = None, *, user: bool = True
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement; returns (columns, rows). Raises ReadOnlyQuery or TimelineError."""
    if user:
        check_read_only(sql)
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        # Not the query's fault: name the database, as every other command does.
        raise open_failure(engine, exc) from exc
    try:
        with connection as conn, conn.begin():
            result = conn.execute(text(sql), dict(params or {}))
            columns = list(result.keys())
            rows = [tuple(row) for row in result]
    except DBAPIError as exc:
        message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        if "not authorized" in message or "read-only" in message or "readonly" in message:
            raise ReadOnlyQuery(f"timeline sql is read-only: {message}") from exc
        raise TimelineError(f"timeline sql: {message}") from exc
    except SQLAlchemyError as exc:
        raise TimelineError(f"timeline sql: {exc}") from exc
    return columns, rows


def unique_columns(columns: Sequence[str]) -> list[str]:
    """Column names made unique for row dicts: the first of a name keeps it, the next get `_2`, `_3`, ...

    `SELECT e.title, d.title` has two columns named `title`; as dict keys the second would replace
    the first. A repeat takes the first free number, skipping names the query already has
    (`title, title, title_2` → `title, title_3, title_2`). Unique names come back unchanged.
    """
    taken = set(columns)
    seen: set[str] = set()
    names: list[str] = []
    for name in columns:
        if name in seen:
            number = 2
            while f"{name}_{number}" in taken:
                number += 1
            name = f"{name}_{number}"
            taken.add(name)
        seen.add(name)
        names.append(name)
    return names


def fetch_dicts(engine: Engine, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of one of timeline's own queries as dicts (no read-only check: the SQL is ours)."""
    columns, rows = run_sql(engine, sql, params, user=False)
    names = unique_columns(columns)
    return [dict(zip(names, row, strict=True)) for row in rows]


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Column names of a list of row dicts (empty list when there are no rows)."""
    return list(rows[0].keys()) if rows else []
