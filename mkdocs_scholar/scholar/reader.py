"""What readers see beyond jekyll-scholar's markup: previews, backlinks, entry links, the BibTeX of an entry.

jekyll-scholar stops at ``<a class="citation" href="#KEY">``. When the build turns these features on, the
engine (``engine.py``) calls a ``Reader`` while it formats a page, and the page gets:

- on each citation link, an ``id`` (``cite-KEY-1``, ``cite-KEY-2``, … in page order) and, for previews, a
  ``data-scholar-preview`` attribute: empty when the page lists the entry (the script shows the element
  the link leads to), else holding the formatted entry (shown on hover or focus by ``assets/scholar.js``);
- after each entry, links (DOI, URL, arXiv, files of jekyll-scholar's ``repository`` named after the key),
  a ``<details>`` with the entry's BibTeX (``bibtex_skip_fields`` left out; in the page, or, when the
  generator writes files, a link to the entry in the page's own .bib file), and backlinks ``↩ a b`` to
  every citation of the entry on the page, filled in once all citations are numbered.

jekyll-scholar's element, class and id shape is kept: what is added sits in attributes or in elements
of classes ``scholar-*`` after the entry's own element. Text that goes into an attribute or into the BibTeX
block is written with every Markdown-significant character as a character reference, so the Markdown step
that runs after us (and arithmatex on math pages) can never rewrite it.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

from . import hidden
from .bibtex import BibEntry
from .paths import confined
from .sitefiles import FileStore, write_file

BIBTEX_DIR = "assets/mkdocs_scholar/bibtex"  # where the pages' .bib files go in the built site

# A backlinks slot in a formatted entry: filled by ``Reader.fill_backlinks`` once every citation of the
# page is known (bibliographies are formatted before the citations that link to them).
_SLOT = "\ue102{}\ue103"
_HIDDEN_SLOT = "\ue106{}\ue103"  # the same inside hidden extras (below): filled with backlinks fit for it
# One pattern each, each starting with its character: a search for a literal scans a page several times
# faster than for a class of two characters (0.05 ms against 0.33 ms on 30 kB).
_SLOT_RE = re.compile("\ue102([^\ue103]*)\ue103")
_HIDDEN_SLOT_RE = re.compile("\ue106([^\ue103]*)\ue103")
# On what the reader features add around an entry (link labels, ↩, the BibTeX block), where a generator
# cannot defer them (below): Material's search leaves such an element out of its index (and takes the
# attribute off the page), so searching for "BibTeX" or "DOI" does not find every page with references,
# and the index is smaller.
_NOT_SEARCHED = ' data-search-exclude="true"'
# Those elements, on the plugin's pages (``Reader.deferred_extras``), wait in an HTML comment until the page
# is finished (``hidden.show``, in on_post_page): Material's search, its blog's reading time and any other
# plugin that parses the page's HTML then pass each entry's extras in one step instead of reading every tag
# (bench/handlers.py on the default bench site: search 0.40 s → 0.24 s, reading time 0.29 s → 0.17 s). They
# are hidden as the entry is formatted, without the search marks, which nothing reads then; a backlinks
# slot in them is filled in as they are (``fill_backlinks``).


@dataclass(frozen=True)
class ReaderOptions:
    """Which features are on; each is on by default and switched in the plugin's config."""

    previews: bool = True
    backlinks: bool = True
    entry_links: bool = True
    bibtex_button: bool = True

    @property
    def any(self) -> bool:
        return self.previews or self.backlinks or self.entry_links or self.bibtex_button


@dataclass(frozen=True)
class CitedIn:
    """A page that cites an entry, as the site-wide bibliography links to it."""

    title: str
    href: str  # relative to the page the link is on


class Repository:
    """jekyll-scholar's ``repository``: files named after entry keys in a folder of the site
    (``papers/KEY.pdf``, ``papers/KEY.slides.pdf``), read once per build and folder.

    Jekyll serves the folder from the site source; after migration the site source is ``docs/``, so the
    folder is looked up there and linked by its path from the site root.
    """

    def __init__(self, docs_dir: Path | None) -> None:
        self.docs_dir = docs_dir
        self._folders: dict[tuple[str, str], dict[str, dict[str, str]]] = {}

    def files(self, folder: str, delimiter: str, key: str) -> dict[str, str]:
        """``{extension: site-relative path}`` for ``key`` (``{"pdf": "papers/KEY.pdf"}``)."""
        if not folder.strip() or self.docs_dir is None:
            return {}
        index = self._folders.get((folder, delimiter))
        if index is None:
            index = self._folders[(folder, delimiter)] = self._scan(folder, delimiter or ".")
        # jekyll-scholar names files after the key with ':' and whitespace replaced by '_'.
        return index.get(re.sub(r"[:\s]+", "_", key), {})

    def _scan(self, folder: str, delimiter: str) -> dict[str, dict[str, str]]:
        assert self.docs_dir is not None
        base = confined(self.docs_dir / folder.strip().strip("/"), self.docs_dir)
        index: dict[str, dict[str, str]] = {}
        if base is None or not base.is_dir():
            return index
        docs = self.docs_dir.resolve()
        for path in sorted(base.rglob("*")):
            if not path.is_file() or confined(path, docs) is None:
                continue
            name, sep, ext = path.relative_to(base).as_posix().partition(delimiter)
            if sep and ext:
                index.setdefault(name, {})[ext] = path.relative_to(docs).as_posix()
        return index


