"""``{% nocite key… %}``: count keys as cited (for ``--cited`` bibliographies) without printing anything."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class NociteNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        return state.nocite(self.keys(context, opts), opts, self.line)


class NociteTag(MarkupTag):
    name = "nocite"
    node_class = NociteNode
