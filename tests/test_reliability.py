"""Bad input through `timeline ingest`: each bad input named with its exact reason, every good one stored."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from conftest import query_rows
from timeline import db
from timeline.cli import cli


def _documents(url: str) -> list[str]:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(Path(uri).name for (uri,) in conn.execute(text("SELECT uri FROM documents")))
    finally:
        engine.dispose()


def _inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.txt").write_text("KABUL: The Taliban took over Kabul on 15 August 2021.\n", encoding="utf-8")
    (folder / "crlf.txt").write_bytes(b"Ministers met in Delhi on 8 September 2021.\r\nThey spoke.\r\n")
    (folder / "utf16.txt").write_bytes("Talks were held on 26 October 2021.".encode("utf-16"))
    (folder / "latin1.txt").write_bytes("Le ministre a parlé à Genève le 3 mars 2021.".encode("latin-1"))
    # A 50 MB file: sparse, so the test writes nothing; the size check rejects it before reading.
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\t\n", encoding="utf-8")
    (folder / "scripts.html").write_text("<html><script>alert(1)</script><style>p{}</style></html>", encoding="utf-8")
    lines = [json.dumps({"text": "The council met on 3 March 2021.", "published": "2021-03-04"}), "{oops", ""]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    return folder


def test_every_bad_input_is_named_with_its_reason_and_every_good_one_is_stored(
    runner: CliRunner, db_url: str, tmp_path: Path
) -> None:
    folder = _inbox(tmp_path)
    result = runner.invoke(cli, ["ingest", str(folder), "--db", db_url])
    assert result.exit_code == 1, result.output
    rejected = {
        line.removeprefix("timeline: rejected ").split(": ", 1)[0].rsplit("/", 1)[-1]: line.split(": ", 2)[2]
        for line in result.stderr.splitlines()
        if line.startswith("timeline: rejected ")
    }
    assert rejected == {
        "huge.txt": "file is 52,428,800 bytes; the limit is 10,485,760 (setting max_bytes)",
        "binary.txt": "binary file (NUL bytes)",
        "empty.txt": "empty file",
        "blank.md": "empty file (whitespace only)",
        "scripts.html": "no main text found in the HTML",
        "feed.jsonl:2": rejected.get("feed.jsonl:2", ""),
        "loop": rejected.get("loop", ""),
    }
    assert rejected["feed.jsonl:2"].startswith("invalid JSON")
    assert "symlink loop" in rejected["loop"] or "loop" in rejected["loop"]
    assert _documents(db_url) == sorted(["crlf.txt", "feed.jsonl#1", "good.txt", "latin1.txt", "utf16.txt"])
    assert result.stdout.startswith("5 stored, 0 unchanged, 7 rejected")


def test_the_size_limit_is_a_setting(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Talks were held in Paris on 3 March 2021.\n" * 100, encoding="utf-8")
    settings = tmp_path / "timeline.toml"
    settings.write_text(f'[timeline]\ndb = "{sqlite_url}"\nmax_bytes = 1000\n', encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(article), "--config", str(settings)])
    assert result.exit_code == 1
    assert "the limit is 1,000 (setting max_bytes)" in result.stderr
    allowed = runner.invoke(cli, ["ingest", str(article), "--config", str(settings), "--max-bytes", "100000"])
    assert allowed.exit_code == 0, allowed.output


def test_a_manifest_naming_missing_files_and_bad_dates(runner: CliRunner, db_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Talks were held on Monday.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A statement was issued on Friday.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,published\na.txt,2021-10-29\nb.txt,29/02/2021\nmissing.txt,2021-01-01\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--manifest", str(manifest), "--db", db_url]
    )
    assert result.exit_code == 1
    assert "manifest.csv:4: no such file 'missing.txt'" in result.stderr
    assert "manifest.csv line 3: bad published date '29/02/2021' (expected YYYY-MM-DD)" in result.stderr
    assert "b.txt: manifest " in result.stderr
    assert _documents(db_url) == ["a.txt"]


def test_a_manifest_that_names_none_of_the_inputs_is_a_warning(runner: CliRunner, db_url: str, tmp_path: Path) -> None:
    # The manifest's paths are relative to its folder: one kept elsewhere names nothing ingested,
    # and the inputs would be stored undated without a word. It sits in the inbox itself here,
    # which must not be named as a file passed by.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Talks were held on Monday.\n", encoding="utf-8")
    (inbox / "b.txt").write_text("A statement was issued on Friday.\n", encoding="utf-8")
    manifest = inbox / "manifest.csv"
    manifest.write_text("path,published\na.txt,2021-10-29\n", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(inbox), "--manifest", str(manifest), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"timeline: warning: {manifest}: no row for 1 input file ({inbox / 'b.txt'}); it is dated from its own"
        " metadata, a dateline or --published (a manifest's paths are relative to its folder)"
    ]


def test_a_manifest_date_for_a_document_stored_before_is_named_as_not_applied(
    runner: CliRunner, db_url: str, tmp_path: Path
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Talks were held on Monday.\n", encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(article), "--db", db_url]).exit_code == 0
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,published\na.txt,2021-10-29\n", encoding="utf-8")
    again = runner.invoke(cli, ["ingest", str(article), "--manifest", str(manifest), "--db", db_url])
    assert again.exit_code == 0, again.output
    assert "0 stored, 1 unchanged" in again.stdout
    assert again.stderr == (f"timeline: warning: {article}: already stored as document 1 ({article}) with no"
                            " publication date; the text is unchanged, so the manifest's 2021-10-29 is not applied"
                            " (`timeline document reextract 1 --published 2021-10-29` applies it)\n")
    # What the warning says to run applies the date, and "on Monday" is now 25 October 2021.
    assert runner.invoke(cli, ["document", "reextract", "1", "--published", "2021-10-29", "--db", db_url]).exit_code == 0
    assert [str(d) for d, in query_rows(db_url, "SELECT date_start FROM events")] == ["2021-10-25"]
    # The same date again, or no manifest: nothing to say.
    manifest.write_text("path,published\na.txt,\n", encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(article), "--manifest", str(manifest), "--db", db_url]).stderr == ""


def test_an_updated_text_of_an_input_stored_before_is_named(runner: CliRunner, db_url: str, tmp_path: Path) -> None:
    # Unique by text (DESIGN): the updated article is a second document, and its events now
    # count two sources; the user is told, not left to find it in the key developments.
    article = tmp_path / "a.txt"
    article.write_text("On 1 August 2023, India and Russia held talks in Delhi.\n", encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(article), "--published", "2023-08-10", "--db", db_url]).stderr == ""
    with article.open("a", encoding="utf-8") as handle:
        handle.write("Updated: the talks ended on 2 August.\n")
    again = runner.invoke(cli, ["ingest", str(article), "--published", "2023-08-10", "--db", db_url])
    assert again.exit_code == 0, again.output
    assert "1 stored" in again.stdout
    assert again.stderr == (f"timeline: warning: {article}: an earlier text of this input is stored as document 1;"
                            " both are kept, and an event reported in both counts them as two sources"
                            " (`timeline document delete 1` removes the earlier)\n")
    assert runner.invoke(cli, ["document", "delete", "1", "--db", db_url]).exit_code == 0
    assert query_rows(db_url, "SELECT DISTINCT document_id FROM event_sources") == [(2,)]
    assert query_rows(db_url, "SELECT source_count FROM events WHERE date_start = '2023-08-01'") == [(1,)]


def test_an_unusable_manifest_is_a_usage_error(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,date\nx.txt,2021-01-01\n", encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(tmp_path), "--manifest", str(manifest), "--db", sqlite_url])
    assert result.exit_code == 2
    assert "manifest.csv" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_named(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Talks.\n", encoding="utf-8")
    locked.chmod(0)
    result = runner.invoke(cli, ["ingest", str(locked), "--db", sqlite_url])
    assert result.exit_code == 1
    assert "locked.txt: unreadable: Permission denied" in result.stderr


def test_a_single_five_megabyte_line_is_stored(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    filler = "the quarterly figures were broadly in line with expectations and analysts said little "
    line = (filler * (5 * 1024 * 1024 // len(filler))) + "India and France held talks in Paris on 3 March 2021."
    article = tmp_path / "one-line.txt"
    article.write_text(line, encoding="utf-8")
    result = runner.invoke(cli, ["ingest", str(article), "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 stored")
    engine = db.open_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            length = conn.execute(text("SELECT length(text) FROM documents")).scalar_one()
    finally:
        engine.dispose()
    assert length == len(line)


def test_a_writer_holding_the_lock_stops_ingest_at_once_with_a_clear_error_and_nothing_half_stored(
    runner: CliRunner, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "database is locked" is no document's fault: each document used to be retried alone, waiting out
    # the busy timeout once per document, and then rejected one by one.
    import sqlite3

    import timeline
    from timeline.errors import DatabaseBusy

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"India and France held talks in Paris on {i + 1} March 2021.\n",
                                         encoding="utf-8")
    engine = timeline.open_db(sqlite_url)  # opened before the other writer takes the lock
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy, match="0 document.s. stored before, 3 not stored") as caught:
            timeline.ingest(engine, [folder], published=date(2021, 3, 10), today=date(2026, 11, 22))
        assert caught.value.summary.rejected == []  # type: ignore[attr-defined]
        # Opened while the lock is held: the same clear message, from the CLI.
        again = runner.invoke(cli, ["document", "reextract", "--all", "--db", sqlite_url])
        assert again.exit_code == 2, again.output
        assert "database is busy: another writer has held its write lock for more than 0 s" in again.stderr
        assert "nothing was changed" in again.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert query_rows(sqlite_url, "SELECT count(*) FROM documents") == [(0,)]
    result = runner.invoke(cli, ["ingest", str(folder), "--published", "2021-03-10", "--db", sqlite_url])
    assert result.exit_code == 0 and "3 stored" in result.stdout, result.output
