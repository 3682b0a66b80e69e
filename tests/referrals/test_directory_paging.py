"""The service directory a page at a time: every agency once, whatever its name holds."""

from __future__ import annotations

import re

from casework.paging import PAGE_SIZE
from casework.referrals import service

ROW = re.compile(r"<tr(?: class=\"muted\")?>\s*<td>([^<]+)</td>")


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_directory_pages_in_use_first_then_by_type_and_name(client, login_as,
                                                                 db_session):
    user = login_as("social_worker")
    names = [f"Trung tâm ~{index:03d}~ Đồng/Tháp?&" for index in range(PAGE_SIZE + 5)]
    for index, name in enumerate(names):
        provider = service.create_provider(name=name, service_type="health", commune_code=None,
                                           contact="", by=user)
        provider.is_active = index % 4 != 0
    db_session.commit()
    shown, url = [], "/services/"
    while url:
        page = client.get(url).text
        shown.append([name.replace("&amp;", "&") for name in ROW.findall(page)])
        url = link(page, "next")
    assert [len(rows) for rows in shown] == [PAGE_SIZE, 5]
    active = sorted(name for index, name in enumerate(names) if index % 4)
    retired = sorted(name for index, name in enumerate(names) if not index % 4)
    assert [name for rows in shown for name in rows] == active + retired
    back = client.get(link(page, "prev")).text
    assert [name.replace("&amp;", "&") for name in ROW.findall(back)] == shown[0]
