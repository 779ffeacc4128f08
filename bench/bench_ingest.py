"""Ingest throughput on Reuters-21578 through the CLI, against dateparser.search_dates in the same run.

Usage:
    python bench/bench_ingest.py [DATA_DIR] [--limit N] [--jobs 1,2] [--baseline-limit N] [--keep DIR]

DATA_DIR is the folder holding reut2-*.sgm and reuters_articles.py (default ../shared/data/reuters21578);
the data is read from there and never copied into the project. Each article's DATE is its
publication date. Prints articles/s and events/s per --jobs value, the search_dates baseline on the
same texts, the ratio, and peak memory of the ingest process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_reader(data_dir: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(data_dir))
    import reuters_articles  # type: ignore[import-not-found]

    return reuters_articles


def write_jsonl(data_dir: Path, target: Path, limit: int | None) -> tuple[int, int, list[tuple[str, str]]]:
    """Reuters articles with a body → JSONL; returns (articles, characters, (text, date) pairs)."""
    reader = load_reader(data_dir)
    count = chars = 0
    texts: list[tuple[str, str]] = []
    with target.open("w", encoding="utf-8") as out:
        for article in reader.iter_articles(sorted(data_dir.glob("reut2-*.sgm"))):
            if not article.body or article.date is None:
                continue
            published = article.date.date().isoformat()
            record = {"text": article.body, "title": article.title or None, "published": published,
                      "source": "Reuters", "url": f"reuters21578:{article.newid}"}
            out.write(json.dumps(record) + "\n")
            texts.append((article.body, published))
            count += 1
            chars += len(article.body)
            if limit is not None and count >= limit:
                break
    return count, chars, texts


def run_ingest(jsonl: Path, db_path: Path, jobs: int) -> tuple[float, float, str]:
    """Fresh database, `timeline ingest` in a child process; returns (seconds, peak MB, summary line)."""
    if db_path.exists():
        db_path.unlink()
    env = {**os.environ, "TIMELINE_DB": str(db_path)}
    python = sys.executable
    subprocess.run([python, "-m", "timeline", "init"], check=True, env=env, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [python, "-m", "timeline", "ingest", str(jsonl), "--no-progress", "--jobs", str(jobs)],
        env=env, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far (KiB on Linux); a smaller later child does not lower it.
    return seconds, max(peak, before) / 1024, proc.stdout.strip().splitlines()[-1]


def run_baseline(texts: list[tuple[str, str]]) -> float:
    """Seconds for dateparser.search_dates over the texts, each against its publication date."""
    from datetime import datetime

    from dateparser.search import search_dates

    start = time.perf_counter()
    for body, published in texts:
        base = datetime.fromisoformat(published)
        search_dates(body, languages=["en"], settings={"RELATIVE_BASE": base})
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "data" / "reuters21578"))
    parser.add_argument("--limit", type=int, default=None, help="articles to ingest (default: all with a body)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to time")
    parser.add_argument("--baseline-limit", type=int, default=2000,
                        help="articles for the search_dates baseline (rate is per article; 0 = all)")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the JSONL and databases in")
    args = parser.parse_args(argv)

    data_dir = Path(args.data).resolve()
    work = args.keep or Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    jsonl = work / "reuters.jsonl"
    articles, chars, texts = write_jsonl(data_dir, jsonl, args.limit)
    print(f"input: {articles} articles, {chars:,} characters ({jsonl.stat().st_size / 1e6:.1f} MB JSONL)")

    results = {}
    for jobs in [int(j) for j in args.jobs.split(",") if j]:
        db_path = work / f"bench-jobs{jobs}.db"
        seconds, peak_mb, summary = run_ingest(jsonl, db_path, jobs)
        with sqlite3.connect(db_path) as conn:
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        results[jobs] = articles / seconds
        print(f"timeline ingest --jobs {jobs}: {seconds:.1f} s, {articles / seconds:,.0f} articles/s, "
              f"{events / seconds:,.0f} events/s ({documents} documents, {events} events), "
              f"peak memory {peak_mb:,.0f} MB — {summary}")

    sample = texts if args.baseline_limit == 0 else texts[: args.baseline_limit]
    baseline_seconds = run_baseline(sample)
    baseline_rate = len(sample) / baseline_seconds
    print(f"dateparser.search_dates alone: {len(sample)} articles in {baseline_seconds:.1f} s, "
          f"{baseline_rate:,.1f} articles/s")
    for jobs, rate in results.items():
        print(f"ratio --jobs {jobs} / search_dates: {rate / baseline_rate:.1f}x")
    if 1 in results and 2 in results:
        print(f"speed-up --jobs 2 / --jobs 1: {results[2] / results[1]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
