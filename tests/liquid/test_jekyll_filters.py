"""Jekyll's filters as Liquid sees them (mkdocs_scholar.liquid.filters). Expected values are the examples
in the doc comments of Jekyll's lib/jekyll/filters.rb, filters/date_filters.rb and utils.rb (`slugify`), or
follow from the data with the reason in a comment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mkdocs_scholar.liquid.environment import JekyllEnvironment, PageFacts

POSTS = [
    {"title": "Alpha", "tags": ["ml", "theory"], "date": dt.datetime(2020, 4, 28), "year": 2020},
    {"title": "Beta", "tags": ["notes"], "date": dt.date(2019, 2, 21), "year": 2019},
    {"title": "Gamma", "tags": ["ml"], "year": 2020},  # no date
]


def render(source: str, **variables) -> tuple[str, list]:
    env = JekyllEnvironment(root=Path("."))
    facts = PageFacts(path="page.md")
    return env.render_page(source, facts, variables), facts.problems


def out(source: str, **variables) -> str:
    text, problems = render(source, **variables)
    assert problems == []
    return text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ d | date_to_string }}", "27 Jan 2011"),
        ('{{ d | date_to_string: "ordinal" }}', "27th Jan 2011"),
        ('{{ d | date_to_string: "ordinal", "US" }}', "Jan 27th, 2011"),
        ("{{ d | date_to_long_string }}", "27 January 2011"),
        ('{{ d | date_to_long_string: "ordinal" }}', "27th January 2011"),
        ('{{ d | date_to_long_string: "ordinal", "US" }}', "January 27th, 2011"),
    ],
)
def test_date_to_string_forms(source, expected):
    assert out(source, d=dt.datetime(2011, 1, 27)) == expected


def test_ordinals_of_the_teens_are_th():
    assert out('{{ d | date_to_string: "ordinal" }}', d=dt.date(2011, 1, 12)) == "12th Jan 2011"
    assert out('{{ d | date_to_string: "ordinal" }}', d=dt.date(2011, 1, 22)) == "22nd Jan 2011"


def test_date_to_xmlschema_and_rfc822():
    eight = dt.timezone(dt.timedelta(hours=8))
    assert out("{{ d | date_to_xmlschema }}", d=dt.datetime(2011, 4, 24, 20, 34, 46, tzinfo=eight)) == (
        "2011-04-24T20:34:46+08:00"
    )
    # A date without an offset is the site's time, UTC here: Ruby writes the offset all the same.
    assert (
        out("{{ d | date_to_xmlschema }}", d=dt.datetime(2011, 4, 24, 20, 34, 46))
        == "2011-04-24T20:34:46+00:00"
    )
    assert (
        out("{{ d | date_to_rfc822 }}", d=dt.datetime(2011, 4, 24, 12, 34, 46))
        == "Sun, 24 Apr 2011 12:34:46 +0000"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("""{{ 'foo "bar" <baz>' | xml_escape }}""", "foo &quot;bar&quot; &lt;baz&gt;"),
        ("{{ 'foo,bar;baz?' | cgi_escape }}", "foo%2Cbar%3Bbaz%3F"),
        ("{{ 'foo, bar \\baz?' | uri_escape }}", "foo,%20bar%20%5Cbaz?"),
        ("{{ 'The _config.yml file' | slugify }}", "the-config-yml-file"),
        ("{{ 'The _config.yml file' | slugify: 'pretty' }}", "the-_config.yml-file"),
        ("{{ 'The _config.yml file' | slugify: 'ascii' }}", "the-config-yml-file"),
        ("{{ a | array_to_sentence_string }}", "apples, oranges, and grapes"),
        ("{{ a | array_to_sentence_string: 'or' }}", "apples, oranges, or grapes"),
        ("{{ '  a \n b\tc ' | normalize_whitespace }}", "a b c"),
        ("{{ 'one two  three' | number_of_words }}", "3"),
        ("{{ a | jsonify }}", '["apples", "oranges", "grapes"]'),
    ],
)
def test_text_filters(source, expected):
    assert out(source, a=["apples", "oranges", "grapes"]) == expected


def test_where_matches_a_value_or_a_member_of_a_list():
    # Jekyll compares as text and looks inside array properties: "ml" is in Alpha's and Gamma's tags.
    assert out('{{ posts | where: "tags", "ml" | map: "title" | join: "," }}', posts=POSTS) == "Alpha,Gamma"
    assert out('{{ posts | where: "year", "2020" | map: "title" | join: "," }}', posts=POSTS) == "Alpha,Gamma"


def test_where_exp_evaluates_a_liquid_condition_per_item():
    condition = "p.year < 2020 or p.tags contains 'theory'"
    source = '{{ posts | where_exp: "p", "' + condition + '" | map: "title" | join: "," }}'
    assert out(source, posts=POSTS) == "Alpha,Beta"


def test_find_exp_gives_the_first_match():
    assert (
        out("""{% assign p = posts | find_exp: "p", "p.year == 2020" %}{{ p.title }}""", posts=POSTS)
        == "Alpha"
    )


def test_sort_by_a_property_puts_items_without_it_first_unless_told_last():
    # Jekyll's `sort: prop` defaults to nils "first"; dates and datetimes sort together.
    assert out('{{ posts | sort: "date" | map: "title" | join: "," }}', posts=POSTS) == "Gamma,Beta,Alpha"
    assert (
        out('{{ posts | sort: "date", "last" | map: "title" | join: "," }}', posts=POSTS)
        == "Beta,Alpha,Gamma"
    )


def test_group_by_and_group_by_exp():
    source = (
        '{% assign gs = posts | group_by: "year" %}{% for g in gs %}{{ g.name }}:{{ g.size }};{% endfor %}'
    )
    assert out(source, posts=POSTS) == "2020:2;2019:1;"
    source = (
        '{% assign groups = posts | group_by_exp: "p", "p.title | slice: 0" %}'
        "{% for g in groups %}{{ g.name }}={{ g.items | map: 'title' | join: '+' }};{% endfor %}"
    )
    assert out(source, posts=POSTS) == "A=Alpha;B=Beta;G=Gamma;"


def test_where_exp_with_a_broken_condition_is_a_problem_not_a_crash():
    text, problems = render('{{ posts | where_exp: "p", "p.year ==" | size }}', posts=POSTS)
    assert problems and "Liquid" in problems[0].message


def test_site_tags_loop_yields_name_and_posts():
    tags = {"ml": POSTS[:1], "notes": POSTS[1:2]}
    source = "{% for tag in site.tags %}{{ tag[0] }}({{ tag[1].size }}){% endfor %}"
    assert out(source, site={"tags": tags}) == "ml(1)notes(1)"
