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
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citeproc.source import Reference

from . import csl
from .bibtex import BibEntry, BibFile, load_bib_file, parse_bib_text
from .csl_json import entry_to_csl
from .errors import Problem, ScholarError
from .options import TagOptions, split_list
from .paths import confined
from .query import compile_query
from .reader import Reader, mark_math
from .settings import ScholarSettings

Report = Callable[[Problem], None]
TemplateRenderer = Callable[[str, Mapping[str, Any], int | None], str]

_PLACEHOLDER = "\ue100{}\ue101"
_PLACEHOLDER_RE = re.compile("\ue100(\\d+)\ue101")


# -- build level ----------------------------------------------------------------------------------
@dataclass
class LoadedBib:
    """One parsed .bib file with what formatting needs, built lazily per key."""

    label: str
    file: BibFile
    lower: dict[str, str] = field(default_factory=dict)
    _items: dict[str, dict] = field(default_factory=dict)
    _refs: dict[str, Reference] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in self.file.entries:
            self.lower.setdefault(key.lower(), key)

    def find(self, key: str) -> str | None:
        """The key as written in the file, matched exactly first, then ignoring case (as BibTeX does)."""
        if key in self.file.entries:
            return key
        return self.lower.get(key.lower())

    def entry(self, key: str) -> BibEntry:
        return self.file.entries[key]

    def item(self, key: str) -> dict:
        if key not in self._items:
            self._items[key] = entry_to_csl(self.file.entries[key])
        return self._items[key]

    def reference(self, key: str) -> Reference:
        if key not in self._refs:
            self._refs[key] = csl.make_reference(self.item(key))
        return self._refs[key]


class Library:
    """Everything parsed once per build: .bib files (by content, also across ``serve`` rebuilds through
    ``cache``) and CSL styles (one processor per style and locale)."""

    def __init__(self, root: Path, report: Report, cache: dict[str, LoadedBib] | None = None) -> None:
        self.root = root.resolve()
        self.report = report
        self._cache = cache if cache is not None else {}
        self._by_path: dict[Path, LoadedBib] = {}
        self._styles: dict[tuple[Path, str], csl.StyleProcessor] = {}
        self._style_refs: dict[tuple[str, tuple[Path, ...]], csl.StyleRef] = {}
        self.watched: set[Path] = set()
        self._reported: set[str] = set()

    def report_once(self, problem: Problem) -> None:
        """A problem of the configuration, not of a page: said once per build."""
        if str(problem) not in self._reported:
            self._reported.add(str(problem))
            self.report(problem)

    # .bib files
    def source_dir(self, settings: ScholarSettings) -> Path:
        # Jekyll reads `source: /_bibliography/` relative to the site, not the file system root.
        return self.root / settings.source.strip().lstrip("/")

    def default_files(self, settings: ScholarSettings) -> list[Path]:
        base = self.source_dir(settings)
        names = split_list(settings.bibliography) or ["references.bib"]
        out: list[Path] = []
        for name in names:
            if "*" in name or "?" in name:
                found = sorted(Path(p) for p in glob.glob(str(base / name)))
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
        if not names:
            return self.default_files(settings)
        base = self.source_dir(settings)
        return [self._resolve_bib(n.strip(), base) for n in names]

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
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        loaded = self._cache.get(digest + label)
        if loaded is None:
            loaded = LoadedBib(label, load_bib_file(path, label))
            self._cache[digest + label] = loaded
        for issue in loaded.file.issues:
            self.report(Problem(issue.message, line=issue.line, path=issue.path or label))
        self._by_path[path] = loaded
        return loaded

    def load_text(self, text: str, label: str) -> LoadedBib:
        return LoadedBib(label, parse_bib_text(text, label))

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
            proc = csl.StyleProcessor(ref, locale)
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


