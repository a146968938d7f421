"""scholar.reader: the pieces of HTML the reader features add, alone."""

from __future__ import annotations

import html
import os

import markdown
import pytest
from bs4 import BeautifulSoup

from mkdocs_scholar.scholar.bibtex import parse_bib_text
from mkdocs_scholar.scholar.reader import (
    Reader,
    ReaderOptions,
    Repository,
    backlinks_html,
    bibtex_text,
    entry_links,
    mark_math,
    markdown_proof,
)

BIB = r"""
@string{jmlr = {Journal of Machine Learning Research}}
@article{smith:2020,
  title    = {On {GAN}s and $x^2$},
  author   = {Smith, Ann and Jones, Bo},
  journal  = jmlr,
  year     = 2020,
  abstract = {Long
              text.}
}
"""


def entry():
    return parse_bib_text(BIB, "test.bib").entries["smith:2020"]


def test_bibtex_text_writes_every_field_but_the_skipped_ones():
    text = bibtex_text(entry(), ["abstract", "month_numeric"], ["{", "}"])
    assert text == (
        "@article{smith:2020,\n"
        "  title = {On {GAN}s and $x^2$},\n"
        "  author = {Smith, Ann and Jones, Bo},\n"
        # the @string macro is expanded: the entry can be pasted into another .bib
        "  journal = {Journal of Machine Learning Research},\n"
        "  year = {2020}\n"
        "}"
    )


def test_bibtex_text_quotes_and_whitespace():
    text = bibtex_text(entry(), [], ['"', '"'])
    assert '  title = "On {GAN}s and $x^2$",' in text
    # a value over several lines reads as BibTeX reads it: one space
    assert '  abstract = "Long text."' in text


def test_markdown_proof_text_reads_back_unchanged_after_markdown():
    # What Python-Markdown would act on, inside an attribute and as text: escapes, math, code, emphasis.
    value = r"Sorting in \(\mathcal{O}(n^2)\) and *stars* _under_ `code` [x](y) {: .c} & <i>é</i>"
    source = (
        f'A <a href="#k" data-x="{markdown_proof(value)}">cite</a> and <code>{markdown_proof(value)}</code>'
    )
    out = markdown.markdown(source, extensions=["attr_list", "pymdownx.arithmatex"])
    assert html.unescape(out.split('data-x="')[1].split('"')[0]) == value
    assert html.unescape(out.split("<code>")[1].split("</code>")[0]) == value


def test_entry_links():
    item = {"DOI": "10.1000/xyz(1)", "URL": "https://arxiv.org/abs/1901.00001"}
    assert entry_links(item, {"slides.pdf": "papers/k.slides.pdf", "pdf": "papers/k.pdf"}, "../../") == [
        ("DOI", "https://doi.org/10.1000/xyz(1)"),
        ("arXiv", "https://arxiv.org/abs/1901.00001"),
        ("PDF", "../../papers/k.pdf"),  # PDF first, then the rest by name
        ("slides.pdf", "../../papers/k.slides.pdf"),
    ]


@pytest.mark.parametrize(
    "item",
    [
        {"URL": "javascript:alert(1)"},
        {"URL": "data:text/html,<script>"},
        {"URL": "//evil.example/x"},
        {"DOI": "not a doi"},
        {"DOI": '10.1/"><script>'},
        {"DOI": '10.1234/"><script>'},
    ],
)
def test_entry_links_only_http_urls_and_real_dois(item):
    links = entry_links(item, {}, "./")
    assert all(href.startswith(("https://", "http://")) for _, href in links)
    assert all('"' not in href and "<" not in href for _, href in links)


def test_backlinks_are_lettered_like_footnotes():
    assert backlinks_html([]) == ""
    one = backlinks_html(["cite-k-1"])
    assert 'href="#cite-k-1"' in one and ">&#8617;</a>" in one
    many = backlinks_html([f"cite-k-{n}" for n in range(1, 29)])
    letters = [a.get_text() for a in BeautifulSoup(many, "html.parser").find_all("a")]
    assert letters[:3] == ["a", "b", "c"] and letters[25:] == ["z", "aa", "ab"]


def test_backlink_slots_are_filled_or_emptied():
    reader = Reader(ReaderOptions())
    out = reader.entry_extras("k", {}, "k", repository="", delimiter=".", site_root="./")
    page = f"<span id='k'>K</span>{out} <span id='j'>J</span>{out.replace('k', 'j')}"
    filled = reader.fill_backlinks(page, {"k": ["cite-k-1"]})
    assert "#cite-k-1" in filled and "\ue102" not in filled and "\ue103" not in filled
    assert filled.count("scholar-backlinks") == 1


