"""Real processes at once: builds while an ingest writes, and a killed ingest, on both backends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS, query_count, query_rows

pytestmark = pytest.mark.slow


def _feed(path: Path, count: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            body = f"Item {i}. " + seeds[i % len(seeds)]
            out.write(json.dumps({"text": body, "published": "2021-10-29", "title": f"item {i}"}) + "\n")


def _timeline(*args: str, url: str, **kwargs) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = {**os.environ, "TIMELINE_DB": url}
    return subprocess.Popen(
        [sys.executable, "-m", "timeline", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, **kwargs,
    )


def test_builds_while_an_ingest_runs_neither_fails_nor_leaves_half_files(db_url: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 600)
    build_file = tmp_path / "timeline-build.toml"
    build_file.write_text(
        'output_dir = "out"\n\n[[output]]\nname = "all"\nreport = "briefing"\nformats = ["html", "md"]\n',
        encoding="utf-8",
    )
    ingest = _timeline("ingest", str(feed), "--no-progress", url=db_url)
    builds = []
    deadline = time.monotonic() + 120
    while ingest.poll() is None and len(builds) < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
        build = _timeline("build", "--config", str(build_file), "--force", url=db_url, cwd=tmp_path)
        builds.append(build.communicate(timeout=300))
        assert build.returncode == 0, builds[-1][1]
    out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    assert builds, "the ingest ended before a build could run beside it"
    for _stdout, stderr in builds:
        assert "locked" not in stderr
    assert query_count(db_url, "SELECT count(*) FROM documents") == 600
    html = (tmp_path / "out" / "all.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    final = _timeline("build", "--config", str(build_file), url=db_url, cwd=tmp_path)
    _, final_err = final.communicate(timeout=300)
    assert final.returncode == 0, final_err


def test_sigkill_mid_ingest_then_rerun_stores_everything_once(db_url: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 1200)
    ingest = _timeline("ingest", str(feed), "--no-progress", url=db_url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and ingest.poll() is None:
        time.sleep(0.2)
        if query_count(db_url, "SELECT count(*) FROM documents") >= 50:
            break
    assert ingest.poll() is None, "ingest finished before it could be killed"
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait()
    before = _sources_per_item(db_url)
    stored = len(before)
    assert 0 < stored < 1200
    rerun = _timeline("ingest", str(feed), "--no-progress", url=db_url)
    out, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err
    assert out.startswith(f"{1200 - stored} stored, {stored} unchanged, 0 rejected")
    assert query_count(db_url, "SELECT count(DISTINCT sha256) FROM documents") == 1200
    assert query_count(db_url, "SELECT count(*) FROM documents") == 1200
    after = _sources_per_item(db_url)
    # Whole or absent: a document stored before the kill has as many sources as the copy of the
    # same article stored after the rerun (first copies may differ: they create the events that
    # later copies merge into).
    copies = len(list(SEEDS.glob("*.txt")))
    for item, count in before.items():
        if item >= copies:
            assert count == after[item + copies] > 0, f"item {item}: {count} sources"


def _sources_per_item(url: str) -> dict[int, int]:
    rows = query_rows(
        url,
        "SELECT d.title, count(s.id) FROM documents d"
        " LEFT JOIN event_sources s ON s.document_id = d.id GROUP BY d.id, d.title",
    )
    return {int(str(title).split()[1]): int(count) for title, count in rows}
