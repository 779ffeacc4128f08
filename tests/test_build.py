"""Scheduled builds: staleness by inputs, atomic files, a lock, a manifest, paths kept inside the output."""

from __future__ import annotations

import fcntl
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import timeline
from timeline.build import LOCK, MANIFEST, BuildBusy, BuildFailed, Built, build, load_build_file, resolve_period
from timeline.errors import ConfigError
from timeline.templating import default_reports_dir

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
BUILD = """
output_dir = "site"

[[output]]
name = "weekly"
report = "briefing"
formats = ["html", "md"]
path = "weekly/briefing"
filters = { period = "last 7 days" }
params = { title = "This week" }

[[output]]
report = "briefing"
name = "all"
formats = ["md"]
path = "all"
"""


@pytest.fixture
def small_db(db_url: str) -> str:
    generate(db_url, 40, seed=11, years=1)
    return db_url


def _write(tmp_path: Path, text: str = BUILD) -> Path:
    path = tmp_path / "timeline-build.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _build(url: str, path: Path, now: datetime = NOW, force: bool = False, reports: tuple[Path, ...] = (),  # type: ignore[no-untyped-def]
           on_output=None):
    engine = timeline.open_db(url, read_only=True)
    try:
        return build(engine, load_build_file(path), now=now, force=force, db_url=url, wait=0, user_dirs=reports,
                     on_output=on_output)
    finally:
        engine.dispose()


def _plain_report(tmp_path: Path, name: str, sql: str) -> Path:
    """A user report `name` whose query is `sql` and whose templates list event ids; returns its root."""
    folder = tmp_path / "mine" / name
    folder.mkdir(parents=True)
    (folder / "report.toml").write_text(f'title = "{name}"\n', encoding="utf-8")
    (folder / "query.sql").write_text(sql, encoding="utf-8")
    for fmt in ("html", "md"):
        (folder / f"{name}.{fmt}.j2").write_text("{% for r in events %}{{ r.event_id }};{% endfor %}\n",
                                                 encoding="utf-8")
    return folder.parent


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("last 7 days", (date(2026, 11, 16), date(2026, 11, 22))),
        ("last month", (date(2026, 10, 1), date(2026, 10, 31))),
        ("this month", (date(2026, 11, 1), date(2026, 11, 22))),
        ("this year", (date(2026, 1, 1), date(2026, 11, 22))),
        ("last year", (date(2025, 1, 1), date(2025, 12, 31))),
        ("yesterday", (date(2026, 11, 21), date(2026, 11, 21))),
        ("last 2 weeks", (date(2026, 11, 9), date(2026, 11, 22))),
    ],
    ids=["7-days", "last-month", "this-month", "this-year", "last-year", "yesterday", "2-weeks"],
)
def test_relative_periods_resolve_against_the_build_time(phrase: str, expected: tuple[date, date]) -> None:
    assert resolve_period(phrase, NOW) == expected


def test_second_build_skips_what_is_fresh_and_new_data_rebuilds(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path)
    first = _build(small_db, path)
    assert [(b.name, b.status) for b in first] == [("weekly", "built"), ("all", "built")]
    site = tmp_path / "site"
    assert (site / "weekly" / "briefing.html").is_file() and (site / "all.md").is_file()
    assert "# This week" in (site / "weekly" / "briefing.md").read_text(encoding="utf-8")
    assert [b.status for b in _build(small_db, path)] == ["fresh", "fresh"]
    generate(small_db, 5, seed=12, years=1)
    assert [b.status for b in _build(small_db, path)] == ["built", "built"]
    assert [b.status for b in _build(small_db, path, force=True)] == ["built", "built"]


def test_the_next_day_rebuilds_relative_periods_only(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path)
    _build(small_db, path)
    statuses = [b.status for b in _build(small_db, path, now=datetime(2026, 11, 23, 6, 0, tzinfo=UTC))]
    assert statuses == ["built", "fresh"]


