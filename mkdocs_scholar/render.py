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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .frontmatter import wants_math
from .liquid.environment import (
    SITE_ROOT,
    JekyllEnvironment,
    PageFacts,
    normalize_spelling,
    relative_root,
    repair_tag_typos,
    resolve_link_markers,
)
from .scholar.engine import CitationState, Library, LoadedBib
from .scholar.errors import Problem
from .scholar.reader import Reader
from .scholar.settings import ScholarSettings
from .tags import SCHOLAR_TAGS


@dataclass
class SiteFacts:
    """The site as Liquid's ``site`` sees it; plain values."""

    root: Path  # the folder of mkdocs.yml: `source`, `_includes/`, `_layouts/`, `_data/` are found from here
    site_url: str = ""
    title: str = ""
    description: str = ""
    author: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)


class BuildState:
    """Everything that lives for one build: settings, the Liquid environment, the citation library."""

    def __init__(
        self,
        site: SiteFacts,
        settings: ScholarSettings,
        *,
        math: str = "page",
        bib_cache: dict[str, LoadedBib] | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.site = site
        self.settings = settings
        self.math = math
        self.problems: list[Problem] = []  # build-level problems (a broken .bib), reported once
        self.library = Library(site.root, self.problems.append, bib_cache)
        includes = site.root / "_includes"
        self.env = JekyllEnvironment(root=site.root, includes_dir=includes if includes.is_dir() else None)
        for tag in SCHOLAR_TAGS:
            self.env.add_tag(tag)
        self.layouts_dir = site.root / "_layouts"
        self.links: dict[str, str] = {}  # docs-relative source path → site-relative URL, set by the generator
        self.reader = reader  # previews, backlinks, entry links (None: jekyll-scholar's plain output)

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
    """Render one page's Liquid (citations included) and return Markdown for the Markdown step."""
    facts = PageFacts(
        path=page.path,
        url=page.url,
        root=relative_root(page.url),
        src_root=relative_root(page.path),
        site_url=build.site.site_url,
        line_offset=page.line_offset,
        links=build.links,
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
        return RenderResult(source, math, facts.problems, [])

    state = CitationState(
        build.library,
        settings,
        lambda p: facts.problems.append(p) if p.path else facts.problem(p.message, line=p.line, hint=p.hint),
        template_renderer=lambda src, values, line: _render_template(build, facts, src, values, line),
        layouts_dir=build.layouts_dir,
        details_base=facts.root.rstrip("/") + "/",
        reader=build.reader,
    )
    facts.citations = state
    variables = {
        "site": _site_variables(build.site, facts),
        "page": _page_variables(page, facts),
        "jekyll": {"environment": "production"},
    }
    text = build.env.render_page(protect_bibtex_blocks(source), facts, variables)
    text = resolve_link_markers(state.finish(text), facts)
    return RenderResult(text, math, facts.problems, list(state.cited), state.cited_in_text())


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
            "data": dict(site.data),
            "time": dt.datetime.now().replace(microsecond=0),
        }
    )
    return values


def _page_variables(page: PageInput, facts: PageFacts) -> dict[str, Any]:
    values = {k: v for k, v in page.meta.items() if isinstance(k, str)}
    values["url"] = "/" + page.url
    values["path"] = page.path
    values.setdefault("title", "")
    return values
