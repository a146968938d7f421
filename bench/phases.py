"""Where the plugin's citations and bibliographies spend their time in one build of a site: the pages'
keys, reading and unpacking their kept results, putting them in place, their backlinks, loading .bib
files, and writing the pages' own .bib files into the site, each timed around its function in a fresh
process (no profiler, whose overhead is larger than these calls).

    python bench/run.py --large --styles apa --runs 1        # makes bench/work/1000x5x20000-apa
    python bench/phases.py bench/work/1000x5x20000-apa/scholar

Run it twice: the first build after a change of the plugin's code formats what its cache no longer names.
"bibliography part" is what bench/run.py reports as the bibliography column (``finish`` and ``load``).
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from timing import timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path, help="the folder of mkdocs.yml")
    args = ap.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.chdir(args.site)
    from mkdocs.commands import build
    from mkdocs.config import load_config

    from mkdocs_scholar.scholar import cache, engine, reader

    totals: dict[str, float] = {}

    def time_it(owner: object, name: str, label: str) -> None:
        setattr(owner, name, timed(getattr(owner, name), totals, label))

    time_it(engine, "_page_key", "page keys")
    time_it(cache.Store, "page_result", "reading and unpacking kept results")
    time_it(engine.CitationState, "_replay", "replaying them")
    time_it(engine, "narrow", "narrowing the parts")
    time_it(reader.Reader, "fill_backlinks", "backlinks")
    time_it(engine.CitationState, "finish", "finish (all of the above and the rest)")
    time_it(engine.Library, "load", "loading .bib files")
    time_it(reader.Reader, "write_bibtex_files", "writing the pages' .bib files (not in the part)")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    build.build(load_config("mkdocs.yml"))
    for label, seconds in totals.items():
        print(f"{label:45} {seconds:7.3f} s")
    part = totals.get("finish (all of the above and the rest)", 0.0) + totals.get("loading .bib files", 0.0)
    print(f"{'bibliography part':45} {part:7.3f} s")


if __name__ == "__main__":
    main()
