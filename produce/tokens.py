"""Search tokens, computed once when a listing is written and stored in listings.search_tokens.

A listing's tokens: every single character and every pair of neighbouring characters of the Chinese
in its product name and variety (so a two-character query is one indexed token), its Latin/digit
words, the full pinyin and initials of the name, and ``x<id>`` for every other catalogue product its
name mentions (延边苹果梨 is a pear that mentions 苹果): a search for apples finds those few "partial"
listings through one token instead of scanning every listing whose text contains 苹果.
"""
from __future__ import annotations

import re
from functools import lru_cache

from matching.normalise import normalise_text, pinyin_forms

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_QUERY_TOKENS = 8


@lru_cache(maxsize=100_000)
def text_tokens(text: str) -> tuple[str, ...]:
    """Unigrams and bigrams of Chinese runs, whole Latin/digit words; in order, no repeats."""
    out: list[str] = []
    for run in _RUN.findall(normalise_text(text, keep_spaces=True)):
        if _HAN.match(run):
            out.extend(run)
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=100_000)
def query_tokens(text: str) -> tuple[str, ...]:
    """What a query must contain: bigrams of its Chinese (the character itself when alone) and its words."""
    out: list[str] = []
    for run in _RUN.findall(normalise_text(text, keep_spaces=True)):
        if _HAN.match(run) and len(run) > 1:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return tuple(dict.fromkeys(out))[:MAX_QUERY_TOKENS]


def mention_token(product_id: int) -> str:
    return f"x{product_id}"


def listing_tokens(product_name: str, variety: str, product_id: int | None, catalogue) -> str:
    """The stored token string of a listing (see the module docstring)."""
    return _listing_tokens(product_name or "", variety or "", product_id, catalogue)


def _listing_tokens(product_name, variety, product_id, catalogue) -> str:
    tokens = list(text_tokens(product_name))
    tokens.extend(text_tokens(variety))
    full, initials = pinyin_forms(product_name)
    tokens.extend(t for t in (full, initials) if t and t.isascii() and t.isalnum())
    mentioned = catalogue.mentioned_products(product_name) if catalogue else set()
    tokens.extend(mention_token(pid) for pid in sorted(mentioned - {product_id}))
    return " ".join(dict.fromkeys(tokens))
