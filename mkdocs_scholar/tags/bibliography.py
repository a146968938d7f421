"""``{% bibliography [options] %}``: the list of entries (all, ``--cited`` or ``--cited_in_order``)."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class BibliographyNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        # An HTML block must start a line for Markdown to leave it alone.
        return state.bibliography(opts, self.line)


class BibliographyTag(MarkupTag):
    name = "bibliography"
    node_class = BibliographyNode
