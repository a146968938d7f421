"""The cache store, parallel formatting and numbering, without MkDocs."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_scholar.scholar import cache, csl, engine
from mkdocs_scholar.scholar.bibtex import parse_bib_text
from mkdocs_scholar.scholar.cache import ParsedBib, Store, entry_digest
from mkdocs_scholar.scholar.engine import _key_bytes

BIB = "\n".join(
    f"@article{{k{i}, author = {{Writer{i}, Ann}}, title = {{Title {i}}}, journal = {{J}}, "
    f"year = {{{2000 + i}}}}}"
    for i in range(30)
)


def test_entry_digest_follows_content_not_position():
    first = parse_bib_text(BIB, "a.bib").entries["k3"]
    moved = parse_bib_text("@misc{other, title = {x}}\n\n" + BIB, "a.bib").entries["k3"]
    edited = parse_bib_text(BIB.replace("Title 3}", "Title three}"), "a.bib").entries["k3"]
    assert moved.line != first.line and entry_digest(moved) == entry_digest(first)
    assert entry_digest(edited) != entry_digest(first)


def test_texts_unused_for_some_builds_are_dropped_from_memory_and_disk(tmp_path):
    store = Store(tmp_path)
    store.texts("style", "en").put("old", "<i>old</i>")
    store.finish_build()
    for _ in range(cache.KEEP_BUILDS):
        store.texts("style", "en").put("new", "new")  # used in every build; "old" never again
        assert store.texts("style", "en").get("new") == "new"
        store.finish_build()
    assert store.texts("style", "en").get("old") is None
    assert Store(tmp_path).texts("style", "en").get("old") is None  # gone from disk too
    assert Store(tmp_path).texts("style", "en").get("new") == "new"


def test_texts_are_read_from_disk_one_by_one_and_reading_keeps_them(tmp_path):
    """A build (a new process each time) that only reads a text keeps it on disk for the next; what it
    read is not held in memory, and asking whether a text is stored reads nothing."""
    first = Store(tmp_path)
    first.texts("style", "en").put("used", "<i>used</i>")
    first.texts("style", "en").put("unused", "x")
    first.finish_build()
    for _ in range(cache.KEEP_BUILDS + 2):
        store = Store(tmp_path)
        texts = store.texts("style", "en")
        # dropped at the end of the KEEP_BUILDS-th build after the one that made it
        assert (texts.missing(["unused"]) == []) == (store.generation <= cache.KEEP_BUILDS)
        assert texts.get("used") == "<i>used</i>" and texts.missing(["used", "nope", "used"]) == ["nope"]
        assert store._shards and not any(shard.entries for shard in store._shards.values())
        store.finish_build()
    assert Store(tmp_path).texts("style", "en").get("used") == "<i>used</i>"
    assert Store(tmp_path).texts("style", "en").get("unused") is None


def test_texts_a_serve_process_keeps_using_from_memory_stay_on_disk(tmp_path):
    """`serve` reads a text it made from memory at every rebuild; the file must hear of that use, or it
    drops the text and the next `mkdocs build` formats it again."""
    store = Store(tmp_path)
    store.texts("style", "en").put("k", "text")
    store.finish_build()
    for _ in range(cache.KEEP_BUILDS + 3):
        assert store.texts("style", "en").get("k") == "text"
        store.finish_build()
        assert Store(tmp_path).texts("style", "en").missing(["k"]) == []


def test_parsed_files_not_used_by_a_build_leave_memory(tmp_path):
    """What keeps `mkdocs serve` from growing: a .bib no longer used is not kept in memory."""
    store = Store(None)
    parsed = ParsedBib.of(parse_bib_text(BIB, "a.bib"))
    store.store_bib("digest-1", "a.bib", parsed)
    store.finish_build()
    assert store.parsed_bib("digest-1", "a.bib") is parsed  # used again in this build: kept
    store.finish_build()
    store.finish_build()  # a build that did not load it
    assert store.parsed_bib("digest-1", "a.bib") is None


def test_parsed_file_is_read_back_from_disk(tmp_path):
    parsed = ParsedBib.of(parse_bib_text(BIB, "a.bib"))
    Store(tmp_path).store_bib("d", "a.bib", parsed)
    again = Store(tmp_path).parsed_bib("d", "a.bib")
    assert again is not None and list(again.file.entries) == list(parsed.file.entries)
    assert {k: again.file.entries.digest(k) for k in again.file.entries} == parsed.digests
    assert Store(tmp_path).parsed_bib("d", "other-label.bib") is None


def _jobs(n: int) -> list[csl.EntryJob]:
    entries = parse_bib_text(BIB, "a.bib").entries
    return [csl.EntryJob(k.lower(), i + 1, True, entry=e) for i, (k, e) in enumerate(entries.items())][:n]


def test_numbering_looks_up_positions_like_list_index():
    keys = csl._Numbering(["a", "b", "a", "c"])
    assert [keys.index(k) for k in "abc"] == [0, 1, 3]
    with pytest.raises(ValueError):
        keys.index("zzz")


LINKED = """\
@set{both, entryset = {first,second}}
@article{first, author = {Glashow, Sheldon}, title = {Partial symmetries}, journal = {Nucl. Phys.},
  year = {1961}, related = {second}}
