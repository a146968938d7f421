"""rawhtml: a bibliography's HTML passes the Markdown step as it is, without being parsed again."""

from __future__ import annotations

import markdown

from mkdocs_scholar import rawhtml

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


CITE = '<a class="citation" href="#k" id="cite-k-1">(Wang *and* Li, 1979)</a>'


def test_a_citation_stays_in_its_line_and_markdown_does_not_read_it():
    """Marked inline, a citation is stashed as it is (its ``*`` is no emphasis: the engine escapes
    Markdown's characters in what it writes) and stays in its paragraph, at the start of a line too,
    in emphasis, a table cell or a heading (whose id and table of contents entry are the text's)."""
    cite = rawhtml.wrap(CITE, inline=True)
    html = convert(f"{cite} showed it, with `code`.\n\nSee *{cite}*.\n")
    assert f"<p>{CITE} showed it, with <code>code</code>.</p>" in html, html
    assert f"<p>See <em>{CITE}</em>.</p>" in html, html
    md = markdown.Markdown(extensions=["toc", "tables", rawhtml.RawHtmlExtension()])
    html = md.convert(f"## On {cite} results\n\n| a | b |\n|---|---|\n| {cite} | x |\n")
    assert f'<h2 id="on-wang-and-li-1979-results">On {CITE} results</h2>' in html, html
    assert f"<td>{CITE}</td>" in html
    assert md.toc_tokens[0]["name"] == "On (Wang *and* Li, 1979) results"


def test_a_citation_in_inline_code_is_left_to_markdown_which_shows_it_as_text():
    """As Jekyll shows it (Liquid runs first, kramdown then shows the HTML in the code span). Code spans
    follow CommonMark: a run of backticks closes with a run as long; one that never closes leaves the
    rest of its paragraph to Markdown."""
    cite = rawhtml.wrap(CITE, inline=True)
    html = convert(f"Text `a {cite}` after.\n\nAnd `` a ` {cite} `` then {cite}.\n")
    assert html.count("<code>") == 2 and html.count("&lt;a class=&quot;citation&quot;") == 0, html
    assert html.count('&lt;a class="citation"') == 2 and html.count(CITE) == 1, html
    html = convert(f"Text \\`not code {cite} and `unclosed {cite}.\n\nNext `x` {cite}\n")
    assert html.count(CITE) == 2, html  # the escaped backtick and the next paragraph: stashed
    assert "(Wang <em>and</em> Li, 1979)" in html  # after the unclosed run: Markdown read it
    assert "scholar-inline" not in html


def test_a_citation_in_an_indented_line_is_left_to_markdown():
    """A list item's second paragraph or an indented code block: Markdown tells which."""
    cite = rawhtml.wrap(CITE, inline=True)
    html = convert(f"- item\n\n    continued {cite}\n\nCode:\n\n    x = 1  {cite}\n")
    assert "<p>continued <a " in html and "(Wang <em>and</em> Li, 1979)" in html, html
    assert '<pre><code>x = 1  &lt;a class="citation"' in html, html


def test_a_backtick_inside_a_marked_piece_opens_no_code_span():
    """A title may hold a backtick; it is the engine's HTML, not the page's Markdown."""
    odd = '<a class="citation" href="#q">(`Quoted, 2001)</a>'
    html = convert(f"See {rawhtml.wrap(odd, inline=True)} and {rawhtml.wrap(CITE, inline=True)}.\n")
    assert f"<p>See {odd} and {CITE}.</p>" in html, html
