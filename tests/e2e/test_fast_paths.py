"""What makes builds fast must not change what they make: a bibliography carried past Markdown's HTML
parser (rawhtml.py) and a long bibliography formatted by worker processes (pool.py)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from mkdocs_scholar.scholar import pool
from tests.conftest import run_mkdocs

BIB = """\
@article{lovelace1843,
  author = {Lovelace, Ada},
  title = {Notes by the Translator on the {Analytical Engine}},
  journal = {Scientific Memoirs},
  year = {1843},
  volume = {3},
  pages = {666--731}
}
"""

POST = """\
---
title: Engines
date: 2024-03-01
---

As Lovelace wrote {% cite lovelace1843 %}, the engine *weaves* patterns.

{% bibliography --cited %}

The tag above makes this HTML:

```html
{% bibliography --cited %}
```
"""


def blog_site(root: Path) -> Path:
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (root / "_bibliography").mkdir()
    (root / "_bibliography" / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (posts / "engines.md").write_text(POST, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Fast paths\ntheme:\n  name: material\nplugins:\n  - blog\n  - scholar\n"
        "markdown_extensions:\n  - pymdownx.superfences\n",
        encoding="utf-8",
    )
    return root


def test_a_bibliography_reaches_the_post_and_the_blog_index_unparsed(tmp_path):
    root = blog_site(tmp_path / "s")
    result = run_mkdocs(root)
    assert result.returncode == 0, result.log
    post = next((root / "site" / "blog").glob("2024/03/01/*/index.html"))
    for path in (post, root / "site" / "blog" / "index.html"):
        text = path.read_text(encoding="utf-8")
        assert "scholar-html" not in text and "\x02" not in text and "wzxhzdk" not in text, path
        page = BeautifulSoup(text, "html.parser")
        entry = page.select_one("ol.bibliography li span#lovelace1843")
        assert entry is not None and "Analytical Engine" in entry.get_text(), path
        assert page.select_one("a.citation") is not None and page.find("em", string="weaves") is not None
        # The tag inside the code block shows the HTML it made, as code, as Jekyll shows it.
        codes = [c.get_text() for c in page.find_all("code")]
        assert any('<ol class="bibliography">' in c and "Analytical Engine" in c for c in codes), path


def generated_bib(count: int) -> str:
    """Made-up entries, each different in authors, title, year and type."""
    out = []
    for i in range(count):
        kind = ("article", "book", "inproceedings")[i % 3]
        venue = {"article": "journal", "book": "publisher", "inproceedings": "booktitle"}[kind]
        out.append(
            f"@{kind}{{key{i},\n  author = {{Author{i % 37}, Given and Second{i % 11}, Other}},\n"
            f"  title = {{Study number {i} of {{DNA}} \\emph{{in vitro}}}},\n"
            f"  {venue} = {{Venue {i % 7}}},\n  year = {{{1950 + i % 70}}}\n}}\n"
        )
    return "\n".join(out)


def test_workers_make_the_same_long_bibliography_as_one_process(tmp_path, monkeypatch):
    count = pool.PARALLEL_MIN + 60
    pages = {}
    for workers, style in (("0", "apa"), ("1", "apa"), ("0", "ieee"), ("1", "ieee")):
        root = tmp_path / f"w{workers}-{style}"
        (root / "docs").mkdir(parents=True)
        (root / "_bibliography").mkdir()
        (root / "_bibliography" / "references.bib").write_text(generated_bib(count), encoding="utf-8")
        (root / "docs" / "index.md").write_text("# All\n\n{% bibliography %}\n", encoding="utf-8")
        (root / "mkdocs.yml").write_text(
            f"site_name: Workers\ntheme:\n  name: material\n"
            f"plugins:\n  - scholar:\n      style: {style}\n      cache: false\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("MKDOCS_SCHOLAR_WORKERS", workers)
        result = run_mkdocs(root, verbose=True)
        assert result.returncode == 0, result.log
        forked = f"formatting {count} entries in this process and 1 worker processes" in result.log
        assert forked == (workers == "1"), result.log[-2000:]
        page = BeautifulSoup((root / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
        items = page.select("ol.bibliography > li")
        assert len(items) == count
        pages[workers, style] = [str(li) for li in items]
    assert pages["0", "apa"] == pages["1", "apa"]
    assert pages["0", "ieee"] == pages["1", "ieee"]
    assert pages["0", "apa"] != pages["0", "ieee"]


def test_a_tab_in_front_matter_is_read_as_materials_blog_reads_it(tmp_path):
    """libyaml (our fast reader) accepts a tab the pure-Python parser refuses; Material's blog reads posts
    with the latter. Both must agree, or the blog stops the build on a post we thought was fine."""
    root = blog_site(tmp_path / "s")
    post = root / "docs" / "blog" / "posts" / "engines.md"
    post.write_text(POST.replace("title: Engines", "title:\tEngines"), encoding="utf-8")
    result = run_mkdocs(root, strict=False)
    assert result.returncode == 0, result.log
    assert any("front matter is not valid YAML" in w for w in result.warnings), result.log


def test_a_cold_blog_build_formats_its_citations_ahead(tmp_path):
    """The plugin hands every page to the prefetch (after the blog plugin has placed the posts)."""
    root = blog_site(tmp_path / "s")
    (root / "_bibliography" / "references.bib").write_text(generated_bib(200), encoding="utf-8")
    posts = root / "docs" / "blog" / "posts"
    (posts / "engines.md").unlink()
    for n in range(40):
        keys = " ".join(f"key{5 * n + i}" for i in range(5))
        text = f"---\ntitle: Post {n}\ndate: 2024-01-{1 + n % 28:02d}\n---\n\nSee {{% cite {keys} %}}.\n\n"
        (posts / f"post-{n}.md").write_text(text + "{% bibliography --cited %}\n", encoding="utf-8")
    result = run_mkdocs(root, verbose=True)
    assert result.returncode == 0, result.log[-3000:]
    assert "formatted 400 citations and entries ahead of the pages" in result.log


WIDE_BIB = """\
@book{capek1921,
  author = {{\\v{C}}apek, Karel},
  title = {R.U.R. {\\textendash} Rossum's Universal Robots},
  publisher = {Aventinum},
  year = {1921},
  pages = {3--17}
}
"""


def test_what_the_engine_writes_keeps_a_latin1_page_narrow(tmp_path):
    """MkDocs and Material keep every page's Markdown and HTML for the whole build, and Python stores a
    string at the width of its widest character: the engine writes characters beyond Latin-1 (an en dash,
    a Č, the backlink arrow) as character references. The reader sees the same text, and a fenced code
    block showing the tag's HTML shows the characters themselves."""
    root = blog_site(tmp_path / "s")
    (root / "_bibliography" / "references.bib").write_text(WIDE_BIB, encoding="utf-8")
    post = root / "docs" / "blog" / "posts" / "engines.md"
    post.write_text(POST.replace("lovelace1843", "capek1921"), encoding="utf-8")
    result = run_mkdocs(root)
    assert result.returncode == 0, result.log
    text = next((root / "site" / "blog").glob("2024/03/01/*/index.html")).read_text(encoding="utf-8")
    article = text[text.index("<article") : text.index("</article>")]
    # No character beyond Latin-1 in the page's content, but for the code block that shows them.
    article[: article.index("The tag above makes this HTML")].encode("latin-1")
    page = BeautifulSoup(article, "html.parser")
    assert page.select_one("a.citation").get_text() == "(Čapek, 1921)"
    entry = page.select_one("ol.bibliography li span#capek1921").get_text()
    assert "Čapek, K. (1921). R.U.R. – Rossum" in entry, entry
    assert page.select_one(".scholar-backlinks a").get_text() == "↩"
    code = next(c.get_text() for c in page.find_all("code") if "bibliography" in c.get_text())
    assert "Čapek, K. (1921). <i>R.U.R. – Rossum" in code and "(pp. 3–17)" in code and "&#8" not in code, code
