"""Reports: every folder renders, HTML structure, hostile text inert, errors named, golden Markdown."""

from __future__ import annotations

import re
import shutil
import sys
from contextlib import closing
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import insert

import timeline
from timeline import models
from timeline.config import Settings
from timeline.errors import ConfigError, ReportError
from timeline.filters import make_filters
from timeline.report import find_report, list_reports, render, render_report, run_queries, write_default_briefings
from timeline.templating import default_reports_dir

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
HOSTILE_TITLE = "<script>alert('t')</script> [click](javascript:alert(1)) {{ 7*7 }}"
HOSTILE_SUMMARY = "<img src=x onerror=alert(1)> ![img](http://evil.example/x.png) {% if true %}yes{% endif %} | a | b |"
HOSTILE_SENTENCE = "# Heading\n\n1. <a href=\"javascript:alert(2)\">link</a> **bold** `code` &amp; {{ config }}"


def insert_hostile(url: str) -> None:
    """One dated and one undated event whose text tries every trick of issue 7."""
    engine = timeline.open_db(url)
    stamp = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(models.Place.__table__), [{"id": 9001, "name": "<b>Kabul</b>", "country": "Afghanistan",
                                                       "country_code": "AF", "kind": "city"}])
        conn.execute(insert(models.Actor.__table__), [
            {"id": 9001, "name": "<i>Taliban</i> [x](javascript:y)", "kind": "armed_group"},
            {"id": 9002, "name": "UN Security Council", "kind": "organisation"},
        ])
        conn.execute(insert(models.ActorAlias.__table__), [{"id": 9001, "actor_id": 9002, "alias": "UNSC"}])
        conn.execute(insert(models.Document.__table__), [{
            "id": 9001, "sha256": "f" * 64, "uri": "javascript:alert(3)", "title": "<script>x</script> Doc",
            "text": HOSTILE_SENTENCE, "published": date(2021, 10, 29), "published_source": "manifest",
            "url": None, "source": None, "boilerplate": "[]", "char_count": len(HOSTILE_SENTENCE),
            "ingested_at": stamp,
        }])
        base = {"cameo_code": None, "date_value": None, "date_reason": None, "status": "past", "confidence": 0.5,
                "curated": False, "created_at": stamp, "updated_at": stamp}
        conn.execute(insert(models.Event.__table__), [
            {**base, "id": 9001, "event_type": "attack", "title": HOSTILE_TITLE, "summary": HOSTILE_SUMMARY,
             "date_start": date(2021, 10, 26), "date_end": date(2021, 10, 27), "date_precision": "day",
             "date_approximate": False, "place_id": 9001},
            {**base, "id": 9002, "event_type": "statement", "title": "Undated <u>statement</u>",
             "summary": "Said [something](https://ok.example).", "date_start": None, "date_end": None,
             "date_precision": None, "date_approximate": False, "place_id": None},
        ])
        conn.execute(insert(models.EventActor.__table__), [
            {"event_id": 9001, "actor_id": 9001, "role": "agent"},
            {"event_id": 9001, "actor_id": 9002, "role": "target"},
            {"event_id": 9002, "actor_id": 9002, "role": "speaker"},
        ])
        conn.execute(insert(models.EventSource.__table__), [
            {"id": 9001, "event_id": 9001, "document_id": 9001, "sentence": HOSTILE_SENTENCE, "char_start": 0,
             "char_end": len(HOSTILE_SENTENCE), "date_text": "on Tuesday", "date_value": None,
             "reference_date": None, "merge_reason": None, "confidence": 0.5},
            {"id": 9002, "event_id": 9002, "document_id": 9001, "sentence": "It said so.", "char_start": 0,
             "char_end": 5, "date_text": None, "date_value": None, "reference_date": None,
             "merge_reason": None, "confidence": 0.5},
        ])
    engine.dispose()


