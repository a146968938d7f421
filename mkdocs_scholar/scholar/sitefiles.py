"""Files the build writes into the built site (the pages' .bib files), kept in the cache between builds.

MkDocs empties the site folder at the start of every build, so every file the plugin puts there is made
anew each time. On some disks that is slow: ext4 without a journal (as in many VMs and containers) skips,
for every new file or folder, each free inode deleted in the last minute or more, and a build has just
deleted the whole site. Each file and folder made then costs about 1 ms, more with every build in a row
(`mkdocs serve`, a benchmark), against 0.07 ms on the same disk at rest. A file the cache already holds is
not made again: it is hard-linked into the site, a new name for an existing file, which allocates nothing.

``FileStore`` keeps each file under the hash of its bytes in one folder of the cache. A file in the site is
never written through: a plain write goes to a new file renamed over the old one, so a site file that is a
link into the store cannot change the store's copy. Where the site is on another file system (``serve``
builds into a temporary folder) or the disk has no hard links, the files are written as plain files.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

# Errors that say this pair of folders cannot be linked at all (not one file's trouble): plain files from
# then on. Others (a folder in the way, a file linked too often) make that one file plain.
_NO_LINKS = {errno.EXDEV, errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


class FileStore:
    """The files of one build, kept between builds in ``folder`` under their content's hash."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # the names this build linked (or wanted to)
        self.linking = True  # False once linking failed for a reason no other file would escape
        self.folder_made = False  # ``folder`` made (or found) this build: one mkdir, not one a file

    def put(self, target: Path, data: bytes) -> None:
        """Make ``target`` hold ``data``: a link to the kept copy, or a plain file. Raises OSError only
        where the plain file cannot be written either (the caller says so)."""
        if self.linking:
            name = hashlib.blake2b(data, digest_size=16).hexdigest() + ".bib"
            self.used.add(name)
            try:
                self._link(self.folder / name, target, data)
                return
            except OSError as exc:
                if exc.errno in _NO_LINKS:
                    self.linking = False
        write_file(target, data)

    def _link(self, kept: Path, target: Path, data: bytes) -> None:
        for _ in range(3):
            try:
                os.link(kept, target)
                return
            except FileExistsError:
                # A build into a site folder that was not emptied (`--dirty`): the file of the build before.
                if target.is_dir() and not target.is_symlink():
                    raise
                target.unlink()
            except FileNotFoundError:
                if not target.parent.is_dir():
                    raise
                # Not kept yet (or pruned by a build beside this one): keep it now.
                if not self.folder_made:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    self.folder_made = True
                write_file(kept, data)
        os.link(kept, target)

    def prune(self) -> int:
        """Drop the kept files this build did not use (a page's references changed, a page went); how
        many. Nothing is dropped after a build that linked nothing, or that stopped linking part way (the
        files it wrote plain are not in ``used``). The site's links keep their files."""
        if not self.used or not self.linking:
            return 0
        dropped = 0
        try:
            names = os.listdir(self.folder)
        except OSError:
            return 0
        for name in names:
            if name not in self.used:
                try:
                    (self.folder / name).unlink()
                    dropped += 1
                except OSError:
                    pass
        return dropped


def write_file(target: Path, data: bytes) -> None:
    """Write ``target`` as a new file renamed over the old one: never through an existing link."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as f:
            f.write(data)
        os.replace(temporary, target)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise
