"""_config.yml → mkdocs.yml, and what the importer leaves out (mkdocs_scholar.jekyll_site), on tiny sites
written by each test. Whole imports that are built are in tests/e2e/test_jekyll_import.py."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from mkdocs_scholar.jekyll_site import ImportFailure, format_report, import_site


def site(tmp_path: Path, config: str, files: dict[str, str] | None = None) -> Path:
    src = tmp_path / "jekyll"
    src.mkdir()
    (src / "_config.yml").write_text(textwrap.dedent(config), encoding="utf-8")
    for rel, text in (files or {}).items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return src


def imported(tmp_path: Path, config: str, files: dict[str, str] | None = None):
    report = import_site(site(tmp_path, config, files), tmp_path / "out")
    mkdocs_yml = yaml.safe_load((tmp_path / "out" / "mkdocs.yml").read_text(encoding="utf-8"))
    return report, mkdocs_yml


def plugin(config: dict, name: str) -> dict:
    return next(p[name] for p in config["plugins"] if isinstance(p, dict) and name in p)


def skipped(report, what: str) -> str:
    return next((s.reason for s in report.skipped if what in s.what), "")


def test_jekyll_defaults_when_config_says_little(tmp_path):
    report, config = imported(tmp_path, "title: Tiny\n")
    scholar = plugin(config, "scholar")
    # Jekyll's defaults: permalink `date`, excerpt_separator "\n\n"; redirects on for an imported site.
    assert scholar == {"redirects": True, "permalink": "date", "excerpt_separator": "\n\n"}
    assert "site_url" not in config
    assert (tmp_path / "out" / "docs" / "blog" / "index.md").is_file()
    assert (tmp_path / "out" / "docs" / "index.md").read_text(encoding="utf-8").startswith("# Tiny")


def test_excerpt_separator_timezone_and_paginate_are_carried_over(tmp_path):
    _, config = imported(
        tmp_path,
        """
        excerpt_separator: <!--more-->
        timezone: Europe/Berlin
        paginate: 5
        """,
    )
    scholar = plugin(config, "scholar")
    assert scholar["excerpt_separator"] == "<!--more-->" and scholar["timezone"] == "Europe/Berlin"
    assert plugin(config, "blog")["pagination_per_page"] == 5


@pytest.mark.parametrize(
    "config",
    [
        "use_math: true\n",
        "mathjax: true\n",
        "defaults:\n  - scope: {path: '', type: posts}\n    values: {use_math: true}\n",
    ],
)
def test_site_wide_math_means_math_on_every_page(tmp_path, config):
    _, mkdocs_yml = imported(tmp_path, config)
    assert plugin(mkdocs_yml, "scholar")["math"] == "always"


def test_no_site_wide_math_leaves_it_to_each_page(tmp_path):
    _, config = imported(tmp_path, "title: x\n")
    assert "math" not in plugin(config, "scholar")


def test_a_style_or_template_that_does_not_exist_is_left_out_with_the_reason(tmp_path):
    report, config = imported(
        tmp_path,
        """
        scholar:
          style: _bibliography/missing.csl
          bibliography_template: bib
        """,
        {"_bibliography/references.bib": "@misc{a, title={A}}\n"},
    )
    scholar = plugin(config, "scholar")
    assert "style" not in scholar and "bibliography_template" not in scholar
    assert "not found" in skipped(report, "style") and "_layouts/" in skipped(report, "bibliography_template")


def test_an_unknown_style_name_is_left_out_not_a_crash(tmp_path):
    report, config = imported(tmp_path, "scholar:\n  style: no-such-style-anywhere\n")
    assert "style" not in plugin(config, "scholar")
    assert "not found" in skipped(report, "style")


def test_a_csl_style_in_the_site_is_copied_where_the_plugin_looks(tmp_path):
    report, config = imported(
        tmp_path,
        "scholar:\n  style: assets/house.csl\n",
        {"assets/house.csl": "<style/>\n", "_bibliography/references.bib": "@misc{a, title={A}}\n"},
    )
    out = tmp_path / "out"
    assert plugin(config, "scholar")["style"] == "assets/house.csl"
    # relative to mkdocs.yml, where the plugin resolves styles, and in docs/ as the site's asset
    assert (out / "assets" / "house.csl").is_file() and (out / "docs" / "assets" / "house.csl").is_file()
    assert "assets/house.csl" in report.bibliography


def test_theme_keys_material_reads_itself_are_not_put_in_extra(tmp_path):
    report, config = imported(tmp_path, "social:\n  - github\ntwitter_username: someone\n")
    assert config["extra"] == {"twitter_username": "someone"}
    assert "Material reads extra.social" in skipped(report, "social")


def test_unknown_language_and_kramdown_option_are_reported(tmp_path):
    report, config = imported(tmp_path, "lang: xx-YY\nkramdown:\n  parse_block_html: true\n")
    assert "language" not in config["theme"]
    assert skipped(report, "lang") and "no Python-Markdown equivalent" in skipped(report, "parse_block_html")


def test_posts_folders_under_a_category_keep_their_posts_and_say_what_to_add(tmp_path):
    post = "---\ntitle: In a category\n---\nText.\n"
    report, _ = imported(tmp_path, "title: x\n", {"science/_posts/2020-01-02-x.md": post})
    assert (tmp_path / "out" / "docs" / "blog" / "posts" / "science" / "2020-01-02-x.md").read_text() == post
    assert "categories: science" in skipped(report, "science/_posts/")


def test_files_in_posts_that_jekyll_ignores_are_reported(tmp_path):
    report, _ = imported(
        tmp_path,
        "title: x\n",
        {"_posts/notes.md": "---\ntitle: n\n---\n", "_posts/2020-01-02-bare.md": "Text.\n"},
    )
    assert "not a post name" in skipped(report, "_posts/notes.md")
    assert "no front matter" in skipped(report, "_posts/2020-01-02-bare.md")
    assert report.posts == []


def test_a_folder_without_config_is_imported_with_a_note(tmp_path):
    src = tmp_path / "plain"
    (src / "_posts").mkdir(parents=True)
    (src / "_posts" / "2020-01-02-x.md").write_text("---\ntitle: X\n---\nText.\n")
    report = import_site(src, tmp_path / "out")
    assert report.posts == ["blog/posts/2020-01-02-x.md"]
    assert "Jekyll site's folder" in skipped(report, "_config.yml")


def test_a_broken_config_is_an_import_failure_with_its_line(tmp_path):
    src = site(tmp_path, "title: [unclosed\nurl: x\n")
    with pytest.raises(ImportFailure, match=r"_config.yml:\d+"):
        import_site(src, tmp_path / "out")


def test_the_summary_lists_every_skipped_item_with_its_reason(tmp_path):
    report, _ = imported(tmp_path, "theme: minima\n", {"README.md": "Hello\n"})
    text = format_report(report)
    assert "Not converted (2):" in text
    for item in report.skipped:
        assert f"- {item.what}: {item.reason}" in text
