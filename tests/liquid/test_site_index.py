"""site.posts / site.tags / site.categories / site.data (mkdocs_scholar.liquid.site)."""

from __future__ import annotations

import datetime as dt

from mkdocs_scholar.liquid.environment import DOC_CLOSE, DOC_OPEN, PageFacts, resolve_link_markers
from mkdocs_scholar.liquid.site import PageRecord, first_block, load_data, site_index


def records():
    return [
        PageRecord(
            "blog/posts/2019-02-21-a.md",
            "blog/2019/02/21/a/",
            {"title": "A", "date": dt.date(2019, 2, 21), "tags": ["ml"]},
            True,
            "First *para*.",
        ),
        PageRecord(
            "blog/posts/2020-04-28-b.md",
            "blog/2020/04/28/b/",
            {"title": "B", "date": dt.datetime(2020, 4, 28), "tags": ["ml", "x"], "categories": ["Science"]},
            True,
            "See {% cite k %}.",
        ),
        PageRecord("about.md", "about/", {"title": "About"}),
    ]


def test_posts_are_newest_first_with_previous_and_next():
    index = site_index(records())
    assert [p["title"] for p in index["posts"]] == ["B", "A"]
    newest, older = index["posts"]
    assert newest["previous"]["title"] == "A" and newest["next"] is None
    assert older["next"]["title"] == "B"
    assert [p["title"] for p in index["pages"]] == ["About"]


def test_tags_and_categories_map_to_their_posts():
    index = site_index(records())
    assert [p["title"] for p in index["tags"]["ml"]] == ["B", "A"]
    assert [p["title"] for p in index["tags"]["x"]] == ["B"]
    assert list(index["categories"]) == ["Science"]


def test_post_url_is_a_link_to_the_post_from_any_page():
    post = site_index(records())["posts"][1]
    assert post["url"] == f"{DOC_OPEN}blog/posts/2019-02-21-a.md{DOC_CLOSE}"
    facts = PageFacts(
        path="about.md", url="about/", root="..", links={"blog/posts/2019-02-21-a.md": "blog/2019/02/21/a/"}
    )
    # In raw HTML: relative to the page's URL; in a Markdown link: relative to the page's source file.
    assert resolve_link_markers(f'<a href="{post["url"]}">', facts) == '<a href="../blog/2019/02/21/a/">'
    assert resolve_link_markers(f"[A]({post['url']})", facts) == "[A](blog/posts/2019-02-21-a.md)"


def test_excerpt_is_the_first_paragraph_as_html_without_liquid():
    posts = {p["title"]: p for p in site_index(records())["posts"]}
    assert posts["A"]["excerpt"] == "<p>First <em>para</em>.</p>"
    assert posts["B"]["excerpt"] == "<p>See .</p>"
    assert first_block("\nOne\ntwo\n\nThree") == "One\ntwo"


def test_excerpt_is_made_when_first_read_however_a_template_reads_it():
    from liquid import Environment

    posts = site_index(records())["posts"]
    assert "excerpt" in posts[1] and dict.get(posts[1], "excerpt") is None  # not made yet
    template = Environment().from_string(
        "{% for p in posts %}{{ p.excerpt }}{% endfor %}|{{ posts | map: 'excerpt' | join: '' }}"
    )
    both = "<p>See .</p><p>First <em>para</em>.</p>"
    assert template.render(posts=posts) == f"{both}|{both}"
    assert posts[1].get("excerpt") == "<p>First <em>para</em>.</p>" and posts[1].get("nope", 3) == 3


def test_a_post_walked_key_by_key_has_its_excerpt_whichever_page_reads_it_first():
    import json

    for walk in (list, lambda p: json.dumps(p, default=str), lambda p: len(p), lambda p: dict(p.items())):
        post = site_index(records())["posts"][1]  # nothing read yet
        walk(post)
        assert "excerpt" in list(post) and json.loads(json.dumps(post, default=str))["excerpt"].startswith(
            "<p>"
        )


def test_data_files_nest_by_folder_and_csv_rows_are_dicts(tmp_path):
    data = tmp_path / "_data"
    (data / "team").mkdir(parents=True)
    (data / "people.yml").write_text("- name: Ada\n- name: Alan\n")
    (data / "team" / "lead.json").write_text('{"name": "Grace"}')
    (data / "papers.csv").write_text("key,year\nfinn2017,2017\n")
    (data / "broken.yml").write_text("a: [1, 2\n")
    values, problems = load_data(data, tmp_path)
    assert values["people"] == [{"name": "Ada"}, {"name": "Alan"}]
    assert values["team"]["lead"]["name"] == "Grace"
    assert values["papers"] == [{"key": "finn2017", "year": "2017"}]
    assert "broken" not in values
    assert len(problems) == 1 and problems[0].path == "_data/broken.yml"
