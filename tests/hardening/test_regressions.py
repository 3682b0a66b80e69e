"""Defects the hostile-input sweeps found, each pinned by the smallest request that showed it."""

from __future__ import annotations


def test_a_report_without_a_year_asks_for_the_year(client, login_as):
    """Found as year=NUL (dropped on arrival): an empty year passed validation, then 500."""
    login_as("board")
    for query in ("kind=year&year=&line=both", "kind=first_half&year=%00&line=111"):
        response = client.get(f"/reports/?{query}")
        assert response.status_code == 200, query
        assert 'id="year-error"' in response.get_data(as_text=True), query
