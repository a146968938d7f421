"""The site-wide bibliography: one page listing every entry cited anywhere on the site, each with links to
the pages that cite it.

It can only be written once every page has rendered. The generator records each page's citations as it
renders it (``SiteCitations.record``, from ``RenderResult.citations``); the bibliography page gets
``MARKER`` in its Markdown, which survives the Markdown step as an HTML comment; once all pages are done
(the plugin's ``on_env``), ``SiteCitations.render`` formats the list with the site's style and settings
and the generator puts it in place of the marker. Nothing here imports MkDocs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .liquid.environment import relative_root
from .render import BuildState
from .scholar.engine import CitationState, LoadedBib
from .scholar.reader import CitedIn, Reader, ReaderOptions

MARKER = "<!-- mkdocs-scholar: site bibliography -->"

# What a generated bibliography page holds before the list is put in (a page the user wrote keeps its own).
DEFAULT_PAGE = "# Bibliography\n\nEvery work cited on this site, with the posts that cite it.\n"


def check_page_path(page: str | None) -> str | None:
    """What is wrong with the ``site_bibliography`` option's page path, or None."""
    if page and (not page.endswith(".md") or page.startswith("/") or ".." in page.split("/")):
        return (
            f"site_bibliography '{page}' is not a Markdown page path inside the docs folder "
            "(such as bibliography.md); no site bibliography is made"
        )
    return None


@dataclass
class _CitingPage:
    url: str  # site-relative URL
    title: str
    citations: list[tuple[str, LoadedBib, str | None]]


@dataclass
class SiteCitations:
    """What every page of one build cited, in build order."""

    pages: dict[str, _CitingPage] = field(default_factory=dict)  # docs-relative source path → page

    def record(self, path: str, url: str, citations: list[tuple[str, LoadedBib, str | None]]) -> None:
        if citations:
            self.pages[path] = _CitingPage(url, "", list(citations))
        else:
            self.pages.pop(path, None)

    def render(self, build: BuildState, page_url: str, titles: Mapping[str, str]) -> str:
        """The bibliography HTML for the page at ``page_url``; ``titles`` maps source paths to page titles."""
        bibs: list[LoadedBib] = []
        cited_in: dict[str, list[CitedIn]] = {}
        found: dict[str, LoadedBib] = {}
        for path, page in self.pages.items():
            title = titles.get(path) or page.url or path
            for key, bib, cite_id in page.citations:
                if bib not in bibs:
                    bibs.append(bib)
                found.setdefault(key, bib)
                href = _relative_url(page.url, page_url) + (f"#{cite_id}" if cite_id else "")
                cited_in.setdefault(key, []).append(CitedIn(title, href))
        if not found:
            return "<p>No page cites anything yet.</p>"
        keys = sorted(found, key=lambda k: _sort_key(found[k].item(k)))
        base = build.reader or Reader(ReaderOptions(False, False, False, False))
        root = relative_root(page_url) + "/"
        state = CitationState(
            build.library,
            build.settings,
            build.problems.append,
            details_base=root,
            reader=base.for_site_page(cited_in).for_page(page_url),
        )
        return state.finish(state.listing(keys, bibs))


# Rich-text markers of latex.py (case protection, fonts): not part of what a name or title sorts by.
_MARKERS_RE = re.compile("[\ue000-\ue0ff]")


def _sort_key(item: Mapping[str, object]) -> tuple[str, int, str]:
    """First author's (or editor's) family name, then year, then title: a reading order for a list that
    gathers several pages' citations, where no page's citation order applies."""
    names = item.get("author") or item.get("editor") or []
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], dict) else {}
    name = str(first.get("family") or first.get("literal") or "")
    issued = item.get("issued")
    year = 0
    if isinstance(issued, dict):
        try:
            year = int(issued.get("date-parts", [[0]])[0][0])
        except (TypeError, ValueError, IndexError):
            year = 0
    title = str(item.get("title") or "")
    return (_MARKERS_RE.sub("", name).casefold(), year, _MARKERS_RE.sub("", title).casefold())


def _relative_url(target: str, page_url: str) -> str:
    """``target`` (site-relative) as seen from the page at ``page_url``, both URLs of the same build."""
    base = posixpath.dirname(page_url) if not page_url.endswith("/") else page_url.rstrip("/")
    rel = posixpath.relpath(target or ".", base or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel
