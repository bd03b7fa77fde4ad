"""The shared product catalogue and free-text product resolution.

Resolution rule (the one producers and buyers expect): the product noun at the END of a
Chinese name decides. Among all catalogue terms found in the name we take the one that
ends right-most, and of those the longest: 红富士苹果 -> 苹果 (apple), 延边苹果梨 -> 苹果梨
(pear), 菠萝蜜 -> 菠萝蜜 (jackfruit, not 菠萝 pineapple nor 蜜 honey), 山核桃 -> hickory (not
walnut), 花生油 -> peanut oil (not peanut). Spec words after the noun (一级, 80mm) are skipped.

Typos: at the same end position a longer term reached through one typo beats a shorter exact
term: a homophone (same pinyin, at most one character different: 弥猴桃 -> 猕猴桃, 平果 ->
苹果) or one substituted character that keeps the final product noun (称猴桃 -> 猕猴桃).
Names without Chinese resolve through English names (fuji apple), full pinyin (pingguo) and
initials (pg, when unambiguous); last comes a rapidfuzz WRatio search over all terms.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from .normalise import char_pinyin, is_han, normalise_text, pinyin_forms

CATEGORIES = ("fruit", "vegetables", "grain_oil", "livestock", "aquatic",
              "tea", "fungi", "nuts_dried", "herbs", "processed")
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "refdata" / "catalogue.csv"
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Product:
    code: str
    category: str
    name: str
    aliases: tuple[str, ...]
    traditional: str
    pinyin: str
    english: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every Chinese name of the product, canonical name first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Resolution:
    """How a free-text name was resolved.

    exact: the term was found verbatim (no typo correction, no fuzzy guess).
    score: 1.0 when the whole name is the term, lower for a term found inside a longer
    name (0.95), through pinyin/English (0.95), initials (0.7), a typo (0.85-0.9) or the
    fuzzy fallback (<= 0.8)."""
    product_code: str | None
    category: str | None
    matched_term: str | None
    exact: bool
    score: float


UNRESOLVED = Resolution(None, None, None, False, 0.0)


class Catalogue:
    def __init__(self, products: list[Product]):
        self.products: dict[str, Product] = {p.code: p for p in products}
        self._terms: dict[str, str] = {}          # normalised Chinese term -> code
        self._english: dict[str, str] = {}        # normalised English name -> code
        self._pinyin: dict[str, str] = {}         # full pinyin of a term -> code
        self._initials: dict[str, set[str]] = {}  # initials of a term -> codes
        self._homophones: dict[tuple[str, ...], list[str]] = {}
        self._one_typo: dict[str, list[str]] = {}
        for product in products:
            self._index(product)
        self._maxlen = max(len(t) for t in self._terms)
        self._choices = list(self._terms) + list(self._english) + list(self._pinyin)
        self._choice_codes = [self._terms.get(c) or self._english.get(c) or self._pinyin[c]
                              for c in self._choices]

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> Catalogue:
        """Load refdata/catalogue.csv (or another file with the same columns). Cached per path."""
        return _load_cached(str(Path(path or DEFAULT_PATH).resolve()))

    def _index(self, product: Product) -> None:
        for raw in (*product.terms, product.traditional):
            term = normalise_text(raw)
            if not term:
                continue
            self._terms.setdefault(term, product.code)
            if len(term) >= 2:
                key = tuple(char_pinyin(c) for c in term)
                self._homophones.setdefault(key, []).append(term)
            if len(term) >= 4:
                for i in range(len(term) - 2):  # the final noun must stay
                    self._one_typo.setdefault(term[:i] + "?" + term[i + 1:], []).append(term)
            full, initials = pinyin_forms(term)
            if full:
                self._pinyin.setdefault(full, product.code)
            if len(initials) >= 2:
                self._initials.setdefault(initials, set()).add(product.code)
        for name in product.english:
            self._english.setdefault(normalise_text(name, keep_spaces=True), product.code)

    # ---------------------------------------------------------------- lookups
    def get(self, code: str | None) -> Product | None:
        return self.products.get(code) if code else None

    def category_of(self, code: str | None) -> str | None:
        product = self.get(code)
        return product.category if product else None

    def resolve(self, text: str | None) -> Resolution:
        """Resolve a free-text product name to a catalogue product (see module docstring)."""
        return self._resolve_cached(text or "")

    @lru_cache(maxsize=100_000)  # noqa: B019 - catalogues live for the process
    def _resolve_cached(self, text: str) -> Resolution:
        norm = normalise_text(text)
        if not norm:
            return UNRESOLVED
        for run in reversed(_HAN_RUN.findall(norm)):
            found = self._scan_run(run)
            if found:
                term, exact, score = found
                whole = term == norm
                return self._make(term, exact, 1.0 if whole and exact else score)
        return self._resolve_latin(text) or self._resolve_fuzzy(norm)

    def _make(self, term: str, exact: bool, score: float, code: str | None = None) -> Resolution:
        code = code or self._terms[term]
        return Resolution(code, self.products[code].category, term, exact, round(score, 3))

    def _scan_run(self, run: str) -> tuple[str, bool, float] | None:
        """Right-most ending, then longest, term in a run of Chinese characters. A typo
        reading only wins over an exact single-character term (桃 in 弥猴桃)."""
        for end in range(len(run), 0, -1):
            exact = next((run[end - n:end] for n in range(min(self._maxlen, end), 0, -1)
                          if run[end - n:end] in self._terms), None)
            if exact and len(exact) >= 2:
                return exact, True, 0.95
            # a misspelt final noun (香姑) may change its last character, unless an exact
            # one-character term is there (红梨 is a pear, not 红鲤)
            loose = exact is None and end == len(run)
            for length in range(min(self._maxlen, end), 1, -1):
                typo = self._typo(run[end - length:end], loose)
                if typo:
                    return typo
            if exact:
                return exact, True, 0.95
        return None

    def _typo(self, piece: str, loose: bool = False) -> tuple[str, bool, float] | None:
        """A homophone with at most one different character (two-character pieces must keep
        their last character: 平果 -> 苹果, but 红梨 stays a pear, not 红鲤), or, for pieces of
        four or more characters, one substituted character before the final two."""
        key = tuple(char_pinyin(c) for c in piece)
        for term in self._homophones.get(key, ()):
            if sum(a != b for a, b in zip(term, piece, strict=False)) <= 1 and (
                    len(piece) > 2 or loose or term[-1] == piece[-1]):
                return term, False, 0.9
        for i in range(len(piece) - 2) if len(piece) >= 4 else ():
            terms = self._one_typo.get(piece[:i] + "?" + piece[i + 1:])
            if terms:
                return terms[0], False, 0.85
        return None

    def _resolve_latin(self, text: str) -> Resolution | None:
        words = normalise_text(text, keep_spaces=True).split()
        words = [w for w in words if not any(is_han(c) for c in w)]
        for start in range(len(words)):  # longest suffix of words first
            phrase = " ".join(words[start:])
            for candidate in (phrase, phrase[:-1] if phrase.endswith("s") else None):
                if candidate and candidate in self._english:
                    return self._make(candidate, True, 0.95, self._english[candidate])
        joined = "".join(words)
        if joined in self._pinyin:
            return self._make(joined, True, 0.95, self._pinyin[joined])
        codes = self._initials.get(joined)
        if codes and len(codes) == 1:
            return self._make(joined, True, 0.7, next(iter(codes)))
        return None

    def _resolve_fuzzy(self, norm: str) -> Resolution:
        best = process.extractOne(norm, self._choices, scorer=fuzz.WRatio, score_cutoff=85)
        if not best:
            return UNRESOLVED
        term, score, index = best
        return self._make(term, False, 0.8 * score / 100, self._choice_codes[index])

    def suggest(self, text: str, n: int = 5) -> list[tuple[str, str, float]]:
        """Closest catalogue products for an unknown name: [(code, name, score 0-100)], best first."""
        norm = normalise_text(text)
        if not norm:
            return []
        out: dict[str, float] = {}
        resolved = self.resolve(text)
        if resolved.product_code:
            out[resolved.product_code] = 100 * resolved.score
        for _term, score, index in process.extract(norm, self._choices, scorer=fuzz.WRatio,
                                                   limit=n * 4, score_cutoff=40):
            code = self._choice_codes[index]
            out[code] = max(out.get(code, 0.0), score)
        ranked = sorted(out.items(), key=lambda kv: -kv[1])[:n]
        return [(code, self.products[code].name, round(score, 1)) for code, score in ranked]

    def search_keys(self, text: str) -> list[str]:
        """What a search index should store for a listing name: the simplified normalised
        name, its full pinyin and initials, and when it resolves, the product code with the
        product's name, aliases, their pinyin/initials and English names. Store once, when
        the record is written."""
        norm = normalise_text(text)
        full, initials = pinyin_forms(norm)
        keys = [norm, full, initials]
        resolved = self.resolve(text)
        product = self.get(resolved.product_code)
        if product:
            keys.append(product.code)
            for term in product.terms:
                keys.extend((term, *pinyin_forms(term)))
            keys.extend(normalise_text(e) for e in product.english)
        return [k for k in dict.fromkeys(keys) if k]


def search_keys(text: str, catalogue: Catalogue | None = None) -> list[str]:
    return (catalogue or Catalogue.load()).search_keys(text)


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Catalogue:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    products = []
    for row in rows:
        products.append(Product(
            code=row["code"].strip(), category=row["category"].strip(), name=row["name"].strip(),
            aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()),
            traditional=(row.get("traditional") or "").strip(),
            pinyin=(row.get("pinyin") or "").strip(),
            english=tuple(e.strip() for e in (row.get("english") or "").split("|") if e.strip())))
    return Catalogue(products)
