"""Chinese company names taken apart for entity resolution: 行政区划 + 字号 + 行业 + 组织形式 (+ 分公司).

江西省赣州市绿源农业发展有限公司 -> places (赣州), core 绿源农业发展, brand (字号) 绿源. Region prefixes,
bracketed regions ((江西), (中国)), company-form suffixes (有限公司, 股份有限公司, 合作社 ...) and full-width
forms are removed; a branch (...福州仓山分公司) is kept apart. Two rules keep a trade name that happens to be a
region name elsewhere (东方红, 德州富民, 泉州青山): a chain of region prefixes must descend the hierarchy
(江西省赣州市兴国县), and a prefix is put back when stripping it would leave no trade name of two characters.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .normalise import to_simplified
from .regions import region_codes, within

LEGAL_SUFFIXES = ("集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司",
                  "有限公司", "农民专业合作社联合社", "农民专业合作社", "专业合作社", "合作联社", "合作社",
                  "责任公司", "总公司", "集团", "公司", "经营部", "商行", "股份", "厂")
BRANCH_MARKERS = ("分公司", "分店", "营业部", "分部", "办事处")
TRADE_WORDS = ("农业发展", "农业开发", "农业科技", "农副产品", "农产品", "生态农业", "现代农业", "农业",
               "科技发展", "科技", "发展", "实业", "贸易", "商贸", "国际贸易", "进出口", "食品", "果蔬", "蔬菜",
               "水果", "超市", "连锁", "电子商务", "电商", "供应链管理", "供应链", "物流", "批发市场", "市场",
               "投资", "开发", "种植", "养殖", "生态", "管理", "服务", "餐饮", "配送", "网络", "信息技术",
               "生鲜", "粮油", "果业", "茶业", "米业", "乳业", "蛋业", "肉业", "禽业", "菌业", "种业", "水产",
               "果品", "茶叶", "花卉", "苗木", "药材", "畜牧", "产销")
MIN_TRADE_NAME = 2  # a 字号 has at least two characters (企业名称登记管理规定)
_BRACKETS = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
NON_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


@dataclass(frozen=True)
class CompanyName:
    core: str            # name without regions, brackets and company-form suffixes
    brand: str           # core without trailing trade words (the 字号)
    branch: str          # "福州仓山" of ...福州仓山分公司, else ""
    region_code: str     # most specific region named in the name, else ""
    places: tuple = ()   # every code that most specific region name may stand for (朝阳: Beijing, Changchun ...)


def region_prefix(text: str, full_names_only: bool = False) -> tuple[str, tuple[str, ...], list[tuple[str, tuple]]]:
    """Strips a chain of region names from the front of normalised text. Each name must lie inside the
    one before it, so 泉州青山 stops after 泉州 (青山 is a district of Wuhan and Baotou, not of Quanzhou).
    Returns (rest, codes of the last name, steps to undo: (text before, codes before) per name)."""
    names = region_codes(full_names_only)
    scope: tuple[str, ...] = ()
    steps: list[tuple[str, tuple]] = []
    while len(text) > 1:
        for length in range(min(12, len(text) - 1), 1, -1):
            piece = text[:length]
            if piece not in names:
                continue
            codes = names[piece]
            if scope:
                codes = tuple(c for c in codes if any(within(c, s) for s in scope))
            if codes:
                steps.append((text, scope))
                text, scope = text[length:], codes
                break
        else:
            break
    return text, scope, steps


@lru_cache(maxsize=20_000)
def branch_key(branch: str) -> str:
    """What a branch is compared by: its region code when the branch is a region named without doubt
    (武汉洪山 and 洪山 are both 420111), else its text (鼓楼 is a district of four cities)."""
    rest, codes, _steps = region_prefix(branch + "|")  # the sentinel lets the whole branch be a region
    return codes[0] if rest == "|" and len(codes) == 1 else branch


def _suffix_pattern(suffixes) -> re.Pattern:
    """Strips any run of the suffixes at the end, keeping at least one character."""
    alternatives = "|".join(sorted(map(re.escape, suffixes), key=len, reverse=True))
    return re.compile(rf"^(.+?)(?:{alternatives})+$")


_LEGAL_TAIL = _suffix_pattern(LEGAL_SUFFIXES)
_TRADE_TAIL = _suffix_pattern(TRADE_WORDS)
_TRADE_SET = frozenset(TRADE_WORDS)
_ONLY_TRADE = re.compile("(?:" + "|".join(sorted(map(re.escape, TRADE_WORDS), key=len, reverse=True)) + ")+")
_BRANCH_TAIL = re.compile("(?:" + "|".join(BRANCH_MARKERS) + ")$")


def _strip_suffixes(text: str, pattern: re.Pattern) -> str:
    match = pattern.match(text)
    return match.group(1) if match else text


def _core_and_brand(text: str) -> tuple[str, str]:
    core = _strip_suffixes(text, _LEGAL_TAIL) or text
    brand = _strip_suffixes(core, _TRADE_TAIL) or core
    if brand in _TRADE_SET and _ONLY_TRADE.fullmatch(core):  # 果蔬配送: trade words, no trade name
        brand = ""
    return core, brand


def _strip_region_suffix(text: str) -> str:
    """福州仓山 off the end of 永辉超市福州仓山 (a branch written without the parent's legal form)."""
    names = region_codes()
    changed = True
    while changed and len(text) > 2:
        changed = False
        for length in range(min(12, len(text) - 2), 1, -1):
            if text[-length:] in names:
                text, changed = text[:-length], True
                break
    return text


def _split_branch(text: str) -> tuple[str, str]:
    """(company, branch) of a name ending in a branch marker; the branch keeps the region it names."""
    if not text.endswith(BRANCH_MARKERS):
        return text, ""
    for marker in BRANCH_MARKERS:
        if text.endswith(marker) and len(text) > len(marker):
            body = text[: -len(marker)]
            cut = max((body.rfind(s) + len(s) for s in LEGAL_SUFFIXES[:6] if s in body), default=-1)
            if cut <= 0:
                cut = len(_strip_region_suffix(body))
            return body[:cut], body[cut:] or marker
    return text, ""


def _level(codes: tuple) -> tuple[bool, bool]:
    return (codes[0][4:] != "00", codes[0][2:] != "0000") if codes else (False, False)


@lru_cache(maxsize=400_000)
def normalise_company(name: str) -> CompanyName:
    """绿源农业发展有限公司（江西） -> core 绿源农业发展, brand 绿源; see module docstring."""
    names = region_codes()
    text = to_simplified(unicodedata.normalize("NFKC", name or "").lower())
    bracketed: list[tuple] = []

    def bracket(match):
        inner = NON_WORD.sub("", match.group(1))
        if inner in names:
            bracketed.append(names[inner])
            return ""
        return inner
    has_branch = bool(_BRANCH_TAIL.search(NON_WORD.sub("", text)))
    # a branch's bracketed region names the branch: 永辉超市（福州）分公司
    text = NON_WORD.sub("", _BRACKETS.sub((lambda m: m.group(1)) if has_branch else bracket, text))
    text, branch = _split_branch(text)
    text, scope, steps = region_prefix(text)
    core, brand = _core_and_brand(text)
    while len(brand) < MIN_TRADE_NAME and steps:  # 东方红商贸: 东方 is the trade name, not 东方市
        text, scope = steps.pop()
        core, brand = _core_and_brand(text)
    places = scope if scope and scope[0] != "000000" else ()
    if bracketed:
        named = [codes for codes in (scope, *bracketed) if codes and codes[0] != "000000"]
        places = max(named, key=_level, default=())
    return CompanyName(core, brand, branch, places[0] if places else "", places)
