"""``{% bibliography_count [options] %}``: how many entries the same ``bibliography`` tag would list."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class BibliographyCountNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        return state.bibliography_count(opts, self.line)


class BibliographyCountTag(MarkupTag):
    name = "bibliography_count"
    node_class = BibliographyCountNode
