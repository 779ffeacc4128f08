"""Engines and migrations from a URL; SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError

from timeline.config import redact_url
from timeline.errors import ConfigError, DatabaseBusy, SchemaOutOfDate

if TYPE_CHECKING:
    from alembic.config import Config

# NOTE: Alembic is imported only to migrate, or to explain a schema that is not current: it costs a
# third of the CLI's start-up (every `timeline sql`, every cron build, and the serial start of a
# parallel ingest), and a database at HEAD_REVISION needs none of it.
# The newest migration under migrations/versions; tests/test_migrations.py checks it against the scripts.
HEAD_REVISION = "0012"
VERSION_TABLE = "alembic_version"

# Serialises `timeline init` on PostgreSQL (a key of its own: store.PG_WRITER_LOCK is the writers').
PG_MIGRATION_LOCK = 0x7131_0E12
# PostgreSQL's SQLSTATE for "permission denied".
_PG_INSUFFICIENT_PRIVILEGE = "42501"
BUSY_TIMEOUT_MS = 60_000
_SQLITE_BUSY = 5  # sqlite3's primary result code for "database is locked"
# Page cache of a writing connection. SQLite's default (2 MiB) is smaller than the indexes ingest
# updates, which it then read back from the file on every batch: 356,000 reads for Reuters-21578,
# 26,000 with 32 MiB (the cache grows only as pages are used).
CACHE_KIB = 32 * 1024
READ_MMAP_BYTES = 256 * 1024 * 1024  # read-only connections map up to this much of the file
# WAL pages before a commit copies them into the database file. At SQLite's default (1,000) an
# ingest batch of 128 documents checkpointed at nearly every commit and copied the same index
# pages again each time; 8,192 pages (32 MiB of WAL at most) cut the writer's CPU by ~7 %.
WAL_CHECKPOINT_PAGES = 8192
# str.casefold as an SQL function on every SQLite connection timeline opens: SQLite's lower() folds
# ASCII letters only, so a non-ASCII value ("Öcalan") is compared through this (spell_caseless).
CASEFOLD_FUNCTION = "timeline_casefold"
_PACKAGE = Path(__file__).resolve().parent


def migrations_dir() -> Path:
    """The Alembic script folder: the repo's `migrations/` in a checkout, the wheel's copy when installed."""
    checkout = _PACKAGE.parent / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    return _PACKAGE / "_migrations"


def alembic_config(url: str) -> Config:
    """An Alembic Config for `url` that needs no alembic.ini on disk."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # '%' would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def is_sqlite(engine_or_url: Engine | str) -> bool:
    """True when the URL or engine is SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def open_engine(url: str, *, read_only: bool = False, create: bool = True) -> Engine:
    """An Engine for `url`; raises ConfigError for an unknown driver, SchemaOutOfDate for a SQLite
    file that does not exist when it is opened read-only or without `create`."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database URL {redact_url(url)!r} is malformed: {exc}") from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            return _open_sqlite(url, read_only=read_only, create=create)
        engine = create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(f"database {redact_url(url)}: no driver ({exc}); {_driver_advice(parsed.drivername)}") from exc
    if read_only:

        @event.listens_for(engine, "connect")
        def _no_jit(dbapi_connection: Any, _record: Any) -> None:
            # Reads are index lookups of a few ms; JIT compiling them costs tens to hundreds
            # (1M events, actor + period: docs/benchmarks.md section 5). Once per connection.
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            dbapi_connection.autocommit = autocommit

        @event.listens_for(engine, "begin")
        def _read_only(conn: Connection) -> None:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


class Caseless(NamedTuple):
    """How SQL compares stored text with a value in any case: `function`(stored) = `value`,
    or = `function`(`value`) when `fold_value` (spell_caseless)."""

    function: str
    value: str
    fold_value: bool

    def stored(self, column: str) -> str:
        """The SQL folding the stored text of `column`."""
        return f"{self.function}({column})"

    def bound(self, param: str) -> str:
        """The SQL of the bound parameter `param` (holding `value`)."""
        return f"{self.function}(:{param})" if self.fold_value else f":{param}"


