"""jekyll-scholar's converter: a ``.bib`` file with front matter in the site becomes a page.

Each entry is shown formatted (with its id), the text between entries is kept as Markdown, and the
``@string`` definitions of the file apply to every entry. The page is ordinary Markdown with Liquid, so
it is rendered by ``render_page`` like any other.
"""

from __future__ import annotations

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
