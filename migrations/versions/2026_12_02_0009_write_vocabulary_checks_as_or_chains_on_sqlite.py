"""write vocabulary checks as OR chains on SQLite

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

SQLite checks `col IN ('a', 'b', 'c', ...)` with three or more words by building a temporary
b-tree of the words for every row a statement inserts or updates that column (two words it
compares one by one); SQLite 3.51.1 still does. The same constraint written `col = 'a' OR
col = 'b' OR ...` compares in place. With Python's sqlite3 (SQLite 3.40.1), 200,000 single-row
inserts into a table whose only CHECK is a 12-word list cost 3.04 µs a row, the OR chain 0.80 µs,
no CHECK 0.66 µs. Writing the first 8,000 documents of Reuters-21578 opened 52,751 temporary
b-trees, 12,570 with this migration (five a document fewer); the writer's instructions fell
from 9.83 G to 8.38 G (-15 %, callgrind) and its CPU from 0.226 to 0.192 ms a document
(bench_stages.py --write), every table identical. The vocabularies of the tables ingest writes
for every document are rewritten:

    documents.published_source   5 words   (IS NULL OR kept)
    events.event_type           12 words
    events.date_precision        8 words   (IS NULL OR kept)
    event_actors.role            6 words
    actors.kind                  5 words

events.status has two words (already compared in place) and places.kind is written only for the
gazetteer's places (180 rows for all of Reuters-21578): both keep IN. The rows each constraint
admits are the same, so every stored row passes the new form and none changes. PostgreSQL is
unchanged (this temporary b-tree is SQLite's).

SQLite cannot alter a CHECK, so each table is rebuilt as SQLite's docs describe ("Making Other
Kinds Of Table Schema Changes"): create the new table, copy the rows (rowids included), drop the
old, rename the new, and create its indexes again. Every trigger and view of the database is
dropped first and created again afterwards, from its stored SQL in the order it was made (SQLite
fires a table's triggers newest first, so that order is kept): SQLite's rename refuses to run
while a trigger or view names a table that is missing, and a table's triggers go with it.
Statistics in sqlite_stat1 go with the table too; they are put back. Foreign keys must be off,
or dropping a table would delete the rows that refer to it (db.upgrade turns them off); the
rows failing `PRAGMA foreign_key_check` must be the same before and after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words as 0001 wrote them (timeline.records may grow; this migration must not follow it).
_VOCABULARIES = {
    "documents": [("published_source", ("metadata", "dateline", "jsonl", "manifest", "option"))],
    "events": [
        ("event_type", ("meeting", "statement", "resolution", "strike", "attack", "takeover", "agreement",
                        "designation", "sanction", "visit", "aid", "other")),
        ("date_precision", ("day", "week", "month", "quarter", "season", "year", "decade", "century")),
    ],
    "event_actors": [("role", ("participant", "speaker", "agent", "target", "adopter", "subject"))],
    "actors": [("kind", ("country", "organisation", "armed_group", "person", "other"))],
}


def _in_list(column: str, words: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{word}'" for word in words)
    return f"{column} IN ({quoted})"


def _or_chain(column: str, words: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{word}'" for word in words)


def _rewritten(table: str, sql: str, to_or: bool) -> str:
    """The table's CREATE TABLE as a new table `new_<table>`, its vocabulary checks in the other form."""
    old, new = (_in_list, _or_chain) if to_or else (_or_chain, _in_list)
    for column, words in _VOCABULARIES[table]:
        # The closing parenthesis is the CHECK's: a longer list or chain must not match.
        before, after = old(column, words) + ")", new(column, words) + ")"
        if sql.count(before) != 1:
            raise RuntimeError(f"0009: table {table}: expected one CHECK ending {before!r} in {sql!r}")
        sql = sql.replace(before, after)
    # After a rebuild SQLite stores the renamed table's name quoted.
    sql, found = re.subn(rf'^CREATE TABLE ("?){table}\1 \(', f"CREATE TABLE new_{table} (", sql)
    if found != 1:
        raise RuntimeError(f"0009: table {table}: unexpected CREATE TABLE {sql[:60]!r}")
    return sql


def _rebuild(to_or: bool) -> None:
    conn: Connection = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    run = conn.exec_driver_sql
    if run("PRAGMA foreign_keys").scalar():
        raise RuntimeError("0009 rebuilds tables and needs foreign keys off; migrate with `timeline init`")
    broken_links = run("PRAGMA foreign_key_check").all()
    # NOTE: in the order they were made, so that each table's triggers fire in the same order again.
    made_later = run("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY rowid").all()
    for kind, name, _ in sorted(made_later, key=lambda row: row[0] == "view"):  # triggers first: some may be on views
        run(f'DROP {kind.upper()} IF EXISTS "{name}"')
    has_stats = run("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None
    for table in _VOCABULARIES:
        indexes = run("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
                      " ORDER BY rowid", (table,)).scalars().all()
        stats = run("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ?", (table,)).all() if has_stats else []
        info = run(f"PRAGMA table_info({table})").all()
        columns = [name for _, name, _, _, _, _ in info]
        keys = [kind.upper() for _, _, kind, _, _, pk in info if pk]
        # Without an INTEGER PRIMARY KEY (event_actors) the rowids are kept only when copied.
        copied = ", ".join(columns if keys == ["INTEGER"] else ["rowid", *columns])
        sql = run("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
        run(_rewritten(table, sql, to_or))
        run(f"INSERT INTO new_{table} ({copied}) SELECT {copied} FROM {table} ORDER BY rowid")
        run(f"DROP TABLE {table}")
        run(f"ALTER TABLE new_{table} RENAME TO {table}")
        for index in indexes:
            run(index)
        for row in stats:
            run("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", tuple(row))
    for _, _, statement in made_later:
        run(statement)
    if run("PRAGMA foreign_key_check").all() != broken_links:
        raise RuntimeError("0009: rebuilding the tables changed the rows failing PRAGMA foreign_key_check")


def upgrade() -> None:
    _rebuild(to_or=True)


def downgrade() -> None:
    _rebuild(to_or=False)
