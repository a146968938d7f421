"""The same posts on the three generators: MkDocs 1.6 and ProperDocs run the plugin as it is, Zensical runs
the Markdown extension ``mkdocs_scholar.extension`` (the example site's zensical.toml). Each is a real
build, checked with BeautifulSoup like tests/e2e/test_seed.py.

Expected citation texts and entry openings are the ones test_seed.py takes from
../shared/reference/seed-expected.md (what jekyll-scholar produced for the seed post), with the two defects
we fix (every key links its own entry; IEEE labels stand apart). Beyond them, each generator's post must
give exactly what ``mkdocs build`` gives: the same citation text, bibliography entries and math.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, SITES, Build, copy_site, run_mkdocs
from tests.e2e.test_seed import FINN, NICHOL, article, citation_paragraph, post_page, resolve

BASIC = SITES / "basic"


def installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


needs_properdocs = pytest.mark.skipif(
    not installed("properdocs"), reason="properdocs is in the test extra: pip install -e '.[test]'"
)
needs_zensical = pytest.mark.skipif(
    not installed("zensical"), reason="zensical (Python 3.11+) is in the test extra: pip install -e '.[test]'"
)


def run_zensical(root: Path, *, strict: bool = True) -> Build:
    """``zensical build`` in ``root`` (it reads zensical.toml, else mkdocs.yml), into root/site."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    args = [sys.executable, "-m", "zensical", "build", "--clean"]
    if strict:
        args.append("--strict")
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    return Build(root, proc.returncode, proc.stdout + proc.stderr)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_output(build: Build) -> dict:
    """What the seed post shows a reader: citation text and links, bibliography entries, math."""
    _, art = article(build)
    p = citation_paragraph(art)
    items = art.select_one("ol.bibliography").find_all("li", recursive=False)
    return {
        "citation": squash(p.get_text()),
        "citation links": [a["href"] for a in p.select("a.citation")],
        # the entry itself (the plugin adds reader extras after it; the Zensical extension does not)
        "bibliography": [(li.span["id"], squash(li.span.get_text())) for li in items],
        "math": [m.get_text() for m in art.select(".arithmatex")],
    }


@pytest.fixture(scope="module")
def mkdocs_seed(tmp_path_factory):
    return run_mkdocs(copy_site(EXAMPLE, tmp_path_factory.mktemp("mkdocs") / "site-src"), command="mkdocs")


@pytest.fixture(scope="module")
def properdocs_seed(tmp_path_factory):
    root = copy_site(EXAMPLE, tmp_path_factory.mktemp("properdocs") / "site-src")
    return run_mkdocs(root, command="properdocs")


@pytest.fixture(scope="module")
def zensical_seed(tmp_path_factory):
    return run_zensical(copy_site(EXAMPLE, tmp_path_factory.mktemp("zensical") / "site-src"))


# -- ProperDocs: the plugin, unchanged ------------------------------------------------------------
@needs_properdocs
def test_properdocs_builds_the_example_site_strict_without_warnings(properdocs_seed):
    assert properdocs_seed.returncode == 0, properdocs_seed.log
    assert properdocs_seed.warnings == []
    # ProperDocs built it (it says so about the legacy config name), not MkDocs under another name.
    assert "properdocs.yml" in properdocs_seed.log


@needs_properdocs
def test_properdocs_gives_the_seed_post_mkdocs_gives(properdocs_seed, mkdocs_seed):
    assert seed_output(properdocs_seed) == seed_output(mkdocs_seed)


@needs_properdocs
def test_properdocs_seed_image_and_blog(properdocs_seed):
    _, art = article(properdocs_seed)
    img = art.find("img", alt="drawing")
    assert resolve(properdocs_seed, post_page(properdocs_seed), img["src"]).is_file()
    index = properdocs_seed.soup(properdocs_seed.site / "blog" / "index.html").get_text()
    assert "ICLR 2020 impressions and paper highlights" in index and "February 21, 2019" in index


@needs_properdocs
def test_properdocs_builds_the_basic_fixture(tmp_path):
    build = run_mkdocs(copy_site(BASIC, tmp_path / "s"), command="properdocs")
    assert build.returncode == 0, build.log
    assert build.warnings == []
    # Jekyll front matter is translated before Material's blog reads it: date from the file name, tags string.
    page = build.find_page(r"blog/2021/03/04/citing-two-papers/index.html")
    soup = build.soup(page)
    p = next(p for p in soup.find_all("p") if "first-order variant" in p.get_text())
    assert [a["href"] for a in p.select("a.citation")] == [f"#{FINN}", f"#{NICHOL}", f"#{FINN}"]
    srcs = [img["src"] for img in soup.find_all("img") if "dot.png" in img["src"]]
    assert len(srcs) == 4
    assert all(resolve(build, page, src) == build.site / "assets" / "img" / "dot.png" for src in srcs)
    assert "meta-learning" in build.soup(build.site / "tags" / "index.html").get_text()


