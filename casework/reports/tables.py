"""The board's tables: what each counts, its rows and columns, and the query behind it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from casework.cases.codes import CLOSURE_REASON
from casework.cases.models import Case
from casework.people.models import Survivor
from casework.referrals.codes import REFERRAL_STATUS, SERVICE_TYPE
from casework.reports import queries
from casework.reports.cube import Dimension, count_dimension, flat_dimension, multi_valued_dimension
from casework.reports.queries import NOT_RECORDED, Window, coded
from casework.taxonomy import (
    CALL_TYPE, DATA_CALL_TYPES, NON_DATA_CALL_TYPES, PERPETRATOR_RELATIONSHIP, SETTING, SEX,
    VIOLENCE_FORM, age_band_list, configured_age_bands,
)
from casework.taxonomy.people import DISABILITY, NO_DISABILITY_CODES

TOTAL_LABEL = _l("Total")
NOT_RECORDED_LABEL = _l("Not recorded")


@dataclass(frozen=True)
class Rate:
    """A percentage row: numerator row over denominator row, with optional targets."""

    numerator: str
    denominator: str
    label: object
    targets: tuple[tuple[object, int], ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: object
    query: Callable[[Window], sa.Select]
    rows: Callable[[Sequence[str]], Dimension]  # given the row codes the query returned
    cols: Callable[[], Dimension]
    unit: object = _l("Count")
    line_columns: bool = False  # the lines are the columns
    rates: tuple[Rate, ...] = ()
    chart: bool = True
    note: object = None
    row_leaf: Callable[[str], str] = str  # the row leaf of a code the query returned


def labels(code_list, codes=None, *, not_recorded: bool = True) -> list[tuple[str, object]]:
    """(code, label) pairs of a coded list, labels following the reader's language."""
    pairs = [(entry.code, LazyString(lambda entry=entry: entry.label))
             for entry in code_list if codes is None or entry.code in codes]
    return pairs + ([(NOT_RECORDED, NOT_RECORDED_LABEL)] if not_recorded else [])


def coded_rows(code_list, *, not_recorded=True, groups=(), total=TOTAL_LABEL, codes=None):
    def build(_observed) -> Dimension:
        return flat_dimension("rows", labels(code_list, codes, not_recorded=not_recorded),
                              total_label=total, groups=groups)
    return build


def coded_cols(code_list, *, not_recorded=True):
    def build() -> Dimension:
        return flat_dimension("cols", labels(code_list, not_recorded=not_recorded),
                              total_label=TOTAL_LABEL)
    return build


def counts(label=_l("Count")):
    return lambda: count_dimension(label)


def fixed_rows(*pairs, total=TOTAL_LABEL):
    return lambda _observed: flat_dimension("rows", list(pairs), total_label=total)


def violence_form_leaf(code: str) -> str:
    """'sexual+physical+' (as the query spells a combination) → 'physical+sexual'."""
    forms = sorted(form for form in code.split("+") if form)
    return "+".join(forms) if forms else NOT_RECORDED


def violence_form_rows(observed: Sequence[str]) -> Dimension:
    combos = [frozenset(code.split("+")) for code in observed]
    return multi_valued_dimension("rows", labels(VIOLENCE_FORM), combos,
                                  _l("Survivors (each counted once)"))


def violence_form_query(window: Window) -> sa.Select:
    return queries.survivors_by_violence_form(window)


def child_age_bands() -> list[str]:
    return [band.code for band in configured_age_bands() if band.high is not None
            and band.high < 18] + ["unknown"]


def abused_children_rows(_observed) -> Dimension:
    bands = labels(age_band_list(), child_age_bands(), not_recorded=False)
    sexes = labels(SEX, not_recorded=True)
    codes = [(f"{sex}|{band}", _SexBandLabel(sex_label, band_label))
             for sex, sex_label in sexes for band, band_label in bands]
    groups = [(f"group:{sex}", sex_label, [f"{sex}|{band}" for band, _ in bands])
              for sex, sex_label in sexes]
    return flat_dimension("rows", codes, total_label=_l("All children"), groups=groups)


class _SexBandLabel:
    def __init__(self, sex, band):
        self.sex, self.band = sex, band

    def __str__(self) -> str:
        return f"{self.sex}, {self.band}"

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def abused_children_query(window: Window) -> sa.Select:
    row = coded(Survivor.sex) + "|" + coded(Survivor.age_band)
    return queries.survivors(window, lambda first: row, lambda first: coded(first.setting),
                             where=Survivor.is_minor.is_(True))


def ethnicity_row():
    return sa.case((Survivor.ethnicity == "kinh", "kinh"),
                   (Survivor.is_ethnic_minority.is_(True), "minority"), else_=NOT_RECORDED)


def survivor_table(key, title, row, col=None, **options) -> TableSpec:
    column = col or (lambda first: sa.literal("count"))
    return TableSpec(key, title, lambda w: queries.survivors(w, row, column), **options)