def test_a_changed_template_or_deleted_file_rebuilds(small_db: str, tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "briefing"
    mine.mkdir(parents=True)
    partial = mine / "_footer.md.j2"
    partial.write_text((default_reports_dir() / "briefing" / "_footer.md.j2").read_text(encoding="utf-8"),
                       encoding="utf-8")
    path = _write(tmp_path, BUILD + '\n' )
    _build(small_db, path, reports=(tmp_path / "mine",))
    partial.write_text("---\n\nMy own footer.\n", encoding="utf-8")
    assert [b.status for b in _build(small_db, path, reports=(tmp_path / "mine",))] == ["built", "built"]
    assert (tmp_path / "site" / "all.md").read_text(encoding="utf-8").endswith("My own footer.\n")
    (tmp_path / "site" / "all.md").unlink()
    assert [b.status for b in _build(small_db, path, reports=(tmp_path / "mine",))] == ["fresh", "built"]


def test_manifest_records_what_was_built_from_what(small_db: str, tmp_path: Path) -> None:
    _build(small_db, _write(tmp_path))
    manifest = json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))
    weekly = manifest["outputs"]["weekly"]
    assert weekly["report"] == "briefing"
    assert weekly["filters"] == "from 2026-11-16; to 2026-11-22"
    assert set(weekly["files"]) == {"weekly/briefing.html", "weekly/briefing.md"}
    assert weekly["built_at"] == NOW.isoformat()
    assert {"data", "filters", "params", "version"} <= set(weekly["input_parts"])
    assert "briefing.md.j2" in weekly["templates"]
    # An output of one format renders that format only.
    assert manifest["outputs"]["all"]["templates"] and \
        all(name.endswith(".md.j2") for name in manifest["outputs"]["all"]["templates"])


@pytest.mark.parametrize("bad", ["../escape", "/etc/passwd", "a/../../b", "C:/x"], ids=["dotdot", "absolute", "nested", "drive"])
def test_output_paths_cannot_leave_the_output_folder(tmp_path: Path, bad: str) -> None:
    path = _write(tmp_path, f'[[output]]\nreport = "briefing"\npath = "{bad}"\n')
    with pytest.raises(ConfigError, match="output path"):
        load_build_file(path)


def test_an_unknown_report_names_the_build_file_and_the_output(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path, '[[output]]\nname = "daily"\nreport = "nosuch"\npath = "x"\n')
    with pytest.raises(BuildFailed) as caught:
        _build(small_db, path)
    assert [item.name for item in caught.value.failed] == ["daily"]
    assert caught.value.failed[0].error.startswith(f"build file {path}: output 'daily': report 'nosuch': no such report")
    assert not list(tmp_path.rglob("x.*"))  # nothing written


THREE = """
output_dir = "site"

[[output]]
name = "a"
report = "briefing"
formats = ["md"]

[[output]]
name = "b"
report = "REPORT"
formats = ["md"]

[[output]]
name = "c"
report = "briefing"
formats = ["md"]
"""


def test_a_failing_output_does_not_stop_the_ones_after_it(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path, THREE.replace("REPORT", "nosuch"))
    seen: list[Built] = []
    with pytest.raises(BuildFailed) as caught:
        _build(small_db, path, on_output=seen.append)
    assert [(item.name, item.status) for item in seen] == [("a", "built"), ("b", "failed"), ("c", "built")]
    assert caught.value.results == seen
    assert [item.name for item in caught.value.failed] == ["b"]
    assert "1 of 3 output(s) failed (b)" in str(caught.value)
    site = tmp_path / "site"
    assert (site / "a.md").is_file() and (site / "c.md").is_file() and not (site / "b.md").exists()
    assert set(json.loads((site / MANIFEST).read_text(encoding="utf-8"))["outputs"]) == {"a", "c"}


def test_an_output_whose_query_fails_is_tried_again_on_the_next_build(small_db: str, tmp_path: Path) -> None:
    mine = _plain_report(tmp_path, "broken", "SELECT t.event_id, t.no_such_column FROM v_timeline t\n"
                                             "WHERE {where}\nORDER BY t.event_id\n")
    path = _write(tmp_path, THREE.replace("REPORT", "broken"))
    with pytest.raises(BuildFailed) as caught:
        _build(small_db, path, reports=(mine,))
    assert [(item.name, item.status) for item in caught.value.results] == [
        ("a", "built"), ("b", "failed"), ("c", "built")]
    assert caught.value.failed[0].error.startswith(f"build file {path}: output 'b': report 'broken': query.sql")
    assert "no_such_column" in caught.value.failed[0].error
    with pytest.raises(BuildFailed) as again:
        _build(small_db, path, reports=(mine,))
    assert [(item.name, item.status) for item in again.value.results] == [
        ("a", "fresh"), ("b", "failed"), ("c", "fresh")]
    (mine / "broken" / "query.sql").write_text("SELECT t.event_id FROM v_timeline t\nWHERE {where}\n"
                                               "ORDER BY t.event_id\n", encoding="utf-8")
    assert [(item.name, item.status) for item in _build(small_db, path, reports=(mine,))] == [
        ("a", "fresh"), ("b", "built"), ("c", "fresh")]
    assert (tmp_path / "site" / "b.md").read_text(encoding="utf-8").startswith("1;")


