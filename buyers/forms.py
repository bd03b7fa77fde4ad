"""Buyer forms (Flask-WTF: every one carries a CSRF token). Services re-check every rule."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from buyers import credit_code as cc

TYPE_CHOICES = [("wholesale_market", _l("Wholesale market")), ("supermarket", _l("Supermarket chain")),
                ("ecommerce", _l("E-commerce platform or shop")), ("processor", _l("Processor")),
                ("catering", _l("Restaurant or canteen")), ("exporter", _l("Exporter")),
                ("distributor", _l("Distributor"))]
CERT_CHOICES = [("green_food", _l("Green food")), ("organic", _l("Organic")),
                ("gi", _l("Geographical indication")), ("pollution_free", _l("Pollution-free"))]
FREQ_CHOICES = [("one_off", _l("One-off")), ("weekly", _l("Weekly")), ("monthly", _l("Monthly")),
                ("seasonal", _l("Seasonal"))]
STATUS_CHOICES = [("open", _l("Open")), ("paused", _l("Paused")), ("fulfilled", _l("Fulfilled")),
                  ("closed", _l("Closed"))]
UNIT_CHOICES = [(u, u) for u in ("斤", "公斤", "吨", "箱", "件", "个", "头", "只")]
PRICE_UNIT_CHOICES = [("", _l("(no ceiling)"))] + [(f"元/{u}", f"元/{u}") for u, _x in UNIT_CHOICES]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CreditCode:
    def __call__(self, form, field):
        code = cc.normalise(field.data)
        field.data = code
        if code and cc.problem(code):
            from buyers.services import credit_code_message

            raise ValidationError(credit_code_message(cc.problem(code)))


class OrgForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("Type of buyer"), choices=TYPE_CHOICES, validators=[DataRequired()])
    credit_code = StringField(_l("Unified social credit code"), validators=[Optional(), CreditCode()])
    county_code = StringField(_l("Region"), validators=[DataRequired(), Length(min=6, max=6)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    annual_volume_tons = DecimalField(_l("Annual purchase volume (tonnes)"),
                                      validators=[Optional(), NumberRange(min=0, max=1e10)])
    products_of_interest = StringField(_l("Products of interest"), validators=[Optional(), Length(max=1000)])
    preferred_origin_codes = StringField(_l("Preferred origins (region codes)"),
                                         validators=[Optional(), Length(max=500)])
    delivery_region_codes = StringField(_l("Delivery regions (region codes)"),
                                        validators=[Optional(), Length(max=500)])
    source = StringField(_l("Source of the record"), validators=[Optional(), Length(max=200)])
    version = HiddenField()


class ContactForm(FlaskForm):
    name = StringField(_l("Contact name"), validators=[DataRequired(), Length(max=100)])
    role = StringField(_l("Position"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    private = BooleanField(_l("Private (only our users and officials see it)"))


class MemberForm(FlaskForm):
    email = EmailField(_l("E-mail of the buyer account"), validators=[DataRequired(), Email(), Length(max=254)])


class DemandForm(FlaskForm):
    product_name = StringField(_l("Product"), validators=[DataRequired(), Length(max=100)])
    variety = StringField(_l("Variety"), validators=[Optional(), Length(max=100)])
    spec = StringField(_l("Grade / spec"), validators=[Optional(), Length(max=200)])
    quantity_min = DecimalField(_l("Quantity from"), validators=[DataRequired(), NumberRange(min=0.001, max=1e10)])
    quantity_max = DecimalField(_l("Quantity to"), validators=[DataRequired(), NumberRange(min=0.001, max=1e10)])
    unit = SelectField(_l("Unit"), choices=UNIT_CHOICES, validators=[DataRequired()])
    price_max = DecimalField(_l("Price ceiling"), validators=[Optional(), NumberRange(min=0.01, max=1e10)])
    price_unit = SelectField(_l("Price unit"), choices=PRICE_UNIT_CHOICES, validators=[Optional()])
    delivery_county_code = StringField(_l("Delivery region"), validators=[DataRequired(), Length(min=6, max=6)])
    preferred_province_codes = StringField(_l("Preferred provinces of origin (codes)"),
                                           validators=[Optional(), Length(max=300)])
    needed_from = DateField(_l("Needed from"), validators=[DataRequired()])
    needed_to = DateField(_l("Needed until"), validators=[DataRequired()])
    required_certifications = MultiCheckboxField(_l("Required certifications"), choices=CERT_CHOICES)
    frequency = SelectField(_l("Frequency"), choices=FREQ_CHOICES, validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def validate_quantity_max(self, field):
        if self.quantity_min.data is not None and field.data is not None and field.data < self.quantity_min.data:
            raise ValidationError(_l("The maximum quantity must not be below the minimum."))

    def validate_needed_to(self, field):
        if self.needed_from.data and field.data and field.data < self.needed_from.data:
            raise ValidationError(_l("The end of the window must not be before its start."))

    def validate_price_unit(self, field):
        if self.price_max.data is not None and not field.data:
            raise ValidationError(_l("Choose the unit of the price ceiling."))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[DataRequired()])
    version = HiddenField()


class SavedSearchForm(FlaskForm):
    name = StringField(_l("Name of the saved search"), validators=[Optional(), Length(max=100)])
    q = HiddenField()
    product = HiddenField()
    province_code = HiddenField()
    county_code = HiddenField()
    certification = HiddenField()
    verified = HiddenField()
    kind = HiddenField()


class ActionForm(FlaskForm):
    """A button that posts: CSRF only."""


class ImportForm(FlaskForm):
    file = FileField(_l("Buyer list (CSV or XLSX)"), validators=[FileRequired()])


class MergeForm(FlaskForm):
    survivor_id = IntegerField(_l("Keep this record (ID)"), validators=[DataRequired(), NumberRange(min=1)])
    merged_id = IntegerField(_l("Merge this record into it (ID)"), validators=[DataRequired(), NumberRange(min=1)])

    def validate_merged_id(self, field):
        if field.data == self.survivor_id.data:
            raise ValidationError(_l("Choose two different records."))
