"""Formatted citation HTML carried past Markdown's HTML parser.

A bibliography is HTML already: Markdown only has to keep it, yet its HTML block parser reads every tag
of it, once for the page and again for each blog index, archive and category page that shows the post
(Material renders excerpts from the page's Markdown). For a long bibliography that parsing was most of
the build. ``wrap`` marks the HTML the citation engine made; ``RawHtmlExtension`` hands each marked piece
to Markdown's own stash of raw HTML before the parser runs, so the page gets the same HTML untouched.
Without the extension the marks are HTML comments, and the HTML is parsed as before.

A citation is marked as an inline piece (``wrap(html, inline=True)``): Markdown's inline patterns then no
longer read its link and text on the page and on every index page, and Markdown stops keeping a copy of
each of its tags for the whole build. Where it stands decides what it becomes, and only the finished HTML
says where that is: ``InlinePiecePostprocessor`` puts the citation's text in an attribute (an image's alt
text, a link title), its HTML shown as text in code (inline or indented; in a fence it is never stashed),
and the citation itself everywhere else.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Iterator

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor, RawHtmlPostprocessor
from markdown.preprocessors import Preprocessor

from .scholar import hidden

OPEN = "<!--scholar-html-->"
CLOSE = "<!--/scholar-html-->"
OPEN_INLINE = "<!--scholar-inline-->"
CLOSE_INLINE = "<!--/scholar-inline-->"
_MARK = "<!--scholar-"  # how both marks start (and hidden.OPEN too)
_KINDS = ((False, OPEN, CLOSE), (True, OPEN_INLINE, CLOSE_INLINE))
_TAG_RE = re.compile(r"<[^>]*>")
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


def _marked(text: str) -> Iterator[tuple[int, int, bool, str]]:
    """Each marked piece of ``text``, first to last: where it starts and ends, whether it is inline, and the
    piece. Found with ``str.find``: a pattern's lazy group tried the end mark at every character of the
    bibliographies. On the 3,000 texts with marks (18.8 MB) that a warm build of the large benchmark site
    hands this step, replayed, finding the pieces took 0.39 s with the pattern and 0.05 s this way."""
    at = text.find(_MARK)
    while at != -1:
        after = at + 1
        for inline, opening, closing in _KINDS:
            if text.startswith(opening, at):
                start = at + len(opening)
                end = text.find(closing, start)
                if end != -1:  # else no piece starts here, as no pattern would match here
                    yield at, end + len(closing), inline, text[start:end]
                    after = end + len(closing)
                break
        at = text.find(_MARK, after)


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
        # The stash's numbers of inline pieces, with the piece (InlinePiecePostprocessor checks it is still
        # the one there: a Markdown reused after reset() numbers its stash from 0 again).
        self.inline: dict[int, str] = {}

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if _MARK not in text:
            return lines
        fenced = _fenced_spans(text) if "``" in text or "~~" in text else []
        out: list[str] = []
        done = 0
        for start, end, inline, piece in _marked(text):
            out.append(text[done:start])
            out.append(self._stash(text, start, inline, piece, fenced))
            done = end
        out.append(text[done:])
        return "".join(out).split("\n")

    def _stash(self, text: str, at: int, inline: bool, piece: str, fenced: list[tuple[int, int]]) -> str:
        """What stands for the piece at ``at`` in the Markdown: a placeholder of the stash, or its HTML."""
        indent = text[text.rfind("\n", 0, at) + 1 : at]
        if any(a <= at < b for a, b in fenced) or (
            not inline and not indent.strip() and len(indent.expandtabs(4)) >= 4
        ):
            # In fenced code, or indented as far as an indented code block (or a list item's
            # paragraph): left to Markdown, which knows which of the two it is. Code shows the
            # characters the engine wrote as references (engine.narrow) as themselves.
            return widen(hidden.show(piece))
        placeholder = self.md.htmlStash.store(self.seen.setdefault(piece, piece))
        if inline:  # where it stands: decided in the finished HTML
            self.inline[self.md.htmlStash.html_counter - 1] = self.seen[piece]
            return placeholder
        if indent.strip():  # inside a line of text: inline, as Markdown reads HTML there
            return placeholder
        # At the start of a line: a block of its own, as Markdown sets a raw HTML block apart from
        # the paragraph, list or quote above and the text below (at the line's indentation).
        return f"\n\n{indent}{placeholder}\n\n{indent}"


class InlinePiecePostprocessor(Postprocessor):
    """Before Markdown puts its stash back (RawHtmlPostprocessor, 30): an inline piece that ended up in a
    tag (an alt text, a title) becomes its text, one in code (or a script: math) its HTML as text, as
    Markdown shows HTML written there; anywhere else it stays a placeholder, and the piece itself goes in.
    Extensions such as pymdownx.highlight and inlinehilite stash code they finish, with a placeholder of
    ours inside: there, where their own placeholder stands counts too."""

    def __init__(self, md: Markdown, pre: RawHtmlPreprocessor) -> None:
        super().__init__(md)
        self.pre = pre

    def _block_level(self, html: str) -> bool:
        """Whether Markdown's RawHtmlPostprocessor takes ``html`` for a block: a paragraph holding only its
        placeholder is then dropped, the HTML standing alone."""
        raw = self.md.postprocessors["raw_html"] if "raw_html" in self.md.postprocessors else None
        return isinstance(raw, RawHtmlPostprocessor) and raw.isblocklevel(html)

    def _ours(self, number: int) -> str | None:
        piece = self.pre.inline.get(number)
        blocks = self.md.htmlStash.rawHtmlBlocks
        return piece if piece is not None and number < len(blocks) and blocks[number] is piece else None

    def run(self, text: str) -> str:
        # Text with no placeholder gets nothing from the stash: a heading's text, which the toc extension
        # runs every postprocessor on (three calls of this in four on the benchmark site), is left as it is.
        if not self.pre.inline or util.STX not in text:
            return text
        blocks = self.md.htmlStash.rawHtmlBlocks
        holders = [
            n for n, b in enumerate(blocks) if isinstance(b, str) and util.STX in b and self._ours(n) is None
        ]
        where: dict[int, str | None] = {}

        def outside(number: int, seen: frozenset[int]) -> str | None:
            """Where the placeholder of stashed block ``number`` stands: in the page, or in another block."""
            if number not in where:
                mark = util.HTML_PLACEHOLDER % number
                found = None
                at = text.find(mark)
                if at != -1:
                    found = _context(text, at)
                else:
                    for other in holders:
                        at = blocks[other].find(mark) if other not in seen else -1
                        if at != -1:
                            found = _context(blocks[other], at) or outside(other, seen | {number})
                            break
                where[number] = found
            return where[number]

        for number in holders:
            blocks[number] = self._place(blocks[number], lambda n=number: outside(n, frozenset({n})))
        return self._place(text, lambda: None) if util.STX in text else text

    def _place(self, text: str, outer: Callable[[], str | None]) -> str:
        def place(m: re.Match[str]) -> str:
            piece = self._ours(int(m.group(1)))
            if piece is None:
                return m.group(0)
            context = _context(text, m.start()) or outer()
            if context == "attribute":
                return _TAG_RE.sub("", hidden.show(piece)).replace('"', "&quot;")
            if context == "text":
                return html_lib.escape(widen(hidden.show(piece)), quote=False)
            if piece.startswith(hidden.OPEN) and not self._block_level(piece[len(hidden.OPEN) :]):
                # Its first tag waits in a comment (scholar/hidden.py; the comment starts with it), which
                # Markdown would take for a block and lift out of its paragraph: it goes in here, as
                # Markdown puts an inline tag.
                return piece
            return m.group(0)

        return util.HTML_PLACEHOLDER_RE.sub(place, text)


_AS_TEXT = ("code", "script")


def _context(text: str, at: int) -> str | None:
    """What ``text`` makes of position ``at``: inside a tag (an attribute's value), inside code or a
    script (shown as text), or neither (None)."""
    if text.rfind("<", 0, at) > text.rfind(">", 0, at):
        return "attribute"
    if any(text.rfind(f"<{tag}", 0, at) > text.rfind(f"</{tag}>", 0, at) for tag in _AS_TEXT):
        return "text"
    return None


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        pre = RawHtmlPreprocessor(md)
        md.preprocessors.register(pre, "mkdocs_scholar_html", PRIORITY)
        md.postprocessors.register(InlinePiecePostprocessor(md, pre), "mkdocs_scholar_inline", 35)


def makeExtension(**kwargs: object) -> RawHtmlExtension:  # noqa: N802 - Python-Markdown's name
    """``markdown_extensions: [mkdocs_scholar.rawhtml]``: pages holding the plugin's marked HTML, built
    without the plugin (the benchmark's ``output`` site)."""
    return RawHtmlExtension(**kwargs)
