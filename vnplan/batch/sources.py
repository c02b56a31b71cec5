"""Walk the inputs of a batch lazily: folders, globs, files and archives inside archives.

``iter_items`` yields one :class:`Item` per file found, in a deterministic order
(names sorted at every level), holding the bytes of that one file — never of the
whole archive. What cannot be read safely becomes an Item carrying an error
(kind + message) instead of data, so the runner can record it and go on:

- members with unsafe names (``../x``, ``/etc/x``, ``C:\\x``): ``unsafe-path``;
- symbolic links leaving the input folder or the archive: ``unsafe-link``;
- files, members and archives over the size, count, ratio or depth limits: ``limit``;
- archives that cannot be opened or end early: ``corrupt``; password-protected: ``encrypted``.

Nothing is ever extracted to disk: members are read into memory one at a time.
"""
from __future__ import annotations

import bz2
import glob
import gzip
import io
import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SEP = "!/"  # joins an archive's path and a member's name, as in jar: URLs

# Office files are zips too; these are documents to extract, not archives to open.
_OFFICE_SUFFIXES = {".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp", ".epub"}
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_COMPRESSED = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}
_SEVENZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
_MiB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds that keep a hostile or broken archive from exhausting memory, disk or time."""

    max_file_bytes: int = 200 * _MiB  # one file or member to extract (vnplan.io.Limits.max_bytes)
    max_archive_bytes: int = 16 * 1024 * _MiB  # uncompressed total of one archive, nested archives included
    max_members: int = 200_000  # entries of one archive, nested archives included
    max_ratio: float = 200.0  # uncompressed / compressed size (deflate's best honest ratio is ~1000 on zeros)
    ratio_floor: int = 4 * _MiB  # smaller members are not ratio-checked: short texts compress well
    max_nested_bytes: int = 512 * _MiB  # an archive inside an archive is read into memory up to this
    max_depth: int = 6  # archives inside archives inside ...


@dataclass(slots=True)
class Item:
    """One file found by the walk: its bytes, or why it was refused."""

    chain: tuple[str, ...]  # the input path, then the member names of each archive it sits in
    data: bytes | None = None
    error_kind: str | None = None
    error_message: str | None = None
    size: int | None = None

    @property
    def path(self) -> str:
        return SEP.join(self.chain)

    @property
    def name(self) -> str:
        return self.chain[-1]


def refused(chain: tuple[str, ...], kind: str, message: str, size: int | None = None) -> Item:
    return Item(chain=chain, error_kind=kind, error_message=message, size=size)


@dataclass
class _Budget:
    """What one top-level archive (with everything nested in it) has used so far."""

    bytes: int = 0
    members: int = 0


class _StopArchive(Exception):
    """An archive-wide limit was hit: refuse the rest of this archive."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# ---------------------------------------------------------------------------
# inputs


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The inputs as paths: existing paths as given, glob patterns expanded (sorted), duplicates dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in inputs:
        s = os.path.normpath(os.fspath(raw))
        if os.path.lexists(s) or not glob.has_magic(s):
            matches = [s]
        else:
            matches = sorted(os.path.normpath(m) for m in glob.glob(s, recursive=True))
        for m in matches:
            if m not in seen:
                seen.add(m)
                out.append(m)
    return out


