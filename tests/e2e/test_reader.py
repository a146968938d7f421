"""What readers see, in the built HTML: previews, backlinks, entry links, BibTeX, the site-wide bibliography,
and each of them switched off. (tests/browser/ checks the same pages in a real browser.)

The fixture tests/sites/reader has two posts: the first cites doe2020, roe2019, doe2020 again and nocites
moe2017; the second (a math page) cites doe2020 and poe2018 together. Expected values follow from that.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import SITES, copy_site, run_mkdocs

READER = SITES / "reader"


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    return run_mkdocs(copy_site(READER, tmp_path_factory.mktemp("reader") / "site-src"))


@pytest.fixture(scope="module")
def all_off(tmp_path_factory):
    off = {"previews": False, "backlinks": False, "entry_links": False, "bibtex_button": False}
    return run_mkdocs(copy_site(READER, tmp_path_factory.mktemp("off") / "site-src", scholar=off))


def first(build):
    path = build.find_page(r"blog/2021/01/01/[^/]+/index\.html$")
    return path, build.soup(path)


def second(build):
    path = build.find_page(r"blog/2021/02/02/[^/]+/index\.html$")
    return path, build.soup(path)


def target_of(build, page, href):
    """The built file a relative link on ``page`` leads to."""
    rel = page.relative_to(build.site).as_posix()
    path = build.site / posixpath.normpath(posixpath.join(posixpath.dirname(rel), urlsplit(href).path))
    return path / "index.html" if path.is_dir() else path


def entry_li(soup, key):
    return soup.find(id=key).find_parent("li")


def test_builds_strict(reader):
    assert reader.returncode == 0, reader.log
    assert reader.warnings == []


def test_citation_links_get_ids_in_page_order(reader):
    _, soup = first(reader)
    links = soup.select("article a.citation")
    assert [(a["href"], a["id"]) for a in links] == [
        ("#doe2020", "cite-doe2020-1"),
        ("#roe2019", "cite-roe2019-1"),
        ("#doe2020", "cite-doe2020-2"),
    ]


def test_a_preview_of_an_entry_the_page_lists_points_at_it(reader):
    """No copy of the entry in the link: the script shows the element the link leads to."""
    _, soup = first(reader)
    for a in soup.select("article a.citation"):
        assert a["data-scholar-preview"] == ""
        entry = soup.find(id=a["href"][1:])
        assert entry.get_text().startswith(("Doe, J., & Roe, R. (2020).", "Roe, R. (2019)."))


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """A math page citing two entries without listing them: its links carry the entries themselves."""
    root = copy_site(READER, tmp_path_factory.mktemp("alone") / "site-src")
    (root / "docs" / "alone.md").write_text(
        "---\nuse_math: true\n---\n\n# Alone\n\nSee {% cite doe2020 %} and {% cite roe2019 %}, $x^2$.\n",
        encoding="utf-8",
    )
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    return build.soup(build.site / "alone" / "index.html")


def preview_of(soup, key):
    a = soup.select_one(f"article a.citation[href$='#{key}']")
    return BeautifulSoup(a["data-scholar-preview"], "html.parser")


def test_a_preview_of_an_entry_the_page_does_not_list_holds_it(alone, reader):
    _, listed = first(reader)
    for key in ("doe2020", "roe2019"):
        assert preview_of(alone, key).get_text() == listed.find(id=key).get_text()


def test_preview_math_survives_markdown_and_arithmatex_on_a_math_page(alone):
    # latex.py keeps the title's $…$ as \(…\); Markdown's escapes and arithmatex must not have touched it
    math = preview_of(alone, "doe2020").select_one(".scholar-math, .arithmatex")
    assert math.get_text() == r"\(\mathcal{O}(n^2)\)"


def test_preview_of_a_title_with_markdown_characters_is_kept_as_written(alone):
    assert "A Preprint With *Stars* and _Underscores_" in preview_of(alone, "roe2019").get_text()


def test_backlinks_return_to_every_citation_of_the_entry(reader):
    _, soup = first(reader)
    doe = entry_li(soup, "doe2020").select_one(".scholar-backlinks")
    # cited twice: "↩ a b", each letter to one citation, in page order
    assert [(a.get_text(), a["href"]) for a in doe.find_all("a")] == [
        ("a", "#cite-doe2020-1"),
        ("b", "#cite-doe2020-2"),
    ]
    roe = entry_li(soup, "roe2019").select_one(".scholar-backlinks")
    assert [(a.get_text(), a["href"]) for a in roe.find_all("a")] == [("↩", "#cite-roe2019-1")]
    for a in soup.select(".scholar-backlinks a"):
        assert soup.find(id=a["href"][1:]).name == "a"


def test_an_entry_listed_but_not_cited_has_no_backlinks(reader):
    _, soup = first(reader)
    assert entry_li(soup, "moe2017").select(".scholar-backlinks") == []


def test_entry_links_doi_url_and_repository_files(reader):
    page, soup = first(reader)
    links = {a.get_text(): a["href"] for a in entry_li(soup, "doe2020").select(".scholar-links a")}
    assert links["DOI"] == "https://doi.org/10.1234/jex.2020.12"
    assert links["URL"] == "https://example.org/doe2020"
    # repository: papers → docs/papers/doe2020.pdf and doe2020.slides.pdf, linked relative to the page
    assert target_of(reader, page, links["PDF"]) == reader.site / "papers" / "doe2020.pdf"
    assert target_of(reader, page, links["slides.pdf"]).is_file()
    assert not links["PDF"].startswith("/")


def test_arxiv_eprint_is_linked(reader):
    _, soup = first(reader)
    links = {a.get_text(): a["href"] for a in entry_li(soup, "roe2019").select(".scholar-links a")}
    assert links == {"arXiv": "https://arxiv.org/abs/1901.00001"}


def test_a_javascript_url_is_not_linked(reader):
    _, soup = second(reader)
    assert entry_li(soup, "poe2018").select(".scholar-links") == []
    assert not soup.select('a[href^="javascript"]')


def test_material_search_leaves_the_reader_extras_out_of_its_index(reader, all_off):
    """The labels of entry links, the backlink arrows and the BibTeX block are not the page's text: Material's
    search skips an element with ``data-search-exclude``. The entry itself stays searchable, and the page
    has the extras all the same. With every feature off, the index text of the post is exactly what is left
    once the extras are taken out (same citations, same entries)."""
    import json

    def post_text(build):
        docs = json.loads((build.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
        found = [d["text"] for d in docs if re.match(r"blog/2021/01/01/[^/#]+/(#.*)?$", d["location"])]
        assert found, [d["location"] for d in docs]
        return " ".join(found)

    text = post_text(reader)
    assert "Sorting in" in text and "Doe, J." in text  # the entry
    assert "BibTeX" not in text  # the BibTeX block's summary and link
    assert "\u21a9" not in text and "&#8617;" not in text  # the backlink arrow
    assert not re.search(r"\bDOI\b", text) and "slides.pdf" not in text  # entry link labels

    def words(text):  # the extras' leading spaces stay behind
        return re.sub(r"\s+</", "</", " ".join(text.split()))

    assert words(post_text(all_off)) == words(text)
    _, soup = first(reader)
    for extra in (".scholar-links a", "details.scholar-bibtex", ".scholar-backlinks a"):
        assert entry_li(soup, "doe2020").select(extra), extra


def test_no_search_mark_reaches_a_finished_page(reader, tmp_path):
    """No search mark reaches a finished page, with the search or without it: the plugin's extras wait in
    comments while the search reads the page, not behind marks. The comments are gone from every page,
    the site-wide bibliography and the post excerpts on the blog's index and archive pages included."""
    pages = list(reader.site.rglob("*.html"))
    assert any("md-post--excerpt" in p.read_text(encoding="utf-8") for p in pages)
    options = {"repository": "papers", "site_bibliography": "bibliography.md"}  # as tests/sites/reader has
    unsearched = run_mkdocs(copy_site(READER, tmp_path / "s", plugins=["blog", {"scholar": options}]))
    for build in (reader, unsearched):
        assert build.returncode == 0, build.log
        pages = list(build.site.rglob("*.html"))
        assert any("scholar-backlinks" in p.read_text(encoding="utf-8") for p in pages)
        for page in pages:
            assert "data-search-exclude" not in page.read_text(encoding="utf-8"), page
            # the extras and tags wait in comments while the search reads the page (hidden.py): none is left
            assert "scholar-hidden" not in page.read_text(encoding="utf-8"), page


