"""Property tests (hypothesis): whatever a page, a tag's markup or a query holds, nothing raises except the
one documented error, and nothing the page says is lost.

- ``parse_markup`` returns TagOptions or raises ScholarError (a bad option value), nothing else;
- ``compile_query`` returns a predicate that never raises on an entry, or raises ScholarError;
- ``render_page`` on random Liquid/Markdown soup never raises, never reports an internal error, and keeps
  the words written outside tags.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
from mkdocs_scholar.scholar.errors import ScholarError
from mkdocs_scholar.scholar.options import TagOptions, parse_markup
from mkdocs_scholar.scholar.query import compile_query
from mkdocs_scholar.scholar.settings import ScholarSettings

SITE = Path(__file__).resolve().parent / "bad_inputs" / "site"
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OPTION_WORDS = [
    "-c", "--cited", "-C", "--cited_in_order", "--clear", "-r", "--remove_duplicates", "-A",
    "--suppress_author", "-f", "--file", "-q", "--query", "-h", "--bibliography_list_tag", "-p",
    "--prefix", "-t", "--text", "-l", "--locator", "-L", "--label", "-o", "--offset", "-m", "--max",
    "-s", "--style", "-g", "--group_by", "-G", "--group_order", "-O", "--type_order", "-T",
    "--template", "--", "-", "--=", "-x", "--nosuch",
]  # fmt: skip
WORDS = st.one_of(
    st.sampled_from(OPTION_WORDS),
    st.sampled_from(["good2008", "'a b'", '"x"', "{{ k }}", "12", "-5", "sec. 8.2", "=", "'", '"']),
    st.text(min_size=1, max_size=12),
)


@PROFILE
@given(st.lists(WORDS, max_size=12).map(" ".join))
def test_option_parser_returns_options_or_a_scholar_error(markup: str):
    try:
        opts = parse_markup(markup)
    except ScholarError as err:
        assert err.message
        return
    assert isinstance(opts, TagOptions)
    assert all(isinstance(k, str) and k and not k.startswith("-") for k in opts.keys)
    assert opts.offset is None or opts.offset >= 0
    assert opts.max is None or opts.max >= 0


QUERY_PIECES = st.one_of(
    st.sampled_from(
        ["@", "@*", "@article", "!@misc", "[", "]", "year", "title", ">=", "<", "=", "!=", "~=", "^=",
         "/=", "=~", "!~", ",", "&&", "||", "2017", "'a|b'", '"x"', "(", ")", " ", "*", "\\"]
    ),
    st.text(max_size=6),
)  # fmt: skip
ENTRIES = [
    ("article", {"year": "2017", "title": "A title", "journal": "Nature"}),
    ("misc", {}),
    ("book", {"year": "n.d.", "title": "", "author": "Doe, J."}),
]


@PROFILE
@given(st.lists(QUERY_PIECES, max_size=14).map("".join))
def test_query_compiles_to_a_predicate_that_never_raises_or_is_a_scholar_error(source: str):
    try:
        match = compile_query(source)
    except ScholarError as err:
        assert err.message
        return
    for kind, fields in ENTRIES:
        assert match(kind, fields) in (True, False)


# Liquid and Markdown pieces; words of plain text are tagged so the test can find them again.
SOUP = st.one_of(
    st.sampled_from(
        ["{%", "%}", "{{", "}}", "{% if x %}", "{% endif %}", "{% else %}", "{% for i in (1..3) %}",
         "{% endfor %}", "{% raw %}", "{% endraw %}", "{% comment %}", "{% endcomment %}",
         "{% cite good2008 %}", "{% cite nosuch -l 3 %}", "{% bibliography --cited %}",
         "{% reference other2019 %}",
         "{% quote good2008 %}", "{% endquote %}", "{% bibtex %}", "{% endbibtex %}", "@misc{k, title={T}}",
         "{% include hello.html name='x' %}", "{% include self.html %}", "{% assign x = 1 %}",
         "{% capture c %}", "{% endcapture %}", "{{ x | upcase }}", "{{ page.title }}", "{{ site.url }}",
         "{% unknown %}", "{% case x %}", "{% when 1 %}", "{% endcase %}", "{% liquid echo 1 %}",
         "<% cite good2008 %>", "<< site.url >>", "% }", "{%-", "-%}", "|", "'", '"', "\n", "\n\n", "$",
         "\ue100", "\ue200", "\ufdd0"]
    ),
    st.text(alphabet="{}%<>-|'\"x \n", max_size=5),
)  # fmt: skip


@pytest.fixture(scope="module")
def build() -> BuildState:
    return BuildState(SiteFacts(root=SITE), ScholarSettings())


@PROFILE
@given(st.lists(st.one_of(SOUP, st.integers(0, 999).map(lambda n: f" word{n} ")), max_size=25))
def test_random_tag_soup_renders_without_an_exception(build: BuildState, pieces: list[str]):
    source = "".join(pieces)
    result = render_page(source, PageInput("blog/posts/2021-01-01-soup.md", "blog/soup/"), build)
    said = [str(p) for p in result.problems + build.take_problems()]
    assert isinstance(result.markdown, str)
    assert not any("internal error" in s for s in said), said
    if not said:
        # A page rendered without a problem keeps every plain word that is outside any tag or block.
        outside = re.sub(r"\{[%{].*?[%}]\}", "", source, flags=re.S)
        if not re.search(r"\{%|\{\{|<%|<<|\ue100|\ue200", source):
            for word in re.findall(r"word\d+", outside):
                assert word in result.markdown
