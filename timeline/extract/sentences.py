"""Sentences with character offsets into the document text."""

from __future__ import annotations

import re
from typing import NamedTuple

# Words that end in a full stop without ending the sentence.
ABBREVIATIONS = frozenset(
    """
    adm apr aug capt col cpl dec dept dr drs feb gen gov hon inc jan jr jul jun lt ltd maj mar messrs
    mr mrs ms mt no nos nov oct prof rep rev sen sep sept sgt sr st supt vs
    """.split()
)
# A candidate end: terminal punctuation, closing quotes/brackets, then space and a sentence opener.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
# A line break ends a sentence unless the next line continues it in lower case (hard-wrapped text).
_LINE = re.compile(r"[^\n]+(?:\n(?=[ \t]*[a-z])[^\n]+)*")


class Sentence(NamedTuple):
    """One sentence: [start, end) in the document text, and that text."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a text in order, stripped; blank lines and headline lines end them.

    Returns an empty list for an empty or blank text.
    """
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for end in _ends(line.group()):
            _append(sentences, text, start, line.start() + end)
            start = line.start() + end
        _append(sentences, text, start, line.end())
    return sentences


def _ends(line: str) -> list[int]:
    ends = []
    for match in _END.finditer(line):
        if match.group().startswith(".") and _is_abbreviation(line, match.start()):
            continue
        ends.append(match.end())
    return ends


def _is_abbreviation(line: str, dot: int) -> bool:
    word = _WORD_BEFORE.search(line, max(0, dot - 20), dot + 1)
    if word is None:
        return False
    token = word.group(1)
    if "." in token:  # "U.S.", "a.m."
        return True
    if len(token) == 1 and token.isupper():  # an initial: "S. Jaishankar", "John F. Kirby"
        return True
    return token.lower() in ABBREVIATIONS


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        sentences.append(Sentence(start, start + len(stripped), stripped))
