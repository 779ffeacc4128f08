"""The precompiled scanner pattern for time expressions: one regex, one named group per form."""

from __future__ import annotations

import re
from typing import Any


def _cased(*names: str) -> str:
    """Capitalised and upper-case spellings only: "May" is a month, "may" is a modal."""
    forms: list[str] = []
    for name in names:
        forms += [name.capitalize(), name.upper()]
    return "|".join(forms)


_FULL_MONTHS = _cased(
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)
_ABBR_MONTHS = _cased("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec")
MON = rf"(?-i:(?:{_FULL_MONTHS})\b|(?:{_ABBR_MONTHS})(?:\.|\b))"
WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
YEAR = r"(?<![\d,.$])(?:1[0-9]{3}|20[0-9]{2})(?![\d%]|,\d|\.\d)"
DAY = r"(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?(?!\d|:\d|%|\.\d)"
# A year spoken in words, as broadcast transcripts write it: "nineteen ninety-six", "two thousand".
YEAR_WORDS = (
    r"(?:(?:nineteen|eighteen)[\s-](?:hundred(?:\s+and)?[\s-])?(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"
    r"|two\s+thousand(?:(?:\s+and)?[\s-](?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?))?)"
)
NUMW = (
    r"(?:\d+(?:\.\d+)?(?:\s+1/2)?|a\s+couple\s+of|a\s+couple|couple\s+of|a\s+few|a\s+dozen|"
    r"a\s+hundred|(?:a|one|two|three|four|five|six|seven|eight|nine|ten)\s+thousand|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"hundred|few|several|some|many|dozens\s+of|hundreds\s+of|numerous)"
)
UNIT = (
    r"(?:seconds|minutes?|hours?|days?|nights?|weekends?|weeks?|fortnights?|months?|"
    r"quarters?|years?|decades?|centuries|century|summers?|winters?)"
)
TOD = r"(?:morning|afternoon|evening|night)"
ORD_Q = (
    r"(?:first|second|third|fourth|1st|2nd|3rd|4th|final|latest|last|current|this|next|that|"
    r"year[\s-]ago|year[\s-]earlier|previous|prior|past|same|comparable|fiscal)"
)
ORDINAL_WORDS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    r"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|hundredth"
    r"|(?:twenty|thirty|forty|fifty)-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))"
)
TZ = r"(?:\s*\(?(?:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|BST|CET|IST|PKT|AFT|local\s+time)\)?)"
AMPM = r"(?:a\.m\.?|p\.m\.?|am\b|pm\b)"
MODIFIER = (
    r"(?:(?:the\s+)?(?:early|late|mid|earlier|later)(?:\s+in)?(?:\s+|-)(?:the\s+)?"
    r"|(?:the\s+)?(?:beginning|start|middle|end|close|turn)\s+of\s+(?:the\s+)?)"
)

