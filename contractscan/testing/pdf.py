"""A minimal text PDF writer, so tests and benchmarks can make PDFs without a PDF library."""

from __future__ import annotations

import zlib
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
