"""`mkdocs-scholar import`: a Jekyll site of our own (tests/sites/jekyll) and the example site's Jekyll form,
imported and built with `mkdocs build --strict`. Checks the posts' content, the old URLs (each old file exists
and leads to the right page), include output, site.* loops, excerpts, drafts, and that no Liquid is left."""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_scholar.cli import main as cli_main
from tests.conftest import EXAMPLE, REPO, SITES, run_mkdocs

JEKYLL = SITES / "jekyll"
RAW_TEXT = "Liquid written as text: {{ page.title }}"  # the fixture's one {% raw %} block


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def run_import(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_scholar", "import", str(src), str(out), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    base = tmp_path_factory.mktemp("jekyll")
    src = base / "jekyll-site"
    shutil.copytree(JEKYLL, src)
    before = tree_digest(src)
    proc = run_import(src, base / "mkdocs-site")
    assert proc.returncode == 0, proc.stderr
    build = run_mkdocs(base / "mkdocs-site")
    assert build.returncode == 0, build.log
    return {"src": src, "before": before, "out": base / "mkdocs-site", "summary": proc.stdout, "build": build}


def page_at(build, rel: str) -> BeautifulSoup:
    return build.soup(build.site / rel / "index.html" if not rel.endswith(".html") else build.site / rel)


def follow(build, from_file: str, href: str) -> Path:
    """The built file a relative link on the page at ``from_file`` (site-relative) leads to."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_file), href.split("#")[0]))
    path = build.site / target
    return path / "index.html" if path.is_dir() else path


POST_1 = "blog/2021/03/04/notes-on-meta-learning/index.html"
POST_2 = "blog/2021/05/06/a-second-post-filed-under-research/index.html"
POST_3 = "blog/2021/07/08/a-post-with-its-own-permalink/index.html"
POST_4 = "blog/2022/01/02/every-tag-and-every-year/index.html"


def test_builds_strict_without_warnings(imported):
    assert imported["build"].warnings == []


def test_the_jekyll_folder_is_left_untouched(imported):
    assert tree_digest(imported["src"]) == imported["before"]


def test_summary_counts_what_was_imported_and_says_why_the_rest_was_not(imported):
    summary = imported["summary"]
    assert re.search(r"posts\s+4 posts", summary)
    assert re.search(r"drafts\s+1 draft", summary)
    assert "about.md" in summary and "publications.md" in summary and "projects/index.md" in summary
    not_converted = summary.split("Not converted")[1]
    for what, why in [
        ("index.html", "paginator"),
        ("feed.xml", "feed"),
        ("README.md", "without front matter"),
        ("theme: minima", "Material"),
        ("jekyll-feed", "mkdocs-rss-plugin"),
        ("scholar: last_name", "not a jekyll-scholar setting"),
    ]:
        line = next((ln for ln in not_converted.splitlines() if what in ln), "")
        assert why in line, (what, not_converted)


def test_posts_keep_their_file_names_and_contents(imported):
    for post in sorted((imported["src"] / "_posts").iterdir()):
        copy = imported["out"] / "docs" / "blog" / "posts" / post.name
        assert copy.read_bytes() == post.read_bytes()


def test_excluded_and_unpublished_files_are_not_copied(imported):
    docs = imported["out"] / "docs"
    for name in ("Gemfile", "notes-to-self.txt", "README.md", "feed.xml", "index.html"):
        assert not (docs / name).exists(), name


def test_mkdocs_yml_carries_the_sites_settings(imported):
    config = yaml.safe_load((imported["out"] / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Lab notebook"
    assert config["site_url"] == "https://example.org/notebook/"  # url + baseurl
    assert config["site_author"] == "A. Researcher"
    scholar = next(p["scholar"] for p in config["plugins"] if isinstance(p, dict) and "scholar" in p)
    assert scholar["style"] == "apa" and scholar["source"] == "/_bibliography/"
    assert "last_name" not in scholar
    assert scholar["permalink"] == "/:categories/:year/:month/:day/:title:output_ext"
    assert scholar["redirects"] is True
    assert config["extra"]["github_username"] == "labnotes"
    assert {"toc": {"permalink": True, "toc_depth": "2-3"}} in config["markdown_extensions"]


def test_post_has_citations_math_include_highlight_and_no_comment(imported):
    build = imported["build"]
    soup = page_at(build, POST_1)
    article = soup.select_one("article")
    assert [a["href"] for a in article.select("a.citation")] == [
        "#finnModelAgnosticMetaLearning2017",
        "#nicholFirstOrderMetaLearning2018",
    ]
    assert article.select_one(
        "#finnModelAgnosticMetaLearning2017"
    )  # the include's {% bibliography --cited %}
    assert article.select("span.arithmatex") and article.select("div.arithmatex")
    figure = article.select_one("figure.lab-figure")
    assert figure.figcaption.get_text() == "Figure 1: one dot, drawn by hand."
    assert follow(build, POST_1, figure.img["src"]) == build.site / "assets" / "img" / "dot.png"
    # {% highlight python linenos %}: Pygments' code with a line-number column
    assert (
        article.select_one(".highlight .linenos")
        and "inner_step" in article.select_one(".highlight code").text
    )
    assert "for the authors only" not in str(soup)
    assert 'Posted on 04 March 2021: "Notes on meta-learning".' in article.get_text()


def test_post_url_and_link_reach_the_right_pages(imported):
    build = imported["build"]
    article = page_at(build, POST_1).select_one("article")
    links = {a.get_text(): a["href"] for a in article.find_all("a") if not a.get("class")}
    assert follow(build, POST_1, links["the follow-up"]) == build.site / POST_2
    assert follow(build, POST_1, links["about page"]) == build.site / "about" / "index.html"
    projects = page_at(build, "about/index.html").find("a", string="projects")  # an HTML page, now .md
    assert follow(build, "about/index.html", projects["href"]) == build.site / "projects" / "index.html"
    back = page_at(build, POST_2).find("a", string="the first post")  # post_url inside raw HTML
    assert follow(build, POST_2, back["href"]) == build.site / POST_1


def test_include_with_parameters_loops_site_posts(imported):
    build = imported["build"]
    items = page_at(build, "about/index.html").select("ul.recent-posts li")
    # {% include recent.html count=2 %}: the two newest posts, with Jekyll's date_to_string
    assert [li.get_text(" ", strip=True) for li in items] == [
        "Every tag and every year (02 Jan 2022)",
        "A post with its own permalink (08 Jul 2021)",
    ]
    for li in items:
        assert follow(build, "about/index.html", li.a["href"]).is_file()


def test_site_data_and_site_variables(imported):
    about = page_at(imported["build"], "about/index.html").get_text()
    assert "We are 2 people: Ada and Brook." in about
    assert "Find us on GitHub as labnotes." in about
    custom = page_at(imported["build"], POST_3).get_text(" ", strip=True)
    assert "Ada (lead)" in custom and "Brook (student)" in custom
    assert "Venues, from a CSV file: Workshop on Small Data 2021; Conference on Tiny Models 2022." in custom


def test_site_tags_where_exp_group_by_exp_and_sort(imported):
    text = page_at(imported["build"], POST_4).get_text(" ", strip=True)
    # meta-learning is a tag of the first post and of this one
    assert "tag meta-learning: 2" in text and "tag data: 1" in text
    assert "Posts with math: Notes on meta-learning." in text
    assert "year 2022: Every tag and every year" in text
    titles_2021 = " / ".join(
        ["A post with its own permalink", "A second post, filed under research", "Notes on meta-learning"]
    )
    assert f"year 2021: {titles_2021}" in text
    assert "Newest first: 2022-01-02, 2021-07-08, 2021-05-06, 2021-03-04." in text
    assert "Sorted by title: A post with its own permalink." in text
    assert "First of the year: Jan 2nd, 2022." in text


def test_blog_index_shows_jekylls_excerpts(imported):
    index = page_at(imported["build"], "blog/index.html").select_one(".md-content").get_text()
    # The default excerpt is the first paragraph; the tag post sets its own separator after two.
    assert "We read two papers on learning to learn this month." in index
    assert "Model-agnostic meta-learning" not in index
    assert "This paragraph is in the excerpt too." in index
    assert "tag meta-learning" not in index


# Old URLs, from the fixture's `permalink: /:categories/:year/:month/:day/:title:output_ext`: posts keep
# :title as in the file name, a category is a folder; pages are /:path/:basename.html; front matter wins.
OLD_URLS = {
    "2021/03/04/meta-learning.html": POST_1,
    "research/2021/05/06/Second-Post.html": POST_2,
    "notes/custom-permalink/index.html": POST_3,
    "2022/01/02/index-of-tags.html": POST_4,
    "about.html": "about/index.html",
    "pubs/index.html": "publications/index.html",
}


@pytest.mark.parametrize(("old", "new"), sorted(OLD_URLS.items()))
def test_every_old_url_leads_to_its_new_page(imported, old, new):
    build = imported["build"]
    soup = build.soup(build.site / old)
    href = soup.select_one("meta[http-equiv=refresh]")["content"].split("url=", 1)[1]
    assert follow(build, old, href) == build.site / new
    assert soup.select_one("link[rel=canonical]")["href"] == href


def test_a_page_that_kept_its_url_is_not_replaced(imported):
    # projects/index.html was at /projects/ and still is: the real page stays.
    soup = page_at(imported["build"], "projects/index.html")
    assert soup.select_one("p.project").get_text() == "A tiny model of a tiny world."


def test_no_liquid_is_left_anywhere(imported):
    site = imported["build"].site
    for path in list(site.rglob("*.html")) + [site / "search" / "search_index.json"]:
        text = path.read_text(encoding="utf-8").replace(RAW_TEXT, "")
        assert "{%" not in text and "{{" not in text, path
    assert RAW_TEXT in (site / POST_1).read_text(encoding="utf-8")


def test_drafts_are_imported_as_drafts(imported):
    build = imported["build"]
    draft = imported["out"] / "docs" / "blog" / "posts" / "_drafts" / "an-unfinished-idea.md"
    assert draft.read_bytes() == (imported["src"] / "_drafts" / "an-unfinished-idea.md").read_bytes()
    assert not any("unfinished" in p.as_posix() for p in build.site.rglob("*.html"))


def test_missing_post_url_and_link_targets_warn_with_their_line(imported, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(imported["out"], root, ignore=shutil.ignore_patterns("site"))
    (root / "docs" / "blog" / "posts" / "2023-01-01-broken-links.md").write_text(
        textwrap.dedent(
            """\
            ---
            title: Broken links
            ---

            A [gone post]({% post_url 2020-01-01-gone %}).
            A [gone page]({% link nowhere.md %}).
            """
        ),
        encoding="utf-8",
    )
    assert run_mkdocs(root).returncode != 0
    lax = run_mkdocs(root, strict=False)
    assert any("2023-01-01-broken-links.md:5:" in w and "2020-01-01-gone" in w for w in lax.warnings), (
        lax.warnings
    )
    assert any("2023-01-01-broken-links.md:6:" in w and "nowhere.md" in w for w in lax.warnings), lax.warnings


def test_refuses_a_non_empty_folder_unless_forced(imported, tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert cli_main(["import", str(imported["src"]), str(out)]) == 1
    assert "not empty" in capsys.readouterr().err and not (out / "mkdocs.yml").exists()
    assert cli_main(["import", str(imported["src"]), str(out), "--force"]) == 0
    assert (out / "mkdocs.yml").is_file() and (out / "keep.txt").read_text() == "mine"


def test_refuses_to_write_into_the_jekyll_folder(imported, capsys):
    assert cli_main(["import", str(imported["src"]), str(imported["src"]), "--force"]) == 1
    assert "Jekyll site itself" in capsys.readouterr().err


def test_a_missing_jekyll_folder_is_one_line_not_a_traceback(tmp_path):
    proc = run_import(tmp_path / "nope", tmp_path / "out")
    assert proc.returncode == 1 and "is not a folder" in proc.stderr and "Traceback" not in proc.stderr


def test_the_console_script_is_declared():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["mkdocs-scholar"] == "mkdocs_scholar.cli:main"


# -- the example site, in the form it had under Jekyll ------------------------------------------------
def jekyll_form_of_example_site(dest: Path) -> Path:
    """example_site as a Jekyll site: its post in _posts/, its .bib, its images under assets/."""
    dest.mkdir()
    shutil.copytree(EXAMPLE / "docs" / "blog" / "posts", dest / "_posts")
    shutil.copytree(EXAMPLE / "_bibliography", dest / "_bibliography")
    shutil.copytree(EXAMPLE / "docs" / "assets", dest / "assets")
    (dest / "_config.yml").write_text(
        textwrap.dedent(
            """\
            title: Notes on machine learning
            description: A research blog
            url: https://example.org
            baseurl: /research
            scholar:
              style: apa
              source: ./_bibliography
              bibliography: references.bib
            """
        ),
        encoding="utf-8",
    )
    return dest


def test_example_site_imports_and_builds_like_the_example(tmp_path):
    src = jekyll_form_of_example_site(tmp_path / "jekyll")
    assert run_import(src, tmp_path / "out").returncode == 0
    build = run_mkdocs(tmp_path / "out")
    assert build.returncode == 0, build.log
    assert build.warnings == []
    # The post's front matter date (2019-02-21) wins over its file name's; Jekyll's default `date` style.
    old = "2019/02/21/ICLR-2020.html"
    href = build.soup(build.site / old).select_one("meta[http-equiv=refresh]")["content"].split("url=", 1)[1]
    new = follow(build, old, href)
    assert new.is_file() and new.parent.name == "iclr-2020-impressions-and-paper-highlights"
    # The same post built from example_site itself reads the same.
    direct = run_mkdocs(shutil.copytree(EXAMPLE, tmp_path / "example", ignore=shutil.ignore_patterns("site")))
    assert direct.returncode == 0, direct.log
    mine = build.soup(new).select_one("article").get_text(" ", strip=True)
    theirs = direct.soup(direct.find_page(r"iclr-2020-impressions-and-paper-highlights/index.html"))
    assert mine == theirs.select_one("article").get_text(" ", strip=True)
    assert build.soup(new).select("a.citation") and "{%" not in new.read_text(encoding="utf-8")
