"""The plugin's options: its own few, then every jekyll-scholar ``scholar:`` key under its own name.

The jekyll-scholar keys and their defaults are listed once, in ``scholar.settings.ScholarSettings``; they
are declared here from that list so a ``scholar:`` block pasted from ``_config.yml`` validates as is. A key
the plugin does not know (a theme's ``last_name``…) is reported by MkDocs as a warning, not an error.
"""

from __future__ import annotations

import dataclasses

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .math import DEFAULT_MATHJAX_URL
from .scholar.settings import ScholarSettings


class PluginOptions(Config):
    enabled = c.Type(bool, default=True)

    # Math: `page` (a page asks with use_math/math/mathjax), `always`, or `never`
    math = c.Choice(("page", "always", "never"), default="page")
    # Where browsers load MathJax from; a relative URL is taken from the site root
    mathjax_url = c.Type(str, default=DEFAULT_MATHJAX_URL)

    # Parsed .bib files and formatted entries kept between builds, by content (safe to delete)
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/mkdocs_scholar")  # relative to the folder of mkdocs.yml

    # One page per entry of the default bibliography (also made when _layouts/<details_layout> exists)
    details_pages = c.Type(bool, default=False)

    # A Jekyll site's own settings, under _config.yml's names (`mkdocs-scholar import` writes them)
    # Jekyll's `permalink` (date, pretty, ordinal, weekdate, none, or a pattern such as /:categories/:title/):
    # how Jekyll built each post's and page's URL
    permalink = c.Type(str, default="date")
    # Leave a page at each post's and page's Jekyll URL (and each `redirect_from`) that leads to its new URL
    redirects = c.Type(bool, default=False)
    # Jekyll's `timezone` (a name such as Europe/Berlin): a date written with an offset is moved to it
    timezone = c.Type(str, default="UTC")
    # Jekyll's `excerpt_separator`: a post's excerpt in the blog index ends there ("\n\n": the first
    # paragraph, Jekyll's default); empty: Material's own `<!-- more -->` only
    excerpt_separator = c.Type(str, default="")

    # What readers see beyond jekyll-scholar's links (each on by default)
    previews = c.Type(bool, default=True)  # the formatted entry in a popover on hover/focus of a citation
    backlinks = c.Type(bool, default=True)  # "↩ a b" after each entry, back to its citations on the page
    entry_links = c.Type(bool, default=True)  # DOI, URL, arXiv and `repository` files as links after entries
    bibtex_button = c.Type(bool, default=True)  # a "BibTeX" control after entries: shows and copies the entry
    # A page (docs-relative path, e.g. `bibliography.md`) listing every entry cited on the site; off if unset
    site_bibliography = c.Optional(c.Type(str))


def _jekyll_scholar_options() -> dict[str, c.Type]:
    """One typed option per jekyll-scholar key, defaulting to jekyll-scholar's default."""
    defaults = ScholarSettings()
    options = {}
    for f in dataclasses.fields(ScholarSettings):
        default = getattr(defaults, f.name)
        if f.type == "bool":
            options[f.name] = c.Type(bool, default=default)
        elif f.type == "dict":
            options[f.name] = c.Type(dict, default=dict(default))
        else:
            # A list-valued key may be written as "a, b"; a text key as a list (sort_by: [year, month]).
            options[f.name] = c.Type((str, list), default=list(default) if f.type == "list" else default)
    return options


ScholarConfig = type("ScholarConfig", (PluginOptions,), _jekyll_scholar_options())
