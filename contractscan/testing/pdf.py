"""The PDF builder of the tests and the benchmarks (one module, so neither repeats the other's).

``text_pdf`` writes a minimal text PDF without a PDF library; the builders below it use fpdf2
(running headers and footers, drawn tables, two columns, encryption) or Pillow (image-only
scanned pages), imported when called. ``degraded_scan`` makes a scan of a PDF as a poor
scanner would.
"""

from __future__ import annotations

import io
import random
import textwrap
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


# --- fpdf2 and Pillow -------------------------------------------------------------------


def _fpdf(header: str | None = None, footer: str | None = None, page_numbers: bool = False):
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", size=8)
                self.cell(0, 6, header, align="C")
                self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            parts = [footer or "", f"Page {self.page_no()}" if page_numbers else ""]
            self.cell(0, 6, "   ".join(p for p in parts if p), align="C")

    pdf = Doc(format="letter")
    pdf.set_auto_page_break(True, margin=20)
    return pdf


def _text_page(pdf, paragraphs: list[str]) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for para in paragraphs:
        pdf.multi_cell(0, 5, para)
        pdf.ln(3)


def pdf_pages(pages: list[list[str]], header: str | None = None, footer: str | None = None,
              page_numbers: bool = False, password: str | None = None) -> bytes:
    """One PDF page per list of paragraphs, with optional running header/footer."""
    pdf = _fpdf(header, footer, page_numbers)
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    for paragraphs in pages:
        _text_page(pdf, paragraphs)
    return bytes(pdf.output())


def two_column_pdf(left: str, right: str, title: str, closing: str) -> bytes:
    """A page of two prose columns written line by line across both (as some writers do)."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    pdf.text(40, 15, title)
    pdf.set_font("Helvetica", size=10)
    y = 25.0
    left_lines, right_lines = textwrap.wrap(left, 46), textwrap.wrap(right, 46)
    for i in range(max(len(left_lines), len(right_lines))):
        if i < len(left_lines):
            pdf.text(15, y, left_lines[i])
        if i < len(right_lines):
            pdf.text(112, y, right_lines[i])
        y += 5
    pdf.text(15, y + 5, closing)
    return bytes(pdf.output())


def key_terms_pdf(title: str, rows: list[tuple[str, str]], heading: str, paragraphs: list[str]) -> bytes:
    """A cover page (``title`` and a drawn two-column table of ``rows``), then ``heading`` and
    ``paragraphs`` on a new page."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, title)
    pdf.ln(3)
    with pdf.table(col_widths=(60, 120)) as t:
        for label, value in rows:
            row = t.row()
            row.cell(label)
            row.cell(value)
    pdf.add_page()
    pdf.multi_cell(0, 5, heading)
    pdf.ln(3)
    for text in paragraphs:
        pdf.multi_cell(0, 5, text)
        pdf.ln(3)
    return bytes(pdf.output())


def blank_pdf(pages: int) -> bytes:
    """``pages`` empty pages."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
    return bytes(pdf.output())


def numbered_pages_pdf(pages: int) -> bytes:
    """``pages`` pages, each with only its own "Page N"."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for i in range(pages):
        pdf.add_page()
        pdf.text(20, 20, f"Page {i + 1}")
    return bytes(pdf.output())


def page_image(paragraphs: list[str], dpi: int = 200):
    """A Pillow image of a letter page with ``paragraphs`` drawn on it."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.5 * dpi), int(11 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(dpi / 7))
    y = dpi
    for para in paragraphs:
        for line in textwrap.wrap(para, 60):
            draw.text((dpi, y), line, fill=0, font=font)
            y += int(dpi / 4.5)
        y += int(dpi / 6)
    return image


def scanned_pdf(pages: list[list[str]]) -> bytes:
    """An image-only PDF (no text layer), one rendered page per list of paragraphs."""
    images = [page_image(p) for p in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return out.getvalue()


def mixed_pdf(text_paragraphs: list[str], scanned_paragraphs: list[str]) -> bytes:
    """Page 1 with a text layer, page 2 only an image of text (a scanned signature page, say)."""
    pdf = _fpdf()
    _text_page(pdf, text_paragraphs)
    pdf.add_page()
    pdf.image(page_image(scanned_paragraphs), x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def pdf_with_blank_pages(paragraphs: list[str]) -> bytes:
    """Text on page 1; page 2 left blank; page 3 only rule lines, a box and a page number."""
    pdf = _fpdf()
    _text_page(pdf, paragraphs)
    pdf.add_page()
    pdf.add_page()
    pdf.line(20, 40, 190, 40)
    pdf.line(20, 200, 190, 200)
    pdf.rect(15, 15, 180, 250)
    pdf.set_font("Helvetica", size=9)
    pdf.text(105, 270, "3")
    return bytes(pdf.output())


# --- scans ------------------------------------------------------------------------------


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
