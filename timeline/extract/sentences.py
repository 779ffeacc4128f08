"""Sentences with character offsets into the document text."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
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
# A line break ends a sentence unless the next line continues it in lower case.
_LINE = re.compile(r"[^\n]+(?:\n(?=[ \t]*[a-z])[^\n]+)*")
# In hard-wrapped text (wire copy: "implications for\nUSX's unsecured creditors.") a line break is a
# space unless the next line is blank or indented, which is how such text opens a paragraph.
_WRAPPED_LINE = re.compile(r"[^\n]+(?:\n(?=[^\s])[^\n]+)*")
# Hard-wrapped: at least WRAP_MIN_LINES lines of text, none longer than WRAP_MAX_WIDTH characters,
# and half of them at least WRAP_MIN_MEDIAN long. Text written a paragraph a line (the usual web
# and seed article) has lines of hundreds of characters; a list of headlines has short ones.
WRAP_MIN_LINES = 4
WRAP_MAX_WIDTH = 100
WRAP_MIN_MEDIAN = 45


class Sentence(NamedTuple):
    """One sentence: [start, end) in the document text, and that text."""

    start: int
    end: int
    text: str


def split_sentences(text: str, holding: Sequence[int] | None = None) -> list[Sentence]:
    """The sentences of a text in order, stripped; blank lines and headline lines end them.

    With `holding` (offsets in ascending order), only the sentences of the lines that hold one
    of those offsets: a sentence never spans two of the lines matched here, so these are the
    same sentences as without it, found without splitting the other lines. Returns an empty list for an empty or blank text.
    """
    sentences: list[Sentence] = []
    lines = _WRAPPED_LINE if is_hard_wrapped(text) else _LINE
    for line in lines.finditer(text):
        start = line.start()
        if holding is not None:
            index = bisect.bisect_left(holding, start)
            if index == len(holding):
                break  # no offset at or after this line
            if holding[index] >= line.end():
                continue
        for end in _ends(line.group()):
            _append(sentences, text, start, line.start() + end)
            start = line.start() + end
        _append(sentences, text, start, line.end())
    return sentences


_WRAP_BREAK = re.compile(r"\n(?=\S)")


def unwrap_lines(text: str) -> str:
    """`text` with the line breaks of hard wrapping made spaces (same length, same offsets); as it is
    when it is not hard-wrapped. A break before a blank or indented line (a paragraph) stays."""
    return _wrapping(text)[1]


def is_hard_wrapped(text: str) -> bool:
    """Whether the text's lines were broken at a fixed width (see WRAP_*), not at paragraph ends."""
    return _wrapping(text)[0]


def _wrapping(text: str) -> tuple[bool, str]:
    """(is_hard_wrapped, unwrap_lines) of `text`, worked out once for the text extract() hands to the
    sentence splitter, the entity finder and the time layer in turn."""
    global _LAST_WRAPPING
    last = _LAST_WRAPPING  # one tuple, read once: another thread may replace it meanwhile
    if text is last[0]:
        return last[1]
    wrapped = False
    if text.count("\n") + 1 >= WRAP_MIN_LINES:
        widths = sorted(len(line) for line in map(str.strip, text.splitlines()) if line)
        wrapped = (len(widths) >= WRAP_MIN_LINES and widths[-1] <= WRAP_MAX_WIDTH
                   and widths[(len(widths) - 1) // 2] >= WRAP_MIN_MEDIAN)
    result = (wrapped, _WRAP_BREAK.sub(" ", text) if wrapped else text)
    _LAST_WRAPPING = (text, result)
    return result


_LAST_WRAPPING: tuple[str | None, tuple[bool, str]] = (None, (False, ""))


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
