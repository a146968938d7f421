"""hidden: the tags of the plugin's pieces wait in comments while other plugins parse the page, and the
parsers that read pages (Material's search and its blog's reading time) get what they got from the tags."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from material.plugins.blog.readtime.parser import ReadtimeParser
from material.plugins.search.plugin import Parser

from mkdocs_scholar.scholar.hidden import CLOSE, OPEN, escape, hide_tags, show, wrap

# What the citation engine makes, and what a bibliography template or a CSL style can put in an entry.
PIECES = {
    "apa entry": (
        '<ol class="bibliography"><li><span id="turing1990">Turing, A., &amp; M\u00fcller, J. (1990). '
        "Learning. <i>TUGboat</i>, <i>21</i>(9), 136&#8211;141. "
        '<a href="https://doi.org/10.1/x--y">https://doi.org/10.1/x--y</a></span></li>\n'
        '<li><span id="b--c">B. <b>Bold</b> <i>x</i> <i>y</i></span></li></ol>'
    ),
    "citation": '<a class="citation" href="#k" id="cite-k-1" data-scholar-preview="">(&#268;apek, 1921)</a>',
    "sub, sup, code": '<span id="k">H<sub>2</sub>O and x<sup>2</sup>, <code>a  b</code></span>',
    "code block": '<pre><code><span class="k">def</span>  f():\n    <span class="n">x</span></code></pre>',
    "not searched": '<span>A</span><span data-search-exclude="true">B <i>C</i></span><span>D</span>',
    "line numbers": '<table><tr><td class="linenodiv"><pre>1\n2</pre></td><td>x <i>y</i></td></tr></table>',
    "image": '<span>A <img src="a.png" alt="an image"> B<br/>C<br></span>',
    "script": '<span>A</span><script>var a = "<b>x</b>";</script><span>B</span>',
    "comment": "<span>A</span><!-- a <b>note</b> --><span>B</span>",
    "quoted >": "<span title=\"a > b\" data-x='c>d'>A</span>",
    "unbalanced": "<li><span><i>A</li><li>B</b></span></li>",
    "whitespace": "<span>A</span>\n<span> </span> <i>B</i>\n\n<i>C</i>",
}


def sections(html: str) -> list[tuple[str, str, str, object]]:
    """What Material's search makes of ``html``: its sections' identifiers, titles, texts and depths."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(repr(s), "".join(s.title), "".join(s.text), s.depth) for s in parser.data]


def reading(html: str) -> tuple[str, int]:
    """What Material's blog counts for the reading time: the text and the images."""
    parser = ReadtimeParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.text), parser.images


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parsed(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


@pytest.mark.parametrize("name", PIECES)
@pytest.mark.parametrize("keep_first", [False, True])
def test_shown_again_a_piece_is_what_it_was(name, keep_first):
    """Hiding is undone to the character (no piece here holds the text ``&#45;``, which ``show`` turns
    into the "-" it means), and each comment is one HTML comment: no "--" in it."""
    piece = PIECES[name]
    hidden = hide_tags(piece, keep_first=keep_first)
    assert show(hidden) == piece
    ours = [c for c in parsed(hidden).comments if c.startswith("scholar-hidden ")]
    assert all("--" not in c.removeprefix("scholar-hidden ").removesuffix(" ") for c in ours), ours


def test_a_page_shown_a_chunk_at_a_time_is_the_same_page():
    """``show`` takes a long page in chunks cut where a comment starts: any chunk size gives the page."""
    page = "".join(f"<p>{name}</p>{piece}\n" for name, piece in PIECES.items())
    hidden = hide_tags(page)
    assert hidden.count("<!--scholar-hidden ") > 30
    assert all(show(hidden, chunk=size) == page for size in (1, 2, 7, 64, 500, 10**6))


@pytest.mark.parametrize("name", [name for name in PIECES if name != "unbalanced"])
def test_the_search_and_the_reading_time_get_what_they_got_from_the_tags(name):
    """Material's search keeps a few tags in its index and skips what some exclude; its blog counts
    words and images: both give the same result for a piece whose other tags are comments, whitespace
    between tags included. (Not for tags left open, as a template could write: the search then carries
    them to the end of the page, and the sections after it nest deeper than they are.)"""
    piece = PIECES[name]
    page = f'<h1 id="t">Title</h1><p>Before.</p>{piece}<h2 id="after">After</h2><p>Text <b>here</b>.</p>'
    hidden = page.replace(piece, hide_tags(piece))
    assert hidden != page or "<" not in piece.replace("<li>", "").replace("<pre>", "")
    assert sections(hidden) == sections(page)
    assert reading(hidden) == reading(page)


def test_a_parser_reads_only_the_tags_it_keeps():
    """The point of it: of an entry, a parser of the page sees its list item and nothing else, and the
    tags next to each other share one comment."""
    hidden = hide_tags(PIECES["apa entry"])
    seen = parsed(hidden)
    assert seen.tags == ["ol", "li", "/li", "li", "/li", "/ol"]
    assert seen.comments[-1] == "scholar-hidden </i></span> "  # the last two tags in one comment
    assert len(seen.comments) == 14


def test_what_excludes_itself_from_the_search_stays_a_tag_with_its_end_tag():
    seen = parsed(hide_tags(PIECES["not searched"]))
    assert seen.tags == ["span", "/span"]  # the middle span; its <i> and the other spans wait


def test_the_first_tag_stays_when_asked():
    seen = parsed(hide_tags('<span class="e">A <i>b</i></span> <i>c</i>', keep_first=True))
    assert seen.tags == ["span", "/span"]
    assert parsed(hide_tags("A <span>b</span>", keep_first=True)).tags == []  # text first: no first tag


def test_a_piece_with_a_heading_is_left_as_it_is():
    """The search ends a heading's section when an element around the heading ends: it must see them."""
    grouped = '<div class="year"><h2 class="bibliography">2020</h2><ol><li><i>A</i></li></ol></div>'
    assert hide_tags(grouped) == grouped


def test_reader_extras_next_to_tags_join_their_comment():
    """Extras that wait already (the reader's DOI link, backlinks, BibTeX block) join the tags next to
    them, and come back with them."""
    extras = wrap(escape(' <span class="scholar-links"><a href="https://x.org/a--b">DOI</a></span>'))
    piece = f'<li><span id="k">A <i>b</i></span>{extras}</li>'
    hidden = hide_tags(piece)
    assert parsed(hidden).comments == [
        'scholar-hidden <span id="k"> ',
        "scholar-hidden <i> ",
        "scholar-hidden </i></span>"
        ' <span class="scholar-links"><a href="https://x.org/a-&#45;b">DOI</a></span> ',
    ]
    assert (
        show(hidden)
        == show(piece)
        == piece.replace(extras, extras[len(OPEN) : -len(CLOSE)].replace("&#45;", "-"))
    )


def test_show_leaves_a_page_without_hidden_html_alone():
    page = "<p>A <!-- a comment --> b</p>"
    assert show(page) is page
    unclosed = "<p>A <!--scholar-hidden b</p>"  # not one of ours: nothing ends it
    assert show(unclosed) == unclosed
    assert show(f"{wrap('<i>')}x{wrap('</i>')} {unclosed}") == f"<i>x</i> {unclosed}"
