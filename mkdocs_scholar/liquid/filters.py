"""Jekyll's Liquid filters (on top of python-liquid's standard ones).

URL filters read the page's facts from the render context (``PageFacts`` under ``SCHOLAR_KEY``), so one
environment serves every page: ``relative_url`` gives a path relative to the current page, which works
under ``mkdocs serve``, any deploy sub-path and either ``use_directory_urls`` setting.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import unicodedata
import urllib.parse
from typing import Any

from liquid.filter import with_context

SCHOLAR_KEY = "__scholar__"


def _facts(context: Any) -> Any:
    return context.globals.get(SCHOLAR_KEY)


def join_url(prefix: str, path: str) -> str:
    """``prefix`` (a relative root such as ``../..``) joined with a site path such as ``/assets/x.png``."""
    path = str(path)
    if re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I) or path.startswith("//") or path.startswith("#"):
        return path
    return f"{prefix.rstrip('/')}/{path.lstrip('/')}" if path else prefix


# The site-root marker of liquid.environment (resolved per link once the page is rendered).
SITE_ROOT = "\ue200"


def relative_url(value: object) -> str:
    return join_url(SITE_ROOT, "" if value is None else str(value))


@with_context
def absolute_url(value: object, *, context: Any) -> str:
    facts = _facts(context)
    path = "" if value is None else str(value)
    if facts and facts.site_url:
        return join_url(facts.site_url.rstrip("/"), path)
    return join_url(SITE_ROOT, path)


def build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when it is set (the reproducible-builds convention), without microseconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


def _to_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        from ..frontmatter import parse_date

        parsed = parse_date(value)
        if parsed is not None:
            return parsed
        if value.strip() in ("now", "today"):
            return build_time()
    return None


def date_to_string(value: object, kind: str | None = None, style: str | None = None) -> str:
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    month = d.strftime("%b")
    if kind == "ordinal":
        day = _ordinal(d.day)
        return f"{month} {day}, {d.year}" if style == "US" else f"{day} {month} {d.year}"
    return f"{d.day:02d} {month} {d.year}"


def date_to_long_string(value: object, kind: str | None = None, style: str | None = None) -> str:
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    month = d.strftime("%B")
    if kind == "ordinal":
        day = _ordinal(d.day)
        return f"{month} {day}, {d.year}" if style == "US" else f"{day} {month} {d.year}"
    return f"{d.day:02d} {month} {d.year}"


def date_to_xmlschema(value: object) -> str:
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    return d.isoformat() if d.tzinfo else d.isoformat() + ("" if d.time() != dt.time() else "")


def date_to_rfc822(value: object) -> str:
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    return d.strftime("%a, %d %b %Y %H:%M:%S ") + (d.strftime("%z") or "+0000")


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def xml_escape(value: object) -> str:
    return html.escape("" if value is None else str(value))


def cgi_escape(value: object) -> str:
    return urllib.parse.quote_plus("" if value is None else str(value))


def uri_escape(value: object) -> str:
    return urllib.parse.quote("" if value is None else str(value), safe="/:?#[]@!$&'()*+,;=%-._~")


def slugify(value: object, mode: str = "default") -> str:
    text = "" if value is None else str(value)
    if mode == "none":
        return text
    if mode == "raw":
        return re.sub(r"\s+", "-", text).strip("-").lower()
    if mode == "latin":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    pattern = r"[^\w.~!$&'()+,;=@-]+" if mode == "pretty" else r"[^\w]+"
    if mode == "ascii":
        pattern = r"[^a-zA-Z0-9]+"
    return re.sub(pattern, "-", text).strip("-").lower()


def jsonify(value: object) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def number_of_words(value: object) -> int:
    return len(("" if value is None else str(value)).split())


def normalize_whitespace(value: object) -> str:
    return re.sub(r"\s+", " ", "" if value is None else str(value)).strip()


def array_to_sentence_string(value: object, connector: str = "and") -> str:
    items = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {connector} {items[1]}"
    return ", ".join(items[:-1]) + f", {connector} {items[-1]}"


def markdownify(value: object) -> str:
    import markdown

    return markdown.markdown("" if value is None else str(value))


def smartify(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("...", "\u2026")
    return text


def to_integer(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def inspect(value: object) -> str:
    return html.escape(repr(value))


def group_by(value: object, prop: str) -> list[dict]:
    groups: dict[str, list] = {}
    for item in value if isinstance(value, (list, tuple)) else []:
        key = item.get(prop) if isinstance(item, dict) else getattr(item, prop, None)
        groups.setdefault("" if key is None else str(key), []).append(item)
    return [{"name": k, "items": v, "size": len(v)} for k, v in groups.items()]


JEKYLL_FILTERS = {
    "relative_url": relative_url,
    "absolute_url": absolute_url,
    "date_to_string": date_to_string,
    "date_to_long_string": date_to_long_string,
    "date_to_xmlschema": date_to_xmlschema,
    "date_to_rfc822": date_to_rfc822,
    "xml_escape": xml_escape,
    "cgi_escape": cgi_escape,
    "uri_escape": uri_escape,
    "slugify": slugify,
    "jsonify": jsonify,
    "number_of_words": number_of_words,
    "normalize_whitespace": normalize_whitespace,
    "array_to_sentence_string": array_to_sentence_string,
    "markdownify": markdownify,
    "smartify": smartify,
    "to_integer": to_integer,
    "inspect": inspect,
    "group_by": group_by,
}
