"""``mkdocs_scholar.extension`` run the way Zensical runs it, in process: one Markdown instance per page, with
the page given by Zensical's rendering context (``zensical.extensions.context``, as in
``zensical/markdown/render.py``). Whole Zensical builds are in tests/e2e/test_generators.py."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from markdown import Markdown

from mkdocs_scholar import extension
from mkdocs_scholar.scholar import engine
from mkdocs_scholar.scholar.cache import Store
from tests.conftest import EXAMPLE

context = pytest.importorskip(
    "zensical.extensions.context", reason="zensical is in the test extra: pip install -e '.[test]'"
)

FINN = "finnModelAgnosticMetaLearning2017"
EXT = "mkdocs_scholar.extension"


@pytest.fixture(autouse=True)
def fresh_extension_state():
    """The extension keeps build state on its class (one per process); each test starts without any."""
    saved = (dict(extension.ScholarExtension._builds), extension.ScholarExtension._store)
    extension.ScholarExtension._builds.clear()
    extension.ScholarExtension._store = Store(None)
    extension.ScholarExtension._said.clear()
    yield
    extension.ScholarExtension._builds.clear()
    extension.ScholarExtension._builds.update(saved[0])
    extension.ScholarExtension._store = saved[1]


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    (root / "docs" / "blog" / "posts").mkdir(parents=True)
    shutil.copytree(EXAMPLE / "_bibliography", root / "_bibliography")
    return root


def write_post(root: Path, name: str, text: str) -> str:
    path = f"blog/posts/{name}"
    (root / "docs" / path).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def convert(root: Path, path: str, url: str, body: str, meta: dict | None = None, **options: object) -> str:
    """One page, as Zensical renders it: the context extension first, then the configured extensions."""
    config = {"root_dir": str(root), "docs_dir": "docs", "site_url": "https://example.org/sub/", "extra": {}}
    page = context.Page(url=url, path=path, meta=meta or {})
    md = Markdown(
        extensions=[context.ContextExtension(page=page, config=config), "md_in_html", EXT],
        extension_configs={EXT: options},
    )
    return md.convert(body)


def test_each_bib_file_is_parsed_once_for_all_pages_of_a_build(site, monkeypatch):
    parses, states = [], []
    real_load, real_state = engine.load_bib_file, extension.BuildState
    monkeypatch.setattr(engine, "load_bib_file", lambda *a, **k: parses.append(a) or real_load(*a, **k))
    monkeypatch.setattr(extension, "BuildState", lambda *a, **k: states.append(a) or real_state(*a, **k))
    for n in range(3):
        html = convert(site, f"blog/posts/p{n}.md", f"blog/p{n}/", f"See {{% cite {FINN} %}}.")
        assert f'href="#{FINN}"' in html
    # Zensical makes a new extension object per page; one build state (its .bib, styles, Liquid) serves all.
    assert len(parses) == 1
    assert len(states) == 1


def test_a_bib_file_edited_between_pages_is_read_again(site):
    bib = site / "_bibliography" / "references.bib"
    first = convert(site, "a.md", "a/", f"{{% reference {FINN} %}}")
    assert "Model-Agnostic Meta-Learning" in first
    bib.write_text(bib.read_text(encoding="utf-8").replace("Model-Agnostic", "Edited"), encoding="utf-8")
    stat = bib.stat()
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a later time, as an edit gives
    second = convert(site, "a.md", "a/", f"{{% reference {FINN} %}}")
    assert "Edited Meta-Learning" in second


@pytest.mark.parametrize("blank_lines_kept", [0, 1])
def test_a_warning_names_the_line_in_the_source_file(site, caplog, blank_lines_kept):
    path = write_post(
        site,
        "2021-06-01-missing.md",
        """
        ---
        title: Missing
        date: 2021-06-01
        ---

        First line.

        See {% cite nosuchkey2020 %} here.
        """,
    )
    # Zensical passes the body without front matter; whether it keeps the blank line after the front matter
    # or not, the line is the file's: 4 lines of front matter, a blank line, "First line.", a blank, the cite.
    body = "\n" * blank_lines_kept + "First line.\n\nSee {% cite nosuchkey2020 %} here.\n"
    html = convert(site, path, "blog/2021/06/01/missing/", body)
    assert "See (missing reference) here." in html
    assert f"{path}:8: citation key 'nosuchkey2020' not found" in caplog.text


def test_math_and_its_loader_only_on_pages_that_ask(site):
    maths = convert(site, "m.md", "m/", "Loss $x^2$ here.", meta={"use_math": True})
    assert '<span class="arithmatex">' in maths
    assert "mkdocs_scholar: load MathJax" in maths
    money = convert(site, "n.md", "n/", "It cost $5 and $10.")
    assert "It cost $5 and $10." in money
    assert "arithmatex" not in money and "MathJax" not in money


def test_a_relative_mathjax_url_is_taken_from_the_site_root(site):
    html = convert(
        site,
        "blog/posts/x.md",
        "blog/2021/01/02/x/",
        "$x$",
        meta={"math": True},
        mathjax_url="assets/mathjax/tex-mml-chtml.js",
    )
    # The loader is inline, so the URL it gets is made relative to the page: five folders up to the root.
    assert '"../../../../../assets/mathjax/tex-mml-chtml.js"' in html


def test_site_url_in_raw_html_is_relative_to_the_source_file(site):
    # Zensical rewrites src/href in raw HTML from the source file (as it does Markdown links), unlike MkDocs.
    html = convert(site, "blog/posts/x.md", "blog/2021/01/02/x/", '<img src="{{ site.url }}/a.png" alt="a">')
    assert 'src="../../a.png"' in html


def test_an_unknown_setting_is_said_once_not_per_page(site, caplog):
    for n in range(2):
        convert(site, f"p{n}.md", f"p{n}/", "text", last_name="Doe")
    assert caplog.text.count("'last_name' is not a jekyll-scholar setting") == 1, caplog.text


def test_published_false_is_said_since_zensical_would_publish_the_page(site, caplog):
    convert(site, "blog/posts/x.md", "x/", "text", meta={"published": False})
    assert "blog/posts/x.md: 'published: false' is Jekyll's" in caplog.text
    caplog.clear()
    convert(site, "blog/posts/y.md", "y/", "text", meta={"published": False, "draft": True})
    assert "published" not in caplog.text


def test_without_zensical_the_extension_leaves_the_page_alone_and_says_why(caplog):
    html = Markdown(extensions=[EXT]).convert(f"See {{% cite {FINN} %}}.")
    assert "{% cite" in html
    assert "use the plugin" in caplog.text
