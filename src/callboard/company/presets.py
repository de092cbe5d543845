"""Labour-agreement presets shipped with Callboard (minutes; None means no such rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    "us_ballet": {
        "name": "US ballet company agreement",
        "notes": (
            "6 hours a day, 30 hours a week, longest call 3 hours, a 9-hour span of day, "
            "a 5-minute break in every hour, 60 minutes' rest within the first 4 hours, "
            "2 free days a week, schedule posted by 15:00 the day before."
        ),
        "max_minutes_per_day": 360,
        "max_minutes_per_week": 1800,
        "longest_call_minutes": 180,
        "max_span_minutes": 540,
        "break_every_minutes": 60,
        "break_minutes": 5,
        "meal_break_within_minutes": 240,
        "meal_break_minutes": 60,
        "min_rest_between_days_minutes": None,
        "earliest_start": dt.time(10, 0),
        "latest_end": dt.time(23, 0),
        "free_days_per_week": 2,
        "class_counts_as_work": True,
        "performance_counts_as_work": True,
        "posting_deadline": dt.time(15, 0),
        "posting_days_before": 1,
    },
    "uk_minimum": {
        "name": "UK working-time minimum",
        "notes": (
            "10 hours a day, 11 hours' rest between working days, company class counts as "
            "work, 15 minutes' break in any 3 hours, 48 hours a week."
        ),
        "max_minutes_per_day": 600,
        "max_minutes_per_week": 2880,
        "longest_call_minutes": None,
        "max_span_minutes": None,
        "break_every_minutes": 180,
        "break_minutes": 15,
        "meal_break_within_minutes": None,
        "meal_break_minutes": 0,
        "min_rest_between_days_minutes": 660,
        "earliest_start": None,
        "latest_end": None,
        "free_days_per_week": 1,
        "class_counts_as_work": True,
        "performance_counts_as_work": True,
        "posting_deadline": None,
        "posting_days_before": 1,
    },
}
