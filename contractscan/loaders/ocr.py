"""OCR of scanned PDF pages with the Tesseract command-line program.

Tesseract is an optional system program (Debian/Ubuntu: ``apt-get install
tesseract-ocr``), called as a subprocess on page images rendered by pdfium; no
Python binding and nothing downloaded. Without it, scanned pages stay
unreadable and the result says which.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess

from . import LoadOptions

MAX_PIXELS = 40_000_000  # a 300 dpi A3 page; huge page boxes are rendered at a lower resolution


def tesseract_path(options: LoadOptions) -> str | None:
    return shutil.which(options.tesseract)


def install_hint() -> str:
    return "install Tesseract to read them (Debian/Ubuntu: apt-get install tesseract-ocr)"


def ocr_pages(data: bytes, page_numbers: list[int], options: LoadOptions) -> dict[int, str]:
    """Text of the 1-based ``page_numbers`` read by Tesseract; pages it fails on are left out."""
    import pypdfium2 as pdfium

    exe = tesseract_path(options)
    if exe is None or not page_numbers:
        return {}
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one thread per page: batch workers run in parallel
    pdf = pdfium.PdfDocument(data, password=options.password)
    out: dict[int, str] = {}
    try:
        for number in page_numbers:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                scale = options.ocr_dpi / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = math.sqrt(MAX_PIXELS / max(width * height, 1.0))
                image = page.render(scale=scale, grayscale=True).to_pil()
            finally:
                page.close()
            png = io.BytesIO()
            image.save(png, "PNG")
            del image
            try:
                done = subprocess.run(
                    [exe, "stdin", "stdout", "-l", options.ocr_language, "--dpi", str(round(scale * 72))],
                    input=png.getvalue(), capture_output=True, timeout=options.ocr_page_timeout, env=env,
                )
            except subprocess.TimeoutExpired:
                continue
            except OSError:
                break  # not runnable after all: the pages stay unreadable and the result says so
            if done.returncode == 0:
                out[number] = done.stdout.decode("utf-8", errors="replace")
    finally:
        pdf.close()
    return out
