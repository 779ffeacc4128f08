"""The shipped word lists: sorted, free of duplicates, every alias resolving; users can extend them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from timeline.errors import ConfigError
from timeline.extract.entities import get_finder
from timeline.lexicon import LEXICON_DIR, load_lexicon
from timeline.records import ACTOR_KINDS, EVENT_TYPES

CAMEO_ROOTS = {f"{n:02d}" for n in range(1, 21)}


def read(name: str) -> dict:  # type: ignore[type-arg]
    return tomllib.loads((LEXICON_DIR / name).read_text(encoding="utf-8"))


def test_actor_entries_and_their_lists_are_sorted() -> None:
    names = [entry["name"] for entry in read("actors.toml")["actor"]]
    assert names == sorted(names)
    for entry in read("actors.toml")["actor"]:
        for key in ("aliases", "demonyms", "metonyms", "titles"):
            assert entry.get(key, []) == sorted(entry.get(key, [])), f"{entry['name']}: {key} not sorted"


def test_trigger_and_cue_lists_are_sorted_and_unique() -> None:
    data = read("triggers.toml")
    for key, words in data["cues"].items():
        assert words == sorted(set(words)), key
    for event_type, entry in data["types"].items():
        assert entry["triggers"] == sorted(set(entry["triggers"])), event_type
    assert list(data["types"]) == sorted(data["types"])


def test_place_lists_are_sorted() -> None:
    data = read("places.toml")
    assert data["ignore"] == sorted(set(data["ignore"]))
    assert list(data["aliases"]) == sorted(data["aliases"])


def test_no_surface_form_names_two_actors() -> None:
    seen: dict[str, str] = {}
    for entry in load_lexicon().actors:
        for form in (entry.name, *entry.aliases, *entry.demonyms, *entry.metonyms):
            assert seen.setdefault(form, entry.name) == entry.name, f"{form!r}: {seen[form]} and {entry.name}"


def test_no_trigger_belongs_to_two_event_types() -> None:
    seen: dict[str, str] = {}
    for entry in load_lexicon().event_types:
        for trigger in entry.triggers:
            assert seen.setdefault(trigger.lower(), entry.event_type) == entry.event_type, trigger


def test_every_alias_resolves_to_its_actor_in_a_sentence() -> None:
    finder = get_finder()
    for entry in load_lexicon().actors:
        for alias in (*entry.aliases, *entry.demonyms):
            found = {m.actor.name for m in finder.find(f"Yesterday {alias} officials said so.").actors}
            assert entry.name in found, f"{alias!r} does not resolve to {entry.name}"
        for metonym in entry.metonyms:
            found = {m.actor.name for m in finder.find(f"Yesterday {metonym} said so.").actors}
            assert entry.name in found, f"{metonym!r} does not resolve to {entry.name}"


def test_entries_use_the_vocabularies_of_records() -> None:
    lexicon = load_lexicon()
    assert {entry.kind for entry in lexicon.actors} <= set(ACTOR_KINDS)
    assert {entry.event_type for entry in lexicon.event_types} <= set(EVENT_TYPES)
    for entry in lexicon.event_types:
        assert entry.cameo in CAMEO_ROOTS, entry.event_type
    for entry in lexicon.actors:
        if entry.kind == "country":
            assert entry.code and len(entry.code) == 2, entry.name
        if entry.country:
            assert lexicon.actor(entry.country) is not None, f"{entry.name}: unknown country {entry.country}"


def test_the_lexicon_is_loaded_once() -> None:
    assert load_lexicon() is load_lexicon()


def test_a_user_folder_adds_aliases_and_triggers(tmp_path: Path) -> None:
    (tmp_path / "actors.toml").write_text(
        '[[actor]]\nname = "Taliban"\nkind = "armed_group"\naliases = ["Islamic Emirate"]\n\n'
        '[[actor]]\nname = "Tehreek-e-Labbaik"\nkind = "armed_group"\naliases = ["TLP"]\n',
        encoding="utf-8",
    )
    (tmp_path / "triggers.toml").write_text('[types.meeting]\ntriggers = ["huddled"]\n', encoding="utf-8")
    lexicon = load_lexicon([tmp_path])
    taliban = lexicon.actor("Taliban")
    assert taliban is not None and {"Taliban", "Islamic Emirate"} <= set(taliban.aliases)
    assert lexicon.actor("Tehreek-e-Labbaik") is not None
    meeting = lexicon.event_type("meeting")
    assert meeting is not None and {"huddled", "met"} <= set(meeting.triggers)
    assert load_lexicon().actor("Tehreek-e-Labbaik") is None  # the shipped lexicon is unchanged


def test_a_broken_user_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "actors.toml").write_text("[[actor]\nname = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="actors.toml"):
        load_lexicon([tmp_path])


def test_extraction_uses_the_users_words(tmp_path: Path) -> None:
    from datetime import date

    from timeline.extract import extract
    from timeline.records import Document

    (tmp_path / "actors.toml").write_text(
        '[[actor]]\nname = "Taliban"\nkind = "armed_group"\naliases = ["Islamic Emirate"]\n', encoding="utf-8"
    )
    (tmp_path / "triggers.toml").write_text('[types.meeting]\ntriggers = ["huddled"]\n', encoding="utf-8")
    document = Document("The Islamic Emirate huddled with Pakistan on Monday.", "t", "0", published=date(2021, 9, 9))
    assert extract(document) == []
    (meeting,) = extract(document, lexicon_dirs=[tmp_path])
    assert meeting.event_type == "meeting" and meeting.date_start == date(2021, 9, 6)
    assert {a.name for a in meeting.actors} >= {"Taliban", "Pakistan"}
