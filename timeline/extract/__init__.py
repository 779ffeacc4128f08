"""extract(document) → list[EventCandidate]: typed, dated, placed and attributed events of one document."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from timeline.extract.dates import (
    CLAUSE_BREAK,
    PUBLISHED_REASON,
    REACTION_STEMS,
    STATEMENT_NOUNS,
    clause_mention,
    date_from_sentence,
    date_statements_by_publication,
    inherit_from_same_event,
    names_a_maturity,
    reserve_mentions,
    resolve_relative_dates,
    second_named_event,
)
from timeline.extract.entities import ActorMention, Entities, PlaceMention, get_finder
from timeline.extract.sentences import Sentence, split_sentences
from timeline.extract.timex import find_time_mentions
from timeline.extract.triggers import (
    ANSWERING_VERBS,
    BARE_STRIKE,
    REPORTING_VERBS,
    TriggerMatch,
    assess,
    cameo_code,
    get_matcher,
    military_strike,
    names_military_strike,
    resolution_number,
    write_title,
)
from timeline.lexicon import Lexicon, folders, load_lexicon
from timeline.records import ActorRef, Document, EventCandidate, PlaceRef, TimeMention

__all__ = ["PUBLISHED_REASON", "extract"]

_T = TypeVar("_T")

# Types whose actors after the trigger are what was hit, taken or listed, not participants.
TARGETED_TYPES = frozenset({"strike", "attack", "takeover", "designation", "sanction"})
# Types whose place is what the trigger names directly ("took over Kabul", "visited Delhi").
_OBJECT_PREPOSITIONS = {"takeover": {"over", "captured"}, "visit": {"to", "visited"}}
_EVENT_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside"})
_GROUP_ANAPHORA = re.compile(
    r"\b(?:[Bb]oth (?:sides|parties|countries|nations)|[Tt]he two (?:sides|countries|nations|leaders)|[Tt]hey|[Tt]he officials)\b"
)
_PRONOUN_BEFORE = re.compile(r"\b(?:[Hh]e|[Ss]he)\s+(?:\w+\s+)?$")
_DEFINITE_BEFORE = re.compile(r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+$")
_BY_AGENT = re.compile(r"\bby\s+")
_TOPIC = re.compile(r"\b(?:counter-?terrorism|anti-terrorism)\b", re.IGNORECASE)
_NUMBERED_RESOLUTION = re.compile(r"[Rr]esolution\s+(\d{3,4})")
_NO_PLACE_TYPES = frozenset({"statement", "resolution", "designation", "sanction"})
_GROUP_TYPES = frozenset({"meeting", "statement", "agreement", "visit", "aid"})
# Reacting to an attack, blaming someone for it or asking for it to be investigated.
_REACTING = re.compile(rf"\b(?:{REACTION_STEMS}|slam|decr[iy]|blam|investigat|probe)\w*", re.IGNORECASE)
# "ECOWAS condemned the takeover on Tuesday": the takeover happened before, Tuesday is the condemning.
_REACTION_TO = re.compile(
    rf"\b(?:{REACTION_STEMS}|blam)\w*\s+"
    r"(?:[\w’'-]+\s+){0,3}?(?:the|this|that|a|an|last\s+\w+['’]s|\w+['’]s)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_AND_THEN = re.compile(r"\band\s+(?:\w+\s+)?(?:said|says|added|announced|called|urged|\w+ed)\b")
_SAID_IN = re.compile(
    r"\b(?:said|says|say|told(?:\s+[\w-]+){1,2}|added|announced|stated|tweeted|wrote)\s+in\s+$"
)
_SAYING = frozenset({"said", "says", "say", "saying", "told", "added"})
_CLAUSE_END = re.compile(r"[;:()]|,\s")
# Up to the end of the last clause break: one match, where finding every break took a loop (breaks
# never overlap, so the last one found from the left is the one this backtracks to).
_UP_TO_CLAUSE_BREAK = re.compile(r"(?s:.*)(?:" + CLAUSE_BREAK.pattern + ")")


@dataclass
class _Draft:
    """An event being assembled from one sentence; dates may come from other sentences later."""

    event_type: str
    trigger: TriggerMatch
    sentence: Sentence
    status: str
    actors: list[ActorRef] = field(default_factory=list)
    place: PlaceRef | None = None
    date_start: date | None = None
    date_end: date | None = None
    precision: str | None = None
    approximate: bool = False
    value: str | None = None
    date_text: str | None = None
    reason: str | None = None
    own_date: bool = False
    by_report: bool = False  # dated only by the day it was reported ("..., officials said on Friday")
    number: str | None = None  # a resolution's number
    relative: tuple[TimeMention, str] | None = None  # ("a few days", "after") the event of another trigger
    anchor: _Draft | None = None
    has_actor_before: bool = False  # a named actor precedes the trigger in its sentence
    has_party_before: bool = False  # ... or "both sides", "they"
    definite: bool = False  # "the meeting", "this attack": an event named before
    reacted_to: bool = False  # "condemned the takeover", "condemned a suicide attack": what someone reacts to
    clause_start: int = -1  # where the trigger's clause starts; -1 until _clause_start computes it
    # Its own phrase's part of the sentence, when another event of its type has the rest ("the 2019
    # Pulwama attack and the 2008 Mumbai attacks"): its actors and place are found there only.
    span: tuple[int, int] | None = None

    def holds(self, position: int) -> bool:
        """Whether `position` lies in the part of the sentence that is this event's."""
        return self.span is None or self.span[0] <= position < self.span[1]


