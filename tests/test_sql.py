"""`timeline sql` reads on both backends and refuses every way of writing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from timeline import db
from timeline.cli import cli
from timeline.queries import check_read_only, strip_sql
from timeline.errors import ReadOnlyQuery

WRITES = [
    "INSERT INTO actors (name, kind) VALUES ('x', 'person')",
    "UPDATE documents SET title = 'x'",
    "DELETE FROM documents",
    "DROP TABLE events",
    "CREATE TABLE t (a INTEGER)",
    "ALTER TABLE events ADD COLUMN x INTEGER",
    "SELECT 1; DROP TABLE events",
    "WITH gone AS (DELETE FROM documents RETURNING id) SELECT count(*) FROM gone",
    "VACUUM",
    "REINDEX",
]
SQLITE_WRITES = [
    "ATTACH DATABASE '/tmp/timeline-attack.db' AS other",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA writable_schema = ON",
]
PG_WRITES = [
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/timeline-pwned'",
    "COPY documents FROM '/etc/passwd'",
    "SELECT lo_export(1, '/tmp/timeline-pwned')",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SET default_transaction_read_only = off",
]


def _count_tables(url: str) -> int:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one()) + len(
                list(conn.execute(text("SELECT id FROM actors")))
            )
    finally:
        engine.dispose()


def test_select_works_in_every_format(runner: CliRunner, db_url: str) -> None:
    query = "SELECT count(*) AS n, 'a;b' AS s FROM documents"
    table = runner.invoke(cli, ["sql", query, "--db", db_url])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split() == ["n", "s"]
    as_json = runner.invoke(cli, ["sql", query, "--format", "json", "--db", db_url])
    assert json.loads(as_json.output) == [{"n": 0, "s": "a;b"}]
    as_csv = runner.invoke(cli, ["sql", query, "--format", "csv", "--db", db_url])
    assert as_csv.output == "n,s\n0,a;b\n"


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_refused_on_both_backends(runner: CliRunner, db_url: str, statement: str) -> None:
    before = _count_tables(db_url)
    result = runner.invoke(cli, ["sql", statement, "--db", db_url])
    assert result.exit_code == 2, result.output
    assert "read-only" in result.output or "one statement" in result.output
    assert _count_tables(db_url) == before


@pytest.mark.parametrize("statement", SQLITE_WRITES)
def test_sqlite_attach_and_write_pragmas_are_refused(runner: CliRunner, sqlite_url: str, statement: str) -> None:
    result = runner.invoke(cli, ["sql", statement, "--db", sqlite_url])
    assert result.exit_code == 2, result.output
    assert "read-only" in result.output
    assert not Path("/tmp/timeline-attack.db").exists()
    engine = db.open_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.parametrize("statement", PG_WRITES)
def test_postgresql_copy_and_server_functions_are_refused(runner: CliRunner, statement: str, empty_pg_url: str) -> None:
    import timeline

    timeline.init_db(empty_pg_url)
    result = runner.invoke(cli, ["sql", statement, "--db", empty_pg_url])
    assert result.exit_code == 2, result.output
    assert not Path("/tmp/timeline-pwned").exists()


def test_read_pragma_is_allowed_on_sqlite(runner: CliRunner, sqlite_url: str) -> None:
    result = runner.invoke(cli, ["sql", "PRAGMA table_info(events)", "--db", sqlite_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "date_start" in {row["name"] for row in json.loads(result.output)}


def test_sqlite_missing_file_is_not_created(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "nothing.db"
    result = runner.invoke(cli, ["sql", "SELECT 1", "--db", str(target)])
    assert result.exit_code == 2
    assert "run `timeline init`" in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT ';' -- ; DROP\n", "SELECT ''  \n"),
        ("SELECT $x$ ; $x$", "SELECT ''"),
        ('SELECT "a;b" /* ; */', 'SELECT ""  '),
    ],
    ids=["line-comment", "dollar-quote", "identifier-and-block-comment"],
)
def test_strip_sql_blanks_strings_and_comments(sql: str, expected: str) -> None:
    assert strip_sql(sql) == expected
    check_read_only(sql)


def test_empty_query_is_refused() -> None:
    with pytest.raises(ReadOnlyQuery, match="empty"):
        check_read_only("  -- nothing\n")


@pytest.mark.parametrize(
    "sql, message",
    [
        ("SELEC 1", "'SELEC' does not begin an SQL statement it runs"),
        ("DELETE FROM events", "read-only: DELETE statements are refused"),
        ("vacuum", "read-only: VACUUM statements are refused"),
    ],
    ids=["typo", "delete", "vacuum"],
)
def test_a_typo_is_not_reported_as_a_write(sql: str, message: str) -> None:
    with pytest.raises(ReadOnlyQuery, match=re.escape(message)):
        check_read_only(sql)
