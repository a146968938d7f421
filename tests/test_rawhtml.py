"""rawhtml: a bibliography's HTML passes the Markdown step as it is, without being parsed again."""

from __future__ import annotations

import markdown
import pytest

from mkdocs_scholar import rawhtml
from mkdocs_scholar.scholar.hidden import hide_tags, show

LIST = '<ol class="bibliography"><li><span id="k">A *starred* _title_ &amp; more</span></li></ol>'


def convert(text: str, *, extension: bool = True) -> str:
    extensions = ["fenced_code", *([rawhtml.RawHtmlExtension()] if extension else [])]
    return markdown.markdown(text, extensions=extensions)


def test_marked_html_reaches_the_page_unchanged():
    html = convert(f"# Refs\n\n{rawhtml.wrap(LIST)}\n\nAfter *that*.\n")
    assert LIST in html
    assert "<em>that</em>" in html  # the rest of the page is still Markdown
    assert "scholar-html" not in html and "\x02" not in html


def test_several_marked_pieces_and_one_inside_a_paragraph():
    span = '<span id="r">Ref *one*</span>'
    html = convert(f"See {rawhtml.wrap(span)} here.\n\n{rawhtml.wrap(LIST)}\n\n{rawhtml.wrap(LIST)}\n")
    assert f"<p>See {span} here.</p>" in html
    assert html.count(LIST) == 2


def test_without_the_extension_the_marks_are_comments_and_the_html_is_kept():
    html = convert(f"{rawhtml.wrap(LIST)}\n", extension=False)
    assert '<ol class="bibliography">' in html and "<!--scholar-html-->" in html


def test_inside_a_fenced_code_block_the_html_stays_code_text():
    html = convert(f"```html\n{rawhtml.wrap(LIST)}\n```\n\n{rawhtml.wrap(LIST)}\n")
    assert "<code" in html and "&lt;ol class=&quot;bibliography&quot;&gt;" in html
    assert "scholar-html" not in html
    assert html.count(LIST) == 1  # the one outside the fence


def test_a_block_right_below_text_is_a_block_of_its_own():
    """No blank line around the tag: the list still follows the paragraph, list or quote, as Markdown
    puts raw HTML (it was never inside a <p>, an <li> or a <blockquote>)."""
    for above, closing in (("References:", "</p>"), ("- an item", "</ul>"), ("> a quote", "</blockquote>")):
        html = convert(f"{above}\n{rawhtml.wrap(LIST)}\nMore text.\n")
        assert f"{closing}\n{LIST}" in html, html
        assert html.endswith("<p>More text.</p>"), html


def test_code_keeps_the_html_as_text_however_the_code_is_written():
    """A fence in a quote, an indented code block, and a line starting with inline code (no fence)."""
    for text in (
        f"> ```\n> {rawhtml.wrap(LIST)}\n> ```\n",
        f"Code:\n\n    {rawhtml.wrap(LIST)}\n",
    ):
        html = convert(text)
        assert "&lt;ol class=" in html and LIST not in html, html
    html = convert(f"```x``` is code.\n\n{rawhtml.wrap(LIST)}\n\n```\ncode\n```\n")
    assert f"<p><code>x</code> is code.</p>\n{LIST}" in html, html


def test_code_shows_the_characters_the_engine_wrote_as_references():
    """engine.narrow writes an en dash as ``&#8211;`` (the page stays one byte a character); shown as
    code, the HTML has the dash itself again, as it had before narrowing. Latin-1 and the engine's
    private-use marks were never narrowed, and ``&amp;#8211;`` (text that reads "&#8211;") stays."""
    from mkdocs_scholar.scholar.engine import narrow

    made = '<span id="k">\u010capek, K. (1921). R.U.R. 3\u201317 &amp;#8211; Gr\u00fcn \ue102k\ue103</span>'
    narrowed = narrow(made)
    assert narrowed.isascii() is False and max(narrowed) in "\ue102\ue103"  # only the marks stay wide
    assert "&#268;apek" in narrowed and "3&#8211;17" in narrowed and "Gr\u00fcn" in narrowed
    assert rawhtml.widen(narrowed) == made
    html = convert(f"```html\n{rawhtml.wrap(narrow(LIST.replace('more', '3–17')))}\n```\n")
    assert "3–17" in html and "&amp;#8211;" not in html


