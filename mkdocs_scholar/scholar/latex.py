"""LaTeX field text -> "rich text": the step between BibTeX loading and CSL formatting.

``bibtex.py`` hands over raw LaTeX field values; ``csl_json.py`` runs the text fields through
:func:`latex_to_rich` before they reach the CSL formatter (``csl.py``), which turns the markers into HTML
(:func:`rich_to_html` does the same outside a formatter; :func:`rich_to_plain` drops them, for sorting,
ids and names).

Rich text is plain Unicode (not HTML-escaped) plus private-use marker characters, in balanced pairs:

=====================  ===================  ================================================================
markers                meaning              from
=====================  ===================  ================================================================
``U+E000 … U+E001``    case-protected span  ``{GAN}``, braced macro arguments (BibTeX's rule), math, code
``U+E002 … U+E003``    italic               ``\\emph``, ``\\textit``, ``{\\it …}``, ``{\\em …}``, ``{\\sl …}``
``U+E004 … U+E005``    bold                 ``\\textbf``, ``{\\bf …}``
``U+E006 … U+E007``    small caps           ``\\textsc``, ``{\\sc …}``
``U+E008 … U+E009``    superscript          ``\\textsuperscript``
``U+E00A … U+E00B``    subscript            ``\\textsubscript``
``U+E00C … U+E00D``    typewriter (code)    ``\\texttt``, ``{\\tt …}``, TUGboat's ``\\cs{x}``, ``\\macro{x}``
``U+E00E … U+E00F``    math                 ``$…$``, ``\\(…\\)``, ``$$…$$``, ``\\[…\\]``, math environments
=====================  ===================  ================================================================

Math keeps its TeX source: ``$…$``/``\\(…\\)`` become ``\\(…\\)`` and ``$$…$$``/``\\[…\\]`` become
``\\[…\\]``, inside math markers (which become ``<span class="arithmatex">``, the element the MathJax
loader typesets) inside case-protection markers. Typewriter text is case-protected too: it is a name
(``\\cs{starttext}`` prints ``\\starttext``), and changing its case changes what it names.

Two more private-use characters are reserved here so that one module lists them all: ``ET_AL``
(``U+E010``), the name ``csl_json`` puts after the names of an ``and others`` list, and the three that
``csl.py`` uses to carry ``&``, ``<`` and ``>`` of field values through the CSL formatter (``U+E011`` …
``U+E013``). Any of these typed in a .bib file is dropped.

The decoding itself is pylatexenc's (accents, special letters, ligatures); this module only adds the
macros bibliographies use (logos, biblatex and TUGboat macros) and the marker handling. Quotes are TeX's:
a ``'`` prints ’ and a backquote ‘ (``Don't`` is "Don’t"), as the fonts TeX uses print them. Unknown macros
are dropped with their arguments kept, and reported by :func:`latex_to_rich_report`; the build finds
them beforehand with :func:`unknown_macros`, a scan that needs no conversion.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, SpecialsTextSpec
from pylatexenc.latex2text import get_default_latex_context_db as _l2t_default_db
from pylatexenc.macrospec import (
    LatexContextDb,
    MacroSpec,
    MacroStandardArgsParser,
    ParsedMacroArgs,
    ParsedVerbatimArgs,
    SpecialsSpec,
)

from .rich import (
    _DROP_PRIVATE_USE,
    BOLD_CLOSE,
    BOLD_OPEN,
    CODE_CLOSE,
    CODE_OPEN,
    ET_AL,
    ITALIC_CLOSE,
    ITALIC_OPEN,
    MARKERS,
    MATH_CLOSE,
    MATH_OPEN,
    NOCASE_CLOSE,
    NOCASE_OPEN,
    PRIVATE_USE_RE,
    SMALLCAPS_CLOSE,
    SMALLCAPS_OPEN,
    SUB_CLOSE,
    SUB_OPEN,
    SUP_CLOSE,
    SUP_OPEN,
    Marker,
    rich_to_html,
    rich_to_plain,
)

__all__ = [
    "BOLD_CLOSE",
    "BOLD_OPEN",
    "ITALIC_CLOSE",
    "ITALIC_OPEN",
    "MARKERS",
    "NOCASE_CLOSE",
    "NOCASE_OPEN",
    "SMALLCAPS_CLOSE",
    "SMALLCAPS_OPEN",
    "SUB_CLOSE",
    "SUB_OPEN",
    "SUP_CLOSE",
    "SUP_OPEN",
    "CODE_CLOSE",
    "CODE_OPEN",
    "ET_AL",
    "MATH_CLOSE",
    "MATH_OPEN",
    "PRIVATE_USE_RE",
    "Marker",
    "latex_to_rich",
    "latex_to_rich_report",
    "unknown_macros",
    "rich_to_html",
    "rich_to_plain",
]

# Only these characters make a string need the LaTeX parser; anything else is already what TeX prints
# (apart from whitespace, which TeX collapses).
_NEEDS_LATEX_RE = re.compile(r"[\\{}$~%]")
_LIGATURES: Mapping[str, str] = MappingProxyType(
    {
        "---": "\u2014",
        "--": "\u2013",
        "``": "\u201c",
        "''": "\u201d",
        "`": "\u2018",
        "'": "\u2019",
        "!`": "\u00a1",
        "?`": "\u00bf",
    }
)
_LIGATURE_RE = re.compile("---|--|``|''|!`|\\?`|`|'")
_LOGO_NAME_RE = re.compile(r"[A-Za-z]*[A-Z][A-Za-z]*$")
_WS_RE = re.compile(r"[ \t\r\n\f\v]+")
# TUGboat's \Dash is "\unskip\thinspace---\thinspace\ignorespaces": it eats the spaces around it.
_DASH_SENTINEL = "\ue0ff"
_DASH_RE = re.compile(r" ?\ue0ff ?")
_THIN = "\u2009"
_NARROW_NBSP = "\u202f"


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def latex_to_rich(text: str) -> str:
    """Decode a BibTeX field value to rich text (see the module docstring for the markers)."""
    return latex_to_rich_report(text)[0]


def latex_to_rich_report(text: str) -> tuple[str, list[str]]:
    """Like :func:`latex_to_rich`, also returning the names of unknown macros met (without ``\\``).

    An unknown macro is dropped from the text and its arguments (if braced groups follow) are kept;
    each name is listed once, in order of first appearance.
    """
    if not text:
        return "", []
    if PRIVATE_USE_RE.search(text):
        # a marker typed in the .bib would unbalance our spans
        text = text.translate(_DROP_PRIVATE_USE)
    rich, unknown = _convert(text)
    return rich, list(unknown)


def unknown_macros(text: str) -> list[str]:
    """The names of the macros in ``text`` that :func:`latex_to_rich` does not know, in order, once each.

    The same answer as :func:`latex_to_rich_report` gives, without converting: a scan of the macro names
    outside math and verbatim arguments, cheap enough to run over every field of a large file at load time.
    """
    if "\\" not in text:
        return []
    names = (m.group("name") for m in _MACRO_SCAN_RE.finditer(text) if m.group("name"))
    return list(dict.fromkeys(name for name in names if not _is_known(name)))


@functools.lru_cache(maxsize=8192)
def _convert(text: str) -> tuple[str, tuple[str, ...]]:
    # Cached: a bibliography repeats the same journal, publisher and series strings thousands of times.
    if not _NEEDS_LATEX_RE.search(text):
        text = _WS_RE.sub(" ", text).strip()
        if _LIGATURE_RE.search(text):
            # only TeX's text ligatures: the same result as the parser, at a fraction of the cost
            text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text)
        return text, ()
    converter = _RichConverter(_text_context())
    try:
        nodes = latexwalker.LatexWalker(text, latex_context=_walker_context(), tolerant_parsing=True)
        out = converter.nodelist_to_text(nodes.get_latex_nodes()[0])
    except Exception:  # noqa: BLE001 - a third-party parser on user data: keep the words, never fail a build
        # (tolerant parsing almost never gives up, but a traceback here would stop the whole site)
        out = re.sub(r"\\[A-Za-z@]+|\\.|[{}$]", "", text)
        converter.unknown.append("(unparseable LaTeX)")
    return _cleanup(out), tuple(dict.fromkeys(converter.unknown))


# --------------------------------------------------------------------------------------------------
# Macro tables
# --------------------------------------------------------------------------------------------------

# Logos and names whose macros take no argument: what TeX prints (Unicode approximations of the
# lowered/raised letters).
_LOGOS: Mapping[str, str] = MappingProxyType(
    {
        "TeX": "TeX",
        "LaTeX": "LaTeX",
        "LaTeXe": "LaTeX2\u03b5",
        "LaTeXTeX": "(La)TeX",
        "AllTeX": "(La)TeX",
        "La": "La",
        "BibTeX": "BibTeX",
        "BibLaTeX": "BibLaTeX",
        "biber": "Biber",
        "METAFONT": "METAFONT",
        "MF": "METAFONT",
        "slMF": "METAFONT",
        "MP": "METAPOST",
        "METAPOST": "METAPOST",
        "MetaPost": "MetaPost",
        "AmS": "AMS",
        "AMS": "AMS",
        "AmSTeX": "AMS-TeX",
        "AMSTeX": "AMS-TeX",
        "AmSLaTeX": "AMS-LaTeX",
        "AMSLaTeX": "AMS-LaTeX",
        "XeTeX": "XeTeX",
        "XeLaTeX": "XeLaTeX",
        "ConTeXt": "ConTeXt",
        "eTeX": "\u03b5-TeX",
        "ExTeX": "\u03b5\u03c7TeX",
        "PiCTeX": "PiCTeX",
        "PiC": "PiC",
        "SliTeX": "SLiTeX",
        "SLiTeX": "SLiTeX",
        "LuaTeX": "LuaTeX",
        "LuaLaTeX": "LuaLaTeX",
        "pdfTeX": "pdfTeX",
        "pdfLaTeX": "pdfLaTeX",
        "VorTeX": "VorTeX",
        "TeXLive": "TeX Live",
        "TeXworks": "TeXworks",
        "TeXtures": "Textures",
        "PreTeX": "PreTeX",
        "mtex": "mTeX",
        "XyMTeX": "XyMTeX",
        "XyM": "XyM",
        "Xy": "Xy",
        "LyX": "LyX",
        "TikZ": "TikZ",
        "OMEGA": "\u03a9",
        "NTS": "NTS",
        "origLaTeX": "LaTeX",
        # TUGboat's own macros (tugboat.def / ltugboat.cls), used all over Beebe's TUGboat bibliography
        "TUB": "TUGboat",
        "TUG": "TUG",
        "tug": "TUG",
        "uktug": "UK TUG",
        "CSTUG": "\u010cSTUG",
        "NTG": "NTG",
        "CTAN": "CTAN",
        "PS": "PostScript",
        "PDF": "PDF",
        "pdf": "pdf",
        "DVI": "DVI",
        "DVD": "DVD",
        "HTML": "HTML",
        "XML": "XML",
        "SGML": "SGML",
        "CSS": "CSS",
        "UNIX": "UNIX",
        "VAX": "VAX",
        "WEB": "WEB",
        "Tib": "Tib",
        "Java": "Java",
        "MacOSX": "Mac OS X",
        "mathsPIC": "mathsPIC",
        "plain": "plain",
        "Thanh": "H\u00e0n Th\u1ebf Th\u00e0nh",
        # program and package logos of single TUGboat articles (each defined in its article's source):
        # the name is what they print, spelled as the article prints it
        "JTeX": "JTeX",
        "JemTeX": "JemTeX",
        "TeXMaG": "TeXMaG",
        "BaSiX": "BaSiX",
        "archiTeX": "archiTeX",
        "LexiTeX": "LexiTeX",
        "NexTeX": "NexTeX",
        "XYMTeX": "XyMTeX",
        "CONTEXT": "ConTeXt",
        "NetBibTeX": "NetBibTeX",
        "TeXML": "TeXML",
        "WARMreader": "WARMreader",
        "FDNTeX": "FDNTeX",
        "GeX": "GeX",
        "Xypic": "Xy-pic",
        "MTeX": "MTeX",
        "eOmega": "e-Omega",
        "bibtexcpp": "BibTeX++",
        "dvitosvg": "dvitosvg",
        "VnTeX": "VnTeX",
        "gmLaTeXplain": "LaTeX",
        "AcroFLeX": "AcroFLeX",
        "Bib": "Bib",
        "CS": "CS",
        "Xe": "Xe",
        "GNU": "GNU",
        "SC": "SC",
        "DVItoVDU": "DVItoVDU",
        "curve": "curve",
        "Dash": _DASH_SENTINEL,
        "slash": "/",
        # text symbols pylatexenc does not know
        "S": "\u00a7",
        "P": "\u00b6",
        "pounds": "\u00a3",
        "textsterling": "\u00a3",
        "euro": "\u20ac",
        "texteuro": "\u20ac",
        "copyright": "\u00a9",
        "textcopyright": "\u00a9",
        "textregistered": "\u00ae",
        "texttrademark": "\u2122",
        "textdegree": "\u00b0",
        "textbackslash": "\\",
        "backslash": "\\",
        "lbrace": "{",
        "rbrace": "}",
        "textbraceleft": "{",
        "textbraceright": "}",
        "textbar": "|",
        "textless": "<",
        "textgreater": ">",
        "textasciicircum": "^",
        "textunderscore": "_",
        "textellipsis": "\u2026",
        "dots": "\u2026",
        "ldots": "\u2026",
        "textendash": "\u2013",
        "textemdash": "\u2014",
        "emdash": "\u2014",
        "endash": "\u2013",
        "textquotedblleft": "\u201c",
        "textquotedblright": "\u201d",
        "textquoteleft": "\u2018",
        "textquoteright": "\u2019",
        "hyphen": "-",
        "texthyphen": "-",
        "nbhy": "\u2011",
        "thinspace": _NARROW_NBSP,
        ",": _NARROW_NBSP,
        "enspace": "\u2002",
        "quad": "\u2003",
        "qquad": "\u2003\u2003",
        " ": " ",
        "space": " ",
        "nobreakspace": "\u00a0",
        "nobreak": "",
        "/": "",  # italic correction
        "@": "",  # space factor
        "-": "",  # discretionary hyphen
        "\\": " ",  # line break inside a field: a space on the web
        "newline": " ",
        "par": " ",
        "linebreak": "",
        "allowbreak": "",
        "break": "",
        "relax": "",
        "protect": "",
        "unskip": "",
        "ignorespaces": "",
        "noindent": "",
        "null": "",
        "bibrangedash": "\u2013",
        "bibdatedash": "\u2013",
        "textnumero": "\u2116",
        "ringhalfrighti": "\u02be",
        "&": "&",
        "%": "%",
        "$": "$",
        "#": "#",
        "_": "_",
        "{": "{",
        "}": "}",
    }
)


def _ordinal(node: latexwalker.LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    """``\\nth{21}`` prints "21st" (English ordinal suffix, as the nth package does)."""
    number = l2tobj.node_arg_to_text(node, 0).strip()
    if not number.isdigit():
        return number
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return number + suffix


# Macros with braced arguments whose text TeX prints (the "%s"/"%(n)s" replacement of pylatexenc),
# and the argument spec the parser needs to collect those arguments.
_ARG_MACROS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # name: (argspec, replacement)
        "mkbibquote": ("{", "\u201c%(1)s\u201d"),
        "enquote": ("*{", "\u201c%(2)s\u201d"),
        "textquote": ("[[{", "\u201c%(3)s\u201d"),
        "mkbibparens": ("{", "(%(1)s)"),
        "mkbibbrackets": ("{", "[%(1)s]"),
        "autocap": ("{", "%(1)s"),
        "href": ("{{", "%(2)s"),
        "cite": ("*[[{", "[%(4)s]"),
        "textcite": ("*[[{", "[%(4)s]"),
        "parencite": ("*[[{", "[%(4)s]"),
        "citeauthor": ("*[[{", "[%(4)s]"),
        "nocite": ("{", ""),
        "noopsort": ("{", ""),  # BibTeX sorting trick: prints nothing
        "footnote": ("[{", " (%(2)s)"),
        "nth": ("{", _ordinal),
        "textrm": ("{", "%(1)s"),
        "textsf": ("{", "%(1)s"),
        "textup": ("{", "%(1)s"),
        "textmd": ("{", "%(1)s"),
        "textnormal": ("{", "%(1)s"),
        "textlatin": ("{", "%(1)s"),
        "foreignlanguage": ("{{", "%(2)s"),
        "hyphenation": ("{", ""),
        "mbox": ("{", "%(1)s"),
        "hbox": ("{", "%(1)s"),
        "makebox": ("[[{", "%(3)s"),
        "fbox": ("{", "%(1)s"),
        "rlap": ("{", "%(1)s"),
        "llap": ("{", "%(1)s"),
        "smash": ("[{", "%(2)s"),
        "ensuremath": ("{", "%(1)s"),
        "acro": ("{", "%(1)s"),
        "acronym": ("{", "%(1)s"),
        "pkg": ("{", "%(1)s"),
        "pgm": ("{", "%(1)s"),
        "file": ("{", "%(1)s"),
        "lib": ("{", "%(1)s"),
        "env": ("{", "%(1)s"),
        "option": ("{", "%(1)s"),
        "progname": ("{", "%(1)s"),
        "arabic": ("{", "%(1)s"),
        "hspace": ("*{", " "),
        "vspace": ("*{", ""),
        "phantom": ("{", ""),
        "hphantom": ("{", ""),
        "vphantom": ("{", ""),
        "label": ("{", ""),
        "index": ("{", ""),
        "color": ("[{", ""),
        "textcolor": ("[{{", "%(3)s"),
        "tubissue": ("", "TUGboat "),
    }
)

# Formatting macros with one argument: (argspec, index of the text argument, marker pair)
_FORMAT_MACROS: Mapping[str, tuple[str, int, str, str]] = MappingProxyType(
    {
        "emph": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "textit": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "textsl": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "mkbibemph": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "mkbibitalic": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "booktitle": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "journal": ("{", 0, ITALIC_OPEN, ITALIC_CLOSE),
        "textbf": ("{", 0, BOLD_OPEN, BOLD_CLOSE),
        "mkbibbold": ("{", 0, BOLD_OPEN, BOLD_CLOSE),
        "textsc": ("{", 0, SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        "textsuperscript": ("{", 0, SUP_OPEN, SUP_CLOSE),
        "mkbibsuperscript": ("{", 0, SUP_OPEN, SUP_CLOSE),
        "textsubscript": ("{", 0, SUB_OPEN, SUB_CLOSE),
        "mkbibsubscript": ("{", 0, SUB_OPEN, SUB_CLOSE),
        "texttt": ("{", 0, CODE_OPEN, CODE_CLOSE),
    }
)

# TUGboat's \cs{name} and \macro{name} print the control sequence \name, backslash included, in
# typewriter type (ltugboat.cls: \texttt{\char`\\#1}): the one place where a reader sees a backslash.
_CONTROL_SEQUENCE_MACROS = ("cs", "macro")

# Macros that change the case of their argument: TeX prints the changed text, protected from the
# style's own case changes.
_CASE_MACROS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {"MakeUppercase": str.upper, "uppercase": str.upper, "MakeLowercase": str.lower, "lowercase": str.lower}
)

# Macros whose argument is not protected from the style's case changes: \autocap{x} exists to be
# capitalised at the start of a sentence.
_UNPROTECTED_ARGUMENTS = frozenset({"autocap"})

# Font switches: they act on the rest of the enclosing group. "" means a font we do not mark
# (typewriter, sans, roman, sizes), so the switch just disappears.
_SWITCHES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "it": (ITALIC_OPEN, ITALIC_CLOSE),
        "itshape": (ITALIC_OPEN, ITALIC_CLOSE),
        "em": (ITALIC_OPEN, ITALIC_CLOSE),
        "sl": (ITALIC_OPEN, ITALIC_CLOSE),
        "slshape": (ITALIC_OPEN, ITALIC_CLOSE),
        "slnine": (ITALIC_OPEN, ITALIC_CLOSE),
        "sltt": (ITALIC_OPEN, ITALIC_CLOSE),
        "tt": (CODE_OPEN, CODE_CLOSE),
        "ttfamily": (CODE_OPEN, CODE_CLOSE),
        "bf": (BOLD_OPEN, BOLD_CLOSE),
        "bfseries": (BOLD_OPEN, BOLD_CLOSE),
        "sc": (SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        "scshape": (SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        "smc": (SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        "ninesmc": (SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        "SMC": (SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        "slc": (SMALLCAPS_OPEN, SMALLCAPS_CLOSE),
        **{
            name: ("", "")
            for name in (
                "rm rmfamily sf sffamily ssf upshape mdseries normalfont "
                "tiny scriptsize footnotesize small normalsize large Large LARGE huge Huge "
                "manfnt manual Abstract warmreader otr eightrm"
            ).split()
        },
    }
)

# A dimension after \kern/\hskip/\raise…: TeX consumes it, and so must we, or "-2.7pt" would be printed.
_DIMEN_RE = re.compile(
    r"\s*[-+]?\s*(?:\d+\.?\d*|\.\d+)\s*(?:pt|pc|in|bp|cm|mm|dd|cc|sp|em|ex|mu|fil+)"
    r"(?:\s*(?:plus|minus)\s*[-+]?\s*(?:\d+\.?\d*|\.\d+)\s*(?:pt|pc|in|bp|cm|mm|dd|cc|sp|em|ex|mu|fil+))*"
    r"\s?"  # TeX also eats one optional space after a unit
)
_DIMEN_MACROS = ("kern", "hskip", "vskip", "mkern", "hspace", "lower", "raise", "moveleft", "moveright")


class _DimenArgsParser(MacroStandardArgsParser):
    """Swallow the TeX dimension following ``\\kern`` and friends (it is not text)."""

    def parse_args(self, w, pos, parsing_state=None):  # noqa: ANN001, ANN201 - pylatexenc's signature
        m = _DIMEN_RE.match(w.s, pos)
        length = m.end() - pos if m else 0
        return ParsedMacroArgs(argspec="", argnlist=[]), pos, length


class _UrlArgsParser(MacroStandardArgsParser):
    """``\\url{…}``, ``\\path|…|``, ``\\verb|…|``: the argument is verbatim (``~``, ``%``, ``_`` stay)."""

    def __init__(self) -> None:
        super().__init__(argspec="{")

    def parse_args(self, w, pos, parsing_state=None):  # noqa: ANN001, ANN201 - pylatexenc's signature
        s = w.s
        start = pos
        while start < len(s) and s[start].isspace():
            start += 1
        if start >= len(s):
            return ParsedMacroArgs(argspec="", argnlist=[]), pos, 0
        if s[start] == "{":
            depth = 0
            end = start
            while end < len(s):
                if s[end] == "{":
                    depth += 1
                elif s[end] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            body = s[start + 1 : end]
            stop = min(end + 1, len(s))
            delims = ("{", "}")
        else:
            delim = s[start]
            end = s.find(delim, start + 1)
            if end == -1:
                end = len(s)
            body = s[start + 1 : end]
            stop = min(end + 1, len(s))
            delims = (delim, delim)
        node = w.make_node(
            latexwalker.LatexCharsNode,
            parsing_state=parsing_state,
            chars=body,
            pos=start + 1,
            len=len(body),
        )
        return ParsedVerbatimArgs(verbatim_chars_node=node, verbatim_delimiters=delims), start, stop - start


_VERBATIM_MACROS = ("url", "path", "verb", "nolinkurl", "doi")


class _FastSpecialsDb(LatexContextDb):
    """A context db that answers "no specials here" without scanning every category.

    pylatexenc asks at every character whether a special (``~``, ``--``, ``&``...) starts there, and its
    answer walks all categories: that was a third of the conversion time.
    """

    def __init__(self, source: LatexContextDb) -> None:
        super().__init__()
        for cat in source.category_list:
            d = source.d[cat]
            self.add_context_category(
                cat,
                macros=list(d["macros"].values()),
                environments=list(d["environments"].values()),
                specials=list(d["specials"].values()),
            )
        self.unknown_macro_spec = source.unknown_macro_spec
        self.unknown_environment_spec = source.unknown_environment_spec
        self.unknown_specials_spec = source.unknown_specials_spec
        self._special_starts = frozenset()

    def seal(self) -> None:
        """Record the first characters of all specials; call after the last category is added."""
        self._special_starts = frozenset(
            chars[0] for cat in self.category_list for chars in self.d[cat]["specials"]
        )

    def test_for_specials(self, s, pos, parsing_state=None):  # noqa: ANN001, ANN201 - pylatexenc's signature
        if pos >= len(s) or s[pos] not in self._special_starts:
            return None
        return super().test_for_specials(s, pos, parsing_state=parsing_state)


@functools.lru_cache(maxsize=1)
def _walker_context() -> LatexContextDb:
    """The parser's view of the macros: which ones take arguments. Built once, never modified after."""
    db = _FastSpecialsDb(latexwalker.get_default_latex_context_db())
    macros = [MacroSpec(name, argspec) for name, (argspec, _repl) in _ARG_MACROS.items()]
    macros += [MacroSpec(name, spec[0]) for name, spec in _FORMAT_MACROS.items()]
    macros += [MacroSpec(name, "{") for name in (*_CONTROL_SEQUENCE_MACROS, *_CASE_MACROS)]
    macros += [MacroSpec(name, args_parser=_DimenArgsParser()) for name in _DIMEN_MACROS]
    macros += [MacroSpec(name, args_parser=_UrlArgsParser()) for name in _VERBATIM_MACROS]
    specials = [SpecialsSpec("'"), SpecialsSpec("`")]
    db.add_context_category("mkdocs-scholar", macros=macros, specials=specials, prepend=True)
    db.seal()
    return db


