"""CPU per article of the pure ingest stages (reading, extraction and its parts), without a database.

Usage:
    python bench/bench_stages.py JSONL [--limit N] [--repeat N] [--snapshot FILE] [--compare FILE] [--write]

JSONL is what bench_ingest.py writes (`--keep DIR` keeps DIR/reuters.jsonl). The stages run one
after another in this process over the same documents, each timed as process CPU time (best of
--repeat): reading (sources.iter_documents: JSON, normalising, hashing, boilerplate, datelines),
then extraction (extract.extract) and, for the record, its largest parts called alone.
--write also times the writer alone (pipeline's batches into a fresh, migrated SQLite file in a
temporary folder, best of --repeat): store.save_document and the neighbour queries.
--snapshot writes every document's candidates to FILE (pickle); --compare checks that this run's
candidates are identical to FILE's and names the first documents that differ, so that a speed
change can be shown to change no output.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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
        results["write (store, SQLite)"] = min(_write(extracted) for _ in range(args.repeat))
    candidates = sum(len(c) for c in outputs)  # type: ignore[arg-type]
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


def _write(extracted: list[pipeline._Extracted]) -> float:
    """CPU seconds of the writer storing `extracted` into a fresh SQLite file, batches as in ingest."""
    with tempfile.TemporaryDirectory(prefix="timeline-stages-") as folder:
        engine = db.open_engine(f"sqlite:///{folder}/stages.db")
        try:
            db.upgrade(engine)
            writer = pipeline._Writer(engine, pipeline.IngestSummary(), pipeline.BATCH_SQLITE)
            start = time.process_time()
            for item in extracted:
                writer.add(item)
            writer.flush()
            return time.process_time() - start
        finally:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
