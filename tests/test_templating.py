"""Jinja environments: dates by precision, Markdown escaping, links, StrictUndefined, data never compiled."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import UndefinedError
from markupsafe import Markup, escape

from timeline.escaping import (
    escape_html,
    escape_markdown,
    inner_quotes,
    markdown_link,
    markdown_text,
    safe_href,
)
from timeline.templating import describe_date, make_environment


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("“Both sides urged restraint,” it said.", "‘Both sides urged restraint,’ it said."),
        ('He called it "a turning point".', "He called it 'a turning point'."),
        ("The council’s resolution passed.", "The council’s resolution passed."),
        ("No quotation here.", "No quotation here."),
        (None, ""),
    ],
)
def test_a_cited_sentence_nests_its_own_quotes(sentence: str | None, expected: str) -> None:
    assert inner_quotes(sentence) == expected


def test_citations_never_open_with_two_double_quotes(tmp_path: Path) -> None:
    folder = tmp_path / "quotes"
    folder.mkdir()
    (folder / "q.md.j2").write_text("“{{ s|inner_quotes }}”\n", encoding="utf-8")
    (folder / "q.html.j2").write_text("<q>{{ s|inner_quotes }}</q>\n", encoding="utf-8")
    sentence = "“Never again,” <b>it</b> said."
    md = make_environment([folder], markdown=True).get_template("q.md.j2").render(s=sentence)
    html = make_environment([folder], markdown=False).get_template("q.html.j2").render(s=sentence)
    assert md.startswith("“‘Never again,’ ") and "““" not in md and "<b>" not in md
    assert html == "<q>‘Never again,’ &lt;b&gt;it&lt;/b&gt; said.</q>\n"


@pytest.mark.parametrize(
    "start, end, precision, approximate, expected",
    [
        ("2021-10-26", "2021-10-26", "day", False, "26 Oct 2021"),
        ("2021-10-26", "2021-10-27", "day", False, "26–27 Oct 2021"),
        ("2021-09-30", "2021-10-02", "day", False, "30 Sep – 2 Oct 2021"),
        ("2021-12-31", "2022-01-01", "day", False, "31 Dec 2021 – 1 Jan 2022"),
        ("2021-08-01", "2021-08-31", "month", False, "Aug 2021"),
        ("2021-08-01", "2021-10-31", "month", False, "Aug–Oct 2021"),
        ("2017-01-01", "2017-12-31", "year", False, "2017"),
        ("2022-07-21", "2022-07-31", "month", True, "c. late Jul 2022"),
        ("2022-08-01", "2022-08-10", "day", True, "c. early Aug 2022"),
        ("2021-08-10", "2021-08-10", "day", True, "c. 10 Aug 2021"),
        ("2021-09-08", "2021-09-09", "day", True, "c. 8–9 Sep 2021"),
        ("2021-08-24", "2021-08-27", "day", True, "c. late Aug 2021"),
        ("2021-07-01", "2021-09-30", "quarter", False, "Q3 2021"),
        ("2021-06-01", "2021-08-31", "season", False, "summer 2021"),
        ("2021-10-25", "2021-10-31", "week", False, "week of 25 Oct 2021"),
        ("1980-01-01", "1989-12-31", "decade", False, "1980s"),
        ("1901-01-01", "2000-12-31", "century", False, "20th century"),
        ("2017-01-01", "2017-12-31", "year", True, "c. 2017"),
        (None, None, None, False, "undated"),
    ],
    ids=["day", "two-days", "across-months", "across-years", "month", "months", "year", "late-month",
         "early-month", "approx-day", "approx-two-days", "approx-four-days", "quarter", "season", "week", "decade", "century", "approx-year", "undated"],
)
def test_dates_are_written_by_precision(start: str | None, end: str | None, precision: str | None,
                                        approximate: bool, expected: str) -> None:
    assert describe_date(start, end, precision, approximate) == expected


def test_describe_date_takes_date_objects() -> None:
    assert describe_date(date(2021, 10, 26), date(2021, 10, 27), "day") == "26–27 Oct 2021"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("[click](javascript:alert(1))", r"\[click\](javascript:alert(1))"),
        ("![x](http://evil.example/x.png)", r"\!\[x\](http\://evil.example/x.png)"),
        ("{{ 7*7 }} {% if %}", r"{{ 7\*7 }} {% if %}"),
        ("1. not a list", r"1\. not a list"),
        ("# not a heading", r"\# not a heading"),
        ("a | b", r"a \| b"),
        ("line one\n\n    line two", "line one line two"),
        ("armed_group", "armed_group"),
        ("_emphasis_", r"\_emphasis\_"),
        ("see www.example.org", r"see www\.example.org"),
        ("plain text", "plain text"),
    ],
    ids=["script", "link", "image", "jinja", "ordered-list", "heading", "table-pipe", "blocks", "intraword",
         "emphasis", "autolink", "plain"],
)
def test_markdown_escaping_keeps_text_inert(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", ""),
        (" JaVaScRiPt:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("seeds/000.txt", ""),
        ("https://exa mple.org", ""),
        (None, ""),
    ],
    ids=["https", "upper", "javascript", "javascript-mixed", "data", "path", "space", "none"],
)
def test_only_http_links_become_hrefs(url: str | None, expected: str) -> None:
    assert safe_href(url) == expected


def test_markdown_link_refuses_other_schemes() -> None:
    assert markdown_link("x", "javascript:alert(1)") == "x"
    assert markdown_link("A [b]", "https://e.org/a)<b") == r"[A \[b\]](<https://e.org/a%29%3Cb>)"


def _env_with(tmp_path: Path, name: str, source: str, markdown: bool):  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(source, encoding="utf-8")
    return make_environment([tmp_path], markdown=markdown)


def _ours_and_jinjas(folder: Path, source: str, markdown: bool):  # type: ignore[no-untyped-def]
    """Two environments over the template `source` (t.j2): ours, and one compiling it with Jinja's own code generator."""
    from jinja2.compiler import CodeGenerator

    mine = _env_with(folder, "t.j2", source, markdown)
    theirs = _env_with(folder, "t.j2", source, markdown)
    theirs.code_generator_class = CodeGenerator
    theirs.bytecode_cache = None
    return mine, theirs


