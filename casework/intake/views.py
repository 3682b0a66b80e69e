"""The operator's desk: start a call, close a non-data call, log a data call; the call list.

Every call page shows data about people: pages are `no-store` (set for every page) and the
call detail records a view in the audit trail before it is returned.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from casework import taxonomy
from casework.accounts.access import allow, get_visible_or_404, visible
from casework.accounts.roles import Role
from casework.db import utcnow
from casework.extensions import db
from casework.intake import case_links, service
from casework.intake.forms import (
    CallFilterForm,
    CaseChoiceForm,
    CloseCallForm,
    DataCallForm,
    PhoneLookupForm,
    StartCallForm,
    parse_day,
)
from casework.intake.models import Call, CallDraft
from casework.intake.queries import CallFilters, call_page
from casework.intake.repeat_callers import find_repeat_callers
from casework.web.navigation import add_menu_item, set_home

bp = Blueprint("intake", __name__, url_prefix="/calls")

add_menu_item("intake.desk", _l("Take calls"), {Role.OPERATOR}, order=10)
add_menu_item("intake.calls", _l("Calls"), {Role.OPERATOR, Role.SUPERVISOR}, order=20)
set_home(Role.OPERATOR, "intake.desk")

# Single keys on the call screen (shown on the buttons); "d" jumps to the data-call form.
NON_DATA_KEYS = {"silent": "s", "hang_up": "h", "prank": "p", "abusive": "a",
                 "wrong_number": "w", "test": "t", "thanks": "k"}
START_KEYS = (("111", "1"), ("1800", "8"))
URGENCY_BADGES = {"immediate": "danger", "urgent": "warn", "routine": ""}
UNCONFIRMED_SURVIVOR = _l("The survivor of this call does not have the phone number or name of "
                          "the earlier call's survivor. Ask the caller whether it is the same "
                          "person and tick the box, or choose \"Do not link\".")


@bp.context_processor
def _intake_context():
    return {"taxonomy": taxonomy, "non_data_keys": NON_DATA_KEYS, "start_keys": START_KEYS,
            "urgency_badge": URGENCY_BADGES, "case_status_label": case_links.case_status_label,
            "commune_label": taxonomy.commune_label, "age_bands": taxonomy.age_band_list()}


def _draft_or_call(draft_id: uuid.UUID) -> CallDraft:
    """The operator's draft; if it was already logged (a repeated click), go to its call."""
    draft = db.session.scalar(sa.select(CallDraft).where(
        CallDraft.id == draft_id, visible(CallDraft, current_user)))
    if draft is not None:
        return draft
    logged = db.session.scalar(sa.select(Call.id).where(
        Call.id == draft_id, visible(Call, current_user)))
    if logged is not None:
        abort(redirect(url_for("intake.call_detail", call_id=logged)))
    abort(404)


def _is_fetch() -> bool:
    """A request from the page's script (a beacon cannot set headers, so a field also counts)."""
    return request.headers.get("X-Requested-With") == "fetch" or request.form.get("fetch") == "1"


@bp.get("/desk")
@allow(Role.OPERATOR)
def desk():
    """Start a call with one key; resume any call left open."""
    return render_template("intake/desk.html", start_form=StartCallForm(),
                           drafts=service.open_drafts(current_user))


@bp.post("/start")
@allow(Role.OPERATOR)
def start_call():
    form = StartCallForm()
    if not form.validate_on_submit():
        flash(_("Choose a line to start the call."), "error")
        return redirect(url_for("intake.desk"))
    draft = service.start_call(current_user, line=form.line.data, channel=form.channel.data)
    # Read before the commit expires the draft: afterwards its id would cost a new transaction.
    draft_id = draft.id
    db.session.commit()
    return redirect(url_for("intake.draft", draft_id=draft_id))


def _render_draft(draft: CallDraft, form: DataCallForm):
    """The call screen; looking up the phone number and showing the draft are audited."""
    phone, name = _lookup_phone(form), form.survivor_name.data or None
    matches = service.look_up_repeat_callers(draft, phone, current_user, name)
    service.record_draft_view(draft)
    db.session.commit()
    return render_template(
        "intake/draft.html", draft=draft, form=form, close_form=CloseCallForm(),
        non_data_types=[taxonomy.CALL_TYPE.get(code) for code in taxonomy.CALL_TYPE.codes
                        if code in taxonomy.NON_DATA_CALL_TYPES],
        matches=matches, searched=bool(phone or name),
        elapsed=int((utcnow() - draft.started_at).total_seconds()),
    )


def _lookup_phone(form: DataCallForm) -> str | None:
    return form.caller_phone.data or form.survivor_phone.data or None


@bp.get("/drafts/<uuid:draft_id>")
@allow(Role.OPERATOR)
def draft(draft_id):
    """The call screen: non-data buttons, and the data-call form as last saved."""
    current = _draft_or_call(draft_id)
    contents = service.draft_contents(current)
    form = DataCallForm(formdata=MultiDict(
        [(key, value) for key, values in contents.items() for value in values]) if contents
        else None, line=current.line, channel=current.channel,
        service_line="child_protection" if current.line == "111" else None)
    return _render_draft(current, form)


