"""OCR of scanned pages with Tesseract (``vie`` language data), keeping words, boxes and confidence.

The ``tesseract`` command-line program is driven directly with TSV output: that
gives every word with its box and confidence, and block/paragraph/line numbers
from which the page's lines and paragraphs are rebuilt. Nothing is downloaded
at run time; the language data comes from Debian's ``tesseract-ocr-vie``.

Around the engine sits cheap, measured preprocessing:

* orientation: a 90°/270° page is spotted from ink projection profiles (rows vs
  columns) and a 180° one from a poor first pass; Tesseract OSD then says which
  way to turn it;
* skew: a projection-profile search over small angles on a downsampled page;
* stamps and signatures: on colour pages strongly coloured ink (red stamps,
  blue pens) is turned as light as the paper while black print stays black;
* harsh photocopies: a 3×3 median filter where salt-and-pepper speckle is
  measured (or the first reading is poor);
* small text: images declaring under 190 dpi are upscaled to 200 dpi, and
  images of unknown resolution with small text are read again enlarged.

Measured on generated scans of corpus plans (scripts/make_scans.py, 300 dpi):
character error rate ≤0.3% on clean, stamped+skewed, photocopied and
phone-photo pages, where plain Tesseract gives 0.5-4%, 10-27% and up to 36%
on the last three; CPU overhead over plain Tesseract on clean pages ~6-10%.
Tesseract runs single-threaded (see :func:`_tesseract_env`).

Boxes are mapped back through every transform to the input image's pixels, so
callers never see the preprocessing.
"""
from __future__ import annotations

import bisect
import functools
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CorruptFileError, LimitExceededError, MissingDependencyError, VnplanError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

    from . import Limits

Box = tuple[float, float, float, float]
WordAnchor = tuple[int, int, Box, float]

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
LANG = "vie"
TARGET_DPI = 300  # PDF pages that must be rendered are rendered at this resolution
LOW_DPI = 190  # images declaring less are upscaled ...
UPSCALE_DPI = 200  # ... to this
# Tesseract reads best when capital letters are ~30-40 px high; below this median
# word height (px) an image of unknown resolution is upscaled and read again.
SMALL_TEXT_PX = 20
SMALL_TEXT_TARGET_PX = 36  # median word height of 13 pt text at 200 dpi
# Mean word confidence (0-1) under which a page is considered badly read and
# the more expensive remedies (OSD, median filter) are tried.
POOR_CONFIDENCE = 0.75
# Deskewing costs a full-page resample; Tesseract copes with small skew by itself
# (measured: 2° skew reads as well as 0°), so only larger angles are corrected.
DESKEW_MIN_DEGREES = 1.0
MAX_SKEW_DEGREES = 6.0


# --------------------------------------------------------------------------- engine


@dataclass
class OcrResult:
    """What one page image reads as.

    ``words`` are (start, end, bbox, confidence): a character range of ``text``,
    its box in the input image's pixels (x0, top, x1, bottom) and Tesseract's
    confidence scaled to 0-1. ``rotation`` is the clockwise turn (0/90/180/270)
    that made the page upright; ``skew`` the small angle (degrees) corrected.
    """

    text: str
    words: list[WordAnchor] = field(default_factory=list)
    rotation: int = 0
    skew: float = 0.0
    mean_confidence: float = 0.0
    size: tuple[int, int] = (0, 0)
    steps: list[str] = field(default_factory=list)  # preprocessing kept, for meta/debugging
    edits: list = field(default_factory=list)  # repairs applied (vnplan.ocr_repair.Edit)
    dropped_words: int = 0  # stamp/signature noise left out


def _tesseract_env() -> dict[str, str]:
    # Debian's Tesseract is built with OpenMP; on a 2-core machine its threads
    # spin and one page took 12.9 s instead of 1.6 s (measured). One thread per
    # process is faster, and parallelism comes from pages instead.
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


@functools.lru_cache(maxsize=1)
def _tesseract_path() -> str | None:
    return shutil.which("tesseract")


@functools.lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    exe = _tesseract_path()
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30, env=_tesseract_env())
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    return frozenset(line.strip() for line in text.splitlines()[1:] if line.strip())


def tesseract_available() -> bool:
    """True when the ``tesseract`` program and its Vietnamese data are installed."""
    return LANG in _languages()


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    exe = _tesseract_path()
    if not exe:
        return ""
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, timeout=30, env=_tesseract_env())
    except (OSError, subprocess.SubprocessError):
        return ""
    first = (out.stdout + out.stderr).decode("utf-8", "replace").splitlines()
    return first[0].replace("tesseract", "").strip() if first else ""


def require_tesseract() -> None:
    if _tesseract_path() is None:
        raise MissingDependencyError(f"OCR needs the Tesseract program; install it: {INSTALL_HINT}")
    if LANG not in _languages():
        raise MissingDependencyError(f"OCR needs Tesseract's Vietnamese data; install it: {INSTALL_HINT}")
    # OSD data (tesseract-ocr-osd) comes with Debian's tesseract-ocr; without it
    # sideways pages are found by reading every orientation (_osd_rotation → None).


class _Deadline:
    """The page's time budget, shared by every Tesseract run on that page."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise LimitExceededError(f"OCR of a page took more than {self.seconds:g} s (limit ocr_seconds_per_page)")
        return left


def _run_tesseract(gray: PILImage.Image, args: list[str], deadline: _Deadline) -> str:
    exe = _tesseract_path()
    if exe is None:
        raise MissingDependencyError(f"OCR needs the Tesseract program; install it: {INSTALL_HINT}")
    # An uncompressed BMP in a temporary file: written in ~2 ms, and Tesseract
    # reads a file faster than stdin (measured 1.07 s vs 1.31 s a page).
    with tempfile.TemporaryDirectory(prefix="vnplan-ocr-") as tmp:
        path = os.path.join(tmp, "page.bmp")
        gray.save(path, "BMP")
        try:
            proc = subprocess.run(
                [exe, path, "stdout", *args],
                capture_output=True,
                timeout=deadline.left(),
                env=_tesseract_env(),
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise LimitExceededError(
                f"OCR of a page took more than {deadline.seconds:g} s (limit ocr_seconds_per_page)"
            ) from exc
        except OSError as exc:
            raise MissingDependencyError(f"cannot run Tesseract ({exc}); install it: {INSTALL_HINT}") from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VnplanError(f"Tesseract failed on a page: {msg[-1] if msg else proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")


# ----------------------------------------------------------------------- TSV words


@dataclass
class _Word:
    key: tuple[int, int, int]  # (block, paragraph, line) as Tesseract numbered them
    text: str
    box: Box
    conf: float  # 0-1


def _parse_tsv(tsv: str) -> list[_Word]:
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = unicodedata.normalize("NFC", cols[11]).strip()
        if not text:
            continue
        try:
            block, par, ln = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (float(c) for c in cols[6:10])
            conf = max(0.0, min(1.0, float(cols[10]) / 100.0))
        except ValueError:
            continue
        words.append(_Word((block, par, ln), text, (left, top, left + width, top + height), conf))
    return words


def _score(words: list[_Word]) -> float:
    # A reading's worth: confident characters. Squaring the confidence keeps a
    # garbage pass with many low-confidence fragments from winning on volume.
    return sum(len(w.text) * w.conf * w.conf for w in words)


def _mean_conf(words: list[_Word]) -> float:
    chars = sum(len(w.text) for w in words)
    return sum(len(w.text) * w.conf for w in words) / chars if chars else 0.0


# ------------------------------------------------------------------- preprocessing


@dataclass
class _Page:
    """A working image plus the affine map from its pixels back to the input's."""

    img: PILImage.Image
    to_input: np.ndarray  # 3×3, working (x, y, 1) → input (x, y, 1)
    dpi: float | None
    steps: list[str] = field(default_factory=list)
    rotation: int = 0
    skew: float = 0.0

    def derive(self, img: PILImage.Image, new_to_old: np.ndarray, step: str, dpi: float | None = None) -> _Page:
        return _Page(
            img,
            self.to_input @ new_to_old,
            dpi if dpi is not None else self.dpi,
            [*self.steps, step],
            self.rotation,
            self.skew,
        )


