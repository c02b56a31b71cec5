"""Extraction time stays linear in the input on pathological texts.

Two kinds of checks:

* absolute bounds on big inputs, about five times what they took when measured
  (one core, 2026-11; see benchmarks/bench_hardening.py for the table): a 5 MB plan,
  one 1 MB line, a million "Căn cứ " or "ngày ", deep outline numbers;
* scaling: four times the input may take at most ten times as long (linear is
  four, quadratic sixteen) on fragments that once were, or could be, super-linear.

A SIGALRM limit turns a hang into a failure instead of a stuck suite.
"""
from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import vnplan
from vnplan import legacy

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "plans" / "002_aa2e28f41dc8681f.txt"


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum, frame):  # noqa: ARG001
        raise TimeoutError(f"still running after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def seconds(fn: Callable[[], object], repeats: int = 1, limit: float = 120.0) -> float:
    """Best time of ``repeats`` runs of ``fn`` (a VnplanError counts as a finished run)."""
    best = float("inf")
    with time_limit(limit):
        for _ in range(repeats):
            t = time.perf_counter()
            try:
                fn()
            except vnplan.VnplanError:
                pass
            best = min(best, time.perf_counter() - t)
    return best


def extract(text: str) -> Callable[[], object]:
    return lambda: vnplan.extract_text(text)


def _plan() -> str:
    return PLAN.read_text(encoding="utf-8")


# (name, text maker, bound in seconds, measured when the bound was set)
BIG = [
    ("5 MB plan", lambda: (_plan() + "\n") * (5_000_000 // len(_plan().encode()) + 1), 20.0),  # 3.0 s
    ("one 1 MB line", lambda: (" ".join(_plan().split()) + " ") * (1_000_000 // len(_plan()) + 1), 6.0),  # 0.6 s
    ("1,000,000 × 'Căn cứ '", lambda: "Căn cứ " * 1_000_000, 60.0),  # 12.7 s
    ("1,000,000 × 'ngày '", lambda: "ngày " * 1_000_000, 12.0),  # 1.7 s
    ("outline number 10,000 levels deep", lambda: ".".join(["1"] * 10_000) + ". Nội dung\n", 3.0),  # 0.03 s
    ("10,000 alternating marker styles",
     lambda: "\n".join(f"{m} Nội dung mục {i}" for i, m in enumerate(["I.", "1.", "1.1.", "a)", "-", "+", "•", "Điều 1.", "i)", "*"] * 1000)), 5.0),  # 0.5 s
]


@pytest.mark.parametrize("name, make, bound", BIG, ids=[b[0] for b in BIG])
def test_big_inputs_within_bounds(name: str, make: Callable[[], str], bound: float) -> None:
    text = make()
    took = seconds(extract(text), limit=bound * 2)
    assert took < bound, f"{name}: {took:.1f} s for {len(text):,} characters"


# Fragments repeated n and 4n times (n = 10,000; 2,500 for the slow citation lists).
# The first four were quadratic before the hardening fixes — citation tails read to
# the end of the text and type words scanned for every number (4 min for 220 KB of
# "12/KH-UBND "), the markdown escape pattern rescanning backslash runs (34 s for
# 80,000) — the rest cover the other patterns.
FRAGMENTS = [
    ("12/KH-UBND ", 2_500), ("12/KH-UBND\n", 2_500), ("Quyết định số 12/QĐ-UBND ", 2_500), ("\\", 10_000),
    ("Căn cứ\n", 10_000), ("Số: ", 10_000), ("KT. ", 10_000), ("Quý I ", 10_000), ("1.\n", 10_000), ("**", 10_000),
    ("A ", 10_000), ("x    ", 10_000), ("KẾ HOẠCH\n", 10_000), ("ngày 1 tháng ", 10_000), ("_____\n", 10_000),
    ("| a ", 10_000), ("[a](", 10_000), ("Căn cứ Luật ", 10_000), ("Hà Nội, ngày ", 10_000), ("…", 10_000),
    ("“", 10_000), ("- ", 10_000), ("a) ", 10_000),
]


@pytest.mark.parametrize("fragment, n", FRAGMENTS, ids=[repr(f) for f, _ in FRAGMENTS])
def test_four_times_the_input_takes_at_most_ten_times_as_long(fragment: str, n: int) -> None:
    small = seconds(extract(fragment * n), repeats=3)
    large = seconds(extract(fragment * 4 * n), repeats=2)
    # Linear is 4×, quadratic 16×; the slack is for a busy machine. Under 0.5 s the
    # ratio is noise (allocation, GC), and the quadratic passes found here took 10 s
    # to minutes at these sizes.
    assert large < max(10 * small, 0.5), f"{fragment!r}: {small:.2f} s → {large:.2f} s"


LEGACY_TEXTS = {
    "space-free ASCII run": lambda n: "x" * n + " é",
    "backslashes": lambda n: "\\" * n,
    "ellipsis run then a letter": lambda n: "…" * n + "a",
    "TCVN3 words": lambda n: "Céng hoµ x· héi " * (n // 16),
    "VNI words": lambda n: "Coäng hoøa xaõ hoäi " * (n // 20),
    "conflict bytes": lambda n: "\x93\x94\x91" * (n // 3),
}


@pytest.mark.parametrize("kind", list(LEGACY_TEXTS))
def test_legacy_detection_and_conversion_are_linear(kind: str) -> None:
    make = LEGACY_TEXTS[kind]

    def work(n: int) -> Callable[[], object]:
        text = make(n)
        return lambda: (legacy.detect(text), legacy.convert(text, "tcvn3"), legacy.convert(text, "vni"))

    small = seconds(work(100_000), repeats=2)
    large = seconds(work(400_000), repeats=2)
    assert large < max(10 * small, 0.5), f"{kind}: {small:.2f} s → {large:.2f} s"