def test_a_plugin_that_drops_html_comments_after_the_page_is_finished_keeps_the_extras(tmp_path):
    """The extras wait in HTML comments while the page is read, and come out of them in on_post_page
    before any other plugin's (priority 100): a minifier that drops comments there, listed before this
    plugin (a hook at priority 50 stands for it), finds them out already."""
    root = copy_site(READER, tmp_path / "s")
    (root / "hooks.py").write_text(
        "import re\n"
        "from mkdocs.plugins import event_priority\n\n\n"
        "@event_priority(50)\n"
        "def on_post_page(output, page, config):\n"
        "    return re.sub(r'<!--.*?-->', '', output, flags=re.S)\n",
        encoding="utf-8",
    )
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    _, soup = first(build)
    for extra in (".scholar-links a", "details.scholar-bibtex", ".scholar-backlinks a"):
        assert entry_li(soup, "doe2020").select(extra), extra


def bibtex_of(build, page, soup, key):
    """The BibTeX an entry's <details> leads to: the Nth entry of the page's .bib file (``#N``)."""
    link = entry_li(soup, key).select_one("details.scholar-bibtex a.scholar-bibtex-file")
    path = target_of(build, page, link["href"])
    assert path.suffix == ".bib" and path.is_file(), link["href"]
    number = int(urlsplit(link["href"]).fragment)
    entries = re.split(r"\n\n(?=@)", path.read_text(encoding="utf-8").rstrip())
    return entries[number - 1]