def test_data_is_never_compiled_as_a_template(tmp_path: Path) -> None:
    html = _env_with(tmp_path, "t.html.j2", "<p>{{ value }}</p>", markdown=False)
    assert html.get_template("t.html.j2").render(value="{{ 7*7 }}<b>") == "<p>{{ 7*7 }}&lt;b&gt;</p>"
    md = _env_with(tmp_path, "t.md.j2", "- {{ value }}", markdown=True)
    assert md.get_template("t.md.j2").render(value="{% raw %}{{ 7*7 }}") == r"- {% raw %}{{ 7\*7 }}"


def test_a_missing_value_is_an_error_not_blank(tmp_path: Path) -> None:
    env = _env_with(tmp_path, "t.html.j2", "{{ row.colmn }}", markdown=False)
    with pytest.raises(UndefinedError):
        env.get_template("t.html.j2").render(row={"column": 1})


def test_user_folders_come_before_defaults(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    theirs.mkdir()
    (mine / "_part.html.j2").write_text("mine", encoding="utf-8")
    (theirs / "_part.html.j2").write_text("theirs", encoding="utf-8")
    env = make_environment([mine, theirs], markdown=False)
    assert env.get_template("_part.html.j2").render() == "mine"


@pytest.mark.parametrize("value", ["<script>alert('x')</script>", 'a "quoted" & <b>bold</b>', "plain", "", 42, -1, 2.5,
                                   None, True, date(2021, 10, 26)], ids=repr)
def test_html_escaping_matches_markupsafe(value: object) -> None:
    assert escape_html(value) == str(escape(value))
    assert type(escape_html(value)) is str


def test_html_values_are_escaped_however_they_are_built(tmp_path: Path) -> None:
    source = ("{{ v }}|{{ v ~ '!' }}|{{ [v, v]|join(',') }}|{{ v|upper }}|{{ '<i>' }}|{{ v|e }}|{{ trusted }}"
              "|{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{{ m(v) }}|{% set block %}<u>{{ v }}</u>{% endset %}{{ block }}")
    env = _env_with(tmp_path, "t.html.j2", source, markdown=False)
    out = env.get_template("t.html.j2").render(v="<x>", trusted=Markup("<em>ok</em>"))
    # Macro and block output is text like any other value: escaped again, never run as markup.
    assert out == ("&lt;x&gt;|&lt;x&gt;!|&lt;x&gt;,&lt;x&gt;|&lt;X&gt;|&lt;i&gt;|&lt;x&gt;|<em>ok</em>"
                   "|&lt;b&gt;&amp;lt;x&amp;gt;&lt;/b&gt;|&lt;u&gt;&amp;lt;x&amp;gt;&lt;/u&gt;")
    assert "<x>" not in out and "<X>" not in out


def test_markdown_finalize_and_filter_agree() -> None:
    for text in ["# Heading", "[x](javascript:y)", "a_b _c_", "http://x.example", "1. item", "plain words"]:
        assert markdown_text(text) == escape_markdown(text)
        assert markdown_text(escape_markdown(text)) == escape_markdown(text)


def test_a_template_added_later_wins_in_the_same_process(tmp_path: Path) -> None:
    from timeline.templating import report_environment

    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    theirs.mkdir()
    (theirs / "_part.md.j2").write_text("theirs", encoding="utf-8")
    assert report_environment([mine, theirs], True).get_template("_part.md.j2").render() == "theirs"
    assert report_environment([mine, theirs], True) is report_environment([mine, theirs], True)
    (mine / "_part.md.j2").write_text("mine", encoding="utf-8")
    assert report_environment([mine, theirs], True).get_template("_part.md.j2").render() == "mine"


def test_markdown_space_list_is_every_ascii_whitespace_but_the_space() -> None:
    from timeline.escaping import _MD_ASCII_SPACE

    assert set(_MD_ASCII_SPACE) == {chr(code) for code in range(0x80) if re.fullmatch(r"[^\S ]", chr(code))}


_PLAIN_CASES = ["plain words.", "", " ", "x", "Kabul", "Moscow. Now.", "now w. ", "see wWw.example", "WWW.EXAMPLE",
                "ftp://host", "a  b", " lead", "trail ", "tab\there", "nbsp\xa0here", "line\u2028sep", "7 days",
                "1. item", "12) item", "٣. arabic digit", "- dash", "+ plus", "= eq", "> quote", "a-b+c=d>e",
                "under_score", "_lead", "trail_", "50% off", "{{ 7*7 }}", "a|b", "x~y", "&amp;", "#tag", "!bang",
                "back\\slash", "`code`", "[x]", "<b>", "Ünïcödé text — with dashes", "2021-10-26",
                "at 10:30 today", "“quoted” www.x", "lone \ud800 surrogate", "wide\u3000space — here", "Www.x"]


@pytest.mark.parametrize("text", _PLAIN_CASES + [f"word {c} word" for c in "\\`*_[]<>|~&#!\t\n\x1f\x85\xa0\u2007\u3000"], ids=repr)
def test_markdown_plain_text_shortcut_agrees_with_the_rules(text: str) -> None:
    from timeline.escaping import _apply_markdown_rules, _escape_markdown_text

    assert _escape_markdown_text(text) == _apply_markdown_rules(text)


def test_markdown_plain_text_shortcut_agrees_with_the_rules_for_every_ascii_character() -> None:
    from timeline.escaping import _apply_markdown_rules, _escape_markdown_text

    for code in range(0x80):
        for text in (f"word {chr(code)} word", f"word{chr(code)}", chr(code) * 2):
            assert _escape_markdown_text(text) == _apply_markdown_rules(text), repr(text)


def test_output_runs_render_as_jinja_renders_them(tmp_path: Path) -> None:
    # Text with "%", constants, filters, loops, a macro and a captured block: the one-string-per-run
    # code gives what Jinja's own code gives.
    source = ("{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}{% set cap %}[{{ v }}]{% endset %}"
              "100% {{ v }} and {{ '<k>' }}{{ 5 }}%s{% for i in range(3) %}{{ i }}%{{ v|upper }},{% endfor %}"
              "{{ m(v) }}{{ cap }}\n{{ v }}")
    for markdown in (False, True):
        mine, theirs = _ours_and_jinjas(tmp_path, source, markdown)
        expected = theirs.get_template("t.j2").render(v="<a_b>")
        assert mine.get_template("t.j2").render(v="<a_b>") == expected
        assert "100% " in expected and "%s" in expected


def test_compiled_templates_follow_their_source_and_format(tmp_path: Path) -> None:
    # The compiled-template cache outlives the environment; a changed template or the other
    # format must never get the old code ('<b>' is escaped while compiling).
    (tmp_path / "t.j2").write_text("{{ '<b>' }} one", encoding="utf-8")
    assert make_environment([tmp_path], markdown=False).get_template("t.j2").render() == "&lt;b&gt; one"
    assert make_environment([tmp_path], markdown=False).get_template("t.j2").render() == "&lt;b&gt; one"
    assert make_environment([tmp_path], markdown=True).get_template("t.j2").render() == r"\<b\> one"
    (tmp_path / "t.j2").write_text("{{ '<b>' }} two", encoding="utf-8")
    assert make_environment([tmp_path], markdown=False).get_template("t.j2").render() == "&lt;b&gt; two"


def test_a_template_cache_that_cannot_be_written_or_read_is_skipped(tmp_path: Path) -> None:
    from timeline.templating import TemplateCache

    env = _env_with(tmp_path, "t.j2", "{{ v }}!", markdown=False)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = TemplateCache("test")
    cache.directory = str(blocked)
    env.bytecode_cache = cache
    assert env.get_template("t.j2").render(v="<x>") == "&lt;x&gt;!"
    garbage = tmp_path / "cache"
    garbage.mkdir()
    cache.directory = str(garbage)
    import pickle

    from jinja2.bccache import bc_magic

    bucket = cache.get_bucket(env, "t.j2", str(tmp_path / "t.j2"), "{{ v }}!")
    # The right header and checksum, then no code: marshal fails to read it.
    Path(cache._get_cache_filename(bucket)).write_bytes(bc_magic + pickle.dumps(bucket.checksum, 2) + b"\xff\x00")
    fresh = _env_with(tmp_path, "t.j2", "{{ v }}!", markdown=False)
    fresh.bytecode_cache = cache
    assert fresh.get_template("t.j2").render(v="<y>") == "&lt;y&gt;!"


def test_key_developments_are_the_most_reported_then_most_cited_then_latest_in_date_order() -> None:
    from timeline.templating import key_developments

    rows = [{"event_id": 1, "date_start": date(2021, 5, 1), "source_count": 2},
            {"event_id": 2, "date_start": date(2021, 1, 1), "source_count": 4},
            {"event_id": 3, "date_start": None, "source_count": 9},
            {"event_id": 4, "date_start": date(2021, 3, 1), "source_count": 2},
            {"event_id": 5, "date_start": date(2021, 2, 1), "source_count": None},
            {"event_id": 6, "date_start": date(2021, 3, 1), "source_count": 2}]
    assert [row["event_id"] for row in key_developments(rows, 3)] == [2, 4, 1]  # ties: the later, then lower id
    assert [row["event_id"] for row in key_developments(rows, 9)] == [2, 5, 4, 6, 1]
    # One article each: the event three passages cite comes before the later one cited once.
    cited = [{"event_id": 7, "date_start": date(2017, 1, 1), "source_count": 1, "sources": [{}]},
             {"event_id": 8, "date_start": date(2022, 8, 4), "source_count": 1, "sources": [{}, {}, {}]},
             {"event_id": 9, "date_start": date(2022, 8, 5), "source_count": 1, "sources": [{}]}]
    assert [row["event_id"] for row in key_developments(cited, 2)] == [8, 9]
    assert [row["event_id"] for row in key_developments(cited, 1)] == [8]
    assert key_developments(rows, 0) == [] and key_developments([], 5) == []


def test_each_url_gets_its_own_answer_however_calls_alternate() -> None:
    good, bad = "https://example.org/a", "javascript:alert(1)"
    assert [safe_href(url) for url in (good, good, bad, bad, good, "x", good)] == [good, good, "", "", good, "", good]
    assert markdown_link("t", good) == f"[t](<{good}>)" and markdown_link("t", bad) == "t"


# Text that exercises every rule: Markdown punctuation, spaces of all kinds, digits and list
# marks at the start, schemes and "www.", beyond-ASCII letters and digits.
_MD_ALPHABET = st.sampled_from(list("ab Z09_*`[]<>|~&#!\\-+=>.):/wW\t\n\xa0\u2007\u3000\u0663é—")) | st.characters()
_md_texts = st.text(_MD_ALPHABET, max_size=40) | st.text(_MD_ALPHABET, min_size=70, max_size=120)


@settings(max_examples=400, deadline=None)
@given(_md_texts)
def test_markdown_fast_paths_and_cache_agree_with_the_rules(text: str) -> None:
    from timeline.escaping import _apply_markdown_rules

    expected = _apply_markdown_rules(text)
    assert markdown_text(text) == expected  # escaped (or, when short, perhaps from the cache)
    assert markdown_text(text) == expected  # again, from the cache when short
    assert markdown_text(escape_markdown(text)) == expected  # Markdown already: as it is


@settings(max_examples=300, deadline=None)
@given(_md_texts, st.sampled_from(["https://example.org/a b", "https://example.org/x_(y)", "http://h/ü", "javascript:x",
                                   "/path/doc.txt", "", "HTTPS://E.ORG/<x>", "https://e.org/a%20b?q=1&r=[2]#f"])
       | st.text(max_size=20) | st.text(max_size=20).map(lambda tail: "https://e.org/" + tail))
def test_links_take_the_shortcuts_only_where_the_rules_agree(label: str, url: str) -> None:
    from urllib.parse import quote

    from timeline.escaping import _HTTP_URL, _QUOTE_SAFE

    stripped = url.strip()
    href = stripped if url and _HTTP_URL.match(stripped) else ""
    for _ in range(2):  # the second time, safe_href may answer from its last URL
        assert safe_href(url) == href
        expected = f"[{markdown_text(label)}](<{quote(href, safe=_QUOTE_SAFE)}>)" if href else markdown_text(label)
        assert markdown_link(label, url) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(_md_texts | st.integers(-5, 5) | st.none() | st.booleans() | _md_texts.map(escape_markdown), max_size=6))
