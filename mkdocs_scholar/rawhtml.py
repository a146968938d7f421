"""Formatted citation HTML carried past Markdown's HTML parser.

A bibliography is HTML already: Markdown only has to keep it, yet its HTML block parser reads every tag
of it, once for the page and again for each blog index, archive and category page that shows the post
(Material renders excerpts from the page's Markdown). For a long bibliography that parsing was most of
the build. ``wrap`` marks the HTML the citation engine made; ``RawHtmlExtension`` hands each marked piece
to Markdown's own stash of raw HTML before the parser runs, so the page gets the same HTML untouched.
Without the extension the marks are HTML comments, and the HTML is parsed as before.

A citation is marked too (``wrap(html, inline=True)``): it stays where it is in its line, and Markdown's
inline patterns no longer read its link and text on the page and on every index page (an eighth of the
Markdown step of a post with five citations). Written inside inline code, it is left to Markdown, which
shows it as text there, as Jekyll does.
"""

from __future__ import annotations

import bisect
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

OPEN = "<!--scholar-html-->"
CLOSE = "<!--/scholar-html-->"
OPEN_INLINE = "<!--scholar-inline-->"
CLOSE_INLINE = "<!--/scholar-inline-->"
# A fence line, in a blockquote too; a backtick fence's info string has no backtick (CommonMark), so a line
# that starts with inline code (```x```) is no fence.
_FENCE_RE = re.compile(r"^[ \t>]*(`{3,}(?=[^`\n]*$)|~{3,})(.*)$", re.M)
# After NormalizeWhitespace (30), which strips the stash's placeholder characters, and before the fenced
# code preprocessors (25) and the HTML block parser (20).
PRIORITY = 27


def wrap(html: str, *, inline: bool = False) -> str:
    """Mark ``html`` for the stash: a block (a bibliography's list) or an inline piece (a citation)."""
    return f"{OPEN_INLINE}{html}{CLOSE_INLINE}" if inline else f"{OPEN}{html}{CLOSE}"


_CHARREF_RE = re.compile(r"&#(\d{3,7});")


