"""The height each row of an XLSX sheet needs for its text, written into the file.

A row without a height in the file is drawn at the default 15 points, unless the
application happens to re-fit it on opening: Excel re-fits some rows, LibreOffice (and so a
PDF printed through it) leaves them, and wrapped text then runs over the rows below. So every
row gets a height from its cells: each paragraph of a wrapping cell takes as many lines as
its text needs at the column's width, and a line is as tall as a CJK font makes it.

The measure is the one the applications use for column widths: a width of w characters is
w × 7 pixels of text (7 pixels a digit of the default 11-point font) plus 5 of padding. A CJK
character (and a symbol an East Asian font draws full width: ■ □ √ 《 》 “ ”) is one em of
its font; anything else is taken as 0.55 em, a little more than SimSun's half width, so that
a proportional fallback font still fits. A line may end up to one em short (the next
character does not fit, or may not start a line), so that much is kept free on each.
"""
from __future__ import annotations

import math
import re
from typing import Sequence

DIGIT_PX = 7                  # the default font's digit width: a column width's unit
PX_PER_PT = 96 / 72
LINE_EM = 1.45                # a line of a CJK font (SimSun, Noto CJK, Source Han) with its leading
PADDING_PT = 4                # above and below the text, and the border
NARROW_EM = 0.55
DEFAULT_SIZE = 11             # the default format's font size (format number 0)

# Characters drawn half width: Latin, Greek, Cyrillic and the other alphabets below U+2000,
# and the half-width forms. Everything else is drawn full width by an East Asian font.
_NARROW = re.compile("[\x00-\u1fff\uff61-\uffdc]")


def text_width_em(paragraph: str) -> float:
    # Counted from the UTF-8 length, in C: ASCII is one byte and a CJK character three, so
    # (bytes - characters) / 2 is the number of full-width characters. Letters of two bytes
    # (Latin, Greek, Cyrillic) count 0.78 em and other scripts 1 em: never too little.
    wide = (len(paragraph.encode("utf-8")) - len(paragraph)) / 2
    return wide + NARROW_EM * (len(paragraph) - wide)


def chars_a_line(width_chars: float, size_pt: float) -> float:
    """How many ems of text a line holds in a column `width_chars` wide, one kept free."""
    return max(width_chars * DIGIT_PX / (size_pt * PX_PER_PT) - 1, 1.0)


def lines_needed(text: str, per_line: float) -> int:
    """How many lines `text` wraps to when a line holds `per_line` ems."""
    if "\n" not in text:
        if len(text) <= per_line:                       # fits even if all full width
            return 1
        return math.ceil(text_width_em(text) / per_line)
    return sum(max(1, math.ceil(text_width_em(p) / per_line)) for p in text.split("\n"))


def line_height(size_pt: float, lines: int = 1) -> float:
    return round(lines * size_pt * LINE_EM + PADDING_PT, 1)


def fit_heights(rows: dict[int, list[tuple[str, int] | None]], widths: Sequence[float],
                merged: Sequence[tuple[int, int, int, int]], formats: Sequence, fixed: dict[int, float]) -> dict[int, float]:
    """Row -> height in points for every row, from its cells' text; rows in `fixed` keep
    theirs. `formats[n - 1]` is format number n (it has .size and .wrap). A merged range
    (first row, first col, last row, last col) is as wide as its columns, and its first row
    alone is made tall enough for its text: a range over rows may be cut by a page break,
    and its text (aligned to the top) then still prints whole on the first page. (The other
    cells of a range are blank: one line each.)"""
    sizes = [DEFAULT_SIZE] + [f.size for f in formats]
    wraps = [False] + [f.wrap for f in formats]
    columns = max((len(cells) for cells in rows.values()), default=0)
    col_widths = [widths[c] if c < len(widths) else 8.43 for c in range(columns)]
    # A cell shorter than this many characters is one line in any wrapping format: most cells,
    # passed over by one comprehension a row rather than measured one by one.
    largest = max([size for size, wrap in zip(sizes, wraps) if wrap], default=DEFAULT_SIZE)
    one_line = [chars_a_line(w, largest) for w in col_widths]
    merged_from: dict[int, dict[int, int]] = {}
    for r1, c1, _r2, c2 in merged:
        merged_from.setdefault(r1, {})[c1] = c2
    # Lines of a text, remembered by (column, last column, size) and text: a table repeats
    # its texts (channel lists, 公开依据, deadlines) from row to row.
    measured: dict[tuple[int, int, float], dict[str, int]] = {}

    def lines(text: str, style: int, first: int, last: int) -> int:
        if not wraps[style]:
            return 1
        memo = measured.setdefault((first, last, sizes[style]), {})
        found = memo.get(text)
        if found is None:
            found = memo[text] = lines_needed(text, chars_a_line(sum(col_widths[first:last + 1]), sizes[style]))
        return found

    heights: dict[int, float] = {}
    for r, cells in rows.items():
        if r in fixed:
            heights[r] = fixed[r]
            continue
        tallest = max([sizes[cell[1]] for cell in cells if cell], default=0)     # lines × size
        spans = merged_from.get(r, {})
        for c in [c for c, cell in enumerate(cells) if cell and (len(cell[0]) > one_line[c] or "\n" in cell[0])]:
            text, style = cells[c]
            tallest = max(tallest, lines(text, style, c, spans.get(c, c)) * sizes[style])
        for c, last in spans.items():                  # a merged range's text may be short for its width
            if c < len(cells) and cells[c]:
                text, style = cells[c]
                tallest = max(tallest, lines(text, style, c, last) * sizes[style])
        heights[r] = line_height(tallest or DEFAULT_SIZE)        # tallest is lines × size: one line that size
    return heights