@dataclass
class _Literal:
    html: str


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
        reader: Reader | None = None,
    ) -> None:
        self.library = library
        self.settings = settings
        self.report = report
        self.template_renderer = template_renderer
        self.layouts_dir = layouts_dir
        self.details_base = details_base
        self.cited: list[str] = []  # jekyll-scholar's page.cited: keys in order of first cite/nocite
        self._segments: list[list[str]] = [[]]  # numbering order per --clear segment
        self._requests: list[_Cite | _Bibliography | _Literal] = []
        self._ids: set[str] = set()
        self._first_id: dict[str, str] = {}
        self.where: str | None = None  # set by a tag inside an include: problems found later name that file
        # Reader features (previews, backlinks, entry links): None keeps jekyll-scholar's plain output.
        self.reader = reader
        self.cite_ids: dict[str, list[str]] = {}  # entry anchor -> ids of the citation links to it
        self._first_cite: dict[str, str] = {}  # key -> id of its first citation link

    # -- lookups --------------------------------------------------------------------------------
    def _bibs(self, opts: TagOptions, line: int | None) -> list[LoadedBib] | None:
        try:
            paths = self.library.files_for(self.settings, opts.files)
            return [self.library.load(p) for p in paths]
        except ScholarError as err:
            self.report(Problem.from_error(err, line=line))
            return None

    def _find(self, bibs: list[LoadedBib], key: str) -> tuple[str, LoadedBib] | None:
        for bib in bibs:
            found = bib.find(key)
            if found is not None:
                return found, bib
        return None

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
            if key not in self.cited:
                self.cited.append(key)
            seg = self._segments[-1]
            if key not in seg:
                seg.append(key)

    def _missing(self) -> str:
        return html.escape(self.settings.missing_reference, quote=False)

    def _add(self, request: _Cite | _Bibliography | _Literal) -> str:
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
        keys = [k for k in keys if match(entries[k][1].entry(k).type, entries[k][1].entry(k).fields)]
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
        if opts.max is not None:
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
        seg = self._segments[-1]
        for key in keys:
            if key not in seg:
                seg.append(key)
        out = self._add(_Bibliography(keys, bibs, opts, len(self._segments) - 1, line, where=self.where))
        if opts.clear:
            self.cited.clear()
            self._segments.append([])
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
        s = self.settings
        return f"{self.details_base}{s.details_dir.strip('/')}/{key}.html"

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
    def finish(self, text: str) -> str:
        """Format every recorded citation and bibliography and put them in place of their placeholders."""
        if not self._requests:
            return text
        rendered: dict[int, str] = {}
        context = _FormatContext(self)
        # Bibliographies first: they decide which id each key's entry has, and cites link to it.
        for index, request in enumerate(self._requests):
            if isinstance(request, _Bibliography):
                rendered[index] = context.bibliography(request)
        for index, request in enumerate(self._requests):
            if isinstance(request, _Cite):
                rendered[index] = context.cite(request)
            elif isinstance(request, _Literal):
                rendered[index] = request.html

        def put(m: re.Match) -> str:
            return rendered.get(int(m.group(1)), "")

        # A bibliography's template may itself contain placeholders (a cite in a template): two passes.
        text = _PLACEHOLDER_RE.sub(put, text)
        text = _PLACEHOLDER_RE.sub(put, text)
        # Backlinks last: every citation link has its id now.
        return self.reader.fill_backlinks(text, self.cite_ids) if self.reader else text

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

    def __init__(self, state: CitationState) -> None:
        self.state = state
        self.settings = state.settings
        self._sources: dict[int, dict[str, Reference]] = {}
        self._bibs: dict[tuple[int, int], Any] = {}
        self._failed_styles: set[str] = set()
        self._entries: dict[tuple[int, int, str], str] = {}  # formatted entries, reused by previews

    def report(self, problem: Problem, request: _Cite | _Bibliography) -> None:
        """A problem found while formatting, placed where the tag was (the page, or an include)."""
        problem.line = problem.line or request.line
        problem.path = problem.path or request.where
        self.state.report(problem)

    def processor(self, spec: str | None, request: _Cite | _Bibliography) -> csl.StyleProcessor | None:
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

    def _source(self, segment: int, bibs: list[LoadedBib], keys: Iterable[str]) -> dict[str, Reference]:
        source = self._sources.setdefault(segment, {})
        for key in keys:
            low = key.lower()
            if low not in source:
                hit = self.state._find(bibs, key)
                if hit is not None:
                    source[low] = hit[1].reference(hit[0])
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
        proc = self.processor(request.style, request)
        if proc is None:
            return html.escape(s.missing_reference, quote=False)
        source = self._source(request.segment, request.bibs, request.keys)
        bib = self._citeproc_bib(proc, request.segment, source)
        items = []
        for i, key in enumerate(request.keys):
            locator = request.locators[i] if i < len(request.locators) else None
            label = request.labels[i] if i < len(request.labels) else None
            items.append(csl.citation_item(key, locator=locator, label=label))
        full_bib = bib
        if request.suppress_author:
            bib = _without_authors(proc, bib, source, request.keys)
        parts = proc.citation_parts(bib, items)
        prefix, delimiter, suffix = proc.citation_affixes()
        cls = html.escape(s.cite_class)
        links = []
        for key, part in zip(request.keys, parts, strict=True):
            target = self.state._first_id.get(f"{request.prefix}-{key}" if request.prefix else key)
            target = target or (f"{request.prefix}-{key}" if request.prefix else key)
            href = html.escape(f"{s.relative}#{target}")
            extra = ""
            if self.state.reader is not None:
                preview = None
                if self.state.reader.options.previews:
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
        proc = self.processor(opts.style, request)
        if proc is None:
            return html.escape(s.missing_reference, quote=False)
        source = self._source(request.segment, request.bibs, request.keys)
        if request.numbered:
            bib = self._citeproc_bib(proc, request.segment, source)
        else:
            bib = proc.new_bibliography(source, [k.lower() for k in request.keys])
        template = self._template(opts, request)
        tag = _safe_tag(s.reference_tagname, "span")
        entries = []
        for index, key in enumerate(request.keys, start=1):
            # Math kept from a title (\(…\)) is marked for MathJax, on any page.
            text = mark_math(proc.bibliography_entry(bib, csl.citation_item(key), label=request.numbered))
            anchor = self.state.unique_id(key, opts.prefix)
            reference = f'<{tag} id="{html.escape(anchor)}">{text}</{tag}>'
            if self.state.reader is not None:
                reference = self._reader_entry(request, proc, key, anchor, tag, text)
            if template is not None and self.state.template_renderer is not None:
                hit = self.state._find(request.bibs, key)
                entry = hit[1].entry(hit[0]) if hit else None
                reference = self.state.template_renderer(
                    template, _template_vars(key, entry, reference, index, self.state), request.line
                )
            entries.append(reference)
        if not request.numbered:
            return (request.joiner or "\n").join(entries)
        list_tag = _safe_tag(opts.list_tag or s.bibliography_list_tag, "ol")
        item_tag = _safe_tag(s.bibliography_item_tag, "li")
        list_attrs = _attrs({"class": s.bibliography_class, **(s.bibliography_list_attributes or {})})
        item_attrs = _attrs(s.bibliography_item_attributes or {})
        items = "\n".join(f"<{item_tag}{item_attrs}>{e}</{item_tag}>" for e in entries)
        return f"<{list_tag}{list_attrs}>{items}</{list_tag}>"

    def _reader_entry(
        self, request: _Bibliography, proc: csl.StyleProcessor, key: str, anchor: str, tag: str, text: str
    ) -> str:
        """An entry with what the reader features add after its element (links, BibTeX, backlinks)."""
        assert self.state.reader is not None
        s = self.settings
        if request.numbered:  # previews on this page show the entry as this list does
            self._entries.setdefault((id(proc), request.segment, key), text)
        hit = self.state._find(request.bibs, key)
        extras = self.state.reader.entry_extras(
            key,
            hit[1].entry(hit[0]) if hit else None,
            hit[1].item(hit[0]) if hit else None,
            anchor,
            skip_fields=s.bibtex_skip_fields,
            quotes=s.bibtex_quotes,
            repository=s.repository,
            delimiter=s.repository_file_delimiter,
            site_root=self.state.details_base,  # the page's relative path to the site root
        )
        return f'<{tag} id="{html.escape(anchor)}">{text}</{tag}>{extras}'

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


def _template_vars(
    key: str, entry: BibEntry | None, reference: str, index: int, state: CitationState
) -> dict:
    fields = dict(entry.fields) if entry else {}
    fields.update({"key": key, "type": entry.type if entry else ""})
    if entry:
        fields["bibtex"] = entry.source
        for role, names in entry.persons.items():
            fields[role] = " and ".join(names)
    return {
        "reference": reference,
        "key": key,
        "type": entry.type if entry else "",
        "entry": fields,
        "index": index,
        "details": f'<a class="{html.escape(state.settings.details_link_class)}" '
        f'href="{html.escape(state.details_url(key))}">{html.escape(state.settings.details_link)}</a>',
        "link": "",
        "links": {},
    }


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


def _safe_tag(name: str, default: str) -> str:
    return name if _TAG_RE.match(name or "") else default


def _attrs(values: Mapping[str, Any]) -> str:
    out = []
    for k, v in values.items():
        if _TAG_RE.match(str(k)):
            out.append(f' {k}="{html.escape(str(v))}"')
    return "".join(out)
