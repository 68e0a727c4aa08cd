"""Reading order for two-column pages.

PDF text engines read a page in content-stream order, and some writers emit a
two-column page line by line across both columns, so clause text from the left
column gets spliced with the right. This module finds a clear vertical gutter
between two columns of prose from the positions of text runs, and returns boxes
in reading order: full-width lines where they are, and between them the left
column, then the right one. It is deliberately strict (tables, signature blocks
and price lists also have vertical gaps and keep their engine order): both
sides must be prose, filled lines, without a further gutter inside.

Rectangles are ``(left, bottom, right, top)`` in PDF points, y growing upwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Rect = tuple[float, float, float, float]

MIN_RECTS = 16
MIN_ROWS_PER_COLUMN = 12  # fewer is more likely a signature block or a small table
MIN_GAP = 8.0  # points of white between the columns
MIN_COLUMN_SHARE = 0.35  # each column at least this share of the text width
FILLED_LINE = 0.7  # a prose line covers at least this share of its column
MIN_FILLED_ROWS = 0.5


def _crossings(rects: Sequence[Rect], lo: int, hi: int) -> list[int]:
    """For every integer x in [lo, hi), how many rectangles cross it (left < x < right)."""
    size = hi - lo + 2
    diff = [0] * (size + 1)
    for left, _, right, _ in rects:
        a = max(math.floor(left) + 1, lo)
        b = min(math.ceil(right), hi)
        if a < b:
            diff[a - lo] += 1
            diff[b - lo] -= 1
    out, run = [], 0
    for i in range(hi - lo):
        run += diff[i]
        out.append(run)
    return out


def _rows(rects: Sequence[Rect]) -> list[list[Rect]]:
    """Group runs into lines by vertical overlap, top to bottom."""
    rows: list[list[Rect]] = []
    for r in sorted(rects, key=lambda r: -r[3]):
        if rows:
            last = rows[-1][0]
            overlap = min(last[3], r[3]) - max(last[1], r[1])
            if overlap > 0.5 * min(last[3] - last[1], r[3] - r[1]):
                rows[-1].append(r)
                continue
        rows.append([r])
    return rows


def _segments(rects: Sequence[Rect]) -> list[Rect]:
    """Join runs on one line separated by less than a word space or so (words -> line pieces)."""
    out: list[Rect] = []
    for row in _rows(rects):
        row.sort()
        height = max(r[3] for r in row) - min(r[1] for r in row)
        cur = row[0]
        for r in row[1:]:
            if r[0] - cur[2] < 0.8 * height:
                cur = (cur[0], min(cur[1], r[1]), max(cur[2], r[2]), max(cur[3], r[3]))
            else:
                out.append(cur)
                cur = r
        out.append(cur)
    return out


def _filled(rows: list[list[Rect]]) -> float:
    """Share of lines about as wide as the column's usual full line (prose fills its lines)."""
    widths = sorted(max(r[2] for r in row) - min(r[0] for r in row) for row in rows)
    full = widths[int(0.9 * (len(widths) - 1))]
    return sum(1 for w in widths if w >= FILLED_LINE * full) / len(widths)


def _has_inner_gutter(rects: Sequence[Rect], left: float, right: float) -> bool:
    """A table shows another vertical gap inside what would be one column."""
    lo, hi = int(left + 0.15 * (right - left)), int(right - 0.15 * (right - left))
    if hi <= lo:
        return False
    limit = max(1, 0.05 * len(_rows(rects)))
    for i, n in enumerate(_crossings(rects, lo, hi)):
        if n <= limit:
            x = lo + i
            if sum(1 for r in rects if r[2] <= x) >= 3 and sum(1 for r in rects if r[0] >= x) >= 3:
                return True
    return False


def _widest_run(counts: list[int], value: int) -> int:
    """Index at the middle of the longest run of ``value`` in ``counts``."""
    best_start = best_len = start = 0
    for i, n in enumerate(counts + [value + 1]):
        if n != value:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = i + 1
    return best_start + best_len // 2


