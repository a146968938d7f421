"""The citation engine: build-level ``Library`` and per-page ``CitationState``.

Tags call a page's ``CitationState`` while Liquid renders; each call records what it needs and returns a
placeholder. ``CitationState.finish`` then formats everything at once, when every citation on the page is
known, and puts the HTML in place. Working in two steps is what lets numbers agree between the text and
every bibliography on the page (jekyll-scholar defect 8) and lets ids stay unique (defect 7).

Output keeps jekyll-scholar's HTML shape: ``<a class="citation" href="#KEY">``,
``<ol class="bibliography"><li><span id="KEY">…</span></li>…</ol>``.
"""

from __future__ import annotations

import copy
import glob
import hashlib
import html
import json
import marshal
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import csl, hidden, pool
from .bibtex import BibEntry, BibFile, load_bib_file, parse_bib_text
from .cache import DiskEntries, ParsedBib, Store, Texts, entry_digest
from .errors import Problem, ScholarError
from .options import TagOptions, split_list
from .paths import confined
from .query import compile_query
from .reader import Reader, mark_math
from .reader import bibtex_text as reader_bibtex
from .settings import ScholarSettings

if TYPE_CHECKING:
    from citeproc.source import Reference

Report = Callable[[Problem], None]
TemplateRenderer = Callable[[str, Mapping[str, Any], int | None], str]

_PLACEHOLDER = "\ue100{}\ue101"
_LINK_FIELDS = ("DOI", "URL")  # what reader.entry_links reads of an entry's CSL item
_PLACEHOLDER_RE = re.compile("\ue100(\\d+)\ue101")


# -- build level ----------------------------------------------------------------------------------
@dataclass
class LoadedBib:
    """One parsed .bib file with what formatting needs, built lazily per key."""

    label: str
    file: BibFile
    digests: dict[str, str] = field(default_factory=dict)  # key -> entry content hash (cache.py)
    lower: dict[str, str] = field(default_factory=dict)
    _items: dict[str, dict] = field(default_factory=dict)
    _refs: dict[str, Reference] = field(default_factory=dict)
    source: str = ""  # the hash of the file's bytes ("": not known, as for a file made in a test)

    def __post_init__(self) -> None:
        # A stored file answers from disk; nothing is read ahead of the pages.
        self._disk = self.file.entries if isinstance(self.file.entries, DiskEntries) else None
        if self._disk is None:
            for key in self.file.entries:
                self.lower.setdefault(key.lower(), key)

    @classmethod
    def parse(cls, file: BibFile) -> BibFile:
        """A freshly parsed file, with what CSL cannot show as written (unknown types and LaTeX macros)
        added to its issues: done once per parse, so a file kept across builds is not checked again."""
        from .csl_json import check_bib  # pybtex and the LaTeX decoder: not needed by a warm build

        file.issues.extend(check_bib(file))
        return file

    def digest(self, key: str) -> str:
        found = self.digests.get(key)
        if found is None:
            if self._disk is not None:
                found = self.digests[key] = self._disk.digest(key)
            else:
                found = self.digests[key] = entry_digest(self.file.entries[key])
        return found

    def find(self, key: str) -> str | None:
        """The key as written in the file, matched exactly first, then ignoring case (as BibTeX does)."""
        if key in self.file.entries:
            return key
        if self._disk is not None:
            return self._disk.find_lower(key.lower())
        return self.lower.get(key.lower())

    def entry(self, key: str) -> BibEntry:
        return self.file.entries[key]

    def member_keys(self, key: str) -> list[str]:
        """The keys of a biblatex @set's members (none for other entries), without reading the entry
        when the file comes from the cache."""
        if self._disk is not None:
            return self._disk.member_keys(key)
        return [m.key for m in self.file.entries[key].members]

    def item(self, key: str) -> dict:
        if key not in self._items:
            from .csl_json import entry_to_csl

            self._items[key] = entry_to_csl(self.file.entries[key])
        return self._items[key]

    def reference(self, key: str) -> Reference:
        if key not in self._refs:
            self._refs[key] = csl.make_reference(self.item(key))
        return self._refs[key]


