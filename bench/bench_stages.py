"""CPU per article of the pure ingest stages (reading, extraction and its parts), without a database.

Usage:
    python bench/bench_stages.py JSONL [--limit N] [--repeat N] [--snapshot FILE] [--compare FILE] [--write]
        [--db-url URL] [--dump FILE]

JSONL is what bench_ingest.py writes (`--keep DIR` keeps DIR/reuters.jsonl). The stages run one
after another in this process over the same documents, each timed as process CPU time (best of
--repeat): reading (sources.iter_documents: JSON, normalising, hashing, boilerplate, datelines),
then extraction (extract.extract) and, for the record, its largest parts called alone.
--write also times the writer alone (pipeline's batches into a fresh, migrated SQLite file in a
temporary folder, best of --repeat): store.save_document and the neighbour queries. With
--db-url (a PostgreSQL server URL) it writes into a scratch database created on that server
instead, dropped afterwards, and prints the writer's wall time beside its CPU (the server's work
shows only in wall time). --dump FILE writes v_timeline ordered by id after the last write, to
compare two versions' output.
--snapshot writes every document's candidates to FILE (pickle); --compare checks that this run's
candidates are identical to FILE's and names the first documents that differ, so that a speed
change can be shown to change no output.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import make_url, text

from timeline import db, pipeline, sources
from timeline.extract import extract
from timeline.extract.entities import get_finder
from timeline.extract.sentences import split_sentences
from timeline.extract.timex import find_time_mentions
from timeline.extract.triggers import get_matcher
from timeline.lexicon import load_lexicon
from timeline.records import Document


def _cpu(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshot", type=Path, help="write the candidates of every document here")
    parser.add_argument("--compare", type=Path, help="compare the candidates with this snapshot")
    parser.add_argument("--parts", action="store_true", help="also time the parts of extraction alone")
    parser.add_argument("--write", action="store_true", help="also time the writer into a fresh SQLite file")
    parser.add_argument("--db-url", help="--write into a scratch database on this PostgreSQL server instead")
    parser.add_argument("--dump", type=Path, help="after --write, write v_timeline ordered by id here")
    args = parser.parse_args(argv)

    def read() -> list[Document]:
        found = []
        for item in sources.iter_documents([args.jsonl]):
            if isinstance(item, Document):
                found.append(item)
                if args.limit is not None and len(found) >= args.limit:
                    break
        return found

    documents = read()
    extract(documents[0])  # lexicon, gazetteer and matchers load on first use
    count = len(documents)
    results: dict[str, float] = {}
    results["read (sources)"] = _cpu(read, args.repeat)
    outputs: list[object] = []

    def run_extract() -> None:
        outputs.clear()
        outputs.extend(extract(d) for d in documents)

    results["extract"] = _cpu(run_extract, args.repeat)
    if args.parts:
        lexicon = load_lexicon()
        matcher, finder = get_matcher(lexicon), get_finder()
        results["  triggers.find"] = _cpu(lambda: [matcher.find(d.text) for d in documents], args.repeat)
        results["  split_sentences"] = _cpu(lambda: [split_sentences(d.text) for d in documents], args.repeat)
        results["  entities.find"] = _cpu(lambda: [finder.find(d.text) for d in documents], args.repeat)
        results["  find_time_mentions"] = _cpu(
            lambda: [find_time_mentions(d.text, d.published) for d in documents], args.repeat
        )
    if args.write:
        extracted = [pipeline.extract_safely(d) for d in documents]
        runs = [_write(extracted, args.db_url, args.dump) for _ in range(args.repeat)]
        backend = "PostgreSQL" if args.db_url else "SQLite"
        results[f"write (store, {backend})"] = min(cpu for cpu, _ in runs)
        results["  wall"] = min(wall for _, wall in runs)
    candidates = sum(len(c) for c in outputs)  # type: ignore[arg-type]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{count} documents, {candidates} candidates; CPU ms/article, best of {args.repeat}:")
    for name, seconds in results.items():
        print(f"  {name:<24} {1000 * seconds / count:.3f}")
    keyed = {d.sha256 + d.uri: out for d, out in zip(documents, outputs, strict=True)}
    if args.snapshot:
        args.snapshot.write_bytes(pickle.dumps(keyed))
    if args.compare:
        before = pickle.loads(args.compare.read_bytes())
        differ = [key for key in keyed if before.get(key) != keyed[key]]
        missing = 0 if args.limit else len(set(before) - set(keyed))
        print(f"compared with {args.compare}: {len(differ)} documents differ, {missing} missing")
        for key in differ[:5]:
            print(f"  {key[64:]}")
        if differ or missing:
            return 1
    return 0


def _write(extracted: list[pipeline._Extracted], server: str | None, dump: Path | None) -> tuple[float, float]:
    """CPU and wall seconds of the writer storing `extracted` into a fresh database, batches as in ingest."""
    with tempfile.TemporaryDirectory(prefix="timeline-stages-") as folder:
        url = f"sqlite:///{folder}/stages.db" if server is None else _scratch_database(server)
        engine = db.open_engine(url)
        try:
            db.upgrade(engine)
            batch = pipeline.BATCH_SQLITE if server is None else pipeline.BATCH_POSTGRESQL
            writer = pipeline._Writer(engine, pipeline.IngestSummary(), batch)
            start, wall = time.process_time(), time.perf_counter()
            for item in extracted:
                writer.add(item)
            writer.flush()
            cpu, wall = time.process_time() - start, time.perf_counter() - wall
            analyzed = getattr(writer, "analyzed", [])
            if analyzed:
                print(f"writer analysed {len(analyzed)} times (a table each): {', '.join(sorted(set(analyzed)))}")
            if dump is not None:
                with engine.connect() as conn, dump.open("w", encoding="utf-8") as out:
                    for row in conn.execute(text("SELECT * FROM v_timeline ORDER BY event_id")):
                        out.write(repr(tuple(row)) + "\n")
            return cpu, wall
        finally:
            engine.dispose()
            if server is not None:
                _drop_database(server, url)


def _scratch_database(server: str) -> str:
    name = f"timeline_stages_{os.getpid()}"
    _drop_database(server, str(make_url(server).set(database=name)))
    with db.open_engine(server).execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _drop_database(server: str, url: str) -> None:
    engine = db.open_engine(server)
    try:
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
