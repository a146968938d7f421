"""Jekyll quirks seen in the real posts of ../shared/corpus, reproduced in a fixture of our own
(tests/sites/quirks): date forms, tag and category forms, theme keys, math flags, includes, a CSL file with
a byte-order mark, `--style NAME`, missing layouts, `% }`, tags split over lines."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SITES, copy_site, run_mkdocs


@pytest.fixture(scope="module")
def quirks(tmp_path_factory):
    build = run_mkdocs(copy_site(SITES / "quirks", tmp_path_factory.mktemp("q") / "site-src"), strict=False)
    assert build.returncode == 0, build.log
    assert "Traceback" not in build.log
    return build


def page(build, pattern):
    return build.soup(build.find_page(pattern))


def warned(build, *parts):
    return any(all(p in w for p in parts) for w in build.warnings)


@pytest.mark.parametrize(
    "url",
    [
        "blog/2017/07/17/a-date-with-a-positive-offset/",  # 2017-07-17 12:00:00 +0900
        "blog/2023/07/01/a-date-with-a-negative-offset/",  # 2023-07-01 15:53:00-0400
        "blog/2015/09/13/front-matter-date-wins/",  # file 2015-9-15-…, front matter 2015-09-13
        "blog/2016/09/19/no-date-but-the-file-names/",  # only the file name has a date
    ],
)
def test_jekyll_date_forms_give_the_post_its_date(quirks, url):
    assert (quirks.site / url / "index.html").is_file()


def test_categories_as_a_word_a_list_and_category(quirks):
    # Material's blog makes a page per category.
    for name in ("all", "science", "programming", "paper"):
        assert (quirks.site / "blog" / "category" / name / "index.html").is_file(), name


def test_tags_as_a_string_become_separate_tags(quirks):
    tags = quirks.soup(quirks.site / "tags" / "index.html").get_text()
    for tag in ("alpha", "beta", "gamma", "trees", "graphs", "coding", "sparse"):
        assert tag in tags


def test_theme_keys_are_harmless_and_html_author_is_not_rendered_raw(quirks):
    soup = page(quirks, r"no-date-but-the-file-names/index.html")
    assert soup.select_one("article h1").get_text(strip=True) == "No date but the file name's"
    assert not soup.select("a.author-name")


def test_math_flags_as_themes_spell_them(quirks):
    assert page(quirks, r"a-date-with-a-positive-offset/").select(".arithmatex")  # math: true
    assert page(quirks, r"tags-split-over-lines/").select(".arithmatex")  # use_math: true
    options = page(quirks, r"options-and-an-include/")  # mathjax: false
    assert not options.select(".arithmatex") and "It costs $5 and $10." in options.get_text()
    assert not page(quirks, r"a-date-with-a-negative-offset/").select(".arithmatex")  # no flag


def test_quote_with_a_cite_inside(quirks):
    bq = page(quirks, r"a-date-with-a-positive-offset/").find("blockquote")
    assert bq.select_one("p a.citation")["href"] == "#beta2018"
    assert bq.select_one("cite a.citation")["href"] == "#alpha2017"
    assert bq.find("br") is not None  # a single newline in the quote body is a line break


def test_reference_inside_an_html_comment_does_not_break_the_page(quirks):
    soup = page(quirks, r"a-date-with-a-negative-offset/")
    assert [li.span["id"] for li in soup.select("ol.bibliography > li")] == ["alpha2017", "beta2018"]


def test_options_suppress_author_locators_and_several_keys(quirks):
    soup = page(quirks, r"options-and-an-include/")
    text = re.sub(r"\s+", " ", soup.select_one("article").get_text())
    # -A: APA puts the title where the author was; -l 5: page 5
    assert "(“Sparse Codes in a Small World”, 2001, p. 5)" in text
    # -l sec. 8.2 names its own label
    assert re.search(r"\(Roe, 1999, (sec\.|Section) 8\.2\)", text)
    assert "(Doe et al., 2001; Poe & Doe, 2010)" in text
    assert "no space before the end (Poe & Doe, 2010)" in text


def test_tag_closed_with_a_typo_is_repaired_and_reported(quirks):
    text = page(quirks, r"options-and-an-include/").select_one("article").get_text()
    assert "% }" not in text and "{%" not in text
    assert "(Roe, 1999, p. 3)) and the text goes on (Poe & Doe, 2010)" in re.sub(r"\s+", " ", text)
    assert warned(quirks, "2024-07-15-options.md:12:", "closed with '% }'")


def test_bibliography_from_an_include(quirks):
    soup = page(quirks, r"options-and-an-include/")
    lists = soup.select("ol.bibliography")
    assert len(lists) == 2
    # sort_by: year, order: descending (the pasted scholar: block)
    assert [li.span["id"] for li in lists[0].select("li")] == ["poe2010", "doe2001", "roe1999"]
    # the second list repeats the keys: ids stay unique
    ids = [el["id"] for el in soup.select("ol.bibliography [id]")]
    assert len(ids) == len(set(ids)) == 6
    assert warned(quirks, "_includes/footer.markdown:5:", "'also-missing' not found")


def test_style_with_a_byte_order_mark_and_style_by_name(quirks):
    assert not warned(quirks, "style")
    soup = page(quirks, r"no-date-but-the-file-names/")
    assert soup.select_one("a.citation[href='#alpha2017']").get_text() == "(Alpha, 2017)"


def test_cite_split_over_two_lines(quirks):
    soup = page(quirks, r"tags-split-over-lines/")
    assert {a["href"] for a in soup.select("a.citation")} == {"#alpha2017", "#beta2018"}
    # {% bibliography --file extra %}: the whole file
    assert len(soup.select("ol.bibliography > li")) == 3


def test_missing_layouts_and_unknown_keys_warn(quirks):
    assert warned(quirks, "last_name") and warned(quirks, "first_name")
    assert warned(quirks, "2023-07-01-negative-offset.md:19:", "'not-copied' not found")
    # the configured bibliography_template: said once, for mkdocs.yml
    assert sum("'bibtmpl' not found" in w for w in quirks.warnings) == 1
    assert warned(quirks, "mkdocs.yml", "'bibtmpl' not found")
