"""--from/--to/--type/--actor/--place/--text → a parameterised WHERE over v_timeline."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeline.db import spell_caseless
from timeline.errors import ConfigError
from timeline.records import EVENT_TYPES


@dataclass(frozen=True)
class Filters:
    """The filters every listing, report and export takes; all optional."""

    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ()
    actor: str | None = None
    place: str | None = None
    text: str | None = None

    def describe(self) -> str:
        """A human-readable line of the active filters ("all events" when none)."""
        parts = []
        if self.date_from:
            parts.append(f"from {self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to {self.date_to.isoformat()}")
        if self.types:
            parts.append("type " + ", ".join(self.types))
        if self.actor:
            parts.append(f"actor “{self.actor}”")
        if self.place:
            parts.append(f"place “{self.place}”")
        if self.text:
            words = [f"“{word}”" for word in self.text.split()]
            parts.append("text " + (", ".join(words[:-1]) + " and " if len(words) > 1 else "") + words[-1])
        return "; ".join(parts) if parts else "all events"


def make_filters(
    date_from: date | None = None,
    date_to: date | None = None,
    types: tuple[str, ...] | list[str] = (),
    actor: str | None = None,
    place: str | None = None,
    text: str | None = None,
) -> Filters:
    """Validated Filters; raises ConfigError for an unknown type or a reversed period.

    --text of spaces only holds no word, and is no filter.
    """
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise ConfigError(f"--type {', '.join(unknown)}: unknown; choose from {', '.join(EVENT_TYPES)}")
    if date_from and date_to and date_from > date_to:
        raise ConfigError(f"--from {date_from} is after --to {date_to}")
    text = text if text and not text.isspace() else None
    return Filters(date_from, date_to, tuple(types), _nfc(actor), _nfc(place), _nfc(text))


def _nfc(value: str | None) -> str | None:
    # Stored text is NFC (README, Inputs): an "Ö" typed as O + combining diaeresis must find it too.
    if not value:
        return None
    return value if value.isascii() else unicodedata.normalize("NFC", value)


# LIKE's escape character, named in every LIKE here: a value's own %, _ and \ are text, not wildcards.
_ESCAPE = "\\"
_LIKE = f"LIKE {{}} ESCAPE '{_ESCAPE}'"


def _containing(value: str) -> str:
    """The LIKE pattern of text containing `value` anywhere."""
    # NOTE: the escape character first, or the escapes added for % and _ would be escaped again.
    for special in (_ESCAPE, "%", "_"):
        value = value.replace(special, _ESCAPE + special)
    return f"%{value}%"


def _contains_condition(columns: list[str], param: str, value: str, dialect: str | None,
                        params: dict[str, Any]) -> str:
    """Any of `columns` contains `value` in any case; binds the pattern as `param`."""
    caseless = spell_caseless(value, dialect)
    params[param] = _containing(caseless.value)
    like = _LIKE.format(caseless.bound(param))
    return "(" + " OR ".join(f"{caseless.stored(column)} {like}" for column in columns) + ")"


# SQLite: the events overlapping --from/--to found through ix_events_span_date_start (migration
# 0002): the distinct event lengths L are read by skipping through that index, then one bounded
# index range per length (date_start between --from - L and --to). A plain (date_start, date_end)
# index can bound only date_start <= --to, so a recent window would walk the index entries of
# every earlier event. NOTE: each length's ids come back through a correlated subquery and
# json_each, not a join: SQLite 3.40 answers that join with a Bloom filter over the expression
# index and loses rows. The length must be spelt exactly as the index spells it.
_SQLITE_WINDOW = (
    "{alias}.event_id IN (WITH RECURSIVE w_spans(days) AS ("
    "SELECT MIN(SPAN) FROM events w_e"
    " UNION ALL SELECT (SELECT MIN(SPAN) FROM events w_e WHERE SPAN > w_spans.days)"
    " FROM w_spans WHERE w_spans.days IS NOT NULL)"
    " SELECT w_ids.value FROM w_spans, json_each((SELECT json_group_array(w_e.id) FROM events w_e"
    " WHERE SPAN = w_spans.days"
    " AND w_e.date_start >= date(:f_from, '-' || CAST(w_spans.days AS INTEGER) || ' days'){upper})) w_ids)"
).replace("SPAN", "julianday(w_e.date_end) - julianday(w_e.date_start)")


# PostgreSQL: the same overlap as a range test that the GiST index of migration 0004 answers, so
# that the cost follows the events in the period, not the table. The ids come back as an ARRAY
# (one InitPlan) and are looked up by primary key; without --to the range is open above.
# NOTE: the expression must be spelt exactly as the index spells it.
_PG_WINDOW = (
    "{alias}.event_id = ANY (ARRAY(SELECT w_e.id FROM events w_e"
    " WHERE w_e.date_start IS NOT NULL"
    " AND daterange(w_e.date_start, w_e.date_end, '[]') && daterange(:f_from, {upper}, '[]')))"
)


# The actors a --actor value names: those whose canonical name or an alias is the value in any case;
# when there are none, those whose name or alias contains it ("jaish" → S. Jaishankar), so that
# "US" is the United States, not also Russia. Matched against the small actors and actor_aliases
# tables only. The events are then found by actor id, so that the database knows which actors it
# is looking for before it touches event_actors or event_actor_dates (a LIKE over their join hid
# that from PostgreSQL's planner).
_ACTOR_IDS = (
    "WITH f_exact(id) AS (SELECT f_a.id FROM actors f_a WHERE {fold}(f_a.name) = {name}"
    " UNION SELECT f_aa.actor_id FROM actor_aliases f_aa WHERE {fold}(f_aa.alias) = {name})"
    " SELECT f_exact.id FROM f_exact"
    " UNION SELECT f_a.id FROM actors f_a WHERE NOT EXISTS (SELECT 1 FROM f_exact) AND {fold}(f_a.name) {like}"
    " UNION SELECT f_aa.actor_id FROM actor_aliases f_aa"
    " WHERE NOT EXISTS (SELECT 1 FROM f_exact) AND {fold}(f_aa.alias) {like}"
)


def _actor_ids(actor: str, dialect: str | None, params: dict[str, Any]) -> str:
    """The SELECT of the ids of the actors `actor` names; binds f_actor_name and f_actor."""
    caseless = spell_caseless(actor, dialect)
    params["f_actor_name"] = caseless.value
    params["f_actor"] = _containing(caseless.value)
    return _ACTOR_IDS.format(fold=caseless.function, name=caseless.bound("f_actor_name"),
                             like=_LIKE.format(caseless.bound("f_actor")))


def _actor_condition(filters: Filters, alias: str, dialect: str | None, actor_ids: str) -> str:
    """The events of the actors `actor_ids` selects; within the period through event_actor_dates when one is given."""
    window = []
    if filters.date_to:
        window.append(" AND f_x.date_start <= :f_to")
    if filters.date_from:
        window.append(" AND f_x.date_end >= :f_from")
    if window:
        # NOTE: the same overlap as the portable test in where_clause, on the copies of the
        # event's dates (migration 0003): undated events have no rows there, as they match no period.
        events = "SELECT f_x.event_id FROM event_actor_dates f_x WHERE f_x.actor_id {ids}" + "".join(window)
    else:
        events = "SELECT f_ea.event_id FROM event_actors f_ea WHERE f_ea.actor_id {ids}"
    if dialect == "postgresql":
        # ARRAY(...) runs once, before the outer query (an InitPlan), and the outer test becomes an
        # index scan of those ids. As a join, the planner cannot know how many events the actors
        # have and hashes a scan of all events instead (docs/benchmarks.md section 5).
        inner = events.format(ids=f"= ANY (ARRAY({actor_ids}))")
        return f"{alias}.event_id = ANY (ARRAY({inner}))"
    return f"{alias}.event_id IN ({events.format(ids=f'IN ({actor_ids})')})"


def where_clause(filters: Filters, alias: str = "t", dialect: str | None = None) -> tuple[str, dict[str, Any]]:
    """SQL condition over v_timeline rows aliased `alias`, and its bound parameters.

    Article text and filter values are always bound, never interpolated; an event overlaps
    the period when it starts on or before --to and ends on or after --from. Undated events
    are kept unless a period is given. --actor selects the actors whose canonical name or an
    alias is the value, or when none is, those where it occurs; --place must occur in the place
    or the country, and each word of --text in the title or the summary. All of them match in
    any case, and take % and _ literally. `dialect` "sqlite" adds an equivalent test that the
    window index answers, and "postgresql" one its period index answers, so that the cost follows
    the events in the period; with --actor the period is found per actor in event_actor_dates
    instead ("postgresql" spells that test for its planner; any other value: the portable
    condition alone). "sqlite" also folds a non-ASCII value through db.CASEFOLD_FUNCTION, which only
    connections from db.open_engine have; without it, SQLite's lower() folds ASCII letters only.
    """
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if filters.actor:
        conditions.append(_actor_condition(filters, alias, dialect, _actor_ids(filters.actor, dialect, params)))
    elif filters.date_from and dialect == "sqlite":
        upper = " AND w_e.date_start <= :f_to" if filters.date_to else ""
        conditions.append(_SQLITE_WINDOW.format(alias=alias, upper=upper))
    elif filters.date_from and dialect == "postgresql":
        upper = "CAST(:f_to AS date)" if filters.date_to else "CAST(NULL AS date)"
        conditions.append(_PG_WINDOW.format(alias=alias, upper=upper))
    if filters.date_from:
        conditions.append(f"{alias}.date_end >= :f_from")
        params["f_from"] = filters.date_from
    if filters.date_to:
        conditions.append(f"{alias}.date_start <= :f_to")
        params["f_to"] = filters.date_to
    if filters.types:
        names = []
        for index, event_type in enumerate(filters.types):
            names.append(f":f_type{index}")
            params[f"f_type{index}"] = event_type
        conditions.append(f"{alias}.event_type IN ({', '.join(names)})")
    if filters.place:
        conditions.append(_contains_condition([f"{alias}.place", f"{alias}.country"], "f_place", filters.place,
                                              dialect, params))
    if filters.text:
        # Every word, each in the title or the summary: "Taliban Afghanistan" need not be a phrase.
        for index, word in enumerate(filters.text.split()):
            conditions.append(_contains_condition([f"{alias}.title", f"{alias}.summary"], f"f_text{index}", word,
                                                  dialect, params))
    return (" AND ".join(conditions) if conditions else "1 = 1"), params
