"""Files, directories and manifests → Document: decode, normalise, hash, mark boilerplate, date."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.config import DEFAULT_MAX_BYTES
from timeline.errors import ConfigError
from timeline.records import PUBLISHED_SOURCES, Document, Rejection

if TYPE_CHECKING:
    from configparser import ConfigParser

    from lxml.html import HtmlElement

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
KNOWN_SUFFIXES_TEXT = ", ".join(KNOWN_SUFFIXES[:-1]) + f" or {KNOWN_SUFFIXES[-1]}"  # for messages

# Only the first lines can hold a dateline or header; deeper dates belong to the story.
DATELINE_LINES = 6

# Trafilatura and its helpers log through the standard logging tree. A library must not print:
# a NullHandler stops Python's last-resort stderr handler while records still reach any handler
# the application configures.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class UnreadableInput(ValueError):
    """An input that cannot become a Document; str() is the short reason shown to the user."""


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest row: what the manifest says about one file."""

    path: Path  # resolved, absolute
    line: int  # 1-based line of the row in the manifest (the header is line 1 in a CSV)
    published: date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    # Why the row cannot be used ("no such file 'x.txt'", a bad date, listed twice); the file
    # it names is rejected with this reason rather than stored with a wrong date.
    problem: str | None = None


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a file's bytes to text (UTF-8, BOMs, UTF-16, legacy encodings by detection).

    Raises UnreadableInput for empty or whitespace-only input, binary data and bytes no
    encoding fits. `name` is the input's name, kept for callers' messages.
    """
    return decode_bytes_noting(data, name)[0]


def decode_bytes_noting(data: bytes, name: str) -> tuple[str, str | None]:
    """decode_bytes, and a note when bytes were replaced: UTF-8 with a few invalid bytes keeps its
    good characters and gets U+FFFD for each bad byte, which the caller must not keep silent."""
    if not data:
        raise UnreadableInput("empty file")
    text = _decode_with_bom(data)
    if text is None and b"\x00" in data:
        # UTF-16 without a BOM is the one text encoding full of NUL bytes; anything else is binary.
        text = _decode_utf16_without_bom(data)
        if text is None:
            raise UnreadableInput("binary file (NUL bytes)")
    note = None
    if text is None:
        text, note = _decode_utf8_or_legacy(data)
    if "\x00" in text:
        raise UnreadableInput("binary file (NUL characters)")
    if not text.strip():
        raise UnreadableInput("empty file (whitespace only)")
    if _control_ratio(text) > 0.05:
        raise UnreadableInput("binary file (control characters)")
    return text, note


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode_with_bom(data: bytes) -> str | None:
    # NOTE: UTF-32 LE before UTF-16 LE: their BOMs share the first two bytes.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(f"invalid {encoding.upper()} after its byte order mark") from exc
    return None


def _decode_utf16_without_bom(data: bytes) -> str | None:
    # Mostly-Latin UTF-16 has a NUL in every other byte, on the odd side for LE, even for BE.
    half = len(data) // 2
    if half == 0:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    if odd_nuls >= 0.3 * half and even_nuls <= 0.01 * half:
        encoding = "utf-16-le"
    elif even_nuls >= 0.3 * half and odd_nuls <= 0.01 * half:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data[: half * 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or _control_ratio(text) > 0.05:
        return None
    return text


def _decode_utf8_or_legacy(data: bytes) -> tuple[str, str | None]:
    """The text, and a note when invalid UTF-8 bytes were replaced."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    repaired = data.decode("utf-8", errors="replace")
    damaged = repaired.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = len(repaired) - len(repaired.encode("ascii", "ignore")) - damaged
    if multibyte > damaged:
        # More valid multi-byte characters than bad bytes: UTF-8 with a few damaged bytes.
        # Re-reading it in a legacy encoding would garble every good character instead.
        plural = "s" if damaged != 1 else ""
        return repaired, (f"{damaged} byte{plural} not valid UTF-8 (the first at byte {first_bad:,})"
                          f" stored as U+FFFD; the rest of the text is UTF-8")
    return _decode_legacy(data), None


def _decode_legacy(data: bytes) -> str:
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(data).best()
    except (LookupError, ValueError, UnicodeError) as exc:
        raise UnreadableInput(f"not text (encoding detection failed: {exc})") from exc
    if best is None:
        raise UnreadableInput("not text (no character encoding fits)")
    text = str(best)
    # Detection guesses among look-alike Latin code pages on short texts (cp1257, cp437...);
    # windows-1252 is what legacy Western web pages actually use (WHATWG maps latin-1 to it).
    if _is_latin_script(text):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return text


def _is_latin_script(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha() and ord(ch) > 0x7F]
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:100_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v\x85")
    return controls / len(sample)


# --------------------------------------------------------------------------- documents


