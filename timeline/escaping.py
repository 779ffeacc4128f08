"""Article text made inert for the briefing formats: HTML escaping, Markdown escaping, safe links.

Text from articles is data (DESIGN.md, issue 7): every `{{ … }}` value of a report passes through
escape_html or markdown_text on its way out (the environments' finalize, templating.py), and only
http(s) URLs become links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from markupsafe import escape


def _escape_with_markup(text: str) -> str:
    return str(escape(text))


_escape_text: Callable[[str], str] = _escape_with_markup
try:
    # markupsafe's C escaping of a str, without wrapping the result in Markup: Markup's
    # constructor costs several times the escaping itself, once per value on every event.
    from markupsafe._speedups import _escape_inner as _escape_text
except ImportError:  # pragma: no cover - markupsafe without its C extension or with another layout
    pass


class MarkdownText(str):
    """A string that is Markdown already: the Markdown environment outputs it unescaped."""


# `_` inside a word is never emphasis in GFM, so "armed_group" stays readable.
_MD_INLINE = re.compile(r"([\\`*\[\]<>|~&#!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=>])")
_MD_SCHEME = re.compile(r"(?<=[A-Za-z]):(?=//)")
_MD_WWW = re.compile(r"(?i)\b(www)\.")
# What any rule of _escape_markdown_text can act on, tested piece by piece: one regex with
# alternatives costs ten times a character class on every summary and sentence.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>|~&#!]")
_MD_BLOCK_START = re.compile(r"\s*(?:\d+[.)]|[-+=>])")
_MD_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace but " ": tabs, newlines, no-break spaces, ...
# _MD_SPECIAL and the ASCII of _MD_OTHER_SPACE: the characters whose bytes the plain-text test
# looks for in one pass (tests/test_templating.py checks the list against `\s`).
_MD_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_MD_SUSPECT_CHARS = "\\`*_[]<>|~&#!" + _MD_ASCII_SPACE
# The plain-text test's table, applied to the text's UTF-8 bytes (bytes beyond ASCII are kept):
# every suspect byte, and ":" (so that "://" needs no search of its own: the rules themselves look
# at the few texts with a colon), becomes a backslash; every other byte is kept.
_MD_FLAG_TABLE = bytes(ord("\\") if chr(i) in _MD_SUSPECT_CHARS + ":" else i for i in range(256))
# The byte looked for, as an int: `int in bytes` is a memchr, where `bytes in bytes` first tries
# the needle as an int, and the TypeError it raises and clears costs more than the search.
_MD_BACKSLASH = ord("\\")
# A first character that may open a block (_MD_BLOCK_START once leading spaces are gone), but
# the decimal digits beyond ASCII, which `\d` also takes.
_MD_BLOCK_FIRST = "-+=>0123456789"


def escape_markdown(value: Any) -> MarkdownText:
    """`value` as GitHub-flavoured Markdown text that renders as itself and never as markup.

    Whitespace runs (newlines included) become one space so that text cannot open a block;
    punctuation that GFM reads as markup is backslash-escaped; URLs are kept from autolinking.
    """
    if isinstance(value, MarkdownText):
        return value
    return MarkdownText(markdown_text(value))


def markdown_text(value: Any) -> str:
    """escape_markdown as a plain str (Markdown text is left as it is): the Markdown environment's finalize.

    Jinja turns whatever finalize returns into a plain str, so making a MarkdownText here would
    only be copied again.
    """
    kind = type(value)
    if kind is str:
        text = value
    elif isinstance(value, MarkdownText) or (kind is int and value >= 0):
        return str(value)
    else:
        text = "" if value is None else str(value)
    if len(text) > _MD_CACHE_LENGTH:
        return _escape_markdown_text(text)
    # Briefings repeat the same types, places, actors and dates on every event, and a document's
    # title and cited sentence on each event it supports (half the long text of a month at 1M
    # events is such a repeat); paragraphs longer than a sentence are not kept.
    cached = _MD_CACHE.get(text)
    if cached is None:
        if len(_MD_CACHE) >= _MD_CACHE_SIZE:
            _MD_CACHE.clear()
        cached = _MD_CACHE[text] = _escape_markdown_text(text)
    return cached


_MD_CACHE: dict[str, str] = {}
_MD_CACHE_SIZE = 20_000
_MD_CACHE_LENGTH = 400


def _escape_markdown_text(text: str) -> str:
    """_apply_markdown_rules(text), answering at once for text that no rule can act on.

    Most summaries and sentences are plain prose: one translated copy of the text (a table lookup
    per byte), a memchr of it and three substring tests, where the rules' regexes scan it five
    times. Text beyond ASCII also needs the regex for its other spaces. (The substring tests are
    made on the text: `bytes in bytes` and bytes.find cost more to call than the search itself.)
    """
    is_ascii = text.isascii()
    flags = (text.encode() if is_ascii else text.encode("utf-8", "surrogatepass")).translate(_MD_FLAG_TABLE)
    if _MD_BACKSLASH in flags or "  " in text or (not is_ascii and _MD_OTHER_SPACE.search(text) is not None) \
            or (("w." in text or "W." in text) and "www." in text.lower()):
        # ("www." in any case needs "w." or "W."; str.lower() copies the text.)
        return _apply_markdown_rules(text)
    first = text[:1]
    # (Comparing to "\x80" first spares most texts the call: only a digit opens a list.)
    if first and first != " " and text[-1:] != " " and first not in _MD_BLOCK_FIRST \
            and (first < "\x80" or not first.isdecimal()):
        return text
    return _apply_markdown_rules(text)


def _apply_markdown_rules(text: str) -> str:
    if "  " in text or text[:1] == " " or text[-1:] == " " or _MD_OTHER_SPACE.search(text):
        text = " ".join(text.split())
    if (_MD_SPECIAL.search(text) is None and "://" not in text and _MD_BLOCK_START.match(text) is None
            and "www." not in text.lower()):
        return text
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_SCHEME.sub(r"\\:", text)
    text = _MD_WWW.sub(r"\1\\.", text)
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2)
                              else f"{m.group(4)}\\{m.group(5)}", text)


def escape_html(value: Any) -> str:
    """`value` as HTML text: `& < > " '` escaped as markupsafe escapes them; markup (`__html__`) as it is.

    The HTML environment's finalize, so every `{{ … }}` value passes through it.
    """
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is int:
        return str(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return _escape_text(str(value))


_HTTP_URL = re.compile(r"(?i)https?://[^\s\x00-\x1f\x7f]+\Z")
# The characters urllib's quote() leaves alone with markdown_link's `safe`: a URL made only of
# them is its own destination, without quote()'s per-character work.
_QUOTE_SAFE = ":/?#@!$&'*+,;=%~-._[]"
_UNQUOTED = re.compile(r"[A-Za-z0-9:/?#@!$&'*+,;=%~\-._\[\]]*")


def safe_href(url: Any) -> str:
    """`url` when it is an http(s) link, else "" (so `javascript:` and paths never become links)."""
    if not url:
        return ""
    if type(url) is not str:
        return _safe_href(url)
    # Templates check a source's URL (`|href`) and pass the result to md_link, which checks it
    # again; and a document is cited on every event it supports.
    # (The bounded cache is written out as in markdown_text: a shared helper's call on every miss
    # costs about 1 % of a Markdown month's build.)
    href = _HREF_CACHE.get(url)
    if href is None:
        if len(_HREF_CACHE) >= _MD_CACHE_SIZE:
            _HREF_CACHE.clear()
        href = _HREF_CACHE[url] = _safe_href(url)
    return href


_HREF_CACHE: dict[str, str] = {}


def _safe_href(url: Any) -> str:
    text = (url if type(url) is str else str(url)).strip()
    if text.isascii():
        # For ASCII text the pattern's test is this: no whitespace, no control character.
        head = text[:8].lower()
        scheme = 8 if head == "https://" else 7 if head.startswith("http://") else 0
        return text if scheme and len(text) > scheme and text.isprintable() and " " not in text else ""
    return text if _HTTP_URL.match(text) else ""


def markdown_link(label: Any, url: Any) -> MarkdownText:
    """A Markdown link to an http(s) `url`, or the escaped label alone for anything else."""
    href = safe_href(url)
    text = markdown_text(label)
    if not href:
        return MarkdownText(text)
    destination = href if _UNQUOTED.fullmatch(href) else quote(href, safe=_QUOTE_SAFE)
    return MarkdownText(f"[{text}](<{destination}>)")


_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def inner_quotes(value: Any) -> str:
    """Text to print inside double quotation marks: its own double quotes become single ones.

    A cited sentence that opens with a quotation ("“Both sides urged …,” it said.") would otherwise
    print as ““Both sides …; quotes within quotes alternate, so it prints as “‘Both sides …,’ it said.”
    """
    text = value if type(value) is str else ("" if value is None else str(value))
    if '"' in text or "“" in text or "”" in text:
        return text.translate(_INNER_QUOTES)
    return text
