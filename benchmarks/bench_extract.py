"""Speed and memory of ``vnplan.extract`` on the bundled corpus, beside a bare regex pass.

    python benchmarks/bench_extract.py [--rounds 5] [--json benchmarks/results/extract.json]

Reports, on one core: cold start (a fresh interpreter importing vnplan and
extracting one plan), warm plans per second and milliseconds per plan for the
five seed plans and for all corpus texts, peak memory, and — as the floor —
a bare regex pass (document numbers and dates) over the same texts.
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vnplan  # noqa: E402
from vnplan.api import extract_document  # noqa: E402

_FLOOR = re.compile(r"\d{1,5}\s*/\s*(?:\d{4}/)?[A-ZĐ][\wĐ&-]*|ngày\s+\d{1,2}(?:/|\s+tháng\s+)\d{1,2}(?:/|\s+năm\s+)\d{4}")


def corpus(kind: str) -> list[Path]:
    seed = sorted((ROOT / "corpus" / "plans").glob("*.txt"))
    dev = sorted((ROOT / "corpus" / "dev" / "plans").glob("*.txt"))
    return seed if kind == "seed" else seed + dev


def cold_start(path: Path, rounds: int) -> float:
    code = f"import vnplan; vnplan.extract({str(path)!r})"
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def warm(paths: list[Path], rounds: int) -> dict:
    docs = [vnplan.load(p) for p in paths]
    for d in docs:  # warm-up: data files, gazetteer, compiled patterns
        extract_document(d)
    per_round = []
    for _ in range(rounds):
        t = time.perf_counter()
        for d in docs:
            extract_document(d)
        per_round.append(time.perf_counter() - t)
    best = min(per_round)
    chars = sum(len(d.text) for d in docs)
    floor = []
    texts = [d.text for d in docs]
    for _ in range(rounds):
        t = time.perf_counter()
        for s in texts:
            _FLOOR.findall(s)
        floor.append(time.perf_counter() - t)
    tracemalloc.start()
    for d in docs:
        extract_document(d)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "plans": len(docs),
        "chars_per_plan": round(chars / len(docs)),
        "ms_per_plan": round(1000 * best / len(docs), 2),
        "plans_per_s": round(len(docs) / best, 1),
        "regex_floor_ms_per_plan": round(1000 * min(floor) / len(docs), 3),
        "times_floor": round(best / min(floor), 1),
        "peak_traced_mb": round(peak / 2**20, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    seed = corpus("seed")
    result = {
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "cold_start_s": round(cold_start(seed[0], 3), 2),
        "seed": warm(seed, args.rounds),
        "all": warm(corpus("all"), args.rounds),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(f"cold start (fresh interpreter, import + one plan): {result['cold_start_s']} s")
    print("| set | plans | chars/plan | ms/plan | plans/s | regex floor ms/plan | × floor | peak traced MB |")
    print("|---|---|---|---|---|---|---|---|")
    for k in ("seed", "all"):
        r = result[k]
        print(f"| {k} | {r['plans']} | {r['chars_per_plan']} | {r['ms_per_plan']} | {r['plans_per_s']} | "
              f"{r['regex_floor_ms_per_plan']} | {r['times_floor']} | {r['peak_traced_mb']} |")
    print(f"max RSS of the benchmark process: {result['max_rss_mb']} MB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
