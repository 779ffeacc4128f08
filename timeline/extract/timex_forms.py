"""Explicit time expressions (dates, ranges, quarters, years, clock times) → TIMEX3 value, day span, precision."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable

from . import timex_calendar as cal
from . import timex_patterns as pat


@dataclass(frozen=True)
class Norm:
    """What a handler makes of one matched expression, before offsets are attached."""

    type: str
    value: str | None
    span: cal.Span | None = None
    precision: str | None = None
    approximate: bool = False
    reason: str | None = None


@dataclass
class Context:
    """What a handler may look at besides its match: the text, the reference, the clause's tense."""

    text: str
    reference: date | None
    future: bool = False
    # The quarter the document is talking about ("third-quarter profit"): WSJ-style
    # "a year ago" and "the latest period" refer to it (TempEval annotation practice).
    quarter: tuple[int, int] | None = None
    # Dated mentions found so far, in text order: what "that year", "the next day", "three days later"
    # and a clock time without a day refer to (TimeML resolves them against the last date mentioned).
    anchors: list[Norm] = field(default_factory=list)
    last_anchor_end: int = 0  # where the last of `anchors` ends in the text
    # The days of quarters named by their closing day ("the second quarter ended Jan. 31"), by
    # (year, number): a fiscal quarter's calendar name would give other months.
    quarter_spans: dict[tuple[int, int], cal.Span] = field(default_factory=dict)

    def named_quarter(self, year: int, number: int) -> Norm:
        """Quarter `number` of `year`, with the days of the one named by its closing day or of the
        same quarter a year later (the year-ago comparison); else the calendar quarter."""
        span = self.quarter_spans.get((year, number))
        if span is None and (year + 1, number) in self.quarter_spans:
            later = self.quarter_spans[(year + 1, number)]
            span = (cal.add_months(later[0], -12), cal.add_months(later[1], -12))
        if span is None:
            return quarter_norm(year, number)
        return Norm("DATE", f"{year:04d}-Q{number}", span, "quarter")

    def anchor(self, finest: str) -> Norm | None:
        """The last dated mention at least as precise as `finest` (day < week < month < ... < year)."""
        limit = PRECISION_RANK[finest]
        for norm in reversed(self.anchors):
            if PRECISION_RANK.get(norm.precision or "", 99) <= limit:
                return norm
        return None


PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "year": 4}
_NO_REFERENCE = "no reference date to resolve a relative expression"
TOD_CODES = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI"}


def day_norm(d: date, approximate: bool = False) -> Norm:
    """One day: `2021-10-26`."""
    return Norm("DATE", cal.day_value(d), (d, d), "day", approximate)


def month_norm(year: int, month: int) -> Norm:
    """One month: `2021-10`."""
    return Norm("DATE", f"{year:04d}-{month:02d}", cal.month_span(year, month), "month")


def year_norm(year: int) -> Norm:
    """One year: `2021`."""
    return Norm("DATE", f"{year:04d}", cal.year_span(year), "year")


def week_norm(d: date) -> Norm:
    """The ISO week holding `d`: `2021-W43`, Monday to Sunday."""
    return Norm("DATE", cal.week_value(d), cal.week_span(d), "week")


def quarter_norm(year: int, quarter: int) -> Norm:
    """One calendar quarter: `2021-Q3`."""
    return Norm("DATE", f"{year:04d}-Q{quarter}", cal.quarter_span(year, quarter), "quarter")


def unresolved(value: str | None, type_: str = "DATE", reason: str = _NO_REFERENCE) -> Norm:
    """A value without a day span (`XXXX-10-26`, or None), and why."""
    return Norm(type_, value, None, None, False, reason)


def weekend_norm(saturday: date) -> Norm:
    """A weekend, Saturday and Sunday: `2021-W43-WE`."""
    return Norm("DATE", cal.week_value(saturday) + "-WE", (saturday, saturday + timedelta(days=1)), "day")


def _with_year(month: int, day: int, year: int | None, ctx: Context) -> date | str | None:
    """A full date, or the `XXXX-MM-DD` value when no year can be found, or None when invalid."""
    if year is None:
        if ctx.reference is None:
            return f"XXXX-{month:02d}-{day:02d}" if cal.is_valid_day(2000, month, day) else None
        year = cal.closest_year(ctx.reference, month, day, ctx.future)
    if not cal.is_valid_day(year, month, day):
        return None
    return date(year, month, day)


