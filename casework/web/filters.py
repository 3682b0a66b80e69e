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
        return "" if value is None else local(value).strftime("%d/%m/%Y %H:%M")

    @app.template_filter("time")
    def _time(value):
        return "" if value is None else local(value).strftime("%H:%M")

    @app.template_filter("duration")
    def _duration(seconds):
        if seconds is None:
            return ""
        minutes, seconds = divmod(int(seconds), 60)
        return f"{minutes}:{seconds:02d}"
