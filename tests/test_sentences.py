"""Sentence splitting: offsets into the text, abbreviations and initials, headlines and blank lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.extract.sentences import split_sentences


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
