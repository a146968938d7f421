"""Loading .bib files: entries as written, problems as issues (never exceptions), crossref inheritance."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pybtex.errors
import pytest

from mkdocs_scholar.scholar.bibtex import BibFile, find_key, load_bib_file, parse_bib_text
from mkdocs_scholar.scholar.csl_json import check_bib
from mkdocs_scholar.scholar.errors import ScholarError

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bib"
SEED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "references.bib"
needs_corpus = pytest.mark.skipif(
    not CORPUS.exists(), reason="the shared corpus (../shared/corpus/bib) is not here"
)


def _line_of(path: Path, needle: str) -> int:
    """1-based line where ``needle`` first appears in the file (computed, not pasted)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture(scope="module")
def examples() -> BibFile:
    return load_bib_file(DATA / "biblatex-examples-excerpt.bib", "biblatex-examples-excerpt.bib")


@pytest.fixture(scope="module")
def tugboat() -> BibFile:
    return load_bib_file(DATA / "tugboat-excerpt.bib", "tugboat-excerpt.bib")


def test_entries_keep_keys_types_lines_and_source(examples: BibFile) -> None:
    path = DATA / "biblatex-examples-excerpt.bib"
    assert list(examples.entries)[:3] == ["westfahl:space", "aksin", "baez/article"]
    aksin = examples.entries["aksin"]
    assert aksin.type == "article"
    assert aksin.line == _line_of(path, "@article{aksin,")
    assert aksin.source.startswith("@article{aksin,") and aksin.source.endswith("}")
    assert "journaltitle = jomch" in aksin.source  # as written, before @string expansion
    assert examples.entries["knuth:ct"].type == "mvbook"
    assert examples.entries["itzhaki"].type == "online"
    assert examples.issues == []
    assert examples.digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_fields_are_raw_latex_after_string_expansion(examples: BibFile) -> None:
    aksin = examples.entries["aksin"]
    # journaltitle = jomch, with @string{jomch = {J.~Organomet. Chem.}}: expanded, LaTeX left for later
    assert aksin.fields["journaltitle"] == "J.~Organomet. Chem."
    assert aksin.fields["date"] == "2006"
    assert aksin.persons["author"][0] == r"Aks{\i}n, {\"O}zge"
    assert len(aksin.persons["author"]) == 7
    # field names are lower-case whatever the file wrote (Beebe writes URL, ISSN)
    assert "url" in load_bib_file(DATA / "tugboat-excerpt.bib").entries["Anonymous:1980:TP"].fields


def test_month_macros_resolve(tugboat: BibFile) -> None:
    # month = oct (a bare macro): BibTeX's predefined month strings
    assert tugboat.entries["Anonymous:1980:TP"].fields["month"] == "October"
    assert tugboat.entries["Anonymous:1980:TP"].fields["journal"] == "TUGboat"  # j-TUGboat from @String


def test_duplicate_field_is_an_issue_and_the_first_value_wins(tugboat: BibFile) -> None:
    entry = tugboat.entries["Anonymous:TB10-3-445"]
    assert entry.fields["bibsource"] == "http://www.math.utah.edu/pub/tex/bib/tugboat.bib"
    issues = [i for i in tugboat.issues if i.key == "Anonymous:TB10-3-445"]
    assert len(issues) == 1 and "'bibsource'" in issues[0].message
    assert issues[0].path == "tugboat-excerpt.bib"
    # the line named is the second "bibsource =" of the entry (the file has the two on adjacent lines)
    lines = (DATA / "tugboat-excerpt.bib").read_text().splitlines()
    assert lines[issues[0].line - 1].lstrip().startswith("bibsource =")
    assert lines[issues[0].line - 2].lstrip().startswith("bibsource =")


def test_undefined_string_macros_give_one_issue_each_and_keep_the_entry() -> None:
    path = DATA / "typeset-excerpt.bib"
    bib = load_bib_file(path, "typeset-excerpt.bib")
    assert list(bib.entries) == ["Anonymous:1931:MPC", "Skillin:1974:WT"]
    undefined = {i.message.split("'")[1]: i for i in bib.issues if "undefined @string macro" in i.message}
    assert set(undefined) == {"ack-nhfb", "ack-bnb", "ack-jpl"}
    assert len(bib.issues) == 3
    assert undefined["ack-jpl"].line == _line_of(path, "acknowledgement = ack-jpl")
    assert undefined["ack-jpl"].key == "Skillin:1974:WT"
    assert "@string{ack-jpl" in undefined["ack-jpl"].message  # says how to fix it
    # the message names the entry (the warning line shows only file, line and message)
    assert "in entry 'Skillin:1974:WT'" in undefined["ack-jpl"].message
    # the macro's name stands in for its value; the defined ones expand
    assert bib.entries["Anonymous:1931:MPC"].fields["acknowledgement"] == "ack-nhfb and ack-bnb"
    assert bib.entries["Skillin:1974:WT"].fields["publisher"] == "Prentice-Hall, Inc."
    assert bib.entries["Skillin:1974:WT"].fields["address"] == "Englewood Cliffs, NJ, USA"