@dataclass
class Reader:
    """The reader features of one build (``options``, the repository index); ``cited_in`` is set only for
    the site-wide bibliography page (see ``for_site_page``)."""

    options: ReaderOptions = field(default_factory=ReaderOptions)
    repository: Repository = field(default_factory=lambda: Repository(None))
    cited_in: Mapping[str, Sequence[CitedIn]] | None = None
    # Where the BibTeX of the entries goes. None: in the page, each entry's in its <details>. A dict (given
    # by a generator that writes files, shared by the build's pages): one .bib file per page, site path ->
    # {entry text: its number in the file}; each <details> links to its entry there and the script shows
    # it when opened, so pages stay small (the BibTeX was a third of a post's HTML and of the build's work).
    bibtex_files: dict[str, dict[str, int]] | None = None
    page_file: str | None = None  # this page's .bib file (see ``for_page``)
    page_file_href: str = ""  # the same, quoted for a URL: once a page, not once an entry
    # True where the generator calls ``hidden.show`` on each finished page: the extras wait in a comment.
    deferred_extras: bool = False
    # Where the .bib files are kept between builds, to be linked into the site (None: plain files).
    file_store: FileStore | None = None
    # The site folders made this build, shared by the pages' readers: one mkdir a folder, not one a page.
    made_folders: set[str] = field(default_factory=set)

    def for_site_page(self, cited_in: Mapping[str, Sequence[CitedIn]]) -> Reader:
        return replace(self, cited_in=cited_in)

    def for_page(self, url: str) -> Reader:
        """The reader for the page at ``url`` (site-relative): its entries' BibTeX goes to its own file."""
        if self.bibtex_files is None:
            return self
        page_file = bibtex_file(url)
        return replace(self, page_file=page_file, page_file_href=quote(page_file))

    def write_bibtex_files(self, site_dir: Path, urls: Iterable[str] | None = None) -> list[str]:
        """Write each page's .bib file into the built site (``bibtex_files``), or only the files of the
        pages at ``urls`` (a page just rendered: its file is then let go); what could not be written."""
        failed = []
        made = self.made_folders
        files = self.bibtex_files or {}
        if urls is None:
            chosen = list(files.items())
        else:
            names = [bibtex_file(url) for url in urls]
            chosen = [(name, files.pop(name)) for name in names if name in files]
        for path, texts in chosen:
            # Named from page URLs, not by a page's text: kept inside the site by their spelling alone
            # (resolving each path cost more than writing the file).
            rel = posixpath.normpath(path)
            if rel.startswith(("/", "../")) or rel in (".", ".."):
                continue
            target = site_dir / rel
            data = ("\n\n".join(texts) + "\n").encode("utf-8")
            try:
                if target.parent.as_posix() not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent.as_posix())
                if self.file_store is not None:
                    self.file_store.put(target, data)
                else:
                    write_file(target, data)
            except OSError as exc:
                failed.append(
                    f"{path}: cannot be written ({exc.strerror or exc}); its BibTeX blocks show a link only"
                )
        return failed

    # -- citations ------------------------------------------------------------------------------
    def cite_attributes(self, cite_id: str, preview: str | None) -> str:
        """Attributes added to one citation link: its id, and the entry shown by the preview."""
        out = f' id="{html.escape(cite_id)}"'
        if preview is not None and self.options.previews:
            # Empty: the entry is on the page, where the link leads; the script shows it from there.
            out += f' data-scholar-preview="{markdown_proof(_one_line(preview))}"'
        return out

    # -- entries --------------------------------------------------------------------------------
    def entry_extras(
        self,
        key: str,
        item: Mapping[str, object] | None,
        anchor: str,
        *,
        repository: str,
        delimiter: str,
        site_root: str,
        bibtex: str | None = None,
    ) -> str:
        """What follows an entry's own element: links, the BibTeX block, a backlinks slot, and on the
        site-wide page the pages that cite it. ``site_root`` is the page's relative path to the site root;
        ``bibtex``: the entry as BibTeX (``bibtex_text``), None for no BibTeX block."""
        out = ""
        if self.options.entry_links:
            links = entry_links(item or {}, self.repository.files(repository, delimiter, key), site_root)
            if links:
                inner = " ".join(
                    f'<a class="scholar-link" href="{html.escape(href)}">{html.escape(label)}</a>'
                    for label, href in links
                )
                links_html = f' <span class="scholar-links"{_NOT_SEARCHED}>{inner}</span>'
                out += hidden.wrap(_for_comment(links_html)) if self.deferred_extras else links_html
        if self.cited_in is not None and self.cited_in.get(key):  # searched: the pages' titles
            pages = ", ".join(
                f'<a href="{html.escape(p.href)}">{html.escape(p.title, quote=False)}</a>'
                for p in self.cited_in[key]
            )
            out += f' <span class="scholar-cited-in">Cited in {pages}</span>'
        slot = block = ""
        if self.options.backlinks:  # filled with its own leading space, or with nothing
            slot = (_HIDDEN_SLOT if self.deferred_extras else _SLOT).format(anchor)
        if self.options.bibtex_button and bibtex is not None:
            block = self._bibtex_link(key, bibtex, site_root) if self.page_file else _bibtex_block(bibtex)
        if self.deferred_extras and (slot or block):
            return out + hidden.wrap(slot + _for_comment(block))
        return out + slot + block

    def _bibtex_link(self, key: str, text: str, site_root: str) -> str:
        """The entry's <details>, linking to the entry in the page's .bib file (``#N``: its place there;
        the key lets the script check it has the right one)."""
        assert self.bibtex_files is not None and self.page_file is not None
        texts = self.bibtex_files.setdefault(self.page_file, {})
        number = texts.setdefault(text, len(texts) + 1)
        href = html.escape(f"{site_root}{self.page_file_href}#{number}")
        return (
            f' <details class="scholar-bibtex"{_NOT_SEARCHED}><summary>BibTeX</summary>'
            f'<a class="scholar-bibtex-file" href="{href}" data-scholar-key="{markdown_proof(key)}">'
            "This page&#39;s references as BibTeX</a></details>"
        )

    def fill_backlinks(self, text: str, cite_ids: Mapping[str, list[str]]) -> str:
        """Put each entry's backlinks in its slot; an entry nobody on the page cites gets none."""
        if "\ue102" in text:
            text = _SLOT_RE.sub(lambda m: backlinks_html(cite_ids.get(m.group(1), [])), text)
        if "\ue106" in text:

            def in_comment(m: re.Match[str]) -> str:
                return _for_comment(backlinks_html(cite_ids.get(m.group(1), [])))

            text = _HIDDEN_SLOT_RE.sub(in_comment, text)
        return text


