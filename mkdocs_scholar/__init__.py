"""mkdocs_scholar: Jekyll + jekyll-scholar posts, built unchanged by MkDocs (Material)."""

__version__ = "0.1.0"