def extract(document: Document, lexicon_dirs: Sequence[Path] = ()) -> list[EventCandidate]:
    """The events a chronology would list from one document, one candidate per type and sentence.

    Pure: no database, no clock (relative dates resolve against `document.published`, or stay
    unresolved when it is None). Boilerplate lines are never sources. Returns [] when nothing is found.
    """
    extra = folders(lexicon_dirs)
    lexicon = load_lexicon(extra)
    finder = get_finder(extra)
    text = document.text
    triggers = get_matcher(lexicon).find(text)
    if not triggers:
        return []
    # Only the sentences holding a trigger are used (_drafts): only their lines are split.
    sentences = split_sentences(text, [t.start for t in triggers])
    if document.boilerplate:
        sentences = [s for s in sentences if not document.is_boilerplate(s.start, s.end)]
    if not sentences:
        return []
    entities = finder.find(text)
    # Only the mentions inside sentences holding a trigger are used (_drafts): none past the last of them.
    last_trigger = triggers[-1].start
    until = max((s.end for s in sentences if s.start <= last_trigger), default=0)
    found = find_time_mentions(text, document.published, until)
    mentions = [m for m in found if m.type in ("DATE", "TIME", "DURATION") and not names_a_maturity(text, m)]
    drafts = _drafts(text, sentences, triggers, mentions, entities, lexicon, finder.country_actor)
    # A statement nobody can be said to have made ("sources said", "the resolution ... reiterated").
    drafts = [d for d in drafts if d.event_type != "statement" or any(a.role == "speaker" for a in d.actors)]
    inherit_from_same_event(drafts)
    resolve_relative_dates(drafts)
    if document.published is not None:
        date_statements_by_publication(text, drafts, document.published)
    drafts = _without_undated_headlines(drafts, _headline_end(document))
    position = {id(draft): index for index, draft in enumerate(drafts)}
    return [
        _candidate(draft, lexicon, document.published,
                   position.get(id(draft.anchor)) if draft.anchor is not None else None)
        for draft in drafts
    ]


def _headline_end(document: Document) -> int:
    """Where the document's headline line ends in its text, or -1 when the text does not start with it."""
    if not document.title:
        return -1
    text = document.text
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return end if " ".join(text[start:end].split()) == document.title else -1


def _without_undated_headlines(drafts: list[_Draft], headline_end: int) -> list[_Draft]:
    """The drafts but those of the headline that stayed undated while the body dates one of their type.

    "Pakistan condemns attack on Chinese engineers" above "The attack took place on Tuesday near
    Besham": the headline names no date, and its undated copy of the event would stand apart from
    the dated one (undated never merges with dated), as an event of its own.
    """
    if headline_end < 0:
        return drafts
    dated_in_body = {d.event_type for d in drafts if d.sentence.start >= headline_end and d.date_start is not None}
    return [d for d in drafts
            if not (d.sentence.end <= headline_end and d.date_start is None and d.event_type in dated_in_body)]