def find_gutter(rects: Sequence[Rect]) -> float | None:
    """The x of the gutter when the page is two columns of prose, else None."""
    rects = [r for r in rects if r[2] - r[0] > 1 and r[3] > r[1]]
    if len(rects) < MIN_RECTS:
        return None
    rects = _segments(rects)
    x0, x1 = min(r[0] for r in rects), max(r[2] for r in rects)
    width = x1 - x0
    if width < 200:
        return None
    lo, hi = int(x0 + 0.3 * width), int(x0 + 0.7 * width)
    counts = _crossings(rects, lo, hi)
    fewest = min(counts)
    if fewest > 0.25 * len(_rows(rects)):
        return None
    candidate = lo + _widest_run(counts, fewest)
    left = [r for r in rects if r[2] <= candidate]
    right = [r for r in rects if r[0] >= candidate]
    if not left or not right:
        return None
    left_edge, right_edge = max(r[2] for r in left), min(r[0] for r in right)
    x0, x1 = min(r[0] for r in left), max(r[2] for r in right)
    width = x1 - x0
    if right_edge - left_edge < MIN_GAP:
        return None
    if left_edge - x0 < MIN_COLUMN_SHARE * width or x1 - right_edge < MIN_COLUMN_SHARE * width:
        return None
    left_rows, right_rows = _rows(left), _rows(right)
    if len(left_rows) < MIN_ROWS_PER_COLUMN or len(right_rows) < MIN_ROWS_PER_COLUMN:
        return None
    side_by_side = sum(
        1 for lr in left_rows
        if any(min(lr[0][3], rr[0][3]) - max(lr[0][1], rr[0][1]) > 0 for rr in right_rows)
    )
    if side_by_side < 0.5 * min(len(left_rows), len(right_rows)):
        return None  # one block above the other, not columns
    if _filled(left_rows) < MIN_FILLED_ROWS or _filled(right_rows) < MIN_FILLED_ROWS:
        return None
    if _has_inner_gutter(left, x0, left_edge) or _has_inner_gutter(right, right_edge, x1):
        return None
    return (left_edge + right_edge) / 2


def reading_boxes(rects: Sequence[Rect], gutter: float) -> list[Rect]:
    """Boxes to read in order: full-width lines, and between them left column then right."""
    rects = _segments([r for r in rects if r[2] - r[0] > 0 and r[3] > r[1]])
    x0, x1 = min(r[0] for r in rects) - 1, max(r[2] for r in rects) + 1
    top = max(r[3] for r in rects) + 1
    bottom = min(r[1] for r in rects) - 1
    full_rows = _rows([r for r in rects if r[0] < gutter < r[2]])
    boxes: list[Rect] = []
    y = top
    for row in full_rows:
        row_top, row_bottom = max(r[3] for r in row), min(r[1] for r in row)
        if row_top < y:
            boxes += [(x0, row_top, gutter, y), (gutter, row_top, x1, y)]
        boxes.append((x0, row_bottom, x1, max(row_top, row_bottom)))
        y = min(y, row_bottom)
    if bottom < y:
        boxes += [(x0, bottom, gutter, y), (gutter, bottom, x1, y)]
    return boxes


MIN_TERM_ROWS = 2  # a key-terms table has at least this many label | value rows
TERM_GAP = 12.0  # points of white between a label cell and its value cell
_ALIGN = 2.5  # points: cells of one column start at the same x


def term_labels(rects: Sequence[Rect]) -> list[Rect]:
    """The label cells of a two-column key-terms table ("Governing Law | The State of Delaware").

    A label is the first run on its line, ending a table gap before a run that starts at the
    value column's x; two or more such lines sharing both columns' x make the table. A label
    whose value wraps onto lines of its own (the label alone on its line, at the label column,
    narrower than the gap) counts too. Prose lines are one run, or runs a word space apart.
    """
    rows = []
    for row in _rows(rects):
        row.sort()
        rows.append(row)
    pairs: dict[tuple[int, int], list[Rect]] = {}
    for row in rows:
        if len(row) < 2:
            continue
        label, value = row[0], row[1]
        if value[0] - label[2] >= TERM_GAP:
            pairs.setdefault((round(label[0] / _ALIGN), round(value[0] / _ALIGN)), []).append(label)
    out: list[Rect] = []
    for (lx, vx), labels in pairs.items():
        if len(labels) < MIN_TERM_ROWS:
            continue
        left, value_x = lx * _ALIGN, vx * _ALIGN
        labels = list(labels)
        for row in rows:  # a label alone on its line, its value on lines beside it
            if len(row) == 1 and abs(row[0][0] - left) <= _ALIGN and row[0][2] <= value_x - TERM_GAP:
                height = row[0][3] - row[0][1]
                if any(abs(r[0] - value_x) <= _ALIGN and abs((r[1] + r[3]) - (row[0][1] + row[0][3])) / 2 <= 2 * height
                       for other in rows for r in other):
                    labels.append(row[0])
        out.extend(labels)
    return sorted(set(out), key=lambda r: (-r[3], r[0]))