def missing_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Inputs that name nothing: no such path and a glob that matches nothing."""
    missing = []
    for raw in inputs:
        s = os.path.normpath(os.fspath(raw))
        if os.path.lexists(s):
            continue
        if glob.has_magic(s) and glob.glob(s, recursive=True):
            continue
        missing.append(os.fspath(raw))
    return missing


def iter_items(inputs: Iterable[str | os.PathLike[str]], limits: ArchiveLimits | None = None,
               *, read: bool = True) -> Iterator[Item]:
    """Every file under the inputs, one at a time. ``read=False`` only names them (for counting)."""
    limits = limits or ArchiveLimits()
    walker = _Walker(limits, read)
    for path in expand_inputs(inputs):
        if os.path.isdir(path):
            yield from walker.walk_dir(path)
        elif os.path.lexists(path):
            yield from walker.walk_disk_file(path, (path,))
        else:
            yield refused((path,), "input", "no such file or folder")


def count_items(inputs: Iterable[str | os.PathLike[str]], limits: ArchiveLimits | None = None) -> int:
    """How many Items ``iter_items`` will yield (archives listed, their members not read where possible)."""
    return sum(1 for _ in iter_items(inputs, limits, read=False))


# ---------------------------------------------------------------------------
# names and kinds


def unsafe_name(name: str) -> bool:
    """A member name that would escape the folder it is extracted into (zip-slip)."""
    n = name.replace("\\", "/")
    if not n or "\x00" in n or n.startswith("/") or (len(n) > 1 and n[1] == ":" and n[0].isalpha()):
        return True
    return ".." in n.split("/")


def _link_escapes(member_name: str, target: str) -> bool:
    """Whether a link stored at ``member_name`` pointing at ``target`` leaves the archive's tree."""
    t = target.replace("\\", "/")
    if not t or t.startswith("/") or (len(t) > 1 and t[1] == ":"):
        return True
    parts = [p for p in member_name.replace("\\", "/").split("/")[:-1] if p not in ("", ".")]
    for p in t.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if not parts:
                return True
            parts.pop()
        else:
            parts.append(p)
    return False


def _suffixes(name: str) -> str:
    return "".join(Path(name.replace("\\", "/")).suffixes[-2:]).lower()


def sniff(head: bytes, name: str) -> str:
    """'zip', '7z', 'tar', 'compressed' or 'file', from the first 512+ bytes and the name."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "file" if suffix in _OFFICE_SUFFIXES else "zip"
    if head.startswith(_SEVENZIP_MAGIC):
        return "7z"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    for magic in _COMPRESSED:
        if head.startswith(magic):
            return "compressed"
    if _suffixes(name).endswith(_TAR_SUFFIXES) and len(head) >= 512:
        return "tar"  # a pre-POSIX tar has no magic
    return "file"


def _is_office_zip(zf: zipfile.ZipFile) -> bool:
    """A renamed .docx/.odt is a document, not an archive."""
    names = set(zf.namelist()[:50])
    return "[Content_Types].xml" in names or "mimetype" in names


class _Counting(io.RawIOBase):
    """A read-only stream that counts the bytes read through it (the compressed side of a ratio)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.n = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self.raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.n += n
        return n

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.n += len(data)
        return data


# ---------------------------------------------------------------------------
# the walk


