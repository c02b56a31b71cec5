#!/usr/bin/env python3
"""Make realistic scans of the corpus plans, for OCR tests and benchmarks.

Pages come from a text PDF of a plan when one exists (``scripts/make_test_files.py``
writes them; rasterised with pypdfium2), else the plan's text is typeset here
with Pillow and DejaVu Serif (Debian ``fonts-dejavu-core``) — that way the
position of every drawn word is known, which the tests use to check OCR boxes.

Degradations, each seeded and cheap:

* ``scan``: slight rotation (0.5–2°), blur, sensor noise, a red round stamp
  over the signature block, a pen signature scribble, JPEG artefacts;
* ``photocopy``: harsh salt-and-pepper noise and toner speckle;
* ``phone``: perspective skew, uneven lighting and a warm colour cast, at a
  lower resolution.

Writes PNG/JPEG and image-only PDFs (Pillow's PDF writer). Run
``python scripts/make_scans.py --samples`` to refresh the small committed
samples in tests/data/scans/ (kept under 1.5 MB); anything bigger is made by
the tests in temporary folders.
"""
from __future__ import annotations

import argparse
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
A4_MM = (210.0, 297.0)
Box = tuple[float, float, float, float]


@dataclass
class Page:
    """One typeset page: the image, the text drawn on it and every word's box (pixels)."""

    image: Image.Image
    text: str
    words: list[tuple[str, Box]] = field(default_factory=list)
    dpi: int = 300


def font_path(bold: bool = False) -> Path:
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    raise FileNotFoundError(f"{name} not found: apt-get install fonts-dejavu-core")