# -- per sentence ---------------------------------------------------------------------------


def _drafts(
    text: str,
    sentences: list[Sentence],
    triggers: list[TriggerMatch],
    mentions: list[TimeMention],
    entities: Entities,
    lexicon: Lexicon,
    country_actor: Callable[[str], ActorRef | None],
) -> list[_Draft]:
    starts = [s.start for s in sentences]
    by_sentence: dict[int, list[TriggerMatch]] = {}
    for trigger in triggers:
        index = bisect.bisect_right(starts, trigger.start) - 1
        if index >= 0 and trigger.end <= sentences[index].end:
            by_sentence.setdefault(index, []).append(trigger)
    main_pair = _main_countries(entities.actors)
    actor_starts = [m.start for m in entities.actors]
    place_starts = [p.start for p in entities.places]
    mention_starts = [m.start for m in mentions]
    military_document = names_military_strike(triggers)
    drafts: list[_Draft] = []
    last_speaker: list[ActorMention] = []
    for index, sentence_triggers in sorted(by_sentence.items()):
        sentence = sentences[index]
        actors = _within(entities.actors, actor_starts, sentence)
        places = _within(entities.places, place_starts, sentence)
        times = _within(mentions, mention_starts, sentence)
        chosen: dict[str, tuple[TriggerMatch, str]] = {}
        latest: dict[str, TriggerMatch] = {}  # per type, the trigger of the last event kept
        named_after: list[tuple[TriggerMatch, str, TriggerMatch, int]] = []  # trigger, status, the one before, split
        for trigger in sentence_triggers:
            status = assess(text, sentence.start, trigger, lexicon)
            if status is None:
                continue
            if trigger.event_type == "resolution" and "resolution" not in sentence.text.lower():
                continue  # "adopted" names a resolution only next to the word
            if trigger.text.lower() == BARE_STRIKE and not military_strike(sentence.text, military_document):
                continue  # "the dock workers' strike"
            current = chosen.get(trigger.event_type)
            before = latest.get(trigger.event_type)
            split = second_named_event(text, before, trigger, times) if before is not None else None
            if before is not None and split is not None:
                named_after.append((trigger, status, before, split))  # "... attack and the 2008 Mumbai attacks"
            elif current is None or _displaces(text, trigger, current[0], times, actors):
                chosen[trigger.event_type] = (trigger, status)
            else:
                continue
            latest[trigger.event_type] = trigger
        if not chosen:
            continue
        sentence_drafts = [
            _Draft(event_type, trigger, sentence, status) for event_type, (trigger, status) in chosen.items()
        ]
        _add_named_after(sentence_drafts, named_after)
        sentence_drafts.sort(key=lambda d: d.trigger.start)
        for draft in sentence_drafts:
            draft.definite = _DEFINITE_BEFORE.search(text, max(0, draft.trigger.start - 12), draft.trigger.start) is not None
            draft.reacted_to = _REACTION_TO.search(
                text, max(sentence.start, draft.trigger.start - 50), draft.trigger.start) is not None
        reserved = reserve_mentions(text, sentence_drafts, times)
        speech = [t for t in sentence_triggers if t.event_type == "statement" and t.text.lower() in REPORTING_VERBS]
        for draft in sentence_drafts:
            if draft.event_type == "resolution":
                draft.number = resolution_number(draft.trigger.text) or _number_in(draft.sentence.text)
            usable = [m for m in times if reserved.get(id(m), draft) is draft]
            date_from_sentence(text, draft, usable, times, speech)
        _assign_actors(text, sentence_drafts, actors, entities.actors, main_pair, country_actor, last_speaker)
        _assign_places(text, sentence_drafts, places, entities.dateline)
        drafts.extend(sentence_drafts)
    return drafts


