"""v_timeline filtered by actor and date range on a 1M-event database: p50/p95 on SQLite and PostgreSQL.

    python bench/bench_queries.py [--sqlite PATH] [--pg URL] [--size 1000000] [--queries 100]
                                  [--seed 7] [--days 7,92] [--fix]

The databases are made by bench/generate.py when they do not exist yet (SQLite: the file is
missing; PostgreSQL: the database at URL has no timeline schema), then analysed. Each query is what
`timeline events --actor A --from F --to T` runs (timeline/sql/events.sql with filters.where_clause):
a random actor (its name, lower-cased, as a user types it) and a random window of --days days.
Prints p50/p95/max over --queries queries after a warm-up pass, and the query plan of one of them.

--fix measures the changes proposed in docs/benchmarks.md on scratch copies (the originals are not
touched). A: an R*Tree over event dates on SQLite, a GiST index over daterange(date_start, date_end)
on PostgreSQL, and the actor filter given as actor ids resolved beforehand. B: a table
event_actor_dates(actor_id, date_start, date_end, event_id) keyed in that order, so that the
events of an actor in a window are one index range.
"""

from __future__ import annotations

import argparse
import inspect
import random
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import timeline  # noqa: E402
from timeline.filters import make_filters, where_clause  # noqa: E402

EVENTS_SQL = (ROOT / "timeline" / "sql" / "events.sql").read_text(encoding="utf-8")
WARM_UP = 10
TARGET_P95_MS = 20.0

# -- the proposed fix, applied to scratch copies only ----------------------------------------------

SQLITE_FIX = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS events_span USING rtree_i32(id, day_start, day_end)",
    "DELETE FROM events_span",
    "INSERT INTO events_span SELECT id, CAST(julianday(date_start) AS INTEGER), CAST(julianday(date_end) AS INTEGER)"
    " FROM events WHERE date_start IS NOT NULL",
]
PG_FIX = [
    # Partial: daterange(NULL, NULL) is unbounded and would match every window.
    "DROP INDEX IF EXISTS ix_events_during",
    "CREATE INDEX ix_events_during ON events USING gist (daterange(date_start, date_end, '[]'))"
    " WHERE date_start IS NOT NULL",
    "ANALYZE events",
]
# Second proposal: each event's dates next to its actors, so that one index range per actor
# answers "events of A overlapping [F, T]" (kept by store, or by triggers, like event_actors).
ACTOR_DATES_FIX = [
    "CREATE TABLE IF NOT EXISTS event_actor_dates (actor_id INTEGER NOT NULL, date_start DATE NOT NULL,"
    " date_end DATE NOT NULL, event_id INTEGER NOT NULL, PRIMARY KEY (actor_id, date_start, date_end, event_id))",
    "DELETE FROM event_actor_dates",
    "INSERT INTO event_actor_dates SELECT DISTINCT ea.actor_id, e.date_start, e.date_end, e.id"
    " FROM event_actors ea JOIN events e ON e.id = ea.event_id WHERE e.date_start IS NOT NULL",
    "ANALYZE event_actor_dates",
]
_ACTOR_IDS = ("SELECT id FROM actors WHERE lower(name) LIKE :f_actor"
              " UNION SELECT actor_id FROM actor_aliases WHERE lower(alias) LIKE :f_actor")
_FIXED_DATES = {
    "sqlite": "t.event_id IN (SELECT id FROM events_span WHERE day_start <= CAST(julianday(:f_to) AS INTEGER)"
              " AND day_end >= CAST(julianday(:f_from) AS INTEGER))",
    "postgresql": "daterange(t.date_start, t.date_end, '[]') && daterange(CAST(:f_from AS DATE), CAST(:f_to AS DATE), '[]')",
}