BROKEN = """\
% hand-made: problems in the middle of a file
@string{jmlr = "Journal of Machine Learning Research"}

@article{first2020,
  author = {Ada Lovelace},
  title = {Before the break},
  journal = jmlr,
  year = 2020,
}

@article{unclosed2021,
  author = {Grace Hopper},
  title = {A title whose brace never closes,
  year = 2021,
}

@inproceedings{missingcomma2022,
  author = {Alan Turing}
  title = {No comma after the author},
  year = 2022,
}

@book{after2023,
  author = {Emmy Noether},
  title = {After the break},
  year = 2023,
}

@article{first2020,
  title = {A second entry with the same key},
}

@misc{Case2024, title = {one}}
@misc{case2024, title = {two}}
"""


def test_a_broken_entry_does_not_lose_the_rest_of_the_file() -> None:
    bib = parse_bib_text(BROKEN, "broken.bib")
    assert "after2023" in bib.entries
    assert bib.entries["after2023"].fields["title"] == "After the break"
    assert bib.entries["first2020"].fields["journal"] == "Journal of Machine Learning Research"
    by_key = {i.key: i for i in bib.issues}
    lines = BROKEN.splitlines()
    assert "not closed" in by_key["unclosed2021"].message
    assert by_key["unclosed2021"].line == lines.index("@article{unclosed2021,") + 1
    # the fields read before the break are kept
    assert bib.entries["unclosed2021"].fields["author"] == "Grace Hopper"
    assert "syntax error" in by_key["missingcomma2022"].message
    assert by_key["missingcomma2022"].line == lines.index("  title = {No comma after the author},") + 1
    assert bib.entries["missingcomma2022"].fields == {"author": "Alan Turing"}


def test_duplicate_keys_first_wins_with_both_lines() -> None:
    bib = parse_bib_text(BROKEN, "broken.bib")
    lines = BROKEN.splitlines()
    first = lines.index("@article{first2020,") + 1
    second = len(lines) - lines[::-1].index("@article{first2020,")
    assert bib.entries["first2020"].line == first
    assert bib.entries["first2020"].fields["title"] == "Before the break"
    dup = [i for i in bib.issues if i.key == "first2020"]
    assert len(dup) == 1 and dup[0].line == second and f"line {first}" in dup[0].message
    # keys differing only in case are both kept (ids use the key as written) but flagged
    assert {"Case2024", "case2024"} <= set(bib.entries)
    assert any(i.key == "case2024" and "case" in i.message for i in bib.issues)


def test_unknown_types_comments_preambles_and_parentheses() -> None:
    bib = parse_bib_text(
        """
        @preamble{"\\newcommand{\\noopsort}[1]{}"}
        @comment{ this is @article{not,an = entry} }
        @Comment jabref-meta: something
        @MyOwnType{k1, title = {Kept}}
        @ARTICLE(k2, title = "Paren (delimited)", year = 2001)
        """,
        "x.bib",
    )
    assert list(bib.entries) == ["k1", "k2"]
    assert bib.entries["k1"].type == "myowntype"
    assert bib.entries["k2"].fields["title"] == "Paren (delimited)"
    # an unknown type is kept, and said once per type and file (by the mapping to CSL, which knows the types)
    assert bib.issues == []
    issues = check_bib(bib)
    assert [(i.line, i.key) for i in issues] == [(5, "k1")]
    assert "unknown entry type '@myowntype'" in issues[0].message


def test_empty_file() -> None:
    bib = parse_bib_text("% nothing here\n", "empty.bib")
    assert bib.entries == {}
    assert [i.message.split(":")[0] for i in bib.issues] == ["empty bibliography"]


CROSSREF = """
@inproceedings{finn2017,
  title = {Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks},
  author = {Finn, Chelsea and Abbeel, Pieter and Levine, Sergey},
  pages = {1126--1135},
  crossref = {ICML2017},
}
@proceedings{icml2017,
  title = {Proceedings of the 34th International Conference on Machine Learning},
  editor = {Precup, Doina and Teh, Yee Whye},
  series = {Proceedings of Machine Learning Research},
  volume = {70},
  publisher = {PMLR},
  year = {2017},
  month = aug,
}
"""


def test_crossref_child_inherits_year_month_editor_and_booktitle() -> None:
    bib = parse_bib_text(CROSSREF, "x.bib")
    child = bib.entries["finn2017"]
    # jekyll-scholar lost year and month here (APA printed "n.d."); biblatex inherits every missing field
    assert child.fields["year"] == "2017"
    assert child.fields["month"] == "August"
    assert child.fields["volume"] == "70"
    assert child.fields["series"] == "Proceedings of Machine Learning Research"
    # biblatex: a @proceedings title becomes the booktitle of an @inproceedings; the child keeps its title
    assert child.fields["booktitle"] == "Proceedings of the 34th International Conference on Machine Learning"
    assert child.fields["title"].startswith("Model-Agnostic")
    assert child.persons["editor"] == ["Precup, Doina", "Teh, Yee Whye"]
    assert "crossref" in child.fields and bib.issues == []


