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
