"""Template filters: dates as dd/mm/yyyy in Vietnam's time zone, durations."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask


def configure_filters(app: Flask, timezone: str) -> None:
    zone = ZoneInfo(timezone)

    def local(value: datetime) -> datetime:
        return value.astimezone(zone)

    @app.template_filter("date")
    def _date(value):
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = local(value)
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)

    @app.template_filter("datetime")
    def _datetime(value):
        if value is None:
            return ""
        shown = local(value)
        # The same text as strftime("%d/%m/%Y %H:%M") in a third of the time: lists such as
        # a caseload show two dates on each of hundreds of rows.
        return "%02d/%02d/%d %02d:%02d" % (shown.day, shown.month, shown.year, shown.hour,
                                           shown.minute)

    @app.template_filter("time")
    def _time(value):
        return "" if value is None else local(value).strftime("%H:%M")

    @app.template_filter("clock")
    def _clock(value):
        """A time to the second (when a draft was saved) on the server's clock, 24-hour."""
        return "" if value is None else local(value).strftime("%H:%M:%S")

    @app.template_filter("duration")
    def _duration(seconds):
        if seconds is None:
            return ""
        minutes, seconds = divmod(int(seconds), 60)
        return f"{minutes}:{seconds:02d}"
