"""A NUL character in any submitted text is dropped on arrival, never an error page.

PostgreSQL refuses NUL in every text column; a forged or pasted NUL must not become a 500,
and the rest of what the user typed must arrive intact.
"""

from __future__ import annotations

from tests.factories import PASSWORD


def test_a_nul_in_the_username_is_an_ordinary_refusal(client, make_user, db_session):
    user = make_user("operator")
    db_session.commit()
    response = client.post("/login", data={"username": user.username + "\x00",
                                           "password": PASSWORD + "\x00"})
    assert response.status_code == 302, "the NUL is dropped, so the sign-in succeeds"


def test_a_nul_in_an_admin_form_is_dropped_and_the_name_saved(client, login_as, make_user,
                                                               db_session):
    login_as("admin")
    user = make_user("operator")
    db_session.commit()
    response = client.post(f"/admin/users/{user.id}", data={
        "display_name": "Lê\x00 Thị Hoa", "role": "operator", "unit_id": str(user.unit_id),
        "locale": "vi"})
    assert response.status_code == 302
    db_session.refresh(user)
    assert user.display_name == "Lê Thị Hoa"


def test_a_nul_in_the_query_string_is_dropped(client, login_as):
    login_as("operator")
    response = client.get("/calls/?line=111%00&urgency=%00")
    assert response.status_code == 200
