"""Rich text: plain Unicode plus private-use marker characters for case protection, fonts and math.

The markers, and the two ways out of rich text (:func:`rich_to_plain`, :func:`rich_to_html`); ``latex.py``
makes rich text from a .bib's LaTeX (its docstring has the table of markers). Its own module so that what
only needs the markers (``csl.py``, a build whose texts are all cached) does not import the LaTeX decoder.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

NOCASE_OPEN = "\ue000"
NOCASE_CLOSE = "\ue001"
ITALIC_OPEN = "\ue002"
ITALIC_CLOSE = "\ue003"
BOLD_OPEN = "\ue004"
BOLD_CLOSE = "\ue005"
SMALLCAPS_OPEN = "\ue006"
SMALLCAPS_CLOSE = "\ue007"
SUP_OPEN = "\ue008"
SUP_CLOSE = "\ue009"
SUB_OPEN = "\ue00a"
SUB_CLOSE = "\ue00b"
CODE_OPEN = "\ue00c"
CODE_CLOSE = "\ue00d"
MATH_OPEN = "\ue00e"
MATH_CLOSE = "\ue00f"
#: stands for "and others" at the end of a name list (see ``csl_json.parse_names``)
ET_AL = "\ue010"
#: every private-use character the citation engine gives a meaning to (``U+E011`` … ``U+E013`` are
#: ``csl.py``'s escapes); the engine's own placeholders (``engine.py``) start at ``U+E100``
PRIVATE_USE_RE = re.compile("[\ue000-\ue01f]")


@dataclass(frozen=True)
class Marker:
    """One kind of rich-text span: its two marker characters and the HTML they stand for."""

    name: str
    open: str
    close: str
    html_open: str  # "" for nocase: the markers are dropped, no tag
    html_close: str


MARKERS: tuple[Marker, ...] = (
    Marker("nocase", NOCASE_OPEN, NOCASE_CLOSE, "", ""),
    Marker("italic", ITALIC_OPEN, ITALIC_CLOSE, "<i>", "</i>"),
    Marker("bold", BOLD_OPEN, BOLD_CLOSE, "<b>", "</b>"),
    Marker(
        "smallcaps", SMALLCAPS_OPEN, SMALLCAPS_CLOSE, '<span style="font-variant:small-caps;">', "</span>"
    ),
    Marker("sup", SUP_OPEN, SUP_CLOSE, "<sup>", "</sup>"),
    Marker("sub", SUB_OPEN, SUB_CLOSE, "<sub>", "</sub>"),
    Marker("code", CODE_OPEN, CODE_CLOSE, "<code>", "</code>"),
    # the class the MathJax loader (assets/mathjax-loader.js) and arithmatex's generic mode use
    Marker("math", MATH_OPEN, MATH_CLOSE, '<span class="arithmatex">', "</span>"),
)

#: marker character -> HTML it becomes (``rich_to_html``)
MARKER_HTML: Mapping[str, str] = MappingProxyType(
    {m.open: m.html_open for m in MARKERS} | {m.close: m.html_close for m in MARKERS}
)
_OPEN_TO_CLOSE: Mapping[str, str] = MappingProxyType({m.open: m.close for m in MARKERS})
_CLOSE_TO_OPEN: Mapping[str, str] = MappingProxyType({m.close: m.open for m in MARKERS})
_MARKER_CHARS = frozenset(MARKER_HTML)
_MARKER_RE = re.compile("[\ue000-\ue00f]")
_DROP_MARKERS = {ord(c): None for c in MARKER_HTML}
_DROP_PRIVATE_USE = {code: None for code in range(0xE000, 0xE020)}


def rich_to_plain(text: str) -> str:
    """Drop the markers: the text as a reader sees it, without formatting (for sorting, ids, names)."""
    return text.translate(_DROP_MARKERS)


def rich_to_html(text: str) -> str:
    """HTML-escape rich text and turn its markers into tags (unbalanced markers are repaired)."""
    escaped = html.escape(text, quote=False)
    if not _MARKER_RE.search(escaped):
        return escaped
    out: list[str] = []
    stack: list[str] = []
    for ch in escaped:
        if ch not in _MARKER_CHARS:
            out.append(ch)
        elif ch in _OPEN_TO_CLOSE:
            stack.append(ch)
            out.append(MARKER_HTML[ch])
        elif stack and _CLOSE_TO_OPEN[ch] in stack:
            # close anything opened inside this span first so the tags nest
            while stack:
                top = stack.pop()
                out.append(MARKER_HTML[_OPEN_TO_CLOSE[top]])
                if top == _CLOSE_TO_OPEN[ch]:
                    break
        # else: a close without an open (text cut by CSL), dropped
    while stack:
        out.append(MARKER_HTML[_OPEN_TO_CLOSE[stack.pop()]])
    return "".join(out)
