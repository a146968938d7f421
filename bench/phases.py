"""Where the plugin's citations and bibliographies spend their time in one build of a site: the pages'
keys, reading and unpacking their kept results, putting them in place, their backlinks, and loading .bib
files, each timed around its function in a fresh process (no profiler, whose overhead is larger than
these calls).

    python bench/run.py --large --styles apa --runs 1        # makes bench/work/1000x5x20000-apa
    python bench/phases.py bench/work/1000x5x20000-apa/scholar

Run it twice: the first build after a change of the plugin's code formats what its cache no longer names.
"bibliography part" is what bench/run.py reports as the bibliography column (``finish`` and ``load``).
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import time
from pathlib import Path


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

    def timed(owner: object, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, wrapper)

    timed(engine, "_page_key", "page keys")
    timed(cache.Store, "page_result", "reading and unpacking kept results")
    timed(engine.CitationState, "_replay", "replaying them")
    timed(engine, "narrow", "narrowing the parts")
    timed(reader.Reader, "fill_backlinks", "backlinks")
    timed(engine.CitationState, "finish", "finish (all of the above and the rest)")
    timed(engine.Library, "load", "loading .bib files")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    build.build(load_config("mkdocs.yml"))
    for label, seconds in totals.items():
        print(f"{label:45} {seconds:7.3f} s")
    part = totals.get("finish (all of the above and the rest)", 0.0) + totals.get("loading .bib files", 0.0)
    print(f"{'bibliography part':45} {part:7.3f} s")


if __name__ == "__main__":
    main()
