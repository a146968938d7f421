"""Memoized style-tree lookups for citeproc-py: where most of its formatting time went.

citeproc-py answers every "which macro is called X", "which locale term is Y" and "does this group call a
variable" question with a fresh XPath query or a recursive walk of the style tree, hundreds of thousands of
times for a few thousand entries (profile in README, "Performance": about 40% of an ieee bibliography and
over half of an apa one). The style tree never changes once parsed, so each answer is kept after the first
time it is computed.

The memo lives on the root element of each parsed style and locale (lxml keeps a Python proxy and its
attributes alive while it is referenced, and citeproc-py's style object references its roots), so it is
dropped with the style. ``install`` patches three citeproc-py methods once per process; they use a memo
only where ``enable`` put one, so a style nobody enabled behaves exactly as before.
"""

from __future__ import annotations

from typing import Any

from citeproc import model

_MEMO = "_scholar_memo"


def install() -> None:
    """Wrap citeproc-py's lookups (idempotent)."""
    if getattr(model.CitationStylesElement, "_scholar_memo_installed", False):
        return
    xpath_search = model.CitationStylesElement.xpath_search
    parent_calls = model.Parent.calls_variable
    text_calls = model.Text.calls_variable

    def memo_xpath_search(self: Any, expression: str) -> Any:
        memo = getattr(self.getroottree().getroot(), _MEMO, None)
        if memo is None:
            return xpath_search(self, expression)
        key = ("x", self, expression)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = tuple(xpath_search(self, expression))
        # Callers index the result or unpack it; a fresh list keeps the memo safe from a caller that
        # would change what it got.
        return list(hit)

    def memo_calls(original: Any) -> Any:
        def calls_variable(self: Any) -> bool:
            memo = getattr(self.getroottree().getroot(), _MEMO, None)
            if memo is None:
                return original(self)
            key = ("c", self)
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = bool(original(self))
            return hit

        return calls_variable

    model.CitationStylesElement.xpath_search = memo_xpath_search
    model.Parent.calls_variable = memo_calls(parent_calls)
    model.Text.calls_variable = memo_calls(text_calls)
    model.CitationStylesElement._scholar_memo_installed = True


def enable(style: Any) -> None:
    """Give a parsed ``CitationStylesStyle`` (and its locales) a memo."""
    install()
    setattr(style.root, _MEMO, {})
    for locale in getattr(style.root, "locales", None) or ():
        if getattr(locale, _MEMO, None) is None:
            setattr(locale, _MEMO, {})