@needs_properdocs
def test_properdocs_missing_key_warns_with_page_and_line_and_strict_fails(tmp_path):
    root = copy_site(BASIC, tmp_path / "s")
    (root / "docs" / "blog" / "posts" / "2021-06-01-missing.md").write_text(
        "---\ntitle: Missing\n---\n\nSee {% cite nosuchkey2020 %} here.\n", encoding="utf-8"
    )
    assert run_mkdocs(root, command="properdocs").returncode != 0
    lax = run_mkdocs(root, strict=False, command="properdocs")
    assert any("blog/posts/2021-06-01-missing.md:5:" in w and "nosuchkey2020" in w for w in lax.warnings)


# -- Zensical: the Markdown extension -------------------------------------------------------------
@needs_zensical
def test_zensical_builds_the_example_site_strict_without_warnings(zensical_seed):
    assert zensical_seed.returncode == 0, zensical_seed.log
    assert zensical_seed.warnings == [], zensical_seed.log


@needs_zensical
def test_zensical_citation_text_matches_jekyll_scholar(zensical_seed):
    _, art = article(zensical_seed)
    p = citation_paragraph(art)
    # seed-expected.md:
    # (e.g. MAML <a class="citation" href="#finn…">(Finn et al., 2017; Nichol et al., 2018)</a>.
    assert "(e.g. MAML (Finn et al., 2017; Nichol et al., 2018)." in squash(p.get_text())
    assert [a["href"] for a in p.select("a.citation")] == [f"#{FINN}", f"#{NICHOL}"]


@needs_zensical
def test_zensical_bibliography_lists_the_cited_entries_with_their_ids(zensical_seed):
    soup, art = article(zensical_seed)
    items = art.select_one("ol.bibliography").find_all("li", recursive=False)
    assert [li.span["id"] for li in items] == [FINN, NICHOL]
    # Opening words from seed-expected.md (apa).
    assert squash(items[0].get_text()).startswith(
        "Finn, C., Abbeel, P., & Levine, S. (2017). "
        "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks."
    )
    assert squash(items[1].get_text()).startswith(
        "Nichol, A., Achiam, J., & Schulman, J. (2018). On First-Order Meta-Learning Algorithms."
    )
    for a in art.select("a.citation"):
        assert soup.find(id=a["href"][1:]) is not None, a


@needs_zensical
def test_zensical_gives_the_seed_post_mkdocs_gives(zensical_seed, mkdocs_seed):
    assert seed_output(zensical_seed) == seed_output(mkdocs_seed)


@needs_zensical
def test_zensical_image_from_site_url_resolves_to_the_built_file(zensical_seed):
    _, art = article(zensical_seed)
    img = art.find("img", alt="drawing")
    assert not img["src"].startswith("/"), "a root-absolute src breaks under a deploy sub-path"
    target = resolve(zensical_seed, post_page(zensical_seed), img["src"])
    assert target.name == "neural_causal_induction.png" and target.is_file()


@needs_zensical
def test_zensical_math_is_marked_and_mathjax_loaded_only_where_the_page_asks(zensical_seed):
    soup, art = article(zensical_seed)
    joined = " ".join(m.get_text() for m in art.select(".arithmatex"))
    assert r"\frac{\sum_y e^{f_{\theta}(x)[y]}}{Z(\theta)}" in joined
    assert any("mkdocs_scholar: load MathJax" in s.get_text() for s in soup.find_all("script"))
    home = zensical_seed.soup(zensical_seed.site / "index.html")
    assert not home.select(".arithmatex")
    assert not any("mkdocs_scholar: load MathJax" in s.get_text() for s in home.find_all("script"))


@needs_zensical
def test_zensical_leaves_no_liquid_and_lists_the_post_in_the_blog(zensical_seed):
    _, art = article(zensical_seed)
    assert "{%" not in art.get_text() and "{{" not in art.get_text()
    index = zensical_seed.soup(zensical_seed.site / "blog" / "index.html").get_text()
    assert "ICLR 2020 impressions and paper highlights" in index and "February 21, 2019" in index
    tags = zensical_seed.soup(zensical_seed.site / "tags" / "index.html").get_text()
    for tag in ("Machine learning", "Theory", "Conference", "ICLR"):
        assert tag in tags


