"""Event dates: the mention governing a trigger, dates shared across sentences, relative and publication dates."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from timeline.extract.triggers import ANSWERING_VERBS, TriggerMatch, resolution_number
from timeline.records import TimeMention

if TYPE_CHECKING:
    # Only for annotations: extract/__init__ builds the drafts and imports this module.
    from timeline.extract import _Draft

PUBLISHED_REASON = "publication date of a reported statement that gives no date of its own"
_ISSUED_AFTER = re.compile(r"\s+(?:issued|released|made|published)\s+after\s+")
_RELATIVE_DURATION = re.compile(r"^P(?:\d+|X)[DW]$")
_RELATIVE_LINK = re.compile(r"\s+(after|before)\s+(?:the\s+)?")
CLAUSE_BREAK = re.compile(r"[;:()“”\"—]|,\s")
STATEMENT_NOUNS = frozenset({"joint statement", "statement", "press briefing", "press conference"})
# How many mentions of one type on each side a back-reference looks at: enough for any article,
# and it keeps a pathological document (a 5 MB line of 100k events) linear.
SAME_EVENT_WINDOW = 64
# The widest gap, in characters, between a trigger and a date in the same clause.
MAX_CLAUSE_GAP = 400
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "year": 4, "decade": 5, "century": 6}


# A debt's maturity right before the date: "notes due 1997", "debentures due March 1, 2008", "Treasury
# bonds of 2016", "matures 2016".
_MATURITY_BEFORE = re.compile(
    r"\b(?:(?:notes?|debentures?|bonds?|loans?|securities|warrants|certificates|obligations|paper|eurobonds?|stock|issue)"
    r"\s+(?:\w+\s+)?(?:due|of|maturing(?:\s+in)?)|matures?)\s+$",
    re.IGNORECASE,
)
_MATURITY_AFTER = re.compile(r"\s+maturit(?:y|ies)\b", re.IGNORECASE)


# -- within a sentence ----------------------------------------------------------------------


def names_a_maturity(text: str, mention: TimeMention) -> bool:
    """Whether `mention` is the maturity of a debt ("subordinated notes due 1997"): a property of the
    paper, never the date of what the sentence reports (filing, selling or redeeming it)."""
    start = mention.start
    if _MATURITY_AFTER.match(text, mention.end):
        return True  # "10 mln dlrs of the 2011 maturity"
    before = text[max(0, start - 12):start]
    return ("due" in before or "of" in before or "matur" in before) \
        and _MATURITY_BEFORE.search(text, max(0, start - 60), start) is not None


def clause_mention(text: str, trigger: TriggerMatch, times: list[TimeMention]) -> TimeMention | None:
    """The dated mention nearest the trigger with no clause break between them; None if none."""
    best: tuple[int, TimeMention] | None = None
    for mention in times:
        if mention.date_start is None:
            continue
        if mention.end <= trigger.start:
            low, high = mention.end, trigger.start
        elif mention.start >= trigger.end:
            low, high = trigger.end, mention.start
        else:
            continue
        # A clause is never this long; the bound keeps giant sentences linear.
        if high - low > MAX_CLAUSE_GAP or (best is not None and high - low >= best[0]):
            continue
        if not _breaks_clause(text, low, high):
            best = (high - low, mention)
    return best[1] if best else None


# "adopted Resolution 2713 (2023) on 1 December 2023": a resolution's year in brackets is part of
# its name, not a break between the verb and the day of adoption.
_BRACKETED_YEAR = re.compile(r"\(\d{4}\)")


def _breaks_clause(text: str, low: int, high: int) -> bool:
    """Whether a clause break lies in text[low:high], a bracketed year ("(2023)") not counting."""
    found = CLAUSE_BREAK.search(text, low, high)
    if found is None or found.group() not in "()":
        return found is not None
    return CLAUSE_BREAK.search(_BRACKETED_YEAR.sub(" ", text[low:high])) is not None


# A date right after a verb and a determiner names what the verb is about: "welcomed the February ...".
_OBJECT_DATE = re.compile(r"\s+(?:the|a|an|its|their|his|her|this|that)\s+", re.IGNORECASE)


def reserve_mentions(text: str, drafts: list[_Draft], times: list[TimeMention]) -> dict[int, _Draft]:
    """Mentions that belong to one trigger of the sentence: its clause's date, a resolution's year."""
    reserved: dict[int, _Draft] = {}
    for draft in drafts:
        if draft.event_type == "resolution" and resolution_number(draft.trigger.text):
            # "Resolution 2593 (2021)": the year dates the resolution, not the meeting that cites it.
            for mention in times:
                if 0 <= mention.start - draft.trigger.end <= 3:
                    reserved[id(mention)] = draft
    owners = {id(d) for d in reserved.values()}
    best: dict[int, tuple[int, _Draft]] = {}
    for draft in drafts:
        if id(draft) in owners:
            continue
        local = clause_mention(text, draft.trigger, times)
        if local is None or id(local) in reserved:
            continue
        if draft.trigger.text.lower() in ANSWERING_VERBS and _OBJECT_DATE.fullmatch(text, draft.trigger.end, local.start):
            continue  # "welcomed the February Louvre Agreement": the agreement's month, free for it
        distance = abs(local.start - draft.trigger.start)
        if id(local) not in best or distance < best[id(local)][0]:
            best[id(local)] = (distance, draft)
    reserved.update({key: draft for key, (_, draft) in best.items()})
    return reserved


# Between a reporting verb and a date that says when the speaking happened: the occasion ("said in a
# statement on Monday", "told reporters in Kabul on Tuesday", "said late on Friday"), never a clause
# of what was said ("said its sales rose six pct in 1986", "said Indonesia had arrested ... last year").
_OCCASION_WORDS = (
    r"in|at|during|to|before|a|an|the|his|her|its|their|late|early|earlier|later|here|there|again|also"
    r"|issued|released|published|made|given|reporters|journalists|newsmen|lawmakers|statement|interview"
    r"|conference|news|press|briefing|speech|televised|television|radio|parliament|meeting|session|rally"
)
_OCCASION = re.compile(r"(?:,?\s+(?:" + _OCCASION_WORDS + r"|[A-Z][\w.'’-]*))*,?\s*")
# "restated its commitment ... during a two-day meeting here on October 26 and 27": the statement was
# made at the occasion that date names, however far from the verb.
_AT_AN_OCCASION = re.compile(
    r"\b(?:during|at)\s+(?:(?:a|an|the|its|their|his|her)\s+)?(?:[\w-]+\s+){0,3}"
    r"(?:meetings?|talks|conference|summit|session|visit|briefing|dialogue)"
    r"(?:\s+(?:here|there|in\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?))?\s+$"
)
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|his|her|their|this|that|these|those)\s+$", re.IGNORECASE)


def says_when_spoken(text: str, draft: _Draft, mention: TimeMention) -> bool:
    """Whether `mention` can date the speaking of a reported statement ("X said ..."): before the
    verb in its clause or at the sentence's start ("On Monday, X said"), right after it across
    only the words of an occasion, or naming the occasion ("during the talks here on 26 October").
    A date inside what was said dates what was said, not the saying; one after a determiner names
    a thing ("condemned the 2019 Pulwama attack")."""
    trigger = draft.trigger
    if mention.end <= trigger.start:
        gap = text[mention.end:trigger.start]
        return CLAUSE_BREAK.search(gap) is None or not text[draft.sentence.start:mention.start].strip()
    if mention.start < trigger.end:
        return False
    if _AT_AN_OCCASION.search(text, max(trigger.end, mention.start - 80), mention.start) is not None:
        return True
    if _REACTION_VERB.fullmatch(trigger.text) and _WHAT_IS_REACTED_TO.fullmatch(text, trigger.end, mention.start):
        return True  # "condemned the terror attack in Pulwama on Thursday", "denied the report on Wednesday"
    return _tells_when_said(text, trigger.end, mention)


_PARTICIPLE = re.compile(r"\b(?:\w+ed|held|made|signed|struck|won|begun|done|seen|taken)\b", re.IGNORECASE)
# The stems of verbs of reacting to an event, for extract/__init__ too (who reacts to an attack is
# not its agent; what is reacted to happened before the reaction).
REACTION_STEMS = "condemn|denounc|deplor|mourn|criticis|criticiz|welcom|hail|prais|protest"
# ... and of answering it, which dates the same way ("denied the report on Wednesday").
_REACTION_VERB = re.compile(rf"(?:{REACTION_STEMS}|deni|reject)\w*", re.IGNORECASE)
# The object of a reaction, with where it happened: "the terror attack in Pulwama", "the takeover".
_WHAT_IS_REACTED_TO = re.compile(
    r"\s+(?:the|this|that|its|their)\s+(?:(?!(?:was|were|is|are|had|has|have|that|which|who)\b)[\w’'-]+\s+){0,3}?"
    r"[\w’'-]+(?:\s+(?:in|at|near|of)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?\s+"
)


def _tells_when_said(text: str, verb_end: int, mention: TimeMention) -> bool:
    """Whether `mention`, after a reporting verb ending at `verb_end`, is when that verb was said: only
    the words of an occasion between them ("said in a statement on Monday"), and the date names no
    thing of its own ("said its September 22, 1986 agreement", "said this week's talks")."""
    return (_OCCASION.fullmatch(text, verb_end, mention.start) is not None
            and _DETERMINER_BEFORE.search(text, max(verb_end, mention.start - 8), mention.start) is None
            and text[mention.end:mention.end + 2] not in ("'s", "’s")
            and not (_BARE_YEAR.fullmatch(mention.text) and text[mention.end + 1:mention.end + 2].isalpha()))


_BARE_YEAR = re.compile(r"\d{4}")
_NAME_WORDS = re.compile(r"(?:\s+(?!(?:and|or|but|that|which|who|to|of|in|for|with|by)\b)[\w’'-]+){0,2}\s+", re.IGNORECASE)
# "captured by Israel in the 1967 Middle East war", "agreed at the 1986 Tokyo summit": the thing the
# year names is when the event happened.
_DURING_BEFORE = re.compile(r"\b(?:in|during|at)\s+(?:the|a|an|its|their|this|that)\s+$", re.IGNORECASE)


def _names_a_thing(text: str, mention: TimeMention) -> bool:
    """A bare year between a determiner and a noun: "the 2002 Bali bombings", "the 2019 Pulwama attack".
    It names that thing, and dates nothing else in the sentence ("The visit comes two decades after
    the 2002 Bali bombings" is no visit of 2002)."""
    return (_BARE_YEAR.fullmatch(mention.text) is not None
            and _DETERMINER_BEFORE.search(text, max(0, mention.start - 8), mention.start) is not None
            and text[mention.end:mention.end + 1] == " " and text[mention.end + 1:mention.end + 2].isalpha()
            and _DURING_BEFORE.search(text, max(0, mention.start - 16), mention.start) is None)


def _in_its_name(text: str, mention: TimeMention, draft: _Draft) -> bool:
    """Whether the draft's trigger is the noun the year names ("the 2008 Mumbai attacks", "a 1986 bilateral pact")."""
    return mention.end <= draft.trigger.start and _NAME_WORDS.fullmatch(text, mention.end, draft.trigger.start) is not None


def named_with_its_date(text: str, trigger: TriggerMatch, times: Sequence[TimeMention]) -> TimeMention | None:
    """The dated mention in the trigger's own name ("the 2008 Mumbai attacks"); None when there is none."""
    for mention in times:
        if (mention.date_start is not None and mention.end <= trigger.start
                and _DETERMINER_BEFORE.search(text, max(0, mention.start - 8), mention.start) is not None
                and _NAME_WORDS.fullmatch(text, mention.end, trigger.start) is not None):
            return mention
    return None


_JOINED = re.compile(r",?\s+and\s+|,\s+")


def second_named_event(text: str, first: TriggerMatch, second: TriggerMatch, times: Sequence[TimeMention]) -> int | None:
    """Where the phrase of `second` starts when it names an event of its own after `first`: each
    named with a date of its own ("the 2019 Pulwama attack and the 2008 Mumbai attacks"), the two
    phrases joined by "and" or a comma; None otherwise (one event per type and sentence)."""
    own_first = named_with_its_date(text, first, times)
    own_second = named_with_its_date(text, second, times)
    if own_first is None or own_second is None or own_first is own_second:
        return None
    determiner = _DETERMINER_BEFORE.search(text, max(first.end, own_second.start - 8), own_second.start)
    if determiner is None or _JOINED.fullmatch(text, first.end, determiner.start()) is None:
        return None
    return determiner.start()


def is_reported_speech(draft: _Draft) -> bool:
    """A statement reported by its verb ("said", "told", "condemned"), not named by a noun ("a joint statement")."""
    return draft.event_type == "statement" and draft.trigger.text.lower() not in STATEMENT_NOUNS


def date_from_sentence(
    text: str, draft: _Draft, times: list[TimeMention], all_times: list[TimeMention],
    speech: Sequence[TriggerMatch] = (),
) -> None:
    """The date of the mention governing the trigger: its own clause's first, else the nearest free one.

    `speech`: the sentence's reporting verbs ("said"). A date that tells when one of them was said
    ("said on Monday that a drone strike had killed ...") dates an event reported after it only
    approximately: the event happened by then, on a day the sentence does not give.
    """
    trigger = draft.trigger
    if is_reported_speech(draft):
        all_times = [m for m in all_times if says_when_spoken(text, draft, m)]
    all_times = [m for m in all_times if not _names_a_thing(text, m) or _in_its_name(text, m, draft)]
    kept = {id(m) for m in all_times}  # `times` is a part of `all_times`: each mention is judged once
    times = [m for m in times if id(m) in kept]
    if draft.event_type == "resolution" and resolution_number(trigger.text):
        # Only the year right after the number dates a cited resolution; a meeting's date does not.
        times = all_times = [m for m in all_times if 0 <= m.start - trigger.end <= 3]
    # NOTE: a clause-local date is shared by every trigger of that clause ("agreed ... at a meeting on
    # Wednesday"); only the sentence-wide fallback respects other triggers' reservations.
    mention = clause_mention(text, trigger, all_times)
    if mention is None:
        dated = [m for m in times if m.date_start is not None]
        if dated:
            mention = min(dated, key=lambda m: abs(m.start - trigger.start))
    for duration in times:
        if duration.type == "DURATION" and duration.value and _RELATIVE_DURATION.match(duration.value):
            link = _RELATIVE_LINK.match(text, duration.end)
            if link and 0 <= trigger.start - link.end() <= 40:
                draft.relative = (duration, link.group(1))
                return
    if mention is None or mention.date_start is None:
        return
    draft.date_start, draft.date_end = mention.date_start, mention.date_end or mention.date_start
    draft.precision = mention.precision
    draft.approximate = mention.approximate
    draft.value = mention.value
    draft.date_text = mention.text
    draft.own_date = True
    if mention.future and draft.status == "past":
        draft.status = "planned"
    if draft.event_type != "statement" and any(
        verb.end <= mention.start and _tells_when_said(text, verb.end, mention)
        and (mention.end <= trigger.start
             or (trigger.end <= verb.start and verb.text.lower() in _SAYING_VERBS))
        for verb in speech
    ):
        # "said on Monday that a drone strike had killed ...", and "A drone strike killed ..., officials
        # said on Friday": the strike happened by that day.
        draft.approximate = True
        draft.by_report = True
        draft.reason = f"the day it was reported ({mention.text!r}), not a date of its own"
    elif draft.reacted_to and not (mention.start >= trigger.end and _PARTICIPLE.search(text, trigger.end, mention.start)) \
            and not (_names_a_thing(text, mention) and _in_its_name(text, mention, draft)):
        # "ECOWAS condemned the takeover on Tuesday": it happened by the day of the reaction; but
        # "welcoming the agreement reached last week" gives the agreement's own date, and so does
        # the year in its name ("condemned the 2019 Pulwama attack").
        draft.approximate = True
        draft.reason = f"the day of a reaction to it ({mention.text!r}), not a date of its own"



# -- across sentences -----------------------------------------------------------------------


def inherit_from_same_event(drafts: list[_Draft]) -> None:
    """An undated mention of an event dated elsewhere in the document ("the meeting") takes that date."""
    # Per-type lists in document order, so that each look-up sees only a window of nearby
    # mentions of its type: a pathological document with 100k events stays linear.
    dated_by_type: dict[str, list[_Draft]] = {}
    for d in drafts:
        if d.own_date:
            dated_by_type.setdefault(d.event_type, []).append(d)
    positions = {event_type: [d.trigger.start for d in items] for event_type, items in dated_by_type.items()}
    members: dict[int, list[_Draft]] = {}
    for draft in drafts:
        if draft.own_date or draft.relative is not None:
            continue
        same_type = dated_by_type.get(draft.event_type, [])
        at = bisect.bisect_left(positions.get(draft.event_type, []), draft.trigger.start)
        anchor = _same_event(draft, same_type[max(0, at - SAME_EVENT_WINDOW): at + SAME_EVENT_WINDOW])
        if anchor is None:
            continue
        draft.anchor = anchor
        members.setdefault(id(anchor), []).append(draft)
        _copy_date(draft, anchor, f"the same {draft.event_type} in another sentence")
        if anchor.place is not None:
            draft.place = anchor.place
        if draft.number is None:
            draft.number = anchor.number
        if not draft.actors:
            draft.actors = list(anchor.actors)
    _date_by_a_later_mention(drafts, members)
    # The place of a group of mentions of one event is where any of them says it was.
    for items in dated_by_type.values():
        for anchor in items:
            group = [anchor] + members.get(id(anchor), [])
            place = next((d.place for d in group if d.place is not None), None)
            for member in group:
                if member.place is None:
                    member.place = place
    # "The resolution had demanded ...": the resolution named last.
    last_numbered: _Draft | None = None
    for draft in drafts:
        if draft.event_type != "resolution":
            continue
        if draft.number is None and draft.date_start is None and last_numbered is not None:
            _copy_date(draft, last_numbered, "the resolution named before it")
            draft.number = last_numbered.number
            draft.actors = draft.actors or list(last_numbered.actors)
        elif draft.number:
            last_numbered = draft
    # Several sentences about one resolution: the most precise date wins ("in August" over "(2021)").
    by_number: dict[str, list[_Draft]] = {}
    for draft in drafts:
        if draft.event_type == "resolution" and draft.number is not None:
            by_number.setdefault(draft.number, []).append(draft)
    for group in by_number.values():
        for draft in group:
            if draft.date_start is None:
                continue
            for other in group[:SAME_EVENT_WINDOW]:
                if (
                    other.date_start is not None
                    and other.date_end is not None
                    and draft.date_end is not None
                    and _PRECISION_RANK.get(other.precision or "", 9) < _PRECISION_RANK.get(draft.precision or "", 9)
                    and draft.date_start <= other.date_start
                    and other.date_end <= draft.date_end
                ):
                    _copy_date(draft, other, f"resolution {draft.number} in another sentence")


def _by_sentence(drafts: list[_Draft]) -> dict[int, list[_Draft]]:
    grouped: dict[int, list[_Draft]] = {}
    for draft in drafts:
        grouped.setdefault(id(draft.sentence), []).append(draft)
    return grouped


# Verbs that only report what was said: "A drone strike killed ..., officials said on Friday" dates the
# strike by Friday at the latest. Not "announced" ("the agreement announced on March 5" was made public,
# and so made, that day) nor "added" ("a pact to be added next week").
_SAYING_VERBS = frozenset("said says say saying told stated tweeted".split())


# "The strike took place", "this attack": a mention naming an event again ("that talks ... have resumed"
# does not: "that" there is a conjunction).
_NAMED_AGAIN = re.compile(r"\b(?:the|this)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)


def _date_by_a_later_mention(drafts: list[_Draft], members: dict[int, list[_Draft]]) -> None:
    """An event dated only by the day it was reported takes the date that the next mention of its type
    gives, when that one names it again ("A US drone strike killed ..., officials said on Friday.
    The strike took place on Jan. 31"): the definite mention right after it, with a date of its own
    on or before the report's day. The two are one event (its anchor); so are the mentions that took
    the report's day from it."""
    last_by_type: dict[str, _Draft] = {}
    for draft in drafts:
        earlier = last_by_type.get(draft.event_type)
        last_by_type[draft.event_type] = draft
        if (earlier is None or not earlier.by_report or earlier.anchor is not None or draft.by_report
                or not _NAMED_AGAIN.search(draft.sentence.text, max(0, draft.trigger.start - draft.sentence.start - 40),
                                           draft.trigger.start - draft.sentence.start)
                or not draft.own_date or draft.date_end is None or earlier.date_end is None
                or draft.date_end > earlier.date_end or draft.sentence.start == earlier.sentence.start):
            continue
        for member in [earlier, *members.get(id(earlier), [])]:
            _copy_date(member, draft, f"the same {draft.event_type} named again later")
        earlier.anchor = draft
        earlier.by_report = False


def _copy_date(draft: _Draft, source: _Draft, why: str) -> None:
    draft.date_start, draft.date_end = source.date_start, source.date_end
    draft.precision, draft.approximate, draft.value = source.precision, source.approximate, source.value
    draft.date_text = source.date_text
    draft.reason = f"date of {why}: {source.date_text!r}" if source.date_text else f"date of {why}"


def _same_event(draft: _Draft, dated: list[_Draft]) -> _Draft | None:
    candidates = [d for d in dated if d.event_type == draft.event_type and d is not draft]
    if draft.event_type == "statement":
        # Many statements are made around one event: only "the joint statement" refers back to one.
        if draft.trigger.text.lower() not in STATEMENT_NOUNS:
            return None
        candidates = [d for d in candidates if d.trigger.text.lower() in STATEMENT_NOUNS]
    if draft.event_type == "resolution":
        if draft.number is None:
            earlier = [d for d in candidates if d.trigger.start < draft.trigger.start]
            return earlier[-1] if earlier else None
        candidates = [d for d in candidates if d.number == draft.number]
    elif draft.actors:
        names = {a.name for a in draft.actors if a.kind != "armed_group"}
        candidates = [d for d in candidates if names & {a.name for a in d.actors if a.kind != "armed_group"}]
    elif draft.definite:
        # "The meeting was held in Phnom Penh": the one dated just before.
        earlier = [d for d in candidates if d.trigger.start < draft.trigger.start]
        return earlier[-1] if earlier else None
    else:
        return None
    if not candidates:
        return None
    earlier = [d for d in candidates if d.trigger.start < draft.trigger.start]
    return earlier[-1] if earlier else candidates[0]


def resolve_relative_dates(drafts: list[_Draft]) -> None:
    """"The meeting came a few days after the killing": the killing is dated from the meeting."""
    by_sentence = _by_sentence(drafts)
    for draft in drafts:
        if draft.relative is None:
            continue
        duration, direction = draft.relative
        anchor = next(
            (
                d for d in by_sentence[id(draft.sentence)]
                if d is not draft and d.date_start is not None
            ),
            None,
        )
        if anchor is None or anchor.date_start is None or anchor.date_end is None:
            continue
        unit = 7 if duration.value and duration.value.endswith("W") else 1
        count = duration.value[1:-1] if duration.value else "X"
        low, high = (2, 7) if count == "X" else (int(count), int(count))
        sign = -1 if direction == "after" else 1
        edge = anchor.date_start if sign < 0 else anchor.date_end
        first, second = edge + timedelta(days=sign * low * unit), edge + timedelta(days=sign * high * unit)
        draft.date_start, draft.date_end = min(first, second), max(first, second)
        draft.precision = "day" if low == high and unit == 1 else "week"
        draft.approximate = count == "X" or anchor.approximate
        draft.value = draft.date_start.isoformat() if draft.date_start == draft.date_end else None
        draft.date_text = duration.text
        draft.reason = f"{duration.text} {'before' if sign < 0 else 'after'} the {anchor.event_type} of {edge.isoformat()}"


def date_statements_by_publication(text: str, drafts: list[_Draft], published: date) -> None:
    """A reported statement with no date of its own was made by publication (approximately).

    One "issued after the meeting" was made between that meeting and publication.
    """
    undated = [d for d in drafts if d.event_type == "statement" and d.date_start is None and d.status == "past"]
    by_sentence = _by_sentence(drafts)
    for draft in undated:
        after = _ISSUED_AFTER.match(text, draft.trigger.end)
        if after is None:
            continue
        earlier = next(
            (
                d for d in by_sentence[id(draft.sentence)]
                if 0 <= d.trigger.start - after.end() <= 12
                and d.date_end is not None and d.date_end <= published
            ),
            None,
        )
        if earlier is not None and earlier.date_end is not None:
            draft.date_start, draft.date_end = earlier.date_end, published
            draft.precision = "day" if earlier.date_end == published else "week"
            draft.approximate, draft.value = True, None
            draft.reason = f"after the {earlier.event_type} of {earlier.date_end.isoformat()}, by publication"
    # What "both sides urged" in a document about their joint statement: that statement's date.
    joint = [
        d for d in drafts
        if d.event_type == "statement" and d.trigger.text.lower() in STATEMENT_NOUNS and d.date_start is not None
    ]
    for draft in undated:
        if draft.date_start is not None:
            continue
        speakers = {a.name for a in draft.actors if a.role == "speaker"}
        source = None
        if len(speakers) >= 2:
            source = next(
                (j for j in joint[:SAME_EVENT_WINDOW] if speakers <= {a.name for a in j.actors if a.role == "speaker"}),
                None,
            )
        if source is not None:
            _copy_date(draft, source, "the joint statement it reports")
            continue
        draft.date_start = draft.date_end = published
        draft.precision, draft.approximate, draft.value = "day", True, published.isoformat()
        draft.reason = PUBLISHED_REASON