def ensure_sqlite(path: Path, size: int) -> str:
    url = f"sqlite:///{path}"
    if not path.exists():
        from generate import generate

        started = time.perf_counter()
        timeline.init_db(url)
        generate(url, size, seed=1, years=20)
        _analyse(url)
        print(f"generated {size} events in {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def ensure_pg(url: str, size: int) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        has_schema = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    engine.dispose()
    if not has_schema:
        from generate import generate

        started = time.perf_counter()
        timeline.init_db(url)
        generate(url, size, seed=1, years=20)
        _analyse(url)
        print(f"generated {size} events in {url} in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def _analyse(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT") if url.startswith("postgresql") else create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE")
    engine.dispose()


def make_queries(engine: Engine, count: int, seed: int, days: tuple[int, int]) -> list[tuple[str, date, date]]:
    """(actor filter, from, to) triples: actors uniformly among those stored, windows inside the data."""
    with engine.connect() as conn:
        names = sorted(name for (name,) in conn.execute(text("SELECT name FROM actors")))
        # Windows where events are: day-precision dates (decade-long events reach further back).
        first, last = conn.execute(
            text("SELECT min(date_start), max(date_end) FROM events WHERE date_precision = 'day'")
        ).one()
    first, last = date.fromisoformat(str(first)), date.fromisoformat(str(last))
    rng = random.Random(seed)
    queries = []
    for _ in range(count + WARM_UP):
        length = rng.randint(*days)
        start = first + timedelta(days=rng.randrange((last - first).days - length))
        queries.append((rng.choice(names).lower(), start, start + timedelta(days=length - 1)))
    return queries


def build_sql(
    engine: Engine, actor: str, start: date, end: date, fixed: bool | str, ids_only: bool = False
) -> tuple[str, dict[str, Any]]:
    """The statement `timeline events --actor --from --to` runs, or a proposed rewrite (fixed: its name)."""
    filters = make_filters(start, end, actor=actor)
    if "dialect" in inspect.signature(where_clause).parameters:
        condition, params = where_clause(filters, "t", dialect=engine.dialect.name)  # type: ignore[call-arg]
    else:
        condition, params = where_clause(filters, "t")
    if fixed:
        with engine.connect() as conn:
            ids = [row[0] for row in conn.execute(text(_ACTOR_IDS), {"f_actor": params["f_actor"]})]
        id_list = ", ".join(str(int(i)) for i in ids) or "NULL"
        if fixed == "actor_dates":
            condition = (
                "t.event_id IN (SELECT x.event_id FROM event_actor_dates x WHERE x.actor_id IN ("
                + id_list + ") AND x.date_start <= :f_to AND x.date_end >= :f_from)"
            )
        else:
            condition = " AND ".join([
                "t.date_end >= :f_from AND t.date_start <= :f_to",
                _FIXED_DATES[engine.dialect.name],
                f"EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = t.event_id AND ea.actor_id IN ({id_list}))",
            ])
        params = {"f_from": params["f_from"], "f_to": params["f_to"]}
    if engine.dialect.name == "sqlite":
        params = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
    if ids_only:
        # The filter alone, without the view's per-row subqueries (actors, sources, first source).
        return f"SELECT t.event_id FROM v_timeline t WHERE {condition}", params
    # Only the WHERE line (an earlier events.sql also said {where} in its header comment).
    return EVENTS_SQL.replace("WHERE {where}", f"WHERE {condition}"), params


def measure(
    engine: Engine, queries: list[tuple[str, date, date]], fixed: bool | str, ids_only: bool = False
) -> dict[str, float]:
    timings, rows = [], []
    with engine.connect() as conn:
        for index, (actor, start, end) in enumerate(queries):
            started = time.perf_counter()
            sql, params = build_sql(engine, actor, start, end, fixed, ids_only)
            found = conn.execute(text(sql), params).all()
            took = (time.perf_counter() - started) * 1000
            if index >= WARM_UP:
                timings.append(took)
                rows.append(len(found))
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(round(0.95 * len(timings))) - 1)],
        "max": timings[-1],
        "rows": statistics.mean(rows),
        "n": len(timings),
    }


