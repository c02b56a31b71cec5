"""Time of vnplan on hostile, huge and legacy-encoded input.

    python benchmarks/bench_hardening.py [--quick] [--json benchmarks/results/hardening.json]

Prints three tables (markdown):

1. pathological texts through ``vnplan.extract_text``: a 5 MB plan, one 1 MB line,
   a million "Căn cứ " or "ngày ", 10,000-level outline numbers, 10,000 alternating
   markers, and the inputs that were super-linear before the hardening fixes;
2. scaling: the time for n, 2n and 4n repetitions of a fragment and the ratio
   4n / n (linear is 4, quadratic 16);
3. legacy encodings: detection and conversion of the corpus plans encoded in TCVN3,
   VNI, VISCII and Windows-1258, and loading a 5 MB legacy file.

One process, one core; warm (data files and patterns loaded before timing); best of
``--rounds`` runs.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vnplan  # noqa: E402
from vnplan import legacy  # noqa: E402
from vnplan.io import load_bytes  # noqa: E402

PLAN = ROOT / "corpus" / "plans" / "002_aa2e28f41dc8681f.txt"
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        try:
            fn()
        except vnplan.VnplanError:
            pass
        times.append(time.perf_counter() - t)
    return min(times)


def pathological(quick: bool) -> dict[str, str]:
    plan = PLAN.read_text(encoding="utf-8")
    scale = 4 if quick else 1
    markers = ["I.", "1.", "1.1.", "a)", "-", "+", "•", "Điều 1.", "i)", "*"]
    return {
        "5 MB plan (corpus plan 002 repeated)": (plan + "\n") * (5_000_000 // len(plan.encode()) // scale + 1),
        "one 1 MB line": (" ".join(plan.split()) + " ") * (1_000_000 // len(plan) // scale + 1),
        "1,000,000 × 'Căn cứ '": "Căn cứ " * (1_000_000 // scale),
        "1,000,000 × 'ngày '": "ngày " * (1_000_000 // scale),
        "outline number 10,000 levels": ".".join(["1"] * 10_000) + ". Nội dung\n",
        "10,000 alternating markers": "\n".join(f"{m} Nội dung mục {i}" for i, m in enumerate(markers * 1000)),
        "20,000 × '12/KH-UBND ' (was 233 s)": "12/KH-UBND " * (20_000 // scale),
        "80,000 backslashes (was 34 s)": "\\" * 80_000,
    }


SCALING = ["12/KH-UBND ", "Quyết định số 12/QĐ-UBND ", "\\", "Căn cứ\n", "KẾ HOẠCH\n", "1.\n", "x    ", "Quý I "]


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a quarter of the sizes")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    results: dict[str, object] = {"python": platform.python_version(), "machine": platform.machine()}

    vnplan.extract_text(PLAN.read_text(encoding="utf-8"))  # warm-up
    rows, figures = [], {}
    for name, text in pathological(args.quick).items():
        s = best(lambda: vnplan.extract_text(text), args.rounds)
        figures[name] = {"chars": len(text), "seconds": round(s, 3)}
        rows.append([name, f"{len(text):,}", f"{s:.2f}", f"{len(text) / s / 1e6:.2f}"])
    print("## Pathological input (vnplan.extract_text)\n")
    print(table(["input", "characters", "seconds", "M chars/s"], rows))
    results["pathological"] = figures

    n = 2_500 if args.quick else 5_000
    rows, figures = [], {}
    for frag in SCALING:
        k = n // 2 if "UBND" in frag else n * 2
        ts = [best(lambda m=m: vnplan.extract_text(frag * m), args.rounds) for m in (k, 2 * k, 4 * k)]
        figures[frag] = {"n": k, "seconds": [round(t, 3) for t in ts]}
        rows.append([repr(frag), f"{k:,}", *(f"{t:.2f}" for t in ts), f"{ts[2] / max(ts[0], 1e-6):.1f}"])
    print("\n## Scaling (4n / n: linear 4, quadratic 16)\n")
    print(table(["fragment", "n", "n s", "2n s", "4n s", "4n / n"], rows))
    results["scaling"] = figures

    texts = [p.read_text(encoding="utf-8") for p in PLANS]
    total = sum(len(t) for t in texts)
    rows, figures = [], {}
    for enc in legacy.ENCODINGS:
        data = [legacy.encode(t, enc, errors="replace") for t in texts]
        det = best(lambda: [legacy.detect(d) for d in data], args.rounds)
        conv = best(lambda: [legacy.to_unicode(d, enc) for d in data], args.rounds)
        big = b"\n".join(data) * (5_000_000 // sum(len(d) for d in data) + 1)
        load = best(lambda: load_bytes(big, "big.txt"), args.rounds)
        figures[enc] = {"detect_s": round(det, 3), "convert_s": round(conv, 3), "load_5mb_s": round(load, 3), "chars": total}
        rows.append([legacy.LABELS[enc], f"{total:,}", f"{det * 1000:.0f}", f"{conv * 1000:.0f}", f"{total / conv / 1e6:.2f}",
                     f"{len(big) / 1e6:.1f} MB in {load:.2f} s"])
    plain = "\n".join(texts) * (5_000_000 // total + 1)
    uni = best(lambda: legacy.detect(plain), args.rounds)
    rows.append(["Unicode (detect says None)", f"{len(plain):,}", f"{uni * 1000:.0f}", "–", "–", "–"])
    print("\n## Legacy encodings (the five corpus plans)\n")
    print(table(["encoding", "characters", "detect ms", "convert ms", "M chars/s", "load_bytes of a 5 MB file"], rows))
    results["legacy"] = figures
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
