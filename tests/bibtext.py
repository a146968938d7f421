"""What a .bib file says, read without mkdocs_scholar, and what of its LaTeX a reader may still see.

The end-to-end tests compare built pages against the .bib files themselves, so the reading here is kept
apart from the plugin's own parser (and much simpler: it relies on entries starting a line, as they do
in every file the tests use).

``leftover_latex`` is the check "no LaTeX left outside math", made precise: TeX itself prints a
backslash only for TUGboat's ``\\cs{name}``/``\\macro{name}`` (the control sequence ``\\name``, in
typewriter type), and braces or dollars only where the source escapes them (``\\{``, ``\\$``). Anything
else (a ``\\command``, a stray brace, a private-use marker of the formatter) is LaTeX the page should not
show.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import Tag

_HEAD_RE = re.compile(r"^@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]*)", re.M)
_NOT_ENTRIES = ("string", "preamble", "comment")
MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


@dataclass
class RawEntry:
    type: str  # lower case
    key: str  # as written
    line: int  # of the "@"
    source: str  # the whole entry, as written


@dataclass
class RawBib:
    entries: list[RawEntry]  # every entry in file order, duplicates included
    strings: dict[str, str] = field(default_factory=dict)  # lower-case @string name -> its source
    string_lines: dict[str, int] = field(default_factory=dict)

    def keys(self) -> list[str]:
        """The keys a bibliography of the whole file lists: file order, the first of duplicates."""
        return list(dict.fromkeys(e.key for e in self.entries))

    def entry(self, key: str) -> RawEntry:
        return next(e for e in self.entries if e.key == key)

    def context(self, key: str) -> str:
        """The text an entry's printed form can come from: the entry, the entries it inherits from or
        lists (crossref, xdata, entryset, related) and the @string definitions it uses."""
        entry = self.entry(key)
        parts = [entry.source]
        for name in ("crossref", "xdata", "entryset", "related"):
            value = field_value(entry.source, name)
            for ref in (value or "").split(","):
                other = next((e for e in self.entries if e.key.lower() == ref.strip().lower()), None)
                if other is not None:
                    parts.append(other.source)
        text = "\n".join(parts)
        for name in macro_uses(text):
            if name in self.strings:
                parts.append(self.strings[name])
        return "\n".join(parts)


def read_bib(path: Path) -> RawBib:
    text = path.read_text(encoding="utf-8")
    bib = RawBib([])
    for m in _HEAD_RE.finditer(text):
        kind = m.group(1).lower()
        source = text[m.start() : _balanced_end(text, m.start())]
        line = text.count("\n", 0, m.start()) + 1
        if kind == "string":
            name = re.match(r"@\w+\s*[{(]\s*([^=\s]+)", source)
            if name:
                bib.strings[name.group(1).lower()] = source
                bib.string_lines[name.group(1).lower()] = line
        elif kind not in _NOT_ENTRIES:
            bib.entries.append(RawEntry(kind, m.group(2), line, source))
    return bib


def _balanced_end(text: str, start: int) -> int:
    """End of the entry starting at ``start``. BibTeX counts every brace, escaped or not; an entry whose
    braces never balance ends where the next line starting with "@" begins."""
    opening = re.compile(r"[{(]").search(text, start)
    if opening is None:
        return len(text)
    opener = opening.group()
    closer = "}" if opener == "{" else ")"
    depth = 0
    for i in range(opening.start(), len(text)):
        char = text[i]
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        elif char == "\n" and text.startswith("@", i + 1):
            return i
    return len(text)


def field_value(source: str, name: str) -> str | None:
    """The raw value of a field with a simple braced or quoted value (enough for keys and titles)."""
    m = re.search(
        rf"(?:^|[,{{(])\s*{re.escape(name)}\s*=\s*([{{\"])(.*?)[}}\"]\s*,?\s*$", source, re.I | re.M | re.S
    )
    return m.group(2) if m else None


def macro_uses(source: str) -> list[str]:
    """Lower-case names of the @string macros a text uses (``= name`` or ``# name``, unquoted)."""
    return [m.group(1).lower() for m in re.finditer(r"(?:=|#)\s*([A-Za-z][\w:.+/-]*)\s*(?=[,#}\n])", source)]


def field_lines(entry: RawEntry) -> list[tuple[str, int]]:
    """(lower-case field name, 1-based file line) of every field of an entry, in order."""
    out = []
    for m in re.finditer(r"(?:^|,)[ \t]*([A-Za-z][\w-]*)[ \t]*=", entry.source, re.M):
        out.append((m.group(1).lower(), entry.line + entry.source.count("\n", 0, m.start(1))))
    return out


# -- what a reader may see ----------------------------------------------------------------------------
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_CONTROL_SEQUENCE_RE = re.compile(r"\\(?:cs|macro)\s*\{\s*([^{}]+?)\s*\}")


def leftover_latex(element: Tag, context: str) -> list[str]:
    """What of ``element``'s visible text is LaTeX that TeX would not print, given the .bib text
    (``RawBib.context``) it was formatted from. Math (``.arithmatex``) is MathJax's and not looked at."""
    element = copy.copy(element)
    problems = []
    for math in element.select(".arithmatex"):
        tex = math.get_text()
        if not re.fullmatch(r"\\\(.*\\\)|\\\[.*\\\]|\\begin\{.*", tex, re.S):
            problems.append(f"math without MathJax delimiters: {tex!r}")
        math.decompose()
    # \cs{csname\ldots} prints "\csname…": the name is the argument's letters
    printed_names = {re.match(r"[A-Za-z@]*", arg).group() for arg in _CONTROL_SEQUENCE_RE.findall(context)}
    for code in element.find_all("code"):
        if "\\" in code.get_text():
            printed = re.fullmatch(r"\\([A-Za-z@]*)[^\\]*", code.get_text())
            if not printed or printed.group(1) not in printed_names:
                problems.append(f"backslash in code not from \\cs or \\macro: {code.get_text()!r}")
            code.decompose()
    for link in element.find_all("a"):
        if link.get_text() == link.get("href") or link.get("href", "").endswith(link.get_text()):
            link.decompose()  # a URL or DOI, verbatim from the .bib
    text = element.get_text()
    if _PRIVATE_USE_RE.search(text):
        problems.append(f"formatter marker left: {text!r}")
    for m in re.finditer(r"\\[A-Za-z@]*", text):
        problems.append(f"backslash outside math and code: {m.group()!r} in {text!r}")
    for char, escapes in (
        ("{", (r"\{", r"\lbrace", r"\textbraceleft")),
        ("}", (r"\}", r"\rbrace", r"\textbraceright")),
        ("$", (r"\$", r"\textdollar")),
        ("~", (r"\~{}", r"\textasciitilde")),
    ):
        allowed = sum(context.count(e) for e in escapes)
        if text.count(char) > allowed:
            problems.append(f"{char!r} printed {text.count(char)} times, escaped {allowed} times: {text!r}")
    return problems
