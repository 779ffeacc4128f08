"""Score event detection and event dates against MEANTIME (English): gold event mentions with time anchors.

Usage:
    python bench/bench_meantime.py [PATH] [--errors FILE] [--limit N]

PATH is the MEANTIME English folder (default `../shared/data/meantime_en`, holding
`intra_cross-doc_annotation/corpus_*/*.xml` and `list_instances.csv`); it is read in place, never copied.

Each article's tokens are joined back into text (title, date line and body as paragraphs; no
space before closing punctuation), made a Document with the corpus' document creation time (DCT)
as its publication date, and run through `timeline.extract.extract` exactly as ingest does.

Gold: an event mention is *anchored* when it refers (REFERS_TO) to a cross-document event instance
whose `TIME` in `list_instances.csv` is a date (`2009-06-01`, `2009-01-XX` → that month, `2008` →
that year), or, failing that, when a TLINK puts it SIMULTANEOUS with / IS_INCLUDED in a DATE TIMEX3
whose value is a date (the DCT included).

- Detection (trigger level, relaxed): one of our candidates detects a gold mention when the
  candidate's trigger (located in its sentence) overlaps the mention's tokens. Precision counts a
  candidate correct when its trigger overlaps *any* gold EVENT_MENTION, over the candidates of the
  annotated part of each article (MEANTIME annotates some articles only up to a sentence; the
  candidates after it are counted and left out); recall is over the anchored
  mentions (and, for scale, over all mentions: MEANTIME marks every eventive verb and noun, we
  only extract the event types of DESIGN.md).
- Dates, on the anchored mentions we detect: *exact* when our span equals the anchor's span;
  *contains* when our span contains it; *consistent* when either contains the other. An undated
  candidate is wrong on all three.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from timeline.extract import extract  # noqa: E402
from timeline.records import EventCandidate  # noqa: E402
from timeline.sources import make_document  # noqa: E402

DEFAULT = REPO.parent / "shared" / "data" / "meantime_en"
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "%", "'s", "n't", "'", "''", "'re", "'ve", "'ll", "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "$", "``", "US$"}
_DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?$")
_ANCHOR_TYPES = {("event", "SIMULTANEOUS"), ("event", "IS_INCLUDED"), ("timex", "SIMULTANEOUS"), ("timex", "INCLUDES")}


@dataclass
class Mention:
    m_id: str
    start: int
    end: int
    pred: str
    anchor: tuple[date, date, str] | None = None  # (start, end, value)
    anchor_source: str | None = None  # "instance" | "tlink"


@dataclass
class Article:
    doc_id: str
    text: str
    title: str
    dct: date | None
    mentions: list[Mention] = field(default_factory=list)
    annotated_end: int = 0  # end of the last sentence with a gold event mention (annotation is partial)


def value_span(value: str | None) -> tuple[date, date] | None:
    """The days a TIMEX3 date value covers; None for values that are not a calendar date."""
    if not value:
        return None
    found = _DATE_VALUE.match(value.strip())
    if found is None:
        return None
    year = int(found.group(1))
    month, day = found.group(2), found.group(3)
    try:
        if month is None or month == "XX":
            return date(year, 1, 1), date(year, 12, 31)
        if day is None or day == "XX":
            return date(year, int(month), 1), date(year, int(month), calendar.monthrange(year, int(month))[1])
        exact = date(year, int(month), int(day))
        return exact, exact
    except ValueError:
        return None


def load_instances(path: Path) -> dict[str, str]:
    """instance_id → TIME for event instances that have one."""
    times: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) > 7 and row[1] == "EVENT" and row[7].strip():
                times[row[0]] = row[7].strip()
    return times


def read_article(path: Path, instance_times: dict[str, str]) -> Article:
    root = ET.parse(path).getroot()
    tokens = root.findall("token")
    pieces: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    position = 0
    sentence_end: dict[str, int] = {}
    previous_sentence: str | None = None
    previous_token = ""
    for token in tokens:
        word = token.text or ""
        sentence = token.get("sentence", "0")
        if previous_sentence is None:
            sep = ""
        elif sentence != previous_sentence:
            # Title (0) and date line (1) are lines of their own; body sentences are paragraphs.
            sep = "\n\n"
        elif word in _NO_SPACE_BEFORE or previous_token in _NO_SPACE_AFTER:
            sep = ""
        else:
            sep = " "
        pieces.append(sep)
        position += len(sep)
        offsets[token.get("t_id", "")] = (position, position + len(word))
        pieces.append(word)
        position += len(word)
        sentence_end[sentence] = position
        previous_sentence, previous_token = sentence, word
    text = "".join(pieces) + "\n"
    title = " ".join((t.text or "") for t in tokens if t.get("sentence") == "0")

    markables = root.find("Markables")
    timex: dict[str, tuple[str, str, str]] = {}  # m_id → (type, value, function)
    mentions: dict[str, Mention] = {}
    instances: dict[str, str] = {}  # EVENT instance m_id → instance_id
    dct: date | None = None
    for element in list(markables) if markables is not None else []:
        m_id = element.get("m_id", "")
        if element.tag == "TIMEX3":
            timex[m_id] = (element.get("type", ""), element.get("value", ""), element.get("functionInDocument", ""))
            if element.get("functionInDocument") == "CREATION_TIME":
                span = value_span(element.get("value"))
                if span is not None and span[0] == span[1]:
                    dct = span[0]
        elif element.tag == "EVENT_MENTION":
            spans = [offsets[a.get("t_id", "")] for a in element.findall("token_anchor") if a.get("t_id") in offsets]
            if spans:
                mentions[m_id] = Mention(m_id, min(s for s, _ in spans), max(e for _, e in spans), element.get("pred", ""))
        elif element.tag == "EVENT" and element.get("instance_id"):
            instances[m_id] = element.get("instance_id", "")

    relations = root.find("Relations")
    tlink_anchor: dict[str, tuple[date, date, str]] = {}
    for relation in list(relations) if relations is not None else []:
        source = relation.find("source")
        target = relation.find("target")
        if source is None or target is None:
            continue
        src, dst = source.get("m_id", ""), target.get("m_id", "")
        if relation.tag == "REFERS_TO" and src in mentions and dst in instances:
            value = instance_times.get(instances[dst])
            span = value_span(value)
            if span is not None and value is not None:
                mentions[src].anchor, mentions[src].anchor_source = (span[0], span[1], value), "instance"
        elif relation.tag == "TLINK":
            reltype = relation.get("reltype", "")
            if src in mentions and dst in timex and ("event", reltype) in _ANCHOR_TYPES:
                event_id, time_id = src, dst
            elif src in timex and dst in mentions and ("timex", reltype) in _ANCHOR_TYPES:
                event_id, time_id = dst, src
            else:
                continue
            kind, value, _function = timex[time_id]
            span = value_span(value) if kind == "DATE" else None
            if span is not None:
                tlink_anchor.setdefault(event_id, (span[0], span[1], value))
    for m_id, anchor in tlink_anchor.items():
        if mentions[m_id].anchor is None:
            mentions[m_id].anchor, mentions[m_id].anchor_source = anchor, "tlink"
    ordered = sorted(mentions.values(), key=lambda m: (m.start, m.end))
    # The end of the sentence that holds the last gold mention.
    last = max((m.end for m in ordered), default=0)
    annotated_end = min((end for end in sentence_end.values() if end >= last), default=0)
    return Article(root.get("doc_id", path.stem), text, title, dct, ordered, annotated_end)


def trigger_span(text: str, candidate: EventCandidate) -> tuple[int, int]:
    """Where the candidate's trigger sits in its sentence (the whole sentence when it cannot be found)."""
    if candidate.trigger:
        sentence = text[candidate.char_start : candidate.char_end].lower()
        at = sentence.find(candidate.trigger.lower())
        if at >= 0:
            return candidate.char_start + at, candidate.char_start + at + len(candidate.trigger)
    return candidate.char_start, candidate.char_end


