"""Hostile input through real builds: nothing injected, nothing read from outside the site, the same bytes
twice.

Every payload carries the word PWNED, so the checks can tell our payloads from Material's own scripts: no
element, attribute or link built from a payload may be live in any built page (text showing the payload is
fine: that is what escaping gives).
"""

from __future__ import annotations

import filecmp
import os
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import SITES, copy_site, run_mkdocs

BASIC = SITES / "basic"

SCRIPT = "<script>alert('PWNED')</script>"
IMG = "<img src=x onerror=alert('PWNED')>"
BREAK = "\"'><svg onload=alert('PWNED')>"
MD_LINK = "[PWNED](javascript:alert(1))"
ATTR = "*PWNED*{: onclick=alert(1) }"
PAYLOADS = [SCRIPT, IMG, BREAK, MD_LINK, ATTR]

# Every field the .bib → CSL mapping reads (scholar/csl_json.py), names included.
TEXT_FIELDS = """title subtitle titleaddon shorttitle journal journaltitle journalsubtitle booktitle
    booksubtitle maintitle publisher address location edition volume number issue pages series note addendum
    howpublished institution organization school chapter isbn issn abstract keywords language type version
    eventtitle venue origtitle annote eprint eprintclass""".split()
NAME_FIELDS = "author editor translator bookauthor".split()
URL_FIELDS = {
    "url": ["javascript:alert('PWNED')", "data:text/html,<script>alert('PWNED')</script>", " javascript:x"],
    "doi": ["javascript:alert('PWNED')", "10.1000/x\"><script>alert('PWNED')</script>"],
}


def _bib() -> str:
    entries = []
    n = 0
    for field in TEXT_FIELDS + NAME_FIELDS:
        for payload in PAYLOADS:
            n += 1
            value = payload.replace("{", "\\{").replace("}", "\\}")
            year = "" if field == "year" else "year = {2020},"
            entries.append(f"@book{{k{n}, title = {{T{n}}}, {year} {field} = {{{value}}}}}")
    for field, values in URL_FIELDS.items():
        for value in values:
            n += 1
            entries.append(f"@misc{{k{n}, title = {{T{n}}}, year = {{2020}}, {field} = {{{value}}}}}")
    # keys that would break out of id="…" and href="#…"
    entries.append("@misc{q\"onmouseover=\"alert('PWNED'), title = {Quote key}, year = {2020}}")
    entries.append("@misc{q'><script>alert('PWNED')</script>, title = {Angle key}, year = {2020}}")
    return "\n".join(entries) + "\n"