def _to_gray(img: PILImage.Image) -> tuple[PILImage.Image, str | None]:
    """8-bit grayscale page; on pages with coloured ink (stamps, signatures), that ink removed."""
    from PIL import Image

    mode = img.mode
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba).convert("RGB")
    elif mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        return Image.fromarray((arr * (255.0 / top)).astype(np.uint8), "L"), None
    elif mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L"), None
    elif mode not in ("RGB", "L"):
        img = img.convert("RGB")
    if img.mode == "L":
        return img, None
    small = np.asarray(img.reduce(max(1, min(img.size) // 400)), dtype=np.int16)
    chroma = small.max(axis=2) - small.min(axis=2)
    if (chroma > 60).mean() < 0.001:
        return img.convert("L"), None
    return _suppress_colour_ink(img), "colour-ink suppressed"


def _suppress_colour_ink(img: PILImage.Image) -> PILImage.Image:
    """Gray page where red stamps and blue signatures fade into the paper.

    Printed text is black and stays dark in every channel; stamp and pen ink
    are strongly coloured. Taking the brightest channel plus the colourfulness
    turns coloured ink light while black toner (also where it lies under the
    stamp) stays black.
    """
    from PIL import ImageChops

    # Pillow's channel operations are C loops that saturate at 255: ~60 ms a
    # page where the same in numpy took ~570 ms (measured).
    r, g, b = img.convert("RGB").split()
    hi = ImageChops.lighter(ImageChops.lighter(r, g), b)
    lo = ImageChops.darker(ImageChops.darker(r, g), b)
    chroma = ImageChops.subtract(hi, lo)
    return ImageChops.add(ImageChops.add(hi, chroma), chroma.point(lambda v: v // 2))


def _ink_points(gray: PILImage.Image, max_side: int = 1000) -> tuple[np.ndarray, np.ndarray, float]:
    """Coordinates of dark pixels on a downsampled copy (and the downsampling factor).

    Only the central 80% of the page is looked at: photos and copies carry dark
    borders whose straight edges would pass for text lines.
    """
    factor = max(1, math.ceil(max(gray.size) / max_side))
    small = np.asarray(gray.reduce(factor) if factor > 1 else gray, dtype=np.uint8)
    h, w = small.shape
    small = small[h // 10 : h - h // 10, w // 10 : w - w // 10]
    hist = np.bincount(small.ravel(), minlength=256).astype(np.float64)
    thr = _otsu(hist)
    ys, xs = np.nonzero(small < thr)
    if len(ys) > 200_000:  # enough for a profile; keeps the angle search cheap
        step = len(ys) // 200_000 + 1
        ys, xs = ys[::step], xs[::step]
    return xs.astype(np.float64), ys.astype(np.float64), float(factor)


def _otsu(hist: np.ndarray) -> float:
    total = hist.sum()
    if total == 0:
        return 128.0
    levels = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    mean_all = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 / total - m0) ** 2 / (w0 * w1)
    between = np.nan_to_num(between)
    return float(np.argmax(between)) + 0.5


def _profile_sharpness(coords: np.ndarray) -> float:
    """How line-like the ink is along one axis: text rows give a spiky histogram."""
    if len(coords) == 0:
        return 0.0
    lo = coords.min()
    hist = np.bincount((coords - lo).astype(np.int64))
    return float(np.sum(np.diff(hist.astype(np.float64)) ** 2)) / len(coords)


def _skew_angle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """Small angle (degrees) by which text lines slope down to the right, and the profile score."""

    def score(deg: float) -> float:
        t = math.radians(deg)
        return _profile_sharpness(ys * math.cos(t) - xs * math.sin(t))

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 0.5), key=score)
    fine = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), key=score)
    return round(float(fine), 2), score(float(fine))


def _looks_sideways(xs: np.ndarray, ys: np.ndarray) -> bool:
    """Text lines run vertically: the column profile is much spikier than the row profile."""
    if len(xs) < 500:
        return False
    _, rows = _skew_angle(xs, ys)
    _, cols = _skew_angle(ys, xs)
    return cols > 1.5 * rows


def _affine_rotate(page: _Page, degrees: float) -> _Page:
    """Rotate the working image to undo a skew of ``degrees`` (expanding the canvas)."""
    from PIL import Image

    w, h = page.img.size
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    nw, nh = int(math.ceil(w * abs(c) + h * abs(s))), int(math.ceil(w * abs(s) + h * abs(c)))
    cx, cy, ncx, ncy = w / 2, h / 2, nw / 2, nh / 2
    # Output pixel p' samples input R(t)(p' - c') + c: a line of slope tan(t) in
    # the input becomes horizontal in the output.
    a, b, d, e = c, -s, s, c
    cc = cx - a * ncx - b * ncy
    f = cy - d * ncx - e * ncy
    img = page.img.transform((nw, nh), Image.Transform.AFFINE, (a, b, cc, d, e, f), Image.Resampling.BILINEAR, fillcolor=255)
    new_to_old = np.array([[a, b, cc], [d, e, f], [0.0, 0.0, 1.0]])
    out = page.derive(img, new_to_old, f"deskew {degrees:+.2f}°")
    out.skew = page.skew + degrees
    return out


def _turn(page: _Page, clockwise: int) -> _Page:
    """Rotate the working image by a multiple of 90° clockwise (lossless)."""
    from PIL import Image

    clockwise %= 360
    if clockwise == 0:
        return page
    w, h = page.img.size
    ops = {
        90: (Image.Transpose.ROTATE_270, np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, h], [0.0, 0.0, 1.0]])),
        180: (Image.Transpose.ROTATE_180, np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]])),
        270: (Image.Transpose.ROTATE_90, np.array([[0.0, -1.0, w], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])),
    }
    op, new_to_old = ops[clockwise]
    out = page.derive(page.img.transpose(op), new_to_old, f"rotate {clockwise}°")
    out.rotation = (page.rotation + clockwise) % 360
    return out


