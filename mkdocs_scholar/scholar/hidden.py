"""HTML of the plugin's pieces that waits in comments while other plugins read the page.

Material's search and its blog's reading time parse every page's HTML with Python's HTMLParser: once for
the page, and again for each blog index, archive and category page that shows the post. Each tag costs
them a call into Python (the search builds a dict and an element for it and compares its context); a
comment costs one search of a regular expression. What they take from a bibliography or a citation is its
text: the search keeps a few tags (paragraphs, lists, code, sub- and superscripts) and leaves the others
out of its index, and the reading time counts words and images. So on the plugin's pages every other tag
of a piece the citation engine made waits in a comment (``hide_tags``), next tags sharing one, while the
text stays where it was: the parsers get the same text in the same chunks, and make the same index and
the same reading time (where every tag is closed, as the engine writes them). What the reader features
add around an entry (links, backlinks, the BibTeX block) waits whole, text and all (``wrap``): it is not
searched. ``show`` puts it all back when the page is finished (the plugin's on_post_page). A plugin that
reads ``page.content`` before then (an RSS feed) gets the citations' text without their markup.

A comment may not hold "--": each is written "-&#45;". ``&#45;`` is "-" in HTML text and attributes
alike, so turning every one back changes no meaning.
"""

from __future__ import annotations

import re

OPEN = "<!--scholar-hidden "
CLOSE = " -->"

# Tags a parser of the page needs to see as tags: those the search keeps in its index or skips with their
# content, images (each adds to the reading time), and headings (each starts a section of the index).
_KEPT = frozenset(
    ("p", "code", "pre", "li", "ol", "ul", "sub", "sup")
    + ("script", "style", "object", "svg", "img")
    + ("h1", "h2", "h3", "h4", "h5", "h6")
)
# Elements without an end tag (HTML's void elements).
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source")
    + ("track", "wbr")
)
_TOKEN_RE = re.compile(
    f"{re.escape(OPEN)}(.*?){re.escape(CLOSE)}"  # 1: waiting already (reader extras): joins the next tags
    r"|<!--.*?-->"  # another comment: left as it is
    r"|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",  # a tag: 2 "/", 3 name, 4 attributes
    re.S,
)
_HEADING_RE = re.compile(r"<h[1-6][\s>]", re.I)


def escape(html: str) -> str:
    """``html`` fit to stand in a comment (``show`` undoes it)."""
    return html.replace("--", "-&#45;")


def wrap(escaped: str) -> str:
    """A comment holding ``escaped`` (made by ``escape``) until ``show``."""
    return f"{OPEN}{escaped}{CLOSE}"


def show(page_html: str, *, chunk: int = 65536) -> str:
    """A finished page with everything that waited in comments in place again. (Found with ``str.find``: a
    pattern's lazy ``(.*?)`` tried the end of the comment at every character: 1.6 times as slow.) The page is
    taken a ``chunk`` of characters at a time, each cut where a comment starts: the pieces of one chunk
    are let go before the next, where a page of 4,839 entries had 58,000 comments' pieces held at once
    (tracemalloc's peak for that page of 2.9 MB: 18.5 MB, now 5.8 MB with the finished page)."""
    if OPEN not in page_html:
        return page_html
    out = []
    start, size = 0, len(page_html)
    while start < size:
        stop = page_html.find(OPEN, start + chunk) if start + chunk < size else -1
        stop = size if stop == -1 else stop
        out.append(_show(page_html[start:stop]))
        start = stop
    return "".join(out)


def _show(html: str) -> str:
    parts = html.split(OPEN)
    out = [parts[0]]
    for part in parts[1:]:
        end = part.find(CLOSE)
        if end == -1:  # not one of ours after all: left as it is
            out += (OPEN, part)
            continue
        inner = part[:end]
        out += (inner.replace("&#45;", "-") if "&#45;" in inner else inner, part[end + len(CLOSE) :])
    return "".join(out)


def hide_tags(html: str, *, keep_first: bool = False) -> str:
    """``html`` with the tags the page's parsers need not see in comments (see the module's text).

    Kept as tags: those in ``_KEPT``, one that excludes its content from the search (``data-search-exclude``,
    Pygments' line numbers), with ``keep_first`` a tag ``html`` starts with (Markdown tells from it whether
    a block of raw HTML is a paragraph), and the end tag of each of these. A piece with a heading is left as
    it is: the search ends a heading's section when an element around the heading ends, which it could no
    longer see.
    """
    if "<" not in html or _HEADING_RE.search(html):
        return html
    out: list[str] = []
    run: list[str] = []  # tags (escaped) for one comment
    open_elements: list[tuple[str, bool]] = []  # name, kept as a tag
    pos = 0

    def flush() -> None:
        if run:
            out.append(wrap("".join(run)))
            run.clear()

    for m in _TOKEN_RE.finditer(html):
        if m.start() > pos:
            flush()
            out.append(html[pos : m.start()])
        pos = m.end()
        if m.group(1) is not None:
            run.append(m.group(1))
            continue
        name = m.group(3)
        if name is None:
            flush()
            out.append(m.group(0))
            continue
        name = name.lower()
        if m.group(2):
            kept = name in _KEPT
            for i in range(len(open_elements) - 1, -1, -1):
                if open_elements[i][0] == name:
                    kept = open_elements[i][1]
                    del open_elements[i:]
                    break
        else:
            attributes = m.group(4)
            kept = (
                name in _KEPT
                or "data-search-exclude" in attributes
                or "linenodiv" in attributes
                or keep_first
                and m.start() == 0
            )
            if name not in _VOID and not attributes.endswith("/"):
                open_elements.append((name, kept))
        if kept:
            flush()
            out.append(m.group(0))
        else:
            run.append(escape(m.group(0)))
    flush()
    out.append(html[pos:])
    return "".join(out)
