"""Where an editor's YAML mistake really is, read from the lines as an editor sees them.

A YAML parser reports where it gave up, which is often a line or a whole file after the
slip: a full-width colon (the commonest slip with a Chinese input method) shows up as a
missing colon on the next line, a quote closed with ” as the end of the file. When the
parser refuses a text, `culprit` looks at the lines up to the one it named for the known
slips, and names the one found with the fix to type there. It only reads text; it never
accepts what the parser refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_FULL_WIDTH_COLON = re.compile(r"^(\s*(?:-\s+)?)([^\s:：#'\"\[{-][^\s:：#'\"]*)[ \t]*：")
_NO_SPACE = re.compile(rf"^(\s*(?:-\s+)?)({_KEY}):(?![\s/])(\S)")
_DASH = re.compile(r"^(\s*)-(\s|$)")
_NO_COLON = re.compile(rf"^(\s*(?:-\s+)?)({_KEY})[ \t]+(?![:#])\S")
_KEY_LINE = re.compile(rf"^(\s*)(-\s+)?({_KEY})\s*:(?:\s|$)")
_VALUE = re.compile(rf"^\s*(?:-\s+)?{_KEY}\s*:[ \t]+(.*)$")
_INDICATORS = "*&!%@`"


@dataclass(frozen=True)
class Culprit:
    line: int         # 1-based, in the text given
    col: int
    message: str
    hint: str


def culprit(text: str, error_line: int) -> Culprit | None:
    """The slip at or before the parser's error line (1-based, in `text`), or None."""
    lines = text.split("\n")
    last = min(max(error_line, 1), len(lines))
    for check in (_full_width_colon, _unclosed_quote, _brackets, _indicator, _no_space, _no_colon, _dash_misaligned):
        for n in range(last):
            found = check(lines, n)
            if found:
                return found
    return _indentation(lines, last - 1)


def _full_width_colon(lines: list[str], n: int) -> Culprit | None:
    m = _FULL_WIDTH_COLON.match(lines[n])
    if not m:
        return None
    key, col = m.group(2), lines[n].index("：") + 1
    value = lines[n][col:].strip()
    return Culprit(n + 1, col, f"键 '{key}' 后面用了中文冒号“：”",
                   f"YAML 只认英文冒号：改成 {key}: {value}（英文冒号后面加一个空格）")


def _no_colon(lines: list[str], n: int) -> Culprit | None:
    line = lines[n]
    if ":" in line or "：" in line or line.lstrip().startswith("#") or not _in_mapping(lines, n):
        return None
    m = _NO_COLON.match(line)
    if not m:
        return None
    key = m.group(2)
    col = len(m.group(1)) + len(key) + 1
    return Culprit(n + 1, col, f"键 '{key}' 后面缺少冒号“:”",
                   f"在 {key} 后面加英文冒号和一个空格，例如 {key}: {line[col:].strip()}")


def _in_mapping(lines: list[str], n: int) -> bool:
    """The line sits among `key: value` lines at its own indentation (so it is not the
    second line of a long text value): the key line before it, or after it when it is first."""
    indent = len(lines[n]) - len(lines[n].lstrip(" -"))
    for step in (range(n - 1, -1, -1), range(n + 1, len(lines))):
        for k in step:
            other = lines[k]
            if not other.strip() or other.lstrip().startswith("#"):
                continue
            m = _KEY_LINE.match(other)
            if not m:
                return False
            return len(m.group(1)) + len(m.group(2) or "") == indent
    return False


def _no_space(lines: list[str], n: int) -> Culprit | None:
    m = _NO_SPACE.match(lines[n])
    if not m or not _in_mapping(lines, n):
        return None
    key = m.group(2)
    col = len(m.group(1)) + len(key) + 1
    return Culprit(n + 1, col, f"键 '{key}' 的冒号后面缺少空格",
                   f"英文冒号后面要有一个空格：{key}: {lines[n][col:].strip()}")


def _dash_misaligned(lines: list[str], n: int) -> Culprit | None:
    """A list item whose - is not under the - of the item before it (one or two spaces off)."""
    m = _DASH.match(lines[n])
    if not m:
        return None
    indent = len(m.group(1))
    for k in range(n - 1, -1, -1):
        other = _DASH.match(lines[k])
        key = _KEY_LINE.match(lines[k])
        if key and not key.group(2) and len(key.group(1)) <= indent and not other:
            return None          # a key at the item's level or above: no list item before this one to align with
        if other:
            off = indent - len(other.group(1))
            if off and abs(off) <= 2:
                return Culprit(n + 1, indent + 1, f"列表项的“-”没有对齐：比第 {k + 1} 行的“-”{'多' if off > 0 else '少'}缩进了 {abs(off)} 个空格",
                               f"同一个列表的各项，“-”要上下对齐（缩进 {len(other.group(1))} 个空格）")
            return None
    return None


def _unclosed_quote(lines: list[str], n: int) -> Culprit | None:
    m = _VALUE.match(lines[n])
    if not m or not m.group(1) or m.group(1)[0] not in "\"'":
        return None
    value = m.group(1).rstrip()
    quote, rest = value[0], value[1:]
    closed = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
    if quote in closed:
        return None
    col = len(lines[n]) - len(m.group(1)) + 1
    chinese = "”" if quote == '"' else "’"
    if rest.rstrip().endswith(("”", "’", "“", "‘")):
        hint = f"结尾用了中文引号：把结尾的中文引号改成英文 {quote}，或者去掉两边的引号"
    else:
        hint = f"在值的结尾补上英文 {quote}（中文引号 “” ‘’ 不算），或者去掉开头的 {quote}"
    return Culprit(n + 1, col, f"引号没有闭合：这个值以英文引号 {quote} 开头，这一行里没有对应的结束引号"
                   + ("" if chinese not in rest else "（行里的中文引号不能结束它）"), hint)


