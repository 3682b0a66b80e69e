"""Call forms: start, close a non-data call, the data-call record, filters. Limits from the model.

The data-call form asks first for what matters most: the kind of call and the danger, then
who (caller, survivor), then what happened, then consents and the narrative.
"""

from __future__ import annotations

import re
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from casework import taxonomy
from casework.intake.models import ADDRESS_MAX, MAX_AGE, NAME_MAX, NARRATIVE_MAX, PHONE_MAX
from casework.intake.records import (
    CLASSIFICATION_FIELDS,
    CallRecord,
    SurvivorDetails,
    local_today,
    yes_no,
)
from casework.taxonomy.fields import CodeCheckboxField, CodeRadioField, CodeSelectField
from casework.web.dates import DayField, parse_day
from casework.web.forms import picklist

REQUIRED = _l("This field is required.")
_PHONE_CHARACTERS = re.compile(r"^[0-9+().\-\s]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def phone_number(form, field):
    """Digits with the usual separators; 3 to 15 digits."""
    text = field.data or ""
    digits = sum(char.isdigit() for char in text)
    if text and (not _PHONE_CHARACTERS.match(text) or not 3 <= digits <= 15):
        raise ValidationError(
            _l("Enter a phone number: 3 to 15 digits, spaces, + - . ( ) allowed."))


def plain_text(form, field):
    """No control characters (tabs and line breaks are fine)."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def parse_age(text: str | None) -> int | None:
    """An age in whole years from 0 to MAX_AGE, or ValueError."""
    if not text or not text.strip():
        return None
    age = int(text.strip())
    if not 0 <= age <= MAX_AGE:
        raise ValueError(text)
    return age


def age_value(form, field):
    try:
        parse_age(field.data)
    except ValueError:
        raise ValidationError(_l("Enter an age in whole years, from 0 to %(max)d.",
                                 max=MAX_AGE)) from None


def past_birth_date(form, field):
    try:
        born = parse_day(field.data)
    except ValueError:
        return  # already reported by day_value
    if born and (born > local_today() or local_today().year - born.year > MAX_AGE):
        raise StopValidation(_l("The date of birth must be in the past %(max)d years.",
                                 max=MAX_AGE))


class AtMost:
    """A length limit that stops the field's other checks: one error per field."""

    def __init__(self, maximum: int):
        self.maximum = maximum
        self.field_flags = {"maxlength": maximum}

    def __call__(self, form, field):
        if field.data and len(field.data) > self.maximum:
            raise StopValidation(_l("At most %(max)d characters.", max=self.maximum))


def at_most(maximum: int) -> AtMost:
    return AtMost(maximum)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def text_field(label, maximum, *validators, **kwargs):
    return StringField(label, validators=[Optional(), at_most(maximum), plain_text,
                                          *validators], filters=[_strip], **kwargs)


def _uuid_or_none(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def required_radio(label, code_list, **kwargs):
    return CodeRadioField(label, code_list, validators=[InputRequired(REQUIRED)], **kwargs)


class StartCallForm(FlaskForm):
    """One action starts a call: the line, and the channel if not the phone."""

    line = CodeSelectField(_l("Line"), taxonomy.LINE, blank=False,
                           validators=[DataRequired(REQUIRED)])
    channel = CodeSelectField(_l("Channel"), taxonomy.CHANNEL, blank=False, default="phone",
                              validators=[DataRequired(REQUIRED)])


class CloseCallForm(FlaskForm):
    """One more action logs a non-data call."""

    call_type = CodeSelectField(_l("Call type"), taxonomy.CALL_TYPE, blank=False,
                                group=taxonomy.calls.NON_DATA,
                                validators=[DataRequired(REQUIRED)])


class DataCallForm(FlaskForm):
    """The record of a data call, most important first."""

    # The call and the danger.
    call_type = required_radio(_l("Kind of call"), taxonomy.CALL_TYPE, group=taxonomy.calls.DATA)
    urgency = required_radio(_l("Danger"), taxonomy.URGENCY)
    # Who is calling.
    caller_relationship = CodeSelectField(_l("Caller is"), taxonomy.CALLER_RELATIONSHIP)
    caller_phone = text_field(_l("Caller's phone"), PHONE_MAX, phone_number)
    caller_name = text_field(_l("Caller's name"), NAME_MAX)
    caller_sex = CodeSelectField(_l("Caller's sex"), taxonomy.SEX)
    caller_age_group = CodeSelectField(_l("Caller's age"), taxonomy.PERSON_AGE_GROUP)
    # Who it happened to.
    survivor_name = text_field(_l("Name"), NAME_MAX)
    survivor_phone = text_field(_l("Phone"), PHONE_MAX, phone_number)
    survivor_sex = CodeSelectField(_l("Sex"), taxonomy.SEX)
    survivor_age = text_field(_l("Age (years)"), 10, age_value)
    survivor_birth_date = DayField(_l("Date of birth"), validators=[Optional(), past_birth_date],
                                   bounds=None)
    survivor_commune = CodeSelectField(_l("Commune"), taxonomy.configured_communes,
                                       render_kw=picklist())
    survivor_address = text_field(_l("Address (village, street)"), ADDRESS_MAX)
    survivor_ethnicity = CodeSelectField(_l("Ethnicity"), taxonomy.ETHNICITY, render_kw=picklist())
    survivor_disability = CodeSelectField(_l("Disability"), taxonomy.DISABILITY)
    survivor_vulnerabilities = CodeCheckboxField(_l("Special circumstances"),
                                                 taxonomy.VULNERABILITY)
    # What happened.
    violence_forms = CodeCheckboxField(_l("Form of violence"), taxonomy.VIOLENCE_FORM)
    setting = CodeSelectField(_l("Where"), taxonomy.SETTING)
    perpetrator_relationship = CodeSelectField(_l("Who did it"),
                                               taxonomy.PERPETRATOR_RELATIONSHIP)
    perpetrator_sex = CodeSelectField(_l("Their sex"), taxonomy.SEX)
    perpetrator_age_group = CodeSelectField(_l("Their age"), taxonomy.PERSON_AGE_GROUP)
    incident_when = CodeSelectField(_l("When"), taxonomy.INCIDENT_WHEN)
    is_ongoing = CodeSelectField(_l("Still going on"), taxonomy.YES_NO)
    dv_acts = CodeCheckboxField(_l("Domestic violence acts (Law 13/2022)"), taxonomy.DV_ACT)
    child_abuse_forms = CodeCheckboxField(_l("Child abuse (Law on Children, Art. 4)"),
                                          taxonomy.CHILD_ABUSE_FORM)
    child_sexual_abuse_types = CodeCheckboxField(_l("Kind of sexual abuse"),
                                                 taxonomy.CHILD_SEXUAL_ABUSE_TYPE)
    child_exploitation_types = CodeCheckboxField(_l("Kind of exploitation"),
                                                 taxonomy.CHILD_EXPLOITATION_TYPE)
    trafficking_purposes = CodeCheckboxField(_l("Trafficking purpose"),
                                             taxonomy.TRAFFICKING_PURPOSE)
    trafficking_status = CodeSelectField(_l("Trafficking status"), taxonomy.TRAFFICKING_STATUS)
    counselling_topic = CodeSelectField(_l("Topic"), taxonomy.COUNSELLING_TOPIC)
    # Consent and the account in the caller's words.
    consent_referral = CodeSelectField(_l("Agrees to be referred"), taxonomy.YES_NO)
    consent_data_sharing = CodeSelectField(_l("Agrees to share data"), taxonomy.YES_NO)
    narrative = TextAreaField(_l("What the caller said"),
                              validators=[Optional(), at_most(NARRATIVE_MAX), plain_text])
    # The line, set when the call started; changeable if it was wrong.
    line = CodeSelectField(_l("Line"), taxonomy.LINE, blank=False,
                           validators=[DataRequired(REQUIRED)])
    service_line = CodeSelectField(_l("Service of the 111 line"), taxonomy.SERVICE_LINE)
    channel = CodeSelectField(_l("Channel"), taxonomy.CHANNEL, blank=False,
                              validators=[DataRequired(REQUIRED)])
    # Links chosen in the repeat-caller panel.
    previous_call_id = HiddenField()
    link_case_id = HiddenField()
    confirm_same_survivor = BooleanField(
        _l("I asked the caller: the earlier call is about the same person as this one"))

    def validate_service_line(self, field):
        if self.line.data == "111" and field.data is None:
            raise ValidationError(_l("Choose the service of the 111 line."))
        if self.line.data == "1800" and field.data is not None:
            raise ValidationError(_l("Only 111 calls have a service line; leave it blank."))

    def validate_survivor_birth_date(self, field):
        # Runs after the date's own checks, so the date here is well formed and in the past.
        try:
            age, born = parse_age(self.survivor_age.data), parse_day(field.data)
        except ValueError:
            return  # the age's own error is shown beside the age
        if age is not None and born is not None and \
                abs(taxonomy.age_on(born, local_today()) - age) > 1:
            raise ValidationError(_l("The age and the date of birth do not agree."))


    def survivor_details(self) -> SurvivorDetails:
        return SurvivorDetails(
            name=self.survivor_name.data or None, phone=self.survivor_phone.data or None,
            address=self.survivor_address.data or None, sex=self.survivor_sex.data,
            age=parse_age(self.survivor_age.data),
            birth_date=parse_day(self.survivor_birth_date.data),
            commune_code=self.survivor_commune.data, ethnicity=self.survivor_ethnicity.data,
            disability=self.survivor_disability.data,
            vulnerabilities=list(self.survivor_vulnerabilities.data or []),
        )

    def to_record(self) -> CallRecord:
        """The validated form as plain values."""
        coded = {name: self[name].data for name in (
            "call_type", "urgency", "line", "channel", "service_line", "caller_relationship",
            "caller_sex", "caller_age_group", "setting", "perpetrator_relationship",
            "perpetrator_sex", "perpetrator_age_group", "incident_when", "trafficking_status",
            "counselling_topic")}
        return CallRecord(
            **coded,
            caller_name=self.caller_name.data or None,
            caller_phone=self.caller_phone.data or None,
            survivor=self.survivor_details(),
            classifications={scheme: list(self[name].data or [])
                             for name, scheme in CLASSIFICATION_FIELDS.items()},
            is_ongoing=yes_no(self.is_ongoing.data),
            consent_referral=yes_no(self.consent_referral.data),
            consent_data_sharing=yes_no(self.consent_data_sharing.data),
            narrative=(self.narrative.data or "").strip() or None,
            previous_call_id=_uuid_or_none(self.previous_call_id.data),
            link_case_id=_uuid_or_none(self.link_case_id.data),
            confirm_same_survivor=bool(self.confirm_same_survivor.data),
        )


class CallFilterForm(FlaskForm):
    """Filters of the call list, read from the query string (no personal data in it)."""

    class Meta:
        csrf = False

    date_from = DayField(_l("From"), validators=[Optional()], description="")
    date_to = DayField(_l("To"), validators=[Optional()], description="")
    line = CodeSelectField(_l("Line"), taxonomy.LINE)
    call_type = CodeSelectField(_l("Call type"), taxonomy.CALL_TYPE)
    urgency = CodeSelectField(_l("Danger"), taxonomy.URGENCY)


class PhoneLookupForm(FlaskForm):
    """A phone number or name to look up, sent by POST so it never appears in a URL."""

    phone = text_field(_l("Phone"), PHONE_MAX, phone_number)
    name = text_field(_l("Name"), NAME_MAX)
    previous_call_id = HiddenField()
    link_case_id = HiddenField()
    confirm_same_survivor = BooleanField()


class CaseChoiceForm(FlaskForm):
    case_id = HiddenField(validators=[DataRequired(REQUIRED)])
