"""The Zensical door: the core of ``plugin.py`` as a Python-Markdown extension, ``mkdocs_scholar.extension``.

Zensical does not load MkDocs plugins (it skips ``plugins: - scholar`` without a word); it runs the
extensions listed under ``markdown_extensions``, one Markdown instance per page, and gives them the page
being rendered (path, url, front matter) and the site's config through its rendering-context preprocessor
(``zensical.extensions.context``). So, per page:

extendMarkdown       the page is read from Zensical's context; a page that wants math gets arithmatex.
ScholarPreprocessor  runs before every other preprocessor, like the plugin's ``on_page_markdown`` runs before
                     the Markdown step: ``render.render_page`` on the page's Markdown; on a math page the
                     MathJax loader, and on a page with citations the stylesheet, are appended inline (an
                     extension cannot add files to the site).

Zensical makes a new extension object for every page and has no build-start hook, so the build's state (the
parsed .bib files, CSL processors, the Liquid environment) is kept on the class, one ``BuildState`` per
(site folder, options, site facts): each .bib is parsed once per build, not once per page. When a .bib or
.csl file it read changes on disk (``zensical serve``), the next page starts a new one.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from . import math, rawhtml
from .frontmatter import split_front_matter, unpublished, wants_math
from .liquid.environment import relative_root
from .render import BuildState, PageInput, SiteFacts, render_page
from .scholar.cache import Store
from .scholar.errors import Problem, ScholarError
from .scholar.settings import ScholarSettings

log = logging.getLogger(__name__)

MATH_MODES = ("page", "always", "never")
# Before every other preprocessor (pymdownx's and Zensical's own run at 35 and below): Liquid first, as in
# the plugin, so snippets, macros and the Markdown step see the rendered page.
PRIORITY = 40


@dataclass
class _Build:
    """One build's state and the modification times of the files it read, to notice an edit."""

    state: BuildState
    seen: dict[Path, int] = field(default_factory=dict)

    def stale(self) -> bool:
        return any(_mtime(path) != mtime for path, mtime in self.seen.items())

    def remember_files(self) -> None:
        for path in self.state.library.watched:
            self.seen.setdefault(path, _mtime(path))


class ScholarExtension(Extension):
    """Options are the plugin's: ``enabled``, ``math``, ``mathjax_url`` and every jekyll-scholar key."""

    # Build state by (site folder, options, site facts); see the module docstring.
    _builds: dict[tuple[str, str, str], _Build] = {}
    # Parsed .bib files and formatted texts by content, shared by successive builds of one process
    # (``zensical serve``); in memory only (Zensical gives an extension no end-of-build moment to save).
    _store: Store = Store(None)
    # Configuration problems already said: once per process, not once per page.
    _said: set[str] = set()

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "enabled": [True, "turn the extension off"],
            "math": ["page", "page: a page asks with use_math/math/mathjax; always; never"],
            "mathjax_url": [math.DEFAULT_MATHJAX_URL, "where browsers load MathJax from"],
        }
        own = {k: v for k, v in kwargs.items() if k in self.config}
        super().__init__(**own)
        # Everything else is a jekyll-scholar key, checked by ScholarSettings (an unknown one is a warning).
        self.scholar_options = {k: v for k, v in kwargs.items() if k not in self.config}

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        if not self.getConfig("enabled"):
            return
        context = _zensical_context(md)
        if context is None:
            _report_once(
                Problem(
                    "mkdocs_scholar.extension needs Zensical's rendering context and does nothing here",
                    hint="with MkDocs or ProperDocs use the plugin (plugins: - scholar) instead",
                )
            )
            return
        page, config = context.page, context.config
        mode = self.getConfig("math")
        if mode not in MATH_MODES:
            _report_once(Problem(f"option 'math' must be one of {', '.join(MATH_MODES)}; 'page' is used"))
            mode = "page"
        build = self._build_for(config, mode)
        use_math = wants_math(dict(page.meta), mode)
        if use_math:
            math.MathExtension(lambda: True).extendMarkdown(md)
        preprocessor = ScholarPreprocessor(
            md, build, page, _docs_dir(config), use_math, self.getConfig("mathjax_url")
        )
        md.preprocessors.register(preprocessor, "mkdocs_scholar", PRIORITY)
        rawhtml.RawHtmlExtension().extendMarkdown(md)

    def _build_for(self, config: Mapping[str, Any], mode: str) -> _Build:
        root = Path(config.get("root_dir") or ".").resolve()
        site = SiteFacts.from_config(root, config)
        key = (
            str(root),
            json.dumps({**self.scholar_options, "__math": mode}, sort_keys=True, default=repr),
            repr(site),
        )
        builds = type(self)._builds
        build = builds.get(key)
        if build is None or build.stale():
            settings, notes = ScholarSettings.from_mapping(self.scholar_options)
            for note in notes:
                _report_once(Problem(f"markdown_extensions: mkdocs_scholar.extension: {note}"))
            state = BuildState(
                site,
                settings,
                math=mode,
                store=type(self)._store,
                html_links_from_source=True,
                stash_html=True,
            )
            # `post_url` and `link` find pages by source path; Zensical turns a link to the source (in
            # Markdown and in raw HTML) into the page's URL itself, so the source path is all they need.
            docs = _docs_dir(config)
            state.links = {p: p for p in _docs_files(docs)}
            # A site keeps one build state: a changed config or file replaces the previous one.
            for old in [k for k in builds if k[0] == key[0]]:
                del builds[old]
            build = builds[key] = _Build(state)
        return build


