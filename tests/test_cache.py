"""The private cache folder: values kept between processes, never read from a folder others can write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from timeline import cache


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def make() -> object:
        calls.append(1)
        return value

    return calls, make


def test_a_value_is_made_once_and_then_read_back(temp_root: Path) -> None:
    calls, make = _counting({"Kabul": ("AF", 34.5)})
    assert cache.load_or_make("v.pickle", make) == {"Kabul": ("AF", 34.5)}
    assert cache.load_or_make("v.pickle", make) == {"Kabul": ("AF", 34.5)}
    assert len(calls) == 1
    folder = temp_root / f"timeline-cache-{os.getuid()}"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "v.pickle").stat().st_mode & 0o077 == 0
    assert [p.name for p in folder.iterdir()] == ["v.pickle"]  # no temporary file left behind


def test_a_damaged_file_is_made_again_and_replaced(temp_root: Path) -> None:
    calls, make = _counting([1, 2, 3])
    cache.load_or_make("v.pickle", make)
    (temp_root / f"timeline-cache-{os.getuid()}" / "v.pickle").write_bytes(b"\x80\x05not a pickle")
    assert cache.load_or_make("v.pickle", make) == [1, 2, 3]
    assert cache.load_or_make("v.pickle", make) == [1, 2, 3]
    assert len(calls) == 2


def test_a_folder_others_can_write_is_never_read(temp_root: Path) -> None:
    folder = temp_root / f"timeline-cache-{os.getuid()}"
    folder.mkdir()
    folder.chmod(0o777)
    calls, make = _counting("fresh")
    assert cache.private_dir() is None
    assert cache.load_or_make("v.pickle", make) == "fresh"
    assert cache.load_or_make("v.pickle", make) == "fresh"
    assert len(calls) == 2
    assert not (folder / "v.pickle").exists()


def test_a_symlink_in_place_of_the_folder_is_never_used(temp_root: Path) -> None:
    elsewhere = temp_root / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (temp_root / f"timeline-cache-{os.getuid()}").symlink_to(elsewhere)
    assert cache.private_dir() is None


def test_a_new_fingerprint_replaces_the_files_of_older_ones(temp_root: Path) -> None:
    folder = temp_root / f"timeline-cache-{os.getuid()}"
    cache.load_or_make("places-aaaa.pickle", lambda: 1)
    cache.load_or_make("other-aaaa.pickle", lambda: 2)
    assert cache.load_or_make("places-bbbb.pickle", lambda: 3) == 3
    assert sorted(p.name for p in folder.iterdir()) == ["other-aaaa.pickle", "places-bbbb.pickle"]