def _displaces(
    text: str, trigger: TriggerMatch, current: TriggerMatch, times: list[TimeMention], actors: list[ActorMention]
) -> bool:
    """Whether `trigger` is the one to keep for its type in the sentence rather than `current`.

    The one with a date in its own clause, except that a verb of answering gives way to a later
    statement in a clause of its own with its own named speaker: "Hong Kong houses also welcomed the
    move, but a spokesman for Shun Loong Co said ..." reports what the company said, as it did before
    "welcomed" was a trigger; "Iran denied the report, a spokesman said" keeps the denial.
    """
    if trigger.event_type == "statement" and current.text.lower() in ANSWERING_VERBS \
            and trigger.text.lower() not in ANSWERING_VERBS:
        clause = _UP_TO_CLAUSE_BREAK.match(text, current.end, trigger.start)
        if clause and any(clause.end() <= m.start and m.end <= trigger.start for m in actors):
            return True
    return clause_mention(text, trigger, times) is not None and clause_mention(text, current, times) is None


def _add_named_after(drafts: list[_Draft], named_after: list[tuple[TriggerMatch, str, TriggerMatch, int]]) -> None:
    """Add the events named, with a date of their own, after another of their type in the sentence;
    each of the two gets its part of the sentence, split where the second one's phrase starts."""
    by_trigger = {draft.trigger: draft for draft in drafts}
    for trigger, status, before, split in named_after:
        first = by_trigger.get(before)
        if first is None:
            continue
        sentence = first.sentence
        first.span = ((first.span or (sentence.start, sentence.end))[0], split)
        draft = _Draft(trigger.event_type, trigger, sentence, status, span=(split, sentence.end))
        by_trigger[trigger] = draft
        drafts.append(draft)


def _within(items: Sequence[_T], starts: list[int], sentence: Sentence) -> list[_T]:
    """The items (sorted by start, with `starts` their offsets) that begin inside the sentence."""
    low = bisect.bisect_left(starts, sentence.start)
    high = bisect.bisect_left(starts, sentence.end)
    return list(items[low:high])


def _number_in(sentence: str) -> str | None:
    found = _NUMBERED_RESOLUTION.search(sentence)
    return found.group(1) if found else None


def _main_countries(actors: Sequence[ActorMention]) -> list[str]:
    # NOTE: countries counted before people's countries: ties keep that order, as most_common(2) did.
    counts: dict[str, int] = {}
    for m in actors:
        if m.actor.kind == "country":
            counts[m.actor.name] = counts.get(m.actor.name, 0) + 1
    for m in actors:
        if m.actor.kind == "person" and m.country:
            counts[m.country] = counts.get(m.country, 0) + 1
    # sorted(reverse=True) is stable, as most_common's nlargest is: equal counts stay in first-seen order.
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    return [name for name, count in ranked[:2] if count >= 2]


