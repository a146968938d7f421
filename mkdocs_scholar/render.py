"""The page-rendering core: one plain function, ``render_page``, that any generator can call.

Given a page's Markdown body and plain facts about it (path, URL, metadata) plus the build's state, it
renders the page's Liquid the Jekyll way (citations included) and returns Markdown ready for the
Markdown step, with the problems found (each with its line in the original file) and whether the page
wants math. The MkDocs plugin calls it from ``on_page_markdown``; a Python-Markdown extension can call it
from a preprocessor. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import details, rawhtml
from .details import DETAILS_KEY
from .excerpt_separator import mark_excerpt
from .frontmatter import wants_math
from .liquid.environment import (
    SITE_ROOT,
    JekyllEnvironment,
    PageFacts,
    doc_link,
    normalize_spelling,
    relative_root,
    repair_tag_typos,
    resolve_link_markers,
)
from .liquid.filters import build_time
from .liquid.site import load_data
from .scholar import prefetch
from .scholar.cache import Store
from .scholar.engine import CitationState, Library, LoadedBib
from .scholar.errors import Problem
from .scholar.reader import Reader
from .scholar.settings import ScholarSettings
from .tags import SCHOLAR_TAGS


@dataclass
class SiteFacts:
    """The site as Liquid's ``site`` sees it; plain values."""

    root: Path  # the folder of mkdocs.yml: `source`, `_includes/`, `_layouts/`, `_data/` are found from here
    docs_dir: Path | None = None  # the folder whose files are published (Jekyll's site source)
    site_url: str = ""
    title: str = ""
    description: str = ""
    author: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] | None = None  # site.data; None: read from `_data/` when the build starts
    # Jekyll's `site.time`: when the build started, one value for every page. SOURCE_DATE_EPOCH (the
    # reproducible-builds convention) fixes it, so a page that prints it builds the same twice.
    time: dt.datetime = field(default_factory=lambda: build_time())
    # site.posts, site.pages, site.tags, site.categories (``liquid.site.site_index``): set by the generator
    # once every page's URL is known.
    index: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, root: Path, config: Mapping[str, Any]) -> SiteFacts:
        """From a generator's config with MkDocs' key names (MkDocs, ProperDocs and Zensical all use them)."""
        return cls(
            root=root,
            site_url=config.get("site_url") or "",
            title=config.get("site_name") or "",
            description=config.get("site_description") or "",
            author=config.get("site_author") or "",
            extra=dict(config.get("extra") or {}),
            docs_dir=root / str(config.get("docs_dir") or "docs"),
        )