def spell_caseless(value: str, dialect: str | None) -> Caseless:
    """How to match `value` against stored text in any case, in the SQL of `dialect`.

    An ASCII value is lowered here and the stored text by lower(): SQLite's lower() folds ASCII
    letters only, which is enough, as a non-ASCII letter folds to an ASCII one only rarely
    (Turkish İ to i and a combining dot), and it keeps the SQL the plain SQL it always was. A
    non-ASCII value goes through one function on both sides, so that "öcalan" finds "ÖCALAN": on
    SQLite str.casefold (CASEFOLD_FUNCTION, which only engines from open_engine have), elsewhere
    the database's own lower() (PostgreSQL's: Unicode in a UTF-8 locale).
    """
    if value.isascii():
        return Caseless("lower", value.lower(), False)
    if dialect == "sqlite":
        return Caseless(CASEFOLD_FUNCTION, value.casefold(), False)
    return Caseless("lower", value, True)


def _driver_advice(drivername: str) -> str:
    """What to do about a URL whose driver SQLAlchemy cannot load (`drivername`: "postgres", "postgresql+psycopg2", ...)."""
    backend, _, driver = drivername.partition("+")
    if backend == "postgresql" and driver in ("", "psycopg"):
        return "for PostgreSQL install timeline[postgres]"
    # "postgres://" is an old alias SQLAlchemy no longer reads; timeline[postgres] installs psycopg (3), not psycopg2.
    if backend in ("postgresql", "postgres"):
        return "timeline[postgres] installs psycopg: write the URL as postgresql+psycopg://USER@HOST:PORT/DATABASE"
    return ("timeline runs on SQLite (a file path, or sqlite:///PATH) and on PostgreSQL "
            "(postgresql+psycopg://USER@HOST:PORT/DATABASE)")


def open_failure(engine: Engine, exc: DBAPIError) -> ConfigError:
    """The error to raise when `engine` cannot connect: the database (password masked) and the driver's reason."""
    where = redact_url(engine.url.render_as_string(hide_password=False))
    reason = _reason(exc)
    hint = ""
    if engine.dialect.name == "postgresql" and re.search(r'database "[^"]*" does not exist', reason):
        hint = (f"\ncreate it first (createdb, or CREATE DATABASE {engine.url.database}), "
                "then run `timeline init`")
    return ConfigError(f"database {where}: cannot open: {reason}{hint}")


def _reason(exc: DBAPIError) -> str:
    """The driver's own message, without SQLAlchemy's statement and background link."""
    return str(exc.orig).strip() if exc.orig is not None else str(exc)


def _casefold(value: Any) -> Any:
    # NULL stays NULL, as it does through lower(); numbers and blobs are never folded.
    return value.casefold() if isinstance(value, str) else value