DISABLED = [code for code in DISABILITY.codes if code not in NO_DISABILITY_CODES]
SURVIVORS_UNIT = _l("Survivors")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "calls", _l("Calls by type and line"), queries.calls_by_type,
        coded_rows(CALL_TYPE, not_recorded=False, total=_l("All calls"), groups=(
            ("group:counselling", _l("Counselling contacts (data calls)"),
             sorted(DATA_CALL_TYPES)),
            ("group:non_counselling", _l("Non-counselling contacts"), sorted(NON_DATA_CALL_TYPES)),
        )),
        counts(_l("Calls")), unit=_l("Calls"), line_columns=True,
    ),
    TableSpec(
        "cases", _l("Cases opened and closed"), queries.cases_opened_and_closed,
        fixed_rows(("opened", _l("Cases opened")), ("closed", _l("Cases closed")), total=None),
        counts(_l("Cases")), unit=_l("Cases"), line_columns=True,
    ),
    TableSpec(
        "closure_reasons", _l("Cases closed, by closure reason"),
        lambda w: queries.cases(w, Case.closed_at, coded(Case.closure_reason),
                                where=Case.closed_at.is_not(None)),
        coded_rows(CLOSURE_REASON, total=_l("All cases closed")), counts(_l("Cases")),
        unit=_l("Cases"), line_columns=True,
    ),
    TableSpec(
        "violence_forms", _l("Survivors by form of violence and sex"), violence_form_query,
        violence_form_rows, coded_cols(SEX), unit=SURVIVORS_UNIT, row_leaf=violence_form_leaf,
        note=_l("A survivor may have suffered several forms of violence: the forms add up to "
                "more than the number of survivors."),
    ),
    survivor_table("age_sex", _l("Survivors by age group and sex"),
                   lambda first: coded(Survivor.age_band), lambda first: coded(Survivor.sex),
                   rows=coded_rows(age_band_list(), not_recorded=False), cols=coded_cols(SEX),
                   unit=SURVIVORS_UNIT),
    survivor_table("ethnicity", _l("Survivors: Kinh and ethnic minorities"),
                   lambda first: ethnicity_row(),
                   rows=fixed_rows(("kinh", _l("Kinh")), ("minority", _l("Ethnic minorities")),
                                   (NOT_RECORDED, NOT_RECORDED_LABEL)),
                   cols=counts(SURVIVORS_UNIT), unit=SURVIVORS_UNIT),
    survivor_table("disability", _l("Survivors with a disability"),
                   lambda first: coded(Survivor.disability),
                   rows=coded_rows(DISABILITY, groups=(
                       ("group:with_disability", _l("With a disability"), DISABLED),)),
                   cols=counts(SURVIVORS_UNIT), unit=SURVIVORS_UNIT),
    survivor_table("setting", _l("Survivors by setting of the violence"),
                   lambda first: coded(first.setting),
                   rows=coded_rows(SETTING), cols=counts(SURVIVORS_UNIT), unit=SURVIVORS_UNIT),
    survivor_table("perpetrators", _l("Perpetrators: relationship to the survivor and sex"),
                   lambda first: coded(first.perpetrator_relationship),
                   lambda first: coded(first.perpetrator_sex),
                   rows=coded_rows(PERPETRATOR_RELATIONSHIP), cols=coded_cols(SEX),
                   unit=SURVIVORS_UNIT),
    TableSpec(
        "referrals", _l("Referrals by service and outcome"), queries.referrals_by_service,
        coded_rows(SERVICE_TYPE, not_recorded=False, codes=None),
        coded_cols(REFERRAL_STATUS, not_recorded=False), unit=_l("Referrals"),
    ),
    TableSpec(
        "basic_support", _l("Survivors who received at least one basic support service"),
        queries.basic_support,
        fixed_rows(("received", _l("Received at least one basic support service")),
                   ("not_received", _l("No basic support service recorded")),
                   total=_l("Survivors detected")),
        counts(SURVIVORS_UNIT), unit=SURVIVORS_UNIT,
        rates=(Rate("received", "total", _l("Share who received a basic support service"),
                    ((_l("target 2025"), 80), (_l("target 2030"), 90))),),
    ),
    TableSpec(
        "emergency_action", _l("Urgent child cases: emergency action within 12 hours"),
        queries.emergency_action,
        fixed_rows(("in_time", _l("Acted on within 12 hours")), ("late", _l("Acted on later")),
                   ("missed", _l("Deadline missed: no emergency action, closed or overdue")),
                   ("pending", _l("Not yet acted on, deadline still ahead")),
                   total=_l("Urgent child cases opened")),
        counts(_l("Cases")), unit=_l("Cases"),
        rates=(Rate("in_time", "total", _l("Share acted on within 12 hours")),),
    ),
    TableSpec(
        "plan_timeliness", _l("Support plans within the deadline (5 working days)"),
        queries.plan_timeliness,
        fixed_rows(("in_time", _l("Plan within the deadline")),
                   ("late", _l("Plan after the deadline")),
                   ("no_plan", _l("No plan yet")), total=_l("Cases needing a plan")),
        counts(_l("Cases")), unit=_l("Cases"),
        rates=(Rate("in_time", "total", _l("Share of plans within the deadline")),),
    ),
    TableSpec(
        "abused_children", _l("Abused children by sex, age group and setting"),
        abused_children_query, abused_children_rows, coded_cols(SETTING),
        unit=_l("Children"), chart=False,
        note=_l("Children under 18 first reported in the period."),
    ),
)

TABLES_BY_KEY = {spec.key: spec for spec in TABLES}