def test_cli_build_prints_each_output_and_names_the_failed_one(small_db: str, tmp_path: Path,
                                                               runner: CliRunner) -> None:
    from timeline.cli import cli

    path = _write(tmp_path, THREE.replace("REPORT", "nosuch"))
    result = runner.invoke(cli, ["build", "--config", str(path), "--db", small_db])
    assert result.exit_code == 2
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [["built", "a:"], ["built", "c:"]]
    assert f"build file {path}: output 'b': report 'nosuch': no such report" in result.stderr
    assert "1 of 3 output(s) failed (b)" in result.stderr


@pytest.mark.parametrize("make", ["missing", "file"])
def test_a_report_folder_that_is_not_there_stops_the_build_before_anything_is_written(
        small_db: str, tmp_path: Path, runner: CliRunner, make: str) -> None:
    from timeline.cli import cli

    if make == "file":
        (tmp_path / "nosuchdir").write_text("", encoding="utf-8")
    path = _write(tmp_path, 'reports = ["nosuchdir"]\n' + BUILD)
    state = "is not a folder" if make == "file" else "not found"
    with pytest.raises(ConfigError) as caught:
        load_build_file(path)
    assert str(caught.value) == (f"build file {path}: reports (relative to the build file): "
                                 f"folder 'nosuchdir' ({tmp_path / 'nosuchdir'}) {state}")
    result = runner.invoke(cli, ["build", "--config", str(path), "--db", small_db])
    assert result.exit_code == 2 and "folder 'nosuchdir'" in result.stderr and not result.stdout
    assert not (tmp_path / "site").exists()


def test_build_file_report_folders_are_relative_to_the_build_file(small_db: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    mine = _plain_report(tmp_path, "ids", "SELECT t.event_id FROM v_timeline t\nWHERE {where}\nORDER BY t.event_id\n")
    path = _write(tmp_path, 'reports = ["mine"]\n[[output]]\nreport = "ids"\nformats = ["md"]\n')
    monkeypatch.chdir(mine / "ids")  # anywhere but the build file's folder
    assert [item.status for item in _build(small_db, path)] == ["built"]
    assert (tmp_path / "out" / "ids.md").read_text(encoding="utf-8").startswith("1;")


def test_a_missing_user_report_folder_passed_to_build_is_a_config_error(small_db: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"folder {tmp_path / 'gone'} not found"):
        _build(small_db, _write(tmp_path), reports=(tmp_path / "gone",))
    assert not (tmp_path / "site" / MANIFEST).exists()


@pytest.mark.parametrize("bad", ["sub/", "", "sub\\", "sub/."], ids=["slash", "empty", "backslash", "dot"])
def test_a_path_without_a_file_name_is_refused_naming_the_output(tmp_path: Path, bad: str) -> None:
    # "sub/" wrote the hidden files out/sub/.html and out/sub/.md.
    path = _write(tmp_path, f'[[output]]\nname = "daily"\nreport = "briefing"\npath = \'{bad}\'\n')
    with pytest.raises(ConfigError) as caught:
        load_build_file(path)
    assert str(caught.value).startswith(f"build file {path}: [[output]] #1: output 'daily': path ")
    assert "ends in a folder, not a file name; give the file name without extension" in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "entry, reason",
    [
        ('filters = { period = "last 7 days", from = "2021-01-01" }',
         "filters: period = 'last 7 days', from = '2021-01-01': give either period or from/to, not both"),
        ('filters = { period = "this year", to = "2026-06-30" }',
         "filters: period = 'this year', to = '2026-06-30': give either period or from/to, not both"),
        ('filters = { from = "2021-13-45" }',
         "filters: from = '2021-13-45' is invalid: not a date (month must be in 1..12); "
         "give a date YYYY-MM-DD, today, yesterday or N days|weeks|months|years ago"),
        ('filters = { to = "next week" }',
         "filters: to = 'next week' is invalid: not a date; give a date YYYY-MM-DD, today, yesterday or "
         "N days|weeks|months|years ago"),
        ('filters = { period = "fortnight" }',
         "filters: period = 'fortnight' is invalid: not a period; give last N days|weeks|months|years, "
         "today, yesterday, this month, last month, this year or last year"),
        ('params = { key_count = "many" }',
         "report 'briefing': report.toml: line 10: parameter 'key_count' (int): params.key_count = 'many' "
         "is invalid: not a whole number; give one such as 5"),
    ],
    ids=["period-and-from", "period-and-to", "impossible-date", "no-date", "no-period", "not-an-int"],
)
def test_a_bad_filter_or_parameter_names_the_build_file_output_key_value_and_accepted_form(
        small_db: str, tmp_path: Path, entry: str, reason: str) -> None:
    path = _write(tmp_path, f'[[output]]\nname = "daily"\nreport = "briefing"\n{entry}\n')
    with pytest.raises(BuildFailed) as caught:
        _build(small_db, path)
    assert [item.error for item in caught.value.failed] == [f"build file {path}: output 'daily': {reason}"]
    assert not (tmp_path / "out" / "daily.md").exists()


