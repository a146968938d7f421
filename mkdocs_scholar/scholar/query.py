"""The `--query` language of jekyll-scholar (bibtex-ruby's `@type[field op value, …]`), compiled once.

A tag's `--query` value, or the `query` config key, is compiled here into a predicate; the engine then
keeps the entries of a bibliography for which `predicate(entry_type, fields)` is true, before sorting,
grouping, `--offset` and `--max`. Nothing here knows of pybtex: an entry is its lower-case type and a
mapping of field names to their raw string values.

Grammar (reference, `-q`/`--query`):

    query      := chain (("||" | "|" | "," | whitespace) chain)*     any chain matches
    chain      := group ("&&" group)*                                 all groups match
    group      := ["!"] "@" (type | "*") ["[" conditions "]"]  |  "[" conditions "]"
    conditions := all ("||" all)*                                     "&&" binds tighter than "||"
    all        := condition (("," | "&&") condition)*
    condition  := field [op value]          op: = != /= ^= ~= =~ !~ < > <= >=

Between groups bibtex-ruby matches if *any* group does (`@book @article`, `@book, @article`), so those
separators mean OR; `&&` between groups is our addition. `!` negates the type only, as in bibtex-ruby:
`!@misc[year>=2017]` is "not a misc, and from 2017 on".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from mkdocs_scholar.scholar.errors import ScholarError

# A longer pattern is refused rather than run: Python's re has no timeout, and a short limit keeps a
# catastrophic pattern from being built up by accident (the patterns people write here are a few words).
MAX_PATTERN_LENGTH = 200

# Longest first, so `!=` is not read as `!` + `=` and `<=` not as `<`.
_OPERATORS = ("!=", "/=", "^=", "~=", "=~", "!~", "<=", ">=", "=", "<", ">")
_REGEX_OPERATORS = frozenset({"~=", "=~", "!~"})
# Ops that hold when the entry lacks the field: "is not equal" and "does not match" are true of nothing.
_TRUE_WHEN_MISSING = frozenset({"!=", "/=", "!~"})

_FIELD = re.compile(r"[^\W\d][\w.-]*")
_TYPE = re.compile(r"\*|\w+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

_HINT = (
    "a query looks like `@article[year>=2017, journal ~= 'Nature|Science']`, `!@misc` or `@*`; "
    "quote values that contain `,` `]` `&&` or `||`"
)


@dataclass(frozen=True)
class Condition:
    """`field op value`; `op` None means "the entry has this field"."""

    field: str
    op: str | None = None
    value: str = ""
    pattern: re.Pattern[str] | None = None

    def holds(self, fields: Mapping[str, str]) -> bool:
        actual = _field_value(fields, self.field)
        if self.op is None:
            return actual is not None
        if actual is None:
            return self.op in _TRUE_WHEN_MISSING
        if self.op == "=":
            return actual == self.value
        if self.op in ("!=", "/="):
            return actual != self.value
        if self.op == "^=":
            return actual.startswith(self.value)
        if self.pattern is not None:
            found = self.pattern.search(actual) is not None
            return not found if self.op == "!~" else found
        return _compare(actual, self.op, self.value)


@dataclass(frozen=True)
class TypeTest:
    """`[!]@type[conditions]`: `conditions` is OR of ANDs; empty means no condition."""

    entry_type: str  # lower case, or "*" for any type
    negated: bool = False
    conditions: tuple[tuple[Condition, ...], ...] = ()

    def matches(self, entry_type: str, fields: Mapping[str, str]) -> bool:
        same = self.entry_type == "*" or self.entry_type == entry_type.lower()
        if same == self.negated:
            return False
        return not self.conditions or any(all(c.holds(fields) for c in group) for group in self.conditions)


@dataclass(frozen=True)
class Query:
    """A compiled query: call it with `(entry_type, fields)`. `alternatives` is OR of ANDs of type tests."""

    source: str
    alternatives: tuple[tuple[TypeTest, ...], ...] = ()

    def __call__(self, entry_type: str, fields: Mapping[str, str]) -> bool:
        # An empty query selects everything, like bibtex-ruby's `matches?` with an empty query.
        if not self.alternatives:
            return True
        return any(all(t.matches(entry_type, fields) for t in chain) for chain in self.alternatives)


def compile_query(q: str) -> Callable[[str, Mapping[str, str]], bool]:
    """Compile `q` into a predicate over `(entry_type, fields)`; raise ScholarError if it does not parse."""
    return _Parser(q).parse()


def _field_value(fields: Mapping[str, str], name: str) -> str | None:
    # BibTeX field names are case-insensitive; the mapping may keep them as written in the .bib.
    if name in fields:
        value = fields[name]
    else:
        lower = name.lower()
        value = next((v for k, v in fields.items() if str(k).lower() == lower), None)
    return None if value is None else str(value)


def _compare(actual: str, op: str, value: str) -> bool:
    left: float | str = actual
    right: float | str = value
    # bibtex-ruby compares with to_i; we compare numbers as numbers only when both sides are numbers,
    # and otherwise fall back to comparing the strings, so `title < M` still means something.
    if _NUMBER.fullmatch(actual.strip()) and _NUMBER.fullmatch(value):
        left, right = float(actual), float(value)
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    return left >= right


class _Parser:
    """A hand-written scanner over the query text: small grammar, precise error positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> Query:
        alternatives: list[tuple[TypeTest, ...]] = []
        self._skip_space()
        while not self._at_end():
            alternatives.append(self._chain())
            had_space = self._skip_space()
            if self._at_end():
                break
            if self._take("||") or self._take("|") or self._take(","):
                self._skip_space()
                if self._at_end():
                    self._fail("nothing after the last separator")
            elif not had_space:
                self._fail("unexpected text")
        return Query(self.text, tuple(alternatives))

    def _chain(self) -> tuple[TypeTest, ...]:
        tests = [self._group()]
        while True:
            start = self.pos
            self._skip_space()
            if not self._take("&&"):
                self.pos = start
                return tuple(tests)
            self._skip_space()
            tests.append(self._group())

    def _group(self) -> TypeTest:
        negated = self._take("!")
        if negated:
            self._skip_space()
        if self._take("@"):
            match = _TYPE.match(self.text, self.pos)
            if match is None:
                self._fail("expected an entry type (such as `article`) or `*` after `@`")
            self.pos = match.end()
            entry_type = match.group(0).lower()
            start = self.pos
            self._skip_space()
            if not self._peek("["):
                self.pos = start
                return TypeTest(entry_type, negated)
        elif negated:
            self._fail("`!` must be followed by `@type`")
        elif self._peek("["):
            entry_type = "*"
        else:
            self._fail("expected `@type`, `!@type`, `@*` or `[condition]`")
        return TypeTest(entry_type, negated, self._conditions())

    def _conditions(self) -> tuple[tuple[Condition, ...], ...]:
        opened = self.pos
        self._take("[")
        self._skip_space()
        if self._take("]"):
            return ()
        groups: list[tuple[Condition, ...]] = []
        current = [self._condition()]
        while True:
            self._skip_space()
            if self._take("]"):
                groups.append(tuple(current))
                return tuple(groups)
            if self._at_end():
                self.pos = opened
                self._fail("`[` is never closed with `]`")
            if self._take("||"):
                groups.append(tuple(current))
                current = []
            elif not (self._take(",") or self._take("&&")):
                self._fail("expected `,`, `&&`, `||` or `]` after a condition")
            self._skip_space()
            current.append(self._condition())

    def _condition(self) -> Condition:
        match = _FIELD.match(self.text, self.pos)
        if match is None:
            self._fail("expected a field name (such as `year`)")
        self.pos = match.end()
        name = match.group(0)
        self._skip_space()
        op = next((candidate for candidate in _OPERATORS if self._peek(candidate)), None)
        if op is None:
            return Condition(name)
        self.pos += len(op)
        self._skip_space()
        value = self._value()
        pattern = _compile_pattern(value, self.text) if op in _REGEX_OPERATORS else None
        return Condition(name, op, value, pattern)

    def _value(self) -> str:
        if self._peek("'") or self._peek('"'):
            quote = self.text[self.pos]
            close = self.text.find(quote, self.pos + 1)
            if close == -1:
                self._fail(f"the quoted value starting here has no closing {quote}")
            value = self.text[self.pos + 1 : close]
            self.pos = close + 1
            return value
        end = self.pos
        while end < len(self.text) and not self.text.startswith((",", "]", "&&", "||"), end):
            end += 1
        value = self.text[self.pos : end].strip()
        self.pos = end
        return value

    def _skip_space(self) -> bool:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.pos > start

    def _peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def _take(self, token: str) -> bool:
        if self._peek(token):
            self.pos += len(token)
            return True
        return False

    def _at_end(self) -> bool:
        return self.pos >= len(self.text)

    def _fail(self, what: str) -> NoReturn:
        raise ScholarError(f"query {self.text!r}: {what} (at character {self.pos + 1})", hint=_HINT)


def _compile_pattern(pattern: str, query: str) -> re.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ScholarError(
            f"query {query!r}: the regular expression is {len(pattern)} characters long; "
            f"at most {MAX_PATTERN_LENGTH} are allowed",
            hint="match on a shorter distinctive part of the value",
        )
    try:
        return re.compile(pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        raise ScholarError(
            f"query {query!r}: {pattern!r} is not a valid regular expression ({error})",
            hint="regular expressions follow Python's `re` syntax; escape special characters with `\\`",
        ) from None
