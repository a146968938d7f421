"""The corpus of hand-made bad inputs (tests/bad_inputs/): each gives its message, nothing raises, nothing
written is lost.

Pages run through ``render_page`` with the small site in tests/bad_inputs/site; .bib texts through
``parse_bib_text`` (and ``load_bib_file`` for bytes); front matter through ``frontmatter.translate``;
settings through ``ScholarSettings.from_mapping``. The expected fragments say what the user must be told
(what is wrong, and where); tests/e2e/test_bad_builds.py runs a sample through real builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from mkdocs_scholar import frontmatter
from mkdocs_scholar.render import BuildState, PageInput, SiteFacts, render_page
from mkdocs_scholar.scholar.bibtex import load_bib_file, parse_bib_text
from mkdocs_scholar.scholar.csl_json import check_bib
from mkdocs_scholar.scholar.settings import ScholarSettings

HERE = Path(__file__).resolve().parent / "bad_inputs"
SITE = HERE / "site"


@dataclass
class Case:
    expected: str  # a fragment of one reported problem
    text: str  # the input
    kept: str | None = None  # text the output must still contain
    meta: dict | None = None  # a page's front matter (pages only)
    line: int = 0  # where the case starts in its corpus file

    def __str__(self) -> str:
        return f"{self.line}"


def read_cases(name: str) -> list[Case]:
    """Cases of one corpus file: ``### fragment``, optional ``>>> kept`` and ``---yaml`` lines, then text."""
    cases: list[Case] = []
    current: Case | None = None
    body: list[str] = []
    lines = (HERE / name).read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.startswith("### "):
            if current is not None:
                current.text = "\n".join(body).strip("\n") + "\n"
                cases.append(current)
            current, body = Case(line[4:], "", line=number), []
        elif current is None:
            continue  # the file's own comment
        elif not body and line.startswith(">>> "):
            current.kept = line[4:]
        elif not body and line.startswith("---") and current.meta is None and name == "pages.txt":
            current.meta = yaml.safe_load(line[3:])
        else:
            body.append(line)
    if current is not None:
        current.text = "\n".join(body).strip("\n") + "\n"
        cases.append(current)
    return cases


PAGES = read_cases("pages.txt")
BIBS = read_cases("bibs.txt")
FRONT_MATTER = read_cases("frontmatter.txt")
SETTINGS = read_cases("settings.txt")


def test_the_corpus_has_at_least_200_cases():
    assert len(PAGES) + len(BIBS) + len(FRONT_MATTER) + len(SETTINGS) >= 200


@pytest.fixture(scope="module")
def build():
    settings, _ = ScholarSettings.from_mapping({})
    return BuildState(SiteFacts(root=SITE), settings)


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_bad_page_is_reported_and_nothing_is_lost(case: Case, build: BuildState):
    page = PageInput("blog/posts/2021-01-01-bad.md", "blog/2021/01/01/bad/", meta=case.meta or {})
    result = render_page(case.text, page, build)
    said = [str(p) for p in result.problems + build.take_problems()]
    assert any(case.expected in s for s in said), f"expected {case.expected!r} in {said}"
    assert not any("internal error" in s for s in said)
    if case.kept is not None:
        assert case.kept in result.markdown


def test_problems_in_the_page_name_the_page_and_its_line(build: BuildState):
    page = PageInput("blog/posts/x.md", "blog/x/", line_offset=4)
    result = render_page("one\ntwo {% cite nosuchkey %}\n", page, build)
    # line 2 of the body, below 4 lines of front matter
    assert [str(p).split(" citation")[0] for p in result.problems] == ["blog/posts/x.md:6:"]


@pytest.mark.parametrize("case", BIBS, ids=str)
def test_bad_bib_is_reported(case: Case):
    bib = parse_bib_text(case.text, "refs.bib")
    # what a build reports: the parser's issues and the mapping's (unknown types and macros)
    said = [str(issue) for issue in bib.issues + check_bib(bib)]
    assert any(case.expected in s for s in said), f"expected {case.expected!r} in {said}"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"@misc{a, title={Caf\xe9}}", "refs.bib:1: the file is not valid UTF-8 (byte 0xe9 at line 1)"),
        (b"\n\n@misc{a, title={\xff\xfe}}", "refs.bib:3: the file is not valid UTF-8 (byte 0xff at line 3)"),
        (b"", "empty bibliography"),
        (b"\xef\xbb\xbf", "empty bibliography"),
        (b"\x00\x01\x02", "empty bibliography"),
    ],
)
def test_bad_bib_bytes_are_reported(tmp_path: Path, data: bytes, expected: str):
    path = tmp_path / "refs.bib"
    path.write_bytes(data)
    said = [str(issue) for issue in load_bib_file(path, "refs.bib").issues]
    assert any(expected in s for s in said), said


@pytest.mark.parametrize("case", FRONT_MATTER, ids=str)
def test_bad_front_matter_is_reported(case: Case):
    result = frontmatter.translate(case.text, "blog/posts/2021-02-03-post.md", is_post=True)
    said = [f"{p.line}: {p}" for p in result.problems]
    assert any(case.expected in s for s in said), f"expected {case.expected!r} in {said}"
    # whatever MkDocs reads next must be valid YAML front matter of a mapping
    if result.text is not None:
        yaml_text, _, _ = frontmatter.split_front_matter(result.text)
        assert isinstance(yaml.safe_load(yaml_text or "{}"), dict)


@pytest.mark.parametrize("case", SETTINGS, ids=str)
def test_bad_setting_is_reported(case: Case):
    values = yaml.safe_load(case.text)
    _, notes = ScholarSettings.from_mapping(values)
    assert any(case.expected in n for n in notes), f"expected {case.expected!r} in {notes}"
