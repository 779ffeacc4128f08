"""Jinja environments for reports: user report folders first, then the defaults; StrictUndefined.

Also the helpers templates call: dates by precision, grouping by month, the SVG strip's layout.

Every `{{ … }}` value is escaped for its format on the way out (Jinja's `finalize`, with the
escapers of escaping.py): as HTML unless it is markup already (`|safe`, `|e`), as Markdown unless
a filter marked it as Markdown. Data is only ever a value in a context, never compiled as a
template (issue 7, hostile text).
"""

from __future__ import annotations

import calendar
import hashlib
import heapq
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, nodes
from jinja2.bccache import Bucket
from jinja2.compiler import CodeGenerator, Frame

from timeline.config import require_folder
from timeline.escaping import (
    MarkdownText,
    escape_html,
    escape_markdown,
    inner_quotes,
    markdown_link,
    markdown_text,
    safe_href,
)
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
    """Folders holding report folders, in precedence order: the user's, then the defaults.

    Raises ConfigError for a user folder that is not a directory (the commands name where it was
    given before they get here).
    """
    roots = [Path(folder) for folder in user_dirs]
    for folder in roots:
        require_folder(folder, "report folders")
    default = default_reports_dir()
    if default not in roots:
        roots.append(default)
    return roots


def as_date(value: Any) -> date | None:
    """A date from a date, datetime or ISO string (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@lru_cache(maxsize=8192)
def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _month_end(day: date) -> date:
    # Not "the 1st of next month less a day": December 9999 has no next month.
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


_PART_MIN_DAYS = 3  # end − start: a span of four days or more


def _part_of_month(start: date, end: date) -> str | None:
    """"early", "mid" or "late" when [start, end] is that part of one month, else None.

    Only for a span of four days or more: an approximate day or two keep their days ("c. 10 Aug
    2021"), which "c. early Aug 2021" would blur and, for the 10th, misplace after the 10th.
    """
    if (start.year, start.month) != (end.year, end.month) or (start.day == 1 and end == _month_end(end)):
        return None
    if (end - start).days < _PART_MIN_DAYS:
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
    start, end = row["date_start"], row["date_end"]
    if type(start) is date and type(end) is date:
        # Rows carry dates already (report._make_rows): straight to the cached text, once per event.
        return _describe_span(start, end, row["date_precision"] or "day", bool(row["date_approximate"]))
    return describe_date(start, end, row["date_precision"], row["date_approximate"])


def month_label(value: Any) -> str:
    """"October 2021" for any day of that month ("Undated" for None)."""
    day = as_date(value)
    return "Undated" if day is None else f"{MONTHS_LONG[day.month - 1]} {day.year}"


def day_label(value: Any) -> str:
    """"26 Oct 2021" ("" for None)."""
    day = value if type(value) is date else as_date(value)
    return "" if day is None else _day(day)


def iso(value: Any) -> str:
    """ISO text of a date or datetime ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def type_colour(event_type: Any) -> str:
    """The colour of an event type in the strip and on each event ("#555" for a type it does not know)."""
    return TYPE_COLOURS.get(event_type, "#555")


def numbered(rows: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    """(1, first), (2, second), ...: citation numbers without a loop object per event."""
    return enumerate(rows, 1)


def split_dated(rows: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(dated rows, undated rows), each in the order given."""
    dated = [row for row in rows if row["date_start"] is not None]
    if len(dated) == len(rows):
        return dated, []
    return dated, [row for row in rows if row["date_start"] is None]


_COARSE = ("quarter", "season", "year", "decade", "century")


def group_by_month(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Dated rows (in their order) grouped by month, then by day: [{key, label, days: [{label, events}]}].

    An event known only to a quarter, season, year or decade heads a group of its own ("2017"),
    with no day heading (day label ""), instead of posing as an event of that January.
    """
    months: list[dict[str, Any]] = []
    # Rows of one day share their headings: work them out once per distinct date (and span).
    headings: dict[tuple[Any, ...], tuple[str, str, str]] = {}
    for row in rows:
        start = row["date_start"]
        if type(start) is not date:
            start = as_date(start)
            if start is None:
                continue
        precision = row.get("date_precision") or "day"
        approximate = bool(row.get("date_approximate"))
        lookup = (start, precision) if precision == "day" and not approximate else \
            (start, row["date_end"], precision, approximate)
        heading = headings.get(lookup)
        if heading is None:
            heading = headings[lookup] = _headings(start, row["date_end"], precision, approximate)
        key, label, day = heading
        if not months or months[-1]["key"] != key:
            months.append({"key": key, "label": label, "days": []})
        days = months[-1]["days"]
        if not days or days[-1]["label"] != day:
            days.append({"label": day, "date": start, "events": []})
        days[-1]["events"].append(row)
    return months


def _headings(start: date, end: Any, precision: str, approximate: bool) -> tuple[str, str, str]:
    """(month key, month heading, day heading) of an event for group_by_month."""
    if precision in _COARSE:
        return f"{start.year:04d}-{start.month:02d}-{precision}", describe_date(start, end, precision, False), ""
    day = _day(start) if precision == "day" and not approximate else describe_date(start, end, precision, approximate)
    return f"{start.year:04d}-{start.month:02d}", month_label(start), day


def chronology(dated: Sequence[Mapping[str, Any]], undated: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Sections for `briefing/_sections.*.j2`: group_by_month(dated), then one "Undated events" section.

    Each section is {key, id, css, label, days: [{label, events}]}; [] when there are no rows.
    """
    sections = group_by_month(dated)
    for month in sections:
        month["id"], month["css"] = f"m-{month['key']}", "month"
    if undated:
        sections.append({"key": "undated", "id": "undated", "css": "undated", "label": "Undated events",
                         "days": [{"label": "", "date": None, "events": list(undated)}]})
    return sections


def titled_sections(parts: Sequence[tuple[str, str, Sequence[Mapping[str, Any]]]]) -> list[dict[str, Any]]:
    """Sections for `briefing/_sections.*.j2` from (label, css class, rows), without day headings; empty ones left out."""
    return [{"key": css, "id": "", "css": css, "label": label, "days": [{"label": "", "date": None, "events": list(rows)}]}
            for label, css, rows in parts if rows]


def count_by_type(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """[(event_type, count)], most frequent first, then by name."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["event_type"]] = counts.get(row["event_type"], 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def key_developments(rows: Sequence[Mapping[str, Any]], count: int) -> list[Mapping[str, Any]]:
    """The `count` dated events reported most, listed chronologically.

    Most articles first (source_count); between events reported as often, the one more passages
    cite (the rows' attached `sources`, when there are any), then the later one, then the lower
    event_id: a meeting an article reports at length, this month, before a resolution it names in
    passing from years ago.
    """
    if count <= 0:
        return []
    # The most sources first: only rows with at least the count-th highest source count can be chosen.
    dated = [row for row in rows if row["date_start"] is not None]
    counts = heapq.nlargest(count, (row.get("source_count") or 0 for row in dated))
    if counts:
        dated = [row for row in dated if (row.get("source_count") or 0) >= counts[-1]]
    best = heapq.nsmallest(count, dated, key=lambda row: (
        -(row.get("source_count") or 0), -len(row.get("sources") or ()),
        -as_date(row["date_start"]).toordinal(), row["event_id"]))  # type: ignore[union-attr]
    return sorted(best, key=lambda row: (as_date(row["date_start"]), row["event_id"]))


def strip_layout(rows: Sequence[Mapping[str, Any]], date_from: Any = None, date_to: Any = None,
                 width: int = 960, lane: int = 16) -> dict[str, Any]:
    """Positions for the SVG timeline strip: one lane per event type, marks binned by date.

    Returns {"lanes": []} when no row is dated. Bins keep the mark count bounded whatever the period.
    """
    dated: list[tuple[date, date, str]] = []
    for row in rows:
        start, end = row["date_start"], row["date_end"]
        if type(start) is not date or type(end) is not date:
            start, end = as_date(start), as_date(end)
            if start is None:
                continue
        dated.append((start, end or start, row["event_type"]))
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

    Rows are plain dicts: Jinja's default tries the attribute first, fails, and only then looks
    the item up, which costs more than the rest of an event's rendering. A key that shadows a dict
    method (a column named `items`) reads as the column, as the template author meant; a name that
    is neither a key nor a dict attribute is undefined, with the keys there are in its message.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict):
            try:
                return obj[attribute]
            except KeyError:
                pass
            try:
                return getattr(obj, attribute)
            except AttributeError:
                columns = ", ".join(map(str, obj)) or "none"
                return self.undefined(obj=obj, name=attribute,
                                      hint=f"the row has no column {attribute!r} (its columns: {columns})")
        return super().getattr(obj, attribute)


class ReportCodeGenerator(CodeGenerator):
    """Jinja's code generator, but a run of text and `{{ … }}` values is one string made at once.

    Jinja yields each piece of an output run on its own (`yield '<h4>'`, `yield str(finalize(v))`,
    `yield '</h4>'`), and every yield passes up through each template that includes this one.
    Here a run becomes one `yield '<h4>%s</h4>' % (finalize(v),)`, each value on its own line of
    Python so that an error still names its template line. Anything unusual (a block that
    captures output, autoescaping, template inheritance) is left to Jinja.
    """

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        finalize = self._make_finalize()
        if (frame.require_output_check or frame.buffer is not None or frame.eval_ctx.volatile
                or frame.eval_ctx.autoescape or finalize.src != "environment.finalize("):
            super().visit_Output(node, frame)
            return
        texts: list[str | None] = []  # the constant text, with None where a value goes
        values: list[nodes.Expr] = []
        for child in node.nodes:
            # As Jinja does: template text, and constants that finalize can turn into text now.
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                texts.append(str(self._output_child_to_const(child, frame, finalize)))
            except (nodes.Impossible, Exception):
                texts.append(None)
                values.append(child)
        if not values:
            self.writeline(f"yield {''.join(text for text in texts if text is not None)!r}")
            return
        pattern = ["%s" if text is None else text.replace("%", "%%") for text in texts]
        if pattern == ["%s"]:
            self.writeline("yield str(environment.finalize(", values[0])
            self.visit(values[0], frame)
            self.write("))")
            return
        self.writeline(f"yield {''.join(pattern)!r} % (", node)
        self.indent()
        for value in values:
            self.newline(value)
            self.write("environment.finalize(")
            self.visit(value, frame)
            self.write("),")
        self.outdent()
        self.writeline(")")

    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        """`name.attr` on a plain dict, the usual case (a row's column), read inline.

        The dict's item when it has the key, else environment.getattr as Jinja calls it: the same
        value either way, without a Python call per column. Anything but a plain name (whose code
        can be evaluated again at no cost) is left to Jinja.
        """
        if self.environment.is_async or not isinstance(node.node, nodes.Name):
            super().visit_Getattr(node, frame)
            return
        self.write("")  # any pending new line and indent go to the template's code, not into `name`
        code, self.stream = self.stream, StringIO()
        try:
            self.visit(node.node, frame)
            name = self.stream.getvalue()
        finally:
            self.stream = code
        attr = repr(node.attr)
        self.write(f"({name}[{attr}] if {name}.__class__ is dict and {attr} in {name} "
                   f"else environment.getattr({name}, {attr}))")


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept on disk between processes, as Python keeps .pyc files.

    Every `timeline report` or cron build is a fresh process, and compiling the briefing's
    templates costs about as much as rendering a week of events. The folder is Jinja's per-user
    one in the temp directory (created 0700 and checked to be the user's own); a template is
    compiled again whenever its source changes (Jinja compares a checksum of it), and whenever
    this module, Jinja or the format does, which the key includes. A cache that cannot be read
    or written is skipped: reports never fail because of it.
    """

    def __init__(self, variant: str) -> None:
        super().__init__()
        self.variant = variant

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.variant}|{name}", filename)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


# ReportCodeGenerator builds on these methods of Jinja's generator, which are not public API.
_GENERATOR_HOOKS = ("_make_finalize", "_output_child_to_const")


def code_generator_class() -> type[CodeGenerator]:
    """ReportCodeGenerator when the running Jinja has the private methods it uses, else Jinja's own.

    Both give the same text; Jinja's is slower on long loops.
    """
    if all(callable(getattr(CodeGenerator, name, None)) for name in _GENERATOR_HOOKS):
        return ReportCodeGenerator
    return CodeGenerator


@lru_cache(maxsize=4)
def _template_cache(markdown: bool, generator: str) -> TemplateCache | None:
    """The compiled-template cache of a format and code generator, None when no safe folder can be had."""
    fingerprint = hashlib.sha256(Path(__file__).read_bytes())
    fingerprint.update(f"{jinja2.__version__}|{'md' if markdown else 'html'}|{generator}".encode())
    try:
        return TemplateCache(f"timeline-{fingerprint.hexdigest()[:16]}")
    except (OSError, RuntimeError):  # no temp folder of our own (Jinja refuses one it cannot trust)
        return None


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

    Every `{{ … }}` value is escaped on output: as HTML (markdown=False) unless it is markup
    already, as Markdown (markdown=True) unless a filter made it Markdown. Autoescape stays off
    because finalize does its work: Jinja's autoescape wraps each value in Markup, which costs
    more than the escaping. A macro's output is therefore text; templates include partials.
    """
    loader = RecordingLoader(search_path)
    generator = code_generator_class()
    env = ReportEnvironment(loader=loader, undefined=StrictUndefined, autoescape=False, auto_reload=True,
                            finalize=markdown_text if markdown else escape_html, keep_trailing_newline=True,
                            trim_blocks=True, lstrip_blocks=True, bytecode_cache=_template_cache(markdown, generator.__name__))
    env.code_generator_class = generator
    env.filters.update(
        when=describe_event_date,
        month_label=month_label,
        day_label=day_label,
        iso=iso,
        inner_quotes=inner_quotes,
        md=escape_markdown,
        md_link=markdown_link,
        href=safe_href,
        colour=type_colour,
        numbered=numbered,
    )
    env.globals.update(describe_date=describe_date, raw_markdown=MarkdownText, md_link=markdown_link,
                       group_by_month=group_by_month, chronology=chronology,
                       titled_sections=titled_sections, split_dated=split_dated, count_by_type=count_by_type,
                       key_developments=key_developments, strip_layout=strip_layout, colours=TYPE_COLOURS)
    if globals_:
        env.globals.update(globals_)
    return env


def report_environment(search_path: Sequence[Path], markdown: bool) -> Environment:
    """make_environment, kept per search path so that templates are compiled once per process.

    Edited templates are reloaded (auto_reload); a file added to or removed from the search path
    gives a new environment, because the file that wins a name may change. The loader's record
    of the files used grows across renders, which only ever makes a build hash more files.
    """
    folders = tuple(Path(folder) for folder in search_path)
    listing = tuple(sorted(str(path) for folder in folders if folder.is_dir() for path in folder.rglob("*.j2")))
    return _cached_environment(folders, markdown, listing)


@lru_cache(maxsize=32)
def _cached_environment(search_path: tuple[Path, ...], markdown: bool, listing: tuple[str, ...]) -> Environment:
    return make_environment(search_path, markdown=markdown)