def _scale(page: _Page, factor: float, limits: Limits) -> _Page | None:
    from PIL import Image

    w, h = page.img.size
    nw, nh = max(1, round(w * factor)), max(1, round(h * factor))
    if nw * nh > limits.max_pixels:
        return None
    img = page.img.resize((nw, nh), Image.Resampling.BICUBIC)
    new_to_old = np.array([[w / nw, 0.0, 0.0], [0.0, h / nh, 0.0], [0.0, 0.0, 1.0]])
    dpi = page.dpi * factor if page.dpi else None
    return page.derive(img, new_to_old, f"scale ×{factor:.2f}", dpi=dpi)


# Share of pixels that a 3×3 median changes by more than 100 levels: clean
# renders and scans measure 0.000-0.005, harsh photocopies 0.02 and more.
SPECKLE_SHARE = 0.012


def _speckled(gray: PILImage.Image) -> bool:
    """Salt-and-pepper speckle, judged on a central 600×600 crop (~25 ms)."""
    from PIL import ImageFilter

    w, h = gray.size
    half = min(300, w // 2, h // 2)
    crop = gray.crop((w // 2 - half, h // 2 - half, w // 2 + half, h // 2 + half))
    a = np.asarray(crop, dtype=np.int16)
    b = np.asarray(crop.filter(ImageFilter.MedianFilter(3)), dtype=np.int16)
    return bool(a.size) and float((np.abs(a - b) > 100).mean()) > SPECKLE_SHARE


def _median(page: _Page) -> _Page:
    from PIL import ImageFilter

    return page.derive(page.img.filter(ImageFilter.MedianFilter(3)), np.eye(3), "median 3×3")


# ------------------------------------------------------------------------- passes


def _ocr_words(page: _Page, deadline: _Deadline) -> list[_Word]:
    args = ["-l", LANG, "--psm", "3"]
    if page.dpi:
        args += ["--dpi", str(int(round(page.dpi)))]
    words = _parse_tsv(_run_tesseract(page.img, [*args, "tsv"], deadline))
    # Boxes go back to the input image's pixels now, so that every later step
    # (noise filter, anchors) works in one coordinate system.
    for w in words:
        w.box = _map_box(w.box, page.to_input)
    return words


def _map_box(box: Box, m: np.ndarray) -> Box:
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x0, y1, 1.0], [x1, y1, 1.0]]) @ m.T
    return (
        round(float(pts[:, 0].min()), 1),
        round(float(pts[:, 1].min()), 1),
        round(float(pts[:, 0].max()), 1),
        round(float(pts[:, 1].max()), 1),
    )


def _osd_rotation(page: _Page, deadline: _Deadline) -> int | None:
    """Clockwise turn that makes the page upright, per Tesseract OSD (None when unsure)."""
    if "osd" not in _languages():
        return None
    args = ["--psm", "0", "-l", "osd"]
    if page.dpi:
        args += ["--dpi", str(int(round(page.dpi)))]
    try:
        out = _run_tesseract(page.img, args, deadline)
    except LimitExceededError:
        raise
    except VnplanError:
        return None  # "Too few characters": nothing to orient by
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if not rotate or not conf or float(conf.group(1)) < 1.0:
        return None
    return int(rotate.group(1)) % 360


def _median_height(words: list[_Word]) -> float:
    hs = [w.box[3] - w.box[1] for w in words if len(w.text) >= 2 and w.conf > 0.5]
    return float(np.median(hs)) if hs else 0.0


