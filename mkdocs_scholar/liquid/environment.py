"""A Jekyll-compatible python-liquid environment: the step that turns a post's Liquid into Markdown.

One ``JekyllEnvironment`` serves a whole build; the page being rendered is described by ``PageFacts``,
put in the render context's globals, so tags and filters know the page's URL and path. Errors never
stop a page: python-liquid runs in WARN mode and every error it raises comes to ``JekyllEnvironment.error``,
which records it as a ``Problem`` with its line (python-liquid's own LAX mode would drop unknown tags
silently). Knows nothing of BibTeX: citation tags are registered from ``mkdocs_scholar.tags``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liquid import Environment, Mode
from liquid.exceptions import LiquidError, TemplateNotFoundError
from liquid.loader import BaseLoader, TemplateSource
from liquid.token import Token

from ..scholar.errors import Problem
from ..scholar.paths import confined
from .filters import JEKYLL_FILTERS, SCHOLAR_KEY


@dataclass
class PageFacts:
    """What tags and filters need to know about the page being rendered. Plain values only."""

    path: str  # docs-relative source path, for messages: blog/posts/2020-04-28-ICLR-2020.md
    url: str = ""  # site-relative URL of the page: blog/2019/02/21/iclr-2020/
    root: str = "."  # the relative path from the page's URL to the site root: ../../../../..
    src_root: str = "."  # the relative path from the page's source folder to the docs folder: ../..
    site_url: str = ""  # the configured absolute site URL, if any
    line_offset: int = 0  # lines of front matter above the Markdown body
    links: Mapping[str, str] = field(default_factory=dict)  # docs-relative source path → site-relative URL
    html_links_from_source: bool = False  # the generator rewrites src/href in raw HTML too (Zensical)
    citations: Any = None  # the page's CitationState (opaque here)
    problems: list[Problem] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)  # the include files being rendered, innermost last

    def problem(
        self, message: str, *, line: int | None = None, hint: str | None = None, path: str | None = None
    ) -> None:
        if path is None and line is not None:
            line += self.line_offset
        self.problems.append(Problem(message, line=line, path=path or self.path, hint=hint))


# Links to the site are written as markers while Liquid runs and resolved once the page's Markdown is
# known (``resolve_link_markers``): a Markdown link needs a path relative to the page's *source* (MkDocs
# then checks it and rewrites it to a URL), raw HTML needs a path relative to the page's *URL*. Zensical
# rewrites ``src``/``href`` in raw HTML from the source as well (``PageFacts.html_links_from_source``).
SITE_ROOT = "\ue200"
DOC_OPEN, DOC_CLOSE = "\ue201", "\ue202"
_DOC_RE = re.compile(f"{DOC_OPEN}([^{DOC_CLOSE}]*){DOC_CLOSE}")
_MD_DEST_RE = re.compile(r"(\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)$", re.M)
_HTML_URL_ATTR_RE = re.compile(r"""\b(?:src|href)\s*=\s*["']?$""", re.I)


def doc_link(src_path: str) -> str:
    """A marker for a link to another page, given by its docs-relative source path."""
    return f"{DOC_OPEN}{src_path}{DOC_CLOSE}"


def resolve_link_markers(text: str, facts: PageFacts) -> str:
    if SITE_ROOT not in text and DOC_OPEN not in text:
        return text
    # `{{ site.baseurl }}{{ post.url }}`: a page link is already a whole link; the root before it goes.
    text = text.replace(SITE_ROOT + "/" + DOC_OPEN, DOC_OPEN).replace(SITE_ROOT + DOC_OPEN, DOC_OPEN)
    out = []
    pos = 0
    for m in re.finditer(f"{SITE_ROOT}|{_DOC_RE.pattern}", text):
        out.append(text[pos : m.start()])
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()]
        in_markdown = bool(_MD_DEST_RE.search(before)) or (
            facts.html_links_from_source and bool(_HTML_URL_ATTR_RE.search(before))
        )
        if m.group(0) == SITE_ROOT:
            out.append(facts.src_root if in_markdown else facts.root)
        else:
            target = m.group(1)
            if in_markdown:
                out.append(posixpath.relpath(target, posixpath.dirname(facts.path) or "."))
            else:
                url = facts.links.get(target, target)
                out.append(f"{facts.root.rstrip('/')}/{url}" if url else f"{facts.root}/")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def relative_root(page_url: str) -> str:
    """The relative path from a page to the site root: one ``..`` per folder in the page's URL (or path).

    ``blog/2019/02/21/iclr/`` (directory URLs) → ``../../../../..``; ``blog/iclr.html`` → ``..``;
    ``""`` → ``.``.
    """
    depth = page_url.lstrip("/").count("/")
    return "/".join([".."] * depth) if depth else "."


def line_of(token: Token | None) -> int | None:
    if token is None or token.start_index < 0 or not token.source:
        return None
    return token.source.count("\n", 0, token.start_index) + 1


class IncludeLoader(BaseLoader):
    """Jekyll's ``_includes/`` folder; names never leave the site folder."""

    def __init__(self, includes_dir: Path | None, root: Path) -> None:
        self.includes_dir = includes_dir
        self.root = root

    def get_source(
        self, env: Environment, template_name: str, *, context: Any = None, **kwargs: Any
    ) -> TemplateSource:
        if self.includes_dir is None:
            raise TemplateNotFoundError(template_name)
        path = confined(self.includes_dir / template_name, self.root)
        if path is None or not path.is_file():
            raise TemplateNotFoundError(template_name)
        return TemplateSource(path.read_text(encoding="utf-8-sig"), str(path), None)