def explicit_year(text: str) -> int | None:
    """The four-digit year written in `text`, or None."""
    found = pat.YEAR_RE.search(text)
    return int(found.group()) if found else None


def _year_word(text: str, ctx: Context) -> int | None:
    """"this year" / "last year" / "next year" inside a matched expression, against the reference."""
    low = text.lower()
    for word, shift in (("this year", 0), ("last year", -1), ("next year", 1)):
        if word in low:
            return None if ctx.reference is None else ctx.reference.year + shift
    return None


def _has_year_word(text: str) -> bool:
    low = text.lower()
    return "this year" in low or "last year" in low or "next year" in low


# ---------------------------------------------------------------- handlers (one per form)


def _h_range_days(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group(m.lastgroup or "")
    months = [cal.month_number(x.group()) for x in pat.MONTH_RE.finditer(body)]
    stripped = pat.MONTH_RE.sub(" ", pat.YEAR_RE.sub(" ", body))
    days = [int(x.group(1)) for x in pat.DAY_RE.finditer(stripped)]
    if len(days) != 2 or not months:
        return None
    m1, m2 = months[0], months[-1]
    year = explicit_year(body)
    first = _with_year(m1, days[0], year, ctx)
    if first is None:
        return None
    if isinstance(first, str):
        return unresolved(f"{first}/XXXX-{m2:02d}-{days[1]:02d}")
    end_year = first.year + (1 if m2 < m1 else 0)
    if not cal.is_valid_day(end_year, m2, days[1]):
        return None
    last = date(end_year, m2, days[1])
    if last <= first or (last - first).days > 62:
        return None
    value = f"{cal.day_value(first)}/{cal.day_value(last)}"
    return Norm("DATE", value, (first, last), "day", " or " in body.lower())


def _h_range_month(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("range_month")
    months = [cal.month_number(x.group()) for x in pat.MONTH_RE.finditer(body)]
    years = [int(y) for y in pat.YEAR_RE.findall(body)]
    if len(months) != 2:
        return None
    m1, m2 = months
    if years:
        end_year = years[-1]
        start_year = years[0] if len(years) == 2 else end_year - (1 if m1 > m2 else 0)
    elif ctx.reference is not None:
        end_year = cal.closest_month_year(ctx.reference, m2, ctx.future)
        start_year = end_year - (1 if m1 > m2 else 0)
    else:
        return unresolved(f"XXXX-{m1:02d}/XXXX-{m2:02d}")
    if (start_year, m1) >= (end_year, m2):
        return None
    span = (cal.month_span(start_year, m1)[0], cal.month_span(end_year, m2)[1])
    return Norm("DATE", f"{start_year:04d}-{m1:02d}/{end_year:04d}-{m2:02d}", span, "month")


def _h_range_year(m: re.Match[str], ctx: Context) -> Norm | None:
    years = [int(y) for y in pat.YEAR_RE.findall(m.group("range_year"))]
    if len(years) != 2 or not years[0] < years[1] <= years[0] + 200:
        return None
    span = (cal.year_span(years[0])[0], cal.year_span(years[1])[1])
    return Norm("DATE", f"{years[0]:04d}/{years[1]:04d}", span, "year")


def _h_iso(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("iso")
    y, mo, d = int(body[0:4]), int(body[5:7]), int(body[8:10])
    if not cal.is_valid_day(y, mo, d):
        return None
    day = date(y, mo, d)
    if "T" in body:
        return Norm("TIME", body, (day, day), "day")
    return day_norm(day)


def _h_numeric(m: re.Match[str], ctx: Context) -> Norm | None:
    a, b, y = re.split(r"[/.-]", m.group("numeric"))
    first, second, year = int(a), int(b), int(y)
    if len(y) == 2:
        pivot = (ctx.reference.year % 100 + 1) if ctx.reference else 30
        year += 2000 if year <= pivot else 1900
    if first > 12 and second <= 12:
        day, month = first, second
    elif second > 12 and first <= 12:
        month, day = first, second
    elif first == second and first <= 12:
        day = month = first
    elif first <= 12 and second <= 12:
        # Day and month can both be read either way: keep the mention, say why it has no value.
        return Norm("DATE", None, None, None, False, "ambiguous day/month order")
    else:
        return None
    if not cal.is_valid_day(year, month, day):
        return None
    return day_norm(date(year, month, day))


def _h_month_day(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group(m.lastgroup or "")
    month = cal.month_number(pat.MONTH_RE.search(body).group())  # type: ignore[union-attr]
    stripped = pat.MONTH_RE.sub(" ", pat.YEAR_RE.sub(" ", body))
    days = pat.DAY_RE.findall(stripped)
    if len(days) != 1:
        return None
    year = explicit_year(body) or _year_word(body, ctx)
    if year is None and _has_year_word(body):
        return unresolved(f"XXXX-{month:02d}-{int(days[0]):02d}")
    weekday = pat.WEEKDAY_RE.match(body)
    if year is None and weekday and ctx.reference is not None:
        # "Monday, Oct. 26": the nearest year in which that day is a Monday settles the year.
        wanted = cal.weekday_number(weekday.group())
        fits = [y for y in range(ctx.reference.year - 1, ctx.reference.year + 2)
                if cal.is_valid_day(y, month, int(days[0])) and date(y, month, int(days[0])).weekday() == wanted]
        if fits:
            year = min(fits, key=lambda y: abs((date(y, month, int(days[0])) - ctx.reference).days))  # type: ignore[operator]
    det = body.split(None, 1)[0].lower()
    if det in ("last", "next"):
        # "last Oct. 23" is the latest Oct. 23 before the reference, "next Oct. 23" the first after it.
        ctx = replace(ctx, future=det == "next")
    found = _with_year(month, int(days[0]), year, ctx)
    if found is None:
        return None
    if isinstance(found, str):
        return unresolved(found)
    return day_norm(found)


_WEEK_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3}


def _h_week_of(m: re.Match[str], ctx: Context) -> Norm | None:
    """ "the week of March 6" is that day's ISO week; "the first week of October" is days 1-7."""
    body = m.group("week_of")
    month_word = pat.MONTH_RE.search(body)
    if month_word is None:
        return None
    month = cal.month_number(month_word.group())
    after_month = pat.YEAR_RE.sub(" ", body[month_word.end():])
    days = pat.DAY_RE.findall(after_month)
    year = explicit_year(body)
    if days:
        found = _with_year(month, int(days[0]), year, ctx)
        return week_norm(found) if isinstance(found, date) else None
    if year is None:
        if ctx.reference is None:
            return unresolved(None)
        year = cal.closest_month_year(ctx.reference, month, ctx.future)
    ordinal = re.match(r"(?:the\s+)?(\w+)\s+week", body.lower())
    last = cal.last_day(year, month)
    if ordinal and ordinal.group(1) in ("last", "final"):
        first_day = last - 6
    elif ordinal and ordinal.group(1) in _WEEK_ORDINALS:
        first_day = 1 + 7 * _WEEK_ORDINALS[ordinal.group(1)]
    else:
        return None
    start = date(year, month, first_day)
    end = start + timedelta(days=6)
    return Norm("DATE", cal.week_value(start + timedelta(days=3)), (start, end), "week", True)


def _h_month_year(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("month_year")
    month = cal.month_number(pat.MONTH_RE.search(body).group())  # type: ignore[union-attr]
    year = written_year(body) or _year_word(body, ctx)
    if year is None:
        return unresolved(f"XXXX-{month:02d}")
    return month_norm(year, month)


def _h_month(m: re.Match[str], ctx: Context) -> Norm | None:
    month = cal.month_number(m.group("month"))
    if ctx.reference is None:
        return unresolved(f"XXXX-{month:02d}")
    return month_norm(cal.closest_month_year(ctx.reference, month, ctx.future), month)


def _clock_parts(body: str) -> tuple[int, int] | None:
    found = pat.CLOCK_RE.search(body)
    if found is None:
        return None
    if found.group(6):
        return (0, 0) if found.group(6).lower() == "midnight" else (12, 0)
    if found.group(7):
        # "4 in the morning" is 04:00, "6 in the evening" 18:00.
        hour = int(found.group(7)) % 12
        return (hour + (12 if found.group(8).lower() != "morning" else 0), 0)
    if found.group(3):
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if hour == 0 or hour > 12:
            return None
        pm = found.group(3).lower().startswith("p")
        return (hour % 12 + (12 if pm else 0), minute)
    return int(found.group(4)), int(found.group(5))


_NAMED_DAY = re.compile(r"yesterday|today|tonight|tomorrow", re.I)


def _h_clock(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("clock")
    if body.lower() == "noon" and ctx.text[max(0, m.start("clock") - 5):m.start("clock")].lower() == "high ":
        return None  # "High Noon"
    parts = _clock_parts(body)
    if parts is None:
        return None
    clock = f"T{parts[0]:02d}:{parts[1]:02d}"
    if "midnight" in body.lower() and (pat.WEEKDAY_RE.search(body) or pat.MONTH_RE.search(body)
                                       or _NAMED_DAY.search(body)):
        clock = "T24:00"  # "midnight Friday", "midnight yesterday" end that day, as TimeML writes it
    anchor: date | None = None
    low = body.lower()
    weekday = pat.WEEKDAY_RE.search(body)
    month = pat.MONTH_RE.search(body)
    if month is not None:
        days = pat.DAY_RE.findall(body[month.end():])
        found = _with_year(cal.month_number(month.group()), int(days[0]), None, ctx) if days else None
        anchor = found if isinstance(found, date) else None
    elif ctx.reference is not None:
        if weekday is not None:
            anchor = cal.weekday_date(ctx.reference, cal.weekday_number(weekday.group()), "future" if ctx.future else "past")
        elif "yesterday" in low:
            anchor = ctx.reference - timedelta(days=1)
        elif "tomorrow" in low:
            anchor = ctx.reference + timedelta(days=1)
        elif "today" in low:
            anchor = ctx.reference
    if anchor is None:
        # "at 10 p.m." in a story takes the last day it mentioned (TimeML, HeidelTime); the
        # publication date alone is not enough for a day.
        last_day = ctx.anchor("day")
        if last_day is not None and last_day.span is not None and last_day.span[0] == last_day.span[1]:
            anchor = last_day.span[0]
    if anchor is None:
        # A clock time alone is not a date (issue 3): no day span unless a date is mentioned before it.
        return Norm("TIME", "XXXX-XX-XX" + clock, None, None, False, "clock time without a date")
    return Norm("TIME", cal.day_value(anchor) + clock, (anchor, anchor), "day")


_QUARTER_DETERMINER = re.compile(
    r"\b(?:the|this|last|next|latest|current|year[\s-]ago|year[\s-]earlier|previous|prior|past|same|comparable)\b|\d{4}"
)
# "the quarter ended Sept. 30": the closing day of the quarter named (the day is a mention of its own).
_QUARTER_CLOSING_DAY = re.compile(rf"\s+(?:that\s+)?(?:ended|ending)\s+({pat.MON})\s*(\d{{1,2}})\b(?:,?\s+(1[0-9]{{3}}|20[0-9]{{2}}))?", re.I)
_QUARTER_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "final": 4}


_YEAR_TO_DATE = re.compile(r"\b(?:(?:first\s+)?(?:nine|six)\s+months|first\s+half)\b", re.I)


def _closing_year(closing: re.Match[str], ref: date) -> int:
    """The year of a quarter's closing day: the one written, else the last such day on or before `ref`
    (a day past the month's end, "Sept. 31", counts as its last day)."""
    if closing.group(3):
        return int(closing.group(3))
    month, day = cal.month_number(closing.group(1)), int(closing.group(2))
    return ref.year if date(ref.year, month, min(day, cal.last_day(ref.year, month))) <= ref else ref.year - 1


def _quarter_days(year: int, month: int, day: int) -> cal.Span:
    """The three months of a quarter closing on that day: "ended Feb. 28" is December to February,
    "ended Jan. 24" (a 13-week quarter) Oct. 25 to Jan. 24."""
    closed = date(year, month, min(day, cal.last_day(year, month)))
    if closed.day == cal.last_day(year, month):
        return cal.add_months(closed.replace(day=1), -2), closed
    return cal.add_months(closed, -3) + timedelta(days=1), closed


def _ended_quarter(number: int, closing: re.Match[str], ctx: Context, years_back: int = 0) -> Norm:
    """ "the second quarter ended Jan. 31" read in March 1987: the latest quarter closing on that day
    that had begun by the reference (wire copy writes "the third quarter ended March 31" a week before
    that day), `years_back` years before for a year-ago one. Its value is the name given in the year it
    closed in, as TimeML writes a fiscal quarter ("the fiscal first quarter ended Sept. 30"
    `1989-Q1`); its span is the three months up to that day, which a fiscal quarter's calendar name
    would miss."""
    ref = ctx.reference
    assert ref is not None
    month, day = cal.month_number(closing.group(1)), int(closing.group(2))
    if closing.group(3):
        year = int(closing.group(3))
    else:
        year = next(y for y in (ref.year + 1, ref.year, ref.year - 1) if _quarter_days(y, month, day)[0] <= ref)
    year -= years_back
    days = _quarter_days(year, month, day)
    ctx.quarter_spans.setdefault((year, number), days)
    if ctx.quarter is None and not years_back and days[0] <= ref <= days[1] + timedelta(days=366):
        ctx.quarter = (year, number)  # the report's subject, as for a quarter named alone
    return ctx.named_quarter(year, number)


_APPOSED_QUARTER = re.compile(
    r",\s+(?:the|its)\s+(?:fiscal[\s-]+)?(first|second|third|fourth)[\s-]+(?:fiscal\s+)?quarter", re.I
)
# The head a quarter stands in apposition to: "in the year-ago quarter, its third quarter ...".
_YEAR_AGO_HEAD = re.compile(r"year[\s-](?:ago|earlier)\s+(?:quarter|period),\s*$", re.I)


def apposed_quarter(ctx: Context, end: int) -> Norm | None:
    """The quarter an apposition after a year-ago quarter ending at `end` names by its closing day
    ("in the year-ago quarter, its third quarter ended Nov. 30,"): the same quarter, so its
    value, a year before the one closing on that day now. Else None."""
    apposed = _APPOSED_QUARTER.match(ctx.text, end)
    closing = _QUARTER_CLOSING_DAY.match(ctx.text, apposed.end()) if apposed is not None else None
    if apposed is None or closing is None or ctx.reference is None or "ended" not in closing.group().lower():
        return None
    return _ended_quarter(_QUARTER_ORDINALS[apposed.group(1).lower()], closing, ctx, years_back=1)


def _h_quarter(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("quarter")
    low = body.lower()
    qn = re.search(r"\bq([1-4])\b|\b([1-4])q\b", low)
    number = int(qn.group(1) or qn.group(2)) if qn else None
    for word, n in _QUARTER_ORDINALS.items():
        if re.search(rf"\b{word}\b", low):
            number = n
    year = explicit_year(body) or _year_word(body, ctx)
    ref = ctx.reference
    year_ago = re.search(r"year[\s-](?:ago|earlier)", low) is not None
    if number is not None:
        if year is None:
            if ref is None:
                return unresolved(f"XXXX-Q{number}")
            # Quarters are reported after they start: the latest one with this number that has begun
            # ("expects a fourth-quarter loss" in October is this year's).
            start = cal.quarter_span(ref.year, number)[0]
            year = ref.year if start <= ref else ref.year - 1
            if re.search(r"\bnext\b", low):
                year += 1
            closing = _QUARTER_CLOSING_DAY.match(ctx.text, m.end("quarter"))
            if closing is not None and re.search(r"ended", closing.group(), re.I) and not year_ago:
                # In apposition to a year-ago quarter, it is that one (the same referent).
                years_back = 1 if _YEAR_AGO_HEAD.search(ctx.text, max(0, m.start() - 40), m.start()) else 0
                return _ended_quarter(number, closing, ctx, years_back)
        if year_ago:
            return quarter_norm(year - 1, number)
        begun = cal.quarter_span(year, number)[0]
        if ctx.quarter is None and (ref is None or begun <= ref <= begun + timedelta(days=366)):
            # The first quarter a report names, if it began within the year before the reference, is
            # the one it is about (the lede); later ones are comparisons. A forecast ("losses through
            # the third quarter of 1990") or a quarter long past is not the report's subject.
            ctx.quarter = (year, number)
        return quarter_norm(year, number)
    if re.match(r"(?:that|the\s+same)\s+quarter$", low):
        # "results for that quarter": the quarter of the last date mentioned (anaphoric).
        # A quarter named before wins over a day inside another one ("the second quarter ended Oct. 31").
        anchor = next((a for a in reversed(ctx.anchors) if a.precision == "quarter"), None) or ctx.anchor("quarter")
        if anchor is None or anchor.span is None:
            return None
        if anchor.precision == "quarter" and anchor.value and "-Q" in anchor.value:
            return replace(anchor, approximate=False)  # that quarter, fiscal name and span as named
        return quarter_norm(anchor.span[0].year, cal.quarter_of(anchor.span[0]))
    if not _QUARTER_DETERMINER.search(low):
        return None  # "a quarter of the vote" is a fraction
    closing = _QUARTER_CLOSING_DAY.match(ctx.text, m.end("quarter"))
    if closing is not None and year is None and ref is not None and not year_ago:
        month, day = cal.month_number(closing.group(1)), int(closing.group(2))
        end_year = _closing_year(closing, ref)
        if day == cal.last_day(2001, month) and month % 3 == 0:
            # "the quarter ended Sept. 30" is the calendar quarter closing that day, whatever the
            # fiscal name given before it ("the fiscal first quarter"): it becomes the quarter in focus.
            ctx.quarter = (end_year, month // 3)
            return quarter_norm(end_year, month // 3)
        if day >= 25 and month % 3:
            # "the quarter ended July 31" (May to July): the calendar quarter holding two of its three
            # months, the one of its middle month.
            middle_year, middle = (end_year, month - 1) if month > 1 else (end_year - 1, 12)
            ctx.quarter = (middle_year, (middle - 1) // 3 + 1)
            return quarter_norm(*ctx.quarter)
    if year is not None and (ctx.quarter or ctx.reference):
        sentence_start = max(ctx.text.rfind(". ", 0, m.start()), ctx.text.rfind("\n", 0, m.start())) + 1
        if "period" in low and _YEAR_TO_DATE.search(ctx.text, sentence_start, m.start()):
            # "In the first nine months, net was $306 million, compared with $195 million in the 1988
            # period": year-to-date figures, whose closest value is the year (as for "a year earlier").
            return year_norm(year)
        # "the 1988 period": the quarter under discussion, in the year named.
        number = (ctx.quarter or (0, cal.quarter_of(ctx.reference)))[1]  # type: ignore[arg-type]
        return ctx.named_quarter(year, number)
    if ref is None:
        return unresolved(None)
    current = (ref.year, cal.quarter_of(ref))
    focus = ctx.quarter or cal.shift_quarter(*current, -1)
    if year_ago:
        return apposed_quarter(ctx, m.end("quarter")) or ctx.named_quarter(*cal.shift_quarter(*focus, -4))
    if re.search(r"\bnext\b", low):
        return quarter_norm(*cal.shift_quarter(*current, 1))
    if re.search(r"\b(?:last|latest|previous|prior|past)\b", low):
        return quarter_norm(*cal.shift_quarter(*current, -1))  # the latest one reported: just ended
    if re.search(r"\bcurrent\b", low):
        return quarter_norm(*current)
    return quarter_norm(*focus)


_OF_A_DECADE = re.compile(r"\s+of\s+the\s+(?:\d{2,4}|['’]\d0|(?:early|late|mid)[\s-]|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|decade|century)", re.I)


def _h_half(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("half")
    if _OF_A_DECADE.match(ctx.text, m.end("half")):
        return None  # "the last half of the '80s": a part of the decade, which is the mention

    year = explicit_year(body) or _year_word(body, ctx)
    if year is None:
        if ctx.reference is None:
            return None
        year = ctx.reference.year
    half = 1 if re.search(r"first|1st", body, re.I) else 2  # "second", "latter", "last" half or two quarters
    start = date(year, 1 if half == 1 else 7, 1)
    end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return Norm("DATE", f"{year:04d}-H{half}", (start, end), "year")


def _h_decade(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("decade")
    word = re.search(r"(twent|thirt|fort|fift|sixt|sevent|eight|ninet)ies", body, re.I)
    digits = re.search(r"(\d+)0['’]?s", body)
    if word:
        lead = str(["twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"].index(word.group(1).lower()) + 2)
    elif digits is None:
        return None
    else:
        lead = digits.group(1)
    if len(lead) == 1:
        # "the '90s": the latest such decade that has begun by (or is about to begin after) the reference.
        # Without a reference the 20th-century reading ("the '90s" = 1990s) is the likely one.
        base = ctx.reference.year if ctx.reference else 2019
        century = base // 100 * 100
        start = century + int(lead) * 10
        if start > base + 10:
            start -= 100
    else:
        start = int(lead) * 10
    norm = Norm("DATE", f"{start // 10:03d}", (date(start, 1, 1), date(start + 9, 12, 31)), "decade")
    part = re.search(r"\b(early|mid|late)\b", body, re.I)
    if part:
        norm = replace(norm, span=cal.part_of_span(norm.span, part.group(1).lower()), approximate=True)  # type: ignore[arg-type]
    return norm


_ORDINAL_NUMBER = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


def _h_century(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("century").lower()
    found = _ORDINAL_NUMBER.search(body)
    if found:
        number = int(found.group(1))
    else:
        word = re.search(r"([a-z]+(?:-first)?)[\s-]+century", body)
        number = cal.ORDINAL_WORDS.get(word.group(1), 0) if word else 0
    if not 1 <= number <= 21:
        return None
    first_year = (number - 1) * 100
    return Norm("DATE", f"{number - 1:02d}", (date(max(first_year, 1), 1, 1), date(first_year + 99, 12, 31)), "century")


def spoken_year(text: str) -> int | None:
    """The year of "nineteen ninety-six", "the year two thousand", or None."""
    words = re.sub(r"^the\s+year\s+|\band\b", " ", text.lower()).replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        rest = cal.parse_number(" ".join(words[2:])) if words[2:] else 0
        return None if rest is None else 2000 + rest
    if not words:
        return None
    century = cal.parse_number(words[0])
    rest = cal.parse_number(" ".join(w for w in words[1:] if w != "hundred"))
    if century is None or rest is None:
        return None
    return century * 100 + rest


_YEAR_WORDS_RE = re.compile(pat.YEAR_WORDS, re.I)


def written_year(text: str) -> int | None:
    """The year written in `text` in digits ("1997") or words ("nineteen ninety-seven"), or None."""
    found = explicit_year(text)
    if found is not None:
        return found
    words = _YEAR_WORDS_RE.search(text)
    return spoken_year(words.group()) if words else None


def _h_year_words(m: re.Match[str], ctx: Context) -> Norm | None:
    year = spoken_year(m.group("year_words"))
    return None if year is None else year_norm(year)


def _h_fiscal_year(m: re.Match[str], ctx: Context) -> Norm | None:
    digits = re.search(r"(\d{4}|\d{2})\b", m.group("fiscal_year"))
    if digits is None:
        return None
    year = int(digits.group(1))
    if year < 100:
        year += 2000 if year <= 50 else 1900
    return year_norm(year)


# Words after which a lone month name is a month ("since May", "in early March", "each June").
_MONTH_CUE_BEFORE = re.compile(
    r"\b(?:since|until|till|by|from|through|before|after|of|to|and|or|last|this|next|early|late|mid|end|that"
    r"|each|every|in|on|during)\s+$"
)


def _h_month_alone(m: re.Match[str], ctx: Context) -> Norm | None:
    word = m.group("month")
    start = m.start("month")
    before = ctx.text[max(0, start - 24):start].lower()
    context_ok = bool(m.group("prep") or m.group("mod") or _MONTH_CUE_BEFORE.search(before))
    following = ctx.text[m.end("month"):m.end("month") + 20]
    if word.rstrip(".").lower() in ("may", "march") and not context_ok:
        # The modal "may", the verb "march" -- unless an article makes it a noun modifier of another
        # noun: "the March accession", "the May elections" (not "the march on Washington").
        noun_use = word[0].isupper() and re.search(r"\bthe\s+$", before) and re.match(
            r"\s+(?!(?:for|on|to|of|in|against|through|from|and|by|at|with)\b)[a-z]{3,}", following
        )
        if not noun_use:
            return None
    if not word.endswith(".") and len(word) <= 4 and word.lower() not in ("may", "june", "july"):
        return None  # a bare abbreviation without its full stop ("Jan Kavan") is a name
    if re.match(r"\s+[A-Z][a-z]", following) and not context_ok:
        return None  # "April Glaspie", "June Carter"
    listed = _LIST_YEAR_AFTER.match(ctx.text, m.end("month"))
    if listed is not None:
        # "in April, August and December last year", "the April (1986) highs": the year written after
        # a list of months, or in brackets after one, is each month's; a split year after two months
        # ("the April/February period of 1986/87") gives the first month its first year, and so does
        # the year after a day in words ("the split on April one, 1986").
        written = listed.group("year") or listed.group("year2") or listed.group("year3") or listed.group("year4")
        year = int(written) if written else _year_word(listed.group(), ctx)
        month = cal.month_number(word)
        return unresolved(f"XXXX-{month:02d}") if year is None else month_norm(year, month)
    return _h_month(m, ctx)


# A day of the month in words, as wire copy writes it ("April one, 1986").
_DAY_WORDS = (
    r"(?i:(?:twenty|thirty)[\s-](?:one|two|three|four|five|six|seven|eight|nine)|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty)"
)
# After a month: more months in a list, then the year they share ("April, August and December last
# year"), or a year in brackets ("April (1986)").
_LIST_YEAR_AFTER = re.compile(
    rf"(?:(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+){pat.MON})+\s*,?\s+(?:of\s+)?(?:(?P<year>(?:1[0-9]{{3}}|20[0-9]{{2}}))(?![\d/])|(?:this|last|next)\s+year\b)"
    rf"|\s*\(\s*(?P<year2>1[0-9]{{3}}|20[0-9]{{2}})\s*\)"
    rf"|/{pat.MON}(?:\s+period)?\s+(?:of\s+)?(?P<year3>1[0-9]{{3}}|20[0-9]{{2}})/\d\d\b"
    rf"|\s+{_DAY_WORDS},?\s+(?P<year4>1[0-9]{{3}}|20[0-9]{{2}})(?![\d/])"
)


# Words after which a four-digit number reads as a year ("since 1999", "between 2001").
_YEAR_CUE_BEFORE = re.compile(
    r"\b(?:since|until|till|by|from|through|before|after|of|between|and|to|early|late|mid|year|fiscal|summer"
    r"|spring|winter|autumn|fall|in)\s+$",
    re.I,
)


def _h_year(m: re.Match[str], ctx: Context) -> Norm | None:
    body = m.group("year")
    year = int(pat.YEAR_RE.search(body).group())  # type: ignore[union-attr]
    start = m.start("year")
    before = ctx.text[max(0, start - 16):start]
    after = ctx.text[m.end("year"):m.end("year") + 40]
    in_parens = body.startswith("(")
    if pat.NOT_YEAR_BEFORE.search(before) or pat.NOT_YEAR_AFTER.match(after):
        return None
    if not in_parens and pat.NUMBER_BEFORE.search(before):
        return None
    # "post-1959 politics": TimeML's value is the year, the prefix a modifier (mod="AFTER").
    cued = bool(m.group("prep") or m.group("mod") or in_parens or body[0] in "pP" or _YEAR_CUE_BEFORE.search(before))
    lowest = 1000 if cued else 1600
    if not lowest <= year <= 2099:
        return None
    if ctx.reference is not None and not cued and year > ctx.reference.year + 30:
        return None  # a far-future bare number is more likely a count than a year
    return year_norm(year)


Handler = Callable[[re.Match[str], Context], "Norm | None"]

# Handlers of the explicit forms of timex_patterns.PATTERN, by group name.
EXPLICIT_HANDLERS: dict[str, Handler] = {
    "range_md": _h_range_days, "range_dm": _h_range_days, "range_month": _h_range_month,
    "range_year": _h_range_year, "iso": _h_iso, "numeric": _h_numeric, "mdy": _h_month_day,
    "dmy": _h_month_day, "month_year": _h_month_year, "week_of": _h_week_of, "clock": _h_clock, "quarter": _h_quarter,
    "half": _h_half, "decade": _h_decade, "century": _h_century, "year_words": _h_year_words,
    "fiscal_year": _h_fiscal_year, "month": _h_month_alone, "year": _h_year,
}
