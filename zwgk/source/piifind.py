"""Recognising personal numbers and e-mail addresses in text, masking them, and the allowlist.

Numbers are recognised by their structure, not by their length: an ID number needs a
valid region, birth date and GB 11643 check digit, a bank card the Luhn check. Masked
forms (35*************123, 138****1234) never match.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

# Full-width digits and letters, as typed with a Chinese input method; one character each,
# so positions in the text stay the same.
_HALF_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                             **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
                             **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
                             "＠": "@", "－": "-", "．": ".", "＋": "+"})

_PATTERN = re.compile(r"""
    (?P<email>(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@
        [A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}
        (?![A-Za-z0-9-]))
  | (?P<run>(?<![0-9A-Za-z])(?<!\d\.)\d{15,19}[Xx]?(?![0-9A-Za-z]))
  | (?P<grouped>(?<![0-9A-Za-z])\d{4}(?P<gsep>[ -])\d{4}(?P=gsep)\d{4}(?P=gsep)\d{4}(?:(?P=gsep)\d{1,3})?(?![0-9A-Za-z]))
  | (?P<mobile>(?<![0-9A-Za-z])(?<!\d\.)(?:\+?86[ -]?)?1[3-9]\d(?P<msep>[ -]?)\d{4}(?P=msep)\d{4}(?![0-9A-Za-z]))
""", re.X)

# A number followed by a unit of money is an amount, not a phone number.
_AMOUNT_AFTER = re.compile(r"\s*(?:元|万|亿|千|百|美元|%|％)")

_REGIONS = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
            50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    start: int
    end: int
    value: str


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1800, 1, 1) <= born <= date.today()


def looks_like_id18(number: str) -> bool:
    """A region and a birth date where an ID number has them (the check digit aside)."""
    return (len(number) == 18 and number[:17].isdigit() and int(number[:2]) in _REGIONS
            and _valid_birth(int(number[6:10]), int(number[10:12]), int(number[12:14])))


def id18_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def is_id18(number: str) -> bool:
    """An 18-digit 居民身份证号码 with a valid GB 11643 check digit."""
    return looks_like_id18(number) and id18_check_digit(number[:17]) == number[17].upper()


def is_id15(number: str) -> bool:
    """A 15-digit legacy number: region and a valid 19YYMMDD birth date."""
    return (len(number) == 15 and number.isdigit() and int(number[:2]) in _REGIONS
            and _valid_birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])))


def luhn_ok(digits: str) -> bool:
    total = 0
    for n, ch in enumerate(reversed(digits)):
        d = int(ch)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_issuer_plausible(digits: str) -> bool:
    # Visa 4, Mastercard 5 and 2221-2720, JCB 35, UnionPay 6x, old domestic cards 95xx.
    return digits[0] in "3456" or digits.startswith("95") or 2221 <= int(digits[:4]) <= 2720


def is_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and digits.isdigit() and _card_issuer_plausible(digits) and luhn_ok(digits)


def _classify(number: str) -> str:
    """The kind of a 15-19 character number, or '' when it is none of ours."""
    if len(number) == 18 and looks_like_id18(number):
        # An ID-shaped number with a wrong check digit is a typo or a specimen, not a card.
        return "id_card" if is_id18(number) else ""
    if len(number) == 15:
        return "id_card" if is_id15(number) else ""
    return "bank_card" if is_bank_card(number) else ""


# Cheap to search for: every match contains one of these. Lines without one are skipped,
# which makes scanning ordinary prose several times faster.
_CANDIDATE = re.compile(r"(?=[0-9０-９@＠])(?:[0-9０-９]{11}|[0-9０-９]{4}[ \-－][0-9０-９]{4}|[@＠])")


def find_personal_info(text: str) -> list[Match]:
    """Every ID, mobile and bank card number and e-mail address in text, in order."""
    found: list[Match] = []
    done_to = 0
    for candidate in _CANDIDATE.finditer(text):
        if candidate.start() < done_to:
            continue
        start = text.rfind("\n", 0, candidate.start()) + 1
        end = text.find("\n", candidate.end())
        end = len(text) if end < 0 else end
        found += _find_in_line(text, start, end)
        done_to = end
    return found


def _find_in_line(text: str, start: int, end: int) -> list[Match]:
    found = []
    half = text[start:end].translate(_HALF_WIDTH)
    for m in _PATTERN.finditer(half):
        value = text[start + m.start():start + m.end()]
        span = (start + m.start(), start + m.end())
        if m.lastgroup == "email":
            found.append(Match("email", *span, value))
        elif m.lastgroup in ("run", "grouped"):
            kind = _classify(re.sub(r"[ -]", "", m.group()))
            if kind:
                found.append(Match(kind, *span, value))
        elif m.group("mobile") is not None:
            digits = re.sub(r"\D", "", m.group())
            if digits.endswith("0000000") or _AMOUNT_AFTER.match(half, m.end()) or half[m.start() - 1:m.start()] in ("¥", "￥"):
                continue
            found.append(Match("mobile", *span, value))
    return found


def mask(kind: str, value: str) -> str:
    """The value as it may be shown: 35*************123, 138****1234, 6222***********1234, z***@example.cn."""
    if kind == "email":
        local, _, host = value.partition("@")
        return f"{local[:1]}***@{host}"
    digits = re.sub(r"[^0-9Xx]", "", value.translate(_HALF_WIDTH))
    if kind == "mobile":
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if kind == "id_card":
        return digits[:2] + "*" * (len(digits) - 5) + digits[-3:]
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_all(text: str, matches: Sequence[Match]) -> str:
    out, last = [], 0
    for m in matches:
        out.append(text[last:m.start])
        out.append(mask(m.kind, m.value))
        last = m.end
    out.append(text[last:])
    return "".join(out)


def excerpt(line: str, matches: Sequence[Match], target: Match, width: int = 12) -> str:
    """A short piece of the line around target, with every number in it masked."""
    before = [m for m in matches if m.end <= target.start]
    masked_before = mask_all(line[:target.start], before)
    shown = mask(target.kind, target.value)
    after = mask_all(line[target.end:], [Match(m.kind, m.start - target.end, m.end - target.end, m.value)
                                         for m in matches if m.start >= target.end])
    head = masked_before[-width:]
    tail = after[:width]
    text = ("…" if len(masked_before) > width else "") + head + shown + tail + ("…" if len(after) > width else "")
    return " ".join(text.split())


# ---------------------------------------------------------------- allowances

def _keys(value: str) -> set[str]:
    value = value.translate(_HALF_WIDTH).strip()
    keys = {value.lower()}
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if digits:
        keys.add(digits)
        if len(digits) == 13 and digits.startswith("86"):   # a mobile written with +86
            keys.add(digits[2:])
    return keys


def _match_key(m: Match) -> str:
    if m.kind == "email":
        return m.value.translate(_HALF_WIDTH).lower()
    digits = re.sub(r"[^0-9Xx]", "", m.value.translate(_HALF_WIDTH)).upper()
    return digits[-11:] if m.kind == "mobile" else digits


class Allowlist:
    """site.yaml's pii_allow: values that may be published, each with its reason."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        self.entries = tuple(entries)
        self._by_key: dict[str, tuple[str, str]] = {}
        for value, reason in self.entries:
            for key in _keys(value):
                self._by_key.setdefault(key, (value, reason))

    def find(self, m: Match) -> tuple[str, str] | None:
        return self._by_key.get(_match_key(m))
