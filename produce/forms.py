"""Forms. They parse and show errors; the rules live in produce/validation.py and the services, whose
errors are put back on the matching field (so the API and the pages say the same thing)."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from produce.models import ALIAS_KINDS
from produce.units import PRICE_UNITS, QUANTITY_UNITS

KIND_LABELS = {
    "farmer": _l("Farmer"), "cooperative": _l("Co-operative (合作社)"), "family_farm": _l("Family farm (家庭农场)"),
    "enterprise": _l("Agri-enterprise"),
}
CERT_LABELS = {
    "green_food": _l("Green food (绿色食品)"), "organic": _l("Organic (有机)"),
    "gi": _l("Geographical indication (地理标志)"), "pollution_free": _l("Pollution-free (无公害)"),
}
STATUS_LABELS = {
    "draft": _l("Draft"), "active": _l("On sale"), "paused": _l("Paused"), "sold_out": _l("Sold out"),
    "expired": _l("Expired"),
}
SORT_LABELS = {"relevance": _l("Relevance"), "price": _l("Price (per kg, low first)"), "newest": _l("Newest")}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ListingForm(FlaskForm):
    product = StringField(_l("Product"), validators=[DataRequired(), Length(max=60)],
                          render_kw={"placeholder": "赣南脐橙", "autocomplete": "off"})
    variety = StringField(_l("Variety"), validators=[Optional(), Length(max=60)])
    spec = StringField(_l("Grade / spec"), validators=[Optional(), Length(max=120)],
                       render_kw={"placeholder": "80mm以上 一级果 10斤/箱"})
    quantity = StringField(_l("Quantity"), validators=[DataRequired()], render_kw={"inputmode": "decimal"})
    unit = SelectField(_l("Unit"), choices=[(u, u) for u in QUANTITY_UNITS])
    net_weight_kg = StringField(_l("Net weight per unit (kg)"), validators=[Optional()],
                                render_kw={"inputmode": "decimal"})
    price = StringField(_l("Price (empty: negotiable)"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    price_unit = SelectField(_l("Price unit"), choices=[(u, u) for u in PRICE_UNITS])
    min_order = StringField(_l("Minimum order (in the unit above)"), validators=[Optional()],
                            render_kw={"inputmode": "decimal"})
    available_from = DateField(_l("Available from"), default=date.today)
    available_to = DateField(_l("Available until"), default=lambda: date.today() + timedelta(days=60))
    county_code = StringField(_l("Origin county"), validators=[Optional(), Length(max=6)])
    certifications = CheckboxesField(_l("Certifications"), choices=list(CERT_LABELS.items()))
    description = TextAreaField(_l("Description of the produce"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def listing_data(self) -> dict:
        """Only the listing's own fields: anything else posted (producer_id, status...) is ignored."""
        from produce.validation import FIELDS

        data = {name: self[name].data for name in FIELDS if name != "product"}
        data["product"] = self.product.data
        for name in ("available_from", "available_to"):
            if data[name] is None:
                data[name] = (self[name].raw_data or [""])[0]
        return data


class PhotoForm(FlaskForm):
    photos = MultipleFileField(_l("Photos (JPEG, PNG or WebP)"))


class ProfileForm(FlaskForm):
    kind = SelectField(_l("Kind of producer"), choices=list(KIND_LABELS.items()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    county_code = StringField(_l("County"), validators=[DataRequired(), Length(min=6, max=6)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=32)],
                                render_kw={"inputmode": "tel"})
    introduction = TextAreaField(_l("Introduction"), validators=[Optional(), Length(max=4000)])


class CertificationForm(FlaskForm):
    kind = SelectField(_l("Certification"), choices=list(CERT_LABELS.items()))
    number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=64)])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])


class MemberForm(FlaskForm):
    email = StringField(_l("E-mail of the member's producer account"), validators=[DataRequired(), Email()])


class ContactForm(FlaskForm):
    message = TextAreaField(_l("Message to the producer"), validators=[DataRequired(), Length(max=1000)],
                            render_kw={"rows": 3})


class ProductForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=48)])
    category_code = SelectField(_l("Category"))
    name = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=32)])
    traditional = StringField(_l("Traditional characters"), validators=[Optional(), Length(max=32)])
    pinyin = StringField(_l("Pinyin"), validators=[Optional(), Length(max=96)])
    english = StringField(_l("English names (separated by |)"), validators=[Optional(), Length(max=200)])


class AliasForm(FlaskForm):
    alias = StringField(_l("Alias"), validators=[DataRequired(), Length(max=32)])
    kind = SelectField(_l("Kind"), choices=[(k, k) for k in ALIAS_KINDS])


class ImportForm(FlaskForm):
    file = FileField(_l("XLSX or CSV file"))
