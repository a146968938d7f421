"""Details pages: one page per entry of the default bibliography, as jekyll-scholar's generator makes them.

jekyll-scholar generates them only when ``_layouts/<details_layout>`` (``bibtex.html``) exists; so do we,
rendering that layout's body, and also when the plugin's ``details_pages`` option asks for them, with a
built-in layout. Each page is ordinary Markdown with Liquid, so it goes through ``render_page`` like any
post: ``page.reference``, ``page.entry``, ``page.key``, ``page.bibtex`` are set there for it.
"""

from __future__ import annotations

import re

import yaml

from .scholar.engine import bibtex_text, details_path
from .scholar.errors import Problem, ScholarError
from .scholar.paths import confined

DETAILS_KEY = "scholar_details"  # front matter key that marks a generated details page

BUILT_IN_LAYOUT = """\
{{ page.reference }}

<pre class="scholar-bibtex"><code>{{ page.bibtex | xml_escape }}</code></pre>
"""


def details_pages(build: object) -> list[tuple[str, str]]:
    """(docs-relative path, page source) for every entry of the default bibliography."""
    if not build.details:
        return []
    settings = build.settings
    try:
        files = build.library.default_files(settings)
    except ScholarError as err:
        build.problems.append(Problem.from_error(err, path="mkdocs.yml"))
        return []
    from .scholar.latex import latex_to_rich, rich_to_plain  # the LaTeX decoder: only where it is used

    layout = _layout(build)
    pages: dict[str, str] = {}
    for path in files:
        loaded = build.library.load(path)
        for key, entry in loaded.file.entries.items():
            target = details_path(settings, key, entry)
            if target in pages:
                continue
            title = rich_to_plain(latex_to_rich(entry.fields.get("title", key))) or key
            meta = {"title": title, DETAILS_KEY: key, "scholar_details_file": loaded.label}
            head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
            pages[target] = f"---\n{head}---\n\n{layout}"
    return list(pages.items())


def page_values(state: object, key: str, line: int | None = None) -> dict[str, object]:
    """``page.*`` for a details page: the reference (formatted when the page finishes), entry and BibTeX."""
    from .scholar.latex import latex_to_rich, rich_to_plain
    from .scholar.options import TagOptions

    hit = None
    try:
        bibs = [state.library.load(p) for p in state.library.default_files(state.settings)]
        hit = state._find(bibs, key)
    except ScholarError:
        bibs = []
    if hit is None:
        return {"key": key, "reference": "", "entry": {}, "bibtex": ""}
    entry = hit[1].entry(hit[0])
    return {
        "key": key,
        "reference": state.reference([key], TagOptions(keys=[key]), line),
        "entry": {name: rich_to_plain(latex_to_rich(value)) for name, value in entry.fields.items()},
        "bibtex": bibtex_text(entry, state.settings.bibtex_skip_fields),
        "type": entry.type,
    }


def _layout(build: object) -> str:
    path = confined(build.layouts_dir / build.settings.details_layout, build.site.root)
    if path is None or not path.is_file():
        return BUILT_IN_LAYOUT
    text = path.read_text(encoding="utf-8-sig")
    m = re.match(r"^---\s*\n.*?\n---\s*\n", text, re.S)
    return text[m.end() :] if m else text
