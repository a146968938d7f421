"""The MkDocs plugin: MkDocs events → core calls, in the order the build runs them.

on_config        settings from mkdocs.yml; the math extension, MathJax loader and CSS are wired in.
on_files (+50)   Jekyll front matter translated before Material's blog plugin reads posts (at -50).
on_nav (-100)    every page's final URL is known (the blog plugin moved posts at -50): the link map.
on_page_markdown (+50)   the page's Liquid and citations rendered by ``render.render_page``, before any
                 other plugin sees the Markdown.
on_env           every page has rendered: the site-wide bibliography page gets its list.
on_serve         .bib, .csl, _includes/ and _layouts/ are watched too.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import browser, frontmatter, math
from .config import ScholarConfig
from .render import BuildState, PageInput, SiteFacts, render_page
from .scholar.errors import Problem, ScholarError
from .scholar.reader import Reader, ReaderOptions, Repository
from .scholar.settings import ScholarSettings
from .site_bibliography import DEFAULT_PAGE, MARKER, SiteCitations

log = get_plugin_logger(__name__)


class ScholarPlugin(BasePlugin[ScholarConfig]):
    supports_multiple_instances = False
    # Parsed .bib files by content, kept across `mkdocs serve` rebuilds (MkDocs makes a new plugin object
    # for each rebuild); only the files of the latest build are kept.
    _bib_cache: dict = {}

    def __init__(self) -> None:
        self.build: BuildState | None = None
        self._stage: tempfile.TemporaryDirectory | None = None
        self._line_offsets: dict[str, int] = {}
        self._page_math = False
        self._site_citations = SiteCitations()
        self._site_page: Page | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path or ".").resolve().parent
        self._site_citations, self._site_page = SiteCitations(), None
        page = self.config.site_bibliography
        if page and (not page.endswith(".md") or page.startswith("/") or ".." in page.split("/")):
            log.warning(
                f"mkdocs.yml: site_bibliography '{page}' is not a Markdown page path inside the docs folder "
                "(such as bibliography.md); no site bibliography is made"
            )
            self.config.site_bibliography = None
        values = {key: self.config[key] for key in ScholarSettings.keys()}
        settings, notes = ScholarSettings.from_mapping(values)
        for note in notes:
            log.warning(f"mkdocs.yml: {note}")
        extra = dict(config.extra or {})
        site = SiteFacts(
            root=root,
            site_url=config.site_url or "",
            title=config.site_name or "",
            description=config.site_description or "",
            author=config.site_author or "",
            extra=extra,
        )
        options = ReaderOptions(
            previews=self.config.previews,
            backlinks=self.config.backlinks,
            entry_links=self.config.entry_links,
            bibtex_button=self.config.bibtex_button,
        )
        reader = Reader(options, Repository(Path(config.docs_dir))) if options.any else None
        self.build = BuildState(
            site, settings, math=self.config.math, bib_cache=type(self)._bib_cache, reader=reader
        )
        config.markdown_extensions.append(math.MathExtension(lambda: self._page_math))
        config.extra_javascript.append(math.LOADER_PATH)
        config.extra_css.append(math.CSS_PATH)
        if options.previews or options.bibtex_button:
            config.extra_javascript.append(browser.SCRIPT_PATH)
        return config

    # Must run before Material's blog plugin (-50), which reads post front matter from disk in on_files.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        files.append(
            File.generated(config, math.LOADER_PATH, content=math.loader_script(self.config.mathjax_url))
        )
        files.append(File.generated(config, math.CSS_PATH, content=math.stylesheet()))
        if browser.SCRIPT_PATH in config.extra_javascript:
            files.append(File.generated(config, browser.SCRIPT_PATH, content=browser.script()))
        site_page = self.config.site_bibliography
        if site_page and files.get_file_from_path(site_page) is None:
            files.append(File.generated(config, site_page, content=DEFAULT_PAGE))
        posts_dirs = _blog_post_dirs(config)
        self._line_offsets.clear()
        for file in files.documentation_pages():
            if not file.abs_src_path:
                continue
            try:
                text = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                log.warning(f"{file.src_uri}: cannot be read as UTF-8 text ({exc})")
                continue
            is_post = any(file.src_uri.startswith(d + "/") for d in posts_dirs)
            result = frontmatter.translate(text, file.src_uri, is_post=is_post)
            self._line_offsets[file.src_uri] = result.body_line - 1
            _report(result.problems, file.src_uri)
            if result.draft and not is_post:
                file.inclusion = InclusionLevel.DRAFT
            if result.text is not None:
                file.abs_src_path = self._staged(file.src_uri, result.text)
        return files

    # After every plugin that moves pages (the blog plugin sets post URLs at -50): URLs are final.
    @event_priority(-100)
    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> None:
        if not self.config.enabled or self.build is None:
            return
        self.build.links = {f.src_uri: f.url for f in files if f.url is not None}
        _report(self.build.take_problems())

    # Liquid first: every other plugin and the Markdown step see the rendered page.
    @event_priority(50)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or self.build is None:
            return None
        src = page.file.src_uri
        page_input = PageInput(
            path=src, url=page.url, meta=page.meta, line_offset=self._line_offsets.get(src, 0)
        )
        try:
            result = render_page(markdown, page_input, self.build)
        except ScholarError as err:
            raise PluginError(str(Problem.from_error(err, path=src))) from err
        self._page_math = result.math
        _report(result.problems, src)
        _report(self.build.take_problems())
        if src == self.config.site_bibliography:
            self._site_page = page
            return result.markdown.rstrip("\n") + f"\n\n{MARKER}\n"
        self._site_citations.record(src, page.url, result.citations)
        return result.markdown

    # After every page has rendered, before any is written: the site-wide bibliography can list them all.
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> None:
        page = self._site_page
        if not self.config.enabled or self.build is None or page is None or page.content is None:
            return
        titles = {f.src_uri: f.page.title for f in files.documentation_pages() if f.page and f.page.title}
        listing = self._site_citations.render(self.build, page.url, titles)
        page.content = page.content.replace(MARKER, listing, 1)
        _report(self.build.take_problems(), page.file.src_uri)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled or self.build is None:
            return server
        root = self.build.site.root
        watched = {p for p in self.build.library.watched}
        watched.add(self.build.library.source_dir(self.build.settings))
        for name in ("_includes", "_layouts", "_data"):
            watched.add(root / name)
        for path in sorted(watched):
            if path.exists():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build is not None:
            # Keep only the .bib files this build used, so `serve` memory does not grow.
            used = {k for k, v in type(self)._bib_cache.items() if v in self.build.library._by_path.values()}
            for key in list(type(self)._bib_cache):
                if key not in used:
                    del type(self)._bib_cache[key]
        self._cleanup()

    def on_build_error(self, *, error: Exception) -> None:
        self._cleanup()

    def on_shutdown(self) -> None:
        self._cleanup()

    def _staged(self, src_uri: str, text: str) -> str:
        """A copy of a page with translated front matter, which MkDocs and Material read instead."""
        if self._stage is None:
            self._stage = tempfile.TemporaryDirectory(prefix="mkdocs-scholar-")
        path = Path(self._stage.name, *src_uri.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def _cleanup(self) -> None:
        if self._stage is not None:
            shutil.rmtree(self._stage.name, ignore_errors=True)
            self._stage = None


def _blog_post_dirs(config: MkDocsConfig) -> list[str]:
    """The posts folders of every Material blog plugin instance (``blog/posts`` by default)."""
    dirs = []
    for name, plugin in config.plugins.items():
        if name.split(" ")[0] in ("material/blog", "blog") and getattr(plugin, "config", None) is not None:
            blog_dir = posixpath.normpath(plugin.config.blog_dir)
            post_dir = plugin.config.post_dir.format(blog=blog_dir)
            dirs.append(posixpath.normpath(post_dir).lstrip("./") if post_dir != "." else "")
    return dirs


def _report(problems: list[Problem], path: str | None = None) -> None:
    for problem in problems:
        if problem.path is None:
            problem.path = path
        log.warning(str(problem))