_FORMS: list[tuple[str, str]] = [
    # Ranges first: at the same start position the first alternative that matches wins.
    ("range_md", rf"(?:(?:from|between)\s+)?(?:{WD},?\s+)?{MON}\s*{DAY}\s*(?:-|–|—|to|and|through|until|or)\s*(?:{MON}\s*)?{DAY}(?:,?\s+{YEAR})?"),
    ("range_dm", rf"(?:(?:from|between)\s+)?(?:{WD},?\s+)?(?:the\s+)?{DAY}(?:\s+of)?\s*(?:-|–|—|to|and|through|until|or)\s*(?:the\s+)?{DAY}(?:\s+of)?\s+{MON}(?:,?\s+{YEAR})?"),
    ("range_month", rf"(?:from|between)\s+{MON}(?:\s+{YEAR})?\s+(?:to|and|until|through|-|–)\s+{MON}(?:,?\s+{YEAR})?"),
    ("range_year", rf"(?:from|between)\s+{YEAR}\s+(?:to|and|until|through|-|–)\s+{YEAR}|(?<![\d-]){YEAR}\s*[-–]\s*{YEAR}"),
    ("week_of", rf"(?:the\s+)?(?:(?:first|second|third|fourth|last|final)\s+)?week\s+of\s+(?:{MON}\s*{DAY}(?:,?\s+{YEAR})?|{MON}(?:,?\s+{YEAR})?)"),
    ("iso", r"(?<![\d-])(?:1[0-9]{3}|20[0-9]{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?:T[0-2][0-9]:[0-5][0-9])?(?![\d-])"),
    ("numeric", r"(?<![\d/.-])\d{1,2}(?P<nsep>[/.-])\d{1,2}(?P=nsep)(?:\d{4}|\d{2})(?![\d/.-]|-\d)"),
    ("mdy", rf"(?:(?:last|next)\s+)?(?:{WD},?\s+)?{MON}\s*{DAY}(?:,?\s+{YEAR}|(?P<mdy_rel>\s+(?:this|last|next)\s+year))?"),
    ("dmy", rf"(?:{WD},?\s+)?(?:the\s+)?{DAY}(?:\s+of)?\s+{MON}(?:,?\s+{YEAR})?"),
    ("month_year", rf"{MON},?\s+(?:of\s+)?(?:{YEAR}|{YEAR_WORDS}\b|(?:this|last|next)\s+year)"),
    ("clock", rf"(?:(?:about|around|approximately)\s+)?"
              rf"(?:(?:[01]?[0-9]|2[0-3])(?::[0-5][0-9])?\s*{AMPM}|(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?![\d:])|noon|midnight|midday"
              rf"|(?:[1-9]|1[0-2])(?:\s+o['’]clock)?\s+in\s+the\s+(?:morning|afternoon|evening))"
              rf"{TZ}?(?:,?\s+(?:on\s+)?(?:{WD}|today|yesterday|tomorrow)\b|,?\s+{MON}\s*{DAY})?"),
    # "the same quarter a year ago" is one expression, the quarter of the year before (before "quarter",
    # which would take "the same quarter" alone).
    ("period_year_ago", r"(?:(?:the\s+)?(?:same|comparable|corresponding)|the)\s+(?:period|quarter)\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year)\b"),
    ("quarter", rf"(?:(?:the|a|an)\s+)?(?:(?:this|last|next)\s+year['’]s\s+)?(?:{ORD_Q}[\s-]+)?(?:fiscal[\s-]+)?"
                rf"(?:{ORD_Q}[\s-]+)?quarter(?!ly|s|-to-)(?:\s+(?:of\s+)?(?:{YEAR}|(?:this|last|next)\s+year|fiscal\s+{YEAR}))?"
                rf"|(?:the\s+)?{YEAR}\s+(?:(?:first|second|third|fourth|1st|2nd|3rd|4th|final)[\s-]+)?(?:quarter|period)\b"
                rf"|\b(?:Q[1-4]|[1-4]Q)(?:\s+{YEAR}|\s+of\s+{YEAR})?\b|{YEAR}\s+Q[1-4]\b"),
    ("half", rf"(?:the\s+)?(?:first|second|1st|2nd|latter|last)\s+half(?:\s+(?:of\s+)?(?:{YEAR}|(?:this|last|next)\s+year|the\s+year))?"
             rf"|(?:the\s+)?(?:first|last|final)\s+two\s+quarters\s+of\s+(?:{YEAR}|(?:this|last|next)\s+year|the\s+year)"),
    ("decade", r"(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?:(?<=the )(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b|(?<!\d)(?:1[0-9]{2}0|20[0-9]0)['’]?s\b|['’](?:[0-9]0)s\b|(?<=the )[0-9]0s\b)"),
    ("century", r"(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)[\s-]+century"),
    ("ago", rf"(?:(?:about|around|nearly|almost|roughly|some|more\s+than|less\s+than)\s+)?{NUMW}\s+(?:(?:or\s+so|more)\s+)?{UNIT}(?:\s+or\s+so)?\s+(?:ago|earlier|later|back)\b"),
    ("year_ago", r"(?:the\s+)?latest\s+period|(?:the\s+)?year[\s-](?:ago|earlier)(?:\s+(?:period|quarter|third\s+quarter|fourth\s+quarter|second\s+quarter|first\s+quarter|nine\s+months|six\s+months|months))?"),
    ("tail", rf"{NUMW}\s+{UNIT}\s+(?:from\s+now|from\s+today|hence)|(?:the\s+)?(?:week|month|year)\s+(?:after\s+next|before\s+last)|(?:the\s+)?{DAY}\s+of\s+(?:next|last|this)\s+month|(?:a\s+)?fortnight\s+ago"),
    # Spoken-style years in broadcast transcripts: "nineteen ninety-six", "the year two thousand".
    ("year_words", rf"(?:the\s+year\s+)?{YEAR_WORDS}\b(?!\s+(?:years?|people|dollars|troops|of)\b)"),
    # "today is the eighth day of the blockade", "it's the second day of an offensive": the present
    # day, counted from an event's start (timex_relative._h_nth_day checks the words before it).
    ("nth_day", rf"the\s+(?:{ORDINAL_WORDS}|\d{{1,3}}(?:st|nd|rd|th))\s+(?:(?:straight|consecutive|full)\s+)?day\b(?![\w-])"),
    ("duration", rf"(?:(?:at\s+least|more\s+than|less\s+than|up\s+to|nearly|almost|about|around|roughly|some|another|the|a|an|all|each\s+of\s+the)\s+)*"
                 rf"(?:(?:past|last|next|first|latest|coming|previous|following|final|remaining|initial|recent)\s+)?"
                 rf"(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+to\s+(?=(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty)\s))?"
                 rf"{NUMW}(?:\s+and\s+a\s+half)?(?:\s+|-)(?:(?:more|full|straight|consecutive|additional|long|whole|entire|calendar|fiscal|trading|business|working)\s+)?{UNIT}(?:\s+and\s+a\s+half|-long|-old)?(?![\w-])"
                 rf"|\b(?:more|less)\s+than\s+a\s+(?:decade|year|month|week|day)\b|\b(?:hour|day|week|month|year)-long\b"),
    ("plural_unit", r"(?:(?:recent|coming|past|last|next|previous|several|many|ensuing|following)\s+)?(?:the\s+)?(?:(?:recent|coming|past|last|next|ensuing|following|first|opening|final)\s+)?"
                    r"(?:minutes|hours|days|weeks|months|quarters|years|decades|centuries)(?:-long)?(?:\s+(?:to\s+come|ahead))?\b"),
    ("set", rf"(?:every|each|per)\s+(?:other\s+)?(?:{WD}|{MON}|(?:spring|summer|fall|autumn|winter)\b|{UNIT}|{TOD})|(?:daily|weekly|monthly|yearly|nightly|biweekly|annually|hourly)\b|{WD}s(?:\s+{TOD}s?)?\b|{WD}\s+{TOD}s\b|{WD}(?=\s+(?:and|or)\s+{WD}\s+{TOD}s\b)|twice\s+a\s+(?:day|week|month|year)|once\s+a\s+(?:day|week|month|year)"
            r"|(?:first|second|third|fourth)\s+quarters\b"),
    ("season", rf"(?:(?:the|this|last|next|early|late|mid|this\s+past|this\s+coming|past)[\s-]+)?(?:spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?:{YEAR}|{YEAR_WORDS}\b))?"),
    ("holiday", r"(?:(?:last|this|next)\s+)?(?:Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]s(?:\s+(?:Day|Eve))?|Easter(?:\s+(?:Sunday|Monday|week))?|Thanksgiving(?:\s+Day)?|Halloween|Election\s+Day)\b"),
    ("dayword", rf"(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|today|yesterday|tomorrow|tonight|last\s+night|(?:this|that)\s+(?:morning|afternoon|evening))(?:\s+{TOD})?\b"
                rf"|{TOD}\s+(?:yesterday|today|tomorrow)\b"),
    # Anaphoric: relative to the last date mentioned in the text, not to the publication date.
    ("anaphor", rf"(?:(?:the|that)\s+)?(?:same|following|that)\s+(?:day|{TOD}|week|month|year|quarter)\b"
                rf"|(?<=\bin\s)the\s+(?:morning|afternoon|evening)\b(?!\s+(?:of|after|before|hours)\b)"
                rf"|(?<=\bmid\s)(?:morning|afternoon|evening)\b|(?<=\bmid-)(?:morning|afternoon|evening)\b"
                rf"|the\s+(?:previous|prior)\s+(?:day|{TOD}|week|month|year|quarter|{WD})\b"
                rf"|the\s+next\s+(?:day|{TOD})\b|(?:the\s+)?following\s+{WD}\b"
                r"|the\s+(?:day|week|month|year)\s+(?:before|earlier|after|later)(?=\s*(?:[.,;:!?)]|$))"),
    ("relative", rf"(?:the\s+)?(?:last|this|next|past|previous|coming|current|following|same|latest(?=\s+(?:fiscal\s+)?year\b))\s+(?:(?:fiscal|calendar)\s+(?=year))?(?:week(?:end)?|month|year|decade|century|{MON}(?!\s*\d)|{WD})\b"),
    ("weekday", rf"(?:(?:last|next|this|coming|past|previous)\s+)?{WD}(?:\s+{TOD})?\b"),
    ("bare_unit", r"\byear[\s-]end\b|(?:the\s+)?(?:(?:full|fiscal|calendar)\s+)?(?:year|month|week|weekend|decade|century)\b(?:['’]s\s+end)?"),
    ("fiscal_year", rf"(?:fiscal(?:\s+year)?|FY)\s*(?:{YEAR}|['’]?\d{{2}}\b)"),
    ("month", MON),
    ("year", rf"(?:(?:pre|post)-)?(?:\(\s*)?{YEAR}(?:\s*\))?"),
    ("ref", r"(?:right\s+)?now\b|currently|at\s+present|presently|nowadays|these\s+days|at\s+the\s+moment|this\s+moment\b|for\s+the\s+time\s+being|(?<=\bfor\s)a\s+while\b|"
            r"(?<=\bfor\s)a\s+(?:(?:fairly|very|relatively|rather|quite)\s+)?(?:long|lengthy|short|brief|extended|considerable|limited)\s+period(?:\s+of\s+time)?\b|"
            r"the\s+present|(?:more\s+)?recently|lately|in\s+the\s+past|the\s+past(?!\s+(?:\d|few|several|two|three|four|five|six))|"
            r"in\s+recent\s+(?:days|weeks|months|years)|in\s+the\s+(?:near\s+)?future|the\s+(?:near\s+)?future|"
            r"future\s+(?:days|weeks|months|quarters|years|decades)\b|"
            r"(?:in\s+)?(?:the\s+)?days\s+to\s+come|in\s+the\s+coming\s+(?:days|weeks|months|years)|current\b|"
            r"at\s+a\s+later\s+date|a\s+later\s+date|(?:in\s+)?the\s+(?:near|short|long)\s+term|"
            r"as\s+soon\s+as\s+possible|soon\b|recent\b"),
]


