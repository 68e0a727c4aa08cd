#!/usr/bin/env python3
# Dev-only requirement (not needed by contractscan itself):
#   pip install fpdf2          # PDF writer used below (tested with fpdf2 2.8.9)
# Also uses python-docx (>= 1.2), which contractscan already depends on.
# pdfplumber is used only by --verify.
"""Generate the contractscan sample contracts.

Each sample has ONE source, ``source/<name>.md``. This script turns
every source into ``<name>.docx`` (python-docx) and ``<name>.pdf`` (fpdf2) in this folder,
so the two renderings always carry the same text.

Usage:
    python make_samples.py            # build every source/*.md
    python make_samples.py --verify   # build, then read the outputs back

Source format (a deliberately tiny subset of Markdown, one paragraph per line):

    ---                         optional front matter, "key: value" lines:
    title: ...                    document metadata title
    header: ...                   legend printed in the header of EVERY page
    ---
    # Text                      document title (centered, bold)
    ## Text                     section heading, on its own line (Word "Heading 1")
    ^ Text                      centered paragraph
    | Text                      "tight" line: no space after (addresses, signature blocks)
    (a) Text                    list item, indented one level
        (i) Text                list item, indented two levels (4 leading spaces)
    @toc                        table of contents; following "Entry | page" lines up
                                to a blank line become dot-leader entries
    anything else               body paragraph
    **bold**                    bold run inside any paragraph or item
    [***]                       literal redaction marker (not bold markup)

Blank lines only separate paragraphs; files named README* are ignored.
Text must be Latin-1 (the PDF uses the
core Helvetica font, which keeps the files small and the text extractable).
PDF layout: US Letter, 0.8 inch margins, Helvetica 10 pt body, footer
"Page N of M" centered on every page, optional header legend on every page.
Output is deterministic: fixed PDF creation date, fixed DOCX core properties
and fixed ZIP member timestamps.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
FIXED_DATE = _dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)
ZIP_DATE = (2025, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # title | heading | para | center | tight | item | toc
    text: str = ""
    level: int = 0  # item indent level (1 or 2)
    label: str = ""  # item label, e.g. "(a)"
    entries: list = field(default_factory=list)  # toc: [(text, page)]


@dataclass
class Doc:
    meta: dict
    blocks: list


ITEM_RE = re.compile(r"^( {0,8})(\([a-z0-9]{1,5}\))\s+(.*)$")


def parse(md_text: str) -> Doc:
    lines = md_text.splitlines()
    meta: dict = {}
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            key, _, val = lines[i].partition(":")
            meta[key.strip()] = val.strip()
            i += 1
        i += 1
    blocks: list[Block] = []
    while i < len(lines):
        raw = lines[i].rstrip()
        i += 1
        if not raw.strip():
            continue
        try:
            raw.encode("latin-1")
        except UnicodeEncodeError as exc:  # pragma: no cover - source error
            raise SystemExit(f"non Latin-1 text in source line: {raw!r}") from exc
        if raw.strip() == "@toc":
            toc = Block("toc")
            while i < len(lines) and lines[i].strip():
                text, _, page = lines[i].rpartition("|")
                toc.entries.append((text.strip(), page.strip()))
                i += 1
            blocks.append(toc)
        elif raw.startswith("# "):
            blocks.append(Block("title", raw[2:].strip()))
        elif raw.startswith("## "):
            blocks.append(Block("heading", raw[3:].strip()))
        elif raw.startswith("^ "):
            blocks.append(Block("center", raw[2:].strip()))
        elif raw.startswith("| ") or raw == "|":
            blocks.append(Block("tight", raw[2:].rstrip()))
        elif m := ITEM_RE.match(raw):
            level = 2 if len(m.group(1)) >= 4 else 1
            blocks.append(Block("item", m.group(3).strip(), level=level, label=m.group(2)))
        else:
            blocks.append(Block("para", raw.strip()))
    return Doc(meta, blocks)


REDACTION = "[***]"  # literal redaction marker, never a bold toggle
_HOLD = "\x00"


def runs(text: str) -> list[tuple[str, bool]]:
    """Split "**bold** rest" into [(text, is_bold), ...]."""
    parts = text.replace(REDACTION, _HOLD).split("**")
    if len(parts) % 2 == 0:
        raise SystemExit(f"unbalanced ** in: {text!r}")
    return [(p.replace(_HOLD, REDACTION), idx % 2 == 1) for idx, p in enumerate(parts) if p]


def plain(text: str) -> str:
    return text.replace(REDACTION, _HOLD).replace("**", "").replace(_HOLD, REDACTION)


# --------------------------------------------------------------------------
# PDF (fpdf2)
# --------------------------------------------------------------------------

BODY_PT = 10.0
LINE_H = 4.4  # mm, ~1.25 x 10pt
PARA_GAP = 1.6  # mm after a paragraph
MARGIN = 0.8 * 25.4  # mm (0.8 inch) on all sides
INDENT = 8.0  # mm per item level
LABEL_W = 9.0  # mm reserved for an item label


class ContractPDF(FPDF):
    def __init__(self, legend: str = ""):
        super().__init__(orientation="P", unit="mm", format="letter")
        self.legend = legend
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.alias_nb_pages("{nb}")
        self.set_creation_date(FIXED_DATE)
        self.set_producer("contractscan make_samples.py (fpdf2)")
        self.set_compression(True)

    def header(self):
        if self.legend:
            self.set_y(9)
            self.set_font("Helvetica", "B", 9)
            self.cell(0, 5, self.legend, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(self.t_margin)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 9)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def _write_runs(pdf: ContractPDF, text: str, size: float = BODY_PT, force_bold=False):
    for chunk, bold in runs(text):
        pdf.set_font("Helvetica", "B" if (bold or force_bold) else "", size)
        pdf.write(LINE_H, chunk)


def _need(pdf: ContractPDF, height: float):
    """Start a new page unless `height` mm still fits (keeps headings with text)."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def build_pdf(doc: Doc, out: Path):
    pdf = ContractPDF(doc.meta.get("header", ""))
    pdf.set_title(doc.meta.get("title", out.stem))
    pdf.set_author("contractscan sample generator")
    pdf.set_subject("Fictional sample contract for contractscan tests")
    pdf.add_page()
    left = pdf.l_margin
    prev = None
    for b in doc.blocks:
        pdf.set_left_margin(left)
        if b.kind == "title":
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 7, plain(b.text), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif b.kind == "heading":
            _need(pdf, 3 + LINE_H * 3)
            if prev not in (None, "title"):
                pdf.ln(1.5)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, plain(b.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.0)
        elif b.kind == "center":
            pdf.set_font("Helvetica", "B" if b.text.startswith("**") else "", BODY_PT)
            pdf.multi_cell(0, LINE_H, plain(b.text), align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(PARA_GAP)
        elif b.kind == "tight":
            if b.text:
                pdf.set_x(left)
                _write_runs(pdf, b.text)
            pdf.ln(LINE_H)
        elif b.kind == "para":
            pdf.set_x(left)
            _write_runs(pdf, b.text)
            pdf.ln(LINE_H + PARA_GAP)
        elif b.kind == "item":
            label_x = left + INDENT * b.level
            text_x = label_x + LABEL_W
            _need(pdf, LINE_H)
            pdf.set_font("Helvetica", "", BODY_PT)
            pdf.set_x(label_x)
            pdf.cell(LABEL_W, LINE_H, b.label, new_x="RIGHT", new_y="TOP")
            pdf.set_left_margin(text_x)
            pdf.set_x(text_x)
            _write_runs(pdf, b.text)
            pdf.ln(LINE_H + PARA_GAP * 0.6)
            pdf.set_left_margin(left)
        elif b.kind == "toc":
            pdf.set_font("Helvetica", "", BODY_PT)
            width = pdf.epw
            dot_w = pdf.get_string_width(".")
            for text, page in b.entries:
                _need(pdf, LINE_H)
                tw = pdf.get_string_width(text + " ")
                pw = pdf.get_string_width(" " + page)
                room = width - INDENT - pw - tw - 2 * pdf.c_margin - 1
                dots = "." * max(3, int(room / dot_w))
                pdf.set_x(left + INDENT)
                pdf.cell(width - INDENT - pw, LINE_H, f"{text} {dots}", new_x="RIGHT", new_y="TOP")
                pdf.cell(pw, LINE_H, " " + page, align="R", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(PARA_GAP)
        prev = b.kind
    pdf.output(str(out))


# --------------------------------------------------------------------------
# DOCX (python-docx)
# --------------------------------------------------------------------------


def _add_field(paragraph, instr: str):
    """Append a simple Word field (PAGE / NUMPAGES) to a paragraph."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")  # ask Word to refresh the cached value
    run._r.append(begin)
    run = paragraph.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    run._r.append(it)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run("1")
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _style_font(style, size, bold=None):
    style.font.name = "Arial"
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Arial")
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _add_runs(paragraph, text: str, force_bold=False):
    for chunk, bold in runs(text):
        r = paragraph.add_run(chunk)
        if bold or force_bold:
            r.bold = True


def build_docx(doc: Doc, out: Path):
    d = Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Inches(0.8))
    sec.header_distance = Inches(0.35)
    sec.footer_distance = Inches(0.35)

    styles = d.styles
    _style_font(styles["Normal"], BODY_PT)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.space_before = Pt(0)
    _style_font(styles["Title"], 14, bold=True)
    title_pf = styles["Title"].paragraph_format
    title_pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_pf.space_after = Pt(10)
    # drop the template's bottom border under the Title style
    ppr = styles["Title"].element.get_or_add_pPr()
    for bdr in ppr.findall(qn("w:pBdr")):
        ppr.remove(bdr)
    _style_font(styles["Heading 1"], 11, bold=True)
    h1 = styles["Heading 1"].paragraph_format
    h1.space_before, h1.space_after, h1.keep_with_next = Pt(10), Pt(4), True

    if doc.meta.get("header"):
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = hp.add_run(doc.meta["header"])
        r.bold = True
        r.font.size = Pt(9)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("Page ")
    _add_field(fp, "PAGE")
    fp.add_run(" of ")
    _add_field(fp, "NUMPAGES")
    for r in fp.runs:
        r.font.size = Pt(9)

    for b in doc.blocks:
        if b.kind == "title":
            d.add_paragraph(plain(b.text), style="Title")
        elif b.kind == "heading":
            d.add_paragraph(plain(b.text), style="Heading 1")
        elif b.kind == "center":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _add_runs(p, b.text)
        elif b.kind == "tight":
            p = d.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
            _add_runs(p, b.text)
        elif b.kind == "para":
            p = d.add_paragraph()
            _add_runs(p, b.text)
        elif b.kind == "item":
            p = d.add_paragraph()
            pf = p.paragraph_format
            pf.left_indent = Inches(0.3 * b.level + 0.35)
            pf.first_line_indent = Inches(-0.35)
            pf.space_after = Pt(4)
            p.add_run(b.label + " ")
            _add_runs(p, b.text)
        elif b.kind == "toc":
            if "TOC 1" not in [s.name for s in styles]:
                toc_style = styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
                toc_style.base_style = styles["Normal"]
            for text, page in b.entries:
                p = d.add_paragraph(style="TOC 1")
                pf = p.paragraph_format
                pf.left_indent = Inches(0.3)
                pf.space_after = Pt(2)
                pf.tab_stops.add_tab_stop(Inches(6.9), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
                p.add_run(f"{text}\t{page}")
            d.paragraphs[-1].paragraph_format.space_after = Pt(8)

    cp = d.core_properties
    cp.title = doc.meta.get("title", out.stem)
    cp.author = "contractscan sample generator"
    cp.last_modified_by = "contractscan sample generator"
    cp.subject = "Fictional sample contract for contractscan tests"
    cp.comments = "Generated by make_samples.py from " + out.stem + ".md"
    cp.created = cp.modified = cp.last_printed = FIXED_DATE.replace(tzinfo=None)
    cp.revision = 1

    buf = io.BytesIO()
    d.save(buf)
    _normalize_zip(buf.getvalue(), out)


def _normalize_zip(data: bytes, out: Path):
    """Rewrite the .docx ZIP with fixed member timestamps (deterministic bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    dst_buf = io.BytesIO()
    with zipfile.ZipFile(dst_buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    out.write_bytes(dst_buf.getvalue())


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------


def verify(name: str) -> dict:
    import pdfplumber
    import docx as _docx

    doc = parse((HERE / "source" / f"{name}.md").read_text(encoding="latin-1"))
    headings = [plain(b.text) for b in doc.blocks if b.kind == "heading"]
    pdf_path = HERE / f"{name}.pdf"
    problems = []
    with pdfplumber.open(pdf_path) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        sizes = {(round(p.width), round(p.height)) for p in pdf.pages}
    n = len(pages)
    if sizes != {(612, 792)}:
        problems.append(f"page size {sizes}")
    all_lines = []
    for idx, text in enumerate(pages, 1):
        lines = [ln.strip() for ln in text.splitlines()]
        all_lines.extend(lines)
        if f"Page {idx} of {n}" not in lines:
            problems.append(f"page {idx}: footer 'Page {idx} of {n}' missing")
        legend = doc.meta.get("header")
        if legend and (not lines or lines[0] != legend):
            problems.append(f"page {idx}: header legend missing")
        if "{nb}" in text:
            problems.append(f"page {idx}: unreplaced alias")
    for h in headings:
        if h not in all_lines:
            problems.append(f"heading not on its own line: {h!r}")
    for b in doc.blocks:
        if b.kind == "toc":
            for text, page in b.entries:
                pat = re.compile(re.escape(text) + r" \.{3,} " + re.escape(page) + "$")
                if not any(pat.match(ln) for ln in all_lines):
                    problems.append(f"toc entry not clean: {text!r}")
    # every word of the source must come out of the PDF, in order
    src_words = " ".join(
        plain(b.text) if b.kind != "toc" else " ".join(t for t, _ in b.entries)
        for b in doc.blocks
    ).split()
    pdf_words = " ".join(pages).split()
    pos = 0
    for w in src_words:
        try:
            pos = pdf_words.index(w, pos) + 1
        except ValueError:
            problems.append(f"word missing/out of order in PDF: {w!r}")
            break
    d = _docx.Document(str(HERE / f"{name}.docx"))
    paras = [p.text for p in d.paragraphs]
    docx_heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    if docx_heads != headings:
        problems.append("docx headings differ from source")
    expected_paras = sum(len(b.entries) if b.kind == "toc" else 1 for b in doc.blocks)
    if len(paras) != expected_paras:
        problems.append(f"docx paragraphs {len(paras)} != {expected_paras}")
    docx_words = " ".join(paras).split()
    if [w for w in docx_words if w.strip(".")] and len(docx_words) < len(src_words) - 5:
        problems.append("docx lost words")
    return {
        "name": name,
        "pages": n,
        "pdf_kb": round(pdf_path.stat().st_size / 1024, 1),
        "docx_kb": round((HERE / f"{name}.docx").stat().st_size / 1024, 1),
        "words": len(src_words),
        "headings": len(headings),
        "docx_paragraphs": len(paras),
        "problems": problems,
    }


def main(argv: list[str]) -> int:
    # source/<name>.md -> <name>.docx/.pdf; source/sets/<vendor>/<name>.md -> sets/<vendor>/<name>.*
    sources = sorted(p for p in (HERE / "source").rglob("*.md") if not p.name.upper().startswith("README"))
    if not sources:
        print("no .md sources found", file=sys.stderr)
        return 1
    for src in sources:
        doc = parse(src.read_text(encoding="latin-1"))
        out = HERE / src.relative_to(HERE / "source").parent
        out.mkdir(parents=True, exist_ok=True)
        build_docx(doc, out / f"{src.stem}.docx")
        build_pdf(doc, out / f"{src.stem}.pdf")
        print(f"built {out.relative_to(HERE) / src.stem}.docx and .pdf")
    if "--verify" in argv:
        bad = 0
        for src in sources:
            r = verify(str(src.relative_to(HERE / "source").with_suffix("")))
            print(
                f"{r['name']}: {r['pages']} pages, pdf {r['pdf_kb']} KB, docx {r['docx_kb']} KB, "
                f"{r['words']} words, {r['headings']} headings, {r['docx_paragraphs']} docx paragraphs"
            )
            for p in r["problems"]:
                print("   PROBLEM:", p)
            bad += bool(r["problems"]) or r["pdf_kb"] >= 200
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
