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

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

OPEN = "<!--scholar-html-->"
CLOSE = "<!--/scholar-html-->"
OPEN_INLINE = "<!--scholar-inline-->"
CLOSE_INLINE = "<!--/scholar-inline-->"
_MARKED_RE = re.compile(r"<!--scholar-(html|inline)-->(.*?)<!--/scholar-\1-->", re.S)
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


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where inline code spans are (``text`` with marked pieces blanked out): in each paragraph, a run of
    backticks up to the next run of the same length (CommonMark). A run without its match leaves the rest
    of its paragraph counted as code: a marked piece there is left to Markdown, as it always was."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [m.start() for m in _BLANK_LINE_RE.finditer(text)] + [len(text)]:
        if "`" in text[start:end]:
            pos = start
            while (m := _TICKS_RE.search(text, pos, end)) is not None:
                opening, first = m.group(0), m.start()
                if first > 0 and text[first - 1] == "\\":  # an escaped backtick opens nothing
                    opening, first = opening[1:], first + 1
                    if not opening:
                        pos = m.end()
                        continue
                close = _TICKS_RE.search(text, m.end(), end)
                while close is not None and len(close.group(0)) != len(opening):
                    close = _TICKS_RE.search(text, close.end(), end)
                if close is None:
                    spans.append((first, end))
                    break
                spans.append((first, close.end()))
                pos = close.end()
        start = end
    return spans


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
        fenced = _fenced_spans(text) if "``" in text or "~~" in text else []
        code: list[tuple[int, int]] | None = None

        def stash(m: re.Match[str]) -> str:
            nonlocal code
            inline, html = m.group(1) == "inline", m.group(2)
            indent = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
            lead = indent[: len(indent) - len(indent.lstrip(" \t"))]
            if any(a <= m.start() < b for a, b in fenced) or (
                (inline or not indent.strip()) and len(lead.expandtabs(4)) >= 4
            ):
                # In fenced code, or indented as far as an indented code block (or a list item's
                # paragraph): left to Markdown, which knows which of the two it is. Code shows the
                # characters the engine wrote as references (engine.narrow) as themselves.
                return widen(html)
            if inline and "`" in text:
                if code is None:
                    code = _code_spans(_MARKED_RE.sub(lambda p: "x" * (p.end() - p.start()), text))
                if any(a <= m.start() < b for a, b in code):
                    return widen(html)  # inline code: Markdown shows the HTML as text
            placeholder = self.md.htmlStash.store(self.seen.setdefault(html, html))
            if inline or indent.strip():  # inside a line of text: inline, as Markdown reads HTML there
                return placeholder
            # At the start of a line: a block of its own, as Markdown sets a raw HTML block apart from
            # the paragraph, list or quote above and the text below (at the line's indentation).
            return f"\n\n{indent}{placeholder}\n\n{indent}"

        return _MARKED_RE.sub(stash, text).split("\n")


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(RawHtmlPreprocessor(md), "mkdocs_scholar_html", PRIORITY)


def makeExtension(**kwargs: object) -> RawHtmlExtension:  # noqa: N802 - Python-Markdown's name
    """``markdown_extensions: [mkdocs_scholar.rawhtml]``: pages holding the plugin's marked HTML, built
    without the plugin (the benchmark's ``output`` site)."""
    return RawHtmlExtension(**kwargs)
