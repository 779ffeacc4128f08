"""Time normalisation (issue 3): forms, ranges, relative dates, non-dates and properties of find_time_mentions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extract import timex_patterns as pat
from timeline.extract.timex import find_time_mentions
from timeline.records import PRECISIONS, TimeMention

FRI = date(2021, 10, 29)  # publication date of seeds 001 and 002, a Friday


def the_mention(text: str, reference: date | None, surface: str | None = None) -> TimeMention:
    """The one mention in `text` (or the one whose text contains `surface`)."""
    mentions = find_time_mentions(text, reference)
    if surface is not None:
        mentions = [m for m in mentions if surface in m.text]
    assert len(mentions) == 1, mentions
    return mentions[0]


# (text, reference, value, precision): every form issue 3 lists.
EXPLICIT = [
    ("26 October 2021", FRI, "2021-10-26", "day"),
    ("October 26, 2021", FRI, "2021-10-26", "day"),
    ("Oct. 26", FRI, "2021-10-26", "day"),
    ("26th Oct", FRI, "2021-10-26", "day"),
    ("10th Aug, 2021", FRI, "2021-08-10", "day"),
    ("2021-10-26", FRI, "2021-10-26", "day"),
    ("26/10/2021", FRI, "2021-10-26", "day"),
    ("10/26/2021", FRI, "2021-10-26", "day"),
    ("Monday, Oct. 25", FRI, "2021-10-25", "day"),
    ("It happened in August.", FRI, "2021-08", "month"),
    ("in August 2019", FRI, "2019-08", "month"),
    ("It was founded in 2017.", FRI, "2017", "year"),
    ("the 1990s", FRI, "199", "decade"),
    ("the '80s", FRI, "198", "decade"),
    ("mid-2021", FRI, "2021", "year"),
    ("in early December", date(2022, 1, 15), "2021-12", "month"),
    ("late last year", FRI, "2020", "year"),
    ("by the end of the year", FRI, "2021", "year"),
    ("in the third quarter", FRI, "2021-Q3", "quarter"),
    ("Q3 2021", FRI, "2021-Q3", "quarter"),
    ("the fourth quarter of 2020", FRI, "2020-Q4", "quarter"),
    ("in summer 2021", FRI, "2021-SU", "season"),
    ("last winter", date(2021, 4, 2), "2020-WI", "season"),
    ("the 20th century", FRI, "19", "century"),
    ("fiscal 2020", FRI, "2020", "year"),
    ("in the first half of 2021", FRI, "2021-H1", "year"),
    ("nineteen ninety-six", FRI, "1996", "year"),
    ("The deal will close at midnight Friday.", date(2021, 10, 27), "2021-10-29T24:00", "day"),
    ("the current fiscal year", FRI, "2021", "year"),
    ("on Christmas Day", date(2021, 12, 27), "2021-12-25", "day"),
    ("the week of March 6, 2000", FRI, "2000-W10", "week"),
    ("in the first week of October", FRI, "2021-W40", "week"),
    ("the late 19th century", FRI, "18", "century"),
    ("That 1978 resolution calls for a withdrawal.", FRI, "1978", "year"),
    ("the post-1959 politics", FRI, "1959", "year"),
    ("January nineteen ninety-seven.", FRI, "1997-01", "month"),
    ("the winter of nineteen ninety-four", FRI, "1994-WI", "season"),
    ("through the first two quarters of 1990", FRI, "1990-H1", "year"),
    ("the trend of the last half of the '80s", FRI, "198", "decade"),
    ("Sales in the latest fiscal year rose.", FRI, "2020", "year"),
    # "year-end" is the closing day of the year: the last one before the reference unless the clause looks ahead.
    ("The percentage change is since year-end.", FRI, "2020-12-31", "day"),
    ("It expects to complete the deal by year-end.", FRI, "2021-12-31", "day"),
    ("The day before last Tuesday's hearing, he went home.", FRI, "2021-10-25", "day"),
]

RANGES = [
    ("October 26-27", FRI, "2021-10-26/2021-10-27", "day"),
    ("26 and 27 October", FRI, "2021-10-26/2021-10-27", "day"),
    ("on October 26 and 27", FRI, "2021-10-26/2021-10-27", "day"),
    ("September 25-26, 2000", FRI, "2000-09-25/2000-09-26", "day"),
    ("from March to May 2021", FRI, "2021-03/2021-05", "month"),
    ("between 2001 and 2009", FRI, "2001/2009", "year"),
    ("Oct. 30 - Nov. 2, 2020", FRI, "2020-10-30/2020-11-02", "day"),
    ("between October 1 and October 5", FRI, "2021-10-01/2021-10-05", "day"),
    ("from 26 to 28 October", FRI, "2021-10-26/2021-10-28", "day"),
]

RELATIVE = [
    ("They met on Thursday.", FRI, "2021-10-28", "day"),
    ("They met on Friday.", FRI, "2021-10-29", "day"),
    ("They will meet on Thursday.", FRI, "2021-11-04", "day"),
    ("next Thursday", FRI, "2021-11-04", "day"),
    ("last Friday", FRI, "2021-10-22", "day"),
    ("yesterday", FRI, "2021-10-28", "day"),
    ("tomorrow", FRI, "2021-10-30", "day"),
    ("today", FRI, "2021-10-29", "day"),
    ("last week", FRI, "2021-W42", "week"),
    ("this week", FRI, "2021-W43", "week"),
    ("last month", FRI, "2021-09", "month"),
    ("this year", FRI, "2021", "year"),
    ("next year", FRI, "2022", "year"),
    ("earlier this month", FRI, "2021-10", "month"),
    ("three days ago", FRI, "2021-10-26", "day"),
    ("two weeks ago", FRI, "2021-W41", "week"),
    ("a year ago", FRI, "2020", "year"),
    ("last November", FRI, "2020-11", "month"),
    # "last"/"next" before a month-day: the latest one before the reference / the first one after it.
    ("He was shot last Oct. 23 at his home.", date(2022, 4, 19), "2021-10-23", "day"),
    ("The fund closes next Oct. 2.", FRI, "2022-10-02", "day"),
    ("the weekend", date(2021, 11, 1), "2021-W43-WE", "day"),
    ("last weekend", date(2021, 10, 27), "2021-W42-WE", "day"),
    ("this weekend", date(2021, 10, 27), "2021-W43-WE", "day"),
    ("They will rest over the weekend.", date(2021, 10, 27), "2021-W43-WE", "day"),
    ("The talks were held on August 15.", FRI, "2021-08-15", "day"),
    ("The vote will be held on January 3.", date(2021, 12, 20), "2022-01-03", "day"),
    # A part of a named day is a TIME with TimeML's part-of-day code; its span is still the day.
    ("Crowds rallied on Friday night.", FRI, "2021-10-29TNI", "day"),
    ("He spoke Thursday evening.", FRI, "2021-10-28TEV", "day"),
    ("The blast hit on Tuesday morning.", FRI, "2021-10-26TMO", "day"),
    ("They will meet Monday afternoon.", FRI, "2021-11-01TAF", "day"),
    ("Shares fell at mid-afternoon yesterday.", FRI, "2021-10-28TAF", "day"),
]

# Weekdays and month-days across month and year boundaries.
BOUNDARIES = [
    ("on Thursday", date(2021, 11, 1), "2021-10-28", "day"),
    ("on Friday", date(2022, 1, 3), "2021-12-31", "day"),
    ("on Wednesday", date(2021, 3, 1), "2021-02-24", "day"),
    ("last Sunday", date(2021, 3, 1), "2021-02-28", "day"),
    ("They will meet on Monday.", date(2021, 12, 30), "2022-01-03", "day"),
    ("next Tuesday", date(2021, 12, 29), "2022-01-04", "day"),
    ("The summit opened on December 30.", date(2022, 1, 5), "2021-12-30", "day"),
    ("on Thursday", date(2020, 3, 2), "2020-02-27", "day"),
    ("last week", date(2021, 1, 6), "2020-W53", "week"),
    ("last month", date(2021, 1, 6), "2020-12", "month"),
]

VAGUE = [
    ("now", FRI, "PRESENT_REF", "day"),
    ("currently", FRI, "PRESENT_REF", "day"),
    ("He would not travel at this moment.", FRI, "PRESENT_REF", "day"),
    ("recently", FRI, "PAST_REF", "month"),
    ("a few weeks ago", FRI, "PAST_REF", "week"),
    ("in recent weeks", FRI, "PAST_REF", "week"),
    ("a tough business in recent quarters", FRI, "PAST_REF", "quarter"),
    ("in the past", FRI, "PAST_REF", None),
    ("in the future", FRI, "FUTURE_REF", None),
]

DURATIONS_AND_SETS = [
    ("a two-day meeting", FRI, "P2D", None),
    ("for a month", FRI, "P1M", None),
    ("for several years", FRI, "PXY", None),
    ("the past two months", FRI, "P2M", None),
    ("five hours", FRI, "PT5H", None),
    ("every week", FRI, "P1W", None),
    ("daily", FRI, "P1D", None),
    ("rallies held annually", FRI, "P1Y", None),
    ("average hourly earnings", FRI, "PT1H", None),
    ("each Thursday", FRI, "XXXX-WXX-4", None),
    ("every weekend", FRI, "P1WE", None),
    ("twice a year", FRI, "P1Y", None),
    ("a minute and a half later", FRI, "PT1M30S", None),
    ("for two and a half days", FRI, "P2DT12H", None),
    ("a year and a half", FRI, "P1Y6M", None),
    ("Orangemen march each July.", FRI, "XXXX-07", None),
    ("every summer", FRI, "XXXX-SU", None),
    ("their third day-long meeting", FRI, "P1D", None),
    ("They will live without power for a while.", FRI, "PXX", None),
    ("Prisoners were taken in the first hours of the war.", FRI, "PTXH", None),
    ("They kept their secrets for more than two thousand years.", FRI, "P2000Y", None),
    # A plural part of the day makes a weekday a habit, and a weekday coordinated with it too.
    ("The bar opens Tuesday nights.", FRI, "XXXX-WXX-2TNI", None),
    # A range of counts has no single length: TimeML's unspecified count in the unit.
    ("Shipments will resume within two to three weeks.", FRI, "PXW", None),
    ("acquisitions to be made during the next 12 to 18 months", FRI, "PXM", None),
    ("He could face 10 to 20 years in prison.", FRI, "PXY", None),
    ("for up to 180 days", FRI, "P180D", None),
    # "the weeks ahead" is "the coming weeks", a stretch of weeks.
    ("Funds may have to sell in the weeks ahead.", FRI, "PXW", None),
    ("in coming weeks", FRI, "PXW", None),
]

TABLE = EXPLICIT + RANGES + RELATIVE + BOUNDARIES + VAGUE + DURATIONS_AND_SETS


@pytest.mark.parametrize("text, reference, value, precision", TABLE, ids=[f"{c[0]}@{c[1]}" for c in TABLE])
def test_expression_normalises_to_timex_value(text: str, reference: date, value: str, precision: str | None) -> None:
    mention = the_mention(text, reference)
    assert mention.value == value
    assert mention.precision == precision
    assert text[mention.start:mention.end] == mention.text
    if precision is not None:
        assert mention.date_start is not None and mention.date_end is not None


SPANS = [
    ("October 26-27", FRI, date(2021, 10, 26), date(2021, 10, 27)),
    ("between 2001 and 2009", FRI, date(2001, 1, 1), date(2009, 12, 31)),
    ("from March to May 2021", FRI, date(2021, 3, 1), date(2021, 5, 31)),
    ("last week", FRI, date(2021, 10, 18), date(2021, 10, 24)),
    ("in the third quarter", FRI, date(2021, 7, 1), date(2021, 9, 30)),
    ("in summer 2021", FRI, date(2021, 6, 1), date(2021, 8, 31)),
    ("last winter", date(2021, 4, 2), date(2020, 12, 1), date(2021, 2, 28)),
    ("the 1990s", FRI, date(1990, 1, 1), date(1999, 12, 31)),
    ("in early December", date(2022, 1, 15), date(2021, 12, 1), date(2021, 12, 10)),
    ("Feb. 29", date(2024, 3, 10), date(2024, 2, 29), date(2024, 2, 29)),
    ("in the first week of October", FRI, date(2021, 10, 1), date(2021, 10, 7)),
    ("in recent weeks", FRI, date(2021, 9, 27), FRI),
    ("later this year", FRI, FRI, date(2021, 12, 31)),
    ("earlier this month", FRI, date(2021, 10, 1), FRI),
]


@pytest.mark.parametrize("text, reference, first, last", SPANS, ids=[c[0] for c in SPANS])
def test_date_span_is_inclusive_days_covered(text: str, reference: date, first: date, last: date) -> None:
    mention = the_mention(text, reference)
    assert (mention.date_start, mention.date_end) == (first, last)


@pytest.mark.parametrize(
    "text",
    ["a few weeks ago", "recently", "early December", "late last year", "mid-2021", "in the early 1990s", "the end of the year"],
)
def test_vague_expressions_are_approximate(text: str) -> None:
    mentions = find_time_mentions(text, FRI)
    assert mentions and all(m.approximate for m in mentions)


def test_exact_dates_are_not_approximate() -> None:
    assert not the_mention("on 26 October 2021", FRI).approximate
    assert not the_mention("on Thursday", FRI).approximate


def test_mention_text_includes_its_preposition_as_in_the_design_example() -> None:
    text = "The EAM utilized his meeting with Blinken on Thursday to highlight concerns."
    mention = the_mention(text, date(2022, 8, 5))
    assert mention.text == "on Thursday"
    assert (mention.start, mention.end) == (text.index("on Thursday"), text.index(" to highlight"))
    assert mention.type == "DATE" and mention.reference == date(2022, 8, 5)


@pytest.mark.parametrize(
    "text",
    [
        "The ministers will meet on Thursday.",
        "Talks are scheduled for next Thursday.",
        "The offer expires Nov. 6.",
        "The deal takes effect on Monday.",
    ],
)
def test_clause_about_the_future_is_flagged_and_resolved_forward(text: str) -> None:
    mention = find_time_mentions(text, FRI)[-1]
    assert mention.future
    assert mention.date_start is not None and mention.date_start > FRI


def test_past_clause_is_not_future() -> None:
    mention = the_mention("The ministers met on Thursday.", FRI)
    assert not mention.future and mention.date_start == date(2021, 10, 28)


NO_REFERENCE = [
    ("on October 26", "XXXX-10-26"),
    ("on Thursday", "XXXX-WXX-4"),
    ("on Friday night", "XXXX-WXX-5TNI"),
    ("in August", "XXXX-08"),
    ("the third quarter", "XXXX-Q3"),
    ("October 26-27", "XXXX-10-26/XXXX-10-27"),
]


@pytest.mark.parametrize("text, value", NO_REFERENCE, ids=[c[0] for c in NO_REFERENCE])
def test_without_reference_relative_dates_stay_unresolved(text: str, value: str) -> None:
    mention = the_mention(text, None)
    assert mention.value == value
    assert mention.date_start is None and mention.date_end is None and mention.precision is None
    assert mention.reason and mention.reference is None


@pytest.mark.parametrize("text", ["yesterday", "last week", "three days ago", "next month"])
def test_without_reference_day_words_keep_a_reason_and_no_value(text: str) -> None:
    mention = the_mention(text, None)
    assert mention.value is None and mention.date_start is None
    assert "reference" in (mention.reason or "")


@pytest.mark.parametrize("text", ["a few weeks ago", "several years ago", "recently"])
def test_without_reference_vague_past_is_still_past_ref(text: str) -> None:
    # PAST_REF names no date, so it needs none to count from; only the span stays unknown.
    mention = the_mention(text, None)
    assert (mention.value, mention.approximate) == ("PAST_REF", True)
    assert mention.date_start is None and mention.date_end is None and mention.reference is None


@pytest.mark.parametrize(
    "text, value",
    [("26 October 2021", "2021-10-26"), ("in 2017", "2017"), ("the 1990s", "199"), ("between 2001 and 2009", "2001/2009")],
)
def test_without_reference_explicit_dates_still_resolve(text: str, value: str) -> None:
    mention = the_mention(text, None)
    assert mention.value == value and mention.date_start is not None
    assert mention.reference is None


NOT_DATES = [
    "citing UN Security Council Resolution 2593 on Afghanistan",
    "groups proscribed by the UN Security Council's 1267 sanctions committee",
    "The US has pledged USD144 million in humanitarian aid",
    "The 18th meeting of the joint working group",
    "a one-time retirement bonus equal to six months of base pay",
    "a letter published in the Communist Party daily Granma",
    "They were paid two weeks' wages.",
    "the perpetrators of the 26/11 Mumbai attack",
    "The militant groups may also use Afghan territory",
    "Thousands march through the capital",
    "See page 1995 of the report or call 202-647-2021.",
    "Call +1 202 647 2021 for details.",
    "He scored 2000 points and 1500 troops arrived.",
    "Net profit rose to 1,990 mln dlrs from 1998 mln dlrs, up 2000 pct.",
    "External Affairs Minister greeted Tajikistan on its 30th Independence.",
    "The Daily Guardian has learnt",
    "a 45-year-old man and three-quarters of the vote",
    "Jan Kavan of the Czech Republic",
    "They joined the March for Life; the march on Washington followed.",
    # The time word of a rate is a unit of measure: "$500 million a year", "700 seats a week", "rise 8.5% annually".
    "It should save $500 million a year, add 700 seats a week and let sales rise 8.5% annually.",
    "Rooms cost between $35 and $55 a night; cars drove at 55 miles an hour.",
    # Four-figure clock times of wire copy, alone or closing a range, are not years.
    "Data are due to be released at 1630 EST (2130 GMT).",
    "The rocket lifted off at 1805 local time.",
    "The contract would trade from 0900 to 1315 CST.",
    "A new session will open between 1900 and 2300 hours.",
    "An announcement was expected between 1000 EST and 1030 EST.",
    "Trades entered by 1000 London time are reported on the day.",
    "The session runs from 1800 to 2100 local Chicago time.",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_numbers_and_words_that_are_not_dates_stay_what_they_are(text: str) -> None:
    assert find_time_mentions(text, FRI) == []


WIRE_COPY = (
    "Consumers Gas Co Ltd said it agreed to\n"
    "sell on Nov. 6 100 mln dlrs of 10.60 pct debentures, and the\n"
    "company said it would use proceeds for general corporate\n"
    "purposes including the repayment of bank debt.\n"
    "    It said the underwriter is Gordon Capital Corp and that the\n"
    "issue had been approved by the board on Oct. 12.\n"
)


def test_a_line_break_of_hard_wrapped_copy_does_not_cut_the_clause() -> None:
    found = find_time_mentions(WIRE_COPY, WED)
    assert [(m.text, m.value) for m in found] == [("on Nov. 6", "2021-11-06"), ("on Oct. 12", "2021-10-12")]
    assert all(WIRE_COPY[m.start:m.end] == m.text for m in found)


def test_a_mention_across_a_wrapped_line_keeps_the_text_as_written() -> None:
    text = WIRE_COPY.replace("agreed to\nsell on Nov. 6", "agreed to sell on\nNov. 6")
    (first, _) = find_time_mentions(text, WED)
    assert first.text == "on\nNov. 6" and first.value == "2021-11-06"


@pytest.mark.parametrize(
    "text",
    ["The company expects to report a profit for the fiscal year ended Sept. 30.",
     "It will report results for the six months ended Sept. 30."],
)
def test_a_period_ended_on_a_day_is_over_whatever_the_verb(text: str) -> None:
    # Published 20 October 2021: the 30 September just past, not the next one.
    assert the_mention(text, WED, "Sept").value == "2021-09-30"


@pytest.mark.parametrize(
    "text, value",
    [("The May rate surpassed the record set in January.", "2021-01"),
     ("The rate may surpass the record in January.", "2022-01")],
)
def test_the_month_may_is_no_modal(text: str, value: str) -> None:
    assert the_mention(text, WED, "January").value == value


def test_clock_time_alone_is_not_a_date() -> None:
    mention = the_mention("The briefing started at 14:30 local time.", FRI)
    assert mention.type == "TIME"
    assert mention.date_start is None and mention.value == "XXXX-XX-XXT14:30"


def test_clock_time_next_to_a_date_takes_that_date() -> None:
    mention = the_mention("10th Aug, 2021. 02:16 pm", None, "pm")
    assert mention.value == "2021-08-10T14:16" and mention.date_start == date(2021, 8, 10)


def test_ambiguous_numeric_date_is_kept_with_a_reason() -> None:
    mention = the_mention("signed on 03/04/2021", FRI)
    assert mention.value is None and mention.reason == "ambiguous day/month order"


def test_long_tail_goes_to_dateparser() -> None:
    mention = the_mention("The vote is 2 weeks from now.", FRI)
    assert mention.value == "2021-W45" and mention.precision == "week"
    assert mention.date_start == date(2021, 11, 8)


def test_same_expression_gives_the_same_answer_twice() -> None:
    text = "On Thursday they met; on Thursday they talked."
    first, second = find_time_mentions(text, FRI)
    assert (first.value, first.date_start) == (second.value, second.date_start) == ("2021-10-28", date(2021, 10, 28))
    assert find_time_mentions(text, FRI) == [first, second]


def test_mentions_are_sorted_and_do_not_overlap() -> None:
    text = "On Monday, Oct. 25, and again on Thursday, the talks (held in 2021) ran for two days last week."
    mentions = find_time_mentions(text, FRI)
    assert [m.value for m in mentions] == ["2021-10-25", "2021-10-28", "2021", "P2D", "2021-W42"]
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


# Property tests: any string, any reference.
_PIECES = [
    "on", "in", "Thursday", "October", "Oct.", "26", "27", "2021", "-", "and", "last", "next", "week", "year",
    "the", "1990s", "ago", "a", "few", "two-day", "will", "meet", "Q3", "early", "mid-", "late", "quarter",
    "summer", "/", "10/26/2021", "2021-10-26", "26/11", "Resolution", "2593", "p.m.", "2:16", "May", "may",
    "between", "from", "to", "every", "now", "yesterday", "(", ")", ",", ".", "29", "Feb.", "31", "9999", "0",
]
_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_PIECES), max_size=25).map(" ".join),
)
_references = st.one_of(st.none(), st.dates(min_value=date(1001, 1, 1), max_value=date(9990, 12, 31)))


@settings(max_examples=400, deadline=None)
@given(text=_texts, reference=_references)
def test_any_string_gives_well_formed_mentions(text: str, reference: date | None) -> None:
    mentions = find_time_mentions(text, reference)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for m in mentions:
        assert text[m.start:m.end] == m.text and m.text
        assert m.type in ("DATE", "TIME", "DURATION", "SET")
        assert (m.date_start is None) == (m.date_end is None)
        if m.date_start is not None and m.date_end is not None:
            assert m.date_start <= m.date_end
        assert m.precision is None or m.precision in PRECISIONS
        assert m.value is not None or m.reason


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), reference=_references)
def test_any_written_out_date_resolves_to_itself(day: date, reference: date | None) -> None:
    text = f"It was signed on {day.day} {day.strftime('%B')} {day.year}."
    mention = the_mention(text, reference)
    assert mention.value == day.isoformat() and mention.date_start == mention.date_end == day


@settings(max_examples=200, deadline=None)
@given(reference=st.dates(min_value=date(1900, 1, 8), max_value=date(2099, 12, 24)), weekday=st.integers(0, 6))
def test_a_past_weekday_is_the_latest_one_on_or_before_the_reference(reference: date, weekday: int) -> None:
    name = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday]
    past = the_mention(f"They met on {name}.", reference).date_start
    future = the_mention(f"They will meet on {name}.", reference).date_start
    assert past is not None and future is not None
    assert past.weekday() == weekday == future.weekday()
    assert 0 <= (reference - past).days < 7 and 0 <= (future - reference).days < 7


# A month-day or month without a year (issue 3): the closest one before the publication date unless a
# cue in the clause speaks of the future. WED is a Wednesday in mid-October.
WED = date(2021, 10, 20)

MONTH_DAY_YEAR = [
    ("The company named a new chief on Nov. 6.", WED, "2020-11-06"),
    ("The strike ended in December.", WED, "2020-12"),
    ("The offer expires Nov. 6.", WED, "2021-11-06"),
    ("Talks are set to resume on Nov. 2.", WED, "2021-11-02"),
    ("The notes would be repaid in January.", WED, "2022-01"),
    ("The group agreed to sell the plant in February.", WED, "2022-02"),
    ("The rules, to be published in early November, cover banks.", WED, "2021-11"),
    ("Bidders must respect the Nov. 1 deadline.", WED, "2021-11-01"),
    ("The upcoming summit opens on Dec. 3.", WED, "2021-12-03"),
    ("The vote is due on Jan. 12.", WED, "2022-01-12"),
    ("The board met on Oct. 12.", WED, "2021-10-12"),
    # A modal with a bare verb speaks of what is still to come ("may be resolved", "can take part").
    ("The case may finally be resolved in a hearing the week of Nov. 8.", WED, "2021-W45"),
    ("They also can take part in planning for the summit in April.", WED, "2022-04"),
    ("The talks might have ended in April.", WED, "2021-04"),
    # A date set off by a comma completes the clause before it (the cue "would extend" still counts).
    ("It said it would extend its bid, first made in vain, to Nov. 6.", WED, "2021-11-06"),
    # The present progressive cannot take a past date: "is calling for the redemption on Dec. 7" is ahead.
    ("The insurer said it is calling for the redemption on Dec. 7 of its preferred shares.", WED, "2021-12-07"),
    ("A deadline that passed on Oct. 12 would be extended.", WED, "2021-10-12"),
    # A comma before a capitalised word joins names, not clauses: the cue before the list still counts.
    ("NATO agreed to admit Poland, Hungary and the Czech Republic in early March.", WED, "2022-03"),
    ("After the vote, Mr. Lee said the plant closed in December.", WED, "2020-12"),
    # The present tense of a "when" or "after" clause speaks of the future; its past tense does not.
    ("They may lose the fight when the case is heard in May.", WED, "2022-05"),
    ("Jobs went when the plant was closed in May.", WED, "2021-05"),
    # The comma closing a "City, St.," place is not a clause break: "agreement to acquire" still counts.
    ("It announced an agreement to acquire the Peoria, Ill., bank holding company in January.", WED, "2022-01"),
    ("The firm, based in Peoria, Ill., closed the plant in January.", WED, "2021-01"),
    # A past plan still names its date: read forward, with the slack for a date just past.
    ("The offer had been set to expire Nov. 6.", WED, "2021-11-06"),
    ("The offer had been set to expire Oct. 15.", WED, "2021-10-15"),
    ("The company had filed its claim on Nov. 6.", WED, "2020-11-06"),
    # A directive: the date after its "to" is the event asked for, ahead of the asking ...
    (
        "She has invited the ministers of Poland, the Czech Republic and Hungary to a ceremony in Independence, Mo., on March 12.",
        WED,
        "2022-03-12",
    ),
    ("He said he subpoenaed the boy to testify before the committee on Feb. 10, so he remains here.", WED, "2022-02-10"),
    # ... unless a clause or a past verb of its own comes between ("a ruling issued on March 3").
    ("They asked the court to overturn a ruling issued on March 3.", WED, "2021-03-03"),
    ("He asked them to leave, and they did so on March 3.", WED, "2021-03-03"),
    ("He told reporters he went to Paris on March 3.", WED, "2021-03-03"),
    ("They urged the court to overturn the March 3 ruling.", WED, "2021-03-03"),
    ("Dealers placed heavy orders to start trading in March.", WED, "2021-03"),
    # An extension "through", "until" or "to" a date names the new end, still ahead.
    ("The banks have extended the company $90 million in loans through January.", WED, "2022-01"),
    ("The company bought shares through January.", WED, "2021-01"),
    # A "with ... -ing" phrase after a comma takes the tense of the clause before it.
    ("Two new flights would leave Bombay, with the third departing from August 6.", WED, "2022-08-06"),
    ("Two new flights left Bombay, with the third departing from August 6.", WED, "2021-08-06"),
    # "set to" or "set for" a date schedules it; a figure "set at" a level in a month is a measure of the past.
    ("The index was set at 109.8 in January.", WED, "2021-01"),
    ("The vote was set for Jan. 12.", WED, "2022-01-12"),
    # An adjournment "to" or "until" a date names when the meeting resumes; a bare "adjourned" does not.
    ("The shareholders meeting has been adjourned to Nov. 4.", WED, "2021-11-04"),
    ("The talks were adjourned in May.", WED, "2021-05"),
    # A wire-copy clock time between the cue and the date leaves the cue in force.
    ("The meeting has been adjourned to 1000 CDT Nov. 4.", WED, "2021-11-04"),
    ("The group set a deadline of 1600 EST on Nov. 4 for its offer.", WED, "2021-11-04"),
    ("The board agreed to extend until 1800 EDT Nov. 4 its deadline for a response.", WED, "2021-11-04"),
]


@pytest.mark.parametrize("text, reference, value", MONTH_DAY_YEAR, ids=[c[0] for c in MONTH_DAY_YEAR])
def test_month_day_takes_the_closest_year_before_unless_the_clause_is_about_the_future(
    text: str, reference: date, value: str
) -> None:
    assert the_mention(text, reference).value == value


# A date heading its sentence, set off by a comma, belongs to the clause after it: that clause's verb
# decides ("On Tuesday, the league plans to ..." is next Tuesday; "Until Thursday, they had not ...").
FRONTED = [
    ("He left. On Tuesday, the league plans to hold a news conference.", "2021-11-02"),
    ("He left. Until Thursday, they had not called him a suspect.", "2021-10-28"),
    ("On Friday, the government planned to pay the first claims.", "2021-10-29"),
    ("In September, it announced plans to sell the unit.", "2021-09"),
    ("They met. Until Thursday, he will stay in Rome.", "2021-11-04"),
    # A date in the subject that opens the sentence: the verb after it decides.
    ("It was agreed. The March accession will enable them to sign.", "2022-03"),
    ("The Friday meeting was cancelled.", "2021-10-29"),
    # ... but a month naming the period a figure measures is over, whatever the verb says.
    ("The September figures will be released by the ministry.", "2021-09"),
]


@pytest.mark.parametrize(
    "text, value",
    [
        ("He announced that the father would be traveling to Rome Thursday.", "2021-11-04"),
        ("Institutions were likely to buy the stock as soon as trading opened Monday.", "2021-11-01"),
    ],
)
def test_weak_future_cues_move_a_weekday_forward(text: str, value: str) -> None:
    assert the_mention(text, FRI).value == value


@pytest.mark.parametrize("text, value", FRONTED, ids=[c[0] for c in FRONTED])
def test_a_date_heading_its_sentence_takes_the_tense_of_the_clause_after_it(text: str, value: str) -> None:
    assert the_mention(text, FRI).value == value


@pytest.mark.parametrize(
    "text, value",
    [
        # A possessive weekday names a thing already there, and "next to" is a place: the week before.
        ("Lawyers said they would challenge Wednesday's ruling.", "2021-10-27"),
        ("A bomb exploded next to the station on Friday.", "2021-10-29"),
        # Not cues at all: the counterfactual "would have", the causal "due to".
        ("The deal would have closed on Thursday.", "2021-10-28"),
        ("Flights were cancelled due to the storm on Thursday.", "2021-10-28"),
    ],
)
def test_weak_future_cues_leave_possessive_weekdays_in_the_past(text: str, value: str) -> None:
    assert the_mention(text, FRI).value == value


ANAPHORIC = [
    ("The plant opened in June 2015 and closed later that year.", "later that year", "2015"),
    ("They met on 3 March 2020; the next day they signed.", "the next day", "2020-03-04"),
    ("The ceasefire began on 4 May 2019. Three days later it collapsed.", "Three days later", "2019-05-07"),
    ("The treaty was signed in April 2018. The following month, troops left.", "The following month", "2018-05"),
    ("Voting closed on 9 May 2021, and the count began that same day.", "that same day", "2021-05-09"),
    ("The court ruled on 12 March 2021, a week after the previous Friday's hearing.", "the previous Friday", "2021-03-05"),
    ("Unrest spread in 2011. That year the currency fell.", "That year", "2011"),
    ("Sales rose in the second quarter of 2020. Costs for that quarter fell.", "that quarter", "2020-Q2"),
    ("He was arrested on 2 July 2019 and released the previous day's suspect.", "the previous day", "2019-07-01"),
    ("On 8 June 2021 the talks stalled. Earlier that day, envoys left.", "Earlier that day", "2021-06-08"),
    # A part of the day after a dated day is that day's part, as "Friday morning" is.
    ("Shares fell on 27 October 1989. Dealers placed buy orders in the morning.", "in the morning", "1989-10-27TMO"),
]


# Earnings reports: "a year ago" / "a year earlier" is the comparable period of the year before.
EARNINGS = [
    ("Third-quarter profit rose to $5 million from $4 million a year ago.", "a year ago", "2020-Q3"),
    # The quarter the sentence names beats the one the report opened with.
    ("Delta's first-quarter profit rose. Separately, America West said third-quarter profit rose to $5.8 million "
     "from $4 million a year earlier.", "a year earlier", "2020-Q3"),
    # Year-to-date figures compare with the same months of the year before: the year is the closest value.
    ("Third-quarter profit rose. For the nine months, net was $254 million, up from $163 million a year earlier.",
     "a year earlier", "2020"),
    ("For the first half, sales were flat compared with year-earlier levels.", "year-earlier", "2020"),
    ("Third-quarter net rose. In the first nine months, net was $306 million, compared with $195 million in "
     "the 2020 period.", "2020 period", "2020"),
    ("The gain left wages 3.8 percent higher than a year earlier.", "a year earlier", "2020"),
    ("Third-quarter net rose from $5 million in the same quarter a year ago.", "same quarter", "2020-Q3"),
]


def test_a_weekday_coordinated_with_a_plural_part_of_day_is_a_set_too() -> None:
    values = [(m.text, m.type, m.value) for m in find_time_mentions("Two flights leave on Monday and Tuesday nights.", FRI)]
    assert values == [("Monday", "SET", "XXXX-WXX-1TNI"), ("Tuesday nights", "SET", "XXXX-WXX-2TNI")]


@pytest.mark.parametrize("text, surface, value", EARNINGS, ids=[c[0][:40] for c in EARNINGS])
def test_a_year_ago_in_a_report_is_the_comparable_period(text: str, surface: str, value: str) -> None:
    assert the_mention(text, FRI, surface).value == value


def test_a_quarter_named_by_its_closing_day_is_that_calendar_quarter_and_the_one_in_focus() -> None:
    text = (
        "Delta's profit soared in the fiscal first quarter. For the quarter ended Sept. 30, net rose "
        "to $133 million from $100 million a year earlier."
    )
    values = [(m.text, m.value) for m in find_time_mentions(text, FRI)]
    assert ("the quarter", "2021-Q3") in values and ("a year earlier", "2020-Q3") in values


def test_a_quarter_closing_off_the_calendar_is_the_quarter_of_its_middle_month() -> None:
    # May to July: two of its three months are in the second calendar quarter.
    assert the_mention("In the quarter ended July 31, it had 5.6 million shares.", FRI, "quarter").value == "2021-Q2"


@pytest.mark.parametrize("text, surface, value", ANAPHORIC, ids=[c[1] for c in ANAPHORIC])
def test_anaphoric_expression_resolves_against_the_last_date_mentioned(text: str, surface: str, value: str) -> None:
    mention = the_mention(text, FRI, surface)
    assert mention.value == value and mention.date_start is not None


@pytest.mark.parametrize(
    "text",
    ["Investors saw strong redemptions that day.", "They hoped to return the next day.", "Trains run late in the evening."],
)
def test_anaphoric_day_with_no_date_before_it_is_not_a_mention(text: str) -> None:
    assert find_time_mentions(text, FRI) == []


@pytest.mark.parametrize(
    "text, surface, value",
    [
        ("The polls opened on 5 May 2021 and closed at 8 p.m.", "p.m.", "2021-05-05T20:00"),
        ("The father left on 6 April 2000 at 4 in the morning.", "morning", "2000-04-06T04:00"),
        ("Talks began on 6 April 2000 at 7 o'clock in the evening.", "evening", "2000-04-06T19:00"),
    ],
    ids=["8 p.m.", "4 in the morning", "7 o'clock in the evening"],
)
def test_clock_time_takes_the_last_day_mentioned_before_it(text: str, surface: str, value: str) -> None:
    mention = the_mention(text, FRI, surface)
    assert mention.value == value and mention.date_start == date.fromisoformat(value[:10])


OTHER_RULES = [
    # A fiscal year named by its closing day is twelve months, not a calendar year.
    ("Revenue for the year ended March 31 rose.", "the year", "DURATION", "P1Y"),
    ("Crime fell over the past decade.", "the past decade", "DURATION", "P10Y"),
    ("The ministry will soon publish the rules.", "soon", "DATE", "FUTURE_REF"),
    ("Officials want the talks to end as soon as possible.", "as soon as possible", "DATE", "FUTURE_REF"),
    ("The recent floods cut the road.", "recent", "DATE", "PAST_REF"),
    ("Holders may buy shares at half the then current market price.", "current", "DATE", "PAST_REF"),
    ("Islam will one day be the second largest religion.", "one day", "DATE", "FUTURE_REF"),
    ("It will take one day to fix.", "one day", "DURATION", "P1D"),
    ("Results are due in the short term.", "the short term", "DATE", "FUTURE_REF"),
    ("Shares lagged for eight trading days.", "eight trading days", "DURATION", "P8D"),
    ("Turnout on Election Day was high.", "Election Day", "DATE", "2020-11-03"),
    # No date to count from: the duration between the two events, as TimeML annotates it.
    ("He was arrested. A few days later, he resigned.", "A few days later", "DURATION", "PXD"),
    ("The truce began. Three days later it collapsed.", "Three days later", "DURATION", "P3D"),
]


@pytest.mark.parametrize("text, surface, type_, value", OTHER_RULES, ids=[c[1] for c in OTHER_RULES])
def test_other_timeml_rules(text: str, surface: str, type_: str, value: str) -> None:
    mention = the_mention(text, date(2020, 11, 10), surface)
    assert (mention.type, mention.value) == (type_, value)


@pytest.mark.parametrize(
    "text",
    ["Sirens sounded as soon as the talks ended.", "He was soon released.", "Prices rose soon after the vote."],
)
def test_soon_of_an_event_or_a_past_story_is_not_a_time(text: str) -> None:
    assert find_time_mentions(text, FRI) == []


@pytest.mark.parametrize(
    "text, mentions",
    [
        # "recently" right before a date qualifies it: one mention, the date.
        ("Doctors were killed, most recently last October.", [("last October", "2020-10")]),
        ("Prices were this high as recently as 1990.", [("1990", "1990")]),
        # ... but not a "recently" of its own clause next to a date of another.
        ("He recently said on Monday that he would stay.", [("recently", "PAST_REF"), ("on Monday", "2020-11-09")]),
    ],
)
def test_recently_before_a_date_qualifies_it(text: str, mentions: list[tuple[str, str]]) -> None:
    assert [(m.text, m.value) for m in find_time_mentions(text, date(2020, 11, 10))] == mentions


def test_previous_year_with_no_date_before_it_counts_from_the_publication_date() -> None:
    assert the_mention("Exports doubled compared with the previous year.", FRI).value == "2020"


def test_context_dependent_forms_are_not_served_from_the_cache() -> None:
    text = "Revenue for the year ended June 30 rose. Profit for the year was flat. He will soon leave; he was soon gone."
    values = [(m.text, m.value) for m in find_time_mentions(text, FRI)]
    assert ("the year", "P1Y") in values and ("the year", "2021") in values
    assert [v for t, v in values if t == "soon"] == ["FUTURE_REF"]


@pytest.mark.parametrize(
    "text",
    [
        # A later mention that drops an earlier one ("recently" + date), takes the words before it
        # ("the day before ..."), anchors on the one before it, or is a clock time taking its day.
        "Doctors were killed, most recently last October. The day before last Tuesday's hearing they met"
        " on March 3, 1987 and again the next day; talks resume Friday, 10th Aug, 2021. 02:16 pm.",
        "Prices were this high as recently as 1990. The year before, in the third quarter, profits fell;"
        " a year ago they rose, and the latest period was flat. He will soon leave.",
    ],
)
def test_mentions_before_until_are_those_of_the_whole_text(text: str) -> None:
    whole = find_time_mentions(text, FRI)
    for until in range(len(text) + 1):
        assert [m for m in find_time_mentions(text, FRI, until) if m.start < until] == [
            m for m in whole if m.start < until
        ], until


# Seventh round (issue 3): (text, reference, surface, value, span, precision).
SEVENTH = [
    # A day anaphor after a date that names only its month: a day of that month, not an older day.
    ("On Oct. 4 the board met. The plant closed in July, and its sign came down that same day.", FRI,
     "that same day", "2021-07-XX", (date(2021, 7, 1), date(2021, 7, 31)), "month"),
    ("The inquiry opened on Sept. 2. The reactor was shut last March; engineers left the site the next day.",
     FRI, "the next day", "2021-03-XX", (date(2021, 3, 1), date(2021, 3, 31)), "month"),
    # A quarter "ended" on a day is the latest closing on that day that had begun by the reference
    # (wire copy writes "ended" days ahead): its name in the year it closed in, and the three months
    # up to that day.
    ("It will take a charge in its second quarter ended Oct. 31.", FRI,
     "second quarter", "2021-Q2", (date(2021, 8, 1), date(2021, 10, 31)), "quarter"),
    ("Sales fell in the second quarter ended Oct. 31. Results for that quarter were restated.", date(2021, 12, 10),
     "that quarter", "2021-Q2", (date(2021, 8, 1), date(2021, 10, 31)), "quarter"),
    ("Sales fell in the second quarter ended Oct. 31.", date(2021, 7, 20),
     "second quarter", "2020-Q2", (date(2020, 8, 1), date(2020, 10, 31)), "quarter"),
    ("The retailer's fiscal second quarter ended January 31 brought record sales.", date(2021, 3, 2),
     "second quarter", "2021-Q2", (date(2020, 11, 1), date(2021, 1, 31)), "quarter"),
    # An apposition names the same quarter.
    ("In the comparable year-ago quarter, the second quarter ended Oct. 31, the chain lost money.", FRI,
     "year-ago quarter", "2020-Q2", (date(2020, 8, 1), date(2020, 10, 31)), "quarter"),
    ("In the comparable year-ago quarter, the second quarter ended Oct. 31, the chain lost money.", FRI,
     "the second quarter", "2020-Q2", (date(2020, 8, 1), date(2020, 10, 31)), "quarter"),
    ("It expects a loss in its third quarter ended Feb. 28.", date(2021, 3, 5),
     "third quarter", "2021-Q3", (date(2020, 12, 1), date(2021, 2, 28)), "quarter"),
    ("Net for the second quarter ended January 31 rose to $9 million from $5 million a year earlier.",
     date(2021, 3, 2), "a year earlier", "2020-Q2", (date(2019, 11, 1), date(2020, 1, 31)), "quarter"),
    ("It expects a loss in the fourth quarter ending Dec. 31.", FRI,
     "fourth quarter", "2021-Q4", (date(2021, 10, 1), date(2021, 12, 31)), "quarter"),
    ("Profit rose in the third quarter ended Sept. 30.", FRI,
     "third quarter", "2021-Q3", (date(2021, 7, 1), date(2021, 9, 30)), "quarter"),
    # "midnight yesterday" ends yesterday, like "midnight Friday"; a day later is the next midnight.
    ("Bids closed at midnight yesterday.", FRI,
     "midnight", "2021-10-28T24:00", (date(2021, 10, 28), date(2021, 10, 28)), "day"),
    ("At midnight yesterday 7,000 shares were in, up from 5,000 shares 24 hours earlier.", FRI,
     "24 hours earlier", "2021-10-28T00:00", (date(2021, 10, 28), date(2021, 10, 28)), "day"),
    # Hours after a clock time move the clock; after a day alone, TimeML's duration.
    ("The polls opened on 5 May 2021 at 8 p.m. and closed two hours later.", FRI,
     "two hours later", "2021-05-05T22:00", (date(2021, 5, 5), date(2021, 5, 5)), "day"),
    ("The ferry left on Oct. 3 at 11 p.m. and sank 90 minutes later.", FRI,
     "90 minutes later", "2021-10-04T00:30", (date(2021, 10, 4), date(2021, 10, 4)), "day"),
    ("The guard was shot on Oct. 3. Just over an hour later, he died.", FRI,
     "an hour later", "PT1H", (None, None), None),
]


@pytest.mark.parametrize(
    "text, reference, surface, value, span, precision", SEVENTH, ids=[f"{c[2]}: {c[3]}" for c in SEVENTH]
)
def test_seventh_round_rules(
    text: str, reference: date, surface: str, value: str, span: tuple[date | None, date | None], precision: str | None
) -> None:
    mention = the_mention(text, reference, surface)
    assert (mention.value, (mention.date_start, mention.date_end), mention.precision) == (value, span, precision)


@pytest.mark.parametrize(
    "text, mentions",
    [
        # The month is two sentences back: it is not what "that day" is in.
        ("On Aug. 2 markets were calm. Prices fell in August. Traders stayed home. Funds saw strong"
         " redemptions that day.", [("On Aug. 2", "2021-08-02"), ("in August", "2021-08"), ("that day", "2021-08-02")]),
        # No dated day before it: "that day" is an event's day, whatever month is named.
        ("The tender for two cargoes of June sugar failed after a sharp price rise that day.", [("June", "2021-06")]),
    ],
)
def test_a_day_anaphor_takes_a_month_only_near_it_and_after_a_dated_day(
    text: str, mentions: list[tuple[str, str]]
) -> None:
    assert [(m.text, m.value) for m in find_time_mentions(text, FRI)] == mentions


def test_the_clause_tense_is_read_once_and_only_when_asked() -> None:
    from timeline.extract.timex import _ClauseContext

    calls: list[int] = []
    ctx = _ClauseContext("text", FRI)
    ctx.defer_future(lambda: calls.append(1) or True)
    assert calls == [] and not ctx.future_read
    assert ctx.future and ctx.future and ctx.future_read
    assert calls == [1]
    ctx.defer_future(lambda: calls.append(2) or True)
    ctx.future = False  # set outright (a handler's "next March"): the clause is not read
    assert not ctx.future and calls == [1]


def test_a_cached_form_that_reads_the_tense_is_cached_per_tense() -> None:
    from timeline.extract import timex

    text = "The board will meet on Nov. 6. The board met on Nov. 6."
    timex._CACHE.clear()
    first = [(m.value, m.future) for m in find_time_mentions(text, FRI)]
    again = [(m.value, m.future) for m in find_time_mentions(text, FRI)]  # both served from the cache
    assert first == again and first[0] != first[1] and first[0][1] and not first[1][1]


def test_a_cached_form_that_ignores_the_tense_is_cached_without_it() -> None:
    from timeline.extract import timex

    timex._CACHE.clear()
    assert find_time_mentions("The board will meet on 2021-11-06.", FRI)[0].future
    assert ("iso", "on 2021-11-06", FRI, None) in timex._CACHE and len(timex._CACHE) == 1


# Eighth round: each rule with the case that shows it and the case it must leave alone.
EIGHTH = [
    # The month right after the publication month is the coming one, whatever the clause; two
    # months on, it is still last year's.
    ("Dealers placed buy orders to start the first trading day for November transactions.", "November", "DATE", "2021-11"),
    ("Cutbacks came in December.", "December", "DATE", "2020-12"),
    # A year written after a list of months, or in brackets after one, is each month's.
    ("The rate equalled the record set in April, August and December last year.", "April", "DATE", "2020-04"),
    ("The rate equalled the record set in April, August and December last year.", "August", "DATE", "2020-08"),
    ("We still have the April (2019) highs to contend with.", "April", "DATE", "2019-04"),
    ("The load factor was 66.6 pct in the April/February period of 2020/21.", "April", "DATE", "2020-04"),
    ("Earnings reflect the stock split on April one, 2019.", "April", "DATE", "2019-04"),
    ("Two-for-one splits took place in January and June 2019.", "January", "DATE", "2019-01"),
    # The present "is the Nth day" names the publication day.
    ("In Saudi Arabia, today is the eighth day of the blockade.", "eighth day", "DATE", "2021-10-29"),
    ("It's the second day of an offensive by the police.", "second day", "DATE", "2021-10-29"),
    ("This is the 12th straight day of protests.", "12th", "DATE", "2021-10-29"),
    # "mid-afternoon" alone is, like "in the afternoon", that part of the last day mentioned.
    ("It's the second day of an offensive. By mid afternoon, officials said it was over.", "afternoon", "TIME", "2021-10-29TAF"),
    ("Shares fell on Monday. By mid-afternoon they had recovered.", "afternoon", "TIME", "2021-10-25TAF"),
    # A habit in the plural quarters: a quarter of every year; the ordinal coordinated with it too.
    ("Sales are usually strongest in the second and fourth quarters.", "second", "SET", "XXXX-Q2"),
    ("Sales are usually strongest in the second and fourth quarters.", "fourth quarters", "SET", "XXXX-Q4"),
    # A period of unspecified length.
    ("We're there to stay for a fairly lengthy period.", "period", "DURATION", "PXX"),
    ("The shares were held for a short period of time.", "period", "DURATION", "PXX"),
    # "future" with a plural unit is the vague future, like "the future".
    ("The credits will cut tax payments in future quarters.", "future quarters", "DATE", "FUTURE_REF"),
    # A simple present verb right before a weekday or a month-day schedules the event.
    ("He and Arafat meet separately Monday with the envoy.", "Monday", "DATE", "2021-11-01"),
    ("He flew in for the motor show, which opens on Thursday.", "Thursday", "DATE", "2021-11-04"),
    ("The trial begins Nov. 6 in Boston.", "Nov. 6", "DATE", "2021-11-06"),
    # ... not after "to", "not" or in the past tense.
    ("They failed to meet Monday.", "Monday", "DATE", "2021-10-25"),
    ("They did not meet Monday.", "Monday", "DATE", "2021-10-25"),
    ("They met Monday.", "Monday", "DATE", "2021-10-25"),
    ("The trial began Nov. 6 in Boston.", "Nov. 6", "DATE", "2020-11-06"),
]


@pytest.mark.parametrize("text, surface, type_, value", EIGHTH, ids=[f"{c[1]}: {c[3]}" for c in EIGHTH])
def test_eighth_round_rules(text: str, surface: str, type_: str, value: str) -> None:
    mention = the_mention(text, FRI, surface)
    assert (mention.type, mention.value) == (type_, value)


@pytest.mark.parametrize(
    "text",
    [
        # The day counts from an event's start, which no date gives.
        "On the second day of the trial, he spoke.",
        "It was the third day of talks.",
        # No day before it: a habit or an event's time.
        "By mid-afternoon the crowd had gone.",
    ],
)
def test_an_event_counted_day_or_part_of_day_is_no_mention(text: str) -> None:
    assert find_time_mentions(text, FRI) == []


def test_coordinated_quarters_outside_a_habit_are_no_set() -> None:
    assert all(m.type != "SET" for m in find_time_mentions("It expects losses in the third and fourth quarters.", FRI))


def test_the_nth_day_without_a_reference_has_no_value() -> None:
    mention = the_mention("Today is the eighth day of the blockade.", None, "eighth")
    assert mention.value is None and mention.date_start is None and mention.reason


def test_ordinals_lead_into_a_century() -> None:
    assert the_mention("It was built in the fifth century.", FRI).value == "04"


# The scanner pattern's look-ahead guards (timex_patterns._first_chars) are a speed-up only: at every
# position the guarded pattern matches exactly as the plain alternation of the same forms does.
_UNGUARDED = pat.scanner_pattern(guard=False)
# Kelvin sign, long s, dotted/dotless i, a wide M, Arabic-Indic digits, a no-break and a thin space.
_CASE_FOLDS = ["K", "ſ", "İ", "ı", "Ｍay", "٢٠٢١", "٣", "\u00a0", "\u2009"]


def test_every_form_of_the_scanner_has_a_first_character_guard() -> None:
    guards = {name: pat._first_chars(body) for name, body in pat._FORMS}
    assert all(guards.values()), [name for name, guard in guards.items() if not guard]
    assert guards["iso"] == "[12]" and guards["numeric"] == r"[\d]"  # \d: every Unicode digit, as in the form


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_PIECES + _CASE_FOLDS), max_size=20).map(" ".join)))
def test_guarded_scanner_pattern_matches_like_the_plain_alternation(text: str) -> None:
    for start in range(len(text)):
        guarded, plain = pat.PATTERN.match(text, start), _UNGUARDED.match(text, start)
        assert (guarded and (guarded.span(), guarded.lastgroup, guarded.groupdict())) == (
            plain and (plain.span(), plain.lastgroup, plain.groupdict())
        )