def widen(html: str) -> str:
    """Undo ``engine.narrow`` on HTML the engine made: each reference to a character beyond Latin-1
    (outside the private-use area the engine marks places with) becomes the character."""

    def char(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return chr(n) if 0xFF < n <= 0x10FFFF and not 0xE000 <= n <= 0xF8FF else m.group(0)

    return _CHARREF_RE.sub(char, html) if "&#" in html else html


def _fenced_spans(text: str) -> list[tuple[int, int]]:
    """Where fenced code blocks are: HTML written inside one stays text there, as Markdown shows it."""
    spans, start, fence = [], 0, ""
    for m in _FENCE_RE.finditer(text):
        mark = m.group(1)
        if not fence:
            fence, start = mark, m.start()
        elif mark[0] == fence[0] and len(mark) >= len(fence) and not m.group(2).strip():
            spans.append((start, m.end()))
            fence = ""
    if fence:
        spans.append((start, len(text)))
    return spans


_BLANK_LINE_RE = re.compile(r"\n[ \t]*(?=\n)")
_TICKS_RE = re.compile(r"`+")


def _marked(text: str) -> list[tuple[int, int, bool, str]]:
    """The marked pieces of ``text``: (start, end, inline, html), found with plain string searches (a
    regular expression with a lazy ``.*?`` stepped through every character of a long bibliography)."""
    pieces = []
    pos = 0
    while (i := text.find("<!--scholar-", pos)) != -1:
        for opening, closing, inline in ((OPEN, CLOSE, False), (OPEN_INLINE, CLOSE_INLINE, True)):
            if text.startswith(opening, i):
                j = text.find(closing, i + len(opening))
                if j != -1:
                    pieces.append((i, j + len(closing), inline, text[i + len(opening) : j]))
                    pos = j + len(closing)
                    break
        else:
            pos = i + 1
    return pieces


def _in_code_span(text: str, start: int, end: int, at: int) -> bool:
    """Whether ``at`` lies in an inline code span of the paragraph ``text[start:end]`` (marked pieces blanked
    out): a run of backticks up to the next run of the same length (CommonMark). A run without its match
    leaves the rest of its paragraph counted as code: a marked piece there is left to Markdown."""
    pos = start
    while (m := _TICKS_RE.search(text, pos, at)) is not None:
        opening, first = m.group(0), m.start()
        if first > 0 and text[first - 1] == "\\":  # an escaped backtick opens nothing
            opening = opening[1:]
            if not opening:
                pos = m.end()
                continue
        close = _TICKS_RE.search(text, m.end(), end)
        while close is not None and len(close.group(0)) != len(opening):
            close = _TICKS_RE.search(text, close.end(), end)
        if close is None or close.start() > at:
            return True
        pos = close.end()
    return False


class RawHtmlPreprocessor(Preprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        # One string per distinct piece, for as long as this Markdown lives: Material renders a post's
        # excerpt with one Markdown per post, once for each index, archive and category page showing it,
        # and keeps its stash (never reset) for the whole build. A page's own Markdown ends with the page.
        self.seen: dict[str, str] = {}

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "<!--scholar-" not in text:
            return lines
        pieces = _marked(text)
        fenced = _fenced_spans(text) if "``" in text or "~~" in text else []
        masked: str | None = None  # the text with every piece blanked out, for the code span check
        blanks: list[int] | None = None
        out, pos = [], 0
        for start, end, inline, html in pieces:
            out.append(text[pos:start])
            pos = end
            indent = text[text.rfind("\n", 0, start) + 1 : start]
            lead = indent[: len(indent) - len(indent.lstrip(" \t"))]
            if any(a <= start < b for a, b in fenced) or (
                (inline or not indent.strip()) and len(lead.expandtabs(4)) >= 4
            ):
                # In fenced code, or indented as far as an indented code block (or a list item's
                # paragraph): left to Markdown, which knows which of the two it is. Code shows the
                # characters the engine wrote as references (engine.narrow) as themselves.
                out.append(widen(html))
                continue
            if inline and "`" in text:
                if blanks is None:
                    blanks = [0, *(m.start() for m in _BLANK_LINE_RE.finditer(text)), len(text)]
                k = bisect.bisect_right(blanks, start)
                para_start, para_end = blanks[k - 1], blanks[k]
                if "`" in text[para_start:start]:
                    if masked is None:
                        masked = _mask(text, pieces)
                    if _in_code_span(masked, para_start, para_end, start):
                        out.append(widen(html))  # inline code: Markdown shows the HTML as text
                        continue
            placeholder = self.md.htmlStash.store(self.seen.setdefault(html, html))
            if inline or indent.strip():  # inside a line of text: inline, as Markdown reads HTML there
                out.append(placeholder)
            else:
                # At the start of a line: a block of its own, as Markdown sets a raw HTML block apart
                # from the paragraph, list or quote above and the text below (at the line's indentation).
                out.append(f"\n\n{indent}{placeholder}\n\n{indent}")
        out.append(text[pos:])
        return "".join(out).split("\n")


def _mask(text: str, pieces: list[tuple[int, int, bool, str]]) -> str:
    """``text`` with each marked piece replaced by as many ``x`` (a backtick in a title is no code)."""
    parts, pos = [], 0
    for start, end, _, _ in pieces:
        parts += [text[pos:start], "x" * (end - start)]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(RawHtmlPreprocessor(md), "mkdocs_scholar_html", PRIORITY)


def makeExtension(**kwargs: object) -> RawHtmlExtension:  # noqa: N802 - Python-Markdown's name
    """``markdown_extensions: [mkdocs_scholar.rawhtml]``: pages holding the plugin's marked HTML, built
    without the plugin (the benchmark's ``output`` site)."""
    return RawHtmlExtension(**kwargs)
