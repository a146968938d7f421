"""Six real jekyll-scholar posts by other people (../shared/corpus/posts), built unchanged.

Each is assembled as a migrating user would (tests/corpus_site.py) and built with a real ``mkdocs build``.
What each post cites is read from its SOURCE.txt (written by whoever collected it, from the post itself),
not from our output. Skips on a clone without ../shared.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_mkdocs
from tests.corpus_site import CORPUS_POSTS, assemble, corpus_available

pytestmark = pytest.mark.skipif(
    not corpus_available(), reason="../shared/corpus/posts is not beside this clone"
)

# name: (title, URL date, math asked for, whole file listed instead of the cited keys)
POSTS = {
    "01-pseudo-spectral-method": (
        "Navier Stokes Equation Solver for Homogeneous Isotropic Turbulence",
        "2017/07/17",
        True,
        False,
    ),
    "02-transposed-conv": ("Interactive Transposed Convolution Tool", "2023/07/01", False, False),
    # front matter date 2015-09-13 wins over the file name's 2015-9-15
    "03-sparse-filtering-theano": ("Sparse Filtering in Theano", "2015/09/13", False, False),
    "04-emergence-llms": (
        "A Sanity Check on 'Emergent Properties' in Large Language Models",
        "2024/07/15",
        False,
        False,
    ),
    # no date in the front matter: the file name's
    "05-fast-approximate-inference": (
        'Discussion of "Fast Approximate Inference for Arbitrarily Large '
        'Semiparametric Regression Models via Message Passing"',
        "2016/09/19",
        False,
        False,
    ),
    "06-conditioned-gw-trees": ("Some conditioned Galton-Watson trees never grow", "2019/06/26", True, True),
}

# Warnings a user of each setup should see (and nothing that looks like a crash).
EXPECTED_WARNINGS = {
    "02-transposed-conv": ["last_name", "first_name", "'bib-blog' not found", "'bib' not found"],
    "04-emergence-llms": ["use_raw_bibtex_entry", "'bib' not found", "closed with '% }'"],
    "06-conditioned-gw-trees": ["'bibtemplate' not found"],
}


def cited_keys(name: str) -> list[str]:
    text = (CORPUS_POSTS / name / "SOURCE.txt").read_text(encoding="utf-8")
    block = re.search(r"^Cited keys[^\n]*:\n((?:  \S+\n)+)", text, re.M)
    keys = [k.strip() for k in block.group(1).splitlines()]
    if name == "04-emergence-llms":
        # SOURCE.txt: the key swallowed by the `% }` typo, which the author meant to cite.
        keys.append(
            "ChanSantoroEtAl_2022_Data_Distributional_Properties_Drive_Emergent_In-Context_Learning_in_Transformers"
        )
    return keys


def bib_keys(name: str) -> list[str]:
    keys = []
    for bib in (CORPUS_POSTS / name).glob("*.bib"):
        keys += re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", bib.read_text(encoding="utf-8"), re.M)
    return keys


@pytest.fixture(scope="module", params=sorted(POSTS))
def built(request, tmp_path_factory):
    name = request.param
    root = assemble(name, tmp_path_factory.mktemp(name) / "site-src")
    return name, run_mkdocs(root, strict=False)


def post(build, date):
    return build.soup(build.find_page(rf"blog/{date}/[^/]+/index\.html$"))


def test_builds_without_a_crash(built):
    name, build = built
    assert build.returncode == 0, build.log
    assert "Traceback" not in build.log


def test_title_and_date_are_shown(built):
    name, build = built
    title, date, _, _ = POSTS[name]
    soup = post(build, date)
    assert soup.select_one("article h1").get_text(strip=True) == title
    index = build.soup(build.site / "blog" / "index.html").get_text()
    assert title in index


def test_no_liquid_is_left(built):
    name, build = built
    soup = post(build, POSTS[name][1])
    for block in soup.select(".scholar-bibtex"):  # an entry's BibTeX, shown to readers: braces are data
        block.decompose()
    text = soup.select_one("article").get_text()
    assert "{%" not in text and "{{" not in text and "%}" not in text


def test_every_cited_key_links_to_its_entry(built):
    name, build = built
    soup = post(build, POSTS[name][1])
    hrefs = {a["href"] for a in soup.select("a.citation")}
    for key in cited_keys(name):
        assert f"#{key}" in hrefs, key
        assert soup.find(id=key) is not None, key


def test_bibliography_holds_exactly_the_cited_entries(built):
    name, build = built
    _, date, _, whole_file = POSTS[name]
    soup = post(build, date)
    ids = [li.find(id=True)["id"] for li in soup.select("ol.bibliography > li")]
    expected = bib_keys(name) if whole_file else cited_keys(name)
    assert sorted(set(ids)) == sorted(set(expected))
    assert len(ids) == len(set(ids))


def test_math_only_where_the_post_asks(built):
    name, build = built
    _, date, math, _ = POSTS[name]
    soup = post(build, date)
    assert bool(soup.select("article .arithmatex")) == math


def test_the_warnings_a_user_should_see(built):
    name, build = built
    for expected in EXPECTED_WARNINGS.get(name, []):
        assert any(expected in w for w in build.warnings), (expected, build.warnings)
