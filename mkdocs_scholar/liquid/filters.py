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
from io import StringIO
from typing import Any

from liquid import is_undefined
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


# The page-link marker of liquid.environment (``site.posts`` URLs): already a link, not a site path.
DOC_OPEN = "\ue201"


def relative_url(value: object) -> str:
    path = "" if value is None else str(value)
    if path.lstrip("/").startswith(DOC_OPEN):
        return path.lstrip("/")
    return join_url(SITE_ROOT, path)


@with_context
def absolute_url(value: object, *, context: Any) -> str:
    facts = _facts(context)
    path = "" if value is None else str(value)
    if path.lstrip("/").startswith(DOC_OPEN):
        return path.lstrip("/")
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
    return _date_words(value, "%b", kind, style)


def date_to_long_string(value: object, kind: str | None = None, style: str | None = None) -> str:
    return _date_words(value, "%B", kind, style)


def _date_words(value: object, month_format: str, kind: str | None, style: str | None) -> str:
    """Jekyll's ``07 Nov 2008`` / ``7th Nov 2008`` / ``Nov 7th, 2008`` (style US), short or long month."""
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    month = d.strftime(month_format)
    if kind == "ordinal":
        day = _ordinal(d.day)
        return f"{month} {day}, {d.year}" if style == "US" else f"{day} {month} {d.year}"
    return f"{d.day:02d} {month} {d.year}"


def date_to_xmlschema(value: object) -> str:
    """``2011-04-24T20:34:46+08:00``: always with an offset, as Ruby's ``Time#xmlschema`` writes it; a date
    written without one is in the site's time (UTC here, as on GitHub Pages)."""
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    text = d.replace(microsecond=0).isoformat()
    return text if d.tzinfo else text + "+00:00"


def date_to_rfc822(value: object) -> str:
    d = _to_datetime(value)
    if d is None:
        return "" if value is None else str(value)
    return d.strftime("%a, %d %b %Y %H:%M:%S ") + (d.strftime("%z") or "+0000")


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def xml_escape(value: object) -> str:
    # Ruby's `encode(xml: :attr)`: & < > and " are escaped, the apostrophe is not.
    return html.escape("" if value is None else str(value), quote=False).replace('"', "&quot;")


def cgi_escape(value: object) -> str:
    return urllib.parse.quote_plus("" if value is None else str(value))


def uri_escape(value: object) -> str:
    return urllib.parse.quote("" if value is None else str(value), safe="/:?#[]@!$&'()*+,;=%-._~")


def slugify(value: object, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify``: runs of characters other than letters and digits (``[:alnum:]``, so
    ``_`` too) become ``-``; ``pretty`` keeps ``._~!$&'()+,;=@``; ``ascii`` keeps only ``A-Za-z0-9``;
    ``latin`` drops accents first; ``raw`` replaces only whitespace; ``none`` or an unknown mode only
    lower-cases."""
    text = "" if value is None else str(value)
    if mode not in ("raw", "default", "pretty", "ascii", "latin"):
        return text if cased else text.lower()
    if mode == "latin":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    pattern = {
        "raw": r"\s+",
        "pretty": r"[^\w._~!$&'()+,;=@]+",
        "ascii": r"[^A-Za-z0-9]+",
    }.get(mode, r"[\W_]+")
    slug = re.sub(pattern, "-", text).strip("-")
    return slug if cased else slug.lower()


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


# -- Jekyll's array filters (filters.rb, grouping_filters.rb) ------------------------------------
def _items(value: object) -> list:
    """Jekyll's filters take an array, or a hash's values."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def _property(item: object, prop: object) -> Any:
    """``item_property``: a dotted property of a hash (``post.date.year`` is not a thing, ``a.b`` is)."""
    value: Any = item
    for part in str(prop).split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, (list, tuple)) and part.lstrip("-").isdigit():
            index = int(part)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            return None
    return value


def _text(value: object) -> str:
    """Ruby's ``to_s`` for the values front matter holds."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def where(value: object, prop: object, target: object = None) -> list:
    """Items whose property equals ``target`` or, for a list property, contains it (compared as text)."""
    items = _items(value)
    if target is None or is_undefined(target):
        # Shopify's one-argument form: items whose property is truthy.
        return [i for i in items if _property(i, prop) not in (None, False)]
    wanted = _text(target)
    out = []
    for item in items:
        found = _property(item, prop)
        values = found if isinstance(found, (list, tuple)) else [found]
        if wanted in [_text(v) for v in values if v is not None]:
            out.append(item)
    return out


def _sort_key(value: object) -> tuple:
    # Values of one property can mix dates, datetimes and numbers given as text: compare like with like.
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    if isinstance(value, dt.datetime):
        return (2, value.replace(tzinfo=None).timestamp(), "")
    if isinstance(value, dt.date):
        return (2, dt.datetime(value.year, value.month, value.day).timestamp(), "")
    return (3, 0, _text(value))


def sort(value: object, prop: object = None, nils: object = "first") -> list:
    """Jekyll's ``sort``: by a property if given, with items lacking it first (``nils``: first/last)."""
    if value is None or is_undefined(value):
        return []
    items = _items(value) if isinstance(value, (dict, list, tuple)) else [value]
    if prop is None or is_undefined(prop):
        try:
            return sorted(items)
        except TypeError:
            return sorted(items, key=_sort_key)
    present = [i for i in items if _property(i, prop) is not None]
    missing = [i for i in items if _property(i, prop) is None]
    present.sort(key=lambda i: _sort_key(_property(i, prop)))
    return present + missing if str(nils) == "last" else missing + present


def group_by(value: object, prop: str) -> list[dict]:
    groups: dict[str, list] = {}
    for item in _items(value):
        groups.setdefault(_text(_property(item, prop)), []).append(item)
    return [{"name": k, "items": v, "size": len(v)} for k, v in groups.items()]


def _evaluate(context: Any, source: str, variable: str, item: object) -> str:
    """Render a small Liquid snippet with ``variable`` bound to ``item`` (parsed once per build)."""
    cache = context.env.expression_cache
    template = cache.get(source)
    if template is None:
        template = cache[source] = context.env.from_string(source)
    buf = StringIO()
    with context.extend({variable: item}):
        template.render_with_context(context, buf, partial=True)
    return buf.getvalue()


@with_context
def where_exp(value: object, variable: object, expression: object, *, context: Any) -> list:
    """Items for which a Liquid condition holds: ``site.posts | where_exp: "p", "p.tags contains 'ml'"``."""
    source = "{% if " + str(expression) + " %}1{% endif %}"
    return [i for i in _items(value) if _evaluate(context, source, str(variable), i) == "1"]


@with_context
def find_exp(value: object, variable: object, expression: object, *, context: Any) -> object:
    """The first item for which a Liquid condition holds (Jekyll 4.1)."""
    found = where_exp(value, variable, expression, context=context)
    return found[0] if found else None


@with_context
def group_by_exp(value: object, variable: object, expression: object, *, context: Any) -> list[dict]:
    """Groups by the value of a Liquid expression: ``group_by_exp: "p", "p.date | date: '%Y'"``."""
    source = "{{ " + str(expression) + " }}"
    groups: dict[str, list] = {}
    for item in _items(value):
        groups.setdefault(_evaluate(context, source, str(variable), item), []).append(item)
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
    "group_by_exp": group_by_exp,
    "where": where,
    "where_exp": where_exp,
    "find_exp": find_exp,
    "sort": sort,
}