def test_a_citation_in_an_image_description_or_link_title_stays_an_attribute(tmp_path):
    """Through the whole engine: in an image's alt text or a link's title a citation becomes its text.
    The first stash of citations (eea50a1) put it back as raw HTML there, and the image lost its
    ``src``."""
    from bs4 import BeautifulSoup

    from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
    from mkdocs_scholar.scholar.cache import Store
    from mkdocs_scholar.scholar.settings import ScholarSettings

    (tmp_path / "_bibliography").mkdir()
    (tmp_path / "_bibliography" / "references.bib").write_text(
        "@book{doe2020, author = {Doe, Jane}, title = {Sorting}, year = {2020}}\n", encoding="utf-8"
    )
    settings, _ = ScholarSettings.from_mapping({})
    build = BuildState(SiteFacts(root=tmp_path), settings, store=Store(None), stash_html=True)
    text = (
        "![Figure from {% cite doe2020 %}](fig.png)\n\n"
        '[a link](https://example.org "after {% cite doe2020 %}")\n\n{% bibliography --cited %}\n'
    )
    page = render_page(text, PageInput("p.md", "p/"), build).markdown
    soup = BeautifulSoup(convert(page), "html.parser")
    img = soup.find("img")
    assert img["src"] == "fig.png" and "Doe, 2020" in img["alt"], soup
    link = soup.find("a", href="https://example.org")
    assert "Doe, 2020" in link["title"] and link.get_text() == "a link", soup
    assert soup.select("ol.bibliography li") and "scholar-html" not in str(soup)


CITE = '<a class="citation" href="#k" id="cite-k-1">(&#268;apek &amp; Li, 1921)</a>'
SAME_AS_BARE = {
    "paragraph": "See {C} here.",
    "alone": "{C}",
    "line start": "{C} showed it.",
    "emphasis": "*see {C}*",
    "heading": "## On {C} results\n\n[TOC]",
    "table": "| a | b |\n|---|---|\n| {C} | x |",
    "list paragraph": "- item\n\n    continued {C}",
    "quote": "> a {C}\n>\n> b",
}


@pytest.mark.parametrize("hidden", [False, True], ids=["tags", "hidden tags"])
@pytest.mark.parametrize("name", SAME_AS_BARE)
def test_a_marked_citation_gives_the_html_the_bare_one_gives(name, hidden):
    """Stashed, a citation is no longer read by Markdown's inline patterns; the page is the same. With
    its tags in comments (the plugin's pages, scholar/hidden.py) it is the same once they are shown: a
    citation alone in its paragraph stays in the paragraph, though Markdown takes a piece starting with
    a comment for a block."""
    text = SAME_AS_BARE[name]
    extensions = ["toc", "tables", "fenced_code"]
    bare = markdown.Markdown(extensions=extensions).convert(text.replace("{C}", CITE))
    marked = markdown.Markdown(extensions=[*extensions, rawhtml.RawHtmlExtension()])
    piece = hide_tags(CITE) if hidden else CITE
    assert piece.startswith("<!--") is hidden
    assert show(marked.convert(text.replace("{C}", rawhtml.wrap(piece, inline=True)))) == bare


@pytest.mark.parametrize("piece", ['<div class="cite"><i>A</i></div>', '<span class="cite"><i>A</i></span>'])
def test_a_citation_with_hidden_tags_alone_in_a_paragraph_is_what_it_was(piece):
    """A citation template may write a block (a div): alone in its paragraph it then stands without the
    paragraph, as Markdown puts raw HTML of a block; an inline one stays in it. Hidden, the same."""
    text = "Above.\n\n{P}\n\nBelow {P} *here*.\n"
    plain = convert(text.replace("{P}", rawhtml.wrap(piece, inline=True)))
    hidden = convert(text.replace("{P}", rawhtml.wrap(hide_tags(piece), inline=True)))
    assert "scholar-hidden" in hidden and show(hidden) == plain
    assert ("<p><div" not in plain) and (("<p><span" in plain) is ("span" in piece))


@pytest.mark.parametrize(
    "piece",
    [LIST, '<span class="entry">A <i>b</i></span>', '<div class="entries"><span>A <i>b</i></span></div>'],
)
def test_a_marked_list_with_hidden_tags_is_the_same_block_once_shown(piece):
    """A bibliography's first tag stays a tag (``keep_first``): Markdown tells from it whether a piece
    alone in a paragraph is a block (a list, a div) or goes in the paragraph (a span)."""
    text = "Above.\n\n{P}\n\nBelow {P} *here*.\n"
    plain = convert(text.replace("{P}", rawhtml.wrap(piece)))
    hidden = convert(text.replace("{P}", rawhtml.wrap(hide_tags(piece, keep_first=True))))
    assert "scholar-hidden" in hidden and show(hidden) == plain


