"""Jekyll's own Liquid tags: ``include``, ``include_relative``, ``post_url``, ``link``, ``highlight``, and
the handling of unknown tags (kept as text, reported with their line).

``MarkupTag``/``MarkupNode`` are the base of every tag here and of the citation tags in
``mkdocs_scholar.tags``: Jekyll tags take their arguments as raw text (``{% cite a b --file x %}``), not
as Liquid expressions, so the node keeps the markup and its start token (for line numbers).
"""

from __future__ import annotations

import posixpath
import re
from io import StringIO
from pathlib import Path
from typing import Any, TextIO

from liquid.ast import BlockNode, Node
from liquid.exceptions import TemplateNotFoundError
from liquid.parser import get_parser
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_ILLEGAL, TOKEN_TAG, Token

from .environment import doc_link, line_of, read_text
from .filters import SCHOLAR_KEY


class MarkupNode(Node):
    """A tag with its raw markup; subclasses implement ``output``."""

    __slots__ = ("markup", "block")

    def __init__(self, token: Token, markup: str, block: BlockNode | None = None) -> None:
        super().__init__(token)
        self.markup = markup
        self.block = block
        self.blank = False

    @property
    def line(self) -> int | None:
        return line_of(self.token)

    def facts(self, context: Any) -> Any:
        return context.globals.get(SCHOLAR_KEY)

    def problem(self, context: Any, message: str, hint: str | None = None) -> None:
        facts = self.facts(context)
        if facts is not None:
            # Inside an include, the line is the include file's.
            path = facts.includes[-1] if facts.includes else None
            facts.problem(message, line=self.line, hint=hint, path=path)

    def body(self, context: Any) -> str:
        if self.block is None:
            return ""
        buf = StringIO()
        self.block.render(context, buf)
        return buf.getvalue()

    def interpolate(self, context: Any, text: str) -> str:
        """Jekyll interpolates ``{{ var }}`` inside tag markup (file names, --file, --query)."""
        if "{{" not in text:
            return text
        return _render_inline(context, text)

    def output(self, context: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def render_to_output(self, context: Any, buffer: TextIO) -> int:
        text = self.output(context)
        buffer.write(text)
        return len(text)

    def children(self, static_context: Any, *, include_partials: bool = True) -> Any:
        if self.block is not None:
            yield self.block


def _render_inline(context: Any, text: str) -> str:
    template = context.env.from_string(text)
    buf = StringIO()
    template.render_with_context(context, buf, partial=True)
    return buf.getvalue()


class MarkupTag(Tag):
    """Parses ``{% name markup %}`` (or a block up to ``{% endname %}``) into ``node_class``."""

    block = False
    node_class: type[MarkupNode] = MarkupNode

    def parse(self, stream: Any) -> Node:
        token = stream.current
        markup = ""
        if stream.peek.kind == TOKEN_EXPRESSION:
            next(stream)
            markup = stream.current.value
        block = None
        if self.block:
            next(stream)
            block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
            stream.expect(TOKEN_TAG, value=self.end)
        return self.node_class(token, markup.strip(), block)


# -- unknown tags ---------------------------------------------------------------------------------
_BLOCK_NAMES = (
    "if",
    "unless",
    "case",
    "for",
    "capture",
    "comment",
    "tablerow",
    "highlight",
    "quote",
    "bibtex",
)
_BRANCH_OF = {"else": "if, unless, case or for", "elsif": "if or unless", "when": "case"}


class UnknownNode(MarkupNode):
    def output(self, context: Any) -> str:
        name = self.token.value
        text = "{% " + f"{name} {self.markup}".strip() + " %}"
        if name == "raw":
            message = "'{% raw %}' is never closed (kept as text)"
            hint = "add {% endraw %} where the literal text ends"
        elif name.startswith("end") and name[3:] in (*_BLOCK_NAMES, "raw"):
            message = f"'{text}' closes no open '{{% {name[3:]} %}}' (kept as text)"
            hint = f"remove it, or add the '{{% {name[3:]} … %}}' it closes"
        elif name in _BRANCH_OF:
            message = f"'{text}' is outside any {_BRANCH_OF[name]} block (kept as text)"
            hint = "remove it, or move it inside its block"
        else:
            message = f"unknown Liquid tag '{name}' (kept as text)"
            hint = "remove it, or wrap it in {% raw %}…{% endraw %} if it is meant literally"
        self.problem(context, message, hint=hint)
        return text


class UnknownTag(MarkupTag):
    """Replaces python-liquid's ``illegal`` handler: the tag stays in the page as text, with a warning."""

    name = TOKEN_ILLEGAL
    node_class = UnknownNode


# -- include --------------------------------------------------------------------------------------
_PARAM_RE = re.compile(r"""([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[\w.\[\]'"-]+)""")


class IncludeNode(MarkupNode):
    relative = False

    def output(self, context: Any) -> str:
        markup = self.markup
        m = re.match(r"\s*(\{\{.*?\}\}|\S+)\s*(.*)$", markup, re.S)
        if not m:
            self.problem(context, "include without a file name", hint="write {% include file.html %}")
            return ""
        name = self.interpolate(context, m.group(1)).strip()
        params: dict[str, Any] = {}
        for key, raw in _PARAM_RE.findall(m.group(2)):
            if raw[:1] in "\"'":
                params[key] = self.interpolate(context, raw[1:-1])
            else:
                params[key] = _literal_or_variable(context, raw)
        env = context.env
        if hasattr(env, "spend"):
            env.spend(
                1, include=True
            )  # includes count against the page's bounds (an include may include itself twice)
        try:
            if self.relative:
                template = self._relative_template(context, name)
            else:
                template = env.get_template(name, context=context)
        except TemplateNotFoundError:
            where = "next to the page" if self.relative else "in _includes/"
            self.problem(
                context,
                f"include file '{name}' not found {where}",
                hint="copy it from your Jekyll site's _includes/ folder next to mkdocs.yml",
            )
            return ""
        buf = StringIO()
        facts = self.facts(context)
        if facts is not None:
            facts.includes.append(self._label(context, template))
        try:
            with context.extend({"include": params}, template=template):
                template.render_with_context(context, buf, partial=True)
        finally:
            if facts is not None:
                facts.includes.pop()
        return buf.getvalue()

    def _label(self, context: Any, template: Any) -> str:
        path = Path(str(template.path or template.name))
        try:
            return path.resolve().relative_to(Path(context.env.root).resolve()).as_posix()
        except ValueError:
            return path.name

    def _relative_template(self, context: Any, name: str) -> Any:
        facts = self.facts(context)
        env = context.env
        from ..scholar.paths import confined

        base = Path(env.root)
        page_dir = posixpath.dirname(facts.path) if facts else ""
        for docs in ("docs", ""):
            path = confined(base / docs / page_dir / name, base)
            if path is not None and path.is_file():
                return env.from_string(read_text(path), path=str(path))
        raise TemplateNotFoundError(name)


_LITERALS = {"true": True, "false": False, "nil": None, "null": None}


def _literal_or_variable(context: Any, raw: str) -> Any:
    """An unquoted include parameter: a number or true/false/nil as itself, else a variable's value."""
    if raw in _LITERALS:
        return _LITERALS[raw]
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d+", raw):
        return float(raw)
    return context.get(raw.split("."), token=None, default=None)


class IncludeTag(MarkupTag):
    name = "include"
    node_class = IncludeNode


class IncludeRelativeNode(IncludeNode):
    relative = True


class IncludeRelativeTag(MarkupTag):
    name = "include_relative"
    node_class = IncludeRelativeNode


# -- links to other pages -------------------------------------------------------------------------
def _find_page(links: Any, wanted: str) -> str | None:
    """A page's source path from Jekyll's name for it: ``_posts/2020-04-28-x.md``, ``2020-04-28-x``,
    ``about.md``; Jekyll's ``_posts/`` is the blog's posts folder here, so the file name decides."""
    wanted = wanted.strip().lstrip("/")
    if wanted in links:
        return wanted
    stem_path, ext = posixpath.splitext(wanted)
    if ext.lower() in (".html", ".htm"):
        # An HTML page of the Jekyll site lives on as Markdown (`mkdocs-scholar import` renames it).
        for suffix in (".md", ".markdown"):
            if stem_path + suffix in links:
                return stem_path + suffix
    base = posixpath.basename(wanted)
    stem = posixpath.splitext(base)[0]
    for path in sorted(links):
        name = posixpath.basename(path)
        if name == base or posixpath.splitext(name)[0] == stem:
            return path
    return None


class PageLinkNode(MarkupNode):
    """A link to another page of the site, named the Jekyll way; ``missing``/``hint`` say what went wrong."""

    missing = "link: no page or file '{name}'"
    hint = "give the path of a file in the site"

    def output(self, context: Any) -> str:
        facts = self.facts(context)
        name = self.interpolate(context, self.markup)
        path = _find_page(facts.links, name) if facts else None
        if path is None:
            self.problem(context, self.missing.format(name=name), hint=self.hint)
            return "#"
        return doc_link(path)


class PostUrlNode(PageLinkNode):
    missing = "post_url: no post named '{name}'"
    hint = "give the post's file name without extension, e.g. 2020-04-28-ICLR-2020"


class PostUrlTag(MarkupTag):
    name = "post_url"
    node_class = PostUrlNode


class LinkNode(PageLinkNode):
    pass


class LinkTag(MarkupTag):
    name = "link"
    node_class = LinkNode


# -- highlight ------------------------------------------------------------------------------------
_MARK_LINES_RE = re.compile(r"""mark_lines\s*=\s*["']([\d\s]+)["']""")


class HighlightNode(MarkupNode):
    """``{% highlight lang [linenos] [mark_lines="1 2"] %}`` → a fenced block: what the site's Markdown (and
    its highlighter, pymdownx.highlight under Material) renders as code. Line numbers and marked lines
    become the fence's ``linenums``/``hl_lines`` options."""

    def output(self, context: Any) -> str:
        parts = self.markup.split()
        lang = parts[0] if parts and "=" not in parts[0] else ""
        options = []
        if any(p == "linenos" or p.startswith("linenos=") for p in parts[1:]):
            options.append('linenums="1"')
        marked = _MARK_LINES_RE.search(self.markup)
        if marked:
            options.append(f'hl_lines="{" ".join(marked.group(1).split())}"')
        code = self.body(context).strip("\n")
        fence = "```"
        while fence in code:
            fence += "`"
        header = f"{{ .{lang} {' '.join(options)} }}" if options and lang else lang
        if options and not lang:
            header = f"{{ {' '.join(options)} }}"
        return f"\n{fence}{header}\n{code}\n{fence}\n"


class HighlightTag(MarkupTag):
    name = "highlight"
    end = "endhighlight"
    block = True
    node_class = HighlightNode


TAGS = [UnknownTag, IncludeTag, IncludeRelativeTag, PostUrlTag, LinkTag, HighlightTag]
