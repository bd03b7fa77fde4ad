"""Forms of the fairs pages (Flask-WTF: CSRF on every one)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

CATEGORY_CHOICES = [
    ("fruit", _l("Fruit")), ("vegetables", _l("Vegetables")), ("grain_oil", _l("Grain and oil")),
    ("livestock", _l("Livestock and poultry")), ("aquatic", _l("Aquatic products")), ("tea", _l("Tea")),
    ("fungi", _l("Edible fungi")), ("nuts_dried", _l("Nuts and dried goods")), ("herbs", _l("Medicinal herbs")),
    ("processed", _l("Processed food")),
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FairForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    region_code = StringField(_l("Organising region"), validators=[DataRequired(), Length(min=6, max=6)])
    categories = MultiCheckboxField(_l("Product categories"), choices=CATEGORY_CHOICES)
    target_regions = StringField(_l("Target regions (codes, comma separated)"), validators=[Optional(),
                                                                                             Length(max=500)])
    priority_poverty = BooleanField(_l("Priority for poverty counties"), default=True)
    priority_old_revolutionary = BooleanField(_l("Priority for old revolutionary base areas"))
    registration_opens_on = DateField(_l("Registration opens"), validators=[InputRequired()])
    registration_closes_on = DateField(_l("Registration closes"), validators=[InputRequired()])
    starts_on = DateField(_l("First fair day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last fair day"), validators=[InputRequired()])
    day_start = TimeField(_l("Meetings from (Beijing time)"), validators=[InputRequired()])
    day_end = TimeField(_l("Meetings until (Beijing time)"), validators=[InputRequired()])
    slot_minutes = IntegerField(_l("Slot length (minutes)"), default=30,
                                validators=[InputRequired(), NumberRange(5, 240)])
    max_meetings_per_day = IntegerField(_l("Meetings per participant per day (max)"), default=8,
                                        validators=[InputRequired(), NumberRange(1, 50)])
    meeting_link_template = StringField(_l("Meeting link template"), validators=[Optional(), Length(max=300)],
                                        default="https://meet.example.org/harvestlink-{fair_id}-{meeting_id}")

    def service_data(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "title", "theme", "description", "region_code", "categories", "priority_poverty",
            "priority_old_revolutionary", "registration_opens_on", "registration_closes_on", "starts_on",
            "ends_on", "day_start", "day_end", "slot_minutes", "max_meetings_per_day", "meeting_link_template")}
        data["theme"] = data["theme"] or ""
        data["description"] = data["description"] or ""
        data["meeting_link_template"] = data["meeting_link_template"] or ""
        raw = (self.target_regions.data or "").replace("，", ",")
        data["target_region_codes"] = [c.strip() for c in raw.split(",") if c.strip()]
        return data


class TransitionForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])


class RegistrationForm(FlaskForm):
    listing_ids = MultiCheckboxField(_l("Listings you bring"), coerce=int)
    demand_ids = MultiCheckboxField(_l("Demands you bring"), coerce=int)


class QuickDemandForm(FlaskForm):
    """A compact demand form on the registration page; the buyers package's service creates the demand."""

    product_name = StringField(_l("Product"), validators=[DataRequired(), Length(max=100)])
    quantity_min = DecimalField(_l("Quantity from"), places=3, validators=[InputRequired(), NumberRange(min=0)])
    quantity_max = DecimalField(_l("Quantity to"), places=3, validators=[InputRequired(), NumberRange(min=0)])
    unit = SelectField(_l("Unit"), choices=[(u, u) for u in ("公斤", "斤", "吨", "箱", "件", "个", "头", "只")])
    price_max = DecimalField(_l("Price ceiling"), places=2, validators=[Optional(), NumberRange(min=0)])
    price_unit = SelectField(_l("Price unit"), choices=[(u, u) for u in (
        "元/公斤", "元/斤", "元/吨", "元/箱", "元/件", "元/个", "元/头", "元/只")])
    needed_from = DateField(_l("Needed from"), validators=[InputRequired()])
    needed_to = DateField(_l("Needed until"), validators=[InputRequired()])


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))],
                          validators=[DataRequired()])
    reason = StringField(_l("Reason (needed to reject)"), validators=[Optional(), Length(max=500)])


class InviteForm(FlaskForm):
    product = StringField(_l("Product"), validators=[DataRequired(), Length(max=60)])
    region_code = StringField(_l("Region code (default: the fair's)"), validators=[Optional(), Length(min=6, max=6)])


class AddPairForm(FlaskForm):
    listing_id = SelectField(_l("Listing"), coerce=int, validators=[InputRequired()])
    demand_id = SelectField(_l("Demand"), coerce=int, validators=[InputRequired()])


class PrefixedForm(FlaskForm):
    """One of several forms on a page: it counts as submitted only when its own prefixed fields were posted."""

    def submit_ok(self) -> bool:
        from flask import request

        return (request.method == "POST" and any(k.startswith(self._prefix) for k in request.form)
                and self.validate_on_submit())


class SlotsForm(PrefixedForm):
    slots = MultiCheckboxField(_l("Proposed slots (up to three)"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class BookForm(PrefixedForm):
    # The service and the database judge the slot (it may have gone since the page was drawn).
    slot = SelectField(_l("Slot"), validators=[DataRequired()], validate_choice=False)


class AnswerForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    slot = HiddenField()


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=4000)])
    attachment = FileField(_l("Attachment (image or PDF)"))


class AgreementForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("intent", _l("Intent agreement")), ("deal", _l("Deal"))])
    product_name = StringField(_l("Product"), validators=[DataRequired(), Length(max=100)])
    quantity = DecimalField(_l("Quantity"), places=3, validators=[InputRequired(), NumberRange(min=0)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=20)], default="公斤")
    amount = DecimalField(_l("Amount (yuan)"), places=2, validators=[InputRequired(), NumberRange(min=0)])
    signed_on = DateField(_l("Date"), validators=[InputRequired()])


class ActionForm(FlaskForm):
    """An empty form: a POST button with CSRF."""
