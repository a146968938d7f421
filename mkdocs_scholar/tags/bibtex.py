"""``{% bibtex %}@article{…}{% endbibtex %}``: inline BibTeX, each entry formatted with its id.

The body is protected from Liquid before parsing (``render.protect_bibtex_blocks``): BibTeX braces such
as ``{{GAN}s}`` would otherwise read as Liquid output.
"""

from __future__ import annotations

from typing import Any

from ..liquid.tags import MarkupTag
from .base import ScholarNode


class BibtexNode(ScholarNode):
    def run(self, context: Any, state: Any, opts: Any) -> str:
        facts = self.facts(context)
        label = f"{facts.path if facts else 'page'} (bibtex block)"
        return state.bibtex(self.body(context), opts, self.line, label=label)


class BibtexTag(MarkupTag):
    name = "bibtex"
    end = "endbibtex"
    block = True
    node_class = BibtexNode
