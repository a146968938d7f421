"""The seed post, unchanged, through a real ``mkdocs build --strict``.

Expected citation texts and entry openings come from ../shared/reference/seed-expected.md (what
jekyll-scholar produced for the same post and .bib), adjusted only where the reference lists a defect we
fix: every key links to its own entry (defect 1), and IEEE labels are separated from the text (defect 6).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import EXAMPLE

SEED_POST = "blog/posts/2020-04-28-ICLR-2020.md"
FINN = "finnModelAgnosticMetaLearning2017"
NICHOL = "nicholFirstOrderMetaLearning2018"


def post_page(build):
    return build.find_page(r"iclr-2020.*(index)?\.html$")


def article(build):
    soup = build.soup(post_page(build))
    return soup, soup.select_one("article") or soup


def citation_paragraph(art):
    for p in art.find_all("p"):
        if "e.g. MAML" in p.get_text():
            return p
    raise AssertionError("the paragraph with the MAML citation is missing")


def resolve(build, page_path, href):
    """The file a relative link on ``page_path`` (a built .html file) points to."""
    page_url = page_path.relative_to(build.site).as_posix()
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), urlsplit(href).path))
    path = build.site / target
    return path / "index.html" if path.is_dir() else path


@pytest.fixture(scope="module")
def apa(tmp_path_factory):
    from tests.conftest import copy_site, run_mkdocs

    return run_mkdocs(copy_site(EXAMPLE, tmp_path_factory.mktemp("apa") / "site-src"))


@pytest.fixture(scope="module")
def ieee(tmp_path_factory):
    from tests.conftest import copy_site, run_mkdocs

    root = copy_site(EXAMPLE, tmp_path_factory.mktemp("ieee") / "site-src", scholar={"style": "ieee"})
    return run_mkdocs(root)


def test_the_seed_post_is_the_seed_byte_for_byte():
    from tests.conftest import SHARED

    seed = SHARED / "seeds" / "000_492e423565d1f113.txt"
    if not seed.exists():
        pytest.skip("../shared is not beside this clone")
    assert (EXAMPLE / "docs" / SEED_POST).read_bytes() == seed.read_bytes()


def test_seed_builds_strict_in_apa(apa):
    assert apa.returncode == 0, apa.log
    assert apa.warnings == []


def test_apa_citation_text_matches_jekyll_scholar(apa):
    _, art = article(apa)
    p = citation_paragraph(art)
    links = p.select("a.citation")
    # seed-expected.md:
    # (e.g. MAML <a class="citation" href="#finn…">(Finn et al., 2017; Nichol et al., 2018)</a>.
    text = re.sub(r"\s+", " ", p.get_text())
    assert "(e.g. MAML (Finn et al., 2017; Nichol et al., 2018)." in text
    assert [a["href"] for a in links] == [f"#{FINN}", f"#{NICHOL}"]


def test_every_cite_links_to_an_existing_id(apa, ieee):
    for build in (apa, ieee):
        soup, art = article(build)
        links = art.select("a.citation")
        assert links
        for a in links:
            assert soup.find(id=a["href"][1:]) is not None, a


def test_apa_bibliography_lists_the_cited_entries_in_citation_order(apa):
    _, art = article(apa)
    ol = art.select_one("ol.bibliography")
    items = ol.find_all("li", recursive=False)
    assert [li.span["id"] for li in items] == [FINN, NICHOL]
    # Opening words from seed-expected.md (apa).
    assert (
        items[0]
        .get_text()
        .startswith(
            "Finn, C., Abbeel, P., & Levine, S. (2017). "
            "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks."
        )
    )
    assert (
        items[1]
        .get_text()
        .startswith("Nichol, A., Achiam, J., & Schulman, J. (2018). On First-Order Meta-Learning Algorithms.")
    )


def test_ieee_citation_and_bibliography_numbers_agree(ieee):
    assert ieee.returncode == 0, ieee.log
    _, art = article(ieee)
    p = citation_paragraph(art)
    # seed-expected.md (ieee): … MAML <a class="citation" href="#finn…">[1], [2]</a>.
    assert "(e.g. MAML [1], [2]." in re.sub(r"\s+", " ", p.get_text())
    items = art.select_one("ol.bibliography").find_all("li", recursive=False)
    texts = [re.sub(r"\s+", " ", li.get_text()) for li in items]
    # The label stands apart from the text (jekyll-scholar glued them: "[1]C. Finn", defect 6).
    assert texts[0].startswith(
        "[1] C. Finn, P. Abbeel, and S. Levine, “Model-Agnostic Meta-Learning for Fast"
    )
    assert texts[1].startswith(
        "[2] A. Nichol, J. Achiam, and J. Schulman, “On First-Order Meta-Learning Algorithms"
    )


def test_image_from_site_url_resolves_to_the_built_file(apa):
    soup, art = article(apa)
    img = art.find("img", alt="drawing")
    assert img is not None
    assert not img["src"].startswith("/"), "a root-absolute src breaks under a deploy sub-path"
    target = resolve(apa, post_page(apa), img["src"])
    assert target.name == "neural_causal_induction.png" and target.is_file()


def test_math_is_marked_for_mathjax_and_survives_markdown(apa):
    soup, art = article(apa)
    maths = art.select(".arithmatex")
    assert len(maths) > 10
    joined = " ".join(m.get_text() for m in maths)
    assert r"p_{\theta}(x)" in joined
    assert r"\frac{\sum_y e^{f_{\theta}(x)[y]}}{Z(\theta)}" in joined
    # The loader that brings MathJax is on the page.
    assert any("mathjax-loader.js" in (s.get("src") or "") for s in soup.find_all("script"))


def test_no_liquid_is_left(apa):
    _, art = article(apa)
    text = art.get_text()
    assert "{%" not in text and "{{" not in text


def test_post_shows_in_blog_index_with_title_and_date(apa):
    index = apa.soup(apa.site / "blog" / "index.html")
    text = index.get_text()
    assert "ICLR 2020 impressions and paper highlights" in text
    # date: 2019-02-21 in the front matter wins over the file name's 2020-04-28.
    assert "February 21, 2019" in text
    assert apa.find_page(r"blog/2019/02/21/")


def test_post_shows_under_each_of_its_tags(apa):
    tags = apa.soup(apa.site / "tags" / "index.html").get_text()
    for tag in ("Machine learning", "Theory", "Conference", "ICLR"):
        assert tag in tags


@pytest.mark.parametrize("use_directory_urls", [True, False])
@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_seed_in_a_plain_site(tmp_path, style, use_directory_urls):
    """No blog plugin: the post is an ordinary page at blog/posts/…"""
    from tests.conftest import copy_site, run_mkdocs

    root = copy_site(
        EXAMPLE,
        tmp_path / "plain",
        use_directory_urls=use_directory_urls,
        scholar={"style": style},
        plugins=["search", {"scholar": {"style": style}}],
        nav=None,
        site_url="https://example.org/deep/sub/path/",
    )
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    page = build.find_page(r"2020-04-28-ICLR-2020")
    soup = build.soup(page)
    img = soup.find("img", alt="drawing")
    assert resolve(build, page, img["src"]).is_file()
    for a in soup.select("a.citation"):
        assert soup.find(id=a["href"][1:]) is not None
    assert soup.select(".arithmatex")


def test_seed_in_a_blog_without_directory_urls(tmp_path):
    from tests.conftest import copy_site, run_mkdocs

    build = run_mkdocs(copy_site(EXAMPLE, tmp_path / "flat", use_directory_urls=False))
    assert build.returncode == 0, build.log
    page = build.find_page(r"iclr-2020.*\.html$")
    img = build.soup(page).find("img", alt="drawing")
    assert resolve(build, page, img["src"]).is_file()