@dataclass
class _Walker:
    limits: ArchiveLimits
    read: bool

    # -- folders -------------------------------------------------------------

    def walk_dir(self, root: str) -> Iterator[Item]:
        root_real = os.path.realpath(root)
        stack: list[Iterator[os.DirEntry[str]]] = []
        try:
            stack.append(iter(_sorted_entries(root)))
        except OSError as exc:
            yield refused((root,), "input", f"cannot list the folder: {exc.strerror}")
            return
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            path = os.path.normpath(entry.path)
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not _within(target, root_real):
                        yield refused((path,), "unsafe-link", f"a symbolic link to {target}, outside {root}")
                        continue
                    if not os.path.exists(target):
                        yield refused((path,), "input", "a broken symbolic link")
                        continue
                    if os.path.isdir(target):
                        continue  # its files are reached through their real folder
                    yield from self.walk_disk_file(path, (path,))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    try:
                        stack.append(iter(_sorted_entries(path)))
                    except OSError as exc:
                        yield refused((path,), "input", f"cannot list the folder: {exc.strerror}")
                    continue
                if not entry.is_file(follow_symlinks=False):
                    yield refused((path,), "input", "not a regular file (a FIFO, socket or device)")
                    continue
            except OSError as exc:
                yield refused((path,), "input", f"cannot read: {exc.strerror}")
                continue
            yield from self.walk_disk_file(path, (path,))

    # -- one file on disk ----------------------------------------------------

    def walk_disk_file(self, path: str, chain: tuple[str, ...]) -> Iterator[Item]:
        lim = self.limits
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                yield refused(chain, "input", "not a regular file (a FIFO, socket or device)")
                return
            with open(path, "rb") as f:
                head = f.read(512)
                kind = sniff(head, path)
                if kind == "file":
                    if st.st_size > lim.max_file_bytes:
                        yield refused(chain, "limit", f"the file has {st.st_size:,} bytes, more than the limit of "
                                                      f"{lim.max_file_bytes:,}", st.st_size)
                        return
                    if not self.read:
                        yield Item(chain, size=st.st_size)
                        return
                    data = head + f.read(lim.max_file_bytes + 1 - len(head))
                    if len(data) > lim.max_file_bytes:  # it grew while we read it
                        yield refused(chain, "limit", f"the file has more than {lim.max_file_bytes:,} bytes", len(data))
                        return
                    yield Item(chain, data=data, size=len(data))
                    return
                f.seek(0)
                yield from self._archive(f, kind, chain, _Budget(), depth=1, size=st.st_size, disk=True)
        except OSError as exc:
            yield refused(chain, "input", f"cannot read the file: {exc.strerror or exc}")

    # -- bytes that may be an archive ---------------------------------------

    def _bytes(self, data: bytes, chain: tuple[str, ...], budget: _Budget, depth: int) -> Iterator[Item]:
        lim = self.limits
        kind = sniff(data[:512], chain[-1])
        if kind == "file":
            if len(data) > lim.max_file_bytes:
                yield refused(chain, "limit", f"the file has {len(data):,} bytes, more than the limit of "
                                              f"{lim.max_file_bytes:,}", len(data))
            else:
                yield Item(chain, data=data, size=len(data))
            return
        if depth >= lim.max_depth:
            yield refused(chain, "limit", f"archives nested more than {lim.max_depth} deep", len(data))
            return
        yield from self._archive(io.BytesIO(data), kind, chain, budget, depth + 1, size=len(data), disk=False)

    def _archive(self, f: BinaryIO, kind: str, chain: tuple[str, ...], budget: _Budget, depth: int,
                 size: int, disk: bool) -> Iterator[Item]:
        """The members of one archive; an archive-wide failure becomes one error Item for the archive."""
        try:
            if kind == "zip":
                yield from self._zip(f, chain, budget, depth, size)
            elif kind == "tar":
                yield from self._tar(f, chain, budget, depth, compressed=False)
            elif kind == "compressed":
                yield from self._compressed(f, chain, budget, depth, size)
            elif kind == "7z":
                from .sevenzip import walk_7z

                yield from walk_7z(self, f, chain, budget, depth, size)
        except _StopArchive as stop:
            yield refused(chain, stop.kind, stop.message, size)
        except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, lzma.LZMAError, ValueError) as exc:
            yield refused(chain, "corrupt", f"the archive cannot be read: {type(exc).__name__}: {exc}", size)
        except OSError as exc:
            if disk and exc.strerror:  # the disk, not the archive, failed
                yield refused(chain, "input", f"cannot read the file: {exc.strerror}", size)
            else:
                yield refused(chain, "corrupt", f"the archive cannot be read: {exc}", size)

    def _member_ok(self, chain: tuple[str, ...], declared: int, compressed: int | None) -> Item | None:
        """An error Item when a member must not be read, from the sizes its archive declares."""
        lim = self.limits
        limit = max(lim.max_file_bytes, lim.max_nested_bytes)
        if declared > limit:
            return refused(chain, "limit", f"the member has {declared:,} bytes, more than the limit of {limit:,}", declared)
        if compressed is not None and declared > lim.ratio_floor and declared > lim.max_ratio * max(compressed, 1):
            ratio = declared / max(compressed, 1)
            return refused(chain, "limit", f"compression ratio {ratio:,.0f}:1 is above the limit of "
                                           f"{lim.max_ratio:,.0f}:1 (a zip bomb?)", declared)
        return None

    def _charge(self, budget: _Budget, members: int, nbytes: int, what: str) -> None:
        lim = self.limits
        budget.members += members
        budget.bytes += nbytes
        if budget.members > lim.max_members:
            raise _StopArchive("limit", f"{what} has more than {lim.max_members:,} files, the limit")
        if budget.bytes > lim.max_archive_bytes:
            raise _StopArchive("limit", f"{what} unpacks to more than {lim.max_archive_bytes:,} bytes, the limit "
                                        "(a zip bomb?)")

    # -- zip -----------------------------------------------------------------

    def _zip(self, f: BinaryIO, chain: tuple[str, ...], budget: _Budget, depth: int, size: int) -> Iterator[Item]:
        with zipfile.ZipFile(f) as zf:
            if _is_office_zip(zf):
                # a document in a zip's clothing: hand the whole file over
                if self.read:
                    f.seek(0)
                    data = f.read(self.limits.max_file_bytes + 1)
                    yield from self._bytes_as_file(data, chain)
                else:
                    yield Item(chain, size=size)
                return
            infos = [i for i in zf.infolist() if not i.is_dir()]
            # The central directory is read whole, so count and total are refused before any byte is inflated.
            self._charge(budget, len(infos), sum(i.file_size for i in infos), "the archive")
            for info in infos:
                mchain = chain + (info.filename,)
                if unsafe_name(info.filename):
                    yield refused(mchain, "unsafe-path", "the member's name leads outside the archive's folder", info.file_size)
                    continue
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    target = zf.read(info)[:4096].decode("utf-8", "replace") if info.file_size < 4096 else "/"
                    if _link_escapes(info.filename, target):
                        yield refused(mchain, "unsafe-link", f"a symbolic link to {target!r}, outside the archive")
                    continue  # a link inside the archive: its target is read as itself
                if info.flag_bits & 0x1:
                    yield refused(mchain, "encrypted", "the member is encrypted with a password", info.file_size)
                    continue
                bad = self._member_ok(mchain, info.file_size, info.compress_size)
                if bad:
                    yield bad
                    continue
                if not self.read and not _archive_name(info.filename):
                    yield Item(mchain, size=info.file_size)
                    continue
                try:
                    with zf.open(info) as m:
                        data = m.read(max(self.limits.max_file_bytes, self.limits.max_nested_bytes) + 1)
                except (zipfile.BadZipFile, zlib.error, EOFError, lzma.LZMAError, OSError) as exc:
                    yield refused(mchain, "corrupt", f"the member cannot be read: {exc}", info.file_size)
                    continue
                except NotImplementedError as exc:
                    yield refused(mchain, "unsupported-format", f"the member cannot be read: {exc}", info.file_size)
                    continue
                except RuntimeError as exc:  # zipfile's word for "needs a password"
                    yield refused(mchain, "encrypted", f"the member cannot be read: {exc}", info.file_size)
                    continue
                yield from self._bytes(data, mchain, budget, depth)

    def _bytes_as_file(self, data: bytes, chain: tuple[str, ...]) -> Iterator[Item]:
        if len(data) > self.limits.max_file_bytes:
            yield refused(chain, "limit", f"the file has more than {self.limits.max_file_bytes:,} bytes", len(data))
        else:
            yield Item(chain, data=data, size=len(data))

    # -- tar (plain or compressed), read as a stream -------------------------

    def _tar(self, f: BinaryIO, chain: tuple[str, ...], budget: _Budget, depth: int, compressed: bool) -> Iterator[Item]:
        lim = self.limits
        counter = _Counting(f)
        # "r|*": one forward pass, never seeking, so a .tar.gz is never unpacked whole.
        with tarfile.open(fileobj=counter, mode="r|*") as tf:  # type: ignore[call-overload]
            for member in tf:
                mchain = chain + (member.name,)
                self._charge(budget, 1, member.size if member.isreg() else 0, "the archive")
                # tarfile's offset is where the stream is in the uncompressed tar
                if tf.offset > lim.ratio_floor and tf.offset > lim.max_ratio * max(counter.n, 1):
                    raise _StopArchive("limit", f"compression ratio above {lim.max_ratio:,.0f}:1 (a tar bomb?)")
                if member.isdir():
                    continue
                if member.issym() or member.islnk():
                    link_from = member.name if member.issym() else ""
                    if _link_escapes(link_from, member.linkname):
                        yield refused(mchain, "unsafe-link", f"a link to {member.linkname!r}, outside the archive")
                    continue
                if unsafe_name(member.name):
                    yield refused(mchain, "unsafe-path", "the member's name leads outside the archive's folder", member.size)
                    continue
                if not member.isreg():
                    yield refused(mchain, "input", "not a regular file (a FIFO or device)")
                    continue
                bad = self._member_ok(mchain, member.size, None)
                if bad:
                    yield bad
                    continue
                if not self.read and not _archive_name(member.name):
                    yield Item(mchain, size=member.size)
                    continue
                fm = tf.extractfile(member)
                data = fm.read() if fm is not None else b""
                if len(data) != member.size:
                    yield refused(mchain, "corrupt", "the archive ends inside this member", member.size)
                    return
                yield from self._bytes(data, mchain, budget, depth)

    # -- a single compressed file (.gz, .bz2, .xz) or a compressed tar -------

    def _compressed(self, f: BinaryIO, chain: tuple[str, ...], budget: _Budget, depth: int, size: int) -> Iterator[Item]:
        head = f.read(6)
        f.seek(0)
        fmt = next(v for k, v in _COMPRESSED.items() if head.startswith(k))
        opener = {"gz": gzip.open, "bz2": bz2.open, "xz": lzma.open}[fmt]
        lim = self.limits
        limit = max(lim.max_file_bytes, lim.max_nested_bytes)
        with opener(f, "rb") as z:
            block = z.read(512)
        f.seek(0)
        if (len(block) >= 262 and block[257:262] == b"ustar") or _suffixes(chain[-1]).endswith(_TAR_SUFFIXES):
            yield from self._tar(f, chain, budget, depth, compressed=True)
            return
        inner = os.path.basename(chain[-1].replace("\\", "/"))
        if Path(inner).suffix.lower() in (".gz", ".bz2", ".xz"):
            inner = inner[: -len(Path(inner).suffix)]
        mchain = chain + (inner or "data",)
        # Read in steps so that a bomb is stopped at the limit, not after it has filled memory.
        parts: list[bytes] = []
        total = 0
        with opener(f, "rb") as z:
            while True:
                chunk = z.read(_MiB)
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
                if total > limit:
                    yield refused(mchain, "limit", f"unpacks to more than {limit:,} bytes, the limit")
                    return
                if total > lim.ratio_floor and total > lim.max_ratio * max(size, 1):
                    yield refused(mchain, "limit", f"compression ratio above {lim.max_ratio:,.0f}:1 (a bomb?)")
                    return
                if not self.read and total > 0:
                    break
        self._charge(budget, 1, total, "the archive")
        if not self.read:
            yield Item(mchain, size=None)
            return
        yield from self._bytes(b"".join(parts), mchain, budget, depth)


def _archive_name(name: str) -> bool:
    """Whether a member's name says it is an archive (used when members are only counted, not read)."""
    return _suffixes(name).endswith((".zip", ".7z", ".gz", ".bz2", ".xz") + _TAR_SUFFIXES)


def _sorted_entries(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as it:
        return sorted(it, key=lambda e: e.name)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
