"""The batch's walk over folders and archives: what it finds, in what order, and what it refuses.

Hostile inputs (zip-slip names, bombs, links out of the tree, absurd counts and sizes,
deep nesting, broken archives) must each become one error item — and nothing may be
written anywhere: members are read into memory, never extracted.
"""
from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from vnplan.batch.sources import ArchiveLimits, Item, count_items, expand_inputs, iter_items, unsafe_name

ROOT = Path(__file__).resolve().parent.parent
PLAN = (ROOT / "corpus" / "plans" / "000_50f9c68472bcef57.txt").read_bytes()
MiB = 1024 * 1024


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _tar(members: dict[str, bytes], mode: str = "w:gz", links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return buf.getvalue()


def _by_path(items: list[Item], root: Path) -> dict[str, Item]:
    return {it.path.replace(str(root), "ROOT"): it for it in items}


def _snapshot(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


def test_folders_and_nested_archives_in_order(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "b" / "c").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"A")
    (src / "b" / "c" / "d.txt").write_bytes(b"D")
    inner_zip = io.BytesIO()
    with zipfile.ZipFile(inner_zip, "w") as z:
        z.writestr("deep/x.txt", b"X")
    tgz = _tar({"t/one.txt": b"ONE", "t/inner.zip": inner_zip.getvalue()})
    _zip(src / "b" / "box.zip", {"m1.txt": b"M1", "sub/nested.tar.gz": tgz})
    (src / "z.tar").write_bytes(_tar({"p.txt": b"P"}, mode="w"))
    (src / "g.txt.gz").write_bytes(gzip.compress(b"G"))

    items = list(iter_items([src]))
    got = [(it.path.replace(str(src), "IN"), it.data) for it in items]
    assert got == [
        ("IN/a.txt", b"A"),
        ("IN/b/box.zip!/m1.txt", b"M1"),
        ("IN/b/box.zip!/sub/nested.tar.gz!/t/one.txt", b"ONE"),
        ("IN/b/box.zip!/sub/nested.tar.gz!/t/inner.zip!/deep/x.txt", b"X"),
        ("IN/b/c/d.txt", b"D"),
        ("IN/g.txt.gz!/g.txt", b"G"),
        ("IN/z.tar!/p.txt", b"P"),
    ]
    # the chain names each archive on the way
    assert items[3].chain[1:] == ("sub/nested.tar.gz", "t/inner.zip", "deep/x.txt")
    assert count_items([src]) == len(items)


def test_globs_and_single_files(tmp_path: Path) -> None:
    for n in ("x1.txt", "x2.txt", "y.md"):
        (tmp_path / n).write_bytes(n.encode())
    ins = expand_inputs([str(tmp_path / "x*.txt"), tmp_path / "y.md", str(tmp_path / "x1.txt")])
    assert [Path(p).name for p in ins] == ["x1.txt", "x2.txt", "y.md"]  # sorted, deduplicated
    assert [it.data for it in iter_items(ins)] == [b"x1.txt", b"x2.txt", b"y.md"]


def test_office_files_are_documents_not_archives(tmp_path: Path) -> None:
    docx = ROOT / "tests" / "data" / "generated" / "000.docx"
    renamed = tmp_path / "plan.bin"  # a .docx under another name is still not opened as an archive
    renamed.write_bytes(docx.read_bytes())
    box = _zip(tmp_path / "box.zip", {"inside.docx": docx.read_bytes()})
    items = list(iter_items([docx, renamed, box]))
    assert [it.name for it in items] == [str(docx), str(renamed), "inside.docx"]
    assert all(it.data == docx.read_bytes() for it in items)


def test_unsafe_names() -> None:
    for bad in ("../x.txt", "a/../../x", "/etc/passwd", "C:\\x.txt", "..\\..\\x", "a/..", ""):
        assert unsafe_name(bad), bad
    for ok in ("a/b.txt", "a..b/c.txt", "./a.txt", "dir/..hidden"):
        assert not unsafe_name(ok), ok


def test_hostile_archives_refused_nothing_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    work = tmp_path / "cwd"
    work.mkdir()
    _zip(src / "slip.zip", {"ok.txt": PLAN, "../../evil.txt": b"evil", "/tmp/evil_abs.txt": b"evil",
                            "..\\win_evil.txt": b"evil"})
    _zip(src / "bomb.zip", {"zeros.txt": b"\0" * (30 * MiB)})  # ~1000:1
    (src / "bomb.tar.gz").write_bytes(_tar({"zeros.txt": b"\0" * (30 * MiB)}))
    (src / "bomb.txt.gz").write_bytes(gzip.compress(b"\0" * (30 * MiB)))
    (src / "links.tar").write_bytes(_tar({"fine.txt": b"fine"}, mode="w",
                                         links={"l1": "/etc/passwd", "d/l2": "../../outside", "d/l3": "../fine.txt"}))
    zlink = zipfile.ZipInfo("zl")
    zlink.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(src / "zlink.zip", "w") as z:
        z.writestr(zlink, "/etc/shadow")
    os.symlink("/etc/passwd", src / "out_link.txt")
    os.symlink(src / "slip.zip", src / "in_link.zip")  # inside the tree: read like the file itself
    many = {f"f{i}.txt": b"x" for i in range(300)}
    _zip(src / "many.zip", many)
    (src / "broken.zip").write_bytes(b"PK\x03\x04" + os.urandom(200))
    (src / "broken.tar.gz").write_bytes(_tar({"a.txt": PLAN})[:60])
    # archives inside archives deeper than the limit
    blob = b"bottom"
    name = "bottom.txt"
    for level in range(5):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(name, blob)
        blob, name = buf.getvalue(), f"level{level}.zip"
    (src / "deep.zip").write_bytes(blob)

    before_tmp = _snapshot(tmp_path)
    before_root = set(os.listdir("/tmp"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        limits = ArchiveLimits(max_members=100, max_depth=4)
        items = _by_path(list(iter_items([src], limits)), tmp_path)
    finally:
        os.chdir(cwd)

    def kind(p: str) -> str | None:
        return items[p].error_kind

    assert items["ROOT/in/slip.zip!/ok.txt"].data == PLAN
    for evil in ("../../evil.txt", "/tmp/evil_abs.txt", "..\\win_evil.txt"):
        assert kind(f"ROOT/in/slip.zip!/{evil}") == "unsafe-path"
    assert kind("ROOT/in/bomb.zip!/zeros.txt") == "limit" and "ratio" in items["ROOT/in/bomb.zip!/zeros.txt"].error_message
    assert kind("ROOT/in/bomb.tar.gz") == "limit"
    assert kind("ROOT/in/bomb.txt.gz!/bomb.txt") == "limit"
    assert kind("ROOT/in/links.tar!/l1") == "unsafe-link"
    assert kind("ROOT/in/links.tar!/d/l2") == "unsafe-link"
    assert "ROOT/in/links.tar!/d/l3" not in items  # a link inside the archive: its target is read as itself
    assert items["ROOT/in/links.tar!/fine.txt"].data == b"fine"
    assert kind("ROOT/in/zlink.zip!/zl") == "unsafe-link"
    assert kind("ROOT/in/out_link.txt") == "unsafe-link"
    assert items["ROOT/in/in_link.zip!/ok.txt"].data == PLAN
    assert kind("ROOT/in/many.zip") == "limit"  # refused whole, before reading a member
    assert not any(p.startswith("ROOT/in/many.zip!/") for p in items)
    assert kind("ROOT/in/broken.zip") == "corrupt"
    assert kind("ROOT/in/broken.tar.gz") == "corrupt"
    deep = [p for p in items if p.startswith("ROOT/in/deep.zip")]
    assert len(deep) == 1 and kind(deep[0]) == "limit" and "nested" in items[deep[0]].error_message

    # nothing written: not beside the inputs, not in the working folder, not in /tmp
    assert _snapshot(tmp_path) == before_tmp
    assert os.listdir(work) == []
    assert set(os.listdir("/tmp")) - before_root <= {p for p in set(os.listdir("/tmp")) if p.startswith("pytest")}
    assert not Path("/tmp/evil_abs.txt").exists()


def test_size_and_total_limits(tmp_path: Path) -> None:
    big = os.urandom(300_000)
    (tmp_path / "big.txt").write_bytes(big)
    _zip(tmp_path / "total.zip", {f"p{i}.txt": os.urandom(400_000) for i in range(3)}, zipfile.ZIP_STORED)
    _zip(tmp_path / "member.zip", {"small.txt": b"s", "large.txt": big}, zipfile.ZIP_STORED)
    (tmp_path / "stream.tar").write_bytes(_tar({f"p{i}.txt": os.urandom(400_000) for i in range(3)}, mode="w"))
    limits = ArchiveLimits(max_file_bytes=200_000, max_nested_bytes=200_000, max_archive_bytes=1_000_000)
    items = _by_path(list(iter_items([tmp_path], limits)), tmp_path)
    assert items["ROOT/big.txt"].error_kind == "limit" and items["ROOT/big.txt"].data is None
    assert items["ROOT/total.zip"].error_kind == "limit"  # refused from its directory, before any member
    assert not any(p.startswith("ROOT/total.zip!/") for p in items)
    assert items["ROOT/member.zip!/small.txt"].data == b"s"
    assert items["ROOT/member.zip!/large.txt"].error_kind == "limit"
    # a tar is a stream: members before the limit are read, then the rest of the archive is refused
    assert items["ROOT/stream.tar!/p0.txt"].error_kind == "limit"  # each member is over max_file_bytes too
    assert items["ROOT/stream.tar"].error_kind == "limit"


def test_special_files_and_missing_inputs(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # reading it would block the batch forever
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    items = _by_path(list(iter_items([tmp_path, tmp_path / "absent.txt"])), tmp_path)
    assert items["ROOT/pipe"].error_kind == "input"
    assert items["ROOT/dangling"].error_kind == "input"
    assert items["ROOT/absent.txt"].error_kind == "input"


def test_7z(tmp_path: Path) -> None:
    py7zr = pytest.importorskip("py7zr")
    with py7zr.SevenZipFile(tmp_path / "a.7z", "w") as z:
        z.writestr(PLAN, "plans/one.txt")
        z.writestr(b"two", "plans/two.txt")
        z.writestr(_tar({"in/tar.txt": b"T"}), "plans/inner.tar.gz")
    with py7zr.SevenZipFile(tmp_path / "bomb.7z", "w") as z:
        z.writestr(b"\0" * (30 * MiB), "zeros.txt")
    before = _snapshot(tmp_path)
    items = _by_path(list(iter_items([tmp_path])), tmp_path)
    assert items["ROOT/a.7z!/plans/one.txt"].data == PLAN
    assert items["ROOT/a.7z!/plans/two.txt"].data == b"two"
    assert items["ROOT/a.7z!/plans/inner.tar.gz!/in/tar.txt"].data == b"T"
    assert items["ROOT/bomb.7z"].error_kind == "limit"
    assert _snapshot(tmp_path) == before
