"""Where the scholar build's peak memory over the baseline comes from: the finished pages, the modules the
plugin imports, and what it holds while it builds.

    python bench/memory.py bench/work/1000x5x20000-apa      # after python bench/run.py --large --styles apa
    python bench/memory.py bench/work/200x5x2000-apa --runs 3

Builds, each in a fresh process, the sites bench/run.py wrote: ``baseline``; ``output`` (the finished pages
without the plugin: the floor); ``output`` again with a module imported before the build (``asyncio``, which
python-liquid imports and which brings ``ssl`` and its libraries; ``liquid``; the plugin itself), and the
``scholar`` site with its cache kept (one unmeasured build first fills it). Prints each one's peak memory
(the largest maximum resident set over ``--runs`` builds, as bench/run.py reports it) and its ratio to the
baseline's. The scholar build's figure less the one with the plugin imported is what it holds while it
builds; the one with ``liquid`` imported is a floor no build that renders Liquid with python-liquid goes
under.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from run import _driver

CASES = [
    ("baseline", "baseline", ""),
    ("output (the floor)", "output", ""),
    ("output, asyncio imported first", "output", "asyncio"),
    ("output, python-liquid imported first", "output", "liquid"),
    ("output, the plugin imported first", "output", "mkdocs_scholar.plugin"),
    ("scholar, warm", "scholar", ""),
]


def peak_mb(root: Path, imports: str) -> float:
    return float(_driver(["build", str(root.resolve())], imports=imports)[1]["maxrss_mb"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sites", type=Path, help="a folder bench/run.py wrote (baseline/, output/, scholar/)")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    for name in ("baseline", "output", "scholar"):
        if not (args.sites / name / "mkdocs.yml").is_file():
            sys.exit(f"{args.sites / name / 'mkdocs.yml'} is missing: run bench/run.py first")
    peak_mb(args.sites / "scholar", "")  # fills the scholar site's cache
    base = 0.0
    for label, site, modules in CASES:
        mb = max(peak_mb(args.sites / site, modules) for _ in range(args.runs))
        base = base or mb
        print(f"{label:40s} {mb:7.1f} MB  {mb / base:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
