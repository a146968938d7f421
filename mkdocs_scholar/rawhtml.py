"""Formatted citation HTML carried past Markdown's HTML parser.

A bibliography is HTML already: Markdown only has to keep it, yet its HTML block parser reads every tag
of it, once for the page and again for each blog index, archive and category page that shows the post
(Material renders excerpts from the page's Markdown). For a long bibliography that parsing was most of
the build. ``wrap`` marks the HTML the citation engine made; ``RawHtmlExtension`` hands each marked piece
to Markdown's own stash of raw HTML before the parser runs, so the page gets the same HTML untouched.
Without the extension the marks are HTML comments, and the HTML is parsed as before.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

OPEN = "<!--scholar-html-->"
CLOSE = "<!--/scholar-html-->"
_MARKED_RE = re.compile(re.escape(OPEN) + "(.*?)" + re.escape(CLOSE), re.S)
# A fence line, in a blockquote too; a backtick fence's info string has no backtick (CommonMark), so a line
# that starts with inline code (```x```) is no fence.
_FENCE_RE = re.compile(r"^[ \t>]*(`{3,}(?=[^`\n]*$)|~{3,})(.*)$", re.M)
# After NormalizeWhitespace (30), which strips the stash's placeholder characters, and before the fenced
# code preprocessors (25) and the HTML block parser (20).
PRIORITY = 27


def wrap(html: str) -> str:
    return f"{OPEN}{html}{CLOSE}"


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


class RawHtmlPreprocessor(Preprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        # One string per distinct piece, for as long as this Markdown lives: Material renders a post's
        # excerpt with one Markdown per post, once for each index, archive and category page showing it,
        # and keeps its stash (never reset) for the whole build. A page's own Markdown ends with the page.
        self.seen: dict[str, str] = {}

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if OPEN not in text:
            return lines
        fenced = _fenced_spans(text) if "``" in text or "~~" in text else []

        def stash(m: re.Match[str]) -> str:
            indent = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
            if any(a <= m.start() < b for a, b in fenced) or (
                not indent.strip() and len(indent.expandtabs(4)) >= 4
            ):
                # In fenced code, or indented as far as an indented code block (or a list item's
                # paragraph): left to Markdown, which knows which of the two it is. Code shows the
                # characters the engine wrote as references (engine.narrow) as themselves.
                return widen(m.group(1))
            placeholder = self.md.htmlStash.store(self.seen.setdefault(m.group(1), m.group(1)))
            if indent.strip():  # inside a line of text: inline, as Markdown reads HTML there
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
