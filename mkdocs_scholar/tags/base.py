"""What every citation tag shares: option parsing, key lookup, reaching the page's citation state."""

from __future__ import annotations

import re
from typing import Any

from liquid.undefined import Undefined

from ..liquid.tags import MarkupNode
from ..scholar.errors import ScholarError
from ..scholar.options import TagOptions, parse_markup

_IDENT_RE = re.compile(r"^[A-Za-z_][\w-]*$")


class ScholarNode(MarkupNode):
    """A citation tag: ``options`` and ``keys`` come from the markup, ``citations`` from the page."""

    def options(self, context: Any) -> TagOptions | None:
        try:
            opts = parse_markup(self.markup)
        except ScholarError as err:
            self.problem(context, f"{self.token.value}: {err.message}", hint=err.hint)
            return None
        for name in opts.unknown:
            self.problem(
                context,
                f"{self.token.value}: unknown option '{name}' (ignored)",
                hint="see the tag options in the README",
            )
        # jekyll-scholar interpolates {{ var }} in these options.
        opts.files = [self.interpolate(context, f) for f in opts.files]
        for attr in ("query", "style", "group_by"):
            value = getattr(opts, attr)
            if value:
                setattr(opts, attr, self.interpolate(context, value))
        return opts

    def keys(self, context: Any, opts: TagOptions) -> list[str]:
        """Each key is first looked up as a Liquid variable (``{% assign k = "x" %}{% cite k %}``); keys
        that are not a variable holding text stay as written, so ``page`` or ``2020`` still work."""
        out = []
        for key in opts.keys:
            if _IDENT_RE.match(key):
                value = context.resolve(key, default=None)
                if isinstance(value, str) and value and not isinstance(value, Undefined):
                    out.append(value)
                    continue
            out.append(key)
        return out

    def citations(self, context: Any) -> Any:
        facts = self.facts(context)
        state = getattr(facts, "citations", None)
        if state is None:
            self.problem(context, f"{self.token.value}: citations are not available on this page")
        return state

    def report_to(self, context: Any):
        """A callback for the engine: its problems get this tag's page and line."""
        facts = self.facts(context)

        def report(problem: Any) -> None:
            if facts is None:
                return
            if problem.path:  # a problem in another file (a .bib) keeps its own place
                facts.problems.append(problem)
            else:
                self.problem(context, problem.message, hint=problem.hint)

        return report

    def output(self, context: Any) -> str:
        state = self.citations(context)
        opts = self.options(context)
        if state is None or opts is None:
            return ""
        facts = self.facts(context)
        previous = state.report, state.where
        state.report = self.report_to(context)
        state.where = facts.includes[-1] if facts is not None and facts.includes else None
        try:
            return self.run(context, state, opts)
        finally:
            state.report, state.where = previous

    def run(self, context: Any, state: Any, opts: TagOptions) -> str:  # pragma: no cover - abstract
        raise NotImplementedError
