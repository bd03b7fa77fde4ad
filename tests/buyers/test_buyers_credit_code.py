"""统一社会信用代码 check (GB 32100-2015): real valid codes pass; wrong check digits, lengths and letters fail."""
import pytest
from buyers_helpers import VALID_CODES

from buyers import credit_code


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_codes_are_valid(code):
    assert credit_code.is_valid(code)
    assert credit_code.problem(code) is None


@pytest.mark.parametrize("code", VALID_CODES)
def test_every_other_check_character_is_rejected(code):
    wrong = [c for c in credit_code.ALPHABET if c != code[-1]]
    assert all(credit_code.problem(code[:17] + c) == "check_digit" for c in wrong)


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382166", "", "9"])
def test_wrong_length(code):
    assert credit_code.problem(code) == "length"
    assert not credit_code.is_valid(code)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters(letter):
    code = "91330100799655058" + letter
    assert credit_code.problem(code) == "forbidden"


def test_lower_case_and_full_width_are_normalised():
    assert credit_code.is_valid("91330100799655058b")
    assert credit_code.is_valid("９１３３０１００７９９６５５０５８Ｂ")


def test_single_typo_in_body_is_caught():
    code = VALID_CODES[0]
    typo = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    assert credit_code.problem(typo) == "check_digit"


def test_complete_computes_a_valid_code():
    assert credit_code.complete(VALID_CODES[1][:17]) == VALID_CODES[1]


def test_agrees_with_the_matching_library():
    import matching

    for code in VALID_CODES:
        assert matching.valid_credit_code(code)
        assert not matching.valid_credit_code(code[:17] + ("0" if code[-1] != "0" else "1"))
