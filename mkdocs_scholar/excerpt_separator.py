"""Jekyll's post excerpts → Material's: where a post's excerpt ends, once its Liquid is rendered.

Jekyll cuts a post's excerpt at the first ``excerpt_separator`` (site-wide in ``_config.yml`` or per post in
front matter; by default ``"\\n\\n"``, so the first paragraph). Material's blog cuts it at its own marker
(``post_excerpt_separator``, ``<!-- more -->``) and, without one, shows the whole post. ``mark_excerpt`` puts
Material's marker where Jekyll would have cut, leaving a post that already has the marker alone. Pure text.
"""

from __future__ import annotations

import re

_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _first_blank_line(text: str) -> int | None:
    """Offset of the first blank line after some text, outside fenced code blocks."""
    fence: str | None = None
    seen_text = False
    pos = 0
    for line in text.splitlines(keepends=True):
        m = _FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif m:
            fence = m.group(1)
            seen_text = True
        elif line.strip():
            seen_text = True
        elif seen_text:
            return pos
        pos += len(line)
    return None


def mark_excerpt(markdown: str, separator: str, marker: str = "<!-- more -->") -> str:
    """``markdown`` with ``marker`` where Jekyll's ``separator`` first occurs (for ``"\\n\\n"``: after the
    first block); unchanged if the marker is there already or the separator is not."""
    if not separator or not marker or marker in markdown:
        return markdown
    if not separator.strip():
        at = _first_blank_line(markdown)
        if at is None:
            return markdown
        return f"{markdown[:at].rstrip()}\n\n{marker}\n\n{markdown[at:].lstrip(chr(10))}"
    index = markdown.find(separator)
    if index < 0:
        return markdown
    end = index + len(separator)
    return f"{markdown[:end]}\n\n{marker}\n\n{markdown[end:]}"