def test_deferred_extras_wait_in_a_comment_and_come_back_unchanged():
    """With ``deferred_extras`` (the plugin's pages), an entry's extras are one HTML comment in the page
    until ``hidden.show``: a parser of the page then reads none of their tags (Material's search and
    reading time), and no "--" that could end it. Shown again they are what a page without the comment
    has once its search marks are gone (nothing needs them then), to the character, with "--" and "-->"
    in a URL and a key; the searchable "Cited in" stays outside the comment."""
    from html.parser import HTMLParser

    from mkdocs_scholar.scholar.hidden import show
    from mkdocs_scholar.scholar.reader import CitedIn

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.comments = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_comment(self, data):
            self.comments.append(data)

    item = {"URL": "https://example.org/a--b-->c", "DOI": "10.1/x--y"}
    text = bibtex_text(entry(), [], ["{", "}"])
    cited = {"a--b": [CitedIn("../p--q/", "P")]}
    pages = {}
    for deferred in (False, True):
        reader = Reader(ReaderOptions(), deferred_extras=deferred).for_site_page(cited)
        out = reader.entry_extras(
            "a--b", item, "a--b", repository="", delimiter=".", site_root="./", bibtex=text
        )
        pages[deferred] = reader.fill_backlinks(
            f'<li><span id="a--b">A</span>{out}</li>', {"a--b": ["cite-a--b-1"]}
        )
    plain, hidden = pages[False], pages[True]
    assert "\ue104" not in hidden and "\ue105" not in hidden
    parsed = Tags()
    parsed.feed(hidden)
    assert parsed.tags == ["li", "span", "span", "a"]  # the entry and "Cited in" with its link, no extra
    assert len(parsed.comments) == 2  # the links; the backlinks and the BibTeX block
    assert all("--" not in c.removeprefix("scholar-hidden") for c in parsed.comments)
    assert show(hidden) == plain.replace(' data-search-exclude="true"', "")
    assert show(plain) == plain
    for needle in ('href="https://example.org/a--b--&gt;c"', 'href="#cite-a--b-1"', "scholar-bibtex"):
        assert needle in plain


def test_mark_math_wraps_once():
    once = mark_math(r"On \(x^2\) and \[y\]")
    assert once == r'On <span class="scholar-math">\(x^2\)</span> and <span class="scholar-math">\[y\]</span>'
    assert mark_math(once) == once
    already = r'<span class="arithmatex">\(x\)</span>'
    assert mark_math(already) == already


def test_repository_files_by_key(tmp_path):
    docs = tmp_path / "docs"
    (docs / "papers" / "sub").mkdir(parents=True)
    for name in ("smith_2020.pdf", "smith_2020.slides.pdf", "other.pdf", "sub/deep.pdf"):
        (docs / "papers" / name).write_bytes(b"%PDF")
    repo = Repository(docs)
    # jekyll-scholar: ':' and whitespace in the key become '_' in the file name
    assert repo.files("papers", ".", "smith:2020") == {
        "pdf": "papers/smith_2020.pdf",
        "slides.pdf": "papers/smith_2020.slides.pdf",
    }
    assert repo.files("papers", "_", "smith") == {
        "2020.pdf": "papers/smith_2020.pdf",
        "2020.slides.pdf": "papers/smith_2020.slides.pdf",
    }
    assert repo.files("", ".", "other") == {}
    assert repo.files("missing", ".", "other") == {}


def test_repository_never_leaves_the_docs_folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "k.pdf").write_bytes(b"%PDF")
    os.symlink(outside, docs / "papers")
    repo = Repository(docs)
    assert repo.files("papers", ".", "k") == {}
    assert repo.files("../secret", ".", "k") == {}


def test_a_bibtex_file_that_cannot_be_written_is_said_not_raised(tmp_path):
    from mkdocs_scholar.scholar.reader import BIBTEX_DIR, Reader

    reader = Reader(
        bibtex_files={f"{BIBTEX_DIR}/a.bib": {"@misc{a,\n}": 1}, f"{BIBTEX_DIR}/b.bib": {"@misc{b,\n}": 1}}
    )
    (tmp_path / BIBTEX_DIR).mkdir(parents=True)
    (tmp_path / BIBTEX_DIR / "a.bib").mkdir()  # a folder where the file should go
    failed = reader.write_bibtex_files(tmp_path)
    assert len(failed) == 1 and failed[0].startswith(f"{BIBTEX_DIR}/a.bib: cannot be written")
    assert (tmp_path / BIBTEX_DIR / "b.bib").read_text(encoding="utf-8") == "@misc{b,\n}\n"