@pytest.fixture
def hostile_db(db_url: str) -> str:
    insert_hostile(db_url)
    return db_url


@pytest.fixture
def synthetic_db(db_url: str) -> str:
    generate(db_url, 50, seed=7)
    insert_hostile(db_url)
    return db_url


class EventParser(HTMLParser):
    """Collects tags, attributes and the .event elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.events: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if "event" in (values.get("class") or "").split():
            self.events.append(values)


def parse(html: str) -> EventParser:
    parser = EventParser()
    parser.feed(html)
    return parser


def test_every_report_folder_renders_both_formats(synthetic_db: str) -> None:
    engine = timeline.open_db(synthetic_db, read_only=True)
    try:
        for name in list_reports([default_reports_dir()]):
            params = {"actor": "Taliban"} if name == "actor" else {}
            rendered = render(engine, find_report(name), params=params, now=NOW)
            assert rendered.outputs["html"].startswith("<!DOCTYPE html>")
            assert rendered.outputs["md"].startswith("# ")
    finally:
        engine.dispose()
    assert {"briefing", "actor", "whats_new"} <= set(list_reports([default_reports_dir()]))


def test_every_report_folder_builds_against_the_seeds(seeded_db: str) -> None:
    engine = timeline.open_db(seeded_db, read_only=True)
    try:
        for name in list_reports([default_reports_dir()]):
            params = {"actor": "Taliban", "since": "2000-01-01"} if name != "briefing" else {}
            definition = find_report(name)
            params = {key: value for key, value in params.items() if key in definition.params}
            rendered = render(engine, definition, params=params, now=NOW)
            assert parse(rendered.outputs["html"]).tags and rendered.outputs["md"].startswith("# ")
    finally:
        engine.dispose()


def test_html_briefing_marks_each_event_with_its_data_attributes(synthetic_db: str) -> None:
    engine = timeline.open_db(synthetic_db, read_only=True)
    try:
        html = render_report(engine, "briefing", "html", now=NOW)
        rows = timeline.list_events(engine)
    finally:
        engine.dispose()
    page = parse(html)
    assert [int(e["data-event-id"] or 0) for e in page.events] != []
    assert sorted(int(e["data-event-id"] or 0) for e in page.events) == sorted(r["event_id"] for r in rows)
    for element in page.events:
        assert element["data-event-type"] in timeline.records.EVENT_TYPES
        assert element["data-date-start"] == "" or date.fromisoformat(element["data-date-start"] or "")
    undated = [e for e in page.events if e["data-date-start"] == ""]
    assert len(undated) == sum(1 for r in rows if r["date_start"] is None)
    tags = [tag for tag, _ in page.tags]
    assert "svg" in tags and "rect" in tags
    # Self-contained: no scripts, no stylesheets or images fetched from anywhere.
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert all(not (attrs.get("src")) for _, attrs in page.tags)


def test_briefing_filters_narrow_the_events(synthetic_db: str) -> None:
    engine = timeline.open_db(synthetic_db, read_only=True)
    try:
        filters = make_filters(date(2021, 10, 1), date(2021, 10, 31))
        html = render_report(engine, "briefing", "html", filters=filters, now=NOW)
    finally:
        engine.dispose()
    ids = {int(e["data-event-id"] or 0) for e in parse(html).events}
    assert 9001 in ids and 9002 not in ids
    assert "from 2021-10-01; to 2021-10-31" in html


def test_hostile_text_is_inert_in_html(hostile_db: str) -> None:
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        html = render_report(engine, "briefing", "html", now=NOW)
        actor = render_report(engine, "actor", "html", params={"actor": "unsc"}, now=NOW)
    finally:
        engine.dispose()
    for page in (html, actor):
        parsed = parse(page)
        tags = {tag for tag, _ in parsed.tags}
        assert not tags & {"script", "img", "i", "u"}, tags
        for _, attrs in parsed.tags:
            assert not any(name.startswith("on") for name in attrs)
            assert "javascript" not in (attrs.get("href") or "").lower()
        assert "[click](javascript:alert(1)) {{ 7*7 }}" in page
        assert "&lt;script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{% if true %}yes{% endif %}" in html


def _add_ocalan(url: str) -> None:
    """Actor 9003, Abdullah Öcalan (alias Öcalan), in event 9002 beside the UN Security Council."""
    engine = timeline.open_db(url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(models.Actor.__table__), [{"id": 9003, "name": "Abdullah Öcalan", "kind": "person"}])
            conn.execute(insert(models.ActorAlias.__table__), [{"id": 9003, "actor_id": 9003, "alias": "Öcalan"}])
            conn.execute(insert(models.EventActor.__table__), [{"event_id": 9002, "actor_id": 9003, "role": "agent"}])
    finally:
        engine.dispose()


@pytest.mark.parametrize("given", ["Abdullah Öcalan", "abdullah öcalan", "ABDULLAH ÖCALAN", "öcalan", "ÖCALAN",
                                   "O\u0308CALAN", "un security council", "unsc"])
def test_the_actor_report_finds_a_name_or_alias_in_any_case_in_any_alphabet(hostile_db: str, given: str) -> None:
    # SQLite's lower() folds ASCII letters only; PostgreSQL's folds every letter: the same actor on both.
    _add_ocalan(hostile_db)
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        rows = run_queries(engine, find_report("actor"), make_filters(), {"actor": given, "title": ""})
    finally:
        engine.dispose()
    wanted = 9002 if given.casefold() in ("un security council", "unsc") else 9003
    assert [row["actor_id"] for row in rows["actors"]] == [wanted]
    assert [row["event_id"] for row in rows["events"]] == ([9001, 9002] if wanted == 9002 else [9002])
    assert {row["actor_id"] for row in rows["aliases"]} == {wanted}
    assert {row["actor"] for row in rows["coactors"]} == \
        ({"<i>Taliban</i> [x](javascript:y)", "Abdullah Öcalan"} if wanted == 9002 else {"UN Security Council"})


def test_the_actor_report_finds_no_actor_for_a_name_that_only_folds_alike_in_part(hostile_db: str) -> None:
    _add_ocalan(hostile_db)
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        rows = run_queries(engine, find_report("actor"), make_filters(), {"actor": "öcala", "title": ""})
    finally:
        engine.dispose()
    assert rows["actors"] == [] and rows["events"] == []


def test_a_caseless_mark_spells_lower_for_tools_without_timelines_function(hostile_db: str, runner: CliRunner,
                                                                        tmp_path: Path) -> None:
    import json
    import sqlite3

    from timeline.cli import cli

    target = tmp_path / "metadata.json"
    result = runner.invoke(cli, ["datasette-metadata", "--db", hostile_db, "-o", str(target)])
    assert result.exit_code == 0, result.output
    (database,) = json.loads(target.read_text(encoding="utf-8"))["databases"].values()
    queries = database["queries"]
    for name in ("actor", "actor_actors", "actor_aliases", "actor_coactors"):
        assert "{caseless" not in queries[name]["sql"] and "timeline_casefold" not in queries[name]["sql"], name
        assert "lower(a.name) = lower(:actor)" in queries[name]["sql"], name
    if not hostile_db.startswith("sqlite"):
        return
    # Plain sqlite3, as Datasette runs it: ASCII letters in any case.
    with closing(sqlite3.connect(hostile_db.split("///", 1)[1])) as conn:
        params = {param: "" for param in queries["actor_actors"]["params"]}
        params["actor"] = "un security COUNCIL"
        assert [row[0] for row in conn.execute(queries["actor_actors"]["sql"], params)] == [9002]


def test_hostile_text_is_inert_in_markdown(hostile_db: str) -> None:
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        md = render_report(engine, "briefing", "md", now=NOW)
    finally:
        engine.dispose()
    assert r"\<script\>" in md and "<script" not in md.replace(r"\<script", "")
    assert not re.search(r"(?<!\\)\]\(", md.split("## October 2021")[1].split("Sources:")[0])
    assert not re.search(r"(?<!\\)\]\(<?javascript", md)
    assert r"\!\[img\](http\://evil.example/x.png)" in md
    assert r"{{ 7\*7 }}" in md
    # Article text never starts a line, so it cannot open a heading, list or code block.
    assert "\n# Heading" not in md and "\n1. \\<a" not in md and "\n    1. \\<a" not in md


def test_golden_markdown_of_the_hostile_fixture(hostile_db: str, update_golden: bool) -> None:
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        md = render_report(engine, "briefing", "md", now=NOW, database="hostile.db")
    finally:
        engine.dispose()
    _compare_golden("briefing_hostile.md", md, update_golden)


def test_golden_markdown_briefing_of_the_seeds(seeded_db: str, update_golden: bool) -> None:
    engine = timeline.open_db(seeded_db, read_only=True)
    try:
        md = render_report(engine, "briefing", "md", now=NOW, database="seeds")
    finally:
        engine.dispose()
    # Documents are stored by their absolute path; the golden file must not depend on the checkout.
    _compare_golden("briefing_seeds.md", md.replace(str(ROOT), "<repo>"), update_golden)


def _compare_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        if not update:
            pytest.fail(f"{path} was missing and has been written; run again (or use --update-golden)")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; run pytest --update-golden and review"


def _user_report(tmp_path: Path, edit: str, old: str, new: str) -> Path:
    folder = tmp_path / "mine"
    shutil.copytree(default_reports_dir() / "briefing", folder / "briefing")
    target = folder / "briefing" / edit
    source = target.read_text(encoding="utf-8")
    assert old in source
    target.write_text(source.replace(old, new, 1), encoding="utf-8")
    return folder


def _report_error(url: str, name: str, folder: Path) -> str:
    """The message of the ReportError that building report `name` from `folder` raises."""
    engine = timeline.open_db(url, read_only=True)
    try:
        with pytest.raises(ReportError) as caught:
            render_report(engine, name, "md", user_dirs=[folder], now=NOW)
    finally:
        engine.dispose()
    return str(caught.value)


def test_bad_sql_names_report_file_and_line(hostile_db: str, tmp_path: Path) -> None:
    mine = _user_report(tmp_path, "query.sql", "t.summary,", "t.summry,")
    message = _report_error(hostile_db, "briefing", mine)
    assert message.startswith("report 'briefing': query.sql: line 11:"), message
    assert "summry" in message


def test_missing_column_in_template_names_template_and_line(hostile_db: str, tmp_path: Path) -> None:
    mine = _user_report(tmp_path, "_sections.html.j2", "{{ e.title }}", "{{ e.headline }}")
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        with pytest.raises(ReportError) as caught:
            render_report(engine, "briefing", "html", user_dirs=[mine], now=NOW)
    finally:
        engine.dispose()
    assert str(caught.value) == (
        "report 'briefing': _sections.html.j2: line 14: the row has no column 'headline' (its columns: event_id, "
        "date_start, date_end, date_precision, date_approximate, event_type, title, summary, place, country, actors, "
        "source_count, sources)")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"key_count": "many"}, "report 'briefing': report.toml: line 10: parameter 'key_count' (int)"),
        ({"colour": "red"}, "report 'briefing': report.toml: no parameter 'colour'"),
    ],
    ids=["bad-type", "unknown"],
)
def test_bad_parameter_names_report_and_definition(hostile_db: str, params: dict[str, Any], expected: str) -> None:
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        with pytest.raises(ReportError) as caught:
            render_report(engine, "briefing", "md", params=params, now=NOW)
    finally:
        engine.dispose()
    assert str(caught.value).startswith(expected), str(caught.value)


def test_cli_report_writes_nothing_on_error(hostile_db: str, runner: CliRunner, tmp_path: Path) -> None:
    from timeline.cli import cli

    target = tmp_path / "out.md"
    result = runner.invoke(cli, ["report", "briefing", "--db", hostile_db, "--format", "md", "--param",
                                 "key_count=x", "-o", str(target)])
    assert result.exit_code == 2
    assert "report 'briefing'" in result.output
    assert not target.exists()
    result = runner.invoke(cli, ["report", "actor", "--db", hostile_db, "--param", "actor=UNSC", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "UN Security Council" in target.read_text(encoding="utf-8")


def test_cli_report_takes_its_format_from_the_output_suffix(hostile_db: str, runner: CliRunner, tmp_path: Path) -> None:
    from timeline.cli import cli

    for name, markup in (("brief.md", False), ("brief.html", True), ("brief.txt", True)):
        target = tmp_path / name
        result = runner.invoke(cli, ["report", "briefing", "--db", hostile_db, "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html>") is markup, name
    forced = tmp_path / "forced.md"
    result = runner.invoke(cli, ["report", "briefing", "--db", hostile_db, "--format", "html", "-o", str(forced)])
    assert result.exit_code == 0 and forced.read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html>")


def test_whats_new_lists_events_from_recent_documents(synthetic_db: str) -> None:
    engine = timeline.open_db(synthetic_db, read_only=True)
    try:
        md = render_report(engine, "whats_new", "md", params={"since": "2026-11-20"}, now=NOW)
        later = render_report(engine, "whats_new", "md", params={"since": "2 days ago"}, now=NOW)
    finally:
        engine.dispose()
    assert "- **Events:** 2 new, 0 with new sources" in md
    assert md.count("\n- **") == 2 + 3  # two events, three header lines
    assert "**Since:** 20 Nov 2026" in later


def test_write_default_briefings_writes_both_files(hostile_db: str, tmp_path: Path) -> None:
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        paths = write_default_briefings(engine, Settings(db_url=hostile_db), tmp_path / "out", now=NOW)
    finally:
        engine.dispose()
    assert [p.name for p in paths] == ["briefing.html", "briefing.md"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_datasette_metadata_turns_report_queries_into_canned_queries(hostile_db: str, runner: CliRunner,
                                                                       tmp_path: Path) -> None:
    import json

    from timeline.cli import cli

    target = tmp_path / "metadata.json"
    result = runner.invoke(cli, ["datasette-metadata", "--db", hostile_db, "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    (database,) = data["databases"].values()
    queries = database["queries"]
    assert {"briefing", "briefing_sources", "actor", "whats_new"} <= set(queries)
    assert "{where}" not in queries["briefing"]["sql"]
    assert {"from", "to", "type", "actor", "place", "text"} <= set(queries["briefing"]["params"])
    assert "since" in queries["whats_new"]["params"]
    if hostile_db.startswith("sqlite"):
        import sqlite3

        path = hostile_db.split("///", 1)[1]
        with sqlite3.connect(path) as conn:
            sql = queries["briefing"]["sql"]
            params = {name: "" for name in queries["briefing"]["params"]}
            rows = conn.execute(sql, params).fetchall()
            assert len(rows) == 2
            params["type"] = "attack"
            assert [row[0] for row in conn.execute(sql, params).fetchall()] == [9001]


@pytest.mark.parametrize("name, params", [("briefing", {}), ("actor", {"actor": "UNSC"}),
                                          ("whats_new", {"since": "2026-01-01"})], ids=["briefing", "actor", "whats_new"])
def test_every_report_keeps_hostile_text_inert(hostile_db: str, name: str, params: dict[str, str]) -> None:
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        rendered = render(engine, find_report(name), params=params, now=NOW)
    finally:
        engine.dispose()
    html, md = rendered.outputs["html"], rendered.outputs["md"]
    page = parse(html)
    assert not {tag for tag, _ in page.tags} & {"script", "img", "i", "u", "b"}
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert "{{ 7*7 }}" in html and r"{{ 7\*7 }}" in md
    assert not re.search(r"(?<!\\)<(script|img|a|i|b|u)\b", md)
    assert not re.search(r"(?<!\\)\]\((?!<https?://)", md)


def test_cli_reports_folder_overrides_one_template(hostile_db: str, runner: CliRunner, tmp_path: Path) -> None:
    from timeline.cli import cli

    mine = _user_report(tmp_path, "_footer.md.j2", "Generated by timeline", "Compiled for the desk")
    (mine / "briefing" / "query.sql").unlink()  # the default's query.sql is used
    result = runner.invoke(cli, ["report", "briefing", "--db", hostile_db, "--format", "md", "--reports", str(mine)])
    assert result.exit_code == 0, result.output
    assert "Compiled for the desk" in result.output and "Key developments" in result.output


@pytest.mark.parametrize("command", [["report", "briefing"], ["reports"], ["datasette-metadata"]])
def test_cli_a_reports_folder_that_is_not_there_is_a_usage_error(runner: CliRunner, tmp_path: Path,
                                                                 command: list[str]) -> None:
    from timeline.cli import cli

    result = runner.invoke(cli, [*command, "--db", str(tmp_path / "unused.db"), "--reports", str(tmp_path / "nosuchdir")])
    assert result.exit_code == 2 and not result.stdout
    assert "--reports" in result.stderr and "nosuchdir" in result.stderr and "does not exist" in result.stderr


def test_cli_a_settings_reports_folder_that_is_not_there_is_a_config_error(runner: CliRunner, tmp_path: Path) -> None:
    from timeline.cli import cli

    settings_file = tmp_path / "timeline.toml"
    settings_file.write_text('reports = "nosuchdir"\n', encoding="utf-8")
    result = runner.invoke(cli, ["report", "briefing", "--db", str(tmp_path / "unused.db"), "--config", str(settings_file)])
    assert result.exit_code == 2 and not result.stdout
    assert result.stderr == (f"timeline: settings file {settings_file}: reports: folder 'nosuchdir' "
                             f"({tmp_path / 'nosuchdir'}) not found\n")


def test_render_report_refuses_a_user_folder_that_is_not_there(db_url: str, tmp_path: Path) -> None:
    engine = timeline.open_db(db_url, read_only=True)
    try:
        with pytest.raises(ConfigError, match=f"report folders: folder {tmp_path / 'gone'} not found"):
            render_report(engine, "briefing", "md", user_dirs=[tmp_path / "gone"], now=NOW)
    finally:
        engine.dispose()


def test_cli_a_bad_parameter_value_names_the_parameter_and_what_to_write(runner: CliRunner, db_url: str) -> None:
    from timeline.cli import cli

    result = runner.invoke(cli, ["report", "whats_new", "--db", db_url, "--param", "since=last week"])
    assert result.exit_code == 2 and not result.stdout
    assert result.stderr == ("timeline: report 'whats_new': report.toml: line 5: parameter 'since' (date): "
                             "--param since='last week' is invalid: not a date; give a date YYYY-MM-DD, today, "
                             "yesterday or N days|weeks|months|years ago\n")


def test_footer_never_shows_a_database_password() -> None:
    from timeline.report import database_label

    label = database_label("postgresql+psycopg://analyst:s3cret@db.example:5432/news")
    assert "s3cret" not in label and "db.example" in label
    assert database_label("sqlite:////srv/data/timeline.db") == "timeline.db"


def test_cli_footer_names_the_database_file(hostile_db: str, runner: CliRunner) -> None:
    from timeline.cli import cli

    result = runner.invoke(cli, ["report", "briefing", "--db", hostile_db, "--format", "md"])
    assert result.exit_code == 0, result.output
    footer = result.output.rstrip().splitlines()[-1]
    expected = "timeline.db" if hostile_db.startswith("sqlite") else "***" if ":***@" in footer else "postgresql"
    assert footer.startswith("Generated by timeline from ") and expected in footer


def test_cli_lists_reports_and_their_parameters(runner: CliRunner, tmp_path: Path) -> None:
    from timeline.cli import cli

    result = runner.invoke(cli, ["reports", "--db", str(tmp_path / "unused.db")])
    assert result.exit_code == 0, result.output
    assert "briefing: Briefing" in result.output
    assert "--param actor=<string>  required" in result.output
    assert "--param since=<date>  default '7 days ago'" in result.output


def _values_report(tmp_path: Path, second_sql: str, *, order: tuple[str, str] = ("picked", "linked")) -> Path:
    """A user report `vals`: query `picked` (events by --type), query `linked` (second_sql), a list template."""
    folder = tmp_path / "mine" / "vals"
    folder.mkdir(parents=True)
    files = {"picked": "picked.sql", "linked": "linked.sql"}
    (folder / "report.toml").write_text('title = "Values"\n\n[queries]\n' +
                                        "".join(f'{name} = "{files[name]}"\n' for name in order), encoding="utf-8")
    (folder / "picked.sql").write_text("SELECT t.event_id, t.title, t.date_start FROM v_timeline t\nWHERE {where}\n"
                                       "ORDER BY t.event_id\n", encoding="utf-8")
    (folder / "linked.sql").write_text(second_sql, encoding="utf-8")
    for fmt in ("html", "md"):
        (folder / f"vals.{fmt}.j2").write_text("{% for r in linked %}{{ r.event_id }};{% endfor %}", encoding="utf-8")
    return folder.parent


@pytest.mark.parametrize("column, test", [("event_id", "t.event_id"), ("title", "t.title"), ("date_start", "t.date_start")],
                         ids=["integer", "text", "date"])
def test_a_query_reads_the_values_of_an_earlier_querys_column(hostile_db: str, tmp_path: Path, column: str,
                                                              test: str) -> None:
    # The hostile title (quotes, markup, {{ }}) comes back as a bound value, never as SQL text.
    mine = _values_report(tmp_path, "-- only the events {picked} found\nSELECT t.event_id FROM v_timeline t\n"
                                    f"WHERE {test} IN {{picked.{column}}}\nORDER BY t.event_id\n")
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        attack = render_report(engine, "vals", "md", user_dirs=[mine], filters=make_filters(types=("attack",)), now=NOW)
        everything = render_report(engine, "vals", "md", user_dirs=[mine], now=NOW)
        nothing = render_report(engine, "vals", "md", user_dirs=[mine], filters=make_filters(types=("aid",)), now=NOW)
    finally:
        engine.dispose()
    assert attack == "9001;"
    assert everything == ("9001;" if column == "date_start" else "9001;9002;")  # NULL is in no list
    assert nothing == ""


@pytest.mark.parametrize(
    "second_sql, order, expected",
    [
        ("SELECT 1 AS event_id\n\nWHERE 1 IN {picked.nope}\n", ("picked", "linked"),
         "report 'vals': linked.sql: line 3: query 'picked' (picked.sql) has no column 'nope'"),
        ("SELECT 1 AS event_id\nWHERE 1 IN {picked.event_id}\n", ("linked", "picked"),
         "report 'vals': linked.sql: line 2: {picked.event_id} needs query 'picked' listed before 'linked' in [queries]"),
    ],
    ids=["unknown-column", "later-query"],
)
def test_a_bad_values_mark_names_the_file_and_line(hostile_db: str, tmp_path: Path, second_sql: str,
                                                   order: tuple[str, str], expected: str) -> None:
    mine = _values_report(tmp_path, second_sql, order=order)
    assert _report_error(hostile_db, "vals", mine) == expected


def test_datasette_sql_writes_a_values_mark_as_a_subquery(hostile_db: str, runner: CliRunner, tmp_path: Path) -> None:
    import json

    from timeline.cli import cli

    if not hostile_db.startswith("sqlite"):
        pytest.skip("Datasette reads SQLite")
    target = tmp_path / "metadata.json"
    result = runner.invoke(cli, ["datasette-metadata", "--db", hostile_db, "-o", str(target)])
    assert result.exit_code == 0, result.output
    queries = json.loads(target.read_text(encoding="utf-8"))["databases"]["timeline"]["queries"]
    import sqlite3

    with sqlite3.connect(hostile_db.split("///", 1)[1]) as conn:
        for name in ("briefing_sources", "whats_new_sources", "actor_sources"):
            sql = queries[name]["sql"]
            assert "{events." not in sql and "json_each" not in sql
            params = {param: "" for param in queries[name]["params"]}
            # (The actor report's :actor is also the filter's, which matches names, not aliases.)
            params.update({"since": "2000-01-01", "actor": "UN Security Council" if name == "actor_sources" else ""})
            params = {key: value for key, value in params.items() if key in queries[name]["params"]}
            assert [row[0] for row in conn.execute(sql, params).fetchall()] == [9001, 9002], name
        params = {param: "" for param in queries["briefing_sources"]["params"]}
        params["type"] = "attack"
        assert [row[0] for row in conn.execute(queries["briefing_sources"]["sql"], params).fetchall()] == [9001]


def test_without_jinjas_private_hooks_the_briefing_is_the_same(seeded_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # ReportCodeGenerator uses private methods of Jinja's code generator; a Jinja without them gets
    # Jinja's own generator, which must write the same text.
    from jinja2.compiler import CodeGenerator

    from timeline import templating

    engine = timeline.open_db(seeded_db, read_only=True)
    try:
        templating._cached_environment.cache_clear()
        assert templating.code_generator_class() is templating.ReportCodeGenerator
        expected = {fmt: render_report(engine, "briefing", fmt, now=NOW, database="seeds") for fmt in ("html", "md")}
        # (A Jinja that lacks one of the methods, without breaking Jinja's own generator.)
        monkeypatch.setattr(templating, "_GENERATOR_HOOKS", (*templating._GENERATOR_HOOKS, "_gone_in_this_jinja"))
        templating._cached_environment.cache_clear()
        assert templating.make_environment([default_reports_dir()], markdown=True).code_generator_class is CodeGenerator
        for fmt in ("html", "md"):
            assert render_report(engine, "briefing", fmt, now=NOW, database="seeds") == expected[fmt]
    finally:
        templating._cached_environment.cache_clear()
        engine.dispose()


def test_a_report_query_with_repeated_column_names_keeps_both(hostile_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "mine" / "pair"
    folder.mkdir(parents=True)
    (folder / "report.toml").write_text('title = "Pair"\n', encoding="utf-8")
    (folder / "query.sql").write_text("SELECT t.event_id, t.title, s.document_title AS title FROM v_timeline t\n"
                                      "JOIN v_event_sources s ON s.event_id = t.event_id\nWHERE {where}\n"
                                      "ORDER BY t.event_id, s.document_id\n", encoding="utf-8")
    for fmt in ("html", "md"):
        (folder / f"pair.{fmt}.j2").write_text("{% for r in events %}{{ r.title|length }}|{{ r.title_2|length }};{% endfor %}",
                                               encoding="utf-8")
    engine = timeline.open_db(hostile_db, read_only=True)
    try:
        text = render_report(engine, "pair", "md", user_dirs=[folder.parent], filters=make_filters(types=("attack",)),
                             now=NOW)
    finally:
        engine.dispose()
    # Lengths: the event's title and the document's, without Markdown's escaping of them.
    assert text == f"{len(HOSTILE_TITLE)}|{len('<script>x</script> Doc')};"
