"""Assemble a MkDocs site from one of ../shared/corpus/posts/, as a migrating user would.

The post goes to docs/blog/posts/ unchanged, its .bib files to the folder its `scholar:` block names as
`source`, its includes to _includes/, its custom CSL styles where its config (or `--style NAME`) finds
them, and its `scholar:` block under the plugin, pasted as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import SHARED

CORPUS_POSTS = SHARED / "corpus" / "posts"
CORPUS_BIB = SHARED / "corpus" / "bib"


def corpus_available() -> bool:
    return CORPUS_POSTS.is_dir()


def assemble(name: str, dest: Path) -> Path:
    src = CORPUS_POSTS / name
    scholar = (yaml.safe_load((src / "config.yml").read_text(encoding="utf-8")) or {}).get("scholar") or {}
    source = str(scholar.get("source", "./_bibliography")).strip().lstrip("/") or "."
    (dest / "docs" / "blog" / "posts").mkdir(parents=True)
    (dest / source).mkdir(parents=True, exist_ok=True)
    for path in src.iterdir():
        if path.suffix == ".md":
            shutil.copy(path, dest / "docs" / "blog" / "posts" / path.name)
        elif path.suffix == ".bib":
            shutil.copy(path, dest / source / path.name)
        elif path.suffix == ".csl":  # named by --style NAME: beside the .bib files
            shutil.copy(path, dest / source / path.name)
        elif path.suffix in (".markdown", ".html"):
            (dest / "_includes").mkdir(exist_ok=True)
            shutil.copy(path, dest / "_includes" / path.name)
        elif path.is_dir():  # folders the config names by path (assets/elsevier.csl, _bibliography/x.csl)
            shutil.copytree(path, dest / path.name, dirs_exist_ok=True)
    (dest / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (dest / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    (dest / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    config = {
        "site_name": f"corpus {name}",
        "site_url": "https://example.org/blog-sub/",
        "theme": {"name": "material"},
        "plugins": ["search", "blog", "tags", {"scholar": scholar}],
        "markdown_extensions": ["attr_list", "md_in_html", "pymdownx.superfences"],
        "nav": ["index.md", {"Blog": ["blog/index.md"]}, "tags.md"],
    }
    (dest / "mkdocs.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return dest
