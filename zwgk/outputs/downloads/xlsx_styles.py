"""The cell formats of an XLSX workbook (fonts, alignment, borders, fills) and their styles.xml part."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
# Characters XML 1.0 cannot carry at all are dropped from attribute and property texts.
_XML_ESCAPE = re.compile('[&<>"]|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def xml_escape(text: str) -> str:
    return _XML_ESCAPE.sub(lambda m: XML_ENTITIES.get(m.group(), ""), text)


@dataclass(frozen=True)
class Format:
    """A cell format: font (size in points), alignment, a thin border on all four sides,
    a solid fill (RRGGBB), and Excel's quote prefix (the cell stays text when edited)."""
    font: str = "Calibri"
    size: float = 11
    bold: bool = False
    align: str = ""          # horizontal: "left", "center"; "" for Excel's general
    valign: str = ""         # vertical: "top", "center"; "" for Excel's bottom
    wrap: bool = False
    border: bool = False
    fill: str = ""
    quote_prefix: bool = False


class Styles:
    """A workbook's cell formats. A format's number is its place in the list given,
    counting from 1 (0 is Excel's default format), whatever workbook it is used in."""

    def __init__(self, formats: Sequence[Format]):
        self.formats = tuple(formats)
        self.xml = _styles_xml(self.formats).encode("utf-8")

    def number(self, fmt: Format) -> int:
        return self.formats.index(fmt) + 1



def _styles_xml(formats: Sequence[Format]) -> str:
    fonts = [("Calibri", 11, False)]
    fills = ["none", "gray125"]             # the two fills Excel expects first
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    for f in formats:
        font = (f.font, f.size, f.bold)
        if font not in fonts:
            fonts.append(font)
        if f.fill and f.fill not in fills:
            fills.append(f.fill)
        fill = fills.index(f.fill) if f.fill else 0
        attrs = (f'numFmtId="0" fontId="{fonts.index(font)}" fillId="{fill}" borderId="{int(f.border)}" xfId="0"'
                 + (' quotePrefix="1"' if f.quote_prefix else "") + ' applyFont="1"'
                 + (' applyFill="1"' if fill else "") + (' applyBorder="1"' if f.border else ""))
        align = ((f' horizontal="{f.align}"' if f.align else "") + (f' vertical="{f.valign}"' if f.valign else "")
                 + (' wrapText="1"' if f.wrap else ""))
        xfs.append(f'<xf {attrs} applyAlignment="1"><alignment{align}/></xf>' if align else f"<xf {attrs}/>")
    font_xml = "".join(f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/><name val="{xml_escape(name)}"/></font>'
                       for name, size, bold in fonts)
    fill_xml = "".join(f'<fill><patternFill patternType="{fill}"/></fill>' for fill in fills[:2])
    fill_xml += "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill.upper()}"/>'
                        '<bgColor indexed="64"/></patternFill></fill>' for fill in fills[2:])
    thin = "".join(f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom"))
    return (_XML_DECLARATION + f'<styleSheet xmlns="{_MAIN}">'
            f'<fonts count="{len(fonts)}">{font_xml}</fonts><fills count="{len(fills)}">{fill_xml}</fills>'
            f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f"<border>{thin}<diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
