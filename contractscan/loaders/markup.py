"""Markdown and inline HTML in a text file, read as the text a reader of the rendered page sees.

Terms of service and standard-form agreements are published as Markdown, often with HTML
inside (``<span class=...>`` around a defined term, ``<ol>``/``<li>`` lists, ``<br/>`` line
breaks, tables). Read raw, the markup sat inside sentences: ``**"Customer Data"** means`` was
no definition, ``governed by the <span ...>Governing Law</span>`` named no defined term, a
Markdown key-terms table was one line of cells, and list items had no "(a)" to be items by.
Only what is markup is taken out: a known HTML tag name, paired emphasis marks, a link's
target; a placeholder such as ``<Customer Name>`` or a blank ``______`` stays as written.
"""

from __future__ import annotations

import html
import re

from .key_terms import key_term_row

# HTML elements a contract page uses; anything else in angle brackets ('<Customer Name>',
# '<Legalese>') is text and stays
_BLOCK = ("p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
          "center", "pre", "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "address", "form",
          "fieldset", "legend", "caption", "thead", "tbody", "tfoot", "colgroup", "col")
_INLINE = ("span", "a", "b", "strong", "i", "em", "u", "sup", "sub", "small", "big", "font", "code", "mark",
           "abbr", "cite", "q", "ins", "label", "time", "tt", "var", "kbd", "samp", "wbr", "nobr", "img", "bdi",
           "bdo", "dfn", "data")
_DROPPED = ("script", "style", "del", "s", "strike", "template", "noscript")  # with their content
_LISTS = ("ol", "ul")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ALL = (*_BLOCK, *_INLINE, *_LISTS, *_HEADINGS, "li", "br", "hr", "table", "tr", "td", "th")
_NAME = "(?:" + "|".join(sorted(_ALL, key=len, reverse=True)) + ")"
# a tag of a known element, with attributes in any quotes (none holds a '>' outside quotes)
_TAG = re.compile(rf"<(?P<close>/)?(?P<name>{_NAME})(?![\w-])(?P<attrs>(?:\"[^\"]*\"|'[^']*'|[^'\">])*)>", re.I)
_DROP = re.compile(rf"<(?P<name>{'|'.join(_DROPPED)})(?![\w-])(?:\"[^\"]*\"|'[^']*'|[^'\">])*>.*?</(?P=name)\s*>",
                   re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+)>", re.I)
_TABLE = re.compile(r"<table\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>(?P<body>.*?)</table\s*>", re.I | re.S)
_ROW = re.compile(r"<tr\b[^>]*>(?P<body>.*?)(?=</tr\s*>|<tr\b|$)", re.I | re.S)
_CELL = re.compile(r"<t[dh]\b[^>]*>(?P<body>.*?)(?=</t[dh]\s*>|<t[dh]\b|$)", re.I | re.S)
_LIST_STYLE = re.compile(r"list-style-type\s*:\s*([a-z-]+)|\btype\s*=\s*[\"']?([aAiI1])", re.I)

# Markdown
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_LINK_DEF = re.compile(r"(?m)^ {0,3}\[[^\]\n]+\]:\s+\S+(?:\s+\"[^\"\n]*\")?[ \t]*$")
# paired emphasis on one line: '**x**', '*x*', '***x***', '__x__', '_x_' (underscores not inside a word)
_STARS = re.compile(r"(?<![\\\w*])(\*{1,3})(?=[^\s*])([^\n]*?[^\s*\\])\1(?![\w*])")
_UNDERSCORES = re.compile(r"(?<![\\\w_])(_{1,3})(?=[^\s_])([^\n]*?[^\s_\\])\1(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_QUOTE = re.compile(r"(?m)^ {0,3}>[ \t]?")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")

_SIGNALS = re.compile(
    rf"<{_NAME}(?![\w-])[^>]*>|</{_NAME}\s*>|(?m:^#{{1,6}}\s+\S)|\*\*[^\s*]|__[^\s_]|\]\([^)\s]+\)|(?m:^\s*\|.*\|\s*$)",
    re.I)


def looks_like_markup(text: str) -> bool:
    """Markdown or HTML markup: a known tag, a '#' heading, paired strong emphasis, a link, a table row."""
    return _SIGNALS.search(text) is not None