_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_text(text: str) -> str:
    """Return `text` with the BOM stripped, line endings as \\n and Unicode in NFC; never raises."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        return text  # no surrogates, and ASCII is already NFC
    # Lone surrogates (from JSON "\ud800" escapes) cannot be encoded, hashed or stored: U+FFFD.
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return unicodedata.normalize("NFC", text)


def make_document(
    text: str,
    uri: str,
    *,
    title: str | None = None,
    published: date | None = None,
    published_source: str | None = None,
    url: str | None = None,
    source: str | None = None,
) -> Document:
    """Normalise `text` and build its Document (sha256, boilerplate spans, publication date).

    `published_source` says where `published` came from (records.PUBLISHED_SOURCES); without
    one a given date counts as "option". A dateline in the text outranks "option" only.
    Raises UnreadableInput when the text is empty, whitespace only or holds NUL characters,
    and ValueError for a `published_source` outside PUBLISHED_SOURCES (a caller's bug).
    """
    if published_source is not None and published_source not in PUBLISHED_SOURCES:
        raise ValueError(f"published_source must be one of {PUBLISHED_SOURCES}, not {published_source!r}")
    text = normalise_text(text)
    if not text.strip():
        raise UnreadableInput("empty text")
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL, and no article contains one: it is binary data.
        raise UnreadableInput("text contains NUL characters (binary data?)")
    title = _clean_field(title)
    if published is not None and published_source is None:
        published_source = "option"
    if published is None or published_source == "option":
        dateline = find_dateline_date(text)
        if dateline is not None:
            published, published_source = dateline, "dateline"
    if published is None:
        published_source = None
    return Document(
        text=text,
        uri=uri,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=title,
        published=published,
        published_source=published_source,
        url=_clean_field(url),
        source=_clean_field(source),
        boilerplate=find_boilerplate(text, title=title),
    )


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    # One line of display text: control characters (a NUL, which PostgreSQL text cannot hold
    # while SQLite would keep it) go with the line breaks.
    value = " ".join(_CONTROL.sub(" ", normalise_text(value)).split())
    return value or None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --------------------------------------------------------------------------- boilerplate

# Whole-line patterns of scraped page furniture. Each is anchored and bounded so that a real
# sentence that merely starts with a similar word ("Advertisement campaigns were banned") is
# not caught.
_FURNITURE = re.compile(
    r"""^(?:
        (?:also\s+)?read\s*(?:more|also)?\s*[:\-–—|]\s*.*       # "READ: …", "Read more: …"
      | also\s+read\b.{0,200}
      | translate\s+this\s+news\s+in\b.{0,40}
      | adsen[cs]e\b.{0,40}                                    # "Adsence 300X250"
      | (?:advertisements?|sponsored(?:\s+content)?|ads?)\s*(?:\d+\s*x\s*\d+)?
      | advertisement\s*[-–—:|].{0,60}
      | \(?\s*\d{3}\s*x\s*\d{2,3}\s*\)?                         # a bare ad slot size
      | (?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment)\b.{0,40}
      | your\s+email\s+address\s+will\s+not\s+be\s+published.{0,80}
      | required\s+fields\s+are\s+marked.{0,40}
      | (?:back|scroll)\s+to\s+top(?:\s+button)?
      | related\s+(?:articles|posts|news|stories|topics)\s*:?
      | (?:previous|next)\s+(?:article|post|story)\b.{0,200}
      | post\s+navigation
      | (?:share|share\s+this(?:\s+\w+)?|tweet|print|email|whatsapp|telegram)\s*[:!]?
      | click\s+here\b.{0,120}
      | tags?\s*:.{0,200}
      | (?:©|copyright\s*(?:©|\(c\)|\d{4})).{0,120}
      | all\s+rights\s+reserved.{0,40}
      | \(?this\s+story\s+has\s+not\s+been\s+edited\s+by.{0,200}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Prompts: short lines that do not end a sentence ("Follow us on Twitter", "More from World").
_PROMPT = re.compile(
    r"""^(?:
        (?:share|follow)\s+(?:us\s+)?on\b
      | follow\s+us\b
      | (?:subscribe|sign\s+up|download\s+the\s+\w+\s+app|get\s+the\s+app)\b
      | (?:you\s+may\s+also\s+like|more\s+from|more\s+stories|don['’]t\s+miss|top\s+stories)\b
      | (?:also\s+)?(?:watch|see\s+also|recommended|trending|related)\s*[:|]
      | comments?\s*(?:\(\d+\))?$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# A byline: a short line of capitalised words, with a newsroom role among them
# ("Web DeskWeb Editor", "Staff Reporter", "By Jane Doe").
_BYLINE_ROLE = re.compile(r"(?:desk|editor|correspondent|reporter|bureau|staff|writer|agencies)$", re.IGNORECASE)
_BY_NAME = re.compile(r"^(?i:by|written\s+by|edited\s+by|posted\s+by)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}$")

# Cheap first tests, so that most lines of an article skip the patterns above: every furniture
# or prompt pattern starts with one of these words (or "(", "©", a digit), in any case, and every
# date stamp holds a digit.
_LEAD_WORDS = (
    "ad", "all", "also", "back", "click", "comment", "copyright", "don", "download", "email", "follow",
    "get", "leave", "more", "next", "post", "previous", "print", "read", "recommended", "related",
    "required", "scroll", "see", "share", "sign", "sponsored", "subscribe", "tag", "telegram", "this",
    "top", "translate", "trending", "tweet", "watch", "whatsapp", "you",
)  # fmt: skip
_DIGIT = re.compile(r"\d")
_READ_LINK = re.compile(r"(?:also\s+)?read\s*[:\-–—|]", re.IGNORECASE)


def find_boilerplate(text: str, title: str | None = None) -> tuple[tuple[int, int], ...]:
    """Return the (start, end) spans of boilerplate lines in `text`, which stays unchanged.

    Marks ad slots, "READ: …" links, share/follow prompts, bylines, comment-form footers,
    lines that are only a date stamp, and duplicated headlines (a line repeating `title`
    or an earlier line; the headline's first appearance at the top is kept). Returns ()
    when nothing is boilerplate; never raises.
    """
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()
    title_key = _line_key(title) if title else ""
    content_lines = 0
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        # One normal form serves both tests: blanks collapsed (the pattern test), then case-folded
        # (the repeat test, _line_key).
        normal = " ".join(line.split())
        if normal:
            key = normal.casefold().rstrip(" .…")
            content_lines += 1
            is_first = content_lines == 1
            if (
                key in seen
                or (title_key and key == title_key and not is_first)
                or _is_boilerplate_normal(normal, headline=is_first, header=content_lines <= DATELINE_LINES)
            ):
                spans.append((start, end))
            seen.add(key)
        start = end + 1
    return tuple(spans)


def _line_key(line: str) -> str:
    # Repeats differ in spacing, case and a trailing ellipsis ("Afghanistan…" vs "Afghanistan").
    return " ".join(line.casefold().split()).rstrip(" .…")


def _is_boilerplate_line(line: str, *, headline: bool = False, header: bool = True) -> bool:
    return _is_boilerplate_normal(" ".join(line.split()), headline=headline, header=header)


def _is_boilerplate_normal(line: str, *, headline: bool, header: bool) -> bool:
    """_is_boilerplate_line for a line whose blanks are already collapsed (non-breaking spaces, runs)."""
    if len(line) > 400 and not _READ_LINK.match(line):
        return False
    if _may_be_furniture(line):
        if _FURNITURE.match(line):
            return True
        if len(line) <= 80 and not line.endswith((".", "?", "!")) and _PROMPT.match(line):
            return True
    # A title-case headline ("Taliban Detain Foreign Correspondent") looks like a byline.
    if not headline and _is_byline(line):
        return True
    # A date-stamp line in the header is furniture, its date the dateline's business; further
    # down, a date on its own line heads the paragraph below it (a chronology) and stays.
    return header and _match_date_stamp(line) is not None


# The lead words by their first letter: a line is compared with the few that can start it.
_LEAD_WORDS_BY_LETTER = {
    letter: tuple(word for word in _LEAD_WORDS if word[0] == letter) for letter in {word[0] for word in _LEAD_WORDS}
}


def _may_be_furniture(line: str) -> bool:
    # Exact for ASCII, where lower() compares as the patterns' IGNORECASE does; any other line
    # takes the full test.
    if not line.isascii() or line[:1] in "(0123456789":
        return True
    lead = line[:12].lower()
    words = _LEAD_WORDS_BY_LETTER.get(lead[:1])
    return words is not None and lead.startswith(words)


def _is_byline(line: str) -> bool:
    if len(line) > 60 or line.endswith((".", "?", "!", ":")):
        return False
    if _BY_NAME.match(line):
        return True
    words = line.split()
    return len(words) <= 6 and all(w[:1].isupper() for w in words) and bool(_BYLINE_ROLE.search(line))


# --------------------------------------------------------------------------- datelines

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|urday|rsday)?\.?,?\s+)?"
# "10th Aug, 2021", "29 Oct 2021", "October 29, 2021", "Oct. 29 2021", "2021-10-29".
_DATE_FORMS = (
    _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR,
    _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,
    r"(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?",
)
_TIME = r"(?:\s*(?:[.,|@-]|at)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,4}\)?)?)?"
_LABEL = r"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified|date|dated)(?:\s+on)?\s*[:\-]?\s*)?"
# Python's re forbids a group name twice in one pattern, so each date form is its own pattern.
_STAMPS = tuple(re.compile(r"^" + _LABEL + f + _TIME + r"\s*[.]?$", re.IGNORECASE) for f in _DATE_FORMS)
# A capitalised label only: "the report, published on 29 Oct 2021, said" is story text.
_LABELLED = tuple(
    re.compile(r"\b(?:Published|Posted|Updated|PUBLISHED|POSTED|UPDATED)(?:\s+on)?\s*[:\-]?\s*(?i:" + f + ")")
    for f in _DATE_FORMS
)
# Wire copy: "WASHINGTON, March 3 (Reuters) - …", "NEW DELHI, Oct 29, 2021 — …".
_WIRE_PLACE = (
    r"^(?P<place>[A-Z][A-Z.'’-]*(?:\s+[A-Z][A-Z.'’-]*){0,3})"  # "NEW DELHI"
    r"(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)?,\s*"  # optional ", Afghanistan"
)
_WIRE_END = r"\s*(?:\([^)]{1,40}\)\s*)?[-–—:]"
_WIRES = tuple(
    # Case matters for the place only: "WASHINGTON, March 3 -", never "Officials, march 3 -".
    re.compile(_WIRE_PLACE + "(?i:" + f + ")" + _WIRE_END)
    for f in (
        _WEEKDAY + _MONTH + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?",
        _DAY + r"\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?",
    )
)


def _first_match(patterns: Sequence[re.Pattern[str]], line: str, *, search: bool = False) -> re.Match[str] | None:
    for pattern in patterns:
        match = pattern.search(line) if search else pattern.match(line)
        if match is not None:
            return match
    return None


def find_dateline_date(text: str) -> date | None:
    """Return the publication date printed in the header lines of `text`.

    Looks at the first few lines only: a line that is a date stamp ("10th Aug, 2021. 02:16 pm",
    "October 29, 2021 10:02 IST", "2021-10-29"), a "Published: 29 Oct 2021" label, or a wire
    dateline with a year. Returns None when there is none or it has no year; never raises.
    """
    for line in _header_lines(text):
        if not _DIGIT.search(line):
            continue  # every form holds a day or a year
        for part in re.split(r"\s+[|•·]\s+", line):
            found = _match_date_stamp(part)
            if found is not None:
                return found
        labelled = _first_match(_LABELLED, line, search=True)
        if labelled is not None:
            found = _date_from_match(labelled)
            if found is not None:
                return found
        wire = _first_match(_WIRES, line)
        if wire is not None and wire.group("year"):
            found = _date_from_match(wire)
            if found is not None:
                return found
    return None


def find_dateline_place(text: str) -> str | None:
    """Return the place of a wire dateline ("WASHINGTON, March 3 -" → "WASHINGTON"), or None."""
    for line in _header_lines(text):
        wire = _first_match(_WIRES, line)
        if wire is not None and wire.group("place").isupper():
            return wire.group("place")
    return None


def _header_lines(text: str) -> Iterator[str]:
    count = 0
    for line in text[:20_000].split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        yield line[:1000]
        count += 1
        if count >= DATELINE_LINES:
            return


def _match_date_stamp(line: str) -> date | None:
    if len(line) > 80 or not _DIGIT.search(line):
        return None  # every form holds a day or a year
    match = _first_match(_STAMPS, line.strip())
    return _date_from_match(match) if match else None


def _date_from_match(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("iso_year"):
            return date(int(groups["iso_year"]), int(groups["iso_month"]), int(groups["iso_day"]))
        if groups.get("year") and groups.get("month") and groups.get("day"):
            return date(int(groups["year"]), _MONTHS[groups["month"].lower()], int(groups["day"]))
    except ValueError:
        return None  # "31 Feb 2021": not a date, so not a dateline
    return None


def parse_published(value: str) -> date | None:
    """Parse a publication date given as data: ISO date or datetime, or "29 Oct 2021" forms.

    Returns None when `value` is not one of those forms or not a real date; never raises.
    """
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    return _match_date_stamp(value)


# --------------------------------------------------------------------------- manifest


def read_manifest(path: Path) -> dict[Path, ManifestEntry]:
    """Read a CSV or JSONL manifest (path, published, title, url, source) keyed by resolved path.

    Paths are relative to the manifest's folder. A row naming a missing file, a bad date or a
    file listed twice comes back with `problem` set (its file is then rejected, not stored).
    Raises ConfigError when the manifest cannot be read, has no `path` column, or has a row
    without a path or that is not a record. An empty manifest returns {}.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"manifest {path}: cannot read it: {exc.strerror or exc}") from exc
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"manifest {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _manifest_csv_rows(path, content)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        rows = _manifest_jsonl_rows(path, content)
    else:
        raise ConfigError(f"manifest {path}: unknown format '{suffix}' (use .csv or .jsonl)")
    base = path.parent
    entries: dict[Path, ManifestEntry] = {}
    for line, row in rows:
        raw_path = (row.get("path") or "").strip()
        if not raw_path:
            raise ConfigError(f"manifest {path}: line {line}: no path")
        target = _resolve(base / raw_path)
        problem = None
        published = None
        raw_date = (row.get("published") or "").strip()
        if raw_date:
            published = parse_published(raw_date)
            if published is None:
                problem = f"bad published date '{raw_date}' (expected YYYY-MM-DD)"
        if target in entries:
            problem = f"'{raw_path}' is listed twice (also line {entries[target].line})"
        elif problem is None and not os.path.exists(target):
            problem = f"no such file '{raw_path}'"
        entries[target] = ManifestEntry(
            path=target,
            line=line,
            published=published,
            title=_clean_field(row.get("title")),
            url=_clean_field(row.get("url")),
            source=_clean_field(row.get("source")),
            problem=problem,
        )
    return entries


def _manifest_csv_rows(path: Path, content: str) -> list[tuple[int, dict[str, str | None]]]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
        if fields and "path" not in fields:
            raise ConfigError(f"manifest {path}: no 'path' column (columns: {', '.join(MANIFEST_FIELDS)})")
        reader.fieldnames = fields
        rows = []
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if isinstance(v, str)):
                continue  # blank line
            cells: dict[str, str | None] = {k: v for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
            rows.append((reader.line_num, cells))
        return rows
    except csv.Error as exc:
        raise ConfigError(f"manifest {path}: line {reader.line_num}: {exc}") from exc


MANIFEST_FIELDS = ("path", "published", "title", "url", "source")


def _manifest_jsonl_rows(path: Path, content: str) -> list[tuple[int, dict[str, str | None]]]:
    rows = []
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"manifest {path}: line {number}: invalid JSON: {exc.msg}") from exc
        if not isinstance(obj, dict):
            raise ConfigError(f"manifest {path}: line {number}: not a JSON object")
        for key in MANIFEST_FIELDS:
            value = obj.get(key)
            if value is not None and not isinstance(value, str):
                # As for a JSONL input's fields: a number or a list is a mistake, not an absent value.
                raise ConfigError(f"manifest {path}: line {number}: '{key}' must be a string, not {type(value).__name__}")
        rows.append((number, {k: v if isinstance(v, str) else None for k, v in obj.items()}))
    return rows


# --------------------------------------------------------------------------- walking


def iter_documents(
    paths: Sequence[Path],
    *,
    published: date | None = None,
    manifest: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    skipped: list[tuple[Path, Path]] | None = None,
    unlisted: list[Path] | None = None,
) -> Iterator[Document | Rejection]:
    """Yield a Document or a Rejection for every input under `paths`, lazily, in a stable order.

    Directories are walked recursively in sorted order (hidden entries and unknown file types
    skipped; with `skipped`, each unknown file is appended to it as (folder given, file), so that
    the caller can say so; with `unlisted`, each file the manifest has no row for); an explicitly
    named file of unknown type is rejected. `published` applies to documents with no date of their
    own. Yields nothing for no paths. Raises ConfigError only when the manifest itself cannot be
    used (see read_manifest).
    """
    units = iter_units(paths, published=published, manifest=manifest, max_bytes=max_bytes, skipped=skipped,
                       unlisted=unlisted)
    for unit in units:
        if isinstance(unit, Rejection):
            yield unit
        else:
            yield from read_unit(unit)


@dataclass(frozen=True)
class FileUnit:
    """A file to read whole (text, Markdown, HTML, or a JSONL file that cannot be read as lines)."""

    path: Path
    entry: ManifestEntry | None
    option: date | None
    max_bytes: int

    @property
    def name(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class LineUnit:
    """One line of a JSONL file, already read; read_unit turns it into a Document or a Rejection."""

    path: Path
    number: int
    raw: bytes | None  # None: the line was over max_bytes (only its number is kept)
    entry: ManifestEntry | None
    option: date | None
    max_bytes: int

    @property
    def name(self) -> str:
        return f"{self.path}:{self.number}"


Unit = FileUnit | LineUnit


def iter_units(
    paths: Sequence[Path],
    *,
    published: date | None = None,
    manifest: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    skipped: list[tuple[Path, Path]] | None = None,
    unlisted: list[Path] | None = None,
) -> Iterator[Unit | Rejection]:
    """The inputs under `paths` as units to read, in iter_documents' order, with the walk's rejections
    (and, in `skipped`, the folders' files of unknown type, as iter_documents says; in `unlisted`,
    the files read that the manifest has no row for).

    The cheap, ordered part of reading (walking folders, the manifest, splitting JSONL into
    lines); read_unit does the rest, so that the ingest pipeline can run it in worker processes.
    Raises ConfigError only when the manifest itself cannot be used.
    """
    entries = read_manifest(manifest) if manifest is not None else {}
    # The manifest may sit in a folder being ingested; as a .jsonl it would read as documents.
    skip = {_resolve(manifest)} if manifest is not None else set()
    used: set[Path] = set()
    for entry in entries.values():
        if entry.problem is not None and not os.path.exists(entry.path):
            used.add(entry.path)
            yield Rejection(f"{manifest}:{entry.line}", entry.problem)
    for path in paths:
        for file, rejection in _walk(Path(path), skipped):
            if rejection is not None:
                yield rejection
                continue
            resolved = _resolve(file)
            if resolved in skip:
                continue
            row = entries.get(resolved)
            if row is None and manifest is not None and unlisted is not None:
                unlisted.append(file)
            if row is not None:
                used.add(row.path)
                if row.problem is not None:
                    yield Rejection(path_name(file), f"manifest {manifest} line {row.line}: {row.problem}")
                    continue
            yield from _file_units(file, row, published, max_bytes)
    for entry in entries.values():
        # A bad row whose file was not among the inputs is still named once.
        if entry.problem is not None and entry.path not in used:
            yield Rejection(f"{manifest}:{entry.line}", entry.problem)
    if skipped and skip:
        # The manifest in a folder being ingested was read, as the manifest: not passed by.
        skipped[:] = [(folder, file) for folder, file in skipped if _resolve(file) not in skip]


def _file_units(
    path: Path, entry: ManifestEntry | None, option: date | None, max_bytes: int
) -> Iterator[Unit | Rejection]:
    whole = FileUnit(path, entry, option, max_bytes)
    if path.suffix.lower() not in JSONL_SUFFIXES:
        yield whole
        return
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
        handle = path.open("rb") if regular else None
    except OSError:
        handle = None
    if handle is None:
        yield whole  # not readable as lines: reading it whole names the reason
        return
    with handle:
        try:
            for number, raw in _jsonl_lines(handle, max_bytes):
                yield LineUnit(path, number, raw, entry, option, max_bytes)
        except OSError as exc:
            yield Rejection(path_name(path), _os_reason(exc))


def read_unit(unit: Unit) -> Iterator[Document | Rejection]:
    """The Documents and Rejections of one unit (pure but for reading a FileUnit's file)."""
    if isinstance(unit, FileUnit):
        yield from _read_file(unit.path, unit.entry, unit.option, unit.max_bytes)
        return
    item = _line_item(unit.path, unit.number, unit.raw, unit.entry, unit.option, unit.max_bytes)
    if item is not None:
        yield item


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _walk(path: Path, skipped: list[tuple[Path, Path]] | None = None) -> Iterator[tuple[Path, Rejection | None]]:
    try:
        info = path.stat()
    except FileNotFoundError:
        reason = "broken symlink" if path.is_symlink() else "no such file or directory"
        yield path, Rejection(path_name(path), reason)
        return
    except OSError as exc:
        yield path, Rejection(path_name(path), _os_reason(exc))
        return
    if stat.S_ISDIR(info.st_mode):
        unknown: list[Path] = []
        yield from _walk_dir(path, [(info.st_dev, info.st_ino)], set(), unknown)
        if skipped is not None:
            skipped.extend((path, file) for file in unknown)
        return
    if path.suffix.lower() not in KNOWN_SUFFIXES:
        yield path, Rejection(
            path_name(path), f"unknown file type '{path.suffix or path.name}' (expected {KNOWN_SUFFIXES_TEXT})"
        )
        return
    yield path, None


def _walk_dir(
    folder: Path, ancestors: list[tuple[int, int]], visited: set[tuple[int, int]], unknown: list[Path]
) -> Iterator[tuple[Path, Rejection | None]]:
    visited.add(ancestors[-1])
    try:
        with os.scandir(folder) as scan:
            names = sorted(entry.name for entry in scan)
    except OSError as exc:
        yield folder, Rejection(path_name(folder), _os_reason(exc))
        return
    for name in names:
        if name.startswith("."):
            continue  # hidden files and folders (.git, editors' swap files) are not articles
        child = folder / name
        try:
            info = child.stat()
        except FileNotFoundError:
            if child.is_symlink() and child.suffix.lower() in KNOWN_SUFFIXES:
                yield child, Rejection(str(child), "broken symlink")
            continue
        except OSError as exc:
            yield child, Rejection(str(child), _os_reason(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                yield child, Rejection(str(child), f"symlink loop: points back to {os.path.realpath(child)}")
            elif key not in visited:
                # A folder reached twice through symlinks is read once.
                yield from _walk_dir(child, [*ancestors, key], visited, unknown)
            continue
        if child.suffix.lower() in KNOWN_SUFFIXES:
            yield child, None
        else:
            unknown.append(child)


def path_name(path: Path) -> str:
    """The path as text that any database and terminal can hold: str(path), except that the bytes of
    a name that is not valid UTF-8 (Latin-1 names from old zips and shares) are written as \\xNN,
    where str() would give lone surrogates that no UTF-8 encoder accepts."""
    name = str(path)
    if name.isascii():
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _name_note(path: Path, name: str) -> str | None:
    """The warning for a file whose name had to be written differently (path_name), else None."""
    if name == str(path):
        return None
    return "the file name is not valid UTF-8: stored under this name, its other bytes written as \\xNN"


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop: too many levels of symbolic links"
    if isinstance(exc, PermissionError):
        return f"unreadable: {exc.strerror or 'Permission denied'}"
    return f"unreadable: {exc.strerror or exc}"


def _read_file(
    path: Path, entry: ManifestEntry | None, option: date | None, max_bytes: int
) -> Iterator[Document | Rejection]:
    name = path_name(path)
    try:
        info = path.stat()
    except OSError as exc:
        yield Rejection(name, _os_reason(exc))
        return
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO or a device would block or never end.
        yield Rejection(name, f"not a regular file ({_file_kind(info.st_mode)})")
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        # A JSONL file is a collection: the size limit applies to each line (each document).
        yield from _read_jsonl(path, entry, option, max_bytes)
        return
    if info.st_size > max_bytes:
        yield Rejection(name, _too_big(info.st_size, max_bytes))
        return
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        yield Rejection(name, _os_reason(exc))
        return
    if len(data) > max_bytes:
        yield Rejection(name, f"file is over {max_bytes:,} bytes; the limit is {max_bytes:,} (setting max_bytes)")
        return
    try:
        text, note = decode_bytes_noting(data, name)
        if suffix in HTML_SUFFIXES:
            document = _html_document(text, path, entry, option)
        else:
            document = _text_document(text, path, entry, option)
    except UnreadableInput as exc:
        yield Rejection(name, str(exc))
        return
    notes = tuple(n for n in (_name_note(path, name), note) if n is not None)
    yield replace(document, notes=notes) if notes else document


def _too_big(size: int, max_bytes: int) -> str:
    return f"file is {size:,} bytes; the limit is {max_bytes:,} (setting max_bytes)"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _dated(
    entry: ManifestEntry | None, own: date | None, own_source: str, option: date | None
) -> tuple[date | None, str | None]:
    # NOTE: precedence manifest > the input's own metadata > (dateline, in make_document) > option.
    if entry is not None and entry.published is not None:
        return entry.published, "manifest"
    if own is not None:
        return own, own_source
    if option is not None:
        return option, "option"
    return None, None


def _pick(entry: ManifestEntry | None, field: str, own: str | None) -> str | None:
    value = getattr(entry, field) if entry is not None else None
    return value if value is not None else own


def _text_document(text: str, path: Path, entry: ManifestEntry | None, option: date | None) -> Document:
    published, published_source = _dated(entry, None, "metadata", option)
    return make_document(
        text,
        path_name(path),
        title=_pick(entry, "title", _guess_title(text, markdown=path.suffix.lower() == ".md")),
        published=published,
        published_source=published_source,
        url=_pick(entry, "url", None),
        source=_pick(entry, "source", None),
    )


def _guess_title(text: str, *, markdown: bool) -> str | None:
    # A plain-text article's first line is its headline when it is short and not a sentence
    # of the body (seed 000 starts straight with a paragraph: no title).
    for line in normalise_text(text[:5000]).split("\n"):
        line = line.strip()
        if not any(ch.isalpha() for ch in line) or _is_boilerplate_line(line, headline=True):
            continue  # "---" rules, date stamps and bylines come before some headlines
        if markdown and line.startswith("#"):
            return line.lstrip("#").strip() or None
        if len(line) <= 200 and not line.endswith((".", "?", "!", ":", ";", ",")):
            return line
        return None
    return None


def _html_document(text: str, path: Path, entry: ManifestEntry | None, option: date | None) -> Document:
    body, title, own_date, url, site = extract_html(text)
    published, published_source = _dated(entry, own_date, "metadata", option)
    return make_document(
        body,
        path_name(path),
        title=_pick(entry, "title", title),
        published=published,
        published_source=published_source,
        url=_pick(entry, "url", url),
        source=_pick(entry, "source", site),
    )


def extract_html(html: str) -> tuple[str, str | None, date | None, str | None, str | None]:
    """Return (main text, title, publication date, url, site name) of an HTML page, offline.

    Raises UnreadableInput when the page yields no main text (only scripts, empty, or a
    structure the parser gives up on).
    """
    import trafilatura
    from lxml import etree

    try:
        tree = _parse_html(html)
        result = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            # Metadata and markup dates only: an extensive search guesses from story text, and
            # a fixed max_date keeps the clock out (DESIGN: never today's date).
            date_extraction_params={"original_date": True, "extensive_search": False, "max_date": "2099-12-31"},
            config=_trafilatura_config(),
        )
    except etree.ParserError as exc:
        raise UnreadableInput("no main text found in the HTML") from exc
    except (etree.LxmlError, ValueError, TypeError, RecursionError, AttributeError, LookupError) as exc:
        # lxml and trafilatura fail in these ways on pathological markup (deep nesting, junk).
        raise UnreadableInput(f"HTML could not be parsed ({type(exc).__name__})") from exc
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise UnreadableInput("no main text found in the HTML")
    raw_date = getattr(result, "date", None)
    own_date = parse_published(raw_date) if isinstance(raw_date, str) else None
    return (
        text,
        getattr(result, "title", None),
        own_date,
        getattr(result, "url", None),
        getattr(result, "sitename", None),
    )


def _parse_html(html: str) -> HtmlElement:
    # Parsed here rather than by trafilatura, whose loader drops fragments ("<p>…</p>" alone)
    # as not-quite-HTML; a saved snippet of an article is still an article.
    from lxml import html as lxml_html

    # libxml2's default limits stay on (no huge_tree): past 256 levels of nesting it stops
    # descending, which keeps hostile markup from exhausting the stack.
    options = {"remove_comments": True, "remove_pis": True, "collect_ids": False}
    try:
        return lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(**options))
    except ValueError:
        # lxml refuses str input that carries an XML encoding declaration; the text is decoded already.
        parser = lxml_html.HTMLParser(encoding="utf-8", **options)
        return lxml_html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)


_CONFIG: ConfigParser | None = None


def _trafilatura_config() -> ConfigParser:
    global _CONFIG
    if _CONFIG is None:
        from trafilatura.settings import use_config

        config = use_config()
        # Short press releases are articles too; the defaults drop texts under 250 characters.
        config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
        config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
        config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
        _CONFIG = config
    return _CONFIG


def _read_jsonl(
    path: Path, entry: ManifestEntry | None, option: date | None, max_bytes: int
) -> Iterator[Document | Rejection]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejection(path_name(path), _os_reason(exc))
        return
    with handle:
        try:
            yield from _jsonl_items(path, handle, entry, option, max_bytes)
        except OSError as exc:
            yield Rejection(path_name(path), _os_reason(exc))


def _jsonl_items(
    path: Path, handle: io.BufferedReader, entry: ManifestEntry | None, option: date | None, max_bytes: int
) -> Iterator[Document | Rejection]:
    for number, raw in _jsonl_lines(handle, max_bytes):
        item = _line_item(path, number, raw, entry, option, max_bytes)
        if item is not None:
            yield item


def _line_item(
    path: Path, number: int, raw: bytes | None, entry: ManifestEntry | None, option: date | None, max_bytes: int
) -> Document | Rejection | None:
    """One JSONL line as a Document or a Rejection; None for a blank line."""
    name = f"{path_name(path)}:{number}"
    if raw is None:
        reason = f"over {max_bytes:,} bytes; the limit is {max_bytes:,} (setting max_bytes)"
        return Rejection(name, reason)
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        return None
    try:
        return _jsonl_document(raw, number, path, entry, option)
    except UnreadableInput as exc:
        return Rejection(name, str(exc))  # the name says the line: FILE:LINE


def _jsonl_lines(handle: io.BufferedReader, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    # Reads one bounded line at a time, so neither a huge file nor a huge line is held whole.
    number = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(1024 * 1024)
            yield number, None
            continue
        yield number, raw


_JSONL_KEYS = ("text", "title", "published", "url", "source")


def _jsonl_document(raw: bytes, number: int, path: Path, entry: ManifestEntry | None, option: date | None) -> Document:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(f"invalid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise UnreadableInput("invalid JSON: nested too deeply") from exc
    if not isinstance(obj, dict):
        raise UnreadableInput(f"not a JSON object (found {type(obj).__name__})")
    if "text" not in obj:
        raise UnreadableInput("missing required key 'text'")
    if not isinstance(obj["text"], str):
        raise UnreadableInput(f"'text' must be a string, not {type(obj['text']).__name__}")
    for key in _JSONL_KEYS:
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise UnreadableInput(f"'{key}' must be a string, not {type(obj[key]).__name__}")
    own_date = None
    if obj.get("published"):
        own_date = parse_published(obj["published"])
        if own_date is None:
            # Storing it undated would stick: the same text re-ingested later changes nothing.
            raise UnreadableInput(f"bad 'published' date '{obj['published'][:40]}' (expected YYYY-MM-DD)")
    published, published_source = _dated(entry, own_date, "jsonl", option)
    return make_document(
        obj["text"],
        f"{path_name(path)}#{number}",
        title=_pick(entry, "title", obj.get("title")),
        published=published,
        published_source=published_source,
        url=_pick(entry, "url", obj.get("url")),
        source=_pick(entry, "source", obj.get("source")),
    )

