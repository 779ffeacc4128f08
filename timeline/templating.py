"""Jinja environments for reports: user report folders first, then the defaults; StrictUndefined.

Also the helpers templates call: dates by precision, grouping by month, the SVG strip's layout.

HTML templates are autoescaped. Markdown templates escape every `{{ … }}` value as Markdown
unless a filter marked it as Markdown already. Data is only ever a value in a context, never
compiled as a template (issue 7, hostile text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from timeline.records import EVENT_TYPES

_PACKAGE = Path(__file__).resolve().parent
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring", 6: "summer",
           7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
LINK_SCHEMES = ("http", "https")
TYPE_COLOURS = {
    "meeting": "#1f77b4", "statement": "#7f7f7f", "resolution": "#9467bd", "strike": "#d62728",
    "attack": "#8c1c13", "takeover": "#ff7f0e", "agreement": "#2ca02c", "designation": "#bcbd22",
    "sanction": "#e377c2", "visit": "#17becf", "aid": "#8c564b", "other": "#aaaaaa",
}


def default_reports_dir() -> Path:
    """The shipped reports: the repo's `reports/` in a checkout, the wheel's `_reports/` when installed."""
    checkout = _PACKAGE.parent / "reports"
    if (checkout / "briefing" / "report.toml").is_file():
        return checkout
    return _PACKAGE / "_reports"


def report_roots(user_dirs: Sequence[Path] = ()) -> list[Path]:
    """Folders holding report folders, in precedence order: the user's, then the defaults."""
    roots = [Path(folder) for folder in user_dirs]
    default = default_reports_dir()
    if default not in roots:
        roots.append(default)
    return roots


class MarkdownText(str):
    """A string that is Markdown already: the Markdown environment outputs it unescaped."""