def test_bibtex_block_shows_the_entry_without_skipped_fields(reader):
    page, soup = first(reader)
    code = bibtex_of(reader, page, soup, "doe2020")
    assert code.startswith("@article{doe2020,\n")
    assert "  title = {Sorting in $\\mathcal{O}(n^2)$ Time, Revisited}," in code
    assert "  doi = {10.1234/jex.2020.12}," in code
    # jekyll-scholar's default bibtex_skip_fields: abstract, month_numeric
    assert "abstract" not in code
    assert code.endswith("}")


def test_a_pages_bibtex_file_holds_each_of_its_entries_once_in_order(reader):
    page, soup = first(reader)
    keys = [li.select_one("[id]")["id"] for li in soup.select("article ol.bibliography > li")]
    texts = [bibtex_of(reader, page, soup, key) for key in keys]
    assert len(keys) >= 2 and [t.split("{", 1)[1].split(",", 1)[0] for t in texts] == keys
    links = soup.select("details.scholar-bibtex a.scholar-bibtex-file")
    assert len({urlsplit(a["href"]).path for a in links}) == 1  # one file for the page
    # The page itself holds no BibTeX: it stays small, and search and reading time ignore it.
    assert "@article{" not in soup.select_one("article").get_text()


def test_bibtex_skip_fields_setting_is_honoured(tmp_path):
    root = copy_site(READER, tmp_path / "site-src", scholar={"bibtex_skip_fields": ["doi", "url"]})
    build = run_mkdocs(root)
    page, soup = first(build)
    code = bibtex_of(build, page, soup, "doe2020")
    assert "abstract = {An abstract" in code
    assert "doi =" not in code and "url =" not in code