def _best_reading(page: _Page, deadline: _Deadline, limits: Limits, xs: np.ndarray, ys: np.ndarray) -> tuple[_Page, list[_Word]]:
    """Read the page, trying the costlier remedies only when the first reading is poor."""
    if _looks_sideways(xs, ys):
        # Profiles can mislead (tables, short lines): OSD decides, and when it is
        # unsure every orientation is read and the best reading kept.
        turn = _osd_rotation(page, deadline)
        candidates = [turn] if turn is not None else [0, 90, 270]
        best: tuple[_Page, list[_Word]] | None = None
        for cw in candidates:
            p = _deskewed(_turn(page, cw))
            words = _ocr_words(p, deadline)
            if best is None or _score(words) > _score(best[1]):
                best = (p, words)
        assert best is not None
        page, words = best
    else:
        page = _deskewed(page, xs, ys)
        words = _ocr_words(page, deadline)

    if _mean_conf(words) < POOR_CONFIDENCE:
        # Upside down (180° is invisible to the profiles) or noisy: ask OSD
        # first, and filter only if the page still reads badly.
        turn = _osd_rotation(page, deadline)
        if turn:
            p = _turn(page, turn)
            cand = _ocr_words(p, deadline)
            if _score(cand) > _score(words) * 1.02:
                page, words = p, cand
        if _mean_conf(words) < POOR_CONFIDENCE and not any(step.startswith("median") for step in page.steps):
            p = _median(page)
            cand = _ocr_words(p, deadline)
            if _score(cand) > _score(words) * 1.02:
                page, words = p, cand

    height = _median_height(words)
    if words and 0 < height < SMALL_TEXT_PX and page.dpi is None:
        bigger = _scale(page, min(3.0, SMALL_TEXT_TARGET_PX / height), limits)
        if bigger is not None:
            cand = _ocr_words(bigger, deadline)
            if _score(cand) > _score(words):
                page, words = bigger, cand
    return page, words


def _deskewed(page: _Page, xs: np.ndarray | None = None, ys: np.ndarray | None = None) -> _Page:
    """The page turned to level text lines, when they slope by a degree or more."""
    if xs is None or ys is None:
        xs, ys, _ = _ink_points(page.img)
    if len(xs) < 500:
        return page
    angle, _ = _skew_angle(xs, ys)
    if abs(angle) < DESKEW_MIN_DEGREES or abs(angle) >= MAX_SKEW_DEGREES - 0.2:
        return page
    return _affine_rotate(page, angle)


# ------------------------------------------------------------------ noise and text


_ALNUM = re.compile(r"[^\W_]", re.UNICODE)
# Isolated words below this confidence are stamp or signature fragments.
NOISE_WORD_CONF = 0.35
# Words without letters or digits, past a line's first word (a bullet), are
# kept only when Tesseract is at least this sure of them.
MARK_WORD_CONF = 0.5
# Lines where letters and digits are under this share of the characters are
# rules, scribbles or stamp rims.
NOISE_LINE_ALNUM = 0.5


def _is_noise_line(words: list[_Word]) -> bool:
    chars = "".join(w.text for w in words)
    alnum = len(_ALNUM.findall(chars))
    if alnum < NOISE_LINE_ALNUM * len(chars):
        return True
    # A line of nothing but unsure short fragments ("lo", "K4", "#") is a stamp
    # or signature, not a sentence.
    return all(w.conf < NOISE_WORD_CONF for w in words) and alnum <= 6


# Numbers, dates and document symbols ("05/CT-UBND", "KH-UBND") are what the
# records are built from: never dropped as noise, however unsure.
_SYMBOL = re.compile(r"\d|/|[A-ZĐ]{2,}")


def _drop_isolated(words: list[_Word]) -> list[_Word]:
    """Drop low-confidence words with no confident neighbour close by on their line."""
    keep = []
    for i, w in enumerate(words):
        if i and not _ALNUM.search(w.text) and w.conf < MARK_WORD_CONF:
            continue  # unsure strokes after the text ("⁄)", "———"): signature or stamp edges
        sure = w.conf >= NOISE_WORD_CONF or (w.conf >= NOISE_WORD_CONF / 2 and len(_ALNUM.findall(w.text)) > 3)
        if sure or _SYMBOL.search(w.text):
            keep.append(w)
            continue
        height = max(1.0, w.box[3] - w.box[1])
        near = False
        for j in (i - 1, i + 1):
            if 0 <= j < len(words) and words[j].conf >= NOISE_WORD_CONF:
                gap = max(words[j].box[0] - w.box[2], w.box[0] - words[j].box[2])
                near = near or gap < 2.0 * height
        if near:
            keep.append(w)
    return keep