def _assign_actors(
    text: str,
    drafts: list[_Draft],
    actors: list[ActorMention],
    all_actors: Sequence[ActorMention],
    main_pair: list[str],
    country_actor: Callable[[str], ActorRef | None],
    last_speaker: list[ActorMention],
) -> None:
    """Give each draft of one sentence its actors with roles.

    What a strike, attack, takeover or designation hits (after the trigger, in its clause) and who
    spoke ("X said") belong to that draft only; "both sides" brings in the document's two main
    countries; "he said" the last speaker.
    """
    claimed: dict[int, tuple[_Draft, str]] = {}
    for draft in drafts:
        if draft.event_type not in TARGETED_TYPES:
            continue
        stop = _clause_end(text, draft) if draft.event_type != "designation" else draft.sentence.end
        by = _BY_AGENT.search(text, draft.trigger.end, _clause_end(text, draft))
        agents = (by.end(), _clause_end(text, draft, by.end())) if by else (-1, -1)
        for position, mention in enumerate(actors):
            if draft.trigger.end <= mention.start < stop and position not in claimed and draft.holds(mention.start):
                agent = agents[0] <= mention.start < agents[1]
                claimed[position] = (draft, "agent" if agent else "target")
    for draft in drafts:
        if draft.event_type == "resolution":
            # "UN Security Council Resolution 2593": the council is the resolution's, not the meeting's.
            for position, mention in enumerate(actors):
                if 0 <= draft.trigger.start - mention.end <= 3:
                    claimed[position] = (draft, "adopter")
    excluded: dict[int, set[int]] = {}  # id(draft) → actor positions that are what a statement is about
    for statement in drafts:
        if statement.event_type != "statement" or statement.trigger.text.lower() in STATEMENT_NOUNS:
            continue
        for draft in drafts:
            if draft is not statement and draft.trigger.start < statement.trigger.start:
                excluded[id(draft)] = {p for p, m in enumerate(actors) if m.start >= statement.trigger.end}
    for draft in drafts:
        if draft.event_type == "statement" and draft.trigger.text.lower() in _SAYING:
            # The subject of "X said" speaks; X did not take part in the events of the sentence.
            zone = _clause_start(text, draft)
            for position, mention in enumerate(actors):
                if zone <= mention.start < draft.trigger.start and position not in claimed:
                    claimed[position] = (draft, "speaker")
    for draft in drafts:
        draft.has_actor_before = any(m.start < draft.trigger.start and m.actor.kind != "armed_group" for m in actors)
        draft.has_party_before = (
            draft.has_actor_before
            or _GROUP_ANAPHORA.search(text, draft.sentence.start, draft.trigger.start) is not None
        )
    sentence = drafts[0].sentence
    for draft in drafts:
        refs: dict[str, ActorRef] = {}
        skip = excluded.get(id(draft), set())
        for position, mention in enumerate(actors):
            if not draft.holds(mention.start):
                continue
            owner = claimed.get(position)
            if (owner is not None and owner[0] is not draft) or (owner is None and position in skip):
                continue
            role = owner[1] if owner is not None else _role(text, draft, mention)
            if role is None:
                continue
            if role == "agent" and owner is None and any(
                mention.end <= other.trigger.start and other.trigger.end <= draft.trigger.start
                for other in drafts
                if other is not draft
            ):
                continue  # "India condemned the takeover": India is the speaker, not who took over
            _add(refs, _with_role(mention.actor, role))
            if mention.country:
                country = country_actor(mention.country)
                if country is not None:
                    _add(refs, _with_role(country, role))
        if draft.event_type == "statement" and not any(r.role == "speaker" for r in refs.values()):
            speaker = _pronoun_speaker(text, draft, all_actors, last_speaker)
            if speaker is not None:
                last_speaker.append(speaker)
                _add(refs, _with_role(speaker.actor, "speaker"))
                if speaker.country and (country := country_actor(speaker.country)) is not None:
                    _add(refs, _with_role(country, "speaker"))
        if main_pair and draft.event_type in _GROUP_TYPES and _GROUP_ANAPHORA.search(sentence.text):
            # "Both sides", "they": the two countries the document is about.
            role = "speaker" if draft.event_type == "statement" else "participant"
            for name in main_pair:
                country = country_actor(name)
                if country is not None:
                    _add(refs, _with_role(country, role))
        draft.actors = list(refs.values())
        if draft.event_type == "statement":
            speakers = [m for m in actors if m.actor.kind == "person" and refs.get(m.actor.name, m.actor).role == "speaker"]
            last_speaker.extend(speakers[-1:])


def _with_role(actor: ActorRef, role: str) -> ActorRef:
    if actor.role == role:
        return actor
    return ActorRef(actor.name, actor.kind, role, actor.aliases, actor.title)


def _add(refs: dict[str, ActorRef], ref: ActorRef) -> None:
    current = refs.get(ref.name)
    if current is None or (current.role in ("subject", "participant") and ref.role not in ("subject", "participant")):
        refs[ref.name] = ref


