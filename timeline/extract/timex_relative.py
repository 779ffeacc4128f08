"""Relative and vague time expressions, durations and sets → TIMEX3 value, day span, precision."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from . import timex_calendar as cal
from . import timex_patterns as pat
from .timex_forms import (
    TOD_CODES,
    Context,
    Handler,
    Norm,
    apposed_quarter,
    day_norm,
    explicit_year,
    month_norm,
    quarter_norm,
    unresolved,
    week_norm,
    weekend_norm,
    written_year,
    year_norm,
)

_PART = {
    "early": "early", "beginning": "early", "start": "early",
    "mid": "mid", "middle": "mid", "late": "late", "end": "late", "close": "late",
}
_UNIT_PRECISIONS = ("day", "week", "month", "quarter", "year", "decade", "century")
_VAGUE = {"few", "a few", "several", "some", "many", "numerous", "dozens of", "hundreds of"}
_APPROX_WORDS = re.compile(
    r"\b(?:about|around|nearly|almost|roughly|some|more\s+than|less\s+than|over|at\s+least|up\s+to|or\s+so)\b", re.I
)
_CAPITALISED_WORD_BEFORE = re.compile(r"[A-Z][a-z]+ $")


def _count_and_unit(body: str) -> tuple[int | None, str, bool] | None:
    """(count or None when vague, unit without plural s, vague?) from "two days", "a few weeks"."""
    found = pat.NUM_UNIT_RE.search(body)
    if found is None:
        return None
    word = " ".join(found.group(1).lower().split())
    unit = found.group(2).lower()
    unit = "century" if unit == "centuries" else unit.rstrip("s")
    if word in _VAGUE:
        return None, unit, True
    if "1/2" in word:
        return None, unit, False
    number = cal.parse_number(word) if not re.match(r"\d+\.\d", word) else None
    return number, unit, False


def _shift_by_unit(reference: date, count: int, unit: str, ctx: Context, word: str) -> Norm | None:
    if unit in ("day", "night"):
        return day_norm(reference - timedelta(days=count))
    if unit in ("week", "fortnight"):
        return week_norm(reference - timedelta(days=7 * count * (2 if unit == "fortnight" else 1)))
    if unit == "weekend":
        return week_norm(reference - timedelta(days=7 * count))
    if unit == "month":
        target = cal.add_months(reference, -count)
        return month_norm(target.year, target.month)
    if unit == "quarter":
        return quarter_norm(*cal.shift_quarter(reference.year, cal.quarter_of(reference), -count))
    if unit == "year":
        if count == 1 and ctx.quarter is not None and word in ("ago", "earlier"):
            # Earnings reports: "from $5 million a year ago" compares the quarter under discussion.
            return ctx.named_quarter(*cal.shift_quarter(*ctx.quarter, -4))
        return year_norm(reference.year - count)
    if unit == "decade":
        return replace(year_norm(reference.year - 10 * count), approximate=True)
    if unit == "century":
        return replace(year_norm(reference.year - 100 * count), approximate=True)
    if unit in ("hour", "minute", "second"):
        return day_norm(reference, approximate=True)
    return None


# How precise the anchor of "N <unit> later" or "that <unit>" must be.
_ANCHOR_PRECISION = {
    "second": "day", "minute": "day", "hour": "day", "day": "day", "night": "day", "morning": "day",
    "afternoon": "day", "evening": "day", "week": "week", "weekend": "day", "fortnight": "week",
    "month": "month", "quarter": "quarter", "year": "year", "decade": "year", "century": "year",
}


# A full stop after a word, not after an abbreviation ("N.Y.", "Dr.", "Mrs."), before a capital.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9]{2})(?<!\bMrs)[.!?][\"')]*\s+(?=[\"'`(]*[A-Z])")


def _h_anaphor(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "that year", "the same day", "the following month", "the next morning", "the previous Friday":
    the last date mentioned before it, shifted. With no date before it, "the previous/following
    week|month|year" count from the publication date; "that day", "the next day" are not times."""
    words = " ".join(m.group("anaphor").lower().split()).split()
    if words[0] == "the":
        words = words[1:]
    det, unit = words[0], words[-1]
    if len(words) == 1:
        # "placed buy orders in the morning": that part of the last day mentioned, as "Friday morning".
        anchor = ctx.anchor("day")
        if (anchor is None or anchor.value is None or anchor.span is None or anchor.span[0] != anchor.span[1]
                or "T" in anchor.value):
            return None  # no day before it: a habit ("trains run late in the evening") or an event's time
        return Norm("TIME", anchor.value + TOD_CODES[unit], anchor.span, "day")
    if unit in ("before", "earlier", "after", "later"):
        det, unit = ("previous" if unit in ("before", "earlier") else "following"), det  # "the year before"
    shift = 1 if det in ("following", "next") else -1 if det in ("previous", "prior") else 0
    weekday = pat.WEEKDAY_RE.fullmatch(unit)
    anchor = ctx.anchor("day" if weekday else _ANCHOR_PRECISION[unit])
    latest = ctx.anchors[-1] if ctx.anchors else None
    if (unit == "day" and anchor is not None and latest is not None and latest.precision == "month"
            and latest.value and latest.span and len(_SENTENCE_END.findall(ctx.text, ctx.last_anchor_end, m.start())) <= 1):
        # "The plant closed in July; its sign came down that same day.": the day is one of the month
        # named in this sentence or the one before, which the text does not give (TimeML's
        # `2021-07-XX`), not the older dated day. With no dated day before it, "that day" stays an
        # event's day, no mention ("a price rise that day" after "June sugar").
        return Norm("DATE", latest.value + "-XX", latest.span, "month", True)
    if anchor is not None and anchor.span is not None:
        base = anchor.span[1] if shift > 0 else anchor.span[0]
    elif shift and not weekday and unit not in ("day", *TOD_CODES) and ctx.reference is not None:
        base = ctx.reference  # "the previous year" with no date before it: the year before publication
    else:
        return None  # "strong sales that day", "return the next day": with no date before, an event
    if weekday:
        direction = "next" if shift > 0 else "last"
        return day_norm(cal.weekday_date(base, cal.weekday_number(unit), direction))
    if unit == "day" or unit in TOD_CODES:
        return day_norm(base + timedelta(days=shift))  # "the next morning" is the day, as "Friday morning"
    if unit == "week":
        return week_norm(base + timedelta(days=7 * shift))
    if unit == "month":
        target = cal.add_months(base.replace(day=1), shift)
        return month_norm(target.year, target.month)
    if unit == "quarter":
        return quarter_norm(*cal.shift_quarter(base.year, cal.quarter_of(base), shift))
    return year_norm(base.year + shift)


