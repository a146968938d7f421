"""BibEntry -> CSL-JSON items: types, fields, names and dates as biblatex/BibTeX mean them."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import pytest

from mkdocs_scholar.scholar.bibtex import BibFile, load_bib_file, parse_bib_text
from mkdocs_scholar.scholar.csl_json import TYPE_MAP, check_bib, entry_to_csl, parse_date, parse_name
from mkdocs_scholar.scholar.latex import (
    ET_AL,
    ITALIC_CLOSE,
    ITALIC_OPEN,
    MATH_CLOSE,
    MATH_OPEN,
    NOCASE_CLOSE,
    NOCASE_OPEN,
    rich_to_plain,
)

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bib"
SEED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "references.bib"


def _item(bib_text: str, key: str | None = None) -> dict:
    bib = parse_bib_text(bib_text, "x.bib")
    entry = bib.entries[key] if key else next(iter(bib.entries.values()))
    return entry_to_csl(entry)


@pytest.fixture(scope="module")
def examples() -> dict[str, dict]:
    bib = load_bib_file(DATA / "biblatex-examples-excerpt.bib")
    return {key: entry_to_csl(entry) for key, entry in bib.entries.items()}


@pytest.mark.skipif(not SEED.exists(), reason="the shared reference folder (../shared/reference) is not here")
def test_seed_references() -> None:
    bib = load_bib_file(SEED)
    finn = entry_to_csl(bib.entries["finnModelAgnosticMetaLearning2017"])
    # every value read off references.bib: booktitle is the container of a conference paper,
    # series the collection, "1126--1135" a page range CSL will print with an en dash
    assert finn == {
        "id": "finnModelAgnosticMetaLearning2017",
        "type": "paper-conference",
        "author": [
            {"family": "Finn", "given": "Chelsea"},
            {"family": "Abbeel", "given": "Pieter"},
            {"family": "Levine", "given": "Sergey"},
        ],
        "title": "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
        "container-title": "Proceedings of the 34th International Conference on Machine Learning",
        "collection-title": "Proceedings of Machine Learning Research",
        "volume": "70",
        "page": "1126-1135",
        "publisher": "PMLR",
        "issued": {"date-parts": [[2017]]},
    }
    nichol = entry_to_csl(bib.entries["nicholFirstOrderMetaLearning2018"])
    assert nichol["type"] == "article-journal"
    assert nichol["container-title"] == "arXiv preprint arXiv:1803.02999"
    assert nichol["id"] == "nicholFirstOrderMetaLearning2018"


@pytest.mark.parametrize(
    ("bibtype", "csl"),
    [
        ("article", "article-journal"),
        ("inproceedings", "paper-conference"),
        ("conference", "paper-conference"),
        ("proceedings", "book"),
        ("mvbook", "book"),
        ("inbook", "chapter"),
        ("incollection", "chapter"),
        ("phdthesis", "thesis"),
        ("mastersthesis", "thesis"),
        ("techreport", "report"),
        ("misc", "document"),
        ("online", "webpage"),
        ("electronic", "webpage"),
        ("unpublished", "manuscript"),
        ("patent", "patent"),
        ("periodical", "periodical"),
        ("dataset", "dataset"),
        ("software", "software"),
        ("inreference", "entry-encyclopedia"),
        ("booklet", "pamphlet"),
        ("standard", "standard"),
        ("letter", "personal_communication"),
        ("video", "motion_picture"),
        ("artwork", "graphic"),
        ("somethingnew", "document"),
    ],
)
def test_types(bibtype: str, csl: str) -> None:
    assert _item(f"@{bibtype}{{k, title = {{T}}}}")["type"] == csl


def test_type_map_is_read_only() -> None:
    with pytest.raises(TypeError):
        TYPE_MAP["article"] = "x"  # type: ignore[index]


def test_article_subtypes_and_thesis_genres() -> None:
    assert _item("@article{k, entrysubtype = {magazine}}")["type"] == "article-magazine"
    assert _item("@article{k, entrysubtype = {newspaper}}")["type"] == "article-newspaper"
    assert _item("@phdthesis{k, school = {MIT}}")["genre"] == "PhD thesis"
    assert _item("@mastersthesis{k, school = {MIT}}")["genre"] == "Master's thesis"
    assert _item("@phdthesis{k, type = {Habilitation}}")["genre"] == "Habilitation"


def test_rich_text_titles(examples: dict[str, dict]) -> None:
    # "The {\TeX book}" prints "The TeXbook", the braced part protected from case changes
    assert examples["knuth:ct:a"]["title"] == f"The {NOCASE_OPEN}TeXbook{NOCASE_CLOSE}"
    # \mkbibquote{…} prints in quotation marks
    assert rich_to_plain(examples["spiegelberg"]["title"]).startswith("\u201cIntention\u201d und")
    # \emph{De Anima} is italic; biblatex joins title and subtitle with a colon
    moraux = examples["moraux"]
    # (the argument of \emph is a brace group: protected from case changes, as BibTeX protects it)
    assert moraux["title"].startswith(
        f"Le {NOCASE_OPEN}{ITALIC_OPEN}De Anima{ITALIC_CLOSE}{NOCASE_CLOSE} dans la tradition grècque: "
    )
    assert moraux["container-title"] == (
        "Aristotle on Mind and the Senses: Proceedings of the Seventh Symposium Aristotelicum"
    )
    assert moraux["publisher"] == "Cambridge University Press"  # @string cup
    # \hyphen is a hyphen
    assert "methodology-independent" in examples["kastenholz"]["title"]


def test_names(examples: dict[str, dict]) -> None:
    assert examples["aksin"]["author"][0] == {"family": "Aksın", "given": "Özge"}
    assert examples["aksin"]["author"][3] == {"family": "Çetinkaya", "given": "Bekir"}
    assert examples["vangennep"]["author"] == [
        {"family": "Gennep", "given": "Arnold", "non-dropping-particle": "van"}
    ]
    assert parse_name("Ford, Jr., Henry") == {"family": "Ford", "given": "Henry", "suffix": "Jr."}
    assert parse_name("Ludwig van Beethoven") == {
        "family": "Beethoven",
        "given": "Ludwig",
        "non-dropping-particle": "van",
    }
    assert parse_name("{Corporate Names Inc.}") == {"literal": "Corporate Names Inc."}
    assert parse_name(r"{\NTG{} {\TeX} future working group}") == {"literal": "NTG TeX future working group"}
    assert parse_name("others") is None
    item = _item("@book{k, author = {Smith, John and others}}")
    # "and others": the list ends with the ET_AL name, which the formatter turns into the locale's "et al."
    assert item["author"] == [{"family": "Smith", "given": "John"}, {"literal": ET_AL}]
    assert _item("@book{k, author = {others}}").get("author") is None
    assert parse_name("W{\\l}odek Bzyl") == {"family": "Bzyl", "given": "Włodek"}
    # an odd name is still parsed, without printing or raising
    assert parse_name("a, b, c, d") is not None


def test_editors_translators_and_inherited_editor(examples: dict[str, dict]) -> None:
    hannes = examples["averroes/hannes"]
    assert hannes["editor"] == [{"family": "Hannes", "given": "Ludwig"}]
    assert hannes["translator"] == [{"family": "Hannes", "given": "Ludwig"}]
    # westfahl:space is a crossref child: editor, container and year come from westfahl:frontier
    space = examples["westfahl:space"]
    assert space["type"] == "chapter"
    assert space["editor"] == [{"family": "Westfahl", "given": "Gary"}]
    assert space["container-title"] == "Space and Beyond: The Frontier Theme in Science Fiction"
    assert space["issued"] == {"date-parts": [[2000]]}
    assert space["page"] == "55-65"


@pytest.mark.parametrize(
    ("text", "csl"),
    [
        ("2017", {"date-parts": [[2017]]}),
        ("2017-05", {"date-parts": [[2017, 5]]}),
        ("2017-05-03", {"date-parts": [[2017, 5, 3]]}),
        ("2017/2018", {"date-parts": [[2017], [2018]]}),
        ("2017-05-01/2017-05-03", {"date-parts": [[2017, 5, 1], [2017, 5, 3]]}),
        ("2017/", {"literal": "2017\u2013"}),
        ("2017?", {"date-parts": [[2017]], "circa": 1}),
        ("2017-21", {"date-parts": [[2017]], "season": 1}),
        ("circa 1400", {"literal": "circa 1400"}),
    ],
)
def test_parse_date(text: str, csl: dict) -> None:
    assert parse_date(text) == csl


@pytest.mark.parametrize(
    ("fields", "issued"),
    [
        ("year = 2017", {"date-parts": [[2017]]}),
        ("year = 2017, month = jan", {"date-parts": [[2017, 1]]}),
        ("year = 2017, month = {March}", {"date-parts": [[2017, 3]]}),
        ("year = 2017, month = 11", {"date-parts": [[2017, 11]]}),
        ("year = 2017, month = {Oct.}", {"date-parts": [[2017, 10]]}),
        ("year = 2017, month = {July--August}", {"date-parts": [[2017, 7], [2017, 8]]}),
        ("year = 2017, month = {July\\slash September}", {"date-parts": [[2017, 7], [2017, 9]]}),
        ("year = 2017, month = {September 4}", {"date-parts": [[2017, 9, 4]]}),
        ("year = 2017, month = may, day = 5", {"date-parts": [[2017, 5, 5]]}),
        ("year = 1994, month = {Winter}", {"date-parts": [[1994]], "season": 4}),
        ("year = 2017, month = {????}", {"date-parts": [[2017]]}),
        ("year = {2005-2016}", {"date-parts": [[2005], [2016]]}),
        ("year = {19xx}", {"literal": "19xx"}),
        ("date = {2004-10-27}, year = 1999", {"date-parts": [[2004, 10, 27]]}),
    ],
)
def test_issued_from_year_and_month(fields: str, issued: dict) -> None:
    assert _item(f"@misc{{k, {fields}}}")["issued"] == issued


def test_numbers_pages_and_identifiers() -> None:
    art = _item(
        "@article{k, journal = {J}, volume = 3, number = 4, pages = {431--456, 791--823},"
        " doi = {https://doi.org/10.1000/x_y}, url = {http://a.org/x\\_y\\%20z}, issn = {0896-3207}}"
    )
    assert art["issue"] == "4" and "number" not in art
    assert art["page"] == "431-456, 791-823"
    assert art["DOI"] == "10.1000/x_y"
    assert art["URL"] == "http://a.org/x_y%20z"  # only LaTeX escapes undone, no markers
    assert art["ISSN"] == "0896-3207"
    report = _item("@techreport{k, number = {TR-7}, institution = {IBM}, address = {Yorktown}}")
    assert report["number"] == "TR-7"
    assert report["publisher"] == "IBM" and report["publisher-place"] == "Yorktown"
    series = _item("@book{k, series = {LNCS}, number = 42, publisher = {Springer}}")
    assert series["collection-title"] == "LNCS" and series["collection-number"] == "42"
    assert _item("@book{k, chapter = 3, edition = {2}, isbn = {0-226-10403-6}}")["chapter-number"] == "3"


def test_eprints(examples: dict[str, dict]) -> None:
    baez = examples["baez/article"]
    assert baez["URL"] == "https://arxiv.org/abs/math/0307200v3"
    assert baez["archive"] == "arXiv" and baez["archive_location"] == "math/0307200v3"
    itzhaki = examples["itzhaki"]
    assert itzhaki["type"] == "webpage"
    assert itzhaki["issued"] == {"date-parts": [[1996, 3, 11]]}
    # an explicit url wins over the eprint link
    item = _item("@misc{k, eprint = {1803.02999}, archiveprefix = {arXiv}, url = {https://x.org}}")
    assert item["URL"] == "https://x.org" and item["number"] == "arXiv:1803.02999"


def test_howpublished_note_and_language() -> None:
    misc = _item("@misc{k, howpublished = {Blog post}, note = {Accessed daily}, langid = {ngerman}}")
    assert misc["publisher"] == "Blog post"
    assert misc["note"] == "Accessed daily"
    assert misc["language"] == "de-DE"
    web = _item("@misc{k, howpublished = {\\url{https://example.org/a_b}}, urldate = {2020-01-02}}")
    assert web["URL"] == "https://example.org/a_b"
    assert web["accessed"] == {"date-parts": [[2020, 1, 2]]}


def test_items_are_accepted_by_citeproc_without_warnings(examples: dict[str, dict]) -> None:
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # citeproc-py warns about variables it does not know
        CiteProcJSON(list(examples.values()))


def _outside_math(text: str) -> str:
    return re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", "", text, flags=re.S)


# raw values where TeX itself prints a backslash or a brace (TUGboat titles about macros)
_PRINTS_BACKSLASH = re.compile(r"\\(?:cs|macro|verb|path|backslash|textbackslash)\b")
_PRINTS_BRACE = re.compile(r"\\[{}]|\\(?:lbrace|rbrace|verb|path)\b")


def _check_corpus_file(bib: BibFile) -> None:
    for key, entry in bib.entries.items():
        item = entry_to_csl(entry)
        assert item["id"] == key
        for var, value in item.items():
            if not isinstance(value, str) or var in ("URL", "DOI", "id"):
                continue
            raw = " ".join(entry.fields.values())
            plain = _outside_math(rich_to_plain(value))
            if not _PRINTS_BACKSLASH.search(raw):
                assert not re.search(r"\\[A-Za-z@]", plain), (key, var, value)
            if not _PRINTS_BRACE.search(raw):
                assert not re.search(r"[{}]", plain), (key, var, value)


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus (../shared/corpus/bib) is not here")
@pytest.mark.parametrize("name", ["biblatex-examples.bib", "tugboat.bib", "typeset.bib"])
def test_every_corpus_entry_converts(name: str) -> None:
    start = time.perf_counter()
    bib = load_bib_file(CORPUS / name, name)
    _check_corpus_file(bib)
    # loading and converting the largest file (4,839 entries) stays well within a build's patience
    assert time.perf_counter() - start < 10.0


def test_beebe_entries() -> None:
    tug = {k: entry_to_csl(e) for k, e in load_bib_file(DATA / "tugboat-excerpt.bib").entries.items()}
    swanson = tug["Swanson:TB1-1-7"]
    # title = "{Publishing \& \TeX}": the whole title braced, so all of it is protected
    assert swanson["title"] == f"{NOCASE_OPEN}Publishing & TeX{NOCASE_CLOSE}"
    assert swanson["author"] == [{"family": "Swanson", "given": "Ellen"}]
    assert swanson["container-title"] == "TUGboat"
    assert swanson["issued"] == {"date-parts": [[1980, 10]]}  # month = oct
    assert swanson["issue"] == "1" and swanson["page"] == "7-9"
    assert swanson["URL"] == "https://tug.org/TUGboat/tb01-1/tb01swanson.pdf"
    taylor = tug["Taylor:TB15-3-353"]
    assert taylor["title"] == (
        f"{NOCASE_OPEN}{MATH_OPEN}\\( \\varepsilon \\){MATH_CLOSE}-TeX & NTS: A progress report{NOCASE_CLOSE}"
    )
    typeset = load_bib_file(DATA / "typeset-excerpt.bib").entries
    skillin = entry_to_csl(typeset["Skillin:1974:WT"])
    assert skillin["author"] == [
        {"family": "Skillin", "given": "Marjorie E."},
        {"family": "Gay", "given": "Robert Malcolm"},
    ]
    assert skillin["publisher"] == "Prentice-Hall, Inc."
    assert skillin["publisher-place"] == "Englewood Cliffs, NJ, USA"
    assert skillin["edition"] == "Third"
    assert skillin["ISBN"] == "0-13-964262-5"


def test_proceedings_booktitle_is_not_a_container() -> None:
    # Beebe's @Proceedings repeat the title as booktitle (for crossref children); the volume itself
    # has no container, as biblatex ignores booktitle there
    item = _item("@proceedings{p, title = {Proc. X}, booktitle = {Proc. X}, year = 1990}")
    assert item["title"] == "Proc. X" and "container-title" not in item


def test_check_bib_reports_each_unknown_type_and_macro_once_per_file() -> None:
    bib = parse_bib_text(
        """@gadget{g1, title = {One}}