def test_output_runs_render_any_values_as_jinjas_own_code(tmp_path_factory: pytest.TempPathFactory,
                                                          values: list[object]) -> None:
    folder = tmp_path_factory.mktemp("runs")
    source = "{% for v in values %}[{{ v }}|{{ v }}]%{{ v }}\n{% endfor %}{{ values[0] if values else '' }}"
    for markdown in (False, True):
        mine, theirs = _ours_and_jinjas(folder, source, markdown)
        assert mine.get_template("t.j2").render(values=values) == theirs.get_template("t.j2").render(values=values)


class _Shadowing(dict):  # type: ignore[type-arg]
    """A dict subclass: read through environment.getattr, not the inline dict read."""


class _Plain:
    title = "attribute"


_GETATTR_KEYS = st.sampled_from(["title", "items", "get", "missing", "__class__"])
_GETATTR_VALUES = st.one_of(
    st.dictionaries(_GETATTR_KEYS, st.text("ab<*", max_size=3) | st.integers(0, 3), max_size=4),
    st.dictionaries(_GETATTR_KEYS, st.integers(0, 3), max_size=3).map(_Shadowing),
    st.just(_Plain()), st.none(), st.integers(0, 3), st.text("ab", max_size=2))


def _render_or_error(env, values: list[object]) -> str:  # type: ignore[no-untyped-def]
    try:
        return env.get_template("t.j2").render(values=values, row=values[0] if values else None)
    except Exception as exc:  # noqa: BLE001 - the two generators must fail alike too
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=150, deadline=None)
@given(st.lists(_GETATTR_VALUES, max_size=4))
def test_columns_read_inline_give_what_jinjas_getattr_gives(tmp_path_factory: pytest.TempPathFactory,
                                                            values: list[object]) -> None:
    # `v.title`, a key that shadows a dict method (`v.items`), one no row has, a subclass of dict,
    # an object with attributes, a name that is not defined (`nothing.title`): each as Jinja's own code gives it.
    folder = tmp_path_factory.mktemp("getattr")
    source = ("{% for v in values %}[{{ v.title is defined }}|{{ v.items is defined }}|{% if v.title is defined %}"
              "{{ v.title }}{% endif %}|{{ v.get is defined }}]{% endfor %}{{ row.title if row is mapping else '' }}"
              "{% if values and values[0] is mapping and 'missing' not in values[0] %}{{ values[0].missing }}{% endif %}"
              "{% if not values %}{{ nothing.title }}{% endif %}")
    for markdown in (False, True):
        mine, theirs = _ours_and_jinjas(folder, source, markdown)
        assert _render_or_error(mine, values) == _render_or_error(theirs, values)