def _for_comment(extras: str) -> str:
    """Extras fit to wait in a comment: no search mark, and no "--" (``hidden.show`` undoes it)."""
    return hidden.escape(extras.replace(_NOT_SEARCHED, ""))


def bibtex_file(url: str) -> str:
    """The site path of the .bib file of the page at ``url`` (site-relative, ``""`` for the home page):
    ``blog/2019/02/21/iclr/`` → ``…/bibtex/blog~2019~02~21~iclr.bib``. All in one folder: a folder per
    page would be made anew every build (``sitefiles``). A name too long for a file system (255 bytes)
    is cut and ends with a hash of the whole. Two URLs that come to one name share the file (the plugin
    writes it once, after the build)."""
    name = url.strip("/").replace("/", "~") or "index"
    if len(name.encode("utf-8")) > _MAX_NAME:
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).hexdigest()
        name = name.encode("utf-8")[: _MAX_NAME - 17].decode("utf-8", "ignore") + "-" + digest
    return f"{BIBTEX_DIR}/{name}.bib"


_MAX_NAME = 200  # bytes of a .bib file's name before ".bib" (and a temporary name's 20 more)


def _bibtex_block(bibtex: str) -> str:
    """The entry's <details> holding its BibTeX (a page made without a .bib file of its own)."""
    return (
        f' <details class="scholar-bibtex"{_NOT_SEARCHED}><summary>BibTeX</summary>'
        f'<pre><code class="language-bibtex">{markdown_proof(bibtex)}</code></pre>'
        '<button type="button" class="scholar-copy" hidden>Copy</button></details>'
    )


