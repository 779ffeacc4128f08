"""Sentence splitting: offsets into the text, abbreviations and initials, headlines and blank lines."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.extract.sentences import is_hard_wrapped, split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He met the U.S. envoy. They talked.", ["He met the U.S. envoy.", "They talked."]),
        ("Dr. Smith arrived. He spoke.", ["Dr. Smith arrived.", "He spoke."]),
        ("External Affairs Minister Dr. S. Jaishankar took to Twitter.", ["External Affairs Minister Dr. S. Jaishankar took to Twitter."]),
        ("Pentagon Press Secretary John F. Kirby said so. He left.", ["Pentagon Press Secretary John F. Kirby said so.", "He left."]),
        ("They met on Jan. 5 in Kabul. Talks ended.", ["They met on Jan. 5 in Kabul.", "Talks ended."]),
        ("“We agree,” he said. “Fine.”", ["“We agree,” he said.", "“Fine.”"]),
        ("Is it over? Yes! It is.", ["Is it over?", "Yes!", "It is."]),
        ("India and Russia join hands\n\nIndia and Russia agreed.", ["India and Russia join hands", "India and Russia agreed."]),
        ("Headline without a stop\nBody text starts here.", ["Headline without a stop", "Body text starts here."]),
        ("A hard-wrapped sentence that\ncontinues on the next line.", ["A hard-wrapped sentence that\ncontinues on the next line."]),
        ("The toll rose to 3.5 million. Officials said.", ["The toll rose to 3.5 million.", "Officials said."]),
    ],
    ids=["U.S.", "Dr.", "initials", "middle-initial", "Jan.", "quotes", "? and !", "blank-line", "headline", "hard-wrap", "decimal"],
)
def test_sentences_end_where_a_reader_would_end_them(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_offsets_point_into_the_original_text() -> None:
    text = "  First one.  Second one?\n\n Third "
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert [s.text for s in split_sentences(text)] == ["First one.", "Second one?", "Third"]


def test_empty_and_blank_texts_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


@given(st.text(alphabet=st.sampled_from("ab .?!\n“”U.S"), max_size=80))
def test_sentences_are_ordered_stripped_slices_of_any_text(text: str) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text == sentence.text.strip()
        previous_end = sentence.end


# Wire copy hard-wrapped at 65 characters, paragraphs opened by an indent (Reuters-21578's layout;
# the text is written here).
WIRE = (
    "Foreign ministers of the six countries said on Tuesday that\n"
    "talks on the ceasefire would resume next week in Geneva, with\n"
    "United Nations envoys taking part for the first time.\n"
    "    The envoy said the parties had agreed to exchange lists of\n"
    "prisoners. Aid deliveries restarted three days ago.\n"
    "    A second round is planned for April.\n"
    " Reuter\n"
)


def test_hard_wrapped_wire_copy_keeps_sentences_whole_across_capitalised_lines() -> None:
    assert [s.text.replace("\n", " ") for s in split_sentences(WIRE)] == [
        "Foreign ministers of the six countries said on Tuesday that talks on the ceasefire would resume "
        "next week in Geneva, with United Nations envoys taking part for the first time.",
        "The envoy said the parties had agreed to exchange lists of prisoners.",
        "Aid deliveries restarted three days ago.",
        "A second round is planned for April.",
        "Reuter",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A paragraph a line, as web articles and the seeds are written: a line is a paragraph.
        "India and the United States held talks in New Delhi on October 26 and 27, officials said\n"
        "The meeting was the eighteenth of its kind and covered terrorist financing and listings\n"
        "Both sides called on Pakistan to act against groups operating from its territory, it said\n"
        "A joint statement followed the talks and was published by the ministry on its website today, with a "
        "list of the groups both governments want the United Nations to designate",
        # Short lines: a list of headlines, each its own sentence.
        "US and India hold talks\nCeasefire holds in the north\nEnvoy arrives in Kabul\nAid resumes\n",
        # Three lines are too few to tell a wrapped text from a headline over two paragraphs.
        "Ministers meet in Geneva for ceasefire talks on Tuesday morning\n"
        "Officials said the talks on the ceasefire would resume next week\n"
        "United Nations envoys will take part in the talks for the first time.",
    ],
    ids=["paragraph-lines", "headlines", "three-lines"],
)
def test_text_that_is_not_hard_wrapped_keeps_its_line_breaks(text: str) -> None:
    # A paragraph over 100 characters is enough to tell paragraph lines from a fixed width.
    assert not is_hard_wrapped(text)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(split_sentences(text)) >= len(lines)


def test_short_paragraph_lines_that_look_wrapped_still_end_at_their_full_stops() -> None:
    text = (
        "The talks on the ceasefire resumed in Geneva on Tuesday morning.\n"
        "Officials said the envoys of six countries had taken part in them.\n"
        "Aid deliveries restarted three days ago in the north of the country.\n"
        "A second round of the talks is planned for the middle of April.\n"
    )
    assert is_hard_wrapped(text)
    assert [s.text for s in split_sentences(text)] == [line for line in text.splitlines()]



def _lines(text: str) -> list[tuple[int, int]]:
    # The lines split_sentences reads, written out again: wrapped copy's, or a line and its lower-case continuations.
    line = r"[^\n]+(?:\n(?=[^\s])[^\n]+)*" if is_hard_wrapped(text) else r"[^\n]+(?:\n(?=[ \t]*[a-z])[^\n]+)*"
    return [(m.start(), m.end()) for m in re.finditer(line, text)]


def _assert_holding_keeps_the_lines_sentences(text: str, holding: list[int]) -> None:
    kept = [line for line in _lines(text) if any(line[0] <= at < line[1] for at in holding)]
    expected = [s for s in split_sentences(text) if any(start <= s.start < end for start, end in kept)]
    assert split_sentences(text, holding) == expected
    for at in holding:
        if not text[at].isspace():
            assert any(s.start <= at < s.end for s in expected)


@given(st.text(alphabet=st.sampled_from("ab .?!\n  “”U.S"), min_size=1, max_size=120), st.data())
def test_sentences_holding_offsets_are_those_of_their_lines(text: str, data: st.DataObject) -> None:
    holding = sorted(data.draw(st.sets(st.integers(0, len(text) - 1), max_size=4)))
    _assert_holding_keeps_the_lines_sentences(text, holding)


def test_sentences_holding_offsets_in_wrapped_copy_are_those_of_their_paragraphs() -> None:
    assert is_hard_wrapped(WIRE)
    for at in range(0, len(WIRE), 7):
        _assert_holding_keeps_the_lines_sentences(WIRE, [at])
    assert split_sentences(WIRE, []) == []
    assert split_sentences(WIRE, range(len(WIRE))) == split_sentences(WIRE)
