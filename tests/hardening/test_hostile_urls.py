"""Malformed, unknown and foreign ids in every URL, for every role.

Every route with an argument is requested (with its own methods) with malformed ids, an
id nobody has, an id of another kind of record, and a record of the same kind that belongs
to someone else. Nothing may answer 5xx, and a record the user may not open answers 404
exactly like one that does not exist.
"""

from __future__ import annotations

import uuid

import pytest
from flask import url_for

from casework.accounts.roles import Role
from tests import factories
from tests.hardening.hostile import HOSTILE_VALUES, unescaped_markup
from tests.hardening.surface import RECORD_PROVIDERS, Account, audience_includes

pytestmark = pytest.mark.slow

MALFORMED = ["not-a-uuid", "0", "-1", "1e309", "%00", "..%2F..%2Fetc%2Fpasswd",
             "'%20OR%20'1'='1", "x" * 5000, "00000000-0000-0000-0000-00000000000g",
             "%E2%80%AE" + str(uuid.uuid4())]
# Arguments whose records every user of the route may open: the admin manages every
# account, the service directory is shared, an export format is not a record.
SHARED = {"user_id", "provider_id", "fmt"}


def routes_with_arguments(app, role: str):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.arguments and audience_includes(rule.endpoint, role):
            yield rule


def build(app, rule, values: dict) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def request(client, rule, path: str):
    method = "GET" if "GET" in rule.methods else "POST"
    return client.open(path, method=method, data={} if method == "POST" else None)


def stranger(role: str):
    """A user of the same role in another unit: none of the viewer's records are theirs."""
    return factories.make_user(role, unit=factories.make_unit(f"OTHER-{uuid.uuid4().hex[:6]}",
                                                               "Another unit"))


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_bad_ids_in_every_url_answer_404_never_an_error(app, client, db_session, role):
    account = Account(app, client, role)
    account.ensure_signed_in()
    other, tried = stranger(role), 0
    for rule in routes_with_arguments(app, role):
        own = {name: RECORD_PROVIDERS[name](account.user) for name in rule.arguments}
        for name in rule.arguments:
            kinds = {} if name == "fmt" else {"unknown": uuid.uuid4(),
                                              "another kind": _another_kind(name, account.user)}
            if name not in SHARED:
                kinds["someone else's"] = RECORD_PROVIDERS[name](other)
            # A refusal rolls back what its request had begun: the records are kept first.
            db_session.commit()
            for kind, value in kinds.items():
                account.ensure_signed_in()
                response = request(client, rule, build(app, rule, {**own, name: value}))
                tried += 1
                assert response.status_code == 404, (
                    f"{rule.endpoint} with {kind} {name}: {response.status_code}")
            for bad in MALFORMED:
                path = build(app, rule, own).replace(str(own[name]), bad, 1)
                response = request(client, rule, path)
                tried += 1
                assert response.status_code < 500, f"{rule.endpoint} with {bad[:30]!r}"
    assert tried, f"no route with arguments for {role}"
    print(f"\nhostile URLs ({role}): {tried} requests")


def _another_kind(name: str, viewer):
    """The id of a record of another kind than `name` names (a user for a call, …).

    A call is not "another kind" for a draft: a draft keeps its id when it is logged, and
    its old address then leads to the call.
    """
    other = "user_id" if name in ("call_id", "draft_id") else "call_id"
    return RECORD_PROVIDERS[other](viewer)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_hostile_query_strings_on_every_page(app, client, db_session, role):
    from tests.hardening.surface import pages_for

    account = Account(app, client, role)
    account.ensure_signed_in()
    for page in pages_for(app, role, account.user):
        for value in HOSTILE_VALUES.values():
            account.ensure_signed_in()
            response = client.get(page, query_string={"page": value, "q": value,
                                                      "next": value, "sort": value})
            assert response.status_code < 500, f"{page} with {value[:30]!r}"
            if response.mimetype.startswith("image/"):
                continue  # the favicon: bytes, never the query string
            assert unescaped_markup(response.get_data(as_text=True)) == [], page


# Page keys of the lists paged by key (casework.paging): forged, garbled, of another list's
# shape, out of range, absurdly long; and the caseload's filters and sort.
HOSTILE_PAGE_KEYS = (
    "garbage", "~", "~~~", "1~2~3~4~5~6", "2026-01-01T00:00:00~" + "0" * 32,
    "2026-01-01T00:00:00+00:00~not-a-uuid", "9999-12-31T23:59:59+14:00~" + "f" * 32,
    "0001-01-01T00:00:00+00:00~" + "0" * 32, "99999999999999999999~1", "-1~-1",
    "2~2026-01-01T00:00:00+00:00~2026-01-01T00:00:00+00:00~" + "0" * 32, "x" * 5000,
)
LIST_FILTERS = ("status", "urgency", "due", "sort", "line", "call_type", "date_from")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_forged_page_keys_and_list_filters_on_every_page(app, client, db_session, role):
    from tests.hardening.surface import pages_for

    account = Account(app, client, role)
    account.ensure_signed_in()
    markup = [HOSTILE_VALUES[name] for name in ("script", "jinja expression", "nul inside")]
    values = (*HOSTILE_PAGE_KEYS, *markup)
    for page in pages_for(app, role, account.user):
        for index, value in enumerate(values):
            account.ensure_signed_in()
            # "after" is read first: alone, then with a "before" of another shape.
            query = {"after": value, **{other: value for other in LIST_FILTERS}}
            if index % 2:
                query = {"before": value, **{other: value for other in LIST_FILTERS}}
            response = client.get(page, query_string=query)
            assert response.status_code < 500, f"{page} with {value[:30]!r}"
            assert unescaped_markup(response.get_data(as_text=True)) == [], page
