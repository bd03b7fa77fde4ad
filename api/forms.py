"""The personal token form on the account page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

SCOPE_CHOICES = [("read", _l("Read only")), ("read write", _l("Read and write"))]
EXPIRY_CHOICES = [("7", _l("7 days")), ("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("1 year"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("What the token is for, e.g. the purchasing system"))
    scopes = SelectField(_l("Scopes"), choices=SCOPE_CHOICES, default="read")
    days = SelectField(_l("Expires after"), choices=EXPIRY_CHOICES, default="90")


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking is a POST from a button."""
