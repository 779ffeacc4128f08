"""Frozen dataclasses passed between the pipeline stages: Document, TimeMention, EventCandidate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

PRECISIONS = ("day", "week", "month", "quarter", "season", "year", "decade", "century")
EVENT_TYPES = (
    "meeting",
    "statement",
    "resolution",
    "strike",
    "attack",
    "takeover",
    "agreement",
    "designation",
    "sanction",
    "visit",
    "aid",
    "other",
)
ACTOR_KINDS = ("country", "organisation", "armed_group", "person", "other")
ACTOR_ROLES = ("participant", "speaker", "agent", "target", "adopter", "subject")
EVENT_STATUSES = ("past", "planned")
PUBLISHED_SOURCES = ("metadata", "dateline", "jsonl", "manifest", "option")
REPORT_FORMATS = ("html", "md")  # `timeline report --format`, report templates NAME.html.j2 / NAME.md.j2


@dataclass(frozen=True)
class Document:
    """One input text, decoded and normalised, ready for extraction and storage."""

    text: str
    uri: str
    sha256: str
    title: str | None = None
    published: date | None = None
    # Where `published` came from: one of PUBLISHED_SOURCES, or None when undated.
    published_source: str | None = None
    url: str | None = None
    source: str | None = None
    # Character spans (start, end) of scraped boilerplate lines; the text itself is unchanged.
    boilerplate: tuple[tuple[int, int], ...] = ()
    # What reading had to change in the input ("2 bytes not valid UTF-8 ..."): warnings, not errors.
    notes: tuple[str, ...] = ()

    def is_boilerplate(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside a boilerplate span."""
        return any(b_start <= start and end <= b_end for b_start, b_end in self.boilerplate)


@dataclass(frozen=True)
class TimeMention:
    """A time expression found in a text, with its TIMEX3 value and the days it covers."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None  # TIMEX3 value; None when it could not be normalised
    date_start: date | None = None
    date_end: date | None = None  # inclusive
    precision: str | None = None  # one of PRECISIONS
    approximate: bool = False
    reference: date | None = None  # the date relative expressions were resolved against
    future: bool = False  # the clause is about the future ("will meet on Thursday")
    reason: str | None = None  # why value/span is missing, when it is


@dataclass(frozen=True)
class ActorRef:
    """An actor as named in a sentence, resolved to its canonical name where known."""

    name: str
    kind: str  # one of ACTOR_KINDS
    role: str = "participant"  # one of ACTOR_ROLES
    aliases: tuple[str, ...] = ()
    title: str | None = None  # "External Affairs Minister" for a person


@dataclass(frozen=True)
class PlaceRef:
    """A place from the gazetteer."""

    name: str
    country: str | None = None
    country_code: str | None = None
    kind: str = "city"  # city | country | region
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None


@dataclass(frozen=True)
class EventCandidate:
    """An event found in one sentence of one document, before merging with stored events."""

    event_type: str  # one of EVENT_TYPES
    title: str
    summary: str
    sentence: str
    char_start: int  # offsets of the supporting sentence in the document text
    char_end: int
    cameo_code: str | None = None
    trigger: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    date_precision: str | None = None
    date_approximate: bool = False
    date_value: str | None = None  # TIMEX3 value of the governing mention
    date_text: str | None = None  # surface text of the governing mention
    date_reason: str | None = None  # e.g. "publication date of a reported statement"
    reference_date: date | None = None
    place: PlaceRef | None = None
    actors: tuple[ActorRef, ...] = field(default_factory=tuple)
    confidence: float = 0.5
    status: str = "past"  # one of EVENT_STATUSES
    number: str | None = None  # a resolution's number ("2593"): the same number is the same resolution
    # The index, in its document's candidates, of the one this names again ("the attack" after "the
    # attack took place on Tuesday near Besham"): the same event, whatever else it shares.
    same_as: int | None = None


@dataclass(frozen=True)
class Rejection:
    """An input that could not be read, with the reason shown to the user."""

    name: str  # the path, or "path:line" for a JSONL line
    reason: str
