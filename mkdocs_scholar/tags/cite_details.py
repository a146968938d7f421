"""``{% cite_details key [--text T] %}`` and ``{% details_link key %}``: links to an entry's details page."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class CiteDetailsNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        return state.cite_details(self.keys(context, opts), opts, self.line)


class CiteDetailsTag(MarkupTag):
    name = "cite_details"
    node_class = CiteDetailsNode


class DetailsLinkNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        keys = self.keys(context, opts)
        html = state.cite_details(keys, opts, self.line)
        # The bare URL, as jekyll-scholar prints it.
        if html.startswith('<a href="'):
            return html[len('<a href="') :].split('"', 1)[0]
        return html


class DetailsLinkTag(MarkupTag):
    name = "details_link"
    node_class = DetailsLinkNode
