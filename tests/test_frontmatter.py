"""Unit tests of the front matter translation (pure: no MkDocs)."""

from __future__ import annotations

import datetime as dt

import yaml

from mkdocs_scholar.frontmatter import (
    date_from_filename,
    parse_date,
    split_front_matter,
    translate,
    wants_math,
)


def meta_of(result):
    head, _, _ = split_front_matter(result.text)
    return yaml.safe_load(head)


def test_date_only_in_the_file_name_is_used():
    result = translate("---\ntitle: T\n---\nBody\n", "blog/posts/2020-04-28-ICLR-2020.md", is_post=True)
    assert meta_of(result)["date"] == dt.datetime(2020, 4, 28)


def test_unpadded_file_name_date():
    assert date_from_filename("2015-9-15-sparse-filtering.md") == dt.datetime(2015, 9, 15)


def test_front_matter_date_wins_over_the_file_name():
    result = translate("---\ndate: 2019-02-21\n---\n", "2020-04-28-x.md")
    assert result.meta["date"] == dt.date(2019, 2, 21)
    assert result.text is None  # nothing to change: MkDocs reads the file as it is


def test_dates_with_a_time_and_an_offset_keep_the_local_time():
    # YAML leaves "+0900" (no colon) a string; Jekyll reads it as a time with an offset.
    assert parse_date("2017-07-17 12:00:00 +0900") == dt.datetime(2017, 7, 17, 12, 0, 0)
    assert parse_date("2023-07-01 15:53:00-0400") == dt.datetime(2023, 7, 1, 15, 53)
    result = translate("---\ndate: 2017-07-17 12:00:00 +0900\n---\n", "x.md")
    assert meta_of(result)["date"] == dt.datetime(2017, 7, 17, 12, 0)


def test_a_date_that_is_not_one_is_reported_with_its_line():
    result = translate("---\ntitle: T\ndate: yesterday\n---\n", "2020-01-02-x.md")
    assert result.meta["date"] == dt.datetime(2020, 1, 2)
    assert [(p.line, "yesterday" in p.message) for p in result.problems] == [(3, True)]


def test_tags_and_categories_as_strings_become_lists():
    result = translate("---\ntags: a b  c\ncategories: Science\ncategory: machine learning\n---\n", "x.md")
    assert result.meta["tags"] == ["a", "b", "c"]
    # `category` is one category, spaces included
    assert result.meta["categories"] == ["Science", "machine learning"]


def test_a_number_as_tags_is_read_as_text_with_a_warning():
    result = translate("---\ntags: 5\n---\n", "x.md")
    assert result.meta["tags"] == ["5"] and result.problems


def test_published_false_is_a_draft():
    result = translate("---\npublished: false\n---\n", "x.md")
    assert result.draft and result.meta["draft"] is True


def test_keys_material_validates_are_made_to_fit():
    result = translate("---\nauthors: Jane Doe\nslug: 12\nlinks: {a: b}\n---\n", "x.md")
    assert result.meta["authors"] == ["Jane Doe"]
    assert "slug" not in result.meta and result.meta["jekyll_slug"] == 12
    assert "links" not in result.meta


def test_body_line_counts_the_front_matter_and_blank_lines():
    _, body, line = split_front_matter("---\na: 1\nb: 2\n---\n\n\nBody\n")
    assert body == "Body\n" and line == 7


def test_invalid_yaml_is_a_problem_not_an_exception():
    result = translate("---\ntitle: [unclosed\n---\nBody\n", "x.md")
    assert result.problems and "YAML" in result.problems[0].message


def test_math_flags_as_themes_spell_them():
    assert wants_math({"use_math": True}) and wants_math({"math": "true"}) and wants_math({"mathjax": True})
    assert not wants_math({"mathjax": False}) and not wants_math({})
    assert wants_math({"mathjax": False}, "always") and not wants_math({"use_math": True}, "never")
