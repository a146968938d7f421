"""Load .bib files: the first step of the citation engine.

Text of a .bib file -> :class:`BibFile` (entries with raw LaTeX field values, plus the problems found).
Later steps turn entries into CSL-JSON (``csl_json.py``, which decodes the LaTeX) and format them.

How a file is read:

1. The file is split into top-level ``@type{…}`` chunks by a brace-balanced scan that remembers each
   chunk's line and raw text. A chunk whose braces never close is cut at the next line that starts a new
   entry (``@article{``), so one broken entry does not swallow the rest of the file.
2. ``@string`` chunks are parsed first (so a macro defined after its use still resolves, and pybtex's
   month macros ``jan``…``dec`` are predefined), then each entry chunk is parsed by pybtex's low-level
   BibTeX parser (``bibtex_parse.py``, imported only when a file is parsed). ``@comment`` and
   ``@preamble`` are ignored.
3. ``crossref`` and ``xdata`` inheritance is applied, with biblatex's title -> booktitle/maintitle rules.

Nothing here raises for a problem inside the file: every problem becomes a :class:`BibIssue` that the
caller reports as a warning. Only a missing or unreadable file raises :class:`ScholarError`.
pybtex's global error state (``pybtex.errors``) is never touched: the parser's error hook is overridden.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ScholarError

__all__ = [
    "PERSON_FIELDS",
    "BibEntry",
    "BibFile",
    "BibIssue",
    "find_key",
    "load_bib_file",
    "parse_bib_text",
]

#: Fields holding lists of names ("A and B"): BibTeX's two, plus biblatex's name lists.
PERSON_FIELDS: frozenset[str] = frozenset(
    {
        "author",
        "editor",
        "translator",
        "bookauthor",
        "annotator",
        "commentator",
        "introduction",
        "foreword",
        "afterword",
        "editora",
        "editorb",
        "editorc",
        "holder",
        "shortauthor",
        "shorteditor",
        "namea",
        "nameb",
        "namec",
    }
)


@dataclass
class BibIssue:
    """A problem found in a .bib file, reported as a warning by the caller."""

    path: str  # as given to the loader (the caller passes a site-relative path label)
    line: int | None
    key: str | None
    message: str  # what is wrong and what to do

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class BibEntry:
    """One entry, fields still raw LaTeX."""

    key: str  # exactly as written in the .bib
    type: str  # entry type, lower-case: "inproceedings", "mvbook", "online", …
    # lower-case field names -> raw LaTeX values after @string expansion, #-concatenation and
    # crossref/xdata inheritance; name fields (author, editor…) are here too, as the raw "A and B" string
    fields: dict[str, str]
    persons: dict[str, list[str]]  # "author"/"editor"/… -> names as written (raw LaTeX), in order
    line: int  # 1-based line where the entry starts in the file
    source: str  # the raw BibTeX text of the entry as written in the file
    # biblatex's `related` and `entryset` keys, linked to the entries of the same file they name (in
    # their order; keys not in the file are left out, with an issue). Not compared: they may form cycles.
    related: list[BibEntry] = field(default_factory=list, repr=False, compare=False)
    members: list[BibEntry] = field(default_factory=list, repr=False, compare=False)


@dataclass
class BibFile:
    """A parsed .bib file."""

    path: str
    entries: dict[str, BibEntry]  # in file order (read from the cache: a cache.DiskEntries mapping)
    issues: list[BibIssue] = field(default_factory=list)
    digest: str = ""  # sha256 of the file bytes (of the UTF-8 text for parse_bib_text)


def find_key(bib: BibFile, key: str) -> BibEntry | None:
    """The entry for ``key``: exact match first, then case-insensitive (BibTeX keys ignore case)."""
    entry = bib.entries.get(key)
    if entry is not None:
        return entry
    folded = key.casefold()
    for candidate, entry in bib.entries.items():
        if candidate.casefold() == folded:
            return entry
    return None


def load_bib_file(path: Path, label: str | None = None) -> BibFile:
    """Read and parse a .bib file. ``label`` names it in issues (default: the path as given).

    Raises :class:`ScholarError` only if the file is missing or unreadable. A file that is not UTF-8
    is read as Latin-1, with an issue saying so.
    """
    name = label if label is not None else str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScholarError(
            "bibliography file not found",
            path=name,
            hint="check the scholar 'source' and 'bibliography' settings",
        ) from None
    except IsADirectoryError:
        raise ScholarError(
            "bibliography path is a folder, not a .bib file", path=name, hint="name a .bib file inside it"
        ) from None
    except OSError as exc:
        raise ScholarError(
            f"cannot read bibliography file: {exc.strerror or exc}", path=name, hint="check its permissions"
        ) from None
    issues: list[BibIssue] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("latin-1")
        line = data.count(b"\n", 0, exc.start) + 1
        issues.append(
            BibIssue(
                name,
                line,
                None,
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); it was read as "
                "Latin-1, so check its accented letters (save the file as UTF-8)",
            )
        )
    bib = parse_bib_text(text, name)
    bib.issues[:0] = issues
    bib.digest = hashlib.sha256(data).hexdigest()
    return bib


def parse_bib_text(text: str, label: str) -> BibFile:
    """Parse BibTeX text; ``label`` names the source in issues."""
    from .bibtex_parse import Loader  # pybtex's parser: a build whose files are all cached never needs it

    return Loader(text, label).run()


# --------------------------------------------------------------------------------------------------
# Splitting into chunks
# --------------------------------------------------------------------------------------------------


@dataclass
class _Chunk:
    kind: str  # lower-case command: "article", "string", "comment", …
    start: int  # offset of the "@"
    end: int  # offset after the closing brace/parenthesis
    line: int
    closed: bool  # False: the braces never balanced and the chunk was cut at the next entry
    cut_line: int | None = None  # where it was cut


_HEAD_RE = re.compile(r"@[ \t]*([A-Za-z][\w:.+-]*)[ \t\r\n]*([{(])")
# a line that starts a new entry: where an unclosed chunk is cut
_NEXT_ENTRY = r"\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]"
_BRACE_SCAN = re.compile(r"[{}]|" + _NEXT_ENTRY)
_PAREN_SCAN = re.compile(r'[{}()"]|' + _NEXT_ENTRY)


class _LineIndex:
    """Offset -> 1-based line number, by bisecting the newline offsets once computed."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