def _first_chars(body: str) -> str | None:
    """A character class holding every character a match of `body` can begin with, or None.

    The regex engine enters each of the ~35 forms below at every position it tries, and a failing
    form costs its nested groups and case-insensitive literals. A look-ahead on the form's first
    characters rejects most of them in one test (about 20 % of the scanner's matching time on
    Reuters), and changes no match: the class is a superset worked out from the parsed regex. Where
    the parse cannot be read (a private module of `re` that may change), there is no guard.
    """
    try:
        from re import _constants as c, _parser  # type: ignore[attr-defined]

        chars = _first_of(_parser.parse(body, re.IGNORECASE), c)
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    if chars is None or chars[1]:  # any character, or the form can match nothing
        return None
    # Categories stay categories: `\\d` is every Unicode digit ("٢٠٢١"), not only 0-9.
    return "[" + "".join(char if char in _CATEGORIES else re.escape(char) for char in sorted(chars[0])) + "]"


_CATEGORIES = ("\\d", "\\s")


def _first_of(items: Any, c: Any) -> tuple[set[str], bool] | None:
    """(first characters, as the pattern writes them; whether the sequence can match empty), None
    if unbounded. The guard class is compiled case-insensitively like the pattern, so a character
    stands for its other cases as the literal it came from does."""
    out: set[str] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the next item's character comes first
        if op is c.LITERAL:
            return out | {chr(av)}, False
        if op is c.IN:
            chars = _charset(av, c)
            return None if chars is None else (out | chars, False)
        if op is c.BRANCH:
            nullable = False
            for branch in av[1]:
                first = _first_of(branch, c)
                if first is None:
                    return None
                out |= first[0]
                nullable = nullable or first[1]
            if not nullable:
                return out, False
        elif op is c.SUBPATTERN or op in (c.MAX_REPEAT, c.MIN_REPEAT):
            first = _first_of(av[3] if op is c.SUBPATTERN else av[2], c)
            if first is None:
                return None
            out |= first[0]
            if not first[1] and (op is c.SUBPATTERN or av[0] > 0):
                return out, False
        else:
            return None  # \w, ., a back-reference, ...: anything may come first
    return out, True


