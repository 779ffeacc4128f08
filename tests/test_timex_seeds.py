"""Every time expression in the five seed articles, with the values a careful reader gives them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timeline.extract.timex import find_time_mentions

SEEDS = Path(__file__).parent.parent / "seeds"

# Publication dates from ../shared/seeds/README.md (only 003 prints its own).
PUBLISHED = {
    "000": date(2022, 8, 5),
    "001": date(2021, 10, 29),
    "002": date(2021, 10, 29),
    "003": date(2021, 8, 10),
    "004": date(2021, 9, 9),
}

# (text as it appears, TIMEX3 value, first day, last day), in order of appearance; written by hand.
EXPECTED: dict[str, list[tuple[str, str, date | None, date | None]]] = {
    "000": [
        # Jaishankar met Blinken in Phnom Penh on Thursday 4 August 2022.
        ("on Thursday", "2022-08-04", date(2022, 8, 4), date(2022, 8, 4)),
        # "just a few days after the killing": a length of time, anchored on another event.
        ("a few days", "PXD", None, None),
        ("in days to come", "FUTURE_REF", None, None),
    ],
    "001": [
        # The joint statement was released on Thursday 28 October 2021.
        ("on Thursday", "2021-10-28", date(2021, 10, 28), date(2021, 10, 28)),
        ("two-day", "P2D", None, None),
        ("on October 26 and 27", "2021-10-26/2021-10-27", date(2021, 10, 26), date(2021, 10, 27)),
        # "Resolution 2593 (2021)": the resolution number is not a year, the bracketed year is.
        ("2021", "2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2017", "2017", date(2017, 1, 1), date(2017, 12, 31)),
    ],
    "002": [
        # The Taliban took Kabul on 15 August 2021.
        ("on August 15", "2021-08-15", date(2021, 8, 15), date(2021, 8, 15)),
        # India held the Security Council presidency in August 2021.
        ("in August", "2021-08", date(2021, 8, 1), date(2021, 8, 31)),
        ("2021", "2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("during October 26-27", "2021-10-26/2021-10-27", date(2021, 10, 26), date(2021, 10, 27)),
    ],
    "003": [
        ("10th Aug, 2021", "2021-08-10", date(2021, 8, 10), date(2021, 8, 10)),
        ("02:16 pm", "2021-08-10T14:16", date(2021, 8, 10), date(2021, 8, 10)),
        # Published on Tuesday 10 August 2021: "on Tuesday" is the same day.
        ("on Tuesday", "2021-08-10", date(2021, 8, 10), date(2021, 8, 10)),
        ("Now", "PRESENT_REF", date(2021, 8, 10), date(2021, 8, 10)),
    ],
    "004": [
        # Patrushev and Doval met in New Delhi on Wednesday 8 September 2021.
        ("on Wednesday", "2021-09-08", date(2021, 9, 8), date(2021, 9, 8)),
        # The Taliban took Kabul on 15 August, three and a half weeks before.
        ("a few weeks ago", "PAST_REF", date(2021, 8, 9), date(2021, 9, 5)),
    ],
}


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_time_expressions_have_their_correct_values(prefix: str) -> None:
    text = seed_text(prefix)
    mentions = find_time_mentions(text, PUBLISHED[prefix])
    found = [(m.text, m.value, m.date_start, m.date_end) for m in mentions]
    assert found == EXPECTED[prefix]
    for m in mentions:
        assert text[m.start:m.end] == m.text


def test_seed_004_a_few_weeks_ago_covers_the_fall_of_kabul() -> None:
    (mention,) = [m for m in find_time_mentions(seed_text("004"), PUBLISHED["004"]) if m.value == "PAST_REF"]
    assert mention.approximate
    assert mention.date_start is not None and mention.date_end is not None
    assert mention.date_start <= date(2021, 8, 15) <= mention.date_end


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_without_publication_date_keeps_only_explicit_dates(prefix: str) -> None:
    for m in find_time_mentions(seed_text(prefix), None):
        if m.date_start is not None:
            # Only expressions that carry their own year can be placed without a reference date.
            assert any(ch.isdigit() for ch in m.text) and m.reference is None


def test_seed_002_non_dates_stay_numbers() -> None:
    text = seed_text("002")
    mentions = find_time_mentions(text, PUBLISHED["002"])
    covered = [text[m.start:m.end] for m in mentions]
    for number in ("2593", "2396", "1267", "26/11", "18th"):
        assert not any(number in c for c in covered), number
