"""The plugin's script for readers' browsers: citation previews and the BibTeX copy button.

``assets/scholar.js`` (shipped in the wheel) is written into the built site as a generated file and added
to ``extra_javascript``, the way ``math.py`` does for the MathJax loader and the stylesheet. It acts only on
the markup ``scholar/reader.py`` adds, so a page without citations pays nothing but the download.
"""

from __future__ import annotations

from importlib import resources

SCRIPT_PATH = "assets/mkdocs_scholar/scholar.js"


def script() -> str:
    return resources.files("mkdocs_scholar").joinpath("assets/scholar.js").read_text(encoding="utf-8")
