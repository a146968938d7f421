"""Citations in blog excerpts link to the post.

Material's blog shows post excerpts on index pages and rewrites their in-page links to point at the post,
but only links made by Markdown: our citation links are HTML, so on an index page they would point at
``#KEY`` there, where no entry is. This step, on the finished index page, makes each excerpt's citation
links point at the post (jekyll-scholar's excerpts were worse: stale numbers, defect 8).
"""

from __future__ import annotations

import html
import re

_EXCERPT = '<article class="md-post md-post--excerpt">'
_POST_LINK_RE = re.compile(r'<a class="toclink" href="([^"#]*)[^"]*"')
# Links the reader features make from the site root (a post's ``../../``): the BibTeX file, repository files.
_ROOTED_RE = re.compile(
    r'(<a class="scholar-(?:bibtex-file|link)" href=")((?:\.\./)*|\./)(?![a-z][a-z0-9+.-]*:|/|#)'
)


def link_excerpt_citations(page_html: str, cite_class: str = "citation", root: str = ".") -> str:
    """``page_html`` with each excerpt's citation links pointing at the post, and the links the post
    made relative to its own place (``../../assets/…``) made relative to this page (``root``: the path
    from this page to the site root)."""
    if _EXCERPT not in page_html:
        return page_html
    cite_re = re.compile(rf'(<a class="{re.escape(html.escape(cite_class))}" href=")#')
    root = root.rstrip("/") + "/"
    parts = page_html.split(_EXCERPT)
    for i in range(1, len(parts)):
        body, sep, rest = parts[i].partition("</article>")
        link = _POST_LINK_RE.search(body)
        if link is None:
            continue
        post_url = link.group(1).replace("\\", "\\\\")
        body = _ROOTED_RE.sub(lambda m: m.group(1) + root, body)
        parts[i] = cite_re.sub(rf"\g<1>{post_url}#", body) + sep + rest
    return _EXCERPT.join(parts)
