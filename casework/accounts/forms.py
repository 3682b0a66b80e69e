"""Sign-in, profile and user-management forms; limits come from the models."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from casework.accounts.models import DISPLAY_NAME_MAX, USERNAME_MAX
from casework.accounts.passwords import MAX_LENGTH, PasswordPolicyError, check_policy
from casework.accounts.roles import ROLE_LABELS
from casework.i18n import LANGUAGES
from casework.web.forms import choices

REQUIRED = _l("This field is required.")


class PasswordPolicy:
    """WTForms validator running the password policy, with the username when known."""

    def __init__(self, username_field: str | None = None):
        self.username_field = username_field

    def __call__(self, form, field):
        username = form[self.username_field].data if self.username_field else ""
        username = username or getattr(form, "policy_username", "")
        try:
            check_policy(field.data or "", username=username or "")
        except PasswordPolicyError as error:
            raise ValidationError(str(error.args[0])) from None


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED),
                                                       Length(max=USERNAME_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED),
                                                         Length(max=MAX_LENGTH)])
    next = HiddenField()


class TotpForm(FlaskForm):
    code = StringField(_l("6-digit code from your authenticator app"),
                       validators=[DataRequired(REQUIRED), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(REQUIRED), PasswordPolicy()])
    confirm_password = PasswordField(_l("Repeat the new password"),
                                     validators=[DataRequired(REQUIRED)])

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            raise ValidationError(_l("The two passwords differ."))


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Interface language"), choices=choices(LANGUAGES.items()))


def role_choices():
    return choices((role.value, label) for role, label in ROLE_LABELS.items())


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(REQUIRED), Length(min=3, max=USERNAME_MAX),
                    Regexp(r"^[A-Za-z0-9._-]+$",
                           message=_l("Use letters, digits, dot, dash or underscore."))])
    display_name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED),
                                                            Length(max=DISPLAY_NAME_MAX)])
    role = SelectField(_l("Role"), choices=role_choices())
    unit_id = SelectField(_l("Unit"), choices=[])
    locale = SelectField(_l("Interface language"), choices=choices(LANGUAGES.items()))
    password = PasswordField(_l("Temporary password"),
                             validators=[DataRequired(REQUIRED), PasswordPolicy("username")])
    must_change_password = BooleanField(_l("Must change the password at next sign-in"),
                                        default=True)


class EditUserForm(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED),
                                                            Length(max=DISPLAY_NAME_MAX)])
    role = SelectField(_l("Role"), choices=role_choices())
    unit_id = SelectField(_l("Unit"), choices=[])
    locale = SelectField(_l("Interface language"), choices=choices(LANGUAGES.items()))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Temporary password"),
                             validators=[DataRequired(REQUIRED), PasswordPolicy()])


class ConfirmForm(FlaskForm):
    """An empty form: a POST button protected by its CSRF token."""
