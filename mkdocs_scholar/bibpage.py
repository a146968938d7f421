"""jekyll-scholar's converter: a ``.bib`` file with front matter in the site becomes a page.

Each entry is shown formatted (with its id), the text between entries is kept as Markdown, and the
``@string`` definitions of the file apply to every entry. The page is ordinary Markdown with Liquid, so
it is rendered by ``render_page`` like any other.
"""

from __future__ import annotations

from pathlib import Path

from .frontmatter import split_front_matter
from .scholar.bibtex import entry_spans

BIB_SUFFIXES = (".bib", ".bibtex")


def bib_page_markdown(text: str) -> str | None:
    """The Markdown page for a .bib file with front matter, or None for a plain .bib (left as a file)."""
    yaml_text, body, _ = split_front_matter(text)
    if yaml_text is None:
        return None
    spans = entry_spans(body)
    macros = "\n".join(body[s:e] for s, e, kind in spans if kind == "string")
    out: list[str] = []
    pos = 0
    for start, end, kind in spans:
        out.append(body[pos:start])
        if kind not in ("string", "comment", "preamble"):
            entry = body[start:end]
            out.append(f"{{% bibtex %}}\n{macros}\n{entry}\n{{% endbibtex %}}")
        pos = end
    out.append(body[pos:])
    return f"---\n{yaml_text}---\n\n" + "".join(out)


def bib_page(src_uri: str, path: Path) -> tuple[str, str] | None:
    """``(page path, Markdown)`` for the site file ``src_uri`` at ``path`` when it is a .bib file with
    front matter; None for any other file (left as it is)."""
    if not src_uri.endswith(BIB_SUFFIXES):
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    markdown = bib_page_markdown(text)
    return None if markdown is None else (src_uri.rsplit(".", 1)[0] + ".md", markdown)
