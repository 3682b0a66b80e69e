"""Age bands (configurable), and the child (<16) and minor (<18) thresholds."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework import taxonomy
from casework.config import ConfigError, load_settings
from casework.taxonomy.ages import DEFAULT_AGE_BANDS, AgeBandError, parse_age_bands

DEFAULT = parse_age_bands(DEFAULT_AGE_BANDS)


@pytest.mark.parametrize(("age", "band"), [
    (0, "0-5"), (5, "0-5"), (6, "6-11"), (11, "6-11"), (12, "12-15"), (15, "12-15"),
    (16, "16-17"), (17, "16-17"), (18, "18-59"), (59, "18-59"), (60, "60+"), (120, "60+"),
    (None, "unknown"), (-1, "unknown"),
])
def test_default_bands(age, band):
    assert taxonomy.age_band(age, DEFAULT) == band


@given(st.integers(min_value=0, max_value=130))
def test_every_age_falls_in_exactly_one_band(age):
    assert sum(band.contains(age) for band in DEFAULT) == 1


def test_other_bands_can_be_configured():
    report_bands = parse_age_bands(("0-15", "16-59", "60+"))
    assert taxonomy.age_band(15, report_bands) == "0-15"
    assert taxonomy.age_band(16, report_bands) == "16-59"
    assert taxonomy.age_band_list(report_bands).codes == ("0-15", "16-59", "60+", "unknown")


@pytest.mark.parametrize("bands", [
    (), ("1-5", "6+"), ("0-5", "7+"), ("0-5", "6+", "10+"), ("0-5", "6-10"), ("0-x", "6+"),
    ("5-0", "6+"), ("young", "old"),
])
def test_malformed_bands_are_refused(bands):
    with pytest.raises(AgeBandError):
        parse_age_bands(bands)


def test_an_instance_with_malformed_bands_refuses_to_start(tmp_path):
    env = {"CASEWORK_SECRET_KEY": "s" * 40, "CASEWORK_AGE_BANDS": "0-5,7-10,11+"}
    with pytest.raises(ConfigError, match="AGE_BANDS"):
        load_settings(env=env, overrides={"instance_path": str(tmp_path)})


def test_configured_bands_come_from_the_settings(app, override_settings):
    override_settings(age_bands=("0-15", "16-59", "60+"))
    with app.app_context():
        assert taxonomy.age_band(10) == "0-15"


@pytest.mark.parametrize(("age", "child", "minor"), [
    (0, True, True), (15, True, True), (16, False, True), (17, False, True), (18, False, False),
    (None, None, None),
])
def test_child_under_16_and_minor_under_18_are_separate_flags(age, child, minor):
    assert taxonomy.is_child_vn(age) is child
    assert taxonomy.is_minor(age) is minor


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2010, 5, 20), date(2026, 5, 19), 15),
    (date(2010, 5, 20), date(2026, 5, 20), 16),
    (date(2012, 2, 29), date(2026, 2, 28), 13),
    (date(2012, 2, 29), date(2026, 3, 1), 14),
])
def test_age_in_completed_years(born, on, age):
    assert taxonomy.age_on(born, on) == age
