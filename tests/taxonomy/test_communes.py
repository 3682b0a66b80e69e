"""Communes come from the vietnam-provinces package, for the configured province."""

import pytest

from casework import taxonomy

AN_GIANG = 91


def test_an_giang_communes_after_the_2025_merger():
    communes = taxonomy.communes(AN_GIANG)
    assert len(communes) > 100  # An Giang now includes former Kiên Giang
    assert all(len(code) == 5 and code.isdigit() for code in communes.codes)
    labels = {entry.vi for entry in communes}
    assert "Phường Long Xuyên" in labels
    assert "Đặc khu Phú Quốc" in labels  # formerly in Kiên Giang


def test_english_labels_say_what_kind_of_commune():
    communes = taxonomy.communes(AN_GIANG)
    entry = next(e for e in communes if e.vi == "Phường Long Xuyên")
    assert entry.en == "Long Xuyên ward"


def test_an_unknown_province_is_refused():
    with pytest.raises(ValueError):
        taxonomy.communes(999)


def test_a_recorded_code_keeps_its_name_even_outside_the_configured_province():
    hanoi_commune = next(iter(taxonomy.communes(1).codes))
    assert taxonomy.commune_label(hanoi_commune) == taxonomy.communes(1).label(hanoi_commune)
    assert taxonomy.commune_label("99999") == "99999"
    assert taxonomy.commune_label(None) == ""


def test_the_configured_province_decides_the_list(app, override_settings):
    with app.app_context():
        assert taxonomy.configured_communes().codes == taxonomy.communes(AN_GIANG).codes
        override_settings(province_code=1)
        assert taxonomy.configured_communes().codes == taxonomy.communes(1).codes