class Library:
    """Everything parsed once per build: .bib files (by content, also across ``serve`` rebuilds through
    ``cache``) and CSL styles (one processor per style and locale)."""

    def __init__(self, root: Path, report: Report, store: Store | None = None) -> None:
        self.root = root.resolve()
        self.report = report
        # Parsed files and formatted texts by content, beyond this build (serve rebuilds; on disk when the
        # store has a folder): see cache.py.
        self.store = store if store is not None else Store(None)
        self._by_path: dict[Path, LoadedBib] = {}
        self._styles: dict[tuple[Path, str], csl.StyleProcessor] = {}
        self._style_refs: dict[tuple[str, tuple[Path, ...]], csl.StyleRef] = {}
        self._source_dirs: dict[str, Path] = {}
        self.watched: set[Path] = set()
        self._files: dict[tuple[str, str, tuple[str, ...]], list[Path]] = {}
        self._reported: set[str] = set()
        # The part of pages' keys their settings and styles decide (``_key_head``).
        self.key_heads: dict[tuple, tuple[ScholarSettings, bytes]] = {}

    def report_once(self, problem: Problem) -> None:
        """A problem of the configuration, not of a page: said once per build."""
        if str(problem) not in self._reported:
            self._reported.add(str(problem))
            self.report(problem)

    # .bib files
    def source_dir(self, settings: ScholarSettings) -> Path:
        # Jekyll reads `source: /_bibliography/` relative to the site, not the file system root. Made once
        # per spelling: it is part of the key every page's tags find their style by.
        found = self._source_dirs.get(settings.source)
        if found is None:
            found = self._source_dirs[settings.source] = self.root / settings.source.strip().lstrip("/")
        return found

    def default_files(self, settings: ScholarSettings) -> list[Path]:
        base = self.source_dir(settings)
        names = split_list(settings.bibliography) or ["references.bib"]
        out: list[Path] = []
        for name in names:
            if "*" in name or "?" in name:
                # A pattern never reaches outside the site folder (`../*.bib`, a symlink out).
                matches = (confined(Path(p), self.root) for p in glob.glob(str(base / name)))
                found = sorted(p for p in matches if p is not None and p.is_file())
                if not found:
                    raise ScholarError(
                        f"no .bib file matches '{name}' in {self._rel(base)}",
                        hint="check the 'bibliography' and 'source' settings",
                    )
                out.extend(found)
            else:
                out.append(self._resolve_bib(name, base))
        return out

    def files_for(self, settings: ScholarSettings, names: Iterable[str]) -> list[Path]:
        names = [n for n in names if n.strip()]
        # Every cite tag asks; resolving (globs, confinement, is_file) each time cost a millisecond a tag.
        key = (settings.source, settings.bibliography, tuple(names))
        found = self._files.get(key)
        if found is None:
            if names:
                base = self.source_dir(settings)
                found = [self._resolve_bib(n.strip(), base) for n in names]
            else:
                found = self.default_files(settings)
            self._files[key] = found
        return list(found)

    def _resolve_bib(self, name: str, base: Path) -> Path:
        # jekyll-scholar: `source/F`, adding .bib when F has no extension.
        candidates = [base / name]
        if not Path(name).suffix:
            candidates.insert(0, base / f"{name}.bib")
        for cand in candidates:
            path = confined(cand, self.root)
            if path is None:
                raise ScholarError(
                    f"bibliography '{name}' is outside the site folder",
                    hint="keep .bib files under the folder of mkdocs.yml",
                )
            if path.is_file():
                return path
        raise ScholarError(
            f"bibliography file '{self._rel(candidates[-1])}' not found",
            hint=f"put the .bib file in {self._rel(base)}/ or fix the 'source'/'bibliography' settings",
        )

    def load(self, path: Path) -> LoadedBib:
        if path in self._by_path:
            return self._by_path[path]
        label = self._rel(path)
        self.watched.add(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ScholarError(f"cannot read bibliography '{label}': {exc.strerror}") from exc
        digest = hashlib.sha256(data).hexdigest()
        parsed = self.store.parsed_bib(digest, label)
        if parsed is None:
            parsed = ParsedBib.of(LoadedBib.parse(load_bib_file(path, label)))
            self.store.store_bib(digest, label, parsed)
        loaded = LoadedBib(label, parsed.file, dict(parsed.digests), source=digest)
        for issue in loaded.file.issues:
            self.report(Problem(issue.message, line=issue.line, path=issue.path or label))
        self._by_path[path] = loaded
        return loaded

    def load_text(self, text: str, label: str) -> LoadedBib:
        source = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return LoadedBib(label, LoadedBib.parse(parse_bib_text(text, label)), source=source)

    def texts(self, proc: csl.StyleProcessor) -> Texts:
        """Formatted texts already known for this style and locale."""
        return self.store.texts(proc.digest, proc.locale)

    def finish(self) -> None:
        """The build is over: keep what it formatted (on disk too), trim the rest."""
        self.store.finish_build()

    # CSL styles
    def processor(self, spec: str, locale: str, search: tuple[Path, ...] = ()) -> csl.StyleProcessor:
        ref_key = (spec, search)
        ref = self._style_refs.get(ref_key)
        if ref is None:
            ref = csl.resolve_style(spec, root=self.root, search=search)
            self._style_refs[ref_key] = ref
            if self.root in ref.path.parents:
                self.watched.add(ref.path)
        key = (ref.path, locale)
        proc = self._styles.get(key)
        if proc is None:
            proc = csl.StyleProcessor(ref, locale, lambda digest: self.store.texts(digest, locale))
            self._styles[key] = proc
        return proc

    def _rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


# -- page level -----------------------------------------------------------------------------------
@dataclass
class _Cite:
    keys: list[str]  # as written in the .bib
    bibs: list[LoadedBib]
    locators: list[str]
    labels: list[str]
    suppress_author: bool
    prefix: str | None
    style: str | None
    segment: int
    line: int | None = None
    where: str | None = None  # the include file the tag is in (None: the page itself)
    in_excerpt: bool = False  # in a blog post's excerpt (shown on index pages without the rest)


@dataclass
class _Bibliography:
    keys: list[str]
    bibs: list[LoadedBib]
    opts: TagOptions
    segment: int
    line: int | None
    numbered: bool = True  # False for {% reference %} and {% bibtex %}: entries alone, no list
    joiner: str = ""
    where: str | None = None
    in_excerpt: bool = False


class CitationState:
    """One page's citations: cite order, numbers, ids. Created for the page, dropped after it."""

    def __init__(
        self,
        library: Library,
        settings: ScholarSettings,
        report: Report,
        *,
        template_renderer: TemplateRenderer | None = None,
        layouts_dir: Path | None = None,
        details_base: str = "",
        page_link: Callable[[str], str] | None = None,
        details_enabled: bool = False,
        docs_dir: Path | None = None,
        reader: Reader | None = None,
        wrap_html: Callable[..., str] | None = None,
        hide_tags: bool = False,
        before_formatting: Callable[[], None] | None = None,
    ) -> None:
        self.library = library
        # Called before the page formats anything (its result was not kept): the build's prefetch.
        self.before_formatting = before_formatting
        self.settings = settings
        self.report = report
        self.template_renderer = template_renderer
        self.layouts_dir = layouts_dir
        self.details_base = details_base
        # A link to another page of the site, given its docs-relative source path (the caller knows URLs).
        self.page_link = page_link or (lambda path: details_base + path)
        self.details_enabled = details_enabled
        self.docs_dir = docs_dir  # where `repository` files must be, to be published with the site
        self.cited: list[str] = []  # jekyll-scholar's page.cited: keys in order of first cite/nocite
        self._segments: list[list[str]] = [[]]  # numbering order per --clear segment
        self._cited_set: set[str] = set()
        self._segment_sets: list[set[str]] = [set()]
        self._requests: list[_Cite | _Bibliography] = []
        self._ids: set[str] = set()
        self._first_id: dict[str, str] = {}
        self._found: dict[tuple[tuple[int, ...], str], tuple[tuple[str, LoadedBib] | None, list]] = {}
        self.where: str | None = None  # set by a tag inside an include: problems found later name that file
        # Reader features (previews, backlinks, entry links): None keeps jekyll-scholar's plain output.
        self.reader = reader
        self.cite_ids: dict[str, list[str]] = {}  # entry anchor -> ids of the citation links to it
        self._first_cite: dict[str, str] = {}  # key -> id of its first citation link
        # Marks a bibliography's HTML for the Markdown step to keep as it is, unparsed (rawhtml.py).
        self.wrap_html = wrap_html
        # True where the generator calls ``hidden.show`` on each finished page: the tags of what is marked
        # wait in comments while other plugins parse the page (hidden.py).
        self.hide_tags = hide_tags

    # -- lookups --------------------------------------------------------------------------------
    def _bibs(self, opts: TagOptions, line: int | None) -> list[LoadedBib] | None:
        try:
            paths = self.library.files_for(self.settings, opts.files)
            return [self.library.load(p) for p in paths]
        except ScholarError as err:
            self.report(Problem.from_error(err, line=line))
            return None

    def _find(self, bibs: list[LoadedBib], key: str) -> tuple[str, LoadedBib] | None:
        """``find``, remembered for the page: formatting asks for each key several times."""
        memo = (tuple(map(id, bibs)), key)
        found = self._found.get(memo)
        if found is None:
            # The files are kept with the answer: no other file takes their ids while the page lasts.
            found = self._found[memo] = (find(bibs, key), bibs)
        return found[0]

    def _resolve(self, keys: list[str], bibs: list[LoadedBib], line: int | None) -> list[str] | None:
        """The keys as written in the .bib, or None (after a warning per missing key) if any is missing."""
        found: list[str] = []
        missing = []
        for key in keys:
            hit = self._find(bibs, key)
            if hit is None:
                missing.append(key)
            else:
                found.append(hit[0])
        for key in missing:
            # jekyll-scholar prints the missing-reference text silently (defect 2); we also warn.
            names = ", ".join(b.label for b in bibs)
            self.report(
                Problem(
                    f"citation key '{key}' not found in {names}",
                    line=line,
                    hint="check the key's spelling or add the entry to the .bib file",
                )
            )
        return None if missing else found

    def _mark_cited(self, keys: list[str]) -> None:
        for key in keys:
            if key not in self._cited_set:
                self._cited_set.add(key)
                self.cited.append(key)
            self._add_to_segment(key)

    def _add_to_segment(self, key: str) -> None:
        # Sets beside the lists: membership tests on the lists made a whole-file bibliography quadratic.
        if key not in self._segment_sets[-1]:
            self._segment_sets[-1].add(key)
            self._segments[-1].append(key)

    def _missing(self) -> str:
        return html.escape(self.settings.missing_reference, quote=False)

    def _add(self, request: _Cite | _Bibliography) -> str:
        self._requests.append(request)
        return _PLACEHOLDER.format(len(self._requests) - 1)

    # -- tags -----------------------------------------------------------------------------------
    def cite(self, keys: list[str], opts: TagOptions, line: int | None = None) -> str:
        if not keys:
            self.report(Problem("cite tag without a key", line=line, hint="write {% cite KEY %}"))
            return self._missing()
        bibs = self._bibs(opts, line)
        if bibs is None:
            return self._missing()
        found = self._resolve(keys, bibs, line)
        if found is None:
            return self._missing()
        self._mark_cited(found)
        return self._add(
            _Cite(
                found,
                bibs,
                opts.locators,
                opts.labels,
                opts.suppress_author,
                opts.prefix,
                opts.style,
                len(self._segments) - 1,
                line,
                self.where,
            )
        )

    def nocite(self, keys: list[str], opts: TagOptions, line: int | None = None) -> str:
        bibs = self._bibs(opts, line)
        if bibs is None:
            return self._missing()
        if keys == ["*"]:
            keys = [k for b in bibs for k in b.file.entries]
        for key in keys:
            hit = self._find(bibs, key)
            if hit is None:
                # jekyll-scholar: keys before a missing one are already added; so are they here.
                self._resolve([key], bibs, line)
                return self._missing()
            self._mark_cited([hit[0]])
        # jekyll-scholar printed the cited keys run together when a key was cited before (defect 10).
        return ""

    def select(self, opts: TagOptions, line: int | None) -> tuple[list[str], list[LoadedBib]] | None:
        """The keys a bibliography with these options lists, in order."""
        bibs = self._bibs(opts, line)
        if bibs is None:
            return None
        query_src = opts.query or self.settings.query
        try:
            match = compile_query(query_src)
        except ScholarError as err:
            self.report(Problem.from_error(err, line=line))
            return None
        if opts.cited or opts.cited_in_order:
            keys = [k for k in self.cited if self._find(bibs, k) is not None]
        else:
            seen: set[str] = set()
            keys = []
            for bib in bibs:
                for key in bib.file.entries:
                    if key.lower() not in seen:
                        seen.add(key.lower())
                        keys.append(key)
        entries = {k: self._find(bibs, k) for k in keys}
        if query_src.strip() != "@*":  # the default query takes every entry
            keys = [k for k in keys if _matches(match, entries[k][1].entry(k))]
        if opts.remove_duplicates is not None or self.settings.remove_duplicates:
            fields = opts.remove_duplicates or ["year", "title"]
            seen_sig: set[tuple] = set()
            unique = []
            for k in keys:
                e = entries[k][1].entry(k)
                sig = tuple(e.fields.get(f, "").strip().lower() for f in fields)
                if sig not in seen_sig:
                    seen_sig.add(sig)
                    unique.append(k)
            keys = unique
        if not opts.cited_in_order:
            keys = self._sorted(keys, entries)
        if opts.offset:
            keys = keys[opts.offset :]
        if (
            opts.max is not None and _group_levels(opts, self.settings) == []
        ):  # --max is ignored when grouping
            keys = keys[: opts.max]
        return keys, bibs

    def _sorted(self, keys: list[str], entries: Mapping[str, tuple[str, LoadedBib] | None]) -> list[str]:
        sort_by = [s for s in split_list(self.settings.sort_by) if s != "none"]
        if not sort_by:
            return keys
        orders = split_list(self.settings.order) or ["ascending"]
        out = list(keys)
        # Stable sorts from the last level to the first give a multi-level sort with per-level order.
        for level in reversed(range(len(sort_by))):
            name = sort_by[level]
            reverse = (orders[level] if level < len(orders) else orders[-1]) in ("descending", "reverse")
            out.sort(key=lambda k, n=name: _sort_value(entries[k][1].entry(k), n), reverse=reverse)
        return out

    def bibliography(self, opts: TagOptions, line: int | None = None) -> str:
        chosen = self.select(opts, line)
        if chosen is None:
            return self._missing()
        keys, bibs = chosen
        for key in keys:
            self._add_to_segment(key)
        out = self._add(_Bibliography(keys, bibs, opts, len(self._segments) - 1, line, where=self.where))
        if opts.clear:
            self.cited.clear()
            self._cited_set.clear()
            self._segments.append([])
            self._segment_sets.append(set())
        return out

    def bibliography_count(self, opts: TagOptions, line: int | None = None) -> str:
        chosen = self.select(opts, line)
        return "0" if chosen is None else str(len(chosen[0]))

    def reference(self, keys: list[str], opts: TagOptions, line: int | None = None) -> str:
        bibs = self._bibs(opts, line)
        if bibs is None:
            return self._missing()
        out = []
        for key in keys:
            found = self._resolve([key], bibs, line)
            if found is None:
                out.append(self._missing())
                continue
            out.append(
                self._add(
                    _Bibliography(
                        found, bibs, opts, len(self._segments) - 1, line, numbered=False, where=self.where
                    )
                )
            )
        return "\n".join(out)

    def bibtex(
        self, text: str, opts: TagOptions, line: int | None = None, label: str = "bibtex block"
    ) -> str:
        loaded = self.library.load_text(text, label)
        for issue in loaded.file.issues:
            self.report(
                Problem(issue.message, line=(line or 0) + (issue.line or 1) - 1 if line else issue.line)
            )
        keys = list(loaded.file.entries)
        return self._add(
            _Bibliography(keys, [loaded], opts, len(self._segments) - 1, line, numbered=False, joiner="\n")
        )

    def quote(self, body: str, keys: list[str], opts: TagOptions, line: int | None = None) -> str:
        cite = self.cite(keys, opts, line)
        body = body.strip("\n")
        # jekyll-scholar: blank lines become paragraph breaks, single newlines <br/>.
        body = re.sub(r"\n\s*\n", "</p><p>", body).replace("\n", "<br/>")
        return f"<blockquote><p>{body}</p><cite>{cite}</cite></blockquote>"

    def details_url(self, key: str) -> str:
        """The URL of an entry's details page (see ``scholar.details``)."""
        entry = None
        try:
            for path in self.library.default_files(self.settings):
                loaded = self.library.load(path)
                found = loaded.find(key)
                if found is not None:
                    entry = loaded.entry(found)
                    break
        except ScholarError:
            pass
        return self.page_link(details_path(self.settings, key, entry))

    def repository_links(self, key: str) -> dict[str, str]:
        """Files named after the key in the ``repository`` folder: ``{"pdf": url, …}``."""
        folder = self.settings.repository.strip().strip("/")
        if not folder or self.docs_dir is None:
            return {}
        base = confined(self.docs_dir / folder, self.library.root)
        if base is None or not base.is_dir():
            return {}
        delimiter = self.settings.repository_file_delimiter or "."
        out = {}
        for path in sorted(base.glob(f"{glob.escape(key)}{glob.escape(delimiter)}*")):
            ext = path.name[len(key) + len(delimiter) :]
            if ext and "/" not in ext and confined(path, self.library.root) is not None:
                out[ext] = self.page_link(f"{folder}/{path.name}")
        return out

    def has_details(self, bib: LoadedBib) -> bool:
        """Details pages exist for the entries of the default bibliography only."""
        try:
            return bib in [self.library.load(p) for p in self.library.default_files(self.settings)]
        except ScholarError:
            return False

    def details_link_html(self, key: str) -> str:
        s = self.settings
        if not s.details_link:
            return ""
        return (
            f' <a class="{html.escape(s.details_link_class)}" href="{html.escape(self.details_url(key))}">'
            f"{html.escape(str(s.details_link), quote=False)}</a>"
        )

    def cite_details(self, keys: list[str], opts: TagOptions, line: int | None = None) -> str:
        bibs = self._bibs(opts, line)
        if bibs is None or not keys:
            return self._missing()
        found = self._resolve(keys[:1], bibs, line)
        if found is None:
            return self._missing()
        text = opts.text or self.settings.details_link or "Details"
        return f'<a href="{html.escape(self.details_url(found[0]))}">{html.escape(text, quote=False)}</a>'

    # -- formatting -----------------------------------------------------------------------------
    def mark_excerpt(self, excerpt: str) -> None:
        """``excerpt`` is the part of the page a blog index shows: a citation there whose entry is listed
        only below it keeps the entry in its preview (the index page does not have it)."""
        for m in _PLACEHOLDER_RE.finditer(excerpt):
            index = int(m.group(1))
            if index < len(self._requests):
                self._requests[index].in_excerpt = True

    def finish(self, text: str) -> str:
        """Format every recorded citation and bibliography and put them in place of their placeholders."""
        if not self._requests:
            return text
        store = self.library.store
        memo = _page_key(self) if store.keeps_pages else None
        found = store.page_result(memo) if memo is not None else None
        if found is None or not self._replay(found):
            if self.before_formatting is not None:
                self.before_formatting()
            found = self._format(record=memo is not None)
            if self.hide_tags and self.wrap_html is not None:  # kept so in the page's result
                parts = found["rendered"]
                for index, request in enumerate(self._requests):
                    if self._marked(request) and str(index) in parts:
                        parts[str(index)] = hidden.hide_tags(
                            parts[str(index)], keep_first=not isinstance(request, _Cite)
                        )
            if memo is not None:
                store.keep_page_result(memo, found)
        rendered: dict[int, str] = {}
        for index, request in enumerate(self._requests):
            part = found["rendered"].get(str(index), "")
            if self.wrap_html is not None and self._marked(request):
                part = self.wrap_html(part, inline=isinstance(request, _Cite))
            rendered[index] = part

        def put(m: re.Match) -> str:
            return narrow(rendered.get(int(m.group(1)), ""))

        text = _PLACEHOLDER_RE.sub(put, text)
        if "\ue100" in text:  # a bibliography's template may itself hold placeholders (a cite in it)
            text = _PLACEHOLDER_RE.sub(put, text)
        # Backlinks last: every citation link has its id now.
        return self.reader.fill_backlinks(text, self.cite_ids) if self.reader else text

    @staticmethod
    def _marked(request: _Cite | _Bibliography) -> bool:
        """Whether ``wrap_html`` marks the request's HTML: a citation (inline), or a bibliography's list."""
        return isinstance(request, _Cite) or isinstance(request, _Bibliography) and request.numbered

    def _format(self, *, record: bool) -> dict:
        """Format the page's citations: the HTML of each, by request index (as a string: JSON's keys), and
        when ``record`` what else formatting did (``_replay`` does it again from that)."""
        rendered: dict[str, str] = {}
        context = _FormatContext(self, record=record)
        problems: list[list] = []
        report = self.report
        if record:

            def recorded(problem: Problem) -> None:
                problems.append([problem.message, problem.line, problem.path, problem.hint])
                report(problem)

            self.report = recorded
        try:
            context.prepare(self._requests)
            # Bibliographies first: they decide which id each key's entry has, and cites link to it.
            for index, request in enumerate(self._requests):
                if isinstance(request, _Bibliography):
                    rendered[str(index)] = context.bibliography(request)
            for index, request in enumerate(self._requests):
                if isinstance(request, _Cite):
                    rendered[str(index)] = context.cite(request)
        finally:
            self.report = report
        if not record:
            return {"rendered": rendered}
        reader = self.reader
        bibtex = (
            reader.bibtex_files.get(reader.page_file, {})
            if reader and reader.bibtex_files is not None
            else {}
        )
        return {
            "rendered": rendered,
            "problems": problems,
            "ids": sorted(self._ids),
            "first_id": self._first_id,
            "cite_ids": self.cite_ids,
            "first_cite": self._first_cite,
            "bibtex": list(bibtex),  # in the order of their numbers
            "texts": context.used_texts(),
        }

    def _replay(self, found: dict) -> bool:
        """Do again what formatting the page did besides its HTML (a stored result of ``_format``)."""
        try:
            problems = [
                Problem(m, line=line, path=path, hint=hint) for m, line, path, hint in found["problems"]
            ]
            ids, first_id = set(found["ids"]), dict(found["first_id"])
            cite_ids = {k: list(v) for k, v in found["cite_ids"].items()}
            first_cite, bibtex = dict(found["first_cite"]), list(found["bibtex"])
            rendered = found["rendered"]
            if not isinstance(rendered, dict) or not all(isinstance(v, str) for v in rendered.values()):
                return False
        except (KeyError, TypeError, ValueError, AttributeError):
            return False  # not what this version stores: formatted again
        self._ids, self._first_id, self.cite_ids, self._first_cite = ids, first_id, cite_ids, first_cite
        reader = self.reader
        if bibtex and reader is not None and reader.bibtex_files is not None and reader.page_file:
            texts = reader.bibtex_files.setdefault(reader.page_file, {})
            for entry in bibtex:
                texts.setdefault(entry, len(texts) + 1)
        for problem in problems:
            self.report(problem)
        return True

    def cite_id(self, key: str, target: str) -> str:
        """A unique id for the next citation link to the entry ``target``: ``cite-TARGET-1``, ``-2``, …"""
        ids = self.cite_ids.setdefault(target, [])
        n = len(ids) + 1
        while f"cite-{target}-{n}" in self._ids:
            n += 1
        anchor = f"cite-{target}-{n}"
        self._ids.add(anchor)
        ids.append(anchor)
        self._first_cite.setdefault(key, anchor)
        return anchor

    def cited_in_text(self) -> list[tuple[str, LoadedBib, str | None]]:
        """Keys cited by cite and quote tags (not nocite), first citation first, with their file and the
        id of their first citation link (None without reader features; call after ``finish``)."""
        out: dict[str, tuple[str, LoadedBib, str | None]] = {}
        for request in self._requests:
            if isinstance(request, _Cite):
                for key in request.keys:
                    hit = self._find(request.bibs, key)
                    if hit is not None and hit[0] not in out:
                        out[hit[0]] = (hit[0], hit[1], self._first_cite.get(hit[0]))
        return list(out.values())

    def listing(self, keys: list[str], bibs: list[LoadedBib]) -> str:
        """Exactly these entries, in this order, as a bibliography (the site-wide bibliography page)."""
        found = [k for k in keys if self._find(bibs, k) is not None]
        self._mark_cited(found)
        return self._add(_Bibliography(found, bibs, TagOptions(keys=[]), len(self._segments) - 1, None))

    def unique_id(self, key: str, prefix: str | None) -> str:
        base = f"{prefix}-{key}" if prefix else key
        anchor = base
        n = 2
        while anchor in self._ids:
            anchor = f"{base}-{n}"
            n += 1
        self._ids.add(anchor)
        self._first_id.setdefault(base, anchor)
        return anchor


class _FormatContext:
    """Formatting state for one ``finish``: one citeproc bibliography per (style, segment)."""

    def __init__(self, state: CitationState, *, record: bool = False) -> None:
        self.state = state
        self.settings = state.settings
        self._record = record  # note which stored texts the page used (``used_texts``)
        self._text_procs: list[csl.StyleProcessor] = []
        self._sources: dict[tuple[int, int], dict[str, Reference]] = {}
        self._bibs: dict[tuple[int, int], Any] = {}
        self._failed_styles: set[str] = set()
        self._suffixes: dict[tuple[int, int], dict[str, str]] = {}  # year suffixes by (style, segment)
        self._procs: dict[int, csl.StyleProcessor | None] = {}
        self._by_spec: dict[str | None, csl.StyleProcessor | None] = {}
        self._texts: dict[int, Texts] = {}  # by style processor: this page's reads of the store

    def prepare(self, requests: list[_Cite | _Bibliography]) -> None:
        """Find each request's style and every key each (style, segment) shows, then disambiguate."""
        wanted: dict[tuple[int, int], list[tuple[str, list[LoadedBib]]]] = {}
        procs: dict[int, csl.StyleProcessor] = {}
        for request in requests:
            spec = request.style if isinstance(request, _Cite) else request.opts.style
            proc = self.processor(spec, request)
            self._procs[id(request)] = proc
            if proc is None:
                continue
            procs[id(proc)] = proc
            group = wanted.setdefault((id(proc), request.segment), [])
            group.extend((key, request.bibs) for key in request.keys)
        digests: dict[int, list[str]] = {}
        for (proc_id, segment), pairs in wanted.items():
            source = self._sources.setdefault((proc_id, segment), _LazySource())
            for key, bibs in pairs:
                low = key.lower()
                if low not in source:
                    hit = self.state._find(bibs, key)
                    if hit is not None:
                        source.pending[low] = (hit[1], hit[0])
                        digests.setdefault(proc_id, []).append(hit[1].digest(hit[0]))
        # The page's texts, read in one query per style: each citation, entry, BibTeX and link fields.
        for proc_id, found in digests.items():
            self.texts(procs[proc_id]).preload(found)
        for (proc_id, segment), pairs in wanted.items():
            proc = procs[proc_id]
            if proc.year_suffix:
                self._suffixes[(proc_id, segment)] = _add_year_suffixes(
                    proc, self._sources[(proc_id, segment)], [k for k, _ in pairs], self.texts(proc)
                )
        self._entries: dict[tuple[int, int, str], str] = {}  # formatted entries, reused by previews
        self._listed: set[str] = set()  # ids of the entries this page shows (a preview points at them)
        self._listed_in_excerpt: set[str] = set()  # those of them a blog index shows too

    def texts(self, proc: csl.StyleProcessor) -> Texts:
        """The store's texts for this style, as this page reads them (see ``Texts.preload``)."""
        found = self._texts.get(id(proc))
        if found is None:
            found = self._texts[id(proc)] = self.state.library.texts(proc)
            self._text_procs.append(proc)
            if self._record:
                found.used = []
        return found

    def used_texts(self) -> list[list]:
        """``[style digest, locale, [keys]]`` of every stored text this page read or made."""
        return [
            [proc.digest, proc.locale, list(dict.fromkeys(self._texts[id(proc)].used or []))]
            for proc in self._text_procs
        ]

    def report(self, problem: Problem, request: _Cite | _Bibliography) -> None:
        """A problem found while formatting, placed where the tag was (the page, or an include)."""
        problem.line = problem.line or request.line
        problem.path = problem.path or request.where
        self.state.report(problem)

    def processor(self, spec: str | None, request: _Cite | _Bibliography) -> csl.StyleProcessor | None:
        """The processor of a tag's style (the page's when the tag names none or one that fails)."""
        if spec not in self._by_spec:  # a page's tags mostly share one style: found once
            self._by_spec[spec] = self._processor(spec, request)
        return self._by_spec[spec]

    def _processor(self, spec: str | None, request: _Cite | _Bibliography) -> csl.StyleProcessor | None:
        lib = self.state.library
        search = (lib.source_dir(self.settings),)
        try:
            return lib.processor(spec or self.settings.style, self.settings.locale, search)
        except ScholarError as err:
            if (spec or "") not in self._failed_styles:  # one warning per style and page, not per tag
                self._failed_styles.add(spec or "")
                self.report(Problem.from_error(err), request)
            if spec and spec != self.settings.style:
                try:
                    return lib.processor(self.settings.style, self.settings.locale, search)
                except ScholarError:
                    return None
            return None

    def _source(self, proc: csl.StyleProcessor, segment: int) -> dict[str, Reference]:
        return self._sources[(id(proc), segment)]

    def _ensure(
        self, proc: csl.StyleProcessor, segment: int, bibs: list[LoadedBib], keys: Iterable[str]
    ) -> dict[str, Reference]:
        """The (style, segment) source, with references for ``keys`` added (the members of a @set)."""
        source = self._sources.setdefault((id(proc), segment), _LazySource())
        for key in keys:
            if key.lower() not in source:
                hit = self.state._find(bibs, key)
                if hit is not None:
                    source[key.lower()] = hit[1].reference(hit[0])
        return source

    def _citeproc_bib(self, proc: csl.StyleProcessor, segment: int, source: dict[str, Reference]):
        key = (id(proc), segment)
        bib = self._bibs.get(key)
        if bib is None:
            order = [k.lower() for k in self.state._segments[segment]]
            bib = proc.new_bibliography(source, order)
            self._bibs[key] = bib
        return bib

    def cite(self, request: _Cite) -> str:
        s = self.settings
        proc = self._procs.get(id(request))
        if proc is None:
            return html.escape(s.missing_reference, quote=False)
        source = self._source(proc, request.segment)
        bib = self._citeproc_bib(proc, request.segment, source)
        full_bib = bib
        if request.suppress_author:
            bib = _without_authors(proc, bib, source, request.keys)
        parts = self._citation_parts(proc, bib, request)
        prefix, delimiter, suffix = proc.citation_affixes()
        parts = [
            self._cite_set(proc, bib, request, key, part, delimiter)
            for key, part in zip(request.keys, parts, strict=True)
        ]
        cls = html.escape(s.cite_class)
        links = []
        for key, part in zip(request.keys, parts, strict=True):
            target = self.state._first_id.get(f"{request.prefix}-{key}" if request.prefix else key)
            target = target or (f"{request.prefix}-{key}" if request.prefix else key)
            href = html.escape(f"{s.relative}#{target}")
            extra = ""
            if self.state.reader is not None:
                preview = None
                listed = self._listed_in_excerpt if request.in_excerpt else self._listed
                if self.state.reader.options.previews and target in listed and not s.relative:
                    preview = ""  # the entry is on the page: the script shows it from there
                elif self.state.reader.options.previews:
                    preview = self._entry(proc, full_bib, request.segment, key)
                extra = self.state.reader.cite_attributes(self.state.cite_id(key, target), preview)
            links.append((href, part, extra))
        if len(links) == 1 and not s.separate_links:
            href, part, extra = links[0]
            return f'<a class="{cls}" href="{href}"{extra}>{prefix}{part}{suffix}</a>'
        # Every key links to its own entry (jekyll-scholar linked them all to the first: defect 1).
        inner = delimiter.join(
            f'<a class="{cls}" href="{href}"{extra}>{part}</a>' for href, part, extra in links
        )
        return f"{prefix}{inner}{suffix}"

    def _citation_parts(self, proc: csl.StyleProcessor, bib: Any, request: _Cite) -> list[str]:
        """Each key's citation text, from the build's store when the same entry was cited before with the
        same style, locale, number, year suffix, locator and label. Nothing else changes it: each item is
        rendered alone, and citeproc-py keeps no cite history here (every cite is a "first" position)."""
        texts = self.texts(proc)
        suffixes = self._suffixes.get((id(proc), request.segment), {})
        parts = []
        for i, key in enumerate(request.keys):
            locator = request.locators[i] if i < len(request.locators) else None
            label = request.labels[i] if i < len(request.labels) else None
            item = csl.citation_item(key, locator=locator, label=label)
            hit = self.state._find(request.bibs, key)
            if hit is None:
                parts.append(proc.citation_parts(bib, [item])[0])
                continue
            low = key.lower()
            ckey = _cite_key(
                self._digest(proc, request.segment, hit),
                _number(proc, bib, low),
                suffixes.get(low, ""),
                request.suppress_author,
                locator,
                label,
            )
            parts.append(texts.made(ckey, lambda item=item: proc.citation_parts(bib, [item])[0]))
        return parts

    def _entry(self, proc: csl.StyleProcessor, bib: Any, segment: int, key: str) -> str:
        """A key's formatted entry, as this page's bibliography shows it if it does (for previews)."""
        cache_key = (id(proc), segment, key)
        if cache_key not in self._entries:
            text = proc.bibliography_entry(bib, csl.citation_item(key), label=False)
            self._entries[cache_key] = mark_math(text)
        return self._entries[cache_key]

    def bibliography(self, request: _Bibliography) -> str:
        s = self.settings
        opts = request.opts
        proc = self._procs.get(id(request))
        if proc is None:
            return html.escape(s.missing_reference, quote=False)
        source = self._source(proc, request.segment)
        if request.numbered:
            bib = self._citeproc_bib(proc, request.segment, source)
        else:
            bib = proc.new_bibliography(source, [k.lower() for k in request.keys])
        self._prefetch(proc, bib, request)
        template = self._template(opts, request)
        tag = _safe_tag(s.reference_tagname, "span")
        details = self.state.details_enabled
        entries: dict[str, str] = {}
        for index, key in enumerate(request.keys, start=1):
            hit = self.state._find(request.bibs, key)
            text = self._entry_text(proc, bib, key, hit, request)
            # Math kept from a title (\(…\)) is marked for MathJax, on any page.
            text = mark_math(self._set_members(proc, request, key, text))
            anchor = self.state.unique_id(key, opts.prefix)
            reference = f'<{tag} id="{html.escape(anchor)}">{text}</{tag}>'
            if self.state.reader is not None:
                reference = self._reader_entry(request, proc, key, anchor, tag, text)
            if template is None or self.state.template_renderer is None:
                self._listed.add(anchor)  # the element with this id holds the entry as formatted
                if request.in_excerpt:
                    self._listed_in_excerpt.add(anchor)
            if template is not None and self.state.template_renderer is not None:
                entry = hit[1].entry(hit[0]) if hit else None  # read only here: a warm build reads none
                values = _template_vars(key, entry, reference, index, self.state)
                reference = self.state.template_renderer(template, values, request.line)
            elif details and request.numbered and hit is not None and self.state.has_details(hit[1]):
                reference += self.state.details_link_html(key)
            entries[key] = reference
        if not request.numbered:
            return (request.joiner or "\n").join(entries.values())
        levels = _group_levels(opts, s)
        if levels and request.keys:
            return self._groups(request, list(request.keys), entries, levels, 0)
        return self._list(request, list(entries.values()))

    def _entry_text(
        self,
        proc: csl.StyleProcessor,
        bib: Any,
        key: str,
        hit: tuple[str, LoadedBib] | None,
        request: _Bibliography,
    ) -> str:
        """One entry, in the entry's own language when ``allow_locale_overrides`` says so."""
        s = self.settings
        if s.allow_locale_overrides and hit is not None:
            locale = _entry_locale(hit[1].entry(hit[0]))
            if locale and locale != csl._csl_locale(s.locale):
                try:
                    other = self.state.library.processor(
                        request.opts.style or s.style, locale, (self.state.library.source_dir(s),)
                    )
                except ScholarError as err:
                    self.report(Problem.from_error(err), request)
                else:
                    source = self._source(proc, request.segment)
                    local = other.new_bibliography(source, list(bib.keys))
                    return other.bibliography_entry(local, csl.citation_item(key), label=request.numbered)
        return self._cached_entry(proc, bib, key, request)

    def _entry_key(
        self, proc: csl.StyleProcessor, bib: Any, hit: tuple[str, LoadedBib], request: _Bibliography
    ) -> str:
        """What a formatted entry depends on: its content, number, year suffix and whether it is listed."""
        low = hit[0].lower()
        suffix = self._suffixes.get((id(proc), request.segment), {}).get(low, "")
        digest = self._digest(proc, request.segment, hit)
        return _entry_cache_key(digest, _number(proc, bib, low), request.numbered, suffix)

    def _digest(self, proc: csl.StyleProcessor, segment: int, hit: tuple[str, LoadedBib]) -> str:
        """The content hash of the entry this (style, segment)'s reference for the key is made from: the
        first file that had the key on the page, which need not be this tag's (two --file sources)."""
        source = self._sources.get((id(proc), segment))
        origin = source.pending.get(hit[0].lower()) if source is not None else None
        return origin[0].digest(origin[1]) if origin is not None else hit[1].digest(hit[0])

    def _prefetch(self, proc: csl.StyleProcessor, bib: Any, request: _Bibliography) -> None:
        """Format, on every core, the entries of a long bibliography that no cache knows yet (pool.py);
        the loop over the entries then finds them all in the store."""
        if len(request.keys) < pool.PARALLEL_MIN:
            return
        texts = self.texts(proc)
        own_locale = csl._csl_locale(self.settings.locale)
        wanted: dict[str, str] = {}  # cache key -> the entry's key
        for key in request.keys:
            hit = self.state._find(request.bibs, key)
            if hit is None:
                continue
            if self.settings.allow_locale_overrides and _entry_locale(hit[1].entry(hit[0])) not in (
                None,
                own_locale,
            ):
                continue  # formatted with another locale's processor, in the loop
            wanted.setdefault(self._entry_key(proc, bib, hit, request), key)
        todo = [(ckey, wanted[ckey]) for ckey in texts.missing(wanted)]
        if len(todo) < pool.PARALLEL_MIN:
            return
        label = request.numbered
        bib.citeproc()  # the style parsed once, here, not in each worker
        done = pool.format_all(
            len(todo), lambda i: proc.bibliography_entry(bib, csl.citation_item(todo[i][1]), label=label)
        )
        for (ckey, _), text in zip(todo, done, strict=True):
            texts.put(ckey, text)

    def _cached_entry(self, proc: csl.StyleProcessor, bib: Any, key: str, request: _Bibliography) -> str:
        """An entry's formatted text, from the build's store when the same entry was formatted before with
        the same style, locale, number and year suffix (in this build, an earlier one or on disk)."""
        hit = self.state._find(request.bibs, key)
        if hit is None:
            return proc.bibliography_entry(bib, csl.citation_item(key), label=request.numbered)
        return self.texts(proc).made(
            self._entry_key(proc, bib, hit, request),
            lambda: proc.bibliography_entry(bib, csl.citation_item(key), label=request.numbered),
        )

    def _list(self, request: _Bibliography, entries: list[str]) -> str:
        s = self.settings
        list_tag = _safe_tag(request.opts.list_tag or s.bibliography_list_tag, "ol")
        item_tag = _safe_tag(s.bibliography_item_tag, "li")
        list_attrs = _attrs({"class": s.bibliography_class, **(s.bibliography_list_attributes or {})})
        item_attrs = _attrs(s.bibliography_item_attributes or {})
        items = "\n".join(f"<{item_tag}{item_attrs}>{e}</{item_tag}>" for e in entries)
        return f"<{list_tag}{list_attrs}>{items}</{list_tag}>"

    def _groups(
        self, request: _Bibliography, keys: list[str], entries: dict[str, str], levels: list[str], level: int
    ) -> str:
        """jekyll-scholar's ``group_by``: a heading per group (h2, h3, … by level), then its list."""
        if level == len(levels):
            return self._list(request, [entries[k] for k in keys])
        s = self.settings
        name = levels[level]
        groups: dict[tuple, list[str]] = {}
        labels: dict[tuple, str] = {}
        for key in keys:
            hit = self.state._find(request.bibs, key)
            type_order = split_list(request.opts.type_order) or list(s.type_order)
            sort_key, label = _group_value(hit[1].entry(hit[0]) if hit else None, name, s, type_order)
            groups.setdefault(sort_key, []).append(key)
            labels[sort_key] = label
        orders = split_list(request.opts.group_order or s.group_order) or ["ascending"]
        order = orders[level] if level < len(orders) else orders[-1]
        heads = split_list(s.bibliography_group_tag) or ["h2", "h3", "h4", "h5"]
        head = _safe_tag(heads[level] if level < len(heads) else heads[-1], "h2")
        cls = html.escape(s.bibliography_class)
        out = []
        for sort_key in sorted(groups, reverse=order in ("descending", "reverse")):
            inner = self._groups(request, groups[sort_key], entries, levels, level + 1)
            if not labels[sort_key]:  # entries without the field (no month): no empty heading
                out.append(inner)
                continue
            label = html.escape(labels[sort_key], quote=False)
            out.append(f'<{head} class="{cls}">{label}</{head}>\n{inner}')
        return "\n".join(out)

    def _cite_set(
        self, proc: csl.StyleProcessor, bib: Any, request: _Cite, key: str, part: str, delimiter: str
    ) -> str:
        """A biblatex @set is cited as its members ("Glashow, 1961; Weinberg, 1967"), except in a numeric
        style, where the set has its own number."""
        hit = self.state._find(request.bibs, key)
        members = hit[1].member_keys(hit[0]) if hit else []
        if not members or proc.numeric:
            return part
        self._ensure(proc, request.segment, request.bibs, members)
        return delimiter.join(proc.citation_parts(bib, [csl.citation_item(m) for m in members]))

    def _set_members(self, proc: csl.StyleProcessor, request: _Bibliography, key: str, text: str) -> str:
        """A biblatex @set prints its members one after another, separated by semicolons (its own
        fields are only the list of members); a numeric label stays the set's own."""
        hit = self.state._find(request.bibs, key)
        members = hit[1].member_keys(hit[0]) if hit else []
        if not members:
            return text
        source = self._ensure(proc, request.segment, request.bibs, members)
        alone = proc.new_bibliography(source, [m.lower() for m in members])
        parts = [proc.bibliography_entry(alone, csl.citation_item(m), label=False) for m in members]
        # "A. Glashow, …, 1961; S. Weinberg, …": the semicolon replaces each member's final period
        joined = "; ".join([_FINAL_PERIOD_RE.sub(r"\1", part) for part in parts[:-1]] + parts[-1:])
        label = _LEFT_MARGIN_RE.match(text)
        if label:
            return label.group(0) + joined + "</span>"
        if request.numbered and proc.second_field_align:  # the set's own text was its label alone
            return (
                f'<span class="csl-left-margin">{text}</span> <span class="csl-right-inline">{joined}</span>'
            )
        return joined

    def _reader_entry(
        self, request: _Bibliography, proc: csl.StyleProcessor, key: str, anchor: str, tag: str, text: str
    ) -> str:
        """An entry with what the reader features add after its element (links, BibTeX, backlinks)."""
        assert self.state.reader is not None
        s = self.settings
        if request.numbered:  # previews on this page show the entry as this list does
            self._entries.setdefault((id(proc), request.segment, key), text)
        hit = self.state._find(request.bibs, key)
        options = self.state.reader.options
        extras = self.state.reader.entry_extras(
            key,
            self._link_fields(proc, hit[1], hit[0]) if hit and options.entry_links else None,
            anchor,
            repository=s.repository,
            delimiter=s.repository_file_delimiter,
            site_root=self.state.details_base,  # the page's relative path to the site root
            bibtex=self._bibtex(proc, hit) if hit and options.bibtex_button else None,
        )
        return f'<{tag} id="{html.escape(anchor)}">{text}</{tag}>{extras}'

    def _bibtex(self, proc: csl.StyleProcessor, hit: tuple[str, LoadedBib]) -> str:
        """The entry as BibTeX (``bibtex_skip_fields`` left out), from the store when the entry is known:
        then a warm build does not read the entry at all."""
        s = self.settings
        texts = self.texts(proc)
        skip, quotes = ",".join(s.bibtex_skip_fields), "".join(str(q) for q in s.bibtex_quotes)
        return texts.made(
            f"{hit[1].digest(hit[0])}|x|{skip}|{quotes}",
            lambda: reader_bibtex(hit[1].entry(hit[0]), s.bibtex_skip_fields, s.bibtex_quotes),
        )

    def _link_fields(self, proc: csl.StyleProcessor, loaded: LoadedBib, key: str) -> dict[str, str]:
        """The CSL fields entry links are made of (DOI, URL), from the store when the entry is known:
        converting a whole entry to CSL only for them was most of a warm build's reader features."""
        texts = self.texts(proc)
        ckey = f"{loaded.digest(key)}|l"
        cached = texts.get(ckey)
        if cached is not None:
            try:
                fields = json.loads(cached)
            except ValueError:  # a damaged cache: made again below
                fields = None
            if isinstance(fields, dict):
                return fields
        item = loaded.item(key)
        fields = {k: str(item[k]) for k in _LINK_FIELDS if item.get(k)}
        texts.put(ckey, json.dumps(fields))
        return fields

    def _template(self, opts: TagOptions, request: _Bibliography) -> str | None:
        source = opts.template or self.settings.bibliography_template
        if not source or source.strip() == "{{reference}}" or source.strip() == "{{ reference }}":
            return None
        if "{{" in source or "{%" in source or "<" in source:
            return source
        # A bare name is a Jekyll layout: _layouts/NAME.html.
        layouts = self.state.layouts_dir
        path = None
        if layouts is not None:
            for name in (source, f"{source}.html"):
                cand = confined(layouts / name, self.state.library.root)
                if cand is not None and cand.is_file():
                    path = cand
                    break
        if path is None:
            problem = Problem(
                f"bibliography template '{source}' not found (looked for _layouts/{source}.html)",
                hint="copy the layout from your Jekyll site into _layouts/ next to mkdocs.yml; "
                "the default {{reference}} is used meanwhile",
            )
            if not opts.template:  # the `bibliography_template` setting: a configuration problem
                problem.path = "mkdocs.yml"
                self.state.library.report_once(problem)
                return None
            self.report(
                Problem(
                    f"bibliography template '{source}' not found (looked for _layouts/{source}.html)",
                    hint="copy the layout from your Jekyll site into _layouts/ next to mkdocs.yml; "
                    "the default {{reference}} is used meanwhile",
                ),
                request,
            )
            return None
        text = path.read_text(encoding="utf-8-sig")
        m = re.match(r"^---\s*\n.*?\n---\s*\n", text, re.S)
        return text[m.end() :] if m else text


# -- a page's result, kept between builds ----------------------------------------------------------
_PAGE_FORMAT = 1  # the layout of a stored result (``CitationState._format``)


def _default_template(source: str | None) -> bool:
    return not source or source.strip() in ("{{reference}}", "{{ reference }}")


def _page_key(state: CitationState) -> str | None:
    """The hash of everything a page's formatted citations are made of, or None where that cannot be
    named and the page is formatted every time: a template (it renders Liquid with the page's variables),
    entries in their own language (their files decide), the site-wide bibliography page (the pages that
    cite each entry), a style that fails (its warning names the tag).

    What it names: this code and citeproc-py's version (``code_fingerprint``), the page's settings, its
    place in the site (relative links, its own .bib file), each style file's hash and the locale, every
    request in order (keys, options, lines, the hash of each .bib file it reads) and what the page's
    earlier tags already decided (numbering, ids), and with reader features the files of each key in the
    ``repository`` folder (the build's index of it). The whole file's hash, not the cited entries': which
    file has a key, crossref parents and set members all come from the file.
    """
    try:
        return _make_page_key(state)
    except (TypeError, ValueError):  # something the key cannot name: the page is formatted every time
        return None


def _make_page_key(state: CitationState) -> str | None:
    s = state.settings
    reader = state.reader
    if s.allow_locale_overrides or not _default_template(s.bibliography_template):
        return None
    if reader is not None and (
        reader.cited_in is not None
        or (reader.bibtex_files is not None and reader.bibtex_files.get(reader.page_file or ""))
    ):
        return None
    specs: dict[str | None, None] = {None: None}
    requests: list[list] = []
    for request in state._requests:
        if any(not b.source for b in request.bibs):
            return None
        common = [
            request.keys,
            [[b.label, b.source] for b in request.bibs],
            request.segment,
            request.line,
            request.where,
            request.in_excerpt,
        ]
        if isinstance(request, _Cite):
            specs[request.style] = None
            requests.append(
                [
                    "C",
                    *common,
                    request.locators,
                    request.labels,
                    request.suppress_author,
                    request.prefix,
                    request.style,
                ]
            )
        else:
            if not _default_template(request.opts.template):
                return None
            specs[request.opts.style] = None
            requests.append(["B", *common, vars(request.opts), request.numbered, request.joiner])
    repository = None
    if reader is not None and reader.options.entry_links and s.repository.strip():
        names = {key for request in state._requests for key in request.keys}
        delimiter = s.repository_file_delimiter
        repository = {key: reader.repository.files(s.repository, delimiter, key) for key in sorted(names)}
    head = _key_head(state, tuple(specs))
    if head is None:
        return None
    data = [
        head,
        [
            state.details_base,
            str(state.docs_dir),
            state.page_link(""),
            state.hide_tags and state.wrap_html is not None,
        ],
        None
        if reader is None
        else [
            vars(reader.options),
            reader.deferred_extras,
            reader.page_file,
            reader.page_file_href,
            reader.bibtex_files is None,
            repository,
        ],
        requests,
        state._segments,
        sorted(state._ids),
        state._first_id,
        state.cite_ids,
        state._first_cite,
    ]
    return hashlib.sha256(_key_bytes(data)).hexdigest()


def _key_head(state: CitationState, specs: tuple[str | None, ...]) -> bytes | None:
    """What a page's key names that its settings and styles decide (the same for most pages of a build):
    the stored results' layout, the code's fingerprint, the settings, each style file's hash and the
    locale, and the default .bib files details links point into. Made once per settings object, styles
    and details setting in a build (``Library.key_heads``; a build does not change its files)."""
    s = state.settings
    lib = state.library
    memo = (id(s), specs, state.details_enabled)
    found = lib.key_heads.get(memo)
    if found is not None and found[0] is s:
        return found[1]
    search = (lib.source_dir(s),)
    styles = []
    try:
        for spec in specs:
            proc = lib.processor(spec or s.style, s.locale, search)
            styles.append([spec, str(proc.ref.path), proc.digest, proc.locale])
        defaults = (
            [lib.load(p).source for p in lib.files_for(s, [])] if state.details_enabled else []
        )  # details links are to entries of the default files
    except ScholarError:
        return None
    head = _key_bytes(
        [_PAGE_FORMAT, lib.store.fingerprint, _settings_digest(s), styles, defaults, state.details_enabled]
    )
    lib.key_heads[memo] = (s, head)
    return head


# Before 3.11 (bpo-37596) marshal wrote a set in its order, which changes with each process's hash seed.
_MARSHAL_SORTS_SETS = sys.version_info >= (3, 11)


def _key_bytes(data: list) -> bytes:
    """``data`` (the engine's lists, dicts, strings, numbers and None) as bytes that name it: marshal's
    version 2, in a fifth of the time JSON takes, which writes the same value the same way in every process
    (no references, no interning marks, unlike 3 and 4; a set's items sorted since Python 3.11). Before
    3.11, and for what marshal does not know (a subclass of str, a Path), JSON, with ``_canonical``'s
    forms. In order, not sorted: the order of a dict's items can be the order of the output. The settings
    (the user's dicts) are made canonical apart (``_settings_digest``)."""
    if _MARSHAL_SORTS_SETS:
        try:
            return b"m" + marshal.dumps(data, 2)
        except ValueError:
            pass
    text = json.dumps(data, ensure_ascii=False, default=_canonical)
    return b"j" + text.encode("utf-8", "surrogatepass")


_SETTINGS_DIGESTS: dict[int, tuple[ScholarSettings, str]] = {}


def _settings_digest(settings: ScholarSettings) -> str:
    """The hash of the settings as JSON, made once per settings object (pages without overrides share the
    site's)."""
    found = _SETTINGS_DIGESTS.get(id(settings))
    if found is None or found[0] is not settings:
        if len(_SETTINGS_DIGESTS) > 256:
            _SETTINGS_DIGESTS.clear()
        text = json.dumps(_typed(asdict(settings)), ensure_ascii=False, default=_canonical)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        found = _SETTINGS_DIGESTS[id(settings)] = (settings, digest)
    return found[1]


def _typed(value: object) -> object:
    """A value from the configuration or front matter, for JSON: each dict as its items in their order,
    keys with their type (YAML gives ``on: x`` a True key, ``2: x`` an int one, which JSON would make
    "true" and "2"); sets are left to ``_canonical``, which sorts them when the JSON is written."""
    if isinstance(value, dict):
        return ["dict", [[type(k).__name__, repr(k), _typed(v)] for k, v in value.items()]]
    if isinstance(value, (list, tuple)):
        return [_typed(v) for v in value]
    return value


def _canonical(value: object) -> object:
    """JSON for what ``json`` does not know, the same in every process (a set's order is not)."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Path):
        return str(value)
    return repr(value)


def _without_authors(
    proc: csl.StyleProcessor, bib: Any, source: dict[str, Reference], keys: list[str]
) -> Any:
    """A bibliography whose references lack authors: how `--suppress_author` renders (APA then shows
    the title in their place)."""
    stripped = dict(source)
    for key in keys:
        ref = copy.copy(source[key.lower()])
        for role in ("author",):
            if role in ref:
                del ref[role]
        stripped[key.lower()] = ref
    return proc.new_bibliography(stripped, list(bib.keys))


# Beyond Latin-1, but not the private-use characters this package marks its own places with.
_WIDE_RE = re.compile(r"[^\x00-\xff\ue000-\uf8ff]")


def narrow(html_text: str) -> str:
    """``html_text`` with every character beyond Latin-1 written as a character reference (``–`` as
    ``&#8211;``): the same HTML, but a page whose own text is Latin-1 stays a string of one byte a
    character. Python stores a whole string at the width of its widest character, and MkDocs and Material
    keep each page's Markdown and HTML (and each post's excerpt) for the whole build: one en dash from a
    reference would double them all."""
    if html_text.isascii():  # most of it: no character to look at one by one
        return html_text
    return _WIDE_RE.sub(lambda m: f"&#{ord(m.group())};", html_text)


def _template_vars(
    key: str, entry: BibEntry | None, reference: str, index: int, state: CitationState
) -> dict:
    """What jekyll-scholar gives a bibliography template:
    ``reference key type entry index details link links``."""
    from .latex import latex_to_rich  # the LaTeX decoder: a warm build without templates never needs it

    s = state.settings
    fields: dict[str, Any] = {}
    if entry is not None:
        # Values from the .bib reach the page through the template: decoded from LaTeX (as jekyll-scholar's
        # filters do) and escaped, so `{{ entry.title }}` shows `<script>` as text.
        fields = {name: csl.rich_to_safe_html(latex_to_rich(value)) for name, value in entry.fields.items()}
        for role, names in entry.persons.items():
            fields[role] = csl.rich_to_safe_html(latex_to_rich(" and ".join(names)))
            people = [_person(name) for name in names]
            fields[f"{role}_array"] = people
            for i, person in enumerate(people):
                fields[f"{role}_{i}_last"] = person["last"]
                fields[f"{role}_{i}_first"] = person["first"]
        fields["bibtex"] = csl.escape_text(bibtex_text(entry, s.bibtex_skip_fields))
    fields.update({"key": csl.escape_text(key), "type": entry.type if entry else ""})
    links = state.repository_links(key)
    return {
        "reference": reference,
        "key": csl.escape_text(key),
        "type": entry.type if entry else "",
        "entry": fields,
        "index": index,
        "details": state.details_link_html(key).strip() if state.details_enabled else "",
        "link": links.get("pdf") or links.get("ps") or "",
        "links": links,
    }


def _person(raw: str) -> dict[str, str]:
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) >= 2:
        last, first = parts[0], parts[-1]
    else:
        words = raw.split()
        last, first = (words[-1], " ".join(words[:-1])) if words else ("", "")
    from .latex import latex_to_rich

    return {
        "last": csl.rich_to_safe_html(latex_to_rich(last)),
        "first": csl.rich_to_safe_html(latex_to_rich(first)),
    }


def bibtex_text(entry: BibEntry, skip: Iterable[str] = ()) -> str:
    """The entry as BibTeX without the ``bibtex_skip_fields`` (jekyll-scholar's ``entry.bibtex``)."""
    skip = {f.lower() for f in skip}
    if not skip & set(entry.fields):
        return entry.source
    width = max((len(n) for n in entry.fields), default=0)
    lines = [
        f"  {name.ljust(width)} = {{{value}}}" for name, value in entry.fields.items() if name not in skip
    ]
    return f"@{entry.type}{{{entry.key},\n" + ",\n".join(lines) + "\n}"


def details_path(settings: ScholarSettings, key: str, entry: BibEntry | None = None) -> str:
    """Docs-relative source path of an entry's details page, from ``details_permalink``
    (``/:details_dir/:key:extension`` → ``bibliography/KEY.md``; ``:year``, ``:doi`` and other fields are
    the entry's, made URL-safe). MkDocs then gives it its URL in the site's URL style."""
    values = {"details_dir": settings.details_dir.strip("/") or "bibliography", "key": key, "extension": ""}

    def value(m: re.Match) -> str:
        name = m.group(1)
        if name in values:
            return values[name]
        raw = entry.fields.get(name, "") if entry is not None else ""
        return re.sub(r"[^\w.-]+", "-", raw).strip("-").lower() or name

    path = re.sub(r":(\w+)", value, settings.details_permalink or "/:details_dir/:key:extension").strip("/")
    path = re.sub(r"\.html?$", "", path)
    return f"{path or key}.md"


def find(bibs: list[LoadedBib], key: str) -> tuple[str, LoadedBib] | None:
    """The key as its first file writes it, and that file; None if no file has it."""
    for bib in bibs:
        found = bib.find(key)
        if found is not None:
            return found, bib
    return None


def _matches(match: Callable[[str, Mapping[str, str]], bool], entry: BibEntry) -> bool:
    return match(entry.type, _query_fields(entry))


def _query_fields(entry: BibEntry) -> dict[str, str]:
    # bibtex-ruby lets a query name the key (`@*[key=ruby]`) as if it were a field.
    return {**entry.fields, "key": entry.key}


def _group_levels(opts: TagOptions, settings: ScholarSettings) -> list[str]:
    return [v for v in split_list(opts.group_by or settings.group_by) if v != "none"]


_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _group_value(
    entry: BibEntry | None, name: str, settings: ScholarSettings, type_order: list[str]
) -> tuple:
    """(sort key, heading) of an entry's group at one level of ``group_by``."""
    if entry is None:
        return ((1, 0, ""), "")
    if name == "type":
        kind = settings.type_aliases.get(entry.type, entry.type)
        label = settings.type_names.get(kind, kind)
        order = [settings.type_aliases.get(t, t) for t in type_order]
        rank = order.index(kind) if kind in order else len(order)
        return ((0, rank, label.lower()), label)
    if name in ("month", "month_numeric"):
        month = _sort_value(entry, "month")[1]
        names = list(settings.month_names) or _MONTH_NAMES
        label = names[month - 1] if 1 <= month <= len(names) else ""
        return ((0 if month else 1, month, ""), label)
    if name in ("name", "author"):
        value = _sort_value(entry, "name")
        return (value, value[2].title() if value[2] else "")
    value = entry.fields.get(name, "").strip()
    if name == "year" and not value and entry.fields.get("date"):
        value = entry.fields["date"][:4]
    if value.isdigit():
        return ((0, int(value), ""), value)
    return ((0 if value else 1, 0, value.lower()), value)


_LANGUAGES = {
    "english": "en-US",
    "american": "en-US",
    "british": "en-GB",
    "german": "de-DE",
    "ngerman": "de-DE",
    "french": "fr-FR",
    "spanish": "es-ES",
    "italian": "it-IT",
    "dutch": "nl-NL",
    "portuguese": "pt-PT",
    "brazilian": "pt-BR",
    "russian": "ru-RU",
    "polish": "pl-PL",
    "swedish": "sv-SE",
    "japanese": "ja-JP",
    "chinese": "zh-CN",
    "czech": "cs-CZ",
    "danish": "da-DK",
    "finnish": "fi-FI",
    "norwegian": "nb-NO",
}


def _entry_locale(entry: BibEntry) -> str | None:
    """The CSL locale an entry's ``language``/``langid`` names (``allow_locale_overrides``)."""
    raw = (entry.fields.get("langid") or entry.fields.get("language") or "").strip().lower()
    if not raw:
        return None
    if raw in _LANGUAGES:
        return _LANGUAGES[raw]
    return csl._csl_locale(raw) if re.match(r"^[a-z]{2}(-[a-z]{2})?$", raw) else None


class _LazySource(dict):
    """citeproc-py's source for one (style, segment) of a page: a reference is made only when formatting
    needs it, so entries whose text comes from the cache cost nothing (``pending``: key → file, key)."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, tuple[LoadedBib, str]] = {}
        self.suffixes: dict[str, str] = {}  # year suffixes of references not made yet

    def __missing__(self, low: str) -> Reference:
        hit = self.pending.get(low)
        if hit is None:
            raise KeyError(low)
        ref = hit[0].reference(hit[1])
        if low in self.suffixes:
            ref = copy.copy(ref)
            ref["year_suffix"] = self.suffixes[low]
        self[low] = ref
        return ref

    def set_suffix(self, low: str, letter: str) -> None:
        """The page's copy of the reference carries ``letter`` (2008a), now or when it is made."""
        if dict.__contains__(self, low):
            ref = copy.copy(dict.__getitem__(self, low))
            ref["year_suffix"] = letter
            self[low] = ref
        else:
            self.suffixes[low] = letter

    def __contains__(self, low: object) -> bool:
        return dict.__contains__(self, low) or low in self.pending

    def get(self, low: str, default: Any = None) -> Any:
        try:
            return self[low]
        except KeyError:
            return default


def _add_year_suffixes(proc: csl.StyleProcessor, source: _LazySource, keys: list[str], texts: Texts) -> dict:
    """Author-date styles: works whose citations read the same get 2008a, 2008b (jekyll-scholar never did:
    defect 3). Letters follow the titles' order; the page's copies of the references carry them. Each
    work's citation, alone, comes from the cache when it was formatted before. Returns key → letter."""
    unique = list(dict.fromkeys(k.lower() for k in keys if k.lower() in source))
    if len(unique) < 2:
        return {}
    bib = proc.new_bibliography(source, unique)
    alike: dict[str, list[str]] = {}
    for key in unique:
        pending = source.pending.get(key)
        # The work's plain citation: the text a cite of it alone shows (one cached text for both), unless
        # the style numbers citations (this bibliography's numbers are not the page's).
        digest = pending[0].digest(pending[1]) if pending else None
        if digest is None:
            ckey = None
        elif proc.uses_number:
            ckey = f"{digest}|y"
        else:
            ckey = _cite_key(digest, 0, "", False, None, None)
        text = texts.made(ckey, lambda key=key: proc.citation_parts(bib, [csl.citation_item(key)])[0])
        alike.setdefault(text, []).append(key)

    def title(key: str) -> str:  # what the letters follow, cached like the citations
        pending = source.pending.get(key)
        ckey = f"{pending[0].digest(pending[1])}|t" if pending else None
        return texts.made(ckey, lambda: str(source[key].get("title", "")).lower())

    letters = {}
    for group in alike.values():
        if len(group) < 2:
            continue
        group.sort(key=title)
        for i, key in enumerate(group):
            letters[key] = _letters(i)
            source.set_suffix(key, letters[key])
    return letters


def _number(proc: csl.StyleProcessor, bib: Any, low: str) -> int:
    """A key's citation number on the page, where the style prints numbers (0 where it does not)."""
    return bib.keys.index(low) + 1 if proc.uses_number and low in bib.keys else 0


def _entry_cache_key(digest: str, number: int, numbered: bool, suffix: str) -> str:
    """What a formatted entry's text depends on besides the style and locale (see ``_entry_key``)."""
    return f"{digest}|b|{number}|{int(numbered)}|{suffix}"


def _cite_key(
    digest: str, number: int, suffix: str, suppress: bool, locator: str | None, label: str | None
) -> str:
    """What a citation's text depends on besides the style and locale (see ``_citation_parts``)."""
    return "|".join((digest, "c", str(number), suffix, str(int(suppress)), repr(locator), repr(label)))


def _letters(n: int) -> str:
    """0 → a, 25 → z, 26 → aa."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def _sort_value(entry: BibEntry, name: str) -> tuple:
    if name in ("month", "month_numeric"):
        raw = entry.fields.get("month", "").strip().lower()[:3]
        return (0, _MONTHS.get(raw, int(raw) if raw.isdigit() else 0), "")
    if name in ("name", "author"):
        for role in ("author", "editor"):
            if entry.persons.get(role):
                return (0, 0, entry.persons[role][0].lower())
        for fld in ("institution", "organization", "publisher"):
            if entry.fields.get(fld):
                return (0, 0, entry.fields[fld].lower())
        return (1, 0, "")
    value = entry.fields.get(name, "")
    if value.strip().isdigit():
        return (0, int(value.strip()), "")
    return (0 if value else 1, 0, value.lower())


_TAG_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]*$")
_FINAL_PERIOD_RE = re.compile(r"\.((?:</[^>]+>)*)$")
# a numeric label as csl.py sets it apart, up to the start of the entry's text
_LEFT_MARGIN_RE = re.compile(r'<span class="csl-left-margin">.*?</span> <span class="csl-right-inline">')


def _safe_tag(name: str, default: str) -> str:
    return name if _TAG_RE.match(name or "") else default


def _attrs(values: Mapping[str, Any]) -> str:
    out = []
    for k, v in values.items():
        if _TAG_RE.match(str(k)):
            out.append(f' {k}="{html.escape(str(v))}"')
    return "".join(out)
