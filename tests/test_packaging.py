"""An installed wheel works outside the repository: migrations and default reports ship inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("timeline-*.whl")
    return built


def test_the_wheel_carries_migrations_and_default_reports(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "timeline/_migrations/env.py" in names
    assert any(name.startswith("timeline/_migrations/versions/") and name.endswith(".py") for name in names)
    assert "timeline/sql/events.sql" in names
    assert any(name.startswith("timeline/_reports/") for name in names)
    assert not any(name.startswith(("tests/", "seeds/", "migrations/")) for name in names)


def test_installed_timeline_inits_a_database_in_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    install = subprocess.run([*pip, str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run([str(venv / "bin" / "timeline"), "init"], cwd=empty, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "created at revision" in result.stdout
    assert (empty / "timeline.db").is_file()
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from timeline.db import migrations_dir; print(migrations_dir())"],
        cwd=empty, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)), where
