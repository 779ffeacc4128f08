"""Score the time layer against TempEval-3 TBAQ-cleaned and dateparser.search_dates, accuracy and speed.

Usage:
    python bench/bench_timex.py [PATH_TO_TEMPEVAL3] [--limit N] [--repeat N] [--skip-dateparser] [--exact-values]
                                 [--errors FILE]

PATH_TO_TEMPEVAL3 is the folder holding `timex_gold.py` and `tbaq-cleaned/` (default
`../shared/data/tempeval3`). The data is read in place and never copied.

Scoring follows TempEval-3 task A: a system mention and a gold TIMEX3 match strictly when their
offsets are equal and relaxedly when they overlap (one-to-one, greedy by position); precision,
recall and F1 are computed for both; value F1 counts a relaxed match as correct only when the
TIMEX3 values are identical. Figures are printed over all types and over DATE+TIME.

Our mentions include a leading "on"/"in"/"during" (DESIGN.md's `timeline dates` example); TimeML
extents never do, so the preposition is dropped before comparing spans. A range is one mention for
us ("between 1994 and 1997", value `1994/1997`) and two TIMEX3 in TimeML, so it is scored as its two
endpoints. Values are compared after mapping a few spellings of the same TIMEX3 meaning to one
(`canonical`: gold decade `199X` = our `199`, `2000-W6` = `2000-W06`, `T17` = `T17:00`, `P1E` =
`P10Y`, `P3Q` = `P9M`, the SET `XXXX-XX-XX` = `P1D`); `--exact-values` turns that off.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from timeline.extract import timex  # noqa: E402

_PREPOSITION = re.compile(r"(?:on|in|during)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str
    value: str | None


@dataclass
class Scores:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0

    def add(self, gold: list[Span], system: list[Span]) -> None:
        self.gold += len(gold)
        self.system += len(system)
        used: set[int] = set()
        for g in gold:
            best = None
            for i, s in enumerate(system):
                if i in used or s.end <= g.start or s.start >= g.end:
                    continue
                # Prefer the exact extent, then the first overlapping one.
                if s.start == g.start and s.end == g.end:
                    best = i
                    break
                if best is None:
                    best = i
            if best is None:
                continue
            used.add(best)
            s = system[best]
            self.relaxed += 1
            self.strict += s.start == g.start and s.end == g.end
            self.value += s.value is not None and canonical(s.value, s.type) == canonical(g.value, g.type)

    @staticmethod
    def prf(hits: int, system: int, gold: int) -> tuple[float, float, float]:
        p = hits / system if system else 0.0
        r = hits / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def rows(self) -> list[tuple[str, tuple[float, float, float]]]:
        return [
            ("strict span", self.prf(self.strict, self.system, self.gold)),
            ("relaxed span", self.prf(self.relaxed, self.system, self.gold)),
            ("value", self.prf(self.value, self.system, self.gold)),
        ]


# Representation differences only: the same TIMEX3 meaning written two ways. Our library keeps
# DESIGN.md's conventions; the comparison maps both sides to one spelling (docs/time.md lists them).
_EQUIVALENT = (
    (re.compile(r"^(\d{3})X$"), r"\1"),  # decade: gold `199X`, DESIGN `199`
    (re.compile(r"^(\d{2})XX$"), r"\1"),  # century: gold `19XX`, ours `19`
    (re.compile(r"-W(\d)(?=$|-)"), r"-W0\1"),  # ISO week without its leading zero: `2000-W6`
    (re.compile(r"T(\d\d)$"), r"T\1:00"),  # hour without minutes: `T17` is `T17:00`
    (re.compile(r"^P(\d+)E$"), lambda m: f"P{10 * int(m.group(1))}Y"),  # TIMEX2 decade unit: `P1E` is `P10Y`
    (re.compile(r"^P(\d+)DE$"), lambda m: f"P{10 * int(m.group(1))}Y"),
    (re.compile(r"^PX(?:DE|E)$"), "PXDE"),  # some decades
    (re.compile(r"^PX(?:CE|C)$"), "PXCE"),  # some centuries
    (re.compile(r"^P(\d+)C$"), lambda m: f"P{100 * int(m.group(1))}Y"),  # TimeML century unit: `P2C` is `P200Y`
    (re.compile(r"^P(\d+)L$"), lambda m: f"P{1000 * int(m.group(1))}Y"),  # millennium: `P2L` is `P2000Y`
    (re.compile(r"^P(\d+)Q$"), lambda m: f"P{3 * int(m.group(1))}M"),  # a quarter is three months: `P3Q` is `P9M`
)
# A SET written as the calendar unit it recurs in (TIMEX2's notation, kept in TimeBank: "daily"
# `XXXX-XX-XX`) or as the period of the recurrence (TimeML's `P1D`): every day either way.
_SET_EQUIVALENT = {"XXXX-XX-XX": "P1D", "XXXX-WXX": "P1W", "XXXX-XX": "P1M", "XXXX": "P1Y"}


EXACT_VALUES = False  # --exact-values: compare the strings as written, no equivalences


def canonical(value: str | None, type_: str | None = None) -> str | None:
    """One spelling for TIMEX3 values that mean the same (see _EQUIVALENT; _SET_EQUIVALENT for SETs)."""
    if value is None or EXACT_VALUES:
        return value
    if type_ == "SET":
        value = _SET_EQUIVALENT.get(value, value)
    for pattern, replacement in _EQUIVALENT:
        value = pattern.sub(replacement, value)
    return value


def dct_date(value: str) -> date:
    return date.fromisoformat(value[:10])


_RANGE_LEAD = re.compile(r"(?:on|in|during|from|between)\s+", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|\bto\b|\band\b|\bthrough\b|\buntil\b|\bor\b)\s*", re.IGNORECASE)


def our_spans(text: str, reference: date) -> list[Span]:
    """Our mentions as TimeML extents: no leading preposition; a range as its two endpoints."""
    spans = []
    for m in timex.find_time_mentions(text, reference):
        start = m.start
        lead = (_RANGE_LEAD if m.value and "/" in m.value else _PREPOSITION).match(m.text)
        if lead and m.type in ("DATE", "TIME"):
            start += lead.end()
        join = _RANGE_JOIN.search(text, start, m.end) if m.value and "/" in m.value else None
        if join is not None:
            # TimeML has no range value: it annotates "between 1994 and 1997" as two TIMEX3.
            first, last = m.value.split("/")  # type: ignore[union-attr]
            spans.append(Span(start, join.start(), m.type, first))
            spans.append(Span(join.end(), m.end, m.type, last))
            continue
        spans.append(Span(start, m.end, m.type, m.value))
    return spans


def dateparser_spans(text: str, reference: date) -> list[Span]:
    from dateparser.search import search_dates

    base = datetime(reference.year, reference.month, reference.day)
    found = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
    spans, pos = [], 0
    for surface, when in found:
        at = text.find(surface, pos)
        if at < 0:
            at = text.find(surface)
            if at < 0:
                continue
        pos = at + len(surface)
        # search_dates gives a datetime, no granularity: the best TIMEX3 reading is the day.
        spans.append(Span(at, at + len(surface), "DATE", when.strftime("%Y-%m-%d")))
    return spans


def restrict(spans: list[Span], types: tuple[str, ...]) -> list[Span]:
    return [s for s in spans if s.type in types]


def write_errors(path: str, docs: list, gold: list[list[Span]], ours: list[list[Span]]) -> None:
    """Every gold TIMEX3 we miss or mis-value, and every mention of ours with no gold, one a line."""
    with open(path, "w", encoding="utf-8") as out:
        for doc, gold_spans, our_spans_ in zip(docs, gold, ours):
            text, dct = doc.text, doc.dct[:10]
            for g in gold_spans:
                hit = [x for x in our_spans_ if x.start < g.end and x.end > g.start]
                if hit and canonical(hit[0].value, hit[0].type) == canonical(g.value, g.type):
                    continue
                got = f"{text[hit[0].start:hit[0].end]!r} {hit[0].type} {hit[0].value}" if hit else "MISSED"
                before = text[max(0, g.start - 50):g.start].replace("\n", " ")
                out.write(f"{dct} gold={text[g.start:g.end]!r} {g.type} {g.value} | ours={got} | ...{before}\n")
            for x in our_spans_:
                if not any(x.start < g.end and x.end > g.start for g in gold_spans):
                    around = text[max(0, x.start - 40):x.end + 20].replace("\n", " ")
                    out.write(f"{dct} SPURIOUS {text[x.start:x.end]!r} {x.type} {x.value} | {around}\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(REPO.parent / "shared" / "data" / "tempeval3"))
    parser.add_argument("--limit", type=int, default=0, help="score only the first N documents")
    parser.add_argument(
        "--errors",
        help="write our mismatches, with gold excerpts, to this file for tuning; keep it outside the "
        "repository (the data is under the LDC licence)",
    )
    parser.add_argument(
        "--exact-values",
        action="store_true",
        help="score values as exact strings, without the spelling equivalences (decade 198 = 198X, ...)",
    )
    parser.add_argument("--skip-dateparser", action="store_true", help="score and time our layer only")
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds per system; the best is kept")
    args = parser.parse_args(argv)
    global EXACT_VALUES
    EXACT_VALUES = args.exact_values

    data = Path(args.data)
    sys.path.insert(0, str(data))
    from timex_gold import iter_gold  # the reader shipped with the data

    docs = list(iter_gold([data / "tbaq-cleaned"]))
    if args.limit:
        docs = docs[: args.limit]
    chars = sum(len(d.text) for d in docs)
    gold = [[Span(t.start, t.end, t.type, t.value) for t in d.timexes] for d in docs]
    refs = [dct_date(d.dct) for d in docs]

    systems: dict[str, tuple[list[list[Span]], float]] = {}
    # CPU time of this process, best of --repeat rounds for both systems: other work on the machine
    # moves wall-clock figures a lot. Our cache is emptied before each round so that no round profits
    # from having seen the texts (dateparser keeps its own caches: the comparison favours it).
    best = float("inf")
    for _ in range(args.repeat):
        timex._CACHE.clear()
        t0 = time.process_time()
        ours = [our_spans(d.text, r) for d, r in zip(docs, refs)]
        best = min(best, time.process_time() - t0)
    systems["timeline.extract.timex"] = (ours, best)
    if not args.skip_dateparser:
        dateparser_spans("warm up on 26 October 2021", date(2021, 10, 29))
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.process_time()
            theirs = [dateparser_spans(d.text, r) for d, r in zip(docs, refs)]
            best = min(best, time.process_time() - t0)
        systems["dateparser.search_dates"] = (theirs, best)

    print(f"TempEval-3 TBAQ-cleaned: {len(docs)} documents, {sum(map(len, gold))} TIMEX3, {chars} characters")
    for name, (spans, seconds) in systems.items():
        print(f"\n{name}")
        for label, types in (("all types", ("DATE", "TIME", "DURATION", "SET")), ("DATE+TIME", ("DATE", "TIME"))):
            scores = Scores()
            for g, s in zip(gold, spans):
                scores.add(restrict(g, types), restrict(s, types))
            print(f"  {label}: gold={scores.gold} system={scores.system} value hits={scores.value}")
            for row, (p, r, f) in scores.rows():
                print(f"    {row:13s} P={p:.3f} R={r:.3f} F1={f:.3f}")
        per_document = seconds * 1000 / len(docs)
        print(f"  throughput: {chars / seconds:,.0f} characters/s of CPU time ({per_document:.2f} ms/document)")
    if len(systems) == 2:
        ours_s = systems["timeline.extract.timex"][1]
        theirs_s = systems["dateparser.search_dates"][1]
        print(f"\nspeed ratio: {theirs_s / ours_s:.1f}x faster than dateparser.search_dates")

    if args.errors:
        write_errors(args.errors, docs, gold, ours)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