def _charset(items: Any, c: Any) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < 128:
            chars |= {chr(code) for code in range(av[0], av[1] + 1)}
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            chars.add("\\d")
        elif op is c.CATEGORY and av is c.CATEGORY_SPACE:
            chars.add("\\s")
        else:
            return None  # a negated set, \w, ...: anything may come first
    return chars


def _form(name: str, body: str, guard: bool) -> str:
    first = _first_chars(body) if guard else None
    return f"(?P<{name}>{body})" if first is None else f"(?={first})(?P<{name}>{body})"


# The leading preposition is part of the mention, as DESIGN.md's `timeline dates` example shows.
PREPOSITION = r"(?P<prep>\b(?:on|in|during)\s+)?"


def scanner_pattern(guard: bool = True) -> re.Pattern[str]:
    """The scanner's one regex: preposition, modifier, then the forms in order (guarded: _first_chars)."""
    return re.compile(
        rf"(?<![\w,.$£€/:-]){PREPOSITION}(?P<mod>{MODIFIER})?(?:"
        + "|".join(_form(name, body, guard) for name, body in _FORMS)
        + r")",
        re.IGNORECASE,
    )


PATTERN = scanner_pattern()

# Pieces the handlers re-read inside a matched form.
MONTH_RE = re.compile(MON, re.IGNORECASE)
WEEKDAY_RE = re.compile(WD, re.IGNORECASE)
YEAR_RE = re.compile(r"(?:1[0-9]{3}|20[0-9]{2})(?!\d)")
DAY_RE = re.compile(r"(?<![\d])(0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?(?!\d)")
NUM_UNIT_RE = re.compile(rf"({NUMW})(?:\s+|-)(?:(?:more|full|straight|consecutive|additional|long|whole|entire|calendar|fiscal|trading|business|working)\s+)?({UNIT})", re.IGNORECASE)
TOD_RE = re.compile(TOD, re.IGNORECASE)
CLOCK_RE = re.compile(
    rf"(?:([01]?[0-9]|2[0-3])(?::([0-5][0-9]))?\s*({AMPM})|([01]?[0-9]|2[0-3]):([0-5][0-9])|(noon|midday|midnight)"
    rf"|([1-9]|1[0-2])(?:\s+o['’]clock)?\s+in\s+the\s+(morning|afternoon|evening))",
    re.IGNORECASE,
)

