"""Jekyll front matter → what MkDocs and Material (blog, tags) expect. Pure functions, no MkDocs.

This runs first, on the raw file, because Material's blog plugin reads and validates post front matter
itself while collecting files, before any page event. What it fixes:

- ``date``: Jekyll accepts ``2017-07-17 12:00:00 +0900`` (YAML keeps it a string) and, with no ``date``,
  takes the date from a ``YYYY-M-D-title.md`` file name; Material needs a real date on every post.
- ``tags`` / ``categories`` / ``category``: a space-separated string in Jekyll; lists for Material.
- ``published: false`` → ``draft: true``.
- Keys Material's blog validates (``authors``, ``links``, ``pin``, ``readtime``, ``slug``, ``draft``) but that
  a Jekyll theme used differently are coerced or moved aside, so no post fails validation.
Everything else (``layout``, ``permalink``, ``excerpt``, ``author``, theme keys) is kept and is harmless.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .scholar.errors import Problem

# The same front-matter block MkDocs recognises (mkdocs.utils.meta.YAML_RE), so line numbers agree.
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
# Jekyll's post file name: YYYY-MM-DD-title.ext, months and days possibly unpadded.
POST_NAME_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)\.[^.]+$")
_DATE_RE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
MATH_KEYS = ("use_math", "math", "mathjax")


@dataclass
class Translation:
    """The result of translating one file's front matter."""

    meta: dict[str, Any]  # the translated metadata
    text: str | None  # the whole file with translated front matter, or None when nothing changed
    body_line: int  # the line of the original file where MkDocs' Markdown body starts (1-based)
    draft: bool = False  # `published: false`, or a post in Jekyll's `_drafts/`
    problems: list[Problem] = field(default_factory=list)
    date_offset: dt.timedelta | None = None  # the UTC offset the date was written with, if any


def decode(data: bytes) -> tuple[str, Problem | None]:
    """A page's bytes as text: UTF-8 (a BOM is dropped), or Latin-1 with a problem when not UTF-8 (posts
    written years ago on another system), so the page still builds and nothing crashes on it later."""
    try:
        return _newlines(data.decode("utf-8-sig")), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _newlines(data.decode("latin-1")), Problem(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); it was read as Latin-1",
            line=line,
            hint="check its accented letters and save it as UTF-8",
        )


def _newlines(text: str) -> str:
    # As Python's text mode reads files (and MkDocs with it): CRLF and CR become LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(YAML text or None, body as MkDocs sees it, body's first line in the original file)."""
    text = text.lstrip("\ufeff")
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return None, text, 1
    rest = text[m.end() :]
    body = rest.lstrip("\n")
    skipped = text[: m.end()].count("\n") + (len(rest) - len(body))
    return m.group(1), body, skipped + 1


def parse_date(value: str) -> dt.datetime | None:
    """A Jekyll date string → a naive datetime (the time as written; the offset is dropped)."""
    m = _DATE_RE.match(value)
    if not m:
        return None
    y, mo, d, hh, mm, ss, _tz = m.groups()
    try:
        return dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None


