"""The ``mkdocs-scholar`` command line: ``mkdocs-scholar import JEKYLL_DIR OUT_DIR [--force]``.

A thin shell around ``jekyll_site.import_site``: parses the arguments, prints the import's summary, and
turns an ``ImportFailure`` into one line on standard error and exit status 1 (2 for a usage error, as
argparse does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .jekyll_site import ImportFailure, format_report, import_site


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mkdocs-scholar",
        description="Tools for moving a Jekyll + jekyll-scholar site to MkDocs (Material).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    imp = commands.add_parser(
        "import",
        help="write a MkDocs site from a Jekyll site",
        description=(
            "Write a ready MkDocs Material site into OUT_DIR from the Jekyll site in JEKYLL_DIR: mkdocs.yml "
            "from _config.yml, posts, drafts, pages, assets, .bib files, _includes/, _layouts/ and _data/. "
            "Old URLs redirect to the new pages. JEKYLL_DIR is only read."
        ),
    )
    imp.add_argument(
        "jekyll_dir", metavar="JEKYLL_DIR", type=Path, help="the Jekyll site (where _config.yml is)"
    )
    imp.add_argument(
        "out_dir", metavar="OUT_DIR", type=Path, help="a new or empty folder for the MkDocs site"
    )
    imp.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty OUT_DIR (files of the same name are replaced, others left as they are)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "import":
        try:
            report = import_site(args.jekyll_dir, args.out_dir, force=args.force)
        except ImportFailure as err:
            print(f"mkdocs-scholar import: {err}", file=sys.stderr)
            return 1
        print(format_report(report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
