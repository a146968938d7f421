"""A sample of the bad-input corpus (tests/bad_inputs/) through a real ``mkdocs build``: every message is
logged as a warning naming the post, the build finishes without a traceback, and ``--strict`` fails."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from tests.conftest import SITES, copy_site, run_mkdocs
from tests.test_bad_inputs import PAGES, SITE

# Every fourth page case, plus the ones that touch what only a real build has (front matter, includes).
SAMPLE = [c for i, c in enumerate(PAGES) if i % 4 == 0 or c.meta or "include" in c.text]


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory):
    root = copy_site(SITES / "basic", tmp_path_factory.mktemp("bad") / "site-src")
    for name in ("_includes", "_layouts"):
        shutil.copytree(SITE / name, root / name)
    for bib in (SITE / "_bibliography").iterdir():
        shutil.copy(bib, root / "_bibliography" / bib.name)
    posts = root / "docs" / "blog" / "posts"
    for n, case in enumerate(SAMPLE):
        meta = {"title": f"Case {case.line}", **(case.meta or {})}
        front = yaml.safe_dump(meta, sort_keys=False)
        (posts / f"2020-01-01-case-{n:03d}.md").write_text(
            f"---\n{front}---\n\n{case.text}", encoding="utf-8"
        )
    (posts / "2020-02-02-latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n\nCaf\xe9 au lait.\n")
    (posts / "2020-02-03-bad-yaml.md").write_text("---\ntitle: [open\n---\n\nStill here.\n", encoding="utf-8")
    (posts / "2020-02-04-bad-date.md").write_text("---\ndate: 2020-13-45\n---\n\nDated.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def lenient(bad_site):
    return run_mkdocs(bad_site, strict=False)


def test_the_build_finishes_without_a_traceback(lenient):
    assert lenient.returncode == 0, lenient.log
    assert "Traceback" not in lenient.log
    assert "ERROR" not in lenient.log


@pytest.mark.parametrize("n", range(len(SAMPLE)), ids=lambda n: str(SAMPLE[n].line))
def test_each_bad_post_gets_its_message(lenient, n):
    case = SAMPLE[n]
    # The corpus names the core's page and its line; here the page has front matter above: drop the line.
    expected = re.sub(r"^blog/posts/2021-01-01-bad\.md:\d+: ", "", case.expected)
    mine = [w for w in lenient.warnings if f"case-{n:03d}.md:" in w or "_includes/" in w or ".bib:" in w]
    assert any(expected in w for w in mine), f"{expected!r} not in {mine}"


def test_posts_that_are_not_utf8_or_have_bad_yaml_still_build(lenient):
    log = "\n".join(lenient.warnings)
    assert "2020-02-02-latin1.md:2: the file is not valid UTF-8 (byte 0xe9); it was read as Latin-1" in log
    assert "2020-02-03-bad-yaml.md:3: front matter is not valid YAML" in log
    assert "2020-02-04-bad-date.md:2: date '2020-13-45' is not a date, using the file name's date" in log
    text = "\n".join(p.read_text(encoding="utf-8") for p in lenient.site.rglob("*.html"))
    assert "Café au lait." in text and "Still here." in text and "Dated." in text


def test_strict_fails_on_the_same_site(bad_site, tmp_path):
    strict = run_mkdocs(copy_site(bad_site, tmp_path / "strict"), strict=True)
    assert strict.returncode != 0
    assert "Traceback" not in strict.log