@functools.lru_cache(maxsize=1)
def _text_context() -> LatexContextDb:
    """What each macro prints. Built once, never modified after."""
    db = _l2t_default_db()
    macros = [MacroTextSpec(name, repl) for name, repl in _LOGOS.items()]
    macros += [MacroTextSpec(name, repl) for name, (_argspec, repl) in _ARG_MACROS.items()]
    macros += [MacroTextSpec(name, "") for name in _DIMEN_MACROS if name != "hspace"]
    macros += [MacroTextSpec(name, _verbatim_text) for name in _VERBATIM_MACROS]
    specials = [
        SpecialsTextSpec("&", "&"),  # a bare & is a user's slip; TeX would stop, we print it
        SpecialsTextSpec("'", "\u2019"),
        SpecialsTextSpec("`", "\u2018"),
    ]
    db.add_context_category("mkdocs-scholar", macros=macros, specials=specials, prepend=True)
    return db


# Scanning for macro names (``unknown_macros``): skip what the converter does not read as macros.
_MACRO_SCAN_RE = re.compile(
    r"""
      \\[^A-Za-z@]                                   # \\, \$, \{ … : escaped characters
    | \$\$.*?\$\$ | \$.*?(?:\$|\Z)                    # math, kept verbatim
    | \\\(.*?(?:\\\)|\Z) | \\\[.*?(?:\\\]|\Z)
    | \\begin\s*\{(?:math|displaymath|equation|eqnarray|align|gather|multline)\*?\}.*?\\end\s*\{[^}]*\}
    | \\(?:url|path|nolinkurl|doi)\s*\{[^}]*\}         # verbatim arguments
    | \\verb\*?(?P<delim>.).*?(?:(?P=delim)|\Z)
    | %[^\n]*                                         # a comment
    | \\(?P<name>[A-Za-z@]+)
    """,
    re.S | re.X,
)


