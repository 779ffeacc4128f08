"""Synthetic but realistic timeline databases for benchmarks and report tests, deterministic by seed.

    python bench/generate.py DB_URL N [--seed S] [--years Y]

The database must already be migrated (`timeline init`); rows are added after any that exist.
event_actor_dates fills itself: the triggers of migration 0003 add a row per actor link as the
event_actors rows go in (a database generated before 0003 gets them from its backfill).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from timeline import models
from timeline.db import open_engine, upgrade

END = date(2026, 10, 31)  # the last day events may fall on; fixed so that output is repeatable
CHUNK = 20_000

COUNTRIES = [
    ("Afghanistan", "AF", ["Kabul", "Kandahar", "Herat", "Mazar-i-Sharif", "Jalalabad"]),
    ("Pakistan", "PK", ["Islamabad", "Karachi", "Lahore", "Peshawar", "Quetta"]),
    ("India", "IN", ["New Delhi", "Mumbai", "Srinagar", "Bengaluru"]),
    ("United States", "US", ["Washington", "New York"]),
    ("Russia", "RU", ["Moscow", "Saint Petersburg"]),
    ("China", "CN", ["Beijing", "Shanghai", "Urumqi"]),
    ("Iran", "IR", ["Tehran", "Mashhad"]),
    ("Qatar", "QA", ["Doha"]),
    ("Uzbekistan", "UZ", ["Tashkent", "Termez"]),
    ("Tajikistan", "TJ", ["Dushanbe"]),
    ("Cambodia", "KH", ["Phnom Penh"]),
    ("United Kingdom", "GB", ["London"]),
    ("Belgium", "BE", ["Brussels"]),
    ("Switzerland", "CH", ["Geneva"]),
    ("Turkey", "TR", ["Ankara", "Istanbul"]),
]
ORGANISATIONS = [
    "United Nations Security Council", "UN General Assembly", "European Union", "NATO",
    "Shanghai Cooperation Organisation", "ASEAN", "Financial Action Task Force", "World Bank",
    "UNHCR", "World Food Programme", "International Committee of the Red Cross", "Quad",
]
ARMED_GROUPS = [
    "Taliban", "Lashkar-e-Taiba", "Jaish-e-Mohammed", "Islamic State Khorasan Province", "Al-Qaeda",
    "Haqqani Network", "Tehrik-i-Taliban Pakistan", "East Turkestan Islamic Movement",
]
FIRST = ["Antony", "Subrahmanyam", "Sergey", "Wang", "Zalmay", "Amir", "Shah", "Ned", "Hina", "Bilawal",
         "Lloyd", "Ajit", "Tom", "Rashid", "Maria", "Ahmad", "Fatima", "Jean", "Olena", "Kenji"]
LAST = ["Blinken", "Jaishankar", "Lavrov", "Yi", "Khalilzad", "Muttaqi", "Qureshi", "Price", "Khar",
        "Bhutto Zardari", "Austin", "Doval", "West", "Dostum", "Zakharova", "Massoud", "Rahimi", "Dupont",
        "Kovalenko", "Tanaka"]
TITLES = ["Foreign Minister", "Secretary of State", "National Security Adviser", "Special Envoy",
          "Spokesperson", "Defence Minister", "Prime Minister", "Ambassador"]

# event type → (CAMEO root, title pattern, summary pattern, roles of the first and second actor)
TYPES: dict[str, tuple[str, str, str, tuple[str, str]]] = {
    "meeting": ("04", "{a} meets {b} in {place}", "{a} and {b} held talks in {place} on {topic}.", ("participant", "participant")),
    "statement": ("01", "{a} statement on {topic}", "{a} said {topic} remained a concern, in a statement naming {b}.", ("speaker", "subject")),
    "resolution": ("05", "{a} adopts resolution on {topic}", "{a} adopted a resolution on {topic}, urging {b} to act.", ("adopter", "subject")),
    "strike": ("19", "{a} strike near {place}", "{a} carried out a strike on {b} positions near {place}.", ("agent", "target")),
    "attack": ("18", "Attack in {place} claimed by {a}", "{a} claimed an attack in {place} that targeted {b}.", ("agent", "target")),
    "takeover": ("19", "{a} takes control of {place}", "{a} took control of {place} from {b}.", ("agent", "target")),
    "agreement": ("05", "{a} and {b} sign agreement", "{a} and {b} signed an agreement on {topic} in {place}.", ("participant", "participant")),
    "designation": ("17", "{a} designates {b}", "{a} designated {b} a terrorist organisation over {topic}.", ("agent", "target")),
    "sanction": ("16", "{a} sanctions {b}", "{a} imposed sanctions on {b} over {topic}.", ("agent", "target")),
    "visit": ("04", "{a} visits {place}", "{a} visited {place} for talks with {b} on {topic}.", ("participant", "participant")),
    "aid": ("07", "{a} pledges aid to {b}", "{a} pledged humanitarian aid to {b} for {topic}.", ("agent", "target")),
    "other": ("01", "{a} and {b}: {topic}", "Reports linked {a} and {b} to {topic} in {place}.", ("participant", "participant")),
}
TYPE_WEIGHTS = [18, 22, 6, 8, 10, 3, 6, 4, 5, 9, 5, 4]
TOPICS = ["counterterrorism cooperation", "terror safe havens", "border security", "refugee flows",
          "humanitarian access", "the peace process", "women's rights", "drug trafficking",
          "terror financing", "regional connectivity", "the evacuation of nationals", "frozen assets"]
OUTLETS = [("The Daily Guardian", "dailyguardian.example"), ("Hindustan Times", "hindustantimes.example"),
           ("Dawn", "dawn.example"), ("Reuters", "reuters.example"), ("Tolo News", "tolonews.example"),
           ("The Hindu", "thehindu.example"), ("Al Jazeera", "aljazeera.example")]
# precision → weight; None is undated
PRECISION_WEIGHTS = [("day", 74), ("week", 3), ("month", 11), ("quarter", 2), ("season", 2), ("year", 3),
                     ("decade", 0.2), (None, 4.8)]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]


_GROUPS = {
    "state": ("country", "organisation"),
    "anyone": ("country", "organisation", "person", "armed_group"),
    "armed": ("armed_group",),
    "officials": ("person", "country"),
    "violent": ("armed_group", "country"),
}
_FIRST_KINDS = {"meeting": "officials", "statement": "anyone", "resolution": "state", "strike": "violent",
                "attack": "armed", "takeover": "armed", "agreement": "state", "designation": "state",
                "sanction": "state", "visit": "officials", "aid": "state", "other": "anyone"}
_SECOND_KINDS = {"meeting": "officials", "statement": "anyone", "resolution": "anyone", "strike": "armed",
                 "attack": "state", "takeover": "state", "agreement": "state", "designation": "armed",
                 "sanction": "anyone", "visit": "officials", "aid": "state", "other": "anyone"}


def _span(rng: random.Random, day: date, precision: str | None) -> tuple[date | None, date | None, str | None]:
    """The (start, end, TIMEX value) an event dated `day` at `precision` covers."""
    if precision is None:
        return None, None, None
    if precision == "day":
        length = rng.choice([0] * 9 + [1, 2])
        return day, day + timedelta(days=length), day.isoformat()
    if precision == "week":
        start = day - timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return start, start + timedelta(days=6), f"{year}-W{week:02d}"
    if precision == "month":
        start = day.replace(day=1)
        return start, _month_end(start), f"{day.year}-{day.month:02d}"
    if precision == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first, 1)
        return start, _month_end(date(day.year, first + 2, 1)), f"{day.year}-Q{(first + 2) // 3}"
    if precision == "season":
        start = date(day.year, 6, 1)
        return start, date(day.year, 8, 31), f"{day.year}-SU"
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31), str(day.year)
    decade = day.year - day.year % 10
    return date(decade, 1, 1), date(decade + 9, 12, 31), str(decade // 10)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _next_ids(conn: Connection) -> dict[str, int]:
    ids = {}
    for name, model in (("documents", models.Document), ("events", models.Event), ("event_sources", models.EventSource),
                        ("actors", models.Actor), ("places", models.Place), ("actor_aliases", models.ActorAlias)):
        ids[name] = (conn.execute(select(func.max(model.__table__.c.id))).scalar() or 0) + 1
    return ids


def _people(rng: random.Random) -> list[tuple[str, str]]:
    names = sorted({f"{first} {last}" for first in FIRST for last in LAST})
    rng.shuffle(names)
    return [(name, rng.choice(TITLES)) for name in names[:120]]


def _setup_actors_and_places(conn: Connection, rng: random.Random, ids: dict[str, int],
                             actor_kinds: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Insert (or reuse) the actors and places; returns [(id, name)] of each."""
    actors_table, places_table = models.Actor.__table__, models.Place.__table__
    existing_actors = {name: id_ for id_, name in conn.execute(select(actors_table.c.id, actors_table.c.name))}
    wanted = [(name, "country", None) for name, _, _ in COUNTRIES]
    wanted += [(name, "organisation", None) for name in ORGANISATIONS]
    wanted += [(name, "armed_group", None) for name in ARMED_GROUPS]
    wanted += [(name, "person", title) for name, title in _people(rng)]
    rows, aliases = [], []
    for name, kind, title in wanted:
        if name in existing_actors:
            continue
        existing_actors[name] = ids["actors"]
        rows.append({"id": ids["actors"], "name": name, "kind": kind, "title": title})
        initials = "".join(word[0] for word in name.replace("-", " ").split() if word[0].isupper())
        if kind in ("organisation", "armed_group") and len(initials) >= 2:
            aliases.append({"id": ids["actor_aliases"], "actor_id": ids["actors"], "alias": initials})
            ids["actor_aliases"] += 1
        ids["actors"] += 1
    if rows:
        conn.execute(actors_table.insert(), rows)
    if aliases:
        conn.execute(models.ActorAlias.__table__.insert(), aliases)
    existing_places = {(name, code): id_ for id_, name, code in conn.execute(
        select(places_table.c.id, places_table.c.name, places_table.c.country_code))}
    place_rows = []
    for country, code, cities in COUNTRIES:
        for city in cities:
            if (city, code) in existing_places:
                continue
            existing_places[(city, code)] = ids["places"]
            place_rows.append({"id": ids["places"], "name": city, "country": country, "country_code": code,
                               "kind": "city", "latitude": round(rng.uniform(-60, 70), 4),
                               "longitude": round(rng.uniform(-120, 140), 4), "geonameid": None})
            ids["places"] += 1
    if place_rows:
        conn.execute(places_table.insert(), place_rows)
    wanted_kinds = {w[0]: w[1] for w in wanted}
    actor_list = sorted((id_, name) for name, id_ in existing_actors.items() if name in wanted_kinds)
    actor_kinds.extend((id_, wanted_kinds[name]) for id_, name in actor_list)
    place_list = sorted((id_, name) for (name, _), id_ in existing_places.items())
    return actor_list, place_list