def plan_text(path: Path) -> str:
    """A corpus plan as it would be printed: markdown marks and table pipes removed."""
    raw = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    lines = []
    for line in raw.splitlines():
        line = re.sub(r"^\s*#+\s*", "", line)
        line = line.replace("**", "").replace("__", "")
        line = re.sub(r"(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", line)
        line = line.replace("|", " ").replace("\t", " ")
        line = re.sub(r" {2,}", " ", line).strip()
        if line.startswith("---"):
            continue
        lines.append(line)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _wrap(draw: ImageDraw.ImageDraw, words: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[list[str]]:
    lines: list[list[str]] = []
    cur: list[str] = []
    for w in words:
        trial = " ".join([*cur, w])
        if cur and draw.textlength(trial, font=font) > width:
            lines.append(cur)
            cur = [w]
        else:
            cur.append(w)
    if cur:
        lines.append(cur)
    return lines


def typeset(text: str, *, dpi: int = 300, font_pt: float = 13.0, max_pages: int | None = None) -> list[Page]:
    """Typeset text on A4 pages (left margin 30 mm, others 20 mm), one paragraph per line of ``text``."""
    px = lambda mm: int(round(mm / 25.4 * dpi))  # noqa: E731 - tiny unit helper
    W, H = px(A4_MM[0]), px(A4_MM[1])
    left, right, top, bottom = px(30), px(20), px(20), px(20)
    size = int(round(font_pt / 72 * dpi))
    font = ImageFont.truetype(str(font_path()), size)
    bold = ImageFont.truetype(str(font_path(bold=True)), size)
    line_h = int(round(size * 1.45))
    pages: list[Page] = []

    def new_page() -> tuple[Page, ImageDraw.ImageDraw]:
        img = Image.new("L", (W, H), 255)
        return Page(img, "", [], dpi), ImageDraw.Draw(img)

    page, draw = new_page()
    y = top
    page_lines: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            y += line_h // 2
            continue
        f = bold if para.isupper() and len(para) < 60 else font
        for words in _wrap(draw, para.split(), f, W - left - right):
            if y + line_h > H - bottom:
                page.text = "\n".join(page_lines)
                pages.append(page)
                if max_pages and len(pages) >= max_pages:
                    return pages
                page, draw = new_page()
                y, page_lines = top, []
            x = left
            for w in words:
                draw.text((x, y), w, font=f, fill=0)
                x0, y0, x1, y1 = draw.textbbox((x, y), w, font=f)
                page.words.append((w, (float(x0), float(y0), float(x1), float(y1))))
                x += draw.textlength(w + " ", font=f)
            page_lines.append(" ".join(words))
            y += line_h
    page.text = "\n".join(page_lines)
    pages.append(page)
    return pages


def rasterise_pdf(path: Path, dpi: int = 300, max_pages: int | None = None) -> list[Image.Image]:
    """Pages of a text PDF as grayscale images (pypdfium2)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    out = []
    for i in range(len(pdf) if max_pages is None else min(max_pages, len(pdf))):
        out.append(pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    return out


# ------------------------------------------------------------------ degradations


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    """Counter-clockwise rotation by ``degrees`` on a white background, same canvas."""
    fill = 255 if img.mode == "L" else (255, 255, 255)
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)


def add_noise(img: Image.Image, sigma: float, rng: np.random.Generator) -> Image.Image:
    """Sensor noise: one seeded luminance plane added to every channel (Pillow's C loops)."""
    from PIL import ImageChops

    w, h = img.size
    plane = rng.standard_normal((h, w), dtype=np.float32) * sigma + 128.0
    noise = Image.fromarray(np.clip(plane, 0, 255).astype(np.uint8), "L")
    bands = [ImageChops.add(band, noise, 1.0, -128) for band in img.split()]
    return Image.merge(img.mode, bands) if len(bands) > 1 else bands[0]


def salt_pepper(img: Image.Image, amount: float, rng: np.random.Generator) -> Image.Image:
    """Photocopier speckle: isolated black and white pixels."""
    arr = np.array(img)
    mask = rng.random(arr.shape[:2])
    arr[mask < amount / 2] = 0
    arr[mask > 1 - amount / 2] = 255
    return Image.fromarray(arr, img.mode)


def stamp(img: Image.Image, center: tuple[int, int], radius: int, rng: random.Random) -> Image.Image:
    """A red round office stamp (rings, star, rim text) multiplied over the page.

    Drawn on a patch the size of the stamp only, so it costs milliseconds.
    """
    rgb = img.convert("RGB")
    size = 2 * radius + 8
    layer = Image.new("RGB", (size, size), (255, 255, 255))
    d = ImageDraw.Draw(layer)
    c = size // 2
    red = (200 + rng.randint(-20, 20), 30 + rng.randint(0, 30), 40 + rng.randint(0, 30))
    w = max(3, radius // 25)
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=red, width=w)
    r2 = int(radius * 0.62)
    d.ellipse((c - r2, c - r2, c + r2, c + r2), outline=red, width=max(2, w // 2))
    star = []
    for k in range(10):
        rr = r2 * (0.5 if k % 2 == 0 else 0.2)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(star, fill=red)
    font = ImageFont.truetype(str(font_path(bold=True)), max(10, radius // 6))
    rim = "ỦY BAN NHÂN DÂN * TỈNH QUẢNG NGÃI * "
    for k, ch in enumerate(rim):
        a = -math.pi / 2 + 2 * math.pi * k / len(rim)
        rr = (radius + r2) / 2
        d.text((c + rr * math.cos(a), c + rr * math.sin(a)), ch, font=font, fill=red, anchor="mm")
    # Ink is uneven: fade blotches of the stamp towards the paper.
    blot = Image.effect_noise((max(1, size // 8), max(1, size // 8)), 60).resize((size, size), Image.Resampling.BICUBIC)
    white = Image.new("RGB", (size, size), (255, 255, 255))
    layer = Image.composite(white, layer, blot.point(lambda v: 90 if v > 140 else 0))
    x0, y0 = center[0] - c, center[1] - c
    box = (x0, y0, x0 + size, y0 + size)
    patch = rgb.crop(box)
    inked = np.asarray(patch, np.uint16) * np.asarray(layer, np.uint16) // 255
    rgb.paste(Image.fromarray(inked.astype(np.uint8), "RGB"), box)
    return rgb


def signature(img: Image.Image, origin: tuple[int, int], width: int, rng: random.Random) -> Image.Image:
    """A pen scribble: a few looping strokes in dark blue."""
    rgb = img.convert("RGB")
    d = ImageDraw.Draw(rgb)
    ox, oy = origin
    pts = []
    for k in range(220):
        t = k / 219
        x = ox + t * width + 0.08 * width * math.sin(t * 9 * math.pi + rng.random())
        y = oy + 0.15 * width * math.sin(t * 5 * math.pi) * (1 - t) + 0.05 * width * math.cos(t * 23 * math.pi)
        pts.append((x, y))
    d.line(pts, fill=(20, 30, 110), width=max(3, width // 90), joint="curve")
    d.line([(ox + 0.1 * width, oy + 0.18 * width), (ox + 0.9 * width, oy + 0.08 * width)], fill=(20, 30, 110), width=max(2, width // 120))
    return rgb


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    import io

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def text_bottom(img: Image.Image) -> int:
    """Lowest row with ink (the end of the text block)."""
    arr = np.asarray(img.convert("L").reduce(4), dtype=np.uint8)
    rows = np.nonzero((arr < 128).sum(axis=1) > 2)[0]
    return int(rows[-1]) * 4 + 4 if len(rows) else img.size[1] // 2


def scan(page: Image.Image, *, seed: int = 0, angle: float | None = None, stamped: bool = True, quality: int = 70) -> Image.Image:
    """A flatbed scan of a signed, stamped page."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    img = page.convert("L")
    W, H = img.size
    if stamped:
        # Signature block under the last line of text, the stamp overlapping
        # its last lines and the signature, as on a signed Vietnamese document.
        bottom = text_bottom(img)
        r = int(W * 0.085)
        sig_y = min(H - r // 2, bottom + int(r * 0.9))
        img = signature(img, (int(W * 0.58), sig_y), int(W * 0.22), rng)
        img = stamp(img, (int(W * 0.62), min(H - r, bottom + int(r * 0.35))), r, rng)
    a = angle if angle is not None else rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
    img = rotate(img, a)
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    img = add_noise(img, 6.0, nrng)
    return jpeg(img, quality)


def photocopy(page: Image.Image, *, seed: int = 0) -> Image.Image:
    """A harsh photocopy: dark speckle and dropouts that break thin strokes."""
    nrng = np.random.default_rng(seed)
    img = page.convert("L").filter(ImageFilter.GaussianBlur(0.5))
    img = salt_pepper(img, 0.04, nrng)
    return img


def _perspective_coeffs(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    # Coefficients mapping output (dst) points to input (src) points, as Pillow wants.
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for p in src for c in p], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def phone_photo(page: Image.Image, *, seed: int = 0, width: int = 1700) -> Image.Image:
    """A handheld phone photo: keystone skew, light falling off to one side, warm cast."""
    rng = random.Random(seed)
    img = page.convert("RGB")
    W, H = img.size
    m = 0.04
    dst = [
        (W * rng.uniform(0.01, m), H * rng.uniform(0.01, m)),
        (W * (1 - rng.uniform(0.03, m + 0.02)), H * rng.uniform(0.0, m)),
        (W * (1 - rng.uniform(0.0, m)), H * (1 - rng.uniform(0.01, m))),
        (W * rng.uniform(0.02, m + 0.02), H * (1 - rng.uniform(0.0, m))),
    ]
    src = [(0, 0), (W, 0), (W, H), (0, H)]
    coeffs = _perspective_coeffs(src, dst)
    img = img.transform((W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=(70, 60, 50))
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 0.78 + 0.22 * (xx / W) * (1 - 0.3 * yy / H)
    arr = np.asarray(img, np.float32) * light[..., None] * np.array([1.0, 0.96, 0.88], np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    img = img.resize((width, int(H * width / W)), Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(0.6))
    return jpeg(img, 75)


def save_pdf(images: list[Image.Image], path: Path, dpi: int, quality: int = 75) -> None:
    """An image-only PDF (what a scanner writes), one page per image."""
    rgb = [im.convert("RGB") if im.mode not in ("L", "RGB") else im for im in images]
    rgb[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=rgb[1:], quality=quality)


# ----------------------------------------------------------------------- drivers


def corpus_pages(plan: Path, dpi: int = 300, max_pages: int | None = 2) -> list[Page]:
    """Clean pages of a plan: from its text PDF when make_test_files.py made one, else typeset here."""
    for folder in (ROOT / "tests" / "data" / "generated", ROOT / "build" / "test_files"):
        pdf = folder / (plan.stem.split("_")[0] + ".pdf")
        if pdf.exists():
            images = rasterise_pdf(pdf, dpi, max_pages)
            return [Page(im, "", [], dpi) for im in images]
    return typeset(plan_text(plan), dpi=dpi, max_pages=max_pages)


def make_samples(out: Path) -> list[Path]:
    """The small committed samples (≈1 MB in all)."""
    out.mkdir(parents=True, exist_ok=True)
    plan = ROOT / "corpus" / "plans" / "002_aa2e28f41dc8681f.txt"
    dpi = 200
    pages = typeset(plan_text(plan), dpi=dpi, max_pages=2)
    written = []
    p = out / "plan002_p1_scan.jpg"
    scan(pages[0].image, seed=1, angle=1.2, quality=45).save(p, quality=45, dpi=(dpi, dpi))
    written.append(p)
    p = out / "plan002_p1_phone.jpg"
    phone_photo(pages[0].image, seed=2, width=1240).save(p, quality=55)
    written.append(p)
    p = out / "plan002_p2_rot90.png"
    rot = pages[1].image.transpose(Image.Transpose.ROTATE_90).point(lambda v: 255 if v > 150 else 0).convert("1")
    rot.save(p, dpi=(dpi, dpi), optimize=True)
    written.append(p)
    p = out / "plan002_scan.pdf"
    save_pdf([scan(pg.image, seed=3 + i, stamped=(i == 1), quality=40).convert("L") for i, pg in enumerate(pages)], p, dpi, quality=45)
    written.append(p)
    for pg, name in ((pages[0], "plan002_p1.txt"), (pages[1], "plan002_p2.txt")):
        (out / name).write_text(pg.text + "\n", encoding="utf-8")
        written.append(out / name)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", action="store_true", help="refresh tests/data/scans/")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "scans")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--pages", type=int, default=2, help="pages per plan (0: all)")
    args = ap.parse_args()
    if args.samples:
        files = make_samples(ROOT / "tests" / "data" / "scans")
        total = sum(f.stat().st_size for f in files)
        print(f"{len(files)} samples, {total / 1e6:.2f} MB")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for plan in sorted((ROOT / "corpus" / "plans").glob("*.txt")):
        pages = corpus_pages(plan, args.dpi, args.pages or None)
        stem = plan.stem.split("_")[0]
        scans = [scan(p.image, seed=i) for i, p in enumerate(pages)]
        for i, (p, s) in enumerate(zip(pages, scans), 1):
            p.image.save(args.out / f"{stem}_p{i}_clean.png", dpi=(args.dpi, args.dpi))
            s.save(args.out / f"{stem}_p{i}_scan.jpg", quality=80, dpi=(args.dpi, args.dpi))
            photocopy(p.image, seed=i).save(args.out / f"{stem}_p{i}_photocopy.png", dpi=(args.dpi, args.dpi))
            phone_photo(p.image, seed=i).save(args.out / f"{stem}_p{i}_phone.jpg", quality=85)
            if p.text:
                (args.out / f"{stem}_p{i}.txt").write_text(p.text + "\n", encoding="utf-8")
        save_pdf([s.convert("L") for s in scans], args.out / f"{stem}_scan.pdf", args.dpi)
        print(f"{plan.name}: {len(pages)} pages")


if __name__ == "__main__":
    main()
