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
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liquid import BoundTemplate, Environment, Mode, RenderContext
from liquid.exceptions import LiquidError, OutputStreamLimitError, ResourceLimitError, TemplateNotFoundError
from liquid.loader import BaseLoader, TemplateSource
from liquid.token import TOKEN_OUTPUT, Token

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
    work: int = 0  # loop iterations and includes rendered so far (bounded by JekyllEnvironment.work_limit)
    included: int = 0  # includes rendered so far (bounded by JekyllEnvironment.include_limit)
    deadline: float | None = None  # time.monotonic() after which rendering stops (set per page)
    stopped: bool = False  # a page-wide limit was reached (said once)
    _said: set[str] = field(default_factory=set, repr=False)

    def problem(
        self, message: str, *, line: int | None = None, hint: str | None = None, path: str | None = None
    ) -> None:
        if path is None and line is not None:
            line += self.line_offset
        problem = Problem(message, line=line, path=path or self.path, hint=hint)
        # The same problem at the same place (a tag in a loop, an include that includes itself) is said once.
        if str(problem) in self._said:
            return
        self._said.add(str(problem))
        self.problems.append(problem)


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


class PageLimitError(ResourceLimitError):
    """A page-wide bound (total loop iterations and includes, render time) was reached."""


class _PageContext(RenderContext):
    """python-liquid's render context, with Jekyll's tolerance of unknown filters (reported, not silent)
    and the page-wide bounds python-liquid does not have (its loop limit is per nest of loops)."""

    def filter(self, name: str, token: Token | None) -> Any:  # noqa: A003 - python-liquid's name
        env = self.env
        if isinstance(env, JekyllEnvironment):
            env.spend(0)
            if name not in env.filters:
                env.unknown_filter(name, token)
                return _pass_through
        return super().filter(name, token)

    def raise_for_loop_limit(self, length: int = 1) -> None:
        super().raise_for_loop_limit(length)
        if isinstance(self.env, JekyllEnvironment):
            self.env.spend(length)


def _pass_through(left: object, *_args: object, **_kwargs: object) -> object:
    return left


class _PageTemplate(BoundTemplate):
    context_class = _PageContext


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
        # Only files in _includes/, as in Jekyll (which refuses '..' in include names).
        path = confined(self.includes_dir / template_name, self.includes_dir)
        if path is None or not path.is_file():
            raise TemplateNotFoundError(template_name)
        return TemplateSource(read_text(path), str(path), None)


