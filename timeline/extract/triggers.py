"""Event type from trigger words in context: negated, hypothetical and planned uses told apart."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from timeline.lexicon import Lexicon

# Reporting verbs whose subject must be a real speaker ("sources said" reports no statement).
REPORTING_VERBS = frozenset(
    "added announced demanded denied denies maintained reiterated rejected rejects restated said say saying says "
    "stated stressed told tweeted urged warned warn welcomed welcomes".split()
)
# Verbs of answering something, statements only in the active voice ("the bid was rejected by the
# board" names the board after the verb, "was denied entry" is no statement); "welcomed" only when
# what is welcomed is no guest ("the minister welcomed the delegation to Kabul" hosts a visit).
ANSWERING_VERBS = frozenset("denied denies rejected rejects welcomed welcomes".split())
_PASSIVE_BEFORE = frozenset("was were is are be been being get gets got".split())
_BY_AFTER = re.compile(r"\s+by\b", re.IGNORECASE)
# "rejected" says something only of something said ("rejected a U.K. suggestion", "rejected the
# report"); "Iraq rejected its OPEC quota", "rejected the offer" are acts, not statements.
_SAID_THING_AFTER = re.compile(
    r"\s+(?:[\w’'.-]+\s+){0,3}?(?:reports?|claims?|allegations?|charges?|accusations?|suggestions?|arguments?"
    r"|criticism|calls|speculation|rumou?rs?|remarks|comments|statements?|assertions?|views|demands?)\b",
    re.IGNORECASE,
)
# Adverbs and auxiliaries between a subject and its verb ("Sources further said", "had demanded").
_SKIPPED_BEFORE_VERB = frozenset(
    "also further had has have jointly later earlier strongly then reportedly officially again".split()
)
_DETERMINERS = frozenset("the a an this that last its their his her".split())
# Event types whose nouns name one specific occurrence only with a determiner or a name
# ("the 26/11 Mumbai attack", "a drone strike"), not as a generic plural ("plan terror attacks").
_SPECIFIC_ONLY = frozenset({"attack", "strike"})
# Plurals that name one event only with its year: "the 2008 Mumbai attacks", "the 2002 Bali bombings"
# ("plan terror attacks" names none).
_NAMED_PLURALS = frozenset({"attacks", "bombings"})
_NAMED_BY_YEAR = re.compile(r"\b(?:the|a|an|its|their|this|that|these|those)\s+\d{4}\s+(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
_CLAUSE_CHARS = ",;:()“”\"—–"
# Everything up to the last clause character: its end is where the trigger's clause starts.
_UP_TO_CLAUSE = re.compile("(?s:.*)[" + re.escape(_CLAUSE_CHARS) + "]")
_WORD = re.compile(r"[a-z]+(?:n't)?|n't")
# How a title says that a statement of this kind was made.
_STATEMENT_VERBS = {
    "joint statement": "issue joint statement",
    "press briefing": "hold press briefing",
    "press conference": "hold press conference",
    "statement": "issue statement",
}
_RESOLUTION_NUMBER = re.compile(r"\d{3,4}")


class TriggerMatch(NamedTuple):
    """A trigger phrase found in the document text."""

    start: int
    end: int
    event_type: str
    text: str


@dataclass(frozen=True)
class TriggerMatcher:
    """Compiled trigger, blocker and pattern regexes of one lexicon."""

    phrases: re.Pattern[str]
    phrase_types: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    blockers: re.Pattern[str] | None
    blocker_words: tuple[str, ...] = ("",)  # a word each blocker match holds (_literal_word)

    def find(self, text: str) -> list[TriggerMatch]:
        """Every trigger in the text in order, minus those inside blocker phrases; [] if none."""
        lowered = text.lower()
        blocked: list[tuple[int, int]] = []
        # Most texts hold none of the blocker phrases' words: a substring test each rules the scan out.
        if self.blockers and any(word in lowered for word in self.blocker_words):
            blocked = [m.span() for m in self.blockers.finditer(lowered)]
        found: list[TriggerMatch] = []
        for match in self.phrases.finditer(lowered):
            start, end = match.span()
            if end < len(lowered) and lowered[end].isalnum():
                continue
            phrase = match.group()
            event_type = self.phrase_types.get(phrase)
            if event_type is None:
                phrase = " ".join(phrase.split())  # a line break or double space inside a phrase
                event_type = self.phrase_types.get(phrase) or self._wildcard_type(phrase)
            if event_type and not _inside(start, end, blocked):
                found.append(TriggerMatch(start, end, event_type, text[start:end]))
        for pattern, event_type in self.patterns:
            for match in pattern.finditer(lowered):
                if match.start() and lowered[match.start() - 1].isalnum():
                    continue
                if not _inside(match.start(), match.end(), blocked):
                    found.append(TriggerMatch(match.start(), match.end(), event_type, match.group()))
        found.sort()
        return found

    def _wildcard_type(self, word: str) -> str | None:
        for phrase, event_type in self.phrase_types.items():
            if phrase.endswith("*") and word.startswith(phrase[:-1]):
                return event_type
        return None


@lru_cache(maxsize=16)
def get_matcher(lexicon: Lexicon) -> TriggerMatcher:
    """The compiled matcher of a lexicon, built once."""
    phrase_types: dict[str, str] = {}
    for entry in lexicon.event_types:
        for phrase in entry.triggers:
            phrase_types.setdefault(phrase.lower(), entry.event_type)
    patterns = tuple(
        (re.compile(pattern), entry.event_type) for entry in lexicon.event_types for pattern in entry.patterns
    )
    blockers = _trie_regex(b.lower() for b in lexicon.blockers) if lexicon.blockers else None
    blocker_words = tuple(sorted({_literal_word(b.lower()) for b in lexicon.blockers}))
    # A phrase starts a word: testing that before the trie, rather than after a match, spares the
    # scan every position inside a word.
    phrases = re.compile(r"(?<![^\W_])" + _trie_regex(phrase_types).pattern)
    return TriggerMatcher(phrases, phrase_types, patterns, blockers, blocker_words)


def _trie_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex for many phrases, factored by shared prefixes (much faster than a flat alternation)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [_char(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return re.compile(emit(trie))


def _literal_word(phrase: str) -> str:
    """The longest piece of `phrase` that _trie_regex matches literally (no space, no "*"), so that
    every match of the phrase holds it; "" (held by any text) when there is none."""
    pieces = [piece for word in phrase.split(" ") for piece in word.split("*")]
    return max(pieces, key=len, default="")


def _char(char: str) -> str:
    if char == "*":
        return r"\w*"
    if char == " ":
        return r"\s+"
    return re.escape(char)


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


# "strike" alone: in wire copy mostly a labour strike ("a strike by 55,000 oil industry employees",
# "the strike-bound ships"); a military one only in a document that names a drone, air or missile
# strike, or in a sentence about killing, bombing or missiles, and never beside a word of labour.
BARE_STRIKE = "strike"
_LABOUR = re.compile(
    r"\b(?:\w*workers?|\w*workers'|unions?|union's|dock\w*|seamen|miners|employees|staff|strikers|striking|pay"
    r"|wages?|walk-?outs?|stoppages?|pickets?|picketing|lock-?outs?|bargaining|contracts?|labou?r|general\s+strike"
    r"|hunger\s+strike|strike-?bound|strike\s+(?:action|ballot|vote|fund|price|call|leaders?|committee|pay)"
    r"|(?:go|goes|going|went|gone|on)\s+strike)\b",
    re.IGNORECASE,
)
_MILITARY = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|targeted|militants|drones?|missiles?|bomb(?:ed|ing|s)?|warplanes?|fighter\s+jets"
    r"|rockets?|retaliatory|air\s+force)\b",
    re.IGNORECASE,
)


def military_strike(sentence: str, military_document: bool) -> bool:
    """Whether a bare "strike" in `sentence` is a military one: the document names a drone, air or
    missile strike, or the sentence is about killing, bombing or missiles; never with words of labour."""
    return _LABOUR.search(sentence) is None and (military_document or _MILITARY.search(sentence) is not None)


def names_military_strike(triggers: Sequence[TriggerMatch]) -> bool:
    """Whether the triggers hold a strike named as military ("drone strike", "airstrike")."""
    return any(t.event_type == "strike" and t.text.lower().endswith("strike") and t.text.lower() != BARE_STRIKE
               for t in triggers)


def assess(text: str, sentence_start: int, match: TriggerMatch, lexicon: Lexicon) -> str | None:
    """"past", "planned", or None when the trigger reports no event (negated, hypothetical, generic)."""
    before = text[max(sentence_start, match.start - 90) : match.start]
    up_to = _UP_TO_CLAUSE.match(before)
    clause = (before[up_to.end() :] if up_to else before).lower()
    words = _WORD.findall(clause)[-8:]
    window = " ".join(words)
    previous = words[-1] if words else ""
    cues = _cues(lexicon)
    present = set(words)
    if present & cues.negation[0] or any(p in window for p in cues.negation[1]):
        return None
    if present & cues.hypothetical[0] or any(p in window for p in cues.hypothetical[1]):
        return None
    planned = bool(present & cues.planned[0]) or any(p in window for p in cues.planned[1])
    trigger = match.text.lower()
    if previous == "to" and not trigger.startswith(("the ", "a ")):
        # "to attack any country", "to meet": purpose or intent, an event only when planned.
        return "planned" if planned else None
    if trigger in _NAMED_PLURALS and not _NAMED_BY_YEAR.search(text, max(sentence_start, match.start - 60), match.start):
        return None
    if match.event_type in _SPECIFIC_ONLY and not trigger.startswith(("drone", "air", "missile", "killing", "targeted")):
        near = text[max(sentence_start, match.start - 40) : match.start].split()[-3:]
        if not any(w.lower() in _DETERMINERS or w[:1].isupper() or w[:1].isdigit() for w in near):
            return None
    if trigger in REPORTING_VERBS and _is_generic_speaker(words, lexicon):
        return None
    if trigger in ANSWERING_VERBS and not _answers_as_speaker(text, match, words):
        return None
    if trigger == "added" and _ADDED_SOMETHING.match(text, match.end):
        return None  # "added a Somali businessman to its sanctions list": no words were said
    return "planned" if planned else "past"


# "added <something> to <the list>"; "He added the result was positive" is speech without "that".
_ADDED_SOMETHING = re.compile(
    r"\s+(?:a|an|the|its|his|her|their|some|more|another|\d)\b"
    r"(?:(?!\b(?:was|were|is|are|had|has|have|would|will|could|should|might|may)\b)[^,;.“”\"]){0,100}?"
    r"\s+to\s+(?:its|the|a|an|their|his|her)\s",
    re.IGNORECASE,
)


class _Cues(NamedTuple):
    negation: tuple[frozenset[str], tuple[str, ...]]  # single words, phrases
    hypothetical: tuple[frozenset[str], tuple[str, ...]]
    planned: tuple[frozenset[str], tuple[str, ...]]


@lru_cache(maxsize=16)
def _cues(lexicon: Lexicon) -> _Cues:
    def split(cues: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
        return frozenset(c for c in cues if " " not in c), tuple(c for c in cues if " " in c)

    return _Cues(split(lexicon.negation), split(lexicon.hypothetical), split(lexicon.planned))


def _is_generic_speaker(words: list[str], lexicon: Lexicon) -> bool:
    return _last_verb_word(words) in lexicon.generic_speakers


def _answers_as_speaker(text: str, match: TriggerMatch, words: list[str]) -> bool:
    """Whether a verb of answering ("denied", "welcomed") has its subject speak: active voice, and
    what is welcomed is no guest, what is rejected something said."""
    if _PASSIVE_BEFORE & set(words[-2:]) or _BY_AFTER.match(text, match.end):
        return False  # "was unanimously rejected by union bargainers", "presented to and welcomed by"
    verb = match.text.lower()
    if verb.startswith("welcom"):
        return not _welcomes_a_guest(text, match.end)
    if verb.startswith("reject"):
        return _SAID_THING_AFTER.match(text, match.end) is not None
    return True


def _last_verb_word(words: list[str]) -> str:
    """The last word before a verb but adverbs ("also", "later"): its subject or auxiliary; "" if none."""
    return next((word for word in reversed(words) if word not in _SKIPPED_BEFORE_VERB), "")


# What is welcomed, up to where the clause or its noun phrase ends ("welcomed the delegation to Kabul",
# "welcomed the decision by the president"); "U.S." ends neither.
_WELCOMED_OBJECT = re.compile(
    r"(?:[^,;:.()“”\"]|\.(?=\S)|(?<=\b[A-Z])\.){0,60}?(?=\s+(?:to|at|in|on|into|with|and|as|for|by|of|from|that)\b"
    r"|[,;:()“”\"]|(?<!\b[A-Z])\.(?!\S)|$)"
)
_GUEST_WORDS = re.compile(
    r"\b(?:delegations?|visitors?|guests?|visiting|counterparts?|envoys?|ambassadors?|ministers?|president|premier"
    r"|chancellor|king|queen|prince|pope|leaders?|team|troops|him|her|them|back|home)\b",
    re.IGNORECASE,
)


def _welcomes_a_guest(text: str, verb_end: int) -> bool:
    """Whether the object of "welcomed" ending at `verb_end` is a person or a party: a visitor word
    ("the delegation", "him") or a name alone ("welcomed Modi"), not something of theirs ("welcomed
    President Reagan's firm action", "the minister's statement")."""
    found = _WELCOMED_OBJECT.match(text, verb_end)
    words = (found.group() if found else "").split()
    if not words or any(w.endswith(("'s", "’s", "s'")) for w in words):
        return False
    return _GUEST_WORDS.search(" ".join(words)) is not None or all(w[:1].isupper() for w in words)


def cameo_code(event_type: str, lexicon: Lexicon) -> str | None:
    """The CAMEO root code of an event type; None when the lexicon gives none."""
    entry = lexicon.event_type(event_type)
    return entry.cameo if entry is not None else None


def resolution_number(trigger: str) -> str | None:
    """"2593" from "Resolution 2593"; None for "the resolution"."""
    found = _RESOLUTION_NUMBER.search(trigger)
    return found.group() if found else None


# "holds talks on X", "carries out strike against X", "takes over X", "designates X".
_OBJECT_LINKS = {"meeting": " on ", "statement": " on ", "strike": " against ", "attack": " against "}


def write_title(
    event_type: str,
    subjects: Sequence[str],
    objects: Sequence[str],
    place: str | None,
    lexicon: Lexicon,
    *,
    topic: str | None = None,
    name: str | None = None,
) -> str:
    """A one-line title from the event's parts: "India and United States hold talks in Washington"."""
    entry = lexicon.event_type(event_type)
    noun = entry.noun if entry else event_type.capitalize()
    if name:
        noun = name[:1].upper() + name[1:]
    if subjects:
        verb = (entry.title_singular if len(subjects) == 1 else entry.title_plural) if entry else "act"
        if topic and verb.endswith("talks"):
            verb = verb[: -len("talks")] + f"{topic} talks"
        if name and event_type == "resolution":
            verb = verb.replace("resolution", name)
        elif name and event_type == "statement" and name in _STATEMENT_VERBS:
            first, rest = _STATEMENT_VERBS[name].split(" ", 1)
            verb = f"{first}s {rest}" if len(subjects) == 1 else f"{first} {rest}"
        title = f"{_join(subjects)} {verb}"
        if objects:
            title += f"{_OBJECT_LINKS.get(event_type, ' ')}{_join(objects)}"
    else:
        title = noun
        if objects:
            title += f" against {_join(objects)}" if event_type in ("strike", "attack") else f": {_join(objects)}"
    if place:
        # "Shultz visits Moscow": a visit's place is where it goes.
        title += f" {place}" if event_type == "visit" and subjects and not objects else f" in {place}"
    return title[:1].upper() + title[1:]


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    if len(names) > 4:
        names = names[:3] + ["others"]
    return ", ".join(names[:-1]) + " and " + names[-1]
