"""A CSL style as citeproc-py parses it: the part of ``csl`` that formats.

Imported only when something must be formatted (``csl.StyleProcessor.parse``, ``csl.make_reference``):
a build whose texts all come from the cache never loads citeproc-py and lxml. Rendering works item by item,
so the engine decides order and numbering itself: citeproc-py numbers an item by its position in
``CitationStylesBibliography.keys``, which the engine sets to the page's citation order.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source import Locator, Reference
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String

from . import citeproc_memo
from .csl import (
    _ESCAPE_TABLE,
    _NOCASE_RE,
    CiteItem,
    StyleFacts,
    _EtAl,
    _finish_html,
    _markdown_safe,
    _split_label,
    escape_text,
)
from .rich import NOCASE_CLOSE, NOCASE_OPEN


class ParsedStyle:
    """citeproc-py's parse of one style in one locale, with the lookups memoized (``citeproc_memo``)."""

    def __init__(self, data: bytes, locale: str) -> None:
        # citeproc-py reads the file itself: give it the bytes (without a BOM, see ``StyleProcessor``).
        self.style = CitationStylesStyle(io.BytesIO(data), locale=locale, validate=False)
        citeproc_memo.enable(self.style)
        root = self.style.root
        self.citation_layout = root.citation.layout
        self.bibliography_layout = root.bibliography.layout if root.bibliography is not None else None
        self._et_al = _EtAl(_term_text(root, "et-al") or "et al.", _term_text(root, "and") or "and")

    def facts(self, uses_number: bool) -> StyleFacts:
        root = self.style.root
        bib = root.bibliography
        layout = self.citation_layout
        return StyleFacts(
            numeric=_is_numeric(root, uses_number),
            second_field_align=bool(bib is not None and bib.get("second-field-align")),
            year_suffix=bool(root.citation.get("disambiguate-add-year-suffix") == "true"),
            prefix=html.escape(layout.get("prefix", ""), quote=False),
            delimiter=html.escape(layout.get("delimiter", ""), quote=False),
            suffix=html.escape(layout.get("suffix", ""), quote=False),
        )

    def bibliography(self, source: Mapping[str, Reference], keys: list[str]) -> CitationStylesBibliography:
        """A citeproc bibliography whose numbering is ``keys`` (lower-cased keys, in order)."""
        bib = CitationStylesBibliography(self.style, source, formatter.html)
        bib.keys = keys
        bib.items = []
        return bib

    def citation_parts(self, bib: CitationStylesBibliography, items: list[CiteItem]) -> list[str]:
        """Each item's citation text without the layout's affixes, in the order given."""
        cited = [_citeproc_item(item) for item in items]
        citation = Citation(cited)
        citation.bibliography = bib
        layout = self.citation_layout
        parts = []
        for item in cited:
            layout.repressed = {}
            try:
                out = layout.render_children(item)
            except Exception:  # citeproc-py raises VariableError and others on incomplete items
                out = None
            parts.append(_markdown_safe(self._finish(str(out))) if out is not None else escape_text(item.key))
        return parts

    def bibliography_entry(
        self, bib: CitationStylesBibliography, item: CiteItem, *, label: bool, second_field_align: bool
    ) -> str:
        layout = self.bibliography_layout
        if layout is None:  # a citation-only style: show the citation form
            return "".join(self.citation_parts(bib, [item]))
        cited = _citeproc_item(item)
        citation = Citation([cited])
        citation.bibliography = bib
        layout.repressed = {}
        try:
            text = layout.format(layout.wrap(layout.render_children(cited)))
        except Exception:
            text = None
        if text is None:
            return escape_text(item.key)
        out = self._finish(str(text))
        if second_field_align:
            out = _split_label(out, keep=label)
        return _markdown_safe(out)

    def _finish(self, text: str) -> str:
        return _finish_html(text, self._et_al)


def _citeproc_item(item: CiteItem) -> CitationItem:
    if item.locator is None:
        return CitationItem(item.key)
    return CitationItem(item.key, locator=Locator(*item.locator))


def _term_text(root: object, name: str) -> str:
    """A locale term's text as the style's locale gives it ("" if none); escaped as citeproc-py escapes
    the terms it prints."""
    try:
        term = root.get_term(name)  # type: ignore[attr-defined]
    except (IndexError, AttributeError):
        return ""
    if term is None:
        return ""
    single = term.find("cs:single", term.nsmap)
    text = single.text if single is not None else term.text
    return html.escape(text or "", quote=False)


def _is_numeric(root: object, uses_number: bool) -> bool:
    """A numeric style by its declared category, else by whether it prints citation numbers at all."""
    info = root.find("cs:info", root.nsmap)  # type: ignore[attr-defined]
    if info is not None:
        for cat in info.findall("cs:category", root.nsmap):  # type: ignore[attr-defined]
            if cat.get("citation-format") == "numeric":
                return True
            if cat.get("citation-format") is not None:
                return False
    return uses_number


def make_reference(item: Mapping[str, object]) -> Reference:
    """One CSL-JSON item → a citeproc-py Reference; rich-text case protection becomes NoCase."""
    source = CiteProcJSON([])
    data = {}
    key = str(item["id"]).lower()
    ref_type = str(item.get("type", "document"))
    for name, value in item.items():
        if name in ("id", "type", "key"):
            continue
        py = name.replace("-", "_")
        if py == "shortTitle":
            py = "title_short"
        if isinstance(value, list) and value and isinstance(value[0], dict) and name not in ("issued",):
            value = source.parse_names([_escaped_name(n) for n in value])
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
    """Rich text → citeproc-py's string: case-protected spans become ``NoCase``; ``&<>`` are escaped."""
    text = text.translate(_ESCAPE_TABLE)
    out = MixedString()
    end = 0
    for start, stop in _nocase_words(text):
        if start > end:
            out += String(text[end:start])
        inner = text[start:stop].replace(NOCASE_OPEN, "").replace(NOCASE_CLOSE, "")
        if inner:
            out += NoCase(inner)
        end = stop
    if end < len(text):
        out += String(text[end:])
    return out


def _nocase_words(text: str) -> list[tuple[int, int]]:
    """The case-protected spans of ``text``, each widened to whole words, overlapping ones merged.

    citeproc-py's title and sentence case split the text into words part by part and join the words with
    spaces: a protected span inside a word ("{GAN}s", "\\emph{Nature}:") would come out split ("GAN s").
    The rest of a word whose part is protected keeps its case too (BibTeX would change it: a small loss).
    """
    spans: list[tuple[int, int]] = []
    for m in _NOCASE_RE.finditer(text):
        start, stop = m.start(), m.end()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while stop < len(text) and not text[stop].isspace():
            stop += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(stop, spans[-1][1]))
        else:
            spans.append((start, stop))
    return spans


def _escaped_name(name: object) -> object:
    if not isinstance(name, dict):
        return name
    return {k: v.translate(_ESCAPE_TABLE) if isinstance(v, str) else v for k, v in name.items()}
