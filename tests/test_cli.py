"""The CLI end to end on real databases: init, ingest, events, quickstart, exit codes 0/1/2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import HUDDLE, SEEDS, query_rows, write_user_lexicon
from timeline.cli import cli

SEED_DATES = {
    "000_910fdf0aa1d76b64.txt": date(2022, 8, 5),
    "001_0f7a817aa7d1f9c1.txt": date(2021, 10, 29),
    "002_d7dcd219853aea11.txt": date(2021, 10, 29),
    "003_399c2c51e2e4b7ea.txt": date(2021, 8, 10),
    "004_691f94b3424021d2.txt": date(2021, 9, 9),
}


def _seed_paths() -> list[str]:
    return [str(SEEDS / name) for name in sorted(SEED_DATES)]


def test_init_creates_then_reports_up_to_date(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    first = runner.invoke(cli, ["init", "--db", str(target)])
    assert first.exit_code == 0, first.output
    assert "created at revision" in first.output
    second = runner.invoke(cli, ["init", "--db", str(target)])
    assert second.exit_code == 0
    assert "up to date" in second.output


def test_seeds_are_stored_with_their_publication_dates(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(cli, ["ingest", *_seed_paths(), "--manifest", str(SEEDS / "manifest.csv"), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("5 stored, 0 unchanged, 0 rejected")
    rows = query_rows(db_url, "SELECT uri, published, published_source FROM documents ORDER BY uri")
    got = {Path(uri).name: (date.fromisoformat(str(published)), source) for uri, published, source in rows}
    assert got == {name: (day, "manifest") for name, day in SEED_DATES.items()}


def test_reingesting_a_document_changes_nothing(runner: CliRunner, db_url: str) -> None:
    args = ["ingest", *_seed_paths(), "--manifest", str(SEEDS / "manifest.csv"), "--db", db_url]
    assert runner.invoke(cli, args).exit_code == 0
    snapshot = [
        query_rows(db_url, f"SELECT * FROM {table} ORDER BY 1") for table in ("documents", "events", "event_sources")
    ]
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert again.output.startswith("0 stored, 5 unchanged, 0 rejected")
    assert snapshot == [
        query_rows(db_url, f"SELECT * FROM {table} ORDER BY 1") for table in ("documents", "events", "event_sources")
    ]


def test_without_a_manifest_only_the_dateline_dates_a_seed(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(cli, ["ingest", str(SEEDS), "--db", db_url])
    assert result.exit_code == 0, result.output
    rows = query_rows(db_url, "SELECT uri, published, published_source FROM documents")
    dated = {Path(uri).name: (str(published), source) for uri, published, source in rows if published is not None}
    assert dated == {"003_399c2c51e2e4b7ea.txt": ("2021-08-10", "dateline")}
    assert len(rows) == 5


def test_published_option_dates_inputs_without_their_own_date(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(cli, ["ingest", str(SEEDS), "--published", "2021-11-01", "--db", db_url])
    assert result.exit_code == 0, result.output
    rows = query_rows(db_url, "SELECT published, published_source FROM documents")
    assert sorted((str(p), s) for p, s in rows) == [("2021-08-10", "dateline")] + [("2021-11-01", "option")] * 4


def test_a_folder_mixing_good_and_bad_files_stores_the_good_and_names_the_bad(
    runner: CliRunner, db_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.txt").write_text("NEW DELHI: India and France held talks on Monday.\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (folder / "empty.txt").write_text("   \n\n", encoding="utf-8")
    lines = [
        json.dumps({"text": "The council met on 3 March 2021.", "published": "2021-03-04", "title": "one"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Leaders spoke on Tuesday.", "published": "2021-03-05"}),
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(folder), "--db", db_url])
    assert result.exit_code == 1, result.output
    stderr = result.stderr if hasattr(result, "stderr") else result.output
    for name in ("binary.txt", "empty.txt", "batch.jsonl:2", "batch.jsonl:3"):
        assert name in stderr, stderr
    assert "3 stored" in result.stdout
    titles = sorted(str(t) for (t,) in query_rows(db_url, "SELECT title FROM documents"))
    assert len(titles) == 3


def test_a_future_publication_date_is_rejected(runner: CliRunner, db_url: str, tmp_path: Path) -> None:
    item = tmp_path / "future.jsonl"
    item.write_text(json.dumps({"text": "Talks were held.", "published": "2999-01-01"}) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(item), "--db", db_url])
    assert result.exit_code == 1
    assert "in the future" in result.output
    assert query_rows(db_url, "SELECT count(*) FROM documents") == [(0,)]


def test_ingest_before_init_asks_for_init(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["ingest", str(SEEDS), "--db", str(tmp_path / "never.db")])
    assert result.exit_code == 2
    assert "run `timeline init`" in result.output


@pytest.fixture(params=["sqlite", "postgresql"])
def missing_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """A database that does not exist on each backend: (--db value, what messages call it)."""
    if request.param == "sqlite":
        path = str(tmp_path / "typo.db")
        return path, path
    from sqlalchemy.engine import make_url

    url = make_url(request.getfixturevalue("pg_url")).set(database="tl_no_such_database")
    return url.render_as_string(hide_password=False), url.render_as_string(hide_password=True)


@pytest.mark.parametrize("command", [
    ["sql", "SELECT 1"], ["events"], ["ingest", str(SEEDS)], ["event", "correct", "1", "--title", "x"],
    ["report", "briefing"], ["export", "--format", "csv"],
], ids=lambda command: " ".join(command[:2]))
def test_a_database_that_does_not_exist_is_named_with_the_reason_and_not_made(
    runner: CliRunner, missing_db: tuple[str, str], command: list[str]
) -> None:
    given, shown = missing_db
    result = runner.invoke(cli, [*command, "--db", given])
    assert result.exit_code == 2, result.output
    assert f"timeline: database {shown}: " in result.output
    if given.startswith("postgresql"):
        assert 'database "tl_no_such_database" does not exist' in result.output
        assert "create it first (createdb, or CREATE DATABASE tl_no_such_database), then run `timeline init`" \
            in result.output
    else:
        assert "no such file; run `timeline init` first" in result.output
        assert not list(Path(given).parent.iterdir())  # not even an empty file behind the mistyped path


def test_usage_errors_exit_2(runner: CliRunner, sqlite_url: str) -> None:
    assert runner.invoke(cli, ["ingest", "--db", sqlite_url]).exit_code == 2
    bad_date = runner.invoke(cli, ["ingest", str(SEEDS), "--published", "yesterday", "--db", sqlite_url])
    assert bad_date.exit_code == 2
    assert "not a date" in bad_date.output
    assert runner.invoke(cli, ["events", "--type", "party", "--db", sqlite_url]).exit_code == 2


def test_timeline_db_environment_variable_selects_the_database(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "from-env.db"
    result = runner.invoke(cli, ["init"], env={"TIMELINE_DB": str(target)})
    assert result.exit_code == 0, result.output
    assert target.is_file()


def test_passwords_in_database_urls_are_never_printed(runner: CliRunner) -> None:
    url = "postgresql+psycopg://someone:s3cret-pw@127.0.0.1:1/nowhere"
    result = runner.invoke(cli, ["events", "--db", url])
    assert result.exit_code == 2
    assert "s3cret-pw" not in result.output
    assert "***" in result.output


def test_events_lists_the_timeline_in_every_format(runner: CliRunner, seeded_db: str) -> None:
    table = runner.invoke(cli, ["events", "--db", seeded_db])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].startswith("event_id")
    as_json = runner.invoke(cli, ["events", "--format", "json", "--db", seeded_db])
    rows = json.loads(as_json.output)
    dated = [row["date_start"] for row in rows if row["date_start"]]
    assert dated == sorted(dated)
    as_csv = runner.invoke(cli, ["events", "--format", "csv", "--db", seeded_db])
    assert as_csv.output.splitlines()[0].startswith("event_id,date_start,date_end")


# The reviewer's title: a spreadsheet would run it as a formula (README, Commands: CSV cells).
FORMULA_TITLE = "-5% fall in trade; +2 deals"


def test_csv_guards_text_a_spreadsheet_would_run_and_json_keeps_it_exact(runner: CliRunner, seeded_db: str) -> None:
    edited = runner.invoke(cli, ["event", "correct", "6", "--title", FORMULA_TITLE, "--db", seeded_db])
    assert edited.exit_code == 0, edited.output
    guarded = "'" + FORMULA_TITLE
    outputs = {
        "export": ["export", "--format", "csv", "--text", "fall in trade"],
        "events": ["events", "--format", "csv", "--text", "fall in trade"],
        "sql": ["sql", "SELECT event_id, title, -5 AS n, -2.5 AS x FROM v_timeline WHERE event_id = 6", "--format",
                "csv"],
    }
    for name, args in outputs.items():
        result = runner.invoke(cli, [*args, "--db", seeded_db])
        assert result.exit_code == 0, (name, result.output)
        header, row = list(csv.reader(io.StringIO(result.output)))
        assert row[header.index("title")] == guarded, name
        assert row[header.index("event_id")] == "6", name
    # Numbers are numbers in a spreadsheet: only text is guarded.
    assert row[header.index("n")] == "-5" and row[header.index("x")] == "-2.5"
    for args in (["export", "--format", "json"], ["events", "--format", "json"]):
        exact = json.loads(runner.invoke(cli, [*args, "--text", "fall in trade", "--db", seeded_db]).output)
        assert [item["title"] for item in exact] == [FORMULA_TITLE]
    exact = json.loads(runner.invoke(cli, ["sql", outputs["sql"][1], "--format", "json", "--db", seeded_db]).output)
    assert exact == [{"event_id": 6, "title": FORMULA_TITLE, "n": -5, "x": -2.5}]


def test_events_csv_and_json_keep_the_view_columns_when_nothing_matches(runner: CliRunner, seeded_db: str) -> None:
    full = runner.invoke(cli, ["events", "--format", "csv", "--db", seeded_db])
    header = full.output.splitlines()[0]
    assert header.split(",")[-3:] == ["source_count", "first_published", "first_source"]
    empty = runner.invoke(cli, ["events", "--format", "csv", "--from", "1900-01-01", "--to", "1900-01-02", "--db", seeded_db])
    assert empty.exit_code == 0, empty.output
    assert empty.output.splitlines() == [header]  # the same 14 columns, no rows: scripts keep working
    as_json = runner.invoke(cli, ["events", "--format", "json", "--text", "no-such-words-anywhere", "--db", seeded_db])
    assert as_json.exit_code == 0 and json.loads(as_json.output) == []


def test_events_show_approximate_dates_and_write_booleans_as_export_does(runner: CliRunner, seeded_db: str) -> None:
    table = runner.invoke(cli, ["events", "--db", seeded_db])
    assert "date_approximate" in table.output.splitlines()[0]  # an approximate date does not look exact
    events_csv = runner.invoke(cli, ["events", "--format", "csv", "--db", seeded_db]).output
    export_csv = runner.invoke(cli, ["export", "--format", "csv", "--db", seeded_db]).output
    assert events_csv == export_csv  # the same columns, rows and cells: true/false, ISO dates, empty for NULL


def test_quickstart_builds_the_database_from_the_seeds(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = tmp_path / "quick.db"
    result = runner.invoke(cli, ["quickstart", "--seeds", str(SEEDS), "--out", str(out), "--db", str(target)])
    assert result.exit_code == 0, result.output
    assert "5 stored" in result.output
    assert query_rows(f"sqlite:///{target}", "SELECT count(*) FROM documents") == [(5,)]
    html, markdown = out / "briefing.html", out / "briefing.md"
    assert f"wrote {html}" in result.output and f"wrote {markdown}" in result.output
    assert 'class="event' in html.read_text(encoding="utf-8")
    assert "Taliban" in markdown.read_text(encoding="utf-8")
    again = runner.invoke(cli, ["quickstart", "--seeds", str(SEEDS), "--out", str(out), "--db", str(target)])
    assert again.exit_code == 0, again.output
    assert "0 stored, 5 unchanged" in again.output


def test_quickstart_on_a_folder_without_articles_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "seeds"
    empty.mkdir()
    (empty / "README.md").write_text("Articles go here.\n", encoding="utf-8")
    result = runner.invoke(cli, ["quickstart", "--seeds", str(empty), "--out", str(tmp_path / "out"),
                                 "--db", str(tmp_path / "q.db")])
    assert result.exit_code == 2
    assert f"seeds folder {empty}: no articles in it" in result.output
    assert not (tmp_path / "out").exists()  # no empty briefing that looks like a result
    assert not (tmp_path / "q.db").exists()  # and no database made before the check


def test_python_dash_m_timeline_runs_the_cli(tmp_path: Path) -> None:
    env = {**os.environ, "TIMELINE_DB": str(tmp_path / "m.db")}
    result = subprocess.run([sys.executable, "-m", "timeline", "init"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "created at revision" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_sql_on_the_seeds(runner: CliRunner, seeded_db: str, fmt: str) -> None:
    result = runner.invoke(cli, ["sql", "SELECT count(*) AS n FROM documents", "--format", fmt, "--db", seeded_db])
    assert result.exit_code == 0, result.output
    assert "5" in result.output


def test_dates_prints_one_json_object_per_mention_with_offsets_into_the_text(runner: CliRunner) -> None:
    seed = SEEDS / "001_0f7a817aa7d1f9c1.txt"
    result = runner.invoke(cli, ["dates", str(seed), "--reference", "2021-10-29"])
    assert result.exit_code == 0, result.output
    text_of_seed = seed.read_text(encoding="utf-8")
    mentions = [json.loads(line) for line in result.output.splitlines()]
    assert mentions, "seed 001 has dates"
    for mention in mentions:
        assert list(mention)[:7] == ["start", "end", "text", "value", "date_start", "date_end", "precision"]
        assert text_of_seed[mention["start"]:mention["end"]] == mention["text"]
    assert any(m["value"] == "2021-10-28" and "Thursday" in m["text"] for m in mentions)


def test_dates_without_a_reference_leave_relative_dates_unresolved(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "undated.txt"
    article.write_text("The ministers met on Thursday and signed an accord on 26 October 2021.\n", encoding="utf-8")
    result = runner.invoke(cli, ["dates", str(article)])
    assert result.exit_code == 0, result.output
    by_text = {m["text"]: m for m in map(json.loads, result.output.splitlines())}
    thursday = next(m for text, m in by_text.items() if "Thursday" in text)
    assert thursday["date_start"] is None
    explicit = next(m for text, m in by_text.items() if "2021" in text)
    assert explicit["value"] == "2021-10-26"


def _ingest_into_new_db(tmp_path: Path, target: Path, published: str, jobs: str) -> subprocess.CompletedProcess[str]:
    """`timeline ingest TARGET` in a real process, into tmp_path/w.db made by `timeline init` (stderr as users see it)."""
    env = {**os.environ, "TIMELINE_DB": str(tmp_path / "w.db")}
    subprocess.run([sys.executable, "-m", "timeline", "init"], check=True, capture_output=True, env=env)
    return subprocess.run([sys.executable, "-m", "timeline", "ingest", str(target), "--published", published,
                           "--jobs", jobs], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ingest_warns_about_replaced_bytes_and_stores_the_document(tmp_path: Path, jobs: str) -> None:
    article = tmp_path / "damaged.txt"
    article.write_bytes("Café owners said on Monday – “warm” talks ended. ".encode() + b"A \x92 stray byte.\n")
    result = _ingest_into_new_db(tmp_path, article, "2021-08-20", jobs)
    assert result.returncode == 0, result.stderr  # stored: a warning, not a rejection
    assert "1 stored" in result.stdout
    assert f"timeline: warning: {article}: 1 byte not valid UTF-8" in result.stderr
    assert query_rows(f"sqlite:///{tmp_path / 'w.db'}", "SELECT instr(text, char(65533)) > 0 FROM documents") == [(1,)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_name_that_is_not_utf8_is_stored_with_the_others(tmp_path: Path, jobs: str) -> None:
    # A Latin-1 name from an old zip: str(path) holds a lone surrogate that no database accepts.
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"On 1 August 2023, India and Russia held talks in Delhi.\n")
    (folder / "good.txt").write_text("On 2 August 2023, India and France held talks in Paris.\n", encoding="utf-8")
    result = _ingest_into_new_db(tmp_path, folder, "2023-08-10", jobs)
    assert result.returncode == 0, result.stderr
    assert "2 stored" in result.stdout
    stored_name = f"{folder}/caf\\xe9.txt"
    assert result.stderr.splitlines() == [
        f"timeline: warning: {stored_name}: the file name is not valid UTF-8: stored under this name,"
        " its other bytes written as \\xNN"
    ]
    assert query_rows(f"sqlite:///{tmp_path / 'w.db'}", "SELECT uri FROM documents ORDER BY id") == [
        (stored_name,), (f"{folder}/good.txt",)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ingest_names_the_files_a_folder_walk_passes_by(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("India and the United States held talks on Thursday.\n", encoding="utf-8")
    for name in ("report.pdf", "sub/memo.docx", "sub/scan.png", "README"):
        (folder / name).write_bytes(b"not an article")
    (folder / ".notes.txt").write_text("hidden: never read, never named\n", encoding="utf-8")
    result = _ingest_into_new_db(tmp_path, folder, "2021-10-29", jobs)
    assert result.returncode == 0, result.stderr
    assert "1 stored" in result.stdout
    assert result.stderr.splitlines() == [
        f"timeline: warning: {folder}: skipped 4 files that are not .txt, .md, .html, .htm or .jsonl"
        " (README, report.pdf, sub/memo.docx, ...)"
    ]


def test_dates_on_jsonl_names_each_document_and_keeps_the_good_lines(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"text": "They met on 26 October 2021.", "published": "2021-10-30"}\n'
        "{not json\n"
        '{"text": "Talks ended on Thursday.", "published": "2021-10-30"}\n',
        encoding="utf-8",
    )
    # A real process: stdout and stderr apart, as a user's shell sees them.
    result = subprocess.run([sys.executable, "-m", "timeline", "dates", str(feed)], capture_output=True, text=True)
    assert result.returncode == 1
    mentions = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(m["document"], m["text"], m["value"]) for m in mentions] == [
        (f"{feed}#1", "on 26 October 2021", "2021-10-26"),
        (f"{feed}#3", "on Thursday", "2021-10-28"),  # against line 3's own publication date
    ]
    assert f"{feed}:2: invalid JSON" in result.stderr


def _run_and_list_loaded(arguments: list[str], modules: tuple[str, ...]) -> list[str]:
    """The output lines of the CLI run with `arguments` in a new process, then which of `modules` it loaded."""
    probe = (
        "import sys\n"
        "from timeline.cli import cli\n"
        f"try:\n    cli({arguments!r})\n"
        "except SystemExit as done:\n    assert done.code in (0, None), done.code\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()


def test_cli_start_up_leaves_alembic_and_jinja_unloaded(tmp_path: Path) -> None:
    # Every command pays the CLI's imports: cron builds, `timeline sql`, and the serial start of a
    # parallel ingest. Migrating (Alembic) and rendering (Jinja) load only in the commands that do them.
    database = tmp_path / "t.db"
    assert CliRunner().invoke(cli, ["init", "--db", str(database)]).exit_code == 0
    out = _run_and_list_loaded(["sql", "--db", str(database), "SELECT count(*) AS n FROM v_timeline"],
                               ("alembic", "jinja2", "timeline.report", "timeline.export"))
    assert out[-1] == "[]"
    assert "n" in out[0]


def test_ingest_leaves_the_orm_and_the_postgresql_dialect_unloaded(tmp_path: Path) -> None:
    # Ingest runs its statements on the DBAPI cursor: the ORM models (timeline.curation imports them;
    # cli_curate imports it inside its commands) and the PostgreSQL dialect package are ~0.1 s of a
    # SQLite ingest's start-up.
    database, article = tmp_path / "t.db", tmp_path / "a.txt"
    article.write_text("India and the United States held talks on 26 October 2021.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["init", "--db", str(database)]).exit_code == 0
    out = _run_and_list_loaded(["ingest", "--db", str(database), "--no-progress", str(article)],
                               ("sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "timeline.models"))
    assert out[-1] == "[]"
    assert out[0].startswith("1 stored")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ingest_uses_the_lexicon_folders_of_the_settings_file(
    runner: CliRunner, db_url: str, tmp_path: Path, jobs: str
) -> None:
    # The settings' `lexicon` was checked and then ignored by ingest: the users' words never reached extraction.
    settings = write_user_lexicon(tmp_path)
    article = tmp_path / "a.txt"
    article.write_text(HUDDLE, encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(article), "--published", "2021-09-09", "--jobs", jobs,
                                 "--db", db_url, "--config", str(settings)])
    assert result.exit_code == 0, result.output
    rows = query_rows(db_url, "SELECT event_type, date_start, actors FROM v_timeline")
    assert [(t, str(d), a) for t, d, a in rows] == [("meeting", "2021-09-06", "Pakistan; Taliban")]
