"""Referral, consent, service and directory forms; limits come from the models."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from casework.cases.forms import REQUIRED, DayField, VersionedForm, plain_text, text_field
from casework.cases.models import COMMENT_MAX, TEXT_MAX
from casework.referrals.codes import SERVICE_TYPE
from casework.referrals.models import PROVIDER_CONTACT_MAX, PROVIDER_NAME_MAX
from casework.taxonomy import configured_communes
from casework.taxonomy.fields import NOT_LISTED, CodeSelectField
from casework.web.forms import choices, picklist

YES_NO = (("yes", _l("Agrees")), ("no", _l("Does not agree")))
RESPONSES = (("accept", _l("Accepted by the agency")), ("decline", _l("Declined by the agency")))


def answer(value: str | None) -> bool | None:
    """A consent answer from the form: yes, no, or not recorded."""
    return {"yes": True, "no": False}.get(value or "")


class ReferralForm(FlaskForm):
    provider_id = SelectField(_l("Agency"), choices=[], invalid_choice_message=NOT_LISTED,
                              validators=[DataRequired(_l("Choose an agency."))],
                              render_kw=picklist())
    reason = text_field(_l("Why, and what is asked of the agency"), TEXT_MAX)


class ConsentForm(VersionedForm):
    survivor_consent = RadioField(_l("The survivor (the child, if a child)"),
                                  choices=choices(YES_NO), invalid_choice_message=NOT_LISTED,
                                  validators=[Optional()])
    representative_consent = RadioField(_l("The legal representative"),
                                        choices=choices(YES_NO),
                                        invalid_choice_message=NOT_LISTED,
                                        validators=[Optional()])


class OverrideForm(VersionedForm):
    reason = text_field(_l("Why this referral cannot wait for consent"), COMMENT_MAX,
                        required=True)


class ResponseForm(VersionedForm):
    response = RadioField(_l("The agency's answer"), choices=choices(RESPONSES),
                          invalid_choice_message=NOT_LISTED,
                          validators=[InputRequired(_l("Choose the agency's answer."))])


class CompleteForm(VersionedForm):
    outcome = text_field(_l("Outcome"), TEXT_MAX)


class SendForm(VersionedForm):
    """Send a referral whose consents were given: nothing to fill in."""


class ServiceForm(FlaskForm):
    service_type = CodeSelectField(_l("Service or measure"), SERVICE_TYPE,
                                   validators=[InputRequired(_l("Choose a service."))])
    delivered_on = DayField(_l("Date"), validators=[DataRequired(REQUIRED)])
    provider_id = SelectField(_l("Provided by"), choices=[], invalid_choice_message=NOT_LISTED,
                              render_kw=picklist())
    referral_id = SelectField(_l("Following the referral"), choices=[],
                              invalid_choice_message=NOT_LISTED)
    note = text_field(_l("Remarks"), COMMENT_MAX)


class ProviderForm(FlaskForm):
    name = StringField(_l("Agency name"), validators=[
        DataRequired(REQUIRED), Length(max=PROVIDER_NAME_MAX), plain_text])
    service_type = CodeSelectField(_l("Service type"), SERVICE_TYPE, group="service",
                                   validators=[InputRequired(_l("Choose a service type."))])
    commune_code = CodeSelectField(_l("Commune"), configured_communes, render_kw=picklist())
    contact = StringField(_l("Contact (public phone, address)"), validators=[
        Optional(), Length(max=PROVIDER_CONTACT_MAX), plain_text])
    is_active = BooleanField(_l("In use"), default=True)


class DirectoryFilterForm(FlaskForm):
    """The directory's filters, read from the query string."""

    class Meta:
        csrf = False

    service_type = CodeSelectField(_l("Service type"), SERVICE_TYPE, group="service",
                                   render_kw=picklist())
    commune_code = CodeSelectField(_l("Commune"), configured_communes, render_kw=picklist())