def plain_text(text: str) -> str:
    """The text of a Markdown (or Markdown with HTML) document as its rendered page reads.

    Headings keep their '#' marks (the segmenter reads them as headings), list items get the
    mark their list shows ("(a)", "(i)", "1.", a bullet), table rows become paragraphs (a
    label cell and its value as "Label: value", as a DOCX key-terms table), and inline marks,
    tags, link targets and entities go.
    """
    text = _COMMENT.sub("", text)
    text = _DROP.sub("", text)
    text = _TABLE.sub(lambda m: _html_table(m.group("body")), text)
    text = _markdown_tables(text)
    text = _html_blocks(text)
    text = _LINK_DEF.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # '***x***' and '**_x_**' nest
        text = _STARS.sub(r"\2", text)
        text = _UNDERSCORES.sub(r"\2", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = text.replace("\xa0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _cell_paragraphs(cell: str) -> list[str]:
    cell = re.sub(r"<br\s*/?>|</?p\b[^>]*>|</?div\b[^>]*>", "\n", cell, flags=re.I)
    cell = _TAG.sub(" ", cell)
    return [" ".join(p.split()) for p in cell.split("\n") if p.strip()]


def _html_table(body: str) -> str:
    rows = []
    for row in _ROW.finditer(body):
        cells = [_cell_paragraphs(c.group("body")) for c in _CELL.finditer(row.group("body"))]
        rows.extend(key_term_row(cells))
    return "\n\n" + "\n\n".join(rows) + "\n\n"


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", line)]


def _markdown_tables(text: str) -> str:
    """GFM tables (a header row, a '---|---' rule, rows) as one paragraph per row."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and "|" in lines[i] and _TABLE_RULE.match(lines[i + 1]) and "-" in lines[i + 1]:
            rows = [lines[i]]
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append(lines[j])
                j += 1
            paragraphs: list[str] = []
            for k, row in enumerate(rows):
                cells = [_cell_paragraphs(c) for c in _split_row(row)]
                if k == 0 and all(len(c) <= 1 for c in cells):
                    head = " ".join(c[0] for c in cells if c)
                    if head:
                        paragraphs.append(head)  # column titles: a line of their own, no "Label: value"
                    continue
                paragraphs.extend(key_term_row(cells))
            out.append("\n" + "\n\n".join(paragraphs) + "\n")
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, digits in _ROMAN:
        while n >= value:
            out, n = out + digits, n - value
    return out


def _alpha(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def _marker(style: str, n: int, depth: int) -> str:
    if style == "bullet":
        return "•"
    if style in ("lower-alpha", "lower-latin", "a"):
        return f"({_alpha(n)})"
    if style in ("upper-alpha", "upper-latin", "A"):
        return f"({_alpha(n).upper()})"
    if style in ("lower-roman", "i"):
        return f"({_roman(n)})"
    if style in ("upper-roman", "I"):
        return f"({_roman(n).upper()})"
    return f"{n}." if depth == 1 else f"({n})"


def _list_style(name: str, attrs: str) -> str:
    if name == "ul":
        return "bullet"
    m = _LIST_STYLE.search(attrs or "")
    return (m.group(1) or m.group(2)) if m else "decimal"


def _html_blocks(text: str) -> str:
    """Tags as the page lays them out: blocks and list items start paragraphs, headings get
    Markdown marks, inline tags go (their text stays)."""
    out: list[str] = []
    lists: list[list] = []  # per open list: [style, items so far]
    at = 0
    for m in _TAG.finditer(text):
        out.append(text[at:m.start()])
        at = m.end()
        name, close, attrs = m.group("name").lower(), bool(m.group("close")), m.group("attrs")
        if name in _INLINE:
            continue
        if name == "br":
            out.append("\n")
        elif name in _LISTS:
            if close:
                if lists:
                    lists.pop()
            else:
                lists.append([_list_style(name, attrs), 0])
            out.append("\n\n")
        elif name == "li":
            if close:
                out.append("\n\n")
                continue
            if not lists:
                lists.append(["bullet", 0])
            lists[-1][1] += 1
            out.append(f"\n\n{_marker(lists[-1][0], lists[-1][1], len(lists))} ")
        elif name in _HEADINGS:
            out.append("\n\n" if close else "\n\n" + "#" * int(name[1]) + " ")
        else:  # blocks, rules, table parts outside a table
            out.append("\n\n")
    out.append(text[at:])
    # an item's text starts on its mark's line
    return re.sub(r"((?:^|\n)(?:•|\([a-zA-Z0-9]{1,6}\)|\d{1,3}\.) )[ \t]*\n\s*", r"\1", "".join(out))