@pytest.mark.parametrize(
    "text",
    [
        "![Figure from {C}](fig.png)",
        '[x](https://example.org "after {C}")',
        '[x][r]\n\n[r]: https://example.org "after {C}"',
    ],
)
@pytest.mark.parametrize("hidden", [False, True], ids=["tags", "hidden tags"])
def test_a_citation_in_an_attribute_becomes_its_text(text, hidden):
    """An image's alt text or a link's title holds the citation's text (Markdown gave the escaped HTML
    source; a stash placeholder put back there would have been raw HTML inside the attribute). A citation
    whose tags wait in comments gives the same text, without the comments."""
    html = convert(text.replace("{C}", rawhtml.wrap(hide_tags(CITE) if hidden else CITE, inline=True)))
    assert "(&#268;apek &amp; Li, 1921)" in html and "<a class" not in html and "\x02" not in html, html
    assert html.count("<") == html.count(">") and "scholar-hidden" not in html


@pytest.mark.parametrize(
    "text",
    [
        "Text `a {C}` after.",
        "# Notes on `tick\nText `{C}`",  # a backtick left open in a heading opens nothing below it
        "- item `tick\n- `{C}`",
        "> a `x\n>\n> b `{C}`",
        ">     code {C}",  # indented code in a quote
        "Code:\n\n    x = 1 {C}",
        "```\n{C}\n```",
    ],
)
@pytest.mark.parametrize("hidden", [False, True], ids=["tags", "hidden tags"])
def test_a_citation_in_code_shows_its_html_as_text(text, hidden):
    """As Markdown and Jekyll show HTML written in code, with the characters themselves (not the
    ``&#268;`` the engine writes). A citation whose tags wait in comments shows its tags, not them."""
    html = convert(text.replace("{C}", rawhtml.wrap(hide_tags(CITE) if hidden else CITE, inline=True)))
    assert "<a class" not in html and "\x02" not in html and "scholar-inline" not in html, html
    assert "&lt;a class=" in html and "Čapek" in html and "scholar-hidden" not in html, html


@pytest.mark.parametrize(
    ("extensions", "text"),
    [
        (["pymdownx.inlinehilite"], "A `x {C}` b"),
        (["pymdownx.highlight", "pymdownx.inlinehilite"], "See `x {C}` here."),
        (["pymdownx.highlight"], "Code:\n\n    x = 1 {C}"),
        (["codehilite"], "Code:\n\n    x = 1 {C}"),
        (["pymdownx.superfences", "pymdownx.highlight"], "```python\nx = 1 {C}\n```"),
    ],
)
def test_code_that_an_extension_stashes_still_shows_the_citation_as_text(extensions, text):
    """pymdownx.highlight, inlinehilite and codehilite stash the code they finish, with the citation's
    placeholder inside: where their own placeholder stands (in <code>) decides, as in the page."""
    md = markdown.Markdown(extensions=[*extensions, rawhtml.RawHtmlExtension()])
    html = md.convert(f"See {{C}} first.\n\n{text}".replace("{C}", rawhtml.wrap(CITE, inline=True)))
    assert html.count("<a class") == 1 and "\x02" not in html, html  # the one outside code
    assert "&lt;a class=" in html or "&lt;</span><span" in html, html


def test_marked_pieces_are_found_as_their_marks_pair_up():
    """Each opening mark takes the next closing mark of its own kind; one never closed is text; a comment
    that only starts like a mark (the hidden tags' ``<!--scholar-hidden``) is text."""
    o, c, oi, ci = rawhtml.OPEN, rawhtml.CLOSE, rawhtml.OPEN_INLINE, rawhtml.CLOSE_INLINE
    text = f"a{o}x\ny{c} b{oi}c{ci} {o}never closed {oi}<!--scholar-hidden <i> -->{oi}z{ci}{o}p{ci}{c}"
    found = [(inline, piece) for _, _, inline, piece in rawhtml._marked(text)]
    assert found == [
        (False, "x\ny"),
        (True, "c"),
        (False, f"never closed {oi}<!--scholar-hidden <i> -->{oi}z{ci}{o}p{ci}"),
    ]
    spans = [text[start:end] for start, end, _, _ in rawhtml._marked(text)]
    assert spans[0] == f"{o}x\ny{c}" and spans[1] == f"{oi}c{ci}" and text.endswith(spans[2])
    assert list(rawhtml._marked(f"{oi}never closed {o}")) == []
    assert [p for *_, p in rawhtml._marked(f"{oi}open {oi}inner{ci}")] == [f"open {oi}inner"]