# The clause cues below are matched on the lower-cased text, case-sensitively (cheaper than IGNORECASE).
# A clause about the future: "will meet on Thursday", "is due to visit on Friday", "payable Nov. 25".
FUTURE_CUE = re.compile(
    r"\b(?:will|shall|won['’]t|going\s+to|(?:is|are|was|were)\s+(?:due|set(?=\s+(?:to|for)\b)|scheduled|expected|slated|planned|to\s+be\s+held)|(?:is|are)\s+to\s+\w+"
    r"|scheduled|slated|planned|plans?\s+to|planning\s+to|upcoming|expects?\s+to|expected\s+to|hopes?\s+to|intends?\s+to"
    r"|payable|of\s+record|to\s+be\s+held|will\s+be)\b|['’]ll\b"
)
# Weaker cues, read as future only for a month or a month-day without a year ("would be paid in
# January", "agreed to buy it in February", "the Nov. 1 deadline"): such a date misread as future
# lands within days of the reference (see timex_calendar.closest_year). Weekdays read them too
# ("would be traveling to the United States Thursday"), except a possessive weekday, which names a
# thing already there ("would challenge Wednesday's ruling"). Not cues: the counterfactual "would
# have", the causal "due to the storm".
WEAK_FUTURE_CUE = re.compile(
    r"\b(?:would(?!\s+(?:have|not\s+have)\b)|due(?!\s+to\s+(?:the|a|an|his|her|its|their|this|that)\b)|set\s+to|next(?!\s+to\b)|upcoming|expires?|later\s+this|to\s+be\s+\w+ed"
    r"|(?:is|are|am)\s+(?:\w+ly\s+)?(?!being\b)[a-z]+ing"
    r"|(?:may|might|can|should|must)\s+(?:not\s+)?(?:\w+ly\s+)?(?!have\b|not\b)[a-z]+"
    r"|(?:agree[sd]?|agreement|decided|decision|promised?|pledged?|vowed?|threatened|offered|proposed?"
    r"|aims?|seeks?|wants?|ready|prepared|likely|about)\s+to\s+\w+)\b"
)
# A clause opened by "when" or "after" whose verb is in the present ("when the case is heard in May",
# "after the talks are held"): English puts a future event of a time clause in the present tense.
PRESENT_IN_TIME_CLAUSE = re.compile(r".*\b(?:when|after)\s+(?:[\w'’-]+\s+){0,4}?(?:is|are)\s+(?!(?:being|now|currently|still)\b)(?:\w+ly\s+)?\w+(?:ed|en|wn|rd|ld|t)\b(?:(?!\b(?:was|were|had|did)\b)[^.;])*$", re.DOTALL)
# "had been due to expire Friday", "as previously planned": a plan seen from after the fact.
PAST_PLAN = re.compile(r"\b(?:had|previously)\b")
# ... which still names its date: "had been set to expire Nov. 6" (see timex._is_future_clause).
PAST_PLAN_DATE = re.compile(r"\b(?:had|previously)\s+(?:been\s+)?(?:due|set|scheduled|slated|planned|expected)\s+(?:to|for)\b")
# A directive ("invited the ministers to a ceremony ... on March 12", "subpoenaed Elian to testify
# ... on Feb. 10"): the date after its "to" is that of the event asked for, which comes after the
# asking. The verb may stand before the 80-character clause window, in the same sentence.
DIRECTIVE_CUE = re.compile(
    r"\b(?P<verb>invit(?:e|es|ed|ing)|subpoena(?:s|ed)?|summon(?:s|ed)?|ordered|urg(?:e|es|ed)|ask(?:s|ed)?"
    r"|instruct(?:s|ed)?|call(?:s|ed)\s+on|tell|tells|told)\b[^.;!?\n]{0,80}?\bto\s"
)
SENTENCE_BREAK = re.compile(r".*(?:(?<=[a-z]{2})\.(?=\s)|[;!?\n])", re.DOTALL)
# An extension or postponement "until", "through" or "to" a date names the new end, still ahead:
# "has extended Control Data $90 million in revolving loans through January".
EXTENDED_UNTIL = re.compile(r"\b(?:extend|extends|extended|extending|prolong(?:s|ed)?|postpon(?:e|es|ed)|delay(?:s|ed)?|renew(?:s|ed)?|adjourn(?:s|ed)?)\b[^.;!?\n]{0,80}?\b(?:until|till|through|to)\s+$")
# Where a clause ends: a full stop after a word (not "P." in "Daniel P. Davison"), other punctuation, a
# comma unless a capitalised word follows it (names in a list or an apposition: "admit Poland, Hungary
# and the Czech Republic in March"), nor the comma closing a "City, St.," place ("the Peoria, Ill., bank
# holding company in January"), a relative or temporal conjunction. The greedy prefix makes one match end at the window's last break.
LAST_CLAUSE_BREAK = re.compile(r".*(?:(?<=[a-z]{2})\.(?=\s)|[;!?\n]|(?<!, [A-Z][a-z]\.)(?<!, [A-Z][a-z]{2}\.)(?<!, [A-Z][a-z]{3}\.)(?<!, [A-Z][a-z]{4}\.),(?!\s*[A-Z])|\b(?:who|which|that|after|when|since|but)\b)", re.DOTALL)
# A date at the head of its sentence ("On Tuesday, the league plans to ..."): what precedes the
# mention is the start of the text or a sentence end (the comma after it is checked in timex.py).
SENTENCE_HEAD = re.compile(
    r"(?:^|.*(?:[.!?]['\"”’]?\s+|\n\s*|``\s*))(?:(?:Until|Till|Since|By|Before|After|As\s+of)\s+)?$", re.DOTALL
)
# A determiner opening the sentence right before the date: the date is in the subject.
SUBJECT_HEAD = re.compile(r"(?:^|.*(?:[.!?]['\"”’]?\s+|\n\s*))(?:The|This|That|Its|His|Her|Their)\s+$", re.DOTALL)
# ... unless the date names the period a figure measures ("The January figures will be released"):
# that period is over, whatever the verb says.
MEASURED_AFTER = re.compile(
    r"\s+(?:figures?|data|numbers?|sales|results?|reports?|statistics|earnings|profits?|loss(?:es)?|rates?|index|"
    r"jobs|output|exports|imports|payrolls?|inflation|deficit|surplus|survey|total)\b", re.I
)
# The first clause break after the head: the end of the clause the fronted date belongs to.
LAST_CLAUSE_BREAK_AHEAD = re.compile(r"(?<=[a-z]{2})\.(?=\s)|[;!?\n]|\b(?:who|which|that|after|when|since|but)\b")
# The main verb of such a clause speaking of the future, matched on the text as written.
FRONTED_FUTURE_CUE = re.compile(
    r"\b(?:will|shall|won['’]t|going\s+to|(?:is|are)\s+(?:due|set(?=\s+(?:to|for)\b)|scheduled|expected|slated|to)|(?:plans|plan|expects?|hopes?|intends?)\s+to)\b|['’]ll\b"
)
# A past-tense verb before that cue makes the clause a past one ("had", "said", "announced plans to").
PAST_VERB = re.compile(r"\b(?:[a-z]+ed|had|said|was|were|did|made|took|told|came|went|met|began|left|gave|sent|won|lost|fell|rose|saw|held)\b")