@dataclass
class Scores:
    system: int = 0
    system_correct: int = 0
    outside: int = 0  # candidates after the annotated part of their article
    outside_correct: int = 0
    gold_all: int = 0
    gold_all_found: int = 0
    anchored: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)
    contains: Counter[str] = field(default_factory=Counter)
    consistent: Counter[str] = field(default_factory=Counter)
    undated: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    by_type_correct: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def score(article: Article, candidates: list[EventCandidate], scores: Scores) -> None:
    triggers = [(trigger_span(article.text, c), c) for c in candidates]
    for (start, end), candidate in triggers:
        hit = any(m.start < end and start < m.end for m in article.mentions)
        if candidate.char_start >= article.annotated_end:
            scores.outside += 1
            scores.outside_correct += hit
            continue
        scores.system += 1
        scores.system_correct += hit
        scores.by_type[candidate.event_type] += 1
        scores.by_type_correct[candidate.event_type] += hit
    for mention in article.mentions:
        overlapping = [c for (start, end), c in triggers if mention.start < end and start < mention.end]
        scores.gold_all += 1
        scores.gold_all_found += bool(overlapping)
        if mention.anchor is None:
            continue
        for key in ("all", mention.anchor_source or "?"):
            scores.anchored[key] += 1
        if not overlapping:
            continue
        low, high, value = mention.anchor
        # Prefer a dated candidate, the narrowest, when several triggers overlap the mention.
        dated = [c for c in overlapping if c.date_start is not None and c.date_end is not None]
        best = min(dated, key=lambda c: (c.date_end - c.date_start, c.char_start)) if dated else overlapping[0]  # type: ignore[operator]
        keys = ("all", mention.anchor_source or "?")
        for key in keys:
            scores.found[key] += 1
        if best.date_start is None or best.date_end is None:
            for key in keys:
                scores.undated[key] += 1
            verdict = "undated"
        else:
            exact = (best.date_start, best.date_end) == (low, high)
            contains = best.date_start <= low and high <= best.date_end
            inside = low <= best.date_start and best.date_end <= high
            for key in keys:
                scores.exact[key] += exact
                scores.contains[key] += contains
                scores.consistent[key] += contains or inside
            verdict = "exact" if exact else "contains" if contains else "inside" if inside else "wrong"
        if verdict != "exact":
            ours = f"{best.date_start}..{best.date_end} {best.date_precision}" if best.date_start else "undated"
            scores.errors.append(
                f"{article.doc_id}\t{verdict}\t{mention.pred}\tgold {value} ({mention.anchor_source})\t"
                f"ours {ours} {best.event_type} {best.date_text!r}\t{' '.join(best.sentence.split())[:160]}"
            )


def ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--errors", type=Path, help="Write every non-exact date (TSV) to FILE.")
    parser.add_argument("--limit", type=int, help="Only the first N articles.")
    args = parser.parse_args(argv)
    folder: Path = args.path
    files = sorted(folder.glob("intra_cross-doc_annotation/corpus_*/*.xml"))
    if not files:
        print(f"bench_meantime: no MEANTIME articles under {folder}", file=sys.stderr)
        return 2
    if args.limit:
        files = files[: args.limit]
    instance_times = load_instances(folder / "list_instances.csv")
    scores = Scores()
    undated_documents = 0
    for path in files:
        article = read_article(path, instance_times)
        undated_documents += article.dct is None
        document = make_document(
            article.text, str(path), title=article.title, published=article.dct,
            published_source="manifest" if article.dct else None,
        )
        score(article, extract(document), scores)

    p = ratio(scores.system_correct, scores.system)
    r = ratio(scores.found["all"], scores.anchored["all"])
    f1 = ratio(2 * p * r, p + r)
    print(f"MEANTIME English: {len(files)} articles ({undated_documents} without a usable DCT), "
          f"{scores.gold_all} gold event mentions, {scores.anchored['all']} anchored to a date "
          f"({scores.anchored['instance']} by instance TIME, {scores.anchored['tlink']} by TLINK only)")
    print(f"candidates: {scores.system + scores.outside} ({scores.outside} after the last annotated sentence of their "
          f"article: left out of precision)")
    print("event detection (trigger overlap, relaxed):")
    print(f"  precision {p:.3f} ({scores.system_correct}/{scores.system} candidates on a gold event mention)")
    print(f"  recall    {r:.3f} ({scores.found['all']}/{scores.anchored['all']} anchored gold mentions)   F1 {f1:.3f}")
    print(f"  recall over all gold mentions {ratio(scores.gold_all_found, scores.gold_all):.3f} "
          f"({scores.gold_all_found}/{scores.gold_all})")
    print("dates of detected anchored mentions:")
    for key, label in (("all", "all anchors"), ("instance", "instance TIME"), ("tlink", "TLINK only")):
        found = scores.found[key]
        print(f"  {label:13} n={found:4}  exact {ratio(scores.exact[key], found):.3f}  "
              f"contains {ratio(scores.contains[key], found):.3f}  consistent {ratio(scores.consistent[key], found):.3f}  "
              f"undated {ratio(scores.undated[key], found):.3f}")
    print("precision by event type:")
    for event_type, count in sorted(scores.by_type.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {event_type:12} {ratio(scores.by_type_correct[event_type], count):.3f} "
              f"({scores.by_type_correct[event_type]}/{count})")
    if args.errors:
        args.errors.write_text("\n".join(scores.errors) + "\n", encoding="utf-8")
        print(f"wrote {len(scores.errors)} non-exact dates to {args.errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
