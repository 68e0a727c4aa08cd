"""Small contracts written by the tests themselves: text files and a plain PDF."""

from __future__ import annotations

from pathlib import Path

from contractscan.testing.pdf import write_pdf

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
