"""Text normalisation shared by product resolution, ranking and entity resolution.

Every function here is pure and cached: names repeat heavily in listings and demands, so
the expensive steps (traditional -> simplified conversion, pinyin) run once per distinct string.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_T2S = opencc.OpenCC("t2s")


def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC t2s would change; most names have none, so the (slow, pure-Python)
    conversion is skipped for them."""
    from pathlib import Path
    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split("\t", 1)[0]
        if len(key) == 1:
            chars.add(key)
    return frozenset(chars)


_TRADITIONAL = _traditional_chars()
# Keep CJK ideographs, ASCII letters and digits; everything else (punctuation, spaces,
# symbols) separates or disappears.
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s); other characters pass through."""
    if not text or _TRADITIONAL.isdisjoint(text):
        return text
    return _T2S.convert(text)


@lru_cache(maxsize=200_000)
def normalise_text(text: str | None, keep_spaces: bool = False) -> str:
    """Canonical form of a name: NFKC (full-width -> half-width), lower case, simplified
    Chinese, punctuation and spaces removed (or collapsed to one space with keep_spaces).

    >>> normalise_text("ＦＵＪＩ 蘋果（一級）")
    'fuji苹果一级'
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    folded = to_simplified(folded)
    if keep_spaces:
        return _NOT_WORD.sub(" ", folded).strip()
    return _NOT_WORD.sub("", folded)


def is_han(char: str) -> bool:
    return bool(_HAN.match(char))


@lru_cache(maxsize=200_000)
def char_pinyin(char: str) -> str:
    """Default (most common) toneless reading of one character; the character itself if not Han."""
    if not is_han(char):
        return char
    return lazy_pinyin(char, style=Style.NORMAL)[0]


@lru_cache(maxsize=200_000)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of the normalised text, with phrase context (核桃 -> he tao).
    Runs of letters/digits stay as one item."""
    norm = normalise_text(text, keep_spaces=True)
    out: list[str] = []
    for item in lazy_pinyin(norm, style=Style.NORMAL, errors="default"):
        out.extend(part for part in item.split() if part)
    return tuple(out)


@lru_cache(maxsize=200_000)
def pinyin_forms(text: str) -> tuple[str, str]:
    """(full, initials) pinyin of a name, e.g. 苹果 -> ('pingguo', 'pg').

    Computed when a record is written and stored next to it; search compares the query
    against the stored forms, never re-computing pinyin per row."""
    syllables = pinyin_syllables(text)
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s and s.isalpha())
    return full, initials
