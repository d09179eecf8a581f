"""Discovery walks folders one at a time and keeps paths compactly, in the order a sorted rglob gives."""

from __future__ import annotations

import os
from pathlib import Path

from compliance.project.discovery import PathList, _walk


def _tree(root: Path) -> None:
    # Names chosen so that a folder's contents and a sibling sharing its prefix interleave:
    # "a/…" sorts before "a!x" and "a.txt" (a path compares part by part).
    for name in ("a/z.txt", "a/b/c.txt", "a!x.txt", "a.txt", "b.txt", "深圳/报告.txt", ".hidden/x.txt", "a/.h.txt"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (root / "empty").mkdir()
    os.symlink(root / "a", root / "link-to-a")


def _visible(root: Path, path: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(root).parts)


def test_walk_gives_the_order_and_entries_of_a_sorted_rglob_without_hidden_names(tmp_path: Path) -> None:
    _tree(tmp_path)
    expected = [p for p in sorted(tmp_path.rglob("*")) if _visible(tmp_path, p)]
    assert list(_walk(tmp_path)) == expected
    assert tmp_path / "link-to-a" in expected  # a link to a folder is listed …
    assert tmp_path / "link-to-a" / "z.txt" not in expected  # … and not walked into


def test_path_list_reads_back_every_path_as_given() -> None:
    paths = [Path("/data/年报/2023/某区人民政府.txt"), Path("relative/b.pdf"), Path("c")]
    listed = PathList(paths)
    assert len(listed) == 3
    assert list(listed) == paths
    assert listed[-1] == Path("c")
    assert listed[1:] == paths[1:]
    assert listed == paths
