"""统一社会信用代码 (unified social credit code) check, GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capital letters without I, O, Z, S, V):
registration authority (1), organisation type (1), region code (6 digits), organisation code (9),
check character (1). The check character is 31 - (sum of value * 3^i mod 31) mod 31 over the first 17.
"""
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
LENGTH = 18
FORBIDDEN = set("IOZSV")


def normalise(code: str | None) -> str:
    """Upper case, full-width forms folded, spaces removed."""
    if not code:
        return ""
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in code)
    return "".join(folded.split()).upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None when the code is valid; otherwise a short English reason (translated by the caller)."""
    if len(code) != LENGTH:
        return "length"
    if any(char in FORBIDDEN for char in code):
        return "forbidden"
    if any(char not in VALUES for char in code):
        return "characters"
    if not code[2:8].isdigit():
        return "region"
    if check_character(code[:17]) != code[17]:
        return "check_digit"
    return None


def is_valid(code: str | None) -> bool:
    return bool(code) and problem(normalise(code)) is None


def complete(first17: str) -> str:
    """The full 18-character code for 17 leading characters (used by demo data and tests)."""
    return first17 + check_character(first17)
