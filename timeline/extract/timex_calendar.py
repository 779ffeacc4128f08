"""Calendar arithmetic for the time layer: TIMEX3 values and the inclusive day spans they cover."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

Span = tuple[date, date]

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# Meteorological seasons, northern hemisphere, as TimeML's SP/SU/FA/WI are usually read.
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_FIRST_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "a couple of": 2, "a couple": 2, "couple of": 2,
    "single": 1, "half a": 0, "dozen": 12, "a dozen": 12,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21, "final": 4, "last": 4,
}


def parse_number(word: str) -> int | None:
    """An integer from digits or English number words ("twenty-five"); None for vague ones."""
    w = " ".join(word.lower().replace("-", " ").split())
    if w.isdigit():
        return int(w)
    if w in NUMBER_WORDS:
        return NUMBER_WORDS[w]
    parts = w.split()
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        tens, units = NUMBER_WORDS[parts[0]], NUMBER_WORDS[parts[1]]
        if tens >= 20 and units < 10:
            return tens + units
        if units == 100:
            return tens * 100
    if len(parts) == 2 and parts[1] == "thousand" and (parts[0] == "a" or parts[0] in NUMBER_WORDS):
        return 1000 * (1 if parts[0] == "a" else NUMBER_WORDS[parts[0]])  # "two thousand years"
    return None


def month_number(token: str) -> int:
    """1..12 from a month name or abbreviation ("Sept.", "OCTOBER")."""
    return MONTHS[token[:3].lower()]


def weekday_number(token: str) -> int:
    """0 (Monday) .. 6 (Sunday) from a weekday name."""
    return WEEKDAYS[token[:3].lower()]


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(d: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, last_day(year, month + 1)))


def day_value(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def month_span(year: int, month: int) -> Span:
    return date(year, month, 1), date(year, month, last_day(year, month))


def week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def week_span(d: date) -> Span:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def quarter_span(year: int, quarter: int) -> Span:
    first = 3 * quarter - 2
    return date(year, first, 1), month_span(year, first + 2)[1]


def season_span(year: int, code: str) -> Span:
    first = SEASON_FIRST_MONTH[code]
    start = date(year, first, 1)
    return start, add_months(start, 3) - timedelta(days=1)


def year_span(year: int) -> Span:
    return date(year, 1, 1), date(year, 12, 31)


def is_valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= last_day(year, month)


def closest_year(reference: date, month: int, day: int, future: bool) -> int:
    """The year that puts month-day closest on or before the reference (on or after when future).

    Issue 3's rule, applied literally: only a cue in the clause (`future`) moves a date after the
    reference; the clause cues live in `timex_patterns.FUTURE_CUE` and `DEADLINE_CUE`.
    """
    year = reference.year
    # Feb 29 only exists in leap years: compare with the 28th, the resolved year is checked later.
    candidate = date(year, month, min(day, last_day(year, month)))
    if future:
        # Two weeks' slack: a date just past in a "future" clause was a misread cue, not next year's.
        return year if candidate >= reference - timedelta(days=14) else year + 1
    return year if candidate <= reference else year - 1


def closest_month_year(reference: date, month: int, future: bool) -> int:
    """The year of the named month closest on or before the reference month (after, when future).

    The month right after the reference month is the coming one whatever the clause: it is at most
    a month ahead, against eleven months back, and news names last year's month "last November"
    ("the first trading day for November transactions" in an October 30 article is this November).
    """
    if future or month == reference.month % 12 + 1:
        return reference.year if month >= reference.month else reference.year + 1
    return reference.year if month <= reference.month else reference.year - 1


def weekday_date(reference: date, weekday: int, direction: str) -> date:
    """Resolve a weekday: 'past' on/before, 'future' on/after, 'last' before, 'next' after."""
    delta = reference.weekday() - weekday
    if direction == "past":
        return reference - timedelta(days=delta % 7)
    if direction == "last":
        return reference - timedelta(days=(delta - 1) % 7 + 1)
    if direction == "next":
        return reference + timedelta(days=(-delta - 1) % 7 + 1)
    return reference + timedelta(days=-delta % 7)


def weekend_saturday(reference: date, which: str) -> date:
    """Saturday of a weekend: 'this' (the reference's ISO week), 'last', 'next', 'past', 'future'."""
    this = reference + timedelta(days=5 - reference.weekday())
    if which == "last":
        return this - timedelta(days=7)
    if which == "next":
        return this + timedelta(days=7)
    if which == "past":
        return this if this <= reference else this - timedelta(days=7)
    if which == "future":
        return this if this + timedelta(days=1) >= reference else this + timedelta(days=7)
    return this


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def shift_quarter(year: int, quarter: int, by: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 + by
    return index // 4, index % 4 + 1


def part_of_span(span: Span, part: str) -> Span:
    """The early / mid / late third of a span (news "early December" is roughly days 1-10)."""
    start, end = span
    days = (end - start).days + 1
    third = max(days // 3, 1)
    if part == "early":
        return start, start + timedelta(days=third - 1)
    if part == "late":
        return end - timedelta(days=third - 1), end
    return start + timedelta(days=third), end - timedelta(days=third)


def easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def thanksgiving(year: int) -> date:
    """US Thanksgiving: fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def holiday_date(name: str, year: int) -> date:
    """Date of a holiday the scanner knows by name."""
    key = name.lower()
    if key.startswith("christmas eve"):
        return date(year, 12, 24)
    if key.startswith("christmas"):
        return date(year, 12, 25)
    if key.startswith("new year") and "eve" in key:
        return date(year, 12, 31)
    if key.startswith("new year"):
        return date(year, 1, 1)
    if key.startswith("easter"):
        return easter(year)
    if key.startswith("thanksgiving"):
        return thanksgiving(year)
    if key.startswith("election"):
        # US general Election Day: the Tuesday after the first Monday of November.
        first = date(year, 11, 1)
        return first + timedelta(days=(0 - first.weekday()) % 7 + 1)
    if key.startswith("halloween"):
        return date(year, 10, 31)
    raise KeyError(name)
