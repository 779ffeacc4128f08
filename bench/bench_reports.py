"""Briefing build times on synthetic databases of 10k, 100k and 1M events over 20 years.

    python bench/bench_reports.py [--sizes 10000,100000,1000000] [--dir /tmp/timeline-bench]
                                  [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench] [--regenerate]
                                  [--runs 3] [--no-cold]

For each size and for a one-month and a one-year window (and an early month) it prints:

- the events and sources in the window;
- SQL: every query of the briefing, rows made into Python values (wall and CPU seconds);
- cold builds, the headline: a fresh Python process per build (nothing cached in the process;
  the database file may be in the OS page cache; templates compiled by an earlier process are
  read from disk, as for every scheduled build after the first) that times the build from
  opening the report to the finished text, for HTML alone, Markdown alone and both;
- first builds: the same with no compiled templates on disk either (an empty temp folder);
- warm builds: the same in this process, templates compiled once (what a long-running caller
  gets);
- peak Python memory of a build of both formats (tracemalloc, in a separate run);
- and the EXPLAIN (QUERY PLAN) of the events query, so that the index use shows.

Every figure is the best of --runs; the machine's load average is printed before each size, and the
machine's speed first (bench/yardstick.py), since the targets are absolute times.
Databases are generated once (bench/generate.py) and reused.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from yardstick import describe as yardstick  # noqa: E402

import timeline  # noqa: E402
from timeline.filters import make_filters, where_clause  # noqa: E402
from timeline.report import bind_values, find_report, parse_params, prepare_sql, render, run_queries  # noqa: E402

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# March 2007 is the same month length early in the data: the index range of the window test is
# bounded on one side only (date_start <= :to), so recent windows cost more than old ones.
WINDOWS = {"month": (date(2025, 3, 1), date(2025, 3, 31)), "year": (date(2025, 1, 1), date(2025, 12, 31)),
           "2007-03": (date(2007, 3, 1), date(2007, 3, 31))}
RUNS = 3
FORMAT_SETS = {"html": ("html",), "md": ("md",), "html+md": ("html", "md")}


def _sqlite_db(folder: Path, size: int, regenerate: bool) -> str:
    path = folder / f"bench-{size}.db"
    if regenerate:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    if not path.exists():
        started = time.perf_counter()
        timeline.init_db(url)
        generate(url, size, seed=1, years=20)
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()
        print(f"  generated {size} events in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        timeline.init_db(url)  # a database generated before the latest migration is upgraded in place
    return url


def _pg_db(base: str, size: int, regenerate: bool) -> str:
    from sqlalchemy.engine import make_url

    name = f"timeline_bench_{size}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if exists and regenerate:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    if not exists:
        timeline.init_db(url)
        generate(url, size, seed=1, years=20)
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
    else:
        timeline.init_db(url)
    return url


def _best(func: Any, runs: int) -> tuple[float, float, Any]:
    """(best wall seconds, best CPU seconds, last value) of `runs` calls."""
    wall, cpu, value = float("inf"), float("inf"), None
    for _ in range(runs):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        value = func()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu, value


def build_once(url: str, start: date, end: date, formats: tuple[str, ...]) -> dict[str, float]:
    """One build in this process, timed from finding the report to the finished text (for --cold-one)."""
    engine = timeline.open_db(url, read_only=True)
    started, started_cpu = time.perf_counter(), time.process_time()
    rendered = render(engine, find_report("briefing"), formats=formats, filters=make_filters(start, end), now=NOW)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    engine.dispose()
    return {"wall": wall, "cpu": cpu, "chars": sum(len(text) for text in rendered.outputs.values())}


def _cold(url: str, start: date, end: date, formats: tuple[str, ...], runs: int,
          first: bool = False) -> tuple[float, float]:
    """Best (wall, CPU) of `runs` builds, each in a fresh Python process.

    With `first`, each process also has an empty temp folder, so no compiled template is found on
    disk (timeline keeps them in Jinja's per-user folder there, templating.TemplateCache).
    """
    wall, cpu = float("inf"), float("inf")
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-first-") as empty:
            env = {**os.environ, "TMPDIR": empty} if first else None
            out = subprocess.run([sys.executable, __file__, "--cold-one", url, start.isoformat(), end.isoformat(),
                                  ",".join(formats)], check=True, capture_output=True, text=True, env=env).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        wall, cpu = min(wall, figures["wall"]), min(cpu, figures["cpu"])
    return wall, cpu


def _plan(engine: Any, definition: Any, filters: Any) -> list[str]:
    condition, params = where_clause(filters, "t", engine.dialect.name)
    sql = prepare_sql(definition.find_file("query.sql").read_text(encoding="utf-8"), condition)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + sql), bind_values(engine, params)).all()
            return [str(row[-1]) for row in rows]
        rows = conn.execute(text("EXPLAIN " + sql), params).all()
        return [str(row[0]) for row in rows]


def bench(url: str, label: str, runs: int, cold: bool) -> None:
    engine = timeline.open_db(url, read_only=True)
    definition = find_report("briefing")
    values = parse_params(definition, {}, NOW)
    try:
        for window, (start, end) in WINDOWS.items():
            filters = make_filters(start, end)
            sql_wall, sql_cpu, results = _best(lambda: run_queries(engine, definition, filters, values), runs)
            warm: dict[str, tuple[float, float]] = {}
            for name, formats in FORMAT_SETS.items():
                wall, cpu, _ = _best(lambda: render(engine, definition, formats=formats, filters=filters, now=NOW), runs)
                warm[name] = (wall, cpu)
            # Peak memory in a separate run: tracemalloc slows Python down several times.
            tracemalloc.start()
            rendered = render(engine, definition, filters=filters, now=NOW)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            size = sum(len(out.encode()) for out in rendered.outputs.values())
            print(f"  {label:>8} {window:7}: {len(results['events']):6d} events {len(results['sources']):6d} sources | "
                  f"SQL {sql_wall:6.3f} s (CPU {sql_cpu:6.3f}) | peak {peak / 2**20:6.1f} MiB | "
                  f"output {size / 2**20:5.1f} MiB", flush=True)
            if cold:
                for kind, first in (("cold build", False), ("first build", True)):
                    line = " | ".join(f"{name} {wall:6.3f} s (CPU {cpu:6.3f})" for name, (wall, cpu) in
                                      ((name, _cold(url, start, end, formats, runs, first))
                                       for name, formats in FORMAT_SETS.items()))
                    print(f"           {kind:>11}: {line}", flush=True)
            line = " | ".join(f"{name} {wall:6.3f} s (CPU {cpu:6.3f})" for name, (wall, cpu) in warm.items())
            print(f"           {'warm build':>11}: {line}", flush=True)
        for line in _plan(engine, definition, make_filters(*WINDOWS["month"])):
            print(f"           plan: {line}")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["--cold-one"]:
        url, start, end, formats = args_list[1:5]
        figures = build_once(url, date.fromisoformat(start), date.fromisoformat(end), tuple(formats.split(",")))
        print(json.dumps(figures))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dir", default="/tmp/timeline-bench", type=Path)
    parser.add_argument("--pg", help="PostgreSQL server URL (a database per size is created on it)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--runs", type=int, default=RUNS, help="best of how many runs (default 3)")
    parser.add_argument("--no-cold", dest="cold", action="store_false", help="skip the fresh-process builds")
    args = parser.parse_args(args_list)
    args.dir.mkdir(parents=True, exist_ok=True)
    print(yardstick(), flush=True)
    for size in (int(item) for item in args.sizes.split(",")):
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"{size} events over 20 years (load average {load} on {os.cpu_count()} CPUs)", flush=True)
        bench(_sqlite_db(args.dir, size, args.regenerate), "sqlite", args.runs, args.cold)
        if args.pg:
            bench(_pg_db(args.pg, size, args.regenerate), "postgres", args.runs, args.cold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
