"""Bar charts drawn on the server as SVG: no script, nothing loaded from elsewhere.

A chart draws the published numbers of a table and nothing else: a hidden count is drawn
as a dashed box of fixed width with its mark (`<5`, `x`), never as a bar of its value. The
title and description name every number, and the same numbers are in the table beside it.
Bars are dark on white with the value written at their end, so the chart prints in black.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from casework.reports.service import Table

BAR_HEIGHT = 18
GAP = 8
LABEL_WIDTH = 260
PLOT_WIDTH = 340
VALUE_ROOM = 60
MARK_WIDTH = 36


def bar_chart(table: Table, chart_id: str) -> Markup:
    """A horizontal bar chart of the table's item rows, in its last column."""
    items = [row for row in table.rows if row.kind == "item"]
    if not items:
        return Markup("")
    cells = [row.cells[-1] for row in items]
    largest = max([c.shown for c in cells if c.shown is not None] + [1])
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_ROOM
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(str(table.title))}</title>',
        f'<desc id="{chart_id}-desc">{escape(_description(table, items))}</desc>',
    ]
    for index, (row, cell) in enumerate(zip(items, cells)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        parts.append(_label(row.label, y))
        parts.append(_bar(cell, y, largest))
    parts.append("</svg>")
    return Markup("".join(parts))


def _description(table: Table, items) -> str:
    column = str(table.columns[-1][1]) if table.columns else ""
    values = "; ".join(f"{row.label}: {row.cells[-1].text}" for row in items)
    return f"{column} — {values}"


def _label(label, y: int) -> str:
    text = escape(str(label))
    return (f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" '
            f'class="chart-label">{text}</text>')


def _bar(cell, y: int, largest: int) -> str:
    x = LABEL_WIDTH
    if cell.shown is None:  # suppressed: a fixed box with its mark, never its value
        return (f'<rect x="{x}" y="{y}" width="{MARK_WIDTH}" height="{BAR_HEIGHT}" '
                f'class="chart-hidden" fill="none" stroke="#52606d" stroke-dasharray="3 2"/>'
                f'<text x="{x + MARK_WIDTH / 2}" y="{y + BAR_HEIGHT - 5}" text-anchor="middle" '
                f'class="chart-mark">{escape(cell.text)}</text>')
    length = round(PLOT_WIDTH * cell.shown / largest) if cell.shown else 0
    return (f'<rect x="{x}" y="{y}" width="{length}" height="{BAR_HEIGHT}" class="chart-bar" '
            f'fill="#1d4f52"/>'
            f'<text x="{x + length + 6}" y="{y + BAR_HEIGHT - 5}" class="chart-value">'
            f'{cell.shown}</text>')
