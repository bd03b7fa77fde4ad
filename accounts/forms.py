"""Account forms; every one carries a CSRF token through FlaskForm."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError

from accounts.passwords import MAX_LENGTH, password_problems
from core import regions

ROLE_CHOICES = [("producer", _l("Producer")), ("buyer", _l("Buyer")), ("official", _l("Official")),
                ("admin", _l("Administrator"))]
KIND_CHOICES = [("", _l("(not a producer)")), ("farmer", _l("Farmer")), ("cooperative", _l("Co-operative")),
                ("family_farm", _l("Family farm")), ("enterprise", _l("Agri-enterprise"))]


class StrongPassword:
    def __init__(self, email_field: str = "email"):
        self.email_field = email_field

    def __call__(self, form, field):
        email_field = getattr(form, self.email_field, None)
        problems = password_problems(field.data or "", email_field.data if email_field else "")
        if problems:
            raise ValidationError(" ".join(problems))


def _email_field():
    return EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                      filters=[lambda v: v.strip().lower() if v else v])


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class RegisterForm(FlaskForm):
    email = _email_field()
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=32)])
    role = SelectField(_l("I am a"), choices=ROLE_CHOICES[:2], validators=[DataRequired()])
    producer_kind = SelectField(_l("Producer kind"), choices=KIND_CHOICES, validators=[Optional()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])

    def validate_producer_kind(self, field):
        if self.role.data == "producer" and not field.data:
            raise ValidationError(_l("Choose the kind of producer."))
        if self.role.data != "producer":
            field.data = None


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    email = HiddenField()
    password = PasswordField(_l("New password"), validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class RegionCodeField(StringField):
    """A six-digit GB/T 2260 code; the region picker fills it on the page."""

    def pre_validate(self, form):
        if self.data and regions.get(self.data.strip()) is None:
            raise ValidationError(_l("Unknown region code."))


class AdminCreateUserForm(FlaskForm):
    email = _email_field()
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    producer_kind = SelectField(_l("Producer kind"), choices=KIND_CHOICES, validators=[Optional()])
    region_code = RegionCodeField(_l("Region (officials)"),
                                  validators=[Regexp(r"^(\d{6})?$", message=_l("Six digits, e.g. 360732."))])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), StrongPassword()])

    def validate_region_code(self, field):
        if self.role.data == "official" and not field.data:
            raise ValidationError(_l("An official needs a region."))

    def validate_producer_kind(self, field):
        if self.role.data == "producer" and not field.data:
            raise ValidationError(_l("Choose the kind of producer."))


class AdminResetPasswordForm(FlaskForm):
    email = HiddenField()
    password = PasswordField(_l("New password"), validators=[DataRequired(), StrongPassword()])
