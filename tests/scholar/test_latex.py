"""LaTeX field text -> rich text: what TeX would print, with markers for case protection and fonts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_scholar.scholar.latex import (
    BOLD_CLOSE,
    BOLD_OPEN,
    CODE_CLOSE,
    CODE_OPEN,
    ITALIC_CLOSE,
    ITALIC_OPEN,
    MARKERS,
    MATH_CLOSE,
    MATH_OPEN,
    NOCASE_CLOSE,
    NOCASE_OPEN,
    SMALLCAPS_CLOSE,
    SMALLCAPS_OPEN,
    SUB_CLOSE,
    SUB_OPEN,
    SUP_CLOSE,
    SUP_OPEN,
    latex_to_rich,
    latex_to_rich_report,
    rich_to_html,
    rich_to_plain,
    unknown_macros,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bib"
DATA = Path(__file__).resolve().parent / "data"

N, n = NOCASE_OPEN, NOCASE_CLOSE
M, m = MATH_OPEN, MATH_CLOSE


@pytest.mark.parametrize(
    ("latex", "printed"),
    [
        # accents and special letters: the glyph TeX composes
        (r"{\"O}zge", "Özge"),
        (r"\'e", "é"),
        (r"Aks{\i}n", "Aksın"),  # \i is the dotless i
        (r"Bronis{\l}aw", "Bronisław"),
        (r"{\ss}", "ß"),
        (r"{\aa}", "å"),
        (r"{\O}", "Ø"),
        (r"{\~n}", "ñ"),
        (r"\c{c}", "ç"),
        (r"\c{C}etinkaya", "Çetinkaya"),
        (r"\'{E}cole", "École"),
        (r"{\"\i}", "ï"),
        (r"Dezs{\H{o}}", "Dezső"),
        (r"R{\r{u}}{\v{z}}i{\v{c}}ka", "Růžička"),
        # logos
        (r"\TeX", "TeX"),
        (r"\LaTeX", "LaTeX"),
        (r"\LaTeXe", "LaTeX2ε"),
        (r"\BibTeX", "BibTeX"),
        (r"\METAFONT", "METAFONT"),
        (r"\MF", "METAFONT"),
        (r"\MP", "METAPOST"),
        (r"\AmS", "AMS"),
        (r"\XeTeX", "XeTeX"),
        (r"\ConTeXt", "ConTeXt"),
        (r"\eTeX", "ε-TeX"),
        (r"\PiCTeX", "PiCTeX"),
        (r"\AMSTeX", "AMS-TeX"),
        (r"\LuaTeX", "LuaTeX"),
        (r"\pdfTeX", "pdfTeX"),
        # TeX swallows the space after a control word; "\ " and "{}" are how authors keep one
        (r"\TeX\ users", "TeX users"),
        (r"\TeX{} users", "TeX users"),
        (r"\LaTeX and", "LaTeXand"),
        # biblatex macros
        (r"\mkbibquote{x}", "\u201cx\u201d"),
        (r"\enquote{x}", "\u201cx\u201d"),
        (r"\enquote*{x}", "\u201cx\u201d"),
        (r"Pd\hyphen N", "Pd-N"),
        (r"\autocap{x}", "x"),
        (r"a\textendash b", "a\u2013b"),
        (r"a\textemdash b", "a\u2014b"),
        (r"\url{http://x.org/a_b~c%20}", "http://x.org/a_b~c%20"),  # \url prints its argument verbatim
        (r"\href{http://x.org}{the text}", "the text"),
        (r"see \cite{knuth:ct}", "see [knuth:ct]"),
        (r"see \textcite{knuth:ct}", "see [knuth:ct]"),
        # text ligatures and escaped specials
        (r"A \& B", "A & B"),
        ("a~b", "a\u00a0b"),
        ("1--2", "1\u20132"),
        ("a---b", "a\u2014b"),
        ("``quoted''", "\u201cquoted\u201d"),
        ("Editor's", "Editor\u2019s"),
        (r"50\% \$5 a\_b \#1", "50% $5 a_b #1"),
        # TUGboat's own macros (tugboat.def): \Dash is a thin-spaced em dash eating the spaces around it
        (r"subscriptions{\Dash}What are they?", "subscriptions\u2009\u2014\u2009What are they?"),
        (r"\TUB\ issue", "TUGboat issue"),
        (r"\nth{21} Annual", "21st Annual"),
        (r"\acro{DVI} driver", "DVI driver"),
        (r"Hello % a comment", "Hello"),  # % starts a TeX comment
        (r"DVIto\kern-.15em VDU", "DVItoVDU"),  # \kern takes a dimension, prints nothing
        # TeX collapses runs of spaces and newlines
        ("a  \n   b", "a b"),
    ],
)
def test_prints_what_tex_prints(latex: str, printed: str) -> None:
    assert rich_to_plain(latex_to_rich(latex)) == printed


def test_tex_book_is_one_word() -> None:
    # {\TeX book}: the space after \TeX is swallowed, and the braces (a group with text) protect case
    assert latex_to_rich(r"The {\TeX book}") == f"The {N}TeXbook{n}"


def test_braces_protect_case_but_accent_groups_only_decode() -> None:
    assert latex_to_rich("{GAN}s are {DNA}") == f"{N}GAN{n}s are {N}DNA{n}"
    assert latex_to_rich(r"{\"O}zge") == "Özge"
    assert latex_to_rich(r"saturated {Pd-N}-heterocyclic") == f"saturated {N}Pd-N{n}-heterocyclic"
    # nested braces give one protected span (the formatter does not expect nested ones)
    assert latex_to_rich(r"{{Fixed {Point} glue}}") == f"{N}Fixed Point glue{n}"
    # a macro's argument is a brace group too: BibTeX protects {Nature} in \emph{Nature} from case changes
    assert latex_to_rich(r"\emph{Nature}") == f"{N}{ITALIC_OPEN}Nature{ITALIC_CLOSE}{n}"
    assert latex_to_rich(r"\mkbibquote{Intention} und") == f"\u201c{N}Intention{n}\u201d und"
    # \autocap{e} exists to be capitalised at the start of a sentence: not protected
    assert latex_to_rich(r"\autocap{e}xcerpt in") == "excerpt in"
    # an argument of one character (an accent's, \mbox{-}) protects nothing
    assert latex_to_rich(r"a\mbox{-}b") == "a-b"


def test_font_commands_and_switches_become_markers() -> None:
    # jekyll-scholar printed "\textbfbold"
    assert rich_to_plain(latex_to_rich(r"\textbf{bold}")) == "bold"
    assert rich_to_html(latex_to_rich(r"\textbf{bold}")) == "<b>bold</b>"
    assert latex_to_rich(r"\textbf{bold}") == f"{N}{BOLD_OPEN}bold{BOLD_CLOSE}{n}"
    assert rich_to_html(latex_to_rich(r"\emph{a}\textit{b}")) == "<i>a</i><i>b</i>"
    assert rich_to_html(latex_to_rich(r"\mkbibemph{x}")) == "<i>x</i>"
    assert latex_to_rich(r"\textsc{Smith}") == f"{N}{SMALLCAPS_OPEN}Smith{SMALLCAPS_CLOSE}{n}"
    assert latex_to_rich(r"4\textsuperscript{th}") == f"4{N}{SUP_OPEN}th{SUP_CLOSE}{n}"
    assert latex_to_rich(r"H\textsubscript{2}O") == f"H{SUB_OPEN}2{SUB_CLOSE}O"
    # typewriter type is code, and protected: it names something
    assert latex_to_rich(r"the \texttt{cweb} tool") == f"the {N}{CODE_OPEN}cweb{CODE_CLOSE}{n} tool"
    assert rich_to_html(latex_to_rich(r"a {\tt verb} b")) == "a <code>verb</code> b"
    # a switch acts on the rest of its group: {\it A} B -> only A is italic
    assert rich_to_html(latex_to_rich(r"x {\it Les Cahiers\/} y")) == "x <i>Les Cahiers</i> y"
    assert rich_to_html(latex_to_rich(r"{\bf 12}(2)")) == "<b>12</b>(2)"
    small_caps = '<span style="font-variant:small-caps;">Xy</span>'
    assert rich_to_html(latex_to_rich(r"a {\sc Xy} b")) == f"a {small_caps} b"
    assert rich_to_html(latex_to_rich(r"{\em x}")) == "<i>x</i>"
    assert rich_to_html(latex_to_rich(r"{\sl x}")) == "<i>x</i>"


def test_math_is_kept_as_tex_source_and_protected() -> None:
    assert latex_to_rich("$x^2$") == f"{N}{M}\\(x^2\\){m}{n}"
    assert latex_to_rich(r"\(a_b\)") == f"{N}{M}\\(a_b\\){m}{n}"
    assert latex_to_rich("$$E=mc^2$$") == f"{N}{M}\\[E=mc^2\\]{m}{n}"
    assert latex_to_rich(r"\[\int f\]") == f"{N}{M}\\[\\int f\\]{m}{n}"
    # inside math nothing is decoded: the braces and macros are MathJax's business
    assert latex_to_rich(r"$\frac{a}{b}$ and \'e") == f"{N}{M}\\(\\frac{{a}}{{b}}\\){m}{n} and é"
    # the math marker becomes the element the MathJax loader typesets
    assert rich_to_html(latex_to_rich("$a<b$")) == '<span class="arithmatex">\\(a&lt;b\\)</span>'
    # \MakeUppercase changes the case of text, never of math
    assert (
        rich_to_html(latex_to_rich(r"\MakeUppercase{ab $x$}")) == 'AB <span class="arithmatex">\\(x\\)</span>'
    )


def test_unknown_macros_keep_their_argument_and_are_reported() -> None:
    text, unknown = latex_to_rich_report(r"\foo{Bar} and \baz text and \textbfbold")
    assert rich_to_plain(text) == "Bar and text and"
    assert unknown == ["foo", "baz", "textbfbold"]
    assert latex_to_rich_report("plain")[1] == []
    # a capitalised macro with no argument is most likely a logo from the author's style file
    assert rich_to_plain(latex_to_rich(r"the \JemTeX{} system")) == "the JemTeX system"


def test_no_stray_braces_or_backslashes() -> None:
    for latex in [r"a } b { c", r"{\em unbalanced", r"x\\y", r"\\", r"{}{}", r"\relax{}"]:
        plain = rich_to_plain(latex_to_rich(latex))
        assert not re.search(r"[{}\\]", plain), (latex, plain)


def test_printed_braces_and_backslashes_stay() -> None:
    # \{ \} print braces and \cs{x} prints "\x" in TeX (TUGboat titles about macros): that is the text
    assert rich_to_plain(latex_to_rich(r"\{{Meta\} Font}")) == "{Meta} Font"
    assert rich_to_plain(latex_to_rich(r"A tutorial on \macro{expandafter}")) == r"A tutorial on \expandafter"
    # ltugboat.cls: \cs{x} is \texttt{\char`\\x}, the name in typewriter type, protected from case changes
    assert (
        latex_to_rich(r"\cs{starttext}: Practical") == f"{N}{CODE_OPEN}\\starttext{CODE_CLOSE}{n}: Practical"
    )


def test_markers_to_html_and_plain() -> None:
    rich = f"{N}A&B{n} <{ITALIC_OPEN}i{ITALIC_CLOSE}>"
    assert rich_to_plain(rich) == "A&B <i>"
    assert rich_to_html(rich) == "A&amp;B &lt;<i>i</i>&gt;"
    # unbalanced markers (text cut by a style) still give well-formed HTML
    assert rich_to_html(f"{ITALIC_OPEN}a{BOLD_OPEN}b") == "<i>a<b>b</b></i>"
    assert rich_to_html(f"a{ITALIC_CLOSE}b") == "ab"
    assert {m.name for m in MARKERS} == {
        "nocase",
        "italic",
        "bold",
        "smallcaps",
        "sup",
        "sub",
        "code",
        "math",
    }


def test_markers_typed_in_the_input_are_dropped() -> None:
    assert latex_to_rich(f"a{ITALIC_OPEN}b") == "ab"


def test_real_titles() -> None:
    # from biblatex-examples.bib and tugboat.bib (copies in tests/scholar/data)
    assert (
        rich_to_plain(
            latex_to_rich(r"\mkbibquote{Intention} und \mkbibquote{Intentionalit{\"a}t} in der Scholastik")
        )
        == "\u201cIntention\u201d und \u201cIntentionalität\u201d in der Scholastik"
    )
    assert rich_to_html(latex_to_rich(r"{David Salomon, {\it The Advanced {\TeX}book}}")) == (
        "David Salomon, <i>The Advanced TeXbook</i>"
    )
    assert latex_to_rich(r"{$ \varepsilon $-{\TeX} \& {\NTS}: A progress report}") == (
        f"{N}{M}\\( \\varepsilon \\){m}-TeX & NTS: A progress report{n}"
    )


def _outside_math(text: str) -> str:
    return re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]|\\begin\{.*?\\end\{[^}]*\}", "", text, flags=re.S)


# raw values where TeX itself prints a backslash or a brace
_PRINTS_BACKSLASH = re.compile(r"\\(?:cs|macro|verb|path|backslash|textbackslash|url)\b")
_PRINTS_BRACE = re.compile(r"\\[{}]|\\(?:lbrace|rbrace|verb|path|url)\b")


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus (../shared/corpus/bib) is not here")
@pytest.mark.parametrize("name", ["biblatex-examples.bib", "tugboat.bib", "typeset.bib"])
def test_corpus_fields_decode_cleanly(name: str) -> None:
    from mkdocs_scholar.scholar.bibtex import load_bib_file

    bib = load_bib_file(CORPUS / name, name)
    checked = 0
    for entry in bib.entries.values():
        for field, value in entry.fields.items():
            if field in ("url", "bibsource", "journal-url", "bibdate", "doi"):
                continue
            plain = _outside_math(rich_to_plain(latex_to_rich(value)))
            checked += 1
            if not _PRINTS_BACKSLASH.search(value):
                assert not re.search(r"\\[A-Za-z@]", plain), (entry.key, field, value, plain)
            if not _PRINTS_BRACE.search(value):
                assert not re.search(r"[{}]", plain), (entry.key, field, value, plain)
    assert checked > 1000 or name == "biblatex-examples.bib"


@pytest.mark.parametrize(
    "latex",
    [r"\href{a}", r"\href", r"\mkbibquote", r"\frac{a}", "$unclosed", r"\[ x", "{", "}", "\\", r"\verb|x"],
)
def test_broken_latex_never_raises_or_logs(latex: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING"):
        plain = rich_to_plain(latex_to_rich(latex))
    assert caplog.records == []
    assert "%s" not in plain


def test_unclosed_math_keeps_its_text() -> None:
    # TeX would complain; we keep every character rather than cut one off
    assert latex_to_rich("$unclosed math") == f"{N}{M}\\(unclosed math\\){m}{n}"


def test_unknown_macro_scan_skips_math_verbatim_and_escapes() -> None:
    assert unknown_macros(r"\foo{x} $\alpha$ \(\beta\) \url{a\b} \verb|\c| 50\% \\ \$ \emph{y} % \gone") == [
        "foo"
    ]
    assert unknown_macros(r"\zork \foo \zork") == ["zork", "foo"]  # once each, in order
    assert unknown_macros("no macros") == []


SAMPLES = Path(__file__).resolve().parents[1] / "sites" / "realbib" / "_bibliography"
_SCANNED = sorted(SAMPLES.glob("*.bib")) + (sorted(CORPUS.glob("*.bib")) if CORPUS.exists() else [])


@pytest.mark.parametrize("path", _SCANNED, ids=[f"{p.parent.name}/{p.name}" for p in _SCANNED])
def test_the_unknown_macro_scan_agrees_with_the_converter(path: Path) -> None:
    # the build reports unknown macros from the cheap scan, the formatter meets them in the converter:
    # both must name the same macros, or a warning would be missing or wrong
    from mkdocs_scholar.scholar.bibtex import load_bib_file

    for entry in load_bib_file(path).entries.values():
        for field, value in entry.fields.items():
            if field in ("url", "doi", "bibsource", "journal-url"):
                continue
            converted = [u for u in latex_to_rich_report(value)[1] if u != "(unparseable LaTeX)"]
            assert unknown_macros(value) == converted, (entry.key, field, value)