# An absolute phrase after a comma, "with" and a participle, up to the date: no verb of its own.
ABSOLUTE_PHRASE = re.compile(r"\s*with\s+(?:[\w'’-]+\s+){1,4}?[a-z]+ing\b[^,;:.!?]*")
# Between a comma and the date, only its preposition: the date completes the clause before the comma.
ADJUNCT_AFTER_COMMA = re.compile(r"\s*(?:(?:on|to|until|till|by|in)\s+)?")

# Time zones of wire copy's clock times ("1630 EST"), lower case: DEADLINE_CUE reads lower-cased text,
# NOT_YEAR_AFTER ignores case.
_ZONE = r"(?:gmt|utc|est|edt|cst|cdt|mst|mdt|pst|pdt|bst|cet|cest|ist)"

# Right before the date, a deadline or start reads forward: "must leave by Jan. 14", "effective Dec. 7".
DEADLINE_CUE = re.compile(
    r"\b(?:by|until|till|effective|expires?|expiring|as\s+early\s+as|as\s+soon\s+as|postponed(?:\s+until|\s+to)?|"
    r"extended(?:\s+until|\s+to)?|delayed(?:\s+until|\s+to)?|deadline\s+(?:of|is)|record\s+date\s+is|takes\s+effect|"
    r"starting|beginning|resumes?|reconvenes?|adjourned\s+(?:until|till|to)|past\s+the|between\s+now\s+and|from\s+(?:now|today)\s+(?:to|until|through))"
    rf"\s+(?:[0-2]\d[0-5]\d\s*(?:{_ZONE}|hrs|hours|local\s+time)(?:\s+{_ZONE})?\s*,?\s+)?(?:on\s+)?$"
)