def test_crossref_from_the_real_biblatex_examples(examples: BibFile) -> None:
    child = examples.entries["westfahl:space"]
    # westfahl:space has no date of its own: it comes from its @collection parent westfahl:frontier
    assert child.fields["date"] == "2000"
    assert child.fields["booktitle"] == "Space and Beyond"
    assert child.fields["booksubtitle"] == "The Frontier Theme in Science Fiction"
    assert child.fields["subtitle"].startswith("Confronting")  # its own, not the parent's
    assert child.persons["editor"] == ["Westfahl, Gary"]


def test_mvbook_parent_gives_maintitle_and_xdata_is_inherited_then_hidden() -> None:
    bib = parse_bib_text(
        """
        @mvbook{ct, title = {Computers \\& Typesetting}, author = {Knuth, Donald E.}, date = {1984/1986}}
        @book{ct:a, title = {The {\\TeX book}}, volume = {A}, crossref = {ct}}
        @xdata{pub, publisher = {Addison-Wesley}, location = {Reading, Mass.}}
        @book{ct:b, title = {\\TeX: The Program}, xdata = {pub}}
        @inbook{missing, title = {X}, crossref = {nowhere}}
        """,
        "x.bib",
    )
    a = bib.entries["ct:a"]
    assert a.fields["maintitle"] == "Computers \\& Typesetting"
    assert a.fields["title"] == "The {\\TeX book}"
    assert a.fields["date"] == "1984/1986"
    assert a.persons["author"] == ["Knuth, Donald E."]
    assert bib.entries["ct:b"].fields["publisher"] == "Addison-Wesley"
    assert "pub" not in bib.entries  # @xdata entries are never printed
    assert [i.key for i in bib.issues] == ["missing"]
    assert "crossref 'nowhere'" in bib.issues[0].message


def test_find_key_exact_then_case_insensitive(examples: BibFile) -> None:
    assert find_key(examples, "baez/article") is examples.entries["baez/article"]
    assert find_key(examples, "Knuth:CT:A") is examples.entries["knuth:ct:a"]
    assert find_key(examples, "nope") is None


def test_missing_file_is_a_scholar_error(tmp_path: Path) -> None:
    with pytest.raises(ScholarError) as info:
        load_bib_file(tmp_path / "nope.bib", "_bibliography/nope.bib")
    assert info.value.path == "_bibliography/nope.bib"
    assert info.value.hint
    with pytest.raises(ScholarError):
        load_bib_file(tmp_path)


def test_bom_and_latin1(tmp_path: Path) -> None:
    utf8 = tmp_path / "bom.bib"
    utf8.write_bytes("\ufeff@misc{k, title = {Ö}}".encode())
    bib = load_bib_file(utf8)
    assert list(bib.entries) == ["k"] and bib.entries["k"].fields["title"] == "Ö"
    assert bib.issues == []
    latin = tmp_path / "latin.bib"
    latin.write_bytes("@misc{k,\n title = {Gödel}}".encode("latin-1"))
    bib = load_bib_file(latin, "latin.bib")
    assert bib.entries["k"].fields["title"] == "Gödel"
    assert len(bib.issues) == 1 and "UTF-8" in bib.issues[0].message and bib.issues[0].line == 2


def test_pybtex_global_state_is_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    strict_before = pybtex.errors.strict
    parse_bib_text(BROKEN + "\n@misc{u, note = undefinedmacro}", "x.bib")
    assert pybtex.errors.strict == strict_before
    assert pybtex.errors.captured_errors is None
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""


@pytest.mark.skipif(not SEED.exists(), reason="the shared reference folder (../shared/reference) is not here")
def test_seed_references() -> None:
    bib = load_bib_file(SEED, "references.bib")
    assert list(bib.entries) == ["finnModelAgnosticMetaLearning2017", "nicholFirstOrderMetaLearning2018"]
    assert bib.issues == []


@needs_corpus
@pytest.mark.parametrize(
    ("name", "count"), [("biblatex-examples.bib", 92), ("tugboat.bib", 4839), ("typeset.bib", 899)]
)
def test_corpus_files_load(name: str, count: int) -> None:
    start = time.perf_counter()
    bib = load_bib_file(CORPUS / name, name)
    elapsed = time.perf_counter() - start
    assert len(bib.entries) == count  # the counts the corpus README gives
    assert elapsed < 5.0
    for entry in bib.entries.values():
        assert entry.source.lstrip().startswith("@") and entry.line >= 1
    if name == "biblatex-examples.bib":
        assert {"knuth:ct:a", "averroes/hannes", "baez/article"} <= set(bib.entries)
        assert bib.issues == []
    if name == "typeset.bib":
        undefined = [i for i in bib.issues if "undefined @string macro" in i.message]
        names = [i.message.split("'")[1] for i in undefined]
        assert names and len(names) == len(set(names))  # one issue per macro name
        assert all(i.line and i.key for i in undefined)