def _hostile_site(tmp_path: Path) -> Path:
    root = copy_site(
        BASIC,
        tmp_path / "site-src",
        scholar={
            "bibliography": "hostile.bib",
            "missing_reference": SCRIPT,
            "cite_class": BREAK,
            "bibliography_class": BREAK,
            "details_link": SCRIPT,
            "details_link_class": BREAK,
            "bibliography_list_attributes": {"data-x": BREAK},
            "bibliography_item_attributes": {"title": BREAK},
            "bibliography_list_tag": "ol onclick=alert('PWNED')",
            "reference_tagname": "span onclick=alert('PWNED')",
        },
    )
    (root / "_bibliography" / "hostile.bib").write_text(_bib(), encoding="utf-8")
    posts = root / "docs" / "blog" / "posts"
    front = textwrap.dedent(
        f"""\
        ---
        title: "{BREAK.replace('"', "&quot;")} </title>{SCRIPT}"
        description: '{BREAK.replace("'", "''")}'
        author: '{BREAK.replace("'", "''")}'
        tags: ["{IMG}", "x"]
        categories: ["</title>{SCRIPT}"]
        ---
        """
    )
    body = textwrap.dedent(
        f"""\
        All of them: {{% nocite * %}}

        {{% cite k1 --prefix {BREAK} %}} {{% cite k2 -l {SCRIPT} -L {SCRIPT} %}} {{% cite nosuchkey %}}

        {{% cite_details k1 --text {SCRIPT} %}}

        {{% reference k3 %}}

        {{% quote k4 %}}Quoted{{% endquote %}}

        {{% bibtex %}}@misc{{inline1, title = {{{SCRIPT}}},
        url = {{javascript:alert('PWNED')}}}}{{% endbibtex %}}

        {{% bibliography --cited -h ul onclick=alert('PWNED') %}}

        {{% bibliography --cited --style ieee --prefix ieee --template <b>{{{{ entry.title }}}}</b>
          {{{{ entry.author }}}} {{{{ entry.bibtex }}}} {{{{ key }}}} {{{{ reference }}}} %}}
        """
    )
    (posts / "2022-02-02-hostile.md").write_text(front + "\n" + body, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    build = run_mkdocs(_hostile_site(tmp_path_factory.mktemp("hostile")), strict=False)
    assert build.returncode == 0, build.log
    assert "Traceback" not in build.log
    return build


def _pages(build) -> list[tuple[str, BeautifulSoup]]:
    return [
        (p.relative_to(build.site).as_posix(), BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser"))
        for p in sorted(build.site.rglob("*.html"))
    ]


def test_the_hostile_post_is_built_with_its_entries(hostile):
    soup = hostile.soup(hostile.find_page(r"blog/2022/02/02/"))
    # the payloads are there, as text
    assert "alert('PWNED')" in soup.get_text()
    # every entry (one per field and payload) is listed under its key
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert {f"k{n}" for n in range(1, len(TEXT_FIELDS + NAME_FIELDS) * len(PAYLOADS) + 1)} <= ids


def test_no_payload_becomes_an_element(hostile):
    for path, soup in _pages(hostile):
        for tag in soup.find_all(["script", "iframe", "svg", "img", "object", "embed"]):
            assert "PWNED" not in (tag.string or "") and "PWNED" not in str(tag.attrs), (path, str(tag)[:200])


def test_no_payload_becomes_an_attribute(hostile):
    # A payload inside an attribute's value is harmless; one that made its own attribute is not.
    for path, soup in _pages(hostile):
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not (name.lower().startswith("on") and "PWNED" in text), (path, str(tag)[:200])
                assert "PWNED" not in name, (path, str(tag)[:200])


def test_links_from_bib_data_are_only_http_or_doi(hostile):
    soup = hostile.soup(hostile.find_page(r"blog/2022/02/02/"))
    article = soup.select_one("article") or soup
    for a in article.find_all("a", href=True):
        href = a["href"].strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), str(a)[:200]
        if "://" in href:
            assert href.startswith(("http://", "https://")), str(a)[:200]


def test_front_matter_values_are_text_in_every_page(hostile):
    for path, soup in _pages(hostile):
        title = soup.find("title")
        if title is not None:
            assert "<script" not in "".join(str(c) for c in title.contents if c.name), path
        description = soup.find("meta", attrs={"name": "description"})
        if description is not None and "PWNED" in description.get("content", ""):
            # the whole payload stayed inside the attribute
            assert description["content"].startswith("\"'><svg"), (path, description)


# -- confinement --------------------------------------------------------------------------------------
def test_nothing_outside_the_site_folder_is_read(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.html").write_text("SECRET-TEXT", encoding="utf-8")
    (secret / "outside.bib").write_text("@misc{secretkey, title = {SECRET-TEXT}}", encoding="utf-8")
    (secret / "style.csl").write_text("<style>SECRET-TEXT</style>", encoding="utf-8")
    root = copy_site(BASIC, tmp_path / "site-src")
    (root / "_includes").mkdir()
    (root / "_layouts").mkdir()
    os.symlink(secret / "passwd.html", root / "_includes" / "link.html")
    os.symlink(secret / "passwd.html", root / "_layouts" / "link.html")
    os.symlink(secret / "outside.bib", root / "_bibliography" / "link.bib")
    os.symlink(secret / "style.csl", root / "link.csl")
    os.symlink(secret, root / "_bibliography" / "dir")
    rel = os.path.relpath(secret, root / "_bibliography")
    (root / "docs" / "blog" / "posts" / "2022-03-03-escape.md").write_text(
        textwrap.dedent(
            f"""\
            # Escape

            {{% include link.html %}} {{% include ../../secret/passwd.html %}}
            {{% include {secret}/passwd.html %}} {{% include_relative {secret}/passwd.html %}}
            {{% include_relative ../../../../secret/passwd.html %}}
            {{% cite secretkey --file link %}} {{% cite secretkey --file {rel}/outside %}}
            {{% cite secretkey --file {secret}/outside.bib %}} {{% cite secretkey --file dir/outside %}}
            {{% cite finnModelAgnosticMetaLearning2017 --style link %}}
            {{% cite finnModelAgnosticMetaLearning2017 --style {secret}/style.csl %}}
            {{% bibliography --cited -T link %}}
            """
        ),
        encoding="utf-8",
    )
    build = run_mkdocs(root, strict=False)
    assert build.returncode == 0, build.log
    assert "Traceback" not in build.log
    for page in build.site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".json", ".xml"):
            assert "SECRET-TEXT" not in page.read_text(encoding="utf-8", errors="replace"), page
    log = "\n".join(build.warnings)
    assert "include file 'link.html' not found in _includes/" in log
    assert "bibliography 'link' is outside the site folder" in log
    assert "bibliography 'dir/outside' is outside the site folder" in log
    assert "CSL style 'link' not found" in log
    assert "bibliography template 'link' not found" in log


def test_a_glob_in_the_bibliography_setting_stays_in_the_site_folder(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "outside.bib").write_text("@misc{secretkey, title = {SECRET-TEXT}}", encoding="utf-8")
    root = copy_site(BASIC, tmp_path / "site-src", scholar={"bibliography": "../../secret/*.bib"})
    build = run_mkdocs(root, strict=False)
    assert "Traceback" not in build.log
    assert any("no .bib file matches '../../secret/*.bib'" in w for w in build.warnings), build.log
    for page in build.site.rglob("*.html"):
        assert "SECRET-TEXT" not in page.read_text(encoding="utf-8")


# -- determinism --------------------------------------------------------------------------------------
def test_two_builds_of_the_same_site_are_byte_identical(tmp_path):
    root = copy_site(BASIC, tmp_path / "site-src")
    (root / "docs" / "blog" / "posts" / "2022-04-04-many.md").write_text(
        "{% nocite * %}{% bibliography --cited %}\n\n{% bibliography --style ieee --prefix i %}\n"
        "{% for p in site.data %}{{ p }}{% endfor %}{{ site | jsonify | size }}\n",
        encoding="utf-8",
    )
    first = run_mkdocs(root)
    assert first.returncode == 0, first.log
    (root / "site").rename(root / "site-1")
    second = run_mkdocs(root)
    assert second.returncode == 0, second.log
    pages = sorted(p.relative_to(root / "site") for p in (root / "site").rglob("*.html"))
    assert len(pages) > 5
    changed = [
        str(p) for p in pages if not filecmp.cmp(root / "site" / p, root / "site-1" / p, shallow=False)
    ]
    assert changed == []
    index = Path("search", "search_index.json")
    assert filecmp.cmp(root / "site" / index, root / "site-1" / index, shallow=False)