# A verb in the simple present right before a weekday or a month-day schedules the event: "He and
# Arafat meet separately Monday", "the trial begins Nov. 6", "the show, which opens on Thursday"
# (English puts a past event in the past tense). Not after "to", "not" or "did" ("failed to meet Monday", "did not
# meet Monday"), and not verbs whose present form is also a common plural noun ("votes", "returns",
# "starts", "ends", "leaves", "visits").
SCHEDULED_PRESENT = re.compile(
    r"(?<!\bto )(?<!\bnot )(?<!\bdid )\b(?:meets?|begins?|opens|resumes?|reconvenes?|convenes?|arrives?|travels?"
    r"|flies|testif(?:y|ies)|takes\s+office|goes\s+on\s+trial|go\s+on\s+trial)\s+(?:[a-z]+ly\s+)?(?:again\s+)?(?:on\s+)?$"
)

# A period that closed on the date: "earnings for the fiscal year ended April 30", "the six months
# ended June 30". The participle reports it as past, whatever verb the clause has ("expects to report").
PERIOD_ENDED_BEFORE = re.compile(r"\b(?:year|quarter|months?|weeks?|half|period)\s+ended\s+(?:on\s+)?$")

# Right after the date, a deadline reads forward: "the Nov. 1 deadline", "set Nov. 10 as the deadline".
DEADLINE_AFTER = re.compile(r"\s+(?:as\s+(?:the|a)\s+)?(?:deadline|target\s+date|return\s+date|due\s+date)\b", re.IGNORECASE)

# Words before a number that make it a label, not a year: "Resolution 2593", "No. 1990", "$2000". Whole
# words only: "That 1978 resolution" is a year ("at" ends "That").
NOT_YEAR_BEFORE = re.compile(
    r"(?<![a-z])(?:resolutions?|no\.?|nos\.?|number|numbers|page|pages|pp?\.|room|flight|route|highway|code|article|articles|section|"
    r"chapter|rule|model|version|v\.|bill|item|unit|usd|us\$|rs\.?|inr|eur|gbp|#|\$|€|£|¥|dow|index|fund|"
    r"committee|paragraph|para\.?|box|suite|apartment|street|st\.|avenue|ave\.|road|tel\.?|phone|fax|ext\.?|at|of\s+about)\s*$",
    re.IGNORECASE,
)
# The tail of a longer number: "+1 202 647 2021".
NUMBER_BEFORE = re.compile(r"\d[\s-]*$")
# A four-figure clock time of wire copy, after the number or closing a range it opens: "1630 EST",
# "1805 local time", "1000 London time", "from 0900 to 1315 CST", "between 1900 and 2300 hours".
_CLOCK_AFTER = (rf"(?:(?:-|–|to|and|until|till)\s*[0-2]\d[0-5]\d\s*)?(?:{_ZONE}|hours|hrs"
                r"|(?:local\s+)?(?-i:(?:[A-Z][a-z]+\s+){0,2})time)\b")  # "1700 New York time", "local Chicago time"