# The basic fixture's posts with their front matter written the way README tells a Zensical user to
# (Zensical's blog reads front matter before any extension runs, so it cannot be translated for it).
ZENSICAL_FRONT_MATTER = {
    "2021-03-04-citing.md": (
        "tags: meta-learning optimisation\ncategories: Research\n",
        "date: 2021-03-04\ntags: [meta-learning, optimisation]\ncategories: [Research]\n",
    ),
    "2021-05-06-no-math.md": ("date: 2021-05-06 10:30:00 +0200\n", "date: 2021-05-06T10:30:00+02:00\n"),
}


def basic_for_zensical(dest: Path) -> Path:
    """The basic fixture configured through mkdocs.yml, the extension in place of the plugin."""
    root = copy_site(BASIC, dest)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if p != "scholar"]
    config["markdown_extensions"].append({"mkdocs_scholar.extension": {"style": "apa"}})
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    posts = root / "docs" / "blog" / "posts"
    for name, (jekyll, zensical) in ZENSICAL_FRONT_MATTER.items():
        text = (posts / name).read_text(encoding="utf-8")
        assert jekyll in text
        (posts / name).write_text(text.replace(jekyll, zensical), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def zensical_basic(tmp_path_factory):
    root = basic_for_zensical(tmp_path_factory.mktemp("zbasic") / "s")
    (root / "docs" / "links.md").write_text(
        textwrap.dedent(
            """
            # Links

            [Markdown]({% post_url 2021-03-04-citing %})
            <a href="{% post_url 2021-03-04-citing %}">HTML</a>
            """
        ).lstrip(),
        encoding="utf-8",
    )
    build = run_zensical(root)
    assert build.returncode == 0, build.log
    return build


@needs_zensical
def test_zensical_reads_the_extension_from_mkdocs_yml_and_cites(zensical_basic):
    assert zensical_basic.warnings == [], zensical_basic.log
    soup = zensical_basic.soup(zensical_basic.find_page(r"citing-two-papers/index.html"))
    p = next(p for p in soup.find_all("p") if "first-order variant" in p.get_text())
    assert [a["href"] for a in p.select("a.citation")] == [f"#{FINN}", f"#{NICHOL}", f"#{FINN}"]
    assert "(Nichol et al., 2018; Finn et al., 2017)" in p.get_text()


@needs_zensical
def test_zensical_every_site_url_spelling_reaches_the_image(zensical_basic):
    page = zensical_basic.find_page(r"citing-two-papers/index.html")
    srcs = [img["src"] for img in zensical_basic.soup(page).find_all("img") if "dot.png" in img["src"]]
    assert len(srcs) == 4  # ![](site.url), site.baseurl, site.url+site.baseurl, relative_url
    for src in srcs:
        assert resolve(zensical_basic, page, src) == zensical_basic.site / "assets" / "img" / "dot.png", src


@needs_zensical
def test_zensical_post_url_links_the_post_in_markdown_and_html(zensical_basic):
    page = zensical_basic.find_page(r"^links/index.html")
    target = zensical_basic.find_page(r"citing-two-papers/index.html")
    hrefs = [
        a["href"]
        for a in zensical_basic.soup(page).select("article a")
        if a.get_text() in ("Markdown", "HTML")
    ]
    assert len(hrefs) == 2
    for href in hrefs:
        assert resolve(zensical_basic, page, href) == target, href


@needs_zensical
def test_zensical_math_only_where_the_page_asks(zensical_basic):
    maths = zensical_basic.soup(zensical_basic.find_page(r"citing-two-papers/index.html"))
    assert maths.select("span.arithmatex") and maths.select("div.arithmatex")
    money = zensical_basic.soup(zensical_basic.find_page(r"a-post-about-money/index.html"))
    assert not money.select(".arithmatex")
    assert "It cost $5 and $10 at the time, $x$ is not math here." in money.get_text()


@needs_zensical
def test_zensical_warning_names_page_and_line(tmp_path):
    root = copy_site(EXAMPLE, tmp_path / "s")
    (root / "docs" / "blog" / "posts" / "2021-06-01-missing.md").write_text(
        "---\ntitle: Missing\ndate: 2021-06-01\npublished: false\n---\n\n"
        "First line.\n\nSee {% cite nosuchkey2020 %}.\n",
        encoding="utf-8",
    )
    build = run_zensical(root, strict=False)
    assert build.returncode == 0, build.log
    # line 9: 5 lines of front matter, a blank line, "First line.", a blank line, the cite.
    assert any(
        "blog/posts/2021-06-01-missing.md:9:" in w and "nosuchkey2020" in w and "references.bib" in w
        for w in build.warnings
    ), build.log
    assert any("2021-06-01-missing.md: 'published: false'" in w for w in build.warnings), build.log
    soup = build.soup(build.find_page(r"missing/index.html"))
    assert "See (missing reference)." in soup.get_text()
