"""Small contracts written by the tests themselves: text files and a plain PDF."""

from __future__ import annotations

import zlib
from pathlib import Path

CLAUSES = {
    "confidentiality": "CONFIDENTIALITY\nEach party shall keep in strict confidence all Confidential Information "
    "of the other party and shall not disclose it to any third party.",
    "termination": "TERMINATION\nEither party may terminate this Agreement upon thirty (30) days written notice "
    "if the other party materially breaches this Agreement.",
    "liability": "LIMITATION OF LIABILITY\nIn no event shall either party be liable for any indirect, incidental "
    "or consequential damages arising out of this Agreement.",
    "indemnification": "INDEMNIFICATION\nThe Supplier shall indemnify, defend and hold harmless the Customer from "
    "all claims arising from the services.",
    "governing_law": "GOVERNING LAW\nThis Agreement shall be governed by and construed in accordance with the laws "
    "of the State of New York.",
    "ip": "INTELLECTUAL PROPERTY\nAll right, title and interest in the deliverables shall be owned by the "
    "Customer, and the Supplier hereby assigns to the Customer all such rights.",
    "arbitration": "DISPUTES\nAny dispute arising out of this Agreement shall be finally settled by binding "
    "arbitration.",
}


def contract(*names: str, title: str = "SERVICES AGREEMENT") -> str:
    parts = [title, "This Agreement is made between the Customer and the Supplier."]
    for i, name in enumerate(names, 1):
        head, body = CLAUSES[name].split("\n", 1)
        parts.append(f"{i}. {head.title()}. {body}")
    return "\n\n".join(parts) + "\n"


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    """A text PDF (Helvetica, one content stream per page), no library needed."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(len(pages)))}] "
            f"/Count {len(pages)} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, lines in enumerate(pages):
        ops = "BT /F1 10 Tf 13 TL 50 760 Td " + " ".join(f"({esc(x)}) Tj T*" for x in lines) + " ET"
        stream = zlib.compress(ops.encode("cp1252"))
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
    path.write_bytes(bytes(buf))


def portfolio(root: Path) -> Path:
    """A folder of eight documents: complete and gappy contracts, a PDF, and broken files."""
    folder = root / "contracts"
    (folder / "sub").mkdir(parents=True)
    every = list(CLAUSES)
    (folder / "a_complete.txt").write_text(contract(*every))
    (folder / "b_no_liability.txt").write_text(contract("confidentiality", "termination", "governing_law"))
    (folder / "c_bare.txt").write_text(contract("arbitration", title="PURCHASE ORDER"))
    (folder / "d_empty.txt").write_text("   \n")
    (folder / "e_broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (folder / "f_legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    lines = contract("confidentiality", "indemnification", "ip", "termination").splitlines()
    write_pdf(folder / "g_scanned_pages.pdf", [lines[:6], lines[6:], lines[:3]])
    (folder / "sub" / "h_nested.txt").write_text(contract("governing_law", "liability", "indemnification"))
    return folder