class JekyllEnvironment(Environment):
    """python-liquid configured like Jekyll's Liquid, reporting problems instead of raising them."""

    # Bounds so a hostile page cannot hang or exhaust a build.
    loop_iteration_limit = 100_000
    output_stream_limit = 50_000_000
    context_depth_limit = 30

    def __init__(self, *, root: Path, includes_dir: Path | None = None) -> None:
        self._parsing: list[Token] = []  # tokens of the tags being parsed, innermost last
        super().__init__(
            tolerance=Mode.WARN,
            loader=IncludeLoader(includes_dir, root),
            strict_filters=False,
        )
        self.root = root
        self.expression_cache: dict[str, Any] = {}  # where_exp/group_by_exp snippets, parsed once
        for name, func in JEKYLL_FILTERS.items():
            self.add_filter(name, func)
        from . import tags as jekyll_tags

        for tag in jekyll_tags.TAGS:
            self.add_tag(tag)
        self._facts: PageFacts | None = None

    def add_tag(self, tag: type) -> None:
        super().add_tag(tag)
        instance = self.tags[tag.name]
        original = instance.get_node

        # Remember which tag is being parsed: some errors carry only an end-of-expression token.
        def get_node(stream: Any) -> Any:
            self._parsing.append(stream.current)
            try:
                return original(stream)
            finally:
                self._parsing.pop()

        instance.get_node = get_node  # type: ignore[method-assign]

    def error(self, exc: Any, msg: str | None = None, token: Token | None = None) -> None:
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        elif not exc.token:
            exc.token = token
        facts = self._facts
        if facts is None:
            raise exc
        message = _message(exc)
        # An error inside an expression carries a token of the expression alone; the parser also passes
        # the enclosing token, whose source is the whole template: that one knows the line.
        candidates = (exc.token, token, self._parsing[-1] if self._parsing else None)
        tokens = [t for t in candidates if t is not None and t.start_index >= 0]
        line = line_of(max(tokens, key=lambda t: len(t.source))) if tokens else None
        name = getattr(exc, "template_name", None)
        # An error inside an include names the include file, not the page.
        source_path = facts.includes[-1] if facts.includes else None
        if name and str(name).startswith(str(self.root)):
            source_path = Path(str(name)).relative_to(self.root).as_posix()
        facts.problem(
            f"Liquid: {message}",
            line=line,
            path=source_path,
            hint="fix the tag, or wrap literal braces in {% raw %}…{% endraw %}",
        )

    def render_page(self, source: str, facts: PageFacts, variables: Mapping[str, Any]) -> str:
        """Render one page's Liquid. Problems go to ``facts.problems``; never raises for bad input."""
        previous = self._facts
        self._facts = facts
        try:
            template = self.from_string(source, path=facts.path, globals={**variables, SCHOLAR_KEY: facts})
            return template.render()
        except LiquidError as exc:
            self.error(exc)
            return source
        except RecursionError:
            facts.problem("Liquid: nesting too deep (an include that includes itself?)")
            return source
        finally:
            self._facts = previous


def _message(exc: LiquidError) -> str:
    text = str(exc.args[0]) if exc.args else exc.__class__.__name__
    return re.sub(r"\s+", " ", text).strip()


# `<% cite … %>` and `<< site.url >>` are an alternative spelling some posts use (an escape from
# kramdown/Jekyll processing); they mean exactly the `{% %}` / `{{ }}` forms.
_ALT_TAG_RE = re.compile(r"<%(-?\s*[a-zA-Z_][\w]*\b.*?-?)%>", re.S)
_ALT_OUT_RE = re.compile(r"<<(-?\s*(?:site|page|include|jekyll|layout)\.[\w.\[\]'\" |:,-]*?\s*-?)>>")
# `{{ site.url }}{{ site.baseurl }}` both stand for the site root here: together they must not repeat it.
_URL_PAIR_RE = re.compile(r"\{\{-?\s*site\.url\s*-?\}\}\s*\{\{-?\s*site\.baseurl\s*-?\}\}")


# A tag closed by mistake with `% }`: Jekyll's Liquid reads on to the next `%}`, swallowing the text (and
# tags) in between into this tag's markup. We close it where the author meant, and say so.
_TYPO_CLOSE_RE = re.compile(r"\{%(?P<markup>[^%{}]*?)%\s+\}")


def repair_tag_typos(source: str) -> tuple[str, list[tuple[int, str]]]:
    """``{% cite x % }`` → ``{% cite x %}``; returns the text and (line, tag) for each repair."""
    if "% }" not in source and "%  }" not in source:
        return source, []
    repairs: list[tuple[int, str]] = []

    def fix(m: re.Match) -> str:
        repairs.append((source.count("\n", 0, m.start()) + 1, m.group(0)))
        return "{%" + m.group("markup") + "%}"

    return _TYPO_CLOSE_RE.sub(fix, source), repairs


def normalize_spelling(source: str, tag_names: Callable[[str], bool]) -> str:
    """Accept ``<% tag %>``/``<< var >>`` for known tags and collapse ``site.url``+``site.baseurl``."""
    if "<%" in source:
        source = _ALT_TAG_RE.sub(
            lambda m: (
                "{%" + m.group(1) + "%}" if tag_names(m.group(1).strip(" -").split()[0]) else m.group(0)
            ),
            source,
        )
    if "<<" in source:
        source = _ALT_OUT_RE.sub(lambda m: "{{" + m.group(1) + "}}", source)
    if "site.baseurl" in source:
        source = _URL_PAIR_RE.sub("{{ site.url }}", source)
    return source