def test_math_in_an_entry_title_is_marked_for_mathjax_on_a_page_without_math(reader):
    _, soup = first(reader)
    # the post did not ask for math: its text has no arithmatex, but the title's math is typeset
    maths = soup.select("article .arithmatex")
    in_text = [m for m in maths if not m.find_parent("ol", class_="bibliography")]
    assert in_text == []
    title_math = entry_li(soup, "doe2020").select_one(".scholar-math, .arithmatex")
    assert title_math.get_text() == r"\(\mathcal{O}(n^2)\)"


def test_assets_are_in_the_site_and_on_the_page(reader):
    _, soup = first(reader)
    scripts = [s.get("src") or "" for s in soup.find_all("script")]
    assert any(s.endswith("assets/mkdocs_scholar/scholar.js") for s in scripts)
    assert (reader.site / "assets" / "mkdocs_scholar" / "scholar.js").is_file()


def test_site_bibliography_lists_every_cited_entry_with_the_pages_citing_it(reader):
    page = reader.site / "bibliography" / "index.html"
    soup = reader.soup(page)
    ids = [li.find(id=True)["id"] for li in soup.select("article ol.bibliography > li")]
    # cited anywhere: doe2020, roe2019 (first post), poe2018 (second); moe2017 is only nocited.
    # Sorted by first author: Doe, Poe, Roe.
    assert ids == ["doe2020", "poe2018", "roe2019"]
    cited_in = entry_li(soup, "doe2020").select_one(".scholar-cited-in")
    assert [a.get_text() for a in cited_in.find_all("a")] == ["First post", "Second post"]
    for a in cited_in.find_all("a"):
        target = target_of(reader, page, a["href"])
        assert target.is_file()
        assert reader.soup(target).find(id=urlsplit(a["href"]).fragment) is not None
    assert "Bibliography" in soup.select_one("article h1").get_text()


def test_site_bibliography_page_written_by_the_user_keeps_its_text(tmp_path):
    root = copy_site(READER, tmp_path / "site-src")
    (root / "docs" / "bibliography.md").write_text("# Works cited\n\nMy own words.\n", encoding="utf-8")
    build = run_mkdocs(root)
    soup = build.soup(build.site / "bibliography" / "index.html")
    assert soup.select_one("article h1").get_text(strip=True).startswith("Works cited")
    assert "My own words." in soup.get_text()
    assert len(soup.select("article ol.bibliography > li")) == 3


def test_site_bibliography_is_off_unless_asked_for(tmp_path):
    root = copy_site(READER, tmp_path / "site-src", nav=[{"Home": "index.md"}])
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("site_bibliography: bibliography.md", ""), encoding="utf-8"
    )
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    assert not (build.site / "bibliography").exists()


@pytest.mark.parametrize(
    ("option", "gone"),
    [
        ("previews", "a.citation[data-scholar-preview]"),
        ("backlinks", ".scholar-backlinks"),
        ("entry_links", ".scholar-links"),
        ("bibtex_button", "details.scholar-bibtex"),
    ],
)
def test_each_feature_can_be_switched_off(tmp_path, option, gone):
    build = run_mkdocs(copy_site(READER, tmp_path / "site-src", scholar={option: False}))
    assert build.returncode == 0, build.log
    _, soup = first(build)
    assert soup.select(gone) == []
    others = {
        "previews": "a.citation[data-scholar-preview]",
        "backlinks": ".scholar-backlinks",
        "entry_links": ".scholar-links",
        "bibtex_button": "details.scholar-bibtex",
    }
    for name, selector in others.items():
        if name != option:
            assert soup.select(selector), name


def test_all_features_off_gives_jekyll_scholars_markup(all_off):
    assert all_off.returncode == 0, all_off.log
    _, soup = first(all_off)
    art = soup.select_one("article")
    # jekyll-scholar's shape: <a class="citation" href="#KEY">, <li><span id="KEY">…</span></li>
    for a in art.select("a.citation"):
        assert set(a.attrs) == {"class", "href"}
    for li in art.select("ol.bibliography > li"):
        assert [c.name for c in li.children if c.name] == ["span"]
    assert not re.search(r'class="scholar-(?!math)', str(art))
    scripts = [s.get("src") or "" for s in soup.find_all("script")]
    assert not any("scholar.js" in s for s in scripts)