def _assemble(words: list[_Word]) -> tuple[str, list[WordAnchor], int]:
    """Text with one line per Tesseract line and a blank line between paragraphs."""
    lines: list[list[_Word]] = []
    for w in words:
        if lines and lines[-1][0].key == w.key:
            lines[-1].append(w)
        else:
            lines.append([w])
    parts: list[str] = []
    anchors: list[WordAnchor] = []
    pos = 0
    dropped = 0
    prev_par: tuple[int, int] | None = None
    for line in lines:
        kept = _drop_isolated(line)
        if not kept or _is_noise_line(kept):
            dropped += len(line)
            continue
        dropped += len(line) - len(kept)
        par = line[0].key[:2]
        if parts:
            sep = "\n\n" if par != prev_par else "\n"
            parts.append(sep)
            pos += len(sep)
        prev_par = par
        for k, w in enumerate(kept):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(w.text)
            anchors.append((pos, pos + len(w.text), w.box, round(w.conf, 3)))
            pos += len(w.text)
    return "".join(parts), anchors, dropped


def remap_anchors(anchors: list[WordAnchor], edits: list) -> list[WordAnchor]:
    """Move word ranges through length-changing edits (sorted, non-overlapping).

    A word that an edit merged with another ("T hành" → "Thành") ends up
    covering the whole new token; both boxes stay, so the token is located by
    their union.
    """
    if not edits:
        return anchors
    starts = [e.start for e in edits]
    # shift[i]: how far text after edit i-1 (and before edit i) has moved.
    shift = [0]
    for e in edits:
        shift.append(shift[-1] + len(e.replacement) - (e.end - e.start))

    def move(pos: int, is_end: bool) -> int:
        # An end position equal to an edit's start belongs before that edit.
        i = (bisect.bisect_left(starts, pos) if is_end else bisect.bisect_right(starts, pos)) - 1
        if i < 0:
            return pos
        e = edits[i]
        if pos < e.end:
            new_start = e.start + shift[i]
            return new_start + len(e.replacement) if is_end else new_start
        return pos + shift[i + 1]

    out = []
    for s, t, box, conf in anchors:
        ns, nt = move(s, False), move(t, True)
        out.append((ns, max(ns, nt), box, conf))
    return out


# -------------------------------------------------------------------- public API


def _check_pixels(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise LimitExceededError(
            f"the image is {width:,}×{height:,} pixels, more than the limit of {limits.max_pixels:,} (max_pixels)"
        )


_PIL_LOCK = threading.Lock()


def open_image(data: bytes, limits: Limits) -> PILImage.Image:
    """Open an image lazily, refusing oversized ones from their header before any decoding."""
    from PIL import Image, UnidentifiedImageError

    def _open() -> PILImage.Image:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))

    try:
        img = _open()
    except Image.DecompressionBombError as exc:
        # Pillow refuses images over 2×MAX_IMAGE_PIXELS in open(), from the
        # header alone. If the user's limit is higher, open again with it.
        bomb_limit = 2 * (Image.MAX_IMAGE_PIXELS or 0)
        if limits.max_pixels <= bomb_limit:
            raise LimitExceededError(f"the image is larger than the limit of {limits.max_pixels:,} pixels (max_pixels)") from exc
        with _PIL_LOCK:
            old = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = limits.max_pixels
            try:
                img = _open()
            except Image.DecompressionBombError as exc2:
                raise LimitExceededError(f"the image is larger than the limit of {limits.max_pixels:,} pixels (max_pixels)") from exc2
            except Exception as exc2:  # Pillow's parsers raise many kinds on bad headers
                raise CorruptFileError(f"cannot read the image: {exc2}") from exc2
            finally:
                Image.MAX_IMAGE_PIXELS = old
    except UnidentifiedImageError as exc:
        raise CorruptFileError("not an image Pillow can read (damaged, or another format)") from exc
    except Exception as exc:  # Pillow's parsers raise many kinds on bad headers
        raise CorruptFileError(f"cannot read the image: {exc}") from exc
    _check_pixels(img.size[0], img.size[1], limits)
    return img