NOT_YEAR_AFTER = re.compile(
    r"\s*(?:%|percent|pct|per\s+cent|million|mln|billion|bln|trillion|dlrs|thousand|people|persons|troops|soldiers|men|women|children|"
    r"workers|employees|jobs|members|shares|units|tonnes|tons|barrels|votes|cases|deaths|dead|killed|points|feet|ft|"
    r"meters|metres|miles|kilometres|kilometers|km|kg|pounds|dollars|rupees|euros|sanctions|calories|cars|"
    r"homes|houses|acres|students|refugees|fighters|militants|civilians|families|residents|patients|doctors|"
    r"police|officers|vehicles|aircraft|planes|rounds|words|pages|copies|stores|outlets|beds|seats)\b|\s*" + _CLOCK_AFTER,
    re.IGNORECASE,
)

# The scanner only tries PATTERN around these tokens: every form contains a digit or one of them.
TOKEN_RE = re.compile(r"[A-Za-z]+|\d+")
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred"
)
TRIGGER_WORDS = frozenset((
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday "
    "mondays tuesdays wednesdays thursdays fridays saturdays sundays "
    "seconds minute minutes hour hours day days night nights week weeks weekend weekends fortnight "
    "fortnights month months quarter quarters year years decade decades century centuries "
    "spring summer summers fall autumn winter winters "
    "today yesterday tomorrow tonight morning afternoon evening noon midnight midday "
    "now currently current present presently nowadays recently recent lately past future moment being while soon "
    "daily weekly monthly yearly nightly biweekly annually hourly "
    "christmas easter thanksgiving halloween election later q fy period term half "
    "nineteen eighteen thousand twenties thirties forties fifties sixties seventies eighties nineties"
).split())
# Words that may come before a trigger inside one expression ("at least the past 18 months").
LEAD_WORDS = frozenset((
    "on in during as the a an early late mid earlier later beginning start middle end close turn of "
    "last this next past previous coming current following same about around approximately nearly "
    "almost roughly some more less than at least up to over another all each every per other full "
    "fiscal calendar straight consecutive additional long whole entire first second third fourth "
    "fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth "
    "seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth hundredth "
    "fairly very relatively rather quite lengthy brief extended considerable limited "
    "final latest from between and or so few several many couple dozen dozens hundreds "
    "right these time for recent ensuing near short shortly that q fy year ago earlier prior comparable "
    "corresponding new once twice pre post trading business working monday tuesday wednesday thursday friday saturday sunday "
    + _NUMBER_WORDS
).split())

# Lead words that only ever stand inside an expression ("at least", "more than", "every other"): no
# form begins with them, so the scanner walks past them without trying the pattern there.
INNER_LEAD_WORDS = frozenset(
    "of to and or than least so over time shortly ago trading business working long straight "
    "consecutive additional whole entire dozen other near short fairly very relatively rather quite "
    "lengthy brief extended considerable limited".split()
)


def _trie(words: frozenset[str]) -> str:
    """A regex alternation shaped as a prefix tree: one character test per step, not one per word."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


# Runs on the lower-cased text, with the token boundaries of TOKEN_RE. A token glued to a letter or
# digit before it ("c415", "anyday") is skipped: PATTERN's own look-behind would reject it anyway, and one
# look-behind shared by both branches halves the cost of the scan (the regex engine's per-character cost).
TRIGGER_RE = re.compile(r"(?<![0-9a-z])(?:\d+|" + _trie(TRIGGER_WORDS) + r"(?![a-z]))")
# Digits that cannot take part in a time expression: amounts, decimals, percentages, the
# minutes of a clock time or the middle of "26/10/2021" (whose first number is tried instead).
# Wire copy abbreviates its units ("1,990 mln dlrs", "1998 pct", "2000 cts"): skipped the same way.
DIGIT_SKIP = re.compile(
    r"(?<=[$£€.,:/])\d|\d+(?=%|\.\d|,\d\d\d|\s*(?:percent|pct|million|mln|billion|bln|dlrs|cents|cts|pence|shares|people)\b)"
)
