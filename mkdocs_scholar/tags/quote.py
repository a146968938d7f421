"""``{% quote key… %}…{% endquote %}``: a blockquote whose ``<cite>`` is the citation."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class QuoteNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        return state.quote(self.body(context), self.keys(context, opts), opts, self.line)


class QuoteTag(MarkupTag):
    name = "quote"
    end = "endquote"
    block = True
    node_class = QuoteNode
