"""A page's source file, as the build reads it first: before any generator or Material's blog parses its
front matter.

``read_source`` decodes the file (a BOM, Latin-1 saved by an old editor), translates Jekyll's front matter
(``frontmatter.translate``) and makes the page's record for ``site.posts``/``site.pages``. The generator
then reads ``Source.text`` instead of the file where it differs, and renders the body with
``render.render_page`` later, knowing how many lines the front matter took.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import frontmatter
from .liquid.site import PageRecord
from .scholar.errors import Problem


@dataclass
class Source:
    record: PageRecord | None  # None: the file could not be read
    text: str | None = None  # the file as the generator must read it, where that differs from the file
    body_offset: int = 0  # lines above the Markdown body
    draft: bool = False  # `published: false` on a page that is not a post: the generator's draft
    problems: list[Problem] = field(default_factory=list)


def read_source(path: Path, src_uri: str, posts_dirs: list[str], excerpt_separator: str = "") -> Source:
    """The page at ``path`` (``src_uri`` inside the docs folder); ``posts_dirs``: the blog's posts folders."""
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError as exc:
        return Source(None, problems=[Problem(f"cannot be read ({exc.strerror or exc})")])
    text, problem = frontmatter.decode(data)
    is_post = any(src_uri.startswith(d + "/") for d in posts_dirs)
    # Jekyll's `_drafts/`, kept inside the posts folder: drafts dated by their file's time.
    is_draft = is_post and "_drafts" in src_uri.split("/")
    mtime = dt.datetime.fromtimestamp(stat.st_mtime) if is_draft else None
    result = frontmatter.translate(text, src_uri, is_post=is_post, is_draft=is_draft, fallback_date=mtime)
    record = PageRecord.of_source(src_uri, text, result.meta, is_post, result.date_offset, excerpt_separator)
    return Source(
        record,
        # Translated front matter, or a file that was not UTF-8: the generator reads UTF-8 text from us.
        text=(result.text or text) if result.text is not None or problem is not None else None,
        body_offset=result.body_line - 1,
        draft=result.draft and not is_post,
        problems=[*([problem] if problem else []), *result.problems],
    )


def read_text(path: Path) -> str:
    """A page's text as the build reads it (staged copies are UTF-8), or "" when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


class Stage:
    """Copies of pages with translated front matter, in a temporary folder the generator reads them from;
    ``clear`` deletes them (at the end of a build, or when it fails)."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory | None = None

    def write(self, src_uri: str, text: str) -> str:
        """The copy's path."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="mkdocs-scholar-")
        path = Path(self._folder.name, *src_uri.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def clear(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder.name, ignore_errors=True)
            self._folder = None
