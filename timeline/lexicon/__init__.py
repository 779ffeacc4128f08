"""Hand-edited word lists (actors, triggers, places) loaded once, extensible by users' own folders."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from timeline.errors import ConfigError

LEXICON_DIR = Path(__file__).resolve().parent
FILES = ("actors.toml", "places.toml", "triggers.toml")


@dataclass(frozen=True)
class ActorEntry:
    """One canonical actor and every way a text may name it."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    country: str | None = None  # the country a person or body belongs to (canonical name)
    code: str | None = None  # ISO 3166 alpha-2, for countries


@dataclass(frozen=True)
class EventTypeEntry:
    """Triggers and naming of one event type."""

    event_type: str
    cameo: str | None
    noun: str
    title_singular: str
    title_plural: str
    triggers: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


# eq=False: a lexicon is compared and hashed by identity, so derived indexes can be cached on it.
@dataclass(frozen=True, eq=False)
class Lexicon:
    """Everything extraction looks up, merged from the shipped files and the users' folders."""

    actors: tuple[ActorEntry, ...]
    event_types: tuple[EventTypeEntry, ...]
    blockers: tuple[str, ...] = ()
    generic_speakers: frozenset[str] = frozenset()
    hypothetical: tuple[str, ...] = ()
    negation: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()
    place_ignore: frozenset[str] = frozenset()
    place_aliases: dict[str, str] = field(default_factory=dict)

    def actor(self, name: str) -> ActorEntry | None:
        """The entry of a canonical name; None when there is none."""
        return _actors_by_name(self).get(name)

    def event_type(self, event_type: str) -> EventTypeEntry | None:
        """The entry of an event type; None when the lexicon does not know it."""
        return _types_by_name(self).get(event_type)

    def surface_forms(self) -> dict[str, tuple[ActorEntry, str]]:
        """Every alias, demonym and metonym → (entry, "alias" | "demonym" | "metonym")."""
        return _surface_forms(self)


@lru_cache(maxsize=None)
def _actors_by_name(lexicon: Lexicon) -> dict[str, ActorEntry]:
    return {entry.name: entry for entry in lexicon.actors}


@lru_cache(maxsize=None)
def _types_by_name(lexicon: Lexicon) -> dict[str, EventTypeEntry]:
    return {entry.event_type: entry for entry in lexicon.event_types}


@lru_cache(maxsize=None)
def _surface_forms(lexicon: Lexicon) -> dict[str, tuple[ActorEntry, str]]:
    forms: dict[str, tuple[ActorEntry, str]] = {}
    for entry in lexicon.actors:
        for form in entry.aliases + (entry.name,):
            forms.setdefault(form, (entry, "alias"))
        for form in entry.demonyms:
            forms.setdefault(form, (entry, "demonym"))
        for form in entry.metonyms:
            forms.setdefault(form, (entry, "metonym"))
    return forms


def load_lexicon(extra_dirs: Sequence[Path] = ()) -> Lexicon:
    """The shipped lexicon plus the users' folders (each may hold any of FILES); cached.

    An entry in an extra folder with the name of a shipped actor or event type adds aliases and
    triggers to it. Raises ConfigError when a file is not valid TOML or an entry lacks its name.
    """
    return _load(folders(extra_dirs))


def folders(extra_dirs: Sequence[Path | str]) -> tuple[Path, ...]:
    """The users' lexicon folders as absolute paths, the cache key of load_lexicon and get_finder.

    A path already absolute is kept as given: extraction asks for it once per document, and
    resolving (a system call per part of the path) cost ~15-40 µs a folder each time.
    """
    return tuple(d if isinstance(d, Path) and d.is_absolute() else Path(d).resolve() for d in extra_dirs)


@lru_cache(maxsize=16)
def _load(extra_dirs: tuple[Path, ...]) -> Lexicon:
    actors: dict[str, dict[str, object]] = {}
    types: dict[str, dict[str, object]] = {}
    cues: dict[str, list[str]] = {}
    place_ignore: set[str] = set()
    place_aliases: dict[str, str] = {}
    for folder in (LEXICON_DIR, *extra_dirs):
        for name in FILES:
            path = folder / name
            if not path.is_file():
                continue
            data = _read_toml(path)
            for raw in data.get("actor", []):
                _merge_actor(actors, raw, path)
            for event_type, raw in data.get("types", {}).items():
                _merge_type(types, event_type, raw)
            for key, words in data.get("cues", {}).items():
                cues.setdefault(key, []).extend(words)
            place_ignore.update(data.get("ignore", []))
            place_aliases.update(data.get("aliases", {}))
    return Lexicon(
        actors=tuple(_actor_entry(raw) for raw in sorted(actors.values(), key=lambda r: str(r["name"]))),
        event_types=tuple(_type_entry(name, raw) for name, raw in sorted(types.items())),
        blockers=_unique(cues.get("blockers", [])),
        generic_speakers=frozenset(word.lower() for word in cues.get("generic_speakers", [])),
        hypothetical=_unique(cues.get("hypothetical", [])),
        negation=_unique(cues.get("negation", [])),
        planned=_unique(cues.get("planned", [])),
        place_ignore=frozenset(place_ignore),
        place_aliases=place_aliases,
    )


def _read_toml(path: Path) -> dict:  # type: ignore[type-arg]
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"lexicon file {path}: {exc}") from exc


def _merge_actor(actors: dict[str, dict[str, object]], raw: dict, path: Path) -> None:  # type: ignore[type-arg]
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"lexicon file {path}: an [[actor]] has no name; add name = \"...\"")
    current = actors.setdefault(name, {"name": name, "kind": raw.get("kind", "other")})
    for key in ("kind", "country", "code"):
        if key in raw:
            current[key] = raw[key]
    for key in ("aliases", "demonyms", "metonyms", "titles"):
        words = current.setdefault(key, [])
        assert isinstance(words, list)
        words.extend(word for word in raw.get(key, []) if word not in words)


def _merge_type(types: dict[str, dict[str, object]], event_type: str, raw: dict) -> None:  # type: ignore[type-arg]
    current = types.setdefault(event_type, {})
    for key in ("cameo", "noun", "title"):
        if key in raw:
            current[key] = raw[key]
    for key in ("triggers", "patterns"):
        words = current.setdefault(key, [])
        assert isinstance(words, list)
        words.extend(word for word in raw.get(key, []) if word not in words)


def _actor_entry(raw: dict) -> ActorEntry:  # type: ignore[type-arg]
    return ActorEntry(
        name=raw["name"],
        kind=raw.get("kind", "other"),
        aliases=tuple(raw.get("aliases", [])),
        demonyms=tuple(raw.get("demonyms", [])),
        metonyms=tuple(raw.get("metonyms", [])),
        titles=tuple(raw.get("titles", [])),
        country=raw.get("country"),
        code=raw.get("code"),
    )


def _type_entry(event_type: str, raw: dict) -> EventTypeEntry:  # type: ignore[type-arg]
    title = raw.get("title") or [f"{event_type}s", event_type]
    return EventTypeEntry(
        event_type=event_type,
        cameo=raw.get("cameo"),
        noun=raw.get("noun", event_type.capitalize()),
        title_singular=title[0],
        title_plural=title[-1],
        triggers=tuple(raw.get("triggers", [])),
        patterns=tuple(raw.get("patterns", [])),
    )


def _unique(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))