@article{second, author = {Weinberg, Steven}, title = {A model of leptons}, journal = {Phys. Rev. Lett.},
  year = {1967}, related = {first}}
"""


def test_a_file_read_back_from_disk_unpickles_only_the_entries_read(tmp_path):
    parsed = ParsedBib.of(parse_bib_text(BIB + "\n" + LINKED, "a.bib"))
    Store(tmp_path).store_bib("d", "a.bib", parsed)
    stored = Store(tmp_path).parsed_bib("d", "a.bib")
    entries = stored.file.entries
    assert isinstance(entries, cache.DiskEntries)
    # A @set's members, an entry's digest and a key in another case are known without reading the entry
    # (a citation asks for them)
    from mkdocs_scholar.scholar.engine import LoadedBib

    loaded = LoadedBib("a.bib", stored.file)
    assert loaded.member_keys("both") == ["first", "second"]
    assert loaded.member_keys("k1") == [] and not entries._loaded
    assert loaded.digest("k7") == parsed.digests["k7"] and loaded.find("K7") == "k7"
    assert loaded.find("nope") is None and not entries._loaded
    assert list(entries) == list(parsed.file.entries) and len(entries) == len(parsed.file.entries)
    assert "k7" in entries and "nope" not in entries and entries.get("nope") is None
    assert entries["k7"] == parsed.file.entries["k7"]
    assert set(entries._loaded) == {"k7"}  # the 32 others are still on disk
    # Links between entries come back, cycles included (first <-> second), as the same objects.
    first = entries["first"]
    assert [e.key for e in first.related] == ["second"] and first.related[0].related[0] is first
    assert [e.key for e in entries["both"].members] == ["first", "second"]
    assert entries["both"].members[0] is first
    assert {k: entry_digest(v) for k, v in entries.items()} == parsed.digests


def test_a_stored_file_is_read_from_a_folder_whose_name_a_uri_would_misread(tmp_path):
    """The stored file is opened by URI: a cache folder whose name holds "#", "?" or "%" before two hex
    digits is still read (each of them broke the old ``file:<path>`` URI, and the .bib was parsed again in
    every build)."""
    folder = tmp_path / "my blog #2? %41"
    parsed = ParsedBib.of(parse_bib_text(BIB, "a.bib"))
    Store(folder).store_bib("d", "a.bib", parsed)
    stored = Store(folder).parsed_bib("d", "a.bib")
    assert stored is not None and isinstance(stored.file.entries, cache.DiskEntries)
    assert stored.file.entries["k3"] == parsed.file.entries["k3"]


def test_a_stored_file_replaced_while_open_is_read_as_it_was(tmp_path):
    """Stored files are opened ``immutable`` (no locks or change checks per query): that holds because a
    file is only ever replaced whole, by a rename, and an open connection goes on reading the file it
    opened, complete and unchanged."""
    first = ParsedBib.of(parse_bib_text(BIB, "a.bib"))
    Store(tmp_path).store_bib("d", "a.bib", first)
    entries = Store(tmp_path).parsed_bib("d", "a.bib").file.entries
    assert entries["k1"].fields["title"] == "Title 1"
    path = entries.path
    edited = ParsedBib.of(parse_bib_text(BIB.replace("Title", "Other"), "a.bib"))
    cache.DiskEntries.write(path, edited.file, edited.digests)
    assert entries["k2"].fields["title"] == "Title 2" and len(entries) == 30
    assert cache.DiskEntries.read(path).entries["k2"].fields["title"] == "Other 2"


def test_looking_up_many_keys_at_once_answers_as_asking_one_by_one(tmp_path):
    """``look_up`` (the prefetch step asks about every page's keys) learns in one query per few hundred
    keys what each key's digest and set members are, and that a key is absent; a key in another case is
    still found the slow way."""
    parsed = ParsedBib.of(parse_bib_text(BIB + "\n" + LINKED, "a.bib"))
    Store(tmp_path).store_bib("d", "a.bib", parsed)
    bulk, single = (Store(tmp_path).parsed_bib("d", "a.bib").file.entries for _ in range(2))
    keys = [f"k{i}" for i in range(30)] + ["both", "nope", "K7"]
    queries: list[str] = []
    bulk._db().set_trace_callback(queries.append)
    bulk.look_up(keys * 20)  # 660 keys, 33 of them distinct
    assert len(queries) == 1
    assert [bulk._row(k) for k in keys] == [single._row(k) for k in keys]
    assert bulk._row("both") == (parsed.digests["both"], ["first", "second"]) and bulk._row("nope") is None
    assert len(queries) == 1  # every answer was known
    assert "nope" not in bulk and bulk.find_lower("k7") == "k7"


def test_a_warm_build_reads_no_entry_of_a_stored_file(tmp_path):
    """Every text a page shows is in the store, under the entry's digest: a second build renders the same
    pages from it without unpickling one entry (cited, listed with reader features, or numbered)."""
    from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
    from mkdocs_scholar.scholar.settings import ScholarSettings
    from tests.e2e.test_fast_paths import generated_bib

    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(generated_bib(40), encoding="utf-8")
    pages = [f"See {{% cite key{i} key{i + 7} %}}.\n\n{{% bibliography --cited %}}\n" for i in range(20)]
    for style in ("apa", "ieee"):
        settings, _ = ScholarSettings.from_mapping({"style": style})
        shown = []
        for _ in range(2):
            build = BuildState(SiteFacts(root=tmp_path), settings, store=Store(tmp_path / "cache"))
            shown.append(
                [render_page(t, PageInput(f"p{i}.md", f"p{i}/"), build).markdown for i, t in enumerate(pages)]
            )
            build.library.finish()
        entries = build.library.load(tmp_path / "_bibliography" / "references.bib").file.entries
        assert isinstance(entries, cache.DiskEntries) and not entries._loaded, style
        assert shown[0] == shown[1] and "ol class=" in shown[1][0]


def test_a_page_reads_its_entries_texts_in_one_query(tmp_path):
    """Cache keys start with the entry's digest: ``preload`` reads all the texts of the given entries at
    once. What it read and the page used is marked used on disk; a text only read along (another number
    of the same entry) is not, and leaves the file when builds stop using it."""
    first = Store(tmp_path)
    texts = first.texts("style", "en")
    for key, text in (("d1|c", "cite 1"), ("d1|b|1", "entry 1"), ("d1|b|2", "other number"), ("d2|c", "2")):
        texts.put(key, text)
    texts.put("d10|c", "a digest d1 is a prefix of")
    first.finish_build()
    queries: list[tuple] = []
    for _ in range(cache.KEEP_BUILDS + 1):
        store = Store(tmp_path)
        shard = store._shard("style", "en")
        shard.read = lambda *a, **k: queries.append(a) or None  # one by one: not expected
        page = store.texts("style", "en")
        page.preload(["d1", "d2", "d1"])
        assert page.get("d1|c") == "cite 1" and page.get("d1|b|1") == "entry 1" and page.get("d2|c") == "2"
        assert page.get("d1|x") is None and queries == []  # a text the entry does not have: no query
        assert "d10|c" not in page._read  # "d1|" is the prefix, not "d1"
        assert not shard.entries  # not kept beyond the page
        store.finish_build()
    later = Store(tmp_path).texts("style", "en")
    assert later.get("d1|c") == "cite 1"
    assert later.get("d1|b|2") is None  # read along, never used: dropped after KEEP_BUILDS builds


def test_a_warm_page_asks_the_store_no_text_one_by_one(tmp_path, monkeypatch):
    """Citations, year suffixes, entries, BibTeX and link fields of a page all come from its one
    read ahead (``Texts.preload`` in ``_FormatContext.prepare``)."""
    from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
    from mkdocs_scholar.scholar.reader import Reader, ReaderOptions
    from mkdocs_scholar.scholar.settings import ScholarSettings
    from tests.e2e.test_fast_paths import generated_bib

    bib = generated_bib(40).replace("  year = {1957}", "  doi = {10.1000/seven},\n  year = {1957}")
    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(bib, encoding="utf-8")
    pages = [f"See {{% cite key{i} key{i + 7} %}}.\n\n{{% bibliography --cited %}}\n" for i in range(10)]
    one_by_one = []
    for style in ("apa", "ieee"):
        settings, _ = ScholarSettings.from_mapping({"style": style})
        shown = []
        for warm in (False, True):
            if warm:
                monkeypatch.setattr(cache._Shard, "read", lambda *a: one_by_one.append(a[1]))
            reader = Reader(ReaderOptions(True, True, True, True), bibtex_files={})
            build = BuildState(SiteFacts(root=tmp_path), settings, store=Store(tmp_path / "c"), reader=reader)
            shown.append(
                [render_page(t, PageInput(f"p{i}.md", f"p{i}/"), build).markdown for i, t in enumerate(pages)]
            )
            build.library.finish()
        monkeypatch.undo()
        assert shown[0] == shown[1] and "scholar-bibtex" in shown[1][0] and "scholar-links" in shown[1][0]
    # What is read alone is the style's facts, once per style and build, not per page.
    assert one_by_one == [csl.FACTS_KEY, csl.FACTS_KEY]


def test_cache_files_are_read_with_a_small_page_cache(tmp_path):
    """Each file is read once through: SQLite's default page cache (2 MB a connection) only held memory
    on a large site; the operating system keeps the file's pages anyway."""
    store = Store(tmp_path)
    store.texts("style", "en").put("d|c", "x")
    parsed = ParsedBib.of(parse_bib_text(BIB, "a.bib"))
    store.store_bib("digest", "a.bib", parsed)
    store.finish_build()
    later = Store(tmp_path)
    assert later.texts("style", "en").get("d|c") == "x"
    shard = later._shard("style", "en")
    entries = later.parsed_bib("digest", "a.bib").file.entries
    assert "k1" in entries
    for conn in (shard.db(), entries._db()):
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -256


def test_a_serve_rebuild_reads_nothing_ahead_for_entries_it_holds(tmp_path):
    """``serve`` keeps the texts it made: a page whose entries are in memory asks the file nothing, and
    an entry only on disk is still read ahead."""
    first = Store(tmp_path)
    first.texts("style", "en").put("disk|c", "from disk")
    first.finish_build()
    store = Store(tmp_path)
    store.texts("style", "en").put("mem|c", "made here")
    store.finish_build()  # the next rebuild, same process
    shard = store._shard("style", "en")
    asked: list[list[str]] = []
    real = shard.read_prefixes
    shard.read_prefixes = lambda prefixes: asked.append(prefixes) or real(prefixes)
    page = store.texts("style", "en")
    page.preload(["mem", "disk"])
    assert asked == [["disk"]]
    assert page.get("mem|c") == "made here" and page.get("disk|c") == "from disk"


def _stored_pages(tmp_path, pages: int) -> list[list[str]]:
    """A file of texts for ``pages`` pages of five entries each (``d{page}-{n}``), each entry with a
    citation and an entry text; the pages' digests."""
    store = Store(tmp_path)
    texts = store.texts("style", "en")
    plan = [[f"d{p}-{n}" for n in range(5)] for p in range(pages)]
    for digest in (d for page in plan for d in page):
        texts.put(f"{digest}|c", f"cite {digest}")
        texts.put(f"{digest}|b|0|1|", f"entry {digest}")
    store.finish_build()
    return plan


def _counting(store: Store) -> list[list[str]]:
    shard = store._shard("style", "en")
    asked: list[list[str]] = []
    real = shard.read_prefixes
    shard.read_prefixes = lambda prefixes: asked.append(prefixes) or real(prefixes)
    shard.read = lambda *a: pytest.fail(f"read one by one: {a}")
    return asked


def test_pages_read_the_next_pages_texts_with_their_own(tmp_path):
    """With the build's plan (``Texts.plan``, from prefetch.py), a page's one query also reads the texts
    of the next pages' entries: a query costs more than its rows. Each page still gets exactly its own
    texts, and what was read ahead and used is marked used like any read."""
    plan = _stored_pages(tmp_path, 40)
    store = Store(tmp_path)
    asked = _counting(store)
    store.texts("style", "en").plan(plan)
    for digests in plan:
        page = store.texts("style", "en")
        page.preload(digests)
        for digest in digests:
            assert page.get(f"{digest}|c") == f"cite {digest}"
            assert page.get(f"{digest}|b|0|1|") == f"entry {digest}"
        assert not set(page._read) - {f"{d}|c" for d in digests} - {f"{d}|b|0|1|" for d in digests}
    assert len(asked) <= len(plan) // 5  # forty pages, a query every ten or so
    assert sum(map(len, asked)) == 200  # each entry read once
    shard = store._shard("style", "en")
    assert len(shard.ahead) <= cache._READ_AHEAD
    store.finish_build()
    assert shard.ahead == {} and shard.upcoming == []


def test_pages_out_of_the_plans_order_get_their_own_texts(tmp_path):
    """A page the plan does not know (a tag with options), pages in another order, an entry cited again
    later: each gets its texts, from a query of its own where the plan guessed wrong."""
    plan = _stored_pages(tmp_path, 30)
    store = Store(tmp_path)
    asked = _counting(store)
    store.texts("style", "en").plan(plan[:10] + [plan[0]] + plan[10:20])
    for digests in [plan[25], *plan[:10], plan[0], *reversed(plan[10:20]), ["unknown", plan[3][0]]]:
        page = store.texts("style", "en")
        page.preload(digests)
        for digest in digests:
            expected = None if digest == "unknown" else f"cite {digest}"
            assert page.get(f"{digest}|c") == expected
    assert len(asked) < 1 + 11 + 10 + 1


def test_a_warm_build_reads_its_pages_texts_a_few_pages_at_a_time(tmp_path, monkeypatch):
    """The build's prefetch step gives the plan: forty warm pages make a handful of queries, not forty,
    and show the same HTML as without reading ahead."""
    from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
    from mkdocs_scholar.scholar.settings import ScholarSettings
    from tests.e2e.test_fast_paths import generated_bib

    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(generated_bib(120), encoding="utf-8")
    pages = [
        f"See {{% cite key{i} key{i + 40} %}} and {{% cite key{i + 80} %}}.\n\n{{% bibliography --cited %}}\n"
        for i in range(40)
    ]
    settings, _ = ScholarSettings.from_mapping({"style": "apa"})
    asked: list[list[str]] = []
    real = cache._Shard.read_prefixes
    shown = []
    for planned in (False, True, True):  # cold, then warm without and with the plan
        # Without the pages' kept results, which would answer each page whole (as after an edited .bib).
        (tmp_path / "c" / "pages.sqlite").unlink(missing_ok=True)
        build = BuildState(SiteFacts(root=tmp_path), settings, store=Store(tmp_path / "c"))
        if planned:
            build.prefetch(pages)
        asked.clear()
        monkeypatch.setattr(cache._Shard, "read_prefixes", lambda self, p: asked.append(p) or real(self, p))
        shown.append(
            [render_page(t, PageInput(f"p{i}.md", f"p{i}/"), build).markdown for i, t in enumerate(pages)]
        )
        build.library.finish()
        monkeypatch.undo()
    assert shown[0] == shown[1] == shown[2] and 'id="key80"' in shown[2][0]
    assert 0 < len(asked) <= 10  # 40 pages of 3 entries, 48 entries read at a time


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-author-date", "nature", "vancouver-nlm"])
def test_a_style_known_by_its_stored_facts_is_not_parsed(tmp_path, style):
    """A build that finds the style's facts among its cached texts does not parse the style (no citeproc-py,
    no lxml) and answers the engine's questions as the parsed style does; damaged facts are read again."""
    ref = csl.resolve_style(style, root=tmp_path)
    first = Store(tmp_path / "c")
    parsed = csl.StyleProcessor(ref, "en", lambda digest: first.texts(digest, "en"))
    first.finish_build()
    later = Store(tmp_path / "c")
    known = csl.StyleProcessor(ref, "en", lambda digest: later.texts(digest, "en"))
    assert known._parsed is None
    assert known.facts == parsed.parse().facts(parsed.uses_number)
    assert (known.numeric, known.year_suffix, known.second_field_align) == (
        parsed.numeric,
        parsed.year_suffix,
        parsed.second_field_align,
    )
    assert known.citation_affixes() == parsed.citation_affixes()
    # What the styles' files say: ieee numbers its citations, in a column of their own in the list, and its
    # citation layout has only a delimiter; apa tells works of one author and year apart by a letter.
    if style == "ieee":
        assert known.numeric and known.second_field_align and known.citation_affixes() == ("", ", ", "")
    if style == "apa":
        assert known.year_suffix and not known.numeric and known.citation_affixes()[0] == "("
    later.texts(known.digest, "en").put(csl.FACTS_KEY, "not facts")
    later.finish_build()
    again = Store(tmp_path / "c")
    damaged = csl.StyleProcessor(ref, "en", lambda digest: again.texts(digest, "en"))
    assert damaged._parsed is not None and damaged.facts == known.facts
    assert csl.StyleFacts.from_json(again.texts(known.digest, "en").get(csl.FACTS_KEY)) == known.facts


def test_prefetch_looks_keys_up_a_chunk_of_pages_at_a_time_and_keeps_their_order(tmp_path):
    from mkdocs_scholar.scholar import prefetch
    from mkdocs_scholar.scholar.engine import LoadedBib

    parsed = ParsedBib.of(parse_bib_text(BIB, "a.bib"))
    Store(tmp_path).store_bib("d", "a.bib", parsed)
    loaded = LoadedBib("a.bib", Store(tmp_path).parsed_bib("d", "a.bib").file)
    queries: list[str] = []
    loaded.file.entries._db().set_trace_callback(queries.append)
    pages = [([f"k{i % 30}", f"k{(i + 1) % 30}"], i % 2 == 0) for i in range(450)]
    assert list(prefetch._looked_up([loaded], iter(pages), chunk=200)) == pages
    assert len(queries) == 1  # the first chunk asks about all 30 keys; the others know them all


# -- whole pages' results --------------------------------------------------------------------------------
def _page_queries(store: Store) -> list[str]:
    """The statements the page results' connection runs from now on."""
    statements: list[str] = []
    conn = store._pages.db()
    assert conn is not None
    conn.set_trace_callback(statements.append)
    return statements


def _row_queries(statements: list[str]) -> int:
    """How many of ``statements`` read pages' results (the generations' table is read on its own)."""
    return len([s for s in statements if s.startswith("SELECT") and "value" in s])


def _result(n: int) -> dict:
    """A page's result as CitationState._format makes it, in part: what the store reads of it is
    "texts", the texts it was made of (marked used with it)."""
    return {
        "rendered": {"0": f"<span>page {n} – ü</span>"},
        "problems": [[None, 3, None, None]],
        "texts": [["style-digest", "en", [f"d{n}|c"]]],
    }


def test_a_warm_build_reads_the_page_results_recent_builds_used_in_one_query(tmp_path):
    """Each page used to ask for its own row, which took about 0.15 ms amid a build; now the build's first
    page reads every row the last builds used, and each later page finds its own among them."""
    first = Store(tmp_path)
    for n in range(20):
        first.keep_page_result(f"key{n}", _result(n))
    first.finish_build()
    store = Store(tmp_path)  # the next `mkdocs build`
    statements = _page_queries(store)
    assert [store.page_result(f"key{n}") for n in range(20)] == [_result(n) for n in range(20)]
    assert _row_queries(statements) == 1, statements
    assert store._pages.ahead == {}  # each row let go as its page took it
    assert store.page_result("other") is None  # not among them: asked for alone, and not there
    store.finish_build()
    assert store._pages.ahead is None  # the next rebuild (`serve`) reads them again


def test_a_page_result_older_than_the_rows_read_ahead_is_still_found(tmp_path):
    """A page put back as it was a few builds ago finds its older result on its own, while it is kept."""
    store = Store(tmp_path)
    store.keep_page_result("old", _result(1))
    store.finish_build()
    for _ in range(cache.KEEP_BUILDS - 1):
        store.keep_page_result("new", _result(2))
        assert store.page_result("new") == _result(2)
        store.finish_build()
    later = Store(tmp_path)
    statements = _page_queries(later)
    assert later.page_result("new") == _result(2)
    assert later.page_result("old") == _result(1)
    assert _row_queries(statements) == 2, statements


def test_rows_beyond_the_read_ahead_limit_are_read_one_by_one(tmp_path, monkeypatch):
    first = Store(tmp_path)
    for n in range(10):
        first.keep_page_result(f"key{n}", _result(n))
    first.finish_build()
    size = len(first._pages.db().execute("SELECT value FROM pages LIMIT 1").fetchone()[0])
    monkeypatch.setattr(cache, "_AHEAD_BYTES", int(3.5 * size))
    store = Store(tmp_path)
    statements = _page_queries(store)
    assert [store.page_result(f"key{n}") for n in range(10)] == [_result(n) for n in range(10)]
    assert len(store._pages.ahead) == 0
    # The first query stops after four rows (the limit is passed at the fourth): six pages ask alone.
    assert _row_queries(statements) == 1 + 6, statements


def _page_keys(store: Store) -> tuple[set[str], set[str]]:
    """The keys in the pages' table and in the table of their generations."""
    conn = store._pages.db()
    assert conn is not None
    return (
        {k for (k,) in conn.execute("SELECT key FROM pages")},
        {k for (k,) in conn.execute("SELECT key FROM used")},
    )


def test_a_page_result_used_again_is_stamped_without_writing_its_row_again(tmp_path):
    """A build that marks a kept result used writes its generation, 60 bytes, not the result's row (7.5 KB
    for a page of five references: SQLite writes a row anew to change one of its columns)."""
    store = Store(tmp_path)
    store.keep_page_result("key", _result(1))
    store.finish_build()
    writes: list[str] = []
    for _ in range(cache.KEEP_BUILDS + 2):
        store = Store(tmp_path)  # each build a new process, as `mkdocs build`
        statements = _page_queries(store)
        assert store.page_result("key") == _result(1)
        store.finish_build()
        writes += [s for s in statements if s.startswith(("INSERT", "UPDATE"))]
    assert writes and all(s.startswith("INSERT OR REPLACE INTO used") for s in writes), writes
    assert _page_keys(Store(tmp_path)) == ({"key"}, {"key"})  # kept by being used


def test_page_results_no_build_used_for_a_while_are_dropped(tmp_path):
    store = Store(tmp_path)
    store.keep_page_result("unused", _result(1))
    store.finish_build()
    for n in range(cache.KEEP_BUILDS):
        store = Store(tmp_path)
        assert _page_keys(store)[0] == ({"unused", "used"} if n else {"unused"})
        if n == 0:
            store.keep_page_result("used", _result(2))
        else:
            assert store.page_result("used") == _result(2)
        store.finish_build()
    assert _page_keys(Store(tmp_path)) == ({"used"}, {"used"})


def test_page_results_beyond_the_limit_are_dropped_oldest_first(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_PAGE_RESULTS", 2)
    store = Store(tmp_path)
    for n in range(3):
        store.keep_page_result(f"key{n}", _result(n))
        store.finish_build()
    assert _page_keys(store) == ({"key1", "key2"}, {"key1", "key2"})


def test_page_results_of_a_file_without_their_generations_are_dropped(tmp_path):
    """A pages.sqlite written before the generations had a table of their own: an older version's rows,
    whose keys no page asks for, are not kept, and the file gets the table."""
    with contextlib.closing(sqlite3.connect(tmp_path / "pages.sqlite")) as conn, conn:
        conn.execute(cache._PAGES_TABLE)
        conn.execute("INSERT INTO pages VALUES ('older', ?, 0)", (cache.pack_page_result(_result(1)),))
    store = Store(tmp_path)
    assert store.page_result("older") is None
    store.keep_page_result("key", _result(2))
    store.finish_build()
    later = Store(tmp_path)
    assert later.page_result("key") == _result(2)
    assert _page_keys(later) == ({"key"}, {"key"})


def test_a_damaged_page_result_is_not_used(tmp_path):
    """A row whose bytes changed after it was written (a bad disk, a half-copied cache) fails its
    checksum: the page is formatted again, never shown from a result that reads as something else."""
    first = Store(tmp_path)
    first.keep_page_result("key", _result(1))
    first.finish_build()
    conn = first._pages.db()
    (value,) = conn.execute("SELECT value FROM pages").fetchone()
    assert cache.unpack_page_result(value) == _result(1)
    text = value.index(b"page 1")
    flipped = value[:text] + b"P" + value[text + 1 :]  # still marshal's bytes: "Page 1"
    for damaged in (flipped, value[:-3], value[:3], b""):
        with conn:
            conn.execute("UPDATE pages SET value = ?", (damaged,))
        assert Store(tmp_path).page_result("key") is None, damaged


# A page using the kinds of request the key names: cites with options, bibliographies with options,
# another style, a --clear segment, two .bib files.
KEYED_PAGE = """\
{% cite k1 k2 %} {% cite k3 -l 12 -L chapter %} {% cite k4 --suppress_author %} {% cite k5 --style ieee %}
{% cite k6 k7 k8 k9 --prefix see %} {% nocite k10 k11 %}

{% bibliography --cited --prefix a --max 9 --group_by year %}

{% bibliography --query @article[year>=2005] --clear --style ieee %}

{% reference k12 %} {% bibliography_count --query @book %}
"""

KEY_SCRIPT = """
import sys
from pathlib import Path
from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
from mkdocs_scholar.scholar import cache, engine
from mkdocs_scholar.scholar.settings import ScholarSettings

root = Path(sys.argv[1])
keys = []
make = engine._page_key
engine._page_key = lambda state: keys.append(make(state)) or keys[-1]
settings, _ = ScholarSettings.from_mapping({"bibliography": "*.bib"})
build = BuildState(SiteFacts(root=root), settings, store=cache.Store(root / "cache"))
render_page((root / "page.md").read_text("utf-8"), PageInput("page.md", "page/"), build)
print(keys)
"""


def test_a_page_key_is_the_same_in_every_process(tmp_path):
    """The key is made of the page's requests; a set among them, written in its order, would follow each
    process's hash seed, and the key would miss the cache every build (marshal sorts a set since Python
    3.11; json is given ``_canonical``'s sorted lists)."""
    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "a.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "_bibliography" / "b.bib").write_text(BIB.replace("{k", "{b"), encoding="utf-8")
    (tmp_path / "page.md").write_text(KEYED_PAGE, encoding="utf-8")
    keys = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", KEY_SCRIPT, str(tmp_path)], env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        keys.add(run.stdout.strip())
    assert len(keys) == 1, keys
    (found,) = keys
    assert "None" not in found and found.count("'") == 2, found  # one page, and it has a key


def test_a_key_of_what_marshal_does_not_know_is_made_from_json(monkeypatch):
    assert _key_bytes([1, "a", None]).startswith(b"m" if engine._MARSHAL_SORTS_SETS else b"j")
    assert _key_bytes([Path("x")]) == b'j["x"]'
    monkeypatch.setattr(engine, "_MARSHAL_SORTS_SETS", False)  # Python 3.10
    assert _key_bytes([{"b", "a"}, 1]) == b'j[["a", "b"], 1]'


def _texts_generations(tmp_path: Path) -> dict[str, int]:
    conn = Store(tmp_path).texts("style", "en")._shard.db()
    assert conn is not None
    return dict(conn.execute("SELECT key, gen FROM texts"))


@pytest.mark.parametrize("used", [8, 3])
def test_texts_used_again_are_stamped_and_the_others_keep_their_generations(tmp_path, used):
    """A build stamps the texts it used with its generation and no other. Using most of the file's texts
    (8 of 10), it stamps the whole table in one statement and puts the rest back; using few (3), it
    stamps them one by one. Both leave the file as stamping key by key would."""
    first = Store(tmp_path)
    for n in range(10):
        first.texts("style", "en").put(f"k{n}", f"text {n}")
    first.finish_build()  # generation 0
    Store(tmp_path).finish_build()  # generation 1: uses nothing
    store = Store(tmp_path)  # generation 2: a text of generation 0 is stamped again
    texts = store.texts("style", "en")
    conn = texts._shard.db()
    assert conn is not None
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    assert [texts.get(f"k{n}") for n in range(used)] == [f"text {n}" for n in range(used)]
    store.finish_build()
    assert _texts_generations(tmp_path) == {f"k{n}": 2 if n < used else 0 for n in range(10)}
    stamps = [s for s in statements if s.startswith("UPDATE texts SET gen")]
    # in one statement plus one per row put back, or one per text used
    assert len(stamps) == (1 + 10 - used if used == 8 else used), stamps
