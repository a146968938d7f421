"""Real .bib files through a real `mkdocs build`: every entry listed under its key, as TeX would print it.

The fixture site (tests/sites/realbib) lists biblatex's example database and excerpts of two of Nelson
Beebe's bibliographies (their headers say where they come from; excerpt.py cut them), each with
`{% bibliography %}` or `{% bibliography --file … %}`, plus a hand-made file of broken entries. It is
built once in APA and once in IEEE. Every expectation below is read off the .bib source (tests/bibtext.py
reads it without the plugin) or derived from what TeX prints for it, as each comment says; none is
copied from our own output.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tests.bibtext import MONTHS, RawBib, field_lines, leftover_latex, macro_uses, read_bib
from tests.conftest import SITES, Build, copy_site, run_mkdocs

SITE = SITES / "realbib"
BIBS = SITE / "_bibliography"
# page -> the .bib file its {% bibliography %} lists in full
PAGES = {
    "examples": "biblatex-examples.bib",
    "tugboat": "tugboat-sample.bib",
    "typeset": "typeset-sample.bib",
    "broken": "broken.bib",
}


@pytest.fixture(scope="module", params=["apa", "ieee"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = copy_site(SITE, tmp_path_factory.mktemp(request.param) / "src", scholar={"style": request.param})
    build = run_mkdocs(root, strict=False)  # the broken entries warn, by design
    build.style = request.param  # type: ignore[attr-defined]
    return build


@pytest.fixture(scope="module")
def raw() -> dict[str, RawBib]:
    return {name: read_bib(BIBS / name) for name in PAGES.values()}


def _page(build: Build, name: str) -> BeautifulSoup:
    return build.page(f"{name}/index.html")


def _entries(soup: BeautifulSoup) -> list:
    return soup.select("ol.bibliography > li")


def _entry(build: Build, page: str, key: str):
    span = _page(build, page).find(attrs={"id": key})
    assert span is not None, f"no element with id {key!r} on {page}"
    return span


def _text(element) -> str:
    # collapse the HTML's own line breaks and spaces, not the thin or no-break spaces TeX printed
    return re.sub(r"[ \t\r\n]+", " ", element.get_text()).strip()


# -- the build -----------------------------------------------------------------------------------------
def test_the_site_builds_with_warnings_and_no_traceback(built: Build) -> None:
    assert built.returncode == 0, built.log
    assert "Traceback" not in built.log


# -- every entry, under its key --------------------------------------------------------------------------
@pytest.mark.parametrize("page", list(PAGES))
def test_every_entry_is_listed_once_with_its_key_as_written(
    built: Build, raw: dict[str, RawBib], page: str
) -> None:
    # sort_by is "none" (jekyll-scholar's default): the file's order; a duplicate key lists its first entry
    ids = [li.find(attrs={"id": True})["id"] for li in _entries(_page(built, page))]
    assert ids == raw[PAGES[page]].keys()


@pytest.mark.parametrize("page", list(PAGES))
def test_ids_are_unique_and_valid_on_every_page(built: Build, page: str) -> None:
    ids = [el["id"] for el in _page(built, page).find_all(attrs={"id": True})]
    assert len(ids) == len(set(ids))
    assert all(ids) and not any(re.search(r"\s", i) for i in ids)  # HTML: non-empty, no whitespace


def test_keys_with_colons_and_slashes_are_ids_and_link_targets(built: Build) -> None:
    soup = _page(built, "cites")
    for key in ("knuth:ct:a", "knuth:ct:b", "averroes/hannes"):
        link = soup.find("a", class_="citation", href=f"#{key}")
        assert link is not None, key
        assert soup.find(attrs={"id": key}) is not None, key  # the link's target is on the page


# -- no LaTeX left -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", list(PAGES))
def test_no_latex_is_left_outside_math(built: Build, raw: dict[str, RawBib], page: str) -> None:
    bib = raw[PAGES[page]]
    problems = {}
    for li in _entries(_page(built, page)):
        entry = li.find(attrs={"id": True})  # the entry itself, not the reader's BibTeX block after it
        found = leftover_latex(entry, bib.context(entry["id"]))
        if found:
            problems[entry["id"]] = found
    assert problems == {}


# -- named entries, as TeX prints them -------------------------------------------------------------------
NAMED = [
    # (page, key, {style: fragment} or fragment for both): each fragment derived from the source
    # title = {The {\TeX book}}: a control word swallows the space after it; the braces only protect case
    ("examples", "knuth:ct:a", "The TeXbook"),
    # Aks{\i}n, {\"O}zge: \i is the dotless i, \" the umlaut; APA and IEEE abbreviate the given name
    ("examples", "aksin", {"apa": "Aksın, Ö.", "ieee": "Ö. Aksın"}),
    # {\c{C}}etinkaya: \c is the cedilla (IEEE shows the first author only: seven make it "et al.")
    ("examples", "aksin", {"apa": "Çetinkaya"}),
    # \mkbibquote{Intention} und \mkbibquote{Intentionalit{\"a}t}: biblatex's quotes (American English)
    ("examples", "spiegelberg", "\u201cIntention\u201d und \u201cIntentionalität\u201d in der Scholastik"),
    # methodology\hyphen independent: \hyphen is a hyphen (that allows breaking after it)
    ("examples", "kastenholz", "methodology-independent ionic solvation"),
    # subtitle = {{I}. {The} electrostatic …}: biblatex joins title and subtitle with ". " after a colon
    ("examples", "kastenholz", "simulations: I. The electrostatic potential"),
    # date = {1984/1986}: a range, printed with an en dash
    ("examples", "knuth:ct", "1984\u20131986"),
    # date = {1991-03}: March 1991 (IEEE prints the month, APA only the year for an article)
    ("examples", "shore", {"apa": "(1991)", "ieee": "Mar. 1991"}),
    # author = {van Gennep, Arnold}: "van" is the von part, printed before the family name
    ("examples", "vangennep", {"apa": "van Gennep, A.", "ieee": "A. van Gennep"}),
    # author = {{\NTG{} {\TeX} future working group}}: the braces make one corporate name
    ("tugboat", "NTGTFWG:TB19-3-330", "NTG TeX future working group"),
    # {\Dash} (tugboat.def): \unskip\thinspace---\thinspace, an em dash between thin spaces
    ("tugboat", "Anonymous:TB4-1-4", "Library subscriptions\u2009\u2014\u2009What are they?"),
    # \{{Meta\} Font Forum redux}: \{ and \} print braces
    ("tugboat", "Hoenig:TB15-2-97", "{Meta} Font Forum redux"),
    # {\cs{starttext}: Practical \ConTeXt}: \cs prints the control sequence; \ConTeXt is the logo
    ("tugboat", "Peter:TB25-2-128", "\\starttext: Practical ConTeXt"),
    # Katalin Fried and others: biblatex prints "et al." for "and others"
    ("tugboat", "Fried:TB27-1-13", {"apa": "Fried, K., et al.", "ieee": "K. Fried et al."}),
    # a duplicate key: the first entry is the one listed
    ("broken", "after:break", "The LaTeX Companion"),
    # the entry after all the breakage still renders
    ("broken", "last:entry", "Still here at the end"),
]


@pytest.mark.parametrize(("page", "key", "expected"), NAMED, ids=[f"{p}-{k}" for p, k, _ in NAMED])
def test_named_entries_read_as_tex_prints_them(built: Build, page: str, key: str, expected) -> None:
    style = built.style  # type: ignore[attr-defined]
    if isinstance(expected, dict) and style not in expected:
        pytest.skip(f"nothing to check in {style}")
    fragment = expected if isinstance(expected, str) else expected[style]
    assert fragment in _text(_entry(built, page, key))


def test_identifiers_become_links(built: Build) -> None:
    # eprint = {math/0307200v3}, eprinttype = {arxiv}: biblatex's arXiv handler links arxiv.org/abs/<eprint>
    baez = _entry(built, "examples", "baez/article")
    assert baez.find("a", href="https://arxiv.org/abs/math/0307200v3") is not None
    # doi = {10.1063/1.2172593}
    assert _entry(built, "examples", "kastenholz").find("a", href="https://doi.org/10.1063/1.2172593")


def test_math_in_a_title_is_kept_for_mathjax(built: Build) -> None:
    # title = {{$ \varepsilon $-{\TeX} \& {\NTS}: A progress report}}: the math is TeX for MathJax, in the
    # element the plugin's MathJax loader typesets; \& prints "&", \NTS is the logo NTS
    entry = _entry(built, "tugboat", "Taylor:TB15-3-353")
    math = entry.select(".arithmatex")
    assert [m.get_text() for m in math] == ["\\( \\varepsilon \\)"]
    assert "-TeX & NTS: A progress report" in _text(entry)
    # the page did not ask for math (no use_math), yet MathJax's loader is there for the title's math
    scripts = [s.get("src", "") for s in _page(built, "tugboat").find_all("script")]
    assert any(s.endswith("mathjax-loader.js") for s in scripts)


def test_control_sequences_print_in_typewriter_type(built: Build) -> None:
    # Don't just \macro{let} {\TeX} hang, \macro{raise} or \macro{lower} it: each \macro{x} prints \x
    # (in typewriter type, as TUGboat sets it); ' is TeX's right quote
    entry = _entry(built, "tugboat", "Beeton:TB2-3-35")
    assert [c.get_text() for c in entry.find_all("code")] == ["\\let", "\\raise", "\\lower"]
    assert "Don\u2019t just \\let TeX hang, \\raise or \\lower it" in _text(entry)


def test_case_protection_survives_a_title_casing_style(built: Build) -> None:
    # The page sets style: chicago-author-date, which title-cases English titles (citeproc-py: every
    # lower-case word but the stop words "a", "or" …). A control sequence's name is protected: \macro's
    # argument is a brace group, which BibTeX never changes, and \strut is not \Strut.
    soup = _page(built, "titlecase")
    strut = _text(soup.find(attrs={"id": "Beeton:TB4-1-35"}))
    assert "\u201cHow to Build a \\strut\u201d" in strut
    let = _text(soup.find(attrs={"id": "Beeton:TB2-3-35"}))
    assert "Don\u2019t Just \\let TeX Hang, \\raise or \\lower It" in let
    # title = "{Line breaking in \macro{unhbox}ed text}": the whole title is braced, so nothing changes
    assert "Line breaking in \\unhboxed text" in _text(soup.find(attrs={"id": "Downes:TB11-4-605"}))
    # {Pd-N} and {Mizoroki-Heck} are braced: their words keep their case; the words around them do not
    aksin = _text(soup.find(attrs={"id": "aksin"}))
    assert "Effect of Immobilization on Catalytic Characteristics of Saturated Pd-N-heterocyclic" in aksin
    assert "in Mizoroki-Heck Reactions" in aksin


def test_references_inside_markdown_text_keep_their_math_and_code(built: Build) -> None:
    # {% reference %} in a list item: Markdown reads the text around it (and arithmatex runs: the page
    # has use_math), yet the entry's math, backslashes and code reach the page unchanged, once
    soup = _page(built, "cites")
    items = soup.select("article ul > li")
    taylor = next(li for li in items if li.find(attrs={"id": "Taylor:TB15-3-353"}))
    taylor = taylor.find(attrs={"id": "Taylor:TB15-3-353"})  # the entry, not the BibTeX block after it
    assert [m.get_text() for m in taylor.select(".arithmatex")] == ["\\( \\varepsilon \\)"]
    peter = next(li for li in items if li.find(attrs={"id": "Peter:TB25-2-128"}))
    peter = peter.find(attrs={"id": "Peter:TB25-2-128"})
    assert [c.get_text() for c in peter.find_all("code")] == ["\\starttext"]


def test_angle_brackets_from_the_bib_are_text_not_markup(built: Build) -> None:
    # doi = {10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P}: the "<377::AID-JCC1>" is part
    # of the DOI and must print as such, not become an element
    entry = _entry(built, "examples", "sigfridsson")
    assert "19:4<377::AID-JCC1>3.0.CO;2-P" in _text(entry)
    assert all(tag.name in ("span", "i", "a", "b") for tag in entry.find_all(True))


def test_markup_written_in_a_field_is_text(built: Build) -> None:
    # hand-made: title = {Markup <script>alert("written in a field")</script> & an <i>ampersand</i>}; TeX
    # prints "<" and ">" as characters (and a bare "&" is an error we forgive): no field makes markup
    entry = _entry(built, "broken", "html:in:fields")
    assert 'Markup <script>alert("written in a field")</script> & an <i>ampersand</i>' in _text(entry)
    assert "<b>Bold</b>" in _text(entry)
    assert entry.find(["script", "b"]) is None
    assert not [i for i in entry.find_all("i") if "ampersand" in i.get_text() and i.get_text() == "ampersand"]


def test_a_set_lists_its_members(built: Build) -> None:
    # @set{stdmodel, entryset = {glashow,weinberg,salam}}: biblatex prints the three, separated by ";"
    text = _text(_entry(built, "examples", "stdmodel"))
    assert text.count(";") >= 2
    for title in (
        "Partial Symmetries of Weak Interactions",
        "A Model of Leptons",
        "Weak and Electromagnetic",
    ):
        assert title in text


def test_and_others_cites_with_et_al(built: Build) -> None:
    if built.style != "apa":  # type: ignore[attr-defined]
        pytest.skip("IEEE cites by number")
    # author = "Katalin Fried and others", year 2006: APA's in-text form of a list with "and others"
    assert _text(_page(built, "cites").find("a", href="#Fried:TB27-1-13")) == "(Fried et al., 2006)"


# -- warnings --------------------------------------------------------------------------------------------
def _expected_warnings(raw: dict[str, RawBib]) -> list[tuple[str, int, str, str]]:
    """(file, line, key, phrase) of every warning the .bib files call for, read off the files."""
    out = []
    lines = (BIBS / "broken.bib").read_text(encoding="utf-8").splitlines()

    def line_of(text: str, nth: int = 1) -> int:
        return [i for i, line in enumerate(lines, 1) if line.strip() == text][nth - 1]

    # pybtex stops at the token where it wanted a comma: the field after the one missing its comma
    out.append(
        ("broken.bib", line_of("title = {A missing comma before this field},"), "syntax/error", "syntax")
    )
    out.append(("broken.bib", line_of("@book{after:break,", 2), "after:break", "duplicate key"))
    out.append(("broken.bib", line_of("title = {The second title},"), "dup:field", "'title' more than once"))
    out.append(("broken.bib", line_of("@misc{unknown:macro,"), "unknown:macro", "\\gizmo"))
    out.append(("broken.bib", line_of("@misc{unknown:macro,"), "unknown:macro", "\\gadget"))
    out.append(("broken.bib", line_of("@gadget{unknown:type,"), "unknown:type", "@gadget"))
    # Beebe's entries that give a field twice: the warning names the second
    for entry in raw["tugboat-sample.bib"].entries:
        seen: set[str] = set()
        for name, line in field_lines(entry):
            if name in seen:
                out.append(("tugboat-sample.bib", line, entry.key, f"'{name}' more than once"))
            seen.add(name)
    # @string macros used but never defined (BibTeX's month names are predefined): one warning per
    # macro, at its first use
    typeset = raw["typeset-sample.bib"]
    first: dict[str, tuple[int, str]] = {}
    for entry in typeset.entries:
        for offset, text in enumerate(entry.source.splitlines()):
            for name in macro_uses(text):
                if name not in typeset.strings and name not in MONTHS and name not in first:
                    first[name] = (entry.line + offset, entry.key)
    out += [("typeset-sample.bib", line, key, f"macro '{name}'") for name, (line, key) in first.items()]
    return out


def test_broken_data_warns_with_file_line_and_key(built: Build, raw: dict[str, RawBib]) -> None:
    warnings = [w for w in built.warnings if "mkdocs_scholar" in w]
    expected = _expected_warnings(raw)
    assert len(expected) > 15  # the typeset excerpt alone leaves about a dozen macros undefined
    for file, line, key, phrase in expected:
        hits = [
            w for w in warnings if f"_bibliography/{file}:{line}: " in w and f"'{key}'" in w and phrase in w
        ]
        assert len(hits) == 1, (file, line, key, phrase, warnings)
    # nothing else: each problem is said once per build, not once per page or per entry
    assert len(warnings) == len(expected), warnings
    assert len(built.warnings) == len(warnings)
