"""discover(): folders, files, globs, fsspec URLs, hidden entries, symlinks, missing sources."""

from __future__ import annotations

import os
from pathlib import Path

import fsspec
import pytest

from newsetl.errors import ConfigError
from newsetl.ingest import SourceFile, discover
from newsetl.settings import IngestConfig

CFG = IngestConfig()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/ with nested files, hidden entries and symlinks; outside/ next to it."""
    root = tmp_path / "root"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden_dir").mkdir()
    (root / "b.txt").write_bytes(b"bbb")
    (root / "a.json").write_bytes(b"[]")
    (root / "sub" / "c d é.txt").write_bytes(b"c")
    (root / "sub" / "deeper" / "e.html").write_bytes(b"<html></html>")
    (root / ".hidden.txt").write_bytes(b"h")
    (root / ".hidden_dir" / "x.txt").write_bytes(b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    (root / "link_out.txt").symlink_to(outside / "secret.txt")
    (root / "dir_out").symlink_to(outside, target_is_directory=True)
    (root / "link_in.txt").symlink_to(root / "b.txt")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)  # cycle back to the root
    (root / "broken.txt").symlink_to(root / "does-not-exist.txt")
    return root


def names(files: list[SourceFile], root: Path) -> list[str]:
    return [Path(f.uri).relative_to(root).as_posix() for f in files]


def test_folder_walk_sorted_absolute_hidden_skipped_symlinks_guarded(tree: Path) -> None:
    files, rejects = discover([str(tree)], CFG)
    assert names(files, tree) == ["a.json", "b.txt", "link_in.txt", "sub/c d é.txt", "sub/deeper/e.html"]
    for f in files:
        assert f.uri == os.path.abspath(f.uri) and "\\" not in f.uri
        assert f.root == str(tree)
        assert f.mtime is not None
    assert [f.size for f in files] == [2, 3, 3, 1, 13]
    got = [(Path(r.source_uri).name, r.reason, r.stage) for r in rejects]
    assert got == [
        ("broken.txt", "unreadable", "ingest"),
        ("dir_out", "symlink_outside_root", "ingest"),
        ("link_out.txt", "symlink_outside_root", "ingest"),
    ]
    out = next(r for r in rejects if r.source_uri.endswith("link_out.txt"))
    assert (
        "follow_symlinks_outside_root" in out.detail
        and str(tree.parent / "outside" / "secret.txt") in out.detail
    )


def test_follow_symlinks_outside_root_and_include_hidden(tree: Path) -> None:
    cfg = IngestConfig(follow_symlinks_outside_root=True, include_hidden=True)
    files, rejects = discover([str(tree)], cfg)
    assert names(files, tree) == [
        ".hidden.txt",
        ".hidden_dir/x.txt",
        "a.json",
        "b.txt",
        "dir_out/secret.txt",
        "link_in.txt",
        "link_out.txt",
        "sub/c d é.txt",
        "sub/deeper/e.html",
    ]
    assert [r.reason for r in rejects] == ["unreadable"]  # only the broken link


def test_relative_source_reported_absolute(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    files, _ = discover(["root/sub"], CFG)
    assert [f.uri for f in files] == [
        (tree / "sub" / "c d é.txt").as_posix(),
        (tree / "sub" / "deeper" / "e.html").as_posix(),
    ]
    assert {f.root for f in files} == {"root/sub"}


def test_single_file_and_file_url_and_dedup(tree: Path) -> None:
    one = str(tree / "b.txt")
    files, rejects = discover([one, f"file://{one}", str(tree / "sub")], CFG)
    # sub/loop points back to root, which is outside the source "sub"
    assert [(Path(r.source_uri).name, r.reason) for r in rejects] == [("loop", "symlink_outside_root")]
    assert [f.uri for f in files] == [
        one,
        (tree / "sub" / "c d é.txt").as_posix(),
        (tree / "sub/deeper/e.html").as_posix(),
    ]
    assert files[0].root == one  # first source wins


def test_local_glob_keeps_the_symlink_rules(tree: Path) -> None:
    files, rejects = discover([str(tree / "**" / "*.txt")], CFG)
    assert names(files, tree) == ["b.txt", "link_in.txt", "sub/c d é.txt"]
    assert [(Path(r.source_uri).name, r.reason) for r in rejects] == [
        ("broken.txt", "unreadable"),
        ("link_out.txt", "symlink_outside_root"),
    ]
    files, _ = discover([str(tree / "*.txt")], CFG)
    assert names(files, tree) == ["b.txt", "link_in.txt"]
    files, _ = discover([str(tree / "s*")], CFG)  # a matching folder is walked
    assert names(files, tree) == ["sub/c d é.txt", "sub/deeper/e.html"]


def test_missing_source_raises_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError) as exc:
        discover([str(missing)], CFG)
    assert str(missing) in str(exc.value) and "pass an existing folder" in str(exc.value)
    with pytest.raises(ConfigError, match="matches no files"):
        discover([str(tmp_path / "*.nothing")], CFG)


def test_fifo_is_rejected_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "ok.txt").write_bytes(b"ok")
    files, rejects = discover([str(tmp_path)], CFG)
    assert [Path(f.uri).name for f in files] == ["ok.txt"]
    assert [(Path(r.source_uri).name, r.reason, r.detail) for r in rejects] == [
        ("pipe", "unsupported_format", "named pipe, not a regular file")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any directory")
def test_unlistable_directory_is_a_rejection(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_bytes(b"x")
    locked.chmod(0)
    try:
        files, rejects = discover([str(tmp_path)], CFG)
    finally:
        locked.chmod(0o755)
    assert files == [] and [r.reason for r in rejects] == ["unreadable"]


def test_fsspec_memory_folder_glob_and_file() -> None:
    fs = fsspec.filesystem("memory")
    for p, data in {
        "/disc/news/b.txt": b"bb",
        "/disc/news/a/x.json": b"[]",
        "/disc/news/.cache/skip.txt": b"s",
        "/disc/news/a/.hidden.txt": b"h",
    }.items():
        fs.pipe(p, data)
    try:
        files, rejects = discover(["memory://disc/news"], CFG)
        assert rejects == []
        assert [(f.uri, f.size, f.root) for f in files] == [
            ("memory:///disc/news/a/x.json", 2, "memory://disc/news"),
            ("memory:///disc/news/b.txt", 2, "memory://disc/news"),
        ]
        files, _ = discover(["memory://disc/news/*.txt"], CFG)
        assert [f.uri for f in files] == ["memory:///disc/news/b.txt"]
        files, _ = discover(["memory://disc/news/a/x.json"], CFG)
        assert [f.uri for f in files] == ["memory:///disc/news/a/x.json"]
        files, _ = discover(["memory://disc/news"], IngestConfig(include_hidden=True))
        assert len(files) == 4
        with pytest.raises(ConfigError, match="does not exist"):
            discover(["memory://disc/missing"], CFG)
    finally:
        fs.rm("/disc", recursive=True)


def test_empty_folder_gives_nothing(tmp_path: Path) -> None:
    assert discover([str(tmp_path)], CFG) == ([], [])


# ------------------------------------------------------------------------------------------------
# hostile names and the warehouse inside a source


def test_non_utf8_file_name_is_one_rejection_with_its_bytes_escaped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(b"good")
    os.close(os.open(os.fsencode(tmp_path) + b"/bad\xff\xfename.txt", os.O_CREAT | os.O_WRONLY))
    files, rej = discover([str(tmp_path)], CFG)
    assert [f.uri for f in files] == [f"{tmp_path}/good.txt"]
    assert [(r.source_uri, r.reason) for r in rej] == [(f"{tmp_path}/bad\\xff\\xfename.txt", "bad_file_name")]
    assert rej[0].detail.startswith("the file name is not valid UTF-8")
    rej[0].source_uri.encode("utf-8")  # storable as Parquet text


def test_file_name_with_a_newline_is_listed(tmp_path: Path) -> None:
    (tmp_path / "two\nlines.txt").write_bytes(b"x")
    files, rej = discover([str(tmp_path)], CFG)
    assert ([f.uri for f in files], rej) == ([f"{tmp_path}/two\nlines.txt"], [])


@pytest.fixture
def linked(tmp_path: Path) -> dict[str, Path]:
    """data/ holds articles and the warehouse wh/; a symlink leads to data/ and another to wh/."""
    data = tmp_path / "data"
    (data / "wh" / "tables").mkdir(parents=True)
    (data / "wh" / "tables" / "x.parquet").write_bytes(b"PAR1")
    (data / "a.txt").write_bytes(b"a")
    (tmp_path / "data_link").symlink_to(data, target_is_directory=True)
    (tmp_path / "wh_link").symlink_to(data / "wh", target_is_directory=True)
    return {"base": tmp_path, "data": data}


@pytest.mark.parametrize(("source", "warehouse"), [("data", "data/wh"), ("data_link", "data/wh"),
                                                   ("data", "wh_link"), ("data_link", "wh_link")])
def test_the_warehouse_is_never_listed_whatever_symlinks_lead_there(linked: dict[str, Path], source: str,
                                                                    warehouse: str) -> None:
    base = linked["base"]
    files, rej = discover([str(base / source)], CFG, exclude=[str(base / warehouse)])
    assert ([f.uri for f in files], rej) == ([f"{base / source}/a.txt"], [])


def test_a_symlink_inside_the_source_to_the_warehouse_is_not_followed(linked: dict[str, Path]) -> None:
    data = linked["data"]
    (data / "wh_again").symlink_to(data / "wh", target_is_directory=True)
    (data / "one_file").symlink_to(data / "wh" / "tables" / "x.parquet")
    files, rej = discover([str(data)], CFG, exclude=[str(data / "wh")])
    assert ([f.uri for f in files], rej) == ([f"{data}/a.txt"], [])
