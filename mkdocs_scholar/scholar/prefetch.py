"""A cold build's citations, formatted ahead on every core.

A cold build formats each cited work when a page first cites it, page after page, on one core. Before the
pages are rendered, ``prefetch`` reads their text for the plain tags (``{% cite KEYS %}`` with no option,
``{% bibliography --cited %}``) and formats what those will most likely ask for, each key's plain citation
and its entry as the page's list numbers it, with ``pool.format_all``, into the store the pages read. A
guess only saves work: each text is stored under the key of everything it depends on (engine.py), so a
page that asks for something else (a locator, a year suffix, another file or style) formats that itself.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Iterator

from . import csl, pool
from .cache import DiskEntries
from .engine import Library, LoadedBib, _cite_key, _entry_cache_key, _LazySource, find
from .errors import ScholarError
from .settings import ScholarSettings

log = logging.getLogger("mkdocs.plugins.mkdocs_scholar.prefetch")  # shown by `mkdocs build -v`

_CITE_RE = re.compile(r"\{%-?\s*cite\s+([^%]*?)\s*-?%\}")
_CITED_LIST_RE = re.compile(r"\{%-?\s*bibliography\s[^%]*--cited")
_CHUNK = 2000  # cache keys asked about at once


def plain_cites(text: str) -> list[str]:
    """The keys of ``text``'s cite tags that have no option, in order."""
    keys: list[str] = []
    for m in _CITE_RE.finditer(text):
        words = m.group(1).split()
        if words and not any(w.startswith("-") for w in words):
            keys.extend(words)
    return keys


def _looked_up(
    bibs: list[LoadedBib], pages: Iterable[tuple[list[str], bool]], chunk: int = 200
) -> Iterator[tuple[list[str], bool]]:
    """``pages`` (each page's plain cites, and whether it lists them), after asking the stored files about
    the keys of ``chunk`` pages at a time in a few queries, not one query per key."""
    batch: list[tuple[list[str], bool]] = []
    for page in itertools.chain(pages, [None]):
        if page is not None:
            batch.append(page)
            if len(batch) < chunk:
                continue
        keys = [key for cites, _ in batch for key in cites]
        for loaded in bibs:
            disk = loaded.file.entries
            if isinstance(disk, DiskEntries):
                disk.look_up(keys)
        yield from batch
        batch = []


def prefetch(library: Library, settings: ScholarSettings, pages: Iterable[str]) -> int:
    """Format ahead what the plain tags of ``pages`` (their text) will ask for; how many texts it made."""
    if settings.allow_locale_overrides:
        return 0
    try:
        bibs = [library.load(p) for p in library.files_for(settings, [])]
        proc = library.processor(settings.style, settings.locale, (library.source_dir(settings),))
    except ScholarError:
        return 0  # the pages say what is wrong
    texts = library.texts(proc)
    source = _LazySource()
    jobs: dict[str, tuple[str, tuple[str, ...], bool]] = {}  # cache key -> (key, page's order, entry?)
    todo: dict[str, tuple[str, tuple[str, ...], bool]] = {}  # those the store does not have

    def keep_missing() -> None:
        # About 200 pages at a time: a warm build never holds every page's cache keys at once.
        for ckey in texts.missing(jobs):
            todo.setdefault(ckey, jobs[ckey])
        jobs.clear()

    plan: list[list[str]] = []  # each page's entries (digests), for reading their texts ahead
    for cites, listed in _looked_up(
        bibs, ((plain_cites(t), _CITED_LIST_RE.search(t) is not None) for t in pages)
    ):
        order: list[str] = []  # the page's resolvable keys, lower-cased, in first-cite order
        for key in cites:
            hit = find(bibs, key)
            if hit is not None and hit[0].lower() not in order:
                source.pending.setdefault(hit[0].lower(), (hit[1], hit[0]))
                order.append(hit[0].lower())
        plan.append([source.pending[low][0].digest(source.pending[low][1]) for low in order])
        for index, low in enumerate(order):
            loaded, key = source.pending[low]
            number = index + 1 if proc.uses_number else 0
            wanted = [(_cite_key(loaded.digest(key), number, "", False, None, None), False)]
            if listed:
                wanted.append((_entry_cache_key(loaded.digest(key), number, True, ""), True))
            for ckey, entry in wanted:
                jobs.setdefault(ckey, (key, tuple(order), entry))
        if len(jobs) >= _CHUNK:
            keep_missing()
    keep_missing()
    texts.plan(plan)
    if len(todo) < pool.PARALLEL_MIN:
        return 0  # the pages format them as they come
    numbered: dict[tuple[str, ...], object] = {}

    work = list(todo.items())

    def format_one(i: int) -> str:
        key, order, entry = work[i][1]
        bib = numbered.get(order)
        if bib is None:
            bib = numbered[order] = proc.new_bibliography(source, list(order))
        item = csl.citation_item(key)
        if entry:
            return proc.bibliography_entry(bib, item, label=True)
        return proc.citation_parts(bib, [item])[0]

    proc.parse()  # the style parsed once, here, not in each worker
    for (ckey, _), text in zip(work, pool.format_all(len(work), format_one), strict=True):
        texts.put(ckey, text)
    log.debug(f"formatted {len(todo)} citations and entries ahead of the pages")
    return len(todo)
