"""A minimal text PDF writer, so tests and benchmarks can make PDFs without a PDF library."""

from __future__ import annotations

import io
import random
import zlib
from dataclasses import dataclass
from pathlib import Path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(pages: list[list[str]], page_numbers: bool = False) -> bytes:
    """One Helvetica line per string, one page per list (cp1252 text).

    ``page_numbers`` adds the page's number below its last line, a running footer for the
    noise filter to find.
    """
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(len(pages)))}] "
            f"/Count {len(pages)} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, lines in enumerate(pages):
        ops = ["BT /F1 10 Tf 13 TL 50 760 Td"] + [f"({_escape(x)}) Tj T*" for x in lines]
        ops.append(f"T* ({i + 1}) Tj ET" if page_numbers else "ET")
        stream = zlib.compress("\n".join(ops).encode("cp1252"))
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    f"/Contents {5 + 2 * i} 0 R >>".encode())
        objs.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream")
    buf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, obj in enumerate(objs, 1):
        offsets.append(len(buf))
        buf += f"{k} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(buf)
    buf += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    buf += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    buf += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(buf)


def write_pdf(path: Path, pages: list[list[str]], page_numbers: bool = False) -> None:
    """``text_pdf`` written to ``path``."""
    path.write_bytes(text_pdf(pages, page_numbers))


@dataclass(frozen=True)
class Degradation:
    """How badly a scanner degrades a page (benchmarks/scans.py)."""

    name: str
    dpi: int
    max_skew: float  # degrees, either way
    blur: float  # Gaussian radius in pixels at ``dpi``
    speckle: float  # share of pixels flipped to dark (and as many light spots in the ink)
    noise: float  # grey-level standard deviation
    jpeg: int  # JPEG quality


SEVERITIES = {
    "mild": Degradation("mild", 200, 1.0, 0.6, 0.0006, 6.0, 70),  # an office scanner
    "harsh": Degradation("harsh", 150, 2.0, 0.8, 0.0015, 10.0, 40),  # a fax, a copy of a copy
}


def degraded_scan(data: bytes, severity: Degradation, seed: str) -> bytes:
    """``data`` (a PDF) as an image-only PDF, each page rendered at ``severity.dpi`` and then
    skewed, blurred, speckled and JPEG-compressed by a draw seeded with ``seed``."""
    import numpy
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    pdf = pdfium.PdfDocument(data)
    images = []
    try:
        for i in range(len(pdf)):
            rng = random.Random(f"{seed}/{severity.name}/{i}")
            page = pdf[i]
            image = page.render(scale=severity.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = rng.uniform(0.2, 1.0) * severity.max_skew * rng.choice((-1, 1))
            image = image.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(severity.blur))
            pixels = numpy.asarray(image, dtype=numpy.float32)
            np_rng = numpy.random.default_rng(rng.getrandbits(32))
            pixels = pixels + np_rng.normal(0.0, severity.noise, pixels.shape)
            dark = np_rng.random(pixels.shape) < severity.speckle
            light = np_rng.random(pixels.shape) < severity.speckle
            pixels[dark] = np_rng.uniform(0, 90, int(dark.sum()))
            pixels[light & (pixels < 128)] = 230
            image = Image.fromarray(numpy.clip(pixels, 0, 255).astype(numpy.uint8), "L")
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=severity.jpeg)
            images.append(Image.open(io.BytesIO(buf.getvalue())))
    finally:
        pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(severity.dpi), save_all=True, append_images=images[1:])
    return out.getvalue()