@gadget{g2, title = {Two \\foo{x}}}
@misc{m1, title = {\\foo{a} and \\foo{b} and $\\alpha$}, bibsource = {\\notshown}}
@misc{m2, note = {\\zork}}
""",
        "x.bib",
    )
    issues = check_bib(bib)
    assert len(issues) == 3

    def about(word: str):
        (issue,) = [i for i in issues if word in i.message]
        return issue

    gadget = about("@gadget")
    assert (gadget.key, gadget.line) == ("g1", 1) and "and 1 more entry" in gadget.message
    # \foo: first in g2 (line 2), then in m1 (twice, but one entry)
    foo = about("\\foo")
    assert (foo.key, foo.line) == ("g2", 2) and "and 1 more entry" in foo.message
    zork = about("\\zork")
    assert (zork.key, zork.line) == ("m2", 4) and "more" not in zork.message
    # math is MathJax's, and bibsource is not shown: neither is reported
    assert all("alpha" not in i.message and "notshown" not in i.message for i in issues)


def test_biblatex_keys_in_fields_become_text() -> None:
    # biblatex prints an integer series as an ordinal, and localisation keys in their language
    assert _item("@article{k, series = 3}")["collection-title"] == "3rd series"
    assert _item("@article{k, series = {newseries}}")["collection-title"] == "new series"
    assert _item("@article{k, series = {Lecture Notes}}")["collection-title"] == "Lecture Notes"
    assert _item("@article{k, pubstate = {inpress}}")["status"] == "in press"


def test_related_entries_become_a_note() -> None:
    bib = parse_bib_text(
        """@book{orig, title = {Les rites de passage}, date = 1909}
@book{trans, title = {The Rites of Passage}, date = 1960, related = {orig}, relatedtype = {translationof}}
@book{doody, title = {Excerpt}, related = {orig}, relatedstring = {\\autocap{e}xcerpt in}}
@book{lost, title = {X}, related = {nowhere}}
""",
        "x.bib",
    )
    assert entry_to_csl(bib.entries["trans"])["note"] == "Translation of: Les rites de passage (1909)"
    assert entry_to_csl(bib.entries["doody"])["note"] == "Excerpt in: Les rites de passage (1909)"
    assert "note" not in entry_to_csl(bib.entries["lost"])
    assert [i.key for i in bib.issues if "related 'nowhere'" in i.message] == ["lost"]


def test_the_readme_type_table_is_the_type_map() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("| BibTeX / biblatex type | CSL type |", 1)[1].split("\n\n", 1)[0]
    mapped = {}
    for row in re.findall(r"^\| (.+) \| `([\w-]+)` \|$", table, re.M):
        for bibtype in re.findall(r"`@(\w+)`", row[0]):
            mapped[bibtype] = row[1]
    assert mapped == dict(TYPE_MAP)
