"""The MkDocs plugin: MkDocs events → core calls, in the order the build runs them.

on_config        settings from mkdocs.yml; the math extension, MathJax loader and CSS are wired in.
on_files (+50)   Jekyll front matter translated before Material's blog plugin reads posts (at -50).
on_nav (-100)    every page's final URL is known (the blog plugin moved posts at -50): the link map,
                 site.posts/tags/categories, and each page's old Jekyll URL (with `redirects`).
on_page_markdown (+50)   the page's Liquid and citations rendered by ``render.render_page``, before any
                 other plugin sees the Markdown.
on_env           every page has rendered: the site-wide bibliography page gets its list.
on_serve         .bib, .csl, _includes/, _layouts/ and _data/ are watched too.
on_post_build    the redirect pages are written where no page of the new site is.
"""

from __future__ import annotations

import dataclasses
import gc
from collections import Counter
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import (
    bibpage,
    blogs,
    browser,
    details,
    excerpts,
    math,
    permalinks,
    rawhtml,
    site_bibliography,
    sources,
)
from .config import ScholarConfig
from .liquid.environment import relative_root
from .liquid.site import PageRecord, site_index
from .render import BuildState, PageInput, SiteFacts, render_page
from .scholar import hidden
from .scholar.cache import Store
from .scholar.errors import Problem, ScholarError
from .scholar.reader import Reader, ReaderOptions, Repository, bibtex_file
from .scholar.settings import ScholarSettings
from .scholar.sitefiles import FileStore
from .site_bibliography import DEFAULT_PAGE, MARKER, SiteCitations

log = get_plugin_logger(__name__)


