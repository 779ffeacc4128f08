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
from timeline.queries import check_read_only, strip_sql, unique_columns
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


# The reviewer's query: an event's title and its document's title share the name `title`.
TWO_TITLES = ("SELECT e.title, d.title FROM events e JOIN event_sources s ON s.event_id = e.id"
              " JOIN documents d ON d.id = s.document_id ORDER BY e.id, s.id LIMIT 2")


def test_json_keeps_every_column_when_names_repeat(runner: CliRunner, seeded_db: str) -> None:
    result = runner.invoke(cli, ["sql", TWO_TITLES, "--format", "json", "--db", seeded_db])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    engine = db.open_engine(seeded_db)
    try:
        with engine.connect() as conn:
            expected = [tuple(row) for row in conn.execute(text(TWO_TITLES))]
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [("title", "title_2")] * 2
    assert [(row["title"], row["title_2"]) for row in rows] == expected
    assert expected[0][0] != expected[0][1]  # the event's and the document's: two different values kept
    table = runner.invoke(cli, ["sql", TWO_TITLES, "--format", "csv", "--db", seeded_db])
    assert table.output.splitlines()[0] == "title,title"  # headers as the query names them


@pytest.mark.parametrize(
    "columns, expected",
    [
        (["a", "b"], ["a", "b"]),
        (["title", "title"], ["title", "title_2"]),
        (["title", "title", "title"], ["title", "title_2", "title_3"]),
        (["title", "title", "title_2"], ["title", "title_3", "title_2"]),
        (["x", "x_2", "x", "x"], ["x", "x_2", "x_3", "x_4"]),
    ],
    ids=["unique", "twice", "thrice", "skips-a-name-taken", "skips-several"],
)
def test_unique_columns_numbers_repeats_from_2_skipping_names_taken(columns: list[str], expected: list[str]) -> None:
    assert unique_columns(columns) == expected
