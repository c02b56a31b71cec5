#!/usr/bin/env python3
"""OCR seconds per page: vnplan's OCR against plain ``tesseract IMG out -l vie``, and pages/s with workers.

Methods, on the same page images (files on disk, so every method decodes them):

* ``tesseract``       — ``tesseract IMG out -l vie`` exactly as typed in a shell
  (Debian's build uses OpenMP with its default thread count);
* ``tesseract 1thr``  — the same with ``OMP_THREAD_LIMIT=1``, which vnplan sets:
  on 2 cores OpenMP's spinning threads cost more than they gain;
* ``vnplan``          — ``vnplan.io.ocr.ocr_image``: colour-ink suppression,
  speckle check, orientation and skew checks, Tesseract TSV, noise filter,
  repair, boxes mapped back to the image.

The overhead column compares vnplan with ``tesseract 1thr`` (same engine
settings, so the difference is vnplan's own work; goal < 15%). Throughput is
then measured with 1 and 2 worker processes over all pages.

Pages: the first two pages of corpus plan 002 as clean scans, stamped and
skewed scans, and harsh photocopies (scripts/make_scans.py), plus the two
pages of corpus/dev/plans/d12.pdf (a real scan at 100 dpi, as extracted).

Usage:  python benchmarks/bench_ocr.py [--rounds N] [--workers N] [--kinds clean,scan,photocopy,d12]
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _make_scans_module():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make_scans.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_scans"] = mod  # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod


def make_pages(out: Path, kinds: list[str]) -> list[tuple[str, Path]]:
    ms = _make_scans_module()
    pages = ms.typeset(ms.plan_text(ROOT / "corpus" / "plans" / "002_aa2e28f41dc8681f.txt"), dpi=300, max_pages=2)
    files: list[tuple[str, Path]] = []
    for i, p in enumerate(pages, 1):
        if "clean" in kinds:
            f = out / f"clean_p{i}.png"
            ms.scan(p.image, seed=i, angle=0.0, stamped=False, quality=90).save(f, dpi=(300, 300))
            files.append((f"clean p{i}", f))
        if "scan" in kinds:
            f = out / f"scan_p{i}.jpg"
            ms.scan(p.image, seed=i, angle=1.5 if i == 1 else -1.0).save(f, quality=85, dpi=(300, 300))
            files.append((f"stamped+skew p{i}", f))
        if "photocopy" in kinds:
            f = out / f"photocopy_p{i}.png"
            ms.photocopy(p.image, seed=i).save(f, dpi=(300, 300))
            files.append((f"photocopy p{i}", f))
    if "d12" in kinds:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(ROOT / "corpus" / "dev" / "plans" / "d12.pdf"))
        for i in range(len(pdf)):
            obj = next(o for o in pdf[i].get_objects() if o.type == 3)  # the page's scan
            f = out / f"d12_p{i + 1}.png"
            obj.get_bitmap(render=False).to_pil().save(f, dpi=(100, 100))
            files.append((f"d12 p{i + 1} (100 dpi)", f))
    return files


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (Tesseract runs)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_tesseract(path: Path, single_thread: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of one plain Tesseract run."""
    env = dict(os.environ)
    if single_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    else:
        env.pop("OMP_THREAD_LIMIT", None)
    with tempfile.TemporaryDirectory() as tmp:
        c, t = _cpu(), time.perf_counter()
        subprocess.run(["tesseract", str(path), os.path.join(tmp, "out"), "-l", "vie"], check=True, capture_output=True, env=env)
        return time.perf_counter() - t, _cpu() - c


def run_vnplan(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one vnplan OCR of the page, Tesseract included."""
    from vnplan.io.ocr import ocr_image

    c, t = _cpu(), time.perf_counter()
    ocr_image(path)
    return time.perf_counter() - t, _cpu() - c


def _worker(path: str) -> int:
    from vnplan.io.ocr import ocr_image

    return len(ocr_image(path).text)


def throughput(paths: list[Path], workers: int) -> float:
    t = time.perf_counter()
    if workers == 1:
        for p in paths:
            _worker(str(p))
    else:
        with cf.ProcessPoolExecutor(workers) as pool:
            list(pool.map(_worker, [str(p) for p in paths]))
    return len(paths) / (time.perf_counter() - t)


def _row(name: str, m: dict[str, tuple[float, float]]) -> str:
    cells = " ".join(f"{m[k][0]:5.2f}/{m[k][1]:5.2f}" for k in ("omp", "one", "vn"))
    ow = 100 * (m["vn"][0] / m["one"][0] - 1)
    oc = 100 * (m["vn"][1] / m["one"][1] - 1)
    return f"{name:24s} {cells} {ow:+8.1f}%/{oc:+6.1f}%"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="timed runs per page and method (median kept)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kinds", default="clean,scan,photocopy,d12")
    ap.add_argument("--no-openmp", action="store_true", help="skip plain tesseract with default OpenMP threads (slow here)")
    args = ap.parse_args()

    from vnplan.io.ocr import tesseract_available, tesseract_version

    if not tesseract_available():
        sys.exit("Tesseract with Vietnamese data is missing: apt-get install tesseract-ocr tesseract-ocr-vie")
    with tempfile.TemporaryDirectory(prefix="vnplan-bench-ocr-") as tmp:
        files = make_pages(Path(tmp), args.kinds.split(","))
        run_vnplan(files[0][1])  # warm imports and caches
        print(f"Tesseract {tesseract_version()}, {os.cpu_count()} CPUs, median of {args.rounds} runs; seconds per page (wall / CPU)\n")
        head = f"{'page':24s} {'tesseract':>11s} {'tess 1thr':>11s} {'vnplan':>11s} {'overhead wall/CPU':>18s}"
        print(head)
        print("-" * len(head))
        totals = {k: [0.0, 0.0] for k in ("omp", "one", "vn")}
        for name, path in files:
            # Methods interleaved round by round, so a busy spell on the machine
            # hits them alike; CPU time is also shown, as it barely depends on load.
            runs: dict[str, list[tuple[float, float]]] = {"omp": [], "one": [], "vn": []}
            for _ in range(args.rounds):
                if not args.no_openmp:
                    runs["omp"].append(run_tesseract(path, False))
                runs["one"].append(run_tesseract(path, True))
                runs["vn"].append(run_vnplan(path))
            med = {
                k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v)) if v else (float("nan"), float("nan"))
                for k, v in runs.items()
            }
            for k in totals:
                totals[k][0] += med[k][0]
                totals[k][1] += med[k][1]
            print(_row(name, med))
        print("-" * len(head))
        print(_row("all pages", {k: tuple(v) for k, v in totals.items()}))
        paths = [p for _, p in files]
        print()
        for w in sorted({1, args.workers}):
            print(f"vnplan OCR, {w} worker process{'es' if w > 1 else ''}: {throughput(paths, w):.2f} pages/s")


if __name__ == "__main__":
    main()
