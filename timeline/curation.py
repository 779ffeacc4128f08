"""Curation: what a person corrects, merges, splits or deletes by hand, inside the caller's transaction."""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, func, select, update

from timeline import models
from timeline.db import spell_caseless
from timeline.errors import ConfigError
from timeline.records import EVENT_TYPES, PRECISIONS, PlaceRef
from timeline.store import IdCache, _Cursor, _place_id

# The models' tables, as SQLAlchemy Core sees them. cli_curate imports this module inside its
# commands: the models and sqlalchemy.orm are ~60 ms that `timeline ingest`'s start-up does without.
events = cast(Table, models.Event.__table__)
event_sources = cast(Table, models.EventSource.__table__)
event_actors = cast(Table, models.EventActor.__table__)
places = cast(Table, models.Place.__table__)


class UnknownEvent(ConfigError):
    """No event has the id a curation command was given (exit 2)."""


CORRECTABLE = (
    "event_type",
    "cameo_code",
    "title",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "date_approximate",
    "place",
    "status",
)
HAND_REASON = "corrected by hand"


def set_curated_fields(conn: Connection, event_id: int, fields: dict[str, object], *, now: datetime) -> bool:
    """Correct an event by hand: update `fields` and mark it curated; False when no such event."""
    allowed = {"event_type", "title", "summary", "date_start", "date_end", "date_precision", "date_approximate"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot correct {', '.join(sorted(unknown))}")
    result = conn.execute(
        update(events).where(events.c.id == event_id).values(**fields, curated=True, updated_at=now)
    )
    return result.rowcount > 0


def _require_events(conn: Connection, event_ids: Sequence[int]) -> dict[int, Any]:
    """The rows of `event_ids`; raises UnknownEvent naming every id that does not exist."""
    rows = {
        row.id: row
        for row in conn.execute(
            select(events).where(events.c.id.in_(bindparam("ids", expanding=True))), {"ids": list(event_ids)}
        )
    }
    missing = [event_id for event_id in event_ids if event_id not in rows]
    if missing:
        which = ", ".join(str(event_id) for event_id in missing)
        raise UnknownEvent(f"no event with id {which} (see `timeline events`)")
    return rows


# What each precision asks of a span: the whole units the extractor makes of it (extract/timex_calendar:
# weeks Monday-Sunday, quarters from January, meteorological seasons from March, June, September and
# December, decades and centuries from a year ending in 0 and 00, as "the 7th century" is 600-699).
PRECISION_SPANS = {
    "day": "any days",
    "week": "whole weeks, Monday to Sunday",
    "month": "whole months, from the 1st of a month to the last day of a month",
    "quarter": "whole quarters, from 1 January, April, July or October to the last day of March, June, "
               "September or December",
    "season": "whole seasons, from 1 March, June, September or December to the last day of May, August, "
              "November or February",
    "year": "whole years, from 1 January to 31 December",
    "decade": "whole decades, from 1 January of a year ending in 0 to 31 December of a year ending in 9",
    "century": "whole centuries, from 1 January of a year ending in 00 to 31 December of a year ending in 99",
}


def precision_fits(start: date, end: date, precision: str) -> bool:
    """True when start..end (inclusive) is one or more whole units of `precision` (PRECISION_SPANS)."""
    if precision == "day":
        return True
    if precision == "week":
        return start.weekday() == 0 and end.weekday() == 6
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if precision == "month":
        return whole_months
    if precision == "quarter":
        return whole_months and start.month in (1, 4, 7, 10) and end.month in (3, 6, 9, 12)
    if precision == "season":
        return whole_months and start.month in (3, 6, 9, 12) and end.month in (5, 8, 11, 2)
    whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if precision == "year":
        return whole_years
    # The first decade and century begin in the year 1: there is no year 0 (timex_forms, _h_century).
    if precision == "decade":
        return whole_years and (start.year % 10 == 0 or start.year == 1) and end.year % 10 == 9
    if precision == "century":
        return whole_years and (start.year % 100 == 0 or start.year == 1) and end.year % 100 == 99
    return False


def _infer_precision(start: date, end: date) -> str:
    if start == end:
        return "day"
    if (start.year, start.month) == (end.year, end.month) and precision_fits(start, end, "month"):
        return "month"
    if start.year == end.year and precision_fits(start, end, "year"):
        return "year"
    return "day"  # a span of days ("26-27 October")


def _timex_value(start: date, end: date, precision: str) -> str | None:
    """The TIMEX3 value of a corrected span: `2021-10-26`, `2021-08`, `2017`, or an interval of them."""
    width = {"day": 10, "month": 7, "year": 4}.get(precision)
    if width is None:
        return None
    first, last = start.isoformat()[:width], end.isoformat()[:width]
    return first if first == last else f"{first}/{last}"


def _cameo_code(event_type: str) -> str | None:
    from timeline.lexicon import load_lexicon  # data only; kept local so that curation loads no TOML on import

    entry = load_lexicon().event_type(event_type)
    return entry.cameo if entry is not None else None


def _place_by_name(conn: Connection, place: str | PlaceRef) -> int:
    """The id of a stored place named `place` (case-insensitive), else a new place of that name."""
    if isinstance(place, PlaceRef):
        return _place_id(_Cursor(conn), place, IdCache(), IdCache())  # type: ignore[return-value]
    # NFC, as stored text is (README, Inputs): "Ö" typed as O + combining diaeresis is the same place.
    name = unicodedata.normalize("NFC", place.strip())
    if not name:
        raise ConfigError("place: give a name (or no place at all)")
    # Any case in any alphabet, as the filters match ("łódź" finds "Łódź" on SQLite too).
    caseless = spell_caseless(name, conn.dialect.name)
    fold = getattr(func, caseless.function)
    wanted = fold(caseless.value) if caseless.fold_value else caseless.value
    found = conn.execute(
        select(places.c.id)
        .where(fold(places.c.name) == wanted)
        .order_by(places.c.country_code.is_(None), places.c.id)
    ).scalar()
    if found is not None:
        return int(found)
    return int(conn.execute(places.insert().returning(places.c.id), {"name": name, "kind": "city"}).scalar_one())


def correct_event(conn: Connection, event_id: int, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Correct an event by hand and mark it curated; returns the values written.

    `fields` may hold any of CORRECTABLE; `type` is accepted for `event_type`. A date_start
    without date_end is one day (or the span its precision says); the precision is inferred from
    the span when not given; a precision given must fit the span (precision_fits) and needs a
    date. `place` is a stored place's name (a new place is made otherwise) or None to clear it.
    Raises UnknownEvent when there is no such event, ConfigError for a value outside the
    vocabularies of DESIGN.md, a reversed span, or a precision the span does not fit.
    """
    fields = dict(fields)
    if "type" in fields:
        fields["event_type"] = fields.pop("type")
    unknown = sorted(set(fields) - set(CORRECTABLE))
    if unknown:
        raise ConfigError(f"event {event_id}: cannot correct {', '.join(unknown)} (fields: {', '.join(CORRECTABLE)})")
    current = _require_events(conn, [event_id])[event_id]
    values: dict[str, Any] = {}
    if "event_type" in fields:
        if fields["event_type"] not in EVENT_TYPES:
            raise ConfigError(f"event {event_id}: type {fields['event_type']!r} is not one of {', '.join(EVENT_TYPES)}")
        values["event_type"] = fields["event_type"]
        values["cameo_code"] = fields.get("cameo_code", _cameo_code(fields["event_type"]))
    elif "cameo_code" in fields:
        values["cameo_code"] = fields["cameo_code"]
    for name in ("title", "summary"):
        if name in fields:
            value = " ".join(str(fields[name] or "").split())
            if not value:
                raise ConfigError(f"event {event_id}: {name} must not be empty")
            values[name] = value
    if "status" in fields:
        if fields["status"] not in ("past", "planned"):
            raise ConfigError(f"event {event_id}: status {fields['status']!r} is not past or planned")
        values["status"] = fields["status"]
    values.update(_corrected_dates(event_id, current, fields))
    if "place" in fields:
        values["place_id"] = None if fields["place"] is None else _place_by_name(conn, fields["place"])
    conn.execute(update(events).where(events.c.id == event_id).values(**values, curated=True, updated_at=now))
    return values


def _corrected_dates(event_id: int, current: Any, fields: dict[str, Any]) -> dict[str, Any]:
    date_fields = {"date_start", "date_end", "date_precision", "date_approximate"} & set(fields)
    if not date_fields:
        return {}
    precision = fields.get("date_precision", current.date_precision)
    if precision is not None and precision not in PRECISIONS:
        raise ConfigError(f"event {event_id}: precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    start = fields["date_start"] if "date_start" in fields else current.date_start
    end = fields["date_end"] if "date_end" in fields else (start if "date_start" in fields else current.date_end)
    if (start is None) != (end is None):
        raise ConfigError(f"event {event_id}: give both ends of the date, or neither (undated)")
    values: dict[str, Any] = {}
    if start is not None and end is not None:
        span = f"{start.isoformat()}..{end.isoformat()}"
        if start > end:
            raise ConfigError(f"event {event_id}: date {span} ends before it starts")
        if "date_precision" not in fields and {"date_start", "date_end"} & set(fields):
            precision = _infer_precision(start, end)
        elif {"date_start", "date_end", "date_precision"} & set(fields) and precision is not None \
                and not precision_fits(start, end, precision):
            # A precision names the units the span is made of; "month" on 26-27 October is a contradiction.
            raise ConfigError(f"event {event_id}: precision {precision} does not fit the date {span}: "
                              f"{precision} needs {PRECISION_SPANS[precision]}")
        values["date_value"] = _timex_value(start, end, precision or "day")
    elif fields.get("date_precision") is not None:
        raise ConfigError(f"event {event_id}: precision {fields['date_precision']} needs a date, and the event "
                          f"would be undated: give the date with it (--date)")
    else:
        precision, values["date_value"] = None, None
    values.update(
        date_start=start,
        date_end=end,
        date_precision=precision,
        date_approximate=bool(fields.get("date_approximate", current.date_approximate if not
                                          {"date_start", "date_end"} & set(fields) else False)),
        date_reason=HAND_REASON,
    )
    return values


def _dialect(conn: Connection) -> Any:
    # NOTE: imported here: the PostgreSQL dialect package (asyncpg's, asyncio) is ~35 ms of imports.
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql if conn.dialect.name == "postgresql" else sqlite


def merge_events(
    conn: Connection, keep_id: int, other_ids: Sequence[int], now: datetime, reason: str | None = None
) -> int:
    """Merge `other_ids` into `keep_id` by hand: their sources and actors move, they are deleted.

    Each moved source records why in `event_sources.merge_reason` ("merged by hand from event 7:
    ..."); the kept event keeps its own fields (it takes a place when it had none) and is marked
    curated. Returns the number of sources moved. Raises UnknownEvent naming any id that does not
    exist, ConfigError when `keep_id` is among the others or there are none.
    """
    others = list(dict.fromkeys(other_ids))
    if not others:
        raise ConfigError(f"event {keep_id}: name at least one event to merge into it")
    if keep_id in others:
        raise ConfigError(f"event {keep_id}: cannot merge an event into itself")
    rows = _require_events(conn, [keep_id, *others])
    why = reason.strip() if reason and reason.strip() else "same event"
    kept = {
        (row.document_id, row.char_start, row.char_end)
        for row in conn.execute(select(event_sources).where(event_sources.c.event_id == keep_id))
    }
    moved = 0
    for other_id in others:
        note = f"merged by hand from event {other_id}: {why}"
        for source in conn.execute(
            select(event_sources).where(event_sources.c.event_id == other_id).order_by(event_sources.c.id)
        ).all():
            key = (source.document_id, source.char_start, source.char_end)
            if key in kept:
                continue  # the same sentence already supports the kept event; the copy goes with its event
            earlier = f" (after: {source.merge_reason})" if source.merge_reason else ""
            conn.execute(
                update(event_sources)
                .where(event_sources.c.id == source.id)
                .values(event_id=keep_id, merge_reason=note + earlier)
            )
            kept.add(key)
            moved += 1
        links = conn.execute(
            select(event_actors.c.actor_id, event_actors.c.role).where(event_actors.c.event_id == other_id)
        ).all()
        if links:
            conn.execute(
                _dialect(conn).insert(event_actors).on_conflict_do_nothing(),
                [{"event_id": keep_id, "actor_id": actor_id, "role": role} for actor_id, role in links],
            )
    place_id = rows[keep_id].place_id
    if place_id is None:
        place_id = next((rows[o].place_id for o in others if rows[o].place_id is not None), None)
    conn.execute(delete(events).where(events.c.id.in_(bindparam("ids", expanding=True))), {"ids": others})
    conn.execute(
        update(events).where(events.c.id == keep_id).values(place_id=place_id, curated=True, updated_at=now)
    )
    return moved


def split_event(
    conn: Connection,
    event_id: int,
    document_id: int | None,
    now: datetime,
    *,
    source_ids: Sequence[int] = (),
) -> int:
    """Move some sources of an event to a new event with a copy of its fields; returns the new id.

    The sources moved are those from `document_id`, or (document_id None) those with ids `source_ids`; their
    merge_reason says "split by hand from event N". Both events are marked curated, and the new
    one gets the same actor links (a person then corrects either). Raises UnknownEvent when there
    is no such event, ConfigError when nothing would move or every source would.
    """
    if (document_id is None) == (not source_ids):
        raise ConfigError(f"event {event_id}: give a document id or source ids to split off (one of them)")
    row = _require_events(conn, [event_id])[event_id]
    sources = conn.execute(
        select(event_sources.c.id, event_sources.c.document_id, event_sources.c.sentence)
        .where(event_sources.c.event_id == event_id)
        .order_by(event_sources.c.id)
    ).all()
    if document_id is not None:
        chosen = [s for s in sources if s.document_id == document_id]
        what = f"no source from document {document_id}"
    else:
        wanted = set(source_ids)
        chosen = [s for s in sources if s.id in wanted]
        unknown = sorted(wanted - {s.id for s in chosen})
        if unknown:
            raise ConfigError(f"event {event_id}: source(s) {', '.join(map(str, unknown))} are not its sources")
        what = "no source chosen"
    if not chosen:
        raise ConfigError(f"event {event_id}: {what}; its sources are in document(s) "
                          f"{', '.join(sorted({str(s.document_id) for s in sources})) or 'none'}")
    if len(chosen) == len(sources):
        raise ConfigError(f"event {event_id}: every source would move; nothing is left to split from")
    copied = {
        column: getattr(row, column)
        for column in (
            "event_type", "cameo_code", "title", "summary", "date_start", "date_end", "date_precision",
            "date_approximate", "date_value", "date_reason", "status", "place_id", "confidence",
        )
    }
    new_id = int(
        conn.execute(
            events.insert().returning(events.c.id), {**copied, "curated": True, "created_at": now, "updated_at": now}
        ).scalar_one()
    )
    conn.execute(
        update(event_sources)
        .where(event_sources.c.id.in_(bindparam("ids", expanding=True)))
        .values(event_id=new_id, merge_reason=f"split by hand from event {event_id}"),
        {"ids": [s.id for s in chosen]},
    )
    links = conn.execute(
        select(event_actors.c.actor_id, event_actors.c.role).where(event_actors.c.event_id == event_id)
    ).all()
    if links:
        conn.execute(
            event_actors.insert(), [{"event_id": new_id, "actor_id": actor_id, "role": role} for actor_id, role in links]
        )
    conn.execute(update(events).where(events.c.id == event_id).values(curated=True, updated_at=now))
    return new_id


def delete_event(conn: Connection, event_id: int) -> bool:
    """Delete an event with its sources and actor links; True, or UnknownEvent when there is no such event."""
    if conn.execute(delete(events).where(events.c.id == event_id)).rowcount == 0:
        raise UnknownEvent(f"no event with id {event_id} (see `timeline events`)")
    return True
