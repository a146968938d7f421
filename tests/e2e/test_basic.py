"""A small fixture blog of our own (tests/sites/basic): Liquid, citations, front matter, math, warnings."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.conftest import SITES, copy_site, run_mkdocs

BASIC = SITES / "basic"


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    build = run_mkdocs(copy_site(BASIC, tmp_path_factory.mktemp("basic") / "site-src"))
    assert build.returncode == 0, build.log
    return build


def add_post(root, name, text):
    (root / "docs" / "blog" / "posts" / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_builds_strict_without_warnings(basic):
    assert basic.warnings == []


def test_date_comes_from_the_file_name_when_front_matter_has_none(basic):
    assert basic.find_page(r"blog/2021/03/04/citing-two-papers/")


def test_date_with_time_and_numeric_offset_is_read(basic):
    assert basic.find_page(r"blog/2021/05/06/a-post-about-money/")


def test_space_separated_tags_become_tags(basic):
    tags = basic.soup(basic.site / "tags" / "index.html").get_text()
    assert "meta-learning" in tags and "optimisation" in tags and "money" in tags


def test_each_key_of_a_multi_key_cite_links_its_own_entry(basic):
    soup = basic.soup(basic.find_page(r"citing-two-papers/index.html"))
    p = next(p for p in soup.find_all("p") if "first-order variant" in p.get_text())
    hrefs = [a["href"] for a in p.select("a.citation")]
    # the first cite has one key, the second two, written nichol first: each links its own entry
    assert hrefs == [
        "#finnModelAgnosticMetaLearning2017",
        "#nicholFirstOrderMetaLearning2018",
        "#finnModelAgnosticMetaLearning2017",
    ]
    assert "(Nichol et al., 2018; Finn et al., 2017)" in p.get_text()


def test_every_site_url_spelling_reaches_the_image(basic):
    page = basic.find_page(r"citing-two-papers/index.html")
    soup = basic.soup(page)
    srcs = [img["src"] for img in soup.find_all("img") if "dot.png" in img["src"]]
    assert len(srcs) == 4  # ![](site.url), site.baseurl, site.url+site.baseurl, relative_url
    for src in srcs:
        target = (page.parent / src).resolve()
        assert target == (basic.site / "assets" / "img" / "dot.png").resolve(), src


def test_raw_keeps_liquid_as_text(basic):
    soup = basic.soup(basic.find_page(r"citing-two-papers/index.html"))
    assert "Liquid shown as text: {{ page.title }} and {% cite x %}" in soup.get_text()


def test_alternative_tag_spelling_cites(basic):
    soup = basic.soup(basic.find_page(r"citing-two-papers/index.html"))
    p = next(p for p in soup.find_all("p") if "Alternative spelling" in p.get_text())
    assert p.select_one("a.citation")["href"] == "#nicholFirstOrderMetaLearning2018"
    assert "<%" not in p.get_text() and "<<" not in p.get_text()
    # << site.url >> in running text is the page's way up to the site root.
    assert p.get_text().endswith("and ../../../../../assets/img/dot.png")


def test_math_only_where_the_page_asks(basic):
    math_page = basic.soup(basic.find_page(r"citing-two-papers/index.html"))
    assert math_page.select("span.arithmatex") and math_page.select("div.arithmatex")
    money = basic.soup(basic.find_page(r"a-post-about-money/index.html"))
    assert not money.select(".arithmatex")
    assert "It cost $5 and $10 at the time, $x$ is not math here." in money.get_text()
    home = basic.soup(basic.site / "index.html")
    assert "$5 and $10 to $20" in home.get_text()


def test_math_everywhere_when_the_site_says_so(tmp_path):
    build = run_mkdocs(copy_site(BASIC, tmp_path / "s", scholar={"math": "always"}))
    money = build.soup(build.find_page(r"a-post-about-money/index.html"))
    assert money.select(".arithmatex")


def test_missing_key_warns_with_page_and_line_and_strict_fails(tmp_path):
    root = copy_site(BASIC, tmp_path / "s")
    add_post(
        root,
        "2021-06-01-missing.md",
        """
        ---
        title: Missing
        ---

        First line.

        See {% cite nosuchkey2020 %} here.
        """,
    )
    strict = run_mkdocs(root)
    assert strict.returncode != 0
    lax = run_mkdocs(root, strict=False)
    assert lax.returncode == 0
    # line 7 of the file: 3 lines of front matter, a blank line, "First line.", a blank line, the cite.
    assert any(
        "blog/posts/2021-06-01-missing.md:7:" in w and "nosuchkey2020" in w and "references.bib" in w
        for w in lax.warnings
    ), lax.warnings
    soup = lax.soup(lax.find_page(r"missing/index.html"))
    assert "See (missing reference) here." in soup.get_text()


def test_liquid_syntax_error_is_a_warning_and_the_page_builds(tmp_path):
    root = copy_site(BASIC, tmp_path / "s")
    add_post(
        root,
        "2021-06-02-broken.md",
        """
        ---
        title: Broken
        ---

        Fine text.
        {% frobnicate now %}
        {{ page.title | }}
        After.
        """,
    )
    build = run_mkdocs(root, strict=False)
    assert build.returncode == 0, build.log
    assert any("2021-06-02-broken.md:6:" in w and "frobnicate" in w for w in build.warnings), build.warnings
    assert any("2021-06-02-broken.md:7:" in w for w in build.warnings), build.warnings
    text = build.soup(build.find_page(r"broken/index.html")).get_text()
    assert "Fine text." in text and "After." in text


def test_published_false_is_a_draft(tmp_path):
    root = copy_site(BASIC, tmp_path / "s")
    add_post(
        root,
        "2021-06-03-hidden.md",
        """
        ---
        title: Hidden post
        published: false
        ---

        Not yet.
        """,
    )
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    assert not list(build.site.rglob("*hidden-post*"))


def test_unknown_scholar_key_is_a_warning_not_a_crash(tmp_path):
    build = run_mkdocs(copy_site(BASIC, tmp_path / "s", scholar={"last_name": "Doe"}), strict=False)
    assert build.returncode == 0, build.log
    assert any("last_name" in w for w in build.warnings)


def test_bibliography_lists_ids_once_per_page(basic):
    soup = basic.soup(basic.find_page(r"citing-two-papers/index.html"))
    ids = [el["id"] for el in soup.select("ol.bibliography [id]")]
    assert ids == ["finnModelAgnosticMetaLearning2017", "nicholFirstOrderMetaLearning2018"]
    assert len(set(i for i in (el.get("id") for el in soup.find_all(True)) if i)) == len(
        [i for i in (el.get("id") for el in soup.find_all(True)) if i]
    )


def test_page_text_has_no_placeholder_characters(basic):
    for page in basic.site.rglob("*.html"):
        assert not re.search("[\ue000-\ue1ff]", page.read_text(encoding="utf-8")), page


def test_citations_in_an_excerpt_link_to_the_post_with_the_posts_numbers(tmp_path):
    root = copy_site(BASIC, tmp_path / "s", scholar={"style": "ieee"})
    add_post(
        root,
        "2021-07-01-excerpt.md",
        """
        ---
        title: With an excerpt
        ---

        Before the fold {% cite nicholFirstOrderMetaLearning2018 %} and {% cite flanagan2008ruby %}.

        <!-- more -->

        After the fold {% cite flanagan2008ruby %}.

        {% bibliography --cited %}
        """,
    )
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    post = build.soup(build.find_page(r"with-an-excerpt/index.html"))
    post_links = [(a["href"], a.get_text()) for a in post.select("article a.citation")]
    assert post_links[:2] == [("#nicholFirstOrderMetaLearning2018", "[1]"), ("#flanagan2008ruby", "[2]")]
    index = build.soup(build.site / "blog" / "index.html")
    excerpt = next(e for e in index.select("article.md-post--excerpt") if "Before the fold" in e.get_text())
    links = [(a["href"], a.get_text()) for a in excerpt.select("a.citation")]
    # the same numbers as on the post, each pointing at the post's entry
    assert links == [
        ("2021/07/01/with-an-excerpt/#nicholFirstOrderMetaLearning2018", "[1]"),
        ("2021/07/01/with-an-excerpt/#flanagan2008ruby", "[2]"),
    ]
