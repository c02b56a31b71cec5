"""Word 97-2003 documents (.doc) → canonical text, through a converter.

The binary .doc format is converted, not parsed: LibreOffice (Debian package
``libreoffice-writer-nogui``, command ``soffice``) turns it into .docx, which
the DOCX loader then reads — tables, the two-column header and closing, and
Word's automatic numbering all come out as for a .docx. When LibreOffice is
missing, ``antiword`` (Debian package ``antiword``) gives plain text; its
tables are drawn with ``|`` and are split back into cells here.

Before converting, the OLE container is checked so that Excel/PowerPoint files
and password-protected documents get a clear error instead of a converter
failure.
"""
from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import (
    CorruptFileError,
    EncryptedFileError,
    LimitExceededError,
    MissingDependencyError,
    UnsupportedFormatError,
)
from . import Limits, register
from .docx import Line, _CLOSING_RE, _HEADER_RE, assemble, load_docx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Seconds one conversion may take; LibreOffice needs 1-3 s for a plan.
CONVERT_TIMEOUT = 180.0
INSTALL_HINT = "install LibreOffice (apt-get install libreoffice-writer-nogui) or antiword (apt-get install antiword)"

# ---------------------------------------------------------------------------
# A minimal reader of the OLE compound file: enough to find the WordDocument
# stream and the encryption flag of its File Information Block.


def _utf16_name(name: str) -> bytes:
    return name.encode("utf-16-le")


class _Ole:
    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise CorruptFileError("this is not a Word 97-2003 .doc (no OLE header)")
        self.data = data
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12):
            raise CorruptFileError("the .doc has a damaged OLE header")
        self.ssize = 1 << shift
        n_fat = struct.unpack_from("<I", data, 44)[0]
        self.dir_start = struct.unpack_from("<I", data, 48)[0]
        difat = list(struct.unpack_from("<109I", data, 76))[: min(n_fat, 109)]
        self.fat: list[int] = []
        for s in difat:
            sec = self._sector(s)
            self.fat.extend(struct.unpack(f"<{self.ssize // 4}I", sec))

    def _sector(self, n: int) -> bytes:
        off = (n + 1) * self.ssize
        if n >= 0xFFFFFFFA or off + self.ssize > len(self.data):
            raise CorruptFileError("the .doc is truncated or damaged (a sector lies past the end of the file)")
        return self.data[off: off + self.ssize]

    def _chain(self, start: int, limit: int = 1 << 16) -> bytes:
        out = []
        s = start
        for _ in range(limit):
            if s >= 0xFFFFFFFA:
                break
            out.append(self._sector(s))
            if s >= len(self.fat):
                raise CorruptFileError("the .doc's sector table is damaged")
            s = self.fat[s]
        return b"".join(out)

    def entries(self) -> dict[bytes, tuple[int, int]]:
        """Directory entry name (UTF-16LE bytes) → (start sector, size)."""
        raw = self._chain(self.dir_start, limit=4096)
        out = {}
        for off in range(0, len(raw) - 127, 128):
            name_len = struct.unpack_from("<H", raw, off + 64)[0]
            if not 2 <= name_len <= 64:
                continue
            name = raw[off: off + name_len - 2]
            start, size = struct.unpack_from("<II", raw, off + 116)
            out[name] = (start, size)
        return out

    def stream_head(self, start: int) -> bytes:
        return self._sector(start)


def check_ole_word(data: bytes) -> None:
    """Raise the right error for OLE files that are not readable Word documents."""
    if _utf16_name("EncryptedPackage") in data and _utf16_name("EncryptionInfo") in data:
        raise EncryptedFileError("the document is encrypted with a password; open it in Word and save an unprotected copy")
    try:
        ole = _Ole(data)
        entries = ole.entries()
    except (struct.error, IndexError, MemoryError) as exc:
        raise CorruptFileError(f"the .doc's OLE structure is damaged ({exc})") from exc
    word = entries.get(_utf16_name("WordDocument"))
    if word is None:
        kinds = {"Workbook": "an Excel workbook", "Book": "an Excel workbook", "PowerPoint Document": "a PowerPoint file"}
        for name, what in kinds.items():
            if _utf16_name(name) in entries:
                raise UnsupportedFormatError(f"this is {what}, not a Word document")
        raise UnsupportedFormatError("this OLE file is not a Word document")
    start, size = word
    if size >= 4096:  # small streams live in the mini stream; a real WordDocument never is that small
        head = ole.stream_head(start)
        ident, _nfib, _unused, _lid, _pnnext, flags = struct.unpack_from("<HHHHHH", head, 0)
        if ident != 0xA5EC:
            raise CorruptFileError("the .doc's WordDocument stream is damaged")
        if flags & 0x0100:  # fEncrypted
            raise EncryptedFileError("the .doc is encrypted with a password; open it in Word and save an unprotected copy")


