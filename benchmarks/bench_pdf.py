#!/usr/bin/env python3
"""Pages per second of the vnplan PDF loader against plain extractors, side by side.

Methods, all run in the same process on the same files, each file read from
memory (no disk in the timing):

* ``vnplan``     — ``vnplan.io.load_bytes``: PDFium words + layout (columns,
  furniture, stamps), canonical text and anchors;
* ``pypdfium2``  — ``PdfTextPage.get_text_range()`` per page (no layout);
* ``pdfplumber`` — ``page.extract_text()`` per page;
* ``pdftotext``  — poppler's command line (``-layout``), when installed; its
  time includes starting the process once per file.

Usage:  python benchmarks/bench_pdf.py [PDF ...] [--rounds N] [--big N] [--skip METHOD,...]

Without PDFs: corpus/dev/plans/d11.pdf and tests/data/generated/*.pdf.
``--big N`` also generates one N-times-repeated plan (scripts/make_test_files.py
--repeat N) into a temp dir and includes it.
"""
from __future__ import annotations

import argparse
import glob
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def count_pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def run_vnplan(data: bytes) -> int:
    from vnplan.io import load_bytes

    doc = load_bytes(data, "bench.pdf")
    return len(doc.text)


def run_pypdfium2(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    n = 0
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            n += len(tp.get_text_range())
            tp.close()
            page.close()
    finally:
        pdf.close()
    return n


def run_pdfplumber(data: bytes) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            n += len(page.extract_text() or "")
            page.close()
    return n


def run_pdftotext(data: bytes) -> int:
    res = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=False)
    return len(res.stdout)


METHODS = {
    "vnplan": run_vnplan,
    "pypdfium2": run_pypdfium2,
    "pdfplumber": run_pdfplumber,
    "pdftotext": run_pdftotext,
}


def bench(files: list[tuple[str, bytes, int]], method: str, rounds: int, min_seconds: float) -> tuple[float, int]:
    """Best-of-rounds pages/s over all files; each round repeats the set until min_seconds pass."""
    fn = METHODS[method]
    pages = sum(p for _, _, p in files)
    for _, data, _ in files:  # warm up imports and caches
        fn(data)
    best = 0.0
    for _ in range(rounds):
        done = 0
        t0 = time.perf_counter()
        while True:
            for _, data, _ in files:
                fn(data)
            done += pages
            elapsed = time.perf_counter() - t0
            if elapsed >= min_seconds:
                break
        best = max(best, done / elapsed)
    return best, pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--min-seconds", type=float, default=1.0, help="time per round (pdfplumber: one pass at least)")
    ap.add_argument("--big", type=int, default=0, help="add a generated plan repeated N times")
    ap.add_argument("--skip", default="", help="comma-separated methods to skip")
    args = ap.parse_args(argv)

    paths = args.pdfs or [str(ROOT / "corpus/dev/plans/d11.pdf")] + sorted(glob.glob(str(ROOT / "tests/data/generated/[0-9]*.pdf")))
    tmp = None
    if args.big:
        tmp = tempfile.mkdtemp(prefix="vnplan-bench-")
        plans = sorted(glob.glob(str(ROOT / "corpus/plans/*.txt")))[:1]
        subprocess.run(
            [sys.executable, str(ROOT / "scripts/make_test_files.py"), tmp, "--plans", plans[0], "--repeat", str(args.big), "--formats", "pdf"],
            check=True,
            capture_output=True,
        )
        paths += sorted(glob.glob(f"{tmp}/*.pdf"))
    files = []
    for p in paths:
        data = Path(p).read_bytes()
        files.append((p, data, count_pages(data)))
    skip = set(filter(None, args.skip.split(",")))
    if shutil.which("pdftotext") is None:
        skip.add("pdftotext")
    total_pages = sum(f[2] for f in files)
    print(f"{len(files)} PDF(s), {total_pages} pages: " + ", ".join(f"{Path(p).name}({n})" for p, _, n in files))
    print(f"{'method':<12} {'pages/s':>10} {'ms/page':>9} {'vs vnplan':>10}")
    results = {}
    for m in METHODS:
        if m in skip:
            continue
        # pdfplumber is ~100x slower: one round of one pass is plenty.
        rounds, min_s = (1, 0.0) if m == "pdfplumber" else (args.rounds, args.min_seconds)
        rate, _ = bench(files, m, rounds, min_s)
        results[m] = rate
    base = results.get("vnplan")
    for m, rate in results.items():
        rel = f"{rate / base:>9.2f}x" if base else ""
        print(f"{m:<12} {rate:>10.1f} {1000 / rate:>9.2f} {rel:>10}")
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
