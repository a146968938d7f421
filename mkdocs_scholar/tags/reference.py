"""``{% reference key… %}``: the formatted entry, alone, with its id (no list, no number)."""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class ReferenceNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        return state.reference(self.keys(context, opts), opts, self.line)


class ReferenceTag(MarkupTag):
    name = "reference"
    node_class = ReferenceNode
