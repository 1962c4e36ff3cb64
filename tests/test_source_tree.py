"""The read stage reads through a SourceTree: a site folder on disk and the same files held in
memory give the same sources, and a site built in memory touches no disk and starts no process."""
from __future__ import annotations

import os
import sys
from dataclasses import replace

import pytest

from conftest import REPO, minimal_site, write_files
from memory import build_in_memory, memory_tree, site_files
from zwgk.base import default_theme
from zwgk.source import DiskTree, MemoryTree, read_county, read_site

# Files of every sort the reader meets: hidden ones, a .yml, names that cannot be URLs,
# a content folder without its catalog, attachments in nested and hidden folders.
VARIED = {
    **minimal_site(),
    "catalog/jia/.draft.yaml": "domain: 草稿\n",
    "catalog/jia/extra.yml": "domain: 扩展\nitems: []\n",
    "catalog/jia/bad name.yaml": "domain: 坏名字\nitems: []\n",
    "catalog/yi/county.yaml": "name: 乙县\ncode: '990902'\n",
    "catalog/yi/hjbh.yaml": "domain: 环境保护\nitems: []\n",
    "catalog/.hidden/county.yaml": "name: 隐藏\n",
    "catalog/坏县/county.yaml": "name: 坏县\n",
    "content/bing/docs/a.md": "---\ntitle: 孤儿\n---\n",
    "content/jia/docs/.swap.md": "x",
    "content/jia/docs/notes.txt": "not markdown",
    "content/jia/pages/guide.md": "---\ntitle: 指南\nweight: 2\n---\n正文\n",
    "content/jia/files/a.pdf": b"%PDF-1.4 a",
    "content/jia/files/sub/b.csv": "x,y\n1,2\n",
    "content/jia/files/sub/.git/c.txt": "hidden folder",
    "content/jia/files/.d.txt": "hidden file",
    "content/pages/help.md": b"---\ntitle: \xff\n---\n",       # not UTF-8: a problem, not an exception
}


def comparable(sources, root: str):
    """The sources with where they were read from taken out."""
    counties = {slug: replace(c, files={rel: path[len(root):] for rel, path in c.files.items()})
                for slug, c in sources.counties.items()}
    return repr(replace(sources, root="", counties=counties)).replace(repr(root)[1:-1], "<root>")


def test_a_folder_on_disk_and_the_same_files_in_memory_read_alike(tmp_path):
    site = write_files(tmp_path / "site", VARIED)
    disk = DiskTree(site)
    mtimes = {rel: os.stat(os.path.join(site, *rel.split("/"))).st_mtime for rel in VARIED}
    memory = MemoryTree(VARIED, mtimes)
    on_disk, in_memory = read_site(site), read_site(memory)
    assert comparable(on_disk, disk.root) == comparable(in_memory, memory.root)
    assert on_disk.counties["jia"].files == {"files/a.pdf": os.path.join(site, "content", "jia", "files", "a.pdf"),
                                             "files/sub/b.csv": os.path.join(site, "content", "jia", "files", "sub", "b.csv")}
    assert in_memory.counties["jia"].files == {"files/a.pdf": "<memory>/content/jia/files/a.pdf",
                                               "files/sub/b.csv": "<memory>/content/jia/files/sub/b.csv"}
    assert {p.path for p in in_memory.problems} >= {"catalog/jia/extra.yml", "catalog/jia/bad name.yaml",
                                                    "catalog/坏县", "content/bing", "content/pages/help.md"}
    assert comparable(read_county(site, "yi"), disk.root) == comparable(read_county(memory, "yi"), memory.root)


def test_the_memory_tree_answers_like_a_folder():
    tree = MemoryTree({"a/b.txt": "文字", "a/c/d.bin": b"\x00"}, {"a/b.txt": 1.5})
    assert tree.is_dir("") and tree.is_dir("a") and tree.is_dir("a/c") and not tree.is_dir("a/b.txt")
    assert tree.is_file("a/b.txt") and not tree.is_file("a") and not tree.exists("nope")
    assert [(e.name, e.is_dir, e.is_file) for e in tree.entries("a")] == [("b.txt", False, True), ("c", True, False)]
    assert list(tree.walk("a")) == [("a", ["c"], ["b.txt"]), ("a/c", [], ["d.bin"])]
    assert tree.read("a/b.txt") == ("文字".encode(), 1.5)
    with pytest.raises(FileNotFoundError):
        tree.read("a/nope.txt")
    with pytest.raises(OSError):
        tree.entries("a/b.txt")
    for bad in ("/etc/passwd", "a/../b", "", "a//b"):
        with pytest.raises(ValueError):
            MemoryTree({bad: "x"})
    with pytest.raises(ValueError):
        MemoryTree({"a": "x", "a/b": "y"})


def test_a_site_built_in_memory_touches_no_disk_and_starts_no_process(tmp_path):
    """Only zwgk's own files (the theme's templates, Python modules) are opened; not one of
    the site's, though a folder of the same name as the tree's root holds them."""
    build_in_memory(site_files())          # imports and the theme's first compile happen here
    events: list[tuple[str, tuple]] = []
    watching = [True]

    def hook(event, args):
        if watching[0] and (event in ("open", "os.scandir", "os.listdir", "os.walk")
                            or event.startswith(("subprocess.", "os.exec", "os.posix_spawn", "os.fork", "os.system"))):
            events.append((event, args))

    sys.addaudithook(hook)                 # stays for the process: `watching` turns it off
    try:
        build = build_in_memory(site_files({"content/jia/docs/2024-czj-002.md":
                                            "---\ntitle: 二号\nissuer: 甲县财政局\npublished: 2024-03-01\n---\n正文\n"}))
    finally:
        watching[0] = False
    assert build.problems == [] and "jia/docs/2024-czj-002.html" in build.pages
    engine = (os.path.dirname(default_theme()), os.path.join(REPO, "zwgk"), sys.prefix, sys.base_prefix)
    touched = [(event, args) for event, args in events
               if event != "open" or not str(args[0]).startswith(engine)]
    assert touched == [], touched


def test_dedented_texts_and_none_removes_a_file():
    files = site_files({"content/pages/about.md": None, "content/pages/x.md": "\n    ---\n    title: 缩进\n    ---\n"})
    assert "content/pages/about.md" not in files
    tree = memory_tree(files)
    assert tree.read("content/pages/x.md")[0] == "\n---\ntitle: 缩进\n---\n".encode()
