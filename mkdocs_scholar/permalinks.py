"""Jekyll's URLs for posts and pages, and the small pages that send a reader from an old URL to the new one.

A migrated site keeps years of inbound links to URLs such as ``/2019/02/21/ICLR-2020.html``. Given a page's
source path and front matter, ``jekyll_url`` computes the URL Jekyll gave it (its ``permalink`` style from
``_config.yml`` — ``date``, ``pretty``, ``ordinal``, ``weekdate``, ``none`` or a pattern of placeholders — or
the page's own ``permalink``), following Jekyll's ``url_drop.rb``, ``page.rb`` and ``utils.rb`` as
documented on jekyllrb.com/docs/permalinks. ``redirect_page`` writes the HTML left at that old place: a
relative link, so it works under any deploy sub-path. The MkDocs plugin collects the pairs once every page's
new URL is known and writes them after the build. Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .frontmatter import POST_NAME_RE
from .liquid.filters import slugify
from .liquid.site import PageRecord

# Jekyll's built-in styles (jekyllrb.com/docs/permalinks/#built-in-formats); `weekdate` is Jekyll 4's.
BUILTIN_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_PLACEHOLDER_RE = re.compile(r":([a-z_]+)")
# Markdown and HTML pages are written as .html by Jekyll.
_HTML_SOURCES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".html", ".htm")


def post_template(style: str) -> str:
    """The URL template of posts for a site-wide ``permalink`` setting."""
    style = (style or "date").strip()
    return BUILTIN_STYLES.get(style, style)


def page_template(style: str, basename: str) -> str:
    """The URL template of pages (Jekyll's ``Page#template`` with ``Utils.add_permalink_suffix``)."""
    if basename == "index":
        return "/:path/"
    style = (style or "date").strip()
    template = "/:path/:basename"
    if style == "pretty":
        return template + "/"
    if style in BUILTIN_STYLES:
        return template + ":output_ext"
    if style.endswith("/"):
        template += "/"
    if style.endswith(":output_ext"):
        template += ":output_ext"
    return template


def _instant(meta: Mapping[str, Any], offset: dt.timedelta | None, tz: Any) -> dt.datetime | None:
    """The post's date as Jekyll saw it: a date written with an offset is moved into the site's timezone."""
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        date = value
    elif isinstance(value, dt.date):
        date = dt.datetime(value.year, value.month, value.day)
    else:
        return None
    if offset is not None:
        utc = (date - offset).replace(tzinfo=dt.timezone.utc)
        date = utc.astimezone(tz).replace(tzinfo=None) if tz is not None else utc.replace(tzinfo=None)
    return date


def _date_placeholders(d: dt.datetime) -> dict[str, str]:
    iso_year, iso_week, iso_day = d.isocalendar()
    return {
        "year": f"{d.year:04d}",
        "short_year": d.strftime("%y"),
        "month": f"{d.month:02d}",
        "i_month": str(d.month),
        "short_month": d.strftime("%b"),
        "long_month": d.strftime("%B"),
        "day": f"{d.day:02d}",
        "i_day": str(d.day),
        "y_day": f"{d.timetuple().tm_yday:03d}",
        "w_year": str(iso_year),
        "week": f"{iso_week:02d}",
        "w_day": str(iso_day),
        "short_day": d.strftime("%a"),
        "long_day": d.strftime("%A"),
        "hour": f"{d.hour:02d}",
        "minute": f"{d.minute:02d}",
        "second": f"{d.second:02d}",
    }


def _words(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _categories(meta: Mapping[str, Any]) -> list[str]:
    seen: list[str] = []
    for cat in _words(meta.get("categories")) + ([str(meta["category"])] if meta.get("category") else []):
        if cat.lower() not in seen:
            seen.append(cat.lower())
    return seen


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``:name`` placeholders and tidy the result as Jekyll's ``URL#sanitize_url`` does."""
    url = _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    url = "/" + url.replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", url)


def jekyll_url(
    path: str,
    meta: Mapping[str, Any],
    *,
    is_post: bool,
    style: str = "date",
    posts_dir: str = "",
    date_offset: dt.timedelta | None = None,
    timezone: Any = None,
) -> str | None:
    """The URL Jekyll gave the page at docs-relative ``path`` (a Jekyll-relative path for pages), or None.

    ``posts_dir`` is the folder that stands for ``_posts/``; ``timezone`` a ``tzinfo`` for the site's
    ``timezone`` setting (None: UTC, as on GitHub Pages).
    """
    name = posixpath.basename(path)
    stem, ext = posixpath.splitext(name)
    if ext.lower() not in _HTML_SOURCES:
        return None
    own = meta.get("permalink")
    template = str(own).strip() if isinstance(own, str) and own.strip() else None
    if is_post:
        date = _instant(meta, date_offset, timezone)
        if date is None:
            return None
        m = POST_NAME_RE.match(name)
        file_slug = m.group(4) if m else stem
        slug_source = str(meta["slug"]) if meta.get("slug") else file_slug
        rel = posixpath.relpath(path, posts_dir) if posts_dir else path
        categories = _categories(meta)
        values = {
            **_date_placeholders(date),
            "title": slugify(slug_source, "pretty", cased=True),
            "slug": slugify(slug_source),
            "name": slugify(stem),
            "categories": "/".join(categories),
            "slugified_categories": "/".join(slugify(c) for c in categories),
            "collection": "posts",
            "path": posixpath.splitext(rel)[0],
            "output_ext": ".html",
        }
        return fill(template or post_template(style), values)
    folder = posixpath.dirname(path)
    values = {"path": folder, "basename": stem, "output_ext": ".html"}
    return fill(template or page_template(style, stem), values)


def output_file(url: str) -> str:
    """The file Jekyll wrote for ``url``, relative to the site folder: ``/a/`` → ``a/index.html``,
    ``/a`` → ``a.html`` (servers such as GitHub Pages serve it at ``/a``)."""
    rel = url.lstrip("/")
    if rel == "" or rel.endswith("/"):
        return rel + "index.html"
    if not posixpath.splitext(rel)[1]:
        return rel + ".html"
    return rel


def redirect_page(old_file: str, new_url: str) -> str:
    """The HTML left at ``old_file`` (site-relative) that sends the reader to ``new_url`` (site-relative)."""
    base = posixpath.dirname(old_file) or "."
    target = posixpath.relpath(new_url or ".", base)
    if (new_url == "" or new_url.endswith("/")) and not target.endswith("/"):
        target += "/"
    href = html.escape(target, quote=True)
    script = target.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\u003c")
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Redirecting…</title>\n'
        f'<link rel="canonical" href="{href}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<script>location.replace("{script}" + location.hash)</script>\n'
        f'</head>\n<body>\n<p>This page has moved to <a href="{href}">{html.escape(target)}</a>.</p>\n'
        "</body>\n</html>\n"
    )


@dataclass
class Redirect:
    """One old place (a file under the built site) and the page's new URL."""

    old_file: str  # site-relative: 2019/02/21/ICLR-2020.html
    new_url: str  # site-relative: blog/2019/02/21/iclr-2020/
    source: str  # the page's docs-relative path, for messages


def _tzinfo(name: str) -> tuple[Any, str | None]:
    if not name or name.upper() == "UTC":
        return dt.timezone.utc, None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name), None
    except (ValueError, KeyError, OSError, ImportError):
        return dt.timezone.utc, f"timezone '{name}' is not a known time zone name; using UTC"