class ScholarPreprocessor(Preprocessor):
    """The page's Liquid and citations, rendered by the core before any other preprocessor runs."""

    def __init__(
        self, md: Markdown, build: _Build, page: Any, docs_dir: Path, use_math: bool, mathjax_url: str
    ) -> None:
        super().__init__(md)
        self.build = build
        self.page = page
        self.docs_dir = docs_dir
        self.use_math = use_math
        self.mathjax_url = mathjax_url

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        path = self.page.path
        state = self.build.state
        page = PageInput(
            path=path,
            url=self.page.url,
            meta=self.page.meta,
            line_offset=_line_offset(self.docs_dir / path, text),
        )
        if unpublished(self.page.meta) and "draft" not in self.page.meta:
            # Zensical's blog reads the front matter itself, before any extension: it would publish the page.
            message = "'published: false' is Jekyll's; Zensical publishes this page"
            _report([Problem(message, hint="add 'draft: true' to its front matter")], path)
        try:
            result = render_page(text, page, state)
        except ScholarError as err:
            # The plugin stops the build here; an extension cannot stop Zensical without a traceback, so the
            # page is left as written and the error is said.
            _report([Problem.from_error(err, path=path)], level="ERROR")
            return lines
        _report(result.problems, path)
        _report(state.take_problems())
        self.build.remember_files()
        # After the content, as raw HTML blocks, which Markdown keeps as they are.
        extras = []
        if self.use_math:
            extras.append(self._mathjax_loader())
        if result.cited or f'class="{state.settings.bibliography_class}"' in result.markdown:
            extras.append(f"<style>\n{math.stylesheet()}</style>")
        return [*result.markdown.split("\n"), *(line for html in extras for line in ("", *html.split("\n")))]

    def _mathjax_loader(self) -> str:
        # A relative URL means "from the site root" (as for the plugin); the inline loader resolves it
        # against the page, so it is made relative to the page here.
        url = self.mathjax_url
        if not _is_absolute_url(url):
            url = f"{relative_root(self.page.url).rstrip('/')}/{url.removeprefix('./')}"
        return f"<script>\n{math.loader_script(url)}</script>"


def _zensical_context(md: Markdown) -> Any:
    """Zensical's rendering context (``.page``, ``.config``) registered on this Markdown, or None."""
    try:
        from zensical.extensions.context import ContextPreprocessor
    except ImportError:
        return None
    return ContextPreprocessor.from_markdown(md)


def _docs_dir(config: Mapping[str, Any]) -> Path:
    return Path(config.get("root_dir") or ".").resolve() / (config.get("docs_dir") or "docs")


def _docs_files(docs: Path) -> list[str]:
    if not docs.is_dir():
        return []
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())


def _line_offset(source: Path, body: str) -> int:
    """Lines of the file above ``body``: front matter, and the blank lines Zensical dropped after it."""
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    _, _, body_line = split_front_matter(text)  # the first non-blank line after the front matter
    kept_blank = len(body) - len(body.lstrip("\n"))
    return max(body_line - 1 - kept_blank, 0)


def _is_absolute_url(url: str) -> bool:
    return url.startswith(("/", "//")) or ":" in url.split("/", 1)[0]


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _report_once(problem: Problem) -> None:
    """A problem of the configuration, not of a page: said once, not once per page."""
    if str(problem) not in ScholarExtension._said:
        ScholarExtension._said.add(str(problem))
        _report([problem])


def _report(problems: Iterable[Problem], path: str | None = None, *, level: str = "WARNING") -> None:
    for problem in problems:
        if problem.path is None:
            problem.path = path
        if log.hasHandlers():
            log.log(logging.getLevelName(level), str(problem))
        else:
            # Zensical's command line sets up no Python logging: write MkDocs' log line ourselves, so a
            # warning reads (and is matched) the same under every generator.
            print(f"{level:<8}-  mkdocs_scholar: {problem}", file=sys.stderr)


def makeExtension(**kwargs: Any) -> ScholarExtension:  # noqa: N802 - Python-Markdown's name
    return ScholarExtension(**kwargs)
