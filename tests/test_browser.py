"""The HTML briefing in a real headless browser (Debian's Chromium): it renders, the SVG strip shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import timeline
from timeline.report import render_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_report import insert_hostile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.browser
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is not installed; under CI=true the browser test must run (apt-get install chromium)")
    pytest.skip("browser test skipped: Debian's chromium is not installed (apt-get install -y chromium)")


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90, check=False)


def test_briefing_renders_in_chromium_with_a_visible_timeline(sqlite_url: str, tmp_path: Path) -> None:
    browser = _chromium()
    generate(sqlite_url, 60, seed=2, years=2)
    insert_hostile(sqlite_url)
    engine = timeline.open_db(sqlite_url, read_only=True)
    try:
        html = render_report(engine, "briefing", "html", now=datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    finally:
        engine.dispose()
    page = tmp_path / "briefing.html"
    page.write_text(html, encoding="utf-8")
    url = page.resolve().as_uri()

    profile = tmp_path / "profile"
    dom = _run(browser, profile, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<svg" in dom.stdout and 'class="mark"' in dom.stdout
    assert len(re.findall(r'<article class="event"', dom.stdout)) == html.count('<article class="event"') > 0
    # The hostile fixture ran nothing: no script element came out of the article text.
    assert "<script" not in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "briefing.png"
    shot.unlink(missing_ok=True)
    taken = _run(browser, profile, f"--screenshot={shot}", "--window-size=1200,1600", url)
    assert taken.returncode == 0, taken.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
