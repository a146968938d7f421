"""Math, per page: arithmatex turns ``$…$``/``$$…$$`` into MathJax-ready markup only on pages that ask.

MkDocs makes one Markdown instance per page from the same extension list, so ``MathExtension`` is one
object that asks, each time a page's Markdown is built, whether this page wants math (the plugin answers
from the page's front matter). A page that did not ask keeps ``$5 and $10`` as text: arithmatex would
read it as math. MathJax itself is loaded in the browser by ``assets/mathjax-loader.js`` only where the
page holds math, from a configurable URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

from markdown import Markdown
from markdown.extensions import Extension

DEFAULT_MATHJAX_URL = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"
LOADER_PATH = "assets/mkdocs_scholar/mathjax-loader.js"
CSS_PATH = "assets/mkdocs_scholar/scholar.css"


class MathExtension(Extension):
    """arithmatex (generic mode, MathJax 3 delimiters) on pages for which ``wants_math()`` is true."""

    def __init__(self, wants_math: Callable[[], bool], **kwargs: object) -> None:
        self.wants_math = wants_math
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        if self.wants_math():
            # Imported here: pymdownx.util brings urllib.request and ssl (1.7 MB), which a site whose
            # pages ask for no math never needs.
            from pymdownx.arithmatex import ArithmatexExtension

            ArithmatexExtension(generic=True).extendMarkdown(md)


def loader_script(mathjax_url: str) -> str:
    """The browser loader with the configured MathJax URL written in."""
    text = resources.files("mkdocs_scholar").joinpath("assets/mathjax-loader.js").read_text(encoding="utf-8")
    return text.replace("__MATHJAX_URL__", json.dumps(mathjax_url))


def stylesheet() -> str:
    return resources.files("mkdocs_scholar").joinpath("assets/scholar.css").read_text(encoding="utf-8")