def backlinks_html(cite_ids: Sequence[str]) -> str:
    """``↩`` alone for one citation; ``↩ a b c`` for several, like footnotes in print."""
    if not cite_ids:
        return ""
    if len(cite_ids) == 1:
        return (
            f' <span class="scholar-backlinks"{_NOT_SEARCHED}>'
            f'<a href="#{html.escape(cite_ids[0])}" aria-label="Back to the citation">&#8617;</a></span>'
        )
    links = " ".join(
        f'<a href="#{html.escape(cid)}" aria-label="Back to citation {n}">{_letters(n)}</a>'
        for n, cid in enumerate(cite_ids, start=1)
    )
    # Not a <span>: Material's search tells elements apart by tag name only, so a <span> closing inside
    # the excluded <span> would end the exclusion, and the letters after it would be indexed.
    arrow = '<i aria-hidden="true">&#8617;</i>'
    return f' <span class="scholar-backlinks"{_NOT_SEARCHED}>{arrow} {links}</span>'


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa: as footnote backlinks are lettered."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


# -- links ----------------------------------------------------------------------------------------
_ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def entry_links(
    item: Mapping[str, object], files: Mapping[str, str], site_root: str
) -> list[tuple[str, str]]:
    """``(label, href)`` for an entry's DOI, URL (``arXiv`` when it points there, as an ``eprint`` does),
    and repository files (``PDF`` first). Only http(s) URLs are linked; a DOI is linked through doi.org."""
    out: list[tuple[str, str]] = []
    doi = str(item.get("DOI") or "").strip()
    if doi and _DOI_RE.match(doi):
        out.append(("DOI", "https://doi.org/" + quote(doi, safe="/:;()[]._-~+")))
    url = str(item.get("URL") or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            label = "arXiv" if parts.hostname in _ARXIV_HOSTS else "URL"
            out.append((label, url))
    for ext in sorted(files, key=lambda ext: (ext not in ("pdf", "ps"), ext)) if files else ():
        label = ext.upper() if ext in ("pdf", "ps") else ext
        out.append((label, site_root + quote(files[ext])))
    seen: set[str] = set()
    return [(label, href) for label, href in out if not (href in seen or seen.add(href))]


# -- BibTeX ---------------------------------------------------------------------------------------
def bibtex_text(entry: BibEntry, skip_fields: Iterable[str], quotes: Sequence[str]) -> str:
    """The entry written out as BibTeX, as jekyll-scholar's ``entry.bibtex`` is: every field (macros
    expanded, crossref fields included, so it can be pasted into another .bib) but ``skip_fields``,
    each value between ``quotes`` (``{``/``}`` by default). Whitespace runs become one space, as BibTeX
    reads them."""
    skip = {s.strip().lower() for s in skip_fields}
    open_q, close_q = (str(quotes[0]), str(quotes[1])) if len(quotes) >= 2 else ("{", "}")
    lines = [f"@{entry.type}{{{entry.key},"]
    fields = [(k, v) for k, v in entry.fields.items() if k.lower() not in skip]
    for i, (name, value) in enumerate(fields):
        comma = "," if i < len(fields) - 1 else ""
        lines.append(f"  {name} = {open_q}{' '.join(value.split())}{close_q}{comma}")
    lines.append("}")
    return "\n".join(lines)


# -- text that must survive the Markdown step -----------------------------------------------------
# Characters Python-Markdown or its extensions act on outside raw HTML blocks (escapes, code, emphasis,
# links, attr_list, arithmatex, emoji, …). Written as character references, they reach the browser as
# themselves and Markdown sees none of them.
_MARKDOWN_PROOF = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!$~^=|:<>&\"'"})


def markdown_proof(text: str) -> str:
    """``text`` escaped for an HTML attribute or text node, with nothing left for Markdown to act on."""
    return text.translate(_MARKDOWN_PROOF)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- math in entries ------------------------------------------------------------------------------
# latex.py keeps a title's math as \(…\) / \[…\]; MathJax typesets it inside elements of this class
# (assets/mathjax-loader.js), whether or not the page itself asked for math.
MATH_CLASS = "scholar-math"
_MATH_RE = re.compile(r"\\\((?:(?!\\\)).)+\\\)|\\\[(?:(?!\\\]).)+\\\]", re.S)
_MATH_WRAPPED_RE = re.compile(r'class="(?:arithmatex|' + MATH_CLASS + r')"[^>]*>$')


def mark_math(text: str) -> str:
    """Wrap each ``\\(…\\)``/``\\[…\\]`` of a formatted entry in a span MathJax will typeset (once)."""
    if "\\(" not in text and "\\[" not in text:
        return text

    def wrap(m: re.Match) -> str:
        if _MATH_WRAPPED_RE.search(text, 0, m.start()):
            return m.group(0)
        return f'<span class="{MATH_CLASS}">{m.group(0)}</span>'

    return _MATH_RE.sub(wrap, text)
