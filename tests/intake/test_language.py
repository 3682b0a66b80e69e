"""The call screens in Vietnamese (the default) and English; labels from the taxonomy data."""

from tests.intake.conftest import valid_form


def test_the_call_screen_speaks_vietnamese_by_default_and_english_on_request(
        client, operator, start_call, db_session):
    url = start_call()
    page = client.get(url).get_data(as_text=True)
    assert "Không có thông tin cần ghi? Ghi nhận bằng một phím" in page
    assert "Im lặng" in page and "Nguy hiểm tức thời" in page  # taxonomy labels
    operator.locale = "en"
    db_session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Nothing to record? Log it with one key" in page
    assert "Silent" in page and "Immediate danger" in page


def test_errors_are_translated(client, operator, start_call):
    page = client.post(f"{start_call()}/log",
                       data=valid_form(survivor_age="x")).get_data(as_text=True)
    assert "Nhập tuổi bằng số năm tròn, từ 0 đến 120." in page


def test_the_call_list_counts_in_vietnamese(client, operator):
    assert "Số cuộc gọi: 0" in client.get("/calls/").get_data(as_text=True)