def plan(engine: Engine, query: tuple[str, date, date], fixed: bool | str) -> list[str]:
    sql, params = build_sql(engine, *query, fixed=fixed)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return [str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql), params)]
        return [str(row[0]) for row in conn.execute(text("EXPLAIN (ANALYZE, COSTS OFF) " + sql), params)]


def report(label: str, engine: Engine, queries: list[tuple[str, date, date]], fixed: bool | str) -> None:
    result = measure(engine, queries, fixed)
    verdict = "met" if result["p95"] < TARGET_P95_MS else "NOT met"
    print(f"{label}: {result['n']} queries, p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
          f"max {result['max']:.1f} ms, {result['rows']:.0f} rows on average "
          f"(target p95 < {TARGET_P95_MS:.0f} ms: {verdict})", flush=True)
    ids = measure(engine, queries, fixed, ids_only=True)
    print(f"  the same filters selecting event_id only (no per-row view subqueries): p50 {ids['p50']:.1f} ms, "
          f"p95 {ids['p95']:.1f} ms", flush=True)
    actor, start, end = queries[WARM_UP]
    print(f"  plan of --actor {actor!r} --from {start} --to {end}:")
    for line in plan(engine, queries[WARM_UP], fixed):
        print(f"    {line}")


def scratch_sqlite(url: str) -> str:
    source = Path(make_url(url).database or "")
    target = source.with_name(source.stem + "-fix.db")
    if not target.exists():
        shutil.copyfile(source, target)
    engine = create_engine(f"sqlite:///{target}")
    with engine.begin() as conn:
        for statement in SQLITE_FIX + ACTOR_DATES_FIX:
            conn.exec_driver_sql(statement.replace(" DATE NOT NULL", " TEXT NOT NULL"))
    engine.dispose()
    return f"sqlite:///{target}"


def scratch_pg(url: str) -> str:
    parsed = make_url(url)
    name = f"{parsed.database}_fix"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    admin.dispose()
    scratch = parsed.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(scratch, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in PG_FIX + ACTOR_DATES_FIX:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return scratch


def _with_options(url: str, options: str) -> str:
    """`url` with PostgreSQL session settings (libpq `options`) when given."""
    parsed = make_url(url)
    if not options or parsed.get_backend_name() != "postgresql":
        return url
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/timeline-bench/queries-1m.db"))
    parser.add_argument("--pg", help="PostgreSQL database URL (generated into when it has no schema)")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", default="7,92", help="shortest,longest window in days")
    parser.add_argument("--fix", action="store_true", help="also measure the proposed fix on scratch copies")
    parser.add_argument("--pg-options", default="",
                        help='PostgreSQL session settings, e.g. "-c jit=off -c random_page_cost=1.1"')
    args = parser.parse_args(argv)
    days = tuple(int(d) for d in args.days.split(","))
    assert len(days) == 2

    targets = [("sqlite", ensure_sqlite(args.sqlite, args.size))]
    if args.pg:
        targets.append(("postgresql", ensure_pg(args.pg, args.size)))
    for backend, url in targets:
        engine = timeline.open_db(_with_options(url, args.pg_options), read_only=True)
        try:
            with engine.connect() as conn:
                events = conn.execute(text("SELECT count(*) FROM events")).scalar()
            queries = make_queries(engine, args.queries, args.seed, days)  # type: ignore[arg-type]
            settings = f"; session options {args.pg_options!r}" if backend == "postgresql" and args.pg_options else ""
            print(f"{backend}: {events:,} events; --actor NAME --from/--to over {days[0]}-{days[1]} days{settings}",
                  flush=True)
            report(f"{backend} as shipped", engine, queries, fixed=False)
        finally:
            engine.dispose()
        if args.fix:
            scratch = scratch_sqlite(url) if backend == "sqlite" else scratch_pg(url)
            engine = create_engine(_with_options(scratch, args.pg_options))
            try:
                report(f"{backend} fix A, date index + actor ids (scratch copy)", engine, queries, fixed="span")
                report(f"{backend} fix B, per-actor date index (scratch copy)", engine, queries, fixed="actor_dates")
            finally:
                engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