def date_offset(value: Any) -> dt.timedelta | None:
    """The UTC offset a front-matter date was written with (``+0900``, ``-04:00``, ``Z``), or None."""
    if isinstance(value, dt.datetime):
        return value.utcoffset()
    if not isinstance(value, str):
        return None
    m = _DATE_RE.match(value)
    if not m or not m.group(7):
        return None
    tz = m.group(7)
    if tz == "Z":
        return dt.timedelta(0)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def date_from_filename(name: str) -> dt.datetime | None:
    m = POST_NAME_RE.match(name.rsplit("/", 1)[-1])
    if not m:
        return None
    try:
        return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def wants_math(meta: dict[str, Any], mode: str = "page") -> bool:
    """Does this page get math? ``mode`` is the site-wide setting: ``always``/``never`` override the page's
    own ``use_math``/``math``/``mathjax`` flag (as themes spell it); ``page`` lets the page decide."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    for key in MATH_KEYS:
        if key in meta:
            return _truthy(meta[key])
    return False


def unpublished(meta: dict[str, Any]) -> bool:
    """Jekyll's ``published: false``."""
    return "published" in meta and not _truthy(meta["published"])


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _word_list(value: Any, key: str, problems: list[Problem], line: int, split: bool = True) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split() if split else [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if item is None:
                continue
            if isinstance(item, (dict, list)):
                problems.append(
                    Problem(f"'{key}' holds a {type(item).__name__}; only words are kept", line=line)
                )
                continue
            out.append(str(item))
        return out
    problems.append(
        Problem(
            f"'{key}: {value}' is not a list or text; read as '{value}'",
            line=line,
            hint=f"write {key}: [a, b] or {key}: a b",
        )
    )
    return [str(value)]


def translate(
    text: str,
    path: str,
    *,
    is_post: bool = False,
    is_draft: bool = False,
    fallback_date: dt.datetime | None = None,
) -> Translation:
    """Translate the front matter of the file at docs-relative ``path`` (only for messages and its date).

    ``is_draft``: a post from Jekyll's ``_drafts/``, which has no date in its name; Jekyll dates it by the
    file's modification time, given as ``fallback_date``.
    """
    yaml_text, body, body_line = split_front_matter(text)
    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    unusable = False
    if yaml_text is not None:
        try:
            loaded, unusable = _load_yaml(yaml_text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            problems.append(
                Problem(
                    f"front matter is not valid YAML: {reason}",
                    line=line,
                    hint="fix the YAML between the --- lines; until then the page is built without it",
                )
            )
            # The page is staged without it, so MkDocs and Material (which would abort) read none.
            unusable = True
            loaded = None
        if isinstance(loaded, dict):
            meta = {str(k): v for k, v in loaded.items()}
        elif loaded is not None:
            unusable = True
            problems.append(Problem("front matter is not a mapping of keys to values; it is ignored", line=2))
    original = dict(meta)
    line_of = _key_lines(yaml_text or "")

    # date: front matter first (Jekyll lets it win over the file name), then the file name.
    file_date = date_from_filename(path) or (fallback_date if is_draft else None)
    offset = date_offset(meta.get("date"))
    if "date" in meta:
        value = meta["date"]
        if isinstance(value, dt.datetime):
            meta["date"] = value.replace(tzinfo=None)
        elif isinstance(value, dt.date):
            pass
        else:
            parsed = parse_date(str(value)) if value is not None else None
            if parsed is None:
                problems.append(
                    Problem(
                        f"date '{value}' is not a date"
                        + (", using the file name's date" if file_date else ""),
                        line=line_of.get("date"),
                        hint="write date: YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +0000",
                    )
                )
                if file_date:
                    meta["date"] = file_date
                else:
                    del meta["date"]
            else:
                meta["date"] = parsed
    elif file_date is not None:
        meta["date"] = file_date
    if is_post and "date" not in meta:
        problems.append(
            Problem(
                "post has no date (none in front matter or file name); using 1970-01-01",
                line=1,
                hint="add date: YYYY-MM-DD to the front matter",
            )
        )
        meta["date"] = dt.datetime(1970, 1, 1)

    if "tags" in meta:
        meta["tags"] = _word_list(meta["tags"], "tags", problems, line_of.get("tags", 1))
    if "categories" in meta or "category" in meta:
        cats = _word_list(meta.get("categories"), "categories", problems, line_of.get("categories", 1))
        # `category` is one category in Jekyll, spaces included.
        for cat in _word_list(
            meta.get("category"), "category", problems, line_of.get("category", 1), split=False
        ):
            if cat not in cats:
                cats.append(cat)
        meta["categories"] = cats

    # Jekyll hides a post only for `published: false` (the YAML boolean); any other value publishes it.
    draft = is_draft or meta.get("published", True) is False
    if "published" in meta and not isinstance(meta["published"], bool) and meta["published"] is not None:
        problems.append(
            Problem(
                f"'published: {meta['published']}' is not true or false; the page is published, as in Jekyll",
                line=line_of.get("published"),
                hint="write published: false to hide it, or remove the line",
            )
        )
    if draft and "draft" not in meta:
        meta["draft"] = True

    if "title" in meta and meta["title"] is not None and not isinstance(meta["title"], str):
        meta["title"] = str(meta["title"])
    _coerce_blog_keys(meta, problems, line_of)
    _escape_printed_keys(meta, problems, line_of)

    changed = meta != original or unusable
    new_text = None
    if changed:
        dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
        new_text = f"---\n{dumped}---\n\n{body}"
    return Translation(meta, new_text, body_line, draft=draft, problems=problems, date_offset=offset)


def _coerce_blog_keys(meta: dict[str, Any], problems: list[Problem], line_of: dict[str, int]) -> None:
    """Keys Material's blog plugin validates strictly: make Jekyll's values fit or move them aside."""
    if "authors" in meta and not (
        isinstance(meta["authors"], list) and all(isinstance(a, str) for a in meta["authors"])
    ):
        meta["authors"] = _word_list(
            meta["authors"], "authors", problems, line_of.get("authors", 1), split=False
        )
    expected = {"pin": bool, "draft": bool, "readtime": int, "slug": str, "links": list}
    for key, kind in expected.items():
        if key in meta and not isinstance(meta[key], kind):
            if kind is bool and isinstance(meta[key], str):
                meta[key] = _truthy(meta[key])
                continue
            # Kept under another name, so Material does not reject the post.
            meta[f"jekyll_{key}"] = meta.pop(key)


# Material's templates print these front matter values into HTML without escaping (MkDocs' Jinja has no
# autoescape): the description and author inside an attribute, the title as text. Jekyll themes escape
# them (`{{ page.title | escape }}`), so a title such as "Using <div>" shows as written. Only '<' and '>'
# are escaped in the title, which Material also turns into the post's URL slug, so a URL does not change
# for a title with '&' or quotes. Tag and category names lose '<' and '>': Material prints them through
# `striptags`, which would undo an escape.
_ATTRIBUTE_KEYS = ("description", "author")
_TEXT_KEYS = ("title", "subtitle")
_LIST_KEYS = ("tags", "categories")


def _escape_printed_keys(meta: dict[str, Any], problems: list[Problem], line_of: dict[str, int]) -> None:
    for key in _ATTRIBUTE_KEYS:
        if isinstance(meta.get(key), str):
            meta[key] = html.escape(meta[key])
    for key in _TEXT_KEYS:
        if isinstance(meta.get(key), str):
            meta[key] = meta[key].replace("<", "&lt;").replace(">", "&gt;")
    for key in _LIST_KEYS:
        values = meta.get(key)
        if isinstance(values, list) and any(isinstance(v, str) and ("<" in v or ">" in v) for v in values):
            meta[key] = [v.replace("<", "").replace(">", "") if isinstance(v, str) else v for v in values]
            problems.append(
                Problem(
                    f"'{key}' names may not contain '<' or '>'; they were removed",
                    line=line_of.get(key, 1),
                    hint=f"write the {key} as plain words",
                )
            )


class _NoTimestampLoader(yaml.SafeLoader):
    """YAML without timestamps: a value such as ``2020-13-45`` stays text instead of raising ValueError."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# libyaml's parser where PyYAML has it (several times faster on a thousand posts), the same safe loader.
# It accepts tabs where the pure-Python parser (which Material's blog reads posts with) refuses them:
# YAML with a tab is read by the pure-Python one, so the two never disagree about a file.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> tuple[Any, bool]:
    """The YAML's value, and whether it had to be read without timestamps (MkDocs would fail on it)."""
    loader = yaml.SafeLoader if "\t" in text else _FAST_LOADER
    try:
        return yaml.load(text, Loader=loader), False  # noqa: S506 - a safe loader
    except (ValueError, OverflowError):  # a timestamp that is no date (month 13); YAMLError passes through
        return yaml.load(text, Loader=_NoTimestampLoader), True  # noqa: S506 - a SafeLoader subclass


def _key_lines(yaml_text: str) -> dict[str, int]:
    """Top-level key → its line in the file (the front matter starts on line 2)."""
    out: dict[str, int] = {}
    for i, line in enumerate(yaml_text.splitlines(), start=2):
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if m:
            out.setdefault(m.group(1), i)
    return out
