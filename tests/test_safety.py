"""The library is safe to run on untrusted files: no code execution from data, no shell,
no network, nothing written to disk.

* A scan of vnplan's source (``ast``) finds no ``eval``/``exec``, no unpickling or
  marshal loading, no ``os.system``/``os.popen``, no ``shell=True``, no unsafe YAML
  loading, and no import of a network module.
* ``vnplan.extract`` on files of every format, run with its working directory, TMPDIR
  and HOME set to fresh empty folders, leaves them empty (the DOC and OCR loaders use
  temporary files and remove them) and never opens a network connection.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vnplan"
SOURCES = sorted(PACKAGE.rglob("*.py"))

FORBIDDEN_CALLS = {
    "eval", "exec",
    "pickle.loads", "pickle.load", "cPickle.loads", "marshal.loads", "marshal.load", "shelve.open",
    "os.system", "os.popen", "os.execv", "os.execve", "os.spawnv",
    "yaml.unsafe_load", "yaml.full_load",
}
NETWORK_MODULES = {
    "socket", "ssl", "urllib.request", "http.client", "http.server", "requests", "urllib3", "httpx", "aiohttp",
    "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc.client", "websocket", "websockets", "distributed",
}
# Opt-in features that talk to a server the user names. Nothing on the extraction path.
NETWORK_ALLOWED = {
    "vnplan/batch/dask_pool.py": {"distributed"},  # `vnplan batch --engine dask --scheduler tcp://...`
}


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _findings(path: Path) -> tuple[list[str], list[str]]:
    """(dangerous calls, network imports) of one source file, as 'line: what'."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    calls, imports = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in FORBIDDEN_CALLS:
                calls.append(f"{node.lineno}: {name}()")
            if name == "yaml.load" and not any(k.arg == "Loader" and "Safe" in (_dotted(k.value) or "") for k in node.keywords):
                calls.append(f"{node.lineno}: yaml.load() without a SafeLoader")
            for kw in node.keywords:
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    calls.append(f"{node.lineno}: {name}(shell=...)")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imports.extend(f"{node.lineno}: {alias.name}" for m in NETWORK_MODULES if alias.name == m or alias.name.startswith(m + "."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            full = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(f == m or f.startswith(m + ".") for f in full for m in NETWORK_MODULES):
                imports.append(f"{node.lineno}: from {node.module} import {', '.join(a.name for a in node.names)}")
    return calls, imports


def test_the_scanner_sees_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import socket\nfrom urllib import request\nimport pickle, subprocess, yaml\n"
                   "eval('1')\npickle.loads(b'')\nsubprocess.run('ls', shell=True)\nyaml.load('a')\n")
    calls, imports = _findings(bad)
    assert len(calls) == 4 and len(imports) == 2


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_code_execution_or_shell(path: Path) -> None:
    calls, _ = _findings(path)
    assert not calls, f"{path.relative_to(ROOT)}: {calls}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_network_modules(path: Path) -> None:
    _, imports = _findings(path)
    allowed = NETWORK_ALLOWED.get(str(path.relative_to(ROOT)), set())
    imports = [i for i in imports if not any(a in i for a in allowed)]
    assert not imports, f"{path.relative_to(ROOT)}: {imports}"


RUNNER = r"""
import socket, sys
def refuse(*a, **k):
    raise AssertionError("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import vnplan
for path in sys.argv[1:]:
    try:
        rec = vnplan.extract(path)
        print(path, "record", rec.doc_type)
    except vnplan.VnplanError as exc:
        print(path, "error", exc.kind)
"""

FILES = [
    ROOT / "corpus" / "plans" / "000_50f9c68472bcef57.txt",
    ROOT / "tests" / "data" / "generated" / "000.pdf",
    ROOT / "tests" / "data" / "generated" / "000.docx",
    ROOT / "tests" / "data" / "legacy" / "jx_map_helper_tcvn3.lua.txt",
    ROOT / "tests" / "data" / "d01.doc",  # converted by LibreOffice or antiword in a temporary folder
    ROOT / "tests" / "data" / "scans" / "plan002_p1_scan.jpg",  # OCR by Tesseract
    ROOT / "tests" / "data" / "generated" / "encrypted.pdf",
]


def test_extract_writes_nothing_and_uses_no_network(tmp_path: Path) -> None:
    cwd, tmp, home = (tmp_path / n for n in ("cwd", "tmp", "home"))
    for d in (cwd, tmp, home):
        d.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp), HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, "-c", RUNNER, *map(str, FILES)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(FILES), proc.stdout
    assert lines[0].endswith("record KH") and lines[-1].endswith("error encrypted")
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p not in (cwd, tmp, home))
    assert not left, f"files left behind: {left}"