def test_a_bad_date_parameter_names_the_build_file_output_and_accepted_form(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path, '[[output]]\nname = "news"\nreport = "whats_new"\nparams = { since = "last week" }\n'
                            '[[output]]\nname = "who"\nreport = "actor"\n')
    with pytest.raises(BuildFailed) as caught:
        _build(small_db, path)
    assert [item.error for item in caught.value.failed] == [
        f"build file {path}: output 'news': report 'whats_new': report.toml: line 5: parameter 'since' (date): "
        "params.since = 'last week' is invalid: not a date; give a date YYYY-MM-DD, today, yesterday or "
        "N days|weeks|months|years ago",
        f"build file {path}: output 'who': report 'actor': report.toml: line 5: parameter 'actor' is required "
        "(params.actor = …)",
    ]


def test_a_symlink_out_of_the_output_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path.parent)
    path = _write(tmp_path, '[[output]]\nreport = "briefing"\npath = "link/x"\n')
    with pytest.raises(ConfigError, match="leads outside"):
        load_build_file(path)


def test_a_second_build_while_one_holds_the_lock_exits_with_a_message(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    with open(site / LOCK, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        with pytest.raises(BuildBusy, match="another `timeline build`"):
            _build(small_db, path)
    assert not (site / MANIFEST).exists()


def test_a_failing_report_leaves_the_previous_files(small_db: str, tmp_path: Path) -> None:
    path = _write(tmp_path)
    _build(small_db, path)
    before = (tmp_path / "site" / "all.md").read_text(encoding="utf-8")
    broken = _write(tmp_path, BUILD.replace('params = { title = "This week" }', 'params = { key_count = "x" }'))
    with pytest.raises(BuildFailed) as caught:
        _build(small_db, broken)
    assert [(item.name, item.status) for item in caught.value.results] == [("weekly", "failed"), ("all", "fresh")]
    assert (tmp_path / "site" / "all.md").read_text(encoding="utf-8") == before
    assert not [p for p in (tmp_path / "site").rglob("*.tmp")]


def test_cli_build_builds_then_skips(small_db: str, tmp_path: Path, runner: CliRunner) -> None:
    from timeline.cli import cli

    path = _write(tmp_path)
    first = runner.invoke(cli, ["build", "--config", str(path), "--db", small_db])
    assert first.exit_code == 0, first.output
    assert first.output.count("built") == 2
    second = runner.invoke(cli, ["build", "--config", str(path), "--db", small_db])
    assert second.exit_code == 0 and second.output.count("fresh") == 2
    bad = runner.invoke(cli, ["build", "--config", str(tmp_path / "missing.toml"), "--db", small_db])
    assert bad.exit_code == 2 and "not found" in bad.output


def test_two_overlapping_build_processes_leave_whole_files(small_db: str, tmp_path: Path) -> None:
    import subprocess

    path = _write(tmp_path)
    command = [sys.executable, "-m", "timeline", "build", "--config", str(path), "--db", small_db, "--force"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outcomes = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outcomes
    assert sum(out.count("built") for out, _ in outcomes) == 4
    manifest = json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))
    for name, entry in manifest["outputs"].items():
        for relative, digest in entry["files"].items():
            import hashlib

            assert hashlib.sha256((tmp_path / "site" / relative).read_bytes()).hexdigest() == digest, name
    assert not [p for p in (tmp_path / "site").rglob("*.tmp")]