# ---------------------------------------------------------------------------
# Converters.


def _run(cmd: list[str], cwd: str, timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a converter in its own process group so a timeout kills all its children."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise LimitExceededError(f"converting the .doc took longer than {timeout:.0f} s; it was stopped") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_soffice(data: bytes, timeout: float = CONVERT_TIMEOUT) -> bytes:
    exe = _soffice()
    if exe is None:
        raise MissingDependencyError(f"reading .doc files needs a converter: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="vnplan-doc-") as tmp:
        src = Path(tmp, "input.doc")
        src.write_bytes(data)
        # A private profile per call: concurrent soffice runs sharing one
        # profile block each other or fail.
        profile = Path(tmp, "profile").as_uri()
        env = dict(os.environ, HOME=tmp)
        res = _run(
            [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "docx", "--outdir", tmp, str(src)],
            tmp,
            timeout,
            env,
        )
        out = Path(tmp, "input.docx")
        if not out.exists():
            msg = (res.stderr or res.stdout).decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise CorruptFileError(f"LibreOffice could not convert the .doc ({msg[0]}); the file may be damaged")
        return out.read_bytes()


def convert_with_antiword(data: bytes, timeout: float = CONVERT_TIMEOUT) -> str:
    exe = shutil.which("antiword")
    if exe is None:
        raise MissingDependencyError(f"reading .doc files needs a converter: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="vnplan-doc-") as tmp:
        src = Path(tmp, "input.doc")
        src.write_bytes(data)
        # -w 0: one line per paragraph, no re-wrapping.
        res = _run([exe, "-m", "UTF-8.txt", "-w", "0", str(src)], tmp, timeout, dict(os.environ, HOME=tmp))
        err = res.stderr.decode("utf-8", "replace")
        if res.returncode != 0:
            if "encrypt" in err.lower():
                raise EncryptedFileError("the .doc is encrypted with a password; save an unprotected copy")
            raise CorruptFileError(f"antiword could not read the .doc ({err.strip()[:200]}); the file may be damaged")
        return res.stdout.decode("utf-8", "replace")


def antiword_lines(text: str) -> list[Line]:
    """antiword's text → lines; its '|a |b |' tables become cells again."""
    lines: list[Line] = []
    table: list[list[str]] = []
    n_par = n_tab = 0

    def flush_table() -> None:
        nonlocal n_tab
        if not table:
            return
        n_tab += 1
        ncols = max(len(r) for r in table)
        flat = [c for r in table for c in r if c]
        layout = ncols == 2 and (any(_HEADER_RE.search(c) for c in flat) or any(_CLOSING_RE.match(c) for c in flat))
        if layout:
            for col in range(2):
                for ri, r in enumerate(table, 1):
                    if col < len(r) and r[col]:
                        lines.append(Line(r[col], f"table {n_tab} row {ri} cell {col + 1}"))
        else:
            for ri, r in enumerate(table, 1):
                for ci, c in enumerate(r, 1):
                    if c:
                        lines.append(Line(c, f"table {n_tab} row {ri} cell {ci}"))
        table.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        s = raw.rstrip()
        if s.startswith("|") and s.endswith("|") and len(s) > 1:
            table.append([c.strip() for c in s[1:-1].split("|")])
            continue
        flush_table()
        n_par += 1
        lines.append(Line(s.strip(), f"paragraph {n_par}"))
    flush_table()
    return lines


@register((".doc", ".dot"), (OLE_MAGIC,))
def load_doc(path: str | None, data: bytes, limits: Limits) -> Document:
    check_ole_word(data)
    if _soffice() is not None:
        docx_bytes = convert_with_soffice(data)
        doc = load_docx(path, docx_bytes, limits)
        doc.format = "doc"
        doc.meta["converter"] = "libreoffice"
        return doc
    if shutil.which("antiword") is not None:
        doc = assemble(antiword_lines(convert_with_antiword(data)), path, "doc", limits)
        doc.meta["converter"] = "antiword"
        doc.warnings.append(("converter", "read with antiword (LibreOffice is not installed): some automatic numbering and table layout may be lost; install libreoffice-writer-nogui"))
        return doc
    raise MissingDependencyError(f"reading .doc files needs a converter: {INSTALL_HINT}")
