"""The three real .bib files of ../shared/corpus/bib, each listed in full by a real `mkdocs build`, in APA and
IEEE: every entry is there under its key, and no LaTeX is left outside math (tests/bibtext.py says what
TeX itself prints). Skipped when ../shared is not there; slow (TUGboat has 4,839 entries).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.bibtext import leftover_latex, read_bib
from tests.conftest import Build, run_mkdocs
from tests.corpus_site import CORPUS_BIB

FILES = ("biblatex-examples.bib", "tugboat.bib", "typeset.bib")

pytestmark = pytest.mark.skipif(
    not all((CORPUS_BIB / name).is_file() for name in FILES),
    reason="the shared corpus (../shared/corpus/bib) is not here",
)


def _site(root: Path, style: str) -> Path:
    (root / "_bibliography").mkdir(parents=True)
    (root / "docs").mkdir()
    for name in FILES:
        shutil.copy(CORPUS_BIB / name, root / "_bibliography" / name)
        (root / "docs" / f"{Path(name).stem}.md").write_text(
            f"# {name}\n\n{{% bibliography --file {name} %}}\n", encoding="utf-8"
        )
    (root / "docs" / "index.md").write_text("# Corpus\n", encoding="utf-8")
    config = {
        "site_name": "corpus bibliographies",
        "theme": {"name": "material"},
        "plugins": [{"scholar": {"style": style, "source": "./_bibliography", "bibliography": FILES[0]}}],
        "nav": ["index.md", *(f"{Path(n).stem}.md" for n in FILES)],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["apa", "ieee"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return run_mkdocs(_site(tmp_path_factory.mktemp(request.param), request.param), strict=False)


def test_the_corpus_builds_without_a_traceback(built: Build) -> None:
    assert built.returncode == 0, built.log[-3000:]
    assert "Traceback" not in built.log
    # what is broken in the files (undefined @string macros, fields given twice) is said with file and line
    for warning in built.warnings:
        assert re.search(r"mkdocs_scholar: _bibliography/\w[\w-]*\.bib:\d+: ", warning), warning


@pytest.mark.parametrize("name", FILES)
def test_every_entry_is_listed_with_no_latex_left(built: Build, name: str) -> None:
    raw = read_bib(CORPUS_BIB / name)
    soup = built.page(f"{Path(name).stem}/index.html")
    entries = soup.select("ol.bibliography > li")
    ids = [li.find(attrs={"id": True})["id"] for li in entries]
    assert ids == raw.keys()
    problems = {}
    for li, key in zip(entries, ids, strict=True):
        # the entry itself, not the reader's BibTeX block after it
        found = leftover_latex(li.find(attrs={"id": True}), raw.context(key))
        if found:
            problems[key] = found
    assert problems == {}
