"""Forms: registry record, one period's values (fields built from the indicator rows), imports, indicators,
targets. Forms only parse; the rules live in services/validation so imports and the API share them."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

FLAG_LABELS = {
    "border": _l("Border county"),
    "ethnic": _l("Ethnic minority area"),
    "rural_revitalisation_key": _l("Key county for rural revitalisation"),
    "major_grain": _l("Major grain-producing county"),
    "western": _l("Western region"),
}
KIND_LABELS = {
    "percent": _l("Percentage (%)"),
    "count": _l("Count"),
    "amount_wan": _l("Amount (10k yuan)"),
    "area_m2": _l("Floor area (m²)"),
    "boolean": _l("Yes / no"),
}
STATUS_LABELS = {
    "met": _l("Met"),
    "on_track": _l("On track"),
    "behind": _l("Behind"),
    "no_data": _l("No data"),
}


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CountyForm(FlaskForm):
    code = StringField(_l("County code (GB/T 2260)"), validators=[DataRequired(), Length(max=6)])
    batch_year = IntegerField(_l("Batch year"), validators=[DataRequired()])
    poverty_override = SelectField(
        _l("National poverty county"),
        choices=[("auto", _l("From the national list")), ("1", _l("Yes (override)")), ("0", _l("No (override)"))],
        default="auto",
    )
    old_revolutionary_area = BooleanField(_l("Old revolutionary base area"))
    programme_flags = CheckboxList(_l("Other programme flags"), choices=list(FLAG_LABELS.items()))
    central_allocated = StringField(_l("Central funds allocated (10k yuan)"), default="0")
    central_disbursed = StringField(_l("Central funds disbursed (10k yuan)"), default="0")
    local_allocated = StringField(_l("Local funds allocated (10k yuan)"), default="0")
    local_disbursed = StringField(_l("Local funds disbursed (10k yuan)"), default="0")
    officials = StringField(_l("Responsible officials (emails, separated by ;)"), validators=[Length(max=1000)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


def values_form_class(indicators):
    """A form with a period field and one optional text field per active indicator (named by its code)."""

    class ValuesForm(FlaskForm):
        period = StringField(_l("Period (quarter like 2025Q3, or year)"), validators=[DataRequired()])

    for indicator in indicators:
        setattr(ValuesForm, indicator.code, StringField(validators=[Optional(), Length(max=30)]))
    return ValuesForm


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    unit = StringField(_l("Unit"), validators=[Length(max=16)])
    flow = BooleanField(_l("Adds up over periods (sales, trainees)"))
    definition = TextAreaField(_l("Definition"), validators=[Length(max=2000)])
    sort_order = IntegerField(_l("Order"), default=100, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)


class TargetForm(FlaskForm):
    indicator_id = SelectField(_l("Indicator"), coerce=int)
    kind = SelectField(_l("Kind"), choices=[("at_least", _l("At least the threshold")),
                                            ("growth_above_average",
                                             _l("Growth above the regional average by (percentage points)"))])
    threshold = StringField(_l("Threshold"), validators=[DataRequired()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    scope_code = StringField(_l("Region (blank = national)"), validators=[Optional(), Length(max=6)])
    description = StringField(_l("Description"), validators=[Length(max=200)])
