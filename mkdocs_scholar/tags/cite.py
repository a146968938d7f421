"""``{% cite key… [options] %}``: an in-text citation linking each key to its entry."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class CiteNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        return state.cite(self.keys(context, opts), opts, self.line)


class CiteTag(MarkupTag):
    name = "cite"
    node_class = CiteNode