def _form_contents() -> dict[str, list[str]]:
    return {key: request.form.getlist(key) for key in request.form}


MAX_SAVE_NUMBER = 2**31 - 1  # the columns are 32-bit integers
WRITER = re.compile(r"[0-9a-f]{16,32}")  # the page's random name, made by its script


def _form_number(name: str) -> int:
    try:
        return min(max(int(request.form.get(name, "0")), 0), MAX_SAVE_NUMBER)
    except ValueError:
        return 0


def _save_basis() -> service.DraftBasis:
    """The version the page's text is made on, which page sent it and its number for the save."""
    writer = request.form.get("writer", "")
    return service.DraftBasis(version=_form_number("base_version"),
                              writer=writer if WRITER.fullmatch(writer) else None,
                              seq=_form_number("save_seq"))


def _draft_to_save(draft_id: uuid.UUID) -> CallDraft:
    """The draft, locked until the save commits; the page's script is told if it is gone."""
    draft = db.session.scalar(sa.select(CallDraft).where(
        CallDraft.id == draft_id, visible(CallDraft, current_user)).with_for_update())
    if draft is not None or not _is_fetch():
        return draft or _draft_or_call(draft_id)
    logged = db.session.scalar(sa.select(Call.id).where(
        Call.id == draft_id, visible(Call, current_user)))
    if logged is not None:
        message = _("Not saved: this call has already been logged, in another tab or window. "
                    "What you typed here is still on this page.")
        abort(make_response(jsonify(saved=False, reason="logged", message=message), 409))
    message = _("Not saved: this call is no longer open (it was discarded, perhaps in another "
                "tab or window). What you typed here is still on this page.")
    abort(make_response(jsonify(saved=False, reason="gone", message=message), 404))


def _save_answer(draft: CallDraft, outcome: service.DraftSave) -> dict:
    """What the page shows: the server's word and the time on its clock, in the page's zone."""
    time = current_app.jinja_env.filters["clock"](draft.saved_at)
    if outcome is service.DraftSave.SAVED:
        message = _("Draft saved %(time)s", time=time)
    else:
        message = _("Not saved: this call was changed in another tab or window (saved there "
                    "at %(time)s). What you typed here is still on this page.", time=time)
    return {"saved": outcome is service.DraftSave.SAVED, "reason": outcome.value,
            "version": draft.version, "seq": draft.save_seq, "message": message,
            "saved_at": draft.saved_at.isoformat(timespec="seconds"), "saved_at_text": time}


@bp.post("/drafts/<uuid:draft_id>/autosave")
@allow(Role.OPERATOR)
def autosave(draft_id):
    """Save the form as typed, unless that would overwrite newer text; says which it was."""
    current = _draft_to_save(draft_id)
    outcome = service.save_draft(current, _form_contents(), _save_basis())
    answer = _save_answer(current, outcome)
    db.session.commit()  # after reading the answer: the commit expires the draft
    if _is_fetch():
        return jsonify(**answer), 200 if answer["saved"] else 409
    if answer["saved"]:
        flash(_("Draft saved."), "success")
        return redirect(url_for("intake.draft", draft_id=draft_id))
    # Without script: the page again with what was typed; saving once more replaces the other.
    flash(answer["message"] + " " + _("Press “Save draft” again to keep this page's version."),
          "error")
    return _render_draft(current, DataCallForm()), 409


@bp.post("/drafts/<uuid:draft_id>/close")
@allow(Role.OPERATOR)
def close_call(draft_id):
    """Log a non-data call in one action and go back to the desk."""
    current = _draft_or_call(draft_id)
    form = CloseCallForm()
    if not form.validate_on_submit():
        abort(400)
    call = service.log_non_data_call(current, form.call_type.data)
    kind = taxonomy.CALL_TYPE.label(call.call_type)  # before the commit expires the call
    db.session.commit()
    flash(_("Logged: %(kind)s.", kind=kind), "success")
    return redirect(url_for("intake.desk"))


@bp.post("/drafts/<uuid:draft_id>/log")
@allow(Role.OPERATOR)
def log_call(draft_id):
    """Log a data call; on an error, show it beside the field with everything else kept."""
    current = _draft_or_call(draft_id)
    form = DataCallForm()
    if not form.validate_on_submit():
        # The page says which fields to correct; what was typed is kept in the draft too.
        service.save_draft(current, _form_contents(), _save_basis(), force=True)
        return _render_draft(current, form)
    record = form.to_record()
    try:
        call = service.log_data_call(current, record, _linked_call(record.previous_call_id))
    except service.SameSurvivorUnconfirmedError:
        form.confirm_same_survivor.errors = [UNCONFIRMED_SURVIVOR]
        service.save_draft(current, _form_contents(), _save_basis(), force=True)
        return _render_draft(current, form)
    _attach_chosen_case(call, record.link_case_id)
    # Read before the commit expires the call: afterwards its id would reload the call (and
    # its classifications) in a new transaction, on SQLite a second wait for the write lock.
    call_id = call.id
    db.session.commit()
    flash(_("Call logged."), "success")
    return redirect(url_for("intake.call_detail", call_id=call_id))


