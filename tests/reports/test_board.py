"""The board's area: who reaches it, what it shows, what it never shows, and its exports."""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
import sqlalchemy as sa

from casework.audit.models import AuditEntry
from casework.cases.models import Case
from casework.crypto import encrypted_attributes, reveal
from casework.intake.models import Call
from casework.people.models import Survivor
from casework.referrals.models import Referral
from tests.reports.seeding import seed_year

YEAR = 2024
YEAR_QUERY = f"?kind=year&year={YEAR}&line=both"
PAGES = [f"?kind={kind}&year={YEAR}&line={line}"
         for kind in ("first_half", "second_half", "year", "action_month")
         for line in ("1800", "111", "both")] + [
    f"?kind=custom&start={YEAR}-03-01&end={YEAR}-09-30&line=both"]


@pytest.fixture
def seeded(app, db_session):
    seed_year(YEAR, calls=400)
    db_session.commit()


@pytest.fixture
def board(login_as, seeded):
    return login_as("board")


class TableText(HTMLParser):
    """The text of every cell of every report table on a page, table by table."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def screen_tables(html: str) -> list[list[list[str]]]:
    parser = TableText()
    parser.feed(html)
    return parser.tables


def csv_tables(data: bytes) -> list[list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    tables, current = [], None
    for row in rows[3:]:
        if not row:
            current = None
        elif current is None:
            current = []
            tables.append(current)  # the title row starts a table
        else:
            current.append([" ".join(cell.split()) for cell in row])
    return tables


def test_board_sees_every_table_and_chart_for_the_chosen_period(client, board):
    page = client.get("/reports/" + YEAR_QUERY)
    assert page.status_code == 200
    html = page.text
    for key in ("calls", "cases", "violence_forms", "age_sex", "referrals", "basic_support",
                "emergency_action", "plan_timeliness", "abused_children", "closure_time"):
        assert f'id="table-{key}"' in html
    assert html.count('role="img"') >= 8 and "<title" in html
    assert "Cả năm 2024" in html or "Whole year 2024" in html


def test_board_lands_on_the_chooser_set_to_last_year(client, board):
    landing = client.get("/")
    assert landing.headers["Location"].endswith("/reports/")
    page = client.get("/reports/").text
    assert 'id="show-report"' in page and 'id="table-calls"' not in page
    from casework.reports.periods import today_in

    assert f'value="{today_in("Asia/Ho_Chi_Minh").year - 1}"' in page


@pytest.mark.parametrize("role", ["operator", "social_worker", "supervisor", "admin"])
def test_nobody_else_reaches_the_statistics(client, login_as, role):
    login_as(role)
    assert client.get("/reports/" + YEAR_QUERY).status_code == 404
    assert client.get("/reports/export.xlsx" + YEAR_QUERY).status_code == 404


def test_board_gets_404_on_every_record_url(app, client, board, db_session):
    ids = [record_id for model in (Call, Case, Survivor, Referral)
           for record_id in db_session.scalars(sa.select(model.id).limit(2))]
    tried = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or "GET" not in rule.methods or rule.endpoint.startswith(
                ("reports.", "static")):
            continue
        for record_id in ids + [uuid.uuid4()]:
            url = rule.build({name: str(record_id) for name in rule.arguments},
                             append_unknown=False)[1]
            assert client.get(url).status_code == 404, url
            tried += 1
    assert tried >= len(ids)


def seeded_plaintexts() -> set[str]:
    """Every name, phone number, address and narrative in the seeded data, decrypted."""
    from casework.extensions import db

    texts = set()
    for model in (Survivor, Call):
        for record in db.session.scalars(sa.select(model)):
            for attribute in encrypted_attributes(model):
                value = reveal(record, attribute)
                if value and len(value) >= 6:
                    texts.add(value)
    assert len(texts) > 50
    return texts


def test_no_name_phone_or_narrative_on_any_board_page_or_export(client, board):
    secrets = seeded_plaintexts()
    phones = {re.sub(r"\D", "", text) for text in secrets if re.fullmatch(r"[\d +()-]+", text)}
    documents = []
    for query in PAGES:
        documents.append(client.get("/reports/" + query).text)
        documents.append(client.get("/reports/export.csv" + query).data.decode("utf-8-sig"))
        xlsx = client.get("/reports/export.xlsx" + query).data
        with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
            documents += [book.read(name).decode("utf-8") for name in book.namelist()
                          if name.endswith(".xml")]
    for document in documents:
        digits = re.sub(r"\D", "", document)
        assert not [text for text in secrets if text in document]
        assert not [phone for phone in phones if len(phone) >= 9 and phone in digits]


def test_exports_equal_the_screen(client, board):
    screen = screen_tables(client.get("/reports/" + YEAR_QUERY).text)
    assert csv_tables(client.get("/reports/export.csv" + YEAR_QUERY).data) == screen
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/export.xlsx" + YEAR_QUERY).data))
    assert len(book.worksheets) == len(screen)
    for sheet, table in zip(book.worksheets, screen):
        rows = [[" ".join(str(v).split()) for v in row if v is not None]
                for row in sheet.iter_rows(min_row=5, values_only=True)]
        assert rows[: len(table)] == table


def test_every_export_is_audited(client, board, db_session):
    def exports():
        return db_session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "export"))

    before = exports()
    client.get("/reports/export.csv" + YEAR_QUERY)
    client.get("/reports/export.xlsx" + YEAR_QUERY)
    assert exports() == before + 2
    client.get("/reports/" + YEAR_QUERY)
    assert exports() == before + 2, "viewing the page is not an export"


@pytest.mark.parametrize("query, message", [
    ("?kind=custom&start=2024-05-01&end=2024-04-01&line=both", "đứng trước ngày bắt đầu"),
    ("?kind=custom&start=2024-05-01&line=both", "ngày kết thúc của khoảng"),
    ("?kind=year&year=abc&line=both", "Hãy nhập năm gồm bốn chữ số"),
    ("?kind=year&year=2999&line=both", "Hãy chọn năm từ 2000 đến 2100"),
    ("?kind=moon&year=2024&line=both", "Hãy chọn một trong các lựa chọn có sẵn"),
    ("?kind=year&year=2024&line=999", "Hãy chọn một trong các lựa chọn có sẵn"),
    ("?kind=custom&start=31/02/2024&end=2024-04-01&line=both", "ngày/tháng/năm"),
])
def test_bad_choices_are_explained_next_to_the_field_and_kept(client, board, query, message):
    page = client.get("/reports/" + query)
    assert page.status_code == 200
    assert 'class="error"' in page.text and message in page.text
    assert "Not a valid" not in page.text and "Number must be" not in page.text  # in Vietnamese
    assert page.text.count('class="error"') == 1, "one reason, beside its field"
    assert 'id="table-calls"' not in page.text
    assert client.get("/reports/export.csv" + query).status_code == 302


def test_a_period_that_has_not_ended_is_not_released(client, board):
    from casework.reports.periods import today_in

    this_year = today_in("Asia/Ho_Chi_Minh").year
    page = client.get(f"/reports/?kind=year&year={this_year}&line=both")
    assert page.status_code == 200 and 'class="error"' in page.text
    assert f"01/01/{this_year + 1}" in page.text