# The period "a year earlier" compares with, when its sentence names one before it: "third-quarter
# profit rose 45% to $5.8 million from $4 million a year earlier" is that quarter of the year before;
# "for the nine months, net was $254 million, up from $163 million a year earlier" compares
# year-to-date figures, whose closest TIMEX3 value is the year before.
_SENTENCE_PERIOD = re.compile(
    r"\b(?:(first|second|third|fourth)[\s-]+(?:fiscal[\s-]+)?quarter|(?:first\s+)?(?:nine|six)\s+months|first\s+half)\b",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _compared_period(ctx: Context, start: int, reference: date) -> Norm | None:
    """The same period a year before, if the sentence before `start` names the period compared."""
    text = ctx.text
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    named = None
    for named in _SENTENCE_PERIOD.finditer(text, sentence_start, start):
        pass
    if named is None:
        return None
    if named.group(1) is None:
        return year_norm(reference.year - 1)
    number = _ORDINALS[named.group(1).lower()]
    if ctx.quarter is not None and ctx.quarter[1] == number:
        year = ctx.quarter[0]
    else:
        # The latest quarter with this number that has begun, as for "third-quarter profit" itself.
        year = reference.year if cal.quarter_span(reference.year, number)[0] <= reference else reference.year - 1
    return ctx.named_quarter(year - 1, number)


def _h_ago(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("ago")
    parsed = _count_and_unit(body)
    if parsed is None:
        return None
    count, unit, vague = parsed
    word = body.lower().split()[-1]
    if word == "later" or (word == "earlier" and unit not in ("year", "month", "quarter", "decade", "century")):
        # "three days later", "a day earlier" count from the last date the story mentions, not from
        # the publication date; "a year earlier" in a report compares with the same period last year.
        anchor = ctx.anchor(_ANCHOR_PRECISION.get(unit, "day"))
        if unit in ("hour", "minute", "second") and anchor is not None and count is not None and not vague:
            clock = _shift_clock(anchor, count if word == "later" else -count, unit)
            if clock is not None:
                return replace(clock, approximate=bool(_APPROX_WORDS.search(body)))
            # A day without a clock time cannot be counted on in hours: "just over an hour later" is
            # TimeML's duration, not the anchor's day again (which midnight may not even keep).
            anchor = None
        if anchor is None or anchor.span is None or count is None or vague:
            # No date to count from ("a few days later", or no date before it): TimeML's reading, the
            # duration between the two events (`PXD`, `P3D`) with "later" as its signal.
            if unit not in _UNIT_CODES and unit not in ("fortnight", "decade", "century"):
                return None
            return Norm("DURATION", _duration_value(count, unit), approximate=vague or bool(_APPROX_WORDS.search(body)))
        shifted = _shift_by_unit(anchor.span[0], -count if word == "later" else count, unit, replace(ctx, quarter=None), word)
        if shifted is None:
            return None
        return replace(shifted, approximate=shifted.approximate or bool(_APPROX_WORDS.search(body)))
    if ctx.reference is None:
        # "a few weeks ago" is PAST_REF whatever the date; "two days ago" needs one to count from.
        return Norm("DATE", "PAST_REF", None, None, True) if vague or count is None else unresolved(None)
    ref = ctx.reference
    if vague or count is None:
        # "a few weeks ago": some time 1-4 units back; TimeML has no value finer than PAST_REF.
        nearest = _shift_by_unit(ref, 1, unit, replace(ctx, quarter=None), word)
        farthest = _shift_by_unit(ref, 4, unit, replace(ctx, quarter=None), word)
        if nearest is None or farthest is None or nearest.span is None or farthest.span is None:
            return None
        return Norm("DATE", "PAST_REF", (farthest.span[0], nearest.span[1]), unit if unit in _UNIT_PRECISIONS else None, True)
    compared = _compared_period(ctx, m.start(), ref) if (unit, count, word) in (("year", 1, "ago"), ("year", 1, "earlier")) else None
    norm = compared or _shift_by_unit(ref, count, unit, ctx, word)
    if norm is None:
        return None
    return replace(norm, approximate=norm.approximate or bool(_APPROX_WORDS.search(body)))


_CLOCK_VALUE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$")


def _shift_clock(anchor: Norm, count: int, unit: str) -> Norm | None:
    """A dated clock time moved by hours, minutes or seconds ("at 8 p.m. ... two hours later"), or None
    when the anchor has no clock time."""
    found = _CLOCK_VALUE.match(anchor.value or "")
    if found is None:
        return None
    year, month, day, hour, minute = (int(g) for g in found.groups())
    moved = datetime(year, month, day, hour % 24, minute) + timedelta(days=hour // 24) + timedelta(
        **{unit + "s": count}
    )
    return Norm("TIME", moved.strftime("%Y-%m-%dT%H:%M"), (moved.date(), moved.date()), "day")


def _h_year_ago(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group(m.lastgroup or "year_ago").lower()
    if "latest" in body:
        if ctx.reference is None:
            return unresolved(None)
        return ctx.named_quarter(*(ctx.quarter or cal.shift_quarter(ctx.reference.year, cal.quarter_of(ctx.reference), -1)))
    if "months" in body:
        number = 9 if "nine" in body else 6 if "six" in body else None
        return Norm("DURATION", f"P{number}M" if number else "PXM")
    if ctx.reference is None:
        return unresolved(None)
    compared = None if "quarter" in body or "period" in body else _compared_period(ctx, m.start(), ctx.reference)
    if compared is not None:
        return compared
    apposed = apposed_quarter(ctx, m.end()) if "quarter" in body or "period" in body else None
    if apposed is not None:
        return apposed
    if "quarter" in body or "period" in body or ctx.quarter is not None:
        # "year-earlier net" in a quarterly report compares with the same quarter a year before.
        focus = ctx.quarter or cal.shift_quarter(ctx.reference.year, cal.quarter_of(ctx.reference), -1)
        return ctx.named_quarter(*cal.shift_quarter(*focus, -4))
    return year_norm(ctx.reference.year - 1)


_UNIT_CODES = {
    "second": ("T", "S"), "minute": ("T", "M"), "hour": ("T", "H"), "day": ("", "D"), "night": ("", "D"),
    "week": ("", "W"), "weekend": ("", "WE"), "month": ("", "M"), "quarter": ("", "Q"), "year": ("", "Y"),
    "summer": ("", "SU"), "winter": ("", "WI"),
}


def _duration_value(count: int | None, unit: str) -> str:
    """TIMEX3 duration for a count of units: P2D, PT5H, P10Y for a decade, PXW when vague."""
    if unit == "fortnight":
        return f"P{2 * count}W" if count is not None else "PXW"
    if unit == "decade":
        return f"P{10 * count}Y" if count is not None else "PXDE"
    if unit == "century":
        return f"P{100 * count}Y" if count is not None else "PXCE"
    time_part, code = _UNIT_CODES[unit]
    return f"P{time_part}{'X' if count is None else count}{code}"


# Right before "one day": a modal, or a hope and its subject ("the hope he one day follows").
_MODAL_BEFORE = re.compile(
    r"\b(?:will|would|could|may|might|can|shall|should|must|(?:hopes?|hoped|hope)\s+(?:that\s+)?(?:he|she|it|they|we|i|you))\s+$", re.I
)

# Half of one unit in the next smaller one: "two and a half hours" PT2H30M, "a year and a half" P1Y6M.
_HALF_UNITS = {"year": "Y6M", "month": "M15D", "day": "DT12H", "night": "DT12H", "hour": "H30M", "minute": "M30S"}


_HALF_BEFORE_UNIT = re.compile(rf"(\w+)\s+and\s+a\s+half[\s-]+(?:\w+\s+)?({pat.UNIT})\b")


def _and_a_half(whole: int, unit: str) -> str:
    if unit not in _HALF_UNITS:
        return _duration_value(whole, unit)
    return f"P{'T' if unit in ('hour', 'minute') else ''}{whole}{_HALF_UNITS[unit]}"


# A quantity right before "a year" / "annually": the time word is the unit of a rate.
_RATE_BEFORE = re.compile(r"(?:\d[\d,.]*(?:\s*(?:%|percent|pct|cents?|million|billion|mln|bln))?(?:\s+[a-z]+)?|up\s+to\s+\S+)\s*$", re.I)


# "six months of base pay", "a year's salary": time as the measure of an amount of money, not a period.
_PAY_AFTER = re.compile(r"(?:['’]s?|\s+of)(?:\s+(?:base|basic|full|gross|net|back))?\s+(?:pay|salary|wages?|rent|income|severance)\b", re.I)
_COUNT_RANGE = re.compile(r"(?:^|\s)(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+to\s+\S+\s+(\w+)$")


def _h_duration(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("duration")
    low = body.lower()
    if re.search(r"\b(?:a|an|one)\s+quarter$", low) and re.match(r"\s+of\b", ctx.text[m.end("duration"):m.end("duration") + 4]):
        return None  # "more than a quarter of the market" is a fraction
    ranged = _COUNT_RANGE.search(low)
    if ranged is not None:
        # "two to three weeks", "the next 12 to 18 months": no single length, so TimeML's unspecified count.
        unit = ranged.group(1)
        name = "century" if unit.startswith("centur") else unit.rstrip("s")
        return Norm("DURATION", _duration_value(None, name), approximate=True) if name in _UNIT_CODES else None
    if low.startswith(("more than a", "less than a")):
        unit = low.split()[-1]
        return Norm("DURATION", _duration_value(None, unit) if unit != "decade" else "PXY", approximate=True)
    if low == "one day" and _MODAL_BEFORE.search(ctx.text, max(0, m.start("duration") - 30), m.start("duration")):
        return Norm("DATE", "FUTURE_REF", None, None, True)  # "Islam will one day be ...": some day to come
    if low.endswith("-long") and low[:-5] in _UNIT_CODES:
        return Norm("DURATION", _duration_value(1, low[:-5]))  # "a day-long meeting" P1D
    if re.search(r"\b(?:first|last|final)\s+two\s+quarters$", low) and re.match(
        r"\s+of\s+(?:\d{4}|this\s+year|last\s+year|next\s+year|the\s+year)", ctx.text[m.end("duration"):m.end("duration") + 16], re.I
    ):
        return None  # "the first two quarters of 1990" is a half year (see timex_forms._h_half)
    half = _HALF_BEFORE_UNIT.search(low)
    if half is not None:
        # "two and a half days": the count before "and a half", the unit after it.
        whole = cal.parse_number(half.group(1))
        unit = "century" if half.group(2) == "centuries" else half.group(2).rstrip("s")
        if whole is None or unit not in _UNIT_CODES:
            return None
        return Norm("DURATION", _and_a_half(whole, unit), approximate=bool(_APPROX_WORDS.search(body)))
    found = pat.NUM_UNIT_RE.search(body)
    parsed = _count_and_unit(body)
    if parsed is None or found is None:
        return None
    count, unit, vague = parsed
    if found.group(1)[0].isdigit() and found.group(2)[0].isupper():
        return None  # "60 Minutes", a title
    if count is not None and count >= 1000 and found.group(1)[0].isdigit():
        return None  # "the 1988 quarter" is a year, not 1988 quarters
    word = " ".join(found.group(1).lower().split())
    if _PAY_AFTER.match(ctx.text, m.end("duration")):
        return None  # "a bonus equal to six months of base pay": an amount measured in time
    if low.endswith("-old") or re.match(r"\s+old\b", ctx.text[m.end("duration"):m.end("duration") + 5]):
        return None  # an age ("a 6-year-old", "52 years old"), not a period of time
    if re.search(r"\w-quarters?$", low):
        return None  # "three-quarters" is a fraction
    if unit == "quarter" and word in ("a", "an", "one"):
        return None  # "a quarter of the country"
    if word in ("a", "an") and unit in ("day", "night", "week", "month", "year", "hour"):
        before = ctx.text[max(0, m.start("duration") - 30):m.start("duration")]
        if re.search(r"(?:times|twice|once)\s*$", before, re.I):
            return Norm("SET", f"P1{_UNIT_CODES[unit][1]}")  # "twice a week": how often
        if _RATE_BEFORE.search(before):
            return None  # "$500 million a year", "700 seats a week": the unit of a rate, not a time
    value: str
    if "1/2" in word:
        value = _and_a_half(int(word.split()[0]), unit)
    elif low.endswith("and a half") and count is not None:
        value = _and_a_half(count, unit)  # "a minute and a half" PT1M30S
    elif re.match(r"\d+\.\d+$", word):
        value = f"P{'T' if unit in ('hour', 'minute', 'second') else ''}{word}{_UNIT_CODES.get(unit, ('', 'Y'))[1]}"
    else:
        value = _duration_value(count, unit)
    return Norm("DURATION", value, approximate=vague or bool(_APPROX_WORDS.search(body)))


def _h_plural_unit(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("plural_unit")
    low = body.lower()
    before = ctx.text[max(0, m.start("plural_unit") - 12):m.start("plural_unit")].lower()
    qualified = re.match(r"(?:recent|coming|past|last|next|previous|several|many|ensuing|following|the)\b", low)
    if re.search(r"\b(?:first|opening|final)\s", low) and not low.startswith("the "):
        return None  # "the first hours of the war": only with its article
    if not qualified and not low.endswith("-long") and not re.search(r"\b(?:for|over|in|within|after)\s+$", before):
        return None
    unit_word = re.search(r"(minutes|hours|days|weeks|months|quarters|years|decades|centuries)", low)
    if unit_word is None:
        return None
    unit = unit_word.group(1)
    if "to come" in low:
        return Norm("DATE", "FUTURE_REF", None, None, True)
    if "recent" in low and ctx.reference is not None:
        # "in recent weeks": some time in the last few of them, up to the reference.
        name = {"centuries": "century"}.get(unit, unit[:-1])
        farthest = _shift_by_unit(ctx.reference, 4, name, replace(ctx, quarter=None), "ago")
        if farthest is not None and farthest.span is not None:
            precision = name if name in _UNIT_PRECISIONS else "day"
            return Norm("DATE", "PAST_REF", (farthest.span[0], ctx.reference), precision, True)
    name = "century" if unit == "centuries" else unit[:-1]
    if name == "decade":
        return Norm("DURATION", "PXDE", approximate=True)
    if name == "century":
        return Norm("DURATION", "PXCE", approximate=True)
    return Norm("DURATION", _duration_value(None, name), approximate=True)


_SET_WORDS = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
              "quarterly": "P3M", "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H"}


_COORDINATED_TOD = re.compile(r"\s+(?:and|or)\s+\w+\s+(morning|afternoon|evening|night)s\b", re.I)


# Adverbs of a habit, in the clause before a plural quarter ("is usually conducted in the fourth quarters").
_HABITUAL = re.compile(r"\b(?:usually|typically|normally|generally|traditionally|customarily|habitually|always|tends?\s+to)\b", re.I)
_SENTENCE_START = re.compile(r".*[.;!?]\s", re.DOTALL)
_QUARTER_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _h_set(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("set")
    low = body.lower()
    if body[0].isupper() and re.match(r"\s+[A-Z]", ctx.text[m.end("set"):m.end("set") + 2]):
        return None  # "The Daily Guardian", "Weekly Standard": a name
    if low in ("daily", "weekly") and re.match(r"\s+[A-Z]", ctx.text[m.end("set"):m.end("set") + 2]):
        return None  # "the Communist Party daily Granma": the noun, a newspaper named after it
    if low in _SET_WORDS:
        before = ctx.text[max(0, m.start("set") - 30):m.start("set")]
        if low in ("annually", "yearly") and _RATE_BEFORE.search(before):
            return None  # "rise 8.5% annually", "10,000 units annually": a rate
        return Norm("SET", _SET_WORDS[low])
    if low.endswith("quarters"):
        # "conducted in the second and fourth quarters": the plural names a quarter of every year
        # only in a clause about a habit; "losses in the third and fourth quarters" are dates.
        sentence = _SENTENCE_START.match(ctx.text, max(0, m.start() - 120), m.start())
        if not _HABITUAL.search(ctx.text, sentence.end() if sentence else max(0, m.start() - 120), m.start()):
            return None
        return Norm("SET", f"XXXX-Q{_QUARTER_ORDINALS[low.split()[0]]}")
    weekday = pat.WEEKDAY_RE.search(low)
    tod = pat.TOD_RE.search(low)
    if weekday and tod is None:
        # "on Monday and Tuesday nights": the plural part of the day makes both weekdays habits.
        tod = _COORDINATED_TOD.match(ctx.text, m.end("set"))
    suffix = TOD_CODES[tod.group(1 if tod.re is _COORDINATED_TOD else 0).lower()] if tod else ""
    if weekday:
        return Norm("SET", f"XXXX-WXX-{cal.weekday_number(weekday.group()) + 1}{suffix}")
    month = pat.MONTH_RE.search(body)
    if month is not None:
        return Norm("SET", f"XXXX-{cal.month_number(month.group()):02d}")  # "each July"
    season = re.search(r"\b(spring|summer|fall|autumn|winter)\b", low)
    if season is not None:
        return Norm("SET", "XXXX-" + cal.SEASONS[season.group(1)])  # "every summer"
    if low.startswith("per ") and not re.search(r"\b(?:day|week|month|year|hour|minute)\b", low):
        return None
    unit = re.search(r"(second|minute|hour|day|night|weekend|week|fortnight|month|quarter|year|decade|century)", low)
    if unit is None:
        return Norm("SET", f"XXXX-XX-XX{suffix}") if suffix else None
    count = 2 if "other" in low else 1
    return Norm("SET", _duration_value(count, unit.group(1)))


def _season_year(reference: date, code: str, direction: str) -> int:
    """Year of the season occurrence: latest started ('past'), 'last' ended, 'next' not started, 'this'."""
    candidates = [reference.year - 2, reference.year - 1, reference.year, reference.year + 1]
    spans = {y: cal.season_span(y, code) for y in candidates}
    if direction == "last":
        return max(y for y in candidates if spans[y][1] < reference)
    if direction == "next":
        return min(y for y in candidates if spans[y][0] > reference)
    if direction == "future":
        return min(y for y in candidates if spans[y][1] >= reference)
    return max(y for y in candidates if spans[y][0] <= reference)


def _h_season(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("season")
    low = body.lower()
    name = re.search(r"spring|summer|fall|autumn|winter", low).group()  # type: ignore[union-attr]
    code = cal.SEASONS[name]
    year = written_year(body)
    has_det = low != name
    after = ctx.text[m.end("season"):m.end("season") + 4].lower()
    before = ctx.text[max(0, m.start("season") - 2):m.start("season")]
    if year is None and after.startswith(" of") and not re.match(r" of\s+\d", ctx.text[m.end("season"):m.end("season") + 6]):
        return None  # "the fall of Kabul"
    if not has_det and year is None and not (m.group("prep") or m.group("mod")):
        return None
    preceding = ctx.text[max(0, m.start("season") - 20):m.start("season")]
    if body[0].isupper() and _CAPITALISED_WORD_BEFORE.search(preceding) and before != ". ":
        return None  # "Arab Spring"
    if year is None:
        if ctx.reference is None:
            return unresolved(f"XXXX-{code}")
        if re.search(r"\blast\b|\bpast\b", low):
            direction = "last"
        elif re.search(r"\bnext\b|\bcoming\b", low):
            direction = "next"
        elif "this" in low:
            # "this summer" is the reference year's, whether it is over or still to come.
            year = ctx.reference.year - (1 if code == "WI" and ctx.reference.month <= 2 else 0)
            return Norm("DATE", f"{year:04d}-{code}", cal.season_span(year, code), "season")
        else:
            direction = "future" if ctx.future else "past"
        year = _season_year(ctx.reference, code, direction)
    return Norm("DATE", f"{year:04d}-{code}", cal.season_span(year, code), "season")


def _h_holiday(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("holiday")
    low = body.lower()
    name = re.sub(r"^(?:last|this|next)\s+", "", low)
    if ctx.reference is None:
        return unresolved(None)
    ref = ctx.reference
    direction = "last" if low.startswith("last") else "next" if low.startswith("next") else ("future" if ctx.future else "past")
    days = {y: cal.holiday_date(name, y) for y in (ref.year - 1, ref.year, ref.year + 1)}
    near = [y for y, d in days.items() if abs((d - ref).days) <= 10]
    if near and direction in ("past", "future"):
        year = near[0]  # Easter week, Christmas: the one happening around the reference date
    elif direction == "last":
        year = max(y for y, d in days.items() if d < ref)
    elif direction == "next":
        year = min(y for y, d in days.items() if d > ref)
    elif direction == "future":
        year = min(y for y, d in days.items() if d >= ref)
    else:
        year = max(y for y, d in days.items() if d <= ref)
    if name.endswith("week"):
        return week_norm(days[year])
    return day_norm(days[year])


def _with_time_of_day(norm: Norm, body: str) -> Norm:
    tod = pat.TOD_RE.search(body)
    if tod is None or norm.value is None:
        return norm
    return replace(norm, type="TIME", value=norm.value + TOD_CODES[tod.group().lower()])


def _h_dayword(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("dayword")
    low = body.lower()
    tod_first = pat.TOD_RE.match(low)
    if tod_first is not None:
        # "afternoon yesterday" is "yesterday afternoon".
        low = low[tod_first.end():].strip() + " " + tod_first.group()
    if ctx.reference is None:
        return unresolved(None)
    ref = ctx.reference
    if "before yesterday" in low:
        day = ref - timedelta(days=2)
    elif "after tomorrow" in low:
        day = ref + timedelta(days=2)
    elif low.startswith(("yesterday", "last night")):
        day = ref - timedelta(days=1)
    elif low.startswith("tomorrow"):
        day = ref + timedelta(days=1)
    else:
        day = ref
    norm = day_norm(day)
    if low.startswith(("tonight", "last night")):
        return replace(norm, type="TIME", value=norm.value + "TNI")  # type: ignore[operator]
    return _with_time_of_day(norm, low)


# "today is", "it is", "it's", "this is" right before "the eighth day (of ...)".
_PRESENT_DAY_BEFORE = re.compile(r"\b(?:today|it|this)(?:\s+is|['’]s)\s+$", re.I)


def _h_nth_day(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "today is the eighth day of Desert Shield", "It's the second day of an offensive": the day the
    sentence is about, in the present tense, is the publication day. Elsewhere ("on the second day of
    the trial", "it was the third day") the day counts from an event's start, which no date gives."""
    if m.group("prep") or m.group("mod") or not _PRESENT_DAY_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start()):
        return None
    if ctx.reference is None:
        return unresolved(None)
    return day_norm(ctx.reference)


def _weekday_direction(det: str | None, ctx: Context) -> str:
    if det in ("last", "past", "previous"):
        return "last"
    if det == "next":
        return "next"
    if det == "coming":
        return "future"
    return "future" if ctx.future else "past"


def _h_relative(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("relative")
    low = " ".join(body.lower().split())
    words = low.split()
    has_the = words[0] == "the"
    if has_the:
        words = words[1:]
    det, unit = words[0], words[-1]
    if det in ("same", "following"):
        return Norm("DATE", None, None, None, False, "refers to another date in the text")
    ref = ctx.reference
    weekday = pat.WEEKDAY_RE.fullmatch(unit)
    month = pat.MONTH_RE.fullmatch(body.split()[-1])
    if ref is None:
        if weekday:
            return unresolved(f"XXXX-WXX-{cal.weekday_number(unit) + 1}")
        if month:
            return unresolved(f"XXXX-{cal.month_number(body.split()[-1]):02d}")
        return unresolved(None)
    back = det in ("last", "past", "previous", "latest")  # "the latest fiscal year": the last complete one
    ahead = det in ("next", "coming", "following")
    if weekday:
        return day_norm(cal.weekday_date(ref, cal.weekday_number(unit), _weekday_direction(det, ctx)))
    if month:
        number = cal.month_number(body.split()[-1])
        if back:
            year = ref.year if number < ref.month else ref.year - 1
        elif ahead:
            year = ref.year if number > ref.month else ref.year + 1
        else:
            year = ref.year
        return month_norm(year, number)
    shift = -1 if back else 1 if ahead else 0
    if unit == "week":
        # "the past week" / "the last week" is the seven days up to the reference (TimeBank practice).
        if has_the and back:
            shift = 0
        return week_norm(ref + timedelta(days=7 * shift))
    if unit == "weekend":
        return weekend_norm(cal.weekend_saturday(ref, "last" if back else "next" if ahead else "this"))
    if unit == "month":
        target = cal.add_months(ref, shift)
        return month_norm(target.year, target.month)
    if unit == "year":
        return year_norm(ref.year + shift)
    if det == "past" and unit in ("decade", "century"):
        # "over the past decade" is the ten years up to now, not the previous calendar decade.
        return Norm("DURATION", "P10Y" if unit == "decade" else "P100Y")
    if unit == "decade":
        start = ref.year // 10 * 10 + 10 * shift
        return Norm("DATE", f"{start // 10:03d}", (date(start, 1, 1), date(start + 9, 12, 31)), "decade")
    if unit == "century":
        number = ref.year // 100 + shift
        return Norm("DATE", f"{number:02d}", (date(max(number * 100, 1), 1, 1), date(number * 100 + 99, 12, 31)), "century")
    return None


def _h_weekday(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("weekday")
    low = body.lower()
    det = low.split()[0] if not pat.WEEKDAY_RE.match(low) else None
    number = cal.weekday_number(pat.WEEKDAY_RE.search(low).group())  # type: ignore[union-attr]
    tod = pat.TOD_RE.search(low)
    if ctx.reference is None:
        # "Friday night" without a reference keeps its part of day: `XXXX-WXX-5TNI`.
        if tod is None:
            return unresolved(f"XXXX-WXX-{number + 1}")
        return unresolved(f"XXXX-WXX-{number + 1}{TOD_CODES[tod.group()]}", "TIME")
    # "Friday night" is that day's night, `…TNI` (TimeML's part-of-day values TMO/TAF/TEV/TNI), a TIME
    # whose span is still the day.
    return _with_time_of_day(day_norm(cal.weekday_date(ctx.reference, number, _weekday_direction(det, ctx))), body)


_ENDED_AFTER = re.compile(r"\s+(?:that\s+)?(?:ended|ending|ends|which\s+ended)\b", re.I)


def _h_bare_unit(m: re.Match[str], ctx: Context) -> Norm | None:
    low = m.group("bare_unit").lower()
    ref = ctx.reference
    if "weekend" in low:
        if not low.startswith("the"):
            return None
        if ref is None:
            return unresolved(None)
        return weekend_norm(cal.weekend_saturday(ref, "future" if ctx.future else "past"))
    is_year_end = "end" in low
    whole_year = low.startswith("the") and low.endswith("year") and not m.group("mod")
    if not (m.group("mod") or is_year_end or whole_year):
        return None
    if whole_year and _ENDED_AFTER.match(ctx.text, m.end("bare_unit")):
        # "the year ended March 31" is the twelve months up to that day, not a calendar year; the
        # closing date is a mention of its own.
        return Norm("DURATION", "P1Y")
    if ref is None:
        return unresolved(None)
    if re.fullmatch(r"year[\s-]end", low) and not m.group("mod"):
        # "since year-end", "by year-end": the closing day of the year, as the books use it; resolved
        # like a month-day, the last Dec. 31 before the reference unless the clause looks ahead.
        return day_norm(date(cal.closest_year(ref, 12, 31, ctx.future), 12, 31))
    if "year" in low:
        norm = year_norm(ref.year)
    elif "month" in low:
        norm = month_norm(ref.year, ref.month)
    elif "week" in low:
        norm = week_norm(ref)
    elif "decade" in low:
        start = ref.year // 10 * 10
        norm = Norm("DATE", f"{start // 10:03d}", (date(start, 1, 1), date(start + 9, 12, 31)), "decade")
    else:
        return None
    if is_year_end:
        return replace(norm, span=cal.part_of_span(norm.span, "late"), approximate=True)  # type: ignore[arg-type]
    return norm


_FUTURE_WORDS = re.compile(r"(?:future|soon|shortly|to come|coming|later date|term)\b")
_PRESENT_WORDS = re.compile(
    r"(?:right )?now|currently|at present|presently|nowadays|these days|at the moment|for the time being"
    r"|the present|current|this moment"
)


_SOON_NOT_BEFORE = re.compile(r"\b(?:as|was|were|had|been)\s+$", re.I)
_SOON_NOT_AFTER = re.compile(
    r"\s+(?:after|before|afterwards?|thereafter|\w+ed|became|began|came|went|made|took|found|left|got|grew|fell"
    r"|rose|saw|was|were|had)\b",
    re.I,
)


def _is_future_soon(text: str, start: int, end: int) -> bool:
    """ "will soon", "expects to soon": FUTURE_REF. Not "as soon as he arrives" (the time of an event),
    "soon after" (relative to an event), nor narrative past ("was soon released", "soon became")."""
    if _SOON_NOT_BEFORE.search(text[max(0, start - 8):start]):
        return False
    return _SOON_NOT_AFTER.match(text, end) is None


def _h_ref(m: re.Match[str], ctx: Context) -> Norm | None:
    low = " ".join(m.group("ref").lower().split())
    ref = ctx.reference
    if low == "a while" or low.endswith(("period", "period of time")):
        return Norm("DURATION", "PXX", approximate=True)  # an unspecified length of time
    if low == "soon" and not _is_future_soon(ctx.text, m.start("ref"), m.end("ref")):
        return None
    if _FUTURE_WORDS.search(low):
        return Norm("DATE", "FUTURE_REF", None, None, True)
    if low == "current" and re.search(r"\bthen[\s-]$", ctx.text[max(0, m.start("ref") - 5):m.start("ref")], re.I):
        return Norm("DATE", "PAST_REF", None, None, True)  # "the then current price": current at that time
    if _PRESENT_WORDS.match(low):
        span = (ref, ref) if ref else None
        return Norm("DATE", "PRESENT_REF", span, "day" if ref else None, True)
    if ("recent" in low or "lately" in low) and ref is not None:
        # "recently": within about the last month (approximate, DESIGN: date_approximate).
        return Norm("DATE", "PAST_REF", (ref - timedelta(days=30), ref), "month", True)
    return Norm("DATE", "PAST_REF", None, None, True)


def apply_modifier(norm: Norm, modifier: str, reference: date | None) -> Norm:
    """early/mid/late narrow the span to a third; earlier/later cut it at the reference."""
    if norm.span is None or norm.type not in ("DATE", "TIME"):
        return replace(norm, approximate=True)
    word = re.match(r"(?:the\s+)?([a-z]+)", modifier.lower())
    key = word.group(1) if word else ""
    start, end = norm.span
    if key == "earlier" and reference is not None:
        return replace(norm, span=(start, max(start, min(end, reference))), approximate=True)
    if key == "later" and reference is not None:
        return replace(norm, span=(min(end, max(start, reference)), end), approximate=True)
    if key in _PART and norm.precision != "day":
        return replace(norm, span=cal.part_of_span(norm.span, _PART[key]), approximate=True)
    return replace(norm, approximate=True)


# Handlers of the relative forms of timex_patterns.PATTERN, by group name.
RELATIVE_HANDLERS: dict[str, Handler] = {
    "ago": _h_ago, "year_ago": _h_year_ago, "period_year_ago": _h_year_ago, "duration": _h_duration, "plural_unit": _h_plural_unit,
    "set": _h_set, "season": _h_season, "holiday": _h_holiday, "dayword": _h_dayword,
    "nth_day": _h_nth_day,
    "anaphor": _h_anaphor, "relative": _h_relative, "weekday": _h_weekday, "bare_unit": _h_bare_unit, "ref": _h_ref,
}