def _brackets(lines: list[str], n: int) -> Culprit | None:
    m = _VALUE.match(lines[n])
    if not m or not m.group(1) or m.group(1)[0] not in "[{":
        return None
    value = m.group(1).split(" #")[0].rstrip()
    opening = value[0]
    closing = "]" if opening == "[" else "}"
    col = len(lines[n]) - len(m.group(1)) + 1
    if value.count(opening) != value.count(closing) or value[-1] != closing:
        what = "方括号 [ ]" if opening == "[" else "花括号 { }"
        example = "[政府网站, 政府公报]" if opening == "[" else "{县级: 区级}"
        return Culprit(n + 1, col, f"{what} 没有闭合", f"在同一行结尾补上 {closing}，写成 {example}")
    return None


def _indicator(lines: list[str], n: int) -> Culprit | None:
    m = _VALUE.match(lines[n])
    if not m or not m.group(1) or m.group(1)[0] not in _INDICATORS:
        return None
    value = m.group(1).rstrip()
    col = len(lines[n]) - len(m.group(1)) + 1
    return Culprit(n + 1, col, f"值以 {value[0]} 开头，YAML 会把它当作特殊符号",
                   f"请用引号把整个值括起来，例如 '{value}'")


def _indentation(lines: list[str], n: int) -> Culprit | None:
    """A key, or a list item, not aligned with the lines around it, at the parser's line or the
    one before it (libyaml names the line after a slip of indentation)."""
    for k in (n, n - 1):
        if k < 1:
            continue
        found = _misaligned(lines, k)
        if found:
            return found
    return None


def _misaligned(lines: list[str], n: int) -> Culprit | None:
    line = lines[n]
    m = _KEY_LINE.match(line)
    if not m or m.group(2):
        return _item_in_mapping(lines, n)
    indent, key = len(m.group(1)), m.group(3)
    previous = next((k for k in range(n - 1, -1, -1) if lines[k].strip() and not lines[k].lstrip().startswith("#")), None)
    if previous is None:
        return None
    p = _KEY_LINE.match(lines[previous])
    if not p:
        return None
    p_indent = len(p.group(1)) + len(p.group(2) or "")
    p_value = lines[previous].split(":", 1)[1].strip()
    own = indent
    if not p_value:
        return None
    if own > p_indent:
        more = own - p_indent
        return Culprit(n + 1, indent + 1, f"'{key}' 比上一行的 '{p.group(3)}' 多缩进了 {more} 个空格",
                       f"同一层的键要左对齐：把 {key} 向左移 {more} 格，与 {p.group(3)} 对齐")
    siblings = _sibling_indents(lines, previous)
    if own < p_indent and own not in siblings:
        fewer = p_indent - own
        return Culprit(n + 1, indent + 1, f"'{key}' 比上一行的 '{p.group(3)}' 少缩进了 {fewer} 个空格",
                       f"同一层的键要左对齐：把 {key} 向右移 {fewer} 格，与 {p.group(3)} 对齐")
    return None


def _item_in_mapping(lines: list[str], n: int) -> Culprit | None:
    """A list item (- value) among the keys of a mapping, under a key that already has a value."""
    m = _DASH.match(lines[n])
    previous = next((k for k in range(n - 1, -1, -1) if lines[k].strip() and not lines[k].lstrip().startswith("#")), None)
    p = _KEY_LINE.match(lines[previous]) if m and previous is not None else None
    if not p or len(m.group(1)) != len(p.group(1)) + len(p.group(2) or "") or not lines[previous].split(":", 1)[1].strip():
        return None
    return Culprit(n + 1, len(m.group(1)) + 1, "这里混入了一个列表项（以 - 开头）",
                   f"列表要写在键的下面：上一行写成 {p.group(3)}:（冒号后面不写值），这一行再多缩进两格；"
                   f"或者写成一行 {p.group(3)}: [甲, 乙]")


def _sibling_indents(lines: list[str], upto: int) -> set[int]:
    """Indentations a key may have after line `upto`: those of the mappings open above it
    (a key never stands at the column of a list's “-”)."""
    found, smallest = set(), None
    for k in range(upto, -1, -1):
        m = _KEY_LINE.match(lines[k])
        if not m:
            continue
        own = len(m.group(1)) + len(m.group(2) or "")
        if smallest is None or own < smallest:
            smallest = own
            found.add(own)
    return found


def tab_hint(lines: list[str], n: int) -> str:
    """How many spaces the tab at the start of line n (0-based) stands for: its siblings' indent."""
    for k in range(n - 1, -1, -1):
        previous = lines[k]
        if not previous.strip() or previous.lstrip().startswith("#"):
            continue
        m = _KEY_LINE.match(previous)
        indent = len(previous) - len(previous.lstrip(" "))
        if m:
            own = len(m.group(1)) + len(m.group(2) or "")
            opens = not previous.split(":", 1)[1].split("#")[0].strip()
            indent = own + 2 if opens else own
        return f"YAML 的缩进只能用空格：把行首的 Tab 换成 {indent} 个空格，与上下文对齐" if indent else \
            "YAML 的缩进只能用空格：删除行首的 Tab"
    return "YAML 的缩进只能用空格：删除行首的 Tab"
