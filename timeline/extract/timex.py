"""Time expressions → TIMEX value, span, precision (the only module that imports dateparser)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from string import ascii_lowercase
from typing import Callable, Iterator

from timeline.records import TimeMention

from . import timex_calendar as cal
from . import timex_patterns as pat
from .sentences import unwrap_lines
from .timex_forms import EXPLICIT_HANDLERS, Context, Norm, day_norm, month_norm, unresolved, week_norm, year_norm
from .timex_relative import RELATIVE_HANDLERS, apply_modifier

__all__ = ["find_time_mentions"]

# Forms whose value depends on more than the matched text, the reference and the future flag
# (document quarter in focus, words around the match).
_UNCACHED = frozenset({"nth_day", "anaphor", "bare_unit", "half", "ref", "quarter", "ago", "year_ago", "period_year_ago", "duration", "plural_unit", "season", "month", "year", "set", "clock"})
_CACHE: dict[tuple[str, str, date | None, bool | None], Norm | None] = {}
_CACHE_LIMIT = 100_000
_EXPLICIT_FORMS = frozenset({"range_year", "iso", "numeric", "decade", "century", "fiscal_year", "year", "year_words"})
_ARTICLE_BEFORE_HYPHEN = re.compile(r"(?:(?:on|in|during)\s+)?(?:a|an|the)\s+(?=[\w-]+-\w+$)", re.I)
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|his|her|their|our|this|that)\s+$")
_QUALIFIED_DATE_GAP = re.compile(r"\s*(?:as\s+)?", re.I)
_GAP_BEFORE_CLOCK = re.compile(r"[\s,.;]*(?:at\s+)?", re.I)


@lru_cache(maxsize=4096)
def _parse_with_dateparser(expression: str, reference: date, future: bool) -> Norm:
    """The long tail: dateparser, called only for the few phrases the scanner routes here."""
    import dateparser.date  # Imported here: it is slow to load and rarely needed.

    settings = {
        "RELATIVE_BASE": datetime(reference.year, reference.month, reference.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_TIME_AS_PERIOD": True,
    }
    try:
        data = dateparser.date.DateDataParser(languages=["en"], settings=settings).get_date_data(expression)
    except Exception as exc:  # noqa: BLE001 - an unparseable date is data, not an error (STYLE.md)
        return Norm("DATE", None, None, None, False, f"dateparser failed: {type(exc).__name__}")
    if data is None or data.date_obj is None:
        return Norm("DATE", None, None, None, False, "not understood")
    found = data.date_obj.date()
    period = data.period  # day, week, month, year, or time (a day with a clock time)
    if period == "week":
        return week_norm(found)
    if period == "month":
        return month_norm(found.year, found.month)
    if period == "year":
        return year_norm(found.year)
    return day_norm(found)


def _h_tail(m: re.Match[str], ctx: Context) -> Norm | None:
    if ctx.reference is None:
        return unresolved(None)
    text = " ".join(m.group("tail").split())
    text = re.sub(r"\bfortnight\b", "2 weeks", text, flags=re.I)
    return _parse_with_dateparser(text.lower(), ctx.reference, ctx.future)


_HANDLERS = {**EXPLICIT_HANDLERS, **RELATIVE_HANDLERS, "tail": _h_tail}


# Forms naming a month without a year: they also read the weak future cues.
_MONTH_FORMS = frozenset({"mdy", "dmy", "range_md", "range_dm", "range_month", "month", "week_of"})
# Forms naming a weekday read them too, unless possessive (see timex_patterns.WEAK_FUTURE_CUE).
_WEEKDAY_FORMS = frozenset({"weekday", "relative", "clock"})


def _after_directive(text: str, low: str, start: int) -> bool:
    """Whether the date completes a directive or an extension in its sentence ("invited ... to a
    ceremony on March 12", "extended the loans through January")."""
    if pat.EXTENDED_UNTIL.search(low, max(0, start - 120), start):
        return True
    if _DETERMINER_BEFORE.search(low, max(0, start - 8), start):
        return False  # "urged the court to overturn the Feb. 10 ruling": a date naming a thing already there
    sentence = pat.SENTENCE_BREAK.match(text, max(0, start - 200), start)
    sentence_start = sentence.end() if sentence else max(0, start - 200)
    directive = None
    for directive in pat.DIRECTIVE_CUE.finditer(low, sentence_start, start):
        pass
    if directive is None:
        return False
    # The date belongs to the event asked for only if nothing between the "to" and it starts a clause
    # of its own, and no past verb follows the directive ("asked the court to overturn a ruling issued
    # on March 3", "told reporters he went to Paris on March 3").
    return (pat.LAST_CLAUSE_BREAK.match(text, directive.end(), start) is None
            and pat.PAST_VERB.search(low, directive.end("verb"), start) is None)


def _is_future_clause(text: str, low: str, start: int, end: int, form: str) -> bool:
    """Whether the clause around `start`..`end` speaks of the future ("will meet", "by", "the deadline").

    `low` is `text` lower-cased once per call of find_time_mentions: the cue patterns are
    case-sensitive on it, which halves their cost (issue 3: speed).
    """
    month_form = form in _MONTH_FORMS
    if month_form and pat.DEADLINE_AFTER.match(text, end):
        return True
    comma = text.find(",", end, end + 3)
    fronted = comma >= 0 and not text[end:comma].strip() and pat.SENTENCE_HEAD.match(text, max(0, start - 12), start)
    if fronted or (pat.SUBJECT_HEAD.match(text, max(0, start - 9), start) and not pat.MEASURED_AFTER.match(text, end)):
        # "On Tuesday, the league plans to ...", "Until Thursday, they had not ...": a date heading its
        # sentence, set off by a comma, belongs to the clause after it; its tense decides. So does a
        # date in the subject the sentence opens with ("The March accession will enable ...").
        after = comma + 1 if fronted else end
        clause = text[after:after + 80]
        head = pat.LAST_CLAUSE_BREAK_AHEAD.search(clause)
        clause = clause[:head.start()] if head else clause
        cue = pat.FRONTED_FUTURE_CUE.search(clause)
        # The cue must be the clause's own verb: "the government planned to pay", "it announced plans
        # to" are past clauses.
        return cue is not None and pat.PAST_VERB.search(clause, 0, cue.start()) is None
    if pat.PERIOD_ENDED_BEFORE.search(low, max(0, start - 24), start):
        return False
    past_plan = pat.PAST_PLAN.search(low, max(0, start - 50), start)
    if past_plan:
        # A past plan for a month-day ("had been set to expire Nov. 6") names a date that may have
        # come or not: read forward, with the two weeks' slack for a date just past. A weekday has no
        # slack: "had been due to expire Friday" stays the last Friday.
        return month_form and pat.PAST_PLAN_DATE.match(low, past_plan.start(), start) is not None
    if pat.DEADLINE_CUE.search(low, max(0, start - 40), start):
        return True
    if ((month_form or form in _WEEKDAY_FORMS) and not text.startswith(("'s", "’s"), end)
            and pat.SCHEDULED_PRESENT.search(low, max(0, start - 40), start)):
        return True
    if month_form and _after_directive(text, low, start):
        return True
    last_break = pat.LAST_CLAUSE_BREAK.match(text, max(0, start - 80), start)
    clause_start = last_break.end() if last_break else max(0, start - 80)
    if last_break and text[clause_start - 1] == "," and pat.ADJUNCT_AFTER_COMMA.fullmatch(text, clause_start, start):
        # "extend its bid, due to expire last Thursday, to Nov. 6": a date set off by a comma
        # completes the clause before the comma.
        earlier = pat.LAST_CLAUSE_BREAK.match(text, max(0, start - 80), clause_start - 1)
        if earlier and text[earlier.end() - 1] == ",":
            # ... and the clause goes on across a parenthetical ("its bid, first set for last week,").
            earlier = pat.LAST_CLAUSE_BREAK.match(text, max(0, start - 80), earlier.end() - 1)
        clause_start = earlier.end() if earlier else max(0, start - 80)
    elif last_break and text[clause_start - 1] == "," and pat.ABSOLUTE_PHRASE.fullmatch(low, clause_start, start):
        # "would leave on Mondays from March 30, with the third departing each Thursday from August 6":
        # a "with ... -ing" phrase has no tense of its own; the clause before the comma lends it one.
        earlier = pat.LAST_CLAUSE_BREAK.match(text, max(0, clause_start - 100), clause_start - 1)
        clause_start = earlier.end() if earlier else max(0, clause_start - 100)
    if pat.FUTURE_CUE.search(low, clause_start, start) is not None:
        return True
    if not month_form and (form not in _WEEKDAY_FORMS or text.startswith(("'s", "’s"), end)):
        return False
    if pat.PRESENT_IN_TIME_CLAUSE.match(low, max(0, clause_start - 6), start):
        return True  # "would lose when the case is heard in May": the present of a time clause is future
    # The cues are matched on the lower-cased text, where the month "May" reads as the modal ("The May
    # rate surpassed the record set in January"): a cue written "May" is the month.
    return any(text[cue.start()] != "M" for cue in pat.WEAK_FUTURE_CUE.finditer(low, clause_start, start))


# Forms whose words are ordinary lower-case English ("this week", "today"): capitalised in mid-sentence
# they are a name ("ABC's "This Week"", "VOA Today").
_TITLE_FORMS = frozenset({"dayword", "relative"})
_OPENERS = "\"'“‘`("


def _is_title(text: str, start: int, body: str) -> bool:
    """Whether a capitalised "This Week" / "Today" names a programme or a paper, not a time.

    Two shapes only, so that title-case headlines ("Talks Resume Today") keep their dates: a quoted
    title in mid-sentence (ABC's "This Week"), and a word after an acronym ("USA Today").
    """
    words = body.split()
    if not all(word[0].isupper() for word in words):
        return False
    before = text[max(0, start - 40):start]
    if len(words) > 1:
        quoted = before.rstrip(" ")
        if not quoted or quoted[-1] not in _OPENERS:
            return False
        outside = quoted[:-1].rstrip()
        return bool(outside) and outside[-1] not in ".!?:;\n"
    return re.search(r"\b[A-Z]{2,}\s$", before) is not None


class _ClauseContext(Context):
    """A Context that reads the clause's tense (_is_future_clause) only when something asks for it.

    Most handlers never look at it ("the past 18 months", "1987", a rejected "a quarter of"), and the
    clause cues cost about a fifth of the time layer (issue 6: speed). `future_read` tells whether
    the tense was asked for since the last `defer_future`.
    """

    _future = False
    _clause: Callable[[], bool] | None = None
    future_read = False

    @property  # type: ignore[override]
    def future(self) -> bool:
        if self._clause is not None:
            self._future, self._clause = self._clause(), None
        self.future_read = True
        return self._future

    @future.setter
    def future(self, value: bool) -> None:
        self._future, self._clause = value, None

    def defer_future(self, clause: Callable[[], bool]) -> None:
        """Let `clause()` give the tense of the next match, if anything reads it."""
        self._clause, self.future_read = clause, False


# Marks a cache entry (form, expression, reference, None) whose handler read the clause's tense: its
# results are cached under the tense instead.
_READS_FUTURE = Norm("DATE", None)
_UNSEEN = Norm("DATE", None)  # what _CACHE.get answers for a key it does not hold


def _normalise(form: str, m: re.Match[str], ctx: _ClauseContext) -> Norm | None:
    """Run the form's handler, once per (expression, reference, future) for context-free forms.

    A handler that did not read the tense for an expression never does for it (its path up to that
    read depends on the expression and the reference alone): its result is cached under `None`,
    without computing the tense.
    """
    handler = _HANDLERS[form]
    if form in _UNCACHED:
        return handler(m, ctx)
    expression = m.group().lower()
    untensed = (form, expression, ctx.reference, None)
    found = _CACHE.get(untensed, _UNSEEN)
    if found is _UNSEEN:
        norm = handler(m, ctx)
        if ctx.future_read:
            _remember(untensed, _READS_FUTURE)
            _remember((form, expression, ctx.reference, ctx.future), norm)
        else:
            _remember(untensed, norm)
        return norm
    if found is not _READS_FUTURE:
        return found
    tensed = (form, expression, ctx.reference, ctx.future)
    found = _CACHE.get(tensed, _UNSEEN)
    if found is _UNSEEN:
        found = handler(m, ctx)
        _remember(tensed, found)
    return found


def _remember(key: tuple[str, str, date | None, bool | None], norm: Norm | None) -> None:
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = norm


_GAP = " \t\n'’-"


def _lead_word_starts(low: str, here: int, floor: int) -> list[int]:
    """Starts of the run of lead words ("on", "the", "last", "two", ...) right before `here`."""
    starts: list[int] = []
    window_start = max(floor, here - 70)
    end = here
    for _ in range(6):
        segment = low[window_start:end]
        stripped = segment.rstrip(_GAP)
        if not 1 <= len(segment) - len(stripped) <= 3:
            break
        before_word = stripped.rstrip(ascii_lowercase)
        word = stripped[len(before_word):]
        if word not in pat.LEAD_WORDS or (before_word and before_word[-1].isdigit()):
            break
        end = window_start + len(before_word)
        if word not in pat.INNER_LEAD_WORDS:
            starts.append(end)
    starts.reverse()
    return starts


def _scan(text: str, low: str, normalise: Callable[[re.Match[str]], Norm | None]) -> Iterator[tuple[re.Match[str], Norm]]:
    """Matches of the scanner pattern that `normalise` accepts, tried only around trigger words.

    Running the big alternation at every character costs ~1 µs per character; anchoring it on the
    few trigger tokens (months, units, digits, ...) and on the lead words just before them ("at least
    the past 18 months") keeps the common path at a few µs per expression (issue 3: speed). `low` is
    `text.lower()`, made once by the caller.
    """
    match = pat.PATTERN.match
    digit_skip = pat.DIGIT_SKIP.match
    done = 0  # end of the last accepted match: nothing may overlap it
    for trigger in pat.TRIGGER_RE.finditer(low):
        here = trigger.start()
        if here < done or (low[here].isdigit() and digit_skip(low, here)):
            continue
        starts = _lead_word_starts(low, here, done) if here and low[here - 1] in _GAP else []
        if here > done and text[here - 1] in "('’":
            starts.append(here - 1)  # "(2021)", "the '90s"
        starts.append(here)
        for start in starts:
            m = match(text, start)
            if m is None or m.end() <= here:
                continue
            norm = normalise(m)
            if norm is not None:
                # A rejected match ("a quarter of the vote") leaves the later starts and triggers free.
                yield m, norm
                done = m.end()
                break


def _anchor_clock(mentions: list[TimeMention], text: str) -> None:
    """A clock time right after a dated day ("10th Aug, 2021. 02:16 pm") takes that day."""
    for i in range(1, len(mentions)):
        mention, before = mentions[i], mentions[i - 1]
        value = mention.value or ""
        if not value.startswith("XXXX-XX-XXT") or before.date_start is None or before.date_start != before.date_end:
            continue
        if not _GAP_BEFORE_CLOCK.fullmatch(text[before.end:mention.start]):
            continue
        day = before.date_start
        mentions[i] = replace(
            mention, value=cal.day_value(day) + value[10:], date_start=day, date_end=day,
            precision="day", reason=None, reference=before.reference,
        )


_DAY_BEFORE_AFTER = re.compile(r"\b(?:the\s+)?day\s+(before|after)\s+$", re.I)
_DAY_BEFORE_AFTER_REACH = 20  # characters before a mention that _DAY_BEFORE_AFTER reads


def _day_before_after(mentions: list[TimeMention], text: str) -> None:
    """ "the day before last Tuesday's hearing" is one expression: the day before that Tuesday."""
    for i, mention in enumerate(mentions):
        if mention.date_start is None or mention.date_start != mention.date_end or mention.type != "DATE":
            continue
        found = _DAY_BEFORE_AFTER.search(text, max(0, mention.start - _DAY_BEFORE_AFTER_REACH), mention.start)
        if found is None or (i and mentions[i - 1].end > found.start()):
            continue
        day = mention.date_start + timedelta(days=-1 if found.group(1).lower() == "before" else 1)
        mentions[i] = replace(
            mention, start=found.start(), text=text[found.start():mention.end], value=cal.day_value(day),
            date_start=day, date_end=day,
        )


_ORDINAL_AND_BEFORE = re.compile(r"\b(first|second|third|fourth)\s+(?:and|or)\s+(?:the\s+)?$", re.I)
_QUARTER_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _coordinated_quarters(mentions: list[TimeMention], text: str) -> None:
    """ "usually conducted in the second and fourth quarters": the ordinal coordinated with a plural
    quarter of every year (a SET) names another one, as "Monday" in "on Monday and Tuesday nights"."""
    for i in range(len(mentions) - 1, -1, -1):
        mention = mentions[i]
        if mention.type != "SET" or not mention.text.lower().endswith("quarters"):
            continue
        found = _ORDINAL_AND_BEFORE.search(text, max(0, mention.start - 20), mention.start)
        if found is None or (i and mentions[i - 1].end > found.start()):
            continue
        word = found.group(1)
        mentions.insert(i, TimeMention(
            start=found.start(1), end=found.end(1), text=text[found.start(1):found.end(1)], type="SET",
            value=f"XXXX-Q{_QUARTER_NUMBERS[word.lower()]}",
        ))


def _extent(form: str, m: re.Match[str], norm: Norm, text: str) -> tuple[int, int]:
    """Character span of the mention: the preposition belongs to dates, not to durations or sets."""
    start, end = m.span()
    if m.group("prep") and norm.type in ("DURATION", "SET"):
        start = m.start("mod") if m.group("mod") else m.start(form)
    if form in ("duration", "quarter"):
        # TimeML leaves the article out of an adjectival "a two-day meeting", "a third-quarter loss".
        article = _ARTICLE_BEFORE_HYPHEN.match(text, start, end)
        if article:
            start = article.end()
    if form == "year":
        # "(2021)" after a resolution number: the mention is the year inside the brackets.
        inner = m.group(form)
        if not m.group("prep") and not m.group("mod"):
            start = m.start(form) + len(inner) - len(inner.lstrip("( "))
        end = m.end(form) - (len(inner) - len(inner.rstrip(") ")))
    return start, end


def _is_relative(form: str, m: re.Match[str]) -> bool:
    """Whether the reference date took part in the value (a missing year, "last week", ...)."""
    if form in _EXPLICIT_FORMS:
        return False
    if form in ("range_md", "range_dm", "mdy", "dmy", "month_year", "range_month", "quarter", "half", "week_of"):
        return pat.YEAR_RE.search(m.group(form)) is None
    return True


def find_time_mentions(text: str, reference: date | None, until: int | None = None) -> list[TimeMention]:
    """Every time expression in `text`, normalised against `reference` (publication date or None).

    Returns the mentions sorted by start offset; an empty list when there are none. Never raises on
    any string: what cannot be normalised is kept with `value=None` and a `reason`. With `until`,
    the mentions that start before it are the same as without, and some later ones are left out.
    """
    mentions: list[TimeMention] = []
    # Wire copy is broken at a fixed width: a line break inside a sentence is a space to the clause
    # cues ("will\nsell its stake on July 6" is ahead). Same length, so offsets hold; each mention's
    # text is taken from the text as given.
    written = text
    text = unwrap_lines(text)
    ctx = _ClauseContext(text, reference)
    low = text.lower()

    def normalise(m: re.Match[str]) -> Norm | None:
        if m.lastgroup in _TITLE_FORMS and _is_title(text, m.start(), m.group()):
            return None
        start, end, form = m.start(), m.end(), m.lastgroup or ""
        ctx.defer_future(lambda: _is_future_clause(text, low, start, end, form))
        try:
            return _normalise(m.lastgroup or "", m, ctx)
        except (ValueError, KeyError, OverflowError, AttributeError, IndexError):
            # A shape the handler does not model (year 0, a day past the calendar's end): not a time
            # expression after all.
            return None

    # A mention depends on the text around it and on the mentions before it, and one after it may
    # drop it (_drop_qualifying_adverbs) or take its start back by up to _DAY_BEFORE_AFTER_REACH
    # characters: the scan stops after the first match starting that far past `until`.
    stop = len(text) if until is None else until + _DAY_BEFORE_AFTER_REACH
    for m, norm in _scan(text, low, normalise):
        form = m.lastgroup or ""
        if m.group("mod"):
            norm = apply_modifier(norm, m.group("mod"), reference)
        if norm.span is not None and norm.type in ("DATE", "TIME") and norm.value and not norm.value.endswith("_REF"):
            ctx.anchors.append(norm)
            ctx.last_anchor_end = m.end()
        start, end = _extent(form, m, norm, text)
        uses_reference = reference is not None and (norm.value is None or (norm.span is not None and _is_relative(form, m)))
        mentions.append(
            TimeMention(
                start=start,
                end=end,
                text=text[start:end],
                type=norm.type,
                value=norm.value,
                date_start=norm.span[0] if norm.span else None,
                date_end=norm.span[1] if norm.span else None,
                precision=norm.precision,
                approximate=norm.approximate,
                reference=reference if uses_reference else None,
                future=norm.type in ("DATE", "TIME") and ctx.future,
                reason=norm.reason,
            )
        )
        if m.start() >= stop:
            break
    _anchor_clock(mentions, text)
    _day_before_after(mentions, text)
    _coordinated_quarters(mentions, text)
    kept = _drop_qualifying_adverbs(mentions, text)
    if written is not text:
        kept = [replace(m, text=written[m.start:m.end]) if "\n" in written[m.start:m.end] else m for m in kept]
    return kept


def _drop_qualifying_adverbs(mentions: list[TimeMention], text: str) -> list[TimeMention]:
    """ "most recently last October", "as recently as 1990": the adverb qualifies the date after it,
    which carries the time; it is not a second, vaguer one."""
    kept = []
    for i, mention in enumerate(mentions):
        after = mentions[i + 1] if i + 1 < len(mentions) else None
        if (mention.value == "PAST_REF" and mention.text.lower().endswith("recently") and after is not None
                and after.date_start is not None and _QUALIFIED_DATE_GAP.fullmatch(text, mention.end, after.start)):
            continue
        kept.append(mention)
    return kept
