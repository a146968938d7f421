"""Parsing a .bib file's chunks with pybtex's low-level BibTeX parser (steps 2 and 3 of ``bibtex.py``).

Its own module so that pybtex is imported only when a file is parsed: a build whose .bib files are all in
the cache (``cache.py``) never is.
"""

from __future__ import annotations

import hashlib
import re

from pybtex.bibtex.utils import split_name_list
from pybtex.database.input.bibtex import LowLevelParser, month_names
from pybtex.scanner import PybtexError, PybtexSyntaxError
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

from .bibtex import (
    PERSON_FIELDS,
    BibEntry,
    BibFile,
    BibIssue,
    _apply_inheritance,
    _Chunk,
    _LineIndex,
    _split_chunks,
)

# --------------------------------------------------------------------------------------------------
# Parsing chunks with pybtex
# --------------------------------------------------------------------------------------------------


class _ChunkParser(LowLevelParser):
    """pybtex's low-level parser, collecting errors and undefined macros instead of raising."""

    def __init__(self, text: str, macros: CaseInsensitiveDict, label: str) -> None:
        super().__init__(text, macros=macros, handle_error=self._collect, filename=label)
        self.errors: list[PybtexError] = []
        self.undefined: list[tuple[str, int]] = []  # (macro name, chunk-relative line)

    def _collect(self, error: PybtexError) -> None:
        self.errors.append(error)

    def substitute_macro(self, name: str) -> str:
        try:
            return self.macros[name]
        except KeyError:
            # BibTeX prints nothing for it; the macro's name is a better stand-in than a hole
            self.undefined.append((name, self.lineno))
            return name