def _role(text: str, draft: _Draft, mention: ActorMention) -> str | None:
    before = mention.start < draft.trigger.start
    if draft.event_type == "statement":
        if draft.trigger.text.lower() in STATEMENT_NOUNS and mention.actor.kind != "armed_group":
            # "India and the US ... in their joint statement": the parties named before it issued it;
            # "A joint statement ... said both countries": with nobody named before, those after did.
            return "speaker" if before or not draft.has_actor_before else "subject"
        return "speaker" if before and mention.start >= _clause_start(text, draft) else "subject"
    if draft.event_type == "resolution":
        return "adopter" if mention.actor.name in ("UN Security Council", "United Nations") else "subject"
    if draft.event_type in TARGETED_TYPES:
        # Unclaimed actors of a strike or attack: only its subject right before it is the agent,
        # and not one reacting to it ("Pakistan condemns attack on Chinese engineers").
        near = before and draft.trigger.start - mention.end <= 40 and mention.start >= _clause_start(text, draft)
        return "agent" if near and _REACTING.search(text, mention.end, draft.trigger.start) is None else None
    if draft.event_type == "aid":
        return "agent" if before else "target"
    if draft.event_type == "visit":
        # "Armacost will visit Tokyo", "a tour of Britain, West Germany and France": who travels
        # comes before the trigger, the hosts after it.
        return "participant" if before else "target"
    if draft.event_type == "agreement" and draft.has_party_before and not before:
        return None  # "India and Russia decided to firewall ... Afghanistan": the parties come first
    return "participant"


def _clause_start(text: str, draft: _Draft) -> int:
    # Asked once per actor of the sentence: computed once per draft.
    if draft.clause_start < 0:
        last = _UP_TO_CLAUSE_BREAK.match(text, draft.sentence.start, draft.trigger.start)
        draft.clause_start = last.end() if last else draft.sentence.start
    return draft.clause_start


def _clause_end(text: str, draft: _Draft, start: int | None = None) -> int:
    found = _CLAUSE_END.search(text, draft.trigger.end if start is None else start, draft.sentence.end)
    return found.start() if found else draft.sentence.end


def _pronoun_speaker(
    text: str, draft: _Draft, all_actors: Sequence[ActorMention], last_speaker: list[ActorMention]
) -> ActorMention | None:
    """"he said": the person who spoke last, else the person named last before the sentence."""
    if _PRONOUN_BEFORE.search(text, max(draft.sentence.start, draft.trigger.start - 30), draft.trigger.start) is None:
        return None
    if last_speaker:
        return last_speaker[-1]
    earlier = [m for m in all_actors if m.actor.kind == "person" and m.start < draft.sentence.start]
    return earlier[-1] if earlier else None


def _assign_places(
    text: str, drafts: list[_Draft], places: list[PlaceMention], dateline: PlaceRef | None
) -> None:
    claimed: set[int] = set()
    for draft in drafts:
        if draft.event_type in TARGETED_TYPES:
            stop = _clause_end(text, draft)
            for position, place in enumerate(places):
                if draft.trigger.end <= place.start < stop and draft.holds(place.start):
                    claimed.add(position)
    for draft in drafts:
        if draft.event_type in _NO_PLACE_TYPES:
            continue  # where a statement was made is rarely where the places it names are
        allowed = _EVENT_PREPOSITIONS | _OBJECT_PREPOSITIONS.get(draft.event_type, set())
        if draft.event_type in TARGETED_TYPES:
            allowed = allowed | {"modifier"}  # "the Mumbai attack"
        best: tuple[int, PlaceRef] | None = None
        for position, place in enumerate(places):
            if place.preposition not in allowed or not draft.holds(place.start):
                continue
            if draft.event_type == "agreement" and place.place.kind == "country":
                continue  # agreements are reached in a city; "events in Afghanistan" is their subject
            if position in claimed and not (draft.event_type in TARGETED_TYPES and place.start >= draft.trigger.end):
                continue
            if place.start >= draft.trigger.end:
                distance = place.start - draft.trigger.end
                between = text[draft.trigger.end : place.start]
                # What is reacted to is placed where it is described ("condemned a suicide attack on a
                # convoy ... in Khyber Pakhtunkhwa"), not where the reacting party goes on to act
                # ("condemned the takeover on Tuesday and said ... would hold a meeting in Abuja").
                if draft.reacted_to and _AND_THEN.search(between):
                    continue
                if distance > 130 or re.search(r"[;:]|,\s", between):
                    continue
            else:
                distance = draft.trigger.start - place.end
                if distance > 70:
                    continue
                if draft.event_type in TARGETED_TYPES and _SAID_IN.search(text, max(0, place.start - 50), place.start):
                    # "Lin Jian said in Beijing that ... the attack": where it was said, not where it hit
                    # (a meeting's press conference is mostly held where the meeting was).
                    continue
                distance += 20  # prefer a place after the trigger ("met ... in Washington")
            # A city beats its country ("in Afghanistan" vs "in Kabul").
            score = distance + (60 if place.place.kind == "country" else 0)
            if best is None or score < best[0]:
                best = (score, place.place)
        here = text.find("here", draft.trigger.end, draft.sentence.end)
        if dateline is not None and here >= 0 and _is_word(text, here, here + 4):
            best = (0, dateline)
        draft.place = best[1] if best else None


