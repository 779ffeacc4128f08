"""v_timeline filtered by actor and date range on a 1M-event database: p50/p95 on SQLite and PostgreSQL.

    python bench/bench_queries.py [--sqlite PATH] [--pg URL] [--size 1000000] [--queries 100]
                                  [--seed 7] [--days 7,92] [--before] [--server-defaults]

The databases are made by bench/generate.py when they do not exist yet (SQLite: the file is
missing; PostgreSQL: the database at URL has no timeline schema); a database at an older revision
is migrated (`timeline init`: migration 0003 fills event_actor_dates from the rows already there).
Either way it is then analysed. Each query is what `timeline events --actor A --from F --to T`
runs (timeline/sql/events.sql with filters.where_clause) on a read-only engine as timeline opens
it: a random actor (its name, lower-cased, as a user types it) and a random window of --days days.
Prints p50/p95/max over --queries queries after a warm-up pass, and the query plan of one of them
with the index that answers the actor and period.

--before also times the condition timeline used before event_actor_dates (the actor matched by
LIKE over the join of event_actors and actors; on SQLite with the window index of migration 0002),
on the same database. --server-defaults also times PostgreSQL on a plain engine, without the
`jit = off` that read-only engines set.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import timeline  # noqa: E402
from timeline import db  # noqa: E402
from timeline.filters import make_filters, where_clause  # noqa: E402
from yardstick import describe as yardstick  # noqa: E402

EVENTS_SQL = (ROOT / "timeline" / "sql" / "events.sql").read_text(encoding="utf-8")
WARM_UP = 10
TARGET_P95_MS = 20.0
# What the plan must show for the actor + period to be answered by an index range.
INDEX_IN_PLAN = {"sqlite": "SEARCH f_x USING PRIMARY KEY (actor_id=? AND date_end>?)",
                 "postgresql": "Index Only Scan using pk_event_actor_dates"}
# The --actor condition before migration 0003, for --before.
BEFORE_ACTOR = (
    "t.event_id IN (SELECT ea.event_id FROM event_actors ea JOIN actors a ON a.id = ea.actor_id"
    " WHERE lower(a.name) LIKE :f_actor OR a.id IN"
    " (SELECT actor_id FROM actor_aliases WHERE lower(alias) LIKE :f_actor))"
)


def ensure_database(url: str, size: int) -> str:
    """Generate `size` events into an empty database, or migrate an older one to head; then analyse."""
    engine = db.open_engine(url)
    try:
        current = db.current_revision(engine)
    finally:
        engine.dispose()
    if current == db.head_revision():
        return url
    from generate import generate

    started = time.perf_counter()
    if current is None:
        timeline.init_db(url)
        generate(url, size, seed=1, years=20)
        done = f"generated {size:,} events"
    else:
        before, after = timeline.init_db(url)
        done = f"migrated {before} → {after}"
    _analyse(url)
    print(f"{done} in {url} in {time.perf_counter() - started:.0f} s (analysed)", flush=True)
    return url


def _analyse(url: str) -> None:
    postgres = url.startswith("postgresql")
    engine = create_engine(url, isolation_level="AUTOCOMMIT") if postgres else create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")
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
    engine: Engine, actor: str, start: date, end: date, before: bool = False, ids_only: bool = False
) -> tuple[str, dict[str, Any]]:
    """The statement `timeline events --actor --from --to` runs (before: as it was before migration 0003)."""
    if before:
        condition, params = where_clause(make_filters(start, end), "t", engine.dialect.name)
        condition = f"{BEFORE_ACTOR} AND {condition}"
        params["f_actor"] = f"%{actor.lower()}%"
    else:
        condition, params = where_clause(make_filters(start, end, actor=actor), "t", engine.dialect.name)
    if engine.dialect.name == "sqlite":
        params = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
    if ids_only:
        # The filter alone, without the view's per-row subqueries (actors, sources, first source).
        return f"SELECT t.event_id FROM v_timeline t WHERE {condition}", params
    return EVENTS_SQL.replace("WHERE {where}", f"WHERE {condition}"), params


def measure(
    engine: Engine, queries: list[tuple[str, date, date]], before: bool, ids_only: bool = False
) -> dict[str, float]:
    timings, rows = [], []
    with engine.connect() as conn:
        for index, (actor, start, end) in enumerate(queries):
            started = time.perf_counter()
            sql, params = build_sql(engine, actor, start, end, before, ids_only)
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


def plan(engine: Engine, query: tuple[str, date, date], before: bool) -> list[str]:
    sql, params = build_sql(engine, *query, before=before)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return [str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql), params)]
        return [str(row[0]) for row in conn.execute(text("EXPLAIN (ANALYZE, COSTS OFF) " + sql), params)]


def report(label: str, engine: Engine, queries: list[tuple[str, date, date]], before: bool = False) -> None:
    result = measure(engine, queries, before)
    verdict = "met" if result["p95"] < TARGET_P95_MS else "NOT met"
    print(f"{label}: {result['n']} queries, p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
          f"max {result['max']:.1f} ms, {result['rows']:.0f} rows on average "
          f"(target p95 < {TARGET_P95_MS:.0f} ms: {verdict})", flush=True)
    ids = measure(engine, queries, before, ids_only=True)
    print(f"  the same filters selecting event_id only (no per-row view subqueries): p50 {ids['p50']:.1f} ms, "
          f"p95 {ids['p95']:.1f} ms", flush=True)
    actor, start, end = queries[WARM_UP]
    lines = plan(engine, queries[WARM_UP], before)
    print(f"  plan of --actor {actor!r} --from {start} --to {end}:")
    for line in lines:
        print(f"    {line}")
    if not before:
        wanted = INDEX_IN_PLAN[engine.dialect.name]
        used = any(wanted in line for line in lines)
        print(f"  event_actor_dates index in the plan ({wanted!r}): {'yes' if used else 'NO'}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/timeline-bench/queries-1m.db"))
    parser.add_argument("--pg", help="PostgreSQL database URL (generated into when it has no schema)")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", default="7,92", help="shortest,longest window in days")
    parser.add_argument("--before", action="store_true", help="also time the actor condition used before 0003")
    parser.add_argument("--server-defaults", action="store_true",
                        help="also time PostgreSQL on a plain engine (JIT as the server has it)")
    args = parser.parse_args(argv)
    days = tuple(int(d) for d in args.days.split(","))
    assert len(days) == 2

    args.sqlite.parent.mkdir(parents=True, exist_ok=True)
    print(yardstick(), flush=True)
    targets = [("sqlite", ensure_database(f"sqlite:///{args.sqlite}", args.size))]
    if args.pg:
        targets.append(("postgresql", ensure_database(args.pg, args.size)))
    for backend, url in targets:
        engine = timeline.open_db(url, read_only=True)
        try:
            with engine.connect() as conn:
                events = conn.execute(text("SELECT count(*) FROM events")).scalar()
                rows = conn.execute(text("SELECT count(*) FROM event_actor_dates")).scalar()
            queries = make_queries(engine, args.queries, args.seed, days)  # type: ignore[arg-type]
            print(f"{backend}: {events:,} events, {rows:,} event_actor_dates rows; --actor NAME --from/--to over "
                  f"{days[0]}-{days[1]} days", flush=True)
            report(f"{backend} (read-only engine as timeline opens it)", engine, queries)
            if args.before:
                report(f"{backend} before 0003 (LIKE over the join)", engine, queries, before=True)
        finally:
            engine.dispose()
        if backend == "postgresql" and args.server_defaults:
            plain = create_engine(url)
            try:
                report("postgresql on a plain engine (server's JIT setting)", plain, queries)
            finally:
                plain.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
