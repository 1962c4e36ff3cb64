"""Bytes to text: the one decoder for YAML and Markdown sources, CSV tables and text attachments.

One set of rules for every file zwgk reads as text:

1. A file longer than the policy's `max_bytes` is refused.
2. A byte-order mark says the encoding: UTF-8 (EF BB BF), UTF-16 LE (FF FE) or BE (FE FF);
   the mark itself is not part of the text.
3. Without a mark, the text is UTF-8; failing that, GB18030 (a superset of GBK and GB2312),
   which is how Excel and Notepad on Chinese Windows save. Big5 and other encodings are not
   guessed: GB18030 reads many of their bytes, as nonsense, which later checks then refuse.
4. Text holding a NUL character is binary, whichever encoding read it; so are bytes that no
   accepted encoding reads and that hold a zero byte (a UTF-16 file without its mark, too).
5. Line ends become "\\n".

A policy says where callers differ, and nothing else: sources (`SOURCE_TEXT`) accept only
UTF-8, so a UTF-16 or GBK file is refused with a message naming its encoding instead of being
read, because what an editor saves must be what git, the build and every other tool read
alike; tables to import and attachments to scan accept every encoding above, because they
come from elsewhere as they are. Every refusal is a `SourceError`: the file, and the line and
column where reading stopped whenever there is one.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from zwgk.base import Problem

MB = 1024 * 1024

_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


class SourceError(Exception):
    """A file that cannot be read at all; carries the one problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class TextPolicy:
    """What one kind of file may be written in, and what its owner is told when it cannot be read."""
    utf8_only: bool     # refuse UTF-16 and GB18030 (naming them) instead of reading them
    max_bytes: int
    save_as: str        # hint for an encoding refused or not recognised: how to save the file readable
    not_text: str       # hint for a binary file
    too_large: str      # hint for a file over max_bytes


SOURCE_TEXT = TextPolicy(
    utf8_only=True, max_bytes=20 * MB,
    save_as="请在编辑器中将文件另存为“UTF-8”编码（记事本：另存为 → 编码选 UTF-8）",
    not_text="请确认文件是用文本编辑器保存的 YAML 或 Markdown",
    too_large="目录和文档文件不应这么大；请检查是否误放了数据文件，大文件请作为附件放在 files/ 下")
TABLE_TEXT = TextPolicy(
    utf8_only=False, max_bytes=50 * MB,
    save_as="请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入",
    not_text="请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入",
    too_large="请只导出要导入的工作表")
# The personal-information scan shows an attachment's message only, with its own hint for every
# attachment it could not check; these say the same, for a caller that shows the whole problem.
ATTACHMENT_TEXT = TextPolicy(
    utf8_only=False, max_bytes=50 * MB,
    save_as="请另存为 .xlsx、.docx、.csv 或带文字的 PDF，以便发布前检查",
    not_text="请另存为 .xlsx、.docx、.csv 或带文字的 PDF，以便发布前检查",
    too_large="请拆分为较小的文件，以便发布前检查")


def decode(data: bytes, path: str, policy: TextPolicy = SOURCE_TEXT) -> str:
    """The text of a file's bytes under `policy`, or a SourceError placed at `path`.

    The sources' policy is the default: sources are what the engine reads most, and
    `decode(data, path)` has always meant them."""
    if len(data) > policy.max_bytes:
        raise SourceError(Problem(path, 0, 0, f"文件过大（{len(data) // MB} MB），超过 {policy.max_bytes // MB} MB 的上限",
                                  policy.too_large))
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            body, candidates = data[len(bom):], (encoding,)
            break
    else:
        body, encoding, label = data, "utf-8", ""
        candidates = ("utf-8",) if policy.utf8_only else ("utf-8", "gb18030")
    if policy.utf8_only and encoding != "utf-8":
        raise SourceError(Problem(path, 0, 0, f"文件是 {label} 编码，zwgk 只读取 UTF-8 编码的文件", policy.save_as))
    text, failures = _first_that_reads(body, candidates)
    if text is None:
        zero = body.find(b"\x00") if not label.startswith("UTF-16") else -1
        if zero >= 0:       # no accepted encoding reads it, and it has a zero byte: binary, or UTF-16 unmarked
            line, col, unit = _position(body, zero, "utf-8")
            raise SourceError(_binary(path, policy, line, col, unit))
        raise SourceError(_undecodable(body, path, policy, label, failures))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise SourceError(_binary(path, policy, line, nul - (text.rfind("\n", 0, nul) + 1) + 1, "字符"))
    return text


def _binary(path: str, policy: TextPolicy, line: int, col: int, unit: str) -> Problem:
    # The position is in the message too: a caller may show the message alone (an attachment's).
    return Problem(path, line, col, f"文件含有空字符（NUL），不是文本文件（第 {line} 行第 {col} 个{unit}）", policy.not_text)


def _first_that_reads(body: bytes, encodings: tuple[str, ...]) -> tuple[str | None, list[tuple[str, int]]]:
    """(text, []) in the first encoding that reads all of body, or (None, [(encoding, offset where it stopped)])."""
    failures = []
    for encoding in encodings:
        try:
            return body.decode(encoding), []
        except UnicodeDecodeError as exc:
            failures.append((encoding, exc.start))
    return None, failures


def _undecodable(body: bytes, path: str, policy: TextPolicy, bom_label: str,
                 failures: list[tuple[str, int]]) -> Problem:
    # The encoding that read furthest is most likely the file's, and where it stopped the damage.
    encoding, offset = max(failures, key=lambda f: f[1])
    line, col, unit = _position(body, offset, encoding)
    where = f"第 {line} 行第 {col} 个{unit}"
    if bom_label:
        return Problem(path, line, col, f"文件以 {bom_label} 编码标记开头，但{where}起的内容不是有效的 {bom_label}", policy.save_as)
    if policy.utf8_only:
        guess = _guess_encoding(body)
        if guess:
            message = f"文件不是 UTF-8 编码，看起来是 {guess} 编码（{where}起无法按 UTF-8 读取）"
        else:
            message = f"文件含有无效的 UTF-8 字节（{where}）"
        return Problem(path, line, col, message, policy.save_as)
    return Problem(path, line, col, f"无法识别文件的字符编码（不是 UTF-8，也不是 GBK/GB18030），{where}起无法读取",
                   policy.save_as)


def _position(body: bytes, offset: int, encoding: str) -> tuple[int, int, str]:
    """(line, column, unit of the column) of a byte offset where decoding stopped."""
    if encoding.startswith("utf-16"):
        # Everything before the offset read as UTF-16: count in characters, as the editor shows.
        before = body[:offset - offset % 2].decode(encoding, errors="replace")
        return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1, "字符"
    # A "\n" byte is a line end in UTF-8 and GB18030 alike: neither uses it inside a character.
    return body.count(b"\n", 0, offset) + 1, offset - (body.rfind(b"\n", 0, offset) + 1) + 1, "字节"


def _guess_encoding(data: bytes) -> str:
    for name, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return label
    return ""