def _is_word(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end >= len(text) or not text[end].isalnum())


# -- output ---------------------------------------------------------------------------------


def _candidate(draft: _Draft, lexicon: Lexicon, published: date | None, same_as: int | None = None) -> EventCandidate:
    leading = [a for a in draft.actors if a.role in ("participant", "speaker", "agent", "adopter")]
    # People first ("Jaishankar and Blinken hold talks"); else, for a meeting, its countries and bodies.
    subjects = [a.name for a in leading if a.kind == "person"]
    if not subjects and draft.event_type == "meeting":
        subjects = [a.name for a in draft.actors if a.kind in ("country", "organisation")]
    subjects = subjects or [a.name for a in leading]
    if draft.event_type == "statement" and len(subjects) > 1:
        # "Russia's Security Council said": the Council speaks for Russia; its country in the title
        # too ("Russia and Security Council of Russia make statement") says the same thing twice.
        bodies = {entry.country for entry in map(lexicon.actor, subjects) if entry and entry.kind == "organisation"}
        subjects = [name for name in subjects if name not in bodies] or subjects
    objects = [a.name for a in draft.actors if a.role == "target"]
    topic = "counterterrorism" if draft.event_type == "meeting" and _TOPIC.search(draft.sentence.text) else None
    name = f"Resolution {draft.number}" if draft.number else None
    if draft.event_type == "statement" and draft.trigger.text.lower() in STATEMENT_NOUNS:
        name = " ".join(draft.trigger.text.lower().split())
    title = write_title(
        draft.event_type,
        subjects[:4],
        objects[:4],
        draft.place.name if draft.place else None,
        lexicon,
        topic=topic,
        name=name,
    )
    if draft.status == "planned":
        # "The ministers said they would meet again next month": v_timeline and the briefings show
        # no status column (DESIGN's contract), and a plan must not read as something that happened.
        title += " (planned)"
    return EventCandidate(
        event_type=draft.event_type,
        title=title,
        summary=" ".join(draft.sentence.text.split()),
        sentence=draft.sentence.text,
        char_start=draft.sentence.start,
        char_end=draft.sentence.end,
        cameo_code=cameo_code(draft.event_type, lexicon),
        trigger=draft.trigger.text,
        date_start=draft.date_start,
        date_end=draft.date_end,
        date_precision=draft.precision,
        date_approximate=draft.approximate,
        date_value=draft.value,
        date_text=draft.date_text,
        date_reason=draft.reason,
        reference_date=published,
        place=draft.place,
        actors=tuple(sorted(draft.actors, key=lambda a: (a.role, a.name))),
        confidence=_confidence(draft),
        status=draft.status,
        number=draft.number if draft.event_type == "resolution" else None,
        same_as=same_as,
    )


def _confidence(draft: _Draft) -> float:
    score = 0.4
    if draft.own_date:
        score += 0.2
    elif draft.date_start is not None and draft.reason != PUBLISHED_REASON:
        score += 0.1
    if draft.actors:
        score += 0.1
    if draft.place is not None:
        score += 0.1
    if " " in draft.trigger.text or draft.number:
        score += 0.1
    return round(min(score, 0.95), 2)
