"""The overview's bar chart, drawn on the server as SVG: no script, nothing from elsewhere.

The same numbers are in the table beside it; the title and description name every one.
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 20
GAP = 8
LABEL_WIDTH = 220
PLOT_WIDTH = 320
VALUE_ROOM = 48


def bar_chart(rows: list[tuple[str, int]], title: str, chart_id: str) -> Markup:
    """A horizontal bar per (label, count)."""
    if not rows:
        return Markup("")
    largest = max([count for _label, count in rows] + [1])
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_ROOM
    description = "; ".join(f"{label}: {count}" for label, count in rows)
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, count) in enumerate(rows):
        parts.append(_row(index, label, count, largest))
    parts.append("</svg>")
    return Markup("".join(parts))


def _row(index: int, label: str, count: int, largest: int) -> str:
    y = GAP + index * (BAR_HEIGHT + GAP)
    baseline = y + BAR_HEIGHT - 5
    length = round(PLOT_WIDTH * count / largest)
    return (f'<text x="{LABEL_WIDTH - 8}" y="{baseline}" text-anchor="end" class="chart-label">'
            f'{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'class="chart-bar" fill="#1d4f52" data-count="{count}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{baseline}" class="chart-value">'
            f'{count}</text>')