# `_` inside a word is never emphasis in GFM, so "armed_group" stays readable.
_MD_INLINE = re.compile(r"([\\`*\[\]<>|~&#!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_MD_ANY = re.compile(r"[\\`*_\[\]<>|~&#!:]|(?i:www\.)|^\s*(?:\d+[.)]|[-+=>])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=>])")


def escape_markdown(value: Any) -> MarkdownText:
    """`value` as GitHub-flavoured Markdown text that renders as itself and never as markup.

    Whitespace runs (newlines included) become one space so that text cannot open a block;
    punctuation that GFM reads as markup is backslash-escaped; URLs are kept from autolinking.
    """
    if isinstance(value, MarkdownText):
        return value
    kind = type(value)
    if kind is int and value >= 0:
        return MarkdownText(value)
    text = value if kind is str else "" if value is None else str(value)
    if len(text) > _MD_CACHE_LENGTH:
        return _escape_markdown_text(text)
    # Briefings repeat the same types, places, actors, labels and titles on every event; long
    # text (summaries, sentences) rarely repeats and is not kept.
    cached = _MD_CACHE.get(text)
    if cached is None:
        if len(_MD_CACHE) >= _MD_CACHE_SIZE:
            _MD_CACHE.clear()
        cached = _MD_CACHE[text] = _escape_markdown_text(text)
    return cached


_MD_CACHE: dict[str, MarkdownText] = {}
_MD_CACHE_SIZE = 20_000
_MD_CACHE_LENGTH = 120


def _escape_markdown_text(text: str) -> MarkdownText:
    text = " ".join(text.split())
    if not _MD_ANY.search(text):
        return MarkdownText(text)
    text = _MD_INLINE.sub(r"\\\1", text)
    text = re.sub(r"(?<=[A-Za-z]):(?=//)", r"\\:", text)
    text = re.sub(r"(?i)\b(www)\.", r"\1\\.", text)
    text = _MD_LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2) else f"{m.group(4)}\\{m.group(5)}", text)
    return MarkdownText(text)


_HTTP_URL = re.compile(r"(?i)https?://[^\s\x00-\x1f\x7f]+\Z")


def safe_href(url: Any) -> str:
    """`url` when it is an http(s) link, else "" (so `javascript:` and paths never become links)."""
    if not url:
        return ""
    text = str(url).strip()
    return text if _HTTP_URL.match(text) else ""


def markdown_link(label: Any, url: Any) -> MarkdownText:
    """A Markdown link to an http(s) `url`, or the escaped label alone for anything else."""
    href = safe_href(url)
    text = escape_markdown(label)
    if not href:
        return text
    destination = quote(href, safe=":/?#@!$&'*+,;=%~-._[]")
    return MarkdownText(f"[{text}](<{destination}>)")


def as_date(value: Any) -> date | None:
    """A date from a date, datetime or ISO string (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _month_end(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)


def _part_of_month(start: date, end: date) -> str | None:
    """"early", "mid" or "late" when [start, end] is that part of one month, else None."""
    if (start.year, start.month) != (end.year, end.month) or (start.day == 1 and end == _month_end(end)):
        return None
    if start.day >= 20:
        return "late"
    if end.day <= 11:
        return "early"
    if start.day >= 10 and end.day <= 21:
        return "mid"
    return None


def _day_range(start: date, end: date) -> str:
    if start == end:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def _month_range(start: date, end: date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]} {start.year} – {MONTHS[end.month - 1]} {end.year}"


def describe_date(start: Any, end: Any = None, precision: Any = None, approximate: Any = False) -> str:
    """The span written by its precision: "26–27 Oct 2021", "Aug 2021", "2017", "c. late Jul 2022".

    Returns "undated" when there is no start date.
    """
    first = as_date(start)
    if first is None:
        return "undated"
    return _describe_span(first, as_date(end) or first, str(precision or "day"), bool(approximate))


@lru_cache(maxsize=8192)
def _describe_span(first: date, last: date, kind: str, approximate: bool) -> str:
    """describe_date of a resolved span; many events share one, so the text is cached."""
    text: str
    part = _part_of_month(first, last) if approximate else None
    if part and kind in ("day", "week", "month"):
        text = f"{part} {MONTHS[first.month - 1]} {first.year}"
    elif kind == "day":
        text = _day_range(first, last)
    elif kind == "week":
        text = f"week of {_day(first)}" if (last - first).days <= 7 else _day_range(first, last)
    elif kind == "month":
        text = _month_range(first, last)
    elif kind == "quarter":
        quarter = (first.month - 1) // 3 + 1
        text = f"Q{quarter} {first.year}" if last.year == first.year and (last.month - 1) // 3 + 1 == quarter \
            else _month_range(first, last)
    elif kind == "season":
        text = f"{SEASONS[first.month]} {first.year if first.month != 12 else f'{first.year}–{first.year + 1}'}"
    elif kind == "year":
        text = str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    elif kind == "decade":
        text = f"{first.year - first.year % 10}s"
    elif kind == "century":
        number = first.year // 100 + 1
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        text = f"{number}{suffix} century"
    else:
        text = _day_range(first, last)
    return f"c. {text}" if approximate else text


def describe_event_date(row: Any) -> str:
    """describe_date over a row with date_start, date_end, date_precision, date_approximate."""
    return describe_date(row["date_start"], row["date_end"], row["date_precision"], row["date_approximate"])


def month_label(value: Any) -> str:
    """"October 2021" for any day of that month ("Undated" for None)."""
    day = as_date(value)
    return "Undated" if day is None else f"{MONTHS_LONG[day.month - 1]} {day.year}"


def day_label(value: Any) -> str:
    """"26 Oct 2021" ("" for None)."""
    day = as_date(value)
    return "" if day is None else _day(day)


def iso(value: Any) -> str:
    """ISO text of a date or datetime ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


_COARSE = ("quarter", "season", "year", "decade", "century")


def group_by_month(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Dated rows (in their order) grouped by month, then by day: [{key, label, days: [{label, events}]}].

    An event known only to a quarter, season, year or decade heads a group of its own ("2017"),
    with no day heading (day label ""), instead of posing as an event of that January.
    """
    months: list[dict[str, Any]] = []
    for row in rows:
        start = as_date(row["date_start"])
        if start is None:
            continue
        precision = row.get("date_precision") or "day"
        approximate = bool(row.get("date_approximate"))
        if precision in _COARSE:
            key = f"{start.year:04d}-{start.month:02d}-{precision}"
            label = describe_date(row["date_start"], row["date_end"], precision, False)
            day = ""
        else:
            key = f"{start.year:04d}-{start.month:02d}"
            label = month_label(start)
            day = day_label(start) if precision == "day" and not approximate else \
                describe_date(row["date_start"], row["date_end"], precision, approximate)
        if not months or months[-1]["key"] != key:
            months.append({"key": key, "label": label, "days": []})
        days = months[-1]["days"]
        if not days or days[-1]["label"] != day:
            days.append({"label": day, "date": start, "events": []})
        days[-1]["events"].append(row)
    return months


def count_by_type(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """[(event_type, count)], most frequent first, then by name."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["event_type"]] = counts.get(row["event_type"], 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def key_developments(rows: Sequence[Mapping[str, Any]], count: int) -> list[Mapping[str, Any]]:
    """The `count` dated events with the most sources (ties: earlier, then lower event_id), chronologically."""
    dated = [row for row in rows if row["date_start"] is not None]
    best = sorted(dated, key=lambda row: (-(row.get("source_count") or 0), as_date(row["date_start"]), row["event_id"]))
    chosen = best[: max(count, 0)]
    return sorted(chosen, key=lambda row: (as_date(row["date_start"]), row["event_id"]))


def strip_layout(rows: Sequence[Mapping[str, Any]], date_from: Any = None, date_to: Any = None,
                 width: int = 960, lane: int = 16) -> dict[str, Any]:
    """Positions for the SVG timeline strip: one lane per event type, marks binned by date.

    Returns {"lanes": []} when no row is dated. Bins keep the mark count bounded whatever the period.
    """
    dated: list[tuple[date, date, str]] = []
    for row in rows:
        start = as_date(row["date_start"])
        if start is not None:
            dated.append((start, as_date(row["date_end"]) or start, row["event_type"]))
    if not dated:
        return {"lanes": [], "marks": [], "ticks": [], "width": width, "height": 0}
    low = as_date(date_from) or min(start for start, _, _ in dated)
    high = as_date(date_to) or max(end for _, end, _ in dated)
    if high <= low:
        high = low + timedelta(days=1)
    days = (high - low).days + 1
    left, right, top = 96, 12, 8
    plot = width - left - right
    bins = min(days, 160)
    types = [name for name in EVENT_TYPES if any(kind == name for _, _, kind in dated)]
    lanes: list[dict[str, Any]] = [{"type": name, "y": top + index * lane, "colour": TYPE_COLOURS.get(name, "#555")}
                                   for index, name in enumerate(types)]
    counts: dict[tuple[str, int], int] = {}
    for start, _, kind in dated:
        offset = min(max((start - low).days, 0), days - 1)
        index = offset * bins // days
        counts[(kind, index)] = counts.get((kind, index), 0) + 1
    most = max(counts.values())
    step = plot / bins
    marks = []
    lane_y: dict[str, int] = {item["type"]: item["y"] for item in lanes}
    for (kind, index), count in sorted(counts.items(), key=lambda item: (types.index(item[0][0]), item[0][1])):
        first_day = low + timedelta(days=index * days // bins)
        last_day = low + timedelta(days=max((index + 1) * days // bins - 1, index * days // bins))
        span = day_label(first_day) if first_day == last_day else f"{day_label(first_day)} – {day_label(last_day)}"
        marks.append({
            "x": round(left + index * step, 1),
            "y": lane_y[kind] + 2,
            "w": round(max(step - 0.6, 1.5), 1),
            "h": lane - 4,
            "colour": TYPE_COLOURS.get(kind, "#555"),
            "opacity": round(0.35 + 0.65 * count / most, 2),
            "title": f"{count} {kind}{'' if count == 1 else ' events'}, {span}",
        })
    height = top + len(lanes) * lane + 22
    return {"lanes": lanes, "marks": marks, "ticks": _ticks(low, high, left, plot, days, height - 8),
            "width": width, "height": height, "left": left, "plot_right": left + plot,
            "axis_y": top + len(lanes) * lane + 2}


def _ticks(low: date, high: date, left: int, plot: float, days: int, label_y: int) -> list[dict[str, Any]]:
    years = high.year - low.year
    points: list[tuple[date, str]] = []
    if years >= 3:
        every = max(1, years // 8 + (1 if years % 8 else 0)) if years > 8 else 1
        points = [(date(year, 1, 1), str(year)) for year in range(low.year + 1, high.year + 1) if year % every == 0]
    elif days > 62:
        cursor = date(low.year, low.month, 1)
        every = 1 if days <= 400 else 3
        while cursor <= high:
            if cursor > low and (cursor.month - 1) % every == 0:
                points.append((cursor, f"{cursor.strftime('%b')} {cursor.year}" if cursor.month == 1 or not points
                               else cursor.strftime("%b")))
            cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    else:
        cursor = low
        while cursor <= high:
            points.append((cursor, day_label(cursor).rsplit(" ", 1)[0]))
            cursor += timedelta(days=7 if days > 14 else 1)
    return [{"x": round(left + (day - low).days / days * plot, 1), "label": label, "y": label_y}
            for day, label in points]


class ReportEnvironment(Environment):
    """A Jinja environment that reads `row.column` from a dict's items before its attributes.

    Rows are dicts: Jinja's default tries the attribute first, fails, and only then looks the
    item up, which costs more than the rest of an event's rendering. A key that shadows a dict
    method (a column named `items`) reads as the column, as the template author meant.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict):
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class RecordingLoader(FileSystemLoader):
    """A FileSystemLoader that remembers the files it loaded, so builds can hash what a report used."""

    def __init__(self, searchpath: Sequence[Path]) -> None:
        super().__init__([str(path) for path in searchpath])
        self.used: dict[str, Path] = {}

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        self.used[template] = Path(filename)
        return source, filename, uptodate


def make_environment(search_path: Sequence[Path], *, markdown: bool,
                     globals_: dict[str, Any] | None = None) -> Environment:
    """A Jinja environment over `search_path` (first match wins) with StrictUndefined.

    markdown=False autoescapes HTML; markdown=True escapes every output value as Markdown.
    """
    loader = RecordingLoader(search_path)
    if markdown:
        env = ReportEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False, auto_reload=False,
                          finalize=escape_markdown, keep_trailing_newline=True,
                          trim_blocks=True, lstrip_blocks=True)
    else:
        env = ReportEnvironment(loader=loader, undefined=StrictUndefined, autoescape=True, auto_reload=False,
                          keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(
        when=describe_event_date,
        month_label=month_label,
        day_label=day_label,
        iso=iso,
        md=escape_markdown,
        md_link=markdown_link,
        href=safe_href,
    )
    env.globals.update(describe_date=describe_date, raw_markdown=MarkdownText, md_link=markdown_link,
                       group_by_month=group_by_month, count_by_type=count_by_type,
                       key_developments=key_developments, strip_layout=strip_layout, colours=TYPE_COLOURS)
    if globals_:
        env.globals.update(globals_)
    return env