def test_site_bibliography_works_with_every_feature_off(all_off):
    soup = all_off.soup(all_off.site / "bibliography" / "index.html")
    assert len(soup.select("article ol.bibliography > li")) == 3
    hrefs = [a["href"] for a in soup.select(".scholar-cited-in a")]
    # no citation ids without the features: the links go to the pages
    assert hrefs and all("#" not in h for h in hrefs)


def test_a_site_bibliography_path_outside_the_docs_folder_is_refused(tmp_path):
    build = run_mkdocs(copy_site(READER, tmp_path / "site-src", scholar={"site_bibliography": "../out.md"}))
    assert any("site_bibliography '../out.md'" in w for w in build.warnings), build.log
    assert not (tmp_path / "out.md").exists() and not (build.site.parent / "out").exists()


def test_bibtex_links_reach_the_file_with_either_url_style(tmp_path):
    build = run_mkdocs(copy_site(READER, tmp_path / "site-src", use_directory_urls=False))
    assert build.returncode == 0, build.log
    page = build.find_page(r"blog/2021/01/01/[^/]+\.html$")
    soup = build.soup(page)
    assert bibtex_of(build, page, soup, "doe2020").startswith("@article{doe2020,")


@pytest.fixture(scope="module")
def excerpted(tmp_path_factory):
    """The first post cut after its first paragraph (its bibliography is not in its excerpt); the second
    shown whole on the blog index."""
    root = copy_site(READER, tmp_path_factory.mktemp("excerpted") / "site-src")
    post = root / "docs" / "blog" / "posts" / "2021-01-01-first.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("\n\nListed without", "\n\n<!-- more -->\n\nListed without"), "utf-8")
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    return build


def excerpt_of(index, slug):
    for article in index.select("article.md-post--excerpt"):
        if article.select_one(f"a.toclink[href*='/{slug}/']"):
            return article
    raise AssertionError(f"no excerpt of {slug!r}")


def test_an_excerpt_cut_above_the_bibliography_keeps_its_previews(excerpted):
    index = excerpted.soup(excerpted.site / "blog" / "index.html")
    links = excerpt_of(index, "first-post").select("a.citation")
    assert links and all(a["data-scholar-preview"] for a in links)
    assert BeautifulSoup(links[0]["data-scholar-preview"], "html.parser").get_text().startswith("Doe, J.")
    # (the post's page is made from the same Markdown: its citations above the cut carry copies too)


def test_a_whole_post_on_the_index_points_its_previews_and_bibtex_at_its_own_entries(excerpted):
    page = excerpted.site / "blog" / "index.html"
    article = excerpt_of(excerpted.soup(page), "second-post")
    for a in article.select("a.citation"):
        assert a["data-scholar-preview"] == "" and article.find(id=urlsplit(a["href"]).fragment)
    links = article.select("a.scholar-bibtex-file")
    assert links
    for link in links:  # relative to the index page, not to the post
        assert target_of(excerpted, page, link["href"]).is_file(), link["href"]
        assert link["data-scholar-key"] in bibtex_of(excerpted, page, article, link["data-scholar-key"])


