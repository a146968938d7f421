"""Jekyll's excerpt separator → Material's marker (mkdocs_scholar.excerpt_separator)."""

from __future__ import annotations

from mkdocs_scholar.excerpt_separator import mark_excerpt

MORE = "<!-- more -->"


def test_default_separator_ends_the_excerpt_after_the_first_paragraph():
    # Jekyll's default excerpt_separator is "\n\n": the excerpt is the text before the first blank line.
    text = "First paragraph\nstill first.\n\nSecond.\n"
    assert mark_excerpt(text, "\n\n") == f"First paragraph\nstill first.\n\n{MORE}\n\nSecond.\n"


def test_leading_blank_lines_and_fenced_code_do_not_end_the_first_block():
    text = "\n\n```python\na = 1\n\nb = 2\n```\n\nAfter.\n"
    marked = mark_excerpt(text, "\n\n")
    assert marked.index(MORE) > marked.index("b = 2")
    assert marked.index(MORE) < marked.index("After.")


def test_a_custom_separator_gets_the_marker_after_its_first_occurrence():
    text = "Intro.\n<!--excerpt-->\nRest.\n<!--excerpt-->\n"
    marked = mark_excerpt(text, "<!--excerpt-->")
    assert marked.count(MORE) == 1
    assert marked.index("<!--excerpt-->") < marked.index(MORE) < marked.index("Rest.")


def test_a_post_with_the_marker_or_without_the_separator_is_left_alone():
    assert mark_excerpt(f"A\n\n{MORE}\n\nB\n\nC", "\n\n") == f"A\n\n{MORE}\n\nB\n\nC"
    assert mark_excerpt("One paragraph only.\n", "\n\n") == "One paragraph only.\n"
    assert mark_excerpt("Text.\n\nMore.", "<!--x-->") == "Text.\n\nMore."
    assert mark_excerpt("Text.\n\nMore.", "") == "Text.\n\nMore."
