"""Candidate → new event, or new source of a stored one: the same event reported again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from timeline.records import EventCandidate


class StoredEvent(NamedTuple):
    """What merging needs to know of an event already in the database.

    A named tuple, not a frozen dataclass: the writer makes one per neighbour row, ~185,000 for
    Reuters-21578, and a frozen dataclass took 1.8 µs each to build (0.7 µs as a tuple).
    """

    event_id: int
    event_type: str
    date_start: date | None
    date_end: date | None
    place: str | None
    country_code: str | None
    actors: frozenset[str]
    curated: bool
    date_precision: str | None = None
    date_approximate: bool = False
    number: str | None = None  # a resolution's number
    speakers: frozenset[str] = frozenset()  # the persons among its speakers (statements)
    status: str = "past"  # "planned" until a report says it took place


def find_match(candidate: EventCandidate, stored: Sequence[StoredEvent]) -> tuple[int, str] | None:
    """The stored event the candidate reports again, with the reason in words; None when it is new.

    Same event = same type, overlapping dates (an undated candidate only matches undated events),
    shared actors (at least two when both sides name two or more; when one side names nobody, a
    place on both sides) and compatible places (equal, or a city inside the other's country); two
    statements whose speakers include persons share one of them. Two
    resolutions with a number each are the same one when, and only when, the numbers are equal and
    their dates do not contradict each other (they overlap, or one side has none). Among several
    matches one with the same number wins, then the one sharing most actors, then the closest
    dates, then the lowest id. A statement's match is one where a person speaking in the candidate
    speaks too before any other: the same person is the surest sign of the same statement.
    A curated event is matched like any other: the caller adds a source and changes nothing else.
    """
    best: tuple[tuple[int, int, int, int, int, int], int, str] | None = None
    names = _names(candidate)  # once: the writer asks about ~10 stored events per candidate
    speakers = speaking_persons(candidate)
    for event in stored:
        reason = _same_event(candidate, event, names, speakers)
        if reason is None:
            continue
        shared = len(names & event.actors)
        exact_dates = int(candidate.date_start == event.date_start and candidate.date_end == event.date_end)
        same_place = int(candidate.place is not None and _same_name(candidate.place.name, event.place))
        same_number = int(candidate.number is not None and candidate.number == event.number)
        same_speaker = int(not speakers.isdisjoint(event.speakers))
        key = (same_number, same_speaker, shared, exact_dates, same_place, -event.event_id)
        if best is None or key > best[0]:
            best = (key, event.event_id, reason)
    return None if best is None else (best[1], best[2])


def _same_event(
    candidate: EventCandidate, event: StoredEvent, names: frozenset[str], speakers: frozenset[str]
) -> str | None:
    if candidate.event_type != event.event_type:
        return None
    if candidate.number is not None and event.number is not None:
        return _same_numbered(candidate, event)
    dates = _dates_overlap(candidate, event)
    if dates is None:
        return None
    if not _places_compatible(candidate, event):
        return None
    shared = names & event.actors
    if names and event.actors:
        if len(shared) < min(2, len(names), len(event.actors)):
            return None
        if candidate.event_type == "statement" and len(shared) < 2 and not _shares_a_person(candidate, shared):
            # One country "said" many things on one day: a statement is the same one only when two
            # parties made it together or the same person made it.
            return None
        if candidate.event_type == "statement" and speakers and event.speakers and speakers.isdisjoint(event.speakers):
            # "Jaishankar told the SCO ..." and "State Department spokesperson Ned Price said ...":
            # two people speaking are two statements, whatever else they share.
            return None
        if len(shared) < 2 and (dates == "both undated" or _is_long(candidate.date_start, candidate.date_end)
                                or _is_long(event.date_start, event.date_end)):
            # One actor and no date, or a date as wide as a season or a year ("the United States
            # agreed ... this year"), say too little: a country makes many agreements in a year.
            return None
        who = f"shared actors {', '.join(sorted(shared))}"
    elif candidate.place is not None and event.place and dates != "both undated":
        # Nobody named on one side: same type, overlapping dates and a compatible place suffice
        # ("took over Kabul a few weeks ago" / "the takeover of the country on August 15").
        who = "no actors named on one side"
    else:
        return None
    parts = [f"same type {candidate.event_type}", dates, who]
    if candidate.place is not None and event.place:
        parts.append(f"place {event.place}")
    if event.curated:
        parts.append("curated event kept as corrected")
    return ", ".join(parts)


def _same_numbered(candidate: EventCandidate, event: StoredEvent) -> str | None:
    """Resolution 2396 (2017) in one article and "resolution 2396" with no year in another: one."""
    if candidate.number != event.number or not _places_compatible(candidate, event):
        return None
    if candidate.date_start is not None and event.date_start is not None:
        dates = _dates_overlap(candidate, event)
        if dates is None:
            return None  # the same number with dates that cannot both be right: kept apart for a person to see
    elif candidate.date_start is None and event.date_start is None:
        dates = "both undated"
    else:
        dates = "undated on one side"
    return f"same type {candidate.event_type}, same number {candidate.number}, {dates}"


def _dates_overlap(candidate: EventCandidate, event: StoredEvent) -> str | None:
    start, end = candidate.date_start, candidate.date_end or candidate.date_start
    if start is None or end is None:
        # Undated never merges with dated: nothing says they are the same occurrence.
        return "both undated" if event.date_start is None else None
    if event.date_start is None:
        return None
    event_end = event.date_end or event.date_start
    low, high = max(start, event.date_start), min(end, event_end)
    if low > high:
        return None
    return f"dates overlap {low.isoformat()}" + ("" if low == high else f"..{high.isoformat()}")


LONGEST_SINGLE_ACTOR_SPAN = 31  # days: a month, the widest date that one shared actor can pin down


def _is_long(start: date | None, end: date | None) -> bool:
    return start is not None and end is not None and (end - start).days >= LONGEST_SINGLE_ACTOR_SPAN


def needs_two_shared_actors(candidate: EventCandidate) -> bool:
    """Whether _same_event accepts an event with actors only when it shares two of them with the
    candidate, whatever the event: the candidate is undated, dated over LONGEST_SINGLE_ACTOR_SPAN
    days or more, or a statement by no person. (The writer asks for no neighbours then when the
    candidate names one actor and no place.)"""
    if candidate.date_start is None or candidate.date_end is None:
        return True
    return _is_long(candidate.date_start, candidate.date_end) or (
        candidate.event_type == "statement" and all(actor.kind != "person" for actor in candidate.actors)
    )


def _places_compatible(candidate: EventCandidate, event: StoredEvent) -> bool:
    place = candidate.place
    if place is None or not event.place:
        return True
    if _same_name(place.name, event.place):
        return True
    if place.country_code and event.country_code and place.country_code != event.country_code:
        return False
    # A country and a city in it are compatible ("in Afghanistan" / "in Kabul"); two cities are not.
    return place.kind == "country" or _same_name(place.country, event.place)


def speaking_persons(candidate: EventCandidate) -> frozenset[str]:
    """The persons among the candidate's speakers."""
    return frozenset(a.name for a in candidate.actors if a.role == "speaker" and a.kind == "person")


def _shares_a_person(candidate: EventCandidate, shared: frozenset[str]) -> bool:
    return any(actor.kind == "person" and actor.name in shared for actor in candidate.actors)


def _names(candidate: EventCandidate) -> frozenset[str]:
    return frozenset(actor.name for actor in candidate.actors)


def _same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()
