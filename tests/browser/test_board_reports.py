"""The board picks last year's Action Month, reads the tables and charts, downloads the XLSX."""

from __future__ import annotations

from datetime import date

import openpyxl

LAST_YEAR = date.today().year - 1


def test_board_reads_the_action_month_and_downloads_the_workbook(page, sign_in, tmp_path):
    sign_in(page, "board")
    assert "/reports/" in page.url
    page.select_option("#kind", "action_month")
    page.fill("#year", str(LAST_YEAR))
    page.check("input[name=line][value=both]")
    with page.expect_navigation():
        page.click("#show-report")

    heading = page.locator("#report-title").inner_text()
    assert "15/11–15/12" in heading and str(LAST_YEAR) in heading
    calls = page.locator("#table-calls table")
    assert calls.is_visible()
    header = calls.locator("thead th").all_inner_texts()
    assert len(header) == 4  # the unit, then 1800, 111 and both lines
    total = calls.locator("tr.row-total td").all_inner_texts()
    assert total and all(text == "x" or text.startswith("<") or text.isdigit() for text in total)
    chart = page.locator("#chart-calls")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert "Cả năm" not in heading
    assert page.locator("svg.chart").count() >= 8

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert len(book.worksheets) >= 14
    first = book.worksheets[0]
    assert "15/11–15/12" in str(first["B2"].value or first["A2"].value)
    shown = [[str(v) for v in row if v is not None] for row in first.iter_rows(min_row=5,
                                                                               values_only=True)]
    assert shown[0][1:] == header[1:]