def _is_known(name: str) -> bool:
    return (
        name in ("begin", "end")  # environments: the converter prints their body
        or name in _FORMAT_MACROS
        or name in _SWITCHES
        or name in _CONTROL_SEQUENCE_MACROS
        or name in _CASE_MACROS
        or _text_context().get_macro_spec(name) is not None
    )


def _verbatim_text(node: latexwalker.LatexMacroNode) -> str:
    argd = node.nodeargd
    if isinstance(argd, ParsedVerbatimArgs):
        return argd.verbatim_text
    return ""


# --------------------------------------------------------------------------------------------------
# The converter
# --------------------------------------------------------------------------------------------------


class _RichConverter(LatexNodes2Text):
    """pylatexenc's LaTeX-to-text with brace protection, font markers, kept math and unknown-macro notes.

    One instance per conversion (it collects unknown macro names); the context databases are shared.
    """

    def __init__(self, latex_context: LatexContextDb) -> None:
        # strict spaces: TeX drops the space after a control word ({\TeX book} is "TeXbook")
        super().__init__(latex_context=latex_context, math_mode="verbatim", strict_latex_spaces=True)
        self.unknown: list[str] = []
        # ids of the brace groups that are macro arguments: their braces delimit, they do not protect
        self._arg_groups: set[int] = set()

    def nodelist_to_text(self, nodelist):  # noqa: ANN001, ANN201 - pylatexenc's signature
        # A font switch (\it, \bf …) acts on the rest of its group: split there and wrap the rest.
        for i, node in enumerate(nodelist):
            if node is not None and node.isNodeType(latexwalker.LatexMacroNode):
                switch = _SWITCHES.get(node.macroname)
                if switch is not None:
                    head = super().nodelist_to_text(nodelist[:i])
                    tail = self.nodelist_to_text(nodelist[i + 1 :])
                    if switch[0] and tail.strip():
                        tail = switch[0] + tail + switch[1]
                        if switch[0] == CODE_OPEN:
                            tail = NOCASE_OPEN + tail + NOCASE_CLOSE
                    return head + tail
        return super().nodelist_to_text(nodelist)

    def group_node_to_text(self, node):  # noqa: ANN001, ANN201 - pylatexenc's signature
        contents = self.nodelist_to_text(node.nodelist)
        if node.delimiters != ("{", "}") or id(node) in self._arg_groups:
            return contents
        # Braces in a title protect case, except around a single decoded character ({\"O}, {\ss}),
        # where they are only there for the accent. Empty groups ({} after a logo) print nothing.
        has_text = any(
            n is not None and n.isNodeType(latexwalker.LatexCharsNode) and n.chars.strip()
            for n in node.nodelist
        )
        visible = rich_to_plain(contents).strip()
        if has_text or len(visible) > 1:
            return NOCASE_OPEN + contents + NOCASE_CLOSE
        return contents

    def macro_node_to_text(self, node):  # noqa: ANN001, ANN201 - pylatexenc's signature
        name = node.macroname
        if node.nodeargd is not None and node.nodeargd.argnlist:
            self._arg_groups.update(id(a) for a in node.nodeargd.argnlist if a is not None)
        fmt = _FORMAT_MACROS.get(name)
        if fmt is not None:
            # BibTeX protects a braced argument from case changes ({Nature} in \emph{Nature} is a group)
            inner = self.node_arg_to_text(node, fmt[1])
            if not inner.strip():
                return inner
            return _protected(fmt[2] + inner + fmt[3])
        if name in _CONTROL_SEQUENCE_MACROS:
            inner = self.node_arg_to_text(node, 0).strip()
            if not inner:
                return ""
            return NOCASE_OPEN + CODE_OPEN + "\\" + inner + CODE_CLOSE + NOCASE_CLOSE
        change_case = _CASE_MACROS.get(name)
        if change_case is not None:
            inner = self.node_arg_to_text(node, 0)
            # math keeps its own case (\MakeUppercase leaves math alone)
            pieces = re.split(f"({MATH_OPEN}.*?{MATH_CLOSE})", inner, flags=re.S)
            changed = "".join(p if p.startswith(MATH_OPEN) else change_case(p) for p in pieces)
            return _protected(changed)
        if name in _SWITCHES:
            # only reached for a switch that is an argument by itself (\textbf\it): nothing to print
            return ""
        if self.latex_context.get_macro_spec(name) is None:
            self.unknown.append(name)
            args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
            if not args and _LOGO_NAME_RE.match(name):
                # \JTeX, \GNU, \TeXMaG: a logo or acronym macro from the author's own style file prints,
                # near enough, its own name; dropping it would lose a word of the title
                return name
            return "".join(_protected(self._groupnodecontents_to_text(a)) for a in args if a is not None)
        return super().macro_node_to_text(node)

    def apply_simplify_repl(self, node, simplify_repl, what):  # noqa: ANN001, ANN201 - pylatexenc's signature
        # pylatexenc fills "%s"/"%(2)s" from the parsed arguments and fails (KeyError, or a logged warning
        # and a literal "%s") when the input ends before them (\href{a}): missing arguments print nothing.
        if not isinstance(simplify_repl, str) or "%" not in simplify_repl or len(simplify_repl) == 1:
            return super().apply_simplify_repl(node, simplify_repl, what)
        args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
        texts = [self._groupnodecontents_to_text(a) for a in args]
        if node.macroname not in _UNPROTECTED_ARGUMENTS:
            # BibTeX protects braced arguments from case changes, as any brace group at level 1
            texts = [_protected(t) for t in texts]
        if re.search(r"(?<!%)%s", simplify_repl):
            wanted = len(re.findall(r"(?<!%)%s", simplify_repl))
            return simplify_repl % tuple((texts + [""] * wanted)[:wanted])
        return simplify_repl % _MissingIsEmpty({str(i + 1): t for i, t in enumerate(texts)})

    def math_node_to_text(self, node):  # noqa: ANN001, ANN201 - pylatexenc's signature
        verbatim = node.latex_verbatim()
        if node.isNodeType(latexwalker.LatexMathNode):
            open_, close = node.delimiters
            inner = verbatim[len(open_) :]
            if inner.endswith(close):  # an unclosed "$x" has no closing delimiter to cut
                inner = inner[: len(inner) - len(close)]
            if node.displaytype == "display":
                return f"{NOCASE_OPEN}{MATH_OPEN}\\[{inner}\\]{MATH_CLOSE}{NOCASE_CLOSE}"
            return f"{NOCASE_OPEN}{MATH_OPEN}\\({inner}\\){MATH_CLOSE}{NOCASE_CLOSE}"
        # a math environment (equation, align …): MathJax reads \begin…\end as is
        return f"{NOCASE_OPEN}{MATH_OPEN}{verbatim}{MATH_CLOSE}{NOCASE_CLOSE}"

    def chars_node_to_text(self, node, textcol=0):  # noqa: ANN001, ANN201 - pylatexenc's signature
        # A lone brace left by tolerant parsing of unbalanced input is not text TeX would print.
        chars = node.chars
        if "{" in chars or "}" in chars:
            chars = chars.replace("{", "").replace("}", "")
        return chars


