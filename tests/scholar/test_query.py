"""The `--query` language (reference, `-q`/`--query`: `@type[field op value, …]`, `!@type`, `@*`)."""

from __future__ import annotations

import pytest

from mkdocs_scholar.scholar.errors import ScholarError
from mkdocs_scholar.scholar.query import MAX_PATTERN_LENGTH, compile_query

ARTICLE = {
    "author": "Finn, Chelsea and Abbeel, Pieter and Levine, Sergey",
    "title": "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
    "journal": "Nature Machine Intelligence",
    "year": "2017",
    "pages": "1126--1135",
}
OLD_BOOK = {"author": "Knuth, Donald", "title": "The Art of Computer Programming", "year": "999"}


def matches(query: str, entry_type: str = "article", fields: dict[str, str] | None = None) -> bool:
    return compile_query(query)(entry_type, ARTICLE if fields is None else fields)


# -- types --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry_type", ["article", "book", "inproceedings", "misc"])
def test_star_matches_every_type(entry_type):
    assert matches("@*", entry_type)


def test_type_selects_only_that_type():
    assert matches("@article", "article")
    assert not matches("@book", "article")


def test_type_match_ignores_case():
    assert matches("@Article", "article")
    assert matches("@article", "ARTICLE")


def test_negated_type_selects_every_other_type():
    assert matches("!@book", "article")
    assert not matches("!@book", "book")


def test_negated_star_matches_nothing():
    assert not matches("!@*", "article")


def test_negation_applies_to_the_type_not_the_conditions():
    # As in bibtex-ruby: `!@misc[year>=2017]` is "not a misc, and from 2017 on".
    assert matches("!@misc[year>=2017]", "article")
    assert not matches("!@misc[year>=2017]", "misc")
    assert not matches("!@misc[year>=2017]", "book", OLD_BOOK)


@pytest.mark.parametrize(
    "query", ["@book @article", "@book, @article", "@book || @article", "@book|@article"]
)
def test_several_type_groups_match_if_any_does(query):
    # bibtex-ruby scans every `@type[…]` group of the query and keeps the entry if any group matches.
    assert matches(query, "article")
    assert matches(query, "book")
    assert not matches(query, "misc")


def test_and_between_type_groups_needs_all_of_them():
    assert matches("@*[year>=2017] && !@misc", "article")
    assert not matches("@*[year>=2017] && !@misc", "misc")


def test_empty_query_matches_everything():
    # bibtex-ruby's `matches?` is true for an empty query.
    assert matches("")
    assert matches("   ")


def test_conditions_without_a_type_apply_to_every_type():
    assert matches("[year=2017]", "article")
    assert not matches("[year=2018]", "article")


def test_empty_condition_list_is_no_condition():
    assert matches("@article[]")


# -- operators ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("@*[year=2017]", True),
        ("@*[year=2018]", False),
        ("@*[journal=nature machine intelligence]", False),  # `=` is case-sensitive
        ("@*[year!=2018]", True),
        ("@*[year!=2017]", False),
        ("@*[year/=2018]", True),
        ("@*[year/=2017]", False),
        ("@*[title^=Model-Agnostic]", True),
        ("@*[title^=Meta]", False),
        ("@*[title~=Meta-Learn]", True),
        ("@*[title=~Meta-Learn]", True),
        ("@*[title~=^Deep]", False),
        ("@*[title!~^Deep]", True),
        ("@*[title!~Deep]", False),
        ("@*[year<2018]", True),
        ("@*[year<2017]", False),
        ("@*[year>2016]", True),
        ("@*[year>2017]", False),
        ("@*[year<=2017]", True),
        ("@*[year<=2016]", False),
        ("@*[year>=2017]", True),
        ("@*[year>=2018]", False),
    ],
)
def test_operator_compares_the_field(query, expected):
    assert matches(query) is expected


def test_numbers_compare_as_numbers():
    # As strings "999" >= "2017"; as numbers it is not, and years are what people compare.
    assert not matches("@*[year>=2017]", "book", OLD_BOOK)
    assert matches("@*[year<2017]", "book", OLD_BOOK)


def test_non_numbers_compare_as_strings():
    assert matches("@*[author<L]", "book", OLD_BOOK)
    assert not matches("@*[author>L]", "book", OLD_BOOK)


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("=", False),
        ("^=", False),
        ("~=", False),
        ("=~", False),
        ("<", False),
        (">", False),
        ("<=", False),
        (">=", False),
        ("!=", True),
        ("/=", True),
        ("!~", True),
    ],
)
def test_missing_field_fails_comparisons_except_the_negative_ones(op, expected):
    assert matches(f"@*[doi{op}10]") is expected


def test_bare_field_means_the_field_is_present():
    assert matches("@*[journal]")
    assert not matches("@*[doi]")


def test_field_names_ignore_case():
    # BibTeX field names are case-insensitive; a .bib may write `Year = …`.
    assert matches("@*[YEAR=2017]")
    assert matches("@*[year=2017]", fields={"Year": "2017"})


def test_regular_expression_is_searched_not_anchored():
    assert matches("@*[journal ~= Machine]")
    assert matches("@*[journal ~= 'Nature|Science']")


def test_starts_with_takes_its_value_literally():
    assert matches("@*[pages^=1126--]")
    assert not matches("@*[title^=M.del]")