class Loader:
    def __init__(self, text: str, label: str) -> None:
        self.text = text
        self.label = label
        self.lines = _LineIndex(text)
        self.issues: list[BibIssue] = []
        self.macros = CaseInsensitiveDict(month_names)
        # lower-case macro name -> (name as first written, line, key) of its first use
        self.undefined_first: dict[str, tuple[str, int, str | None]] = {}
        self.undefined_uses: dict[str, int] = {}

    def issue(self, line: int | None, key: str | None, message: str) -> None:
        self.issues.append(BibIssue(self.label, line, key, message))

    def run(self) -> BibFile:
        chunks = list(_split_chunks(self.text, self.lines))
        for chunk in chunks:
            if chunk.kind == "string":
                self._parse_chunk(chunk)
        entries: dict[str, BibEntry] = {}
        folded: dict[str, str] = {}
        for chunk in chunks:
            if chunk.kind in ("string", "comment", "preamble"):
                continue
            entry = self._parse_chunk(chunk)
            if entry is None:
                continue
            first = entries.get(entry.key)
            if first is not None:
                self.issue(
                    entry.line,
                    entry.key,
                    f"duplicate key '{entry.key}' (first defined at line {first.line}); the first entry is "
                    "used (rename or delete one of them)",
                )
                continue
            other = folded.get(entry.key.casefold())
            if other is not None:
                self.issue(
                    entry.line,
                    entry.key,
                    f"key '{entry.key}' differs only in case from '{other}' (line {entries[other].line}); "
                    "BibTeX treats them as the same key (rename one)",
                )
            else:
                folded[entry.key.casefold()] = entry.key
            entries[entry.key] = entry
        for lower, (name, line, key) in self.undefined_first.items():
            others = self.undefined_uses[lower] - 1
            self.issue(
                line,
                key,
                f"undefined @string macro '{name}' in entry '{key}'"
                + (f" and {others} more use{'s' if others > 1 else ''} in this file" if others else "")
                + f'; its name is printed in its place (define it with @string{{{name} = "..."}} or '
                "quote the value)",
            )
        bib = BibFile(self.label, entries, self.issues, hashlib.sha256(self.text.encode("utf-8")).hexdigest())
        _apply_inheritance(bib)
        for key in [k for k, e in entries.items() if e.type == "xdata"]:
            # @xdata entries only feed fields to others; biblatex never prints or cites them
            del entries[key]
        if not entries:
            message = "empty bibliography: no entries found (is this the right file?)"
            bib.issues.append(BibIssue(self.label, None, None, message))
        self.issues.sort(key=lambda i: i.line or 0)
        return bib

    def _parse_chunk(self, chunk: _Chunk) -> BibEntry | None:
        source = self.text[chunk.start : chunk.end].rstrip()
        parser = _ChunkParser(source, self.macros, self.label)
        result = None
        try:
            result = next(iter(parser), None)
        except (PybtexError, RecursionError) as exc:  # the hook collects most; be safe with the rest
            parser.errors.append(exc if isinstance(exc, PybtexError) else PybtexError(str(exc)))
        key = None
        fields_raw: list[tuple[str, list[str]]] = []
        if result is not None and chunk.kind != "string":
            key, fields_raw = result[1]
        elif parser.current_entry_key:
            key = parser.current_entry_key
        for name, rel_line in parser.undefined:
            self.undefined_uses[name.lower()] = self.undefined_uses.get(name.lower(), 0) + 1
            if name.lower() not in self.undefined_first:
                self.undefined_first[name.lower()] = (name, chunk.line + rel_line - 1, key)
        if not chunk.closed:
            self.issue(
                chunk.line,
                key,
                f"@{chunk.kind} entry {_name(key)}is not closed: its braces do not balance before "
                + (f"line {chunk.cut_line}" if chunk.cut_line else "the end of the file")
                + " (add the missing '}'); "
                + ("the fields read before the break are kept" if key else "the entry is skipped"),
            )
        elif parser.errors:
            error = parser.errors[0]
            line = chunk.line + error.lineno - 1 if isinstance(error, PybtexSyntaxError) else chunk.line
            self.issue(
                line,
                key,
                f"syntax error in @{chunk.kind} {_name(key).rstrip()}: {_error_text(error)} "
                "(check the braces, quotes, '=' and commas there); "
                + ("the fields before it are kept" if key and chunk.kind != "string" else "it is skipped"),
            )
        if chunk.kind == "string" or not key:
            return None
        return self._make_entry(chunk, key, fields_raw, source)

    def _make_entry(
        self, chunk: _Chunk, key: str, fields_raw: list[tuple[str, list[str]]], source: str
    ) -> BibEntry:
        fields: dict[str, str] = {}
        persons: dict[str, list[str]] = {}
        seen: dict[str, int] = {}
        for name, parts in fields_raw:
            lname = name.lower()
            seen[lname] = seen.get(lname, 0) + 1
            if lname in fields:
                line = _field_line(source, name, seen[lname], chunk.line)
                self.issue(
                    line,
                    key,
                    f"entry '{key}' has the field '{lname}' more than once; the first value is used "
                    "(delete the other)",
                )
                continue
            value = normalize_whitespace("".join(parts))
            fields[lname] = value
            if lname in PERSON_FIELDS and value:
                persons[lname] = [n.strip() for n in split_name_list(value) if n.strip()]
        return BibEntry(key, chunk.kind, fields, persons, chunk.line, source)


def _field_line(source: str, name: str, nth: int, entry_line: int) -> int:
    """The line of the ``nth`` ``name = …`` of an entry's source (the entry's line if not found)."""
    found = list(re.finditer(rf"(?:^|[,{{(])\s*{re.escape(name)}\s*=", source, re.I | re.M))
    if len(found) < nth:
        return entry_line
    m = found[nth - 1]
    start = m.start() + len(m.group()) - len(m.group().lstrip(",{( \t\r\n"))
    return entry_line + source.count("\n", 0, start)


def _name(key: str | None) -> str:
    return f"'{key}' " if key else ""


def _error_text(error: PybtexError) -> str:
    message = str(error.args[0] if error.args else error)
    if message in ("'}' expected", "')' expected"):
        # pybtex stops at the first token that is neither "," nor the closing brace
        return f"a ',' between fields or the closing {message.split()[0]} was expected"
    return message