def _batches(rng: random.Random, n_events: int, years: int, ids: dict[str, int], actors: list[tuple[int, str]],
             places: list[tuple[int, str]], now: datetime,
             actor_kinds: list[tuple[int, str]]) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows for documents, events, event_sources and event_actors, CHUNK events at a time."""
    first_day = END - timedelta(days=365 * years)
    total_days = (END - first_day).days
    precisions = [p for p, _ in PRECISION_WEIGHTS]
    precision_weights = [w for _, w in PRECISION_WEIGHTS]
    type_names = list(TYPES)
    kinds = dict(actor_kinds)
    by_kind = {group: [actor for actor in actors if kinds[actor[0]] in members] for group, members in _GROUPS.items()}
    made = 0
    while made < n_events:
        count = min(CHUNK, n_events - made)
        docs: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        sources: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        # Each document reports on one to eight events of the same weeks; an event has one to four sources.
        open_docs: list[tuple[int, date, list[str]]] = []
        created_docs: dict[int, tuple[int, date, list[str]]] = {}
        # Days sorted within a chunk, so that a document reports events of the same days.
        days = sorted(first_day + timedelta(days=rng.randrange(total_days)) for _ in range(count))
        for day in days:
            event_id = ids["events"]
            ids["events"] += 1
            precision = rng.choices(precisions, precision_weights)[0]
            start, end, value = _span(rng, day, precision)
            event_type = rng.choices(type_names, TYPE_WEIGHTS)[0]
            cameo, title_pattern, summary_pattern, roles = TYPES[event_type]
            first = rng.choice(by_kind[_FIRST_KINDS[event_type]])
            second = rng.choice([actor for actor in by_kind[_SECOND_KINDS[event_type]] if actor != first])
            place_id, place_name = rng.choice(places) if rng.random() < 0.85 else (None, "an undisclosed location")
            topic = rng.choice(TOPICS)
            words = {"a": first[1], "b": second[1], "place": place_name, "topic": topic}
            title = title_pattern.format(**words)
            summary = summary_pattern.format(**words)
            events.append({
                "id": event_id, "event_type": event_type, "cameo_code": cameo, "title": title, "summary": summary,
                "date_start": start, "date_end": end, "date_precision": precision,
                "date_approximate": precision is not None and rng.random() < 0.08, "date_value": value,
                "date_reason": None, "status": "past", "place_id": place_id,
                "confidence": round(rng.uniform(0.4, 0.95), 2), "curated": False,
                "created_at": now, "updated_at": now,
            })
            links.append({"event_id": event_id, "actor_id": first[0], "role": roles[0]})
            links.append({"event_id": event_id, "actor_id": second[0], "role": roles[1]})
            if rng.random() < 0.3:
                third = rng.choice([actor for actor in actors if actor not in (first, second)])
                links.append({"event_id": event_id, "actor_id": third[0], "role": "subject"})
            date_text = _date_text(rng, start, precision)
            sentence = f"{summary[:-1]}{' ' + date_text if date_text else ''}."
            used: set[int] = set()
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
                reusable = [doc for doc in open_docs if doc[0] not in used and abs((doc[1] - day).days) < 5]
                if reusable and rng.random() < 0.7:
                    doc_id, published, parts = rng.choice(reusable)
                else:
                    doc_id = ids["documents"]
                    ids["documents"] += 1
                    published = (start or day) + timedelta(days=rng.randrange(0, 4))
                    parts = []
                    open_docs.append((doc_id, published, parts))
                    created_docs[doc_id] = (doc_id, published, parts)
                    if len(open_docs) > 6:
                        open_docs.pop(0)
                used.add(doc_id)
                offset = sum(len(part) + 1 for part in parts)
                parts.append(sentence)
                sources.append({
                    "id": ids["event_sources"], "event_id": event_id, "document_id": doc_id, "sentence": sentence,
                    "char_start": offset, "char_end": offset + len(sentence), "date_text": date_text,
                    "date_value": value, "reference_date": published, "merge_reason": None, "confidence": 0.6,
                })
                ids["event_sources"] += 1
        for doc_id, published, parts in sorted(created_docs.values()):
            text = " ".join(parts)
            outlet, domain = OUTLETS[doc_id % len(OUTLETS)]
            headline = text.split(".")[0][:120]
            docs.append({
                "id": doc_id, "sha256": sha256(f"{doc_id}:{text}".encode()).hexdigest(),
                "uri": f"https://{domain}/news/{published.isoformat()}/{doc_id}",
                "title": headline, "text": text, "published": published, "published_source": "manifest",
                "url": f"https://{domain}/news/{published.isoformat()}/{doc_id}", "source": outlet,
                "boilerplate": "[]", "char_count": len(text),
                "ingested_at": datetime(published.year, published.month, published.day, 6, 0, tzinfo=UTC)
                + timedelta(days=1, minutes=doc_id % 600),
            })
        made += count
        yield {"documents": docs, "events": events, "event_sources": sources, "event_actors": links}


def _date_text(rng: random.Random, start: date | None, precision: str | None) -> str | None:
    if start is None:
        return None
    if precision == "day":
        return rng.choice([f"on {start.day} {MONTH_NAMES[start.month - 1]}", "on Thursday", "last week", "on Monday"])
    if precision == "month":
        return f"in {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "year":
        return f"in {start.year}"
    return rng.choice(["earlier this year", "in the summer", "a few weeks ago", None])


def generate(engine_or_url: Engine | str, n_events: int, seed: int = 1, years: int = 20) -> dict[str, int]:
    """Insert `n_events` synthetic events with their documents, sources, actors and places.

    Returns the number of rows added per table. The database must be migrated; an URL is
    migrated to head first. The same seed on an empty database gives the same rows.
    """
    engine = open_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    if isinstance(engine_or_url, str):
        upgrade(engine)
    rng = random.Random(seed)
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    added = {"documents": 0, "events": 0, "event_sources": 0, "event_actors": 0}
    tables = {name: models.Base.metadata.tables[name] for name in added}
    try:
        with engine.begin() as conn:
            ids = _next_ids(conn)
            actor_kinds: list[tuple[int, str]] = []
            actors, places = _setup_actors_and_places(conn, rng, ids, actor_kinds)
        for batch in _batches(rng, n_events, years, ids, actors, places, now, actor_kinds):
            with engine.begin() as conn:
                # NOTE: parents before children (foreign keys are on).
                for name in ("documents", "events", "event_sources", "event_actors"):
                    if batch[name]:
                        conn.execute(tables[name].insert(), batch[name])
                        added[name] += len(batch[name])
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db_url", help="SQLAlchemy URL or SQLite path (migrated to head first)")
    parser.add_argument("n", type=int, help="number of events to add")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=20)
    args = parser.parse_args(argv)
    url = args.db_url if "://" in args.db_url else f"sqlite:///{args.db_url}"
    started = time.perf_counter()
    added = generate(url, args.n, seed=args.seed, years=args.years)
    took = time.perf_counter() - started
    print(", ".join(f"{count} {name}" for name, count in added.items()) + f" in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