def _open_sqlite(url: str, *, read_only: bool, create: bool) -> Engine:
    parsed = make_url(url)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:")
    if (read_only and in_memory) or ((read_only or not create) and not in_memory and not Path(database).is_file()):
        # Without this, a writer (ingest, event correct) would leave an empty file behind a mistyped path.
        raise SchemaOutOfDate(f"database {database or ':memory:'}: no such file; run `timeline init` first")
    if read_only:
        uri = Path(database).resolve().as_uri() + "?mode=ro"
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        )
    else:
        if database not in ("", ":memory:"):
            folder = Path(database).parent
            if not folder.is_dir():
                raise ConfigError(f"database {database}: folder {folder} does not exist")
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN so that writers take the lock up front
        # (BEGIN IMMEDIATE): a deferred transaction that upgrades to a writer fails at once with
        # "database is locked" instead of waiting out the busy timeout.
        dbapi_connection.isolation_level = None
        # Deterministic (the same text, the same result), as lower() is, so the planner treats it alike.
        dbapi_connection.create_function(CASEFOLD_FUNCTION, 1, _casefold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        else:
            cursor.execute("PRAGMA query_only = ON")
            # Reports read the file through a memory map instead of copying each page into
            # SQLite's cache: 7% less CPU for a one-month briefing at 1M events (docs/benchmarks.md).
            cursor.execute(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate the database to `revision`; returns (revision before, revision after)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        engine.connect().close()  # the pool keeps it for the migration
    except DBAPIError as exc:
        raise open_failure(engine, exc) from exc
    try:
        with _migrating(engine) as conn:
            before = MigrationContext.configure(conn).get_current_revision()
            if before is not None and not _is_known(before):
                raise SchemaOutOfDate(_newer_message(engine, before))
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            after = MigrationContext.configure(conn).get_current_revision()
    except DBAPIError as exc:
        # Nothing was changed: the migrations run in one transaction.
        where = redact_url(engine.url.render_as_string(hide_password=False))
        hint = ""
        if getattr(exc.orig, "sqlstate", None) == _PG_INSUFFICIENT_PRIVILEGE:
            hint = ("\n`timeline init` needs a role that may create tables there: the database's owner, "
                    "or one granted CREATE on its schema")
        # The first line: PostgreSQL goes on to quote the statement of the migration.
        raise ConfigError(f"database {where}: cannot migrate: {_reason(exc).splitlines()[0]}{hint}") from exc
    return before, after


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database down to `revision` (tests and recovery)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with _migrating(engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for Alembic; on SQLite with foreign keys off until it ends.

    Migrations that rebuild a table (0009) drop it, and with foreign keys on SQLite's DROP TABLE
    first deletes every row, cascading to the rows that refer to it. SQLite reads the setting only
    outside a transaction (SQLite docs, "Making Other Kinds Of Table Schema Changes"); Alembic's
    own command line runs with SQLite's default, off, too.
    """
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    # NOTE: before Alembic reads the revision. Two `timeline init` at once (two cron
                    # jobs on a new server) both created the tables and one failed on a duplicate;
                    # now the second waits and finds the first's revision. (SQLite: BEGIN IMMEDIATE.)
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
                yield conn
            return
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")  # no transaction yet: SQLAlchemy begins on first use
        try:
            with conn.begin():
                yield conn
        finally:
            if not conn.invalidated:  # an invalidated connection is closed, never pooled again
                raw.execute("PRAGMA foreign_keys = ON")


def head_revision() -> str | None:
    """The newest migration this code ships, as Alembic reads the scripts (HEAD_REVISION is the same)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated).

    Read from Alembic's version table with one query, as Alembic itself reads it.
    """
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        versions = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    if len(versions) > 1:
        raise ConfigError(f"database {redact_url(str(engine.url))}: several schema revisions at once "
                          f"({', '.join(sorted(versions))}); timeline's migrations have one line")
    return versions[0] if versions else None


def check_schema(engine: Engine) -> None:
    """Raise SchemaOutOfDate unless the database is at this code's head revision."""
    where = redact_url(engine.url.render_as_string(hide_password=False))
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy(f"database {where}: {busy_message()}; nothing was changed, try again") from exc
        raise open_failure(engine, exc) from exc
    except DBAPIError as exc:  # e.g. a role that may not read timeline's tables
        raise ConfigError(f"database {where}: {_reason(exc)}") from exc
    except SQLAlchemyError as exc:
        raise ConfigError(f"database {where}: {exc}") from exc
    head = HEAD_REVISION
    if current == head:
        return
    if current is None:
        raise SchemaOutOfDate(f"database {where} has no timeline schema; run `timeline init`")
    if not _is_known(current):
        raise SchemaOutOfDate(_newer_message(engine, current))
    raise SchemaOutOfDate(f"database {where} is at revision {current}, behind {head}; run `timeline init`")


def _is_known(revision: str) -> bool:
    """True when `revision` is one of this code's migrations."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _newer_message(engine: Engine, revision: str) -> str:
    where = redact_url(engine.url.render_as_string(hide_password=False))
    return f"database {where} is at revision {revision}, newer than this timeline ({HEAD_REVISION}); upgrade timeline"


@contextmanager
def connect_checked(url: str, *, read_only: bool = False) -> Iterator[Engine]:
    """An engine whose schema is known to be current; disposed on exit."""
    engine = open_engine(url, read_only=read_only, create=False)
    try:
        check_schema(engine)
        yield engine
    finally:
        engine.dispose()


def is_busy(exc: BaseException) -> bool:
    """True when `exc` (SQLAlchemy's or the driver's) is SQLite's "database is locked": another writer
    held the write lock past the busy timeout. Not any one document's fault."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == _SQLITE_BUSY) or "database is locked" in str(orig)


def busy_message() -> str:
    """The start of the message for is_busy errors."""
    return (f"database is busy: another writer has held its write lock for more than {BUSY_TIMEOUT_MS // 1000} s"
            " (a long `timeline document reextract`, or a write transaction left open in sqlite3)")
