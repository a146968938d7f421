"""What the plugin reads of Material's blog plugin instances (``config.plugins``): where posts are, and
where their excerpts end. Any number of blogs, under either of the plugin's names."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any


def _blog_plugins(plugins: Mapping[str, Any]) -> list[Any]:
    """Every Material blog plugin instance (``blog``, ``material/blog``, ``blog 2``, …)."""
    return [
        plugin
        for name, plugin in plugins.items()
        if name.split(" ")[0] in ("material/blog", "blog") and getattr(plugin, "config", None) is not None
    ]


def post_dirs(plugins: Mapping[str, Any]) -> list[str]:
    """The posts folders of every Material blog plugin instance (``blog/posts`` by default)."""
    dirs = []
    for plugin in _blog_plugins(plugins):
        blog_dir = posixpath.normpath(plugin.config.blog_dir)
        post_dir = plugin.config.post_dir.format(blog=blog_dir)
        dirs.append(posixpath.normpath(post_dir).lstrip("./") if post_dir != "." else "")
    return dirs


def excerpt_marker(plugins: Mapping[str, Any]) -> str:
    """The excerpt marker Material's blog cuts posts at (``post_excerpt_separator``)."""
    found = _blog_plugins(plugins)
    return str(found[0].config.post_excerpt_separator) if found else "<!-- more -->"