class BuildState:
    """Everything that lives for one build: settings, the Liquid environment, the citation library."""

    def __init__(
        self,
        site: SiteFacts,
        settings: ScholarSettings,
        *,
        math: str = "page",
        store: Store | None = None,
        details_pages: bool = False,
        html_links_from_source: bool = False,
        excerpt_separator: str = "",
        excerpt_marker: str = "<!-- more -->",
        reader: Reader | None = None,
        stash_html: bool = False,
        hide_tags: bool = False,
    ) -> None:
        self.site = site
        self.settings = settings
        self.math = math
        # True where the generator rewrites relative src/href in raw HTML from the page's source file, as it
        # does Markdown links (Zensical; MkDocs leaves raw HTML alone).
        self.html_links_from_source = html_links_from_source
        # Jekyll's `excerpt_separator` ("" leaves posts alone) and the generator's own excerpt marker.
        self.excerpt_separator = excerpt_separator
        self.excerpt_marker = excerpt_marker
        self.problems: list[Problem] = []  # build-level problems (a broken .bib), reported once
        if site.data is None:
            site.data, data_problems = load_data(site.root / "_data", site.root)
            self.problems.extend(data_problems)
        self.library = Library(site.root, self.problems.append, store)
        includes = site.root / "_includes"
        self.env = JekyllEnvironment(root=site.root, includes_dir=includes if includes.is_dir() else None)
        for tag in SCHOLAR_TAGS:
            self.env.add_tag(tag)
        self.layouts_dir = site.root / "_layouts"
        # Details pages, as jekyll-scholar: when its layout exists, or when asked for (built-in layout).
        self.details = details_pages or (self.layouts_dir / settings.details_layout).is_file()
        self.links: dict[str, str] = {}  # docs-relative source path → site-relative URL, set by the generator
        self.reader = reader  # previews, backlinks, entry links (None: jekyll-scholar's plain output)
        # True where the generator's Markdown has ``rawhtml.RawHtmlExtension``: bibliographies are marked
        # for it, and pass the Markdown step unparsed.
        self.stash_html = stash_html
        # True where the generator calls ``hidden.show`` on each finished page: the tags of that marked HTML
        # wait in comments while other plugins parse the page (scholar/hidden.py).
        self.hide_tags = hide_tags
        self._prefetch_pages: Iterable[str] | None = None  # prefetch_when_needed

    def prefetch(self, pages: Iterable[str]) -> int:
        """Format ahead, on every core, what the plain citation tags of ``pages`` (their text) will ask
        for (``scholar/prefetch.py``); only saves time, never changes a page. How many texts it made."""
        self._prefetch_pages = None
        try:
            return prefetch.prefetch(self.library, self.settings, pages)
        except Exception:  # noqa: BLE001 - work done ahead may fail; the pages then do it themselves
            return 0

    def prefetch_when_needed(self, pages: Iterable[str]) -> None:
        """``prefetch(pages)`` when a page first formats something (its result was not kept), if one
        does: a warm build, every page put together from its kept result, neither reads the pages nor
        asks the store about their citations (0.1 s of the default benchmark site's build)."""
        self._prefetch_pages = pages

    def _before_formatting(self) -> None:
        if self._prefetch_pages is not None:
            self.prefetch(self._prefetch_pages)

    def is_tag(self, name: str) -> bool:
        return name in self.env.tags or name.startswith("end") and name[3:] in self.env.tags

    def take_problems(self) -> list[Problem]:
        out, self.problems[:] = list(self.problems), []
        return out


@dataclass
class PageInput:
    """One page, as plain facts."""

    path: str  # docs-relative source path
    url: str  # site-relative URL (no leading slash)
    meta: Mapping[str, Any] = field(default_factory=dict)
    line_offset: int = 0  # lines above the Markdown body in the original file
    is_post: bool = False  # a blog post (Jekyll's `_posts/`): its excerpt is marked


@dataclass
class RenderResult:
    markdown: str
    math: bool
    problems: list[Problem]
    cited: list[str]
    # Keys cited in the text (cite/quote tags, not nocite), their .bib and first citation link's id:
    # what the site-wide bibliography lists
    citations: list[tuple[str, LoadedBib, str | None]] = field(default_factory=list)


_BIBTEX_BLOCK_RE = re.compile(r"(\{%-?\s*bibtex\b[^%]*?-?%\})(.*?)(\{%-?\s*endbibtex\s*-?%\})", re.S)


def protect_bibtex_blocks(source: str) -> str:
    """BibTeX inside ``{% bibtex %}`` is data, not Liquid: ``{{GAN}s}`` must not read as an output tag."""
    if "bibtex" not in source:
        return source
    return _BIBTEX_BLOCK_RE.sub(
        lambda m: f"{m.group(1)}{{% raw %}}{m.group(2)}{{% endraw %}}{m.group(3)}", source
    )


def render_page(markdown: str, page: PageInput, build: BuildState) -> RenderResult:
    """Render one page's Liquid (citations included) and return Markdown for the Markdown step.

    Never raises: a fault of our own (a bug) is reported as a problem and the page is left as written.
    """
    try:
        return _render_page(markdown, page, build)
    except Exception as exc:  # the last guard: a build goes on, the page keeps its text
        problem = Problem(
            f"internal error while rendering this page ({type(exc).__name__}: {exc}); "
            "the page is left as written",
            path=page.path,
            hint="please report this with the page's text",
        )
        return RenderResult(markdown, wants_math(dict(page.meta), build.math), [problem], [])


