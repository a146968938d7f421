"""Unit tests of the Jekyll Liquid environment (no MkDocs)."""

from __future__ import annotations

from pathlib import Path

from mkdocs_scholar.liquid.environment import (
    JekyllEnvironment,
    PageFacts,
    normalize_spelling,
    relative_root,
    repair_tag_typos,
    resolve_link_markers,
)


def render(source, tmp_path=Path("."), **variables):
    env = JekyllEnvironment(root=tmp_path)
    facts = PageFacts(
        path="blog/posts/p.md", url="blog/2020/01/01/p/", root="../../../../..", src_root="../.."
    )
    out = env.render_page(source, facts, variables)
    return resolve_link_markers(out, facts), facts.problems


def test_relative_root_counts_folders_in_the_url():
    assert relative_root("blog/2019/02/21/iclr/") == "../../../../.."
    assert relative_root("blog/iclr.html") == ".."
    assert relative_root("") == "."


def test_site_root_in_raw_html_is_relative_to_the_url_and_in_markdown_to_the_source():
    out, _ = render('<img src="{{ "/a.png" | relative_url }}"> ![x]({{ "/a.png" | relative_url }})')
    assert out == '<img src="../../../../../a.png"> ![x](../../a.png)'


def test_unknown_tag_is_kept_and_reported_with_its_line():
    out, problems = render("line one\n{% frobnicate x %}\n")
    assert "{% frobnicate x %}" in out
    assert problems[0].line == 2 and "frobnicate" in problems[0].message


def test_syntax_error_in_an_output_is_reported_with_its_line():
    out, problems = render("a\nb\n{{ page.title | }}\nc")
    assert out.endswith("c") and problems[0].line == 3


def test_raw_and_jekyll_filters():
    out, problems = render(
        "{% raw %}{{ x }}{% endraw %} {{ 'Hello World' | slugify }} {{ d | date_to_string }}",
        d="2019-02-21",
    )
    assert out == "{{ x }} hello-world 21 Feb 2019" and not problems


def test_highlight_becomes_a_fenced_block():
    out, _ = render("{% highlight python linenos %}\nx = 1\n{% endhighlight %}")
    assert '```{ .python linenums="1" }\nx = 1\n```' in out


def test_include_with_parameters(tmp_path):
    (tmp_path / "_includes").mkdir()
    (tmp_path / "_includes" / "note.html").write_text("<b>{{ include.text }}</b>", encoding="utf-8")
    env = JekyllEnvironment(root=tmp_path, includes_dir=tmp_path / "_includes")
    facts = PageFacts(path="p.md")
    assert env.render_page('{% include note.html text="hi" %}', facts, {}) == "<b>hi</b>"
    assert env.render_page("{% include missing.html %}", facts, {}) == ""
    assert "missing.html" in facts.problems[0].message


def test_include_cannot_leave_the_site(tmp_path):
    (tmp_path / "_includes").mkdir()
    env = JekyllEnvironment(root=tmp_path, includes_dir=tmp_path / "_includes")
    facts = PageFacts(path="p.md")
    assert env.render_page("{% include ../../../../etc/passwd %}", facts, {}) == ""
    assert facts.problems


def test_alternative_spelling_and_url_pairs():
    assert (
        normalize_spelling("<% cite k %> << site.url >>", lambda n: n == "cite")
        == "{% cite k %} {{ site.url }}"
    )
    assert normalize_spelling("<% erb code %>", lambda n: n == "cite") == "<% erb code %>"
    assert normalize_spelling("{{ site.url }}{{ site.baseurl }}/x", lambda n: False) == "{{ site.url }}/x"


def test_tag_closed_with_a_typo_is_repaired():
    text, repairs = repair_tag_typos("{% cite a % }) b {% cite c %}")
    assert text == "{% cite a %}) b {% cite c %}" and repairs == [(1, "{% cite a % }")]
