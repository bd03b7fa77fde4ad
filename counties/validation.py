"""Field validation shared by forms, imports and the API: one message per field, never a 500."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from core import regions
from counties import periods
from counties.seed import KIND_UNITS, canonical_unit

TRUE_WORDS = {"1", "是", "有", "y", "yes", "true", "已建成", "建成"}
FALSE_WORDS = {"0", "否", "无", "n", "no", "false", "未建成"}
MAX_VALUE = Decimal("1e12")


@dataclass
class FieldError(Exception):
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class FieldErrors(Exception):
    """Several fields at once (a form with many values): every bad field gets its own message."""

    errors: list[FieldError]


def period(text, today: date | None = None, field: str = "period") -> periods.Period:
    try:
        return periods.parse(text, today)
    except periods.PeriodError as error:
        messages = {
            "format": _("Enter a quarter like 2025Q3 or a year like 2025."),
            "too_early": _("The programme started in %(year)d; earlier periods are not accepted.",
                           year=periods.FIRST_YEAR),
            "future": _("The period lies in the future."),
        }
        raise FieldError(field, messages[error.reason])


def decimal(text, field: str, places: int = 2, minimum: Decimal | None = Decimal(0)) -> Decimal:
    raw = str(text).strip().replace(",", "").replace("，", "") if text is not None else ""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise FieldError(field, _("Enter a number."))
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise FieldError(field, _("Enter a number."))
    if minimum is not None and number < minimum:
        raise FieldError(field, _("Must not be negative."))
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise FieldError(field, _("At most %(n)d decimal places.", n=places))
    return number


def indicator_value(indicator, text, field: str) -> Decimal:
    """A value in the indicator's kind: percent 0-100, counts whole and non-negative, booleans 0/1."""
    raw = str(text).strip().rstrip("%％").strip() if text is not None else ""
    if indicator.kind == "boolean":
        word = raw.lower()
        if word in TRUE_WORDS:
            return Decimal(1)
        if word in FALSE_WORDS:
            return Decimal(0)
        raise FieldError(field, _("Enter 1 (yes) or 0 (no)."))
    if indicator.kind == "count":
        number = decimal(raw, field, places=3)
        if number != number.to_integral_value():
            raise FieldError(field, _("A count must be a whole number."))
        return number
    number = decimal(raw, field, places=2)
    if indicator.kind == "percent" and number > 100:
        raise FieldError(field, _("A percentage must be between 0 and 100."))
    return number


def unit_matches(indicator, text, field: str = "unit") -> None:
    """An imported unit, when given, must be the indicator's unit (万元 is not 元, % is not a count)."""
    if text is None or not str(text).strip():
        return
    if canonical_unit(str(text)) != canonical_unit(indicator.unit):
        raise FieldError(field, _("Unit %(given)s does not match the indicator's unit %(unit)s.",
                                  given=str(text).strip(), unit=indicator.unit or "—"))


def kind_unit(kind: str, unit: str, field: str = "unit") -> str:
    unit = canonical_unit(unit)
    expected = KIND_UNITS.get(kind)
    if expected is not None and unit != expected:
        raise FieldError(field, _("An indicator of this kind must use the unit “%(unit)s”.", unit=expected or "—"))
    if kind == "count" and not unit:
        raise FieldError(field, _("Give the counting unit, for example 个 or 人次."))
    return unit


def county_code(text, field: str = "code") -> str:
    code = str(text or "").strip()
    if code.endswith(".0"):  # spreadsheets turn 360732 into 360732.0
        code = code[:-2]
    if not regions.is_valid_county(code):
        raise FieldError(field, _("Not a current county code (GB/T 2260), for example 360732."))
    return code


def batch_year(text, today: date | None = None, field: str = "batch_year") -> int:
    raw = str(text or "").strip().removesuffix(".0").removesuffix("年")
    this_year = (today or date.today()).year
    if not raw.isdigit() or not periods.FIRST_YEAR <= int(raw) <= this_year:
        raise FieldError(field, _("Enter a batch year between %(first)d and %(last)d.",
                                  first=periods.FIRST_YEAR, last=this_year))
    return int(raw)


def flag(text, field: str) -> bool:
    word = str(text if text is not None else "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    raise FieldError(field, _("Enter 是 or 否 (yes or no)."))
