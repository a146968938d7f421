"""Jekyll's ``site`` collections for Liquid: ``site.posts``, ``site.pages``, ``site.tags``,
``site.categories`` and ``site.data``, as plain dicts and lists.

The generator hands over one ``PageRecord`` per page once every page's final URL is known (the MkDocs plugin
does it in ``on_nav``); ``site_index`` turns them into what Jekyll's loops read: posts newest first, each tag
and category mapped to its posts. A post's ``url`` is a page-link marker, so ``{{ post.url | relative_url }}``
and ``[…]({{ post.url }})`` reach the post from any page, under any sub-path. ``load_data`` reads ``_data/``
(YAML, JSON, CSV, TSV; folders nest) as Jekyll does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..frontmatter import split_front_matter
from ..scholar.errors import Problem
from .environment import doc_link


@dataclass
class PageRecord:
    """One page of the site, as the generator knows it before rendering."""

    path: str  # docs-relative source path
    url: str  # site-relative URL
    meta: Mapping[str, Any]
    is_post: bool = False
    excerpt: str = ""  # the Markdown of the post's excerpt (see ``first_block``)
    date_offset: dt.timedelta | None = None  # the UTC offset its front-matter date was written with

    @classmethod
    def of_source(
        cls,
        path: str,
        text: str,
        meta: Mapping[str, Any],
        is_post: bool,
        date_offset: dt.timedelta | None,
        excerpt_separator: str = "",
    ) -> PageRecord:
        """A page's record from its file's text (its URL is filled in once known)."""
        excerpt = ""
        if is_post:
            separator = str(meta.get("excerpt_separator", excerpt_separator) or "\n\n")
            excerpt = first_block(split_front_matter(text)[1], separator)
        return cls(path, "", meta, is_post=is_post, excerpt=excerpt, date_offset=date_offset)


_LIQUID_RE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)


def first_block(body: str, separator: str = "\n\n") -> str:
    """Jekyll's excerpt source: the body up to the first ``separator`` (by default the first paragraph)."""
    text = body.lstrip("\n")
    head, _, _ = text.partition(separator or "\n\n")
    return head.strip()


def _excerpt_html(markdown_text: str) -> str:
    # Liquid in an excerpt is not rendered here (that needs the post's own page); it is left out.
    text = _LIQUID_RE.sub("", markdown_text).strip()
    if not text:
        return ""
    import markdown

    return markdown.markdown(text)


def _words(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    if isinstance(value, str):
        return value.split()
    return []


def _entry(record: PageRecord) -> dict[str, Any]:
    values = {k: v for k, v in record.meta.items() if isinstance(k, str)}
    name = posixpath.basename(record.path)
    values.update(
        {
            "url": doc_link(record.path),
            "id": "/" + record.url.rstrip("/"),
            "path": record.path,
            "name": name,
            "title": str(values.get("title") or ""),
        }
    )
    if record.is_post:
        values["tags"] = _words(values.get("tags"))
        values["categories"] = _words(values.get("categories"))
        values["collection"] = "posts"
        return _Post(values, record.excerpt)
    return values


class _Post(dict):
    """A post of ``site.posts``: its excerpt is made HTML when a template first reads it (most never do,
    and a Markdown conversion per post added up on a large blog)."""

    def __init__(self, values: Mapping[str, Any], excerpt_source: str) -> None:
        super().__init__(values)
        self._excerpt_source = excerpt_source

    def __missing__(self, key: str) -> Any:
        if key != "excerpt":
            raise KeyError(key)
        value = self["excerpt"] = _excerpt_html(self._excerpt_source)
        return value

    def __contains__(self, key: object) -> bool:
        return key == "excerpt" or dict.__contains__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def _whole(self) -> _Post:
        """Itself with its excerpt made: what a template that walks every key (jsonify, a for loop) sees."""
        if not dict.__contains__(self, "excerpt"):
            self["excerpt"]  # noqa: B018 - made by __missing__
        return self

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self._whole())

    def __len__(self) -> int:
        return dict.__len__(self._whole())

    def keys(self) -> Any:
        return dict.keys(self._whole())

    def values(self) -> Any:
        return dict.values(self._whole())

    def items(self) -> Any:
        return dict.items(self._whole())


def _date_key(entry: Mapping[str, Any]) -> tuple:
    date = entry.get("date")
    if hasattr(date, "timetuple"):
        return tuple(date.timetuple()[:6])
    return (0,)


def site_index(records: Iterable[PageRecord]) -> dict[str, Any]:
    """``posts`` (newest first), ``pages``, ``html_pages``, ``tags`` and ``categories`` for ``site``."""
    posts, pages = [], []
    for record in records:
        (posts if record.is_post else pages).append(_entry(record))
    posts.sort(key=lambda p: (_date_key(p), p["path"]), reverse=True)
    pages.sort(key=lambda p: p["path"])
    tags: dict[str, list] = {}
    categories: dict[str, list] = {}
    for post in posts:
        for tag in post["tags"]:
            tags.setdefault(tag, []).append(post)
        for cat in post["categories"]:
            categories.setdefault(cat, []).append(post)
    for i, post in enumerate(posts):
        # Jekyll's `page.previous`/`page.next` are the older and newer post.
        post["previous"] = _link_only(posts[i + 1]) if i + 1 < len(posts) else None
        post["next"] = _link_only(posts[i - 1]) if i > 0 else None
    return {"posts": posts, "pages": pages, "html_pages": pages, "tags": tags, "categories": categories}


def _link_only(post: Mapping[str, Any]) -> dict[str, Any]:
    return {k: post[k] for k in ("title", "url", "date", "path", "id") if k in post}


# -- _data/ -----------------------------------------------------------------------------------------
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv", ".tsv")


def load_data(folder: Path, root: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Jekyll's ``site.data``: ``_data/people.yml`` is ``site.data.people``, ``_data/a/b.json`` is
    ``site.data.a.b``; CSV and TSV files with a header row are lists of rows."""
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return data, problems
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in DATA_SUFFIXES or path.name.startswith("."):
            continue
        rel = path.relative_to(folder)
        label = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        try:
            value = _read_data(path)
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError, csv.Error) as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(
                Problem(
                    f"data file cannot be read: {reason}",
                    path=label,
                    line=mark.line + 1 if mark is not None else None,
                    hint="fix the file; site.data leaves it out meanwhile",
                )
            )
            continue
        node = data
        for part in rel.parent.parts:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path.stem] = value
    return data, problems


def _read_data(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        return yaml.safe_load(text)
    if suffix == ".json":
        return json.loads(text)
    dialect = "excel-tab" if suffix == ".tsv" else "excel"
    return [dict(row) for row in csv.DictReader(io.StringIO(text), dialect=dialect)]