def _split_chunks(text: str, lines: _LineIndex) -> Iterator[_Chunk]:
    pos = 0
    while True:
        at = text.find("@", pos)
        if at == -1:
            return
        head = _HEAD_RE.match(text, at)
        if head is None:
            # "@" outside an entry that starts none (an e-mail address in a comment): BibTeX text
            # outside entries is a comment, so skip it
            pos = at + 1
            continue
        kind = head.group(1).lower()
        parens = head.group(2) == "("
        # with "(…)" the entry ends at a ")" outside braces; with "{…}" at the brace matching the first
        depth = 0 if parens else 1
        quoted = False  # inside "…" at brace depth 0 of a (…) entry, where ")" does not end it
        end = None
        cut = None
        for m in (_PAREN_SCAN if parens else _BRACE_SCAN).finditer(text, head.end()):
            tok = m.group()
            if tok == '"':
                if depth == 0:
                    quoted = not quoted
            elif tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0 and not parens:
                    end = m.end()
                    break
                depth = max(depth, 0)
            elif tok == ")":
                if depth == 0 and not quoted:
                    end = m.end()
                    break
            elif tok != "(":
                # a new entry starts before this one closed
                cut = m.start() + 1
                break
        if end is not None:
            yield _Chunk(kind, at, end, lines.line(at), closed=True)
            pos = end
        else:
            stop = cut if cut is not None else len(text)
            cut_line = lines.line(stop) if cut is not None else None
            yield _Chunk(kind, at, stop, lines.line(at), closed=False, cut_line=cut_line)
            pos = stop


# --------------------------------------------------------------------------------------------------
# crossref / xdata
# --------------------------------------------------------------------------------------------------

# biblatex never inherits these (biblatex manual, "Data inheritance")
_NEVER_INHERITED = frozenset(
    "ids crossref xref xdata entryset entrysubtype execute label options presort related relatedoptions "
    "relatedstring relatedtype shorthand shorthandintro sortkey".split()
)
_MULTIVOLUME = frozenset({"mvbook", "mvcollection", "mvreference", "mvproceedings"})
_WHOLE_WORKS = frozenset({"book", "collection", "reference", "proceedings"})
_PARTS = frozenset(
    {
        "inbook",
        "bookinbook",
        "suppbook",
        "incollection",
        "suppcollection",
        "inreference",
        "inproceedings",
        "conference",
    }
)
_VOLUMES = frozenset({"book", "collection", "reference", "proceedings"})
_TITLE_ONLY_FIELDS = frozenset({"shorttitle", "sorttitle", "indextitle", "indexsorttitle"})


