"""How fast this machine is today, in a unit every benchmark here can print: one dateparser.search_dates call.

The benchmarks' time targets (a month's briefing in 0.2 s, 1,000 articles/s) are absolute, but the
shared machines they run on differ by a factor of three from one session to the next. bench_ingest
and bench_timex time `search_dates` on their own data in the same run; the benchmarks without such
a baseline (bench_reports, bench_queries) print this yardstick instead: the best time of
`search_dates` over one fixed article of 871 characters (Reuters-21578's bodies average 834), so
that figures from two machines can be compared (docs/benchmarks.md lists the yardstick of each
session's machine).

    python bench/yardstick.py
"""

from __future__ import annotations

import time
from datetime import datetime

# Written for this yardstick: news prose with the date forms search_dates looks for.
ARTICLE = (
    "GENEVA, March 4 - Foreign ministers from six countries met on Tuesday to discuss the ceasefire that "
    "took effect on 26 February 2021, officials said. The talks, the third round since last October, are "
    "due to resume next week, and a final agreement could be signed by the end of the month, a spokesman "
    "told reporters on Wednesday evening. In 2019 a similar accord collapsed after two weeks. The envoy, "
    "who arrived in the city yesterday, said the parties had agreed to meet again on March 15 and 16. "
    "Aid deliveries, suspended in January, restarted three days ago and will continue through April, the "
    "agency said in a statement dated 3 March. Trade fell 12 percent in the fourth quarter of 2020 and "
    "rose slightly in the first two months of this year. A committee set up in the 1990s will report in "
    "mid-2021. Prices were quoted at 1,250 dollars a tonne at the close on Monday."
)
REFERENCE = datetime(2021, 3, 4)


def search_dates_ms(rounds: int = 5, calls: int = 10) -> float:
    """Best milliseconds per search_dates call on ARTICLE, over `rounds` rounds of `calls` calls."""
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": REFERENCE}
    search_dates(ARTICLE, languages=["en"], settings=settings)  # loads dateparser's data once
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            search_dates(ARTICLE, languages=["en"], settings=settings)
        best = min(best, (time.process_time() - started) / calls)
    return best * 1000


def describe() -> str:
    """One line for a benchmark's header."""
    return (f"machine yardstick: dateparser.search_dates on a fixed {len(ARTICLE)}-character article = "
            f"{search_dates_ms():.1f} ms CPU (bench/yardstick.py)")


if __name__ == "__main__":
    print(describe())
