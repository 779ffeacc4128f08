"""Merging: a candidate is a stored event reported again only when type, dates, actors and place agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from timeline.records import ActorRef, EventCandidate, PlaceRef
from timeline.resolve import StoredEvent, find_match

WASHINGTON = PlaceRef("Washington", "United States", "US", "city")
HYDERABAD = PlaceRef("Hyderabad", "India", "IN", "city")
UNITED_STATES = PlaceRef("United States", "United States", "US", "country")


def candidate(
    event_type: str = "meeting",
    start: date | None = date(2021, 10, 26),
    end: date | None = date(2021, 10, 27),
    actors: tuple[str, ...] = ("India", "United States"),
    place: PlaceRef | None = None,
) -> EventCandidate:
    return EventCandidate(
        event_type=event_type,
        title="t",
        summary="s",
        sentence="s",
        char_start=0,
        char_end=1,
        date_start=start,
        date_end=end,
        place=place,
        actors=tuple(ActorRef(name, "country") for name in actors),
    )


def stored(
    event_id: int = 7,
    event_type: str = "meeting",
    start: date | None = date(2021, 10, 26),
    end: date | None = date(2021, 10, 27),
    actors: tuple[str, ...] = ("India", "United States"),
    place: str | None = "Washington",
    country_code: str | None = "US",
    curated: bool = False,
) -> StoredEvent:
    return StoredEvent(event_id, event_type, start, end, place, country_code, frozenset(actors), curated)


def test_the_same_meeting_from_another_article_merges_with_a_reason() -> None:
    match = find_match(candidate(), [stored()])
    assert match == (
        7,
        "same type meeting, dates overlap 2021-10-26..2021-10-27, shared actors India, United States",
    )


def test_the_reason_names_the_place_when_both_have_one() -> None:
    match = find_match(candidate(place=WASHINGTON), [stored()])
    assert match is not None and match[1].endswith(", place Washington")


def test_overlapping_dates_are_enough() -> None:
    match = find_match(candidate(start=date(2021, 10, 27), end=date(2021, 10, 28)), [stored()])
    assert match is not None and "dates overlap 2021-10-27," in match[1]


@pytest.mark.parametrize(
    "event, why",
    [
        (stored(event_type="statement"), "another type"),
        (stored(start=date(2021, 10, 28), end=date(2021, 10, 28)), "dates apart"),
        (stored(actors=("Russia", "India")), "one shared actor of two"),
        (stored(actors=("Russia", "China")), "no shared actor"),
        (stored(start=None, end=None), "stored undated"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_different_events_do_not_merge(event: StoredEvent, why: str) -> None:
    assert find_match(candidate(), [event]) is None, why


def test_two_different_cities_are_different_events() -> None:
    assert find_match(candidate(place=HYDERABAD), [stored(place="Washington", country_code="US")]) is None
    assert find_match(candidate(place=HYDERABAD), [stored(place="Mumbai", country_code="IN")]) is None


def test_a_country_and_a_city_in_it_are_compatible() -> None:
    assert find_match(candidate(place=UNITED_STATES), [stored(place="Washington", country_code="US")]) is not None
    assert find_match(candidate(place=WASHINGTON), [stored(place="United States", country_code="US")]) is not None


def test_an_undated_candidate_merges_only_with_an_undated_event_sharing_two_actors() -> None:
    undated = candidate(start=None, end=None)
    assert find_match(undated, [stored()]) is None
    match = find_match(undated, [stored(start=None, end=None)])
    assert match is not None and "both undated" in match[1]


def test_one_shared_actor_does_not_make_two_undated_events_one() -> None:
    # "France backed the Ivory Coast during the talks" and "talks which France hopes will ...", a
    # week apart: one country holds many talks.
    undated = candidate(event_type="attack", start=None, end=None, actors=("Lashkar-e-Taiba",))
    assert find_match(undated, [stored(event_type="attack", start=None, end=None, actors=("Lashkar-e-Taiba",))]) is None


def test_one_shared_actor_and_a_date_wider_than_a_month_are_not_enough() -> None:
    year = candidate(event_type="agreement", start=date(1987, 1, 1), end=date(1987, 12, 31), actors=("United States",))
    june = stored(event_type="agreement", start=date(1987, 6, 17), end=date(1987, 6, 17), actors=("United States",))
    assert find_match(year, [june]) is None
    month = candidate(event_type="agreement", start=date(1987, 6, 1), end=date(1987, 6, 30), actors=("United States",))
    assert find_match(month, [june]) is not None
    both = candidate(event_type="agreement", start=date(1987, 1, 1), end=date(1987, 12, 31), actors=("India", "United States"))
    assert find_match(both, [stored(event_type="agreement", start=date(1987, 6, 17), end=date(1987, 6, 17))]) is not None


def test_a_single_named_actor_is_enough_when_one_side_names_only_one() -> None:
    assert find_match(candidate(actors=("United States",)), [stored()]) is not None


def test_without_actors_a_compatible_place_on_both_sides_is_needed() -> None:
    day = date(2008, 11, 26)
    nameless = candidate(event_type="attack", start=day, end=day, actors=(), place=HYDERABAD)
    same = stored(event_type="attack", start=day, end=day, actors=("Lashkar-e-Taiba",), place="Hyderabad", country_code="IN")
    country = stored(event_type="attack", start=day, end=day, actors=("Lashkar-e-Taiba",), place="India", country_code="IN")
    match = find_match(nameless, [same])
    assert match is not None and "no actors named on one side" in match[1]
    assert find_match(nameless, [country]) is not None
    assert find_match(candidate(event_type="attack", start=day, end=day, actors=()), [same]) is None
    undated = candidate(event_type="attack", start=None, end=None, actors=(), place=HYDERABAD)
    assert find_match(undated, [stored(event_type="attack", start=None, end=None, actors=(), place="Hyderabad")]) is None


def test_the_best_of_several_matches_wins_and_ties_go_to_the_oldest() -> None:
    weaker = stored(event_id=3, actors=("India", "United States"), start=date(2021, 10, 25), end=date(2021, 10, 27))
    exact = stored(event_id=9, actors=("India", "United States"))
    assert find_match(candidate(), [weaker, exact]) is not None
    assert find_match(candidate(), [weaker, exact])[0] == 9  # type: ignore[index]
    assert find_match(candidate(), [stored(event_id=12), stored(event_id=4)])[0] == 4  # type: ignore[index]


def test_a_curated_event_is_matched_and_the_reason_says_it_stays_as_corrected() -> None:
    match = find_match(candidate(), [stored(curated=True)])
    assert match is not None and "curated" in match[1]


def test_nothing_stored_means_a_new_event() -> None:
    assert find_match(candidate(), []) is None


def test_statements_by_one_country_on_one_day_stay_apart() -> None:
    day = date(1987, 3, 3)
    said = candidate("statement", day, day, actors=("United States",))
    assert find_match(said, [stored(event_type="statement", start=day, end=day, actors=("United States",))]) is None


def test_a_joint_statement_or_the_same_speaker_merges() -> None:
    day = date(2021, 10, 28)
    joint = candidate("statement", day, day)
    assert find_match(joint, [stored(event_type="statement", start=day, end=day)]) is not None
    kirby = EventCandidate(
        event_type="statement", title="t", summary="s", sentence="s", char_start=0, char_end=1,
        date_start=day, date_end=day, actors=(ActorRef("John Kirby", "person", "speaker"),),
    )
    assert find_match(kirby, [stored(event_type="statement", start=day, end=day, actors=("John Kirby",))]) is not None


YEAR_2017 = (date(2017, 1, 1), date(2017, 12, 31))
UNSC = ("UN Security Council",)


def resolution(number: str | None, dates: tuple[date | None, date | None] = YEAR_2017) -> EventCandidate:
    return replace(candidate("resolution", *dates, actors=UNSC), number=number)


def stored_resolution(event_id: int, number: str | None,
                      dates: tuple[date | None, date | None] = YEAR_2017) -> StoredEvent:
    return stored(event_id, "resolution", *dates, actors=UNSC, place=None, country_code=None)._replace(number=number)


def test_a_numbered_resolution_without_its_year_is_the_one_with_that_number() -> None:
    # "UNSC Resolution 2396 (2017)" in one article, "UN Security Council resolution 2396" in another.
    assert find_match(resolution("2396", (None, None)), [stored_resolution(3, "2396")]) == (
        3, "same type resolution, same number 2396, undated on one side")
    assert find_match(resolution("2396"), [stored_resolution(3, "2396", (None, None))]) == (
        3, "same type resolution, same number 2396, undated on one side")
    assert find_match(resolution("2396", (None, None)), [stored_resolution(3, "2396", (None, None))]) == (
        3, "same type resolution, same number 2396, both undated")


def test_two_numbers_are_two_resolutions_even_on_the_same_day_by_the_same_body() -> None:
    day = (date(2021, 8, 30), date(2021, 8, 30))
    assert find_match(resolution("2593", day), [stored_resolution(3, "2594", day)]) is None
    # Without a number on one side the usual rules apply: "the resolution" adopted that day.
    assert find_match(resolution(None, day), [stored_resolution(3, "2594", day)]) is not None


def test_one_number_with_contradicting_dates_is_kept_apart() -> None:
    assert find_match(resolution("2396"), [stored_resolution(3, "2396", (date(2019, 1, 1), date(2019, 12, 31)))]) is None


def test_the_resolution_with_the_same_number_wins_over_an_unnumbered_one_with_a_lower_id() -> None:
    day = (date(2021, 8, 30), date(2021, 8, 30))
    unnumbered = stored(2, "resolution", *day, actors=UNSC, place=None, country_code=None)
    assert find_match(resolution("2593", day), [unnumbered, stored_resolution(5, "2593", day)]) == (
        5, "same type resolution, same number 2593, dates overlap 2021-08-30")


def statement(speakers: tuple[str, ...], others: tuple[str, ...] = ("India", "United States")) -> EventCandidate:
    actors = tuple(ActorRef(name, "person", role="speaker") for name in speakers) + tuple(
        ActorRef(name, "country", role="speaker") for name in others)
    return replace(candidate("statement", date(2022, 8, 5), date(2022, 8, 5)), actors=actors)


def stored_statement(speakers: tuple[str, ...], others: tuple[str, ...] = ("India", "United States")) -> StoredEvent:
    return stored(4, "statement", date(2022, 8, 5), date(2022, 8, 5), actors=speakers + others, place=None,
                  country_code=None)._replace(speakers=frozenset(speakers))


def test_two_persons_speaking_are_two_statements_whatever_else_they_share() -> None:
    # "Jaishankar told the SCO ..." and "spokesperson Ned Price said ...", both with India and the US.
    assert find_match(statement(("Ned Price",)), [stored_statement(("S. Jaishankar",))]) is None
    assert find_match(statement(("S. Jaishankar",)), [stored_statement(("S. Jaishankar",))]) is not None
    # One speaker in common is enough: "Blinken and Jaishankar said", then "Blinken said".
    assert find_match(statement(("Antony Blinken",)), [stored_statement(("Antony Blinken", "S. Jaishankar"))]) is not None
    # Without a speaking person on one side, the shared actors decide as before.
    assert find_match(statement(()), [stored_statement(("S. Jaishankar",))]) is not None
    assert find_match(statement(("Ned Price",)), [stored_statement(())]) is not None


def test_a_statement_goes_to_the_one_its_person_speaks_in_before_an_older_one() -> None:
    # Seed 003: "US on Tuesday stated ..." (the US, Afghanistan, Pakistan) is stored first, then
    # Kirby's briefing; "'... with the Pakistanis all the time,' Kirby said" shares two actors with
    # both, and belongs to the one Kirby speaks in, not to the older one.
    us_statement = stored(3, "statement", date(2022, 8, 5), date(2022, 8, 5), actors=("Pakistan", "United States"),
                          place=None, country_code=None)
    kirby_briefing = stored_statement(("John Kirby",), ("United States",))._replace(event_id=8)
    kirby_said = statement(("John Kirby",), ("Pakistan", "United States"))
    assert find_match(kirby_said, [us_statement, kirby_briefing])[0] == 8  # type: ignore[index]
    # Without the person in common the older event still wins the tie.
    assert find_match(statement((), ("Pakistan", "United States")), [us_statement, kirby_briefing])[0] == 3  # type: ignore[index]