def read_text(path: Path) -> str:
    """A site file Liquid reads (include, layout): UTF-8, or Latin-1 if it is not (never an exception)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class JekyllEnvironment(Environment):
    """python-liquid configured like Jekyll's Liquid, reporting problems instead of raising them."""

    # Bounds so a hostile page cannot hang or exhaust a build. python-liquid's own: iterations of one nest
    # of loops, characters of output, nesting of includes, size of assigned values. Ours, per page:
    # loop iterations and includes in all (`work_limit`), and wall-clock time (`time_limit`, seconds),
    # checked at every loop, include and filter, for what the counts cannot bound (filters on big strings);
    # includes in all (`include_limit`), since one include may include itself several times.
    loop_iteration_limit = 100_000
    output_stream_limit = 20_000_000
    context_depth_limit = 30
    local_namespace_limit = 50_000_000
    work_limit = 1_000_000
    include_limit = 10_000
    time_limit = 60.0
    template_class = _PageTemplate

    def __init__(self, *, root: Path, includes_dir: Path | None = None) -> None:
        self._parsing: list[Token] = []  # tokens of the tags being parsed, innermost last
        # While parsing: for each error, the tags being parsed and the problem reported.
        self._failures: list[tuple[list[Token], Problem | None]] | None = None
        self._parsing_path: str | None = None  # the include file being parsed, site-relative
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

        # Remember which tag is being parsed: some errors carry only an end-of-expression token, and a
        # tag that fails to parse is kept as text (``from_string``).
        def get_node(stream: Any) -> Any:
            self._parsing.append(stream.current)
            try:
                return original(stream)
            except LiquidError as exc:
                if getattr(exc, "failed_tags", None) is None:
                    exc.failed_tags = list(self._parsing)  # type: ignore[attr-defined]
                raise
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
        if isinstance(exc, (PageLimitError, OutputStreamLimitError)):
            # Once a page-wide limit is reached every later loop or write fails the same way: say it once.
            if facts.stopped:
                return
            facts.stopped = True
        # The tags being parsed when the error happened, innermost last (a tag may report its own syntax
        # error while it parses, or raise it).
        failed = getattr(exc, "failed_tags", None) or list(self._parsing)
        message = _message(exc)
        # An error inside an expression carries a token of the expression alone; the parser also passes
        # the enclosing token, whose source is the whole template: that one knows the line.
        candidates = (exc.token, token, self._parsing[-1] if self._parsing else None)
        tokens = [t for t in candidates if t is not None and t.start_index >= 0]
        line = line_of(max(tokens, key=lambda t: len(t.source))) if tokens else None
        name = getattr(exc, "template_name", None)
        # An error inside an include names the include file, not the page (also while it is parsed).
        source_path = self._parsing_path or (facts.includes[-1] if facts.includes else None)
        if name and str(name).startswith(str(self.root)):
            source_path = Path(str(name)).relative_to(self.root).as_posix()
        hint = "fix the tag, or wrap literal braces in {% raw %}…{% endraw %}"
        if isinstance(exc, ResourceLimitError):
            hint = "this page's loops, includes or assigned values are too big; simplify them"
        facts.problem(f"Liquid: {message}", line=line, path=source_path, hint=hint)
        if self._failures is not None and failed:
            self._failures.append((failed, facts.problems[-1] if facts.problems else None))

    def unknown_filter(self, name: str, token: Token | None) -> None:
        """Jekyll leaves the value unfiltered; we do too, and say so."""
        facts = self._facts
        if facts is None:
            return
        line = line_of(token) if token is not None and token.source else None
        facts.problem(
            f"Liquid: unknown filter '{name}' (the value is left unfiltered)",
            line=line,
            path=facts.includes[-1] if facts.includes else None,
            hint="check the filter's name; Jekyll's and Liquid's standard filters are supported",
        )

    def spend(self, units: int, *, include: bool = False) -> None:
        """Count loop iterations and includes against the page's bounds; raise PageLimitError past them."""
        facts = self._facts
        if facts is None:
            return
        facts.work += units
        if include:
            facts.included += 1
            if facts.included > self.include_limit:
                raise PageLimitError(
                    f"this page renders more than {self.include_limit:,} includes; "
                    "the includes after that point are left out",
                    token=None,
                )
        if facts.work > self.work_limit:
            raise PageLimitError(
                f"this page runs more than {self.work_limit:,} loop iterations and includes in all; "
                "the loops and includes after that point are left out",
                token=None,
            )
        if facts.deadline is not None and time.monotonic() > facts.deadline:
            raise PageLimitError(
                f"rendering this page's Liquid took more than {self.time_limit:g} seconds; "
                "the loops, includes and filters after that point are left out",
                token=None,
            )

    def from_string(  # type: ignore[override]
        self, source: str, name: str = "", path: Any = None, globals: Any = None, **kwargs: Any
    ) -> BoundTemplate:
        """Parse a template; a tag or output that fails to parse is kept as text (with its warning)
        instead of being dropped with the rest of its block, as python-liquid's tolerant modes do."""
        facts = self._facts
        if facts is None:
            return super().from_string(source, name, path, globals, **kwargs)
        kept: list[Problem] = []
        previous = self._failures, self._parsing_path
        self._parsing_path = self._site_path(path) if path is not None and str(path) != facts.path else None
        try:
            for attempt in range(_MAX_REPAIRS):
                mark = len(facts.problems)
                self._failures = []
                template = super().from_string(source, name, path, globals, **kwargs)
                # The innermost failing tag that stands in this template's text as `{% … %}` (a tag
                # inside a `{% liquid %}` tag does not: the `liquid` tag is kept as text).
                failures = [(_failed_span(tags, source), problem) for tags, problem in self._failures]
                spans = [span for span, _ in failures if span is not None]
                if not spans or attempt == _MAX_REPAIRS - 1:
                    break
                for span, problem in failures:
                    if span is not None and problem is not None:
                        problem.message += " (the tag is kept as text)"
                        kept.append(problem)
                del facts.problems[mark:]
                source = protect_spans(source, spans)
            facts.problems[mark:mark] = kept
            return template
        finally:
            self._failures, self._parsing_path = previous

    def _site_path(self, path: Any) -> str | None:
        """A file's path relative to the site root, for messages (None if it is not a file of the site)."""
        try:
            return Path(str(path)).resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return None

    def render_page(self, source: str, facts: PageFacts, variables: Mapping[str, Any]) -> str:
        """Render one page's Liquid. Problems go to ``facts.problems``; never raises for bad input."""
        previous = self._facts
        self._facts = facts
        if facts.deadline is None:
            facts.deadline = time.monotonic() + self.time_limit
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


