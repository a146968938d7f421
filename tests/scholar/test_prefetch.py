"""prefetch: a cold build's plain citations formatted ahead; the pages then read them, unchanged."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
from mkdocs_scholar.scholar import pool
from mkdocs_scholar.scholar.cache import Store
from mkdocs_scholar.scholar.prefetch import plain_cites
from mkdocs_scholar.scholar.settings import ScholarSettings
from tests.e2e.test_fast_paths import generated_bib

# 100 pages, each citing three works plainly and one with a locator, and listing what it cites.
PAGES = [
    f"{{% cite key{i} key{i + 1} %}} and {{%- cite key{i + 2} -%}}, {{% cite key{i} -l 4 %}}.\n\n"
    "{% bibliography --cited %}\n"
    for i in range(0, 300, 3)
]


def test_plain_cites_are_the_keys_of_tags_without_options():
    text = "{% cite a b %} {%- cite c -%} {% cite d --locator 5 %} {% cite e -l 3 %} {% nocite f %}"
    assert plain_cites(text) == ["a", "b", "c"]


def build_state(root, style: str) -> BuildState:
    settings, _ = ScholarSettings.from_mapping({"style": style})
    return BuildState(SiteFacts(root=root), settings, store=Store(None))


def render_all(build: BuildState) -> list[str]:
    return [render_page(t, PageInput(f"p{i}.md", f"p{i}/"), build).markdown for i, t in enumerate(PAGES)]


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_pages_read_what_was_formatted_ahead_and_show_the_same(tmp_path, style):
    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(generated_bib(310), encoding="utf-8")
    plain = render_all(build_state(tmp_path, style))
    ahead = build_state(tmp_path, style)
    assert ahead.prefetch(PAGES) >= pool.PARALLEL_MIN
    assert render_all(ahead) == plain
    # Mark every text made ahead: the pages show the marks where the guess was right (plain cites,
    # listed entries), and format a cite with a locator themselves.
    marked = build_state(tmp_path, style)
    marked.prefetch(PAGES)
    for shard in marked.library.store._shards.values():
        for value in shard.entries.values():
            value[0] = f"AHEAD[{value[0]}]"
    page = BeautifulSoup(render_all(marked)[0], "html.parser")
    cites = [a.get_text() for a in page.select("a.citation")]
    assert len(cites) == 4 and all("AHEAD[" in c for c in cites[:3]) and "AHEAD[" not in cites[3], cites
    entries = [li.get_text() for li in page.select("ol.bibliography li")]
    assert len(entries) == 3 and all("AHEAD[" in e for e in entries), entries


def test_pages_are_checked_against_the_store_a_chunk_at_a_time(tmp_path, monkeypatch):
    """The store is asked which texts it lacks every few hundred pages, so a warm build never holds all
    of a large site's cache keys at once. A key asked about in two chunks is formatted once, and the
    result is what one check of all pages made."""
    from mkdocs_scholar.scholar import prefetch
    from mkdocs_scholar.scholar.cache import Texts

    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(generated_bib(310), encoding="utf-8")
    whole = build_state(tmp_path, "ieee")
    made = whole.prefetch(PAGES + PAGES)
    asked: list[int] = []
    real_missing = Texts.missing

    def missing(self, keys):
        asked.append(len(keys))
        return real_missing(self, keys)

    monkeypatch.setattr(prefetch, "_CHUNK", 25)
    monkeypatch.setattr(Texts, "missing", missing)
    chunked = build_state(tmp_path, "ieee")
    assert chunked.prefetch(PAGES + PAGES) == made >= pool.PARALLEL_MIN
    assert len(asked) > 10 and max(asked) < 40, asked
    assert render_all(chunked) == render_all(whole)


def test_the_prefetch_waits_for_the_first_page_that_formats_and_a_warm_build_has_none(tmp_path, monkeypatch):
    """The generator asks for it at the start of the build; it runs when the first page formats something.
    A warm build, every page put together from its kept result, reads no page for it; a page whose tags
    changed makes the next build run it once."""
    from mkdocs_scholar.scholar import prefetch

    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(generated_bib(310), encoding="utf-8")
    plain = render_all(build_state(tmp_path, "apa"))
    settings, _ = ScholarSettings.from_mapping({"style": "apa"})
    runs: list[int] = []
    real = prefetch.prefetch
    monkeypatch.setattr(prefetch, "prefetch", lambda *a: runs.append(1) or real(*a))
    pages = list(PAGES)
    for label, expect_runs in (("cold", 1), ("warm", 1), ("edited", 2)):
        if label == "edited":
            pages[5] = pages[5].replace("-l 4", "-l 5")
        build = BuildState(SiteFacts(root=tmp_path), settings, store=Store(tmp_path / "cache"))
        read: list[int] = []
        build.prefetch_when_needed(read.append(i) or text for i, text in enumerate(pages))
        shown = [render_page(t, PageInput(f"p{i}.md", f"p{i}/"), build).markdown for i, t in enumerate(pages)]
        build.library.finish()
        assert len(runs) == expect_runs, label
        assert read == ([] if label == "warm" else list(range(len(pages)))), label
        if label != "edited":
            assert shown == plain, label
