"""Small contracts written for the report tests (our own words, no CUAD text).

``sample_folder`` writes a complete services agreement as DOCX (one clause in a table
cell), an incomplete one as text, and a hostile one whose text tries to inject markup.
"""

from __future__ import annotations

from pathlib import Path

TITLE = "LABORATORY SERVICES AGREEMENT"

COMPLETE = [
    ("heading", TITLE),
    ("para", 'This Laboratory Services Agreement is made between Northfield Clinic ("Client") and '
             'Brightwater Reference Laboratory ("Vendor").'),
    ("heading", "1. Confidentiality"),
    ("para", "Each party shall hold the other party's Confidential Information in strict confidence "
             "and shall not disclose it to any third party."),
    ("heading", "2. Ownership of Work Product"),
    ("para", "All Deliverables shall be the sole and exclusive property of Client."),
    ("heading", "3. Limitation of Liability"),
    ("para", "In no event shall either party be liable for any indirect, incidental or consequential damages."),
    ("heading", "4. Indemnification"),
    ("cell", "Vendor shall defend, indemnify and hold harmless Client from any third-party claims "
             "arising from Vendor's negligence."),
    ("heading", "5. Term and Termination"),
    ("para", "Either party may terminate this Agreement upon thirty (30) days' written notice if the "
             "other party materially breaches it."),
    ("heading", "6. Disputes"),
    ("para", "Any dispute arising out of this Agreement shall be settled by binding arbitration "
             "administered by the American Arbitration Association."),
    ("heading", "7. Governing Law"),
    ("para", "This Agreement shall be governed by and construed in accordance with the laws of the "
             "State of New York, without regard to its conflict of laws principles."),
]

INCOMPLETE = [
    ("heading", "COURIER SERVICES AGREEMENT"),
    ("para", "Vendor will collect specimens from Client's sites each business day."),
    ("heading", "1. Confidentiality"),
    ("para", "Recipient agrees not to disclose any Confidential Information of the Discloser except to "
             "its employees who need to know it."),
    ("heading", "2. Governing Law"),
    ("para", "The laws of England and Wales govern this Agreement."),
]

INJECTION = ('<script>document.title="INJECTED";document.body.setAttribute("data-pwned","script")</script>'
             '<img src="x" onerror="document.body.setAttribute(\'data-pwned\',\'img\')">'
             '<div id="injected">injected element</div>"><svg onload="document.title=\'SVG\'"></svg>'
             '</div></section></style></textarea>')

HOSTILE = [
    ("heading", "HOSTING AGREEMENT " + INJECTION),
    ("para", "Each party shall hold the other party's Confidential Information in strict confidence and "
             "shall not disclose it to any third party. " + INJECTION),
    ("para", "Either party may terminate this Agreement upon thirty (30) days' written notice. " + INJECTION),
]


def as_text(blocks: list[tuple[str, str]]) -> str:
    return "\n\n".join(text for _, text in blocks) + "\n"


def write_docx(path: Path, blocks: list[tuple[str, str]]) -> Path:
    """Headings as Word headings, paragraphs as body text, "cell" blocks in a one-cell table."""
    import docx

    d = docx.Document()
    for kind, text in blocks:
        if kind == "heading":
            d.add_heading(text, level=1)
        elif kind == "cell":
            table = d.add_table(rows=1, cols=2)
            table.cell(0, 0).text = "Obligation"
            table.cell(0, 1).text = text
        else:
            d.add_paragraph(text)
    d.save(str(path))
    return path


def sample_folder(root: Path) -> Path:
    folder = root / "contracts"
    folder.mkdir(parents=True, exist_ok=True)
    write_docx(folder / "lab-services.docx", COMPLETE)
    (folder / "courier-services.txt").write_text(as_text(INCOMPLETE), encoding="utf-8")
    (folder / "hosting-hostile.txt").write_text(as_text(HOSTILE), encoding="utf-8")
    return folder


def strict_profile(root: Path) -> Path:
    """The core profile with an accepted-jurisdiction list, so New York law is a risk finding."""
    path = root / "strict.yaml"
    path.write_text("name: strict\nextends: core\noptions:\n  acceptable_jurisdictions: [Delaware]\n",
                    encoding="utf-8")
    return path
