"""The pages' .bib files kept in the cache and linked into the site (scholar/sitefiles.py)."""

from __future__ import annotations

import errno
import os

import pytest

from mkdocs_scholar.scholar.sitefiles import FileStore, write_file


def store_and_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    return FileStore(tmp_path / "cache" / "site-bibtex"), site


def test_a_file_is_kept_once_and_linked_into_each_build(tmp_path):
    """The second build's file is the first build's kept file under a new name: nothing new is made."""
    store, site = store_and_site(tmp_path)
    store.put(site / "a.bib", b"@misc{a,\n}\n")
    kept = list(store.folder.iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == b"@misc{a,\n}\n"
    assert os.path.samefile(kept[0], site / "a.bib")
    (site / "a.bib").unlink()  # what MkDocs does to the site folder before the next build
    again = FileStore(store.folder)
    again.put(site / "a.bib", b"@misc{a,\n}\n")
    assert list(store.folder.iterdir()) == kept and os.path.samefile(kept[0], site / "a.bib")
    assert os.stat(kept[0]).st_ino == os.stat(site / "a.bib").st_ino


def test_a_site_file_of_the_build_before_is_replaced_not_written_through(tmp_path):
    """``--dirty``: the site still holds the last build's file, a link to a kept file. The new text
    must not reach that kept file (another page, or the next build, may link it)."""
    store, site = store_and_site(tmp_path)
    store.put(site / "a.bib", b"old\n")
    (old,) = store.folder.iterdir()
    store.put(site / "a.bib", b"new\n")
    assert (site / "a.bib").read_bytes() == b"new\n"
    assert old.read_bytes() == b"old\n"
    write_file(site / "a.bib", b"plain\n")  # the plain way never writes through a link either
    assert (site / "a.bib").read_bytes() == b"plain\n"
    assert sorted(p.read_bytes() for p in store.folder.iterdir()) == [b"new\n", b"old\n"]


def test_a_kept_file_gone_is_made_again(tmp_path):
    """A kept file deleted since (the cache folder emptied, or pruned by a build beside this one)."""
    store, site = store_and_site(tmp_path)
    store.put(site / "a.bib", b"x\n")
    for kept in store.folder.iterdir():
        kept.unlink()
    store.put(site / "b.bib", b"x\n")
    assert (site / "b.bib").read_bytes() == b"x\n" and len(list(store.folder.iterdir())) == 1


@pytest.mark.parametrize("code", [errno.EXDEV, errno.EPERM])
def test_where_files_cannot_be_linked_they_are_written(tmp_path, monkeypatch, code):
    """``serve`` builds into a temporary folder, often on another file system (EXDEV); some file systems
    refuse hard links (EPERM). The files are then written as they always were, and nothing is pruned."""
    store, site = store_and_site(tmp_path)
    store.put(site / "kept.bib", b"kept\n")
    calls = []

    def refuse(src, dst):
        calls.append(dst)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", refuse)
    fresh = FileStore(store.folder)
    fresh.put(site / "a.bib", b"a\n")
    fresh.put(site / "b.bib", b"b\n")
    assert (site / "a.bib").read_bytes() == b"a\n" and (site / "b.bib").read_bytes() == b"b\n"
    assert len(calls) == 1  # tried once: the second file went straight to a plain write
    assert fresh.prune() == 0 and [p.read_bytes() for p in store.folder.iterdir()] == [b"kept\n"]


def test_prune_drops_what_the_build_did_not_use(tmp_path):
    """The kept files of this build stay; the others go. A site file linked to a dropped one keeps its
    text (a link is a name of the file, not a pointer to the kept one)."""
    store, site = store_and_site(tmp_path)
    store.put(site / "a.bib", b"a\n")
    store.put(site / "b.bib", b"b\n")
    assert store.prune() == 0
    next_build = FileStore(store.folder)
    (site / "a.bib").unlink()
    next_build.put(site / "a.bib", b"a\n")
    assert next_build.prune() == 1
    assert [p.read_bytes() for p in store.folder.iterdir()] == [b"a\n"]
    assert (site / "b.bib").read_bytes() == b"b\n"
    assert FileStore(store.folder).prune() == 0  # a build that linked nothing drops nothing


def test_a_folder_where_the_file_should_go_is_an_error_to_report(tmp_path):
    """The caller (``Reader.write_bibtex_files``) turns the OSError into a warning naming the file."""
    store, site = store_and_site(tmp_path)
    (site / "a.bib").mkdir()
    with pytest.raises(OSError):
        store.put(site / "a.bib", b"a\n")
    assert (site / "a.bib").is_dir()
    assert not [p for p in site.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind


def test_the_kept_folder_is_made_once_a_build(tmp_path, monkeypatch):
    """A first build keeps every file anew: its folder is made for the first, not once a file (the
    twin of the site folder made once a build in ``Reader.write_bibtex_files``)."""
    import pathlib

    store, site = store_and_site(tmp_path)
    made = []
    mkdir = pathlib.Path.mkdir
    monkeypatch.setattr(
        pathlib.Path, "mkdir", lambda self, *a, **k: made.append(self) or mkdir(self, *a, **k)
    )
    for n in range(3):
        store.put(site / f"{n}.bib", f"{n}\n".encode())
    assert made.count(store.folder) == 2  # pathlib makes the parent, then tries the folder again
    assert sorted(p.read_bytes() for p in store.folder.iterdir()) == [b"0\n", b"1\n", b"2\n"]