def _title_mapping(parent_type: str, child_type: str) -> dict[str, str]:
    """Where the parent's title fields go in the child (biblatex's default inheritance setup)."""
    if parent_type in _MULTIVOLUME and (child_type in _PARTS or child_type in _VOLUMES):
        return {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
    if (parent_type in _WHOLE_WORKS) and child_type in _PARTS:
        return {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
    if parent_type == "periodical" and child_type in ("article", "suppperiodical"):
        return {"title": "journaltitle", "subtitle": "journalsubtitle"}
    return {}


def _apply_inheritance(bib: BibFile) -> None:
    done: set[str] = set()
    for entry in list(bib.entries.values()):
        _resolve(bib, entry, done, [])
    for entry in bib.entries.values():
        entry.related = _linked(bib, entry, "related")
        entry.members = _linked(bib, entry, "entryset") if entry.type == "set" else []


def _linked(bib: BibFile, entry: BibEntry, fname: str) -> list[BibEntry]:
    """The entries a comma list of keys (``related``, ``entryset``) names; an issue for each missing."""
    out = []
    for ref in (entry.fields.get(fname) or "").split(","):
        ref = ref.strip()
        if not ref:
            continue
        target = find_key(bib, ref)
        if target is entry:
            continue  # an entry related to itself adds nothing
        if target is None:
            bib.issues.append(_missing_parent(bib, entry, fname, ref, f"remove it from the {fname} field"))
            continue
        out.append(target)
    return out


def _missing_parent(bib: BibFile, entry: BibEntry, fname: str, ref: str, remedy: str) -> BibIssue:
    """An entry names (in ``crossref``, ``xdata``, ``related``, …) a key the file does not have."""
    return BibIssue(
        bib.path,
        entry.line,
        entry.key,
        f"{fname} '{ref}' of entry '{entry.key}' is not in this file (add the entry '{ref}' or {remedy})",
    )


def _resolve(bib: BibFile, entry: BibEntry, done: set[str], stack: list[str]) -> None:
    if entry.key in done:
        return
    if entry.key in stack:
        bib.issues.append(
            BibIssue(
                bib.path,
                entry.line,
                entry.key,
                f"crossref/xdata loop: {' -> '.join([*stack, entry.key])} (remove one of the references)",
            )
        )
        return
    stack.append(entry.key)
    parents: list[tuple[str, str]] = []
    for fname in ("xdata", "crossref"):
        for ref in (entry.fields.get(fname) or "").split(","):
            if ref.strip():
                parents.append((fname, ref.strip()))
    for fname, ref in parents:
        parent = find_key(bib, ref)
        if parent is None:
            bib.issues.append(_missing_parent(bib, entry, fname, ref, f"remove the {fname} field"))
            continue
        _resolve(bib, parent, done, stack)
        _inherit(entry, parent, titles=fname == "crossref")
    stack.pop()
    done.add(entry.key)


def _inherit(child: BibEntry, parent: BibEntry, *, titles: bool) -> None:
    mapping = _title_mapping(parent.type, child.type) if titles else {}
    if mapping:
        for src, dst in mapping.items():
            if src in parent.fields and dst not in child.fields:
                # a parent that spells out its booktitle (Beebe's proceedings do) knows best
                child.fields[dst] = parent.fields.get(dst, parent.fields[src])
        if parent.type in ("book",) and child.type in ("inbook", "bookinbook", "suppbook"):
            if "author" in parent.fields and "bookauthor" not in child.fields:
                child.fields["bookauthor"] = parent.fields["author"]
                child.persons["bookauthor"] = list(parent.persons.get("author", []))
    for name, value in parent.fields.items():
        if name in child.fields or name in _NEVER_INHERITED:
            continue
        if mapping and (name in mapping or name in _TITLE_ONLY_FIELDS):
            continue  # went to booktitle/maintitle instead
        if name == "author" and "bookauthor" in child.fields and child.fields["bookauthor"] == value:
            continue
        child.fields[name] = value
        if name in parent.persons:
            child.persons[name] = list(parent.persons[name])


def entry_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every ``@kind{…}`` chunk in ``text``, in order (``kind`` lower-case)."""
    return [(c.start, c.end, c.kind) for c in _split_chunks(text, _LineIndex(text))]