def test_pages_bibtex_files_are_written_as_the_pages_render(tmp_path):
    """In this process, through MkDocs' own API: when the build ends the plugin holds no post's BibTeX
    any more (each post's file was written right after the post rendered); the site-wide bibliography's
    file, which grows until on_env, is written at the end. Every file is there."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_site(READER, tmp_path / "site-src")
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
    build(config)
    held = config.plugins["scholar"].build.reader.bibtex_files
    assert list(held) == ["assets/mkdocs_scholar/bibtex/bibliography.bib"], list(held)
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.bib"))
    assert "assets/mkdocs_scholar/bibtex/bibliography.bib" in written
    assert len([w for w in written if w.startswith("assets/mkdocs_scholar/bibtex/blog~")]) == 2, written


def test_a_pages_bibtex_file_that_cannot_be_written_is_a_warning(tmp_path):
    """A page's .bib file that cannot be written is a warning naming it (``--strict`` fails), and the
    build goes on. ``index.md`` and ``index/index.md`` both name bibtex/index.bib, written after the
    build, when MkDocs has copied the static files: one of them makes a folder of that name."""
    root = copy_site(READER, tmp_path / "site-src")
    for path, key in (("index.md", "roe2019"), ("index/index.md", "moe2017")):
        (root / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        text = f"# Page\n\n{{% cite {key} %}}\n\n{{% bibliography --cited %}}\n"
        (root / "docs" / path).write_text(text, encoding="utf-8")
    in_the_way = root / "docs" / "assets" / "mkdocs_scholar" / "bibtex" / "index.bib" / "note.txt"
    in_the_way.parent.mkdir(parents=True)
    in_the_way.write_text("a static file", encoding="utf-8")
    strict = run_mkdocs(root)
    assert strict.returncode != 0
    assert re.search(r"WARNING .*assets/mkdocs_scholar/bibtex/index\.bib: cannot be written", strict.log)
    assert "Traceback" not in strict.log
    lenient = run_mkdocs(root, strict=False)
    assert lenient.returncode == 0, lenient.log
    assert (lenient.site / "index.html").is_file() and (lenient.site / "index" / "index.html").is_file()
    assert (lenient.site / "assets/mkdocs_scholar/bibtex/index.bib/note.txt").is_file()


def test_pages_bibtex_files_are_linked_from_the_cache_build_after_build(tmp_path):
    """Each page's .bib file is kept in the cache folder and hard-linked into the site: a build makes
    no new file for a page whose references did not change (``scholar/sitefiles.py``). A page whose
    references changed gets a new file, and the old one leaves the cache. With ``cache: false`` the
    files are plain files, as before."""
    root = copy_site(READER, tmp_path / "site-src")
    kept = root / ".cache" / "mkdocs_scholar" / "site-bibtex"
    first_build = run_mkdocs(root)
    assert first_build.returncode == 0, first_build.log
    bib_dir = first_build.site / "assets" / "mkdocs_scholar" / "bibtex"
    site_files = {p.name: p for p in bib_dir.iterdir()}
    assert len(site_files) == 3, sorted(site_files)  # two posts and the site-wide bibliography
    inodes = {p.stat().st_ino for p in kept.iterdir()}
    assert inodes == {p.stat().st_ino for p in site_files.values()}
    second_build = run_mkdocs(root)
    assert second_build.returncode == 0, second_build.log
    assert {p.stat().st_ino for p in bib_dir.iterdir()} == inodes  # the same files, linked again
    post = root / "docs" / "blog" / "posts" / "2021-02-02-second.md"
    post.write_text(post.read_text(encoding="utf-8").replace("poe2018", "moe2017"), encoding="utf-8")
    third_build = run_mkdocs(root)
    assert third_build.returncode == 0, third_build.log
    # The second post's file and the site-wide bibliography's (it lists what the posts cite) are new.
    changed = {p.name: p for p in bib_dir.iterdir() if p.stat().st_ino not in inodes}
    expected = [n for n in site_files if n.startswith(("blog~2021~02~02~", "bibliography"))]
    assert sorted(changed) == sorted(expected)
    (post_file,) = [p for n, p in changed.items() if n.startswith("blog~")]
    assert "{moe2017," in post_file.read_text("utf-8") and "{poe2018," not in post_file.read_text("utf-8")
    assert {p.stat().st_ino for p in kept.iterdir()} == {p.stat().st_ino for p in bib_dir.iterdir()}

    plain = copy_site(READER, tmp_path / "plain", scholar={"cache": False})
    build = run_mkdocs(plain)
    assert build.returncode == 0, build.log
    files = list((build.site / "assets" / "mkdocs_scholar" / "bibtex").iterdir())
    assert len(files) == 3 and all(p.stat().st_nlink == 1 for p in files)
    assert not (plain / ".cache").exists()


def test_two_pages_that_name_one_bibtex_file_share_it(tmp_path):
    """``index.md`` (URL ``/``) and ``index/index.md`` (URL ``/index/``) both name bibtex/index.bib. The
    file is written once, after the build, with both pages' entries, and each BibTeX link leads to its
    own entry (pages written as they render would overwrite each other's file)."""
    root = copy_site(READER, tmp_path / "site-src")
    for path, key in (("index.md", "roe2019"), ("index/index.md", "moe2017")):
        (root / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        text = f"# Page\n\n{{% cite {key} %}}\n\n{{% bibliography --cited %}}\n"
        (root / "docs" / path).write_text(text, "utf-8")
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    for page, key in ((build.site / "index.html", "roe2019"), (build.site / "index/index.html", "moe2017")):
        first_line = bibtex_of(build, page, build.soup(page), key).splitlines()[0]
        assert first_line.endswith(f"{{{key},"), (key, first_line)


HIDDEN_HOOK = """
import json
import os
import re

from material.plugins.blog.readtime.parser import ReadtimeParser
from material.plugins.search.plugin import Parser
from mkdocs.plugins import event_priority

from mkdocs_scholar.scholar.hidden import show

pages = []


def parse(parser, html):
    parser.feed(html)
    parser.close()
    return parser


def search(html):
    return [(repr(s), "".join(s.title), "".join(s.text)) for s in parse(Parser(), html).data]


def reading(html):
    parser = parse(ReadtimeParser(), html)
    return "".join(parser.text), parser.images


def tags(html):
    return len(re.findall(r"<[a-z/]", re.sub(r"<!--.*?-->", "", html, flags=re.S)))


# The reader extras are neither searched nor read: the page as it is, without them (each with the space
# before it).
EXTRAS = r' ?(<span class="scholar-(links|backlinks)".*?</span>|<details class="scholar-bibtex".*?</details>)'


@event_priority(110)  # before the plugin's on_post_page (100) shows what waited
def on_post_page(output, page, config):
    shown = show(output)
    read = re.sub(EXTRAS, "", shown, flags=re.S)
    pages.append({
        "url": page.url,
        "comments": output.count("<!--scholar-hidden "),
        "extras": len(re.findall(EXTRAS, shown, flags=re.S)),
        "tags": tags(read),
        "tags_while_hidden": tags(output),
        "search": search(output) == search(read),
        "reading": reading(output) == reading(read),
    })


def on_post_build(config):
    path = os.path.join(os.path.dirname(config.config_file_path), "hidden.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(pages, f)
"""


def test_material_search_and_reading_time_read_the_same_with_the_tags_hidden(tmp_path):
    """While other plugins parse a page, the tags of citations and bibliographies wait in comments, and
    the reader extras whole (scholar/hidden.py). A hook that runs just before the plugin shows them
    parses every built page as Material's search and its blog's reading time do: the same sections,
    texts, words and images as from the finished page without its extras, on posts and on the blog's
    index and archive pages (excerpts) alike, with fewer tags to read on every page that has citations
    (the site-wide bibliography hides only its extras)."""
    import json

    root = copy_site(READER, tmp_path / "s")
    (root / "hooks.py").write_text(HIDDEN_HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")
    build = run_mkdocs(root)
    assert build.returncode == 0, build.log
    pages = json.loads((root / "hidden.json").read_text(encoding="utf-8"))
    assert all(p["search"] and p["reading"] for p in pages), [p for p in pages if not p["search"]]
    waited = {p["url"] for p in pages if p["comments"]}
    assert {"blog/", "blog/archive/2021/"} < waited, waited  # the excerpts
    assert any(re.match(r"blog/2021/01/01/", url) for url in waited), waited
    # every page with citations, but the site-wide bibliography, made every build (plugin.py, on_env)
    fewer = {p["url"] for p in pages if p["tags_while_hidden"] < p["tags"]}
    assert fewer == waited - {"bibliography/"}, (fewer, waited)
    assert sum(p["extras"] for p in pages) > 10
