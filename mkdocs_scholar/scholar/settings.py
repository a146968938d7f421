"""jekyll-scholar's ``scholar:`` settings as one plain record, the single list of keys and defaults.

The MkDocs config (``config.py``) is built from these fields, so a ``scholar:`` block pasted from a Jekyll
``_config.yml`` validates under the plugin unchanged; a page's front matter ``scholar:`` block overrides
them per page (``ScholarSettings.merged``). Defaults are jekyll-scholar 7.3's (``defaults.rb``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# jekyll-scholar keys we accept but whose effect is not built yet: a warning names them.
UNSUPPORTED_KEYS = frozenset(
    {
        "use_raw_bibtex_entry",
    }
)


@dataclass(frozen=True)
class ScholarSettings:
    # Style and language
    style: str = "apa"
    locale: str = "en"
    allow_locale_overrides: bool = False

    # Where the bibliography lives (``source`` is relative to the site root, the folder of mkdocs.yml)
    source: str = "./_bibliography"
    bibliography: str = "references.bib"
    repository: str = ""
    repository_file_delimiter: str = "."

    # Which entries, in which order
    query: str = "@*"
    sort_by: str = "none"
    order: str = "ascending"
    group_by: str = "none"
    group_order: str = "ascending"
    remove_duplicates: bool = False

    # HTML shape
    bibliography_class: str = "bibliography"
    bibliography_group_tag: str = "h2,h3,h4,h5"
    bibliography_list_tag: str = "ol"
    bibliography_item_tag: str = "li"
    bibliography_list_attributes: dict = field(default_factory=dict)
    bibliography_item_attributes: dict = field(default_factory=dict)
    bibliography_template: str = "{{reference}}"
    reference_tagname: str = "span"
    missing_reference: str = "(missing reference)"
    cite_class: str = "citation"
    separate_links: bool = False
    relative: str = ""

    # Details pages and links
    details_dir: str = "bibliography"
    details_layout: str = "bibtex.html"
    details_link: str = "Details"
    details_link_class: str = "details"
    details_permalink: str = "/:details_dir/:key:extension"

    # BibTeX reading
    bibtex_options: dict = field(default_factory=lambda: {"strip": False, "parse_months": True})
    bibtex_filters: list = field(
        default_factory=lambda: [
            "smallcaps",
            "superscript",
            "italics",
            "textit",
            "lowercase",
            "textregistered",
            "tiny",
            "latex",
        ]
    )
    raw_bibtex_filters: list = field(default_factory=list)
    bibtex_skip_fields: list = field(default_factory=lambda: ["abstract", "month_numeric"])
    bibtex_quotes: list = field(default_factory=lambda: ["{", "}"])
    replace_strings: bool = True
    join_strings: bool = True

    # Grouping vocabularies
    type_names: dict = field(
        default_factory=lambda: {
            "article": "Journal Articles",
            "book": "Books",
            "incollection": "Book Chapters",
            "inproceedings": "Conference Articles",
            "thesis": "Theses",
            "mastersthesis": "Master's Theses",
            "phdthesis": "PhD Theses",
            "manual": "Manuals",
            "techreport": "Technical Reports",
            "misc": "Miscellaneous",
            "unpublished": "Unpublished",
        }
    )
    type_aliases: dict = field(default_factory=lambda: {"phdthesis": "thesis", "mastersthesis": "thesis"})
    type_order: list = field(default_factory=list)
    month_names: list = field(default_factory=list)

    # Keys jekyll-scholar knows that we accept and ignore (see UNSUPPORTED_KEYS)
    use_raw_bibtex_entry: bool = False

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> tuple[ScholarSettings, list[str]]:
        """Settings from a ``scholar:`` mapping; returns the settings and one message per ignored key."""
        known = set(cls.keys())
        notes: list[str] = []
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                notes.append(f"scholar setting '{key}' is not a jekyll-scholar setting; it is ignored")
                continue
            if value is None:
                continue
            if key in UNSUPPORTED_KEYS and value != getattr(cls(), key):
                notes.append(f"scholar setting '{key}' is not supported by mkdocs_scholar; it is ignored")
            problem = _kind_problem(key, value)
            if problem:
                notes.append(problem)
                continue
            kwargs[key] = _coerce(key, value)
        return cls(**kwargs), notes

    def merged(self, overrides: Mapping[str, Any] | None) -> tuple[ScholarSettings, list[str]]:
        """These settings with a page's front-matter ``scholar:`` overrides applied."""
        if not overrides:
            return self, []
        if not isinstance(overrides, Mapping):
            return self, [
                "front matter 'scholar:' must be a mapping of jekyll-scholar settings; it is ignored"
            ]
        base = dataclasses.asdict(self)
        notes = []
        for k, v in overrides.items():
            if k not in base:
                notes.append(
                    f"scholar setting '{k}' in front matter is not a jekyll-scholar setting; it is ignored"
                )
            elif v is not None:
                problem = _kind_problem(k, v)
                if problem:
                    notes.append(problem)
                else:
                    base[k] = v
        return ScholarSettings(**{k: _coerce(k, v) for k, v in base.items()}), notes


_KIND_WORDS = {"dict": "a mapping", "bool": "true or false", "list": "a list", "str": "text"}


def _kind_problem(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be the setting ``key`` (None if it can): the setting is then left at its
    default, with this note, rather than read as something the user did not mean."""
    kind = {f.name: f.type for f in dataclasses.fields(ScholarSettings)}[key]
    ok = {
        "dict": isinstance(value, Mapping),
        "bool": isinstance(value, bool)
        or isinstance(value, int)
        or (isinstance(value, str) and value.strip().lower() in _BOOL_WORDS),
        "list": isinstance(value, (str, list, tuple)),
        "str": not isinstance(value, Mapping),  # a number or a list (`sort_by: [year]`) reads as text
    }.get(kind, True)
    if ok:
        return None
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
    return f"scholar setting '{key}' must be {_KIND_WORDS[kind]}, not {shown}; the default is used"


_BOOL_WORDS = ("true", "false", "yes", "no", "on", "off", "1", "0")


def _coerce(key: str, value: Any) -> Any:
    default = {f.name: f for f in dataclasses.fields(ScholarSettings)}[key]
    kind = default.type
    if kind == "str":
        if isinstance(value, (list, tuple)):  # `sort_by: [year, month]` is written as a list sometimes
            return ",".join(str(v) for v in value)
        return str(value)
    if kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("true", "yes", "1", "on")
        return bool(value)
    if kind == "list":
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return list(value) if isinstance(value, (list, tuple)) else [value]
    if kind == "dict":
        return dict(value) if isinstance(value, Mapping) else {}
    return value
