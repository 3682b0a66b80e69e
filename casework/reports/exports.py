"""The report as CSV, XLSX and JSON: exactly the cells of the page, marks included."""

from __future__ import annotations

import csv
import io
import re

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from casework.reports.periods import LINE_LABELS
from casework.reports.service import Report, Table

HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")
THIN = Side(style="thin", color="D9E2EC")


def heading(report: Report) -> list[str]:
    return [
        _("Anonymised statistics"),
        f"{report.period.title()} · {LINE_LABELS[report.line]}",
        _("Counts from 1 to %(last)s are shown as <%(k)s; x marks a count hidden so that "
          "no small count can be worked out.", last=report.k - 1, k=report.k),
    ]


def table_grid(table: Table) -> list[list[str]]:
    """The table as rows of text: header, rows, rates, exactly as on the page."""
    grid = [[str(table.unit)] + [str(label) for _key, label in table.columns]]
    grid += [[str(row.label)] + [cell.text for cell in row.cells] for row in table.rows]
    grid += [[rate.heading] + list(rate.texts) for rate in table.rates]
    return grid


def to_csv(report: Report) -> bytes:
    """One CSV file: each table after its title, separated by a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in heading(report):
        writer.writerow([line])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([str(table.title)])
        writer.writerows(table_grid(table))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def to_xlsx(report: Report) -> bytes:
    """One formatted sheet per table; counts are numbers, marks are text."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in report.tables:
        _write_sheet(book.create_sheet(_sheet_name(str(table.title), used)), report, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, report: Report, table: Table) -> None:
    sheet.append([str(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in heading(report)[1:]:
        sheet.append([line])
    sheet.append([])
    first = sheet.max_row + 1
    for number, row in enumerate(table_grid(table)):
        sheet.append([row[0]] + [_number_or_text(text) for text in row[1:]])
        for cell in sheet[sheet.max_row]:
            cell.border = Border(bottom=THIN)
            if number == 0:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
            elif cell.column > 1:
                cell.alignment = Alignment(horizontal="right")
    if table.note:
        sheet.append([])
        sheet.append([str(table.note)])
    sheet.column_dimensions["A"].width = 48
    for column in range(2, len(table.columns) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = sheet.cell(row=first + 1, column=2)


def _number_or_text(text: str):
    return int(text) if text.isdigit() else text


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name, each name once."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Table"
    name, number = base, 2
    while name.lower() in used:
        name, number = f"{base[:25]} ({number})", number + 1
    used.add(name.lower())
    return name


def to_json(report: Report) -> dict:
    """The report for scheduled pulls: the same cells, as text and as numbers where shown."""
    return {
        "period": {"kind": report.period.kind.value, "start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat()},
        "line": report.line.value,
        "suppression_k": report.k,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "tables": [
            {"key": table.key, "title": str(table.title),
             "columns": [key for key, _label in table.columns],
             "rows": [{"key": row.key, "label": str(row.label),
                       "cells": [cell.text for cell in row.cells]} for row in table.rows],
             "rates": [{"label": rate.heading, "cells": rate.texts} for rate in table.rates]}
            for table in report.tables
        ],
    }