def collect_redirects(
    records: Iterable[PageRecord], *, style: str, timezone: str, posts_dirs: Iterable[str]
) -> tuple[list[Redirect], list[str]]:
    """Every page's Jekyll URL, and each of its ``redirect_from`` URLs (jekyll-redirect-from), paired with
    its new URL; plus messages for settings that could not be used."""
    tz, note = _tzinfo(timezone)
    notes = [note] if note else []
    dirs = [d for d in posts_dirs]
    out: list[Redirect] = []
    for record in records:
        posts_dir = next((d for d in dirs if record.path.startswith(d + "/")), "") if record.is_post else ""
        old = jekyll_url(
            record.path,
            record.meta,
            is_post=record.is_post,
            style=style,
            posts_dir=posts_dir,
            date_offset=record.date_offset,
            timezone=tz,
        )
        olds = [old] if old else []
        extra = record.meta.get("redirect_from")
        if isinstance(extra, str):
            extra = [extra]
        if isinstance(extra, (list, tuple)):
            olds += [str(u) for u in extra if u]
        for url in olds:
            out.append(Redirect(output_file("/" + url.lstrip("/")), record.url, record.path))
    return out, notes


def write_redirects(site_dir: Path, redirects: Iterable[Redirect]) -> list[str]:
    """Write each redirect page that does not land on a file the build made; returns one message per
    old URL that could not be kept (another page or file is there now, or two pages claim it)."""
    problems: list[str] = []
    claimed: dict[str, str] = {}
    for r in redirects:
        old = posixpath.normpath(r.old_file)
        if old.startswith("../") or old == "..":
            continue
        if old in claimed:
            if claimed[old] != r.source:
                problems.append(
                    f"{r.source}: its old URL /{old} is also the old URL of {claimed[old]}; "
                    "the redirect goes to the first"
                )
            continue
        claimed[old] = r.source
        target = site_dir / old
        if target.exists():
            # The page kept its URL (nothing to do), or something else lives there now.
            if posixpath.normpath(output_file(r.new_url)) != old:
                problems.append(
                    f"{r.source}: its old URL /{old} is now another page's or file's; no redirect written"
                )
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirect_page(old, r.new_url), encoding="utf-8")
    return problems