def _decoded(img: PILImage.Image, limits: Limits) -> PILImage.Image:
    from PIL import Image

    _check_pixels(img.size[0], img.size[1], limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img.load()
    except Image.DecompressionBombError as exc:
        raise LimitExceededError(f"the image is larger than the limit of {limits.max_pixels:,} pixels (max_pixels)") from exc
    except MemoryError as exc:
        raise LimitExceededError("not enough memory to decode the image; lower max_pixels or free memory") from exc
    except Exception as exc:  # OSError "truncated", struct.error, ValueError... from the decoders
        raise CorruptFileError(f"the image data is damaged or truncated: {exc}") from exc
    return img


def image_dpi(img: PILImage.Image) -> float | None:
    """Resolution the file declares, when it is plausible for a scan."""
    dpi = img.info.get("dpi")
    try:
        value = float(dpi[0]) if isinstance(dpi, tuple) else float(dpi) if dpi else 0.0
    except (TypeError, ValueError):
        return None
    # 72/96 dpi are what software writes when it does not know.
    if value < 50 or value > 1200 or round(value) in (72, 96):
        return None
    return value


def ocr_image(
    image: PILImage.Image | bytes | str | Path,
    *,
    limits: Limits | None = None,
    dpi: float | None = None,
    repair: bool = True,
) -> OcrResult:
    """Read one page image (a Pillow image, encoded bytes or a path).

    ``dpi`` is the image's resolution when known (scanner metadata, PDF image
    size); images under ~200 dpi are upscaled. With ``repair`` the text gets
    :func:`vnplan.ocr_repair.repair` and word ranges follow the edits, so the
    returned offsets point into the repaired text.
    """
    from . import Limits as _Limits

    limits = limits or _Limits()
    require_tesseract()
    try:
        return _ocr_image(image, limits, dpi, repair)
    except VnplanError:
        raise
    except MemoryError as exc:
        raise LimitExceededError("not enough memory to OCR the image; lower max_pixels") from exc
    except Exception as exc:  # no library error escapes: the caller gets a VnplanError
        raise CorruptFileError(f"OCR failed on the image ({type(exc).__name__}: {exc})") from exc


def _ocr_image(image: PILImage.Image | bytes | str | Path, limits: Limits, dpi: float | None, repair: bool) -> OcrResult:
    if isinstance(image, (str, Path)):
        try:
            image = Path(image).read_bytes()
        except OSError as exc:
            raise CorruptFileError(f"cannot read the image: {exc.strerror}") from exc
    if isinstance(image, (bytes, bytearray)):
        image = open_image(bytes(image), limits)
    img = _decoded(image, limits)
    deadline = _Deadline(limits.ocr_seconds_per_page)
    dpi = dpi or image_dpi(img)

    gray, note = _to_gray(img)
    page = _Page(gray, np.eye(3), dpi, [note] if note else [])
    if dpi and dpi < LOW_DPI:
        # Measured on 100 dpi scans: ×2 (to 200 dpi) reads as well as ×3 and
        # is faster; raw 100 dpi loses digits ("17/NQ" → "L7NQ").
        scaled = _scale(page, min(4.0, UPSCALE_DPI / dpi), limits)
        page = scaled or page
    if _speckled(page.img):
        # Measured on harsh photocopies: 10-20% character errors raw, <0.3%
        # after a 3×3 median; on clean pages it changes nothing but costs time,
        # so it is used only where speckle is seen (or a first reading is poor).
        page = _median(page)
    xs, ys, _ = _ink_points(page.img)
    page, words = _best_reading(page, deadline, limits, xs, ys)
    words = [_clip(w, img.size) for w in words]
    text, anchors, dropped = _assemble(words)
    edits: list = []
    if repair and text:
        from ..ocr_repair import repair as _repair

        text, edits = _repair(text)
        anchors = remap_anchors(anchors, edits)
    mean = sum((a[1] - a[0]) * a[3] for a in anchors) / max(1, sum(a[1] - a[0] for a in anchors))
    return OcrResult(
        text=text,
        words=anchors,
        rotation=page.rotation,
        skew=round(page.skew, 2),
        mean_confidence=round(mean, 3),
        size=img.size,
        steps=page.steps,
        edits=edits,
        dropped_words=dropped,
    )


def _clip(w: _Word, size: tuple[int, int]) -> _Word:
    x0, y0, x1, y1 = w.box
    W, H = size
    w.box = (max(0.0, min(x0, W)), max(0.0, min(y0, H)), max(0.0, min(x1, W)), max(0.0, min(y1, H)))
    return w


# ------------------------------------------------------------------------- PDF


def ocr_pdf_page(pdf_bytes: bytes, page_index: int, limits: Limits | None = None) -> tuple[str, list[WordAnchor]]:
    """OCR one page of a PDF (0-based ``page_index``); boxes in PDF points, origin top left.

    A scanned page that is one big image is read from the image itself (no
    rendering, and the scanner's own resolution); anything else is rendered
    at 300 dpi.
    """
    result = ocr_pdf_page_result(pdf_bytes, page_index, limits)
    return result.text, result.words


def ocr_pdf_page_result(pdf_bytes: bytes, page_index: int, limits: Limits | None = None) -> OcrResult:
    """:func:`ocr_pdf_page` with the full :class:`OcrResult` (rotation, confidence, steps)."""
    from . import Limits as _Limits

    limits = limits or _Limits()
    require_tesseract()
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise MissingDependencyError("OCR of PDF pages needs pypdfium2: pip install pypdfium2") from exc
    try:
        pdf = pdfium.PdfDocument(pdf_bytes)
    except Exception as exc:  # PdfiumError, or a password-protected file
        raise CorruptFileError(f"cannot open the PDF: {exc}") from exc
    try:
        if not 0 <= page_index < len(pdf):
            raise VnplanError(f"the PDF has no page {page_index + 1} (it has {len(pdf)})")
        page = pdf[page_index]
        try:
            return _ocr_pdfium_page(page, limits)
        finally:
            page.close()
    except VnplanError:
        raise
    except MemoryError as exc:
        raise LimitExceededError(f"not enough memory to OCR PDF page {page_index + 1}") from exc
    except Exception as exc:  # PdfiumError and anything else from the PDF library
        raise CorruptFileError(f"cannot read PDF page {page_index + 1}: {exc}") from exc
    finally:
        pdf.close()


def _ocr_pdfium_page(page, limits: Limits) -> OcrResult:
    left, bottom, right, top = page.get_cropbox()
    pw, ph = right - left, top - bottom
    if pw <= 0 or ph <= 0:
        raise CorruptFileError("the PDF page has an empty page box")
    found = _single_page_image(page, left, bottom, pw, ph, limits)
    if found is not None:
        img, (ix0, iy0, ix1, iy1) = found
        dpi = img.size[0] / ((ix1 - ix0) / 72.0)
        res = ocr_image(img, limits=limits, dpi=dpi)
        sx, sy = (ix1 - ix0) / img.size[0], (iy1 - iy0) / img.size[1]
        # Image pixel (x, y) → page points with the origin at the top left.
        ox, oy = ix0 - left, top - iy1
        res.words = [(s, e, _scale_box(b, sx, sy, ox, oy), c) for s, e, b, c in res.words]
        res.steps = ["pdf image", *res.steps]
        return res
    scale = TARGET_DPI / 72.0
    if pw * ph * scale * scale > limits.max_pixels:
        scale = math.sqrt(limits.max_pixels / (pw * ph))
        if scale < 150 / 72.0:
            raise LimitExceededError(
                f"the PDF page ({pw:.0f}×{ph:.0f} pt) is too large to render for OCR within max_pixels={limits.max_pixels:,}"
            )
    bitmap = page.render(scale=scale, grayscale=True)
    img = bitmap.to_pil()
    res = ocr_image(img, limits=limits, dpi=72.0 * scale)
    k = 1.0 / scale
    res.words = [(s, e, _scale_box(b, k, k, 0.0, 0.0), c) for s, e, b, c in res.words]
    res.steps = [f"pdf render {72 * scale:.0f} dpi", *res.steps]
    return res


def _scale_box(b: Box, sx: float, sy: float, ox: float, oy: float) -> Box:
    return (round(ox + b[0] * sx, 2), round(oy + b[1] * sy, 2), round(ox + b[2] * sx, 2), round(oy + b[3] * sy, 2))


def _single_page_image(page, left: float, bottom: float, pw: float, ph: float, limits: Limits):
    """The page's one image when it covers the page upright; else None (render instead)."""
    import pypdfium2.raw as pdfium_c

    if page.get_rotation() % 360:
        return None
    big = None
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            return None  # visible text drawn over the scan would be lost
        if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        x0, y0, x1, y1 = obj.get_bounds()
        area = max(0.0, x1 - x0) * max(0.0, y1 - y0)
        if area >= 0.85 * pw * ph:
            if big is not None:
                return None
            big = (obj, (x0, y0, x1, y1))
        elif area > 0.02 * pw * ph:
            return None  # a second sizeable picture: let the renderer compose them
    if big is None:
        return None
    obj, bounds = big
    a, b, c, d, _e, _f = obj.get_matrix().get()
    if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
        return None  # flipped or rotated placement: the renderer gets it right
    w, h = obj.get_px_size()
    _check_pixels(int(w), int(h), limits)
    try:
        img = obj.get_bitmap(render=False).to_pil()
    except Exception:  # pdfium cannot decode some filters alone (JBIG2 globals, masks)
        return None
    small = img.reduce(max(1, min(img.size) // 200)).convert("L")
    if np.asarray(small).mean() < 90:
        return None  # mostly dark: an inverting /Decode array or mask the raw bitmap ignores
    return img, bounds