# How often one template is parsed again with the tags that failed kept as text.
_MAX_REPAIRS = 50
_BRANCH_TAGS = {
    "if": ("elsif", "else"),
    "unless": ("elsif", "else"),
    "case": ("when", "else"),
    "for": ("else",),
}


def _failed_span(tags: list[Token], source: str) -> tuple[int, int] | None:
    for token in reversed(tags):
        if token.source is source:
            span = _tag_span(token, source)
            if span is not None:
                return span
    return None


def _tag_span(token: Token, source: str) -> tuple[int, int] | None:
    """Where the tag (``{% … %}``) or output (``{{ … }}``) of ``token`` starts and ends in ``source``."""
    if token.start_index < 0:
        return None
    if token.kind == TOKEN_OUTPUT:
        start = token.start_index
        end = source.find("}}", start + 2)
        return (start, end + 2 if end != -1 else len(source))
    start = source.rfind("{%", 0, token.start_index + 1)
    if start == -1 or source[start : token.start_index].strip("{%- \t\r\n"):
        return None
    end = source.find("%}", token.start_index)
    return (start, end + 2 if end != -1 else len(source))


_TAG_RE = re.compile(r"\{%-?\s*(\w+)[^%]*?(?:%\}|$)", re.S)


def protect_spans(source: str, spans: list[tuple[int, int]]) -> str:
    """Wrap each span (a tag that failed to parse) in ``{% raw %}``, and with a block tag also its
    branches and its end tag, so the text between stays in the page."""
    marked: set[tuple[int, int]] = set()
    for start, end in spans:
        marked.add((start, end))
        m = _TAG_RE.match(source, start)
        name = m.group(1) if m else ""
        marked.update(_block_partners(source, name, end))
    out = []
    pos = 0
    for start, end in sorted(marked):
        if start < pos:
            continue
        out.append(source[pos:start])
        out.append("{% raw %}" + source[start:end] + "{% endraw %}")
        pos = end
    out.append(source[pos:])
    return "".join(out)


def _block_partners(source: str, name: str, after: int) -> list[tuple[int, int]]:
    """The spans of the branches (``else``…) and the end tag that belong to a block tag ``name``."""
    if not name or name.startswith("end"):
        return []
    branches = _BRANCH_TAGS.get(name, ())
    depth = 0
    found = []
    for m in _TAG_RE.finditer(source, after):
        tag = m.group(1)
        if tag == name:
            depth += 1
        elif tag == "end" + name:
            if depth == 0:
                found.append(m.span())
                return found
            depth -= 1
        elif depth == 0 and tag in branches:
            found.append(m.span())
    # No end tag: the tag was not a block, or its block is never closed; only the tag itself is kept.
    return []


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