def _attach_chosen_case(call: Call, case_id: uuid.UUID | None) -> None:
    """Attach a just-logged call to the case chosen in the panel; the call stays logged."""
    case = case_links.linkable_case(case_id, current_user)
    if case is None:
        return
    try:
        case_links.attach_to_case(call, case, current_user)
    except case_links.CaseLinkError as error:
        flash(_("The call was logged but not attached to case %(code)s: %(why)s",
                code=case.code, why=error.message), "error")


def _linked_call(call_id: uuid.UUID | None) -> Call | None:
    if call_id is None:
        return None
    return get_visible_or_404(Call, call_id, current_user)


@bp.post("/drafts/<uuid:draft_id>/discard")
@allow(Role.OPERATOR)
def discard_draft(draft_id):
    current = _draft_or_call(draft_id)
    service.discard_draft(current)
    db.session.commit()
    flash(_("The call was discarded; nothing was logged."), "success")
    return redirect(url_for("intake.desk"))


@bp.post("/drafts/<uuid:draft_id>/repeat-callers")
@allow(Role.OPERATOR)
def repeat_callers(draft_id):
    """Earlier calls and open cases for a phone number sent by POST, never in a URL."""
    current = _draft_or_call(draft_id)
    if not _is_fetch():  # the form's own "Find earlier calls" button, without script
        service.save_draft(current, _form_contents(), _save_basis(), force=True)
        return _render_draft(current, DataCallForm())
    lookup = PhoneLookupForm()
    valid = lookup.validate_on_submit()
    phone, name = (lookup.phone.data, lookup.name.data) if valid else (None, None)
    matches = service.look_up_repeat_callers(current, phone, current_user, name)
    db.session.commit()
    return render_template("intake/_repeat_callers.html", matches=matches,
                           searched=bool(phone or name),
                           chosen_call=lookup.previous_call_id.data,
                           chosen_case=lookup.link_case_id.data,
                           confirmed=lookup.confirm_same_survivor.data)


def _filters(form: CallFilterForm) -> CallFilters:
    if not form.validate():
        return CallFilters()
    return CallFilters(date_from=parse_day(form.date_from.data),
                       date_to=parse_day(form.date_to.data), line=form.line.data,
                       call_type=form.call_type.data, urgency=form.urgency.data)


@bp.get("/")
@allow(Role.OPERATOR, Role.SUPERVISOR)
def calls():
    """The calls the user may see, filtered by date, line, call type and danger."""
    form = CallFilterForm(request.args)
    page = call_page(current_user, _filters(form), after=request.args.get("after"),
                     before=request.args.get("before"))
    return render_template("intake/calls.html", form=form, page=page)


@bp.get("/<uuid:call_id>")
@allow(Role.OPERATOR, Role.SUPERVISOR)
def call_detail(call_id):
    """One call in full; opening it is recorded in the audit trail first."""
    call = get_visible_or_404(Call, call_id, current_user)
    revealed = service.reveal_call(call)
    survivor = service.survivor_of(call)
    phones = [p for p in (revealed.caller_phone, revealed.survivor_phone) if p]
    cases = case_links.cases_of_call(call)
    attached = {case.id for case in cases}
    open_cases = [c for c in _open_cases(phones, revealed.survivor_name, survivor)
                  if c.id not in attached]
    db.session.commit()
    return render_template("intake/call.html", call=call, revealed=revealed, survivor=survivor,
                           cases=cases, open_cases=open_cases, choice_form=CaseChoiceForm())


def _open_cases(phones: list[str], name: str | None, survivor) -> list:
    # The call's own survivor is a close match: the operator logged this call about them.
    found = {survivor.id} if survivor else set()
    cases = case_links.open_cases_for(found, current_user, close=found)
    for phone in phones:
        cases += find_repeat_callers(phone, current_user, name).cases
    return list({case.id: case for case in cases}.values())


@bp.post("/<uuid:call_id>/open-case")
@allow(Role.OPERATOR, Role.SUPERVISOR)
def open_case(call_id):
    """Open a new case from a data call."""
    call = get_visible_or_404(Call, call_id, current_user)
    if not call.is_data_call:
        abort(404)
    try:
        case = case_links.open_case(call, current_user)
    except case_links.CaseLinkError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Case %(code)s opened.", code=case.code), "success")
    return redirect(url_for("intake.call_detail", call_id=call.id))


@bp.post("/<uuid:call_id>/attach-case")
@allow(Role.OPERATOR, Role.SUPERVISOR)
def attach_case(call_id):
    """Attach a data call to an open case the user may link calls to."""
    call = get_visible_or_404(Call, call_id, current_user)
    form = CaseChoiceForm()
    case_id = _uuid(form.case_id.data) if form.validate_on_submit() else None
    case = case_links.linkable_case(case_id, current_user)
    if case is None or not call.is_data_call:
        abort(404)
    try:
        case_links.attach_to_case(call, case, current_user)
    except case_links.CaseLinkError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The call was attached to case %(code)s.", code=case.code), "success")
    return redirect(url_for("intake.call_detail", call_id=call.id))


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text or "")
    except ValueError:
        return None
