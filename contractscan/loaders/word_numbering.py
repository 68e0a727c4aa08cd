"""Word's automatic numbering, rebuilt from numbering.xml and numbered styles.

Word stores "12.1" nowhere in the text: it counts paragraphs per list and level and formats the
counters with each level's pattern. The segmenter needs that label to find sections, so the
reader asks :class:`Numbering` for it paragraph by paragraph, in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .wordml import w


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False
    style: str | None = None


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


def _val(el: etree._Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(w(tag))
    return None if child is None else child.get(w("val"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(lvl: etree._Element) -> _Level:
    return _Level(
        start=_int(_val(lvl, "start"), 1),
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        legal=lvl.find(w("isLgl")) is not None and _val(lvl, "isLgl") not in ("0", "false"),
        style=_val(lvl, "pStyle"),
    )


def _roman(n: int) -> str:
    out = []
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a..z, aa..zz, aaa..
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Counters of Word's automatic numbering, advanced paragraph by paragraph."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.abstract_links: dict[str, str] = {}  # abstractNum -> style it takes its definition from
        self.nums: dict[str, _Num] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.style_base: dict[str, str] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        if numbering is not None:
            for ab in numbering.iter(w("abstractNum")):
                aid = ab.get(w("abstractNumId"), "")
                self.abstracts[aid] = {_int(l.get(w("ilvl")), 0): _level(l) for l in ab.iter(w("lvl"))}
                link = _val(ab, "numStyleLink")
                if link:
                    self.abstract_links[aid] = link
            for num in numbering.iter(w("num")):
                entry = _Num(abstract=_val(num, "abstractNumId") or "")
                for ov in num.iter(w("lvlOverride")):
                    ilvl = _int(ov.get(w("ilvl")), 0)
                    start = _val(ov, "startOverride")
                    if start is not None:
                        entry.starts[ilvl] = _int(start, 1)
                    lvl = ov.find(w("lvl"))
                    if lvl is not None:
                        entry.levels[ilvl] = _level(lvl)
                self.nums[num.get(w("numId"), "")] = entry
        if styles is not None:
            for st in styles.iter(w("style")):
                sid = st.get(w("styleId"), "")
                ppr = st.find(w("pPr"))
                numpr = ppr.find(w("numPr")) if ppr is not None else None
                if numpr is not None:
                    ilvl = _val(numpr, "ilvl")
                    self.style_num[sid] = (_val(numpr, "numId"), None if ilvl is None else _int(ilvl, 0))
                base = _val(st, "basedOn")
                if base:
                    self.style_base[sid] = base

    def _from_style(self, style: str | None) -> tuple[str | None, int | None, str | None]:
        seen = set()
        while style and style not in seen:
            seen.add(style)
            if style in self.style_num:
                num_id, ilvl = self.style_num[style]
                return num_id, ilvl, style
            style = self.style_base.get(style)
        return None, None, None

    def _levels(self, num: _Num) -> tuple[str, dict[int, _Level]]:
        aid = num.abstract
        link = self.abstract_links.get(aid)
        if link:  # the definition lives with a numbering style
            linked, _, _ = self._from_style(link)
            if linked in self.nums:
                aid = self.nums[linked].abstract
        return aid, self.abstracts.get(aid, {})

    def label(self, p: etree._Element) -> str | None:
        """The number Word shows before paragraph ``p`` (advancing the counters), or None."""
        ppr = p.find(w("pPr"))
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = _val(numpr, "numId")
        ilvl_raw = _val(numpr, "ilvl")
        ilvl = None if ilvl_raw is None else _int(ilvl_raw, 0)
        style_id = _val(ppr, "pStyle")
        if num_id is None:
            num_id, style_ilvl, style_id = self._from_style(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        num = self.nums[num_id]
        aid, levels = self._levels(num)
        if ilvl is None:  # a numbered style: the level that names the style
            ilvl = next((i for i, lv in levels.items() if style_id and lv.style == style_id), 0)
        ilvl = max(0, min(ilvl, 8))
        defs = {**levels, **num.levels}
        lvl = defs.get(ilvl)
        if lvl is None:
            return None
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.seen:
            self.seen.add(num_id)
            for level, start in num.starts.items():
                if 0 <= level < 9:
                    counters[level] = start - 1
                    for deeper in range(level + 1, 9):
                        counters[deeper] = None
        current = counters[ilvl]
        counters[ilvl] = lvl.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if lvl.fmt == "bullet":
            # the glyph is a font's private character (Symbol, Wingdings): one mark for all, which
            # the segmenter reads as a list item of the lead-in above it
            return "•"
        if lvl.fmt == "none" or not lvl.text:
            return None

        def part(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k < 9:
                return ""
            level = defs.get(k, _Level())
            value = counters[k] if counters[k] is not None else level.start
            return _format(value, "decimal" if (lvl.legal and k < ilvl) else level.fmt)

        label = re.sub(r"%([1-9])", part, lvl.text).strip()
        return label or None