def test_bibtex_is_in_the_page_or_in_the_pages_bib_file():
    from mkdocs_scholar.scholar.reader import BIBTEX_DIR, Reader, ReaderOptions

    text = bibtex_text(entry(), [], ["{", "}"])
    inline = Reader(ReaderOptions()).entry_extras(
        "k", {}, "k", repository="", delimiter=".", site_root="./", bibtex=text
    )
    code = BeautifulSoup(markdown.markdown(inline), "html.parser").select_one(
        "details.scholar-bibtex pre code"
    )
    assert code.get_text() == text  # the Markdown step leaves it as written
    files: dict = {}
    reader = Reader(ReaderOptions(), bibtex_files=files).for_page("blog/post/")
    linked = reader.entry_extras("k", {}, "k", repository="", delimiter=".", site_root="../../", bibtex=text)
    link = BeautifulSoup(linked, "html.parser").select_one("details.scholar-bibtex a.scholar-bibtex-file")
    assert link["href"] == f"../../{BIBTEX_DIR}/blog~post.bib#1" and link["data-scholar-key"] == "k"
    assert files == {f"{BIBTEX_DIR}/blog~post.bib": {text: 1}}


def test_a_bibtex_file_named_outside_the_site_is_not_written(tmp_path):
    """The files are named from page URLs; a name that climbs out of the site is skipped, whatever it is."""
    from mkdocs_scholar.scholar.reader import BIBTEX_DIR, Reader

    site = tmp_path / "site"
    names = [f"{BIBTEX_DIR}/../../../../out.bib", "../out2.bib", "/abs.bib", f"{BIBTEX_DIR}/ok/./page.bib"]
    reader = Reader(bibtex_files={name: {"@misc{a,\n}": 1} for name in names})
    assert reader.write_bibtex_files(site) == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.bib")) == [
        f"site/{BIBTEX_DIR}/ok/page.bib"
    ]


def test_a_pages_bibtex_file_is_written_alone_and_let_go(tmp_path, monkeypatch):
    """The plugin writes a page's .bib file as soon as the page is rendered: the build does not hold every
    page's BibTeX until it ends (5.7 MB on the large bench site). Other pages' files wait their turn. Their
    folder is made once a build, not once a page (0.07-0.10 s of the large bench site's build)."""
    import pathlib

    from mkdocs_scholar.scholar.reader import BIBTEX_DIR, Reader, ReaderOptions

    made = []
    mkdir = pathlib.Path.mkdir
    monkeypatch.setattr(
        pathlib.Path, "mkdir", lambda self, *a, **k: made.append(self) or mkdir(self, *a, **k)
    )
    files: dict = {}
    reader = Reader(ReaderOptions(), bibtex_files=files)
    for url, key in (("blog/one/", "a"), ("blog/two/", "b")):
        reader.for_page(url).entry_extras(
            key, {}, key, repository="", delimiter=".", site_root="../../", bibtex=f"@misc{{{key},\n}}"
        )
    assert reader.write_bibtex_files(tmp_path, ["blog/one/"]) == []
    assert (tmp_path / BIBTEX_DIR / "blog~one.bib").read_text(encoding="utf-8") == "@misc{a,\n}\n"
    assert list(files) == [f"{BIBTEX_DIR}/blog~two.bib"]  # written: no longer held
    assert not (tmp_path / BIBTEX_DIR / "blog~two.bib").exists()
    assert made and made[0] == tmp_path / BIBTEX_DIR
    del made[:]
    assert reader.write_bibtex_files(tmp_path) == []  # the end of the build: the rest
    assert (tmp_path / BIBTEX_DIR / "blog~two.bib").read_text(encoding="utf-8") == "@misc{b,\n}\n"
    assert made == []  # the folder was made for the first file


def test_pages_bibtex_files_are_named_in_one_folder():
    """One folder for every page's file (a folder per page is made anew each build, ``sitefiles``); a
    name longer than a file system takes is cut and made unique by a hash of the whole URL."""
    from mkdocs_scholar.scholar.reader import BIBTEX_DIR, bibtex_file

    assert bibtex_file("") == f"{BIBTEX_DIR}/index.bib"
    assert bibtex_file("blog/2019/02/21/iclr/") == f"{BIBTEX_DIR}/blog~2019~02~21~iclr.bib"
    assert bibtex_file("about.html") == f"{BIBTEX_DIR}/about.html.bib"
    long_a, long_b = ("blog/" + "é" * 150 + f"/{n}/" for n in "ab")
    names = [bibtex_file(url).rsplit("/", 1)[1] for url in (long_a, long_b)]
    assert names[0] != names[1]
    assert all(len(name.encode("utf-8")) <= 255 - 20 and name.endswith(".bib") for name in names)
