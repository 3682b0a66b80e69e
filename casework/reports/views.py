"""The board's area: one page with every table for a chosen period and line, and exports."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework import audit
from casework.accounts.access import allow
from casework.accounts.roles import Role
from casework.extensions import db
from casework.reports import exports
from casework.reports.charts import bar_chart
from casework.reports.forms import ReportForm, default_year
from casework.reports.periods import LINE_LABELS, PeriodError, today_in
from casework.reports.releases import nearby_ranges, recent_releases, release_report
from casework.reports.service import Report
from casework.web.navigation import add_menu_item, set_home

bp = Blueprint("reports", __name__, url_prefix="/reports")

add_menu_item("reports.board", _l("Statistics"), {Role.BOARD}, order=10)
set_home(Role.BOARD, "reports.board")

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             exports.to_xlsx),
}


def _settings():
    return current_app.extensions["casework.settings"]


def _chosen_form() -> ReportForm:
    """The form from the query string, or last year for both lines on a first visit."""
    if request.args:
        return ReportForm(formdata=request.args)
    return ReportForm(formdata=None, year=default_year(today_in(_settings().timezone)))


def _report_for(form: ReportForm) -> Report | None:
    """Build the chosen report, or put the reason it cannot be next to the period field.

    A first visit shows the chooser only: a year's report may take a while the first time.
    The request's own transaction (the session touch) is committed first: the counting runs
    on a reading connection of its own and holds no write lock, and a custom range's
    release is recorded afterwards in a short transaction.
    """
    if not request.args or not form.validate():
        return None
    settings = _settings()
    user_id = current_user.id
    db.session.commit()
    try:
        return release_report(form.period(), form.chosen_line(), k=settings.suppression_k,
                              timezone=settings.timezone, today=today_in(settings.timezone),
                              released_by=user_id)
    except PeriodError as error:
        form.kind.errors = [*form.kind.errors, str(error.args[0])]
        return None


@bp.get("/")
@allow(Role.BOARD)
def board():
    """Every table of the report for the chosen period and line, with charts."""
    form = _chosen_form()
    report = _report_for(form)
    k = _settings().suppression_k
    nearby = nearby_ranges(report.period, report.released) if report else []
    return render_template("reports/board.html", form=form, report=report, chart=bar_chart,
                           query=request.args.to_dict(), nearby=nearby,
                           releases=recent_releases(k), line_labels=LINE_LABELS)


@bp.get("/export.<fmt>")
@allow(Role.BOARD)
def export(fmt: str):
    """The same report as a file; every export is audited."""
    if fmt not in EXPORTS:
        return redirect(url_for("reports.board", **request.args))
    form = _chosen_form()
    report = _report_for(form)
    if report is None:
        return redirect(url_for("reports.board", **request.args))
    audit.record("export", "report", None)
    db.session.commit()
    mimetype, render = EXPORTS[fmt]
    filename = f"casework-{report.period.kind.value}-{report.period.start.isoformat()}.{fmt}"
    return Response(render(report), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