def _render_page(markdown: str, page: PageInput, build: BuildState) -> RenderResult:
    facts = PageFacts(
        path=page.path,
        url=page.url,
        root=relative_root(page.url),
        src_root=relative_root(page.path),
        site_url=build.site.site_url,
        line_offset=page.line_offset,
        links=build.links,
        html_links_from_source=build.html_links_from_source,
    )
    settings, notes = build.settings.merged(page.meta.get("scholar"))
    for note in notes:
        facts.problem(note)
    math = wants_math(dict(page.meta), build.math)

    source, repairs = repair_tag_typos(normalize_spelling(markdown, build.is_tag))
    for line, tag in repairs:
        facts.problem(
            f"tag '{tag}' is closed with '% }}'; read as closed there "
            "(Jekyll would read on to the next '%}')",
            line=line,
            hint="write %} to close the tag",
        )
    if "{%" not in source and "{{" not in source:
        return RenderResult(_excerpt(source, page, build), math, facts.problems, [])

    state = CitationState(
        build.library,
        settings,
        lambda p: facts.problems.append(p) if p.path else facts.problem(p.message, line=p.line, hint=p.hint),
        template_renderer=lambda src, values, line: _render_template(build, facts, src, values, line),
        layouts_dir=build.layouts_dir,
        details_base=facts.root.rstrip("/") + "/",
        page_link=doc_link,
        details_enabled=build.details,
        docs_dir=build.site.docs_dir,
        reader=build.reader.for_page(page.url) if build.reader is not None else None,
        wrap_html=rawhtml.wrap if build.stash_html else None,
        hide_tags=build.hide_tags,
        before_formatting=build._before_formatting,
    )
    facts.citations = state
    variables = {
        "site": _site_variables(build.site, facts),
        "page": _page_variables(page, facts),
        "jekyll": {"environment": "production"},
    }
    if DETAILS_KEY in page.meta:
        variables["page"].update(details.page_values(state, str(page.meta[DETAILS_KEY])))
    # The excerpt is marked before the citations are formatted (the marker goes between blocks, which
    # formatting does not change): a citation in it may need its entry in its preview.
    text = _excerpt(build.env.render_page(protect_bibtex_blocks(source), facts, variables), page, build)
    if page.is_post and build.excerpt_marker:
        head, marker, _ = text.partition(build.excerpt_marker)
        state.mark_excerpt(head if marker else text)
    text = resolve_link_markers(state.finish(text), facts)
    return RenderResult(text, math, facts.problems, list(state.cited), state.cited_in_text())


def _excerpt(text: str, page: PageInput, build: BuildState) -> str:
    """Jekyll's excerpt (a post's own ``excerpt_separator`` first) marked the way the generator reads it."""
    if not page.is_post:
        return text
    separator = page.meta.get("excerpt_separator", build.excerpt_separator)
    return mark_excerpt(text, str(separator or ""), build.excerpt_marker)


def _render_template(
    build: BuildState, facts: PageFacts, source: str, values: Mapping[str, Any], line: int | None
) -> str:
    """A bibliography template (``--template``/``bibliography_template``) for one entry."""
    sub = PageFacts(
        path=facts.path,
        url=facts.url,
        root=facts.root,
        src_root=facts.src_root,
        site_url=facts.site_url,
        links=facts.links,
        html_links_from_source=facts.html_links_from_source,
        citations=facts.citations,
    )
    out = build.env.render_page(source, sub, {"site": _site_variables(build.site, facts), **values})
    for problem in sub.problems:
        facts.problem(f"in bibliography template: {problem.message}", line=line, hint=problem.hint)
    return out


def _site_variables(site: SiteFacts, facts: PageFacts) -> dict[str, Any]:
    # `site.url` and `site.baseurl` both stand for the site root (a marker resolved per link), so
    # `{{ site.url }}/assets/x.png` works under `mkdocs serve`, a deploy sub-path and both URL styles.
    values: dict[str, Any] = {k: v for k, v in site.extra.items() if isinstance(k, str)}
    values.update(
        {
            "url": SITE_ROOT,
            "baseurl": SITE_ROOT,
            "title": site.title,
            "description": site.description,
            "author": site.author,
            "extra": dict(site.extra),
            **site.index,
            "data": dict(site.data or {}),
            "time": site.time,
        }
    )
    return values


def _page_variables(page: PageInput, facts: PageFacts) -> dict[str, Any]:
    values = {k: v for k, v in page.meta.items() if isinstance(k, str)}
    values["url"] = "/" + page.url
    values["path"] = page.path
    values.setdefault("title", "")
    return values
