"""Search tokens, computed once when a listing is written and stored in listings.search_tokens.

A listing's tokens: every single character and every pair of neighbouring characters of the Chinese
in its product name and variety (so a two-character query is one indexed token), its Latin/digit
words, the full pinyin and initials of the name, and ``x<id>`` for every other catalogue product its
name mentions (延边苹果梨 is a pear that mentions 苹果): a search for apples finds those few "partial"
listings through one token instead of scanning every listing whose text contains 苹果.

Facet tokens make the filters part of the same index, so that "苹果 in 陕西 with green-food
certification" is an intersection of three posting lists instead of a walk over every apple:
``p<product id>``, ``c<category>``, ``r<province 2 digits>``, ``r<prefecture 4 digits>``,
``r<county 6 digits>``, ``z<certification>``, ``zpoverty``. They hold letters and digits only (the
FTS5 unicode61 tokenizer and the PostgreSQL array both keep them whole) and never collide with the
words of a name (a name's Latin words hold no such digits; pinyin has none).

Anchored tokens join a product or mention token with each region, certification and poverty token of the
listing (``p2r65``: a 香梨 listing from Xinjiang; ``p2zgi``: one with a GI certificate). Intersecting three
long lists (every 香梨, every Xinjiang listing, every GI listing: 430,000 entries on a million listings)
cost most of a filtered search; the same question over ``p2r65`` and ``p2zgi`` reads 40,000.
"""
from __future__ import annotations

import re
from functools import lru_cache

from core import regions
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


def product_token(product_id: int) -> str:
    return f"p{product_id}"


def category_token(category: str) -> str:
    return "c" + category.replace("_", "")


def certification_token(code: str) -> str:
    return "z" + code.replace("_", "")


POVERTY_TOKEN = "zpoverty"  # noqa: S105 (a search token, not a secret)


def region_token(code: str) -> str | None:
    """The token of a filter region: a province by its 2 digits, a prefecture by 4, a county by all 6."""
    region = regions.get(code)
    if region is None:
        return None
    return "r" + {"province": code[:2], "prefecture": code[:4]}.get(region.level, code)


@lru_cache(maxsize=10_000)
def location_tokens(county_code: str) -> tuple[str, ...]:
    tokens = []
    province = regions.province_code(county_code)
    prefecture = regions.prefecture_code(county_code)
    if province:
        tokens.append("r" + province[:2])
    if prefecture:
        tokens.append("r" + prefecture[:4])
    if county_code and regions.get(county_code) and regions.get(county_code).level == "county":
        tokens.append("r" + county_code)
    if regions.is_poverty_county(county_code):
        tokens.append(POVERTY_TOKEN)
    return tuple(tokens)


@lru_cache(maxsize=100_000)
def anchor_tokens(product_name: str, product_id: int | None, catalogue) -> tuple[str, ...]:
    """The product token and the tokens of the other products the name mentions."""
    mentioned = catalogue.mentioned_products(product_name) if catalogue else set()
    tokens = [mention_token(pid) for pid in sorted(mentioned - {product_id})]
    if product_id:
        tokens.append(product_token(product_id))
    return tuple(tokens)


@lru_cache(maxsize=100_000)
def name_tokens(product_name: str, variety: str, product_id: int | None, catalogue) -> tuple[str, ...]:
    """The part of a listing's tokens that depends on its name (cached: names repeat a lot)."""
    tokens = list(text_tokens(product_name))
    tokens.extend(text_tokens(variety))
    full, initials = pinyin_forms(product_name)
    tokens.extend(t for t in (full, initials) if t and t.isascii() and t.isalnum())
    tokens.extend(anchor_tokens(product_name, product_id, catalogue))
    return tuple(dict.fromkeys(tokens))


def anchored_token(anchor: str, facet: str) -> str:
    """A product or mention token joined with a region, certification or poverty token (see above)."""
    return anchor + facet


def is_anchorable(facet: str) -> bool:
    """Region, certification and poverty tokens are anchored; a category is implied by the product."""
    return facet.startswith(("r", "z"))


def listing_tokens(listing, catalogue) -> str:
    """The stored token string of a listing whose fields (product, county, certifications) are set."""
    product_name = listing.product_name or ""
    tokens = list(name_tokens(product_name, listing.variety or "", listing.product_id, catalogue))
    if listing.category_code:
        tokens.append(category_token(listing.category_code))
    facets = [*location_tokens(listing.county_code or ""),
              *(certification_token(c) for c in sorted(listing.certifications or ()))]
    tokens.extend(facets)
    tokens.extend(anchored_token(anchor, facet)
                  for anchor in anchor_tokens(product_name, listing.product_id, catalogue) for facet in facets)
    return " ".join(dict.fromkeys(tokens))
