"""jekyll-scholar's Liquid tags, one per module: thin adapters from Liquid to ``scholar.engine``.

Every tag parses its markup the jekyll-scholar way (``scholar.options``), looks keys up as Liquid
variables first, and hands the work to the page's ``CitationState`` (found in the page facts).
"""

from __future__ import annotations

from .bibliography import BibliographyTag
from .bibliography_count import BibliographyCountTag
from .bibtex import BibtexTag
from .cite import CiteTag
from .cite_details import CiteDetailsTag, DetailsLinkTag
from .nocite import NociteTag
from .quote import QuoteTag
from .reference import ReferenceTag

SCHOLAR_TAGS = [
    CiteTag,
    BibliographyTag,
    ReferenceTag,
    NociteTag,
    QuoteTag,
    BibtexTag,
    BibliographyCountTag,
    CiteDetailsTag,
    DetailsLinkTag,
]
