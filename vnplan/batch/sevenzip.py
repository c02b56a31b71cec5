"""7z archives, read member by member with py7zr (an optional dependency).

py7zr decompresses a whole archive in one call and hands each member to a writer.
To stream instead of holding every member in memory, that call runs in a thread
whose writers pass each finished member through a queue of one: the thread waits
until the walk has taken the previous member. Writers keep members in memory only;
py7zr writes nothing to disk when it is given a writer factory.
"""
from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from .sources import Item, _Budget, _link_escapes, _StopArchive, refused, unsafe_name

if TYPE_CHECKING:
    from .sources import _Walker

_DONE = object()


class _Abort(Exception):
    """Raised inside py7zr's writers to stop the decompression."""


def walk_7z(walker: _Walker, f: BinaryIO, chain: tuple[str, ...], budget: _Budget, depth: int,
            size: int) -> Iterator[Item]:
    try:
        import py7zr
        from py7zr.io import Py7zIO, WriterFactory
    except ImportError:
        yield refused(chain, "unsupported-format", "7z archives need the py7zr package (pip install py7zr)", size)
        return

    lim = walker.limits
    try:
        sz = py7zr.SevenZipFile(f, mode="r")
    except py7zr.PasswordRequired:
        yield refused(chain, "encrypted", "the archive is encrypted with a password", size)
        return
    except (py7zr.Bad7zFile, EOFError, OSError, ValueError, KeyError) as exc:
        yield refused(chain, "corrupt", f"the archive cannot be read: {type(exc).__name__}: {exc}", size)
        return
    with sz:
        if sz.needs_password():
            yield refused(chain, "encrypted", "the archive is encrypted with a password", size)
            return
        infos = [i for i in sz.list() if not i.is_directory]
        declared = sum(i.uncompressed or 0 for i in infos)
        walker._charge(budget, len(infos), declared, "the archive")
        if declared > lim.ratio_floor and declared > lim.max_ratio * max(size, 1):
            raise _StopArchive("limit", f"compression ratio {declared / max(size, 1):,.0f}:1 is above the limit of "
                                        f"{lim.max_ratio:,.0f}:1 (a 7z bomb?)")
        wanted: list[str] = []
        for info in infos:
            mchain = chain + (info.filename,)
            if unsafe_name(info.filename):
                yield refused(mchain, "unsafe-path", "the member's name leads outside the archive's folder", info.uncompressed)
            elif info.is_symlink:
                wanted.append(info.filename)  # read its target below, to tell an escaping link
            elif not info.is_file:
                yield refused(mchain, "input", "not a regular file")
            elif (bad := walker._member_ok(mchain, info.uncompressed or 0, None)) is not None:
                yield bad
            elif not walker.read:
                yield Item(mchain, size=info.uncompressed)
            else:
                wanted.append(info.filename)
        if not wanted or not walker.read:
            return
        symlinks = {i.filename for i in infos if i.is_symlink}
        limit = max(lim.max_file_bytes, lim.max_nested_bytes)
        q: queue.Queue[Any] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def put(x: Any) -> None:
            while not stop.is_set():
                try:
                    q.put(x, timeout=0.2)
                    return
                except queue.Full:
                    continue
            raise _Abort()

        class Writer(Py7zIO):
            def __init__(self, name: str) -> None:
                self.name = name
                self.buf = io.BytesIO()
                self.too_big = False
                self.closed = False
                writers.append(self)

            def write(self, s: bytes | bytearray) -> int:
                if stop.is_set():
                    raise _Abort()
                if self.buf.tell() + len(s) > limit:
                    self.too_big = True
                else:
                    self.buf.write(s)
                return len(s)

            def read(self, size: int | None = None) -> bytes:
                return b""

            def seek(self, offset: int, whence: int = 0) -> int:
                return self.buf.seek(offset, whence)

            def flush(self) -> None:
                pass

            def size(self) -> int:
                return self.buf.tell()

            def close(self) -> None:
                if self.closed:
                    return
                self.closed = True
                put((self.name, None if self.too_big else self.buf.getvalue()))
                self.buf = io.BytesIO()

        # py7zr names the writers by a sanitized output path; map them back to the member names.
        by_output = {_output_name(n): n for n in wanted}

        class Factory(WriterFactory):
            def create(self, filename: str) -> Py7zIO:
                return Writer(by_output.get(filename, filename))

        writers: list[Any] = []

        def run() -> None:
            try:
                sz.extract(targets=wanted, factory=Factory())
                # a py7zr without the per-member close() hook: hand over what it wrote, at the end
                for w in writers:
                    w.close()
                put(_DONE)
            except _Abort:
                pass
            except BaseException as exc:  # handed to the walk, which turns it into an error row
                try:
                    put(exc)
                except _Abort:
                    pass

        t = threading.Thread(target=run, name="vnplan-7z", daemon=True)
        t.start()
        try:
            while True:
                got = q.get()
                if got is _DONE:
                    break
                if isinstance(got, BaseException):
                    yield refused(chain, "corrupt", f"the archive cannot be read: {type(got).__name__}: {got}", size)
                    break
                name, data = got
                mchain = chain + (name,)
                if name in symlinks:
                    target = (data or b"")[:4096].decode("utf-8", "replace")
                    if _link_escapes(name, target):
                        yield refused(mchain, "unsafe-link", f"a symbolic link to {target!r}, outside the archive")
                    continue
                if data is None:
                    yield refused(mchain, "limit", f"the member has more than {limit:,} bytes, the limit")
                    continue
                yield from walker._bytes(data, mchain, budget, depth)
        finally:
            stop.set()
            t.join(timeout=5)


def _output_name(name: str) -> str:
    try:
        from py7zr.helpers import get_sanitized_output_path

        return get_sanitized_output_path(name, None).as_posix()
    except Exception:  # a py7zr without the helper: its names are the member names
        return name