# -- AND, OR and precedence -----------------------------------------------------------------------------


def test_comma_and_double_ampersand_both_mean_and():
    assert matches("@*[year=2017, journal~=Nature]")
    assert matches("@*[year=2017 && journal~=Nature]")
    assert not matches("@*[year=2017, journal~=Science]")
    assert not matches("@*[year=2017 && journal~=Science]")


def test_double_bar_means_or():
    assert matches("@*[year=2016 || year=2017]")
    assert not matches("@*[year=2015 || year=2016]")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # a || (b, c): true through `a` although c is false
        ("@*[year=2017 || journal~=Science, year=2017]", True),
        # (a, b) || c: false because neither side holds
        ("@*[year=2017, journal~=Science || year=2016]", False),
        # (a && b) || c: true through c
        ("@*[year=2016 && title || journal~=Nature]", True),
    ],
)
def test_and_binds_tighter_than_or(query, expected):
    assert matches(query) is expected


# -- values ---------------------------------------------------------------------------------------------


def test_unquoted_value_may_contain_spaces():
    assert matches("@*[journal = Nature Machine Intelligence]")
    assert matches("@*[journal=Nature Machine Intelligence , year=2017]")


@pytest.mark.parametrize("quote", ["'", '"'])
def test_quoted_value_may_contain_separators(quote):
    fields = {"title": "Rocks, Stones || Pebbles && [Sand]"}
    value = f"{quote}Rocks, Stones || Pebbles && [Sand]{quote}"
    assert matches(f"@*[title = {value}]", fields=fields)


def test_quoted_value_keeps_surrounding_spaces():
    assert matches("@*[title = ' padded ']", fields={"title": " padded "})
    assert not matches("@*[title = ' padded ']", fields={"title": "padded"})


def test_other_quote_character_may_appear_inside_a_quoted_value():
    assert matches('@*[publisher = "O\'Reilly"]', fields={"publisher": "O'Reilly"})


def test_regex_with_comma_works_when_quoted():
    assert matches("@*[year ~= '^[0-9]{2,4}$']")


# -- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "@",
        "!",
        "![year=2017]",
        "book",
        "@book[",
        "@book[year",
        "@book[year=2017",
        "@book[,]",
        "@book[year=2017,]",
        "@book[year=2017 ||]",
        "@*[year 2017]",
        "@*[1year=2]",
        "@*[title='unclosed]",
        "@*[title='a'b]",
        "@book junk",
        "@book,",
        "@book &&",
        "@book]",
        "@book-chapter",
        "@*[year ~= \\d{2,4}]",  # unquoted comma splits the regex: the second half is no condition
    ],
)
def test_syntax_error_raises_scholar_error(query):
    with pytest.raises(ScholarError) as caught:
        compile_query(query)
    assert caught.value.hint


def test_syntax_error_names_the_query():
    with pytest.raises(ScholarError, match=r"@book\["):
        compile_query("@book[")


@pytest.mark.parametrize("pattern", ["(", "[a-", "a{99999999999999999999}", "*", "(?<=a+)b", "x(?i)"])
def test_invalid_regular_expression_raises_scholar_error_naming_it(pattern):
    with pytest.raises(ScholarError, match="not a valid regular expression") as caught:
        compile_query(f"@*[title ~= '{pattern}']")
    assert repr(pattern) in caught.value.message


def test_overlong_regular_expression_is_refused():
    compile_query(f"@*[title ~= '{'a' * MAX_PATTERN_LENGTH}']")
    with pytest.raises(ScholarError, match="at most"):
        compile_query(f"@*[title ~= '{'a' * (MAX_PATTERN_LENGTH + 1)}']")


def test_long_patterns_are_only_limited_for_regex_operators():
    long_value = "x" * (MAX_PATTERN_LENGTH * 2)
    assert matches(f"@*[title = {long_value}]", fields={"title": long_value})


AWKWARD = [
    "@",
    "@@",
    "@*[",
    "@*]",
    "[]",
    "[[]]",
    "!!@book",
    "@*[a=b]]",
    "@*[=]",
    "@*[a==b]",
    "@*[a=!b]",
    "@*[a~=]",
    "@*[a!~]",
    "@*[a<]",
    "@*[a ~= \\]",
    "@*[a ~= '\\']",
    "@*[a ~= (a+)+$]",
    "\x00",
    "@\x00",
    "@*[\x00=\x00]",
    "@😀",
    "@*[é=ü]",
    "@*[a='\"]",
    "'",
    '"',
    "||",
    "&&",
    ",",
    "@* || || @book",
    "@* && && @book",
    "@*[a=1 |||| b=2]",
    "@*[a=1 &&& b=2]",
    "@" * 5000,
    "@*[" + "a=1," * 2000 + "]",
    "[" * 1000 + "]" * 1000,
    "(" * 300,
    "@*[t ~= '" + "(" * 300 + "']",
    "@book[year>=2017\n]",
    "\u2028@book\u3000@misc",
]


@pytest.mark.parametrize("query", AWKWARD)
def test_awkward_queries_raise_nothing_but_scholar_error(query):
    try:
        predicate = compile_query(query)
    except ScholarError:
        return
    for entry_type, fields in (("article", ARTICLE), ("book", {}), ("", {"a": "1", "é": "ü"})):
        assert predicate(entry_type, fields) in (True, False)
