"""Leak scan of the whole running system, building on `tests/security/test_leak_scan.py`.

Markers go into every encrypted field (the security scan's writers) and, through the real
pages of a `casework serve` process, into every field of the call screen. Then everything an
outsider or the board could get hold of is searched for every marker, in every encoding:
the server's output (its application and error log), the raw database and WAL, the audit
table, every page and export the board can open, and the error pages. A phone number must
never appear in a URL: every URL the browsers asked for, and every link, form action and
source in every page shown to any role, are checked for the numbers typed.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
import sqlalchemy as sa

from bench.live import Browser
from casework.extensions import db
from tests import factories
from tests.hardening.live import LiveInstance, casework, instance_app, start_server
from tests.hardening.surface import pages_for
from tests.hardening.writers import call_form
from tests.security.markers import MARKER_WRITERS, Marks, World
from tests.security.test_leak_scan import scan
from tests.support import databases

pytestmark = pytest.mark.slow

LINK = re.compile(rb'(?:href|action|src|formaction)="([^"]*)"')
REPORT_QUERIES = [f"kind=year&year={{year}}&line={line}" for line in ("both", "111", "1800")]


class Crawl:
    """What the browsers asked for and saw: every URL, and pages by who may see them."""

    def __init__(self):
        self.urls: list[str] = []
        self.staff_pages: dict[str, bytes] = {}  # may show decrypted data to their reader
        self.outside_pages: dict[str, bytes] = {}  # board pages, exports, error pages

    def fetch(self, browser: Browser, method: str, path: str, fields=None, *, outside=False):
        self.urls.append(path)
        response = browser.request(method, path, fields)
        if response.location:
            self.urls.append(response.location)
        pages = self.outside_pages if outside else self.staff_pages
        pages[f"{method} {path} #{len(pages)}"] = response.body
        return response

    def links(self) -> list[str]:
        pages = [*self.staff_pages.values(), *self.outside_pages.values()]
        return [link.decode("utf-8", "replace") for page in pages for link in LINK.findall(page)]


def sign_in(base_url: str, username: str, secret: str | None) -> Browser:
    browser = Browser(base_url)
    signed_in = browser.sign_in(username, factories.PASSWORD)
    if secret:
        browser.get("/login/code")
        answer = browser.post("/login/code", {"code": factories.totp_code(secret)})
        signed_in = answer.status == 302 and "/login" not in answer.location
    assert signed_in, f"{username} could not sign in"
    return browser


def write_markers(app, marks: Marks) -> dict:
    """A marker in every encrypted field; staff accounts for each role, with their secrets."""
    world, accounts = World(), {}
    with app.app_context():
        for table in sorted(MARKER_WRITERS):
            MARKER_WRITERS[table](marks, world)
        people = {"operator": world.operator, "supervisor": world.supervisor,
                  "social_worker": world.worker,
                  "board": factories.make_user("board", unit=world.unit),
                  "admin": factories.make_user("admin", unit=world.unit)}
        for role, person in people.items():
            needs_code = role in app.extensions["casework.settings"].require_2fa_roles
            secret = factories.enrol_totp(person) if needs_code else None
            accounts[role] = (person.username, person.id, secret)
        db.session.commit()
    return accounts


def log_calls_through_the_pages(crawl: Crawl, operator: Browser, marks: Marks) -> None:
    """The operator types markers into every field of the call screen and searches by phone."""
    for _call in range(2):
        phone, other_phone = marks.phone(), marks.phone()
        crawl.fetch(operator, "GET", "/calls/desk")
        started = crawl.fetch(operator, "POST", "/calls/start",
                              {"csrf_token": operator.csrf_token, "line": "111",
                               "channel": "phone"})
        draft = urlsplit(started.location).path
        crawl.fetch(operator, "GET", draft)
        fields = {**call_form(marks.text("call screen")), "caller_phone": phone,
                  "survivor_phone": other_phone, "survivor_name": marks.text("survivor"),
                  "survivor_address": marks.text("address"), "narrative": marks.text("story"),
                  "caller_name": marks.text("caller"), "csrf_token": operator.csrf_token}
        crawl.fetch(operator, "POST", f"{draft}/autosave", {**fields, "save_seq": "1"})
        crawl.fetch(operator, "GET", draft)
        for fetch in ("1", ""):  # the page's script, and the button without script
            crawl.fetch(operator, "POST", f"{draft}/repeat-callers",
                        {**fields, "phone": phone, "name": "", "fetch": fetch,
                         "csrf_token": operator.csrf_token})
        logged = crawl.fetch(operator, "POST", f"{draft}/log",
                             {**fields, "csrf_token": operator.csrf_token})
        assert logged.status == 302, "the marked call was not logged"
        crawl.fetch(operator, "GET", urlsplit(logged.location).path)


def move_calls_back_a_year(app) -> int:
    """Put every call and case in last year, so the board's yearly report counts them."""
    from casework.cases.models import Case
    from casework.intake.models import Call

    year = timedelta(days=366)
    moved = {Call: ("started_at", "ended_at"), Case: ("opened_at", "received_at")}
    with app.app_context():
        for model, columns in moved.items():
            for record in db.session.scalars(sa.select(model)):
                for column in columns:
                    if getattr(record, column) is not None:
                        setattr(record, column, getattr(record, column) - year)
        last_year = db.session.scalar(sa.select(sa.func.min(Call.started_at))).year
        db.session.commit()
    return last_year


