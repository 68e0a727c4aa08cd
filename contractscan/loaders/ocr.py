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

from ..deadline import outside_work
from . import LoadOptions

MAX_PIXELS = 40_000_000  # a 300 dpi A3 page; huge page boxes are rendered at a lower resolution
# A scan made at 200 to 300 dpi is read at its own resolution: rendering a 200 dpi scan at 300 dpi
# smooths its letters, and Tesseract read 2.5% more of the words right at 200 (and 10% faster) on
# the mild scans of benchmarks/scans.py. Below 200 dpi (a fax) an upscale to ocr_dpi is no worse.
_NATIVE_DPI = (199.0, 301.0)
# A 3x3 median filter takes the speckle off a scan before Tesseract reads it (mild scans: 0.956 ->
# 0.974 of the words in order at 300 dpi; 0.25 s a page).
_DESPECKLE = 3

# A page without a text layer is checked for ink first, at 72 dpi: a blank page, or one with
# only rule lines or a page number, cannot hold the MIN_PAGE_TEXT characters OCR would need
# to count, and Tesseract takes a third of a second to say so.
_INK_SCALE = 1.0
_INK_MAX_PIXELS = 1_000_000
_INK_LEVEL = 200  # grey levels below this are ink (faint scans included)
_LINE_SHARE = 0.3  # a pixel row (column) this much ink is a rule line, not text
_MAX_LINE_SHARE = 0.02  # rows (columns) that are lines, as a share of all; more is no line
_MIN_INK = 30  # pixels left after the lines: fewer cannot be twenty characters


def tesseract_path(options: LoadOptions) -> str | None:
    return shutil.which(options.tesseract)


def install_hint() -> str:
    return "install Tesseract to read them (Debian/Ubuntu: apt-get install tesseract-ocr)"


def blank_pages(data: bytes, page_numbers: list[int], options: LoadOptions) -> set[int]:
    """The 1-based ``page_numbers`` with no text to read: no ink, or only rule lines and specks."""
    blank: set[int] = set()
    if not page_numbers:
        return blank  # the usual case: numpy's import (0.1-0.3 s) is for pages that need a look
    import numpy
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data, password=options.password)
    try:
        for number in page_numbers:
            try:
                page = pdf[number - 1]
                try:
                    width, height = page.get_size()
                    scale = min(_INK_SCALE, math.sqrt(_INK_MAX_PIXELS / max(width * height, 1.0)))
                    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
                finally:
                    page.close()
            except (pdfium.PdfiumError, ValueError, OSError):
                continue  # cannot be drawn: not known to be blank, so OCR or a warning deals with it
            if _no_text_ink(numpy.asarray(image) < _INK_LEVEL):
                blank.add(number)
    finally:
        pdf.close()
    return blank


def _no_text_ink(ink) -> bool:
    rows, cols = ink.shape
    line_rows = ink.sum(axis=1) > cols * _LINE_SHARE
    line_cols = ink.sum(axis=0) > rows * _LINE_SHARE
    if line_rows.sum() > rows * _MAX_LINE_SHARE or line_cols.sum() > cols * _MAX_LINE_SHARE:
        return False  # a dark or shaded scan, not a few rules: let OCR look
    ink[line_rows, :] = False
    ink[:, line_cols] = False
    return int(ink.sum()) < _MIN_INK


def ocr_pages(data: bytes, page_numbers: list[int], options: LoadOptions) -> dict[int, str]:
    """Text of the 1-based ``page_numbers`` read by Tesseract; pages it fails on are left out."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

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
                scale = (_scan_dpi(page, width, height) or options.ocr_dpi) / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = math.sqrt(MAX_PIXELS / max(width * height, 1.0))
                image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            image = image.filter(ImageFilter.MedianFilter(_DESPECKLE))
            png = io.BytesIO()
            image.save(png, "PNG")
            del image
            try:
                # Tesseract bounds itself per page: its seconds do not count against --time-limit.
                with outside_work(options.ocr_page_timeout):
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


def _scan_dpi(page, width: float, height: float) -> float | None:
    """The resolution of the one image that covers the page (a scan), when it is 200 to 300 dpi."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
        if len(images) != 1:
            return None
        left, bottom, right, top = images[0].get_bounds()
        if (right - left) * (top - bottom) < 0.8 * width * height:
            return None
        meta = images[0].get_metadata()
        dpi = min(meta.width * 72 / max(right - left, 1.0), meta.height * 72 / max(top - bottom, 1.0))
    except (pdfium.PdfiumError, AttributeError, ValueError, OSError, ZeroDivisionError):
        return None  # an odd image object: the default resolution
    return dpi if _NATIVE_DPI[0] <= dpi <= _NATIVE_DPI[1] else None