class ScholarPlugin(BasePlugin[ScholarConfig]):
    supports_multiple_instances = False
    # Parsed .bib files by content, kept across `mkdocs serve` rebuilds (MkDocs makes a new plugin object
    # for each rebuild); only the files of the latest build are kept.
    _stores: dict[str, Store] = {}
    # Set by `serve` after its first build: the process lives on, and its rebuilds free their garbage.
    _serving = False

    def __init__(self) -> None:
        self.build: BuildState | None = None
        self._stage = sources.Stage()  # pages with translated front matter, read instead of the files
        self._line_offsets: dict[str, int] = {}
        self._page_math = False
        self._records: dict[str, PageRecord] = {}  # every page's front matter, from on_files
        self._posts_dirs: list[str] = []
        self._redirects: list[permalinks.Redirect] = []
        self._site_citations = SiteCitations()
        self._site_page: Page | None = None
        self._shared_bib_files: set[str] = set()  # .bib file names two pages' URLs map to

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path or ".").resolve().parent
        self._site_citations, self._site_page = SiteCitations(), None
        problem = site_bibliography.check_page_path(self.config.site_bibliography)
        if problem is not None:
            log.warning(f"mkdocs.yml: {problem}")
            self.config.site_bibliography = None
        values = {key: self.config[key] for key in ScholarSettings.keys()}
        settings, notes = ScholarSettings.from_mapping(values)
        for note in notes:
            log.warning(f"mkdocs.yml: {note}")
        site = SiteFacts.from_config(root, config)
        store = self._store(root)
        self.build = BuildState(
            site,
            settings,
            math=self.config.math,
            store=store,
            details_pages=self.config.details_pages,
            excerpt_separator=self.config.excerpt_separator,
            excerpt_marker=blogs.excerpt_marker(config.plugins),
            reader=_reader(self.config, config, store.folder),
            stash_html=True,
            hide_tags=True,
        )
        config.markdown_extensions.append(math.MathExtension(lambda: self._page_math))
        config.markdown_extensions.append(rawhtml.RawHtmlExtension())
        config.extra_javascript.append(math.LOADER_PATH)
        config.extra_css.append(math.CSS_PATH)
        if self.config.previews or self.config.bibtex_button:
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
        for path, content in details.details_pages(self.build):
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        self._convert_bib_pages(files, config)
        posts_dirs = self._posts_dirs = blogs.post_dirs(config.plugins)
        self._line_offsets.clear()
        self._records.clear()
        for file in files.documentation_pages():
            if not file.abs_src_path:
                continue
            source = sources.read_source(
                Path(file.abs_src_path), file.src_uri, posts_dirs, self.config.excerpt_separator
            )
            _report(source.problems, file.src_uri)
            if source.record is None:
                continue
            self._line_offsets[file.src_uri] = source.body_offset
            self._records[file.src_uri] = source.record
            if source.draft:
                file.inclusion = InclusionLevel.DRAFT
            if source.text is not None:  # MkDocs and Material read the staged copy
                file.abs_src_path = self._stage.write(file.src_uri, source.text)
        return files

    # After every plugin that moves pages (the blog plugin sets post URLs at -50): URLs are final.
    @event_priority(-100)
    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> None:
        if not self.config.enabled or self.build is None:
            return
        self.build.links = {f.src_uri: f.url for f in files if f.url is not None}
        if self.build.reader is not None:
            # `index.md` and `index/index.md` both name bibtex/index.bib: such a file is written once, after
            # the build, with both pages' entries numbered in one list (as every file was before).
            names = Counter(
                bibtex_file("" if f.url in (".", "./") else f.url)  # as Page.url has it
                for f in files.documentation_pages()
            )
            self._shared_bib_files = {name for name, count in names.items() if count > 1}
        records = [
            dataclasses.replace(self._records[f.src_uri], url=f.url)
            for f in files.documentation_pages()
            if f.src_uri in self._records and f.inclusion.is_included()
        ]
        self.build.site.index = site_index(records)
        # A cold build's citations, formatted ahead on every core (pages with their own settings left out),
        # when the first page formats something: in a warm build, none does.
        self.build.prefetch_when_needed(
            sources.read_text(Path(f.abs_src_path))
            for f in files.documentation_pages()
            if f.abs_src_path
            and f.src_uri in self._records
            and "scholar" not in self._records[f.src_uri].meta
        )
        if self.config.redirects:
            self._redirects, notes = permalinks.collect_redirects(
                records,
                style=self.config.permalink,
                timezone=self.config.timezone,
                posts_dirs=self._posts_dirs,
            )
            for note in notes:
                log.warning(f"mkdocs.yml: {note}")
        _report(self.build.take_problems())

    # Liquid first: every other plugin and the Markdown step see the rendered page.
    @event_priority(50)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or self.build is None:
            return None
        src = page.file.src_uri
        record = self._records.get(src)
        page_input = PageInput(
            path=src,
            url=page.url,
            meta=page.meta,
            line_offset=self._line_offsets.get(src, 0),
            is_post=record is not None and record.is_post,
        )
        try:
            result = render_page(markdown, page_input, self.build)
        except ScholarError as err:
            raise PluginError(str(Problem.from_error(err, path=src))) from err
        self._page_math = result.math
        _report(result.problems, src)
        _report(self.build.take_problems())
        if src == self.config.site_bibliography:
            self._site_page = page  # its .bib file is written after the build: on_env adds to it
            return result.markdown.rstrip("\n") + f"\n\n{MARKER}\n"
        self._site_citations.record(src, page.url, result.citations)
        reader = self.build.reader
        if reader is not None and bibtex_file(page.url) not in self._shared_bib_files:
            # The page's .bib file now: the build does not hold every page's BibTeX to its end.
            for message in reader.write_bibtex_files(Path(config.site_dir), [page.url]):
                log.warning(message)
        return result.markdown

    # Excerpts are rendered into index pages by Material's blog: fix their citation links at the end; and
    # the search has indexed every page by now: the citations' tags and the reader extras come out of their
    # comments (scholar/hidden.py). Before every other plugin's on_post_page: one that drops HTML comments
    # (a minifier listed before this plugin) would drop them too.
    @event_priority(100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled or self.build is None:
            return None
        return excerpts.link_excerpt_citations(
            hidden.show(output), self.build.settings.cite_class, relative_root(page.url)
        )

    # After every page has rendered, before any is written: the site-wide bibliography can list them all.
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> None:
        page = self._site_page
        if not self.config.enabled or self.build is None or page is None or page.content is None:
            return
        titles = {f.src_uri: f.page.title for f in files.documentation_pages() if f.page and f.page.title}
        # Its tags are not hidden (scholar/hidden.py): the listing is made again every build, and hiding
        # them would cost about what it saves the search.
        listing = self._site_citations.render(self.build, page.url, titles)
        page.content = page.content.replace(MARKER, listing, 1)
        _report(self.build.take_problems(), page.file.src_uri)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        type(self)._serving = True
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
        if self._redirects:
            for message in permalinks.write_redirects(Path(config.site_dir), self._redirects):
                log.warning(message)
        if self.build is not None:
            if self.build.reader is not None:
                for message in self.build.reader.write_bibtex_files(Path(config.site_dir)):
                    log.warning(message)
                if self.build.reader.file_store is not None:
                    self.build.reader.file_store.prune()
            self.build.library.finish()
            if type(self)._serving:
                # citeproc-py's style and reference objects hold reference cycles: free them now, so
                # memory under `serve` does not grow from rebuild to rebuild. A `mkdocs build` ends here.
                gc.collect()
        self._stage.clear()

    def on_build_error(self, *, error: Exception) -> None:
        self._stage.clear()

    def on_shutdown(self) -> None:
        self._stage.clear()

    def _convert_bib_pages(self, files: Files, config: MkDocsConfig) -> None:
        """A .bib file with front matter in docs/ becomes a page, as jekyll-scholar's converter makes it."""
        for file in list(files):
            page = bibpage.bib_page(file.src_uri, Path(file.abs_src_path)) if file.abs_src_path else None
            if page is not None:
                files.remove(file)
                files.append(File.generated(config, page[0], content=page[1]))

    def _store(self, root: Path) -> Store:
        """Parsed .bib files and formatted entries, one store per cache folder for the process (MkDocs
        makes a new plugin object for each `serve` rebuild), on disk unless `cache: false`."""
        folder = (root / self.config.cache_dir).resolve() if self.config.cache else None
        store = type(self)._stores.get(str(folder))
        if store is None:
            store = type(self)._stores[str(folder)] = Store(folder)
        return store


def _reader(options: ScholarConfig, config: MkDocsConfig, cache: Path | None) -> Reader | None:
    """What readers get beyond jekyll-scholar's links, as the options switch it on."""
    chosen = ReaderOptions(
        previews=options.previews,
        backlinks=options.backlinks,
        entry_links=options.entry_links,
        bibtex_button=options.bibtex_button,
    )
    # The BibTeX of a page's entries goes to a .bib file of its own, written once the page is rendered (a
    # file two pages' URLs name: after the build, on_post_build).
    # Their extras wait in comments until on_post_page shows them (scholar/hidden.py).
    # Kept in the cache between builds and linked into the site (scholar/sitefiles.py).
    store = FileStore(cache / "site-bibtex") if cache is not None else None
    reader = Reader(
        chosen, Repository(Path(config.docs_dir)), bibtex_files={}, deferred_extras=True, file_store=store
    )
    return reader if chosen.any else None


def _report(problems: list[Problem], path: str | None = None) -> None:
    for problem in problems:
        if problem.path is None:
            problem.path = path
        log.warning(str(problem))
