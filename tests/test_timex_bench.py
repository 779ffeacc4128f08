"""The TempEval-3 scorer of bench/bench_timex.py: value spellings it counts as one TIMEX3 meaning."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "bench_timex.py"
_SPEC = importlib.util.spec_from_file_location("bench_timex", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
bench_timex = importlib.util.module_from_spec(_SPEC)
sys.modules["bench_timex"] = bench_timex  # its dataclasses look their module up
_SPEC.loader.exec_module(bench_timex)


@pytest.mark.parametrize(
    "ours, type_ours, gold, type_gold",
    [
        ("199", "DATE", "199X", "DATE"),
        ("P10Y", "DURATION", "P1E", "DURATION"),
        ("P3Q", "DURATION", "P9M", "DURATION"),  # a quarter is three months
        ("P1Q", "DURATION", "P3M", "DURATION"),
        ("P1D", "SET", "XXXX-XX-XX", "SET"),  # every day, in TimeML's and in TIMEX2's notation
        ("P1Y", "SET", "XXXX", "SET"),
    ],
)
def test_spellings_of_one_meaning_score_as_equal(ours: str, type_ours: str, gold: str, type_gold: str) -> None:
    assert bench_timex.canonical(ours, type_ours) == bench_timex.canonical(gold, type_gold)


@pytest.mark.parametrize(
    "ours, type_ours, gold, type_gold",
    [
        ("1949", "DATE", "1949-XX", "DATE"),  # some month of 1949 is not the year
        ("1989-W42", "DATE", "1989-WXX", "DATE"),
        ("P1D", "DURATION", "XXXX-XX-XX", "DATE"),  # a day's length is not some day
        ("PT24H", "DURATION", "P1D", "DURATION"),  # not the same length across a clock change
        ("P3Q", "DURATION", "P3M", "DURATION"),
    ],
)
def test_different_meanings_stay_different(ours: str, type_ours: str, gold: str, type_gold: str) -> None:
    assert bench_timex.canonical(ours, type_ours) != bench_timex.canonical(gold, type_gold)