def _protected(text: str) -> str:
    """``text`` as a case-protected span, unless it is at most one character (an accent's argument)."""
    if len(rich_to_plain(text).strip()) > 1:
        return NOCASE_OPEN + text + NOCASE_CLOSE
    return text


class _MissingIsEmpty(dict):
    """Arguments for "%(n)s" replacements: an argument the input never gave prints nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def _cleanup(text: str) -> str:
    """Collapse whitespace as TeX does, apply \\Dash spacing, simplify redundant nocase markers."""
    text = _WS_RE.sub(" ", text)
    if _DASH_SENTINEL in text:
        text = _DASH_RE.sub(_THIN + "\u2014" + _THIN, text)
    if NOCASE_OPEN in text:
        text = _flatten_nocase(text)
    return text.strip()


def _flatten_nocase(text: str) -> str:
    """Drop nocase markers nested inside another nocase span, and empty spans: they change nothing."""
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == NOCASE_OPEN:
            depth += 1
            if depth == 1:
                out.append(ch)
        elif ch == NOCASE_CLOSE:
            if depth == 0:
                continue
            depth -= 1
            if depth == 0:
                if out and out[-1] == NOCASE_OPEN:
                    out.pop()
                else:
                    out.append(ch)
        else:
            out.append(ch)
    if depth > 0:
        out.append(NOCASE_CLOSE)
    return "".join(out)