def visit_every_page(crawl: Crawl, app, browser: Browser, role: str, user_id, *, outside):
    """GET every page the role may open (records for URL arguments made as that user)."""
    from casework.accounts.models import User

    with app.app_context():
        paths = pages_for(app, role, db.session.get(User, user_id))
        db.session.commit()
    for path in paths:
        crawl.fetch(browser, "GET", path, outside=outside)


def read_the_board_reports(crawl: Crawl, board: Browser, year: int) -> None:
    for query in REPORT_QUERIES:
        query = query.format(year=year)
        page = crawl.fetch(board, "GET", f"/reports/?{query}", outside=True)
        assert page.status == 200
        for fmt in ("csv", "xlsx"):
            exported = crawl.fetch(board, "GET", f"/reports/export.{fmt}?{query}", outside=True)
            assert exported.status == 200, f"{fmt} export answered {exported.status}"
            assert exported.headers["content-disposition"].startswith("attachment")
            if fmt == "xlsx":
                crawl.outside_pages[f"{fmt} {query} unzipped"] = unzipped(exported.body)


def unzipped(data: bytes) -> bytes:
    """Every member of a zip file (an XLSX), concatenated, so markers inside show."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


def provoke_error_pages(crawl: Crawl, browser: Browser, marks: Marks) -> None:
    marker = marks.text("error page")
    answers = [
        crawl.fetch(browser, "GET", f"/cases/{uuid.uuid4()}", outside=True),
        crawl.fetch(browser, "POST", "/account", {"locale": marker}, outside=True),  # no CSRF
        crawl.fetch(browser, "POST", "/account", {"csrf_token": browser.csrf_token,
                                                  "locale": marker + "x" * 2_500_000},
                    outside=True),
    ]
    assert [answer.status for answer in answers] == [404, 400, 413]


def stored_evidence(instance: LiveInstance, app) -> dict[str, bytes]:
    """The audit table as text, and the raw SQLite file and WAL."""
    from casework.audit.models import AuditEntry

    with app.app_context():
        rows = db.session.execute(sa.select(AuditEntry)).scalars().all()
        audit = "\n".join(repr({c.key: getattr(row, c.key) for c in sa.inspect(row).mapper
                                .column_attrs}) for row in rows)
        db.session.rollback()
    found = {"audit table": audit.encode()}
    if instance.is_sqlite:
        for suffix in ("", "-wal"):
            path = instance.database_file.with_name(instance.database_file.name + suffix)
            if path.exists():
                found[f"database{suffix}"] = path.read_bytes()
    return found


def phone_needles(marks: Marks) -> set[str]:
    phones = [needles for typed, needles in marks.needles.items() if not typed.startswith("LEAK")]
    return {needle for needles in phones for needle in needles}


def _squeezed(text: str) -> str:
    """Without the separators a phone number may be typed or encoded with."""
    return re.sub(r"[\s+.\-()]", "", text)


def test_the_running_system_leaks_no_marker_and_no_phone_in_a_url(tmp_path, keyring):
    with databases.scratch_database(tmp_path) as url:
        env = databases.make_instance(tmp_path / "instance", url, keyring)
        casework(env, "init-db")
        instance, app = LiveInstance(env, tmp_path), instance_app(env)
        marks, crawl = Marks(), Crawl()
        accounts = write_markers(app, marks)
        server = start_server(env, tmp_path / "server.log")
        try:
            browsers = {role: sign_in(server.base_url, name, secret)
                        for role, (name, _id, secret) in accounts.items()}
            log_calls_through_the_pages(crawl, browsers["operator"], marks)
            year = move_calls_back_a_year(app)
            for role, browser in browsers.items():
                visit_every_page(crawl, app, browser, role, accounts[role][1],
                                 outside=role in ("board", "admin"))
            read_the_board_reports(crawl, browsers["board"], year)
            provoke_error_pages(crawl, browsers["social_worker"], marks)
        finally:
            server.stop()
        haystacks = {"server output": (tmp_path / "server.log").read_bytes(),
                     **crawl.outside_pages, **stored_evidence(instance, app)}
        with app.app_context():
            db.engine.dispose()
    assert scan(crawl.staff_pages, marks), "staff pages show the markers: the scan can see them"
    leaks = scan(haystacks, marks)
    assert leaks == [], leaks[:10]
    urls = [unquote(link) for link in crawl.urls + crawl.links()]
    in_urls = sorted({needle for needle in phone_needles(marks) for link in urls
                      if _squeezed(needle) in _squeezed(link)})
    assert in_urls == [], "a phone number appears in a URL"
    assert len(crawl.outside_pages) > 10 and len(urls) > 100, "the crawl reached too little"
    print(f"\nleak scan: {len(haystacks)} places searched for {len(marks.needles)} markers, "
          f"{len(urls)} URLs and links checked, 0 leaks")
