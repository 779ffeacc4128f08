"""Trigger words in context: event types, negated/hypothetical/planned uses, CAMEO codes, titles."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extract import _UP_TO_CLAUSE_BREAK, _main_countries, extract
from timeline.extract.dates import CLAUSE_BREAK
from timeline.extract.entities import ActorMention
from timeline.extract.triggers import _literal_word, assess, cameo_code, get_matcher, write_title
from timeline.lexicon import load_lexicon
from timeline.records import ActorRef, Document, EventCandidate
from timeline.sources import make_document

LEXICON = load_lexicon()


def events(text: str, published: date | None = date(2021, 10, 29)) -> list[EventCandidate]:
    return extract(Document(text=text, uri="test", sha256="0", published=published))


def types(text: str) -> list[str]:
    return [c.event_type for c in events(text)]


@pytest.mark.parametrize(
    "text, event_type",
    [
        ("Jaishankar held talks with Blinken in Phnom Penh on Thursday.", "meeting"),
        ("The 18th meeting of the US-India counterterrorism joint working group was held in Washington.", "meeting"),
        ("India and Russia agreed on Wednesday at a two-day summit to deepen cooperation.", "meeting"),
        ("Kirby said on Tuesday that the US was mindful of the safe havens.", "statement"),
        ("India and the US said in a joint statement released on Thursday that they would cooperate.", "statement"),
        ("Pentagon Press Secretary John Kirby spoke at a press briefing on Tuesday.", "statement"),
        ("The UN Security Council adopted a resolution on Afghanistan on August 30.", "resolution"),
        ("Both sides cited UN Security Council Resolution 2593 (2021).", "resolution"),
        ("A US drone strike in Kabul killed the al-Qaeda chief on July 31.", "strike"),
        ("The killing of Ayman al-Zawahiri in Kabul was confirmed on Monday.", "strike"),
        ("They called for the perpetrators of the 26/11 Mumbai attack to be brought to justice.", "attack"),
        ("The takeover of the country by the Taliban on August 15 changed everything.", "takeover"),
        ("The Taliban took over Kabul on August 15.", "takeover"),
        ("The groups were proscribed by the UN Security Council's 1267 sanctions committee.", "designation"),
        ("The US imposed sanctions on the Haqqani network on Monday.", "sanction"),
        ("Blinken visited New Delhi on Wednesday.", "visit"),
        ("The US has pledged humanitarian aid to the Afghan people on Monday.", "aid"),
        ("India and Russia signed an agreement on Wednesday.", "agreement"),
    ],
)
def test_a_trigger_in_context_gives_its_event_type(text: str, event_type: str) -> None:
    assert event_type in types(text)


@pytest.mark.parametrize(
    "text, event_type",
    [
        ("He said he was not aware of discussions between the US and India.", "meeting"),
        ("Afghan soil must never be used to threaten or attack any country.", "attack"),
        ("Militant groups may use Afghan territory to plan terror attacks.", "attack"),
        ("The NRF denied the capture of the province.", "takeover"),
        ("If the Taliban took over Kabul, the embassy would close.", "takeover"),
        ("Sources said India was worried about the Taliban.", "statement"),
        ("“The US should keep its focus on LeT,” sources said.", "statement"),
        ("US officials are in talks with Pakistan over safe havens.", "meeting"),
        ("The groups were listed by the 1267 sanctions committee of the UN.", "sanction"),
    ],
    ids=["not-aware", "never-attack", "plural-generic", "denied", "if", "sources-said", "sources-quote", "in-talks", "committee"],
)
def test_negated_hypothetical_and_generic_uses_report_no_event(text: str, event_type: str) -> None:
    assert event_type not in types(text)


def test_planned_events_are_kept_with_a_planned_status() -> None:
    found = events("India and the US will hold talks in Washington next month.")
    meetings = [c for c in found if c.event_type == "meeting"]
    assert meetings and all(c.status == "planned" for c in meetings)


def test_past_events_have_past_status() -> None:
    found = events("India and the US held talks in Washington on Tuesday.")
    assert [c.status for c in found if c.event_type == "meeting"] == ["past"]


def test_every_event_type_has_a_cameo_root_code() -> None:
    expected = {"meeting": "04", "statement": "01", "strike": "19", "attack": "18", "aid": "07"}
    for event_type, code in expected.items():
        assert cameo_code(event_type, LEXICON) == code
    assert cameo_code("other", LEXICON) is None


def test_a_visit_names_who_travels_and_where() -> None:
    (visit,) = [c for c in events("Prime Minister Narendra Modi will visit the United States next week.") if c.event_type == "visit"]
    roles = {a.name: a.role for a in visit.actors}
    assert roles["Narendra Modi"] == "participant" and roles["United States"] == "target"
    assert visit.title == "Narendra Modi visits United States (planned)"  # "will visit ... next week"
    (trip,) = [c for c in events("Secretary of State Antony Blinken arrived in Kabul on Monday.") if c.event_type == "visit"]
    assert trip.title == "Antony Blinken visits Kabul"


def test_candidates_carry_type_cameo_and_trigger() -> None:
    (meeting,) = [c for c in events("Jaishankar met Blinken in Phnom Penh on Thursday.") if c.event_type == "meeting"]
    assert (meeting.cameo_code, meeting.trigger) == ("04", "met")


def test_triggers_are_whole_words_only() -> None:
    matcher = get_matcher(LEXICON)
    assert [m.text for m in matcher.find("The metropolitan talkshow was a statementless affair.")] == []
    assert [m.text for m in matcher.find("They met.")] == ["met"]


def test_a_trigger_inside_a_blocker_phrase_is_ignored() -> None:
    matcher = get_matcher(LEXICON)
    found = matcher.find("the fourth session of the designations dialogue, according to the joint statement")
    assert found == []


@pytest.mark.parametrize(
    "phrase, word",
    [("according to the joint statement", "according"), ("in talks with", "talks"), ("sanction* committee", "committee"),
     ("designat*", "designat"), ("*", "")],
    ids=["longest-word", "not-the-first", "wildcard-word", "wildcard-prefix", "nothing-literal"],
)
def test_a_blockers_literal_word_is_in_every_match(phrase: str, word: str) -> None:
    assert _literal_word(phrase) == word


def test_blocked_triggers_are_found_when_the_blocker_spans_lines() -> None:
    matcher = get_matcher(LEXICON)
    assert matcher.blocker_words and all(matcher.blocker_words)
    assert matcher.find("the designations\ndialogue met") == matcher.find("the designations dialogue met")
    assert [m.text for m in matcher.find("the designations\ndialogue met")] == ["met"]


def test_assess_reads_only_the_triggers_own_clause() -> None:
    text = "Talks did not collapse, and the two sides met on Friday."
    matcher = get_matcher(LEXICON)
    met = next(m for m in matcher.find(text) if m.text == "met")
    assert assess(text, 0, met, LEXICON) == "past"


@given(st.text(alphabet=st.sampled_from("ab ,;:()“”\"—\n\t"), max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_a_clause_starts_after_the_last_clause_break_before_the_trigger(text: str, low: int, high: int) -> None:
    starts = [low] + [found.end() for found in CLAUSE_BREAK.finditer(text, low, high)]
    last = _UP_TO_CLAUSE_BREAK.match(text, low, high)
    assert (last.end() if last else low) == starts[-1]


@given(st.lists(st.tuples(st.sampled_from(["country", "person", "organisation"]), st.sampled_from("ABCD"),
                          st.sampled_from([None, "A", "B", "C"])), max_size=12))
def test_the_main_countries_are_the_two_named_most_at_least_twice_first_named_first(
    mentions: list[tuple[str, str, str | None]],
) -> None:
    actors = [ActorMention(i, i + 1, ActorRef(name, kind), "alias", country)
              for i, (kind, name, country) in enumerate(mentions)]
    counts = Counter(m.actor.name for m in actors if m.actor.kind == "country")
    counts.update(m.country for m in actors if m.actor.kind == "person" and m.country)
    assert _main_countries(actors) == [name for name, count in counts.most_common(2) if count >= 2]


def test_titles_are_written_from_the_parts() -> None:
    title = write_title("meeting", ["India", "United States"], [], "Washington", LEXICON, topic="counterterrorism")
    assert title == "India and United States hold counterterrorism talks in Washington"
    assert write_title("strike", [], ["Ayman al-Zawahiri"], "Kabul", LEXICON) == "Strike against Ayman al-Zawahiri in Kabul"
    assert write_title("strike", ["United States"], ["al-Qaeda"], "Marib", LEXICON) == (
        "United States carries out strike against al-Qaeda in Marib")
    assert write_title("resolution", ["UN Security Council"], [], None, LEXICON, name="Resolution 2593") == (
        "UN Security Council adopts Resolution 2593"
    )


@pytest.mark.parametrize(
    "text, start, date_text",
    [
        # A date inside what was said dates what was said: the saying is dated by publication.
        ("Payless Cashways Inc said its sales rose six pct in 1986.", date(2021, 10, 29), None),
        ("Foreign Minister Retno Marsudi said Indonesia had arrested 140 terrorism suspects last year.",
         date(2021, 10, 29), None),
        ("Presidential Airways Inc said it will serve 12 cities when it starts operating on March 23.",
         date(2021, 10, 29), None),
        ("India strongly condemned the 2019 Pulwama attack.", date(2021, 10, 29), None),
        # A date of the occasion of speaking dates the statement.
        ("The United States military said on Monday that a drone strike hit a house.", date(2021, 10, 25), "on Monday"),
        ("Kirby told reporters in Washington on Tuesday that the Taliban were advancing.", date(2021, 10, 26),
         "on Tuesday"),
        ("Kirby said in a statement on Tuesday that the Taliban were advancing.", date(2021, 10, 26), "on Tuesday"),
        ("On Tuesday, Kirby said the Taliban had advanced in 2020.", date(2021, 10, 26), "On Tuesday"),
        ("Kirby on Tuesday said the Taliban had advanced in 2020.", date(2021, 10, 26), "on Tuesday"),
        ("The US restated its commitment to stand with India during a two-day meeting here on October 26.",
         date(2021, 10, 26), "on October 26"),
    ],
    ids=["sales-in-1986", "last-year", "future-day", "modifier-year", "said-on-monday", "told-reporters-in-place",
         "in-a-statement", "sentence-start", "before-the-verb", "at-the-meeting"],
)
def test_a_reported_statement_is_dated_by_its_occasion_not_by_what_was_said(
    text: str, start: date, date_text: str | None
) -> None:
    (statement,) = [c for c in events(text) if c.event_type == "statement"]
    assert (statement.date_start, statement.date_text, statement.date_approximate) == (
        start, date_text, date_text is None)


def test_a_resolution_adopted_on_a_day_after_its_bracketed_year_takes_the_day() -> None:
    # "(2023)" is part of the resolution's name, not a clause break before "on 1 December 2023".
    (adopted,) = [c for c in events("The UN Security Council adopted Resolution 2713 (2023) on 1 December 2023.")
                  if c.event_type == "resolution"]
    assert (adopted.number, adopted.date_start, adopted.date_precision) == ("2713", date(2023, 12, 1), "day")
    # Cited, not adopted, it keeps its year.
    (cited,) = [c for c in events("Both sides urged the Taliban to abide by UNSC Resolution 2593 (2021) on Thursday.")
                if c.event_type == "resolution"]
    assert (cited.date_start, cited.date_end) == (date(2021, 1, 1), date(2021, 12, 31))


def test_an_undated_headline_copy_of_an_event_the_body_dates_is_left_out() -> None:
    # Undated never merges with dated: the headline's copy would stand apart as an event of its own.
    text = "Pakistan condemns attack on Chinese engineers\n\nThe attack took place on Tuesday near Besham.\n"
    document = make_document(text, "a.txt", title="Pakistan condemns attack on Chinese engineers",
                             published=date(2024, 3, 27))
    assert [(c.event_type, c.date_start, c.sentence) for c in extract(document)] == [
        ("attack", date(2024, 3, 26), "The attack took place on Tuesday near Besham.")]
    # Without a dated report in the body, the headline's event stays.
    alone = make_document("Pakistan condemns attack on Chinese engineers\n\nOfficials gave no details.\n", "b.txt",
                          title="Pakistan condemns attack on Chinese engineers", published=date(2024, 3, 27))
    assert [(c.event_type, c.date_start) for c in extract(alone)] == [("attack", None)]


def test_who_reacts_to_an_attack_is_not_its_agent() -> None:
    (attack,) = events("Pakistan condemns attack on Chinese engineers, vows to find those responsible")
    assert {(a.name, a.role) for a in attack.actors} == {("China", "target")}
    (asked,) = [c for c in events("Spokesman Lin Jian said in Beijing that China had asked Pakistan to investigate"
                                  " the attack.") if c.event_type == "attack"]
    assert (asked.actors, asked.place) == ((), None)  # and Beijing is where it was said, not where it happened
    (bombing,) = events("Al-Shabaab carried out the bombing in Mogadishu on 14 October 2017.")
    assert {(a.name, a.role) for a in bombing.actors} == {("al-Shabaab", "agent")}


def test_armed_groups_seizing_a_town_is_a_takeover() -> None:
    (seized,) = events("JNIM militants seize town in central Mali")
    assert seized.event_type == "takeover"
    assert ("Jama'at Nusrat al-Islam wal-Muslimin", "agent") in {(a.name, a.role) for a in seized.actors}
    (control,) = events("Al-Shabaab fighters took control of the town on Sunday.")
    assert (control.event_type, control.date_start) == ("takeover", date(2021, 10, 24))


@pytest.mark.parametrize(
    "text, event_type, start",
    [
        # "the 2002 Bali bombings" names the bombings; the visit is not of 2002.
        ("The visit comes two decades after the 2002 Bali bombings.", "visit", None),
        ("The 1986 annual report of the Metal Marketing Corporation said exports rose.", "statement",
         date(2021, 10, 29)),
        ("India condemned the 2019 Pulwama attack and the 2008 Mumbai attacks and called for justice.", "statement",
         date(2021, 10, 29)),
        # The year dates what it names ...
        ("Tokyo failed to meet terms of a 1986 bilateral pact on computer chip trade.", "agreement", date(1986, 1, 1)),
        # ... and what happened in, during or at it.
        ("The Gaza Strip was captured by Israel in the 1967 Middle East war.", "takeover", date(1967, 1, 1)),
    ],
    ids=["after-the-bombings", "annual-report", "two-attacks-then-a-call", "the-pact-itself", "in-the-war"],
)
def test_a_year_that_names_a_thing_dates_only_that_thing(text: str, event_type: str, start: date | None) -> None:
    (found,) = [c for c in events(text) if c.event_type == event_type]
    assert found.date_start == start


def test_an_event_reported_as_said_on_a_day_is_dated_that_day_approximately() -> None:
    # "said on Monday that a drone strike had killed": Monday is when it was said; the strike came before.
    found = events("The United States military said on Monday that a drone strike had killed an al-Qaeda commander.")
    strike = next(c for c in found if c.event_type == "strike")
    assert (strike.date_start, strike.date_approximate) == (date(2021, 10, 25), True)
    assert strike.date_reason == "the day it was reported ('on Monday'), not a date of its own"
    # The event's own date is exact, whoever reports it.
    (talks,) = events("India and Russia held talks in Moscow on Tuesday, officials said.")
    assert (talks.date_start, talks.date_approximate) == (date(2021, 10, 26), False)
    # A date that names a thing after the verb is not when it was said.
    (pact,) = [c for c in events("Ferruzzi said its September 22, 1986 agreement with Quill was terminated.")
               if c.event_type == "agreement"]
    assert (pact.date_start, pact.date_approximate) == (date(1986, 9, 22), False)


def test_an_event_reported_at_the_end_of_its_sentence_is_dated_by_the_saying_only_approximately() -> None:
    # "..., officials said on Friday": the strike happened by Friday, not on it.
    found = events("A US drone strike killed a senior al-Qaeda commander in Yemen, US officials said on Friday.")
    strike = next(c for c in found if c.event_type == "strike")
    assert (strike.date_start, strike.date_approximate) == (date(2021, 10, 29), True)
    # An agreement announced on a day was made public, and so made, that day.
    (pact,) = [c for c in events("Under the agreement announced on Tuesday, Lincoln would be acquired by Unicorp.")
               if c.event_type == "agreement"]
    assert (pact.date_start, pact.date_approximate) == (date(2021, 10, 26), False)


def test_an_event_dated_only_by_its_report_takes_the_date_of_the_same_event_named_right_after() -> None:
    found = events("A US drone strike killed a senior al-Qaeda commander in Yemen, US officials said on Friday."
                   " The strike took place on Jan. 31 in Shabwa province, the officials said.")
    strikes = [c for c in found if c.event_type == "strike"]
    assert [(c.date_start, c.date_approximate) for c in strikes] == [(date(2021, 1, 31), False)] * 2
    assert strikes[0].same_as == found.index(strikes[1])  # one event
    assert strikes[0].date_reason == "date of the same strike named again later: 'on Jan. 31'"
    # Not a later event of the type that does not name it again ("a second strike").
    found = events("A US drone strike killed a senior al-Qaeda commander in Yemen, US officials said on Friday."
                   " A second strike hit Marib on Thursday.")
    strikes = [c for c in found if c.event_type == "strike"]
    assert [(c.date_start, c.date_approximate, c.same_as) for c in strikes] == [
        (date(2021, 10, 29), True, None), (date(2021, 10, 28), False, None)]
    # Nor one dated after the report's day: that is another strike.
    found = events("A US drone strike killed a senior al-Qaeda commander in Yemen, US officials said on Wednesday."
                   " The strike on Thursday hit Marib.")
    strikes = [c for c in found if c.event_type == "strike"]
    assert [(c.date_start, c.same_as) for c in strikes] == [(date(2021, 10, 27), None), (date(2021, 10, 28), None)]
    # "that talks ... broke off in June": a conjunction, not a mention naming the talks again.
    found = events("India and Pakistan held talks in Dubai, officials said on Friday. There were reports"
                   " that talks had broken off in June.")
    assert [(c.date_start, c.same_as) for c in found if c.event_type == "meeting"][0] == (date(2021, 10, 29), None)


def test_a_committee_adding_someone_to_its_sanctions_list_designates_and_says_nothing() -> None:
    found = events("The Security Council's al-Shabaab sanctions committee on Friday added a Somali businessman"
                   " to its sanctions list.")
    assert [(c.event_type, c.date_start) for c in found] == [("designation", date(2021, 10, 29))]  # a Friday
    (said,) = events("Kirby added that the Taliban were advancing.")
    assert said.event_type == "statement"


def test_an_event_reacted_to_is_dated_by_the_reaction_only_approximately_and_placed_only_where_named() -> None:
    # "condemned the takeover on Tuesday": Tuesday is the condemning; Abuja is where a later meeting is.
    statement, takeover = events("ECOWAS condemned the takeover on Tuesday and said its defence chiefs would hold"
                                 " an emergency meeting in Abuja.")
    assert (statement.event_type, statement.date_start, statement.date_approximate, statement.title) == (
        "statement", date(2021, 10, 26), False, "Economic Community of West African States makes statement")
    assert (takeover.event_type, takeover.date_start, takeover.date_approximate, takeover.place) == (
        "takeover", date(2021, 10, 26), True, None)
    assert takeover.date_reason == "the day of a reaction to it ('on Tuesday'), not a date of its own"
    statement, attack = sorted(events("India strongly condemned the terror attack in Pulwama on Thursday."),
                               key=lambda c: c.event_type, reverse=True)
    assert (statement.event_type, statement.date_start, statement.date_approximate) == (
        "statement", date(2021, 10, 28), False)
    assert (attack.date_start, attack.date_approximate, attack.place and attack.place.name) == (
        date(2021, 10, 28), True, "Pulwama")
    # An indefinite one too: the Foreign Office condemned it on Wednesday; it happened by then.
    (suicide,) = [c for c in events("Pakistan's Foreign Office on Wednesday strongly condemned a suicide attack on a"
                                    " convoy carrying Chinese engineers.") if c.event_type == "attack"]
    assert (suicide.date_start, suicide.date_approximate) == (date(2021, 10, 27), True)


def test_a_planned_event_says_so_in_its_title() -> None:
    # v_timeline has no status column (DESIGN): the title is where a reader sees the plan.
    (planned,) = events("India and Russia will hold talks in Moscow next week.")
    assert (planned.status, planned.title) == ("planned", "India and Russia hold talks in Moscow (planned)")
    (held,) = events("India and Russia held talks in Moscow on Tuesday.")
    assert (held.status, held.title) == ("past", "India and Russia hold talks in Moscow")


def test_a_statement_title_names_a_body_without_the_country_it_speaks_for() -> None:
    # Seed 004; the country stays among the actors, the title says who spoke.
    (statement,) = [c for c in events("Patrushev and Doval discussed the deepening of bilateral security "
                                      "cooperation, Russia’s Security Council said in a statement.")
                    if c.event_type == "statement"]
    assert statement.title == "Security Council of Russia makes statement"
    assert {"Russia", "Security Council of Russia"} <= {a.name for a in statement.actors}
    (joint,) = [c for c in events("India and the United States said in a joint statement that the talks "
                                  "went well.") if c.event_type == "statement"]
    assert joint.title.startswith("India and United States")


def test_without_a_publication_date_nothing_is_dated_from_it() -> None:
    found = events("Kirby said the Taliban were advancing. The two sides met on Thursday.", published=None)
    statement = next(c for c in found if c.event_type == "statement")
    assert statement.date_start is None and statement.date_reason is None
    assert all(c.date_start is None for c in found)  # "on Thursday" cannot be resolved without a reference


def test_a_reported_statement_takes_the_publication_date_marked_approximate() -> None:
    (statement,) = [c for c in events("Kirby said the Taliban were advancing.") if c.event_type == "statement"]
    assert (statement.date_start, statement.date_end) == (date(2021, 10, 29), date(2021, 10, 29))
    assert statement.date_approximate and statement.date_reason and "publication" in statement.date_reason


@pytest.mark.parametrize(
    "text",
    [
        "Acme Corp said it will redeem all its 8-1/4 pct convertible subordinated debentures due 2008.",
        "Acme Corp said it filed to offer 100 mln dlrs of subordinated notes due\n1997.",
        "Acme Corp said it sold 100 mln dlrs of the 9-1/4 pct Treasury bonds of 2016.",
        "Acme Corp said the issue has an average life of 3.5 years and matures 2016.",
        "Acme Corp said it sold 10 mln dlrs of the 2011 maturity.",
    ],
)
def test_a_debts_maturity_does_not_date_the_event(text: str) -> None:
    (statement,) = [c for c in events(text) if c.event_type == "statement"]
    assert statement.date_start == date(2021, 10, 29) and statement.date_reason  # the publication date, not 2008


def test_a_range_stays_a_range() -> None:
    (meeting,) = [c for c in events("The meeting was held in Washington during October 26-27.") if c.event_type == "meeting"]
    assert (meeting.date_start, meeting.date_end, meeting.date_text) == (
        date(2021, 10, 26), date(2021, 10, 27), "during October 26-27"
    )


def test_a_later_mention_of_a_dated_event_takes_its_date_with_the_reason() -> None:
    text = "Jaishankar met Blinken on Thursday. The meeting was held in Phnom Penh."
    meetings = [c for c in events(text, published=date(2022, 8, 5)) if c.event_type == "meeting"]
    assert [(c.date_start, c.date_start) for c in meetings] == [(date(2022, 8, 4), date(2022, 8, 4))] * 2
    assert meetings[1].date_reason is not None and "another sentence" in meetings[1].date_reason
    assert all(c.place is not None and c.place.name == "Phnom Penh" for c in meetings)


def strikes(text: str) -> list[tuple[str, date | None]]:
    return [(c.trigger, c.date_start) for c in events(text, published=date(2023, 2, 3)) if c.event_type == "strike"]


def test_a_bare_strike_is_a_military_one_after_a_drone_strike_or_beside_killing() -> None:
    text = ("A US drone strike killed an AQAP commander in Yemen, officials said."
            " The strike took place on Jan. 31 in Shabwa province.")
    assert ("strike", date(2023, 1, 31)) in strikes(text)
    assert strikes("The strike killed three militants on Monday.") == [("strike", date(2023, 1, 30))]
    assert strikes("Reagan launched a retaliatory strike against Iran on Sunday.") == [("strike", date(2023, 1, 29))]


@pytest.mark.parametrize(
    "text",
    [
        "Dock workers' strike entered its third day on Monday in Rotterdam.",
        "The strike began on Monday.",
        "A US drone strike killed an AQAP commander. The strike by dock workers began on Monday.",
        "The strike, called by leftist unions, followed an earthquake that killed 300 people.",
        "Teachers went on strike on Monday after a missile hit the school.",
        "Marines stood near the strike-bound ships on Monday, days after the drone strike.",
    ],
    ids=["dockers", "no-military-word", "drone-document-but-dockers", "unions", "went-on-strike", "strike-bound"],
)
def test_a_bare_strike_of_labour_is_no_military_strike(text: str) -> None:
    assert "strike" not in [trigger for trigger, _ in strikes(text)]


def test_two_events_of_a_type_each_named_with_its_year_are_two() -> None:
    found = [(c.trigger, c.date_start, c.place and c.place.name) for c in events(
        "He recalled the 2019 Pulwama attack and the 2008 Mumbai attacks.") if c.event_type == "attack"]
    assert found == [("attack", date(2019, 1, 1), "Pulwama"), ("attacks", date(2008, 1, 1), "Mumbai")]
    # A year in its name is its own date, even in a reaction to it.
    attacks = [c for c in events("India condemned the 2019 Pulwama attack and the 2008 Mumbai attacks.")
               if c.event_type == "attack"]
    assert [(c.date_start, c.date_approximate) for c in attacks] == [(date(2019, 1, 1), False), (date(2008, 1, 1), False)]
    three = [c.date_start for c in events("They discussed the 2008 Mumbai attack, the 2016 Uri attack and the"
                                          " 2019 Pulwama attack.") if c.event_type == "attack"]
    assert three == [date(2008, 1, 1), date(2016, 1, 1), date(2019, 1, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "The attack and the blast on Monday killed five people in Kabul.",  # one date, shared
        "The 2008 attack was followed by an attack on a hotel in 2009.",  # not joined as names
        "The attacks on shipping continued on Monday.",  # a plural without its year names no event
    ],
    ids=["shared-date", "not-two-names", "plural-without-year"],
)
def test_one_sentence_otherwise_gives_at_most_one_event_of_a_type(text: str) -> None:
    assert [c.event_type for c in events(text)].count("attack") <= 1


@pytest.mark.parametrize(
    "text, speaker, start",
    [
        ("The Taliban denied the report on Wednesday.", "Taliban", date(2021, 10, 27)),
        ("India denies the claims.", "India", date(2021, 10, 29)),
        ("Pakistan welcomed the resolution on Monday.", "Pakistan", date(2021, 10, 25)),
        ("Japan welcomes President Reagan's firm action.", "Japan", date(2021, 10, 29)),
        ("Finance Minister Dilson Funaro flatly rejected a U.K. suggestion that Brazil seek IMF help.",
         "Dilson Funaro", date(2021, 10, 29)),
    ],
)
def test_denying_welcoming_and_rejecting_what_was_said_are_statements(text: str, speaker: str, start: date) -> None:
    (found,) = [c for c in events(text) if c.event_type == "statement"]
    assert speaker in [a.name for a in found.actors if a.role == "speaker"]
    assert found.date_start == start


@pytest.mark.parametrize(
    "text",
    [
        "The minister welcomed the delegation to Kabul on Monday.",  # a host
        "Biden welcomed Modi at the White House on Friday.",
        "Pakistan welcomed the visiting Chinese premier in Islamabad.",
        "Iraq rejected its OPEC quota of 1.466 mln bpd.",  # an act, not something said
        "The proposal was unanimously rejected by union bargainers.",
        "India's proposal was welcomed by Pakistan.",
        "Officials welcomed the move.",
    ],
    ids=["delegation", "a-name", "visiting", "quota", "passive", "welcomed-by", "officials"],
)
def test_hosting_acting_and_passive_uses_of_those_verbs_are_no_statements(text: str) -> None:
    assert "statement" not in types(text)


def test_a_welcome_gives_way_to_what_a_named_speaker_said_in_the_sentence() -> None:
    (said,) = events("Local Hong Kong houses also welcomed the move, but a spokesman for Shun Loong Co said"
                     " investors would be more interested.")
    assert (said.trigger, [a.name for a in said.actors if a.role == "speaker"]) == ("said", ["Shun Loong Co"])
    (denied,) = events("Iran denied the report, a spokesman said.")
    assert (denied.trigger, [a.name for a in denied.actors if a.role == "speaker"]) == ("denied", ["Iran"])
    # A date the welcome cannot take stays with what it names.
    found = events('Economics Minister Martin Bangemann welcomed the February "Louvre Agreement" of six nations.')
    assert [(c.event_type, c.date_start) for c in found] == [
        ("statement", date(2021, 10, 29)), ("agreement", date(2021, 2, 1))]


def test_boilerplate_lines_are_never_sources() -> None:
    text = "Kirby said the Taliban were advancing.\nREAD: The US pledged humanitarian aid on Monday"
    start = text.index("READ")
    document = Document(text=text, uri="t", sha256="0", published=date(2021, 8, 10), boilerplate=((start, len(text)),))
    found = extract(document)
    assert [c.event_type for c in found] == ["statement"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ab .,“”\n") + ["met ", "said ", "in Kabul ", "on Monday ", "India ", "the attack ", "he "]),
        max_size=40,
    ).map("".join)
)
def test_extract_never_fails_and_cites_real_sentences(text: str) -> None:
    for candidate in extract(Document(text=text, uri="t", sha256="0", published=date(2021, 8, 10))):
        assert text[candidate.char_start : candidate.char_end] == candidate.sentence
